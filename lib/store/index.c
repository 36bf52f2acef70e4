/*
** index.c: the fouine_index handle (fouine/index.h): the connection, the
** lexicon sink of a writable index, and the statements that write
** articles, which fouine-index's run (run.c) goes through too.
*/
#include "indexer.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fouine/alloc.h"
#include "fouine/fts5.h"
#include "fouine/index.h"
#include "store.h"

/* The statements of a handle, in the order of index_sql[]. */
enum {
    IX_FIND,
    IX_INSERT,
    IX_UPDATE,
    IX_SET_SOURCE,
    IX_DEL_COMMENTS,
    IX_INS_COMMENT,
    IX_REMOVE,
    IX_GET,
    IX_GET_COMMENTS,
    IX_COUNT_ROWS,
    IX_TOUCH,
    IX_UPDATED,
    IX_CATEGORIES,
    IX_GENERATION,
    IX_COUNT
};

static const char *const index_sql[IX_COUNT] = {
    "SELECT rowid, hash, source FROM article WHERE id = ?1",
    "INSERT INTO article(id, source, title, lead, body, date, category, url,"
    " author, reading_time, hash)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "UPDATE article SET id = ?1, source = ?2, title = ?3, lead = ?4,"
    " body = ?5, date = ?6, category = ?7, url = ?8, author = ?9,"
    " reading_time = ?10, hash = ?11 WHERE rowid = ?12",
    "UPDATE article SET source = ?1 WHERE rowid = ?2",
    "DELETE FROM comment WHERE article = ?1",
    "INSERT INTO comment(article, date, body) VALUES (?1, ?2, ?3)",
    "DELETE FROM article WHERE id = ?1",
    "SELECT rowid, id, title, date, category, url, author, lead, body,"
    " reading_time FROM article WHERE id = ?1",
    "SELECT date, body FROM comment WHERE article = ?1 ORDER BY rowid",
    "SELECT count(*) FROM article",
    /* The time and the generation, one more than the last (none: 0). */
    "INSERT OR REPLACE INTO meta(key, value)"
    " VALUES ('updated', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
    " ('generation', coalesce((SELECT CAST(value AS INTEGER) FROM meta"
    " WHERE key = 'generation'), 0) + 1)",
    "SELECT value FROM meta WHERE key = 'updated'",
    "SELECT category, count(*) FROM article"
    " WHERE category IS NOT NULL AND category <> ''"
    " GROUP BY category ORDER BY count(*) DESC, category LIMIT ?1",
    "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'",
};

/* A reader opened with FOUINE_INDEX_MMAP: bytes of the file mapped, and
** its page cache (negative: KiB). */
#define INDEX_MMAP_SIZE  "1073741824"
#define INDEX_CACHE_SIZE "-16384"

struct fouine_index {
    sqlite3 *db;                  /* owned */
    fouine_lexsink *sink;         /* words for the lexicon, flushed before
                                     each COMMIT; owned (outlives db); NULL
                                     when read only or plain */
    int writable;                 /* opened with FOUINE_INDEX_WRITE */
    int in_txn;                   /* a transaction is open */
    int dirty;                    /* the transaction wrote: its commit
                                     notes the time (meta 'updated') and
                                     one more generation */
    sqlite3_stmt *stmt[IX_COUNT]; /* prepared on first use; owned */
    char *found_source;           /* fouine_index_find()'s; owned */
    fouine_analyzer *an;          /* the searches', made on first use;
                                     owned */
    fouine_near *near;            /* the fingerprinting of the articles
                                     written, at each commit; owned; NULL
                                     when read only or plain */
};

int fouine_index_open(fouine_index **out, const char *path, int flags)
{
    fouine_index *ix;
    int write = (flags & FOUINE_INDEX_WRITE) != 0;
    int rc;

    *out = NULL;
    if (!path ||
        (flags &
         ~(FOUINE_INDEX_WRITE | FOUINE_INDEX_MMAP | FOUINE_INDEX_PLAIN)) != 0 ||
        (write && (flags & FOUINE_INDEX_MMAP))) {
        return FOUINE_EINVAL;
    }
    ix = fouine_calloc(1, sizeof *ix);
    if (!ix) {
        return FOUINE_ENOMEM;
    }
    ix->writable = write;
    rc = fouine_store_open(&ix->db, path,
                           write ? FOUINE_STORE_WRITE : FOUINE_STORE_READ);
    if (rc == FOUINE_OK && write && !(flags & FOUINE_INDEX_PLAIN)) {
        /* A new file has its FTS5 tables open with the "french" of that
        ** connection: open it again, so that they open with the one that
        ** feeds the sink. */
        sqlite3_close(ix->db);
        ix->db = NULL;
        rc = fouine_store_open(&ix->db, path, FOUINE_STORE_WRITE);
        if (rc == FOUINE_OK) {
            rc = fouine_lexsink_new(&ix->sink);
        }
        if (rc == FOUINE_OK) {
            rc = fouine_fts5_register_sink(ix->db, ix->sink);
        }
        if (rc == FOUINE_OK) {
            rc = fouine_near_new(&ix->near, ix->db);
        }
    }
    /* A reader never checkpoints nor deletes the WAL when it closes: it
    ** only reads, and the file it reads may be gone from its name (a
    ** rebuild put another in its place). */
    if (rc == FOUINE_OK && !write &&
        sqlite3_db_config(ix->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL) !=
            SQLITE_OK) {
        rc = FOUINE_EDB;
    }
    /* Mapping is an optimization: an error leaves the reader as it is. */
    if (rc == FOUINE_OK && (flags & FOUINE_INDEX_MMAP) &&
        (sqlite3_exec(ix->db, "PRAGMA mmap_size=" INDEX_MMAP_SIZE, NULL, NULL,
                      NULL) != SQLITE_OK ||
         sqlite3_exec(ix->db, "PRAGMA cache_size=" INDEX_CACHE_SIZE, NULL, NULL,
                      NULL) != SQLITE_OK)) {
        /* still usable */
    }
    if (rc != FOUINE_OK) {
        fouine_index_close(ix);
        return rc;
    }
    *out = ix;
    return FOUINE_OK;
}

void fouine_index_close(fouine_index *ix)
{
    int i;
    if (!ix) {
        return;
    }
    for (i = 0; i < IX_COUNT; i++) {
        sqlite3_finalize(ix->stmt[i]);
    }
    if (ix->db && ix->in_txn) {
        sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
    }
    fouine_near_free(ix->near); /* its statements, before db */
    sqlite3_close(ix->db);
    fouine_lexsink_free(ix->sink); /* after db: its tokenizers point to it */
    fouine_free(ix->found_source);
    fouine_analyzer_free(ix->an);
    fouine_free(ix);
}

int fouine_index_analyzer(fouine_analyzer **out, fouine_index *ix)
{
    *out = NULL;
    if (!ix->an) {
        int rc = fouine_analyzer_new(&ix->an);
        if (rc != FOUINE_OK) {
            return rc;
        }
    }
    *out = ix->an;
    return FOUINE_OK;
}

sqlite3 *fouine_index_db(fouine_index *ix)
{
    return ix->db;
}

fouine_lexsink *fouine_index_sink(fouine_index *ix)
{
    return ix->sink;
}

fouine_near *fouine_index_near(fouine_index *ix)
{
    return ix->near;
}

const char *fouine_index_errmsg(fouine_index *ix)
{
    return sqlite3_errmsg(ix->db);
}

int fouine_index_busy(fouine_index *ix)
{
    return (sqlite3_errcode(ix->db) & 0xff) == SQLITE_BUSY;
}

/* The statement which, reset and cleared of its bindings. */
static FOUINE_WUR int stmt(sqlite3_stmt **out, fouine_index *ix, int which)
{
    *out = NULL;
    if (!ix->stmt[which] &&
        sqlite3_prepare_v3(ix->db, index_sql[which], -1,
                           SQLITE_PREPARE_PERSISTENT, &ix->stmt[which],
                           NULL) != SQLITE_OK) {
        return fouine_store_error(ix->db);
    }
    sqlite3_reset(ix->stmt[which]);
    sqlite3_clear_bindings(ix->stmt[which]);
    *out = ix->stmt[which];
    return FOUINE_OK;
}

/* Run a statement that returns no row, then reset it. */
static FOUINE_WUR int step_done(fouine_index *ix, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) {
        rc = fouine_store_error(ix->db); /* before the reset */
        sqlite3_reset(s);
        return rc;
    }
    sqlite3_reset(s);
    return FOUINE_OK;
}

static FOUINE_WUR int exec(fouine_index *ix, const char *sql)
{
    if (sqlite3_exec(ix->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        return fouine_store_error(ix->db);
    }
    return FOUINE_OK;
}

int fouine_index_begin(fouine_index *ix)
{
    int rc;
    if (ix->in_txn) {
        return FOUINE_EINVAL;
    }
    rc = exec(ix, ix->writable ? "BEGIN IMMEDIATE" : "BEGIN");
    if (rc == FOUINE_OK) {
        ix->in_txn = 1;
        ix->dirty = 0;
    }
    return rc;
}

void fouine_index_touch(fouine_index *ix)
{
    ix->dirty = 1;
}

int fouine_index_commit(fouine_index *ix)
{
    int rc;
    if (!ix->in_txn) {
        return FOUINE_EINVAL;
    }
    if (ix->near) {
        fouine_analyzer *an = NULL;
        rc = fouine_index_analyzer(&an, ix);
        if (rc == FOUINE_OK) {
            rc = fouine_near_flush(ix->near, an);
        }
        if (rc != FOUINE_OK) {
            return rc;
        }
    }
    if (ix->sink) {
        rc = fouine_lexsink_flush(ix->sink, ix->db);
        if (rc != FOUINE_OK) {
            return rc;
        }
    }
    if (ix->dirty) {
        sqlite3_stmt *s;
        rc = stmt(&s, ix, IX_TOUCH);
        if (rc == FOUINE_OK) {
            rc = step_done(ix, s);
        }
        if (rc != FOUINE_OK) {
            return rc;
        }
    }
    rc = exec(ix, "COMMIT");
    if (rc != FOUINE_OK) {
        return rc;
    }
    ix->in_txn = 0;
    ix->dirty = 0;
    if (ix->sink) {
        fouine_lexsink_clear(ix->sink);
    }
    if (ix->near) {
        fouine_near_forget(ix->near);
    }
    return FOUINE_OK;
}

int fouine_index_rollback(fouine_index *ix)
{
    if (!ix->in_txn) {
        return FOUINE_OK;
    }
    ix->in_txn = 0; /* SQLite ends it even when ROLLBACK reports an error */
    return exec(ix, "ROLLBACK");
}

int fouine_index_in_txn(const fouine_index *ix)
{
    return ix->in_txn;
}

void fouine_bind_str(sqlite3_stmt *s, int col, const char *v)
{
    if (v) {
        sqlite3_bind_text(s, col, v, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(s, col);
    }
}

void fouine_bind_article(sqlite3_stmt *s,
                         const fouine_article *a,
                         const char *source,
                         const char *hash)
{
    fouine_bind_str(s, 1, a->id);
    fouine_bind_str(s, 2, source ? source : "");
    fouine_bind_str(s, 3, a->title ? a->title : "");
    fouine_bind_str(s, 4, a->lead ? a->lead : "");
    fouine_bind_str(s, 5, a->body ? a->body : "");
    fouine_bind_str(s, 6, a->date);
    fouine_bind_str(s, 7, a->category);
    fouine_bind_str(s, 8, a->url);
    fouine_bind_str(s, 9, a->author);
    if (a->reading_time > 0) {
        sqlite3_bind_int(s, 10, a->reading_time);
    } else {
        sqlite3_bind_null(s, 10);
    }
    fouine_bind_str(s, 11, hash);
}

int fouine_index_find(int *found,
                      sqlite3_int64 *rowid,
                      char hash[FOUINE_HASH_HEX_SIZE],
                      const char **source,
                      fouine_index *ix,
                      const char *id)
{
    sqlite3_stmt *s;
    int rc = stmt(&s, ix, IX_FIND);

    *found = 0;
    *rowid = 0;
    hash[0] = '\0';
    *source = NULL;
    if (rc != FOUINE_OK) {
        return rc;
    }
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(s, 1);
        const char *src = (const char *)sqlite3_column_text(s, 2);
        *found = 1;
        *rowid = sqlite3_column_int64(s, 0);
        snprintf(hash, FOUINE_HASH_HEX_SIZE, "%s", h ? h : "");
        fouine_free(ix->found_source);
        ix->found_source = NULL;
        if (src && *src) { /* "": written through the API */
            ix->found_source = fouine_strdup(src);
            if (!ix->found_source) {
                sqlite3_reset(s);
                return FOUINE_ENOMEM;
            }
        }
        *source = ix->found_source;
        rc = SQLITE_DONE;
    }
    if (rc != SQLITE_DONE) {
        rc = fouine_store_error(ix->db);
        sqlite3_reset(s);
        return rc;
    }
    sqlite3_reset(s);
    return FOUINE_OK;
}

/* Write the comments of the article at rowid, after removing its old ones
** when it had some. */
static FOUINE_WUR int write_comments(fouine_index *ix,
                                     sqlite3_int64 rowid,
                                     const fouine_article *a,
                                     int had_rows)
{
    sqlite3_stmt *s;
    size_t i;
    int rc = FOUINE_OK;
    if (had_rows) {
        rc = stmt(&s, ix, IX_DEL_COMMENTS);
        if (rc == FOUINE_OK) {
            sqlite3_bind_int64(s, 1, rowid);
            rc = step_done(ix, s);
        }
    }
    for (i = 0; i < a->ncomments && rc == FOUINE_OK; i++) {
        rc = stmt(&s, ix, IX_INS_COMMENT);
        if (rc == FOUINE_OK) {
            sqlite3_bind_int64(s, 1, rowid);
            fouine_bind_str(s, 2, a->comments[i].date);
            fouine_bind_str(s, 3,
                            a->comments[i].body ? a->comments[i].body : "");
            rc = step_done(ix, s);
        }
    }
    return rc;
}

int fouine_index_write(sqlite3_int64 *rowid,
                       fouine_index *ix,
                       const fouine_article *a,
                       const char *source,
                       const char *hash,
                       sqlite3_int64 existing)
{
    sqlite3_stmt *s;
    int rc = stmt(&s, ix, existing ? IX_UPDATE : IX_INSERT);

    *rowid = existing;
    if (rc != FOUINE_OK) {
        return rc;
    }
    fouine_bind_article(s, a, source, hash);
    if (existing) {
        sqlite3_bind_int64(s, 12, existing);
    }
    rc = step_done(ix, s);
    if (rc != FOUINE_OK) {
        return rc;
    }
    ix->dirty = 1;
    if (!existing) {
        *rowid = sqlite3_last_insert_rowid(ix->db);
    }
    return write_comments(ix, *rowid, a, existing != 0);
}

int fouine_index_set_source(fouine_index *ix,
                            sqlite3_int64 rowid,
                            const char *source)
{
    sqlite3_stmt *s;
    int rc = stmt(&s, ix, IX_SET_SOURCE);
    if (rc != FOUINE_OK) {
        return rc;
    }
    fouine_bind_str(s, 1, source ? source : "");
    sqlite3_bind_int64(s, 2, rowid);
    return step_done(ix, s);
}

void fouine_hash_hex(char out[FOUINE_HASH_HEX_SIZE], uint64_t h)
{
    snprintf(out, FOUINE_HASH_HEX_SIZE, "%016" PRIx64, h);
}

/* Whether s is valid UTF-8 (NULL is). */
static FOUINE_WUR int check_utf8(int *valid, const char *s)
{
    char *fixed = NULL;
    size_t len = 0, bad = SIZE_MAX;
    int rc;
    *valid = 1;
    if (!s) {
        return FOUINE_OK;
    }
    rc = fouine_utf8_repair(&fixed, &len, &bad, s, strlen(s));
    fouine_free(fixed);
    *valid = bad == SIZE_MAX;
    return rc;
}

/* FOUINE_OK when a can be written: an id, valid UTF-8, an ISO 8601 date. */
static FOUINE_WUR int check_article(const fouine_article *a)
{
    const char *const fields[] = { a->id,  a->title,  a->date, a->category,
                                   a->url, a->author, a->lead, a->body };
    size_t i;
    int valid = 1, rc = FOUINE_OK;
    if (!a->id || !*a->id) {
        return FOUINE_EINVAL;
    }
    for (i = 0; i < sizeof fields / sizeof *fields && rc == FOUINE_OK && valid;
         i++) {
        rc = check_utf8(&valid, fields[i]);
    }
    for (i = 0; i < a->ncomments && rc == FOUINE_OK && valid; i++) {
        rc = check_utf8(&valid, a->comments[i].body);
        if (rc == FOUINE_OK && valid) {
            rc = check_utf8(&valid, a->comments[i].date);
        }
    }
    if (rc == FOUINE_OK && valid && a->date) {
        char iso[32];
        /* ISO 8601 only: a French date line gives a non-empty iso. */
        valid = !fouine_date_check(iso, sizeof iso, a->date, strlen(a->date)) &&
                iso[0] == '\0';
    }
    return rc != FOUINE_OK ? rc : valid ? FOUINE_OK : FOUINE_EINVAL;
}

/* put (must 0: add or replace) or update (must 1: replace only). */
static FOUINE_WUR int put(int *replaced,
                          fouine_index *ix,
                          const fouine_article *a,
                          int must_exist)
{
    char old[FOUINE_HASH_HEX_SIZE], hex[FOUINE_HASH_HEX_SIZE];
    const char *source = NULL;
    sqlite3_int64 rowid = 0;
    int found = 0, own_txn = 0, rc;

    if (replaced) {
        *replaced = 0;
    }
    if (!ix->writable) {
        return FOUINE_EINVAL;
    }
    rc = check_article(a);
    if (rc == FOUINE_OK && !ix->in_txn) {
        rc = fouine_index_begin(ix);
        own_txn = rc == FOUINE_OK;
    }
    if (rc == FOUINE_OK) {
        rc = fouine_index_find(&found, &rowid, old, &source, ix, a->id);
    }
    if (rc == FOUINE_OK && must_exist && !found) {
        rc = FOUINE_ENOTFOUND;
    }
    if (rc == FOUINE_OK) {
        /* An update keeps the article's source file; a put has none. */
        char *keep = must_exist && source ? fouine_strdup(source) : NULL;
        if (must_exist && source && !keep) {
            rc = FOUINE_ENOMEM;
        } else {
            fouine_hash_hex(hex, fouine_article_hash(a));
            rc = fouine_index_write(&rowid, ix, a, keep, hex, rowid);
        }
        fouine_free(keep);
    }
    if (own_txn) {
        if (rc == FOUINE_OK) {
            rc = fouine_index_commit(ix);
        }
        if (rc != FOUINE_OK && fouine_index_rollback(ix) != FOUINE_OK) {
            /* the write's own error is the one to report */
        }
    }
    if (rc == FOUINE_OK && replaced) {
        *replaced = found;
    }
    return rc;
}

int fouine_index_put(int *replaced, fouine_index *ix, const fouine_article *a)
{
    return put(replaced, ix, a, 0);
}

int fouine_index_update(fouine_index *ix, const fouine_article *a)
{
    return put(NULL, ix, a, 1);
}

int fouine_index_remove(fouine_index *ix, const char *id)
{
    sqlite3_stmt *s;
    int own_txn = 0, rc;
    if (!ix->writable || !id) {
        return FOUINE_EINVAL;
    }
    rc = stmt(&s, ix, IX_REMOVE);
    if (rc == FOUINE_OK && !ix->in_txn) {
        rc = fouine_index_begin(ix);
        own_txn = rc == FOUINE_OK;
    }
    if (rc == FOUINE_OK) {
        sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        rc = step_done(ix, s);
    }
    if (rc == FOUINE_OK && sqlite3_changes(ix->db) == 0) {
        rc = FOUINE_ENOTFOUND;
    }
    if (rc == FOUINE_OK) {
        ix->dirty = 1;
    }
    if (own_txn) {
        if (rc == FOUINE_OK) {
            rc = fouine_index_commit(ix);
        }
        if (rc != FOUINE_OK && fouine_index_rollback(ix) != FOUINE_OK) {
            /* the removal's own error is the one to report */
        }
    }
    return rc;
}

/* A copy of column col of s, or NULL when it is NULL; *rc set to
** FOUINE_ENOMEM when the copy fails. */
static char *column_dup(sqlite3_stmt *s, int col, int *rc)
{
    const char *v = (const char *)sqlite3_column_text(s, col);
    char *copy;
    if (!v) {
        return NULL;
    }
    copy = fouine_strdup(v);
    if (!copy) {
        *rc = FOUINE_ENOMEM;
    }
    return copy;
}

/* The comments of the article at rowid into a. */
static FOUINE_WUR int get_comments(fouine_article *a,
                                   fouine_index *ix,
                                   sqlite3_int64 rowid)
{
    sqlite3_stmt *s;
    size_t cap = 0;
    int rc = stmt(&s, ix, IX_GET_COMMENTS), step;
    if (rc != FOUINE_OK) {
        return rc;
    }
    sqlite3_bind_int64(s, 1, rowid);
    while (rc == FOUINE_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        fouine_comment *c;
        if (a->ncomments == cap) {
            size_t ncap = cap ? 2 * cap : 4;
            c = fouine_realloc(a->comments, ncap * sizeof *c);
            if (!c) {
                rc = FOUINE_ENOMEM;
                break;
            }
            a->comments = c;
            cap = ncap;
        }
        c = &a->comments[a->ncomments++];
        c->date = column_dup(s, 0, &rc);
        c->body = column_dup(s, 1, &rc);
        if (rc == FOUINE_OK && !c->body) {
            c->body = fouine_strdup("");
            rc = c->body ? FOUINE_OK : FOUINE_ENOMEM;
        }
    }
    if (rc == FOUINE_OK && step != SQLITE_DONE) {
        rc = fouine_store_error(ix->db);
    }
    sqlite3_reset(s);
    return rc;
}

int fouine_index_get(fouine_article *out, fouine_index *ix, const char *id)
{
    sqlite3_stmt *s;
    sqlite3_int64 rowid = 0;
    int rc, step;

    memset(out, 0, sizeof *out);
    rc = stmt(&s, ix, IX_GET);
    if (rc != FOUINE_OK) {
        return rc;
    }
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        rowid = sqlite3_column_int64(s, 0);
        out->id = column_dup(s, 1, &rc);
        out->title = column_dup(s, 2, &rc);
        out->date = column_dup(s, 3, &rc);
        out->category = column_dup(s, 4, &rc);
        out->url = column_dup(s, 5, &rc);
        out->author = column_dup(s, 6, &rc);
        out->lead = column_dup(s, 7, &rc);
        out->body = column_dup(s, 8, &rc);
        out->reading_time = sqlite3_column_int(s, 9);
    } else if (step == SQLITE_DONE) {
        rc = FOUINE_ENOTFOUND;
    } else {
        rc = fouine_store_error(ix->db);
    }
    sqlite3_reset(s);
    if (rc == FOUINE_OK) {
        rc = get_comments(out, ix, rowid);
    }
    return rc;
}

int fouine_index_count(long long *out, fouine_index *ix)
{
    sqlite3_stmt *s;
    int rc = stmt(&s, ix, IX_COUNT_ROWS);
    *out = 0;
    if (rc != FOUINE_OK) {
        return rc;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        *out = sqlite3_column_int64(s, 0);
    } else {
        rc = fouine_store_error(ix->db);
    }
    sqlite3_reset(s);
    return rc;
}

/* Into out (size 32), the newer modification time of path and of its WAL
** in ISO 8601 UTC; "" when path cannot be read. */
static void file_stamp(char *out, size_t size, const char *path)
{
    struct stat st, wal;
    struct tm tm;
    char *walpath;
    size_t n;
    time_t t;

    out[0] = '\0';
    if (!path || !*path || stat(path, &st) != 0) {
        return;
    }
    t = st.st_mtime;
    n = strlen(path);
    walpath = fouine_malloc(n + sizeof "-wal");
    if (walpath) {
        memcpy(walpath, path, n);
        memcpy(walpath + n, "-wal", sizeof "-wal");
        /* The WAL file changes first: take the newer of the two. */
        if (stat(walpath, &wal) == 0 && wal.st_mtime > t) {
            t = wal.st_mtime;
        }
        fouine_free(walpath);
    }
    if (!gmtime_r(&t, &tm) ||
        strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        out[0] = '\0';
    }
}

int fouine_index_updated(char **out, fouine_index *ix)
{
    sqlite3_stmt *s;
    char stamp[32];
    int rc = stmt(&s, ix, IX_UPDATED), step;

    *out = NULL;
    stamp[0] = '\0';
    if (rc != FOUINE_OK) {
        return rc;
    }
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        size_t n = v ? strlen(v) : 0;
        if (n == 19 && v[10] == ' ') {
            /* datetime('now') of indexes made before 0.3: "2019-04-16
            ** 08:12:00", UTC */
            snprintf(stamp, sizeof stamp, "%.10sT%sZ", v, v + 11);
        } else if (n > 0 && n < sizeof stamp) {
            memcpy(stamp, v, n + 1);
        }
    } else if (step != SQLITE_DONE) {
        rc = fouine_store_error(ix->db);
    }
    sqlite3_reset(s);
    if (rc != FOUINE_OK) {
        return rc;
    }
    if (!stamp[0]) {
        file_stamp(stamp, sizeof stamp, sqlite3_db_filename(ix->db, "main"));
    }
    if (stamp[0] && !(*out = fouine_strdup(stamp))) {
        return FOUINE_ENOMEM;
    }
    return FOUINE_OK;
}

void fouine_categories_free(fouine_category *c, size_t n)
{
    size_t i;
    for (i = 0; c && i < n; i++) {
        fouine_free(c[i].name);
    }
    fouine_free(c);
}

int fouine_index_categories(fouine_category **out,
                            size_t *n,
                            fouine_index *ix,
                            size_t max)
{
    fouine_category *list = NULL;
    size_t len = 0, cap = 0;
    sqlite3_stmt *s;
    int rc = stmt(&s, ix, IX_CATEGORIES), step;

    *out = NULL;
    *n = 0;
    if (rc != FOUINE_OK) {
        return rc;
    }
    sqlite3_bind_int64(s, 1,
                       max == 0 || max > INT64_MAX ? -1 : (sqlite3_int64)max);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        if (len == cap) {
            size_t more = cap ? 2 * cap : 16;
            fouine_category *grown = fouine_realloc(list, more * sizeof *list);
            if (!grown) {
                rc = FOUINE_ENOMEM;
                goto done;
            }
            list = grown;
            cap = more;
        }
        list[len].count = sqlite3_column_int64(s, 1);
        list[len].name = fouine_strdup(name ? name : "");
        if (!list[len].name) {
            rc = FOUINE_ENOMEM;
            goto done;
        }
        len++;
    }
    if (step != SQLITE_DONE) {
        rc = fouine_store_error(ix->db);
        goto done;
    }
    *out = list;
    *n = len;
    list = NULL;
    len = 0;
done:
    sqlite3_reset(s);
    fouine_categories_free(list, len);
    return rc;
}

int fouine_init_threaded(void)
{
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK ?
               FOUINE_OK :
               FOUINE_EINVAL;
}

int fouine_index_generation(long long *out, fouine_index *ix)
{
    sqlite3_stmt *s;
    int rc = stmt(&s, ix, IX_GENERATION), step;

    *out = 0;
    if (rc != FOUINE_OK) {
        return rc;
    }
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *out = sqlite3_column_int64(s, 0);
    } else if (step != SQLITE_DONE) {
        rc = fouine_store_error(ix->db);
    }
    sqlite3_reset(s);
    return rc;
}
