/*
** search.c: a program that uses the installed libfouine, built as any
** user of the library builds it:
**
**     cc -o search search.c $(pkg-config --cflags --libs fouine)
**     ./search "Les hôpitaux face aux cyberattaques : l'ANSSI s'inquiète"
**
** It prints the version of the library it runs with, then each word of
** the sentence (its argument, or a sentence of its own) as the French
** analyzer reads it: the token the index holds, its fold (accents and
** ligatures aside: what a reader typing without accents means) and its
** stem (what its inflections share), one word a line.  Then it indexes
** three articles into a new index in a temporary directory and searches
** it as a reader types, without accents and with a typing error, and
** prints the hits with the words found [marked].  Without an argument,
** its output after the version line is search.expected, which the tests
** compare (tests/install.sh, .ci/run).
**
** Exit status: 0, or 1 when the analyzer fails or the output cannot be
** written (the message says which).
*/
#define _XOPEN_SOURCE 700 /* mkdtemp() */

#include <fouine/fouine.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The sentence analyzed without an argument. */
#define EXAMPLE_SENTENCE                                                       \
    "L'État et les hôpitaux face aux cyberattaques : l’ANSSI s'inquiète " \
    "du cœur des réseaux."

/* What print_word() keeps between the tokens of one run. */
typedef struct example_line {
    size_t words; /* words printed so far */
} example_line;

/*
** The analyzer's callback (fouine_token_cb): a word's token opens a line,
** then its fold and its stem come colocated with it (FOUINE_ANALYZE_WORDS)
** and join that line.  token is the analyzer's, valid during the call.
*/
static int print_word(const char *token,
                      size_t len,
                      size_t start,
                      size_t end,
                      int flags,
                      void *payload)
{
    example_line *line = payload;
    const char *label = "";

    (void)start;
    (void)end;
    if (!(flags & FOUINE_TOKEN_COLOCATED)) {
        if (line->words++ > 0) {
            putchar('\n');
        }
    } else if (flags & FOUINE_TOKEN_FOLD) {
        label = " fold=";
    } else if (flags & FOUINE_TOKEN_STEM) {
        label = " stem=";
    } else {
        label = " ";
    }
    printf("%s%.*s", label, (int)len, token);
    return 0;
}

/* The articles indexed: id, title, lead, body, date, category. */
static const char *const articles[][6] = {
    { "anssi-hopitaux", "L'ANSSI alerte sur la sécurité des hôpitaux",
      "Les cyberattaques contre les hôpitaux ont doublé en un an.",
      "L'agence recommande des sauvegardes hors ligne.", "2019-11-04",
      "Société" },
    { "greve-sncf", "Grève à la SNCF : les syndicats maintiennent le préavis",
      "Le trafic sera très perturbé jeudi.", "", "2019-12-02", "France" },
    { "urgences-nuit", "Les urgences de l'hôpital fermées la nuit",
      "Faute de médecins, le service ferme de 20 heures à 8 heures.", "",
      "2019-07-15", "Société" },
};

/* Index the articles into a new index at path. */
static int index_articles(const char *path)
{
    fouine_index *ix = NULL; /* owned: closed at the end */
    size_t i;
    int rc = fouine_index_open(&ix, path, FOUINE_INDEX_WRITE);
    if (rc == FOUINE_OK) {
        rc = fouine_index_begin(ix);
    }
    for (i = 0; rc == FOUINE_OK && i < sizeof articles / sizeof *articles;
         i++) {
        /* The library only reads the strings: copies, as they are not
        ** const in the struct. */
        char id[64], title[128], lead[256], body[256], date[16], cat[32];
        fouine_article a = { 0 };
        snprintf(id, sizeof id, "%s", articles[i][0]);
        snprintf(title, sizeof title, "%s", articles[i][1]);
        snprintf(lead, sizeof lead, "%s", articles[i][2]);
        snprintf(body, sizeof body, "%s", articles[i][3]);
        snprintf(date, sizeof date, "%s", articles[i][4]);
        snprintf(cat, sizeof cat, "%s", articles[i][5]);
        a.id = id;
        a.title = title;
        a.lead = lead;
        a.body = body;
        a.date = date;
        a.category = cat;
        rc = fouine_index_put(NULL, ix, &a);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_index_commit(ix);
    }
    fouine_index_close(ix);
    return rc;
}

/* Search the index at path for query and print what was found. */
static int search_and_print(const char *path, const char *query)
{
    fouine_index *ix = NULL;    /* owned */
    fouine_results *res = NULL; /* owned */
    fouine_search_options o;
    size_t i;
    int rc = fouine_index_open(&ix, path, FOUINE_INDEX_READ);

    fouine_search_options_init(&o);
    o.query = query;
    if (rc == FOUINE_OK) {
        rc = fouine_search(&res, ix, &o);
    }
    if (rc != FOUINE_OK) {
        fprintf(stderr, "search: %s: %s\n", query, fouine_errmsg(rc));
        fouine_index_close(ix);
        return rc;
    }
    printf("%s: %lld found", query, res->total);
    if (res->corrected) {
        printf(", searched as: %s", res->corrected);
    }
    putchar('\n');
    for (i = 0; i < res->nhits && rc == FOUINE_OK; i++) {
        const fouine_hit *h = &res->hits[i];
        char *title = NULL; /* owned */
        rc = fouine_highlight(&title, h->title, h->title_spans, h->ntitle_spans,
                              "[", "]", 0);
        if (rc == FOUINE_OK) {
            printf("  %s (%s): %s\n", h->id, h->date ? h->date : "-", title);
        }
        fouine_free(title);
    }
    fouine_results_free(res);
    fouine_index_close(ix);
    return rc;
}

int main(int argc, char **argv)
{
    fouine_analyzer *an = NULL; /* owned: released at done */
    example_line line = { 0 };
    const char *text = argc > 1 ? argv[1] : EXAMPLE_SENTENCE;
    int rc, status = 1;

    printf("libfouine %s\n", fouine_version());
    rc = fouine_analyzer_new(&an);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "search: %s\n", fouine_errmsg(rc));
        goto done;
    }
    rc = fouine_analyzer_run(an, text, strlen(text), FOUINE_ANALYZE_WORDS,
                             print_word, &line);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "search: %s\n", fouine_errmsg(rc));
        goto done;
    }
    if (line.words > 0) {
        putchar('\n');
    }
    {
        char dir[] = "/tmp/fouine-example-XXXXXX", path[64], side[80];
        if (!mkdtemp(dir)) {
            fprintf(stderr, "search: cannot make a temporary directory\n");
            goto done;
        }
        snprintf(path, sizeof path, "%s/news.db", dir);
        rc = index_articles(path);
        if (rc == FOUINE_OK) {
            rc = search_and_print(path, "securite des hopitaux");
        }
        if (rc == FOUINE_OK) {
            rc = search_and_print(path, "hopital");
        }
        if (rc == FOUINE_OK) {
            rc = search_and_print(path, "sindicats");
        }
        remove(path);
        snprintf(side, sizeof side, "%s-wal", path);
        remove(side);
        snprintf(side, sizeof side, "%s-shm", path);
        remove(side);
        rmdir(dir);
        if (rc != FOUINE_OK) {
            fprintf(stderr, "search: %s\n", fouine_errmsg(rc));
            goto done;
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "search: cannot write the output\n");
        goto done;
    }
    status = 0;
done:
    fouine_analyzer_free(an);
    return status;
}
