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
#include "cli.h"
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

/* The options of fouine-serve that have no short form (getopt_long()'s
** values for them). */
enum {
    OPT_PER_IP = 256,
    OPT_TIMEOUT,
    OPT_BUDGET,
    OPT_CORS,
    OPT_WRITE_KEY_FILE,
    OPT_MAX_BODY,
    OPT_LOG_QUERIES,
    OPT_SNAPSHOT_DIR,
    OPT_SNAPSHOT_KEY_FILE,
    OPT_FOLLOW,
    OPT_FOLLOW_KEY_FILE,
    OPT_FOLLOW_INTERVAL,
    OPT_VERSION
};

static const struct option long_options[] = {
    { "index", required_argument, NULL, 'i' },
    { "listen", required_argument, NULL, 'l' },
    { "threads", required_argument, NULL, 't' },
    { "per-ip", required_argument, NULL, OPT_PER_IP },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "budget", required_argument, NULL, OPT_BUDGET },
    { "cors", required_argument, NULL, OPT_CORS },
    { "write-key-file", required_argument, NULL, OPT_WRITE_KEY_FILE },
    { "max-body", required_argument, NULL, OPT_MAX_BODY },
    { "quiet", no_argument, NULL, 'q' },
    { "log-queries", no_argument, NULL, OPT_LOG_QUERIES },
    { "snapshot-dir", required_argument, NULL, OPT_SNAPSHOT_DIR },
    { "snapshot-key-file", required_argument, NULL, OPT_SNAPSHOT_KEY_FILE },
    { "follow", required_argument, NULL, OPT_FOLLOW },
    { "follow-key-file", required_argument, NULL, OPT_FOLLOW_KEY_FILE },
    { "follow-interval", required_argument, NULL, OPT_FOLLOW_INTERVAL },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 }
};

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
          "/api/articles/ID/related, /api/suggest?q=, /api/health,\n"
          "/api/categories, /metrics (Prometheus); with a key: POST\n"
          "/api/articles, PUT and DELETE /api/articles/ID.\n"
          "SIGTERM or SIGINT: finish the requests in flight, then exit 0.\n",
          f);
}

/* Parse a duration, "500ms", "10s" or "2m" (a bare number: seconds),
** from FOUINE_SERVE_FOLLOW_MIN_MS to FOUINE_SERVE_FOLLOW_MAX_MS, into
** *ms, the value of the option c just read; on failure say so (a usage
** error) and return FOUINE_EINVAL. */
static int parse_interval(long *ms, const fouine_cli *c, const char *v)
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
        fouine_cli_usage(c,
                         "%s: '%s' is not a duration from 100ms to 24h "
                         "(500ms, 10s, 2m)",
                         c->name, v);
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
    fouine_cli cli;
    int ch, rc, sig = 0, status = 2;

    fouine_cli_init(&cli, "fouine-serve", ":i:l:t:qh", long_options);
    while ((ch = fouine_cli_next(&cli, argc, argv)) != -1) {
        switch (ch) {
        case 'h':
            usage(stdout);
            return 0;
        case OPT_VERSION:
            /* A failed write (stdout full or closed) is not a success. */
            printf("fouine-serve %s\n", fouine_version());
            return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
        case 'q':
            cfg.quiet = 1;
            break;
        case OPT_LOG_QUERIES:
            cfg.log_queries = 1;
            break;
        case 'i':
            cfg.index = optarg;
            break;
        case 'l':
            listen = optarg;
            break;
        case OPT_CORS:
            cfg.cors = optarg;
            break;
        case OPT_WRITE_KEY_FILE:
            key_file = optarg;
            break;
        case OPT_SNAPSHOT_DIR:
            cfg.snapshot_dir = optarg;
            break;
        case OPT_SNAPSHOT_KEY_FILE:
            snapshot_key_file = optarg;
            break;
        case OPT_FOLLOW:
            follow = optarg;
            break;
        case OPT_FOLLOW_KEY_FILE:
            follow_key_file = optarg;
            break;
        case OPT_FOLLOW_INTERVAL:
            if (parse_interval(&interval_ms, &cli, optarg) != FOUINE_OK) {
                return 2;
            }
            interval_given = 1;
            break;
        case OPT_MAX_BODY:
            if (fouine_cli_number(&n, &cli, optarg, 1, MAX_BODY) != FOUINE_OK) {
                return 2;
            }
            cfg.max_body = (size_t)n;
            break;
        case OPT_PER_IP:
            if (fouine_cli_number(&n, &cli, optarg, 0, MAX_PER_IP) !=
                FOUINE_OK) {
                return 2;
            }
            cfg.per_ip = (unsigned)n;
            break;
        case OPT_BUDGET:
            if (fouine_cli_budget(&cfg.budget_ms, &cli, optarg) != FOUINE_OK) {
                return 2;
            }
            break;
        case OPT_TIMEOUT:
            if (fouine_cli_number(&n, &cli, optarg, 1, MAX_TIMEOUT) !=
                FOUINE_OK) {
                return 2;
            }
            cfg.timeout = (unsigned)n;
            break;
        case 't':
            if (fouine_cli_number(&threads, &cli, optarg, 1, MAX_THREADS) !=
                FOUINE_OK) {
                return 2;
            }
            break;
        default: /* '?': said */
            return 2;
        }
    }
    if (optind < argc) {
        fouine_cli_usage(&cli, "unexpected argument '%s'", argv[optind]);
        return 2;
    }
    if (threads < 1) {
        threads = 2;
    }
    if (parse_listen(&addr, listen) != FOUINE_OK) {
        fouine_cli_usage(&cli,
                         "--listen: '%s' is not ADDRESS:PORT (e.g. "
                         "127.0.0.1:8080)",
                         listen);
        return 2;
    }
    if (cfg.cors && (!*cfg.cors || strpbrk(cfg.cors, "\r\n"))) {
        fouine_cli_usage(&cli, "--cors: not a valid origin");
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
        fouine_cli_usage(&cli, "--write-key-file: a replica (--follow) "
                               "takes no writes");
        return 2;
    }
    if (!follow && (follow_key_file || interval_given)) {
        fouine_cli_usage(&cli, "--follow-key-file and --follow-interval "
                               "need --follow");
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
