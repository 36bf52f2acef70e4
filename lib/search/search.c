/*
** search.c: ranked search with filters and paging, the JSON results of
** fouine-query and fouine-serve, and the rendering of highlights.
**
** A short query (fewer than FOUINE_LONG_QUERY items) runs with every item
** required; when no article holds them all and it has several items, it
** runs them OR-ed, ranking first the articles that hold the most items
** (fouine_cover()).  A long query (FOUINE_LONG_QUERY items or more, or a
** question of FOUINE_LONG_QUESTION words or more) runs its items OR-ed at
** once, without its question words (fouine_parsed.long_expr).  Both are
** ranked by fouine_rank() (rank.c); equal scores go to the newer article,
** then to the one indexed last, the same way on every page (run_query()).  A word in no
** article is searched as its corrections too (spell.c), unless the options
** ask for exactly what was typed.
*/
#include "indexer.h"
#include "query.h"

#include "fouine/alloc.h"
#include "store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

/* Weight of a match in a reader comment, relative to one in the body. */
#define COMMENT_WEIGHT 0.5

/* ---- Options ---- */

/* Whether s is "YYYY", "YYYY-MM" or "YYYY-MM-DD", a date of the calendar
** (no 2019-02-30, 2020-02-29 allowed). */
static int valid_date(const char *s)
{
    size_t n = strlen(s), i;
    static const char shape[] = "dddd-dd-dd";
    if (n != 4 && n != 7 && n != 10) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-') {
            return 0;
        }
    }
    if (n >= 7 &&
        (strncmp(s + 5, "01", 2) < 0 || strncmp(s + 5, "12", 2) > 0)) {
        return 0;
    }
    if (n == 10) {
        static const int days[12] = { 31, 29, 31, 30, 31, 30,
                                      31, 31, 30, 31, 30, 31 };
        int year = atoi(s), month = atoi(s + 5), day = atoi(s + 8);
        int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        if (day < 1 || day > days[month - 1] ||
            (month == 2 && day == 29 && !leap)) {
            return 0;
        }
    }
    return 1;
}

const char *fouine_search_options_error(const fouine_search_options *opts)
{
    if (opts->version != FOUINE_SEARCH_OPTIONS_VERSION) {
        return "options of another version (fouine_search_options_init())";
    }
    if (!opts->query) {
        return "no query";
    }
    if (opts->limit < 0 || opts->limit > FOUINE_LIMIT_MAX) {
        return "limit: expected a number from 1 to 1000";
    }
    if (opts->offset < 0) {
        return "offset: expected a number >= 0";
    }
    if (opts->prefix_tokens < 0 || opts->prefix_tokens > FOUINE_PREFIX_TOKENS) {
        return "prefix tokens: expected a number from 1 to 4000";
    }
    if (opts->budget_ms < FOUINE_BUDGET_SPENT ||
        opts->budget_ms > FOUINE_BUDGET_MAX_MS) {
        return "budget: expected a number of milliseconds from 0 to 600000";
    }
    if (opts->snippet_chars < 0 ||
        opts->snippet_chars > FOUINE_SNIPPET_CHARS_MAX) {
        return "snippet length: expected a number from 1 to 2000";
    }
    if (opts->since && !valid_date(opts->since)) {
        return "since: expected a date YYYY, YYYY-MM or YYYY-MM-DD";
    }
    if (opts->until && !valid_date(opts->until)) {
        return "until: expected a date YYYY, YYYY-MM or YYYY-MM-DD";
    }
    if (opts->sort != FOUINE_SORT_RANK && opts->sort != FOUINE_SORT_DATE) {
        return "sort: expected rank or date";
    }
    return NULL;
}

/* ---- The search ---- */

/* One page of hits, before they are shaped as JSON. */
typedef struct page_hit {
    sqlite3_int64 rowid;
    double score; /* higher is better */
    int comment;  /* only a comment matched */
    int cover;    /* fallback: items held */
} page_hit;

/* SQLite's virtual machine instructions between two looks at the clock
** (a look costs a system call: about a hundredth of their time). */
#define BUDGET_PERIOD 1000

/* The time budget of a search: CPU time of its thread, which other
** threads and processes do not eat into. */
typedef struct budget {
    double deadline; /* CPU milliseconds of the thread when it runs out */
    int on;          /* a budget is set */
    int spent;       /* it ran out (statements are interrupted) */
} budget;

/* CPU time of the calling thread, in milliseconds. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Start b with ms milliseconds from now (ms < 0: no budget). */
static void budget_start(budget *b, double ms)
{
    b->on = ms >= 0;
    b->spent = 0;
    b->deadline = cpu_ms() + ms;
}

/* Whether b ran out (sticky); also SQLite's progress handler, which
** interrupts the statement running when it returns non-zero. */
static int budget_spent(void *payload)
{
    budget *b = payload;
    if (b->on && !b->spent && cpu_ms() >= b->deadline) {
        b->spent = 1;
    }
    return b->spent;
}

/* State of one search. */
typedef struct search {
    sqlite3 *db;
    fouine_analyzer *an;
    const fouine_search_options *opts;
    const fouine_parsed *q;
    char *category; /* folded; owned */
    page_hit *hits; /* owned */
    size_t nhits;
    long long total;
    int counted;  /* total was counted (not cut short by the budget) */
    budget *time; /* the time budget; not owned */
} search;

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

/* Count the articles matching expr (with the filters) into *total. */
static int count_query(search *s, const char *expr, long long *total)
{
    fouine_buf sql = { 0 };
    sqlite3_stmt *stmt = NULL;
    int rc = FOUINE_EDB, comments = s->opts->comments && !s->q->columns;

    *total = 0;
    s->counted = 0;
    if (budget_spent(s->time)) {
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

/* Orders of page_query(). */
enum {
    PAGE_RANKED,  /* by score, then the article indexed last */
    PAGE_BY_DATE, /* by score, then the newer article, then the last */
    PAGE_FOUND    /* unranked: the first matches FTS5 finds */
};

/*
** Fetch into s->hits (room for limit) the matches of expr from offset on,
** in the order of the options: by score, then (PAGE_BY_DATE) the newer
** article, then the one indexed last; with fallback, the articles holding
** the most items first.  A comparison of equal scores by date reads the
** date of every match, which is why it is asked for only when needed.
** PAGE_FOUND ranks nothing: the page of a search out of time.
*/
static int page_query(search *s,
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
    if (budget_spent(s->time)) {
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

/*
** Count the matches of expr and fetch one page of them into s.  Equal
** scores go to the newer article, the same way on every page: the page is
** fetched with one match more on each side, and when two of them tie, the
** page is fetched again ordered by date among equals.
*/
static int run_query(search *s, const char *expr, int fallback)
{
    int limit = s->opts->limit > 0 ? s->opts->limit : 10;
    long offset = s->opts->offset, from = offset > 0 ? offset - 1 : 0;
    size_t i, skip = (size_t)(offset - from);
    int rc, tie = 0;

    s->nhits = 0;
    rc = count_query(s, expr, &s->total);
    if (rc != FOUINE_OK || s->total == 0 || offset >= s->total) {
        return rc;
    }
    if (s->opts->sort == FOUINE_SORT_DATE || !s->q->expr) {
        return page_query(s, expr, fallback, PAGE_RANKED, offset, limit);
    }
    rc =
        page_query(s, expr, fallback, PAGE_RANKED, from, limit + (int)skip + 1);
    for (i = 0; rc == FOUINE_OK && i + 1 < s->nhits; i++) {
        tie |= ties(&s->hits[i], &s->hits[i + 1]);
    }
    if (rc != FOUINE_OK || tie) {
        return rc == FOUINE_OK ?
                   page_query(s, expr, fallback, PAGE_BY_DATE, offset, limit) :
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

/* ---- The results ---- */

/* fouine_results and what it owns: the public part first, so that a
** fouine_results * is a results *. */
typedef struct results {
    fouine_results pub;
    fouine_hit *hits;  /* owned */
    fouine_fix *fixes; /* owned */
    void **owned;      /* every string and span array the results point
                          to; each owned */
    size_t nowned, capowned;
} results;

void fouine_results_free(fouine_results *pub)
{
    results *r = (results *)pub;
    size_t i;
    if (!r) {
        return;
    }
    for (i = 0; i < r->nowned; i++) {
        fouine_free(r->owned[i]);
    }
    fouine_free(r->owned);
    fouine_free(r->hits);
    fouine_free(r->fixes);
    fouine_free(r);
}

/* Make p (NULL: nothing) one of the blocks r owns; on failure p is freed.
** Returns FOUINE_OK or FOUINE_ENOMEM. */
static int keep(results *r, void *p)
{
    if (!p) {
        return FOUINE_OK;
    }
    if (r->nowned == r->capowned) {
        size_t cap = r->capowned ? 2 * r->capowned : 32;
        void **v = fouine_realloc(r->owned, cap * sizeof *v);
        if (!v) {
            fouine_free(p);
            return FOUINE_ENOMEM;
        }
        r->owned = v;
        r->capowned = cap;
    }
    r->owned[r->nowned++] = p;
    return FOUINE_OK;
}

/* *out: a copy of n bytes of s that r owns (NULL when s is NULL). */
static int keep_copy(const char **out, results *r, const char *s, size_t n)
{
    char *copy;
    *out = NULL;
    if (!s) {
        return FOUINE_OK;
    }
    copy = fouine_strndup(s, n);
    if (!copy) {
        return FOUINE_ENOMEM;
    }
    *out = copy;
    return keep(r, copy);
}

/* The same for a NUL-terminated string or a text column. */
static int keep_str(const char **out, results *r, const char *s)
{
    return keep_copy(out, r, s, s ? strlen(s) : 0);
}

static int keep_col(const char **out, results *r, sqlite3_stmt *stmt, int col)
{
    return keep_str(out, r, (const char *)sqlite3_column_text(stmt, col));
}

/* Hand a snippet and its spans over to r, as *text and *spans. */
static int keep_snippet(const char **text,
                        const fouine_span **spans,
                        size_t *nspans,
                        results *r,
                        char *snip,
                        fouine_spans *sp)
{
    int rc = keep(r, snip);
    *text = rc == FOUINE_OK ? snip : NULL;
    if (rc == FOUINE_OK) {
        rc = keep(r, sp->at);
    } else {
        fouine_free(sp->at);
    }
    *spans = rc == FOUINE_OK ? sp->at : NULL;
    *nspans = rc == FOUINE_OK ? sp->n : 0;
    memset(sp, 0, sizeof *sp);
    return rc;
}

/*
** Bytes of the start of text (len bytes) shown as the title of an untitled
** article: its first line, cut after at most chars characters at the end
** of a word; all of it when shorter.
*/
static size_t untitled_cut(const char *text, size_t len, size_t chars)
{
    size_t i = 0, n = 0, word_end = 0;
    while (i < len && text[i] != '\n') {
        if (((unsigned char)text[i] & 0xC0) != 0x80) {
            if (n == chars) {
                return word_end ? word_end : i;
            }
            n++;
        }
        if (text[i] == ' ' && i > 0 && text[i - 1] != ' ') {
            word_end = i;
        }
        i++;
    }
    return i;
}

/* Append " …" to the string *s, reallocated (fouine_free()). */
static int append_ellipsis(char **s)
{
    size_t n = strlen(*s);
    char *t = fouine_realloc(*s, n + sizeof " \xe2\x80\xa6");
    if (!t) {
        return FOUINE_ENOMEM;
    }
    memcpy(t + n, " \xe2\x80\xa6", sizeof " \xe2\x80\xa6");
    *s = t;
    return FOUINE_OK;
}

/* Fill out, one hit of r. */
static int hit_fill(fouine_hit *out,
                    results *r,
                    search *s,
                    const page_hit *h,
                    size_t chars)
{
    static const char sql[] =
        "SELECT id, title, lead, body, date, category, url"
        " FROM article WHERE rowid = ?1";
    static const char comments_sql[] =
        "SELECT group_concat(body, char(10)) FROM comment WHERE article = ?1";
    sqlite3_stmt *stmt = NULL;
    fouine_buf text = { 0 };
    fouine_spans sp = { 0 };
    char *snip = NULL;
    const char *title, *lead, *body;
    int rc = FOUINE_EDB, found = 0;

    memset(out, 0, sizeof *out);
    if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    sqlite3_bind_int64(stmt, 1, h->rowid);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        goto done;
    }
    rc = keep_col(&out->id, r, stmt, 0);
    title = (const char *)sqlite3_column_text(stmt, 1);
    lead = (const char *)sqlite3_column_text(stmt, 2);
    body = (const char *)sqlite3_column_text(stmt, 3);
    out->untitled = !title || !*title;
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (!out->untitled) {
        rc = fouine_snippet(&snip, &sp, &found, s->an, s->q, title,
                            strlen(title), 0);
    } else {
        /* Untitled: the start of its lead, or of its body. */
        const char *from = lead && *lead ? lead : body ? body : "";
        size_t n = untitled_cut(from, strlen(from), FOUINE_UNTITLED_CHARS);
        rc = fouine_snippet(&snip, &sp, &found, s->an, s->q, from, n, 0);
        if (rc == FOUINE_OK && from[n] != '\0') {
            rc = append_ellipsis(&snip);
        }
    }
    if (rc == FOUINE_OK) {
        rc = keep_snippet(&out->title, &out->title_spans, &out->ntitle_spans, r,
                          snip, &sp);
        snip = NULL;
    }
    if (rc == FOUINE_OK) {
        rc = keep_col(&out->date, r, stmt, 4);
    }
    if (rc == FOUINE_OK) {
        rc = keep_col(&out->category, r, stmt, 5);
    }
    if (rc == FOUINE_OK) {
        rc = keep_col(&out->url, r, stmt, 6);
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    out->score = h->score;
    out->comment = h->comment;
    if (lead && *lead) {
        fouine_buf_puts(&text, lead);
    }
    if (body && *body) {
        fouine_buf_puts(&text, text.len ? "\n" : "");
        fouine_buf_puts(&text, body);
    }
    fouine_buf_append(&text, "", 0);
    if (text.failed) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    rc = fouine_snippet(&snip, &sp, &found, s->an, s->q, text.data, text.len,
                        chars);
    if (rc == FOUINE_OK && h->comment) {
        /* Only a comment matched: show it. */
        sqlite3_finalize(stmt);
        stmt = NULL;
        rc = FOUINE_EDB;
        if (sqlite3_prepare_v2(s->db, comments_sql, -1, &stmt, NULL) !=
            SQLITE_OK) {
            goto done;
        }
        sqlite3_bind_int64(stmt, 1, h->rowid);
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
            const char *c = (const char *)sqlite3_column_text(stmt, 0);
            fouine_free(snip);
            snip = NULL;
            fouine_free(sp.at);
            memset(&sp, 0, sizeof sp);
            rc = fouine_snippet(&snip, &sp, &found, s->an, s->q, c, strlen(c),
                                chars);
        } else {
            rc = FOUINE_OK;
        }
    }
    if (rc == FOUINE_OK) {
        rc = keep_snippet(&out->snippet, &out->snippet_spans,
                          &out->nsnippet_spans, r, snip, &sp);
        snip = NULL;
    }
done:
    sqlite3_finalize(stmt);
    fouine_free(text.data);
    fouine_free(snip);
    fouine_free(sp.at);
    return rc;
}

/*
** The query text with the words of corr replaced by their best candidate
** as most articles write it (only the applied ones when applied is set),
** into *out (owned by r), and, with fixes, the pairs of typed and replaced
** words into r's fixes.  *out is NULL when nothing is replaced.
*/
static int corrected_text(const char **out,
                          results *r,
                          int fixes,
                          const char *text,
                          const fouine_correction *corr,
                          size_t ncorr,
                          int applied)
{
    fouine_buf b = { 0 };
    size_t i, at = 0, n = 0;
    int rc = FOUINE_OK;

    *out = NULL;
    if (fixes && ncorr > 0) {
        r->fixes = fouine_calloc(ncorr, sizeof *r->fixes);
        if (!r->fixes) {
            return FOUINE_ENOMEM;
        }
    }
    for (i = 0; rc == FOUINE_OK && i < ncorr; i++) {
        const fouine_correction *c = &corr[i];
        const char *form;
        if ((applied && !c->applied) || c->ncands == 0) {
            continue;
        }
        form = c->cands[0].token[0] ? c->cands[0].token : c->cands[0].term;
        fouine_buf_append(&b, text + at, c->start - at);
        fouine_buf_puts(&b, form);
        if (fixes) {
            rc = keep_copy(&r->fixes[n].typed, r, text + c->start,
                           c->end - c->start);
            if (rc == FOUINE_OK) {
                rc = keep_str(&r->fixes[n].corrected, r, form);
            }
        }
        n++;
        at = c->end;
    }
    if (fixes) {
        r->pub.fixes = r->fixes;
        r->pub.nfixes = n;
    }
    if (rc == FOUINE_OK && n > 0) {
        fouine_buf_puts(&b, text + at);
        if (b.failed) {
            rc = FOUINE_ENOMEM;
        } else {
            rc = keep(r, b.data);
            *out = rc == FOUINE_OK ? b.data : NULL;
            b.data = NULL; /* r's now, or freed by keep() */
        }
    }
    fouine_free(b.data);
    return rc;
}

/*
** The page of a search whose budget ran out: the first matches of expr
** FTS5 finds, unranked, with budget_ms / 4 more (at least
** QUICK_MIN_MS); no hits when that runs out too.  total is then at least
** what was found when it could not be counted.
*/
#define QUICK_MIN_MS 10.0

static int quick_page(search *s, const char *expr, budget *b, double budget_ms)
{
    int limit = s->opts->limit > 0 ? s->opts->limit : 10;
    int rc;
    budget_start(b,
                 budget_ms / 4 > QUICK_MIN_MS ? budget_ms / 4 : QUICK_MIN_MS);
    rc = expr ? page_query(s, expr, 0, PAGE_FOUND, s->opts->offset, limit) :
                FOUINE_OK;
    if (rc == FOUINE_EDB && b->spent) {
        s->nhits = 0;
        rc = FOUINE_OK;
    }
    if (!s->counted) {
        s->total = s->opts->offset + (long long)s->nhits;
    }
    b->spent = 1;
    return rc;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void fouine_search_options_init(fouine_search_options *o)
{
    static const fouine_search_options init = FOUINE_SEARCH_OPTIONS_INIT;
    *o = init;
}

int fouine_search(fouine_results **out,
                  fouine_index *ix,
                  const fouine_search_options *o)
{
    fouine_analyzer *an = NULL;
    int rc;
    *out = NULL;
    rc = fouine_index_analyzer(&an, ix);
    if (rc != FOUINE_OK) {
        return rc;
    }
    return fouine_search_db(out, fouine_index_db(ix), an, o);
}

int fouine_search_db(fouine_results **out,
                     sqlite3 *db,
                     fouine_analyzer *an,
                     const fouine_search_options *opts)
{
    search s;
    fouine_parsed q;
    results *r = NULL;
    fouine_correction *corr = NULL;
    fouine_lexicon *lx = NULL;
    size_t ncorr = 0;
    int applied = 0;
    static const fouine_parsed plain; /* no term: nothing highlighted */
    double t0 = now_ms();
    double budget_ms = opts->budget_ms > 0  ? (double)opts->budget_ms :
                       opts->budget_ms == 0 ? FOUINE_SEARCH_BUDGET_MS :
                       opts->budget_ms == FOUINE_BUDGET_SPENT ? 0.0 :
                                                                -1.0;
    budget time;
    const char *running = NULL; /* the expression being searched */
    char *text = NULL;          /* the query searched; owned */
    size_t i, len, chars, fixed_len = 0, bad = 0;
    long long all = 0;
    unsigned cut = 0;
    int rc, fallback = 0, is_long = 0, own_txn = 0;

    *out = NULL;
    memset(&s, 0, sizeof s);
    memset(&q, 0, sizeof q);
    budget_start(&time, budget_ms);
    if (fouine_search_options_error(opts)) {
        return FOUINE_EINVAL;
    }
    r = fouine_calloc(1, sizeof *r);
    if (!r) {
        return FOUINE_ENOMEM;
    }
    rc = fouine_search_register(db);
    if (rc != FOUINE_OK) {
        goto done;
    }
    /* One read transaction for the whole search when the caller has none:
    ** the count, the page and the hits all see the same index (and the
    ** index is locked once, not by each statement). */
    if (sqlite3_get_autocommit(db)) {
        if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
            rc = fouine_store_error(db);
            goto done;
        }
        own_txn = 1;
    }
    len = strlen(opts->query);
    if (len > FOUINE_QUERY_MAX) {
        len = FOUINE_QUERY_MAX;
        while (len > 0 && ((unsigned char)opts->query[len] & 0xC0) == 0x80) {
            len--; /* cut on a character boundary */
        }
        cut |= FOUINE_CUT_WORDS;
    }
    /* What is searched and echoed: the query as valid UTF-8, its bytes
    ** that are not replaced by U+FFFD (which separates words, as they
    ** did), NUL-terminated where it was cut. */
    rc = fouine_utf8_repair(&text, &fixed_len, &bad, opts->query, len);
    if (rc == FOUINE_OK && text) {
        len = fixed_len;
    } else if (rc == FOUINE_OK && !(text = fouine_strndup(opts->query, len))) {
        rc = FOUINE_ENOMEM;
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    rc = fouine_lexicon_open(&lx, db);
    if (rc != FOUINE_OK) {
        goto done;
    }
    rc = fouine_parse_corrected(&q, an, lx, text, len, NULL, 0,
                                (size_t)opts->prefix_tokens);
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (q.nwords) {
        size_t k;
        int any = 0;
        rc = fouine_spell_query(&corr, &ncorr, lx, an, &q, text);
        if (rc != FOUINE_OK) {
            goto done;
        }
        for (k = 0; k < ncorr; k++) {
            any |= corr[k].applied;
        }
        if (any && !opts->no_correct) {
            fouine_parsed_clear(&q);
            rc = fouine_parse_corrected(&q, an, lx, text, len, corr, ncorr,
                                        (size_t)opts->prefix_tokens);
            if (rc != FOUINE_OK) {
                goto done;
            }
            applied = 1;
        }
    }
    s.db = db;
    s.an = an;
    s.opts = opts;
    s.q = &q;
    if (opts->category) {
        rc = fouine_fold(&s.category, opts->category, strlen(opts->category));
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    is_long =
        q.expr && q.any_expr && opts->long_query >= 0 &&
        (q.items >= (opts->long_query ? opts->long_query : FOUINE_LONG_QUERY) ||
         (q.question && q.typed >= FOUINE_LONG_QUESTION));
    /* From here on, SQLite's statements stop when the budget runs out. */
    s.time = &time;
    if (time.on) {
        sqlite3_progress_handler(db, BUDGET_PERIOD, budget_spent, &time);
    }
    if (is_long) {
        /* A long query: every article holding any item, ranked. */
        running = q.long_expr ? q.long_expr : q.any_expr;
        rc = count_query(&s, q.long_all ? q.long_all : q.expr, &all);
        if (rc == FOUINE_OK) {
            fallback = all == 0;
            rc = run_query(&s, running, 0);
        }
    } else if (q.expr) {
        running = q.expr;
        rc = run_query(&s, q.expr, 0);
        if (rc == FOUINE_OK && s.total == 0 && q.any_expr) {
            fallback = 1;
            running = q.any_expr;
            rc = run_query(&s, q.any_expr, 1);
        }
    } else if (q.not_expr) {
        running = q.not_expr;
        rc = run_query(&s, q.not_expr, 0);
    }
    if (rc == FOUINE_EDB && time.spent) {
        /* Out of time: the first matches, unranked, in a little more. */
        rc = quick_page(&s, running, &time, budget_ms);
    }
    sqlite3_progress_handler(db, 0, NULL, NULL);
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (s.nhits > 0) {
        r->hits = fouine_calloc(s.nhits, sizeof *r->hits);
        if (!r->hits) {
            rc = FOUINE_ENOMEM;
            goto done;
        }
    }
    chars = opts->snippet_chars > 0 ? (size_t)opts->snippet_chars :
                                      FOUINE_SNIPPET_CHARS;
    for (i = 0; i < s.nhits; i++) {
        if (s.q != &plain && budget_spent(&time)) {
            s.q = &plain; /* out of time: snippets without highlights */
        }
        rc = hit_fill(&r->hits[i], r, &s, &s.hits[i], chars);
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    r->pub.hits = r->hits;
    cut |= q.cut | (time.spent ? FOUINE_CUT_TIME : 0u);
    r->pub.nhits = s.nhits;
    if (applied) {
        rc = corrected_text(&r->pub.corrected, r, 1, text, corr, ncorr, 1);
    } else if (ncorr > 0) {
        /* Not applied: typed words that are in no article (with
        ** --no-correct), or rare words of a query that found few. */
        size_t k;
        int absent = 0;
        for (k = 0; k < ncorr; k++) {
            absent |= corr[k].applied;
        }
        if (absent || s.total <= 2) {
            rc = corrected_text(&r->pub.suggestion, r, 0, text, corr, ncorr, 0);
        }
    }
    if (rc == FOUINE_OK) {
        rc = keep_str(&r->pub.query, r, text);
    }
    if (rc == FOUINE_OK) {
        rc = keep_str(&r->pub.understood, r, q.understood);
    }
    if (rc == FOUINE_OK) {
        const char *e = q.expr ? q.expr : q.not_expr;
        rc = keep_str(&r->pub.expression, r, e);
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    r->pub.fallback = fallback;
    r->pub.total = s.total;
    r->pub.offset = opts->offset;
    r->pub.limit = opts->limit > 0 ? opts->limit : 10;
    r->pub.truncated_by = cut;
    r->pub.took_ms = now_ms() - t0;
    *out = &r->pub;
    r = NULL;
done:
    fouine_results_free(r ? &r->pub : NULL);
    fouine_free(text);
    fouine_parsed_clear(&q);
    fouine_free(s.category);
    fouine_free(s.hits);
    fouine_free(corr);
    fouine_lexicon_close(lx);
    if (rc == FOUINE_EDB && opts->error) {
        /* Ending the transaction replaces SQLite's message. */
        snprintf(opts->error, FOUINE_SEARCH_ERROR_MAX, "%s",
                 sqlite3_errmsg(db));
    }
    if (own_txn && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        /* A read transaction cannot fail to end but by a misuse. */
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}
