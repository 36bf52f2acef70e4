/*
** facets.c: the facets of a search counted from the rowids of its matches
** alone.  The SQL aggregate fouine_tally(rowid, request) looks each match
** up in a table of every article's category and day that the connection
** keeps (its user data), instead of reading the article's row: a match
** costs an array lookup, not a b-tree search through rows that hold
** whole articles.  The table is made again, in one pass over the
** articles, when the index has changed since it was made (PRAGMA
** data_version for other connections' commits, the connection's own
** count of changes for its writes).  It cannot answer when a date is not
** ISO 8601 (YYYY-MM-DD first) or when rowids are too sparse: the request
** then says so, and the facets are counted in SQL (search_sql.c).
*/
#include "search_int.h"

#include "fouine/alloc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Rowids beyond this many times the articles (and this many more): too
** sparse for a table by rowid. */
#define TALLY_SPARSE 4
#define TALLY_SLACK  4096

/* The pointer type of a request bound to fouine_tally(). */
#define TALLY_POINTER "fouine_tally"

/* Every article's category and day, by rowid. */
struct tally_table {
    int built;             /* made at least once */
    sqlite3_int64 version; /* PRAGMA data_version when made */
    sqlite3_int64 changes; /* the connection's total changes when made */
    int exact;             /* every date could be read: the table answers */
    sqlite3_int64 maxrow;  /* largest rowid */
    int *cat;              /* by rowid: category id, -1 for none */
    int *day;              /* by rowid: YYYYMMDD, 0 for none */
    char **names;          /* the categories, sorted; owned */
    char **folds;          /* the same folded; owned */
    size_t ncats;
    int year0, years; /* the years of the dates: year0 .. +years-1 */
};

/* Release what t holds (t stays). */
static void table_clear(tally_table *t)
{
    size_t i;
    for (i = 0; i < t->ncats; i++) {
        fouine_free(t->names[i]);
        fouine_free(t->folds[i]);
    }
    fouine_free(t->names);
    fouine_free(t->folds);
    fouine_free(t->cat);
    fouine_free(t->day);
    memset(t, 0, sizeof *t);
}

static void table_free(void *p)
{
    if (p) {
        table_clear(p);
        fouine_free(p);
    }
}

/* The day of an ISO 8601 date as YYYYMMDD into *day (0 for NULL); returns
** 0 when the date does not start with YYYY-MM-DD, a month 01 to 12. */
static int read_day(int *day, const char *d)
{
    static const char shape[] = "dddd-dd-dd";
    int i, month;
    *day = 0;
    if (!d) {
        return 1;
    }
    for (i = 0; i < 10; i++) {
        if (shape[i] == 'd' ? (d[i] < '0' || d[i] > '9') : d[i] != '-') {
            return 0;
        }
    }
    month = (d[5] - '0') * 10 + (d[6] - '0');
    if (month < 1 || month > 12) {
        return 0;
    }
    *day = ((((d[0] - '0') * 10 + (d[1] - '0')) * 10 + (d[2] - '0')) * 10 +
            (d[3] - '0')) *
               10000 +
           month * 100 + (d[8] - '0') * 10 + (d[9] - '0');
    return 1;
}

/* Add category name (NULL: none) to t as the next id, if it is not the
** last one added; *id its id (-1 for none). */
static int add_name(tally_table *t, size_t *cap, const char *name, int *id)
{
    char *copy, *folded = NULL;
    int rc;
    *id = -1;
    if (!name) {
        return FOUINE_OK;
    }
    if (t->ncats > 0 && strcmp(t->names[t->ncats - 1], name) == 0) {
        *id = (int)t->ncats - 1;
        return FOUINE_OK;
    }
    if (t->ncats == *cap) {
        size_t more = *cap ? 2 * *cap : 32;
        char **n = fouine_realloc(t->names, more * sizeof *n);
        char **f = n ? fouine_realloc(t->folds, more * sizeof *f) : NULL;
        if (n) {
            t->names = n;
        }
        if (!f) {
            return FOUINE_ENOMEM;
        }
        t->folds = f;
        *cap = more;
    }
    copy = fouine_strdup(name);
    rc = copy ? fouine_fold(&folded, name, strlen(name)) : FOUINE_ENOMEM;
    if (rc != FOUINE_OK) {
        fouine_free(copy);
        return rc;
    }
    t->names[t->ncats] = copy;
    t->folds[t->ncats] = folded;
    *id = (int)t->ncats++;
    return FOUINE_OK;
}

/*
** Make t from the articles of db as the transaction sees them, stamped
** with version and changes.  Returns FOUINE_OK (t->exact says whether it
** can answer), FOUINE_EDB or FOUINE_ENOMEM.
*/
static int table_make(tally_table *t,
                      sqlite3 *db,
                      sqlite3_int64 version,
                      sqlite3_int64 changes)
{
    sqlite3_stmt *stmt = NULL;
    sqlite3_int64 count, i;
    size_t cap = 0;
    int rc = FOUINE_EDB, lo = -1, hi = -1;

    table_clear(t);
    if (sqlite3_prepare_v2(db, "SELECT max(rowid), count(*) FROM article", -1,
                           &stmt, NULL) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW) {
        goto done;
    }
    t->maxrow = sqlite3_column_int64(stmt, 0);
    count = sqlite3_column_int64(stmt, 1);
    sqlite3_finalize(stmt);
    stmt = NULL;
    t->built = 1;
    t->version = version;
    t->changes = changes;
    if (t->maxrow < 0 || t->maxrow > TALLY_SPARSE * count + TALLY_SLACK) {
        rc = FOUINE_OK; /* not exact: counted in SQL */
        goto done;
    }
    t->cat = fouine_malloc((size_t)(t->maxrow + 1) * sizeof *t->cat);
    t->day = fouine_calloc((size_t)(t->maxrow + 1), sizeof *t->day);
    if (!t->cat || !t->day) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    for (i = 0; i <= t->maxrow; i++) {
        t->cat[i] = -1;
    }
    /* In the order of the categories: each gets the next id. */
    if (sqlite3_prepare_v2(db,
                           "SELECT rowid, category, date FROM article"
                           " ORDER BY category",
                           -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    t->exact = 1;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        sqlite3_int64 row = sqlite3_column_int64(stmt, 0);
        const char *name = (const char *)sqlite3_column_text(stmt, 1);
        int id, day;
        rc = add_name(t, &cap, name, &id);
        if (rc != FOUINE_OK) {
            goto done;
        }
        if (row < 0 || row > t->maxrow ||
            !read_day(&day, (const char *)sqlite3_column_text(stmt, 2))) {
            t->exact = 0; /* a date the table cannot hold */
            continue;
        }
        t->cat[row] = id;
        t->day[row] = day;
        if (day && (lo < 0 || day / 10000 < lo)) {
            lo = day / 10000;
        }
        if (day && day / 10000 > hi) {
            hi = day / 10000;
        }
    }
    if (rc != SQLITE_DONE) {
        rc = FOUINE_EDB;
        goto done;
    }
    t->year0 = lo >= 0 ? lo : 0;
    t->years = lo >= 0 ? hi - lo + 1 : 0;
    rc = FOUINE_OK;
done:
    sqlite3_finalize(stmt);
    if (rc != FOUINE_OK) {
        table_clear(t); /* made again by the next search */
    }
    return rc;
}

/* Make t again when the index has changed since it was made (version
** and changes: fouine_search_version()).  Returns as table_make(). */
static int table_fresh(tally_table *t,
                       sqlite3 *db,
                       sqlite3_int64 version,
                       sqlite3_int64 changes)
{
    if (t->built && t->version == version && t->changes == changes) {
        return FOUINE_OK;
    }
    return table_make(t, db, version, changes);
}

/* The month of day YYYYMMDD in the months of t (0 .. 12 * years). */
static size_t month_of(const tally_table *t, int day)
{
    return (size_t)(day / 10000 - t->year0) * 12 + (size_t)(day / 100 % 100) -
           1;
}

/* *match (owned by the caller): by category id of t, whether it is
** category (folded; NULL: none is).  Returns FOUINE_OK or FOUINE_ENOMEM. */
static int match_make(unsigned char **match,
                      const tally_table *t,
                      const char *category)
{
    size_t i;
    *match = fouine_calloc(t->ncats ? t->ncats : 1, 1);
    if (!*match) {
        return FOUINE_ENOMEM;
    }
    for (i = 0; category && i < t->ncats; i++) {
        (*match)[i] = strcmp(t->folds[i], category) == 0;
    }
    return FOUINE_OK;
}

/* Whether day (YYYYMMDD, 0 for none) is within the dates of f. */
static int in_dates(const search_filter *f, int day)
{
    return !f->dated || (day && day >= f->lo && day <= f->hi);
}

/* Start counting request q with table t: its arrays, which categories are
** the options' one.  Returns FOUINE_OK or FOUINE_ENOMEM. */
static int tally_start(facet_tally *q, const tally_table *t)
{
    size_t months = (size_t)t->years * 12;
    q->table = t;
    q->cats = fouine_calloc(t->ncats ? t->ncats : 1, sizeof *q->cats);
    q->months = fouine_calloc(months ? months : 1, sizeof *q->months);
    if (!q->cats || !q->months) {
        return FOUINE_ENOMEM;
    }
    return match_make(&q->match, t, q->f.category);
}

/* The step of fouine_tally(rowid, request): count one match. */
static void tally_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    tally_table *t = sqlite3_user_data(ctx);
    facet_tally *q = sqlite3_value_pointer(argv[1], TALLY_POINTER);
    sqlite3_int64 row = sqlite3_value_int64(argv[0]);
    int cat, day, dates, in_cat;
    (void)argc;
    if (!q || q->rc != FOUINE_OK || q->inexact) {
        return;
    }
    if (!q->table) {
        q->rc = table_fresh(t, sqlite3_context_db_handle(ctx), q->f.version,
                            q->f.changes);
        if (q->rc == FOUINE_OK && !t->exact) {
            q->inexact = 1;
        }
        if (q->rc == FOUINE_OK && !q->inexact) {
            q->rc = tally_start(q, t);
        }
        if (q->rc != FOUINE_OK) {
            /* Not sqlite3_result_error_nomem(): SQLite would take the
            ** connection's transaction for one hit by its own allocation;
            ** the request says why (q->rc). */
            sqlite3_result_error(ctx,
                                 "fouine_tally: the table of the"
                                 " articles could not be made",
                                 -1);
            return;
        }
        if (q->inexact) {
            return;
        }
    }
    if (row < 0 || row > t->maxrow) {
        q->inexact = 1; /* an article the table does not know */
        return;
    }
    cat = t->cat[row];
    day = t->day[row];
    dates = in_dates(&q->f, day);
    in_cat = !q->f.category || (cat >= 0 && q->match[cat]);
    if (dates && cat >= 0) {
        q->cats[cat]++;
    }
    if (in_cat && day) {
        q->months[month_of(t, day)]++;
    }
    if (dates && in_cat) {
        q->total++;
    }
}

static void tally_final(sqlite3_context *ctx)
{
    sqlite3_result_null(ctx);
}

int fouine_function_registered(sqlite3 *db, const char *name)
{
    char probe_sql[96];
    sqlite3_stmt *probe = NULL;
    int found;
    snprintf(probe_sql, sizeof probe_sql, "SELECT %s(0, NULL) WHERE 0", name);
    found = sqlite3_prepare_v2(db, probe_sql, -1, &probe, NULL) == SQLITE_OK;
    sqlite3_finalize(probe);
    return found;
}

int fouine_aggregate_register(sqlite3 *db,
                              const char *name,
                              size_t size,
                              void (*step)(sqlite3_context *,
                                           int,
                                           sqlite3_value **),
                              void (*final)(sqlite3_context *),
                              void (*destroy)(void *))
{
    void *table;
    if (fouine_function_registered(db, name)) {
        return FOUINE_OK; /* with its table */
    }
    table = fouine_calloc(1, size);
    if (!table) {
        return FOUINE_ENOMEM;
    }
    /* The table is released with the function (on failure at once). */
    if (sqlite3_create_function_v2(db, name, 2, SQLITE_UTF8, table, NULL, step,
                                   final, destroy) != SQLITE_OK) {
        return sqlite3_errcode(db) == SQLITE_NOMEM ? FOUINE_ENOMEM : FOUINE_EDB;
    }
    return FOUINE_OK;
}

int fouine_search_version(sqlite3_int64 *version,
                          sqlite3_int64 *changes,
                          sqlite3 *db)
{
    /* The stamps of states that a rollback can undo: each one used once. */
    static _Atomic sqlite3_int64 undoable;
    sqlite3_stmt *stmt = NULL;
    int rc = FOUINE_EDB;
    *version = 0;
    *changes = sqlite3_total_changes64(db);
    if (sqlite3_txn_state(db, "main") == SQLITE_TXN_WRITE) {
        /* Inside a write transaction, what is made may be rolled back
        ** (ROLLBACK, ROLLBACK TO a savepoint) while the version and the
        ** total changes stay: a stamp no other table has, and that no
        ** state after the transaction gives (total changes are never
        ** negative). */
        *changes = -1 - atomic_fetch_add(&undoable, 1);
    }
    if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &stmt, NULL) ==
            SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        *version = sqlite3_column_int64(stmt, 0);
        rc = FOUINE_OK;
    }
    sqlite3_finalize(stmt);
    return rc;
}

static void keep_func(sqlite3_context *ctx, int argc, sqlite3_value **argv);

int fouine_tally_register(sqlite3 *db)
{
    tally_table *table;
    if (fouine_function_registered(db, "fouine_keep")) {
        return FOUINE_OK; /* both, with their table */
    }
    table = fouine_calloc(1, sizeof *table);
    if (!table) {
        return FOUINE_ENOMEM;
    }
    /* The aggregate owns the table (released at once on failure); the
    ** filter shares it.  Should the filter fail to register, the next call
    ** registers both again, the aggregate's old table released. */
    if (sqlite3_create_function_v2(db, "fouine_tally", 2, SQLITE_UTF8, table,
                                   NULL, tally_step, tally_final,
                                   table_free) != SQLITE_OK ||
        sqlite3_create_function_v2(db, "fouine_keep", -1, SQLITE_UTF8, table,
                                   keep_func, NULL, NULL, NULL) != SQLITE_OK) {
        return sqlite3_errcode(db) == SQLITE_NOMEM ? FOUINE_ENOMEM : FOUINE_EDB;
    }
    return FOUINE_OK;
}

/* A bound of the dates, "YYYY", "YYYY-MM" or "YYYY-MM-DD" (valid), as
** YYYYMMDD, the missing digits 0 (or 9 for an upper bound). */
static int bound(const char *d, int upper)
{
    int n = 0;
    size_t i, digits = 0;
    for (i = 0; d[i]; i++) {
        if (d[i] != '-') {
            n = 10 * n + (d[i] - '0');
            digits++;
        }
    }
    for (; digits < 8; digits++) {
        n = 10 * n + (upper ? 9 : 0);
    }
    return n;
}

/* Set f to the filters of s and the index it sees.  Returns FOUINE_OK or
** FOUINE_EDB. */
static int filter_of(search_filter *f, const search *s)
{
    f->category = s->category;
    f->dated = s->opts->since || s->opts->until;
    f->lo = s->opts->since ? bound(s->opts->since, 0) : 0;
    f->hi = s->opts->until ? bound(s->opts->until, 1) : 99999999;
    return fouine_search_version(&f->version, &f->changes, s->db);
}

int fouine_tally_begin(facet_tally *q, const search *s)
{
    memset(q, 0, sizeof *q);
    return filter_of(&q->f, s);
}

int fouine_tally_bind(sqlite3_stmt *stmt, facet_tally *q)
{
    int k = sqlite3_bind_parameter_index(stmt, ":tally");
    return k && sqlite3_bind_pointer(stmt, k, q, TALLY_POINTER, NULL) ==
                       SQLITE_OK ?
               FOUINE_OK :
               FOUINE_EDB;
}

/* Append a row of s: category (copied) or month, count, flags. */
static int add_row(search *s,
                   size_t *cap,
                   const char *category,
                   const char *month,
                   long long count)
{
    facet_row *row;
    if (s->nrows == *cap) {
        size_t more = *cap ? 2 * *cap : 64;
        facet_row *grown = fouine_realloc(s->rows, more * sizeof *grown);
        if (!grown) {
            return FOUINE_ENOMEM;
        }
        s->rows = grown;
        *cap = more;
    }
    row = &s->rows[s->nrows++];
    memset(row, 0, sizeof *row);
    row->count = count;
    row->in_dates = category != NULL; /* a category's count, in the dates */
    row->in_category = month != NULL; /* a month's count, of the category */
    row->category = category ? fouine_strdup(category) : NULL;
    row->month = month ? fouine_strdup(month) : NULL;
    return (category && !row->category) || (month && !row->month) ?
               FOUINE_ENOMEM :
               FOUINE_OK;
}

int fouine_tally_rows(search *s, const facet_tally *q)
{
    const tally_table *t = q->table;
    size_t i, cap = 0;
    int rc = FOUINE_OK;
    fouine_search_rows_free(s);
    for (i = 0; t && rc == FOUINE_OK && i < t->ncats; i++) {
        if (q->cats[i] > 0 && t->names[i][0]) {
            rc = add_row(s, &cap, t->names[i], NULL, q->cats[i]);
        }
    }
    for (i = 0; t && rc == FOUINE_OK && i < (size_t)t->years * 12; i++) {
        if (q->months[i] > 0) {
            char month[16];
            snprintf(month, sizeof month, "%04d-%02d", t->year0 + (int)(i / 12),
                     (int)(i % 12) + 1);
            rc = add_row(s, &cap, NULL, month, q->months[i]);
        }
    }
    return rc;
}

void fouine_tally_clear(facet_tally *q)
{
    fouine_free(q->cats);
    fouine_free(q->months);
    fouine_free(q->match);
    memset(q, 0, sizeof *q);
}

/*
** The filter fouine_keep(rowid, :keep [, counted]): whether the article
** is within the filters of the search (its dates, its category) and, in
** date order, of the days kept (from on), read from the table of the
** connection, not from the article's row: the matches that fail are
** neither ranked nor joined.  With counted non-zero and k->days, a match
** kept is counted by its day.  fouine_keep(-1, :keep) makes the table
** ready and returns whether it answers (fouine_keep_begin()).
*/

/* The slot of day YYYYMMDD in the days of t: 31 a month, 12 months a
** year, in the order of the days. */
static size_t day_slot(const tally_table *t, int day)
{
    int dd = day % 100;
    dd = dd < 1 ? 1 : dd > 31 ? 31 : dd;
    return ((size_t)(day / 10000 - t->year0) * 12 +
            (size_t)(day / 100 % 100 - 1)) *
               31 +
           (size_t)(dd - 1);
}

/* When the category of k (folded) is none of t's, set k->unknown and
** k->closest to the name of t's category nearest to it, if one is within
** the edits of a typing error (fouine_spell_limit()).  Returns FOUINE_OK
** or FOUINE_ENOMEM. */
static int category_check(keep_filter *k, const tally_table *t)
{
    size_t i, n, best = (size_t)-1, limit, d;
    const char *name = NULL;
    if (!k->f.category) {
        return FOUINE_OK;
    }
    for (i = 0; i < t->ncats; i++) {
        if (k->match[i]) {
            return FOUINE_OK;
        }
    }
    k->unknown = 1;
    n = strlen(k->f.category);
    limit = fouine_spell_limit(n);
    for (i = 0; limit > 0 && i < t->ncats; i++) {
        d = fouine_spell_distance(k->f.category, n, t->folds[i],
                                  strlen(t->folds[i]), limit);
        if (d <= limit && d < best) {
            best = d;
            name = t->names[i];
        }
    }
    if (name) {
        k->closest = fouine_strdup(name);
        if (!k->closest) {
            return FOUINE_ENOMEM;
        }
    }
    return FOUINE_OK;
}

/* Make k ready with table t of db: the table fresh, the categories that
** are the options' one (or the closest when none is), the counts by day.
** Returns FOUINE_OK (k->table NULL: the table cannot answer) or as
** table_make(). */
static int keep_start(keep_filter *k, tally_table *t, sqlite3 *db)
{
    int rc = table_fresh(t, db, k->f.version, k->f.changes);
    if (rc == FOUINE_OK && t->exact) {
        rc = match_make(&k->match, t, k->f.category);
    }
    if (rc == FOUINE_OK && t->exact) {
        rc = category_check(k, t);
    }
    if (rc != FOUINE_OK || !t->exact) {
        return rc;
    }
    if (k->by_day) {
        k->nslots = (size_t)t->years * 12 * 31;
        k->days = fouine_calloc(k->nslots ? k->nslots : 1, sizeof *k->days);
        if (!k->days) {
            return FOUINE_ENOMEM;
        }
    }
    k->table = t;
    return FOUINE_OK;
}

static void keep_func(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    tally_table *t = sqlite3_user_data(ctx);
    keep_filter *k =
        argc >= 2 ? sqlite3_value_pointer(argv[1], KEEP_POINTER) : NULL;
    sqlite3_int64 row = argc >= 2 ? sqlite3_value_int64(argv[0]) : 0;
    int cat, day, keep;
    if (!k) {
        sqlite3_result_error(ctx, "fouine_keep: no filter", -1);
        return;
    }
    if (row < 0) {
        k->rc = keep_start(k, t, sqlite3_context_db_handle(ctx));
        sqlite3_result_int(ctx, k->table != NULL);
        return;
    }
    if (!k->table || row > t->maxrow) {
        /* Not made ready, or an article added since: the search fails
        ** rather than filter wrongly. */
        sqlite3_result_error(ctx,
                             "fouine_keep: an article the filter does"
                             " not know",
                             -1);
        return;
    }
    cat = t->cat[row];
    day = t->day[row];
    keep = in_dates(&k->f, day) &&
           (!k->f.category || (cat >= 0 && k->match[cat])) &&
           (!k->from || day >= k->from);
    if (keep && day && k->days && k->counting && argc > 2 &&
        sqlite3_value_int(argv[2])) {
        k->days[day_slot(t, day)]++;
    }
    sqlite3_result_int(ctx, keep);
}

int fouine_keep_begin(keep_filter *k, const search *s)
{
    sqlite3_stmt *stmt = NULL;
    int rc;

    memset(k, 0, sizeof *k);
    k->by_day = s->opts->sort == FOUINE_SORT_DATE;
    rc = fouine_tally_register(s->db);
    if (rc == FOUINE_OK) {
        rc = filter_of(&k->f, s);
    }
    if (rc != FOUINE_OK) {
        return rc;
    }
    if (sqlite3_prepare_v2(s->db, "SELECT fouine_keep(-1, ?1)", -1, &stmt,
                           NULL) != SQLITE_OK ||
        sqlite3_bind_pointer(stmt, 1, k, KEEP_POINTER, NULL) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW) {
        rc = k->rc != FOUINE_OK ? k->rc : FOUINE_EDB;
    } else {
        rc = k->rc;
    }
    sqlite3_finalize(stmt);
    if (rc != FOUINE_OK) {
        fouine_keep_clear(k);
    }
    return rc;
}

int fouine_keep_from(const keep_filter *k, long long want)
{
    const tally_table *t = k->table;
    long long seen = 0;
    size_t i;
    for (i = k->nslots; t && k->days && i-- > 0;) {
        seen += k->days[i];
        if (seen >= want) {
            /* The first day of slot i: its year, month and day (1 takes
            ** 00 as well). */
            int dd = (int)(i % 31) + 1;
            int month = (int)(i / 31 % 12) + 1;
            int year = t->year0 + (int)(i / (31 * 12));
            return year * 10000 + month * 100 + (dd == 1 ? 0 : dd);
        }
    }
    return 0;
}

void fouine_keep_count(keep_filter *k)
{
    if (k->days) {
        memset(k->days, 0, k->nslots * sizeof *k->days);
    }
    k->counting = k->days != NULL;
}

void fouine_keep_clear(keep_filter *k)
{
    fouine_free(k->closest);
    fouine_free(k->match);
    fouine_free(k->days);
    memset(k, 0, sizeof *k);
}
