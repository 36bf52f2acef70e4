/*
** analyzer.c: the French analyzer (see fouine/analyzer.h for the contract).
**
** The pipeline for one word:
**   1. word splitting on the original bytes: letters, marks and digits make
**      words; an apostrophe between two letters joins them; soft hyphens and
**      zero-width characters inside a word are skipped; digit groups
**      separated by a space, NBSP or narrow NBSP form one number, and a
**      decimal comma stays inside a number;
**   2. elision: "l'", "d'", "qu'", "jusqu'"... in front of a word are dropped
**      and the token's offsets start after the apostrophe;
**   3. normalization: NFKC and case folding (utf8proc): the token;
**   4. fold: accents stripped, ligatures œ and æ expanded;
**   5. stem: Snowball French on the token, corrected by a small table, then
**      folded like the fold.
** Steps 3 to 5 are cached per analyzer, keyed on the word's bytes after the
** elided article with ASCII capitals lowercased; an entry is one 64-byte
** line holding the key and the three forms (the token and the fold only
** when they differ from what precedes them), so that a word found in the
** cache is emitted without any copy.  The splitter finds the words a few
** ahead of the one being emitted and prefetches their entries.  When only
** the tokens are wanted and no watch is told of the words, a word of ASCII
** letters, digits, "'" and "," (most of French text) is its own token once
** lowercased: it is emitted without the cache (emit_direct()).
** utf8proc's results for Latin characters (class, NFKC + case folding,
** accent stripping) are memoized per analyzer, so most new words need no
** allocation.
*/
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */

#include "analysis.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <utf8proc.h>

#include "fouine/alloc.h"

/* Character classes of the word splitter. */
enum {
    CC_SEP,    /* separates words */
    CC_LETTER, /* letter, mark, other number: part of a word */
    CC_DIGIT,  /* decimal digit */
    CC_APOS,   /* one of the apostrophes */
    CC_IGNORE, /* soft hyphen, zero-width characters: skipped in a word */
    CC_GROUP,  /* space, NBSP, narrow NBSP: may group the digits of numbers */
    CC_COMMA,  /* may be a decimal comma */
    CC_MULTI   /* in the byte table: the first byte of a longer character */
};

#define CACHE_SMALL    (1u << 12)       /* entries of the first cache */
#define CACHE_SLOTS    (1u << 18)       /* entries of the cache it grows into */
#define CACHE_LINE     64               /* bytes of one entry */
#define CACHE_DATA     (CACHE_LINE - 9) /* bytes of a word and its tokens */
#define TOKEN_BUF      (4 * FOUINE_MAX_WORD + 8)
#define MEMO_LIMIT     0x250 /* characters below: Latin, memoized */
#define MEMO_UNSET     0xFF  /* char_memo.len of an entry not computed */
#define MEMO_NONE      0xFE  /* char_memo.len: too long, no fast path */
#define PREFETCH_WORDS 16 /* words found ahead, their cache slots prefetched */

/* One word analyzed by steps 2 to 5, in buffers of its own. */
typedef struct word_buf {
    char token[FOUINE_MAX_WORD + 1]; /* the index form (step 3) */
    char fold[TOKEN_BUF];            /* folded (step 4) */
    char stem[TOKEN_BUF];            /* folded corrected stem (step 5) */
} word_buf;

/*
** An analyzed word as emitted: pointers into the cache or into a word_buf,
** valid until the next word is analyzed.
*/
typedef struct word_view {
    const char *token; /* the index form: lowercase, accents kept */
    size_t ntoken;     /* its length; 0: no token */
    const char *fold;  /* accents stripped, ligatures expanded */
    size_t nfold;      /* its length */
    const char *stem;  /* folded stem */
    size_t nstem;      /* its length; 0: not stemmed */
} word_view;

/*
** A cache entry: one cache line holding the raw word and its forms, so
** that a lookup touches one line of memory.  The token is stored only when
** it differs from the key, the fold only when it differs from the token.
** Words whose forms do not fit are not cached.
*/
typedef struct cache_slot {
    uint32_t hash;         /* FNV-1a of the key; 0 marks an empty slot */
    uint8_t nkey;          /* key length */
    uint8_t ntoken;        /* token length; 0: the token is the key */
    uint8_t nfold;         /* fold length; 0: the fold is the token */
    uint8_t nstem;         /* stem length; 0: not stemmed */
    uint8_t unused;        /* padding */
    char data[CACHE_DATA]; /* key, token, fold, stem */
} cache_slot;

_Static_assert(sizeof(cache_slot) == CACHE_LINE, "one entry, one line");

/*
** What utf8proc makes of one Latin character, memoized: a word made of
** characters below MEMO_LIMIT without combining marks maps character by
** character to what utf8proc_map() gives the whole word.
*/
typedef struct char_memo {
    unsigned char len; /* bytes; MEMO_UNSET or MEMO_NONE */
    char bytes[7];     /* the mapped character(s), UTF-8 */
} char_memo;

struct fouine_analyzer {
    struct sb_stemmer *stemmer; /* Snowball French, UTF-8; owned */
    fouine_word_cb watch;       /* told of each word analyzed, or NULL */
    void *watch_payload;        /* its payload; not owned */
    void *cache_mem;            /* the cache allocation, NULL until the
                                ** first word; owned */
    size_t cache_size;          /* its size in bytes */
    int cache_mapped;           /* cache_mem comes from mmap(), not the heap */
    cache_slot *slots;          /* the slots, aligned in cache_mem */
    uint32_t mask;              /* slots - 1 (a power of two, minus one) */
    size_t nentries;            /* entries in the cache */
    unsigned char ascii[256];   /* class of each ASCII character;
                                ** CC_MULTI for the other bytes */
    unsigned char latin[MEMO_LIMIT]; /* char_class() of each character */
    uint64_t fix_filter[16];    /* bits of fix_bit() of the stem_fixes words */
    char_memo norm[MEMO_LIMIT]; /* NFKC + case folding of each character */
    char_memo fold[MEMO_LIMIT]; /* accents stripped, œ æ expanded */
};

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

/*
** Corrections to Snowball French 2.2.0: word (lowercase, accented or not)
** -> stem.  Each fixes a conflation or a split that readers notice:
**   - "français" and "mauvais" lose their "ais" ending, which makes them
**     meet "franc" and "mauve"; "française(s)" and "mauvaise(s)" stem to
**     "français" and "mauvais", so those are kept whole.  So are "palais",
**     "calais", "beauvais", "malais" and "niais" (not "pal", "cal"...), as
**     the newer Snowball French algorithm does; and "france" and the name
**     "francis", which Snowball stems to "franc" (the currency);
**   - "nier" and its forms all stem to "ni", the conjunction; they stem to
**     "nie" here;
**   - plurals in -oux and -eux are left whole by Snowball 2.2.0 and miss
**     their singulars ("bijoux"/"bijou", "jeux"/"jeu"): the newer algorithm
**     drops the x of -oux; the common -eux nouns are listed too.
** Sorted by strcmp() (UTF-8 bytes) for bsearch().
*/
typedef struct stem_fix {
    const char *word; /* the lowercased word */
    const char *stem; /* the stem to use instead of Snowball's */
} stem_fix;

static const stem_fix stem_fixes[] = {
    { "adieux", "adieu" },      { "aveux", "aveu" },
    { "beauvais", "beauvais" }, { "bijoux", "bijou" },
    { "cailloux", "caillou" },  { "calais", "calais" },
    { "cheveux", "cheveu" },    { "choux", "chou" },
    { "dieux", "dieu" },        { "enjeux", "enjeu" },
    { "epoux", "epou" },        { "feux", "feu" },
    { "francais", "francais" }, { "france", "france" },
    { "francis", "francis" },   { "français", "français" },
    { "genoux", "genou" },      { "hiboux", "hibou" },
    { "jaloux", "jalou" },      { "jeux", "jeu" },
    { "joujoux", "joujou" },    { "lieux", "lieu" },
    { "malais", "malais" },     { "mauvais", "mauvais" },
    { "milieux", "milieu" },    { "neveux", "neveu" },
    { "niais", "niais" },       { "nie", "nie" },
    { "niee", "nie" },          { "niees", "nie" },
    { "nier", "nie" },          { "nies", "nie" },
    { "nié", "nie" },           { "niée", "nie" },
    { "niées", "nie" },         { "niés", "nie" },
    { "palais", "palais" },     { "poux", "pou" },
    { "voeux", "voeu" },        { "vœux", "vœu" },
    { "époux", "épou" },
};

static int stem_fix_cmp(const void *key, const void *elem)
{
    const stem_fix *fix = elem;
    return strcmp(key, fix->word);
}

/* The corrected stem of word (NUL-terminated), or NULL when Snowball's
** stands. */
static const char *stem_fix_find(const char *word)
{
    const stem_fix *fix =
        bsearch(word, stem_fixes, sizeof stem_fixes / sizeof stem_fixes[0],
                sizeof stem_fixes[0], stem_fix_cmp);
    return fix ? fix->stem : NULL;
}

/* The byte c, lowercased when it is an ASCII capital. */
static inline char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Little-endian machines with GCC or clang builtins read words eight
** bytes at a time; others byte by byte. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FOUINE_SWAR 1
#else
#define FOUINE_SWAR 0
#endif

#define ONES8 0x0101010101010101u /* one in each byte */

/* Eight bytes with their ASCII capitals lowercased (others unchanged). */
static inline uint64_t ascii_lower8(uint64_t x)
{
    uint64_t low7 = x & (0x7F * ONES8);
    uint64_t ge_a = low7 + (0x80 - 'A') * ONES8;     /* high bit: >= 'A' */
    uint64_t gt_z = low7 + (0x80 - 'Z' - 1) * ONES8; /* high bit: > 'Z' */
    uint64_t upper = (ge_a ^ gt_z) & ~x & (0x80 * ONES8);
    return x | (upper >> 2);
}

/* The high bit of each of eight bytes that is an ASCII letter. */
static inline uint64_t ascii_letters8(uint64_t x)
{
    uint64_t low7 = (x | 0x20 * ONES8) & (0x7F * ONES8);
    uint64_t ge_a = low7 + (0x80 - 'a') * ONES8;
    uint64_t gt_z = low7 + (0x80 - 'z' - 1) * ONES8;
    return (ge_a ^ gt_z) & ~x & (0x80 * ONES8);
}

/*
** The first r (1 to 8) bytes at s in the low bytes of a word, the others
** zero; avail bytes are readable from s.
*/
static inline uint64_t load_tail(const char *s, size_t r, size_t avail)
{
    uint64_t x = 0;
#if FOUINE_SWAR
    if (avail >= 8) {
        memcpy(&x, s, 8);
        return r == 8 ? x : x & (((uint64_t)1 << (8 * r)) - 1);
    }
#endif
    (void)avail;
    memcpy(&x, s, r);
    return x;
}

/*
** The cache key's hash: the word's bytes with ASCII capitals lowercased,
** eight at a time, mixed by multiplication; never 0 (which marks an empty
** cache slot).  avail bytes are readable from s (n at least).
*/
static inline uint32_t hash_word(const char *s, size_t n, size_t avail)
{
    uint64_t h = 0x9E3779B97F4A7C15u ^ n;
    size_t j;
    for (j = 0; j < n; j += 8) {
        size_t r = n - j < 8 ? n - j : 8;
        h = (h ^ ascii_lower8(load_tail(s + j, r, avail - j))) *
            0xFF51AFD7ED558CCDu;
        h ^= h >> 32;
    }
    h *= 0xC4CEB9FE1A85EC53u;
    h ^= h >> 29;
    return (uint32_t)h ? (uint32_t)h : 1u;
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

/*
** Decode the character at text[i] (i < len).  Sets *cp (-1 for an invalid
** byte) and returns its length in bytes, at least 1.
*/
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

/*
** Find the end of the word that starts at text[start] (a letter or digit).
** Sets *apos to the offset of its first apostrophe and *aposlen to that
** apostrophe's length (0 when none), and *plain to 0 when the word holds
** anything but ASCII letters, digits and "'" (ignorables, other
** apostrophes, group separators).  Returns the end offset.
*/
static size_t scan_word(const fouine_analyzer *an,
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

/* Whether the ASCII bytes text[0..n) are an elided article. */
static int is_elision(const char *text, size_t n)
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

/*
** Copy the word text[0..n) into out, dropping ignorables and group
** separators and writing every apostrophe as "'".  out has room for n bytes.
** Returns the length written.
*/
static size_t clean_word(const char *text, size_t n, char *out)
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

/* Map src[0..n) with utf8proc options into a new buffer (utf8proc's: free()).
** Returns its length, or a negative utf8proc error. */
static utf8proc_ssize_t map_utf8(const char *src,
                                 size_t n,
                                 int options,
                                 utf8proc_uint8_t **out)
{
    return utf8proc_map((const utf8proc_uint8_t *)src, (utf8proc_ssize_t)n, out,
                        (utf8proc_option_t)(UTF8PROC_STABLE | options));
}

#define NORM_OPTIONS \
    (UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)
#define FOLD_OPTIONS (UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK)

/* The memo of character cp (< MEMO_LIMIT) for table memo, computed with
** the utf8proc options (and the ligatures expanded for fold) on first use. */
static const char_memo *memo_get(char_memo *memo,
                                 utf8proc_int32_t cp,
                                 int options)
{
    char_memo *m = &memo[cp];
    if (m->len == MEMO_UNSET) {
        utf8proc_uint8_t in[4], *out = NULL;
        utf8proc_ssize_t k = utf8proc_encode_char(cp, in);
        utf8proc_ssize_t r =
            map_utf8((const char *)in, (size_t)k, options, &out);
        m->len = MEMO_NONE;
        if (r >= 0) {
            char tmp[32];
            size_t t = (size_t)r;
            if (options == FOLD_OPTIONS) {
                t = fouine_expand_ligatures(out, t, tmp, sizeof tmp);
            } else if (t <= sizeof tmp) {
                memcpy(tmp, out, t);
            }
            if (t <= sizeof m->bytes) {
                memcpy(m->bytes, tmp, t);
                m->len = (unsigned char)t;
            }
        }
        free(out); /* utf8proc_map()'s: not ours */
    }
    return m;
}

/*
** Map src[0..n) character by character through memo into dst (room for
** cap bytes): ASCII letters are lowercased, other characters below
** MEMO_LIMIT take their memo.  Returns the length, or -1 when the word
** holds another character (a combining mark, say) or does not fit: the
** caller then maps the whole word with utf8proc.
*/
static long memo_map(char_memo *memo,
                     int options,
                     const char *src,
                     size_t n,
                     char *dst,
                     size_t cap)
{
    size_t i = 0, o = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        const char_memo *m;
        size_t k = decode(src, n, i, &cp);
        if (cp < 0x80 && cp >= 0) {
            if (o + 1 > cap) {
                return -1;
            }
            dst[o++] = ascii_lower((char)cp);
            i += k;
            continue;
        }
        if (cp < 0 || cp >= MEMO_LIMIT) {
            return -1;
        }
        m = memo_get(memo, cp, options);
        if (m->len == MEMO_NONE || o + m->len > cap) {
            return -1;
        }
        memcpy(dst + o, m->bytes, m->len);
        o += m->len;
        i += k;
    }
    return (long)o;
}

/*
** Fold src[0..n) (lowercase, NFC) into dst (TOKEN_BUF bytes): accents
** stripped, œ and æ expanded.  Sets *nout to the length (0 when nothing is
** left).  Returns FOUINE_OK or FOUINE_ENOMEM: a word must not lose its
** tokens, and have the loss cached, because memory ran short once.
*/
static FOUINE_WUR int fold(fouine_analyzer *an,
                           const char *src,
                           size_t n,
                           char *dst,
                           size_t *nout)
{
    utf8proc_uint8_t *tmp = NULL;
    utf8proc_ssize_t m;
    size_t i;
    long f;

    *nout = 0;
    for (i = 0; i < n; i++) {
        if ((unsigned char)src[i] >= 0x80) {
            break;
        }
    }
    if (i == n) {
        if (n < TOKEN_BUF) {
            memcpy(dst, src, n);
            *nout = n;
        }
        return FOUINE_OK;
    }
    f = memo_map(an->fold, FOLD_OPTIONS, src, n, dst, TOKEN_BUF - 1);
    if (f >= 0) {
        *nout = (size_t)f;
        return FOUINE_OK;
    }
    m = map_utf8(src, n, FOLD_OPTIONS, &tmp);
    if (m < 0) {
        return m == UTF8PROC_ERROR_NOMEM ? FOUINE_ENOMEM : FOUINE_OK;
    }
    /* A cut inside a character cannot happen: TOKEN_BUF is four times the
    ** longest word, and folding never lengthens a character beyond two. */
    *nout = fouine_expand_ligatures(tmp, (size_t)m, dst, TOKEN_BUF);
    free(tmp); /* utf8proc_map()'s: not ours */
    return FOUINE_OK;
}

/*
** A filter in front of the correction table: a bit from the length and the
** first and last bytes of a word.  Most words' bits are not set, and they
** skip the binary search.
*/
static unsigned fix_bit(const char *word, size_t n)
{
    return (unsigned)((unsigned char)word[0] * 31u +
                      (unsigned char)word[n - 1] * 7u + n) &
           1023u;
}

static int has_fix_bit(const fouine_analyzer *an, const char *word, size_t n)
{
    unsigned bit = fix_bit(word, n);
    return (an->fix_filter[bit >> 6] >> (bit & 63)) & 1;
}

/*
** The corrected Snowball stem of word[0..n) (lowercase, NFC, accents kept
** or not), before folding.  Sets *out to the stem, owned by the stemmer or
** static and valid until the next call, and *nout to its length (0: no
** stem, the word being too long or stemmed to nothing).  Returns FOUINE_OK
** or FOUINE_ENOMEM (Snowball's NULL).
*/
static FOUINE_WUR int stem_raw(fouine_analyzer *an,
                               const char *word,
                               size_t n,
                               const char **out,
                               size_t *nout)
{
    char key[TOKEN_BUF];
    const char *fixed;
    const sb_symbol *s;
    int sn;

    *out = NULL;
    *nout = 0;
    if (n >= sizeof key) {
        return FOUINE_OK;
    }
    memcpy(key, word, n);
    key[n] = '\0';
    fixed = n > 0 && has_fix_bit(an, word, n) ? stem_fix_find(key) : NULL;
    if (fixed) {
        *out = fixed;
        *nout = strlen(fixed);
        return FOUINE_OK;
    }
    /* n < TOKEN_BUF: the narrowing to Snowball's int is exact. */
    s = sb_stemmer_stem(an->stemmer, (const sb_symbol *)word, (int)n);
    if (!s) {
        return FOUINE_ENOMEM;
    }
    sn = sb_stemmer_length(an->stemmer);
    if (sn > 0) {
        *out = (const char *)s;
        *nout = (size_t)sn;
    }
    return FOUINE_OK;
}

/* Stem word[0..n) and fold the stem into dst (TOKEN_BUF bytes).  Sets
** *nout to the folded stem's length (0: no stem).  Returns FOUINE_OK or
** FOUINE_ENOMEM. */
static FOUINE_WUR int stem_fold(fouine_analyzer *an,
                                const char *word,
                                size_t n,
                                char *dst,
                                size_t *nout)
{
    const char *s;
    size_t sn;
    int rc = stem_raw(an, word, n, &s, &sn);
    *nout = 0;
    if (rc != FOUINE_OK || sn == 0) {
        return rc;
    }
    return fold(an, s, sn, dst, nout);
}

/* Cut a UTF-8 string to at most max bytes, on a character boundary. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max) {
        return n;
    }
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
        n--;
    }
    return n;
}

/*
** Normalize the word raw[0..n) (elision already dropped): lowercase, NFKC,
** cut to FOUINE_MAX_WORD bytes.  Sets *word to the result: in buf
** (FOUINE_MAX_RAW bytes) for a plain word, in fast (likewise) for a word of
** Latin characters, in *norm (utf8proc's, to be released with free())
** otherwise; *nword to its length (0: nothing left) and *nostem when the
** word must not be stemmed (digits, or cut).  Only the first
** FOUINE_MAX_RAW bytes of the word are read.
*/
static FOUINE_WUR int normalize_word(fouine_analyzer *an,
                                     const char *raw,
                                     size_t n,
                                     int plain,
                                     char *buf,
                                     char *fast,
                                     utf8proc_uint8_t **norm,
                                     const char **word,
                                     size_t *nword,
                                     int *nostem)
{
    utf8proc_ssize_t m;
    size_t i, nn;
    int has_digit = 0;

    *norm = NULL;
    *word = buf;
    *nword = 0;
    *nostem = 0;
    if (plain) {
        /* ASCII letters, digits, "'" and ",": lowercase. */
        if (n > FOUINE_MAX_WORD) {
            n = FOUINE_MAX_WORD;
            has_digit = 1; /* cut: not stemmed, like numbers */
        }
        for (i = 0; i < n; i++) {
            char c = raw[i];
            if (c >= 'A' && c <= 'Z') {
                c = (char)(c - 'A' + 'a');
            } else if (c >= '0' && c <= '9') {
                has_digit = 1;
            }
            buf[i] = c;
        }
        *nword = n;
        *nostem = has_digit;
        return FOUINE_OK;
    }
    /* Normalization costs up to the square of a run of combining marks:
    ** only the first FOUINE_MAX_RAW bytes of a word are read. */
    if (n > FOUINE_MAX_RAW) {
        has_digit = 1; /* cut: not stemmed, like numbers */
        n = utf8_cut(raw, n, FOUINE_MAX_RAW);
    }
    nn = clean_word(raw, n, buf);
    m = memo_map(an->norm, NORM_OPTIONS, buf, nn, fast, FOUINE_MAX_RAW);
    if (m >= 0) {
        *word = fast;
    } else {
        m = map_utf8(buf, nn, NORM_OPTIONS, norm);
        if (m == UTF8PROC_ERROR_NOMEM) {
            return FOUINE_ENOMEM;
        }
        *word = (const char *)*norm;
    }
    if (m <= 0) {
        return FOUINE_OK; /* nothing left of the word */
    }
    *nword = utf8_cut(*word, (size_t)m, FOUINE_MAX_WORD);
    if ((size_t)m > FOUINE_MAX_WORD) {
        has_digit = 1; /* cut: not stemmed, like numbers */
    }
    for (i = 0; i < *nword && !has_digit; i++) {
        if ((*word)[i] >= '0' && (*word)[i] <= '9') {
            has_digit = 1;
        }
    }
    *nostem = has_digit;
    return FOUINE_OK;
}

/*
** Analyze one word (elision already found): normalize, fold and stem
** raw[0..n) into b, and point w at it.  Returns FOUINE_OK or
** FOUINE_ENOMEM.
*/
static FOUINE_WUR int analyze_word(fouine_analyzer *an,
                                   const char *raw,
                                   size_t n,
                                   int plain,
                                   word_buf *b,
                                   word_view *w)
{
    char buf[FOUINE_MAX_RAW];  /* the word, cleaned, before normalization */
    char fast[FOUINE_MAX_RAW]; /* the word normalized through the memo */
    utf8proc_uint8_t *norm = NULL;
    const char *nw;
    size_t nn, ns;
    int nostem;
    int rc;

    w->token = b->token;
    w->fold = b->fold;
    w->stem = b->stem;
    w->ntoken = w->nfold = w->nstem = 0;
    rc = normalize_word(an, raw, n, plain, buf, fast, &norm, &nw, &nn, &nostem);
    if (rc != FOUINE_OK || nn == 0) {
        goto done;
    }
    rc = fold(an, nw, nn, b->fold, &ns);
    if (rc != FOUINE_OK || ns == 0) {
        goto done;
    }
    /* nn <= FOUINE_MAX_WORD (normalize_word() cuts the word). */
    memcpy(b->token, nw, nn);
    w->ntoken = nn;
    w->nfold = ns;
    if (nostem) {
        goto done;
    }
    rc = stem_fold(an, nw, nn, b->stem, &w->nstem);
done:
    free(norm); /* utf8proc_map()'s: not ours */
    return rc;
}

static void cache_reset(fouine_analyzer *an)
{
    memset(an->slots, 0, ((size_t)an->mask + 1) * sizeof an->slots[0]);
    an->nentries = 0;
}

/* Release the cache. */
static void cache_free(fouine_analyzer *an)
{
    if (!an->cache_mem) {
        return;
    }
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    if (an->cache_mapped) {
        munmap(an->cache_mem, an->cache_size);
    } else {
        fouine_free(an->cache_mem);
    }
#else
    fouine_free(an->cache_mem);
#endif
    an->cache_mem = NULL;
    an->slots = NULL;
    an->mask = 0;
    an->nentries = 0;
}

/*
** Give the analyzer an empty cache of nslots slots (a power of two), the
** old one released: zeroed pages that the system maps only when touched,
** with at least one spare line after the last slot (see key_equal()).
** The large cache is asked to be made of huge pages (Linux): a lookup
** lands anywhere in it, and with small pages most lookups would also miss
** the TLB.  Returns FOUINE_OK or FOUINE_ENOMEM (the old cache is then
** kept).
*/
static FOUINE_WUR int cache_alloc(fouine_analyzer *an, uint32_t nslots)
{
    const size_t bytes = (size_t)nslots * sizeof an->slots[0];
    size_t size = bytes + 2 * CACHE_LINE;
    void *mem = NULL;
    int mapped = 0;
    uintptr_t p;
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    const size_t huge = (size_t)2 << 20;
    if (nslots == CACHE_SLOTS) {
        size = bytes + huge;
        mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED) {
            return FOUINE_ENOMEM;
        }
        mapped = 1;
        p = ((uintptr_t)mem + huge - 1) & ~(uintptr_t)(huge - 1);
        (void)madvise((void *)p, bytes, MADV_HUGEPAGE); /* a hint only */
    }
#endif
    if (!mem) {
        mem = fouine_calloc(1, size);
        if (!mem) {
            return FOUINE_ENOMEM;
        }
    }
    cache_free(an);
    an->cache_mem = mem;
    an->cache_size = size;
    an->cache_mapped = mapped;
    p = ((uintptr_t)mem + CACHE_LINE - 1) & ~(uintptr_t)(CACHE_LINE - 1);
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    if (mapped) {
        p = ((uintptr_t)mem + huge - 1) & ~(uintptr_t)(huge - 1);
    }
#endif
    an->slots = (cache_slot *)p;
    an->mask = nslots - 1;
    return FOUINE_OK;
}

/*
** The cache on first use: a small one, so that an analyzer that reads a
** few queries takes little memory.  It grows into the large one when it
** fills (see cache_put()).
*/
static FOUINE_WUR int cache_init(fouine_analyzer *an)
{
    return an->slots ? FOUINE_OK : cache_alloc(an, CACHE_SMALL);
}

/* Point w at the cached entry s. */
static void cache_view(const cache_slot *s, word_view *w)
{
    const char *p = s->data + s->nkey;
    w->token = s->ntoken ? p : s->data;
    w->ntoken = s->ntoken ? s->ntoken : s->nkey;
    p += s->ntoken;
    w->fold = s->nfold ? p : w->token;
    w->nfold = s->nfold ? s->nfold : w->ntoken;
    p += s->nfold;
    w->stem = p;
    w->nstem = s->nstem;
}

/*
** Whether the stored key k equals the text word t of n bytes once
** lowercased.  Eight bytes at a time when the text has them (avail bytes
** from t on); k is followed by at least 8 readable bytes.
*/
static inline int key_equal(const char *k,
                            const char *t,
                            size_t n,
                            size_t avail)
{
    size_t j = 0;
    uint64_t x, y;
    if (avail >= n + 8) {
        for (; j + 8 <= n; j += 8) {
            memcpy(&x, k + j, 8);
            memcpy(&y, t + j, 8);
            if (x != ascii_lower8(y)) {
                return 0;
            }
        }
#if FOUINE_SWAR
        if (j < n) {
            memcpy(&x, k + j, 8);
            memcpy(&y, t + j, 8);
            return ((x ^ ascii_lower8(y)) &
                    (((uint64_t)1 << (8 * (n - j))) - 1)) == 0;
        }
        return 1;
#endif
    }
    for (; j < n; j++) {
        if (k[j] != ascii_lower(t[j])) {
            return 0;
        }
    }
    return 1;
}

/*
** Look up the text word key[0..nkey) of hash h (avail bytes readable from
** key); on a hit point w at the entry and return 1, else return 0.
*/
static inline int cache_get(const fouine_analyzer *an,
                            const char *key,
                            size_t nkey,
                            size_t avail,
                            uint32_t h,
                            word_view *w)
{
    uint32_t i = h & an->mask;
    for (;;) {
        const cache_slot *s = &an->slots[i];
        if (s->hash == 0) {
            return 0;
        }
        if (s->hash == h && s->nkey == nkey &&
            key_equal(s->data, key, nkey, avail)) {
            cache_view(s, w);
            return 1;
        }
        i = (i + 1) & an->mask;
    }
}

/* Store w under key when it fits, and point w at the stored copy.  Words
** that give no token are not stored. */
static void cache_put(fouine_analyzer *an,
                      const char *key,
                      size_t nkey,
                      uint32_t h,
                      word_view *w)
{
    char lower[CACHE_DATA];
    size_t nt, nf, i;
    cache_slot *s;
    uint32_t k;
    char *p;

    if (w->ntoken == 0 || nkey >= CACHE_DATA) {
        return;
    }
    for (i = 0; i < nkey; i++) {
        lower[i] = ascii_lower(key[i]);
    }
    nt =
        w->ntoken == nkey && memcmp(w->token, lower, nkey) == 0 ? 0 : w->ntoken;
    nf = w->nfold == w->ntoken && memcmp(w->fold, w->token, w->ntoken) == 0 ?
             0 :
             w->nfold;
    if (nkey + nt + nf + w->nstem > CACHE_DATA || nt > UINT8_MAX ||
        nf > UINT8_MAX || w->nstem > UINT8_MAX) {
        return;
    }
    if (an->nentries >= ((size_t)an->mask + 1) / 4 * 3) {
        /* Full: the small cache grows (its entries are dropped), the large
        ** one starts again empty. */
        if (an->mask + 1 == CACHE_SLOTS ||
            cache_alloc(an, CACHE_SLOTS) != FOUINE_OK) {
            cache_reset(an);
        }
    }
    k = h & an->mask;
    while (an->slots[k].hash != 0) {
        k = (k + 1) & an->mask;
    }
    s = &an->slots[k];
    p = s->data;
    memcpy(p, lower, nkey);
    memcpy(p + nkey, w->token, nt);
    memcpy(p + nkey + nt, w->fold, nf);
    memcpy(p + nkey + nt + nf, w->stem, w->nstem);
    s->hash = h;
    s->nkey = (uint8_t)nkey;
    s->ntoken = (uint8_t)nt;
    s->nfold = (uint8_t)nf;
    s->nstem = (uint8_t)w->nstem;
    an->nentries++;
    cache_view(s, w);
}

/*
** Analyze the word text[start..end) (its elided article already skipped):
** the cached steps.  The cache is keyed on the word's bytes with ASCII
** capitals lowercased, so "Président", "président" and "l'président" share
** an entry.  w points into the cache or into b.
*/
static FOUINE_WUR int word_get(fouine_analyzer *an,
                               const char *text,
                               size_t len,
                               size_t start,
                               size_t end,
                               int plain,
                               uint32_t h,
                               word_buf *b,
                               word_view *w)
{
    const char *key = text + start;
    size_t nkey = end - start;
    int rc;

    if (nkey < CACHE_DATA && cache_get(an, key, nkey, len - start, h, w)) {
        return FOUINE_OK;
    }
    rc = analyze_word(an, key, nkey, plain, b, w);
    if (rc == FOUINE_OK && w->ntoken > 0 && an->watch) {
        fouine_word word;
        word.token = w->token;
        word.ntoken = w->ntoken;
        word.fold = w->fold;
        word.nfold = w->nfold;
        word.stem = w->stem;
        word.nstem = w->nstem;
        rc = an->watch(&word, an->watch_payload);
    }
    if (rc == FOUINE_OK && nkey < CACHE_DATA) {
        cache_put(an, key, nkey, h, w);
    }
    return rc;
}

/* Emit the tokens of one analyzed word.  Returns the callback's verdict. */
static FOUINE_WUR int emit_word(const word_view *w,
                                int mode,
                                size_t start,
                                size_t end,
                                fouine_token_cb cb,
                                void *payload)
{
    int rc;

    if (w->ntoken == 0) {
        return 0;
    }
    rc = cb(w->token, w->ntoken, start, end, 0, payload);
    if (rc != 0 || !(mode & FOUINE_ANALYZE_WORDS)) {
        return rc;
    }
    rc = cb(w->fold, w->nfold, start, end,
            FOUINE_TOKEN_COLOCATED | FOUINE_TOKEN_FOLD, payload);
    if (rc == 0 && w->nstem > 0) {
        rc = cb(w->stem, w->nstem, start, end,
                FOUINE_TOKEN_COLOCATED | FOUINE_TOKEN_STEM, payload);
    }
    return rc;
}

void fouine_analyzer_watch(fouine_analyzer *an,
                           fouine_word_cb cb,
                           void *payload)
{
    an->watch = cb;
    an->watch_payload = payload;
}

int fouine_analyzer_new(fouine_analyzer **out)
{
    fouine_analyzer *an = NULL;
    int rc = FOUINE_ENOMEM;
    int c;

    *out = NULL;
    an = fouine_calloc(1, sizeof *an);
    if (!an) {
        goto done;
    }
    an->stemmer = sb_stemmer_new("french", NULL);
    if (!an->stemmer) {
        goto done;
    }
    for (c = 0; c < (int)(sizeof stem_fixes / sizeof stem_fixes[0]); c++) {
        const char *w = stem_fixes[c].word;
        unsigned bit = fix_bit(w, strlen(w));
        an->fix_filter[bit >> 6] |= (uint64_t)1 << (bit & 63);
    }
    for (c = 0; c < MEMO_LIMIT; c++) {
        an->norm[c].len = an->fold[c].len = MEMO_UNSET;
        an->latin[c] = (unsigned char)char_class(c);
    }
    for (c = 0; c < 256; c++) {
        an->ascii[c] = (unsigned char)(c < 128 ? char_class(c) : CC_MULTI);
    }
    *out = an;
    an = NULL;
    rc = FOUINE_OK;
done:
    fouine_analyzer_free(an);
    return rc;
}

void fouine_analyzer_free(fouine_analyzer *an)
{
    if (!an) {
        return;
    }
    sb_stemmer_delete(an->stemmer);
    cache_free(an);
    fouine_free(an);
}

/* A word found by the splitter, waiting for its turn to be emitted. */
typedef struct pending_word {
    size_t start;  /* its first byte in the text, elided article included */
    size_t end;    /* just past its last byte */
    size_t skip;   /* bytes of elided article at start */
    int plain;     /* see scan_word() */
    int mode;      /* the run's mode */
    uint32_t hash; /* hash of its bytes after the elided article, when it
                      can be cached */
    int direct;    /* its token is emitted without the cache (see
                      emit_direct()) */
} pending_word;

/*
** Find the next word at or after text[i]: fill p's start, end, skip and
** plain and return 1, or return 0 at the end of the text.
*/
static int find_word(const fouine_analyzer *an,
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
    p->end = scan_word(an, text, len, i, &apos, &aposlen, &p->plain);
    p->skip = 0;
    if (aposlen > 0 && is_elision(text + i, apos - i)) {
        p->skip = apos + aposlen - i;
    }
    return 1;
}

/*
** Find the next word at or after text[i]; fill p and return 1, or return 0
** at the end of the text.  The word's cache slot is prefetched, so that
** its memory arrives while the words before it are emitted.
*/
static int next_word(const fouine_analyzer *an,
                     const char *text,
                     size_t len,
                     size_t i,
                     int mode,
                     pending_word *p)
{
    size_t at;
    if (!find_word(an, text, len, i, p)) {
        return 0;
    }
    at = p->start + p->skip;
    p->mode = mode;
    p->hash = 0;
    p->direct = p->plain && !(mode & FOUINE_ANALYZE_WORDS) && !an->watch;
    if (!p->direct && p->end - at < CACHE_DATA) {
        p->hash = hash_word(text + at, p->end - at, len - at);
#if defined(__GNUC__)
        __builtin_prefetch(&an->slots[p->hash & an->mask]);
#endif
    }
    return 1;
}

/* Copy s[0..n) into dst (room for n rounded up to 8 bytes) with its ASCII
** capitals lowercased, eight bytes at a time; avail bytes are readable
** from s (n at least). */
static void lower_copy(char *dst, const char *s, size_t n, size_t avail)
{
    size_t j;
    for (j = 0; j < n; j += 8) {
        size_t r = n - j < 8 ? n - j : 8;
        uint64_t x = ascii_lower8(load_tail(s + j, r, avail - j));
        memcpy(dst + j, &x, sizeof x);
    }
}

/*
** Emit the token of a plain word (scan_word(): ASCII letters, digits, "'"
** and ",", most of French text) when only tokens are wanted and no watch
** is told of the words analyzed: the word lowercased and cut to
** FOUINE_MAX_WORD bytes, as analyze_word() makes it, without the cache,
** which is only needed for the fold and the stem (FOUINE_ANALYZE_WORDS
** and the watch) and for words beyond ASCII (normalization).
*/
static FOUINE_WUR int emit_direct(const char *text,
                                  size_t len,
                                  const pending_word *p,
                                  fouine_token_cb cb,
                                  void *payload)
{
    char low[FOUINE_MAX_WORD + 8]; /* the token */
    size_t at = p->start + p->skip;
    size_t n = p->end - at > FOUINE_MAX_WORD ? FOUINE_MAX_WORD : p->end - at;
    lower_copy(low, text + at, n, len - at);
    return cb(low, n, at, p->end, 0, payload);
}

int fouine_analyzer_run(fouine_analyzer *an,
                        const char *text,
                        size_t len,
                        int mode,
                        fouine_token_cb cb,
                        void *payload)
{
    word_buf b;
    word_view w;
    pending_word ring[PREFETCH_WORDS]; /* the next words, in order */
    size_t head = 0, count = 0, pos = 0;
    int more = 1, rc;

    rc = len > 0 ? cache_init(an) : 0;
    while (rc == 0 && more && count < PREFETCH_WORDS) {
        more = next_word(an, text, len, pos, mode, &ring[count]);
        if (more) {
            pos = ring[count++].end;
        }
    }
    while (rc == 0 && count > 0) {
        pending_word *cur = &ring[head];
        if (cur->direct) {
            rc = emit_direct(text, len, cur, cb, payload);
        } else {
            rc = word_get(an, text, len, cur->start + cur->skip, cur->end,
                          cur->plain, cur->hash, &b, &w);
            if (rc == 0) {
                rc = emit_word(&w, cur->mode, cur->start + cur->skip, cur->end,
                               cb, payload);
            }
        }
        /* The slot takes the word PREFETCH_WORDS ahead. */
        more = more && next_word(an, text, len, pos, mode, cur);
        if (more) {
            pos = cur->end;
        } else {
            count--;
        }
        head = (head + 1) % PREFETCH_WORDS;
    }
    return rc;
}

int fouine_analyzer_stem(char *out,
                         size_t size,
                         size_t *outlen,
                         fouine_analyzer *an,
                         const char *word,
                         size_t len)
{
    char buf[FOUINE_MAX_RAW], fast[FOUINE_MAX_RAW]; /* see analyze_word() */
    utf8proc_uint8_t *norm = NULL;
    const char *nw, *stem;
    size_t end, apos, aposlen, skip = 0, nn, ns;
    int plain, nostem, rc = FOUINE_EINVAL;

    *outlen = 0;
    if (len == 0 || size == 0) {
        goto done;
    }
    end = scan_word(an, word, len, 0, &apos, &aposlen, &plain);
    if (end == 0) {
        goto done;
    }
    if (aposlen > 0 && is_elision(word, apos)) {
        skip = apos + aposlen;
    }
    rc = normalize_word(an, word + skip, end - skip, plain, buf, fast, &norm,
                        &nw, &nn, &nostem);
    if (rc != FOUINE_OK) {
        goto done;
    }
    rc = FOUINE_EINVAL;
    if (nn == 0) {
        goto done;
    }
    if (nostem) {
        stem = nw;
        ns = nn;
    } else {
        rc = stem_raw(an, nw, nn, &stem, &ns);
        if (rc != FOUINE_OK) {
            goto done;
        }
        rc = FOUINE_EINVAL;
    }
    if (ns == 0 || ns >= size) {
        goto done;
    }
    memcpy(out, stem, ns);
    out[ns] = '\0';
    *outlen = ns;
    rc = FOUINE_OK;
done:
    free(norm); /* utf8proc_map()'s: not ours */
    return rc;
}
