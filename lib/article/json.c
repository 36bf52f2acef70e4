/*
** json.c: articles from JSON documents, parsed with jansson: the reader of
** fouine-index's .json and .jsonl files (fouine_json_parse(), indexer.h),
** which skips what is bad and goes on, and the strict reader of the same
** fields (fouine_article_read_json(), fouine/index.h), which refuses a
** whole text at its first problem.
*/
#include "indexer.h"

#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

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

/* Whether v is an array of strings only (none: no body): a body given as
** its paragraphs, as fouine-serve's /api/articles gives it. */
static int is_paragraphs(const json_t *v)
{
    size_t i;
    const json_t *p;
    if (!json_is_array(v)) {
        return 0;
    }
    json_array_foreach(v, i, p)
    {
        if (!json_is_string(p)) {
            return 0;
        }
    }
    return 1;
}

/* The body field name of obj: a string as field() reads it, or its
** paragraphs joined by empty lines; NULL when absent, of another type or
** empty.  Sets *nomem on allocation failure. */
static char *body_field(const json_t *obj, const char *name, int *nomem)
{
    const json_t *v = json_object_get(obj, name), *p;
    fouine_buf b = { 0 };
    size_t i;
    if (!is_paragraphs(v)) {
        return field(obj, name, nomem);
    }
    json_array_foreach(v, i, p)
    {
        if (json_string_length(p) > 0) {
            if (b.len > 0) {
                fouine_buf_puts(&b, "\n\n");
            }
            fouine_buf_append(&b, json_string_value(p), json_string_length(p));
        }
    }
    if (b.failed) {
        *nomem = 1;
        fouine_free(b.data);
        return NULL;
    }
    return b.data; /* NULL when every paragraph is empty */
}

/* The first non-NULL of several fields; *from (when not NULL) the name
** that gave it, or NULL. */
static char *field_of(const json_t *obj,
                      const char *const *names,
                      const char *const **from,
                      int *nomem)
{
    char *p = NULL;
    for (; *names && !p && !*nomem; names++) {
        p = field(obj, *names, nomem);
        if (p && from) {
            *from = names;
        }
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

#define READ_WHY  256 /* bytes of a message about one article */
#define QUOTE_MAX 40  /* bytes of a value quoted in a message */

/* A length of quote_len() as the precision of a "%.*s", in its range. */
#define QUOTE_PRECISION(k) ((int)((k) < QUOTE_MAX ? (k) : QUOTE_MAX))

/* Bytes of s[0..n) to quote in a message: at most QUOTE_MAX, cut on a
** character boundary. */
static size_t quote_len(const char *s, size_t n)
{
    size_t k = QUOTE_MAX;
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
** note, or, when refused is not NULL (the strict reader), say why in
** refused[0..size) and return FOUINE_EINVAL.  Returns FOUINE_OK,
** FOUINE_EINVAL or FOUINE_ENOMEM.
*/
static FOUINE_WUR int check_date(fouine_article *a, char *refused, size_t size)
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
        if (refused) {
            snprintf(refused, size, "field date: '%.*s%s' is %s",
                     QUOTE_PRECISION(k), a->date, k < n ? "..." : "", why);
            return FOUINE_EINVAL;
        }
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

/* The fields read, in groups: the first of a group that is given is taken
** (the id is "id", else "url"). */
static const char *const ids[] = { "id", "url", NULL };
static const char *const categories[] = { "section", "category", NULL };
static const char *const bodies[] = { "body", "text", "content", NULL };
static const char *const others[] = { "title", "date", "author", "lead", NULL };

/*
** Whether the field name of obj, when given, is a string or null (or, when
** numbers is set, a whole number, which fouine-index takes for an id):
** FOUINE_OK, or FOUINE_EINVAL with why[0..size) saying "field NAME: not a
** string".  The check of the type of every field read, for both readers.
*/
static FOUINE_WUR int check_type(char *why,
                                 size_t size,
                                 const json_t *obj,
                                 const char *name,
                                 int numbers)
{
    const json_t *v = json_object_get(obj, name);
    if (v && !json_is_string(v) && !json_is_null(v) &&
        !(numbers && json_is_integer(v))) {
        snprintf(why, size, "field %s: not a string", name);
        return FOUINE_EINVAL;
    }
    return FOUINE_OK;
}

/* Note in out->notes each field of obj read as text (but the id, noted
** apart) whose value is neither a string nor null: a whole number is
** taken as its digits, anything else is ignored.  Of the other names of
** one field (section and category, body, text and content) only those
** read are noted: up to the one that gave the text, category_from and
** body_from (NULL: none did).  The lenient reader's side of
** check_fields().  Returns FOUINE_OK or FOUINE_ENOMEM. */
static FOUINE_WUR int note_types(fouine_article *out,
                                 const json_t *obj,
                                 const char *const *category_from,
                                 const char *const *body_from)
{
    static const char *const *const groups[] = { ids, categories, bodies,
                                                 others };
    const char *const *name;
    const json_t *v;
    size_t g;
    for (g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        const char *const *last = groups[g] == categories ? category_from :
                                  groups[g] == bodies     ? body_from :
                                                            NULL;
        for (name = groups[g]; *name; name++) {
            v = json_object_get(obj, *name);
            if (v && strcmp(*name, "id") != 0 && json_is_integer(v)) {
                fouine_buf_printf(&out->notes,
                                  "field %s: a number, not a string: read as "
                                  "'%" JSON_INTEGER_FORMAT "'\n",
                                  *name, json_integer_value(v));
            } else if (v && strcmp(*name, "id") != 0 && !json_is_string(v) &&
                       !json_is_null(v) &&
                       !(groups[g] == bodies && is_paragraphs(v))) {
                fouine_buf_printf(&out->notes,
                                  "field %s: not a string: ignored\n", *name);
            }
            if (name == last) {
                break; /* read: the names after it are not */
            }
        }
    }
    return out->notes.failed ? FOUINE_ENOMEM : FOUINE_OK;
}

/*
** Convert one JSON object into an article.  id: NULL, or the id the
** article gets whatever its fields say (the strict reader has checked
** them).  strict: a date that is not one refuses the article (see
** check_date()), as does a number for an id (check_fields() refuses it
** first); else the date is dropped, and the number taken for the id, each
** with a note.  On FOUINE_EINVAL, *skip and why[0..size) say why ("":
** skip_why()).
*/
static FOUINE_WUR int to_article(fouine_article *out,
                                 fouine_skip *skip,
                                 char *why,
                                 size_t size,
                                 const json_t *obj,
                                 const char *id,
                                 int strict)
{
    int nomem = 0, rc;
    const json_t *rt;
    const char *const *name, *const *category_from = NULL,
                                    *const *body_from = NULL;

    memset(out, 0, sizeof *out);
    why[0] = '\0';
    if (!json_is_object(obj)) {
        *skip = FOUINE_SKIP_BAD_JSON;
        return FOUINE_EINVAL;
    }
    if (!id && check_type(why, size, obj, "id", !strict) != FOUINE_OK) {
        *skip = FOUINE_SKIP_NO_ID; /* an id that cannot be one */
        return FOUINE_EINVAL;
    }
    if (id) {
        out->id = fouine_strdup(id);
        nomem = !out->id;
    } else {
        out->id = field_of(obj, ids, NULL, &nomem);
    }
    if (!id && json_is_integer(json_object_get(obj, "id")) && out->id) {
        fouine_buf_printf(&out->notes,
                          "field id: a number, not a string: indexed as "
                          "'%s'\n",
                          out->id);
        nomem |= out->notes.failed;
    }
    out->title = field(obj, "title", &nomem);
    out->date = field(obj, "date", &nomem);
    out->category = field_of(obj, categories, &category_from, &nomem);
    out->url = field(obj, "url", &nomem);
    out->author = field(obj, "author", &nomem);
    out->lead = field(obj, "lead", &nomem);
    for (name = bodies; *name && !out->body && !nomem; name++) {
        out->body = body_field(obj, *name, &nomem);
        body_from = out->body ? name : NULL;
    }
    if (!nomem && note_types(out, obj, category_from, body_from) != FOUINE_OK) {
        nomem = 1;
    }
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
    if (!nomem &&
        (rc = check_date(out, strict ? why : NULL, size)) != FOUINE_OK) {
        if (rc == FOUINE_EINVAL) {
            *skip = FOUINE_SKIP_BAD_JSON;
            fouine_article_clear(out);
            return rc;
        }
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

/* Make the message s valid UTF-8 in place, each byte that starts no
** character becoming '?': jansson's "near '...'" quotes the bytes of the
** text up to the error, a character cut among them, and a message cut to
** its buffer may end inside one.  Whoever shows the message (in JSON, in
** a terminal) gets text. */
static void scrub_utf8(char *s)
{
    size_t i = 0, n = strlen(s);
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            s[i++] = '?';
        } else {
            i += (size_t)k;
        }
    }
}

/* Append src to the NUL-terminated string in dst[0..size), cutting it;
** the message stays text (scrub_utf8()). */
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
    scrub_utf8(dst + n);
}

/* Why an element of a JSON document gives no article (a static message). */
static const char *skip_why(fouine_skip skip)
{
    return skip == FOUINE_SKIP_NO_ID   ? "no field id or url" :
           skip == FOUINE_SKIP_NO_TEXT ? "no field title, lead or body" :
                                         "not an object";
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
    char why[READ_WHY];
    int rc = to_article(&a, skip, why, sizeof why, v, NULL, 0);
    if (rc == FOUINE_EINVAL) {
        if (*nskipped == 0 && errsize > 0) {
            char num[32] = "";
            if (index != SIZE_MAX) {
                snprintf(num, sizeof num, "article %zu: ", index + 1);
            }
            err[0] = '\0';
            append(err, errsize, num);
            append(err, errsize, why[0] ? why : skip_why(*skip));
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

/*
** The strict reader.
*/

/* Where a byte of a JSON value lies, as place() finds it. */
typedef struct json_place {
    long lines;     /* line ends before it */
    size_t article; /* the object of the array it is in (1: the first); 0
                       when the value is not an array */
    char key[48];   /* the last field name of that object before it, cut,
                       or "" */
    int in_name;    /* it is inside a field name of the object */
} json_place;

/*
** Find where byte pos of the JSON value s[0..n) lies (n: what jansson
** read of it, up to the end of the value or to where it failed), or, when
** article is not 0, where that object of the array s begins.  Not a
** parser: it follows strings, their escapes and the brackets, which is all
** it needs in text that jansson has read that far.
*/
static void place(json_place *p,
                  const char *s,
                  size_t n,
                  size_t pos,
                  size_t article)
{
    int top = n > 0 && s[0] == '[' ? 2 : 1; /* the depth of an article */
    int depth = 0, in_str = 0, esc = 0, value = 0, after_colon = 0;
    size_t i, start = 0;

    memset(p, 0, sizeof *p);
    for (i = 0; i < n && i < pos; i++) {
        char c = s[i];
        if (in_str) {
            if (esc) {
                esc = 0;
            } else if (c == '\\') {
                esc = 1;
            } else if (c == '"') {
                in_str = 0;
                if (!value && depth == top) { /* a field name */
                    size_t k = quote_len(s + start, i - start);
                    memcpy(p->key, s + start, k);
                    p->key[k] = '\0';
                }
            }
            continue;
        }
        if (c == '\n' || (c == '\r' && (i + 1 >= n || s[i + 1] != '\n'))) {
            p->lines++;
        }
        if (c == '"') {
            in_str = 1;
            start = i + 1;
            value = after_colon;
        } else if (c == '{' || c == '[') {
            depth++;
            if (depth == 2 && top == 2 && c == '{') {
                p->article++;
                p->key[0] = '\0';
                if (p->article == article) {
                    return;
                }
            }
        } else if (c == '}' || c == ']') {
            depth--;
        }
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            after_colon = c == ':';
        }
    }
    p->in_name = in_str && !value && depth == top;
}

/* The bytes of white space at the start of s[0..n), whose line ends are
** added to *lines. */
static size_t blanks(long *lines, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (s[i] == '\n' ||
            (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n'))) {
            (*lines)++;
        } else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
            break;
        }
    }
    return i;
}

/* Why jansson could not read the value s[0..n) that starts on line: the
** line, the article of an array and the field of an invalid UTF-8 byte,
** the line and article of anything else. */
static void bad_json(char *msg,
                     size_t size,
                     const char *s,
                     size_t n,
                     const json_error_t *jerr,
                     long line)
{
    char where[READ_WHY] = "";
    json_place p;
    place(&p, s, n, jerr->position > 0 ? (size_t)jerr->position : 0, 0);
    if (p.article > 0) {
        snprintf(where, sizeof where, "article %zu: ", p.article);
    }
    if (json_error_code(jerr) != json_error_invalid_utf8) {
        snprintf(msg, size, "line %ld: %sbad JSON: %s", line + p.lines, where,
                 jerr->text);
    } else if (p.in_name) {
        snprintf(msg, size, "line %ld: %sa field name is not valid UTF-8",
                 line + p.lines, where);
    } else if (p.key[0]) {
        snprintf(msg, size, "line %ld: %sfield %s: not valid UTF-8",
                 line + p.lines, where, p.key);
    } else {
        snprintf(msg, size, "line %ld: %snot valid UTF-8", line + p.lines,
                 where);
    }
    scrub_utf8(msg);
}

/* Check the fields of obj that are read: strings or null (reading_time a
** whole number), and an id equal to id when one is given.  Returns
** FOUINE_OK, FOUINE_EINVAL (why says it) or FOUINE_ENOMEM. */
static FOUINE_WUR int check_fields(char *why,
                                   size_t size,
                                   const json_t *obj,
                                   const char *id)
{
    static const char *const *const groups[] = { ids, categories, bodies,
                                                 others };
    const char *const *name;
    const json_t *v;
    char *given;
    size_t g, k, n;
    int nomem = 0, rc = FOUINE_OK;

    for (g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        for (name = groups[g]; *name; name++) {
            if (groups[g] == bodies &&
                is_paragraphs(json_object_get(obj, *name))) {
                continue; /* a body as its paragraphs */
            }
            if (check_type(why, size, obj, *name, 0) != FOUINE_OK) {
                return FOUINE_EINVAL;
            }
        }
    }
    v = json_object_get(obj, "reading_time");
    if (v && !json_is_integer(v) && !json_is_null(v)) {
        snprintf(why, size, "field reading_time: not a whole number");
        return FOUINE_EINVAL;
    }
    if (!id) {
        return FOUINE_OK;
    }
    given = field(obj, "id", &nomem);
    if (nomem) {
        return FOUINE_ENOMEM;
    }
    if (given && strcmp(given, id) != 0) {
        k = quote_len(given, strlen(given));
        n = quote_len(id, strlen(id));
        snprintf(why, size, "field id: '%.*s%s' is not the id given, '%.*s%s'",
                 QUOTE_PRECISION(k), given, given[k] ? "..." : "",
                 QUOTE_PRECISION(n), id, id[n] ? "..." : "");
        rc = FOUINE_EINVAL;
    }
    fouine_free(given);
    return rc;
}

/* What the strict reader passes along. */
typedef struct reader {
    const char *id;       /* the id of every article, or NULL */
    fouine_article_cb cb; /* the caller's callback */
    void *payload;        /* its pointer */
    size_t given;         /* articles given to cb */
} reader;

/* Check one JSON value as an article and give it to the callback; on
** FOUINE_EINVAL, why says what is wrong. */
static FOUINE_WUR int read_article(char *why,
                                   size_t size,
                                   const json_t *v,
                                   reader *rd)
{
    fouine_article a;
    fouine_skip skip = FOUINE_SKIP_BAD_JSON;
    int rc = check_fields(why, size, v, rd->id);
    if (rc == FOUINE_OK) {
        rc = to_article(&a, &skip, why, size, v, rd->id, 1);
    }
    if (rc == FOUINE_EINVAL && !why[0]) {
        snprintf(why, size, "%s", skip_why(skip));
    }
    if (rc != FOUINE_OK) {
        return rc;
    }
    rd->given++;
    return rd->cb(&a, rd->payload);
}

/* Give the articles of the JSON value doc, read from s[0..n) on line, to
** the callback; on FOUINE_EINVAL, msg says what is wrong and where. */
static FOUINE_WUR int read_value(char *msg,
                                 size_t size,
                                 const json_t *doc,
                                 const char *s,
                                 size_t n,
                                 long line,
                                 reader *rd)
{
    char why[READ_WHY] = "";
    const json_t *v;
    json_place p;
    size_t i;
    int rc;

    if (!json_is_array(doc)) {
        rc = read_article(why, sizeof why, doc, rd);
        if (rc == FOUINE_EINVAL) {
            snprintf(msg, size, "line %ld: %s", line, why);
        }
        return rc;
    }
    if (json_array_size(doc) == 0) {
        snprintf(msg, size, "line %ld: an empty array: no article", line);
        return FOUINE_EINVAL;
    }
    json_array_foreach(doc, i, v)
    {
        rc = read_article(why, sizeof why, v, rd);
        if (rc == FOUINE_EINVAL) {
            /* The line of that object (of the array, when it is not one:
            ** every element before it is one). */
            place(&p, s, n, n, i + 1);
            snprintf(msg, size, "line %ld: article %zu: %s",
                     line + (p.article == i + 1 ? p.lines : 0), i + 1, why);
        }
        if (rc != FOUINE_OK) {
            return rc;
        }
    }
    return FOUINE_OK;
}

int fouine_article_read_json(char **err,
                             const char *text,
                             size_t len,
                             const char *id,
                             fouine_article_cb cb,
                             void *payload)
{
    reader rd = { id, cb, payload, 0 };
    char msg[2 * READ_WHY] = "";
    json_error_t jerr;
    json_t *doc = NULL;
    json_place p;
    size_t at = 0, used;
    long line = 1;
    int rc = FOUINE_OK;

    *err = NULL;
    if (len > INT_MAX) { /* jansson counts its position in an int */
        snprintf(msg, sizeof msg, "the text is over %d bytes", INT_MAX);
        rc = FOUINE_EINVAL;
        goto done;
    }
    for (;;) {
        at += blanks(&line, text + at, len - at);
        if (at == len) {
            break;
        }
        /* One value (JSON_DISABLE_EOF_CHECK: what follows is the next
        ** one); jerr.position is then the bytes it took. */
        doc =
            json_loadb(text + at, len - at,
                       JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &jerr);
        if (!doc && fouine_json_out_of_memory(&jerr)) {
            rc = FOUINE_ENOMEM; /* the text may be fine */
            goto done;
        }
        if (!doc) {
            bad_json(msg, sizeof msg, text + at, len - at, &jerr, line);
            rc = FOUINE_EINVAL;
            goto done;
        }
        used = jerr.position > 0 ? (size_t)jerr.position : len - at;
        rc = read_value(msg, sizeof msg, doc, text + at, used, line, &rd);
        if (rc != FOUINE_OK) {
            goto done;
        }
        place(&p, text + at, used, used, 0);
        line += p.lines;
        at += used;
        json_decref(doc);
        doc = NULL;
    }
    if (rd.given == 0) {
        snprintf(msg, sizeof msg, "no article: the text is empty");
        rc = FOUINE_EINVAL;
    }
done:
    json_decref(doc);
    if (rc == FOUINE_EINVAL) {
        scrub_utf8(msg); /* the names and ids it quotes, maybe cut */
        *err = fouine_strdup(msg);
        if (!*err) {
            rc = FOUINE_ENOMEM;
        }
    }
    return rc;
}
