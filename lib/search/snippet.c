/*
** snippet.c: snippets built around the best passage of a text, with every
** matched word highlighted.
**
** The text is analyzed again with the analyzer that indexed it, so a word
** is highlighted when FTS5 matched it: when its token is one of those the
** search asked for (its inflections and accent variants, see forms.c), or,
** for a text whose words the lexicon may lack, when its fold or its stem
** is the query word's; never the elided article (the analyzer's offsets
** start after "l’").  The
** passage kept is the window of the requested length holding the most
** distinct query items, then the most matches, preferring windows that
** start a sentence; it starts at a sentence or clause start (or after
** "… "), and ends at a word end (then " …") or the end of a sentence.
*/
#include "query.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fouine/alloc.h"

#define MAX_SLOTS 64 /* words of all the terms matched at once */

/* One word of a term: what marks it in a text. */
typedef struct slot {
    const char *alts; /* its tokens, "a|b|c", not NUL-terminated; the
                         term's */
    size_t len;       /* bytes of alts */
    const char *key;  /* its key (fouine_hl_term.keys), not NUL-terminated */
    size_t nkey;      /* bytes of key; 0: its tokens only */
    int prefix;       /* the key is a fold prefix: "FOLD*" */
    int term;         /* its term */
} slot;

/* A position of the document. */
typedef struct dpos {
    size_t start, end; /* bytes of the source word */
    uint64_t match;    /* slots it matches */
} dpos;

/* State of one snippet. */
typedef struct snip {
    slot *slots; /* owned */
    size_t nslots;
    dpos *pos; /* owned */
    size_t npos, cap;
    /* The forms of the word being read (copies: the analyzer's are valid
    ** only during its callbacks): token, then fold and stem, or NULL. */
    const char *token, *fold, *stem;
    size_t ntoken, nfold, nstem;
    char forms[3][4 * FOUINE_MAX_WORD + 8];
    /* The first bytes of whatever a slot matches (its tokens, its key's
    ** fold or prefix, its stems), a bit each: a word whose forms start with
    ** none of them matches no slot, and is not compared (most words). */
    uint64_t first[4];
    int failed;
} snip;

/* The length of the part of a list in [p, end) that p starts, cut by
** sep, in *n. */
static void next_part(const char *p, const char *end, char sep, size_t *n)
{
    const char *q = memchr(p, sep, (size_t)(end - p));
    *n = q ? (size_t)(q - p) : (size_t)(end - p);
}

/* Add to s->first the first byte of each part of the list [p, end), cut
** by sep; every byte when a part is empty (it matches any start). */
static void add_firsts(snip *s, const char *p, const char *end, char sep)
{
    while (p < end) {
        size_t k;
        next_part(p, end, sep, &k);
        if (k == 0) {
            memset(s->first, 0xff, sizeof s->first);
            return;
        }
        s->first[(unsigned char)*p >> 6] |= 1ull << ((unsigned char)*p & 63);
        p += k + 1;
    }
}

/* Whether the n bytes at w may match a slot of s, by their first byte. */
static int may_match(const snip *s, const char *w, size_t n)
{
    unsigned char c;
    if (!w) {
        return 0;
    }
    if (n == 0) {
        return 1; /* compared: an empty part matches it */
    }
    c = (unsigned char)*w;
    return (s->first[c >> 6] >> (c & 63)) & 1;
}

/* Whether w[0..n) is one of the '|'-separated list [p, end). */
static int in_list(const char *p, const char *end, const char *w, size_t n)
{
    while (p < end) {
        size_t k;
        next_part(p, end, '|', &k);
        if (k == n && memcmp(p, w, n) == 0) {
            return 1;
        }
        p += k + 1;
    }
    return 0;
}

/* Add the slots of one term: its words are separated by spaces in tokens
** and keys.  Returns 0, or 1 when they do not fit (the term is left out:
** cut short, it would match wrongly). */
static int add_slots(snip *s, const fouine_hl_term *t, int term)
{
    const char *p = t->tokens, *k = t->keys;
    const char *pend = p + strlen(p), *kend = k + strlen(k);
    size_t before = s->nslots;
    while (p < pend) {
        size_t n, nk = 0;
        slot *sl;
        if (s->nslots >= MAX_SLOTS) {
            s->nslots = before;
            return 1;
        }
        next_part(p, pend, ' ', &n);
        if (k < kend) {
            next_part(k, kend, ' ', &nk);
        }
        sl = &s->slots[s->nslots++];
        sl->alts = p;
        sl->len = n;
        sl->key = k;
        sl->nkey = nk;
        sl->prefix = nk > 0 && k[nk - 1] == '*';
        sl->term = term;
        add_firsts(s, p, p + n, '|');
        if (nk > 0) {
            /* "FOLD*", "FOLD" or "FOLD=STEM|STEM": the fold (or prefix),
            ** then the stems. */
            const char *eq = memchr(k, '=', nk);
            const char *fold_end = eq ? eq : k + nk - (size_t)sl->prefix;
            if (fold_end == k) {
                memset(s->first, 0xff, sizeof s->first); /* "*": any */
            }
            add_firsts(s, k, fold_end, '\0');
            if (eq) {
                add_firsts(s, eq + 1, k + nk, '|');
            }
        }
        p += n + 1;
        k += nk + (k < kend);
    }
    return 0;
}

/* Whether the word being read matches slot sl. */
static int word_matches(const snip *s, const slot *sl)
{
    const char *eq;
    size_t nfold;
    if (in_list(sl->alts, sl->alts + sl->len, s->token, s->ntoken)) {
        return 1;
    }
    if (sl->nkey == 0 || !s->fold) {
        return 0;
    }
    if (sl->prefix) {
        return s->nfold >= sl->nkey - 1 &&
               memcmp(s->fold, sl->key, sl->nkey - 1) == 0;
    }
    eq = memchr(sl->key, '=', sl->nkey);
    nfold = eq ? (size_t)(eq - sl->key) : sl->nkey;
    if (nfold == s->nfold && memcmp(s->fold, sl->key, nfold) == 0) {
        return 1;
    }
    return eq && s->stem &&
           in_list(eq + 1, sl->key + sl->nkey, s->stem, s->nstem) &&
           !fouine_is_stopword(s->fold, s->nfold);
}

/* Mark the slots that the word read matches in the last position. */
static void end_word(snip *s)
{
    size_t i;
    if (s->npos == 0 || !s->token) {
        return;
    }
    if (!may_match(s, s->token, s->ntoken) &&
        !may_match(s, s->fold, s->nfold) && !may_match(s, s->stem, s->nstem)) {
        s->token = s->fold = s->stem = NULL;
        return;
    }
    for (i = 0; i < s->nslots; i++) {
        if (word_matches(s, &s->slots[i])) {
            s->pos[s->npos - 1].match |= 1ull << i;
        }
    }
    s->token = s->fold = s->stem = NULL;
}

/* The document's tokens (FOUINE_ANALYZE_WORDS): a token, its fold, its
** stem; a word is matched once its last form is read. */
static int doc_token(const char *token,
                     size_t len,
                     size_t start,
                     size_t end,
                     int flags,
                     void *payload)
{
    snip *s = payload;
    int k = (flags & FOUINE_TOKEN_FOLD) ? 1 :
            (flags & FOUINE_TOKEN_STEM) ? 2 :
                                          0;
    if (k == 0) {
        end_word(s);
    }
    if (len >= sizeof s->forms[k]) {
        len = 0; /* cannot happen: the analyzer's forms fit */
    }
    memcpy(s->forms[k], token, len);
    if (k == 1) {
        s->fold = s->forms[1];
        s->nfold = len;
        return 0;
    }
    if (k == 2) {
        s->stem = s->forms[2];
        s->nstem = len;
        return 0;
    }
    if (s->npos == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        dpos *p = fouine_realloc(s->pos, cap * sizeof *p);
        if (!p) {
            s->failed = 1;
            return FOUINE_ENOMEM;
        }
        s->pos = p;
        s->cap = cap;
    }
    s->pos[s->npos].start = start;
    s->pos[s->npos].end = end;
    s->pos[s->npos].match = 0;
    s->npos++;
    s->token = s->forms[0];
    s->ntoken = len;
    return 0;
}

/* Byte length of the UTF-8 character at s (1 for a bad byte). */
static size_t char_len(const unsigned char *s, size_t n)
{
    size_t k = *s < 0x80  ? 1 :
               *s >= 0xF0 ? 4 :
               *s >= 0xE0 ? 3 :
               *s >= 0xC0 ? 2 :
                            1;
    size_t i;
    if (k > n) {
        return 1;
    }
    for (i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 1;
        }
    }
    return k;
}

/* Whether text[i..) is a space: ASCII, NBSP, narrow NBSP, thin space. */
static size_t space_at(const char *t, size_t n, size_t i)
{
    const unsigned char *u = (const unsigned char *)t + i;
    if (i >= n) {
        return 0;
    }
    if (*u == ' ' || *u == '\n' || *u == '\r' || *u == '\t') {
        return 1;
    }
    if (i + 1 < n && u[0] == 0xC2 && u[1] == 0xA0) {
        return 2;
    }
    if (i + 2 < n && u[0] == 0xE2 && u[1] == 0x80 &&
        (u[2] == 0xAF || u[2] == 0x89)) {
        return 3;
    }
    return 0;
}

/* Kinds of boundary before a word start. */
enum { B_NONE, B_CLAUSE, B_SENTENCE };

/* What kind of boundary lies before byte at (a word start). */
static int boundary_before(const char *t, size_t at)
{
    size_t i = at;
    int spaces = 0;
    if (at == 0) {
        return B_SENTENCE;
    }
    /* Skip back over spaces (NBSP included) and an opening guillemet. */
    while (i > 0) {
        unsigned char c = (unsigned char)t[i - 1];
        if (c == '\n') {
            return B_SENTENCE;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            i--;
            spaces++;
        } else if (i >= 2 && c == 0xA0 && (unsigned char)t[i - 2] == 0xC2) {
            i -= 2;
            spaces++;
        } else if (i >= 3 && (c == 0xAF || c == 0x89) &&
                   (unsigned char)t[i - 2] == 0x80 &&
                   (unsigned char)t[i - 3] == 0xE2) {
            i -= 3;
            spaces++;
        } else if (i >= 2 && c == 0xAB && (unsigned char)t[i - 2] == 0xC2) {
            i -= 2; /* « */
        } else {
            break;
        }
    }
    if (i == 0) {
        return B_SENTENCE;
    }
    if (!spaces) {
        return B_NONE;
    }
    switch (t[i - 1]) {
    case '.':
    case '!':
    case '?':
        return B_SENTENCE;
    case ',':
    case ';':
    case ':':
    case ')':
        return B_CLAUSE;
    default:
        break;
    }
    /* "…" and a closing guillemet after a sentence end. */
    if (i >= 3 && (unsigned char)t[i - 3] == 0xE2 &&
        (unsigned char)t[i - 2] == 0x80 && (unsigned char)t[i - 1] == 0xA6) {
        return B_SENTENCE;
    }
    if (i >= 3 && (unsigned char)t[i - 2] == 0xC2 &&
        (unsigned char)t[i - 1] == 0xBB) {
        size_t k = i - 2;
        while (k > 0 && space_at(t, i, k - 1) == 1) {
            k--;
        }
        if (k > 0 && (t[k - 1] == '.' || t[k - 1] == '!' || t[k - 1] == '?')) {
            return B_SENTENCE;
        }
        return B_CLAUSE;
    }
    if (i >= 3 && (unsigned char)t[i - 3] == 0xE2 &&
        (unsigned char)t[i - 2] == 0x80 &&
        ((unsigned char)t[i - 1] == 0x93 || (unsigned char)t[i - 1] == 0x94)) {
        return B_CLAUSE; /* – or — */
    }
    return B_NONE;
}

/* Byte index after walking chars characters from at (or n). */
static size_t walk(const char *t, size_t n, size_t at, size_t chars)
{
    while (at < n && chars > 0) {
        at += char_len((const unsigned char *)t + at, n - at);
        chars--;
    }
    return at;
}

/* Characters in t[a..b). */
static size_t count_chars(const char *t, size_t a, size_t b)
{
    size_t c = 0;
    for (; a < b; a++) {
        c += ((unsigned char)t[a] & 0xC0) != 0x80;
    }
    return c;
}

/* The start of the word holding byte at (going back to a space). */
static size_t word_start(const char *t, size_t at)
{
    while (at > 0 && !space_at(t, at, at - 1) &&
           !(at >= 2 && (unsigned char)t[at - 1] == 0xA0 &&
             (unsigned char)t[at - 2] == 0xC2) &&
           !(at >= 3 && (unsigned char)t[at - 3] == 0xE2 &&
             (unsigned char)t[at - 2] == 0x80 &&
             ((unsigned char)t[at - 1] == 0xAF ||
              (unsigned char)t[at - 1] == 0x89))) {
        at--;
    }
    return at;
}

/* Skip what must not begin a snippet: spaces and closing punctuation. */
static size_t skip_orphans(const char *t, size_t n, size_t at)
{
    for (;;) {
        size_t sp = space_at(t, n, at);
        if (sp) {
            at += sp;
        } else if (at < n && strchr(":;,.)]!?", t[at]) && t[at] != '\0') {
            at++;
        } else if (at + 1 < n && (unsigned char)t[at] == 0xC2 &&
                   (unsigned char)t[at + 1] == 0xBB) {
            at += 2; /* » */
        } else {
            return at;
        }
    }
}

/* Move a start back over the opening guillemet that belongs to it. */
static size_t open_guillemet(const char *t, size_t at)
{
    size_t i = at;
    if (i >= 1 && t[i - 1] == ' ') {
        i--;
    } else if (i >= 2 && (unsigned char)t[i - 1] == 0xA0 &&
               (unsigned char)t[i - 2] == 0xC2) {
        i -= 2;
    } else if (i >= 3 && (unsigned char)t[i - 1] == 0xAF &&
               (unsigned char)t[i - 2] == 0x80 &&
               (unsigned char)t[i - 3] == 0xE2) {
        i -= 3;
    } else {
        return at;
    }
    if (i >= 2 && (unsigned char)t[i - 1] == 0xAB &&
        (unsigned char)t[i - 2] == 0xC2) {
        return i - 2;
    }
    return at;
}

/*
** Read the words of text[0..len) into s->pos, each with the slots it
** matches: the words of q's terms, the terms past MAX_SLOTS words left
** out.  Nothing is read when no term has a slot.  Returns FOUINE_OK,
** FOUINE_ENOMEM or the analyzer's error.
*/
static int collect_words(snip *s,
                         fouine_analyzer *an,
                         const fouine_parsed *q,
                         const char *text,
                         size_t len)
{
    size_t i;
    int rc;

    s->slots = fouine_malloc(MAX_SLOTS * sizeof *s->slots);
    if (!s->slots) {
        return FOUINE_ENOMEM;
    }
    for (i = 0; i < q->nterms; i++) {
        if (add_slots(s, &q->terms[i], (int)i)) {
            break;
        }
    }
    if (len == 0 || s->nslots == 0) {
        return FOUINE_OK;
    }
    rc = fouine_analyzer_run(an, text, len, FOUINE_ANALYZE_WORDS, doc_token, s);
    if (rc == FOUINE_OK) {
        end_word(s);
    }
    return rc;
}

/*
** Mark the positions of each term match (all its words in a row): hl[p]
** for every word of it, and hits[p] the group of the match that starts at
** position p (-1: none).  hl is zeroed, hits has room for s->npos.
*/
static void find_matches(const snip *s,
                         unsigned char *hl,
                         int *hits,
                         const fouine_parsed *q)
{
    size_t p, i, k;
    for (p = 0; p < s->npos; p++) {
        hits[p] = -1;
    }
    for (i = 0; i < s->nslots; i = k) {
        size_t words;
        int term = s->slots[i].term;
        for (k = i; k < s->nslots && s->slots[k].term == term; k++) {
        }
        words = k - i;
        for (p = 0; p + words <= s->npos; p++) {
            size_t w;
            for (w = 0; w < words; w++) {
                if (!(s->pos[p + w].match & (1ull << (i + w)))) {
                    break;
                }
            }
            if (w == words) {
                for (w = 0; w < words; w++) {
                    hl[p + w] = 1;
                }
                hits[p] = q->terms[term].group;
            }
        }
    }
}

/*
** The start of the best passage of chars characters of text[0..len) for
** the matches of hits (see find_matches()): a window is scored for each
** match, starting at the sentence or clause start before the match when
** that is close enough, else a few words before it; the best holds the
** most distinct groups, then the most matches, then starts a sentence
** (or a clause).  0, the text's beginning, when nothing matched.
*/
static size_t best_start(const snip *s,
                         const int *hits,
                         const char *text,
                         size_t len,
                         size_t chars)
{
    size_t p, ws = 0;
    long best = -1;

    for (p = 0; p < s->npos; p++) {
        size_t start, m, end;
        uint64_t groups = 0;
        long score = 0;
        int kind = B_NONE;
        if (hits[p] < 0) {
            continue;
        }
        /* Look back for a boundary within 3/4 of the length. */
        start = word_start(text, s->pos[p].start);
        for (m = p + 1; m-- > 0;) {
            /* The word as written, with its elided article. */
            size_t w = word_start(text, s->pos[m].start);
            int b = boundary_before(text, w);
            if (count_chars(text, w, s->pos[p].end) > chars * 3 / 4) {
                break;
            }
            if (b != B_NONE) {
                start = w;
                kind = b;
                if (b == B_SENTENCE) {
                    break;
                }
            }
        }
        if (kind == B_NONE) {
            /* No boundary near: a few words before the match. */
            for (m = p; m > 0 && count_chars(text, s->pos[m - 1].start,
                                             s->pos[p].start) < chars / 4;
                 m--) {
            }
            start = word_start(text, s->pos[m].start);
        }
        end = walk(text, len, start, chars);
        for (m = p; m < s->npos && s->pos[m].end <= end; m++) {
            if (hits[m] >= 0) {
                groups |= 1ull << (hits[m] & 63);
                score += 10;
            }
        }
        for (m = 0; m < 64; m++) {
            score += (groups >> m & 1) ? 1000 : 0;
        }
        score += kind == B_SENTENCE ? 5 : kind == B_CLAUSE ? 2 : 0;
        if (score > best) {
            best = score;
            ws = start;
        }
    }
    return ws;
}

/*
** The end of a passage that starts at ws and holds at most chars
** characters of text[0..len): at a sentence end in its last third (with
** its closing guillemet), else at a word end, the spaces and the
** punctuation of a cut clause trimmed (one long word is cut at a
** character).  Sets *cut when the snippet must end with " …".
*/
static size_t window_end(const char *text,
                         size_t len,
                         size_t ws,
                         size_t chars,
                         int *cut)
{
    size_t k, sentence = 0, wordend = 0, we = walk(text, len, ws, chars);
    size_t rest = we;

    *cut = 0;
    /* Past the spaces after the window: nothing, and the text fits (no
    ** ellipsis); a word, and the one that ends at the window's end is
    ** whole. */
    while (rest < len && space_at(text, len, rest)) {
        rest += space_at(text, len, rest);
    }
    if (rest >= len) {
        while (we > ws && space_at(text, len, we - 1) == 1) {
            we--;
        }
        return we;
    }
    we = rest;
    /* End at a sentence end in the last third, else a word end. */
    for (k = ws; k < we; k++) {
        if ((text[k] == '.' || text[k] == '!' || text[k] == '?') &&
            (k + 1 >= len || space_at(text, len, k + 1)) &&
            count_chars(text, ws, k) >= chars * 2 / 3) {
            sentence = k + 1;
        }
    }
    if (sentence) {
        we = sentence;
        /* A closing guillemet goes with its sentence. */
        if (we + 2 < len && text[we] == ' ' &&
            (unsigned char)text[we + 1] == 0xC2 &&
            (unsigned char)text[we + 2] == 0xBB) {
            we += 3;
        }
        *cut = we < len && !space_at(text, len, we) ?
                   1 :
                   skip_orphans(text, len, we) < len &&
                       boundary_before(text, skip_orphans(text, len, we)) !=
                           B_SENTENCE;
        return we;
    }
    wordend = word_start(text, we);
    if (wordend <= ws) {
        /* One word longer than the length: all of it (a word is never
        ** cut). */
        wordend = we;
        while (wordend < len && !space_at(text, len, wordend)) {
            wordend++;
        }
    }
    we = wordend;
    /* Trim the spaces and the punctuation of a cut clause. */
    while (we > ws && (space_at(text, len, we - 1) == 1 ||
                       strchr(",;:(«", text[we - 1]))) {
        we--;
    }
    while (we >= ws + 2 && (unsigned char)text[we - 1] == 0xA0 &&
           (unsigned char)text[we - 2] == 0xC2) {
        we -= 2;
    }
    while (we >= ws + 2 && (unsigned char)text[we - 1] == 0xAB &&
           (unsigned char)text[we - 2] == 0xC2) {
        we -= 2;
    }
    while (we > ws && space_at(text, len, we - 1) == 1) {
        we--;
    }
    *cut = we < len;
    return we;
}

/* The passage of a text a snippet shows. */
typedef struct window {
    size_t start, end; /* its bytes in the text */
    int cut_start;     /* the text goes on before it: "… " opens it */
    int cut_end;       /* " …" closes it */
} window;

/*
** Choose the passage of text[0..len) to show: the whole text when it
** holds chars characters or fewer (or chars is 0), else the best passage
** of chars characters (best_start()), from a word that may begin a
** snippet (with its opening guillemet) to window_end().
*/
static void choose_window(window *w,
                          const snip *s,
                          const int *hits,
                          const char *text,
                          size_t len,
                          size_t chars)
{
    size_t ws;

    w->start = 0;
    w->end = len;
    w->cut_start = w->cut_end = 0;
    if (chars == 0 || count_chars(text, 0, len) <= chars) {
        return;
    }
    ws = skip_orphans(text, len, best_start(s, hits, text, len, chars));
    w->cut_start = ws > 0 && boundary_before(text, ws) != B_SENTENCE;
    w->start = open_guillemet(text, ws);
    w->end = window_end(text, len, w->start, chars, &w->cut_end);
}

/*
** Append the passage w of text to out, NUL-terminated, with "… " and " …"
** where it is cut, one space for any run of line breaks and no NUL byte;
** and to spans the bytes in out of the highlighted positions (hl) that
** lie whole inside it.  Returns FOUINE_OK or FOUINE_ENOMEM (spans could
** not grow); a failed append shows in out->failed.
*/
static int write_window(fouine_buf *out,
                        fouine_spans *spans,
                        const snip *s,
                        const unsigned char *hl,
                        const char *text,
                        const window *w)
{
    size_t i, p = 0, ws = w->start, we = w->end;

    if (w->cut_start) {
        fouine_buf_puts(out, "… ");
    }
    while (p < s->npos && s->pos[p].start < ws) {
        p++;
    }
    for (i = ws; i < we;) {
        if (p < s->npos && s->pos[p].start == i && hl[p] &&
            s->pos[p].end <= we) {
            fouine_span *at;
            if (spans->n == spans->cap) {
                size_t cap = spans->cap ? spans->cap * 2 : 16;
                at = fouine_realloc(spans->at, cap * sizeof *at);
                if (!at) {
                    return FOUINE_ENOMEM;
                }
                spans->at = at;
                spans->cap = cap;
            }
            spans->at[spans->n].start = out->len;
            fouine_buf_append(out, text + i, s->pos[p].end - i);
            spans->at[spans->n].end = out->len;
            spans->n++;
            i = s->pos[p].end;
            p++;
            continue;
        }
        while (p < s->npos && s->pos[p].start <= i) {
            p++;
        }
        if (text[i] == '\n' || text[i] == '\r') {
            while (i < we && (text[i] == '\n' || text[i] == '\r')) {
                i++;
            }
            if (out->len && out->data[out->len - 1] != ' ') {
                fouine_buf_puts(out, " ");
            }
            continue;
        }
        if (text[i] == '\0') {
            i++;
            continue;
        }
        fouine_buf_append(out, text + i, 1);
        i++;
    }
    if (w->cut_end) {
        fouine_buf_puts(out, " …");
    }
    fouine_buf_append(out, "", 0);
    return FOUINE_OK;
}

/* How many matches (hits) lie whole inside the passage w. */
static int found_in(const snip *s, const int *hits, const window *w)
{
    size_t p;
    int n = 0;
    for (p = 0; p < s->npos; p++) {
        if (hits[p] >= 0 && s->pos[p].start >= w->start &&
            s->pos[p].end <= w->end) {
            n++;
        }
    }
    return n;
}

int fouine_snippet(char **snippet,
                   fouine_spans *spans,
                   int *found,
                   fouine_analyzer *an,
                   const fouine_parsed *q,
                   const char *text,
                   size_t len,
                   size_t chars)
{
    snip s;
    window w;
    fouine_buf out = { 0 };
    unsigned char *hl = NULL;
    int *hits = NULL;
    int rc;

    *snippet = NULL;
    memset(spans, 0, sizeof *spans);
    *found = 0;
    memset(&s, 0, sizeof s);
    rc = collect_words(&s, an, q, text, len);
    if (rc != FOUINE_OK) {
        goto done;
    }
    hl = fouine_calloc(s.npos + 1, 1);
    hits = fouine_malloc((s.npos + 1) * sizeof *hits);
    if (!hl || !hits) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    find_matches(&s, hl, hits, q);
    choose_window(&w, &s, hits, text, len, chars);
    rc = write_window(&out, spans, &s, hl, text, &w);
    if (rc != FOUINE_OK) {
        goto done;
    }
    *found = found_in(&s, hits, &w);
    if (out.failed) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    *snippet = out.data;
    out.data = NULL;
done:
    if (rc != FOUINE_OK) {
        fouine_free(spans->at);
        memset(spans, 0, sizeof *spans);
    }
    fouine_free(out.data);
    fouine_free(hl);
    fouine_free(hits);
    fouine_free(s.slots);
    fouine_free(s.pos);
    return rc;
}

/* Append n bytes of s to b, HTML-escaped when html. */
static void append_text(fouine_buf *b, const char *s, size_t n, int html)
{
    size_t i, from = 0;
    if (!html) {
        fouine_buf_append(b, s, n);
        return;
    }
    for (i = 0; i < n; i++) {
        const char *esc = s[i] == '<' ? "&lt;" :
                          s[i] == '>' ? "&gt;" :
                          s[i] == '&' ? "&amp;" :
                          s[i] == '"' ? "&quot;" :
                                        NULL;
        if (esc) {
            fouine_buf_append(b, s + from, i - from);
            fouine_buf_puts(b, esc);
            from = i + 1;
        }
    }
    fouine_buf_append(b, s + from, n - from);
}

int fouine_highlight(char **out,
                     const char *text,
                     const fouine_span *spans,
                     size_t nspans,
                     const char *open,
                     const char *close,
                     int html)
{
    fouine_buf b = { 0 };
    size_t len = strlen(text), at = 0, i;

    *out = NULL;
    fouine_buf_append(&b, "", 0);
    for (i = 0; i < nspans; i++) {
        size_t s = spans[i].start, e = spans[i].end;
        if (s < at || e <= s || e > len) {
            continue;
        }
        append_text(&b, text + at, s - at, html);
        fouine_buf_puts(&b, open);
        append_text(&b, text + s, e - s, html);
        fouine_buf_puts(&b, close);
        at = e;
    }
    append_text(&b, text + at, len - at, html);
    if (b.failed) {
        fouine_free(b.data);
        return FOUINE_ENOMEM;
    }
    *out = b.data;
    return FOUINE_OK;
}
