/*
** fuzz_analyzer.c: libFuzzer target for the French analyzer.
**
** Each input is analyzed in every mode; the process aborts when a token is
** empty, longer than FOUINE_MAX_WORD + 1 bytes or not valid UTF-8, or when
** offsets leave the input or go backwards.  Build with clang and
** -DFOUINE_FUZZERS=ON (see README.md); with gcc, fuzz_main.c replays
** inputs given as files or directories.
*/
#include "fouine/analyzer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* State of one run. */
typedef struct fuzz_ctx {
    size_t len;        /* input length */
    size_t last_start; /* start of the previous token */
    size_t last_end;   /* end of the previous position */
    size_t tokens;     /* tokens seen */
} fuzz_ctx;

static int fuzz_token(const char *token,
                      size_t len,
                      size_t start,
                      size_t end,
                      int flags,
                      void *payload)
{
    fuzz_ctx *c = payload;
    size_t i = 0;
    if (len == 0 || len > FOUINE_MAX_WORD + 1 || start > end || end > c->len ||
        (c->tokens > 0 && start < c->last_start) ||
        (!(flags & FOUINE_TOKEN_COLOCATED) && c->tokens > 0 &&
         start < c->last_end)) {
        abort();
    }
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)token + i,
                             (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) {
            abort();
        }
        i += (size_t)k;
    }
    c->last_start = start;
    if (!(flags & FOUINE_TOKEN_COLOCATED)) {
        c->last_end = end;
    }
    c->tokens++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int modes[] = { FOUINE_ANALYZE_DOCUMENT, FOUINE_ANALYZE_QUERY,
                                 FOUINE_ANALYZE_WORDS };
    static fouine_analyzer *an; /* one for the whole process, so that its
                                ** cache carries over between inputs */
    size_t m;

    if (!an && fouine_analyzer_new(&an) != FOUINE_OK) {
        abort();
    }
    for (m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        fuzz_ctx c;
        memset(&c, 0, sizeof c);
        c.len = size;
        if (fouine_analyzer_run(an, (const char *)data, size, modes[m],
                                fuzz_token, &c) != FOUINE_OK) {
            abort();
        }
    }
    return 0;
}
