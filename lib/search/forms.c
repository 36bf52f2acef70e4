/*
** forms.c: the tokens a word typed by a reader may mean, from the index's
** lexicon (see lib/store/store.h), in three tiers:
**   0. the same word, accents aside: the tokens of the same fold
**      ("etat" -> état, etat; "coeur" -> cœur, coeur);
**   1. its inflections: tokens of the same stem that differ from it only
**      by the plural or the feminine ("retraité" -> retraités,
**      retraitée(s); "journal" -> journaux; "fondé" -> fondée(s));
**   2. its more distant relatives: the other tokens of the same stem
**      ("fondé" -> fonds, fonder; "président" -> présidente is tier 1,
**      présidence tier 2, if Snowball gives them one stem).
** The stems asked for are the word's own and those of the tokens of tier
** 0, so that a word typed without accents reaches the inflections of its
** accented forms ("creee" -> créée -> créer).  Stop words are never
** relatives of another word ("danse" does not reach "dans").  A prefix
** gives the prefixes of the tokens whose fold starts with its fold
** ("presid" -> président..., presidential).
*/
#ifdef FOUINE_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif

#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "fouine/alloc.h"
#include "store.h"

#define FORMS_SAME  16 /* tokens of tier 0, at most */
#define FORMS_STEMS 4  /* stems asked for, at most */
#define FORMS_MAX   64 /* tokens of the three tiers, at most */
/* Lexicon rows a prefix looks at, at most: one more than a query's
** prefixes may cover, to tell a prefix that covers too many. */
#define PREFIX_SCAN    (FOUINE_PREFIX_TOKENS + 1)
#define PREFIX_FORMS   16 /* prefixes a prefix gives, at most */
#define FORMS_WORD_MAX (4 * FOUINE_MAX_WORD + 8)

struct fouine_lexicon {
    sqlite3 *db;           /* not owned */
    sqlite3_stmt *by_fold; /* token, stem WHERE fold = ?1 */
    sqlite3_stmt *by_stem; /* token, fold WHERE stem = ?1 */
    sqlite3_stmt *range;   /* token, fold WHERE fold in [?1, ?2) */
};

int fouine_lexicon_open(fouine_lexicon **out, sqlite3 *db)
{
    fouine_lexicon *lx;
    int rc;

    *out = NULL;
    lx = fouine_calloc(1, sizeof *lx);
    if (!lx) {
        return FOUINE_ENOMEM;
    }
    lx->db = db;
    if (sqlite3_prepare_v2(db,
                           "SELECT token, stem FROM lexicon WHERE fold = ?1"
                           " LIMIT 64",
                           -1, &lx->by_fold, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT token, fold FROM lexicon WHERE stem = ?1"
                           " LIMIT 256",
                           -1, &lx->by_stem, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT token, fold FROM lexicon"
                           " WHERE fold >= ?1 AND fold < ?2 LIMIT ?3",
                           -1, &lx->range, NULL) != SQLITE_OK) {
        rc = fouine_store_error(db);
        fouine_lexicon_close(lx);
        return rc;
    }
    *out = lx;
    return FOUINE_OK;
}

void fouine_lexicon_close(fouine_lexicon *lx)
{
    if (lx) {
        sqlite3_finalize(lx->by_fold);
        sqlite3_finalize(lx->by_stem);
        sqlite3_finalize(lx->range);
        fouine_free(lx);
    }
}

/* Copy a form into dst (cap bytes); an overlong one is left empty (cannot
** happen: the analyzer's forms fit). */
static size_t copy_form(char *dst, size_t cap, const char *src, size_t n)
{
    if (n >= cap) {
        n = 0;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
    return n;
}

void fouine_qword_put(fouine_qword *w, const char *token, size_t len, int flags)
{
    if (flags & FOUINE_TOKEN_FOLD) {
        w->nfold = copy_form(w->fold, sizeof w->fold, token, len);
        w->stop = fouine_is_stopword(token, len);
    } else if (flags & FOUINE_TOKEN_STEM) {
        w->nstem = copy_form(w->stem, sizeof w->stem, token, len);
    } else {
        memset(w, 0, sizeof *w);
        w->ntoken = copy_form(w->token, sizeof w->token, token, len);
    }
}

sqlite3 *fouine_lexicon_db(const fouine_lexicon *lx)
{
    return lx->db;
}

void fouine_forms_clear(fouine_forms *f)
{
    int t;
    for (t = 0; t < 3; t++) {
        fouine_free(f->tier[t].data);
    }
    fouine_free(f->stems.data);
    memset(f, 0, sizeof *f);
}

/* Whether the token t[0..n) is already in f (any tier). */
static int forms_has(const fouine_forms *f, const char *t, size_t n)
{
    int k;
    for (k = 0; k < 3; k++) {
        const char *p = f->tier[k].data, *end = p ? p + f->tier[k].len : p;
        while (p && p < end) {
            const char *bar = memchr(p, '|', (size_t)(end - p));
            size_t len = bar ? (size_t)(bar - p) : (size_t)(end - p);
            if (len == n && memcmp(p, t, n) == 0) {
                return 1;
            }
            p += len + 1;
        }
    }
    return 0;
}

/* Add the token t[0..n) to tier k unless f has it. */
static void forms_add(fouine_forms *f, int k, const char *t, size_t n)
{
    if (n == 0 || forms_has(f, t, n) || f->count >= FORMS_MAX) {
        return;
    }
    if (f->tier[k].len) {
        fouine_buf_append(&f->tier[k], "|", 1);
    }
    fouine_buf_append(&f->tier[k], t, n);
    f->n[k]++;
    f->count++;
}

/*
** The light base of a lowercase token (accents kept), folded, into out
** (FORMS_WORD_MAX bytes): the plural and the feminine endings taken off,
** so that two inflections of one word have one base ("retraitées",
** "retraité" -> "retraite"; "journaux" -> "journal"; "grande" ->
** "grand"), while a past participle keeps its "é" ("fondé" -> "fonde",
** not "fond").  Returns its length.
*/
static size_t light_base(const char *t, size_t n, char *out)
{
    static const struct {
        const char *from, *to; /* ending, its masculine singular */
    } endings[] = {
        { "euse", "eux" }, { "ive", "if" },  { "ère", "er" },
        { "enne", "en" },  { "onne", "on" }, { "elle", "el" },
        { "ette", "et" },  { "ée", "é" },    { "aux", "al" },
    };
    char w[FORMS_WORD_MAX];
    char *f = NULL;
    size_t i, m;

    if (n + 4 >= sizeof w) {
        return 0;
    }
    memcpy(w, t, n);
    m = n;
    /* The plural. */
    if (m > 3 && (w[m - 1] == 's' || w[m - 1] == 'x') &&
        !(m >= 3 && memcmp(w + m - 3, "aux", 3) == 0)) {
        m--;
    }
    for (i = 0; i < sizeof endings / sizeof endings[0]; i++) {
        size_t a = strlen(endings[i].from), b = strlen(endings[i].to);
        if (m > a + 1 && memcmp(w + m - a, endings[i].from, a) == 0) {
            memcpy(w + m - a, endings[i].to, b);
            m = m - a + b;
            break;
        }
    }
    /* The feminine of the others: a plain "e" after a consonant. */
    if (i == sizeof endings / sizeof endings[0] && m > 3 && w[m - 1] == 'e' &&
        strchr("aeiouy", w[m - 2]) == NULL && (unsigned char)w[m - 2] < 0x80) {
        m--;
    }
    if (fouine_fold(&f, w, m) != FOUINE_OK) {
        return 0;
    }
    m = strlen(f);
    if (m >= FORMS_WORD_MAX) {
        m = 0;
    } else {
        memcpy(out, f, m);
    }
    fouine_free(f);
    return m;
}

/* Step stmt, bound by the caller, calling back for each row (text,
** text); reset it.  Returns FOUINE_OK or the store's error. */
typedef int (
    *row_cb)(const char *a, size_t na, const char *b, size_t nb, void *payload);

static int each_row(fouine_lexicon *lx,
                    sqlite3_stmt *stmt,
                    row_cb cb,
                    void *payload)
{
    int rc, step;
    rc = FOUINE_OK;
    while (rc == FOUINE_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(stmt, 0);
        size_t na = (size_t)sqlite3_column_bytes(stmt, 0);
        const char *b = (const char *)sqlite3_column_text(stmt, 1);
        size_t nb = (size_t)sqlite3_column_bytes(stmt, 1);
        if (a && b) {
            rc = cb(a, na, b, nb, payload);
        }
    }
    if (rc == FOUINE_OK && step != SQLITE_DONE) {
        rc = fouine_store_error(lx->db);
    }
    sqlite3_reset(stmt);
    return rc;
}

/* State of one expansion. */
typedef struct expand {
    fouine_forms *f;
    const fouine_qword *w;
    char stems[FORMS_STEMS][FORMS_WORD_MAX]; /* stems to ask for */
    size_t nstems;
    char base[FORMS_WORD_MAX]; /* light base of the word typed */
    size_t nbase;
} expand;

static void add_stem(expand *e, const char *s, size_t n)
{
    size_t i;
    if (n == 0 || n >= FORMS_WORD_MAX || e->nstems >= FORMS_STEMS) {
        return;
    }
    for (i = 0; i < e->nstems; i++) {
        if (strlen(e->stems[i]) == n && memcmp(e->stems[i], s, n) == 0) {
            return;
        }
    }
    memcpy(e->stems[e->nstems], s, n);
    e->stems[e->nstems][n] = '\0';
    e->nstems++;
}

/* A token of the word's fold: tier 0, and its stem asked for. */
static int same_fold(const char *token,
                     size_t ntoken,
                     const char *stem,
                     size_t nstem,
                     void *payload)
{
    expand *e = payload;
    if (e->f->n[0] < FORMS_SAME) {
        forms_add(e->f, 0, token, ntoken);
        add_stem(e, stem, nstem);
    }
    return FOUINE_OK;
}

/* A token of one of the stems: tier 1 or 2. */
static int same_stem(const char *token,
                     size_t ntoken,
                     const char *fold,
                     size_t nfold,
                     void *payload)
{
    expand *e = payload;
    char base[FORMS_WORD_MAX];
    size_t nb;
    if ((nfold == e->w->nfold && memcmp(fold, e->w->fold, nfold) == 0) ||
        fouine_is_stopword(fold, nfold)) {
        return FOUINE_OK; /* tier 0 already; or a stop word */
    }
    nb = light_base(token, ntoken, base);
    forms_add(e->f,
              nb > 0 && nb == e->nbase && memcmp(base, e->base, nb) == 0 ? 1 :
                                                                           2,
              token, ntoken);
    return FOUINE_OK;
}

int fouine_forms_of(fouine_forms *out,
                    fouine_lexicon *lx,
                    const fouine_qword *w,
                    int flags)
{
    expand e;
    size_t i;
    int rc = FOUINE_OK;

    memset(out, 0, sizeof *out);
    memset(&e, 0, sizeof e);
    e.f = out;
    e.w = w;
    forms_add(out, 0, w->token, w->ntoken);
    if (!(flags & FOUINE_FORMS_EXACT) && lx) {
        sqlite3_bind_text(lx->by_fold, 1, w->fold, (int)w->nfold,
                          SQLITE_STATIC);
        rc = each_row(lx, lx->by_fold, same_fold, &e);
    }
    if (rc == FOUINE_OK &&
        !(flags & (FOUINE_FORMS_EXACT | FOUINE_FORMS_SAME)) && lx) {
        add_stem(&e, w->stem, w->nstem);
        e.nbase = light_base(w->token, w->ntoken, e.base);
        for (i = 0; rc == FOUINE_OK && i < e.nstems; i++) {
            sqlite3_bind_text(lx->by_stem, 1, e.stems[i], -1, SQLITE_STATIC);
            rc = each_row(lx, lx->by_stem, same_stem, &e);
        }
    }
    if (!(flags & (FOUINE_FORMS_EXACT | FOUINE_FORMS_SAME))) {
        /* The stems asked for: a snippet marks the words that have one. */
        if (!lx) {
            add_stem(&e, w->stem, w->nstem);
        }
        for (i = 0; i < e.nstems; i++) {
            fouine_buf_printf(&out->stems, "%s%s", i ? "|" : "", e.stems[i]);
        }
        if (out->stems.failed) {
            rc = FOUINE_ENOMEM;
        }
    }
    for (i = 0; i < 3; i++) {
        if (out->tier[i].failed) {
            rc = FOUINE_ENOMEM;
        }
    }
    if (rc != FOUINE_OK) {
        fouine_forms_clear(out);
    }
    return rc;
}

/* Length of the UTF-8 character at s (1 for a bad byte). */
static size_t char_len(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    return k <= n ? k : 1;
}

/* State of a prefix's expansion. */
typedef struct prefix_ctx {
    fouine_forms *f;
    const char *fold; /* the prefix, folded */
    size_t nfold;
    int rc;
} prefix_ctx;

/* A token whose fold starts with the prefix's: add its shortest prefix
** whose fold does. */
static int prefix_row(const char *token,
                      size_t ntoken,
                      const char *fold,
                      size_t nfold,
                      void *payload)
{
    prefix_ctx *p = payload;
    size_t at = 0;
    (void)fold;
    (void)nfold;
    p->f->covered++;
    if (p->f->n[0] >= PREFIX_FORMS) {
        return FOUINE_OK;
    }
    while (at < ntoken) {
        char *pf = NULL;
        size_t k;
        at += char_len(token + at, ntoken - at);
        if (fouine_fold(&pf, token, at) != FOUINE_OK) {
            return FOUINE_ENOMEM;
        }
        k = strlen(pf);
        if (k >= p->nfold && memcmp(pf, p->fold, p->nfold) == 0) {
            fouine_free(pf);
            forms_add(p->f, 0, token, at);
            return FOUINE_OK;
        }
        fouine_free(pf);
    }
    return FOUINE_OK;
}

int fouine_forms_prefix(fouine_forms *out,
                        fouine_lexicon *lx,
                        const fouine_qword *w)
{
    prefix_ctx p;
    char hi[FORMS_WORD_MAX];
    size_t k;
    int rc = FOUINE_OK;

    memset(out, 0, sizeof *out);
    forms_add(out, 0, w->token, w->ntoken);
    if (lx && w->nfold + 1 < sizeof hi) {
        memcpy(hi, w->fold, w->nfold);
        for (k = w->nfold; k > 0 && (unsigned char)hi[k - 1] == 0xFF; k--) {
        }
        if (k > 0) {
            hi[k - 1] = (char)(hi[k - 1] + 1);
            memset(&p, 0, sizeof p);
            p.f = out;
            p.fold = w->fold;
            p.nfold = w->nfold;
            sqlite3_bind_text(lx->range, 1, w->fold, (int)w->nfold,
                              SQLITE_STATIC);
            sqlite3_bind_text(lx->range, 2, hi, (int)k, SQLITE_STATIC);
            sqlite3_bind_int(lx->range, 3, PREFIX_SCAN);
            rc = each_row(lx, lx->range, prefix_row, &p);
        }
    }
    if (rc == FOUINE_OK && out->tier[0].failed) {
        rc = FOUINE_ENOMEM;
    }
    if (rc != FOUINE_OK) {
        fouine_forms_clear(out);
    }
    return rc;
}
