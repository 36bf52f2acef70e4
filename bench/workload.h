/*
** workload.h: the query workloads and the statistics that the query
** benchmarks (bench/query.c, bench/relevance.c, bench/scale.c) share:
** short queries made from titles, the questions of the relevance set, the
** baseline's OR of words, and latency percentiles.
**
** Benchmark code: plain malloc()/free(), which the raw_alloc test does not
** look at in bench/; strings from fouine_buf are released with free() too
** (fouine/alloc.h: the gateway is plain free() underneath).
*/
#ifndef FOUINE_BENCH_WORKLOAD_H
#define FOUINE_BENCH_WORKLOAD_H

#include <stddef.h>

/* A seeded pseudo-random sequence (PCG's LCG step): the same seed gives
** the same queries on every machine. */
typedef struct bench_rng {
    unsigned long long state; /* the seed, then the last step */
} bench_rng;

/** The next number of r (31 bits). */
unsigned bench_rng_next(bench_rng *r);

/* One query, for both systems. */
typedef struct bench_q {
    char *fouine; /* in fouine's query language; owned (free()) */
    char *fts5;   /* as an FTS5 expression for unicode61; owned (free()) */
} bench_q;

/**
 * Make a short query from a title: 1 to max_words consecutive words of 3
 * bytes or more; 3 in 20 a "phrase", 3 in 20 with the last word as a
 * prefix*, a quarter typed without accents.  fts5 is the same words
 * AND-ed, quoted (phrases and prefixes kept).
 *
 * @param[out] q   the query (bench_q_clear()); untouched on failure
 * @param r        the random sequence (advanced)
 * @param title    NUL-terminated
 * @param max_words at least 1
 * @return 0, or -1 when the title has no word of 3 bytes or on lack of
 *         memory
 */
int bench_title_query(bench_q *q,
                      bench_rng *r,
                      const char *title,
                      size_t max_words);

/** Free the strings of q and clear it; NULL does nothing. */
void bench_q_clear(bench_q *q);

/**
 * The baseline's long query: the words of s (bench_next_word()) OR-ed,
 * each quoted.
 *
 * @return a new string (free()), or NULL without words or memory
 */
char *bench_or_expr(const char *s);

/* A question of the relevance development set. */
typedef struct bench_question {
    char *text;     /* as written; owned */
    char *plain;    /* accents stripped (bench_strip_accents()); owned */
    char *relevant; /* the id of the paragraph that answers it; owned */
} bench_question;

/**
 * Read the questions of SHARED/eval/piaf-dev/queries.tsv (id, question,
 * paragraph id, tab-separated), in the file's order.
 *
 * @param[out] out the questions (bench_questions_free()); NULL on error
 * @param[out] n   how many
 * @param shared   the shared data directory
 * @param max      read at most this many ((size_t)-1: all)
 * @return 0, or -1 after a message on stderr
 */
int bench_read_questions(bench_question **out,
                         size_t *n,
                         const char *shared,
                         size_t max);

/** Free n questions read by bench_read_questions(); NULL does nothing. */
void bench_questions_free(bench_question *q, size_t n);

/** Sort n milliseconds in place, smallest first. */
void bench_sort_ms(double *v, size_t n);

/** The p-quantile (0..1) of n sorted values, nearest rank; 0 when n is
 *  0. */
double bench_percentile(const double *sorted, size_t n, double p);

#endif /* FOUINE_BENCH_WORKLOAD_H */
