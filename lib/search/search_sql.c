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
#include <stdlib.h>
#include <string.h>

/* The score (lower is better) of the rows fouine_rank_top() leaves
** unranked, and of their hits (higher is better) at most. */
#define TOP_UNRANKED     "1e300"
#define TOP_UNRANKED_HIT -1e299

/* Weight of a match in a reader comment, relative to one in the body. */
#define COMMENT_WEIGHT 0.5

/* With "1" in this variable of the environment, searches take their
** exhaustive path: every match ranked (and joined, for the dates and the
** filters) before the page is cut.  For the benchmark that checks that the
** fast paths give the same pages (bench/scale.c, --exact). */
#define FOUINE_SEARCH_EXHAUSTIVE_ENV "FOUINE_SEARCH_EXHAUSTIVE"

/* Whether the environment asks for the exhaustive paths. */
static int exhaustive(void)
{
    const char *v = getenv(FOUINE_SEARCH_EXHAUSTIVE_ENV);
    return v && strcmp(v, "1") == 0;
}

/* Whether s has filters on the article: dates or a category. */
static int filtered(const search *s)
{
    return s->opts->since || s->opts->until || s->category;
}

/* Whether the filters of s are tested in C (fouine_keep()), not joined. */
static int kept(const search *s)
{
    return s->keep.table != NULL;
}

/* Append the matches CTE m(r, s, c, k): rowid, fouine_rank() (lower is
** better), items held, 1 when from a comment; with keep, only those
** fouine_keep() keeps (the others neither ranked nor joined), the
** article's own matches counted by day when the filter counts. */
static void sql_matches(fouine_buf *b,
                        const search *s,
                        int fallback,
                        int ranked,
                        int keep)
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
    } else {
        int i;
        /* Unranked by fouine_rank_top(): after every other row. */
        fouine_buf_puts(b, s->top ? "coalesce(fouine_rank_top(article_fts,"
                                    " :topk, :rmap" :
                                    "fouine_rank(article_fts, :rmap");
        for (i = 0; s->opts->rank && i < FOUINE_RANK_PARAMS; i++) {
            fouine_buf_printf(b, ", :p%d", i);
        }
        fouine_buf_puts(b, s->top ? "), " TOP_UNRANKED "), " : "), ");
    }
    fouine_buf_puts(b, ranked && fallback ? "fouine_cover(article_fts, :map)" :
                                            "0");
    fouine_buf_puts(b, ", 0 FROM article_fts WHERE article_fts MATCH :expr");
    if (s->counting && !fouine_groups_sealed(s->counting)) {
        /* The page counts the matches (fouine_search_run()): those kept,
        ** the filter tested first. */
        fouine_buf_puts(b, keep ? " AND CASE WHEN fouine_keep(rowid, :keep, 1)"
                                  " THEN fouine_grouped(rowid, :groups)"
                                  " ELSE 0 END" :
                                  " AND fouine_grouped(rowid, :groups)");
    } else if (keep) {
        fouine_buf_puts(b, " AND fouine_keep(rowid, :keep, 1)");
    }
    if (comments) {
        fouine_buf_puts(b, " UNION ALL SELECT cm.article, ");
        fouine_buf_printf(b, ranked ? "%g * bm25(comment_fts), " : "0.0, ",
                          COMMENT_WEIGHT);
        fouine_buf_puts(
            b, ranked && fallback ? "fouine_cover(comment_fts, :map)" : "0");
        fouine_buf_puts(b, ", 1 FROM comment_fts JOIN comment cm ON"
                           " cm.rowid = comment_fts.rowid WHERE comment_fts"
                           " MATCH :expr");
        if (keep) {
            fouine_buf_puts(b, " AND fouine_keep(cm.article, :keep, 0)");
        }
    }
    fouine_buf_puts(b, ")");
}

/* Append the conditions on the date of article a, the first after sep,
** the others after " AND "; returns the separator of a condition more
** (sep itself when there was none). */
static const char *sql_dates(fouine_buf *b, const search *s, const char *sep)
{
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
    return sep;
}

/* Append the filters on article a, starting with " WHERE" (or nothing). */
static void sql_filters(fouine_buf *b, const search *s)
{
    const char *sep = sql_dates(b, s, " WHERE ");
    if (s->category) {
        fouine_buf_printf(b, "%sfouine_fold(a.category) = :cat", sep);
    }
}

/* Whether the page and the count collapse groups of duplicates. */
static int collapsed(const search *s)
{
    return !s->opts->no_collapse;
}

/* Whether the page joins the article rows: for their dates, or for the
** filters when they are not kept in C. */
static int need_article(const search *s)
{
    return (filtered(s) && !kept(s)) || s->opts->sort != FOUINE_SORT_RANK ||
           !s->q->expr;
}

/* Bind the named parameters that stmt has (:keep to s->keep, which
** fouine_keep() writes its counts by day into).  Returns FOUINE_OK,
** FOUINE_ENOMEM or FOUINE_EDB. */
static FOUINE_WUR int bind_all(sqlite3_stmt *stmt,
                               search *s,
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
    const struct {
        const char *name;
        double value;
    } days[] = { { ":newest", s->newest },
                 { ":oldest", s->oldest },
                 { ":half",
                   (s->opts->half_life_hours > 0 ? s->opts->half_life_hours :
                                                   FOUINE_HALF_LIFE_HOURS) /
                       24.0 } };
    size_t i;
    int k, rc = SQLITE_OK;
    /* Each bind once the ones before it took (rc), if stmt has its name. */
    for (i = 0; rc == SQLITE_OK && i < sizeof texts / sizeof texts[0]; i++) {
        if ((k = sqlite3_bind_parameter_index(stmt, texts[i].name)) != 0) {
            rc = sqlite3_bind_text(stmt, k, texts[i].text ? texts[i].text : "",
                                   -1, SQLITE_STATIC);
        }
    }
    for (i = 0; rc == SQLITE_OK && s->opts->rank && i < FOUINE_RANK_PARAMS;
         i++) {
        char name[8];
        snprintf(name, sizeof name, ":p%d", (int)i);
        if ((k = sqlite3_bind_parameter_index(stmt, name)) != 0) {
            rc = sqlite3_bind_double(stmt, k, s->opts->rank[i]);
        }
    }
    for (i = 0; rc == SQLITE_OK && i < sizeof days / sizeof days[0]; i++) {
        if ((k = sqlite3_bind_parameter_index(stmt, days[i].name)) != 0) {
            rc = sqlite3_bind_double(stmt, k, days[i].value);
        }
    }
    if (rc == SQLITE_OK &&
        (k = sqlite3_bind_parameter_index(stmt, ":topk")) != 0) {
        rc = sqlite3_bind_pointer(stmt, k, &s->topk, FOUINE_TOPK_POINTER, NULL);
    }
    if (rc == SQLITE_OK &&
        (k = sqlite3_bind_parameter_index(stmt, ":keep")) != 0) {
        /* Only read by fouine_keep() but for its counts by day. */
        rc = sqlite3_bind_pointer(stmt, k, &s->keep, KEEP_POINTER, NULL);
    }
    if (rc == SQLITE_OK && s->counting) {
        rc = fouine_groups_bind(stmt, s->counting);
    }
    if (rc == SQLITE_OK &&
        (k = sqlite3_bind_parameter_index(stmt, ":limit")) != 0) {
        rc = sqlite3_bind_int(stmt, k, limit);
    }
    if (rc == SQLITE_OK &&
        (k = sqlite3_bind_parameter_index(stmt, ":offset")) != 0) {
        rc = sqlite3_bind_int(stmt, k, s->opts->offset);
    }
    return rc == SQLITE_OK    ? FOUINE_OK :
           rc == SQLITE_NOMEM ? FOUINE_ENOMEM :
                                FOUINE_EDB;
}

void fouine_search_rows_free(search *s)
{
    size_t i;
    for (i = 0; i < s->nrows; i++) {
        fouine_free(s->rows[i].category);
        fouine_free(s->rows[i].month);
    }
    fouine_free(s->rows);
    s->rows = NULL;
    s->nrows = 0;
    s->faceted = 0;
}

int fouine_search_dates(search *s)
{
    static const char sql[] =
        "SELECT julianday((SELECT max(date) FROM article)),"
        " julianday((SELECT min(date) FROM article WHERE date > ''))";
    sqlite3_stmt *stmt = NULL;
    int rc = FOUINE_EDB;
    s->newest = s->oldest = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        s->newest = sqlite3_column_double(stmt, 0);
        s->oldest = sqlite3_column_type(stmt, 1) == SQLITE_NULL ?
                        s->newest :
                        sqlite3_column_double(stmt, 1);
        rc = FOUINE_OK;
    }
    sqlite3_finalize(stmt);
    return rc;
}

/* A copy of the text column col of stmt into *out (NULL for NULL or "").
** Returns FOUINE_OK or FOUINE_ENOMEM. */
static int column_copy(char **out, sqlite3_stmt *stmt, int col)
{
    const char *t = (const char *)sqlite3_column_text(stmt, col);
    *out = NULL;
    if (!t || !*t) {
        return sqlite3_errcode(sqlite3_db_handle(stmt)) == SQLITE_NOMEM ?
                   FOUINE_ENOMEM :
                   FOUINE_OK;
    }
    *out = fouine_strdup(t);
    return *out ? FOUINE_OK : FOUINE_ENOMEM;
}

/* Whether a and b (each NULL or a string) are the same text. */
static int same_text(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

/* *same: whether category (or NULL) is the options' category, case and
** accents aside.  Returns FOUINE_OK or FOUINE_ENOMEM. */
static int of_category(int *same, const search *s, const char *category)
{
    char *folded = NULL;
    int rc = FOUINE_OK;
    *same = 0;
    if (category) {
        rc = fouine_fold(&folded, category, strlen(category));
        *same = rc == FOUINE_OK && strcmp(folded, s->category) == 0;
    }
    fouine_free(folded);
    return rc;
}

/*
** Read the groups of the facet statement into s->rows, each with whether
** it is of the options' category (the rows come ordered by category: each
** is folded once), and add the count of those within every filter to
** *total.
*/
static int read_rows(search *s, sqlite3_stmt *stmt, long long *total)
{
    size_t cap = 0;
    int rc, same = 1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        facet_row *row;
        if (s->nrows == cap) {
            size_t more = cap ? 2 * cap : 64;
            facet_row *grown = fouine_realloc(s->rows, more * sizeof *grown);
            if (!grown) {
                rc = FOUINE_ENOMEM;
                goto done;
            }
            s->rows = grown;
            cap = more;
        }
        row = &s->rows[s->nrows];
        memset(row, 0, sizeof *row);
        s->nrows++;
        rc = column_copy(&row->category, stmt, 0);
        if (rc == FOUINE_OK) {
            rc = column_copy(&row->month, stmt, 1);
        }
        if (rc != FOUINE_OK) {
            goto done;
        }
        row->in_dates = sqlite3_column_int(stmt, 2);
        row->count = sqlite3_column_int64(stmt, 3);
        if (s->category &&
            (s->nrows == 1 || !same_text(row[-1].category, row->category))) {
            rc = of_category(&same, s, row->category);
            if (rc != FOUINE_OK) {
                goto done;
            }
        }
        row->in_category = same;
        if (row->in_dates && row->in_category) {
            *total += row->count;
        }
    }
    rc = rc == SQLITE_DONE ? FOUINE_OK : FOUINE_EDB;
done:
    return rc;
}

/* The statements of fouine_search_count(). */
enum {
    COUNT_PLAIN, /* count(*) with the filters */
    COUNT_TALLY, /* fouine_tally() of the matches */
    COUNT_GROUPS /* the matches by category, month and dates, in SQL */
};

/* Append the statement that counts the matches as mode says. */
static void count_sql(fouine_buf *sql, const search *s, int mode)
{
    int comments = s->opts->comments && !s->q->columns;
    /* The matches, each article once. */
    const char *from =
        comments ? " FROM (SELECT DISTINCT r FROM m) d" : " FROM m d";
    fouine_buf_puts(sql, "WITH ");
    sql_matches(sql, s, 0, 0, mode == COUNT_PLAIN && kept(s));
    if (mode == COUNT_TALLY) {
        fouine_buf_printf(sql, " SELECT fouine_tally(d.r, :tally)%s", from);
    } else if (mode == COUNT_GROUPS) {
        /* One pass: the category is compared in C, once a category. */
        fouine_buf_puts(sql, " SELECT a.category, substr(a.date, 1, 7), ");
        if (sql_dates(sql, s, "(")[0] == '(') {
            fouine_buf_puts(sql, "1");
        } else {
            fouine_buf_puts(sql, ")");
        }
        fouine_buf_printf(sql,
                          ", count(*)%s JOIN article a ON a.rowid = d.r"
                          " GROUP BY 1, 2, 3 ORDER BY 1",
                          from);
    } else {
        /* Collapsed, the groups of duplicates matching, counted by
        ** fouine_groups() (collapse.c). */
        fouine_buf_printf(sql,
                          collapsed(s) ?
                              " SELECT fouine_groups(d.r, :groups)%s" :
                              " SELECT count(*)%s",
                          from);
        if (filtered(s) && !kept(s)) {
            fouine_buf_puts(sql, " JOIN article a ON a.rowid = d.r");
            sql_filters(sql, s);
        }
    }
}

/* Run the statement of mode into *total (and, but COUNT_PLAIN, s->rows);
** *inexact: the tally could not answer. */
static int count_run(search *s,
                     const char *expr,
                     int mode,
                     long long *total,
                     int *inexact)
{
    fouine_buf sql = { 0 };
    sqlite3_stmt *stmt = NULL;
    facet_tally q;
    int rc = FOUINE_EDB;

    memset(&q, 0, sizeof q);
    *total = 0;
    *inexact = 0;
    if (mode == COUNT_PLAIN && collapsed(s)) {
        rc = fouine_groups_register(s->db);
        if (rc != FOUINE_OK) {
            goto done;
        }
        rc = FOUINE_EDB;
    }
    count_sql(&sql, s, mode);
    if (sql.failed) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    if (sqlite3_prepare_v2(s->db, sql.data, -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    rc = bind_all(stmt, s, expr, 0);
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (mode == COUNT_GROUPS) {
        rc = read_rows(s, stmt, total);
    } else if (mode == COUNT_TALLY) {
        rc = fouine_tally_begin(&q, s);
        if (rc == FOUINE_OK) {
            rc = fouine_tally_bind(stmt, &q);
        }
        if (rc == FOUINE_OK) {
            rc = sqlite3_step(stmt) == SQLITE_ROW ? q.rc : FOUINE_EDB;
        }
        if (rc == FOUINE_EDB && q.rc == FOUINE_ENOMEM) {
            rc = FOUINE_ENOMEM;
        }
        *inexact = q.inexact;
        if (rc == FOUINE_OK && !q.inexact) {
            *total = q.total;
            rc = fouine_tally_rows(s, &q);
        }
    } else if (collapsed(s)) {
        rc = fouine_groups_count(total, &s->matched, stmt);
    } else if (sqlite3_step(stmt) == SQLITE_ROW) {
        *total = sqlite3_column_int64(stmt, 0);
        rc = FOUINE_OK;
    }
done:
    fouine_tally_clear(&q);
    sqlite3_finalize(stmt);
    fouine_free(sql.data);
    return rc;
}

/* Make the filters of s ready in C once a search, when it has a query
** and filters or the date order.  Returns FOUINE_OK (kept(s) says
** whether they answer), FOUINE_EDB or FOUINE_ENOMEM. */
static int keep_ready(search *s)
{
    if (s->keep_tried || !s->q->expr ||
        (!filtered(s) && s->opts->sort != FOUINE_SORT_DATE)) {
        return FOUINE_OK;
    }
    if (exhaustive()) {
        return FOUINE_OK; /* every match ranked and joined (benchmarks) */
    }
    s->keep_tried = 1;
    return fouine_keep_begin(&s->keep, s);
}

/* Forget the last count of s (*total, which may be s->total, at 0).
** Returns FOUINE_OK, or FOUINE_EDB when the budget is spent (as
** interrupted). */
static int count_reset(search *s, long long *total)
{
    *total = 0;
    s->counted = 0;
    s->matched = 0;
    fouine_search_rows_free(s);
    return fouine_search_budget_spent(s->time) ? FOUINE_EDB : FOUINE_OK;
}

int fouine_search_count(search *s, const char *expr, long long *total)
{
    int rc, inexact = 0;

    rc = count_reset(s, total);
    if (rc != FOUINE_OK) {
        return rc;
    }
    rc = keep_ready(s);
    if (rc != FOUINE_OK) {
        return rc;
    }
    /* Date order: the matches counted by day, for the page's first day
    ** (fouine_search_run()). */
    fouine_keep_count(&s->keep);
    if (!s->facets) {
        rc = count_run(s, expr, COUNT_PLAIN, total, &inexact);
    } else {
        /* The table of the connection; in SQL when it cannot answer. */
        rc = fouine_tally_register(s->db);
        if (rc == FOUINE_OK) {
            rc = count_run(s, expr, COUNT_TALLY, total, &inexact);
        }
        if (rc == FOUINE_OK && inexact) {
            rc = count_run(s, expr, COUNT_GROUPS, total, &inexact);
        }
        s->faceted = rc == FOUINE_OK;
        if (rc == FOUINE_OK && collapsed(s)) {
            /* The facets count articles, the total groups. */
            rc = count_run(s, expr, COUNT_PLAIN, total, &inexact);
        }
    }
    s->keep.counting = 0;
    if (rc != FOUINE_OK) {
        *total = 0;
        fouine_search_rows_free(s);
        return rc;
    }
    s->counted = 1;
    return FOUINE_OK;
}

/* The names of the columns that order a page, in its statement. */
typedef struct order_names {
    const char *score; /* the score, with its direction */
    const char *date;  /* the article's date */
    const char *cover; /* the items held (fallback) */
    const char *rowid; /* the article's rowid */
} order_names;

/* Append the order of a page (after ORDER BY): by date first when sorted
** so, then the items held (fallback), then the score, then the newer
** article when asked or when decayed, then the one indexed last. */
static void sql_order(fouine_buf *b,
                      const search *s,
                      int fallback,
                      int recent,
                      int by_date,
                      const order_names *n)
{
    if (s->opts->sort == FOUINE_SORT_DATE || !s->q->expr) {
        fouine_buf_printf(b, "%s DESC, ", n->date);
    }
    if (fallback) {
        fouine_buf_printf(b, "%s DESC, ", n->cover);
    }
    fouine_buf_printf(b, "%s, %s%s%s DESC", n->score,
                      recent || by_date ? n->date : "",
                      recent || by_date ? " DESC, " : "", n->rowid);
}

/*
** After a step of a page's statement that counts its matches (s->counting,
** not yet taken) gave step: once it gave a row or the end, the statement,
** sorted, has seen every match, and their count is s->total (s->counted
** set).  Returns FOUINE_OK, or what the counting failed with.
*/
static int take_count(search *s, int step)
{
    int rc;
    if (!s->counting || fouine_groups_sealed(s->counting) ||
        (step != SQLITE_ROW && step != SQLITE_DONE)) {
        return FOUINE_OK;
    }
    rc = fouine_groups_take(&s->total, &s->matched, s->counting);
    s->counted = rc == FOUINE_OK;
    return rc;
}

/*
** Step stmt (matches in order) into s->hits, room for limit, from the
** offset-th row on.  Returns FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM.
*/
static int page_rows(search *s, sqlite3_stmt *stmt, long offset, int limit)
{
    int rc, counted;
    sqlite3_bind_int64(stmt, sqlite3_bind_parameter_index(stmt, ":offset"),
                       offset);
    if (s->top && fouine_topk_rewind(
                      &s->topk, (size_t)offset + (size_t)limit) != FOUINE_OK) {
        return FOUINE_ENOMEM;
    }
    rc = sqlite3_step(stmt);
    counted = take_count(s, rc);
    if (counted != FOUINE_OK) {
        return counted;
    }
    for (; rc == SQLITE_ROW && s->nhits < (size_t)limit;
         rc = sqlite3_step(stmt)) {
        page_hit *h = &s->hits[s->nhits];
        h->score = sqlite3_column_double(stmt, 1);
        if (s->top && h->score <= TOP_UNRANKED_HIT) {
            break; /* not reached: the rows ranked fill the LIMIT */
        }
        s->nhits++;
        h->rowid = sqlite3_column_int64(stmt, 0);
        h->comment = sqlite3_column_int(stmt, 2);
        h->cover = sqlite3_column_int(stmt, 3);
        h->group = h->rowid;
    }
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? FOUINE_OK : FOUINE_EDB;
}

/* Whether group is one of the n of seen. */
static int group_seen(const sqlite3_int64 *seen, size_t n, sqlite3_int64 group)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (seen[i] == group) {
            return 1;
        }
    }
    return 0;
}

/*
** The page of groups: step stmt (every match in order, LIMIT :limit from
** the first) and keep the first match of each group of duplicates (its
** best-ranked member: the order is the page's), the offset-th group on,
** into s->hits, room for limit.  Groups are looked up for the matches
** stepped only, not for every match: most articles are alone, so a
** window of twice the groups asked for (times the matches per group of
** the count, when it counted groups) is read, then, when it holds
** fewer groups, one as many times larger as the groups it held say
** (twice that), until it holds them or every match.  Returns FOUINE_OK,
** FOUINE_EDB or FOUINE_ENOMEM.
*/
static int page_groups(search *s, sqlite3_stmt *stmt, long offset, int limit)
{
    static const char group_sql[] = "SELECT grp FROM near WHERE rowid = ?1";
    sqlite3_stmt *grp = NULL;
    sqlite3_int64 *seen = NULL; /* owned: the groups met, in order */
    size_t want = (size_t)offset + (size_t)limit, nseen = 0;
    long long window = 2 * (long long)want + 16, rows;
    int rc = FOUINE_EDB, step = SQLITE_DONE;

    if (s->total > 0 && s->matched > s->total) {
        /* Twice the matches per group the count found. */
        window = 2 * (long long)want * (s->matched / s->total + 1) + 16;
    } else if (s->counting && !fouine_groups_sealed(s->counting)) {
        /* Counted by this page: as many as the groups of the index hold
        ** on average (a guess too large for most matches, which are in
        ** none, is cheaper than a second run). */
        double mean = ceil(fouine_groups_mean(s->counting));
        window = 2 * (long long)want * (long long)mean + 16;
    }

    seen = fouine_malloc(want * sizeof *seen);
    if (!seen) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    if (sqlite3_prepare_v2(s->db, group_sql, -1, &grp, NULL) != SQLITE_OK) {
        goto done;
    }
    for (;;) {
        nseen = 0;
        s->nhits = 0;
        rows = 0;
        sqlite3_reset(stmt);
        sqlite3_bind_int64(stmt, sqlite3_bind_parameter_index(stmt, ":limit"),
                           window);
        sqlite3_bind_int64(stmt, sqlite3_bind_parameter_index(stmt, ":offset"),
                           0);
        if (s->top &&
            fouine_topk_rewind(&s->topk, (size_t)window) != FOUINE_OK) {
            rc = FOUINE_ENOMEM;
            goto done;
        }
        while (nseen < want && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
            sqlite3_int64 rowid = sqlite3_column_int64(stmt, 0), group = rowid;
            if (s->top && sqlite3_column_double(stmt, 1) <= TOP_UNRANKED_HIT) {
                step = SQLITE_DONE; /* not reached: see page_rows() */
                break;
            }
            rows++;
            sqlite3_bind_int64(grp, 1, rowid);
            step = sqlite3_step(grp);
            if (step == SQLITE_ROW) {
                group = sqlite3_column_int64(grp, 0);
            } else if (step != SQLITE_DONE) {
                goto done;
            }
            sqlite3_reset(grp);
            if (group_seen(seen, nseen, group)) {
                continue;
            }
            if (nseen++ >= (size_t)offset) {
                page_hit *h = &s->hits[s->nhits++];
                h->rowid = rowid;
                h->score = sqlite3_column_double(stmt, 1);
                h->comment = sqlite3_column_int(stmt, 2);
                h->cover = sqlite3_column_int(stmt, 3);
                h->group = group;
            }
            seen[nseen - 1] = group;
        }
        if (nseen < want && step != SQLITE_DONE) {
            goto done;
        }
        rc = take_count(s, SQLITE_DONE); /* every match stepped over */
        if (rc != FOUINE_OK) {
            goto done;
        }
        rc = FOUINE_EDB;
        if (nseen >= want || rows < window) {
            break; /* the groups asked for, or every match */
        }
        /* Each run ranks every match again: as many rows as the groups
        ** per row read say, twice, so that a second run is the last. */
        window = nseen > 0 ? 2 * window * (long long)want / (long long)nseen :
                             8 * window;
    }
    rc = FOUINE_OK;
done:
    if (rc != FOUINE_OK) {
        s->nhits = 0;
    }
    sqlite3_finalize(grp);
    fouine_free(seen);
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
    int recent = ranked && s->opts->sort == FOUINE_SORT_RECENT && s->q->expr;
    const char *t = comments ? "g" : "m";
    order_names sql_ref;
    page_hit *h;

    s->nhits = 0;
    if (fouine_search_budget_spent(s->time)) {
        return FOUINE_EDB; /* as interrupted */
    }
    s->top = ranked && !fallback && s->q->expr &&
             s->opts->sort == FOUINE_SORT_RANK && !comments &&
             (!filtered(s) || kept(s)) && !exhaustive();
    s->topk.ranked = s->topk.skipped = 0;
    s->topk.expr = NULL;
    if (s->top && !s->versioned) {
        /* The version of the index the phrases' frequencies are of. */
        s->versioned = fouine_search_version(&s->topk.version, &s->topk.changes,
                                             s->db) == FOUINE_OK;
    }
    if (s->top && s->versioned) {
        s->topk.expr = expr;
    }
    sql_ref.score = recent ? "recency DESC" : comments ? "g.s" : "m.s";
    sql_ref.date = "a.date";
    sql_ref.cover = comments ? "g.c" : "m.c";
    sql_ref.rowid = comments ? "g.r" : "m.r";
    fouine_buf_puts(&sql, "WITH ");
    sql_matches(&sql, s, fallback && ranked, ranked, kept(s));
    if (comments) {
        fouine_buf_puts(&sql, ", g(r, s, c, k) AS (SELECT r, min(s), max(c),"
                              " min(k) FROM m GROUP BY r)");
    }
    if (recent) {
        /* The score decayed by the age of the article (fouine_decay()). */
        fouine_buf_printf(&sql,
                          " SELECT %s.r, -%s.s * fouine_decay(julianday("
                          "a.date), :newest, :oldest, :half) AS recency,"
                          " %s.k, %s.c",
                          t, t, t, t);
    } else {
        fouine_buf_printf(&sql, " SELECT %s.r, -%s.s, %s.k, %s.c", t, t, t, t);
    }
    fouine_buf_printf(&sql, " FROM %s", t);
    if (need_article(s) || by_date) {
        fouine_buf_printf(&sql, " JOIN article a ON a.rowid = %s.r", t);
        if (!kept(s)) {
            sql_filters(&sql, s);
        }
    }
    if (ranked) {
        fouine_buf_puts(&sql, " ORDER BY ");
        sql_order(&sql, s, fallback, recent, by_date, &sql_ref);
    }
    fouine_buf_puts(&sql, " LIMIT :limit OFFSET :offset");
    if (sql.failed) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    if (sqlite3_prepare_v2(s->db, sql.data, -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    rc = bind_all(stmt, s, expr, limit);
    if (rc != FOUINE_OK) {
        goto done;
    }
    h = fouine_realloc(s->hits, (size_t)limit * sizeof *h);
    if (!h) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    s->hits = h;
    rc = ranked && collapsed(s) ? page_groups(s, stmt, offset, limit) :
                                  page_rows(s, stmt, offset, limit);
done:
    s->top = 0;
    s->topk.expr = NULL;
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

/*
** The page of a search in date order (a whole order: date, then score,
** then the article indexed last), ranking and joining only the matches
** of its last days: from the first day whose matches, counted by day
** with the total, are as many as the page needs (offset + limit) on.
** Every match of an earlier day comes after all of those, so the page
** of those matches is the page of all of them, when they fill it: not
** when groups of duplicates or the matches of comments alone, which
** the days do not count, leave it short; the days then go back as far
** as the shortfall says, down to every match.  Returns as
** fouine_search_page().
*/
static int dated_page(search *s,
                      const char *expr,
                      int fallback,
                      long offset,
                      int limit)
{
    long long want = (long long)offset + limit, got;
    int rc;
    for (;;) {
        s->keep.from = fouine_keep_from(&s->keep, want);
        rc = fouine_search_page(s, expr, fallback, PAGE_RANKED, offset, limit);
        got = offset + (long long)s->nhits;
        if (rc != FOUINE_OK || !s->keep.from || s->nhits >= (size_t)limit ||
            got >= s->total) {
            break;
        }
        /* Short: as many more days as the matches per item found say. */
        want = got > offset ? want * want / got * 2 : want * 8;
    }
    s->keep.from = 0;
    return rc;
}

/*
** Whether the page of s counts its matches itself, in the pass that ranks
** them, instead of a count before it: in the order of the scores, with no
** facet or comment, and the filters (if any) tested in C, each match of
** the page's statement is a match the count would count.
*/
static int counts_in_page(const search *s)
{
    return s->opts->sort == FOUINE_SORT_RANK && s->q->expr && !s->facets &&
           (!filtered(s) || kept(s)) &&
           !(s->opts->comments && !s->q->columns) && !exhaustive();
}

/* Make s->counting ready for a page that counts its matches, s's last
** count forgotten.  Returns FOUINE_OK, FOUINE_EDB (also when the budget
** is spent) or FOUINE_ENOMEM. */
static int count_begin(search *s)
{
    int rc = count_reset(s, &s->total);
    if (rc != FOUINE_OK) {
        return rc;
    }
    rc = fouine_groups_register(s->db);
    if (rc == FOUINE_OK) {
        rc = fouine_groups_begin(&s->counting, s->db, !collapsed(s));
    }
    return rc;
}

int fouine_search_run(search *s, const char *expr, int fallback)
{
    int limit = s->opts->limit > 0 ? s->opts->limit : 10;
    long offset = s->opts->offset, from = offset > 0 ? offset - 1 : 0;
    size_t i, skip = (size_t)(offset - from);
    int rc, tie = 0;

    s->nhits = 0;
    rc = keep_ready(s);
    if (rc != FOUINE_OK) {
        return rc;
    }
    if (counts_in_page(s)) {
        /* The page's statement sees every match: no count before it. */
        rc = count_begin(s);
        if (rc != FOUINE_OK) {
            goto done;
        }
    } else {
        rc = fouine_search_count(s, expr, &s->total);
        if (rc != FOUINE_OK || s->total == 0 || offset >= s->total) {
            goto done;
        }
        if (s->opts->sort == FOUINE_SORT_DATE && s->q->expr && kept(s)) {
            rc = dated_page(s, expr, fallback, offset, limit);
            goto done;
        }
        if (s->opts->sort != FOUINE_SORT_RANK || !s->q->expr) {
            /* By recency then date: a whole order already. */
            rc = fouine_search_page(s, expr, fallback, PAGE_RANKED, offset,
                                    limit);
            goto done;
        }
    }
    rc = fouine_search_page(s, expr, fallback, PAGE_RANKED, from,
                            limit + (int)skip + 1);
    for (i = 0; rc == FOUINE_OK && i + 1 < s->nhits; i++) {
        tie |= ties(&s->hits[i], &s->hits[i + 1]);
    }
    if (rc != FOUINE_OK || tie) {
        if (rc == FOUINE_OK) {
            rc = fouine_search_page(s, expr, fallback, PAGE_BY_DATE, offset,
                                    limit);
        }
        goto done;
    }
    /* No tie: the page is the window without its extra matches. */
    memmove(s->hits, s->hits + skip,
            (s->nhits > skip ? s->nhits - skip : 0) * sizeof *s->hits);
    s->nhits = s->nhits > skip ? s->nhits - skip : 0;
    if (s->nhits > (size_t)limit) {
        s->nhits = (size_t)limit;
    }
done:
    fouine_groups_free(s->counting);
    s->counting = NULL;
    return rc;
}
