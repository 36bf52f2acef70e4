/*
** check_serve_fuzz.c: seeded fuzzing of fouine-serve's request handling,
** in this process, under ASan and UBSan.
**
** Random and hostile requests (methods, request targets, paths, query
** strings with French text, numbers and dates out of bounds, broken and
** overlong percent-encodings and UTF-8, headers, bodies, versions, several
** requests pipelined, requests cut short) go through libmicrohttpd into the
** handlers, over a socket pair run in this thread
** (fouine_serve_local_start(), fouine_serve_exchange()).  Every answer must
** be well formed with a sane status and a JSON body (tests/serve/replies.h),
** and the server must go on answering a plain request.  Writes too (POST,
** PUT, DELETE /api/articles), with the key, a wrong one or none, and
** bodies of JSON articles, good, bad, broken or too large.
**
** FOUINE_FUZZ_SEED sets the seed (printed), FOUINE_FUZZ_ITERATIONS the
** number of requests (default 4000).
*/
#include "serve/harness.h"

#include "serve.h"
#include "serve/replies.h"

#include "fouine/alloc.h"

#define ITERATIONS  4000
#define CHECK_EVERY 250   /* a plain request every so many */
#define MAX_REQUEST 12000 /* bytes of one generated request, about */
#define MAX_BODY    4096  /* --max-body: some bodies are larger */
#define WRITE_KEY   "cle-du-cms-de-la-gazette-2024"

static harness H;

/* splitmix64: the whole run follows from its seed. */
static uint64_t rng_state;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A number from 0 to n - 1. */
static size_t pick(size_t n)
{
    return (size_t)(rng() % n);
}

#define PICK(table) (table)[pick(sizeof(table) / sizeof(table)[0])]

static const char *const methods[] = {
    "HEAD", "POST",  "PUT",    "DELETE", "OPTIONS", "TRACE", "CONNECT",
    "get",  "PATCH", "G\x01T", "GETT",   "",        "BREW",
};

static const char *const paths[] = {
    "/",
    "/index.html",
    "/app.js",
    "/style.css",
    "/favicon.ico",
    "/api/search",
    "/api/search",
    "/api/search",
    "/api/search/",
    "/api/suggest",
    "/api/suggest",
    "/api/health",
    "/api/categories",
    "/metrics",
    "/metrics/",
    "/api/articles/sncf-greve-week-end-tgv-ter.txt",
    "/api/articles/tech%2F2018%2Fanssi-cyberattaques-hopitaux.txt",
    "/api/articles/tech/2018/anssi-cyberattaques-hopitaux.txt",
    "/api/articles/",
    "/api/articles/%00",
    "/api/articles/caf%E9",
    "/api/articles/..%2F..%2Fetc%2Fpasswd",
    "/api/nulle-part",
    "/../../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "//api//search",
    "/api/%73earch",
    "*",
    "http://exemple.fr/api/health",
    "/api/search#fragment",
};

static const char *const keys[] = {
    "q",    "q", "q",   "page", "per_page", "since",   "until", "category",
    "sort", "Q", "q[]", "",     "%71",      "page%00", "x",
};

static const char *const values[] = {
    "grève",
    "sécurité des hôpitaux",
    "l'état",
    "l’ANSSI",
    "Cléopâtre",
    "\"vigilance rouge\"",
    "« le monde »",
    "grève -tgv",
    "(canicule OR orages) -paris",
    "présid*",
    "=attaque",
    "titre:grève",
    "vigilance ro",
    "hôp",
    "-sécurité",
    "le la les",
    "NEAR(a b)",
    "C++",
    "😀 émoji",
    "\t",
    " ",
    "",
    "0",
    "1",
    "-1",
    "2",
    "100",
    "101",
    "1000",
    "1001",
    "99999999999999999999",
    "1e3",
    " 5",
    "5 ",
    "0x10",
    "+3",
    "2019",
    "2019-05",
    "2019-05-14",
    "2019-02-29",
    "2020-02-29",
    "2019-13",
    "2019-00-10",
    "hier",
    "relevance",
    "date",
    "hasard",
    "Culture",
    "CULTURE",
    "économie",
};

/* Broken or unusual escapes, put in raw. */
static const char *const escapes[] = {
    "%",      "%G1",       "%0",           "%00",    "%C3",       "%E8",
    "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%FF",    "%25",       "%2B",
    "%20",    "+",         "%0D%0A",       "%C3%A9", "%E2%80%99", "%7F",
};

/* Versions: mostly HTTP/1.1, as clients send it. */
static const char *const odd_versions[] = {
    "HTTP/2.0", "HTTP/0.9",  "HTTP/1.1 extra", "",
    "http/1.1", "HTTP/1.10", "HTTP/9.9",
};

/* Headers a browser or a proxy sends. */
static const char *const headers[] = {
    "Accept: */*\r\n",
    "Accept-Language: fr-FR,fr;q=0.9\r\n",
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n",
    "Connection: close\r\n",
    "Connection: keep-alive\r\n",
    "Content-Length: 0\r\n",
    "Range: bytes=0-10\r\n",
    "If-None-Match: \"abc\"\r\n",
    "Origin: https://www.exemple.fr\r\n",
    "X-Forwarded-For: 10.0.0.1\r\n",
    "Cookie: a=b; c\r\n",
    "X-Accent: éàü\r\n",
    "Host: second\r\n",
};

/* And hostile ones. */
static const char *const odd_headers[] = {
    "Connection: Upgrade\r\nUpgrade: websocket\r\n",
    "Content-Length: 5\r\n",
    "Content-Length: abc\r\n",
    "Content-Length: -1\r\n",
    "Content-Length: 99999999999999999999999\r\n",
    "Transfer-Encoding: chunked\r\n",
    "Transfer-Encoding: gzip\r\n",
    "Expect: 100-continue\r\n",
    "Sans-deux-points\r\n",
    ": sans nom\r\n",
    "X-Plie: a\r\n suite pliée\r\n",
    "X-Nul: a\0b\r\n",
};

/* The fields of a written article, and values good and bad for them. */
static const char *const article_fields[] = {
    "id",  "title",   "title",  "date",         "body", "lead",    "text",
    "url", "section", "author", "reading_time", "tags", "content",
};

static const char *const article_values[] = {
    "\"Grève à la SNCF : un TGV sur deux\"",
    "\"Les TER sont très perturbés.\\n\\nLa direction appelle au calme.\"",
    "\"2019-05-10T17:00:00+02:00\"",
    "\"18 avril 2018 à 09h26\"",
    "\"2019-02-31\"",
    "\"hier\"",
    "\"\"",
    "\"  \"",
    "null",
    "42",
    "3",
    "[\"grève\"]",
    "{}",
    "true",
    "\"caf\xE9 de la gare\"",
    "\"\\u00e9t\\u00e9 \\ud83d\\ude00\"",
    "\"\\u0000\"",
};

static const char *const write_ids[] = {
    "\"fuzz-greve\"",
    "\"fuzz-orages\"",
    "\"fuzz/2019/canicule\"",
    "\"sncf-greve-week-end-tgv-ter.txt\"",
};

/* Append n bytes to the request being built (within MAX_REQUEST). */
typedef struct req {
    char data[MAX_REQUEST + 4096];
    size_t len;
} req;

static void put(req *r, const char *s, size_t n)
{
    if (r->len + n < sizeof r->data) {
        memcpy(r->data + r->len, s, n);
        r->len += n;
    }
}

static void puts_(req *r, const char *s)
{
    put(r, s, strlen(s));
}

/* Random bytes, any of 0 to 255, or printable ones. */
static void put_random(req *r, size_t n, int printable)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char c = (char)(printable ? 0x21 + pick(94) : pick(256));
        put(r, &c, 1);
    }
}

/* Text as a URL carries it: each byte as is, %-escaped or, for a space,
** a '+', at random; sometimes a broken escape in the middle. */
static void put_encoded(req *r, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        size_t how = pick(8);
        if (pick(80) == 0) {
            puts_(r, PICK(escapes));
        }
        if (c == ' ' && how < 4) {
            puts_(r, "+");
        } else if (c <= ' ' || c >= 0x7f || c == '&' || c == '=' || c == '#' ||
                   c == '%' || c == '+' || how < 3) {
            char e[3] = { '%', hex[c >> 4], hex[c & 15] };
            put(r, e, 3);
        } else {
            put(r, (const char *)&c, 1);
        }
    }
}

/* The query string: random parameters. */
static void put_query(req *r)
{
    size_t n = pick(5), i;
    puts_(r, "?");
    for (i = 0; i < n; i++) {
        if (i > 0) {
            puts_(r, pick(10) ? "&" : "&&");
        }
        puts_(r, i == 0 && pick(3) ? "q" : PICK(keys));
        if (pick(10) == 0) {
            continue; /* no '=' */
        }
        puts_(r, "=");
        switch (pick(16)) {
        case 0:
            put_random(r, pick(40), 0);
            break;
        case 1: {
            /* Long text: past the 1 KB of q, or the 256 bytes of others. */
            size_t k, words = 20 + pick(400);
            for (k = 0; k < words; k++) {
                put_encoded(r, k % 2 ? "grève " : "sécurité ");
            }
            break;
        }
        case 2:
            puts_(r, PICK(escapes));
            break;
        default:
            put_encoded(r, PICK(values));
        }
    }
}

/* One JSON article: half of them good, the others of random fields. */
static void put_article(req *r)
{
    size_t n = pick(6), i;
    if (pick(2) == 0) {
        puts_(r, "{\"id\": ");
        puts_(r, PICK(write_ids));
        puts_(r, ", \"title\": ");
        puts_(r, article_values[0]);
        puts_(r, ", \"body\": ");
        puts_(r, article_values[1]);
        puts_(r, pick(2) ? ", \"date\": \"2019-05-10\"}" : "}");
        return;
    }
    puts_(r, "{");
    if (pick(5)) {
        puts_(r, "\"id\": ");
        puts_(r, PICK(write_ids));
        puts_(r, n ? ", " : "");
    }
    for (i = 0; i < n; i++) {
        puts_(r, i ? ", \"" : "\"");
        puts_(r, PICK(article_fields));
        puts_(r, "\": ");
        puts_(r, PICK(article_values));
    }
    puts_(r, "}");
}

/* The body of a write: an article, an array, JSON Lines, random bytes, or
** more than MAX_BODY; sometimes a byte changed. */
static void put_write_body(req *b)
{
    size_t n = 1 + pick(4), i;
    switch (pick(6)) {
    case 0:
        puts_(b, "[");
        for (i = 0; i < n; i++) {
            puts_(b, i ? ",\n " : "");
            put_article(b);
        }
        puts_(b, pick(10) ? "]" : "");
        break;
    case 1:
        for (i = 0; i < n; i++) {
            put_article(b);
            puts_(b, pick(4) ? "\n" : "\r\n\n");
        }
        break;
    case 2:
        put_random(b, pick(200), pick(2) == 0);
        break;
    case 3:
        while (b->len <= MAX_BODY) {
            put_article(b);
            puts_(b, "\n");
        }
        break;
    default:
        put_article(b);
    }
    if (pick(10) == 0 && b->len > 0) {
        b->data[pick(b->len)] ^= (char)(1 + (int)pick(255));
    }
}

/* A write: POST, PUT or DELETE, with the key (mostly), a wrong one or none,
** its body sent with a Content-Length or chunked. */
static void put_write(req *r)
{
    static req body; /* large */
    static const char *const auth[] = {
        "",
        "Authorization: Bearer cle-fausse-de-seize-signes\r\n",
        "Authorization: Basic Y21zOmdhemV0dGU=\r\n",
        "Authorization: Bearer " WRITE_KEY "x\r\n",
        "Authorization: bearer  " WRITE_KEY "\r\n",
    };
    size_t how = pick(4);
    char line[64];
    body.len = 0;
    if (how < 2) {
        puts_(r, "POST /api/articles");
    } else {
        puts_(r, how == 2 ? "PUT /api/articles/" : "DELETE /api/articles/");
        put_encoded(r, pick(2) ? "fuzz-greve" : PICK(values));
    }
    if (how != 3 || pick(8) == 0) {
        put_write_body(&body);
    }
    puts_(r, " HTTP/1.1\r\nHost: fouine.exemple.fr\r\n");
    puts_(r, pick(6) ? "Authorization: Bearer " WRITE_KEY "\r\n" : PICK(auth));
    if (pick(8) == 0) {
        snprintf(line, sizeof line, "Transfer-Encoding: chunked\r\n\r\n%zx\r\n",
                 body.len);
        puts_(r, line);
        put(r, body.data, body.len);
        puts_(r, "\r\n0\r\n\r\n");
    } else {
        snprintf(line, sizeof line, "Content-Length: %zu\r\n\r\n", body.len);
        puts_(r, body.len || pick(2) ? line : "\r\n");
        put(r, body.data, body.len);
    }
}

/* One request, maybe cut short. */
static void put_request(req *r)
{
    size_t start = r->len, n, i;
    if (pick(5) == 0) {
        put_write(r);
        return;
    }
    const char *method = pick(5) == 0 ? PICK(methods) : "GET";
    puts_(r, method);
    puts_(r, pick(20) ? " " : "  ");
    if (pick(12) == 0) {
        put_random(r, 1 + pick(60), pick(2) == 0);
    } else {
        const char *path = PICK(paths);
        if (strncmp(path, "/api/articles/", 14) == 0 && pick(3) == 0) {
            puts_(r, "/api/articles/");
            put_encoded(r, PICK(values));
        } else {
            puts_(r, path);
        }
        if (pick(3)) {
            put_query(r);
        }
    }
    if (pick(25) == 0) {
        puts_(r, "\r\n\r\n"); /* a request line without version */
        return;
    }
    puts_(r, " ");
    puts_(r, pick(15) == 0 ? PICK(odd_versions) :
             pick(10) == 0 ? "HTTP/1.0" :
                             "HTTP/1.1");
    puts_(r, "\r\n");
    if (pick(15)) {
        puts_(r, "Host: fouine.exemple.fr\r\n");
    }
    n = pick(4);
    for (i = 0; i < n; i++) {
        const char *h = pick(8) == 0 ? PICK(odd_headers) : PICK(headers);
        /* "X-Nul" holds a NUL: its length is its own. */
        put(r, h, strncmp(h, "X-Nul", 5) == 0 ? 12 : strlen(h));
    }
    if (pick(30) == 0) {
        /* A header line of 1 to 70 KB: past libmicrohttpd's 64 KB. */
        size_t big = 1000 + pick(70000);
        puts_(r, "X-Remplissage: ");
        for (i = 0; i < big && r->len + 4 < sizeof r->data; i++) {
            put(r, "a", 1);
        }
        puts_(r, "\r\n");
    }
    puts_(r, "\r\n");
    if (pick(15) == 0) {
        put_random(r, pick(20), 1); /* a body, announced or not */
    }
    if (pick(30) == 0 && r->len > start + 1) {
        r->len = start + 1 + pick(r->len - start - 1); /* cut short */
    }
}

/* Exchange r with d and check every answer; fails the test otherwise. */
static void exchange_checked(fouine_serve_daemon *d,
                             const req *r,
                             replies_seen *seen,
                             long i)
{
    char *out = NULL;
    size_t len = 0;
    ck_assert_int_eq(fouine_serve_exchange(&out, &len, d, r->data, r->len),
                     FOUINE_OK);
    if (replies_check(seen, out, len) != 0) {
        ck_abort_msg("request %ld (%.*s): %s", i,
                     (int)(r->len < 300 ? r->len : 300), r->data, seen->why);
    }
    fouine_free(out);
}

START_TEST(hostile_requests_get_sane_json)
{
    static req r;
    static const char plain[] = "GET /api/search?q=gr%C3%A8ve HTTP/1.1\r\n"
                                "Host: fouine.exemple.fr\r\n\r\n";
    fouine_serve_config cfg = { .index = H.index,
                                .quiet = 1,
                                .timeout = FOUINE_SERVE_TIMEOUT,
                                .max_body = FOUINE_SERVE_MAX_BODY };
    fouine_serve_daemon *d = NULL;
    fouine_serve_keys *write_keys = NULL;
    char path[HARNESS_PATH + 16], msg[256];
    long writes[4] = { 0 };
    const char *env = getenv("FOUINE_FUZZ_SEED");
    const char *iter = getenv("FOUINE_FUZZ_ITERATIONS");
    long n = iter ? strtol(iter, NULL, 10) : ITERATIONS, i;
    long ours = 0, refusals = 0, json = 0, status[5] = { 0 };
    replies_seen seen;
    int k;

    rng_state = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    printf("seed %llu (FOUINE_FUZZ_SEED), %ld requests\n",
           (unsigned long long)rng_state, n);
    fflush(stdout);
    snprintf(path, sizeof path, "%s/keys", H.dir);
    harness_write(path, "# la clé du CMS\n" WRITE_KEY "\n");
    ck_assert_int_eq(fouine_serve_keys_load(&write_keys, msg, sizeof msg, path),
                     FOUINE_OK);
    cfg.keys = write_keys;
    cfg.max_body = MAX_BODY;
    ck_assert_int_eq(fouine_serve_worker_init(), FOUINE_OK);
    ck_assert_int_eq(fouine_serve_local_start(&d, &cfg), FOUINE_OK);
    for (i = 0; i < n; i++) {
        size_t pipelined = pick(6) == 0 ? 2 + pick(3) : 1, p;
        r.len = 0;
        for (p = 0; p < pipelined; p++) {
            put_request(&r);
        }
        exchange_checked(d, &r, &seen, i);
        ours += seen.ours;
        refusals += seen.refusals;
        json += seen.statuses[5];
        for (k = 0; k < 5; k++) {
            status[k] += seen.statuses[k];
        }
        for (k = 0; k < 4; k++) {
            writes[k] += seen.writes[k];
        }
        if (i % CHECK_EVERY == CHECK_EVERY - 1 || i == n - 1) {
            /* Still answering as it should. */
            r.len = 0;
            put(&r, plain, sizeof plain - 1);
            exchange_checked(d, &r, &seen, i);
            ck_assert_msg(seen.ours == 1 && seen.statuses[0] == 1,
                          "a plain search unanswered after request %ld", i);
        }
    }
    printf("%ld replies of fouine-serve (%ld 200, %ld 400, %ld 404, %ld 405; "
           "writes: %ld 201, %ld 401, %ld 413; %ld with a JSON body checked), "
           "%ld refusals of libmicrohttpd\n",
           ours, status[0], status[1], status[2], status[3], writes[0],
           writes[1], writes[3], json, refusals);
    /* The generator reaches every kind of answer. */
    ck_assert_int_gt(status[0], 0);
    ck_assert_int_gt(status[1], 0);
    ck_assert_int_gt(status[2], 0);
    ck_assert_int_gt(status[3], 0);
    ck_assert_int_gt(writes[0], 0);
    ck_assert_int_gt(writes[1], 0);
    ck_assert_int_gt(writes[3], 0);
    fouine_serve_daemon_stop(d);
    fouine_serve_worker_release();
    fouine_serve_keys_free(write_keys);
}
END_TEST

/* An error whose message is not UTF-8 (a library's message quoting cut
** bytes) is answered with its own status and a JSON body, not 500. */
START_TEST(error_message_not_utf8_keeps_status)
{
    static const char bad[] =
        "line 1: bad JSON: invalid escape near '\"g\\\xc3'";
    fouine_serve_reply r;
    json_error_t err;
    json_t *body;
    ck_assert_int_eq(fouine_serve_reply_error(&r, 400, bad), FOUINE_OK);
    ck_assert_uint_eq(r.status, 400);
    body = json_loadb(r.body, r.len, 0, &err);
    ck_assert_msg(body != NULL, "%s: %s", r.body, err.text);
    ck_assert_int_eq(json_integer_value(json_object_get(body, "status")), 400);
    ck_assert(json_is_string(json_object_get(body, "error")));
    json_decref(body);
    free(r.body); /* json_dumps()'s */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("serve_fuzz");
    TCase *tc = tcase_create("fuzz");
    int rc;
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, hostile_requests_get_sane_json);
    tcase_add_test(tc, error_message_not_utf8_keeps_status);
    suite_add_tcase(s, tc);
    rc = harness_init(&H);
    if (rc != 0) {
        srunner_free(srunner_create(s));
        return rc;
    }
    harness_index_corpus(&H, HARNESS_HOSTILE_FILE, harness_hostile_article);
    harness_setup = 0;
    rc = fouine_test_main(s);
    harness_cleanup(&H);
    return rc;
}
