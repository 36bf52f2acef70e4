/*
** check_analyzer.c: the basic contract of the French analyzer: case and
** accents, inflections, elisions, offsets into the original bytes, and the
** words it reports to an indexer.
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

/* The stem of a one-word text, e.g. "secur" (the last of its forms). */
static void stem_of(char *out, size_t size, const char *word)
{
    fouine_test_tokens t;
    const char *p;
    fouine_test_analyze(&t, an, word, FOUINE_ANALYZE_WORDS);
    ck_assert_uint_eq(t.positions, 1);
    p = strrchr(t.text, '/');
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_lt(strlen(p + 1), size);
    strcpy(out, p + 1);
}

START_TEST(test_securite_forms_one_stem)
{
    static const char *const forms[] = { "Sécurité", "sécurités", "sécurité",
                                         "SÉCURITÉ" };
    char first[128], other[128];
    size_t i;
    stem_of(first, sizeof first, forms[0]);
    ck_assert_str_eq(first, "secur");
    for (i = 1; i < sizeof forms / sizeof forms[0]; i++) {
        stem_of(other, sizeof other, forms[i]);
        ck_assert_str_eq(other, first);
    }
}
END_TEST

/* Document tokens of whole sentences: one a word, accents kept. */
static const struct {
    const char *text;
    const char *tokens;
} documents[] = {
    { "La Sécurité", "la|sécurité" },
    { "l’ANSSI alerte", "anssi|alerte" },
    { "L'État", "état" },
    { "d’Actium", "actium" },
    { "aujourd'hui", "aujourd'hui" },
    { "presqu’île", "presqu'île" },
    { "Cœur", "cœur" },
};

START_TEST(test_document_tokens)
{
    fouine_test_tokens t;
    fouine_test_analyze(&t, an, documents[_i].text, FOUINE_ANALYZE_DOCUMENT);
    ck_assert_str_eq(t.text, documents[_i].tokens);
    /* A query's text gives the same tokens. */
    fouine_test_analyze(&t, an, documents[_i].text, FOUINE_ANALYZE_QUERY);
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

START_TEST(test_unaccented_word_has_the_same_fold)
{
    /* What a reader types without accents folds as the accented word of
    ** the article, which is how a search reaches it (forms.c). */
    fouine_test_tokens q, d;
    fouine_test_analyze(&q, an, "securite", FOUINE_ANALYZE_WORDS);
    fouine_test_analyze(&d, an, "Sécurité", FOUINE_ANALYZE_WORDS);
    ck_assert_str_eq(q.text, "securite/securite/securit");
    ck_assert_str_eq(d.text, "sécurité/securite/secur");
}
END_TEST

/* The words the analyzer reads anew, as an indexer keeps them. */
typedef struct watched {
    char words[1024];
    int calls;
} watched;

static int watch_word(const fouine_word *w, void *payload)
{
    watched *x = payload;
    size_t n = strlen(x->words);
    ck_assert_uint_lt(n + w->ntoken + w->nfold + w->nstem + 4, sizeof x->words);
    if (n) {
        x->words[n++] = '|';
    }
    memcpy(x->words + n, w->token, w->ntoken);
    n += w->ntoken;
    x->words[n++] = '/';
    memcpy(x->words + n, w->fold, w->nfold);
    n += w->nfold;
    x->words[n++] = '/';
    memcpy(x->words + n, w->stem, w->nstem);
    n += w->nstem;
    x->words[n] = '\0';
    x->calls++;
    return 0;
}

START_TEST(test_watch_reports_new_words_once)
{
    watched x;
    fouine_test_tokens t;
    memset(&x, 0, sizeof x);
    fouine_analyzer_watch(an, watch_word, &x);
    fouine_test_analyze(&t, an, "La sécurité, la Sécurité et 12 000 euros",
                        FOUINE_ANALYZE_DOCUMENT);
    ck_assert_str_eq(x.words,
                     "la/la/la|sécurité/securite/secur|et/et/et|12000/12000/"
                     "|euros/euros/euros");
    /* Read again: nothing new. */
    fouine_test_analyze(&t, an, "La sécurité et la sécurité",
                        FOUINE_ANALYZE_DOCUMENT);
    ck_assert_int_eq(x.calls, 5);
    fouine_analyzer_watch(an, NULL, NULL);
    fouine_test_analyze(&t, an, "Élysée", FOUINE_ANALYZE_DOCUMENT);
    ck_assert_int_eq(x.calls, 5);
}
END_TEST

static Suite *analyzer_suite(void)
{
    Suite *s = suite_create("analyzer");
    TCase *tc = tcase_create("basic");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_securite_forms_one_stem);
    tcase_add_loop_test(tc, test_document_tokens, 0,
                        sizeof documents / sizeof documents[0]);
    tcase_add_test(tc, test_offsets_point_at_original_bytes);
    tcase_add_test(tc, test_unaccented_word_has_the_same_fold);
    tcase_add_test(tc, test_watch_reports_new_words_once);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fouine_test_main(analyzer_suite());
}
