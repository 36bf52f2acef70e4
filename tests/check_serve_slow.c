/*
** check_serve_slow.c: fouine-serve against slow and greedy clients.
**
** One address may hold only so many connections at once (--per-ip), and a
** connection has --timeout seconds (3 here) to send a whole request head
** from its opening or its last reply, however slowly it trickles bytes:
** idle keep-alive connections and half-sent requests (slowloris) are both
** closed.  Under an attack of more connections than the server takes in
** all, from one address, idle, half-sent and trickling, clients from
** another address are still answered at once.
*/
#include "serve/harness.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "serve/client.h"

#define TIMEOUT_S 3    /* the server's --timeout */
#define PER_IP    32   /* its default --per-ip */
#define MARGIN_MS 2500 /* slack on every deadline (ASan, a busy CPU) */
#define ATTACK \
    1100                 /* connections of the attacker: more than the
                              server's 1024 */
#define CLIENTS     4    /* normal clients at once */
#define CLIENT_MS   5000 /* how long they keep asking (past a deadline) */
#define MAX_SAMPLES 20000
/* The bound on the p99 of the normal clients, already generous for ASan;
** ThreadSanitizer makes the server 5 to 15 times slower, so under it the
** bound only says that the server keeps answering. */
#if defined(__SANITIZE_THREAD__)
#define P99_BOUND_MS 1000.0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define P99_BOUND_MS 1000.0
#endif
#endif
#ifndef P99_BOUND_MS
#define P99_BOUND_MS 100.0
#endif
#define ATTACKER_ADDR "127.0.0.5"
#define CLIENT_ADDR   "127.0.0.6"

static harness H;

/* Wait until c is closed by the server, sending one more byte of its
** request head (data) every trickle_ms while it is open; returns the
** milliseconds it stayed open from start, or -1 when still open after
** limit_ms. */
static long closed_after(client_conn *c,
                         long start,
                         long trickle_ms,
                         long limit_ms)
{
    while (client_now_ms() - start < limit_ms) {
        if (client_closed_within(c, trickle_ms > 0 ? trickle_ms : 100)) {
            return client_now_ms() - start;
        }
        if (trickle_ms > 0 && client_send(c, "a", 1) != 0) {
            return client_now_ms() - start; /* reset by the server */
        }
    }
    return -1;
}

/* c, on the clock since start (trickling as closed_after() does), must be
** closed by the server at its timeout: not before, not much later. */
static void expect_cut_at_timeout(client_conn *c,
                                  long start,
                                  long trickle_ms,
                                  const char *what)
{
    long open_ms =
        closed_after(c, start, trickle_ms, TIMEOUT_S * 1000 + MARGIN_MS);
    printf("%s closed after %ld ms\n", what, open_ms);
    ck_assert_msg(open_ms >= 0, "%s still open after %d s", what,
                  TIMEOUT_S + MARGIN_MS / 1000);
    ck_assert_msg(open_ms >= TIMEOUT_S * 1000 - 500,
                  "%s closed after %ld ms, before the timeout", what, open_ms);
}

START_TEST(idle_keepalive_closed_after_timeout)
{
    client_conn c;
    http_reply r;
    ck_assert_int_eq(client_open(&c, &H, "127.0.0.2"), 0);
    ck_assert_int_eq(client_get(&c, "/api/search?q=vigilance+rouge"), 0);
    ck_assert_int_eq(client_read(&c, &r, 0, 20000), 0);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
    /* Kept for the next request a while... */
    ck_assert_msg(!client_closed_within(&c, 1000),
                  "a keep-alive connection closed after 1 s idle");
    ck_assert_int_eq(client_get(&c, "/api/health"), 0);
    ck_assert_int_eq(client_read(&c, &r, 0, 20000), 0);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
    /* ...then closed, the timeout after the last reply. */
    expect_cut_at_timeout(&c, client_now_ms(), 0, "an idle connection");
    client_close(&c);
}
END_TEST

START_TEST(trickled_request_closed_after_timeout)
{
    static const char begun[] =
        "GET /api/search?q=gr%C3%A8ve HTTP/1.1\r\nHost: test\r\nX-Lent: ";
    client_conn c;
    long start;
    ck_assert_int_eq(client_open(&c, &H, "127.0.0.3"), 0);
    start = client_now_ms();
    ck_assert_int_eq(client_send(&c, begun, sizeof begun - 1), 0);
    /* One byte of a header every 300 ms: never idle, never done. */
    expect_cut_at_timeout(&c, start, 300, "a trickled request");
    client_close(&c);
}
END_TEST

START_TEST(connections_per_address_are_limited)
{
    client_conn conns[PER_IP + 8], other;
    http_reply r;
    long deadline;
    int i, open = 0;
    for (i = 0; i < PER_IP + 8; i++) {
        ck_assert_int_eq(client_open(&conns[i], &H, "127.0.0.4"), 0);
    }
    /* The server closes the connections beyond its limit at once, well
    ** before the timeout would. */
    deadline = client_now_ms() + 1500;
    do {
        open = 0;
        for (i = 0; i < PER_IP + 8; i++) {
            open += !client_closed_within(&conns[i], 0);
        }
    } while (open > PER_IP && client_now_ms() < deadline);
    ck_assert_msg(open == PER_IP, "%d connections of one address open", open);
    /* Another address is served meanwhile. */
    ck_assert_int_eq(client_open(&other, &H, "127.0.0.7"), 0);
    ck_assert_int_eq(client_get(&other, "/api/health"), 0);
    ck_assert_int_eq(client_read(&other, &r, 0, 20000), 0);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
    client_close(&other);
    for (i = 0; i < PER_IP + 8; i++) {
        client_close(&conns[i]);
    }
}
END_TEST

/* One connection of the attacker. */
typedef struct attack_conn {
    client_conn c;     /* open when c.fd >= 0 */
    long opened_ms;    /* when it was opened */
    long reopen_ms;    /* when to open it again once closed */
    long next_byte_ms; /* when it trickles its next byte (kind 2) */
    int kind;          /* 0 idle, 1 half a request line, 2 trickling */
} attack_conn;

/* The attack: ATTACK connections from ATTACKER_ADDR, each opened again a
** second after the server closes it. */
typedef struct attack {
    attack_conn conn[ATTACK];
    int n;             /* connections used (ATTACK, or fewer: see main) */
    atomic_int stop;   /* set by the test: end the attack */
    long closed;       /* connections the server closed */
    long refused;      /* of them, within a second of their opening */
    long longest_ms;   /* the longest time one stayed open */
    long failed_opens; /* connect() failures */
    atomic_int open;   /* connections open, for the test's thread */
} attack;

static void attack_open(attack *a, attack_conn *ac, long now)
{
    static const char *const starts[] = { "", "GET /api/sea",
                                          "GET /api/health HTTP/1.1\r\n"
                                          "Host: test\r\nX-Lent: " };
    size_t len = strlen(starts[ac->kind]);
    if (client_open(&ac->c, &H, ATTACKER_ADDR) != 0) {
        a->failed_opens++;
        ac->c.fd = -1;
        ac->reopen_ms = now + 1000;
        return;
    }
    ac->opened_ms = now;
    ac->next_byte_ms = now + 500;
    if (len > 0 && client_send(&ac->c, starts[ac->kind], len) != 0) {
        client_close(&ac->c);
        ac->reopen_ms = now + 1000;
    }
}

static void *attack_main(void *payload)
{
    attack *a = payload;
    struct pollfd *fds = calloc((size_t)a->n, sizeof *fds);
    int i;
    if (!fds) {
        return NULL;
    }
    while (!atomic_load(&a->stop)) {
        long now = client_now_ms();
        int open = 0;
        for (i = 0; i < a->n; i++) {
            attack_conn *ac = &a->conn[i];
            if (ac->c.fd < 0 && now >= ac->reopen_ms) {
                attack_open(a, ac, now);
            } else if (ac->c.fd >= 0 && ac->kind == 2 &&
                       now >= ac->next_byte_ms) {
                (void)client_send(&ac->c, "a", 1);
                ac->next_byte_ms = now + 500;
            }
            fds[i].fd = ac->c.fd; /* poll() skips -1 */
            fds[i].events = POLLIN;
            fds[i].revents = 0;
            open += ac->c.fd >= 0;
        }
        atomic_store(&a->open, open);
        if (poll(fds, (nfds_t)a->n, 50) <= 0) {
            continue;
        }
        now = client_now_ms();
        for (i = 0; i < a->n; i++) {
            attack_conn *ac = &a->conn[i];
            char junk[256];
            if (ac->c.fd < 0 || !fds[i].revents ||
                recv(ac->c.fd, junk, sizeof junk, MSG_DONTWAIT) > 0) {
                continue;
            }
            /* The end, or a reset: the server closed it. */
            a->closed++;
            a->refused += now - ac->opened_ms < 1000;
            if (now - ac->opened_ms > a->longest_ms) {
                a->longest_ms = now - ac->opened_ms;
            }
            client_close(&ac->c);
            ac->reopen_ms = now + 1000;
        }
    }
    for (i = 0; i < a->n; i++) {
        client_close(&a->conn[i].c);
    }
    free(fds);
    return NULL;
}

/* A normal client: requests on new connections from CLIENT_ADDR for
** CLIENT_MS, each one's time recorded. */
typedef struct client_run {
    double ms[MAX_SAMPLES / CLIENTS]; /* time of each request */
    int n;                            /* requests made */
    int failed;                       /* without a 200 JSON reply */
    char why[256];                    /* the first failure */
} client_run;

static void *client_main(void *payload)
{
    static const char *const paths[] = {
        "/api/health",
        "/api/search?q=gr%C3%A8ve",
        "/api/suggest?q=h%C3%B4p",
        "/api/articles/sncf-greve-week-end-tgv-ter.txt",
    };
    client_run *cr = payload;
    long start = client_now_ms();
    while (client_now_ms() - start < CLIENT_MS &&
           cr->n < MAX_SAMPLES / CLIENTS) {
        const char *path = paths[cr->n % 4];
        struct timespec t0, t1;
        client_conn c;
        http_reply r;
        int ok;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        ok = client_open(&c, &H, CLIENT_ADDR) == 0 &&
             client_get(&c, path) == 0 && client_read(&c, &r, 0, 10000) == 0;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (ok && (r.status != 200 || !r.json)) {
            ok = 0;
        }
        if (!ok && cr->failed++ == 0) {
            snprintf(cr->why, sizeof cr->why, "%s: %s", path,
                     c.fd < 0 ? "no connection" : "no 200 JSON reply");
        }
        if (ok) {
            http_reply_free(&r);
        }
        client_close(&c);
        cr->ms[cr->n++] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                          (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    }
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Raise the limit of open files so that the attack can be made; returns
** the number of attacker connections possible. */
static int attack_size(void)
{
    struct rlimit lim;
    rlim_t need = ATTACK + 200;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
        return 0;
    }
    if (lim.rlim_cur < need) {
        lim.rlim_cur = lim.rlim_max < need ? lim.rlim_max : need;
        if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
            return 0;
        }
    }
    return lim.rlim_cur >= need ? ATTACK : (int)lim.rlim_cur - 200;
}

/* The lines of libmicrohttpd's messages in the server's log so far, and
** whether one says that others were left out. */
static long messages_in_log(int *left_out, size_t from)
{
    char *log = fouine_test_slurp(H.log), *p;
    long lines = 0;
    ck_assert_ptr_nonnull(log);
    ck_assert_uint_ge(strlen(log), from);
    for (p = log + from; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        lines += strncmp(p, "fouine-serve: ", 14) == 0 &&
                 strncmp(p, "fouine-serve: listening", 23) != 0;
    }
    *left_out = strstr(log + from, "of libmicrohttpd left out") != NULL;
    free(log);
    return lines;
}

START_TEST(slow_clients_do_not_stop_the_server)
{
    static attack a;
    static client_run runs[CLIENTS];
    static double all[MAX_SAMPLES];
    pthread_t attacker, clients[CLIENTS];
    long deadline, p99_index, log_lines, start = client_now_ms();
    int i, k, n = 0, failed = 0, open, left_out = 0;
    struct stat before; /* the log before the attack: the lines of the
                           tests before are not counted */

    ck_assert_int_eq(stat(H.log, &before), 0);

    memset(&a, 0, sizeof a);
    a.n = attack_size();
    ck_assert_msg(a.n > 2 * PER_IP, "cannot open enough sockets (%d)", a.n);
    if (a.n < ATTACK) {
        printf("note: %d attacker connections (the limit of open files)\n",
               a.n);
    }
    for (i = 0; i < a.n; i++) {
        a.conn[i].c.fd = -1;
        a.conn[i].kind = i % 3;
    }
    atomic_init(&a.stop, 0);
    atomic_init(&a.open, a.n);
    ck_assert_int_eq(pthread_create(&attacker, NULL, attack_main, &a), 0);
    /* The attack is in place once the server has refused what it will. */
    deadline = client_now_ms() + 10000;
    do {
        harness_sleep_ms(100);
        open = atomic_load(&a.open);
    } while (open > PER_IP && client_now_ms() < deadline);
    /* Normal clients meanwhile, for longer than the timeout, so that they
    ** also meet the moment the attacker's connections are cut. */
    memset(runs, 0, sizeof runs);
    for (i = 0; i < CLIENTS; i++) {
        ck_assert_int_eq(
            pthread_create(&clients[i], NULL, client_main, &runs[i]), 0);
    }
    for (i = 0; i < CLIENTS; i++) {
        pthread_join(clients[i], NULL);
    }
    atomic_store(&a.stop, 1);
    pthread_join(attacker, NULL);

    for (i = 0; i < CLIENTS; i++) {
        for (k = 0; k < runs[i].n; k++) {
            all[n++] = runs[i].ms[k];
        }
        if (runs[i].failed && !failed) {
            fprintf(stderr, "first failure: %s\n", runs[i].why);
        }
        failed += runs[i].failed;
    }
    qsort(all, (size_t)n, sizeof all[0], by_value);
    p99_index = (long)n * 99 / 100;
    printf("attack: %d connections from %s, %ld closed by the server (%ld "
           "within 1 s: over the limit), the longest open %ld ms; %d "
           "requests from %d clients of %s: %d failed, p50 %.1f ms, p99 "
           "%.1f ms, max %.1f ms\n",
           a.n, ATTACKER_ADDR, a.closed, a.refused, a.longest_ms, n, CLIENTS,
           CLIENT_ADDR, failed, n ? all[n / 2] : 0.0, n ? all[p99_index] : 0.0,
           n ? all[n - 1] : 0.0);
    ck_assert_msg(failed == 0, "%d of %d requests failed under attack", failed,
                  n);
    ck_assert_int_gt(n, 100);
    ck_assert_msg(all[p99_index] < P99_BOUND_MS, "p99 %.1f ms under attack",
                  all[p99_index]);
    /* The attacker was refused beyond its share and cut at the deadline,
    ** trickling or not. */
    ck_assert_int_ge(a.refused, a.n - PER_IP);
    ck_assert_int_gt(a.closed, a.refused);
    ck_assert_msg(a.longest_ms <= TIMEOUT_S * 1000 + MARGIN_MS,
                  "an attacker's connection stayed %ld ms", a.longest_ms);
    /* Thousands of refusals, but not thousands of lines in the log. */
    log_lines = messages_in_log(&left_out, (size_t)before.st_size);
    printf("%ld lines of libmicrohttpd in the log, %s\n", log_lines,
           left_out ? "others counted" : "none left out");
    /* At most 20 messages a second (LOG_BURST), the first of a second
    ** after a drop with its "left out" line: 21 lines, over the seconds
    ** the attack spanned and the ones it began and ended in. */
    ck_assert_int_le(log_lines, 21 * ((client_now_ms() - start) / 1000 + 2));
    ck_assert_msg(left_out, "no message of libmicrohttpd left out");
}
END_TEST

int main(void)
{
    static const char *const args[] = { "--threads", "2",  "--timeout",
                                        "3",         "-q", NULL };
    Suite *s = suite_create("serve_slow");
    TCase *tc = tcase_create("slow");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, idle_keepalive_closed_after_timeout);
    tcase_add_test(tc, trickled_request_closed_after_timeout);
    tcase_add_test(tc, connections_per_address_are_limited);
    tcase_add_test(tc, slow_clients_do_not_stop_the_server);
    suite_add_tcase(s, tc);
    return harness_main(&H, s, 0, args);
}
