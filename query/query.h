/*
** query.h: private interface of fouine-query and fouine-serve: turning what
** a reader typed into an FTS5 expression, running the search, and shaping
** its results as JSON (the one representation both tools print or serve).
*/
#ifndef FOUINE_QUERY_H
#define FOUINE_QUERY_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

#include "fouine/analyzer.h"
#include "fouine/error.h"

/* Marks that search results put around matched words in snippets and
** titles before they are rendered (see fouine_render()). */
#define FOUINE_MARK_OPEN  "\x01"
#define FOUINE_MARK_CLOSE "\x02"

/* What to search. */
typedef struct fouine_search_opts {
    const char *query; /* what the reader typed, UTF-8; not owned */
    int limit;         /* hits to return, >= 1 */
    int offset;        /* hits to skip */
    int snippet_tokens; /* length of snippets, in words */
} fouine_search_opts;

/**
 * Turn what a reader typed into an FTS5 MATCH expression that never fails
 * to parse: every word becomes a quoted string; stop words are dropped
 * unless the query holds nothing else.
 *
 * @param[out] out the expression, to be freed with free(); NULL on error or
 *             when the query holds no word
 * @param an   an analyzer (used to find stop words)
 * @param text the query
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_query_expr(char **out,
                                 fouine_analyzer *an,
                                 const char *text);

/**
 * Run a search.
 *
 * @param[out] out a new JSON object {"query", "expression", "total",
 *             "hits": [{"id", "title", "date", "path", "score",
 *             "snippet"}]}, with FOUINE_MARK_* around matched words; the
 *             caller owns it (json_decref())
 * @param db   an index opened with fouine_store_open()
 * @param an   an analyzer
 * @param opts what to search
 * @return FOUINE_OK, FOUINE_EDB, FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_search(json_t **out,
                             sqlite3 *db,
                             fouine_analyzer *an,
                             const fouine_search_opts *opts);

/* How fouine_render() writes the marks. */
typedef enum fouine_render_mode {
    FOUINE_RENDER_PLAIN, /* marks removed */
    FOUINE_RENDER_ANSI,  /* ANSI bold */
    FOUINE_RENDER_HTML   /* text HTML-escaped, marks as <mark>...</mark> */
} fouine_render_mode;

/**
 * Render a marked string.
 *
 * @param[out] out a new NUL-terminated string, freed with free()
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_render(char **out,
                             const char *marked,
                             fouine_render_mode mode);

#endif /* FOUINE_QUERY_H */
