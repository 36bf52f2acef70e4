/*
** text.c: UTF-8 repair, content hashes and the names of skip reasons
** (see indexer.h).
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

/*
** Length of the valid UTF-8 character at s[0..n), s[0] >= 0x80, or 0 when
** the bytes there are not one.  utf8proc rejects overlong forms, surrogates
** and code points past U+10FFFF.
*/
static size_t valid_char(const char *s, size_t n)
{
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = n > 4 ? 4 : (utf8proc_ssize_t)n;
    utf8proc_ssize_t got =
        utf8proc_iterate((const utf8proc_uint8_t *)s, len, &cp);
    return got > 0 ? (size_t)got : 0;
}

int fouine_utf8_repair(char **out,
                       size_t *outlen,
                       size_t *first_bad,
                       const char *text,
                       size_t len)
{
    static const char fffd[3] = { '\xEF', '\xBF', '\xBD' };
    char *buf = NULL;
    size_t i = 0, o = 0, k;

    *out = NULL;
    *outlen = 0;
    *first_bad = SIZE_MAX;
    /* Fast path: find the first invalid byte without copying. */
    while (i < len) {
        if ((unsigned char)text[i] < 0x80) {
            i++;
            continue;
        }
        k = valid_char(text + i, len - i);
        if (k == 0) {
            break;
        }
        i += k;
    }
    if (i == len) {
        return FOUINE_OK;
    }
    *first_bad = i;
    /* Each bad byte grows to 3 bytes at most. */
    if (len > (SIZE_MAX - 1) / 3) {
        return FOUINE_ENOMEM;
    }
    buf = fouine_malloc(len * 3 + 1);
    if (!buf) {
        return FOUINE_ENOMEM;
    }
    memcpy(buf, text, i);
    o = i;
    while (i < len) {
        if ((unsigned char)text[i] < 0x80) {
            buf[o++] = text[i++];
            continue;
        }
        k = valid_char(text + i, len - i);
        if (k == 0) {
            memcpy(buf + o, fffd, sizeof fffd);
            o += sizeof fffd;
            i++;
            continue;
        }
        memcpy(buf + o, text + i, k);
        o += k;
        i += k;
    }
    buf[o] = '\0';
    *out = buf;
    *outlen = o;
    return FOUINE_OK;
}
