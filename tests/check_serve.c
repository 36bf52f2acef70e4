/*
** check_serve.c: fouine-serve over an index of corpus/, through curl:
** every endpoint, every error, the limits, the escaping of what articles
** hold, CORS, the access log and a stop that finishes requests in flight.
*/
#include "serve/harness.h"

#include "serve/client.h"

static harness H; /* the server of every test but the stop tests */

/* The string at key of obj, or "" (fails when it is not a string). */
static const char *str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    ck_assert_msg(json_is_string(v), "\"%s\" is not a string", key);
    return json_string_value(v);
}

static json_int_t integer(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    ck_assert_msg(json_is_integer(v), "\"%s\" is not an integer", key);
    return json_integer_value(v);
}

START_TEST(health_counts_articles)
{
    http_reply r;
    harness_get(&H, &r, "/api/health", 200);
    ck_assert_str_eq(str(r.json, "status"), "ok");
    /* corpus/ (24), its copy in tech/2018/ and the hostile article. */
    ck_assert_int_eq(integer(r.json, "articles"), 26);
    ck_assert_msg(strlen(str(r.json, "updated")) >= 10 &&
                      str(r.json, "updated")[4] == '-',
                  "updated is not a date: %s", r.body);
    /* One run of fouine-index made the index: one commit that wrote. */
    ck_assert_int_eq(integer(r.json, "generation"), 1);
    http_reply_free(&r);
}
END_TEST

/* What fouine-query --json args prints on the server's index (a new
** reference: json_decref()). */
static json_t *query_json(const char *args)
{
    char cmd[4 * HARNESS_PATH], out[HARNESS_PATH + 16];
    json_t *cli;
    snprintf(out, sizeof out, "%s/cli.json", H.dir);
    snprintf(cmd, sizeof cmd, "'%s/fouine-query' -i '%s' --json %s", H.build,
             H.index, args);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    cli = json_load_file(out, 0, NULL);
    ck_assert_ptr_nonnull(cli);
    return cli;
}

START_TEST(search_is_the_json_of_fouine_query)
{
    http_reply r;
    json_t *cli, *hits, *hit;
    size_t i;

    harness_get(&H, &r, "/api/search?q=s%C3%A9curit%C3%A9+des+h%C3%B4pitaux",
                200);
    ck_assert_str_eq(str(r.json, "query"), "sécurité des hôpitaux");
    hits = json_object_get(r.json, "hits");
    ck_assert_int_ge(integer(r.json, "total"), 2);
    ck_assert_int_eq(integer(r.json, "page"), 1);
    ck_assert_int_eq(integer(r.json, "per_page"), 10);
    ck_assert_int_eq(integer(r.json, "pages"),
                     (integer(r.json, "total") + 9) / 10);
    ck_assert(json_is_number(json_object_get(r.json, "took_ms")));
    hit = json_array_get(hits, 0);
    ck_assert_msg(strstr(str(hit, "id"), "anssi") != NULL, "first hit is %s",
                  str(hit, "id"));
    ck_assert_ptr_nonnull(strstr(str(hit, "title"), "<mark>"));
    ck_assert_ptr_nonnull(strstr(str(hit, "snippet"), "<mark>"));

    /* Same hits, same order, same snippets as fouine-query --json. */
    cli = query_json("'sécurité des hôpitaux'");
    ck_assert_int_eq(integer(cli, "total"), integer(r.json, "total"));
    ck_assert_int_eq(json_array_size(json_object_get(cli, "hits")),
                     json_array_size(hits));
    json_array_foreach(hits, i, hit)
    {
        json_t *other = json_array_get(json_object_get(cli, "hits"), i);
        ck_assert_str_eq(str(hit, "id"), str(other, "id"));
        ck_assert_str_eq(str(hit, "title"), str(other, "title"));
        ck_assert_str_eq(str(hit, "snippet"), str(other, "snippet"));
    }
    json_decref(cli);
    http_reply_free(&r);
}
END_TEST

/* No answer of the API holds a path of the server (the directory of the
** articles and of the index): not a hit's source file, not an id. */
START_TEST(answers_hold_no_server_path)
{
    static const char *const paths[] = {
        "/api/search?q=s%C3%A9curit%C3%A9&per_page=100",
        "/api/search?q=cyberattaques&per_page=100",
        "/api/articles/tech%2F2018%2Fanssi-cyberattaques-hopitaux.txt",
        "/api/health",
        "/api/categories",
    };
    http_reply r;
    size_t i, k;
    for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        const json_t *hit;
        const char *found;
        harness_get(&H, &r, paths[i], 200);
        found = strstr(r.body, H.dir);
        ck_assert_msg(found == NULL, "%s: '%s' in the answer: %.200s", paths[i],
                      H.dir, found ? found : "");
        json_array_foreach(json_object_get(r.json, "hits"), k, hit)
        {
            ck_assert_ptr_null(json_object_get(hit, "path"));
        }
        http_reply_free(&r);
    }
}
END_TEST

START_TEST(search_pages)
{
    http_reply p1, p2, last;
    json_int_t total;
    size_t i, k;

    harness_get(&H, &p1, "/api/search?q=plus&per_page=3", 200);
    harness_get(&H, &p2, "/api/search?q=plus&per_page=3&page=2", 200);
    total = integer(p1.json, "total");
    ck_assert_int_gt(total, 6);
    ck_assert_int_eq(integer(p2.json, "total"), total);
    ck_assert_int_eq(integer(p1.json, "pages"), (total + 2) / 3);
    ck_assert_int_eq(integer(p2.json, "page"), 2);
    ck_assert_int_eq(json_array_size(json_object_get(p1.json, "hits")), 3);
    ck_assert_int_eq(json_array_size(json_object_get(p2.json, "hits")), 3);
    for (i = 0; i < 3; i++) {
        for (k = 0; k < 3; k++) {
            ck_assert_str_ne(
                str(json_array_get(json_object_get(p1.json, "hits"), i), "id"),
                str(json_array_get(json_object_get(p2.json, "hits"), k), "id"));
        }
    }
    harness_get(&H, &last, "/api/search?q=plus&per_page=3&page=1000", 200);
    ck_assert_int_eq(json_array_size(json_object_get(last.json, "hits")), 0);
    http_reply_free(&p1);
    http_reply_free(&p2);
    http_reply_free(&last);
}
END_TEST

START_TEST(search_filters)
{
    http_reply r, cats;
    json_t *hit;
    char path[512];
    const char *prev = NULL;
    size_t i;

    harness_get(&H, &r, "/api/search?q=plus&since=2022&until=2022-12", 200);
    ck_assert_int_gt(integer(r.json, "total"), 0);
    json_array_foreach(json_object_get(r.json, "hits"), i, hit)
    {
        ck_assert_msg(strncmp(str(hit, "date"), "2022", 4) == 0,
                      "date %s outside 2022", str(hit, "date"));
    }
    http_reply_free(&r);

    harness_get(&H, &r, "/api/search?q=plus&sort=date&per_page=100", 200);
    json_array_foreach(json_object_get(r.json, "hits"), i, hit)
    {
        if (prev) {
            ck_assert_msg(strcmp(prev, str(hit, "date")) >= 0,
                          "%s before %s in date order", prev, str(hit, "date"));
        }
        prev = str(hit, "date");
    }
    http_reply_free(&r);

    /* The categories the index holds filter the search. */
    harness_get(&H, &cats, "/api/categories", 200);
    if (json_array_size(json_object_get(cats.json, "categories")) > 0) {
        const char *name =
            str(json_array_get(json_object_get(cats.json, "categories"), 0),
                "name");
        char enc[256];
        harness_urlencode(enc, sizeof enc, name);
        snprintf(path, sizeof path, "/api/search?q=la&category=%s", enc);
        harness_get(&H, &r, path, 200);
        ck_assert_int_gt(integer(r.json, "total"), 0);
        json_array_foreach(json_object_get(r.json, "hits"), i, hit)
        {
            ck_assert_str_eq(str(hit, "category"), name);
        }
        http_reply_free(&r);
    } else {
        printf("note: the index holds no category; category filter not "
               "checked\n");
    }
    http_reply_free(&cats);
}
END_TEST

/* The facets of a search: each without its own filter, the object that
** fouine-query --facets --json prints. */
START_TEST(search_facets)
{
    http_reply r;
    json_t *cli, *facets, *cat;
    size_t i;

    harness_get(&H, &r, "/api/search?q=plus&since=2022&category=%C3%89conomie",
                200);
    facets = json_object_get(r.json, "facets");
    ck_assert_msg(json_is_object(facets), "no facets: %s", r.body);
    /* The category chosen does not hide the others. */
    ck_assert_int_ge(json_array_size(json_object_get(facets, "categories")), 2);
    json_array_foreach(json_object_get(facets, "categories"), i, cat)
    {
        ck_assert_int_gt(integer(cat, "count"), 0);
        ck_assert_int_gt(strlen(str(cat, "value")), 0);
    }
    /* The dates chosen do not hide the other years. */
    ck_assert_str_eq(
        str(json_array_get(json_object_get(facets, "years"), 0), "value"),
        "2022");
    cli = query_json("--facets --since 2022 --category Économie plus");
    ck_assert_msg(json_equal(json_object_get(cli, "facets"), facets),
                  "fouine-query's facets differ: %s", r.body);
    json_decref(cli);
    http_reply_free(&r);
}
END_TEST

/* One set of sort names for the API and fouine-query, the old ones still
** read; half_life for the recent sort. */
START_TEST(search_sort_names)
{
    static const char *const sorts[] = { "relevance",
                                         "rank",
                                         "recent",
                                         "date",
                                         "recent&half_life=12h",
                                         "recent&half_life=3650d" };
    http_reply r, first;
    char path[256];
    size_t i;
    harness_get(&H, &first, "/api/search?q=plus&per_page=100", 200);
    for (i = 0; i < sizeof sorts / sizeof sorts[0]; i++) {
        snprintf(path, sizeof path, "/api/search?q=plus&per_page=100&sort=%s",
                 sorts[i]);
        harness_get(&H, &r, path, 200);
        ck_assert_int_eq(integer(r.json, "total"),
                         integer(first.json, "total"));
        http_reply_free(&r);
    }
    /* An hour's half-life: the newest article first. */
    harness_get(&H, &r, "/api/search?q=plus&sort=recent&half_life=1h", 200);
    ck_assert_str_eq(
        str(json_array_get(json_object_get(r.json, "hits"), 0), "date"),
        "2023-02-28T09:15:00");
    http_reply_free(&r);
    /* Ten years: an order that the relevance decides. */
    harness_get(&H, &r, "/api/search?q=plus&sort=recent&half_life=3650d", 200);
    ck_assert_str_eq(
        str(json_array_get(json_object_get(r.json, "hits"), 0), "id"),
        str(json_array_get(json_object_get(first.json, "hits"), 0), "id"));
    ck_assert_str_ne(
        str(json_array_get(json_object_get(r.json, "hits"), 0), "date"),
        "2023-02-28T09:15:00");
    http_reply_free(&r);
    http_reply_free(&first);
}
END_TEST

/* A bad half_life or sort is refused, the message naming it. */
START_TEST(search_bad_sort_named)
{
    static const char *const paths[] = {
        "/api/search?q=plus&sort=recent&half_life=0d",
        "/api/search?q=plus&sort=recent&half_life=30",
        "/api/search?q=plus&sort=recent&half_life=2w",
        "/api/search?q=plus&sort=recent&half_life=-1d",
        "/api/search?q=plus&sort=recent&half_life=1.5d",
        "/api/search?q=plus&sort=recent&half_life=3651d",
        "/api/search?q=plus&half_life=99999999999999999999h",
        "/api/search?q=plus&sort=pertinence",
    };
    http_reply r;
    size_t i;
    for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        harness_get(&H, &r, paths[i], 400);
        ck_assert_msg(strstr(str(r.json, "error"),
                             i + 1 < sizeof paths / sizeof paths[0] ?
                                 "half_life" :
                                 "sort") != NULL,
                      "%s: %s", paths[i], r.body);
        http_reply_free(&r);
    }
}
END_TEST

/* A bad date is named as the API names it, with its value and why. */
START_TEST(search_bad_dates_named)
{
    static const struct {
        const char *path, *error;
    } cases[] = {
        { "/api/search?q=gr%C3%A8ve&since=2019-02-30",
          "since: '2019-02-30': no such day (February 2019 has 28 days)" },
        { "/api/search?q=gr%C3%A8ve&until=2019-04-31",
          "until: '2019-04-31': no such day (April 2019 has 30 days)" },
        { "/api/search?q=gr%C3%A8ve&since=2019-13-01",
          "since: '2019-13-01': no such month (months are 01 to 12)" },
        { "/api/search?q=gr%C3%A8ve&until=hier",
          "until: 'hier': expected a date YYYY, YYYY-MM or YYYY-MM-DD" },
    };
    http_reply r;
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        harness_get(&H, &r, cases[i].path, 400);
        ck_assert_str_eq(str(r.json, "error"), cases[i].error);
        http_reply_free(&r);
    }
}
END_TEST

START_TEST(article_by_id_with_slashes)
{
    static const char *const paths[] = {
        "/api/articles/tech%2F2018%2Fanssi-cyberattaques-hopitaux.txt",
        "/api/articles/tech/2018/anssi-cyberattaques-hopitaux.txt",
    };
    size_t i;
    for (i = 0; i < 2; i++) {
        http_reply r;
        json_t *body;
        harness_get(&H, &r, paths[i], 200);
        ck_assert_str_eq(str(r.json, "id"),
                         "tech/2018/anssi-cyberattaques-hopitaux.txt");
        ck_assert_ptr_nonnull(strstr(str(r.json, "title"), "ANSSI"));
        ck_assert_int_gt(strlen(str(r.json, "lead")), 0);
        ck_assert_str_eq(str(r.json, "date"), "2018-04-18T09:26:00");
        body = json_object_get(r.json, "body");
        ck_assert_int_ge(json_array_size(body), 2);
        ck_assert(json_object_get(r.json, "url") != NULL);
        ck_assert(json_object_get(r.json, "author") != NULL);
        ck_assert(json_object_get(r.json, "category") != NULL);
        http_reply_free(&r);
    }
}
END_TEST

/* The related articles of an article: the article on its topic first,
** never the article itself nor its copy of the same title, at most n;
** the path of an id holding '/' too. */
START_TEST(related_articles)
{
    static const struct {
        const char *path, *self, *copy;
        size_t n;
    } cases[] = {
        { "/api/articles/anssi-securite-hopitaux-cyberattaques.txt/related"
          "?n=3",
          "anssi-securite-hopitaux-cyberattaques.txt",
          "tech/2018/anssi-cyberattaques-hopitaux.txt", 3 },
        { "/api/articles/tech/2018/anssi-cyberattaques-hopitaux.txt/related",
          "tech/2018/anssi-cyberattaques-hopitaux.txt",
          "anssi-securite-hopitaux-cyberattaques.txt", 5 },
    };
    size_t c;
    for (c = 0; c < 2; c++) {
        http_reply r;
        json_t *hits, *hit;
        size_t i;
        harness_get(&H, &r, cases[c].path, 200);
        hits = json_object_get(r.json, "hits");
        ck_assert_msg(json_array_size(hits) >= 1 &&
                          json_array_size(hits) <= cases[c].n,
                      "%s: %zu hits", cases[c].path, json_array_size(hits));
        ck_assert_str_eq(str(json_array_get(hits, 0), "id"),
                         "rancongiciel-ville-essonne-paralysee.txt");
        ck_assert_str_eq(str(r.json, "query"), cases[c].self);
        json_array_foreach(hits, i, hit)
        {
            ck_assert_str_ne(str(hit, "id"), cases[c].self);
            ck_assert_str_ne(str(hit, "id"), cases[c].copy);
            ck_assert_int_gt(strlen(str(hit, "title_text")), 0);
        }
        http_reply_free(&r);
    }
    {
        http_reply r;
        harness_get(&H, &r,
                    "/api/articles/sncf-greve-week-end-tgv-ter.txt/related"
                    "?n=abc",
                    400);
        ck_assert_ptr_nonnull(strstr(str(r.json, "error"), "n must be"));
        http_reply_free(&r);
    }
}
END_TEST

/* Whether the suggestions of r hold text; checks the common rules. */
static int has_suggestion(const http_reply *r,
                          const char *text,
                          const char *prefix)
{
    json_t *list = json_object_get(r->json, "suggestions"), *s;
    json_int_t prev = -1;
    size_t i;
    int found = 0;
    ck_assert(json_is_array(list));
    ck_assert_int_le(json_array_size(list), 10);
    json_array_foreach(list, i, s)
    {
        ck_assert_msg(strncmp(str(s, "text"), prefix, strlen(prefix)) == 0,
                      "suggestion '%s' does not start with '%s'",
                      str(s, "text"), prefix);
        if (prev >= 0) {
            ck_assert_int_le(integer(s, "count"), prev);
        }
        prev = integer(s, "count");
        found |= strcmp(str(s, "text"), text) == 0;
    }
    return found;
}

START_TEST(suggest_words_and_phrases)
{
    http_reply r;
    /* Accented forms come back from the text, typed with or without. */
    harness_get(&H, &r, "/api/suggest?q=h%C3%B4p", 200);
    ck_assert_msg(has_suggestion(&r, "hôpital", "hôp"), "%s", r.body);
    ck_assert_msg(has_suggestion(&r, "hôpitaux", "hôp"), "%s", r.body);
    http_reply_free(&r);
    harness_get(&H, &r, "/api/suggest?q=cyberatt", 200);
    ck_assert_msg(has_suggestion(&r, "cyberattaques", "cyberatt"), "%s",
                  r.body);
    http_reply_free(&r);
    /* After other words: phrases of the index. */
    harness_get(&H, &r, "/api/suggest?q=vigilance+ro", 200);
    ck_assert_msg(has_suggestion(&r, "vigilance rouge", "vigilance "), "%s",
                  r.body);
    http_reply_free(&r);
    /* A finished word: nothing is being typed. */
    harness_get(&H, &r, "/api/suggest?q=vigilance+", 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "suggestions")),
                     0);
    http_reply_free(&r);
}
END_TEST

/* A request and the error status it must get. */
typedef struct bad_request {
    const char *method;
    const char *path;
    long status;
} bad_request;

static const bad_request bad_requests[] = {
    { "GET", "/api/search", 400 },
    { "GET", "/api/search?q=", 400 },
    { "GET", "/api/search?q=+%20+", 400 },
    { "GET", "/api/search?page=2", 400 },
    { "GET", "/api/search?q=gr%C3%A8ve&since=2019-13-01", 400 },
    { "GET", "/api/search?q=gr%C3%A8ve&until=2019-02-30", 400 },
    { "GET", "/api/search?q=gr%C3%A8ve&until=hier", 400 },
    { "GET", "/api/search?q=gr%C3%A8ve&per_page=101", 400 },
    { "GET", "/api/search?q=gr%C3%A8ve&per_page=0", 400 },
    { "GET", "/api/search?q=gr%C3%A8ve&page=deux", 400 },
    { "GET", "/api/search?q=gr%C3%A8ve&sort=hasard", 400 },
    { "GET", "/api/search?q=gr%zzve", 400 },
    { "GET", "/api/search?q=gr%C3ve", 400 },
    { "GET", "/api/search?q=gr%E8ve", 400 },
    { "GET", "/api/search?q=gr%00ve", 400 },
    { "GET", "/api/search?q=gr%C3%A8ve%", 400 },
    { "GET", "/api/suggest", 400 },
    { "GET", "/api/suggest?q=", 400 },
    { "GET", "/api/articles/caf%E9", 400 },
    { "GET", "/api/articles/inconnu.txt", 404 },
    { "GET", "/api/articles/inconnu.txt/related", 404 },
    { "GET", "/api/articles/sncf-greve-week-end-tgv-ter.txt/related?n=0", 400 },
    { "GET", "/api/articles/sncf-greve-week-end-tgv-ter.txt/related?n=abc",
      400 },
    { "GET", "/api/articles/sncf-greve-week-end-tgv-ter.txt/related?n=51",
      400 },
    { "GET", "/api/articles/", 404 },
    { "GET", "/api/nulle-part", 404 },
    { "GET", "/nulle-part", 404 },
    { "GET", "/../../../etc/passwd", 404 },
    { "GET", "/%2e%2e/%2e%2e/etc/passwd", 404 },
    { "GET", "/api/articles/../../etc/passwd", 404 },
    { "POST", "/api/search?q=gr%C3%A8ve", 405 },
    { "PUT", "/", 405 },
    { "PATCH", "/api/articles/inconnu.txt", 405 },
    { "DELETE", "/api/health", 405 },
    /* Writes, on a server without --write-key-file. */
    { "DELETE", "/api/articles/inconnu.txt", 403 },
    { "POST", "/api/articles", 403 },
    { "OPTIONS", "/api/health", 405 },
};

START_TEST(errors_are_json_with_status)
{
    const bad_request *b = &bad_requests[_i];
    http_reply r;
    harness_http(&H, &r, b->method, b->path, "");
    ck_assert_msg(r.status == b->status, "%s %s: status %ld, expected %ld",
                  b->method, b->path, r.status, b->status);
    ck_assert_msg(r.json != NULL, "%s %s: not JSON: %s", b->method, b->path,
                  r.body);
    ck_assert_int_eq(integer(r.json, "status"), b->status);
    ck_assert_int_gt(strlen(str(r.json, "error")), 5);
    ck_assert_ptr_nonnull(strstr(r.headers, "application/json"));
    if (b->status == 405) {
        ck_assert_ptr_nonnull(strstr(r.headers, "Allow: GET, HEAD"));
    }
    http_reply_free(&r);
}
END_TEST

START_TEST(query_of_1_kb_at_most)
{
    char path[4096];
    size_t n = strlen("/api/search?q="), len;
    http_reply r;
    memcpy(path, "/api/search?q=", n);
    /* 1024 bytes of French words: accepted. */
    for (len = 0; len + 7 <= 1024; len += 7) {
        memcpy(path + n, "grève+", 8); /* "grève ": 7 bytes */
        n += 7;
    }
    while (len < 1024) {
        path[n++] = 'e';
        len++;
    }
    path[n] = '\0';
    harness_get(&H, &r, path, 200);
    http_reply_free(&r);
    /* One more byte: refused. */
    memcpy(path + n, "e", 2);
    harness_get(&H, &r, path, 400);
    ck_assert_ptr_nonnull(strstr(str(r.json, "error"), "1024"));
    http_reply_free(&r);
}
END_TEST

/* A parameter refused is named, with the right reason, whatever its
** length: q and category long, not UTF-8, holding a control character, a
** malformed escape; the path likewise. */
START_TEST(bad_parameters_named)
{
    static const struct {
        const char *path, *error;
    } cases[] = {
        { "/api/search?q=%C3", "q is not valid UTF-8" },
        { "/api/search?q=gr%C3ve", "q is not valid UTF-8" },
        { "/api/search?q=gr%C3%A8ve&category=soci%E9t%E9",
          "category is not valid UTF-8" },
        { "/api/suggest?q=gr%C3", "q is not valid UTF-8" },
        { "/api/search?q=gr%00ve", "q holds a control character (U+0000)" },
        { "/api/search?q=gr%C3%A8ve&category=a%01b",
          "category holds a control character (U+0001)" },
        { "/api/search?q=gr%zzve",
          "q holds a malformed percent-encoding (a '%' not followed by two "
          "hexadecimal digits)" },
        { "/api/search?q=gr%C3%A8ve&since=2019%",
          "since holds a malformed percent-encoding (a '%' not followed by "
          "two hexadecimal digits)" },
        { "/api/search?q=gr%C3%A8ve&a%zz=1",
          "a parameter name holds a malformed percent-encoding (a '%' not "
          "followed by two hexadecimal digits)" },
        { "/api/search?q=gr%C3%A8ve&gr%E8ve=1",
          "a parameter name is not valid UTF-8" },
        { "/api/articles/caf%E9", "the path is not valid UTF-8" },
        { "/api/articles/a%00b",
          "the path holds a control character (U+0000)" },
        { "/api/articles/caf%zz",
          "the path holds a malformed percent-encoding (a '%' not followed by "
          "two hexadecimal digits)" },
    };
    static const struct {
        const char *prefix, *unit, *error;
        size_t units;
    } longs[] = {
        /* q past its limit, by a little and by much: 1031, 4004 and 10003
        ** bytes of French words. */
        { "/api/search?q=", "gr%C3%A8ve+", "q is longer than 1024 bytes", 147 },
        { "/api/search?q=", "gr%C3%A8ve+", "q is longer than 1024 bytes", 572 },
        { "/api/suggest?q=", "gr%C3%A8ve+", "q is longer than 1024 bytes",
          1429 },
        { "/api/search?q=gr%C3%A8ve&category=", "soci%C3%A9t%C3%A9",
          "category is longer than 256 bytes", 30 },
        { "/api/search?q=gr%C3%A8ve&", "rubrique",
          "a parameter name is "
          "longer than 256 bytes",
          40 },
    };
    char *path;
    http_reply r;
    size_t i, k, n;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        harness_get(&H, &r, cases[i].path, 400);
        ck_assert_msg(strcmp(str(r.json, "error"), cases[i].error) == 0,
                      "%s: %s", cases[i].path, r.body);
        http_reply_free(&r);
    }
    for (i = 0; i < sizeof longs / sizeof longs[0]; i++) {
        n = strlen(longs[i].prefix);
        path = malloc(n + longs[i].units * strlen(longs[i].unit) + 4);
        ck_assert_ptr_nonnull(path);
        memcpy(path, longs[i].prefix, n);
        for (k = 0; k < longs[i].units; k++) {
            memcpy(path + n, longs[i].unit, strlen(longs[i].unit));
            n += strlen(longs[i].unit);
        }
        /* A name ends with a value; a value with the path. */
        snprintf(path + n, 4, "%s",
                 longs[i].prefix[strlen(longs[i].prefix) - 1] == '&' ? "=1" :
                                                                       "");
        harness_get(&H, &r, path, 400);
        ck_assert_msg(strcmp(str(r.json, "error"), longs[i].error) == 0,
                      "%zu bytes: %s", n, r.body);
        http_reply_free(&r);
        free(path);
    }
}
END_TEST

/* Groups nested past what FTS5's parser takes are answered, never with a
** 500: 114 '(' and ')' around a word, groups in fields 12 deep. */
START_TEST(deep_groups_are_answered)
{
    char q[1100], path[3400];
    http_reply r;
    size_t n = 0;
    int i;
    for (i = 0; i < 114; i++) {
        q[n++] = '(';
    }
    memcpy(q + n, "grève", strlen("grève"));
    n += strlen("grève");
    for (i = 0; i < 114; i++) {
        q[n++] = ')';
    }
    q[n] = '\0';
    memcpy(path, "/api/search?q=", 14);
    harness_urlencode(path + 14, sizeof path - 14, q);
    harness_get(&H, &r, path, 200);
    ck_assert_int_ge(integer(r.json, "total"), 1);
    http_reply_free(&r);
    for (n = 0, i = 0; i < 12; i++) {
        memcpy(q + n, "grève titre:(sncf OR ", 22); /* 22 bytes */
        n += 22;
    }
    memcpy(q + n, "tgv", 3);
    n += 3;
    for (i = 0; i < 12; i++) {
        q[n++] = ')';
    }
    q[n] = '\0';
    harness_urlencode(path + 14, sizeof path - 14, q);
    harness_get(&H, &r, path, 200);
    ck_assert_int_ge(integer(r.json, "total"), 1);
    http_reply_free(&r);
}
END_TEST

START_TEST(keep_alive_serves_several_requests)
{
    static const char *const paths[] = {
        "/api/health",
        "/api/search?q=gr%C3%A8ve+SNCF",
        "/api/articles/sncf-greve-week-end-tgv-ter.txt",
        "/api/suggest?q=canic",
        "/api/articles/inconnu.txt",
        "/",
    };
    static const long statuses[] = { 200, 200, 200, 200, 404, 200 };
    client_conn c;
    size_t i;
    ck_assert_int_eq(client_open(&c, &H, NULL), 0);
    /* One request after the other on the same connection. */
    for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        http_reply r;
        ck_assert_int_eq(client_get(&c, paths[i]), 0);
        ck_assert_msg(client_read(&c, &r, 0, 20000) == 0,
                      "no reply to request %zu (%s) on the connection", i,
                      paths[i]);
        ck_assert_msg(r.status == statuses[i], "%s: status %ld", paths[i],
                      r.status);
        ck_assert_msg(strstr(r.headers, "Connection: close") == NULL,
                      "%s closes the connection: %s", paths[i], r.headers);
        http_reply_free(&r);
    }
    client_close(&c);
}
END_TEST

START_TEST(pipelined_requests_answered_in_order)
{
    static const char three[] =
        "GET /api/search?q=Cl%C3%A9op%C3%A2tre HTTP/1.1\r\nHost: test\r\n\r\n"
        "GET /api/health HTTP/1.1\r\nHost: test\r\n\r\n"
        "GET /api/articles/sncf-greve-week-end-tgv-ter.txt HTTP/1.1\r\n"
        "Host: test\r\n\r\n";
    client_conn c;
    http_reply r;
    ck_assert_int_eq(client_open(&c, &H, NULL), 0);
    /* The three requests in one write. */
    ck_assert_int_eq(client_send(&c, three, sizeof three - 1), 0);
    ck_assert_msg(client_read(&c, &r, 0, 20000) == 0, "no first reply");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(str(r.json, "query"), "Cléopâtre");
    ck_assert_int_eq(integer(r.json, "total"), 1);
    http_reply_free(&r);
    ck_assert_msg(client_read(&c, &r, 0, 20000) == 0, "no second reply");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(str(r.json, "status"), "ok");
    http_reply_free(&r);
    ck_assert_msg(client_read(&c, &r, 0, 20000) == 0, "no third reply");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(str(r.json, "id"), "sncf-greve-week-end-tgv-ter.txt");
    http_reply_free(&r);
    client_close(&c);
}
END_TEST

/* Send the raw request on a new connection and read its reply, which must
** have the status given and be a JSON error when it is not 200. */
static void raw_request(http_reply *r, const char *request, long status)
{
    client_conn c;
    ck_assert_int_eq(client_open(&c, &H, NULL), 0);
    ck_assert_int_eq(client_send(&c, request, strlen(request)), 0);
    ck_assert_msg(client_read(&c, r, 0, 20000) == 0, "no reply to %s", request);
    client_close(&c);
    ck_assert_msg(r->status == status, "%s: status %ld, expected %ld: %s",
                  request, r->status, status, r->body);
    ck_assert_msg(r->json != NULL, "not JSON: %s", r->body);
    if (status != 200) {
        ck_assert_int_eq(integer(r->json, "status"), status);
    }
}

START_TEST(http11_needs_host)
{
    http_reply r;
    raw_request(&r, "GET /api/health HTTP/1.1\r\n\r\n", 400);
    ck_assert_ptr_nonnull(strstr(str(r.json, "error"), "Host"));
    http_reply_free(&r);
    /* HTTP/1.0 has no Host header to require. */
    raw_request(&r, "GET /api/health HTTP/1.0\r\n\r\n", 200);
    http_reply_free(&r);
}
END_TEST

START_TEST(request_with_body_is_refused)
{
    http_reply r;
    raw_request(&r,
                "GET /api/health HTTP/1.1\r\nHost: test\r\n"
                "Content-Length: 8\r\n\r\nbonjour!",
                400);
    ck_assert_ptr_nonnull(strstr(str(r.json, "error"), "body"));
    http_reply_free(&r);
}
END_TEST

START_TEST(request_size_is_limited)
{
    char *big = malloc(100 * 1024 + 1), file[HARNESS_PATH],
         extra[2 * HARNESS_PATH];
    http_reply r;
    ck_assert_ptr_nonnull(big);
    memset(big, 'a', 100 * 1024);
    big[100 * 1024] = '\0';
    /* A 100 KB header: refused before any endpoint runs. */
    snprintf(file, sizeof file, "%s/header", H.dir);
    {
        FILE *f = fopen(file, "wb");
        ck_assert_ptr_nonnull(f);
        fprintf(f, "X-Remplissage: %s\n", big);
        fclose(f);
    }
    snprintf(extra, sizeof extra, "-H '@%s'", file);
    harness_http(&H, &r, "GET", "/api/health", extra);
    ck_assert_msg(r.status >= 400 && r.status < 500, "status %ld", r.status);
    http_reply_free(&r);
    /* A 100 KB URL, likewise. */
    memcpy(big, "/api/search?q=", 14);
    harness_http(&H, &r, "GET", big, "");
    ck_assert_msg(r.status >= 400 && r.status < 500, "status %ld", r.status);
    http_reply_free(&r);
    /* And the server goes on answering. */
    harness_get(&H, &r, "/api/health", 200);
    http_reply_free(&r);
    free(big);
}
END_TEST

START_TEST(article_text_is_escaped)
{
    http_reply r;
    json_t *hit, *found = NULL;
    size_t i;
    harness_get(&H, &r, "/api/search?q=pirate+injecter+mairie", 200);
    json_array_foreach(json_object_get(r.json, "hits"), i, hit)
    {
        if (strcmp(str(hit, "id"), HARNESS_HOSTILE_FILE) == 0) {
            found = hit;
        }
    }
    ck_assert_msg(found != NULL, "hostile article not found: %.300s", r.body);
    ck_assert_ptr_nonnull(strstr(str(found, "title"), "&lt;script&gt;"));
    ck_assert_ptr_null(strstr(str(found, "title"), "<script"));
    ck_assert_ptr_null(strstr(str(found, "snippet"), "<img"));
    http_reply_free(&r);
}
END_TEST

START_TEST(page_is_french_and_self_contained)
{
    static const char *const assets[] = { "/", "/app.js", "/style.css" };
    http_reply r;
    size_t i;
    harness_http(&H, &r, "GET", "/", "");
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.headers, "text/html; charset=utf-8"));
    ck_assert_ptr_nonnull(strstr(r.headers, "Content-Security-Policy:"));
    ck_assert_ptr_nonnull(strstr(r.body, "<html lang=\"fr\">"));
    ck_assert_ptr_nonnull(strstr(r.body, "Rechercher"));
    http_reply_free(&r);
    for (i = 0; i < 3; i++) {
        harness_http(&H, &r, "GET", assets[i], "");
        ck_assert_int_eq(r.status, 200);
        /* Nothing is loaded from elsewhere. */
        ck_assert_msg(strstr(r.body, "src=\"http") == NULL &&
                          strstr(r.body, "href=\"http") == NULL &&
                          strstr(r.body, "url(http") == NULL &&
                          strstr(r.body, "@import") == NULL,
                      "%s refers to an outside asset", assets[i]);
        ck_assert_ptr_null(strstr(r.headers, "Access-Control-Allow-Origin"));
        http_reply_free(&r);
    }
    harness_http(&H, &r, "HEAD", "/app.js", "-I");
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.headers, "text/javascript"));
    http_reply_free(&r);
}
END_TEST

START_TEST(access_log_line_per_request)
{
    http_reply r;
    char *log;
    long waited;
    harness_get(&H, &r, "/api/health?journal=1", 200);
    http_reply_free(&r);
    harness_get(&H, &r, "/api/articles/inconnu-du-journal.txt", 404);
    http_reply_free(&r);
    /* The line is written once the reply is sent: wait for it. */
    log = fouine_test_slurp(H.log);
    for (waited = 0; waited < 10000 && !(log && strstr(log, "inconnu-du-"));
         waited += 20) {
        harness_sleep_ms(20);
        free(log);
        log = fouine_test_slurp(H.log);
    }
    ck_assert_ptr_nonnull(log);
    ck_assert_msg(strstr(log, "GET /api/health 200 ") != NULL, "%s", log);
    ck_assert_msg(
        strstr(log, "GET /api/articles/inconnu-du-journal.txt 404 ") != NULL,
        "%s", log);
    ck_assert_ptr_nonnull(strstr(log, "ms\n"));
    free(log);
}
END_TEST

START_TEST(cors_only_when_asked_quiet_log)
{
    static const char *const args[] = { "--cors",  "https://www.exemple.fr",
                                        "--quiet", "--threads",
                                        "2",       NULL };
    harness h2;
    http_reply r;
    char *log;
    harness_start_other(&h2, &H, "serve-cors.log", args);
    harness_get(&h2, &r, "/api/search?q=gr%C3%A8ve", 200);
    ck_assert_ptr_nonnull(strstr(
        r.headers, "Access-Control-Allow-Origin: https://www.exemple.fr"));
    http_reply_free(&r);
    ck_assert_int_eq(harness_stop(&h2, SIGTERM), 0);
    log = fouine_test_slurp(h2.log);
    ck_assert_ptr_nonnull(log);
    ck_assert_msg(strstr(log, "GET /") == NULL, "--quiet logged: %s", log);
    free(log);
}
END_TEST

/* A search says when a bound cut it short ("truncated", "truncated_by");
** --budget 0 leaves it no time: the first matches, unranked. */
START_TEST(search_says_when_cut_short)
{
    static const char *const args[] = { "--budget", "0", "--quiet", NULL };
    harness h2;
    http_reply r;
    harness_get(&H, &r, "/api/search?q=s%C3%A9curit%C3%A9", 200);
    ck_assert(json_is_false(json_object_get(r.json, "truncated")));
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "truncated_by")),
                     0);
    http_reply_free(&r);
    harness_start_other(&h2, &H, "serve-budget.log", args);
    harness_get(&h2, &r, "/api/search?q=s%C3%A9curit%C3%A9&per_page=2", 200);
    ck_assert(json_is_true(json_object_get(r.json, "truncated")));
    ck_assert_str_eq(json_string_value(json_array_get(
                         json_object_get(r.json, "truncated_by"), 0)),
                     "time");
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "hits")), 2);
    http_reply_free(&r);
    ck_assert_int_eq(harness_stop(&h2, SIGTERM), 0);
}
END_TEST

/* A request begun, its headers not ended: of an endpoint answered by
** libmicrohttpd's thread, and of one answered by the pool of searches. */
static const char *const begun_requests[] = {
    "GET /api/health HTTP/1.1\r\nHost: test\r\n",
    "GET /api/search?q=gr%C3%A8ve HTTP/1.1\r\nHost: test\r\n",
};

START_TEST(sigterm_finishes_request_in_flight)
{
    static const char *const args[] = { "--threads", "2", NULL };
    const char *begun = begun_requests[_i];
    harness h2;
    client_conn c;
    http_reply r;
    int status;
    char log[32];

    /* A log of its own: the server of the other path wrote the last. */
    snprintf(log, sizeof log, "serve-stop-%d.log", _i);
    harness_start_other(&h2, &H, log, args);
    ck_assert_int_eq(client_open(&c, &h2, NULL), 0);
    /* A request begun: its request line is sent, its headers not ended. */
    ck_assert_int_eq(client_send(&c, begun, strlen(begun)), 0);
    harness_sleep_ms(500);
    kill(h2.pid, SIGTERM);
    harness_sleep_ms(500);
    ck_assert_msg(waitpid(h2.pid, &status, WNOHANG) == 0,
                  "fouine-serve left before answering the request in flight");
    /* The end of the request: it is answered, then the server exits 0. */
    ck_assert_int_eq(client_send(&c, "\r\n", 2), 0);
    ck_assert_int_eq(client_read(&c, &r, 0, 20000), 0);
    client_close(&c);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(r.json &&
                      (_i == 0 ? strcmp(str(r.json, "status"), "ok") :
                                 strcmp(str(r.json, "query"), "grève")) == 0,
                  "reply: %s", r.body);
    http_reply_free(&r);
    ck_assert_int_eq(harness_stop(&h2, 0), 0);
}
END_TEST

START_TEST(sigint_exits_0)
{
    static const char *const args[] = { "--threads", "1", NULL };
    harness h2;
    http_reply r;
    harness_start_other(&h2, &H, "serve-int.log", args);
    harness_get(&h2, &r, "/api/suggest?q=canic", 200);
    ck_assert_msg(has_suggestion(&r, "canicule", "canic"), "%s", r.body);
    http_reply_free(&r);
    ck_assert_int_eq(harness_stop(&h2, SIGINT), 0);
}
END_TEST

START_TEST(one_thread_starts_without_warning)
{
    static const char *const args[] = { "--threads", "1", NULL };
    harness h2;
    http_reply r;
    char *log;
    harness_start_other(&h2, &H, "serve-one.log", args);
    harness_get(&h2, &r, "/api/health", 200);
    http_reply_free(&r);
    ck_assert_int_eq(harness_stop(&h2, SIGTERM), 0);
    log = fouine_test_slurp(h2.log);
    ck_assert_ptr_nonnull(log);
    ck_assert_msg(strstr(log, "(1 thread,") != NULL, "%s", log);
    ck_assert_msg(strstr(log, "arning") == NULL && strstr(log, "pool") == NULL,
                  "a warning at start: %s", log);
    free(log);
}
END_TEST

START_TEST(failed_bind_names_the_port)
{
    char cmd[4 * HARNESS_PATH], out[HARNESS_PATH + 16], expect[64];
    char *msg;
    unsigned port = client_port(&H);
    snprintf(out, sizeof out, "%s/bind.err", H.dir);
    /* The port of the running server is taken. */
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-serve' -i '%s' --listen 127.0.0.1:%u 2>'%s'", H.build,
             H.index, port, out);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
    msg = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(msg);
    snprintf(expect, sizeof expect, "port %u", port);
    ck_assert_msg(strstr(msg, expect) != NULL, "%s", msg);
    snprintf(expect, sizeof expect, "127.0.0.1:%u", port);
    ck_assert_msg(strstr(msg, expect) != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "port 0") == NULL, "%s", msg);
    free(msg);
}
END_TEST

START_TEST(bad_command_lines)
{
    char cmd[4 * HARNESS_PATH];
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-serve' -i '%s/absent.db' --listen 127.0.0.1:0 "
             "2>/dev/null",
             H.build, H.dir);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-serve' -i '%s' --listen pas-une-adresse 2>/dev/null",
             H.build, H.index);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-serve' -i '%s' --threads 0 2>/dev/null", H.build,
             H.index);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
    snprintf(cmd, sizeof cmd, "'%s/fouine-serve' --help >/dev/null", H.build);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
}
END_TEST

/* An option of connections out of its bounds, and what it must say. */
typedef struct bad_option {
    const char *args;
    const char *says;
} bad_option;

static const bad_option bad_options[] = {
    { "--timeout 0", "--timeout: '0' is not a number from 1 to 3600" },
    { "--timeout 3601", "--timeout: '3601' is not a number from 1 to 3600" },
    { "--timeout dix", "--timeout: 'dix' is not a number" },
    { "--per-ip -1", "--per-ip: '-1' is not a number from 0 to 1024" },
    { "--per-ip 1025", "--per-ip: '1025' is not a number from 0 to 1024" },
    { "--per-ip ''", "--per-ip: '' is not a number" },
    { "--threads 257", "--threads: '257' is not a number from 1 to 256" },
    { "--budget -1", "--budget: '-1' is not a number from 0 to 600000" },
    { "--budget beaucoup", "--budget: 'beaucoup' is not a number from 0 to "
                           "600000, nor none" },
    { "--follow-interval=1ms", "--follow-interval: '1ms' is not a duration" },
};

START_TEST(bad_options_are_named)
{
    const bad_option *b = &bad_options[_i];
    char cmd[4 * HARNESS_PATH], out[HARNESS_PATH + 16];
    char *msg;
    snprintf(out, sizeof out, "%s/option.err", H.dir);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-serve' -i '%s' --listen 127.0.0.1:0 %s 2>'%s'",
             H.build, H.index, b->args, out);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
    msg = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(msg);
    ck_assert_msg(strstr(msg, b->says) != NULL, "%s: %s", b->args, msg);
    free(msg);
}
END_TEST

/* A usage error of fouine-serve and its one line (then the line that
** points to --help, and nothing else). */
static const bad_option usage_errors[] = {
    { "--bogus", "unknown option '--bogus'" },
    { "-x", "unknown option '-x'" },
    { "--quiet=oui", "option '--quiet' takes no value" },
    { "--threads", "option '--threads' needs a value" },
    { "-t0", "-t: '0' is not a number from 1 to 256" },
    { "--per-ip=-1", "--per-ip: '-1' is not a number from 0 to 1024" },
    { "index.db", "unexpected argument 'index.db'" },
};

START_TEST(usage_errors_are_one_line)
{
    const bad_option *b = &usage_errors[_i];
    char cmd[4 * HARNESS_PATH], out[HARNESS_PATH + 16], expect[512];
    char *msg;
    snprintf(out, sizeof out, "%s/usage.err", H.dir);
    snprintf(cmd, sizeof cmd, "'%s/fouine-serve' -i '%s' %s 2>'%s'", H.build,
             H.index, b->args, out);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
    msg = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(msg);
    snprintf(expect, sizeof expect,
             "fouine-serve: %s\nTry 'fouine-serve --help' for more "
             "information.\n",
             b->says);
    ck_assert_msg(strcmp(msg, expect) == 0, "%s: %s", b->args, msg);
    free(msg);
}
END_TEST

/* Values joined to their option (-t1) or after "=" (--listen=ADDR:PORT,
** which the harness's --listen gives way to): read as getopt_long()
** reads them. */
START_TEST(options_in_getopt_forms)
{
    static const char *const args[] = { "--listen=127.0.0.1:0", "-t1", "-q",
                                        "--budget=none", NULL };
    harness h2;
    http_reply r;
    char *log;
    harness_start_other(&h2, &H, "serve-getopt.log", args);
    harness_get(&h2, &r, "/api/search?q=s%C3%A9curit%C3%A9", 200);
    ck_assert(json_is_false(json_object_get(r.json, "truncated")));
    http_reply_free(&r);
    ck_assert_int_eq(harness_stop(&h2, SIGTERM), 0);
    log = fouine_test_slurp(h2.log);
    ck_assert_ptr_nonnull(log);
    ck_assert_msg(strstr(log, "(1 thread,") != NULL, "%s", log);
    ck_assert_msg(strstr(log, "GET /") == NULL, "-q logged: %s", log);
    free(log);
}
END_TEST

static Suite *serve_suite(void)
{
    Suite *s = suite_create("serve");
    TCase *tc = tcase_create("http");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, health_counts_articles);
    tcase_add_test(tc, search_is_the_json_of_fouine_query);
    tcase_add_test(tc, answers_hold_no_server_path);
    tcase_add_test(tc, search_pages);
    tcase_add_test(tc, search_filters);
    tcase_add_test(tc, search_facets);
    tcase_add_test(tc, search_sort_names);
    tcase_add_test(tc, search_bad_sort_named);
    tcase_add_test(tc, search_bad_dates_named);
    tcase_add_test(tc, article_by_id_with_slashes);
    tcase_add_test(tc, related_articles);
    tcase_add_test(tc, suggest_words_and_phrases);
    tcase_add_loop_test(tc, errors_are_json_with_status, 0,
                        (int)(sizeof bad_requests / sizeof bad_requests[0]));
    tcase_add_test(tc, keep_alive_serves_several_requests);
    tcase_add_test(tc, pipelined_requests_answered_in_order);
    tcase_add_test(tc, http11_needs_host);
    tcase_add_test(tc, request_with_body_is_refused);
    tcase_add_test(tc, query_of_1_kb_at_most);
    tcase_add_test(tc, bad_parameters_named);
    tcase_add_test(tc, deep_groups_are_answered);
    tcase_add_test(tc, search_says_when_cut_short);
    tcase_add_test(tc, request_size_is_limited);
    tcase_add_test(tc, article_text_is_escaped);
    tcase_add_test(tc, page_is_french_and_self_contained);
    tcase_add_test(tc, access_log_line_per_request);
    tcase_add_test(tc, cors_only_when_asked_quiet_log);
    tcase_add_loop_test(
        tc, sigterm_finishes_request_in_flight, 0,
        (int)(sizeof begun_requests / sizeof begun_requests[0]));
    tcase_add_test(tc, sigint_exits_0);
    tcase_add_test(tc, one_thread_starts_without_warning);
    tcase_add_test(tc, failed_bind_names_the_port);
    tcase_add_test(tc, bad_command_lines);
    tcase_add_loop_test(tc, bad_options_are_named, 0,
                        (int)(sizeof bad_options / sizeof bad_options[0]));
    tcase_add_loop_test(tc, usage_errors_are_one_line, 0,
                        (int)(sizeof usage_errors / sizeof usage_errors[0]));
    tcase_add_test(tc, options_in_getopt_forms);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    static const char *const args[] = { "--threads", "3", NULL };
    return harness_main(&H, serve_suite(), 1, args);
}
