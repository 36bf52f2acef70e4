/*
** word.c: one word of the French analyzer normalized, folded and stemmed
** (steps 3 to 5 of analyzer.c), utf8proc's results for Latin characters
** memoized, Snowball French corrected by a small table; and, for the
** tests, the stem of the first word of a text (fouine_analyzer_stem()).
*/
#include "analyzer_int.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

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
        size_t k = fouine_utf8_decode(src, n, i, &cp);
        if (cp < 0x80 && cp >= 0) {
            if (o + 1 > cap) {
                return -1;
            }
            dst[o++] = fouine_ascii_lower((char)cp);
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
    nn = fouine_scan_clean(raw, n, buf);
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

int fouine_word_analyze(fouine_analyzer *an,
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

void fouine_word_init(fouine_analyzer *an)
{
    size_t k;
    int c;
    for (k = 0; k < sizeof stem_fixes / sizeof stem_fixes[0]; k++) {
        const char *w = stem_fixes[k].word;
        unsigned bit = fix_bit(w, strlen(w));
        an->fix_filter[bit >> 6] |= (uint64_t)1 << (bit & 63);
    }
    for (c = 0; c < MEMO_LIMIT; c++) {
        an->norm[c].len = an->fold[c].len = MEMO_UNSET;
    }
}

int fouine_analyzer_stem(char *out,
                         size_t size,
                         size_t *outlen,
                         fouine_analyzer *an,
                         const char *word,
                         size_t len)
{
    char buf[FOUINE_MAX_RAW],
        fast[FOUINE_MAX_RAW]; /* see fouine_word_analyze() */
    utf8proc_uint8_t *norm = NULL;
    const char *nw, *stem;
    size_t end, apos, aposlen, skip = 0, nn, ns;
    int plain, nostem, rc = FOUINE_EINVAL;

    *outlen = 0;
    if (len == 0 || size == 0) {
        goto done;
    }
    end = fouine_scan_word(an, word, len, 0, &apos, &aposlen, &plain);
    if (end == 0) {
        goto done;
    }
    if (aposlen > 0 && fouine_is_elision(word, apos)) {
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
