/*
** check_analyzer_golden.c: the analyzer feeds Snowball French correctly.
**
** For every word of the Snowball French vocabulary (FOUINE_SHARED_DIR/
** data/snowball-french/french_voc.2023-10-04_8a2cdaf.txt), the stem the
** analyzer gives, before accent folding, must equal the same line of
** french_output.2023-10-04_8a2cdaf.txt (what libstemmer 2.2.0 gives a
** lowercased, composed, still accented word).  The only differences
** allowed are the analyzer's corrections, listed below; each of them must
** occur, so the list stays exact.  The vocabulary holds no elided form
** ("d'accord"), so none is listed.
**
** Skipped (exit 77) when the shared data is absent.
*/
#include "testutil.h"

#include "../lib/analysis/analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VOC_FILE    "data/snowball-french/french_voc.2023-10-04_8a2cdaf.txt"
#define OUTPUT_FILE "data/snowball-french/french_output.2023-10-04_8a2cdaf.txt"
#define VOC_WORDS   20805

/* The analyzer's corrections met in the vocabulary. */
static const struct {
    const char *word;     /* the vocabulary word */
    const char *snowball; /* libstemmer 2.2.0's stem */
    const char *stem;     /* the analyzer's */
} corrections[] = {
    { "adieux", "adieux", "adieu" },
    { "aveux", "aveux", "aveu" },
    { "beauvais", "beauv", "beauvais" },
    { "bijoux", "bijoux", "bijou" },
    { "cailloux", "cailloux", "caillou" },
    { "calais", "cal", "calais" },
    { "cheveux", "cheveux", "cheveu" },
    { "dieux", "dieux", "dieu" },
    { "époux", "époux", "épou" },
    { "feux", "feux", "feu" },
    { "france", "franc", "france" },
    { "français", "franc", "français" },
    { "francis", "franc", "francis" },
    { "genoux", "genoux", "genou" },
    { "jaloux", "jaloux", "jalou" },
    { "jeux", "jeux", "jeu" },
    { "joujoux", "joujoux", "joujou" },
    { "lieux", "lieux", "lieu" },
    { "malais", "mal", "malais" },
    { "mauvais", "mauv", "mauvais" },
    { "neveux", "neveux", "neveu" },
    { "niais", "ni", "niais" },
    { "nie", "ni", "nie" },
    { "nié", "ni", "nie" },
    { "nier", "ni", "nie" },
    { "palais", "pal", "palais" },
    { "voeux", "voeux", "voeu" },
};

#define NCORRECTIONS (sizeof corrections / sizeof corrections[0])

static char *voc_text, *output_text;

/* Cut a buffer into lines in place; returns the count, lines in *out. */
static size_t split_lines(char *text, char ***out)
{
    size_t n = 0, cap = 0;
    char **lines = NULL;
    char *p = text;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            lines = realloc(lines, cap * sizeof *lines);
            ck_assert_ptr_nonnull(lines);
        }
        lines[n++] = p;
        if (!nl) {
            break;
        }
        *nl = '\0';
        p = nl + 1;
    }
    *out = lines;
    return n;
}

START_TEST(test_vocabulary_stems)
{
    fouine_analyzer *an = NULL;
    char **voc = NULL, **expected = NULL;
    int seen[NCORRECTIONS] = { 0 };
    size_t nvoc, nexp, i, k, mismatches = 0;

    ck_assert_int_eq(fouine_analyzer_new(&an), FOUINE_OK);
    nvoc = split_lines(voc_text, &voc);
    nexp = split_lines(output_text, &expected);
    ck_assert_uint_eq(nvoc, VOC_WORDS);
    ck_assert_uint_eq(nexp, VOC_WORDS);
    for (i = 0; i < nvoc; i++) {
        char stem[256];
        size_t n;
        const char *want = expected[i];
        ck_assert_int_eq(fouine_analyzer_stem(stem, sizeof stem, &n, an, voc[i],
                                              strlen(voc[i])),
                         FOUINE_OK);
        for (k = 0; k < NCORRECTIONS; k++) {
            if (strcmp(voc[i], corrections[k].word) == 0) {
                ck_assert_str_eq(want, corrections[k].snowball);
                want = corrections[k].stem;
                seen[k]++;
                break;
            }
        }
        if (strcmp(stem, want) != 0) {
            mismatches++;
            fprintf(stderr, "line %zu: %s -> %s, want %s\n", i + 1, voc[i],
                    stem, want);
        }
    }
    ck_assert_uint_eq(mismatches, 0);
    for (k = 0; k < NCORRECTIONS; k++) {
        ck_assert_msg(seen[k] == 1, "correction %s not met once",
                      corrections[k].word);
    }
    free(voc);
    free(expected);
    fouine_analyzer_free(an);
}
END_TEST

/* Words as they appear in text reach Snowball lowercased, composed and
** without their elided article. */
START_TEST(test_text_forms)
{
    static const struct {
        const char *text;
        const char *stem;
    } cases[] = {
        { "Élections", "élect" }, { "E\xCC\x81lections", "élect" },
        { "SÉCURITÉS", "sécur" }, { "l’Élysée", "élys" },
        { "d'accord", "accord" }, { "qu’il", "il" },
        { "Œuvres", "œuvr" },     { "ﬁnancières", "financi" },
        { "1\u00A0500", "1500" }, { "FRANÇAISES", "français" },
    };
    fouine_analyzer *an = NULL;
    size_t i;
    ck_assert_int_eq(fouine_analyzer_new(&an), FOUINE_OK);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char stem[256];
        size_t n;
        ck_assert_int_eq(fouine_analyzer_stem(stem, sizeof stem, &n, an,
                                              cases[i].text,
                                              strlen(cases[i].text)),
                         FOUINE_OK);
        ck_assert_str_eq(stem, cases[i].stem);
        ck_assert_uint_eq(n, strlen(cases[i].stem));
    }
    fouine_analyzer_free(an);
}
END_TEST

static char *read_shared(const char *dir, const char *name)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        return NULL;
    }
    return fouine_test_slurp(path);
}

int main(void)
{
    const char *dir = fouine_test_dir("FOUINE_SHARED_DIR");
    Suite *s;
    TCase *tc;
    int rc;

    if (dir) {
        voc_text = read_shared(dir, VOC_FILE);
        output_text = read_shared(dir, OUTPUT_FILE);
    }
    if (!voc_text || !output_text) {
        printf("analyzer_golden: skipped, the Snowball French vocabulary "
               "(FOUINE_SHARED_DIR/%s) is absent\n",
               VOC_FILE);
        free(voc_text);
        free(output_text);
        return 77;
    }
    s = suite_create("analyzer_golden");
    tc = tcase_create("golden");
    tcase_add_test(tc, test_vocabulary_stems);
    tcase_add_test(tc, test_text_forms);
    suite_add_tcase(s, tc);
    rc = fouine_test_main(s);
    free(voc_text);
    free(output_text);
    return rc;
}
