/*
** fouine/analyzer.h: the French analyzer.
**
** One analyzer turns French text into the tokens that fouine indexes and
** searches.  The same code serves documents and queries; only the set of
** tokens emitted at each position differs (see fouine_analyzer_run()).
**
** For every word of the text, in a document:
**   - the surface form: NFKC, case folded, elided article removed,
**     accents and ligatures folded ("l'État" -> "etat", "cœur" -> "coeur");
**   - colocated, the Snowball French stem of the lowercased accented word,
**     accent-folded, prefixed by FOUINE_STEM_MARK, when it differs from the
**     surface form ("sécurités" -> "#secur");
**   - colocated, the stem of the unaccented word, marked likewise, when it
**     differs from both ("sécurité" -> "#securit"), so that a reader who
**     types without accents reaches the accented words.
** In a query, each word gives the alternatives that can match it: the two
** stems, marked and unmarked, and for a word typed without accents, the
** stem of the same word with the accent French puts on its ending
** ("creee" -> "créée", "#cre", which "créer" also has).  A prefix query
** (FOUINE_ANALYZE_PREFIX) and an exact query (FOUINE_ANALYZE_EXACT, or a
** word preceded by '=' in query mode) give only the surface form.
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

/** The byte that starts every stem token in the index. */
#define FOUINE_STEM_MARK '#'

/** Longest word, in bytes after normalization, that is analyzed fully.
 *  A longer word is cut to at most this many bytes, on a character
 *  boundary, and indexed as that surface form alone, unstemmed. */
#define FOUINE_MAX_WORD 64

/** Longest word, in bytes of the original text, that is read whole.  Only
 *  the first bytes of a longer word (cut on a character boundary) are
 *  normalized, which bounds the work of a word made of thousands of
 *  combining marks; its offsets still cover the whole word. */
#define FOUINE_MAX_RAW (16 * FOUINE_MAX_WORD)

/** Modes of fouine_analyzer_run(). */
#define FOUINE_ANALYZE_DOCUMENT 0x0 /* text being indexed or highlighted */
#define FOUINE_ANALYZE_QUERY    0x1 /* text of a query */
#define FOUINE_ANALYZE_PREFIX   0x2 /* with QUERY: the word is a prefix */
#define FOUINE_ANALYZE_EXACT    0x4 /* with QUERY: surface forms only */

/** Token flags passed to the callback. */
#define FOUINE_TOKEN_COLOCATED 0x1 /* same position as the previous token */
#define FOUINE_TOKEN_STEM      0x2 /* a stem (marked or query alternative) */

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

/**
 * Whether a word is a French stop word (the Snowball French list).
 *
 * @param word a surface token as the analyzer emits it (folded, lowercase)
 * @param len  its length in bytes
 * @return 1 for a stop word, 0 otherwise
 */
int fouine_is_stopword(const char *word, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* FOUINE_ANALYZER_H */
