/*
** article_check.h: what every file must give as an article, whatever its
** bytes (the seeded suite tests/check_article_fuzz.c and the fuzz target
** tests/fuzz/fuzz_article.c).
**
** The bytes are read as a text article and as a JSON document (by a run's
** reader and by the strict one), both raw and repaired as a run repairs
** them (invalid UTF-8 as U+FFFD).  Each
** parser must accept them or refuse them as bad input (FOUINE_EINVAL),
** never fail otherwise; an article has a title (maybe ""), a lead and a
** body; a JSON article an id; from repaired bytes every field and comment
** is valid UTF-8, a date has the shape of ISO 8601 ("2018-04-18",
** "2018-04-18T09:26:00", maybe more after the day) and is a day of the
** calendar.
**
** Header-only (static functions); uses fouine-index's library.
*/
#ifndef FOUINE_TEST_FUZZ_ARTICLE_CHECK_H
#define FOUINE_TEST_FUZZ_ARTICLE_CHECK_H

#include "indexer.h"

#include <stdio.h>
#include <string.h>

#include "fouine/alloc.h"

/* The state of one check. */
typedef struct article_check_ctx {
    int repaired;  /* the bytes were repaired: fields must be UTF-8 */
    int json;      /* the article is a JSON one: it has an id */
    size_t seen;   /* articles checked */
    char why[200]; /* what is wrong, when something is */
} article_check_ctx;

/* Whether s (NULL allowed) is valid UTF-8. */
static int article_check_utf8(const char *s)
{
    char *fixed = NULL;
    size_t len = 0, bad = 0;
    int rc;
    if (!s) {
        return 1;
    }
    rc = fouine_utf8_repair(&fixed, &len, &bad, s, strlen(s));
    fouine_free(fixed);
    return rc == FOUINE_OK && bad == SIZE_MAX;
}

/* Whether date (NULL allowed) starts with a day of the calendar,
** "YYYY-MM-DD". */
static int article_check_date(const char *date)
{
    static const int days[12] = {
        31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };
    int y, m, d, leap;
    size_t i;
    if (!date) {
        return 1;
    }
    for (i = 0; i < 10; i++) {
        if (i == 4 || i == 7 ? date[i] != '-' :
                               date[i] < '0' || date[i] > '9') {
            return 0;
        }
    }
    y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 +
        (date[3] - '0');
    m = (date[5] - '0') * 10 + (date[6] - '0');
    d = (date[8] - '0') * 10 + (date[9] - '0');
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] &&
           !(m == 2 && d == 29 && !leap) &&
           (date[10] == '\0' || date[10] == 'T');
}

/* Check one article (fouine_article_cb); releases it. */
static int article_check_one(fouine_article *a, void *payload)
{
    article_check_ctx *c = payload;
    const char *bad = NULL;
    size_t i;
    c->seen++;
    if (!a->title || !a->lead || !a->body) {
        bad = "an article without title, lead or body";
    } else if (c->json && !a->id) {
        bad = "a JSON article without an id";
    } else if (!article_check_date(a->date)) {
        bad = "a date that is not a day of the calendar";
    } else if (c->repaired &&
               (!article_check_utf8(a->title) || !article_check_utf8(a->lead) ||
                !article_check_utf8(a->body) || !article_check_utf8(a->id) ||
                !article_check_utf8(a->category) ||
                !article_check_utf8(a->url) ||
                !article_check_utf8(a->author))) {
        bad = "a field that is not UTF-8";
    }
    for (i = 0; !bad && i < a->ncomments; i++) {
        if (!a->comments[i].body || !article_check_date(a->comments[i].date) ||
            (c->repaired && !article_check_utf8(a->comments[i].body))) {
            bad = "a comment without body, or with a bad date or text";
        }
    }
    if (bad && !c->why[0]) {
        snprintf(c->why, sizeof c->why, "%s", bad);
    }
    fouine_article_clear(a);
    return 0;
}

/* Check the bytes as a text article and as a JSON document. */
static int article_check_bytes(article_check_ctx *c,
                               const char *data,
                               size_t size)
{
    fouine_article a;
    fouine_skip skip;
    size_t nskipped = 0;
    char err[200], *strict_err = NULL;
    int rc = fouine_article_parse(&a, &skip, data, size);
    if (rc == FOUINE_OK) {
        c->json = 0;
        (void)article_check_one(&a, c);
    } else if (rc != FOUINE_EINVAL) {
        snprintf(c->why, sizeof c->why, "text parser: %s", fouine_errmsg(rc));
    }
    if (c->why[0]) {
        return 0;
    }
    c->json = 1;
    rc = fouine_json_parse(&skip, &nskipped, err, sizeof err, data, size,
                           article_check_one, c);
    if (rc != FOUINE_OK && rc != FOUINE_EINVAL && !c->why[0]) {
        snprintf(c->why, sizeof c->why, "JSON parser: %s", fouine_errmsg(rc));
    }
    if (c->why[0]) {
        return 0;
    }
    /* The strict reader: the same articles, or a refusal that says why. */
    rc = fouine_article_read_json(&strict_err, data, size, NULL,
                                  article_check_one, c);
    if (rc != FOUINE_OK && (rc != FOUINE_EINVAL || !strict_err) && !c->why[0]) {
        snprintf(c->why, sizeof c->why, "strict JSON reader: %s",
                 fouine_errmsg(rc));
    }
    fouine_free(strict_err);
    return !c->why[0];
}

/**
 * Check one input of any bytes, raw and repaired.
 *
 * @return 1 when it gives all it must, else 0 with c->why saying what not
 */
static int article_check(article_check_ctx *c, const char *data, size_t size)
{
    char *fixed = NULL;
    size_t len = 0, bad = 0;
    int ok;
    memset(c, 0, sizeof *c);
    ok = article_check_bytes(c, data, size);
    if (ok && fouine_utf8_repair(&fixed, &len, &bad, data, size) != FOUINE_OK) {
        snprintf(c->why, sizeof c->why, "out of memory");
        ok = 0;
    }
    if (ok) {
        c->repaired = 1;
        ok = fixed ? article_check_bytes(c, fixed, len) :
                     article_check_bytes(c, data, size);
    }
    fouine_free(fixed);
    return ok;
}

#endif /* FOUINE_TEST_FUZZ_ARTICLE_CHECK_H */
