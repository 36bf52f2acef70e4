/*
** fuzz_html.c: libFuzzer target for the HTML reader of fouine-index.
**
** Each input is read as a page by fouine_html_parse(); the process aborts
** when the reader fails otherwise than by refusing the page
** (FOUINE_EINVAL), or gives an article without title, lead or body, or
** with a field or comment that is not valid UTF-8.  Build with clang and
** -DFOUINE_FUZZERS=ON (see README.md); with gcc, fuzz_main.c replays
** inputs given as files or directories (tests/data/html/ is a corpus).
*/
#include "html.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort unless s is NULL or valid UTF-8. */
static void check_utf8(const char *s)
{
    char *fixed = NULL;
    size_t len = 0, bad = 0;
    if (!s) {
        return;
    }
    if (fouine_utf8_repair(&fixed, &len, &bad, s, strlen(s)) != FOUINE_OK ||
        fixed) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fouine_article a;
    fouine_html_info info;
    fouine_skip skip;
    size_t i;
    int rc = fouine_html_parse(&a, &skip, &info, (const char *)data, size);
    if (rc == FOUINE_EINVAL) {
        return 0;
    }
    if (rc != FOUINE_OK || !a.title || !a.lead || !a.body) {
        abort();
    }
    check_utf8(a.title);
    check_utf8(a.date);
    check_utf8(a.category);
    check_utf8(a.author);
    check_utf8(a.url);
    check_utf8(a.lead);
    check_utf8(a.body);
    for (i = 0; i < a.ncomments; i++) {
        if (!a.comments[i].body) {
            abort();
        }
        check_utf8(a.comments[i].body);
        check_utf8(a.comments[i].date);
    }
    fouine_article_clear(&a);
    return 0;
}
