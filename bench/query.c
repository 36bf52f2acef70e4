/*
** query.c: latency of fouine-query's search (snippets included) against
** stock FTS5 (unicode61 remove_diacritics 2, AND of the words, snippet()),
** side by side on the news of the shared corpus.
**
**     bench_query [--shared DIR] [--dir DIR] [--queries N] [--seed S]
**
** The queries are 1 to 4 consecutive words of the articles' titles: a
** quarter typed without accents, some with the last word as a prefix*,
** some as a "phrase".  Each system answers each query once, alternately.
*/
#include "query_corpus.h"
#include "results_json.h"
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *shared = NULL, *dir = ".";
    fouine_index *fix = NULL;
    sqlite3 *fdb, *bdb = NULL;
    sqlite3_stmt *titles = NULL, *base = NULL;
    bench_q *qs = NULL;
    double *tf, *tb, sumf = 0, sumb = 0;
    size_t nq = 0, want = 1000, i;
    long hitsf = 0, hitsb = 0;
    bench_rng rng = { 42 };
    int a;

    for (a = 1; a + 1 < argc; a += 2) {
        if (strcmp(argv[a], "--shared") == 0) {
            shared = argv[a + 1];
        } else if (strcmp(argv[a], "--dir") == 0) {
            dir = argv[a + 1];
        } else if (strcmp(argv[a], "--queries") == 0) {
            want = (size_t)atol(argv[a + 1]);
        } else if (strcmp(argv[a], "--seed") == 0) {
            rng.state = (unsigned long long)atoll(argv[a + 1]);
        }
    }
    shared = bench_shared_dir(shared);
    if (bench_open_indexes(&fix, &bdb, shared, dir, 0) != 0) {
        return 2;
    }
    fdb = fouine_index_db(fix); /* to read the titles the queries come from */
    if (sqlite3_prepare_v2(fdb,
                           "SELECT title FROM article ORDER BY"
                           " (rowid * 2654435761) % 1000003 LIMIT ?1",
                           -1, &titles, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(bdb,
                           "SELECT id, highlight(doc, 1, '<b>', '</b>'),"
                           " snippet(doc, 2, '<b>', '</b>', '…', 32) FROM doc"
                           " WHERE doc MATCH ?1 ORDER BY bm25(doc, 0, 5, 1)"
                           " LIMIT 10",
                           -1, &base, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_query: %s / %s\n", sqlite3_errmsg(fdb),
                sqlite3_errmsg(bdb));
        return 2;
    }
    qs = calloc(want, sizeof *qs);
    tf = calloc(want, sizeof *tf);
    tb = calloc(want, sizeof *tb);
    if (!qs || !tf || !tb) {
        return 2;
    }
    sqlite3_bind_int64(titles, 1, (sqlite3_int64)want * 2);
    while (nq < want && sqlite3_step(titles) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(titles, 0);
        if (t && bench_title_query(&qs[nq], &rng, t, 4) == 0) {
            nq++;
        }
    }
    for (i = 0; i < nq; i++) {
        fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
        json_t *res = NULL;
        double t0 = bench_now_ms();
        opts.query = qs[i].fouine;
        if (fouine_search_json(&res, fix, &opts) != FOUINE_OK) {
            fprintf(stderr, "bench_query: %s: %s\n", qs[i].fouine,
                    fouine_index_errmsg(fix));
            return 2;
        }
        tf[i] = bench_now_ms() - t0;
        hitsf += (long)json_array_size(json_object_get(res, "hits"));
        json_decref(res);

        t0 = bench_now_ms();
        sqlite3_bind_text(base, 1, qs[i].fts5, -1, SQLITE_STATIC);
        while (sqlite3_step(base) == SQLITE_ROW) {
            hitsb++;
        }
        sqlite3_reset(base);
        tb[i] = bench_now_ms() - t0;
        sumf += tf[i];
        sumb += tb[i];
    }
    if (getenv("FOUINE_BENCH_SLOWEST")) {
        /* The slowest queries of fouine, to see where the time goes. */
        size_t k, j;
        for (k = 0; k < 8; k++) {
            size_t worst = 0;
            for (j = 1; j < nq; j++) {
                if (tf[j] > tf[worst]) {
                    worst = j;
                }
            }
            fprintf(stderr, "slow: %.2f ms (FTS5 %.2f) %s\n", tf[worst],
                    tb[worst], qs[worst].fouine);
            sumf -= tf[worst];
            tf[worst] = -tf[worst];
        }
        for (j = 0; j < nq; j++) {
            if (tf[j] < 0) {
                tf[j] = -tf[j];
                sumf += tf[j];
            }
        }
    }
    bench_sort_ms(tf, nq);
    bench_sort_ms(tb, nq);
    printf("%zu queries of 1 to 4 title words, 10 hits each with snippets\n\n",
           nq);
    printf("| system | p50 ms | p95 ms | p99 ms | mean ms | hits |\n"
           "|---|---|---|---|---|---|\n");
    printf("| fouine | %.2f | %.2f | %.2f | %.2f | %ld |\n",
           bench_percentile(tf, nq, .5), bench_percentile(tf, nq, .95),
           bench_percentile(tf, nq, .99), sumf / (double)nq, hitsf);
    printf("| FTS5 unicode61 AND + snippet() | %.2f | %.2f | %.2f | %.2f | %ld "
           "|\n",
           bench_percentile(tb, nq, .5), bench_percentile(tb, nq, .95),
           bench_percentile(tb, nq, .99), sumb / (double)nq, hitsb);
    printf("\nratio fouine / FTS5: p50 %.2f, p95 %.2f, p99 %.2f\n",
           bench_percentile(tf, nq, .5) / bench_percentile(tb, nq, .5),
           bench_percentile(tf, nq, .95) / bench_percentile(tb, nq, .95),
           bench_percentile(tf, nq, .99) / bench_percentile(tb, nq, .99));
    for (i = 0; i < nq; i++) {
        bench_q_clear(&qs[i]);
    }
    free(qs);
    free(tf);
    free(tb);
    sqlite3_finalize(titles);
    sqlite3_finalize(base);
    fouine_index_close(fix);
    sqlite3_close(bdb);
    return 0;
}
