/*
** buf.c: growable byte strings (see fouine/buf.h).
*/
#include "fouine/buf.h"
#include "fouine/alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fouine_buf_append(fouine_buf *b, const char *s, size_t n)
{
    if (b->failed) {
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        char *p;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        p = fouine_realloc(b->data, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    if (n) {
        memcpy(b->data + b->len, s, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
}

void fouine_buf_puts(fouine_buf *b, const char *s)
{
    fouine_buf_append(b, s, strlen(s));
}

void fouine_buf_printf(fouine_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
    } else if ((size_t)n < sizeof small) {
        fouine_buf_append(b, small, (size_t)n);
    } else {
        char *big = fouine_malloc((size_t)n + 1);
        if (!big) {
            b->failed = 1;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        fouine_buf_append(b, big, (size_t)n);
        fouine_free(big);
    }
}
