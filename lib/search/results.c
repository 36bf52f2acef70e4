/*
** results.c: the C results of a search (fouine_results): each hit of the
** page read from its article, its title and its snippet highlighted
** (snippet.c), the query corrected; every string they point to owned by
** the results.
*/
#include "search_int.h"

#include "fouine/alloc.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

void fouine_results_free(fouine_results *pub)
{
    results *r = (results *)pub;
    size_t i;
    if (!r) {
        return;
    }
    for (i = 0; i < r->nowned; i++) {
        fouine_free(r->owned[i]);
    }
    fouine_free(r->owned);
    fouine_free(r->hits);
    fouine_free(r->fixes);
    fouine_free(r);
}

/* Make p (NULL: nothing) one of the blocks r owns; on failure p is freed.
** Returns FOUINE_OK or FOUINE_ENOMEM. */
static int keep(results *r, void *p)
{
    if (!p) {
        return FOUINE_OK;
    }
    if (r->nowned == r->capowned) {
        size_t cap = r->capowned ? 2 * r->capowned : 32;
        void **v = fouine_realloc(r->owned, cap * sizeof *v);
        if (!v) {
            fouine_free(p);
            return FOUINE_ENOMEM;
        }
        r->owned = v;
        r->capowned = cap;
    }
    r->owned[r->nowned++] = p;
    return FOUINE_OK;
}

/* *out: a copy of n bytes of s that r owns (NULL when s is NULL). */
static int keep_copy(const char **out, results *r, const char *s, size_t n)
{
    char *copy;
    *out = NULL;
    if (!s) {
        return FOUINE_OK;
    }
    copy = fouine_strndup(s, n);
    if (!copy) {
        return FOUINE_ENOMEM;
    }
    *out = copy;
    return keep(r, copy);
}

int fouine_results_keep_str(const char **out, results *r, const char *s)
{
    return keep_copy(out, r, s, s ? strlen(s) : 0);
}

/* The same for the text column col of stmt. */
static int keep_col(const char **out, results *r, sqlite3_stmt *stmt, int col)
{
    return fouine_results_keep_str(
        out, r, (const char *)sqlite3_column_text(stmt, col));
}

/* Hand a snippet and its spans over to r, as *text and *spans. */
static int keep_snippet(const char **text,
                        const fouine_span **spans,
                        size_t *nspans,
                        results *r,
                        char *snip,
                        fouine_spans *sp)
{
    int rc = keep(r, snip);
    *text = rc == FOUINE_OK ? snip : NULL;
    if (rc == FOUINE_OK) {
        rc = keep(r, sp->at);
    } else {
        fouine_free(sp->at);
    }
    *spans = rc == FOUINE_OK ? sp->at : NULL;
    *nspans = rc == FOUINE_OK ? sp->n : 0;
    memset(sp, 0, sizeof *sp);
    return rc;
}

/*
** Bytes of the start of text (len bytes) shown as the title of an untitled
** article: its first line, cut after at most chars characters at the end
** of a word; all of it when shorter.
*/
static size_t untitled_cut(const char *text, size_t len, size_t chars)
{
    size_t i = 0, n = 0, word_end = 0;
    while (i < len && text[i] != '\n') {
        if (((unsigned char)text[i] & 0xC0) != 0x80) {
            if (n == chars) {
                return word_end ? word_end : i;
            }
            n++;
        }
        if (text[i] == ' ' && i > 0 && text[i - 1] != ' ') {
            word_end = i;
        }
        i++;
    }
    return i;
}

/* Append " …" to the string *s, reallocated (fouine_free()). */
static int append_ellipsis(char **s)
{
    size_t n = strlen(*s);
    char *t = fouine_realloc(*s, n + sizeof " \xe2\x80\xa6");
    if (!t) {
        return FOUINE_ENOMEM;
    }
    memcpy(t + n, " \xe2\x80\xa6", sizeof " \xe2\x80\xa6");
    *s = t;
    return FOUINE_OK;
}

/*
** The other articles of the group of duplicates of the article at rowid,
** into out->duplicates, and the ids of the first FOUINE_DUPLICATE_IDS of
** them, oldest first, into out->duplicate_ids (owned by r).
*/
static FOUINE_WUR int hit_duplicates(fouine_hit *out,
                                     results *r,
                                     search *s,
                                     sqlite3_int64 rowid)
{
    static const char sql[] =
        "SELECT a.id FROM near n JOIN article a ON a.rowid = n.rowid"
        " WHERE n.grp = (SELECT grp FROM near WHERE rowid = ?1)"
        " AND n.rowid <> ?1 ORDER BY n.rowid";
    sqlite3_stmt *stmt = NULL;
    const char **ids = NULL;
    int rc = FOUINE_EDB, step = SQLITE_DONE;

    if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    sqlite3_bind_int64(stmt, 1, rowid);
    rc = FOUINE_OK;
    while (rc == FOUINE_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (out->nduplicate_ids < FOUINE_DUPLICATE_IDS) {
            if (!ids) {
                ids = fouine_calloc(FOUINE_DUPLICATE_IDS, sizeof *ids);
                rc = keep(r, (void *)ids); /* freed by keep on failure */
                if (rc != FOUINE_OK || !ids) {
                    rc = FOUINE_ENOMEM;
                    break;
                }
                out->duplicate_ids = ids;
            }
            rc = keep_col(&ids[out->nduplicate_ids], r, stmt, 0);
            out->nduplicate_ids += rc == FOUINE_OK;
        }
        out->duplicates++;
    }
    if (rc == FOUINE_OK && step != SQLITE_DONE) {
        rc = FOUINE_EDB;
    }
done:
    sqlite3_finalize(stmt);
    return rc;
}

int fouine_results_hit(fouine_hit *out,
                       results *r,
                       search *s,
                       const page_hit *h,
                       size_t chars)
{
    static const char sql[] =
        "SELECT id, title, lead, body, date, category, url"
        " FROM article WHERE rowid = ?1";
    static const char comments_sql[] =
        "SELECT group_concat(body, char(10)) FROM comment WHERE article = ?1";
    sqlite3_stmt *stmt = NULL;
    fouine_buf text = { 0 };
    fouine_spans sp = { 0 };
    char *snip = NULL;
    const char *title, *lead, *body;
    int rc = FOUINE_EDB, found = 0;

    memset(out, 0, sizeof *out);
    if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    sqlite3_bind_int64(stmt, 1, h->rowid);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        goto done;
    }
    rc = keep_col(&out->id, r, stmt, 0);
    title = (const char *)sqlite3_column_text(stmt, 1);
    lead = (const char *)sqlite3_column_text(stmt, 2);
    body = (const char *)sqlite3_column_text(stmt, 3);
    out->untitled = !title || !*title;
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (!out->untitled) {
        rc = fouine_snippet(&snip, &sp, &found, s->an, s->q, title,
                            strlen(title), 0);
    } else {
        /* Untitled: the start of its lead, or of its body. */
        const char *from = lead && *lead ? lead : body ? body : "";
        size_t n = untitled_cut(from, strlen(from), FOUINE_UNTITLED_CHARS);
        rc = fouine_snippet(&snip, &sp, &found, s->an, s->q, from, n, 0);
        if (rc == FOUINE_OK && from[n] != '\0') {
            rc = append_ellipsis(&snip);
        }
    }
    if (rc == FOUINE_OK) {
        rc = keep_snippet(&out->title, &out->title_spans, &out->ntitle_spans, r,
                          snip, &sp);
        snip = NULL;
    }
    if (rc == FOUINE_OK) {
        rc = keep_col(&out->date, r, stmt, 4);
    }
    if (rc == FOUINE_OK) {
        rc = keep_col(&out->category, r, stmt, 5);
    }
    if (rc == FOUINE_OK) {
        rc = keep_col(&out->url, r, stmt, 6);
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    out->score = h->score;
    out->comment = h->comment;
    rc = hit_duplicates(out, r, s, h->rowid);
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (lead && *lead) {
        fouine_buf_puts(&text, lead);
    }
    if (body && *body) {
        fouine_buf_puts(&text, text.len ? "\n" : "");
        fouine_buf_puts(&text, body);
    }
    fouine_buf_append(&text, "", 0);
    if (text.failed) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    rc = fouine_snippet(&snip, &sp, &found, s->an, s->q, text.data, text.len,
                        chars);
    if (rc == FOUINE_OK && h->comment) {
        /* Only a comment matched: show it. */
        sqlite3_finalize(stmt);
        stmt = NULL;
        rc = FOUINE_EDB;
        if (sqlite3_prepare_v2(s->db, comments_sql, -1, &stmt, NULL) !=
            SQLITE_OK) {
            goto done;
        }
        sqlite3_bind_int64(stmt, 1, h->rowid);
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
            const char *c = (const char *)sqlite3_column_text(stmt, 0);
            fouine_free(snip);
            snip = NULL;
            fouine_free(sp.at);
            memset(&sp, 0, sizeof sp);
            rc = fouine_snippet(&snip, &sp, &found, s->an, s->q, c, strlen(c),
                                chars);
        } else {
            rc = FOUINE_OK;
        }
    }
    if (rc == FOUINE_OK) {
        rc = keep_snippet(&out->snippet, &out->snippet_spans,
                          &out->nsnippet_spans, r, snip, &sp);
        snip = NULL;
    }
done:
    sqlite3_finalize(stmt);
    fouine_free(text.data);
    fouine_free(snip);
    fouine_free(sp.at);
    return rc;
}

/* How a word was typed, for writing its correction alike. */
typedef enum { CASE_AS_IS, CASE_FIRST, CASE_ALL } typed_case;

/* The character of s (n bytes) at *at into *c, *at moved past it.
** Returns 0 at the end or at bytes that are not UTF-8. */
static int next_char(utf8proc_int32_t *c, const char *s, size_t n, size_t *at)
{
    utf8proc_ssize_t k = *at < n ?
                             utf8proc_iterate((const utf8proc_uint8_t *)s + *at,
                                              (utf8proc_ssize_t)(n - *at), c) :
                             0;
    if (k <= 0) {
        return 0;
    }
    *at += (size_t)k;
    return 1;
}

/* The case of the n bytes typed: CASE_ALL when two letters or more and
** all capitals ("PHILIPE"), CASE_FIRST when the first letter is one
** ("Philipe"), else CASE_AS_IS (also for bytes that are not UTF-8, from
** them on). */
static typed_case case_of(const char *typed, size_t n)
{
    size_t at = 0, letters = 0, upper = 0;
    int first = -1;
    utf8proc_int32_t c;
    while (next_char(&c, typed, n, &at)) {
        utf8proc_category_t cat = utf8proc_category(c);
        if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) {
            int up = utf8proc_isupper(c) != 0;
            letters++;
            upper += (size_t)up;
            if (first < 0) {
                first = up;
            }
        }
    }
    if (letters >= 2 && upper == letters) {
        return CASE_ALL;
    }
    return first == 1 ? CASE_FIRST : CASE_AS_IS;
}

/* In *out (r's), form (a word of the lexicon, in small letters) written in
** the case of the n bytes typed (case_of()): "Philipe" is corrected as
** "Philippe", "PHILIPE" as "PHILIPPE". */
static int keep_cased(const char **out,
                      results *r,
                      const char *form,
                      const char *typed,
                      size_t n)
{
    typed_case how = case_of(typed, n);
    size_t len = strlen(form), at = 0, o = 0;
    char *cased;

    *out = NULL;
    if (how == CASE_AS_IS) {
        return keep_copy(out, r, form, len);
    }
    /* A capital takes at most 4 bytes, as any character. */
    cased = fouine_malloc(4 * len + 1);
    if (!cased) {
        return FOUINE_ENOMEM;
    }
    for (;;) {
        utf8proc_int32_t c;
        size_t from = at;
        if (!next_char(&c, form, len, &at)) {
            memcpy(cased + o, form + at, len - at); /* the rest as it is */
            o += len - at;
            break;
        }
        if (how == CASE_ALL || from == 0) {
            c = utf8proc_toupper(c);
        }
        o += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)cased + o);
    }
    cased[o] = '\0';
    *out = cased;
    return keep(r, cased);
}

int fouine_results_corrected(const char **out,
                             results *r,
                             int fixes,
                             const char *text,
                             const fouine_correction *corr,
                             size_t ncorr,
                             int applied)
{
    fouine_buf b = { 0 };
    size_t i, at = 0, n = 0;
    int rc = FOUINE_OK;

    *out = NULL;
    if (fixes && ncorr > 0) {
        r->fixes = fouine_calloc(ncorr, sizeof *r->fixes);
        if (!r->fixes) {
            return FOUINE_ENOMEM;
        }
    }
    for (i = 0; rc == FOUINE_OK && i < ncorr; i++) {
        const fouine_correction *c = &corr[i];
        const char *form;
        if ((applied && !c->applied) || c->ncands == 0) {
            continue;
        }
        rc = keep_cased(&form, r,
                        c->cands[0].token[0] ? c->cands[0].token :
                                               c->cands[0].term,
                        text + c->start, c->end - c->start);
        if (rc != FOUINE_OK) {
            break;
        }
        fouine_buf_append(&b, text + at, c->start - at);
        fouine_buf_puts(&b, form);
        if (fixes) {
            r->fixes[n].corrected = form;
            rc = keep_copy(&r->fixes[n].typed, r, text + c->start,
                           c->end - c->start);
        }
        n++;
        at = c->end;
    }
    if (fixes) {
        r->pub.fixes = r->fixes;
        r->pub.nfixes = n;
    }
    if (rc == FOUINE_OK && n > 0) {
        fouine_buf_puts(&b, text + at);
        if (b.failed) {
            rc = FOUINE_ENOMEM;
        } else {
            rc = keep(r, b.data);
            *out = rc == FOUINE_OK ? b.data : NULL;
            b.data = NULL; /* r's now, or freed by keep() */
        }
    }
    fouine_free(b.data);
    return rc;
}

/* ---- Facets ---- */

/* A value of a facet being tallied: len bytes of value, not owned. */
typedef struct tally {
    const char *value;
    size_t len;
    long long count;
} tally;

/* The order of values, as SQLite's BINARY collation has it. */
static int value_cmp(const tally *a, const tally *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->value, b->value, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int by_value(const void *a, const void *b)
{
    return value_cmp(a, b);
}

static int by_value_desc(const void *a, const void *b)
{
    return value_cmp(b, a);
}

/* Most articles first, then by value (fouine_index_categories()'s
** order). */
static int by_count(const void *pa, const void *pb)
{
    const tally *a = pa, *b = pb;
    if (a->count != b->count) {
        return a->count < b->count ? 1 : -1;
    }
    return value_cmp(a, b);
}

/* Sort the n tallies of t with cmp and add up the counts of equal values
** (neighbours once sorted); returns how many values are left. */
static size_t tally_merge(tally *t,
                          size_t n,
                          int (*cmp)(const void *, const void *))
{
    size_t i, k = 0;
    if (n == 0) {
        return 0;
    }
    qsort(t, n, sizeof *t, cmp);
    for (i = 1; i < n; i++) {
        if (value_cmp(&t[k], &t[i]) == 0) {
            t[k].count += t[i].count;
        } else {
            t[++k] = t[i];
        }
    }
    return k + 1;
}

/* *out: the first n tallies of t as facets owned by r (their values
** copied), *nout their number. */
static int keep_facet(const fouine_facet **out,
                      size_t *nout,
                      results *r,
                      const tally *t,
                      size_t n)
{
    fouine_facet *f;
    size_t i;
    int rc;
    *out = NULL;
    *nout = 0;
    if (n == 0) {
        return FOUINE_OK;
    }
    f = fouine_calloc(n, sizeof *f);
    rc = f ? keep(r, f) : FOUINE_ENOMEM;
    for (i = 0; rc == FOUINE_OK && i < n; i++) {
        rc = keep_copy(&f[i].value, r, t[i].value, t[i].len);
        f[i].count = t[i].count;
    }
    if (rc == FOUINE_OK) {
        *out = f;
        *nout = n;
    }
    return rc;
}

int fouine_results_facets(results *r, const search *s)
{
    fouine_facets *f = fouine_calloc(1, sizeof *f);
    tally *t = NULL;
    size_t i, n = 0;
    int rc = f ? keep(r, f) : FOUINE_ENOMEM;

    if (rc == FOUINE_OK) {
        t = fouine_malloc((s->nrows ? s->nrows : 1) * sizeof *t);
        rc = t ? FOUINE_OK : FOUINE_ENOMEM;
    }
    /* The categories, within the dates. */
    for (i = 0; rc == FOUINE_OK && i < s->nrows; i++) {
        const facet_row *row = &s->rows[i];
        if (row->in_dates && row->category) {
            tally one = { row->category, strlen(row->category), row->count };
            t[n++] = one;
        }
    }
    if (rc == FOUINE_OK) {
        n = tally_merge(t, n, by_value);
        qsort(t, n, sizeof *t, by_count);
        rc = keep_facet(&f->categories, &f->ncategories, r, t,
                        n < FOUINE_FACET_CATEGORIES ? n :
                                                      FOUINE_FACET_CATEGORIES);
    }
    /* The months and years, of the category. */
    for (i = 0, n = 0; rc == FOUINE_OK && i < s->nrows; i++) {
        const facet_row *row = &s->rows[i];
        if (row->in_category && row->month && strlen(row->month) == 7) {
            tally one = { row->month, 7, row->count };
            t[n++] = one;
        }
    }
    if (rc == FOUINE_OK) {
        n = tally_merge(t, n, by_value_desc);
        rc = keep_facet(&f->months, &f->nmonths, r, t, n);
    }
    for (i = 0, n = 0; rc == FOUINE_OK && i < s->nrows; i++) {
        const facet_row *row = &s->rows[i];
        if (row->in_category && row->month && strlen(row->month) >= 4) {
            tally one = { row->month, 4, row->count };
            t[n++] = one;
        }
    }
    if (rc == FOUINE_OK) {
        n = tally_merge(t, n, by_value_desc);
        rc = keep_facet(&f->years, &f->nyears, r, t, n);
    }
    if (rc == FOUINE_OK) {
        r->pub.facets = f;
    }
    fouine_free(t);
    return rc;
}
