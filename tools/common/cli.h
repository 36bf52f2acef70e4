/*
** cli.h: the command lines of the three tools, read by glibc's
** getopt_long(), with their usage errors said the same way in each:
**
**     fouine-query: unknown option '--bogus'
**     Try 'fouine-query --help' for more information.
**
** on stderr (one line naming the problem and the option, then where the
** help is), the tool then exiting 2.
*/
#ifndef FOUINE_CLI_H
#define FOUINE_CLI_H

#include <getopt.h>

#include "fouine/error.h"

/* A command line being read; fouine_cli_init() it. */
typedef struct fouine_cli {
    const char *prog;              /* the tool, "fouine-query": the start of
                                      each message; not owned */
    const char *shortopts;         /* getopt_long()'s, opened by ":" (or
                                      "+:": stop at the first operand);
                                      not owned */
    const struct option *longopts; /* ended by a zeroed entry; not owned */
    const char *name;              /* the option last read, as typed
                                      ("-n", "--limit"), for messages about
                                      its value; points into this struct
                                      (namebuf), valid until the next call */
    char namebuf[64];              /* where name is */
} fouine_cli;

/**
 * Start reading a command line: getopt_long() is told to say nothing
 * (opterr 0), since fouine_cli_next() says its errors in the tools' words.
 *
 * @param c         the state
 * @param prog      the tool's name, as messages say it
 * @param shortopts the short options, as getopt_long() takes them; must
 *                  open with ":" (after an optional "+"), so that a missing
 *                  value is told apart from an unknown option
 * @param longopts  the long options; a long option with a short one has
 *                  the short one's letter as val, the others values of
 *                  256 and more
 */
void fouine_cli_init(fouine_cli *c,
                     const char *prog,
                     const char *shortopts,
                     const struct option *longopts);

/**
 * The next option of argv (getopt_long()): its val, with optarg set to its
 * value and c->name to the option as typed; -1 at the end of the options
 * (optind is then the first operand, or argc).  An unknown or ambiguous
 * option, a value missing, or a value given to an option that takes none is
 * said on stderr (one line and the "Try ... --help" line): the return is
 * then '?', and the tool should exit 2.
 */
int fouine_cli_next(fouine_cli *c, int argc, char *const *argv);

/**
 * Say a usage error on stderr, "PROG: MESSAGE", then the "Try 'PROG
 * --help' for more information." line.
 */
void fouine_cli_usage(const fouine_cli *c, const char *fmt, ...)
    FOUINE_PRINTF(2, 3);

/**
 * The value v of the option just read (c->name), a whole number from lo to
 * hi, into *out.  Else says "NAME: 'V' is not a number from LO to HI" as a
 * usage error and returns FOUINE_EINVAL (*out unchanged).
 */
FOUINE_WUR int fouine_cli_number(long *out,
                                 const fouine_cli *c,
                                 const char *v,
                                 long lo,
                                 long hi);

/**
 * The value v of --budget, as fouine_search_options.budget_ms takes it:
 * "none" is -1 (no limit), 0 FOUINE_BUDGET_SPENT (no time at all), else a
 * whole number of ms up to FOUINE_BUDGET_MAX_MS.  Else says so as a usage
 * error, naming none too, and returns FOUINE_EINVAL (*out unchanged).
 */
FOUINE_WUR int fouine_cli_budget(int *out, const fouine_cli *c, const char *v);

#endif /* FOUINE_CLI_H */
