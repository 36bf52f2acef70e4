/*
** check_article.c: what fouine-index reads in a file: the two layouts of
** article text files (the reference article of ../shared when present,
** and every article of corpus/), every French date form, JSON and JSON
** Lines articles, and UTF-8 repair.
*/
#include "indexer.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Parse NUL-terminated text; fails the test unless it parses. */
static void parse_ok(fouine_article *a, const char *text)
{
    fouine_skip skip = FOUINE_SKIP_COUNT;
    int rc = fouine_article_parse(a, &skip, text, strlen(text));
    ck_assert_msg(rc == FOUINE_OK, "parse failed: %s (%s)", fouine_errmsg(rc),
                  fouine_skip_name(skip));
}

/* Every date form French news sites print, and what it becomes. */
static const struct {
    const char *line;
    const char *iso;
} dates[] = {
    { "Le 18 avril 2018 à 09h26", "2018-04-18T09:26:00" },
    { "Le 1er mai 2019 à 17h00", "2019-05-01T17:00:00" },
    { "Le 2 juillet 2020", "2020-07-02" },
    { "Le 12 fevrier 2020 à 18h40", "2020-02-12T18:40:00" },
    { "Le 7 février 2022 à 11h05", "2022-02-07T11:05:00" },
    { "Le 29 aout 2021 à 22h50", "2021-08-29T22:50:00" },
    { "Le 6 août 2020 à 15h10", "2020-08-06T15:10:00" },
    { "Le 4 decembre 2019 à 18h20", "2019-12-04T18:20:00" },
    { "Le 14 décembre 2022 à 10h30", "2022-12-14T10:30:00" },
    { "Le 16 juillet 2023", "2023-07-16" },
    { "Le 10 mai 2019 à 17h00", "2019-05-10T17:00:00" },
    { "le 3 Janvier 2017 a 8h05", "2017-01-03T08:05:00" },
    { "Le 6 AOÛT 2020 à 15h10", "2020-08-06T15:10:00" },
    { "Le 6 FÉVRIER 2020", "2020-02-06" },
    { "  Le 9 septembre 2016 à 07h45  ", "2016-09-09T07:45:00" },
    { "Le 1er octobre 2019\r", "2019-10-01" },
    { "31 octobre 2018", "2018-10-31" },
    { "Le 28 novembre 2011 à 23h59", "2011-11-28T23:59:00" },
    { "Le 5 juin 2015 à 12h00", "2015-06-05T12:00:00" },
    { "Le 20 mars 2014", "2014-03-20" },
};

START_TEST(test_date_forms)
{
    char iso[32];
    const char *line = dates[_i].line;
    int rc = fouine_date_parse(iso, sizeof iso, line, strlen(line));
    ck_assert_msg(rc == FOUINE_OK, "'%s' not read as a date", line);
    ck_assert_str_eq(iso, dates[_i].iso);
}
END_TEST

/* Lines that look like dates but are not. */
static const char *const not_dates[] = {
    "Le 32 avril 2018",
    "Le 0 avril 2018",
    "Le 18 avrill 2018",
    "Le 18 avril 2018 à 25h00",
    "Le 18 avril 2018 à 09h61",
    "Le 18/04/2018 à 09h48",
    "Commentaires (3)",
    "2 min",
    "",
    "Le 18 avril",
    "Le 18 avril 2018 et puis",
    "Les 18 avril 2018",
};

START_TEST(test_not_dates)
{
    char iso[32];
    const char *line = not_dates[_i];
    ck_assert_msg(fouine_date_parse(iso, sizeof iso, line, strlen(line)) ==
                      FOUINE_EINVAL,
                  "'%s' read as a date", line);
}
END_TEST

/* Date lines of days the calendar lacks: read as date lines, but with no
** date ("" out); leap years counted. */
static const struct {
    const char *line;
    const char *iso;
} calendar[] = {
    { "Le 31 février 2019", "" },
    { "Le 29 février 2019 à 10h00", "" },
    { "Le 30 fevrier 2020", "" },
    { "Le 31 avril 2018", "" },
    { "Le 31 juin 2021 à 08h15", "" },
    { "Le 29 février 1900", "" },
    { "Le 29 février 2020 à 10h00", "2020-02-29T10:00:00" },
    { "Le 29 février 2000", "2000-02-29" },
    { "Le 31 décembre 2019", "2019-12-31" },
    { "Le 30 avril 2018", "2018-04-30" },
};

START_TEST(test_calendar_days)
{
    char iso[32] = "x";
    const char *line = calendar[_i].line;
    ck_assert_msg(fouine_date_parse(iso, sizeof iso, line, strlen(line)) ==
                      FOUINE_OK,
                  "'%s' not read as a date line", line);
    ck_assert_str_eq(iso, calendar[_i].iso);
}
END_TEST

/* Dates of JSON articles: ISO 8601 kept as written, French dates made ISO
** 8601, the others refused with the reason. */
static const struct {
    const char *date;
    const char *iso;    /* of a French date, else "" */
    const char *reason; /* NULL when accepted */
} json_dates[] = {
    { "2019-05-10", "", NULL },
    { "2019-05-10T17:00:00+02:00", "", NULL },
    { "2019-05-10T17:00:00.250Z", "", NULL },
    { "2019-05-10 17:00", "", NULL },
    { "2020-02-29T08:00:00-0500", "", NULL },
    { "18 avril 2018 à 09h26", "2018-04-18T09:26:00", NULL },
    { "Le 2 juillet 2020", "2020-07-02", NULL },
    { "2019-02-31", "", "not a day of the calendar" },
    { "2019-02-29T10:00:00+01:00", "", "not a day of the calendar" },
    { "2019-13-01", "", "not a day of the calendar" },
    { "Le 31 février 2019", "", "not a day of the calendar" },
    { "hier", "", "not a date (YYYY-MM-DD, maybe with a time)" },
    { "10/05/2019", "", "not a date (YYYY-MM-DD, maybe with a time)" },
    { "2019-05-10T25:00", "", "not a date (YYYY-MM-DD, maybe with a time)" },
    { "2019-05-10T17:00+2", "", "not a date (YYYY-MM-DD, maybe with a time)" },
    { "2019-05", "", "not a date (YYYY-MM-DD, maybe with a time)" },
};

START_TEST(test_json_date_check)
{
    char iso[32] = "x";
    const char *d = json_dates[_i].date;
    const char *why = fouine_date_check(iso, sizeof iso, d, strlen(d));
    if (json_dates[_i].reason) {
        ck_assert_msg(why != NULL, "'%s' accepted", d);
        ck_assert_str_eq(why, json_dates[_i].reason);
    } else {
        ck_assert_msg(why == NULL, "'%s' refused: %s", d, why);
        ck_assert_str_eq(iso, json_dates[_i].iso);
    }
}
END_TEST

START_TEST(test_plain_layout)
{
    fouine_article a;
    parse_ok(&a, "Grève à la SNCF : le trafic perturbé ce week-end\n"
                 "Le 10 mai 2019 à 17h00\n"
                 "\n"
                 "Les syndicats appellent à la grève,\n"
                 "de vendredi soir à lundi matin.\n"
                 "\n"
                 "Un TGV sur deux circulera.\n"
                 "\n"
                 "\n"
                 "Les TER seront très perturbés en Île-de-France.\n");
    ck_assert_str_eq(a.title, "Grève à la SNCF : le trafic perturbé ce "
                              "week-end");
    ck_assert_str_eq(a.date, "2019-05-10T17:00:00");
    ck_assert_str_eq(a.lead, "Les syndicats appellent à la grève,\n"
                             "de vendredi soir à lundi matin.");
    ck_assert_str_eq(a.body, "Un TGV sur deux circulera.\n\n"
                             "Les TER seront très perturbés en "
                             "Île-de-France.");
    ck_assert_ptr_null(a.category);
    ck_assert_int_eq(a.reading_time, 0);
    ck_assert_uint_eq(a.ncomments, 0);
    fouine_article_clear(&a);
}
END_TEST

START_TEST(test_crlf_and_no_date)
{
    fouine_article a;
    parse_ok(&a, "\r\n  L’État relève le budget des hôpitaux  \r\n\r\n"
                 "Le gouvernement annonce une hausse.\r\n\r\n"
                 "Les syndicats restent prudents.\r\n");
    ck_assert_str_eq(a.title, "L’État relève le budget des hôpitaux");
    ck_assert_ptr_null(a.date);
    ck_assert_str_eq(a.lead, "Le gouvernement annonce une hausse.");
    ck_assert_str_eq(a.body, "Les syndicats restent prudents.");
    fouine_article_clear(&a);
}
END_TEST

/* A site-layout article with its footer: boilerplate, a markup line and
** two comments. */
static const char site_post[] =
    "La Poste ferme ses bureaux le samedi\n"
    "\n"
    "Le 9 janvier 2020 à 14h00\n"
    "4 min\n"
    "Services publics\n"
    "Services publics\n"
    "La Poste réduit les horaires de 300 bureaux ruraux.\n"
    "Les maires protestent.\n"
    "Une pétition circule.\n"
    "Le 9 janvier 2020 à 14h00\n"
    "Commentaires (2)\n"
    "Abonnez-vous pour prendre part au débat\n"
    "Déjà abonné ? Se connecter\n"
    "Abonnez-vousLe 09/01/2020 à 15h02\n"
    "Mon bureau de poste ouvre encore le mardi.\n"
    "\" />\n"
    "Le 09/01/2020 à 16h30\n"
    "Première ligne,\n"
    "seconde ligne.\n";

START_TEST(test_site_layout_footer)
{
    fouine_article a;
    parse_ok(&a, site_post);
    ck_assert_str_eq(a.date, "2020-01-09T14:00:00");
    ck_assert_int_eq(a.reading_time, 4);
    ck_assert_str_eq(a.category, "Services publics");
    ck_assert_str_eq(a.lead,
                     "La Poste réduit les horaires de 300 bureaux ruraux.");
    ck_assert_str_eq(a.body, "Les maires protestent.\n\nUne pétition "
                             "circule.");
    ck_assert_uint_eq(a.ncomments, 2);
    ck_assert_str_eq(a.comments[0].date, "2020-01-09T15:02:00");
    ck_assert_str_eq(a.comments[0].body,
                     "Mon bureau de poste ouvre encore le mardi.");
    ck_assert_str_eq(a.comments[1].date, "2020-01-09T16:30:00");
    ck_assert_str_eq(a.comments[1].body, "Première ligne,\nseconde ligne.");
    fouine_article_clear(&a);
}
END_TEST

/* Articles in both layouts, written with "\n" line ends. */
static const char *const line_end_articles[] = {
    "Canicule : l’Île-de-France en vigilance rouge\n"
    "Le 24 juillet 2019 à 11h30\n"
    "\n"
    "Météo-France place Paris et sept départements en vigilance rouge,\n"
    "une première depuis 2003.\n"
    "\n"
    "Les écoles ferment jeudi ; les parcs restent ouverts la nuit.\n",
    site_post,
};

/* The same article with "\r\n" (eol 0) or "\r" (eol 1) line ends reads
** as with "\n": same title, date, lead, body and comments. */
START_TEST(test_line_ends_read_the_same)
{
    static const char *const eols[] = { "\r\n", "\r" };
    const char *lf = line_end_articles[_i / 2], *eol = eols[_i % 2], *p;
    char other[1024];
    size_t n = 0;
    fouine_article a, b;
    for (p = lf; *p; p++) {
        if (*p == '\n') {
            memcpy(other + n, eol, strlen(eol));
            n += strlen(eol);
        } else {
            other[n++] = *p;
        }
        ck_assert_uint_lt(n, sizeof other - 2);
    }
    other[n] = '\0';
    parse_ok(&a, lf);
    parse_ok(&b, other);
    ck_assert_str_eq(b.title, a.title);
    ck_assert_str_eq(b.lead, a.lead);
    ck_assert_pstr_eq(b.date, a.date);
    ck_assert_uint_eq(b.ncomments, a.ncomments);
    ck_assert_uint_eq(fouine_article_hash(&b), fouine_article_hash(&a));
    ck_assert_ptr_null(strchr(b.body, '\r'));
    fouine_article_clear(&a);
    fouine_article_clear(&b);
}
END_TEST

START_TEST(test_empty_and_no_title)
{
    fouine_article a;
    fouine_skip skip = FOUINE_SKIP_COUNT;
    const char *blank = " \n\t\r\n\n";
    const char *date_alone = "\nLe 18 avril 2018 à 09h26\n\n";
    ck_assert_int_eq(fouine_article_parse(&a, &skip, blank, strlen(blank)),
                     FOUINE_EINVAL);
    ck_assert_int_eq(skip, FOUINE_SKIP_EMPTY);
    ck_assert_ptr_null(a.title);
    ck_assert_int_eq(fouine_article_parse(&a, &skip, "", 0), FOUINE_EINVAL);
    ck_assert_int_eq(skip, FOUINE_SKIP_EMPTY);
    /* Neither a title nor text: still skipped. */
    ck_assert_int_eq(
        fouine_article_parse(&a, &skip, date_alone, strlen(date_alone)),
        FOUINE_EINVAL);
    ck_assert_int_eq(skip, FOUINE_SKIP_NO_TEXT);
    ck_assert_str_eq(fouine_skip_name(skip), "no title or text");
}
END_TEST

/* A file that opens with its date line has no title: it is indexed with
** an empty one, searchable by its lead and body, and a note says so; in
** the site layout too. */
START_TEST(test_untitled_text)
{
    fouine_article a;
    parse_ok(&a, "Le 18 avril 2018 à 09h26\n\n"
                 "Dépêche : la préfecture lève l’alerte aux orages.\n\n"
                 "Les pompiers sont intervenus 120 fois dans la nuit.\n");
    ck_assert_str_eq(a.title, "");
    ck_assert_str_eq(a.date, "2018-04-18T09:26:00");
    ck_assert_str_eq(a.lead,
                     "Dépêche : la préfecture lève l’alerte aux orages.");
    ck_assert_str_eq(a.body,
                     "Les pompiers sont intervenus 120 fois dans la nuit.");
    ck_assert_str_eq(a.notes.data,
                     "no title (line 1 is a date): indexed untitled\n");
    fouine_article_clear(&a);
    parse_ok(&a, "Le 9 janvier 2020 à 14h00\n"
                 "4 min\n"
                 "Services publics\n"
                 "La Poste réduit les horaires de 300 bureaux ruraux.\n"
                 "Les maires protestent.\n");
    ck_assert_str_eq(a.title, "");
    ck_assert_str_eq(a.category, "Services publics");
    ck_assert_str_eq(a.lead,
                     "La Poste réduit les horaires de 300 bureaux ruraux.");
    ck_assert_str_eq(a.body, "Les maires protestent.");
    fouine_article_clear(&a);
}
END_TEST

/* Date lines of days the calendar lacks are still date lines, but give no
** date; a note names the line.  Likewise for a comment's date. */
START_TEST(test_text_impossible_dates)
{
    fouine_article a;
    parse_ok(&a, "Le budget de la ville adopté\n"
                 "Le 31 février 2019 à 10h00\n\n"
                 "Le conseil municipal vote le budget.\n\n"
                 "L’opposition s’abstient.\n");
    ck_assert_ptr_null(a.date);
    ck_assert_str_eq(a.title, "Le budget de la ville adopté");
    ck_assert_str_eq(a.lead, "Le conseil municipal vote le budget.");
    ck_assert_str_eq(a.notes.data,
                     "line 2: date 'Le 31 février 2019 à 10h00' is not a day "
                     "of the calendar: indexed without a date\n");
    fouine_article_clear(&a);
    parse_ok(&a, "La Poste ferme ses bureaux le samedi\n"
                 "Le 9 janvier 2020 à 14h00\n"
                 "4 min\n"
                 "Services publics\n"
                 "La Poste réduit les horaires de 300 bureaux ruraux.\n"
                 "Commentaires (2)\n"
                 "Abonnez-vousLe 30/02/2020 à 15h02\n"
                 "Mon bureau de poste ouvre encore le mardi.\n"
                 "Le 09/01/2020 à 16h30\n"
                 "Et le samedi ?\n");
    ck_assert_uint_eq(a.ncomments, 2);
    ck_assert_ptr_null(a.comments[0].date);
    ck_assert_str_eq(a.comments[0].body,
                     "Mon bureau de poste ouvre encore le mardi.");
    ck_assert_str_eq(a.comments[1].date, "2020-01-09T16:30:00");
    ck_assert_str_eq(a.notes.data,
                     "line 7: the date of comment 1 is not a day of the "
                     "calendar: kept without a date\n");
    fouine_article_clear(&a);
}
END_TEST

/* The reference article of the site layout, from ../shared. */
START_TEST(test_reference_article)
{
    const char *shared = fouine_test_dir("FOUINE_SHARED_DIR");
    char path[1024];
    char *text;
    fouine_article a;
    if (!shared) {
        printf("reference article: skipped: FOUINE_SHARED_DIR is absent\n");
        return;
    }
    snprintf(path, sizeof path,
             "%s/corpus/nextinpact-2018-04-18-cybersecurity-tech-accord.txt",
             shared);
    text = fouine_test_slurp(path);
    if (!text) {
        printf("reference article: skipped: %s is absent\n", path);
        return;
    }
    parse_ok(&a, text);
    ck_assert_str_eq(a.title, "Des géants du numérique s’accordent pour "
                              "défendre les internautes des cyberattaques");
    ck_assert_str_eq(a.date, "2018-04-18T09:26:00");
    ck_assert_int_eq(a.reading_time, 2);
    ck_assert_str_eq(a.category, "Internet");
    ck_assert_msg(strncmp(a.lead, "34 entreprises du numériques", 28) == 0,
                  "lead: %s", a.lead);
    ck_assert_ptr_nonnull(strstr(a.body, "« hack back »"));
    ck_assert_msg(strncmp(a.body, "Ces sociétés promettent", 23) == 0,
                  "body: %.60s", a.body);
    /* Footer: neither the date again, the boilerplate nor comments. */
    ck_assert_ptr_null(strstr(a.body, "Commentaires"));
    ck_assert_ptr_null(strstr(a.body, "Abonnez"));
    ck_assert_ptr_null(strstr(a.body, "abonné"));
    ck_assert_ptr_null(strstr(a.body, "Le 18 avril 2018"));
    ck_assert_ptr_null(strstr(a.body, "chaises"));
    ck_assert_uint_eq(a.ncomments, 1);
    ck_assert_str_eq(a.comments[0].date, "2018-04-18T09:48:00");
    ck_assert_ptr_nonnull(strstr(a.comments[0].body, "entre deux chaises"));
    ck_assert_ptr_nonnull(strstr(a.comments[0].body, "gouvernement de droit"));
    ck_assert_ptr_null(strstr(a.comments[0].body, "/>"));
    ck_assert_ptr_null(strstr(a.comments[0].body, "Abonnez"));
    fouine_article_clear(&a);
    free(text);
}
END_TEST

/* Words of corpus/README.md that only its readers' comments use, and the
** words that only the subscription boilerplate uses. */
static const char *const comment_words[] = {
    "tartiflette", "reblochon", "pastis", "crêperie", "salsa",
    "truite",      "fondue",    "chaton", "merguez",  "muguet",
};
static const char *const boilerplate_words[] = {
    "Abonnez", "abonné", "journalisme", "tracker", "premium", "Commentaires ("
};

/* Check one file of corpus/ against its row of the README table:
** "| `file` | A | date line | comments | topic |". */
static void check_corpus_file(const char *dir, const char *row)
{
    char name[256], layout[8], dateline[128], ncomments[16], path[1536];
    char iso[32];
    const char *p = row, *q;
    char *text;
    fouine_article a;
    size_t i;
    char *cells[4] = { name, layout, dateline, ncomments };
    size_t sizes[4] = { sizeof name, sizeof layout, sizeof dateline,
                        sizeof ncomments };

    for (i = 0; i < 4; i++) {
        size_t n;
        p = strchr(p, '|');
        ck_assert_ptr_nonnull(p);
        p++;
        q = strchr(p, '|');
        ck_assert_ptr_nonnull(q);
        while (*p == ' ' || *p == '`') {
            p++;
        }
        n = (size_t)(q - p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '`')) {
            n--;
        }
        ck_assert_uint_lt(n, sizes[i]);
        memcpy(cells[i], p, n);
        cells[i][n] = '\0';
        p = q;
    }
    ck_assert_int_lt(snprintf(path, sizeof path, "%s/%s", dir, name),
                     (int)sizeof path);
    text = fouine_test_slurp(path);
    ck_assert_msg(text != NULL, "%s is listed but missing", path);
    parse_ok(&a, text);
    ck_assert_int_eq(
        fouine_date_parse(iso, sizeof iso, dateline, strlen(dateline)),
        FOUINE_OK);
    ck_assert_msg(a.date && strcmp(a.date, iso) == 0, "%s: date %s, not %s",
                  name, a.date ? a.date : "(none)", iso);
    ck_assert_msg(strlen(a.title) > 10 && strlen(a.lead) > 50 &&
                      strlen(a.body) > 200,
                  "%s: title, lead or body missing", name);
    if (strcmp(layout, "A") == 0) {
        ck_assert_msg(a.category && a.reading_time > 0,
                      "%s: site layout without category or reading time", name);
    } else {
        ck_assert_msg(!a.category && a.reading_time == 0,
                      "%s: plain layout read as the site's", name);
        ck_assert_ptr_null(strstr(a.body, "\n\n\n"));
    }
    ck_assert_msg(a.ncomments == (size_t)strtoul(ncomments, NULL, 10),
                  "%s: %zu comments, README says %s", name, a.ncomments,
                  ncomments);
    for (i = 0; i < sizeof comment_words / sizeof comment_words[0]; i++) {
        ck_assert_msg(!strstr(a.title, comment_words[i]) &&
                          !strstr(a.lead, comment_words[i]) &&
                          !strstr(a.body, comment_words[i]),
                      "%s: comment word '%s' in the article", name,
                      comment_words[i]);
    }
    for (i = 0; i < sizeof boilerplate_words / sizeof boilerplate_words[0];
         i++) {
        size_t c;
        ck_assert_msg(!strstr(a.lead, boilerplate_words[i]) &&
                          !strstr(a.body, boilerplate_words[i]),
                      "%s: boilerplate '%s' in the article", name,
                      boilerplate_words[i]);
        for (c = 0; c < a.ncomments; c++) {
            ck_assert_msg(!strstr(a.comments[c].body, boilerplate_words[i]),
                          "%s: boilerplate '%s' in a comment", name,
                          boilerplate_words[i]);
        }
    }
    for (i = 0; i < a.ncomments; i++) {
        ck_assert_msg(a.comments[i].date && strlen(a.comments[i].body) > 10,
                      "%s: comment %zu without date or text", name, i);
    }
    fouine_article_clear(&a);
    free(text);
}

START_TEST(test_corpus_articles)
{
    const char *src = fouine_test_dir("FOUINE_SOURCE_DIR");
    char dir[1024], readme[1100];
    char *text, *line, *save = NULL;
    size_t files = 0;
    ck_assert_ptr_nonnull(src);
    snprintf(dir, sizeof dir, "%s/corpus", src);
    snprintf(readme, sizeof readme, "%s/README.md", dir);
    text = fouine_test_slurp(readme);
    ck_assert_msg(text != NULL, "%s is missing", readme);
    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "| `", 3) == 0 && strstr(line, ".txt`")) {
            check_corpus_file(dir, line);
            files++;
        }
    }
    free(text);
    ck_assert_uint_ge(files, 20);
}
END_TEST

/* Articles collected from fouine_json_parse(). */
typedef struct collected {
    fouine_article a[8];
    size_t n;
} collected;

static int collect(fouine_article *a, void *payload)
{
    collected *c = payload;
    ck_assert_uint_lt(c->n, 8);
    c->a[c->n++] = *a;
    return 0;
}

static void collected_clear(collected *c)
{
    size_t i;
    for (i = 0; i < c->n; i++) {
        fouine_article_clear(&c->a[i]);
    }
    c->n = 0;
}

/* Parse doc into c (err: 128 bytes); fails the test unless it gives
** FOUINE_OK. */
static void json_ok(collected *c,
                    fouine_skip *skip,
                    size_t *nskipped,
                    char *err,
                    const char *doc)
{
    ck_assert_int_eq(fouine_json_parse(skip, nskipped, err, 128, doc,
                                       strlen(doc), collect, c),
                     FOUINE_OK);
}

START_TEST(test_json_object)
{
    static const char doc[] =
        "{\"id\": \"orangesum-00042\", \"url\": \"https://example.fr/a\","
        " \"title\": \"Les prix du lait en hausse\","
        " \"date\": \"2019-05-10T17:00:00+02:00\", \"section\": \"Économie\","
        " \"author\": \"Orange avec AFP\", \"tags\": [\"ignored\"],"
        " \"body\": \"Les éleveurs bloquent une laiterie.\\n\\nLa préfecture "
        "appelle au calme.\\n\\nUne réunion est prévue lundi.\"}";
    collected c = { 0 };
    fouine_skip skip;
    size_t nskipped = 9;
    char err[128];
    json_ok(&c, &skip, &nskipped, err, doc);
    ck_assert_uint_eq(nskipped, 0);
    ck_assert_uint_eq(c.n, 1);
    ck_assert_str_eq(c.a[0].id, "orangesum-00042");
    ck_assert_str_eq(c.a[0].title, "Les prix du lait en hausse");
    ck_assert_str_eq(c.a[0].date, "2019-05-10T17:00:00+02:00");
    ck_assert_str_eq(c.a[0].category, "Économie");
    ck_assert_str_eq(c.a[0].author, "Orange avec AFP");
    ck_assert_str_eq(c.a[0].url, "https://example.fr/a");
    /* Without a lead, the first paragraph is the lead. */
    ck_assert_str_eq(c.a[0].lead, "Les éleveurs bloquent une laiterie.");
    ck_assert_str_eq(c.a[0].body, "La préfecture appelle au calme.\n\nUne "
                                  "réunion est prévue lundi.");
    collected_clear(&c);
}
END_TEST

START_TEST(test_json_array_fields_and_bad_elements)
{
    static const char doc[] =
        "[{\"url\": \"https://example.fr/b\", \"title\": \"Sans id\","
        "  \"category\": \"Société\", \"lead\": \"Le chapô.\","
        "  \"text\": \"Le texte.\"},"
        " {\"id\": 17, \"title\": \"Id numérique\", \"content\": \"Contenu.\"},"
        " {\"title\": \"Ni id ni url\", \"body\": \"x\"},"
        " {\"id\": \"t\", \"body\": \"Dépêche : la préfecture lève "
        "l’alerte.\"},"
        " {\"id\": \"v\", \"title\": \" \", \"body\": \"\\n\"},"
        " 42]";
    collected c = { 0 };
    fouine_skip skip;
    size_t nskipped = 0;
    char err[128];
    json_ok(&c, &skip, &nskipped, err, doc);
    ck_assert_uint_eq(c.n, 3);
    ck_assert_uint_eq(nskipped, 3);
    ck_assert_str_eq(c.a[0].id, "https://example.fr/b");
    ck_assert_str_eq(c.a[0].category, "Société");
    ck_assert_str_eq(c.a[0].lead, "Le chapô.");
    ck_assert_str_eq(c.a[0].body, "Le texte.");
    ck_assert_str_eq(c.a[1].id, "17");
    ck_assert_str_eq(c.a[1].lead, "Contenu.");
    ck_assert_str_eq(c.a[1].body, "");
    ck_assert_str_eq(c.a[1].notes.data,
                     "field id: a number, not a string: indexed as '17'\n");
    /* Untitled, with a body: indexed, with a note. */
    ck_assert_str_eq(c.a[2].id, "t");
    ck_assert_str_eq(c.a[2].title, "");
    ck_assert_str_eq(c.a[2].lead, "Dépêche : la préfecture lève l’alerte.");
    ck_assert_str_eq(c.a[2].notes.data,
                     "field title: missing or empty: indexed untitled\n");
    ck_assert_uint_eq(c.a[0].notes.len, 0);
    ck_assert_ptr_nonnull(strstr(err, "article 3"));
    /* Neither title nor text: the last reason. */
    ck_assert_int_eq(skip, FOUINE_SKIP_BAD_JSON);
    collected_clear(&c);
}
END_TEST

/* The id of fouine-index's JSON: a string, else the url; a whole number
** is taken as its digits, with a note; any other value is not an id, even
** with a url (the strict reader refuses a number too: see below). */
START_TEST(test_json_ids)
{
    static const struct {
        const char *id;   /* the JSON of the field id */
        const char *gets; /* the article's id, or NULL: skipped */
        const char *note; /* its note, or what the skip says */
    } ids[] = {
        { "\"greve-sncf\"", "greve-sncf", NULL },
        { "\"  greve-sncf \"", "greve-sncf", NULL },
        { "3", "3", "field id: a number, not a string: indexed as '3'\n" },
        { "-12", "-12",
          "field id: a number, not a string: indexed as '-12'\n" },
        { "null", "https://exemple.fr/greve", NULL },
        { "\"\"", "https://exemple.fr/greve", NULL },
        { "3.5", NULL, "field id: not a string" },
        { "true", NULL, "field id: not a string" },
        { "[\"x\"]", NULL, "field id: not a string" },
        { "{\"x\": 1}", NULL, "field id: not a string" },
    };
    char doc[256], err[128];
    collected c = { 0 };
    fouine_skip skip;
    size_t nskipped, i;
    for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        snprintf(doc, sizeof doc,
                 "{\"id\": %s, \"url\": \"https://exemple.fr/greve\","
                 " \"title\": \"Grève à la SNCF\", \"body\": \"Un TGV sur "
                 "deux.\"}",
                 ids[i].id);
        ck_assert_int_eq(fouine_json_parse(&skip, &nskipped, err, sizeof err,
                                           doc, strlen(doc), collect, &c),
                         ids[i].gets ? FOUINE_OK : FOUINE_EINVAL);
        if (!ids[i].gets) {
            ck_assert_uint_eq(c.n, 0);
            ck_assert_uint_eq(nskipped, 1);
            ck_assert_int_eq(skip, FOUINE_SKIP_NO_ID);
            ck_assert_str_eq(err, ids[i].note);
            continue;
        }
        ck_assert_uint_eq(c.n, 1);
        ck_assert_uint_eq(nskipped, 0);
        ck_assert_str_eq(c.a[0].id, ids[i].gets);
        ck_assert_str_eq(c.a[0].notes.len ? c.a[0].notes.data : "",
                         ids[i].note ? ids[i].note : "");
        collected_clear(&c);
    }
    /* In an array, the article is named. */
    snprintf(doc, sizeof doc,
             "[{\"id\": \"a\", \"title\": \"Grève\"}, {\"id\": false,"
             " \"title\": \"Grève\"}]");
    json_ok(&c, &skip, &nskipped, err, doc);
    ck_assert_uint_eq(c.n, 1);
    ck_assert_str_eq(err, "article 2: field id: not a string");
    collected_clear(&c);
}
END_TEST

/* Read doc, one article, into c and check the notes said of it (cleared
** by the caller). */
static void assert_notes(collected *c, const char *doc, const char *notes)
{
    char err[128];
    fouine_skip skip;
    size_t nskipped;
    json_ok(c, &skip, &nskipped, err, doc);
    ck_assert_uint_eq(c->n, 1);
    ck_assert_str_eq(c->a[0].notes.len ? c->a[0].notes.data : "", notes);
}

/* The other fields read as text: a whole number is read as its digits,
** anything else that is not a string is ignored; each is noted, with the
** field named, and the article is indexed. */
START_TEST(test_json_field_types)
{
    static const struct {
        const char *field, *json; /* the field and its JSON value */
        const char *note;         /* the note, its first line */
    } cases[] = {
        { "title", "2019",
          "field title: a number, not a string: read as '2019'\n" },
        { "title", "{\"fr\": \"Grève\"}",
          "field title: not a string: ignored\n"
          "field title: missing or empty: indexed untitled\n" },
        { "category", "[\"Société\"]",
          "field category: not a string: ignored\n" },
        { "url", "42", "field url: a number, not a string: read as '42'\n" },
        { "date", "true", "field date: not a string: ignored\n" },
        { "author", "3.5", "field author: not a string: ignored\n" },
    };
    char doc[256];
    collected c = { 0 };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* The title given, but when it is the field tried. */
        snprintf(doc, sizeof doc,
                 "{\"id\": \"greve\", %s \"body\": \"Un TGV sur deux.\","
                 " \"%s\": %s}",
                 strcmp(cases[i].field, "title") ?
                     "\"title\": \"Grève à la SNCF\"," :
                     "",
                 cases[i].field, cases[i].json);
        assert_notes(&c, doc, cases[i].note);
        collected_clear(&c);
    }
    /* Another name of a field that one before it gave (section before
    ** category, body before text) is not read: nothing said of it. */
    assert_notes(&c,
                 "{\"id\": \"greve\", \"title\": \"Grève à la SNCF\","
                 " \"section\": \"Société\", \"category\": 5,"
                 " \"body\": \"Un TGV sur deux.\", \"text\": 7}",
                 "");
    ck_assert_str_eq(c.a[0].category, "Société");
    collected_clear(&c);
    /* A name whose text is blanks gives nothing: the next one is read,
    ** and said. */
    assert_notes(&c,
                 "{\"id\": \"greve\", \"title\": \"Grève à la SNCF\","
                 " \"section\": \"  \", \"category\": 5,"
                 " \"body\": [\"\"], \"text\": 7}",
                 "field category: a number, not a string: read as '5'\n"
                 "field text: a number, not a string: read as '7'\n");
    collected_clear(&c);
}
END_TEST

START_TEST(test_json_bad)
{
    static const char *const bad[] = {
        "{\"id\": \"x\", \"title\": ", "not json", "{\"id\": \"x\"}",
        "{\"title\": \"Sans identifiant\"}", "\"une chaîne\""
    };
    static const fouine_skip why[] = { FOUINE_SKIP_BAD_JSON,
                                       FOUINE_SKIP_BAD_JSON,
                                       FOUINE_SKIP_NO_TEXT, FOUINE_SKIP_NO_ID,
                                       FOUINE_SKIP_BAD_JSON };
    collected c = { 0 };
    fouine_skip skip;
    size_t nskipped;
    char err[128];
    int i;
    for (i = 0; i < 5; i++) {
        ck_assert_int_eq(fouine_json_parse(&skip, &nskipped, err, sizeof err,
                                           bad[i], strlen(bad[i]), collect, &c),
                         FOUINE_EINVAL);
        ck_assert_msg(skip == why[i], "'%s': %s", bad[i],
                      fouine_skip_name(skip));
        ck_assert_uint_eq(nskipped, 1);
        ck_assert_msg(err[0] != '\0', "'%s': no message", bad[i]);
    }
    ck_assert_uint_eq(c.n, 0);
}
END_TEST

/* A JSON article: a date refused leaves no date and a note; without a
** title but with text it is indexed untitled; with neither, skipped. */
START_TEST(test_json_untitled_and_dates)
{
    static const char doc[] =
        "[{\"id\": \"d1\", \"title\": \"Le budget de la ville\","
        "  \"date\": \"2019-02-31\", \"body\": \"Le conseil vote.\"},"
        " {\"id\": \"d2\", \"date\": \"18 avril 2018 à 09h26\","
        "  \"lead\": \"Dépêche : la préfecture lève l’alerte aux orages.\"},"
        " {\"id\": \"d3\", \"title\": \"\", \"date\": \"2019-05-10\"},"
        " {\"id\": \"d4\", \"title\": \"Grève à la SNCF\","
        "  \"date\": \"2019-05-10 17:00\", \"body\": \"Un TGV sur deux.\"}]";
    collected c = { 0 };
    fouine_skip skip;
    size_t nskipped = 0;
    char err[128];
    json_ok(&c, &skip, &nskipped, err, doc);
    ck_assert_uint_eq(c.n, 3);
    ck_assert_uint_eq(nskipped, 1);
    ck_assert_int_eq(skip, FOUINE_SKIP_NO_TEXT);
    ck_assert_str_eq(err, "article 3: no field title, lead or body");
    ck_assert_ptr_null(c.a[0].date);
    ck_assert_str_eq(c.a[0].notes.data,
                     "field date: '2019-02-31' is not a day of the calendar: "
                     "indexed without a date\n");
    ck_assert_str_eq(c.a[1].title, "");
    ck_assert_str_eq(c.a[1].date, "2018-04-18T09:26:00");
    ck_assert_str_eq(c.a[1].lead,
                     "Dépêche : la préfecture lève l’alerte aux orages.");
    ck_assert_str_eq(c.a[1].notes.data,
                     "field title: missing or empty: indexed untitled\n");
    ck_assert_str_eq(c.a[2].date, "2019-05-10T17:00");
    ck_assert_uint_eq(c.a[2].notes.len, 0);
    collected_clear(&c);
}
END_TEST

/* Read text with fouine_article_read_json() into c; returns its code,
** *err its message (free with fouine_free()). */
static int read_strict(collected *c,
                       char **err,
                       const char *text,
                       const char *id)
{
    return fouine_article_read_json(err, text, strlen(text), id, collect, c);
}

/* A body given as its paragraphs (as fouine-serve's /api/articles gives
** it) is read as them, joined by empty lines, by both readers; an array
** holding anything but strings is not a body. */
START_TEST(test_json_body_paragraphs)
{
    static const char doc[] =
        "{\"id\": \"greve\", \"title\": \"Grève à la SNCF\", \"body\": "
        "[\"Un TGV sur deux circulera.\", \"\", \"Les TER sont très "
        "perturbés.\"]}";
    static const char bad[] =
        "{\"id\": \"greve\", \"title\": \"Grève à la SNCF\", \"body\": "
        "[\"Un TGV sur deux.\", 3]}";
    collected c = { 0 };
    fouine_skip skip;
    size_t nskipped;
    char err[128], *msg = NULL;

    ck_assert_int_eq(fouine_json_parse(&skip, &nskipped, err, sizeof err, doc,
                                       strlen(doc), collect, &c),
                     FOUINE_OK);
    ck_assert_uint_eq(c.n, 1);
    ck_assert_str_eq(c.a[0].lead, "Un TGV sur deux circulera.");
    ck_assert_str_eq(c.a[0].body, "Les TER sont très perturbés.");
    ck_assert_uint_eq(c.a[0].notes.len, 0);
    collected_clear(&c);
    ck_assert_int_eq(read_strict(&c, &msg, doc, NULL), FOUINE_OK);
    ck_assert_uint_eq(c.n, 1);
    ck_assert_str_eq(c.a[0].body, "Les TER sont très perturbés.");
    collected_clear(&c);
    ck_assert_int_eq(read_strict(&c, &msg, bad, NULL), FOUINE_EINVAL);
    ck_assert_ptr_nonnull(strstr(msg, "field body: not a string"));
    fouine_free(msg);
    collected_clear(&c);
}
END_TEST

/* Whether s is valid UTF-8 through and through. */
static int utf8_valid(const char *s)
{
    utf8proc_ssize_t n = (utf8proc_ssize_t)strlen(s), i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, n - i, &cp);
        if (k <= 0) {
            return 0;
        }
        i += k;
    }
    return 1;
}

/* The strict reader's messages are text, whatever bytes the JSON quoted
** holds: jansson's "near '...'" cuts "\è" after the backslash (a message
** fouine-serve could not put in JSON, and answered 500), and a message
** cut to its length may end inside a character. */
START_TEST(test_json_strict_messages_are_utf8)
{
    static char long_id[700];
    const char *texts[] = { "{\"date\": [\"g\\ève\"]}",
                            "{\"id\": \"x\", \"title\": \"\\é\"}", long_id };
    collected c = { 0 };
    char *msg = NULL;
    size_t i, n = 0;
    /* An id of 300 "é", not the one the path gives: quoted cut. */
    n += (size_t)snprintf(long_id, sizeof long_id, "{\"id\": \"");
    while (n + 8 < sizeof long_id) {
        n += (size_t)snprintf(long_id + n, sizeof long_id - n, "é");
    }
    snprintf(long_id + n, sizeof long_id - n, "\"}");
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        ck_assert_int_eq(read_strict(&c, &msg, texts[i], "x"), FOUINE_EINVAL);
        ck_assert_ptr_nonnull(msg);
        ck_assert_msg(utf8_valid(msg), "not UTF-8: %s", msg);
        ck_assert_ptr_nonnull(strstr(msg, "line 1: "));
        fouine_free(msg);
        msg = NULL;
        collected_clear(&c);
    }
    /* fouine-index's reader likewise, its message cut to its buffer. */
    for (i = 0; i < 2; i++) {
        fouine_skip skip;
        size_t nskipped;
        char err[128];
        ck_assert_int_eq(fouine_json_parse(&skip, &nskipped, err,
                                           i ? 24 : sizeof err, texts[0],
                                           strlen(texts[0]), collect, &c),
                         FOUINE_EINVAL);
        ck_assert_uint_eq(nskipped, 1);
        ck_assert_msg(utf8_valid(err), "not UTF-8: %s", err);
        collected_clear(&c);
    }
}
END_TEST

/* The strict reader: JSON Lines (blank lines, CRLF), a line holding an
** array, the fields of fouine-index's JSON input. */
START_TEST(test_json_strict_reads_lines_and_arrays)
{
    static const char text[] =
        "{\"id\": \"greve-sncf\", \"title\": \"Grève à la SNCF\","
        " \"date\": \"2019-05-10T17:00:00+02:00\", \"section\": \"Transports\","
        " \"body\": \"Un TGV sur deux circulera.\\n\\nLes TER sont très "
        "perturbés.\"}\r\n"
        "\r\n"
        "[{\"url\": \"https://exemple.fr/orages\", \"title\": \"Orages en "
        "Bourgogne\", \"date\": \"18 avril 2018 à 09h26\", \"author\": "
        "\"Rédaction\", \"lead\": \"La grêle a touché les vignobles.\", "
        "\"text\": \"Les vignerons comptent les dégâts.\"},\n"
        " {\"id\": \"lait\", \"content\": \"Les éleveurs bloquent une "
        "laiterie de Mayenne.\", \"reading_time\": 2, \"tags\": [1, 2]}]\n"
        "  {\"id\": \"vide\", \"title\": \"Titre seul\", \"lead\": null}\n";
    collected c = { 0 };
    char *err = NULL;
    ck_assert_int_eq(read_strict(&c, &err, text, NULL), FOUINE_OK);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(c.n, 4);
    ck_assert_str_eq(c.a[0].id, "greve-sncf");
    ck_assert_str_eq(c.a[0].date, "2019-05-10T17:00:00+02:00");
    ck_assert_str_eq(c.a[0].category, "Transports");
    ck_assert_str_eq(c.a[0].lead, "Un TGV sur deux circulera.");
    ck_assert_str_eq(c.a[0].body, "Les TER sont très perturbés.");
    ck_assert_str_eq(c.a[1].id, "https://exemple.fr/orages");
    ck_assert_str_eq(c.a[1].date, "2018-04-18T09:26:00");
    ck_assert_str_eq(c.a[1].author, "Rédaction");
    ck_assert_str_eq(c.a[1].body, "Les vignerons comptent les dégâts.");
    /* Untitled with a text: given, with the note fouine-index writes. */
    ck_assert_str_eq(c.a[2].id, "lait");
    ck_assert_str_eq(c.a[2].title, "");
    ck_assert_int_eq(c.a[2].reading_time, 2);
    ck_assert_str_eq(c.a[2].notes.data,
                     "field title: missing or empty: indexed untitled\n");
    ck_assert_str_eq(c.a[3].title, "Titre seul");
    ck_assert_str_eq(c.a[3].body, "");
    collected_clear(&c);
}
END_TEST

/* Texts the strict reader refuses whole, and the message naming the line,
** the article of an array and the field. */
static const struct {
    const char *text;
    const char *err;
} strict_refused[] = {
    { "{\"id\": \"a\", \"title\": \"Grève\", \"body\": \"Un TGV sur deux.\"}\n"
      "{\"id\": \"b\", \"title\": \"Budget\", \"date\": \"2019-02-31\"}\n",
      "line 2: field date: '2019-02-31' is not a day of the calendar" },
    { "{\"id\": \"b\", \"title\": \"Budget\", \"date\": \"hier\"}",
      "line 1: field date: 'hier' is not a date (YYYY-MM-DD, maybe with a "
      "time)" },
    { "[{\"id\": \"a\", \"title\": \"Grève à la SNCF\"},\n\n"
      " {\"id\": \"b\", \"title\": \"\", \"body\": \" \"}]",
      "line 3: article 2: no field title, lead or body" },
    { "{\"id\": 42, \"title\": \"Grève à la SNCF\"}",
      "line 1: field id: not a string" },
    { "{\"id\": \"a\", \"title\": [\"Grève\"]}",
      "line 1: field title: not a string" },
    { "{\"id\": \"a\", \"title\": \"Grève\", \"reading_time\": \"2 min\"}",
      "line 1: field reading_time: not a whole number" },
    { "{\"title\": \"Grève à la SNCF\", \"body\": \"Un TGV sur deux.\"}",
      "line 1: no field id or url" },
    { "{\"id\": \"a\", \"title\": \"Grève\"}\n"
      "{\"id\": \"b\",\n \"title\": \"Le caf\xE9 de la gare\"}",
      "line 3: field title: not valid UTF-8" },
    { "[{\"id\": \"a\", \"title\": \"Grève\"},\n"
      " {\"id\": \"b\", \"lead\": \"La gr\xC3\xAA\"\xC3\"}]",
      "line 2: article 2: field lead: not valid UTF-8" },
    { "{\"id\": \"a\", \"t\xEEtre\": \"Grève\"}",
      "line 1: a field name is not valid UTF-8" },
    { "{\"id\": \"a\", \"title\": \"Grève\"}\nceci n'est pas du JSON",
      "line 2: bad JSON: '[' or '{' expected near 'ceci'" },
    { "{\"id\": \"a\", \"title\": \"Grève\", \"title\": \"Grève\"}",
      "line 1: bad JSON: duplicate object key near '\"title\"'" },
    { "[{\"id\": \"a\", \"title\": \"Grève\"}, \"une chaîne\"]",
      "line 1: article 2: not an object" },
    { "\"une chaîne\"", "line 1: bad JSON: '[' or '{' expected near "
                        "'\"une chaîne\"'" },
    { "[]", "line 1: an empty array: no article" },
    { " \r\n\n ", "no article: the text is empty" },
    { "", "no article: the text is empty" },
};

START_TEST(test_json_strict_refuses_whole)
{
    collected c = { 0 };
    char *err = NULL;
    int rc = read_strict(&c, &err, strict_refused[_i].text, NULL);
    ck_assert_int_eq(rc, FOUINE_EINVAL);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, strict_refused[_i].err);
    fouine_free(err);
    collected_clear(&c);
}
END_TEST

/* With an id given: an article without one gets it, one with another is
** refused; a callback's non-zero return stops the reader. */
static int stop_at_first(fouine_article *a, void *payload)
{
    (void)payload;
    fouine_article_clear(a);
    return 7;
}

START_TEST(test_json_strict_given_id)
{
    static const char two[] = "[{\"id\": \"a\", \"title\": \"A\"}, 1]";
    collected c = { 0 };
    char *err = NULL;
    ck_assert_int_eq(read_strict(&c, &err,
                                 "{\"url\": \"https://exemple.fr/x\", "
                                 "\"title\": \"Canicule en Île-de-France\"}",
                                 "canicule"),
                     FOUINE_OK);
    ck_assert_uint_eq(c.n, 1);
    ck_assert_str_eq(c.a[0].id, "canicule");
    ck_assert_str_eq(c.a[0].url, "https://exemple.fr/x");
    collected_clear(&c);
    ck_assert_int_eq(read_strict(&c, &err,
                                 "{\"id\": \" canicule \", \"title\": "
                                 "\"Canicule\"}",
                                 "canicule"),
                     FOUINE_OK);
    collected_clear(&c);
    ck_assert_int_eq(read_strict(&c, &err,
                                 "{\"id\": \"orages\", \"title\": \"Orages\"}",
                                 "canicule"),
                     FOUINE_EINVAL);
    ck_assert_str_eq(err, "line 1: field id: 'orages' is not the id given, "
                          "'canicule'");
    fouine_free(err);
    ck_assert_uint_eq(c.n, 0);
    ck_assert_int_eq(fouine_article_read_json(&err, two, strlen(two), NULL,
                                              stop_at_first, NULL),
                     7);
    ck_assert_ptr_null(err);
}
END_TEST

START_TEST(test_utf8_repair)
{
    char *out = NULL;
    size_t n = 0, bad = 0;
    const char valid[] = "Sécurité de l’État";
    const char latin1[] = "Le caf\xE9 de la gare";
    const char overlong[] = "a\xC0\xAF"
                            "b";
    const char cut[] = "fin coup\xC3";
    ck_assert_int_eq(fouine_utf8_repair(&out, &n, &bad, valid, strlen(valid)),
                     FOUINE_OK);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(bad, SIZE_MAX);
    ck_assert_int_eq(fouine_utf8_repair(&out, &n, &bad, latin1, strlen(latin1)),
                     FOUINE_OK);
    ck_assert_uint_eq(bad, 6);
    ck_assert_str_eq(out, "Le caf\xEF\xBF\xBD de la gare");
    ck_assert_uint_eq(n, strlen(out));
    free(out);
    ck_assert_int_eq(
        fouine_utf8_repair(&out, &n, &bad, overlong, strlen(overlong)),
        FOUINE_OK);
    ck_assert_uint_eq(bad, 1);
    ck_assert_str_eq(out, "a\xEF\xBF\xBD\xEF\xBF\xBD"
                          "b");
    free(out);
    ck_assert_int_eq(fouine_utf8_repair(&out, &n, &bad, cut, strlen(cut)),
                     FOUINE_OK);
    ck_assert_uint_eq(bad, 8);
    ck_assert_str_eq(out, "fin coup\xEF\xBF\xBD");
    free(out);
}
END_TEST

START_TEST(test_article_hash_changes_with_content)
{
    fouine_article a;
    uint64_t h1, h2;
    parse_ok(&a, "Titre\nLe 2 juillet 2020\n\nChapô.\n\nCorps.\n");
    h1 = fouine_article_hash(&a);
    ck_assert_uint_eq(h1, fouine_article_hash(&a));
    free(a.body);
    a.body = strdup("Corps modifié.");
    ck_assert_ptr_nonnull(a.body);
    h2 = fouine_article_hash(&a);
    ck_assert_uint_ne(h1, h2);
    fouine_article_clear(&a);
}
END_TEST

static Suite *article_suite(void)
{
    Suite *s = suite_create("article");
    TCase *tc = tcase_create("text");
    TCase *tj = tcase_create("json");
    tcase_add_loop_test(tc, test_date_forms, 0, sizeof dates / sizeof dates[0]);
    tcase_add_loop_test(tc, test_not_dates, 0,
                        sizeof not_dates / sizeof not_dates[0]);
    tcase_add_test(tc, test_plain_layout);
    tcase_add_test(tc, test_crlf_and_no_date);
    tcase_add_test(tc, test_site_layout_footer);
    tcase_add_test(tc, test_empty_and_no_title);
    tcase_add_test(tc, test_untitled_text);
    tcase_add_test(tc, test_text_impossible_dates);
    tcase_add_loop_test(tc, test_calendar_days, 0,
                        sizeof calendar / sizeof calendar[0]);
    tcase_add_loop_test(
        tc, test_line_ends_read_the_same, 0,
        (int)(2 * (sizeof line_end_articles / sizeof line_end_articles[0])));
    tcase_add_test(tc, test_reference_article);
    tcase_add_test(tc, test_corpus_articles);
    tcase_add_test(tc, test_utf8_repair);
    tcase_add_test(tc, test_article_hash_changes_with_content);
    suite_add_tcase(s, tc);
    tcase_add_test(tj, test_json_object);
    tcase_add_test(tj, test_json_array_fields_and_bad_elements);
    tcase_add_test(tj, test_json_ids);
    tcase_add_test(tj, test_json_field_types);
    tcase_add_test(tj, test_json_body_paragraphs);
    tcase_add_test(tj, test_json_strict_messages_are_utf8);
    tcase_add_test(tj, test_json_bad);
    tcase_add_loop_test(tj, test_json_date_check, 0,
                        sizeof json_dates / sizeof json_dates[0]);
    tcase_add_test(tj, test_json_untitled_and_dates);
    tcase_add_test(tj, test_json_strict_reads_lines_and_arrays);
    tcase_add_loop_test(tj, test_json_strict_refuses_whole, 0,
                        sizeof strict_refused / sizeof strict_refused[0]);
    tcase_add_test(tj, test_json_strict_given_id);
    suite_add_tcase(s, tj);
    return s;
}

int main(void)
{
    return fouine_test_main(article_suite());
}
