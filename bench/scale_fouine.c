/*
** scale_fouine.c: bench/scale.c's calls to fouine (see scale_fouine.h),
** through the query library's internal API (lib/search/query.h), as
** bench/query.c uses it.
*/
#include "scale_fouine.h"

#include "query.h"
#include "query_corpus.h"
#include "results_json.h"

#include "fouine/analyzer.h"
#include "fouine/store.h"

#include <stdio.h>
#include <stdlib.h>

struct bench_fouine {
    sqlite3 *db;         /* the index, read only; owned */
    fouine_analyzer *an; /* owned */
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
    rc = fouine_store_open(&f->db, path, FOUINE_STORE_READ);
    if (rc == FOUINE_OK) {
        rc = fouine_analyzer_new(&f->an);
    }
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
    json_t *res = NULL, *hit;
    double t0;
    size_t i;
    int rc;

    opts.query = s->query;
    opts.sort = s->sort_date ? FOUINE_SORT_DATE : FOUINE_SORT_RANK;
    opts.since = s->since;
    opts.until = s->until;
    opts.category = s->category;
    t0 = bench_now_ms();
    rc = fouine_search_json(&res, f->db, f->an, &opts);
    *ms = bench_now_ms() - t0;
    if (rc != FOUINE_OK) {
        fprintf(stderr, "bench_scale: fouine: %s: %s\n", s->query,
                rc == FOUINE_EDB ? sqlite3_errmsg(f->db) : fouine_errmsg(rc));
        return -1;
    }
    if (top) {
        top->n = 0;
        json_array_foreach(json_object_get(res, "hits"), i, hit)
        {
            const char *id = json_string_value(json_object_get(hit, "id"));
            const char *date = json_string_value(json_object_get(hit, "date"));
            if (i >= BENCH_TOP) {
                break;
            }
            snprintf(top->id[i], sizeof top->id[i], "%s", id ? id : "");
            snprintf(top->date[i], sizeof top->date[i], "%s", date ? date : "");
            top->score[i] = json_number_value(json_object_get(hit, "score"));
            top->n = i + 1;
        }
    }
    json_decref(res);
    return 0;
}

void bench_fouine_close(bench_fouine *f)
{
    if (!f) {
        return;
    }
    fouine_analyzer_free(f->an);
    sqlite3_close(f->db);
    free(f);
}

int bench_fouine_stopword(const char *word, size_t len)
{
    return fouine_is_stopword(word, len);
}
