/*
** harness.h: what the fouine-serve suites share (tests/check_serve*.c):
** a temporary directory with the articles of corpus/ and an index of them
** made by fouine-index, a fouine-serve process on a free port, and HTTP
** requests made with the curl command.
**
** Header-only (static functions): each Check suite is built from its one
** source file.
*/
#ifndef FOUINE_TEST_SERVE_HARNESS_H
#define FOUINE_TEST_SERVE_HARNESS_H

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define HARNESS_PATH 1024
#define HARNESS_DIR  512 /* leaves room for the names of its files */

/* The test's files and its server. */
typedef struct harness {
    char dir[HARNESS_DIR];       /* temporary directory */
    char articles[HARNESS_PATH]; /* dir/articles: what is indexed */
    char index[HARNESS_PATH];    /* dir/index.db */
    char log[HARNESS_PATH];      /* the server's stderr */
    char base[64];               /* http://127.0.0.1:PORT */
    const char *build;           /* FOUINE_BUILD_DIR */
    const char *source;          /* FOUINE_SOURCE_DIR */
    pid_t pid;                   /* the server, or 0 */
} harness;

/* An article whose title and text try to run scripts in the page. */
#define HARNESS_HOSTILE_FILE "pirate-page-accueil.txt"
static const char harness_hostile_article[] =
    "Un pirate glisse <script>window.pirate=1</script> dans la page "
    "d’accueil\n"
    "\n"
    "Le 3 mars 2021 à 10h00\n"
    "\n"
    "Un pirate informatique a tenté d’injecter <img src=x "
    "onerror=\"window.pirate=2\"> dans le site de la mairie de "
    "Villeneuve-sur-Lot, selon la préfecture.\n"
    "\n"
    "La tentative & ses « effets » ont été circonscrits dans l’heure, "
    "assure le service informatique.\n";

/* A reply read by curl. */
typedef struct http_reply {
    long status;   /* HTTP status, 0 when none */
    char *body;    /* owned, NUL-terminated */
    char *headers; /* owned, NUL-terminated */
    json_t *json;  /* the body parsed, or NULL; owned */
} http_reply;

/* 1 while setting up outside of a test, where a failed check must end the
** process rather than report to Check. */
static int harness_setup = 1;

/* The temporary directory being set up, removed if the set-up fails. */
static char harness_setup_dir[HARNESS_DIR];

/* End the process after a failed set-up, leaving nothing behind. */
static inline void harness_setup_failed(void)
{
    char cmd[HARNESS_DIR + 16];
    if (harness_setup_dir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", harness_setup_dir);
        if (system(cmd) != 0) {
            fprintf(stderr, "could not remove %s\n", harness_setup_dir);
        }
    }
    exit(1);
}

/* ck_assert_msg(), or, during set-up, a message and exit(1). */
#define harness_check(cond, ...)              \
    do {                                      \
        if (!harness_setup) {                 \
            ck_assert_msg(cond, __VA_ARGS__); \
        } else if (!(cond)) {                 \
            fprintf(stderr, __VA_ARGS__);     \
            fputc('\n', stderr);              \
            harness_setup_failed();           \
        }                                     \
    } while (0)

static inline void harness_sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

/* Write a file of text; fails the test on error. */
static inline void harness_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    harness_check(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* Run a shell command and fail the test unless it exits 0. */
static inline void harness_sh(const char *fmt, ...) FOUINE_PRINTF(1, 2);
static inline void harness_sh(const char *fmt, ...)
{
    char cmd[4 * HARNESS_PATH];
    va_list ap;
    int rc;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    rc = fouine_test_run(cmd, NULL);
    harness_check(rc == 0, "command failed (%d): %s", rc, cmd);
}

/* Make the directory with a copy of corpus/ (and, in tech/2018/, one more
** article whose id holds slashes), and index it.  Returns 77 (skip) when
** the environment lacks what the tests need, else 0. */
static inline int harness_init(harness *h)
{
    const char *tmp = getenv("TMPDIR");
    memset(h, 0, sizeof *h);
    h->build = getenv("FOUINE_BUILD_DIR");
    h->source = getenv("FOUINE_SOURCE_DIR");
    if (!h->build || !h->source) {
        fprintf(stderr, "FOUINE_BUILD_DIR and FOUINE_SOURCE_DIR must be set\n");
        return 1;
    }
    if (fouine_test_run("curl --version >/dev/null 2>&1", NULL) != 0) {
        printf("skipped: the curl command is missing (Debian package "
               "curl)\n");
        return 77;
    }
    snprintf(h->dir, sizeof h->dir, "%s/fouine-serve-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(h->dir)) {
        perror("mkdtemp");
        return 1;
    }
    memcpy(harness_setup_dir, h->dir, sizeof harness_setup_dir);
    snprintf(h->articles, sizeof h->articles, "%s/articles", h->dir);
    snprintf(h->index, sizeof h->index, "%s/index.db", h->dir);
    snprintf(h->log, sizeof h->log, "%s/serve.log", h->dir);
    return 0;
}

/* Copy corpus/ and index it (in a test, after harness_init()). */
static inline void harness_index_corpus(harness *h,
                                        const char *extra_file,
                                        const char *extra_text)
{
    harness_sh("mkdir -p '%s/tech/2018' && cp '%s'/corpus/*.txt '%s/' && "
               "cp '%s/corpus/anssi-securite-hopitaux-cyberattaques.txt' "
               "'%s/tech/2018/anssi-cyberattaques-hopitaux.txt'",
               h->articles, h->source, h->articles, h->source, h->articles);
    if (extra_file) {
        char path[2 * HARNESS_PATH];
        snprintf(path, sizeof path, "%s/%s", h->articles, extra_file);
        harness_write(path, extra_text);
    }
    harness_sh("'%s/fouine-index' -o '%s' '%s' >/dev/null 2>&1", h->build,
               h->index, h->articles);
}

/* Start fouine-serve with the extra arguments (NULL-terminated list) and
** wait until it says which port it listens on. */
static inline void harness_start(harness *h, const char *const *args)
{
    char exe[HARNESS_PATH + 32];
    const char *argv[32];
    size_t n = 0, i;
    long waited;
    pid_t pid;

    snprintf(exe, sizeof exe, "%s/fouine-serve", h->build);
    argv[n++] = exe;
    argv[n++] = "-i";
    argv[n++] = h->index;
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
    for (i = 0; args && args[i] && n < 30; i++) {
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    pid = fork();
    harness_check(pid >= 0, "fork failed");
    if (pid == 0) {
        int fd = open(h->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
            _exit(127);
        }
        execv(exe, (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    h->pid = pid;
    h->base[0] = '\0';
    /* Its first line names the port (ASan makes the start slow). */
    for (waited = 0; waited < 60000 && !h->base[0]; waited += 50) {
        char *log = fouine_test_slurp(h->log);
        const char *p = log ? strstr(log, "listening on http://") : NULL;
        unsigned port = 0;
        if (p && sscanf(p, "listening on http://127.0.0.1:%u/", &port) == 1) {
            snprintf(h->base, sizeof h->base, "http://127.0.0.1:%u", port);
        }
        free(log);
        if (!h->base[0]) {
            int status;
            harness_check(waitpid(pid, &status, WNOHANG) == 0,
                          "fouine-serve exited at start");
            harness_sleep_ms(50);
        }
    }
    harness_check(h->base[0], "fouine-serve did not start");
}

/* Start another server on the files of h, into out, its stderr going to
** the file name of h's directory; args as for harness_start(). */
static inline void harness_start_other(harness *out,
                                       const harness *h,
                                       const char *name,
                                       const char *const *args)
{
    *out = *h;
    snprintf(out->log, sizeof out->log, "%s/%s", h->dir, name);
    out->pid = 0;
    harness_start(out, args);
}

static inline void harness_dump_log(const harness *h);

/* Send sig to the server and return its exit status (-1: killed).  A
** server that does not exit 0 on SIGTERM or SIGINT, as it must, has the
** end of its log (a sanitizer's report, say) copied to stderr with how it
** ended, for the failure that follows to be read. */
static inline int harness_stop(harness *h, int sig)
{
    int status = 0;
    if (h->pid <= 0) {
        return -1;
    }
    kill(h->pid, sig);
    waitpid(h->pid, &status, 0);
    h->pid = 0;
    if ((sig == SIGTERM || sig == SIGINT) &&
        !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        if (WIFSIGNALED(status)) {
            fprintf(stderr, "fouine-serve ended by signal %d, not by %d\n",
                    WTERMSIG(status), sig);
        } else {
            fprintf(stderr, "fouine-serve exited %d on signal %d\n",
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1, sig);
        }
        harness_dump_log(h);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Percent-encode s into out (every byte but letters, digits and -._~). */
static inline void harness_urlencode(char *out, size_t size, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (; *s && n + 4 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || strchr("-._~", c)) {
            out[n++] = (char)c;
        } else {
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    out[n] = '\0';
}

/* Copy the end of the server's stderr to ours (a sanitizer's report is
** there), before the directory goes. */
static inline void harness_dump_log(const harness *h)
{
    char *log = fouine_test_slurp(h->log);
    size_t n = log ? strlen(log) : 0;
    if (n > 0) {
        fprintf(stderr, "--- end of %s:\n%s\n---\n", h->log,
                log + (n > 8192 ? n - 8192 : 0));
    }
    free(log);
}

/* Remove the temporary directory. */
static inline void harness_cleanup(harness *h)
{
    char cmd[HARNESS_PATH + 16];
    if (h->pid > 0) {
        harness_stop(h, SIGKILL);
    }
    if (h->dir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", h->dir);
        if (fouine_test_run(cmd, NULL) != 0) {
            fprintf(stderr, "could not remove %s\n", h->dir);
        }
    }
}

/* Request base + path with curl (path as is, no globbing); extra: more
** curl arguments or "".  Fills out; release with http_reply_free(). */
static inline void harness_http(const harness *h,
                                http_reply *out,
                                const char *method,
                                const char *path,
                                const char *extra)
{
    char body[HARNESS_PATH], headers[HARNESS_PATH], code[HARNESS_PATH];
    size_t size = strlen(path) + strlen(extra) + 5 * HARNESS_PATH;
    char *cmd = malloc(size), *c;
    int rc;

    memset(out, 0, sizeof *out);
    ck_assert_ptr_nonnull(cmd);
    snprintf(body, sizeof body, "%s/body", h->dir);
    snprintf(headers, sizeof headers, "%s/headers", h->dir);
    snprintf(code, sizeof code, "%s/code", h->dir);
    snprintf(cmd, size,
             "curl -s -g --path-as-is -X %s -D '%s' -o '%s' -w "
             "'%%{http_code}' %s '%s%s' > '%s'",
             method, headers, body, extra, h->base, path, code);
    rc = fouine_test_run(cmd, NULL);
    free(cmd);
    ck_assert_msg(rc == 0, "curl failed (%d): %s %.200s", rc, method, path);
    c = fouine_test_slurp(code);
    out->status = c ? strtol(c, NULL, 10) : 0;
    free(c);
    out->body = fouine_test_slurp(body);
    out->headers = fouine_test_slurp(headers);
    if (!out->body) {
        out->body = strdup("");
    }
    if (!out->headers) {
        out->headers = strdup("");
    }
    out->json = json_loads(out->body, 0, NULL);
}

static inline void http_reply_free(http_reply *r)
{
    free(r->body);
    free(r->headers);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

/* GET path and expect status and a JSON body. */
static inline void harness_get(const harness *h,
                               http_reply *out,
                               const char *path,
                               long status)
{
    harness_http(h, out, "GET", path, "");
    ck_assert_msg(out->status == status, "GET %s: status %ld, expected %ld: %s",
                  path, out->status, status, out->body);
    ck_assert_msg(out->json != NULL, "GET %s: not JSON: %s", path, out->body);
}

/**
 * The main() of a suite: make the directory, index corpus/ (with the
 * hostile article when hostile is non-zero), start fouine-serve with args,
 * run the suite (its tests run in child processes, the server in this
 * one), then stop the server, which must exit 0 on SIGTERM.
 *
 * @return the exit status of the test program (77: skipped)
 */
static inline int harness_main(harness *h,
                               Suite *s,
                               int hostile,
                               const char *const *args)
{
    int rc = harness_init(h);
    if (rc != 0) {
        srunner_free(srunner_create(s)); /* frees the suite */
        return rc;
    }
    harness_index_corpus(h, hostile ? HARNESS_HOSTILE_FILE : NULL,
                         hostile ? harness_hostile_article : NULL);
    harness_start(h, args);
    harness_setup = 0;
    rc = fouine_test_main(s);
    if (harness_stop(h, SIGTERM) != 0) {
        fprintf(stderr, "fouine-serve did not exit 0 on SIGTERM\n");
        rc = 1;
    }
    if (rc != 0) {
        harness_dump_log(h);
    }
    harness_cleanup(h);
    return rc;
}

#endif /* FOUINE_TEST_SERVE_HARNESS_H */
