/*
** check_html.c: the HTML reader of fouine-index.
**
** Pages written for the project (tests/data/html/), one per kind of markup:
** a static-generator theme with <article> (vercors), Open Graph metadata
** and <div> soup (marne), a windows-1252 page of tables (berry), a blog
** with reader comments and a JSON-LD list (lot), a JSON-LD @graph with a
** chapô (opale), XHTML in ISO-8859-15 declared by <?xml?> (nancy), a
** national daily's BEM classes with a paywall and teasers (quotidien), a
** CMS's fields and regions (region).  Each
** field of each page is checked, and the site's chrome must stay out.
** Then: character sets, entities and breaks; malformed pages (unclosed
** tags, binary junk, empty files, deep nesting, thousands of attributes);
** an OOM loop; seeded fuzzing; fouine-index and fouine-query end to end,
** and fouine-index --show.  The shared sample of real pages is
** check_html_shared.c's.
*/
#include "html.h"
#include "indexer.h"
#include "testutil.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fouine/alloc.h"

#define FUZZ_SEED   20240611u
#define FUZZ_INPUTS 1500
#define FUZZ_MAX    6000 /* bytes of a fuzz input, at most */

/* A page of tests/data/html, read whole (free()); fails the test when it
** cannot be read. */
static char *read_page(const char *name, size_t *len)
{
    char path[1024];
    const char *src = fouine_test_dir("FOUINE_SOURCE_DIR");
    char *text;
    ck_assert_ptr_nonnull(src);
    snprintf(path, sizeof path, "%s/tests/data/html/%s", src, name);
    text = fouine_test_slurp(path);
    ck_assert_msg(text != NULL, "%s: cannot read it", path);
    *len = strlen(text); /* the pages hold no NUL */
    return text;
}

/* Parse a page that must give an article. */
static void parse_ok(fouine_article *a,
                     fouine_html_info *info,
                     const char *text,
                     size_t len)
{
    fouine_skip skip = FOUINE_SKIP_COUNT;
    int rc = fouine_html_parse(a, &skip, info, text, len);
    ck_assert_msg(rc == FOUINE_OK, "%s (%s)", fouine_errmsg(rc),
                  fouine_skip_name(skip));
}

/* Whether text holds needle. */
static int has(const char *text, const char *needle)
{
    return text && strstr(text, needle) != NULL;
}

/* The number of paragraphs of a body ("\n\n" between them). */
static size_t paragraphs(const char *body)
{
    size_t n = 0;
    const char *p = body;
    while (p && *p) {
        const char *next = strstr(p, "\n\n");
        n++;
        p = next ? next + 2 : NULL;
    }
    return n;
}

static void assert_field(const char *file,
                         const char *name,
                         const char *got,
                         const char *want)
{
    if (!want) {
        ck_assert_msg(got == NULL, "%s: %s '%s', expected none", file, name,
                      got);
        return;
    }
    ck_assert_msg(got && strcmp(got, want) == 0, "%s: %s '%s', expected '%s'",
                  file, name, got ? got : "(none)", want);
}

/* What each page must give. */
static const struct page_case {
    const char *file;
    fouine_charset charset;
    const char *title, *date, *category, *author, *url;
    const char *lead;    /* the lead starts with it */
    size_t paragraphs;   /* of the body */
    const char *body[3]; /* sentences the body (or lead) holds */
    size_t ncomments;
} pages[] = {
    { "vercors-ski-randonnee.html",
      FOUINE_CHARSET_UTF8,
      "À Villard-de-Lans, la station mise sur le ski de randonnée",
      "2023-01-14T08:30:00+01:00",
      "Montagne",
      "Claire Dumas",
      "https://www.journal-vercors.fr/montagne/villard-de-lans-ski-de-"
      "randonnee/",
      "Faute de neige en bas des pistes, la station de Villard-de-Lans",
      4,
      { "Le ski de randonnée n'est pas une mode",
        "Le forfait « randonnée », vendu 12 euros la journée",
        "Un bulletin est affiché chaque matin au départ des tracés." },
      0 },
    { "marne-grele-vignes.htm",
      FOUINE_CHARSET_UTF8,
      "La grêle a frappé les vignes de la Montagne de Reims",
      "2022-11-07T18:42:00",
      "Société",
      "Marc Lefèvre",
      "https://www.petit-echo-marne.fr/societe/2022/11/07/grele-vignes-"
      "montagne-de-reims.html",
      "Dimanche soir, un orage d'une rare violence",
      3,
      { "« Heureusement, les vendanges étaient faites depuis six semaines »",
        "La chambre d'agriculture a recensé près de 400 hectares touchés.",
        "déclarer leurs pertes en mairie jusqu'au 30 novembre." },
      0 },
    { "berry-bois-de-chauffage.html",
      FOUINE_CHARSET_WINDOWS_1252,
      "Le prix du bois de chauffage s’envole avant l’hiver",
      "2008-10-21T07:15:00",
      "Économie",
      "Jean-Pierre Morel",
      NULL,
      "À l’approche des premiers froids, le stère de chêne se négocie "
      "désormais autour de 65\xC2\xA0€ dans le Cher, contre 48 € il y a deux "
      "ans. Les exploitants forestiers parlent d’une demande « jamais vue »…",
      4,
      { "«\xC2\xA0On a des clients qui commandent dix stères d’un coup",
        "s’équiper d’un poêle. L’œuvre de toute une filière",
        "La chambre départementale d’agriculture conseille" },
      0 },
    { "lot-cahors-pont-valentre.html",
      FOUINE_CHARSET_UTF8,
      "Cahors : le pont Valentré fermé aux piétons pour trois semaines",
      "2021-06-02T11:20:00+02:00",
      "Patrimoine",
      "Sophie Carrère",
      "https://lefildulot.fr/2021/06/02/cahors-pont-valentre-ferme/",
      "Le pont Valentré, emblème de Cahors inscrit au patrimoine mondial",
      2,
      { "dans une carrière de Crayssac",
        "Les cyclistes devront emprunter le pont Louis-Philippe.", NULL },
      3 },
    { "opale-erosion-dunes.html",
      FOUINE_CHARSET_UTF8,
      "Érosion : à Wissant, la dune recule de huit mètres en un hiver",
      "2024-03-05T06:45:00+01:00",
      "Environnement",
      "Léa Martin, Yanis Benali",
      "https://www.actu-opale.fr/environnement/wissant-dune-erosion/",
      "Les tempêtes de l'hiver ont emporté une partie du cordon dunaire. La "
      "commune demande l'aide de l'État pour protéger les habitations.",
      7,
      { "Sur la digue de Wissant, les promeneurs mesurent d'un coup d'œil",
        "le financement d'un rechargement en sable dès le printemps ;",
        "se tiendra le 19 mars à Boulogne-sur-Mer." },
      0 },
    { "nancy-vitraux.xhtml",
      FOUINE_CHARSET_ISO_8859_15,
      "Nancy : les vitraux de l'École de Nancy retrouvent leur éclat",
      "2019-09-12T10:00:00",
      "Culture",
      "Hélène Roux",
      "https://www.lorraine-culture.fr/arts/ecole-de-nancy-vitraux.xhtml",
      "Après deux ans de restauration, les huit vitraux de la villa "
      "Majorelle ont regagné leurs fenêtres. L'œuvre de Jacques Gruber",
      2,
      { "Le chantier a coûté 340 000 €, financés pour moitié par le mécénat.",
        "la restauratrice Œnone Lambert.", NULL },
      0 },
    { "quotidien-nucleaire-flamanville.html",
      FOUINE_CHARSET_UTF8,
      "A Flamanville, l’EPR démarre avec douze ans de retard",
      "2024-12-21T17:02:11+01:00",
      "Economie",
      "Antoine Mercier",
      "https://www.lequotidien-national.fr/economie/article/2024/12/21/a-"
      "flamanville-l-epr-demarre_6459812_3234.html",
      "Le réacteur de troisième génération a été raccordé au réseau "
      "électrique samedi. Son coût a quadruplé",
      5,
      { "Il aura fallu dix-sept ans.", "Une montée en puissance progressive",
        "« Les équipes ont vécu chaque report comme un échec personnel »" },
      0 },
    { "region-tramway-besancon.html",
      FOUINE_CHARSET_UTF8,
      "Besançon : le tramway prolongé jusqu'à Saint-Ferjeux",
      "2021-03-12T10:15:00+01:00",
      "Doubs",
      NULL,
      "https://www.info-franche-comte.fr/doubs/besancon/tramway-saint-ferjeux",
      "Le conseil communautaire a voté jeudi soir le prolongement de la "
      "ligne 2 du tramway",
      3,
      { "Trois nouvelles stations sont prévues",
        "« C'est le chaînon manquant entre les quartiers ouest et le "
        "centre-ville »",
        "qui transporte 9 000 voyageurs par jour." },
      0 },
};

/* The site's chrome in the pages: none of it is article text. */
static const char *const chrome[] = {
    "Horoscope",
    "Jeux concours",
    "Partager",
    "lire aussi",
    "Lire aussi",
    "Mentions légales",
    "traceurs",
    "Les plus lus",
    "Inscrivez-vous",
    "Publicité",
    "Répondre",
    "Laisser un commentaire",
    "Accueil",
    "Photo Claire Dumas",
    "vue du ciel",
    "coquille",
    "repreneur",
    "Recevez chaque matin",
    "Pharmacies de garde",
    "Tous droits réservés",
    "propulsé",
    "Copier le lien",
    "Envoyer à un ami",
    "Publié le",
    "Mis en ligne",
    "bleu du Vercors",
    "Stade de Reims",
    "Autrans",
    "Articles similaires",
    "phoques",
    "Plan du site",
    "Concours photo",
    "dit :",
    "Bernard",
    "parapets côté ville",
    "Qui sommes-nous",
    "Vide-greniers",
    "Agenda des fêtes",
    "Lettre quotidienne",
    "Sorties et loisirs",
    "Tout accepter",
    "Aller au contenu",
    /* the national daily */
    "Mots croisés",
    "abonner",
    "Offrir cet article",
    "Il vous reste",
    "Déjà abonné",
    "même sujet",
    "six nouveaux réacteurs",
    "commission de régulation",
    "Reproduction interdite",
    "Continuer sans accepter",
    "Temps de lecture",
    /* the regional site */
    "Nécrologie",
    "Mots-clés",
    "Grand Besançon",
    "Photo d'archives",
    "record d'exportations",
    "RN57",
    "Annoncer chez nous",
    "12/03/2021",
};

START_TEST(test_page_fields)
{
    const struct page_case *c = &pages[_i];
    fouine_article a;
    fouine_html_info info;
    fouine_skip skip = FOUINE_SKIP_COUNT;
    size_t len, k;
    char *text = read_page(c->file, &len), warnings[256];
    int rc = fouine_html_parse(&a, &skip, &info, text, len);

    ck_assert_msg(rc == FOUINE_OK, "%s: %s (%s)", c->file, fouine_errmsg(rc),
                  fouine_skip_name(skip));
    ck_assert_msg(info.charset == c->charset, "%s: read as %s", c->file,
                  fouine_charset_name(info.charset));
    ck_assert_int_eq(fouine_html_warnings(warnings, sizeof warnings, &info), 0);
    assert_field(c->file, "title", a.title, c->title);
    assert_field(c->file, "date", a.date, c->date);
    assert_field(c->file, "category", a.category, c->category);
    assert_field(c->file, "author", a.author, c->author);
    assert_field(c->file, "url", a.url, c->url);
    ck_assert_msg(strncmp(a.lead, c->lead, strlen(c->lead)) == 0,
                  "%s: lead '%s'", c->file, a.lead);
    ck_assert_msg(paragraphs(a.body) == c->paragraphs,
                  "%s: %zu paragraphs, expected %zu:\n%s", c->file,
                  paragraphs(a.body), c->paragraphs, a.body);
    for (k = 0; k < 3 && c->body[k]; k++) {
        ck_assert_msg(has(a.body, c->body[k]) || has(a.lead, c->body[k]),
                      "%s: '%s' missing from:\n%s", c->file, c->body[k],
                      a.body);
    }
    for (k = 0; k < sizeof chrome / sizeof chrome[0]; k++) {
        ck_assert_msg(!has(a.lead, chrome[k]) && !has(a.body, chrome[k]),
                      "%s: the site's '%s' in the article:\n%s\n\n%s", c->file,
                      chrome[k], a.lead, a.body);
    }
    ck_assert_msg(!has(a.body, a.title), "%s: the title in the body", c->file);
    ck_assert_uint_eq(a.ncomments, c->ncomments);
    fouine_article_clear(&a);
    free(text);
}
END_TEST

/* Reader comments: apart from the article, each with its date, replies
** included, without authors, buttons or the comment form. */
START_TEST(test_comments)
{
    static const struct {
        const char *date, *body;
    } want[] = {
        { "2021-06-02T19:04:00+02:00",
          "Enfin ! Les parapets côté ville s'effritaient depuis des années." },
        { "2021-06-03T08:15:00+02:00",
          "Trois semaines en plein début de saison touristique, quand même…\n"
          "Les restaurateurs du quai vont apprécier." },
        { "2021-06-04T12:30:00+02:00",
          "La navette passera-t-elle aussi le dimanche matin, jour de "
          "marché ?" },
    };
    fouine_article a;
    fouine_html_info info;
    size_t len, k;
    char *text = read_page("lot-cahors-pont-valentre.html", &len);
    parse_ok(&a, &info, text, len);
    ck_assert_uint_eq(a.ncomments, 3);
    for (k = 0; k < 3; k++) {
        assert_field("lot", "comment date", a.comments[k].date, want[k].date);
        assert_field("lot", "comment", a.comments[k].body, want[k].body);
    }
    ck_assert(!has(a.body, "restaurateurs") && !has(a.lead, "navette passera"));
    fouine_article_clear(&a);
    free(text);
}
END_TEST

/* Decoding: what each page's bytes become. */
static const struct decode_case {
    const char *bytes;
    fouine_charset charset;
    fouine_charset_from from;
    const char *text; /* the decoded text holds it */
    size_t bad;       /* info.bad_utf8 */
} decodes[] = {
    /* windows-1252, 0x80-0x9F included */
    { "<meta charset=\"windows-1252\"><p>\x80 \x92\x93\x94\x85 \x9c\x8c \xe9",
      FOUINE_CHARSET_WINDOWS_1252, FOUINE_FROM_DECLARED, "<p>€ ’“”… œŒ é",
      SIZE_MAX },
    /* ISO-8859-1 is read as windows-1252, as browsers do */
    { "<META HTTP-EQUIV=\"content-type\" CONTENT=\"text/html; "
      "charset=ISO-8859-1\"><p>caf\xe9 \x92",
      FOUINE_CHARSET_WINDOWS_1252, FOUINE_FROM_DECLARED, "café ’", SIZE_MAX },
    { "<meta http-equiv='Content-Type' content='text/html;charset=\"latin1\"'>"
      "<p>cr\xe8me",
      FOUINE_CHARSET_WINDOWS_1252, FOUINE_FROM_DECLARED, "crème", SIZE_MAX },
    { "<?xml version=\"1.0\" encoding=\"iso-8859-15\"?><p>\xa4 \xbd\xbc",
      FOUINE_CHARSET_ISO_8859_15, FOUINE_FROM_DECLARED, "€ œŒ", SIZE_MAX },
    /* a byte order mark wins over the declaration */
    { "\xef\xbb\xbf<meta charset=\"iso-8859-1\"><p>été", FOUINE_CHARSET_UTF8,
      FOUINE_FROM_BOM, "<p>été", SIZE_MAX },
    /* nothing declared, and not UTF-8: windows-1252 */
    { "<p>caf\xe9 cr\xe8me \x80", FOUINE_CHARSET_WINDOWS_1252,
      FOUINE_FROM_NOT_UTF8, "café crème €", SIZE_MAX },
    /* a legacy charset declared on UTF-8 bytes (a page saved again) */
    { "<meta charset=\"iso-8859-1\"><p>café", FOUINE_CHARSET_UTF8,
      FOUINE_FROM_UTF8_BYTES, "café", SIZE_MAX },
    /* UTF-8 with one bad byte: repaired, where it was said */
    { "<meta charset=\"utf-8\"><p>café \xff crème", FOUINE_CHARSET_UTF8,
      FOUINE_FROM_DECLARED, "café \xEF\xBF\xBD crème", 31 },
    /* a charset the reader does not know */
    { "<meta charset=\"koi8-r\"><p>été", FOUINE_CHARSET_UTF8,
      FOUINE_FROM_UNSUPPORTED, "été", SIZE_MAX },
    /* a declaration inside a comment is not one */
    { "<!-- <meta charset=\"iso-8859-15\"> --><p>\xa4",
      FOUINE_CHARSET_WINDOWS_1252, FOUINE_FROM_NOT_UTF8, "\xC2\xA4", SIZE_MAX },
};

START_TEST(test_decode)
{
    const struct decode_case *c = &decodes[_i];
    fouine_html_info info;
    char *owned = NULL, *copy;
    const char *text = NULL;
    size_t len = 0, bad = SIZE_MAX, fixed_len = 0;
    char *fixed = NULL;

    ck_assert_int_eq(fouine_html_decode(&owned, &text, &len, &info, c->bytes,
                                        strlen(c->bytes)),
                     FOUINE_OK);
    copy = fouine_strndup(text, len);
    ck_assert_ptr_nonnull(copy);
    ck_assert_msg(strstr(copy, c->text) != NULL, "case %d: '%s'", _i, copy);
    ck_assert_msg(info.charset == c->charset, "case %d: %s", _i,
                  fouine_charset_name(info.charset));
    ck_assert_int_eq(info.from, c->from);
    ck_assert_uint_eq(info.bad_utf8, c->bad);
    ck_assert_int_eq(fouine_utf8_repair(&fixed, &fixed_len, &bad, text, len),
                     FOUINE_OK);
    ck_assert_msg(fixed == NULL, "case %d: not valid UTF-8", _i);
    fouine_free(copy);
    fouine_free(owned);
}
END_TEST

/* A charset declared past the first 1024 bytes is not seen, as in
** browsers; a charset not supported is said. */
START_TEST(test_decode_limits)
{
    char page[2048], warnings[256];
    fouine_html_info info;
    fouine_article a;
    char *owned = NULL;
    const char *text;
    size_t len;
    memset(page, ' ', sizeof page);
    memcpy(page, "<!--", 4);
    strcpy(page + 1100, "--><meta charset=\"iso-8859-15\"><p>\xa4</p>");
    ck_assert_int_eq(
        fouine_html_decode(&owned, &text, &len, &info, page, strlen(page)),
        FOUINE_OK);
    /* Some random bytes make UTF-8 characters: the rest is repaired. */
    ck_assert(info.charset == FOUINE_CHARSET_WINDOWS_1252 ||
              info.bad_utf8 != SIZE_MAX);
    ck_assert_int_eq(info.from, FOUINE_FROM_NOT_UTF8);
    fouine_free(owned);

    strcpy(page, "<meta charset=\"koi8-r\"><title>Un titre de page</title>"
                 "<p>Un texte assez long pour être lu comme un article.</p>");
    parse_ok(&a, &info, page, strlen(page));
    ck_assert_int_eq(fouine_html_warnings(warnings, sizeof warnings, &info), 1);
    ck_assert_msg(has(warnings, "'koi8-r' not supported"), "%s", warnings);
    fouine_article_clear(&a);
}
END_TEST

/* Entities, non-breaking spaces, windows-1252 references, <br>. */
START_TEST(test_text)
{
    static const char page[] =
        "<html><head><title>Titre du jour</title></head><body><article>"
        "<h1>Un titre assez long pour un article</h1>"
        "<p>Premier paragraphe&nbsp;: l&#146;étang &amp; la rivi&egrave;re, "
        "l&#x2019;été&hellip; &laquo;&#160;oui&#160;&raquo;, &quot;non&quot; "
        "et &lt;b&gt;.</p>"
        "<p>Ligne une<br>Ligne deux,<br/>\n  et trois   espaces.</p>"
        "<p>Un &eacute;l&eacute;ment <b>gras</b><i>italique</i> coll&eacute;"
        " &#9731; &#128512; &unknown; fin.</p>"
        "</article></body></html>";
    fouine_article a;
    fouine_html_info info;
    parse_ok(&a, &info, page, sizeof page - 1);
    ck_assert_str_eq(a.title, "Un titre assez long pour un article");
    ck_assert_str_eq(a.lead,
                     "Premier paragraphe\xC2\xA0: l’étang & la rivière, "
                     "l’été… «\xC2\xA0oui\xC2\xA0», \"non\" et <b>.");
    ck_assert_str_eq(a.body, "Ligne une\n\nLigne deux,\n\net trois espaces.\n\n"
                             "Un élément grasitalique collé ☃ 😀 &unknown; "
                             "fin.");
    fouine_article_clear(&a);
}
END_TEST

/* A title without the site's name; JSON-LD that does not parse is left
** alone. */
static const struct title_case {
    const char *page;
    const char *title;
} titles[] = {
    { "<meta property=\"og:title\" content=\"Le tramway arrive à Brest - "
      "Brest Infos\"><meta property=\"og:site_name\" content=\"Brest "
      "Infos\">",
      "Le tramway arrive à Brest" },
    { "<meta name=\"application-name\" content=\"Le Courrier\"><title>Le "
      "Courrier | Une usine de vélos rouvre à Saint-Étienne</title>",
      "Une usine de vélos rouvre à Saint-Étienne" },
    { "<title>La foire aux fromages fête ses cent ans - La Voix du Cantal"
      "</title>",
      "La foire aux fromages fête ses cent ans" },
    { "<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", "
      "\"headline\": \"Cassé\",</script><title>Un titre de secours pour la "
      "page</title><h1>Le titre du texte, dans la page</h1>",
      "Le titre du texte, dans la page" },
    { "<script type=\"application/ld+json\">{\"@context\": "
      "\"https://schema.org\", \"@type\": \"http://schema.org/NewsArticle\","
      " \"headline\": \"  Le marché   de Noël s'installe  \"}</script>"
      "<meta property=\"og:title\" content=\"Autre titre\">",
      "Le marché de Noël s'installe" },
    /* an og:title that is only the site's name is no title */
    { "<meta property=\"og:title\" content=\"La Dépêche du Midi\"><meta "
      "property=\"og:site_name\" content=\"La Dépêche du Midi\"><h1>Toulouse"
      " : le métro de la ligne C en essais</h1>",
      "Toulouse : le métro de la ligne C en essais" },
};

START_TEST(test_titles)
{
    const char *body = "<p>Le texte de l'article, avec assez de mots pour en "
                       "faire un paragraphe.</p>";
    char page[2048];
    fouine_article a;
    fouine_html_info info;
    snprintf(page, sizeof page, "%s%s", titles[_i].page, body);
    parse_ok(&a, &info, page, strlen(page));
    ck_assert_str_eq(a.title, titles[_i].title);
    fouine_article_clear(&a);
}
END_TEST

/* JSON-LD that names a person once in its @graph and refers to it by
** "@id" from the article. */
START_TEST(test_jsonld_references)
{
    static const char page[] =
        "<script type=\"application/ld+json\">{\"@context\": "
        "\"https://schema.org\", \"@graph\": [{\"@type\": \"NewsArticle\", "
        "\"headline\": \"Rennes : le marché des Lices s'agrandit\", "
        "\"datePublished\": \"2023-05-06T08:00:00+02:00\", \"author\": "
        "[{\"@id\": \"https://exemple.fr/#/schema/person/7\"}], "
        "\"publisher\": {\"@id\": \"https://exemple.fr/#org\"}}, {\"@type\": "
        "\"Person\", \"@id\": \"https://exemple.fr/#/schema/person/7\", "
        "\"name\": \"Camille Roche\"}, {\"@type\": \"Organization\", \"@id\": "
        "\"https://exemple.fr/#org\", \"name\": \"Ouest Matin\"}]}</script>"
        "<title>Rennes : le marché des Lices s'agrandit - Ouest Matin</title>"
        "<p>Une quarantaine d'étals supplémentaires s'installeront place des "
        "Lices dès le mois de juin, a annoncé la mairie.</p>";
    fouine_article a;
    fouine_html_info info;
    parse_ok(&a, &info, page, sizeof page - 1);
    ck_assert_str_eq(a.title, "Rennes : le marché des Lices s'agrandit");
    ck_assert_str_eq(a.author, "Camille Roche");
    ck_assert_str_eq(a.date, "2023-05-06T08:00:00+02:00");
    fouine_article_clear(&a);
}
END_TEST

/* Dates written with numbers: the date line of the article (left out of
** its text) and those of the comments. */
START_TEST(test_numeric_dates)
{
    static const char page[] =
        "<html><head><title>Le réseau de bus de Dijon change de carte - Côte-d'Or "
        "Infos</title></head><body><div class=\"article\"><h1>Le réseau de bus "
        "de Dijon change de carte</h1><p class=\"infos\">Publié le 14/02/2022 "
        "à 18h05</p><p>Les lignes de bus de la métropole dijonnaise seront "
        "renumérotées à partir du lundi 7 mars, annonce l'opérateur.</p><p>Les "
        "horaires du tramway ne changent pas, mais deux nouvelles lignes "
        "desserviront les zones d'activités du nord de l'agglomération.</p>"
        "</div><section id=\"commentaires\"><h2>3 commentaires</h2>"
        "<div class=\"commentaire\"><span class=\"pseudo\">Lucie</span> "
        "<span class=\"date\">Le 14/02/2022 à 19h12</span><p>Enfin une ligne "
        "vers la zone nord !</p></div><div class=\"commentaire\"><span "
        "class=\"pseudo\">Paul</span> <span class=\"date\">15/02/2022 "
        "07:40</span><p>Et les dimanches ?</p></div></section></body></html>";
    fouine_article a;
    fouine_html_info info;
    parse_ok(&a, &info, page, sizeof page - 1);
    ck_assert_str_eq(a.date, "2022-02-14T18:05:00");
    ck_assert(!has(a.lead, "Publié") && !has(a.body, "Publié"));
    ck_assert(has(a.lead, "Les lignes de bus de la métropole dijonnaise"));
    ck_assert_uint_eq(a.ncomments, 2);
    assert_field("numeric", "comment date", a.comments[0].date,
                 "2022-02-14T19:12:00");
    assert_field("numeric", "comment", a.comments[0].body,
                 "Enfin une ligne vers la zone nord !");
    assert_field("numeric", "comment date", a.comments[1].date,
                 "2022-02-15T07:40:00");
    assert_field("numeric", "comment", a.comments[1].body,
                 "Et les dimanches ?");
    fouine_article_clear(&a);
}
END_TEST

/* Pages whose words mislead: a chrome word on the page's wrapper
** ("has-sidebar") names a layout, and so does a comment word on a wrapper
** that holds the <h1> ("comments-open"): the article inside is read, what
** stands beside it is not. */
static const struct structure_case {
    const char *page;
    const char *lead, *body; /* the lead and the body hold them */
    const char * not ;       /* the article does not hold it */
} structures[] = {
    { "<html><head><title>Nantes : la piscine Léo-Lagrange rouvre | Presse "
      "Atlantique</title></head><body><div id=\"page\" class=\"layout "
      "has-sidebar\"><div class=\"col-a\"><h1>Nantes : la piscine "
      "Léo-Lagrange rouvre</h1><p>La piscine Léo-Lagrange, sur l'île de "
      "Nantes, rouvre ses portes samedi après vingt-six mois de travaux, avec "
      "un bassin olympique refait.</p><p>Le chantier a coûté 14 millions "
      "d'euros à la métropole. Les tarifs restent inchangés, à 3,10 euros "
      "l'entrée.</p></div><div class=\"col-b\"><a href=\"/agenda\">Agenda"
      "</a> <a href=\"/meteo\">Météo</a></div></div><div "
      "class=\"site-bottom\"><p>Presse Atlantique, le journal de la "
      "Loire-Atlantique et de la Vendée, édité par la société des éditions "
      "de l'Atlantique, au capital de 10 000 euros.</p></div></body></html>",
      "La piscine Léo-Lagrange, sur l'île de Nantes",
      "Le chantier a coûté 14 millions d'euros", "au capital de" },
    { "<html><head><title>Brest : les grues du port changent de couleur"
      "</title></head><body><div class=\"site single comments-open\">"
      "<h1>Brest : les grues du port changent de couleur</h1><div "
      "class=\"txt\"><p>Les quatre grues du port de commerce de Brest seront "
      "repeintes en bleu d'ici à l'été, a décidé la région.</p><p>Le chantier "
      "durera six semaines par grue, sans arrêter le trafic des navires.</p>"
      "</div></div></body></html>",
      "Les quatre grues du port de commerce de Brest",
      "Le chantier durera six semaines", "Brest : les grues du port" },
};

START_TEST(test_structures)
{
    const struct structure_case *c = &structures[_i];
    fouine_article a;
    fouine_html_info info;
    parse_ok(&a, &info, c->page, strlen(c->page));
    ck_assert_msg(has(a.lead, c->lead), "lead: %s", a.lead);
    ck_assert_msg(has(a.body, c->body), "body: %s", a.body);
    ck_assert(!has(a.lead, c->not ) && !has(a.body, c->not ));
    ck_assert_uint_eq(a.ncomments, 0);
    fouine_article_clear(&a);
}
END_TEST

/* A page with markup but without text is skipped. */
START_TEST(test_skips)
{
    static const struct {
        const char *page;
        size_t len;
        fouine_skip skip;
    } cases[] = {
        { "", 0, FOUINE_SKIP_EMPTY },
        { " \n\t\r\n ", 6, FOUINE_SKIP_EMPTY },
        { "<html>\0<body>", 13, FOUINE_SKIP_BINARY },
        { "<html><body><div><img src=x></div></body></html>", SIZE_MAX,
          FOUINE_SKIP_NO_TEXT },
        { "<title>Un titre</title><script>var x = 1;</script>", SIZE_MAX,
          FOUINE_SKIP_EMPTY },
        /* nothing is read past the size limit */
        { "<p>", FOUINE_HTML_MAX_BYTES + 1u, FOUINE_SKIP_TOO_LARGE },
    };
    fouine_article a;
    fouine_html_info info;
    fouine_skip skip = FOUINE_SKIP_COUNT;
    size_t k;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t len =
            cases[k].len == SIZE_MAX ? strlen(cases[k].page) : cases[k].len;
        ck_assert_int_eq(
            fouine_html_parse(&a, &skip, &info, cases[k].page, len),
            FOUINE_EINVAL);
        ck_assert_msg(skip == cases[k].skip, "case %zu: %s", k,
                      fouine_skip_name(skip));
        ck_assert_ptr_null(a.title);
    }
}
END_TEST

/* Unclosed tags, a script never closed, misnested elements. */
START_TEST(test_malformed)
{
    static const char page[] =
        "<html><head><title>Inondations dans la vallée de la Vilaine"
        "<body><div class=\"content\"><p>La Vilaine est sortie de son lit "
        "dans la nuit de jeudi à vendredi, inondant une centaine de "
        "maisons.<p>Les pompiers ont évacué <b>quarante <i>personnes</b> "
        "dans les quartiers bas de Redon</i>, sans faire de blessé."
        "<div><span>Les écoles restent fermées lundi.<table><tr><td>"
        "Les routes départementales sont coupées."
        "<script>document.write('<p>faux texte</p>');";
    fouine_article a;
    fouine_html_info info;
    parse_ok(&a, &info, page, sizeof page - 1);
    ck_assert_str_eq(a.title, "Inondations dans la vallée de la Vilaine");
    ck_assert(has(a.lead, "La Vilaine est sortie de son lit"));
    ck_assert(has(a.body, "quarante personnes dans les quartiers bas"));
    ck_assert(has(a.body, "Les routes départementales sont coupées."));
    ck_assert(!has(a.body, "faux texte"));
    fouine_article_clear(&a);
}
END_TEST

/* Pages made to be costly: the reader stops reading them at its limits
** and says so, and what came before is read. */
START_TEST(test_limits)
{
    static const char head[] =
        "<title>Un titre de page</title><p>Un paragraphe lisible avant la "
        "pile de balises, assez long pour être le texte.</p>";
    static const char *const units[3] = { "<div>", "<b>", "<span x=1 a=2>" };
    fouine_article a;
    fouine_html_info info;
    char warnings[256], *page;
    size_t k, i, n, o, ul;

    for (k = 0; k < 4; k++) {
        n = 100000;
        if (k < 3) {
            ul = strlen(units[k]);
            page = malloc(sizeof head + n * ul + 100);
            ck_assert_ptr_nonnull(page);
            memcpy(page, head, sizeof head - 1);
            o = sizeof head - 1;
            for (i = 0; i < n; i++) {
                memcpy(page + o, units[k], ul);
                o += ul;
            }
            memcpy(page + o, "<p>trop profond</p>", 19);
            o += 19;
        } else {
            /* one tag with 10000 attributes */
            page = malloc(sizeof head + 10000 * 8 + 100);
            ck_assert_ptr_nonnull(page);
            memcpy(page, head, sizeof head - 1);
            o = sizeof head - 1;
            memcpy(page + o, "<p", 2);
            o += 2;
            for (i = 0; i < 10000; i++) {
                o += (size_t)sprintf(page + o, " a%zu=1", i);
            }
            memcpy(page + o, ">trop d'attributs</p>", 21);
            o += 21;
        }
        parse_ok(&a, &info, page, o);
        ck_assert_msg(
            info.cut == (k < 3 ? FOUINE_HTML_CUT_DEPTH : FOUINE_HTML_CUT_ATTRS),
            "case %zu: cut %d", k, info.cut);
        ck_assert_int_eq(fouine_html_warnings(warnings, sizeof warnings, &info),
                         1);
        ck_assert_msg(has(warnings, "the rest of the page is not read"), "%s",
                      warnings);
        ck_assert(has(a.lead, "Un paragraphe lisible"));
        ck_assert(!has(a.body, "trop"));
        fouine_article_clear(&a);
        free(page);
    }
}
END_TEST

/* Stray end tags by the thousand under open elements, and text without
** any tag. */
START_TEST(test_stray_tags)
{
    size_t n = 200000, i, o = 0;
    char *page = malloc(n * 8 + 4096);
    fouine_article a;
    fouine_html_info info;
    fouine_skip skip;
    ck_assert_ptr_nonnull(page);
    o += (size_t)sprintf(page, "<title>Des balises perdues</title>");
    for (i = 0; i < 250; i++) {
        o += (size_t)sprintf(page + o, "<div>");
    }
    o += (size_t)sprintf(page + o, "<p>Un texte au fond des balises, qui "
                                   "reste lisible malgré tout.</p>");
    for (i = 0; i < n; i++) {
        memcpy(page + o, "</span>", 7);
        o += 7;
    }
    parse_ok(&a, &info, page, o);
    ck_assert(has(a.lead, "Un texte au fond des balises"));
    fouine_article_clear(&a);
    /* text alone: no element but those the parser implies */
    for (o = 0; o < n; o++) {
        page[o] = "ab cd, ef."[o % 10];
    }
    /* indexed untitled, as any article with text but no title */
    ck_assert_int_eq(fouine_html_parse(&a, &skip, &info, page, o), FOUINE_OK);
    ck_assert_str_eq(a.title, "");
    ck_assert(has(a.lead, "ab cd, ef."));
    ck_assert(strstr(a.notes.data ? a.notes.data : "", "untitled") != NULL);
    fouine_article_clear(&a);
    free(page);
}
END_TEST

/* The state of the seeded generator. */
static uint32_t rnd_state;

static uint32_t rnd(void)
{
    return fouine_test_rnd(&rnd_state);
}

/* Binary junk: no crash, no leak, and what comes out is UTF-8. */
static void assert_article_utf8(const fouine_article *a)
{
    const char *fields[7] = { a->title, a->date, a->category, a->author,
                              a->url,   a->lead, a->body };
    size_t k, bad = 0, fl = 0;
    char *fixed = NULL;
    ck_assert_ptr_nonnull(a->title);
    ck_assert_ptr_nonnull(a->lead);
    ck_assert_ptr_nonnull(a->body);
    for (k = 0; k < 7; k++) {
        if (fields[k]) {
            ck_assert_int_eq(fouine_utf8_repair(&fixed, &fl, &bad, fields[k],
                                                strlen(fields[k])),
                             FOUINE_OK);
            ck_assert_msg(fixed == NULL, "field %zu not UTF-8", k);
        }
    }
    for (k = 0; k < a->ncomments; k++) {
        ck_assert_ptr_nonnull(a->comments[k].body);
        ck_assert_int_eq(fouine_utf8_repair(&fixed, &fl, &bad,
                                            a->comments[k].body,
                                            strlen(a->comments[k].body)),
                         FOUINE_OK);
        ck_assert_ptr_null(fixed);
    }
}

START_TEST(test_binary_junk)
{
    size_t n = 65536, i;
    char *page = malloc(n);
    fouine_article a;
    fouine_html_info info;
    fouine_skip skip;
    int rc;
    ck_assert_ptr_nonnull(page);
    rnd_state = FUZZ_SEED;
    for (i = 0; i < n; i++) {
        page[i] = (char)(rnd() % 255 + 1); /* no NUL */
    }
    rc = fouine_html_parse(&a, &skip, &info, page, n);
    ck_assert(rc == FOUINE_OK || rc == FOUINE_EINVAL);
    /* Some random bytes make UTF-8 characters: the rest is repaired. */
    ck_assert(info.charset == FOUINE_CHARSET_WINDOWS_1252 ||
              info.bad_utf8 != SIZE_MAX);
    if (rc == FOUINE_OK) {
        assert_article_utf8(&a);
    }
    fouine_article_clear(&a);
    free(page);
}
END_TEST

/* Pieces of markup spliced into the pages by the fuzzer. */
static const char *const pieces[] = {
    "<",
    ">",
    "</",
    "<div class=\"",
    "\">",
    "</p>",
    "<p>",
    "<br>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "&#",
    "&amp",
    "&#x",
    ";",
    "\"",
    "'",
    "=",
    "<?xml encoding=\"",
    "<meta charset=latin1>",
    "<article>",
    "<nav>",
    "<h1>",
    "<time datetime=\"",
    "2019-",
    "<a href=\"/",
    "\xc3",
    "\xe9",
    "\x92",
    "\xef\xbb\xbf",
    "<style>",
    "</style>",
    "<li class=\"comment\">",
    "{\"@type\":\"NewsArticle\",\"headline\":",
    "<script type=\"application/ld+json\">",
    "\n",
    " ",
};

START_TEST(test_fuzz)
{
    char *sources[sizeof pages / sizeof pages[0]];
    size_t lens[sizeof pages / sizeof pages[0]], k, i;
    size_t npages = sizeof pages / sizeof pages[0];

    for (k = 0; k < npages; k++) {
        sources[k] = read_page(pages[k].file, &lens[k]);
    }
    rnd_state = FUZZ_SEED;
    for (i = 0; i < FUZZ_INPUTS; i++) {
        size_t page = rnd() % npages, from, n, edits, e;
        const char *src = sources[page];
        size_t srclen = lens[page];
        char *buf = malloc(FUZZ_MAX + 64), *copy;
        fouine_article a;
        fouine_html_info info;
        fouine_skip skip;
        int rc;
        ck_assert_ptr_nonnull(buf);
        /* A window of a page... */
        from = rnd() % srclen;
        n = rnd() % FUZZ_MAX;
        if (rnd() % 3 == 0) {
            from = 0; /* often its start, with the head */
        }
        if (from + n > srclen) {
            n = srclen - from;
        }
        memcpy(buf, src + from, n);
        /* ...with bytes changed and pieces of markup spliced in. */
        edits = rnd() % 12;
        for (e = 0; e < edits && n > 0; e++) {
            size_t at = rnd() % n;
            if (rnd() % 2) {
                buf[at] = (char)(rnd() % 256);
            } else {
                const char *p =
                    pieces[rnd() % (sizeof pieces / sizeof *pieces)];
                size_t pl = strlen(p);
                if (n + pl <= FUZZ_MAX + 63) {
                    memmove(buf + at + pl, buf + at, n - at);
                    memcpy(buf + at, p, pl);
                    n += pl;
                }
            }
        }
        /* An exactly sized copy, so that ASan sees any read past it. */
        copy = malloc(n ? n : 1);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, buf, n);
        rc = fouine_html_parse(&a, &skip, &info, copy, n);
        ck_assert_msg(rc == FOUINE_OK || rc == FOUINE_EINVAL, "input %zu: %s",
                      i, fouine_errmsg(rc));
        if (rc == FOUINE_OK) {
            assert_article_utf8(&a);
        }
        fouine_article_clear(&a);
        free(copy);
        free(buf);
    }
    for (k = 0; k < npages; k++) {
        free(sources[k]);
    }
}
END_TEST

#ifdef FOUINE_FAULT_INJECTION
/* The page of the current OOM loop. */
static const char *oom_page;

/* Parse oom_page; the digest is the article's hash, comments included. */
static int oom_parse(uint64_t *digest)
{
    fouine_article a;
    fouine_html_info info;
    fouine_skip skip;
    size_t len;
    char *text = read_page(oom_page, &len);
    int rc = fouine_html_parse(&a, &skip, &info, text, len);
    *digest = rc == FOUINE_OK ? fouine_article_hash(&a) : 0;
    fouine_article_clear(&a);
    free(text);
    return rc;
}

START_TEST(test_oom)
{
    oom_page = pages[_i].file;
    fouine_test_oom_loop(oom_page, oom_parse);
}
END_TEST
#endif

/*
** End to end: fouine-index on a directory of the pages (and bad ones),
** then searches.
*/

/* The test's directory: a copy of the pages, and the index. */
static char e2e_dir[256];

static void run_ok(const char *cmd)
{
    ck_assert_msg(fouine_test_run(cmd, NULL) == 0, "failed: %s", cmd);
}

static void e2e_setup(void)
{
    char cmd[2048];
    const char *src = fouine_test_dir("FOUINE_SOURCE_DIR");
    ck_assert_ptr_nonnull(src);
    snprintf(e2e_dir, sizeof e2e_dir, "/tmp/fouine-html-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(e2e_dir));
    snprintf(cmd, sizeof cmd,
             "mkdir '%s/pages' && cp '%s'/tests/data/html/* '%s/pages/'",
             e2e_dir, src, e2e_dir);
    run_ok(cmd);
}

static void e2e_teardown(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", e2e_dir);
    run_ok(cmd);
}

/* Run fouine-index on the pages with extra options; returns its status,
** its messages in *log (free()). */
static int index_pages(const char *options, char **log)
{
    char cmd[2048], out[300];
    int status;
    snprintf(out, sizeof out, "%s/index.log", e2e_dir);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-index' -o '%s/html.db' %s '%s/pages' 2>'%s'",
             fouine_test_build_dir(), e2e_dir, options, e2e_dir, out);
    status = fouine_test_run(cmd, NULL);
    *log = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(*log);
    return status;
}

/* Run fouine-query --json; returns its output (json_decref()) and sets
** *status to its exit status. */
static json_t *search(const char *query, const char *options, int *status)
{
    char cmd[2048], out[300];
    json_error_t err;
    json_t *res;
    snprintf(out, sizeof out, "%s/query.json", e2e_dir);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-query' -i '%s/html.db' --json -n 10 %s -- \"%s\"",
             fouine_test_build_dir(), e2e_dir, options, query);
    *status = fouine_test_run(cmd, out);
    res = json_load_file(out, 0, &err);
    ck_assert_msg(res != NULL, "'%s': %s", query, err.text);
    return res;
}

/* Whether the hits of res hold the article id (with the category when it
** is not NULL). */
static int found(json_t *res, const char *id, const char *category)
{
    json_t *hit;
    size_t i;
    json_array_foreach(json_object_get(res, "hits"), i, hit)
    {
        const char *h = json_string_value(json_object_get(hit, "id"));
        const char *c = json_string_value(json_object_get(hit, "category"));
        if (h && strcmp(h, id) == 0 &&
            (!category || (c && strcmp(c, category) == 0))) {
            return 1;
        }
    }
    return 0;
}

START_TEST(test_e2e_index_and_search)
{
    static const struct {
        const char *query;
        const char *id; /* NULL: nothing must be found */
    } searches[] = {
        { "ski de randonnée", "vercors-ski-randonnee.html" },
        { "grêlons", "marne-grele-vignes.htm" },
        { "stère de chêne", "berry-bois-de-chauffage.html" },
        { "l'oeuvre de toute une filière", "berry-bois-de-chauffage.html" },
        { "navette gratuite", "lot-cahors-pont-valentre.html" },
        { "cordon dunaire", "opale-erosion-dunes.html" },
        { "Œnone", "nancy-vitraux.xhtml" },
        { "mégawattheures", "quotidien-nucleaire-flamanville.html" },
        { "basilique", "region-tramway-besancon.html" },
        /* the sites' menus, sidebars, footers, banners and forms */
        { "horoscope", NULL },
        { "nécrologie", NULL },
        { "exportations", NULL },
        { "confidentialité", NULL },
        { "concours", NULL },
        { "traceurs", NULL },
        { "mentions", NULL },
        { "repreneur", NULL },
        { "coquilles", NULL },
        { "pharmacies", NULL },
        { "commentaire", NULL },
        { "effritaient", NULL },
    };
    char *log = NULL;
    json_t *res;
    size_t k;
    int status = index_pages("", &log);
    ck_assert_msg(status == 0, "%s", log);
    ck_assert_msg(has(log, "8 indexed, 0 updated, 0 unchanged, 0 removed, 0 "
                           "skipped"),
                  "%s", log);
    free(log);
    for (k = 0; k < sizeof searches / sizeof searches[0]; k++) {
        res = search(searches[k].query, "", &status);
        if (searches[k].id) {
            ck_assert_msg(status == 0 && found(res, searches[k].id, NULL),
                          "'%s': not found", searches[k].query);
        } else {
            ck_assert_msg(status == 1 && json_array_size(
                                             json_object_get(res, "hits")) == 0,
                          "'%s' found", searches[k].query);
        }
        json_decref(res);
    }
    /* Comments are searched apart, and hold what the readers wrote. */
    res = search("effritaient", "--comments", &status);
    ck_assert(status == 0 && found(res, "lot-cahors-pont-valentre.html", NULL));
    json_decref(res);
    res = search("pont", "--category patrimoine", &status);
    ck_assert(status == 0 &&
              found(res, "lot-cahors-pont-valentre.html", "Patrimoine"));
    json_decref(res);
}
END_TEST

START_TEST(test_e2e_incremental_and_bad_pages)
{
    char *log = NULL, path[512];
    json_t *res;
    FILE *f;
    int status;
    ck_assert_int_eq(index_pages("", &log), 0);
    free(log);
    /* Nothing changed: nothing is read again. */
    ck_assert_int_eq(index_pages("", &log), 0);
    ck_assert_msg(has(log, "0 indexed, 0 updated, 8 unchanged, 0 removed"),
                  "%s", log);
    free(log);
    /* A page gone, an empty one, a binary one, and one that changed and
    ** is now over the size limit (the files that did not change are not
    ** read again). */
    snprintf(path, sizeof path, "%s/pages/nancy-vitraux.xhtml", e2e_dir);
    ck_assert_int_eq(unlink(path), 0);
    snprintf(path, sizeof path, "%s/pages/vide.html", e2e_dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    snprintf(path, sizeof path, "%s/pages/binaire.htm", e2e_dir);
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite("<html>\0\x01\x02", 1, 9, f), 9);
    fclose(f);
    snprintf(path, sizeof path, "%s/pages/opale-erosion-dunes.html", e2e_dir);
    f = fopen(path, "a");
    ck_assert_ptr_nonnull(f);
    fputs("<!-- page générée à nouveau -->\n", f);
    fclose(f);
    ck_assert_int_eq(index_pages("--max-size 6K", &log), 1);
    ck_assert_msg(has(log, "0 indexed, 0 updated, 6 unchanged, 2 removed, 3 "
                           "skipped (1 too large, 1 binary, 1 empty)"),
                  "%s", log);
    ck_assert_msg(has(log, "pages/vide.html: skipped: empty") &&
                      has(log, "pages/binaire.htm: skipped: binary") &&
                      has(log, "pages/opale-erosion-dunes.html: skipped: too "
                               "large"),
                  "%s", log);
    /* The page now over the limit no longer gives its article, as the one
    ** gone. */
    ck_assert_msg(has(log, "opale-erosion-dunes.html: 1 article no longer in "
                           "the file: removed"),
                  "%s", log);
    free(log);
    res = search("cordon dunaire", "", &status);
    ck_assert_int_eq(status, 1);
    json_decref(res);
    res = search("vitraux", "", &status);
    ck_assert_int_eq(status, 1);
    json_decref(res);
}
END_TEST

/* What fouine-index --show prints of the file name of e2e_dir that holds
** text (written as it is), which must exit 0; free() it. */
static char *show_of(const char *name, const char *text)
{
    char path[400], cmd[1200], out[320];
    char *shown;
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", e2e_dir, name);
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_ge(fputs(text, f), 0);
    ck_assert_int_eq(fclose(f), 0);
    snprintf(out, sizeof out, "%s/show-of.out", e2e_dir);
    snprintf(cmd, sizeof cmd, "'%s/fouine-index' --show '%s'",
             fouine_test_build_dir(), path);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    shown = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(shown);
    return shown;
}

/* fouine-index --show: every field of one file, and the exit status. */
START_TEST(test_show)
{
    char cmd[2048], out[300], *text;
    const char *src = fouine_test_dir("FOUINE_SOURCE_DIR");
    ck_assert_ptr_nonnull(src);
    snprintf(out, sizeof out, "%s/show.out", e2e_dir);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-index' --show '%s/pages/berry-bois-de-chauffage.html'",
             fouine_test_build_dir(), e2e_dir);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(has(text, "format:       html, windows-1252 (declared "
                            "'iso-8859-1')\n") &&
                      has(text, "title:        Le prix du bois de chauffage "
                                "s’envole avant l’hiver\n") &&
                      has(text, "date:         2008-10-21T07:15:00\n") &&
                      has(text, "category:     Économie\n") &&
                      has(text, "author:       Jean-Pierre Morel\n") &&
                      has(text, "url:          -\n") &&
                      has(text, "body:         4 paragraphs\n  | «") &&
                      has(text, "comments:     0\n"),
                  "%s", text);
    free(text);
    /* The comments of a page. */
    snprintf(
        cmd, sizeof cmd,
        "'%s/fouine-index' --show '%s/pages/lot-cahors-pont-valentre.html'",
        fouine_test_build_dir(), e2e_dir);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    ck_assert_msg(has(text, "comments:     3\n  - 2021-06-02T19:04:00+02:00\n"
                            "    | Enfin !"),
                  "%s", text);
    free(text);
    /* A text article and a JSON Lines file, in the same form. */
    snprintf(
        cmd, sizeof cmd,
        "'%s/fouine-index' --show '%s/corpus/sncf-greve-week-end-tgv-ter.txt'",
        fouine_test_build_dir(), src);
    ck_assert_int_eq(fouine_test_run(cmd, out), 0);
    text = fouine_test_slurp(out);
    ck_assert_msg(has(text, "format:       text\n") && has(text, "title:  "),
                  "%s", text);
    free(text);
    snprintf(cmd, sizeof cmd,
             "printf '{\"id\": \"a1\", \"title\": \"Grève\", \"body\": "
             "\"Texte.\"}\\n\\nnot json\\n' > '%s/deux.jsonl' && "
             "'%s/fouine-index' --show '%s/deux.jsonl' 2>'%s/show.err'",
             e2e_dir, fouine_test_build_dir(), e2e_dir, e2e_dir);
    ck_assert_int_eq(fouine_test_run(cmd, out), 1);
    text = fouine_test_slurp(out);
    ck_assert_msg(has(text, "deux.jsonl:1\nid:           a1\ntitle:        "
                            "Grève\n"),
                  "%s", text);
    free(text);
    snprintf(out, sizeof out, "%s/show.err", e2e_dir);
    text = fouine_test_slurp(out);
    ck_assert_msg(has(text, "deux.jsonl:3: skipped: bad JSON"), "%s", text);
    free(text);
    /* Lines ended by CR alone (old Mac files) read as a run reads them:
    ** one JSON article a line, the title the first line of a text. */
    text = show_of("mac.jsonl",
                   "{\"id\": \"m1\", \"title\": \"Grève à Marseille\"}\r"
                   "{\"id\": \"m2\", \"title\": \"Mistral sur le port\"}\r");
    ck_assert_msg(has(text, "mac.jsonl:1\nid:           m1\n") &&
                      has(text, "mac.jsonl:2\nid:           m2\ntitle:        "
                                "Mistral sur le port\n"),
                  "%s", text);
    free(text);
    text = show_of("mac.txt", "Mistral sur le port\rLe 3 mars 2021\r\r"
                              "Les bateaux restent à quai.\r");
    ck_assert_msg(has(text, "title:        Mistral sur le port\n") &&
                      has(text, "date:         2021-03-03\n") &&
                      has(text, "lead:         Les bateaux restent à quai.\n"),
                  "%s", text);
    free(text);
    /* A missing file, a directory, --show with a PATH. */
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-index' --show '%s/nulle-part.html' "
             "2>/dev/null",
             fouine_test_build_dir(), e2e_dir);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 1);
    snprintf(cmd, sizeof cmd, "'%s/fouine-index' --show '%s' 2>/dev/null",
             fouine_test_build_dir(), e2e_dir);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-index' --show '%s/pages/vide.html' '%s' 2>/dev/null",
             fouine_test_build_dir(), e2e_dir, e2e_dir);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
}
END_TEST

static Suite *html_suite(void)
{
    Suite *s = suite_create("html");
    TCase *tc = tcase_create("pages");
    int npages = (int)(sizeof pages / sizeof pages[0]);
    tcase_add_loop_test(tc, test_page_fields, 0, npages);
    tcase_add_test(tc, test_comments);
    tcase_add_loop_test(tc, test_decode, 0,
                        (int)(sizeof decodes / sizeof decodes[0]));
    tcase_add_test(tc, test_decode_limits);
    tcase_add_test(tc, test_text);
    tcase_add_loop_test(tc, test_titles, 0,
                        (int)(sizeof titles / sizeof titles[0]));
    tcase_add_test(tc, test_jsonld_references);
    tcase_add_test(tc, test_numeric_dates);
    tcase_add_loop_test(tc, test_structures, 0,
                        (int)(sizeof structures / sizeof structures[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("bad input");
    tcase_add_test(tc, test_skips);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_stray_tags);
    tcase_add_test(tc, test_binary_junk);
    tcase_add_test(tc, test_fuzz);
#ifdef FOUINE_FAULT_INJECTION
    tcase_add_loop_test(tc, test_oom, 0, npages);
#endif
    suite_add_tcase(s, tc);
    tc = tcase_create("e2e");
    tcase_add_checked_fixture(tc, e2e_setup, e2e_teardown);
    tcase_add_test(tc, test_e2e_index_and_search);
    tcase_add_test(tc, test_e2e_incremental_and_bad_pages);
    tcase_add_test(tc, test_show);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fouine_test_main(html_suite());
}
