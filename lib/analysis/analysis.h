/*
** analysis.h: private interface of the analysis library.
*/
#ifndef FOUINE_ANALYSIS_H
#define FOUINE_ANALYSIS_H

#include <stddef.h>

#include "fouine/analyzer.h"
#include "fouine/error.h"

/*
** Interface to code in word.c, for tests.
*/

/**
 * The stem the analyzer gives the first word of a text, before accent
 * folding: the text is split, the elided article dropped and the word
 * normalized exactly as fouine_analyzer_run() does, then stemmed by
 * Snowball French with the analyzer's corrections ("créées" -> "cré").  A
 * word that is not stemmed (digits, overlong) is returned normalized.
 *
 * @param[out] out    receives the stem, NUL-terminated
 * @param size        bytes available at out
 * @param[out] outlen the stem's length (0 on failure)
 * @param an          the analyzer
 * @param word        the text, not NUL-terminated
 * @param len         its length in bytes
 * @return FOUINE_OK; FOUINE_EINVAL when the text starts with no word or
 *         the stem does not fit; FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_analyzer_stem(char *out,
                                    size_t size,
                                    size_t *outlen,
                                    fouine_analyzer *an,
                                    const char *word,
                                    size_t len);

/*
** Interface to code in fold.c.
*/

/**
 * Copy src[0..n) into dst (cap bytes) with œ and æ expanded to "oe" and
 * "ae", as far as it fits.
 *
 * @return the bytes written
 */
size_t fouine_expand_ligatures(const unsigned char *src,
                               size_t n,
                               char *dst,
                               size_t cap);

/*
** Interface to code in lexicon.c.
*/

struct fouine_lexsink;

/**
 * Call cb for each word of sink, once a token, in the byte order of the
 * tokens: the order of the lexicon's key, so that inserting them in turn
 * walks its B-trees forward instead of jumping about (a new index's
 * lexicon is written in about half the time).  Of records with the same
 * token (the analyzer forgets its cache as it grows, and reads a word
 * again; its forms are the same), one is given.
 *
 * @return FOUINE_OK, FOUINE_ENOMEM (nothing given), or the first non-zero
 *         value cb returned
 */
FOUINE_WUR int fouine_lexsink_each(const struct fouine_lexsink *sink,
                                   fouine_word_cb cb,
                                   void *payload);

#endif /* FOUINE_ANALYSIS_H */
