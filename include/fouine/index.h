/*
** fouine/index.h: a fouine index, one SQLite file, as an opaque handle:
** open or create it, write articles into it in transactions, look one up,
** remove one; or index directories of article files as fouine-index does.
**
** The handle owns its SQLite connection, the "french" tokenizer registered
** on it and, for a writable index, the words its writes add to the
** lexicon (the table of every word the index holds, which searches read:
** see README, "What a word finds").  Every statement that writes an
** article goes through this handle.
**
** Thread safety: a handle is used by one thread at a time.  Several
** handles, in as many threads or processes, may open the same file: any
** number of readers and one writer at a time (SQLite's WAL mode); a reader
** sees the articles of the writes committed before its read began.
*/
#ifndef FOUINE_INDEX_H
#define FOUINE_INDEX_H

#include <signal.h>
#include <stddef.h>

#include "fouine/buf.h"
#include "fouine/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fouine_index fouine_index;

/* Flags of fouine_index_open(). */
#define FOUINE_INDEX_READ 0x0 /* read only; the file must exist */
#define FOUINE_INDEX_WRITE \
    0x1 /* read-write; a missing or empty file is
                                  created with the schema */
#define FOUINE_INDEX_MMAP \
    0x2 /* with READ: the file mapped in memory and a
                                  larger page cache, for a long-lived reader
                                  (the threads of a server then share the
                                  system's page cache) */

/* One reader comment of an article. */
typedef struct fouine_comment {
    char *date; /* ISO 8601 ("2018-04-18T09:48:00"), or NULL */
    char *body; /* its lines joined by "\n"; never NULL */
} fouine_comment;

/*
** One article.  Strings are NUL-terminated UTF-8, or NULL when absent.
** An article filled by the library (fouine_index_get(), the article
** readers) owns its strings: release it with fouine_article_clear().  One
** that the caller fills to write it keeps its own strings: the library
** only reads them (never call fouine_article_clear() on it: it would
** fouine_free() them).
*/
typedef struct fouine_article {
    char *id;                 /* stable id, unique in the index; required */
    char *title;              /* "" or NULL: untitled (shown by its lead) */
    char *date;               /* ISO 8601, "2018-04-18T09:26:00" or
                                 "2020-07-02", or NULL */
    char *category;           /* section, e.g. "Internet", or NULL */
    char *url;                /* or NULL */
    char *author;             /* or NULL */
    char *lead;               /* first paragraph (the chapô), or NULL */
    char *body;               /* the other paragraphs, separated by "\n\n",
                                 or NULL */
    int reading_time;         /* minutes ("2 min"), 0 when not given */
    fouine_comment *comments; /* reader comments, in order */
    size_t ncomments;         /* their number */
    fouine_buf notes;         /* readers: what is wrong with the input but
                                 did not stop the article, one line each;
                                 not written to the index */
} fouine_article;

/** Release what an article owns and zero it.  NULL fields are fine. */
void fouine_article_clear(fouine_article *a);

/**
 * Open an index.
 *
 * @param[out] out the handle (fouine_index_close()); NULL on failure
 * @param path the index file
 * @param flags FOUINE_INDEX_READ or FOUINE_INDEX_WRITE
 * @return FOUINE_OK; FOUINE_EIO when the file is missing (READ) or cannot
 *         be opened or created; FOUINE_ESCHEMA when it is not a fouine
 *         index or one of another schema version (index it again with
 *         `fouine-index --rebuild`); FOUINE_EDB; FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_index_open(fouine_index **out,
                                 const char *path,
                                 int flags);

/**
 * Close an index; a transaction still open is rolled back.  NULL is
 * accepted.
 */
void fouine_index_close(fouine_index *ix);

/**
 * Begin a transaction.  On a writable index, a write transaction
 * (SQLite's BEGIN IMMEDIATE: it waits up to the busy timeout for another
 * writer to finish).  On a read-only one, a read transaction: every
 * search, lookup and count until fouine_index_commit() sees the index as
 * one commit left it, whatever is written meanwhile (a server does so for
 * each request).
 *
 * @return FOUINE_OK; FOUINE_EINVAL when a transaction is open;
 *         FOUINE_EDB (busy, read-only file...)
 */
FOUINE_WUR int fouine_index_begin(fouine_index *ix);

/**
 * Commit the transaction: the lexicon gets the new words first, so that
 * readers see the articles and their words at once, and when articles
 * were written, the index notes the time (fouine_index_updated()).  A
 * read transaction just ends.
 *
 * @return FOUINE_OK; FOUINE_EINVAL when no transaction is open;
 *         FOUINE_EDB or FOUINE_ENOMEM (the transaction is then still open:
 *         commit again or roll back)
 */
FOUINE_WUR int fouine_index_commit(fouine_index *ix);

/**
 * Roll the transaction back.  Without one, nothing happens.
 *
 * @return FOUINE_OK or FOUINE_EDB
 */
FOUINE_WUR int fouine_index_rollback(fouine_index *ix);

/**
 * Write an article: added, or in place of the article of the same id
 * (its comments replaced too).  Articles written this way have no source
 * file: a later `fouine-index` run over directories never removes them,
 * but a file of such a run that gives the same id takes the article over
 * (it is the file's from then on).
 * Outside a transaction, the write is a transaction of its own.
 *
 * @param[out] replaced set to 1 when an article of that id was replaced,
 *             0 when the article is new; may be NULL
 * @param ix   a writable index
 * @param a    the article (read only; id required)
 * @return FOUINE_OK; FOUINE_EINVAL (read-only index, no id, invalid
 *         UTF-8 or a date that is not ISO 8601); FOUINE_EDB; FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_index_put(int *replaced,
                                fouine_index *ix,
                                const fouine_article *a);

/**
 * Rewrite the article of a->id, which must be in the index (its source
 * file, if it has one, is kept).
 *
 * @return as fouine_index_put(), and FOUINE_ENOTFOUND when no article has
 *         that id
 */
FOUINE_WUR int fouine_index_update(fouine_index *ix, const fouine_article *a);

/**
 * Remove the article of that id, and its comments.
 *
 * @return FOUINE_OK; FOUINE_ENOTFOUND; FOUINE_EINVAL (read-only index);
 *         FOUINE_EDB; FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_index_remove(fouine_index *ix, const char *id);

/**
 * Look an article up by id.
 *
 * @param[out] out the article with its comments, zeroed first; release
 *             with fouine_article_clear() (also on failure)
 * @param ix   the index
 * @param id   its id
 * @return FOUINE_OK; FOUINE_ENOTFOUND; FOUINE_EDB; FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_index_get(fouine_article *out,
                                fouine_index *ix,
                                const char *id);

/**
 * How many articles the index holds.
 *
 * @param[out] out their number
 * @return FOUINE_OK or FOUINE_EDB
 */
FOUINE_WUR int fouine_index_count(long long *out, fouine_index *ix);

/**
 * When the index last changed: the time its last write transaction
 * committed, as the index noted it, else (an index that never noted it)
 * the newer modification time of the file and of its WAL.
 *
 * @param[out] out ISO 8601 in UTC, "2019-04-16T08:12:00Z" (fouine_free()),
 *             or NULL when neither is known
 * @return FOUINE_OK; FOUINE_EDB; FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_index_updated(char **out, fouine_index *ix);

/* A category and how many articles it has. */
typedef struct fouine_category {
    char *name;      /* e.g. "Internet": never NULL nor "" */
    long long count; /* articles */
} fouine_category;

/**
 * The categories of the index, the most frequent first (ties by name).
 *
 * @param[out] out   the categories (fouine_categories_free()), or NULL
 *                   when there is none
 * @param[out] n     their number
 * @param ix         the index
 * @param max        the most to give; 0 for all
 * @return FOUINE_OK; FOUINE_EDB; FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_index_categories(fouine_category **out,
                                       size_t *n,
                                       fouine_index *ix,
                                       size_t max);

/** Release categories (n of them).  NULL is accepted. */
void fouine_categories_free(fouine_category *c, size_t n);

/**
 * Prepare SQLite for a process in which many threads search at once: its
 * global memory statistics are turned off, as they put one mutex around
 * every allocation SQLite makes, in every thread
 * (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)).  Optional; to be called
 * before anything in the process uses SQLite.
 *
 * @return FOUINE_OK; FOUINE_EINVAL when SQLite is already in use (nothing
 *         changed)
 */
FOUINE_WUR int fouine_init_threaded(void);

/* Why an input (a file, a JSON line, a directory) was not indexed. */
typedef enum fouine_skip {
    FOUINE_SKIP_MISSING = 0, /* the path given does not exist */
    FOUINE_SKIP_UNREADABLE,  /* a file or directory that cannot be read */
    FOUINE_SKIP_LOOP,        /* a symbolic link loop */
    FOUINE_SKIP_TOO_LONG,    /* a path longer than PATH_MAX */
    FOUINE_SKIP_TOO_LARGE,   /* over the size limit */
    FOUINE_SKIP_BINARY,      /* NUL bytes: not text */
    FOUINE_SKIP_EMPTY,       /* nothing but white space */
    FOUINE_SKIP_NO_TEXT,     /* no title, lead nor body */
    FOUINE_SKIP_BAD_JSON,    /* JSON that does not parse, or not an object */
    FOUINE_SKIP_NO_ID,       /* a JSON article with neither id nor url */
    FOUINE_SKIP_COUNT        /* number of reasons */
} fouine_skip;

/** A short English name of a skip reason ("too large"); static. */
const char *fouine_skip_name(fouine_skip reason);

/* What fouine_extract() found, in the order of the file. */
typedef enum fouine_extract_kind {
    FOUINE_EXTRACT_FILE = 0, /* the file was read (text: its format,
                                "text", "json", "jsonl" or, for a page,
                                "html, " and the character set and where
                                it was declared) */
    FOUINE_EXTRACT_ARTICLE,  /* an article (article) */
    FOUINE_EXTRACT_WARNING,  /* something wrong that did not stop the
                                input, e.g. invalid UTF-8 replaced (text) */
    FOUINE_EXTRACT_SKIP      /* an input not indexed (skip; text: a detail
                                or NULL): the file, or a line of a .jsonl
                                file */
} fouine_extract_kind;

/* One thing found, for the callback of fouine_extract(). */
typedef struct fouine_extract_event {
    fouine_extract_kind kind;
    long line;               /* the .jsonl line it is about; 0 for the
                                whole file */
    fouine_article *article; /* ARTICLE: the callback may keep its strings
                                and must then zero it; the library clears
                                what is left after the call */
    fouine_skip skip;        /* SKIP: why */
    const char *text;        /* FILE, WARNING, SKIP: see the kinds; owned
                                by the library, valid during the call */
} fouine_extract_event;

/* Called for each thing found; a non-zero return stops fouine_extract(),
** which returns it. */
typedef int (*fouine_extract_cb)(const fouine_extract_event *ev, void *payload);

/**
 * Read one article file (.txt, .json, .jsonl, .html...) as a run reads
 * it, with the same parsers and the same checks (size limit, empty,
 * binary, invalid UTF-8 repaired, JSON that does not parse), and say what
 * it gives, in order: a SKIP when the file cannot be read at all, else a
 * FILE, then its articles, warnings and skipped lines.  An article's id is
 * the path as given (a run gives ids relative to its directories).
 * Nothing is written anywhere: `fouine-index --show` prints these.
 *
 * @param path     the file
 * @param max_size larger files (.jsonl: lines) are skipped; 0 for
 *                 FOUINE_RUN_MAX_SIZE
 * @param cb       called for each thing found
 * @param payload  passed to cb
 * @return FOUINE_OK (even when all was skipped: see the events);
 *         FOUINE_EINVAL when path is a directory; FOUINE_ENOMEM; or what
 *         cb returned
 */
FOUINE_WUR int fouine_extract(const char *path,
                              size_t max_size,
                              fouine_extract_cb cb,
                              void *payload);

/* The version of fouine_run_options these headers describe. */
#define FOUINE_RUN_OPTIONS_VERSION 1

/* Defaults of fouine_run_options_init(). */
#define FOUINE_RUN_MAX_SIZE (16u << 20) /* larger files are skipped */
#define FOUINE_RUN_BATCH    20000       /* articles a transaction, at most */

/* Options of a run: fouine_run_options_init() them, then set what you
** need. */
typedef struct fouine_run_options {
    unsigned version;            /* FOUINE_RUN_OPTIONS_VERSION */
    const char *index;           /* the index file */
    const char *const *paths;    /* the paths given */
    size_t npaths;               /* their number */
    int rebuild;                 /* start afresh */
    int no_delete;               /* keep articles whose files are gone */
    int verbose;                 /* 0 quiet, 1 warnings, 2 every file */
    int progress;                /* draw a progress line on stderr */
    int plain;                   /* benchmarks only: index with FTS5's
                                  unicode61 tokenizer (new index only);
                                  such an index cannot be searched by
                                  fouine */
    size_t max_size;             /* larger files and JSON lines are skipped */
    size_t batch;                /* articles a transaction, at most */
    volatile sig_atomic_t *stop; /* set by a signal: stop after the current
                                    transaction; may be NULL */
} fouine_run_options;

/**
 * Set opt to the defaults of fouine-index: version, verbose 1, max_size
 * FOUINE_RUN_MAX_SIZE, batch FOUINE_RUN_BATCH, everything else 0 or NULL.
 */
void fouine_run_options_init(fouine_run_options *opt);

/* What a run did. */
typedef struct fouine_run_stats {
    long files;                      /* input files handled */
    long files_total;                /* input files found */
    long indexed;                    /* new articles */
    long updated;                    /* articles whose content changed */
    long unchanged;                  /* articles found as they were */
    long removed;                    /* articles removed */
    long comments;                   /* reader comments written */
    long skipped[FOUINE_SKIP_COUNT]; /* inputs skipped, by reason */
    long warnings;                   /* e.g. invalid UTF-8 repaired; the
                                        conflicts are among them */
    long conflicts;                  /* ids a file gave that another
                                        source holds: not indexed from it */
    int interrupted;                 /* stopped by a signal */
    double seconds;                  /* wall time */
    double writer_cpu;               /* CPU seconds of the writing thread */
    double reader_cpu;               /* CPU seconds of the reading thread */
} fouine_run_stats;

/**
 * Index the paths given into the index, incrementally, as fouine-index
 * does (see README): files (.txt, .json, .jsonl, .html) and directories
 * walked, new and changed articles written, those of files gone removed,
 * in transactions of opt->batch articles, with a thread reading ahead of
 * the writer.  It opens the index itself: no handle of this process
 * should hold a transaction on it meanwhile.  Messages go to stderr;
 * nothing goes to stdout.
 *
 * @param[out] out statistics, zeroed first
 * @param opt      the options
 * @return FOUINE_OK when the run went through (inputs may have been
 *         skipped, or a signal may have stopped it: see out);
 *         FOUINE_EIO, FOUINE_EDB or FOUINE_ESCHEMA when the index cannot
 *         be opened or written, FOUINE_EINVAL when the options do not fit
 *         the index (plain on an index with articles, a path too long to
 *         rebuild), or of another FOUINE_RUN_OPTIONS_VERSION (a message
 *         was printed); FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_index_run(fouine_run_stats *out,
                                const fouine_run_options *opt);

/** Skipped inputs in all, over every reason. */
long fouine_run_skipped(const fouine_run_stats *st);

/**
 * The SQLite connection of ix, for SQL of one's own (owned by ix, valid
 * until fouine_index_close(); used by one thread at a time with ix).
 * Read through it freely (the loadable extension's search functions are
 * not registered on it: call sqlite3_fouine_init() for them); write
 * articles through fouine_index_put() instead, or their words miss the
 * lexicon.
 */
struct sqlite3 *fouine_index_db(fouine_index *ix);

/**
 * The message of the last SQLite error of ix, for a FOUINE_EDB (English,
 * owned by ix, valid until its next call).
 */
const char *fouine_index_errmsg(fouine_index *ix);

/**
 * Whether the last FOUINE_EDB of ix was another connection holding the
 * index locked past the busy timeout (SQLITE_BUSY): worth trying again
 * later, unlike the other database errors.
 */
int fouine_index_busy(fouine_index *ix);

/**
 * Called for each article a reader gives.
 *
 * @param a       the article, owned by the callee from then on (it must
 *                release it with fouine_article_clear())
 * @param payload the caller's pointer
 * @return 0 to go on, any other value to stop (returned by the reader)
 */
typedef int (*fouine_article_cb)(fouine_article *a, void *payload);

/**
 * Read articles from JSON text with the fields of fouine-index's .json and
 * .jsonl files (README): id (else url), title, date, section or category,
 * url, author, lead, body (or text, or content), reading_time; others are
 * ignored; without a lead, the first paragraph of the body is the lead; a
 * French date is given in ISO 8601.  The text is one or more JSON values
 * separated by white space, each an article (an object) or an array of
 * them: a JSON document, or JSON Lines (this function splits them).
 *
 * Unlike fouine-index, which skips or repairs what is wrong and goes on,
 * the reader refuses the whole text at its first problem, for a writer
 * that applies all or nothing: text that is not JSON or not UTF-8, a value
 * that is not an object or an array of objects, a field read that is
 * neither a string nor null (reading_time: a whole number), an article
 * without id or url, or without title, lead and body, a date that is not
 * ISO 8601 or a French date of a day the calendar has, no article at all.
 * An article with a lead or a body but no title is given untitled, with a
 * note (fouine_article.notes), as fouine-index indexes it.
 *
 * @param[out] err  on FOUINE_EINVAL, what is wrong, in English, naming the
 *                  line where the value (or the object of an array) starts,
 *                  the place of the object in its array and the field:
 *                  "line 3: field date: '2019-02-31' is not a day of the
 *                  calendar", "line 1: article 2: no field title, lead or
 *                  body", "line 4: field body: not valid UTF-8"
 *                  (fouine_free()); NULL otherwise
 * @param text      the JSON text, not necessarily NUL-terminated
 * @param len       its length
 * @param id        NULL, or the id of every article: an id field must then
 *                  be that id, and an article without one gets it (a write
 *                  to the article of a given id)
 * @param cb        called with each article, in order, as it is read: on
 *                  an error, those given before it are part of a text that
 *                  is refused
 * @param payload   passed to cb
 * @return FOUINE_OK; FOUINE_EINVAL (err says why); FOUINE_ENOMEM; or the
 *         first non-zero value of cb
 */
FOUINE_WUR int fouine_article_read_json(char **err,
                                        const char *text,
                                        size_t len,
                                        const char *id,
                                        fouine_article_cb cb,
                                        void *payload);

/**
 * The generation of the index: a number that grows by one with every
 * commit that wrote articles (a transaction of fouine_index_put(),
 * update() or remove(); a run of fouine_index_run() that changed
 * articles, once for the run; a rebuild, once), noted in the statement
 * that notes the time of fouine_index_updated(), so that two copies of an
 * index can be compared.  An index that never noted one gives 0.
 *
 * @param[out] out the generation, 0 or more (0 on failure)
 * @param ix   the index
 * @return FOUINE_OK or FOUINE_EDB
 */
FOUINE_WUR int fouine_index_generation(long long *out, fouine_index *ix);

/*
** Snapshots: a consistent copy of an index, for read-only replicas.
*/

/* The manifest of a snapshot directory: names its current snapshot. */
#define FOUINE_SNAPSHOT_MANIFEST "manifest.json"

/* What fouine_index_snapshot() wrote, or why it failed. */
typedef struct fouine_snapshot_info {
    char file[64];        /* the snapshot's name in the directory,
                             "fouine-12.db" ("fouine-12-2.db" for a
                             second one of the same generation) */
    long long generation; /* its generation (fouine_index_generation()) */
    long long articles;   /* its articles */
    long long size;       /* its size in bytes */
    char sha256[65];      /* the SHA-256 of the file, 64 lowercase hex
                             digits */
    char time[32];        /* when it was taken, ISO 8601 in UTC,
                             "2019-04-16T08:12:00Z" */
    int schema;           /* its schema version */
    char error[512];      /* on failure, what went wrong, in English,
                             naming the directory or the file; "" on
                             success */
} fouine_snapshot_info;

/**
 * Write a snapshot of the index into the directory dir: a copy of the
 * index file as one commit left it, whatever other connections and
 * processes write meanwhile (SQLite's backup API, stepping through the
 * pages inside one read transaction: in WAL mode, writers go on
 * committing), in rollback-journal mode (one self-contained file that a
 * reader opens without writing anything beside it), checked to open as a
 * fouine index.  It is written under a temporary name in dir, fsynced and
 * renamed to fouine-GENERATION.db; then the manifest (JSON: file,
 * generation, articles, size, sha256, time, schema) is written the same
 * way to dir/FOUINE_SNAPSHOT_MANIFEST; then the snapshots older than the
 * new one and the one the previous manifest named are removed.  A reader
 * of the manifest therefore always finds a complete file it names.  One
 * snapshot at a time is written into a directory (a lock on dir); what a
 * run interrupted earlier left there under a temporary name is removed.
 * On failure nothing new is left in dir.
 *
 * @param[out] out what was written, or the error (zeroed first)
 * @param ix   the index (read only; a transaction it holds is not seen:
 *             the copy reads the file through a connection of its own)
 * @param dir  an existing, writable directory
 * @return FOUINE_OK; FOUINE_EINVAL (no dir, a path too long);
 *         FOUINE_EIO (dir missing, not a directory, not writable, held
 *         by another snapshot; a write or fsync that failed);
 *         FOUINE_EDB (the copy failed); FOUINE_ESCHEMA (the copy is not
 *         a fouine index of this version); FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_index_snapshot(fouine_snapshot_info *out,
                                     fouine_index *ix,
                                     const char *dir);

/**
 * Check a snapshot file as a replica receives it, before it serves it:
 * it opens as a fouine index of this schema version; its generation,
 * articles, schema version, size and SHA-256 are read into out (file: its
 * name without the directory; time: "").  The caller compares the SHA-256
 * with the one its manifest gives.  The file is only read.
 *
 * @param[out] out what the file is, or the error naming it (zeroed first)
 * @param path the file
 * @return FOUINE_OK; FOUINE_EINVAL (no path, too long); FOUINE_EIO (it
 *         cannot be read); FOUINE_ESCHEMA (not a fouine index of this
 *         version); FOUINE_EDB; FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_snapshot_check(fouine_snapshot_info *out,
                                     const char *path);

/**
 * Read a manifest, the JSON text that fouine_index_snapshot() writes
 * into FOUINE_SNAPSHOT_MANIFEST, into out: every field checked (file, a
 * name without '/' of fewer than 64 bytes; generation, articles and size,
 * whole numbers from 0; sha256, 64 lowercase hexadecimal digits; time, a
 * string; schema, a number); other fields are ignored.
 *
 * @param[out] out the manifest, or in out->error what is wrong with it,
 *             naming the field ("field sha256: not 64 lowercase
 *             hexadecimal digits"); zeroed first
 * @param text the text, len bytes (not necessarily NUL-terminated)
 * @return FOUINE_OK; FOUINE_EINVAL (not JSON, a field missing or bad);
 *         FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_snapshot_manifest(fouine_snapshot_info *out,
                                        const char *text,
                                        size_t len);

#ifdef __cplusplus
}
#endif

#endif /* FOUINE_INDEX_H */
