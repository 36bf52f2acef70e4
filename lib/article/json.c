/*
** json.c: articles from JSON documents, parsed with jansson (see
** indexer.h).
*/
#include "indexer.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fouine/alloc.h"

/* A copy of a string field, or NULL when absent, not a string, or empty.
** Numbers are accepted for the id.  Sets *nomem on allocation failure. */
static char *field(const json_t *obj, const char *name, int *nomem)
{
    const json_t *v = json_object_get(obj, name);
    char num[32];
    const char *s = NULL;
    size_t n = 0;
    char *p;
    if (json_is_string(v)) {
        s = json_string_value(v);
        n = json_string_length(v);
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));
        s = num;
        n = strlen(num);
    }
    /* Trim surrounding white space. */
    while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
                     s[n - 1] == '\r')) {
        n--;
    }
    if (!s || n == 0) {
        return NULL;
    }
    p = fouine_malloc(n + 1);
    if (!p) {
        *nomem = 1;
        return NULL;
    }
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* The first non-NULL of several fields. */
static char *field_of(const json_t *obj, const char *const *names, int *nomem)
{
    char *p = NULL;
    for (; *names && !p && !*nomem; names++) {
        p = field(obj, *names, nomem);
    }
    return p;
}

/*
** The first paragraph break of s: an empty line, written "\n\n" or
** "\r\n\r\n".  Returns a pointer into s at the break's first byte, or NULL.
*/
static char *paragraph_break(char *s)
{
    char *p;
    for (p = s; *p; p++) {
        if (p[0] == '\n' && (p[1] == '\n' || (p[1] == '\r' && p[2] == '\n'))) {
            return p > s && p[-1] == '\r' ? p - 1 : p;
        }
    }
    return NULL;
}

/*
** Without a lead, the first paragraph of the body becomes the lead, the
** way the text layouts read it.
*/
static FOUINE_WUR int split_lead(fouine_article *a)
{
    char *cut, *rest, *lead;
    if (a->lead) {
        return FOUINE_OK;
    }
    cut = paragraph_break(a->body);
    if (!cut) {
        a->lead = a->body;
        a->body = fouine_strdup("");
        return a->body ? FOUINE_OK : FOUINE_ENOMEM;
    }
    lead = fouine_malloc((size_t)(cut - a->body) + 1);
    if (!lead) {
        return FOUINE_ENOMEM;
    }
    memcpy(lead, a->body, (size_t)(cut - a->body));
    lead[cut - a->body] = '\0';
    while (*cut == '\n' || *cut == '\r') {
        cut++;
    }
    rest = fouine_strdup(cut);
    if (!rest) {
        fouine_free(lead);
        return FOUINE_ENOMEM;
    }
    fouine_free(a->body);
    a->body = rest;
    a->lead = lead;
    return FOUINE_OK;
}

/* Bytes of s[0..n) to quote in a message: at most 40, cut on a character
** boundary. */
static size_t quote_len(const char *s, size_t n)
{
    size_t k = 40;
    if (n <= k) {
        return n;
    }
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) {
        k--;
    }
    return k;
}

/*
** Keep the date field when it is a day of the calendar (a French date
** becomes ISO 8601, a space before the time a "T"); else drop it, with a
** note.  Returns FOUINE_OK or FOUINE_ENOMEM.
*/
static FOUINE_WUR int check_date(fouine_article *a)
{
    char iso[32];
    const char *why;
    char *p;
    size_t n, k;
    if (!a->date) {
        return FOUINE_OK;
    }
    n = strlen(a->date);
    why = fouine_date_check(iso, sizeof iso, a->date, n);
    if (why) {
        k = quote_len(a->date, n);
        fouine_buf_printf(&a->notes,
                          "field date: '%.*s%s' is %s: indexed without a "
                          "date\n",
                          (int)k, a->date, k < n ? "..." : "", why);
        fouine_free(a->date);
        a->date = NULL;
    } else if (iso[0]) {
        p = fouine_strdup(iso);
        if (!p) {
            return FOUINE_ENOMEM;
        }
        fouine_free(a->date);
        a->date = p;
    } else if (n > 10 && a->date[10] == ' ') {
        a->date[10] = 'T'; /* "2019-05-10 17:00" sorts as ISO 8601 */
    }
    return a->notes.failed ? FOUINE_ENOMEM : FOUINE_OK;
}

/* Convert one JSON object into an article. */
static FOUINE_WUR int to_article(fouine_article *out,
                                 fouine_skip *skip,
                                 const json_t *obj)
{
    static const char *const ids[] = { "id", "url", NULL };
    static const char *const categories[] = { "section", "category", NULL };
    static const char *const bodies[] = { "body", "text", "content", NULL };
    int nomem = 0;
    const json_t *rt;

    memset(out, 0, sizeof *out);
    if (!json_is_object(obj)) {
        *skip = FOUINE_SKIP_BAD_JSON;
        return FOUINE_EINVAL;
    }
    out->id = field_of(obj, ids, &nomem);
    out->title = field(obj, "title", &nomem);
    out->date = field(obj, "date", &nomem);
    out->category = field_of(obj, categories, &nomem);
    out->url = field(obj, "url", &nomem);
    out->author = field(obj, "author", &nomem);
    out->lead = field(obj, "lead", &nomem);
    out->body = field_of(obj, bodies, &nomem);
    rt = json_object_get(obj, "reading_time");
    if (json_is_integer(rt) && json_integer_value(rt) > 0 &&
        json_integer_value(rt) < 10000) {
        out->reading_time = (int)json_integer_value(rt);
    }
    if (!nomem && !out->body) {
        out->body = fouine_strdup("");
        nomem = !out->body;
    }
    if (!nomem && split_lead(out) != FOUINE_OK) {
        nomem = 1;
    }
    if (!nomem && check_date(out) != FOUINE_OK) {
        nomem = 1;
    }
    if (!nomem && !out->title && (out->lead[0] || out->body[0])) {
        /* Untitled: searchable by its lead and body. */
        out->title = fouine_strdup("");
        fouine_buf_puts(&out->notes,
                        "field title: missing or empty: indexed untitled\n");
        nomem = !out->title || out->notes.failed;
    }
    if (nomem) {
        fouine_article_clear(out);
        return FOUINE_ENOMEM;
    }
    if (!out->id || !out->title) {
        *skip = out->id ? FOUINE_SKIP_NO_TEXT : FOUINE_SKIP_NO_ID;
        fouine_article_clear(out);
        return FOUINE_EINVAL;
    }
    return FOUINE_OK;
}

/* Append src to the NUL-terminated string in dst[0..size), cutting it. */
static void append(char *dst, size_t size, const char *src)
{
    size_t n = strlen(dst), m = strlen(src);
    if (n + 1 >= size) {
        return;
    }
    if (m > size - n - 1) {
        m = size - n - 1;
    }
    memcpy(dst + n, src, m);
    dst[n + m] = '\0';
}

/* Give one element to the callback (index: its place in the array, or
** SIZE_MAX for a lone object), or count it as skipped. */
static FOUINE_WUR int one(const json_t *v,
                          fouine_skip *skip,
                          size_t *nskipped,
                          char *err,
                          size_t errsize,
                          size_t index,
                          fouine_article_cb cb,
                          void *payload)
{
    fouine_article a;
    int rc = to_article(&a, skip, v);
    if (rc == FOUINE_EINVAL) {
        if (*nskipped == 0 && errsize > 0) {
            char num[32] = "";
            if (index != SIZE_MAX) {
                snprintf(num, sizeof num, "article %zu: ", index + 1);
            }
            err[0] = '\0';
            append(err, errsize, num);
            append(err, errsize,
                   *skip == FOUINE_SKIP_NO_ID   ? "no field id or url" :
                   *skip == FOUINE_SKIP_NO_TEXT ? "no field title, lead or "
                                                  "body" :
                                                  "not an object");
        }
        (*nskipped)++;
        return FOUINE_OK;
    }
    if (rc != FOUINE_OK) {
        return rc;
    }
    return cb(&a, payload);
}

int fouine_json_out_of_memory(const json_error_t *err)
{
    /* A lexer that could not start or grow its buffer leaves the error
    ** empty.  jansson 2.14 reports other failures of its allocations
    ** while lexing as syntax errors ("invalid token"): those cannot be
    ** told from bad JSON. */
    return json_error_code(err) == json_error_out_of_memory ||
           err->text[0] == '\0';
}

int fouine_json_parse(fouine_skip *skip,
                      size_t *nskipped,
                      char *err,
                      size_t errsize,
                      const char *text,
                      size_t len,
                      fouine_article_cb cb,
                      void *payload)
{
    json_error_t jerr;
    json_t *doc = NULL;
    const json_t *v;
    size_t i, total = 1;
    int rc = FOUINE_OK;

    *skip = FOUINE_SKIP_BAD_JSON;
    *nskipped = 0;
    if (errsize > 0) {
        err[0] = '\0';
    }
    doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc && fouine_json_out_of_memory(&jerr)) {
        rc = FOUINE_ENOMEM; /* the text may be fine */
        goto done;
    }
    if (!doc) {
        append(err, errsize, jerr.text);
        *nskipped = 1;
        rc = FOUINE_EINVAL;
        goto done;
    }
    if (json_is_array(doc)) {
        total = json_array_size(doc);
        json_array_foreach(doc, i, v)
        {
            rc = one(v, skip, nskipped, err, errsize, i, cb, payload);
            if (rc != FOUINE_OK) {
                goto done;
            }
        }
    } else {
        rc = one(doc, skip, nskipped, err, errsize, SIZE_MAX, cb, payload);
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    if (*nskipped > 0 && *nskipped == total) {
        rc = FOUINE_EINVAL;
    }
done:
    json_decref(doc);
    return rc;
}
