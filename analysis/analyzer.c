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
**   3. normalization: NFKC and case folding (utf8proc);
**   4. surface form: accents stripped, ligatures œ and æ expanded;
**   5. stems: Snowball French on the lowercased accented word, corrected by
**      a small table, then folded like the surface form; and the stem of
**      the unaccented word.
** Steps 2 to 5 are cached per analyzer, keyed on the word's raw bytes.
*/
#include "analysis.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Character classes of the word splitter. */
enum {
    CC_SEP,    /* separates words */
    CC_LETTER, /* letter, mark, other number: part of a word */
    CC_DIGIT,  /* decimal digit */
    CC_APOS,   /* one of the apostrophes */
    CC_IGNORE, /* soft hyphen, zero-width characters: skipped in a word */
    CC_GROUP,  /* space, NBSP, narrow NBSP: may group the digits of numbers */
    CC_COMMA   /* may be a decimal comma */
};

#define CACHE_SLOTS   (1u << 17)   /* hash slots, a power of two */
#define CACHE_MAX     (1u << 16)   /* entries kept before the cache resets */
#define CACHE_ARENA   (4u << 20)   /* bytes of keys and values kept */
#define CACHE_MAX_KEY 255          /* longer raw words are not cached */
#define TOKEN_BUF     (4 * FOUINE_MAX_WORD + 8)

/* One analyzed word: what steps 2 to 5 produce. */
typedef struct fouine_word {
    size_t skip;                  /* bytes of elided article to skip */
    char surface[TOKEN_BUF];      /* folded surface form */
    size_t nsurface;              /* its length; 0: no token */
    char stem1[TOKEN_BUF];        /* folded stem of the accented word */
    size_t nstem1;                /* its length; 0: not stemmed */
    char stem2[TOKEN_BUF];        /* folded stem of the unaccented word */
    size_t nstem2;                /* its length; 0: same as stem1 */
} fouine_word;

/* A cache slot; the bytes live in the arena at off: key, surface, stems. */
typedef struct cache_slot {
    uint32_t hash;    /* FNV-1a of the key; 0 marks an empty slot */
    uint32_t off;     /* offset of the key in the arena */
    uint8_t nkey;     /* key length */
    uint8_t skip;     /* elided bytes */
    uint8_t nsurface; /* surface length */
    uint8_t nstem1;   /* stem1 length */
    uint8_t nstem2;   /* stem2 length */
} cache_slot;

struct fouine_analyzer {
    struct sb_stemmer *stemmer; /* Snowball French, UTF-8; owned */
    cache_slot *slots;          /* CACHE_SLOTS slots; owned */
    char *arena;                /* CACHE_ARENA bytes; owned */
    size_t arena_used;          /* bytes of the arena in use */
    size_t nentries;            /* entries in the cache */
};

/*
** Elided articles and conjunctions, lowercase ASCII.  A word that starts with
** one of these followed by an apostrophe loses it.
*/
static const char *const elisions[] = { "l",      "d",       "j",       "m",
                                        "n",      "s",       "t",       "c",
                                        "qu",     "jusqu",   "lorsqu",  "puisqu",
                                        "quoiqu", NULL };

/*
** Corrections to Snowball French 2.2.0: word (lowercase, accented) -> stem.
** Taken from the newer Snowball French algorithm where it fixed a
** conflation that readers notice, and from the -eux plurals it still misses.
** Sorted by strcmp() for bsearch().
*/
typedef struct stem_fix {
    const char *word; /* the lowercased, accented word */
    const char *stem; /* the stem to use instead of Snowball's */
} stem_fix;

static const stem_fix stem_fixes[] = {
    { "adieux", "adieu" },         { "aveux", "aveu" },
    { "bijoux", "bijou" },         { "cailloux", "caillou" },
    { "cheveux", "cheveu" },       { "choux", "chou" },
    { "dieux", "dieu" },           { "enjeux", "enjeu" },
    { "feux", "feu" },             { "francais", "francais" },
    { "français", "français" },    { "genoux", "genou" },
    { "hiboux", "hibou" },         { "jeux", "jeu" },
    { "joujoux", "joujou" },       { "lieux", "lieu" },
    { "mauvais", "mauvais" },      { "milieux", "milieu" },
    { "neveux", "neveu" },         { "poux", "pou" },
    { "voeux", "voeu" },           { "vœux", "vœu" },
};

static int stem_fix_cmp(const void *key, const void *elem)
{
    const stem_fix *fix = elem;
    return strcmp(key, fix->word);
}

/* The corrected stem of word, or NULL when Snowball's stands. */
static const char *stem_fix_find(const char *word)
{
    const stem_fix *fix =
        bsearch(word, stem_fixes, sizeof stem_fixes / sizeof stem_fixes[0],
                sizeof stem_fixes[0], stem_fix_cmp);
    return fix ? fix->stem : NULL;
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
static size_t decode(const char *text, size_t len, size_t i,
                     utf8proc_int32_t *cp)
{
    const unsigned char c = (unsigned char)text[i];
    utf8proc_ssize_t n;
    size_t avail = len - i;

    if (c < 0x80) {
        *cp = c;
        return 1;
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

/* Class of the character at text[i], or CC_SEP past the end. */
static int class_at(const char *text, size_t len, size_t i, size_t *n)
{
    utf8proc_int32_t cp;
    if (i >= len) {
        *n = 0;
        return CC_SEP;
    }
    *n = decode(text, len, i, &cp);
    return char_class(cp);
}

/*
** Whether exactly three digits start at text[i] and no letter or digit
** follows them.
*/
static int three_digits_at(const char *text, size_t len, size_t i)
{
    size_t n;
    int k;
    for (k = 0; k < 3; k++) {
        if (class_at(text, len, i, &n) != CC_DIGIT) {
            return 0;
        }
        i += n;
    }
    int c = class_at(text, len, i, &n);
    return c != CC_DIGIT && c != CC_LETTER;
}

/*
** Find the end of the word that starts at text[start] (a letter or digit).
** Sets *apos to the offset of its first apostrophe and *naposlen to that
** apostrophe's length (0 when none) and *clean to 0 when the word holds
** anything but ASCII letters, digits and "'" (ignorables, other
** apostrophes, group separators).  Returns the end offset.
*/
static size_t scan_word(const char *text, size_t len, size_t start,
                        size_t *apos, size_t *aposlen, int *plain)
{
    size_t i = start;
    size_t n = 0;
    int prev = CC_SEP;
    int only_digits = 1;
    int groups = 0;        /* digit groups joined so far */
    size_t group_len = 0;  /* digits in the current group */
    int has_comma = 0;

    *apos = 0;
    *aposlen = 0;
    *plain = 1;
    while (i < len) {
        int c = class_at(text, len, i, &n);
        size_t next_n;
        int next;

        if (c == CC_LETTER) {
            only_digits = 0;
        } else if (c == CC_DIGIT) {
            group_len++;
        } else if (c == CC_IGNORE) {
            next = class_at(text, len, i + n, &next_n);
            if (next != CC_LETTER && next != CC_DIGIT) {
                break;
            }
            *plain = 0;
            i += n;
            continue; /* prev stays what it was */
        } else if (c == CC_APOS) {
            next = class_at(text, len, i + n, &next_n);
            if (prev != CC_LETTER || next != CC_LETTER) {
                break;
            }
            if (*aposlen == 0) {
                *apos = i;
                *aposlen = n;
            }
            if (n != 1) {
                *plain = 0;
            }
        } else if (c == CC_GROUP && only_digits && !has_comma &&
                   (groups > 0 ? group_len == 3
                               : group_len >= 1 && group_len <= 3) &&
                   three_digits_at(text, len, i + n)) {
            groups++;
            group_len = 0;
            *plain = 0;
        } else if (c == CC_COMMA && only_digits && !has_comma &&
                   class_at(text, len, i + n, &next_n) == CC_DIGIT) {
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
    size_t i;
    int k;
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
    low[n] = '\0';
    for (k = 0; elisions[k]; k++) {
        if (strcmp(low, elisions[k]) == 0) {
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

/*
** Fold src[0..n) (lowercase, NFC) into dst (TOKEN_BUF bytes): accents
** stripped, œ and æ expanded.  Returns the length, or 0 when nothing is
** left or on failure.
*/
static size_t fold(const char *src, size_t n, char *dst)
{
    utf8proc_uint8_t *tmp = NULL;
    utf8proc_ssize_t m;
    size_t i, o = 0;
    int ascii = 1;

    for (i = 0; i < n; i++) {
        if ((unsigned char)src[i] >= 0x80) {
            ascii = 0;
            break;
        }
    }
    if (ascii) {
        if (n >= TOKEN_BUF) {
            return 0;
        }
        memcpy(dst, src, n);
        return n;
    }
    m = utf8proc_map((const utf8proc_uint8_t *)src, (utf8proc_ssize_t)n, &tmp,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK);
    if (m < 0) {
        return 0;
    }
    for (i = 0; i < (size_t)m && o + 2 < TOKEN_BUF; i++) {
        unsigned char c = tmp[i];
        if (c == 0xC5 && i + 1 < (size_t)m && tmp[i + 1] == 0x93) {
            dst[o++] = 'o'; /* œ */
            dst[o++] = 'e';
            i++;
        } else if (c == 0xC3 && i + 1 < (size_t)m && tmp[i + 1] == 0xA6) {
            dst[o++] = 'a'; /* æ */
            dst[o++] = 'e';
            i++;
        } else {
            dst[o++] = (char)c;
        }
    }
    /* A cut inside a character cannot happen: TOKEN_BUF is four times the
    ** longest word, and folding never lengthens a character beyond two. */
    free(tmp);
    return o;
}

/*
** Stem word[0..n) (lowercase, NFC, accents kept or not) and fold the stem
** into dst.  Returns the stem's length; 0 on failure.
*/
static size_t stem_fold(fouine_analyzer *an, const char *word, size_t n,
                        char *dst)
{
    char key[TOKEN_BUF];
    const char *fixed;
    const sb_symbol *s;
    int sn;

    if (n >= sizeof key) {
        return 0;
    }
    memcpy(key, word, n);
    key[n] = '\0';
    fixed = stem_fix_find(key);
    if (fixed) {
        return fold(fixed, strlen(fixed), dst);
    }
    s = sb_stemmer_stem(an->stemmer, (const sb_symbol *)word, (int)n);
    if (!s) {
        return 0;
    }
    sn = sb_stemmer_length(an->stemmer);
    if (sn <= 0) {
        return 0;
    }
    return fold((const char *)s, (size_t)sn, dst);
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
** Analyze one word (elision already found): normalize, fold and stem
** raw[0..n) into w.  Returns FOUINE_OK or FOUINE_ENOMEM.
*/
static int analyze_word(fouine_analyzer *an, const char *raw, size_t n,
                        int plain, fouine_word *w)
{
    char stackbuf[TOKEN_BUF];
    char *clean = stackbuf;
    char *heap = NULL;
    utf8proc_uint8_t *norm = NULL;
    const char *nw;
    size_t nn, i;
    int has_digit = 0;
    int rc = FOUINE_OK;

    w->nsurface = w->nstem1 = w->nstem2 = 0;
    if (plain) {
        /* ASCII letters, digits and "'": lowercase in place. */
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
            clean[i] = c;
        }
        nw = clean;
        nn = n;
    } else {
        utf8proc_ssize_t m;
        if (n > sizeof stackbuf) {
            heap = malloc(n);
            if (!heap) {
                rc = FOUINE_ENOMEM;
                goto done;
            }
            clean = heap;
        }
        nn = clean_word(raw, n, clean);
        m = utf8proc_map((const utf8proc_uint8_t *)clean, (utf8proc_ssize_t)nn,
                         &norm,
                         UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                             UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
        if (m == UTF8PROC_ERROR_NOMEM) {
            rc = FOUINE_ENOMEM;
            goto done;
        }
        if (m <= 0) {
            goto done; /* nothing left of the word */
        }
        nw = (const char *)norm;
        nn = utf8_cut(nw, (size_t)m, FOUINE_MAX_WORD);
        if ((size_t)m > FOUINE_MAX_WORD) {
            has_digit = 1; /* cut: not stemmed, like numbers */
        }
        for (i = 0; i < nn && !has_digit; i++) {
            if (nw[i] >= '0' && nw[i] <= '9') {
                has_digit = 1;
            }
        }
    }
    w->nsurface = fold(nw, nn, w->surface);
    if (w->nsurface == 0 || has_digit) {
        goto done;
    }
    w->nstem1 = stem_fold(an, nw, nn, w->stem1);
    if (w->nsurface != nn || memcmp(w->surface, nw, nn) != 0) {
        /* The word had accents or ligatures: stem it without them too. */
        w->nstem2 = stem_fold(an, w->surface, w->nsurface, w->stem2);
        if (w->nstem2 == w->nstem1 &&
            memcmp(w->stem1, w->stem2, w->nstem1) == 0) {
            w->nstem2 = 0;
        }
    }
done:
    free(heap);
    free(norm);
    return rc;
}

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h ? h : 1;
}

static void cache_reset(fouine_analyzer *an)
{
    memset(an->slots, 0, CACHE_SLOTS * sizeof an->slots[0]);
    an->arena_used = 0;
    an->nentries = 0;
}

/* Look up key; on a hit fill w and return 1. */
static int cache_get(fouine_analyzer *an, const char *key, size_t nkey,
                     uint32_t h, fouine_word *w)
{
    uint32_t i = h & (CACHE_SLOTS - 1);
    for (;;) {
        const cache_slot *s = &an->slots[i];
        if (s->hash == 0) {
            return 0;
        }
        if (s->hash == h && s->nkey == nkey &&
            memcmp(an->arena + s->off, key, nkey) == 0) {
            const char *p = an->arena + s->off + nkey;
            w->skip = s->skip;
            w->nsurface = s->nsurface;
            memcpy(w->surface, p, s->nsurface);
            p += s->nsurface;
            w->nstem1 = s->nstem1;
            memcpy(w->stem1, p, s->nstem1);
            p += s->nstem1;
            w->nstem2 = s->nstem2;
            memcpy(w->stem2, p, s->nstem2);
            return 1;
        }
        i = (i + 1) & (CACHE_SLOTS - 1);
    }
}

static void cache_put(fouine_analyzer *an, const char *key, size_t nkey,
                      uint32_t h, const fouine_word *w)
{
    size_t need = nkey + w->nsurface + w->nstem1 + w->nstem2;
    uint32_t i;
    char *p;

    if (nkey > CACHE_MAX_KEY || w->nsurface > 255 || w->nstem1 > 255 ||
        w->nstem2 > 255 || w->skip > 255) {
        return;
    }
    if (an->nentries >= CACHE_MAX || an->arena_used + need > CACHE_ARENA) {
        cache_reset(an);
    }
    i = h & (CACHE_SLOTS - 1);
    while (an->slots[i].hash != 0) {
        i = (i + 1) & (CACHE_SLOTS - 1);
    }
    p = an->arena + an->arena_used;
    memcpy(p, key, nkey);
    memcpy(p + nkey, w->surface, w->nsurface);
    memcpy(p + nkey + w->nsurface, w->stem1, w->nstem1);
    memcpy(p + nkey + w->nsurface + w->nstem1, w->stem2, w->nstem2);
    an->slots[i].hash = h;
    an->slots[i].off = (uint32_t)an->arena_used;
    an->slots[i].nkey = (uint8_t)nkey;
    an->slots[i].skip = (uint8_t)w->skip;
    an->slots[i].nsurface = (uint8_t)w->nsurface;
    an->slots[i].nstem1 = (uint8_t)w->nstem1;
    an->slots[i].nstem2 = (uint8_t)w->nstem2;
    an->arena_used += need;
    an->nentries++;
}

/*
** Analyze the word text[start..end): elision, then the cached steps.
*/
static int word_get(fouine_analyzer *an, const char *text, size_t start,
                    size_t end, size_t apos, size_t aposlen, int plain,
                    fouine_word *w)
{
    const char *key = text + start;
    size_t nkey = end - start;
    uint32_t h = 0;
    int rc;

    if (nkey <= CACHE_MAX_KEY) {
        h = hash_bytes(key, nkey);
        if (cache_get(an, key, nkey, h, w)) {
            return FOUINE_OK;
        }
    }
    w->skip = 0;
    if (aposlen > 0 && is_elision(text + start, apos - start)) {
        w->skip = apos + aposlen - start;
    }
    rc = analyze_word(an, text + start + w->skip, nkey - w->skip, plain, w);
    if (rc == FOUINE_OK && nkey <= CACHE_MAX_KEY) {
        cache_put(an, key, nkey, h, w);
    }
    return rc;
}

/* Emit a token, marked as a stem when mark is set. */
static int emit(fouine_token_cb cb, void *payload, int mark, const char *tok,
                size_t n, size_t start, size_t end, int flags)
{
    char buf[TOKEN_BUF + 1];
    if (!mark) {
        return cb(tok, n, start, end, flags, payload);
    }
    buf[0] = FOUINE_STEM_MARK;
    memcpy(buf + 1, tok, n);
    return cb(buf, n + 1, start, end, flags | FOUINE_TOKEN_STEM, payload);
}

/* Emit the tokens of one analyzed word.  Returns the callback's verdict. */
static int emit_word(const fouine_word *w, int mode, size_t start, size_t end,
                     fouine_token_cb cb, void *payload)
{
    int rc;
    int stem2 = w->nstem2 > 0;

    if (w->nsurface == 0) {
        return 0;
    }
    if ((mode & FOUINE_ANALYZE_QUERY) == 0) {
        rc = emit(cb, payload, 0, w->surface, w->nsurface, start, end, 0);
        if (rc == 0 && w->nstem1 > 0 &&
            (w->nstem1 != w->nsurface ||
             memcmp(w->stem1, w->surface, w->nsurface) != 0)) {
            rc = emit(cb, payload, 1, w->stem1, w->nstem1, start, end,
                      FOUINE_TOKEN_COLOCATED);
        }
        if (rc == 0 && stem2 &&
            (w->nstem2 != w->nsurface ||
             memcmp(w->stem2, w->surface, w->nsurface) != 0)) {
            rc = emit(cb, payload, 1, w->stem2, w->nstem2, start, end,
                      FOUINE_TOKEN_COLOCATED);
        }
        return rc;
    }
    if ((mode & (FOUINE_ANALYZE_PREFIX | FOUINE_ANALYZE_EXACT)) ||
        w->nstem1 == 0) {
        return emit(cb, payload, 0, w->surface, w->nsurface, start, end, 0);
    }
    /* A query word: each stem, as a stem token of words whose stem differs
    ** from their surface form, and as the surface form of words that are
    ** their own stem. */
    rc = emit(cb, payload, 1, w->stem1, w->nstem1, start, end, 0);
    if (rc == 0) {
        rc = emit(cb, payload, 0, w->stem1, w->nstem1, start, end,
                  FOUINE_TOKEN_COLOCATED | FOUINE_TOKEN_STEM);
    }
    if (rc == 0 && stem2) {
        rc = emit(cb, payload, 1, w->stem2, w->nstem2, start, end,
                  FOUINE_TOKEN_COLOCATED);
    }
    if (rc == 0 && stem2) {
        rc = emit(cb, payload, 0, w->stem2, w->nstem2, start, end,
                  FOUINE_TOKEN_COLOCATED | FOUINE_TOKEN_STEM);
    }
    return rc;
}

int fouine_analyzer_new(fouine_analyzer **out)
{
    fouine_analyzer *an = NULL;
    int rc = FOUINE_ENOMEM;

    *out = NULL;
    an = calloc(1, sizeof *an);
    if (!an) {
        goto done;
    }
    an->stemmer = sb_stemmer_new("french", NULL);
    an->slots = calloc(CACHE_SLOTS, sizeof an->slots[0]);
    an->arena = malloc(CACHE_ARENA);
    if (!an->stemmer || !an->slots || !an->arena) {
        goto done;
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
    free(an->slots);
    free(an->arena);
    free(an);
}

int fouine_analyzer_run(fouine_analyzer *an, const char *text, size_t len,
                        int mode, fouine_token_cb cb, void *payload)
{
    fouine_word w;
    size_t i = 0;
    int rc = 0;

    while (rc == 0 && i < len) {
        size_t n, end, apos, aposlen;
        int plain, wmode = mode;
        int c = class_at(text, len, i, &n);

        if (c != CC_LETTER && c != CC_DIGIT) {
            i += n;
            continue;
        }
        end = scan_word(text, len, i, &apos, &aposlen, &plain);
        if ((mode & FOUINE_ANALYZE_QUERY) && i > 0 && text[i - 1] == '=') {
            wmode |= FOUINE_ANALYZE_EXACT;
        }
        rc = word_get(an, text, i, end, apos, aposlen, plain, &w);
        if (rc == 0) {
            rc = emit_word(&w, wmode, i + w.skip, end, cb, payload);
        }
        i = end;
    }
    return rc;
}
