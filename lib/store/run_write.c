/*
** run_write.c: the writer of an indexing run (see run.c): messages
** turned into rows through the index handle, in large transactions; the
** articles of files gone removed; the FTS5 segments merged.
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

/*
** FTS5 settings during a run.  FTS5 flushes its pending terms to a new
** segment every 'hashsize' bytes (1 MB by default): larger, fewer segments
** mean less merging.  Automatic merges are off while the run writes (at
** most 'crisismerge' segments a level still force one), and the run ends
** with one merge of everything ('optimize') or a small one, then turns
** them back on.  The settings are kept in the index; readers do not mind.
*/
#define FTS_LOAD_SQL                                                           \
    "INSERT INTO article_fts(article_fts, rank) VALUES ('hashsize', 8388608);" \
    "INSERT INTO article_fts(article_fts, rank) VALUES ('automerge', 0);"
#define FTS_OPTIMIZE_SQL                                        \
    "INSERT INTO article_fts(article_fts) VALUES ('optimize');" \
    "INSERT INTO comment_fts(comment_fts) VALUES ('optimize');"
#define FTS_MERGE_SQL \
    "INSERT INTO article_fts(article_fts, rank) VALUES ('merge', 64);"
#define FTS_AUTOMERGE_SQL \
    "INSERT INTO article_fts(article_fts, rank) VALUES ('automerge', 4);"

static const char *const writer_sql[W_COUNT] = {
    "INSERT OR IGNORE INTO temp.touched(rowid) VALUES (?1)",
    "DELETE FROM article WHERE source = ?1"
    " AND rowid NOT IN (SELECT rowid FROM temp.touched)",
    "DELETE FROM temp.touched",
    "INSERT OR REPLACE INTO source(path, size, mtime, hash, articles)"
    " VALUES (?1, ?2, ?3, ?4, (SELECT count(*) FROM article"
    " WHERE source = ?1))",
    "UPDATE source SET size = ?2, mtime = ?3 WHERE path = ?1",
    "INSERT OR IGNORE INTO temp.seen(path) VALUES (?1)",
    "SELECT path FROM source WHERE path > ?1 AND path < ?2"
    " AND path NOT IN (SELECT path FROM temp.seen)"
    " UNION SELECT source FROM article WHERE source > ?1 AND source < ?2"
    " AND source NOT IN (SELECT path FROM temp.seen)"
    " UNION SELECT source FROM duplicate WHERE source > ?1 AND source < ?2"
    " AND source NOT IN (SELECT path FROM temp.seen)",
    "DELETE FROM source WHERE path = ?1",
    /* Duplicates: an article as a second source gives it. */
    "SELECT rowid, hash FROM duplicate WHERE id = ?1 AND source = ?2",
    "INSERT INTO duplicate(id, source, title, lead, body, date, category,"
    " url, author, reading_time, hash)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "UPDATE duplicate SET id = ?1, source = ?2, title = ?3, lead = ?4,"
    " body = ?5, date = ?6, category = ?7, url = ?8, author = ?9,"
    " reading_time = ?10, hash = ?11 WHERE rowid = ?12",
    "DELETE FROM duplicate_comment WHERE duplicate = ?1",
    "INSERT INTO duplicate_comment(duplicate, date, body)"
    " VALUES (?1, ?2, ?3)",
    "INSERT OR IGNORE INTO temp.touched_dup(rowid) VALUES (?1)",
    "DELETE FROM duplicate WHERE source = ?1"
    " AND rowid NOT IN (SELECT rowid FROM temp.touched_dup)",
    "DELETE FROM temp.touched_dup",
    "DELETE FROM duplicate WHERE id = ?1 AND source = ?2",
    "DELETE FROM duplicate WHERE source = ?1",
    "INSERT OR REPLACE INTO temp.conflict(dup, path, line)"
    " VALUES (?1, ?2, ?3)",
    "SELECT c.path, c.line, d.id, a.source FROM temp.conflict c"
    " JOIN duplicate d ON d.rowid = c.dup JOIN article a ON a.id = d.id"
    " ORDER BY c.rowid",
    /* Taking over the articles a source no longer gives: each from its
    ** oldest duplicate whose file is not gone (fouine_gone(), see
    ** gone_sql()). */
    "INSERT INTO temp.retake(article, dup) SELECT * FROM (SELECT a.rowid,"
    " (SELECT d.rowid FROM duplicate d WHERE d.id = a.id"
    " AND NOT fouine_gone(d.source) ORDER BY d.rowid LIMIT 1) AS dup"
    " FROM article a WHERE a.source = ?1"
    " AND a.rowid NOT IN (SELECT rowid FROM temp.touched)"
    " AND a.id IN (SELECT id FROM duplicate)) WHERE dup IS NOT NULL",
    "SELECT d.id, d.source FROM temp.retake t"
    " JOIN duplicate d ON d.rowid = t.dup",
    "UPDATE source SET articles = articles + (SELECT count(*)"
    " FROM temp.retake t JOIN duplicate d ON d.rowid = t.dup"
    " WHERE d.source = source.path) WHERE path IN (SELECT d.source"
    " FROM temp.retake t JOIN duplicate d ON d.rowid = t.dup)",
    "UPDATE article SET (source, title, lead, body, date, category, url,"
    " author, reading_time, hash) = (SELECT d.source, d.title, d.lead,"
    " d.body, d.date, d.category, d.url, d.author, d.reading_time, d.hash"
    " FROM temp.retake t JOIN duplicate d ON d.rowid = t.dup"
    " WHERE t.article = article.rowid)"
    " WHERE rowid IN (SELECT article FROM temp.retake)",
    "DELETE FROM comment WHERE article IN (SELECT article FROM temp.retake)",
    "INSERT INTO comment(article, date, body) SELECT t.article, c.date,"
    " c.body FROM temp.retake t JOIN duplicate_comment c"
    " ON c.duplicate = t.dup ORDER BY c.rowid",
    "DELETE FROM duplicate WHERE rowid IN (SELECT dup FROM temp.retake)",
    "DELETE FROM temp.retake",
    /* Roots of the ids. */
    "SELECT path FROM root", "INSERT OR IGNORE INTO root(path) VALUES (?1)",
    "DELETE FROM root WHERE path > ?1 AND path < ?2",
    "UPDATE source SET size = -1, mtime = -1, hash = NULL"
    " WHERE path > ?1 AND path < ?2"
    " AND path NOT LIKE '%.json' AND path NOT LIKE '%.jsonl'",
    /* The articles held back (fouine_run_flush()). */
    "SELECT 1 FROM temp.batch WHERE id = ?1",
    "INSERT INTO temp.batch(id, source, title, lead, body, date, category,"
    " url, author, reading_time, hash)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "INSERT INTO temp.batch_comment(id, date, body) VALUES (?1, ?2, ?3)",
    "INSERT INTO temp.batch_source(path, size, mtime, hash)"
    " VALUES (?1, ?2, ?3, ?4)",
    "INSERT INTO article(id, source, title, lead, body, date, category, url,"
    " author, reading_time, hash) SELECT id, source, title, lead, body, date,"
    " category, url, author, reading_time, hash FROM temp.batch"
    " ORDER BY rowid",
    "INSERT INTO comment(article, date, body) SELECT a.rowid, c.date, c.body"
    " FROM temp.batch_comment c JOIN article a ON a.id = c.id"
    " ORDER BY c.rowid",
    "INSERT OR REPLACE INTO source(path, size, mtime, hash, articles)"
    " SELECT path, size, mtime, hash, (SELECT count(*) FROM article"
    " WHERE source = b.path) FROM temp.batch_source b ORDER BY b.rowid",
    "DELETE FROM temp.batch", "DELETE FROM temp.batch_comment",
    "DELETE FROM temp.batch_source"
};

/*
** Writer side.
*/

/* Report an SQLite error of the writer. */
static FOUINE_WUR int db_error(run *r, writer *w, const char *what)
{
    int rc = fouine_store_error(w->db); /* before another call on db */
    fouine_run_say(r, 0, "%s: cannot write the index (%s): %s", r->opt->index,
                   what, sqlite3_errmsg(w->db));
    return rc;
}

FOUINE_WUR int fouine_run_exec(run *r, writer *w, const char *sql)
{
    if (sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        return db_error(r, w, sql);
    }
    return FOUINE_OK;
}

FOUINE_WUR int fouine_run_begin(run *r, writer *w)
{
    int rc;
    if (fouine_index_in_txn(w->ix)) {
        return FOUINE_OK;
    }
    rc = fouine_index_begin(w->ix);
    if (rc != FOUINE_OK) {
        return rc == FOUINE_ENOMEM ? rc : db_error(r, w, "BEGIN IMMEDIATE");
    }
    w->txn_articles = 0;
    w->txn_bytes = 0;
    w->txn_start = fouine_run_now();
    return FOUINE_OK;
}

FOUINE_WUR int fouine_run_commit(run *r, writer *w)
{
    int rc;
    if (!fouine_index_in_txn(w->ix)) {
        return FOUINE_OK;
    }
    rc = fouine_run_flush(r, w);
    if (rc != FOUINE_OK) {
        return rc;
    }
    rc = fouine_index_commit(w->ix);
    if (rc != FOUINE_OK) {
        return rc == FOUINE_ENOMEM ? rc : db_error(r, w, "COMMIT");
    }
    return FOUINE_OK;
}

/* Run a statement that returns no row, then reset it. */
static FOUINE_WUR int step_done(run *r, writer *w, int which)
{
    sqlite3_stmt *s = w->stmt[which];
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        return db_error(r, w, writer_sql[which]);
    }
    return FOUINE_OK;
}

/* Free the messages held back and forget them (their rows in the temporary
** tables are the caller's to delete). */
static void drop_batch(writer *w)
{
    msg *m = w->batch, *next;
    for (; m; m = next) {
        next = m->next;
        fouine_run_free_msg(m);
    }
    w->batch = w->batch_tail = NULL;
    w->batch_bytes = 0;
    w->batch_sources = 0;
}

/* Whether an article of this id is held back. */
static FOUINE_WUR int held_back(int *held, run *r, writer *w, const char *id)
{
    sqlite3_stmt *s = w->stmt[W_BATCH_HAS];
    int step;
    *held = 0;
    if (!w->batch) {
        return FOUINE_OK;
    }
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    step = sqlite3_step(s);
    sqlite3_reset(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        return db_error(r, w, writer_sql[W_BATCH_HAS]);
    }
    *held = step == SQLITE_ROW;
    return FOUINE_OK;
}

/* Write the comments of a duplicate (after removing its old ones). */
static FOUINE_WUR int write_dup_comments(run *r,
                                         writer *w,
                                         sqlite3_int64 rowid,
                                         const fouine_article *a,
                                         int had_rows)
{
    size_t i;
    int rc = FOUINE_OK;
    if (had_rows) {
        sqlite3_bind_int64(w->stmt[W_DUP_DEL_COMMENTS], 1, rowid);
        rc = step_done(r, w, W_DUP_DEL_COMMENTS);
    }
    for (i = 0; i < a->ncomments && rc == FOUINE_OK; i++) {
        sqlite3_stmt *s = w->stmt[W_DUP_INS_COMMENT];
        sqlite3_bind_int64(s, 1, rowid);
        fouine_bind_str(s, 2, a->comments[i].date);
        fouine_bind_str(s, 3, a->comments[i].body);
        rc = step_done(r, w, W_DUP_INS_COMMENT);
    }
    return rc;
}

/* Whether path is, or lies under, one of the paths that could not be read
** (fouine_inputs.blind). */
static int under_blind(const run *r, const char *path)
{
    size_t i;
    for (i = 0; i < r->in.nblind; i++) {
        if (fouine_path_under(path, r->in.blind[i])) {
            return 1;
        }
    }
    return 0;
}

int fouine_run_by_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int fouine_run_source_gone(const run *r, const char *key)
{
    size_t i;
    int walked = 0;
    if (r->opt->no_delete || under_blind(r, key)) {
        return 0;
    }
    for (i = 0; i < r->in.nroots && !walked; i++) {
        walked = fouine_path_under(key, r->in.roots[i]);
    }
    return walked &&
           (r->in.nfiles == 0 || !bsearch(&key, r->keys, r->in.nfiles,
                                          sizeof *r->keys, fouine_run_by_key));
}

/* SQL fouine_gone(path): fouine_run_source_gone() for the statements of the writer
** (user data: the run). */
static void gone_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const run *r = sqlite3_user_data(ctx);
    const char *key = (const char *)sqlite3_value_text(argv[0]);
    (void)argc;
    sqlite3_result_int(ctx, key && fouine_run_source_gone(r, key));
}

/*
** Keep aside an article whose id another source holds: write or refresh
** its duplicate, and note the conflict (reported at the end of the run,
** if the other source still holds the id then).
*/
static FOUINE_WUR int write_duplicate(run *r,
                                      writer *w,
                                      const msg *m,
                                      const char *hex)
{
    const fouine_input *f = &r->in.files[m->file];
    sqlite3_stmt *s = w->stmt[W_DUP_FIND];
    sqlite3_int64 rowid = 0;
    int found = 0, same = 0, rc;

    sqlite3_bind_text(s, 1, m->a.id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, f->key, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(s, 1);
        found = 1;
        rowid = sqlite3_column_int64(s, 0);
        same = h && strcmp(h, hex) == 0;
        rc = SQLITE_DONE;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        return db_error(r, w, writer_sql[W_DUP_FIND]);
    }
    rc = FOUINE_OK;
    if (!found) {
        fouine_bind_article(w->stmt[W_DUP_INSERT], &m->a, f->key, hex);
        rc = step_done(r, w, W_DUP_INSERT);
        rowid = sqlite3_last_insert_rowid(w->db);
    } else if (!same) {
        s = w->stmt[W_DUP_UPDATE];
        fouine_bind_article(s, &m->a, f->key, hex);
        sqlite3_bind_int64(s, 12, rowid);
        rc = step_done(r, w, W_DUP_UPDATE);
    }
    if (rc == FOUINE_OK && !same) {
        rc = write_dup_comments(r, w, rowid, &m->a, found);
    }
    if (rc == FOUINE_OK) {
        sqlite3_bind_int64(w->stmt[W_DUP_TOUCH], 1, rowid);
        rc = step_done(r, w, W_DUP_TOUCH);
    }
    if (rc == FOUINE_OK) {
        s = w->stmt[W_CONFLICT];
        sqlite3_bind_int64(s, 1, rowid);
        sqlite3_bind_text(s, 2, f->path, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, m->lineno);
        rc = step_done(r, w, W_CONFLICT);
    }
    w->txn_articles++;
    w->txn_bytes += m->bytes;
    return rc;
}

/* Write one article: insert, update, or leave it when unchanged. */
/*
** Hold a new article back (see fouine_run_flush()): its row into
** temp.batch, its comments into temp.batch_comment, the message kept by
** the writer; written when the batch holds BATCH_BYTES of text.
*/
static FOUINE_WUR int hold_back(run *r, writer *w, msg *m, const char *hex)
{
    const fouine_input *f = &r->in.files[m->file];
    const fouine_article *a = &m->a;
    size_t i;
    int rc;

    fouine_bind_article(w->stmt[W_BATCH_ADD], a, f->key, hex);
    rc = step_done(r, w, W_BATCH_ADD);
    for (i = 0; i < a->ncomments && rc == FOUINE_OK; i++) {
        sqlite3_stmt *s = w->stmt[W_BATCH_ADD_COMMENT];
        sqlite3_bind_text(s, 1, a->id, -1, SQLITE_STATIC);
        fouine_bind_str(s, 2, a->comments[i].date);
        fouine_bind_str(s, 3, a->comments[i].body ? a->comments[i].body : "");
        rc = step_done(r, w, W_BATCH_ADD_COMMENT);
    }
    if (rc != FOUINE_OK) {
        return rc;
    }
    m->next = NULL;
    if (w->batch_tail) {
        w->batch_tail->next = m;
    } else {
        w->batch = m;
    }
    w->batch_tail = m;
    w->batch_bytes += fouine_run_slen(a->title) + fouine_run_slen(a->lead) +
                      fouine_run_slen(a->body);
    for (i = 0; i < a->ncomments; i++) {
        w->batch_bytes += fouine_run_slen(a->comments[i].body);
    }
    return FOUINE_OK;
}

/* Write one article: insert (maybe held back: *kept set), update, or
** leave it when unchanged. */
static FOUINE_WUR int write_article(run *r, writer *w, msg *m, int *kept)
{
    const fouine_input *f = &r->in.files[m->file];
    const fouine_article *a = &m->a;
    const char *const texts[3] = { a->title, a->lead, a->body };
    const char *src = NULL;
    sqlite3_stmt *s;
    sqlite3_int64 rowid = 0;
    char hex[FOUINE_HASH_HEX_SIZE], old[FOUINE_HASH_HEX_SIZE];
    int found = 0, same_source = 0, conflict = 0, held = 0, rc;

    fouine_hash_hex(hex, m->hash);
    /* An id held back is looked up once written. */
    rc = held_back(&held, r, w, a->id);
    if (rc == FOUINE_OK && held) {
        rc = fouine_run_flush(r, w);
    }
    if (rc != FOUINE_OK) {
        return rc;
    }
    rc = fouine_index_find(&found, &rowid, old, &src, w->ix, a->id);
    if (rc != FOUINE_OK) {
        return rc == FOUINE_ENOMEM ? rc : db_error(r, w, "article lookup");
    }
    if (!found && !m->known) {
        /* A new article of a new file: nothing else to check or touch. */
        rc = hold_back(r, w, m, hex);
        if (rc == FOUINE_OK) {
            *kept = 1;
            r->st->comments += (long)a->ncomments;
            r->st->indexed++;
            fouine_run_say(r, 2, "indexed %s (%s)", a->id, f->path);
            w->file_articles++;
            w->txn_articles++;
            w->txn_bytes += m->bytes;
        }
        if (rc == FOUINE_OK && w->batch_bytes >= BATCH_BYTES) {
            rc = fouine_run_flush(r, w);
        }
        return rc;
    }
    /* Anything else is written in the order of the messages. */
    rc = fouine_run_flush(r, w);
    if (rc != FOUINE_OK) {
        return rc;
    }
    if (found) {
        same_source = src && strcmp(src, f->key) == 0;
        /* The id belongs to its source while that source gives it; one
        ** gone from the directories of this run hands it over now. */
        conflict = !same_source && src && !fouine_run_source_gone(r, src);
    }
    if (conflict) {
        return write_duplicate(r, w, m, hex);
    }
    if (w->replay) {
        fouine_replay_set(w->replay, texts, m->tok, 3);
    }
    if (!found || strcmp(old, hex) != 0) {
        rc = fouine_index_write(&rowid, w->ix, a, f->key, hex, rowid);
        if (rc != FOUINE_OK && rc != FOUINE_ENOMEM) {
            rc = db_error(r, w, "article");
        }
        if (rc == FOUINE_OK) {
            r->st->comments += (long)a->ncomments;
        }
        if (!found) {
            r->st->indexed++;
            fouine_run_say(r, 2, "indexed %s (%s)", a->id, f->path);
        } else {
            r->st->updated++;
            fouine_run_say(r, 2, "updated %s (%s)", a->id, f->path);
        }
    } else {
        if (!same_source) {
            rc = fouine_index_set_source(w->ix, rowid, f->key);
            if (rc != FOUINE_OK && rc != FOUINE_ENOMEM) {
                rc = db_error(r, w, "article source");
            }
        }
        r->st->unchanged++;
    }
    if (w->replay) {
        fouine_replay_set(w->replay, NULL, NULL, 0);
    }
    if (rc == FOUINE_OK && found && !same_source) {
        /* Taken over: the file's copy aside, if any, is the article now. */
        s = w->stmt[W_DUP_DROP];
        sqlite3_bind_text(s, 1, a->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, f->key, -1, SQLITE_STATIC);
        rc = step_done(r, w, W_DUP_DROP);
    }
    if (rc == FOUINE_OK && m->known) {
        sqlite3_bind_int64(w->stmt[W_TOUCH], 1, rowid);
        rc = step_done(r, w, W_TOUCH);
    }
    w->file_articles++;
    w->txn_articles++;
    w->txn_bytes += m->bytes;
    return rc;
}

/* Say that a file still there no longer gives n articles it gave. */
static void say_no_longer(run *r, const fouine_input *f, long n)
{
    if (n > 0) {
        fouine_run_say(r, 1, "%s: %ld article%s no longer in the file: removed",
                       f->path, n, n > 1 ? "s" : "");
    }
}

/* Empty the temporary lists of what the current file wrote. */
static FOUINE_WUR int clear_touched(run *r, writer *w)
{
    int rc = step_done(r, w, W_CLEAR_TOUCHED);
    return rc == FOUINE_OK ? step_done(r, w, W_DUP_CLEAR_TOUCHED) : rc;
}

/* Step the statements of a list, in order, each bound to nothing. */
static FOUINE_WUR int step_all(run *r, writer *w, const int *which, size_t n)
{
    size_t i;
    int rc = FOUINE_OK;
    for (i = 0; i < n && rc == FOUINE_OK; i++) {
        rc = step_done(r, w, which[i]);
    }
    return rc;
}

/* Room for n texts to replay in the writer's arrays. */
static FOUINE_WUR int batch_room(writer *w, size_t n)
{
    const char **texts;
    fouine_pretok *toks;
    size_t cap = w->batch_cap ? w->batch_cap : 256;
    if (n <= w->batch_cap) {
        return FOUINE_OK;
    }
    while (cap < n) {
        cap *= 2;
    }
    texts = fouine_realloc(w->batch_texts, cap * sizeof *texts);
    if (!texts) {
        return FOUINE_ENOMEM;
    }
    w->batch_texts = texts;
    toks = fouine_realloc(w->batch_toks, cap * sizeof *toks);
    if (!toks) {
        return FOUINE_ENOMEM;
    }
    w->batch_toks = toks;
    w->batch_cap = cap;
    return FOUINE_OK;
}

FOUINE_WUR int fouine_run_flush(run *r, writer *w)
{
    static const int write[] = {
        W_BATCH_ARTICLES, W_BATCH_COMMENTS,       W_BATCH_SOURCES,
        W_BATCH_CLEAR,    W_BATCH_CLEAR_COMMENTS, W_BATCH_CLEAR_SOURCES
    };
    size_t n = 0, k;
    msg *m;
    int rc = FOUINE_OK;

    if (!w->batch && !w->batch_sources) {
        return FOUINE_OK;
    }
    if (w->replay) {
        /* FTS5 asks for the texts in this order: title, lead and body of
        ** each row, the rows in the order of the batch. */
        for (m = w->batch; m; m = m->next) {
            n += 3;
        }
        rc = batch_room(w, n);
        n = 0;
        for (m = w->batch; m && rc == FOUINE_OK; m = m->next) {
            const char *texts[3] = { m->a.title, m->a.lead, m->a.body };
            for (k = 0; k < 3; k++, n++) {
                w->batch_texts[n] = texts[k];
                w->batch_toks[n] = m->tok[k];
            }
        }
        if (rc == FOUINE_OK) {
            fouine_replay_set(w->replay, w->batch_texts, w->batch_toks, n);
        }
    }
    if (rc == FOUINE_OK) {
        rc = step_all(r, w, write, sizeof write / sizeof *write);
    }
    if (w->replay) {
        fouine_replay_set(w->replay, NULL, NULL, 0);
    }
    drop_batch(w);
    return rc;
}

/*
** The articles that the source key gave and did not give again in this
** run (not in temp.touched) go: each that another source gives is taken
** over by its oldest duplicate, the others are removed; and so do the
** duplicates it did not give again.  *n gets how many articles were
** removed.
*/
static FOUINE_WUR int drop_stale(run *r, writer *w, const char *key, long *n)
{
    static const int retake[] = { W_RETAKE_SOURCES,      W_RETAKE_ARTICLES,
                                  W_RETAKE_DEL_COMMENTS, W_RETAKE_COMMENTS,
                                  W_RETAKE_DEL_DUPS,     W_RETAKE_CLEAR };
    sqlite3_stmt *s;
    long taken = 0;
    int rc, step;

    *n = 0;
    sqlite3_bind_text(w->stmt[W_RETAKE_PICK], 1, key, -1, SQLITE_STATIC);
    rc = step_done(r, w, W_RETAKE_PICK);
    if (rc == FOUINE_OK) {
        taken = sqlite3_changes(w->db);
    }
    if (rc == FOUINE_OK && taken > 0 && r->opt->verbose >= 2) {
        s = w->stmt[W_RETAKE_LIST];
        while ((step = sqlite3_step(s)) == SQLITE_ROW) {
            fouine_run_say(r, 2, "updated %s (now from %s)",
                           fouine_run_column_text(s, 0),
                           fouine_run_shown(r, fouine_run_column_text(s, 1)));
        }
        sqlite3_reset(s);
        if (step != SQLITE_DONE) {
            rc = db_error(r, w, writer_sql[W_RETAKE_LIST]);
        }
    }
    if (rc == FOUINE_OK && taken > 0) {
        rc = step_all(r, w, retake, sizeof retake / sizeof retake[0]);
        r->st->updated += taken;
    }
    if (rc == FOUINE_OK) {
        sqlite3_bind_text(w->stmt[W_STALE], 1, key, -1, SQLITE_STATIC);
        rc = step_done(r, w, W_STALE);
    }
    if (rc == FOUINE_OK) {
        *n = sqlite3_changes(w->db);
        r->st->removed += *n;
        sqlite3_bind_text(w->stmt[W_DUP_STALE], 1, key, -1, SQLITE_STATIC);
        rc = step_done(r, w, W_DUP_STALE);
    }
    return rc;
}

/*
** A source that gives nothing now: its articles go (or pass to the other
** sources that give them) and so do its duplicates and its row; *n gets
** how many articles were removed.  Call with nothing touched.
*/
static FOUINE_WUR int remove_source(run *r, writer *w, const char *key, long *n)
{
    int rc = drop_stale(r, w, key, n);
    if (rc == FOUINE_OK) {
        sqlite3_bind_text(w->stmt[W_DEL_SOURCE], 1, key, -1, SQLITE_STATIC);
        rc = step_done(r, w, W_DEL_SOURCE);
    }
    return rc;
}

/* Mark a file as seen by this run. */
static FOUINE_WUR int seen(run *r, writer *w, const fouine_input *f)
{
    sqlite3_bind_text(w->stmt[W_SEEN], 1, f->key, -1, SQLITE_STATIC);
    return step_done(r, w, W_SEEN);
}

/* The end of a changed file: drop its articles not seen again, write its
** source row. */
static FOUINE_WUR int end_file(run *r, writer *w, const msg *m)
{
    const fouine_input *f = &r->in.files[m->file];
    sqlite3_stmt *s;
    char hex[FOUINE_HASH_HEX_SIZE];
    int rc;

    rc = FOUINE_OK;
    if (m->known) {
        /* The articles the file gave before and no longer gives. */
        long gone = 0;
        rc = drop_stale(r, w, f->key, &gone);
        say_no_longer(r, f, gone);
    }
    if (rc == FOUINE_OK) {
        rc = clear_touched(r, w);
    }
    if (rc == FOUINE_OK) {
        /* A new file's row counts its articles: held back with them. */
        int which = m->known ? W_PUT_SOURCE : W_BATCH_ADD_SOURCE;
        s = w->stmt[which];
        fouine_hash_hex(hex, m->hash);
        sqlite3_bind_text(s, 1, f->key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, f->size);
        sqlite3_bind_int64(s, 3, f->mtime);
        sqlite3_bind_text(s, 4, hex, -1, SQLITE_TRANSIENT);
        rc = step_done(r, w, which);
        w->batch_sources += !m->known;
    }
    if (rc == FOUINE_OK) {
        rc = seen(r, w, f);
    }
    w->file_articles = 0;
    return rc;
}

FOUINE_WUR int fouine_run_handle(run *r, writer *w, msg *m, int *kept)
{
    const fouine_input *f = &r->in.files[m->file];
    sqlite3_stmt *s;
    int rc = fouine_run_begin(r, w);
    *kept = 0;
    if (rc != FOUINE_OK) {
        return rc;
    }
    /* What the articles held back do not change may pass them. */
    if ((m->type == MSG_END && m->known) ||
        (m->type == MSG_SKIP && m->scope != SKIP_PART)) {
        rc = fouine_run_flush(r, w);
        if (rc != FOUINE_OK) {
            return rc;
        }
    }
    switch (m->type) {
    case MSG_ARTICLE:
        if (m->words && w->sink) {
            rc = fouine_lexsink_take(w->sink, m->words);
            if (rc != FOUINE_OK) {
                return rc;
            }
        }
        if (m->sig.valid && fouine_index_near(w->ix)) {
            /* Taken at the commit, if the article is written. */
            rc = fouine_near_remember(fouine_index_near(w->ix), m->hash,
                                      &m->sig);
            if (rc != FOUINE_OK) {
                return rc;
            }
        }
        return write_article(r, w, m, kept);
    case MSG_END:
        r->st->files++;
        return end_file(r, w, m);
    case MSG_TOUCHED:
        s = w->stmt[W_TOUCH_SOURCE];
        sqlite3_bind_text(s, 1, f->key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, f->size);
        sqlite3_bind_int64(s, 3, f->mtime);
        rc = step_done(r, w, W_TOUCH_SOURCE);
        if (rc != FOUINE_OK) {
            return rc;
        }
        /* fall through */
    case MSG_UNCHANGED:
        r->st->files++;
        r->st->unchanged += m->articles;
        return seen(r, w, f);
    case MSG_SKIP:
        r->st->skipped[m->skip] += m->count;
        if (m->scope == SKIP_PART) {
            return FOUINE_OK;
        }
        r->st->files++;
        if (m->scope == SKIP_DROP && m->known) {
            /* A file that gives no article now loses those it gave, and
            ** its row: the next run reads it again (and says why). */
            long n = 0;
            rc = remove_source(r, w, f->key, &n);
            say_no_longer(r, f, n);
        }
        /* A file that cannot be read keeps what it gave before. */
        if (rc == FOUINE_OK) {
            rc = clear_touched(r, w);
        }
        return rc == FOUINE_OK ? seen(r, w, f) : rc;
    default:
        return FOUINE_OK;
    }
}

/*
** Bind ?1 and ?2 of s to the bounds of the paths under the absolute path
** root: they sort between "root/" and "root0".  Returns FOUINE_OK or
** FOUINE_ENOMEM.
*/
static FOUINE_WUR int bind_under(sqlite3_stmt *s, const char *root)
{
    size_t n = strcmp(root, "/") == 0 ? 0 : strlen(root);
    char *lo = fouine_malloc(n + 2), *hi = fouine_malloc(n + 2);
    int rc = FOUINE_ENOMEM;
    if (lo && hi) {
        memcpy(lo, root, n);
        memcpy(hi, root, n);
        lo[n] = '/';
        hi[n] = '0';
        lo[n + 1] = hi[n + 1] = '\0';
        sqlite3_bind_text(s, 1, lo, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, hi, -1, SQLITE_TRANSIENT);
        rc = FOUINE_OK;
    }
    fouine_free(lo);
    fouine_free(hi);
    return rc;
}

void fouine_run_strings_free(strings *l)
{
    size_t i;
    for (i = 0; i < l->n; i++) {
        fouine_free(l->v[i]);
    }
    fouine_free(l->v);
    memset(l, 0, sizeof *l);
}

FOUINE_WUR int fouine_run_collect(run *r,
                                  writer *w,
                                  int which,
                                  int skip_blind,
                                  strings *l)
{
    sqlite3_stmt *s = w->stmt[which];
    int rc = FOUINE_OK, step;
    while (rc == FOUINE_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(s, 0);
        if (!p || (skip_blind && under_blind(r, p))) {
            continue;
        }
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 64;
            char **q = fouine_realloc(l->v, cap * sizeof *q);
            if (!q) {
                rc = FOUINE_ENOMEM;
                break;
            }
            l->v = q;
            l->cap = cap;
        }
        l->v[l->n] = fouine_strdup(p);
        if (!l->v[l->n]) {
            rc = FOUINE_ENOMEM;
            break;
        }
        l->n++;
    }
    sqlite3_reset(s);
    if (rc == FOUINE_OK && step != SQLITE_DONE) {
        rc = db_error(r, w, writer_sql[which]);
    }
    return rc;
}

FOUINE_WUR int fouine_run_remove_gone(run *r, writer *w)
{
    strings gone = { 0 };
    size_t i, k;
    int rc = FOUINE_OK;

    for (k = 0; k < r->in.nroots && rc == FOUINE_OK; k++) {
        rc = bind_under(w->stmt[W_GONE], r->in.roots[k]);
        if (rc == FOUINE_OK) {
            rc = fouine_run_collect(r, w, W_GONE, 1, &gone);
        }
    }
    /* The copies the gone files gave go first, so that none of them takes
    ** over an article. */
    for (i = 0; i < gone.n && rc == FOUINE_OK; i++) {
        sqlite3_bind_text(w->stmt[W_DUP_DEL_SOURCE], 1, gone.v[i], -1,
                          SQLITE_STATIC);
        rc = step_done(r, w, W_DUP_DEL_SOURCE);
    }
    for (i = 0; i < gone.n && rc == FOUINE_OK; i++) {
        long n = 0;
        rc = remove_source(r, w, gone.v[i], &n);
        if (rc == FOUINE_OK) {
            fouine_run_say(r, 2, "removed %ld articles of %s (gone)", n,
                           fouine_run_shown(r, gone.v[i]));
        }
    }
    fouine_run_strings_free(&gone);
    return rc;
}

FOUINE_WUR int fouine_run_record_roots(run *r, writer *w)
{
    static const int under[] = { W_DEL_INNER_ROOTS, W_RENAME_UNDER };
    size_t i, k;
    int rc = FOUINE_OK;
    if (r->in.nnew_roots == 0) {
        return FOUINE_OK;
    }
    rc = fouine_run_begin(r, w);
    for (i = 0; i < r->in.nnew_roots && rc == FOUINE_OK; i++) {
        for (k = 0; k < 2 && rc == FOUINE_OK; k++) {
            rc = bind_under(w->stmt[under[k]], r->in.new_roots[i]);
            if (rc == FOUINE_OK) {
                rc = step_done(r, w, under[k]);
            }
        }
        if (rc == FOUINE_OK) {
            sqlite3_bind_text(w->stmt[W_ADD_ROOT], 1, r->in.new_roots[i], -1,
                              SQLITE_STATIC);
            rc = step_done(r, w, W_ADD_ROOT);
        }
    }
    return rc == FOUINE_OK ? fouine_run_commit(r, w) : rc;
}

FOUINE_WUR int fouine_run_report_conflicts(run *r, writer *w)
{
    sqlite3_stmt *s = w->stmt[W_CONFLICTS];
    char where[32];
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        where[0] = '\0';
        if (sqlite3_column_int64(s, 1) > 0) {
            snprintf(where, sizeof where, ":%lld",
                     (long long)sqlite3_column_int64(s, 1));
        }
        r->st->conflicts++;
        fouine_run_count_warning(r);
        fouine_run_say(
            r, 1,
            "%s%s: id conflict: '%s' is already given by %s; this copy is "
            "not indexed (it will be if that file stops giving it)",
            fouine_run_column_text(s, 0), where, fouine_run_column_text(s, 2),
            fouine_run_shown(r, fouine_run_column_text(s, 3)));
    }
    sqlite3_reset(s);
    return step == SQLITE_DONE ? FOUINE_OK :
                                 db_error(r, w, writer_sql[W_CONFLICTS]);
}

/*
** What the system says when the index file is opened for writing (or
** created, then removed): 0, or -1 with errno set (EISDIR, EACCES...).
*/
static int os_error(const char *path)
{
    int fd = open(path, O_RDWR), created = 0;
    if (fd < 0 && errno == ENOENT) {
        fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
        created = fd >= 0;
    }
    if (fd < 0) {
        return -1;
    }
    close(fd);
    if (created) {
        unlink(path);
    }
    return 0;
}

/* Explain why the index cannot be opened. */
static void open_failed(run *r, int rc)
{
    char dir[4096];
    struct stat st;
    char *slash;
    snprintf(dir, sizeof dir, "%s", r->opt->index);
    slash = strrchr(dir, '/');
    if (slash) {
        *(slash == dir ? slash + 1 : slash) = '\0';
    } else {
        snprintf(dir, sizeof dir, ".");
    }
    if (rc == FOUINE_ESCHEMA && !fouine_run_removable_index(r->opt->index)) {
        fouine_run_say(r, 0,
                       "%s: not a fouine index (another file): index into a "
                       "new file",
                       r->opt->index);
    } else if (rc == FOUINE_ESCHEMA) {
        fouine_run_say(
            r, 0,
            "%s: not an index of this version of fouine (schema %d): index "
            "into a new file, or use --rebuild",
            r->opt->index, FOUINE_SCHEMA_VERSION);
    } else if (stat(dir, &st) != 0) {
        fouine_run_say(r, 0, "%s: cannot create the index: directory %s: %s",
                       r->opt->index, dir, strerror(errno));
    } else if (access(dir, W_OK) != 0) {
        fouine_run_say(r, 0,
                       "%s: cannot write the index: directory %s is read-only",
                       r->opt->index, dir);
    } else if (os_error(r->opt->index) != 0) {
        fouine_run_say(r, 0, "%s: cannot create or write the index: %s",
                       r->opt->index, strerror(errno));
    } else {
        fouine_run_say(r, 0, "%s: cannot open the index: %s", r->opt->index,
                       fouine_errmsg(rc));
    }
}

/* The benchmark baseline: FTS5 tables with the unicode61 tokenizer. */
static FOUINE_WUR int use_plain_tokenizer(run *r, writer *w)
{
    static const char sql[] =
        "BEGIN IMMEDIATE;"
        "DROP TABLE article_fts; DROP TABLE comment_fts;"
        "CREATE VIRTUAL TABLE article_fts USING fts5(title, lead, body,"
        "  content='article', content_rowid='rowid',"
        "  tokenize='unicode61 remove_diacritics 2');"
        "CREATE VIRTUAL TABLE comment_fts USING fts5(body,"
        "  content='comment', content_rowid='rowid',"
        "  tokenize='unicode61 remove_diacritics 2');"
        "INSERT OR REPLACE INTO meta VALUES ('tokenizer', 'unicode61');"
        "COMMIT;";
    sqlite3_stmt *s = NULL;
    int empty = 0;
    if (sqlite3_prepare_v2(w->db, "SELECT count(*) = 0 FROM article", -1, &s,
                           NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        empty = sqlite3_column_int(s, 0);
    }
    sqlite3_finalize(s);
    if (!empty) {
        fouine_run_say(r, 0, "%s: the plain tokenizer needs a new index",
                       r->opt->index);
        return FOUINE_EINVAL;
    }
    return fouine_run_exec(r, w, sql);
}

FOUINE_WUR int fouine_run_open_writer(run *r, writer *w)
{
    int rc, i;
    if (r->opt->rebuild) {
        rc = fouine_run_remove_index(r);
        if (rc != FOUINE_OK) {
            return rc;
        }
    }
    rc = fouine_index_open(&w->ix, r->opt->index,
                           FOUINE_INDEX_WRITE |
                               (r->opt->plain ? FOUINE_INDEX_PLAIN : 0));
    if (rc == FOUINE_OK) {
        w->db = fouine_index_db(w->ix);
        w->sink = fouine_index_sink(w->ix);
        if (!r->opt->plain) {
            /* The tables open with the replaying wrapper from now on. */
            rc = fouine_replay_register(&w->replay, w->db);
        }
    }
    if (rc != FOUINE_OK) {
        open_failed(r, rc);
        return rc;
    }
    /* A write now tells a read-only index from a writable one. */
    if (sqlite3_exec(w->db,
                     "PRAGMA cache_size = -32768;"
                     "PRAGMA temp_store = MEMORY;"
                     "BEGIN IMMEDIATE;"
                     "INSERT OR REPLACE INTO meta VALUES"
                     " ('indexing', datetime('now'));"
                     "COMMIT;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        open_failed(r, FOUINE_EIO);
        fouine_run_say(r, 0, "%s: %s", r->opt->index, sqlite3_errmsg(w->db));
        return FOUINE_EIO;
    }
    if (r->opt->plain) {
        rc = use_plain_tokenizer(r, w);
        if (rc != FOUINE_OK) {
            return rc;
        }
    }
    rc = fouine_run_exec(r, w, FTS_LOAD_SQL);
    if (rc != FOUINE_OK) {
        return rc;
    }
    if (sqlite3_create_function(w->db, "fouine_gone", 1,
                                SQLITE_UTF8 | SQLITE_DIRECTONLY, r, gone_sql,
                                NULL, NULL) != SQLITE_OK) {
        return db_error(r, w, "fouine_gone()");
    }
    rc = fouine_run_exec(
        r, w,
        "CREATE TEMP TABLE touched(rowid INTEGER PRIMARY KEY);"
        "CREATE TEMP TABLE touched_dup(rowid INTEGER PRIMARY KEY);"
        "CREATE TEMP TABLE seen(path TEXT PRIMARY KEY);"
        "CREATE TEMP TABLE conflict(rowid INTEGER PRIMARY KEY,"
        "  dup INTEGER UNIQUE, path TEXT, line INTEGER);"
        "CREATE TEMP TABLE retake(article INTEGER PRIMARY KEY,"
        "  dup INTEGER);"
        "CREATE TEMP TABLE batch(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE,"
        "  source, title, lead, body, date, category, url, author,"
        "  reading_time, hash);"
        "CREATE TEMP TABLE batch_comment(rowid INTEGER PRIMARY KEY, id,"
        "  date, body);"
        "CREATE TEMP TABLE batch_source(rowid INTEGER PRIMARY KEY, path,"
        "  size, mtime, hash);");
    for (i = 0; i < W_COUNT && rc == FOUINE_OK; i++) {
        if (sqlite3_prepare_v3(w->db, writer_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &w->stmt[i],
                               NULL) != SQLITE_OK) {
            rc = db_error(r, w, writer_sql[i]);
        }
    }
    return rc;
}

void fouine_run_close_writer(writer *w)
{
    int i;
    drop_batch(w);
    fouine_free(w->batch_texts);
    fouine_free(w->batch_toks);
    for (i = 0; i < W_COUNT; i++) {
        sqlite3_finalize(w->stmt[i]);
    }
    fouine_index_close(w->ix); /* rolls back a transaction left open */
}

FOUINE_WUR int fouine_run_merge_segments(run *r, writer *w)
{
    long written = r->st->indexed + r->st->updated + r->st->removed;
    int rc = fouine_run_exec(r, w, FTS_AUTOMERGE_SQL);
    if (rc == FOUINE_OK && written >= OPTIMIZE_MIN) {
        fouine_run_say(r, 2, "merging the index segments");
        rc = fouine_run_exec(r, w, FTS_OPTIMIZE_SQL);
    } else if (rc == FOUINE_OK && written > 0) {
        rc = fouine_run_exec(r, w, FTS_MERGE_SQL);
    }
    return rc;
}
