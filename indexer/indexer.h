/*
** indexer.h: private interface of fouine-index.
*/
#ifndef FOUINE_INDEXER_H
#define FOUINE_INDEXER_H

#include <stddef.h>

#include "fouine/error.h"

/* One parsed article.  Every string is owned by the article, NUL-terminated
** and valid UTF-8, or NULL when absent. */
typedef struct fouine_article {
    char *title; /* never NULL in a parsed article */
    char *date;  /* ISO 8601, e.g. "2018-04-18T09:26:00" or "2020-07-02" */
    char *lead;  /* first paragraph */
    char *body;  /* the other paragraphs, separated by "\n\n" */
} fouine_article;

/**
 * Parse the text of an article file: title on the first non-empty line,
 * the date on the next, then paragraphs, the first being the lead.
 *
 * @param[out] out the article, emptied first; release with
 *             fouine_article_clear()
 * @param text the file's bytes, not NUL-terminated
 * @param len  their length
 * @return FOUINE_OK, FOUINE_EINVAL when there is no title, FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_article_parse(fouine_article *out,
                                    const char *text,
                                    size_t len);

/** Release the strings of an article and set them to NULL. */
void fouine_article_clear(fouine_article *a);

/**
 * Parse a French date line ("Le 18 avril 2018 à 09h26", "Le 1er mai 2019",
 * months with or without accents) into ISO 8601 in out (at least 20 bytes).
 *
 * @return FOUINE_OK or FOUINE_EINVAL when the line is not a date
 */
FOUINE_WUR int fouine_date_parse(char *out,
                                 size_t outsize,
                                 const char *line,
                                 size_t len);

#endif /* FOUINE_INDEXER_H */
