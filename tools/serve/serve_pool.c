/*
** serve_pool.c: the threads of fouine-serve that run searches and
** completions, apart from libmicrohttpd's.
**
** A search takes up to its time budget of CPU (fouine_search_options), which
** is long next to what the other endpoints take: run in the thread that
** reads the connections, a few of them would keep /api/health and every
** other request waiting.  So libmicrohttpd's threads only read requests
** and write replies: a search is queued here, its connection suspended,
** and one of these threads runs it, then resumes the connection, whose
** reply libmicrohttpd's thread then sends.  Tasks run in the order they
** came.
*/
#include "serve.h"

#include <pthread.h>

#include "fouine/alloc.h"

struct fouine_serve_pool {
    pthread_mutex_t lock;    /* guards all below */
    pthread_cond_t work;     /* a task was queued, or stopping set */
    pthread_t *threads;      /* owned */
    unsigned nthreads;       /* started */
    fouine_serve_task *head; /* queued tasks, oldest first; not owned */
    fouine_serve_task *tail;
    int stopping; /* the threads must end */
    int joined;   /* they have ended (fouine_serve_pool_stop() returned) */
};

/* A thread: run the queued tasks until the pool stops. */
static void *pool_main(void *payload)
{
    fouine_serve_pool *p = payload;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        fouine_serve_task *t;
        while (!p->head && !p->stopping) {
            pthread_cond_wait(&p->work, &p->lock);
        }
        if (!p->head) {
            break; /* stopping, nothing queued */
        }
        t = p->head;
        p->head = t->next;
        if (!p->head) {
            p->tail = NULL;
        }
        pthread_mutex_unlock(&p->lock);
        t->run(t, 1);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    /* This thread's index connection, if it opened one. */
    fouine_serve_worker_release();
    return NULL;
}

int fouine_serve_pool_start(fouine_serve_pool **out, unsigned threads)
{
    fouine_serve_pool *p = NULL;
    int rc = FOUINE_ENOMEM, locked = 0, waiting = 0;

    *out = NULL;
    p = fouine_calloc(1, sizeof *p);
    if (!p || threads == 0 || pthread_mutex_init(&p->lock, NULL) != 0) {
        goto done;
    }
    locked = 1;
    if (pthread_cond_init(&p->work, NULL) != 0) {
        goto done;
    }
    waiting = 1;
    p->threads = fouine_calloc(threads, sizeof *p->threads);
    if (!p->threads) {
        goto done;
    }
    while (p->nthreads < threads) {
        if (pthread_create(&p->threads[p->nthreads], NULL, pool_main, p) != 0) {
            goto done;
        }
        p->nthreads++;
    }
    *out = p;
    p = NULL;
    rc = FOUINE_OK;
done:
    if (p && p->nthreads > 0) {
        fouine_serve_pool_free(p);
        p = NULL;
    }
    if (p) {
        if (waiting) {
            pthread_cond_destroy(&p->work);
        }
        if (locked) {
            pthread_mutex_destroy(&p->lock);
        }
        fouine_free(p->threads);
        fouine_free(p);
    }
    return rc;
}

void fouine_serve_pool_submit(fouine_serve_pool *p, fouine_serve_task *t)
{
    int stopping;
    t->next = NULL;
    pthread_mutex_lock(&p->lock);
    stopping = p->stopping;
    if (!stopping) {
        if (p->tail) {
            p->tail->next = t;
        } else {
            p->head = t;
        }
        p->tail = t;
        pthread_cond_signal(&p->work);
    }
    pthread_mutex_unlock(&p->lock);
    if (stopping) {
        t->run(t, 0);
    }
}

void fouine_serve_pool_stop(fouine_serve_pool *p)
{
    fouine_serve_task *t, *next;
    unsigned i;
    if (!p || p->joined) {
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    t = p->head; /* the tasks not started: told to give up */
    p->head = p->tail = NULL;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (; t; t = next) {
        next = t->next;
        t->run(t, 0);
    }
    for (i = 0; i < p->nthreads; i++) {
        pthread_join(p->threads[i], NULL);
    }
    p->joined = 1;
}

void fouine_serve_pool_free(fouine_serve_pool *p)
{
    if (!p) {
        return;
    }
    fouine_serve_pool_stop(p);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
    fouine_free(p->threads);
    fouine_free(p);
}
