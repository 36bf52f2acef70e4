/*
** serve_write.c: the write endpoints of fouine-serve, for a CMS that
** publishes its articles as they are written: POST /api/articles (one
** JSON article, an array of them, or JSON Lines), PUT and DELETE
** /api/articles/ID; the keys that writes need; and the one writable index
** that every write goes through, in the one thread that runs them
** (serve_http.c queues them there), while searches go on reading.
**
** A write is all or nothing: every article of the request is read and
** checked first (fouine_article_read_json()), then all are written in one
** transaction, committed before the reply is made.  The index is in WAL
** mode with synchronous=NORMAL (lib/store/store.c): a committed write is
** in the WAL file when the commit returns, so it survives the server
** being killed (kill -9) or crashing; the WAL is synced to the disk at
** checkpoints, so a power cut or a crash of the system may take back the
** last commits before it, never leaving a damaged index.
*/
#include "serve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fouine/alloc.h"
#include "fouine/index.h"
#include "results_json.h"

/* Seconds a client is told to wait when the index stayed locked. */
#define RETRY_AFTER "5"

/* One key, padded with zeros to the size every comparison covers. */
typedef struct serve_key {
    unsigned char bytes[FOUINE_SERVE_MAX_KEY]; /* the key, then zeros */
    size_t len;                                /* its length */
} serve_key;

struct fouine_serve_keys {
    serve_key *v; /* owned; wiped when freed */
    size_t n;     /* their number */
};

/* Zero n bytes in a way the compiler keeps (key material). */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *b = p;
    while (n-- > 0) {
        *b++ = 0;
    }
}

void fouine_serve_keys_free(fouine_serve_keys *keys)
{
    if (!keys) {
        return;
    }
    if (keys->v) {
        wipe(keys->v, keys->n * sizeof *keys->v);
    }
    fouine_free(keys->v);
    fouine_free(keys);
}

/* Whether s[0..n) is a key: FOUINE_SERVE_MIN_KEY to FOUINE_SERVE_MAX_KEY
** characters of a Bearer token (RFC 6750's b64token). */
static int key_valid(const char *s, size_t n)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789-._~+/";
    size_t i = 0;
    if (n < FOUINE_SERVE_MIN_KEY || n > FOUINE_SERVE_MAX_KEY) {
        return 0;
    }
    while (i < n && s[i] && strchr(chars, s[i])) {
        i++;
    }
    if (i == 0) {
        return 0;
    }
    while (i < n && s[i] == '=') {
        i++;
    }
    return i == n;
}

/* Add the key s[0..n) to keys. */
static FOUINE_WUR int key_add(fouine_serve_keys *keys,
                              size_t *cap,
                              const char *s,
                              size_t n)
{
    if (keys->n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 4;
        serve_key *v = fouine_calloc(ncap, sizeof *v);
        if (!v) {
            return FOUINE_ENOMEM;
        }
        if (keys->v) {
            memcpy(v, keys->v, keys->n * sizeof *v);
            wipe(keys->v, keys->n * sizeof *v);
        }
        fouine_free(keys->v);
        keys->v = v;
        *cap = ncap;
    }
    memcpy(keys->v[keys->n].bytes, s, n);
    keys->v[keys->n].len = n;
    keys->n++;
    return FOUINE_OK;
}

int fouine_serve_keys_load(fouine_serve_keys **out,
                           char *msg,
                           size_t msgsize,
                           const char *path)
{
    fouine_serve_keys *keys = NULL;
    char line[FOUINE_SERVE_MAX_KEY + 64];
    FILE *f = NULL;
    size_t cap = 0;
    long lineno = 0;
    int rc = FOUINE_ENOMEM, ch;

    *out = NULL;
    msg[0] = '\0';
    f = fopen(path, "r");
    if (!f) {
        snprintf(msg, msgsize, "%s: %s", path, strerror(errno));
        rc = FOUINE_EIO;
        goto done;
    }
    keys = fouine_calloc(1, sizeof *keys);
    if (!keys) {
        goto done;
    }
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        int whole = n > 0 && line[n - 1] == '\n';
        const char *s = line;
        lineno++;
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (*s == '#' && !whole) { /* a long comment: the rest of it */
            while ((ch = fgetc(f)) != EOF && ch != '\n') {
            }
        }
        if (*s == '#') {
            continue;
        }
        n = strlen(s);
        while (n > 0 && strchr(" \t\r\n", s[n - 1])) {
            n--;
        }
        if (whole && n == 0) {
            continue;
        }
        if ((!whole && !feof(f)) || (n > 0 && !key_valid(s, n))) {
            snprintf(msg, msgsize,
                     "%s:%ld: not a key: a key is %d to %d characters of "
                     "letters, digits, -._~+/ and = at its end",
                     path, lineno, FOUINE_SERVE_MIN_KEY, FOUINE_SERVE_MAX_KEY);
            rc = FOUINE_EINVAL;
            goto done;
        }
        if (n > 0) {
            rc = key_add(keys, &cap, s, n);
            if (rc != FOUINE_OK) {
                goto done;
            }
        }
    }
    if (ferror(f)) {
        snprintf(msg, msgsize, "%s: %s", path, strerror(errno));
        rc = FOUINE_EIO;
        goto done;
    }
    if (keys->n == 0) {
        snprintf(msg, msgsize,
                 "%s: no key (one a line; blank lines and lines starting "
                 "with # are ignored)",
                 path);
        rc = FOUINE_EINVAL;
        goto done;
    }
    *out = keys;
    keys = NULL;
    rc = FOUINE_OK;
done:
    wipe(line, sizeof line);
    if (f) {
        fclose(f);
    }
    fouine_serve_keys_free(keys);
    return rc;
}

int fouine_serve_keys_check(const fouine_serve_keys *keys,
                            const char *authorization)
{
    unsigned char given[FOUINE_SERVE_MAX_KEY];
    const char *p;
    size_t len, i, k;
    unsigned match = 0;

    if (!keys || !authorization ||
        strncasecmp(authorization, "Bearer", 6) != 0 ||
        (authorization[6] != ' ' && authorization[6] != '\t')) {
        return 0;
    }
    p = authorization + 7;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    len = strlen(p);
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t')) {
        len--;
    }
    /* The token padded (or cut: then its length differs from every key's)
    ** to the size of every comparison. */
    memset(given, 0, sizeof given);
    memcpy(given, p, len < sizeof given ? len : sizeof given);
    for (k = 0; k < keys->n; k++) {
        volatile size_t diff = keys->v[k].len ^ len;
        for (i = 0; i < FOUINE_SERVE_MAX_KEY; i++) {
            diff |= (size_t)(keys->v[k].bytes[i] ^ given[i]);
        }
        match |= (unsigned)(diff == 0);
    }
    wipe(given, sizeof given);
    return match != 0;
}

int fouine_serve_key_refused(fouine_serve_reply *r,
                             int *rc,
                             const fouine_serve_keys *keys,
                             const char *authorization,
                             const char *off,
                             const char *need)
{
    *rc = FOUINE_OK;
    if (!keys) {
        *rc = fouine_serve_reply_error(r, 403, off);
        return 1;
    }
    if (!fouine_serve_keys_check(keys, authorization)) {
        *rc = fouine_serve_reply_error(
            r, 401,
            authorization ? "the key of the Authorization header is not one "
                            "of the server's" :
                            need);
        r->header = "WWW-Authenticate";
        r->header_value = "Bearer";
        return 1;
    }
    return 0;
}

void fouine_serve_keys_first(char *out, const fouine_serve_keys *keys)
{
    out[0] = '\0';
    if (keys && keys->n > 0) {
        memcpy(out, keys->v[0].bytes, keys->v[0].len);
        out[keys->v[0].len] = '\0';
    }
}

int fouine_serve_method(const char **allow, const char *method, const char *url)
{
    static const char one[] = "/api/articles/";
    int is_one =
        strncmp(url, one, sizeof one - 1) == 0 && url[sizeof one - 1] != '\0';
    if (strcmp(url, "/api/articles") == 0) {
        *allow = "POST";
        return strcmp(method, "POST") == 0 ? FOUINE_SERVE_POST : 0;
    }
    *allow = is_one ? "GET, HEAD, PUT, DELETE" : "GET, HEAD";
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
        return FOUINE_SERVE_READ;
    }
    if (is_one && strcmp(method, "PUT") == 0) {
        return FOUINE_SERVE_PUT;
    }
    if (is_one && strcmp(method, "DELETE") == 0) {
        return FOUINE_SERVE_DELETE;
    }
    return 0;
}

int fouine_serve_write_refused(fouine_serve_reply *r,
                               int *rc,
                               const fouine_serve_config *cfg,
                               int what,
                               const char *authorization,
                               const char *content_length,
                               int has_body)
{
    *rc = FOUINE_OK;
    if (cfg->follow) {
        *rc = fouine_serve_reply_error(r, 403,
                                       "this server is a read-only replica "
                                       "(--follow): write on the primary");
        return 1;
    }
    if (fouine_serve_key_refused(r, rc, cfg->keys, authorization,
                                 "writes are turned off: the server has no "
                                 "--write-key-file",
                                 "a write needs the header Authorization: "
                                 "Bearer KEY")) {
        return 1;
    }
    if (what == FOUINE_SERVE_DELETE && has_body) {
        *rc = fouine_serve_reply_error(r, 400, "a DELETE request has no body");
        return 1;
    }
    /* libmicrohttpd has checked that it is a number. */
    if (content_length && strtoull(content_length, NULL, 10) > cfg->max_body) {
        *rc = fouine_serve_reply_too_large(r, cfg);
        return 1;
    }
    return 0;
}

int fouine_serve_reply_too_large(fouine_serve_reply *r,
                                 const fouine_serve_config *cfg)
{
    char msg[96];
    snprintf(msg, sizeof msg, "the body is over %zu bytes (--max-body)",
             cfg->max_body);
    return fouine_serve_reply_error(r, 413, msg);
}

/* The articles of a request, all read before any is written. */
typedef struct batch {
    fouine_article *a; /* owned, each to fouine_article_clear() */
    size_t n;          /* their number */
    size_t cap;        /* room in a */
} batch;

/* fouine_article_cb: keep the article. */
static int batch_add(fouine_article *a, void *payload)
{
    batch *b = payload;
    if (b->n == b->cap) {
        size_t ncap = b->cap ? 2 * b->cap : 16;
        fouine_article *v = fouine_realloc(b->a, ncap * sizeof *v);
        if (!v) {
            fouine_article_clear(a);
            return FOUINE_ENOMEM;
        }
        b->a = v;
        b->cap = ncap;
    }
    b->a[b->n++] = *a;
    return 0;
}

static void batch_free(batch *b)
{
    size_t i;
    for (i = 0; i < b->n; i++) {
        fouine_article_clear(&b->a[i]);
    }
    fouine_free(b->a);
}

/* The writable index, opened when missing or when another file has taken
** the index's path; never made: a missing file is an error (FOUINE_EIO). */
static FOUINE_WUR int writer_ready(fouine_serve_worker **writer,
                                   const fouine_serve_config *cfg)
{
    fouine_serve_worker *fresh = NULL;
    struct stat st;
    int rc;
    if (*writer && !fouine_serve_worker_moved(*writer, cfg)) {
        return FOUINE_OK;
    }
    if (stat(cfg->index, &st) != 0) {
        return FOUINE_EIO;
    }
    rc = fouine_serve_worker_open(&fresh, cfg, FOUINE_INDEX_WRITE);
    if (rc != FOUINE_OK) {
        return rc;
    }
    fouine_serve_worker_free(*writer);
    *writer = fresh;
    return FOUINE_OK;
}

/* Write the articles of b (or remove the article id) in one transaction;
** *replaced: how many of them replaced an article; *busy: the index
** stayed locked by another writer. */
static FOUINE_WUR int write_all(size_t *replaced,
                                int *busy,
                                fouine_index *ix,
                                const batch *b,
                                const char *id)
{
    size_t i;
    int one = 0, rc = fouine_index_begin(ix);
    *replaced = 0;
    *busy = 0;
    if (rc == FOUINE_OK && !b) {
        rc = fouine_index_remove(ix, id);
    }
    for (i = 0; rc == FOUINE_OK && b && i < b->n; i++) {
        rc = fouine_index_put(&one, ix, &b->a[i]);
        *replaced += (size_t)one;
    }
    if (rc == FOUINE_OK) {
        rc = fouine_index_commit(ix);
    }
    if (rc != FOUINE_OK) {
        *busy = fouine_index_busy(ix);
        if (fouine_index_rollback(ix) != FOUINE_OK) {
            /* the write's own error is the one to report */
        }
    }
    return rc;
}

/* The reply to a write that went through: POST and PUT {"written",
** "replaced", "ids", "warnings"}, 201 when an article is new; DELETE
** (b NULL) {"deleted": 1, "ids": [id]}. */
static FOUINE_WUR int reply_written(fouine_serve_reply *r,
                                    const batch *b,
                                    size_t replaced,
                                    const char *id)
{
    json_t *obj = json_object(), *ids = json_array(), *warnings = json_array();
    const char *line, *end;
    size_t i;
    int failed = 0;

    for (i = 0; i < (b ? b->n : 1); i++) {
        if (json_array_append_new(ids, json_string(b ? b->a[i].id : id)) != 0) {
            failed = 1;
        }
    }
    /* A warning a line of an article's notes, named by its id. */
    for (i = 0; b && i < b->n; i++) {
        for (line = b->a[i].notes.data; line && *line;
             line = *end ? end + 1 : end) {
            end = strchr(line, '\n');
            end = end ? end : line + strlen(line);
            if (json_array_append_new(
                    warnings, json_sprintf("'%s': %.*s", b->a[i].id,
                                           (int)(end - line), line)) != 0) {
                failed = 1;
            }
        }
    }
    if (b) {
        fouine_json_put(obj, "written", json_integer((json_int_t)b->n),
                        &failed);
        fouine_json_put(obj, "replaced", json_integer((json_int_t)replaced),
                        &failed);
    } else {
        fouine_json_put(obj, "deleted", json_integer(1), &failed);
    }
    fouine_json_put(obj, "ids", ids, &failed);
    if (b) {
        fouine_json_put(obj, "warnings", warnings, &failed);
    } else {
        json_decref(warnings);
    }
    if (failed || !obj) {
        json_decref(obj);
        return FOUINE_ENOMEM;
    }
    return fouine_serve_reply_json(r, b && replaced < b->n ? 201 : 200, obj);
}

int fouine_serve_write(fouine_serve_reply *r,
                       fouine_serve_worker **writer,
                       const fouine_serve_config *cfg,
                       int what,
                       const char *id,
                       const char *body,
                       size_t body_len)
{
    batch b = { NULL, 0, 0 };
    char *err = NULL, msg[96];
    size_t replaced = 0;
    int rc = FOUINE_OK, busy = 0;

    memset(r, 0, sizeof *r);
    if (what != FOUINE_SERVE_DELETE) {
        rc = fouine_article_read_json(&err, body ? body : "", body_len,
                                      what == FOUINE_SERVE_PUT ? id : NULL,
                                      batch_add, &b);
        if (rc == FOUINE_EINVAL) {
            rc = fouine_serve_reply_error(r, 400, err);
            goto done;
        }
        if (rc != FOUINE_OK) {
            goto done;
        }
        if (what == FOUINE_SERVE_PUT && b.n != 1) {
            snprintf(msg, sizeof msg,
                     "PUT writes one article: the body holds %zu", b.n);
            rc = fouine_serve_reply_error(r, 400, msg);
            goto done;
        }
    }
    rc = writer_ready(writer, cfg);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-serve: %s: cannot be opened for writing: %s\n",
                cfg->index, fouine_errmsg(rc));
        rc = fouine_serve_reply_error(r, 503,
                                      "the index cannot be opened for "
                                      "writing");
        goto done;
    }
    rc = write_all(&replaced, &busy, (*writer)->ix,
                   what == FOUINE_SERVE_DELETE ? NULL : &b, id);
    if (rc == FOUINE_OK) {
        rc = reply_written(r, what == FOUINE_SERVE_DELETE ? NULL : &b, replaced,
                           id);
    } else if (rc == FOUINE_ENOTFOUND) {
        rc = fouine_serve_reply_error(r, 404, "no such article");
    } else if (busy) {
        rc = fouine_serve_reply_error(r, 503,
                                      "the index is being written by another "
                                      "writer (fouine-index?): try again");
        r->header = "Retry-After";
        r->header_value = RETRY_AFTER;
    } else {
        fprintf(stderr, "fouine-serve: %s: write: %s\n", cfg->index,
                rc == FOUINE_EDB ? fouine_index_errmsg((*writer)->ix) :
                                   fouine_errmsg(rc));
        rc = fouine_serve_reply_error(r, 500, "the index could not be written");
    }
done:
    fouine_free(err);
    batch_free(&b);
    return rc;
}
