/*
** run_rebuild.c: --rebuild, the index made anew beside the old one and
** put in its place when complete (see README).
*/
#include "html.h"
#include "indexer.h"
#include "run_int.h"

#include "fouine/alloc.h"
#include "fouine/buf.h"
#include "fouine/fts5.h"

#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int fouine_run_removable_index(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int ok = 0;
    if (fouine_store_foreign(path) ||
        sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT count(*), sum(name = 'article_fts')"
                           " FROM sqlite_schema",
                           -1, &s, NULL) != SQLITE_OK) {
        goto done;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        ok = sqlite3_column_int(s, 0) == 0 || sqlite3_column_int(s, 1) == 1;
    }
done:
    sqlite3_finalize(s);
    sqlite3_close(db);
    return ok;
}

FOUINE_WUR int fouine_run_remove_index(run *r)
{
    static const char *const suffixes[] = { "-wal", "-shm", "" };
    char name[4096];
    struct stat st;
    size_t i;
    if (stat(r->opt->index, &st) != 0) {
        return FOUINE_OK;
    }
    if (!fouine_run_removable_index(r->opt->index)) {
        fouine_run_say(r, 0,
                       "%s: not a fouine index: --rebuild leaves it alone",
                       r->opt->index);
        return FOUINE_ESCHEMA;
    }
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        int n = snprintf(name, sizeof name, "%s%s", r->opt->index, suffixes[i]);
        if (n < 0 || (size_t)n >= sizeof name) {
            /* A cut name could be another file: remove nothing. */
            fouine_run_say(r, 0, "%s: path too long for --rebuild",
                           r->opt->index);
            return FOUINE_EINVAL;
        }
        if (unlink(name) != 0 && errno != ENOENT) {
            fouine_run_say(r, 0, "%s: cannot remove it: %s", name,
                           strerror(errno));
            return FOUINE_EIO;
        }
    }
    return FOUINE_OK;
}

/*
** --rebuild of an index that exists.  The new index is built beside it, in
** INDEX.rebuild (one left there by a killed run is removed first), and
** only once complete does it replace the articles of the index, by SQLite's
** backup in one write transaction on the index itself: readers
** (fouine-serve, fouine-query) see the old articles until that transaction
** commits, then the new ones, never a half-built index nor a mix, and
** another fouine-index waits for the copy as for any transaction.  The
** index file is written in place, never replaced by a rename: SQLite finds
** a database's -wal and -shm files by name, so a process that still had
** the old file open would share them with the new file (its wal-index
** describes another database, and a writer of the old file closing last
** deletes them).  A rebuild stopped by a signal or an error leaves the
** index as it was.
*/
#define REBUILD_SUFFIX  ".rebuild"
#define REBUILD_BUSY_MS 10000 /* wait for other writers of the index */

/* Give the rebuilt index src the generation of the index dst it replaces,
** plus one (fouine_index_generation(): the copy is one more commit), so
** that the generation never goes back.  @return SQLITE_OK or an error */
static int carry_generation(sqlite3 *src, sqlite3 *dst)
{
    sqlite3_stmt *s = NULL;
    sqlite3_int64 g = 0;
    int rc;
    /* An old index without one (or an empty file, without meta): 0. */
    if (sqlite3_prepare_v2(dst,
                           "SELECT CAST(value AS INTEGER) FROM meta"
                           " WHERE key = 'generation'",
                           -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        g = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    s = NULL;
    rc = sqlite3_prepare_v2(src,
                            "INSERT OR REPLACE INTO meta(key, value)"
                            " VALUES ('generation', ?1)",
                            -1, &s, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, g + 1);
        rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(src);
    }
    sqlite3_finalize(s);
    return rc;
}

/* Copy the complete index at from over the index at to. */
static FOUINE_WUR int copy_over(run *r, const char *from, const char *to)
{
    sqlite3 *src = NULL, *dst = NULL;
    sqlite3_backup *b = NULL;
    int rc = FOUINE_EDB, step, finish;
    if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fouine_run_say(r, 0, "%s: cannot read the rebuilt index: %s", from,
                       sqlite3_errmsg(src));
        goto done;
    }
    if (sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fouine_run_say(r, 0,
                       "%s: cannot open it to write the rebuilt index: %s", to,
                       sqlite3_errmsg(dst));
        goto done;
    }
    sqlite3_busy_timeout(dst, REBUILD_BUSY_MS);
    if (carry_generation(src, dst) != SQLITE_OK) {
        fouine_run_say(r, 0,
                       "%s: cannot note the rebuilt index's generation: %s",
                       from, sqlite3_errmsg(src));
        goto done;
    }
    b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        fouine_run_say(r, 0, "%s: cannot write the rebuilt index: %s", to,
                       sqlite3_errmsg(dst));
        goto done;
    }
    step = sqlite3_backup_step(b, -1); /* every page, one transaction */
    finish = sqlite3_backup_finish(b);
    if (step != SQLITE_DONE || finish != SQLITE_OK) {
        fouine_run_say(
            r, 0, "%s: cannot write the rebuilt index: %s (it is unchanged)",
            to, sqlite3_errmsg(dst));
        rc = step == SQLITE_NOMEM ? FOUINE_ENOMEM : FOUINE_EDB;
        goto done;
    }
    /* Give back the room the copy took in the WAL, unless readers still
    ** use it: then it is reused by the next writes. */
    if (sqlite3_exec(dst, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
                     NULL) != SQLITE_OK) {
        fouine_run_say(r, 2, "%s: WAL kept: %s", to, sqlite3_errmsg(dst));
    }
    rc = FOUINE_OK;
done:
    sqlite3_close(src);
    sqlite3_close(dst);
    return rc;
}

FOUINE_WUR int fouine_run_rebuild_beside(fouine_run_stats *out,
                                         const fouine_run_options *opt)
{
    fouine_run_options beside = *opt;
    char tmp[4096];
    double start;
    run t; /* for fouine_run_say() and fouine_run_remove_index() on the new file */
    int rc, n;

    memset(out, 0, sizeof *out);
    memset(&t, 0, sizeof t);
    t.opt = opt;
    pthread_mutex_init(&t.lock, NULL);
    if (!fouine_run_removable_index(opt->index)) {
        fouine_run_say(&t, 0,
                       "%s: not a fouine index: --rebuild leaves it alone",
                       opt->index);
        rc = FOUINE_ESCHEMA;
        goto done;
    }
    n = snprintf(tmp, sizeof tmp, "%s" REBUILD_SUFFIX, opt->index);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        fouine_run_say(&t, 0, "%s: path too long for --rebuild", opt->index);
        rc = FOUINE_EINVAL;
        goto done;
    }
    beside.index = tmp;
    t.opt = &beside;
    rc = fouine_run_remove_index(&t);
    if (rc == FOUINE_OK) {
        rc = fouine_index_run(out, &beside); /* tmp is absent: a new index */
    }
    if (rc == FOUINE_OK && out->interrupted) {
        fouine_run_say(&t, 0, "%s: rebuild stopped: the index is unchanged",
                       opt->index);
    } else if (rc == FOUINE_OK) {
        start = fouine_run_now();
        rc = copy_over(&t, tmp, opt->index);
        out->seconds += fouine_run_now() - start;
    }
    if (fouine_run_remove_index(&t) != FOUINE_OK && rc == FOUINE_OK) {
        rc = FOUINE_EIO;
    }
done:
    pthread_mutex_destroy(&t.lock);
    return rc;
}
