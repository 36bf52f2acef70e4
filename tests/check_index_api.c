/*
** check_index_api.c: the public index API (fouine/index.h): an index
** created, written in transactions, read back and searched, through the
** handle alone; its errors; and its out-of-memory paths.
*/
#include "analysis.h"
#include "indexer.h"
#include "query.h"
#include "results_json.h"
#include "testutil.h"

#include "fouine/alloc.h"
#include "fouine/fouine.h"
#include "fouine/index.h"
#include "fouine/search.h"
#include "store.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[256];
static char path[320];
static fouine_analyzer *an;

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/fouine-index-api-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/api.db", dir);
    ck_assert_int_eq(fouine_analyzer_new(&an), FOUINE_OK);
}

static void teardown(void)
{
    char cmd[320];
    fouine_analyzer_free(an);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
}

/* An article of our own strings: they stay the caller's (only read). */
typedef struct own_article {
    fouine_article a;
    fouine_comment comments[2];
    char id[64], title[256], date[32], category[64], lead[512], body[1024];
    char c0[256], c1[256];
} own_article;

static void fill(own_article *o,
                 const char *id,
                 const char *title,
                 const char *lead,
                 const char *body)
{
    memset(o, 0, sizeof *o);
    snprintf(o->id, sizeof o->id, "%s", id);
    snprintf(o->title, sizeof o->title, "%s", title);
    snprintf(o->lead, sizeof o->lead, "%s", lead);
    snprintf(o->body, sizeof o->body, "%s", body);
    snprintf(o->date, sizeof o->date, "2019-04-16T08:30:00");
    snprintf(o->category, sizeof o->category, "Société");
    o->a.id = o->id;
    o->a.title = o->title;
    o->a.lead = o->lead;
    o->a.body = o->body;
    o->a.date = o->date;
    o->a.category = o->category;
}

/* The ids of the hits of query on ix, comma-separated, in out. */
static long long search_ids(char *out,
                            size_t cap,
                            fouine_index *ix,
                            const char *query)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *res = NULL, *hit;
    size_t i, len = 0;
    long long total;
    opts.query = query;
    /* Every article: the generated ones, alike but for a number, are
    ** near-duplicates that a search would show once (check_near.c). */
    opts.no_collapse = 1;
    ck_assert_int_eq(fouine_search_json(&res, ix, &opts), FOUINE_OK);
    out[0] = '\0';
    json_array_foreach(json_object_get(res, "hits"), i, hit)
    {
        const char *id = json_string_value(json_object_get(hit, "id"));
        size_t w = strlen(id);
        ck_assert_uint_lt(len + 1 + w, cap);
        if (i) {
            out[len++] = ',';
        }
        memcpy(out + len, id, w + 1);
        len += w;
    }
    total = json_integer_value(json_object_get(res, "total"));
    json_decref(res);
    return total;
}

START_TEST(test_version)
{
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", FOUINE_VERSION_MAJOR,
             FOUINE_VERSION_MINOR, FOUINE_VERSION_PATCH);
    ck_assert_str_eq(fouine_version(), want);
    ck_assert_str_eq(fouine_version(), FOUINE_VERSION_STRING);
    ck_assert_int_eq(fouine_version_number(), FOUINE_VERSION_NUMBER);
}
END_TEST

/* Written, replaced, read back, searched with accents aside and as
** inflections (the lexicon filled by the handle), removed. */
START_TEST(test_put_get_search_remove)
{
    fouine_index *ix = NULL;
    fouine_article got;
    own_article o;
    char ids[256];
    long long n = -1;
    int replaced = -1;

    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    fill(&o, "incendie", "Incendie de Notre-Dame : la flèche s'est effondrée",
         "Les pompiers ont lutté toute la nuit contre les flammes.",
         "La cathédrale a été sauvée, selon le ministère de l'Intérieur.");
    o.comments[0].date = NULL;
    o.comments[0].body = o.c0;
    snprintf(o.c0, sizeof o.c0, "Quelle tristesse pour Paris.");
    o.a.comments = o.comments;
    o.a.ncomments = 1;
    ck_assert_int_eq(fouine_index_put(&replaced, ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(replaced, 0);
    fill(&o, "greve", "Grève à la SNCF : les syndicats maintiennent le préavis",
         "Les cheminots s'opposent à la réforme.",
         "Le trafic sera très perturbé jeudi.");
    ck_assert_int_eq(fouine_index_put(&replaced, ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(fouine_index_count(&n, ix), FOUINE_OK);
    ck_assert_int_eq(n, 2);

    /* Found as typed without accents, and by an inflection. */
    ck_assert_int_eq(search_ids(ids, sizeof ids, ix, "cathedrale"), 1);
    ck_assert_str_eq(ids, "incendie");
    ck_assert_int_eq(search_ids(ids, sizeof ids, ix, "syndicat"), 1);
    ck_assert_str_eq(ids, "greve");

    /* Read back, comments included. */
    ck_assert_int_eq(fouine_index_get(&got, ix, "incendie"), FOUINE_OK);
    ck_assert_str_eq(got.title,
                     "Incendie de Notre-Dame : la flèche s'est effondrée");
    ck_assert_str_eq(got.category, "Société");
    ck_assert_str_eq(got.date, "2019-04-16T08:30:00");
    ck_assert_ptr_null(got.url);
    ck_assert_uint_eq(got.ncomments, 1);
    ck_assert_str_eq(got.comments[0].body, "Quelle tristesse pour Paris.");
    fouine_article_clear(&got);

    /* Replaced: the old words are gone, the new ones found. */
    fill(&o, "incendie", "Notre-Dame : la reconstruction commence",
         "Un concours d'architecture est lancé.", "");
    ck_assert_int_eq(fouine_index_put(&replaced, ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(replaced, 1);
    ck_assert_int_eq(search_ids(ids, sizeof ids, ix, "flèche"), 0);
    ck_assert_int_eq(search_ids(ids, sizeof ids, ix, "reconstruction"), 1);
    ck_assert_int_eq(fouine_index_get(&got, ix, "incendie"), FOUINE_OK);
    ck_assert_uint_eq(got.ncomments, 0);
    fouine_article_clear(&got);

    /* update needs the article; remove too. */
    fill(&o, "absent", "Un article qui n'existe pas", "", "");
    ck_assert_int_eq(fouine_index_update(ix, &o.a), FOUINE_ENOTFOUND);
    fill(&o, "greve", "Grève à la SNCF : le préavis est levé", "", "");
    ck_assert_int_eq(fouine_index_update(ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(search_ids(ids, sizeof ids, ix, "levé"), 1);
    ck_assert_int_eq(fouine_index_remove(ix, "greve"), FOUINE_OK);
    ck_assert_int_eq(fouine_index_remove(ix, "greve"), FOUINE_ENOTFOUND);
    ck_assert_int_eq(fouine_index_get(&got, ix, "greve"), FOUINE_ENOTFOUND);
    fouine_article_clear(&got);
    ck_assert_int_eq(search_ids(ids, sizeof ids, ix, "sncf"), 0);
    ck_assert_int_eq(fouine_index_count(&n, ix), FOUINE_OK);
    ck_assert_int_eq(n, 1);
    fouine_index_close(ix);

    /* What was committed is there for the next reader. */
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_READ),
                     FOUINE_OK);
    ck_assert_int_eq(search_ids(ids, sizeof ids, ix, "architecture"), 1);
    ck_assert_str_eq(ids, "incendie");
    fouine_index_close(ix);
    fouine_test_assert_integrity(path);
}
END_TEST

/* A transaction rolled back (or left open at close) leaves nothing; a
** committed one is seen by readers with its words. */
START_TEST(test_transactions)
{
    fouine_index *ix = NULL, *reader = NULL;
    own_article o;
    char ids[256];
    long long n = -1;

    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_commit(ix), FOUINE_EINVAL);
    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_EINVAL);
    fill(&o, "canicule", "Canicule : vigilance rouge dans le Sud-Est",
         "Les températures dépasseront 40 degrés.", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(fouine_index_rollback(ix), FOUINE_OK);
    ck_assert_int_eq(fouine_index_count(&n, ix), FOUINE_OK);
    ck_assert_int_eq(n, 0);

    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(fouine_index_open(&reader, path, FOUINE_INDEX_READ),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_count(&n, reader), FOUINE_OK);
    ck_assert_int_eq(n, 0); /* not committed yet */
    ck_assert_int_eq(fouine_index_commit(ix), FOUINE_OK);
    ck_assert_int_eq(search_ids(ids, sizeof ids, reader, "temperature"), 1);
    ck_assert_str_eq(ids, "canicule");

    /* Left open at close: rolled back. */
    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    fill(&o, "orages", "Orages : dix départements en vigilance orange", "", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    fouine_index_close(ix);
    ck_assert_int_eq(fouine_index_count(&n, reader), FOUINE_OK);
    ck_assert_int_eq(n, 1);
    fouine_index_close(reader);
}
END_TEST

/* Bad calls and bad articles are refused with their code, and leave the
** index as it was. */
START_TEST(test_errors)
{
    fouine_index *ix = (fouine_index *)1, *ro = NULL;
    own_article o;
    char other[320];
    long long n = -1;
    FILE *f;

    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_READ),
                     FOUINE_EIO);
    ck_assert_ptr_null(ix);
    ck_assert_int_eq(fouine_index_open(&ix, path, 0x40), FOUINE_EINVAL);
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);

    fill(&o, "", "Sans identifiant", "", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_EINVAL);
    fill(&o, "latin1", "Caf\xe9 de la gare", "", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_EINVAL);
    fill(&o, "date", "Une date en lettres", "", "");
    snprintf(o.date, sizeof o.date, "18 avril 2018");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_EINVAL);
    snprintf(o.date, sizeof o.date, "2019-02-31");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_EINVAL);
    o.a.date = NULL; /* no date is fine */
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(fouine_index_remove(ix, NULL), FOUINE_EINVAL);
    ck_assert_int_eq(fouine_index_count(&n, ix), FOUINE_OK);
    ck_assert_int_eq(n, 1);

    /* A read-only handle writes nothing. */
    ck_assert_int_eq(fouine_index_open(&ro, path, FOUINE_INDEX_READ),
                     FOUINE_OK);
    fill(&o, "lecture", "Lecture seule", "", "");
    ck_assert_int_eq(fouine_index_put(NULL, ro, &o.a), FOUINE_EINVAL);
    ck_assert_int_eq(fouine_index_remove(ro, "date"), FOUINE_EINVAL);
    /* It may hold a read transaction, once at a time; writes still fail. */
    ck_assert_int_eq(fouine_index_begin(ro), FOUINE_OK);
    ck_assert_int_eq(fouine_index_begin(ro), FOUINE_EINVAL);
    ck_assert_int_eq(fouine_index_put(NULL, ro, &o.a), FOUINE_EINVAL);
    ck_assert_int_eq(fouine_index_commit(ro), FOUINE_OK);
    ck_assert_int_eq(fouine_index_commit(ro), FOUINE_EINVAL);
    fouine_index_close(ro);
    /* No error of a locked index (the server's 503 test locks one). */
    ck_assert_int_eq(fouine_index_busy(ix), 0);
    /* Mapping is for readers. */
    ck_assert_int_eq(
        fouine_index_open(&ro, path, FOUINE_INDEX_WRITE | FOUINE_INDEX_MMAP),
        FOUINE_EINVAL);
    ck_assert_ptr_null(ro);
    fouine_index_close(ix);

    /* Not an index. */
    snprintf(other, sizeof other, "%s/notes.txt", dir);
    f = fopen(other, "w");
    ck_assert_ptr_nonnull(f);
    fputs("Ceci n'est pas un index, mais des notes de rédaction.\n", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(fouine_index_open(&ix, other, FOUINE_INDEX_READ),
                     FOUINE_ESCHEMA);
    ck_assert_ptr_null(ix);
    fouine_index_close(NULL);
}
END_TEST

/* Searched through the public API: hits with their spans, a typing error
** corrected, options checked, any bytes typed answered in UTF-8. */
START_TEST(test_search)
{
    fouine_index *ix = NULL;
    fouine_results *res = NULL;
    fouine_search_options o;
    own_article a;
    char *marked = NULL;

    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    fill(&a, "retraites", "Réforme des retraites : la grève continue",
         "Les syndicats appellent à manifester jeudi.", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &a.a), FOUINE_OK);
    fill(&a, "hopital", "L'hôpital de Brest manque de médecins",
         "Les urgences ferment la nuit.", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &a.a), FOUINE_OK);

    fouine_search_options_init(&o);
    ck_assert_uint_eq(o.version, FOUINE_SEARCH_OPTIONS_VERSION);
    o.query = "greve retraite";
    ck_assert_int_eq(fouine_search(&res, ix, &o), FOUINE_OK);
    ck_assert_int_eq(res->total, 1);
    ck_assert_uint_eq(res->nhits, 1);
    ck_assert_str_eq(res->hits[0].id, "retraites");
    ck_assert_ptr_null(res->corrected);
    ck_assert_int_eq(fouine_highlight(&marked, res->hits[0].title,
                                      res->hits[0].title_spans,
                                      res->hits[0].ntitle_spans, "<", ">", 0),
                     FOUINE_OK);
    ck_assert_str_eq(marked, "Réforme des <retraites> : la <grève> continue");
    fouine_free(marked);
    fouine_results_free(res);

    /* A typing error: searched as the word the articles hold. */
    o.query = "sindicats";
    ck_assert_int_eq(fouine_search(&res, ix, &o), FOUINE_OK);
    ck_assert_int_eq(res->total, 1);
    ck_assert_str_eq(res->corrected, "syndicats");
    ck_assert_uint_eq(res->nfixes, 1);
    ck_assert_str_eq(res->fixes[0].typed, "sindicats");
    ck_assert_str_eq(res->fixes[0].corrected, "syndicats");
    fouine_results_free(res);
    o.no_correct = 1;
    ck_assert_int_eq(fouine_search(&res, ix, &o), FOUINE_OK);
    ck_assert_int_eq(res->total, 0);
    ck_assert_ptr_null(res->corrected);
    ck_assert_str_eq(res->suggestion, "syndicats");
    fouine_results_free(res);
    o.no_correct = 0;

    /* Bytes that are not UTF-8 are searched, and given back as U+FFFD. */
    o.query = "h\xf4pital";
    ck_assert_int_eq(fouine_search(&res, ix, &o), FOUINE_OK);
    ck_assert_str_eq(res->query, "h\xef\xbf\xbdpital");
    fouine_results_free(res);

    /* Options are the only errors. */
    o.query = "hôpital";
    o.since = "2019-02-31";
    ck_assert_ptr_nonnull(fouine_search_options_error(&o));
    ck_assert_int_eq(fouine_search(&res, ix, &o), FOUINE_EINVAL);
    ck_assert_ptr_null(res);
    o.since = NULL;
    o.version = FOUINE_SEARCH_OPTIONS_VERSION + 1;
    ck_assert_int_eq(fouine_search(&res, ix, &o), FOUINE_EINVAL);
    fouine_results_free(NULL);
    fouine_index_close(ix);
}
END_TEST

/* The score of the first hit of query on ix (its only hit wanted). */
static double first_score(fouine_index *ix, const char *query, const char *id)
{
    fouine_search_options o = FOUINE_SEARCH_OPTIONS_INIT;
    fouine_results *res = NULL;
    double score;
    o.query = query;
    o.budget_ms = -1;
    ck_assert_int_eq(fouine_search(&res, ix, &o), FOUINE_OK);
    ck_assert_uint_ge(res->nhits, 1);
    ck_assert_str_eq(res->hits[0].id, id);
    score = res->hits[0].score;
    fouine_results_free(res);
    return score;
}

/* Check that score is that of "grève sncf" on a handle opened afresh. */
static void assert_fresh_score(double score)
{
    fouine_index *fresh = NULL;
    ck_assert_int_eq(fouine_index_open(&fresh, path, FOUINE_INDEX_READ),
                     FOUINE_OK);
    ck_assert_double_eq(score, first_score(fresh, "grève sncf", "tgv"));
    fouine_index_close(fresh);
}

/* Write a through a handle of its own, closed after. */
static void put_apart(own_article *a)
{
    fouine_index *other = NULL;
    ck_assert_int_eq(fouine_index_open(&other, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_put(NULL, other, &a->a), FOUINE_OK);
    fouine_index_close(other);
}

/* The frequencies of the words, which a handle keeps from one search to
** the next, follow the index: after its own writes and after another
** handle's, even one that leaves as many rows and tokens, a search scores
** as on a handle opened afresh. */
START_TEST(test_frequencies_follow_writes)
{
    static const char *const titles[] = {
        "Grève à la SNCF : un TGV sur deux jeudi",
        "La grève des contrôleurs aériens perturbe Orly",
        "Grève des enseignants : les écoles fermées à Marseille",
        "Les éboueurs en grève, les poubelles s'entassent à Paris",
    };
    static const char *const others[] = {
        "Canicule : vigilance orange dans douze départements",
        "Le prix du gazole recule pour la troisième semaine",
        "Un nouveau musée ouvre ses portes à Lille",
        "Tour de France : victoire d'étape pour un Breton",
        "La Loire au plus bas depuis vingt ans",
        "Le chômage recule au deuxième trimestre",
    };
    fouine_index *ix = NULL;
    own_article a;
    double before, after;
    char id[32];
    size_t i;

    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    fill(&a, "tgv", titles[0], "Le trafic sera très perturbé.", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &a.a), FOUINE_OK);
    fill(&a, "budget", "Le budget de la ville voté en conseil",
         "La majorité l'a adopté lundi soir.", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &a.a), FOUINE_OK);
    /* Articles without grève, so that its idf is not at its floor. */
    for (i = 0; i < sizeof others / sizeof others[0]; i++) {
        snprintf(id, sizeof id, "autre-%zu", i);
        fill(&a, id, others[i], "", "");
        ck_assert_int_eq(fouine_index_put(NULL, ix, &a.a), FOUINE_OK);
    }
    before = first_score(ix, "grève sncf", "tgv");
    /* Its own writes: grève in two articles more. */
    for (i = 1; i < 3; i++) {
        snprintf(id, sizeof id, "greve-%zu", i);
        fill(&a, id, titles[i], "Un mouvement suivi, selon les syndicats.", "");
        ck_assert_int_eq(fouine_index_put(NULL, ix, &a.a), FOUINE_OK);
    }
    after = first_score(ix, "grève sncf", "tgv");
    ck_assert(fabs(after - before) > 1e-9); /* grève is commoner */
    assert_fresh_score(after);
    /* Another handle's write; then one that keeps the rows and their
    ** tokens as many: an article rewritten with grève for conseil. */
    fill(&a, "eboueurs", titles[3], "Le ramassage est arrêté.", "");
    put_apart(&a);
    before = after;
    after = first_score(ix, "grève sncf", "tgv");
    ck_assert(fabs(after - before) > 1e-9);
    assert_fresh_score(after);
    fill(&a, "budget", "Le budget de la ville voté en grève",
         "La majorité l'a adopté lundi soir.", "");
    put_apart(&a);
    before = after;
    after = first_score(ix, "grève sncf", "tgv");
    ck_assert(fabs(after - before) > 1e-9);
    assert_fresh_score(after);
    /* Searched inside a transaction that is then rolled back (as many rows
    ** and tokens, the handle's changes counted): the scores are again
    ** those before it. */
    before = after;
    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    fill(&a, "budget", "Le budget de la ville voté en conseil",
         "La majorité l'a adopté lundi soir.", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &a.a), FOUINE_OK);
    after = first_score(ix, "grève sncf", "tgv");
    ck_assert(fabs(after - before) > 1e-9);
    ck_assert_int_eq(fouine_index_rollback(ix), FOUINE_OK);
    after = first_score(ix, "grève sncf", "tgv");
    ck_assert_double_eq_tol(after, before, 1e-9);
    assert_fresh_score(after);
    /* The same write undone by ROLLBACK TO a savepoint, and a hook of the
    ** application's own on the connection: the transaction goes on, and
    ** its searches score as before the write. */
    sqlite3_rollback_hook(fouine_index_db(ix), NULL, NULL);
    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    ck_assert_int_eq(
        sqlite3_exec(fouine_index_db(ix), "SAVEPOINT avant", NULL, NULL, NULL),
        SQLITE_OK);
    ck_assert_int_eq(fouine_index_put(NULL, ix, &a.a), FOUINE_OK);
    after = first_score(ix, "grève sncf", "tgv");
    ck_assert(fabs(after - before) > 1e-9);
    ck_assert_int_eq(sqlite3_exec(fouine_index_db(ix),
                                  "ROLLBACK TO avant; RELEASE avant", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    after = first_score(ix, "grève sncf", "tgv");
    ck_assert_double_eq_tol(after, before, 1e-9);
    ck_assert_int_eq(fouine_index_commit(ix), FOUINE_OK);
    after = first_score(ix, "grève sncf", "tgv");
    ck_assert_double_eq_tol(after, before, 1e-9);
    assert_fresh_score(after);
    fouine_index_close(ix);
}
END_TEST

/* Completion through the public API: a word from its first letters,
** accents aside, as the articles write it; a phrase after other words. */
START_TEST(test_complete)
{
    fouine_index *ix = NULL;
    fouine_completions *c = NULL;
    own_article a;

    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    fill(&a, "canicule", "Canicule : vigilance rouge dans le Sud-Est",
         "L'hôpital d'Avignon déclenche son plan blanc.", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &a.a), FOUINE_OK);
    fill(&a, "orages", "Orages : vigilance orange pour dix départements",
         "Les hôpitaux se préparent.", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &a.a), FOUINE_OK);

    /* Each count is what searching the completion finds: "hôpital" finds
    ** "hôpitaux" too. */
    ck_assert_int_eq(fouine_complete(&c, ix, "hop", 10), FOUINE_OK);
    ck_assert_uint_eq(c->n, 2);
    ck_assert_str_eq(c->items[0].text, "hôpital");
    ck_assert_int_eq(c->items[0].count, 2);
    ck_assert_str_eq(c->items[1].text, "hôpitaux");
    ck_assert_int_eq(c->items[1].count, 2);
    fouine_completions_free(c);

    ck_assert_int_eq(fouine_complete(&c, ix, "vigilance ro", 10), FOUINE_OK);
    ck_assert_uint_eq(c->n, 1);
    ck_assert_str_eq(c->items[0].text, "vigilance rouge");
    ck_assert_int_eq(c->items[0].count, 1);
    fouine_completions_free(c);

    /* Nothing is being typed after a space. */
    ck_assert_int_eq(fouine_complete(&c, ix, "vigilance ", 10), FOUINE_OK);
    ck_assert_uint_eq(c->n, 0);
    fouine_completions_free(c);
    fouine_completions_free(NULL);
    fouine_index_close(ix);
}
END_TEST

/* A run over the sample articles, as fouine-index does, then searched
** through a handle; options of another version are refused. */
/* The options of a run of corpus/ into path, as fouine-index makes it
** but quiet; corpus (its path, cap bytes) and paths (one) are the
** caller's and must outlive opt. */
static void corpus_options(fouine_run_options *opt,
                           char *corpus,
                           size_t cap,
                           const char **paths)
{
    const char *src = fouine_test_dir("FOUINE_SOURCE_DIR");
    ck_assert_ptr_nonnull(src);
    snprintf(corpus, cap, "%s/corpus", src);
    paths[0] = corpus;
    fouine_run_options_init(opt);
    ck_assert_uint_eq(opt->version, FOUINE_RUN_OPTIONS_VERSION);
    ck_assert_uint_eq(opt->batch, FOUINE_RUN_BATCH);
    opt->index = path;
    opt->paths = paths;
    opt->npaths = 1;
    opt->verbose = 0;
}

START_TEST(test_run)
{
    fouine_run_options opt;
    fouine_run_stats st;
    fouine_index *ix = NULL;
    char corpus[512], ids[1024];
    const char *paths[1] = { NULL };
    long long n = -1;

    corpus_options(&opt, corpus, sizeof corpus, paths);
    ck_assert_int_eq(fouine_index_run(&st, &opt), FOUINE_OK);
    ck_assert_int_gt(st.indexed, 20);
    ck_assert_int_eq(fouine_run_skipped(&st), 0);
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_READ),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_count(&n, ix), FOUINE_OK);
    ck_assert_int_eq(n, st.indexed);
    ck_assert_int_gt(search_ids(ids, sizeof ids, ix, "securite hopitaux"), 0);
    ck_assert_ptr_nonnull(strstr(ids, "anssi-securite-hopitaux"));
    fouine_index_close(ix);

    opt.version = FOUINE_RUN_OPTIONS_VERSION + 1;
    ck_assert_int_eq(fouine_index_run(&st, &opt), FOUINE_EINVAL);
}
END_TEST

/* The words a sink gives to the lexicon: each token once, with its own
** fold and stem, in the byte order of the tokens whatever the order they
** were read in (a word read twice, once the analyzer's cache forgot it,
** is written once). */
static int collect_word(const fouine_word *w, void *payload)
{
    fouine_buf *text = payload; /* "token/fold/stem " for each word */
    fouine_buf_append(text, w->token, w->ntoken);
    fouine_buf_append(text, "/", 1);
    fouine_buf_append(text, w->fold, w->nfold);
    fouine_buf_append(text, "/", 1);
    fouine_buf_append(text, w->stem, w->nstem);
    fouine_buf_append(text, " ", 1);
    return 0;
}

static void add_word(fouine_lexsink *sink,
                     const char *token,
                     const char *fold,
                     const char *stem)
{
    fouine_word w;
    w.token = token;
    w.ntoken = strlen(token);
    w.fold = fold;
    w.nfold = strlen(fold);
    w.stem = stem;
    w.nstem = strlen(stem);
    ck_assert_int_eq(fouine_lexsink_add(sink, &w), FOUINE_OK);
}

START_TEST(test_lexicon_words)
{
    fouine_lexsink *sink = NULL, *more = NULL;
    fouine_buf c = { 0 }; /* what the sink gives; owned */

    ck_assert_int_eq(fouine_lexsink_new(&sink), FOUINE_OK);
    ck_assert_int_eq(fouine_lexsink_new(&more), FOUINE_OK);
    ck_assert_int_eq(fouine_lexsink_each(sink, collect_word, &c), FOUINE_OK);
    ck_assert_uint_eq(c.len, 0);
    add_word(sink, "grève", "greve", "grev");
    add_word(sink, "état", "etat", "etat");
    add_word(sink, "cheminots", "cheminots", "cheminot");
    add_word(more, "été", "ete", "et");
    add_word(more, "grève", "greve", "grev");
    add_word(more, "à", "a", "");
    ck_assert_int_eq(fouine_lexsink_take(sink, more), FOUINE_OK);
    ck_assert_int_eq(fouine_lexsink_each(sink, collect_word, &c), FOUINE_OK);
    ck_assert(!c.failed);
    ck_assert_str_eq(c.data, "cheminots/cheminots/cheminot grève/greve/grev "
                             "à/a/ état/etat/etat été/ete/et ");
    fouine_free(c.data);
    fouine_lexsink_free(more);
    fouine_lexsink_free(sink);
}
END_TEST

/*
** A run writes its new articles into FTS5 together, not one statement
** each: SQLite opens a savepoint for every statement that writes through a
** trigger into FTS5, and FTS5 writes its pending terms at each savepoint,
** so one statement an article made one segment an article, and merges of
** them.  Counted here: FTS5's writes of pages of article_fts (150 small
** articles: 470 one statement each, 8 together), seen through a trace on
** every connection the run opens.
*/
static int page_writes; /* by the writer's connection only */

static int count_pages(unsigned type, void *ctx, void *p, void *x)
{
    const char *sql = sqlite3_sql(p);
    (void)type;
    (void)ctx;
    (void)x;
    if (sql && strstr(sql, "INTO 'main'.'article_fts_data'(id, block)")) {
        page_writes++;
    }
    return 0;
}

static int trace_connection(sqlite3 *db,
                            char **err,
                            const sqlite3_api_routines *api)
{
    (void)err;
    (void)api;
    return sqlite3_trace_v2(db, SQLITE_TRACE_STMT, count_pages, NULL);
}

START_TEST(test_run_writes_articles_together)
{
    static const char *const leads[] = {
        "Le conseil municipal a voté le budget de la ville.",
        "Les cheminots ont reconduit la grève pour une semaine.",
        "La préfecture a déclenché la vigilance orange aux orages.",
        "Le tribunal a renvoyé le procès au mois de septembre.",
    };
    fouine_run_options opt;
    fouine_run_stats st;
    fouine_index *ix = NULL;
    char corpus[300], file[340], ids[1024];
    const char *paths[1] = { corpus };
    long long n = -1;
    int i;

    snprintf(corpus, sizeof corpus, "%s/articles", dir);
    ck_assert_int_eq(mkdir(corpus, 0755), 0);
    for (i = 0; i < 150; i++) {
        FILE *f;
        snprintf(file, sizeof file, "%s/%03d.txt", corpus, i);
        f = fopen(file, "w");
        ck_assert_ptr_nonnull(f);
        fprintf(f,
                "Dépêche numéro %d\nLe 18 avril 2018 à 09h26\n\n%s\n\n"
                "Une réunion est prévue le %d mai en mairie.\n",
                i, leads[i % 4], i % 28 + 1);
        ck_assert_int_eq(fclose(f), 0);
    }
    fouine_run_options_init(&opt);
    opt.index = path;
    opt.paths = paths;
    opt.npaths = 1;
    opt.verbose = 0;
    page_writes = 0;
    ck_assert_int_eq(sqlite3_auto_extension((void (*)(void))trace_connection),
                     SQLITE_OK);
    ck_assert_int_eq(fouine_index_run(&st, &opt), FOUINE_OK);
    ck_assert_int_eq(
        sqlite3_cancel_auto_extension((void (*)(void))trace_connection), 1);
    ck_assert_int_eq(st.indexed, 150);
    ck_assert_int_le(page_writes, 40);

    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_READ),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_count(&n, ix), FOUINE_OK);
    ck_assert_int_eq(n, 150);
    /* Every fourth article is about the strike, every fourth the storms. */
    ck_assert_int_eq(search_ids(ids, sizeof ids, ix, "greve cheminots"), 38);
    ck_assert_int_eq(search_ids(ids, sizeof ids, ix, "vigilance orages"), 37);
    fouine_index_close(ix);
    fouine_test_assert_integrity(path);
}
END_TEST

/* A reader's transaction sees one commit, whatever a writer adds
** meanwhile; a mapped reader searches as any other. */
START_TEST(test_read_transaction)
{
    fouine_index *ix = NULL, *ro = NULL;
    own_article o;
    long long n = 0;
    char ids[256];

    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    fill(&o, "greve", "Grève à la SNCF : le trafic perturbé jeudi", "", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(
        fouine_index_open(&ro, path, FOUINE_INDEX_READ | FOUINE_INDEX_MMAP),
        FOUINE_OK);
    ck_assert_int_eq(fouine_index_begin(ro), FOUINE_OK);
    ck_assert_int_eq(fouine_index_count(&n, ro), FOUINE_OK);
    ck_assert_int_eq(n, 1);
    fill(&o, "greve-suite", "Grève : le trafic reprend vendredi à la SNCF", "",
         "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(fouine_index_count(&n, ro), FOUINE_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(search_ids(ids, sizeof ids, ro, "trafic sncf"), 1);
    ck_assert_str_eq(ids, "greve");
    ck_assert_int_eq(fouine_index_commit(ro), FOUINE_OK);
    ck_assert_int_eq(fouine_index_count(&n, ro), FOUINE_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(search_ids(ids, sizeof ids, ro, "trafic sncf"), 2);
    fouine_index_close(ro);
    fouine_index_close(ix);
}
END_TEST

/* When the index last changed, noted by every commit that wrote; its
** categories, the most frequent first. */
START_TEST(test_updated_and_categories)
{
    fouine_index *ix = NULL;
    fouine_category *c = NULL;
    own_article o;
    char *when = NULL;
    size_t n = 0;
    time_t now = time(NULL);
    struct tm tm;

    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    /* A new index: no commit noted yet, so the file's time. */
    ck_assert_int_eq(fouine_index_updated(&when, ix), FOUINE_OK);
    ck_assert_ptr_nonnull(when);
    fouine_free(when);
    when = NULL;
    ck_assert_int_eq(fouine_index_categories(&c, &n, ix, 0), FOUINE_OK);
    ck_assert_ptr_null(c);
    ck_assert_uint_eq(n, 0);

    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    fill(&o, "retraites", "Réforme des retraites : ce qui change", "", "");
    snprintf(o.category, sizeof o.category, "Économie");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    fill(&o, "municipales", "Municipales : la campagne à Lyon", "", "");
    snprintf(o.category, sizeof o.category, "Politique");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    fill(&o, "europeennes", "Européennes : les listes déposées", "", "");
    snprintf(o.category, sizeof o.category, "Politique");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    fill(&o, "breve", "Une brève sans rubrique", "", "");
    o.a.category = NULL;
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(fouine_index_commit(ix), FOUINE_OK);

    ck_assert_int_eq(fouine_index_updated(&when, ix), FOUINE_OK);
    ck_assert_ptr_nonnull(when);
    /* ISO 8601 in UTC, the time of the commit (within two minutes) */
    {
        char stamp[32];
        time_t t;
        int found = 0;
        for (t = now - 120; t <= time(NULL) + 1 && !found; t++) {
            ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
            ck_assert_uint_gt(
                strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm), 0);
            found = strcmp(stamp, when) == 0;
        }
        ck_assert_msg(found, "updated is not the time of the commit: %s", when);
    }
    fouine_free(when);

    ck_assert_int_eq(fouine_index_categories(&c, &n, ix, 0), FOUINE_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(c[0].name, "Politique");
    ck_assert_int_eq(c[0].count, 2);
    ck_assert_str_eq(c[1].name, "Économie");
    ck_assert_int_eq(c[1].count, 1);
    fouine_categories_free(c, n);
    ck_assert_int_eq(fouine_index_categories(&c, &n, ix, 1), FOUINE_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(c[0].name, "Politique");
    fouine_categories_free(c, n);
    fouine_categories_free(NULL, 0);
    fouine_index_close(ix);

    /* SQLite is in use in this process now: too late to change it. */
    ck_assert_int_eq(fouine_init_threaded(), FOUINE_EINVAL);
}
END_TEST

/* The generation of an index: 0 before any commit that wrote, then one
** more for each such commit (a put of its own, a transaction of several
** writes, a removal, a run of fouine-index that changed articles), never
** for a rollback, a read, a removal of nothing, a run that changed
** nothing; a reader sees the writer's; a rebuild
** goes on from the index it replaces. */
static long long generation_of(fouine_index *ix)
{
    long long g = -1;
    ck_assert_int_eq(fouine_index_generation(&g, ix), FOUINE_OK);
    return g;
}

START_TEST(test_generation)
{
    fouine_run_options opt;
    fouine_run_stats st;
    fouine_index *ix = NULL, *ro = NULL;
    own_article o;
    char corpus[512];
    const char *paths[1] = { NULL };
    long long g;

    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_open(&ro, path, FOUINE_INDEX_READ),
                     FOUINE_OK);
    ck_assert_int_eq(generation_of(ix), 0);
    ck_assert_int_eq(generation_of(ro), 0);

    fill(&o, "tempete", "La tempête Ciara frappe la Bretagne",
         "Des rafales à 150 km/h ont été relevées à Brest.", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(generation_of(ix), 1);
    ck_assert_int_eq(generation_of(ro), 1);

    /* Two writes in one transaction: one commit, one more. */
    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    fill(&o, "crues", "Crues : la Seine déborde à Paris", "", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    fill(&o, "tempete", "La tempête Ciara frappe la Bretagne et la Normandie",
         "", "");
    ck_assert_int_eq(fouine_index_update(ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(fouine_index_commit(ix), FOUINE_OK);
    ck_assert_int_eq(generation_of(ro), 2);

    /* A transaction rolled back, one that wrote nothing, a read. */
    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    fill(&o, "annulee", "Une dépêche annulée", "", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(fouine_index_rollback(ix), FOUINE_OK);
    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    ck_assert_int_eq(fouine_index_commit(ix), FOUINE_OK);
    ck_assert_int_eq(fouine_index_remove(ix, "inconnue"), FOUINE_ENOTFOUND);
    ck_assert_int_eq(fouine_index_begin(ro), FOUINE_OK);
    ck_assert_int_eq(fouine_index_commit(ro), FOUINE_OK);
    ck_assert_int_eq(generation_of(ro), 2);

    ck_assert_int_eq(fouine_index_remove(ix, "crues"), FOUINE_OK);
    ck_assert_int_eq(generation_of(ro), 3);

    /* An index written before generations were noted: 0, then 1. */
    ck_assert_int_eq(sqlite3_exec(fouine_index_db(ix),
                                  "DELETE FROM meta WHERE key = 'generation'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(generation_of(ro), 0);
    fill(&o, "crues", "Crues : la Seine redescend", "", "");
    ck_assert_int_eq(fouine_index_put(NULL, ix, &o.a), FOUINE_OK);
    ck_assert_int_eq(generation_of(ro), 1);
    fouine_index_close(ix);

    /* A run of fouine-index commits its articles: the generation grows. */
    corpus_options(&opt, corpus, sizeof corpus, paths);
    ck_assert_int_eq(fouine_index_run(&st, &opt), FOUINE_OK);
    ck_assert_int_gt(st.indexed, 20);
    g = generation_of(ro);
    ck_assert_int_gt(g, 1);
    /* The same files again: nothing changed, nothing noted. */
    ck_assert_int_eq(fouine_index_run(&st, &opt), FOUINE_OK);
    ck_assert_int_eq(st.indexed + st.updated + st.removed, 0);
    ck_assert_int_eq(generation_of(ro), g);
    /* A rebuild, made in a new file, goes on from it: one commit more. */
    opt.rebuild = 1;
    ck_assert_int_eq(fouine_index_run(&st, &opt), FOUINE_OK);
    ck_assert_int_gt(st.indexed, 20);
    ck_assert_int_eq(generation_of(ro), g + 1);
    fouine_index_close(ro);
}
END_TEST

/* What fouine_extract() says of a file, in order. */
typedef struct seen {
    char log[2048];
    int stop_at; /* stop at the n-th event (0: never) */
    int n;
} seen;

static int note_event(const fouine_extract_event *ev, void *payload)
{
    seen *w = payload;
    size_t len = strlen(w->log);
    const char *what = ev->kind == FOUINE_EXTRACT_FILE    ? "file" :
                       ev->kind == FOUINE_EXTRACT_ARTICLE ? "article" :
                       ev->kind == FOUINE_EXTRACT_WARNING ? "warning" :
                                                            "skip";
    const char *text =
        ev->kind == FOUINE_EXTRACT_ARTICLE ? ev->article->title :
        ev->kind == FOUINE_EXTRACT_SKIP    ? fouine_skip_name(ev->skip) :
                                             ev->text;
    snprintf(w->log + len, sizeof w->log - len, "%s:%ld:%s\n", what, ev->line,
             text ? text : "");
    return ++w->n == w->stop_at ? 42 : 0;
}

START_TEST(test_extract)
{
    char file[400];
    seen w;
    FILE *f;

    snprintf(file, sizeof file, "%s/depeches.jsonl", dir);
    f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{\"id\": \"a1\", \"title\": \"Incendie de Notre-Dame : l'émotion"
          " du monde entier\", \"body\": \"La flèche s'est effondrée.\"}\n"
          "{\"id\": \"a2\", \"title\": \"Coupure\"\n"
          "\n"
          "{\"id\": \"a3\", \"title\": \"Caf\xe9 de la gare\", \"body\": "
          "\"Un texte.\"}\n",
          f);
    ck_assert_int_eq(fclose(f), 0);
    memset(&w, 0, sizeof w);
    ck_assert_int_eq(fouine_extract(file, 0, note_event, &w), FOUINE_OK);
    ck_assert_str_eq(w.log,
                     "file:0:jsonl\n"
                     "article:1:Incendie de Notre-Dame : l'émotion du monde "
                     "entier\n"
                     "skip:2:bad JSON\n"
                     "warning:4:invalid UTF-8 at byte offset 26, replaced by "
                     "U+FFFD\n"
                     "article:4:Caf\xef\xbf\xbd de la gare\n");
    /* The callback stops it: its value comes back. */
    memset(&w, 0, sizeof w);
    w.stop_at = 2;
    ck_assert_int_eq(fouine_extract(file, 0, note_event, &w), 42);
    ck_assert_int_eq(w.n, 2);
    /* A file that is not there is skipped, a directory refused. */
    snprintf(file, sizeof file, "%s/absent.txt", dir);
    memset(&w, 0, sizeof w);
    ck_assert_int_eq(fouine_extract(file, 0, note_event, &w), FOUINE_OK);
    ck_assert_str_eq(w.log, "skip:0:missing\n");
    memset(&w, 0, sizeof w);
    ck_assert_int_eq(fouine_extract(dir, 0, note_event, &w), FOUINE_EINVAL);
    ck_assert_str_eq(w.log, "");
}
END_TEST

#ifdef FOUINE_FAULT_INJECTION
/* Open, put two articles (one with a comment), read one back and close:
** under every allocation failure, FOUINE_ENOMEM or the same result. */
static int oom_put_get(uint64_t *digest)
{
    fouine_index *ix = NULL;
    fouine_article got;
    own_article o;
    int rc;

    {
        char side[340];
        unlink(path);
        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
    }
    rc = fouine_index_open(&ix, path, FOUINE_INDEX_WRITE);
    if (rc == FOUINE_OK) {
        rc = fouine_index_begin(ix);
    }
    if (rc == FOUINE_OK) {
        fill(&o, "municipales", "Municipales : la campagne est lancée à Lyon",
             "Les candidats présentent leurs listes.", "");
        o.comments[0].body = o.c0;
        snprintf(o.c0, sizeof o.c0, "Enfin !");
        o.a.comments = o.comments;
        o.a.ncomments = 1;
        rc = fouine_index_put(NULL, ix, &o.a);
    }
    if (rc == FOUINE_OK) {
        fill(&o, "budget", "Budget : l'Assemblée adopte la loi de finances", "",
             "");
        rc = fouine_index_put(NULL, ix, &o.a);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_index_commit(ix);
    }
    memset(&got, 0, sizeof got);
    if (rc == FOUINE_OK) {
        rc = fouine_index_get(&got, ix, "municipales");
    }
    if (rc == FOUINE_OK) {
        *digest =
            fouine_hash64(FOUINE_HASH_INIT, got.title, strlen(got.title)) ^
            got.ncomments;
    }
    fouine_article_clear(&got);
    fouine_index_close(ix);
    return rc;
}

/* Digest of what fouine_extract() says (fouine_extract_cb). */
static int digest_event(const fouine_extract_event *ev, void *payload)
{
    uint64_t *h = payload;
    const char *text =
        ev->kind == FOUINE_EXTRACT_ARTICLE ? ev->article->title : ev->text;
    *h = fouine_hash64(*h, (const char *)&ev->kind, sizeof ev->kind);
    if (text) {
        *h = fouine_hash64(*h, text, strlen(text));
    }
    return 0;
}

/* The index of oom_put_get(), read: its categories and when it changed,
** then a .jsonl file extracted. */
static int oom_read(uint64_t *digest)
{
    fouine_index *ix = NULL;
    fouine_category *c = NULL;
    char *when = NULL, file[400];
    uint64_t h = FOUINE_HASH_INIT;
    size_t n = 0, i;
    FILE *f;
    int rc;

    snprintf(file, sizeof file, "%s/oom.jsonl", dir);
    f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{\"id\": \"x\", \"title\": \"Tempête Miguel : vigilance orange\"}\n"
          "pas du JSON\n",
          f);
    ck_assert_int_eq(fclose(f), 0);
    rc = fouine_index_open(&ix, path, FOUINE_INDEX_READ);
    if (rc == FOUINE_OK) {
        rc = fouine_index_categories(&c, &n, ix, 0);
    }
    for (i = 0; rc == FOUINE_OK && i < n; i++) {
        h = fouine_hash64(h, c[i].name, strlen(c[i].name)) ^
            (uint64_t)c[i].count;
    }
    if (rc == FOUINE_OK) {
        rc = fouine_index_updated(&when, ix);
    }
    if (rc == FOUINE_OK) {
        h ^= when != NULL; /* its value moves with the clock */
        rc = fouine_extract(file, 0, digest_event, &h);
    }
    fouine_free(when);
    fouine_categories_free(c, n);
    fouine_index_close(ix);
    *digest = h;
    return rc;
}

START_TEST(test_oom)
{
    uint64_t digest = 0;
    fouine_test_oom_loop("index put/get", oom_put_get);
    /* oom_put_get() left its index: read it with every allocation
    ** failing in turn. */
    ck_assert_int_eq(oom_put_get(&digest), FOUINE_OK);
    fouine_test_oom_loop("index categories, updated, extract", oom_read);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("index_api");
    TCase *tc = tcase_create("api");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_put_get_search_remove);
    tcase_add_test(tc, test_transactions);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_run);
    tcase_add_test(tc, test_search);
    tcase_add_test(tc, test_frequencies_follow_writes);
    tcase_add_test(tc, test_complete);
    tcase_add_test(tc, test_lexicon_words);
    tcase_add_test(tc, test_run_writes_articles_together);
    tcase_add_test(tc, test_read_transaction);
    tcase_add_test(tc, test_updated_and_categories);
    tcase_add_test(tc, test_generation);
    tcase_add_test(tc, test_extract);
#ifdef FOUINE_FAULT_INJECTION
    tcase_add_test(tc, test_oom);
#endif
    suite_add_tcase(s, tc);
    return fouine_test_main(s);
}
