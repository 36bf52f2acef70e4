/*
** rank.c: the SQL functions of a search: fouine_fold(text), and the FTS5
** auxiliary functions fouine_cover() and fouine_rank() (see
** fouine_search_register() in query.h).
**
** fouine_rank() scores one article for a query whose phrases are mapped to
** the query's items (the words or phrases a reader typed) and tiers (what
** each phrase is to its item, see forms.c and parse.c):
**   0 the word itself, accents aside; 1 its inflections; 2 its other
**   relatives (same stem); 3 and 4 the same of a typo's correction, with
**   a weight of their own.
** The tiers of one word are disjoint sets of tokens; a tier scores the
** hits of its phrases and of the tiers before it (a correction's, of its
** tier 3).  For each item and tier, BM25F: the hits in the title and in the text
** (lead and body together, so that a text all lead is not penalized),
** each normalized by its own length (FOUINE_RANK_B) and weighted
** (FOUINE_WEIGHT_TITLE, FOUINE_WEIGHT_LEAD, FOUINE_WEIGHT_BODY), summed,
** then saturated (FOUINE_RANK_K1) and weighted by the tier's idf, the
** document frequency of its phrases.  A hit of the word as typed counts
** in the three tiers, an inflection in two, a distant relative in one:
** exact forms rank first, then inflections, then the rest.  Then:
**   - title coverage: the share c of the query's items (weighted by idf)
**     that the title holds adds FOUINE_RANK_COVER * C * c^P * (L/l)^Q,
**     C the idf of the items it holds, P FOUINE_RANK_COVER_POWER, l the
**     title's length and L the mean, Q FOUINE_RANK_COVER_LENGTH: a
**     headline made of the words typed wins, a title that holds one word
**     of a question gains almost nothing;
**   - proximity: BM25TP, each pair of hits of two items at most
**     FOUINE_PROXIMITY_WINDOW tokens apart in a column adds
**     idf / distance^2 to both, saturated like a term frequency, times
**     FOUINE_PROXIMITY_WEIGHT.
** Lower is better, as FTS5's bm25().
*/
#ifdef FOUINE_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif

#include "query.h"

#include "fouine/alloc.h"
#include "fouine/fts5.h"
#include "store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Tiers of a phrase (see the header comment): 0 to 4, and 5 for the
** phrase of a multi-word item that matches all its forms (tiers 0 to 2
** at once). */
#define TIERS  6
#define T_ALL  5 /* all forms of a phrase */
#define SCORED 5 /* tiers scored: 0 to 4 */

/* fouine_fold(text): SQL wrapper of fouine_fold(). */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *s = sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    char *folded = NULL;
    (void)argc;
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    if (fouine_fold(&folded, (const char *)s, (size_t)n) != FOUINE_OK) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, folded, -1, fouine_free);
}

/*
** Read the next entry of a map, "ITEM[.TIER[:WEIGHT]]": its item (-1 for
** an exclusion), tier (2 when not given) and weight (1 when not given).
** Returns 0 at the end of the map.
*/
static int map_next(const char **map, long *item, long *tier, double *weight)
{
    const char *p = *map;
    char *end;
    *item = -1;
    *tier = 2;
    *weight = 1.0;
    if (!p || !*p) {
        return 0;
    }
    *item = strtol(p, &end, 10);
    if (end == p) {
        return 0;
    }
    p = end;
    if (*p == '.') {
        *tier = strtol(p + 1, &end, 10);
        p = end;
    }
    if (*p == ':') {
        *weight = strtod(p + 1, &end);
        p = end;
    }
    *map = p;
    return 1;
}

/*
** fouine_cover(fts, map): how many items of the query the row holds.  map
** gives, for each phrase of the expression in order, its item (see
** map_next()).  Items beyond 63 count as one.
*/
static void sql_cover(const Fts5ExtensionApi *api,
                      Fts5Context *fts,
                      sqlite3_context *ctx,
                      int argc,
                      sqlite3_value **argv)
{
    const char *map;
    unsigned long long seen = 0;
    int phrase = 0, nphrase, count = 0;
    long item, tier;
    double weight;

    if (argc != 1) {
        sqlite3_result_error(ctx, "fouine_cover: one argument", -1);
        return;
    }
    map = (const char *)sqlite3_value_text(argv[0]);
    nphrase = api->xPhraseCount(fts);
    while (phrase < nphrase && map_next(&map, &item, &tier, &weight)) {
        Fts5PhraseIter it;
        int col = -1, off = -1;
        if (item >= 0 &&
            api->xPhraseFirst(fts, phrase, &it, &col, &off) == SQLITE_OK &&
            col >= 0) {
            unsigned long long bit = 1ull << (item > 63 ? 63 : item);
            if (!(seen & bit)) {
                seen |= bit;
                count++;
            }
        }
        phrase++;
    }
    sqlite3_result_int(ctx, count);
}

/* Items of a map beyond this number count for nothing (a query has at
** most FOUINE_QUERY_TERMS). */
#define RANK_ITEMS_MAX 1024

/* Per-query data of fouine_rank(), cached with xSetAuxdata(). */
typedef struct rank_data {
    int nphrase;  /* phrases of the query */
    int nitem;    /* items */
    int *item;    /* item of each phrase, -1 for none */
    int *tier;    /* tier of each phrase */
    int *has;     /* (item, tier) has a phrase */
    double *tw;   /* weight of each (item, tier) */
    double *idf;  /* idf of each (item, tier) */
    double *iidf; /* idf of each item: its broadest tier's */
    double *cf;   /* hits of each (item, tier) in title and text, this row */
    double *near; /* proximity gained by each item, this row */
    unsigned char *held;   /* (item, tier) this row holds (rank_bound()) */
    unsigned char *titled; /* the items its title holds (rank_bound()) */
    double avg[2];         /* mean tokens of the title and of the text */
    double avgdl;          /* mean tokens of a row */
    int *inst;             /* item, column, offset of each hit, this row */
    int ninst;             /* hits inst has room for */
} rank_data;

static void rank_free(void *p)
{
    rank_data *d = p;
    if (d) {
        sqlite3_free(d->inst);
        sqlite3_free(d->item);
        sqlite3_free(d->tw);
        sqlite3_free(d);
    }
}

static int count_hit(const Fts5ExtensionApi *api,
                     Fts5Context *fts,
                     void *payload)
{
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)payload)++;
    return SQLITE_OK;
}

/* Order of hits: column, then offset. */
static int inst_cmp(const void *x, const void *y)
{
    const int *a = x, *b = y;
    return a[1] != b[1] ? (a[1] > b[1]) - (a[1] < b[1]) :
                          (a[2] > b[2]) - (a[2] < b[2]);
}

/*
** Make the counts v of one item's tiers (TIERS values) cumulative: tier 1
** counts tier 0's too, tier 2 tiers 0 and 1 (or the phrase of all forms,
** which holds them), tier 4 tier 3's; and mark in has (likewise) the tiers
** that are scored: those with a phrase of their own or before them.
*/
static void cumulate(double *v, int *has)
{
    double all = v[T_ALL];
    v[1] += v[0];
    v[2] += v[1];
    if (all > v[2]) {
        v[2] = all;
    }
    v[4] += v[3];
    if (has) {
        has[1] |= has[0];
        has[2] |= has[1] | has[T_ALL];
        has[4] |= has[3];
    }
}

/* The idf of a document frequency df among n rows. */
static double idf_of(double n, double df)
{
    double idf = log((n - df + 0.5) / (df + 0.5));
    return idf > 1e-6 ? idf : 1e-6;
}

/*
** The spans of the phrases of t->expr in *out (sqlite3_free()), and cache
** stamped with the index, when the frequencies of the n phrases can be
** kept in cache: else *out NULL.  nrow and ntok: the rows and tokens of
** the table.  Returns SQLITE_OK or SQLITE_NOMEM.
*/
static int df_spans(fouine_span **out,
                    fouine_df_cache *cache,
                    const fouine_topk *t,
                    int n,
                    sqlite3_int64 nrow,
                    sqlite3_int64 ntok)
{
    fouine_span *spans;
    *out = NULL;
    if (!cache || !t || !t->expr || n <= 0) {
        return SQLITE_OK;
    }
    spans = sqlite3_malloc64((sqlite3_uint64)n * sizeof *spans);
    if (!spans) {
        return SQLITE_NOMEM;
    }
    if (fouine_expr_phrases(spans, n, t->expr)) {
        const sqlite3_int64 stamp[FOUINE_DF_STAMP] = { t->version, t->changes,
                                                       nrow, ntok };
        fouine_df_cache_stamp(cache, stamp);
        *out = spans;
    } else {
        sqlite3_free(spans);
    }
    return SQLITE_OK;
}

/* *hits: the rows holding phrase i, kept in cache under its span of
** t->expr when spans is not NULL.  Returns an SQLite code. */
static int phrase_df(sqlite3_int64 *hits,
                     const Fts5ExtensionApi *api,
                     Fts5Context *fts,
                     int i,
                     fouine_df_cache *cache,
                     const fouine_topk *t,
                     const fouine_span *spans)
{
    const char *key = spans ? t->expr + spans[i].start : NULL;
    size_t len = spans ? spans[i].end - spans[i].start : 0;
    int rc;
    *hits = 0;
    if (key && fouine_df_cache_get(hits, cache, key, len)) {
        return SQLITE_OK;
    }
    rc = api->xQueryPhrase(fts, i, hits, count_hit);
    if (rc == SQLITE_OK && key &&
        fouine_df_cache_put(cache, key, len, *hits) != FOUINE_OK) {
        /* Not kept: counted again by the next search. */
    }
    return rc;
}

/* Make the per-query data of fouine_rank() from map; the frequencies of
** the phrases through cache when t gives the expression. */
static int rank_setup(rank_data **out,
                      const Fts5ExtensionApi *api,
                      Fts5Context *fts,
                      const char *map,
                      fouine_df_cache *cache,
                      const fouine_topk *top)
{
    rank_data *d = NULL;
    sqlite3_int64 nrow = 0, ntok = 0, lead = 0, all = 0;
    fouine_span *spans = NULL;
    int n = api->xPhraseCount(fts), i, g, t;
    size_t ni, nd;
    int rc;
    long item, tier;
    double weight, *df = NULL;
    const char *scan;

    *out = NULL;
    d = sqlite3_malloc64(sizeof *d);
    if (!d) {
        return SQLITE_NOMEM;
    }
    memset(d, 0, sizeof *d);
    d->nphrase = n;
    /* Room for the phrases and for the items, which may be more: the
    ** numbers of the items left out of the expression (the question words
    ** of a long query) are not used. */
    ni = (size_t)n + 1;
    for (scan = map, i = 0; i < n && map_next(&scan, &item, &tier, &weight);
         i++) {
        if (item >= 0 && item < RANK_ITEMS_MAX && (size_t)item >= ni) {
            ni = (size_t)item + 1;
        }
    }
    d->item = sqlite3_malloc64((2 * ni + ni * TIERS) * sizeof(int) +
                               ni * (TIERS + 1));
    nd = ni * TIERS * 5 + ni * 2; /* tw, idf, cf (2), df; iidf, near */
    d->tw = sqlite3_malloc64(nd * sizeof(double));
    if (!d->item || !d->tw) {
        rank_free(d);
        return SQLITE_NOMEM;
    }
    memset(d->item, 0, (2 * ni + ni * TIERS) * sizeof(int) + ni * (TIERS + 1));
    memset(d->tw, 0, nd * sizeof(double));
    d->tier = d->item + ni;
    d->has = d->tier + ni;
    d->idf = d->tw + ni * TIERS;
    d->cf = d->idf + ni * TIERS;
    d->iidf = d->cf + ni * TIERS * 2;
    d->near = d->iidf + ni;
    df = d->near + ni;
    d->held = (unsigned char *)(d->has + ni * TIERS);
    d->titled = d->held + ni * TIERS;
    for (i = 0; i < n; i++) {
        if (!map_next(&map, &item, &tier, &weight)) {
            item = -1;
        }
        d->item[i] = item < 0 || (size_t)item >= ni ? -1 : (int)item;
        d->tier[i] = tier < 0 || tier >= TIERS ? 2 : (int)tier;
        if (d->item[i] >= 0) {
            g = d->item[i] * TIERS + d->tier[i];
            d->has[g] = 1;
            d->tw[g] = weight;
            if (d->item[i] >= d->nitem) {
                d->nitem = d->item[i] + 1;
            }
        }
    }
    rc = api->xRowCount(fts, &nrow);
    if (rc == SQLITE_OK) {
        rc = api->xColumnTotalSize(fts, -1, &ntok);
    }
    d->avgdl = nrow > 0 && ntok > 0 ? (double)ntok / (double)nrow : 1.0;
    all = ntok;
    if (rc == SQLITE_OK) {
        rc = api->xColumnTotalSize(fts, 0, &ntok);
    }
    d->avg[0] = nrow > 0 && ntok > 0 ? (double)ntok / (double)nrow : 1.0;
    if (rc == SQLITE_OK && api->xColumnCount(fts) >= 3) {
        rc = api->xColumnTotalSize(fts, 1, &lead);
        if (rc == SQLITE_OK) {
            rc = api->xColumnTotalSize(fts, 2, &ntok);
        }
        ntok += lead;
    }
    d->avg[1] = nrow > 0 && ntok > 0 ? (double)ntok / (double)nrow : 1.0;
    /* The document frequency of each (item, tier): that of its phrases
    ** (a bound of their union), then made cumulative as the hits are. */
    if (rc == SQLITE_OK) {
        rc = df_spans(&spans, cache, top, n, nrow, all);
    }
    for (i = 0; rc == SQLITE_OK && i < n; i++) {
        sqlite3_int64 hits = 0;
        if (d->item[i] >= 0) {
            rc = phrase_df(&hits, api, fts, i, cache, top, spans);
            df[d->item[i] * TIERS + d->tier[i]] += (double)hits;
        }
    }
    sqlite3_free(spans);
    for (g = 0; g < d->nitem; g++) {
        double *f = &df[g * TIERS], best = -1;
        int *h = &d->has[g * TIERS];
        cumulate(f, h);
        for (t = 0; t < SCORED; t++) {
            d->idf[g * TIERS + t] = idf_of((double)nrow, f[t]);
            if (h[t] && (best < 0 || d->idf[g * TIERS + t] < best)) {
                best = d->idf[g * TIERS + t];
            }
        }
        d->iidf[g] = best < 0 ? 1e-6 : best;
        /* A correction's tiers take its weight. */
        d->tw[g * TIERS + 4] = h[4] ? d->tw[g * TIERS + 3] : 1.0;
        for (t = 0; t < 3; t++) {
            d->tw[g * TIERS + t] = 1.0;
        }
    }
    if (rc != SQLITE_OK) {
        rank_free(d);
        return rc;
    }
    *out = d;
    return SQLITE_OK;
}

/* The proximity part of the score of the current row, whose nh hits are
** in d->inst, sorted; dn is the row's length normalization. */
static double proximity(rank_data *d, int nh, int window, double k1, double dn)
{
    double sum = 0;
    int i, j, g;
    for (g = 0; g < d->nitem; g++) {
        d->near[g] = 0;
    }
    for (i = 0; i < nh; i++) {
        const int *x = &d->inst[3 * i];
        for (j = i + 1; j < nh; j++) {
            const int *y = &d->inst[3 * j];
            int dist = y[2] - x[2];
            if (y[1] != x[1] || dist > window) {
                break;
            }
            if (y[0] != x[0] && dist > 0) {
                double gain = 1.0 / ((double)dist * (double)dist);
                d->near[x[0]] += d->iidf[y[0]] * gain;
                d->near[y[0]] += d->iidf[x[0]] * gain;
            }
        }
    }
    for (g = 0; g < d->nitem; g++) {
        double f = d->near[g];
        if (f > 0) {
            sum += (d->iidf[g] < 1 ? d->iidf[g] : 1) * f * (k1 + 1) /
                   (f + k1 * dn);
        }
    }
    return sum;
}

/* What an item held by the title counts for the coverage: the word or its
** correction (3), an inflection or a correction's relative (2), a relative
** (1: little, "fonds" in a title says little of a search for "fondé"; the
** development sets do not tell 0, 0.25 and 0.5 apart). */
static const double cover_credit[4] = { 0, 0.25, 0.75, 1 };

/* x to the power e, without pow() (slow) for the exponents of the
** defaults: a small integer, or one half. */
static double power(double x, double e)
{
    int k = (int)e, i;
    double r = 1;
    if (fabs(e - k) < 1e-12 && k >= 0 && k <= 16) {
        for (i = 0; i < k; i++) {
            r *= x;
        }
        return r;
    }
    return fabs(e - 0.5) < 1e-12 ? sqrt(x) : pow(x, e);
}

/* Parameters of fouine_rank(), after the map. */
enum {
    P_K1,
    P_B,
    P_LAMBDA,
    P_WINDOW,
    P_TITLE,
    P_LEAD,
    P_BODY,
    P_COVER,
    P_COVER_POWER,
    P_COVER_LENGTH,
    P_COUNT
};

/* The parameters p (P_COUNT) of fouine_rank(): those given after the map
** (argv[0]), the others their FOUINE_* value. */
static void rank_params(double *p, int argc, sqlite3_value **argv)
{
    static const double defaults[P_COUNT] = {
        FOUINE_RANK_K1,          FOUINE_RANK_B,       FOUINE_PROXIMITY_WEIGHT,
        FOUINE_PROXIMITY_WINDOW, FOUINE_WEIGHT_TITLE, FOUINE_WEIGHT_LEAD,
        FOUINE_WEIGHT_BODY,      FOUINE_RANK_COVER,   FOUINE_RANK_COVER_POWER,
        FOUINE_RANK_COVER_LENGTH
    };
    int i;
    for (i = 0; i < P_COUNT; i++) {
        p[i] = i + 1 < argc ? sqlite3_value_double(argv[i + 1]) : defaults[i];
    }
}

/* In *d the per-query data of the statement, made on its first row from
** the map (with top, fouine_rank_top()'s, the frequencies of the phrases
** kept by the connection).  Returns an SQLite code. */
static int rank_data_of(rank_data **d,
                        const Fts5ExtensionApi *api,
                        Fts5Context *fts,
                        sqlite3_value *map,
                        const fouine_topk *top)
{
    int rc;
    *d = api->xGetAuxdata(fts, 0);
    if (*d) {
        return SQLITE_OK;
    }
    rc = rank_setup(d, api, fts, (const char *)sqlite3_value_text(map),
                    top ? api->xUserData(fts) : NULL, top);
    if (rc != SQLITE_OK) {
        return rc;
    }
    rc = api->xSetAuxdata(fts, *d, rank_free);
    if (rc != SQLITE_OK) {
        *d = NULL; /* freed by FTS5 */
    }
    return rc;
}

/*
** *score: the score of the current row (positive: higher is better; see
** the header comment) with the parameters p.  Returns an SQLite code.
*/
static int rank_row(double *score_out,
                    const Fts5ExtensionApi *api,
                    Fts5Context *fts,
                    rank_data *d,
                    const double *p)
{
    double score = 0, nt, nx, tot = 0, cov = 0;
    int i, g, t, rc = SQLITE_OK, ninst = 0, nh = 0, lt = 0, ll = 0, lb = 0;

    *score_out = 0;
    memset(d->cf, 0, (size_t)d->nitem * TIERS * 2 * sizeof *d->cf);
    rc = api->xInstCount(fts, &ninst);
    if (rc == SQLITE_OK && p[P_LAMBDA] > 0 && ninst > d->ninst) {
        int *q = sqlite3_realloc64(d->inst, (size_t)ninst * 3 * sizeof *q);
        if (!q) {
            rc = SQLITE_NOMEM;
        } else {
            d->inst = q;
            d->ninst = ninst;
        }
    }
    for (i = 0; rc == SQLITE_OK && i < ninst; i++) {
        int ip, ic, io, it, c;
        rc = api->xInst(fts, i, &ip, &ic, &io);
        if (rc != SQLITE_OK || ip < 0 || ip >= d->nphrase || ic < 0 ||
            d->item[ip] < 0) {
            continue;
        }
        it = d->item[ip];
        c = ic == 0 ? 0 : 1;
        d->cf[(it * TIERS + d->tier[ip]) * 2 + c] += ic == 1 ? p[P_LEAD] :
                                                     ic == 0 ? 1.0 :
                                                               p[P_BODY];
        /* Proximity counts each word once: a phrase of all forms holds
        ** the hits of the tier 0 phrase of the same item. */
        if (p[P_LAMBDA] > 0 && d->nitem > 1 &&
            !(d->tier[ip] == 0 && d->has[it * TIERS + T_ALL])) {
            int *h = &d->inst[3 * nh++];
            h[0] = it;
            h[1] = ic;
            h[2] = io;
        }
    }
    if (rc == SQLITE_OK) {
        rc = api->xColumnSize(fts, 0, &lt);
    }
    if (rc == SQLITE_OK && api->xColumnCount(fts) >= 3) {
        rc = api->xColumnSize(fts, 1, &ll);
        if (rc == SQLITE_OK) {
            rc = api->xColumnSize(fts, 2, &lb);
        }
    }
    if (rc != SQLITE_OK) {
        return rc;
    }
    nt = 1 - p[P_B] + p[P_B] * lt / d->avg[0];
    nx = 1 - p[P_B] + p[P_B] * (ll + lb) / d->avg[1];
    for (g = 0; g < d->nitem; g++) {
        double title[TIERS], text[TIERS];
        int intitle = 0, any = 0;
        for (t = 0; t < TIERS; t++) {
            title[t] = d->cf[(g * TIERS + t) * 2];
            text[t] = d->cf[(g * TIERS + t) * 2 + 1];
        }
        cumulate(title, NULL);
        cumulate(text, NULL);
        for (t = 0; t < SCORED; t++) {
            double f;
            if (!d->has[g * TIERS + t]) {
                continue;
            }
            any = 1;
            f = p[P_TITLE] * title[t] / nt + text[t] / nx;
            if (f > 0) {
                score += d->tw[g * TIERS + t] * d->idf[g * TIERS + t] * f *
                         (p[P_K1] + 1) / (f + p[P_K1]);
            }
            if (title[t] > 0 && t < 3 && intitle < 3 - t) {
                intitle = 3 - t; /* the title holds the word, or only an
                                    inflection, or a relative */
            } else if (title[t] > 0 && t >= 3 && intitle < 6 - t) {
                intitle = 6 - t; /* a correction, or its relative */
            }
        }
        if (any) {
            tot += d->iidf[g];
            cov += d->iidf[g] * cover_credit[intitle];
        }
    }
    if (p[P_COVER] > 0 && tot > 0 && cov > 0 && lt > 0) {
        score += p[P_COVER] * cov * power(cov / tot, p[P_COVER_POWER]) *
                 power(d->avg[0] / lt, p[P_COVER_LENGTH]);
    }
    if (p[P_LAMBDA] > 0 && nh > 1) {
        /* FTS5 gives the instances in order already; sorted only if not. */
        for (i = 1;
             i < nh && inst_cmp(&d->inst[3 * (i - 1)], &d->inst[3 * i]) <= 0;
             i++) {
        }
        if (i < nh) {
            qsort(d->inst, (size_t)nh, 3 * sizeof *d->inst, inst_cmp);
        }
        score += p[P_LAMBDA] *
                 proximity(d, nh, (int)p[P_WINDOW], p[P_K1],
                           1 - p[P_B] + p[P_B] * (lt + ll + lb) / d->avgdl);
    }
    *score_out = score;
    return SQLITE_OK;
}

/*
** fouine_rank(fts, map [, k1, b, lambda, window, title, lead, body,
** cover, cover_power, cover_length]): the score of the row (see the header
** comment), negated: lower is better; parameters not given take their
** FOUINE_* value.
*/
static void sql_rank(const Fts5ExtensionApi *api,
                     Fts5Context *fts,
                     sqlite3_context *ctx,
                     int argc,
                     sqlite3_value **argv)
{
    rank_data *d = NULL;
    double p[P_COUNT], score = 0;
    int rc;

    if (argc < 1) {
        sqlite3_result_error(ctx, "fouine_rank: no map", -1);
        return;
    }
    rank_params(p, argc, argv);
    rc = rank_data_of(&d, api, fts, argv[0], NULL);
    if (rc == SQLITE_OK) {
        rc = rank_row(&score, api, fts, d, p);
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    sqlite3_result_double(ctx, -score);
}

/* ---- fouine_rank_top(): the best rows of a page, the others unranked ---- */

int fouine_topk_rewind(fouine_topk *t, size_t want)
{
    if (want > t->cap) {
        double *grown = fouine_realloc(t->best, want * sizeof *grown);
        if (!grown) {
            return FOUINE_ENOMEM;
        }
        t->best = grown;
        t->cap = want;
    }
    t->want = want;
    t->n = 0;
    t->seen = 0;
    return FOUINE_OK;
}

void fouine_topk_clear(fouine_topk *t)
{
    fouine_free(t->best);
    memset(t, 0, sizeof *t);
}

/* Add score to the min-heap of the want best scores of t. */
static void topk_add(fouine_topk *t, double score)
{
    double *h = t->best;
    size_t i, c;
    if (t->want == 0) {
        return;
    }
    if (t->n < t->want) {
        for (i = t->n++; i > 0 && h[(i - 1) / 2] > score; i = (i - 1) / 2) {
            h[i] = h[(i - 1) / 2];
        }
        h[i] = score;
        return;
    }
    if (score <= h[0]) {
        return;
    }
    for (i = 0; (c = 2 * i + 1) < t->n; i = c) {
        if (c + 1 < t->n && h[c + 1] < h[c]) {
            c++;
        }
        if (h[c] >= score) {
            break;
        }
        h[i] = h[c];
    }
    h[i] = score;
}

/* Whether the parameters p let rank_bound() bound a score: none negative,
** b at most 1 (every length normalization positive). */
static int boundable(const double *p)
{
    int i;
    for (i = 0; i < P_COUNT; i++) {
        if (!(p[i] >= 0)) {
            return 0;
        }
    }
    return p[P_B] <= 1;
}

/*
** *bound: the most the current row can score (positive, as rank_row()),
** from the phrases it holds alone: for each item, the BM25F part of each
** tier those phrases count in (see cumulate()) below its saturation, the
** title coverage of the items its title holds (a phrase's first hit in
** column 0) as if in a title of one token, and proximity saturated for
** each item when it holds two or more.  Returns an SQLite code.
*/
static int rank_bound(double *bound,
                      rank_data *d,
                      const Fts5ExtensionApi *api,
                      Fts5Context *fts,
                      const double *p)
{
    double sum = 0, cov = 0, tot = 0, near = 0;
    int i, g, t, n = 0, rc = SQLITE_OK;

    *bound = 0;
    memset(d->held, 0, (size_t)d->nitem * (TIERS + 1));
    for (i = 0; i < d->nphrase; i++) {
        Fts5PhraseIter it;
        int col = -1, off = -1, at = d->item[i] * TIERS + d->tier[i];
        if (d->item[i] < 0 || (d->held[at] && d->titled[d->item[i]])) {
            continue;
        }
        rc = api->xPhraseFirst(fts, i, &it, &col, &off);
        if (rc != SQLITE_OK) {
            return rc;
        }
        d->held[at] |= col >= 0;
        d->titled[d->item[i]] |= col == 0;
    }
    for (g = 0; g < d->nitem; g++) {
        unsigned char *h = &d->held[g * TIERS];
        double idf = 0;
        int any = 0;
        /* The tiers the hits count in, as cumulate() counts them. */
        h[1] |= h[0];
        h[2] |= h[1] | h[T_ALL];
        h[4] |= h[3];
        for (t = 0; t < SCORED; t++) {
            if (d->has[g * TIERS + t]) {
                idf = d->iidf[g];
            }
            if (h[t] && d->has[g * TIERS + t]) {
                sum += d->tw[g * TIERS + t] * d->idf[g * TIERS + t] *
                       (p[P_K1] + 1);
                any = 1;
            }
        }
        tot += idf;
        if (any) {
            cov += d->titled[g] ? idf : 0; /* a credit of 1 at most */
            near += idf < 1 ? idf : 1;
            n++;
        }
    }
    if (p[P_COVER] > 0 && tot > 0 && cov > 0) {
        sum += p[P_COVER] * cov * power(cov / tot, p[P_COVER_POWER]) *
               power(d->avg[0] > 1 ? d->avg[0] : 1, p[P_COVER_LENGTH]);
    }
    if (n > 1) {
        sum += p[P_LAMBDA] * near * (p[P_K1] + 1);
    }
    *bound = sum;
    return SQLITE_OK;
}

/*
** fouine_rank_top(fts, :topk, map [, k1, ...]): fouine_rank(fts, map [, k1,
** ...]) of the row, or NULL when it cannot be among the topk->want best rows
** of the statement: when topk holds that many scores already, each higher
** than the most the items of the row can give (rank_bound()).  Every row
** ranked adds its score to topk.  So a statement ordered by the score (NULL
** last) and limited to topk->want rows gives the same rows as with
** fouine_rank(), having ranked fewer (Turtle and Flood's MaxScore, 1995).
*/
static void sql_rank_top(const Fts5ExtensionApi *api,
                         Fts5Context *fts,
                         sqlite3_context *ctx,
                         int argc,
                         sqlite3_value **argv)
{
    fouine_topk *t;
    rank_data *d = NULL;
    double p[P_COUNT], score = 0;
    int rc;

    if (argc < 2) {
        sqlite3_result_error(ctx, "fouine_rank_top: no top or no map", -1);
        return;
    }
    t = sqlite3_value_pointer(argv[0], FOUINE_TOPK_POINTER);
    if (t && t->seen && t->last == api->xRowid(fts)) {
        /* The same row again (a sort key, then a result column): the
        ** same answer, its score added once. */
        if (isnan(t->last_score)) {
            sqlite3_result_null(ctx);
        } else {
            sqlite3_result_double(ctx, -t->last_score);
        }
        return;
    }
    rank_params(p, argc - 1, argv + 1);
    rc = rank_data_of(&d, api, fts, argv[1], t);
    if (rc == SQLITE_OK && t && t->want > 0 && t->n >= t->want &&
        boundable(p)) {
        double bound = 0;
        rc = rank_bound(&bound, d, api, fts, p);
        if (rc == SQLITE_OK) {
            /* Room for rounding: the bound is summed in another order. */
            if (bound + 1e-9 * (1 + bound) < t->best[0]) {
                t->skipped++;
                t->last = api->xRowid(fts);
                t->last_score = NAN;
                t->seen = 1;
                sqlite3_result_null(ctx);
                return;
            }
        }
    }
    if (rc == SQLITE_OK) {
        rc = rank_row(&score, api, fts, d, p);
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    if (t) {
        t->ranked++;
        t->last = api->xRowid(fts);
        t->last_score = score;
        t->seen = 1;
        topk_add(t, score);
    }
    sqlite3_result_double(ctx, -score);
}

/* fouine_query(text) and fouine_query_map(text): what a reader typed, as
** the FTS5 expression fouine runs (NULL when it searches nothing, or only
** exclusions) and the map of its phrases for fouine_rank(); through the
** lexicon of the connection's main database when it has one.  The user
** data is an analyzer of the connection's own. */
static void sql_query(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    fouine_analyzer *an = sqlite3_user_data(ctx);
    const unsigned char *text = sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]), map = argc > 1;
    fouine_lexicon *lx = NULL;
    fouine_parsed q;
    int rc;
    if (!text) {
        sqlite3_result_null(ctx);
        return;
    }
    rc = fouine_lexicon_open(&lx, sqlite3_context_db_handle(ctx));
    if (rc == FOUINE_ENOMEM) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    /* Without a lexicon (not a fouine index), each word as typed. */
    rc = fouine_parse(&q, an, rc == FOUINE_OK ? lx : NULL, (const char *)text,
                      (size_t)n);
    fouine_lexicon_close(lx);
    if (rc != FOUINE_OK) {
        if (rc == FOUINE_ENOMEM) {
            sqlite3_result_error_nomem(ctx);
        } else {
            sqlite3_result_error(ctx,
                                 "fouine_query: the lexicon cannot be"
                                 " read",
                                 -1);
        }
        return;
    }
    if (map ? q.expr_map : q.expr) {
        sqlite3_result_text(ctx, map ? q.expr_map : q.expr, -1,
                            SQLITE_TRANSIENT);
    } else {
        sqlite3_result_null(ctx);
    }
    fouine_parsed_clear(&q);
}

static void sql_query_expr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sql_query(ctx, 1, argv);
}

static void sql_query_map(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sql_query(ctx, 2, argv);
}

/* A parsed query kept with a statement (sqlite3_set_auxdata()). */
static void parsed_free(void *p)
{
    fouine_parsed_clear(p);
    fouine_free(p);
}

/*
** fouine_snippet(text, query [, chars]): the passage of text (a title, a
** lead, a body) that best matches what a reader typed, about chars
** characters (200 by default; 0: the whole text), HTML-escaped, every
** word found marked with <mark>...</mark>, as fouine's own results are.
** The query is parsed once a statement, through the lexicon of the
** connection's main database.
*/
static void sql_snippet(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    fouine_analyzer *an = sqlite3_user_data(ctx);
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    size_t len = (size_t)sqlite3_value_bytes(argv[0]);
    fouine_parsed *q = sqlite3_get_auxdata(ctx, 1);
    fouine_spans sp = { 0 };
    char *snip = NULL, *marked = NULL;
    sqlite3_int64 chars =
        argc > 2 ? sqlite3_value_int64(argv[2]) : FOUINE_SNIPPET_CHARS;
    int found = 0, rc = FOUINE_OK;

    if (!text) {
        sqlite3_result_null(ctx);
        return;
    }
    if (chars < 0 || chars > FOUINE_SNIPPET_CHARS_MAX) {
        sqlite3_result_error(ctx,
                             "fouine_snippet: chars must be 0 (the whole"
                             " text) to 2000",
                             -1);
        return;
    }
    if (!q) {
        const char *query = (const char *)sqlite3_value_text(argv[1]);
        fouine_lexicon *lx = NULL;
        int lrc = fouine_lexicon_open(&lx, sqlite3_context_db_handle(ctx));
        q = fouine_calloc(1, sizeof *q);
        if (!q || lrc == FOUINE_ENOMEM) {
            fouine_free(q);
            fouine_lexicon_close(lx);
            sqlite3_result_error_nomem(ctx);
            return;
        }
        rc = fouine_parse(q, an, lrc == FOUINE_OK ? lx : NULL,
                          query ? query : "",
                          query ? (size_t)sqlite3_value_bytes(argv[1]) : 0);
        fouine_lexicon_close(lx);
        if (rc != FOUINE_OK) {
            fouine_free(q);
            sqlite3_result_error_nomem(ctx);
            return;
        }
        sqlite3_set_auxdata(ctx, 1, q, parsed_free);
        q = sqlite3_get_auxdata(ctx, 1); /* NULL: SQLite freed it (OOM) */
        if (!q) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
    }
    rc = fouine_snippet(&snip, &sp, &found, an, q, text, len, (size_t)chars);
    if (rc == FOUINE_OK) {
        rc = fouine_highlight(&marked, snip, sp.at, sp.n, "<mark>", "</mark>",
                              1);
    }
    if (rc == FOUINE_OK) {
        sqlite3_result_text(ctx, marked, -1, SQLITE_TRANSIENT);
    } else {
        sqlite3_result_error_nomem(ctx);
    }
    fouine_free(marked);
    fouine_free(snip);
    fouine_free(sp.at);
}

/*
** fouine_decay(day, newest, oldest, half_life): the weight of an article
** of the julian day day in a ranking by recency, 2^(-age / half_life), age
** in days from day to newest (never below 0); an article without a date
** (day NULL) is as old as oldest.  1 when half_life is not positive.
*/
static void sql_decay(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    double newest = sqlite3_value_double(argv[1]);
    double day = sqlite3_value_type(argv[0]) == SQLITE_NULL ?
                     sqlite3_value_double(argv[2]) :
                     sqlite3_value_double(argv[0]);
    double half = sqlite3_value_double(argv[3]);
    double age = newest > day ? newest - day : 0.0;
    (void)argc;
    sqlite3_result_double(ctx, half > 0 ? exp2(-age / half) : 1.0);
}

static void analyzer_free(void *p)
{
    fouine_analyzer_free(p);
}

int fouine_search_register(sqlite3 *db)
{
    sqlite3_stmt *probe = NULL;
    fouine_analyzer *an = NULL;
    fouine_df_cache *cache = NULL;
    fts5_api *api;
    int rc;

    /* Registered already on this connection?  The last function
    ** registered below answers for all (a registration that failed half
    ** way is made again). */
    if (sqlite3_prepare_v2(db,
                           "SELECT fouine_rank_top(article_fts, NULL, '')"
                           " FROM article_fts WHERE 0",
                           -1, &probe, NULL) == SQLITE_OK) {
        sqlite3_finalize(probe);
        return FOUINE_OK;
    }
    sqlite3_finalize(probe);
    if (sqlite3_create_function(db, "fouine_fold", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                    SQLITE_INNOCUOUS,
                                NULL, sql_fold, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "fouine_decay", 4,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                    SQLITE_INNOCUOUS,
                                NULL, sql_decay, NULL, NULL) != SQLITE_OK) {
        return fouine_store_error(db);
    }
    /* The analyzer of fouine_query(), released with the connection (or
    ** at once when the registration fails). */
    rc = fouine_analyzer_new(&an);
    if (rc != FOUINE_OK) {
        return rc;
    }
    /* Deterministic: within one statement the lexicon does not change, so
    ** SQLite computes fouine_query('...') once, not once a row. */
    if (sqlite3_create_function_v2(
            db, "fouine_query", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, an,
            sql_query_expr, NULL, NULL, analyzer_free) != SQLITE_OK ||
        sqlite3_create_function_v2(
            db, "fouine_query_map", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, an,
            sql_query_map, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function_v2(
            db, "fouine_snippet", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, an,
            sql_snippet, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function_v2(
            db, "fouine_snippet", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, an,
            sql_snippet, NULL, NULL, NULL) != SQLITE_OK) {
        return fouine_store_error(db);
    }
    api = fouine_fts5_api(db);
    if (!api ||
        api->xCreateFunction(api, "fouine_cover", NULL, sql_cover, NULL) !=
            SQLITE_OK ||
        api->xCreateFunction(api, "fouine_rank", NULL, sql_rank, NULL) !=
            SQLITE_OK) {
        return FOUINE_EDB;
    }
    /* The frequencies fouine_rank_top() keeps, released with the
    ** connection (FTS5 calls the destructor then, not on failure). */
    rc = fouine_df_cache_new(&cache);
    if (rc != FOUINE_OK) {
        return rc;
    }
    if (api->xCreateFunction(api, "fouine_rank_top", cache, sql_rank_top,
                             fouine_df_cache_free) != SQLITE_OK) {
        fouine_df_cache_free(cache);
        return FOUINE_EDB;
    }
    return FOUINE_OK;
}
