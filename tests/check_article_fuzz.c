/*
** check_article_fuzz.c: seeded fuzzing of the parsers of text and JSON
** articles of fouine-index.
**
** The seed corpus of the libFuzzer target (tests/fuzz/article-corpus/),
** then text articles made of the lines French news files have (titles,
** date lines of every form, days the calendar lacks, reading times,
** categories, comment headers and dates, boilerplate, blank lines) with
** line ends LF, CRLF or CR, and JSON documents made of its tokens (objects,
** arrays nested deep, the fields read, strings with escapes and lone
** surrogates, numbers, duplicates), then cut at a random byte, bytes
** flipped, NUL and invalid UTF-8 put in.  Each is checked by
** tests/fuzz/article_check.h, from an exactly sized heap copy (so that
** ASan sees any read past the end).
**
** FOUINE_FUZZ_SEED sets the seed (printed), FOUINE_FUZZ_ITERATIONS the
** number of inputs (default 20000).
*/
#include "testutil.h"

#include "fuzz/article_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITERATIONS 20000
#define MAX_INPUT  8192

static uint32_t rnd_state;

static size_t pick(size_t n)
{
    return n ? fouine_test_rnd(&rnd_state) % n : 0;
}

/* Check one input from an exactly sized copy; fails the test on a failed
** check, with the input. */
static void check(const char *data, size_t len)
{
    article_check_ctx c;
    char *copy = malloc(len ? len : 1);
    int ok;
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, data, len);
    ok = article_check(&c, copy, len);
    free(copy);
    if (!ok) {
        fouine_test_keep_failure("article-fuzz-failure", data, len);
    }
    ck_assert_msg(ok, "%s (input in article-fuzz-failure): '%.*s'", c.why,
                  (int)(len < 300 ? len : 300), data);
}

/* The seed corpus of fuzz_article, file by file. */
START_TEST(seed_corpus)
{
    ck_assert_int_ge(fouine_test_replay("tests/fuzz/article-corpus", check), 5);
}
END_TEST

/* Lines of French news files. */
static const char *const lines[] = {
    "Grève à la SNCF : un TGV sur trois ce week-end",
    "L’État relève le budget des hôpitaux",
    "Le 18 avril 2018 à 09h26",
    "Le 1er mai 2019 à 17h00",
    "Le 2 juillet 2020",
    "Le 31 février 2019",
    "Le 29 février 2021 à 10h00",
    "Publié le jeudi 5 octobre 2017 à 09h30",
    "le 12 fevrier 2016",
    "2 min",
    "12 min",
    "Transports",
    "Économie",
    "Les syndicats appellent à la grève de vendredi soir à lundi matin.",
    "« C’est l'État qui recule », protestent les maires.",
    "La vigilance rouge canicule est déclenchée dans le Rhône.",
    "Commentaires (3)",
    "Commentaires (0)",
    "Abonnez-vous pour prendre part au débat",
    "Déjà abonné ? Se connecter",
    "Abonnez-vousLe 09/01/2020 à 15h02",
    "Le 09/01/2020 à 16h30",
    "Le 31/02/2020 à 16h30",
    "Mon bureau de poste ouvre encore le mardi.",
    "",
    " ",
    "\t",
};

/* Tokens of JSON documents. */
static const char *const tokens[] = {
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"id\"",
    "\"title\"",
    "\"date\"",
    "\"body\"",
    "\"text\"",
    "\"content\"",
    "\"lead\"",
    "\"section\"",
    "\"category\"",
    "\"url\"",
    "\"author\"",
    "\"Grève à la SNCF\"",
    "\"2019-05-10T17:00:00+02:00\"",
    "\"2019-02-30\"",
    "\"18 avril 2018 à 09h26\"",
    "\"hier\"",
    "\"\\u00e9t\\u00e9\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud800\"",
    "\"Les éleveurs\\n\\nbloquent la laiterie.\"",
    "\"\"",
    "\"https://exemple.fr/a\"",
    "42",
    "-1e309",
    "3.14",
    "true",
    "false",
    "null",
    " ",
    "\n",
};

#define NLINES  (sizeof lines / sizeof lines[0])
#define NTOKENS (sizeof tokens / sizeof tokens[0])

/* Append s to buf (len bytes so far, MAX_INPUT at most). */
static size_t put(char *buf, size_t len, const char *s)
{
    size_t n = strlen(s);
    if (len + n > MAX_INPUT) {
        n = MAX_INPUT - len;
    }
    memcpy(buf + len, s, n);
    return len + n;
}

/* A text article: lines and line ends. */
static size_t make_text(char *buf)
{
    static const char *const ends[] = { "\n", "\r\n", "\r" };
    size_t len = 0, n = 1 + pick(30), k;
    const char *end = ends[pick(3)];
    for (k = 0; k < n; k++) {
        len = put(buf, len, lines[pick(NLINES)]);
        len = put(buf, len, pick(8) == 0 ? ends[pick(3)] : end);
    }
    return len;
}

/* A JSON document: an article or an array of them, or tokens at random. */
static size_t make_json(char *buf)
{
    size_t len = 0, n, k;
    if (pick(3) == 0) {
        n = 1 + pick(60);
        for (k = 0; k < n; k++) {
            len = put(buf, len, tokens[pick(NTOKENS)]);
        }
        return len;
    }
    len = put(buf, len, pick(2) ? "[" : "");
    n = 1 + pick(4);
    for (k = 0; k < n; k++) {
        size_t f, nf = pick(8);
        len = put(buf, len, k ? ", {" : "{");
        for (f = 0; f < nf; f++) {
            len = put(buf, len, f ? ", " : "");
            len = put(buf, len, tokens[6 + pick(11)]); /* a field */
            len = put(buf, len, ": ");
            len = put(buf, len, tokens[17 + pick(NTOKENS - 17)]);
        }
        len = put(buf, len, "}");
    }
    return buf[0] == '[' ? put(buf, len, "]") : len;
}

/* Break an input: cut it, flip bytes, put in NUL or invalid UTF-8. */
static size_t damage(char *buf, size_t len)
{
    size_t k, n = pick(4);
    if (len > 0 && pick(4) == 0) {
        len = pick(len + 1);
    }
    for (k = 0; k < n && len > 0; k++) {
        static const char bad[] = { '\0', '\x80', '\xc3', '\xff', '\x1b' };
        size_t at = pick(len);
        buf[at] = pick(2) ? bad[pick(sizeof bad)] : (char)(buf[at] ^ 0x20);
    }
    return len;
}

/* Seeded inputs, each checked. */
START_TEST(seeded_inputs)
{
    long n, i;
    static char buf[MAX_INPUT];
    rnd_state = fouine_test_fuzz_seed(&n, ITERATIONS, "inputs");
    for (i = 0; i < n; i++) {
        size_t len = i % 2 ? make_json(buf) : make_text(buf);
        if (pick(3) == 0) {
            len = damage(buf, len);
        }
        check(buf, len);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("article_fuzz");
    TCase *tc = tcase_create("article_fuzz");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, seed_corpus);
    tcase_add_test(tc, seeded_inputs);
    suite_add_tcase(s, tc);
    return fouine_test_main(s);
}
