/*
** analysis.h: private interface of the analysis library.
*/
#ifndef FOUINE_ANALYSIS_H
#define FOUINE_ANALYSIS_H

#include <stddef.h>

#include "fouine/analyzer.h"
#include "fouine/error.h"

/*
** Interface to code in analyzer.c, for tests.
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

#endif /* FOUINE_ANALYSIS_H */
