/*
** fts5.c: the analyzer as the FTS5 tokenizer "french" (tokenizer API v1).
**
** A document gives one token a word.  A query's text gives the same
** tokens, but for groups "{token1|token2|...}": one word that may be any of
** those tokens, given as they are (fouine's searches write the forms a
** reader's word may mean; see fouine/fts5.h).
**
** Built twice: into the fouine library, calling SQLite directly, and with
** FOUINE_SQLITE_EXTENSION defined into the loadable extension, calling it
** through the extension's routine table.
*/
#ifdef FOUINE_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#else
#include <sqlite3.h>
#endif

#include "analysis.h"
#include "fouine/fts5.h"
#include "store.h"

#include <string.h>

/* One tokenizer instance, created by FTS5 for each table it opens. */
typedef struct french_tokenizer {
    fouine_analyzer *an;  /* owned */
    fouine_lexsink *sink; /* where a writer's words go, or NULL; not owned */
} french_tokenizer;

/* FTS5's token sink, as xTokenize receives it. */
typedef int xtoken_fn(void *, int, const char *, int, int, int);

/* Per-call state of xTokenize, on its stack. */
typedef struct tokenize_ctx {
    void *pCtx;        /* FTS5's context for xToken */
    xtoken_fn *xToken; /* FTS5's token sink */
    size_t base;       /* offset of the text being analyzed in FTS5's */
} tokenize_ctx;

static int french_create(void *pContext,
                         const char **azArg,
                         int nArg,
                         Fts5Tokenizer **ppOut)
{
    french_tokenizer *tok;
    (void)azArg;
    *ppOut = NULL;
    if (nArg > 0) {
        return SQLITE_ERROR; /* the tokenizer takes no arguments */
    }
    tok = sqlite3_malloc(sizeof *tok);
    if (!tok) {
        return SQLITE_NOMEM;
    }
    tok->sink = pContext;
    if (fouine_analyzer_new(&tok->an) != FOUINE_OK) {
        sqlite3_free(tok);
        return SQLITE_NOMEM;
    }
    *ppOut = (Fts5Tokenizer *)tok;
    return SQLITE_OK;
}

static void french_delete(Fts5Tokenizer *p)
{
    french_tokenizer *tok = (french_tokenizer *)p;
    if (tok) {
        fouine_analyzer_free(tok->an);
        sqlite3_free(tok);
    }
}

static int french_token(const char *token,
                        size_t len,
                        size_t start,
                        size_t end,
                        int flags,
                        void *payload)
{
    tokenize_ctx *ctx = payload;
    int tflags = (flags & FOUINE_TOKEN_COLOCATED) ? FTS5_TOKEN_COLOCATED : 0;
    /* Lengths and offsets fit: the text given to xTokenize had an int size. */
    return ctx->xToken(ctx->pCtx, tflags, token, (int)len,
                       (int)(ctx->base + start), (int)(ctx->base + end));
}

/* The analyzer's watch in a writer: every word read goes to the sink. */
static int to_sink(const fouine_word *w, void *payload)
{
    return fouine_lexsink_add(payload, w);
}

/* Convert an analyzer run's result to SQLite's code. */
static int sqlite_rc(int rc)
{
    if (rc == SQLITE_DONE) {
        return SQLITE_OK; /* FTS5's "stop" is not an error */
    }
    return rc < 0 ? SQLITE_NOMEM : rc; /* the analyzer's only error */
}

/* Analyze text[from..to) of a query, FTS5's offsets kept. */
static int analyze_part(french_tokenizer *tok,
                        tokenize_ctx *ctx,
                        const char *text,
                        size_t from,
                        size_t to)
{
    if (to <= from) {
        return SQLITE_OK;
    }
    ctx->base = from;
    return sqlite_rc(fouine_analyzer_run(tok->an, text + from, to - from,
                                         FOUINE_ANALYZE_QUERY, french_token,
                                         ctx));
}

/*
** Tokenize a query's text: a group "{a|b|...}" gives its tokens as they
** are, one word: the first token, then the others colocated; the rest is
** analyzed.  A brace without its closing one is analyzed as text (it
** separates words).
*/
static int tokenize_query(french_tokenizer *tok,
                          tokenize_ctx *ctx,
                          const char *text,
                          size_t n)
{
    size_t at = 0, i = 0;
    int rc = SQLITE_OK;
    while (rc == SQLITE_OK && i < n) {
        const char *close;
        size_t k, from;
        int first = 1;
        if (text[i] != '{' || (close = memchr(text + i, '}', n - i)) == NULL) {
            i++;
            continue;
        }
        rc = analyze_part(tok, ctx, text, at, i);
        k = (size_t)(close - text);
        for (from = i + 1; rc == SQLITE_OK && from < k; from++) {
            size_t end = from;
            while (end < k && text[end] != '|') {
                end++;
            }
            if (end > from) {
                rc = ctx->xToken(ctx->pCtx, first ? 0 : FTS5_TOKEN_COLOCATED,
                                 text + from, (int)(end - from), (int)i,
                                 (int)(k + 1));
                first = 0;
            }
            from = end;
        }
        i = at = k + 1;
    }
    if (rc == SQLITE_OK) {
        rc = analyze_part(tok, ctx, text, at, n);
    }
    return rc;
}

static int french_tokenize(
    Fts5Tokenizer *p,
    void *pCtx,
    int flags,
    const char *pText,
    int nText,
    int (*xToken)(void *, int, const char *, int, int, int))
{
    french_tokenizer *tok = (french_tokenizer *)p;
    tokenize_ctx ctx;
    int rc;

    ctx.pCtx = pCtx;
    ctx.xToken = xToken;
    ctx.base = 0;
    if (nText <= 0) {
        return SQLITE_OK;
    }
    if (flags & FTS5_TOKENIZE_QUERY) {
        return tokenize_query(tok, &ctx, pText, (size_t)nText);
    }
    if (tok->sink) {
        fouine_analyzer_watch(tok->an, to_sink, tok->sink);
    }
    rc = fouine_analyzer_run(tok->an, pText, (size_t)nText,
                             FOUINE_ANALYZE_DOCUMENT, french_token, &ctx);
    fouine_analyzer_watch(tok->an, NULL, NULL);
    return sqlite_rc(rc);
}

fts5_api *fouine_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    return api;
}

int fouine_fts5_register(sqlite3 *db)
{
    return fouine_fts5_register_sink(db, NULL);
}

int fouine_fts5_register_sink(sqlite3 *db, fouine_lexsink *sink)
{
    /* On the stack: FTS5 keeps a copy, so no state is shared between
    ** threads that register at the same time. */
    fts5_tokenizer french = { french_create, french_delete, french_tokenize };
    fts5_api *api = fouine_fts5_api(db);
    int rc;

    if (!api) {
        return FOUINE_EDB;
    }
    rc = api->xCreateTokenizer(api, "french", sink, &french, NULL);
    if (rc == SQLITE_NOMEM) {
        return FOUINE_ENOMEM;
    }
    return rc == SQLITE_OK ? FOUINE_OK : FOUINE_EDB;
}
