/*
** alloc_fault.h: allocation failures on demand, for the out-of-memory
** loops of the tests (lib/core/alloc.c, built with the CMake option
** FOUINE_FAULT_INJECTION; not part of the public API, not exported by
** libfouine.so).
*/
#ifndef FOUINE_ALLOC_FAULT_H
#define FOUINE_ALLOC_FAULT_H

#include "fouine/alloc.h"

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

#endif /* FOUINE_ALLOC_FAULT_H */
