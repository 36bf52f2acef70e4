/*
** check_snapshot.c: snapshots of an index for read-only replicas
** (fouine_index_snapshot(), fouine-index --snapshot): the copy opens as a
** fouine index and searches as the original does; its manifest says what
** it is (its SHA-256 is sha256sum's); a writer committing meanwhile
** leaves it consistent; a reader polling the manifest from another
** process always finds a complete file it names; a bad directory gives a
** message naming it, exit status 2, and leaves nothing in it.
*/
#define _DEFAULT_SOURCE /* timegm() */

#include "store.h"
#include "testutil.h"

#include "fouine/alloc.h"
#include "fouine/fouine.h"
#include "fouine/index.h"
#include "fouine/search.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[256];   /* the test's temporary directory */
static char path[320];  /* dir/news.db, the index */
static char snaps[320]; /* dir/snapshots, where snapshots go */

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/fouine-snapshot-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/news.db", dir);
    snprintf(snaps, sizeof snaps, "%s/snapshots", dir);
    ck_assert_int_eq(mkdir(snaps, 0755), 0);
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
}

/* Seconds on the monotonic clock. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const titles[] = {
    "Grève à la SNCF : le trafic des TGV perturbé jusqu'à jeudi",
    "Les vendanges commencent tôt en Bourgogne après un été caniculaire",
    "Le conseil municipal de Lyon vote le budget des écoles",
    "Tempête Miguel : la Bretagne en vigilance orange",
    "Élections européennes : les listes déposées à la préfecture",
};
static const char *const bodies[] = {
    "Les syndicats de cheminots appellent à poursuivre le mouvement contre "
    "la réforme des retraites ; les usagers cherchent des covoiturages.",
    "Les viticulteurs cueillent le raisin trois semaines plus tôt que "
    "d'habitude : la sécheresse a concentré les sucres du pinot noir.",
    "Les élus ont adopté la rénovation de douze groupes scolaires et la "
    "gratuité de la cantine pour les familles les plus modestes.",
    "Des rafales de cent trente kilomètres par heure sont attendues sur le "
    "littoral ; les ferries vers l'Angleterre restent à quai.",
    "Trente-huit listes se disputent les sièges du Parlement européen ; "
    "l'abstention inquiète les candidats des grandes villes.",
};

/* Write article number i (its own id; text of the tables) through ix. */
static void put_article(fouine_index *ix, int i)
{
    fouine_article a;
    char id[32], title[160], body[512], date[] = "2019-04-16T08:12:00";
    char society[] = "Société", politics[] = "Politique";
    int replaced = -1;
    memset(&a, 0, sizeof a);
    snprintf(title, sizeof title, "%s", titles[i % 5]);
    snprintf(id, sizeof id, "depeche-%d", i);
    snprintf(body, sizeof body, "%s Dépêche numéro %d.", bodies[i % 5], i);
    a.id = id;
    a.title = title;
    a.date = date;
    a.category = i % 2 ? society : politics;
    a.body = body;
    ck_assert_int_eq(fouine_index_put(&replaced, ix, &a), FOUINE_OK);
    ck_assert_int_eq(replaced, 0);
}

/* The index of n articles, in transactions of ten. */
static void make_index(int n)
{
    fouine_index *ix = NULL;
    int i;
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    for (i = 0; i < n; i++) {
        if (i % 10 == 0) {
            ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
        }
        put_article(ix, i);
        if (i % 10 == 9 || i == n - 1) {
            ck_assert_int_eq(fouine_index_commit(ix), FOUINE_OK);
        }
    }
    fouine_index_close(ix);
}

/* A snapshot of the index into snaps; fails the test on an error. */
static void snapshot(fouine_snapshot_info *info)
{
    fouine_index *ix = NULL;
    int rc;
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_READ),
                     FOUINE_OK);
    rc = fouine_index_snapshot(info, ix, snaps);
    ck_assert_msg(rc == FOUINE_OK, "snapshot: %s", info->error);
    ck_assert_str_eq(info->error, "");
    fouine_index_close(ix);
}

/* The ids that query finds in the index file p, in order, joined by
** ","; and their total. */
static long long search_ids(char *out,
                            size_t cap,
                            const char *p,
                            const char *query)
{
    fouine_index *ix = NULL;
    fouine_results *r = NULL;
    fouine_search_options o;
    size_t i, len = 0;
    long long total;
    ck_assert_int_eq(fouine_index_open(&ix, p, FOUINE_INDEX_READ), FOUINE_OK);
    fouine_search_options_init(&o);
    o.query = query;
    o.limit = 50;
    ck_assert_int_eq(fouine_search(&r, ix, &o), FOUINE_OK);
    out[0] = '\0';
    for (i = 0; i < r->nhits; i++) {
        size_t w = strlen(r->hits[i].id);
        ck_assert_uint_lt(len + 2 + w, cap);
        if (i) {
            out[len++] = ',';
        }
        memcpy(out + len, r->hits[i].id, w + 1);
        len += w;
    }
    total = r->total;
    fouine_results_free(r);
    fouine_index_close(ix);
    return total;
}

/* The SHA-256 of a file as 64 hex digits into hex (65 bytes), with
** nettle; 0 when the file cannot be read. */
static int sha256_of(char *hex, const char *p)
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    unsigned char buf[8192];
    size_t n, i;
    FILE *f = fopen(p, "rb");
    if (!f) {
        return 0;
    }
    sha256_init(&ctx);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        sha256_update(&ctx, n, buf);
    }
    fclose(f);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, d);
    for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    }
    return 1;
}

/* How many entries of snaps start with prefix. */
static int count_entries(const char *prefix)
{
    DIR *d = opendir(snaps);
    struct dirent *e;
    int n = 0;
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    }
    closedir(d);
    return n;
}

/* The snapshot opens as a fouine index of this schema, holds every
** article, and searches as the original: same hits, same order. */
START_TEST(test_snapshot_searches_as_the_index)
{
    static const char *const queries[] = {
        "grève cheminots",   "vendanges",          "\"vigilance orange\"",
        "écoles OR cantine", "dépêche -retraites", "retraite",
    };
    fouine_snapshot_info info;
    fouine_index *ix = NULL;
    char file[640], want[2048], got[2048];
    long long n = 0;
    size_t i;

    make_index(40);
    snapshot(&info);
    ck_assert_str_eq(info.file, "fouine-4.db"); /* four commits of ten */
    ck_assert_int_eq(info.generation, 4);
    ck_assert_int_eq(info.articles, 40);
    ck_assert_int_eq(info.schema, FOUINE_SCHEMA_VERSION);
    snprintf(file, sizeof file, "%s/%s", snaps, info.file);
    ck_assert_int_eq(fouine_index_open(&ix, file, FOUINE_INDEX_READ),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_count(&n, ix), FOUINE_OK);
    ck_assert_int_eq(n, 40);
    ck_assert_int_eq(fouine_index_generation(&n, ix), FOUINE_OK);
    ck_assert_int_eq(n, 4);
    fouine_index_close(ix);
    for (i = 0; i < sizeof queries / sizeof *queries; i++) {
        long long tw = search_ids(want, sizeof want, path, queries[i]);
        long long tg = search_ids(got, sizeof got, file, queries[i]);
        ck_assert_msg(tw > 0, "%s finds nothing in the index", queries[i]);
        ck_assert_int_eq(tg, tw);
        ck_assert_str_eq(got, want);
    }
    /* One file: a replica reads it without a WAL beside it. */
    ck_assert_int_eq(count_entries("fouine-"), 1);
    ck_assert_int_eq(count_entries(".fouine-snapshot-"), 0);
}
END_TEST

/* The manifest's fields: the file's name, generation, articles, size,
** sha256 (as sha256sum gives it), time (ISO 8601 UTC, now) and schema. */
START_TEST(test_manifest)
{
    fouine_snapshot_info info;
    json_t *m;
    json_error_t err;
    char mpath[400], file[640], cmd[1400], out[400], line[200];
    char *text;
    struct stat st;
    struct tm tm;
    time_t before = time(NULL), when;
    const char *t;

    make_index(25);
    snapshot(&info);
    snprintf(mpath, sizeof mpath, "%s/manifest.json", snaps);
    snprintf(file, sizeof file, "%s/%s", snaps, info.file);
    m = json_load_file(mpath, 0, &err);
    ck_assert_msg(m != NULL, "manifest.json: %s", err.text);
    ck_assert_str_eq(json_string_value(json_object_get(m, "file")),
                     "fouine-3.db");
    ck_assert_int_eq(json_integer_value(json_object_get(m, "generation")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(m, "articles")), 25);
    ck_assert_int_eq(json_integer_value(json_object_get(m, "schema")),
                     FOUINE_SCHEMA_VERSION);
    ck_assert_int_eq(stat(file, &st), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(m, "size")),
                     st.st_size);
    ck_assert_int_eq(info.size, st.st_size);

    snprintf(cmd, sizeof cmd, "sha256sum '%s'", file);
    snprintf(out, sizeof out, "%s/sha256sum.out", dir);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_gt(strlen(text), 64);
    memcpy(line, text, 64);
    line[64] = '\0';
    free(text);
    ck_assert_str_eq(json_string_value(json_object_get(m, "sha256")), line);
    ck_assert_str_eq(info.sha256, line);

    t = json_string_value(json_object_get(m, "time"));
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(t, info.time);
    ck_assert_uint_eq(strlen(t), 20);
    memset(&tm, 0, sizeof tm);
    ck_assert_int_eq(sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year,
                            &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                            &tm.tm_sec),
                     6);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    when = timegm(&tm);
    ck_assert_msg(when >= before - 1 && when <= time(NULL) + 1,
                  "time %s is not now", t);
    json_decref(m);
}
END_TEST

/* A writer thread committing one new article a transaction. */
typedef struct writer {
    volatile int stop; /* set by the main thread */
    int commits;       /* done */
    pthread_t thread;
} writer;

static void *write_loop(void *arg)
{
    writer *w = arg;
    fouine_index *ix = NULL;
    int i = 1000;
    if (fouine_index_open(&ix, path, FOUINE_INDEX_WRITE) != FOUINE_OK) {
        return NULL;
    }
    while (!w->stop && w->commits < 5000) {
        fouine_article a;
        char id[32], title[160], body[512];
        memset(&a, 0, sizeof a);
        snprintf(title, sizeof title, "%s", titles[i % 5]);
        snprintf(id, sizeof id, "direct-%d", i);
        snprintf(body, sizeof body, "%s Mise à jour numéro %d.", bodies[i % 5],
                 i);
        a.id = id;
        a.title = title;
        a.body = body;
        if (fouine_index_put(NULL, ix, &a) != FOUINE_OK) {
            break;
        }
        __atomic_add_fetch(&w->commits, 1, __ATOMIC_SEQ_CST);
        i++;
    }
    fouine_index_close(ix);
    return NULL;
}

/* Snapshots taken while another thread commits articles: each is
** consistent (integrity_check ok) and holds the articles of its
** generation, no more, no less. */
START_TEST(test_snapshot_while_writing)
{
    writer w;
    fouine_snapshot_info info;
    long long gen0 = 0, count0 = 0, first_gen = -1;
    fouine_index *ix = NULL;
    double deadline;
    int snapshots = 0, moved = 0, during = 0;

    make_index(300);
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_READ),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_generation(&gen0, ix), FOUINE_OK);
    ck_assert_int_eq(fouine_index_count(&count0, ix), FOUINE_OK);
    fouine_index_close(ix);

    memset(&w, 0, sizeof w);
    ck_assert_int_eq(pthread_create(&w.thread, NULL, write_loop, &w), 0);
    deadline = now_s() + 60;
    while (__atomic_load_n(&w.commits, __ATOMIC_SEQ_CST) == 0 &&
           now_s() < deadline) {
        struct timespec ms = { 0, 1000000 };
        nanosleep(&ms, NULL); /* polled until the deadline */
    }
    ck_assert_msg(w.commits > 0, "the writer never committed");
    /* Until a commit happened during a snapshot, two snapshots have
    ** different generations, and at least five were taken. */
    while ((snapshots < 5 || !moved || !during) && now_s() < deadline) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        char file[640];
        int before = __atomic_load_n(&w.commits, __ATOMIC_SEQ_CST);
        snapshot(&info);
        during |= __atomic_load_n(&w.commits, __ATOMIC_SEQ_CST) != before;
        snapshots++;
        if (first_gen < 0) {
            first_gen = info.generation;
        }
        moved |= info.generation != first_gen;
        ck_assert_int_eq(info.articles, count0 + (info.generation - gen0));
        snprintf(file, sizeof file, "%s/%s", snaps, info.file);
        ck_assert_int_eq(sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL),
                         SQLITE_OK);
        ck_assert_int_eq(
            sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
            SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
        sqlite3_finalize(st);
        ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM article",
                                            -1, &st, NULL),
                         SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        ck_assert_int_eq(sqlite3_column_int64(st, 0), info.articles);
        sqlite3_finalize(st);
        ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
    }
    w.stop = 1;
    ck_assert_int_eq(pthread_join(w.thread, NULL), 0);
    ck_assert_msg(moved, "%d snapshots, all of generation %lld", snapshots,
                  first_gen);
    ck_assert_msg(during, "no commit during any of %d snapshots", snapshots);
    /* The last two are kept, nothing else. */
    ck_assert_int_eq(count_entries("fouine-"), 2);
    ck_assert_int_eq(count_entries(".fouine-snapshot-"), 0);
}
END_TEST

/*
** The replica's side, in a child process: until the pipe `stop` gives
** EOF, read the manifest, then the file it names: it must be complete (the
** manifest's size and sha256).  A file gone meanwhile is fine only when
** the manifest moved on since.  Writes one byte to `ready` after its first
** check; exits 0 with its number of checks on `ready`, or 1 saying why.
*/
static void poll_manifest(int stop, int ready)
{
    char mpath[400], file[640], hex[65];
    int checks = 0;
    struct stat st;
    snprintf(mpath, sizeof mpath, "%s/manifest.json", snaps);
    for (;;) {
        json_t *m = json_load_file(mpath, 0, NULL), *again;
        const char *name = json_string_value(json_object_get(m, "file"));
        char c;
        if (!m || !name) {
            fprintf(stderr, "manifest.json unreadable\n");
            _exit(1);
        }
        snprintf(file, sizeof file, "%s/%s", snaps, name);
        if (!sha256_of(hex, file) || stat(file, &st) != 0) {
            again = json_load_file(mpath, 0, NULL);
            if (!again || json_equal(again, m)) {
                fprintf(stderr, "%s named by manifest.json is missing\n", name);
                _exit(1);
            }
            json_decref(again);
        } else if (strcmp(hex, json_string_value(
                                   json_object_get(m, "sha256"))) != 0 ||
                   st.st_size !=
                       json_integer_value(json_object_get(m, "size"))) {
            fprintf(stderr, "%s is not the file manifest.json describes\n",
                    name);
            _exit(1);
        } else if (++checks == 1 && write(ready, "r", 1) != 1) {
            _exit(1);
        }
        json_decref(m);
        if (read(stop, &c, 1) == 0) {
            break;
        }
    }
    _exit(write(ready, &checks, sizeof checks) == sizeof checks ? 0 : 1);
}

/* Repeated snapshots, a new article between some of them, while another
** process reads the manifest and the file it names, over and over. */
START_TEST(test_manifest_always_names_a_complete_file)
{
    fouine_snapshot_info info;
    fouine_index *ix = NULL;
    int stop[2], ready[2], status = -1, checks = 0, i;
    char c;
    pid_t pid;

    make_index(120);
    snapshot(&info);
    ck_assert_int_eq(pipe(stop), 0);
    ck_assert_int_eq(pipe(ready), 0);
    pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        close(stop[1]);
        close(ready[0]);
        /* Non-blocking reads of stop: EOF once the parent closes it. */
        ck_assert_int_eq(fcntl(stop[0], F_SETFL, O_NONBLOCK), 0);
        poll_manifest(stop[0], ready[1]);
    }
    close(stop[0]);
    close(ready[1]);
    ck_assert_int_eq(read(ready[0], &c, 1), 1); /* the child checked once */
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    for (i = 0; i < 20; i++) {
        if (i % 2 == 0) {
            put_article(ix, 500 + i);
        }
        snapshot(&info);
    }
    fouine_index_close(ix);
    close(stop[1]);
    ck_assert_int_eq(read(ready[0], &checks, sizeof checks), sizeof checks);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the reader of the manifest failed (status %d)", status);
    ck_assert_int_gt(checks, 1);
    close(ready[0]);
    ck_assert_str_eq(info.file, "fouine-22-2.db"); /* 12 + 10, twice */
    ck_assert_int_eq(count_entries("fouine-"), 2);
    ck_assert_int_eq(count_entries(".fouine-snapshot-"), 0);
}
END_TEST

/* fouine-index --snapshot DIR with DIR bad: exit 2, a message naming DIR
** on stderr, nothing written. */
static void bad_dir(const char *bad, const char *why)
{
    char cmd[1400], err[400], *text;
    snprintf(err, sizeof err, "%s/stderr", dir);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-index' -o '%s' --snapshot '%s' 2>'%s' >/dev/null",
             fouine_test_build_dir(), path, bad, err);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
    text = fouine_test_slurp(err);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, bad) != NULL && strstr(text, why) != NULL,
                  "message without '%s' and '%s': %s", bad, why, text);
    free(text);
}

START_TEST(test_bad_dir)
{
    fouine_snapshot_info info;
    fouine_index *ix = NULL;
    char missing[300], ro[300], notdir[300];
    FILE *f;

    make_index(12);
    snprintf(missing, sizeof missing, "%s/absent", dir);
    bad_dir(missing, "No such file or directory");
    ck_assert_int_eq(access(missing, F_OK), -1);

    snprintf(notdir, sizeof notdir, "%s/plain-file", dir);
    f = fopen(notdir, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fclose(f), 0);
    bad_dir(notdir, "Not a directory");

    /* A directory this process cannot write in (root writes in any mode
    ** 0555 directory: sysfs refuses it new files). */
    if (geteuid() != 0) {
        snprintf(ro, sizeof ro, "%s/read-only", dir);
        ck_assert_int_eq(mkdir(ro, 0555), 0);
        bad_dir(ro, "cannot write");
        snprintf(snaps, sizeof snaps, "%s", ro);
        ck_assert_int_eq(count_entries(""), 2); /* . and .. */
    } else {
        bad_dir("/sys", "/sys");
    }

    /* The same through the library: the message, and nothing left. */
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_READ),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_snapshot(&info, ix, missing), FOUINE_EIO);
    ck_assert_ptr_nonnull(strstr(info.error, missing));
    ck_assert_str_eq(info.file, "");
    ck_assert_int_eq(fouine_index_snapshot(&info, ix, ""), FOUINE_EINVAL);
    ck_assert_str_ne(info.error, "");
    fouine_index_close(ix);
}
END_TEST

/* The tool's line on stdout names the snapshot, its generation,
** articles, size and sha256. */
START_TEST(test_tool_line)
{
    char cmd[1400], out[400], want[1400], *text;
    fouine_snapshot_info info;
    make_index(15);
    snprintf(out, sizeof out, "%s/stdout", dir);
    snprintf(cmd, sizeof cmd, "'%s/fouine-index' -o '%s' --snapshot '%s'",
             fouine_test_build_dir(), path, snaps);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(text);
    snapshot(&info); /* the same generation again: fouine-2-2.db */
    ck_assert_str_eq(info.file, "fouine-2-2.db");
    snprintf(want, sizeof want,
             "snapshot %s/fouine-2.db: generation 2, 15 articles, %lld "
             "bytes, sha256 ",
             snaps, info.size);
    ck_assert_msg(strncmp(text, want, strlen(want)) == 0, "got: %s", text);
    ck_assert_uint_eq(strlen(text), strlen(want) + 64 + 1);
    free(text);
}
END_TEST

#ifdef FOUINE_FAULT_INJECTION
/* A snapshot with every allocation failing in turn: a snapshot, or
** FOUINE_ENOMEM with nothing left but the snapshots already there. */
static int oom_snapshot(uint64_t *digest)
{
    fouine_snapshot_info info;
    fouine_index *ix = NULL;
    int rc = fouine_index_open(&ix, path, FOUINE_INDEX_READ);
    memset(&info, 0, sizeof info);
    if (rc == FOUINE_OK) {
        rc = fouine_index_snapshot(&info, ix, snaps);
    }
    fouine_index_close(ix);
    ck_assert_int_eq(count_entries(".fouine-snapshot-"), 0);
    *digest = (uint64_t)info.generation * 1000 + (uint64_t)info.articles;
    return rc;
}

START_TEST(test_oom)
{
    make_index(20);
    fouine_test_oom_loop("snapshot", oom_snapshot);
    ck_assert_int_le(count_entries("fouine-"), 2);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("snapshot");
    TCase *tc = tcase_create("snapshot");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_snapshot_searches_as_the_index);
    tcase_add_test(tc, test_manifest);
    tcase_add_test(tc, test_snapshot_while_writing);
    tcase_add_test(tc, test_manifest_always_names_a_complete_file);
    tcase_add_test(tc, test_bad_dir);
    tcase_add_test(tc, test_tool_line);
#ifdef FOUINE_FAULT_INJECTION
    tcase_add_test(tc, test_oom);
#endif
    suite_add_tcase(s, tc);
    return fouine_test_main(s);
}
