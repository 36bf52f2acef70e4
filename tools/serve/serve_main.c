/*
** serve_main.c: fouine-serve, the HTTP server of a fouine index.
**
**     fouine-serve [-i INDEX] [--listen 127.0.0.1:8080] [--threads N]
**                  [--per-ip N] [--timeout SECONDS] [--budget MS]
**                  [--cors ORIGIN] [--write-key-file FILE]
**                  [--max-body BYTES] [--quiet] [--log-queries]
**                  [--snapshot-dir DIR --snapshot-key-file FILE]
**                  [--follow URL|DIR [--follow-key-file FILE]
**                   [--follow-interval DURATION]]
*/
#include "serve.h"

#include "fouine/fouine.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define MAX_THREADS    256
#define MAX_PER_IP     1024 /* the connection limit of serve_http.c */
#define MAX_TIMEOUT    3600
#define MAX_BODY       (1L << 30) /* largest --max-body */

static void usage(FILE *f)
{
    fputs("Usage: fouine-serve [-i INDEX] [--listen ADDR:PORT] [--threads N]\n"
          "                    [--per-ip N] [--timeout SECONDS] [--budget MS]\n"
          "                    [--cors ORIGIN] [--write-key-file FILE]\n"
          "                    [--max-body BYTES] [--quiet] [--log-queries]\n"
          "                    [--snapshot-dir DIR --snapshot-key-file FILE]\n"
          "                    [--follow URL|DIR [--follow-key-file FILE]\n"
          "                     [--follow-interval DURATION]]\n"
          "Answer searches of a fouine index over HTTP (JSON API and search "
          "page).\n"
          "\n"
          "  -i, --index INDEX    the index file (default: fouine.db)\n"
          "  -l, --listen A:PORT  address and port (default: " DEFAULT_LISTEN
          ";\n"
          "                       [::1]:8080 for IPv6, port 0 for any free "
          "one)\n"
          "  -t, --threads N      worker threads, each with its own index\n"
          "                       connection (default: the number of CPUs)\n"
          "      --per-ip N       connections at once from one address, 0 for\n"
          "                       any number (default: 32)\n"
          "      --timeout S      seconds a connection has to send a whole\n"
          "                       request head, from its opening or its last\n"
          "                       reply, before it is closed (default: 10)\n"
          "      --budget MS      CPU time a search may take, in ms (default:\n"
          "                       200; none: no limit; 0: none at all)\n"
          "      --cors ORIGIN    send Access-Control-Allow-Origin: ORIGIN\n"
          "      --write-key-file FILE\n"
          "                       the keys that writes (POST, PUT, DELETE\n"
          "                       /api/articles) need, one a line (default:\n"
          "                       none, every write is refused)\n"
          "      --max-body BYTES the largest body of a write (default:\n"
          "                       16777216)\n"
          "      --snapshot-dir DIR\n"
          "                       offer to replicas the snapshots that\n"
          "                       fouine-index writes into DIR\n"
          "                       (GET /api/snapshot/manifest, /api/snapshot)\n"
          "      --snapshot-key-file FILE\n"
          "                       the keys that fetching them needs\n"
          "      --follow URL|DIR be a read-only replica of the primary at\n"
          "                       URL (its fouine-serve) or of the snapshots\n"
          "                       of DIR: fetch each new one, check its\n"
          "                       SHA-256, switch to it between requests\n"
          "      --follow-key-file FILE\n"
          "                       the key sent to the primary (its first)\n"
          "      --follow-interval DURATION\n"
          "                       time between polls: 10s, 500ms, 2m\n"
          "                       (default: 10s)\n"
          "  -q, --quiet          no access log on stderr\n"
          "      --log-queries    the access log shows query strings (by\n"
          "                       default only paths: what readers search\n"
          "                       is not kept)\n"
          "  -h, --help           show this help\n"
          "      --version        print the version and exit\n"
          "\n"
          "Endpoints: GET / (search page), /api/search?q=, "
          "/api/articles/ID,\n"
          "/api/suggest?q=, /api/health, /api/categories, /metrics\n"
          "(Prometheus); with a key: POST /api/articles, PUT and DELETE\n"
          "/api/articles/ID.\n"
          "SIGTERM or SIGINT: finish the requests in flight, then exit 0.\n",
          f);
}

/* Parse the value v of option opt, a whole number from lo to hi, into
** *out; on failure say so and return FOUINE_EINVAL. */
static int parse_count(long *out,
                       const char *opt,
                       const char *v,
                       long lo,
                       long hi)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < lo || n > hi) {
        fprintf(stderr,
                "fouine-serve: %s: '%s' is not a number from %ld to %ld\n", opt,
                v, lo, hi);
        return FOUINE_EINVAL;
    }
    *out = n;
    return FOUINE_OK;
}

/* Parse a duration, "500ms", "10s" or "2m" (a bare number: seconds),
** from FOUINE_SERVE_FOLLOW_MIN_MS to FOUINE_SERVE_FOLLOW_MAX_MS, into
** *ms; on failure say so and return FOUINE_EINVAL. */
static int parse_interval(long *ms, const char *opt, const char *v)
{
    char *end;
    long n = strtol(v, &end, 10), scale = 1000;
    if (strcmp(end, "ms") == 0) {
        scale = 1;
    } else if (strcmp(end, "m") == 0) {
        scale = 60000;
    } else if (*end && strcmp(end, "s") != 0) {
        scale = 0;
    }
    if (end == v || scale == 0 || n < 0 ||
        n > FOUINE_SERVE_FOLLOW_MAX_MS / scale ||
        n * scale < FOUINE_SERVE_FOLLOW_MIN_MS) {
        fprintf(stderr,
                "fouine-serve: %s: '%s' is not a duration from 100ms to 24h "
                "(500ms, 10s, 2m)\n",
                opt, v);
        return FOUINE_EINVAL;
    }
    *ms = n * scale;
    return FOUINE_OK;
}

/* Load the keys of path for option opt into *out; on failure say so. */
static int load_keys(fouine_serve_keys **out, const char *opt, const char *path)
{
    char msg[512];
    int rc = fouine_serve_keys_load(out, msg, sizeof msg, path);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-serve: %s: %s\n", opt,
                rc == FOUINE_ENOMEM ? "out of memory" : msg);
    }
    return rc;
}

/* Parse "HOST:PORT" or "[HOST6]:PORT" into addr. */
static int parse_listen(struct sockaddr_storage *addr, const char *s)
{
    char host[64];
    const char *colon;
    char *end;
    long port;
    size_t n;

    memset(addr, 0, sizeof *addr);
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':') {
            return FOUINE_EINVAL;
        }
        n = (size_t)(close - s - 1);
        colon = close + 1;
        s++;
    } else {
        colon = strrchr(s, ':');
        if (!colon) {
            return FOUINE_EINVAL;
        }
        n = (size_t)(colon - s);
    }
    if (n == 0 || n >= sizeof host) {
        return FOUINE_EINVAL;
    }
    memcpy(host, s, n);
    host[n] = '\0';
    port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535) {
        return FOUINE_EINVAL;
    }
    if (strchr(host, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host, &a6->sin6_addr) == 1 ? FOUINE_OK :
                                                                FOUINE_EINVAL;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? FOUINE_OK :
                                                              FOUINE_EINVAL;
    }
}

int main(int argc, char **argv)
{
    fouine_serve_config cfg = { .index = "fouine.db",
                                .per_ip = FOUINE_SERVE_PER_IP,
                                .timeout = FOUINE_SERVE_TIMEOUT,
                                .max_body = FOUINE_SERVE_MAX_BODY };
    const char *listen = DEFAULT_LISTEN, *key_file = NULL;
    const char *snapshot_key_file = NULL, *follow = NULL;
    const char *follow_key_file = NULL;
    fouine_serve_keys *keys = NULL, *snapshot_keys = NULL;
    fouine_serve_follow *follower = NULL;
    fouine_serve_follow_state fst;
    long interval_ms = FOUINE_SERVE_FOLLOW_MS;
    int interval_given = 0;
    struct stat st;
    char msg[PATH_MAX + 600];
    struct sockaddr_storage addr;
    fouine_serve_daemon *daemon = NULL;
    fouine_index *ix = NULL;
    sigset_t stop;
    long threads = sysconf(_SC_NPROCESSORS_ONLN), n = 0;
    int i, rc, sig = 0, status = 2;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            /* A failed write (stdout full or closed) is not a success. */
            printf("fouine-serve %s\n", fouine_version());
            return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            cfg.quiet = 1;
        } else if (strcmp(a, "--log-queries") == 0) {
            cfg.log_queries = 1;
        } else if (strcmp(a, "-i") == 0 || strcmp(a, "--index") == 0 ||
                   strcmp(a, "-l") == 0 || strcmp(a, "--listen") == 0 ||
                   strcmp(a, "-t") == 0 || strcmp(a, "--threads") == 0 ||
                   strcmp(a, "--per-ip") == 0 || strcmp(a, "--timeout") == 0 ||
                   strcmp(a, "--budget") == 0 || strcmp(a, "--cors") == 0 ||
                   strcmp(a, "--write-key-file") == 0 ||
                   strcmp(a, "--max-body") == 0 ||
                   strcmp(a, "--snapshot-dir") == 0 ||
                   strcmp(a, "--snapshot-key-file") == 0 ||
                   strcmp(a, "--follow") == 0 ||
                   strcmp(a, "--follow-key-file") == 0 ||
                   strcmp(a, "--follow-interval") == 0) {
            const char *v;
            if (++i >= argc) {
                fprintf(stderr, "fouine-serve: %s needs a value\n", a);
                return 2;
            }
            v = argv[i];
            if (a[1] == 'i' || strcmp(a, "--index") == 0) {
                cfg.index = v;
            } else if (a[1] == 'l' || strcmp(a, "--listen") == 0) {
                listen = v;
            } else if (strcmp(a, "--cors") == 0) {
                cfg.cors = v;
            } else if (strcmp(a, "--write-key-file") == 0) {
                key_file = v;
            } else if (strcmp(a, "--snapshot-dir") == 0) {
                cfg.snapshot_dir = v;
            } else if (strcmp(a, "--snapshot-key-file") == 0) {
                snapshot_key_file = v;
            } else if (strcmp(a, "--follow") == 0) {
                follow = v;
            } else if (strcmp(a, "--follow-key-file") == 0) {
                follow_key_file = v;
            } else if (strcmp(a, "--follow-interval") == 0) {
                if (parse_interval(&interval_ms, a, v) != FOUINE_OK) {
                    return 2;
                }
                interval_given = 1;
            } else if (strcmp(a, "--max-body") == 0) {
                if (parse_count(&n, a, v, 1, MAX_BODY) != FOUINE_OK) {
                    return 2;
                }
                cfg.max_body = (size_t)n;
            } else if (strcmp(a, "--per-ip") == 0) {
                if (parse_count(&n, a, v, 0, MAX_PER_IP) != FOUINE_OK) {
                    return 2;
                }
                cfg.per_ip = (unsigned)n;
            } else if (strcmp(a, "--budget") == 0) {
                if (strcmp(v, "none") == 0) {
                    cfg.budget_ms = -1;
                } else if (parse_count(&n, a, v, 0, FOUINE_BUDGET_MAX_MS) !=
                           FOUINE_OK) {
                    return 2;
                } else {
                    cfg.budget_ms = n ? (int)n : FOUINE_BUDGET_SPENT;
                }
            } else if (strcmp(a, "--timeout") == 0) {
                if (parse_count(&n, a, v, 1, MAX_TIMEOUT) != FOUINE_OK) {
                    return 2;
                }
                cfg.timeout = (unsigned)n;
            } else if (parse_count(&threads, a, v, 1, MAX_THREADS) !=
                       FOUINE_OK) {
                return 2;
            }
        } else {
            fprintf(stderr, "fouine-serve: unknown argument '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (threads < 1) {
        threads = 2;
    }
    if (parse_listen(&addr, listen) != FOUINE_OK) {
        fprintf(stderr,
                "fouine-serve: --listen: '%s' is not ADDRESS:PORT (e.g. "
                "127.0.0.1:8080)\n",
                listen);
        return 2;
    }
    if (cfg.cors && (!*cfg.cors || strpbrk(cfg.cors, "\r\n"))) {
        fprintf(stderr, "fouine-serve: --cors: not a valid origin\n");
        return 2;
    }
    /* Many threads search at once (fouine/index.h); SQLite is not in use
    ** yet, so this cannot fail. */
    if (fouine_init_threaded() != FOUINE_OK) {
        fprintf(stderr, "fouine-serve: SQLite was already in use\n");
    }
    if (cfg.snapshot_dir &&
        (stat(cfg.snapshot_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "fouine-serve: --snapshot-dir: %s: not a directory\n",
                cfg.snapshot_dir);
        return 2;
    }
    if (follow && key_file) {
        fprintf(stderr, "fouine-serve: --write-key-file: a replica "
                        "(--follow) takes no writes\n");
        return 2;
    }
    if (!follow && (follow_key_file || interval_given)) {
        fprintf(stderr, "fouine-serve: --follow-key-file and "
                        "--follow-interval need --follow\n");
        return 2;
    }
    if (follow) {
        /* libcurl's global state, before any thread. */
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            fprintf(stderr, "fouine-serve: libcurl cannot start\n");
            return 2;
        }
        rc = fouine_serve_follow_new(&follower, msg, sizeof msg, follow,
                                     follow_key_file, cfg.index, interval_ms);
        if (rc != FOUINE_OK) {
            fprintf(stderr, "fouine-serve: %s\n", msg);
            goto done;
        }
        cfg.follow = follower;
        /* Nothing to serve yet: the first snapshot, before listening. */
        if (stat(cfg.index, &st) != 0 &&
            fouine_serve_follow_poll(follower) != FOUINE_OK) {
            fouine_serve_follow_status(&fst, follower);
            fprintf(stderr,
                    "fouine-serve: --follow %s: no first snapshot for %s: "
                    "%s\n",
                    follow, cfg.index, fst.last_error);
            goto done;
        }
    }
    /* Check the index now rather than at the first request. */
    rc = fouine_index_open(&ix, cfg.index, FOUINE_INDEX_READ);
    fouine_index_close(ix);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-serve: %s: %s\n", cfg.index,
                rc == FOUINE_EIO ? "no such index (run fouine-index first)" :
                                   fouine_errmsg(rc));
        goto done;
    }
    /* The keys of writes, read once: a file that cannot be read or that
    ** holds no key is an error, not a server that refuses every write. */
    if (key_file) {
        if (load_keys(&keys, "--write-key-file", key_file) != FOUINE_OK) {
            goto done;
        }
        cfg.keys = keys;
    }
    if (snapshot_key_file) {
        if (load_keys(&snapshot_keys, "--snapshot-key-file",
                      snapshot_key_file) != FOUINE_OK) {
            goto done;
        }
        cfg.snapshot_keys = snapshot_keys;
    }
    if (fouine_serve_worker_init() != FOUINE_OK) {
        fprintf(stderr, "fouine-serve: out of memory\n");
        goto done;
    }
    /* The worker threads inherit this mask: only this thread takes the
    ** stop signals, in sigwait() below. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    /* A shell starts background jobs with SIGINT ignored, and an ignored
    ** signal never reaches sigwait(). */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    rc = fouine_serve_daemon_start(
        &daemon, &cfg, (const struct sockaddr *)&addr, (unsigned)threads);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-serve: cannot listen on %s\n", listen);
        goto done;
    }
    fprintf(stderr,
            "fouine-serve: listening on http://%.*s:%u/ (%ld thread%s, index "
            "%s)\n",
            (int)(strrchr(listen, ':') - listen), listen,
            fouine_serve_daemon_port(daemon), threads, threads > 1 ? "s" : "",
            cfg.index);
    if (follower && fouine_serve_follow_start(follower) != FOUINE_OK) {
        fprintf(stderr, "fouine-serve: --follow: no thread for it\n");
        goto done;
    }
    if (sigwait(&stop, &sig) != 0) {
        goto done;
    }
    if (!cfg.quiet) {
        fprintf(stderr, "fouine-serve: %s: finishing the requests in flight\n",
                sig == SIGTERM ? "SIGTERM" : "SIGINT");
    }
    status = 0;
done:
    fouine_serve_daemon_stop(daemon);
    /* After the daemon: its requests read the follower's state. */
    fouine_serve_follow_free(follower);
    if (follow) {
        curl_global_cleanup();
    }
    fouine_serve_keys_free(keys);
    fouine_serve_keys_free(snapshot_keys);
    return status;
}
