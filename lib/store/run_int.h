/*
** run_int.h: what the files of an indexing run share (run.c the run and
** its queue, run_read.c the reader thread, run_write.c the writer,
** run_rebuild.c --rebuild); not part of the library's interface.
*/
#ifndef FOUINE_RUN_INT_H
#define FOUINE_RUN_INT_H

#include "indexer.h"

#include "store.h"

#include <pthread.h>
#include <stdint.h>

#define QUEUE_BYTES  (16u << 20) /* text in flight between the threads */
#define TXN_BYTES    (64u << 20) /* text a transaction, at most */
#define TXN_SECONDS  10.0        /* a transaction lasts at most this */
#define OPTIMIZE_MIN 1000        /* articles written before 'optimize' */
#define READ_CHUNK   (1u << 16)  /* hashing reads */
/* Text of the new articles held back to be written in one statement, of
** which FTS5 makes one segment (see fouine_run_flush()). */
#define BATCH_BYTES (1u << 20)

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
    fouine_near_sig sig;   /* MSG_ARTICLE: its fingerprint, made by the
                              reader from tok (sig.valid 0: none) */
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
    W_BATCH_HAS,
    W_BATCH_ADD,
    W_BATCH_ADD_COMMENT,
    W_BATCH_ADD_SOURCE,
    W_BATCH_ARTICLES,
    W_BATCH_COMMENTS,
    W_BATCH_SOURCES,
    W_BATCH_CLEAR,
    W_BATCH_CLEAR_COMMENTS,
    W_BATCH_CLEAR_SOURCES,
    W_COUNT
};

/* The writer's state. */
typedef struct writer {
    fouine_index *ix;            /* the index; owned */
    sqlite3 *db;                 /* its connection; owned by ix */
    sqlite3_stmt *stmt[W_COUNT]; /* owned */
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
    msg *batch;                  /* new articles of new files, held back to
                                    be written together (see
                                    fouine_run_flush()), in order; the
                                    messages are owned, linked by next */
    msg *batch_tail;             /* the last of them */
    size_t batch_bytes;          /* their text (titles, leads, bodies and
                                    comments), in bytes */
    int batch_sources;           /* source rows held back with them */
    const char **batch_texts;    /* their texts for the replay; owned */
    fouine_pretok *batch_toks;   /* their tokens: copies of the messages'
                                    records, whose buffers stay the
                                    messages'; the array is owned */
    size_t batch_cap;            /* room in batch_texts and batch_toks */
} writer;

/* A growing list of strings. */
typedef struct strings {
    char **v;   /* the strings, each owned */
    size_t n;   /* their number */
    size_t cap; /* room in v */
} strings;

/*
** run.c: time, messages, the queue.
*/

/* CPU time of the calling thread, in seconds. */
double fouine_run_thread_cpu(void);

/* Wall-clock time, in seconds (monotonic). */
double fouine_run_now(void);

/* Print a message on stderr when the verbosity is at least level. */
void fouine_run_say(run *r, int level, const char *fmt, ...)
    FOUINE_PRINTF(3, 4);

/* A source key as messages show it: relative to the working directory
** when it lies under it. */
const char *fouine_run_shown(const run *r, const char *key);

/* A column of text, "" for NULL. */
const char *fouine_run_column_text(sqlite3_stmt *s, int col);

/* Queue a message (taking it), waiting for room.  Returns 0, or 1 when the
** writer is stopping (the message is freed). */
FOUINE_WUR int fouine_run_push(run *r, msg *m);

/* Queue a message of a type with no article. */
FOUINE_WUR int fouine_run_push_simple(run *r,
                                      int type,
                                      size_t file,
                                      uint64_t hash,
                                      long articles,
                                      int known);

/* Queue a skip of count inputs of a file (scope: SKIP_*); known: the file
** has a source row. */
FOUINE_WUR int fouine_run_push_skip(run *r,
                                    size_t file,
                                    fouine_skip reason,
                                    long count,
                                    int scope,
                                    int known);

/* Free a message and what it owns (NULL is fine). */
void fouine_run_free_msg(msg *m);

/* strlen(), 0 for NULL. */
size_t fouine_run_slen(const char *s);

/* Count a warning (either thread). */
void fouine_run_count_warning(run *r);

/*
** run_read.c: the reader thread.
*/

/* Open the reader's connection (a missing lookup only costs speed). */
void fouine_run_open_reader(run *r);

/* The reader thread: arg is the run; queues its messages, the last with
** reader_done set. */
void *fouine_run_reader_main(void *arg);

/*
** run_write.c: the writer.
*/

/* Run SQL on the writer's connection, saying its error. */
FOUINE_WUR int fouine_run_exec(run *r, writer *w, const char *sql);

/* Begin a write transaction, unless one is open. */
FOUINE_WUR int fouine_run_begin(run *r, writer *w);

/* Commit, the words read since the last commit added to the lexicon
** first (kept for the next transaction if this one fails). */
FOUINE_WUR int fouine_run_commit(run *r, writer *w);

/*
** Whether the source key is a file gone from the directories of this run:
** under one of them, not found there, not under a path that could not be
** read.  Its articles go at the end of the run (unless --no-delete).
*/
int fouine_run_source_gone(const run *r, const char *key);

/* Handle one message.  *kept is set to 1 when the writer keeps it (a new
** article held back: see fouine_run_flush()), the message then being the
** writer's; else the caller still owns it. */
FOUINE_WUR int fouine_run_handle(run *r, writer *w, msg *m, int *kept);

/*
** Write the articles held back (new articles of files the index did not
** know, and those files' source rows) in three statements: SQLite makes
** every statement that writes through a trigger into FTS5 open a
** savepoint, and FTS5 (3.40) writes its pending terms to a new segment at
** each savepoint, so writing articles one statement each made one segment
** an article (and merges of them), whatever its 'hashsize'.  Called
** before anything else is written, before each COMMIT and at the end.
** Returns FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM.
*/
FOUINE_WUR int fouine_run_flush(run *r, writer *w);

/* Free the strings of l and l's array; zero it. */
void fouine_run_strings_free(strings *l);

/*
** Step s to its end, adding the first column of its rows to l (NULLs and,
** when skip_blind, paths under fouine_inputs.blind left out), then reset
** it.  Returns FOUINE_OK, FOUINE_ENOMEM or the error of db_error().
*/
FOUINE_WUR int fouine_run_collect(run *r,
                                  writer *w,
                                  int which,
                                  int skip_blind,
                                  strings *l);

/* Remove the articles of files gone from the directories given. */
FOUINE_WUR int fouine_run_remove_gone(run *r, writer *w);

/*
** Record the directories given that no root of the index holds (their
** ids are relative to them), in place of the roots they hold.  The text
** files already indexed under them (alone, or under those roots) were
** named otherwise: they are marked to be read again, to be named anew.
*/
FOUINE_WUR int fouine_run_record_roots(run *r, writer *w);

/* qsort() order of source keys (strcmp()). */
int fouine_run_by_key(const void *a, const void *b);

/* Say and count the conflicts of this run that stand at its end: a file
** gave an id that another source gives. */
FOUINE_WUR int fouine_run_report_conflicts(run *r, writer *w);

/* Open the index for writing and prepare the writer. */
FOUINE_WUR int fouine_run_open_writer(run *r, writer *w);

/* Finalize the writer's statements and close its index (rolling back a
** transaction left open). */
void fouine_run_close_writer(writer *w);

/* After a large load, merge the FTS5 segments. */
FOUINE_WUR int fouine_run_merge_segments(run *r, writer *w);

/*
** run_rebuild.c: --rebuild.
*/

/* --rebuild: remove an index file and its WAL (the new index beside the
** index, one left by a killed rebuild). */
FOUINE_WUR int fouine_run_remove_index(run *r);

/* Whether the existing file at path is a fouine index (of any version) or
** an empty database, which --rebuild may remove (run_rebuild.c). */
int fouine_run_removable_index(const char *path);

/* Build the index anew beside it, then copy it over (see above). */
FOUINE_WUR int fouine_run_rebuild_beside(fouine_run_stats *out,
                                         const fouine_run_options *opt);

#endif /* FOUINE_RUN_INT_H */
