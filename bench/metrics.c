/*
** metrics.c: the cost of counting a request in fouine-serve's metrics
** (fouine_serve_metrics_count(): C11 atomics, relaxed, no lock, a copy of
** the counters a thread) against two baselines, side by side in the same
** run: the same counts under one mutex (what a lock on the hot path would
** cost), and in one copy of atomics that every thread shares (what
** serve_metrics.c did before it kept a copy a thread).  THREADS threads
** at once count the same mix of requests (15 in 16 searches answered
** 200, the others health checks; latencies from 0.4 to 80 ms).
**
**     bench_metrics [THREADS] [MILLIONS] [REPS]
**
** THREADS (default 2) threads each count MILLIONS (default 4) million
** requests; the three ways alternate REPS (default 5) times and the best
** wall time of each is reported, in ns a request, with its ratio to
** fouine's.  fouine's counts are checked: every search counted is in the
** scrape of /metrics.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

#define MIX     16 /* requests in the mix, cycled */
#define STATUS  600
#define BUCKETS 14

/* The baselines' counts: those of serve_metrics.c, in one copy. */
typedef struct locked_counts {
    pthread_mutex_t lock;
    unsigned long status[FOUINE_SERVE_EP_COUNT][STATUS];
    unsigned long bucket[FOUINE_SERVE_EP_COUNT][BUCKETS];
    unsigned long long sum_ns[FOUINE_SERVE_EP_COUNT];
} locked_counts;

typedef struct shared_counts {
    atomic_ulong status[FOUINE_SERVE_EP_COUNT][STATUS];
    atomic_ulong bucket[FOUINE_SERVE_EP_COUNT][BUCKETS];
    atomic_ullong sum_ns[FOUINE_SERVE_EP_COUNT];
} shared_counts;

static const double bounds[BUCKETS - 1] = { 0.001, 0.0025, 0.005, 0.01, 0.025,
                                            0.05,  0.1,    0.25,  0.5,  1,
                                            2.5,   5,      10 };

static size_t bucket_of(double seconds)
{
    size_t b = 0;
    while (b < BUCKETS - 1 && seconds > bounds[b]) {
        b++;
    }
    return b;
}

static void locked_count(locked_counts *c,
                         int ep,
                         unsigned status,
                         double seconds)
{
    size_t b = bucket_of(seconds);
    pthread_mutex_lock(&c->lock);
    c->status[ep][status]++;
    c->bucket[ep][b]++;
    c->sum_ns[ep] += (unsigned long long)(seconds * 1e9 + 0.5);
    pthread_mutex_unlock(&c->lock);
}

static void shared_count(shared_counts *c,
                         int ep,
                         unsigned status,
                         double seconds)
{
    size_t b = bucket_of(seconds);
    atomic_fetch_add_explicit(&c->status[ep][status], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->bucket[ep][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->sum_ns[ep],
                              (unsigned long long)(seconds * 1e9 + 0.5),
                              memory_order_relaxed);
}

/* The ways of counting. */
enum { WAY_FOUINE, WAY_MUTEX, WAY_SHARED, WAYS };
static const char *const way_names[WAYS] = { "fouine (a copy a thread)",
                                             "one mutex",
                                             "one shared copy of atomics" };

/* The work of one thread. */
typedef struct worker {
    pthread_t thread;
    int way;                 /* WAY_* */
    fouine_serve_metrics *m; /* fouine's counts; not owned */
    locked_counts *lc;       /* the mutex's; not owned */
    shared_counts *sc;       /* the shared atomics; not owned */
    long n;                  /* requests to count */
} worker;

static const double latencies[MIX] = { 0.0004, 0.002,  0.003,  0.004,
                                       0.006,  0.008,  0.012,  0.015,
                                       0.02,   0.03,   0.045,  0.06,
                                       0.08,   0.0015, 0.0009, 0.007 };

static void *work(void *p)
{
    worker *w = p;
    long i;
    for (i = 0; i < w->n; i++) {
        int k = (int)(i % MIX);
        int ep = k == 7 ? FOUINE_SERVE_EP_HEALTH : FOUINE_SERVE_EP_SEARCH;
        if (w->way == WAY_MUTEX) {
            locked_count(w->lc, ep, 200, latencies[k]);
        } else if (w->way == WAY_SHARED) {
            shared_count(w->sc, ep, 200, latencies[k]);
        } else {
            fouine_serve_metrics_count(w->m, ep, 200, latencies[k]);
        }
    }
    return NULL;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Run threads threads of n requests each, counting one way; returns the
** wall time in seconds. */
static double run(worker *w, int threads)
{
    double t0 = now_s();
    int i;
    for (i = 0; i < threads; i++) {
        w[i] = w[0];
        if (pthread_create(&w[i].thread, NULL, work, &w[i]) != 0) {
            fprintf(stderr, "bench_metrics: no thread\n");
            exit(2);
        }
    }
    for (i = 0; i < threads; i++) {
        pthread_join(w[i].thread, NULL);
    }
    return now_s() - t0;
}

/* The count of searches answered 200 in a scrape of m. */
static unsigned long long scraped_searches(fouine_serve_metrics *m)
{
    static const char key[] =
        "fouine_http_requests_total{endpoint=\"search\",status=\"200\"} ";
    fouine_serve_config cfg = { .index = "" };
    fouine_serve_reply r;
    unsigned long long n = 0;
    const char *p;
    if (fouine_serve_api_metrics(&r, NULL, &cfg, m) != FOUINE_OK) {
        return 0;
    }
    p = strstr(r.body, key);
    if (p) {
        n = strtoull(p + sizeof key - 1, NULL, 10);
    }
    free(r.body); /* a fouine_buf's: fouine_free() is free(); not ours */
    return n;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    long n = (argc > 2 ? atol(argv[2]) : 4) * 1000000L;
    int reps = argc > 3 ? atoi(argv[3]) : 5, r, way;
    double best[WAYS] = { 1e30, 1e30, 1e30 };
    worker w[64];
    fouine_serve_metrics *m = NULL;
    locked_counts *lc = calloc(1, sizeof *lc); /* not ours: the bench's */
    shared_counts *sc = calloc(1, sizeof *sc); /* zeroed atomics */
    unsigned long long want, got;

    if (threads < 1 || threads > 64 || n < 1 || reps < 1 || !lc || !sc ||
        fouine_serve_metrics_new(&m) != FOUINE_OK) {
        fprintf(stderr, "usage: bench_metrics [THREADS 1-64] [MILLIONS] "
                        "[REPS]\n");
        return 2;
    }
    pthread_mutex_init(&lc->lock, NULL);
    for (r = 0; r < reps; r++) {
        printf("rep %d:", r + 1);
        for (way = 0; way < WAYS; way++) {
            double t;
            memset(&w[0], 0, sizeof w[0]);
            w[0].way = way;
            w[0].m = m;
            w[0].lc = lc;
            w[0].sc = sc;
            w[0].n = n;
            t = run(w, threads);
            best[way] = t < best[way] ? t : best[way];
            printf(" %s %.1f ns;", way_names[way], t * 1e9 / (double)n);
        }
        printf("\n");
    }
    /* Every search counted: 15 in 16 of each thread's requests. */
    want = (unsigned long long)reps * (unsigned long long)threads *
           (unsigned long long)(n - (n + MIX - 1 - 7) / MIX);
    got = scraped_searches(m);
    printf("%d threads, %ld requests each, best of %d, ns a request (wall "
           "time / requests of a thread):",
           threads, n, reps);
    for (way = 0; way < WAYS; way++) {
        printf(" %s %.1f (%.2fx);", way_names[way], best[way] * 1e9 / (double)n,
               best[way] / best[WAY_FOUINE]);
    }
    printf(" fouine's searches counted %llu of %llu\n", got, want);
    fouine_serve_metrics_free(m);
    pthread_mutex_destroy(&lc->lock);
    free(lc); /* not ours */
    free(sc); /* not ours */
    return got == want ? 0 : 1;
}
