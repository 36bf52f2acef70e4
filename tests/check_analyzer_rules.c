/*
** check_analyzer_rules.c: every rule of the French analyzer, one table per
** rule.  Each table gives real French sentences and either the forms the
** analyzer must give each word or which rows a small fouine index of them
** must return for each search, so that both the analysis and the way a
** search finds the words through the index and its lexicon are checked.
**
** Token strings: words joined by "|", the forms of one word by "/": its
** token (what the index holds), its fold and its stem (FOUINE_ANALYZE_WORDS;
** words with digits have no stem).
*/
#include "testutil.h"

#include "fouine/alloc.h"
#include "fouine/fts5.h"
#include "query.h"

#include <sqlite3.h>
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

/* A text and the document tokens it must give. */
typedef struct token_case {
    const char *text;
    const char *tokens;
} token_case;

static void check_tokens(const token_case *c)
{
    fouine_test_tokens t;
    fouine_test_analyze(&t, an, c->text, FOUINE_ANALYZE_WORDS);
    ck_assert_msg(strcmp(t.text, c->tokens) == 0, "%s: got %s, want %s",
                  c->text, t.text, c->tokens);
}

/*
** Searching: rows are indexed in order (rowid 1, 2...), and each query, in
** fouine's query language, must find exactly the rows listed, as a string
** of rowids such as "13" (rows 1 and 3) or "" (none).
*/
typedef struct match_case {
    const char *query; /* what a reader types */
    const char *rows;  /* the rowids it must find, in order */
} match_case;

static void check_matches(const char *const *rows,
                          size_t nrows,
                          const match_case *cases,
                          size_t ncases)
{
    fouine_test_rows r;
    size_t i;
    fouine_test_rows_make(&r, rows, nrows);
    for (i = 0; i < ncases; i++) {
        char got[64];
        fouine_test_rows_match(got, sizeof got, &r, an, cases[i].query);
        ck_assert_msg(strcmp(got, cases[i].rows) == 0,
                      "'%s': rows \"%s\", want \"%s\"", cases[i].query, got,
                      cases[i].rows);
    }
    fouine_test_rows_drop(&r);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Rule 1: Unicode ------------------------------------------------ */

static const token_case unicode_tokens[] = {
    { "la ﬁnale du ﬁnancier",
      "la/la/la|finale/finale/final|du/du/du|financier/financier/financi" },
    { "50 m² à louer", "50/50|m2/m2|à/a/a|louer/louer/lou" },
    { "ＦＲＡＮＣＥ ＩＮＦＯ", "france/france/france|info/info/info" },
    { "le gouver\u00ADnement", "le/le/le|gouvernement/gouvernement/gouvern" },
    { "gouver\u200Bne\u200Cme\u200Dnt", "gouvernement/gouvernement/gouvern" },
    { "gouver\u2060nement\uFEFF", "gouvernement/gouvernement/gouvern" },
    /* Invalid UTF-8 separates words and never reaches a token. */
    { "caf\xC3 cr\xE8me", "caf/caf/caf|cr/cr/cr|me/me/me" },
    { "\xFF\xFEmaire\x80", "maire/maire/mair" },
    { "ab\xE2\x80"
      "cd",
      "ab/ab/ab|cd/cd/cd" },
    { "\xF0\x9F\x98", "" },
};

START_TEST(test_unicode_tokens)
{
    check_tokens(&unicode_tokens[_i]);
}
END_TEST

START_TEST(test_unicode_matches)
{
    static const char *const rows[] = {
        "Le gouver\u00ADnement a présenté son budget.",
        "La ﬁnale aura lieu à Saint-Denis.",
        "Un appartement de 50 m² à Paris.",
    };
    static const match_case cases[] = {
        { "gouvernement", "1" }, { "finale", "2" },    { "ﬁnale", "2" },
        { "m2", "3" },           { "\"50 m²\"", "3" }, { "gouver", "" },
    };
    check_matches(rows, N(rows), cases, N(cases));
}
END_TEST

/* ---- Rule 2: case --------------------------------------------------- */

START_TEST(test_case_matches)
{
    static const char *const rows[] = {
        "LES ÉTATS DU GOLFE SE RÉUNISSENT",
        "Les États membres ont voté.",
        "Les états financiers de la ville.",
    };
    static const match_case cases[] = {
        { "ÉTATS", "123" }, { "États", "123" }, { "états", "123" },
        { "etats", "123" }, { "ETATS", "123" }, { "état", "123" },
    };
    check_matches(rows, N(rows), cases, N(cases));
}
END_TEST

/* ---- Rule 3: accents, both ways ------------------------------------- */

START_TEST(test_accent_matches)
{
    static const char *const rows[] = {
        "La sécurité des hôpitaux inquiète l'ANSSI.",   /* 1 */
        "Les sécurités informatiques sont renforcées.", /* 2 */
        "Le président a reçu les maires à l'Élysée.",   /* 3 */
        "Un événement culturel a réuni la ville.",      /* 4 */
        "Le ministre s'est rendu aux États-Unis.",      /* 5 */
        "Le français est la langue de la République.",  /* 6 */
        "Une association créée en 2019 à Brest.",       /* 7 */
        "Il veut créer une entreprise.",                /* 8 */
        "Le franc suisse atteint un record.",           /* 9 */
    };
    static const match_case cases[] = {
        { "securite", "12" },      { "sécurité", "12" },
        { "securites", "12" },     { "SECURITE", "12" },
        { "elysee", "3" },         { "Élysée", "3" },
        { "evenements", "4" },     { "événements", "4" },
        { "evenement", "4" },      { "\"etats-unis\"", "5" },
        { "\"États-Unis\"", "5" }, { "francais", "6" },
        { "français", "6" },       { "franc", "9" },
        { "creee", "78" },         { "créée", "78" },
        { "créer", "78" },         { "creer", "78" },
        { "creation", "" },
    };
    check_matches(rows, N(rows), cases, N(cases));
}
END_TEST

/* ---- Rule 4: apostrophes and elisions ------------------------------- */

static const token_case apostrophe_tokens[] = {
    { "l’ANSSI", "anssi/anssi/anssi" },
    { "l‘ANSSI", "anssi/anssi/anssi" },
    { "l‛ANSSI", "anssi/anssi/anssi" },
    { "lʼANSSI", "anssi/anssi/anssi" },
    { "l＇ANSSI", "anssi/anssi/anssi" },
    { "l'ANSSI", "anssi/anssi/anssi" },
    { "la bataille d’Actium",
      "la/la/la|bataille/bataille/bataill|actium/actium/actium" },
    { "J’ai vu qu’il m’a dit qu'elle n’est pas là",
      "ai/ai/ai|vu/vu/vu|il/il/il|a/a/a|dit/dit/dit|elle/elle/elle|est/est/est|pas/pas/pas|là/la/la" },
    { "s’est t’as c’est", "est/est/est|as/as/as|est/est/est" },
    { "jusqu’à lorsqu’elle puisqu’ils quoiqu’on",
      "à/a/a|elle/elle/elle|ils/ils/il|on/on/on" },
    { "Jusqu'au Lorsqu'il Puisqu'on Quoiqu'il",
      "au/au/au|il/il/il|on/on/on|il/il/il" },
    { "aujourd’hui aujourd'hui",
      "aujourd'hui/aujourd'hui/aujourd'hui|aujourd'hui/aujourd'hui/aujourd'hui" },
    { "les prud’hommes", "les/les/le|prud'hommes/prud'hommes/prud'homm" },
    { "le prud'homme", "le/le/le|prud'homme/prud'homme/prud'homm" },
    { "la presqu’île", "la/la/la|presqu'île/presqu'ile/presqu'il" },
    { "quelqu’un, quelqu’une",
      "quelqu'un/quelqu'un/quelqu'un|quelqu'une/quelqu'une/quelqu'un" },
    { "un entr’acte", "un/un/un|entr'acte/entr'acte/entr'act" },
    /* An apostrophe not between two letters separates words. */
    { "les ’guillemets’ et l’",
      "les/les/le|guillemets/guillemets/guillemet|et/et/et|l/l/l" },
};

START_TEST(test_apostrophe_tokens)
{
    check_tokens(&apostrophe_tokens[_i]);
}
END_TEST

START_TEST(test_apostrophe_matches)
{
    static const char *const rows[] = {
        "Selon l’ANSSI, les hôpitaux sont visés.",
        "La bataille d'Actium eut lieu en 31 avant notre ère.",
        "Aujourd’hui, le conseil de prud’hommes a tranché.",
        "Lorsqu’elle est arrivée, l'État a réagi.",
    };
    static const match_case cases[] = {
        { "anssi", "1" },
        { "\"l'ANSSI\"", "1" },
        { "\"l’anssi\"", "1" },
        { "actium", "2" },
        { "\"d’Actium\"", "2" },
        { "\"aujourd'hui\"", "3" },
        { "\"prud’hommes\"", "3" },
        { "\"prud'homme\"", "3" },
        { "etat", "4" },
        { "\"l’État\"", "4" },
        { "elle", "4" },
        { "l", "" },
        { "d", "" },
        { "hui", "" },
    };
    check_matches(rows, N(rows), cases, N(cases));
}
END_TEST

/* ---- Rule 5: ligatures ---------------------------------------------- */

static const token_case ligature_tokens[] = {
    { "cœur", "cœur/coeur/coeur" },
    { "Œuvre", "œuvre/oeuvre/oeuvr" },
    { "ŒUVRES", "œuvres/oeuvres/oeuvr" },
    { "ex æquo", "ex/ex/ex|æquo/aequo/aequo" },
    { "Ex Æquo", "ex/ex/ex|æquo/aequo/aequo" },
};

START_TEST(test_ligature_tokens)
{
    check_tokens(&ligature_tokens[_i]);
}
END_TEST

START_TEST(test_ligature_matches)
{
    static const char *const rows[] = {
        "Au cœur de la canicule, la ville étouffe.",
        "Les œuvres restaurées du Louvre.",
        "Les deux coureurs terminent ex æquo.",
        "Une oeuvre écrite sans ligature, au coeur de l'été.",
    };
    static const match_case cases[] = {
        { "coeur", "14" }, { "cœur", "14" },        { "oeuvre", "24" },
        { "Œuvre", "24" }, { "\"ex aequo\"", "3" }, { "\"ex æquo\"", "3" },
    };
    check_matches(rows, N(rows), cases, N(cases));
}
END_TEST

/* ---- Rule 6: hyphens ------------------------------------------------ */

static const token_case hyphen_tokens[] = {
    { "États-Unis", "états/etats/etat|unis/unis/unis" },
    { "Saint-Étienne", "saint/saint/saint|étienne/etienne/etien" },
    { "peut-être", "peut/peut/peut|être/etre/etre" },
    { "Covid-19", "covid/covid/covid|19/19" },
    { "l’après-midi", "après/apres/apres|midi/midi/mid" },
};

START_TEST(test_hyphen_tokens)
{
    check_tokens(&hyphen_tokens[_i]);
}
END_TEST

START_TEST(test_hyphen_matches)
{
    static const char *const rows[] = {
        "Le ministre est aux États-Unis pour trois jours.",
        "Saint-Étienne a battu Lyon au stade.",
        "Il viendra peut-être demain.",
        "La Covid-19 a fermé les écoles.",
        "Les États membres et les unis du bloc.",
    };
    static const match_case cases[] = {
        { "\"etats unis\"", "1" },    { "\"Etats-Unis\"", "1" },
        { "\"États-Unis\"", "1" },    { "\"ÉTATS-UNIS\"", "1" },
        { "\"saint etienne\"", "2" }, { "\"saint-étienne\"", "2" },
        { "\"peut etre\"", "3" },     { "\"covid 19\"", "4" },
        { "\"covid-19\"", "4" },      { "etats unis", "15" },
    };
    check_matches(rows, N(rows), cases, N(cases));
}
END_TEST

/* ---- Rule 7: numbers ------------------------------------------------ */

static const token_case number_tokens[] = {
    { "1 500 000 habitants", "1500000/1500000|habitants/habitants/habit" },
    { "1\u00A0500\u00A0000", "1500000/1500000" },
    { "1\u202F500\u202F000", "1500000/1500000" },
    { "2\u00A0300 visiteurs", "2300/2300|visiteurs/visiteurs/visiteur" },
    { "une hausse de 12,5 %",
      "une/une/une|hausse/hausse/hauss|de/de/de|12,5/12,5" },
    { "en 2019, 12 000 personnes",
      "en/en/en|2019/2019|12000/12000|personnes/personnes/person" },
    { "les 3 et 4 mai", "les/les/le|3/3|et/et/et|4/4|mai/mai/mai" },
    { "10 000 000,50 euros", "10000000,50/10000000,50|euros/euros/euros" },
    { "1 2345", "1/1|2345/2345" },
    { "le 1 000e visiteur",
      "le/le/le|1/1|000e/000e|visiteur/visiteur/visiteur" },
};

START_TEST(test_number_tokens)
{
    check_tokens(&number_tokens[_i]);
}
END_TEST

START_TEST(test_number_matches)
{
    static const char *const rows[] = {
        "Le pays compte 1 500 000 chômeurs.",
        "La ville compte 1500000 habitants.",
        "Le musée a reçu 2\u00A0300 visiteurs et 45\u202F000 élèves.",
        "Les prix ont augmenté de 12,5 % en un an.",
        "Il reste 12 places et 5 tables.",
    };
    static const match_case cases[] = {
        { "1500000", "12" },
        { "\"1 500 000\"", "12" },
        { "1\u00A0500\u00A0000", "12" },
        { "2300", "3" },
        { "\"2 300\"", "3" },
        { "45000", "3" },
        { "\"12,5\"", "4" },
        { "\"12 5\"", "" },
        { "125", "" },
    };
    check_matches(rows, N(rows), cases, N(cases));
}
END_TEST

/* ---- Rule 8: stemming and its corrections --------------------------- */

static const token_case stem_tokens[] = {
    { "français", "français/francais/francais" },
    { "française", "française/francaise/francais" },
    { "françaises", "françaises/francaises/francais" },
    { "franc", "franc/franc/franc" },
    { "francs", "francs/francs/franc" },
    { "mauvais", "mauvais/mauvais/mauvais" },
    { "mauvaise", "mauvaise/mauvaise/mauvais" },
    { "mauve", "mauve/mauve/mauv" },
    { "bijoux", "bijoux/bijoux/bijou" },
    { "genoux", "genoux/genoux/genou" },
    { "jeux", "jeux/jeux/jeu" },
    { "palais", "palais/palais/palais" },
    { "Élections", "élections/elections/elect" },
};

START_TEST(test_stem_tokens)
{
    check_tokens(&stem_tokens[_i]);
}
END_TEST

START_TEST(test_stem_matches)
{
    static const char *const rows[] = {
        "Le français reste la langue officielle.",  /* 1 */
        "La politique française et les élections.", /* 2 */
        "Le franc suisse et les francs CFA.",       /* 3 */
        "Un mauvais temps sur la Bourgogne.",       /* 4 */
        "Une robe mauve et des fleurs mauves.",     /* 5 */
        "Elle portait un bijou ancien.",            /* 6 */
        "Les voleurs ont pris les bijoux.",         /* 7 */
        "Il s'est blessé au genou.",                /* 8 */
        "Le jeu reprend en France après la pause.", /* 9 */
    };
    static const match_case cases[] = {
        { "français", "12" },  { "francais", "12" },   { "française", "12" },
        { "francaise", "12" }, { "françaises", "12" }, { "franc", "3" },
        { "francs", "3" },     { "mauvais", "4" },     { "mauvaise", "4" },
        { "mauve", "5" },      { "bijoux", "67" },     { "bijou", "67" },
        { "genoux", "8" },     { "jeux", "9" },        { "Jeux", "9" },
        { "France", "9" },     { "france", "9" },      { "élection", "2" },
    };
    check_matches(rows, N(rows), cases, N(cases));
}
END_TEST

/* ---- Rule 9: prefix and exact search -------------------------------- */

START_TEST(test_prefix_exact_matches)
{
    static const char *const rows[] = {
        "La campagne présidentielle est lancée.", /* 1 */
        "Le président a parlé.",                  /* 2 */
        "Le projet de loi sur l'immigration.",    /* 3 */
        "Les immigrés attendent leurs papiers.",  /* 4 */
        "Une cyberattaque vise l'hôpital.",       /* 5 */
        "La cybersécurité des communes.",         /* 6 */
        "Les présidents des régions.",            /* 7 */
    };
    static const match_case cases[] = {
        { "présidenti*", "1" },
        { "presidenti*", "1" },
        { "PRÉSIDENTI*", "1" },
        { "immigrati*", "3" },
        { "cyber*", "56" },
        { "président", "27" },
        { "=président", "2" },
        { "=Président", "2" },
        { "=présidents", "7" },
        { "=immigration", "3" },
        { "=immigre", "" },
        /* An exact word keeps its accents, case aside. */
        { "=presidents", "" },
        { "=president", "" },
        { "=immigres", "" },
        { "=immigrés", "4" },
    };
    check_matches(rows, N(rows), cases, N(cases));
}
END_TEST

/* ---- Rule 10: stop words -------------------------------------------- */

START_TEST(test_stopwords)
{
    static const struct {
        const char *word;
        int stop;
    } words[] = {
        { "le", 1 },
        { "la", 1 },
        { "les", 1 },
        { "de", 1 },
        { "ete", 1 },
        { "etaient", 1 },
        { "qu", 1 },
        { "monde", 0 },
        { "poste", 0 },
        { "republicains", 0 },
        { "etat", 0 },
        { "", 0 },
        { "averylongwordthatisnotastopword", 0 },
    };
    size_t i;
    for (i = 0; i < N(words); i++) {
        ck_assert_msg(
            fouine_is_stopword(words[i].word, strlen(words[i].word)) ==
                words[i].stop,
            "%s", words[i].word);
    }
}
END_TEST

START_TEST(test_stopword_phrases)
{
    static const char *const rows[] = {
        "Selon « Le Monde », la réforme est prête.",
        "La Poste ferme des bureaux.",
        "Les Républicains votent contre.",
        "Le tour du monde en voilier.",
        "Il poste une lettre à la mairie.",
    };
    static const match_case cases[] = {
        { "\"le monde\"", "1" }, { "monde", "14" },
        { "\"la poste\"", "2" }, { "\"les républicains\"", "3" },
        { "\"du monde\"", "4" },
    };
    check_matches(rows, N(rows), cases, N(cases));
}
END_TEST

/* ---- Rule 11: offsets ----------------------------------------------- */

static const struct {
    const char *text;
    const char *words; /* the source word of each position, "|"-joined */
} offset_cases[] = {
    { "Selon l’ANSSI, c’est grave.", "Selon|ANSSI|est|grave" },
    { "Saint-Étienne et l'ÉTAT", "Saint|Étienne|et|ÉTAT" },
    { "le gouver\u00ADnement", "le|gouver\u00ADnement" },
    { "1\u00A0500\u00A0000 € et 12,5 %", "1\u00A0500\u00A0000|et|12,5" },
    { "« cœur » jusqu’à", "cœur|à" },
    { "caf\xC3 noir", "caf|noir" },
};

START_TEST(test_offsets)
{
    const char *text = offset_cases[_i].text;
    char got[256] = "";
    size_t p, n = 0;
    fouine_test_tokens t;
    fouine_test_analyze(&t, an, text, FOUINE_ANALYZE_DOCUMENT);
    for (p = 0; p < t.positions; p++) {
        ck_assert_uint_le(t.starts[p], t.ends[p]);
        ck_assert_uint_le(t.ends[p], strlen(text));
        if (p > 0) {
            ck_assert_uint_ge(t.starts[p], t.ends[p - 1]);
            got[n++] = '|';
        }
        memcpy(got + n, text + t.starts[p], t.ends[p] - t.starts[p]);
        n += t.ends[p] - t.starts[p];
        got[n] = '\0';
    }
    ck_assert_str_eq(got, offset_cases[_i].words);
}
END_TEST

START_TEST(test_highlight)
{
    static const char *const rows[] = {
        "Selon l’ANSSI, les cyberattaques contre les hôpitaux explosent.",
    };
    static const struct {
        const char *query;
        const char *marked;
    } cases[] = {
        { "anssi", "Selon l’[ANSSI], les cyberattaques contre les "
                   "hôpitaux explosent." },
        { "hopital", "Selon l’ANSSI, les cyberattaques contre les "
                     "[hôpitaux] explosent." },
        { "cyber*", "Selon l’ANSSI, les [cyberattaques] contre les "
                    "hôpitaux explosent." },
    };
    fouine_test_rows r;
    fouine_lexicon *lx = NULL;
    sqlite3_stmt *q = NULL;
    size_t i;
    fouine_test_rows_make(&r, rows, N(rows));
    ck_assert_int_eq(fouine_lexicon_open(&lx, r.db), FOUINE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(r.db,
                                        "SELECT highlight(article_fts, 2, '[',"
                                        " ']') FROM article_fts WHERE"
                                        " article_fts MATCH ?1",
                                        -1, &q, NULL),
                     SQLITE_OK);
    for (i = 0; i < N(cases); i++) {
        char *expr = NULL;
        ck_assert_int_eq(fouine_query_expr(&expr, an, lx, cases[i].query),
                         FOUINE_OK);
        sqlite3_bind_text(q, 1, expr, -1, SQLITE_STATIC);
        ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
        ck_assert_str_eq((const char *)sqlite3_column_text(q, 0),
                         cases[i].marked);
        sqlite3_reset(q);
        fouine_free(expr);
    }
    sqlite3_finalize(q);
    fouine_lexicon_close(lx);
    fouine_test_rows_drop(&r);
}
END_TEST

/* ---- Rule 12: overlong words ---------------------------------------- */

START_TEST(test_overlong_words)
{
    char text[512], query[256];
    fouine_test_tokens t;
    size_t i, n = 0;
    const char *rows[2];
    match_case cases[2];

    /* 150 ASCII letters: one token, cut to FOUINE_MAX_WORD, unstemmed. */
    for (i = 0; i < 150; i++) {
        text[n++] = (char)('a' + i % 26);
    }
    text[n] = '\0';
    fouine_test_analyze(&t, an, text, FOUINE_ANALYZE_DOCUMENT);
    ck_assert_uint_eq(t.positions, 1);
    ck_assert_uint_eq(t.count, 1);
    ck_assert_uint_eq(strlen(t.text), FOUINE_MAX_WORD);
    ck_assert_int_eq(strncmp(t.text, text, FOUINE_MAX_WORD), 0);
    ck_assert_uint_eq(t.ends[0], 150);

    /* 100 "é" (200 bytes): cut on a character boundary. */
    n = 0;
    for (i = 0; i < 100; i++) {
        text[n++] = '\xC3';
        text[n++] = '\xA9';
    }
    text[n] = '\0';
    fouine_test_analyze(&t, an, text, FOUINE_ANALYZE_DOCUMENT);
    ck_assert_uint_eq(t.count, 1);
    ck_assert_uint_le(strlen(t.text), FOUINE_MAX_WORD);
    ck_assert_uint_eq(t.ends[0], 200);

    /* The same long word in a query finds the document. */
    ck_assert_uint_lt(n, sizeof query);
    memcpy(query, text, n + 1);
    ck_assert_int_lt(
        snprintf(text, sizeof text, "Un mot de deux cents octets : %s.", query),
        (int)sizeof text);
    rows[0] = text;
    rows[1] = "Un texte ordinaire.";
    cases[0].query = query;
    cases[0].rows = "1";
    cases[1].query = "ordinaire";
    cases[1].rows = "2";
    check_matches(rows, 2, cases, 2);
}
END_TEST

static Suite *rules_suite(void)
{
    Suite *s = suite_create("analyzer_rules");
    TCase *tc = tcase_create("rules");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_unicode_tokens, 0, N(unicode_tokens));
    tcase_add_test(tc, test_unicode_matches);
    tcase_add_test(tc, test_case_matches);
    tcase_add_test(tc, test_accent_matches);
    tcase_add_loop_test(tc, test_apostrophe_tokens, 0, N(apostrophe_tokens));
    tcase_add_test(tc, test_apostrophe_matches);
    tcase_add_loop_test(tc, test_ligature_tokens, 0, N(ligature_tokens));
    tcase_add_test(tc, test_ligature_matches);
    tcase_add_loop_test(tc, test_hyphen_tokens, 0, N(hyphen_tokens));
    tcase_add_test(tc, test_hyphen_matches);
    tcase_add_loop_test(tc, test_number_tokens, 0, N(number_tokens));
    tcase_add_test(tc, test_number_matches);
    tcase_add_loop_test(tc, test_stem_tokens, 0, N(stem_tokens));
    tcase_add_test(tc, test_stem_matches);
    tcase_add_test(tc, test_prefix_exact_matches);
    tcase_add_test(tc, test_stopwords);
    tcase_add_test(tc, test_stopword_phrases);
    tcase_add_loop_test(tc, test_offsets, 0, N(offset_cases));
    tcase_add_test(tc, test_highlight);
    tcase_add_test(tc, test_overlong_words);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fouine_test_main(rules_suite());
}
