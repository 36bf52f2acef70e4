/*
** scale_fouine.c: bench/scale.c's calls to fouine (see scale_fouine.h),
** through libfouine's public API (fouine/index.h, fouine/search.h).
*/
#include "scale_fouine.h"

#include "query_corpus.h"

#include "fouine/analyzer.h"
#include "fouine/index.h"
#include "fouine/search.h"

#include <stdio.h>
#include <stdlib.h>

struct bench_fouine {
    fouine_index *ix; /* the index, read only; owned */
};

int bench_fouine_open(bench_fouine **out, const char *path)
{
    bench_fouine *f = calloc(1, sizeof *f);
    int rc;

    *out = NULL;
    if (!f) {
        fprintf(stderr, "bench_scale: out of memory\n");
        return -1;
    }
    rc = fouine_index_open(&f->ix, path, FOUINE_INDEX_READ);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "bench_scale: %s: %s\n", path, fouine_errmsg(rc));
        bench_fouine_close(f);
        return -1;
    }
    *out = f;
    return 0;
}

int bench_fouine_search(bench_top *top,
                        double *ms,
                        bench_fouine *f,
                        const bench_search *s)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    fouine_results *res = NULL;
    double t0;
    size_t i;
    int rc;

    opts.query = s->query;
    opts.sort = s->sort_date ? FOUINE_SORT_DATE : FOUINE_SORT_RANK;
    opts.since = s->since;
    opts.until = s->until;
    opts.category = s->category;
    /* Whole answers, timed and checked: a search cut by its time budget
    ** gives its first matches unranked, which would time the cut and make
    ** top 10s differ. */
    opts.budget_ms = -1;
    t0 = bench_now_ms();
    rc = fouine_search(&res, f->ix, &opts);
    *ms = bench_now_ms() - t0;
    if (rc != FOUINE_OK) {
        fprintf(stderr, "bench_scale: fouine: %s: %s\n", s->query,
                rc == FOUINE_EDB ? fouine_index_errmsg(f->ix) :
                                   fouine_errmsg(rc));
        return -1;
    }
    if (top) {
        top->n = 0;
        for (i = 0; i < res->nhits && i < BENCH_TOP; i++) {
            const fouine_hit *h = &res->hits[i];
            snprintf(top->id[i], sizeof top->id[i], "%s", h->id);
            snprintf(top->date[i], sizeof top->date[i], "%s",
                     h->date ? h->date : "");
            top->score[i] = h->score;
            top->n = i + 1;
        }
    }
    fouine_results_free(res);
    return 0;
}

void bench_fouine_close(bench_fouine *f)
{
    if (!f) {
        return;
    }
    fouine_index_close(f->ix);
    free(f);
}

int bench_fouine_stopword(const char *word, size_t len)
{
    return fouine_is_stopword(word, len);
}
