/*
** cli.c: the command lines of the tools (cli.h), read by getopt_long(),
** their usage errors said in one form.
*/
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fouine/search.h"

void fouine_cli_init(fouine_cli *c,
                     const char *prog,
                     const char *shortopts,
                     const struct option *longopts)
{
    memset(c, 0, sizeof *c);
    c->prog = prog;
    c->shortopts = shortopts;
    c->longopts = longopts;
    c->name = c->namebuf;
    opterr = 0; /* fouine_cli_next() says the errors */
}

void fouine_cli_usage(const fouine_cli *c, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", c->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", c->prog);
}

/* Whether ch is one of the short options (not the ":" and "+" of the
** string's start, which getopt_long() reports as unknown). */
static int is_short(const fouine_cli *c, int ch)
{
    return ch > 0 && ch < 256 && ch != ':' && ch != '+' && ch != ';' &&
           strchr(c->shortopts, ch) != NULL;
}

/* Set c->name to the long option that arg is ("--limit=5": "--limit"). */
static void long_name(fouine_cli *c, const char *arg)
{
    size_t n = strcspn(arg, "=");
    if (n >= sizeof c->namebuf) {
        n = sizeof c->namebuf - 1; /* a name that long is unknown anyway */
    }
    memcpy(c->namebuf, arg, n);
    c->namebuf[n] = '\0';
}

/* Say that the long option c->name is unknown, or which long options it
** abbreviates when it abbreviates several (getopt_long() tells neither
** apart). */
static void unknown_long(const fouine_cli *c)
{
    const char *typed = c->name + 2;
    size_t n = strlen(typed), k, count = 0;
    for (k = 0; c->longopts[k].name; k++) {
        count += strncmp(c->longopts[k].name, typed, n) == 0;
    }
    if (count < 2) {
        fouine_cli_usage(c, "unknown option '%s'", c->name);
        return;
    }
    fprintf(stderr, "%s: option '%s' is ambiguous:", c->prog, c->name);
    for (k = 0, count = 0; c->longopts[k].name; k++) {
        if (strncmp(c->longopts[k].name, typed, n) == 0) {
            fprintf(stderr, "%s --%s", count++ ? "," : "", c->longopts[k].name);
        }
    }
    fprintf(stderr, "\nTry '%s --help' for more information.\n", c->prog);
}

int fouine_cli_next(fouine_cli *c, int argc, char *const *argv)
{
    int li = -1, ch = getopt_long(argc, argv, c->shortopts, c->longopts, &li);
    /* After an error, argv[optind - 1] is the option at fault when it is a
    ** long one: getopt_long() has moved past it. */
    const char *last = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    int was_long = strncmp(last, "--", 2) == 0;

    if (ch == -1) {
        return -1;
    }
    if (li >= 0) {
        snprintf(c->namebuf, sizeof c->namebuf, "--%s", c->longopts[li].name);
    } else {
        snprintf(c->namebuf, sizeof c->namebuf, "-%c",
                 ch == '?' || ch == ':' ? optopt : ch);
    }
    if (ch == ':') {
        /* A value missing can only be at the end of argv: last holds the
        ** option, long or among short ones ("-qo"). */
        if (was_long) {
            long_name(c, last);
        }
        fouine_cli_usage(c, "option '%s' needs a value", c->name);
        return '?';
    }
    if (ch != '?') {
        return ch;
    }
    if (optopt == 0 && was_long) {
        long_name(c, last);
        unknown_long(c);
    } else if (was_long && (optopt >= 256 || is_short(c, optopt))) {
        /* A known option that getopt_long() refused: a long one given a
        ** value it does not take ("--json=1"); short ones never are. */
        long_name(c, last);
        fouine_cli_usage(c, "option '%s' takes no value", c->name);
    } else {
        fouine_cli_usage(c, "unknown option '%s'", c->name);
    }
    return '?';
}

/* v as a whole number from lo to hi into *out: FOUINE_OK, else
** FOUINE_EINVAL. */
static int whole(long *out, const char *v, long lo, long hi)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < lo || n > hi) {
        return FOUINE_EINVAL;
    }
    *out = n;
    return FOUINE_OK;
}

int fouine_cli_number(long *out,
                      const fouine_cli *c,
                      const char *v,
                      long lo,
                      long hi)
{
    if (whole(out, v, lo, hi) != FOUINE_OK) {
        fouine_cli_usage(c, "%s: '%s' is not a number from %ld to %ld", c->name,
                         v, lo, hi);
        return FOUINE_EINVAL;
    }
    return FOUINE_OK;
}

int fouine_cli_budget(int *out, const fouine_cli *c, const char *v)
{
    long n = 0;
    if (strcmp(v, "none") == 0) {
        *out = -1;
        return FOUINE_OK;
    }
    if (whole(&n, v, 0, FOUINE_BUDGET_MAX_MS) != FOUINE_OK) {
        fouine_cli_usage(c, "%s: '%s' is not a number from 0 to %d, nor none",
                         c->name, v, FOUINE_BUDGET_MAX_MS);
        return FOUINE_EINVAL;
    }
    *out = n > 0 ? (int)n : FOUINE_BUDGET_SPENT;
    return FOUINE_OK;
}
