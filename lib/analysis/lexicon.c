/*
** lexicon.c: the lexicon sink, the words a writer's analyzers read before
** they go to the lexicon table (see lib/store/store.h; the table is written
** by fouine_lexsink_flush() in store.c).
**
** The words are records in one growable buffer: the lengths of the token,
** the fold and the stem (one byte each: every form is at most
** 4 * FOUINE_MAX_WORD bytes, see analyzer.c), then the three forms.
*/
#include "analysis.h"

#include <stdlib.h>
#include <string.h>

#include "fouine/alloc.h"
#include "fouine/buf.h"
#include "store.h"

struct fouine_lexsink {
    fouine_buf words; /* records; owned */
    size_t count;     /* words held */
};

int fouine_lexsink_new(fouine_lexsink **out)
{
    *out = fouine_calloc(1, sizeof **out);
    return *out ? FOUINE_OK : FOUINE_ENOMEM;
}

void fouine_lexsink_free(fouine_lexsink *sink)
{
    if (sink) {
        fouine_free(sink->words.data);
        fouine_free(sink);
    }
}

int fouine_lexsink_add(fouine_lexsink *sink, const fouine_word *w)
{
    unsigned char head[3];
    size_t before = sink->words.len;
    if (w->ntoken == 0 || w->ntoken > 255 || w->nfold > 255 || w->nstem > 255) {
        return FOUINE_OK; /* cannot happen: see analyzer.c */
    }
    head[0] = (unsigned char)w->ntoken;
    head[1] = (unsigned char)w->nfold;
    head[2] = (unsigned char)w->nstem;
    fouine_buf_append(&sink->words, (const char *)head, sizeof head);
    fouine_buf_append(&sink->words, w->token, w->ntoken);
    fouine_buf_append(&sink->words, w->fold, w->nfold);
    fouine_buf_append(&sink->words, w->stem, w->nstem);
    if (sink->words.failed) {
        sink->words.failed = 0;
        sink->words.len = before;
        return FOUINE_ENOMEM;
    }
    sink->count++;
    return FOUINE_OK;
}

int fouine_lexsink_take(fouine_lexsink *dst, fouine_lexsink *src)
{
    size_t before = dst->words.len;
    if (src->count == 0) {
        return FOUINE_OK;
    }
    if (dst->count == 0) {
        fouine_buf tmp = dst->words;
        dst->words = src->words;
        src->words = tmp;
        src->words.len = 0;
    } else {
        fouine_buf_append(&dst->words, src->words.data, src->words.len);
        if (dst->words.failed) {
            dst->words.failed = 0;
            dst->words.len = before;
            return FOUINE_ENOMEM;
        }
        src->words.len = 0;
    }
    dst->count += src->count;
    src->count = 0;
    return FOUINE_OK;
}

int fouine_lexsink_empty(const fouine_lexsink *sink)
{
    return sink->count == 0;
}

void fouine_lexsink_clear(fouine_lexsink *sink)
{
    sink->words.len = 0;
    sink->count = 0;
}

/* The word of the record at p. */
static void record_word(const unsigned char *p, fouine_word *w)
{
    w->ntoken = p[0];
    w->nfold = p[1];
    w->nstem = p[2];
    w->token = (const char *)p + 3;
    w->fold = w->token + w->ntoken;
    w->stem = w->fold + w->nfold;
}

/* qsort() order of records (pointers to them): their tokens' bytes, as
** SQLite's BINARY collation orders the lexicon's key. */
static int by_token(const void *a, const void *b)
{
    const unsigned char *p = *(const unsigned char *const *)a;
    const unsigned char *q = *(const unsigned char *const *)b;
    size_t n = p[0] < q[0] ? p[0] : q[0];
    int c = memcmp(p + 3, q + 3, n);
    return c ? c : (int)p[0] - (int)q[0];
}

int fouine_lexsink_each(const fouine_lexsink *sink,
                        fouine_word_cb cb,
                        void *payload)
{
    const unsigned char *p = (const unsigned char *)sink->words.data;
    const unsigned char **order = NULL; /* the records, sorted; owned */
    size_t at = 0, n = 0, i;
    int rc = FOUINE_OK;

    if (sink->count == 0) {
        return FOUINE_OK;
    }
    order = fouine_malloc(sink->count * sizeof *order);
    if (!order) {
        return FOUINE_ENOMEM;
    }
    while (at + 3 <= sink->words.len && n < sink->count) {
        order[n++] = p + at;
        at += 3 + (size_t)p[at] + p[at + 1] + p[at + 2];
    }
    qsort(order, n, sizeof *order, by_token);
    for (i = 0; i < n && rc == FOUINE_OK; i++) {
        fouine_word w;
        if (i > 0 && by_token(&order[i - 1], &order[i]) == 0) {
            continue; /* the same word, read again after the cache grew */
        }
        record_word(order[i], &w);
        rc = cb(&w, payload);
    }
    fouine_free(order);
    return rc;
}
