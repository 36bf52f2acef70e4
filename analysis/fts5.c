/*
** fts5.c: the analyzer as the FTS5 tokenizer "french" (tokenizer API v1).
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

#include <limits.h>

/* One tokenizer instance, created by FTS5 for each table it opens. */
typedef struct french_tokenizer {
    fouine_analyzer *an; /* owned */
} french_tokenizer;

/* FTS5's token sink, as xTokenize receives it. */
typedef int xtoken_fn(void *, int, const char *, int, int, int);

/* Per-call state of xTokenize, on its stack. */
typedef struct tokenize_ctx {
    void *pCtx;        /* FTS5's context for xToken */
    xtoken_fn *xToken; /* FTS5's token sink */
} tokenize_ctx;

static int french_create(void *pUnused,
                         const char **azArg,
                         int nArg,
                         Fts5Tokenizer **ppOut)
{
    french_tokenizer *tok;
    (void)pUnused;
    (void)azArg;
    *ppOut = NULL;
    if (nArg > 0) {
        return SQLITE_ERROR; /* the tokenizer takes no arguments */
    }
    tok = sqlite3_malloc(sizeof *tok);
    if (!tok) {
        return SQLITE_NOMEM;
    }
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
    return ctx->xToken(ctx->pCtx, tflags, token, (int)len, (int)start,
                       (int)end);
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
    int mode = FOUINE_ANALYZE_DOCUMENT;
    int rc;

    ctx.pCtx = pCtx;
    ctx.xToken = xToken;
    if (nText <= 0) {
        return SQLITE_OK;
    }
    if (flags & FTS5_TOKENIZE_QUERY) {
        mode = FOUINE_ANALYZE_QUERY;
        if (flags & FTS5_TOKENIZE_PREFIX) {
            mode |= FOUINE_ANALYZE_PREFIX;
        }
    }
    rc = fouine_analyzer_run(tok->an, pText, (size_t)nText, mode, french_token,
                             &ctx);
    if (rc == SQLITE_DONE) {
        rc = SQLITE_OK; /* a callback's "stop" is not an error */
    } else if (rc < 0) {
        rc = SQLITE_NOMEM; /* the only error of the analyzer itself */
    }
    return rc;
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
    /* On the stack: FTS5 keeps a copy, so no state is shared between
    ** threads that register at the same time. */
    fts5_tokenizer french = { french_create, french_delete, french_tokenize };
    fts5_api *api = fouine_fts5_api(db);
    int rc;

    if (!api) {
        return FOUINE_EDB;
    }
    rc = api->xCreateTokenizer(api, "french", NULL, &french, NULL);
    if (rc == SQLITE_NOMEM) {
        return FOUINE_ENOMEM;
    }
    return rc == SQLITE_OK ? FOUINE_OK : FOUINE_EDB;
}
