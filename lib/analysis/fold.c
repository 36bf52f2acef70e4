/*
** fold.c: folding whole texts as the analyzer folds words (see
** fouine/analyzer.h): for comparisons outside the index (categories, the
** forms of the lexicon, snippets); and UTF-8 repair, for the texts of
** articles and of queries alike.
*/
#ifdef FOUINE_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif

#include "analysis.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "fouine/alloc.h"

size_t fouine_expand_ligatures(const unsigned char *src,
                               size_t n,
                               char *dst,
                               size_t cap)
{
    size_t i, o = 0;
    for (i = 0; i < n && o + 2 < cap; i++) {
        unsigned char c = src[i];
        if (c == 0xC5 && i + 1 < n && src[i + 1] == 0x93) {
            dst[o++] = 'o'; /* œ */
            dst[o++] = 'e';
            i++;
        } else if (c == 0xC3 && i + 1 < n && src[i + 1] == 0xA6) {
            dst[o++] = 'a'; /* æ */
            dst[o++] = 'e';
            i++;
        } else {
            dst[o++] = (char)c;
        }
    }
    return o;
}

/* Map text with utf8proc options into a new string (fouine_free()); with
** ligatures, œ and æ expanded too. */
static int map_text(char **out,
                    const char *text,
                    size_t len,
                    utf8proc_option_t options,
                    int ligatures)
{
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n;
    char *copy;
    size_t k;

    *out = NULL;
    if (len > (size_t)0x3fffffff) {
        return FOUINE_EINVAL;
    }
    n = utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len,
                     &mapped, options);
    if (n == UTF8PROC_ERROR_NOMEM) {
        return FOUINE_ENOMEM;
    }
    if (n < 0) {
        /* Invalid UTF-8: compare the bytes as they are. */
        copy = fouine_malloc(len + 1);
        if (!copy) {
            return FOUINE_ENOMEM;
        }
        memcpy(copy, text, len);
        copy[len] = '\0';
        *out = copy;
        return FOUINE_OK;
    }
    /* Ligatures give 2 bytes for 2: room for the same length. */
    copy = fouine_malloc((size_t)n + 3);
    if (copy) {
        k = ligatures ? fouine_expand_ligatures(mapped, (size_t)n, copy,
                                                (size_t)n + 3) :
                        (size_t)n;
        if (!ligatures) {
            memcpy(copy, mapped, (size_t)n);
        }
        copy[k] = '\0';
    }
    free(mapped); /* utf8proc_map()'s: not ours */
    if (!copy) {
        return FOUINE_ENOMEM;
    }
    *out = copy;
    return FOUINE_OK;
}

int fouine_fold(char **out, const char *text, size_t len)
{
    return map_text(out, text, len,
                    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                        UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                        UTF8PROC_IGNORE,
                    1);
}

int fouine_lower(char **out, const char *text, size_t len)
{
    return map_text(out, text, len,
                    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                        UTF8PROC_IGNORE,
                    0);
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
