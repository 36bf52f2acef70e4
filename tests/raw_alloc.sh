#!/bin/sh
# raw_alloc.sh SOURCE_DIR: fail when fouine's own code calls the C
# allocator directly instead of the gateway (fouine/alloc.h).  Only
# lib/core/alloc.c may, and a release of memory that another library
# allocated (utf8proc_map(), json_dumps(), getline()...) keeps its free()
# when its line says "not ours".
cd "$1" || exit 2
found=$(grep -rnE '(^|[^A-Za-z0-9_.>])(malloc|calloc|realloc|free|strdup|strndup)\([^)]' \
            --include='*.c' --include='*.h' lib tools include |
        grep -v '^lib/core/alloc\.c:' | grep -v 'not ours')
if [ -n "$found" ]; then
    echo "raw allocator calls (use fouine/alloc.h):"
    echo "$found"
    exit 1
fi
exit 0
