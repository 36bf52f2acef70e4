/*
** scale_fouine.h: the one place where bench/scale.c calls fouine: open an
** index, run one search as fouine-query runs it (snippets included), and
** read back the ids of the first hits.  When fouine's search API changes,
** only scale_fouine.c changes.
*/
#ifndef FOUINE_BENCH_SCALE_FOUINE_H
#define FOUINE_BENCH_SCALE_FOUINE_H

#include <stddef.h>

/* Hits kept of one search: the first page. */
#define BENCH_TOP    10
#define BENCH_ID_MAX 128

/* What to search: a query and the options of fouine-query. */
typedef struct bench_search {
    const char *query;    /* as a reader types it; not owned */
    int sort_date;        /* non-zero: --sort date (newest first) */
    const char *since;    /* NULL or --since (YYYY...); not owned */
    const char *until;    /* NULL or --until; not owned */
    const char *category; /* NULL or --category; not owned */
} bench_search;

/* The first hits of a search, best (or newest) first. */
typedef struct bench_top {
    size_t n;                         /* hits, at most BENCH_TOP */
    char id[BENCH_TOP][BENCH_ID_MAX]; /* article ids (cut to fit) */
    double score[BENCH_TOP];          /* fouine's score, higher is better */
    char date[BENCH_TOP][40];         /* the stored date, or "" */
} bench_top;

/* An open fouine index and what searching it needs (opaque). */
typedef struct bench_fouine bench_fouine;

/**
 * Open a fouine index made by fouine-index, read only.
 *
 * @param[out] out the handle (bench_fouine_close()); NULL on error
 * @param path     the index file
 * @return 0, or -1 after a message on stderr
 */
int bench_fouine_open(bench_fouine **out, const char *path);

/**
 * Run one search as fouine-query runs it (10 hits, total, snippets and
 * highlights, suggestions) and keep its first hits.
 *
 * @param[out] top the first hits (may be NULL: not kept)
 * @param[out] ms  the time of the search call alone, in milliseconds
 * @param f        an open index
 * @param s        what to search
 * @return 0, or -1 after a message on stderr
 */
int bench_fouine_search(bench_top *top,
                        double *ms,
                        bench_fouine *f,
                        const bench_search *s);

/** Close an index; NULL does nothing. */
void bench_fouine_close(bench_fouine *f);

/** Whether fouine's analyzer drops this word (folded, unaccented) from a
 *  query as a stop word. */
int bench_fouine_stopword(const char *word, size_t len);

#endif /* FOUINE_BENCH_SCALE_FOUINE_H */
