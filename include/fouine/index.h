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

#include <stddef.h>

#include "fouine/buf.h"
#include "fouine/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fouine_index fouine_index;

/* Flags of fouine_index_open(). */
#define FOUINE_INDEX_READ  0x0 /* read only; the file must exist */
#define FOUINE_INDEX_WRITE 0x1 /* read-write; a missing or empty file is
                                  created with the schema */

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
** only reads them (never call fouine_article_clear() on it unless they
** come from fouine_malloc()).
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
FOUINE_WUR int fouine_index_open(fouine_index **out, const char *path,
                                 int flags);

/**
 * Close an index; a transaction still open is rolled back.  NULL is
 * accepted.
 */
void fouine_index_close(fouine_index *ix);

/**
 * Begin a write transaction (SQLite's BEGIN IMMEDIATE: it waits up to the
 * busy timeout for another writer to finish).
 *
 * @return FOUINE_OK; FOUINE_EINVAL when the index is read only or a
 *         transaction is open; FOUINE_EDB (busy, read-only file...)
 */
FOUINE_WUR int fouine_index_begin(fouine_index *ix);

/**
 * Commit the transaction: the lexicon gets the new words first, so that
 * readers see the articles and their words at once.
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
FOUINE_WUR int fouine_index_put(int *replaced, fouine_index *ix,
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
FOUINE_WUR int fouine_index_get(fouine_article *out, fouine_index *ix,
                                const char *id);

/**
 * How many articles the index holds.
 *
 * @param[out] out their number
 * @return FOUINE_OK or FOUINE_EDB
 */
FOUINE_WUR int fouine_index_count(long long *out, fouine_index *ix);

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

#ifdef __cplusplus
}
#endif

#endif /* FOUINE_INDEX_H */
