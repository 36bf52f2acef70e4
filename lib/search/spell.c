/*
** spell.c: typo tolerance from the index's own lexicon.
**
** For each plain word of a query (not a phrase, prefix or exact word; 5
** letters or more, or 4 for a word of 5 with a letter left out; no digit;
** not a stop word) the number of articles holding its fold (any of the
** tokens the lexicon gives it) decides:
**   - none: the word is a typo.  It is searched also as its closest
**     lexicon words (fouine_correction.applied): Damerau-Levenshtein
**     distance 1 from 5 letters, 2 from 9 (Meilisearch's rule), the
**     closest first, then the likeliest slip of the fingers on an AZERTY
**     keyboard, then the most frequent; a candidate at one more edit wins
**     when it is SPELL_RATIO times more frequent than a rare closest one
**     ("bennala" -> "benalla" rather than a typo of an article), unless
**     the rest of the query finds that closest one;
**   - none, but words of its stem (its relatives: "indigène" absent,
**     "indigènes" present): a real word in a form the articles do not use,
**     unless a correction is SPELL_RATIO times more frequent than all its
**     relatives and the rest of the query finds the correction
**     SPELL_CONTEXT_RATIO times more often than them ("gillets jaunes":
**     "gillet" is a name, found with "jaunes" nowhere);
**   - a few (SPELL_RARE or fewer) while a close word is SPELL_RATIO times
**     more frequent, and the rest of the query finds no article with it: a
**     typo that slipped into some article ("politque"); it is searched as
**     typed first, then as its candidates, with a lower weight.
** "The rest of the query" is all its other words, or, for a question
** (fouine_parsed.question), one of them at least: the words of a question
** are not all in the article that answers it.  A candidate of the word's
** own stem is never a correction: the word's forms include it already.
** Candidates found with the rest of the query come first.  The lexicon is
** searched by fold: the folds sharing the word's first two letters (a
** range of its index), and the folds one edit away in those two letters
** (looked up one by one), so that a typo in the first letter is found too.
** A candidate is shown as most articles write it: its most frequent token.
*/
#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "fouine/alloc.h"
#include "store.h"

#define SPELL_MIN   5  /* shorter words are never corrected */
#define SPELL_LONG  9  /* from this length, 2 edits are allowed */
#define SPELL_RARE  2  /* a word in so few articles may be a typo... */
#define SPELL_RATIO 20 /* ...of a word this many times more frequent */
#define SPELL_STEM  4  /* a stem this long (bytes) tells a word's relatives */
#define SPELL_CONTEXT_RATIO \
    5 /* a correction found this many times more
                                 often with the rest of the query than the
                                 word's relatives wins over them */

/* The fold of a query word (of its first word). */
typedef struct first_ctx {
    char word[FOUINE_SPELL_WORD + 1];
    size_t len;
    char stem[4 * FOUINE_MAX_WORD + 8]; /* its stem */
    size_t nstem;
    int seen;  /* the fold was seen */
    int stems; /* the stem was seen */
} first_ctx;

static int first_token(const char *token,
                       size_t len,
                       size_t start,
                       size_t end,
                       int flags,
                       void *payload)
{
    first_ctx *f = payload;
    (void)start;
    (void)end;
    if ((flags & FOUINE_TOKEN_STEM) && f->seen && !f->stems) {
        f->stems = 1;
        if (len < sizeof f->stem) {
            memcpy(f->stem, token, len);
            f->stem[len] = '\0';
            f->nstem = len;
        }
        return 0;
    }
    if (!(flags & FOUINE_TOKEN_FOLD) || f->seen) {
        return 0;
    }
    f->seen = 1;
    if (len <= FOUINE_SPELL_WORD) {
        memcpy(f->word, token, len);
        f->word[len] = '\0';
        f->len = len;
    }
    return 0;
}

size_t fouine_spell_limit(size_t n)
{
    return n < SPELL_MIN ? 0 : n >= SPELL_LONG ? 2 : 1;
}

size_t fouine_spell_distance(const char *a,
                             size_t n,
                             const char *b,
                             size_t m,
                             size_t limit)
{
    size_t d[FOUINE_SPELL_WORD + 2][FOUINE_SPELL_WORD + 2];
    size_t i, j;
    if (n > FOUINE_SPELL_WORD || m > FOUINE_SPELL_WORD) {
        return limit + 1;
    }
    if ((n > m ? n - m : m - n) > limit) {
        return limit + 1;
    }
    for (i = 0; i <= n; i++) {
        d[i][0] = i;
    }
    for (j = 0; j <= m; j++) {
        d[0][j] = j;
    }
    for (i = 1; i <= n; i++) {
        size_t rowmin = (size_t)-1;
        for (j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) {
                v = d[i][j - 1] + 1;
            }
            if (d[i - 1][j - 1] + cost < v) {
                v = d[i - 1][j - 1] + cost;
            }
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v) {
                v = d[i - 2][j - 2] + 1;
            }
            d[i][j] = v;
            if (v < rowmin) {
                rowmin = v;
            }
        }
        if (rowmin > limit) {
            return limit + 1;
        }
    }
    return d[n][m];
}

/* Statements of one spelling pass on a connection. */
typedef struct speller {
    sqlite3 *db;          /* not owned */
    sqlite3_stmt *tokens; /* token, stem of a fold */
    sqlite3_stmt *range;  /* the folds in [?1, ?2) */
    sqlite3_stmt *docs;   /* articles holding a token */
    sqlite3_stmt *few;    /* articles matching ?1, up to ?2 */
    sqlite3_stmt *stems;  /* the tokens of a stem */
} speller;

static void speller_close(speller *sp)
{
    sqlite3_finalize(sp->tokens);
    sqlite3_finalize(sp->range);
    sqlite3_finalize(sp->docs);
    sqlite3_finalize(sp->few);
    sqlite3_finalize(sp->stems);
    memset(sp, 0, sizeof *sp);
}

static int speller_open(speller *sp, sqlite3 *db)
{
    memset(sp, 0, sizeof *sp);
    sp->db = db;
    if (sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fouine_vocab"
                     " USING fts5vocab(main, 'article_fts', 'row')",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT token, stem FROM lexicon WHERE fold = ?1"
                           " LIMIT 16",
                           -1, &sp->tokens, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT DISTINCT fold FROM lexicon"
                           " WHERE fold >= ?1 AND fold < ?2",
                           -1, &sp->range, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT doc FROM temp.fouine_vocab WHERE term = ?1",
                           -1, &sp->docs, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM (SELECT 1 FROM article_fts"
                           " WHERE article_fts MATCH ?1 LIMIT ?2)",
                           -1, &sp->few, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT token FROM lexicon WHERE stem = ?1"
                           " LIMIT 64",
                           -1, &sp->stems, NULL) != SQLITE_OK) {
        int rc = fouine_store_error(db);
        speller_close(sp);
        return rc;
    }
    return FOUINE_OK;
}

/* What the index holds of one fold. */
typedef struct fold_info {
    long long docs;                     /* articles holding one of its tokens
                                         (summed: a bound) */
    char token[FOUINE_SPELL_WORD + 1];  /* its most frequent token */
    char stem[4 * FOUINE_MAX_WORD + 8]; /* that token's stem */
    size_t nstem;
} fold_info;

/* The articles and tokens of the fold w[0..n), into fi. */
static int fold_docs(speller *sp, const char *w, size_t n, fold_info *fi)
{
    long long best = -1;
    int rc = FOUINE_OK, step;
    memset(fi, 0, sizeof *fi);
    sqlite3_bind_text(sp->tokens, 1, w, (int)n, SQLITE_STATIC);
    while (rc == FOUINE_OK && (step = sqlite3_step(sp->tokens)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(sp->tokens, 0);
        size_t nt = (size_t)sqlite3_column_bytes(sp->tokens, 0);
        const char *st = (const char *)sqlite3_column_text(sp->tokens, 1);
        size_t ns = (size_t)sqlite3_column_bytes(sp->tokens, 1);
        long long docs = 0;
        int vs;
        if (!t || !st || nt > FOUINE_SPELL_WORD || ns >= sizeof fi->stem) {
            continue;
        }
        sqlite3_bind_text(sp->docs, 1, t, (int)nt, SQLITE_STATIC);
        vs = sqlite3_step(sp->docs);
        if (vs == SQLITE_ROW) {
            docs = sqlite3_column_int64(sp->docs, 0);
        } else if (vs != SQLITE_DONE) {
            rc = fouine_store_error(sp->db);
        }
        sqlite3_reset(sp->docs);
        fi->docs += docs;
        if (docs > best) {
            best = docs;
            memcpy(fi->token, t, nt);
            fi->token[nt] = '\0';
            memcpy(fi->stem, st, ns);
            fi->stem[ns] = '\0';
            fi->nstem = ns;
        }
    }
    if (rc == FOUINE_OK && step != SQLITE_DONE) {
        rc = fouine_store_error(sp->db);
    }
    sqlite3_reset(sp->tokens);
    return rc;
}

/* Keep the candidate t (at distance dist, in docs articles) among the
** best of list (sorted: distance, then most articles first). */
static void keep(fouine_spell_cand *list,
                 size_t *n,
                 const char *t,
                 size_t len,
                 const fold_info *fi,
                 size_t dist)
{
    long long docs = fi->docs;
    size_t i, k;
    if (len > FOUINE_SPELL_WORD || docs <= 0) {
        return;
    }
    for (i = 0; i < *n; i++) {
        if (list[i].len == len && memcmp(list[i].term, t, len) == 0) {
            return; /* found twice (by the range and by a lookup) */
        }
    }
    for (i = 0; i < *n; i++) {
        if (dist < list[i].dist ||
            (dist == list[i].dist && docs > list[i].docs)) {
            break;
        }
    }
    if (i >= FOUINE_SPELL_CANDS) {
        return;
    }
    k = *n < FOUINE_SPELL_CANDS ? *n : FOUINE_SPELL_CANDS - 1;
    memmove(&list[i + 1], &list[i], (k - i) * sizeof *list);
    memcpy(list[i].term, t, len);
    list[i].term[len] = '\0';
    list[i].len = len;
    list[i].docs = docs;
    list[i].dist = dist;
    memcpy(list[i].token, fi->token, sizeof fi->token);
    memcpy(list[i].stem, fi->stem, fi->nstem + 1);
    list[i].nstem = fi->nstem;
    if (*n < FOUINE_SPELL_CANDS) {
        (*n)++;
    }
}

/* Look up the candidate c[0..n) (one edit in the first two letters). */
static int probe(speller *sp,
                 fouine_spell_cand *list,
                 size_t *nlist,
                 const char *c,
                 size_t n)
{
    fold_info fi;
    int rc;
    if (n == 0) {
        return FOUINE_OK;
    }
    rc = fold_docs(sp, c, n, &fi);
    if (rc == FOUINE_OK && fi.docs > 0) {
        keep(list, nlist, c, n, &fi, 1);
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

/*
** The vocabulary words within limit edits of w[0..n), into list (sorted,
** at most FOUINE_SPELL_CANDS): the range of terms sharing its first two
** characters, then the words one edit away in those two characters.
*/
static int candidates(speller *sp,
                      const char *w,
                      size_t n,
                      size_t limit,
                      fouine_spell_cand *list,
                      size_t *nlist)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
    char lo[16], hi[16], c[FOUINE_SPELL_WORD + 2];
    size_t p1 = char_len(w, n), p2 = p1 + char_len(w + p1, n - p1), i, k;
    int rc;

    *nlist = 0;
    if (n < 3 || p2 >= n || p2 + 1 >= sizeof lo) {
        return FOUINE_OK;
    }
    memcpy(lo, w, p2);
    lo[p2] = '\0';
    memcpy(hi, w, p2);
    hi[p2] = '\0';
    for (k = p2; k > 0 && (unsigned char)hi[k - 1] == 0xFF; k--) {
    }
    if (k == 0) {
        return FOUINE_OK;
    }
    hi[k - 1] = (char)(hi[k - 1] + 1);
    hi[k] = '\0';
    sqlite3_bind_text(sp->range, 1, lo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(sp->range, 2, hi, -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(sp->range)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(sp->range, 0);
        size_t m = (size_t)sqlite3_column_bytes(sp->range, 0), d;
        if (!t || m > FOUINE_SPELL_WORD) {
            continue;
        }
        d = fouine_spell_distance(w, n, t, m, limit);
        if (d > 0 && d <= limit) {
            /* Only a few folds of the range are close: their articles are
            ** looked up; t stays valid (the range statement is not
            ** stepped meanwhile). */
            char fold[FOUINE_SPELL_WORD + 1];
            fold_info fi;
            memcpy(fold, t, m);
            fold[m] = '\0';
            rc = fold_docs(sp, fold, m, &fi);
            if (rc != FOUINE_OK) {
                sqlite3_reset(sp->range);
                return rc;
            }
            keep(list, nlist, fold, m, &fi, d);
        }
    }
    sqlite3_reset(sp->range);
    if (rc != SQLITE_DONE) {
        return fouine_store_error(sp->db);
    }
    if (p1 != 1 || p2 != 2) {
        return FOUINE_OK; /* not two ASCII letters: the range is enough */
    }
    /* One edit in the first two letters: deletions and transpositions. */
    rc = probe(sp, list, nlist, w + 1, n - 1);
    c[0] = w[0];
    memcpy(c + 1, w + 2, n - 2);
    if (rc == FOUINE_OK) {
        rc = probe(sp, list, nlist, c, n - 1);
    }
    memcpy(c, w, n);
    c[0] = w[1];
    c[1] = w[0];
    if (rc == FOUINE_OK && w[0] != w[1]) {
        rc = probe(sp, list, nlist, c, n);
    }
    memcpy(c, w, n);
    c[1] = w[2];
    c[2] = w[1];
    if (rc == FOUINE_OK && w[1] != w[2]) {
        rc = probe(sp, list, nlist, c, n);
    }
    /* Substitutions and insertions. */
    for (i = 0; rc == FOUINE_OK && letters[i]; i++) {
        char l = letters[i];
        memcpy(c, w, n);
        c[0] = l;
        if (l != w[0]) {
            rc = probe(sp, list, nlist, c, n);
        }
        memcpy(c, w, n);
        c[1] = l;
        if (rc == FOUINE_OK && l != w[1]) {
            rc = probe(sp, list, nlist, c, n);
        }
        if (n >= 2 && n < FOUINE_SPELL_WORD) {
            c[0] = l;
            memcpy(c + 1, w, n);
            if (rc == FOUINE_OK) {
                rc = probe(sp, list, nlist, c, n + 1);
            }
            c[0] = w[0];
            c[1] = l;
            memcpy(c + 2, w + 1, n - 1);
            if (rc == FOUINE_OK && l != w[0]) {
                rc = probe(sp, list, nlist, c, n + 1);
            }
        }
    }
    return rc;
}

/* Whether w[0..n) holds a digit. */
static int has_digit(const char *w, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (w[i] >= '0' && w[i] <= '9') {
            return 1;
        }
    }
    return 0;
}

/* Position of an AZERTY key (row, column in quarters of a key), or 0. */
static int key_of(char c, int *row, int *col)
{
    static const char *const rows[3] = { "azertyuiop", "qsdfghjklm", "wxcvbn" };
    static const int shift[3] = { 0, 1, 4 }; /* quarters of a key */
    int r;
    for (r = 0; r < 3; r++) {
        const char *k = strchr(rows[r], c);
        if (c && k) {
            *row = r;
            *col = 4 * (int)(k - rows[r]) + shift[r];
            return 1;
        }
    }
    return 0;
}

/* Whether a and b are neighbouring keys of an AZERTY keyboard. */
static int neighbours(char a, char b)
{
    int ra, ca, rb, cb, dr, dc;
    if (!key_of(a, &ra, &ca) || !key_of(b, &rb, &cb)) {
        return 0;
    }
    dr = ra > rb ? ra - rb : rb - ra;
    dc = ca > cb ? ca - cb : cb - ca;
    return dr == 0 ? dc == 4 : dr == 1 && dc <= 5;
}

/*
** How unlikely a typing error turning the word cand[0..m) into the word
** typed w[0..n) is, for candidates one edit away: 0 for the usual slips
** (a letter left out, a letter doubled, two letters swapped, a
** neighbouring key), 1 for the others (a letter added, a far key).
*/
static int slip_cost(const char *w, size_t n, const char *cand, size_t m)
{
    size_t i = 0;
    while (i < n && i < m && w[i] == cand[i]) {
        i++;
    }
    if (n + 1 == m) {
        return 0; /* a letter of cand left out */
    }
    if (n == m + 1) {
        /* w has one letter more: doubled, or added */
        return (i > 0 && w[i] == w[i - 1]) || (i + 1 < n && w[i] == w[i + 1]) ?
                   0 :
                   1;
    }
    if (n == m && i + 1 < n && w[i] == cand[i + 1] && w[i + 1] == cand[i]) {
        return 0; /* swapped */
    }
    return n == m && i < n && neighbours(w[i], cand[i]) ? 0 : 1;
}

/*
** The candidates of the word w[0..n) (its stem: stem, or "") that the
** index holds in docs articles (or its relatives do, when it holds none of
** it), best first, into pool (FOUINE_SPELL_CANDS); none when the word
** looks right.  A candidate of the word's stem is left out: an inflection
** is searched as one of the word's forms, not as a correction.  When a
** much more frequent word an edit further wins over a rare closest one,
** that closest one goes to *displaced (dist 0 otherwise).
*/
static int correct_word(speller *sp,
                        const char *w,
                        size_t n,
                        const char *stem,
                        long long docs,
                        fouine_spell_cand *pool,
                        size_t *npool,
                        fouine_spell_cand *displaced)
{
    fouine_spell_cand list[FOUINE_SPELL_CANDS];
    size_t nlist = 0, limit = n >= SPELL_LONG ? 2 : 1, i, k;
    int rc;

    *npool = 0;
    displaced->dist = 0;
    /* One edit more than the rule allows, to see a much more frequent
    ** word behind a rare closest one. */
    rc = candidates(sp, w, n, limit + 1, list, &nlist);
    if (rc != FOUINE_OK || nlist == 0) {
        return rc;
    }
    for (i = 0, k = 0; i < nlist; i++) {
        /* A word of SPELL_MIN - 1 letters is a longer word with a letter
        ** left out: only what has a letter more. */
        if (n < SPELL_MIN && (list[i].dist != 1 || list[i].len != n + 1)) {
            continue;
        }
        if (*stem && strcmp(list[i].stem, stem) == 0) {
            continue; /* an inflection */
        }
        list[k++] = list[i];
    }
    nlist = k;
    if (nlist == 0 || list[0].dist > limit) {
        return FOUINE_OK; /* nothing within the rule */
    }
    /* A rare closest word loses to a much more frequent one an edit
    ** further (unless the rest of the query finds it: see
    ** fouine_spell_query()). */
    if (list[0].docs <= SPELL_RARE) {
        for (i = 1; i < nlist; i++) {
            if (list[i].dist == list[0].dist + 1 &&
                list[i].docs >= SPELL_RATIO * list[0].docs) {
                fouine_spell_cand best = list[i];
                *displaced = list[0];
                memmove(&list[1], &list[0], i * sizeof *list);
                list[0] = best;
                break;
            }
        }
    }
    if (docs > 0 && list[0].docs < SPELL_RATIO * docs) {
        displaced->dist = 0;
        return FOUINE_OK; /* a rare word, but nothing much more common */
    }
    /* The pool: the best, and those as close and not much rarer. */
    pool[0] = list[0];
    *npool = 1;
    for (i = 1; i < nlist; i++) {
        if (list[i].dist == list[0].dist &&
            list[i].docs * SPELL_RATIO >= list[0].docs &&
            (docs == 0 || list[i].docs >= SPELL_RATIO * docs)) {
            pool[(*npool)++] = list[i];
        }
    }
    for (i = 0; i < *npool; i++) {
        pool[i].slip =
            pool[i].dist == 1 ? slip_cost(w, n, pool[i].term, pool[i].len) : 1;
    }
    return FOUINE_OK;
}

/* Articles that hold a word and the rest of the query, up to CONTEXT_MAX
** (context_count()). */
#define CONTEXT_MAX 100

/* Append to e the tokens that stmt (bound to its key) gives, separated by
** '|' (with a leading '|' when sep); count them into *n when n. */
static int stmt_tokens(sqlite3 *db,
                       sqlite3_stmt *stmt,
                       fouine_buf *e,
                       int sep,
                       int *n)
{
    int rc, step, k = 0;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(stmt, 0);
        if (t) {
            fouine_buf_puts(e, sep || k ? "|" : "");
            fouine_buf_puts(e, t);
            k++;
        }
    }
    rc = step == SQLITE_DONE ? FOUINE_OK : fouine_store_error(db);
    sqlite3_reset(stmt);
    if (n) {
        *n = k;
    }
    return rc;
}

/* Append to e the tokens of the fold w (stmt_tokens()). */
static int fold_tokens(speller *sp, fouine_buf *e, const char *w, int sep)
{
    sqlite3_bind_text(sp->tokens, 1, w, -1, SQLITE_STATIC);
    return stmt_tokens(sp->db, sp->tokens, e, sep, NULL);
}

/*
** The phrase of a word for FTS5, into e: "{a|b}" of the tokens of the fold
** w, or of the stem w when stem; an empty e when the lexicon has none.
*/
static int word_phrase(speller *sp, fouine_buf *e, const char *w, int stem)
{
    int rc, n = 0;
    fouine_buf_puts(e, "\"{");
    if (stem) {
        sqlite3_bind_text(sp->stems, 1, w, -1, SQLITE_STATIC);
        rc = stmt_tokens(sp->db, sp->stems, e, 0, &n);
    } else {
        sqlite3_bind_text(sp->tokens, 1, w, -1, SQLITE_STATIC);
        rc = stmt_tokens(sp->db, sp->tokens, e, 0, &n);
    }
    fouine_buf_puts(e, "}\"");
    fouine_buf_append(e, "", 0);
    if (rc == FOUINE_OK && e->failed) {
        rc = FOUINE_ENOMEM;
    }
    if (n == 0) {
        e->len = 0;
    }
    return rc;
}

/*
** The articles holding the word whose phrase is self (word_phrase()) and
** the rest of the query (each other term as it is searched, a corrected
** word with its first candidate too), up to CONTEXT_MAX, into *count: all
** the other terms, or, when any and there are two or more, one of them at
** least (a question's words are not all in the article that answers it).
** 0 when self is empty or the query has no other term.
*/
static int context_count(speller *sp,
                         const fouine_parsed *q,
                         const fouine_correction *corr,
                         size_t ncorr,
                         size_t word,
                         const char *self,
                         int any,
                         long long *count)
{
    fouine_buf e = { 0 }, rest = { 0 };
    const char *sep;
    size_t i, k, others = 0;
    int rc = FOUINE_OK;

    *count = 0;
    if (!self || !*self) {
        return FOUINE_OK;
    }
    for (i = 0; i < q->nterms; i++) {
        others +=
            q->terms[i].start != corr[word].start && q->terms[i].tokens[0];
    }
    sep = any && others >= 2 ? " OR " : " AND ";
    others = 0;
    for (i = 0; rc == FOUINE_OK && i < q->nterms; i++) {
        const fouine_hl_term *t = &q->terms[i];
        const fouine_correction *c = NULL;
        const char *p;
        if (t->start == corr[word].start || !t->tokens[0]) {
            continue;
        }
        for (k = 0; k < ncorr; k++) {
            if (corr[k].start == t->start && corr[k].ncands > 0) {
                c = &corr[k];
            }
        }
        fouine_buf_puts(&rest, others ? sep : "");
        fouine_buf_puts(&rest, "\"{");
        for (p = t->tokens; *p; p++) {
            fouine_buf_puts(&rest, *p == ' ' ? "} {" : "");
            if (*p != ' ') {
                fouine_buf_append(&rest, p, 1);
            }
        }
        if (c) {
            rc = fold_tokens(sp, &rest, c->cands[0].term, 1);
        }
        fouine_buf_puts(&rest, t->prefix ? "}\"*" : "}\"");
        others++;
    }
    fouine_buf_append(&rest, "", 0);
    if (rc == FOUINE_OK && rest.failed) {
        rc = FOUINE_ENOMEM;
    }
    if (rc != FOUINE_OK || others == 0) {
        goto done;
    }
    fouine_buf_puts(&e, self);
    fouine_buf_puts(&e, " AND (");
    fouine_buf_puts(&e, rest.data);
    fouine_buf_puts(&e, ")");
    fouine_buf_append(&e, "", 0);
    if (e.failed) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    sqlite3_bind_text(sp->few, 1, e.data, -1, SQLITE_STATIC);
    sqlite3_bind_int(sp->few, 2, CONTEXT_MAX);
    if (sqlite3_step(sp->few) == SQLITE_ROW) {
        *count = sqlite3_column_int64(sp->few, 0);
    } else {
        rc = fouine_store_error(sp->db);
    }
    sqlite3_reset(sp->few);
done:
    fouine_free(e.data);
    fouine_free(rest.data);
    return rc;
}

/* context_count() of the fold (or the stem, when stem) w. */
static int word_context(speller *sp,
                        const fouine_parsed *q,
                        const fouine_correction *corr,
                        size_t ncorr,
                        size_t word,
                        const char *w,
                        int stem,
                        int any,
                        long long *count)
{
    fouine_buf self = { 0 };
    int rc = word_phrase(sp, &self, w, stem);
    *count = 0;
    if (rc == FOUINE_OK && self.len > 0) {
        rc = context_count(sp, q, corr, ncorr, word, self.data, any, count);
    }
    fouine_free(self.data);
    return rc;
}

/* The articles holding a word of the stem w (summed over its tokens: a
** bound), into *docs. */
static int stem_docs(speller *sp, const char *w, long long *docs)
{
    int rc = FOUINE_OK, step;
    *docs = 0;
    sqlite3_bind_text(sp->stems, 1, w, -1, SQLITE_STATIC);
    while (rc == FOUINE_OK && (step = sqlite3_step(sp->stems)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(sp->stems, 0);
        int vs;
        if (!t) {
            continue;
        }
        sqlite3_bind_text(sp->docs, 1, t, -1, SQLITE_TRANSIENT);
        vs = sqlite3_step(sp->docs);
        if (vs == SQLITE_ROW) {
            *docs += sqlite3_column_int64(sp->docs, 0);
        } else if (vs != SQLITE_DONE) {
            rc = fouine_store_error(sp->db);
        }
        sqlite3_reset(sp->docs);
    }
    if (rc == FOUINE_OK && step != SQLITE_DONE) {
        rc = fouine_store_error(sp->db);
    }
    sqlite3_reset(sp->stems);
    return rc;
}

/* Order of candidates: found with the rest of the query first, then the
** closest, the likeliest slip, the most found with the query, the most
** frequent. */
static int cand_cmp(const void *x, const void *y)
{
    const fouine_spell_cand *a = x, *b = y;
    if ((a->context > 0) != (b->context > 0)) {
        return a->context > 0 ? -1 : 1;
    }
    if (a->dist != b->dist) {
        return a->dist < b->dist ? -1 : 1;
    }
    if (a->slip != b->slip) {
        return a->slip < b->slip ? -1 : 1;
    }
    if (a->context != b->context) {
        return a->context > b->context ? -1 : 1;
    }
    return a->docs > b->docs ? -1 : a->docs < b->docs;
}

/*
** The articles holding the fold w, counted up to SPELL_RARE + 1 only: what
** tells a word from a typo, at the cost of a few rows for a common word
** (counting all its articles would read its whole posting list).
*/
static int fold_few(speller *sp, const char *w, long long *docs)
{
    fouine_buf e = { 0 };
    int rc = word_phrase(sp, &e, w, 0);
    *docs = 0;
    if (rc == FOUINE_OK && e.len > 0) {
        sqlite3_bind_text(sp->few, 1, e.data, -1, SQLITE_STATIC);
        sqlite3_bind_int(sp->few, 2, SPELL_RARE + 1);
        if (sqlite3_step(sp->few) == SQLITE_ROW) {
            *docs = sqlite3_column_int64(sp->few, 0);
        } else {
            rc = fouine_store_error(sp->db);
        }
        sqlite3_reset(sp->few);
    }
    fouine_free(e.data);
    return rc;
}

int fouine_spell_query(fouine_correction **out,
                       size_t *nout,
                       fouine_lexicon *lx,
                       fouine_analyzer *an,
                       const fouine_parsed *q,
                       const char *text)
{
    fouine_correction *list = NULL;
    fouine_spell_cand *pools = NULL, *displaced = NULL;
    size_t *npools = NULL;
    first_ctx *words = NULL; /* the fold and stem of each correction */
    sqlite3 *db = fouine_lexicon_db(lx);
    speller sp;
    size_t i, k, n = 0;
    int rc;

    *out = NULL;
    *nout = 0;
    if (q->nwords == 0) {
        return FOUINE_OK;
    }
    rc = speller_open(&sp, db);
    if (rc != FOUINE_OK) {
        return rc;
    }
    list = fouine_calloc(q->nwords, sizeof *list);
    pools = fouine_calloc(q->nwords * FOUINE_SPELL_CANDS, sizeof *pools);
    npools = fouine_calloc(q->nwords, sizeof *npools);
    displaced = fouine_calloc(q->nwords, sizeof *displaced);
    words = fouine_calloc(q->nwords, sizeof *words);
    if (!list || !pools || !npools || !displaced || !words) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    for (i = 0; i < q->nwords; i++) {
        size_t start = q->words[2 * i], end = q->words[2 * i + 1];
        fouine_correction *c = &list[n];
        first_ctx *f = &words[n];
        long long docs = 0, related = 0;
        memset(f, 0, sizeof *f);
        rc = fouine_analyzer_run(an, text + start, end - start,
                                 FOUINE_ANALYZE_WORDS, first_token, f);
        if (rc != FOUINE_OK) {
            goto done;
        }
        if (f->len < SPELL_MIN - 1 || has_digit(f->word, f->len) ||
            fouine_is_stopword(f->word, f->len)) {
            continue;
        }
        rc = fold_few(&sp, f->word, &docs);
        if (rc == FOUINE_OK && docs == 0 && f->nstem >= SPELL_STEM) {
            rc = stem_docs(&sp, f->stem, &related);
        }
        if (rc != FOUINE_OK) {
            goto done;
        }
        if (docs > SPELL_RARE || (docs > 0 && f->len < SPELL_MIN)) {
            continue;
        }
        rc = correct_word(
            &sp, f->word, f->len, f->stem, docs > 0 ? docs : related,
            &pools[n * FOUINE_SPELL_CANDS], &npools[n], &displaced[n]);
        if (rc != FOUINE_OK) {
            goto done;
        }
        if (npools[n] > 0) {
            c->start = start;
            c->end = end;
            memcpy(c->typed, f->word, f->len + 1);
            c->docs = docs;
            c->related = related;
            c->applied = 1;
            c->cands[0] = pools[n * FOUINE_SPELL_CANDS];
            c->ncands = 1;
            n++;
        }
    }
    /* A rare word, or one whose stem the index holds, that the rest of the
    ** query finds is not a typo; one alone in its query is only
    ** suggested. */
    for (i = 0, k = 0; i < n; i++) {
        long long ctx = 0, cand_ctx = 0;
        if (list[i].docs > 0) {
            if (q->nwords < 2) {
                list[i].applied = 0;
            } else {
                rc = word_context(&sp, q, list, n, i, list[i].typed, 0,
                                  q->question, &ctx);
                if (rc != FOUINE_OK) {
                    goto done;
                }
                if (ctx > 0) {
                    continue;
                }
            }
        } else if (list[i].related > 0 && q->nwords >= 2) {
            /* Its relatives, if the rest of the query finds them about as
            ** often as the correction. */
            rc = word_context(&sp, q, list, n, i, words[i].stem, 1, q->question,
                              &ctx);
            if (rc == FOUINE_OK && ctx > 0) {
                rc = word_context(&sp, q, list, n, i, list[i].cands[0].term, 0,
                                  q->question, &cand_ctx);
            }
            if (rc != FOUINE_OK) {
                goto done;
            }
            if (ctx > 0 && cand_ctx < SPELL_CONTEXT_RATIO * ctx) {
                continue;
            }
        }
        if (k != i) {
            list[k] = list[i];
            words[k] = words[i];
            displaced[k] = displaced[i];
            memcpy(&pools[k * FOUINE_SPELL_CANDS],
                   &pools[i * FOUINE_SPELL_CANDS],
                   FOUINE_SPELL_CANDS * sizeof *pools);
            npools[k] = npools[i];
        }
        k++;
    }
    n = k;
    /* A rare closest word that the rest of the query finds is kept
    ** before a more frequent one an edit further. */
    for (i = 0; i < n && q->nwords >= 2; i++) {
        long long ctx = 0;
        if (displaced[i].dist == 0) {
            continue;
        }
        rc = word_context(&sp, q, list, n, i, displaced[i].term, 0, q->question,
                          &ctx);
        if (rc != FOUINE_OK) {
            goto done;
        }
        if (ctx > 0) {
            fouine_spell_cand *c = &displaced[i];
            c->slip = c->dist == 1 ? slip_cost(words[i].word, words[i].len,
                                               c->term, c->len) :
                                     1;
            pools[i * FOUINE_SPELL_CANDS] = *c;
            npools[i] = 1;
            list[i].cands[0] = *c;
        }
    }
    /* Order each word's candidates with the rest of the query. */
    for (i = 0; i < n; i++) {
        fouine_spell_cand *pool = &pools[i * FOUINE_SPELL_CANDS];
        for (k = 0; k < npools[i] && npools[i] > 1; k++) {
            rc = word_context(&sp, q, list, n, i, pool[k].term, 0, 0,
                              &pool[k].context);
            if (rc != FOUINE_OK) {
                goto done;
            }
        }
        qsort(pool, npools[i], sizeof *pool, cand_cmp);
        list[i].ncands = 0;
        for (k = 0; k < npools[i] && list[i].ncands < FOUINE_SPELL_KEEP; k++) {
            /* Candidates the rest of the query rules out are left out
            ** when one fits. */
            if (k > 0 && pool[0].context > 0 && pool[k].context == 0) {
                break;
            }
            list[i].cands[list[i].ncands++] = pool[k];
        }
    }
    if (n > 0) {
        *out = list;
        *nout = n;
        list = NULL;
    }
done:
    fouine_free(list);
    fouine_free(pools);
    fouine_free(npools);
    fouine_free(displaced);
    fouine_free(words);
    speller_close(&sp);
    return rc;
}
