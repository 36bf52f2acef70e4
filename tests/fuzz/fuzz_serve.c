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
#include "fuzz/fuzz_index.h"
#include "serve/replies.h"

#define MAX_INPUT (256u * 1024u) /* longer inputs are not sent */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fouine_serve_config fuzz_cfg = { .quiet = 1,
                                        .timeout = FOUINE_SERVE_TIMEOUT };
static fouine_serve_daemon *fuzz_daemon;

/* Stop the server (atexit, before the index is removed). */
static void fuzz_cleanup(void)
{
    fouine_serve_daemon_stop(fuzz_daemon);
    fouine_serve_worker_release();
}

/* The server, started at the first input. */
static fouine_serve_daemon *fuzz_server(void)
{
    if (fuzz_daemon) {
        return fuzz_daemon;
    }
    fuzz_cfg.index = fuzz_index("fuzz_serve");
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
