/*
** fuzz_serve.c: libFuzzer target of fouine-serve's request handling.
**
** Each input is sent as is, as the bytes of one connection, to an
** in-process server without threads (fouine_serve_local_start(),
** fouine_serve_exchange()): libmicrohttpd parses it, the handlers answer.
** The process aborts when an answer is not what tests/serve/replies.h
** demands (a well-formed response, a sane status, a JSON body), and the
** sanitizers abort it on any memory error.  The index is the one named by
** FOUINE_FUZZ_INDEX, or one of the project's corpus/ made on the first
** input in a temporary directory, removed at exit.  Build with clang and
** -DFOUINE_FUZZERS=ON (see README.md); with gcc, fuzz_main.c replays
** inputs given as files or directories.
*/
#include "serve.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fouine/alloc.h"
#include "indexer.h"
#include "serve/replies.h"

#ifndef FOUINE_FUZZ_CORPUS
#define FOUINE_FUZZ_CORPUS "corpus"
#endif

#define MAX_INPUT (256u * 1024u) /* longer inputs are not sent */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fouine_serve_config fuzz_cfg = { NULL, NULL, 1, 0, FOUINE_SERVE_TIMEOUT,
                                        0 };
static fouine_serve_daemon *fuzz_daemon;
static char fuzz_dir[512];   /* the temporary directory, or "" */
static char fuzz_index[600]; /* the index made there */

/* Remove the index made at the first input. */
static void fuzz_cleanup(void)
{
    static const char *const suffixes[] = { "", "-wal", "-shm" };
    char path[700];
    size_t i;
    fouine_serve_daemon_stop(fuzz_daemon);
    fouine_serve_worker_release();
    if (!fuzz_dir[0]) {
        return;
    }
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s%s", fuzz_index, suffixes[i]);
        unlink(path);
    }
    rmdir(fuzz_dir);
}

/* Index corpus/ into a new temporary directory; exits on failure. */
static const char *fuzz_make_index(void)
{
    static const char *const paths[] = { FOUINE_FUZZ_CORPUS };
    const char *tmp = getenv("TMPDIR");
    fouine_run_options opt;
    fouine_run_stats st;
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/fouine-fuzz-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fuzz_dir)) {
        perror("fuzz_serve: mkdtemp");
        exit(1);
    }
    snprintf(fuzz_index, sizeof fuzz_index, "%s/index.db", fuzz_dir);
    fouine_run_options_init(&opt);
    opt.index = fuzz_index;
    opt.paths = paths;
    opt.npaths = 1;
    opt.verbose = 0;
    if (fouine_index_run(&st, &opt) != FOUINE_OK || st.indexed == 0) {
        fprintf(stderr, "fuzz_serve: cannot index %s\n", FOUINE_FUZZ_CORPUS);
        exit(1);
    }
    return fuzz_index;
}

/* The server, started at the first input. */
static fouine_serve_daemon *fuzz_server(void)
{
    const char *index;
    if (fuzz_daemon) {
        return fuzz_daemon;
    }
    index = getenv("FOUINE_FUZZ_INDEX");
    fuzz_cfg.index = index && *index ? index : fuzz_make_index();
    if (fouine_serve_worker_init() != FOUINE_OK ||
        fouine_serve_local_start(&fuzz_daemon, &fuzz_cfg) != FOUINE_OK) {
        fprintf(stderr, "fuzz_serve: cannot start the server\n");
        exit(1);
    }
    atexit(fuzz_cleanup);
    return fuzz_daemon;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fouine_serve_daemon *d = fuzz_server();
    replies_seen seen;
    char *out = NULL;
    size_t len = 0;
    if (size > MAX_INPUT) {
        return 0;
    }
    if (fouine_serve_exchange(&out, &len, d, (const char *)data, size) !=
        FOUINE_OK) {
        fprintf(stderr, "fuzz_serve: the exchange failed\n");
        abort();
    }
    if (replies_check(&seen, out, len) != 0) {
        fprintf(stderr, "fuzz_serve: %s\n", seen.why);
        abort();
    }
    fouine_free(out);
    return 0;
}
