/*
** query_check.h: what every query must give, whatever its bytes (the
** seeded suite tests/check_query_fuzz.c and the fuzz target
** tests/fuzz/fuzz_query.c).
**
** The bytes are parsed with the index's lexicon, and each FTS5 expression
** the parser makes must run on the index without an error (FTS5 never
** sees a syntax it refuses, nor a nesting past its parser's stack).  The
** bytes up to the first NUL (what a C caller can pass) are then searched,
** twice (ranked, and by date with the comments and a time budget of none
** at all): each search must succeed, its answer hold every key with its
** type, its hits at most the limit and each with an id, a title and a
** snippet, every string valid UTF-8 (jansson checks it).
**
** Header-only (static functions); uses the query library, SQLite and
** jansson.
*/
#ifndef FOUINE_TEST_FUZZ_QUERY_CHECK_H
#define FOUINE_TEST_FUZZ_QUERY_CHECK_H

#include "query.h"
#include "results_json.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "fouine/alloc.h"

/* The index a check searches. */
typedef struct query_check_ctx {
    sqlite3 *db;         /* the index; not owned */
    fouine_analyzer *an; /* not owned */
    fouine_lexicon *lx;  /* its lexicon; not owned */
    char why[256];       /* what is wrong, when something is */
} query_check_ctx;

/* Whether expr runs on the index; says why not in c->why. */
static int query_check_runs(query_check_ctx *c, const char *expr)
{
    sqlite3_stmt *stmt = NULL;
    int rc;
    if (!expr) {
        return 1;
    }
    if (sqlite3_prepare_v2(c->db,
                           "SELECT count(*) FROM article_fts"
                           " WHERE article_fts MATCH ?1",
                           -1, &stmt, NULL) != SQLITE_OK) {
        snprintf(c->why, sizeof c->why, "prepare: %s", sqlite3_errmsg(c->db));
        return 0;
    }
    sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        snprintf(c->why, sizeof c->why, "'%.120s': %s", expr,
                 sqlite3_errmsg(c->db));
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW;
}

/* Whether key of obj is there with the type t ("s" string, "S" string or
** null, "i" integer, "b" boolean, "n" number, "a" array, "o" object or
** null); says which is not in c->why. */
static int query_check_key(query_check_ctx *c,
                           const json_t *obj,
                           const char *key,
                           char t)
{
    const json_t *v = json_object_get(obj, key);
    int ok = t == 's' ? json_is_string(v) :
             t == 'S' ? json_is_string(v) || json_is_null(v) :
             t == 'i' ? json_is_integer(v) :
             t == 'b' ? json_is_boolean(v) :
             t == 'n' ? json_is_number(v) :
             t == 'a' ? json_is_array(v) :
                        /* 'o' */ json_is_object(v) || json_is_null(v);
    if (!ok) {
        snprintf(c->why, sizeof c->why, "\"%s\" missing or not of type %c", key,
                 t);
    }
    return ok;
}

/* Whether an answer of fouine_results_json() has all it must. */
static int query_check_answer(query_check_ctx *c, const json_t *res, int limit)
{
    static const struct {
        const char *key;
        char type;
    } keys[] = { { "query", 's' },           { "understood", 's' },
                 { "expression", 'S' },      { "fallback", 'b' },
                 { "total", 'i' },           { "offset", 'i' },
                 { "limit", 'i' },           { "suggestion", 'S' },
                 { "correction", 'o' },      { "hits", 'a' },
                 { "truncated", 'b' },       { "truncated_by", 'a' },
                 { "took_ms", 'n' },         { "category_unknown", 'b' },
                 { "category_closest", 'S' } };
    const json_t *hit;
    size_t i;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!query_check_key(c, res, keys[i].key, keys[i].type)) {
            return 0;
        }
    }
    if (json_array_size(json_object_get(res, "hits")) > (size_t)limit ||
        json_integer_value(json_object_get(res, "total")) < 0) {
        snprintf(c->why, sizeof c->why, "%zu hits, total %lld",
                 json_array_size(json_object_get(res, "hits")),
                 (long long)json_integer_value(json_object_get(res, "total")));
        return 0;
    }
    json_array_foreach(json_object_get(res, "hits"), i, hit)
    {
        if (!query_check_key(c, hit, "id", 's') ||
            !query_check_key(c, hit, "title", 's') ||
            !query_check_key(c, hit, "snippet", 's') ||
            !query_check_key(c, hit, "highlights", 'a')) {
            return 0;
        }
    }
    return 1;
}

/* Search text with opts; whether it succeeds with a whole answer. */
static int query_check_search(query_check_ctx *c,
                              fouine_search_options *opts,
                              const char *text)
{
    char error[FOUINE_SEARCH_ERROR_MAX] = "";
    fouine_results *r = NULL;
    json_t *res = NULL;
    int rc, ok;
    opts->query = text;
    opts->error = error;
    rc = fouine_search_db(&r, c->db, c->an, opts);
    if (rc == FOUINE_OK) {
        rc = fouine_results_json(&res, r);
    }
    fouine_results_free(r);
    if (rc != FOUINE_OK) {
        snprintf(c->why, sizeof c->why, "search: %s %.200s", fouine_errmsg(rc),
                 error);
        return 0;
    }
    ok = query_check_answer(c, res, opts->limit);
    json_decref(res);
    return ok;
}

/**
 * Check one query of any bytes.
 *
 * @return 1 when it gives all it must, else 0 with c->why saying what not
 *         (a memory failure is a failure: the checks run without any)
 */
static int query_check(query_check_ctx *c, const char *data, size_t size)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    fouine_parsed q;
    char *text = NULL;
    int ok = 0;

    c->why[0] = '\0';
    if (fouine_parse(&q, c->an, c->lx, data, size) != FOUINE_OK) {
        snprintf(c->why, sizeof c->why, "the parser failed");
        return 0;
    }
    ok = query_check_runs(c, q.expr) && query_check_runs(c, q.any_expr) &&
         query_check_runs(c, q.long_expr) && query_check_runs(c, q.long_all) &&
         query_check_runs(c, q.not_expr);
    fouine_parsed_clear(&q);
    if (!ok) {
        return 0;
    }
    text = fouine_strndup(data, size);
    if (!text) {
        snprintf(c->why, sizeof c->why, "out of memory");
        return 0;
    }
    opts.limit = 5;
    ok = query_check_search(c, &opts, text);
    if (ok) {
        opts = (fouine_search_options)FOUINE_SEARCH_OPTIONS_INIT;
        opts.limit = 3;
        opts.offset = 1;
        opts.sort = FOUINE_SORT_DATE;
        opts.comments = 1;
        opts.budget_ms = FOUINE_BUDGET_SPENT;
        ok = query_check_search(c, &opts, text);
    }
    fouine_free(text);
    return ok;
}

#endif /* FOUINE_TEST_FUZZ_QUERY_CHECK_H */
