/*
** search.c: query expressions, ranked search and rendering of marks.
*/
#include "query.h"

#include "fouine/store.h"

#include <stdlib.h>
#include <string.h>

/* A growable string; a failed append sets failed and later ones do nothing. */
typedef struct strbuf {
    char *data;  /* NUL-terminated when len > 0; owned */
    size_t len;  /* bytes used */
    size_t cap;  /* bytes allocated */
    int failed;  /* an allocation failed */
} strbuf;

static void sb_append(strbuf *b, const char *s, size_t n)
{
    if (b->failed) {
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *p;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        p = realloc(b->data, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void sb_puts(strbuf *b, const char *s)
{
    sb_append(b, s, strlen(s));
}

/* Collects whether a word has any token that is not a stop word. */
typedef struct stop_ctx {
    int words;    /* surface tokens seen */
    int stopping; /* of which stop words */
} stop_ctx;

static int stop_token(const char *token, size_t len, size_t start, size_t end,
                      int flags, void *payload)
{
    stop_ctx *ctx = payload;
    (void)start;
    (void)end;
    if (flags & FOUINE_TOKEN_COLOCATED) {
        return 0;
    }
    ctx->words++;
    ctx->stopping += fouine_is_stopword(token, len);
    return 0;
}

/* Append word[0..n) to b as an FTS5 string: "..." with '"' doubled. */
static void append_fts5_string(strbuf *b, const char *word, size_t n)
{
    size_t i;
    sb_puts(b, "\"");
    for (i = 0; i < n; i++) {
        if (word[i] == '"') {
            sb_append(b, "\"\"", 2);
        } else {
            sb_append(b, word + i, 1);
        }
    }
    sb_puts(b, "\"");
}

int fouine_query_expr(char **out, fouine_analyzer *an, const char *text)
{
    strbuf all = { 0 }, content = { 0 };
    size_t i = 0, n = strlen(text);
    int rc = FOUINE_OK;

    *out = NULL;
    while (i < n) {
        size_t start;
        stop_ctx ctx = { 0, 0 };
        while (i < n && (text[i] == ' ' || text[i] == '\t' ||
                         text[i] == '\n' || text[i] == '\r')) {
            i++;
        }
        start = i;
        while (i < n && text[i] != ' ' && text[i] != '\t' &&
               text[i] != '\n' && text[i] != '\r') {
            i++;
        }
        if (i == start) {
            break;
        }
        rc = fouine_analyzer_run(an, text + start, i - start,
                                 FOUINE_ANALYZE_QUERY | FOUINE_ANALYZE_EXACT,
                                 stop_token, &ctx);
        if (rc != FOUINE_OK) {
            goto done;
        }
        if (ctx.words == 0) {
            continue; /* no word in it: punctuation, emoji */
        }
        if (all.len) {
            sb_puts(&all, " ");
        }
        append_fts5_string(&all, text + start, i - start);
        if (ctx.stopping < ctx.words) {
            if (content.len) {
                sb_puts(&content, " ");
            }
            append_fts5_string(&content, text + start, i - start);
        }
    }
    if (all.failed || content.failed) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    if (content.len) {
        *out = content.data;
        content.data = NULL;
    } else if (all.len) {
        /* Only stop words: search them as they were typed. */
        *out = all.data;
        all.data = NULL;
    }
done:
    free(all.data);
    free(content.data);
    return rc;
}

/* Set key of obj to a string column, or null. */
static int set_text(json_t *obj, const char *key, sqlite3_stmt *stmt, int col)
{
    const unsigned char *s = sqlite3_column_text(stmt, col);
    return json_object_set_new(obj, key,
                               s ? json_string((const char *)s) : json_null());
}

int fouine_search(json_t **out, sqlite3 *db, fouine_analyzer *an,
                  const fouine_search_opts *opts)
{
    static const char count_sql[] =
        "SELECT count(*) FROM article_fts WHERE article_fts MATCH ?1";
    static const char hits_sql[] =
        "SELECT a.id, highlight(article_fts, 0, char(1), char(2)), a.date,"
        " a.source, -bm25(article_fts, ?4, ?5, ?6),"
        " snippet(article_fts, -1, char(1), char(2), '…', ?7)"
        " FROM article_fts JOIN article a ON a.rowid = article_fts.rowid"
        " WHERE article_fts MATCH ?1"
        " ORDER BY bm25(article_fts, ?4, ?5, ?6), a.date DESC"
        " LIMIT ?2 OFFSET ?3";
    sqlite3_stmt *count = NULL, *hits = NULL;
    json_t *res = NULL, *list = NULL;
    char *expr = NULL;
    long long total = 0;
    int rc;

    *out = NULL;
    rc = fouine_query_expr(&expr, an, opts->query);
    if (rc != FOUINE_OK) {
        goto done;
    }
    res = json_object();
    list = json_array();
    if (!res || !list) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    json_object_set_new(res, "query", json_string(opts->query));
    json_object_set_new(res, "expression",
                        expr ? json_string(expr) : json_null());
    if (expr) {
        rc = FOUINE_EDB;
        if (sqlite3_prepare_v2(db, count_sql, -1, &count, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, hits_sql, -1, &hits, NULL) != SQLITE_OK) {
            goto done;
        }
        sqlite3_bind_text(count, 1, expr, -1, SQLITE_STATIC);
        if (sqlite3_step(count) != SQLITE_ROW) {
            goto done;
        }
        total = sqlite3_column_int64(count, 0);
        sqlite3_bind_text(hits, 1, expr, -1, SQLITE_STATIC);
        sqlite3_bind_int(hits, 2, opts->limit);
        sqlite3_bind_int(hits, 3, opts->offset);
        sqlite3_bind_double(hits, 4, FOUINE_WEIGHT_TITLE);
        sqlite3_bind_double(hits, 5, FOUINE_WEIGHT_LEAD);
        sqlite3_bind_double(hits, 6, FOUINE_WEIGHT_BODY);
        sqlite3_bind_int(hits, 7,
                         opts->snippet_tokens > 0 ? opts->snippet_tokens : 24);
        while ((rc = sqlite3_step(hits)) == SQLITE_ROW) {
            json_t *hit = json_object();
            if (!hit) {
                rc = FOUINE_ENOMEM;
                goto done;
            }
            set_text(hit, "id", hits, 0);
            set_text(hit, "title", hits, 1);
            set_text(hit, "date", hits, 2);
            set_text(hit, "path", hits, 3);
            json_object_set_new(hit, "score",
                                json_real(sqlite3_column_double(hits, 4)));
            set_text(hit, "snippet", hits, 5);
            json_array_append_new(list, hit);
        }
        if (rc != SQLITE_DONE) {
            rc = FOUINE_EDB;
            goto done;
        }
    }
    json_object_set_new(res, "total", json_integer(total));
    json_object_set(res, "hits", list);
    *out = res;
    res = NULL;
    rc = FOUINE_OK;
done:
    sqlite3_finalize(count);
    sqlite3_finalize(hits);
    json_decref(list);
    json_decref(res);
    free(expr);
    return rc;
}

int fouine_render(char **out, const char *marked, fouine_render_mode mode)
{
    strbuf b = { 0 };
    const char *p;

    *out = NULL;
    sb_append(&b, "", 0);
    for (p = marked; *p; p++) {
        switch (*p) {
        case '\x01':
            if (mode == FOUINE_RENDER_ANSI) {
                sb_puts(&b, "\x1b[1m");
            } else if (mode == FOUINE_RENDER_HTML) {
                sb_puts(&b, "<mark>");
            }
            break;
        case '\x02':
            if (mode == FOUINE_RENDER_ANSI) {
                sb_puts(&b, "\x1b[0m");
            } else if (mode == FOUINE_RENDER_HTML) {
                sb_puts(&b, "</mark>");
            }
            break;
        case '<':
            sb_puts(&b, mode == FOUINE_RENDER_HTML ? "&lt;" : "<");
            break;
        case '>':
            sb_puts(&b, mode == FOUINE_RENDER_HTML ? "&gt;" : ">");
            break;
        case '&':
            sb_puts(&b, mode == FOUINE_RENDER_HTML ? "&amp;" : "&");
            break;
        case '"':
            sb_puts(&b, mode == FOUINE_RENDER_HTML ? "&quot;" : "\"");
            break;
        default:
            sb_append(&b, p, 1);
            break;
        }
    }
    if (b.failed) {
        free(b.data);
        return FOUINE_ENOMEM;
    }
    *out = b.data;
    return FOUINE_OK;
}
