/*
** testutil.h: helpers shared by the Check suites.
*/
#ifndef FOUINE_TESTUTIL_H
#define FOUINE_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "fouine/analyzer.h"
#include "fouine/search.h"

/* The tokens of one analyzer run, as "tok|tok..." with colocated tokens
** joined by "/" (FOUINE_ANALYZE_WORDS: "la/la/la|sécurité/securite/secur",
** token/fold/stem). */
typedef struct fouine_test_tokens {
    char text[4096];    /* the joined tokens, NUL-terminated */
    size_t count;       /* tokens seen, colocated ones included */
    size_t starts[256]; /* start offset of each position's tokens */
    size_t ends[256];   /* end offset of each position's tokens */
    size_t positions;   /* positions seen */
} fouine_test_tokens;

/* Analyze text (NUL-terminated) with mode into out; fails the test on an
** error. */
void fouine_test_analyze(fouine_test_tokens *out,
                         fouine_analyzer *an,
                         const char *text,
                         int mode);

/* A small index of texts, each the body of an untitled article of id and
** rowid 1, 2... in order, written through fouine_index_put(), in a
** temporary file. */
typedef struct fouine_test_rows {
    struct fouine_index *ix; /* the index; owned */
    struct sqlite3 *db;      /* its connection; owned by ix */
    char dir[256];           /* the temporary directory */
} fouine_test_rows;

/* Make the index of rows[0..n); fails the test on an error. */
void fouine_test_rows_make(fouine_test_rows *out,
                           const char *const *rows,
                           size_t n);

/* Close the index and remove its directory. */
void fouine_test_rows_drop(fouine_test_rows *r);

/* Into out (size bytes), the rowids of the articles that query, in fouine's
** query language, finds, in order, as digits ("13": rows 1 and 3; "":
** none); the search is fouine's (its parser and the lexicon). */
void fouine_test_rows_match(char *out,
                            size_t size,
                            const fouine_test_rows *r,
                            fouine_analyzer *an,
                            const char *query);

/* Environment directory, or NULL when unset or missing. */
const char *fouine_test_dir(const char *env);

/* The shared reference data (FOUINE_SHARED_DIR); when it is absent, says
** on stdout that suite is skipped, what (the data it needs) being absent,
** and exits 77, which ctest counts as skipped. */
const char *fouine_test_shared_or_skip(const char *suite, const char *what);

/* The build tree (FOUINE_BUILD_DIR: fouine-index, fouine-query and the
** extension are there); fails the test when it is not set. */
const char *fouine_test_build_dir(void);

/* Run a shell command; returns its exit status (or -1). Output goes to the
** file out when not NULL. */
int fouine_test_run(const char *cmd, const char *out);

/* Read a whole file into a new NUL-terminated buffer (free()), or NULL. */
char *fouine_test_slurp(const char *path);

/* A temporary directory holding an index of corpus/, made by fouine-index
** as a user would, for the suites that search it. */
typedef struct fouine_test_corpus {
    char dir[256];   /* the directory, removed by fouine_test_corpus_drop() */
    char index[300]; /* dir/corpus.db */
} fouine_test_corpus;

/* Make a new directory named after name under /tmp and index corpus/ of the
** source tree into it (fouine-index's messages go to dir/index.log); fails
** the test on any error. */
void fouine_test_corpus_make(fouine_test_corpus *c, const char *name);

/* Remove the directory of fouine_test_corpus_make() and all it holds. */
void fouine_test_corpus_drop(const fouine_test_corpus *c);

#ifdef FOUINE_FAULT_INJECTION
/* An operation of an OOM loop: runs once, sets *digest on FOUINE_OK. */
typedef int (*fouine_test_oom_op)(uint64_t *digest);

/* Run op without failures for its reference digest, then once for each
** k = 1, 2, ... with the k-th allocation of the gateway failing (and every
** later one), until a run makes all its allocations: every run must give
** FOUINE_OK with the reference digest, or FOUINE_ENOMEM.  Fails the test
** otherwise, or after FOUINE_TEST_OOM_RUNS runs. */
void fouine_test_oom_loop(const char *name, fouine_test_oom_op op);

#define FOUINE_TEST_OOM_RUNS 100000 /* a loop that never ends fails */
#endif

/* xorshift32, a small deterministic generator for seeded tests: the next
** number after *state (which must not start at 0). */
uint32_t fouine_test_rnd(uint32_t *state);

/* The seed of a fuzzing run (FOUINE_FUZZ_SEED, else the time; never 0)
** and its number of inputs (FOUINE_FUZZ_ITERATIONS, else dflt) into *n;
** both are printed ("seed 123 (FOUINE_FUZZ_SEED), 800 what"), so that a
** failing run can be replayed. */
uint32_t fouine_test_fuzz_seed(long *n, long dflt, const char *what);

/* Write the bytes of an input that failed a fuzzing check to the file
** name of the test's directory, for the fuzz target's replay driver. */
void fouine_test_keep_failure(const char *name, const char *data, size_t len);

/* Call check on the bytes of each file of the directory rel of the source
** tree (FOUINE_SOURCE_DIR), a seed corpus; returns how many. */
size_t fouine_test_replay(const char *rel,
                          void (*check)(const char *data, size_t len));
/* SQLite's PRAGMA integrity_check and FTS5's integrity-check (of
** article_fts and comment_fts) pass on the index at path; fails the test
** otherwise.  Opens the index for writing (FTS5's check is an INSERT). */
void fouine_test_assert_integrity(const char *path);

/* Run a suite and return the process exit status (0 on success). */
int fouine_test_main(Suite *s);

/**
 * Search a raw connection to an index with an analyzer of the test's own
 * (the library's fouine_search_db()) and serialize the results as the
 * tools do (fouine_results_json()).
 *
 * @param[out] out the results (json_decref()); NULL on failure
 * @return as fouine_search_db()
 */
int fouine_test_search_json(json_t **out,
                            sqlite3 *db,
                            fouine_analyzer *an,
                            const fouine_search_options *o);

#endif /* FOUINE_TESTUTIL_H */
