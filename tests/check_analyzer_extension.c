/*
** check_analyzer_extension.c: the loadable extension.  fouine-index builds
** an index of corpus/, then the stock sqlite3 shell loads
** FOUINE_BUILD_DIR/fouine (.load) and searches it with the "french"
** tokenizer and fouine_query(): accents, prefixes, exact words, phrases of
** stop words, fields and highlight() offsets work there as in
** fouine-query, and fouine_rank() ranks as fouine-query does; without
** .load the same query fails.
**
** Skipped (exit 77) when the sqlite3 shell is not installed.  In a build
** with sanitizers, fouine.so needs their runtimes, so the shell is started
** with the runtimes this test was linked with preloaded.
*/
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static fouine_test_corpus corpus; /* corpus/ and its index */
static char preload[2200];        /* "LD_PRELOAD=... " or "" */

/* The sanitizer runtimes mapped into this process, as an LD_PRELOAD
** assignment for the shell, or "" when there are none. */
static void find_preload(void)
{
    /* In this order: the ASan runtime must come first. */
    static const char *const libs[] = { "/libasan.so", "/libubsan.so" };
    char line[1024];
    char found[2][sizeof line] = { "", "" };
    FILE *maps = fopen("/proc/self/maps", "r");
    size_t k, n;
    preload[0] = '\0';
    if (!maps) {
        return;
    }
    while (fgets(line, sizeof line, maps)) {
        char *path = strchr(line, '/');
        for (k = 0; path && k < 2; k++) {
            if (!found[k][0] && strstr(path, libs[k])) {
                path[strcspn(path, "\n")] = '\0';
                memcpy(found[k], path, strlen(path) + 1);
            }
        }
    }
    fclose(maps);
    if (!found[0][0]) {
        return; /* no sanitizer runtime */
    }
    strcpy(preload, "LD_PRELOAD=");
    n = strlen(preload);
    for (k = 0; k < 2; k++) {
        size_t len = strlen(found[k]);
        if (len == 0) {
            continue;
        }
        ck_assert_uint_lt(n + len + 2, sizeof preload);
        memcpy(preload + n, found[k], len);
        n += len;
        preload[n++] = k == 0 && found[1][0] ? ':' : ' ';
        preload[n] = '\0';
    }
}

static void setup(void)
{
    find_preload();
    fouine_test_corpus_make(&corpus, "extension");
}

static void teardown(void)
{
    fouine_test_corpus_drop(&corpus);
}

/*
** Run the sqlite3 shell on the index with sql as input, after ".load" of
** the extension when load is set.  Returns the exit status; the output
** goes to *out (free()).
*/
static int shell(const char *sql, int load, char **out)
{
    char cmd[4096], in[320], outpath[320];
    FILE *f;
    int status;
    snprintf(in, sizeof in, "%s/in.sql", corpus.dir);
    snprintf(outpath, sizeof outpath, "%s/out.txt", corpus.dir);
    f = fopen(in, "w");
    ck_assert_ptr_nonnull(f);
    if (load) {
        fprintf(f, ".load %s/fouine\n", fouine_test_build_dir());
    }
    fprintf(f, "%s\n", sql);
    fclose(f);
    snprintf(cmd, sizeof cmd, "(%ssqlite3 -batch '%s' < '%s' 2>&1)", preload,
             corpus.index, in);
    status = fouine_test_run(cmd, outpath);
    *out = fouine_test_slurp(outpath);
    ck_assert_ptr_nonnull(*out);
    return status;
}

/* Queries through the shell and the exact output each must print. */
static const struct {
    const char *sql;
    const char *output;
} queries[] = {
    /* The README example, typed without accents. */
    { "SELECT title FROM article_fts WHERE article_fts MATCH fouine_query('securite') "
      "AND rowid = (SELECT rowid FROM article WHERE id = "
      "'anssi-securite-hopitaux-cyberattaques.txt');",
      "L’ANSSI alerte sur la sécurité des hôpitaux face aux cyberattaques\n" },
    { "SELECT id FROM article WHERE rowid IN (SELECT rowid FROM article_fts "
      "WHERE article_fts MATCH fouine_query('securite')) ORDER BY id;",
      "anssi-securite-hopitaux-cyberattaques.txt\n"
      "hopital-saint-amand-urgences-fermees-la-nuit.txt\n"
      "place-vendome-braquage-bijouterie-bijoux.txt\n"
      "rancongiciel-ville-essonne-paralysee.txt\n"
      "sncf-greve-week-end-tgv-ter.txt\n" },
    { "SELECT id FROM article WHERE rowid IN (SELECT rowid FROM article_fts "
      "WHERE article_fts MATCH fouine_query('présidenti*')) ORDER BY id;",
      "elysee-president-recoit-maires-ruraux.txt\n"
      "la-poste-horaires-bureaux-communes-rurales.txt\n" },
    { "SELECT id FROM article WHERE rowid IN (SELECT rowid FROM article_fts "
      "WHERE article_fts MATCH fouine_query('=président')) ORDER BY id;",
      "elysee-president-recoit-maires-ruraux.txt\n"
      "etats-unis-ministre-washington-apaisement-commercial.txt\n" },
    { "SELECT id FROM article WHERE rowid IN (SELECT rowid FROM article_fts "
      "WHERE article_fts MATCH fouine_query('\"le monde\"')) ORDER BY id;",
      "etats-unis-ministre-washington-apaisement-commercial.txt\n"
      "la-poste-horaires-bureaux-communes-rurales.txt\n" },
    { "SELECT id FROM article WHERE rowid IN (SELECT rowid FROM article_fts "
      "WHERE article_fts MATCH fouine_query('actium')) ORDER BY id;",
      "louvre-cleopatre-oeuvres-restaurees.txt\n" },
    { "SELECT highlight(article_fts, 0, '[', ']') FROM article_fts "
      "WHERE article_fts MATCH fouine_query('titre:anssi');",
      "L’[ANSSI] alerte sur la sécurité des hôpitaux face aux cyberattaques\n" },
    /* Ranked as fouine-query ranks: the article about the ANSSI first. */
    { "SELECT a.id FROM article_fts JOIN article a ON a.rowid ="
      " article_fts.rowid WHERE article_fts MATCH fouine_query('sécurité"
      " hôpitaux') ORDER BY fouine_rank(article_fts,"
      " fouine_query_map('sécurité hôpitaux')) LIMIT 1;",
      "anssi-securite-hopitaux-cyberattaques.txt\n" },
    /* Its snippets: the best passage, HTML-escaped, the words found
    ** marked, accents and inflections as fouine-query marks them. */
    { "SELECT fouine_snippet(lead, 'securite hopitaux', 80) FROM article"
      " WHERE id = 'anssi-securite-hopitaux-cyberattaques.txt';",
      "Dans son rapport annuel, l’Agence nationale de la <mark>sécurité</mark>"
      " des systèmes …\n" },
    { "SELECT fouine_snippet(title, 'hopital', 0) FROM article"
      " WHERE id = 'anssi-securite-hopitaux-cyberattaques.txt';",
      "L’ANSSI alerte sur la sécurité des <mark>hôpitaux</mark> face aux"
      " cyberattaques\n" },
    { "SELECT fouine_snippet('Tom & Jerry <b>', 'tom');",
      "<mark>Tom</mark> &amp; Jerry &lt;b&gt;\n" },
};

START_TEST(test_shell_queries)
{
    char *out = NULL;
    ck_assert_int_eq(shell(queries[_i].sql, 1, &out), 0);
    ck_assert_msg(strcmp(out, queries[_i].output) == 0,
                  "%s\nprinted:\n%s\nwant:\n%s", queries[_i].sql, out,
                  queries[_i].output);
    free(out);
}
END_TEST

START_TEST(test_needs_the_extension)
{
    char *out = NULL;
    ck_assert_int_ne(shell("SELECT count(*) FROM article_fts WHERE "
                           "article_fts MATCH 'sécurité';",
                           0, &out),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "no such tokenizer: french"));
    free(out);
}
END_TEST

static Suite *extension_suite(void)
{
    Suite *s = suite_create("analyzer_extension");
    TCase *tc = tcase_create("sqlite3 shell");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_shell_queries, 0,
                        sizeof queries / sizeof queries[0]);
    tcase_add_test(tc, test_needs_the_extension);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (fouine_test_run("command -v sqlite3 >/dev/null 2>&1", NULL) != 0) {
        printf("analyzer_extension: skipped, the sqlite3 shell (package "
               "sqlite3) is not installed\n");
        return 77;
    }
    return fouine_test_main(extension_suite());
}
