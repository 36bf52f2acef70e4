/*
** replies.h: what every answer of fouine-serve must be, checked on the raw
** bytes a connection received (tests/check_serve_fuzz.c and the fuzz
** target tests/fuzz/fuzz_serve.c).
**
** The bytes are a sequence of well-formed HTTP/1.x responses, each with a
** status line, header lines "Name: value", a Content-Length and as many
** bytes of body (none for a HEAD request), nothing after the last.  A
** response of fouine-serve (it carries X-Content-Type-Options) has the
** status 200, 400, 404 or 405, or for a write 201, 401, 403 or 413, never
** 500; its body is a JSON object, an error {"status": the status, "error":
** "..."} when it is not 200 or 201, or one of the search page's files
** (HTML, JavaScript, CSS) with 200.  Any other
** response is one of libmicrohttpd's own refusals (see README): 400, 413,
** 414, 431 or 505, or its interim "100 Continue".
**
** Header-only (static functions); uses only libc and jansson.
*/
#ifndef FOUINE_TEST_SERVE_REPLIES_H
#define FOUINE_TEST_SERVE_REPLIES_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The outcome of replies_check(). */
typedef struct replies_seen {
    int ours;        /* responses of fouine-serve */
    int refusals;    /* libmicrohttpd's own */
    int statuses[6]; /* of ours: 200, 400, 404, 405, others; [5] JSON */
    int writes[4];   /* of ours, to writes: 201, 401, 403, 413 */
    char why[512];   /* what is wrong, when something is */
} replies_seen;

/* The value of header name in the head h[0..n) (after its status line),
** NUL-terminated in out (size bytes); 1 when present. */
static int replies_header(const char *h,
                          size_t n,
                          const char *name,
                          char *out,
                          size_t size)
{
    size_t k = strlen(name), i = 0;
    while (i < n) {
        const char *line = h + i;
        const char *end = memchr(line, '\r', n - i);
        size_t len = end ? (size_t)(end - line) : n - i;
        if (len > k && strncasecmp(line, name, k) == 0 && line[k] == ':') {
            size_t v = k + 1;
            while (v < len && (line[v] == ' ' || line[v] == '\t')) {
                v++;
            }
            if (len - v >= size) {
                return 0;
            }
            memcpy(out, line + v, len - v);
            out[len - v] = '\0';
            return 1;
        }
        i += len + 2;
    }
    return 0;
}

/* Check the head's lines h[0..n): each "Name: value", CR LF ended. */
static int replies_lines_ok(const char *h, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *end = memchr(h + i, '\r', n - i);
        const char *colon;
        size_t len;
        if (!end || (size_t)(end - h) + 1 >= n + 2 || end[1] != '\n') {
            return 0;
        }
        len = (size_t)(end - (h + i));
        colon = memchr(h + i, ':', len);
        if (!colon || colon == h + i || memchr(h + i, '\n', len)) {
            return 0;
        }
        i += len + 2;
    }
    return 1;
}

/* Whether a reply of fouine-serve with status has a fitting body. */
static int replies_body_ok(replies_seen *s,
                           long status,
                           const char *type,
                           const char *body,
                           size_t len)
{
    json_t *j, *st, *err;
    int ok;
    if (strncmp(type, "application/json", 16) != 0) {
        /* One of the page's files, or /metrics (Prometheus's text). */
        return status == 200 &&
               (strncmp(type, "text/html", 9) == 0 ||
                strncmp(type, "text/javascript", 15) == 0 ||
                strncmp(type, "text/css", 8) == 0 ||
                strncmp(type, "text/plain; version=0.0.4", 25) == 0);
    }
    if (!body) {
        return 1; /* HEAD */
    }
    j = json_loadb(body, len, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return 0;
    }
    st = json_object_get(j, "status");
    err = json_object_get(j, "error");
    ok = status == 200 || status == 201 ||
         (json_is_integer(st) && json_integer_value(st) == status &&
          json_is_string(err) && json_string_length(err) > 0);
    json_decref(j);
    s->statuses[5] += ok;
    return ok;
}

/**
 * Check the bytes a connection received.
 *
 * @param s    what was seen; zeroed first
 * @param data the bytes (need not be NUL-terminated)
 * @param len  their number
 * @return 0 when every response is as it must be, -1 (s->why says why)
 */
static int replies_check(replies_seen *s, const char *data, size_t len)
{
    size_t at = 0;
    memset(s, 0, sizeof *s);
    while (at < len) {
        const char *p = data + at, *head_end = NULL;
        char value[128];
        size_t i, head_len, body_len, left = len - at;
        long status;
        int ours;
        for (i = 0; i + 3 < left; i++) {
            if (memcmp(p + i, "\r\n\r\n", 4) == 0) {
                head_end = p + i;
                break;
            }
        }
        if (!head_end || left < 13 ||
            (memcmp(p, "HTTP/1.1 ", 9) != 0 &&
             memcmp(p, "HTTP/1.0 ", 9) != 0) ||
            p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' ||
            p[11] < '0' || p[11] > '9' || p[12] != ' ') {
            snprintf(s->why, sizeof s->why, "not an HTTP response: %.80s", p);
            return -1;
        }
        status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
        head_len = (size_t)(head_end - p) + 4;
        if (status == 100) {
            at += head_len; /* interim */
            continue;
        }
        {
            const char *lines = memchr(p, '\n', head_len);
            size_t n = (size_t)(head_end - (lines + 1)) + 2;
            if (!lines || !replies_lines_ok(lines + 1, n)) {
                snprintf(s->why, sizeof s->why, "malformed headers: %.200s", p);
                return -1;
            }
            ours = replies_header(lines + 1, n, "X-Content-Type-Options", value,
                                  sizeof value);
            if (!replies_header(lines + 1, n, "Content-Length", value,
                                sizeof value)) {
                snprintf(s->why, sizeof s->why, "no Content-Length: %.200s", p);
                return -1;
            }
            body_len = (size_t)strtoul(value, NULL, 10);
            if (ours && !replies_header(lines + 1, n, "Content-Type", value,
                                        sizeof value)) {
                snprintf(s->why, sizeof s->why, "no Content-Type: %.200s", p);
                return -1;
            }
        }
        /* A HEAD's reply announces a body it does not send: what follows
        ** is the next response, or nothing (no body of fouine-serve's
        ** starts like a status line). */
        left -= head_len;
        if (left == 0 ||
            (left >= 7 && memcmp(p + head_len, "HTTP/1.", 7) == 0)) {
            body_len = 0;
            if (ours && !replies_body_ok(s, status, value, NULL, 0)) {
                snprintf(s->why, sizeof s->why, "%ld of type %s", status,
                         value);
                return -1;
            }
        } else if (left < body_len) {
            snprintf(s->why, sizeof s->why, "body cut: %zu of %zu bytes", left,
                     body_len);
            return -1;
        } else if (ours &&
                   !replies_body_ok(s, status, value, p + head_len, body_len)) {
            snprintf(s->why, sizeof s->why, "%ld, %s: bad body %.200s", status,
                     value, p + head_len);
            return -1;
        }
        if (ours) {
            s->ours++;
            switch (status) {
            case 200:
                s->statuses[0]++;
                break;
            case 400:
                s->statuses[1]++;
                break;
            case 404:
                s->statuses[2]++;
                break;
            case 405:
                s->statuses[3]++;
                break;
            case 201:
                s->writes[0]++;
                break;
            case 401:
                s->writes[1]++;
                break;
            case 403:
                s->writes[2]++;
                break;
            case 413:
                s->writes[3]++;
                break;
            default:
                s->statuses[4]++;
                snprintf(s->why, sizeof s->why, "status %ld from fouine-serve",
                         status);
                return -1;
            }
        } else if (status == 400 || status == 413 || status == 414 ||
                   status == 431 || status == 505) {
            s->refusals++;
        } else {
            snprintf(s->why, sizeof s->why, "status %ld from libmicrohttpd",
                     status);
            return -1;
        }
        at += head_len + body_len;
    }
    return 0;
}

#endif /* FOUINE_TEST_SERVE_REPLIES_H */
