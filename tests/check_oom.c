/*
** check_oom.c: OOM loops.  Each operation runs again and again in the same
** process, the k-th allocation of the gateway (fouine/alloc.h) failing and
** every later one, for k = 1, 2, ... until a run makes all its allocations
** with none failing.  Every run must return FOUINE_OK or FOUINE_ENOMEM,
** release all it allocated (LeakSanitizer checks at exit), and when it
** returns FOUINE_OK its result must be the one of a run without failures.
** The operations: the analyzer on French text (document and query modes),
** the article parser on both layouts and on JSON, UTF-8 repair, the query
** parser, searches of an index of corpus/ (the bounds met, out of time,
** odd bytes) and fouine-serve's endpoints on it.  jansson allocates through
** the gateway here, so that its failures are injected too.
**
** Needs the build option FOUINE_FAULT_INJECTION; without it the suite
** exits 77 (skipped).
*/
#include "indexer.h"
#include "query.h"
#include "results_json.h"
#include "testutil.h"
#ifdef FOUINE_TEST_SERVE
#include "serve.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc_fault.h"
#include "fouine/analyzer.h"
#include "fouine/index.h"
#include "store.h"

#ifdef FOUINE_FAULT_INJECTION

/* A French paragraph: accents, capitals, both apostrophes, ligatures (œ,
** æ, the "fi" ligature), numbers with non-breaking spaces, hyphens. */
static const char paragraph[] =
    "L'État a annoncé qu’il consacrerait 1\xc2\xa0"
    "500\xc2\xa0"
    "000 € à la sécurité des hôpitaux : « C'est au cœur de nos missions », "
    "a déclaré aujourd'hui la ministre, 42 ans, le 3 mars 2023. Les "
    "ŒUVRES d’art, l'ex-ministre et l'Assemblée nationale ont voté à 289 "
    "voix contre 250 ; le \xef\xac\x81nancement de l'ÉCOLE et du curriculum "
    "vitæ reste à l’étude. Élections, créées, accueilli-t-il ? "
    "Notre-Dame-des-Landes, 3,14 %, 2e tour, XXIe siècle.";

/* A query with phrases, OR, exclusions, fields, a prefix and an exact
** word. */
static const char query_text[] =
    "\"sécurité des hôpitaux\" OR « cœur de métier » -rançon "
    "-\"fuite de données\" titre:État chapo:(élections OU vote) "
    "=créées cyberatt* l’Assemblée 2023";

/* A site-layout article with its comments footer. */
static const char site_article[] =
    "La Poste ferme ses bureaux le samedi\n"
    "\n"
    "Le 9 janvier 2020 à 14h00\n"
    "4 min\n"
    "Services publics\n"
    "Services publics\n"
    "La Poste réduit les horaires de 300 bureaux ruraux.\n"
    "Les maires protestent : « C’est l'État qui recule ».\n"
    "Une pétition circule.\n"
    "Le 9 janvier 2020 à 14h00\n"
    "Commentaires (3)\n"
    "Abonnez-vous pour prendre part au débat\n"
    "Déjà abonné ? Se connecter\n"
    "Abonnez-vousLe 09/01/2020 à 15h02\n"
    "Mon bureau de poste ouvre encore le mardi.\n"
    "Le 09/01/2020 à 16h30\n"
    "Première ligne,\n"
    "seconde ligne.\n"
    "Le 10/01/2020 à 08h15\n"
    "Et l'œuvre des facteurs ?\n";

/* A plain-layout article, with CRLF line ends. */
static const char plain_article[] =
    "Grève à la SNCF : le trafic perturbé ce week-end\r\n"
    "Le 10 mai 2019 à 17h00\r\n"
    "\r\n"
    "Les syndicats appellent à la grève,\r\n"
    "de vendredi soir à lundi matin.\r\n"
    "\r\n"
    "Un TGV sur deux circulera.\r\n"
    "\r\n"
    "\r\n"
    "Les TER seront très perturbés en Île-de-France.\r\n";

/* A JSON array of articles: one with a lead, one without (its body gives
** it) and a French date, one untitled with a day the calendar lacks, one
** skipped (neither title nor text). */
static const char json_articles[] =
    "[{\"id\": \"a1\", \"title\": \"L’État et les hôpitaux\", "
    "\"date\": \"2023-03-03\", \"section\": \"Santé\", "
    "\"author\": \"Rédaction\", \"reading_time\": 3, "
    "\"lead\": \"Un plan de 1,5 milliard d'euros.\", "
    "\"body\": \"Les syndicats restent prudents.\\n\\nLa ministre répond.\"},"
    " {\"url\": \"https://exemple.fr/b2\", \"title\": \"Grève à la SNCF\", "
    "\"date\": \"3 mars 2023 à 10h00\", "
    "\"text\": \"Un TGV sur deux.\\n\\nLes TER perturbés en Île-de-France.\"},"
    " {\"id\": \"c3\", \"date\": \"2023-02-30\", \"body\": \"Sans titre.\"},"
    " {\"id\": \"d4\", \"title\": \" \"}]";

/* An untitled article of the site layout, a day the calendar lacks in its
** date line and in a comment's, old Mac line ends. */
static const char untitled_article[] =
    "Le 30 février 2023 à 10h00\r"
    "3 min\r"
    "Santé\r"
    "Les urgences de Saint-Amand ferment la nuit.\r"
    "L’ARS promet une réouverture en septembre.\r"
    "Commentaires (2)\r"
    "Le 31/04/2023 à 09h00\r"
    "Encore une fermeture.\r"
    "Le 02/05/2023 à 18h30\r"
    "Et les pompiers ?\r";

/* Digests of results are made with fouine_hash64(), which allocates
** nothing (every allocation here would be counted).  A string is hashed
** with its NUL, NULL as one 0xFF byte. */
static uint64_t mix_str(uint64_t h, const char *s)
{
    return s ? fouine_hash64(h, s, strlen(s) + 1) : fouine_hash64(h, "\xff", 1);
}

static uint64_t mix_size(uint64_t h, size_t v)
{
    return fouine_hash64(h, &v, sizeof v);
}

/* Token callback: fold each token into the digest. */
static int digest_token(const char *token,
                        size_t len,
                        size_t start,
                        size_t end,
                        int flags,
                        void *payload)
{
    uint64_t *h = payload;
    *h = fouine_hash64(*h, token, len);
    *h = mix_size(*h, start);
    *h = mix_size(*h, end);
    *h = mix_size(*h, (size_t)flags);
    return 0;
}

/* A new analyzer, the paragraph analyzed in one mode, the analyzer
** freed. */
static int analyze(uint64_t *digest, int mode)
{
    fouine_analyzer *an = NULL;
    uint64_t h = FOUINE_HASH_INIT;
    int rc = fouine_analyzer_new(&an);
    if (rc == FOUINE_OK) {
        rc = fouine_analyzer_run(an, paragraph, sizeof paragraph - 1, mode,
                                 digest_token, &h);
    }
    fouine_analyzer_free(an);
    *digest = h;
    return rc;
}

static int analyze_document(uint64_t *digest)
{
    return analyze(digest, FOUINE_ANALYZE_DOCUMENT);
}

static int analyze_query(uint64_t *digest)
{
    return analyze(digest, FOUINE_ANALYZE_QUERY);
}

static int analyze_words(uint64_t *digest)
{
    return analyze(digest, FOUINE_ANALYZE_WORDS);
}

/* Fold an article into h: its id, its notes, and the hash of all it
** stores. */
static uint64_t digest_of(uint64_t h, const fouine_article *a)
{
    uint64_t ah = fouine_article_hash(a);
    h = mix_str(h, a->id);
    h = mix_str(h, a->notes.data);
    return fouine_hash64(h, &ah, sizeof ah);
}

/* Parse an article and release it. */
static int parse_article(uint64_t *digest, const char *text)
{
    fouine_article a;
    fouine_skip skip = FOUINE_SKIP_COUNT;
    uint64_t h = FOUINE_HASH_INIT;
    int rc = fouine_article_parse(&a, &skip, text, strlen(text));
    if (rc == FOUINE_OK) {
        h = digest_of(h, &a);
    }
    fouine_article_clear(&a);
    *digest = h;
    return rc;
}

static int parse_site(uint64_t *digest)
{
    return parse_article(digest, site_article);
}

static int parse_plain(uint64_t *digest)
{
    return parse_article(digest, plain_article);
}

static int parse_untitled(uint64_t *digest)
{
    return parse_article(digest, untitled_article);
}

/* The query parsed by an analyzer made in the same run. */
static int parse_query(uint64_t *digest)
{
    fouine_analyzer *an = NULL;
    fouine_parsed q;
    uint64_t h = FOUINE_HASH_INIT;
    size_t i;
    int rc;

    memset(&q, 0, sizeof q);
    rc = fouine_analyzer_new(&an);
    if (rc == FOUINE_OK) {
        rc = fouine_parse(&q, an, NULL, query_text, sizeof query_text - 1);
    }
    if (rc == FOUINE_OK) {
        h = mix_str(h, q.expr);
        h = mix_str(h, q.any_expr);
        h = mix_str(h, q.any_map);
        h = mix_str(h, q.long_expr);
        h = mix_str(h, q.not_expr);
        h = mix_str(h, q.understood);
        h = mix_size(h, (size_t)q.columns);
        h = mix_size(h, (size_t)q.items);
        h = mix_size(h, (size_t)q.typed);
        h = mix_size(h, (size_t)q.question);
        h = mix_size(h, q.nterms);
        for (i = 0; i < q.nterms; i++) {
            h = mix_str(h, q.terms[i].tokens);
            h = mix_str(h, q.terms[i].keys);
            h = mix_size(h, (size_t)q.terms[i].prefix);
            h = mix_size(h, (size_t)q.terms[i].group);
        }
        h = fouine_hash64(h, q.words, q.nwords * 2 * sizeof *q.words);
    }
    fouine_parsed_clear(&q);
    fouine_analyzer_free(an);
    *digest = h;
    return rc;
}

/* The FTS5 expression of the query, by an analyzer made in the same
** run. */
static int query_expr(uint64_t *digest)
{
    fouine_analyzer *an = NULL;
    char *expr = NULL;
    uint64_t h = FOUINE_HASH_INIT;
    int rc = fouine_analyzer_new(&an);
    if (rc == FOUINE_OK) {
        rc = fouine_query_expr(&expr, an, NULL, query_text);
    }
    h = mix_str(h, expr);
    fouine_free(expr);
    fouine_analyzer_free(an);
    *digest = h;
    return rc;
}

/* Callback of fouine_json_parse(): digest the article, then release it
** (it is ours). */
static int digest_article(fouine_article *a, void *payload)
{
    uint64_t *h = payload;
    *h = digest_of(*h, a);
    fouine_article_clear(a);
    return 0;
}

/* Parse the JSON articles. */
static int parse_json(uint64_t *digest)
{
    fouine_skip skip = FOUINE_SKIP_COUNT;
    size_t nskipped = 0;
    char err[128];
    uint64_t h = FOUINE_HASH_INIT;
    int rc = fouine_json_parse(&skip, &nskipped, err, sizeof err, json_articles,
                               sizeof json_articles - 1, digest_article, &h);
    h = mix_size(h, nskipped);
    h = mix_str(h, err);
    *digest = h;
    return rc;
}

/* Read JSON Lines strictly: an object, then an array of two articles. */
static int read_json_strictly(uint64_t *digest)
{
    static const char lines[] =
        "{\"id\": \"a1\", \"title\": \"L’État et les hôpitaux\", "
        "\"date\": \"3 mars 2023 à 10h00\", \"section\": \"Santé\", "
        "\"body\": \"Un plan de 1,5 milliard.\\n\\nLa ministre répond.\"}\n"
        "[{\"url\": \"https://exemple.fr/b2\", \"title\": \"Grève\"},\n"
        " {\"id\": \"c3\", \"lead\": \"Sans titre.\", \"reading_time\": 2}]\n";
    uint64_t h = FOUINE_HASH_INIT;
    char *err = NULL;
    int rc = fouine_article_read_json(&err, lines, sizeof lines - 1, NULL,
                                      digest_article, &h);
    h = mix_str(h, err);
    fouine_free(err);
    *digest = h;
    return rc;
}

/* Repair text with bad bytes (a cut "é", a stray continuation byte). */
static int repair_utf8(uint64_t *digest)
{
    static const char bad[] = "Sécurit\xc3 des h\x80pitaux : l’État\xff.";
    char *out = NULL;
    size_t outlen = 0, first_bad = 0;
    uint64_t h = FOUINE_HASH_INIT;
    int rc = fouine_utf8_repair(&out, &outlen, &first_bad, bad, sizeof bad - 1);
    if (rc == FOUINE_OK) {
        h = fouine_hash64(h, out, outlen);
        h = mix_size(h, first_bad);
    }
    fouine_free(out);
    *digest = h;
    return rc;
}

static const struct {
    const char *name;
    fouine_test_oom_op op;
} ops[] = {
    { "analyzer, document", analyze_document },
    { "analyzer, query", analyze_query },
    { "analyzer, every form", analyze_words },
    { "article, site layout", parse_site },
    { "article, plain layout", parse_plain },
    { "article, untitled, impossible days", parse_untitled },
    { "articles, JSON", parse_json },
    { "articles, JSON read strictly", read_json_strictly },
    { "UTF-8 repair", repair_utf8 },
    { "query parser", parse_query },
    { "query expression", query_expr },
};

/* ---- Searches of corpus/, with one index and one analyzer for all the
** runs: a run that failed must leave both fit for the next. ---- */

static fouine_test_corpus corpus; /* corpus/ and its index */
static sqlite3 *db;
static fouine_index *search_ix; /* the same index, for the endpoints that
                                   read through the handle */
static fouine_analyzer *search_an;

/* Whether jansson allocates through the gateway (then its failures are
** injected too: a value jansson could not make must never be a key missing
** from a result).  Only for the searches and the endpoints: jansson 2.14's
** loader reports most of its own allocation failures as syntax errors
** ("invalid token"), which a JSON article's parser cannot tell from bad
** JSON. */
static int json_injected;

static void *json_alloc(size_t n)
{
    return json_injected ? fouine_malloc(n) : malloc(n);
}

static void search_setup(void)
{
    json_injected = 1;
    fouine_test_corpus_make(&corpus, "oom");
    ck_assert_int_eq(fouine_store_open(&db, corpus.index, FOUINE_STORE_READ),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_analyzer_new(&search_an), FOUINE_OK);
    ck_assert_int_eq(
        fouine_index_open(&search_ix, corpus.index, FOUINE_INDEX_READ),
        FOUINE_OK);
}

static void search_teardown(void)
{
    json_injected = 0;
    fouine_index_close(search_ix);
    search_ix = NULL;
    fouine_analyzer_free(search_an);
    sqlite3_close(db);
    fouine_test_corpus_drop(&corpus);
}

/* The digest of a JSON result but its time (with no allocation failing:
** the result is made, this is the test's own). */
static uint64_t mix_json(uint64_t h, json_t *res)
{
    char *text;
    fouine_alloc_fail_after(-1);
    json_object_del(res, "took_ms");
    text = json_dumps(res, JSON_PRESERVE_ORDER | JSON_COMPACT);
    ck_assert_ptr_nonnull(text);
    h = mix_str(h, text);
    free(text); /* json_dumps()'s */
    return h;
}

/* Search with opts; the digest is the JSON result but its time. */
static int search(uint64_t *digest, const fouine_search_options *opts)
{
    json_t *res = NULL;
    uint64_t h = FOUINE_HASH_INIT;
    int rc = fouine_test_search_json(&res, db, search_an, opts);
    if (rc == FOUINE_OK) {
        h = mix_json(h, res);
    }
    json_decref(res);
    *digest = h;
    return rc;
}

static int search_rank(uint64_t *digest)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    opts.query = query_text; /* one hit */
    opts.comments = 1;
    return search(digest, &opts);
}

/* The related articles of an article; the digest is their JSON but its
** time. */
static int related(uint64_t *digest)
{
    fouine_results *r = NULL;
    json_t *res = NULL;
    uint64_t h = FOUINE_HASH_INIT;
    int rc = fouine_related(&r, search_ix,
                            "anssi-securite-hopitaux-cyberattaques.txt", 5);
    if (rc == FOUINE_OK) {
        rc = fouine_results_json(&res, r);
    }
    if (rc == FOUINE_OK) {
        h = mix_json(h, res);
    }
    json_decref(res);
    fouine_results_free(r);
    /* The temporary table it made stays on the connection. */
    sqlite3_exec(fouine_index_db(search_ix),
                 "DROP TABLE IF EXISTS temp.fouine_vocab", NULL, NULL, NULL);
    *digest = h;
    return rc;
}

static int search_date(uint64_t *digest)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    opts.query = "l'État grève"; /* no article has both: the fallback */
    opts.sort = FOUINE_SORT_DATE;
    opts.since = "2019";
    opts.limit = 50;
    opts.snippet_chars = 400;
    return search(digest, &opts);
}

static int search_typo(uint64_t *digest)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    opts.query = "secruité hopitaux"; /* a suggestion */
    return search(digest, &opts);
}

/* The bounds of a search met: a prefix searched as a word, a phrase of
** too many stop words as its other words, an item typed twice. */
static int search_bounds(uint64_t *digest)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    opts.query = "a* présid* \"il faut que nous soyons à la hauteur de la "
                 "situation et que les élus le sachent\" grève grève";
    opts.prefix_tokens = 40;
    return search(digest, &opts);
}

/* No time: the first matches found, unranked, snippets plain. */
static int search_out_of_time(uint64_t *digest)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    opts.query = "sécurité des hôpitaux";
    opts.budget_ms = FOUINE_BUDGET_SPENT;
    return search(digest, &opts);
}

/* Groups nested and unbalanced, bytes that are not UTF-8 (echoed as
** U+FFFD), a word corrected. */
static int search_odd_bytes(uint64_t *digest)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    opts.query = "((canicule OR orages)) vignobles) \xff\xfe gouvernment";
    return search(digest, &opts);
}

/* The query parsed with the lexicon of corpus/: its words' forms. */
static int parse_with_lexicon(uint64_t *digest)
{
    fouine_lexicon *lx = NULL;
    fouine_parsed q;
    uint64_t h = FOUINE_HASH_INIT;
    size_t i;
    int rc;

    memset(&q, 0, sizeof q);
    rc = fouine_lexicon_open(&lx, db);
    if (rc == FOUINE_OK) {
        rc = fouine_parse(&q, search_an, lx, "Sécurité des hôpitaux présid*",
                          strlen("Sécurité des hôpitaux présid*"));
    }
    if (rc == FOUINE_OK) {
        h = mix_str(h, q.expr);
        h = mix_str(h, q.expr_map);
        for (i = 0; i < q.nterms; i++) {
            h = mix_str(h, q.terms[i].tokens);
            h = mix_str(h, q.terms[i].keys);
        }
    }
    fouine_parsed_clear(&q);
    fouine_lexicon_close(lx);
    *digest = h;
    return rc;
}

#ifdef FOUINE_TEST_SERVE
/* ---- fouine-serve's endpoints, on the same index and analyzer ---- */

/* The parameters of a request: name=value pairs, NULL-terminated. */
static const char *param_of(const char *name, void *payload)
{
    const char *const *kv = payload;
    for (; kv[0]; kv += 2) {
        if (strcmp(kv[0], name) == 0) {
            return kv[1];
        }
    }
    return NULL;
}

/* The digest of a reply (status, type, body); its body freed. */
static uint64_t mix_reply(fouine_serve_reply *r)
{
    uint64_t h = FOUINE_HASH_INIT;
    json_t *body;
    h = mix_size(h, r->status);
    h = mix_str(h, r->type);
    fouine_alloc_fail_after(-1);
    body = json_loadb(r->body, r->len, 0, NULL);
    ck_assert_ptr_nonnull(body);
    h = mix_json(h, body); /* took_ms aside */
    json_decref(body);
    free(r->body); /* json_dumps()'s */
    r->body = NULL;
    return h;
}

/* Run endpoint e (0 search, 1 article, 2 suggest, 3 health, 4
** categories) with the parameters kv. */
static int api(uint64_t *digest, int e, const char *const *kv)
{
    static fouine_serve_config cfg;
    fouine_serve_worker w;
    fouine_serve_params params = { param_of, (void *)(uintptr_t)kv };
    fouine_serve_reply r;
    int rc;

    memset(&w, 0, sizeof w);
    memset(&r, 0, sizeof r);
    w.ix = search_ix;
    cfg.index = corpus.index;
    rc = e == 0 ?
             fouine_serve_api_search(&r, &w, &cfg, &params) :
         e == 1 ?
             fouine_serve_api_article(&r, &w, param_of("id", params.payload)) :
         e == 2 ? fouine_serve_api_suggest(&r, &w, &params) :
         e == 3 ? fouine_serve_api_health(&r, &w, &cfg) :
                  fouine_serve_api_categories(&r, &w);
    /* The temporary table a completion made stays on the connection. */
    sqlite3_exec(db, "DROP TABLE IF EXISTS temp.fouine_vocab", NULL, NULL,
                 NULL);
    *digest = 0;
    if (rc == FOUINE_OK) {
        *digest = mix_reply(&r);
    }
    free(r.body); /* json_dumps()'s */
    return rc;
}

static int api_search(uint64_t *digest)
{
    static const char *const kv[] = { "q", "sécurité hôpitaux", "page",
                                      "1", "per_page",          "3",
                                      NULL };
    return api(digest, 0, kv);
}

static int api_article(uint64_t *digest)
{
    static const char *const kv[] = {
        "id", "anssi-securite-hopitaux-cyberattaques.txt", NULL
    };
    return api(digest, 1, kv);
}

static int api_suggest(uint64_t *digest)
{
    static const char *const kv[] = { "q", "vigilance ro", NULL };
    return api(digest, 2, kv);
}

static int api_health(uint64_t *digest)
{
    static const char *const kv[] = { NULL };
    return api(digest, 3, kv);
}

static int api_categories(uint64_t *digest)
{
    static const char *const kv[] = { NULL };
    return api(digest, 4, kv);
}

/* GET /metrics after a search and a health check were counted: its text
** whole, or FOUINE_ENOMEM. */
static int api_metrics(uint64_t *digest)
{
    static fouine_serve_config cfg;
    fouine_serve_metrics *m = NULL;
    fouine_serve_worker w;
    fouine_serve_reply r;
    int rc;

    memset(&w, 0, sizeof w);
    w.ix = search_ix;
    cfg.index = corpus.index;
    *digest = 0;
    rc = fouine_serve_metrics_new(&m);
    if (rc != FOUINE_OK) {
        return rc;
    }
    fouine_serve_metrics_count(m, FOUINE_SERVE_EP_SEARCH, 200, 0.012);
    fouine_serve_metrics_count(m, FOUINE_SERVE_EP_HEALTH, 200, 0.0004);
    rc = fouine_serve_api_metrics(&r, &w, &cfg, m);
    if (rc == FOUINE_OK) {
        uint64_t h = mix_size(FOUINE_HASH_INIT, r.status);
        *digest = mix_str(mix_str(h, r.type), r.body);
        fouine_free(r.body);
    }
    fouine_serve_metrics_free(m);
    return rc;
}
#endif

static const struct {
    const char *name;
    fouine_test_oom_op op;
} search_ops[] = {
    { "query, with the lexicon", parse_with_lexicon },
    { "search, by rank", search_rank },
    { "search, by date", search_date },
    { "search, misspelled", search_typo },
    { "search, bounds met", search_bounds },
    { "search, out of time", search_out_of_time },
    { "search, odd bytes, marked", search_odd_bytes },
    { "related articles", related },
#ifdef FOUINE_TEST_SERVE
    { "fouine-serve, /api/search", api_search },
    { "fouine-serve, /api/articles", api_article },
    { "fouine-serve, /api/suggest", api_suggest },
    { "fouine-serve, /api/health", api_health },
    { "fouine-serve, /api/categories", api_categories },
    { "fouine-serve, /metrics", api_metrics },
#endif
};

/* Run fouine_index_run() on paths into the index file name of the fixture's
** directory, with the reading and the writing threads (its messages go to
** the stderr of the test), and fold what it counted into *h. */
static int run_into(uint64_t *h,
                    const char *name,
                    const char *const *paths,
                    size_t npaths,
                    int rebuild)
{
    char index[320];
    fouine_run_options opt;
    fouine_run_stats st;
    int rc;
    snprintf(index, sizeof index, "%s/%s", corpus.dir, name);
    fouine_run_options_init(&opt);
    opt.index = index;
    opt.paths = paths;
    opt.npaths = npaths;
    opt.rebuild = rebuild;
    opt.verbose = 0;
    opt.batch = 1000;
    rc = fouine_index_run(&st, &opt);
    if (rc == FOUINE_OK) {
        *h = mix_size(*h, (size_t)st.files);
        *h = mix_size(*h, (size_t)st.files_total);
        *h = mix_size(*h, (size_t)st.indexed);
        *h = mix_size(*h, (size_t)st.updated);
        *h = mix_size(*h, (size_t)st.unchanged);
        *h = mix_size(*h, (size_t)st.removed);
        *h = mix_size(*h, (size_t)st.comments);
        *h = mix_size(*h, (size_t)fouine_run_skipped(&st));
        *h = mix_size(*h, (size_t)st.warnings);
        *h = mix_size(*h, (size_t)st.conflicts);
    }
    return rc;
}

/* Index corpus/ afresh into a new file of the fixture's directory. */
static int index_corpus(uint64_t *digest)
{
    char corpus_dir[1024];
    const char *paths[1];
    const char *src = fouine_test_dir("FOUINE_SOURCE_DIR");
    uint64_t h = FOUINE_HASH_INIT;
    int rc;
    ck_assert_ptr_nonnull(src);
    snprintf(corpus_dir, sizeof corpus_dir, "%s/corpus", src);
    paths[0] = corpus_dir;
    rc = run_into(&h, "oom.db", paths, 1, 1);
    *digest = h;
    return rc;
}

/* oom_loop() with stderr sent to a log of the fixture's directory (the
** messages of fouine_index_run()). */
static void oom_loop_logged(const char *name, fouine_test_oom_op op)
{
    char log[320];
    int saved = dup(STDERR_FILENO);
    ck_assert_int_ge(saved, 0);
    snprintf(log, sizeof log, "%s/oom.log", corpus.dir);
    ck_assert_ptr_nonnull(freopen(log, "w", stderr));
    fouine_test_oom_loop(name, op);
    fflush(stderr);
    ck_assert_int_eq(dup2(saved, STDERR_FILENO), STDERR_FILENO);
    close(saved);
}

/* Write text to the fixture's directory, at rel. */
static void put_file(const char *rel, const char *text)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", corpus.dir, rel);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

/* Ids two files give, untitled articles, a file given alone (inside the
** directory given, and outside it), then the owner of an id gone: its
** copy takes over. */
static int index_ids(uint64_t *digest)
{
    char dir[320], lone[320], outside[320], from[320], to[320];
    const char *first[3] = { dir, lone, outside };
    uint64_t h = FOUINE_HASH_INIT;
    int rc;
    snprintf(dir, sizeof dir, "%s/ids", corpus.dir);
    snprintf(lone, sizeof lone, "%s/ids/x.txt", corpus.dir);
    snprintf(outside, sizeof outside, "%s/seul.txt", corpus.dir);
    snprintf(from, sizeof from, "%s/ids/a.jsonl", corpus.dir);
    snprintf(to, sizeof to, "%s/a.jsonl.aside", corpus.dir);
    rc = run_into(&h, "oom-ids.db", first, 3, 1);
    if (rc == FOUINE_OK) {
        ck_assert_int_eq(rename(from, to), 0);
        rc = run_into(&h, "oom-ids.db", first, 1, 0);
        ck_assert_int_eq(rename(to, from), 0);
    }
    *digest = h;
    return rc;
}

START_TEST(test_oom_index_ids)
{
    char dir[320];
    snprintf(dir, sizeof dir, "%s/ids", corpus.dir);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    put_file("ids/a.jsonl",
             "{\"id\": \"dup\", \"title\": \"Le prix du lait\","
             " \"body\": \"Les éleveurs bloquent la laiterie.\"}\n"
             "{\"id\": \"d2\", \"date\": \"2023-02-30\","
             " \"body\": \"Dépêche : la préfecture lève l’alerte.\"}\n");
    put_file("ids/b.jsonl", "{\"id\": \"dup\", \"title\": \"Le prix du lait\","
                            " \"body\": \"Les éleveurs lèvent le blocus.\"}\n");
    put_file("ids/x.txt", "Canicule à Paris\r\rLes parcs restent ouverts.\r");
    put_file("ids/y.json", "{\"id\": \"x.txt\", \"title\": \"Canicule\","
                           " \"body\": \"Les fontaines coulent.\"}");
    put_file("ids/sans-titre.txt", "Le 18 avril 2018 à 09h26\n\n"
                                   "Orages : la vigilance est levée.\n");
    put_file("seul.txt", "Festival d'Avignon\n\nUne édition record.\n");
    oom_loop_logged("index, ids", index_ids);
}
END_TEST

START_TEST(test_oom_index)
{
    oom_loop_logged("index", index_corpus);
}
END_TEST

START_TEST(test_oom_search)
{
    fouine_test_oom_loop(search_ops[_i].name, search_ops[_i].op);
}
END_TEST

START_TEST(test_oom)
{
    fouine_test_oom_loop(ops[_i].name, ops[_i].op);
}
END_TEST

/* The counter and the failure point themselves. */
START_TEST(test_fail_after)
{
    void *p;
    long before = fouine_alloc_count();
    fouine_alloc_fail_after(2);
    p = fouine_malloc(8);
    ck_assert_ptr_nonnull(p);
    fouine_free(p);
    ck_assert_ptr_null(fouine_strdup("deux"));
    ck_assert_ptr_null(fouine_calloc(1, 8));
    fouine_alloc_fail_after(-1);
    p = fouine_strndup("trois", 2);
    ck_assert_str_eq(p, "tr");
    fouine_free(p);
    ck_assert_int_eq(fouine_alloc_count() - before, 4);
}
END_TEST

static Suite *oom_suite(void)
{
    Suite *s = suite_create("oom");
    TCase *tc = tcase_create("oom");
    tcase_add_test(tc, test_fail_after);
    tcase_add_loop_test(tc, test_oom, 0, (int)(sizeof ops / sizeof ops[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("search");
    tcase_add_checked_fixture(tc, search_setup, search_teardown);
    tcase_add_loop_test(tc, test_oom_search, 0,
                        (int)(sizeof search_ops / sizeof search_ops[0]));
    tcase_add_test(tc, test_oom_index);
    tcase_add_test(tc, test_oom_index_ids);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    json_set_alloc_funcs(json_alloc, fouine_free);
    return fouine_test_main(oom_suite());
}

#else

int main(void)
{
    puts("check_oom: built without FOUINE_FAULT_INJECTION: skipped");
    return 77;
}

#endif
