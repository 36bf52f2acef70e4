/*
** serve_metrics.c: what fouine-serve counts of its requests, and GET
** /metrics, those counts and the state of the index in the Prometheus text
** exposition format (version 0.0.4).
**
** The counters are C11 atomics updated without a lock by every thread
** that answers a request (relaxed: each is a count of its own; a scrape
** may see one request in the counts of its status and not yet in its
** histogram, never a count going back).  They are kept in SHARDS copies,
** a thread counting in its own (threads beyond SHARDS share them), which
** a scrape adds up: the threads of the server do not pass the same cache
** lines to each other at every request (bench/RESULTS.md, "Request
** counters").
*/
#include "serve.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fouine/alloc.h"
#include "fouine/buf.h"
#include "fouine/index.h"

/* Statuses counted one by one: 0 (no reply of ours) and 100 to 599. */
#define STATUS_SLOTS 600

/* Copies of the counters, a thread counting in one of them. */
#define SHARDS 8

/* The endpoints' labels, in the order of FOUINE_SERVE_EP_*. */
static const char *const endpoint_names[FOUINE_SERVE_EP_COUNT] = {
    "page",       "search",  "suggest", "article",  "health",
    "categories", "metrics", "write",   "snapshot", "other"
};

/* The upper bounds of the latency histogram's buckets, in seconds (then
** +Inf). */
static const double bucket_le[] = { 0.001, 0.0025, 0.005, 0.01, 0.025,
                                    0.05,  0.1,    0.25,  0.5,  1,
                                    2.5,   5,      10 };
#define BUCKETS (sizeof bucket_le / sizeof bucket_le[0] + 1)

/* The counts of one endpoint. */
typedef struct endpoint_counts {
    atomic_ulong status[STATUS_SLOTS]; /* requests by status (0: none) */
    atomic_ulong bucket[BUCKETS];      /* requests by latency bucket, each
                                          counted in its own (the output
                                          adds them up) */
    atomic_ullong sum_ns;              /* their latencies added, in ns */
} endpoint_counts;

/* The counts of every endpoint, in one copy. */
typedef struct shard {
    endpoint_counts ep[FOUINE_SERVE_EP_COUNT];
} shard;

struct fouine_serve_metrics {
    shard shards[SHARDS];
};

/* The copy the calling thread counts in (the threads in the order of
** their first request), for every fouine_serve_metrics. */
static atomic_uint next_shard;
static _Thread_local unsigned thread_shard = UINT_MAX;

static unsigned my_shard(void)
{
    if (thread_shard == UINT_MAX) {
        thread_shard =
            atomic_fetch_add_explicit(&next_shard, 1, memory_order_relaxed) %
            SHARDS;
    }
    return thread_shard;
}

/* The sums over the copies: requests of endpoint e with status slot i
** (bucket 0) or in latency bucket i (bucket 1); their latencies. */
static unsigned long count_total(const fouine_serve_metrics *m,
                                 size_t e,
                                 int bucket,
                                 size_t i)
{
    unsigned long n = 0;
    size_t k;
    for (k = 0; k < SHARDS; k++) {
        const endpoint_counts *c = &m->shards[k].ep[e];
        n += atomic_load_explicit(bucket ? &c->bucket[i] : &c->status[i],
                                  memory_order_relaxed);
    }
    return n;
}

static unsigned long long ns_total(const fouine_serve_metrics *m, size_t e)
{
    unsigned long long n = 0;
    size_t k;
    for (k = 0; k < SHARDS; k++) {
        n += atomic_load_explicit(&m->shards[k].ep[e].sum_ns,
                                  memory_order_relaxed);
    }
    return n;
}

int fouine_serve_metrics_new(fouine_serve_metrics **out)
{
    fouine_serve_metrics *m = fouine_malloc(sizeof *m);
    size_t k, e, i;
    *out = NULL;
    if (!m) {
        return FOUINE_ENOMEM;
    }
    for (k = 0; k < SHARDS; k++) {
        for (e = 0; e < FOUINE_SERVE_EP_COUNT; e++) {
            endpoint_counts *c = &m->shards[k].ep[e];
            for (i = 0; i < STATUS_SLOTS; i++) {
                atomic_init(&c->status[i], 0);
            }
            for (i = 0; i < BUCKETS; i++) {
                atomic_init(&c->bucket[i], 0);
            }
            atomic_init(&c->sum_ns, 0);
        }
    }
    *out = m;
    return FOUINE_OK;
}

void fouine_serve_metrics_free(fouine_serve_metrics *m)
{
    fouine_free(m);
}

int fouine_serve_metrics_endpoint(const char *method, const char *url)
{
    static const char articles[] = "/api/articles/";
    static const struct {
        const char *path;
        int ep;
    } exact[] = { { "/api/search", FOUINE_SERVE_EP_SEARCH },
                  { "/api/suggest", FOUINE_SERVE_EP_SUGGEST },
                  { "/api/health", FOUINE_SERVE_EP_HEALTH },
                  { "/api/categories", FOUINE_SERVE_EP_CATEGORIES },
                  { "/metrics", FOUINE_SERVE_EP_METRICS },
                  { "/api/snapshot", FOUINE_SERVE_EP_SNAPSHOT },
                  { "/api/snapshot/manifest", FOUINE_SERVE_EP_SNAPSHOT } };
    size_t i;

    /* Any write, whatever its path, so that the write endpoints are
    ** counted as such wherever they are. */
    if (method && (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
                   strcmp(method, "DELETE") == 0)) {
        return FOUINE_SERVE_EP_WRITE;
    }
    if (!url ||
        (method && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)) {
        return FOUINE_SERVE_EP_OTHER;
    }
    for (i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        if (strcmp(url, exact[i].path) == 0) {
            return exact[i].ep;
        }
    }
    if (strncmp(url, articles, sizeof articles - 1) == 0) {
        return FOUINE_SERVE_EP_ARTICLE;
    }
    if (strncmp(url, "/api/", 5) != 0) {
        size_t k;
        const char *path = strcmp(url, "/") == 0 ? "/index.html" : url;
        for (k = 0; k < fouine_serve_asset_count; k++) {
            if (strcmp(path, fouine_serve_assets[k].path) == 0) {
                return FOUINE_SERVE_EP_PAGE;
            }
        }
    }
    return FOUINE_SERVE_EP_OTHER;
}

void fouine_serve_metrics_count(fouine_serve_metrics *m,
                                int endpoint,
                                unsigned status,
                                double seconds)
{
    endpoint_counts *c;
    size_t b = 0;
    if (!m || endpoint < 0 || endpoint >= FOUINE_SERVE_EP_COUNT) {
        return;
    }
    c = &m->shards[my_shard()].ep[endpoint];
    if (seconds < 0) {
        seconds = 0;
    }
    while (b + 1 < BUCKETS && seconds > bucket_le[b]) {
        b++;
    }
    atomic_fetch_add_explicit(
        &c->status[status >= 100 && status < STATUS_SLOTS ? status : 0], 1,
        memory_order_relaxed);
    atomic_fetch_add_explicit(&c->bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->sum_ns,
                              (unsigned long long)(seconds * 1e9 + 0.5),
                              memory_order_relaxed);
}

/* Nanoseconds as seconds. */
static double ns_seconds(unsigned long long ns)
{
    return (double)ns / 1e9;
}

/* Append the requests' counters and histograms to b. */
static void put_requests(fouine_buf *b, const fouine_serve_metrics *m)
{
    size_t e, i;

    fouine_buf_puts(b, "# HELP fouine_http_requests_total HTTP requests "
                       "answered, by endpoint and status (none: no reply "
                       "sent by fouine-serve).\n"
                       "# TYPE fouine_http_requests_total counter\n");
    for (e = 0; e < FOUINE_SERVE_EP_COUNT; e++) {
        for (i = 0; i < STATUS_SLOTS; i++) {
            unsigned long n = count_total(m, e, 0, i);
            char status[16] = "none";
            if (n == 0) {
                continue;
            }
            if (i > 0) {
                snprintf(status, sizeof status, "%zu", i);
            }
            fouine_buf_printf(b,
                              "fouine_http_requests_total{endpoint=\"%s\","
                              "status=\"%s\"} %lu\n",
                              endpoint_names[e], status, n);
        }
    }
    fouine_buf_puts(b, "# HELP fouine_http_request_duration_seconds Time "
                       "from a request's first line to its reply, by "
                       "endpoint.\n"
                       "# TYPE fouine_http_request_duration_seconds "
                       "histogram\n");
    for (e = 0; e < FOUINE_SERVE_EP_COUNT; e++) {
        const char *name = endpoint_names[e];
        unsigned long total = 0;
        for (i = 0; i < BUCKETS; i++) {
            total += count_total(m, e, 1, i);
            if (i + 1 < BUCKETS) {
                fouine_buf_printf(b,
                                  "fouine_http_request_duration_seconds_"
                                  "bucket{endpoint=\"%s\",le=\"%g\"} %lu\n",
                                  name, bucket_le[i], total);
            } else {
                fouine_buf_printf(b,
                                  "fouine_http_request_duration_seconds_"
                                  "bucket{endpoint=\"%s\",le=\"+Inf\"} %lu\n",
                                  name, total);
            }
        }
        fouine_buf_printf(
            b,
            "fouine_http_request_duration_seconds_sum{endpoint=\"%s\"} %.9f\n",
            name, ns_seconds(ns_total(m, e)));
        /* The +Inf bucket's total, read once: the two always agree. */
        fouine_buf_printf(
            b,
            "fouine_http_request_duration_seconds_count{endpoint=\"%s\"} "
            "%lu\n",
            name, total);
    }
}

/* Append one gauge, its help and its value. */
static void put_gauge(fouine_buf *b,
                      const char *name,
                      const char *help,
                      long long value)
{
    fouine_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help,
                      name, name, value);
}

/* The same for a counter. */
static void put_counter(fouine_buf *b,
                        const char *name,
                        const char *help,
                        long long value)
{
    fouine_buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %lld\n", name,
                      help, name, name, value);
}

/* The state of a replica's follower (--follow). */
static void put_follow(fouine_buf *b, fouine_serve_follow *f)
{
    fouine_serve_follow_state st;
    fouine_serve_follow_status(&st, f);
    put_gauge(b, "fouine_follow_ok",
              "Whether the last poll of the source succeeded (1).",
              st.polls > 0 && st.last_error[0] == '\0');
    put_gauge(b, "fouine_follow_generation",
              "Generation of the snapshot served.", st.generation);
    put_gauge(b, "fouine_follow_source_generation",
              "Generation of the source's manifest read last (-1: none).",
              st.source_gen);
    put_gauge(b, "fouine_follow_behind",
              "Generations the snapshot served is behind the source's.",
              st.source_gen > st.generation ? st.source_gen - st.generation :
                                              0);
    put_gauge(b, "fouine_follow_last_ok_timestamp_seconds",
              "When a poll of the source last succeeded, seconds since 1970 "
              "(0: never).",
              st.last_ok);
    put_counter(b, "fouine_follow_polls_total", "Polls of the source.",
                st.polls);
    put_counter(b, "fouine_follow_failures_total",
                "Polls of the source that failed (the snapshot served kept).",
                st.failures);
    put_counter(b, "fouine_follow_switches_total",
                "Snapshots fetched, checked and switched to.", st.switches);
}

/* Bytes of the file at path and of its WAL (0 for what is missing). */
static long long index_bytes(const char *path)
{
    char wal[4096];
    struct stat st;
    long long n = 0;
    if (stat(path, &st) == 0) {
        n += (long long)st.st_size;
    }
    if (snprintf(wal, sizeof wal, "%s-wal", path) < (int)sizeof wal &&
        stat(wal, &st) == 0) {
        n += (long long)st.st_size;
    }
    return n;
}

/* Seconds since 1970 of an ISO 8601 UTC time "2019-04-16T08:12:00Z"
** (fouine_index_updated()'s), or -1. */
static long long unix_seconds(const char *iso)
{
    long long y, days;
    int year, mo, d, h, mi, s;
    char z = 0;
    if (!iso ||
        sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &mo, &d, &h, &mi, &s,
               &z) != 7 ||
        z != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31) {
        return -1;
    }
    /* Days from the civil date (H. Hinnant's algorithm: years from
    ** March, so that February's leap day ends the year). */
    y = year - (mo <= 2);
    {
        long long era = (y >= 0 ? y : y - 399) / 400;
        long long yoe = y - era * 400;
        long long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        days = era * 146097 + doe - 719468;
    }
    return days * 86400 + h * 3600 + mi * 60 + s;
}

/* Append the gauges of the index that w reads (in its transaction);
** FOUINE_OK or the code of the index's failure. */
static int put_index(fouine_buf *b,
                     fouine_serve_worker *w,
                     const fouine_serve_config *cfg)
{
    long long articles = 0, generation = 0, when;
    char *updated = NULL;
    int rc = fouine_index_count(&articles, w->ix);
    if (rc == FOUINE_OK) {
        rc = fouine_index_updated(&updated, w->ix);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_index_generation(&generation, w->ix);
    }
    if (rc != FOUINE_OK) {
        fouine_free(updated);
        return rc;
    }
    put_gauge(b, "fouine_index_up", "Whether the index could be read (1).", 1);
    put_gauge(b, "fouine_index_articles", "Articles in the index.", articles);
    put_gauge(b, "fouine_index_size_bytes",
              "Bytes of the index file and of its write-ahead log.",
              index_bytes(cfg->index));
    when = unix_seconds(updated);
    if (when >= 0) {
        put_gauge(b, "fouine_index_updated_timestamp_seconds",
                  "When the index last changed, in seconds since 1970 (UTC).",
                  when);
    }
    put_gauge(b, "fouine_index_generation",
              "Commits that wrote to the index (fouine_index_generation()).",
              generation);
    fouine_free(updated);
    return FOUINE_OK;
}

int fouine_serve_api_metrics(fouine_serve_reply *r,
                             fouine_serve_worker *w,
                             const fouine_serve_config *cfg,
                             const fouine_serve_metrics *m)
{
    fouine_buf b = { 0 };
    int rc = FOUINE_OK;

    memset(r, 0, sizeof *r);
    if (m) {
        put_requests(&b, m);
    }
    if (w) {
        rc = put_index(&b, w, cfg);
    }
    if (rc == FOUINE_ENOMEM) {
        fouine_free(b.data);
        return rc;
    }
    if (!w || rc != FOUINE_OK) { /* the index cannot be read: said so */
        put_gauge(&b, "fouine_index_up", "Whether the index could be read (1).",
                  0);
    }
    if (cfg->follow) {
        put_follow(&b, cfg->follow);
    }
    if (b.failed || !b.data) {
        fouine_free(b.data);
        return FOUINE_ENOMEM;
    }
    r->status = 200;
    r->body = b.data; /* fouine_free() is free() (fouine/buf.h) */
    r->len = b.len;
    r->type = "text/plain; version=0.0.4; charset=utf-8";
    return FOUINE_OK;
}
