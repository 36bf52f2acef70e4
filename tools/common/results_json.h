/*
** results_json.h: search results as JSON, the one serializer of
** `fouine-query --json` and of fouine-serve's /api/search (README gives
** the fields).
*/
#ifndef FOUINE_RESULTS_JSON_H
#define FOUINE_RESULTS_JSON_H

#include <jansson.h>

#include "fouine/index.h"
#include "fouine/search.h"

/**
 * The JSON object of results: query, understood, expression, fallback,
 * total, offset, limit, correction (null or {query, typed, words: [[typed,
 * corrected]...]}), suggestion, category_unknown and category_closest
 * (null or the index's category nearest to the one asked for when it
 * is none of the index's), truncated and truncated_by (the names of
 * the bounds that cut the search short: "words", "prefixes", "phrases",
 * "time"), took_ms, facets (null, or {categories, years, months}, each an
 * array of {value, count}), and hits, each with id, title
 * (HTML-escaped, matches in <mark>), title_text, title_highlights
 * ([start, end] byte offsets in title_text), untitled, date, category,
 * url, score, snippet (HTML), snippet_text, highlights and comment.
 *
 * @param[out] out the new object (json_decref()); NULL on failure
 * @param r    the results; not owned
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_results_json(json_t **out, const fouine_results *r);

/**
 * Set key of obj to value, taken (also on failure).  Sets *failed when it
 * cannot: value is NULL (its constructor failed: memory, or text that is
 * not UTF-8) or memory is short; *failed is left alone otherwise, so that
 * a whole object is built before one check.
 */
void fouine_json_put(json_t *obj, const char *key, json_t *value, int *failed);

/**
 * Search and serialize: fouine_search() then fouine_results_json().
 *
 * @return as fouine_search()
 */
FOUINE_WUR int fouine_search_json(json_t **out,
                                  fouine_index *ix,
                                  const fouine_search_options *o);

#endif /* FOUINE_RESULTS_JSON_H */
