/*
** collapse.c: the count of a collapsed search, the number of groups of
** duplicates among the matches (an article in no group counting as one),
** without looking every match up in the table near.
**
** Few articles of an archive are in a group of two or more: the
** connection keeps those (their rowids, sorted, each with its group) in
** memory, read from the partial index near_grouped (the members that do
** not lead their group; the leaders are their groups) and made again when
** the index changed (PRAGMA data_version for other connections' commits,
** the connection's total changes for its own).  fouine_groups(rowid,
** :groups), an aggregate over the matches, counts them and notes the
** group of those grouped; the count is the matches, less the grouped
** ones, plus their distinct groups.  fouine_grouped(rowid, :groups), a
** filter that lets every match through, counts them the same way in the
** statement that ranks a page, which then needs no count before it.
*/
#include "search_int.h"

#include "fouine/alloc.h"

#include <stdlib.h>
#include <string.h>

#define GROUPS_POINTER "fouine_groups"

/* An article of a group of two or more. */
typedef struct grouped {
    sqlite3_int64 rowid, group;
} grouped;

/* A count of the groups of duplicates among the matches by
** fouine_groups(rowid, :groups) or fouine_grouped(rowid, :groups): set by
** groups_begin(), filled by the counting. */
struct group_count {
    sqlite3_int64 version;    /* PRAGMA data_version in the search */
    sqlite3_int64 changes;    /* the connection's total changes */
    const group_table *table; /* the connection's; not owned */
    long long matches;        /* matches counted */
    sqlite3_int64 *groups;    /* the group of each grouped match; owned */
    size_t ngroups, cap;
    int plain;  /* matches counted, groups not looked up */
    int sealed; /* counted: later rows are not */
    int rc;     /* FOUINE_OK, or why the counting failed */
};

/* The grouped articles of the connection, by rowid. */
struct group_table {
    int built;             /* made at least once */
    sqlite3_int64 version; /* PRAGMA data_version when made */
    sqlite3_int64 changes; /* the connection's total changes when made */
    grouped *rows;         /* sorted by rowid; owned */
    size_t n;
    size_t leaders; /* the groups: rows that lead their own */
};

static void table_free(void *p)
{
    group_table *t = p;
    if (t) {
        fouine_free(t->rows);
        fouine_free(t);
    }
}

static int by_rowid(const void *a, const void *b)
{
    sqlite3_int64 x = ((const grouped *)a)->rowid;
    sqlite3_int64 y = ((const grouped *)b)->rowid;
    return x < y ? -1 : x > y;
}

static int by_value(const void *a, const void *b)
{
    sqlite3_int64 x = *(const sqlite3_int64 *)a, y = *(const sqlite3_int64 *)b;
    return x < y ? -1 : x > y;
}

/* Append r to the n rows of *rows (room *cap).  Returns FOUINE_OK or
** FOUINE_ENOMEM. */
static int push(grouped **rows, size_t *n, size_t *cap, grouped r)
{
    if (*n == *cap) {
        size_t more = *cap ? 2 * *cap : 64;
        grouped *g = fouine_realloc(*rows, more * sizeof *g);
        if (!g) {
            return FOUINE_ENOMEM;
        }
        *rows = g;
        *cap = more;
    }
    (*rows)[(*n)++] = r;
    return FOUINE_OK;
}

/*
** Make t from the table near of db as the transaction sees it, stamped
** with version and changes: the members that do not lead their group,
** then each group's leader (the group's rowid), sorted by rowid.
** Returns FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM (t then empty).
*/
static int table_make(group_table *t,
                      sqlite3 *db,
                      sqlite3_int64 version,
                      sqlite3_int64 changes)
{
    static const char sql[] = "SELECT rowid, grp FROM near WHERE grp <> rowid";
    sqlite3_stmt *stmt = NULL;
    grouped *rows = NULL;
    size_t n = 0, cap = 0, members, i;
    int rc = FOUINE_EDB, step;

    fouine_free(t->rows);
    t->rows = NULL;
    t->n = 0;
    t->built = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    rc = FOUINE_OK;
    while (rc == FOUINE_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        grouped r;
        r.rowid = sqlite3_column_int64(stmt, 0);
        r.group = sqlite3_column_int64(stmt, 1);
        rc = push(&rows, &n, &cap, r);
    }
    if (rc == FOUINE_OK && step != SQLITE_DONE) {
        rc = FOUINE_EDB;
    }
    /* The leaders: every group a member names, once. */
    members = n;
    for (i = 0; rc == FOUINE_OK && i < members; i++) {
        grouped r;
        r.rowid = r.group = rows[i].group;
        rc = push(&rows, &n, &cap, r);
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (n > 0) {
        size_t out = 1;
        qsort(rows, n, sizeof *rows, by_rowid);
        for (i = 1; i < n; i++) {
            if (rows[i].rowid != rows[out - 1].rowid) {
                rows[out++] = rows[i];
            }
        }
        n = out;
    }
    t->rows = rows;
    t->n = n;
    t->leaders = 0;
    for (i = 0; i < n; i++) {
        t->leaders += rows[i].rowid == rows[i].group;
    }
    rows = NULL;
    t->built = 1;
    t->version = version;
    t->changes = changes;
done:
    sqlite3_finalize(stmt);
    fouine_free(rows);
    return rc;
}

/* The group of the article at rowid in t, or 0 when it is in none. */
static sqlite3_int64 group_of(const group_table *t, sqlite3_int64 rowid)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->rows[mid].rowid < rowid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < t->n && t->rows[lo].rowid == rowid ? t->rows[lo].group : 0;
}

/* Make q->table the table of the connection t, fresh for q's version of
** the index.  Returns FOUINE_OK, or what q->rc says (an error set on
** ctx). */
static int table_ready(sqlite3_context *ctx, group_table *t, group_count *q)
{
    if (q->table) {
        return FOUINE_OK;
    }
    if (!t->built || t->version != q->version || t->changes != q->changes) {
        q->rc = table_make(t, sqlite3_context_db_handle(ctx), q->version,
                           q->changes);
    }
    if (q->rc != FOUINE_OK) {
        /* As fouine_tally(): the request says why (q->rc). */
        sqlite3_result_error(ctx,
                             "fouine_groups: the table of the"
                             " grouped articles could not be made",
                             -1);
        return q->rc;
    }
    q->table = t;
    return FOUINE_OK;
}

/* Count the match at rowid into q (see group_count), the table of the
** connection t made first when q has none; on failure q->rc says why and
** an error is set on ctx. */
static void group_note(sqlite3_context *ctx,
                       group_table *t,
                       group_count *q,
                       sqlite3_int64 rowid)
{
    sqlite3_int64 group;
    if (!q || q->rc != FOUINE_OK || q->sealed) {
        return;
    }
    q->matches++;
    if (q->plain || table_ready(ctx, t, q) != FOUINE_OK) {
        return;
    }
    group = group_of(t, rowid);
    if (group != 0) {
        if (q->ngroups == q->cap) {
            size_t more = q->cap ? 2 * q->cap : 64;
            sqlite3_int64 *g = fouine_realloc(q->groups, more * sizeof *g);
            if (!g) {
                q->rc = FOUINE_ENOMEM;
                sqlite3_result_error(ctx, "fouine_groups: out of memory", -1);
                return;
            }
            q->groups = g;
            q->cap = more;
        }
        q->groups[q->ngroups++] = group;
    }
}

/* The step of fouine_groups(rowid, request): count one match. */
static void groups_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    group_note(ctx, sqlite3_user_data(ctx),
               sqlite3_value_pointer(argv[1], GROUPS_POINTER),
               sqlite3_value_int64(argv[0]));
}

/* fouine_grouped(rowid, request): 1, the match counted (a filter of the
** matches that lets every one through, for the statement of a page). */
static void grouped_func(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    group_count *q = sqlite3_value_pointer(argv[1], GROUPS_POINTER);
    (void)argc;
    group_note(ctx, sqlite3_user_data(ctx), q, sqlite3_value_int64(argv[0]));
    if (!q || q->rc == FOUINE_OK) {
        sqlite3_result_int(ctx, 1);
    }
}

static void groups_final(sqlite3_context *ctx)
{
    sqlite3_result_null(ctx);
}

/* fouine_groups_ready(request): NULL, the table of the connection made
** ready for the request (fouine_groups_begin()). */
static void ready_func(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    group_count *q = sqlite3_value_pointer(argv[0], GROUPS_POINTER);
    (void)argc;
    if (q && q->rc == FOUINE_OK) {
        (void)table_ready(ctx, sqlite3_user_data(ctx), q);
    }
}

int fouine_groups_register(sqlite3 *db)
{
    group_table *t;
    if (fouine_function_registered(db, "fouine_grouped")) {
        return FOUINE_OK; /* both, registered last */
    }
    t = fouine_calloc(1, sizeof *t);
    if (!t) {
        return FOUINE_ENOMEM;
    }
    /* The aggregate owns the table (released at once when it cannot be
    ** registered); the scalar shares it.  Registered again, the aggregate
    ** replaces the one before, whose table goes with it. */
    if (sqlite3_create_function_v2(db, "fouine_groups", 2, SQLITE_UTF8, t, NULL,
                                   groups_step, groups_final,
                                   table_free) != SQLITE_OK ||
        sqlite3_create_function_v2(db, "fouine_groups_ready", 1, SQLITE_UTF8, t,
                                   ready_func, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function_v2(db, "fouine_grouped", 2, SQLITE_UTF8, t,
                                   grouped_func, NULL, NULL,
                                   NULL) != SQLITE_OK) {
        return sqlite3_errcode(db) == SQLITE_NOMEM ? FOUINE_ENOMEM : FOUINE_EDB;
    }
    return FOUINE_OK;
}

/* Start q for a count on db (its version).  Returns FOUINE_OK or
** FOUINE_EDB. */
static int groups_begin(group_count *q, sqlite3 *db)
{
    memset(q, 0, sizeof *q);
    return fouine_search_version(&q->version, &q->changes, db);
}

/* The groups among the matches q counted (an article in none is one). */
static long long groups_total(group_count *q)
{
    size_t i, distinct = 0;
    if (q->ngroups > 0) {
        qsort(q->groups, q->ngroups, sizeof *q->groups, by_value);
        distinct = 1;
        for (i = 1; i < q->ngroups; i++) {
            distinct += q->groups[i] != q->groups[i - 1];
        }
    }
    return q->matches - (long long)q->ngroups + (long long)distinct;
}

int fouine_groups_count(long long *total,
                        long long *matches,
                        sqlite3_stmt *stmt)
{
    group_count q;
    int rc = groups_begin(&q, sqlite3_db_handle(stmt)), k = 0;

    *total = *matches = 0;
    if (rc == FOUINE_OK) {
        k = sqlite3_bind_parameter_index(stmt, ":groups");
        rc = k && sqlite3_bind_pointer(stmt, k, &q, GROUPS_POINTER, NULL) ==
                         SQLITE_OK ?
                 FOUINE_OK :
                 FOUINE_EDB;
    }
    if (rc == FOUINE_OK) {
        rc = sqlite3_step(stmt) == SQLITE_ROW ? q.rc : FOUINE_EDB;
    }
    if (rc == FOUINE_EDB && q.rc == FOUINE_ENOMEM) {
        rc = FOUINE_ENOMEM;
    }
    if (rc == FOUINE_OK) {
        *total = groups_total(&q);
        *matches = q.matches;
    }
    sqlite3_reset(stmt); /* q, bound to it, goes */
    if (k) {
        sqlite3_bind_null(stmt, k);
    }
    fouine_free(q.groups);
    return rc;
}

int fouine_groups_begin(group_count **out, sqlite3 *db, int plain)
{
    group_count *q;
    int rc;
    *out = NULL;
    q = fouine_malloc(sizeof *q);
    if (!q) {
        return FOUINE_ENOMEM;
    }
    rc = groups_begin(q, db);
    if (rc != FOUINE_OK) {
        fouine_free(q);
        return rc;
    }
    q->plain = plain;
    if (!plain) {
        /* The table read now, for fouine_groups_mean(). */
        sqlite3_stmt *stmt = NULL;
        rc = FOUINE_EDB;
        if (sqlite3_prepare_v2(db, "SELECT fouine_groups_ready(?1)", -1, &stmt,
                               NULL) == SQLITE_OK &&
            sqlite3_bind_pointer(stmt, 1, q, GROUPS_POINTER, NULL) ==
                SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW) {
            rc = FOUINE_OK;
        }
        sqlite3_finalize(stmt);
        if (rc != FOUINE_OK || q->rc != FOUINE_OK) {
            rc = q->rc != FOUINE_OK ? q->rc : rc;
            fouine_groups_free(q);
            return rc;
        }
    }
    *out = q;
    return FOUINE_OK;
}

double fouine_groups_mean(const group_count *q)
{
    const group_table *t = q->table;
    return t && t->leaders > 0 ? (double)t->n / (double)t->leaders : 1.0;
}

int fouine_groups_bind(sqlite3_stmt *stmt, group_count *q)
{
    int k = sqlite3_bind_parameter_index(stmt, ":groups");
    return k ? sqlite3_bind_pointer(stmt, k, q, GROUPS_POINTER, NULL) :
               SQLITE_OK;
}

int fouine_groups_take(long long *total, long long *matches, group_count *q)
{
    *total = *matches = 0;
    if (q->sealed || q->rc != FOUINE_OK) {
        return q->sealed ? FOUINE_EINVAL : q->rc;
    }
    q->sealed = 1;
    *total = groups_total(q);
    *matches = q->matches;
    return FOUINE_OK;
}

int fouine_groups_sealed(const group_count *q)
{
    return q->sealed;
}

void fouine_groups_free(group_count *q)
{
    if (q) {
        fouine_free(q->groups);
        fouine_free(q);
    }
}
