/*
** indexer.h: private interface of fouine-index.
**
** Interface to code in:
**   article.c  parsing article text files (both layouts) and French dates
**   json.c     articles from JSON and JSON Lines
**   text.c     content hashes, skip reasons (UTF-8 repair: fouine/analyzer.h)
**   walk.c     finding the input files under the paths given
**   replay.c   analysis ahead of the writer: tokens recorded by the reader
**              thread and replayed to FTS5 by the writer
**   run.c      one indexing run: a reading and parsing thread beside the
**              thread that writes SQLite
**   show.c     fouine-index --show: what one file gives, field by field
** and html.h declares the HTML reader (html_tree.c, html.c).
*/
#ifndef FOUINE_INDEXER_H
#define FOUINE_INDEXER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <sqlite3.h>

#include "fouine/analyzer.h"
#include "fouine/buf.h"
#include "fouine/error.h"
#include "fouine/index.h"

/*
** Interface to code in text.c.
*/

/* fouine_skip, fouine_skip_name(): see fouine/index.h. */

/** Initial value of a running fouine_hash64(). */
#define FOUINE_HASH_INIT UINT64_C(0xcbf29ce484222325)

/**
 * Hash bytes into a running 64-bit hash (FNV-1a): not cryptographic, used
 * to tell whether a file or an article changed.
 *
 * @param h   the hash so far (FOUINE_HASH_INIT to start)
 * @param p   the bytes (may be NULL when n is 0)
 * @param n   their number
 * @return the new hash
 */
uint64_t fouine_hash64(uint64_t h, const void *p, size_t n);

/*
** Interface to code in article.c.
*/

/* fouine_comment and fouine_article: see fouine/index.h. */

/**
 * Parse the text of an article file, in either layout:
 *   - site:  title; date line; reading time ("2 min"); category (printed
 *            once or twice); lead; body, one paragraph a line; then an
 *            optional footer: the date line again, "Commentaires (N)",
 *            boilerplate (never kept) and reader comments, each opened by
 *            a line ending in "Le 18/04/2018 à 09h48";
 *   - plain: title; date line (optional); paragraphs separated by blank
 *            lines, the first being the lead.
 * Lines may end in "\n", "\r\n" or "\r" (old Mac files).  A file whose
 * first line is a date has no title: the article's title is "" (and a note
 * says so), the rest reads as usual.  A date line of a day the calendar
 * lacks ("Le 31 février 2019") is still the date line, but gives no date
 * (a note says so); the same for a comment's date.  The id is left NULL.
 *
 * @param[out] out  the article, emptied first; release with
 *                  fouine_article_clear()
 * @param[out] skip why there is no article, on FOUINE_EINVAL:
 *                  FOUINE_SKIP_EMPTY, or FOUINE_SKIP_NO_TEXT (neither a
 *                  title nor a lead nor a body: a date line alone)
 * @param text      the file's bytes, not NUL-terminated
 * @param len       their length
 * @return FOUINE_OK, FOUINE_EINVAL (see skip), FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_article_parse(fouine_article *out,
                                    fouine_skip *skip,
                                    const char *text,
                                    size_t len);

/**
 * The hash of everything an article stores (title, date, category, url,
 * author, reading time, lead, body and comments), to tell whether it
 * changed since it was indexed.
 */
uint64_t fouine_article_hash(const fouine_article *a);

/**
 * Parse a French date line into ISO 8601.  Accepted: "Le 18 avril 2018 à
 * 09h26", "Le 1er mai 2019 à 17h00", "Le 2 juillet 2020", "18 avril
 * 2018", months with or without accents and in any case, "a" for "à",
 * surrounding blanks.
 *
 * @param[out] out   the date, "2018-04-18T09:26:00" or "2020-07-02"; ""
 *                   when the calendar lacks that day ("Le 31 février
 *                   2019", "Le 29 février 2019")
 * @param outsize    size of out, at least 20
 * @param line       the line, not necessarily NUL-terminated
 * @param len        its length
 * @return FOUINE_OK (a date line, out maybe ""), or FOUINE_EINVAL when the
 *         line is not a date ("Le 32 avril 2018" is not)
 */
FOUINE_WUR int fouine_date_parse(char *out,
                                 size_t outsize,
                                 const char *line,
                                 size_t len);

/**
 * The days of a month of the Gregorian calendar (February: 29 in a leap
 * year), for every check of a day: 0 for a month not from 1 to 12.
 */
int fouine_month_days(int year, int month);

/**
 * Check a date as a JSON article gives it: ISO 8601, a day ("2019-05-10")
 * maybe with a time ("2019-05-10T17:00", seconds, a fraction, a zone "Z"
 * or "+02:00"; a space may stand for the "T"), kept as written; or a
 * French date line ("18 avril 2018 à 09h26"), given back in ISO 8601.
 *
 * @param[out] iso  the ISO 8601 form of a French date; "" when s is ISO
 *                  8601 already, or not a date
 * @param isosize   size of iso, at least 20
 * @param s         the date, not necessarily NUL-terminated
 * @param n         its length
 * @return NULL when s is a date of the calendar, else a static English
 *         reason: "not a day of the calendar" ("2019-02-31") or "not a
 *         date (...)"
 */
const char *fouine_date_check(char *iso,
                              size_t isosize,
                              const char *s,
                              size_t n);

/*
** Interface to code in json.c.
*/

/**
 * Whether jansson failed to load a document for want of memory (the
 * document may be fine): an error of that code, or one it could not even
 * describe.
 *
 * @param err the error json_loadb() filled
 * @return 1 or 0
 */
int fouine_json_out_of_memory(const json_error_t *err);

/* fouine_article_cb, the callback of each article: see fouine/index.h. */

/**
 * Convert one JSON document (text of a .json file, or one line of a .jsonl
 * file) into articles: an object is one article, an array holds articles.
 * Fields: id, title, date, section or category, url, author, lead, body
 * (or text, or content); others are ignored.  Without an id the url is the
 * id; a whole number for the id is taken as its digits, with a note, and
 * an id that is neither a string nor null skips the article
 * (FOUINE_SKIP_NO_ID, "field id: not a string").  Without a lead, the
 * first paragraph of the body is the lead.
 *
 * An article without a title but with a lead or a body is given with the
 * title "" and a note; a date that fouine_date_check() refuses is left
 * out, with a note (fouine_article.notes).
 *
 * @param[out] skip     on FOUINE_EINVAL, why (FOUINE_SKIP_BAD_JSON,
 *                      FOUINE_SKIP_NO_TEXT, FOUINE_SKIP_NO_ID); when an
 *                      array holds bad elements, the reason of the last
 * @param[out] nskipped elements of an array that were skipped (0 or 1 for
 *                      an object)
 * @param[out] err      an English message about the first problem, e.g.
 *                      "'[' or '{' expected near 'x'" (empty when none)
 * @param errsize       size of err
 * @param text          the JSON text, not necessarily NUL-terminated
 * @param len           its length
 * @param cb            called with each good article
 * @param payload       passed to cb
 * @return FOUINE_OK (even when some elements of an array were skipped),
 *         FOUINE_EINVAL when the document gave nothing because it is bad,
 *         FOUINE_ENOMEM, or the first non-zero value of cb
 */
FOUINE_WUR int fouine_json_parse(fouine_skip *skip,
                                 size_t *nskipped,
                                 char *err,
                                 size_t errsize,
                                 const char *text,
                                 size_t len,
                                 fouine_article_cb cb,
                                 void *payload);

/*
** Interface to code in walk.c.
*/

/* Kinds of input files. */
#define FOUINE_FILE_TEXT  0 /* .txt: one article */
#define FOUINE_FILE_JSON  1 /* .json: one article or an array */
#define FOUINE_FILE_JSONL 2 /* .jsonl: one article a line */
#define FOUINE_FILE_HTML  3 /* .html, .htm, .xhtml: one article a page */

/* One input file found. */
typedef struct fouine_input {
    char *path;      /* as reached from the path given; owned */
    char *key;       /* absolute path: the source key in the index; owned */
    const char *rel; /* the id of a text article, inside key: the path
                        relative to the outermost root that holds the
                        file, else (a file given alone) its name */
    int kind;        /* FOUINE_FILE_* */
    int64_t size;    /* bytes, at walk time */
    int64_t mtime;   /* modification time in ns, at walk time */
} fouine_input;

/* The inputs of a run, and what the walk could not enter. */
typedef struct fouine_inputs {
    fouine_input *files; /* in walk order (names sorted in each directory) */
    size_t nfiles;       /* their number */
    size_t capfiles;     /* room in files */
    char **roots;        /* absolute paths of the directories given, owned */
    size_t nroots;       /* their number */
    char **blind;        /* absolute paths of directories that could not be
                            read, and of entries that could not be examined:
                            neither they nor their files count as removed */
    size_t nblind;       /* their number */
    char **new_roots;    /* absolute paths of the directories given that no
                            root of the index holds: roots to record; owned */
    size_t nnew_roots;   /* their number */
    long skipped[FOUINE_SKIP_COUNT]; /* paths and directories skipped */
} fouine_inputs;

/**
 * Called for each problem the walk meets (missing path, unreadable
 * directory, symlink loop): the path, and what is wrong with it, e.g.
 * "Permission denied".  Both are valid only during the call.
 */
typedef void (*fouine_walk_report)(fouine_skip reason,
                                   const char *path,
                                   const char *what,
                                   void *payload);

/**
 * The kind of a file given by name: FOUINE_FILE_* by its extension (any
 * case), FOUINE_FILE_TEXT for any other name, as for a file given directly.
 */
int fouine_file_kind(const char *name);

/**
 * Find the inputs under the paths given: the .txt, .json, .jsonl, .html,
 * .htm and .xhtml files (any case) found recursively in directories (names
 * starting with '.' left out; symbolic links followed, but never into a
 * directory already entered, so loops end), and files given directly,
 * whatever their names.
 *
 * The roots of ids are the roots of the index and the directories given;
 * a file's id (fouine_input.rel) is its path relative to the outermost
 * root that holds it, so that a file has one id however it is named
 * (through its directory, a directory inside it, or alone, by a relative
 * or an absolute path), and else, for a file given alone, its name: never
 * an absolute path.
 *
 * @param[out] out  the inputs, to be released with fouine_inputs_free();
 *                  emptied first
 * @param paths     the paths given
 * @param npaths    their number
 * @param roots     the roots the index records (absolute paths)
 * @param nroots    their number
 * @param report    called for each problem (may be NULL)
 * @param payload   passed to report
 * @return FOUINE_OK (problems are counted in out->skipped) or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_walk(fouine_inputs *out,
                           const char *const *paths,
                           size_t npaths,
                           const char *const *roots,
                           size_t nroots,
                           fouine_walk_report report,
                           void *payload);

/**
 * Whether the absolute path is dir or lies under it ("/a/b" is under "/a"
 * and "/", not under "/a/b2" nor "/a/bc").
 */
int fouine_path_under(const char *path, const char *dir);

/** Release the inputs; an emptied structure is fine. */
void fouine_inputs_free(fouine_inputs *in);

/*
** Interface to code in replay.c.
*/

/* Bytes of a record of fouine_pretok before its token: flags (bit 0:
** FOUINE_TOKEN_COLOCATED), length, start, end. */
#define FOUINE_PRETOK_HEAD 10

/* The tokens of one text, recorded in advance. */
typedef struct fouine_pretok {
    char *buf;       /* records: flags, length, start, end, token; owned */
    size_t len;      /* bytes used */
    size_t cap;      /* bytes allocated */
    size_t text_len; /* length of the text analyzed */
    int ready;       /* the whole text was analyzed: the tokens may replay */
} fouine_pretok;

/**
 * Analyze a text as the "french" tokenizer does for a document, and
 * record its tokens.
 *
 * @param[out] out the tokens, emptied first; release with
 *                 fouine_pretok_free().  out->ready is 0 when the text
 *                 could not be recorded (it will be analyzed by FTS5)
 * @param an       an analyzer of the calling thread
 * @param text     the text (not necessarily NUL-terminated)
 * @param len      its length
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_pretok_analyze(fouine_pretok *out,
                                     fouine_analyzer *an,
                                     const char *text,
                                     size_t len);

/** Release recorded tokens; an emptied structure is fine. */
void fouine_pretok_free(fouine_pretok *t);

/** The "french" tokenizer of one connection, wrapped to replay tokens. */
typedef struct fouine_replay fouine_replay;

/**
 * Wrap the "french" tokenizer of a connection (registered by
 * fouine_store_open()) so that it replays recorded tokens.  Only FTS5
 * tables the connection opens afterwards use the wrapper.
 *
 * @param[out] out the wrapper, owned by the connection (freed when it
 *                 closes); NULL on failure
 * @param db       the connection
 * @return FOUINE_OK, FOUINE_EDB (no FTS5 or no "french"), FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_replay_register(fouine_replay **out, sqlite3 *db);

/**
 * Set the texts whose tokens were recorded: until the next call, a
 * document text equal to texts[i] (of toks[i].text_len bytes) is
 * tokenized by replaying toks[i].  Both arrays are the caller's, and must
 * stay valid until the next call (n = 0 to clear).  The texts are looked
 * for from the one after the last found, so that texts that FTS5 asks for
 * in the order given are found at once.
 */
void fouine_replay_set(fouine_replay *rp,
                       const char *const *texts,
                       const fouine_pretok *toks,
                       size_t n);

/*
** Interface to code in near.c: the fingerprints of wire-story duplicates
** (README, "Wire-story duplicates"; group lookups: store.h).
*/

/* Values of a fingerprint. */
#define FOUINE_NEAR_K 64

/* An article's MinHash fingerprint. */
typedef struct fouine_near_sig {
    uint32_t h[FOUINE_NEAR_K]; /* the smallest value of each permutation */
    int valid;                 /* 0: no word (or not made): no group */
} fouine_near_sig;

/* The fingerprinting of a writable index: its statements and the
** fingerprints the reader thread made for the open transaction. */
typedef struct fouine_near fouine_near;

/** Whether FOUINE_NO_NEAR is set (not "0"): nothing is fingerprinted,
 *  the articles written wait in near_todo (the benchmark's baseline). */
int fouine_near_disabled(void);

/**
 * The fingerprint of an article from the tokens of its title, lead and
 * body recorded in advance (thread safe: reader threads call it).
 *
 * @param[out] out the fingerprint; out->valid is 0 when a text was not
 *             recorded (it is then made from the text) or has no word
 * @param toks the records, n of them (title, lead, body)
 */
void fouine_near_sign_tokens(fouine_near_sig *out,
                             const fouine_pretok *toks,
                             size_t n);

/**
 * The fingerprint of an article from its texts (title, lead, body; each
 * NUL-terminated or NULL), analyzed by an: the same as
 * fouine_near_sign_tokens() gives from their records.
 *
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_near_sign_text(fouine_near_sig *out,
                                     fouine_analyzer *an,
                                     const char *const texts[3]);

/**
 * @param[out] out a new fingerprinting on db (not owned: it must outlive
 *             it), fouine_near_free()
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_near_new(fouine_near **out, sqlite3 *db);

/** Release it (its statements).  NULL is accepted. */
void fouine_near_free(fouine_near *nr);

/**
 * Keep the fingerprint of the article whose fouine_article_hash() is hash
 * until fouine_near_forget(): fouine_near_flush() takes it instead of
 * analyzing the article again.  An invalid one is not kept.
 *
 * @return FOUINE_OK or FOUINE_ENOMEM (nothing lost but time)
 */
FOUINE_WUR int fouine_near_remember(fouine_near *nr,
                                    uint64_t hash,
                                    const fouine_near_sig *sig);

/** Forget the fingerprints kept (after a commit). */
void fouine_near_forget(fouine_near *nr);

/**
 * Fingerprint the articles of near_todo (written since the last flush, or
 * waiting since a migration), with the fingerprints kept or, for the
 * others, analyzing their text with an, and give each its group: the
 * group of the articles whose fingerprints share at least half of its
 * values, merged into one of the smallest rowid when there are several,
 * else its own rowid; then empty near_todo.  The work is done by chunks
 * of NEAR_CHUNK articles (near.c), in the order of the band keys: its
 * memory does not grow with the index.  In the caller's transaction,
 * before its COMMIT.  Nothing when fouine_near_disabled().
 *
 * @return FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_near_flush(fouine_near *nr, fouine_analyzer *an);

/*
** Interface to code in index.c, inside the library: what fouine-index's
** run (run.c) needs of a fouine_index beyond the public API.
*/

/* fouine_index_open() flag: no lexicon sink (the benchmark's plain
** unicode61 tables, fouine_run_options.plain). */
#define FOUINE_INDEX_PLAIN 0x100

/* A 64-bit hash in hex, as the hash columns hold it, and a NUL. */
#define FOUINE_HASH_HEX_SIZE 17

/** Write h as the 16 hex digits of the hash columns. */
void fouine_hash_hex(char out[FOUINE_HASH_HEX_SIZE], uint64_t h);

/** The fingerprinting of ix (owned by ix), or NULL (read only, plain). */
fouine_near *fouine_index_near(fouine_index *ix);

/** The lexicon sink of ix (owned by ix), or NULL (read only, plain). */
struct fouine_lexsink *fouine_index_sink(fouine_index *ix);

/**
 * The analyzer of ix's searches (made on first use, owned by ix).
 *
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_index_analyzer(fouine_analyzer **out, fouine_index *ix);

/** Make the commit of the open transaction note the time (meta
** 'updated'), as a write does: a run does so even when nothing changed. */
void fouine_index_touch(fouine_index *ix);

/** Whether ix has a transaction open. */
int fouine_index_in_txn(const fouine_index *ix);

/**
 * Look an article up by id for a write.
 *
 * @param[out] found  1 when it is there
 * @param[out] rowid  its rowid, 0 when not found
 * @param[out] hash   its stored hash, "" when not found
 * @param[out] source its source file (a copy owned by ix, valid until the
 *             next call), or NULL: not found, or written by the API
 * @return FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_index_find(int *found,
                                 sqlite3_int64 *rowid,
                                 char hash[FOUINE_HASH_HEX_SIZE],
                                 const char **source,
                                 fouine_index *ix,
                                 const char *id);

/**
 * Write an article and its comments: a new row when existing is 0, else
 * over the row existing (its old comments replaced).  In the caller's
 * transaction; no check of a.
 *
 * @param[out] rowid the article's rowid
 * @param source the source file recorded, or NULL
 * @param hash   fouine_hash_hex() of fouine_article_hash(a)
 * @return FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_index_write(sqlite3_int64 *rowid,
                                  fouine_index *ix,
                                  const fouine_article *a,
                                  const char *source,
                                  const char *hash,
                                  sqlite3_int64 existing);

/** Bind v to column col of s as text (SQLITE_STATIC), or NULL. */
void fouine_bind_str(sqlite3_stmt *s, int col, const char *v);

/** Bind the columns of an article, ?1..?11 of the article and duplicate
 *  tables (id, source, title, lead, body, date, category, url, author,
 *  reading_time, hash): strings SQLITE_STATIC, a NULL source, title, lead
 *  or body as "". */
void fouine_bind_article(sqlite3_stmt *s,
                         const fouine_article *a,
                         const char *source,
                         const char *hash);

/** Record another source file for the article at rowid. */
FOUINE_WUR int fouine_index_set_source(fouine_index *ix,
                                       sqlite3_int64 rowid,
                                       const char *source);

/*
** Interface to code in run.c.
*/

/* fouine_run_options, fouine_run_stats, fouine_index_run(): see
** fouine/index.h. */

/*
** Interface to code in article.c.
*/

/**
 * Append the whole content of a file to b.
 *
 * @param b    the buffer (see fouine/buf.h)
 * @param path the file
 * @return FOUINE_OK, FOUINE_EIO (errno set) or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_read_file(fouine_buf *b, const char *path);

/** Whether s[0..n) holds nothing but white space (n == 0 included). */
int fouine_text_blank(const char *s, size_t n);

/**
 * Check the bytes of one article text (a file, or a JSON line) as a run
 * does: not blank, no NUL byte, valid UTF-8 (repaired).
 *
 * @param[in,out] text the text; on success it may point into *fixed
 * @param[in,out] len  its length
 * @param[out] fixed   NULL, or the repaired copy (fouine_free())
 * @param[out] bad     with *fixed, the offset of the first invalid byte
 * @param[out] skip    on FOUINE_EINVAL, why (FOUINE_SKIP_EMPTY or
 *                     FOUINE_SKIP_BINARY)
 * @return FOUINE_OK, FOUINE_EINVAL or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_text_check(const char **text,
                                 size_t *len,
                                 char **fixed,
                                 size_t *bad,
                                 fouine_skip *skip);

#endif /* FOUINE_INDEXER_H */
