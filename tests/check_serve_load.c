/*
** check_serve_load.c: fouine-serve under load while its index changes.
**
** 16 clients at once (curl --parallel, tests/serve/load.sh) search,
** complete, read articles and ask for the health of the server for some
** seconds, while fouine-index adds articles to the same index file three
** times.  Not one request may fail, and the new articles must be found
** afterwards by the same server, without a restart.  Then the index is
** rebuilt (fouine-index --rebuild, in many small transactions) under the
** load of clients that check every answer: each comes from the old index
** or from the new one, whole, never from a half-built one; an incremental
** run follows on the rebuilt index, which then passes SQLite's and FTS5's
** integrity checks.  Last, an index removed and made again at the same
** path is followed by every thread.
*/
#include "serve/harness.h"

#include <pthread.h>
#include <stdatomic.h>

#include "serve/client.h"

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
    harness_get(
        &H, &r,
        "/api/search?q=m%C3%A9diath%C3%A8que+Tr%C3%A9z%C3%A9lan&collapse=false",
        200);
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

#define REBUILT      300 /* articles of the rebuilt index */
#define ADDED_AFTER  5   /* articles an incremental run adds to it */
#define LOADERS      4   /* clients checking every answer */
#define LOAD_ROUNDS  20  /* requests each makes before and after */
#define REGATE_QUERY "/api/search?q=r%C3%A9gate&per_page=100&collapse=false"

/* Write article n of the rebuilt index into dir: every one is about a
** regatta ("régate"), which no article of corpus/ mentions. */
static void write_regate(const char *dir, const char *place, int n)
{
    char path[HARNESS_PATH + 64], text[2048];
    snprintf(path, sizeof path, "%s/regate-%s-%03d.txt", dir, place, n);
    snprintf(text, sizeof text,
             "Régate de %s : le voilier n° %d franchit la ligne en tête de "
             "sa série\n"
             "Le %d juin 2022 à 18h30\n"
             "\n"
             "La régate de %s a réuni samedi plus de trois cents voiliers "
             "par un vent d’ouest soutenu ; l’équipage du bateau n° %d a "
             "mené la course de bout en bout.\n"
             "\n"
             "« Nous avons profité d’une bascule du vent près de la bouée "
             "de dégagement », raconte la skippeuse, qui court depuis "
             "l’âge de douze ans.\n",
             place, n, 1 + n % 28, place, n);
    harness_write(path, text);
}

/* The answers the index may give: before the rebuild, or after it. */
typedef struct expected {
    long total[2];    /* hits of REGATE_QUERY: old index, new index */
    long articles[2]; /* articles of /api/health */
} expected;

/* A client asking over one keep-alive connection and checking each answer
** against e. */
typedef struct loader {
    const expected *e;
    atomic_long requests; /* answered so far */
    atomic_int *stop;     /* set by the test */
    long failed;          /* no 200 JSON reply */
    long mixed;           /* neither the old index nor the new, or a page
                             whose hits do not match its total */
    long saw[2];          /* answers of the old index, of the new */
    char why[512];        /* the first problem */
} loader;

/* Which of the two values v is (0 or 1), or -1. */
static int which(long v, const long two[2])
{
    return v == two[0] ? 0 : v == two[1] ? 1 : -1;
}

/* Check the answer r to path; returns 0 when it is whole and expected. */
static int check_answer(loader *l, const char *path, const http_reply *r)
{
    const json_t *j = r->json;
    int k;
    if (r->status != 200 || !j) {
        l->failed++;
        return -1;
    }
    if (strcmp(path, REGATE_QUERY) == 0) {
        json_int_t total = json_integer_value(json_object_get(j, "total"));
        size_t hits = json_array_size(json_object_get(j, "hits"));
        k = which((long)total, l->e->total);
        if (k < 0 || hits != (size_t)(total < 100 ? total : 100)) {
            l->mixed++;
            return -1;
        }
        l->saw[k]++;
    } else if (strcmp(path, "/api/health") == 0) {
        k = which((long)json_integer_value(json_object_get(j, "articles")),
                  l->e->articles);
        if (k < 0) {
            l->mixed++;
            return -1;
        }
        l->saw[k]++;
    }
    return 0;
}

static void *loader_main(void *payload)
{
    static const char *const paths[] = {
        REGATE_QUERY,
        "/api/health",
        "/api/suggest?q=r%C3%A9ga",
        "/api/categories",
    };
    loader *l = payload;
    client_conn c;
    long i = 0;
    c.fd = -1;
    while (!atomic_load(l->stop)) {
        const char *path = paths[i++ % 4];
        http_reply r;
        if (c.fd < 0 && client_open(&c, &H, NULL) != 0) {
            l->failed++;
            break;
        }
        if (client_get(&c, path) != 0 || client_read(&c, &r, 0, 20000) != 0) {
            l->failed++;
            snprintf(l->why, sizeof l->why, "%s: no reply", path);
            client_close(&c);
            continue;
        }
        if (check_answer(l, path, &r) != 0 && !l->why[0]) {
            snprintf(l->why, sizeof l->why, "%s: %ld %.400s", path, r.status,
                     r.body);
        }
        http_reply_free(&r);
        atomic_fetch_add(&l->requests, 1);
    }
    client_close(&c);
    return NULL;
}

/* Wait until every loader has answered n more requests than at *from. */
static void wait_for_requests(loader *l, const long *from, long n)
{
    long deadline = client_now_ms() + 120000;
    int i, done = 0;
    while (!done && client_now_ms() < deadline) {
        done = 1;
        for (i = 0; i < LOADERS; i++) {
            done &= atomic_load(&l[i].requests) >= from[i] + n;
        }
        if (!done) {
            harness_sleep_ms(20);
        }
    }
    ck_assert_msg(done, "the clients stopped getting answers");
}

/* The number at key of the JSON reply to path. */
static long get_number(const char *path, const char *key)
{
    http_reply r;
    long n;
    harness_get(&H, &r, path, 200);
    n = (long)json_integer_value(json_object_get(r.json, key));
    http_reply_free(&r);
    return n;
}

START_TEST(rebuild_under_load_is_atomic)
{
    static loader loaders[LOADERS];
    char dir[HARNESS_PATH + 16];
    pthread_t threads[LOADERS];
    long before[LOADERS];
    expected e;
    atomic_int stop;
    long failed = 0, mixed = 0, saw[2] = { 0, 0 };
    int i;

    snprintf(dir, sizeof dir, "%s/regates", H.dir);
    harness_sh("mkdir -p '%s'", dir);
    for (i = 0; i < REBUILT; i++) {
        write_regate(dir, "Kerlouan", i);
    }
    e.total[0] = get_number(REGATE_QUERY, "total");
    e.total[1] = REBUILT;
    e.articles[0] = get_number("/api/health", "articles");
    e.articles[1] = REBUILT;
    ck_assert_int_ne(e.articles[0], e.articles[1]);
    atomic_init(&stop, 0);
    memset(loaders, 0, sizeof loaders);
    for (i = 0; i < LOADERS; i++) {
        loaders[i].e = &e;
        loaders[i].stop = &stop;
        atomic_init(&loaders[i].requests, 0);
        before[i] = 0;
        ck_assert_int_eq(
            pthread_create(&threads[i], NULL, loader_main, &loaders[i]), 0);
    }
    wait_for_requests(loaders, before, LOAD_ROUNDS);
    /* Many small transactions: a half-built index would be seen. */
    harness_sh("'%s/fouine-index' --rebuild --batch 10 -o '%s' '%s' "
               ">/dev/null 2>&1",
               H.build, H.index, dir);
    for (i = 0; i < LOADERS; i++) {
        before[i] = atomic_load(&loaders[i].requests);
    }
    wait_for_requests(loaders, before, LOAD_ROUNDS);
    atomic_store(&stop, 1);
    for (i = 0; i < LOADERS; i++) {
        pthread_join(threads[i], NULL);
        if ((loaders[i].failed || loaders[i].mixed) && !failed && !mixed) {
            fprintf(stderr, "first problem: %s\n", loaders[i].why);
        }
        failed += loaders[i].failed;
        mixed += loaders[i].mixed;
        saw[0] += loaders[i].saw[0];
        saw[1] += loaders[i].saw[1];
    }
    printf("rebuild under load: %ld answers of the old index, %ld of the "
           "new, %ld of neither, %ld failed\n",
           saw[0], saw[1], mixed, failed);
    ck_assert_int_eq(failed, 0);
    ck_assert_int_eq(mixed, 0);
    ck_assert_int_gt(saw[0], 0);
    ck_assert_int_gt(saw[1], 0);
    ck_assert_int_eq(get_number("/api/health", "articles"), REBUILT);

    /* An incremental run on the rebuilt index, the server still up. */
    for (i = 0; i < ADDED_AFTER; i++) {
        write_regate(dir, "Plouguerneau", i);
    }
    harness_sh("'%s/fouine-index' -o '%s' '%s' >/dev/null 2>&1", H.build,
               H.index, dir);
    for (i = 0; i < 8; i++) {
        ck_assert_int_eq(get_number("/api/health", "articles"),
                         REBUILT + ADDED_AFTER);
        ck_assert_int_eq(get_number(REGATE_QUERY, "total"),
                         REBUILT + ADDED_AFTER);
    }
    ck_assert_int_eq(
        get_number("/api/search?q=r%C3%A9gate+Plouguerneau&collapse=false",
                   "total"),
        ADDED_AFTER);
    fouine_test_assert_integrity(H.index);
}
END_TEST

START_TEST(stopped_rebuild_leaves_index_unchanged)
{
    char dir[HARNESS_PATH + 16], beside[HARNESS_PATH + 16],
        log[HARNESS_PATH + 16], exe[HARNESS_PATH + 32];
    char *said;
    long articles = get_number("/api/health", "articles"), deadline;
    struct stat st;
    pid_t pid;
    int i, status, ended = 0;

    snprintf(dir, sizeof dir, "%s/many", H.dir);
    snprintf(beside, sizeof beside, "%s.rebuild", H.index);
    snprintf(log, sizeof log, "%s/stopped.log", H.dir);
    snprintf(exe, sizeof exe, "%s/fouine-index", H.build);
    harness_sh("mkdir -p '%s'", dir);
    for (i = 0; i < 2000; i++) {
        write_regate(dir, "Roscoff", i);
    }
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
            _exit(127);
        }
        execl(exe, exe, "--rebuild", "--batch", "5", "-o", H.index, dir,
              (char *)NULL);
        _exit(127);
    }
    /* SIGINT once the new index is being written beside the index. */
    deadline = client_now_ms() + 60000;
    while (!ended && stat(beside, &st) != 0 && client_now_ms() < deadline) {
        ended = waitpid(pid, &status, WNOHANG) == pid;
        harness_sleep_ms(5);
    }
    ck_assert_msg(!ended, "fouine-index --rebuild ended without writing %s",
                  beside);
    kill(pid, SIGINT);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    said = fouine_test_slurp(log);
    ck_assert_ptr_nonnull(said);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
                  "fouine-index --rebuild stopped: status %d: %s", status,
                  said);
    ck_assert_msg(strstr(said, "rebuild stopped: the index is unchanged"), "%s",
                  said);
    free(said);
    ck_assert_msg(stat(beside, &st) != 0, "%s is left", beside);
    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(get_number("/api/health", "articles"), articles);
    }
    fouine_test_assert_integrity(H.index);
}
END_TEST

START_TEST(removed_and_remade_index_is_followed)
{
    char few[HARNESS_PATH + 8];
    int i;
    /* Another file at the index's path: the old one removed, with its WAL,
    ** and a new index made there. */
    snprintf(few, sizeof few, "%s/few", H.dir);
    harness_sh(
        "mkdir -p '%s' && cp '%s/corpus/sncf-greve-week-end-tgv-ter.txt' "
        "'%s/corpus/louvre-cleopatre-oeuvres-restaurees.txt' '%s/'",
        few, H.source, H.source, few);
    harness_sh("rm -f '%s' '%s-wal' '%s-shm' && '%s/fouine-index' -o '%s' "
               "'%s' >/dev/null 2>&1",
               H.index, H.index, H.index, H.build, H.index, few);
    /* Every thread changes to the new file (a new connection each time
    ** lands on any of them). */
    for (i = 0; i < 12; i++) {
        ck_assert_int_eq(get_number("/api/health", "articles"), 2);
        ck_assert_int_eq(get_number(REGATE_QUERY, "total"), 0);
    }
    ck_assert_int_eq(get_number("/api/search?q=Cl%C3%A9op%C3%A2tre", "total"),
                     1);
}
END_TEST

int main(void)
{
    static const char *const args[] = { "--threads", "4", "--quiet", NULL };
    Suite *s = suite_create("serve_load");
    TCase *tc = tcase_create("load");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, load_while_indexing);
    tcase_add_test(tc, rebuild_under_load_is_atomic);
    tcase_add_test(tc, stopped_rebuild_leaves_index_unchanged);
    tcase_add_test(tc, removed_and_remade_index_is_followed);
    suite_add_tcase(s, tc);
    return harness_main(&H, s, 0, args);
}
