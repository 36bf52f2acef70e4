/*
** search_sql.c: the SQL of a search: the statements that count the
** matches of an expression, with the filters of the options, and fetch
** one page of them in order (equal scores to the newer article, the same
** way on every page: fouine_search_run()).
*/
#include "search_int.h"

#include "fouine/alloc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Weight of a match in a reader comment, relative to one in the body. */
#define COMMENT_WEIGHT 0.5

/* Append the matches CTE m(r, s, c, k): rowid, fouine_rank() (lower is
** better), items held, 1 when from a comment. */
static void sql_matches(fouine_buf *b,
                        const search *s,
                        int fallback,
                        int ranked)
{
    int comments = s->opts->comments && !s->q->columns;
    if (!s->q->expr) {
        fouine_buf_puts(b, "m(r, s, c, k) AS (SELECT rowid, 0.0, 0, 0"
                           " FROM article WHERE rowid NOT IN (SELECT rowid"
                           " FROM article_fts WHERE article_fts MATCH :expr))");
        return;
    }
    fouine_buf_puts(b, "m(r, s, c, k) AS (SELECT rowid, ");
    if (!ranked) {
        fouine_buf_puts(b, "0.0, ");
    } else if (s->opts->rank) {
        int i;
        fouine_buf_puts(b, "fouine_rank(article_fts, :rmap");
        for (i = 0; i < FOUINE_RANK_PARAMS; i++) {
            fouine_buf_printf(b, ", :p%d", i);
        }
        fouine_buf_puts(b, "), ");
    } else {
        fouine_buf_puts(b, "fouine_rank(article_fts, :rmap), ");
    }
    fouine_buf_puts(b, ranked && fallback ? "fouine_cover(article_fts, :map)" :
                                            "0");
    fouine_buf_puts(b, ", 0 FROM article_fts WHERE article_fts MATCH :expr");
    if (comments) {
        fouine_buf_puts(b, " UNION ALL SELECT cm.article, ");
        fouine_buf_printf(b, ranked ? "%g * bm25(comment_fts), " : "0.0, ",
                          COMMENT_WEIGHT);
        fouine_buf_puts(
            b, ranked && fallback ? "fouine_cover(comment_fts, :map)" : "0");
        fouine_buf_puts(b, ", 1 FROM comment_fts JOIN comment cm ON"
                           " cm.rowid = comment_fts.rowid WHERE comment_fts"
                           " MATCH :expr");
    }
    fouine_buf_puts(b, ")");
}

/* Append the filters on article a, starting with " WHERE" (or nothing). */
static void sql_filters(fouine_buf *b, const search *s)
{
    const char *sep = " WHERE ";
    if (s->opts->since) {
        fouine_buf_printf(b, "%ssubstr(a.date, 1, %zu) >= :since", sep,
                          strlen(s->opts->since));
        sep = " AND ";
    }
    if (s->opts->until) {
        fouine_buf_printf(b, "%ssubstr(a.date, 1, %zu) <= :until", sep,
                          strlen(s->opts->until));
        sep = " AND ";
    }
    if (s->category) {
        fouine_buf_printf(b, "%sfouine_fold(a.category) = :cat", sep);
    }
}

static int need_article(const search *s)
{
    return s->opts->since || s->opts->until || s->category ||
           s->opts->sort == FOUINE_SORT_DATE || !s->q->expr;
}

/* Bind the named parameters that stmt has. */
static void bind_all(sqlite3_stmt *stmt,
                     const search *s,
                     const char *expr,
                     int limit)
{
    struct {
        const char *name;
        const char *text;
    } texts[] = { { ":expr", expr },
                  { ":map", s->q->any_map },
                  { ":since", s->opts->since },
                  { ":until", s->opts->until },
                  { ":cat", s->category },
                  { ":rmap", expr == s->q->expr      ? s->q->expr_map :
                             expr == s->q->long_expr ? s->q->long_map :
                                                       s->q->any_map } };
    size_t i;
    int k;
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        k = sqlite3_bind_parameter_index(stmt, texts[i].name);
        if (k) {
            sqlite3_bind_text(stmt, k, texts[i].text ? texts[i].text : "", -1,
                              SQLITE_STATIC);
        }
    }
    for (i = 0; s->opts->rank && i < FOUINE_RANK_PARAMS; i++) {
        char name[8];
        snprintf(name, sizeof name, ":p%d", (int)i);
        if ((k = sqlite3_bind_parameter_index(stmt, name)) != 0) {
            sqlite3_bind_double(stmt, k, s->opts->rank[i]);
        }
    }
    if ((k = sqlite3_bind_parameter_index(stmt, ":limit")) != 0) {
        sqlite3_bind_int(stmt, k, limit);
    }
    if ((k = sqlite3_bind_parameter_index(stmt, ":offset")) != 0) {
        sqlite3_bind_int(stmt, k, s->opts->offset);
    }
}

int fouine_search_count(search *s, const char *expr, long long *total)
{
    fouine_buf sql = { 0 };
    sqlite3_stmt *stmt = NULL;
    int rc = FOUINE_EDB, comments = s->opts->comments && !s->q->columns;

    *total = 0;
    s->counted = 0;
    if (fouine_search_budget_spent(s->time)) {
        return FOUINE_EDB; /* as interrupted */
    }
    fouine_buf_puts(&sql, "WITH ");
    sql_matches(&sql, s, 0, 0);
    fouine_buf_puts(&sql, comments ? " SELECT count(DISTINCT m.r) FROM m" :
                                     " SELECT count(*) FROM m");
    if (s->opts->since || s->opts->until || s->category) {
        fouine_buf_puts(&sql, " JOIN article a ON a.rowid = m.r");
        sql_filters(&sql, s);
    }
    if (sql.failed) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    if (sqlite3_prepare_v2(s->db, sql.data, -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    bind_all(stmt, s, expr, 0);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        goto done;
    }
    *total = sqlite3_column_int64(stmt, 0);
    s->counted = 1;
    rc = FOUINE_OK;
done:
    sqlite3_finalize(stmt);
    fouine_free(sql.data);
    return rc;
}

int fouine_search_page(search *s,
                       const char *expr,
                       int fallback,
                       int order,
                       long offset,
                       int limit)
{
    fouine_buf sql = { 0 };
    sqlite3_stmt *stmt = NULL;
    int rc = FOUINE_EDB, comments = s->opts->comments && !s->q->columns;
    int by_date = order == PAGE_BY_DATE, ranked = order != PAGE_FOUND;
    const char *t = comments ? "g" : "m";
    page_hit *h;

    s->nhits = 0;
    if (fouine_search_budget_spent(s->time)) {
        return FOUINE_EDB; /* as interrupted */
    }
    fouine_buf_puts(&sql, "WITH ");
    sql_matches(&sql, s, fallback && ranked, ranked);
    if (comments) {
        fouine_buf_puts(&sql, ", g(r, s, c, k) AS (SELECT r, min(s), max(c),"
                              " min(k) FROM m GROUP BY r)");
    }
    fouine_buf_printf(&sql, " SELECT %s.r, -%s.s, %s.k, %s.c FROM %s", t, t, t,
                      t, t);
    if (need_article(s) || by_date) {
        fouine_buf_printf(&sql, " JOIN article a ON a.rowid = %s.r", t);
        sql_filters(&sql, s);
    }
    if (ranked) {
        fouine_buf_puts(&sql, " ORDER BY ");
        if (s->opts->sort == FOUINE_SORT_DATE || !s->q->expr) {
            fouine_buf_puts(&sql, "a.date DESC, ");
        }
        if (fallback) {
            fouine_buf_printf(&sql, "%s.c DESC, ", t);
        }
        fouine_buf_printf(&sql, "%s.s, %s%s.r DESC", t,
                          by_date ? "a.date DESC, " : "", t);
    }
    fouine_buf_puts(&sql, " LIMIT :limit OFFSET :offset");
    if (sql.failed) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    if (sqlite3_prepare_v2(s->db, sql.data, -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    bind_all(stmt, s, expr, limit);
    sqlite3_bind_int64(stmt, sqlite3_bind_parameter_index(stmt, ":offset"),
                       offset);
    h = fouine_realloc(s->hits, (size_t)limit * sizeof *h);
    if (!h) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    s->hits = h;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW &&
           s->nhits < (size_t)limit) {
        h = &s->hits[s->nhits++];
        h->rowid = sqlite3_column_int64(stmt, 0);
        h->score = sqlite3_column_double(stmt, 1);
        h->comment = sqlite3_column_int(stmt, 2);
        h->cover = sqlite3_column_int(stmt, 3);
    }
    rc = rc == SQLITE_DONE ? FOUINE_OK : FOUINE_EDB;
done:
    sqlite3_finalize(stmt);
    fouine_free(sql.data);
    return rc;
}

/* Whether hits a and b tie: the same score (up to rounding), the same
** items held. */
static int ties(const page_hit *a, const page_hit *b)
{
    double x = a->score, y = b->score;
    return a->cover == b->cover &&
           fabs(x - y) <= 1e-9 * (fabs(x) > 1 ? fabs(x) : 1);
}

int fouine_search_run(search *s, const char *expr, int fallback)
{
    int limit = s->opts->limit > 0 ? s->opts->limit : 10;
    long offset = s->opts->offset, from = offset > 0 ? offset - 1 : 0;
    size_t i, skip = (size_t)(offset - from);
    int rc, tie = 0;

    s->nhits = 0;
    rc = fouine_search_count(s, expr, &s->total);
    if (rc != FOUINE_OK || s->total == 0 || offset >= s->total) {
        return rc;
    }
    if (s->opts->sort == FOUINE_SORT_DATE || !s->q->expr) {
        return fouine_search_page(s, expr, fallback, PAGE_RANKED, offset,
                                  limit);
    }
    rc = fouine_search_page(s, expr, fallback, PAGE_RANKED, from,
                            limit + (int)skip + 1);
    for (i = 0; rc == FOUINE_OK && i + 1 < s->nhits; i++) {
        tie |= ties(&s->hits[i], &s->hits[i + 1]);
    }
    if (rc != FOUINE_OK || tie) {
        return rc == FOUINE_OK ?
                   fouine_search_page(s, expr, fallback, PAGE_BY_DATE, offset,
                                      limit) :
                   rc;
    }
    /* No tie: the page is the window without its extra matches. */
    memmove(s->hits, s->hits + skip,
            (s->nhits > skip ? s->nhits - skip : 0) * sizeof *s->hits);
    s->nhits = s->nhits > skip ? s->nhits - skip : 0;
    if (s->nhits > (size_t)limit) {
        s->nhits = (size_t)limit;
    }
    return FOUINE_OK;
}
