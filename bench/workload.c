/*
** workload.c: the query workloads and statistics shared by the query
** benchmarks (see workload.h).
*/
#include "workload.h"

#include "query_corpus.h"

#include "fouine/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned bench_rng_next(bench_rng *r)
{
    r->state = r->state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(r->state >> 33);
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

int bench_title_query(bench_q *q,
                      bench_rng *r,
                      const char *title,
                      size_t max_words)
{
    const char *w[64];
    size_t len[64], n = words_of(title, w, len), k, first, i;
    unsigned kind = bench_rng_next(r) % 20;
    fouine_buf f = { 0 }, b = { 0 };
    char *tmp;
    if (n == 0) {
        return -1;
    }
    k = 1 + bench_rng_next(r) % max_words;
    if (k > n) {
        k = n;
    }
    first = bench_rng_next(r) % (n - k + 1);
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
                l = 4 + bench_rng_next(r) % (l - 4);
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
        free(f.data);
        free(b.data);
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
        if (!f.data || !b.data) {
            free(f.data);
            free(b.data);
            return -1;
        }
    }
    q->fouine = f.data;
    q->fts5 = b.data;
    return 0;
}

void bench_q_clear(bench_q *q)
{
    if (!q) {
        return;
    }
    free(q->fouine);
    free(q->fts5);
    q->fouine = NULL;
    q->fts5 = NULL;
}

char *bench_or_expr(const char *s)
{
    fouine_buf b = { 0 };
    const char *w;
    size_t n;
    while ((w = bench_next_word(&s, &n)) != NULL) {
        fouine_buf_puts(&b, b.len ? " OR \"" : "\"");
        fouine_buf_append(&b, w, n);
        fouine_buf_puts(&b, "\"");
    }
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

int bench_read_questions(bench_question **out,
                         size_t *n,
                         const char *shared,
                         size_t max)
{
    char path[4096], *line = NULL;
    bench_question *qs = NULL, *grown;
    size_t nq = 0, cap = 0;
    FILE *f = NULL;
    int rc = -1;

    *out = NULL;
    *n = 0;
    snprintf(path, sizeof path, "%s/eval/piaf-dev/queries.tsv", shared);
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr,
                "bench: %s: cannot read (is the shared data there? --shared"
                " DIR)\n",
                path);
        goto done;
    }
    while (nq < max && getline(&line, &cap, f) > 0) {
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        bench_question *q;
        if (!t2) {
            continue;
        }
        *t2 = '\0';
        t2[1 + strcspn(t2 + 1, "\r\n")] = '\0';
        grown = realloc(qs, (nq + 1) * sizeof *qs);
        if (!grown) {
            goto done;
        }
        qs = grown;
        q = &qs[nq++];
        q->text = strdup(t1 + 1);
        q->plain = bench_strip_accents(t1 + 1);
        q->relevant = strdup(t2 + 1);
        if (!q->text || !q->plain || !q->relevant) {
            goto done;
        }
    }
    *out = qs;
    *n = nq;
    qs = NULL;
    rc = 0;
done:
    if (rc != 0 && f) {
        fprintf(stderr, "bench: %s: out of memory\n", path);
    }
    bench_questions_free(qs, nq);
    free(line); /* not ours: getline() */
    if (f) {
        fclose(f);
    }
    return rc;
}

void bench_questions_free(bench_question *q, size_t n)
{
    size_t i;
    if (!q) {
        return;
    }
    for (i = 0; i < n; i++) {
        free(q[i].text);
        free(q[i].plain);
        free(q[i].relevant);
    }
    free(q);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void bench_sort_ms(double *v, size_t n)
{
    if (n > 0) {
        qsort(v, n, sizeof *v, cmp_double);
    }
}

double bench_percentile(const double *sorted, size_t n, double p)
{
    size_t i;
    if (n == 0) {
        return 0;
    }
    i = (size_t)(p * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}
