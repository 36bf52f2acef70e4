/*
** check_query.c: fouine-query's library and command on corpus/: the query
** parser (every construct and hostile input: the FTS5 expression produced,
** and that it runs), ranking and fallback, filters, snippets (boundaries,
** UTF-8, marks, elisions, guillemets), suggestions, and the command's
** output and exit statuses.
*/
#include "query.h"
#include "results_json.h"
#include "testutil.h"

#include "fouine/alloc.h"
#include "fouine/fts5.h"
#include "fouine/index.h"
#include "store.h"

#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static fouine_test_corpus corpus; /* corpus/ and its index */
static sqlite3 *db;
static fouine_analyzer *an;
static fouine_lexicon *lexicon; /* the index's */

static void setup(void)
{
    fouine_test_corpus_make(&corpus, "query");
    ck_assert_int_eq(fouine_store_open(&db, corpus.index, FOUINE_STORE_READ),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_analyzer_new(&an), FOUINE_OK);
    ck_assert_int_eq(fouine_lexicon_open(&lexicon, db), FOUINE_OK);
}

static void teardown(void)
{
    fouine_lexicon_close(lexicon);
    fouine_analyzer_free(an);
    sqlite3_close(db);
    fouine_test_corpus_drop(&corpus);
}

/* Run a search with the library; the caller json_decref()s. */
static json_t *search(const char *query, const fouine_search_options *given)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *res = NULL;
    if (given) {
        opts = *given;
    }
    opts.query = query;
    ck_assert_int_eq(fouine_test_search_json(&res, db, an, &opts), FOUINE_OK);
    ck_assert_ptr_nonnull(res);
    return res;
}

static long long total_of(const json_t *res)
{
    return json_integer_value(json_object_get(res, "total"));
}

static const char *hit_str(const json_t *res, size_t i, const char *key)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(res, "hits"), i), key));
}

/* Whether the FTS5 expression runs on the index without an error. */
/* The articles that match expr. */
static long long total_of_expr(const char *expr)
{
    sqlite3_stmt *stmt = NULL;
    long long n;
    ck_assert_int_eq(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM article_fts"
                                        " WHERE article_fts MATCH ?1",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

static void assert_runs(const char *expr)
{
    sqlite3_stmt *stmt = NULL;
    int rc;
    ck_assert_int_eq(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM article_fts"
                                        " WHERE article_fts MATCH ?1",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    ck_assert_msg(rc == SQLITE_ROW, "'%s': %s", expr, sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
}

/* ---- Parser ---- */

/* Each query parsed without a lexicon (each word as its own token: the
** parser alone; the forms a lexicon adds are checked below). */
static const struct {
    const char *query;
    const char *expr; /* NULL: nothing to match */
    const char *any;  /* the fallback expression, or NULL */
} parses[] = {
    { "sécurité hôpitaux", "((\"{sécurité}\") AND (\"{hôpitaux}\"))",
      "((\"{sécurité}\") OR (\"{hôpitaux}\"))" },
    { "la sécurité des hôpitaux", "((\"{sécurité}\") AND (\"{hôpitaux}\"))",
      "((\"{sécurité}\") OR (\"{hôpitaux}\"))" },
    { "\"la poste\"", "(\"{la} {poste}\")", NULL },
    { "«  Le Monde  »", "(\"{le} {monde}\")", NULL },
    { "sécurité -hôpital", "((\"{sécurité}\")) NOT (\"{hôpital}\")", NULL },
    { "grève -\"la poste\"", "((\"{grève}\")) NOT (\"{la} {poste}\")", NULL },
    { "canicule OR grève", "((\"{canicule}\") OR (\"{grève}\"))", NULL },
    { "canicule OU grève", "((\"{canicule}\") OR (\"{grève}\"))", NULL },
    { "canicule ou grève", "((\"{canicule}\") AND (\"{grève}\"))",
      "((\"{canicule}\") OR (\"{grève}\"))" },
    { "(canicule OR grève) -tgv",
      "(((\"{canicule}\") OR (\"{grève}\"))) NOT (\"{tgv}\")", NULL },
    /* An excluded group keeps its own exclusions; one of stop words or of
    ** exclusions only excludes nothing. */
    { "grève -(sncf -tgv)",
      "((\"{grève}\")) NOT (((\"{sncf}\")) NOT (\"{tgv}\"))", NULL },
    { "grève -(le la)", "((\"{grève}\"))", NULL },
    { "grève -(-sncf OR -tgv)", "((\"{grève}\"))", NULL },
    /* A group of one such item is still a group ... */
    { "grève -(-sncf)", "((\"{grève}\"))", NULL },
    { "grève -((-sncf))", "((\"{grève}\"))", NULL },
    { "grève -(le)", "((\"{grève}\"))", NULL },
    { "grève -titre:(-sncf)", "((\"{grève}\"))", NULL },
    /* ... and a group not excluded keeps its item's exclusion. */
    { "grève (-sncf)", "((\"{grève}\")) NOT (\"{sncf}\")", NULL },
    { "grève -titre:(sncf -tgv)",
      "((\"{grève}\")) NOT title : (((\"{sncf}\")) NOT (\"{tgv}\"))", NULL },
    { "présid*", "(\"{présid}\"*)", NULL },
    { "=attaque", "(\"{attaque}\")", NULL },
    { "titre:sécurité", "title : ((\"{sécurité}\"))", NULL },
    { "chapo:canicule", "lead : ((\"{canicule}\"))", NULL },
    { "texte:\"la poste\"", "body : ((\"{la} {poste}\"))", NULL },
    { "title:(canicule OR grève)",
      "title : (((\"{canicule}\") OR (\"{grève}\")))", NULL },
    { "le la les", "(\"{le} {la} {les}\")", NULL },
    /* Hostile input: searched as text. */
    { "\"unbalanced", "(\"{unbalanced}\")", NULL },
    { "-", NULL, NULL },
    { "*", NULL, NULL },
    { ":", NULL, NULL },
    { "^", NULL, NULL },
    { "NEAR", "(\"{near}\")", NULL },
    { "NEAR(canicule grève)",
      "((\"{near}\") AND ((\"{canicule}\") AND (\"{grève}\")))",
      "((\"{near}\") OR ((\"{canicule}\") AND (\"{grève}\")))" },
    { "AND", "(\"{and}\")", NULL },
    { "canicule AND grève",
      "((\"{canicule}\") AND (\"{and}\") AND (\"{grève}\"))",
      "((\"{canicule}\") OR (\"{and}\") OR (\"{grève}\"))" },
    { "C++", "(\"{c}\")", NULL },
    { "peut-être", "(\"{peut} {être}\")", NULL },
    { "l’État", "(\"{état}\")", NULL },
    { "aujourd'hui", "(\"{aujourd'hui}\")", NULL },
    { "\xF0\x9F\x98\x80 canicule", "(\"{canicule}\")", NULL },
    { ")(", NULL, NULL },
    { "((((canicule", "(\"{canicule}\")", NULL },
    { "10:30", "(\"{10} {30}\")", NULL },
    { "accueilli-t-il", "(\"{accueilli}\")", NULL },
    { "Notre-Dame", "(\"{notre} {dame}\")", NULL },
    { "Quelle ville a été paralysée ?",
      "((\"{quelle}\") AND (\"{ville}\") AND (\"{paralysée}\"))",
      "((\"{quelle}\") OR (\"{ville}\") OR (\"{paralysée}\"))" },
    { "titre:", "(\"{titre}\")", NULL },
    { "{title}: canicule", "((\"{title}\") AND (\"{canicule}\"))",
      "((\"{title}\") OR (\"{canicule}\"))" },
    { "canicule\"; DROP TABLE article; --",
      "((\"{canicule}\") AND (\"{drop}\") AND (\"{table}\") AND (\"{article}\"))",
      "((\"{canicule}\") OR (\"{drop}\") OR (\"{table}\") OR (\"{article}\"))" },
};

START_TEST(test_parse_expressions)
{
    size_t i;
    for (i = 0; i < sizeof parses / sizeof parses[0]; i++) {
        fouine_parsed q;
        const char *text = parses[i].query;
        ck_assert_int_eq(fouine_parse(&q, an, NULL, text, strlen(text)),
                         FOUINE_OK);
        if (parses[i].expr) {
            ck_assert_msg(q.expr && strcmp(q.expr, parses[i].expr) == 0,
                          "'%s' -> '%s', expected '%s'", text,
                          q.expr ? q.expr : "(null)", parses[i].expr);
            assert_runs(q.expr);
        } else {
            ck_assert_msg(q.expr == NULL, "'%s' -> '%s', expected nothing",
                          text, q.expr);
        }
        if (parses[i].any) {
            ck_assert_msg(q.any_expr && strcmp(q.any_expr, parses[i].any) == 0,
                          "'%s' fallback -> '%s', expected '%s'", text,
                          q.any_expr ? q.any_expr : "(null)", parses[i].any);
            assert_runs(q.any_expr);
        }
        fouine_parsed_clear(&q);
    }
}
END_TEST

/* Only exclusions: FTS5 cannot run "NOT x" alone; everything else is
** returned, newest first. */
START_TEST(test_parse_only_exclusions)
{
    fouine_parsed q;
    json_t *res;
    ck_assert_int_eq(
        fouine_parse(&q, an, NULL, "-sécurité", strlen("-sécurité")),
        FOUINE_OK);
    ck_assert_ptr_null(q.expr);
    ck_assert_str_eq(q.not_expr, "(\"{sécurité}\")");
    assert_runs(q.not_expr);
    fouine_parsed_clear(&q);
    res = search("-sécurité", NULL);
    ck_assert_int_eq(total_of(res), 24 - 5);
    json_decref(res);
    /* "-(sncf -tgv)" leaves out the articles about the SNCF without the
    ** TGV, not every article about the TGV. */
    res = search("grève -(sncf -tgv)", NULL);
    ck_assert_int_eq(total_of(res), 1);
    json_decref(res);
    /* A group of exclusions only leaves out nothing, even of one
    ** exclusion: "-(-sncf)" is not "-sncf". */
    res = search("grève -(-sncf)", NULL);
    ck_assert_int_eq(total_of(res), 1);
    ck_assert_str_eq(json_string_value(json_object_get(res, "understood")),
                     "grève -(-sncf)");
    json_decref(res);
    res = search("grève -sncf", NULL);
    ck_assert_int_eq(total_of(res), 0);
    json_decref(res);
    /* Alone, such groups are no exclusion to search everything else by
    ** (as "-(le la)"); "-le" is one, and is said. */
    ck_assert_int_eq(
        fouine_parse(&q, an, NULL, "-(-sncf -tgv)", strlen("-(-sncf -tgv)")),
        FOUINE_OK);
    ck_assert_ptr_null(q.expr);
    ck_assert_ptr_null(q.not_expr);
    fouine_parsed_clear(&q);
    ck_assert_int_eq(
        fouine_parse(&q, an, NULL, "grève -le", strlen("grève -le")),
        FOUINE_OK);
    ck_assert_str_eq(q.understood, "grève -le");
    fouine_parsed_clear(&q);
}
END_TEST

/* Long and hostile inputs never give an SQLite error. */
START_TEST(test_parse_hostile_search)
{
    static const char *const inputs[] = {
        "\"",
        "\"\"",
        "-\"",
        "- - -",
        "***",
        "a:b:c",
        "titre:titre:",
        "(",
        ")",
        "OR",
        "OR OR",
        "-(",
        "=",
        "=*",
        "\"a\"*",
        "NOT",
        "canicule NOT",
        "\x80\xff\xfe",
        "é\xcc",
        "\t\r\n",
    };
    char *big = malloc(10241);
    size_t i;
    json_t *res;
    for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        res = search(inputs[i], NULL);
        json_decref(res);
    }
    /* 10 KB of pasted text: words, quotes and operators. */
    ck_assert_ptr_nonnull(big);
    for (i = 0; i < 10240; i++) {
        big[i] =
            "la canicule (frappe) « Paris » -fort \"OR\" * : ^ NEAR "[i % 56];
    }
    big[10240] = '\0';
    res = search(big, NULL);
    ck_assert_int_ge(total_of(res), 1);
    json_decref(res);
    free(big);
}
END_TEST

/* Seeded random queries made of syntax, words and odd bytes: every one is
** searched, and its expressions run. */
START_TEST(test_parse_random)
{
    static const char *const pieces[] = {
        "\"",
        "-",
        "*",
        ":",
        "^",
        "(",
        ")",
        " ",
        " ",
        " ",
        "OR",
        "OU",
        "AND",
        "NOT",
        "NEAR",
        "=",
        "titre:",
        "texte:",
        "chapo:",
        "l’",
        "d'",
        "État",
        "grève",
        "canicule",
        "le",
        "la",
        "des",
        "peut-être",
        "«",
        "»",
        "“",
        "”",
        "\xc3",
        "\xa9",
        "\xf0\x9f\x98\x80",
        "{",
        "}",
        "+",
        "\\",
        "'",
        "\t",
        "C++",
        "2 300",
        "\xe2\x80\xaf",
        "présid",
    };
    unsigned long long seed = 20240611;
    char q[256];
    int i;
    for (i = 0; i < 400; i++) {
        fouine_parsed parsed;
        json_t *res;
        size_t len = 0;
        int k, n;
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        n = 1 + (int)((seed >> 33) % 12);
        for (k = 0; k < n; k++) {
            const char *piece;
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            piece = pieces[(seed >> 33) % (sizeof pieces / sizeof pieces[0])];
            if (len + strlen(piece) + 1 < sizeof q) {
                memcpy(q + len, piece, strlen(piece));
                len += strlen(piece);
            }
        }
        q[len] = '\0';
        ck_assert_int_eq(fouine_parse(&parsed, an, lexicon, q, len), FOUINE_OK);
        if (parsed.expr) {
            assert_runs(parsed.expr);
        }
        if (parsed.any_expr) {
            assert_runs(parsed.any_expr);
        }
        if (parsed.not_expr) {
            assert_runs(parsed.not_expr);
        }
        fouine_parsed_clear(&parsed);
        res = search(q, NULL);
        json_decref(res);
    }
}
END_TEST

/* fouine-query --batch on index, its stdin what printf_args (the quoted
** arguments of printf) print, stdout into out; returns the exit status. */
static int run_batch(const char *printf_args,
                     const char *index,
                     const char *out)
{
    char *cmd = sqlite3_mprintf("printf %s | '%s/fouine-query' -i '%s' --batch"
                                " 2>/dev/null",
                                printf_args, fouine_test_build_dir(), index);
    int rc;
    ck_assert_ptr_nonnull(cmd);
    rc = fouine_test_run(cmd, out);
    sqlite3_free(cmd);
    return rc;
}

/* The JSON lines of out, parsed, into lines (at most max); their number. */
static size_t json_lines(json_t **lines, size_t max, const char *out)
{
    char *text = fouine_test_slurp(out), *line, *save = NULL;
    size_t n = 0;
    ck_assert_ptr_nonnull(text);
    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        ck_assert_msg(n < max, "more lines than %zu", max);
        lines[n] = json_loads(line, 0, NULL);
        ck_assert_msg(lines[n] != NULL, "not JSON: %s", line);
        n++;
    }
    free(text);
    return n;
}

/* Into q (size bytes), open repeated n times, then inner, then close
** repeated n times. */
static void nest(char *q,
                 size_t size,
                 const char *open,
                 const char *inner,
                 const char *close,
                 int n)
{
    size_t len = 0;
    int i;
    q[0] = '\0';
    for (i = 0; i < n && len + strlen(open) < size; i++) {
        memcpy(q + len, open, strlen(open) + 1);
        len += strlen(open);
    }
    if (len + strlen(inner) < size) {
        memcpy(q + len, inner, strlen(inner) + 1);
        len += strlen(inner);
    }
    for (i = 0; i < n && len + strlen(close) < size; i++) {
        memcpy(q + len, close, strlen(close) + 1);
        len += strlen(close);
    }
}

/* Each expression of q runs on the index. */
static void assert_parsed_runs(const char *q)
{
    fouine_parsed parsed;
    size_t i;
    ck_assert_int_eq(fouine_parse(&parsed, an, lexicon, q, strlen(q)),
                     FOUINE_OK);
    {
        const char *const exprs[] = { parsed.expr, parsed.any_expr,
                                      parsed.long_expr, parsed.long_all,
                                      parsed.not_expr };
        for (i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
            if (exprs[i]) {
                assert_runs(exprs[i]);
            }
        }
    }
    fouine_parsed_clear(&parsed);
}

/*
** However deep the groups typed (a run of '(' or of ')', groups in fields,
** exclusions and alternatives at every level, a long query or a question
** around them), the expression stays within what FTS5's parser takes: the
** search answers, and what a shallow nesting means is kept.
*/
START_TEST(test_parse_deep_nesting)
{
    static const struct {
        const char *open, *close;
    } levels[] = {
        { "(", ")" },
        { "grève OR (", ")" },
        { "grève (sncf OR ", ")" },
        { "grève titre:(sncf OR ", ")" },
        { "grève -titre:(sncf OR tgv ", ")" },
        { "grève OR titre:(sncf -chapo:(tgv OR ", "))" },
        { "=grève texte:(\"la poste\" OR -(canicule ", "))" },
        { "(grève OR canicule) titre:(", ")" },
        { "grève -(sncf ", ")" },
        { "grève -(sncf OR -(le ", "))" },
    };
    static const struct {
        const char *before, *after;
    } around[] = {
        { "", "" },
        { "canicule orages vignobles bourgogne ", "" },
        { "Quelle ville a été paralysée ", " ?" },
        { "-sncf ", "" },
    };
    static char q[2048], full[4096], big[8192];
    json_t *res, *flat;
    size_t i, k;
    int depth;

    for (i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        for (depth = 1; depth <= 12; depth++) {
            nest(q, sizeof q, levels[i].open, "lyon", levels[i].close, depth);
            for (k = 0; k < sizeof around / sizeof around[0]; k++) {
                snprintf(full, sizeof full, "%s%s%s", around[k].before, q,
                         around[k].after);
                assert_parsed_runs(full);
                res = search(full, NULL);
                json_decref(res);
            }
        }
    }
    /* 114 '(' around a word, 130 "(grève OR " left open, 300 ')'. */
    nest(big, sizeof big, "(", "grève", ")", 114);
    res = search(big, NULL);
    flat = search("grève", NULL);
    ck_assert_int_eq(total_of(res), total_of(flat));
    ck_assert_int_ge(total_of(res), 1);
    ck_assert_str_eq(hit_str(res, 0, "id"), hit_str(flat, 0, "id"));
    json_decref(res);
    json_decref(flat);
    nest(big, sizeof big, "(grève OR ", "grève", "", 130);
    res = search(big, NULL);
    flat = search("grève", NULL);
    ck_assert_int_eq(total_of(res), total_of(flat));
    json_decref(res);
    json_decref(flat);
    nest(big, sizeof big, "", "canicule", ") orages", 300);
    assert_parsed_runs(big);
    res = search(big, NULL);
    flat = search("canicule orages", NULL);
    ck_assert_int_eq(total_of(res), total_of(flat));
    json_decref(res);
    json_decref(flat);
    /* Unbalanced ')' separate items side by side, as spaces do. */
    res = search("grève) sncf) week-end", NULL);
    flat = search("grève sncf week-end", NULL);
    ck_assert_int_ge(total_of(flat), 1);
    ck_assert_int_eq(total_of(res), total_of(flat));
    ck_assert_str_eq(json_string_value(json_object_get(res, "expression")),
                     json_string_value(json_object_get(flat, "expression")));
    json_decref(res);
    json_decref(flat);
}
END_TEST

/* Whether the "truncated_by" of res is exactly names, "a,b" ("": none),
** and "truncated" agrees. */
static void assert_cut(const json_t *res, const char *names)
{
    const json_t *by = json_object_get(res, "truncated_by"), *name;
    char got[128] = "";
    size_t i;
    ck_assert(json_is_array(by));
    json_array_foreach(by, i, name)
    {
        ck_assert(json_is_string(name));
        if (i) {
            strcat(got, ",");
        }
        strcat(got, json_string_value(name));
    }
    ck_assert_msg(strcmp(got, names) == 0, "truncated by '%s', expected '%s'",
                  got, names);
    ck_assert(json_is_boolean(json_object_get(res, "truncated")));
    ck_assert_int_eq(json_is_true(json_object_get(res, "truncated")),
                     names[0] != '\0');
}

/*
** The bounds of the work of a search apply, and the answer says which one
** cut it short: words past the first 64, a prefix covering too much of
** the index (searched as a word), a phrase of too many stop words
** (searched as its other words), the time budget (the first matches,
** unranked, and all of them counted).  A plain search is not cut.
*/
START_TEST(test_search_bounds)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    static char many[4096];
    json_t *res, *all, *hit;
    const char *understood;
    size_t i, k, n = 0;

    res = search("canicule vigilance", NULL);
    assert_cut(res, "");
    ck_assert_int_eq(total_of(res), 1);
    json_decref(res);
    res = search("\"la poste\" présid*", NULL);
    assert_cut(res, "");
    json_decref(res);

    /* 70 words: the first 64 are searched. */
    for (i = 0; i < 70; i++) {
        n += (size_t)snprintf(many + n, sizeof many - n, "%sgrève%c%c",
                              i ? " OR " : "", (char)('a' + i % 26),
                              (char)('a' + i / 26));
    }
    res = search(many, NULL);
    assert_cut(res, "words");
    ck_assert_ptr_null(strstr(
        json_string_value(json_object_get(res, "understood")), "grèvesc"));
    json_decref(res);

    /* "a*" covers more tokens of the index than the query may: it is the
    ** word "a" (a stop word), "présid*" stays a prefix. */
    opts.prefix_tokens = 40;
    res = search("a* présid*", &opts);
    assert_cut(res, "prefixes");
    understood = json_string_value(json_object_get(res, "understood"));
    ck_assert_str_eq(understood, "présid*");
    ck_assert_int_ge(total_of(res), 1);
    json_decref(res);

    /* A quotation of too many stop words: its other words. */
    res = search("\"il faut que nous soyons à la hauteur de la situation et "
                 "que les élus le sachent\"",
                 NULL);
    assert_cut(res, "phrases");
    ck_assert_str_eq(json_string_value(json_object_get(res, "understood")),
                     "faut hauteur situation élus sachent");
    json_decref(res);

    /* Out of time: the first matches found, unranked, each a match. */
    opts = (fouine_search_options)FOUINE_SEARCH_OPTIONS_INIT;
    opts.budget_ms = FOUINE_BUDGET_SPENT;
    opts.limit = 3;
    res = search("sécurité", &opts);
    assert_cut(res, "time");
    all = search("sécurité", NULL);
    assert_cut(all, "");
    ck_assert_int_eq(json_array_size(json_object_get(res, "hits")), 3);
    ck_assert_int_ge(total_of(all), 3);
    /* Its total is still every match, not the page (a ranked page counts
    ** as it ranks, and was cut short: the matches counted apart). */
    ck_assert_int_eq(total_of(res), total_of(all));
    json_array_foreach(json_object_get(res, "hits"), i, hit)
    {
        int found = 0;
        const json_t *h;
        ck_assert_ptr_null(strstr(
            json_string_value(json_object_get(hit, "snippet")), "<mark>"));
        json_array_foreach(json_object_get(all, "hits"), k, h)
        {
            found |= strcmp(json_string_value(json_object_get(h, "id")),
                            json_string_value(json_object_get(hit, "id"))) == 0;
        }
        ck_assert_msg(found, "hit %zu is not a match", i);
    }
    json_decref(res);
    json_decref(all);
}
END_TEST

/* The keys every answer has. */
static void assert_answer_keys(const json_t *res)
{
    static const char *const keys[] = { "query",           "understood",
                                        "expression",      "fallback",
                                        "total",           "offset",
                                        "limit",           "suggestion",
                                        "correction",      "hits",
                                        "truncated",       "truncated_by",
                                        "took_ms",         "category_unknown",
                                        "category_closest" };
    size_t i;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        ck_assert_msg(json_object_get(res, keys[i]) != NULL, "no \"%s\"",
                      keys[i]);
    }
}

/*
** Bytes of a query that are not UTF-8 are read as U+FFFD: they separate
** words, and the answer echoes them so, with every key (the query, a
** correction of it), from the library and from the command alike.
*/
START_TEST(test_non_utf8_query)
{
    char out[320], cmd[1024];
    json_t *res, *plain;
    const json_t *corr;

    res = search("canicule \xff\xfe vigilance", NULL);
    assert_answer_keys(res);
    ck_assert_str_eq(json_string_value(json_object_get(res, "query")),
                     "canicule \xef\xbf\xbd\xef\xbf\xbd vigilance");
    plain = search("canicule vigilance", NULL);
    ck_assert_int_eq(total_of(res), total_of(plain));
    ck_assert_int_eq(total_of(res), 1);
    json_decref(plain);
    json_decref(res);
    /* A corrected word beside bytes of Latin-1 ("été"). */
    res = search("gouvernment \xe9t\xe9", NULL);
    assert_answer_keys(res);
    corr = json_object_get(res, "correction");
    ck_assert_msg(json_is_object(corr), "no correction");
    ck_assert_str_eq(json_string_value(json_object_get(corr, "query")),
                     "gouvernement \xef\xbf\xbdt\xef\xbf\xbd");
    json_decref(res);

    snprintf(out, sizeof out, "%s/bytes.json", corpus.dir);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-query' -i '%s' --json $(printf"
             " 'canicule\\377')",
             fouine_test_build_dir(), corpus.index);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    res = json_load_file(out, 0, NULL);
    ck_assert_ptr_nonnull(res);
    assert_answer_keys(res);
    ck_assert_str_eq(json_string_value(json_object_get(res, "query")),
                     "canicule\xef\xbf\xbd");
    json_decref(res);
    ck_assert_int_eq(
        run_batch("'canicule\\377\\n\\351t\\351\\n'", corpus.index, out), 0);
    {
        json_t *lines[4];
        size_t n = json_lines(lines, 4, out), i;
        ck_assert_int_eq(n, 2);
        for (i = 0; i < n; i++) {
            assert_answer_keys(lines[i]);
            json_decref(lines[i]);
        }
    }
}
END_TEST

/* ---- Ranking, fallback, filters ---- */

START_TEST(test_rank_title_first)
{
    json_t *res = search("sécurité", NULL);
    ck_assert_int_eq(total_of(res), 5);
    ck_assert_str_eq(hit_str(res, 0, "id"),
                     "anssi-securite-hopitaux-cyberattaques.txt");
    json_decref(res);
}
END_TEST

START_TEST(test_rank_fallback)
{
    json_t *res = search("canicule bijouterie", NULL);
    ck_assert(json_is_true(json_object_get(res, "fallback")));
    ck_assert_int_eq(total_of(res), 2);
    json_decref(res);
    res = search("canicule paris", NULL);
    ck_assert(json_is_false(json_object_get(res, "fallback")));
    json_decref(res);
    /* Three words: the article holding two comes first. */
    res = search("braquage bijoux canicule", NULL);
    ck_assert(json_is_true(json_object_get(res, "fallback")));
    ck_assert_str_eq(hit_str(res, 0, "id"),
                     "place-vendome-braquage-bijouterie-bijoux.txt");
    json_decref(res);
}
END_TEST

/* A question of 4 words or more is ranked as a long query, without its
** question words; a query of 1 to 3 words still requires every word. */
START_TEST(test_rank_questions)
{
    fouine_search_options never = FOUINE_SEARCH_OPTIONS_INIT;
    fouine_parsed q;
    json_t *res, *ors;
    const char *text = "Quel est le nom du fleuve qui traverse Lyon ?";

    ck_assert_int_eq(fouine_parse(&q, an, NULL, text, strlen(text)), FOUINE_OK);
    ck_assert_int_eq(q.question, 1);
    ck_assert_int_eq(q.typed, 9);
    ck_assert_ptr_nonnull(q.long_expr);
    ck_assert_ptr_nonnull(strstr(q.any_expr, "{quel}"));
    ck_assert_ptr_null(strstr(q.long_expr, "{quel}"));
    ck_assert_ptr_null(strstr(q.long_expr, "{nom}"));
    ck_assert_ptr_nonnull(strstr(q.long_expr, "{fleuve}"));
    assert_runs(q.long_expr);
    ck_assert_ptr_nonnull(q.long_all);
    ck_assert_ptr_null(strstr(q.long_all, "{quel}"));
    ck_assert_ptr_nonnull(strstr(q.long_all, "{fleuve}\") AND"));
    assert_runs(q.long_all);
    fouine_parsed_clear(&q);
    /* Quoted, a question word stays. */
    text = "Quel est le \"nom\" du fleuve ?";
    ck_assert_int_eq(fouine_parse(&q, an, NULL, text, strlen(text)), FOUINE_OK);
    ck_assert_ptr_nonnull(strstr(q.long_expr, "{nom}"));
    fouine_parsed_clear(&q);
    text = "canicule paris";
    ck_assert_int_eq(fouine_parse(&q, an, NULL, text, strlen(text)), FOUINE_OK);
    ck_assert_int_eq(q.question, 0);
    fouine_parsed_clear(&q);

    /* 4 words typed or more: the articles holding any item, though one
    ** holds every item but "quand", which is not searched. */
    res = search("Quand est la canicule à Paris ?", NULL);
    ors = search("canicule OR paris", NULL);
    ck_assert_int_eq(total_of(res), total_of(ors));
    /* An article holds every word searched: no fallback, though none
    ** holds "quand". */
    ck_assert(json_is_false(json_object_get(res, "fallback")));
    json_decref(ors);
    ors = search("canicule paris", NULL);
    ck_assert_int_gt(total_of(res), total_of(ors));
    json_decref(res);
    json_decref(ors);
    /* 3 words, even as a question: every word required, then most. */
    res = search("quand canicule bijouterie ?", NULL);
    never.long_query = -1;
    ors = search("quand canicule bijouterie ?", &never);
    ck_assert_int_eq(total_of(res), total_of(ors));
    ck_assert_str_eq(hit_str(res, 0, "id"), hit_str(ors, 0, "id"));
    json_decref(res);
    json_decref(ors);
    res = search("canicule bijouterie ?", NULL);
    ck_assert(json_is_true(json_object_get(res, "fallback")));
    ck_assert_int_eq(total_of(res), 2);
    json_decref(res);
}
END_TEST

/* A long query's fallback flag is told by the articles the filters keep:
** the one article holding every word searched is of the Société category
** and of August 2020. */
START_TEST(test_rank_questions_filtered)
{
    const char *text = "Quand est la canicule à Paris ?";
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *res;

    opts.category = "société";
    res = search(text, &opts);
    ck_assert(json_is_false(json_object_get(res, "fallback")));
    ck_assert_str_eq(hit_str(res, 0, "id"),
                     "canicule-ile-de-france-vigilance-rouge.txt");
    json_decref(res);
    opts.category = "sport";
    res = search(text, &opts);
    ck_assert(json_is_true(json_object_get(res, "fallback")));
    ck_assert_int_gt(total_of(res), 0); /* of Paris, in Sport */
    json_decref(res);
    opts.category = NULL;
    opts.since = "2020-09";
    res = search(text, &opts);
    ck_assert(json_is_true(json_object_get(res, "fallback")));
    json_decref(res);
    opts.since = "2020-08";
    opts.sort = FOUINE_SORT_DATE;
    res = search(text, &opts);
    ck_assert(json_is_false(json_object_get(res, "fallback")));
    json_decref(res);
}
END_TEST

START_TEST(test_filters)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *res, *hits, *hit;
    const char *prev = "9999";
    size_t i;

    opts.sort = FOUINE_SORT_DATE;
    res = search("france", &opts);
    hits = json_object_get(res, "hits");
    ck_assert_int_ge(json_array_size(hits), 3);
    json_array_foreach(hits, i, hit)
    {
        const char *d = json_string_value(json_object_get(hit, "date"));
        ck_assert_msg(strcmp(d, prev) <= 0, "%s after %s", d, prev);
        prev = d;
    }
    json_decref(res);

    opts = (fouine_search_options)FOUINE_SEARCH_OPTIONS_INIT;
    opts.since = "2022-06";
    opts.until = "2022";
    res = search("prix OR urgences OR chômage OR franc", &opts);
    json_array_foreach(json_object_get(res, "hits"), i, hit)
    {
        const char *d = json_string_value(json_object_get(hit, "date"));
        ck_assert_msg(strncmp(d, "2022-06", 7) >= 0 &&
                          strncmp(d, "2022", 4) <= 0,
                      "%s", d);
    }
    ck_assert_int_ge(total_of(res), 3);
    json_decref(res);

    opts = (fouine_search_options)FOUINE_SEARCH_OPTIONS_INIT;
    opts.category = "securite";
    res = search("cyberattaque", &opts);
    ck_assert_int_ge(total_of(res), 1);
    json_array_foreach(json_object_get(res, "hits"), i, hit)
    {
        ck_assert_str_eq(json_string_value(json_object_get(hit, "category")),
                         "Sécurité");
    }
    json_decref(res);

    opts = (fouine_search_options)FOUINE_SEARCH_OPTIONS_INIT;
    opts.query = "canicule";
    ck_assert_ptr_null(fouine_search_options_error(&opts));
    opts.since = "2019-13";
    ck_assert_ptr_nonnull(fouine_search_options_error(&opts));
    opts.since = "2019-02-30"; /* no such day */
    ck_assert_ptr_nonnull(fouine_search_options_error(&opts));
    opts.since = "2019-02-29"; /* not a leap year */
    ck_assert_ptr_nonnull(fouine_search_options_error(&opts));
    opts.since = "2020-02-29";
    ck_assert_ptr_null(fouine_search_options_error(&opts));
    opts.since = "2019-04-31";
    ck_assert_ptr_nonnull(fouine_search_options_error(&opts));
}
END_TEST

/* A category the index does not have gives no hit, and the answer says
** so, with the index's category a typing error away when there is one;
** a category it has says nothing, even when nothing matches in it. */
START_TEST(test_unknown_category)
{
    static const struct {
        const char *category, *closest;
        int unknown;
    } cases[] = {
        { "Sécurtié", "Sécurité", 1 }, /* two letters swapped */
        { "securites", "Sécurité", 1 }, { "Astronomie", NULL, 1 },
        { "sécurité", NULL, 0 },        { "SPORT", NULL, 0 },
    };
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *res, *ors;
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const json_t *closest;
        opts.category = cases[i].category;
        res = search("cyberattaque", &opts);
        ck_assert_msg(
            json_is_boolean(json_object_get(res, "category_unknown")) &&
                json_boolean_value(json_object_get(res, "category_unknown")) ==
                    cases[i].unknown,
            "%s", cases[i].category);
        closest = json_object_get(res, "category_closest");
        if (cases[i].closest) {
            ck_assert_str_eq(json_string_value(closest), cases[i].closest);
        } else {
            ck_assert_msg(json_is_null(closest), "%s", cases[i].category);
        }
        if (cases[i].unknown) {
            ck_assert_int_eq(total_of(res), 0);
        }
        json_decref(res);
    }
    /* Said too when no word is searched, and never a fallback when the
    ** filter leaves nothing. */
    opts.category = "Sécurtié";
    res = search("-cyberattaque", &opts);
    ck_assert(json_is_true(json_object_get(res, "category_unknown")));
    ck_assert_str_eq(
        json_string_value(json_object_get(res, "category_closest")),
        "Sécurité");
    json_decref(res);
    res = search("", &opts);
    ck_assert(json_is_true(json_object_get(res, "category_unknown")));
    json_decref(res);
    res = search("Qui a attaqué les hôpitaux en France ?", &opts);
    ck_assert_int_eq(total_of(res), 0);
    ck_assert(json_is_false(json_object_get(res, "fallback")));
    json_decref(res);
    /* Spaces around a name aside; an empty name is no filter. */
    opts.category = " Sécurité\t";
    res = search("cyberattaque", &opts);
    ck_assert(json_is_false(json_object_get(res, "category_unknown")));
    ck_assert_int_ge(total_of(res), 1);
    json_decref(res);
    opts.category = "";
    res = search("cyberattaque", &opts);
    ors = search("cyberattaque", NULL);
    ck_assert(json_is_false(json_object_get(res, "category_unknown")));
    ck_assert_int_eq(total_of(res), total_of(ors));
    json_decref(res);
    json_decref(ors);
    /* Sport has articles, none about a cyberattack. */
    opts.category = "sport";
    res = search("cyberattaque", &opts);
    ck_assert_int_eq(total_of(res), 0);
    ck_assert(json_is_false(json_object_get(res, "category_unknown")));
    json_decref(res);
}
END_TEST

/* What is wrong with a date, its field and value named: the form, a month
** or a day the calendar lacks (leap years counted). */
START_TEST(test_date_errors)
{
    static const struct {
        const char *since, *until;
        const char *field, *why, *message;
    } cases[] = {
        { "2019-02-30", NULL, "since",
          "'2019-02-30': no such day (February 2019 has 28 days)",
          "since: no such day" },
        { NULL, "2019-02-29", "until",
          "'2019-02-29': no such day (February 2019 has 28 days)",
          "until: no such day" },
        { "2020-02-30", NULL, "since",
          "'2020-02-30': no such day (February 2020 has 29 days)",
          "since: no such day" },
        { "2019-04-31", NULL, "since",
          "'2019-04-31': no such day (April 2019 has 30 days)",
          "since: no such day" },
        { "2019-05-00", NULL, "since",
          "'2019-05-00': no such day (May 2019 has 31 days)",
          "since: no such day" },
        { "2019", "2019-13", "until",
          "'2019-13': no such month (months are 01 to 12)",
          "until: no such month" },
        { "abc", NULL, "since",
          "'abc': expected a date YYYY, YYYY-MM or YYYY-MM-DD",
          "since: expected a date YYYY, YYYY-MM or YYYY-MM-DD" },
        { "14 mai 2019", NULL, "since",
          "'14 mai 2019': expected a date YYYY, YYYY-MM or YYYY-MM-DD",
          "since: expected a date YYYY, YYYY-MM or YYYY-MM-DD" },
        { "2019-5-14", NULL, "since",
          "'2019-5-14': expected a date YYYY, YYYY-MM or YYYY-MM-DD",
          "since: expected a date YYYY, YYYY-MM or YYYY-MM-DD" },
        /* A range that holds no day. */
        { "2020", "2019", "until", "'2019': before since (since is '2020')",
          "until: before since" },
        { "2019-06", "2019-05-31", "until",
          "'2019-05-31': before since (since is '2019-06')",
          "until: before since" },
        /* A long value is cut on a character boundary. */
        { "Élection présidentielle de l'année réélue", NULL, "since",
          "'Élection présidentielle de l'année r...': expected a date YYYY, "
          "YYYY-MM or YYYY-MM-DD",
          "since: expected a date YYYY, YYYY-MM or YYYY-MM-DD" },
    };
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    char why[FOUINE_SEARCH_ERROR_MAX];
    const char *field = "";
    size_t i;

    opts.query = "canicule";
    opts.since = "2019-12";
    opts.until = "2019"; /* the days of December 2019 */
    ck_assert_int_eq(fouine_search_options_check(&field, why, &opts),
                     FOUINE_OK);
    ck_assert_ptr_null(field);
    ck_assert_str_eq(why, "");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        opts.since = cases[i].since;
        opts.until = cases[i].until;
        ck_assert_int_eq(fouine_search_options_check(&field, why, &opts),
                         FOUINE_EINVAL);
        ck_assert_str_eq(field, cases[i].field);
        ck_assert_str_eq(why, cases[i].why);
        ck_assert_str_eq(fouine_search_options_error(&opts), cases[i].message);
    }
    /* Other fields, with their values. */
    opts.since = opts.until = NULL;
    opts.limit = 1001;
    ck_assert_int_eq(fouine_search_options_check(&field, why, &opts),
                     FOUINE_EINVAL);
    ck_assert_str_eq(field, "limit");
    ck_assert_str_eq(why, "'1001': expected a number from 1 to 1000");
}
END_TEST

START_TEST(test_paging_and_comments)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *all, *page, *res;
    all = search("sécurité", NULL);
    opts.limit = 2;
    opts.offset = 2;
    page = search("sécurité", &opts);
    ck_assert_int_eq(total_of(page), 5);
    ck_assert_int_eq(json_array_size(json_object_get(page, "hits")), 2);
    ck_assert_str_eq(hit_str(page, 0, "id"), hit_str(all, 2, "id"));
    ck_assert_str_eq(hit_str(page, 1, "id"), hit_str(all, 3, "id"));
    json_decref(all);
    json_decref(page);

    res = search("tartiflette", NULL);
    ck_assert_int_eq(total_of(res), 0);
    json_decref(res);
    opts = (fouine_search_options)FOUINE_SEARCH_OPTIONS_INIT;
    opts.comments = 1;
    res = search("tartiflette", &opts);
    ck_assert_int_eq(total_of(res), 1);
    ck_assert_str_eq(hit_str(res, 0, "id"),
                     "anssi-securite-hopitaux-cyberattaques.txt");
    ck_assert_ptr_nonnull(
        strstr(hit_str(res, 0, "snippet"), "<mark>tartiflette</mark>"));
    json_decref(res);
}
END_TEST

/* Ties in score go to the newer article, whatever the order of
** indexing. */
START_TEST(test_rank_ties_newer)
{
    char path[320];
    sqlite3 *tdb = NULL;
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *res = NULL;
    snprintf(path, sizeof path, "%s/ties.db", corpus.dir);
    ck_assert_int_eq(fouine_store_open(&tdb, path, FOUINE_STORE_WRITE),
                     FOUINE_OK);
    ck_assert_int_eq(
        sqlite3_exec(tdb,
                     "INSERT INTO article(id, source, title, lead, body, date)"
                     " VALUES ('recent', 'a', 'Grève à la SNCF',"
                     " 'Les cheminots sont en grève.', '', '2021-03-01'),"
                     " ('ancien', 'b', 'Grève à la SNCF',"
                     " 'Les cheminots sont en grève.', '', '2019-03-01'),"
                     " ('moyen', 'c', 'Grève à la SNCF',"
                     " 'Les cheminots sont en grève.', '', '2020-03-01')",
                     NULL, NULL, NULL),
        SQLITE_OK);
    opts.query = "grève cheminots";
    ck_assert_int_eq(fouine_test_search_json(&res, tdb, an, &opts), FOUINE_OK);
    ck_assert_int_eq(total_of(res), 3);
    ck_assert_str_eq(hit_str(res, 0, "id"), "recent");
    ck_assert_str_eq(hit_str(res, 1, "id"), "moyen");
    ck_assert_str_eq(hit_str(res, 2, "id"), "ancien");
    json_decref(res);
    sqlite3_close(tdb);
}
END_TEST

/* ---- Pages that leave unranked the matches that cannot be on them ---- */

/* The page of query (ids and scores) and its total into out, through the
** fast path or, with exhaustive, the path that ranks every match. */
static void page_text(char *out,
                      size_t size,
                      const char *query,
                      int limit,
                      int offset,
                      int collapse,
                      int exhaustive)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *res = NULL, *hit;
    size_t i, at;
    opts.query = query;
    opts.limit = limit;
    opts.offset = offset;
    opts.no_collapse = !collapse;
    opts.budget_ms = -1; /* the whole answer, however busy the machine */
    if (exhaustive) {
        ck_assert_int_eq(setenv("FOUINE_SEARCH_EXHAUSTIVE", "1", 1), 0);
    }
    ck_assert_int_eq(fouine_test_search_json(&res, db, an, &opts), FOUINE_OK);
    ck_assert_int_eq(unsetenv("FOUINE_SEARCH_EXHAUSTIVE"), 0);
    at = (size_t)snprintf(out, size, "%lld:", total_of(res));
    json_array_foreach(json_object_get(res, "hits"), i, hit)
    {
        int n = snprintf(out + at, size - at, " %s %.17g",
                         json_string_value(json_object_get(hit, "id")),
                         json_number_value(json_object_get(hit, "score")));
        ck_assert(n > 0 && (size_t)n < size - at);
        at += (size_t)n;
    }
    json_decref(res);
}

/* Questions (their items OR-ed, a rare word among common ones) and short
** searches: every page is that of the path that ranks every match. */
START_TEST(test_rank_top_exact)
{
    static const char *const queries[] = {
        "Pourquoi les hôpitaux sont-ils la cible de cyberattaques en France ?",
        "Quel est le taux de chômage en France cette année ?",
        "Combien de personnes de plus de 75 ans sont vaccinées ?",
        "Qui a remporté l'étape des Alpes du Tour de France ?",
        "Les prix alimentaires et le lait : pourquoi les éleveurs bloquent ?",
        "France",
        "record",
        "la ville",
        "grève SNCF"
    };
    /* The first pages, and one past the last match (the total still
    ** counted). */
    static const int offsets[] = { 0, 1, 2, 3, 4, 100000 };
    char fast[2048], slow[2048];
    size_t i, k;
    int limit, offset, collapse;
    for (i = 0; i < sizeof queries / sizeof *queries; i++) {
        for (collapse = 0; collapse < 2; collapse++) {
            for (limit = 1; limit <= 3; limit++) {
                for (k = 0; k < sizeof offsets / sizeof *offsets; k++) {
                    offset = offsets[k];
                    page_text(fast, sizeof fast, queries[i], limit, offset,
                              collapse, 0);
                    page_text(slow, sizeof slow, queries[i], limit, offset,
                              collapse, 1);
                    ck_assert_msg(strcmp(fast, slow) == 0,
                                  "'%s' limit %d offset %d collapse %d: %s"
                                  " against %s",
                                  queries[i], limit, offset, collapse, fast,
                                  slow);
                }
            }
        }
    }
}
END_TEST

/* fouine_rank_top() leaves rows unranked, and the rows first are those
** of fouine_rank(), with the same scores. */
START_TEST(test_rank_top_skips)
{
    static const char exact_sql[] =
        "SELECT rowid, fouine_rank(article_fts, ?2) AS s FROM article_fts"
        " WHERE article_fts MATCH ?1 ORDER BY s, rowid LIMIT 2";
    static const char top_sql[] =
        "SELECT rowid, coalesce(fouine_rank_top(article_fts, ?3, ?2), 1e300)"
        " AS s FROM article_fts WHERE article_fts MATCH ?1 ORDER BY s, rowid"
        " LIMIT 2";
    const char *text =
        "Pourquoi les hôpitaux sont-ils la cible de cyberattaques en France ?";
    sqlite3_stmt *exact = NULL, *top = NULL;
    fouine_topk t;
    fouine_parsed q;
    int rc, k;

    memset(&t, 0, sizeof t);
    ck_assert_int_eq(fouine_search_register(db), FOUINE_OK);
    ck_assert_int_eq(fouine_parse(&q, an, lexicon, text, strlen(text)),
                     FOUINE_OK);
    ck_assert_ptr_nonnull(q.long_expr);
    ck_assert_int_eq(sqlite3_prepare_v2(db, exact_sql, -1, &exact, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, top_sql, -1, &top, NULL),
                     SQLITE_OK);
    for (k = 0; k < 2; k++) {
        sqlite3_stmt *st = k ? top : exact;
        sqlite3_bind_text(st, 1, q.long_expr, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, q.long_map, -1, SQLITE_STATIC);
    }
    sqlite3_bind_pointer(top, 3, &t, FOUINE_TOPK_POINTER, NULL);
    ck_assert_int_eq(fouine_topk_rewind(&t, 2), FOUINE_OK);
    for (k = 0; k < 2; k++) {
        ck_assert_int_eq(sqlite3_step(exact), SQLITE_ROW);
        ck_assert_int_eq(sqlite3_step(top), SQLITE_ROW);
        ck_assert_int_eq(sqlite3_column_int64(top, 0),
                         sqlite3_column_int64(exact, 0));
        ck_assert_double_eq(sqlite3_column_double(top, 1),
                            sqlite3_column_double(exact, 1));
    }
    rc = sqlite3_step(top);
    ck_assert_int_eq(rc, SQLITE_DONE);
    /* Every match looked at once; some left unranked, the hospitals'
    ** and the cyberattacks' article ranked first. */
    ck_assert_int_gt(t.skipped, 0);
    ck_assert_int_ge(t.ranked, 2);
    ck_assert_int_eq(t.ranked + t.skipped, total_of_expr(q.long_expr));
    sqlite3_finalize(exact);
    sqlite3_finalize(top);
    fouine_topk_clear(&t);
    fouine_parsed_clear(&q);
}
END_TEST

/* ---- The query language on an index of its own ---- */

/* Articles chosen for the fixes below: which hold "a" or "à", words that
** start with "mon" or "dé", "attaque" with or without its accent, and an
** untitled one, written through fouine_index_put() (their words go to the
** lexicon as fouine-index's do).  fouine_index_close() it. */
static fouine_index *language_index(void)
{
    static const char *const rows[][5] = {
        { "maire", "Le maire a démissionné", "Il quitte la mairie de Brest.",
          "", "2019-01-01" },
        { "neige", "Paris sous la neige", "La neige tombe sur Paris ce matin.",
          "", "2019-01-02" },
        { "defile", "Défilé militaire à Paris",
          "Les troupes remontent les Champs-Élysées.", "", "2019-01-03" },
        { "mon", "Mon quartier change", "Les habitants racontent.", "",
          "2019-01-04" },
        { "monde", "Le monde regarde Brest", "Une course suivie partout.", "",
          "2019-01-05" },
        { "attaque", "Attaque au couteau dans le métro", "Un homme est blessé.",
          "", "2019-01-06" },
        { "attaqué", "Le commissariat attaqué", "Les policiers sont indemnes.",
          "", "2019-01-07" },
        { "untitled", "",
          "Le conseil municipal de Brest a voté lundi la gratuité des"
          " transports en commun pour les moins de vingt-six ans.",
          "La mesure entrera en vigueur en septembre.", "2019-01-08" },
    };
    char path[320];
    fouine_index *ix = NULL;
    size_t i, f;
    snprintf(path, sizeof path, "%s/language.db", corpus.dir);
    unlink(path);
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    for (i = 0; i < sizeof rows / sizeof *rows; i++) {
        fouine_article a = { 0 };
        char **fields[5] = { &a.id, &a.title, &a.lead, &a.body, &a.date };
        for (f = 0; f < 5; f++) {
            *fields[f] = fouine_strdup(rows[i][f]);
            ck_assert_ptr_nonnull(*fields[f]);
        }
        ck_assert_int_eq(fouine_index_put(NULL, ix, &a), FOUINE_OK);
        fouine_article_clear(&a);
    }
    ck_assert_int_eq(fouine_index_commit(ix), FOUINE_OK);
    return ix;
}

/* The ids of the hits of query on tdb, sorted, comma-separated, in out. */
static long long hit_ids(char *out, size_t cap, sqlite3 *tdb, const char *query)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *res = NULL, *hit;
    const char *ids[16];
    size_t i, j, n = 0, len = 0;
    long long total;
    opts.query = query;
    opts.limit = 16;
    ck_assert_int_eq(fouine_test_search_json(&res, tdb, an, &opts), FOUINE_OK);
    json_array_foreach(json_object_get(res, "hits"), i, hit)
    {
        ids[n++] = json_string_value(json_object_get(hit, "id"));
    }
    for (i = 1; i < n; i++) { /* insertion sort */
        for (j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
            const char *t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    }
    out[0] = '\0';
    for (i = 0; i < n; i++) {
        size_t w = strlen(ids[i]);
        ck_assert_uint_lt(len + 1 + w, cap);
        if (i) {
            out[len++] = ',';
        }
        memcpy(out + len, ids[i], w + 1); /* its NUL too */
        len += w;
    }
    total = total_of(res);
    ck_assert_int_eq(total, (long long)n);
    json_decref(res);
    return total;
}

/* -a: every article without the word a (nor à, accents being ignored);
** a prefix is a prefix even when its text is a stop word; =word keeps its
** accents. */
START_TEST(test_language_fixes)
{
    fouine_index *ix = language_index();
    sqlite3 *tdb = fouine_index_db(ix);
    char ids[256];
    hit_ids(ids, sizeof ids, tdb, "-a");
    ck_assert_str_eq(ids, "attaque,attaqué,mon,monde,neige");
    hit_ids(ids, sizeof ids, tdb, "mon*");
    ck_assert_str_eq(ids, "mon,monde");
    hit_ids(ids, sizeof ids, tdb, "mond*");
    ck_assert_str_eq(ids, "monde");
    hit_ids(ids, sizeof ids, tdb, "paris");
    ck_assert_str_eq(ids, "defile,neige");
    hit_ids(ids, sizeof ids, tdb, "de* paris");
    ck_assert_str_eq(ids, "defile");
    hit_ids(ids, sizeof ids, tdb, "dé* paris");
    ck_assert_str_eq(ids, "defile");
    hit_ids(ids, sizeof ids, tdb, "attaque");
    ck_assert_str_eq(ids, "attaque,attaqué");
    hit_ids(ids, sizeof ids, tdb, "=attaque");
    ck_assert_str_eq(ids, "attaque");
    hit_ids(ids, sizeof ids, tdb, "=Attaqué");
    ck_assert_str_eq(ids, "attaqué");
    fouine_index_close(ix);
}
END_TEST

/* An untitled article is found by its lead and body; its title shown is
** the start of its lead, cut at a word, with the matches marked. */
START_TEST(test_untitled_title)
{
    fouine_index *ix = language_index();
    sqlite3 *tdb = fouine_index_db(ix);
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *res = NULL, *hit;
    const char *title;
    opts.query = "gratuité septembre";
    ck_assert_int_eq(fouine_test_search_json(&res, tdb, an, &opts), FOUINE_OK);
    ck_assert_int_eq(total_of(res), 1);
    hit = json_array_get(json_object_get(res, "hits"), 0);
    ck_assert(json_is_true(json_object_get(hit, "untitled")));
    title = json_string_value(json_object_get(hit, "title_text"));
    ck_assert_str_eq(title, "Le conseil municipal de Brest a voté lundi la "
                            "gratuité des transports en commun …");
    ck_assert_str_eq(json_string_value(json_object_get(hit, "title")),
                     "Le conseil municipal de Brest a voté lundi la "
                     "<mark>gratuité</mark> des transports en commun …");
    json_decref(res);
    opts.query = "maire";
    ck_assert_int_eq(fouine_test_search_json(&res, tdb, an, &opts), FOUINE_OK);
    hit = json_array_get(json_object_get(res, "hits"), 0);
    ck_assert(json_is_false(json_object_get(hit, "untitled")));
    ck_assert_str_eq(json_string_value(json_object_get(hit, "title_text")),
                     "Le maire a démissionné");
    json_decref(res);
    fouine_index_close(ix);
}
END_TEST

/* ---- Facets ---- */

/* Whether list (n facets) holds value with count. */
static int facet_has(const fouine_facet *list,
                     size_t n,
                     const char *value,
                     long long count)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (strcmp(list[i].value, value) == 0) {
            return list[i].count == count;
        }
    }
    return 0;
}

/*
** The facet key (a column of article a) counted straight from the tables
** for the FTS5 expression expr, with since, until and the category (each
** NULL: not applied), must be the facet list: every value with its count,
** and no other.
*/
static void assert_facet(sqlite3 *tdb,
                         const char *what,
                         const char *key,
                         const char *expr,
                         const char *since,
                         const char *until,
                         const char *category,
                         const fouine_facet *list,
                         size_t n)
{
    char sql[1024];
    sqlite3_stmt *stmt = NULL;
    size_t rows = 0;
    snprintf(sql, sizeof sql,
             "SELECT %s, count(*) FROM article_fts f JOIN article a"
             " ON a.rowid = f.rowid WHERE article_fts MATCH ?1"
             " AND (?2 IS NULL OR substr(a.date, 1, length(?2)) >= ?2)"
             " AND (?3 IS NULL OR substr(a.date, 1, length(?3)) <= ?3)"
             " AND (?4 IS NULL OR fouine_fold(a.category) = fouine_fold(?4))"
             " AND %s <> '' GROUP BY 1",
             key, key);
    ck_assert_int_eq(sqlite3_prepare_v2(tdb, sql, -1, &stmt, NULL), SQLITE_OK);
    sqlite3_bind_text(stmt, 1, expr, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, since, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, until, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, category, -1, SQLITE_STATIC);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(stmt, 0);
        long long c = sqlite3_column_int64(stmt, 1);
        ck_assert_msg(facet_has(list, n, v, c), "%s: %s (%lld) missing", what,
                      v, c);
        rows++;
    }
    sqlite3_finalize(stmt);
    ck_assert_msg(rows == n, "%s: %zu values, %zu counted", what, n, rows);
}

/* A search of query on tdb with these filters (fouine_results_free()). */
static fouine_results *filtered(sqlite3 *tdb,
                                const char *query,
                                const char *since,
                                const char *until,
                                const char *category,
                                int facets)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    fouine_results *r = NULL;
    opts.query = query;
    opts.since = since;
    opts.until = until;
    opts.category = category;
    opts.facets = facets;
    ck_assert_int_eq(fouine_search_db(&r, tdb, an, &opts), FOUINE_OK);
    return r;
}

/* The total of a search of query on tdb with these filters. */
static long long filtered_total(sqlite3 *tdb,
                                const char *query,
                                const char *since,
                                const char *until,
                                const char *category)
{
    fouine_results *r = filtered(tdb, query, since, until, category, 0);
    long long total = r->total;
    fouine_results_free(r);
    return total;
}

/* Each of the years or months dates (newest first) gives its count when
** it is chosen as since and until, with the category. */
static void assert_dates(sqlite3 *tdb,
                         const char *query,
                         const char *category,
                         const fouine_facet *dates,
                         size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        ck_assert_int_eq(filtered_total(tdb, query, dates[i].value,
                                        dates[i].value, category),
                         dates[i].count);
        ck_assert(i == 0 || strcmp(dates[i - 1].value, dates[i].value) > 0);
    }
}

/*
** The facets of query on tdb with the filters: each counted straight from
** the tables with the other filters and not its own, and each value's count
** the total that choosing it gives (a category in place of the one chosen,
** a year or a month in place of the dates).
*/
static void assert_facets(sqlite3 *tdb,
                          const char *query,
                          const char *since,
                          const char *until,
                          const char *category)
{
    fouine_results *r = filtered(tdb, query, since, until, category, 1);
    const fouine_facets *f = r->facets;
    size_t i;
    ck_assert_msg(f != NULL, "%s: no facets", query);
    ck_assert_int_eq(r->total,
                     filtered_total(tdb, query, since, until, category));
    assert_facet(tdb, "categories", "a.category", r->expression, since, until,
                 NULL, f->categories, f->ncategories);
    assert_facet(tdb, "years", "substr(a.date, 1, 4)", r->expression, NULL,
                 NULL, category, f->years, f->nyears);
    /* A date without a month ("2021") is in a year, in no month. */
    assert_facet(tdb, "months",
                 "CASE WHEN length(a.date) >= 7 THEN substr(a.date, 1, 7) END",
                 r->expression, NULL, NULL, category, f->months, f->nmonths);
    for (i = 0; i < f->ncategories; i++) {
        ck_assert_int_eq(
            filtered_total(tdb, query, since, until, f->categories[i].value),
            f->categories[i].count);
        ck_assert(i == 0 ||
                  f->categories[i - 1].count >= f->categories[i].count);
    }
    assert_dates(tdb, query, category, f->years, f->nyears);
    assert_dates(tdb, query, category, f->months, f->nmonths);
    fouine_results_free(r);
}

START_TEST(test_facets)
{
    fouine_results *r = NULL;
    char path[320];
    sqlite3 *tdb = NULL;

    assert_facets(db, "plus", NULL, NULL, NULL);
    assert_facets(db, "plus", "2021", "2022-12", NULL);
    assert_facets(db, "plus OR grève OR prix", "2020-02", "2022-08-12",
                  "economie");
    assert_facets(db, "sécurité", NULL, NULL, "SÉCURITÉ");
    /* The filters of the search narrow the other facets only: with
    ** Sciences chosen, Économie is still offered; with 2023 chosen, where
    ** nothing is found, 2022 is. */
    r = filtered(db, "plus", "2022", NULL, "Sciences", 1);
    ck_assert_int_eq(r->total, 1);
    ck_assert_uint_eq(r->facets->ncategories, 2);
    ck_assert(facet_has(r->facets->categories, 2, "Économie", 1));
    fouine_results_free(r);
    r = filtered(db, "plus", "2023", NULL, "Économie", 1);
    ck_assert_int_eq(r->total, 0);
    ck_assert_uint_eq(r->facets->nyears, 1);
    ck_assert(facet_has(r->facets->years, 1, "2022", 1));
    ck_assert(facet_has(r->facets->months, 1, "2022-12", 1));
    fouine_results_free(r);
    /* Without the option, no facets. */
    r = filtered(db, "plus", NULL, NULL, NULL, 0);
    ck_assert_ptr_null(r->facets);
    fouine_results_free(r);

    /* Dates that are not ISO 8601 days: counted in SQL, the same way. */
    snprintf(path, sizeof path, "%s/dates.db", corpus.dir);
    unlink(path);
    ck_assert_int_eq(fouine_store_open(&tdb, path, FOUINE_STORE_WRITE),
                     FOUINE_OK);
    ck_assert_int_eq(
        sqlite3_exec(
            tdb,
            "INSERT INTO article(id, source, title, lead, body, date,"
            " category) VALUES"
            " ('a', 'a', 'Grève des cheminots', 'La grève continue.',"
            " '', '2021-03-01T08:00:00+01:00', 'Société'),"
            " ('b', 'b', 'Grève à la poste', 'Les postiers en grève.',"
            " '', '2021', 'Société'),"
            " ('c', 'c', 'Grève au lycée', 'Les enseignants en grève.',"
            " '', NULL, 'Éducation'),"
            " ('d', 'd', 'Grève des éboueurs', 'Les poubelles"
            " débordent pendant la grève.', '', '2020-11-05', NULL)",
            NULL, NULL, NULL),
        SQLITE_OK);
    assert_facets(tdb, "grève", NULL, NULL, NULL);
    assert_facets(tdb, "grève", "2021", NULL, "societe");
    sqlite3_close(tdb);
}
END_TEST

/* The facets of query on ix: its categories and years as "name:count ...". */
static void facets_of(char *out, size_t size, fouine_index *ix, const char *q)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    fouine_results *r = NULL;
    size_t i, len = 0;
    opts.query = q;
    opts.facets = 1;
    ck_assert_int_eq(fouine_search(&r, ix, &opts), FOUINE_OK);
    out[0] = '\0';
    for (i = 0; i < r->facets->ncategories; i++) {
        len += (size_t)snprintf(out + len, size - len, "%s:%lld ",
                                r->facets->categories[i].value,
                                r->facets->categories[i].count);
    }
    for (i = 0; i < r->facets->nyears; i++) {
        len += (size_t)snprintf(out + len, size - len, "%s:%lld ",
                                r->facets->years[i].value,
                                r->facets->years[i].count);
    }
    ck_assert_uint_lt(len, size);
    fouine_results_free(r);
}

/* An article of the language index's kind: about Paris, in category. */
static void put_paris(fouine_index *ix,
                      const char *id,
                      const char *date,
                      const char *category)
{
    fouine_article a = { 0 };
    char *fields[5];
    fields[0] = a.id = fouine_strdup(id);
    fields[1] = a.title = fouine_strdup("Paris sous la pluie");
    fields[2] = a.lead = fouine_strdup("Il pleut sur Paris depuis lundi.");
    fields[3] = a.date = fouine_strdup(date);
    fields[4] = a.category = fouine_strdup(category);
    ck_assert(fields[0] && fields[1] && fields[2] && fields[3] && fields[4]);
    ck_assert_int_eq(fouine_index_put(NULL, ix, &a), FOUINE_OK);
    fouine_article_clear(&a);
}

/* The facets follow the index: the handle's own writes and another's. */
START_TEST(test_facets_follow_writes)
{
    fouine_index *ix = language_index(), *other = NULL;
    char facets[512], path[320];
    facets_of(facets, sizeof facets, ix, "paris");
    ck_assert_str_eq(facets, "2019:2 ");
    put_paris(ix, "pluie", "2020-10-12", "Météo");
    facets_of(facets, sizeof facets, ix, "paris");
    ck_assert_str_eq(facets, "Météo:1 2020:1 2019:2 ");
    snprintf(path, sizeof path, "%s/language.db", corpus.dir);
    ck_assert_int_eq(fouine_index_open(&other, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    put_paris(other, "averse", "2021-01-03", "météo");
    put_paris(other, "orage", "2021-06-30", "Météo");
    fouine_index_close(other);
    facets_of(facets, sizeof facets, ix, "paris");
    ck_assert_str_eq(facets, "Météo:2 météo:1 2021:2 2020:1 2019:2 ");
    fouine_index_close(ix);
}
END_TEST

/* ---- Sorting by recency ---- */

/* Articles on strikes of several ages and strengths, one without date. */
static fouine_index *strikes_index(void)
{
    static const char *const rows[][4] = {
        { "juin", "Les contrôleurs aériens appellent à la grève samedi",
          "Un préavis a été déposé pour le week-end.", "2023-06-30T08:00:00" },
        { "mai", "Grève à la SNCF : le trafic très perturbé",
          "La grève des cheminots se poursuit, une grève reconductible.",
          "2023-05-31T08:00:00" },
        { "mars", "Grève générale : une journée de grève record",
          "La grève a réuni des centaines de milliers de grévistes, en grève"
          " contre la réforme.",
          "2023-03-02T08:00:00" },
        { "sans-date", "Grève des éboueurs : les poubelles s'entassent",
          "La grève des éboueurs dure depuis dix jours.", NULL },
        { "neige", "Paris sous la neige", "La neige tombe sur Paris.",
          "2023-01-10T08:00:00" },
    };
    char path[320];
    fouine_index *ix = NULL;
    size_t i;
    snprintf(path, sizeof path, "%s/strikes.db", corpus.dir);
    unlink(path);
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    for (i = 0; i < sizeof rows / sizeof *rows; i++) {
        fouine_article a = { 0 };
        a.id = fouine_strdup(rows[i][0]);
        a.title = fouine_strdup(rows[i][1]);
        a.lead = fouine_strdup(rows[i][2]);
        a.date = rows[i][3] ? fouine_strdup(rows[i][3]) : NULL;
        ck_assert(a.id && a.title && a.lead && (a.date || !rows[i][3]));
        ck_assert_int_eq(fouine_index_put(NULL, ix, &a), FOUINE_OK);
        fouine_article_clear(&a);
    }
    return ix;
}

/* The julian day of an ISO 8601 date, by SQLite. */
static double julian(sqlite3 *tdb, const char *date)
{
    sqlite3_stmt *stmt = NULL;
    double d;
    ck_assert_int_eq(
        sqlite3_prepare_v2(tdb, "SELECT julianday(?1)", -1, &stmt, NULL),
        SQLITE_OK);
    sqlite3_bind_text(stmt, 1, date, -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    d = sqlite3_column_double(stmt, 0);
    sqlite3_finalize(stmt);
    return d;
}

/* Search "grève" on ix in order sort with half-life hours (limit, offset). */
static fouine_results *strikes(fouine_index *ix,
                               fouine_sort sort,
                               int hours,
                               int limit,
                               int offset)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    fouine_results *r = NULL;
    opts.query = "grève";
    opts.sort = sort;
    opts.half_life_hours = hours;
    opts.limit = limit;
    opts.offset = offset;
    ck_assert_int_eq(fouine_search(&r, ix, &opts), FOUINE_OK);
    return r;
}

/* The ids of r's hits, joined by commas, into out. */
static void ids_of(char *out, size_t size, const fouine_results *r)
{
    size_t i, len = 0;
    out[0] = '\0';
    for (i = 0; i < r->nhits; i++) {
        len += (size_t)snprintf(out + len, size - len, "%s%s", i ? "," : "",
                                r->hits[i].id);
        ck_assert_uint_lt(len, size);
    }
}

/*
** sort recent: each score is the relevance score times 2^(-age / half-life),
** age from the article's date to the newest article's, an article without
** date as old as the oldest; best first, each page a slice of the whole.
*/
START_TEST(test_sort_recent)
{
    static const int hours[] = { 1, 24, 720, 0, 87600 };
    fouine_index *ix = strikes_index();
    sqlite3 *tdb = fouine_index_db(ix);
    fouine_results *rel = strikes(ix, FOUINE_SORT_RANK, 0, 10, 0), *r, *page;
    double newest = julian(tdb, "2023-06-30T08:00:00");
    double oldest = julian(tdb, "2023-01-10T08:00:00");
    char ids[256];
    size_t h, i, k;

    ck_assert_int_eq(rel->total, 4);
    ids_of(ids, sizeof ids, rel);
    ck_assert_msg(strcmp(ids, "juin,mai,mars,sans-date") != 0,
                  "relevance alone already puts the newest first: %s", ids);
    for (h = 0; h < sizeof hours / sizeof hours[0]; h++) {
        double half = (hours[h] ? hours[h] : FOUINE_HALF_LIFE_HOURS) / 24.0;
        r = strikes(ix, FOUINE_SORT_RECENT, hours[h], 10, 0);
        ck_assert_uint_eq(r->nhits, 4);
        for (i = 0; i < r->nhits; i++) {
            const fouine_hit *hit = &r->hits[i];
            double age, want = 0;
            for (k = 0; k < rel->nhits; k++) {
                if (strcmp(rel->hits[k].id, hit->id) == 0) {
                    age =
                        newest - (hit->date ? julian(tdb, hit->date) : oldest);
                    want = rel->hits[k].score * exp2(-age / half);
                }
            }
            ck_assert_msg(fabs(hit->score - want) <= 1e-9 * want + 1e-300,
                          "%s: score %g, expected %g (half-life %d h)", hit->id,
                          hit->score, want, hours[h]);
            ck_assert(i == 0 || r->hits[i - 1].score >= hit->score);
            /* Any page is the slice of the whole order. */
            page = strikes(ix, FOUINE_SORT_RECENT, hours[h], 1, (int)i);
            ck_assert_uint_eq(page->nhits, 1);
            ck_assert_str_eq(page->hits[0].id, hit->id);
            fouine_results_free(page);
        }
        ids_of(ids, sizeof ids, r);
        if (hours[h] == 1) {
            /* An hour: by date, and the article without one last. */
            ck_assert_str_eq(ids, "juin,mai,mars,sans-date");
        }
        fouine_results_free(r);
    }
    fouine_results_free(rel);
    fouine_index_close(ix);
}
END_TEST

START_TEST(test_sort_names)
{
    static const struct {
        const char *text;
        int rc;
        int value;
    } sorts[] = { { "relevance", FOUINE_OK, FOUINE_SORT_RANK },
                  { "rank", FOUINE_OK, FOUINE_SORT_RANK },
                  { "recent", FOUINE_OK, FOUINE_SORT_RECENT },
                  { "date", FOUINE_OK, FOUINE_SORT_DATE },
                  { "pertinence", FOUINE_EINVAL, FOUINE_SORT_RANK },
                  { "", FOUINE_EINVAL, FOUINE_SORT_RANK },
                  { "Date", FOUINE_EINVAL, FOUINE_SORT_RANK } },
      lives[] = { { "30d", FOUINE_OK, 720 },
                  { "12h", FOUINE_OK, 12 },
                  { "1h", FOUINE_OK, 1 },
                  { "3650d", FOUINE_OK, 87600 },
                  { "87600h", FOUINE_OK, 87600 },
                  { "3651d", FOUINE_EINVAL, 0 },
                  { "0d", FOUINE_EINVAL, 0 },
                  { "0h", FOUINE_EINVAL, 0 },
                  { "30", FOUINE_EINVAL, 0 },
                  { "d", FOUINE_EINVAL, 0 },
                  { "-3d", FOUINE_EINVAL, 0 },
                  { "3 d", FOUINE_EINVAL, 0 },
                  { "1.5d", FOUINE_EINVAL, 0 },
                  { "30dd", FOUINE_EINVAL, 0 },
                  { "99999999999999999999d", FOUINE_EINVAL, 0 },
                  { "2w", FOUINE_EINVAL, 0 } };
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    size_t i;
    for (i = 0; i < sizeof sorts / sizeof sorts[0]; i++) {
        fouine_sort sort;
        ck_assert_int_eq(fouine_sort_parse(&sort, sorts[i].text), sorts[i].rc);
        ck_assert_int_eq(sort, sorts[i].value);
    }
    for (i = 0; i < sizeof lives / sizeof lives[0]; i++) {
        int hours = -1;
        ck_assert_msg(fouine_half_life_parse(&hours, lives[i].text) ==
                          lives[i].rc,
                      "%s", lives[i].text);
        ck_assert_int_eq(hours, lives[i].value);
    }
    opts.query = "grève";
    opts.half_life_hours = FOUINE_HALF_LIFE_MAX_HOURS + 1;
    ck_assert_ptr_nonnull(
        strstr(fouine_search_options_error(&opts), "half-life"));
    opts.half_life_hours = 0;
    opts.sort = (fouine_sort)3;
    ck_assert_ptr_nonnull(strstr(fouine_search_options_error(&opts), "sort"));
}
END_TEST

/* Options of version 1 (a program built before facets) are still read:
** their fields, and the defaults of the fields they lack. */
START_TEST(test_options_version_1)
{
    fouine_search_options *v1;
    fouine_results *r = NULL;
    /* Exactly the bytes a version 1 caller has, nothing after. */
    v1 = fouine_malloc(offsetof(fouine_search_options, facets));
    ck_assert_ptr_nonnull(v1);
    memset(v1, 0, offsetof(fouine_search_options, facets));
    v1->version = 1;
    v1->query = "sécurité";
    v1->limit = 2;
    ck_assert_ptr_null(fouine_search_options_error(v1));
    ck_assert_int_eq(fouine_search_db(&r, db, an, v1), FOUINE_OK);
    ck_assert_int_eq(r->total, 5);
    ck_assert_uint_eq(r->nhits, 2);
    ck_assert_ptr_null(r->facets);
    fouine_results_free(r);
    v1->version = 4; /* not a version */
    ck_assert_ptr_nonnull(fouine_search_options_error(v1));
    ck_assert_int_eq(fouine_search_db(&r, db, an, v1), FOUINE_EINVAL);
    fouine_free(v1);
}
END_TEST

/* ---- Snippets ---- */

/* The snippet of the first hit of query with snippet length chars. */
static json_t *first_hit(const char *query, int chars, const char *id)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *res, *hit, *hits;
    size_t i;
    opts.snippet_chars = chars;
    opts.limit = 50;
    res = search(query, &opts);
    hits = json_object_get(res, "hits");
    json_array_foreach(hits, i, hit)
    {
        if (!id ||
            strcmp(json_string_value(json_object_get(hit, "id")), id) == 0) {
            json_incref(hit);
            json_decref(res);
            return hit;
        }
    }
    ck_abort_msg("no hit %s for %s", id ? id : "", query);
    return NULL;
}

/* Every highlight of hit covers a word the analyzer relates to want. */
static void assert_marks(const json_t *hit,
                         const char *const *want,
                         size_t nwant)
{
    const char *text = json_string_value(json_object_get(hit, "snippet_text"));
    json_t *spans = json_object_get(hit, "highlights"), *span;
    size_t i, k;
    ck_assert_int_ge(json_array_size(spans), 1);
    json_array_foreach(spans, i, span)
    {
        size_t s = (size_t)json_integer_value(json_array_get(span, 0));
        size_t e = (size_t)json_integer_value(json_array_get(span, 1));
        int ok = 0;
        ck_assert_uint_lt(s, e);
        ck_assert_uint_le(e, strlen(text));
        for (k = 0; k < nwant; k++) {
            ok |= strlen(want[k]) == e - s &&
                  memcmp(text + s, want[k], e - s) == 0;
        }
        ck_assert_msg(ok, "unexpected highlight '%.*s' in '%s'", (int)(e - s),
                      text + s, text);
    }
}

START_TEST(test_snippet_variants)
{
    static const char *const attaque[] = { "attaque", "attaques", "attaqué",
                                           "Attaque", "Attaques" };
    static const char *const elysee[] = { "Élysée" };
    static const char *const etat[] = { "État", "États", "ÉTATS" };
    json_t *hit =
        first_hit("attaque", 300, "rancongiciel-ville-essonne-paralysee.txt");
    assert_marks(hit, attaque, 5);
    ck_assert_ptr_nonnull(strstr(
        json_string_value(json_object_get(hit, "snippet")), "<mark>attaque"));
    json_decref(hit);
    hit = first_hit("elysee", 0, "elysee-president-recoit-maires-ruraux.txt");
    assert_marks(hit, elysee, 1);
    /* The title is highlighted, the elided article outside the mark. */
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(hit, "title")),
               "À l’<mark>Élysée</mark>"));
    json_decref(hit);
    hit =
        first_hit("l’État", 0, "assemblee-nationale-loi-immigration-vote.txt");
    assert_marks(hit, etat, 3);
    ck_assert_ptr_null(
        strstr(json_string_value(json_object_get(hit, "snippet")), "<mark>l"));
    ck_assert_ptr_null(
        strstr(json_string_value(json_object_get(hit, "snippet")), "<mark>L"));
    json_decref(hit);
}
END_TEST

/* Whether s starts at a clean place: a capital or a guillemet after a
** sentence start, or "… " after a cut. */
static void assert_boundaries(const char *s, size_t chars)
{
    size_t n = strlen(s), count = 0, i;
    ck_assert_msg(strncmp(s, "»", 2) != 0 && s[0] != ':' && s[0] != ';' &&
                      s[0] != ',' && s[0] != ' ',
                  "orphan start: '%s'", s);
    for (i = 0; i < n; i++) {
        count += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    /* The length asked, plus the two ellipses. */
    ck_assert_msg(count <= chars + 4, "%zu characters: '%s'", count, s);
    /* Ends at a sentence end or with " …" (never inside a word). */
    ck_assert_msg(n >= 4 && (strcmp(s + n - 4, " …") == 0 ||
                             strchr(".!?»)", s[n - 1]) ||
                             strcmp(s + n - 2, "»") == 0),
                  "bad end: '%s'", s);
}

START_TEST(test_snippet_boundaries)
{
    static const char *const queries[] = {
        "sécurité", "grève",  "canicule", "maires", "vaccination", "prix",
        "franc",    "lycées", "vote",     "bijoux", "orages",      "record",
    };
    static const int lengths[] = { 60, 120, 200, 400 };
    size_t i, l, k;
    for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        for (l = 0; l < 4; l++) {
            fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
            json_t *res, *hit;
            opts.snippet_chars = lengths[l];
            res = search(queries[i], &opts);
            ck_assert_int_ge(total_of(res), 1);
            json_array_foreach(json_object_get(res, "hits"), k, hit)
            {
                const char *s =
                    json_string_value(json_object_get(hit, "snippet_text"));
                /* json_string() refuses invalid UTF-8: s exists. */
                ck_assert_ptr_nonnull(s);
                assert_boundaries(s, (size_t)lengths[l]);
                ck_assert_int_ge(
                    json_array_size(json_object_get(hit, "highlights")), 1);
            }
            json_decref(res);
        }
    }
}
END_TEST

START_TEST(test_snippet_typography)
{
    /* The non-breaking space of "2 300" stays. */
    json_t *hit;
    const char *s;
    hit = first_hit("2300", 2000, NULL);
    s = json_string_value(json_object_get(hit, "snippet_text"));
    ck_assert_ptr_nonnull(strstr(s, "2\xc2\xa0"
                                    "300"));
    json_decref(hit);
    /* HTML is escaped around the marks. */
    hit = first_hit("canicule", 0, NULL);
    s = json_string_value(json_object_get(hit, "snippet"));
    ck_assert_ptr_null(strchr(s, '"'));
    json_decref(hit);
}
END_TEST

/* fouine_snippet() on a text written for the case. */
static char *snippet_of(const char *query,
                        const char *text,
                        size_t chars,
                        fouine_spans *sp)
{
    fouine_parsed q;
    char *out = NULL;
    int found = 0;
    ck_assert_int_eq(fouine_parse(&q, an, lexicon, query, strlen(query)),
                     FOUINE_OK);
    ck_assert_int_eq(
        fouine_snippet(&out, sp, &found, an, &q, text, strlen(text), chars),
        FOUINE_OK);
    fouine_parsed_clear(&q);
    ck_assert_ptr_nonnull(out);
    return out;
}

/* A snippet never cuts a word, however short the length asked: a word
** longer than it comes whole; a text that fits comes whole, without an
** ellipsis, spaces or line breaks after it aside; a word that ends at
** the length is kept. */
START_TEST(test_snippet_never_cuts_a_word)
{
    static const struct {
        const char *text;  /* the text */
        const char *query; /* what it is searched for */
        size_t trailing;   /* bytes of spaces at its end */
    } texts[] = {
        { "Les cyberattaques visant les établissements hospitaliers "
          "d’Île-de-France se multiplient, alerte l’ANSSI.",
          "hospitaliers", 0 },
        { "Le pont de Saint-Nazaire rouvre à la circulation.", "pont", 0 },
        { "Le pont de Saint-Nazaire rouvre à la circulation.\n", "pont", 1 },
        { "Le pont rouvre, enfin  \n\n", "pont", 4 },
    };
    fouine_spans sp;
    size_t t, chars;
    char *out;
    for (t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        const char *text = texts[t].text;
        size_t len = strlen(text) - texts[t].trailing, nchars = 0, i;
        for (i = 0; i < len; i++) {
            nchars += ((unsigned char)text[i] & 0xC0) != 0x80;
        }
        for (chars = 1; chars <= nchars + 3; chars++) {
            const char *mid, *at;
            size_t n;
            out = snippet_of(texts[t].query, text, chars, &sp);
            mid = out;
            n = strlen(out);
            if (strncmp(mid, "… ", 4) == 0) {
                mid += 4;
                n -= 4;
            }
            if (n >= 4 && strcmp(mid + n - 4, " …") == 0) {
                n -= 4;
            }
            while (n > 0 && mid[n - 1] == ' ') {
                n--; /* the line breaks of a text that fits, as spaces */
            }
            /* The words shown are words of the text, whole. */
            for (at = text; at && strncmp(at, mid, n) != 0;) {
                at = strchr(at + 1, *mid);
            }
            ck_assert_msg(at != NULL, "%zu: '%s' is not in the text", chars,
                          out);
            ck_assert_msg(at == text || at[-1] == ' ',
                          "%zu: a word cut at the start: '%s'", chars, out);
            ck_assert_msg(at[n] == '\0' || at[n] == ' ' || at[n] == '\n' ||
                              at[n] == ',' || at[n] == '.',
                          "%zu: a word cut at the end: '%s'", chars, out);
            if (chars >= nchars) { /* it fits: whole, as it ends */
                ck_assert_msg(mid == out && n == len &&
                                  strncmp(out, text, len) == 0 &&
                                  !strstr(out, "…"),
                              "%zu: '%s'", chars, out);
            }
            free(out);
            free(sp.at);
        }
    }
    /* "enfin" ends at the 21st character: it stays. */
    out = snippet_of("pont", "Le pont rouvre, enfin demain matin.", 21, &sp);
    ck_assert_str_eq(out, "Le pont rouvre, enfin …");
    free(out);
    free(sp.at);
}
END_TEST

START_TEST(test_snippet_cases)
{
    static const char text[] =
        "Le conseil municipal s’est réuni lundi soir pendant trois heures "
        "pour parler du budget, des écoles et des routes de la commune. "
        "« Nous n’avons plus les moyens », a reconnu le maire ; l’hôpital "
        "attend toujours ses nouveaux équipements, et l’État promet une "
        "aide avant l’été. Les habitants, eux, s’impatientent.";
    fouine_spans sp;
    char *out;
    json_t *check;

    /* A clause start, never an orphan ';' or '»'; the elided article stays
    ** outside the mark. */
    out = snippet_of("hôpital", text, 60, &sp);
    ck_assert_msg(strncmp(out, "l’hôpital", strlen("l’hôpital")) == 0 ||
                      strncmp(out, "… ", 4) == 0,
                  "%s", out);
    ck_assert_uint_eq(sp.n, 1);
    ck_assert_int_eq(
        strncmp(out + sp.at[0].start, "hôpital", sp.at[0].end - sp.at[0].start),
        0);
    ck_assert_uint_eq(sp.at[0].end - sp.at[0].start, strlen("hôpital"));
    free(out);
    free(sp.at);

    /* A phrase: both words marked, together only. */
    out = snippet_of("\"plus les moyens\"", text, 80, &sp);
    ck_assert_uint_eq(sp.n, 3);
    ck_assert_int_eq(strncmp(out + sp.at[0].start, "plus", 4), 0);
    free(out);
    free(sp.at);

    /* Inflections and accents: "equipement" marks "équipements". */
    out = snippet_of("equipement", text, 0, &sp);
    ck_assert_uint_eq(sp.n, 1);
    ck_assert_int_eq(
        strncmp(out + sp.at[0].start, "équipements", strlen("équipements")), 0);
    free(out);
    free(sp.at);

    /* A long text of accented letters cut short: valid UTF-8, whole words,
    ** the ellipsis at the cut. */
    out = snippet_of("été", text, 25, &sp);
    check = json_string(out);
    ck_assert_msg(check != NULL, "invalid UTF-8: %s", out);
    json_decref(check);
    ck_assert_msg(strstr(out, "été") != NULL, "%s", out);
    free(out);
    free(sp.at);
}
END_TEST

/* ---- Suggestions ---- */

START_TEST(test_suggestions)
{
    fouine_search_options exact = FOUINE_SEARCH_OPTIONS_INIT;
    json_t *res = search("gouvernment", NULL), *corr;
    /* A word in no article is searched as the closest word too, and the
    ** answer says so. */
    corr = json_object_get(res, "correction");
    ck_assert(json_is_object(corr));
    ck_assert_str_eq(json_string_value(json_object_get(corr, "query")),
                     "gouvernement");
    ck_assert_int_gt(total_of(res), 0);
    ck_assert(json_is_null(json_object_get(res, "suggestion")));
    json_decref(res);
    /* Searched exactly as typed: nothing, and the correction suggested. */
    exact.no_correct = 1;
    res = search("gouvernment", &exact);
    ck_assert_int_eq(total_of(res), 0);
    ck_assert(json_is_null(json_object_get(res, "correction")));
    ck_assert_str_eq(json_string_value(json_object_get(res, "suggestion")),
                     "gouvernement");
    json_decref(res);
    /* A word of the stem of words the index holds is searched as their
    ** form, not corrected to one of them. */
    res = search("presidentiell", NULL);
    ck_assert(json_is_null(json_object_get(res, "correction")));
    ck_assert_int_gt(total_of(res), 0);
    ck_assert_ptr_nonnull(
        strstr(hit_str(res, 0, "snippet"), "<mark>présidentielle</mark>"));
    json_decref(res);
    res = search("vaccinatoin covid", NULL);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(res, "correction"), "query")),
                     "vaccination covid");
    json_decref(res);
    /* A correction is written in the case of the word typed. */
    res = search("Vaccinatoin covid", NULL);
    corr = json_object_get(res, "correction");
    ck_assert_str_eq(json_string_value(json_object_get(corr, "query")),
                     "Vaccination covid");
    ck_assert_str_eq(json_string_value(json_array_get(
                         json_array_get(json_object_get(corr, "words"), 0), 1)),
                     "Vaccination");
    json_decref(res);
    res = search("VACCINATOIN covid", NULL);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(res, "correction"), "query")),
                     "VACCINATION covid");
    json_decref(res);
    res = search("Gouvernment", &exact);
    ck_assert_str_eq(json_string_value(json_object_get(res, "suggestion")),
                     "Gouvernement");
    json_decref(res);
    res = search("canicule", NULL);
    ck_assert(json_is_null(json_object_get(res, "suggestion")));
    ck_assert(json_is_null(json_object_get(res, "correction")));
    json_decref(res);
}
END_TEST

/* What a search corrected, in the results and their JSON: the query
** searched, what was typed, each word; a rare word typed alone that finds
** an article is searched as typed, and its correction is offered beside
** the results. */
START_TEST(test_correction_fields)
{
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    fouine_results *r = NULL;
    fouine_index *ix = NULL;
    json_t *res = NULL, *corr;
    char path[320];
    int i;

    opts.query = "gouvernment";
    ck_assert_int_eq(fouine_search_db(&r, db, an, &opts), FOUINE_OK);
    ck_assert_str_eq(r->query, "gouvernment");
    ck_assert_str_eq(r->corrected, "gouvernement");
    ck_assert_uint_eq(r->nfixes, 1);
    ck_assert_str_eq(r->fixes[0].typed, "gouvernment");
    ck_assert_str_eq(r->fixes[0].corrected, "gouvernement");
    ck_assert_ptr_null(r->suggestion);
    ck_assert_int_gt(r->total, 0);
    ck_assert_int_eq(fouine_results_json(&res, r), FOUINE_OK);
    corr = json_object_get(res, "correction");
    ck_assert_str_eq(json_string_value(json_object_get(corr, "query")),
                     "gouvernement");
    ck_assert_str_eq(json_string_value(json_object_get(corr, "typed")),
                     "gouvernment");
    ck_assert_str_eq(json_string_value(json_array_get(
                         json_array_get(json_object_get(corr, "words"), 0), 0)),
                     "gouvernment");
    json_decref(res);
    fouine_results_free(r);

    snprintf(path, sizeof path, "%s/politique.db", corpus.dir);
    unlink(path);
    ck_assert_int_eq(fouine_index_open(&ix, path, FOUINE_INDEX_WRITE),
                     FOUINE_OK);
    ck_assert_int_eq(fouine_index_begin(ix), FOUINE_OK);
    for (i = 0; i < 22; i++) {
        fouine_article a = { 0 };
        char id[16];
        snprintf(id, sizeof id, "article-%02d", i);
        a.id = fouine_strdup(id);
        a.title = fouine_strdup(i ? "La politique du logement en débat" :
                                    "Une politque du logement contestée");
        a.lead = fouine_strdup("Les députés examinent le texte du"
                               " gouvernement sur les loyers.");
        ck_assert(a.id && a.title && a.lead);
        ck_assert_int_eq(fouine_index_put(NULL, ix, &a), FOUINE_OK);
        fouine_article_clear(&a);
    }
    ck_assert_int_eq(fouine_index_commit(ix), FOUINE_OK);
    opts.query = "politque";
    ck_assert_int_eq(fouine_search(&r, ix, &opts), FOUINE_OK);
    ck_assert_int_eq(r->total, 1);
    ck_assert_ptr_null(r->corrected);
    ck_assert_str_eq(r->suggestion, "politique");
    fouine_results_free(r);
    fouine_index_close(ix);
}
END_TEST

/* ---- The command ---- */

static int run_query(const char *args, const char *out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s/fouine-query' -i '%s' %s",
             fouine_test_build_dir(), corpus.index, args);
    return fouine_test_run(cmd, out);
}

/* fouine-query args exits with status, and its output says says (holds
** non-zero) or does not (holds 0). */
static void assert_command(const char *args,
                           int status,
                           const char *says,
                           int holds)
{
    char out[320];
    char *text;
    snprintf(out, sizeof out, "%s/out.txt", corpus.dir);
    ck_assert_int_eq(run_query(args, out), status);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg((strstr(text, says) != NULL) == (holds != 0),
                  "fouine-query %s: '%s' %s in: %s", args, says,
                  holds ? "missing" : "found", text);
    free(text);
}

/* The stderr of fouine-query args, which must be a usage error (status
** 2); free() it. */
static char *usage_of(const char *args)
{
    char cmd[1024], out[320];
    char *text;
    snprintf(out, sizeof out, "%s/err.txt", corpus.dir);
    snprintf(cmd, sizeof cmd, "%s 2>'%s' >/dev/null", args, out);
    ck_assert_int_eq(run_query(cmd, NULL), 2);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(text);
    return text;
}

/* fouine-query args is a usage error (status 2) that says says on
** stderr. */
static void assert_usage(const char *args, const char *says)
{
    char *text = usage_of(args);
    ck_assert_msg(strstr(text, says) != NULL, "fouine-query %s: '%s' not in %s",
                  args, says, text);
    free(text);
}

/* fouine-query args is a usage error said in one line, "fouine-query:
** says", then the line that points to --help, and nothing else (not the
** whole help). */
static void assert_usage_line(const char *args, const char *says)
{
    char expect[512];
    char *text = usage_of(args);
    snprintf(expect, sizeof expect,
             "fouine-query: %s\nTry 'fouine-query --help' for more "
             "information.\n",
             says);
    ck_assert_msg(strcmp(text, expect) == 0, "fouine-query %s said: %s", args,
                  text);
    free(text);
}

START_TEST(test_command)
{
    char out[320], cmd[2048];
    char *text;
    snprintf(out, sizeof out, "%s/out.txt", corpus.dir);
    assert_command("sécurité hôpitaux", 0, "L’ANSSI alerte sur la sécurité", 1);
    assert_command("sécurité hôpitaux", 0, "\x1b[", 0);
    assert_command("--marks '[' ']' sécurité", 0, "la [sécurité] des", 1);
    assert_command("--color always canicule", 0, "\x1b[1mcanicule\x1b[0m", 1);
    assert_command("canicule bijouterie", 0, "Aucun article ne contient tous",
                   1);
    assert_command("gouvernment", 0,
                   "Résultats pour « gouvernement » au lieu de « gouvernment"
                   " ». Rechercher exactement « gouvernment » : --no-correct\n"
                   "2 résultats pour « gouvernement »\n",
                   1);
    assert_command("canicule", 0, "au lieu de", 0);
    /* Facets: a line each, the filters of the others applied. */
    assert_command("--facets plus", 0,
                   "Rubriques : Politique (2) · Sciences (1) · Société (1) ·"
                   " Sécurité (1) · Transports (1) · Économie (1)\n"
                   "Années : 2023 (1) · 2022 (6) · 2021 (3) · 2020 (3) ·"
                   " 2019 (2) · 2018 (1)\nMois : 2023-02 (1) · 2022-12 (1)",
                   1);
    assert_command("--facets --category économie --since 2023 plus", 1,
                   "0 résultat pour « plus »\nRubriques : aucune\n"
                   "Années : 2022 (1)\nMois : 2022-12 (1)\n",
                   1);
    assert_command("plus", 0, "Rubriques", 0);
    assert_command("--facets --category astronomie plus", 1,
                   "Années : aucune\nMois : aucun\n", 1);
    /* A category the index lacks is said, with the closest one. */
    assert_command("--category Sécurtie cyberattaques", 1,
                   "0 résultat pour « cyberattaques »\nAucune rubrique "
                   "« Sécurtie » dans l'index. Essayez : --category "
                   "Sécurité\n",
                   1);
    assert_command("--category astronomie plus", 1,
                   "Aucune rubrique « astronomie » dans l'index. --facets "
                   "donne les rubriques des résultats.",
                   1);
    assert_command("--category sécurité cyberattaques", 0, "Aucune rubrique",
                   0);
    /* The query said as typed, not as fouine reads it ("C" for C++). */
    assert_command("-n 1 \"C++ la\"", 1, "0 résultat pour « C++ la »", 1);
    /* The sorts by their names, old and new. */
    assert_command("--sort rank -n 1 --json canicule", 0, "\"total\": 1", 1);
    assert_command("--sort relevance -n 1 canicule", 0, "1. Canicule", 1);
    assert_command("--sort recent --half-life 12h -n 1 canicule", 0,
                   "1. Canicule", 1);
    assert_command("--sort date canicule", 0, "1. Canicule", 1);
    assert_usage("--sort pertinence canicule",
                 "--sort: expected relevance, recent or date, not "
                 "'pertinence'");
    assert_usage("--half-life 0d canicule",
                 "--half-life: expected days (30d) or hours (12h), 1h to "
                 "3650d, not '0d'");
    assert_command("--no-correct gouvernment", 1,
                   "Essayez plutôt : gouvernement", 1);
    /* A search out of time says so. */
    assert_command("--budget 0 sécurité", 0,
                   "Recherche écourtée : temps de calcul épuisé, résultats "
                   "non classés.",
                   1);
    assert_command("--budget none sécurité", 0, "écourtée", 0);
    ck_assert_int_eq(run_query("--budget -5 sécurité", NULL), 2);
    ck_assert_int_eq(run_query("--since 2019-13 canicule", NULL), 2);
    /* A date refused is named as the option, with its value and why. */
    assert_usage_line(
        "--since 2019-02-30 canicule",
        "--since: '2019-02-30': no such day (February 2019 has 28 "
        "days)");
    assert_usage_line("--until abc canicule",
                      "--until: 'abc': expected a date YYYY, YYYY-MM or "
                      "YYYY-MM-DD");
    assert_usage_line(
        "--since 2019-13 canicule",
        "--since: '2019-13': no such month (months are 01 to 12)");
    ck_assert_int_eq(run_query("--limit 0 canicule", NULL), 2);
    /* -n takes 1 to 1000, and says so. */
    assert_command("-n 1000 canicule", 0, "canicule", 1);
    assert_usage("-n 1001 canicule",
                 "-n: '1001' is not a number from 1 to 1000");
    ck_assert_int_eq(run_query("--bogus canicule", NULL), 2);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-query' -i '%s/missing.db' canicule 2>'%s'",
             fouine_test_build_dir(), corpus.dir, out);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(strstr(text, "missing.db"));
    free(text);
    /* A file that is not an index. */
    snprintf(cmd, sizeof cmd,
             "echo 'pas une base' > '%s/bad.db' && '%s/fouine-query' -i"
             " '%s/bad.db' canicule 2>'%s'",
             corpus.dir, fouine_test_build_dir(), corpus.dir, out);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(strstr(text, "bad.db"));
    free(text);
    /* An SQLite file of another schema version. */
    {
        char path[320];
        sqlite3 *other = NULL;
        snprintf(path, sizeof path, "%s/other.db", corpus.dir);
        ck_assert_int_eq(sqlite3_open(path, &other), SQLITE_OK);
        ck_assert_int_eq(sqlite3_exec(other,
                                      "CREATE TABLE article(id);"
                                      " PRAGMA user_version = 99",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(other);
        snprintf(cmd, sizeof cmd, "'%s/fouine-query' -i '%s' canicule 2>'%s'",
                 fouine_test_build_dir(), path, out);
        ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
        text = fouine_test_slurp(out);
        ck_assert_ptr_nonnull(strstr(text, "other.db"));
        ck_assert_ptr_nonnull(strstr(text, "version"));
        free(text);
    }
}
END_TEST

/*
** The command line as getopt_long() reads it: values joined to their
** option or not, long options with "=", "--" before a query that starts
** with '-', "-word" after the first word a word of the query; each usage
** error said in one line and the line pointing to --help; "" a query of
** no word, not a usage error.
*/
START_TEST(test_command_line)
{
    char out[320], cmd[2048];
    char *text;
    /* -n1, -n 1, --limit=1, --limit 1: one hit of the five. */
    assert_command("-n1 sécurité", 0, "5 résultats pour « sécurité » (1 à 1)",
                   1);
    assert_command("-n 1 sécurité", 0, "(1 à 1)", 1);
    assert_command("--limit=1 sécurité", 0, "(1 à 1)", 1);
    assert_command("--limit 1 sécurité", 0, "(1 à 1)", 1);
    assert_command("-n1 sécurité", 0, "\n2. ", 0);
    assert_command("-s80 -n1 --json sécurité", 0, "\"limit\": 1", 1);
    assert_command("--color=always -n1 canicule", 0, "\x1b[1mcanicule\x1b[0m",
                   1);
    assert_command("--sort=date --offset=1 -n1 sécurité", 0, "(2 à 2)", 1);
    /* -iINDEX: the index named, not fouine.db. */
    snprintf(out, sizeof out, "%s/out.txt", corpus.dir);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s/fouine-query' '-i%s' -n1 "
             "sécurité",
             corpus.dir, fouine_test_build_dir(), corpus.index);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    ck_assert_msg(strstr(text, "5 résultats pour « sécurité » (1 à 1)"), "%s",
                  text);
    free(text);
    /* A query that starts with '-' after "--"; "-word" after the first
    ** word is a word of the query, -n among the words an option still. */
    assert_command("-n 1 -- -sécurité", 0, "résultats pour « -sécurité »", 1);
    assert_command("canicule -paris", 1, "0 résultat pour « canicule -paris »",
                   1);
    assert_command("sécurité -n 1", 0, "5 résultats pour « sécurité » (1 à 1)",
                   1);
    assert_command("sécurité --json", 0, "\"total\": 5", 1);
    /* Typed empty: a query like "   ", of no word. */
    assert_command("''", 1, "0 résultat pour «  »", 1);
    assert_command("'   '", 1, "0 résultat pour «", 1);
    /* Usage errors: one line naming the option, then the --help line. */
    assert_usage_line("", "no QUERY given");
    assert_usage_line("--bogus canicule", "unknown option '--bogus'");
    assert_usage_line("-x canicule", "unknown option '-x'");
    assert_usage_line("--json=oui canicule", "option '--json' takes no value");
    assert_usage_line("canicule -n", "option '-n' needs a value");
    assert_usage_line("--limit", "option '--limit' needs a value");
    assert_usage_line("--marks '['", "option '--marks' needs two values, OPEN "
                                     "and CLOSE");
    assert_usage_line("--no canicule", "option '--no' is ambiguous: "
                                       "--no-correct, --no-collapse");
    assert_usage_line("--limit=0 canicule",
                      "--limit: '0' is not a number from 1 to 1000");
    assert_usage_line("-s 0 canicule",
                      "-s: '0' is not a number from 1 to 2000");
    assert_usage_line("--budget beaucoup canicule",
                      "--budget: 'beaucoup' is not a number from 0 to 600000, "
                      "nor none");
    assert_usage_line("--color=parfois canicule",
                      "--color: expected auto, always or never, not "
                      "'parfois'");
    /* Options that would be ignored are refused. */
    assert_usage_line("--batch canicule", "--batch reads its queries on "
                                          "stdin, one a line: no QUERY with "
                                          "it");
    assert_usage_line("--related canicule-ile-de-france-vigilance-rouge.txt "
                      "--sort date",
                      "--related ID takes none of the options of a search "
                      "(--offset, --sort, --since, --until, --category, "
                      "--comments, --facets, --no-correct, --no-collapse)");
    assert_usage_line("--since 2020 --related "
                      "canicule-ile-de-france-vigilance-rouge.txt",
                      "--related ID takes none of the options of a search "
                      "(--offset, --sort, --since, --until, --category, "
                      "--comments, --facets, --no-correct, --no-collapse)");
}
END_TEST

START_TEST(test_command_json_batch)
{
    char out[320];
    json_error_t err;
    json_t *res;
    char *text, *line;
    int n = 0;
    snprintf(out, sizeof out, "%s/out.json", corpus.dir);
    ck_assert_int_eq(run_query("--json -n 3 sécurité", out), 0);
    res = json_load_file(out, 0, &err);
    ck_assert_ptr_nonnull(res);
    ck_assert_int_eq(total_of(res), 5);
    ck_assert(json_is_number(json_object_get(res, "took_ms")));
    ck_assert_ptr_nonnull(
        strstr(hit_str(res, 0, "title"), "<mark>sécurité</mark>"));
    ck_assert(json_is_array(json_object_get(
        json_array_get(json_object_get(res, "hits"), 0), "highlights")));
    ck_assert(json_is_null(json_object_get(res, "facets")));
    json_decref(res);
    /* --facets: arrays of value and count. */
    ck_assert_int_eq(run_query("--json --facets --since 2022 plus", out), 0);
    res = json_load_file(out, 0, &err);
    ck_assert_ptr_nonnull(res);
    {
        json_t *f = json_object_get(res, "facets");
        json_t *c0 = json_array_get(json_object_get(f, "categories"), 0);
        json_t *y = json_object_get(f, "years");
        ck_assert_str_eq(json_string_value(json_object_get(c0, "value")),
                         "Sciences");
        ck_assert_int_eq(json_integer_value(json_object_get(c0, "count")), 1);
        ck_assert_uint_eq(json_array_size(y), 6); /* since aside */
        ck_assert_uint_eq(json_array_size(json_object_get(f, "months")), 16);
    }
    json_decref(res);
    ck_assert_int_eq(
        run_batch("'canicule\\nxyzzyx\\n\\nl’État\\n'", corpus.index, out), 0);
    text = fouine_test_slurp(out);
    for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        res = json_loads(line, 0, &err);
        ck_assert_msg(res != NULL, "bad line: %s", line);
        ck_assert_int_eq(total_of(res), n == 0 ? 1 :
                                        n == 1 ? 0 :
                                        n == 2 ? 0 :
                                                 8);
        json_decref(res);
        n++;
    }
    ck_assert_int_eq(n, 4);
    free(text);
}
END_TEST

/*
** --batch answers every line: a query that cannot be answered gets its
** own line with "error" (the exit status says so at the end), and the
** lines after it are answered; a query deep enough to overflow FTS5's
** parser is answered like any other.
*/
START_TEST(test_command_batch_never_stops)
{
    static char deep[4096], args[4200];
    char out[320], nolex[320];
    json_t *lines[8];
    size_t n, i;

    nest(deep, sizeof deep, "(grève OR ", "canicule", ")", 130);
    snprintf(out, sizeof out, "%s/batch.json", corpus.dir);
    snprintf(args, sizeof args, "'canicule\\n%%s\\nl’État\\n' '%s'", deep);
    ck_assert_int_eq(run_batch(args, corpus.index, out), 0);
    n = json_lines(lines, 8, out);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(json_string_value(json_object_get(lines[1], "query")),
                     deep);
    ck_assert_ptr_null(json_object_get(lines[1], "error"));
    ck_assert_int_ge(total_of(lines[1]), 1);
    ck_assert_int_eq(total_of(lines[2]), 8);
    for (i = 0; i < n; i++) {
        json_decref(lines[i]);
    }
    /* An index that cannot be searched (its lexicon dropped): every line
    ** says why, none is left unanswered. */
    snprintf(nolex, sizeof nolex, "%s/nolex.db", corpus.dir);
    {
        sqlite3 *copy = NULL;
        char *sql = sqlite3_mprintf("VACUUM INTO %Q", nolex);
        ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_free(sql);
        ck_assert_int_eq(sqlite3_open(nolex, &copy), SQLITE_OK);
        ck_assert_int_eq(
            sqlite3_exec(copy, "DROP TABLE lexicon", NULL, NULL, NULL),
            SQLITE_OK);
        sqlite3_close(copy);
    }
    ck_assert_int_eq(run_batch("'canicule\\ngrève\\n'", nolex, out), 2);
    n = json_lines(lines, 8, out);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(json_string_value(json_object_get(lines[0], "query")),
                     "canicule");
    ck_assert_str_eq(json_string_value(json_object_get(lines[1], "query")),
                     "grève");
    for (i = 0; i < n; i++) {
        ck_assert_ptr_nonnull(strstr(
            json_string_value(json_object_get(lines[i], "error")), "lexicon"));
        json_decref(lines[i]);
    }
}
END_TEST

/* No string of the JSON answer in file out holds dir (a path of the
** machine), and no hit has a key "path". */
static void assert_no_path(const char *out, const char *dir)
{
    char *text = fouine_test_slurp(out);
    json_t *res, *hit;
    size_t i;
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, dir) == NULL, "'%s' in the answer: %s", dir,
                  text);
    res = json_loads(text, 0, NULL);
    ck_assert_ptr_nonnull(res);
    ck_assert_int_ge(json_array_size(json_object_get(res, "hits")), 1);
    json_array_foreach(json_object_get(res, "hits"), i, hit)
    {
        ck_assert_ptr_null(json_object_get(hit, "path"));
    }
    json_decref(res);
    free(text);
}

/*
** The answers show no path of the machine: not the file an article came
** from, not an id made of it, for articles of a directory and for a file
** given alone by its absolute path (its id is its name).
*/
START_TEST(test_answers_hold_no_path)
{
    char out[320], lone[320], index[320], cmd[2400];
    json_t *res;
    snprintf(out, sizeof out, "%s/paths.json", corpus.dir);
    ck_assert_int_eq(run_query("--json sécurité", out), 0);
    assert_no_path(out, corpus.dir);

    snprintf(lone, sizeof lone, "%s/seul/greve-cheminots.txt", corpus.dir);
    snprintf(index, sizeof index, "%s/seul.db", corpus.dir);
    snprintf(
        cmd, sizeof cmd,
        "mkdir -p '%s/seul' && printf 'Grève des cheminots lundi\\n\\n"
        "Les syndicats de la SNCF appellent à cesser le travail.\\n' > '%s'"
        " && '%s/fouine-index' -q -o '%s' '%s' && '%s/fouine-query' -i '%s'"
        " --json cheminots",
        corpus.dir, lone, fouine_test_build_dir(), index, lone,
        fouine_test_build_dir(), index);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    assert_no_path(out, corpus.dir);
    res = json_load_file(out, 0, NULL);
    ck_assert_ptr_nonnull(res);
    ck_assert_str_eq(hit_str(res, 0, "id"), "greve-cheminots.txt");
    json_decref(res);
}
END_TEST

static Suite *query_suite(void)
{
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("query");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_parse_expressions);
    tcase_add_test(tc, test_parse_only_exclusions);
    tcase_add_test(tc, test_parse_hostile_search);
    tcase_add_test(tc, test_parse_random);
    tcase_add_test(tc, test_parse_deep_nesting);
    tcase_add_test(tc, test_search_bounds);
    tcase_add_test(tc, test_non_utf8_query);
    tcase_add_test(tc, test_rank_title_first);
    tcase_add_test(tc, test_rank_fallback);
    tcase_add_test(tc, test_rank_questions_filtered);
    tcase_add_test(tc, test_rank_ties_newer);
    tcase_add_test(tc, test_rank_top_exact);
    tcase_add_test(tc, test_rank_top_skips);
    tcase_add_test(tc, test_rank_questions);
    tcase_add_test(tc, test_language_fixes);
    tcase_add_test(tc, test_untitled_title);
    tcase_add_test(tc, test_filters);
    tcase_add_test(tc, test_unknown_category);
    tcase_add_test(tc, test_date_errors);
    tcase_add_test(tc, test_facets);
    tcase_add_test(tc, test_facets_follow_writes);
    tcase_add_test(tc, test_sort_recent);
    tcase_add_test(tc, test_sort_names);
    tcase_add_test(tc, test_options_version_1);
    tcase_add_test(tc, test_paging_and_comments);
    tcase_add_test(tc, test_snippet_variants);
    tcase_add_test(tc, test_snippet_boundaries);
    tcase_add_test(tc, test_snippet_typography);
    tcase_add_test(tc, test_snippet_cases);
    tcase_add_test(tc, test_snippet_never_cuts_a_word);
    tcase_add_test(tc, test_suggestions);
    tcase_add_test(tc, test_correction_fields);
    tcase_add_test(tc, test_command);
    tcase_add_test(tc, test_command_line);
    tcase_add_test(tc, test_command_json_batch);
    tcase_add_test(tc, test_command_batch_never_stops);
    tcase_add_test(tc, test_answers_hold_no_path);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fouine_test_main(query_suite());
}
