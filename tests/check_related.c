/*
** check_related.c: fouine_related() on an index of corpus/: an article
** about a topic gets the article of the same topic first; the article
** itself is never among its related articles, nor an article of the same
** title (case and accents aside), nor a near-duplicate of another title; at most n, best first, equal scores to
** the newer article; an unknown id is FOUINE_ENOTFOUND and n out of 1 to
** FOUINE_RELATED_MAX FOUINE_EINVAL; fouine-query --related prints them
** and names a bad id or -n.
*/
#include "testutil.h"

#include "fouine/alloc.h"
#include "fouine/fouine.h"
#include "fouine/index.h"
#include "fouine/search.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fouine_test_corpus C;

static void setup(void)
{
    fouine_test_corpus_make(&C, "related");
}

static void teardown(void)
{
    fouine_test_corpus_drop(&C);
}

/* Articles on one topic, two by two: each is the other's first related. */
static const struct {
    const char *id, *first;
} pairs[] = {
    { "anssi-securite-hopitaux-cyberattaques.txt",
      "rancongiciel-ville-essonne-paralysee.txt" },
    { "rancongiciel-ville-essonne-paralysee.txt",
      "anssi-securite-hopitaux-cyberattaques.txt" },
    { "inflation-prix-alimentaires-hausse-record.txt",
      "prix-du-lait-eleveurs-bloquent-laiterie-mayenne.txt" },
    { "prix-du-lait-eleveurs-bloquent-laiterie-mayenne.txt",
      "inflation-prix-alimentaires-hausse-record.txt" },
    { "festival-avignon-edition-record-jeune-public.txt",
      "louvre-cleopatre-oeuvres-restaurees.txt" },
    { "louvre-cleopatre-oeuvres-restaurees.txt",
      "festival-avignon-edition-record-jeune-public.txt" },
    { "elysee-president-recoit-maires-ruraux.txt",
      "la-poste-horaires-bureaux-communes-rurales.txt" },
    { "la-poste-horaires-bureaux-communes-rurales.txt",
      "elysee-president-recoit-maires-ruraux.txt" },
};

START_TEST(same_topic_first)
{
    fouine_index *ix = NULL;
    fouine_results *r = NULL;
    ck_assert_int_eq(fouine_index_open(&ix, C.index, FOUINE_INDEX_READ),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_related(&r, ix, pairs[_i].id, 5), FOUINE_OK);
    ck_assert_msg(r->nhits >= 1, "%s: no related article", pairs[_i].id);
    ck_assert_msg(strcmp(r->hits[0].id, pairs[_i].first) == 0,
                  "%s: first related is %s, expected %s", pairs[_i].id,
                  r->hits[0].id, pairs[_i].first);
    ck_assert_str_eq(r->query, pairs[_i].id);
    ck_assert_ptr_nonnull(r->expression);
    fouine_results_free(r);
    fouine_index_close(ix);
}
END_TEST

/* Every article of the corpus (24): never itself, at most n, each hit with its
** title, best first and, among equal scores, newer first. */
START_TEST(never_itself_best_first)
{
    fouine_index *ix = NULL;
    sqlite3_stmt *ids = NULL;
    size_t articles = 0, i;
    ck_assert_int_eq(fouine_index_open(&ix, C.index, FOUINE_INDEX_READ),
                     FOUINE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(fouine_index_db(ix),
                                        "SELECT id FROM article", -1, &ids,
                                        NULL),
                     SQLITE_OK);
    while (sqlite3_step(ids) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(ids, 0);
        fouine_results *r = NULL;
        ck_assert_int_eq(fouine_related(&r, ix, id, 4), FOUINE_OK);
        ck_assert_int_le(r->nhits, 4);
        ck_assert_int_eq(r->total, (long long)r->nhits);
        for (i = 0; i < r->nhits; i++) {
            const fouine_hit *h = &r->hits[i];
            ck_assert_msg(strcmp(h->id, id) != 0, "%s is its own related", id);
            ck_assert_int_gt(strlen(h->title), 0);
            if (i > 0) {
                const fouine_hit *p = &r->hits[i - 1];
                ck_assert_msg(p->score >= h->score, "%s: not best first", id);
                if (!(p->score > h->score) && p->date && h->date) {
                    ck_assert_msg(strcmp(p->date, h->date) >= 0,
                                  "%s: equal scores, older first", id);
                }
            }
        }
        fouine_results_free(r);
        articles++;
    }
    sqlite3_finalize(ids);
    ck_assert_int_eq(articles, 24);
    /* n is a bound, not a target: 1 gives 1. */
    {
        fouine_results *r = NULL;
        ck_assert_int_eq(fouine_related(&r, ix, pairs[0].id, 1), FOUINE_OK);
        ck_assert_int_eq(r->nhits, 1);
        ck_assert_str_eq(r->hits[0].id, pairs[0].first);
        fouine_results_free(r);
    }
    fouine_index_close(ix);
}
END_TEST

/*
** Index a copy of the first article of pairs under another id and the
** title title, and check that it is not related to the article (a
** duplicate) nor the article to it, while the article of the same topic
** still comes first for both; the copy is removed at the end.
*/
static void copy_excluded(const char *title)
{
    fouine_index *ix = NULL;
    fouine_article a, copy;
    char copy_id[] = "reprise/anssi-hopitaux.txt", copy_title[256];
    fouine_results *r = NULL;
    size_t i;
    int replaced = 0;
    ck_assert_int_lt(snprintf(copy_title, sizeof copy_title, "%s", title),
                     (int)sizeof copy_title);
    ck_assert_int_eq(fouine_index_open(&ix, C.index, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_get(&a, ix, pairs[0].id), FOUINE_OK);
    copy = a;
    memset(&copy.notes, 0, sizeof copy.notes);
    copy.id = copy_id;
    copy.title = copy_title;
    copy.comments = NULL;
    copy.ncomments = 0;
    ck_assert_int_eq(fouine_index_put(&replaced, ix, &copy), FOUINE_OK);
    ck_assert_int_eq(replaced, 0);
    ck_assert_int_eq(fouine_related(&r, ix, pairs[0].id, 5), FOUINE_OK);
    ck_assert_int_ge(r->nhits, 1);
    ck_assert_str_eq(r->hits[0].id, pairs[0].first);
    for (i = 0; i < r->nhits; i++) {
        ck_assert_str_ne(r->hits[i].id, copy_id);
    }
    fouine_results_free(r);
    /* From the copy's side too. */
    ck_assert_int_eq(fouine_related(&r, ix, copy_id, 5), FOUINE_OK);
    ck_assert_int_ge(r->nhits, 1);
    ck_assert_str_eq(r->hits[0].id, pairs[0].first);
    for (i = 0; i < r->nhits; i++) {
        ck_assert_str_ne(r->hits[i].id, pairs[0].id);
    }
    fouine_results_free(r);
    /* The other tests share the index: as it was. */
    ck_assert_int_eq(fouine_index_remove(ix, copy_id), FOUINE_OK);
    fouine_article_clear(&a);
    fouine_index_close(ix);
}

/* A copy of an article under another id, its title in capitals and
** without accents: not related to the article (a duplicate), but the
** article of the same topic still is. */
START_TEST(same_title_excluded)
{
    copy_excluded("L’ANSSI ALERTE SUR LA SECURITE DES HOPITAUX FACE "
                  "AUX CYBERATTAQUES");
}
END_TEST

/* A wire copy under another headline, the same text: its title shares
** few words with the article's, but the two are near-duplicates (one
** group), so neither is related to the other. */
START_TEST(near_duplicate_excluded)
{
    copy_excluded("Cyberattaques : les hôpitaux appelés à se protéger");
}
END_TEST

START_TEST(unknown_id_and_bad_n)
{
    fouine_index *ix = NULL;
    fouine_results *r = (fouine_results *)&r; /* set to NULL on error */
    ck_assert_int_eq(fouine_index_open(&ix, C.index, FOUINE_INDEX_READ),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_related(&r, ix, "inconnu.txt", 5),
                     FOUINE_ENOTFOUND);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(fouine_related(&r, ix, pairs[0].id, 0), FOUINE_EINVAL);
    ck_assert_int_eq(
        fouine_related(&r, ix, pairs[0].id, FOUINE_RELATED_MAX + 1),
        FOUINE_EINVAL);
    ck_assert_int_eq(fouine_related(&r, ix, NULL, 5), FOUINE_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(fouine_related(&r, ix, pairs[0].id, FOUINE_RELATED_MAX),
                     FOUINE_OK);
    ck_assert_int_le(r->nhits, FOUINE_RELATED_MAX);
    fouine_results_free(r);
    fouine_index_close(ix);
}
END_TEST

START_TEST(fouine_query_related)
{
    char cmd[1024], out[400];
    char *text;
    snprintf(out, sizeof out, "%s/related.out", C.dir);
    snprintf(cmd, sizeof cmd, "'%s/fouine-query' -i '%s' --related '%s' -n 2",
             fouine_test_build_dir(), C.index, pairs[0].id);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(strstr(text, "2 articles liés à « anssi-"));
    ck_assert_ptr_nonnull(strstr(text, "1. Rançongiciel"));
    ck_assert_ptr_null(strstr(text, "3. "));
    fouine_free(text);
    snprintf(cmd, sizeof cmd,
             "('%s/fouine-query' -i '%s' --related inconnu.txt 2>&1)",
             fouine_test_build_dir(), C.index);
    ck_assert_int_eq(fouine_test_run(cmd, out), 2);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(strstr(text, "no article has the id 'inconnu.txt'"));
    fouine_free(text);
    snprintf(cmd, sizeof cmd,
             "('%s/fouine-query' -i '%s' --related '%s' -n 51 2>&1)",
             fouine_test_build_dir(), C.index, pairs[0].id);
    ck_assert_int_eq(fouine_test_run(cmd, out), 2);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(strstr(text, "-n: '51'"));
    fouine_free(text);
}
END_TEST

static Suite *related_suite(void)
{
    Suite *s = suite_create("related");
    TCase *tc = tcase_create("related");
    /* One index for the suite (same_title_excluded leaves it as it was). */
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, same_topic_first, 0,
                        (int)(sizeof pairs / sizeof pairs[0]));
    tcase_add_test(tc, never_itself_best_first);
    tcase_add_test(tc, same_title_excluded);
    tcase_add_test(tc, near_duplicate_excluded);
    tcase_add_test(tc, unknown_id_and_bad_n);
    tcase_add_test(tc, fouine_query_related);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fouine_test_main(related_suite());
}
