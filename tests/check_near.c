/*
** check_near.c: wire-story duplicates (lib/store/near.c): an article and
** its edited copy grouped, two articles on one subject not; groups kept
** right when articles change or go, and when an article bridges two
** groups (in one commit or across commits); searches collapsing a group to its
** best-ranked member, or not; an index of schema 4 migrated.
*/
#include "indexer.h"
#include "testutil.h"

#include "fouine/index.h"
#include "fouine/search.h"
#include "store.h"

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];
static char path[320];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/fouine-near-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/near.db", dir);
}

static void teardown(void)
{
    char cmd[320];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 0);
}

/* An AFP-style story, and the same story as another site ran it: a word
** of the title changed, the last paragraph dropped, a sentence reworded. */
static const char greve_title[] =
    "Grève à la SNCF : le trafic très perturbé mardi en Île-de-France";
static const char greve_lead[] =
    "Le trafic sera très perturbé mardi sur les lignes du RER et des "
    "trains de banlieue, à l'appel de quatre syndicats de cheminots qui "
    "contestent la réforme du statut.";
static const char greve_body[] =
    "Selon la direction de la SNCF, un train sur trois circulera en moyenne "
    "sur les lignes Transilien, et un RER sur deux sur les lignes A et B, "
    "dont l'exploitation est partagée avec la RATP.\n\n"
    "Les syndicats CGT-Cheminots, Unsa, SUD-Rail et CFDT ont appelé à une "
    "grève reconductible, la première d'une série de trente-six jours "
    "étalés jusqu'à la fin du mois de juin.\n\n"
    "Le gouvernement, qui entend faire adopter la réforme par ordonnances "
    "avant l'été, a répété lundi qu'il ne reviendrait pas sur la fin de "
    "l'embauche au statut des nouveaux cheminots.\n\n"
    "La direction conseille aux voyageurs de reporter leurs déplacements "
    "ou de privilégier le covoiturage, et rappelle que les billets des "
    "trains supprimés seront remboursés sans frais.";
static const char copie_title[] =
    "Grève à la SNCF : le trafic fortement perturbé mardi en Île-de-France";
static const char copie_body[] =
    "Selon la direction de la SNCF, un train sur trois circulera en moyenne "
    "sur les lignes Transilien, et un RER sur deux sur les lignes A et B, "
    "dont l'exploitation est partagée avec la RATP.\n\n"
    "Les syndicats CGT-Cheminots, Unsa, SUD-Rail et CFDT ont appelé à une "
    "grève reconductible, la première d'une série de trente-six jours "
    "répartis jusqu'à la fin du mois de juin.\n\n"
    "Le gouvernement, qui entend faire adopter la réforme par ordonnances "
    "avant l'été, a répété lundi qu'il ne reviendrait pas sur la fin de "
    "l'embauche au statut des nouveaux cheminots.";
/* The same strike, another story. */
static const char autre_title[] =
    "Grève SNCF : les usagers du RER B excédés après une matinée de chaos";
static const char autre_lead[] =
    "Quais bondés, trains supprimés au dernier moment : les voyageurs de "
    "la ligne B ont vécu mardi matin une nouvelle journée difficile, au "
    "premier jour de la grève des cheminots.";
static const char autre_body[] =
    "« Je mets deux heures pour venir de Mitry, c'est la troisième fois ce "
    "mois-ci », soupire Nadia, infirmière, sur le quai de la gare du Nord.\n\n"
    "Des agents en gilet orange orientaient les voyageurs vers les bus de "
    "substitution, pris d'assaut dès six heures.\n\n"
    "Les associations d'usagers réclament un service minimum garanti et "
    "l'indemnisation des abonnés du passe Navigo pour les jours de grève.";

/* Put an article of category (or NULL) into ix. */
static void put_in(fouine_index *ix,
                   const char *id,
                   const char *title,
                   const char *lead,
                   const char *body,
                   const char *date,
                   const char *category)
{
    fouine_article a;
    memset(&a, 0, sizeof a);
    a.id = strdup(id);
    a.title = strdup(title);
    a.lead = strdup(lead);
    a.body = strdup(body);
    a.date = strdup(date);
    a.category = category ? strdup(category) : NULL;
    ck_assert(a.id && a.title && a.lead && a.body && a.date);
    ck_assert(!category || a.category);
    ck_assert_int_eq(fouine_index_put(NULL, ix, &a), FOUINE_OK);
    free(a.id);
    free(a.title);
    free(a.lead);
    free(a.body);
    free(a.date);
    free(a.category);
}

static void put(fouine_index *ix,
                const char *id,
                const char *title,
                const char *lead,
                const char *body,
                const char *date)
{
    put_in(ix, id, title, lead, body, date, NULL);
}

/* The rowid of the article id. */
static sqlite3_int64 rowid_of(fouine_index *ix, const char *id)
{
    sqlite3_stmt *s = NULL;
    sqlite3_int64 r = 0;
    ck_assert_int_eq(
        sqlite3_prepare_v2(fouine_index_db(ix),
                           "SELECT rowid FROM article WHERE id = ?1", -1, &s,
                           NULL),
        SQLITE_OK);
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        r = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    ck_assert_msg(r != 0, "article %s not found", id);
    return r;
}

static int same(fouine_index *ix, const char *a, const char *b)
{
    int yes = -1;
    ck_assert_int_eq(fouine_near_same(&yes, fouine_index_db(ix),
                                      rowid_of(ix, a), rowid_of(ix, b)),
                     FOUINE_OK);
    return yes;
}

static void put_three(fouine_index *ix)
{
    put(ix, "afp/greve.json", greve_title, greve_lead, greve_body,
        "2018-04-03T06:00:00");
    put(ix, "autre/greve-rer-b.json", autre_title, autre_lead, autre_body,
        "2018-04-03T09:00:00");
    put(ix, "site/greve-copie.json", copie_title, greve_lead, copie_body,
        "2018-04-03T07:30:00");
}

START_TEST(copy_grouped_other_not)
{
    fouine_index *ix = NULL;
    sqlite3_int64 g = 0;
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    put_three(ix);
    ck_assert_int_eq(same(ix, "afp/greve.json", "site/greve-copie.json"), 1);
    ck_assert_int_eq(same(ix, "afp/greve.json", "autre/greve-rer-b.json"), 0);
    ck_assert_int_eq(
        same(ix, "site/greve-copie.json", "autre/greve-rer-b.json"), 0);
    /* The group is the oldest member's rowid. */
    ck_assert_int_eq(fouine_near_group(&g, fouine_index_db(ix),
                                       rowid_of(ix, "site/greve-copie.json")),
                     FOUINE_OK);
    ck_assert_int_eq(g, rowid_of(ix, "afp/greve.json"));
    fouine_index_close(ix);
}
END_TEST

START_TEST(delete_and_update)
{
    fouine_index *ix = NULL;
    sqlite3_int64 g = 0;
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    put_three(ix);
    put(ix, "site2/greve.json", greve_title, greve_lead, copie_body,
        "2018-04-03T08:00:00");
    ck_assert_int_eq(same(ix, "site2/greve.json", "site/greve-copie.json"), 1);
    /* The original goes: its copies stay one group, of the oldest left. */
    ck_assert_int_eq(fouine_index_remove(ix, "afp/greve.json"), FOUINE_OK);
    ck_assert_int_eq(same(ix, "site2/greve.json", "site/greve-copie.json"), 1);
    ck_assert_int_eq(fouine_near_group(&g, fouine_index_db(ix),
                                       rowid_of(ix, "site2/greve.json")),
                     FOUINE_OK);
    ck_assert_int_eq(g, rowid_of(ix, "site/greve-copie.json"));
    /* A copy rewritten into another story leaves the group... */
    put(ix, "site2/greve.json", autre_title, autre_lead, autre_body,
        "2018-04-03T08:00:00");
    ck_assert_int_eq(same(ix, "site2/greve.json", "site/greve-copie.json"), 0);
    ck_assert_int_eq(same(ix, "site2/greve.json", "autre/greve-rer-b.json"), 1);
    /* ... and comes back when it is the copy again. */
    put(ix, "site2/greve.json", greve_title, greve_lead, greve_body,
        "2018-04-03T08:00:00");
    ck_assert_int_eq(same(ix, "site2/greve.json", "site/greve-copie.json"), 1);
    ck_assert_int_eq(same(ix, "site2/greve.json", "autre/greve-rer-b.json"), 0);
    fouine_index_close(ix);
}
END_TEST

/* Search q; the ids of the hits, comma-separated, into out; the total. */
static long long ids(char *out,
                     size_t cap,
                     long long *dups,
                     fouine_index *ix,
                     const char *q,
                     int no_collapse)
{
    fouine_search_options o = FOUINE_SEARCH_OPTIONS_INIT;
    fouine_results *r = NULL;
    long long total;
    size_t i;
    o.query = q;
    o.no_collapse = no_collapse;
    ck_assert_int_eq(fouine_search(&r, ix, &o), FOUINE_OK);
    out[0] = '\0';
    *dups = 0;
    for (i = 0; i < r->nhits; i++) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s", i ? "," : "", r->hits[i].id);
        *dups += r->hits[i].duplicates;
        if (r->hits[i].duplicates == 1) {
            ck_assert_uint_eq(r->hits[i].nduplicate_ids, 1);
        }
    }
    total = r->total;
    fouine_results_free(r);
    return total;
}

START_TEST(search_collapses)
{
    fouine_index *ix = NULL;
    long long dups = 0;
    char got[512];
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    put_three(ix);
    /* Both stories hold "grève cheminots": three articles, two groups. */
    ck_assert_int_eq(ids(got, sizeof got, &dups, ix, "grève cheminots", 0), 2);
    ck_assert_msg(strstr(got, "autre/greve-rer-b.json") != NULL, "%s", got);
    ck_assert_msg((strstr(got, "afp/greve.json") != NULL) !=
                      (strstr(got, "site/greve-copie.json") != NULL),
                  "one of the copies only: %s", got);
    ck_assert_int_eq(dups, 1);
    ck_assert_int_eq(ids(got, sizeof got, &dups, ix, "grève cheminots", 1), 3);
    ck_assert_msg(strstr(got, "afp/greve.json") &&
                      strstr(got, "site/greve-copie.json"),
                  "%s", got);
    ck_assert_int_eq(dups, 2); /* each copy names the other */
    /* The best-ranked member: the copy's title has "fortement". */
    ck_assert_int_eq(ids(got, sizeof got, &dups, ix, "fortement perturbé", 0),
                     1);
    ck_assert_str_eq(got, "site/greve-copie.json");
    ck_assert_int_eq(dups, 1);
    fouine_index_close(ix);
}
END_TEST

/* A completion is counted as a search of it counts: a group of copies
** once, the total that choosing it shows (fouine-serve's /api/suggest). */
START_TEST(completions_count_groups)
{
    static const struct {
        const char *typed, *text;
        long long count, articles;
    } cases[] = {
        { "chemin", "cheminots", 2, 3 },
        { "syndicats de chem", "syndicats de cheminots", 1, 2 },
    };
    fouine_index *ix = NULL;
    fouine_completions *c = NULL;
    long long dups = 0;
    char got[512];
    size_t i;
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    put_three(ix);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(fouine_complete(&c, ix, cases[i].typed, 10),
                         FOUINE_OK);
        ck_assert_uint_ge(c->n, 1);
        ck_assert_str_eq(c->items[0].text, cases[i].text);
        ck_assert_int_eq(c->items[0].count, cases[i].count);
        ck_assert_int_eq(ids(got, sizeof got, &dups, ix, cases[i].text, 0),
                         cases[i].count);
        ck_assert_int_eq(ids(got, sizeof got, &dups, ix, cases[i].text, 1),
                         cases[i].articles);
        fouine_completions_free(c);
        c = NULL;
    }
    fouine_index_close(ix);
}
END_TEST

/* The collapsed total follows the index as it changes, in the writer's
** connection and in a reader's opened before the changes: a copy coming,
** its group's oldest member going (the copy leads it then), another copy
** joining that group. */
START_TEST(count_follows_changes)
{
    fouine_index *ix = NULL, *rd = NULL;
    long long dups = 0;
    char got[512];
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    put(ix, "afp/greve.json", greve_title, greve_lead, greve_body,
        "2018-04-03T06:00:00");
    put(ix, "autre/greve-rer-b.json", autre_title, autre_lead, autre_body,
        "2018-04-03T09:00:00");
    ck_assert_int_eq(fouine_index_open(&rd, path, 0), FOUINE_OK);
    ck_assert_int_eq(ids(got, sizeof got, &dups, rd, "grève cheminots", 0), 2);
    ck_assert_int_eq(dups, 0);
    put(ix, "site/greve-copie.json", copie_title, greve_lead, copie_body,
        "2018-04-03T07:30:00");
    ck_assert_int_eq(ids(got, sizeof got, &dups, rd, "grève cheminots", 0), 2);
    ck_assert_int_eq(dups, 1);
    ck_assert_int_eq(ids(got, sizeof got, &dups, rd, "grève cheminots", 1), 3);
    ck_assert_int_eq(ids(got, sizeof got, &dups, ix, "grève cheminots", 0), 2);
    ck_assert_int_eq(fouine_index_remove(ix, "afp/greve.json"), FOUINE_OK);
    ck_assert_int_eq(ids(got, sizeof got, &dups, rd, "grève cheminots", 0), 2);
    ck_assert_int_eq(dups, 0);
    ck_assert_int_eq(ids(got, sizeof got, &dups, ix, "grève cheminots", 1), 2);
    put(ix, "autre/greve-copie-2.json", copie_title, greve_lead, copie_body,
        "2018-04-03T08:00:00");
    ck_assert_int_eq(ids(got, sizeof got, &dups, rd, "grève cheminots", 0), 2);
    ck_assert_int_eq(dups, 1);
    ck_assert_int_eq(ids(got, sizeof got, &dups, rd, "grève cheminots", 1), 3);
    ck_assert_int_eq(ids(got, sizeof got, &dups, ix, "grève cheminots", 0), 2);
    fouine_index_close(rd);
    fouine_index_close(ix);
}
END_TEST

/* Pages count groups: page 2 of one hit a page is the other story, not
** the second copy of the first. */
START_TEST(pages_of_groups)
{
    fouine_index *ix = NULL;
    fouine_search_options o = FOUINE_SEARCH_OPTIONS_INIT;
    fouine_results *first = NULL, *second = NULL;
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    put_three(ix);
    o.query = "grève cheminots";
    o.limit = 1;
    ck_assert_int_eq(fouine_search(&first, ix, &o), FOUINE_OK);
    o.offset = 1;
    ck_assert_int_eq(fouine_search(&second, ix, &o), FOUINE_OK);
    ck_assert_int_eq(first->total, 2);
    ck_assert_int_eq(second->total, 2);
    ck_assert_uint_eq(first->nhits, 1);
    ck_assert_uint_eq(second->nhits, 1);
    ck_assert_int_eq(first->hits[0].duplicates + second->hits[0].duplicates, 1);
    ck_assert_msg(strcmp(first->hits[0].id, "autre/greve-rer-b.json") == 0 ||
                      strcmp(second->hits[0].id, "autre/greve-rer-b.json") == 0,
                  "%s then %s", first->hits[0].id, second->hits[0].id);
    o.offset = 2;
    fouine_results_free(second);
    ck_assert_int_eq(fouine_search(&second, ix, &o), FOUINE_OK);
    ck_assert_uint_eq(second->nhits, 0);
    fouine_results_free(first);
    fouine_results_free(second);
    fouine_index_close(ix);
}
END_TEST

/* Three other strikes, one story each. */
static const struct {
    const char *id, *title, *body, *date, *category;
} strikes[] = {
    { "afp/air-france.json",
      "Air France : les pilotes en grève pour leurs salaires",
      "Le syndicat des pilotes a confirmé la grève de samedi : la compagnie "
      "prévoit d'annuler un vol long-courrier sur quatre au départ de "
      "Roissy.",
      "2018-04-02T08:00:00", "Économie" },
    { "afp/enseignants.json",
      "Éducation : les enseignants appelés à la grève jeudi",
      "Les syndicats d'enseignants protestent contre la suppression de "
      "postes dans les collèges ; un professeur sur trois serait absent.",
      "2018-04-02T11:00:00", "Société" },
    { "afp/raffineries.json",
      "Raffineries : la grève menace l'approvisionnement des stations",
      "Trois raffineries sur huit sont à l'arrêt, et la CGT appelle à "
      "reconduire le mouvement jusqu'à la fin de la semaine.",
      "2018-04-01T16:00:00", "economie" },
};

/* The ids of the hits of o in ix, in order, with the total, as the
** fast path gives them or (exhaustive) with every match ranked. */
static void page_ids(char *out,
                     size_t size,
                     long long *total,
                     fouine_index *ix,
                     const fouine_search_options *o,
                     int exhaustive)
{
    fouine_results *r = NULL;
    size_t i, at = 0;
    if (exhaustive) {
        ck_assert_int_eq(setenv("FOUINE_SEARCH_EXHAUSTIVE", "1", 1), 0);
    }
    ck_assert_int_eq(fouine_search(&r, ix, o), FOUINE_OK);
    ck_assert_int_eq(unsetenv("FOUINE_SEARCH_EXHAUSTIVE"), 0);
    out[0] = '\0';
    for (i = 0; i < r->nhits; i++) {
        int n =
            snprintf(out + at, size - at, "%s%s", i ? " " : "", r->hits[i].id);
        ck_assert(n > 0 && (size_t)n < size - at);
        at += (size_t)n;
    }
    *total = r->total;
    fouine_results_free(r);
}

/* Sorted by date or filtered by dates and category, the pages are those
** of the exhaustive path, which ranks and joins every match: here the
** newest day holds five copies of one story (one group), which the
** first page by date cannot fill alone. */
START_TEST(dated_pages_exact)
{
    static const char *const sinces[] = { NULL, "2018-04-02", "2018-04" };
    static const char *const cats[] = { NULL, "economie", "Société" };
    fouine_index *ix = NULL;
    fouine_search_options o = FOUINE_SEARCH_OPTIONS_INIT;
    char fast[1024], slow[1024], id[64], date[32];
    long long tfast = 0, tslow = 0;
    size_t i;
    int sort, si, ci, limit, offset, collapse;

    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    put_in(ix, "afp/greve.json", greve_title, greve_lead, greve_body,
           "2018-04-05T06:00:00", "Économie");
    for (i = 1; i <= 4; i++) {
        snprintf(id, sizeof id, "site-%zu/greve-copie.json", i);
        snprintf(date, sizeof date, "2018-04-05T%02zu:00:00", 6 + i);
        put_in(ix, id, copie_title, greve_lead, copie_body, date, "Économie");
    }
    put_in(ix, "autre/greve-rer-b.json", autre_title, autre_lead, autre_body,
           "2018-04-04T09:00:00", "Société");
    for (i = 0; i < sizeof strikes / sizeof strikes[0]; i++) {
        put_in(ix, strikes[i].id, strikes[i].title, "", strikes[i].body,
               strikes[i].date, strikes[i].category);
    }
    o.query = "grève";
    /* The newest copy leads its group by date; the other story next. */
    o.sort = FOUINE_SORT_DATE;
    o.limit = 2;
    page_ids(fast, sizeof fast, &tfast, ix, &o, 0);
    ck_assert_str_eq(fast, "site-4/greve-copie.json autre/greve-rer-b.json");
    ck_assert_int_eq(tfast, 5);
    for (sort = 0; sort < 2; sort++) {
        for (si = 0; si < 3; si++) {
            for (ci = 0; ci < 3; ci++) {
                for (collapse = 0; collapse < 2; collapse++) {
                    for (limit = 1; limit <= 3; limit++) {
                        for (offset = 0; offset <= 6; offset++) {
                            o.sort = sort ? FOUINE_SORT_DATE : FOUINE_SORT_RANK;
                            o.since = sinces[si];
                            o.category = cats[ci];
                            o.no_collapse = !collapse;
                            o.limit = limit;
                            o.offset = offset;
                            page_ids(fast, sizeof fast, &tfast, ix, &o, 0);
                            page_ids(slow, sizeof slow, &tslow, ix, &o, 1);
                            ck_assert_msg(
                                strcmp(fast, slow) == 0 && tfast == tslow,
                                "sort %d since %s category %s"
                                " collapse %d limit %d offset %d:"
                                " %s (%lld) against %s (%lld)",
                                sort, o.since ? o.since : "-",
                                o.category ? o.category : "-", collapse, limit,
                                offset, fast, tfast, slow, tslow);
                        }
                    }
                }
            }
        }
    }
    /* The filters in C fold the category as SQL does: "economie" finds
    ** "Économie" and "economie". */
    o.sort = FOUINE_SORT_RANK;
    o.since = NULL;
    o.category = "economie";
    o.no_collapse = 1;
    o.limit = 10;
    o.offset = 0;
    page_ids(fast, sizeof fast, &tfast, ix, &o, 0);
    ck_assert_int_eq(tfast, 7);
    ck_assert_msg(strstr(fast, "afp/raffineries.json") &&
                      strstr(fast, "afp/air-france.json") &&
                      !strstr(fast, "autre/greve-rer-b.json"),
                  "%s", fast);
    fouine_index_close(ix);
}
END_TEST

START_TEST(migrate_from_4)
{
    fouine_index *ix = NULL;
    sqlite3 *db = NULL;
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    put_three(ix);
    fouine_index_close(ix);
    /* Back to what version 4 held. */
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db,
                                  "DROP TRIGGER near_ai; DROP TRIGGER near_au;"
                                  " DROP TRIGGER near_ad; DROP TABLE near_todo;"
                                  " DROP TABLE near_band; DROP TABLE near;"
                                  " DROP INDEX article_category_date;"
                                  " PRAGMA user_version=4",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    /* Readers refuse it; a writer brings it to 5 and its first commit
    ** fingerprints the articles. */
    ck_assert_int_eq(fouine_index_open(&ix, path, 0), FOUINE_ESCHEMA);
    ck_assert_ptr_null(ix);
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    ck_assert_int_eq(same(ix, "afp/greve.json", "site/greve-copie.json"), 0);
    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    ck_assert_int_eq(fouine_index_commit(ix), FOUINE_OK);
    ck_assert_int_eq(same(ix, "afp/greve.json", "site/greve-copie.json"), 1);
    ck_assert_int_eq(same(ix, "afp/greve.json", "autre/greve-rer-b.json"), 0);
    fouine_index_close(ix);
    ck_assert_int_eq(fouine_index_open(&ix, path, 0), FOUINE_OK);
    fouine_index_close(ix);
}
END_TEST

/* Text of the units [from, to) of made-up words: each unit a sentence of
** 30 words of its own, so that texts sharing units share their shingles
** (but at the joins). */
static void units(char *out, size_t cap, int from, int to)
{
    size_t n = 0;
    int k, j;
    out[0] = '\0';
    for (k = from; k < to; k++) {
        for (j = 0; j < 30; j++) {
            n += (size_t)snprintf(out + n, cap - n, "%sz%c%c%c",
                                  j ? " " : (k > from ? ". " : ""), 'a' + k,
                                  'a' + j % 26, 'a' + j / 26);
            ck_assert_uint_lt(n, cap);
        }
    }
}

/* Two articles apart (units 0-5 and 3-8: a similarity of 1/3) and one
** close to each (units 1-7: 5/8): the three become one group, of the
** oldest, whether the third comes in a later commit (the groups of the
** archive merged) or in the same commit (grouped in memory). */
static void bridge(int one_commit)
{
    char a[8192], b[8192], c[8192];
    fouine_index *ix = NULL;
    sqlite3_int64 g = 0;
    units(a, sizeof a, 0, 6);
    units(b, sizeof b, 3, 9);
    units(c, sizeof c, 1, 8);
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    if (one_commit) {
        ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    }
    put(ix, "a.json", "Un", "", a, "2018-04-03T06:00:00");
    put(ix, "b.json", "Deux", "", b, "2018-04-03T06:00:00");
    if (!one_commit) {
        ck_assert_int_eq(same(ix, "a.json", "b.json"), 0);
    }
    put(ix, "c.json", "Trois", "", c, "2018-04-03T06:00:00");
    if (one_commit) {
        ck_assert_int_eq(fouine_index_commit(ix), FOUINE_OK);
    }
    ck_assert_int_eq(same(ix, "a.json", "c.json"), 1);
    ck_assert_int_eq(same(ix, "b.json", "c.json"), 1);
    ck_assert_int_eq(
        fouine_near_group(&g, fouine_index_db(ix), rowid_of(ix, "b.json")),
        FOUINE_OK);
    ck_assert_int_eq(g, rowid_of(ix, "a.json"));
    fouine_index_close(ix);
}

START_TEST(bridge_later_commit)
{
    bridge(0);
}
END_TEST

START_TEST(bridge_one_commit)
{
    bridge(1);
}
END_TEST

/* The corpus's fingerprints from the reader's records are those made
** from the text: fouine-index and the API group alike. */
START_TEST(tokens_and_text_agree)
{
    const char *texts[3] = { greve_title, greve_lead, greve_body };
    fouine_pretok toks[3];
    fouine_near_sig a, b;
    fouine_analyzer *an = NULL;
    int i;
    ck_assert_int_eq(fouine_analyzer_new(&an), FOUINE_OK);
    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(
            fouine_pretok_analyze(&toks[i], an, texts[i], strlen(texts[i])),
            FOUINE_OK);
    }
    fouine_near_sign_tokens(&a, toks, 3);
    ck_assert_int_eq(fouine_near_sign_text(&b, an, texts), FOUINE_OK);
    ck_assert_int_eq(a.valid, 1);
    ck_assert_int_eq(b.valid, 1);
    ck_assert_int_eq(memcmp(a.h, b.h, sizeof a.h), 0);
    for (i = 0; i < 3; i++) {
        fouine_pretok_free(&toks[i]);
    }
    fouine_analyzer_free(an);
}
END_TEST

static Suite *near_suite(void)
{
    Suite *s = suite_create("near");
    TCase *tc = tcase_create("near");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, copy_grouped_other_not);
    tcase_add_test(tc, delete_and_update);
    tcase_add_test(tc, search_collapses);
    tcase_add_test(tc, completions_count_groups);
    tcase_add_test(tc, count_follows_changes);
    tcase_add_test(tc, pages_of_groups);
    tcase_add_test(tc, dated_pages_exact);
    tcase_add_test(tc, migrate_from_4);
    tcase_add_test(tc, tokens_and_text_agree);
    tcase_add_test(tc, bridge_later_commit);
    tcase_add_test(tc, bridge_one_commit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fouine_test_main(near_suite());
}
