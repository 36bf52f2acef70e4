/*
** stopwords.c: the Snowball French stop word list, folded like surface
** tokens (lowercase, no accents), for the query side to drop outside
** phrases.  Stop words stay in the index.
*/
#include "analysis.h"

#include <stdlib.h>
#include <string.h>

/* Room for the longest stop word ("eussions") and its NUL, with margin. */
#define STOPWORD_KEY 16

/* Sorted by strcmp() for bsearch(); folded, so "été" is "ete". */
static const char *const stopwords[] = {
    "a",       "ai",       "aie",     "aient",    "aies",     "ait",
    "as",      "au",       "aura",    "aurai",    "auraient", "aurais",
    "aurait",  "auras",    "aurez",   "auriez",   "aurions",  "aurons",
    "auront",  "aux",      "avaient", "avais",    "avait",    "avec",
    "avez",    "aviez",    "avions",  "avons",    "ayant",    "ayante",
    "ayantes", "ayants",   "ayez",    "ayons",    "c",        "ce",
    "ces",     "d",        "dans",    "de",       "des",      "du",
    "elle",    "en",       "es",      "est",      "et",       "etaient",
    "etais",   "etait",    "etant",   "etante",   "etantes",  "etants",
    "ete",     "etee",     "etees",   "etes",     "etiez",    "etions",
    "eu",      "eue",      "eues",    "eumes",    "eurent",   "eus",
    "eusse",   "eussent",  "eusses",  "eussiez",  "eussions", "eut",
    "eutes",   "eux",      "fumes",   "furent",   "fus",      "fusse",
    "fussent", "fusses",   "fussiez", "fussions", "fut",      "futes",
    "il",      "ils",      "j",       "je",       "l",        "la",
    "le",      "les",      "leur",    "lui",      "m",        "ma",
    "mais",    "me",       "meme",    "mes",      "moi",      "mon",
    "n",       "ne",       "nos",     "notre",    "nous",     "on",
    "ont",     "ou",       "par",     "pas",      "pour",     "qu",
    "que",     "qui",      "s",       "sa",       "se",       "sera",
    "serai",   "seraient", "serais",  "serait",   "seras",    "serez",
    "seriez",  "serions",  "serons",  "seront",   "ses",      "soient",
    "sois",    "soit",     "sommes",  "son",      "sont",     "soyez",
    "soyons",  "suis",     "sur",     "t",        "ta",       "te",
    "tes",     "toi",      "ton",     "tu",       "un",       "une",
    "vos",     "votre",    "vous",    "y",
};

static int stopword_cmp(const void *key, const void *elem)
{
    const char *const *word = elem;
    return strcmp(key, *word);
}

int fouine_is_stopword(const char *word, size_t len)
{
    char key[STOPWORD_KEY]; /* the word and a NUL, for bsearch() */
    if (len == 0 || len >= sizeof key) {
        return 0;
    }
    memcpy(key, word, len);
    key[len] = '\0';
    return bsearch(key, stopwords, sizeof stopwords / sizeof stopwords[0],
                   sizeof stopwords[0], stopword_cmp) != NULL;
}
