/*
** fouine/alloc.h: the one allocation gateway of fouine's own code, and
** the allocator of what the library hands out.
**
** Every heap block that lib/ and tools/ allocate comes from
** these functions, and every such block is released with fouine_free():
** the strings and arrays the API gives its caller to own (fouine_index_
** updated(), fouine_utf8_repair()...) too.  A program may allocate with
** them as well, e.g. to give the library blocks it will release.
** fouine_free() is plain free() underneath, so a block from the gateway may
** also be released with free(), and fouine_free() may release a block that
** another library allocated with malloc() (utf8proc_map(), realpath()...);
** the code still releases foreign memory with the library's own function,
** so that each release names the allocator that made the block.
**
** Built with the CMake option FOUINE_FAULT_INJECTION (tests only), the
** gateway can be told to fail from a given allocation on (lib/core/
** alloc_fault.h), so that tests can run an operation once per allocation
** with that allocation failing (OOM loops, as SQLite's faultsim and
** curl's torture mode do).  Otherwise the functions are plain wrappers.
**
** Thread safety: all of them may be called from any thread.
*/
#ifndef FOUINE_ALLOC_H
#define FOUINE_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define FOUINE_MALLOC            __attribute__((malloc, warn_unused_result))
#define FOUINE_REALLOC           __attribute__((warn_unused_result))
#define FOUINE_ALLOC_SIZE(n)     __attribute__((alloc_size(n)))
#define FOUINE_ALLOC_SIZE2(n, m) __attribute__((alloc_size(n, m)))
#else
#define FOUINE_MALLOC
#define FOUINE_REALLOC
#define FOUINE_ALLOC_SIZE(n)
#define FOUINE_ALLOC_SIZE2(n, m)
#endif

/**
 * Allocate n bytes, uninitialized (malloc()).
 *
 * @param n the size in bytes
 * @return the block, to be released with fouine_free(); NULL when out of
 *         memory (or when an injected failure is due)
 */
void *fouine_malloc(size_t n) FOUINE_MALLOC FOUINE_ALLOC_SIZE(1);

/**
 * Allocate n elements of size bytes, zeroed (calloc(): the product is
 * checked for overflow).
 *
 * @param n    the number of elements
 * @param size the size of one element
 * @return the block, to be released with fouine_free(); NULL when out of
 *         memory, on overflow, or when an injected failure is due
 */
void *fouine_calloc(size_t n, size_t size) FOUINE_MALLOC
    FOUINE_ALLOC_SIZE2(1, 2);

/**
 * Resize the block p to n bytes (realloc()).
 *
 * @param p the block (from the gateway or malloc()), or NULL to allocate
 * @param n the new size in bytes; pass n > 0
 * @return the block, maybe moved, to be released with fouine_free(); NULL
 *         when out of memory (or when an injected failure is due), and p
 *         is then left as it was, still owned by the caller
 */
void *fouine_realloc(void *p, size_t n) FOUINE_REALLOC FOUINE_ALLOC_SIZE(2);

/**
 * Release a block (free()).  Accepts NULL, and any block from malloc(),
 * so also memory that another library allocated with it.
 *
 * @param p the block, or NULL
 */
void fouine_free(void *p);

/**
 * Copy a NUL-terminated string (strdup()).
 *
 * @param s the string
 * @return the copy, to be released with fouine_free(); NULL when out of
 *         memory (or when an injected failure is due)
 */
char *fouine_strdup(const char *s) FOUINE_MALLOC;

/**
 * Copy at most n bytes of s, stopping at a NUL, and NUL-terminate the copy
 * (strndup()).
 *
 * @param s the string (read up to n bytes or its NUL)
 * @param n the most bytes to copy
 * @return the copy, to be released with fouine_free(); NULL when out of
 *         memory (or when an injected failure is due)
 */
char *fouine_strndup(const char *s, size_t n) FOUINE_MALLOC;

#ifdef __cplusplus
}
#endif

#endif /* FOUINE_ALLOC_H */
