/*
** fuzz_index.h: the index a fuzz target searches (tests/fuzz/fuzz_serve.c,
** tests/fuzz/fuzz_query.c): the one named by FOUINE_FUZZ_INDEX, or one of
** the project's corpus/ (FOUINE_FUZZ_CORPUS) made at the first call in a
** temporary directory, removed at exit.
**
** Header-only (static functions); uses fouine-index's library.
*/
#ifndef FOUINE_TEST_FUZZ_INDEX_H
#define FOUINE_TEST_FUZZ_INDEX_H

#include "indexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FOUINE_FUZZ_CORPUS
#define FOUINE_FUZZ_CORPUS "corpus"
#endif

static char fuzz_index_dir[512];  /* the temporary directory, or "" */
static char fuzz_index_file[600]; /* the index made there */

/* Remove the index made at the first call (atexit). */
static void fuzz_index_remove(void)
{
    static const char *const suffixes[] = { "", "-wal", "-shm" };
    char path[700];
    size_t i;
    if (!fuzz_index_dir[0]) {
        return;
    }
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s%s", fuzz_index_file, suffixes[i]);
        unlink(path);
    }
    rmdir(fuzz_index_dir);
}

/* The index file; made at the first call unless FOUINE_FUZZ_INDEX names
** one.  who names the target in messages; exits on failure. */
static const char *fuzz_index(const char *who)
{
    static const char *const paths[] = { FOUINE_FUZZ_CORPUS };
    const char *env = getenv("FOUINE_FUZZ_INDEX"), *tmp = getenv("TMPDIR");
    fouine_run_options opt;
    fouine_run_stats st;
    if (env && *env) {
        return env;
    }
    if (fuzz_index_file[0]) {
        return fuzz_index_file;
    }
    snprintf(fuzz_index_dir, sizeof fuzz_index_dir, "%s/fouine-fuzz-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fuzz_index_dir)) {
        fprintf(stderr, "%s: cannot make a temporary directory\n", who);
        exit(1);
    }
    atexit(fuzz_index_remove);
    snprintf(fuzz_index_file, sizeof fuzz_index_file, "%s/index.db",
             fuzz_index_dir);
    fouine_run_options_init(&opt);
    opt.index = fuzz_index_file;
    opt.paths = paths;
    opt.npaths = 1;
    opt.verbose = 0;
    if (fouine_index_run(&st, &opt) != FOUINE_OK || st.indexed == 0) {
        fprintf(stderr, "%s: cannot index %s\n", who, FOUINE_FUZZ_CORPUS);
        exit(1);
    }
    return fuzz_index_file;
}

#endif /* FOUINE_TEST_FUZZ_INDEX_H */
