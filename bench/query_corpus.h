/*
** query_corpus.h: the indexes that the query benchmarks (bench/query.c,
** bench/relevance.c) search: the news articles of the shared corpus, and
** optionally the paragraphs of the relevance set, indexed by fouine and by
** stock FTS5 (unicode61 remove_diacritics 2) side by side.
*/
#ifndef FOUINE_BENCH_QUERY_CORPUS_H
#define FOUINE_BENCH_QUERY_CORPUS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

#include "fouine/index.h"

/* The fields of one article of a JSON Lines file of the shared data. */
typedef struct bench_doc {
    json_t *json;         /* the parsed line; owned (bench_doc_clear()) */
    const char *id;       /* these point into json, or are NULL */
    const char *title;    /* the title */
    const char *body;     /* the text, lead included */
    const char *date;     /* as written */
    const char *category; /* the field "section" */
} bench_doc;

/**
 * Parse one line of JSON Lines into d.
 *
 * @param[out] d the fields (bench_doc_clear() even on failure)
 * @param line   NUL-terminated
 * @return 0, or -1 when the line is not a JSON object with an "id"
 */
int bench_doc_parse(bench_doc *d, const char *line);

/** Release what bench_doc_parse() parsed and clear d. */
void bench_doc_clear(bench_doc *d);

/**
 * Open (building it first when missing) a fouine index and a baseline
 * index of the same documents: the news of SHARED/corpus/orangesum-2016-2019.jsonl, plus,
 * when piaf is non-zero, SHARED/eval/piaf-dev/paragraphs.jsonl.
 *
 * The baseline table is doc(id UNINDEXED, title, body), body holding the
 * lead and the body.
 *
 * @param[out] fouine the fouine index, read only (fouine_index_close())
 * @param[out] base   the baseline index (sqlite3_close())
 * @param shared  the shared data directory
 * @param dir     where the index files go
 * @param piaf    non-zero to add the relevance paragraphs
 * @return 0, or -1 after a message on stderr
 */
int bench_open_indexes(fouine_index **fouine,
                       sqlite3 **base,
                       const char *shared,
                       const char *dir,
                       int piaf);

/** Milliseconds of a monotonic clock. */
double bench_now_ms(void);

/** The shared directory: argv value, FOUINE_SHARED_DIR, or ../shared from
 *  the source tree (FOUINE_SOURCE_DIR given by CMake). */
const char *bench_shared_dir(const char *arg);

/**
 * The next word of *s (a run of ASCII letters and digits and non-ASCII
 * bytes, as unicode61 would cut it, roughly), advancing *s past it.
 *
 * @param[out] len its length in bytes
 * @return its first byte, or NULL at the end of the string
 */
const char *bench_next_word(const char **s, size_t *len);

/** s with accents stripped as a reader typing without them (NFD, marks
 *  dropped, œ -> oe, æ -> ae): a new string (free()), or NULL. */
char *bench_strip_accents(const char *s);

#endif /* FOUINE_BENCH_QUERY_CORPUS_H */
