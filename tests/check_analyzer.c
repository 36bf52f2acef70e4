/*
** check_analyzer.c: the basic contract of the French analyzer: case and
** accents, inflections, elisions and offsets into the original bytes.
*/
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fouine_analyzer *an;

static void setup(void)
{
    ck_assert_int_eq(fouine_analyzer_new(&an), FOUINE_OK);
}

static void teardown(void)
{
    fouine_analyzer_free(an);
    an = NULL;
}

/* The stem tokens of a one-word document, e.g. "#secur". */
static void stem_of(char *out, size_t size, const char *word)
{
    fouine_test_tokens t;
    const char *p;
    size_t n;
    fouine_test_analyze(&t, an, word, FOUINE_ANALYZE_DOCUMENT);
    ck_assert_uint_eq(t.positions, 1);
    p = strchr(t.text, '#');
    n = p ? strcspn(p, "/") : strlen(t.text); /* the first stem token */
    ck_assert_uint_lt(n, size);
    memcpy(out, p ? p : t.text, n);
    out[n] = '\0';
}

START_TEST(test_securite_forms_one_token)
{
    static const char *const forms[] = { "Sécurité", "sécurités", "sécurité",
                                         "SÉCURITÉ" };
    char first[128], other[128];
    size_t i;
    stem_of(first, sizeof first, forms[0]);
    ck_assert_str_eq(first, "#secur");
    for (i = 1; i < sizeof forms / sizeof forms[0]; i++) {
        fouine_test_tokens t;
        fouine_test_analyze(&t, an, forms[i], FOUINE_ANALYZE_DOCUMENT);
        ck_assert_uint_eq(t.positions, 1);
        stem_of(other, sizeof other, forms[i]);
        ck_assert_str_eq(other, first);
    }
}
END_TEST

/* Document tokens of whole sentences: surface/stems|... */
static const struct {
    const char *text;
    const char *tokens;
} documents[] = {
    { "La Sécurité", "la|securite/#secur/#securit" },
    { "l’ANSSI alerte", "anssi|alerte/#alert" },
    { "L'État", "etat" },
    { "d’Actium", "actium" },
    { "aujourd'hui", "aujourd'hui" },
    { "presqu’île", "presqu'ile/#presqu'il" },
};

START_TEST(test_document_tokens)
{
    fouine_test_tokens t;
    fouine_test_analyze(&t, an, documents[_i].text, FOUINE_ANALYZE_DOCUMENT);
    ck_assert_str_eq(t.text, documents[_i].tokens);
}
END_TEST

START_TEST(test_offsets_point_at_original_bytes)
{
    const char *text = "Élysée : l’ANSSI et la Sécurité";
    fouine_test_tokens t;
    fouine_test_analyze(&t, an, text, FOUINE_ANALYZE_DOCUMENT);
    ck_assert_uint_eq(t.positions, 5);
    /* "Élysée" with its capital accented É */
    ck_assert_uint_eq(t.starts[0], 0);
    ck_assert_uint_eq(t.ends[0], strlen("Élysée"));
    /* "ANSSI", after the elided l’ (3 bytes for ’) */
    ck_assert_int_eq(strncmp(text + t.starts[1], "ANSSI", 5), 0);
    ck_assert_uint_eq(t.ends[1] - t.starts[1], 5);
    /* "Sécurité" */
    ck_assert_int_eq(
        strncmp(text + t.starts[4], "Sécurité", t.ends[4] - t.starts[4]), 0);
    ck_assert_uint_eq(t.ends[4], strlen(text));
}
END_TEST

START_TEST(test_query_reaches_accented_words)
{
    /* A query word gives its stems as alternatives: the unaccented
    ** "securite" must share one with the document word "sécurité". */
    fouine_test_tokens q, d;
    fouine_test_analyze(&q, an, "securite", FOUINE_ANALYZE_QUERY);
    fouine_test_analyze(&d, an, "sécurités", FOUINE_ANALYZE_DOCUMENT);
    ck_assert_ptr_nonnull(strstr(q.text, "#securit"));
    ck_assert_ptr_nonnull(strstr(d.text, "#securit"));
}
END_TEST

START_TEST(test_query_stem_is_not_a_stop_word)
{
    /* "danse" stems to "dans": the query must ask for the stem token, not
    ** for the preposition "dans" that every article holds.  The stop word
    ** typed as such ("le" in a phrase) is still asked for as written. */
    fouine_test_tokens q;
    fouine_test_analyze(&q, an, "danse", FOUINE_ANALYZE_QUERY);
    ck_assert_str_eq(q.text, "#dans");
    fouine_test_analyze(&q, an, "le", FOUINE_ANALYZE_QUERY);
    ck_assert_ptr_nonnull(strstr(q.text, "/le"));
    /* A stem that is not a stop word keeps its plain alternative: "mots"
    ** must reach the word "mot", which is its own stem. */
    fouine_test_analyze(&q, an, "mots", FOUINE_ANALYZE_QUERY);
    ck_assert_str_eq(q.text, "#mot/mot");
}
END_TEST

static Suite *analyzer_suite(void)
{
    Suite *s = suite_create("analyzer");
    TCase *tc = tcase_create("basic");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_securite_forms_one_token);
    tcase_add_loop_test(tc, test_document_tokens, 0,
                        sizeof documents / sizeof documents[0]);
    tcase_add_test(tc, test_offsets_point_at_original_bytes);
    tcase_add_test(tc, test_query_reaches_accented_words);
    tcase_add_test(tc, test_query_stem_is_not_a_stop_word);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fouine_test_main(analyzer_suite());
}
