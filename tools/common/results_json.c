/*
** results_json.c: search results (fouine/search.h) as JSON.  Every
** jansson call is checked: a failure is FOUINE_ENOMEM, and nothing is
** left half built.
*/
#include "results_json.h"

#include "fouine/buf.h"

/* Set key of obj to v (taken, NULL: json null unless v was wanted). */
static int set(json_t *obj, const char *key, json_t *v)
{
    return v && json_object_set_new(obj, key, v) == 0 ? FOUINE_OK :
                                                        FOUINE_ENOMEM;
}

/* A string, or null for NULL. */
static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

void fouine_json_put(json_t *obj, const char *key, json_t *value, int *failed)
{
    if (json_object_set_new(obj, key, value) != 0) {
        *failed = 1;
    }
}

/* The names of the bounds in cut, a new JSON array (NULL: no memory). */
static json_t *cut_json(unsigned cut)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = { { FOUINE_CUT_WORDS, "words" },
                  { FOUINE_CUT_PREFIXES, "prefixes" },
                  { FOUINE_CUT_PHRASES, "phrases" },
                  { FOUINE_CUT_TIME, "time" } };
    json_t *a = json_array();
    size_t i;
    for (i = 0; a && i < sizeof names / sizeof names[0]; i++) {
        if ((cut & names[i].bit) &&
            json_array_append_new(a, json_string(names[i].name)) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

/* [[start, end], ...] */
static json_t *spans_json(const fouine_span *spans, size_t n)
{
    json_t *a = json_array();
    size_t i;
    for (i = 0; a && i < n; i++) {
        json_t *pair = json_pack("[II]", (json_int_t)spans[i].start,
                                 (json_int_t)spans[i].end);
        if (!pair || json_array_append_new(a, pair) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

/* key: the HTML of text with its spans marked; text_key: text; spans_key:
** the spans. */
static int set_marked(json_t *obj,
                      const char *key,
                      const char *text_key,
                      const char *spans_key,
                      const char *text,
                      const fouine_span *spans,
                      size_t n)
{
    char *html = NULL;
    int rc = fouine_highlight(&html, text ? text : "", spans, n, "<mark>",
                              "</mark>", 1);
    if (rc == FOUINE_OK) {
        rc = set(obj, key, json_string(html));
    }
    if (rc == FOUINE_OK) {
        rc = set(obj, text_key, json_string(text ? text : ""));
    }
    if (rc == FOUINE_OK) {
        rc = set(obj, spans_key, spans_json(spans, n));
    }
    fouine_free(html);
    return rc;
}

/* The ids of a hit's duplicates, a new JSON array (NULL: no memory). */
static json_t *ids_json(const char *const *ids, size_t n)
{
    json_t *a = json_array();
    size_t i;
    for (i = 0; a && i < n; i++) {
        if (json_array_append_new(a, json_string(ids[i])) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

static int hit_json(json_t **out, const fouine_hit *h)
{
    json_t *obj = json_object();
    int rc = obj ? FOUINE_OK : FOUINE_ENOMEM;
    *out = NULL;
    if (rc == FOUINE_OK) {
        rc = set(obj, "id", json_string(h->id));
    }
    if (rc == FOUINE_OK) {
        rc = set_marked(obj, "title", "title_text", "title_highlights",
                        h->title, h->title_spans, h->ntitle_spans);
    }
    if (rc == FOUINE_OK) {
        rc = set(obj, "untitled", json_boolean(h->untitled));
    }
    if (rc == FOUINE_OK) {
        rc = set(obj, "date", string_or_null(h->date));
    }
    if (rc == FOUINE_OK) {
        rc = set(obj, "category", string_or_null(h->category));
    }
    if (rc == FOUINE_OK) {
        rc = set(obj, "url", string_or_null(h->url));
    }
    if (rc == FOUINE_OK) {
        rc = set(obj, "score", json_real(h->score));
    }
    if (rc == FOUINE_OK) {
        rc = set_marked(obj, "snippet", "snippet_text", "highlights",
                        h->snippet, h->snippet_spans, h->nsnippet_spans);
    }
    if (rc == FOUINE_OK) {
        rc = set(obj, "comment", json_boolean(h->comment));
    }
    if (rc == FOUINE_OK) {
        rc = set(obj, "duplicates", json_integer((json_int_t)h->duplicates));
    }
    if (rc == FOUINE_OK) {
        rc = set(obj, "duplicate_ids",
                 ids_json(h->duplicate_ids, h->nduplicate_ids));
    }
    if (rc != FOUINE_OK) {
        json_decref(obj);
        return rc;
    }
    *out = obj;
    return FOUINE_OK;
}

/* null, or {"query": corrected, "typed": what was typed, "words": [[typed,
** corrected], ...]}. */
static json_t *correction_json(const fouine_results *r)
{
    json_t *words, *obj;
    size_t i;
    if (!r->corrected) {
        return json_null();
    }
    words = json_array();
    for (i = 0; words && i < r->nfixes; i++) {
        json_t *pair =
            json_pack("[ss]", r->fixes[i].typed, r->fixes[i].corrected);
        if (!pair || json_array_append_new(words, pair) != 0) {
            json_decref(words);
            words = NULL;
        }
    }
    obj = words ? json_pack("{s:s, s:s, s:o}", "query", r->corrected, "typed",
                            r->query ? r->query : "", "words", words) :
                  NULL;
    return obj;
}

/* [{"value": ..., "count": ...}, ...] of n facets (NULL: no memory). */
static json_t *facet_json(const fouine_facet *f, size_t n)
{
    json_t *a = json_array();
    size_t i;
    for (i = 0; a && i < n; i++) {
        json_t *one = json_pack("{s:s, s:I}", "value", f[i].value, "count",
                                (json_int_t)f[i].count);
        if (!one || json_array_append_new(a, one) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

/* null, or {"categories": [...], "years": [...], "months": [...]}. */
static json_t *facets_json(const fouine_facets *f)
{
    json_t *obj;
    if (!f) {
        return json_null();
    }
    obj = json_object();
    if (obj &&
        (set(obj, "categories", facet_json(f->categories, f->ncategories)) !=
             FOUINE_OK ||
         set(obj, "years", facet_json(f->years, f->nyears)) != FOUINE_OK ||
         set(obj, "months", facet_json(f->months, f->nmonths)) != FOUINE_OK)) {
        json_decref(obj);
        obj = NULL;
    }
    return obj;
}

int fouine_results_json(json_t **out, const fouine_results *r)
{
    json_t *res = json_object(), *hits = json_array();
    size_t i;
    int rc = res && hits ? FOUINE_OK : FOUINE_ENOMEM;

    *out = NULL;
    if (rc == FOUINE_OK) {
        rc = set(res, "query", json_string(r->query ? r->query : ""));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "understood",
                 json_string(r->understood ? r->understood : ""));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "expression", string_or_null(r->expression));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "fallback", json_boolean(r->fallback));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "total", json_integer(r->total));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "offset", json_integer(r->offset));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "limit", json_integer(r->limit));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "suggestion", string_or_null(r->suggestion));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "category_unknown", json_boolean(r->category_unknown));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "category_closest", string_or_null(r->category_closest));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "correction", correction_json(r));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "facets", facets_json(r->facets));
    }
    for (i = 0; rc == FOUINE_OK && i < r->nhits; i++) {
        json_t *hit = NULL;
        rc = hit_json(&hit, &r->hits[i]);
        if (rc == FOUINE_OK && json_array_append_new(hits, hit) != 0) {
            rc = FOUINE_ENOMEM;
        }
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "hits", hits);
        hits = NULL; /* taken, even on failure */
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "truncated", json_boolean(r->truncated_by != 0));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "truncated_by", cut_json(r->truncated_by));
    }
    if (rc == FOUINE_OK) {
        rc = set(res, "took_ms", json_real(r->took_ms));
    }
    json_decref(hits);
    if (rc != FOUINE_OK) {
        json_decref(res);
        return rc;
    }
    *out = res;
    return FOUINE_OK;
}

int fouine_search_json(json_t **out,
                       fouine_index *ix,
                       const fouine_search_options *o)
{
    fouine_results *r = NULL;
    int rc = fouine_search(&r, ix, o);
    *out = NULL;
    if (rc == FOUINE_OK) {
        rc = fouine_results_json(out, r);
    }
    fouine_results_free(r);
    return rc;
}
