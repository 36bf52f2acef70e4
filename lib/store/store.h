/*
** store.h: the index file shared by fouine-index, fouine-query and
** fouine-serve: opening it, its schema and its version.
**
** Schema (version FOUINE_SCHEMA_VERSION, in PRAGMA user_version):
**   article(rowid, id, source, date, category, url, author,
**           author, reading_time, hash)     one row an article; id unique
**   article_fts(title, lead, body)          FTS5, tokenizer "french",
**                                           external content: article
**   comment(rowid, article, date, body)     reader comments, apart
**   comment_fts(body)                       FTS5 over comment
**   source(path, size, mtime, hash,         the input files indexed: path
**          articles)                        made absolute, size in bytes,
**                                           mtime in ns, content hash, and
**                                           how many articles it holds
**   duplicate(rowid, id, source, title,     an article as a source gives
**             ..., hash)                    it whose id another source
**                                           holds (article.source): kept
**                                           to take the article over when
**                                           that source no longer gives it;
**                                           (id, source) unique
**   duplicate_comment(rowid, duplicate,     the comments of a duplicate
**                     date, body)
**   root(path)                              the directories given to
**                                           fouine-index, made absolute:
**                                           ids are paths relative to them
**   lexicon(token, fold, stem)              every token the FTS5 tables
**                                           hold, with its fold and stem
**                                           (fouine/analyzer.h): a search
**                                           asks for all the tokens that a
**                                           word typed may mean; indexed on
**                                           fold and on stem.  Tokens of
**                                           articles since removed may stay
**   near(rowid, grp, sig)                   an article's fingerprint and
**                                           its group of wire-story
**                                           duplicates (near.c)
**   near_band(band, rowid)                  the LSH keys of the bands of
**                                           its fingerprint
**   near_todo(rowid)                        articles not fingerprinted yet
**   meta(key, value)                        e.g. "updated"
** Triggers keep the FTS5 tables in step with article and comment: an
** article's FTS5 row is rewritten only when its title, lead or body
** changes, and deleting an article deletes its comments (a duplicate, its
** own).
**
** Version history: 1 first schema; 2 adds source.articles and limits the
** article update trigger to the indexed columns; 3 adds duplicate,
** duplicate_comment and root; 4 indexes one token a word, accents kept,
** the stems moving from the FTS5 tables to the lexicon; 5 adds near,
** near_band and near_todo.  A writer opening version 4 brings it to 5
** (its articles fingerprinted by its first commit); readers refuse it.
** Older versions are refused: their tokens differ, so they must be
** indexed again.
*/
#ifndef FOUINE_STORE_H
#define FOUINE_STORE_H

#include <sqlite3.h>

#include "fouine/analyzer.h"
#include "fouine/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FOUINE_SCHEMA_VERSION 5

/* Flags of fouine_store_open(). */
#define FOUINE_STORE_READ  0x0 /* read only; the file must exist */
#define FOUINE_STORE_WRITE 0x1 /* read-write; created with its schema */

/* Column weights of bm25() over article_fts: title, lead, body. */
#define FOUINE_WEIGHT_TITLE 1.2
#define FOUINE_WEIGHT_LEAD  1.1
#define FOUINE_WEIGHT_BODY  1.0

/**
 * Open an index: register the "french" tokenizer, set a busy timeout, and
 * check the schema version (FOUINE_SCHEMA_VERSION only).  With
 * FOUINE_STORE_WRITE, an empty file gets the schema, and the connection
 * switches the file to WAL mode with synchronous=NORMAL; a reader uses
 * the mode the file is in (WAL once a writer opened it).
 *
 * @param[out] out the connection, to be closed with sqlite3_close(); NULL
 *             on failure
 * @param path the index file
 * @param flags FOUINE_STORE_* bits
 * @return FOUINE_OK; FOUINE_EIO when the file is missing (READ) or cannot
 *         be opened or created; FOUINE_ESCHEMA when it holds another schema
 *         version or is not a fouine index (fouine_store_foreign() files
 *         included: never written over); FOUINE_EDB on another SQLite
 *         error; FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_store_open(sqlite3 **out, const char *path, int flags);

/**
 * Whether path names a file that cannot be an SQLite database: a regular
 * file of 1 to 511 bytes (a database is made of pages of 512 bytes or
 * more).  SQLite itself takes such a file for an empty database and
 * writes over it; a writer must not.  The file is not opened.
 *
 * @param path a file; missing or empty files are not foreign
 * @return 1 if foreign, else 0
 */
int fouine_store_foreign(const char *path);

/*
** The lexicon sink: the words that a writer's analyzers read, waiting to
** be added to the lexicon.  A writer registers the tokenizer with one
** (fouine_fts5_register_sink()), adds the words of texts analyzed apart
** (fouine_lexsink_add()), calls fouine_lexsink_flush() in each write
** transaction before COMMIT, and fouine_lexsink_clear() once it committed;
** after a ROLLBACK it keeps the words for the next transaction.  Not
** thread safe.
*/
typedef struct fouine_lexsink fouine_lexsink;

/**
 * @param[out] out a new, empty sink (fouine_lexsink_free())
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_lexsink_new(fouine_lexsink **out);

/** Release a sink.  NULL is accepted. */
void fouine_lexsink_free(fouine_lexsink *sink);

/**
 * Add a word (copied).
 *
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_lexsink_add(fouine_lexsink *sink, const fouine_word *w);

/**
 * Move every word of src into dst, src left empty.
 *
 * @return FOUINE_OK or FOUINE_ENOMEM (src is then unchanged)
 */
FOUINE_WUR int fouine_lexsink_take(fouine_lexsink *dst, fouine_lexsink *src);

/** Whether the sink holds no word. */
int fouine_lexsink_empty(const fouine_lexsink *sink);

/** Forget the words (after they were committed). */
void fouine_lexsink_clear(fouine_lexsink *sink);

/**
 * Add the words of the sink to the lexicon of db (those it has already
 * are left as they are), in the caller's transaction.  The sink keeps
 * them.
 *
 * @return FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_lexsink_flush(fouine_lexsink *sink, sqlite3 *db);

/**
 * The group of wire-story duplicates of the article at rowid (near.c):
 * the smallest rowid of the articles grouped with it, its own rowid when
 * it is alone or not fingerprinted yet.  For code that must tell copies
 * apart (related articles leaving out an article's duplicates).
 *
 * @param[out] group the group id (rowid itself on error)
 * @return FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_near_group(sqlite3_int64 *group,
                                 sqlite3 *db,
                                 sqlite3_int64 rowid);

/**
 * Whether the articles at rowids a and b are in one group of duplicates
 * (fouine_near_group()); an article is in its own.
 *
 * @param[out] same 1 or 0 (0 on error)
 * @return FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_near_same(int *same,
                                sqlite3 *db,
                                sqlite3_int64 a,
                                sqlite3_int64 b);

/**
 * The FOUINE_* code of the last SQLite error on db: FOUINE_ENOMEM when
 * SQLite ran out of memory (our tokenizer's analyzer included), FOUINE_EDB
 * otherwise.  Call it right after the failed call, before any other call
 * on db.
 *
 * @param db the connection
 * @return FOUINE_ENOMEM or FOUINE_EDB
 */
FOUINE_WUR int fouine_store_error(sqlite3 *db);

#ifdef __cplusplus
}
#endif

#endif /* FOUINE_STORE_H */
