/*
** check_analyzer.c: the basic contract of the French analyzer: case and
** accents, inflections, elisions, offsets into the original bytes, and the
** words it reports to an indexer.
*/
#include "testutil.h"

#include <stdint.h>
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

/*
** Tokens without the cache: a text analyzed for its tokens alone and
** without a watch emits its plain words (ASCII letters, digits, "'" and
** ",") without the analyzer's cache; the tokens, their offsets and flags
** must be those the cache gives (an analyzer with a watch goes through
** it).  Each run is summed up as a hash of every token, offset and flag.
*/
typedef struct token_sum {
    uint64_t hash; /* FNV-1a of the tokens, offsets and flags */
    size_t count;  /* tokens */
} token_sum;

static void sum_bytes(token_sum *t, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;
    for (i = 0; i < n; i++) {
        t->hash = (t->hash ^ b[i]) * 0x100000001b3u;
    }
}

static int sum_token(const char *token,
                     size_t len,
                     size_t start,
                     size_t end,
                     int flags,
                     void *payload)
{
    token_sum *t = payload;
    sum_bytes(t, token, len);
    sum_bytes(t, &len, sizeof len);
    sum_bytes(t, &start, sizeof start);
    sum_bytes(t, &end, sizeof end);
    sum_bytes(t, &flags, sizeof flags);
    t->count++;
    return 0;
}

static int ignore_word(const fouine_word *w, void *payload)
{
    (void)w;
    (void)payload;
    return 0;
}

/* Analyze text with mode by an analyzer without a watch (direct) and by
** one with a watch (through the cache): the same tokens. */
static void same_tokens(fouine_analyzer *direct,
                        fouine_analyzer *cached,
                        const char *text,
                        size_t len,
                        int mode)
{
    token_sum a = { 0xcbf29ce484222325u, 0 }, b = a;
    ck_assert_int_eq(
        fouine_analyzer_run(direct, text, len, mode, sum_token, &a), FOUINE_OK);
    ck_assert_int_eq(
        fouine_analyzer_run(cached, text, len, mode, sum_token, &b), FOUINE_OK);
    ck_assert_msg(a.hash == b.hash && a.count == b.count,
                  "tokens differ (%zu and %zu) for: %.*s", a.count, b.count,
                  (int)(len < 200 ? len : 200), text);
}

START_TEST(test_tokens_without_the_cache)
{
    static const char *const texts[] = {
        "La Sécurité sociale : L'État et l’ANSSI, d'Actium jusqu'à "
        "aujourd'hui, presqu’île et prud'hommes.",
        "Le PIB a crû de 12,5 % en 2019 ; 1 500 000 euros et 12\u00A0000 "
        "habitants, 3\u202F000 km.",
        "Les États-Unis, Saint-Étienne et le Covid-19 : cœur, Œuvre, ex æquo.",
        "gouver\u00ADnement, ﬁnale, 50 m², ＦＲＡＮＣＥ et le zéro\u200Bwidth.",
        "Anticonstitutionnellementanticonstitutionnellementanticonstitutionnel"
        "lement est un mot trop long pour un jeton entier, AUSSI EN CAPITALES "
        "ANTICONSTITUTIONNELLEMENTANTICONSTITUTIONNELLEMENTANTICONSTITUTION.",
        "L'OM, l'OMS et l'ONU ; C'EST L'ÉTÉ ! qu'il pleuve, lorsqu'on vient.",
        "Des émojis 🎉 et du grec αβγ, de l'arabe سلام et 東京 au milieu.",
        "e\u0301te\u0301 (accents combinés), ‘cité’ ＇quoté＇ ʼmodifierʼ.",
        "'' ' l' d' qu' 1, 2, 3,5 ,,, ''a'' x'y z'",
    };
    fouine_analyzer *direct = NULL, *cached = NULL;
    const char *shared;
    size_t i;

    ck_assert_int_eq(fouine_analyzer_new(&direct), FOUINE_OK);
    ck_assert_int_eq(fouine_analyzer_new(&cached), FOUINE_OK);
    fouine_analyzer_watch(cached, ignore_word, NULL);
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        same_tokens(direct, cached, texts[i], strlen(texts[i]),
                    FOUINE_ANALYZE_DOCUMENT);
        same_tokens(direct, cached, texts[i], strlen(texts[i]),
                    FOUINE_ANALYZE_QUERY);
        /* Every cut of the text: words and characters cut at its end. */
        {
            size_t n;
            for (n = 0; n < strlen(texts[i]); n++) {
                same_tokens(direct, cached, texts[i], n,
                            FOUINE_ANALYZE_DOCUMENT);
            }
        }
    }
    /* Real French news, when the shared data is there. */
    shared = fouine_test_dir("FOUINE_SHARED_DIR");
    if (shared) {
        char path[512];
        FILE *f;
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        long lines = 0;
        snprintf(path, sizeof path, "%s/corpus/orangesum-2016-2019.jsonl",
                 shared);
        f = fopen(path, "r");
        if (f) {
            while ((n = getline(&line, &cap, f)) > 0 && lines < 4000) {
                same_tokens(direct, cached, line, (size_t)n,
                            FOUINE_ANALYZE_DOCUMENT);
                lines++;
            }
            free(line); /* getline()'s: not ours */
            fclose(f);
            ck_assert_int_eq(lines, 4000);
        } else {
            fprintf(stderr, "analyzer: %s absent: real news not checked\n",
                    path);
        }
    } else {
        fprintf(stderr, "analyzer: no shared data: real news not checked\n");
    }
    fouine_analyzer_free(cached);
    fouine_analyzer_free(direct);
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
    tcase_add_test(tc, test_tokens_without_the_cache);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fouine_test_main(analyzer_suite());
}
