/*
** check_serve_load.c: fouine-serve under load while its index changes.
**
** 16 clients at once (curl --parallel, tests/serve/load.sh) search,
** complete, read articles and ask for the health of the server for some
** seconds, while fouine-index adds articles to the same index file three
** times.  Not one request may fail, and the new articles must be found
** afterwards by the same server, without a restart.  Then the index is
** rebuilt into a new file, which the server follows.
*/
#include "serve/harness.h"

#define NEW_ARTICLES 60 /* articles added during the load */
#define BATCHES      3  /* fouine-index runs */
#define MIN_LOAD_MS  4000

static harness H;

/* The name made of n, unique to one new article ("kervadecab"...). */
static void unique_name(char *out, size_t size, int n)
{
    snprintf(out, size, "kervadec%c%c", 'a' + n / 26, 'a' + n % 26);
}

/* Write new article n into dir. */
static void write_article(const char *dir, int n)
{
    char path[HARNESS_PATH + 64], name[32], text[2048];
    unique_name(name, sizeof name, n);
    snprintf(path, sizeof path, "%s/mediatheque-%s.txt", dir, name);
    snprintf(text, sizeof text,
             "Trézélan : la médiathèque %s ouvre ses portes au public\n"
             "Le %d mars 2023 à 10h15\n"
             "\n"
             "La commune de Trézélan a inauguré samedi la médiathèque %s, "
             "l’une des %d nouvelles bibliothèques prévues dans le "
             "département d’ici à la fin de l’année.\n"
             "\n"
             "Le maire a salué « un lieu ouvert à tous », où les habitants "
             "pourront emprunter des livres, des disques et des jeux vidéo, "
             "et où des ateliers d’écriture seront proposés aux élèves.\n",
             name, 1 + n % 28, name, NEW_ARTICLES);
    harness_write(path, text);
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Write the curl config of the load: searches (some for the articles
** being added), completions, articles, health. */
static void write_load_config(const char *path)
{
    static const char *const paths[] = {
        "/api/search?q=s%C3%A9curit%C3%A9+des+h%C3%B4pitaux",
        "/api/search?q=m%C3%A9diath%C3%A8que+Tr%C3%A9z%C3%A9lan&per_page=5",
        "/api/search?q=gr%C3%A8ve+SNCF&sort=date",
        "/api/search?q=canicule&since=2019&until=2021-12",
        "/api/search?q=kervadecab",
        "/api/search?q=plus&page=2&per_page=3",
        "/api/search?q=%22vigilance+rouge%22",
        "/api/search?q=biblioth%C3%A8ques+-livres",
        "/api/suggest?q=m%C3%A9diat",
        "/api/suggest?q=h%C3%B4p",
        "/api/suggest?q=vigilance+ro",
        "/api/suggest?q=kerv",
        "/api/articles/tech%2F2018%2Fanssi-cyberattaques-hopitaux.txt",
        "/api/articles/sncf-greve-week-end-tgv-ter.txt",
        "/api/health",
        "/api/categories",
    };
    FILE *f = fopen(path, "wb");
    size_t i, k;
    ck_assert_ptr_nonnull(f);
    fputs("write-out = \"%{http_code} %{exitcode}\\n\"\n", f);
    for (k = 0; k < 4; k++) {
        for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
            fprintf(f, "url = \"%s%s\"\noutput = \"/dev/null\"\n", H.base,
                    paths[i]);
        }
    }
    fclose(f);
}

START_TEST(load_while_indexing)
{
    char config[HARNESS_PATH], out[HARNESS_PATH], stop[HARNESS_PATH],
        script[HARNESS_PATH], staged[HARNESS_PATH], line[64], name[32];
    char path[2 * HARNESS_PATH];
    long requests = 0, failed = 0, start;
    http_reply r;
    pid_t load;
    FILE *f;
    int batch, n, status;

    snprintf(config, sizeof config, "%s/load.curl", H.dir);
    snprintf(out, sizeof out, "%s/load.out", H.dir);
    snprintf(stop, sizeof stop, "%s/load.stop", H.dir);
    snprintf(script, sizeof script, "%s/tests/serve/load.sh", H.source);
    snprintf(staged, sizeof staged, "%s/staged", H.dir);
    write_load_config(config);
    harness_sh("mkdir -p '%s'", staged);
    for (n = 0; n < NEW_ARTICLES; n++) {
        write_article(staged, n);
    }

    start = now_ms();
    load = fork();
    ck_assert_int_ge(load, 0);
    if (load == 0) {
        execl("/bin/sh", "sh", script, config, out, stop, (char *)NULL);
        _exit(127);
    }
    /* Articles arrive in batches, each indexed by a run of fouine-index
    ** over the whole directory, as a news site would. */
    for (batch = 0; batch < BATCHES; batch++) {
        harness_sleep_ms(700);
        for (n = batch * NEW_ARTICLES / BATCHES;
             n < (batch + 1) * NEW_ARTICLES / BATCHES; n++) {
            unique_name(name, sizeof name, n);
            harness_sh("mv '%s/mediatheque-%s.txt' '%s/'", staged, name,
                       H.articles);
        }
        harness_sh("'%s/fouine-index' -o '%s' '%s' >/dev/null 2>&1", H.build,
                   H.index, H.articles);
    }
    while (now_ms() - start < MIN_LOAD_MS) {
        harness_sleep_ms(100);
    }
    harness_write(stop, "");
    ck_assert_int_eq(waitpid(load, &status, 0), load);

    f = fopen(out, "rb");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f)) {
        requests++;
        if (strcmp(line, "200 0\n") != 0) {
            if (failed++ < 5) {
                fprintf(stderr, "failed request: %s", line);
            }
        }
    }
    fclose(f);
    printf("%ld requests by 16 clients during %d fouine-index runs, %ld "
           "failed\n",
           requests, BATCHES, failed);
    ck_assert_int_eq(failed, 0);
    ck_assert_int_ge(requests, 16 * 4);

    /* Every new article is found by the same server. */
    harness_get(&H, &r,
                "/api/search?q=m%C3%A9diath%C3%A8que+Tr%C3%A9z%C3%A9lan", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")),
                     NEW_ARTICLES);
    http_reply_free(&r);
    for (n = 0; n < NEW_ARTICLES; n += 7) {
        unique_name(name, sizeof name, n);
        /* '=': this very word, not words of the same stem. */
        snprintf(path, sizeof path, "/api/search?q=%%3D%s", name);
        harness_get(&H, &r, path, 200);
        ck_assert_msg(json_integer_value(json_object_get(r.json, "total")) == 1,
                      "%s: %.300s", name, r.body);
        http_reply_free(&r);
        snprintf(path, sizeof path, "/api/articles/mediatheque-%s.txt", name);
        harness_get(&H, &r, path, 200);
        http_reply_free(&r);
    }
    harness_get(&H, &r, "/api/suggest?q=kervadeca", 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "suggestions")),
                     10);
    http_reply_free(&r);
    harness_get(&H, &r, "/api/health", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "articles")),
                     25 + NEW_ARTICLES);
    http_reply_free(&r);
}
END_TEST

START_TEST(rebuilt_index_is_followed)
{
    char few[HARNESS_PATH + 8];
    http_reply r;
    int i;
    /* fouine-index --rebuild puts another file at the index's path. */
    snprintf(few, sizeof few, "%s/few", H.dir);
    harness_sh(
        "mkdir -p '%s' && cp '%s/corpus/sncf-greve-week-end-tgv-ter.txt' "
        "'%s/corpus/louvre-cleopatre-oeuvres-restaurees.txt' '%s/'",
        few, H.source, H.source, few);
    harness_sh("'%s/fouine-index' --rebuild -o '%s' '%s' >/dev/null 2>&1",
               H.build, H.index, few);
    /* Every thread changes to the new file (a new connection each time
    ** lands on any of them). */
    for (i = 0; i < 12; i++) {
        harness_get(&H, &r, "/api/health", 200);
        ck_assert_int_eq(
            json_integer_value(json_object_get(r.json, "articles")), 2);
        http_reply_free(&r);
        harness_get(&H, &r, "/api/search?q=m%C3%A9diath%C3%A8que", 200);
        ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")),
                         0);
        http_reply_free(&r);
    }
    harness_get(&H, &r, "/api/search?q=Cl%C3%A9op%C3%A2tre", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")), 1);
    http_reply_free(&r);
}
END_TEST

int main(void)
{
    static const char *const args[] = { "--threads", "4", "--quiet", NULL };
    Suite *s = suite_create("serve_load");
    TCase *tc = tcase_create("load");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, load_while_indexing);
    tcase_add_test(tc, rebuilt_index_is_followed);
    suite_add_tcase(s, tc);
    return harness_main(&H, s, 0, args);
}
