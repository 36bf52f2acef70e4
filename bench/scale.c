/*
** scale.c: bench_scale, what a query costs as the archive grows.  For each
** scale K given, fouine and stock FTS5 side by side, in one run:
**
**   1. the K× corpus: the articles of
**      SHARED/corpus/orangesum-2016-2019.jsonl copied K times as JSON
**      Lines, copy k (0 to K - 1) with its ids suffixed "-k<k>" and each
**      article's first k mod P paragraphs (P: its paragraphs) moved to the
**      end, so that copies are not the same text (copy 0 keeps the order);
**      written file by file, one copy a file, in DATA/xK/corpus/;
**   2. two indexes of it: fouine-index as shipped, and a stock FTS5 load
**      (unicode61 remove_diacritics 2; title and body, the body holding
**      the lead; external content, the table doc holding id, date and
**      category before the text), each in a child process whose wall
**      time, CPU time and peak RSS are measured (wait4());
**   3. timed queries, each kind one after the other, each query by both
**      systems in turn (which goes first alternates), after 10 short
**      queries untimed, with both index files mapped and read once (warm
**      caches), or with --lock held in memory (mlock()) for the queries
**      and the exactness check, for machines that take file cache back:
**        short     1 to 3 title words (bench_title_query());
**        question  questions of the PIAF development set, fouine's long
**                  query path against the words OR-ed for FTS5;
**        date      common title words, newest first;
**        year      the same words, in one year (2016 to 2019 in turn);
**        category  the same words, in one category (5 in turn);
**      fouine runs the search fouine-query runs (scale_fouine.c), snippets
**      included; FTS5 ORDER BY bm25(title 5, body 1) (date: ORDER BY date
**      DESC; year: date >= YEAR AND date < YEAR + 1; category: category =
**      NAME), highlight() of the title and snippet() of the body, LIMIT 10.
**      FOUINE_SEARCH_EXHAUSTIVE=1 in the environment of a run times
**      fouine's reference path, once there is another.
**
** The corpus and indexes are kept in DATA and used again by later runs
** (their build figures are recorded beside them); --rebuild makes them
** anew.  --slowest N lists on stderr the N slowest queries of each kind
** and system.
**
** Exactness (--exact N): the first N queries of each kind are searched
** by fouine twice, in two child processes: once as it stands, once with
** FOUINE_SEARCH_EXHAUSTIVE=1 in the environment, the switch that asks the
** search to score every match (today there is only that path: the two
** agree); or against --reference FILE, the top 10s that --ids-out FILE
** wrote in an earlier run (e.g. by the build before a change).  It reports
** the queries whose top 10 ids differ.
**
**     bench_scale --data DIR [--shared DIR] [--indexer PATH] [--seed S]
**                 [--short N] [--questions N] [--common N] [--articles N]
**                 [--exact N] [--reference FILE] [--slowest N] [--lock]
**                 [--no-timing] [--rebuild] K...
**     bench_scale --data DIR [same workload options] --exact N
**                 --ids-out FILE K
**
** Exit status: 0; 1 when the exactness check found top 10s that differ;
** 2 on an error.
*/
#define _DEFAULT_SOURCE /* wait4() */

#include "query_corpus.h"
#include "scale_fouine.h"
#include "workload.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The environment switch of the reference ranking (see the top). */
#define SCALE_EXHAUSTIVE_ENV "FOUINE_SEARCH_EXHAUSTIVE"

/* Articles of one copy committed at once by the FTS5 load. */
#define SCALE_FTS5_BATCH 20000

/* Short queries run once, untimed, before the timed ones. */
#define SCALE_WARMUP 10

#define SCALE_MAX_SCALES 16
#define SCALE_PATH_MAX   4096

/* The kinds of queries, in the order they run. */
enum { KIND_SHORT, KIND_QUESTION, KIND_DATE, KIND_YEAR, KIND_CATEGORY };
#define KIND_COUNT 5

static const char *const kind_names[KIND_COUNT] = { "short", "question", "date",
                                                    "year", "category" };

/* The categories of the category queries, in turn (the largest five of
** the corpus), and the years of the year queries. */
static const char *const categories[] = { "Politique", "France", "Société",
                                          "Monde", "Fait-divers" };
#define SCALE_FIRST_YEAR 2016
#define SCALE_YEARS      4

/* The statements of the FTS5 side: every kind reads the same columns.  A
** ranked search looks its ids up after LIMIT (a subquery in the result
** columns): a join would read the row of doc of every match first, which
** made the questions about half again as slow.  Sorting or filtering on
** doc's columns needs the join. */
#define FTS5_COLUMNS                                                    \
    " highlight(doc_fts, 0, '<b>', '</b>'), snippet(doc_fts, 1, '<b>'," \
    " '</b>', '…', 32)"
#define FTS5_RANKED                                                         \
    "SELECT (SELECT id FROM doc WHERE rowid = doc_fts.rowid)," FTS5_COLUMNS \
    " FROM doc_fts WHERE doc_fts MATCH ?1"
#define FTS5_JOINED                                           \
    "SELECT d.id," FTS5_COLUMNS " FROM doc_fts JOIN doc d ON" \
    " d.rowid = doc_fts.rowid WHERE doc_fts MATCH ?1"
#define FTS5_BM25 " ORDER BY bm25(doc_fts, 5, 1) LIMIT 10"

static const char *const fts5_sql[KIND_COUNT] = {
    FTS5_RANKED FTS5_BM25,
    FTS5_RANKED FTS5_BM25,
    FTS5_JOINED " ORDER BY d.date DESC LIMIT 10",
    FTS5_JOINED " AND d.date >= ?2 AND d.date < ?3" FTS5_BM25,
    FTS5_JOINED " AND d.category = ?2" FTS5_BM25,
};

/* What the command line asks. */
typedef struct scale_opts {
    const char *shared;    /* the shared data directory; not owned */
    const char *data;      /* where corpora and indexes go; not owned */
    const char *indexer;   /* fouine-index; not owned */
    const char *reference; /* --reference FILE, or NULL; not owned */
    const char *ids_out;   /* --ids-out FILE, or NULL; not owned */
    unsigned long long seed;
    size_t n_short;     /* short queries */
    size_t n_questions; /* questions */
    size_t n_common;    /* common words (each kind of date, year, category) */
    size_t articles;    /* articles read from the corpus ((size_t)-1: all) */
    size_t exact;       /* queries of each kind checked (0: no check) */
    size_t slowest;     /* slowest queries listed, of each kind and system */
    int timing;         /* run the timed comparison */
    int rebuild;        /* make the corpus and indexes anew */
    int lock;           /* mlock() the indexes while they are searched */
    unsigned scales[SCALE_MAX_SCALES];
    size_t nscales;
    char self[SCALE_PATH_MAX]; /* this program, to run it as a child */
} scale_opts;

/* One query, for both systems. */
typedef struct scale_query {
    int kind;             /* KIND_* */
    char *text;           /* for fouine; owned */
    char *fts5;           /* the FTS5 MATCH expression; owned */
    char since[8];        /* year queries: "2018" */
    char before[8];       /* year queries: the next year, for FTS5 */
    const char *category; /* category queries; static */
} scale_query;

/* The queries of a run, grouped by kind, the same at every scale. */
typedef struct scale_workload {
    scale_query *q;           /* owned */
    size_t n;                 /* queries */
    size_t first[KIND_COUNT]; /* where each kind starts in q */
    size_t count[KIND_COUNT]; /* its queries */
} scale_workload;

/* What one child process cost. */
typedef struct scale_cost {
    double wall_s; /* elapsed (monotonic clock) */
    double cpu_s;  /* user + system, all threads */
    long rss_kb;   /* peak resident set (ru_maxrss) */
} scale_cost;

/* The latency of one system on one kind at one scale. */
typedef struct scale_lat {
    double p50, p99, mean; /* ms */
    long hits;             /* hits returned, summed */
    size_t n;              /* queries */
} scale_lat;

/* The figures of one scale, for the summary. */
typedef struct scale_result {
    unsigned k;                   /* the scale */
    size_t articles;              /* articles indexed */
    scale_lat lat[KIND_COUNT][2]; /* [kind][0 fouine, 1 FTS5] */
    int timed;                    /* lat was measured */
} scale_result;

/* ------------------------------------------------------------------------
** Small helpers.
*/

/* calloc() that says when it fails; n = 0 still gives a block. */
static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "bench_scale: out of memory\n");
    }
    return p;
}

/* out = dir "/" name (out holds SCALE_PATH_MAX bytes). */
static int path_of(char *out, const char *dir, const char *name)
{
    size_t d = strlen(dir), n = strlen(name);
    if (d + 1 + n >= SCALE_PATH_MAX) {
        fprintf(stderr, "bench_scale: %s/%s: path too long\n", dir, name);
        return -1;
    }
    memcpy(out, dir, d);
    out[d] = '/';
    memcpy(out + d + 1, name, n + 1);
    return 0;
}

/* The arguments of a child process, copied (execv() wants them
** writable). */
typedef struct scale_args {
    char buf[4 * SCALE_PATH_MAX]; /* the strings */
    char *v[32];                  /* pointers into buf, NULL-terminated */
    size_t n;                     /* arguments */
    size_t used;                  /* bytes of buf used */
    int failed;                   /* an argument did not fit */
} scale_args;

/* Append an argument (chained: check a->failed once). */
static void args_add(scale_args *a, const char *s)
{
    size_t len = strlen(s);
    if (a->failed || a->n + 1 >= sizeof a->v / sizeof a->v[0] ||
        a->used + len + 1 > sizeof a->buf) {
        a->failed = 1;
        return;
    }
    a->v[a->n] = a->buf + a->used;
    memcpy(a->buf + a->used, s, len + 1);
    a->used += len + 1;
    a->v[++a->n] = NULL;
}

/* The directory of scale k in the data directory. */
static int scale_dir(char *out, const scale_opts *o, unsigned k)
{
    char name[64];
    if (o->articles != (size_t)-1) {
        snprintf(name, sizeof name, "x%u-n%zu", k, o->articles);
    } else {
        snprintf(name, sizeof name, "x%u", k);
    }
    return path_of(out, o->data, name);
}

/* mkdir(), an existing directory being fine. */
static int make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench_scale: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The size of a file, plus its -wal when there is one, in MB (2^20). */
static double file_mb(const char *path)
{
    char wal[SCALE_PATH_MAX + 8];
    struct stat st;
    double bytes = 0;
    if (stat(path, &st) == 0) {
        bytes += (double)st.st_size;
    }
    snprintf(wal, sizeof wal, "%s-wal", path);
    if (stat(wal, &st) == 0) {
        bytes += (double)st.st_size;
    }
    return bytes / (1024.0 * 1024.0);
}

/* Remove an SQLite file and its companions. */
static void remove_db(const char *path)
{
    static const char *const tails[] = { "", "-wal", "-shm", "-journal" };
    char p[SCALE_PATH_MAX + 16];
    size_t i;
    for (i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, tails[i]);
        remove(p);
    }
}

/* The name of copy k's file in a corpus directory. */
static int copy_path(char *out, const char *corpus, unsigned k)
{
    char name[32];
    snprintf(name, sizeof name, "copy-%03u.jsonl", k);
    return path_of(out, corpus, name);
}

/* An index file mapped in memory while it is searched. */
typedef struct scale_hold {
    void *addr; /* the mapping, or NULL */
    size_t len; /* its length */
} scale_hold;

/*
** Map the file at path and bring it into memory: with lock, mlock() it (its
** pages then stay until release()); otherwise read a byte of each page, so
** that searches start from a warm file cache.  A failure only warns: the
** searches then read what they need from the file.
*/
static void hold(scale_hold *h, const char *path, int lock)
{
    struct stat st;
    const volatile unsigned char *p;
    unsigned sum = 0;
    size_t i;
    int fd = open(path, O_RDONLY);

    h->addr = NULL;
    h->len = 0;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
        if (fd >= 0) {
            close(fd);
        }
        fprintf(stderr, "bench_scale: %s: cannot map it\n", path);
        return;
    }
    h->len = (size_t)st.st_size;
    h->addr = mmap(NULL, h->len, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (h->addr == MAP_FAILED) {
        fprintf(stderr, "bench_scale: %s: mmap: %s\n", path, strerror(errno));
        h->addr = NULL;
        return;
    }
    if (lock && mlock(h->addr, h->len) != 0) {
        fprintf(stderr,
                "bench_scale: %s: mlock: %s (searches may read it from "
                "disk)\n",
                path, strerror(errno));
        lock = 0;
    }
    if (!lock) {
        for (p = h->addr, i = 0; i < h->len; i += 4096) {
            sum += p[i];
        }
    }
    (void)sum;
}

/* Unmap (and unlock) what hold() mapped. */
static void release(scale_hold *h)
{
    if (h->addr) {
        munmap(h->addr, h->len);
    }
    h->addr = NULL;
    h->len = 0;
}

/* hold() both indexes of dir. */
static int hold_indexes(scale_hold held[2],
                        const scale_opts *o,
                        const char *dir)
{
    char path[SCALE_PATH_MAX];
    if (path_of(path, dir, "fouine.db") != 0) {
        return -1;
    }
    hold(&held[0], path, o->lock);
    if (path_of(path, dir, "fts5.db") != 0) {
        return -1;
    }
    hold(&held[1], path, o->lock);
    return 0;
}

/* ------------------------------------------------------------------------
** The K× corpus.
*/

/*
** Move the first k mod P paragraphs of body to its end (P: its paragraphs,
** separated by blank lines, "\n\n"; 0 keeps body as it is).  Returns a new
** string of the same length (free()), or NULL on lack of memory.
*/
static char *rotate(const char *body, unsigned k)
{
    size_t len = strlen(body), paras = 1, r, i, head;
    const char *p = body, *cut = NULL;
    char *out;
    while ((p = strstr(p, "\n\n")) != NULL) {
        paras++;
        p += 2;
    }
    r = k % paras;
    out = malloc(len + 1);
    if (!out) {
        return NULL;
    }
    if (r == 0) {
        memcpy(out, body, len + 1);
        return out;
    }
    for (i = 0, p = body; i < r; i++) {
        cut = strstr(p, "\n\n");
        p = cut + 2;
    }
    /* body = head "\n\n" tail, head holding the first r paragraphs. */
    head = (size_t)(cut - body);
    memcpy(out, p, len - head - 2);
    memcpy(out + len - head - 2, "\n\n", 2);
    memcpy(out + len - head, body, head);
    out[len] = '\0';
    return out;
}

/*
** Write copy k of the corpus src into dst (through dst.tmp, renamed at
** the end): each article with id "ID-kK" and its body rotated by k.
** Adds the articles written to *articles and the bytes to *bytes.
*/
static int write_copy(const char *src,
                      const char *dst,
                      unsigned k,
                      size_t max,
                      size_t *articles,
                      double *bytes)
{
    char tmp[SCALE_PATH_MAX + 8], suffix[32], *line = NULL;
    size_t cap = 0, n = 0;
    FILE *in = fopen(src, "rb"), *out = NULL;
    int rc = -1;

    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    snprintf(suffix, sizeof suffix, "-k%u", k);
    if (!in || (out = fopen(tmp, "wb")) == NULL) {
        fprintf(stderr, "bench_scale: %s: %s\n", in ? tmp : src,
                strerror(errno));
        goto done;
    }
    while (n < max && getline(&line, &cap, in) > 0) {
        bench_doc doc;
        const char *id, *body;
        char *newid = NULL, *newbody = NULL, *text = NULL;
        int ok = 0;
        if (bench_doc_parse(&doc, line) != 0) {
            bench_doc_clear(&doc);
            continue; /* not an article: neither system would index it */
        }
        id = doc.id;
        body = doc.body;
        newid = malloc(strlen(id) + strlen(suffix) + 1);
        newbody = body ? rotate(body, k) : NULL;
        if (newid && (newbody || !body)) {
            strcpy(newid, id);
            strcat(newid, suffix);
            /* id and body are not used again: setting frees them. */
            ok = json_object_set_new(doc.json, "id", json_string(newid)) == 0 &&
                 (!newbody || json_object_set_new(doc.json, "body",
                                                  json_string(newbody)) == 0) &&
                 (text = json_dumps(doc.json, JSON_COMPACT)) != NULL &&
                 fputs(text, out) >= 0 && fputc('\n', out) != EOF;
        }
        if (ok) {
            *bytes += (double)(strlen(text) + 1);
        }
        free(text); /* not ours: json_dumps() */
        free(newid);
        free(newbody);
        bench_doc_clear(&doc);
        if (!ok) {
            fprintf(stderr, "bench_scale: %s: cannot write (or no memory)\n",
                    tmp);
            goto done;
        }
        n++;
    }
    if (fclose(out) != 0 || rename(tmp, dst) != 0) {
        out = NULL;
        fprintf(stderr, "bench_scale: %s: %s\n", dst, strerror(errno));
        goto done;
    }
    out = NULL;
    *articles += n;
    rc = 0;
done:
    free(line); /* not ours: getline() */
    if (in) {
        fclose(in);
    }
    if (out) {
        fclose(out);
        remove(tmp);
    }
    return rc;
}

/*
** Make the corpus of scale k in dir/corpus, unless dir/corpus.done says it
** is there; *articles gets its number of articles.
*/
static int make_corpus(const scale_opts *o,
                       const char *dir,
                       unsigned k,
                       size_t *articles)
{
    char corpus[SCALE_PATH_MAX], done[SCALE_PATH_MAX], src[SCALE_PATH_MAX];
    char file[SCALE_PATH_MAX];
    double t0 = bench_now_ms(), bytes = 0;
    unsigned c;
    FILE *f;

    *articles = 0;
    if (path_of(corpus, dir, "corpus") != 0 ||
        path_of(done, dir, "corpus.done") != 0 ||
        path_of(src, o->shared, "corpus/orangesum-2016-2019.jsonl") != 0) {
        return -1;
    }
    f = o->rebuild ? NULL : fopen(done, "r");
    if (f) {
        int got = fscanf(f, "%zu %lf", articles, &bytes);
        fclose(f);
        if (got == 2) {
            printf("corpus: %zu articles, %.1f MB of JSON Lines (made by an "
                   "earlier run)\n",
                   *articles, bytes / (1024.0 * 1024.0));
            return 0;
        }
    }
    remove(done);
    if (make_dir(corpus) != 0) {
        return -1;
    }
    for (c = 0; c < k; c++) {
        if (copy_path(file, corpus, c) != 0 ||
            write_copy(src, file, c, o->articles, articles, &bytes) != 0) {
            return -1;
        }
    }
    f = fopen(done, "w");
    if (!f || fprintf(f, "%zu %.0f\n", *articles, bytes) < 0 ||
        fclose(f) != 0) {
        fprintf(stderr, "bench_scale: %s: cannot write\n", done);
        return -1;
    }
    printf("corpus: %zu articles, %.1f MB of JSON Lines, made in %.1f s\n",
           *articles, bytes / (1024.0 * 1024.0), (bench_now_ms() - t0) / 1000);
    return 0;
}

/* ------------------------------------------------------------------------
** The stock FTS5 load, run as a child process (bench_scale --load-fts5).
*/

/* Insert the articles of one JSON Lines file. */
static int load_file(sqlite3 *db,
                     sqlite3_stmt *ins,
                     sqlite3_stmt *fins,
                     const char *path)
{
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0, n = 0;
    int rc = 0;

    if (!f) {
        fprintf(stderr, "bench_scale: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        rc = -1;
    }
    while (rc == 0 && getline(&line, &cap, f) > 0) {
        bench_doc doc;
        const char *title, *body;
        if (bench_doc_parse(&doc, line) == 0) {
            title = doc.title;
            body = doc.body;
            sqlite3_bind_text(ins, 1, doc.id, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 2, doc.date, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, doc.category, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 4, title ? title : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 5, body ? body : "", -1, SQLITE_STATIC);
            if (sqlite3_step(ins) != SQLITE_DONE) {
                rc = -1;
            }
            sqlite3_reset(ins);
            sqlite3_bind_int64(fins, 1, sqlite3_last_insert_rowid(db));
            sqlite3_bind_text(fins, 2, title ? title : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(fins, 3, body ? body : "", -1, SQLITE_STATIC);
            if (rc == 0 && sqlite3_step(fins) != SQLITE_DONE) {
                rc = -1;
            }
            sqlite3_reset(fins);
            if (rc == 0 && ++n % SCALE_FTS5_BATCH == 0 &&
                (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK ||
                 sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)) {
                rc = -1;
            }
        }
        bench_doc_clear(&doc);
    }
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = -1;
    }
    if (rc != 0) {
        fprintf(stderr, "bench_scale: %s: %s\n", path, sqlite3_errmsg(db));
    }
    free(line); /* not ours: getline() */
    fclose(f);
    return rc;
}

/*
** Load copies 0..copies-1 of corpus into a new stock FTS5 index at path:
** FTS5's defaults, a commit every SCALE_FTS5_BATCH articles, one
** 'optimize' at the end (as bench/query_corpus.c loads its baseline).
** Returns an exit status.
*/
static int load_fts5(const char *path, const char *corpus, unsigned copies)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL, *fins = NULL;
    char file[SCALE_PATH_MAX];
    unsigned c;
    int status = 2;

    remove_db(path);
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "CREATE TABLE doc(id TEXT, date TEXT, category TEXT,"
                     " title TEXT, body TEXT);"
                     "CREATE VIRTUAL TABLE doc_fts USING fts5(title, body,"
                     " content='doc', content_rowid='rowid',"
                     " tokenize='unicode61 remove_diacritics 2')",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO doc(id, date, category, title, body)"
                           " VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO doc_fts(rowid, title, body) VALUES"
                           " (?1, ?2, ?3)",
                           -1, &fins, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_scale: %s: %s\n", path, sqlite3_errmsg(db));
        goto done;
    }
    for (c = 0; c < copies; c++) {
        if (copy_path(file, corpus, c) != 0 ||
            load_file(db, ins, fins, file) != 0) {
            goto done;
        }
    }
    if (sqlite3_exec(db, "INSERT INTO doc_fts(doc_fts) VALUES ('optimize')",
                     NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_scale: %s: %s\n", path, sqlite3_errmsg(db));
        goto done;
    }
    status = 0;
done:
    sqlite3_finalize(ins);
    sqlite3_finalize(fins);
    if (sqlite3_close(db) != SQLITE_OK) {
        status = 2;
    }
    return status;
}

/* ------------------------------------------------------------------------
** Child processes.
*/

/*
** Run args (args->v[0] the program) as a child and wait for it.  exhaustive: 1 sets
** SCALE_EXHAUSTIVE_ENV=1 in its environment, 0 removes it, -1 leaves the
** environment alone.  *cost gets what it cost (may be NULL).
**
** @return its exit status, or -1 when it could not run or was killed
*/
static int run_child(scale_cost *cost, scale_args *args, int exhaustive)
{
    struct rusage ru;
    double t0 = bench_now_ms();
    int status = 0;
    pid_t pid;

    if (args->failed) {
        fprintf(stderr, "bench_scale: arguments too long\n");
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "bench_scale: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        if (exhaustive == 1) {
            setenv(SCALE_EXHAUSTIVE_ENV, "1", 1);
        } else if (exhaustive == 0) {
            unsetenv(SCALE_EXHAUSTIVE_ENV);
        }
        execv(args->v[0], args->v);
        fprintf(stderr, "bench_scale: %s: %s\n", args->v[0], strerror(errno));
        _exit(127);
    }
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "bench_scale: wait4: %s\n", strerror(errno));
            return -1;
        }
    }
    if (cost) {
        cost->wall_s = (bench_now_ms() - t0) / 1000;
        cost->cpu_s =
            (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
            (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
        cost->rss_kb = ru.ru_maxrss;
    }
    if (!WIFEXITED(status)) {
        fprintf(stderr, "bench_scale: %s: killed by signal %d\n", args->v[0],
                WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        return -1;
    }
    return WEXITSTATUS(status);
}

/* Read (0) or write (1) the recorded cost of an index at path.cost. */
static int cost_file(const char *path, scale_cost *cost, int write)
{
    char name[SCALE_PATH_MAX + 8];
    FILE *f;
    int ok;
    snprintf(name, sizeof name, "%s.cost", path);
    if (!write) {
        f = fopen(name, "r");
        ok = f && fscanf(f, "%lf %lf %ld", &cost->wall_s, &cost->cpu_s,
                         &cost->rss_kb) == 3;
        if (f) {
            fclose(f);
        }
        return ok ? 0 : -1;
    }
    f = fopen(name, "w");
    ok = f && fprintf(f, "%.3f %.3f %ld\n", cost->wall_s, cost->cpu_s,
                      cost->rss_kb) > 0;
    if (f && fclose(f) != 0) {
        ok = 0;
    }
    if (!ok) {
        fprintf(stderr, "bench_scale: %s: cannot write\n", name);
    }
    return ok ? 0 : -1;
}

/*
** Index the corpus of dir with both systems, unless an earlier run did
** (then its recorded figures are printed), and print the figures.
*/
static int make_indexes(const scale_opts *o,
                        const char *dir,
                        unsigned k,
                        size_t articles)
{
    static const char *const names[2] = { "fouine-index", "stock FTS5" };
    char db[2][SCALE_PATH_MAX], corpus[SCALE_PATH_MAX], copies[16];
    scale_cost cost[2];
    scale_args args;
    int i, st, again[2];

    if (path_of(db[0], dir, "fouine.db") != 0 ||
        path_of(db[1], dir, "fts5.db") != 0 ||
        path_of(corpus, dir, "corpus") != 0) {
        return -1;
    }
    snprintf(copies, sizeof copies, "%u", k);
    for (i = 0; i < 2; i++) {
        again[i] =
            !o->rebuild && exists(db[i]) && cost_file(db[i], &cost[i], 0) == 0;
        if (again[i]) {
            continue;
        }
        remove_db(db[i]);
        fprintf(stderr, "bench_scale: indexing %zu articles with %s...\n",
                articles, names[i]);
        memset(&args, 0, sizeof args);
        if (i == 0) {
            args_add(&args, o->indexer);
            args_add(&args, "-o");
            args_add(&args, db[0]);
            args_add(&args, corpus);
        } else {
            args_add(&args, o->self);
            args_add(&args, "--load-fts5");
            args_add(&args, db[1]);
            args_add(&args, corpus);
            args_add(&args, copies);
        }
        st = run_child(&cost[i], &args, -1);
        if (i == 0 && st == 1) {
            fprintf(stderr, "bench_scale: fouine-index skipped inputs (exit "
                            "1), see above\n");
        }
        if ((st != 0 && !(i == 0 && st == 1)) ||
            cost_file(db[i], &cost[i], 1) != 0) {
            fprintf(stderr, "bench_scale: %s: indexing failed\n", db[i]);
            remove_db(db[i]);
            return -1;
        }
    }
    printf("\n| articles | system | wall s | CPU s | peak RSS MB | index MB "
           "|\n|---:|---|---:|---:|---:|---:|\n");
    for (i = 0; i < 2; i++) {
        printf("| %zu | %s%s | %.1f | %.1f | %.1f | %.1f |\n", articles,
               names[i], again[i] ? " (recorded)" : "", cost[i].wall_s,
               cost[i].cpu_s, (double)cost[i].rss_kb / 1024, file_mb(db[i]));
    }
    return 0;
}

/* ------------------------------------------------------------------------
** The workload: the same queries at every scale.
*/

/* The titles of the corpus, in its order. */
static int read_titles(char ***out, size_t *n, const scale_opts *o)
{
    char src[SCALE_PATH_MAX], *line = NULL, **t = NULL, **grown;
    size_t cap = 0, nt = 0, tcap = 0;
    FILE *f;
    int rc = -1;

    *out = NULL;
    *n = 0;
    if (path_of(src, o->shared, "corpus/orangesum-2016-2019.jsonl") != 0) {
        return -1;
    }
    f = fopen(src, "rb");
    if (!f) {
        fprintf(stderr,
                "bench_scale: %s: %s (is the shared data there? --shared "
                "DIR)\n",
                src, strerror(errno));
        return -1;
    }
    while (nt < o->articles && getline(&line, &cap, f) > 0) {
        bench_doc doc;
        if (bench_doc_parse(&doc, line) == 0 && doc.title) {
            if (nt == tcap) {
                tcap = tcap ? 2 * tcap : 1024;
                grown = realloc(t, tcap * sizeof *t);
                if (!grown) {
                    bench_doc_clear(&doc);
                    goto done;
                }
                t = grown;
            }
            t[nt] = strdup(doc.title);
            if (!t[nt]) {
                bench_doc_clear(&doc);
                goto done;
            }
            nt++;
        }
        bench_doc_clear(&doc);
    }
    *out = t;
    *n = nt;
    t = NULL;
    rc = 0;
done:
    if (rc != 0) {
        fprintf(stderr, "bench_scale: out of memory\n");
        while (nt > 0) {
            free(t[--nt]);
        }
        free(t);
    }
    free(line); /* not ours: getline() */
    fclose(f);
    return rc;
}

/* Whether a term holds only digits. */
static int all_digits(const char *s)
{
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return 0;
        }
    }
    return 1;
}

/*
** The want most common words of the titles (by the number of titles that
** hold them, as unicode61 remove_diacritics 2 reads them): 4 bytes or
** more, not a number, not a stop word.  Copies hold the same words, so
** they are the most common words of every scale too.
*/
static int common_words(char ***out,
                        size_t *n,
                        char *const *titles,
                        size_t ntitles,
                        size_t want)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL, *voc = NULL;
    char **w = xcalloc(want, sizeof *w);
    size_t i, nw = 0;
    int rc = -1;

    *out = NULL;
    *n = 0;
    if (!w) {
        return -1;
    }
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE t USING fts5(title,"
                     " tokenize='unicode61 remove_diacritics 2');"
                     "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row');"
                     "BEGIN",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO t(title) VALUES (?1)", -1, &ins,
                           NULL) != SQLITE_OK) {
        goto done;
    }
    for (i = 0; i < ntitles; i++) {
        sqlite3_bind_text(ins, 1, titles[i], -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            goto done;
        }
        sqlite3_reset(ins);
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT term FROM v ORDER BY doc DESC, term", -1,
                           &voc, NULL) != SQLITE_OK) {
        goto done;
    }
    while (nw < want && sqlite3_step(voc) == SQLITE_ROW) {
        const char *term = (const char *)sqlite3_column_text(voc, 0);
        size_t len = term ? strlen(term) : 0;
        if (len < 4 || all_digits(term) || bench_fouine_stopword(term, len)) {
            continue;
        }
        w[nw] = strdup(term);
        if (!w[nw]) {
            goto done;
        }
        nw++;
    }
    *out = w;
    *n = nw;
    w = NULL;
    rc = 0;
done:
    if (rc != 0) {
        fprintf(stderr, "bench_scale: common words: %s\n",
                db ? sqlite3_errmsg(db) : "out of memory");
    }
    if (w) {
        for (i = 0; i < nw; i++) {
            free(w[i]);
        }
        free(w);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(voc);
    sqlite3_close(db);
    return rc;
}

/* Free the queries of wl and clear it. */
static void workload_free(scale_workload *wl)
{
    size_t i;
    for (i = 0; i < wl->n; i++) {
        free(wl->q[i].text);
        free(wl->q[i].fts5);
    }
    free(wl->q);
    memset(wl, 0, sizeof *wl);
}

/* Append a query of kind to wl (which has room); takes text and fts5. */
static scale_query *add_query(scale_workload *wl,
                              int kind,
                              char *text,
                              char *fts5)
{
    scale_query *q = &wl->q[wl->n++];
    memset(q, 0, sizeof *q);
    q->kind = kind;
    q->text = text;
    q->fts5 = fts5;
    wl->count[kind]++;
    return q;
}

/*
** Build the workload: o->n_short short queries from titles drawn at
** random (seed o->seed), o->n_questions questions spread evenly over the
** development set, and the o->n_common most common title words, each as
** a date, a year and a category query.
*/
static int build_workload(scale_workload *wl, const scale_opts *o)
{
    bench_rng rng;
    bench_question *qs = NULL;
    char **titles = NULL, **words = NULL;
    size_t ntitles = 0, nqs = 0, nwords = 0, i, tries;
    int kind, rc = -1;

    memset(wl, 0, sizeof *wl);
    rng.state = o->seed;
    if (read_titles(&titles, &ntitles, o) != 0 ||
        bench_read_questions(&qs, &nqs, o->shared, (size_t)-1) != 0 ||
        common_words(&words, &nwords, titles, ntitles, o->n_common) != 0) {
        goto done;
    }
    wl->q = xcalloc(o->n_short + o->n_questions + 3 * nwords, sizeof *wl->q);
    if (!wl->q || ntitles == 0) {
        goto done;
    }
    wl->first[KIND_SHORT] = wl->n;
    for (tries = 0;
         wl->count[KIND_SHORT] < o->n_short && tries < 100 * o->n_short;
         tries++) {
        bench_q q = { NULL, NULL };
        if (bench_title_query(&q, &rng, titles[bench_rng_next(&rng) % ntitles],
                              3) == 0) {
            add_query(wl, KIND_SHORT, q.fouine, q.fts5);
        }
    }
    wl->first[KIND_QUESTION] = wl->n;
    for (i = 0; i < o->n_questions && i < nqs; i++) {
        const char *text =
            qs[i * nqs / (o->n_questions < nqs ? o->n_questions : nqs)].text;
        char *t = strdup(text), *e = bench_or_expr(text);
        if (!t || !e) {
            free(t);
            free(e);
            continue;
        }
        add_query(wl, KIND_QUESTION, t, e);
    }
    for (kind = KIND_DATE; kind <= KIND_CATEGORY; kind++) {
        wl->first[kind] = wl->n;
        for (i = 0; i < nwords; i++) {
            char *t = strdup(words[i]), *e = malloc(strlen(words[i]) + 3);
            scale_query *q;
            if (!t || !e) {
                free(t);
                free(e);
                goto done;
            }
            sprintf(e, "\"%s\"", words[i]);
            q = add_query(wl, kind, t, e);
            if (kind == KIND_YEAR) {
                int year = SCALE_FIRST_YEAR + (int)(i % SCALE_YEARS);
                snprintf(q->since, sizeof q->since, "%d", year);
                snprintf(q->before, sizeof q->before, "%d", year + 1);
            } else if (kind == KIND_CATEGORY) {
                q->category =
                    categories[i % (sizeof categories / sizeof categories[0])];
            }
        }
    }
    rc = 0;
done:
    if (rc != 0) {
        workload_free(wl);
    }
    bench_questions_free(qs, nqs);
    for (i = 0; i < ntitles; i++) {
        free(titles[i]);
    }
    free(titles);
    for (i = 0; i < nwords; i++) {
        free(words[i]);
    }
    free(words);
    return rc;
}

/* fouine's search for q. */
static bench_search search_of(const scale_query *q)
{
    bench_search s = { NULL, 0, NULL, NULL, NULL };
    s.query = q->text;
    s.sort_date = q->kind == KIND_DATE;
    if (q->kind == KIND_YEAR) {
        s.since = q->since;
        s.until = q->since;
    }
    s.category = q->category;
    return s;
}

/* ------------------------------------------------------------------------
** Timed queries.
*/

/* Run q on the FTS5 index; *hits gets the rows, *ms the time. */
static int fts5_run(sqlite3_stmt *const *stmt,
                    const scale_query *q,
                    long *hits,
                    double *ms)
{
    sqlite3_stmt *s = stmt[q->kind];
    double t0 = bench_now_ms();
    int rc;

    sqlite3_bind_text(s, 1, q->fts5, -1, SQLITE_STATIC);
    if (q->kind == KIND_YEAR) {
        sqlite3_bind_text(s, 2, q->since, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, q->before, -1, SQLITE_STATIC);
    } else if (q->kind == KIND_CATEGORY) {
        sqlite3_bind_text(s, 2, q->category, -1, SQLITE_STATIC);
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        (*hits)++;
    }
    *ms = bench_now_ms() - t0;
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "bench_scale: FTS5: %s: %s\n", q->fts5,
                sqlite3_errmsg(sqlite3_db_handle(s)));
        return -1;
    }
    return 0;
}

/* The percentiles and mean of n times (sorted in place) into lat. */
static void latency(scale_lat *lat, double *ms, size_t n, long hits)
{
    double sum = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        sum += ms[i];
    }
    bench_sort_ms(ms, n);
    lat->p50 = bench_percentile(ms, n, .5);
    lat->p99 = bench_percentile(ms, n, .99);
    lat->mean = n ? sum / (double)n : 0;
    lat->hits = hits;
    lat->n = n;
}

/* Time every query of wl on both indexes of dir into r. */
/* Print on stderr the want slowest queries of each system among the n
** of kind (ms[0] fouine, ms[1] FTS5, in the order of the workload). */
static void print_slowest(const scale_workload *wl,
                          int kind,
                          double *const ms[2],
                          size_t n,
                          size_t want)
{
    static const char *const sys[2] = { "fouine", "FTS5" };
    char *taken = xcalloc(n, 1);
    size_t k, i, worst;
    int s;
    if (!taken) {
        return;
    }
    for (s = 0; s < 2; s++) {
        memset(taken, 0, n);
        for (k = 0; k < want && k < n; k++) {
            for (i = 0, worst = n; i < n; i++) {
                if (!taken[i] && (worst == n || ms[s][i] > ms[s][worst])) {
                    worst = i;
                }
            }
            taken[worst] = 1;
            fprintf(stderr, "slowest %s %s: %.1f ms (%s %.1f ms) %s\n",
                    kind_names[kind], sys[s], ms[s][worst], sys[!s],
                    ms[!s][worst], wl->q[wl->first[kind] + worst].text);
        }
    }
    free(taken);
}

static int time_queries(scale_result *r,
                        const scale_workload *wl,
                        const scale_opts *o,
                        const char *dir)
{
    char fdb[SCALE_PATH_MAX], bdb[SCALE_PATH_MAX];
    bench_fouine *f = NULL;
    sqlite3 *b = NULL;
    sqlite3_stmt *stmt[KIND_COUNT] = { NULL };
    double *ms[2] = { NULL, NULL };
    int kind, rc = -1;
    size_t i;

    if (path_of(fdb, dir, "fouine.db") != 0 ||
        path_of(bdb, dir, "fts5.db") != 0) {
        return -1;
    }
    if (bench_fouine_open(&f, fdb) != 0) {
        goto done;
    }
    if (sqlite3_open_v2(bdb, &b, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_scale: %s: %s\n", bdb, sqlite3_errmsg(b));
        goto done;
    }
    for (kind = 0; kind < KIND_COUNT; kind++) {
        if (sqlite3_prepare_v2(b, fts5_sql[kind], -1, &stmt[kind], NULL) !=
            SQLITE_OK) {
            fprintf(stderr, "bench_scale: %s: %s\n", bdb, sqlite3_errmsg(b));
            goto done;
        }
    }
    ms[0] = xcalloc(wl->n, sizeof *ms[0]);
    ms[1] = xcalloc(wl->n, sizeof *ms[1]);
    if (!ms[0] || !ms[1]) {
        goto done;
    }
    for (i = 0; i < SCALE_WARMUP && i < wl->count[KIND_SHORT]; i++) {
        /* Untimed: the first searches of a process pay for its start. */
        const scale_query *q = &wl->q[wl->first[KIND_SHORT] + i];
        bench_search s = search_of(q);
        long hits = 0;
        double t;
        if (bench_fouine_search(NULL, &t, f, &s) != 0 ||
            fts5_run(stmt, q, &hits, &t) != 0) {
            goto done;
        }
    }
    for (kind = 0; kind < KIND_COUNT; kind++) {
        long hits[2] = { 0, 0 };
        size_t n = wl->count[kind];
        for (i = 0; i < n; i++) {
            const scale_query *q = &wl->q[wl->first[kind] + i];
            bench_search s = search_of(q);
            bench_top top;
            int turn;
            for (turn = 0; turn < 2; turn++) {
                if ((turn == 0) == (i % 2 == 0)) {
                    if (bench_fouine_search(&top, &ms[0][i], f, &s) != 0) {
                        goto done;
                    }
                    hits[0] += (long)top.n;
                } else if (fts5_run(stmt, q, &hits[1], &ms[1][i]) != 0) {
                    goto done;
                }
            }
        }
        if (o->slowest) {
            print_slowest(wl, kind, ms, n, o->slowest);
        }
        latency(&r->lat[kind][0], ms[0], n, hits[0]);
        latency(&r->lat[kind][1], ms[1], n, hits[1]);
        fprintf(stderr, "bench_scale: %s: %zu queries done\n", kind_names[kind],
                n);
    }
    r->timed = 1;
    rc = 0;
done:
    for (kind = 0; kind < KIND_COUNT; kind++) {
        sqlite3_finalize(stmt[kind]);
    }
    sqlite3_close(b);
    bench_fouine_close(f);
    free(ms[0]);
    free(ms[1]);
    return rc;
}

/* The latency table of one scale. */
static void print_latency(const scale_result *r)
{
    static const char *const sys[2] = { "fouine", "FTS5" };
    int kind, s;
    printf("\n| articles | kind | system | queries | p50 ms | p99 ms | mean ms "
           "| hits |\n|---:|---|---|---:|---:|---:|---:|---:|\n");
    for (kind = 0; kind < KIND_COUNT; kind++) {
        for (s = 0; s < 2; s++) {
            const scale_lat *l = &r->lat[kind][s];
            printf("| %zu | %s | %s | %zu | %.2f | %.2f | %.2f | %ld |\n",
                   r->articles, kind_names[kind], sys[s], l->n, l->p50, l->p99,
                   l->mean, l->hits);
        }
    }
}

/* ------------------------------------------------------------------------
** Exactness.
*/

/* The first queries of each kind that the check searches. */
static size_t exact_count(const scale_workload *wl,
                          const scale_opts *o,
                          int kind)
{
    return wl->count[kind] < o->exact ? wl->count[kind] : o->exact;
}

/* Write fouine's top 10 of the checked queries of wl to path, one line a
** hit: kind, query number in its kind, rank, id, score, date. */
static int write_ids(const char *path,
                     const scale_workload *wl,
                     const scale_opts *o,
                     const char *dir)
{
    char fdb[SCALE_PATH_MAX];
    bench_fouine *f = NULL;
    FILE *out = NULL;
    int kind, rc = -1;
    size_t i, h;

    if (path_of(fdb, dir, "fouine.db") != 0 ||
        bench_fouine_open(&f, fdb) != 0) {
        goto done;
    }
    out = fopen(path, "w");
    if (!out) {
        fprintf(stderr, "bench_scale: %s: %s\n", path, strerror(errno));
        goto done;
    }
    for (kind = 0; kind < KIND_COUNT; kind++) {
        for (i = 0; i < exact_count(wl, o, kind); i++) {
            bench_search s = search_of(&wl->q[wl->first[kind] + i]);
            bench_top top;
            double ms;
            if (bench_fouine_search(&top, &ms, f, &s) != 0) {
                goto done;
            }
            for (h = 0; h < top.n; h++) {
                fprintf(out, "%s\t%zu\t%zu\t%s\t%.17g\t%s\n", kind_names[kind],
                        i, h + 1, top.id[h], top.score[h], top.date[h]);
            }
        }
    }
    if (fclose(out) != 0) {
        out = NULL;
        fprintf(stderr, "bench_scale: %s: cannot write\n", path);
        goto done;
    }
    out = NULL;
    rc = 0;
done:
    if (out) {
        fclose(out);
    }
    bench_fouine_close(f);
    return rc;
}

/* Read a file of write_ids() into tops (one a query of wl, zeroed). */
static int read_ids(bench_top *tops,
                    const char *path,
                    const scale_workload *wl,
                    const scale_opts *o)
{
    char *line = NULL;
    size_t cap = 0;
    FILE *f = fopen(path, "r");
    long lineno = 0;
    int rc = 0;

    if (!f) {
        fprintf(stderr, "bench_scale: %s: %s\n", path, strerror(errno));
        return -1;
    }
    while (rc == 0 && getline(&line, &cap, f) > 0) {
        char *field[6], *p = line;
        size_t nf = 0, qi, rank;
        int kind;
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        while (nf < 6 && p) {
            field[nf++] = p;
            p = strchr(p, '\t');
            if (p) {
                *p++ = '\0';
            }
        }
        for (kind = 0; nf == 6 && kind < KIND_COUNT; kind++) {
            if (strcmp(field[0], kind_names[kind]) == 0) {
                break;
            }
        }
        if (nf != 6 || kind == KIND_COUNT) {
            fprintf(stderr, "bench_scale: %s:%ld: not a line of --ids-out\n",
                    path, lineno);
            rc = -1;
            break;
        }
        qi = (size_t)strtoul(field[1], NULL, 10);
        rank = (size_t)strtoul(field[2], NULL, 10);
        if (qi >= exact_count(wl, o, kind) || rank < 1 || rank > BENCH_TOP) {
            continue; /* a query this run does not check */
        } else {
            bench_top *t = &tops[wl->first[kind] + qi];
            snprintf(t->id[rank - 1], sizeof t->id[rank - 1], "%s", field[3]);
            t->score[rank - 1] = strtod(field[4], NULL);
            snprintf(t->date[rank - 1], sizeof t->date[rank - 1], "%s",
                     field[5]);
            if (rank > t->n) {
                t->n = rank;
            }
        }
    }
    free(line); /* not ours: getline() */
    fclose(f);
    return rc;
}

/* Whether two scores tie (equal up to rounding, as search.c compares). */
static int same_score(double a, double b)
{
    return fabs(a - b) <= 1e-9 * (fabs(a) > 1 ? fabs(a) : 1);
}

/* How t differs from the reference ref: 0 the same; 1 only among hits
** that tie (where the ids differ, the same sort key at the same rank:
** tied hits in another order, or another of the hits tied at the last
** rank); 2 otherwise. */
static int differs(const bench_top *ref, const bench_top *t, int kind)
{
    size_t i;
    int tie = 0;
    if (ref->n != t->n) {
        return 2;
    }
    for (i = 0; i < ref->n; i++) {
        if (strcmp(ref->id[i], t->id[i]) == 0) {
            continue;
        }
        if (!same_score(ref->score[i], t->score[i]) ||
            (kind == KIND_DATE && strcmp(ref->date[i], t->date[i]) != 0)) {
            return 2;
        }
        tie = 1;
    }
    return tie;
}

/*
** The exactness check at scale k: fouine's top 10 (a child process without
** SCALE_EXHAUSTIVE_ENV) against the reference (o->reference, or a child
** with SCALE_EXHAUSTIVE_ENV=1).  Returns 0 when every top 10 is the same,
** 1 when some differ, -1 on error.
*/
static int check_exact(const scale_opts *o,
                       const scale_workload *wl,
                       const char *dir,
                       unsigned k)
{
    char ref[SCALE_PATH_MAX], got[SCALE_PATH_MAX], scale[16], seed[32];
    char n_short[32], n_questions[32], n_common[32], articles[32], exact[32];
    bench_top *tops[2] = { NULL, NULL };
    scale_args args;
    int kind, side, rc = -1, diff[KIND_COUNT][3];
    size_t i, shown = 0;

    if (path_of(ref, dir, "exact-reference.tsv") != 0 ||
        path_of(got, dir, "exact-tested.tsv") != 0) {
        return -1;
    }
    snprintf(scale, sizeof scale, "%u", k);
    snprintf(seed, sizeof seed, "%llu", o->seed);
    snprintf(n_short, sizeof n_short, "%zu", o->n_short);
    snprintf(n_questions, sizeof n_questions, "%zu", o->n_questions);
    snprintf(n_common, sizeof n_common, "%zu", o->n_common);
    snprintf(articles, sizeof articles, "%zu", o->articles);
    snprintf(exact, sizeof exact, "%zu", o->exact);
    for (side = 0; side < 2; side++) {
        /* The same workload, in a child that writes its top 10s. */
        static const char *const flags[] = { "--shared",    "--data",
                                             "--seed",      "--short",
                                             "--questions", "--common",
                                             "--articles",  "--exact" };
        const char *values[] = { o->shared,   o->data,  seed,     n_short,
                                 n_questions, n_common, articles, exact };
        size_t f;
        if (side == 0 && o->reference) {
            continue;
        }
        memset(&args, 0, sizeof args);
        args_add(&args, o->self);
        for (f = 0; f < sizeof flags / sizeof flags[0]; f++) {
            args_add(&args, flags[f]);
            args_add(&args, values[f]);
        }
        args_add(&args, "--ids-out");
        args_add(&args, side ? got : ref);
        args_add(&args, scale);
        if (run_child(NULL, &args, side == 0) != 0) {
            fprintf(stderr, "bench_scale: exactness: the %s run failed\n",
                    side ? "tested" : "reference");
            return -1;
        }
    }
    tops[0] = xcalloc(wl->n, sizeof *tops[0]);
    tops[1] = xcalloc(wl->n, sizeof *tops[1]);
    if (!tops[0] || !tops[1] ||
        read_ids(tops[0], o->reference ? o->reference : ref, wl, o) != 0 ||
        read_ids(tops[1], got, wl, o) != 0) {
        goto done;
    }
    memset(diff, 0, sizeof diff);
    rc = 0;
    for (kind = 0; kind < KIND_COUNT; kind++) {
        for (i = 0; i < exact_count(wl, o, kind); i++) {
            size_t at = wl->first[kind] + i;
            int d = differs(&tops[0][at], &tops[1][at], kind);
            diff[kind][d]++;
            if (d) {
                rc = 1;
            }
            if (d && shown++ < 10) {
                fprintf(stderr,
                        "bench_scale: exactness: %s query %zu '%s': %s\n",
                        kind_names[kind], i, wl->q[at].text,
                        d == 1 ? "differs among tied hits" : "differs");
            }
        }
    }
    printf("\nExactness at %ux: fouine's top %d ids against the reference "
           "(%s)\n\n| kind | queries | top %d the same | differ only among "
           "tied hits | differ |\n|---|---:|---:|---:|---:|\n",
           k, BENCH_TOP,
           o->reference ? o->reference : SCALE_EXHAUSTIVE_ENV "=1", BENCH_TOP);
    for (kind = 0; kind < KIND_COUNT; kind++) {
        printf("| %s | %zu | %d | %d | %d |\n", kind_names[kind],
               exact_count(wl, o, kind), diff[kind][0], diff[kind][1],
               diff[kind][2]);
    }
done:
    free(tops[0]);
    free(tops[1]);
    return rc;
}

/* ------------------------------------------------------------------------
** The command.
*/

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: bench_scale --data DIR [--shared DIR] [--indexer PATH]\n"
        "                   [--seed S] [--short N] [--questions N]\n"
        "                   [--common N] [--articles N] [--exact N]\n"
        "                   [--reference FILE] [--ids-out FILE]\n"
        "                   [--slowest N] [--lock] [--no-timing] [--rebuild]\n"
        "                   K...\n"
        "Indexes the shared news corpus copied K times with fouine and "
        "stock FTS5,\nthen times both side by side (see bench/scale.c "
        "and bench/RESULTS.md).\n");
}

/* Parse a count; -1 when s is not one. */
static int parse_size(size_t *out, const char *s)
{
    char *end;
    unsigned long long v;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-') {
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

/* Fill o from the command line; -1 after a message on a usage error. */
static int parse_args(scale_opts *o, int argc, char **argv)
{
    int a;
    ssize_t len;

    memset(o, 0, sizeof *o);
    o->indexer = FOUINE_BENCH_INDEXER;
    o->seed = 42;
    o->n_short = 500;
    o->n_questions = 300;
    o->n_common = 100;
    o->articles = (size_t)-1;
    o->timing = 1;
    for (a = 1; a < argc; a++) {
        const char *arg = argv[a], *v = a + 1 < argc ? argv[a + 1] : NULL;
        size_t n = 0;
        int ok = 1;
        if (strcmp(arg, "--no-timing") == 0) {
            o->timing = 0;
            continue;
        } else if (strcmp(arg, "--rebuild") == 0) {
            o->rebuild = 1;
            continue;
        } else if (strcmp(arg, "--lock") == 0) {
            o->lock = 1;
            continue;
        } else if (strcmp(arg, "--help") == 0) {
            usage(stdout);
            exit(0);
        } else if (arg[0] != '-') {
            if (parse_size(&n, arg) != 0 || n < 1 || n > 999 ||
                o->nscales == SCALE_MAX_SCALES) {
                fprintf(stderr,
                        "bench_scale: %s: not a scale (1 to 999; at "
                        "most 16 of them)\n",
                        arg);
                return -1;
            }
            o->scales[o->nscales++] = (unsigned)n;
            continue;
        }
        if (!v) {
            fprintf(stderr, "bench_scale: %s: a value is missing\n", arg);
            return -1;
        }
        a++;
        if (strcmp(arg, "--shared") == 0) {
            o->shared = v;
        } else if (strcmp(arg, "--data") == 0) {
            o->data = v;
        } else if (strcmp(arg, "--indexer") == 0) {
            o->indexer = v;
        } else if (strcmp(arg, "--reference") == 0) {
            o->reference = v;
        } else if (strcmp(arg, "--ids-out") == 0) {
            o->ids_out = v;
        } else if (strcmp(arg, "--seed") == 0) {
            ok = parse_size(&n, v) == 0;
            o->seed = n;
        } else if (strcmp(arg, "--short") == 0) {
            ok = parse_size(&o->n_short, v) == 0;
        } else if (strcmp(arg, "--questions") == 0) {
            ok = parse_size(&o->n_questions, v) == 0;
        } else if (strcmp(arg, "--common") == 0) {
            ok = parse_size(&o->n_common, v) == 0;
        } else if (strcmp(arg, "--articles") == 0) {
            ok = parse_size(&o->articles, v) == 0;
        } else if (strcmp(arg, "--exact") == 0) {
            ok = parse_size(&o->exact, v) == 0;
        } else if (strcmp(arg, "--slowest") == 0) {
            ok = parse_size(&o->slowest, v) == 0;
        } else {
            fprintf(stderr, "bench_scale: %s: unknown option\n", arg);
            usage(stderr);
            return -1;
        }
        if (!ok) {
            fprintf(stderr, "bench_scale: %s: %s: not a number\n", arg, v);
            return -1;
        }
    }
    if (!o->data || o->nscales == 0 ||
        (o->ids_out && (o->nscales != 1 || !o->exact))) {
        usage(stderr);
        return -1;
    }
    o->shared = bench_shared_dir(o->shared);
    len = readlink("/proc/self/exe", o->self, sizeof o->self - 1);
    if (len <= 0) {
        fprintf(stderr, "bench_scale: /proc/self/exe: %s\n", strerror(errno));
        return -1;
    }
    o->self[len] = '\0';
    return 0;
}

/* The query cost curve: every scale timed, kind by kind. */
static void print_curve(const scale_result *r, size_t n)
{
    size_t i;
    int kind;
    printf("\nQuery cost by scale (ms; p50 / p99 / mean)\n\n| kind | articles "
           "| fouine p50 | fouine p99 | fouine mean | FTS5 p50 | FTS5 p99 | "
           "FTS5 mean |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (kind = 0; kind < KIND_COUNT; kind++) {
        for (i = 0; i < n; i++) {
            const scale_lat *f = &r[i].lat[kind][0], *b = &r[i].lat[kind][1];
            if (!r[i].timed) {
                continue;
            }
            printf("| %s | %zu | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
                   kind_names[kind], r[i].articles, f->p50, f->p99, f->mean,
                   b->p50, b->p99, b->mean);
        }
    }
}

int main(int argc, char **argv)
{
    scale_opts o;
    scale_workload wl;
    scale_result res[SCALE_MAX_SCALES];
    scale_hold held[2] = { { NULL, 0 }, { NULL, 0 } };
    char dir[SCALE_PATH_MAX], loadavg[64] = "?";
    size_t i, ntimed = 0;
    int status = 2, found = 0;
    FILE *f;

    if (argc == 5 && strcmp(argv[1], "--load-fts5") == 0) {
        size_t copies = 0;
        if (parse_size(&copies, argv[4]) != 0) {
            return 2;
        }
        return load_fts5(argv[2], argv[3], (unsigned)copies);
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* in step with the children's lines */
    memset(&wl, 0, sizeof wl);
    memset(res, 0, sizeof res);
    if (parse_args(&o, argc, argv) != 0) {
        return 2;
    }
    if (build_workload(&wl, &o) != 0) {
        goto done;
    }
    if (o.ids_out) {
        /* A child of the exactness check: the indexes are there. */
        if (scale_dir(dir, &o, o.scales[0]) != 0 ||
            write_ids(o.ids_out, &wl, &o, dir) != 0) {
            goto done;
        }
        status = 0;
        goto done;
    }
    f = fopen("/proc/loadavg", "r");
    if (f) {
        if (!fgets(loadavg, sizeof loadavg, f)) {
            strcpy(loadavg, "?");
        }
        loadavg[strcspn(loadavg, "\n")] = '\0';
        fclose(f);
    }
    printf("bench_scale: %zu short queries, %zu questions, %zu common words "
           "(x3: date, year, category), seed %llu; SQLite %s; %ld CPUs, load "
           "average %s\n",
           wl.count[KIND_SHORT], wl.count[KIND_QUESTION], wl.count[KIND_DATE],
           o.seed, sqlite3_libversion(), sysconf(_SC_NPROCESSORS_ONLN),
           loadavg);
    if (make_dir(o.data) != 0) {
        goto done;
    }
    for (i = 0; i < o.nscales; i++) {
        scale_result *r = &res[ntimed];
        unsigned k = o.scales[i];
        printf("\n## %ux\n\n", k);
        r->k = k;
        if (scale_dir(dir, &o, k) != 0 || make_dir(dir) != 0 ||
            make_corpus(&o, dir, k, &r->articles) != 0 ||
            make_indexes(&o, dir, k, r->articles) != 0) {
            goto done;
        }
        if (hold_indexes(held, &o, dir) != 0) {
            goto done;
        }
        if (o.timing) {
            if (time_queries(r, &wl, &o, dir) != 0) {
                goto done;
            }
            print_latency(r);
        }
        ntimed++;
        if (o.exact) {
            int d = check_exact(&o, &wl, dir, k);
            if (d < 0) {
                goto done;
            }
            found |= d;
        }
        release(&held[0]);
        release(&held[1]);
        fflush(stdout);
    }
    if (o.timing && ntimed > 1) {
        print_curve(res, ntimed);
    }
    status = found ? 1 : 0;
done:
    release(&held[0]);
    release(&held[1]);
    workload_free(&wl);
    return status;
}
