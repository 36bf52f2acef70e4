/*
** related.c: the articles closest to one article (fouine_related()).
**
** The article's title, lead and body are analyzed again by the index's
** analyzer, which gives exactly the tokens the index holds, each with its
** stem.  Its words are grouped by stem (stop words and words without a
** stem, numbers among them, left out), each stem weighted by its
** frequency in the article, a title word counting FOUINE_RELATED_TITLE
** times, saturated as BM25 does (tf * (k1 + 1) / (tf + k1)), times its
** idf in the index (the articles holding the article's tokens of that
** stem, from fts5vocab); stems found in no other article say nothing of
** the others and are left out.  The FOUINE_RELATED_TERMS best stems,
** each searched as the article's tokens of it and up to
** FOUINE_RELATED_FORMS other tokens of the index of that stem (the
** lexicon), are OR-ed into
** one FTS5 expression ranked by fouine_rank() (rank.c), each stem an item
** of its own whose weight is the stem's weight in the article (less its
** idf, which fouine_rank() computes over the index): BM25F with the title
** weighted, title coverage and proximity, as a search.  Equal scores go to
** the newer article.  The article itself is never a match, nor are its
** near-duplicates (find_duplicates()), whose words do not count in the
** idf either.
*/
#include "indexer.h"
#include "search_int.h"

#include "fouine/alloc.h"
#include "store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Stems searched, how much more a title word counts, the saturation of a
** stem's frequency in the article, the tokens of the index searched for a
** stem besides the article's own (16 doubled the time for fewer articles
** of the same category: bench/RESULTS.md). */
#define FOUINE_RELATED_TERMS 25
#define FOUINE_RELATED_TITLE 3.0
#define FOUINE_RELATED_K1    1.2
#define FOUINE_RELATED_FORMS 4

/* One word of the article, as the analyzer read it: offsets into the
** pool of words. */
typedef struct word_at {
    size_t token, ntoken; /* its token */
    size_t stem, nstem;   /* its stem (nstem 0: none) */
    int title;            /* read in the title */
} word_at;

/* The words of an article being read. */
typedef struct reading {
    fouine_buf pool; /* the bytes of every token and stem; owned */
    word_at *words;  /* owned */
    size_t nwords, cap;
    int title; /* the text being read is the title */
    int kept;  /* the last token was kept (its stem goes with it) */
} reading;

/* One word with its strings, to sort by stem. */
typedef struct word {
    const char *token, *stem; /* in the pool; not owned */
    size_t ntoken, nstem;
    int title;
} word;

/* A stem of the article and what it weighs. */
typedef struct term {
    const word *first; /* its first word in the sorted words; not owned */
    size_t nwords;     /* its words (first .. first + nwords) */
    double tf;         /* occurrences, a title one FOUINE_RELATED_TITLE */
    double qw;         /* tf saturated: the weight fouine_rank() gets */
    double weight;     /* qw * idf: distinctiveness in the article */
} term;

/* fouine_token_cb: keep each token that is no stop word, and its stem. */
static int on_token(const char *t,
                    size_t len,
                    size_t start,
                    size_t end,
                    int flags,
                    void *payload)
{
    reading *rd = payload;
    (void)start;
    (void)end;
    if (flags & FOUINE_TOKEN_FOLD) {
        return 0;
    }
    if (flags & FOUINE_TOKEN_STEM) {
        if (rd->kept) { /* the stem of the token just kept */
            rd->words[rd->nwords - 1].stem = rd->pool.len;
            rd->words[rd->nwords - 1].nstem = len;
            fouine_buf_append(&rd->pool, t, len);
        }
        return 0;
    }
    rd->kept = 0;
    if (fouine_is_stopword(t, len)) {
        return 0;
    }
    if (rd->nwords == rd->cap) {
        size_t cap = rd->cap ? 2 * rd->cap : 256;
        word_at *v = fouine_realloc(rd->words, cap * sizeof *v);
        if (!v) {
            return FOUINE_ENOMEM;
        }
        rd->words = v;
        rd->cap = cap;
    }
    rd->words[rd->nwords].token = rd->pool.len;
    rd->words[rd->nwords].ntoken = len;
    rd->words[rd->nwords].stem = 0;
    rd->words[rd->nwords].nstem = 0;
    rd->words[rd->nwords].title = rd->title;
    rd->nwords++;
    rd->kept = 1;
    fouine_buf_append(&rd->pool, t, len);
    return 0;
}

/* Read the words of text (NULL: none) into rd. */
static int read_words(reading *rd, fouine_analyzer *an, const char *text)
{
    int rc;
    if (!text || !*text) {
        return FOUINE_OK;
    }
    rc = fouine_analyzer_run(an, text, strlen(text),
                             FOUINE_ANALYZE_DOCUMENT | FOUINE_ANALYZE_WORDS,
                             on_token, rd);
    if (rc == FOUINE_OK && rd->pool.failed) {
        rc = FOUINE_ENOMEM;
    }
    return rc;
}

static int by_stem(const void *a, const void *b)
{
    const word *x = a, *y = b;
    size_t n = x->nstem < y->nstem ? x->nstem : y->nstem;
    int c = memcmp(x->stem, y->stem, n);
    if (c != 0 || x->nstem != y->nstem) {
        return c != 0 ? c : x->nstem < y->nstem ? -1 : 1;
    }
    n = x->ntoken < y->ntoken ? x->ntoken : y->ntoken;
    c = memcmp(x->token, y->token, n);
    return c != 0 ? c : (int)x->ntoken - (int)y->ntoken;
}

/* Most distinctive first. */
static int by_weight(const void *a, const void *b)
{
    const term *x = a, *y = b;
    if (x->weight < y->weight || x->weight > y->weight) {
        return x->weight < y->weight ? 1 : -1;
    }
    return by_stem(x->first, y->first);
}

/* The articles holding token t[0..n): *docs (0 when none). */
static int token_docs(long long *docs,
                      sqlite3 *db,
                      sqlite3_stmt *vocab,
                      const char *t,
                      size_t n)
{
    int step;
    *docs = 0;
    sqlite3_bind_text(vocab, 1, t, (int)n, SQLITE_STATIC);
    step = sqlite3_step(vocab);
    if (step == SQLITE_ROW) {
        *docs = sqlite3_column_int64(vocab, 0);
    }
    sqlite3_reset(vocab);
    return step == SQLITE_ROW || step == SQLITE_DONE ? FOUINE_OK :
                                                       fouine_store_error(db);
}

/* Append t[0..n) to b as an FTS5 string ("..." with " doubled). */
static void put_phrase(fouine_buf *b, const char *t, size_t n)
{
    size_t i;
    fouine_buf_append(b, "\"", 1);
    for (i = 0; i < n; i++) {
        fouine_buf_append(b, t[i] == '"' ? "\"\"" : t + i, t[i] == '"' ? 2 : 1);
    }
    fouine_buf_append(b, "\"", 1);
}

/*
** The expression *expr and map *map (fouine_rank()) of the terms: each
** term item k, its tokens of the index (those of its stem in the lexicon,
** up to FOUINE_RELATED_FORMS, and its own words) OR-ed, in tier 3, whose
** weight the map sets (rank.c).  Both owned by the caller.
*/
static int build_query(fouine_buf *expr,
                       fouine_buf *map,
                       sqlite3 *db,
                       const term *terms,
                       size_t nterms)
{
    static const char forms_sql[] =
        "SELECT token FROM lexicon WHERE stem = ?1 ORDER BY token LIMIT ?2";
    sqlite3_stmt *forms = NULL;
    size_t k, i;
    int rc = FOUINE_OK, step = SQLITE_DONE;
    if (sqlite3_prepare_v2(db, forms_sql, -1, &forms, NULL) != SQLITE_OK) {
        return fouine_store_error(db);
    }
    for (k = 0; k < nterms && rc == FOUINE_OK; k++) {
        const term *tm = &terms[k];
        const word *w0 = tm->first;
        for (i = 0; i < tm->nwords; i++) {
            const word *w = &tm->first[i];
            if (i > 0 && w->ntoken == w[-1].ntoken &&
                memcmp(w->token, w[-1].token, w->ntoken) == 0) {
                continue; /* the same token again */
            }
            fouine_buf_puts(expr, expr->len ? " OR " : "");
            put_phrase(expr, w->token, w->ntoken);
            fouine_buf_printf(map, "%s%zu.3:%.4f", map->len ? " " : "", k,
                              tm->qw);
        }
        /* The index's other tokens of the stem: those the article does
        ** not write (those it writes are above). */
        sqlite3_bind_text(forms, 1, w0->stem, (int)w0->nstem, SQLITE_STATIC);
        sqlite3_bind_int(forms, 2, FOUINE_RELATED_FORMS);
        while ((step = sqlite3_step(forms)) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(forms, 0);
            size_t n = (size_t)sqlite3_column_bytes(forms, 0), j;
            int own = 0;
            for (j = 0; t && j < tm->nwords && !own; j++) {
                own = tm->first[j].ntoken == n &&
                      memcmp(tm->first[j].token, t, n) == 0;
            }
            if (!t || own) {
                continue;
            }
            fouine_buf_puts(expr, " OR ");
            put_phrase(expr, t, n);
            fouine_buf_printf(map, " %zu.3:%.4f", k, tm->qw);
        }
        if (step != SQLITE_DONE) {
            rc = fouine_store_error(db);
        }
        sqlite3_reset(forms);
    }
    sqlite3_finalize(forms);
    if (rc == FOUINE_OK && (expr->failed || map->failed)) {
        rc = FOUINE_ENOMEM;
    }
    return rc;
}

/* The article's near-duplicates: their rowids (owned). */
typedef struct dups {
    sqlite3_int64 *rowid;
    size_t n, cap;
} dups;

/* Whether rowid is one of d. */
static int dups_has(const dups *d, sqlite3_int64 rowid)
{
    size_t i;
    for (i = 0; i < d->n; i++) {
        if (d->rowid[i] == rowid) {
            return 1;
        }
    }
    return 0;
}

/* Add rowid to d unless it is there.  Returns FOUINE_OK or FOUINE_ENOMEM. */
static int dups_add(dups *d, sqlite3_int64 rowid)
{
    if (dups_has(d, rowid)) {
        return FOUINE_OK;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 8;
        sqlite3_int64 *v = fouine_realloc(d->rowid, cap * sizeof *v);
        if (!v) {
            return FOUINE_ENOMEM;
        }
        d->rowid = v;
        d->cap = cap;
    }
    d->rowid[d->n++] = rowid;
    return FOUINE_OK;
}

/* Add to d the other members of the group of near-duplicates of the
** article at self (lib/store/near.c).  Returns FOUINE_OK, FOUINE_EDB or
** FOUINE_ENOMEM. */
static int group_members(dups *d, sqlite3 *db, sqlite3_int64 self)
{
    static const char sql[] =
        "SELECT rowid FROM near WHERE grp = ?1 AND rowid <> ?2";
    sqlite3_stmt *stmt = NULL;
    sqlite3_int64 group = self;
    int rc = fouine_near_group(&group, db, self), step = SQLITE_DONE;
    if (rc != FOUINE_OK) {
        return rc;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        return fouine_store_error(db);
    }
    sqlite3_bind_int64(stmt, 1, group);
    sqlite3_bind_int64(stmt, 2, self);
    while (rc == FOUINE_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        rc = dups_add(d, sqlite3_column_int64(stmt, 0));
    }
    if (rc == FOUINE_OK && step != SQLITE_DONE) {
        rc = fouine_store_error(db);
    }
    sqlite3_finalize(stmt);
    return rc;
}

/*
** Exclude the article's near-duplicates: find them, into d (cleared
** first), so that they are neither related articles nor counted in the
** document frequencies of the article's words (a copy holds them all).
** They are the other members of its group of near-duplicates (MinHash,
** lib/store/near.c) and the articles whose title, folded, is the
** article's folded title (fold; "" for an untitled article, which has
** none: a copy of the same headline the grouping has not joined, e.g. an
** update whose text changed much): the articles whose title holds every
** word of the article's title but stop words (rd's words of the title,
** each as any token of the lexicon of its fold) are compared.
*/
static int find_duplicates(dups *d,
                           sqlite3 *db,
                           const reading *rd,
                           sqlite3_int64 self,
                           const char *fold)
{
    static const char sql[] =
        "SELECT rowid, title FROM article_fts WHERE article_fts MATCH ?1"
        " AND rowid <> ?2";
    static const char forms_sql[] =
        "SELECT token FROM lexicon WHERE fold = fouine_fold(?1)"
        " AND token <> ?1 LIMIT 16";
    sqlite3_stmt *stmt = NULL, *forms = NULL;
    fouine_buf expr = { 0 };
    char *other = NULL;
    size_t i;
    int rc = FOUINE_OK, step;

    memset(d, 0, sizeof *d);
    rc = group_members(d, db, self);
    if (rc != FOUINE_OK || !*fold || rd->nwords == 0 || !rd->words[0].title) {
        goto done; /* untitled, or a title of stop words: none */
    }
    if (sqlite3_prepare_v2(db, forms_sql, -1, &forms, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        rc = fouine_store_error(db);
        goto done;
    }
    /* Each word as the index writes it, accents aside. */
    for (i = 0; rc == FOUINE_OK && i < rd->nwords && rd->words[i].title; i++) {
        const word_at *w = &rd->words[i];
        fouine_buf_puts(&expr, expr.len ? ") AND (" : "title : ((");
        put_phrase(&expr, rd->pool.data + w->token, w->ntoken);
        sqlite3_bind_text(forms, 1, rd->pool.data + w->token, (int)w->ntoken,
                          SQLITE_STATIC);
        while ((step = sqlite3_step(forms)) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(forms, 0);
            fouine_buf_puts(&expr, " OR ");
            put_phrase(&expr, t ? t : "",
                       (size_t)sqlite3_column_bytes(forms, 0));
        }
        if (step != SQLITE_DONE) {
            rc = fouine_store_error(db);
        }
        sqlite3_reset(forms);
    }
    fouine_buf_puts(&expr, "))");
    if (rc == FOUINE_OK && expr.failed) {
        rc = FOUINE_ENOMEM;
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    sqlite3_bind_text(stmt, 1, expr.data, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, self);
    while (rc == FOUINE_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(stmt, 1);
        rc = fouine_fold(&other, t ? t : "",
                         (size_t)sqlite3_column_bytes(stmt, 1));
        if (rc == FOUINE_OK && strcmp(other, fold) == 0) {
            rc = dups_add(d, sqlite3_column_int64(stmt, 0));
        }
        fouine_free(other);
        other = NULL;
    }
    if (rc == FOUINE_OK && step != SQLITE_DONE) {
        rc = fouine_store_error(db);
    }
done:
    sqlite3_finalize(stmt);
    sqlite3_finalize(forms);
    fouine_free(expr.data);
    return rc;
}

/*
** The n best matches of expr (ranked with map), the article of rowid self
** and its near-duplicates d excluded, into s->hits (owned by s).
*/
static int best_matches(search *s,
                        const char *expr,
                        const char *map,
                        sqlite3_int64 self,
                        const dups *d,
                        size_t n)
{
    static const char sql[] =
        "SELECT m.r, m.s FROM (SELECT rowid AS r,"
        " fouine_rank(article_fts, ?2) AS s FROM article_fts"
        " WHERE article_fts MATCH ?1 AND rowid <> ?3) AS m"
        " JOIN article a ON a.rowid = m.r"
        " ORDER BY m.s, a.date DESC, m.r DESC LIMIT ?4";
    sqlite3_stmt *stmt = NULL;
    int rc = FOUINE_OK, step = SQLITE_DONE;

    s->nhits = 0;
    s->hits = fouine_calloc(n, sizeof *s->hits);
    if (!s->hits) {
        return FOUINE_ENOMEM;
    }
    if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        return fouine_store_error(s->db);
    }
    sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, map, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, self);
    sqlite3_bind_int64(stmt, 4, (sqlite3_int64)(n + d->n));
    while (s->nhits < n && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        sqlite3_int64 rowid = sqlite3_column_int64(stmt, 0);
        if (!dups_has(d, rowid)) {
            s->hits[s->nhits].rowid = rowid;
            s->hits[s->nhits].score = -sqlite3_column_double(stmt, 1);
            s->nhits++;
        }
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = fouine_store_error(s->db);
    }
    sqlite3_finalize(stmt);
    return rc;
}

/*
** The terms of the article read into rd, sorted into *words (owned by
** the caller) and grouped into *terms (owned by the caller), the most
** distinctive first, those found in no other article (but its ndups
** near-duplicates) left out.
*/
static int weigh_terms(term **terms_out,
                       size_t *nterms_out,
                       word **words_out,
                       sqlite3 *db,
                       const reading *rd,
                       size_t ndups)
{
    sqlite3_stmt *vocab = NULL, *count = NULL;
    word *words = NULL;
    term *terms = NULL;
    size_t i, j, nw = 0, nt = 0;
    long long narticles = 0;
    int rc = FOUINE_OK;

    *terms_out = NULL;
    *nterms_out = 0;
    *words_out = NULL;
    words = fouine_calloc(rd->nwords ? rd->nwords : 1, sizeof *words);
    terms = fouine_calloc(rd->nwords ? rd->nwords : 1, sizeof *terms);
    if (!words || !terms) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    for (i = 0; i < rd->nwords; i++) {
        const word_at *w = &rd->words[i];
        if (w->nstem == 0) {
            continue; /* numbers, overlong words */
        }
        words[nw].token = rd->pool.data + w->token;
        words[nw].ntoken = w->ntoken;
        words[nw].stem = rd->pool.data + w->stem;
        words[nw].nstem = w->nstem;
        words[nw].title = w->title;
        nw++;
    }
    if (nw == 0) {
        goto done;
    }
    qsort(words, nw, sizeof *words, by_stem);
    if (sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fouine_vocab"
                     " USING fts5vocab(main, 'article_fts', 'row')",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT doc FROM temp.fouine_vocab WHERE term = ?1",
                           -1, &vocab, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT count(*) FROM article", -1, &count,
                           NULL) != SQLITE_OK) {
        rc = fouine_store_error(db);
        goto done;
    }
    if (sqlite3_step(count) != SQLITE_ROW) {
        rc = fouine_store_error(db);
        goto done;
    }
    narticles = sqlite3_column_int64(count, 0);
    for (i = 0; i < nw && rc == FOUINE_OK; i = j) {
        term *tm = &terms[nt];
        long long df = 0, d;
        double idf;
        tm->first = &words[i];
        for (j = i; j < nw && words[j].nstem == words[i].nstem &&
                    memcmp(words[j].stem, words[i].stem, words[i].nstem) == 0;
             j++) {
            tm->tf += words[j].title ? FOUINE_RELATED_TITLE : 1.0;
            if (j == i || by_stem(&words[j], &words[j - 1]) != 0) {
                rc = token_docs(&d, db, vocab, words[j].token, words[j].ntoken);
                df += d;
            }
        }
        tm->nwords = j - i;
        df -= (long long)ndups; /* they hold the article's words */
        if (rc != FOUINE_OK || df <= 1) {
            continue; /* in this article only: says nothing of others */
        }
        if (df > narticles) {
            df = narticles;
        }
        idf = log(1.0 +
                  ((double)narticles - (double)df + 0.5) / ((double)df + 0.5));
        tm->qw =
            tm->tf * (FOUINE_RELATED_K1 + 1) / (tm->tf + FOUINE_RELATED_K1);
        tm->weight = tm->qw * idf;
        nt++;
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    qsort(terms, nt, sizeof *terms, by_weight);
    *terms_out = terms;
    *nterms_out = nt;
    *words_out = words;
    terms = NULL;
    words = NULL;
done:
    sqlite3_finalize(vocab);
    sqlite3_finalize(count);
    fouine_free(terms);
    fouine_free(words);
    return rc;
}

static double clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int fouine_related(fouine_results **out,
                   fouine_index *ix,
                   const char *id,
                   size_t n)
{
    static const char article_sql[] =
        "SELECT rowid, title, lead, body FROM article WHERE id = ?1";
    static const fouine_parsed plain; /* no term: nothing highlighted */
    fouine_search_options opts;
    fouine_analyzer *an = NULL;
    sqlite3 *db;
    sqlite3_stmt *stmt = NULL;
    reading rd;
    dups dup;
    search s;
    results *r = NULL;
    word *words = NULL;
    term *terms = NULL;
    fouine_buf expr = { 0 }, map = { 0 };
    char *fold = NULL;
    const char *title;
    sqlite3_int64 self;
    size_t i, nterms = 0;
    double t0 = clock_ms();
    int rc, own_txn = 0;

    *out = NULL;
    memset(&rd, 0, sizeof rd);
    memset(&dup, 0, sizeof dup);
    memset(&s, 0, sizeof s);
    if (!id || n < 1 || n > FOUINE_RELATED_MAX) {
        return FOUINE_EINVAL;
    }
    rc = fouine_index_analyzer(&an, ix);
    if (rc != FOUINE_OK) {
        return rc;
    }
    db = fouine_index_db(ix);
    fouine_search_options_init(&opts);
    opts.query = id;
    opts.limit = (int)n;
    r = fouine_calloc(1, sizeof *r);
    if (!r) {
        return FOUINE_ENOMEM;
    }
    rc = fouine_search_enter(db, &own_txn);
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (sqlite3_prepare_v2(db, article_sql, -1, &stmt, NULL) != SQLITE_OK) {
        rc = fouine_store_error(db);
        goto done;
    }
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        rc = rc == SQLITE_DONE ? FOUINE_ENOTFOUND : fouine_store_error(db);
        goto done;
    }
    self = sqlite3_column_int64(stmt, 0);
    title = (const char *)sqlite3_column_text(stmt, 1);
    rc = fouine_fold(&fold, title ? title : "",
                     (size_t)sqlite3_column_bytes(stmt, 1));
    rd.title = 1;
    if (rc == FOUINE_OK) {
        rc = read_words(&rd, an, title);
    }
    rd.title = 0;
    if (rc == FOUINE_OK) {
        rc = read_words(&rd, an, (const char *)sqlite3_column_text(stmt, 2));
    }
    if (rc == FOUINE_OK) {
        rc = read_words(&rd, an, (const char *)sqlite3_column_text(stmt, 3));
    }
    if (rc == FOUINE_OK) {
        rc = find_duplicates(&dup, db, &rd, self, fold);
    }
    if (rc == FOUINE_OK) {
        rc = weigh_terms(&terms, &nterms, &words, db, &rd, dup.n);
    }
    if (rc == FOUINE_OK) {
        rc = build_query(&expr, &map, db, terms,
                         nterms < FOUINE_RELATED_TERMS ? nterms :
                                                         FOUINE_RELATED_TERMS);
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    s.db = db;
    s.an = an;
    s.opts = &opts;
    s.q = &plain;
    if (expr.len > 0) {
        rc = best_matches(&s, expr.data, map.data, self, &dup, n);
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    if (s.nhits > 0) {
        r->hits = fouine_calloc(s.nhits, sizeof *r->hits);
        if (!r->hits) {
            rc = FOUINE_ENOMEM;
            goto done;
        }
    }
    for (i = 0; rc == FOUINE_OK && i < s.nhits; i++) {
        rc = fouine_results_hit(&r->hits[i], r, &s, &s.hits[i],
                                FOUINE_SNIPPET_CHARS);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_results_keep_str(&r->pub.query, r, id);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_results_keep_str(&r->pub.understood, r, "");
    }
    if (rc == FOUINE_OK && expr.len > 0) {
        rc = fouine_results_keep_str(&r->pub.expression, r, expr.data);
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    r->pub.hits = r->hits;
    r->pub.nhits = s.nhits;
    r->pub.total = (long long)s.nhits;
    r->pub.limit = (int)n;
    r->pub.took_ms = clock_ms() - t0;
    *out = &r->pub;
    r = NULL;
done:
    sqlite3_finalize(stmt);
    fouine_results_free(r ? &r->pub : NULL);
    fouine_free(rd.pool.data);
    fouine_free(rd.words);
    fouine_free(words);
    fouine_free(terms);
    fouine_free(expr.data);
    fouine_free(map.data);
    fouine_free(fold);
    fouine_free(dup.rowid);
    fouine_free(s.hits);
    fouine_keep_clear(&s.keep);
    fouine_topk_clear(&s.topk);
    fouine_search_leave(db, own_txn);
    return rc;
}
