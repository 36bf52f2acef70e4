/*
** show.h: fouine-index --show (show.c).
*/
#ifndef FOUINE_TOOLS_SHOW_H
#define FOUINE_TOOLS_SHOW_H

#include <stddef.h>
#include <stdio.h>

/**
 * fouine-index --show: read one file as a run would (any format, by its
 * name) and print what it gives, field by field, on out; warnings and
 * skips go to stderr as in a run.
 *
 * @param out      where to print
 * @param path     the file
 * @param max_size larger files (and JSON lines) are skipped
 * @return the exit status: 0 when the file gave articles and nothing was
 *         skipped, 1 when something was skipped (or the file cannot be
 *         read), 2 when path is a directory or memory ran out
 */
int fouine_show(FILE *out, const char *path, size_t max_size);

#endif /* FOUINE_TOOLS_SHOW_H */
