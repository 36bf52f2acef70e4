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
** Crash safety comes from SQLite: a file's source row (size, mtime, hash)
** is written in the same transaction as its last article, so a run killed
** at any moment leaves an index where every committed file is complete and
** every other file is seen as changed by the next run.
*/
#include "html.h"
#include "indexer.h"

#include "fouine/alloc.h"
#include "fouine/buf.h"
#include "fouine/fts5.h"

#include "fouine/store.h"

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

#define QUEUE_BYTES  (16u << 20) /* text in flight between the threads */
#define TXN_BYTES    (64u << 20) /* text a transaction, at most */
#define TXN_SECONDS  10.0        /* a transaction lasts at most this */
#define OPTIMIZE_MIN 1000        /* articles written before 'optimize' */
#define READ_CHUNK   (1u << 16)  /* hashing reads */

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

/* What a skip does to the articles a file gave (MSG_SKIP). */
enum {
    SKIP_PART, /* some inputs of the file (JSON lines or elements): the
                  file's end says what it gives */
    SKIP_KEEP, /* the whole file, which cannot be read: it keeps what it
                  gave */
    SKIP_DROP  /* the whole file, which gives no article now (empty,
                  binary, too large, no longer parsed): what it gave goes */
};

/* Kinds of messages from the reader to the writer. */
enum {
    MSG_ARTICLE,   /* an article of the current file */
    MSG_END,       /* the current file is done: write its source row */
    MSG_TOUCHED,   /* same content, new size or mtime */
    MSG_UNCHANGED, /* same size and mtime */
    MSG_SKIP       /* a whole file, or some of its articles, skipped */
};

/* One message. */
typedef struct msg {
    int type;              /* MSG_* */
    size_t file;           /* index in the inputs */
    fouine_article a;      /* MSG_ARTICLE: owned */
    fouine_pretok tok[3];  /* MSG_ARTICLE: tokens of title, lead, body,
                             recorded by the reader; owned */
    fouine_lexsink *words; /* MSG_ARTICLE: the words the reader's analyzer
                             read first in it, for the lexicon, or NULL;
                             owned */
    uint64_t hash;         /* MSG_END, MSG_TOUCHED: content hash of the file;
                             MSG_ARTICLE: fouine_article_hash() */
    long articles;         /* MSG_END: articles the file gave; MSG_UNCHANGED
                          and MSG_TOUCHED: articles it gave before */
    fouine_skip skip;      /* MSG_SKIP: reason */
    long count;            /* MSG_SKIP: how many inputs */
    int scope;             /* MSG_SKIP: SKIP_PART, SKIP_KEEP or SKIP_DROP */
    int known;             /* MSG_ARTICLE, MSG_END: the file had a source row,
                         so articles it no longer gives must go */
    long lineno;           /* MSG_ARTICLE: its line in a .jsonl file, else 0 */
    size_t bytes;          /* weight in the queue */
    struct msg *next;      /* the next in the queue; owned by the queue */
} msg;

/* State shared by the two threads. */
typedef struct run {
    const fouine_run_options *opt; /* the caller's; not owned */
    fouine_inputs in;              /* the inputs; owned */
    fouine_run_stats *st;          /* the statistics; written by the writer,
                                      and by the reader for skips and
                                      warnings under lock */
    pthread_mutex_t lock;          /* guards everything below and stderr */
    pthread_cond_t more;           /* a message was queued, or done */
    pthread_cond_t room;           /* the queue shrank, or stopping */
    msg *head, *tail;              /* the queue */
    size_t queued;                 /* bytes in it */
    int reader_done;               /* the reader has queued its last message */
    int stopping;                  /* the writer wants the reader to stop */
    int reader_rc;                 /* FOUINE_OK, or the reader's fatal error */
    int64_t bytes_total;           /* input bytes found */
    int64_t bytes_done;            /* input bytes read */
    int progress_shown;            /* a progress line is on the terminal */
    sqlite3 *rdb;                  /* the reader's connection; owned */
    sqlite3_stmt *lookup;          /* SELECT from source; owned by the reader */
    fouine_analyzer *an;           /* the reader's analyzer, or NULL; owned */
    const char **keys;             /* the keys of in.files, sorted: the
                                      files this run found; the array is
                                      owned, the strings are in.files' */
    char cwd[4096];                /* the working directory, or "": paths
                                      under it are shown relative */
} run;

/* The writer's statements, in the order of writer_sql[]. */
enum {
    W_TOUCH,
    W_STALE,
    W_CLEAR_TOUCHED,
    W_PUT_SOURCE,
    W_TOUCH_SOURCE,
    W_SEEN,
    W_GONE,
    W_DEL_SOURCE,
    W_DUP_FIND,
    W_DUP_INSERT,
    W_DUP_UPDATE,
    W_DUP_DEL_COMMENTS,
    W_DUP_INS_COMMENT,
    W_DUP_TOUCH,
    W_DUP_STALE,
    W_DUP_CLEAR_TOUCHED,
    W_DUP_DROP,
    W_DUP_DEL_SOURCE,
    W_CONFLICT,
    W_CONFLICTS,
    W_RETAKE_PICK,
    W_RETAKE_LIST,
    W_RETAKE_SOURCES,
    W_RETAKE_ARTICLES,
    W_RETAKE_DEL_COMMENTS,
    W_RETAKE_COMMENTS,
    W_RETAKE_DEL_DUPS,
    W_RETAKE_CLEAR,
    W_ROOTS,
    W_ADD_ROOT,
    W_DEL_INNER_ROOTS,
    W_RENAME_UNDER,
    W_COUNT
};

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
    " AND path NOT LIKE '%.json' AND path NOT LIKE '%.jsonl'"
};

/* The writer's state. */
typedef struct writer {
    fouine_index *ix;            /* the index; owned */
    sqlite3 *db;                 /* its connection; owned by ix */
    sqlite3_stmt *stmt[W_COUNT]; /* owned */
    int in_txn;                  /* a transaction is open */
    size_t txn_articles;         /* articles in it */
    size_t txn_bytes;            /* text in it */
    double txn_start;            /* when it began */
    long file_articles;          /* articles of the current file so far */
    double last_progress;        /* when the progress line was drawn */
    fouine_replay *replay;       /* "french" replaying the reader's
                                    tokens, or NULL; owned by db */
    fouine_lexsink *sink;        /* words for the lexicon, flushed before
                                    each COMMIT (fouine_index_commit());
                                    owned by ix; NULL when plain */
} writer;

/* CPU time of the calling thread, in seconds. */
static double thread_cpu(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) {
        return 0;
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
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

static void say(run *r, int level, const char *fmt, ...) FOUINE_PRINTF(3, 4);

/* Print a message on stderr when the verbosity is at least level. */
static void say(run *r, int level, const char *fmt, ...)
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

/* A source key as messages show it: relative to the working directory
** when it lies under it. */
static const char *shown(const run *r, const char *key)
{
    size_t n = strlen(r->cwd);
    if (n > 1 && strncmp(key, r->cwd, n) == 0 && key[n] == '/') {
        return key + n + 1;
    }
    return key;
}

/* A column of text, "" for NULL. */
static const char *column_text(sqlite3_stmt *s, int col)
{
    const char *t = (const char *)sqlite3_column_text(s, col);
    return t ? t : "";
}

/*
** Reader side.
*/

/* The reader's analyzer's watch: a word for the lexicon, kept with the
** message being analyzed.  Out of memory, the analysis fails and the
** writer analyzes the article itself, its words then reaching the
** writer's sink. */
static int msg_word(const fouine_word *word, void *payload)
{
    msg *m = payload;
    if (!m->words && fouine_lexsink_new(&m->words) != FOUINE_OK) {
        return FOUINE_ENOMEM;
    }
    return fouine_lexsink_add(m->words, word);
}

/* Free a message and what it owns. */
static void free_msg(msg *m)
{
    size_t i;
    fouine_article_clear(&m->a);
    for (i = 0; i < sizeof m->tok / sizeof m->tok[0]; i++) {
        fouine_pretok_free(&m->tok[i]);
    }
    fouine_lexsink_free(m->words);
    fouine_free(m);
}

/* Queue a message (taking it), waiting for room.  Returns 0, or 1 when the
** writer is stopping (the message is freed). */
static FOUINE_WUR int push(run *r, msg *m)
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
        free_msg(m);
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
    return push(r, m) ? 1 : 0;
}

/* Queue a message of a type with no article. */
static FOUINE_WUR int push_simple(run *r,
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

/* Queue a skip of count inputs of a file (scope: SKIP_*); known: the file
** has a source row. */
static FOUINE_WUR int push_skip(run *r,
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

static size_t slen(const char *s)
{
    return s ? strlen(s) : 0;
}

/* Count a warning (either thread). */
static void count_warning(run *r)
{
    pthread_mutex_lock(&r->lock);
    r->st->warnings++;
    pthread_mutex_unlock(&r->lock);
}

/* Payload of the article callbacks. */
typedef struct reading {
    run *r;
    size_t file; /* index of the file being read */
    long count;  /* articles queued for it */
    int known;   /* it has a source row in the index */
    int stopped; /* push() said the writer stops, or no memory */
    long lineno; /* the line being read of a .jsonl file, else 0 */
} reading;

/* Say and count the notes of an article (fouine_article.notes): "file:
** note", "file.jsonl:LINE: article 'ID': note". */
static void say_notes(const reading *rd, const fouine_article *a)
{
    const fouine_input *f = &rd->r->in.files[rd->file];
    const char *p = a->notes.data, *nl;
    char where[32] = "";
    if (!a->notes.len) {
        return;
    }
    if (rd->lineno > 0) {
        snprintf(where, sizeof where, ":%ld", rd->lineno);
    }
    for (; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (!nl) {
            break;
        }
        count_warning(rd->r);
        say(rd->r, 1, "%s%s: %s%s%s%.*s", f->path, where,
            f->kind == FOUINE_FILE_TEXT ? "" : "article '",
            f->kind == FOUINE_FILE_TEXT ? "" : a->id,
            f->kind == FOUINE_FILE_TEXT ? "" : "': ", (int)(nl - p), p);
    }
}

/* Queue an article (fouine_article_cb). */
static int push_article(fouine_article *a, void *payload)
{
    reading *rd = payload;
    msg *m = NULL;
    size_t i;
    say_notes(rd, a);
    m = fouine_calloc(1, sizeof *m);
    if (!m) {
        fouine_article_clear(a);
        rd->stopped = 1;
        return FOUINE_ENOMEM;
    }
    m->type = MSG_ARTICLE;
    m->file = rd->file;
    m->known = rd->known;
    m->lineno = rd->lineno;
    m->a = *a;
    memset(a, 0, sizeof *a);
    m->hash = fouine_article_hash(&m->a);
    m->bytes = 256 + slen(m->a.title) + slen(m->a.lead) + slen(m->a.body);
    for (i = 0; i < m->a.ncomments; i++) {
        m->bytes += slen(m->a.comments[i].body) + 64;
    }
    if (rd->r->an) {
        const char *texts[3] = { m->a.title, m->a.lead, m->a.body };
        /* The words the analyzer reads first go with the article, for the
        ** lexicon, whatever the writer does with it. */
        fouine_analyzer_watch(rd->r->an, msg_word, m);
        for (i = 0; i < 3; i++) {
            if (fouine_pretok_analyze(&m->tok[i], rd->r->an, texts[i],
                                      slen(texts[i])) != FOUINE_OK) {
                break; /* out of memory: the writer analyzes this one */
            }
            m->bytes += m->tok[i].len;
        }
        fouine_analyzer_watch(rd->r->an, NULL, NULL);
    }
    rd->count++;
    if (push(rd->r, m)) {
        rd->stopped = 1;
        return FOUINE_ESTOP;
    }
    return 0;
}

/* Whether text holds nothing but white space. */
static int all_blank(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' &&
            s[i] != '\f' && s[i] != '\v') {
            return 0;
        }
    }
    return 1;
}

/* Count a warning and say it (reader side). */
static void warn_utf8(run *r, const char *path, long lineno, size_t offset)
{
    count_warning(r);
    if (lineno > 0) {
        say(r, 1,
            "%s:%ld: invalid UTF-8 at byte %zu of the line, replaced by "
            "U+FFFD",
            path, lineno, offset);
    } else {
        say(r, 1, "%s: invalid UTF-8 at byte offset %zu, replaced by U+FFFD",
            path, offset);
    }
}

/*
** Check the bytes of one article text (a file, or a JSON line): not empty,
** no NUL, valid UTF-8 (repaired).  On success *text and *len may point into
** *fixed, a new buffer the caller frees.  Returns FOUINE_OK, FOUINE_EINVAL
** with *skip, or FOUINE_ENOMEM.
*/
static FOUINE_WUR int check_text(run *r,
                                 const fouine_input *f,
                                 long lineno,
                                 const char **text,
                                 size_t *len,
                                 char **fixed,
                                 fouine_skip *skip)
{
    size_t fixed_len = 0, bad = 0;
    *fixed = NULL;
    if (all_blank(*text, *len)) {
        *skip = FOUINE_SKIP_EMPTY;
        return FOUINE_EINVAL;
    }
    if (memchr(*text, '\0', *len)) {
        *skip = FOUINE_SKIP_BINARY;
        return FOUINE_EINVAL;
    }
    if (fouine_utf8_repair(fixed, &fixed_len, &bad, *text, *len) != FOUINE_OK) {
        return FOUINE_ENOMEM;
    }
    if (*fixed) {
        warn_utf8(r, f->path, lineno, bad);
        *text = *fixed;
        *len = fixed_len;
    }
    return FOUINE_OK;
}

/* Say why a file, or a line of it, is skipped. */
static void say_skip(run *r,
                     const fouine_input *f,
                     long lineno,
                     fouine_skip reason,
                     const char *detail)
{
    const char *sep = detail && *detail ? ": " : "";
    if (lineno > 0) {
        say(r, 1, "%s:%ld: skipped: %s%s%s", f->path, lineno,
            fouine_skip_name(reason), sep, detail ? detail : "");
    } else {
        say(r, 1, "%s: skipped: %s%s%s", f->path, fouine_skip_name(reason), sep,
            detail ? detail : "");
    }
}

/* Read a whole file (at most max bytes) into a new buffer.  Returns
** FOUINE_OK, FOUINE_EINVAL (too large) or FOUINE_EIO (errno set). */
static FOUINE_WUR int slurp(const char *path,
                            size_t max,
                            char **out,
                            size_t *len)
{
    char *buf = NULL;
    struct stat st;
    size_t got = 0;
    ssize_t n;
    int fd = -1, rc = FOUINE_EIO;

    *out = NULL;
    *len = 0;
    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        goto done;
    }
    if ((uint64_t)st.st_size > (uint64_t)max) {
        rc = FOUINE_EINVAL;
        goto done;
    }
    buf = fouine_malloc((size_t)st.st_size + 1);
    if (!buf) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    while (got < (size_t)st.st_size) {
        n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            goto done;
        }
        if (n == 0) {
            break; /* the file shrank */
        }
        got += (size_t)n;
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    buf = NULL;
    rc = FOUINE_OK;
done:
    fouine_free(buf);
    if (fd >= 0) {
        close(fd);
    }
    return rc;
}

/* Hash a whole file by reading it in chunks.  Returns FOUINE_OK,
** FOUINE_EIO (errno set) or FOUINE_ENOMEM. */
static FOUINE_WUR int hash_file(const char *path, uint64_t *hash)
{
    char *buf = NULL;
    FILE *f = NULL;
    size_t n;
    int rc = FOUINE_EIO;
    *hash = FOUINE_HASH_INIT;
    buf = fouine_malloc(READ_CHUNK);
    f = fopen(path, "rb");
    if (!buf || !f) {
        rc = buf ? FOUINE_EIO : FOUINE_ENOMEM;
        goto done;
    }
    while ((n = fread(buf, 1, READ_CHUNK, f)) > 0) {
        *hash = fouine_hash64(*hash, buf, n);
    }
    if (!ferror(f)) {
        rc = FOUINE_OK;
    }
done:
    if (f) {
        fclose(f);
    }
    fouine_free(buf);
    return rc;
}

/* Parse an HTML page, saying its warnings (its reader decodes its
** charset itself). */
static FOUINE_WUR int parse_html(run *r,
                                 const fouine_input *f,
                                 fouine_article *a,
                                 fouine_skip *skip,
                                 const char *text,
                                 size_t len)
{
    fouine_html_info info;
    char warning[512];
    int rc = fouine_html_parse(a, skip, &info, text, len);
    int n = fouine_html_warnings(warning, sizeof warning, &info);
    if (n > 0) {
        pthread_mutex_lock(&r->lock);
        r->st->warnings += n;
        pthread_mutex_unlock(&r->lock);
        say(r, 1, "%s: %s", f->path, warning);
    }
    return rc;
}

/*
** Read a .txt, .json or .html file and queue its articles and its end.
** Returns 0, 1 when the writer stops, -1 on lack of memory.
*/
static FOUINE_WUR int read_whole(run *r,
                                 size_t i,
                                 int known,
                                 uint64_t old_hash,
                                 long old_articles)
{
    const fouine_input *f = &r->in.files[i];
    reading rd = { r, i, 0, known, 0, 0 };
    fouine_article a;
    fouine_skip skip = FOUINE_SKIP_UNREADABLE;
    char *buf = NULL, *fixed = NULL;
    const char *text;
    char err[200];
    size_t len = 0, nskipped = 0;
    uint64_t hash;
    int rc, out = 0;

    rc = slurp(f->path, r->opt->max_size, &buf, &len);
    if (rc == FOUINE_ENOMEM) {
        out = -1;
        goto done;
    }
    if (rc != FOUINE_OK) {
        skip = rc == FOUINE_EINVAL ? FOUINE_SKIP_TOO_LARGE :
                                     FOUINE_SKIP_UNREADABLE;
        say_skip(r, f, 0, skip,
                 rc == FOUINE_EINVAL ? "over the size limit" : strerror(errno));
        out = push_skip(r, i, skip, 1,
                        rc == FOUINE_EINVAL ? SKIP_DROP : SKIP_KEEP, known);
        goto done;
    }
    hash = fouine_hash64(FOUINE_HASH_INIT, buf, len);
    if (known && hash == old_hash) {
        out = push_simple(r, MSG_TOUCHED, i, hash, old_articles, 1);
        goto done;
    }
    text = buf;
    rc = f->kind == FOUINE_FILE_HTML ?
             FOUINE_OK :
             check_text(r, f, 0, &text, &len, &fixed, &skip);
    if (rc == FOUINE_ENOMEM) {
        out = -1;
        goto done;
    }
    if (rc != FOUINE_OK) {
        say_skip(r, f, 0, skip, NULL);
        out = push_skip(r, i, skip, 1, SKIP_DROP, known);
        goto done;
    }
    if (f->kind == FOUINE_FILE_JSON) {
        rc = fouine_json_parse(&skip, &nskipped, err, sizeof err, text, len,
                               push_article, &rd);
        if (rd.stopped) {
            out = rc == FOUINE_ENOMEM ? -1 : 1;
            goto done;
        }
        if (rc == FOUINE_ENOMEM) {
            out = -1;
            goto done;
        }
        if (nskipped > 0) {
            say_skip(r, f, 0, skip, err);
        }
        if (rc != FOUINE_OK) {
            out = push_skip(r, i, skip, (long)nskipped, SKIP_DROP, known);
            goto done;
        }
        if (nskipped > 0) {
            out = push_skip(r, i, skip, (long)nskipped, SKIP_PART, known);
            if (out) {
                goto done;
            }
        }
    } else {
        rc = f->kind == FOUINE_FILE_HTML ?
                 parse_html(r, f, &a, &skip, text, len) :
                 fouine_article_parse(&a, &skip, text, len);
        if (rc == FOUINE_ENOMEM) {
            out = -1;
            goto done;
        }
        if (rc != FOUINE_OK) {
            say_skip(r, f, 0, skip, NULL);
            out = push_skip(r, i, skip, 1, SKIP_DROP, known);
            goto done;
        }
        a.id = fouine_strdup(f->rel);
        if (!a.id) {
            fouine_article_clear(&a);
            out = -1;
            goto done;
        }
        rc = push_article(&a, &rd);
        if (rd.stopped) {
            /* Out of memory must not end the run as if it were complete:
            ** the files not read yet would count as removed. */
            out = rc == FOUINE_ENOMEM ? -1 : 1;
            goto done;
        }
    }
    out = push_simple(r, MSG_END, i, hash, rd.count, known);
done:
    fouine_free(fixed);
    fouine_free(buf);
    return out;
}

/* Note bytes read, for the progress line. */
static void add_done(run *r, int64_t n)
{
    pthread_mutex_lock(&r->lock);
    r->bytes_done += n;
    pthread_mutex_unlock(&r->lock);
}

/* Lines of a file, each kept up to a limit (longer ones are only
** measured), so that one huge line never takes the memory it would. */
typedef struct line_reader {
    FILE *f;         /* not owned */
    char *block;     /* READ_CHUNK bytes read ahead; owned */
    size_t pos;      /* next byte of block */
    size_t end;      /* bytes in block */
    fouine_buf line; /* the current line, without its end; owned */
    size_t max;      /* longest line kept */
    int too_long;    /* the current line is longer than max (not kept) */
    int after_cr;    /* the last line ended with "\r" at the end of block:
                        a "\n" next belongs to it */
} line_reader;

/* Append n bytes to the current line, unless it is already too long. */
static FOUINE_WUR int keep(line_reader *lr, const char *p, size_t n)
{
    if (lr->too_long) {
        return FOUINE_OK;
    }
    if (lr->line.len + n > lr->max) {
        lr->too_long = 1;
        lr->line.len = 0;
        return FOUINE_OK;
    }
    fouine_buf_append(&lr->line, p, n);
    return lr->line.failed ? FOUINE_ENOMEM : FOUINE_OK;
}

/*
** Read the next line, ended by "\n", "\r\n" or "\r": *raw gets the bytes
** it took in the file (0 at the end), which are also added to *hash.
** Returns FOUINE_OK, FOUINE_EIO or FOUINE_ENOMEM.
*/
static FOUINE_WUR int next_line(line_reader *lr, uint64_t *hash, size_t *raw)
{
    const char *p, *q, *end;
    size_t n;
    *raw = 0;
    lr->line.len = 0;
    lr->too_long = 0;
    for (;;) {
        if (lr->pos == lr->end) {
            lr->pos = 0;
            lr->end = fread(lr->block, 1, READ_CHUNK, lr->f);
            if (lr->end == 0) {
                return ferror(lr->f) ? FOUINE_EIO : FOUINE_OK;
            }
        }
        p = lr->block + lr->pos;
        end = lr->block + lr->end;
        if (lr->after_cr) {
            /* The "\n" of a "\r\n" cut by the block ends nothing. */
            lr->after_cr = 0;
            if (*p == '\n') {
                *hash = fouine_hash64(*hash, p, 1);
                lr->pos++;
                continue;
            }
        }
        for (q = p; q < end && *q != '\n' && *q != '\r'; q++) {
        }
        n = (size_t)(q - p);
        if (keep(lr, p, n) != FOUINE_OK) {
            return FOUINE_ENOMEM;
        }
        if (q < end) {
            n++;
            if (*q == '\r' && q + 1 < end && q[1] == '\n') {
                n++;
            } else if (*q == '\r' && q + 1 == end) {
                lr->after_cr = 1;
            }
        }
        *hash = fouine_hash64(*hash, p, n);
        *raw += n;
        lr->pos += n;
        if (q < end) {
            return FOUINE_OK;
        }
    }
}

/*
** Read a .jsonl file line by line and queue its articles and its end.
** Returns 0, 1 when the writer stops, -1 on lack of memory.
*/
static FOUINE_WUR int read_lines(run *r,
                                 size_t i,
                                 int known,
                                 uint64_t old_hash,
                                 long old_articles)
{
    const fouine_input *f = &r->in.files[i];
    reading rd = { r, i, 0, known, 0, 0 };
    fouine_skip skip = FOUINE_SKIP_UNREADABLE;
    line_reader lr;
    char *fixed = NULL;
    const char *text;
    char err[200];
    size_t len, nskipped, raw = 0;
    uint64_t hash = FOUINE_HASH_INIT;
    long lineno = 0;
    int rc, out = 0;

    memset(&lr, 0, sizeof lr);
    lr.max = r->opt->max_size;

    if (known) {
        rc = hash_file(f->path, &hash);
        if (rc == FOUINE_ENOMEM) {
            out = -1;
            goto done;
        }
        if (rc != FOUINE_OK) {
            say_skip(r, f, 0, FOUINE_SKIP_UNREADABLE, strerror(errno));
            out = push_skip(r, i, FOUINE_SKIP_UNREADABLE, 1, SKIP_KEEP, known);
            goto done;
        }
        if (hash == old_hash) {
            out = push_simple(r, MSG_TOUCHED, i, hash, old_articles, 1);
            goto done;
        }
        hash = FOUINE_HASH_INIT;
    }
    lr.block = fouine_malloc(READ_CHUNK);
    if (!lr.block) {
        out = -1;
        goto done;
    }
    lr.f = fopen(f->path, "rb");
    if (!lr.f) {
        say_skip(r, f, 0, FOUINE_SKIP_UNREADABLE, strerror(errno));
        out = push_skip(r, i, FOUINE_SKIP_UNREADABLE, 1, SKIP_KEEP, known);
        goto done;
    }
    while ((rc = next_line(&lr, &hash, &raw)) == FOUINE_OK && raw > 0) {
        lineno++;
        add_done(r, (int64_t)raw);
        len = lr.line.len;
        if (!lr.too_long && all_blank(lr.line.data, len)) {
            continue; /* blank lines between articles are fine */
        }
        if (lr.too_long) {
            say_skip(r, f, lineno, FOUINE_SKIP_TOO_LARGE,
                     "over the size limit");
            out = push_skip(r, i, FOUINE_SKIP_TOO_LARGE, 1, SKIP_PART, known);
            if (out) {
                goto done;
            }
            continue;
        }
        text = lr.line.data;
        rc = check_text(r, f, lineno, &text, &len, &fixed, &skip);
        if (rc == FOUINE_OK) {
            rd.lineno = lineno;
            rc = fouine_json_parse(&skip, &nskipped, err, sizeof err, text, len,
                                   push_article, &rd);
            if (rd.stopped) {
                out = rc == FOUINE_ENOMEM ? -1 : 1;
                goto done;
            }
        } else {
            nskipped = 1;
            err[0] = '\0';
        }
        fouine_free(fixed);
        fixed = NULL;
        if (rc == FOUINE_ENOMEM) {
            out = -1;
            goto done;
        }
        if (nskipped > 0) {
            say_skip(r, f, lineno, skip, err);
            out = push_skip(r, i, skip, (long)nskipped, SKIP_PART, known);
            if (out) {
                goto done;
            }
        }
    }
    if (rc == FOUINE_ENOMEM) {
        out = -1;
        goto done;
    }
    if (rc != FOUINE_OK) {
        say_skip(r, f, 0, FOUINE_SKIP_UNREADABLE, strerror(errno));
        out = push_skip(r, i, FOUINE_SKIP_UNREADABLE, 1, SKIP_KEEP, known);
        goto done;
    }
    out = push_simple(r, MSG_END, i, hash, rd.count, known);
done:
    fouine_free(fixed);
    fouine_free(lr.line.data);
    fouine_free(lr.block);
    if (lr.f) {
        fclose(lr.f);
    }
    return out;
}

/*
** Look a file up in the index: whether it is known, and its row.  When the
** lookup cannot tell (no statement, or an SQLite error), the file counts
** as known with nothing else known: it is read again, and the articles it
** gave before and no longer gives still go.  Only a rebuild, whose index
** starts empty, knows every file is new.
*/
static int lookup(run *r,
                  const fouine_input *f,
                  int64_t *size,
                  int64_t *mtime,
                  uint64_t *hash,
                  long *articles)
{
    sqlite3_stmt *s = r->lookup;
    const char *h;
    int known = 0, step;
    *size = -1;
    *mtime = -1;
    *hash = 0;
    *articles = 0;
    if (!s) {
        return !r->opt->rebuild;
    }
    sqlite3_bind_text(s, 1, f->key, -1, SQLITE_STATIC);
    step = sqlite3_step(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        known = 1; /* unsure */
    } else if (step == SQLITE_ROW) {
        known = 1;
        *size = sqlite3_column_int64(s, 0);
        *mtime = sqlite3_column_int64(s, 1);
        h = (const char *)sqlite3_column_text(s, 2);
        *hash = h ? strtoull(h, NULL, 16) : 0;
        *articles = (long)sqlite3_column_int64(s, 3);
    }
    sqlite3_reset(s);
    return known;
}

static void *reader_main(void *arg)
{
    run *r = arg;
    size_t i;
    int out = 0;

    for (i = 0; i < r->in.nfiles && out == 0; i++) {
        const fouine_input *f = &r->in.files[i];
        int64_t size, mtime;
        uint64_t hash;
        long articles;
        int known = lookup(r, f, &size, &mtime, &hash, &articles);
        if (known && size == f->size && mtime == f->mtime) {
            out = push_simple(r, MSG_UNCHANGED, i, hash, articles, 1);
            add_done(r, f->size);
            continue;
        }
        if (f->kind == FOUINE_FILE_JSONL) {
            out = read_lines(r, i, known, hash, articles);
        } else {
            out = read_whole(r, i, known, hash, articles);
            add_done(r, f->size);
        }
    }
    pthread_mutex_lock(&r->lock);
    r->st->reader_cpu = thread_cpu();
    r->reader_done = 1;
    if (out < 0) {
        r->reader_rc = FOUINE_ENOMEM;
    }
    pthread_cond_signal(&r->more);
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/*
** Writer side.
*/

/* Report an SQLite error of the writer. */
static FOUINE_WUR int db_error(run *r, writer *w, const char *what)
{
    int rc = fouine_store_error(w->db); /* before another call on db */
    say(r, 0, "%s: cannot write the index (%s): %s", r->opt->index, what,
        sqlite3_errmsg(w->db));
    return rc;
}

static FOUINE_WUR int exec(run *r, writer *w, const char *sql)
{
    if (sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        return db_error(r, w, sql);
    }
    return FOUINE_OK;
}

static FOUINE_WUR int begin(run *r, writer *w)
{
    int rc;
    if (w->in_txn) {
        return FOUINE_OK;
    }
    rc = fouine_index_begin(w->ix);
    if (rc != FOUINE_OK) {
        return rc == FOUINE_ENOMEM ? rc : db_error(r, w, "BEGIN IMMEDIATE");
    }
    w->in_txn = 1;
    w->txn_articles = 0;
    w->txn_bytes = 0;
    w->txn_start = now();
    return FOUINE_OK;
}

/* Commit, the words read since the last commit added to the lexicon
** first (kept for the next transaction if this one fails). */
static FOUINE_WUR int commit(run *r, writer *w)
{
    int rc;
    if (!w->in_txn) {
        return FOUINE_OK;
    }
    rc = fouine_index_commit(w->ix);
    if (rc != FOUINE_OK) {
        return rc == FOUINE_ENOMEM ? rc : db_error(r, w, "COMMIT");
    }
    w->in_txn = 0;
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

static int by_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
** Whether the source key is a file gone from the directories of this run:
** under one of them, not found there, not under a path that could not be
** read.  Its articles go at the end of the run (unless --no-delete).
*/
static int source_gone(const run *r, const char *key)
{
    size_t i;
    int walked = 0;
    if (r->opt->no_delete || under_blind(r, key)) {
        return 0;
    }
    for (i = 0; i < r->in.nroots && !walked; i++) {
        walked = fouine_path_under(key, r->in.roots[i]);
    }
    return walked && (r->in.nfiles == 0 || !bsearch(&key, r->keys, r->in.nfiles,
                                                    sizeof *r->keys, by_key));
}

/* SQL fouine_gone(path): source_gone() for the statements of the writer
** (user data: the run). */
static void gone_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const run *r = sqlite3_user_data(ctx);
    const char *key = (const char *)sqlite3_value_text(argv[0]);
    (void)argc;
    sqlite3_result_int(ctx, key && source_gone(r, key));
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
static FOUINE_WUR int write_article(run *r, writer *w, const msg *m)
{
    const fouine_input *f = &r->in.files[m->file];
    const fouine_article *a = &m->a;
    const char *const texts[3] = { a->title, a->lead, a->body };
    const char *src = NULL;
    sqlite3_stmt *s;
    sqlite3_int64 rowid = 0;
    char hex[FOUINE_HASH_HEX_SIZE], old[FOUINE_HASH_HEX_SIZE];
    int found = 0, same_source = 0, conflict = 0, rc;

    fouine_hash_hex(hex, m->hash);
    rc = fouine_index_find(&found, &rowid, old, &src, w->ix, a->id);
    if (rc != FOUINE_OK) {
        return rc == FOUINE_ENOMEM ? rc : db_error(r, w, "article lookup");
    }
    if (found) {
        same_source = src && strcmp(src, f->key) == 0;
        /* The id belongs to its source while that source gives it; one
        ** gone from the directories of this run hands it over now. */
        conflict = !same_source && src && !source_gone(r, src);
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
            say(r, 2, "indexed %s (%s)", a->id, f->path);
        } else {
            r->st->updated++;
            say(r, 2, "updated %s (%s)", a->id, f->path);
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
        say(r, 1, "%s: %ld article%s no longer in the file: removed", f->path,
            n, n > 1 ? "s" : "");
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
            say(r, 2, "updated %s (now from %s)", column_text(s, 0),
                shown(r, column_text(s, 1)));
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
        s = w->stmt[W_PUT_SOURCE];
        fouine_hash_hex(hex, m->hash);
        sqlite3_bind_text(s, 1, f->key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, f->size);
        sqlite3_bind_int64(s, 3, f->mtime);
        sqlite3_bind_text(s, 4, hex, -1, SQLITE_TRANSIENT);
        rc = step_done(r, w, W_PUT_SOURCE);
    }
    if (rc == FOUINE_OK) {
        rc = seen(r, w, f);
    }
    w->file_articles = 0;
    return rc;
}

/* Handle one message. */
static FOUINE_WUR int handle(run *r, writer *w, const msg *m)
{
    const fouine_input *f = &r->in.files[m->file];
    sqlite3_stmt *s;
    int rc = begin(r, w);
    if (rc != FOUINE_OK) {
        return rc;
    }
    switch (m->type) {
    case MSG_ARTICLE:
        if (m->words && w->sink) {
            rc = fouine_lexsink_take(w->sink, m->words);
            if (rc != FOUINE_OK) {
                return rc;
            }
        }
        return write_article(r, w, m);
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

/* Draw the progress line: files done of total, articles/s, time left. */
static void progress(run *r, writer *w, double start)
{
    double t = now(), elapsed = t - start, left = 0, frac;
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
        free_msg(m);
    }
    r->head = r->tail = NULL;
    r->queued = 0;
    pthread_cond_broadcast(&r->room);
    pthread_mutex_unlock(&r->lock);
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

/* A growing list of strings. */
typedef struct strings {
    char **v;   /* the strings, each owned */
    size_t n;   /* their number */
    size_t cap; /* room in v */
} strings;

static void strings_free(strings *l)
{
    size_t i;
    for (i = 0; i < l->n; i++) {
        fouine_free(l->v[i]);
    }
    fouine_free(l->v);
    memset(l, 0, sizeof *l);
}

/*
** Step s to its end, adding the first column of its rows to l (NULLs and,
** when skip_blind, paths under fouine_inputs.blind left out), then reset
** it.  Returns FOUINE_OK, FOUINE_ENOMEM or the error of db_error().
*/
static FOUINE_WUR int collect(run *r,
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

/* Remove the articles of files gone from the directories given. */
static FOUINE_WUR int remove_gone(run *r, writer *w)
{
    strings gone = { 0 };
    size_t i, k;
    int rc = FOUINE_OK;

    for (k = 0; k < r->in.nroots && rc == FOUINE_OK; k++) {
        rc = bind_under(w->stmt[W_GONE], r->in.roots[k]);
        if (rc == FOUINE_OK) {
            rc = collect(r, w, W_GONE, 1, &gone);
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
            say(r, 2, "removed %ld articles of %s (gone)", n,
                shown(r, gone.v[i]));
        }
    }
    strings_free(&gone);
    return rc;
}

/*
** Record the directories given that no root of the index holds (their
** ids are relative to them), in place of the roots they hold.  The text
** files already indexed under them (alone, or under those roots) were
** named otherwise: they are marked to be read again, to be named anew.
*/
static FOUINE_WUR int record_roots(run *r, writer *w)
{
    static const int under[] = { W_DEL_INNER_ROOTS, W_RENAME_UNDER };
    size_t i, k;
    int rc = FOUINE_OK;
    if (r->in.nnew_roots == 0) {
        return FOUINE_OK;
    }
    rc = begin(r, w);
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
    return rc == FOUINE_OK ? commit(r, w) : rc;
}

/* Say and count the conflicts of this run that stand at its end: a file
** gave an id that another source gives. */
static FOUINE_WUR int report_conflicts(run *r, writer *w)
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
        count_warning(r);
        say(r, 1,
            "%s%s: id conflict: '%s' is already given by %s; this copy is "
            "not indexed (it will be if that file stops giving it)",
            column_text(s, 0), where, column_text(s, 2),
            shown(r, column_text(s, 3)));
    }
    sqlite3_reset(s);
    return step == SQLITE_DONE ? FOUINE_OK :
                                 db_error(r, w, writer_sql[W_CONFLICTS]);
}

/* Sort the keys of the inputs (run.keys), for source_gone(). */
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
    qsort(r->keys, r->in.nfiles, sizeof *r->keys, by_key);
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
    say(r, 1, "%s: skipped: %s", path, what);
}

/* Whether an existing file is a fouine index (of any version) or empty,
** so that --rebuild may remove it. */
static int removable_index(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int ok = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
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

/* --rebuild: remove an index file and its WAL (the new index beside the
** index, one left by a killed rebuild). */
static FOUINE_WUR int remove_index(run *r)
{
    static const char *const suffixes[] = { "-wal", "-shm", "" };
    char name[4096];
    struct stat st;
    size_t i;
    if (stat(r->opt->index, &st) != 0) {
        return FOUINE_OK;
    }
    if (!removable_index(r->opt->index)) {
        say(r, 0, "%s: not a fouine index: --rebuild leaves it alone",
            r->opt->index);
        return FOUINE_ESCHEMA;
    }
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        int n = snprintf(name, sizeof name, "%s%s", r->opt->index, suffixes[i]);
        if (n < 0 || (size_t)n >= sizeof name) {
            /* A cut name could be another file: remove nothing. */
            say(r, 0, "%s: path too long for --rebuild", r->opt->index);
            return FOUINE_EINVAL;
        }
        if (unlink(name) != 0 && errno != ENOENT) {
            say(r, 0, "%s: cannot remove it: %s", name, strerror(errno));
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

/* Copy the complete index at from over the index at to. */
static FOUINE_WUR int copy_over(run *r, const char *from, const char *to)
{
    sqlite3 *src = NULL, *dst = NULL;
    sqlite3_backup *b = NULL;
    int rc = FOUINE_EDB, step, finish;
    if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        say(r, 0, "%s: cannot read the rebuilt index: %s", from,
            sqlite3_errmsg(src));
        goto done;
    }
    if (sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        say(r, 0, "%s: cannot open it to write the rebuilt index: %s", to,
            sqlite3_errmsg(dst));
        goto done;
    }
    sqlite3_busy_timeout(dst, REBUILD_BUSY_MS);
    b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        say(r, 0, "%s: cannot write the rebuilt index: %s", to,
            sqlite3_errmsg(dst));
        goto done;
    }
    step = sqlite3_backup_step(b, -1); /* every page, one transaction */
    finish = sqlite3_backup_finish(b);
    if (step != SQLITE_DONE || finish != SQLITE_OK) {
        say(r, 0, "%s: cannot write the rebuilt index: %s (it is unchanged)",
            to, sqlite3_errmsg(dst));
        rc = step == SQLITE_NOMEM ? FOUINE_ENOMEM : FOUINE_EDB;
        goto done;
    }
    /* Give back the room the copy took in the WAL, unless readers still
    ** use it: then it is reused by the next writes. */
    if (sqlite3_exec(dst, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
                     NULL) != SQLITE_OK) {
        say(r, 2, "%s: WAL kept: %s", to, sqlite3_errmsg(dst));
    }
    rc = FOUINE_OK;
done:
    sqlite3_close(src);
    sqlite3_close(dst);
    return rc;
}

/* Build the index anew beside it, then copy it over (see above). */
static FOUINE_WUR int rebuild_beside(fouine_run_stats *out,
                                     const fouine_run_options *opt)
{
    fouine_run_options beside = *opt;
    char tmp[4096];
    double start;
    run t; /* for say() and remove_index() on the new file */
    int rc, n;

    memset(out, 0, sizeof *out);
    memset(&t, 0, sizeof t);
    t.opt = opt;
    pthread_mutex_init(&t.lock, NULL);
    if (!removable_index(opt->index)) {
        say(&t, 0, "%s: not a fouine index: --rebuild leaves it alone",
            opt->index);
        rc = FOUINE_ESCHEMA;
        goto done;
    }
    n = snprintf(tmp, sizeof tmp, "%s" REBUILD_SUFFIX, opt->index);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        say(&t, 0, "%s: path too long for --rebuild", opt->index);
        rc = FOUINE_EINVAL;
        goto done;
    }
    beside.index = tmp;
    t.opt = &beside;
    rc = remove_index(&t);
    if (rc == FOUINE_OK) {
        rc = fouine_index_run(out, &beside); /* tmp is absent: a new index */
    }
    if (rc == FOUINE_OK && out->interrupted) {
        say(&t, 0, "%s: rebuild stopped: the index is unchanged", opt->index);
    } else if (rc == FOUINE_OK) {
        start = now();
        rc = copy_over(&t, tmp, opt->index);
        out->seconds += now() - start;
    }
    if (remove_index(&t) != FOUINE_OK && rc == FOUINE_OK) {
        rc = FOUINE_EIO;
    }
done:
    pthread_mutex_destroy(&t.lock);
    return rc;
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
    if (rc == FOUINE_ESCHEMA) {
        say(r, 0,
            "%s: not an index of this version of fouine (schema %d): index "
            "into a new file, or use --rebuild",
            r->opt->index, FOUINE_SCHEMA_VERSION);
    } else if (stat(dir, &st) != 0) {
        say(r, 0, "%s: cannot create the index: directory %s: %s",
            r->opt->index, dir, strerror(errno));
    } else if (access(dir, W_OK) != 0) {
        say(r, 0, "%s: cannot write the index: directory %s is read-only",
            r->opt->index, dir);
    } else if (os_error(r->opt->index) != 0) {
        say(r, 0, "%s: cannot create or write the index: %s", r->opt->index,
            strerror(errno));
    } else {
        say(r, 0, "%s: cannot open the index: %s", r->opt->index,
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
        say(r, 0, "%s: the plain tokenizer needs a new index", r->opt->index);
        return FOUINE_EINVAL;
    }
    return exec(r, w, sql);
}

/* Open the index for writing and prepare the writer. */
static FOUINE_WUR int open_writer(run *r, writer *w)
{
    int rc, i;
    if (r->opt->rebuild) {
        rc = remove_index(r);
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
        say(r, 0, "%s: %s", r->opt->index, sqlite3_errmsg(w->db));
        return FOUINE_EIO;
    }
    if (r->opt->plain) {
        rc = use_plain_tokenizer(r, w);
        if (rc != FOUINE_OK) {
            return rc;
        }
    }
    rc = exec(r, w, FTS_LOAD_SQL);
    if (rc != FOUINE_OK) {
        return rc;
    }
    if (sqlite3_create_function(w->db, "fouine_gone", 1,
                                SQLITE_UTF8 | SQLITE_DIRECTONLY, r, gone_sql,
                                NULL, NULL) != SQLITE_OK) {
        return db_error(r, w, "fouine_gone()");
    }
    rc = exec(r, w,
              "CREATE TEMP TABLE touched(rowid INTEGER PRIMARY KEY);"
              "CREATE TEMP TABLE touched_dup(rowid INTEGER PRIMARY KEY);"
              "CREATE TEMP TABLE seen(path TEXT PRIMARY KEY);"
              "CREATE TEMP TABLE conflict(rowid INTEGER PRIMARY KEY,"
              "  dup INTEGER UNIQUE, path TEXT, line INTEGER);"
              "CREATE TEMP TABLE retake(article INTEGER PRIMARY KEY,"
              "  dup INTEGER);");
    for (i = 0; i < W_COUNT && rc == FOUINE_OK; i++) {
        if (sqlite3_prepare_v3(w->db, writer_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &w->stmt[i],
                               NULL) != SQLITE_OK) {
            rc = db_error(r, w, writer_sql[i]);
        }
    }
    return rc;
}

static void close_writer(writer *w)
{
    int i;
    for (i = 0; i < W_COUNT; i++) {
        sqlite3_finalize(w->stmt[i]);
    }
    fouine_index_close(w->ix); /* rolls back a transaction left open */
}

/* Open the reader's connection (a missing lookup only costs speed). */
static void open_reader(run *r)
{
    if (fouine_store_open(&r->rdb, r->opt->index, FOUINE_STORE_READ) !=
            FOUINE_OK ||
        sqlite3_prepare_v2(r->rdb,
                           "SELECT size, mtime, hash, articles FROM source"
                           " WHERE path = ?1",
                           -1, &r->lookup, NULL) != SQLITE_OK) {
        sqlite3_finalize(r->lookup);
        r->lookup = NULL;
    }
}

/* After a large load, merge the FTS5 segments. */
static FOUINE_WUR int merge_segments(run *r, writer *w)
{
    long written = r->st->indexed + r->st->updated + r->st->removed;
    int rc = exec(r, w, FTS_AUTOMERGE_SQL);
    if (rc == FOUINE_OK && written >= OPTIMIZE_MIN) {
        say(r, 2, "merging the index segments");
        rc = exec(r, w, FTS_OPTIMIZE_SQL);
    } else if (rc == FOUINE_OK && written > 0) {
        rc = exec(r, w, FTS_MERGE_SQL);
    }
    return rc;
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
    double start = now();
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
        return rebuild_beside(out, opt);
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
    rc = open_writer(&r, &w);
    if (rc == FOUINE_OK) {
        rc = collect(&r, &w, W_ROOTS, 0, &roots);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_walk(&r.in, opt->paths, opt->npaths,
                         (const char *const *)roots.v, roots.n, walk_problem,
                         &r);
    }
    if (rc == FOUINE_OK) {
        rc = record_roots(&r, &w);
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
        open_reader(&r);
    }
    if (!opt->plain && fouine_analyzer_new(&r.an) != FOUINE_OK) {
        r.an = NULL; /* the writer will analyze everything */
    }
    if (pthread_create(&reader, NULL, reader_main, &r) != 0) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    started = 1;
    while ((m = pop(&r)) != NULL) {
        rc = handle(&r, &w, m);
        free_msg(m);
        if (rc != FOUINE_OK) {
            break;
        }
        if (opt->stop && *opt->stop) {
            out->interrupted = 1;
            break;
        }
        if (w.in_txn &&
            (w.txn_articles >= opt->batch || w.txn_bytes >= TXN_BYTES ||
             now() - w.txn_start > TXN_SECONDS)) {
            rc = commit(&r, &w);
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
    rc = commit(&r, &w);
    if (rc == FOUINE_OK && out->interrupted) {
        sqlite3_exec(w.db, FTS_AUTOMERGE_SQL, NULL, NULL, NULL);
    }
    if (rc == FOUINE_OK && out->interrupted) {
        rc = report_conflicts(&r, &w);
    }
    if (rc != FOUINE_OK || out->interrupted) {
        goto done;
    }
    if (!opt->no_delete) {
        rc = begin(&r, &w);
        if (rc == FOUINE_OK) {
            rc = remove_gone(&r, &w);
        }
    }
    if (rc == FOUINE_OK) {
        rc = exec(&r, &w,
                  "INSERT OR REPLACE INTO meta VALUES"
                  " ('updated', datetime('now'))");
    }
    if (rc == FOUINE_OK) {
        rc = commit(&r, &w);
    }
    if (rc == FOUINE_OK) {
        rc = merge_segments(&r, &w);
    }
    if (rc == FOUINE_OK) {
        rc = report_conflicts(&r, &w);
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
    close_writer(&w);
    strings_free(&roots);
    fouine_free(r.keys);
    fouine_inputs_free(&r.in);
    pthread_cond_destroy(&r.more);
    pthread_cond_destroy(&r.room);
    pthread_mutex_destroy(&r.lock);
    out->seconds = now() - start;
    out->writer_cpu = thread_cpu();
    return rc;
}
