/*
** tokenizer.c: throughput of the "french" FTS5 tokenizer against FTS5's
** built-in "unicode61 remove_diacritics 2", side by side in the same run.
**
**     bench_tokenizer [DIR] [-r REPS] [-m MAX_MB] [-o french|unicode61] [-i]
**
** Reads every *.txt file under DIR (default ../shared/corpus/
** orangesum-2016-2019, relative to the current directory), then tokenizes
** the whole text with both tokenizers through the FTS5 tokenizer API
** (fts5_api.xFindTokenizer, then xCreate and xTokenize in document mode
** with a counting callback), alternating the two REPS times (default 5),
** and prints the best CPU time of each, MB/s, tokens/s and the ratio
** french / unicode61.  -o runs one tokenizer only, for profiling.  -i
** also indexes the text into a contentless FTS5 table with each tokenizer
** (in memory, then 'optimize') and compares the sizes of their indexes.  The
** french tokenizer starts each repetition with a
** fresh instance, so its stem cache starts empty every time.
*/
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "fouine/fts5.h"

#define BENCH_DEFAULT_DIR "../shared/corpus/orangesum-2016-2019"
#define BENCH_MAX_DEPTH   8

/* The texts to tokenize: one growing buffer plus the start of each file. */
typedef struct bench_texts {
    char *buf;      /* all file contents, back to back; owned */
    size_t len;     /* bytes used */
    size_t cap;     /* bytes allocated */
    size_t *starts; /* start offset of each file, then len; owned */
    size_t nfiles;  /* files read */
    size_t capfiles;
    size_t max; /* stop reading past this many bytes */
} bench_texts;

/* Counts of one tokenizer run. */
typedef struct bench_count {
    size_t tokens;    /* every token, colocated ones included */
    size_t positions; /* tokens that start a position */
} bench_count;

static int count_token(void *ctx,
                       int tflags,
                       const char *tok,
                       int ntok,
                       int start,
                       int end)
{
    bench_count *c = ctx;
    (void)tok;
    (void)ntok;
    (void)start;
    (void)end;
    c->tokens++;
    if (!(tflags & FTS5_TOKEN_COLOCATED)) {
        c->positions++;
    }
    return SQLITE_OK;
}

static int add_file(bench_texts *t, const char *path)
{
    FILE *f = NULL;
    char chunk[65536];
    size_t n;
    int rc = -1;

    f = fopen(path, "rb");
    if (!f) {
        goto done;
    }
    if (t->nfiles + 2 > t->capfiles) {
        size_t cap = t->capfiles ? 2 * t->capfiles : 1024;
        size_t *p = realloc(t->starts, cap * sizeof *p);
        if (!p) {
            goto done;
        }
        t->starts = p;
        t->capfiles = cap;
    }
    t->starts[t->nfiles++] = t->len;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (t->len + n > t->cap) {
            size_t cap = t->cap ? 2 * t->cap : (1u << 20);
            char *p;
            while (cap < t->len + n) {
                cap *= 2;
            }
            p = realloc(t->buf, cap);
            if (!p) {
                goto done;
            }
            t->buf = p;
            t->cap = cap;
        }
        memcpy(t->buf + t->len, chunk, n);
        t->len += n;
    }
    t->starts[t->nfiles] = t->len;
    rc = 0;
done:
    if (f) {
        fclose(f);
    }
    return rc;
}

/* Read every *.txt under dir, sorted by name, until t->max bytes. */
static int add_dir(bench_texts *t, const char *dir, int depth)
{
    struct dirent **names = NULL;
    int n, i, rc = 0;

    if (depth > BENCH_MAX_DEPTH) {
        return 0;
    }
    n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        char path[PATH_MAX];
        struct stat st;
        const char *name = names[i]->d_name;
        size_t len = strlen(name);
        if (rc == 0 && name[0] != '.' && t->len < t->max &&
            snprintf(path, sizeof path, "%s/%s", dir, name) <
                (int)sizeof path &&
            stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                rc = add_dir(t, path, depth + 1);
            } else if (len > 4 && strcmp(name + len - 4, ".txt") == 0) {
                rc = add_file(t, path);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

/* Print the figures of one tokenizer, if it ran. */
static void print_result(const char *name,
                         double mb,
                         double secs,
                         const bench_count *c)
{
    if (c->tokens == 0) {
        return;
    }
    printf("%-32s %8.1f MB/s %12.0f positions/s %12.0f tokens/s "
           "(%zu positions, %zu tokens)\n",
           name, mb / secs, (double)c->positions / secs,
           (double)c->tokens / secs, c->positions, c->tokens);
}

/* CPU time of the process: the machine may be shared, and time spent
** waiting for a CPU is not the tokenizers'. */
/*
** Index every file of t into a contentless FTS5 table using tokenizer tok
** in a new in-memory database; sets *bytes to the size of the index (its
** shadow tables, from dbstat).  Returns 0 or -1.
*/
static int index_size(const char *tok, const bench_texts *t, long long *bytes)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL, *size = NULL;
    char *sql = NULL;
    size_t i;
    int rc = -1;

    *bytes = 0;
    sql = sqlite3_mprintf("CREATE VIRTUAL TABLE t USING fts5(body, "
                          "content='', tokenize=%Q)",
                          tok);
    if (!sql || sqlite3_open(":memory:", &db) != SQLITE_OK ||
        fouine_fts5_register(db) != FOUINE_OK ||
        sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES (?1, ?2)", -1,
                           &ins, NULL) != SQLITE_OK) {
        goto done;
    }
    for (i = 0; i < t->nfiles; i++) {
        size_t n = t->starts[i + 1] - t->starts[i];
        sqlite3_bind_int64(ins, 1, (sqlite3_int64)i + 1);
        sqlite3_bind_text(ins, 2, t->buf + t->starts[i], (int)n, SQLITE_STATIC);
        if (n > INT_MAX || sqlite3_step(ins) != SQLITE_DONE) {
            goto done;
        }
        sqlite3_reset(ins);
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "INSERT INTO t(t) VALUES ('optimize')", NULL, NULL,
                     NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT sum(pgsize) FROM dbstat "
                           "WHERE name LIKE 't%'",
                           -1, &size, NULL) != SQLITE_OK ||
        sqlite3_step(size) != SQLITE_ROW) {
        goto done;
    }
    *bytes = sqlite3_column_int64(size, 0);
    rc = 0;
done:
    sqlite3_finalize(ins);
    sqlite3_finalize(size);
    sqlite3_close(db);
    sqlite3_free(sql);
    return rc;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
** Tokenize every file of t with a new instance of the tokenizer name.
** Sets *secs and *count.  Returns 0 or -1.
*/
static int run_once(fts5_api *api,
                    const char *name,
                    const char **args,
                    int nargs,
                    const bench_texts *t,
                    double *secs,
                    bench_count *count)
{
    void *ud = NULL;
    fts5_tokenizer impl;
    Fts5Tokenizer *tok = NULL;
    double t0;
    size_t i;
    int rc = -1;

    memset(count, 0, sizeof *count);
    if (api->xFindTokenizer(api, name, &ud, &impl) != SQLITE_OK ||
        impl.xCreate(ud, args, nargs, &tok) != SQLITE_OK) {
        goto done;
    }
    t0 = now();
    for (i = 0; i < t->nfiles; i++) {
        size_t n = t->starts[i + 1] - t->starts[i];
        if (n > INT_MAX || impl.xTokenize(tok, count, FTS5_TOKENIZE_DOCUMENT,
                                          t->buf + t->starts[i], (int)n,
                                          count_token) != SQLITE_OK) {
            goto done;
        }
    }
    *secs = now() - t0;
    rc = 0;
done:
    if (tok) {
        impl.xDelete(tok);
    }
    return rc;
}

int main(int argc, char **argv)
{
    static const char *u61_args[] = { "remove_diacritics", "2" };
    const char *dir = BENCH_DEFAULT_DIR;
    const char *only = NULL;
    int sizes = 0;
    bench_texts t;
    sqlite3 *db = NULL;
    fts5_api *api;
    bench_count cf = { 0, 0 }, cu = { 0, 0 };
    double best_f = 1e30, best_u = 1e30, mb;
    int reps = 5, r, i, rc = EXIT_FAILURE;

    memset(&t, 0, sizeof t);
    t.max = (size_t)-1;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
            t.max = (size_t)atol(argv[++i]) << 20;
        } else if (strcmp(argv[i], "-i") == 0) {
            sizes = 1;
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr,
                    "usage: %s [DIR] [-r REPS] [-m MAX_MB] "
                    "[-o french|unicode61] [-i]\n",
                    argv[0]);
            return EXIT_FAILURE;
        } else {
            dir = argv[i];
        }
    }
    if (reps < 1) {
        reps = 1;
    }
    if (add_dir(&t, dir, 0) != 0 || t.nfiles == 0) {
        fprintf(stderr, "bench_tokenizer: no *.txt file read under %s\n", dir);
        goto done;
    }
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        fouine_fts5_register(db) != FOUINE_OK || !(api = fouine_fts5_api(db))) {
        fprintf(stderr, "bench_tokenizer: cannot set up FTS5\n");
        goto done;
    }
    mb = (double)t.len / 1e6;
    printf("%zu files, %.1f MB, %d repetitions (best of each)\n", t.nfiles, mb,
           reps);
    for (r = 0; r < reps; r++) {
        double s;
        /* Alternate which tokenizer goes first. */
        for (i = 0; i < 2; i++) {
            int french = (r + i) % 2 == 0;
            if (only && strcmp(only, french ? "french" : "unicode61") != 0) {
                continue;
            }
            if (french) {
                if (run_once(api, "french", NULL, 0, &t, &s, &cf) != 0) {
                    goto fail;
                }
                best_f = s < best_f ? s : best_f;
            } else {
                if (run_once(api, "unicode61", u61_args, 2, &t, &s, &cu) != 0) {
                    goto fail;
                }
                best_u = s < best_u ? s : best_u;
            }
        }
    }
    print_result("unicode61 remove_diacritics 2", mb, best_u, &cu);
    print_result("french", mb, best_f, &cf);
    if (!only) {
        printf("throughput ratio french / unicode61: %.2f (target >= 0.80)\n",
               best_u / best_f);
    }
    if (sizes) {
        long long bf, bu;
        if (index_size("french", &t, &bf) != 0 ||
            index_size("unicode61 remove_diacritics 2", &t, &bu) != 0) {
            goto fail;
        }
        printf("index size (contentless FTS5, optimized): french %.1f MB, "
               "unicode61 %.1f MB, ratio %.2f\n",
               (double)bf / 1e6, (double)bu / 1e6, (double)bf / (double)bu);
    }
    rc = EXIT_SUCCESS;
    goto done;
fail:
    fprintf(stderr, "bench_tokenizer: a tokenizer failed\n");
done:
    sqlite3_close(db);
    free(t.buf);
    free(t.starts);
    return rc;
}
