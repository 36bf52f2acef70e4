/*
** df.c: the document frequencies of phrases, kept by a connection from one
** search to the next (see fouine_df_cache in query.h).
**
** fouine_rank() needs, for each phrase of a query, the number of articles
** holding it: FTS5 3.40 has no call for that but running the phrase as a
** query of its own (xQueryPhrase()), a walk over its whole doclist, which
** for a common word costs as much as the search itself.  The numbers
** change only when the index does, so the connection keeps them, keyed by
** the text of the phrase in the FTS5 expression (with its prefix star),
** in one hash table (xxHash's XXH3) stamped with the version of the index
** they were counted on; a search on another version empties it first.
*/
#include "query.h"

#include "fouine/alloc.h"

#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

/* Slots of the table at most; when the frequencies would fill half of
** them it is emptied (the words of the searches since then fill it
** again). */
#define DF_SLOTS_MAX 16384
#define DF_SLOTS_MIN 256

typedef struct df_slot {
    uint64_t hash;
    char *key; /* owned; NULL: empty */
    size_t len;
    sqlite3_int64 df;
} df_slot;

struct fouine_df_cache {
    sqlite3_int64 stamp[FOUINE_DF_STAMP]; /* the index they are of */
    int stamped;                          /* stamp is set */
    df_slot *slots;                       /* owned; cap of them */
    size_t cap, n;
};

int fouine_df_cache_new(fouine_df_cache **out)
{
    *out = fouine_calloc(1, sizeof **out);
    return *out ? FOUINE_OK : FOUINE_ENOMEM;
}

/* Forget every frequency of c (its room kept). */
static void df_empty(fouine_df_cache *c)
{
    size_t i;
    for (i = 0; i < c->cap; i++) {
        fouine_free(c->slots[i].key);
        c->slots[i].key = NULL;
    }
    c->n = 0;
}

void fouine_df_cache_free(void *p)
{
    fouine_df_cache *c = p;
    if (c) {
        df_empty(c);
        fouine_free(c->slots);
        fouine_free(c);
    }
}

void fouine_df_cache_stamp(fouine_df_cache *c,
                           const sqlite3_int64 stamp[FOUINE_DF_STAMP])
{
    if (!c->stamped || memcmp(c->stamp, stamp, sizeof c->stamp) != 0) {
        df_empty(c);
        memcpy(c->stamp, stamp, sizeof c->stamp);
        c->stamped = 1;
    }
}

/* The slot of key (hash h) in slots (cap a power of two): its own, or the
** empty one where it would go. */
static df_slot *df_find(df_slot *slots,
                        size_t cap,
                        uint64_t h,
                        const char *key,
                        size_t len)
{
    size_t i = (size_t)h & (cap - 1);
    while (slots[i].key && !(slots[i].hash == h && slots[i].len == len &&
                             memcmp(slots[i].key, key, len) == 0)) {
        i = (i + 1) & (cap - 1);
    }
    return &slots[i];
}

int fouine_df_cache_get(sqlite3_int64 *df,
                        const fouine_df_cache *c,
                        const char *key,
                        size_t len)
{
    df_slot *s;
    if (c->n == 0) {
        return 0;
    }
    s = df_find(c->slots, c->cap, XXH3_64bits(key, len), key, len);
    if (!s->key) {
        return 0;
    }
    *df = s->df;
    return 1;
}

/* Make room in c for one frequency more: the table doubled, or emptied
** when it is at its largest.  Returns FOUINE_OK or FOUINE_ENOMEM. */
static int df_room(fouine_df_cache *c)
{
    df_slot *grown;
    size_t cap, i;
    if (c->cap > 0 && 2 * (c->n + 1) <= c->cap) {
        return FOUINE_OK;
    }
    if (c->cap >= DF_SLOTS_MAX) {
        df_empty(c);
        return FOUINE_OK;
    }
    cap = c->cap ? 2 * c->cap : DF_SLOTS_MIN;
    grown = fouine_calloc(cap, sizeof *grown);
    if (!grown) {
        return FOUINE_ENOMEM;
    }
    for (i = 0; i < c->cap; i++) {
        const df_slot *s = &c->slots[i];
        if (s->key) {
            *df_find(grown, cap, s->hash, s->key, s->len) = *s;
        }
    }
    fouine_free(c->slots);
    c->slots = grown;
    c->cap = cap;
    return FOUINE_OK;
}

int fouine_df_cache_put(fouine_df_cache *c,
                        const char *key,
                        size_t len,
                        sqlite3_int64 df)
{
    uint64_t h = XXH3_64bits(key, len);
    df_slot *s;
    char *copy;
    int rc = df_room(c);
    if (rc != FOUINE_OK) {
        return rc;
    }
    s = df_find(c->slots, c->cap, h, key, len);
    if (s->key) {
        s->df = df;
        return FOUINE_OK;
    }
    copy = fouine_malloc(len ? len : 1);
    if (!copy) {
        return FOUINE_ENOMEM;
    }
    memcpy(copy, key, len);
    s->hash = h;
    s->key = copy;
    s->len = len;
    s->df = df;
    c->n++;
    return FOUINE_OK;
}

/* Whether the string p opens with the FTS5 operator op, a whole word. */
static int is_op(const char *p, const char *op)
{
    size_t n = strlen(op);
    char next;
    if (strncmp(p, op, n) != 0) {
        return 0; /* p may end before n bytes: read no further */
    }
    next = p[n];
    return !((next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z') ||
             (next >= '0' && next <= '9') || next == '_' ||
             (unsigned char)next >= 0x80);
}

int fouine_expr_phrases(fouine_span *out, int n, const char *expr)
{
    const char *p = expr;
    int k = 0;
    while (*p) {
        if (*p == ' ' || *p == '(' || *p == ')') {
            p++;
        } else if (*p == '"') {
            const char *start = p++, *after;
            for (;;) {
                if (!*p) {
                    return 0; /* not closed */
                }
                if (*p == '"' && p[1] == '"') {
                    p += 2; /* a quote inside the phrase */
                } else if (*p++ == '"') {
                    break;
                }
            }
            for (after = p; *after == ' '; after++) {
            }
            if (*after == '*') {
                p = after + 1; /* a prefix: a phrase of its own */
            }
            if (k >= n) {
                return 0;
            }
            out[k].start = (size_t)(start - expr);
            out[k].end = (size_t)(p - expr);
            k++;
        } else if (is_op(p, "AND") || is_op(p, "NOT")) {
            p += 3;
        } else if (is_op(p, "OR")) {
            p += 2;
        } else {
            /* A column filter, NEAR, a bare word, ^ or +: phrases whose
            ** frequency is not that of their text alone. */
            return 0;
        }
    }
    return k == n;
}
