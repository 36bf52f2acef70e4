/*
** serve_http.c: the HTTP side of fouine-serve on libmicrohttpd: its thread
** pool, persistent connections and their limits (per address, deadlines:
** serve_watch.c), routing, request validation, JSON errors, security and
** CORS headers, the access log, the counts of requests (serve_metrics.c)
** and a stop that lets requests in flight finish.
*/
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fouine/alloc.h"
#include "fouine/buf.h"

#define MEMORY_LIMIT   (64u * 1024u) /* bytes a connection may hold */
#define CONN_LIMIT     1024u         /* connections at once, at most */
#define FD_RESERVE     64u           /* descriptors kept for all else */
#define STOP_WAIT_MS   10000         /* longest wait for requests in flight */
#define EXCHANGE_MS    10000 /* longest exchange of fouine_serve_exchange() */
#define EXCHANGE_MAX   (8u * 1024u * 1024u) /* bytes of replies kept */
#define LOG_PATH_BYTES 1024 /* bytes of a path (and query) in the log */

/* Content-Security-Policy of the page: nothing from outside, no inline
** script, so text that slipped through as HTML could still not run. */
#define PAGE_CSP                                                  \
    "default-src 'none'; script-src 'self'; style-src 'self'; "   \
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; " \
    "form-action 'self'; frame-ancestors 'none'"

struct fouine_serve_daemon {
    struct MHD_Daemon *mhd;         /* owned */
    const fouine_serve_config *cfg; /* not owned; outlives the daemon */
    fouine_serve_watch *watch;      /* the deadlines; owned */
    fouine_serve_pool *pool;        /* the threads of searches and
                                       completions (NULL: they run in
                                       libmicrohttpd's thread); owned */
    fouine_serve_pool *writes;      /* the one thread of writes (NULL:
                                       they run in libmicrohttpd's); owned */
    fouine_serve_worker *writer;    /* the writable index, used by the
                                       thread of writes only; owned */
    atomic_int in_flight;           /* requests begun and not yet completed */
    fouine_serve_metrics *metrics;  /* the counts of requests; owned */
};

/* The watch's handle of the connection of a request, or NULL. */
static fouine_serve_conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/* MHD_OPTION_NOTIFY_CONNECTION: a connection opens or is about to be
** closed (its socket is still open then).  *socket_context holds the
** watch's handle of the connection (owned by the watch; NULL without a
** watch) from the one to the other. */
static void conn_notify(void *cls,
                        struct MHD_Connection *c,
                        void **socket_context,
                        enum MHD_ConnectionNotificationCode toe)
{
    fouine_serve_daemon *d = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context =
            info ? fouine_serve_watch_add(d->watch, info->connect_fd) : NULL;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        fouine_serve_watch_remove(d->watch, *socket_context);
        *socket_context = NULL;
    }
}

/* The API's endpoints. */
enum {
    API_NONE,       /* not one */
    API_SEARCH,     /* /api/search (in the pool) */
    API_SUGGEST,    /* /api/suggest (in the pool) */
    API_HEALTH,     /* /api/health */
    API_CATEGORIES, /* /api/categories */
    API_ARTICLE,    /* /api/articles/ID */
    API_RELATED,    /* /api/articles/ID/related (in the pool) */
    API_WRITE,      /* POST, PUT, DELETE (in the thread of writes) */
    API_METRICS     /* /metrics */
};

/* The parameters that the endpoints run in the pool read: copied from the
** request before it is queued, libmicrohttpd's own being its thread's. */
static const char *const pool_params[] = { "q",        "page",    "per_page",
                                           "sort",     "since",   "until",
                                           "category", "correct", "half_life",
                                           "collapse", "n" };
#define POOL_PARAMS (sizeof pool_params / sizeof pool_params[0])

/* State of one request, from its request line to its completion. */
typedef struct fouine_serve_request {
    fouine_serve_task task;        /* first: its work in the pool */
    struct timespec start;         /* when its request line was read */
    struct timespec wall;          /* the same, on the wall clock */
    unsigned status;               /* status sent */
    int metric;                    /* its endpoint, FOUINE_SERVE_EP_* */
    int counted;                   /* in the metrics (its reply queued) */
    char addr[INET6_ADDRSTRLEN];   /* the client's address, for the log */
    int bad_escape;                /* where the raw URI has a malformed
                                      %-escape (ESCAPE_*) */
    char escape_param[32];         /* the parameter of ESCAPE_PARAMETER,
                                      as the URI names it, or "" */
    int head_read;                 /* the handler saw its headers */
    char method[16];               /* for the log */
    char path[LOG_PATH_BYTES + 1]; /* raw path for the log (and query
                                      with --log-queries), printable */
    /* A request answered in the pool (its connection suspended meanwhile): */
    fouine_serve_daemon *d;      /* its daemon; not owned */
    struct MHD_Connection *conn; /* its connection; libmicrohttpd's */
    int endpoint;                /* API_SEARCH, API_SUGGEST or API_RELATED */
    char *values[POOL_PARAMS];   /* pool_params' values or NULL; owned */
    fouine_serve_reply reply;    /* made by the pool; its body owned
                                        until sent (free(): json_dumps()'s) */
    atomic_int ready;            /* the pool made reply */
    /* A write (serve_write.c): */
    int write;       /* FOUINE_SERVE_POST, _PUT, _DELETE, or 0: a read */
    fouine_buf body; /* its body, as read so far; owned */
    int too_large;   /* the body went over cfg->max_body (not kept) */
    char *id;        /* the ID of its path (PUT, DELETE); owned */
} fouine_serve_request;

/* Lookup of query parameters for the endpoints. */
static const char *get_param(const char *name, void *payload)
{
    return MHD_lookup_connection_value(payload, MHD_GET_ARGUMENT_KIND, name);
}

/* The same on the copies of a request queued in the pool. */
static const char *get_copied(const char *name, void *payload)
{
    const fouine_serve_request *req = payload;
    size_t i;
    for (i = 0; i < POOL_PARAMS; i++) {
        if (strcmp(name, pool_params[i]) == 0) {
            return req->values[i];
        }
    }
    return NULL;
}

/* Room for a message about one parameter: its name (at most
** FOUINE_SERVE_MAX_PARAM bytes) and why. */
#define PARAM_WHY (FOUINE_SERVE_MAX_PARAM + 128)

/* Checks every query parameter: valid UTF-8, no NUL, bounded length. */
typedef struct param_check {
    char bad[PARAM_WHY]; /* why the first bad parameter is bad, naming it,
                            or "" */
} param_check;

static enum MHD_Result check_param(void *cls,
                                   enum MHD_ValueKind kind,
                                   const char *key,
                                   size_t key_size,
                                   const char *value,
                                   size_t value_size)
{
    param_check *pc = cls;
    size_t limit =
        strcmp(key, "q") == 0 ? FOUINE_SERVE_MAX_QUERY : FOUINE_SERVE_MAX_PARAM;
    (void)kind;
    /* The name first: only a name that is text, and short, is named. */
    if (!fouine_serve_text_valid(pc->bad, sizeof pc->bad, "a parameter name",
                                 key, key_size)) {
        return MHD_NO;
    }
    if (key_size > FOUINE_SERVE_MAX_PARAM) {
        snprintf(pc->bad, sizeof pc->bad,
                 "a parameter name is longer than %d bytes",
                 FOUINE_SERVE_MAX_PARAM);
        return MHD_NO;
    }
    if (value && !fouine_serve_text_valid(pc->bad, sizeof pc->bad, key, value,
                                          value_size)) {
        return MHD_NO;
    }
    if (value_size > limit) {
        snprintf(pc->bad, sizeof pc->bad, "%s is longer than %zu bytes", key,
                 limit);
        return MHD_NO;
    }
    return MHD_YES;
}

/* Where a raw URI has a malformed %-escape, or a %00 in its path
** (escape_fault()). */
enum {
    ESCAPE_NONE,      /* nowhere */
    ESCAPE_PATH,      /* a malformed escape in the path */
    ESCAPE_PATH_NUL,  /* a %00 in the path */
    ESCAPE_NAME,      /* a malformed escape in a parameter's name */
    ESCAPE_PARAMETER, /* a malformed escape in a parameter's value */
};

/*
** Where uri has a '%' that starts no %XX escape, or, in its path, a %00
** (libmicrohttpd gives the path as a C string, which a NUL would cut; the
** parameters come with their lengths, and check_param() refuses a NUL
** there, naming the parameter): ESCAPE_*.  For ESCAPE_PARAMETER, the name
** of the parameter as the URI writes it into name (size bytes) when it is
** plain (letters, digits, '_', '-', '.'), else "".
*/
static int escape_fault(char *name, size_t size, const char *uri)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";
    const char *query = strchr(uri, '?'), *p, *start, *end;
    name[0] = '\0';
    for (p = strchr(uri, '%'); p; p = strchr(p + 1, '%')) {
        int bad = !p[1] || !p[2] || !strchr(hex, p[1]) || !strchr(hex, p[2]);
        if (!query || p < query) {
            if (bad || (p[1] == '0' && p[2] == '0')) {
                return bad ? ESCAPE_PATH : ESCAPE_PATH_NUL;
            }
            continue;
        }
        if (!bad) {
            continue;
        }
        for (start = p; start > query + 1 && start[-1] != '&'; start--) {
        }
        end = memchr(start, '=', (size_t)(p - start));
        if (!end) {
            return ESCAPE_NAME;
        }
        if (start + strspn(start, plain) == end && end > start &&
            (size_t)(end - start) < size) {
            memcpy(name, start, (size_t)(end - start));
            name[end - start] = '\0';
        }
        return ESCAPE_PARAMETER;
    }
    return ESCAPE_NONE;
}

/* Why the request's URI is refused for an escape (req->bad_escape not
** ESCAPE_NONE), into why (PARAM_WHY bytes). */
static void escape_why(char *why, const fouine_serve_request *req)
{
    static const char malformed[] = "holds a malformed percent-encoding (a "
                                    "'%' not followed by two hexadecimal "
                                    "digits)";
    snprintf(why, PARAM_WHY, "%s %s",
             req->bad_escape == ESCAPE_PATH ||
                     req->bad_escape == ESCAPE_PATH_NUL ?
                 "the path" :
             req->bad_escape == ESCAPE_NAME ? "a parameter name" :
             req->escape_param[0]           ? req->escape_param :
                                              "a parameter",
             req->bad_escape == ESCAPE_PATH_NUL ?
                 "holds a control character (U+0000)" :
                 malformed);
}

static double elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* Into out (size bytes), the raw uri as the log shows it: its path, and
** its query string when queries is set; bytes that are not printable
** ASCII (space included) percent-encoded, so that it is one field. */
static void log_uri(char *out, size_t size, const char *uri, int queries)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (; *uri && (queries || *uri != '?'); uri++) {
        unsigned char ch = (unsigned char)*uri;
        if (ch > 0x20 && ch < 0x7f && n + 1 < size) {
            out[n++] = (char)ch;
        } else if (!(ch > 0x20 && ch < 0x7f) && n + 3 < size) {
            out[n++] = '%';
            out[n++] = hex[ch >> 4];
            out[n++] = hex[ch & 15];
        } else {
            break; /* cut */
        }
    }
    out[n] = '\0';
}

/* Into out, the client's address of connection c as text, or "-". */
static void client_addr(char out[INET6_ADDRSTRLEN], struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;
    const void *bytes = NULL;
    if (sa && sa->sa_family == AF_INET) {
        bytes = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    } else if (sa && sa->sa_family == AF_INET6) {
        bytes = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
    }
    if (!bytes || !inet_ntop(sa->sa_family, bytes, out, INET6_ADDRSTRLEN)) {
        snprintf(out, INET6_ADDRSTRLEN, "-");
    }
}

/* MHD_OPTION_URI_LOG_CALLBACK: the start of every request. */
static void *request_begin(void *cls, const char *uri, struct MHD_Connection *c)
{
    fouine_serve_daemon *d = cls;
    fouine_serve_request *req = fouine_calloc(1, sizeof *req);
    if (!req) {
        return NULL;
    }
    clock_gettime(CLOCK_MONOTONIC, &req->start);
    clock_gettime(CLOCK_REALTIME, &req->wall);
    atomic_init(&req->ready, 0);
    req->bad_escape =
        escape_fault(req->escape_param, sizeof req->escape_param, uri);
    req->metric = FOUINE_SERVE_EP_OTHER; /* until its method is known */
    log_uri(req->path, sizeof req->path, uri, d->cfg->log_queries);
    client_addr(req->addr, c);
    atomic_fetch_add(&d->in_flight, 1);
    return req;
}

/* The local time of the last second a thread logged, formatted: glibc's
** localtime_r() takes a lock, which each thread then takes once a second
** at most, not once a request. */
static _Thread_local time_t log_second = (time_t)-1;
static _Thread_local char log_stamp[32]; /* "2019-04-16T10:12:00" */
static _Thread_local char log_zone[8];   /* "+02:00" */

/* Into out (size bytes, 64 is enough), t as ISO 8601 local time with
** milliseconds and the offset from UTC, "2019-04-16T10:12:00.031+02:00";
** "-" when unknown. */
static void log_time(char *out, size_t size, const struct timespec *t)
{
    if (t->tv_sec != log_second) {
        struct tm tm;
        char zone[8];
        if (!localtime_r(&t->tv_sec, &tm) ||
            strftime(log_stamp, sizeof log_stamp, "%Y-%m-%dT%H:%M:%S", &tm) ==
                0 ||
            strftime(zone, sizeof zone, "%z", &tm) != 5) {
            log_second = (time_t)-1;
            snprintf(out, size, "-");
            return;
        }
        /* strftime's %z is +0200: ISO 8601's extended form is +02:00. */
        snprintf(log_zone, sizeof log_zone, "%.3s:%.2s", zone, zone + 3);
        log_second = t->tv_sec;
    }
    snprintf(out, size, "%s.%03d%s", log_stamp,
             (int)(t->tv_nsec / 1000000L) % 1000, log_zone);
}

/* MHD_OPTION_NOTIFY_COMPLETED: the end of every request. */
static void request_end(void *cls,
                        struct MHD_Connection *c,
                        void **req_cls,
                        enum MHD_RequestTerminationCode toe)
{
    fouine_serve_daemon *d = cls;
    fouine_serve_request *req = *req_cls;
    size_t i;
    fouine_serve_watch_busy(d->watch, conn_of(c), 0);
    if (!req) {
        return;
    }
    if (!req->counted) {
        /* No reply of ours: refused by libmicrohttpd, or cut short. */
        fouine_serve_metrics_count(d->metrics, req->metric, 0,
                                   elapsed_ms(&req->start) / 1e3);
    }
    for (i = 0; i < POOL_PARAMS; i++) {
        fouine_free(req->values[i]);
    }
    free(req->reply.body); /* a reply not sent; json_dumps()'s: not ours */
    fouine_free(req->body.data);
    fouine_free(req->id);
    if (!d->cfg->quiet) {
        char line[LOG_PATH_BYTES + 192], when[64];
        long tenths = (long)(elapsed_ms(&req->start) * 10.0);
        char status[16] = "-"; /* none sent by us: refused by MHD */
        int n;
        if (req->status) {
            snprintf(status, sizeof status, "%u", req->status);
        }
        log_time(when, sizeof when, &req->wall);
        n = snprintf(line, sizeof line, "%s %s %s %s %s %ld.%ldms%s\n", when,
                     req->addr, req->method[0] ? req->method : "-", req->path,
                     status, tenths / 10, tenths % 10,
                     toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ?
                         "" :
                         " (not completed)");
        if (n > 0) {
            /* One write a line, so that lines of threads never mix. */
            ssize_t w =
                write(STDERR_FILENO, line,
                      (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
            (void)w;
        }
    }
    fouine_free(req);
    *req_cls = NULL;
    atomic_fetch_sub(&d->in_flight, 1);
}

/* Add the headers every reply carries. */
static void common_headers(struct MHD_Response *resp,
                           const fouine_serve_daemon *d,
                           const char *type)
{
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    if (d->cfg->cors) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin",
                                d->cfg->cors);
        MHD_add_response_header(resp, "Vary", "Origin");
    }
}

/* Send r (its body is handed to MHD) and record the status. */
static enum MHD_Result send_reply(fouine_serve_daemon *d,
                                  struct MHD_Connection *c,
                                  fouine_serve_request *req,
                                  fouine_serve_reply *r,
                                  int is_page)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    int file = r->has_file ? r->file : -1;

    if (r->has_file) {
        /* libmicrohttpd owns the descriptor now, even on failure. */
        resp = MHD_create_response_from_fd64(r->len, r->file);
        r->has_file = 0;
    } else if (r->static_body) {
        resp = MHD_create_response_from_buffer(
            r->len, (void *)(uintptr_t)r->static_body, MHD_RESPMEM_PERSISTENT);
    } else {
        resp = MHD_create_response_from_buffer(r->len, r->body,
                                               MHD_RESPMEM_MUST_FREE);
    }
    if (!resp) {
        if (file >= 0) {
            close(file); /* not taken by libmicrohttpd */
        }
        free(r->body); /* json_dumps()'s: not ours */
        r->body = NULL;
        return MHD_NO;
    }
    r->body = NULL; /* MHD owns it now */
    common_headers(resp, d, r->type);
    if (is_page) {
        MHD_add_response_header(resp, "Content-Security-Policy", PAGE_CSP);
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
    } else {
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    }
    if (r->etag[0]) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
    }
    if (r->header) {
        MHD_add_response_header(resp, r->header, r->header_value);
    } else if (r->status == MHD_HTTP_METHOD_NOT_ALLOWED) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    }
    if (req) {
        req->status = r->status;
        /* Counted before the reply leaves: a client that has it sees it
        ** in the next /metrics. */
        fouine_serve_metrics_count(d->metrics, req->metric, r->status,
                                   elapsed_ms(&req->start) / 1e3);
        req->counted = 1;
    }
    ret = MHD_queue_response(c, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* A last-resort reply when even a JSON error could not be built. */
static void reply_static_error(fouine_serve_reply *r, unsigned status)
{
    static const char body[] = "{\"status\":500,\"error\":\"internal error\"}";
    memset(r, 0, sizeof *r);
    r->status = status;
    r->static_body = (const unsigned char *)body;
    r->len = sizeof body - 1;
    r->type = "application/json; charset=utf-8";
}

/* The suffix of the path of an article's related articles. */
static const char related_suffix[] = "/related";

/* Which endpoint url is (API_NONE: none).  A path of an article that ends
** in "/related" is its related articles (an id that ends so cannot be
** read through /api/articles/ID). */
static int endpoint_of(const char *url)
{
    static const char articles[] = "/api/articles/";
    size_t len = strlen(url);
    if (strcmp(url, "/api/search") == 0) {
        return API_SEARCH;
    }
    if (strcmp(url, "/api/suggest") == 0) {
        return API_SUGGEST;
    }
    if (strcmp(url, "/api/health") == 0) {
        return API_HEALTH;
    }
    if (strcmp(url, "/api/categories") == 0) {
        return API_CATEGORIES;
    }
    if (strncmp(url, articles, sizeof articles - 1) == 0 &&
        len > sizeof articles - 1 + sizeof related_suffix - 1 &&
        strcmp(url + len - (sizeof related_suffix - 1), related_suffix) == 0) {
        return API_RELATED;
    }
    if (strncmp(url, articles, sizeof articles - 1) == 0 &&
        url[sizeof articles - 1] != '\0') {
        return API_ARTICLE;
    }
    return API_NONE;
}

/*
** Answer endpoint e of url, with params, in the calling thread with its
** worker, in one read transaction.  Sets r; returns FOUINE_OK, or another
** code when not even an error could be built.
*/
static int run_api(fouine_serve_daemon *d,
                   int e,
                   const char *url,
                   const fouine_serve_params *params,
                   fouine_serve_reply *r)
{
    fouine_serve_worker *w = NULL;
    int rc = fouine_serve_worker_get(&w, d->cfg);

    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-serve: %s: %s\n", d->cfg->index,
                fouine_errmsg(rc));
        if (e == API_METRICS) { /* the counts still, without the index's */
            return fouine_serve_api_metrics(r, NULL, d->cfg, d->metrics);
        }
        return fouine_serve_reply_error(r, 503, "the index cannot be opened");
    }
    /* One read transaction a request: all its statements see the index
    ** as one commit left it (a rebuild's copy is one commit). */
    rc = fouine_index_begin(w->ix);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-serve: %s: %s\n", d->cfg->index,
                rc == FOUINE_EDB ? fouine_index_errmsg(w->ix) :
                                   fouine_errmsg(rc));
        if (e == API_METRICS) {
            return fouine_serve_api_metrics(r, NULL, d->cfg, d->metrics);
        }
        return fouine_serve_reply_error(r, 503, "the index cannot be read");
    }
    if (e == API_SEARCH) {
        rc = fouine_serve_api_search(r, w, d->cfg, params);
    } else if (e == API_SUGGEST) {
        rc = fouine_serve_api_suggest(r, w, params);
    } else if (e == API_HEALTH) {
        rc = fouine_serve_api_health(r, w, d->cfg);
    } else if (e == API_CATEGORIES) {
        rc = fouine_serve_api_categories(r, w);
    } else if (e == API_METRICS) {
        rc = fouine_serve_api_metrics(r, w, d->cfg, d->metrics);
    } else if (e == API_RELATED) {
        const char *id = url + strlen("/api/articles/");
        rc = fouine_serve_api_related(
            r, w, id, strlen(id) - (sizeof related_suffix - 1), params);
    } else {
        rc = fouine_serve_api_article(r, w, url + strlen("/api/articles/"));
    }
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-serve: %s: %s\n", url,
                rc == FOUINE_EDB ? fouine_index_errmsg(w->ix) :
                                   fouine_errmsg(rc));
    }
    /* Nothing was written to the index (temp tables at most): a failed
    ** commit still ends the transaction by a rollback. */
    if (fouine_index_commit(w->ix) != FOUINE_OK &&
        fouine_index_rollback(w->ix) != FOUINE_OK && rc == FOUINE_OK) {
        fprintf(stderr, "fouine-serve: %s: %s\n", url,
                fouine_index_errmsg(w->ix));
        rc = FOUINE_EDB;
    }
    if (rc != FOUINE_OK) {
        free(r->body); /* json_dumps()'s: not ours */
        rc = fouine_serve_reply_error(r, 500, "internal error");
    }
    return rc;
}

/* The work of a request in the pool: its reply, then its connection
** resumed (libmicrohttpd's thread then sends the reply; req may be gone
** as soon as the connection is resumed). */
static void run_queued(fouine_serve_task *t, int go)
{
    fouine_serve_request *req = (fouine_serve_request *)(void *)t;
    fouine_serve_params params = { get_copied, req };
    int rc;
    if (!go) {
        rc = fouine_serve_reply_error(&req->reply, 503,
                                      "the server is stopping");
    } else if (req->endpoint == API_WRITE) {
        rc = fouine_serve_write(&req->reply, &req->d->writer, req->d->cfg,
                                req->write, req->id, req->body.data,
                                req->body.len);
    } else {
        rc = run_api(req->d, req->endpoint,
                     req->endpoint == API_SEARCH  ? "/api/search" :
                     req->endpoint == API_RELATED ? req->id :
                                                    "/api/suggest",
                     &params, &req->reply);
    }
    if (rc != FOUINE_OK) {
        reply_static_error(&req->reply, 500);
    }
    atomic_store_explicit(&req->ready, 1, memory_order_release);
    MHD_resume_connection(req->conn);
}

/*
** Queue a search or a completion in the pool, or a write in the thread of
** writes, its connection suspended until the reply is made.  Returns
** FOUINE_OK, or FOUINE_ENOMEM when the parameters could not be copied
** (nothing queued).
*/
static int queue(fouine_serve_daemon *d,
                 struct MHD_Connection *c,
                 fouine_serve_request *req,
                 int e)
{
    size_t i;
    for (i = 0; e != API_WRITE && i < POOL_PARAMS; i++) {
        const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
                                                    pool_params[i]);
        if (v && !(req->values[i] = fouine_strdup(v))) {
            return FOUINE_ENOMEM;
        }
    }
    req->d = d;
    req->conn = c;
    req->endpoint = e;
    req->task.run = run_queued;
    /* Suspended first: the pool may resume it at once. */
    MHD_suspend_connection(c);
    fouine_serve_pool_submit(e == API_WRITE ? d->writes : d->pool, &req->task);
    return FOUINE_OK;
}

/* Answer a write whose body is read: in the thread of writes, or at once
** without one. */
static int route_write(fouine_serve_daemon *d,
                       struct MHD_Connection *c,
                       fouine_serve_request *req,
                       const char *url,
                       fouine_serve_reply *r,
                       int *queued)
{
    int rc;
    if (req->too_large) {
        return fouine_serve_reply_too_large(r, d->cfg);
    }
    if (req->body.failed) {
        return FOUINE_ENOMEM;
    }
    if (req->write != FOUINE_SERVE_POST &&
        !(req->id = fouine_strdup(url + strlen("/api/articles/")))) {
        return FOUINE_ENOMEM;
    }
    if (d->writes) {
        rc = queue(d, c, req, API_WRITE);
        *queued = rc == FOUINE_OK;
        return rc;
    }
    return fouine_serve_write(r, &d->writer, d->cfg, req->write, req->id,
                              req->body.data, req->body.len);
}

/* Answer an API path: at once, or, for a search or a completion when
** there is a pool, later (*queued set, r left empty). */
static int route_api(fouine_serve_daemon *d,
                     struct MHD_Connection *c,
                     fouine_serve_request *req,
                     const char *url,
                     fouine_serve_reply *r,
                     int *queued)
{
    fouine_serve_params params = { get_param, c };
    int e = endpoint_of(url);

    if (req && req->write) {
        return route_write(d, c, req, url, r, queued);
    }
    if (strcmp(url, "/api/snapshot") == 0 ||
        strcmp(url, "/api/snapshot/manifest") == 0) {
        return fouine_serve_api_snapshot(
            r, d->cfg,
            url[sizeof "/api/snapshot" - 1] ? FOUINE_SERVE_SNAPSHOT_MANIFEST :
                                              FOUINE_SERVE_SNAPSHOT_FILE,
            MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                        MHD_HTTP_HEADER_AUTHORIZATION));
    }
    if (e == API_NONE) {
        return fouine_serve_reply_error(r, 404, "no such path");
    }
    if (d->pool && req &&
        (e == API_SEARCH || e == API_SUGGEST || e == API_RELATED)) {
        int rc;
        /* The related articles' path, kept for the pool (req->id). */
        if (e == API_RELATED && !(req->id = fouine_strdup(url))) {
            return FOUINE_ENOMEM;
        }
        rc = queue(d, c, req, e);
        *queued = rc == FOUINE_OK;
        return rc;
    }
    return run_api(d, e, url, &params, r);
}

/* Whether the request announces a body (GET and HEAD have none). */
static int has_body(struct MHD_Connection *c)
{
    const char *len = MHD_lookup_connection_value(
        c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                       MHD_HTTP_HEADER_TRANSFER_ENCODING) ||
           (len && strspn(len, "0") != strlen(len));
}

/*
** What is wrong with a request whose headers were just read, answered at
** once (libmicrohttpd then closes the connection without reading the rest):
** a method the path does not take, a body (but for a write), HTTP/1.1
** without Host, a write without a key or too large (serve_write.c).  Sets
** r and returns 1, or returns 0 when the request is fine (req->write then
** set).
*/
static int refuse_early(fouine_serve_reply *r,
                        int *rc,
                        fouine_serve_daemon *d,
                        struct MHD_Connection *c,
                        fouine_serve_request *req,
                        const char *url,
                        const char *method,
                        const char *version)
{
    char msg[64];
    const char *allow = NULL;
    int what = fouine_serve_method(&allow, method, url);
    if (!what) {
        snprintf(msg, sizeof msg, "only %s %s allowed on this path", allow,
                 strchr(allow, ',') ? "are" : "is");
        *rc = fouine_serve_reply_error(r, 405, msg);
        r->header = MHD_HTTP_HEADER_ALLOW;
        r->header_value = allow;
    } else if (what == FOUINE_SERVE_READ && has_body(c)) {
        *rc = fouine_serve_reply_error(r, 400,
                                       "a GET or HEAD request has no body");
    } else if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
               !MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                            MHD_HTTP_HEADER_HOST)) {
        *rc = fouine_serve_reply_error(r, 400,
                                       "an HTTP/1.1 request needs a Host "
                                       "header");
    } else if (what != FOUINE_SERVE_READ && !req) {
        *rc = fouine_serve_reply_error(r, 503, "the server is out of memory");
    } else if (what == FOUINE_SERVE_READ ||
               !fouine_serve_write_refused(
                   r, rc, d->cfg, what,
                   MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                               MHD_HTTP_HEADER_AUTHORIZATION),
                   MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                               MHD_HTTP_HEADER_CONTENT_LENGTH),
                   has_body(c))) {
        if (req) {
            req->write = what == FOUINE_SERVE_READ ? 0 : what;
        }
        return 0;
    }
    return 1;
}

/* The reply to a complete GET or HEAD request (none yet, *queued set,
** when the pool makes it). */
static int answer(fouine_serve_reply *r,
                  int *is_page,
                  int *queued,
                  fouine_serve_daemon *d,
                  struct MHD_Connection *c,
                  fouine_serve_request *req,
                  const char *url)
{
    param_check pc = { "" };
    const char *path;
    size_t i;

    /* The path first, then the parameters, each named. */
    if (req && (req->bad_escape == ESCAPE_PATH ||
                req->bad_escape == ESCAPE_PATH_NUL)) {
        escape_why(pc.bad, req);
        return fouine_serve_reply_error(r, 400, pc.bad);
    }
    if (!fouine_serve_text_valid(pc.bad, sizeof pc.bad, "the path", url,
                                 strlen(url))) {
        return fouine_serve_reply_error(r, 400, pc.bad);
    }
    if (req && req->bad_escape != ESCAPE_NONE) {
        escape_why(pc.bad, req);
        return fouine_serve_reply_error(r, 400, pc.bad);
    }
    if (MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, check_param,
                                    &pc) >= 0 &&
        pc.bad[0]) {
        return fouine_serve_reply_error(r, 400, pc.bad);
    }
    if (strncmp(url, "/api/", 5) == 0) {
        return route_api(d, c, req, url, r, queued);
    }
    if (strcmp(url, "/metrics") == 0) {
        fouine_serve_params none = { get_param, c };
        return run_api(d, API_METRICS, url, &none, r);
    }
    path = strcmp(url, "/") == 0 ? "/index.html" : url;
    for (i = 0; i < fouine_serve_asset_count; i++) {
        if (strcmp(path, fouine_serve_assets[i].path) == 0) {
            r->status = 200;
            r->static_body = fouine_serve_assets[i].data;
            r->len = fouine_serve_assets[i].len;
            r->type = fouine_serve_assets[i].type;
            *is_page = 1;
            return FOUINE_OK;
        }
    }
    return fouine_serve_reply_error(r, 404, "no such path");
}

/* Keep a part of a write's body, up to max bytes in all; beyond, the body
** is too large and nothing more is kept. */
static void body_read(fouine_serve_request *req,
                      size_t max,
                      const char *data,
                      size_t n)
{
    if (!req->too_large && n > max - req->body.len) {
        req->too_large = 1;
        fouine_free(req->body.data);
        memset(&req->body, 0, sizeof req->body);
    }
    if (!req->too_large) {
        fouine_buf_append(&req->body, data, n);
    }
}

/*
** MHD's access handler.  The first call comes once the request's headers
** are read: a request refused then is answered at once; any other is
** answered on the next call, once the whole request is read, so that the
** connection stays open for the next request (keep-alive, pipelining).
*/
static enum MHD_Result handle(void *cls,
                              struct MHD_Connection *c,
                              const char *url,
                              const char *method,
                              const char *version,
                              const char *upload_data,
                              size_t *upload_data_size,
                              void **req_cls)
{
    fouine_serve_daemon *d = cls;
    fouine_serve_request *req = *req_cls;
    fouine_serve_reply r = { 0 };
    int rc = FOUINE_OK, is_page = 0, queued = 0;

    if (req && atomic_load_explicit(&req->ready, memory_order_acquire)) {
        /* Resumed: the pool made the reply. */
        r = req->reply;
        memset(&req->reply, 0, sizeof req->reply);
        return send_reply(d, c, req, &r, 0);
    }
    if (req && !req->head_read) {
        int refused;
        req->head_read = 1;
        snprintf(req->method, sizeof req->method, "%s", method);
        req->metric = fouine_serve_metrics_endpoint(method, url);
        refused = refuse_early(&r, &rc, d, c, req, url, method, version);
        if (refused || !req->write) {
            /* Off the clock; a write's body is on it until it is read. */
            fouine_serve_watch_busy(d->watch, conn_of(c), 1);
        }
        if (!refused) {
            return MHD_YES;
        }
    } else if (*upload_data_size != 0) {
        if (req && req->write) {
            body_read(req, d->cfg->max_body, upload_data, *upload_data_size);
        }
        *upload_data_size = 0; /* a body despite has_body(): dropped */
        return MHD_YES;
    } else if (req || !refuse_early(&r, &rc, d, c, req, url, method, version)) {
        /* (Without req, whose allocation failed, it comes at once.) */
        if (req && req->write) {
            fouine_serve_watch_busy(d->watch, conn_of(c), 1);
        }
        rc = answer(&r, &is_page, &queued, d, c, req, url);
        if (queued) {
            return MHD_YES; /* the pool answers; suspended until then */
        }
    }
    if (rc != FOUINE_OK) {
        reply_static_error(&r, 500);
    }
    return send_reply(d, c, req, &r, is_page);
}

/* How many of libmicrohttpd's messages a second reach the log: it says one
** for each connection refused, which a client can make by thousands. */
#define LOG_BURST 20

/* The log's budget of the current second, for all threads (the process
** has one listening daemon). */
static pthread_mutex_t mhd_log_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t mhd_log_second; /* the second counted; guarded by the lock */
static int mhd_log_count;     /* messages in it */
static long mhd_log_dropped;  /* left out since the last one written */

/* MHD_OPTION_EXTERNAL_LOGGER: libmicrohttpd's messages, as ours, one
** write a line, at most LOG_BURST a second (the others are counted). */
static void mhd_log(void *cls, const char *fmt, va_list ap) FOUINE_PRINTF(2, 0);
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    time_t now = time(NULL);
    long dropped = 0;
    int n = 0, m;
    (void)cls;
    pthread_mutex_lock(&mhd_log_lock);
    if (now != mhd_log_second) {
        mhd_log_second = now;
        mhd_log_count = 0;
    }
    if (mhd_log_count++ >= LOG_BURST) {
        mhd_log_dropped++;
        pthread_mutex_unlock(&mhd_log_lock);
        return;
    }
    dropped = mhd_log_dropped;
    mhd_log_dropped = 0;
    pthread_mutex_unlock(&mhd_log_lock);
    if (dropped > 0) {
        n = snprintf(line, sizeof line,
                     "fouine-serve: (%ld more messages of libmicrohttpd left "
                     "out)\n",
                     dropped);
    }
    m = snprintf(line + n, sizeof line - (size_t)n, "fouine-serve: ");
    if (m > 0) {
        n += m;
        m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        if (m > 0 && (size_t)n + (size_t)m < sizeof line) {
            n += m;
        } else if (m > 0) {
            n = (int)sizeof line - 1; /* cut: still one line */
            line[n - 1] = '\n';
        }
    }
    if (n > 0) {
        ssize_t w = write(STDERR_FILENO, line, (size_t)n);
        (void)w;
    }
}

/*
** How many connections the server takes at once: CONN_LIMIT, or fewer when
** the process may not open that many descriptors, having tried to raise
** its limit (each connection is a socket; each thread also holds its index
** connection's files and libmicrohttpd's polling descriptors).  An accept()
** failing for want of descriptors would otherwise refuse everyone.
*/
static unsigned connection_limit(unsigned threads)
{
    /* A thread of libmicrohttpd and one of the pool for each of threads,
    ** each with its index connection's files. */
    unsigned reserve = FD_RESERVE + 16u * threads;
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
        return CONN_LIMIT;
    }
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < CONN_LIMIT + reserve) {
        struct rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max == RLIM_INFINITY ||
                                  lim.rlim_max >= CONN_LIMIT + reserve ?
                              CONN_LIMIT + reserve :
                              lim.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            lim = raised;
        }
    }
    if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= CONN_LIMIT + reserve) {
        return CONN_LIMIT;
    }
    return lim.rlim_cur > reserve + 16 ? (unsigned)(lim.rlim_cur - reserve) :
                                         16;
}

/* Add an option to a list for MHD_OPTION_ARRAY: a value, or a function (as
** an integer, as libmicrohttpd takes it there) and its argument. */
static void add_option(struct MHD_OptionItem *list,
                       size_t *n,
                       enum MHD_OPTION option,
                       intptr_t value,
                       void *ptr)
{
    list[*n].option = option;
    list[*n].value = value;
    list[*n].ptr_value = ptr;
    (*n)++;
}

/*
** Start a daemon listening on addr with a pool of threads, or, when addr is
** NULL, one without listening socket nor threads (fouine_serve_local_start():
** fouine_serve_exchange() adds the connections and runs it, libmicrohttpd's
** "external select" mode; no watch, the exchange has its own deadline; no
** log of libmicrohttpd, since its socket pairs refuse TCP options, which it
** would say every time).
*/
static int start(fouine_serve_daemon **out,
                 const fouine_serve_config *cfg,
                 const struct sockaddr *addr,
                 unsigned threads)
{
    fouine_serve_daemon *d = NULL;
    struct MHD_OptionItem opts[16];
    unsigned flags = MHD_USE_NO_LISTEN_SOCKET;
    uint16_t port = 0;
    size_t n = 0;
    int rc = FOUINE_ENOMEM;

    *out = NULL;
    d = fouine_calloc(1, sizeof *d);
    if (!d) {
        goto done;
    }
    d->cfg = cfg;
    atomic_init(&d->in_flight, 0);
    rc = fouine_serve_metrics_new(&d->metrics);
    if (rc != FOUINE_OK) {
        goto done;
    }
    rc = FOUINE_ENOMEM;
    if (addr) {
        rc = fouine_serve_watch_start(&d->watch, cfg->timeout);
        if (rc != FOUINE_OK) {
            goto done;
        }
        rc = fouine_serve_pool_start(&d->pool, threads);
        if (rc == FOUINE_OK) {
            rc = fouine_serve_pool_start(&d->writes, 1);
        }
        if (rc != FOUINE_OK) {
            goto done;
        }
        rc = FOUINE_ENOMEM;
        flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                MHD_USE_ERROR_LOG;
        if (addr->sa_family == AF_INET6) {
            flags |= MHD_USE_IPv6;
            port = ntohs(
                ((const struct sockaddr_in6 *)(const void *)addr)->sin6_port);
        } else {
            port = ntohs(
                ((const struct sockaddr_in *)(const void *)addr)->sin_port);
        }
        /* The logger first, to catch every message. */
        add_option(opts, &n, MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log,
                   NULL);
        add_option(opts, &n, MHD_OPTION_SOCK_ADDR, 0, (void *)(uintptr_t)addr);
        /* One thread is libmicrohttpd's own, without a pool (a pool of
        ** one is refused with a warning). */
        if (threads > 1) {
            add_option(opts, &n, MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads,
                       NULL);
        }
        add_option(opts, &n, MHD_OPTION_CONNECTION_LIMIT,
                   (intptr_t)connection_limit(threads), NULL);
        add_option(opts, &n, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                   (intptr_t)cfg->per_ip, NULL);
    } else {
        add_option(opts, &n, MHD_OPTION_CONNECTION_LIMIT, (intptr_t)16u, NULL);
    }
    add_option(opts, &n, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
               (intptr_t)MEMORY_LIMIT, NULL);
    add_option(opts, &n, MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg->timeout,
               NULL);
    add_option(opts, &n, MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)conn_notify,
               d);
    add_option(opts, &n, MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)request_begin,
               d);
    add_option(opts, &n, MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_end, d);
    add_option(opts, &n, MHD_OPTION_END, 0, NULL);
    /* The port is also given apart: libmicrohttpd names it in its
    ** messages (a failed bind). */
    d->mhd = MHD_start_daemon(flags, port, NULL, NULL, handle, d,
                              MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (!d->mhd) {
        rc = FOUINE_EIO;
        goto done;
    }
    *out = d;
    d = NULL;
    rc = FOUINE_OK;
done:
    if (d) {
        fouine_serve_pool_free(d->pool);
        fouine_serve_pool_free(d->writes);
        (void)fouine_serve_watch_stop(d->watch);
        fouine_serve_metrics_free(d->metrics);
        fouine_free(d);
    }
    return rc;
}

int fouine_serve_daemon_start(fouine_serve_daemon **out,
                              const fouine_serve_config *cfg,
                              const struct sockaddr *addr,
                              unsigned threads)
{
    return start(out, cfg, addr, threads);
}

int fouine_serve_local_start(fouine_serve_daemon **out,
                             const fouine_serve_config *cfg)
{
    return start(out, cfg, NULL, 0);
}

int fouine_serve_exchange(char **out,
                          size_t *out_len,
                          fouine_serve_daemon *d,
                          const char *request,
                          size_t len)
{
    struct sockaddr_in from;
    fouine_buf got = { 0 };
    struct timespec start;
    size_t sent = 0;
    int sv[2] = { -1, -1 }, rc = FOUINE_EIO, shut = 0;

    *out = NULL;
    *out_len = 0;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0) {
        goto done;
    }
    /* The client seems to come from the loopback address. */
    memset(&from, 0, sizeof from);
    from.sin_family = AF_INET;
    from.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = MHD_add_connection(d->mhd, sv[1], (const struct sockaddr *)&from,
                            sizeof from) == MHD_YES ?
             FOUINE_OK :
             FOUINE_EIO;
    sv[1] = -1; /* libmicrohttpd's now, even on failure */
    while (rc == FOUINE_OK && elapsed_ms(&start) < EXCHANGE_MS) {
        struct pollfd p = { sv[0], POLLIN, 0 };
        char chunk[16384];
        ssize_t n;
        if (sent < len) {
            n = send(sv[0], request + sent, len - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += (size_t)n;
            } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                sent = len; /* closed by the server: read what it said */
            }
        }
        if (sent == len && !shut) {
            /* The whole request is sent: the server may close after it. */
            shutdown(sv[0], SHUT_WR);
            shut = 1;
        }
        if (MHD_run(d->mhd) != MHD_YES) {
            rc = FOUINE_EIO;
            break;
        }
        if (poll(&p, 1, 1) <= 0) {
            continue;
        }
        n = recv(sv[0], chunk, sizeof chunk, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            break; /* closed: every reply is in */
        }
        if (n > 0 && got.len + (size_t)n <= EXCHANGE_MAX) {
            fouine_buf_append(&got, chunk, (size_t)n);
        }
    }
    if (rc == FOUINE_OK && !got.data && !got.failed) {
        got.data = fouine_strdup(""); /* nothing answered */
        got.failed = !got.data;
    }
    if (rc == FOUINE_OK && got.failed) {
        rc = FOUINE_ENOMEM;
    }
    if (rc == FOUINE_OK) {
        *out = got.data;
        *out_len = got.len;
        got.data = NULL;
    }
done:
    if (sv[0] >= 0) {
        close(sv[0]);
    }
    fouine_free(got.data);
    /* Let the server see the end of the connection and release it. */
    if (d) {
        (void)MHD_run(d->mhd);
    }
    return rc;
}

unsigned fouine_serve_daemon_port(const fouine_serve_daemon *d)
{
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(d->mhd, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void fouine_serve_daemon_stop(fouine_serve_daemon *d)
{
    struct timespec pause = { 0, 10 * 1000 * 1000 };
    int waited = 0;
    MHD_socket listen;
    if (!d) {
        return;
    }
    /* Accept no more connections, let the requests in flight finish. */
    listen = MHD_quiesce_daemon(d->mhd);
    if (listen != MHD_INVALID_SOCKET) {
        close(listen);
    }
    while (atomic_load(&d->in_flight) > 0 && waited < STOP_WAIT_MS) {
        nanosleep(&pause, NULL);
        waited += 10;
    }
    /* No connection may stay suspended when libmicrohttpd stops: the
    ** pool gives up what it has not started and finishes the rest.  A
    ** kept connection may still bring a request until libmicrohttpd has
    ** stopped (quiescing only stops the accepting): the stopped pool
    ** gives it up at once, so the pools are freed after. */
    fouine_serve_pool_stop(d->pool);
    fouine_serve_pool_stop(d->writes);
    /* The watch last: libmicrohttpd unregisters every connection it
    ** closes. */
    MHD_stop_daemon(d->mhd);
    fouine_serve_pool_free(d->pool);
    fouine_serve_pool_free(d->writes);
    (void)fouine_serve_watch_stop(d->watch);
    fouine_serve_worker_free(d->writer); /* no thread uses it now */
    fouine_serve_metrics_free(d->metrics);
    fouine_free(d);
}
