/*
** check_index_shared.c: fouine-index on real French news from the shared
** reference data (skipped, exit 77, when FOUINE_SHARED_DIR is absent):
**   - one month of the OrangeSum articles in both shapes, the .txt tree
**     and the matching lines of the .jsonl: every article reads the same
**     (title, lead, body, date) whichever shape it comes from;
**   - the reference article of the site layout: its reader comment is
**     searchable apart, its boilerplate nowhere.
*/
#include "query.h"
#include "store.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char work[256];
static char index_db[320];
static const char *shared;

static void setup(void)
{
    snprintf(work, sizeof work, "/tmp/fouine-index-shared-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(work));
    snprintf(index_db, sizeof index_db, "%s/idx.db", work);
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
}

static long query_long(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    long v = -1;
    ck_assert_int_eq(fouine_store_open(&db, index_db, FOUINE_STORE_READ),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_search_register(db), FOUINE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        v = (long)sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

START_TEST(test_orangesum_month_in_both_shapes)
{
    char cmd[4096], month[1024], jsonl[1024];
    long n;
    snprintf(month, sizeof month, "%s/corpus/orangesum-2016-2019/2019/01",
             shared);
    snprintf(jsonl, sizeof jsonl, "%s/corpus/orangesum-2016-2019.jsonl",
             shared);
    /* The JSON lines of the same articles: NNNNN.txt is orangesum-NNNNN. */
    snprintf(cmd, sizeof cmd,
             "ls '%s' | sed 's/^\\(.*\\)\\.txt$/\"id\": \"orangesum-\\1\"/' "
             "> '%s/ids' && grep -F -f '%s/ids' '%s' > '%s/month.jsonl'",
             month, work, work, jsonl, work);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-index' -q -o '%s' '%s' '%s/month.jsonl'",
             fouine_test_build_dir(), index_db, month, work);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
    n = query_long("SELECT count(*) FROM article WHERE id LIKE '%.txt'");
    ck_assert_int_ge(n, 500);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article"), 2 * n);
    /* Same title, lead, body and date (the JSON date has an offset). */
    ck_assert_int_eq(query_long("SELECT count(*) FROM article a"
                                " JOIN article b"
                                " ON b.id = 'orangesum-' || substr(a.id, 1, 5)"
                                " WHERE a.id LIKE '%.txt'"
                                " AND a.title = b.title AND a.lead = b.lead"
                                " AND a.body = b.body AND length(a.lead) > 0"
                                " AND substr(a.date, 1, 16) ="
                                " substr(b.date, 1, 16)"),
                     n);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article"
                                " WHERE date NOT LIKE '2019-01-__T__:__%'"),
                     0);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article"
                                " WHERE id LIKE 'orangesum-%'"
                                " AND (category IS NULL OR url IS NULL"
                                " OR author IS NULL)"),
                     0);
    /* Every article found twice by a word of its own title... */
    ck_assert_int_eq(
        query_long("SELECT count(*) FROM article_fts"
                   " WHERE article_fts MATCH fouine_query('title:macron')") %
            2,
        0);
    ck_assert_int_ge(
        query_long("SELECT count(*) FROM article_fts"
                   " WHERE article_fts MATCH fouine_query('title:macron')"),
        2);
}
END_TEST

START_TEST(test_reference_article_comments_apart)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-index' -q -o '%s' "
             "'%s/corpus/nextinpact-2018-04-18-cybersecurity-tech-accord.txt'",
             fouine_test_build_dir(), index_db, shared);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article"
                                " WHERE category = 'Internet'"
                                " AND reading_time = 2"
                                " AND date = '2018-04-18T09:26:00'"),
                     1);
    ck_assert_int_eq(query_long("SELECT count(*) FROM comment"
                                " WHERE date = '2018-04-18T09:48:00'"),
                     1);
    ck_assert_int_eq(
        query_long("SELECT count(*) FROM article_fts"
                   " WHERE article_fts MATCH fouine_query('chaises')"),
        0);
    ck_assert_int_eq(
        query_long("SELECT count(*) FROM comment_fts"
                   " WHERE comment_fts MATCH fouine_query('chaises')"),
        1);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article_fts"
                                " WHERE article_fts MATCH"
                                " 'abonnez OR journalisme OR tracker'"),
                     0);
    ck_assert_int_eq(query_long("SELECT count(*) FROM comment_fts"
                                " WHERE comment_fts MATCH"
                                " 'abonnez OR journalisme OR tracker'"),
                     0);
    ck_assert_int_eq(
        query_long("SELECT count(*) FROM article_fts"
                   " WHERE article_fts MATCH fouine_query('cyberattaque')"),
        1);
}
END_TEST

int main(void)
{
    Suite *s;
    TCase *tc;
    shared = fouine_test_shared_or_skip("index_shared", "real French news");
    s = suite_create("index_shared");
    tc = tcase_create("real news");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_orangesum_month_in_both_shapes);
    tcase_add_test(tc, test_reference_article_comments_apart);
    suite_add_tcase(s, tc);
    return fouine_test_main(s);
}
