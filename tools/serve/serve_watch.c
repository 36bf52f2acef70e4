/*
** serve_watch.c: the deadline of every connection of fouine-serve.
**
** libmicrohttpd's own timeout counts seconds without traffic, so a client
** that sends one byte of its headers every few seconds (slowloris) keeps
** its connection for ever.  Here a thread closes each connection that has
** not sent a whole request head (request line and headers) within the
** timeout of its opening or of its last reply: a half-sent request and an
** idle keep-alive connection are bounded alike, however they trickle.  A
** connection whose request is being answered is left alone; it is back on
** the clock once its reply is sent.
**
** A connection is closed with shutdown(): its owner, a thread of
** libmicrohttpd, then reads its end and closes it as usual.  The socket is
** only ever touched while the connection is registered, and it is
** unregistered (fouine_serve_watch_remove(), from libmicrohttpd's
** MHD_CONNECTION_NOTIFY_CLOSED) before libmicrohttpd closes it, so the
** watch never shuts down a descriptor that another file has reused.
*/
#include "serve.h"

#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "fouine/alloc.h"

#define WATCH_TICK_MS 100 /* how often the deadlines are checked */

struct fouine_serve_conn {
    fouine_serve_conn *prev; /* in the list of the watch */
    fouine_serve_conn *next;
    int fd;        /* its socket; owned by libmicrohttpd */
    long since_ms; /* opened, or its last reply sent */
    int busy;      /* a request is being answered */
    int cut;       /* shut down by the watch */
};

struct fouine_serve_watch {
    pthread_mutex_t lock;    /* guards all below */
    pthread_cond_t wake;     /* stopping was set */
    pthread_t thread;        /* the watch */
    fouine_serve_conn *head; /* registered connections; owned */
    long timeout_ms;         /* the deadline */
    long cut;                /* connections shut down so far */
    int stopping;            /* the thread must end */
};

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The thread: every tick, shut down the connections past their deadline. */
static void *watch_main(void *payload)
{
    fouine_serve_watch *w = payload;
    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        long now = now_ms();
        struct timespec until;
        fouine_serve_conn *c;
        for (c = w->head; c; c = c->next) {
            if (!c->busy && !c->cut && now - c->since_ms >= w->timeout_ms) {
                shutdown(c->fd, SHUT_RDWR);
                c->cut = 1;
                w->cut++;
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += WATCH_TICK_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        /* A timeout or a spurious wake-up: both loop. */
        (void)pthread_cond_timedwait(&w->wake, &w->lock, &until);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int fouine_serve_watch_start(fouine_serve_watch **out, unsigned timeout_s)
{
    fouine_serve_watch *w = NULL;
    pthread_condattr_t attr;
    int rc = FOUINE_ENOMEM, locked = 0, waiting = 0;

    *out = NULL;
    w = fouine_calloc(1, sizeof *w);
    if (!w || pthread_mutex_init(&w->lock, NULL) != 0) {
        goto done;
    }
    locked = 1;
    if (pthread_condattr_init(&attr) != 0) {
        goto done;
    }
    if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
        pthread_cond_init(&w->wake, &attr) == 0) {
        waiting = 1;
    }
    pthread_condattr_destroy(&attr);
    if (!waiting) {
        goto done;
    }
    w->timeout_ms = (long)timeout_s * 1000;
    if (pthread_create(&w->thread, NULL, watch_main, w) != 0) {
        goto done;
    }
    *out = w;
    w = NULL;
    rc = FOUINE_OK;
done:
    if (w) {
        if (waiting) {
            pthread_cond_destroy(&w->wake);
        }
        if (locked) {
            pthread_mutex_destroy(&w->lock);
        }
        fouine_free(w);
    }
    return rc;
}

long fouine_serve_watch_stop(fouine_serve_watch *w)
{
    fouine_serve_conn *c, *next;
    long cut;
    if (!w) {
        return 0;
    }
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    for (c = w->head; c; c = next) {
        next = c->next;
        fouine_free(c);
    }
    cut = w->cut;
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    fouine_free(w);
    return cut;
}

fouine_serve_conn *fouine_serve_watch_add(fouine_serve_watch *w, int fd)
{
    fouine_serve_conn *c;
    if (!w || fd < 0) {
        return NULL;
    }
    c = fouine_calloc(1, sizeof *c);
    if (!c) {
        return NULL;
    }
    c->fd = fd;
    c->since_ms = now_ms();
    pthread_mutex_lock(&w->lock);
    c->next = w->head;
    if (w->head) {
        w->head->prev = c;
    }
    w->head = c;
    pthread_mutex_unlock(&w->lock);
    return c;
}

void fouine_serve_watch_remove(fouine_serve_watch *w, fouine_serve_conn *c)
{
    if (!w || !c) {
        return;
    }
    pthread_mutex_lock(&w->lock);
    if (c->prev) {
        c->prev->next = c->next;
    } else {
        w->head = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    }
    pthread_mutex_unlock(&w->lock);
    fouine_free(c);
}

void fouine_serve_watch_busy(fouine_serve_watch *w,
                             fouine_serve_conn *c,
                             int busy)
{
    if (!w || !c) {
        return;
    }
    pthread_mutex_lock(&w->lock);
    c->busy = busy;
    if (!busy) {
        c->since_ms = now_ms();
    }
    pthread_mutex_unlock(&w->lock);
}
