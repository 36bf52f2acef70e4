/*
** scan.c: the characters and the word boundaries of the French analyzer
** (steps 1 and 2 of analyzer.c): the class of each character, the end of a
** word, its elided article.
*/
#include "analyzer_int.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

/*
** Elided articles and conjunctions, lowercase ASCII.  A word that starts with
** one of these followed by an apostrophe loses it.
*/
#define ELISION(s)       \
    {                    \
        s, sizeof(s) - 1 \
    }
static const struct {
    const char *word; /* the article or conjunction */
    size_t len;       /* its length */
} elisions[] = { ELISION("l"),     ELISION("d"),      ELISION("j"),
                 ELISION("m"),     ELISION("n"),      ELISION("s"),
                 ELISION("t"),     ELISION("c"),      ELISION("qu"),
                 ELISION("jusqu"), ELISION("lorsqu"), ELISION("puisqu"),
                 ELISION("quoiqu") };

/* The high bit of each of eight bytes that is an ASCII letter. */
static inline uint64_t ascii_letters8(uint64_t x)
{
    uint64_t low7 = (x | 0x20 * ONES8) & (0x7F * ONES8);
    uint64_t ge_a = low7 + (0x80 - 'a') * ONES8;
    uint64_t gt_z = low7 + (0x80 - 'z' - 1) * ONES8;
    return (ge_a ^ gt_z) & ~x & (0x80 * ONES8);
}

static int char_class(utf8proc_int32_t cp)
{
    if (cp < 0) {
        return CC_SEP;
    }
    if (cp < 0x80) {
        if (cp >= '0' && cp <= '9') {
            return CC_DIGIT;
        }
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
            return CC_LETTER;
        }
        if (cp == '\'') {
            return CC_APOS;
        }
        if (cp == ' ') {
            return CC_GROUP;
        }
        if (cp == ',') {
            return CC_COMMA;
        }
        return CC_SEP;
    }
    switch (cp) {
    case 0x2019: /* right single quotation mark */
    case 0x2018: /* left single quotation mark */
    case 0x201B: /* single high-reversed-9 quotation mark */
    case 0x02BC: /* modifier letter apostrophe */
    case 0xFF07: /* fullwidth apostrophe */
        return CC_APOS;
    case 0x00AD: /* soft hyphen */
    case 0x200B: /* zero width space */
    case 0x200C: /* zero width non-joiner */
    case 0x200D: /* zero width joiner */
    case 0x2060: /* word joiner */
    case 0xFEFF: /* zero width no-break space */
        return CC_IGNORE;
    case 0x00A0: /* no-break space */
    case 0x202F: /* narrow no-break space */
        return CC_GROUP;
    default:
        break;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return CC_LETTER;
    case UTF8PROC_CATEGORY_ND:
        return CC_DIGIT;
    default:
        return CC_SEP;
    }
}

/* The UTF-8 decoder: see fouine_utf8_decode(). */
static size_t decode(const char *text,
                     size_t len,
                     size_t i,
                     utf8proc_int32_t *cp)
{
    const unsigned char c = (unsigned char)text[i];
    utf8proc_ssize_t n;
    size_t avail = len - i;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    /* Two- and three-byte sequences, most of French text beyond ASCII,
    ** decoded here; the checks are those of utf8proc_iterate(). */
    if (c >= 0xC2 && c <= 0xDF && avail >= 2 &&
        ((unsigned char)text[i + 1] & 0xC0) == 0x80) {
        *cp = ((utf8proc_int32_t)(c & 0x1F) << 6) |
              ((unsigned char)text[i + 1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF && avail >= 3) {
        const unsigned char c1 = (unsigned char)text[i + 1];
        const unsigned char c2 = (unsigned char)text[i + 2];
        if ((c1 & 0xC0) == 0x80 && (c2 & 0xC0) == 0x80 &&
            (c != 0xE0 || c1 >= 0xA0) && (c != 0xED || c1 < 0xA0)) {
            *cp = ((utf8proc_int32_t)(c & 0x0F) << 12) |
                  ((utf8proc_int32_t)(c1 & 0x3F) << 6) | (c2 & 0x3F);
            return 3;
        }
    }
    if (avail > 4) {
        avail = 4;
    }
    n = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
                         (utf8proc_ssize_t)avail, cp);
    if (n <= 0) {
        *cp = -1;
        return 1;
    }
    return (size_t)n;
}

/* decode() for word.c.  The code of scan.c calls decode() itself: the
** compiler may inline a static function where that pays, not a global
** one in position-independent code (another definition could take its
** place). */
size_t fouine_utf8_decode(const char *text,
                          size_t len,
                          size_t i,
                          utf8proc_int32_t *cp)
{
    return decode(text, len, i, cp);
}

/*
** Class of the character at text[i], or CC_SEP past the end; sets *n to
** its length in bytes (0 past the end).  ASCII goes through the table.
*/
static inline int class_at(const fouine_analyzer *an,
                           const char *text,
                           size_t len,
                           size_t i,
                           size_t *n)
{
    utf8proc_int32_t cp;
    unsigned char b;
    if (i >= len) {
        *n = 0;
        return CC_SEP;
    }
    b = (unsigned char)text[i];
    if (an->ascii[b] != CC_MULTI) {
        *n = 1;
        return an->ascii[b];
    }
    *n = decode(text, len, i, &cp);
    return cp >= 0 && cp < MEMO_LIMIT ? an->latin[cp] : char_class(cp);
}

/*
** Whether exactly three digits start at text[i] and no letter or digit
** follows them.
*/
static int three_digits_at(const fouine_analyzer *an,
                           const char *text,
                           size_t len,
                           size_t i)
{
    size_t n;
    int k, c;
    for (k = 0; k < 3; k++) {
        if (class_at(an, text, len, i, &n) != CC_DIGIT) {
            return 0;
        }
        i += n;
    }
    c = class_at(an, text, len, i, &n);
    return c != CC_DIGIT && c != CC_LETTER;
}

size_t fouine_scan_word(const fouine_analyzer *an,
                        const char *text,
                        size_t len,
                        size_t start,
                        size_t *apos,
                        size_t *aposlen,
                        int *plain)
{
    size_t i = start;
    size_t n = 0;
    int prev = CC_SEP;
    int only_digits = 1;
    int groups = 0;       /* digit groups joined so far */
    size_t group_len = 0; /* digits in the current group */
    int has_comma = 0;

    *apos = 0;
    *aposlen = 0;
    *plain = 1;
    while (i < len) {
        size_t next_n;
        int c, next;

        /* Fast path: runs of ASCII letters, most of French text. */
        if (an->ascii[(unsigned char)text[i]] == CC_LETTER) {
            size_t k = 8; /* letters found in the last eight bytes read */
            only_digits = 0;
            prev = CC_LETTER;
#if FOUINE_SWAR
            while (k == 8 && len - i >= 8) {
                uint64_t x, other;
                memcpy(&x, text + i, 8);
                other = ~ascii_letters8(x) & (0x80 * ONES8);
                k = other ? (size_t)__builtin_ctzll(other) >> 3 : 8;
                i += k;
            }
#endif
            if (k == 8) {
                while (i < len &&
                       an->ascii[(unsigned char)text[i]] == CC_LETTER) {
                    i++;
                }
            }
        }
        c = class_at(an, text, len, i, &n);
        if (n == 0) {
            break;
        }
        if (c == CC_LETTER) {
            only_digits = 0;
        } else if (c == CC_DIGIT) {
            group_len++;
        } else if (c == CC_IGNORE) {
            next = class_at(an, text, len, i + n, &next_n);
            if (next != CC_LETTER && next != CC_DIGIT) {
                break;
            }
            *plain = 0;
            i += n;
            continue; /* prev stays what it was */
        } else if (c == CC_APOS) {
            next = class_at(an, text, len, i + n, &next_n);
            if (prev != CC_LETTER || next != CC_LETTER) {
                break;
            }
            if (*aposlen == 0) {
                *apos = i;
                *aposlen = n;
            }
        } else if (c == CC_GROUP && only_digits && !has_comma &&
                   (groups > 0 ? group_len == 3 :
                                 group_len >= 1 && group_len <= 3) &&
                   three_digits_at(an, text, len, i + n)) {
            groups++;
            group_len = 0;
            *plain = 0;
        } else if (c == CC_COMMA && only_digits && !has_comma &&
                   class_at(an, text, len, i + n, &next_n) == CC_DIGIT) {
            has_comma = 1;
            group_len = 0;
        } else {
            break;
        }
        if (n > 1) {
            *plain = 0;
        }
        prev = c;
        i += n;
    }
    return i;
}

int fouine_is_elision(const char *text, size_t n)
{
    char low[8];
    size_t i, k;
    if (n == 0 || n >= sizeof low) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        } else if (c < 'a' || c > 'z') {
            return 0;
        }
        low[i] = c;
    }
    for (k = 0; k < sizeof elisions / sizeof elisions[0]; k++) {
        if (elisions[k].len == n && memcmp(low, elisions[k].word, n) == 0) {
            return 1;
        }
    }
    return 0;
}

size_t fouine_scan_clean(const char *text, size_t n, char *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        size_t k = decode(text, n, i, &cp);
        int c = char_class(cp);
        if (c == CC_APOS) {
            out[o++] = '\'';
        } else if (c == CC_IGNORE || c == CC_GROUP) {
            /* dropped */
        } else {
            memcpy(out + o, text + i, k);
            o += k;
        }
        i += k;
    }
    return o;
}

int fouine_scan_find(const fouine_analyzer *an,
                     const char *text,
                     size_t len,
                     size_t i,
                     pending_word *p)
{
    size_t apos, aposlen;

    while (i < len) {
        size_t n;
        int c = class_at(an, text, len, i, &n);
        if (c == CC_LETTER || c == CC_DIGIT) {
            break;
        }
        i += n;
    }
    if (i >= len) {
        return 0;
    }
    p->start = i;
    p->end = fouine_scan_word(an, text, len, i, &apos, &aposlen, &p->plain);
    p->skip = 0;
    if (aposlen > 0 && fouine_is_elision(text + i, apos - i)) {
        p->skip = apos + aposlen - i;
    }
    return 1;
}

void fouine_scan_init(fouine_analyzer *an)
{
    int c;
    for (c = 0; c < MEMO_LIMIT; c++) {
        an->latin[c] = (unsigned char)char_class(c);
    }
    for (c = 0; c < 256; c++) {
        an->ascii[c] = (unsigned char)(c < 128 ? char_class(c) : CC_MULTI);
    }
}
