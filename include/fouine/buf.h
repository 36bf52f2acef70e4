/*
** fouine/buf.h: growable byte strings, and the release of the memory the
** library gives.
**
** Appends are chained: a failed allocation sets `failed`, every later
** append does nothing, and the caller checks once at the end (the pattern
** of SQLite's sqlite3Fts5BufferAppendBlob()).
*/
#ifndef FOUINE_BUF_H
#define FOUINE_BUF_H

#include <stddef.h>

#include "fouine/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Release a block that the library gave (a string of fouine_fold(), the
 * data of a fouine_buf...).  It is free() underneath.  NULL is accepted.
 */
void fouine_free(void *p);

/** A growable string.  Zero-initialize it; release data with fouine_free(). */
typedef struct fouine_buf {
    char *data; /* NUL-terminated once anything was appended; owned */
    size_t len; /* bytes used, the NUL excluded */
    size_t cap; /* bytes allocated */
    int failed; /* an allocation failed: the content is incomplete */
} fouine_buf;

/**
 * Append n bytes (any bytes, NUL included) and keep the string
 * NUL-terminated.  Does nothing once an append has failed.
 *
 * @param b the string
 * @param s the bytes (may be NULL when n is 0)
 * @param n how many
 */
void fouine_buf_append(fouine_buf *b, const char *s, size_t n);

/** Append a NUL-terminated string (see fouine_buf_append()). */
void fouine_buf_puts(fouine_buf *b, const char *s);

/** Append printf-style formatted text (see fouine_buf_append()). */
void fouine_buf_printf(fouine_buf *b, const char *fmt, ...) FOUINE_PRINTF(2, 3);

#ifdef __cplusplus
}
#endif

#endif /* FOUINE_BUF_H */
