/*
** check_index.c: fouine-index as users run it: incremental re-runs (add,
** modify, delete, rename), comments kept apart, JSON and JSON Lines,
** every kind of bad input, symbolic link loops, an index that cannot be
** written, and a run killed (kill -9, SIGINT, SIGTERM) in the middle, then
** completed by a re-run, the index passing SQLite's and FTS5's integrity
** checks.
*/
#include "query.h"
#include "store.h"
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char work[256];     /* temporary directory of one test */
static char index_db[320]; /* the index in it */
static char logbuf[65536]; /* stderr of the last run (its end) */

/* What the summary line of the last run says. */
typedef struct summary {
    long indexed, updated, unchanged, removed, skipped;
    int interrupted;
} summary;

static void setup(void)
{
    snprintf(work, sizeof work, "/tmp/fouine-index-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(work));
    snprintf(index_db, sizeof index_db, "%s/idx.db", work);
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s'; rm -rf '%s'", work, work);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
}

/* Write bytes to work/rel, creating the directories on the way. */
static void put_bytes(const char *rel, const char *data, size_t len)
{
    char path[1024];
    char *slash;
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", work, rel);
    for (slash = strchr(path + strlen(work) + 1, '/'); slash;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        ck_assert_msg(mkdir(path, 0755) == 0 || errno == EEXIST, "%s: %s", path,
                      strerror(errno));
        *slash = '/';
    }
    f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static void put(const char *rel, const char *text)
{
    put_bytes(rel, text, strlen(text));
}

/* Run a shell command in the work directory; fails the test on error. */
static void sh(const char *inner)
{
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "cd '%s' && %s", work, inner);
    ck_assert_msg(fouine_test_run(cmd, NULL) == 0, "failed: %s", cmd);
}

/* Parse the summary line out of logbuf. */
static int parse_summary(summary *s)
{
    const char *p = logbuf, *line;
    memset(s, 0, sizeof *s);
    while ((line = strstr(p, "fouine-index: ")) != NULL) {
        const char *q = line + strlen("fouine-index: ");
        p = q;
        if (strncmp(q, "interrupted: ", 13) == 0) {
            s->interrupted = 1;
            q += 13;
        }
        if (sscanf(q,
                   "%ld indexed, %ld updated, %ld unchanged, %ld removed, "
                   "%ld skipped",
                   &s->indexed, &s->updated, &s->unchanged, &s->removed,
                   &s->skipped) == 5) {
            return 1;
        }
    }
    return 0;
}

/* Run fouine-index with args (shell words) on the test's index; returns
** its exit status, keeps its stderr in logbuf and its summary in *s. */
static int index_run(summary *s, const char *args)
{
    char cmd[2048], log[320];
    char *text;
    size_t n;
    int status;
    snprintf(log, sizeof log, "%s/log", work);
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s/fouine-index' -o '%s' %s 2>'%s'",
             work, fouine_test_build_dir(), index_db, args, log);
    status = fouine_test_run(cmd, NULL);
    text = fouine_test_slurp(log);
    /* The end of it: the summary line is last. */
    n = text ? strlen(text) : 0;
    snprintf(logbuf, sizeof logbuf, "%s",
             text ? text + (n >= sizeof logbuf ? n - sizeof logbuf + 1 : 0) :
                    "");
    free(text);
    if (s) {
        ck_assert_msg(parse_summary(s) || status == 2, "no summary in: %s",
                      logbuf);
    }
    return status;
}

/* The first column of the first row of sql on the index, as an integer;
** -1 when the index cannot be read. */
static long query_long(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    long v = -1;
    if (fouine_store_open(&db, index_db, FOUINE_STORE_READ) != FOUINE_OK ||
        fouine_search_register(db) != FOUINE_OK) {
        sqlite3_close(db);
        return -1;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        v = (long)sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static long articles(void)
{
    return query_long("SELECT count(*) FROM article");
}

/* Articles whose FTS5 row matches a query. */
static long matches(const char *table, const char *query)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM %s WHERE %s MATCH fouine_query('%s')", table,
             table, query);
    return query_long(sql);
}

/* SQLite's and FTS5's integrity checks pass on the index. */
static void assert_integrity(void)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    const char *ok;
    ck_assert_int_eq(fouine_store_open(&db, index_db, FOUINE_STORE_WRITE),
                     FOUINE_OK);
    ck_assert_int_eq(
        sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL),
        SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    ok = (const char *)sqlite3_column_text(s, 0);
    ck_assert_msg(ok && strcmp(ok, "ok") == 0, "integrity_check: %s",
                  ok ? ok : "(null)");
    sqlite3_finalize(s);
    ck_assert_msg(sqlite3_exec(db,
                               "INSERT INTO article_fts(article_fts)"
                               " VALUES ('integrity-check');"
                               "INSERT INTO comment_fts(comment_fts)"
                               " VALUES ('integrity-check');",
                               NULL, NULL, NULL) == SQLITE_OK,
                  "FTS5 integrity-check: %s", sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

/* No article twice. */
static void assert_no_duplicates(void)
{
    ck_assert_int_eq(query_long("SELECT count(*) - count(DISTINCT id)"
                                " FROM article"),
                     0);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article_fts"),
                     articles());
}

/* Copy the .txt files of corpus/ to work/news. */
static void copy_corpus(void)
{
    const char *src = fouine_test_dir("FOUINE_SOURCE_DIR");
    char cmd[1024];
    ck_assert_ptr_nonnull(src);
    snprintf(cmd, sizeof cmd, "mkdir -p news && cp '%s'/corpus/*.txt news/",
             src);
    sh(cmd);
}

/* A short article in the plain layout. */
#define BUDGET                                         \
    "La mairie vote son budget\nLe 2 juillet 2020\n\n" \
    "Le conseil municipal adopte le budget.\n"

#define SECURITE "anssi-securite-hopitaux-cyberattaques.txt"
#define LOUVRE   "louvre-cleopatre-oeuvres-restaurees.txt"
#define LAIT     "prix-du-lait-eleveurs-bloquent-laiterie-mayenne.txt"

START_TEST(test_incremental_runs)
{
    summary s;
    long n;
    copy_corpus();
    ck_assert_int_eq(index_run(&s, "news"), 0);
    n = articles();
    ck_assert_int_ge(n, 20);
    ck_assert_int_eq(s.indexed, n);
    ck_assert_int_eq(s.skipped, 0);
    assert_integrity();

    /* Nothing changed. */
    ck_assert_int_eq(index_run(&s, "news"), 0);
    ck_assert_int_eq(s.indexed, 0);
    ck_assert_int_eq(s.unchanged, n);
    ck_assert_int_eq(s.updated + s.removed, 0);

    /* Touched but not changed: the content hash says unchanged. */
    sh("touch -d '2001-01-01 12:00' news/" SECURITE);
    ck_assert_int_eq(index_run(&s, "news"), 0);
    ck_assert_int_eq(s.unchanged, n);
    ck_assert_int_eq(s.updated, 0);

    /* Modified: one article updated, and searchable by its new words. */
    ck_assert_int_eq(matches("article_fts", "ornithorynque"), 0);
    sh("printf '\\nUn ornithorynque a été aperçu près des serveurs.\\n' >> "
       "news/" LAIT "");
    ck_assert_int_eq(index_run(&s, "news"), 0);
    ck_assert_int_eq(s.updated, 1);
    ck_assert_int_eq(s.unchanged, n - 1);
    ck_assert_int_eq(matches("article_fts", "ornithorynque"), 1);
    ck_assert_int_eq(articles(), n);

    /* Added. */
    put("news/2023/nouveau.txt", "Un nouvel article sur la vendange\n"
                                 "Le 3 octobre 2023 à 10h00\n\n"
                                 "Les vendangeurs de Bourgogne terminent.\n\n"
                                 "La récolte est abondante.\n");
    ck_assert_int_eq(index_run(&s, "news"), 0);
    ck_assert_int_eq(s.indexed, 1);
    ck_assert_int_eq(articles(), n + 1);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article WHERE id ="
                                " '2023/nouveau.txt'"),
                     1);

    /* Deleted, but --no-delete keeps it. */
    sh("rm news/" LOUVRE);
    ck_assert_int_eq(index_run(&s, "--no-delete news"), 0);
    ck_assert_int_eq(s.removed, 0);
    ck_assert_int_eq(articles(), n + 1);
    /* Deleted: removed, with its comments. */
    ck_assert_int_eq(matches("comment_fts", "truite"), 1);
    ck_assert_int_eq(index_run(&s, "news"), 0);
    ck_assert_int_eq(s.removed, 1);
    ck_assert_int_eq(articles(), n);
    ck_assert_int_eq(matches("comment_fts", "truite"), 0);
    ck_assert_int_eq(
        query_long("SELECT count(*) FROM article WHERE id = '" LOUVRE "'"), 0);

    /* Renamed: the new id replaces the old one. */
    sh("mv news/" SECURITE " news/securite-renomme.txt");
    ck_assert_int_eq(index_run(&s, "news"), 0);
    ck_assert_int_eq(s.indexed, 1);
    ck_assert_int_eq(s.removed, 1);
    ck_assert_int_eq(articles(), n);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article WHERE id ="
                                " 'securite-renomme.txt'"),
                     1);
    ck_assert_int_eq(
        query_long("SELECT count(*) FROM article WHERE id = '" SECURITE "'"),
        0);
    ck_assert_int_eq(matches("comment_fts", "tartiflette"), 1);

    /* The same path given differently finds the same articles. */
    ck_assert_int_eq(index_run(&s, "./news/"), 0);
    ck_assert_int_eq(s.unchanged, n);
    ck_assert_int_eq(s.indexed + s.removed, 0);

    /* --rebuild starts afresh. */
    ck_assert_int_eq(index_run(&s, "--rebuild news"), 0);
    ck_assert_int_eq(s.indexed, n);
    assert_no_duplicates();
    assert_integrity();
    /* No progress line when stderr is not a terminal. */
    ck_assert_ptr_null(strchr(logbuf, '\r'));
}
END_TEST

/* On a terminal (script(1) gives one), a progress line; --quiet: none. */
START_TEST(test_progress_on_a_terminal)
{
    char cmd[2048], out[320];
    char *text;
    copy_corpus();
    if (fouine_test_run("command -v script >/dev/null", NULL) != 0) {
        printf("progress: skipped: script(1) is missing\n");
        return;
    }
    snprintf(out, sizeof out, "%s/tty", work);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && script -qec \"'%s/fouine-index' -o '%s' news\" "
             "/dev/null",
             work, fouine_test_build_dir(), index_db);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, "\r\033[Kfouine-index: ") &&
                      strstr(text, " files, ") &&
                      strstr(text, " articles/s, ") && strstr(text, " left"),
                  "no progress line in: %s", text);
    ck_assert_msg(strstr(text, " indexed, "), "no summary in: %s", text);
    free(text);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && script -qec \"'%s/fouine-index' -q --rebuild -o "
             "'%s' news\" /dev/null",
             work, fouine_test_build_dir(), index_db);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(text[0] == '\0', "--quiet printed: %s", text);
    free(text);
}
END_TEST

START_TEST(test_comments_kept_apart)
{
    summary s;
    copy_corpus();
    ck_assert_int_eq(index_run(&s, "news"), 0);
    /* Comment words: only in comment_fts, never in articles. */
    ck_assert_int_eq(matches("article_fts", "tartiflette"), 0);
    ck_assert_int_eq(matches("comment_fts", "tartiflette"), 1);
    ck_assert_int_eq(matches("article_fts", "merguez OR muguet OR fondue"), 0);
    ck_assert_int_eq(
        query_long("SELECT count(*) FROM comment_fts"
                   " JOIN comment c ON c.rowid = comment_fts.rowid"
                   " JOIN article a ON a.rowid = c.article"
                   " WHERE comment_fts MATCH fouine_query('tartiflette')"
                   " AND a.id = '" SECURITE "'"),
        1);
    /* 3 + 2 + 2 + 2 + 3 comments in corpus/README.md. */
    ck_assert_int_eq(query_long("SELECT count(*) FROM comment"), 12);
    /* Boilerplate: nowhere. */
    ck_assert_int_eq(
        matches("article_fts", "abonnez OR journalisme OR premium"), 0);
    ck_assert_int_eq(
        matches("comment_fts", "abonnez OR journalisme OR premium"), 0);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article WHERE body LIKE"
                                " '%Commentaires (%'"),
                     0);
    /* The site metadata. */
    ck_assert_int_eq(
        query_long("SELECT reading_time FROM article WHERE id = '" SECURITE
                   "'"),
        3);
    ck_assert_int_eq(
        query_long("SELECT count(*) FROM article WHERE id = '" SECURITE
                   "' AND category = 'Sécurité'"
                   " AND date = '2018-04-18T09:26:00'"),
        1);
}
END_TEST

START_TEST(test_json_and_json_lines)
{
    summary s;
    static const char lines[] =
        "{\"id\": \"a1\", \"title\": \"Le prix du lait\", \"date\": "
        "\"2019-05-10T17:00:00+02:00\", \"section\": \"Économie\", \"body\": "
        "\"Les éleveurs bloquent la laiterie.\\n\\nLa préfecture appelle au "
        "calme.\"}\n"
        "{\"id\": \"a2\", \"title\": \"Grève à la SNCF\", \"body\": \"Les "
        "cheminots cessent le travail.\"}\n"
        "{\"id\": \"a3\", \"title\": \n"
        "{\"id\": \"a4\", \"title\": \"Caf\xE9 de la gare\", \"body\": \"Le "
        "caf\xE9 ferme ses portes.\"}\n"
        "{\"title\": \"Sans identifiant\", \"body\": \"Rien.\"}\n"
        "\n";
    static const char changed[] =
        "{\"id\": \"a1\", \"title\": \"Le prix du lait\", \"date\": "
        "\"2019-05-10T17:00:00+02:00\", \"section\": \"Économie\", \"body\": "
        "\"Les éleveurs lèvent le blocus.\\n\\nUn accord est signé.\"}\n"
        "{\"id\": \"a4\", \"title\": \"Caf\xE9 de la gare\", \"body\": \"Le "
        "caf\xE9 ferme ses portes.\"}\n";
    put_bytes("in/news.jsonl", lines, sizeof lines - 1);
    put("in/list.json",
        "[{\"id\": \"b1\", \"title\": \"Vendanges en Bourgogne\","
        "  \"lead\": \"La grêle épargne les vignes.\", \"text\": \"Suite.\"},"
        " {\"id\": \"b2\", \"title\": \"Festival d'Avignon\","
        "  \"content\": \"Une édition record.\"}]");
    put("in/one.json", "{\"url\": \"https://exemple.fr/c1\", \"title\": "
                       "\"Canicule à Paris\", \"category\": \"Société\","
                       " \"author\": \"Rédaction\", \"body\": \"Il fait "
                       "chaud.\\r\\n\\r\\nLes parcs restent ouverts.\"}");
    ck_assert_int_eq(index_run(&s, "in"), 1);
    ck_assert_int_eq(s.indexed, 6);
    ck_assert_int_eq(s.skipped, 2);
    ck_assert_msg(strstr(logbuf, "news.jsonl:3: skipped: bad JSON"), "%s",
                  logbuf);
    ck_assert_msg(strstr(logbuf, "news.jsonl:5: skipped: no id"), "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "news.jsonl:4: invalid UTF-8"), "%s", logbuf);
    ck_assert_int_eq(articles(), 6);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article WHERE id ="
                                " 'https://exemple.fr/c1'"
                                " AND category = 'Société'"
                                " AND author = 'Rédaction'"
                                " AND lead = 'Il fait chaud.'"
                                " AND body = 'Les parcs restent ouverts.'"),
                     1);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article WHERE id = 'a1'"
                                " AND category = 'Économie'"
                                " AND date = '2019-05-10T17:00:00+02:00'"
                                " AND lead = 'Les éleveurs bloquent la "
                                "laiterie.'"),
                     1);
    /* The bad byte became U+FFFD. */
    ck_assert_int_eq(query_long("SELECT count(*) FROM article WHERE id = 'a4'"
                                " AND title = 'Caf' || char(65533) ||"
                                " ' de la gare'"),
                     1);
    ck_assert_int_eq(matches("article_fts", "vignes"), 1);
    assert_integrity();

    /* Nothing changed: nothing read again. */
    ck_assert_int_eq(index_run(&s, "in"), 0);
    ck_assert_int_eq(s.unchanged, 6);
    ck_assert_int_eq(s.indexed + s.updated + s.removed + s.skipped, 0);

    /* One article changed, one gone from the file. */
    put_bytes("in/news.jsonl", changed, sizeof changed - 1);
    ck_assert_int_eq(index_run(&s, "in"), 0);
    ck_assert_int_eq(s.updated, 1);
    ck_assert_int_eq(s.removed, 1);
    ck_assert_int_eq(s.unchanged, 4);
    ck_assert_int_eq(articles(), 5);
    ck_assert_int_eq(matches("article_fts", "blocus"), 1);
    ck_assert_int_eq(matches("article_fts", "bloquent"), 0);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article WHERE id = 'a2'"),
                     0);
    assert_no_duplicates();
    assert_integrity();
}
END_TEST

/* CR, LF and CRLF line ends read the same, in .txt and .jsonl files, a
** "\r\n" cut by the reader's 64 KB blocks included: same articles, same
** line numbers in messages. */
START_TEST(test_line_ends)
{
    summary s;
    char *big = malloc(70000);
    size_t n;
    put("in/mac.txt", "Canicule : l’Île-de-France en vigilance rouge\r"
                      "Le 24 juillet 2019 à 11h30\r\r"
                      "Météo-France place Paris en vigilance rouge.\r\r"
                      "Les écoles ferment jeudi.\r");
    put("in/mac.jsonl",
        "{\"id\": \"m1\", \"title\": \"Grève à la SNCF\","
        " \"body\": \"Les cheminots cessent le travail.\"}\r"
        "{\"id\": \"m2\", \"title\": \r"
        "{\"id\": \"m3\", \"title\": \"Vendanges en Bourgogne\","
        " \"body\": \"La grêle épargne les vignes.\"}\r");
    /* Line 1 is 65535 bytes: its "\r" ends the first block. */
    ck_assert_ptr_nonnull(big);
    n = (size_t)snprintf(big, 70000,
                         "{\"id\": \"f1\", \"title\": \"Le prix du lait\","
                         " \"body\": \"Les éleveurs bloquent la laiterie.");
    memset(big + n, ' ', 65535 - 2 - n);
    n = 65535 - 2;
    n += (size_t)snprintf(big + n, 70000 - n,
                          "\"}\r\n{\"id\": \"f2\"\r\n"
                          "{\"id\": \"f3\", \"title\": \"Festival d'Avignon\","
                          " \"body\": \"Une édition record.\"}\r\n");
    ck_assert_int_eq(big[65534], '}');
    ck_assert_int_eq(big[65535], '\r');
    put_bytes("in/frontiere.jsonl", big, n);
    free(big);
    ck_assert_int_eq(index_run(&s, "in"), 1);
    ck_assert_int_eq(s.indexed, 5);
    ck_assert_int_eq(s.skipped, 2);
    ck_assert_msg(strstr(logbuf, "mac.jsonl:2: skipped: bad JSON"), "%s",
                  logbuf);
    ck_assert_msg(strstr(logbuf, "frontiere.jsonl:2: skipped: bad JSON"), "%s",
                  logbuf);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article"
                                " WHERE id = 'mac.txt' AND title = 'Canicule :"
                                " l’Île-de-France en vigilance rouge'"
                                " AND date = '2019-07-24T11:30:00'"
                                " AND lead = 'Météo-France place Paris en"
                                " vigilance rouge.'"
                                " AND body = 'Les écoles ferment jeudi.'"),
                     1);
    ck_assert_int_eq(matches("article_fts", "laiterie"), 1);
    ck_assert_int_eq(matches("article_fts", "vignes OR avignon"), 2);
    /* Nothing changed: nothing read again. */
    ck_assert_int_eq(index_run(&s, "in"), 0);
    ck_assert_int_eq(s.unchanged, 5);
}
END_TEST

/* A JSON line over the size limit is skipped by line; lines around it,
** NUL bytes in a line, and a last line without its end, are handled. */
START_TEST(test_json_lines_limits)
{
    summary s;
    char *text = malloc(8192);
    size_t n = 0;
    ck_assert_ptr_nonnull(text);
    n += (size_t)snprintf(text + n, 8192 - n,
                          "{\"id\": \"c1\", \"title\": \"Premier\","
                          " \"body\": \"Un texte court.\"}\r\n"
                          "{\"id\": \"c2\", \"title\": \"Trop long\","
                          " \"body\": \"");
    memset(text + n, 'x', 5000);
    n += 5000;
    n += (size_t)snprintf(text + n, 8192 - n, "\"}\n");
    memcpy(text + n, "{\"id\": \"c3\"\0}\n", 14);
    n += 14;
    n += (size_t)snprintf(text + n, 8192 - n,
                          "{\"id\": \"c4\", \"title\": \"Dernier\","
                          " \"body\": \"Sans fin de ligne.\"}");
    put_bytes("in/limites.jsonl", text, n);
    free(text);
    ck_assert_int_eq(index_run(&s, "--max-size 1K in"), 1);
    ck_assert_int_eq(s.indexed, 2);
    ck_assert_int_eq(s.skipped, 2);
    ck_assert_msg(strstr(logbuf, "limites.jsonl:2: skipped: too large"), "%s",
                  logbuf);
    ck_assert_msg(strstr(logbuf, "limites.jsonl:3: skipped: binary"), "%s",
                  logbuf);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article"
                                " WHERE id IN ('c1', 'c4')"),
                     2);
    /* Nothing changed: no line read again. */
    ck_assert_int_eq(index_run(&s, "--max-size 1K in"), 0);
    ck_assert_int_eq(s.unchanged, 2);
}
END_TEST

START_TEST(test_bad_inputs)
{
    summary s;
    char big[3000];
    static const char binary[] = "Un titre\nLe 2 juillet 2020\n\n\0\0\1\2";
    static const char latin1[] = "Le caf\xE9 de la gare ferme\n"
                                 "Le 2 juillet 2020\n\n"
                                 "Le caf\xE9 historique baisse le rideau.\n";
    memset(big, 'a', sizeof big);
    memcpy(big, "Un titre\n\n", 10);
    put("in/bon.txt", BUDGET);
    put_bytes("in/binaire.txt", binary, sizeof binary - 1);
    put_bytes("in/latin1.txt", latin1, sizeof latin1 - 1);
    put("in/vide.txt", "");
    put("in/blanc.txt", "  \n\t\n\n");
    put("in/sans-titre.txt", "Le 18 avril 2018 à 09h26\n\nUn texte.\n");
    put_bytes("in/gros.txt", big, sizeof big);
    put("in/ignore.md", "Pas un article\n");
    sh("ln -s nulle-part.txt in/lien-casse.txt");
    ck_assert_int_eq(index_run(&s, "--max-size 2K in"), 1);
    ck_assert_int_eq(s.indexed, 3);
    ck_assert_int_eq(articles(), 3);
    ck_assert_msg(strstr(logbuf, "binaire.txt: skipped: binary"), "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "vide.txt: skipped: empty"), "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "blanc.txt: skipped: empty"), "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "sans-titre.txt: no title (line 1 is a date): "
                                 "indexed untitled"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "gros.txt: skipped: too large"), "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "lien-casse.txt: skipped"), "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "latin1.txt: invalid UTF-8 at byte offset 6"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "(1 unreadable, 1 too large, 1 binary, 2 "
                                 "empty), 2 warnings"),
                  "%s", logbuf);
    ck_assert_int_eq(s.skipped, 5);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article WHERE lead LIKE"
                                " '%' || char(65533) || ' historique%'"),
                     1);
    ck_assert_int_eq(matches("article_fts", "historique"), 1);
    assert_integrity();

    /* Permissions stop anyone but root.  What cannot be read now keeps
    ** the articles it gave before. */
    if (geteuid() != 0) {
        put("in/prive/secret.txt", "Un secret\n\nBien gardé.\n");
        put("in/illisible.txt", "Illisible\n\nVraiment.\n");
        ck_assert_int_eq(index_run(&s, "--max-size 2K in"), 1);
        ck_assert_int_eq(s.indexed, 2);
        ck_assert_int_eq(articles(), 5);
        sh("chmod 000 in/prive in/illisible.txt && touch in/illisible.txt");
        ck_assert_int_eq(index_run(&s, "--max-size 2K in"), 1);
        ck_assert_msg(strstr(logbuf, "illisible.txt: skipped: unreadable"),
                      "%s", logbuf);
        ck_assert_msg(strstr(logbuf, "prive: skipped: Permission denied"), "%s",
                      logbuf);
        ck_assert_int_eq(s.removed, 0);
        ck_assert_int_eq(articles(), 5);
    }
}
END_TEST

/* A JSON id that is a whole number is indexed as its digits, with a
** warning naming the file, the line and the field; any other id that is
** not a string skips its article, saying so, even with a url. */
START_TEST(test_json_ids_not_strings)
{
    static const char *const said[] = {
        "in/fil.jsonl:1: article '3': field id: a number, not a string: "
        "indexed as '3'",
        "in/fil.jsonl:2: skipped: no id: field id: not a string",
        "in/fil.jsonl:3: skipped: no id: field id: not a string",
        "in/fil.jsonl:4: skipped: no id: field id: not a string",
        "(3 no id), 1 warning in",
    };
    summary s;
    size_t i;
    put("in/fil.jsonl",
        "{\"id\": 3, \"title\": \"Grève à la SNCF\", \"body\": \"Un TGV sur "
        "deux circule.\"}\n"
        "{\"id\": 3.5, \"title\": \"Vendanges\", \"body\": \"La grêle "
        "épargne les vignes.\"}\n"
        "{\"id\": true, \"url\": \"https://exemple.fr/canicule\", \"title\":"
        " \"Canicule\", \"body\": \"Les parcs restent ouverts.\"}\n"
        "{\"id\": [\"x\"], \"title\": \"Budget\", \"body\": \"Le conseil "
        "vote.\"}\n"
        "{\"id\": \"lait\", \"title\": \"Le prix du lait\", \"body\": \"Les "
        "éleveurs bloquent une laiterie.\"}\n");
    ck_assert_int_eq(index_run(&s, "in"), 1);
    ck_assert_int_eq(s.indexed, 2);
    ck_assert_int_eq(s.skipped, 3);
    for (i = 0; i < sizeof said / sizeof said[0]; i++) {
        ck_assert_msg(strstr(logbuf, said[i]), "%s", logbuf);
    }
    ck_assert_int_eq(query_long("SELECT count(*) FROM article WHERE id IN"
                                " ('3', 'lait')"),
                     2);
    ck_assert_int_eq(matches("article_fts", "tgv"), 1);
    assert_integrity();
}
END_TEST

/* Untitled articles are indexed, with a warning, and found by their lead
** and body; without text, skipped.  Days the calendar lacks give no date,
** with a warning naming the file and the field, in every format. */
START_TEST(test_untitled_and_impossible_dates)
{
    summary s;
    put("in/depeche.txt", "Le 18 avril 2018 à 09h26\n\n"
                          "Orages : la préfecture lève l’alerte.\n\n"
                          "Les pompiers sont intervenus 120 fois.\n");
    put("in/date-seule.txt", "Le 18 avril 2018 à 09h26\n");
    put("in/budget.txt", "Le budget de la ville adopté\n"
                         "Le 31 février 2019 à 10h00\n\n"
                         "Le conseil municipal vote le budget.\n");
    put("in/fil.jsonl",
        "{\"id\": \"f1\", \"date\": \"2019-05-10\", \"body\": \"Grève à la "
        "SNCF : un TGV sur deux circule.\"}\n"
        "{\"id\": \"f2\", \"title\": \"Vendanges\", \"date\": "
        "\"2019-02-31\", \"body\": \"La grêle épargne les vignes.\"}\n"
        "{\"id\": \"f3\", \"title\": \"\"}\n");
    ck_assert_int_eq(index_run(&s, "in"), 1);
    ck_assert_int_eq(s.indexed, 4);
    ck_assert_int_eq(s.skipped, 2);
    ck_assert_msg(strstr(logbuf, "in/depeche.txt: no title (line 1 is a date): "
                                 "indexed untitled"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/fil.jsonl:1: article 'f1': field title: "
                                 "missing or empty: indexed untitled"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/budget.txt: line 2: date 'Le 31 février "
                                 "2019 à 10h00' is not a day of the calendar: "
                                 "indexed without a date"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/fil.jsonl:2: article 'f2': field date: "
                                 "'2019-02-31' is not a day of the calendar: "
                                 "indexed without a date"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/date-seule.txt: skipped: no title or "
                                 "text"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/fil.jsonl:3: skipped: no title or text"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "(2 no title or text), 4 warnings"), "%s",
                  logbuf);
    /* Found by lead and body; the title stays empty. */
    ck_assert_int_eq(matches("article_fts", "pompiers"), 1);
    ck_assert_int_eq(matches("article_fts", "préfecture"), 1);
    ck_assert_int_eq(matches("article_fts", "tgv"), 1);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article WHERE title = ''"
                                " AND id IN ('depeche.txt', 'f1')"
                                " AND date IN ('2018-04-18T09:26:00',"
                                " '2019-05-10')"),
                     2);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article WHERE date IS"
                                " NULL AND id IN ('budget.txt', 'f2')"),
                     2);
    assert_integrity();
}
END_TEST

/* A file that no longer gives an article removes it, with a warning, the
** same way in every format: emptied, overwritten with NUL bytes, grown
** over the limit, no longer parsed, or the article gone from it; the next
** run says so again.  A file that cannot be read keeps its article. */
START_TEST(test_file_no_longer_gives)
{
    summary s;
    char big[4096];
    static const char nul[64] = { 0 };
    memset(big, 'x', sizeof big);
    memcpy(big, "Un titre\n\n", 10);
    put("in/vide.txt", BUDGET);
    put("in/nul.txt", "La Poste ferme ses bureaux le samedi\n\n"
                      "Les maires protestent.\n");
    put("in/date.txt", "Festival d'Avignon : une édition record\n\n"
                       "Le public afflue.\n");
    put("in/gros.txt", "Canicule à Paris\n\nLes parcs restent ouverts.\n");
    put("in/liste.json", "[{\"id\": \"j1\", \"title\": \"Grève à la SNCF\","
                         " \"body\": \"Un TGV sur deux.\"}]");
    put("in/objet.json", "{\"id\": \"j2\", \"title\": \"Vendanges\","
                         " \"body\": \"La grêle épargne les vignes.\"}");
    put("in/fil.jsonl", "{\"id\": \"l1\", \"title\": \"Le prix du lait\","
                        " \"body\": \"Les éleveurs bloquent la laiterie.\"}\n"
                        "{\"id\": \"l2\", \"title\": \"Louvre\","
                        " \"body\": \"Les œuvres de Cléopâtre restaurées.\"}\n"
                        "{\"id\": \"l3\", \"title\": \"Tour de France\","
                        " \"body\": \"Une victoire en solitaire.\"}\n");
    put("in/illisible.txt", "Un secret bien gardé\n\nIl le reste.\n");
    ck_assert_int_eq(index_run(&s, "--max-size 1K in"), 0);
    ck_assert_int_eq(s.indexed, 10);

    put("in/vide.txt", "");
    put_bytes("in/nul.txt", nul, sizeof nul);
    put("in/date.txt", "Le 2 juillet 2020\n");
    put_bytes("in/gros.txt", big, sizeof big);
    put("in/liste.json", "[{\"id\": \"j1\", \"title\": ");
    put_bytes("in/objet.json", nul, sizeof nul);
    put("in/fil.jsonl", "{\"id\": \"l1\", \"title\": \n"
                        "{\"id\": \"l3\", \"title\": \"Tour de France\","
                        " \"body\": \"Une victoire en solitaire.\"}\n");
    if (geteuid() != 0) {
        sh("chmod 000 in/illisible.txt && touch in/illisible.txt");
    }
    ck_assert_int_eq(index_run(&s, "--max-size 1K in"), 1);
    ck_assert_int_eq(s.removed, 8);
    ck_assert_int_eq(s.unchanged, geteuid() != 0 ? 1 : 2);
    ck_assert_msg(geteuid() == 0 || strstr(logbuf, "in/illisible.txt: skipped: "
                                                   "unreadable"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/vide.txt: skipped: empty") &&
                      strstr(logbuf, "in/vide.txt: 1 article no longer in the "
                                     "file: removed"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/nul.txt: skipped: binary") &&
                      strstr(logbuf, "in/nul.txt: 1 article no longer"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/date.txt: skipped: no title or text") &&
                      strstr(logbuf, "in/date.txt: 1 article no longer"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/gros.txt: skipped: too large") &&
                      strstr(logbuf, "in/gros.txt: 1 article no longer"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/liste.json: skipped: bad JSON") &&
                      strstr(logbuf, "in/liste.json: 1 article no longer"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/objet.json: skipped: binary") &&
                      strstr(logbuf, "in/objet.json: 1 article no longer"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/fil.jsonl:1: skipped: bad JSON") &&
                      strstr(logbuf, "in/fil.jsonl: 2 articles no longer in "
                                     "the file: removed"),
                  "%s", logbuf);
    ck_assert_int_eq(articles(), 2);
    ck_assert_int_eq(matches("article_fts", "solitaire"), 1);
    ck_assert_int_eq(matches("article_fts", "secret"), 1);
    assert_integrity();

    /* The next run says it again, and removes nothing more. */
    ck_assert_int_eq(index_run(&s, "--max-size 1K in"), 1);
    ck_assert_int_eq(s.removed, 0);
    ck_assert_msg(strstr(logbuf, "in/vide.txt: skipped: empty"), "%s", logbuf);
    ck_assert_int_eq(articles(), 2);
    /* Given back its text, the file gives its article again. */
    put("in/vide.txt", BUDGET);
    ck_assert_int_eq(index_run(&s, "--max-size 1K in"), 1);
    ck_assert_int_eq(s.indexed, 1);
    ck_assert_int_eq(matches("article_fts", "budget"), 1);
}
END_TEST

/* Every duplicate is kept aside for an article another source holds:
** none for an id without article, none of the article's own source. */
static void assert_duplicates_consistent(void)
{
    ck_assert_int_eq(query_long("SELECT count(*) FROM duplicate d"
                                " LEFT JOIN article a ON a.id = d.id"
                                " WHERE a.id IS NULL OR a.source = d.source"),
                     0);
}

/* The body of article id matches word. */
static long body_matches(const char *id, const char *word)
{
    char sql[512];
    snprintf(
        sql, sizeof sql,
        "SELECT count(*) FROM article_fts JOIN article a"
        " ON a.rowid = article_fts.rowid WHERE article_fts MATCH fouine_query('%s')"
        " AND a.id = '%s'",
        word, id);
    return query_long(sql);
}

/* Two files give the same id (two JSON files; a JSON id equal to a text
** file's id): the first keeps it, the second is a conflict, reported with
** both names; when the first no longer gives it (deleted, emptied), the
** other's copy takes over in the same run. */
START_TEST(test_same_id_from_two_files)
{
    summary s;
    put("in/a.jsonl", "{\"id\": \"dup\", \"title\": \"Le prix du lait\","
                      " \"body\": \"Les éleveurs bloquent la laiterie.\"}\n");
    put("in/b.jsonl", "{\"id\": \"autre\", \"title\": \"Vendanges\","
                      " \"body\": \"La grêle épargne les vignes.\"}\n"
                      "{\"id\": \"dup\", \"title\": \"Le prix du lait\","
                      " \"body\": \"Les éleveurs lèvent le blocus.\"}\n");
    put("in/x.txt", "Canicule à Paris\n\nLes parcs restent ouverts.\n");
    put("in/y.json", "{\"id\": \"x.txt\", \"title\": \"Canicule\","
                     " \"body\": \"Les fontaines coulent toute la nuit.\"}");
    ck_assert_int_eq(index_run(&s, "in"), 0);
    ck_assert_int_eq(s.indexed, 3);
    ck_assert_msg(strstr(logbuf, "in/b.jsonl:2: id conflict: 'dup' is already "
                                 "given by in/a.jsonl; this copy is not "
                                 "indexed"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "in/y.json: id conflict: 'x.txt' is already "
                                 "given by in/x.txt;"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "2 warnings (2 id conflicts)"), "%s", logbuf);
    ck_assert_int_eq(body_matches("dup", "laiterie"), 1);
    ck_assert_int_eq(body_matches("dup", "blocus"), 0);
    ck_assert_int_eq(body_matches("x.txt", "parcs"), 1);
    ck_assert_int_eq(query_long("SELECT count(*) FROM duplicate"), 2);
    assert_duplicates_consistent();

    /* Nothing changed: nothing said again, nothing counted twice. */
    ck_assert_int_eq(index_run(&s, "in"), 0);
    ck_assert_int_eq(s.unchanged, 3);
    ck_assert_msg(!strstr(logbuf, "conflict"), "%s", logbuf);

    /* The owners stop giving the ids: deleted, emptied.  The other files'
    ** copies take over in the same run; nothing is missing. */
    sh("rm in/a.jsonl && : > in/x.txt");
    ck_assert_int_eq(index_run(&s, "in"), 1);
    ck_assert_int_eq(s.updated, 2);
    ck_assert_int_eq(s.removed, 0);
    ck_assert_msg(!strstr(logbuf, "conflict"), "%s", logbuf);
    ck_assert_int_eq(articles(), 3);
    ck_assert_int_eq(body_matches("dup", "blocus"), 1);
    ck_assert_int_eq(body_matches("dup", "laiterie"), 0);
    ck_assert_int_eq(body_matches("x.txt", "fontaines"), 1);
    ck_assert_int_eq(query_long("SELECT count(*) FROM duplicate"), 0);
    assert_integrity();

    /* Given again, the first file is the second source now. */
    put("in/a.jsonl", "{\"id\": \"dup\", \"title\": \"Le prix du lait\","
                      " \"body\": \"Les éleveurs bloquent la laiterie.\"}\n");
    ck_assert_int_eq(index_run(&s, "in"), 1);
    ck_assert_msg(strstr(logbuf, "in/a.jsonl:1: id conflict: 'dup' is already "
                                 "given by in/b.jsonl;"),
                  "%s", logbuf);
    ck_assert_int_eq(body_matches("dup", "blocus"), 1);
    /* A file renamed keeps its ids: no conflict with its old name. */
    sh("mv in/b.jsonl in/c.jsonl");
    ck_assert_int_eq(index_run(&s, "in"), 1);
    ck_assert_msg(!strstr(logbuf, "conflict"), "%s", logbuf);
    ck_assert_int_eq(s.indexed + s.removed, 0);
    ck_assert_int_eq(body_matches("dup", "blocus"), 1);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article WHERE id = 'dup'"
                                " AND source LIKE '%/in/c.jsonl'"),
                     1);
    /* And the article goes only when no file gives it any more. */
    sh("rm in/c.jsonl");
    ck_assert_int_eq(index_run(&s, "in"), 1);
    ck_assert_int_eq(body_matches("dup", "laiterie"), 1);
    sh("rm in/a.jsonl");
    ck_assert_int_eq(index_run(&s, "in"), 1);
    ck_assert_int_eq(s.removed, 1);
    ck_assert_int_eq(
        query_long("SELECT count(*) FROM article WHERE id = 'dup'"), 0);
    /* The owner stops giving an id whose other file is gone in the same
    ** run: the article goes, and no gone file's copy takes it over. */
    put("in/p.jsonl", "{\"id\": \"trio\", \"title\": \"Tour de France\","
                      " \"body\": \"Une victoire en solitaire.\"}\n");
    put("in/q.jsonl", "{\"id\": \"trio\", \"title\": \"Tour de France\","
                      " \"body\": \"Une chute dans les Alpes.\"}\n");
    ck_assert_int_eq(index_run(&s, "in"), 1);
    ck_assert_int_eq(query_long("SELECT count(*) FROM duplicate"), 1);
    put("in/p.jsonl", "{\"id\": \"etape\", \"title\": \"Tour de France\","
                      " \"body\": \"L’étape arrive à Briançon.\"}\n");
    sh("rm in/q.jsonl");
    ck_assert_int_eq(index_run(&s, "in"), 1);
    ck_assert_int_eq(s.indexed, 1);
    ck_assert_int_eq(s.updated, 0);
    ck_assert_int_eq(s.removed, 1);
    ck_assert_int_eq(
        query_long("SELECT count(*) FROM article WHERE id = 'trio'"), 0);
    ck_assert_int_eq(query_long("SELECT count(*) FROM duplicate"), 0);
    assert_duplicates_consistent();
    assert_no_duplicates();
    assert_integrity();
}
END_TEST

/* The id of article (a text file) whose source ends with path, or "" */
static long ids_like(const char *pattern)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM article WHERE id LIKE '%s'",
             pattern);
    return query_long(sql);
}

/* A text file has one id however it is named: through its directory, a
** directory inside it, alone by a relative or an absolute path; a file
** outside every directory given is named by its file name, never by an
** absolute path. */
START_TEST(test_ids_whichever_way_named)
{
    summary s;
    char args[1024];
    put("arts/expo.txt", "Le Louvre restaure Cléopâtre\n\n"
                         "Les œuvres restaurées retrouvent leurs couleurs.\n");
    put("arts/2023/avignon.txt", "Festival d'Avignon : une édition record\n\n"
                                 "Le jeune public afflue.\n");
    put("ailleurs/seul.txt", "Canicule à Paris\n\nLes parcs restent "
                             "ouverts.\n");
    /* Alone, before any directory: by its name. */
    ck_assert_int_eq(index_run(&s, "arts/2023/avignon.txt"), 0);
    ck_assert_int_eq(ids_like("avignon.txt"), 1);
    /* Then its directory's directory: the id is relative to it now. */
    ck_assert_int_eq(index_run(&s, "arts"), 0);
    ck_assert_int_eq(s.indexed, 2);
    ck_assert_int_eq(s.removed, 1);
    ck_assert_int_eq(ids_like("expo.txt"), 1);
    ck_assert_int_eq(ids_like("2023/avignon.txt"), 1);
    /* Each file alone, changed, by relative and absolute paths, and a
    ** directory inside: the same ids, nothing removed or added. */
    sh("printf 'Le public afflue encore.\\n' >> arts/2023/avignon.txt");
    ck_assert_int_eq(index_run(&s, "arts/2023/avignon.txt"), 0);
    ck_assert_int_eq(s.updated, 1);
    ck_assert_int_eq(s.indexed + s.removed, 0);
    sh("printf 'Les visiteurs se pressent.\\n' >> arts/expo.txt");
    snprintf(args, sizeof args, "'%s/arts/expo.txt'", work);
    ck_assert_int_eq(index_run(&s, args), 0);
    ck_assert_int_eq(s.updated, 1);
    ck_assert_int_eq(s.indexed + s.removed, 0);
    ck_assert_int_eq(index_run(&s, "./arts/../arts/2023/"), 0);
    ck_assert_int_eq(s.unchanged, 1);
    ck_assert_int_eq(s.indexed + s.removed, 0);
    ck_assert_int_eq(index_run(&s, "arts"), 0);
    ck_assert_int_eq(s.unchanged, 2);
    ck_assert_int_eq(s.indexed + s.updated + s.removed, 0);
    ck_assert_int_eq(ids_like("2023/avignon.txt"), 1);
    ck_assert_int_eq(ids_like("expo.txt"), 1);
    /* A file outside them, by its absolute path: its name, no path. */
    snprintf(args, sizeof args, "'%s/ailleurs/seul.txt'", work);
    ck_assert_int_eq(index_run(&s, args), 0);
    ck_assert_int_eq(s.indexed, 1);
    ck_assert_int_eq(ids_like("seul.txt"), 1);
    ck_assert_int_eq(ids_like("/%"), 0);
    ck_assert_int_eq(articles(), 3);
}
END_TEST

/* What fouine-index --show arg (shell words), run in the work directory,
** says the id of the article of a file is, into id (size bytes). */
static void shown_id(char *id, size_t size, const char *arg)
{
    char cmd[1200], out[320];
    char *text;
    const char *p;
    size_t n;
    snprintf(out, sizeof out, "%s/show.out", work);
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s/fouine-index' --show %s", work,
             fouine_test_build_dir(), arg);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(text);
    p = strstr(text, "\nid:");
    ck_assert_msg(p != NULL, "no id in: %s", text);
    p += strspn(p + 4, " ") + 4;
    n = strcspn(p, "\n");
    ck_assert_uint_lt(n, size);
    memcpy(id, p, n);
    id[n] = '\0';
    free(text);
}

/* fouine-index --show FILE says the id that a run given FILE stores, by a
** relative or an absolute path alike: never the path typed. */
START_TEST(test_show_gives_the_id_of_a_run)
{
    summary s;
    char id[256], args[600];
    put("arts/2023/avignon.txt", "Festival d'Avignon : une édition record\n\n"
                                 "Le jeune public afflue.\n");
    shown_id(id, sizeof id, "arts/2023/avignon.txt");
    ck_assert_int_eq(index_run(&s, "arts/2023/avignon.txt"), 0);
    ck_assert_int_eq(s.indexed, 1);
    ck_assert_msg(ids_like(id) == 1, "--show says id '%s'", id);
    snprintf(args, sizeof args, "'%s/arts/2023/avignon.txt'", work);
    shown_id(id, sizeof id, args);
    ck_assert_int_eq(index_run(&s, args), 0);
    ck_assert_int_eq(s.unchanged, 1);
    ck_assert_msg(ids_like(id) == 1, "--show says id '%s'", id);
    ck_assert_int_eq(articles(), 1);
}
END_TEST

/* fouine-index args (shell words) is a usage error said in one line,
** "fouine-index: says", then the line that points to --help, and nothing
** else (not the whole help). */
static void assert_usage_line(const char *args, const char *says)
{
    char expect[512];
    snprintf(expect, sizeof expect,
             "fouine-index: %s\nTry 'fouine-index --help' for more "
             "information.\n",
             says);
    ck_assert_int_eq(index_run(NULL, args), 2);
    ck_assert_msg(strcmp(logbuf, expect) == 0, "fouine-index %s said: %s", args,
                  logbuf);
}

/*
** The command line as getopt_long() reads it: values joined to their
** option or not, long options with "=", options after the PATHs, "--"
** before a PATH that starts with '-'; each usage error in one line and the
** line pointing to --help.
*/
START_TEST(test_command_line)
{
    summary s;
    char big[3000], path[600];
    memset(big, 'a', sizeof big);
    memcpy(big, "Un titre\n\n", 10);
    put("in/bon.txt", BUDGET);
    put_bytes("in/gros.txt", big, sizeof big);
    put("-tiret.txt", BUDGET);
    ck_assert_int_eq(index_run(&s, "--max-size=2K --batch=1 in"), 1);
    ck_assert_int_eq(s.indexed, 1);
    ck_assert_msg(strstr(logbuf, "gros.txt: skipped: too large"), "%s", logbuf);
    ck_assert_int_eq(index_run(&s, "in --max-size 2K"), 1);
    ck_assert_int_eq(s.unchanged, 1);
    ck_assert_int_eq(index_run(&s, "-- -tiret.txt"), 0);
    ck_assert_int_eq(ids_like("-tiret.txt"), 1);
    /* -oINDEX and --output=INDEX (the last -o wins over index_run()'s). */
    ck_assert_int_eq(index_run(&s, "-oautre.db in/bon.txt"), 0);
    ck_assert_int_eq(index_run(&s, "--output=autre2.db in/bon.txt"), 0);
    snprintf(path, sizeof path, "%s/autre.db", work);
    ck_assert_int_eq(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/autre2.db", work);
    ck_assert_int_eq(access(path, F_OK), 0);
    /* Usage errors. */
    assert_usage_line("-q -v in", "-q and -v cannot be given together");
    assert_usage_line("-qv in", "-q and -v cannot be given together");
    assert_usage_line("--bogus in", "unknown option '--bogus'");
    assert_usage_line("-x in", "unknown option '-x'");
    assert_usage_line("in --batch", "option '--batch' needs a value");
    assert_usage_line("--rebuild=oui in", "option '--rebuild' takes no value");
    assert_usage_line("--max-size=beaucoup in",
                      "--max-size: bad value 'beaucoup'");
    assert_usage_line("", "no PATH to index");
    assert_usage_line("--show in/bon.txt in", "--show takes one FILE and no "
                                              "PATH");
}
END_TEST

/* The summary line: "1 warning" (one), and no rate for a run that wrote no
** article. */
START_TEST(test_summary_line)
{
    summary s;
    static const char latin1[] = "Le caf\xE9 de la gare ferme\n"
                                 "Le 2 juillet 2020\n\n"
                                 "Le caf\xE9 historique baisse le rideau.\n";
    put_bytes("in/latin1.txt", latin1, sizeof latin1 - 1);
    ck_assert_int_eq(index_run(&s, "in"), 0);
    ck_assert_int_eq(s.indexed, 1);
    ck_assert_msg(strstr(logbuf, " 0 skipped, 1 warning in "), "%s", logbuf);
    ck_assert_msg(strstr(logbuf, " articles/s) -> "), "%s", logbuf);
    ck_assert_int_eq(index_run(&s, "in"), 0);
    ck_assert_int_eq(s.unchanged, 1);
    ck_assert_msg(strstr(logbuf, " 0 skipped, 0 warnings in "), "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "articles/s") == NULL, "%s", logbuf);
}
END_TEST

START_TEST(test_paths_and_index_errors)
{
    summary s;
    put("in/bon.txt", BUDGET);
    /* A missing input path is skipped; the rest is indexed. */
    ck_assert_int_eq(index_run(&s, "in absent"), 1);
    ck_assert_msg(strstr(logbuf, "absent: skipped"), "%s", logbuf);
    ck_assert_int_eq(s.indexed, 1);
    /* Usage errors. */
    ck_assert_int_eq(index_run(NULL, ""), 2);
    ck_assert_int_eq(index_run(NULL, "--bogus in"), 2);
    ck_assert_int_eq(index_run(NULL, "--max-size lots in"), 2);
    /* 2^34 + 1 G wrapped to 1 G once; the message names the option. */
    ck_assert_int_eq(index_run(NULL, "--max-size 17179869185G in"), 2);
    ck_assert_msg(strstr(logbuf, "--max-size: bad value '17179869185G'"), "%s",
                  logbuf);
    /* An index in a directory that does not exist, or cannot be created
    ** (the last -o wins). */
    ck_assert_int_eq(index_run(NULL, "-o pas/la/idx.db in"), 2);
    ck_assert_msg(strstr(logbuf, "pas/la/idx.db: cannot create the index: "
                                 "directory pas/la: No such file"),
                  "%s", logbuf);
    ck_assert_int_eq(index_run(NULL, "-o /proc/fouine-idx.db in"), 2);
    ck_assert_msg(strstr(logbuf, "/proc/fouine-idx.db: cannot"), "%s", logbuf);
    ck_assert_int_eq(index_run(NULL, "-o in in"), 2);
    ck_assert_msg(strstr(logbuf, "in: cannot create or write the index: Is a "
                                 "directory"),
                  "%s", logbuf);
    if (geteuid() != 0) {
        sh("mkdir lecture && chmod 555 lecture");
        ck_assert_int_eq(index_run(NULL, "-o lecture/idx.db in"), 2);
        ck_assert_msg(strstr(logbuf, "directory lecture is read-only"), "%s",
                      logbuf);
    }
    /* --help. */
    {
        char cmd[1024], out[320];
        char *text;
        snprintf(out, sizeof out, "%s/help", work);
        snprintf(cmd, sizeof cmd, "'%s/fouine-index' --help",
                 fouine_test_build_dir());
        ck_assert_int_eq(fouine_test_run(cmd, out), 0);
        text = fouine_test_slurp(out);
        ck_assert_ptr_nonnull(text);
        ck_assert_ptr_nonnull(strstr(text, "--rebuild"));
        ck_assert_ptr_nonnull(strstr(text, "--no-delete"));
        free(text);
    }
}
END_TEST

START_TEST(test_other_schema_versions)
{
    summary s;
    sqlite3 *db = NULL;
    put("in/bon.txt", "La mairie vote son budget\n\nLe conseil adopte.\n");
    /* Some other database: refused, and --rebuild leaves it alone. */
    ck_assert_int_eq(sqlite3_open(index_db, &db), SQLITE_OK);
    ck_assert_int_eq(
        sqlite3_exec(db, "CREATE TABLE compta(x);", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    ck_assert_int_eq(index_run(NULL, "in"), 2);
    ck_assert_msg(strstr(logbuf, "not a fouine index (another file): index "
                                 "into a new file"),
                  "%s", logbuf);
    ck_assert_int_eq(index_run(NULL, "--rebuild in"), 2);
    ck_assert_msg(strstr(logbuf, "not a fouine index"), "%s", logbuf);
    /* Files shorter than SQLite's header, which SQLite itself would take
    ** for empty databases and write over: refused, and left as they are
    ** by --rebuild too. */
    {
        static const char *const notes[] = { "x", "à relire\n" };
        size_t i;
        for (i = 0; i < sizeof notes / sizeof notes[0]; i++) {
            char *text;
            FILE *f = fopen(index_db, "wb");
            ck_assert_ptr_nonnull(f);
            ck_assert_int_eq(fputs(notes[i], f) >= 0, 1);
            ck_assert_int_eq(fclose(f), 0);
            ck_assert_int_eq(index_run(NULL, "in"), 2);
            ck_assert_msg(strstr(logbuf, "not a fouine index (another file)"),
                          "%s", logbuf);
            ck_assert_int_eq(index_run(NULL, "--rebuild in"), 2);
            ck_assert_msg(strstr(logbuf, "--rebuild leaves it alone"), "%s",
                          logbuf);
            text = fouine_test_slurp(index_db);
            ck_assert_ptr_nonnull(text);
            ck_assert_str_eq(text, notes[i]);
            free(text);
        }
    }
    /* An index of an older version: refused; --rebuild replaces it. */
    sh("rm -f idx.db");
    ck_assert_int_eq(sqlite3_open(index_db, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db,
                                  "CREATE TABLE article(id);"
                                  "CREATE TABLE article_fts(x);"
                                  "PRAGMA user_version = 1;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    ck_assert_int_eq(index_run(NULL, "in"), 2);
    ck_assert_msg(strstr(logbuf, "--rebuild"), "%s", logbuf);
    ck_assert_int_eq(index_run(&s, "--rebuild in"), 0);
    ck_assert_int_eq(s.indexed, 1);
    assert_integrity();
}
END_TEST

/* fouine-query's advice for a category the index lacks is one the shell
** reads back as the index writes it, however it is written. */
START_TEST(test_category_advice_quoted)
{
    static const struct {
        const char *typed, *advice;
    } cases[] = {
        { "Culture & loisir", "--category 'Culture & loisirs'\n" },
        { "L'Equip", "--category 'L'\\''Équipe'\n" },
        { "Sport", "--category Sports\n" },
    };
    char cmd[2048], out[320], *text;
    size_t i;
    put("in/a.jsonl",
        "{\"id\": \"a\", \"title\": \"Le festival d'Avignon ouvre\","
        " \"category\": \"Culture & loisirs\", \"body\": \"Théâtre.\"}\n"
        "{\"id\": \"b\", \"title\": \"Le PSG champion\","
        " \"category\": \"L'Équipe\", \"body\": \"Football.\"}\n"
        "{\"id\": \"c\", \"title\": \"Le Tour de France part\","
        " \"category\": \"Sports\", \"body\": \"Cyclisme.\"}\n");
    ck_assert_int_eq(index_run(NULL, "in"), 0);
    snprintf(out, sizeof out, "%s/advice", work);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(cmd, sizeof cmd,
                 "'%s/fouine-query' -i '%s' --category \"%s\" festival",
                 fouine_test_build_dir(), index_db, cases[i].typed);
        ck_assert_int_eq(fouine_test_run(cmd, out), 1);
        text = fouine_test_slurp(out);
        ck_assert_ptr_nonnull(text);
        ck_assert_msg(strstr(text, cases[i].advice), "%s: %s", cases[i].typed,
                      text);
        free(text);
    }
}
END_TEST

/* An index of an earlier version (3: a token and its stems a word) holds
** other tokens: fouine-index refuses to write it and fouine-query to read
** it, both naming the file and what to do, and nothing is changed. */
START_TEST(test_earlier_version_refused)
{
    summary s;
    sqlite3 *db = NULL;
    char cmd[1024], out[320], *text;
    put("in/budget.txt", BUDGET);
    ck_assert_int_eq(index_run(&s, "in"), 0);
    ck_assert_int_eq(sqlite3_open(index_db, &db), SQLITE_OK);
    ck_assert_int_eq(
        sqlite3_exec(db, "PRAGMA user_version = 3;", NULL, NULL, NULL),
        SQLITE_OK);
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
    ck_assert_int_eq(index_run(&s, "in"), 2);
    ck_assert_msg(strstr(logbuf, "not an index of this version") &&
                      strstr(logbuf, "--rebuild"),
                  "%s", logbuf);
    snprintf(out, sizeof out, "%s/query.out", work);
    snprintf(cmd, sizeof cmd, "'%s/fouine-query' -i '%s' budget 2>'%s'",
             fouine_test_build_dir(), index_db, out);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, index_db) != NULL, "%s", text);
    free(text);
    ck_assert_int_eq(query_long("PRAGMA user_version"), -1);
    /* --rebuild makes it an index of this version. */
    ck_assert_int_eq(index_run(&s, "--rebuild in"), 0);
    ck_assert_int_eq(s.indexed, 1);
    ck_assert_int_eq(query_long("PRAGMA user_version"), FOUINE_SCHEMA_VERSION);
}
END_TEST

START_TEST(test_symlink_loops)
{
    summary s;
    put("news/a/article.txt", "La mairie vote son budget\n\nLe conseil "
                              "adopte le budget.\n");
    sh("ln -s .. news/a/boucle && ln -s a news/b && ln -s soi.txt "
       "news/soi.txt");
    ck_assert_int_eq(index_run(&s, "news"), 1);
    ck_assert_int_eq(s.indexed, 1);
    ck_assert_int_eq(articles(), 1);
    ck_assert_msg(strstr(logbuf, "boucle: skipped: symbolic link loop"), "%s",
                  logbuf);
    ck_assert_msg(strstr(logbuf, "soi.txt: skipped: symbolic link loop"), "%s",
                  logbuf);
    ck_assert_msg(strstr(logbuf, "(2 symlink loop)"), "%s", logbuf);
}
END_TEST

/* An empty directory is nothing to do: exit 0.  Emptied, it removes the
** articles its files gave. */
START_TEST(test_empty_directory)
{
    summary s;
    sh("mkdir vide");
    ck_assert_int_eq(index_run(&s, "vide"), 0);
    ck_assert_int_eq(s.indexed + s.skipped, 0);
    ck_assert_int_eq(articles(), 0);
    put("vide/budget.txt", BUDGET);
    ck_assert_int_eq(index_run(&s, "vide"), 0);
    ck_assert_int_eq(s.indexed, 1);
    sh("rm vide/budget.txt");
    ck_assert_int_eq(index_run(&s, "vide"), 0);
    ck_assert_int_eq(s.removed, 1);
    ck_assert_int_eq(articles(), 0);
}
END_TEST

/* A path longer than PATH_MAX is a warning, counted as skipped (exit 1);
** the articles beside it are indexed, and what it gave before stays. */
START_TEST(test_path_too_long)
{
    summary s;
    put("arbre/budget.txt", BUDGET);
    /* 20 directories of 200 characters, an article at the bottom: 4034
    ** bytes from here. */
    sh("n=$(printf '%0200d' 0) &&"
       " p=arbre$(for i in $(seq 20); do printf '/%s' $n; done) &&"
       " mkdir -p $p && printf 'Au fond du puits\\n\\nUn spéléologue "
       "remonte.\\n' > $p/fond.txt");
    ck_assert_int_eq(index_run(&s, "arbre"), 0);
    ck_assert_int_eq(s.indexed, 2);
    /* The same tree, named through a detour of 100 more bytes. */
    sh("mkdir $(printf '%0100d' 0)");
    ck_assert_int_eq(index_run(&s, "$(printf '%0100d' 0)/../arbre"), 1);
    ck_assert_int_eq(s.unchanged, 1);
    ck_assert_int_eq(s.skipped, 1);
    ck_assert_int_eq(s.removed, 0);
    ck_assert_msg(strstr(logbuf, "0000: skipped: path longer than the system "
                                 "allows (PATH_MAX)"),
                  "%s", logbuf);
    ck_assert_msg(strstr(logbuf, "(1 path too long)"), "%s", logbuf);
    ck_assert_int_eq(matches("article_fts", "budget"), 1);
    ck_assert_int_eq(matches("article_fts", "spéléologue"), 1);
}
END_TEST

/* Generate n small articles under work/many. */
static void generate(int n)
{
    static const char *const towns[] = { "Rennes",  "Brest",  "Quimper",
                                         "Lorient", "Vannes", "Saint-Malo" };
    static const char *const months[] = { "janvier", "février", "mars",
                                          "avril",   "mai",     "juin" };
    char rel[128], text[1024];
    int i;
    for (i = 0; i < n; i++) {
        snprintf(rel, sizeof rel, "many/%02d/article-%05d.txt", i % 20, i);
        snprintf(text, sizeof text,
                 "Article %d : le conseil municipal de %s vote son budget\n"
                 "Le %d %s 2019 à %02dh%02d\n\n"
                 "Les élus de %s ont adopté le budget numéro %d après un "
                 "long débat sur la sécurité des écoles.\n\n"
                 "L’opposition dénonce une hausse des impôts locaux, la "
                 "majorité promet des économies.\n\n"
                 "Le maire répond aux critiques : « nous tiendrons nos "
                 "engagements », assure-t-il.\n",
                 i, towns[i % 6], 1 + i % 28, months[i % 6], i % 24, i % 60,
                 towns[(i + 1) % 6], i);
        put(rel, text);
    }
}

/* Start fouine-index in the background on work/many, then work/also when
** not NULL; returns its pid. */
static pid_t start_index(const char *also)
{
    char exe[512], log[320], many[300], other[300];
    pid_t pid;
    snprintf(exe, sizeof exe, "%s/fouine-index", fouine_test_build_dir());
    snprintf(log, sizeof log, "%s/log", work);
    snprintf(many, sizeof many, "%s/many", work);
    snprintf(other, sizeof other, "%s/%s", work, also ? also : "");
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 2);
            close(fd);
        }
        execl(exe, exe, "-o", index_db, "--batch", "40", many,
              also ? other : (char *)NULL, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Wait until some rows (counted by the statement count) are committed,
** reading the index meanwhile, then send sig; returns the rows committed
** before the signal. */
static long interrupt_when(pid_t pid, int sig, const char *count, long total)
{
    struct timespec pause = { 0, 5000000 };
    long n = -1;
    int status, i, readable = 0;
    for (i = 0; i < 12000; i++) {
        ck_assert_msg(waitpid(pid, &status, WNOHANG) == 0,
                      "fouine-index ended before the signal");
        n = query_long(count);
        /* Once the index exists, readers read it all along the run. */
        ck_assert_msg(n >= 0 || !readable, "the index became unreadable");
        readable = n >= 0;
        if (n >= 120) {
            break;
        }
        nanosleep(&pause, NULL);
    }
    ck_assert_int_ge(n, 120);
    ck_assert_int_eq(kill(pid, sig), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    if (sig == SIGKILL) {
        ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    } else {
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
                      "status %d", status);
    }
    n = query_long(count);
    ck_assert_msg(n > 0 && n < total, "%ld of %ld rows: not in the middle", n,
                  total);
    return n;
}

/* The same, counting articles. */
static long interrupt_when_some(pid_t pid, int sig, long total)
{
    return interrupt_when(pid, sig, "SELECT count(*) FROM article", total);
}

/* After an interrupted run: integrity, then a re-run completes. */
static void complete_after(long before, long total)
{
    summary s;
    assert_integrity();
    ck_assert_int_eq(index_run(&s, "many"), 0);
    ck_assert_int_eq(s.indexed, total - before);
    ck_assert_int_eq(s.unchanged, before);
    ck_assert_int_eq(s.updated + s.removed + s.skipped, 0);
    ck_assert_int_eq(articles(), total);
    ck_assert_int_eq(matches("article_fts", "budget"), total);
    ck_assert_int_eq(matches("article_fts", "\"brest\""),
                     query_long("SELECT count(*) FROM article WHERE title"
                                " LIKE '%Brest%' OR lead LIKE '%Brest%'"));
    assert_no_duplicates();
    assert_integrity();
}

START_TEST(test_kill_9_in_the_middle)
{
    const long total = 3000;
    long before;
    generate((int)total);
    before = interrupt_when_some(start_index(NULL), SIGKILL, total);
    complete_after(before, total);
}
END_TEST

/* Killed while it keeps aside the copies a second directory gives of the
** same ids: the index stays consistent, the next run completes, and when
** the first directory is emptied the second takes every article over in
** one run. */
START_TEST(test_kill_9_with_duplicates)
{
    const long total = 1000;
    summary s;
    generate((int)total);
    sh("cp -r many copie");
    interrupt_when(start_index("copie"), SIGKILL,
                   "SELECT count(*) FROM duplicate", total);
    assert_integrity();
    assert_duplicates_consistent();
    ck_assert_int_eq(articles(), total);
    ck_assert_int_eq(index_run(&s, "many copie"), 0);
    ck_assert_int_eq(s.unchanged, total);
    ck_assert_int_eq(s.indexed + s.updated + s.removed + s.skipped, 0);
    ck_assert_int_eq(query_long("SELECT count(*) FROM duplicate"), total);
    assert_duplicates_consistent();
    assert_no_duplicates();
    assert_integrity();
    sh("rm -rf many && mkdir many");
    ck_assert_int_eq(index_run(&s, "many copie"), 0);
    ck_assert_int_eq(s.updated, total);
    ck_assert_int_eq(s.removed, 0);
    ck_assert_int_eq(articles(), total);
    ck_assert_int_eq(query_long("SELECT count(*) FROM duplicate"), 0);
    ck_assert_int_eq(query_long("SELECT count(*) FROM article"
                                " WHERE source LIKE '%/copie/%'"),
                     total);
    ck_assert_int_eq(matches("article_fts", "budget"), total);
    assert_no_duplicates();
    assert_integrity();
}
END_TEST

/* SIGINT and SIGTERM: stop after the current transaction, say so. */
static const int stop_signals[] = { SIGINT, SIGTERM };

START_TEST(test_signal_stops_after_a_transaction)
{
    const long total = 3000;
    long before;
    char *log;
    char path[320], said[64];
    generate((int)total);
    before = interrupt_when_some(start_index(NULL), stop_signals[_i], total);
    snprintf(path, sizeof path, "%s/log", work);
    log = fouine_test_slurp(path);
    ck_assert_ptr_nonnull(log);
    snprintf(said, sizeof said, "stopped by signal %d after", stop_signals[_i]);
    ck_assert_msg(strstr(log, said), "%s", log);
    ck_assert_msg(strstr(log, "run again to complete"), "%s", log);
    free(log);
    complete_after(before, total);
}
END_TEST

static Suite *index_suite(void)
{
    Suite *s = suite_create("index");
    TCase *tc = tcase_create("runs");
    TCase *tk = tcase_create("killed");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_incremental_runs);
    tcase_add_test(tc, test_comments_kept_apart);
    tcase_add_test(tc, test_progress_on_a_terminal);
    tcase_add_test(tc, test_json_and_json_lines);
    tcase_add_test(tc, test_json_lines_limits);
    tcase_add_test(tc, test_line_ends);
    tcase_add_test(tc, test_bad_inputs);
    tcase_add_test(tc, test_untitled_and_impossible_dates);
    tcase_add_test(tc, test_json_ids_not_strings);
    tcase_add_test(tc, test_file_no_longer_gives);
    tcase_add_test(tc, test_same_id_from_two_files);
    tcase_add_test(tc, test_ids_whichever_way_named);
    tcase_add_test(tc, test_show_gives_the_id_of_a_run);
    tcase_add_test(tc, test_command_line);
    tcase_add_test(tc, test_summary_line);
    tcase_add_test(tc, test_paths_and_index_errors);
    tcase_add_test(tc, test_other_schema_versions);
    tcase_add_test(tc, test_category_advice_quoted);
    tcase_add_test(tc, test_earlier_version_refused);
    tcase_add_test(tc, test_symlink_loops);
    tcase_add_test(tc, test_empty_directory);
    tcase_add_test(tc, test_path_too_long);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(tk, setup, teardown);
    tcase_add_test(tk, test_kill_9_in_the_middle);
    tcase_add_test(tk, test_kill_9_with_duplicates);
    tcase_add_loop_test(tk, test_signal_stops_after_a_transaction, 0,
                        sizeof stop_signals / sizeof stop_signals[0]);
    suite_add_tcase(s, tk);
    return s;
}

int main(void)
{
    return fouine_test_main(index_suite());
}
