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
** ones, plus their distinct groups.
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
** fouine_groups(rowid, :groups): set by groups_begin(), filled by the
** counting. */
typedef struct group_count {
    sqlite3_int64 version;    /* PRAGMA data_version in the search */
    sqlite3_int64 changes;    /* the connection's total changes */
    const group_table *table; /* the connection's; not owned */
    long long matches;        /* matches counted */
    sqlite3_int64 *groups;    /* the group of each grouped match; owned */
    size_t ngroups, cap;
    int rc; /* FOUINE_OK, or why the counting failed */
} group_count;

/* The grouped articles of the connection, by rowid. */
struct group_table {
    int built;             /* made at least once */
    sqlite3_int64 version; /* PRAGMA data_version when made */
    sqlite3_int64 changes; /* the connection's total changes when made */
    grouped *rows;         /* sorted by rowid; owned */
    size_t n;
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

/* The step of fouine_groups(rowid, request): count one match. */
static void groups_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    group_table *t = sqlite3_user_data(ctx);
    group_count *q = sqlite3_value_pointer(argv[1], GROUPS_POINTER);
    sqlite3_int64 group;
    (void)argc;
    if (!q || q->rc != FOUINE_OK) {
        return;
    }
    if (!q->table) {
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
            return;
        }
        q->table = t;
    }
    q->matches++;
    group = group_of(t, sqlite3_value_int64(argv[0]));
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

static void groups_final(sqlite3_context *ctx)
{
    sqlite3_result_null(ctx);
}

int fouine_groups_register(sqlite3 *db)
{
    return fouine_aggregate_register(db, "fouine_groups", sizeof(group_table),
                                     groups_step, groups_final, table_free);
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
