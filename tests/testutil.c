/*
** testutil.c: helpers shared by the Check suites.
*/
#include "testutil.h"

#include "alloc_fault.h"
#include "fouine/error.h"
#include "fouine/fts5.h"
#include "fouine/index.h"
#include "query.h"
#include "results_json.h"
#include "store.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

static int collect(const char *token,
                   size_t len,
                   size_t start,
                   size_t end,
                   int flags,
                   void *payload)
{
    fouine_test_tokens *t = payload;
    size_t n = strlen(t->text);
    if (!(flags & FOUINE_TOKEN_COLOCATED)) {
        if (t->positions < 256) {
            t->starts[t->positions] = start;
            t->ends[t->positions] = end;
        }
        t->positions++;
    }
    if (n + len + 2 < sizeof t->text) {
        if (t->count > 0) {
            t->text[n++] = (flags & FOUINE_TOKEN_COLOCATED) ? '/' : '|';
        }
        memcpy(t->text + n, token, len);
        t->text[n + len] = '\0';
    }
    t->count++;
    return 0;
}

void fouine_test_analyze(fouine_test_tokens *out,
                         fouine_analyzer *an,
                         const char *text,
                         int mode)
{
    int rc;
    memset(out, 0, sizeof *out);
    rc = fouine_analyzer_run(an, text, strlen(text), mode, collect, out);
    ck_assert_int_eq(rc, FOUINE_OK);
}

const char *fouine_test_dir(const char *env)
{
    const char *dir = getenv(env);
    struct stat st;
    if (!dir || !*dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return NULL;
    }
    return dir;
}

const char *fouine_test_shared_or_skip(const char *suite, const char *what)
{
    const char *dir = fouine_test_dir("FOUINE_SHARED_DIR");
    if (!dir) {
        printf("%s: skipped: FOUINE_SHARED_DIR (%s) is absent\n", suite, what);
        exit(77);
    }
    return dir;
}

const char *fouine_test_build_dir(void)
{
    const char *dir = fouine_test_dir("FOUINE_BUILD_DIR");
    ck_assert_msg(dir != NULL, "FOUINE_BUILD_DIR is not set");
    return dir;
}

int fouine_test_run(const char *cmd, const char *out)
{
    char *full = NULL;
    size_t n = strlen(cmd) + (out ? strlen(out) : 0) + 32;
    int status;
    full = malloc(n);
    if (!full) {
        return -1;
    }
    if (out) {
        snprintf(full, n, "%s > '%s'", cmd, out);
    } else {
        memcpy(full, cmd, strlen(cmd) + 1);
    }
    status = system(full);
    free(full);
    if (status == -1 || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

char *fouine_test_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf) {
            size_t got = fread(buf, 1, (size_t)n, f);
            buf[got] = '\0';
        }
    }
    fclose(f);
    return buf;
}

void fouine_test_corpus_make(fouine_test_corpus *c, const char *name)
{
    char cmd[2048];
    const char *src = fouine_test_dir("FOUINE_SOURCE_DIR");
    ck_assert_msg(src != NULL, "FOUINE_SOURCE_DIR is not set");
    ck_assert_int_lt(
        snprintf(c->dir, sizeof c->dir, "/tmp/fouine-%s-XXXXXX", name),
        (int)sizeof c->dir);
    ck_assert_ptr_nonnull(mkdtemp(c->dir));
    snprintf(c->index, sizeof c->index, "%s/corpus.db", c->dir);
    ck_assert_int_lt(snprintf(cmd, sizeof cmd,
                              "'%s/fouine-index' -o '%s' '%s/corpus' "
                              "2>'%s/index.log'",
                              fouine_test_build_dir(), c->index, src, c->dir),
                     (int)sizeof cmd);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
}

void fouine_test_corpus_drop(const fouine_test_corpus *c)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", c->dir);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
}

#ifdef FOUINE_FAULT_INJECTION
void fouine_test_oom_loop(const char *name, fouine_test_oom_op op)
{
    uint64_t want = 0, got;
    long k, ninjected = 0;
    int rc;

    fouine_alloc_fail_after(-1);
    rc = op(&want);
    ck_assert_msg(rc == FOUINE_OK, "%s: %s without failures", name,
                  fouine_errmsg(rc));
    for (k = 1; k <= FOUINE_TEST_OOM_RUNS; k++) {
        long before = fouine_alloc_count(), used;
        got = 0;
        fouine_alloc_fail_after(k);
        rc = op(&got);
        fouine_alloc_fail_after(-1);
        used = fouine_alloc_count() - before;
        if (used < k) {
            /* No allocation failed: the loop is over. */
            ck_assert_msg(rc == FOUINE_OK, "%s: %s with no failure", name,
                          fouine_errmsg(rc));
            ck_assert_msg(got == want, "%s: another result", name);
            ck_assert_msg(ninjected > 0, "%s: allocates nothing", name);
            return;
        }
        ninjected++;
        ck_assert_msg(rc == FOUINE_OK || rc == FOUINE_ENOMEM,
                      "%s: allocation %ld failing gives %s", name, k,
                      fouine_errmsg(rc));
        ck_assert_msg(rc != FOUINE_OK || got == want,
                      "%s: allocation %ld failing changes the result", name, k);
    }
    ck_abort_msg("%s: still allocating after %d runs", name,
                 FOUINE_TEST_OOM_RUNS);
}
#endif

uint32_t fouine_test_fuzz_seed(long *n, long dflt, const char *what)
{
    const char *env = getenv("FOUINE_FUZZ_SEED");
    const char *iter = getenv("FOUINE_FUZZ_ITERATIONS");
    uint32_t seed =
        env ? (uint32_t)strtoul(env, NULL, 0) : (uint32_t)time(NULL);
    *n = iter ? strtol(iter, NULL, 10) : dflt;
    if (seed == 0) {
        seed = 1;
    }
    printf("seed %lu (FOUINE_FUZZ_SEED), %ld %s\n", (unsigned long)seed, *n,
           what);
    fflush(stdout);
    return seed;
}

void fouine_test_keep_failure(const char *name, const char *data, size_t len)
{
    FILE *f = fopen(name, "wb");
    if (f) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
}

size_t fouine_test_replay(const char *rel,
                          void (*check)(const char *data, size_t len))
{
    const char *src = fouine_test_dir("FOUINE_SOURCE_DIR");
    char dir[600], path[900];
    struct dirent *e;
    DIR *d;
    size_t n = 0;
    ck_assert_ptr_nonnull(src);
    snprintf(dir, sizeof dir, "%s/%s", src, rel);
    d = opendir(dir);
    ck_assert_msg(d != NULL, "%s: cannot be read", dir);
    while ((e = readdir(d)) != NULL) {
        char *text;
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        text = fouine_test_slurp(path);
        ck_assert_ptr_nonnull(text);
        check(text, strlen(text));
        free(text);
        n++;
    }
    closedir(d);
    return n;
}

uint32_t fouine_test_rnd(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

void fouine_test_assert_integrity(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    const unsigned char *ok;
    ck_assert_int_eq(fouine_store_open(&db, path, FOUINE_STORE_WRITE),
                     FOUINE_OK);
    ck_assert_int_eq(
        sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL),
        SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    ok = sqlite3_column_text(s, 0);
    ck_assert_msg(ok && strcmp((const char *)ok, "ok") == 0,
                  "%s: PRAGMA integrity_check: %s", path,
                  ok ? (const char *)ok : "-");
    sqlite3_finalize(s);
    ck_assert_msg(sqlite3_exec(db,
                               "INSERT INTO article_fts(article_fts)"
                               " VALUES ('integrity-check');"
                               "INSERT INTO comment_fts(comment_fts)"
                               " VALUES ('integrity-check')",
                               NULL, NULL, NULL) == SQLITE_OK,
                  "%s: FTS5 integrity-check: %s", path, sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

int fouine_test_main(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

void fouine_test_rows_make(fouine_test_rows *out,
                           const char *const *rows,
                           size_t n)
{
    char path[320];
    size_t i;
    memset(out, 0, sizeof *out);
    snprintf(out->dir, sizeof out->dir, "/tmp/fouine-rows-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(out->dir));
    snprintf(path, sizeof path, "%s/rows.db", out->dir);
    ck_assert_int_eq(fouine_index_open(&out->ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    out->db = fouine_index_db(out->ix);
    ck_assert_int_eq(fouine_index_begin(out->ix), FOUINE_OK);
    for (i = 0; i < n; i++) {
        char id[32];
        fouine_article a = { 0 };
        int replaced = -1;
        snprintf(id, sizeof id, "%zu", i + 1);
        a.id = id;
        a.body = fouine_strdup(rows[i]);
        ck_assert_ptr_nonnull(a.body);
        ck_assert_int_eq(fouine_index_put(&replaced, out->ix, &a), FOUINE_OK);
        ck_assert_int_eq(replaced, 0);
        fouine_free(a.body);
    }
    ck_assert_int_eq(fouine_index_commit(out->ix), FOUINE_OK);
    ck_assert_int_eq(fouine_search_register(out->db), FOUINE_OK);
}

void fouine_test_rows_drop(fouine_test_rows *r)
{
    char cmd[320];
    fouine_index_close(r->ix);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
    memset(r, 0, sizeof *r);
}

void fouine_test_rows_match(char *out,
                            size_t size,
                            const fouine_test_rows *r,
                            fouine_analyzer *an,
                            const char *query)
{
    fouine_lexicon *lx = NULL;
    fouine_parsed q;
    sqlite3_stmt *s = NULL;
    const char *expr;
    size_t n = 0;
    int rc;
    out[0] = '\0';
    ck_assert_int_eq(fouine_lexicon_open(&lx, r->db), FOUINE_OK);
    ck_assert_int_eq(fouine_parse(&q, an, lx, query, strlen(query)), FOUINE_OK);
    expr = q.expr ? q.expr : q.not_expr;
    if (expr) {
        ck_assert_int_eq(
            sqlite3_prepare_v2(r->db,
                               q.expr ? "SELECT rowid FROM article_fts WHERE"
                                        " article_fts MATCH ?1 ORDER BY rowid" :
                                        "SELECT rowid FROM article WHERE"
                                        " rowid NOT IN (SELECT rowid FROM"
                                        " article_fts WHERE article_fts"
                                        " MATCH ?1) ORDER BY rowid",
                               -1, &s, NULL),
            SQLITE_OK);
        sqlite3_bind_text(s, 1, expr, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            long id = (long)sqlite3_column_int64(s, 0);
            if (n + 3 < size) {
                n += (size_t)snprintf(out + n, size - n, "%ld", id);
            }
        }
        ck_assert_msg(rc == SQLITE_DONE, "%s: %s: %s", query, expr,
                      sqlite3_errmsg(r->db));
        sqlite3_finalize(s);
    }
    fouine_parsed_clear(&q);
    fouine_lexicon_close(lx);
}

int fouine_test_search_json(json_t **out,
                            sqlite3 *db,
                            fouine_analyzer *an,
                            const fouine_search_options *o)
{
    fouine_results *r = NULL;
    int rc = fouine_search_db(&r, db, an, o);
    *out = NULL;
    if (rc == FOUINE_OK) {
        rc = fouine_results_json(out, r);
    }
    fouine_results_free(r);
    return rc;
}
