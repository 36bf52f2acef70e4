/*
** related.c: how related fouine_related()'s articles are, on the news of
** the shared corpus: for a sample of articles (a fixed seed), the share of
** their related articles (n of them) that have the article's category,
** against a baseline of n articles drawn at random (the same run, the
** same sample), and the time of a call (mean, p50, p99).
**
**     bench_related [--shared DIR] [--dir DIR] [--sample N] [--seed S]
**                   [-n N]
**
** The index is built in DIR (default: .) from the shared corpus when it
** is not there already, as bench_query builds it (bench_open_indexes()).
** The index is read as fouine-serve reads it (FOUINE_INDEX_MMAP).
** A category is the article's section (France, Politique, Monde...);
** articles without one are not sampled.
*/
#include "fouine/search.h"
#include "query_corpus.h"
#include "workload.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One article of the index: its id and category (strdup()ed). */
typedef struct doc {
    char *id;
    char *category;
} doc;

int main(int argc, char **argv)
{
    const char *shared = NULL, *dir = ".";
    char path[4096];
    fouine_index *ix = NULL;
    sqlite3 *db, *base = NULL;
    sqlite3_stmt *all = NULL;
    doc *docs = NULL;
    double *ms = NULL, sum = 0;
    size_t ndocs = 0, cap = 0, want = 500, n = 5, i, k, done = 0;
    long same = 0, given = 0, rsame = 0, rgiven = 0, empty = 0;
    bench_rng rng = { 42 };
    unsigned long long seed = 42;
    int a;

    for (a = 1; a + 1 < argc; a += 2) {
        if (strcmp(argv[a], "--shared") == 0) {
            shared = argv[a + 1];
        } else if (strcmp(argv[a], "--dir") == 0) {
            dir = argv[a + 1];
        } else if (strcmp(argv[a], "--sample") == 0) {
            want = (size_t)atol(argv[a + 1]);
        } else if (strcmp(argv[a], "--seed") == 0) {
            seed = (unsigned long long)atoll(argv[a + 1]);
            rng.state = seed;
        } else if (strcmp(argv[a], "-n") == 0) {
            n = (size_t)atol(argv[a + 1]);
        } else {
            fprintf(stderr, "bench_related: unknown option %s\n", argv[a]);
            return 2;
        }
    }
    if (want < 1 || n < 1 || n > FOUINE_RELATED_MAX) {
        fprintf(stderr, "bench_related: --sample must be >= 1, -n 1 to %d\n",
                FOUINE_RELATED_MAX);
        return 2;
    }
    shared = bench_shared_dir(shared);
    if (bench_open_indexes(&ix, &base, shared, dir, 0) != 0) {
        return 2;
    }
    /* Read as fouine-serve's threads read it: mapped in memory, with the
    ** larger page cache (FOUINE_INDEX_MMAP). */
    fouine_index_close(ix);
    snprintf(path, sizeof path, "%s/bench-news-fouine.db", dir);
    if (fouine_index_open(&ix, path, FOUINE_INDEX_READ | FOUINE_INDEX_MMAP) !=
        FOUINE_OK) {
        fprintf(stderr, "bench_related: %s: cannot open\n", path);
        return 2;
    }
    db = fouine_index_db(ix);
    if (sqlite3_prepare_v2(db,
                           "SELECT id, category FROM article WHERE category"
                           " > '' ORDER BY rowid",
                           -1, &all, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_related: %s\n", sqlite3_errmsg(db));
        return 2;
    }
    while (sqlite3_step(all) == SQLITE_ROW) {
        if (ndocs == cap) {
            cap = cap ? 2 * cap : 1024;
            docs = realloc(docs, cap * sizeof *docs);
            if (!docs) {
                return 2;
            }
        }
        docs[ndocs].id = strdup((const char *)sqlite3_column_text(all, 0));
        docs[ndocs].category =
            strdup((const char *)sqlite3_column_text(all, 1));
        if (!docs[ndocs].id || !docs[ndocs].category) {
            return 2;
        }
        ndocs++;
    }
    sqlite3_finalize(all);
    if (ndocs < 2) {
        fprintf(stderr, "bench_related: no articles with a category\n");
        return 2;
    }
    ms = calloc(want, sizeof *ms);
    if (!ms) {
        return 2;
    }
    for (done = 0; done < want; done++) {
        const doc *d = &docs[bench_rng_next(&rng) % ndocs];
        fouine_results *res = NULL;
        double t0 = bench_now_ms();
        int rc = fouine_related(&res, ix, d->id, n);
        ms[done] = bench_now_ms() - t0;
        sum += ms[done];
        if (rc != FOUINE_OK) {
            fprintf(stderr, "bench_related: %s: %s\n", d->id,
                    fouine_errmsg(rc));
            return 2;
        }
        empty += res->nhits == 0;
        for (i = 0; i < res->nhits; i++) {
            const char *c = res->hits[i].category;
            same += c && strcmp(c, d->category) == 0;
            given++;
        }
        fouine_results_free(res);
        /* The baseline: n other articles at random. */
        for (k = 0; k < n; k++) {
            const doc *o = &docs[bench_rng_next(&rng) % ndocs];
            if (o == d) {
                k--;
                continue;
            }
            rsame += strcmp(o->category, d->category) == 0;
            rgiven++;
        }
    }
    bench_sort_ms(ms, want);
    printf("articles: %zu with a category; sample %zu, n = %zu, seed %llu\n\n",
           ndocs, want, n, seed);
    printf("| related by | same category | articles given | none found |"
           " mean ms | p50 ms | p99 ms |\n"
           "| --- | --- | --- | --- | --- | --- | --- |\n");
    printf("| fouine_related() | %.1f %% | %ld | %ld | %.2f | %.2f | %.2f |\n",
           given ? 100.0 * (double)same / (double)given : 0.0, given, empty,
           sum / (double)want, bench_percentile(ms, want, .5),
           bench_percentile(ms, want, .99));
    printf("| random articles | %.1f %% | %ld | 0 | - | - | - |\n",
           rgiven ? 100.0 * (double)rsame / (double)rgiven : 0.0, rgiven);
    for (i = 0; i < ndocs; i++) {
        free(docs[i].id);
        free(docs[i].category);
    }
    free(docs);
    free(ms);
    fouine_index_close(ix);
    sqlite3_close(base);
    return 0;
}
