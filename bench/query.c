/*
** query.c: latency of fouine-query's search (snippets included) against
** stock FTS5 (unicode61 remove_diacritics 2, AND of the words, snippet()),
** side by side on the news of the shared corpus.
**
**     bench_query [--shared DIR] [--dir DIR] [--queries N] [--seed S]
**                 [--facets | --collapse] [--rounds N]
**
** The queries are 1 to 4 consecutive words of the articles' titles: a
** quarter typed without accents, some with the last word as a prefix*,
** some as a "phrase".  Each system answers each query once, alternately.
** With --facets, fouine also answers each query with its facets counted
** (fouine_search_options.facets), before or after the search without them
** by turns, and the cost of the facets is reported beside.  With
** --collapse, the same with the search that does not collapse a group of
** wire-story duplicates (fouine_search_options.no_collapse): the cost of
** collapsing, which fouine's searches do by default.  With --rounds
** N, each system answers each query N times in turns and its fastest
** answer counts (the noise of a shared machine only adds time).
*/
#include "query_corpus.h"
#include "results_json.h"
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the second search of fouine does otherwise (--facets, --collapse). */
enum { OTHER_NONE, OTHER_FACETS, OTHER_NO_COLLAPSE };

/* Search query with fouine (as other says, or as it is), into *ms (the
** least of *ms, when not 0, and this time); adds its hits to *hits (NULL:
** not counted).  Returns 0, or -1 on an error (said on stderr). */
static int fouine_once(fouine_index *ix,
                       const char *query,
                       int other,
                       double *ms,
                       long *hits)
{
    double took;
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *res = NULL;
    double t0 = bench_now_ms();
    opts.query = query;
    opts.facets = other == OTHER_FACETS;
    opts.no_collapse = other == OTHER_NO_COLLAPSE;
    if (fouine_search_json(&res, ix, &opts) != FOUINE_OK) {
        fprintf(stderr, "bench_query: %s: %s\n", query,
                fouine_index_errmsg(ix));
        return -1;
    }
    took = bench_now_ms() - t0;
    *ms = *ms > 0 && *ms < took ? *ms : took;
    if (hits) {
        *hits += (long)json_array_size(json_object_get(res, "hits"));
    }
    json_decref(res);
    return 0;
}

/* One line of the table: the percentiles of the n times t (sorted). */
static void row(const char *name, const double *t, size_t n, long hits)
{
    double sum = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        sum += t[i];
    }
    printf("| %s | %.2f | %.2f | %.2f | %.2f | %ld |\n", name,
           bench_percentile(t, n, .5), bench_percentile(t, n, .95),
           bench_percentile(t, n, .99), sum / (double)n, hits);
}

int main(int argc, char **argv)
{
    const char *shared = NULL, *dir = ".";
    fouine_index *fix = NULL;
    sqlite3 *fdb, *bdb = NULL;
    sqlite3_stmt *titles = NULL, *base = NULL;
    bench_q *qs = NULL;
    double *tf, *tb, *tx = NULL, *dx = NULL;
    size_t nq = 0, want = 1000, i, rounds = 1, r;
    long hitsf = 0, hitsb = 0, hitsx = 0;
    bench_rng rng = { 42 };
    int a, facets = 0, other = OTHER_NONE;

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--facets") == 0 ||
            strcmp(argv[a], "--collapse") == 0) {
            facets = 1; /* a second search of fouine */
            other = argv[a][2] == 'f' ? OTHER_FACETS : OTHER_NO_COLLAPSE;
            continue;
        }
        if (a + 1 >= argc) {
            break;
        }
        if (strcmp(argv[a], "--shared") == 0) {
            shared = argv[a + 1];
        } else if (strcmp(argv[a], "--dir") == 0) {
            dir = argv[a + 1];
        } else if (strcmp(argv[a], "--rounds") == 0) {
            rounds = (size_t)atol(argv[a + 1]);
            rounds = rounds > 0 ? rounds : 1;
        } else if (strcmp(argv[a], "--queries") == 0) {
            want = (size_t)atol(argv[a + 1]);
        } else if (strcmp(argv[a], "--seed") == 0) {
            rng.state = (unsigned long long)atoll(argv[a + 1]);
        }
        a++;
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
    if (facets) {
        tx = calloc(want, sizeof *tx);
        dx = calloc(want, sizeof *dx);
    }
    if (!qs || !tf || !tb || (facets && (!tx || !dx))) {
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
        for (r = 0; r < rounds; r++) {
            double t0, took;
            /* With --facets, the two searches of fouine in turns: each is
            ** the second as often as the first (the pages are warm then). */
            if ((facets && (i + r) % 2 == 1 &&
                 fouine_once(fix, qs[i].fouine, other, &tx[i],
                             r ? NULL : &hitsx) != 0) ||
                fouine_once(fix, qs[i].fouine, OTHER_NONE, &tf[i],
                            r ? NULL : &hitsf) != 0 ||
                (facets && (i + r) % 2 == 0 &&
                 fouine_once(fix, qs[i].fouine, other, &tx[i],
                             r ? NULL : &hitsx) != 0)) {
                return 2;
            }
            t0 = bench_now_ms();
            sqlite3_bind_text(base, 1, qs[i].fts5, -1, SQLITE_STATIC);
            while (sqlite3_step(base) == SQLITE_ROW) {
                hitsb += r == 0;
            }
            sqlite3_reset(base);
            took = bench_now_ms() - t0;
            tb[i] = r == 0 || took < tb[i] ? took : tb[i];
        }
        if (facets) { /* the time the default adds, or saves */
            dx[i] = other == OTHER_FACETS ? tx[i] - tf[i] : tf[i] - tx[i];
        }
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
            fprintf(stderr, "slow: %.2f ms (FTS5 %.2f, %s %.2f) %s\n",
                    tf[worst], tb[worst],
                    other == OTHER_FACETS ? "with facets" : "not collapsed",
                    facets ? tx[worst] : 0.0, qs[worst].fouine);
            tf[worst] = -tf[worst];
        }
        for (j = 0; j < nq; j++) {
            if (tf[j] < 0) {
                tf[j] = -tf[j];
            }
        }
    }
    bench_sort_ms(tf, nq);
    bench_sort_ms(tb, nq);
    printf("%zu queries of 1 to 4 title words, 10 hits each with snippets\n\n",
           nq);
    printf("| system | p50 ms | p95 ms | p99 ms | mean ms | hits |\n"
           "|---|---|---|---|---|---|\n");
    row("fouine", tf, nq, hitsf);
    if (facets) {
        bench_sort_ms(tx, nq);
        bench_sort_ms(dx, nq);
        row(other == OTHER_FACETS ? "fouine with facets" :
                                    "fouine without collapse",
            tx, nq, hitsx);
    }
    row("FTS5 unicode61 AND + snippet()", tb, nq, hitsb);
    if (facets) {
        const double *with = other == OTHER_FACETS ? tx : tf;
        const double *without = other == OTHER_FACETS ? tf : tx;
        printf("\n%s: p99 %+.2f ms (with %.2f, without %.2f); added to "
               "each query: p50 %+.2f, p95 %+.2f, p99 %+.2f ms\n",
               other == OTHER_FACETS ? "facets" : "collapse",
               bench_percentile(with, nq, .99) -
                   bench_percentile(without, nq, .99),
               bench_percentile(with, nq, .99),
               bench_percentile(without, nq, .99), bench_percentile(dx, nq, .5),
               bench_percentile(dx, nq, .95), bench_percentile(dx, nq, .99));
    }
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
    free(tx);
    free(dx);
    sqlite3_finalize(titles);
    sqlite3_finalize(base);
    fouine_index_close(fix);
    sqlite3_close(bdb);
    return 0;
}
