/*
** cache.c: the word cache of the French analyzer: the forms of the words
** read (steps 3 to 5), one 64-byte line an entry, keyed on the word's
** bytes after the elided article with ASCII capitals lowercased.  Its
** lookup, on the hot path, is static inline in analyzer_int.h.
*/
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */

#include "analyzer_int.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "fouine/alloc.h"

#define CACHE_SMALL (1u << 12) /* entries of the first cache */
#define CACHE_SLOTS (1u << 18) /* entries of the cache it grows into */

static void cache_reset(fouine_analyzer *an)
{
    memset(an->slots, 0, ((size_t)an->mask + 1) * sizeof an->slots[0]);
    an->nentries = 0;
}

void fouine_cache_free(fouine_analyzer *an)
{
    if (!an->cache_mem) {
        return;
    }
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    if (an->cache_mapped) {
        munmap(an->cache_mem, an->cache_size);
    } else {
        fouine_free(an->cache_mem);
    }
#else
    fouine_free(an->cache_mem);
#endif
    an->cache_mem = NULL;
    an->slots = NULL;
    an->mask = 0;
    an->nentries = 0;
}

/*
** Give the analyzer an empty cache of nslots slots (a power of two), the
** old one released: zeroed pages that the system maps only when touched,
** with at least one spare line after the last slot (see fouine_cache_key_equal()).
** The large cache is asked to be made of huge pages (Linux): a lookup
** lands anywhere in it, and with small pages most lookups would also miss
** the TLB.  Returns FOUINE_OK or FOUINE_ENOMEM (the old cache is then
** kept).
*/
static FOUINE_WUR int cache_alloc(fouine_analyzer *an, uint32_t nslots)
{
    const size_t bytes = (size_t)nslots * sizeof an->slots[0];
    size_t size = bytes + 2 * CACHE_LINE;
    void *mem = NULL;
    int mapped = 0;
    uintptr_t p;
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    const size_t huge = (size_t)2 << 20;
    if (nslots == CACHE_SLOTS) {
        size = bytes + huge;
        mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED) {
            return FOUINE_ENOMEM;
        }
        mapped = 1;
        p = ((uintptr_t)mem + huge - 1) & ~(uintptr_t)(huge - 1);
        (void)madvise((void *)p, bytes, MADV_HUGEPAGE); /* a hint only */
    }
#endif
    if (!mem) {
        mem = fouine_calloc(1, size);
        if (!mem) {
            return FOUINE_ENOMEM;
        }
    }
    fouine_cache_free(an);
    an->cache_mem = mem;
    an->cache_size = size;
    an->cache_mapped = mapped;
    p = ((uintptr_t)mem + CACHE_LINE - 1) & ~(uintptr_t)(CACHE_LINE - 1);
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    if (mapped) {
        p = ((uintptr_t)mem + huge - 1) & ~(uintptr_t)(huge - 1);
    }
#endif
    an->slots = (cache_slot *)p;
    an->mask = nslots - 1;
    return FOUINE_OK;
}

int fouine_cache_init(fouine_analyzer *an)
{
    return an->slots ? FOUINE_OK : cache_alloc(an, CACHE_SMALL);
}

void fouine_cache_put(fouine_analyzer *an,
                      const char *key,
                      size_t nkey,
                      uint32_t h,
                      word_view *w)
{
    char lower[CACHE_DATA];
    size_t nt, nf, i;
    cache_slot *s;
    uint32_t k;
    char *p;

    if (w->ntoken == 0 || nkey >= CACHE_DATA) {
        return;
    }
    for (i = 0; i < nkey; i++) {
        lower[i] = fouine_ascii_lower(key[i]);
    }
    nt =
        w->ntoken == nkey && memcmp(w->token, lower, nkey) == 0 ? 0 : w->ntoken;
    nf = w->nfold == w->ntoken && memcmp(w->fold, w->token, w->ntoken) == 0 ?
             0 :
             w->nfold;
    if (nkey + nt + nf + w->nstem > CACHE_DATA || nt > UINT8_MAX ||
        nf > UINT8_MAX || w->nstem > UINT8_MAX) {
        return;
    }
    if (an->nentries >= ((size_t)an->mask + 1) / 4 * 3) {
        /* Full: the small cache grows (its entries are dropped), the large
        ** one starts again empty. */
        if (an->mask + 1 == CACHE_SLOTS ||
            cache_alloc(an, CACHE_SLOTS) != FOUINE_OK) {
            cache_reset(an);
        }
    }
    k = h & an->mask;
    while (an->slots[k].hash != 0) {
        k = (k + 1) & an->mask;
    }
    s = &an->slots[k];
    p = s->data;
    memcpy(p, lower, nkey);
    memcpy(p + nkey, w->token, nt);
    memcpy(p + nkey + nt, w->fold, nf);
    memcpy(p + nkey + nt + nf, w->stem, w->nstem);
    s->hash = h;
    s->nkey = (uint8_t)nkey;
    s->ntoken = (uint8_t)nt;
    s->nfold = (uint8_t)nf;
    s->nstem = (uint8_t)w->nstem;
    an->nentries++;
    fouine_cache_view(s, w);
}
