/*
** serve.h: private interface of fouine-serve, the HTTP server of fouine.
**
** serve_main.c   options, the daemon's life, signals
** serve_http.c   requests: routing, validation, errors, CORS, access log
** serve_api.c    the JSON endpoints, over one index connection a thread
** serve_write.c  the write endpoints, their keys, the one writable index
** serve_watch.c  the deadline of every connection (slow clients)
** serve_pool.c   the threads that run searches and completions
** serve_metrics.c the counts of requests, and GET /metrics
** serve_follow.c the snapshots a primary offers, a replica that follows
** serve_assets.c the search page (tools/serve/web/), generated at build time
*/
#ifndef FOUINE_SERVE_H
#define FOUINE_SERVE_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#include "fouine/analyzer.h"
#include "fouine/error.h"
#include "fouine/index.h"

/* Limits of what a request may carry. */
#define FOUINE_SERVE_MAX_QUERY      1024 /* bytes of q */
#define FOUINE_SERVE_MAX_PER_PAGE   100  /* largest per_page */
#define FOUINE_SERVE_MAX_PAGE       1000 /* largest page */
#define FOUINE_SERVE_MAX_PARAM      256  /* bytes of any other parameter */
#define FOUINE_SERVE_MAX_SUGGEST    10   /* completions returned */
#define FOUINE_SERVE_MAX_CATEGORIES 100  /* categories returned */

/* Defaults of the options on connections. */
#define FOUINE_SERVE_PER_IP  32 /* connections at once from one address */
#define FOUINE_SERVE_TIMEOUT 10 /* seconds to send a request head, or idle */

/* Defaults and bounds of the write endpoints. */
#define FOUINE_SERVE_MAX_BODY (16u << 20) /* bytes of a request body */
#define FOUINE_SERVE_MAX_KEY  256         /* bytes of a write key */
#define FOUINE_SERVE_MIN_KEY  16

typedef struct fouine_serve_keys fouine_serve_keys;
typedef struct fouine_serve_follow fouine_serve_follow;

/* What the server was started with; read only once the daemon runs. */
typedef struct fouine_serve_config {
    const char *index; /* path of the index file; not owned */
    const char *cors;  /* Access-Control-Allow-Origin, or NULL: none */
    int quiet;         /* 1: no access log */
    unsigned per_ip;   /* connections at once from one address; 0: any */
    unsigned timeout;  /* seconds a connection has to send a whole request
                          head, from its opening or its last reply */
    int budget_ms;   /* CPU time of a search: fouine_search_options.budget_ms */
    int log_queries; /* 1: the access log shows query strings */
    const fouine_serve_keys *keys; /* the write keys, or NULL: every write
                                      is refused; not owned */
    size_t max_body;               /* bytes of a write's body, at most */
    const char *snapshot_dir;      /* --snapshot-dir: the directory of the
                                 snapshots offered (fouine-index
                                 --snapshot), or NULL: none; not owned */
    const fouine_serve_keys *snapshot_keys; /* the keys that fetching them
                                               needs, or NULL; not owned */
    fouine_serve_follow *follow;            /* --follow: a read-only replica's
                                    follower, or NULL; not owned */
} fouine_serve_config;

/* The index, connection and analyzer of one worker thread (or of the
** thread of writes). */
typedef struct fouine_serve_worker {
    fouine_index *ix; /* read only (the writes': writable); owned */
    dev_t dev;        /* device and inode of the index file opened, */
    ino_t ino;        /* to notice a file replaced by a rebuild */
} fouine_serve_worker;

/* One embedded file of the search page. */
typedef struct fouine_serve_asset {
    const char *path;          /* URL path, e.g. "/app.js" */
    const char *type;          /* Content-Type */
    const unsigned char *data; /* its bytes; static */
    size_t len;                /* their number */
} fouine_serve_asset;

/* The embedded files (serve_assets.c, generated from tools/serve/web/). */
extern const fouine_serve_asset fouine_serve_assets[];
extern const size_t fouine_serve_asset_count;

/* A reply to a request, built by an endpoint. */
typedef struct fouine_serve_reply {
    unsigned status; /* HTTP status */
    char *body;      /* owned (free(): json_dumps()'s or a fouine_buf's), or
                   NULL when static is used */
    const unsigned char *static_body; /* static bytes (assets), not owned */
    size_t len;                       /* bytes of the body */
    const char *type;                 /* Content-Type; static */
    const char *header;               /* one more header (Allow of a 405,
                                         WWW-Authenticate, Retry-After), or
                                         NULL; static */
    const char *header_value;         /* its value; static */
    int has_file;                     /* 1: the body is the file below */
    int file;      /* with has_file: a descriptor of a file whose first
                      len bytes are the body; owned until sent */
    char etag[72]; /* an ETag header ("\"...\""), or "" */
} fouine_serve_reply;

/* A function that returns the value of a query parameter of the request
** being answered, or NULL when absent (already percent-decoded). */
typedef const char *(*fouine_serve_param_fn)(const char *name, void *payload);

/* The query parameters of a request. */
typedef struct fouine_serve_params {
    fouine_serve_param_fn get; /* lookup */
    void *payload;             /* passed to get */
} fouine_serve_params;

/**
 * The worker of the calling thread, opened on first use (one read-only
 * connection and one analyzer a thread; released when the thread exits),
 * and opened again when another file has taken the index's path (device
 * and inode checked before each request).
 *
 * @param[out] out the worker, owned by the thread; NULL on failure
 * @param cfg  the configuration
 * @return FOUINE_OK or the code of fouine_store_open() / the analyzer
 */
FOUINE_WUR int fouine_serve_worker_get(fouine_serve_worker **out,
                                       const fouine_serve_config *cfg);

/** Prepare the per-thread storage; call once before the daemon starts.
 *  @return FOUINE_OK or FOUINE_ENOMEM */
FOUINE_WUR int fouine_serve_worker_init(void);

/** Release the worker of the calling thread, if any. */
void fouine_serve_worker_release(void);

/**
 * Open a worker on the index file, noting which file it is (device and
 * inode).
 *
 * @param[out] out the worker (fouine_serve_worker_free()); NULL on failure
 * @param flags    of fouine_index_open()
 * @return as fouine_index_open()
 */
FOUINE_WUR int fouine_serve_worker_open(fouine_serve_worker **out,
                                        const fouine_serve_config *cfg,
                                        int flags);

/** Whether another file has taken the index's path since w opened it
 *  (the index removed and made again).  @return 1 or 0 */
int fouine_serve_worker_moved(const fouine_serve_worker *w,
                              const fouine_serve_config *cfg);

/** Close a worker's index and free it; NULL accepted. */
void fouine_serve_worker_free(fouine_serve_worker *w);

/**
 * Set r to a JSON reply.
 *
 * @param r      the reply, overwritten
 * @param status HTTP status
 * @param obj    the body; the reference is stolen (also on failure)
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_serve_reply_json(fouine_serve_reply *r,
                                       unsigned status,
                                       json_t *obj);

/**
 * Set r to a JSON error {"status": status, "error": message}.
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_serve_reply_error(fouine_serve_reply *r,
                                        unsigned status,
                                        const char *message);

/* The endpoints.  Each sets r (a JSON reply or a JSON error) and returns
** FOUINE_OK, or another code when no reply could be built at all (the
** caller answers 500). */
FOUINE_WUR int fouine_serve_api_search(fouine_serve_reply *r,
                                       fouine_serve_worker *w,
                                       const fouine_serve_config *cfg,
                                       const fouine_serve_params *p);
FOUINE_WUR int fouine_serve_api_article(fouine_serve_reply *r,
                                        fouine_serve_worker *w,
                                        const char *id);
/* The related articles of the article whose id is id[0..len) (not
** NUL-terminated): fouine_related() with n (1 to FOUINE_RELATED_MAX,
** default FOUINE_SERVE_RELATED) as the JSON of a search; 404 for an
** unknown id, 400 for a bad n. */
#define FOUINE_SERVE_RELATED 5
FOUINE_WUR int fouine_serve_api_related(fouine_serve_reply *r,
                                        fouine_serve_worker *w,
                                        const char *id,
                                        size_t len,
                                        const fouine_serve_params *p);
FOUINE_WUR int fouine_serve_api_suggest(fouine_serve_reply *r,
                                        fouine_serve_worker *w,
                                        const fouine_serve_params *p);
FOUINE_WUR int fouine_serve_api_health(fouine_serve_reply *r,
                                       fouine_serve_worker *w,
                                       const fouine_serve_config *cfg);
FOUINE_WUR int fouine_serve_api_categories(fouine_serve_reply *r,
                                           fouine_serve_worker *w);

/* The write endpoints (serve_write.c). */

/* What a request is, by its method and path (fouine_serve_method()). */
#define FOUINE_SERVE_READ   1 /* GET or HEAD: the search page and the API */
#define FOUINE_SERVE_POST   2 /* POST /api/articles: new or replaced */
#define FOUINE_SERVE_PUT    3 /* PUT /api/articles/ID: one article */
#define FOUINE_SERVE_DELETE 4 /* DELETE /api/articles/ID */

/**
 * What method on url is: FOUINE_SERVE_READ..FOUINE_SERVE_DELETE, or 0 when
 * that method is not allowed there (405), *allow then naming those that
 * are ("GET, HEAD", "POST" or "GET, HEAD, PUT, DELETE"; static).
 */
int fouine_serve_method(const char **allow,
                        const char *method,
                        const char *url);

/**
 * Read the write keys: one a line, blank lines and lines starting with '#'
 * ignored, each FOUINE_SERVE_MIN_KEY to FOUINE_SERVE_MAX_KEY characters
 * of a Bearer token (letters, digits, -._~+/ and = at its end).
 *
 * @param[out] out the keys (fouine_serve_keys_free()); NULL on failure
 * @param[out] msg on FOUINE_EIO or FOUINE_EINVAL, why, naming the file and
 *             the line ("keys.txt:3: ..."); msgsize bytes
 * @param path the file
 * @return FOUINE_OK; FOUINE_EIO (cannot be read); FOUINE_EINVAL (a bad
 *         line, or no key); FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_serve_keys_load(fouine_serve_keys **out,
                                      char *msg,
                                      size_t msgsize,
                                      const char *path);

/** Wipe and free keys; NULL accepted. */
void fouine_serve_keys_free(fouine_serve_keys *keys);

/**
 * Whether authorization (the header, "Bearer KEY", or NULL) holds one of
 * the keys.  The time it takes depends on the number of keys only: every
 * key is compared, over FOUINE_SERVE_MAX_KEY bytes, without an early exit
 * on a differing byte nor on a match, and lengths are compared the same
 * way, so that it tells nothing of a key's bytes nor of its length.
 *
 * @return 1 or 0
 */
int fouine_serve_keys_check(const fouine_serve_keys *keys,
                            const char *authorization);

/**
 * Whether a write must be refused once its headers are read: 403 when
 * the server has no key, 401 (WWW-Authenticate: Bearer) without one of
 * its keys, 413 when content_length (the header, or NULL) is over
 * cfg->max_body, 400 for a DELETE with a body.
 *
 * @param[out] r   set when refused
 * @param[out] rc  FOUINE_OK, or the code when not even r could be made
 * @param what     FOUINE_SERVE_POST, _PUT or _DELETE
 * @param has_body the request announces a body
 * @return 1 when refused, 0 when the request may go on
 */
int fouine_serve_write_refused(fouine_serve_reply *r,
                               int *rc,
                               const fouine_serve_config *cfg,
                               int what,
                               const char *authorization,
                               const char *content_length,
                               int has_body);

/** Set r to the 413 of a body over cfg->max_body.
 *  @return FOUINE_OK or FOUINE_ENOMEM */
FOUINE_WUR int fouine_serve_reply_too_large(fouine_serve_reply *r,
                                            const fouine_serve_config *cfg);

/**
 * Answer a write whose body was read whole, in the one thread that writes
 * (the writable index is its own): POST, the articles of body (a JSON
 * article, an array of them, or JSON Lines); PUT, the one article of body
 * as the article id; DELETE, the article id.  Every article is checked
 * first, then all are written in one transaction, committed before the
 * reply: all or nothing.
 *
 * @param[out] r    the reply: 200 or 201 {"written", "replaced", "ids",
 *                  "warnings"} (DELETE: 200 {"deleted", "ids"}), 400
 *                  naming the line and the field, 404 "no such article",
 *                  503 with Retry-After when the index stayed locked
 * @param writer    the writable index, opened on the first write (NULL
 *                  until then) and again when another file took its path;
 *                  released by the caller with fouine_serve_worker_free()
 * @param what      FOUINE_SERVE_POST, _PUT or _DELETE
 * @param id        the decoded ID of the path (PUT, DELETE), or NULL
 * @param body      the body, body_len bytes (not NUL-terminated)
 * @return FOUINE_OK, or another code when no reply could be made
 */
FOUINE_WUR int fouine_serve_write(fouine_serve_reply *r,
                                  fouine_serve_worker **writer,
                                  const fouine_serve_config *cfg,
                                  int what,
                                  const char *id,
                                  const char *body,
                                  size_t body_len);

/* The HTTP daemon (serve_http.c). */
struct sockaddr;
typedef struct fouine_serve_daemon fouine_serve_daemon;

/**
 * Start answering on addr with a pool of threads.
 *
 * @param[out] out the daemon, stopped with fouine_serve_daemon_stop(); NULL on
 *             failure
 * @param cfg  the configuration; not owned, must outlive the daemon
 * @param addr where to listen (IPv4 or IPv6); copied
 * @param threads worker threads, >= 1
 * @return FOUINE_OK, FOUINE_EIO when it cannot listen, FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_serve_daemon_start(fouine_serve_daemon **out,
                                         const fouine_serve_config *cfg,
                                         const struct sockaddr *addr,
                                         unsigned threads);

/**
 * For tests and fuzzing: a daemon without listening socket nor threads,
 * whose connections are made and run by fouine_serve_exchange() in the
 * calling thread.  Stop it with fouine_serve_daemon_stop().
 *
 * @param[out] out the daemon; NULL on failure
 * @param cfg  the configuration; not owned, must outlive the daemon
 * @return FOUINE_OK, FOUINE_EIO or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_serve_local_start(fouine_serve_daemon **out,
                                        const fouine_serve_config *cfg);

/**
 * Send the bytes of request (one or more HTTP requests, or anything) on a
 * new connection of a daemon of fouine_serve_local_start(), end the
 * sending side, and run the daemon until it closes the connection (at
 * most 10 s): whatever it answered comes back.
 *
 * @param[out] out the bytes answered (at most 8 MB kept), NUL-terminated;
 *             release with fouine_free(); NULL on failure
 * @param[out] out_len their number
 * @param d       the daemon
 * @param request the bytes to send, any
 * @param len     their number
 * @return FOUINE_OK, FOUINE_EIO (no socket, or the daemon failed) or
 *         FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_serve_exchange(char **out,
                                     size_t *out_len,
                                     fouine_serve_daemon *d,
                                     const char *request,
                                     size_t len);

/** The port the daemon listens on (useful when asked for port 0). */
unsigned fouine_serve_daemon_port(const fouine_serve_daemon *d);

/**
 * Stop: accept no more connections, wait (up to 10 s) until the requests
 * in flight are answered, then close every connection and free d.  NULL is
 * accepted.
 */
void fouine_serve_daemon_stop(fouine_serve_daemon *d);

/* The deadlines of connections (serve_watch.c). */
typedef struct fouine_serve_watch fouine_serve_watch;
typedef struct fouine_serve_conn fouine_serve_conn;

/**
 * Start the thread that shuts down every connection that has not sent a
 * whole request head within timeout_s seconds of its opening or of its
 * last reply, unless a request of it is being answered.
 *
 * @param[out] out the watch, stopped with fouine_serve_watch_stop(); NULL
 *             on failure
 * @return FOUINE_OK or FOUINE_ENOMEM (no thread, lock or memory)
 */
FOUINE_WUR int fouine_serve_watch_start(fouine_serve_watch **out,
                                        unsigned timeout_s);

/** Stop the thread and free w (NULL accepted) with the connections still
 *  registered.  @return how many connections it shut down */
long fouine_serve_watch_stop(fouine_serve_watch *w);

/**
 * Register a new connection, on the clock from now.  The socket must stay
 * open until fouine_serve_watch_remove().
 *
 * @return its handle, owned by w; NULL when w is NULL or memory is short
 *         (the connection then has libmicrohttpd's timeout only)
 */
fouine_serve_conn *fouine_serve_watch_add(fouine_serve_watch *w, int fd);

/** Unregister c and free it, before its socket is closed; NULL accepted. */
void fouine_serve_watch_remove(fouine_serve_watch *w, fouine_serve_conn *c);

/** A request of c is being answered (busy 1: off the clock), or its reply
 *  was sent (busy 0: on the clock again from now); NULL accepted. */
void fouine_serve_watch_busy(fouine_serve_watch *w,
                             fouine_serve_conn *c,
                             int busy);

/* The threads of searches and completions (serve_pool.c). */
typedef struct fouine_serve_pool fouine_serve_pool;
typedef struct fouine_serve_task fouine_serve_task;

/* Work for the pool, owned by whoever submits it: run(t, 1) is called
** once in a thread of the pool, or run(t, 0) when the pool stops before
** it started (it must then give up, and still answer what waits for it).
** The pool holds t from its submission to that call. */
struct fouine_serve_task {
    fouine_serve_task *next;                   /* the queue; the pool's */
    void (*run)(fouine_serve_task *t, int go); /* the work */
};

/**
 * Start threads that run tasks in the order they are submitted.
 *
 * @param[out] out the pool, freed with fouine_serve_pool_free(); NULL on
 *             failure
 * @param threads how many, >= 1
 * @return FOUINE_OK or FOUINE_ENOMEM (no thread, lock or memory)
 */
FOUINE_WUR int fouine_serve_pool_start(fouine_serve_pool **out,
                                       unsigned threads);

/** Queue t (run at once with go 0 when the pool is stopping). */
void fouine_serve_pool_submit(fouine_serve_pool *p, fouine_serve_task *t);

/** Give up the queued tasks (run(t, 0)), wait for those running and end
 *  the threads (each releases its worker); NULL accepted, a second call
 *  does nothing.  Tasks submitted afterwards run at once with go 0, so
 *  libmicrohttpd's threads may still submit until it is stopped. */
void fouine_serve_pool_stop(fouine_serve_pool *p);

/** fouine_serve_pool_stop(), then free p; NULL accepted.  No thread may
 *  submit any more. */
void fouine_serve_pool_free(fouine_serve_pool *p);

/* What fouine-serve counts of its requests (serve_metrics.c). */
typedef struct fouine_serve_metrics fouine_serve_metrics;

/* The endpoints as the metrics name them (label "endpoint"). */
enum {
    FOUINE_SERVE_EP_PAGE,       /* "page": /, the page's files */
    FOUINE_SERVE_EP_SEARCH,     /* "search": /api/search */
    FOUINE_SERVE_EP_SUGGEST,    /* "suggest": /api/suggest */
    FOUINE_SERVE_EP_ARTICLE,    /* "article": GET /api/articles/ID */
    FOUINE_SERVE_EP_HEALTH,     /* "health": /api/health */
    FOUINE_SERVE_EP_CATEGORIES, /* "categories": /api/categories */
    FOUINE_SERVE_EP_METRICS,    /* "metrics": /metrics */
    FOUINE_SERVE_EP_WRITE,      /* "write": any POST, PUT or DELETE */
    FOUINE_SERVE_EP_SNAPSHOT,   /* "snapshot": /api/snapshot... */
    FOUINE_SERVE_EP_OTHER,      /* "other": any other path or method */
    FOUINE_SERVE_EP_COUNT
};

/** New counts, all 0.  @param[out] out release with
 *  fouine_serve_metrics_free(); NULL on failure
 *  @return FOUINE_OK or FOUINE_ENOMEM */
FOUINE_WUR int fouine_serve_metrics_new(fouine_serve_metrics **out);

/** Release counts; NULL accepted. */
void fouine_serve_metrics_free(fouine_serve_metrics *m);

/** The endpoint (FOUINE_SERVE_EP_*) of a request of that method (NULL:
 *  not known yet) on the decoded path url (NULL: not known). */
int fouine_serve_metrics_endpoint(const char *method, const char *url);

/**
 * Count one request: its status (0: no reply sent by us) and its latency.
 * Lock-free, from any thread; m NULL does nothing.
 */
void fouine_serve_metrics_count(fouine_serve_metrics *m,
                                int endpoint,
                                unsigned status,
                                double seconds);

/**
 * GET /metrics: the counts of m (NULL: none) and, when w is not NULL, the
 * state of the index it reads in its transaction (articles, bytes of the
 * file and WAL, time of the last change, generation), in the Prometheus
 * text format 0.0.4; without w, or when the index cannot be read,
 * fouine_index_up is 0.
 *
 * @param r the reply, overwritten: 200, its body a fouine_buf's
 *          (fouine_free(), which is free())
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_serve_api_metrics(fouine_serve_reply *r,
                                        fouine_serve_worker *w,
                                        const fouine_serve_config *cfg,
                                        const fouine_serve_metrics *m);

/* Snapshots: those a primary offers, the follower of a replica
** (serve_follow.c). */

/* What GET /api/snapshot... asks for. */
#define FOUINE_SERVE_SNAPSHOT_MANIFEST 1 /* /api/snapshot/manifest */
#define FOUINE_SERVE_SNAPSHOT_FILE     2 /* /api/snapshot: the file */

/* Bounds of --follow-interval, in milliseconds. */
#define FOUINE_SERVE_FOLLOW_MIN_MS 100
#define FOUINE_SERVE_FOLLOW_MAX_MS (24L * 3600 * 1000)
#define FOUINE_SERVE_FOLLOW_MS     10000 /* the default */

/**
 * GET /api/snapshot/manifest (which FOUINE_SERVE_SNAPSHOT_MANIFEST): the
 * manifest of cfg->snapshot_dir, checked, as JSON; GET /api/snapshot
 * (FOUINE_SERVE_SNAPSHOT_FILE): the file it names, sent from its
 * descriptor (r->has_file), with its SHA-256 as ETag.  Both need one of
 * cfg->snapshot_keys in authorization ("Bearer KEY" or NULL): 404 without
 * a --snapshot-dir, 403 without keys, 401 (WWW-Authenticate) with none of
 * them; 404 when no snapshot was made yet, 503 when the manifest cannot
 * be read.
 *
 * @param r the reply, overwritten
 * @return FOUINE_OK, or FOUINE_ENOMEM when no reply could be made
 */
FOUINE_WUR int fouine_serve_api_snapshot(fouine_serve_reply *r,
                                         const fouine_serve_config *cfg,
                                         int which,
                                         const char *authorization);

/* What a follower knows, copied for /api/health and /metrics. */
typedef struct fouine_serve_follow_state {
    char source[1024];    /* the URL or directory followed */
    long long generation; /* generation of the snapshot served */
    long long source_gen; /* of the source's manifest read last; -1:
                               none read yet */
    long long last_ok;    /* when a poll last succeeded, seconds since
                               1970; 0: never */
    char last_error[512]; /* why the last poll failed; "": it did not */
    long long switches;   /* snapshots fetched and switched to */
    long long failures;   /* polls that failed */
    long long polls;      /* polls made */
} fouine_serve_follow_state;

/**
 * A follower of source: a URL (http:// or https://, the base URL of a
 * primary's fouine-serve) or the directory of a primary's snapshots (as
 * rsync fills it), that keeps the index file cfg->index the source's
 * latest snapshot.  The index file must be a snapshot or missing (never
 * a writer's index: one with a -wal beside it is refused).
 *
 * @param[out] out the follower (fouine_serve_follow_free()); NULL on failure
 * @param[out] msg on failure, why, naming the option or the file
 * @param source   the URL or directory; not owned, must outlive it
 * @param key_file for a URL, the file whose first key is sent as
 *                 Authorization: Bearer (as --write-key-file reads keys),
 *                 or NULL: none sent
 * @param index    the index file it writes; not owned
 * @param interval_ms milliseconds between polls
 * @return FOUINE_OK; FOUINE_EINVAL (a bad option, a writer's index);
 *         FOUINE_EIO (the key file); FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_serve_follow_new(fouine_serve_follow **out,
                                       char *msg,
                                       size_t msgsize,
                                       const char *source,
                                       const char *key_file,
                                       const char *index,
                                       long interval_ms);

/**
 * Poll the source once, in the calling thread: read its manifest, and
 * when it names another snapshot than the one served, fetch it into a
 * temporary file beside the index, fsync it, check it (its SHA-256 the
 * manifest's, or the ETag's of the primary's answer; a fouine index of
 * this version), rename it over the index file and fsync the directory.
 * The threads that answer requests open the new file before their next
 * request (as they do for a rebuilt index); the old one stays open, its
 * space kept, until each has.  On failure nothing changes but the state
 * (last_error, failures).
 *
 * @return FOUINE_OK (up to date, or switched); FOUINE_EIO (the source
 *         could not be read, or the file written); FOUINE_EINVAL (a bad
 *         manifest, a SHA-256 that differs); FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_serve_follow_poll(fouine_serve_follow *f);

/** Start the thread that polls every interval.
 *  @return FOUINE_OK or FOUINE_ENOMEM */
FOUINE_WUR int fouine_serve_follow_start(fouine_serve_follow *f);

/** The follower's state into out (under its lock). */
void fouine_serve_follow_status(fouine_serve_follow_state *out,
                                fouine_serve_follow *f);

/** The "follow" object of /api/health: {"source", "generation" (the
 *  source's), "behind", "last_ok" (ISO 8601 or null), "last_error" (or
 *  null), "switches", "failures"}.
 *  @return a new reference, or NULL when memory is short */
json_t *fouine_serve_follow_json(fouine_serve_follow *f);

/**
 * Whether a request must be refused for its key: 403 (message off) when
 * there are no keys, 401 with WWW-Authenticate: Bearer (message need, or
 * one saying the key is not one of the server's) when authorization (the
 * header, or NULL) holds none of them (fouine_serve_keys_check()).
 *
 * @param[out] r  set when refused
 * @param[out] rc FOUINE_OK, or the code when not even r could be made
 * @return 1 when refused, 0 when the key is one of keys
 */
int fouine_serve_key_refused(fouine_serve_reply *r,
                             int *rc,
                             const fouine_serve_keys *keys,
                             const char *authorization,
                             const char *off,
                             const char *need);

/** Stop the thread (a transfer under way is cut), free f; NULL accepted. */
void fouine_serve_follow_free(fouine_serve_follow *f);

/** The first key of keys into out (FOUINE_SERVE_MAX_KEY + 1 bytes),
 *  NUL-terminated; "" when there is none. */
void fouine_serve_keys_first(char *out, const fouine_serve_keys *keys);

/**
 * Whether s[0..len) is valid UTF-8 without NUL or other C0 controls but
 * tab, CR and LF, the text a request may hold, and why not.
 *
 * @param[out] why NULL, or room for size bytes: "" when s is such text;
 *                 else why not, naming s as name does: "q is not valid
 *                 UTF-8", "q holds a control character (U+0000)"
 * @param size     bytes of why
 * @param name     what s is, for why ("q", "the path")
 * @return 1 or 0
 */
int fouine_serve_text_valid(char *why,
                            size_t size,
                            const char *name,
                            const char *s,
                            size_t len);

#endif /* FOUINE_SERVE_H */
