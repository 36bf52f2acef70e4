/*
** check_serve_browser.c: the search page of fouine-serve in headless
** Chromium (tests/serve/browser.py drives it over the DevTools protocol):
** typing, suggestions, highlighted results, paging by keyboard, the
** correction, an article, a <script> in an article that never runs, the
** errors said in French, a page past the last, dates as published, the
** query shown as typed, the versions of a wire story under its one hit.  The screenshot is saved as serve-page.png at the
** top of the build tree.
**
** Skipped, saying so, where Chromium (Debian package chromium, installed
** by scripts/install-deps --with-browser) or python3 is absent.
*/
#include "serve/harness.h"

static harness H;
static const char *chromium;

/* Articles dated in their own time zone (Nouméa, UTC+11: another day in
** Paris), and one about C++ (a word the analyzer reads as "C"). */
static const char noumea_article[] =
    "{\"id\": \"noumea-nuit-electorale\", \"title\": \"Nuit électorale à "
    "Nouméa : les bureaux de vote ferment tard\", \"date\": "
    "\"2021-06-15T23:30:00+11:00\", \"category\": \"Politique\", "
    "\"lead\": \"Les bureaux de vote ont fermé tard en "
    "Nouvelle-Calédonie.\", \"body\": \"Le dépouillement a commencé "
    "aussitôt.\"}\n";
static const char cpp_article[] =
    "{\"id\": \"langage-cpp-quarante-ans\", \"title\": \"Le langage C++ "
    "fête ses quarante ans\", \"date\": \"2025-10-14T09:00:00+02:00\", "
    "\"category\": \"Sciences\", \"lead\": \"Conçu par Bjarne "
    "Stroustrup, le C++ reste très utilisé dans l’industrie.\", \"body\": "
    "\"Les jeux vidéo et la finance en dépendent toujours.\"}\n";

/* One wire story run by two sites (a word of the title and one of the
** body changed: not an exact duplicate, which the index keeps apart): one
** hit, its other version listed under "2 versions". */
#define FLAMANTS_BODY(count)                                                   \
    "Les ornithologues du parc régional ont compté cette année plus de " count \
    " couples de flamants roses sur les étangs de "                           \
    "Camargue, un chiffre jamais atteint depuis le début des relevés. "      \
    "Les oiseaux ont profité d'un printemps doux et de niveaux d'eau "        \
    "favorables à la nidification sur l'îlot du Fangassier. Les gardes "     \
    "du parc rappellent aux promeneurs de rester sur les sentiers "            \
    "balisés jusqu'à la fin de l'été, le temps que les poussins "          \
    "quittent la colonie."
#define FLAMANTS(id, title, date, count)                               \
    "{\"id\": \"" id "\", \"title\": \"" title "\", \"date\": \"" date \
    "\", \"category\": \"Environnement\", \"body\": \"" FLAMANTS_BODY( \
        count) "\"}\n"
static const char flamants_article[] =
    FLAMANTS("afp-flamants-record",
             "Record de flamants roses en Camargue",
             "2021-06-10T08:00:00+02:00",
             "quarante mille");
static const char flamants_copy[] =
    FLAMANTS("site-flamants-record",
             "Nouveau record de flamants roses en Camargue",
             "2021-06-10T09:00:00+02:00",
             "40 000");

START_TEST(page_in_chromium)
{
    char cmd[4 * HARNESS_PATH], shot[HARNESS_PATH], out[HARNESS_PATH];
    char file[2 * HARNESS_PATH];
    char *log;
    FILE *f;
    unsigned char magic[8] = { 0 };
    int rc;

    snprintf(file, sizeof file, "%s/noumea-nuit-electorale.json", H.articles);
    harness_write(file, noumea_article);
    snprintf(file, sizeof file, "%s/langage-cpp-quarante-ans.json", H.articles);
    harness_write(file, cpp_article);
    snprintf(file, sizeof file, "%s/afp-flamants-record.json", H.articles);
    harness_write(file, flamants_article);
    snprintf(file, sizeof file, "%s/site-flamants-record.json", H.articles);
    harness_write(file, flamants_copy);
    /* Indexed while the server runs: its next requests see them. */
    harness_sh("'%s/fouine-index' -o '%s' '%s' >/dev/null 2>&1", H.build,
               H.index, H.articles);
    snprintf(shot, sizeof shot, "%s/serve-page.png", H.build);
    snprintf(out, sizeof out, "%s/browser.out", H.dir);
    remove(shot);
    snprintf(cmd, sizeof cmd,
             "timeout 540 python3 '%s/tests/serve/browser.py' '%s' '%s' '%s' "
             "2>&1",
             H.source, chromium, H.base, shot);
    rc = fouine_test_run(cmd, out);
    log = fouine_test_slurp(out);
    printf("%s", log ? log : "");
    ck_assert_msg(rc == 0, "browser checks failed (%d): %s", rc,
                  log ? log : "");
    free(log);
    f = fopen(shot, "rb");
    ck_assert_msg(f != NULL, "no screenshot at %s", shot);
    ck_assert_int_eq(fread(magic, 1, sizeof magic, f), sizeof magic);
    fclose(f);
    ck_assert_int_eq(memcmp(magic, "\x89PNG\r\n\x1a\n", 8), 0);
}
END_TEST

int main(void)
{
    static const char *const args[] = { "--threads", "2", "--quiet", NULL };
    Suite *s;
    TCase *tc;
    int rc;

    chromium = getenv("FOUINE_CHROMIUM");
    if (!chromium || !*chromium) {
        chromium = "/usr/bin/chromium";
    }
    if (access(chromium, X_OK) != 0) {
        printf("skipped: %s is absent (Debian package chromium; "
               "scripts/install-deps --with-browser installs it)\n",
               chromium);
        return 77;
    }
    if (fouine_test_run("python3 -c 'import json' >/dev/null 2>&1", NULL) !=
        0) {
        printf("skipped: python3 is absent (Debian package python3)\n");
        return 77;
    }
    s = suite_create("serve_browser");
    tc = tcase_create("chromium");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, page_in_chromium);
    suite_add_tcase(s, tc);
    rc = harness_main(&H, s, 1, args);
    return rc;
}
