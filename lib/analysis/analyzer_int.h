/*
** analyzer_int.h: what the files of the French analyzer share (analyzer.c
** the handle and its runs, scan.c the characters and the word boundaries,
** word.c the normalizing, folding and stemming of one word, cache.c the
** word cache); not part of the library's interface.  The helpers of the
** hot paths that several of them use are static inline here.
*/
#ifndef FOUINE_ANALYZER_INT_H
#define FOUINE_ANALYZER_INT_H

#include "analysis.h"

#include <stdint.h>
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
    CC_COMMA,  /* may be a decimal comma */
    CC_MULTI   /* in the byte table: the first byte of a longer character */
};

#define CACHE_LINE 64               /* bytes of one entry */
#define CACHE_DATA (CACHE_LINE - 9) /* bytes of a word and its tokens */
#define TOKEN_BUF  (4 * FOUINE_MAX_WORD + 8)
#define MEMO_LIMIT 0x250 /* characters below: Latin, memoized */
#define MEMO_UNSET 0xFF  /* char_memo.len of an entry not computed */
#define MEMO_NONE  0xFE  /* char_memo.len: too long, no fast path */

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
    uint32_t hash;         /* fouine_cache_hash() of the key; 0: empty */
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
    unsigned char latin[MEMO_LIMIT]; /* char_class() of each character
                                ** (scan.c) */
    uint64_t fix_filter[16];    /* bits of fix_bit() of the stem_fixes words
                                ** (word.c) */
    char_memo norm[MEMO_LIMIT]; /* NFKC + case folding of each character */
    char_memo fold[MEMO_LIMIT]; /* accents stripped, œ æ expanded */
};

/* A word found by the splitter, waiting for its turn to be emitted. */
typedef struct pending_word {
    size_t start;  /* its first byte in the text, elided article included */
    size_t end;    /* just past its last byte */
    size_t skip;   /* bytes of elided article at start */
    int plain;     /* see fouine_scan_word() */
    int mode;      /* the run's mode */
    uint32_t hash; /* hash of its bytes after the elided article, when it
                      can be cached */
    int direct;    /* its token is emitted without the cache (see
                      emit_direct(), analyzer.c) */
} pending_word;

/*
** Bytes: scan.c, word.c, cache.c and analyzer.c.
*/

/* The byte c, lowercased when it is an ASCII capital. */
static inline char fouine_ascii_lower(char c)
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
static inline uint64_t fouine_ascii_lower8(uint64_t x)
{
    uint64_t low7 = x & (0x7F * ONES8);
    uint64_t ge_a = low7 + (0x80 - 'A') * ONES8;     /* high bit: >= 'A' */
    uint64_t gt_z = low7 + (0x80 - 'Z' - 1) * ONES8; /* high bit: > 'Z' */
    uint64_t upper = (ge_a ^ gt_z) & ~x & (0x80 * ONES8);
    return x | (upper >> 2);
}

/*
** The first r (1 to 8) bytes at s in the low bytes of a word, the others
** zero; avail bytes are readable from s.
*/
static inline uint64_t fouine_load_tail(const char *s, size_t r, size_t avail)
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
** Interface to code in scan.c.
*/

/* Fill the class tables of an (ascii, latin). */
void fouine_scan_init(fouine_analyzer *an);

/*
** Decode the character at text[i] (i < len).  Sets *cp (-1 for an invalid
** byte) and returns its length in bytes, at least 1.
*/
size_t fouine_utf8_decode(const char *text,
                          size_t len,
                          size_t i,
                          utf8proc_int32_t *cp);

/*
** Copy the word text[0..n) into out, dropping ignorables and group
** separators and writing every apostrophe as "'".  out has room for n bytes.
** Returns the length written.
*/
size_t fouine_scan_clean(const char *text, size_t n, char *out);

/*
** Find the end of the word that starts at text[start] (a letter or digit).
** Sets *apos to the offset of its first apostrophe and *aposlen to that
** apostrophe's length (0 when none), and *plain to 0 when the word holds
** anything but ASCII letters, digits and "'" (ignorables, other
** apostrophes, group separators).  Returns the end offset.
*/
size_t fouine_scan_word(const fouine_analyzer *an,
                        const char *text,
                        size_t len,
                        size_t start,
                        size_t *apos,
                        size_t *aposlen,
                        int *plain);

/* Whether the ASCII bytes text[0..n) are an elided article. */
int fouine_is_elision(const char *text, size_t n);

/*
** Find the next word at or after text[i]: fill p's start, end, skip and
** plain and return 1, or return 0 at the end of the text.
*/
int fouine_scan_find(const fouine_analyzer *an,
                     const char *text,
                     size_t len,
                     size_t i,
                     pending_word *p);

/*
** Interface to code in word.c.
*/

/* Fill the tables of an for the words: the memos of characters (not
** computed yet), the filter of the stem corrections. */
void fouine_word_init(fouine_analyzer *an);

/*
** Analyze one word (elision already found): normalize, fold and stem
** raw[0..n) into b, and point w at it.  Returns FOUINE_OK or
** FOUINE_ENOMEM.
*/
FOUINE_WUR int fouine_word_analyze(fouine_analyzer *an,
                                   const char *raw,
                                   size_t n,
                                   int plain,
                                   word_buf *b,
                                   word_view *w);

/*
** Interface to code in cache.c.
*/

/*
** The cache key's hash: the word's bytes with ASCII capitals lowercased,
** eight at a time, mixed by multiplication; never 0 (which marks an empty
** cache slot).  avail bytes are readable from s (n at least).
*/
static inline uint32_t fouine_cache_hash(const char *s, size_t n, size_t avail)
{
    uint64_t h = 0x9E3779B97F4A7C15u ^ n;
    size_t j;
    for (j = 0; j < n; j += 8) {
        size_t r = n - j < 8 ? n - j : 8;
        h = (h ^ fouine_ascii_lower8(fouine_load_tail(s + j, r, avail - j))) *
            0xFF51AFD7ED558CCDu;
        h ^= h >> 32;
    }
    h *= 0xC4CEB9FE1A85EC53u;
    h ^= h >> 29;
    return (uint32_t)h ? (uint32_t)h : 1u;
}

/* Point w at the cached entry s. */
static inline void fouine_cache_view(const cache_slot *s, word_view *w)
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
static inline int fouine_cache_key_equal(const char *k,
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
            if (x != fouine_ascii_lower8(y)) {
                return 0;
            }
        }
#if FOUINE_SWAR
        if (j < n) {
            memcpy(&x, k + j, 8);
            memcpy(&y, t + j, 8);
            return ((x ^ fouine_ascii_lower8(y)) &
                    (((uint64_t)1 << (8 * (n - j))) - 1)) == 0;
        }
        return 1;
#endif
    }
    for (; j < n; j++) {
        if (k[j] != fouine_ascii_lower(t[j])) {
            return 0;
        }
    }
    return 1;
}

/*
** Look up the text word key[0..nkey) of hash h (avail bytes readable from
** key); on a hit point w at the entry and return 1, else return 0.
*/
static inline int fouine_cache_get(const fouine_analyzer *an,
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
            fouine_cache_key_equal(s->data, key, nkey, avail)) {
            fouine_cache_view(s, w);
            return 1;
        }
        i = (i + 1) & an->mask;
    }
}

/*
** The cache on first use: a small one, so that an analyzer that reads a
** few queries takes little memory.  It grows into the large one when it
** fills (see fouine_cache_put()).
*/
FOUINE_WUR int fouine_cache_init(fouine_analyzer *an);

/* Store w under key when it fits, and point w at the stored copy.  Words
** that give no token are not stored. */
void fouine_cache_put(fouine_analyzer *an,
                      const char *key,
                      size_t nkey,
                      uint32_t h,
                      word_view *w);

/* Release the cache. */
void fouine_cache_free(fouine_analyzer *an);

#endif /* FOUINE_ANALYZER_INT_H */
