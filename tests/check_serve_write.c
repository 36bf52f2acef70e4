/*
** check_serve_write.c: articles written into fouine-serve over HTTP, as a
** CMS publishes them: POST /api/articles (an article, an array, JSON
** Lines), PUT and DELETE /api/articles/ID.  Keys (403 without a key file,
** 401 without a good key), bad input refused whole with the line and the
** field, bodies too large (413), all or nothing, idempotence, an article
** found by the very next search, a write that survives kill -9, articles
** that a fouine-index run on the same index keeps, searches that never
** fail while articles are written, a locked index (503, Retry-After), and
** key files that stop the start.
*/
#include "serve/harness.h"

#include <pthread.h>
#include <stdatomic.h>

#include "fouine/index.h"
#include "serve/client.h"

#define KEY       "cle-du-cms-de-la-gazette-de-brest-2024"
#define OTHER_KEY "seconde-cle-de-la-redaction-web"
#define MAX_BODY  "262144" /* --max-body of the server */

static harness H;
static char key_file[HARNESS_PATH]; /* the keys of H, outside its dir */

/* Three articles of a regional daily, each with a word of its own
** (dockers, Ciaran, lumignons) that corpus/ does not hold. */
#define ART_DOCKERS                                                           \
    "{\"id\": \"brest-dockers-greve\", \"title\": \"Brest : les dockers en "  \
    "grève bloquent le port de commerce\", \"date\": "                       \
    "\"2024-03-12T08:30:00+01:00\", \"section\": \"Économie\", \"author\": " \
    "\"Rédaction de Brest\", \"body\": \"Les dockers du port de commerce "   \
    "ont cessé le travail à l’aube.\\n\\nAucun navire n’a pu être "    \
    "déchargé mardi, selon la chambre de commerce.\"}"
#define ART_CIARAN                                                                 \
    "{\"id\": \"tempete-ciaran-coupures\", \"title\": \"Tempête Ciaran : "        \
    "1,2 million de foyers privés d’électricité\", \"date\": \"2023-11-02\"," \
    " \"category\": \"Météo\", \"lead\": \"Des rafales à 200 km/h ont "         \
    "frappé la pointe du Finistère.\", \"text\": \"Enedis mobilise trois "       \
    "mille techniciens pour rétablir le courant.\"}"
#define ART_LUMIGNONS                                                        \
    "{\"url\": \"https://exemple.fr/lyon/fete-des-lumieres\", \"title\": "   \
    "\"Lyon : la Fête des lumières attire deux millions de visiteurs\", "  \
    "\"date\": \"8 décembre 2023 à 20h00\", \"content\": \"Les habitants " \
    "ont posé des lumignons sur leurs fenêtres, comme chaque année.\"}"

/* Send a write with curl: method on path, with body (NULL: none) and the
** key (NULL: no Authorization header); fills r (http_reply_free()). */
static void write_req(http_reply *r,
                      const harness *h,
                      const char *method,
                      const char *path,
                      const char *body,
                      const char *key,
                      const char *more)
{
    char file[HARNESS_PATH + 16], extra[3 * HARNESS_PATH];
    snprintf(file, sizeof file, "%s/write-body", h->dir);
    if (body) {
        harness_write(file, body);
    }
    snprintf(extra, sizeof extra, "%s%s%s %s%s%s %s",
             key ? "-H 'Authorization: Bearer " : "", key ? key : "",
             key ? "'" : "", body ? "--data-binary '@" : "", body ? file : "",
             body ? "'" : "", more ? more : "");
    harness_http(h, r, method, path, extra);
}

/* The same, expecting status and a JSON body. */
static void write_ok(http_reply *r,
                     const char *method,
                     const char *path,
                     const char *body,
                     long status)
{
    write_req(r, &H, method, path, body, KEY, NULL);
    ck_assert_msg(r->status == status, "%s %s: %ld, expected %ld: %s", method,
                  path, r->status, status, r->body);
    ck_assert_msg(r->json != NULL, "%s %s: not JSON: %s", method, path,
                  r->body);
}

static json_int_t integer(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    ck_assert_msg(json_is_integer(v), "\"%s\" is not an integer", key);
    return json_integer_value(v);
}

/* GET path on h: its status, and, when key is not NULL, the integer at
** key of its JSON in *n (then the status must be 200). */
static long get_on(json_int_t *n,
                   const harness *h,
                   const char *path,
                   const char *key)
{
    http_reply r;
    long status;
    harness_http(h, &r, "GET", path, "");
    status = r.status;
    if (key) {
        ck_assert_msg(status == 200 && r.json, "%s: %ld %s", path, status,
                      r.body);
        *n = integer(r.json, key);
    }
    http_reply_free(&r);
    return status;
}

/* The status of GET /api/articles/ID (id already encoded) on h. */
static long article_status(const harness *h, const char *id)
{
    char path[HARNESS_PATH];
    snprintf(path, sizeof path, "/api/articles/%s", id);
    return get_on(NULL, h, path, NULL);
}

/* The total of a search of q (encoded) on h. */
static json_int_t search_total(const harness *h, const char *q)
{
    char path[HARNESS_PATH];
    json_int_t n = 0;
    snprintf(path, sizeof path, "/api/search?q=%s&collapse=false", q);
    get_on(&n, h, path, "total");
    return n;
}

static json_int_t article_count(void)
{
    json_int_t n = 0;
    get_on(&n, &H, "/api/health", "articles");
    return n;
}

/* Whether the headers hold "Name: value" (as the server spells it). */
static int has_header(const http_reply *r, const char *line)
{
    return strstr(r->headers, line) != NULL;
}

START_TEST(writes_need_a_key)
{
    static const char *const no_keys[] = { "--quiet", NULL };
    static const char *const bad_auth[] = {
        NULL, /* no header */
        "Bearer cle-fausse-mais-assez-longue",
        "Bearer " KEY "x",
        "Bearer "
        "cle-du-cms-de-la-gazette-de-brest-202",
        "Basic Y21zOmdhemV0dGU=",
        KEY,
    };
    char auth[256];
    http_reply r;
    harness other;
    size_t i;

    for (i = 0; i < sizeof bad_auth / sizeof bad_auth[0]; i++) {
        if (bad_auth[i]) {
            snprintf(auth, sizeof auth, "-H 'Authorization: %s'", bad_auth[i]);
        }
        write_req(&r, &H, "POST", "/api/articles", ART_DOCKERS, NULL,
                  bad_auth[i] ? auth : "");
        ck_assert_msg(r.status == 401, "%s: %ld %s", bad_auth[i], r.status,
                      r.body);
        ck_assert_msg(has_header(&r, "WWW-Authenticate: Bearer"), "%s",
                      r.headers);
        ck_assert_int_eq(integer(r.json, "status"), 401);
        http_reply_free(&r);
    }
    write_req(&r, &H, "DELETE", "/api/articles/sncf-greve-week-end-tgv-ter.txt",
              NULL, "cle-fausse-mais-assez-longue", NULL);
    ck_assert_int_eq(r.status, 401);
    http_reply_free(&r);
    ck_assert_int_eq(article_status(&H, "brest-dockers-greve"), 404);
    ck_assert_int_eq(article_status(&H, "sncf-greve-week-end-tgv-ter.txt"),
                     200);

    /* Either key of the file; the scheme in any case. */
    write_ok(&r, "POST", "/api/articles", ART_DOCKERS, 201);
    http_reply_free(&r);
    write_req(&r, &H, "POST", "/api/articles", ART_CIARAN, NULL,
              "-H 'Authorization: bearer  " OTHER_KEY "'");
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    http_reply_free(&r);
    ck_assert_int_eq(article_status(&H, "tempete-ciaran-coupures"), 200);
    /* Searches need no key. */
    ck_assert_int_eq(search_total(&H, "dockers"), 1);

    /* Without --write-key-file, every write is refused, searches are not. */
    harness_start_other(&other, &H, "nokeys.log", no_keys);
    write_req(&r, &other, "POST", "/api/articles", ART_LUMIGNONS, KEY, NULL);
    ck_assert_msg(r.status == 403, "%ld %s", r.status, r.body);
    ck_assert_ptr_nonnull(strstr(r.body, "--write-key-file"));
    http_reply_free(&r);
    write_req(&r, &other, "PUT", "/api/articles/lyon", ART_LUMIGNONS, KEY,
              NULL);
    ck_assert_int_eq(r.status, 403);
    http_reply_free(&r);
    write_req(&r, &other, "DELETE", "/api/articles/brest-dockers-greve", NULL,
              KEY, NULL);
    ck_assert_int_eq(r.status, 403);
    http_reply_free(&r);
    ck_assert_int_eq(article_status(&other, "brest-dockers-greve"), 200);
    ck_assert_int_eq(search_total(&other, "lumignons"), 0);
    ck_assert_int_eq(harness_stop(&other, SIGTERM), 0);
}
END_TEST

/* A key file that cannot be read, holds no key or a bad line: the server
** does not start, and says which file (and line). */
START_TEST(bad_key_files_stop_the_start)
{
    static const struct {
        const char *text; /* NULL: no such file */
        const char *says;
    } files[] = {
        { NULL, "No such file or directory" },
        { "# les clés du CMS\n\n   \n# aucune pour l’instant\n", "no key" },
        { "# les clés\n" KEY "\ncourte\n", ":3: not a key" },
        { KEY " " OTHER_KEY "\n", ":1: not a key" },
    };
    char path[HARNESS_PATH + 16], out[HARNESS_PATH + 16], cmd[4 * HARNESS_PATH];
    char *said;
    size_t i;
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/cles-%zu.txt", H.dir, i);
        snprintf(out, sizeof out, "%s/cles-%zu.out", H.dir, i);
        if (files[i].text) {
            harness_write(path, files[i].text);
        }
        snprintf(cmd, sizeof cmd,
                 "'%s/fouine-serve' -i '%s' --listen 127.0.0.1:0 "
                 "--write-key-file '%s' 2>'%s'",
                 H.build, H.index, path, out);
        ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
        said = fouine_test_slurp(out);
        ck_assert_ptr_nonnull(said);
        ck_assert_msg(strstr(said, path) && strstr(said, files[i].says),
                      "%zu: %s", i, said);
        free(said);
    }
}
END_TEST

/* Bad input: the whole request is refused with 400 naming the line (and
** the article of an array) and the field; its good articles are not
** written either. */
static const struct {
    const char *body;
    const char *error;
} bad_bodies[] = {
    { "{\"id\": \"tout-ou-rien-0\", \"title\": \"Grève au port\"}\n"
      "{\"id\": \"sans-texte\", \"title\": \"\", \"body\": \"\"}\n",
      "line 2: no field title, lead or body" },
    { "{\"id\": \"tout-ou-rien-1\", \"title\": \"Grève au port\"}\n\n"
      "{\"id\": \"fevrier\", \"title\": \"Le conseil municipal\", "
      "\"date\": \"2023-02-30\"}\n",
      "line 3: field date: '2023-02-30' is not a day of the calendar" },
    { "{\"id\": \"tout-ou-rien-2\", \"title\": \"Grève au port\"}\n"
      "{\"id\": \"hier\", \"title\": \"Le conseil\", \"date\": \"hier\"}\n",
      "line 2: field date: 'hier' is not a date" },
    { "{\"id\": \"tout-ou-rien-3\", \"title\": \"Grève au port\"}\n"
      "{\"id\": 1789, \"title\": \"La prise de la Bastille\"}\n",
      "line 2: field id: not a string" },
    { "{\"id\": \"tout-ou-rien-4\", \"title\": \"Grève au port\"}\n"
      "{\"id\": \"latin1\", \"title\": \"Le caf\xE9\",\n"
      " \"body\": \"Une r\xE9union est pr\xE9vue.\"}\n",
      "line 2: field title: not valid UTF-8" },
    { "{\"id\": \"tout-ou-rien-5\", \"title\": \"Grève au port\"}\n"
      "<html><body>Grève</body></html>\n",
      "line 2: bad JSON: " },
    { "[{\"id\": \"tout-ou-rien-6\", \"title\": \"Grève au port\"},\n"
      " {\"id\": \"rentree\", \"title\": \"La rentrée\", "
      "\"date\": \"2023-13-04\"}]",
      "line 2: article 2: field date: '2023-13-04' is not a day of the "
      "calendar" },
    { "{\"id\": \"tout-ou-rien-7\", \"title\": \"Grève au port\", "
      "\"section\": [\"Économie\"]}",
      "line 1: field section: not a string" },
    { "   \n", "no article" },
};

START_TEST(bad_input_refused_whole)
{
    char id[32];
    http_reply r;
    write_ok(&r, "POST", "/api/articles", bad_bodies[_i].body, 400);
    ck_assert_int_eq(integer(r.json, "status"), 400);
    ck_assert_msg(strstr(json_string_value(json_object_get(r.json, "error")),
                         bad_bodies[_i].error),
                  "expected '%s': %s", bad_bodies[_i].error, r.body);
    http_reply_free(&r);
    snprintf(id, sizeof id, "tout-ou-rien-%d", _i);
    ck_assert_int_eq(article_status(&H, id), 404);
}
END_TEST

/* A bad line at the end of a batch: nothing of the batch is written;
** once corrected, all of it is. */
START_TEST(all_or_nothing)
{
    fouine_buf body = { 0 };
    json_int_t before = article_count();
    http_reply r;
    int i;
    for (i = 0; i < 20; i++) {
        fouine_buf_printf(&body,
                          "{\"id\": \"regate-%d\", \"title\": \"Régate de "
                          "Kerlouan : manche %d\", \"date\": \"2023-07-%02d\", "
                          "\"body\": \"Les voiliers ont viré la bouée de "
                          "Kerlouan par vent de noroît.\"}\n",
                          i, i + 1, i + 1);
    }
    fouine_buf_puts(&body, "{\"id\": \"regate-20\", \"title\": \"Régate\", "
                           "\"date\": \"2023-07-32\"}\n");
    ck_assert(!body.failed);
    write_ok(&r, "POST", "/api/articles", body.data, 400);
    ck_assert_ptr_nonnull(strstr(r.body, "line 21: field date"));
    http_reply_free(&r);
    ck_assert_int_eq(article_count(), before);
    ck_assert_int_eq(search_total(&H, "noro%C3%AEt"), 0);
    ck_assert_int_eq(article_status(&H, "regate-0"), 404);

    body.len -= strlen("32\"}\n");
    body.data[body.len] = '\0';
    fouine_buf_puts(&body, "31\"}\n");
    write_ok(&r, "POST", "/api/articles", body.data, 201);
    ck_assert_int_eq(integer(r.json, "written"), 21);
    ck_assert_int_eq(integer(r.json, "replaced"), 0);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "ids")), 21);
    http_reply_free(&r);
    ck_assert_int_eq(article_count(), before + 21);
    ck_assert_int_eq(search_total(&H, "noro%C3%AEt"), 20);
    fouine_free(body.data);
}
END_TEST

/* Bodies over --max-body: 413 before they are read (Content-Length) or as
** they arrive (chunked); nothing written. */
START_TEST(bodies_too_large)
{
    static const char *const how[] = { "", "-H 'Transfer-Encoding: chunked'" };
    fouine_buf body = { 0 };
    http_reply r;
    size_t i;
    fouine_buf_puts(&body, "{\"id\": \"saint-malo-remparts\", \"title\": "
                           "\"Saint-Malo : les remparts rouverts aux "
                           "promeneurs\"}\n");
    while (body.len <= strtoul(MAX_BODY, NULL, 10)) {
        fouine_buf_puts(&body, "{\"id\": \"trop-grand\", \"title\": \"Un "
                               "article de trop\", \"body\": \"Il ne sera "
                               "jamais publié.\"}\n");
    }
    ck_assert(!body.failed);
    for (i = 0; i < 2; i++) {
        write_req(&r, &H, "POST", "/api/articles", body.data, KEY, how[i]);
        ck_assert_msg(r.status == 413, "%s: %ld %s", how[i], r.status, r.body);
        ck_assert_ptr_nonnull(strstr(r.body, "--max-body"));
        http_reply_free(&r);
    }
    ck_assert_int_eq(article_status(&H, "saint-malo-remparts"), 404);
    ck_assert_int_eq(search_total(&H, "remparts"), 0);
    fouine_free(body.data);
}
END_TEST

START_TEST(put_and_delete)
{
    http_reply r, got;
    /* No id in the body: the path's; a slash in it, encoded. */
    write_ok(&r, "PUT", "/api/articles/lyon%2Flumieres", ART_LUMIGNONS, 201);
    ck_assert_str_eq(
        json_string_value(json_array_get(json_object_get(r.json, "ids"), 0)),
        "lyon/lumieres");
    http_reply_free(&r);
    harness_get(&H, &got, "/api/articles/lyon%2Flumieres", 200);
    ck_assert_str_eq(json_string_value(json_object_get(got.json, "url")),
                     "https://exemple.fr/lyon/fete-des-lumieres");
    ck_assert_str_eq(json_string_value(json_object_get(got.json, "date")),
                     "2023-12-08T20:00:00");
    http_reply_free(&got);
    /* Again, changed: replaced (200). */
    write_ok(&r, "PUT", "/api/articles/lyon%2Flumieres",
             "{\"id\": \"lyon/lumieres\", \"title\": \"Lyon : la Fête des "
             "lumières bat son record\", \"body\": \"Les lumignons ont brillé "
             "sur les pentes de la Croix-Rousse.\"}",
             200);
    ck_assert_int_eq(integer(r.json, "replaced"), 1);
    http_reply_free(&r);
    harness_get(&H, &got, "/api/articles/lyon%2Flumieres", 200);
    ck_assert_str_eq(json_string_value(json_object_get(got.json, "title")),
                     "Lyon : la Fête des lumières bat son record");
    http_reply_free(&got);
    /* What GET gives (the body as its paragraphs) is written back as it
    ** is. */
    write_ok(&r, "PUT", "/api/articles/greve",
             "{\"title\": \"Grève à la SNCF\", \"lead\": \"Un TGV sur "
             "deux jeudi.\", \"body\": \"Les TER sont très perturbés."
             "\\n\\nLe trafic reprend vendredi.\"}",
             201);
    http_reply_free(&r);
    harness_get(&H, &got, "/api/articles/greve", 200);
    ck_assert_uint_eq(json_array_size(json_object_get(got.json, "body")), 2);
    {
        char *back = json_dumps(got.json, 0);
        ck_assert_ptr_nonnull(back);
        write_ok(&r, "PUT", "/api/articles/greve", back, 200);
        free(back);
        http_reply_free(&r);
    }
    http_reply_free(&got);
    harness_get(&H, &got, "/api/articles/greve", 200);
    ck_assert_str_eq(
        json_string_value(json_array_get(json_object_get(got.json, "body"), 1)),
        "Le trafic reprend vendredi.");
    http_reply_free(&got);
    write_ok(&r, "DELETE", "/api/articles/greve", NULL, 200);
    http_reply_free(&r);
    ck_assert_int_eq(search_total(&H, "Croix-Rousse"), 1);

    /* An id that is not the path's, two articles, no body. */
    write_ok(&r, "PUT", "/api/articles/lyon%2Flumieres", ART_CIARAN, 400);
    ck_assert_ptr_nonnull(strstr(r.body, "line 1: field id: "
                                         "'tempete-ciaran-coupures' is not "
                                         "the id given, 'lyon/lumieres'"));
    http_reply_free(&r);
    write_ok(&r, "PUT", "/api/articles/deux",
             "[{\"title\": \"Un\"}, {\"title\": \"Deux\"}]", 400);
    ck_assert_ptr_nonnull(strstr(r.body, "PUT writes one article"));
    http_reply_free(&r);
    ck_assert_int_eq(article_status(&H, "deux"), 404);
    write_ok(&r, "PUT", "/api/articles/vide", NULL, 400);
    http_reply_free(&r);

    /* An untitled article: written, with a warning. */
    write_ok(&r, "PUT", "/api/articles/depeche",
             "{\"lead\": \"Dépêche : la préfecture lève la vigilance "
             "orange aux orages.\"}",
             201);
    ck_assert_ptr_nonnull(strstr(r.body, "'depeche': field title: missing"));
    http_reply_free(&r);

    write_ok(&r, "DELETE", "/api/articles/lyon%2Flumieres", NULL, 200);
    ck_assert_int_eq(integer(r.json, "deleted"), 1);
    http_reply_free(&r);
    ck_assert_int_eq(article_status(&H, "lyon%2Flumieres"), 404);
    ck_assert_int_eq(search_total(&H, "Croix-Rousse"), 0);
    write_ok(&r, "DELETE", "/api/articles/lyon%2Flumieres", NULL, 404);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "error")),
                     "no such article");
    http_reply_free(&r);
    write_ok(&r, "DELETE", "/api/articles/depeche", "{}", 400);
    http_reply_free(&r);
    ck_assert_int_eq(article_status(&H, "depeche"), 200);
    /* Methods a path does not take. */
    write_ok(&r, "PUT", "/api/articles", ART_CIARAN, 405);
    ck_assert(has_header(&r, "Allow: POST"));
    http_reply_free(&r);
    write_ok(&r, "POST", "/api/articles/depeche", ART_CIARAN, 405);
    ck_assert(has_header(&r, "Allow: GET, HEAD, PUT, DELETE"));
    http_reply_free(&r);
}
END_TEST

/* The same POST twice gives the same index; the next search finds what a
** write wrote. */
START_TEST(idempotent_and_found_at_once)
{
    static const char batch[] = "[" ART_DOCKERS ",\n" ART_CIARAN "]\n"
                                "\n" ART_LUMIGNONS "\n";
    static const char *const ids[] = {
        "brest-dockers-greve", "tempete-ciaran-coupures",
        "https%3A%2F%2Fexemple.fr%2Flyon%2Ffete-des-lumieres"
    };
    json_t *first[3];
    json_int_t count;
    http_reply r, got;
    char path[HARNESS_PATH];
    int round, i;

    /* New or not, after the tests before. */
    write_req(&r, &H, "POST", "/api/articles", batch, KEY, NULL);
    ck_assert_msg(r.status == 200 || r.status == 201, "%ld %s", r.status,
                  r.body);
    http_reply_free(&r);
    for (round = 0; round < 2; round++) {
        write_ok(&r, "POST", "/api/articles", batch, 200);
        ck_assert_int_eq(integer(r.json, "written"), 3);
        ck_assert_int_eq(integer(r.json, "replaced"), 3);
        http_reply_free(&r);
        /* The very next requests see them. */
        ck_assert_int_eq(search_total(&H, "lumignons"), 1);
        ck_assert_int_eq(search_total(&H, "Ciaran"), 1);
        ck_assert_int_eq(search_total(&H, "dockers"), 1);
        if (round == 0) {
            count = article_count();
        }
        ck_assert_int_eq(article_count(), count);
        for (i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "/api/articles/%s", ids[i]);
            harness_get(&H, &got, path, 200);
            if (round == 0) {
                first[i] = json_incref(got.json);
            } else {
                ck_assert_msg(json_equal(first[i], got.json), "%s changed: %s",
                              ids[i], got.body);
                json_decref(first[i]);
            }
            http_reply_free(&got);
        }
    }
    /* A new article, found by the next search. */
    for (i = 0; i < 5; i++) {
        static const char *const towns[] = { "Plouescat", "Lesneven",
                                             "Brignogan", "Landéda",
                                             "Ouessant" };
        char body[512], q[64];
        snprintf(body, sizeof body,
                 "{\"id\": \"marche-%d\", \"title\": \"Le marché de %s "
                 "ouvre le dimanche\", \"body\": \"Les producteurs "
                 "s’installent place de l’Église.\"}",
                 i, towns[i]);
        write_ok(&r, "POST", "/api/articles", body, 201);
        http_reply_free(&r);
        harness_urlencode(q, sizeof q, towns[i]);
        ck_assert_msg(search_total(&H, q) == 1, "%s", towns[i]);
    }
}
END_TEST

/* kill -9 right after a 2xx: the articles are there after a restart. */
START_TEST(survives_kill_9)
{
    static const char *const args[] = { "--write-key-file", key_file, NULL };
    harness other;
    http_reply r;
    int i;
    for (i = 0; i < 3; i++) {
        char body[512], id[64], log[32];
        /* A log of each start: one that is still there names the old
        ** port. */
        snprintf(log, sizeof log, "kill9-%d.log", i);
        harness_start_other(&other, &H, log, args);
        snprintf(body, sizeof body,
                 "{\"id\": \"kill9-%d\", \"title\": \"Quimper : le festival "
                 "de Cornouaille, édition %d\", \"body\": \"Les bagadoù ont "
                 "défilé dans la vieille ville.\"}\n"
                 "{\"id\": \"kill9-%d-bis\", \"title\": \"Bagadoù en fête\"}",
                 i, 2020 + i, i);
        write_req(&r, &other, "POST", "/api/articles", body, KEY, NULL);
        ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
        http_reply_free(&r);
        ck_assert_int_eq(harness_stop(&other, SIGKILL), -1);
        snprintf(log, sizeof log, "restart-%d.log", i);
        harness_start_other(&other, &H, log, args);
        snprintf(id, sizeof id, "kill9-%d", i);
        ck_assert_int_eq(article_status(&other, id), 200);
        snprintf(id, sizeof id, "kill9-%d-bis", i);
        ck_assert_int_eq(article_status(&other, id), 200);
        ck_assert_int_eq(harness_stop(&other, SIGKILL), -1);
    }
    ck_assert_int_eq(search_total(&H, "Cornouaille"), 3);
    ck_assert_int_eq(search_total(&H, "bagado%C3%B9"), 6);
    fouine_test_assert_integrity(H.index);
}
END_TEST

/* An article written over HTTP has no file: fouine-index runs over the
** directory on the same index, even one that removes an article whose
** file is gone, keep it. */
START_TEST(fouine_index_keeps_http_articles)
{
    json_int_t before;
    http_reply r;
    write_ok(&r, "POST", "/api/articles",
             "{\"id\": \"morlaix-viaduc\", \"title\": \"Morlaix : le viaduc "
             "illuminé pour ses cent soixante-dix ans\", \"body\": \"La "
             "municipalité a choisi des projecteurs à basse consommation.\"}",
             201);
    http_reply_free(&r);
    before = article_count();
    harness_sh("'%s/fouine-index' -o '%s' '%s' >/dev/null 2>&1", H.build,
               H.index, H.articles);
    ck_assert_int_eq(article_status(&H, "morlaix-viaduc"), 200);
    ck_assert_int_eq(article_count(), before);
    harness_sh("rm '%s/louvre-cleopatre-oeuvres-restaurees.txt' && "
               "'%s/fouine-index' -o '%s' '%s' >/dev/null 2>&1",
               H.articles, H.build, H.index, H.articles);
    ck_assert_int_eq(article_status(&H, "louvre-cleopatre-oeuvres-restaurees."
                                        "txt"),
                     404);
    ck_assert_int_eq(article_status(&H, "morlaix-viaduc"), 200);
    ck_assert_int_eq(article_count(), before - 1);
    ck_assert_int_eq(search_total(&H, "viaduc"), 1);
}
END_TEST

/* Clients that search on keep-alive connections while articles are
** written: not one search may fail. */
typedef struct searcher {
    atomic_int *stop; /* set when the writes are done */
    long searches;    /* answered */
    long failed;      /* not a 200 with JSON */
    char why[256];    /* the first failure */
} searcher;

static void *searcher_main(void *payload)
{
    static const char *const paths[] = {
        "/api/search?q=gr%C3%A8ve",
        "/api/search?q=Plougastel+fraises&sort=date",
        "/api/suggest?q=plouga",
        "/api/health",
    };
    searcher *s = payload;
    client_conn c;
    http_reply r;
    int open = 0;
    while (!atomic_load(s->stop)) {
        const char *path = paths[s->searches % 4];
        if (!open && client_open(&c, &H, NULL) != 0) {
            s->failed++;
            snprintf(s->why, sizeof s->why, "cannot connect");
            break;
        }
        open = 1;
        if (client_get(&c, path) != 0 || client_read(&c, &r, 0, 20000) != 0) {
            s->failed++;
            snprintf(s->why, sizeof s->why, "%s: no answer", path);
            client_close(&c);
            open = 0;
            continue;
        }
        if (r.status != 200 || !r.json) {
            if (!s->failed) {
                snprintf(s->why, sizeof s->why, "%s: %ld %.200s", path,
                         r.status, r.body);
            }
            s->failed++;
        }
        s->searches++;
        http_reply_free(&r);
    }
    if (open) {
        client_close(&c);
    }
    return NULL;
}

START_TEST(searches_go_on_while_writing)
{
    enum { SEARCHERS = 3, ARTICLES = 30 };
    searcher s[SEARCHERS];
    pthread_t t[SEARCHERS];
    atomic_int stop;
    long searches = 0, failed = 0;
    http_reply r;
    int i;

    atomic_init(&stop, 0);
    memset(s, 0, sizeof s);
    for (i = 0; i < SEARCHERS; i++) {
        s[i].stop = &stop;
        ck_assert_int_eq(pthread_create(&t[i], NULL, searcher_main, &s[i]), 0);
    }
    for (i = 0; i < ARTICLES; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"id\": \"fraises-%d\", \"title\": \"Plougastel : les "
                 "fraises de la saison %d\", \"date\": \"2023-05-%02d\", "
                 "\"body\": \"Les producteurs de Plougastel vendent leurs "
                 "fraises au bord de la route.\"}",
                 i, i, 1 + i % 28);
        write_ok(&r, "POST", "/api/articles", body, 201);
        http_reply_free(&r);
    }
    atomic_store(&stop, 1);
    for (i = 0; i < SEARCHERS; i++) {
        pthread_join(t[i], NULL);
        if (s[i].failed && !failed) {
            fprintf(stderr, "first failure: %s\n", s[i].why);
        }
        searches += s[i].searches;
        failed += s[i].failed;
    }
    printf("%ld searches by %d clients while %d articles were written, %ld "
           "failed\n",
           searches, SEARCHERS, ARTICLES, failed);
    ck_assert_int_eq(failed, 0);
    ck_assert_int_ge(searches, SEARCHERS);
    ck_assert_int_eq(search_total(&H, "Plougastel+fraises"), ARTICLES);
}
END_TEST

/* Another writer holding the index longer than the busy timeout: 503 with
** Retry-After, nothing written; the next write goes through. */
START_TEST(locked_index_is_503)
{
    fouine_index *ix = NULL;
    http_reply r;
    ck_assert_int_eq(fouine_index_open(&ix, H.index, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    write_ok(&r, "POST", "/api/articles",
             "{\"id\": \"verrou\", \"title\": \"Le pont de Recouvrance "
             "bloqué\"}",
             503);
    ck_assert_msg(has_header(&r, "Retry-After: "), "%s", r.headers);
    http_reply_free(&r);
    ck_assert_int_eq(fouine_index_rollback(ix), FOUINE_OK);
    fouine_index_close(ix);
    ck_assert_int_eq(article_status(&H, "verrou"), 404);
    write_ok(&r, "POST", "/api/articles",
             "{\"id\": \"verrou\", \"title\": \"Le pont de Recouvrance "
             "bloqué\"}",
             201);
    http_reply_free(&r);
    ck_assert_int_eq(search_total(&H, "Recouvrance"), 1);
}
END_TEST

int main(void)
{
    static const char *const args[] = { "--write-key-file", key_file,
                                        "--max-body", MAX_BODY, NULL };
    const char *tmp = getenv("TMPDIR");
    char dir[HARNESS_DIR];
    Suite *s = suite_create("serve_write");
    TCase *tc = tcase_create("write");
    FILE *f;
    int rc;

    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, writes_need_a_key);
    tcase_add_test(tc, bad_key_files_stop_the_start);
    tcase_add_loop_test(tc, bad_input_refused_whole, 0,
                        sizeof bad_bodies / sizeof bad_bodies[0]);
    tcase_add_test(tc, all_or_nothing);
    tcase_add_test(tc, bodies_too_large);
    tcase_add_test(tc, put_and_delete);
    tcase_add_test(tc, idempotent_and_found_at_once);
    tcase_add_test(tc, survives_kill_9);
    tcase_add_test(tc, fouine_index_keeps_http_articles);
    tcase_add_test(tc, searches_go_on_while_writing);
    tcase_add_test(tc, locked_index_is_503);
    suite_add_tcase(s, tc);

    /* The keys, in a directory of their own: the server's start needs
    ** them before the harness makes its own. */
    snprintf(dir, sizeof dir, "%s/fouine-keys-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(key_file, sizeof key_file, "%s/keys", dir);
    f = fopen(key_file, "w");
    if (!f ||
        fputs("# Les clés du CMS de la Gazette\n\n" KEY "\n" OTHER_KEY "\n",
              f) < 0 ||
        fclose(f) != 0) {
        perror(key_file);
        return 1;
    }
    rc = harness_main(&H, s, 0, args);
    if (unlink(key_file) != 0 || rmdir(dir) != 0) {
        perror(dir);
    }
    return rc;
}
