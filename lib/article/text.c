/*
** text.c: content hashes and the names of skip reasons (see indexer.h).
*/
#include "indexer.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "fouine/alloc.h"

const char *fouine_skip_name(fouine_skip reason)
{
    static const char *const names[FOUINE_SKIP_COUNT] = {
        "missing",   "unreadable", "symlink loop", "path too long",
        "too large", "binary",     "empty",        "no title or text",
        "bad JSON",  "no id"
    };
    if ((unsigned)reason >= FOUINE_SKIP_COUNT) {
        return "unknown";
    }
    return names[reason];
}

uint64_t fouine_hash64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= b[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}
