/*
** fuzz_query.c: libFuzzer target of the query parser and the search.
**
** Each input is a query, checked by tests/fuzz/query_check.h against an
** index (fuzz_index.h: FOUINE_FUZZ_INDEX, or corpus/ indexed at the first
** input): every FTS5 expression the parser makes runs, every search
** answers with all its keys.  The process aborts otherwise, and the
** sanitizers on any memory error.  Build with clang and
** -DFOUINE_FUZZERS=ON (see README.md); with gcc, fuzz_main.c replays
** inputs given as files or directories (tests/fuzz/query-corpus/).
*/
#include "query.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/fuzz_index.h"
#include "fuzz/query_check.h"
#include "store.h"

#define MAX_INPUT (16u * 1024u) /* a search reads 16 KB of a query */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static query_check_ctx fuzz_ctx;

/* Close the index (atexit, before it is removed). */
static void fuzz_cleanup(void)
{
    fouine_lexicon_close(fuzz_ctx.lx);
    fouine_analyzer_free(fuzz_ctx.an);
    sqlite3_close(fuzz_ctx.db);
}

/* The index, its lexicon and an analyzer, opened at the first input. */
static query_check_ctx *fuzz_open(void)
{
    if (fuzz_ctx.db) {
        return &fuzz_ctx;
    }
    if (fouine_store_open(&fuzz_ctx.db, fuzz_index("fuzz_query"),
                          FOUINE_STORE_READ) != FOUINE_OK ||
        fouine_analyzer_new(&fuzz_ctx.an) != FOUINE_OK ||
        fouine_lexicon_open(&fuzz_ctx.lx, fuzz_ctx.db) != FOUINE_OK) {
        fprintf(stderr, "fuzz_query: cannot open the index\n");
        exit(1);
    }
    atexit(fuzz_cleanup);
    return &fuzz_ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    query_check_ctx *c = fuzz_open();
    if (size > MAX_INPUT) {
        return 0;
    }
    if (!query_check(c, (const char *)data, size)) {
        fprintf(stderr, "fuzz_query: %s\n", c->why);
        abort();
    }
    return 0;
}
