/*
** analyzer.c: the French analyzer (see fouine/analyzer.h for the contract):
** the handle and its runs, which find the words (scan.c), analyze each one
** (word.c) unless it is in the word cache (cache.c), and emit its tokens.
**
** The pipeline for one word:
**   1. word splitting on the original bytes: letters, marks and digits make
**      words; an apostrophe between two letters joins them; soft hyphens and
**      zero-width characters inside a word are skipped; digit groups
**      separated by a space, NBSP or narrow NBSP form one number, and a
**      decimal comma stays inside a number;
**   2. elision: "l'", "d'", "qu'", "jusqu'"... in front of a word are dropped
**      and the token's offsets start after the apostrophe;
**   3. normalization: NFKC and case folding (utf8proc): the token;
**   4. fold: accents stripped, ligatures œ and æ expanded;
**   5. stem: Snowball French on the token, corrected by a small table, then
**      folded like the fold.
** Steps 3 to 5 are cached per analyzer, keyed on the word's bytes after the
** elided article with ASCII capitals lowercased; an entry is one 64-byte
** line holding the key and the three forms (the token and the fold only
** when they differ from what precedes them), so that a word found in the
** cache is emitted without any copy.  The splitter finds the words a few
** ahead of the one being emitted and prefetches their entries.  When only
** the tokens are wanted and no watch is told of the words, a word of ASCII
** letters, digits, "'" and "," (most of French text) is its own token once
** lowercased: it is emitted without the cache (emit_direct()).
** utf8proc's results for Latin characters (class, NFKC + case folding,
** accent stripping) are memoized per analyzer, so most new words need no
** allocation.
*/
#include "analyzer_int.h"

#include <libstemmer.h>
#include <stdint.h>
#include <string.h>

#include "fouine/alloc.h"

#define PREFETCH_WORDS 16 /* words found ahead, their cache slots prefetched */

/*
** Analyze the word text[start..end) (its elided article already skipped):
** the cached steps.  The cache is keyed on the word's bytes with ASCII
** capitals lowercased, so "Président", "président" and "l'président" share
** an entry.  w points into the cache or into b.
*/
static FOUINE_WUR int word_get(fouine_analyzer *an,
                               const char *text,
                               size_t len,
                               size_t start,
                               size_t end,
                               int plain,
                               uint32_t h,
                               word_buf *b,
                               word_view *w)
{
    const char *key = text + start;
    size_t nkey = end - start;
    int rc;

    if (nkey < CACHE_DATA &&
        fouine_cache_get(an, key, nkey, len - start, h, w)) {
        return FOUINE_OK;
    }
    rc = fouine_word_analyze(an, key, nkey, plain, b, w);
    if (rc == FOUINE_OK && w->ntoken > 0 && an->watch) {
        fouine_word word;
        word.token = w->token;
        word.ntoken = w->ntoken;
        word.fold = w->fold;
        word.nfold = w->nfold;
        word.stem = w->stem;
        word.nstem = w->nstem;
        rc = an->watch(&word, an->watch_payload);
    }
    if (rc == FOUINE_OK && nkey < CACHE_DATA) {
        fouine_cache_put(an, key, nkey, h, w);
    }
    return rc;
}

/* Emit the tokens of one analyzed word.  Returns the callback's verdict. */
static FOUINE_WUR int emit_word(const word_view *w,
                                int mode,
                                size_t start,
                                size_t end,
                                fouine_token_cb cb,
                                void *payload)
{
    int rc;

    if (w->ntoken == 0) {
        return 0;
    }
    rc = cb(w->token, w->ntoken, start, end, 0, payload);
    if (rc != 0 || !(mode & FOUINE_ANALYZE_WORDS)) {
        return rc;
    }
    rc = cb(w->fold, w->nfold, start, end,
            FOUINE_TOKEN_COLOCATED | FOUINE_TOKEN_FOLD, payload);
    if (rc == 0 && w->nstem > 0) {
        rc = cb(w->stem, w->nstem, start, end,
                FOUINE_TOKEN_COLOCATED | FOUINE_TOKEN_STEM, payload);
    }
    return rc;
}

void fouine_analyzer_watch(fouine_analyzer *an,
                           fouine_word_cb cb,
                           void *payload)
{
    an->watch = cb;
    an->watch_payload = payload;
}

int fouine_analyzer_new(fouine_analyzer **out)
{
    fouine_analyzer *an = NULL;
    int rc = FOUINE_ENOMEM;

    *out = NULL;
    an = fouine_calloc(1, sizeof *an);
    if (!an) {
        goto done;
    }
    an->stemmer = sb_stemmer_new("french", NULL);
    if (!an->stemmer) {
        goto done;
    }
    fouine_scan_init(an);
    fouine_word_init(an);
    *out = an;
    an = NULL;
    rc = FOUINE_OK;
done:
    fouine_analyzer_free(an);
    return rc;
}

void fouine_analyzer_free(fouine_analyzer *an)
{
    if (!an) {
        return;
    }
    sb_stemmer_delete(an->stemmer);
    fouine_cache_free(an);
    fouine_free(an);
}

/*
** Find the next word at or after text[i]; fill p and return 1, or return 0
** at the end of the text.  The word's cache slot is prefetched, so that
** its memory arrives while the words before it are emitted.
*/
static int next_word(const fouine_analyzer *an,
                     const char *text,
                     size_t len,
                     size_t i,
                     int mode,
                     pending_word *p)
{
    size_t at;
    if (!fouine_scan_find(an, text, len, i, p)) {
        return 0;
    }
    at = p->start + p->skip;
    p->mode = mode;
    p->hash = 0;
    p->direct = p->plain && !(mode & FOUINE_ANALYZE_WORDS) && !an->watch;
    if (!p->direct && p->end - at < CACHE_DATA) {
        p->hash = fouine_cache_hash(text + at, p->end - at, len - at);
#if defined(__GNUC__)
        __builtin_prefetch(&an->slots[p->hash & an->mask]);
#endif
    }
    return 1;
}

/* Copy s[0..n) into dst (room for n rounded up to 8 bytes) with its ASCII
** capitals lowercased, eight bytes at a time; avail bytes are readable
** from s (n at least). */
static void lower_copy(char *dst, const char *s, size_t n, size_t avail)
{
    size_t j;
    for (j = 0; j < n; j += 8) {
        size_t r = n - j < 8 ? n - j : 8;
        uint64_t x = fouine_ascii_lower8(fouine_load_tail(s + j, r, avail - j));
        memcpy(dst + j, &x, sizeof x);
    }
}

/*
** Emit the token of a plain word (fouine_scan_word(): ASCII letters, digits, "'"
** and ",", most of French text) when only tokens are wanted and no watch
** is told of the words analyzed: the word lowercased and cut to
** FOUINE_MAX_WORD bytes, as fouine_word_analyze() makes it, without the cache,
** which is only needed for the fold and the stem (FOUINE_ANALYZE_WORDS
** and the watch) and for words beyond ASCII (normalization).
*/
static FOUINE_WUR int emit_direct(const char *text,
                                  size_t len,
                                  const pending_word *p,
                                  fouine_token_cb cb,
                                  void *payload)
{
    char low[FOUINE_MAX_WORD + 8]; /* the token */
    size_t at = p->start + p->skip;
    size_t n = p->end - at > FOUINE_MAX_WORD ? FOUINE_MAX_WORD : p->end - at;
    lower_copy(low, text + at, n, len - at);
    return cb(low, n, at, p->end, 0, payload);
}

int fouine_analyzer_run(fouine_analyzer *an,
                        const char *text,
                        size_t len,
                        int mode,
                        fouine_token_cb cb,
                        void *payload)
{
    word_buf b;
    word_view w;
    pending_word ring[PREFETCH_WORDS]; /* the next words, in order */
    size_t head = 0, count = 0, pos = 0;
    int more = 1, rc;

    rc = len > 0 ? fouine_cache_init(an) : 0;
    while (rc == 0 && more && count < PREFETCH_WORDS) {
        more = next_word(an, text, len, pos, mode, &ring[count]);
        if (more) {
            pos = ring[count++].end;
        }
    }
    while (rc == 0 && count > 0) {
        pending_word *cur = &ring[head];
        if (cur->direct) {
            rc = emit_direct(text, len, cur, cb, payload);
        } else {
            rc = word_get(an, text, len, cur->start + cur->skip, cur->end,
                          cur->plain, cur->hash, &b, &w);
            if (rc == 0) {
                rc = emit_word(&w, cur->mode, cur->start + cur->skip, cur->end,
                               cb, payload);
            }
        }
        /* The slot takes the word PREFETCH_WORDS ahead. */
        more = more && next_word(an, text, len, pos, mode, cur);
        if (more) {
            pos = cur->end;
        } else {
            count--;
        }
        head = (head + 1) % PREFETCH_WORDS;
    }
    return rc;
}
