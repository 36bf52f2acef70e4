/*
** check_serve_browser.c: the search page of fouine-serve in headless
** Chromium (tests/serve/browser.py drives it over the DevTools protocol):
** typing, suggestions, highlighted results, paging by keyboard, the
** correction, an article, a <script> in an article that never runs.  The
** screenshot is saved as serve-page.png at the top of the build tree.
**
** Skipped, saying so, where Chromium (Debian package chromium, installed
** by scripts/install-deps --with-browser) or python3 is absent.
*/
#include "serve/harness.h"

static harness H;
static const char *chromium;

START_TEST(page_in_chromium)
{
    char cmd[4 * HARNESS_PATH], shot[HARNESS_PATH], out[HARNESS_PATH];
    char *log;
    FILE *f;
    unsigned char magic[8] = { 0 };
    int rc;

    snprintf(shot, sizeof shot, "%s/serve-page.png", H.build);
    snprintf(out, sizeof out, "%s/browser.out", H.dir);
    remove(shot);
    snprintf(cmd, sizeof cmd,
             "timeout 540 python3 '%s/tests/serve/browser.py' '%s' '%s' '%s' "
             "2>&1",
             H.source, chromium, H.base, shot);
    rc = fouine_test_run(cmd, out);
    log = fouine_test_slurp(out);
    printf("%s", log ? log : "");
    ck_assert_msg(rc == 0, "browser checks failed (%d): %s", rc,
                  log ? log : "");
    free(log);
    f = fopen(shot, "rb");
    ck_assert_msg(f != NULL, "no screenshot at %s", shot);
    ck_assert_int_eq(fread(magic, 1, sizeof magic, f), sizeof magic);
    fclose(f);
    ck_assert_int_eq(memcmp(magic, "\x89PNG\r\n\x1a\n", 8), 0);
}
END_TEST

int main(void)
{
    static const char *const args[] = { "--threads", "2", "--quiet", NULL };
    Suite *s;
    TCase *tc;
    int rc;

    chromium = getenv("FOUINE_CHROMIUM");
    if (!chromium || !*chromium) {
        chromium = "/usr/bin/chromium";
    }
    if (access(chromium, X_OK) != 0) {
        printf("skipped: %s is absent (Debian package chromium; "
               "scripts/install-deps --with-browser installs it)\n",
               chromium);
        return 77;
    }
    if (fouine_test_run("python3 -c 'import json' >/dev/null 2>&1", NULL) !=
        0) {
        printf("skipped: python3 is absent (Debian package python3)\n");
        return 77;
    }
    s = suite_create("serve_browser");
    tc = tcase_create("chromium");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, page_in_chromium);
    suite_add_tcase(s, tc);
    rc = harness_main(&H, s, 1, args);
    return rc;
}
