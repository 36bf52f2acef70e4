/*
** check_version.c: every tool answers --version with its name and the
** version of the library it runs with, and its --help says so.
**
** A packager, a bug report or a script asks "fouine-query --version"; the
** answer must be one line, "fouine-query 0.1.0", exit status 0, and a
** failed write of it must not pass for a success.
*/
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fouine/fouine.h"

/* The tools of the build tree.  fouine-serve is built only with
** libmicrohttpd (the tests of fouine-serve need it as well). */
static const char *const tools[] = { "fouine-index", "fouine-query",
                                     "fouine-serve" };

/* A scratch directory for the outputs, removed by teardown(). */
static char work[64];

static void setup(void)
{
    snprintf(work, sizeof work, "/tmp/fouine-version-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(work));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
}

/* Into path (size bytes), the path of tool in the build tree; 0 when the
** build has it, -1 when it does not (fouine-serve without libmicrohttpd:
** said on stdout). */
static int tool_path(char *path, size_t size, const char *tool)
{
    ck_assert_int_lt(
        snprintf(path, size, "%s/%s", fouine_test_build_dir(), tool),
        (int)size);
    if (access(path, X_OK) != 0) {
        ck_assert_str_eq(tool, "fouine-serve");
        printf("version: %s is not built (no libmicrohttpd): not checked\n",
               tool);
        return -1;
    }
    return 0;
}

START_TEST(test_version_line)
{
    const char *tool = tools[_i];
    char path[512], cmd[1400], out[128], err[128], want[128];
    char *text = NULL, *errors = NULL;

    if (tool_path(path, sizeof path, tool) != 0) {
        return;
    }
    snprintf(out, sizeof out, "%s/out", work);
    snprintf(err, sizeof err, "%s/err", work);
    /* One line, the tool's name and the library's version; nothing else. */
    snprintf(cmd, sizeof cmd, "'%s' --version 2>'%s'", path, err);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    errors = fouine_test_slurp(err);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(errors);
    snprintf(want, sizeof want, "%s %s\n", tool, fouine_version());
    ck_assert_str_eq(text, want);
    ck_assert_str_eq(errors, "");
    /* The version of the headers is the library's. */
    ck_assert_str_eq(fouine_version(), FOUINE_VERSION_STRING);
    free(text);
    free(errors);
    /* --version comes first, whatever follows it: an index that does not
    ** exist is not opened. */
    snprintf(cmd, sizeof cmd, "'%s' --version -i '%s/absent.db' 2>'%s'", path,
             work, err);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, want);
    free(text);
}
END_TEST

START_TEST(test_version_write_error)
{
    const char *tool = tools[_i];
    char path[512], cmd[1024];

    if (tool_path(path, sizeof path, tool) != 0) {
        return;
    }
    /* The line cannot be written: the tool must not exit 0. */
    snprintf(cmd, sizeof cmd, "'%s' --version >/dev/full 2>/dev/null", path);
    ck_assert_int_ne(fouine_test_run(cmd, NULL), 0);
}
END_TEST

START_TEST(test_help_names_version)
{
    const char *tool = tools[_i];
    char path[512], cmd[1024], out[128];
    char *text = NULL;

    if (tool_path(path, sizeof path, tool) != 0) {
        return;
    }
    snprintf(out, sizeof out, "%s/help", work);
    snprintf(cmd, sizeof cmd, "'%s' --help", path);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, "\n      --version "), "%s --help:\n%s", tool,
                  text);
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("version");
    TCase *tc = tcase_create("tools");
    SRunner *sr;
    int failed;
    int n = (int)(sizeof tools / sizeof tools[0]);

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_version_line, 0, n);
    tcase_add_loop_test(tc, test_version_write_error, 0, n);
    tcase_add_loop_test(tc, test_help_names_version, 0, n);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
