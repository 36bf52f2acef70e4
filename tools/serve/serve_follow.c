/*
** serve_follow.c: snapshots between fouine-serve processes.
**
** A primary offers the snapshots that fouine-index --snapshot DIR writes
** (--snapshot-dir DIR): GET /api/snapshot/manifest answers DIR's manifest,
** GET /api/snapshot the file it names, sent from its descriptor with its
** SHA-256 as ETag; both need a key of --snapshot-key-file.
**
** A replica follows a primary (--follow URL, over HTTP with libcurl) or a
** directory of snapshots (--follow DIR, as rsync fills it): a thread of
** its own polls the manifest every interval and, when it names another
** snapshot than the one served, copies it into a temporary file beside
** the index, fsyncs it, checks it (its SHA-256, and that it opens as a
** fouine index: fouine_snapshot_check()), renames it over the index file
** and fsyncs the directory.  The threads that answer requests check the
** index file's identity before each request (serve_api.c) and open the
** new file then: a request is answered from the old snapshot or the new
** one, whole.  The old file, unlinked by the rename, stays readable by
** the threads that still have it open, until each has moved on.  A poll
** that fails changes nothing but the state that /api/health and /metrics
** show; the next poll tries again.
*/
#include "serve.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fouine/alloc.h"
#include "fouine/buf.h"

#define MANIFEST_MAX (64u << 10)       /* bytes of a manifest, at most */
#define COPY_CHUNK   (64u << 10)       /* bytes copied at once (DIR) */
#define ERROR_MAX    1024u             /* bytes of an error body kept */
#define TMP_PREFIX   ".fouine-follow-" /* temporary files beside the index */
#define CONNECT_MS   5000              /* to connect to the primary */
#define MANIFEST_MS  30000             /* to get its manifest */
#define SLOW_BYTES   1024L             /* a transfer slower than this */
#define SLOW_SECONDS 30L               /* for this long is given up */

struct fouine_serve_follow {
    pthread_mutex_t lock;               /* guards st */
    pthread_cond_t wake;                /* stopping was set */
    pthread_t thread;                   /* the poller, once started */
    int started;                        /* the thread runs */
    atomic_int stopping;                /* the thread must end, transfers too */
    const char *source;                 /* the URL or directory; not owned */
    int is_url;                         /* source is a URL */
    char base[1024];                    /* the URL without a trailing '/' */
    char key[FOUINE_SERVE_MAX_KEY + 1]; /* sent as Bearer, or "" */
    const char *index;                  /* the index file; not owned */
    char dir[PATH_MAX];                 /* its directory */
    char tmp_prefix[256];         /* TMP_PREFIX + the index's name + "-" */
    long interval_ms;             /* between polls */
    char sha256[65];              /* of the file served; "" unknown; the
                                poller's own */
    fouine_serve_follow_state st; /* what health and metrics show */
};

/* Say why into msg (size bytes) and return rc. */
static int say(char *msg, size_t size, int rc, const char *fmt, ...)
    FOUINE_PRINTF(4, 5);
static int say(char *msg, size_t size, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
    return rc;
}

/* Read at most max bytes of the file path into b; *missing set when it
** does not exist. */
static FOUINE_WUR int read_small(fouine_buf *b,
                                 int *missing,
                                 char *msg,
                                 size_t msgsize,
                                 const char *path,
                                 size_t max)
{
    char chunk[4096];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = FOUINE_OK;
    *missing = 0;
    if (fd < 0) {
        *missing = errno == ENOENT;
        return say(msg, msgsize, FOUINE_EIO, "%s: %s", path, strerror(errno));
    }
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = say(msg, msgsize, FOUINE_EIO, "%s: read: %s", path,
                     strerror(errno));
            break;
        }
        if (b->len + (size_t)n > max) {
            rc = say(msg, msgsize, FOUINE_EINVAL, "%s: over %zu bytes", path,
                     max);
            break;
        }
        fouine_buf_append(b, chunk, (size_t)n);
    }
    close(fd);
    if (rc == FOUINE_OK && b->failed) {
        rc = say(msg, msgsize, FOUINE_ENOMEM, "out of memory");
    }
    return rc;
}

/* The manifest of the directory dir into m; *missing: there is none. */
static FOUINE_WUR int dir_manifest(fouine_snapshot_info *m,
                                   int *missing,
                                   char *msg,
                                   size_t msgsize,
                                   const char *dir)
{
    char path[PATH_MAX];
    fouine_buf b = { 0 };
    int rc;
    if (snprintf(path, sizeof path, "%s/%s", dir, FOUINE_SNAPSHOT_MANIFEST) >=
        (int)sizeof path) {
        *missing = 0;
        return say(msg, msgsize, FOUINE_EINVAL, "%s: path too long", dir);
    }
    rc = read_small(&b, missing, msg, msgsize, path, MANIFEST_MAX);
    if (rc == FOUINE_OK) {
        rc = fouine_snapshot_manifest(m, b.data ? b.data : "", b.len);
        if (rc != FOUINE_OK) {
            say(msg, msgsize, rc, "%s: %s", path, m->error);
        }
    }
    fouine_free(b.data);
    return rc;
}

/* ---- The primary: GET /api/snapshot/manifest and /api/snapshot ---- */

int fouine_serve_api_snapshot(fouine_serve_reply *r,
                              const fouine_serve_config *cfg,
                              int which,
                              const char *authorization)
{
    fouine_snapshot_info m;
    char msg[PATH_MAX + 600], path[PATH_MAX];
    struct stat st;
    int rc = FOUINE_OK, missing = 0, tries, fd = -1;

    memset(r, 0, sizeof *r);
    if (!cfg->snapshot_dir) {
        return fouine_serve_reply_error(r, 404,
                                        "this server offers no snapshots "
                                        "(no --snapshot-dir)");
    }
    if (fouine_serve_key_refused(r, &rc, cfg->snapshot_keys, authorization,
                                 "snapshots are turned off: the server has "
                                 "no --snapshot-key-file",
                                 "a snapshot needs the header "
                                 "Authorization: Bearer KEY")) {
        return rc;
    }
    /* The manifest, then the file it names: a snapshot made in between
    ** may have removed that file (the one before the previous); then the
    ** new manifest names one that is there. */
    for (tries = 0; tries < 3 && fd < 0; tries++) {
        rc = dir_manifest(&m, &missing, msg, sizeof msg, cfg->snapshot_dir);
        if (rc == FOUINE_ENOMEM) {
            return rc;
        }
        if (rc != FOUINE_OK && missing) {
            return fouine_serve_reply_error(r, 404,
                                            "no snapshot has been made yet "
                                            "(fouine-index --snapshot)");
        }
        if (rc != FOUINE_OK) {
            fprintf(stderr, "fouine-serve: --snapshot-dir: %s\n", msg);
            return fouine_serve_reply_error(r, 503,
                                            "the manifest of the snapshots "
                                            "cannot be read");
        }
        if (which == FOUINE_SERVE_SNAPSHOT_MANIFEST) {
            return fouine_serve_reply_json(
                r, 200,
                json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:i}", "file", m.file,
                          "generation", (json_int_t)m.generation, "articles",
                          (json_int_t)m.articles, "size", (json_int_t)m.size,
                          "sha256", m.sha256, "time", m.time, "schema",
                          m.schema));
        }
        if (snprintf(path, sizeof path, "%s/%s", cfg->snapshot_dir, m.file) <
            (int)sizeof path) {
            fd = open(path, O_RDONLY | O_CLOEXEC);
        }
    }
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size != m.size) {
        if (fd >= 0) {
            close(fd);
        }
        rc = fouine_serve_reply_error(r, 503,
                                      "the snapshot is being replaced: try "
                                      "again");
        r->header = "Retry-After";
        r->header_value = "1";
        return rc;
    }
    r->status = 200;
    r->has_file = 1;
    r->file = fd;
    r->len = (size_t)st.st_size;
    r->type = "application/vnd.sqlite3";
    snprintf(r->etag, sizeof r->etag, "\"%s\"", m.sha256);
    return FOUINE_OK;
}

/* ---- The replica: the state ---- */

/* Note a poll that succeeded (source_gen: the generation of the
** manifest read; got: the snapshot switched to, or NULL) or failed (err
** not NULL), all at once: health never shows half of it. */
static void note(fouine_serve_follow *f,
                 long long source_gen,
                 const char *err,
                 const fouine_snapshot_info *got)
{
    int changed;
    pthread_mutex_lock(&f->lock);
    f->st.polls++;
    if (got) {
        f->st.generation = got->generation;
        f->st.switches++;
    }
    changed = strcmp(f->st.last_error, err ? err : "") != 0;
    if (err) {
        f->st.failures++;
        /* A long message is cut to the room of the status. */
        snprintf(f->st.last_error, sizeof f->st.last_error, "%.*s",
                 (int)sizeof f->st.last_error - 1, err);
    } else {
        f->st.last_error[0] = '\0';
        f->st.last_ok = (long long)time(NULL);
        f->st.source_gen = source_gen;
    }
    pthread_mutex_unlock(&f->lock);
    /* Said once when it starts failing, and once when it recovers. */
    if (changed && err) {
        fprintf(stderr,
                "fouine-serve: --follow %s: %s (serving generation %lld "
                "meanwhile)\n",
                f->source, err, f->st.generation);
    } else if (changed) {
        fprintf(stderr, "fouine-serve: --follow %s: following again\n",
                f->source);
    }
}

void fouine_serve_follow_status(fouine_serve_follow_state *out,
                                fouine_serve_follow *f)
{
    pthread_mutex_lock(&f->lock);
    *out = f->st;
    pthread_mutex_unlock(&f->lock);
}

json_t *fouine_serve_follow_json(fouine_serve_follow *f)
{
    fouine_serve_follow_state st;
    char when[32] = "";
    long long behind;
    fouine_serve_follow_status(&st, f);
    if (st.last_ok > 0) {
        time_t t = (time_t)st.last_ok;
        struct tm tm;
        if (!gmtime_r(&t, &tm) ||
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
            when[0] = '\0';
        }
    }
    behind = st.source_gen > st.generation ? st.source_gen - st.generation : 0;
    return json_pack(
        "{s:s, s:I, s:I, s:s?, s:s?, s:I, s:I}", "source", st.source,
        "generation", (json_int_t)st.source_gen, "behind", (json_int_t)behind,
        "last_ok", when[0] ? when : NULL, "last_error",
        st.last_error[0] ? st.last_error : NULL, "switches",
        (json_int_t)st.switches, "failures", (json_int_t)st.failures);
}

/* ---- The replica: transfers over HTTP ---- */

/* One HTTP transfer, into memory or into a file. */
typedef struct transfer {
    fouine_serve_follow *f; /* the follower; not owned */
    CURL *curl;             /* its handle; not owned */
    long status;            /* the HTTP status, once the body starts */
    fouine_buf *mem;        /* the body (a manifest), or NULL: into fd */
    int fd;                 /* the file written */
    int write_errno;        /* a write to fd that failed, or 0 */
    fouine_buf error;       /* the body of an answer other than 200 */
    char etag[72];          /* the ETag header's value, unquoted */
} transfer;

/* CURLOPT_WRITEFUNCTION: the body; returning less stops the transfer. */
static size_t on_body(char *p, size_t size, size_t n, void *payload)
{
    transfer *t = payload;
    size_t len = size * n, done = 0;
    if (t->status == 0 && curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE,
                                            &t->status) != CURLE_OK) {
        t->status = -1;
    }
    if (t->status != 200) {
        if (t->error.len + len <= ERROR_MAX) {
            fouine_buf_append(&t->error, p, len);
        }
        return len;
    }
    if (t->mem) {
        if (t->mem->len + len > MANIFEST_MAX) {
            return 0;
        }
        fouine_buf_append(t->mem, p, len);
        return t->mem->failed ? 0 : len;
    }
    while (done < len) {
        ssize_t w = write(t->fd, p + done, len - done);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            t->write_errno = w < 0 ? errno : EIO;
            return 0;
        }
        done += (size_t)w;
    }
    return len;
}

/* CURLOPT_HEADERFUNCTION: keeps the ETag. */
static size_t on_header(char *p, size_t size, size_t n, void *payload)
{
    transfer *t = payload;
    size_t len = size * n, i = 5, k = 0;
    if (len > 5 && strncasecmp(p, "ETag:", 5) == 0) {
        while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '"')) {
            i++;
        }
        while (i < len && p[i] != '"' && p[i] != '\r' && p[i] != '\n' &&
               k + 1 < sizeof t->etag) {
            t->etag[k++] = p[i++];
        }
        t->etag[k] = '\0';
    }
    return len;
}

/* CURLOPT_XFERINFOFUNCTION: a transfer stops when the server does. */
static int on_progress(void *payload,
                       curl_off_t dltotal,
                       curl_off_t dlnow,
                       curl_off_t ultotal,
                       curl_off_t ulnow)
{
    const transfer *t = payload;
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return atomic_load(&t->f->stopping) ? 1 : 0;
}

/* Why an answer other than 200 came: its status and the "error" of its
** JSON body, if any, into msg. */
static int http_refused(char *msg,
                        size_t msgsize,
                        const char *url,
                        const transfer *t)
{
    json_t *j =
        t->error.data ? json_loadb(t->error.data, t->error.len, 0, NULL) : NULL;
    const char *e = json_string_value(json_object_get(j, "error"));
    say(msg, msgsize, FOUINE_EIO, "GET %s: HTTP %ld%s%s", url, t->status,
        e ? ": " : "", e ? e : "");
    json_decref(j);
    return FOUINE_EIO;
}

/* GET base + path into t (its mem or fd); the whole answer must be 200.
** timeout_ms: 0 for none (a snapshot: only a stalled one is given up). */
static FOUINE_WUR int http_get(transfer *t,
                               char *msg,
                               size_t msgsize,
                               const char *path,
                               long timeout_ms)
{
    fouine_serve_follow *f = t->f;
    char url[sizeof f->base + 64], auth[FOUINE_SERVE_MAX_KEY + 32];
    char err[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL, *more;
    CURLcode e = CURLE_OK;
    int rc = FOUINE_OK;

    snprintf(url, sizeof url, "%s%s", f->base, path);
    t->curl = curl_easy_init();
    if (!t->curl) {
        return say(msg, msgsize, FOUINE_ENOMEM, "out of memory");
    }
    if (f->key[0]) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", f->key);
        headers = curl_slist_append(NULL, auth);
        if (!headers) {
            rc = say(msg, msgsize, FOUINE_ENOMEM, "out of memory");
            goto done;
        }
    }
    more = curl_slist_append(headers, "Accept-Encoding: identity");
    if (!more) {
        rc = say(msg, msgsize, FOUINE_ENOMEM, "out of memory");
        goto done;
    }
    headers = more;
    /* Each option is checked: the first that fails is said. */
    e = curl_easy_setopt(t->curl, CURLOPT_URL, url);
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_ERRORBUFFER, err);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_NOSIGNAL, 1L);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_CONNECTTIMEOUT_MS,
                             (long)CONNECT_MS);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_LOW_SPEED_LIMIT, SLOW_BYTES);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_LOW_SPEED_TIME, SLOW_SECONDS);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_HTTPHEADER, headers);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_WRITEFUNCTION, on_body);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_WRITEDATA, t);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_HEADERFUNCTION, on_header);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_HEADERDATA, t);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_XFERINFODATA, t);
    }
    if (e == CURLE_OK) {
        e = curl_easy_setopt(t->curl, CURLOPT_NOPROGRESS, 0L);
    }
    if (e != CURLE_OK) {
        rc =
            say(msg, msgsize, FOUINE_EIO, "libcurl: %s", curl_easy_strerror(e));
        goto done;
    }
    e = curl_easy_perform(t->curl);
    if (t->status == 0 && curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE,
                                            &t->status) != CURLE_OK) {
        t->status = -1;
    }
    if (e == CURLE_OK && t->status != 200) {
        rc = http_refused(msg, msgsize, url, t);
    } else if (t->write_errno) {
        rc = say(msg, msgsize, FOUINE_EIO, "%s: write: %s", f->dir,
                 strerror(t->write_errno));
    } else if (t->mem && t->mem->failed) {
        rc = say(msg, msgsize, FOUINE_ENOMEM, "out of memory");
    } else if (e != CURLE_OK) {
        rc = say(msg, msgsize, FOUINE_EIO, "GET %s: %s", url,
                 err[0] ? err : curl_easy_strerror(e));
    }
done:
    curl_slist_free_all(headers);
    curl_easy_cleanup(t->curl);
    t->curl = NULL;
    return rc;
}

/* ---- The replica: a poll ---- */

/* The source's manifest into m. */
static FOUINE_WUR int source_manifest(fouine_serve_follow *f,
                                      fouine_snapshot_info *m,
                                      char *msg,
                                      size_t msgsize)
{
    transfer t;
    fouine_buf b = { 0 };
    int rc, missing = 0;
    if (!f->is_url) {
        return dir_manifest(m, &missing, msg, msgsize, f->source);
    }
    memset(&t, 0, sizeof t);
    t.f = f;
    t.mem = &b;
    rc = http_get(&t, msg, msgsize, "/api/snapshot/manifest", MANIFEST_MS);
    if (rc == FOUINE_OK) {
        rc = fouine_snapshot_manifest(m, b.data ? b.data : "", b.len);
        if (rc != FOUINE_OK) {
            say(msg, msgsize, rc, "%s/api/snapshot/manifest: %s", f->base,
                m->error);
        }
    }
    fouine_free(t.error.data);
    fouine_free(b.data);
    return rc;
}

/* Copy the snapshot m names in the source's directory into fd. */
static FOUINE_WUR int copy_from_dir(fouine_serve_follow *f,
                                    const fouine_snapshot_info *m,
                                    int fd,
                                    char *msg,
                                    size_t msgsize)
{
    char path[PATH_MAX];
    unsigned char *buf = NULL;
    ssize_t n;
    int in = -1, rc = FOUINE_OK;

    if (snprintf(path, sizeof path, "%s/%s", f->source, m->file) >=
        (int)sizeof path) {
        return say(msg, msgsize, FOUINE_EINVAL, "%s: path too long", f->source);
    }
    buf = fouine_malloc(COPY_CHUNK);
    if (!buf) {
        return say(msg, msgsize, FOUINE_ENOMEM, "out of memory");
    }
    in = open(path, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        rc = say(msg, msgsize, FOUINE_EIO, "%s: %s", path, strerror(errno));
        goto done;
    }
    while (!atomic_load(&f->stopping) && (n = read(in, buf, COPY_CHUNK)) != 0) {
        ssize_t off = 0;
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = say(msg, msgsize, FOUINE_EIO, "%s: read: %s", path,
                     strerror(errno));
            goto done;
        }
        while (off < n) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w <= 0) {
                rc = say(msg, msgsize, FOUINE_EIO, "%s: write: %s", f->dir,
                         w < 0 ? strerror(errno) : "nothing written");
                goto done;
            }
            off += w;
        }
    }
    if (atomic_load(&f->stopping)) {
        rc = say(msg, msgsize, FOUINE_EIO, "stopped");
    }
done:
    if (in >= 0) {
        close(in);
    }
    fouine_free(buf);
    return rc;
}

/* fsync the directory of the index. */
static FOUINE_WUR int sync_dir(const fouine_serve_follow *f,
                               char *msg,
                               size_t msgsize)
{
    int fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = FOUINE_OK;
    if (fd < 0 || fsync(fd) != 0) {
        rc = say(msg, msgsize, FOUINE_EIO, "%s: fsync: %s", f->dir,
                 strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
    return rc;
}

/* Fetch the snapshot m names into a temporary file beside the index,
** check it, and rename it over the index; *got: what it is. */
static FOUINE_WUR int fetch(fouine_serve_follow *f,
                            const fouine_snapshot_info *m,
                            fouine_snapshot_info *got,
                            char *msg,
                            size_t msgsize)
{
    char tmp[PATH_MAX + 256 + 8]; /* the directory, the prefix, XXXXXX */
    const char *want = m->sha256;
    transfer t;
    int fd = -1, rc;

    memset(&t, 0, sizeof t);
    if (snprintf(tmp, sizeof tmp, "%s/%sXXXXXX", f->dir, f->tmp_prefix) >=
        (int)sizeof tmp) {
        return say(msg, msgsize, FOUINE_EINVAL, "%s: path too long", f->dir);
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        return say(msg, msgsize, FOUINE_EIO, "%s: cannot write there: %s",
                   f->dir, strerror(errno));
    }
    if (f->is_url) {
        t.f = f;
        t.fd = fd;
        rc = http_get(&t, msg, msgsize, "/api/snapshot", 0);
        /* The primary sends the SHA-256 of the file it sends: a snapshot
        ** newer than the manifest read is as good. */
        if (t.etag[0]) {
            want = t.etag;
        }
    } else {
        rc = copy_from_dir(f, m, fd, msg, msgsize);
    }
    if (rc == FOUINE_OK && fsync(fd) != 0) {
        rc = say(msg, msgsize, FOUINE_EIO, "%s: fsync: %s", tmp,
                 strerror(errno));
    }
    if (close(fd) != 0 && rc == FOUINE_OK) {
        rc = say(msg, msgsize, FOUINE_EIO, "%s: close: %s", tmp,
                 strerror(errno));
    }
    if (rc == FOUINE_OK) {
        rc = fouine_snapshot_check(got, tmp);
        if (rc != FOUINE_OK) {
            say(msg, msgsize, rc, "snapshot %s: %s", m->file, got->error);
        }
    }
    if (rc == FOUINE_OK && strcmp(got->sha256, want) != 0) {
        rc = say(msg, msgsize, FOUINE_EINVAL,
                 "snapshot %s: its sha256 is %s, not %s as %s says: not "
                 "switched to it",
                 m->file, got->sha256, want,
                 want == m->sha256 ? "the manifest" : "the primary");
    }
    if (rc == FOUINE_OK && rename(tmp, f->index) != 0) {
        rc = say(msg, msgsize, FOUINE_EIO, "cannot rename %s to %s: %s", tmp,
                 f->index, strerror(errno));
    }
    if (rc != FOUINE_OK) {
        (void)unlink(tmp);
        fouine_free(t.error.data);
        return rc;
    }
    fouine_free(t.error.data);
    return sync_dir(f, msg, msgsize);
}

int fouine_serve_follow_poll(fouine_serve_follow *f)
{
    fouine_snapshot_info m, got;
    char msg[PATH_MAX + 600];
    int rc, switched = 0;

    rc = source_manifest(f, &m, msg, sizeof msg);
    if (rc == FOUINE_OK && strcmp(m.sha256, f->sha256) != 0) {
        rc = fetch(f, &m, &got, msg, sizeof msg);
        if (rc == FOUINE_OK) {
            memcpy(f->sha256, got.sha256, sizeof f->sha256);
            switched = 1;
            fprintf(stderr,
                    "fouine-serve: --follow %s: switched to snapshot %s: "
                    "generation %lld, %lld articles\n",
                    f->source, m.file, got.generation, got.articles);
            if (got.generation > m.generation) {
                m.generation = got.generation;
            }
        }
    }
    note(f, m.generation, rc == FOUINE_OK ? NULL : msg, switched ? &got : NULL);
    return rc;
}

/* ---- The replica: its life ---- */

/* The thread: a poll every interval, until stopped. */
static void *follow_main(void *payload)
{
    fouine_serve_follow *f = payload;
    pthread_mutex_lock(&f->lock);
    while (!atomic_load(&f->stopping)) {
        struct timespec until;
        pthread_mutex_unlock(&f->lock);
        if (fouine_serve_follow_poll(f) != FOUINE_OK) {
            /* its state says so, for /api/health and /metrics */
        }
        pthread_mutex_lock(&f->lock);
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += f->interval_ms / 1000;
        until.tv_nsec += (f->interval_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!atomic_load(&f->stopping) &&
               pthread_cond_timedwait(&f->wake, &f->lock, &until) == 0) {
            /* a spurious wake-up: wait on */
        }
    }
    pthread_mutex_unlock(&f->lock);
    return NULL;
}

/* Remove the temporary files that a replica of this index killed during
** a fetch left beside it. */
static void sweep(const fouine_serve_follow *f)
{
    DIR *d = opendir(f->dir);
    struct dirent *e;
    char path[PATH_MAX + 256 + 2]; /* the directory, a name */
    if (!d) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, f->tmp_prefix, strlen(f->tmp_prefix)) == 0 &&
            snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name) <
                (int)sizeof path) {
            (void)unlink(path);
        }
    }
    closedir(d);
}

/* Set f's source and, for a URL, its key. */
static FOUINE_WUR int set_source(fouine_serve_follow *f,
                                 char *msg,
                                 size_t msgsize,
                                 const char *source,
                                 const char *key_file)
{
    struct stat st;
    size_t n = strlen(source);
    f->source = source;
    f->is_url = strncmp(source, "http://", 7) == 0 ||
                strncmp(source, "https://", 8) == 0;
    if (!f->is_url) {
        if (key_file) {
            return say(msg, msgsize, FOUINE_EINVAL,
                       "--follow-key-file: only for a --follow URL");
        }
        if (stat(source, &st) != 0 || !S_ISDIR(st.st_mode)) {
            return say(msg, msgsize, FOUINE_EINVAL,
                       "--follow: '%s' is neither an http:// or https:// URL "
                       "nor a directory",
                       source);
        }
        return FOUINE_OK;
    }
    while (n > 0 && source[n - 1] == '/') {
        n--;
    }
    if (n >= sizeof f->base || strpbrk(source, " \t\r\n")) {
        return say(msg, msgsize, FOUINE_EINVAL, "--follow: '%s': not a URL",
                   source);
    }
    memcpy(f->base, source, n);
    f->base[n] = '\0';
    if (key_file) {
        fouine_serve_keys *keys = NULL;
        char why[512];
        int rc = fouine_serve_keys_load(&keys, why, sizeof why, key_file);
        if (rc != FOUINE_OK) {
            return say(msg, msgsize, rc, "--follow-key-file: %s",
                       rc == FOUINE_ENOMEM ? "out of memory" : why);
        }
        fouine_serve_keys_first(f->key, keys);
        fouine_serve_keys_free(keys);
    }
    return FOUINE_OK;
}

/* Set the index file f writes, and what it holds now (a snapshot, or
** nothing). */
static FOUINE_WUR int set_index(fouine_serve_follow *f,
                                char *msg,
                                size_t msgsize,
                                const char *index)
{
    fouine_snapshot_info now;
    char side[PATH_MAX];
    const char *slash = strrchr(index, '/'), *name = slash ? slash + 1 : index;
    struct stat st;
    size_t dlen = slash ? (size_t)(slash - index) : 0;

    f->index = index;
    if (dlen >= sizeof f->dir ||
        (size_t)snprintf(f->tmp_prefix, sizeof f->tmp_prefix, "%s%s-",
                         TMP_PREFIX, name) >= sizeof f->tmp_prefix) {
        return say(msg, msgsize, FOUINE_EINVAL, "%s: path too long", index);
    }
    if (!slash) {
        memcpy(f->dir, ".", 2);
    } else if (dlen == 0) {
        memcpy(f->dir, "/", 2);
    } else {
        memcpy(f->dir, index, dlen);
        f->dir[dlen] = '\0';
    }
    /* A writer's index has its WAL beside it: a snapshot renamed over it
    ** would meet that WAL. */
    snprintf(side, sizeof side, "%s-wal", index);
    if (stat(side, &st) == 0) {
        return say(msg, msgsize, FOUINE_EINVAL,
                   "--follow: %s has a write-ahead log beside it: a "
                   "replica's index must be a file of its own, written by "
                   "--follow only (give another -i)",
                   index);
    }
    if (stat(index, &st) == 0) {
        if (fouine_snapshot_check(&now, index) == FOUINE_OK) {
            memcpy(f->sha256, now.sha256, sizeof f->sha256);
            f->st.generation = now.generation;
        }
    }
    return FOUINE_OK;
}

int fouine_serve_follow_new(fouine_serve_follow **out,
                            char *msg,
                            size_t msgsize,
                            const char *source,
                            const char *key_file,
                            const char *index,
                            long interval_ms)
{
    fouine_serve_follow *f = NULL;
    int rc = FOUINE_ENOMEM;

    *out = NULL;
    msg[0] = '\0';
    f = fouine_calloc(1, sizeof *f);
    if (!f) {
        return say(msg, msgsize, FOUINE_ENOMEM, "out of memory");
    }
    if (pthread_mutex_init(&f->lock, NULL) != 0) {
        fouine_free(f);
        return say(msg, msgsize, FOUINE_ENOMEM, "out of memory");
    }
    {
        pthread_condattr_t attr;
        int ok = pthread_condattr_init(&attr) == 0;
        ok = ok && pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
             pthread_cond_init(&f->wake, &attr) == 0;
        if (!ok) {
            pthread_mutex_destroy(&f->lock);
            fouine_free(f);
            return say(msg, msgsize, FOUINE_ENOMEM, "out of memory");
        }
        pthread_condattr_destroy(&attr);
    }
    atomic_init(&f->stopping, 0);
    f->interval_ms = interval_ms;
    f->st.source_gen = -1;
    snprintf(f->st.source, sizeof f->st.source, "%s", source);
    rc = set_source(f, msg, msgsize, source, key_file);
    if (rc == FOUINE_OK) {
        rc = set_index(f, msg, msgsize, index);
    }
    if (rc != FOUINE_OK) {
        fouine_serve_follow_free(f);
        return rc;
    }
    sweep(f);
    *out = f;
    return FOUINE_OK;
}

int fouine_serve_follow_start(fouine_serve_follow *f)
{
    if (pthread_create(&f->thread, NULL, follow_main, f) != 0) {
        return FOUINE_ENOMEM;
    }
    f->started = 1;
    return FOUINE_OK;
}

void fouine_serve_follow_free(fouine_serve_follow *f)
{
    if (!f) {
        return;
    }
    if (f->started) {
        pthread_mutex_lock(&f->lock);
        atomic_store(&f->stopping, 1);
        pthread_cond_signal(&f->wake);
        pthread_mutex_unlock(&f->lock);
        pthread_join(f->thread, NULL);
    }
    pthread_cond_destroy(&f->wake);
    pthread_mutex_destroy(&f->lock);
    memset(f->key, 0, sizeof f->key);
    fouine_free(f);
}
