/*
** check_e2e.c: the pipeline end to end.  fouine-index indexes corpus/ into
** a fresh index, then fouine-query answers the searches a French reader
** types with the articles expected first, snippets highlighted.
*/
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static fouine_test_corpus corpus; /* corpus/ and its index */

static void setup(void)
{
    fouine_test_corpus_make(&corpus, "e2e");
}

static void teardown(void)
{
    fouine_test_corpus_drop(&corpus);
}

/*
** Run fouine-query --json for query; returns the parsed output (json_decref)
** and sets *status to the exit status.
*/
static json_t *query_json(const char *query, int *status)
{
    char cmd[2048], out[320];
    json_error_t err;
    json_t *res;
    snprintf(out, sizeof out, "%s/out.json", corpus.dir);
    snprintf(cmd, sizeof cmd, "'%s/fouine-query' -i '%s' --json -n 5 -- \"%s\"",
             fouine_test_build_dir(), corpus.index, query);
    *status = fouine_test_run(cmd, out);
    res = json_load_file(out, 0, &err);
    ck_assert_msg(res != NULL, "query '%s': bad JSON: %s", query, err.text);
    return res;
}

/* Searches and the article each must rank first. */
static const struct {
    const char *query;
    const char *first;
} searches[] = {
    { "sécurité des hôpitaux", "anssi-securite-hopitaux-cyberattaques.txt" },
    { "securite hopitaux", "anssi-securite-hopitaux-cyberattaques.txt" },
    { "SÉCURITÉ", "anssi-securite-hopitaux-cyberattaques.txt" },
    { "franc suisse", "franc-suisse-record-euro-exportateurs.txt" },
    { "exoplanete", "cnrs-exoplanete-vapeur-eau-temperee.txt" },
    { "Etats-Unis",
      "etats-unis-ministre-washington-apaisement-commercial.txt" },
    { "presqu'ile", "crozon-benevoles-plages-pollution-plastique.txt" },
    { "oeuvres restaurées", "louvre-cleopatre-oeuvres-restaurees.txt" },
    { "prud’hommes", "prudhommes-livreur-velo-requalification-contrat.txt" },
    { "canicule vigilance", "canicule-ile-de-france-vigilance-rouge.txt" },
};

START_TEST(test_known_queries_rank_expected_article_first)
{
    int status;
    json_t *res = query_json(searches[_i].query, &status);
    json_t *hits = json_object_get(res, "hits");
    const char *id =
        json_string_value(json_object_get(json_array_get(hits, 0), "id"));
    ck_assert_int_eq(status, 0);
    ck_assert_msg(id && strcmp(id, searches[_i].first) == 0,
                  "query '%s': first hit %s, expected %s", searches[_i].query,
                  id ? id : "(none)", searches[_i].first);
    ck_assert_int_ge(json_integer_value(json_object_get(res, "total")), 1);
    json_decref(res);
}
END_TEST

START_TEST(test_snippets_highlight_the_matched_words)
{
    /* "coeur" typed without the ligature finds "cœur" and marks it. */
    int status;
    json_t *res = query_json("coeur", &status);
    json_t *hits = json_object_get(res, "hits");
    size_t i;
    json_t *hit;
    ck_assert_int_eq(status, 0);
    ck_assert_int_ge(json_array_size(hits), 3);
    json_array_foreach(hits, i, hit)
    {
        const char *snippet =
            json_string_value(json_object_get(hit, "snippet"));
        ck_assert_ptr_nonnull(snippet);
        ck_assert_msg(strstr(snippet, "<mark>cœur</mark>") != NULL,
                      "snippet without a marked cœur: %s", snippet);
    }
    json_decref(res);
}
END_TEST

/* Whether the hits of res are exactly the articles of ids (NULL-ended). */
static int hits_are(json_t *res, const char *const *ids)
{
    json_t *hits = json_object_get(res, "hits");
    size_t i, n = 0;
    for (; ids[n]; n++) {
        int found = 0;
        json_t *hit;
        json_array_foreach(hits, i, hit)
        {
            const char *id = json_string_value(json_object_get(hit, "id"));
            found |= id && strcmp(id, ids[n]) == 0;
        }
        if (!found) {
            return 0;
        }
    }
    return json_array_size(hits) == n;
}

START_TEST(test_numbers_typed_in_groups)
{
    /* "1 500 000" typed with spaces, without quotes, is one number, and
    ** finds the articles that print it with spaces, NBSP or nothing. */
    static const char *const million[] = {
        "chomage-recul-deuxieme-trimestre-embauches.txt",
        "covid-19-vaccination-plus-de-75-ans.txt",
        "franc-suisse-record-euro-exportateurs.txt", NULL
    };
    static const char *const forms[] = { "1 500 000", "1500000" };
    size_t i;
    for (i = 0; i < 2; i++) {
        int status;
        json_t *res = query_json(forms[i], &status);
        ck_assert_int_eq(status, 0);
        ck_assert_msg(hits_are(res, million), "query '%s': other hits",
                      forms[i]);
        json_decref(res);
    }
}
END_TEST

START_TEST(test_no_match_exits_1)
{
    int status;
    json_t *res = query_json("zzyzxqwv", &status);
    ck_assert_int_eq(status, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(res, "total")), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(res, "hits")), 0);
    json_decref(res);
}
END_TEST

START_TEST(test_missing_index_exits_2)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-query' -i '%s/none.db' etat 2>/dev/null",
             fouine_test_build_dir(), corpus.dir);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
}
END_TEST

static Suite *e2e_suite(void)
{
    Suite *s = suite_create("e2e");
    TCase *tc = tcase_create("corpus");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_known_queries_rank_expected_article_first, 0,
                        sizeof searches / sizeof searches[0]);
    tcase_add_test(tc, test_snippets_highlight_the_matched_words);
    tcase_add_test(tc, test_numbers_typed_in_groups);
    tcase_add_test(tc, test_no_match_exits_1);
    tcase_add_test(tc, test_missing_index_exits_2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fouine_test_main(e2e_suite());
}
