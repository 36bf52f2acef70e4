/*
** relevance.c: recall@10, MRR@10 and mean time per query of fouine and of
** stock FTS5 on every development set at once, and how well fouine's typo
** correction does:
**   - piaf: the PIAF dev questions, with the news of the shared corpus as
**     distractors, as written and without accents;
**   - news: the news-dev headline searches on the 22,026 articles, as
**     written and without accents (and how often a correction is applied
**     to these queries, which have no typo);
**   - typo: the news-dev searches with one typing error each (and how often
**     the correction restores the words intended, the clean query's).
**
**     bench_relevance [--shared DIR] [--dir DIR] [--sets piaf,news,typo]
**                     [--max N] [--no-baseline] [--rank K1,B,PW,PWIN,WT,
**                     WL,WB,COVER,POWER,LENGTH]
**
** --rank replaces the parameters of fouine's ranking
** (fouine_search_options.rank, fouine/search.h), to try a variant; --no-baseline skips stock FTS5,
** whose rows then read 0.  The baseline ORs the query's words (unicode61
** remove_diacritics 2) and ranks by bm25(title 5, body 1).  The indexes
** are made once in --dir (fouine's by fouine-index) and kept.
*/
#include "query_corpus.h"
#include "workload.h"

#include "fouine/index.h"
#include "fouine/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One query of a set. */
typedef struct query {
    char *id;       /* the query id; owned */
    char *text;     /* as written; owned */
    char *plain;    /* accents stripped; owned */
    char *relevant; /* the relevant document's id; owned */
} query;

/* Totals of one system on one form of a set's queries. */
typedef struct score {
    double rr;      /* sum of reciprocal ranks */
    long found;     /* relevant in the top 10 */
    double ms;      /* time spent */
    long n;         /* queries */
    long corrected; /* fouine: queries whose words were corrected */
    long restored;  /* fouine, typo set: corrected to the clean query */
} score;

/* Rank (1..10) of relevant among the ids of stmt's rows, or 0. */
static int rank_of(sqlite3_stmt *stmt, const char *relevant)
{
    int rank = 0, i = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(stmt, 0);
        i++;
        if (!rank && id && strcmp(id, relevant) == 0) {
            rank = i;
        }
    }
    sqlite3_reset(stmt);
    return rank;
}

static void add(score *s, int rank, double ms)
{
    s->n++;
    s->ms += ms;
    if (rank > 0) {
        s->found++;
        s->rr += 1.0 / rank;
    }
}

/* part / n, in percent. */
static double percent(long part, long n)
{
    return n > 0 ? 100.0 * (double)part / (double)n : 0.0;
}

static void report(const char *set,
                   const char *system,
                   const char *form,
                   const score *s)
{
    printf("| %-5s | %-28s | %-11s | %5ld | %.3f | %.3f | %7.2f |\n", set,
           system, form, s->n, s->n ? (double)s->found / (double)s->n : 0.0,
           s->n ? s->rr / (double)s->n : 0.0,
           s->n ? s->ms / (double)s->n : 0.0);
}

/* Read a set's queries (qid TAB text TAB relevant) into *out. */
static int read_queries(query **out, size_t *nout, const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0, n = 0;
    query *qs = NULL;

    *out = NULL;
    *nout = 0;
    if (!f) {
        fprintf(stderr,
                "bench_relevance: %s: cannot read (is the shared data"
                " there? --shared DIR)\n",
                path);
        return -1;
    }
    while (n < max && getline(&line, &cap, f) > 0) {
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        query *q;
        if (!t2) {
            continue;
        }
        *t1 = '\0';
        *t2 = '\0';
        t2[1 + strcspn(t2 + 1, "\r\n")] = '\0';
        q = realloc(qs, (n + 1) * sizeof *qs);
        if (!q) {
            break;
        }
        qs = q;
        qs[n].id = strdup(line);
        qs[n].text = strdup(t1 + 1);
        qs[n].plain = bench_strip_accents(t1 + 1);
        qs[n].relevant = strdup(t2 + 1);
        n++;
    }
    free(line); /* getline()'s: not ours */
    fclose(f);
    *out = qs;
    *nout = n;
    return 0;
}

static void free_queries(query *qs, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        free(qs[i].id);
        free(qs[i].text);
        free(qs[i].plain);
        free(qs[i].relevant);
    }
    free(qs);
}

/* The clean text of query id among clean, or NULL. */
static const char *clean_of(const query *clean, size_t n, const char *id)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (strcmp(clean[i].id, id) == 0) {
            return clean[i].text;
        }
    }
    return NULL;
}

/* Whether a and b are the same words, case and accents aside. */
static int same_words(const char *a, const char *b)
{
    char *x = bench_strip_accents(a), *y = bench_strip_accents(b), *p;
    int same;
    for (p = x; p && *p; p++) {
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    }
    for (p = y; p && *p; p++) {
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    }
    same = x && y && strcmp(x, y) == 0;
    free(x);
    free(y);
    return same;
}

/* State of one run over the sets. */
typedef struct bench {
    const char *shared;
    const char *dir;
    size_t max;
    int baseline;
    const double *rank; /* or NULL */
} bench;

/* Run one set of queries on one pair of indexes. */
static int run_set(bench *b,
                   const char *name,
                   const char *file,
                   int piaf,
                   int forms,
                   const query *clean,
                   size_t nclean)
{
    fouine_index *fix = NULL;
    sqlite3 *bdb = NULL;
    sqlite3_stmt *base = NULL;
    query *qs = NULL;
    size_t nq = 0, i;
    score sc[2][2];
    char path[4096];
    int form, rc = -1;

    memset(sc, 0, sizeof sc);
    snprintf(path, sizeof path, "%s/eval/%s", b->shared, file);
    if (read_queries(&qs, &nq, path, b->max) != 0 ||
        bench_open_indexes(&fix, &bdb, b->shared, b->dir, piaf) != 0) {
        goto done;
    }
    if (sqlite3_prepare_v2(bdb,
                           "SELECT id FROM doc WHERE doc MATCH ?1"
                           " ORDER BY bm25(doc, 0, 5, 1) LIMIT 10",
                           -1, &base, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s\n", sqlite3_errmsg(bdb));
        goto done;
    }
    for (i = 0; i < nq; i++) {
        for (form = 0; form < forms; form++) {
            const char *text = form ? qs[i].plain : qs[i].text;
            fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
            fouine_results *res = NULL;
            double t0 = bench_now_ms();
            int rank = 0;
            size_t k;
            if (b->baseline) {
                char *expr = bench_or_expr(text);
                if (expr) {
                    sqlite3_bind_text(base, 1, expr, -1, SQLITE_STATIC);
                    rank = rank_of(base, qs[i].relevant);
                }
                free(expr);
            }
            add(&sc[1][form], rank, bench_now_ms() - t0);
            t0 = bench_now_ms();
            rank = 0;
            opts.query = text;
            opts.rank = b->rank;
            if (fouine_search(&res, fix, &opts) != FOUINE_OK) {
                fprintf(stderr, "bench_relevance: %s: search failed: %s\n",
                        text, fouine_index_errmsg(fix));
                goto done;
            }
            for (k = 0; k < res->nhits && !rank; k++) {
                if (strcmp(res->hits[k].id, qs[i].relevant) == 0) {
                    rank = (int)k + 1;
                }
            }
            add(&sc[0][form], rank, bench_now_ms() - t0);
            if (res->corrected) {
                const char *want = clean_of(clean, nclean, qs[i].id);
                sc[0][form].corrected++;
                if (want && same_words(res->corrected, want)) {
                    sc[0][form].restored++;
                }
            }
            fouine_results_free(res);
        }
    }
    for (form = 0; form < forms; form++) {
        const char *f = form ? "no accents" : "as written";
        report(name, "fouine", f, &sc[0][form]);
        if (b->baseline) {
            report(name, "FTS5 unicode61 OR, bm25 5/1", f, &sc[1][form]);
        }
    }
    for (form = 0; form < forms; form++) {
        const score *s = &sc[0][form];
        if (clean) {
            printf("%s (%s): a correction is applied to %ld of %ld queries"
                   " (%.1f %%) and restores the words intended for %ld"
                   " (%.1f %%)\n",
                   name, form ? "no accents" : "as written", s->corrected, s->n,
                   percent(s->corrected, s->n), s->restored,
                   percent(s->restored, s->n));
        } else {
            printf("%s (%s): a correction is applied to %ld of %ld queries"
                   " (%.1f %%)\n",
                   name, form ? "no accents" : "as written", s->corrected, s->n,
                   percent(s->corrected, s->n));
        }
    }
    rc = 0;
done:
    sqlite3_finalize(base);
    fouine_index_close(fix);
    sqlite3_close(bdb);
    free_queries(qs, nq);
    return rc;
}

int main(int argc, char **argv)
{
    const char *sets = "piaf,news,typo";
    double rank[FOUINE_RANK_PARAMS];
    query *clean = NULL;
    size_t nclean = 0;
    char path[4096];
    bench b;
    int a, rc = 0;

    memset(&b, 0, sizeof b);
    b.dir = ".";
    b.max = (size_t)-1;
    b.baseline = 1;
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--no-baseline") == 0) {
            b.baseline = 0;
        } else if (a + 1 >= argc) {
            fprintf(stderr, "bench_relevance: %s: a value is missing\n",
                    argv[a]);
            return 2;
        } else if (strcmp(argv[a], "--shared") == 0) {
            b.shared = argv[++a];
        } else if (strcmp(argv[a], "--dir") == 0) {
            b.dir = argv[++a];
        } else if (strcmp(argv[a], "--sets") == 0) {
            sets = argv[++a];
        } else if (strcmp(argv[a], "--max") == 0) {
            b.max = (size_t)atol(argv[++a]);
        } else if (strcmp(argv[a], "--rank") == 0) {
            const char *p = argv[++a];
            int i;
            for (i = 0; i < FOUINE_RANK_PARAMS; i++) {
                char *end;
                rank[i] = strtod(p, &end);
                if (end == p || (i + 1 < FOUINE_RANK_PARAMS && *end != ',')) {
                    fprintf(stderr,
                            "bench_relevance: --rank: expected %d numbers"
                            " separated by commas\n",
                            FOUINE_RANK_PARAMS);
                    return 2;
                }
                p = end + 1;
            }
            b.rank = rank;
        } else {
            fprintf(stderr, "bench_relevance: %s: unknown option\n", argv[a]);
            return 2;
        }
    }
    b.shared = bench_shared_dir(b.shared);
    printf("| set   | system                       | queries     |     n |"
           " R@10  | MRR@10 | ms/q    |\n|---|---|---|---|---|---|---|\n");
    if (strstr(sets, "piaf")) {
        rc |= run_set(&b, "piaf", "piaf-dev/queries.tsv", 1, 2, NULL, 0);
    }
    if (strstr(sets, "news")) {
        rc |= run_set(&b, "news", "news-dev/queries.tsv", 0, 2, NULL, 0);
    }
    if (strstr(sets, "typo")) {
        snprintf(path, sizeof path, "%s/eval/news-dev/queries.tsv", b.shared);
        rc |= read_queries(&clean, &nclean, path, (size_t)-1);
        if (rc == 0) {
            rc |= run_set(&b, "typo", "news-dev/queries-typo.tsv", 0, 1, clean,
                          nclean);
        }
    }
    free_queries(clean, nclean);
    return rc ? 2 : 0;
}
