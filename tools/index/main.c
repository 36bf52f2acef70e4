/*
** main.c: fouine-index, the command that indexes articles.
**
**     fouine-index [OPTION]... PATH...
**
** Exit status: 0 when everything given was indexed, 1 when some inputs
** were skipped (or a signal stopped the run), 2 on a usage error or an
** index that cannot be written.
*/
#include "cli.h"
#include "show.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fouine/fouine.h"

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void usage(FILE *f)
{
    fputs(
        "Usage: fouine-index [OPTION]... PATH...\n"
        "       fouine-index [--max-size SIZE] --show FILE\n"
        "       fouine-index [-o INDEX] --snapshot DIR\n"
        "Index French news articles into a SQLite FTS5 index, incrementally.\n"
        "\n"
        "PATH is a directory, searched recursively for .txt, .json, .jsonl,\n"
        ".html, .htm and .xhtml files, or a file.  A re-run indexes only what\n"
        "changed and removes the articles whose files are gone from the\n"
        "directories given.\n"
        "\n"
        "  -o, --output INDEX   the index file (default: fouine.db)\n"
        "      --rebuild        start afresh: build a new index beside it,\n"
        "                       then put it in its place in one transaction\n"
        "      --no-delete      keep the articles whose files are gone\n"
        "      --max-size SIZE  skip larger files and JSON lines (bytes, or\n"
        "                       with a K, M or G suffix; default: 16M)\n"
        "      --batch N        articles a transaction (default: 20000)\n"
        "  -q, --quiet          print only fatal errors\n"
        "  -v, --verbose        also name every article indexed or removed\n"
        "      --show FILE      print what FILE gives, field by field, and\n"
        "                       index nothing\n"
        "      --snapshot DIR   write a consistent copy of the index into DIR\n"
        "                       (fouine-GENERATION.db, named by\n"
        "                       DIR/manifest.json) and index nothing\n"
        "  -h, --help           show this help\n"
        "      --version        print the version and exit\n"
        "\n"
        "Exit status: 0 when everything was indexed, 1 when some inputs were\n"
        "skipped or the run was interrupted, 2 on a usage error or an index\n"
        "that cannot be written.\n",
        f);
}

/* Parse "16M", "200K", "1000" into *out.  Returns FOUINE_OK, or
** FOUINE_EINVAL for anything else, 0, or a size that does not fit. */
static FOUINE_WUR int parse_size(const char *s, size_t *out)
{
    char *end = NULL;
    unsigned long long v;
    unsigned shift = 0;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || s[0] < '0' || s[0] > '9') {
        return FOUINE_EINVAL;
    }
    if (*end == 'K' || *end == 'k') {
        shift = 10;
        end++;
    } else if (*end == 'M' || *end == 'm') {
        shift = 20;
        end++;
    } else if (*end == 'G' || *end == 'g') {
        shift = 30;
        end++;
    }
    if (*end != '\0' || v == 0 || v > (SIZE_MAX >> shift)) {
        return FOUINE_EINVAL;
    }
    v <<= shift;
    *out = (size_t)v;
    return FOUINE_OK;
}

/* fouine-index --snapshot DIR: a copy of the index into dir, said on
** stdout.  Returns the exit status: 0, or 2 with a message. */
static int snapshot(const char *index, const char *dir)
{
    fouine_index *ix = NULL;
    fouine_snapshot_info info;
    int rc = fouine_index_open(&ix, index, FOUINE_INDEX_READ), status = 2;

    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-index: %s: %s\n", index, fouine_errmsg(rc));
        goto done;
    }
    rc = fouine_index_snapshot(&info, ix, dir);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-index: --snapshot: %s\n", info.error);
        goto done;
    }
    printf("snapshot %s/%s: generation %lld, %lld articles, %lld bytes, "
           "sha256 %s\n",
           dir, info.file, info.generation, info.articles, info.size,
           info.sha256);
    status = fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
done:
    fouine_index_close(ix);
    return status;
}

/* The one-line summary; the rate only of a run that wrote articles and
** took a time the clock could tell. */
static void summary(const fouine_run_options *opt, const fouine_run_stats *st)
{
    long nskipped = fouine_run_skipped(st);
    long written = st->indexed + st->updated;
    int i, first = 1;
    fprintf(stderr,
            "fouine-index: %s%ld indexed, %ld updated, %ld unchanged, %ld "
            "removed, %ld skipped",
            st->interrupted ? "interrupted: " : "", st->indexed, st->updated,
            st->unchanged, st->removed, nskipped);
    for (i = 0; i < FOUINE_SKIP_COUNT; i++) {
        if (st->skipped[i] > 0) {
            fprintf(stderr, "%s%ld %s", first ? " (" : ", ", st->skipped[i],
                    fouine_skip_name((fouine_skip)i));
            first = 0;
        }
    }
    fprintf(stderr, "%s, %ld warning%s", first ? "" : ")", st->warnings,
            st->warnings == 1 ? "" : "s");
    if (st->conflicts > 0) {
        fprintf(stderr, " (%ld id conflict%s)", st->conflicts,
                st->conflicts > 1 ? "s" : "");
    }
    fprintf(stderr, " in %.1f s", st->seconds);
    if (written > 0 && st->seconds > 0) {
        fprintf(stderr, " (%.0f articles/s)", (double)written / st->seconds);
    }
    fprintf(stderr, " -> %s\n", opt->index);
}

/* The options of fouine-index that have no short form (getopt_long()'s
** values for them). */
enum {
    OPT_REBUILD = 256,
    OPT_NO_DELETE,
    OPT_PLAIN,
    OPT_MAX_SIZE,
    OPT_BATCH,
    OPT_SHOW,
    OPT_SNAPSHOT,
    OPT_VERSION
};

static const struct option long_options[] = {
    { "output", required_argument, NULL, 'o' },
    { "rebuild", no_argument, NULL, OPT_REBUILD },
    { "no-delete", no_argument, NULL, OPT_NO_DELETE },
    { "plain-tokenizer", no_argument, NULL, OPT_PLAIN },
    { "max-size", required_argument, NULL, OPT_MAX_SIZE },
    { "batch", required_argument, NULL, OPT_BATCH },
    { "quiet", no_argument, NULL, 'q' },
    { "verbose", no_argument, NULL, 'v' },
    { "show", required_argument, NULL, OPT_SHOW },
    { "snapshot", required_argument, NULL, OPT_SNAPSHOT },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
    fouine_run_options opt;
    fouine_run_stats st;
    struct sigaction sa;
    fouine_cli cli;
    const char *show = NULL, *snap_dir = NULL;
    char *const *paths;
    size_t npaths, v = 0;
    int ch, rc, status = 2, quiet = 0, verbose = 0;

    fouine_run_options_init(&opt);
    opt.index = "fouine.db";
    opt.stop = &stop_signal;
    /* Options and PATHs in any order (getopt_long() puts the PATHs last);
    ** after "--", only PATHs. */
    fouine_cli_init(&cli, "fouine-index", ":o:qvh", long_options);
    while ((ch = fouine_cli_next(&cli, argc, argv)) != -1) {
        switch (ch) {
        case 'h':
            usage(stdout);
            status = 0;
            goto done;
        case OPT_VERSION:
            /* A failed write (stdout full or closed) is not a success. */
            printf("fouine-index %s\n", fouine_version());
            status = fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
            goto done;
        case 'q':
            quiet = 1;
            opt.verbose = 0;
            break;
        case 'v':
            verbose = 1;
            opt.verbose = 2;
            break;
        case OPT_REBUILD:
            opt.rebuild = 1;
            break;
        case OPT_NO_DELETE:
            opt.no_delete = 1;
            break;
        case OPT_PLAIN:
            opt.plain = 1; /* benchmark baseline, not documented */
            break;
        case OPT_SHOW:
            show = optarg;
            break;
        case OPT_SNAPSHOT:
            snap_dir = optarg;
            break;
        case 'o':
            opt.index = optarg;
            break;
        case OPT_MAX_SIZE:
        case OPT_BATCH:
            if (parse_size(optarg, &v) != FOUINE_OK) {
                fouine_cli_usage(&cli, "%s: bad value '%s'", cli.name, optarg);
                goto done;
            }
            if (ch == OPT_BATCH) {
                opt.batch = v;
            } else {
                opt.max_size = v;
            }
            break;
        default: /* '?': said */
            goto done;
        }
    }
    paths = argv + optind;
    npaths = (size_t)(argc - optind);
    if (quiet && verbose) {
        fouine_cli_usage(&cli, "-q and -v cannot be given together");
        goto done;
    }
    if (show && npaths > 0) {
        fouine_cli_usage(&cli, "--show takes one FILE and no PATH");
        goto done;
    }
    if (show) {
        status = fouine_show(stdout, show, opt.max_size);
        goto done;
    }
    if (snap_dir && npaths > 0) {
        fouine_cli_usage(&cli, "--snapshot takes one DIR and no PATH");
        goto done;
    }
    if (snap_dir) {
        status = snapshot(opt.index, snap_dir);
        goto done;
    }
    if (npaths == 0) {
        fouine_cli_usage(&cli, "no PATH to index");
        goto done;
    }
    opt.paths = (const char *const *)paths;
    opt.npaths = npaths;
    opt.progress = opt.verbose == 1 && isatty(STDERR_FILENO);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    rc = fouine_index_run(&st, &opt);
    if (rc != FOUINE_OK) {
        if (rc == FOUINE_ENOMEM) {
            fputs("fouine-index: out of memory\n", stderr);
        }
        goto done;
    }
    if (st.interrupted && opt.verbose > 0) {
        fprintf(stderr,
                "fouine-index: stopped by signal %d after %ld of %ld files; "
                "what was written is safe, run again to complete\n",
                (int)stop_signal, st.files, st.files_total);
    }
    if (opt.verbose > 1) {
        fprintf(stderr, "fouine-index: CPU: writer %.2f s, reader %.2f s\n",
                st.writer_cpu, st.reader_cpu);
    }
    if (opt.verbose > 0) {
        summary(&opt, &st);
    }
    status = st.interrupted || fouine_run_skipped(&st) > 0 ? 1 : 0;
done:
    return status;
}
