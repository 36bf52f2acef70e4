/*
** serve_api.c: the JSON endpoints of fouine-serve and the index connection
** each worker thread owns.
*/
#include "serve.h"

#include "fouine/alloc.h"
#include "fouine/index.h"
#include "fouine/search.h"
#include "results_json.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utf8proc.h>

static pthread_key_t worker_key;

void fouine_serve_worker_free(fouine_serve_worker *w)
{
    if (!w) {
        return;
    }
    fouine_index_close(w->ix); /* its connection and analyzer too */
    fouine_free(w);
}

/* Destructor of the thread-specific worker: runs when its thread exits. */
static void worker_free(void *p)
{
    fouine_serve_worker_free(p);
}

int fouine_serve_worker_init(void)
{
    return pthread_key_create(&worker_key, worker_free) == 0 ? FOUINE_OK :
                                                               FOUINE_ENOMEM;
}

void fouine_serve_worker_release(void)
{
    fouine_serve_worker *w = pthread_getspecific(worker_key);
    if (w) {
        pthread_setspecific(worker_key, NULL);
        worker_free(w);
    }
}

int fouine_serve_worker_open(fouine_serve_worker **out,
                             const fouine_serve_config *cfg,
                             int flags)
{
    fouine_serve_worker *w = NULL;
    struct stat st;
    int rc;

    *out = NULL;
    w = fouine_calloc(1, sizeof *w);
    if (!w) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    if (stat(cfg->index, &st) == 0) {
        w->dev = st.st_dev;
        w->ino = st.st_ino;
    }
    rc = fouine_index_open(&w->ix, cfg->index, flags);
    if (rc != FOUINE_OK) {
        goto done;
    }
    *out = w;
    w = NULL;
done:
    worker_free(w);
    return rc;
}

int fouine_serve_worker_moved(const fouine_serve_worker *w,
                              const fouine_serve_config *cfg)
{
    struct stat st;
    /* Device and inode: the index removed and made again is another file
    ** (fouine-index --rebuild writes the file in place: it is the same
    ** file); a path that cannot be read now keeps the file open. */
    return stat(cfg->index, &st) == 0 &&
           (st.st_dev != w->dev || st.st_ino != w->ino);
}

int fouine_serve_worker_get(fouine_serve_worker **out,
                            const fouine_serve_config *cfg)
{
    fouine_serve_worker *w = pthread_getspecific(worker_key), *fresh = NULL;
    int rc;

    *out = NULL;
    /* The same file as when the connection was opened: keep it.  Another
    ** file at the path: change to it before the request, and go on with
    ** the old one while the new one cannot be opened yet. */
    if (w && !fouine_serve_worker_moved(w, cfg)) {
        *out = w;
        return FOUINE_OK;
    }
    /* Mapped: the threads share the system's page cache instead of each
    ** copying pages into its own. */
    rc = fouine_serve_worker_open(&fresh, cfg,
                                  FOUINE_INDEX_READ | FOUINE_INDEX_MMAP);
    if (rc != FOUINE_OK) {
        *out = w;
        return w ? FOUINE_OK : rc;
    }
    if (pthread_setspecific(worker_key, fresh) != 0) {
        worker_free(fresh);
        *out = w;
        return w ? FOUINE_OK : FOUINE_ENOMEM;
    }
    worker_free(w);
    *out = fresh;
    return FOUINE_OK;
}

int fouine_serve_text_valid(char *why,
                            size_t size,
                            const char *name,
                            const char *s,
                            size_t len)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;
    if (why && size > 0) {
        why[0] = '\0';
    }
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            if (why) {
                snprintf(why, size, "%s is not valid UTF-8", name);
            }
            return 0;
        }
        if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') {
            if (why) {
                snprintf(why, size, "%s holds a control character (U+%04X)",
                         name, (unsigned)cp);
            }
            return 0;
        }
        i += (size_t)n;
    }
    return 1;
}

int fouine_serve_reply_json(fouine_serve_reply *r, unsigned status, json_t *obj)
{
    char *s = NULL;
    memset(r, 0, sizeof *r);
    if (obj) {
        s = json_dumps(obj, JSON_PRESERVE_ORDER | JSON_COMPACT);
    }
    json_decref(obj);
    if (!s) {
        return FOUINE_ENOMEM;
    }
    r->status = status;
    r->body = s;
    r->len = strlen(s);
    r->type = "application/json; charset=utf-8";
    return FOUINE_OK;
}

int fouine_serve_reply_error(fouine_serve_reply *r,
                             unsigned status,
                             const char *message)
{
    json_t *obj =
        json_pack("{s:i, s:s}", "status", (int)status, "error", message);
    if (!obj) {
        /* A message that is not UTF-8 (jansson refuses it) still answers
        ** with its status, not 500. */
        obj = json_pack("{s:i, s:s}", "status", (int)status, "error",
                        "(the message of this error is not valid UTF-8)");
    }
    return fouine_serve_reply_json(r, status, obj);
}

/* Parse a whole decimal number from lo to hi; -1 when s is not one. */
static long parse_number(const char *s, long lo, long hi)
{
    char *end;
    long n;
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') {
        return -1;
    }
    n = strtol(s, &end, 10);
    if (*end || n < lo || n > hi) {
        return -1;
    }
    return n;
}

/* Why q cannot be searched (a static message), or NULL when it can. */
static const char *bad_query(const char *q)
{
    if (!q || strspn(q, " \t\r\n") == strlen(q)) {
        return "missing or empty parameter q";
    }
    if (strlen(q) > FOUINE_SERVE_MAX_QUERY) {
        return "q is longer than 1024 bytes";
    }
    return NULL;
}

/* A parameter, NULL when absent or empty (an empty form field). */
static const char *param(const fouine_serve_params *p, const char *name)
{
    const char *v = p->get(name, p->payload);
    return v && *v ? v : NULL;
}

int fouine_serve_api_search(fouine_serve_reply *r,
                            fouine_serve_worker *w,
                            const fouine_serve_config *cfg,
                            const fouine_serve_params *p)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    const char *q = p->get("q", p->payload);
    const char *page_s = param(p, "page");
    const char *per_s = param(p, "per_page");
    const char *sort = param(p, "sort");
    const char *correct = param(p, "correct");
    const char *collapse = param(p, "collapse");
    const char *half_life = param(p, "half_life");
    const char *field;
    char why[FOUINE_SEARCH_ERROR_MAX], message[FOUINE_SEARCH_ERROR_MAX + 32];
    fouine_results *found = NULL;
    json_t *res = NULL;
    long page = 1, per_page = 10;
    long long total = 0;
    int rc;

    memset(r, 0, sizeof *r);
    if (bad_query(q)) {
        return fouine_serve_reply_error(r, 400, bad_query(q));
    }
    if (page_s && (page = parse_number(page_s, 1, FOUINE_SERVE_MAX_PAGE)) < 0) {
        return fouine_serve_reply_error(r, 400,
                                        "page must be a number from 1 to "
                                        "1000");
    }
    if (per_s &&
        (per_page = parse_number(per_s, 1, FOUINE_SERVE_MAX_PER_PAGE)) < 0) {
        return fouine_serve_reply_error(r, 400,
                                        "per_page must be a number from 1 "
                                        "to 100");
    }
    if (sort && fouine_sort_parse(&opts.sort, sort) != FOUINE_OK) {
        return fouine_serve_reply_error(r, 400,
                                        "sort must be relevance, recent or "
                                        "date");
    }
    if (half_life &&
        fouine_half_life_parse(&opts.half_life_hours, half_life) != FOUINE_OK) {
        return fouine_serve_reply_error(r, 400,
                                        "half_life must be a whole number of "
                                        "days or hours, 1h to 3650d (30d, "
                                        "12h)");
    }
    if (correct && strcmp(correct, "false") == 0) {
        opts.no_correct = 1;
    } else if (correct && strcmp(correct, "true") != 0) {
        return fouine_serve_reply_error(r, 400,
                                        "correct must be true or false");
    }
    if (collapse && strcmp(collapse, "false") == 0) {
        opts.no_collapse = 1;
    } else if (collapse && strcmp(collapse, "true") != 0) {
        return fouine_serve_reply_error(r, 400,
                                        "collapse must be true or false");
    }
    opts.query = q;
    opts.limit = (int)per_page;
    opts.offset = (int)((page - 1) * per_page);
    opts.since = param(p, "since");
    opts.until = param(p, "until");
    opts.category = param(p, "category");
    opts.budget_ms = cfg->budget_ms;
    opts.facets = 1; /* the page's filters */
    /* The parameters read above are checked as they are read: what the
    ** library refuses here is since or until, named as the API names
    ** them. */
    if (fouine_search_options_check(&field, why, &opts) != FOUINE_OK) {
        snprintf(message, sizeof message, "%s: %s", field, why);
        return fouine_serve_reply_error(r, 400, message);
    }
    rc = fouine_search(&found, w->ix, &opts);
    if (rc == FOUINE_EINVAL) {
        return fouine_serve_reply_error(r, 400, "invalid search options");
    }
    if (rc == FOUINE_OK) {
        total = found->total;
        rc = fouine_results_json(&res, found);
    }
    fouine_results_free(found);
    if (rc != FOUINE_OK) {
        return rc;
    }
    if (json_object_set_new(res, "page", json_integer(page)) != 0 ||
        json_object_set_new(res, "per_page", json_integer(per_page)) != 0 ||
        json_object_set_new(res, "pages",
                            json_integer((total + per_page - 1) / per_page)) !=
            0) {
        json_decref(res);
        return FOUINE_ENOMEM;
    }
    return fouine_serve_reply_json(r, 200, res);
}

/* A JSON array of the paragraphs of body: its non-blank lines (the
** indexer separates paragraphs by an empty line). */
static json_t *paragraphs(const char *body)
{
    json_t *list = json_array();
    const char *p = body;
    while (list && p && *p) {
        size_t n = strcspn(p, "\n"), len = n;
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\r')) {
            len--;
        }
        if (len > 0 && strspn(p, " \t") < len &&
            json_array_append_new(list, json_stringn(p, len)) != 0) {
            json_decref(list);
            return NULL;
        }
        p += n;
        p += *p == '\n';
    }
    return list;
}

int fouine_serve_api_article(fouine_serve_reply *r,
                             fouine_serve_worker *w,
                             const char *id)
{
    fouine_article a;
    json_t *obj = NULL;
    int rc, failed = 0;

    memset(r, 0, sizeof *r);
    rc = fouine_index_get(&a, w->ix, id);
    if (rc == FOUINE_ENOTFOUND) {
        rc = fouine_serve_reply_error(r, 404, "no such article");
        goto done;
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    obj = json_object();
    if (!obj) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    fouine_json_put(obj, "id", json_string(a.id), &failed);
    fouine_json_put(obj, "title", json_string(a.title ? a.title : ""), &failed);
    fouine_json_put(obj, "date", a.date ? json_string(a.date) : json_null(),
                    &failed);
    fouine_json_put(obj, "category",
                    a.category ? json_string(a.category) : json_null(),
                    &failed);
    fouine_json_put(obj, "url", a.url ? json_string(a.url) : json_null(),
                    &failed);
    fouine_json_put(obj, "author",
                    a.author ? json_string(a.author) : json_null(), &failed);
    fouine_json_put(obj, "lead", json_string(a.lead ? a.lead : ""), &failed);
    fouine_json_put(obj, "body", paragraphs(a.body), &failed);
    fouine_json_put(obj, "reading_time",
                    a.reading_time > 0 ? json_integer(a.reading_time) :
                                         json_null(),
                    &failed);
    if (failed) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    rc = fouine_serve_reply_json(r, 200, obj);
    obj = NULL;
done:
    json_decref(obj);
    fouine_article_clear(&a);
    return rc;
}

int fouine_serve_api_related(fouine_serve_reply *r,
                             fouine_serve_worker *w,
                             const char *id,
                             size_t len,
                             const fouine_serve_params *p)
{
    const char *n_s = param(p, "n");
    fouine_results *res = NULL;
    json_t *obj = NULL;
    char *copy = NULL;
    long n = FOUINE_SERVE_RELATED;
    int rc;

    memset(r, 0, sizeof *r);
    if (n_s && (n = parse_number(n_s, 1, FOUINE_RELATED_MAX)) < 0) {
        return fouine_serve_reply_error(r, 400,
                                        "n must be a number from 1 to 50");
    }
    copy = fouine_strndup(id, len);
    if (!copy) {
        return FOUINE_ENOMEM;
    }
    rc = fouine_related(&res, w->ix, copy, (size_t)n);
    if (rc == FOUINE_ENOTFOUND) {
        rc = fouine_serve_reply_error(r, 404, "no such article");
        goto done;
    }
    if (rc == FOUINE_OK) {
        rc = fouine_results_json(&obj, res);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_serve_reply_json(r, 200, obj);
    }
done:
    fouine_results_free(res);
    fouine_free(copy);
    return rc;
}

int fouine_serve_api_suggest(fouine_serve_reply *r,
                             fouine_serve_worker *w,
                             const fouine_serve_params *p)
{
    const char *q = p->get("q", p->payload);
    fouine_completions *c = NULL;
    json_t *list = NULL;
    size_t i;
    int rc;

    memset(r, 0, sizeof *r);
    if (bad_query(q)) {
        return fouine_serve_reply_error(r, 400, bad_query(q));
    }
    rc = fouine_complete(&c, w->ix, q, FOUINE_SERVE_MAX_SUGGEST);
    list = rc == FOUINE_OK ? json_array() : NULL;
    if (rc == FOUINE_OK && !list) {
        rc = FOUINE_ENOMEM;
    }
    for (i = 0; rc == FOUINE_OK && i < c->n; i++) {
        json_t *item = json_pack("{s:s, s:I}", "text", c->items[i].text,
                                 "count", (json_int_t)c->items[i].count);
        if (!item || json_array_append_new(list, item) != 0) {
            rc = FOUINE_ENOMEM;
        }
    }
    fouine_completions_free(c);
    if (rc != FOUINE_OK) {
        json_decref(list);
        return rc;
    }
    rc = fouine_serve_reply_json(
        r, 200, json_pack("{s:s, s:O}", "query", q, "suggestions", list));
    json_decref(list);
    return rc;
}

int fouine_serve_api_health(fouine_serve_reply *r,
                            fouine_serve_worker *w,
                            const fouine_serve_config *cfg)
{
    json_t *follow = NULL;
    char *updated = NULL;
    long long count = 0, generation = 0;
    int rc;

    memset(r, 0, sizeof *r);
    rc = fouine_index_count(&count, w->ix);
    if (rc == FOUINE_OK) {
        rc = fouine_index_updated(&updated, w->ix);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_index_generation(&generation, w->ix);
    }
    /* A replica says what it follows and how that goes. */
    if (rc == FOUINE_OK && cfg->follow &&
        !(follow = fouine_serve_follow_json(cfg->follow))) {
        rc = FOUINE_ENOMEM;
    }
    if (rc == FOUINE_OK) {
        rc = fouine_serve_reply_json(
            r, 200,
            json_pack("{s:s, s:I, s:s?, s:I, s:o?}", "status", "ok", "articles",
                      (json_int_t)count, "updated", updated, "generation",
                      (json_int_t)generation, "follow", follow));
        follow = NULL; /* stolen by json_pack(), also on failure */
    }
    json_decref(follow);
    fouine_free(updated);
    return rc;
}

int fouine_serve_api_categories(fouine_serve_reply *r, fouine_serve_worker *w)
{
    fouine_category *c = NULL;
    json_t *list = NULL;
    size_t i, n = 0;
    int rc;

    memset(r, 0, sizeof *r);
    rc = fouine_index_categories(&c, &n, w->ix, FOUINE_SERVE_MAX_CATEGORIES);
    if (rc != FOUINE_OK) {
        goto done;
    }
    list = json_array();
    if (!list) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    for (i = 0; i < n; i++) {
        json_t *item = json_pack("{s:s, s:I}", "name", c[i].name, "count",
                                 (json_int_t)c[i].count);
        if (!item || json_array_append_new(list, item) != 0) {
            rc = FOUINE_ENOMEM;
            goto done;
        }
    }
    rc =
        fouine_serve_reply_json(r, 200, json_pack("{s:O}", "categories", list));
done:
    json_decref(list);
    fouine_categories_free(c, n);
    return rc;
}
