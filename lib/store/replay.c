/*
** replay.c: analysis ahead of the writer (see indexer.h).
**
** The French analysis of an article is a large part of the cost of
** writing it.  The reader thread analyzes each article's title, lead and
** body in advance (fouine_pretok_analyze()); on the writer's connection,
** "french" is wrapped by a tokenizer that, when FTS5 asks it to tokenize a
** document text equal byte for byte to one analyzed in advance, replays
** the tokens recorded instead of analyzing again.  Any other text (a
** query, the old text of an updated article, a comment) goes to the
** "french" tokenizer itself, so the tokens are the same either way: the
** same analyzer, in document mode, with the flags the "french" tokenizer
** passes (lib/analysis/fts5.c).
*/
#include "indexer.h"

#include "fouine/alloc.h"
#include "fouine/analyzer.h"
#include "fouine/fts5.h"

#include <stdlib.h>
#include <string.h>

/* Bytes of a record before the token: flags, length, start, end. */
#define RECORD_HEAD FOUINE_PRETOK_HEAD

/* The wrapper registered as "french" on one connection. */
struct fouine_replay {
    fts5_tokenizer orig;       /* the "french" tokenizer wrapped */
    void *orig_data;           /* its user data */
    const char *const *texts;  /* texts analyzed in advance; not owned */
    const fouine_pretok *toks; /* their tokens; not owned */
    size_t ntexts;             /* their number */
    size_t next;               /* where to look first: after the last found */
};

/* One instance of the wrapper, as FTS5 creates for each table. */
typedef struct replay_tokenizer {
    fouine_replay *rp;    /* not owned */
    Fts5Tokenizer *inner; /* the "french" instance; owned */
} replay_tokenizer;

void fouine_pretok_free(fouine_pretok *t)
{
    fouine_free(t->buf);
    memset(t, 0, sizeof *t);
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xFF);
    p[1] = (unsigned char)((v >> 8) & 0xFF);
    p[2] = (unsigned char)((v >> 16) & 0xFF);
    p[3] = (unsigned char)((v >> 24) & 0xFF);
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Append one token (fouine_token_cb). */
static int record(const char *token,
                  size_t len,
                  size_t start,
                  size_t end,
                  int flags,
                  void *payload)
{
    fouine_pretok *t = payload;
    unsigned char *p;
    if (len > UINT8_MAX || end > UINT32_MAX) { /* the record's fields */
        return FOUINE_EINVAL; /* cannot be recorded: analyze later */
    }
    if (t->len + RECORD_HEAD + len > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        char *buf;
        while (cap < t->len + RECORD_HEAD + len) {
            cap *= 2;
        }
        buf = fouine_realloc(t->buf, cap);
        if (!buf) {
            return FOUINE_ENOMEM;
        }
        t->buf = buf;
        t->cap = cap;
    }
    p = (unsigned char *)t->buf + t->len;
    p[0] = (unsigned char)((flags & FOUINE_TOKEN_COLOCATED) ? 1 : 0);
    p[1] = (unsigned char)len;
    put_u32(p + 2, (uint32_t)start);
    put_u32(p + 6, (uint32_t)end);
    memcpy(p + RECORD_HEAD, token, len);
    t->len += RECORD_HEAD + len;
    return 0;
}

int fouine_pretok_analyze(fouine_pretok *out,
                          fouine_analyzer *an,
                          const char *text,
                          size_t len)
{
    int rc;
    memset(out, 0, sizeof *out);
    if (len > INT32_MAX) {
        return FOUINE_OK; /* FTS5 takes an int: leave it to the writer */
    }
    rc = fouine_analyzer_run(an, text, len, FOUINE_ANALYZE_DOCUMENT, record,
                             out);
    if (rc == FOUINE_OK) {
        out->text_len = len;
        out->ready = 1;
        return FOUINE_OK;
    }
    fouine_pretok_free(out);
    return rc == FOUINE_ENOMEM ? FOUINE_ENOMEM : FOUINE_OK;
}

/* Create an instance (xCreate): the "french" instance it wraps, made with
** the same arguments. */
static int replay_create(void *data,
                         const char **args,
                         int nargs,
                         Fts5Tokenizer **out)
{
    fouine_replay *rp = data;
    replay_tokenizer *tok;
    int rc;
    *out = NULL;
    tok = sqlite3_malloc(sizeof *tok);
    if (!tok) {
        return SQLITE_NOMEM;
    }
    tok->rp = rp;
    tok->inner = NULL;
    rc = rp->orig.xCreate(rp->orig_data, args, nargs, &tok->inner);
    if (rc != SQLITE_OK) {
        sqlite3_free(tok);
        return rc;
    }
    *out = (Fts5Tokenizer *)tok;
    return SQLITE_OK;
}

static void replay_delete(Fts5Tokenizer *p)
{
    replay_tokenizer *tok = (replay_tokenizer *)p;
    if (tok) {
        tok->rp->orig.xDelete(tok->inner);
        sqlite3_free(tok);
    }
}

/* The tokens of text recorded in advance, or NULL. */
static const fouine_pretok *find(fouine_replay *rp, const char *text, int len)
{
    size_t k;
    for (k = 0; k < rp->ntexts; k++) {
        size_t i = (rp->next + k) % rp->ntexts;
        const fouine_pretok *t = &rp->toks[i];
        if (t->ready && rp->texts[i] && t->text_len == (size_t)len &&
            memcmp(rp->texts[i], text, (size_t)len) == 0) {
            rp->next = i + 1;
            return t;
        }
    }
    return NULL;
}

/* Tokenize (xTokenize): replay the tokens recorded for a document text,
** or hand the text to the "french" instance. */
static int replay_tokenize(
    Fts5Tokenizer *p,
    void *ctx,
    int flags,
    const char *text,
    int len,
    int (*xToken)(void *, int, const char *, int, int, int))
{
    replay_tokenizer *tok = (replay_tokenizer *)p;
    const fouine_pretok *t = NULL;
    const unsigned char *r, *end;
    int rc = SQLITE_OK;

    if (len > 0 && (flags & FTS5_TOKENIZE_DOCUMENT)) {
        t = find(tok->rp, text, len);
    }
    if (!t) {
        return tok->rp->orig.xTokenize(tok->inner, ctx, flags, text, len,
                                       xToken);
    }
    r = (const unsigned char *)t->buf;
    end = r + t->len;
    while (r < end && rc == SQLITE_OK) {
        int tflags = r[0] ? FTS5_TOKEN_COLOCATED : 0;
        rc = xToken(ctx, tflags, (const char *)r + RECORD_HEAD, (int)r[1],
                    (int)get_u32(r + 2), (int)get_u32(r + 6));
        r += RECORD_HEAD + r[1];
    }
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void replay_destroy(void *data)
{
    fouine_free(data);
}

int fouine_replay_register(fouine_replay **out, sqlite3 *db)
{
    /* FTS5 keeps a copy of the table: no shared state between threads. */
    fts5_tokenizer wrapper = { replay_create, replay_delete, replay_tokenize };
    fts5_api *api = fouine_fts5_api(db);
    fouine_replay *rp = NULL;
    fts5_tokenizer *orig = NULL;

    *out = NULL;
    if (!api) {
        return FOUINE_EDB;
    }
    rp = fouine_calloc(1, sizeof *rp);
    if (!rp) {
        return FOUINE_ENOMEM;
    }
    orig = &rp->orig;
    if (api->xFindTokenizer(api, "french", &rp->orig_data, orig) != SQLITE_OK) {
        fouine_free(rp);
        return FOUINE_EDB;
    }
    /* On success FTS5 owns rp: replay_destroy() frees it with db. */
    if (api->xCreateTokenizer(api, "french", rp, &wrapper, replay_destroy) !=
        SQLITE_OK) {
        fouine_free(rp);
        return FOUINE_EDB;
    }
    *out = rp;
    return FOUINE_OK;
}

void fouine_replay_set(fouine_replay *rp,
                       const char *const *texts,
                       const fouine_pretok *toks,
                       size_t n)
{
    rp->texts = texts;
    rp->toks = toks;
    rp->ntexts = n;
    rp->next = 0;
}
