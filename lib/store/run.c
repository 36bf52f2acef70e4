/*
** run.c: one indexing run (see indexer.h).
**
** Two threads share the work.  The reader thread walks the inputs, looks
** each file up in the index (its own read-only connection), reads and
** parses what changed, and passes messages through a bounded queue.  The
** writer (the calling thread) owns the write connection: it turns messages
** into rows, in large transactions, and at the end removes the articles of
** files that are gone and merges the FTS5 segments.
**
** The reader is run_read.c, the writer run_write.c, --rebuild
** run_rebuild.c; this file holds the run itself, its queue and its
** messages (run_int.h is what they share).
**
** Crash safety comes from SQLite: a file's source row (size, mtime, hash)
** is written in the same transaction as its last article, so a run killed
** at any moment leaves an index where every committed file is complete and
** every other file is seen as changed by the next run.
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

double fouine_run_thread_cpu(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) {
        return 0;
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double fouine_run_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Erase the progress line; call with the lock held. */
static void clear_progress(run *r)
{
    if (r->progress_shown) {
        fputs("\r\033[K", stderr);
        r->progress_shown = 0;
    }
}

void fouine_run_say(run *r, int level, const char *fmt, ...)
{
    va_list ap;
    if (r->opt->verbose < level) {
        return;
    }
    pthread_mutex_lock(&r->lock);
    clear_progress(r);
    fputs("fouine-index: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    pthread_mutex_unlock(&r->lock);
}

const char *fouine_run_shown(const run *r, const char *key)
{
    size_t n = strlen(r->cwd);
    if (n > 1 && strncmp(key, r->cwd, n) == 0 && key[n] == '/') {
        return key + n + 1;
    }
    return key;
}

const char *fouine_run_column_text(sqlite3_stmt *s, int col)
{
    const char *t = (const char *)sqlite3_column_text(s, col);
    return t ? t : "";
}

void fouine_run_free_msg(msg *m)
{
    size_t i;
    if (!m) {
        return;
    }
    fouine_article_clear(&m->a);
    for (i = 0; i < sizeof m->tok / sizeof m->tok[0]; i++) {
        fouine_pretok_free(&m->tok[i]);
    }
    fouine_lexsink_free(m->words);
    fouine_free(m);
}

FOUINE_WUR int fouine_run_push(run *r, msg *m)
{
    int stopping;
    m->next = NULL;
    pthread_mutex_lock(&r->lock);
    while (!r->stopping && r->queued > 0 &&
           r->queued + m->bytes > QUEUE_BYTES) {
        pthread_cond_wait(&r->room, &r->lock);
    }
    stopping = r->stopping;
    if (!stopping) {
        if (r->tail) {
            r->tail->next = m;
        } else {
            r->head = m;
        }
        r->tail = m;
        r->queued += m->bytes;
        pthread_cond_signal(&r->more);
    }
    pthread_mutex_unlock(&r->lock);
    if (stopping) {
        fouine_run_free_msg(m);
        return 1;
    }
    return 0;
}

/* Queue a copy of a message that holds no article. */
static FOUINE_WUR int push_copy(run *r, const msg *tmpl)
{
    msg *m = fouine_malloc(sizeof *m);
    if (!m) {
        return -1;
    }
    *m = *tmpl;
    m->bytes = 64;
    return fouine_run_push(r, m) ? 1 : 0;
}

FOUINE_WUR int fouine_run_push_simple(run *r,
                                      int type,
                                      size_t file,
                                      uint64_t hash,
                                      long articles,
                                      int known)
{
    const msg m = { .type = type,
                    .file = file,
                    .hash = hash,
                    .articles = articles,
                    .known = known };
    return push_copy(r, &m);
}

FOUINE_WUR int fouine_run_push_skip(run *r,
                                    size_t file,
                                    fouine_skip reason,
                                    long count,
                                    int scope,
                                    int known)
{
    const msg m = { .type = MSG_SKIP,
                    .file = file,
                    .skip = reason,
                    .count = count,
                    .scope = scope,
                    .known = known };
    return push_copy(r, &m);
}

size_t fouine_run_slen(const char *s)
{
    return s ? strlen(s) : 0;
}

void fouine_run_count_warning(run *r)
{
    pthread_mutex_lock(&r->lock);
    r->st->warnings++;
    pthread_mutex_unlock(&r->lock);
}

/* Draw the progress line: files done of total, articles/s, time left. */
static void progress(run *r, writer *w, double start)
{
    double t = fouine_run_now(), elapsed = t - start, left = 0, frac;
    long arts;
    if (!r->opt->progress || t - w->last_progress < 0.25) {
        return;
    }
    w->last_progress = t;
    arts = r->st->indexed + r->st->updated + r->st->unchanged;
    pthread_mutex_lock(&r->lock);
    frac =
        r->bytes_total > 0 ? (double)r->bytes_done / (double)r->bytes_total : 0;
    if (frac > 0.01) {
        left = elapsed * (1 - frac) / frac;
    }
    fprintf(stderr,
            "\r\033[Kfouine-index: %ld/%ld files, %.0f articles/s, %d:%02d "
            "left",
            r->st->files, r->st->files_total,
            elapsed > 0 ? (double)arts / elapsed : 0, (int)left / 60,
            (int)left % 60);
    r->progress_shown = 1;
    pthread_mutex_unlock(&r->lock);
}

/* Take the next message, waiting; NULL when the reader is done. */
static msg *pop(run *r)
{
    msg *m;
    pthread_mutex_lock(&r->lock);
    while (!r->head && !r->reader_done) {
        pthread_cond_wait(&r->more, &r->lock);
    }
    m = r->head;
    if (m) {
        r->head = m->next;
        if (!r->head) {
            r->tail = NULL;
        }
        r->queued -= m->bytes;
        pthread_cond_signal(&r->room);
    }
    pthread_mutex_unlock(&r->lock);
    return m;
}

/* Tell the reader to stop and free what is queued. */
static void stop_reader(run *r)
{
    msg *m, *next;
    pthread_mutex_lock(&r->lock);
    r->stopping = 1;
    for (m = r->head; m; m = next) {
        next = m->next;
        fouine_run_free_msg(m);
    }
    r->head = r->tail = NULL;
    r->queued = 0;
    pthread_cond_broadcast(&r->room);
    pthread_mutex_unlock(&r->lock);
}

/* Sort the keys of the inputs (run.keys), for fouine_run_source_gone(). */
static FOUINE_WUR int sort_keys(run *r)
{
    size_t k;
    if (r->in.nfiles == 0) {
        return FOUINE_OK;
    }
    r->keys = fouine_malloc(r->in.nfiles * sizeof *r->keys);
    if (!r->keys) {
        return FOUINE_ENOMEM;
    }
    for (k = 0; k < r->in.nfiles; k++) {
        r->keys[k] = r->in.files[k].key;
    }
    qsort(r->keys, r->in.nfiles, sizeof *r->keys, fouine_run_by_key);
    return FOUINE_OK;
}

/* Report a walk problem (fouine_walk_report). */
static void walk_problem(fouine_skip reason,
                         const char *path,
                         const char *what,
                         void *payload)
{
    run *r = payload;
    (void)reason;
    fouine_run_say(r, 1, "%s: skipped: %s", path, what);
}

long fouine_run_skipped(const fouine_run_stats *st)
{
    long n = 0;
    int i;
    for (i = 0; i < FOUINE_SKIP_COUNT; i++) {
        n += st->skipped[i];
    }
    return n;
}

void fouine_run_options_init(fouine_run_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->version = FOUINE_RUN_OPTIONS_VERSION;
    opt->verbose = 1;
    opt->max_size = FOUINE_RUN_MAX_SIZE;
    opt->batch = FOUINE_RUN_BATCH;
}

int fouine_index_run(fouine_run_stats *out, const fouine_run_options *opt)
{
    run r;
    writer w;
    strings roots = { 0 };
    pthread_t reader;
    int started = 0, rc, i;
    double start = fouine_run_now();
    size_t k;
    msg *m;

    memset(out, 0, sizeof *out);
    if (opt->version != FOUINE_RUN_OPTIONS_VERSION) {
        fprintf(stderr,
                "fouine: fouine_run_options of version %u, this library"
                " knows version %d\n",
                opt->version, FOUINE_RUN_OPTIONS_VERSION);
        return FOUINE_EINVAL;
    }
    if (opt->rebuild && access(opt->index, F_OK) == 0) {
        return fouine_run_rebuild_beside(out, opt);
    }
    memset(&r, 0, sizeof r);
    memset(&w, 0, sizeof w);
    r.opt = opt;
    r.st = out;
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.more, NULL);
    pthread_cond_init(&r.room, NULL);

    if (!getcwd(r.cwd, sizeof r.cwd)) {
        r.cwd[0] = '\0';
    }
    rc = fouine_run_open_writer(&r, &w);
    if (rc == FOUINE_OK) {
        rc = fouine_run_collect(&r, &w, W_ROOTS, 0, &roots);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_walk(&r.in, opt->paths, opt->npaths,
                         (const char *const *)roots.v, roots.n, walk_problem,
                         &r);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_run_record_roots(&r, &w);
    }
    if (rc == FOUINE_OK) {
        rc = sort_keys(&r);
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    for (i = 0; i < FOUINE_SKIP_COUNT; i++) {
        out->skipped[i] += r.in.skipped[i];
    }
    out->files_total = (long)r.in.nfiles;
    for (k = 0; k < r.in.nfiles; k++) {
        r.bytes_total += r.in.files[k].size;
    }
    if (!opt->rebuild) {
        fouine_run_open_reader(&r);
    }
    if (!opt->plain && fouine_analyzer_new(&r.an) != FOUINE_OK) {
        r.an = NULL; /* the writer will analyze everything */
    }
    if (pthread_create(&reader, NULL, fouine_run_reader_main, &r) != 0) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    started = 1;
    while ((m = pop(&r)) != NULL) {
        int kept = 0;
        rc = fouine_run_handle(&r, &w, m, &kept);
        if (!kept) {
            fouine_run_free_msg(m);
        }
        if (rc != FOUINE_OK) {
            break;
        }
        if (opt->stop && *opt->stop) {
            out->interrupted = 1;
            break;
        }
        if (fouine_index_in_txn(w.ix) &&
            (w.txn_articles >= opt->batch || w.txn_bytes >= TXN_BYTES ||
             fouine_run_now() - w.txn_start > TXN_SECONDS)) {
            rc = fouine_run_commit(&r, &w);
            if (rc != FOUINE_OK) {
                break;
            }
        }
        progress(&r, &w, start);
    }
    stop_reader(&r);
    pthread_join(reader, NULL);
    started = 0;
    if (rc == FOUINE_OK) {
        rc = r.reader_rc;
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    rc = fouine_run_commit(&r, &w);
    if (rc == FOUINE_OK && out->interrupted) {
        sqlite3_exec(w.db, FTS_AUTOMERGE_SQL, NULL, NULL, NULL);
    }
    if (rc == FOUINE_OK && out->interrupted) {
        rc = fouine_run_report_conflicts(&r, &w);
    }
    if (rc != FOUINE_OK || out->interrupted) {
        goto done;
    }
    if (!opt->no_delete) {
        rc = fouine_run_begin(&r, &w);
        if (rc == FOUINE_OK) {
            rc = fouine_run_remove_gone(&r, &w);
        }
    }
    if (rc == FOUINE_OK) {
        rc = fouine_run_begin(&r, &w);
    }
    /* The time and the generation (fouine_index_generation()) are noted
    ** when the run changed articles: a run that found everything as it
    ** was leaves both, so that copies indexed alike stay alike. */
    if (rc == FOUINE_OK && (out->indexed || out->updated || out->removed)) {
        fouine_index_touch(w.ix);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_run_commit(&r, &w);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_run_merge_segments(&r, &w);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_run_report_conflicts(&r, &w);
    }
done:
    if (started) {
        stop_reader(&r);
        pthread_join(reader, NULL);
    }
    pthread_mutex_lock(&r.lock);
    clear_progress(&r);
    pthread_mutex_unlock(&r.lock);
    sqlite3_finalize(r.lookup);
    sqlite3_close(r.rdb);
    fouine_analyzer_free(r.an);
    fouine_run_close_writer(&w);
    fouine_run_strings_free(&roots);
    fouine_free(r.keys);
    fouine_inputs_free(&r.in);
    pthread_cond_destroy(&r.more);
    pthread_cond_destroy(&r.room);
    pthread_mutex_destroy(&r.lock);
    out->seconds = fouine_run_now() - start;
    out->writer_cpu = fouine_run_thread_cpu();
    return rc;
}
