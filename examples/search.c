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
** stem (what its inflections share), one word a line.  Without an
** argument, the words of its own sentence are those of search.expected,
** which the tests compare (tests/install.sh, .ci/run).
**
** Exit status: 0, or 1 when the analyzer fails or the output cannot be
** written (the message says which).
*/
#include <fouine/fouine.h>

#include <stdio.h>
#include <string.h>

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
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "search: cannot write the output\n");
        goto done;
    }
    status = 0;
done:
    fouine_analyzer_free(an);
    return status;
}
