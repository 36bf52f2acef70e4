/*
** alloc.c: the allocation gateway (see fouine/alloc.h).
**
** With FOUINE_FAULT_INJECTION, every allocation takes a number from one
** atomic counter and fails once that number reaches the failure point
** that fouine_alloc_fail_after() set; the counter is shared by the threads
** of the analyzer and the indexer.  Without it, these are plain wrappers.
*/
#include "alloc_fault.h"

#include <stdlib.h>
#include <string.h>

#ifdef FOUINE_FAULT_INJECTION
#include <stdatomic.h>

static atomic_long alloc_count;          /* allocations made so far */
static atomic_long alloc_fail_from = -1; /* first failing one, or -1 */

void fouine_alloc_fail_after(long n)
{
    long now = atomic_load(&alloc_count);
    atomic_store(&alloc_fail_from, n < 0 ? -1 : now + (n > 0 ? n : 1));
}

long fouine_alloc_count(void)
{
    return atomic_load(&alloc_count);
}

/* Count one allocation; nonzero when it must fail. */
static int alloc_fails(void)
{
    long k = atomic_fetch_add(&alloc_count, 1) + 1;
    long from = atomic_load(&alloc_fail_from);
    return from >= 0 && k >= from;
}
#define ALLOC_FAILS() alloc_fails()
#else
#define ALLOC_FAILS() 0
#endif

void *fouine_malloc(size_t n)
{
    if (ALLOC_FAILS()) {
        return NULL;
    }
    return malloc(n);
}

void *fouine_calloc(size_t n, size_t size)
{
    if (ALLOC_FAILS()) {
        return NULL;
    }
    return calloc(n, size);
}

void *fouine_realloc(void *p, size_t n)
{
    if (ALLOC_FAILS()) {
        return NULL;
    }
    return realloc(p, n);
}

void fouine_free(void *p)
{
    free(p);
}

/* Copy s[0..len) and a NUL. */
static char *copy_string(const char *s, size_t len)
{
    char *p = fouine_malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

char *fouine_strdup(const char *s)
{
    return copy_string(s, strlen(s));
}

char *fouine_strndup(const char *s, size_t n)
{
    return copy_string(s, strnlen(s, n));
}
