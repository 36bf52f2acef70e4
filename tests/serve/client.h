/*
** client.h: a small HTTP/1.1 client over one TCP connection, for the
** fouine-serve suites that need what curl does not show: several requests
** on one connection, pipelined requests, a chosen source address, idle or
** half-sent requests.  Every wait has a deadline; nothing sleeps blindly.
**
** Header-only (static functions), included after harness.h.
*/
#ifndef FOUINE_TEST_SERVE_CLIENT_H
#define FOUINE_TEST_SERVE_CLIENT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>

#define CLIENT_MAX_REPLY (4u * 1024u * 1024u) /* bytes buffered at most */

/* One connection to the server and the bytes read and not yet parsed. */
typedef struct client_conn {
    int fd;     /* the socket, or -1 */
    char *buf;  /* bytes read; owned (malloc) */
    size_t len; /* bytes in buf */
    size_t cap; /* bytes allocated */
    int eof;    /* the server closed its side */
} client_conn;

/* Milliseconds on the monotonic clock. */
static inline long client_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The port of the harness's server. */
static inline unsigned client_port(const harness *h)
{
    unsigned port = 0;
    if (sscanf(h->base, "http://127.0.0.1:%u", &port) != 1) {
        return 0;
    }
    return port;
}

/**
 * Connect to the server of h, from the local address from (an IPv4
 * address of the loopback network such as "127.0.0.2", or NULL for any).
 *
 * @param[out] c the connection, closed with client_close()
 * @return 0, or -1 with errno set
 */
static inline int client_open(client_conn *c,
                              const harness *h,
                              const char *from)
{
    struct sockaddr_in addr;
    int one = 1;
    memset(c, 0, sizeof *c);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0) {
        return -1;
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    if (from) {
        if (inet_pton(AF_INET, from, &addr.sin_addr) != 1 ||
            bind(c->fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
            close(c->fd);
            c->fd = -1;
            return -1;
        }
    }
    addr.sin_port = htons((uint16_t)client_port(h));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    return 0;
}

static inline void client_close(client_conn *c)
{
    if (c->fd >= 0) {
        close(c->fd);
    }
    free(c->buf);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

/* Send all of data[0..len); 0, or -1 when the connection failed. */
static inline int client_send(client_conn *c, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Send "GET path HTTP/1.1" with a Host header; 0 or -1. */
static inline int client_get(client_conn *c, const char *path)
{
    char req[8192];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: test\r\n\r\n",
                     path);
    if (n < 0 || (size_t)n >= sizeof req) {
        return -1;
    }
    return client_send(c, req, (size_t)n);
}

/* Read what arrives until the deadline (ms on client_now_ms()), at least
** once; returns 1 when bytes or the end came, 0 at the deadline, -1 on an
** error. */
static inline int client_fill(client_conn *c, long deadline)
{
    struct pollfd p = { c->fd, POLLIN, 0 };
    long left = deadline - client_now_ms();
    ssize_t n;
    int ready;
    if (c->eof) {
        return -1;
    }
    ready = poll(&p, 1, left > 0 ? (int)left : 0);
    if (ready < 0 && errno == EINTR) {
        return 0;
    }
    if (ready <= 0) {
        return ready;
    }
    if (c->len + 65536 > c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 65536 * 2;
        char *b;
        if (cap > CLIENT_MAX_REPLY) {
            return -1;
        }
        b = realloc(c->buf, cap);
        if (!b) {
            return -1;
        }
        c->buf = b;
        c->cap = cap;
    }
    n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
    if (n < 0) {
        return errno == EINTR || errno == EAGAIN ? 0 : -1;
    }
    if (n == 0) {
        c->eof = 1;
        return 1;
    }
    c->len += (size_t)n;
    c->buf[c->len] = '\0';
    return 1;
}

/* The value of header name in the NUL-terminated head (after its status
** line), copied into out; 1 when present. */
static inline int client_header(const char *head,
                                const char *name,
                                char *out,
                                size_t size)
{
    size_t n = strlen(name);
    const char *p = strstr(head, "\r\n");
    while (p && p[2] != '\0' && !(p[2] == '\r' && p[3] == '\n')) {
        p += 2;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1, *end = strstr(v, "\r\n");
            size_t len;
            v += strspn(v, " \t");
            len = end ? (size_t)(end - v) : strlen(v);
            if (len >= size) {
                len = size - 1;
            }
            memcpy(out, v, len);
            out[len] = '\0';
            return 1;
        }
        p = strstr(p, "\r\n");
    }
    return 0;
}

/**
 * Read the next response of the connection (a HEAD request's has no
 * body: head non-zero), waiting until timeout_ms have passed.
 *
 * @param[out] out the response (status, headers, body, json); released
 *             with http_reply_free()
 * @return 0, or -1 when the connection ended, the time ran out or the
 *         response is malformed (out is then empty, status 0)
 */
static inline int client_read(client_conn *c,
                              http_reply *out,
                              int head,
                              long timeout_ms)
{
    long deadline = client_now_ms() + timeout_ms;
    char value[64];
    char *end = NULL;
    size_t head_len, body_len = 0, total;
    int length_known;

    memset(out, 0, sizeof *out);
    while (!(c->buf && (end = strstr(c->buf, "\r\n\r\n")) != NULL)) {
        if (client_fill(c, deadline) <= 0 || c->eof) {
            return -1;
        }
    }
    head_len = (size_t)(end - c->buf) + 4;
    if (strncmp(c->buf, "HTTP/1.", 7) != 0 || head_len < 12) {
        return -1;
    }
    out->status = strtol(c->buf + 9, NULL, 10);
    c->buf[head_len - 2] = '\0'; /* the head alone, for the lookups */
    length_known = client_header(c->buf, "Content-Length", value, sizeof value);
    if (length_known) {
        body_len = head ? 0 : (size_t)strtoul(value, NULL, 10);
    }
    out->headers = strndup(c->buf, head_len - 2);
    c->buf[head_len - 2] = '\r';
    /* Without a length, the body runs to the end of the connection. */
    while (length_known ? c->len < head_len + body_len : !c->eof) {
        int got = client_fill(c, deadline);
        if (got == 0 || (got < 0 && !c->eof)) {
            free(out->headers);
            memset(out, 0, sizeof *out);
            return -1;
        }
        if (c->eof && length_known && c->len < head_len + body_len) {
            free(out->headers);
            memset(out, 0, sizeof *out);
            return -1;
        }
    }
    if (!length_known) {
        body_len = c->len - head_len;
    }
    total = head_len + body_len;
    out->body = strndup(c->buf + head_len, body_len);
    memmove(c->buf, c->buf + total, c->len - total);
    c->len -= total;
    if (c->buf) {
        c->buf[c->len] = '\0';
    }
    if (!out->headers || !out->body) {
        http_reply_free(out);
        return -1;
    }
    out->json = json_loadb(out->body, body_len, 0, NULL);
    return 0;
}

/* Whether the server closes the connection within timeout_ms (bytes it
** sends meanwhile are dropped): 1 when it did, 0 when it is still open. */
static inline int client_closed_within(client_conn *c, long timeout_ms)
{
    long deadline = client_now_ms() + timeout_ms;
    while (!c->eof) {
        int got = client_fill(c, deadline);
        if (got < 0) {
            return 1; /* reset by the server */
        }
        if (got == 0) {
            return 0;
        }
        c->len = 0;
    }
    return 1;
}

#endif /* FOUINE_TEST_SERVE_CLIENT_H */
