/*
** testutil.h: helpers shared by the Check suites.
*/
#ifndef FOUINE_TESTUTIL_H
#define FOUINE_TESTUTIL_H

#include <check.h>
#include <stddef.h>

#include "fouine/analyzer.h"

/* The tokens of one analyzer run, as "tok|tok..." with colocated tokens
** joined by "/" (e.g. "securite/#secur/#securit|etat/#etat"). */
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

/* Environment directory, or NULL when unset or missing. */
const char *fouine_test_dir(const char *env);

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

/* SQLite's PRAGMA integrity_check and FTS5's integrity-check (of
** article_fts and comment_fts) pass on the index at path; fails the test
** otherwise.  Opens the index for writing (FTS5's check is an INSERT). */
void fouine_test_assert_integrity(const char *path);

/* Run a suite and return the process exit status (0 on success). */
int fouine_test_main(Suite *s);

#endif /* FOUINE_TESTUTIL_H */
