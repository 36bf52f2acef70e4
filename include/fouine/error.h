/*
** fouine/error.h: the error codes every fouine function returns.
**
** Functions return 0 (FOUINE_OK) on success and one of the negative codes
** below on failure.  Codes from SQLite, utf8proc and Snowball are converted
** once, where those libraries are called.
*/
#ifndef FOUINE_ERROR_H
#define FOUINE_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#define FOUINE_OK        0  /* success */
#define FOUINE_ENOMEM    -1 /* out of memory */
#define FOUINE_EINVAL    -2 /* invalid argument or input */
#define FOUINE_EIO       -3 /* a file could not be read or written */
#define FOUINE_EDB       -4 /* SQLite reported an error */
#define FOUINE_ESCHEMA   -5 /* the index has another schema version */
#define FOUINE_ESTOP     -6 /* a callback asked to stop (not an error) */
#define FOUINE_ENOTFOUND -7 /* no such article */

/* FOUINE_WUR marks every function that returns a FOUINE_* code: a caller
** that drops the code gets a warning (an error with FOUINE_WERROR).
** FOUINE_PRINTF(f, a) checks a printf-like format: f is the format's
** argument number, a the first variadic one. */
#if defined(__GNUC__)
#define FOUINE_WUR          __attribute__((warn_unused_result))
#define FOUINE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define FOUINE_WUR
#define FOUINE_PRINTF(f, a)
#endif

/**
 * A static English description of an error code.
 *
 * @param rc a FOUINE_* code
 * @return a string owned by the library, never NULL
 */
const char *fouine_errmsg(int rc);

#ifdef __cplusplus
}
#endif

#endif /* FOUINE_ERROR_H */
