/*
** check_query_fuzz.c: seeded fuzzing of the query parser and the search,
** on an index of corpus/.
**
** The seed corpus of the libFuzzer target (tests/fuzz/query-corpus/), then
** queries made of the language's syntax (quotes of three kinds, '-', '*',
** '=', fields, OR and OU, parentheses balanced or not), French words and
** stop words, odd bytes (cut UTF-8, NUL, controls), pasted runs of text
** and motifs repeated until they nest past the parser's depth, each
** checked by
** tests/fuzz/query_check.h: every FTS5 expression the parser makes runs on
** the index, every search answers with all its keys.
**
** FOUINE_FUZZ_SEED sets the seed (printed), FOUINE_FUZZ_ITERATIONS the
** number of queries (default 800).
*/
#include "testutil.h"

#include "fuzz/query_check.h"
#include "store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ITERATIONS 800
#define MAX_QUERY  2048 /* bytes of a generated query, at most */

static fouine_test_corpus corpus;
static query_check_ctx ctx;
static uint32_t rnd_state;

static void setup(void)
{
    fouine_test_corpus_make(&corpus, "query-fuzz");
    ck_assert_int_eq(
        fouine_store_open(&ctx.db, corpus.index, FOUINE_STORE_READ), FOUINE_OK);
    ck_assert_int_eq(fouine_analyzer_new(&ctx.an), FOUINE_OK);
    ck_assert_int_eq(fouine_lexicon_open(&ctx.lx, ctx.db), FOUINE_OK);
}

static void teardown(void)
{
    fouine_lexicon_close(ctx.lx);
    fouine_analyzer_free(ctx.an);
    sqlite3_close(ctx.db);
    fouine_test_corpus_drop(&corpus);
}

static size_t pick(size_t n)
{
    return n ? fouine_test_rnd(&rnd_state) % n : 0;
}

/* Check one query; fails the test with it when a check fails, its bytes
** left in query-fuzz-failure (in the test's directory) for fuzz_query. */
static void check(const char *q, size_t len)
{
    if (query_check(&ctx, q, len)) {
        return;
    }
    fouine_test_keep_failure("query-fuzz-failure", q, len);
    ck_abort_msg("query '%.*s' (in query-fuzz-failure): %s",
                 (int)(len < 300 ? len : 300), q, ctx.why);
}

/* The seed corpus of fuzz_query, file by file. */
START_TEST(seed_corpus)
{
    ck_assert_int_ge(fouine_test_replay("tests/fuzz/query-corpus", check), 5);
}
END_TEST

/* What queries are made of. */
static const char *const pieces[] = {
    "\"",
    "«",
    "»",
    "“",
    "”",
    "-",
    "*",
    "=",
    ":",
    "^",
    "(",
    ")",
    "((((",
    "))))",
    " ",
    " ",
    " ",
    "OR",
    "OU",
    "AND",
    "NOT",
    "NEAR",
    "titre:",
    "chapo:",
    "texte:",
    "title:(",
    "-body:(",
    "l’",
    "d'",
    "qu’",
    "État",
    "grève",
    "Grève",
    "canicule",
    "SNCF",
    "vigilance",
    "rouge",
    "présid",
    "présidenti*",
    "sécurité",
    "hôpitaux",
    "cyberattaques",
    "Lyon",
    "Saint-Étienne",
    "Notre-Dame",
    "le",
    "la",
    "les",
    "de",
    "des",
    "du",
    "un",
    "et",
    "à",
    "que",
    "quel",
    "combien",
    "?",
    "peut-être",
    "aujourd'hui",
    "coeur",
    "œuvre",
    "1 500",
    "000",
    "12,5",
    "2019",
    "Covid-19",
    "gouvernment",
    "secruité",
    "C++",
    "\xc3",
    "\xa9",
    "\x80",
    "\xff",
    "\xf0\x9f\x98\x80",
    "\xe2\x80\xaf",
    "\xc2\xa0",
    "\t",
    "\n",
    "\x01",
    "{",
    "}",
    "+",
    "\\",
    "'",
};

#define NPIECES (sizeof pieces / sizeof pieces[0])

/* Append piece to q (len bytes so far); the new length. */
static size_t add_piece(char *q, size_t len, const char *piece)
{
    size_t m = strlen(piece);
    if (len + m >= MAX_QUERY) {
        return len;
    }
    memcpy(q + len, piece, m);
    return len + m;
}

/* A query: pieces; sometimes a piece many times, a motif of a few pieces
** many times (what nests groups deep: "(grève OR ", "titre:(sncf ",
** "lyon) "), or a pasted paragraph of many pieces. */
static size_t make_query(char *q)
{
    size_t len = 0, n = 1 + pick(pick(8) == 0 ? 120 : 14), k, t;
    for (k = 0; k < n; k++) {
        if (pick(6) == 0) {
            const char *motif[4];
            size_t m = 1 + pick(4), times = 8 + pick(60), j;
            for (j = 0; j < m; j++) {
                motif[j] = pieces[pick(NPIECES)];
            }
            for (t = 0; t < times; t++) {
                for (j = 0; j < m; j++) {
                    len = add_piece(q, len, motif[j]);
                }
            }
            continue;
        }
        {
            const char *piece = pieces[pick(NPIECES)];
            size_t times = pick(10) == 0 ? 1 + pick(40) : 1;
            for (t = 0; t < times; t++) {
                len = add_piece(q, len, piece);
            }
        }
    }
    q[len] = '\0';
    return len;
}

/* Seeded queries, each checked. */
START_TEST(seeded_queries)
{
    long n, i;
    static char q[MAX_QUERY + 1];
    rnd_state = fouine_test_fuzz_seed(&n, ITERATIONS, "queries");
    for (i = 0; i < n; i++) {
        size_t len = make_query(q);
        /* Bytes after a NUL are the parser's only. */
        if (pick(20) == 0 && len > 2) {
            q[pick(len)] = '\0';
        }
        check(q, len);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("query_fuzz");
    TCase *tc = tcase_create("query_fuzz");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, seed_corpus);
    tcase_add_test(tc, seeded_queries);
    suite_add_tcase(s, tc);
    return fouine_test_main(s);
}
