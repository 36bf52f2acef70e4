/*
** fuzz_article.c: libFuzzer target of the parsers of text and JSON
** articles of fouine-index.
**
** Each input is read as a text article and as a JSON document, raw and
** repaired, and checked by tests/fuzz/article_check.h; the process aborts
** when a check fails, and the sanitizers on any memory error.  Build with
** clang and -DFOUINE_FUZZERS=ON (see README.md); with gcc, fuzz_main.c
** replays inputs given as files or directories
** (tests/fuzz/article-corpus/).
*/
#include "indexer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/article_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    article_check_ctx c;
    if (!article_check(&c, (const char *)data, size)) {
        fprintf(stderr, "fuzz_article: %s\n", c.why);
        abort();
    }
    return 0;
}
