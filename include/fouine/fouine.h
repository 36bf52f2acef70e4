/*
** fouine/fouine.h: libfouine, full-text search for French news over one
** SQLite file.  Include this header for the whole public API:
**
**   fouine/version.h   FOUINE_VERSION_*, the version of these headers
**   fouine/error.h     the error codes every function returns
**   fouine/analyzer.h  the French analyzer (normalization, elision,
**                      folding, Snowball French stems)
**   fouine/fts5.h      the analyzer as an FTS5 tokenizer, "french"
**   fouine/buf.h       the growable string some results hold
**   fouine/index.h     an index: open, write articles, look up, runs of
**                      fouine-index over paths
**   fouine/search.h    searching an index: ranked hits with snippets
**
** Thread safety: every function may be called from several threads at
** once on different handles; a handle is used by one thread at a time
** unless its header says otherwise.
*/
#ifndef FOUINE_FOUINE_H
#define FOUINE_FOUINE_H

#include "fouine/analyzer.h"
#include "fouine/error.h"
#include "fouine/fts5.h"
#include "fouine/index.h"
#include "fouine/search.h"
#include "fouine/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The version of the library the program runs with, "MAJOR.MINOR.PATCH":
 * FOUINE_VERSION_STRING of the headers it was built with, unless the
 * shared library was replaced since.
 *
 * @return a static string; never NULL
 */
const char *fouine_version(void);

/**
 * The same as one number, FOUINE_VERSION_NUMBER of the library.
 */
int fouine_version_number(void);

#ifdef __cplusplus
}
#endif

#endif /* FOUINE_FOUINE_H */
