/*
** fouine/alloc.h: the one allocation gateway of fouine's own code.
**
** Every heap block that lib/ and tools/ allocate comes from
** these functions, and every such block is released with fouine_free().
** fouine_free() is plain free() underneath, so a block from the gateway may
** also be released with free(), and fouine_free() may release a block that
** another library allocated with malloc() (utf8proc_map(), realpath()...);
** the code still releases foreign memory with the library's own function,
** so that each release names the allocator that made the block.
**
** Built with the CMake option FOUINE_FAULT_INJECTION, the gateway can be
** told to fail from a given allocation on (fouine_alloc_fail_after()), so
** that tests can run an operation once per allocation with that allocation
** failing (OOM loops, as SQLite's faultsim and curl's torture mode do).
** Without the option the functions are plain wrappers.
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

#ifdef FOUINE_FAULT_INJECTION
/**
 * Make the n-th next gateway allocation fail, and every later one, until
 * the next call.  Counts fouine_malloc(), fouine_calloc(),
 * fouine_realloc(), fouine_strdup() and fouine_strndup() calls of all
 * threads of the process; fouine_free() is not counted.
 *
 * @param n 1 for the very next allocation (0 behaves as 1); a negative n
 *          lets every allocation succeed again
 */
void fouine_alloc_fail_after(long n);

/**
 * The number of gateway allocations made so far by the process (all
 * threads), failed ones included.
 *
 * @return the count
 */
long fouine_alloc_count(void);
#endif

#ifdef __cplusplus
}
#endif

#endif /* FOUINE_ALLOC_H */
