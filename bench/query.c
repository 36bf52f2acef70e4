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
#include "query.h"
#include "query_corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* One query, for both systems. */
typedef struct bench_q {
    char *fouine; /* in fouine's query language; owned */
    char *fts5;   /* as an FTS5 expression for unicode61; owned */
} bench_q;

static unsigned long long rng = 42;

static unsigned next(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(rng >> 33);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p)
{
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

/* Words of s of 3 bytes or more into w (max 64). */
static size_t words_of(const char *s, const char **w, size_t *len)
{
    const char *word;
    size_t n = 0, l;
    while (n < 64 && (word = bench_next_word(&s, &l)) != NULL) {
        if (l >= 3) {
            w[n] = word;
            len[n] = l;
            n++;
        }
    }
    return n;
}

/* Make a query from a title. */
static int make_query(bench_q *q, const char *title)
{
    const char *w[64];
    size_t len[64], n = words_of(title, w, len), k, first, i;
    unsigned kind = next() % 20;
    fouine_buf f = { 0 }, b = { 0 };
    char *tmp;
    if (n == 0) {
        return -1;
    }
    k = 1 + next() % 4;
    if (k > n) {
        k = n;
    }
    first = next() % (n - k + 1);
    if (kind < 3 && k >= 2) {
        /* A phrase. */
        fouine_buf_puts(&f, "\"");
        fouine_buf_puts(&b, "\"");
        for (i = first; i < first + k; i++) {
            fouine_buf_puts(&f, i > first ? " " : "");
            fouine_buf_puts(&b, i > first ? " " : "");
            fouine_buf_append(&f, w[i], len[i]);
            fouine_buf_append(&b, w[i], len[i]);
        }
        fouine_buf_puts(&f, "\"");
        fouine_buf_puts(&b, "\"");
    } else {
        for (i = first; i < first + k; i++) {
            size_t l = len[i];
            int prefix = kind >= 3 && kind < 6 && i + 1 == first + k && l > 5;
            if (prefix) {
                l = 4 + next() % (l - 4);
                while (l > 0 && ((unsigned char)w[i][l] & 0xC0) == 0x80) {
                    l--;
                }
            }
            fouine_buf_puts(&f, i > first ? " " : "");
            fouine_buf_puts(&b, i > first ? " " : "");
            fouine_buf_append(&f, w[i], l);
            fouine_buf_puts(&b, "\"");
            fouine_buf_append(&b, w[i], l);
            fouine_buf_puts(&b, prefix ? "\"*" : "\"");
            fouine_buf_puts(&f, prefix ? "*" : "");
        }
    }
    if (f.failed || b.failed) {
        return -1;
    }
    if (kind >= 15) {
        /* Typed without accents. */
        tmp = bench_strip_accents(f.data);
        free(f.data);
        f.data = tmp;
        tmp = bench_strip_accents(b.data);
        free(b.data);
        b.data = tmp;
    }
    q->fouine = f.data;
    q->fts5 = b.data;
    return 0;
}

int main(int argc, char **argv)
{
    const char *shared = NULL, *dir = ".";
    sqlite3 *fdb = NULL, *bdb = NULL;
    sqlite3_stmt *titles = NULL, *base = NULL;
    fouine_analyzer *an = NULL;
    bench_q *qs = NULL;
    double *tf, *tb, sumf = 0, sumb = 0;
    size_t nq = 0, want = 1000, i;
    long hitsf = 0, hitsb = 0;
    int a;

    for (a = 1; a + 1 < argc; a += 2) {
        if (strcmp(argv[a], "--shared") == 0) {
            shared = argv[a + 1];
        } else if (strcmp(argv[a], "--dir") == 0) {
            dir = argv[a + 1];
        } else if (strcmp(argv[a], "--queries") == 0) {
            want = (size_t)atol(argv[a + 1]);
        } else if (strcmp(argv[a], "--seed") == 0) {
            rng = (unsigned long long)atoll(argv[a + 1]);
        }
    }
    shared = bench_shared_dir(shared);
    if (bench_open_indexes(&fdb, &bdb, shared, dir, 0) != 0 ||
        fouine_analyzer_new(&an) != FOUINE_OK) {
        return 2;
    }
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
        if (t && make_query(&qs[nq], t) == 0) {
            nq++;
        }
    }
    for (i = 0; i < nq; i++) {
        fouine_search_opts opts = FOUINE_SEARCH_OPTS_INIT;
        json_t *res = NULL;
        double t0 = bench_now_ms();
        opts.query = qs[i].fouine;
        if (fouine_search_json(&res, fdb, an, &opts) != FOUINE_OK) {
            fprintf(stderr, "bench_query: %s: %s\n", qs[i].fouine,
                    sqlite3_errmsg(fdb));
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
    qsort(tf, nq, sizeof *tf, cmp_double);
    qsort(tb, nq, sizeof *tb, cmp_double);
    printf("%zu queries of 1 to 4 title words, 10 hits each with snippets\n\n",
           nq);
    printf("| system | p50 ms | p95 ms | p99 ms | mean ms | hits |\n"
           "|---|---|---|---|---|---|\n");
    printf("| fouine | %.2f | %.2f | %.2f | %.2f | %ld |\n", pct(tf, nq, .5),
           pct(tf, nq, .95), pct(tf, nq, .99), sumf / (double)nq, hitsf);
    printf("| FTS5 unicode61 AND + snippet() | %.2f | %.2f | %.2f | %.2f | %ld "
           "|\n",
           pct(tb, nq, .5), pct(tb, nq, .95), pct(tb, nq, .99),
           sumb / (double)nq, hitsb);
    printf("\nratio fouine / FTS5: p50 %.2f, p95 %.2f, p99 %.2f\n",
           pct(tf, nq, .5) / pct(tb, nq, .5),
           pct(tf, nq, .95) / pct(tb, nq, .95),
           pct(tf, nq, .99) / pct(tb, nq, .99));
    for (i = 0; i < nq; i++) {
        free(qs[i].fouine);
        free(qs[i].fts5);
    }
    free(qs);
    free(tf);
    free(tb);
    sqlite3_finalize(titles);
    sqlite3_finalize(base);
    fouine_analyzer_free(an);
    sqlite3_close(fdb);
    sqlite3_close(bdb);
    return 0;
}
