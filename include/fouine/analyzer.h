/*
** fouine/analyzer.h: the French analyzer.
**
** One analyzer turns French text into the tokens that fouine indexes and
** the forms its searches compare: the same code serves documents and
** queries, so a word is read the same way when it is indexed and when it
** is typed.
**
** For every word of a text:
**   - its token, what the index holds: NFKC, case folded, the elided
**     article removed, accents and ligatures kept ("l'État" -> "état",
**     "Cœur" -> "cœur"), digit groups joined ("1 500 000" -> "1500000");
**   - its fold: the token with accents stripped and ligatures expanded
**     ("état" -> "etat", "cœur" -> "coeur"): what a reader typing without
**     accents means;
**   - its stem: the Snowball French stem of the token, with a few
**     corrections, folded ("sécurités" -> "secur"): what its inflections
**     share.  Words with digits and overlong words have none.
** The index holds tokens only, one a word; the fold and stem of each token
** are kept beside the index (the lexicon, see README, "What a word finds"), so that a
** search can ask for every token a reader's word may mean.
**
** Stems come from Snowball French (libstemmer) with a few corrections:
** "français", "france" and "mauvais" are not stemmed to "franc" and
** "mauv", plurals in -oux and -eux meet their singulars.  Stop words are
** indexed like any word; fouine_is_stopword() names them.
**
** An analyzer is not thread safe: use one per thread.  It holds no global
** mutable state; each analyzer owns its stemmer and a cache of the words
** it has analyzed: 256 KB from its first word on, 16 MB once it has seen
** a few thousand different words (indexing, not a few queries).
*/
#ifndef FOUINE_ANALYZER_H
#define FOUINE_ANALYZER_H

#include <stddef.h>

#include "fouine/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque analyzer handle. */
typedef struct fouine_analyzer fouine_analyzer;

/** Longest word, in bytes after normalization, that is analyzed fully.
 *  A longer word is cut to at most this many bytes, on a character
 *  boundary, and indexed as that token, unstemmed. */
#define FOUINE_MAX_WORD 64

/** Longest word, in bytes of the original text, that is read whole.  Only
 *  the first bytes of a longer word (cut on a character boundary) are
 *  normalized, which bounds the work of a word made of thousands of
 *  combining marks; its offsets still cover the whole word. */
#define FOUINE_MAX_RAW (16 * FOUINE_MAX_WORD)

/** Modes of fouine_analyzer_run(). */
#define FOUINE_ANALYZE_DOCUMENT 0x0 /* one token a word: what is indexed */
#define FOUINE_ANALYZE_QUERY    0x1 /* text of a query: the same tokens */
#define FOUINE_ANALYZE_WORDS \
    0x8 /* each token, then its fold and stem,
                                       colocated */

/** Token flags passed to the callback. */
#define FOUINE_TOKEN_COLOCATED 0x1 /* same word as the previous token */
#define FOUINE_TOKEN_STEM      0x2 /* FOUINE_ANALYZE_WORDS: the stem */
#define FOUINE_TOKEN_FOLD      0x4 /* FOUINE_ANALYZE_WORDS: the fold */

/**
 * Called once for each token.
 *
 * @param token  the token bytes, valid UTF-8, not NUL-terminated; owned by
 *               the analyzer and valid only during the call
 * @param len    its length in bytes, > 0
 * @param start  byte offset of the source word in the text given
 * @param end    byte offset just past the source word
 * @param flags  FOUINE_TOKEN_* bits
 * @param payload the caller's pointer
 * @return 0 to go on; any other value stops the run and is returned by
 *         fouine_analyzer_run()
 */
typedef int (*fouine_token_cb)(const char *token,
                               size_t len,
                               size_t start,
                               size_t end,
                               int flags,
                               void *payload);

/**
 * Create an analyzer (it owns a Snowball French stemmer and a stem cache).
 *
 * @param[out] out the new analyzer, to be released with
 *             fouine_analyzer_free(); NULL on failure
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_analyzer_new(fouine_analyzer **out);

/** Release an analyzer.  NULL is accepted and ignored. */
void fouine_analyzer_free(fouine_analyzer *an);

/**
 * Analyze text and call cb for every token, in order of position.
 *
 * Any bytes are accepted: invalid UTF-8 separates words and never reaches a
 * token.  Offsets never go backwards and lie within [0, len].  cb must not
 * run the same analyzer (the tokens it is given point into its cache).
 *
 * @param an      the analyzer
 * @param text    the text, not necessarily NUL-terminated (may be NULL when
 *                len is 0)
 * @param len     its length in bytes
 * @param mode    FOUINE_ANALYZE_* bits
 * @param cb      the token callback
 * @param payload passed to cb
 * @return FOUINE_OK, FOUINE_ENOMEM, or the first non-zero value cb returned
 */
FOUINE_WUR int fouine_analyzer_run(fouine_analyzer *an,
                                   const char *text,
                                   size_t len,
                                   int mode,
                                   fouine_token_cb cb,
                                   void *payload);

/** One word as fouine_analyzer_watch() reports it.  The pointers are the
 *  analyzer's, valid only during the call; not NUL-terminated. */
typedef struct fouine_word {
    const char *token; /* the index form */
    size_t ntoken;     /* > 0 */
    const char *fold;  /* accents stripped, ligatures expanded */
    size_t nfold;      /* > 0 */
    const char *stem;  /* the folded stem */
    size_t nstem;      /* 0: the word has no stem */
} fouine_word;

/**
 * Told of a word the analyzer reads for the first time (see
 * fouine_analyzer_watch()).
 *
 * @return 0 to go on; any other value stops the run and is returned by
 *         fouine_analyzer_run()
 */
typedef int (*fouine_word_cb)(const fouine_word *word, void *payload);

/**
 * Be told of every word the analyzer analyzes rather than finds in its
 * cache: each distinct word at least once, some more than once (the cache
 * forgets when it grows, and does not keep overlong words).  An indexer
 * uses it to keep the lexicon beside the index.
 *
 * @param an      the analyzer
 * @param cb      the callback, or NULL to stop being told
 * @param payload passed to cb; not owned
 */
void fouine_analyzer_watch(fouine_analyzer *an,
                           fouine_word_cb cb,
                           void *payload);

/**
 * Fold a text as the analyzer folds words: NFKC, case folded, accents
 * removed, œ and æ expanded ("L'État, le Cœur" -> "l'etat, le coeur").
 * Invalid UTF-8 is copied as it is.
 *
 * @param[out] out a new NUL-terminated string (fouine_free()), NULL on
 *             failure
 * @return FOUINE_OK, FOUINE_EINVAL (over 1 GB), FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_fold(char **out, const char *text, size_t len);

/** Like fouine_fold(), but accents and ligatures kept (NFC, case folded):
 *  the analyzer's token of a word. */
FOUINE_WUR int fouine_lower(char **out, const char *text, size_t len);

/**
 * Make text valid UTF-8: every invalid sequence becomes U+FFFD.
 *
 * @param[out] out       a new buffer (fouine_free()) holding the repaired text
 *                       and a NUL, or NULL when the text was valid already
 * @param[out] outlen    the length of *out, 0 when *out is NULL
 * @param[out] first_bad the byte offset in text of the first invalid
 *                       sequence, SIZE_MAX when there is none
 * @param text           the bytes, not necessarily NUL-terminated
 * @param len            their number
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_utf8_repair(char **out,
                                  size_t *outlen,
                                  size_t *first_bad,
                                  const char *text,
                                  size_t len);

/**
 * Whether a word is a French stop word (the Snowball French list).
 *
 * @param word a folded word (fouine_word.fold): lowercase, no accents
 * @param len  its length in bytes
 * @return 1 for a stop word, 0 otherwise
 */
int fouine_is_stopword(const char *word, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* FOUINE_ANALYZER_H */
