/*
** check_serve_ops.c: fouine-serve in operation: GET /metrics (the
** Prometheus text format 0.0.4, counts that go up by exactly the requests
** made, cumulative histograms, the state of the index), the access log
** (one line a request that parses, the query strings only with
** --log-queries, lines of many threads never mixed) and the generation of
** the index in /api/health, one more for each indexing that wrote.
*/
#include "serve/harness.h"

#include "serve/client.h"

#include <ctype.h>
#include <math.h>

static harness H; /* the server of every test but those of other options */

#define SAMPLE_NAME 256 /* bytes of a sample's name and labels */

/* Copy p[0..n) into out (cap bytes), cut to fit, NUL-terminated. */
static void copy_span(char *out, size_t cap, const char *p, size_t n)
{
    if (n >= cap) {
        n = cap - 1;
    }
    memcpy(out, p, n);
    out[n] = '\0';
}

/* GET /metrics into out, checking its status and type. */
static void scrape(const harness *h, http_reply *out)
{
    harness_http(h, out, "GET", "/metrics", "");
    ck_assert_msg(out->status == 200, "/metrics: %ld %s", out->status,
                  out->body);
    ck_assert_msg(strstr(out->headers, "Content-Type: text/plain; "
                                       "version=0.0.4") != NULL,
                  "/metrics: %s", out->headers);
}

/* The value of the sample written exactly "sample" (name and labels) in
** the text of a scrape; 0 when absent (a counter not counted yet). */
static double sample(const char *text, const char *sample_name)
{
    size_t n = strlen(sample_name);
    const char *p = text;
    while (p && *p) {
        if (strncmp(p, sample_name, n) == 0 && p[n] == ' ') {
            return strtod(p + n + 1, NULL);
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    return 0;
}

/* The value of a sample that counts, as a whole number. */
static long long count_of(const char *text, const char *sample_name)
{
    double v = sample(text, sample_name);
    return (long long)v;
}

/* How much a counter went up from one scrape to the next. */
static long long count_diff(const http_reply *before,
                            const http_reply *after,
                            const char *name)
{
    return count_of(after->body, name) - count_of(before->body, name);
}

/* The family of a metric: the name a # TYPE line gave, with its type. */
typedef struct family {
    char name[SAMPLE_NAME];
    char type[16];
} family;

/* Whether s[0..n) is a metric or label name. */
static int is_name(const char *s, size_t n)
{
    size_t i;
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_')) {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != ':') {
            return 0;
        }
    }
    return 1;
}

/* Check the labels of a sample, "{a="x",b="y"}" at p (n bytes); into le
** the value of its le label (or ""), into rest its labels but le. */
static void check_labels(const char *p,
                         size_t n,
                         char *le,
                         char *rest,
                         const char *line)
{
    size_t i = 1, out = 0;
    le[0] = rest[0] = '\0';
    ck_assert_msg(n >= 2 && p[0] == '{' && p[n - 1] == '}', "labels: %s", line);
    while (i < n - 1) {
        size_t k = i, v;
        while (k < n && p[k] != '=') {
            k++;
        }
        ck_assert_msg(k + 1 < n && p[k + 1] == '"' && is_name(p + i, k - i),
                      "label name: %s", line);
        v = k + 2;
        while (v < n && p[v] != '"') {
            ck_assert_msg(p[v] != '\\' && p[v] != '\n', "label value: %s",
                          line);
            v++;
        }
        ck_assert_msg(v < n - 1, "label value not closed: %s", line);
        if (k - i == 2 && strncmp(p + i, "le", 2) == 0) {
            copy_span(le, 32, p + k + 2, (size_t)(v - k - 2));
        } else if (out + (v - i) + 2 < SAMPLE_NAME) {
            memcpy(rest + out, p + i, v + 1 - i);
            out += v + 1 - i;
            rest[out++] = ',';
            rest[out] = '\0';
        }
        i = v + 1;
        if (p[i] == ',') {
            i++;
        } else {
            ck_assert_msg(i == n - 1, "labels: %s", line);
        }
    }
}

/* The state of the histogram series being read. */
typedef struct series {
    char labels[SAMPLE_NAME]; /* its labels but le */
    double last_le;           /* the bound of its last bucket */
    double last_count;        /* and its count */
    int inf;                  /* its +Inf bucket was read */
} series;

/*
** Check the rules of the text format 0.0.4 on a whole scrape: every line
** a # HELP, a # TYPE (once a family, before its samples, counter names
** ending in _total) or a sample "name{labels} value" of the family typed
** last; a histogram's buckets per series in increasing le, cumulative,
** ending at +Inf, then _sum, then _count equal to the +Inf bucket.
** Returns how many samples it read.
*/
static int check_format(const char *text)
{
    family fam = { "", "" };
    series ser = { "", -INFINITY, 0, 0 };
    const char *p = text;
    int samples = 0;

    ck_assert_msg(*text && text[strlen(text) - 1] == '\n',
                  "a scrape ends with a newline");
    while (*p) {
        const char *end = strchr(p, '\n');
        char line[1024], name[SAMPLE_NAME], le[32], labels[SAMPLE_NAME];
        size_t len = (size_t)(end - p), nlen;
        const char *sp, *brace;
        char *vend;
        double value;

        ck_assert_uint_lt(len, sizeof line);
        memcpy(line, p, len);
        line[len] = '\0';
        p = end + 1;
        if (strncmp(line, "# HELP ", 7) == 0) {
            sp = strchr(line + 7, ' ');
            ck_assert_msg(sp && is_name(line + 7, (size_t)(sp - line - 7)) &&
                              sp[1],
                          "HELP: %s", line);
            continue;
        }
        if (strncmp(line, "# TYPE ", 7) == 0) {
            sp = strchr(line + 7, ' ');
            ck_assert_msg(sp && is_name(line + 7, (size_t)(sp - line - 7)),
                          "TYPE: %s", line);
            ck_assert_msg(ser.labels[0] == '\0' || ser.inf,
                          "histogram series without +Inf before: %s", line);
            {
                char whole[1024 + 2];
                snprintf(whole, sizeof whole, "%s\n", line);
                ck_assert_msg(strstr(strstr(text, whole) + 1, whole) == NULL,
                              "TYPE twice: %s", line);
            }
            copy_span(fam.name, sizeof fam.name, line + 7,
                      (size_t)(sp - line - 7));
            snprintf(fam.type, sizeof fam.type, "%s", sp + 1);
            ck_assert_msg(strcmp(fam.type, "counter") == 0 ||
                              strcmp(fam.type, "gauge") == 0 ||
                              strcmp(fam.type, "histogram") == 0,
                          "type: %s", line);
            if (strcmp(fam.type, "counter") == 0) {
                ck_assert_msg(len > 6 && strcmp(fam.name + strlen(fam.name) - 6,
                                                "_total") == 0,
                              "a counter's name ends in _total: %s", line);
            }
            memset(&ser, 0, sizeof ser);
            ser.last_le = -INFINITY;
            continue;
        }
        ck_assert_msg(line[0] != '#', "a comment other than HELP, TYPE: %s",
                      line);
        ck_assert_msg(fam.name[0], "a sample before any TYPE: %s", line);
        sp = strrchr(line, ' ');
        ck_assert_msg(sp != NULL, "sample: %s", line);
        value = strtod(sp + 1, &vend);
        ck_assert_msg(sp[1] && *vend == '\0', "value: %s", line);
        brace = memchr(line, '{', (size_t)(sp - line));
        nlen = brace ? (size_t)(brace - line) : (size_t)(sp - line);
        ck_assert_msg(is_name(line, nlen), "name: %s", line);
        copy_span(name, sizeof name, line, (size_t)(nlen));
        le[0] = labels[0] = '\0';
        if (brace) {
            check_labels(brace, (size_t)(sp - brace), le, labels, line);
        }
        samples++;
        if (strcmp(fam.type, "histogram") != 0) {
            ck_assert_msg(strcmp(name, fam.name) == 0,
                          "a sample of another family than %s: %s", fam.name,
                          line);
            continue;
        }
        if (strncmp(name, fam.name, strlen(fam.name)) != 0) {
            ck_abort_msg("a sample of another family than %s: %s", fam.name,
                         line);
        }
        if (strcmp(name + strlen(fam.name), "_bucket") == 0) {
            double bound;
            if (strcmp(ser.labels, labels) != 0) {
                ck_assert_msg(ser.labels[0] == '\0' || ser.inf,
                              "series without +Inf before: %s", line);
                snprintf(ser.labels, sizeof ser.labels, "%s", labels);
                ser.last_le = -INFINITY;
                ser.last_count = 0;
                ser.inf = 0;
            }
            ck_assert_msg(le[0], "a bucket without le: %s", line);
            bound =
                strcmp(le, "+Inf") == 0 ? (double)INFINITY : strtod(le, NULL);
            ck_assert_msg(bound > ser.last_le, "le not increasing: %s", line);
            ck_assert_msg(value >= ser.last_count, "buckets not cumulative: %s",
                          line);
            ser.last_le = bound;
            ser.last_count = value;
            ser.inf = isinf(bound);
        } else if (strcmp(name + strlen(fam.name), "_sum") == 0) {
            ck_assert_msg(ser.inf && strcmp(ser.labels, labels) == 0,
                          "_sum before the series' +Inf bucket: %s", line);
            ck_assert_msg(value >= 0, "_sum: %s", line);
        } else if (strcmp(name + strlen(fam.name), "_count") == 0) {
            ck_assert_msg(ser.inf && strcmp(ser.labels, labels) == 0,
                          "_count before the series' +Inf bucket: %s", line);
            ck_assert_msg((long long)value == (long long)ser.last_count,
                          "_count is not the +Inf bucket (%g): %s",
                          ser.last_count, line);
        } else {
            ck_abort_msg("not a histogram sample: %s", line);
        }
    }
    return samples;
}

/* Debian's Prometheus client parses a scrape (python3-prometheus-client),
** and finds each family with its type; said and passed over without it. */
static void check_with_parser(const harness *h, const char *text)
{
    static const char script[] =
        "import sys\n"
        "from prometheus_client.parser import text_string_to_metric_families\n"
        "types = {f.name: f.type for f in\n"
        "         text_string_to_metric_families(open(sys.argv[1]).read())}\n"
        "want = {'fouine_http_requests': 'counter',\n"
        "        'fouine_http_request_duration_seconds': 'histogram',\n"
        "        'fouine_index_articles': 'gauge',\n"
        "        'fouine_index_size_bytes': 'gauge',\n"
        "        'fouine_index_updated_timestamp_seconds': 'gauge',\n"
        "        'fouine_index_generation': 'gauge'}\n"
        "for k, v in want.items():\n"
        "    assert types.get(k) == v, (k, types.get(k))\n";
    char py[HARNESS_PATH], scraped[HARNESS_PATH], cmd[4 * HARNESS_PATH];
    int rc;
    if (fouine_test_run("/usr/bin/python3 -c 'import prometheus_client' "
                        ">/dev/null 2>&1",
                        NULL) != 0) {
        printf("python3-prometheus-client absent: /metrics checked by the "
               "format's rules only\n");
        return;
    }
    snprintf(py, sizeof py, "%s/parse_metrics.py", h->dir);
    snprintf(scraped, sizeof scraped, "%s/scrape.txt", h->dir);
    harness_write(py, script);
    harness_write(scraped, text);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s' 2>&1", py, scraped);
    rc = fouine_test_run(cmd, NULL);
    ck_assert_msg(rc == 0, "the Prometheus parser refused /metrics:\n%s", text);
}

START_TEST(metrics_in_prometheus_text_format)
{
    http_reply r, m;
    harness_get(&H, &r, "/api/search?q=gr%C3%A8ve", 200);
    http_reply_free(&r);
    scrape(&H, &m);
    ck_assert_int_gt(check_format(m.body), 30);
    ck_assert_ptr_nonnull(
        strstr(m.body, "# TYPE fouine_http_requests_total counter\n"));
    ck_assert_ptr_nonnull(strstr(
        m.body, "# TYPE fouine_http_request_duration_seconds histogram\n"));
    ck_assert_ptr_nonnull(
        strstr(m.body, "fouine_http_request_duration_seconds_bucket{endpoint="
                       "\"search\",le=\"+Inf\"} "));
    check_with_parser(&H, m.body);
    http_reply_free(&m);
    /* HEAD: the same head, no body. */
    harness_http(&H, &m, "HEAD", "/metrics", "-I");
    ck_assert_int_eq(m.status, 200);
    ck_assert_msg(strstr(m.body, "fouine_http") == NULL, "%s", m.body);
    http_reply_free(&m);
}
END_TEST

/* A request to make, its endpoint and status as /metrics counts them. */
typedef struct counted {
    const char *method;
    const char *path;
    const char *endpoint;
    const char *status;
} counted;

static const counted made[] = {
    { "GET", "/api/search?q=gr%C3%A8ve+sncf", "search", "200" },
    { "GET", "/api/search?q=canicule&sort=date", "search", "200" },
    { "GET", "/api/search?q=tour+de+france&page=2", "search", "200" },
    { "GET", "/api/search", "search", "400" },
    { "GET", "/api/search?q=gr%C3%A8ve&page=0", "search", "400" },
    { "GET", "/api/suggest?q=vigilance+ro", "suggest", "200" },
    { "GET", "/api/health", "health", "200" },
    { "HEAD", "/api/health", "health", "200" },
    { "GET", "/api/categories", "categories", "200" },
    { "GET", "/api/articles/sncf-greve-week-end-tgv-ter.txt", "article",
      "200" },
    { "GET", "/api/articles/inconnu.txt", "article", "404" },
    { "GET", "/", "page", "200" },
    { "GET", "/app.js", "page", "200" },
    /* Writes that write nothing, whatever the server answers them. */
    { "POST", "/api/articles", "write", NULL },
    { "DELETE", "/api/articles/inconnu-a-effacer.txt", "write", NULL },
    { "GET", "/nulle-part", "other", "404" },
    { "PATCH", "/api/health", "other", "405" },
};
#define MADE (sizeof made / sizeof made[0])

/* Each request made, then /metrics: every counter, every histogram's
** _count and +Inf bucket went up by exactly the requests made (the write
** endpoints whatever they answer; the metrics endpoint by the first
** scrape, the second being counted once answered). */
START_TEST(counts_go_up_by_the_requests_made)
{
    static const char *const endpoints[] = { "page",    "search", "suggest",
                                             "article", "health", "categories",
                                             "metrics", "write",  "other" };
    http_reply before, after, r;
    char name[SAMPLE_NAME];
    size_t i, e;

    scrape(&H, &before);
    for (i = 0; i < MADE; i++) {
        harness_http(&H, &r, made[i].method, made[i].path,
                     strcmp(made[i].method, "HEAD") == 0 ? "-I" : "");
        if (made[i].status) {
            ck_assert_msg(r.status == strtol(made[i].status, NULL, 10),
                          "%s %s: %ld", made[i].method, made[i].path, r.status);
        }
        http_reply_free(&r);
    }
    scrape(&H, &after);
    check_format(after.body);
    for (e = 0; e < sizeof endpoints / sizeof endpoints[0]; e++) {
        double want = strcmp(endpoints[e], "metrics") == 0 ? 1 : 0, got = 0;
        const char *p;
        for (i = 0; i < MADE; i++) {
            want += strcmp(made[i].endpoint, endpoints[e]) == 0;
        }
        /* Every status of the endpoint, added up. */
        snprintf(name, sizeof name,
                 "fouine_http_requests_total{endpoint=\"%s\",status=\"",
                 endpoints[e]);
        for (p = strstr(after.body, name); p; p = strstr(p + 1, name)) {
            char full[SAMPLE_NAME];
            size_t n = strcspn(p, " ");
            copy_span(full, sizeof full, p, (size_t)(n));
            got += sample(after.body, full) - sample(before.body, full);
        }
        ck_assert_msg((long long)got == (long long)want,
                      "endpoint %s: %g requests counted, %g made", endpoints[e],
                      got, want);
        snprintf(name, sizeof name,
                 "fouine_http_request_duration_seconds_count{endpoint=\"%s\"}",
                 endpoints[e]);
        ck_assert_msg(count_diff(&before, &after, name) == (long long)want,
                      "%s: %g, expected %g more", name,
                      sample(after.body, name), want);
        snprintf(name, sizeof name,
                 "fouine_http_request_duration_seconds_bucket{endpoint="
                 "\"%s\",le=\"+Inf\"}",
                 endpoints[e]);
        ck_assert_msg(count_diff(&before, &after, name) == (long long)want,
                      "%s", name);
    }
    /* By status too. */
    for (i = 0; i < MADE; i++) {
        double want = 0;
        size_t k;
        if (!made[i].status) {
            continue;
        }
        for (k = 0; k < MADE; k++) {
            want += made[k].status &&
                    strcmp(made[k].endpoint, made[i].endpoint) == 0 &&
                    strcmp(made[k].status, made[i].status) == 0;
        }
        snprintf(name, sizeof name,
                 "fouine_http_requests_total{endpoint=\"%s\",status=\"%s\"}",
                 made[i].endpoint, made[i].status);
        ck_assert_msg(count_diff(&before, &after, name) == (long long)want,
                      "%s: %lld more, %g made", name,
                      count_diff(&before, &after, name), want);
    }
    ck_assert(sample(after.body, "fouine_http_request_duration_seconds_sum{"
                                 "endpoint=\"search\"}") >
              sample(before.body, "fouine_http_request_duration_seconds_sum{"
                                  "endpoint=\"search\"}"));
    http_reply_free(&before);
    http_reply_free(&after);
}
END_TEST

/* The gauges of the index say what /api/health and the file say. */
START_TEST(index_gauges)
{
    http_reply m, h;
    char wal[HARNESS_PATH + 8], stamp[32];
    struct stat st;
    double bytes = 0;
    time_t when;
    struct tm tm;

    harness_get(&H, &h, "/api/health", 200);
    scrape(&H, &m);
    ck_assert_int_eq(count_of(m.body, "fouine_index_up"), 1);
    ck_assert_int_eq(
        count_of(m.body, "fouine_index_articles"),
        (long long)json_integer_value(json_object_get(h.json, "articles")));
    ck_assert_int_eq(
        count_of(m.body, "fouine_index_generation"),
        (long long)json_integer_value(json_object_get(h.json, "generation")));
    ck_assert_int_eq(stat(H.index, &st), 0);
    bytes += (double)st.st_size;
    snprintf(wal, sizeof wal, "%s-wal", H.index);
    if (stat(wal, &st) == 0) {
        bytes += (double)st.st_size;
    }
    ck_assert_msg(count_of(m.body, "fouine_index_size_bytes") ==
                      (long long)bytes,
                  "size %g, the files have %g",
                  sample(m.body, "fouine_index_size_bytes"), bytes);
    when = (time_t)count_of(m.body, "fouine_index_updated_timestamp_seconds");
    ck_assert_ptr_nonnull(gmtime_r(&when, &tm));
    ck_assert_uint_gt(strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm),
                      0);
    ck_assert_str_eq(stamp,
                     json_string_value(json_object_get(h.json, "updated")));
    http_reply_free(&m);
    http_reply_free(&h);
}
END_TEST

/* One line of the access log, split. */
typedef struct log_line {
    char when[40], addr[64], method[16], path[HARNESS_PATH], status[8];
    double ms;
} log_line;

/* Parse the access log line at text (up to its newline): "TIME ADDRESS
** METHOD PATH STATUS N.Nms", TIME ISO 8601 with milliseconds and offset;
** 1 when it is one. */
static int parse_log_line(log_line *out, const char *text)
{
    char ms[32], rest[64] = "", line[2 * HARNESS_PATH];
    int n;
    size_t i;

    copy_span(line, sizeof line, text, strcspn(text, "\n"));
    n = sscanf(line, "%39s %63s %15s %1023s %7s %31s %63[^\n]", out->when,
               out->addr, out->method, out->path, out->status, ms, rest);
    if (n < 6 || strlen(out->when) != 29 || out->path[0] != '/') {
        return 0;
    }
    for (i = 0; i < 29; i++) {
        char c = out->when[i];
        int digit = isdigit((unsigned char)c) != 0;
        if (((i == 4 || i == 7) && c != '-') || (i == 10 && c != 'T') ||
            ((i == 13 || i == 16) && c != ':') || (i == 19 && c != '.') ||
            (i == 23 && c != '+' && c != '-') || (i == 26 && c != ':')) {
            return 0;
        }
        if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && i != 19 &&
            i != 23 && i != 26 && !digit) {
            return 0;
        }
    }
    if (strcmp(out->status, "-") != 0 &&
        (strlen(out->status) != 3 || !isdigit((unsigned char)out->status[0]))) {
        return 0;
    }
    out->ms = strtod(ms, NULL);
    return strlen(ms) > 2 && strcmp(ms + strlen(ms) - 2, "ms") == 0 &&
           (n == 6 || strcmp(rest, "(not completed)") == 0);
}

/* Wait (10 s at most) until the log of h holds a line with want, and
** check that every line of its access log parses, from 127.0.0.1, with a
** query string only when queries is set; returns the log (free()) and
** the number of access lines in *lines. */
static char *log_with(const harness *h,
                      const char *want,
                      int queries,
                      int *lines)
{
    long deadline = client_now_ms() + 10000;
    char *log = NULL;
    const char *p;
    for (;;) {
        free(log);
        log = fouine_test_slurp(h->log);
        if ((log && strstr(log, want)) || client_now_ms() > deadline) {
            break;
        }
        harness_sleep_ms(20);
    }
    ck_assert_msg(log && strstr(log, want), "no \"%s\" in the log:\n%s", want,
                  log ? log : "");
    *lines = 0;
    for (p = log; *p;) {
        const char *end = strchr(p, '\n');
        char line[2 * HARNESS_PATH];
        log_line l;
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (!end) {
            break; /* a line being written */
        }
        copy_span(line, sizeof line, p, (size_t)(n));
        if (strncmp(line, "fouine-serve: ", 14) != 0) {
            ck_assert_msg(parse_log_line(&l, line), "not a log line: %s", line);
            ck_assert_str_eq(l.addr, "127.0.0.1");
            ck_assert_msg(queries || !strchr(l.path, '?'),
                          "a query string in the log: %s", line);
            (*lines)++;
        }
        p = end + 1;
    }
    return log;
}

/* The offset from UTC of local time now, as the log writes it: +01:00. */
static void local_offset(char out[8])
{
    time_t now = time(NULL);
    struct tm tm;
    char z[8];
    ck_assert_ptr_nonnull(localtime_r(&now, &tm));
    ck_assert_uint_eq(strftime(z, sizeof z, "%z", &tm), 5);
    snprintf(out, 8, "%.3s:%.2s", z, z + 3);
}

/* Without --log-queries, the log has paths only: what readers searched
** is not kept; each line parses, with the time of the request. */
START_TEST(access_log_without_queries)
{
    http_reply r;
    log_line l;
    char *log, offset[8], day0[16], day1[16];
    const char *p;
    time_t t0 = time(NULL), t1;
    struct tm tm;
    int lines = 0;

    harness_get(&H, &r, "/api/search?q=gr%C3%A8ve+des+cheminots&page=1", 200);
    http_reply_free(&r);
    harness_get(&H, &r, "/api/suggest?q=canicul", 200);
    http_reply_free(&r);
    harness_get(&H, &r, "/api/articles/secret%20d%C3%A9fense.txt", 404);
    http_reply_free(&r);
    log = log_with(&H, "GET /api/articles/secret%20d%C3%A9fense.txt 404 ", 0,
                   &lines);
    ck_assert_int_ge(lines, 3);
    ck_assert_msg(strstr(log, "GET /api/search 200 ") != NULL, "%s", log);
    ck_assert_msg(strstr(log, "GET /api/suggest 200 ") != NULL, "%s", log);
    ck_assert_msg(strstr(log, "cheminots") == NULL &&
                      strstr(log, "canicul") == NULL,
                  "a query string in the log: %s", log);
    /* The time of the request, local, with its offset. */
    p = strstr(log, "GET /api/suggest 200 ");
    while (p > log && p[-1] != '\n') {
        p--;
    }
    ck_assert(parse_log_line(&l, p));
    local_offset(offset);
    ck_assert_str_eq(l.when + 23, offset);
    t1 = time(NULL);
    ck_assert_ptr_nonnull(localtime_r(&t0, &tm));
    ck_assert_uint_eq(strftime(day0, sizeof day0, "%Y-%m-%d", &tm), 10);
    ck_assert_ptr_nonnull(localtime_r(&t1, &tm));
    ck_assert_uint_eq(strftime(day1, sizeof day1, "%Y-%m-%d", &tm), 10);
    ck_assert_msg(strncmp(l.when, day0, 10) == 0 ||
                      strncmp(l.when, day1, 10) == 0,
                  "%s is not today (%s)", l.when, day1);
    ck_assert_msg(l.ms >= 0 && l.ms < 60000, "%g ms", l.ms);
    free(log);
}
END_TEST

/* With --log-queries, the query strings as sent; in another time zone
** (Nepal's, UTC+05:45, as a POSIX TZ: no zone files needed), its own
** offset. */
START_TEST(access_log_with_queries)
{
    static const char *const args[] = { "--log-queries", "--threads", "2",
                                        NULL };
    harness h2;
    http_reply r;
    char *log, offset[8];
    const char *p;
    log_line l;
    int lines = 0;

    ck_assert_int_eq(setenv("TZ", "NPT-5:45", 1), 0);
    tzset();
    harness_start_other(&h2, &H, "serve-queries.log", args);
    harness_get(&h2, &r, "/api/search?q=gr%C3%A8ve+des+cheminots&page=1", 200);
    http_reply_free(&r);
    log =
        log_with(&h2, "GET /api/search?q=gr%C3%A8ve+des+cheminots&page=1 200 ",
                 1, &lines);
    ck_assert_int_eq(lines, 1);
    p = strstr(log, "GET /api/search?q=");
    while (p > log && p[-1] != '\n') {
        p--;
    }
    ck_assert(parse_log_line(&l, p));
    local_offset(offset);
    ck_assert_str_eq(offset, "+05:45");
    ck_assert_str_eq(l.when + 23, "+05:45");
    free(log);
    ck_assert_int_eq(harness_stop(&h2, SIGTERM), 0);
}
END_TEST

/* Many requests at once on 4 threads: one whole line each, never two
** lines mixed (each line is one write). */
START_TEST(log_lines_of_threads_never_mix)
{
    static const char *const args[] = { "--log-queries", "--threads", "4",
                                        NULL };
    harness h2;
    char cmd[4 * HARNESS_PATH], *log;
    int lines = 0;

    harness_start_other(&h2, &H, "serve-mix.log", args);
    harness_sh(
        "mkdir -p '%s/mix' && curl -s -Z --no-progress-meter --parallel-max 16 -o "
        "'%s/mix/r#1' '%s/api/search?q=gr%%C3%%A8ve&page=[1-64]' -o "
        "'%s/mix/h#1' '%s/api/health?n=[1-32]'",
        h2.dir, h2.dir, h2.base, h2.dir, h2.base);
    {
        long deadline = client_now_ms() + 10000;
        do {
            log = log_with(&h2, "GET /api/health?n=", 1, &lines);
            free(log);
        } while (lines < 96 && client_now_ms() < deadline &&
                 (harness_sleep_ms(20), 1));
    }
    ck_assert_int_eq(lines, 96);
    ck_assert_int_eq(harness_stop(&h2, SIGTERM), 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s/mix'", h2.dir);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
}
END_TEST

/* The generation in /api/health and /metrics: one more for each run of
** fouine-index that wrote to the index (an article added, then removed),
** while the server runs. */
static long long health_generation(long long *articles)
{
    http_reply r;
    long long g;
    harness_get(&H, &r, "/api/health", 200);
    ck_assert_msg(json_is_integer(json_object_get(r.json, "generation")),
                  "no generation: %s", r.body);
    g = json_integer_value(json_object_get(r.json, "generation"));
    *articles = json_integer_value(json_object_get(r.json, "articles"));
    http_reply_free(&r);
    return g;
}

START_TEST(generation_grows_with_each_write)
{
    static const char article[] =
        "Les vendanges commencent tôt en Alsace\n"
        "\n"
        "Le 20 août 2022 à 08h30\n"
        "\n"
        "La chaleur de l’été a avancé la récolte de trois semaines dans les "
        "vignobles du Haut-Rhin.\n";
    char path[2 * HARNESS_PATH];
    http_reply m;
    long long g0, g, n0, n;

    g0 = health_generation(&n0);
    ck_assert_int_ge(g0, 1);
    snprintf(path, sizeof path, "%s/vendanges-alsace.txt", H.articles);
    harness_write(path, article);
    harness_sh("'%s/fouine-index' -o '%s' '%s' >/dev/null 2>&1", H.build,
               H.index, H.articles);
    g = health_generation(&n);
    ck_assert_int_eq(g, g0 + 1);
    ck_assert_int_eq(n, n0 + 1);
    scrape(&H, &m);
    ck_assert_int_eq(count_of(m.body, "fouine_index_generation"), g);
    ck_assert_int_eq(count_of(m.body, "fouine_index_articles"), n);
    http_reply_free(&m);
    ck_assert_int_eq(unlink(path), 0);
    harness_sh("'%s/fouine-index' -o '%s' '%s' >/dev/null 2>&1", H.build,
               H.index, H.articles);
    g = health_generation(&n);
    ck_assert_int_eq(g, g0 + 2);
    ck_assert_int_eq(n, n0);
}
END_TEST

static Suite *ops_suite(void)
{
    Suite *s = suite_create("serve_ops");
    TCase *tc = tcase_create("ops");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, metrics_in_prometheus_text_format);
    tcase_add_test(tc, counts_go_up_by_the_requests_made);
    tcase_add_test(tc, index_gauges);
    tcase_add_test(tc, access_log_without_queries);
    tcase_add_test(tc, access_log_with_queries);
    tcase_add_test(tc, log_lines_of_threads_never_mix);
    /* Last: it changes the index. */
    tcase_add_test(tc, generation_grows_with_each_write);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    static const char *const args[] = { "--threads", "3", NULL };
    return harness_main(&H, ops_suite(), 0, args);
}
