/*
** check_html_shared.c: the HTML reader on the shared sample of real pages
** (skipped, exit 77, when FOUINE_SHARED_DIR is absent).
**
** bench_html reads the 300 pages of corpus/orangesum-html-sample and
** compares what fouine_html_parse() gives with their truth.jsonl; its
** figures must meet the acceptance thresholds: title and date (to the
** minute) right for 99 % of the pages, section for 98 %, and the words of
** lead and body at a precision and a recall of 0.97 or more.
*/
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *shared; /* FOUINE_SHARED_DIR */

/* The number after label in text, or -1. */
static double figure(const char *text, const char *label)
{
    const char *p = strstr(text, label);
    double v = -1;
    if (!p || sscanf(p + strlen(label), "%lf", &v) != 1) {
        return -1;
    }
    return v;
}

START_TEST(test_sample_meets_the_thresholds)
{
    char cmd[2048], out[256], *text;
    snprintf(out, sizeof out, "/tmp/fouine-html-sample-%d.txt", (int)getpid());
    snprintf(cmd, sizeof cmd,
             "'%s/bench/bench_html' '%s/corpus/orangesum-html-sample' -r 0",
             fouine_test_build_dir(), shared);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    unlink(out);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(figure(text, "pages read:") >= 300, "%s", text);
    ck_assert_msg(figure(text, "title exact:") >= 99, "%s", text);
    ck_assert_msg(figure(text, "date (minute):") >= 99, "%s", text);
    ck_assert_msg(figure(text, "section exact:") >= 98, "%s", text);
    ck_assert_msg(figure(text, "body words, fouine:     precision") >= 0.97,
                  "%s", text);
    ck_assert_msg(figure(strstr(text, "body words, fouine:"), "recall") >= 0.97,
                  "%s", text);
    free(text);
}
END_TEST

int main(void)
{
    Suite *s;
    TCase *tc;
    shared = fouine_test_shared_or_skip("html_shared", "real news pages");
    s = suite_create("html_shared");
    tc = tcase_create("sample");
    tcase_add_test(tc, test_sample_meets_the_thresholds);
    suite_add_tcase(s, tc);
    return fouine_test_main(s);
}
