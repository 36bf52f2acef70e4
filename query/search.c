/*
** search.c: ranked search with filters and paging, the JSON results of
** fouine-query and fouine-serve, and the rendering of highlights.
**
** A short query (fewer than FOUINE_LONG_QUERY items) runs with every item
** required; when no article holds them all and it has several items, it
** runs them OR-ed, ranking first the articles that hold the most items
** (fouine_cover()).  A long query (FOUINE_LONG_QUERY items or more, or a
** question of FOUINE_LONG_QUESTION words or more) runs its items OR-ed at
** once, without its question words (fouine_parsed.long_expr).  Scores are
** fouine_bm25() (BM25 with FOUINE_BM25_K1 and FOUINE_BM25_B, the column
** weights FOUINE_WEIGHT_*: title above lead above body), plus a proximity
** bonus for long queries (fouine_bm25p()); ties go to the newer article
** (see break_ties()).
*/
#include "query.h"

#include "fouine/alloc.h"
#include "fouine/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

/* Weight of a match in a reader comment, relative to one in the body. */
#define COMMENT_WEIGHT 0.5

/* ---- SQL functions ---- */

/* Map text with utf8proc options into a new string. */
static int map_text(char **out,
                    const char *text,
                    size_t len,
                    utf8proc_option_t options)
{
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t n;

    *out = NULL;
    if (len > (size_t)0x3fffffff) {
        return FOUINE_EINVAL;
    }
    n = utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len,
                     &folded, options);
    if (n < 0) {
        /* Invalid UTF-8: compare the bytes as they are. */
        char *copy = fouine_malloc(len + 1);
        if (!copy) {
            return FOUINE_ENOMEM;
        }
        memcpy(copy, text, len);
        copy[len] = '\0';
        *out = copy;
        return FOUINE_OK;
    }
    *out = (char *)folded;
    return FOUINE_OK;
}

int fouine_fold(char **out, const char *text, size_t len)
{
    return map_text(out, text, len,
                    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                        UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                        UTF8PROC_IGNORE);
}

int fouine_lower(char **out, const char *text, size_t len)
{
    return map_text(out, text, len,
                    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                        UTF8PROC_IGNORE);
}

/* fouine_fold(text): SQL wrapper of fouine_fold(). */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *s = sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    char *folded = NULL;
    (void)argc;
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    if (fouine_fold(&folded, (const char *)s, (size_t)n) != FOUINE_OK) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, folded, -1, free);
}

/*
** fouine_cover(fts, map): how many items of the query the row holds.  map
** gives, for each phrase of the expression in order, its item number
** (space-separated; negative for exclusions).  Items beyond 63 count as
** one.
*/
static void sql_cover(const Fts5ExtensionApi *api,
                      Fts5Context *fts,
                      sqlite3_context *ctx,
                      int argc,
                      sqlite3_value **argv)
{
    const char *map;
    unsigned long long seen = 0;
    int phrase = 0, nphrase, count = 0;

    if (argc != 1) {
        sqlite3_result_error(ctx, "fouine_cover: one argument", -1);
        return;
    }
    map = (const char *)sqlite3_value_text(argv[0]);
    nphrase = api->xPhraseCount(fts);
    while (map && *map && phrase < nphrase) {
        char *end;
        long item = strtol(map, &end, 10);
        Fts5PhraseIter it;
        int col = -1, off = -1;
        if (end == map) {
            break;
        }
        map = end;
        if (item >= 0 &&
            api->xPhraseFirst(fts, phrase, &it, &col, &off) == SQLITE_OK &&
            col >= 0) {
            unsigned long long bit = 1ull << (item > 63 ? 63 : item);
            if (!(seen & bit)) {
                seen |= bit;
                count++;
            }
        }
        phrase++;
    }
    sqlite3_result_int(ctx, count);
}

/* Per-query data of fouine_bm25(), cached with xSetAuxdata(). */
typedef struct bm25_data {
    int nphrase;      /* phrases of the query */
    int ncol;         /* columns (at most 8 are normalized apart) */
    double avgdl;     /* mean tokens a row */
    double avgcol[8]; /* mean tokens of each column */
    double *idf;      /* idf of each phrase */
    double *freq;     /* weighted hits of each phrase in the current row */
    double *cfreq;    /* hits of each phrase in each column (BM25F) */
    double *near;     /* proximity of each phrase to the others (BM25P) */
    int *inst;        /* phrase, column, offset of each hit (BM25P) */
    int ninst;        /* hits inst has room for */
} bm25_data;

static int count_hit(const Fts5ExtensionApi *api,
                     Fts5Context *fts,
                     void *payload)
{
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)payload)++;
    return SQLITE_OK;
}

/* xUserData of the ranking functions: which variant. */
static int bm25f_tag, bm25p_tag;

static void bm25_free(void *p)
{
    bm25_data *d = p;
    if (d) {
        sqlite3_free(d->inst);
        sqlite3_free(d);
    }
}

/*
** The proximity part of fouine_bm25p() for the current row, whose hits
** are in d->inst (ninst triples phrase, column, offset, in the order of
** the text): for each pair of hits of two different phrases at most
** window tokens apart in the same column, each phrase gains the other's
** idf / distance^2 (Büttcher, Clarke and Lushman's BM25TP, with a window);
** each phrase's gain is then saturated like a term frequency and weighted
** by its idf capped at 1.  Returns the sum.
*/
static double proximity(bm25_data *d,
                        int ninst,
                        int window,
                        double k1,
                        double norm)
{
    double sum = 0;
    int i, j;
    for (i = 0; i < d->nphrase; i++) {
        d->near[i] = 0;
    }
    for (i = 0; i < ninst; i++) {
        const int *a = &d->inst[3 * i];
        for (j = i + 1; j < ninst; j++) {
            const int *c = &d->inst[3 * j];
            int dist = c[2] - a[2];
            if (c[1] != a[1] || dist > window) {
                break;
            }
            if (c[0] != a[0] && dist > 0) {
                double g = 1.0 / ((double)dist * (double)dist);
                d->near[a[0]] += d->idf[c[0]] * g;
                d->near[c[0]] += d->idf[a[0]] * g;
            }
        }
    }
    for (i = 0; i < d->nphrase; i++) {
        double f = d->near[i];
        if (f > 0) {
            sum += (d->idf[i] < 1 ? d->idf[i] : 1) * f * (k1 + 1) /
                   (f + k1 * norm);
        }
    }
    return sum;
}

/* Order of hits: column, then offset. */
static int inst_cmp(const void *x, const void *y)
{
    const int *a = x, *b = y;
    return a[1] != b[1] ? (a[1] > b[1]) - (a[1] < b[1]) :
                          (a[2] > b[2]) - (a[2] < b[2]);
}

/*
** fouine_bm25(fts, k1, b, w0, w1, ...): Okapi BM25 like FTS5's bm25(), but
** with k1 and b given (FTS5 fixes 1.2 and 0.75), and column weights.
** fouine_bm25f(): the same arguments, each column normalized by its own
** length (BM25F).  fouine_bm25p(fts, k1, b, lambda, window, w0, ...):
** BM25 plus lambda times proximity() of the query's phrases within window
** tokens.  Lower is better, as bm25().
*/
static void sql_bm25(const Fts5ExtensionApi *api,
                     Fts5Context *fts,
                     sqlite3_context *ctx,
                     int argc,
                     sqlite3_value **argv)
{
    bm25_data *d = api->xGetAuxdata(fts, 0);
    const void *variant = api->xUserData(fts);
    int wa = variant == &bm25p_tag ? 4 : 2; /* first weight argument */
    double k1 = argc > 0 ? sqlite3_value_double(argv[0]) : 1.2;
    double b = argc > 1 ? sqlite3_value_double(argv[1]) : 0.75;
    double lambda = wa > 2 && argc > 2 ? sqlite3_value_double(argv[2]) : 0;
    int window = wa > 2 && argc > 3 ? sqlite3_value_int(argv[3]) : 0;
    double score = 0, dl, w[8];
    int i, ninst = 0, sorted = 1, rc = SQLITE_OK, ncol = api->xColumnCount(fts);
    sqlite3_int64 nrow = 0, ntok = 0;

    if (!d) {
        int n = api->xPhraseCount(fts), c;
        d = sqlite3_malloc64(sizeof *d + (3 + 8) * (size_t)n * sizeof(double));
        if (!d) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        d->nphrase = n;
        d->idf = (double *)(d + 1);
        d->freq = d->idf + n;
        d->cfreq = d->freq + n;
        d->near = d->cfreq + 8 * n;
        d->inst = NULL;
        d->ninst = 0;
        d->ncol = ncol < 8 ? ncol : 8;
        rc = api->xRowCount(fts, &nrow);
        if (rc == SQLITE_OK) {
            rc = api->xColumnTotalSize(fts, -1, &ntok);
        }
        d->avgdl = nrow > 0 ? (double)ntok / (double)nrow : 1.0;
        for (c = 0; rc == SQLITE_OK && c < d->ncol; c++) {
            rc = api->xColumnTotalSize(fts, c, &ntok);
            d->avgcol[c] =
                nrow > 0 && ntok > 0 ? (double)ntok / (double)nrow : 1.0;
        }
        for (i = 0; rc == SQLITE_OK && i < n; i++) {
            sqlite3_int64 hits = 0;
            double idf;
            rc = api->xQueryPhrase(fts, i, &hits, count_hit);
            idf =
                log(((double)nrow - (double)hits + 0.5) / ((double)hits + 0.5));
            d->idf[i] = idf > 1e-6 ? idf : 1e-6;
        }
        if (rc == SQLITE_OK) {
            rc = api->xSetAuxdata(fts, d, bm25_free);
        } else {
            bm25_free(d);
        }
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
    }
    for (i = 0; i < 8; i++) {
        w[i] = i + wa < argc ? sqlite3_value_double(argv[i + wa]) : 1.0;
    }
    for (i = 0; i < d->nphrase; i++) {
        d->freq[i] = 0;
    }
    for (i = 0; i < d->nphrase * 8; i++) {
        d->cfreq[i] = 0;
    }
    rc = api->xInstCount(fts, &ninst);
    if (rc == SQLITE_OK && lambda > 0 && ninst > d->ninst) {
        int *p = sqlite3_realloc64(d->inst, (size_t)ninst * 3 * sizeof *p);
        if (!p) {
            rc = SQLITE_NOMEM;
        } else {
            d->inst = p;
            d->ninst = ninst;
        }
    }
    for (i = 0; rc == SQLITE_OK && i < ninst; i++) {
        int ip, ic, io;
        rc = api->xInst(fts, i, &ip, &ic, &io);
        if (rc == SQLITE_OK && ip >= 0 && ip < d->nphrase && ic < 8) {
            d->cfreq[ip * 8 + ic] += 1.0;
        }
        if (rc == SQLITE_OK && ip >= 0 && ip < d->nphrase) {
            d->freq[ip] += ic < 8 ? w[ic] : 1.0;
        }
        if (rc == SQLITE_OK && lambda > 0) {
            int *t = &d->inst[3 * i];
            t[0] = ip >= 0 && ip < d->nphrase ? ip : 0;
            t[1] = ic;
            t[2] = io;
            if (i > 0 && inst_cmp(t - 3, t) > 0) {
                sorted = 0;
            }
        }
    }
    if (rc == SQLITE_OK && variant == &bm25f_tag) {
        /* BM25F: each column's hits normalized by its own length. */
        double norm[8];
        int c, len = 0;
        for (c = 0; rc == SQLITE_OK && c < d->ncol; c++) {
            rc = api->xColumnSize(fts, c, &len);
            norm[c] = 1 - b + b * (double)len / d->avgcol[c];
        }
        for (i = 0; rc == SQLITE_OK && i < d->nphrase; i++) {
            double f = 0;
            for (c = 0; c < d->ncol; c++) {
                if (d->cfreq[i * 8 + c] > 0) {
                    f += w[c] * d->cfreq[i * 8 + c] / norm[c];
                }
            }
            score += d->idf[i] * f * (k1 + 1) / (f + k1);
        }
    } else if (rc == SQLITE_OK) {
        int len = 0;
        double norm;
        rc = api->xColumnSize(fts, -1, &len);
        dl = len;
        norm = 1 - b + b * dl / d->avgdl;
        for (i = 0; i < d->nphrase; i++) {
            double f = d->freq[i];
            score += d->idf[i] * f * (k1 + 1) / (f + k1 * norm);
        }
        if (rc == SQLITE_OK && lambda > 0 && ninst > 1) {
            if (!sorted) {
                qsort(d->inst, (size_t)ninst, 3 * sizeof *d->inst, inst_cmp);
            }
            score += lambda * proximity(d, ninst, window, k1, norm);
        }
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    sqlite3_result_double(ctx, -score);
}

/* The fts5_api of a connection, or NULL. */
static fts5_api *fts5_of(sqlite3 *db)
{
    sqlite3_stmt *stmt = NULL;
    fts5_api *api = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL) !=
        SQLITE_OK) {
        return NULL;
    }
    sqlite3_bind_pointer(stmt, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return api;
}

int fouine_search_register(sqlite3 *db)
{
    sqlite3_stmt *probe = NULL;
    fts5_api *api;

    /* Registered already on this connection? */
    if (sqlite3_prepare_v2(db,
                           "SELECT fouine_fold(''), fouine_cover(article_fts,"
                           " '') FROM article_fts WHERE 0",
                           -1, &probe, NULL) == SQLITE_OK) {
        sqlite3_finalize(probe);
        return FOUINE_OK;
    }
    sqlite3_finalize(probe);
    if (sqlite3_create_function(db, "fouine_fold", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                    SQLITE_INNOCUOUS,
                                NULL, sql_fold, NULL, NULL) != SQLITE_OK) {
        return FOUINE_EDB;
    }
    api = fts5_of(db);
    if (!api ||
        api->xCreateFunction(api, "fouine_cover", NULL, sql_cover, NULL) !=
            SQLITE_OK ||
        api->xCreateFunction(api, "fouine_bm25", NULL, sql_bm25, NULL) !=
            SQLITE_OK ||
        api->xCreateFunction(api, "fouine_bm25f", &bm25f_tag, sql_bm25, NULL) !=
            SQLITE_OK ||
        api->xCreateFunction(api, "fouine_bm25p", &bm25p_tag, sql_bm25, NULL) !=
            SQLITE_OK) {
        return FOUINE_EDB;
    }
    return FOUINE_OK;
}

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

const char *fouine_search_opts_error(const fouine_search_opts *opts)
{
    if (!opts->query) {
        return "no query";
    }
    if (opts->limit < 0 || opts->limit > FOUINE_LIMIT_MAX) {
        return "limit: expected a number from 1 to 1000";
    }
    if (opts->offset < 0) {
        return "offset: expected a number >= 0";
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
    double score;  /* higher is better */
    int comment;   /* only a comment matched */
    char date[32]; /* for ties: ISO date, "" when unknown */
} page_hit;

/* State of one search. */
typedef struct search {
    sqlite3 *db;
    fouine_analyzer *an;
    const fouine_search_opts *opts;
    const fouine_parsed *q;
    char *category; /* folded; owned */
    page_hit *hits; /* owned */
    size_t nhits;
    long long total;
    int proximity; /* rank with fouine_bm25p() (a long query) */
} search;

/* Append the matches CTE m(r, s, c, k): rowid, bm25 (lower is better),
** items held, 1 when from a comment. */
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
    fouine_buf_puts(b, !ranked      ? "0.0, " :
                       s->proximity ? "fouine_bm25p(article_fts, :k1, :b,"
                                      " :lambda, :window, :wt, :wl, :wb), " :
                                      "fouine_bm25(article_fts, :k1, :b, :wt,"
                                      " :wl, :wb), ");
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
                  { ":cat", s->category } };
    size_t i;
    int k;
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        k = sqlite3_bind_parameter_index(stmt, texts[i].name);
        if (k) {
            sqlite3_bind_text(stmt, k, texts[i].text ? texts[i].text : "", -1,
                              SQLITE_STATIC);
        }
    }
    if ((k = sqlite3_bind_parameter_index(stmt, ":wt")) != 0) {
        sqlite3_bind_double(stmt, k, FOUINE_WEIGHT_TITLE);
        sqlite3_bind_double(stmt, sqlite3_bind_parameter_index(stmt, ":wl"),
                            FOUINE_WEIGHT_LEAD);
        sqlite3_bind_double(stmt, sqlite3_bind_parameter_index(stmt, ":wb"),
                            FOUINE_WEIGHT_BODY);
    }
    if ((k = sqlite3_bind_parameter_index(stmt, ":k1")) != 0) {
        sqlite3_bind_double(stmt, k, FOUINE_BM25_K1);
        sqlite3_bind_double(stmt, sqlite3_bind_parameter_index(stmt, ":b"),
                            FOUINE_BM25_B);
    }
    if ((k = sqlite3_bind_parameter_index(stmt, ":lambda")) != 0) {
        sqlite3_bind_double(stmt, k, FOUINE_PROXIMITY_WEIGHT);
        sqlite3_bind_int(stmt, sqlite3_bind_parameter_index(stmt, ":window"),
                         FOUINE_PROXIMITY_WINDOW);
    }
    if ((k = sqlite3_bind_parameter_index(stmt, ":limit")) != 0) {
        sqlite3_bind_int(stmt, k, limit);
    }
    if ((k = sqlite3_bind_parameter_index(stmt, ":offset")) != 0) {
        sqlite3_bind_int(stmt, k, s->opts->offset);
    }
}

/* Whether two scores tie (equal up to rounding). */
static int same_score(double a, double b)
{
    return fabs(a - b) <= 1e-9 * (fabs(a) > 1 ? fabs(a) : 1);
}

/*
** Order hits of equal score newest first.  Only the page is reordered:
** reading the date of every match would cost more than the search (the
** date follows the body in the row), so ties across the page's edge go
** to the later-indexed article.
*/
static int break_ties(search *s)
{
    sqlite3_stmt *stmt = NULL;
    size_t i, k;
    for (i = 0; i + 1 < s->nhits; i++) {
        if (same_score(s->hits[i].score, s->hits[i + 1].score)) {
            break;
        }
    }
    if (i + 1 >= s->nhits) {
        return FOUINE_OK; /* no tie: the usual case */
    }
    if (sqlite3_prepare_v2(s->db, "SELECT date FROM article WHERE rowid = ?1",
                           -1, &stmt, NULL) != SQLITE_OK) {
        return FOUINE_EDB;
    }
    for (i = 0; i < s->nhits; i++) {
        const unsigned char *d;
        sqlite3_bind_int64(stmt, 1, s->hits[i].rowid);
        s->hits[i].date[0] = '\0';
        if (sqlite3_step(stmt) == SQLITE_ROW &&
            (d = sqlite3_column_text(stmt, 0)) != NULL) {
            snprintf(s->hits[i].date, sizeof s->hits[i].date, "%s",
                     (const char *)d);
        }
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    /* Insertion sort: stable, and the page is short. */
    for (i = 1; i < s->nhits; i++) {
        page_hit h = s->hits[i];
        for (k = i; k > 0 && same_score(s->hits[k - 1].score, h.score) &&
                    strcmp(s->hits[k - 1].date, h.date) < 0;
             k--) {
            s->hits[k] = s->hits[k - 1];
        }
        s->hits[k] = h;
    }
    return FOUINE_OK;
}

/* Count the articles matching expr (with the filters) into *total. */
static int count_query(search *s, const char *expr, long long *total)
{
    fouine_buf sql = { 0 };
    sqlite3_stmt *stmt = NULL;
    int rc = FOUINE_EDB, comments = s->opts->comments && !s->q->columns;

    *total = 0;
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
    rc = FOUINE_OK;
done:
    sqlite3_finalize(stmt);
    fouine_free(sql.data);
    return rc;
}

/* Count the matches of expr and fetch one page of them into s; with
** fallback, the articles holding the most items come first. */
static int run_query(search *s, const char *expr, int fallback)
{
    fouine_buf sql = { 0 };
    sqlite3_stmt *stmt = NULL;
    int limit = s->opts->limit > 0 ? s->opts->limit : 10;
    int rc, comments = s->opts->comments && !s->q->columns;
    page_hit *h;

    s->nhits = 0;
    rc = count_query(s, expr, &s->total);
    if (rc != FOUINE_OK || s->total == 0 || s->opts->offset >= s->total) {
        goto done;
    }
    rc = FOUINE_EDB;
    /* The page. */
    sql.len = 0;
    fouine_buf_puts(&sql, "WITH ");
    sql_matches(&sql, s, fallback, 1);
    if (comments) {
        fouine_buf_puts(&sql, ", g(r, s, c, k) AS (SELECT r, min(s), max(c),"
                              " min(k) FROM m GROUP BY r)"
                              " SELECT g.r, -g.s, g.k FROM g");
    } else {
        fouine_buf_puts(&sql, " SELECT m.r, -m.s, m.k FROM m");
    }
    if (need_article(s)) {
        fouine_buf_printf(&sql, " JOIN article a ON a.rowid = %s.r",
                          comments ? "g" : "m");
        sql_filters(&sql, s);
    }
    fouine_buf_puts(&sql, " ORDER BY ");
    if (s->opts->sort == FOUINE_SORT_DATE || !s->q->expr) {
        fouine_buf_puts(&sql, "a.date DESC, ");
    }
    if (fallback) {
        fouine_buf_puts(&sql, comments ? "g.c DESC, " : "m.c DESC, ");
    }
    fouine_buf_puts(&sql, comments ? "g.s, g.r DESC" : "m.s, m.r DESC");
    fouine_buf_puts(&sql, " LIMIT :limit OFFSET :offset");
    if (sql.failed) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    if (sqlite3_prepare_v2(s->db, sql.data, -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    bind_all(stmt, s, expr, limit);
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
    }
    rc = rc == SQLITE_DONE ? FOUINE_OK : FOUINE_EDB;
    if (rc == FOUINE_OK && s->opts->sort == FOUINE_SORT_RANK && s->q->expr) {
        rc = break_ties(s);
    }
done:
    sqlite3_finalize(stmt);
    fouine_free(sql.data);
    return rc;
}

/* JSON array of [start, end] pairs. */
static json_t *spans_json(const fouine_spans *sp)
{
    json_t *a = json_array();
    size_t i;
    for (i = 0; a && i < sp->n; i++) {
        json_array_append_new(a, json_pack("[II]", (json_int_t)sp->at[2 * i],
                                           (json_int_t)sp->at[2 * i + 1]));
    }
    return a;
}

/* Set key to a text column, or null. */
static void set_col(json_t *obj, const char *key, sqlite3_stmt *stmt, int col)
{
    const unsigned char *v = sqlite3_column_text(stmt, col);
    json_object_set_new(obj, key,
                        v ? json_string((const char *)v) : json_null());
}

/* Put the text and the HTML form of a highlighted text into hit. */
static int set_marked(json_t *hit,
                      const char *html_key,
                      const char *text_key,
                      const char *spans_key,
                      char *text,
                      fouine_spans *sp)
{
    json_t *spans = spans_json(sp);
    char *html = NULL;
    int rc = spans ? fouine_render_spans(&html, text, spans, "<mark>",
                                         "</mark>", 1) :
                     FOUINE_ENOMEM;
    if (rc == FOUINE_OK) {
        json_object_set_new(hit, html_key, json_string(html));
        json_object_set_new(hit, text_key, json_string(text));
        json_object_set(hit, spans_key, spans);
    }
    json_decref(spans);
    fouine_free(html);
    return rc;
}

/* Build the JSON object of one hit. */
static int hit_json(json_t **out, search *s, const page_hit *h, size_t chars)
{
    static const char sql[] =
        "SELECT id, title, lead, body, date, category, url, source"
        " FROM article WHERE rowid = ?1";
    static const char comments_sql[] =
        "SELECT group_concat(body, char(10)) FROM comment WHERE article = ?1";
    sqlite3_stmt *stmt = NULL;
    json_t *obj = NULL;
    fouine_buf text = { 0 };
    fouine_spans sp = { 0 };
    char *snip = NULL;
    const char *title, *lead, *body;
    int rc = FOUINE_EDB, found = 0;

    *out = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    sqlite3_bind_int64(stmt, 1, h->rowid);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        goto done;
    }
    obj = json_object();
    if (!obj) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    set_col(obj, "id", stmt, 0);
    title = (const char *)sqlite3_column_text(stmt, 1);
    rc = fouine_snippet(&snip, &sp, &found, s->an, s->q, title ? title : "",
                        title ? strlen(title) : 0, 0);
    if (rc == FOUINE_OK) {
        rc = set_marked(obj, "title", "title_text", "title_highlights", snip,
                        &sp);
    }
    fouine_free(snip);
    snip = NULL;
    fouine_free(sp.at);
    memset(&sp, 0, sizeof sp);
    if (rc != FOUINE_OK) {
        goto done;
    }
    set_col(obj, "date", stmt, 4);
    set_col(obj, "category", stmt, 5);
    set_col(obj, "url", stmt, 6);
    set_col(obj, "path", stmt, 7);
    json_object_set_new(obj, "score", json_real(h->score));
    lead = (const char *)sqlite3_column_text(stmt, 2);
    body = (const char *)sqlite3_column_text(stmt, 3);
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
        rc =
            set_marked(obj, "snippet", "snippet_text", "highlights", snip, &sp);
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    json_object_set_new(obj, "comment", json_boolean(h->comment));
    *out = obj;
    obj = NULL;
done:
    sqlite3_finalize(stmt);
    json_decref(obj);
    fouine_free(text.data);
    fouine_free(snip);
    fouine_free(sp.at);
    return rc;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int fouine_search_json(json_t **out,
                       sqlite3 *db,
                       fouine_analyzer *an,
                       const fouine_search_opts *opts)
{
    search s;
    fouine_parsed q;
    json_t *res = NULL, *list = NULL, *hit = NULL;
    char *suggestion = NULL;
    double t0 = now_ms();
    size_t i, len, chars;
    long long all = 0;
    int rc, fallback = 0, is_long = 0;

    *out = NULL;
    memset(&s, 0, sizeof s);
    memset(&q, 0, sizeof q);
    if (fouine_search_opts_error(opts)) {
        return FOUINE_EINVAL;
    }
    rc = fouine_search_register(db);
    if (rc != FOUINE_OK) {
        goto done;
    }
    len = strlen(opts->query);
    if (len > FOUINE_QUERY_MAX) {
        len = FOUINE_QUERY_MAX;
        while (len > 0 && ((unsigned char)opts->query[len] & 0xC0) == 0x80) {
            len--; /* cut on a character boundary */
        }
    }
    rc = fouine_parse(&q, an, opts->query, len);
    if (rc != FOUINE_OK) {
        goto done;
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
    if (is_long) {
        /* A long query: every article holding any item, by bm25. */
        s.proximity = 1;
        rc = count_query(&s, q.long_all ? q.long_all : q.expr, &all);
        if (rc == FOUINE_OK) {
            fallback = all == 0;
            rc = run_query(&s, q.long_expr ? q.long_expr : q.any_expr, 0);
        }
    } else if (q.expr) {
        rc = run_query(&s, q.expr, 0);
        if (rc == FOUINE_OK && s.total == 0 && q.any_expr) {
            fallback = 1;
            rc = run_query(&s, q.any_expr, 1);
        }
    } else if (q.not_expr) {
        rc = run_query(&s, q.not_expr, 0);
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    res = json_object();
    list = json_array();
    if (!res || !list) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    chars = opts->snippet_chars > 0 ? (size_t)opts->snippet_chars :
                                      FOUINE_SNIPPET_CHARS;
    for (i = 0; i < s.nhits; i++) {
        rc = hit_json(&hit, &s, &s.hits[i], chars);
        if (rc != FOUINE_OK) {
            goto done;
        }
        json_array_append_new(list, hit);
    }
    if (q.nwords && !(is_long && s.total > 0)) {
        /* A question typed as a sentence that found articles is left as
        ** it is: its rarer words are not typos. */
        rc = fouine_suggest(&suggestion, db, an, &q, opts->query, s.total);
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    json_object_set_new(res, "query", json_string(opts->query));
    json_object_set_new(res, "understood", json_string(q.understood));
    json_object_set_new(res, "expression",
                        q.expr     ? json_string(q.expr) :
                        q.not_expr ? json_string(q.not_expr) :
                                     json_null());
    json_object_set_new(res, "fallback", json_boolean(fallback));
    json_object_set_new(res, "total", json_integer(s.total));
    json_object_set_new(res, "offset", json_integer(opts->offset));
    json_object_set_new(res, "limit",
                        json_integer(opts->limit > 0 ? opts->limit : 10));
    json_object_set_new(res, "suggestion",
                        suggestion ? json_string(suggestion) : json_null());
    json_object_set(res, "hits", list);
    json_object_set_new(res, "took_ms", json_real(now_ms() - t0));
    *out = res;
    res = NULL;
done:
    json_decref(res);
    json_decref(list);
    fouine_parsed_clear(&q);
    fouine_free(s.category);
    fouine_free(s.hits);
    fouine_free(suggestion);
    return rc;
}

/* Replace key of hit (HTML) by its plain text with FOUINE_MARK_*. */
static int remark(json_t *hit,
                  const char *key,
                  const char *text_key,
                  const char *spans_key)
{
    const char *text = json_string_value(json_object_get(hit, text_key));
    char *marked = NULL;
    int rc;
    if (!text) {
        return FOUINE_OK;
    }
    rc = fouine_render_spans(&marked, text, json_object_get(hit, spans_key),
                             FOUINE_MARK_OPEN, FOUINE_MARK_CLOSE, 0);
    if (rc == FOUINE_OK) {
        json_object_set_new(hit, key, json_string(marked));
    }
    fouine_free(marked);
    return rc;
}

int fouine_search(json_t **out,
                  sqlite3 *db,
                  fouine_analyzer *an,
                  const fouine_search_opts *opts)
{
    json_t *res = NULL, *hit;
    size_t i;
    int rc;

    *out = NULL;
    rc = fouine_search_json(&res, db, an, opts);
    if (rc != FOUINE_OK) {
        return rc;
    }
    json_array_foreach(json_object_get(res, "hits"), i, hit)
    {
        rc = remark(hit, "title", "title_text", "title_highlights");
        if (rc == FOUINE_OK) {
            rc = remark(hit, "snippet", "snippet_text", "highlights");
        }
        if (rc != FOUINE_OK) {
            json_decref(res);
            return rc;
        }
    }
    *out = res;
    return FOUINE_OK;
}

/* ---- Rendering ---- */

/* Append s[0..n) to b, HTML-escaped when html. */
static void append_text(fouine_buf *b, const char *s, size_t n, int html)
{
    size_t i, from = 0;
    if (!html) {
        fouine_buf_append(b, s, n);
        return;
    }
    for (i = 0; i < n; i++) {
        const char *esc = s[i] == '<' ? "&lt;" :
                          s[i] == '>' ? "&gt;" :
                          s[i] == '&' ? "&amp;" :
                          s[i] == '"' ? "&quot;" :
                                        NULL;
        if (esc) {
            fouine_buf_append(b, s + from, i - from);
            fouine_buf_puts(b, esc);
            from = i + 1;
        }
    }
    fouine_buf_append(b, s + from, n - from);
}

int fouine_render_spans(char **out,
                        const char *text,
                        const json_t *spans,
                        const char *open,
                        const char *close,
                        int html)
{
    fouine_buf b = { 0 };
    size_t n = strlen(text), at = 0, i;
    json_t *span;

    *out = NULL;
    fouine_buf_append(&b, "", 0);
    json_array_foreach(spans, i, span)
    {
        json_int_t s = json_integer_value(json_array_get(span, 0));
        json_int_t e = json_integer_value(json_array_get(span, 1));
        if (s < (json_int_t)at || e <= s || (size_t)e > n) {
            continue;
        }
        append_text(&b, text + at, (size_t)s - at, html);
        fouine_buf_puts(&b, open);
        append_text(&b, text + s, (size_t)(e - s), html);
        fouine_buf_puts(&b, close);
        at = (size_t)e;
    }
    append_text(&b, text + at, n - at, html);
    if (b.failed) {
        fouine_free(b.data);
        return FOUINE_ENOMEM;
    }
    *out = b.data;
    return FOUINE_OK;
}

int fouine_render(char **out, const char *marked, fouine_render_mode mode)
{
    fouine_buf b = { 0 };
    const char *p;

    *out = NULL;
    fouine_buf_append(&b, "", 0);
    for (p = marked; *p; p++) {
        if (*p == FOUINE_MARK_OPEN[0]) {
            fouine_buf_puts(&b, mode == FOUINE_RENDER_ANSI ? "\x1b[1m" :
                                mode == FOUINE_RENDER_HTML ? "<mark>" :
                                                             "");
        } else if (*p == FOUINE_MARK_CLOSE[0]) {
            fouine_buf_puts(&b, mode == FOUINE_RENDER_ANSI ? "\x1b[0m" :
                                mode == FOUINE_RENDER_HTML ? "</mark>" :
                                                             "");
        } else {
            append_text(&b, p, 1, mode == FOUINE_RENDER_HTML);
        }
    }
    if (b.failed) {
        fouine_free(b.data);
        return FOUINE_ENOMEM;
    }
    *out = b.data;
    return FOUINE_OK;
}
