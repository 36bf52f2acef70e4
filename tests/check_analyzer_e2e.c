/*
** check_analyzer_e2e.c: each rule of the French analyzer shown end to end:
** fouine-index indexes corpus/ (whose README lists which article holds
** which hard case), then fouine-query --json must return the articles that
** hold a form of the word searched, and must not return those that hold
** only a word the analyzer must keep apart.
*/
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static fouine_test_corpus corpus; /* corpus/ and its index */

/* Index corpus/ once for the whole suite. */
static void setup(void)
{
    fouine_test_corpus_make(&corpus, "analyzer-e2e");
}

static void teardown(void)
{
    fouine_test_corpus_drop(&corpus);
}

/* Run fouine-query --json for query (passed through a file,
** so that no shell quoting is needed); returns the parsed output. */
static json_t *query_json(const char *query)
{
    char cmd[2048], in[320], out[320];
    json_error_t err;
    json_t *res;
    FILE *f;
    snprintf(in, sizeof in, "%s/query.txt", corpus.dir);
    snprintf(out, sizeof out, "%s/out.json", corpus.dir);
    f = fopen(in, "w");
    ck_assert_ptr_nonnull(f);
    fputs(query, f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-query' -i '%s' --json -n 100 -- "
             "\"$(cat '%s')\"",
             fouine_test_build_dir(), corpus.index, in);
    ck_assert_int_le(fouine_test_run(cmd, out), 1); /* 1: no result */
    res = json_load_file(out, 0, &err);
    ck_assert_msg(res != NULL, "query '%s': bad JSON: %s", query, err.text);
    return res;
}

/* The hit of article id (a corpus/ file name without .txt), or NULL. */
static json_t *find_hit(json_t *res, const char *id)
{
    json_t *hits = json_object_get(res, "hits");
    char name[256];
    size_t i;
    snprintf(name, sizeof name, "%s.txt", id);
    for (i = 0; i < json_array_size(hits); i++) {
        json_t *hit = json_array_get(hits, i);
        const char *hid = json_string_value(json_object_get(hit, "id"));
        if (hid && strcmp(hid, name) == 0) {
            return hit;
        }
    }
    return NULL;
}

/* Queries, the articles each must return and those it must not. */
static const struct {
    const char *rule;
    const char *query;
    const char *must;    /* article ids, separated by spaces */
    const char *mustnot; /* likewise */
} searches[] = {
    { "1 soft hyphen", "gouvernement",
      "assemblee-nationale-loi-immigration-vote", "" },
    { "1 fi ligature", "finale", "saint-etienne-derby-lyon-victoire", "" },
    { "1 fi ligature", "financier", "franc-suisse-record-euro-exportateurs",
      "" },
    { "2 case", "ÉTATS",
      "etats-unis-ministre-washington-apaisement-commercial anssi-securite-hopitaux-cyberattaques louvre-cleopatre-oeuvres-restaurees",
      "" },
    { "2 case", "états",
      "etats-unis-ministre-washington-apaisement-commercial anssi-securite-hopitaux-cyberattaques louvre-cleopatre-oeuvres-restaurees",
      "" },
    { "3 accents", "securite",
      "anssi-securite-hopitaux-cyberattaques hopital-saint-amand-urgences-fermees-la-nuit place-vendome-braquage-bijouterie-bijoux rancongiciel-ville-essonne-paralysee sncf-greve-week-end-tgv-ter",
      "" },
    { "3 accents", "elysee",
      "assemblee-nationale-loi-immigration-vote elysee-president-recoit-maires-ruraux etats-unis-ministre-washington-apaisement-commercial",
      "" },
    { "3 accents", "evenements",
      "festival-avignon-edition-record-jeune-public orages-grele-vignobles-bourgogne-touches canicule-ile-de-france-vigilance-rouge",
      "" },
    { "3 accents", "etats-unis",
      "etats-unis-ministre-washington-apaisement-commercial louvre-cleopatre-oeuvres-restaurees",
      "" },
    { "3 accents", "francais",
      "chomage-recul-deuxieme-trimestre-embauches elysee-president-recoit-maires-ruraux etats-unis-ministre-washington-apaisement-commercial inflation-prix-alimentaires-hausse-record",
      "franc-suisse-record-euro-exportateurs" },
    { "3 accents", "creee",
      "cnrs-exoplanete-vapeur-eau-temperee covid-19-vaccination-plus-de-75-ans crozon-benevoles-plages-pollution-plastique assemblee-nationale-loi-immigration-vote chomage-recul-deuxieme-trimestre-embauches etats-unis-ministre-washington-apaisement-commercial rancongiciel-ville-essonne-paralysee rentree-lycees-cours-le-matin-sport-apres-midi",
      "" },
    { "4 apostrophes", "anssi",
      "anssi-securite-hopitaux-cyberattaques rancongiciel-ville-essonne-paralysee",
      "" },
    { "4 apostrophes", "l’ANSSI",
      "anssi-securite-hopitaux-cyberattaques rancongiciel-ville-essonne-paralysee",
      "" },
    { "4 apostrophes", "actium", "louvre-cleopatre-oeuvres-restaurees", "" },
    { "4 apostrophes", "presqu'île",
      "crozon-benevoles-plages-pollution-plastique", "" },
    { "4 apostrophes", "prud'hommes",
      "prudhommes-livreur-velo-requalification-contrat", "" },
    { "4 apostrophes", "quelqu'un",
      "prudhommes-livreur-velo-requalification-contrat", "" },
    { "5 ligatures", "coeur",
      "canicule-ile-de-france-vigilance-rouge festival-avignon-edition-record-jeune-public hopital-saint-amand-urgences-fermees-la-nuit",
      "" },
    { "5 ligatures", "oeuvre",
      "louvre-cleopatre-oeuvres-restaurees festival-avignon-edition-record-jeune-public",
      "" },
    { "5 ligatures", "voeux",
      "elysee-president-recoit-maires-ruraux la-poste-horaires-bureaux-communes-rurales",
      "" },
    { "5 ligatures", "\"ex aequo\"",
      "saint-etienne-derby-lyon-victoire tour-de-france-alpes-chute-victoire-solitaire",
      "" },
    { "6 hyphens", "\"etats unis\"",
      "etats-unis-ministre-washington-apaisement-commercial louvre-cleopatre-oeuvres-restaurees",
      "" },
    { "6 hyphens", "\"saint etienne\"",
      "prudhommes-livreur-velo-requalification-contrat saint-etienne-derby-lyon-victoire",
      "" },
    { "6 hyphens", "\"covid 19\"",
      "covid-19-vaccination-plus-de-75-ans louvre-cleopatre-oeuvres-restaurees saint-etienne-derby-lyon-victoire",
      "" },
    { "7 numbers", "1500000",
      "chomage-recul-deuxieme-trimestre-embauches covid-19-vaccination-plus-de-75-ans franc-suisse-record-euro-exportateurs",
      "" },
    { "7 numbers", "\"1 500 000\"",
      "chomage-recul-deuxieme-trimestre-embauches covid-19-vaccination-plus-de-75-ans franc-suisse-record-euro-exportateurs",
      "" },
    { "7 numbers", "2300",
      "louvre-cleopatre-oeuvres-restaurees prix-du-lait-eleveurs-bloquent-laiterie-mayenne rentree-lycees-cours-le-matin-sport-apres-midi",
      "" },
    { "7 numbers", "45000",
      "chomage-recul-deuxieme-trimestre-embauches franc-suisse-record-euro-exportateurs prix-du-lait-eleveurs-bloquent-laiterie-mayenne",
      "" },
    { "7 numbers", "12,5",
      "inflation-prix-alimentaires-hausse-record prix-du-lait-eleveurs-bloquent-laiterie-mayenne",
      "" },
    { "8 stems", "franc", "franc-suisse-record-euro-exportateurs",
      "chomage-recul-deuxieme-trimestre-embauches elysee-president-recoit-maires-ruraux etats-unis-ministre-washington-apaisement-commercial inflation-prix-alimentaires-hausse-record canicule-ile-de-france-vigilance-rouge tour-de-france-alpes-chute-victoire-solitaire" },
    { "8 stems", "française",
      "chomage-recul-deuxieme-trimestre-embauches etats-unis-ministre-washington-apaisement-commercial",
      "franc-suisse-record-euro-exportateurs" },
    { "8 stems", "mauvais",
      "orages-grele-vignobles-bourgogne-touches canicule-ile-de-france-vigilance-rouge",
      "festival-avignon-edition-record-jeune-public louvre-cleopatre-oeuvres-restaurees" },
    { "8 stems", "mauve",
      "festival-avignon-edition-record-jeune-public louvre-cleopatre-oeuvres-restaurees",
      "orages-grele-vignobles-bourgogne-touches canicule-ile-de-france-vigilance-rouge" },
    { "8 stems", "bijoux",
      "louvre-cleopatre-oeuvres-restaurees place-vendome-braquage-bijouterie-bijoux festival-avignon-edition-record-jeune-public saint-etienne-derby-lyon-victoire",
      "" },
    { "8 stems", "genoux",
      "orages-grele-vignobles-bourgogne-touches tour-de-france-alpes-chute-victoire-solitaire prudhommes-livreur-velo-requalification-contrat saint-etienne-derby-lyon-victoire",
      "" },
    { "8 stems", "jeux",
      "festival-avignon-edition-record-jeune-public tour-de-france-alpes-chute-victoire-solitaire rentree-lycees-cours-le-matin-sport-apres-midi saint-etienne-derby-lyon-victoire",
      "" },
    { "9 prefix", "présidenti*",
      "elysee-president-recoit-maires-ruraux la-poste-horaires-bureaux-communes-rurales",
      "assemblee-nationale-loi-immigration-vote crozon-benevoles-plages-pollution-plastique" },
    { "9 prefix", "cyber*",
      "anssi-securite-hopitaux-cyberattaques rancongiciel-ville-essonne-paralysee",
      "" },
    { "9 exact", "=président",
      "elysee-president-recoit-maires-ruraux etats-unis-ministre-washington-apaisement-commercial",
      "assemblee-nationale-loi-immigration-vote crozon-benevoles-plages-pollution-plastique" },
    { "10 stop words", "\"Le Monde\"",
      "la-poste-horaires-bureaux-communes-rurales etats-unis-ministre-washington-apaisement-commercial",
      "" },
    { "10 stop words", "\"La Poste\"",
      "covid-19-vaccination-plus-de-75-ans la-poste-horaires-bureaux-communes-rurales",
      "" },
    { "10 stop words", "\"Les Républicains\"",
      "assemblee-nationale-loi-immigration-vote la-poste-horaires-bureaux-communes-rurales",
      "" },
};

/* Check that each id of the list ids is found (want 1) or not (want 0)
** in the results res of search i. */
static void check_ids(size_t i, json_t *res, const char *ids, int want)
{
    const char *p = ids;
    while (*p) {
        char id[128];
        size_t n = strcspn(p, " ");
        ck_assert_uint_lt(n, sizeof id);
        memcpy(id, p, n);
        id[n] = '\0';
        ck_assert_msg((find_hit(res, id) != NULL) == want,
                      "rule %s: '%s' %s %s", searches[i].rule,
                      searches[i].query, want ? "does not find" : "finds", id);
        p += n;
        p += *p == ' ';
    }
}

START_TEST(test_search)
{
    json_t *res = query_json(searches[_i].query);
    check_ids((size_t)_i, res, searches[_i].must, 1);
    check_ids((size_t)_i, res, searches[_i].mustnot, 0);
    json_decref(res);
}
END_TEST
END_TEST

/* Rule 11: the marks cover the word, not its elided article. */
START_TEST(test_marks_skip_elision)
{
    json_t *res = query_json("anssi");
    json_t *hit = find_hit(res, "anssi-securite-hopitaux-cyberattaques");
    json_t *hits = json_object_get(res, "hits");
    size_t i;
    int marked = 0;
    ck_assert_ptr_nonnull(hit);
    for (i = 0; i < json_array_size(hits); i++) {
        const char *snippet = json_string_value(
            json_object_get(json_array_get(hits, i), "snippet"));
        ck_assert_ptr_nonnull(snippet);
        ck_assert_ptr_null(strstr(snippet, "<mark>l’"));
        ck_assert_ptr_null(strstr(snippet, "<mark>l'"));
        marked += strstr(snippet, "’<mark>ANSSI</mark>") != NULL ||
                  strstr(snippet, "'<mark>ANSSI</mark>") != NULL;
    }
    ck_assert_int_gt(marked, 0);
    json_decref(res);
}
END_TEST

static Suite *e2e_suite(void)
{
    Suite *s = suite_create("analyzer_e2e");
    TCase *tc = tcase_create("corpus");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_search, 0,
                        sizeof searches / sizeof searches[0]);
    tcase_add_test(tc, test_marks_skip_elision);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fouine_test_main(e2e_suite());
}
