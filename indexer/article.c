/*
** article.c: parsing article text files and French dates.
*/
#include "indexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Month names, folded to ASCII lowercase, in calendar order. */
static const char *const months[] = { "janvier", "fevrier", "mars",
                                      "avril",   "mai",     "juin",
                                      "juillet", "aout",    "septembre",
                                      "octobre", "novembre", "decembre" };

/*
** Fold the few accented letters of French month names to ASCII lowercase.
** Writes at most outsize-1 bytes and a NUL.
*/
static void fold_month(char *out, size_t outsize, const char *s, size_t n)
{
    size_t i = 0, o = 0;
    while (i < n && o + 1 < outsize) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xC3 && i + 1 < n) {
            unsigned char d = (unsigned char)s[i + 1];
            if (d == 0xA9 || d == 0x89 || d == 0xA8 || d == 0xAA) {
                out[o++] = 'e'; /* é É è ê */
            } else if (d == 0xBB || d == 0xB9 || d == 0x9B) {
                out[o++] = 'u'; /* û ù Û */
            } else {
                out[o++] = '?';
            }
            i += 2;
            continue;
        }
        if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c - 'A' + 'a');
        }
        out[o++] = (char)c;
        i++;
    }
    out[o] = '\0';
}

int fouine_date_parse(char *out, size_t outsize, const char *line, size_t len)
{
    char buf[128];
    char month[32];
    char iso[96]; /* room for any five ints: the compiler cannot see ranges */
    size_t i = 0, j;
    int day = 0, year = 0, hour = -1, minute = -1, m;

    if (outsize < 20 || len >= sizeof buf) {
        return FOUINE_EINVAL;
    }
    memcpy(buf, line, len);
    buf[len] = '\0';
    /* "Le " */
    if (len < 3 || (buf[0] != 'L' && buf[0] != 'l') || buf[1] != 'e' ||
        buf[2] != ' ') {
        return FOUINE_EINVAL;
    }
    i = 3;
    while (i < len && buf[i] >= '0' && buf[i] <= '9') {
        day = day * 10 + (buf[i++] - '0');
    }
    if (day < 1 || day > 31) {
        return FOUINE_EINVAL;
    }
    if (strncmp(buf + i, "er", 2) == 0) {
        i += 2;
    }
    if (buf[i] != ' ') {
        return FOUINE_EINVAL;
    }
    i++;
    j = i;
    while (j < len && buf[j] != ' ') {
        j++;
    }
    fold_month(month, sizeof month, buf + i, j - i);
    for (m = 0; m < 12; m++) {
        if (strcmp(month, months[m]) == 0) {
            break;
        }
    }
    if (m == 12 || j >= len) {
        return FOUINE_EINVAL;
    }
    i = j + 1;
    while (i < len && buf[i] >= '0' && buf[i] <= '9') {
        year = year * 10 + (buf[i++] - '0');
    }
    if (year < 1800 || year > 2200) {
        return FOUINE_EINVAL;
    }
    /* Optional " à 09h26". */
    if (sscanf(buf + i, " \xC3\xA0 %dh%d", &hour, &minute) == 2 ||
        sscanf(buf + i, " a %dh%d", &hour, &minute) == 2) {
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
            return FOUINE_EINVAL;
        }
        snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:00", year, m + 1,
                 day, hour, minute);
    } else {
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, m + 1, day);
    }
    if (strlen(iso) >= outsize) {
        return FOUINE_EINVAL;
    }
    memcpy(out, iso, strlen(iso) + 1);
    return FOUINE_OK;
}

/* Copy s[0..n) into a new NUL-terminated string, or NULL. */
static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* Next line of text[*pos..len): sets *line and returns its length without
** the "\n" or "\r\n"; advances *pos.  Returns (size_t)-1 at the end. */
static size_t next_line(const char *text, size_t len, size_t *pos,
                        const char **line)
{
    size_t start = *pos, end;
    if (start >= len) {
        return (size_t)-1;
    }
    end = start;
    while (end < len && text[end] != '\n') {
        end++;
    }
    *pos = end < len ? end + 1 : end;
    *line = text + start;
    if (end > start && text[end - 1] == '\r') {
        end--;
    }
    return end - start;
}

static int is_blank(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (s[i] != ' ' && s[i] != '\t') {
            return 0;
        }
    }
    return 1;
}

void fouine_article_clear(fouine_article *a)
{
    free(a->title);
    free(a->date);
    free(a->lead);
    free(a->body);
    memset(a, 0, sizeof *a);
}

int fouine_article_parse(fouine_article *out, const char *text, size_t len)
{
    const char *line = NULL;
    char iso[32];
    size_t pos = 0, n;
    size_t body_start = 0, body_end = 0;
    int rc = FOUINE_ENOMEM;

    memset(out, 0, sizeof *out);
    /* Title: the first non-blank line. */
    while ((n = next_line(text, len, &pos, &line)) != (size_t)-1 &&
           is_blank(line, n)) {
    }
    if (n == (size_t)-1) {
        rc = FOUINE_EINVAL;
        goto done;
    }
    out->title = dup_n(line, n);
    if (!out->title) {
        goto done;
    }
    /* Date: the next non-blank line, when it is one. */
    body_start = pos;
    while ((n = next_line(text, len, &pos, &line)) != (size_t)-1 &&
           is_blank(line, n)) {
    }
    if (n != (size_t)-1 &&
        fouine_date_parse(iso, sizeof iso, line, n) == FOUINE_OK) {
        out->date = dup_n(iso, strlen(iso));
        if (!out->date) {
            goto done;
        }
        body_start = pos;
    }
    /* Lead: the first paragraph; body: the rest. */
    pos = body_start;
    while ((n = next_line(text, len, &pos, &line)) != (size_t)-1 &&
           is_blank(line, n)) {
        body_start = pos;
    }
    if (n != (size_t)-1) {
        out->lead = dup_n(line, n);
        if (!out->lead) {
            goto done;
        }
        body_start = pos;
    }
    body_end = len;
    while (body_start < body_end &&
           (text[body_start] == '\n' || text[body_start] == '\r')) {
        body_start++;
    }
    while (body_end > body_start &&
           (text[body_end - 1] == '\n' || text[body_end - 1] == '\r')) {
        body_end--;
    }
    out->body = dup_n(text + body_start, body_end - body_start);
    if (!out->body) {
        goto done;
    }
    if (!out->lead) {
        out->lead = dup_n("", 0);
        if (!out->lead) {
            goto done;
        }
    }
    rc = FOUINE_OK;
done:
    if (rc != FOUINE_OK) {
        fouine_article_clear(out);
    }
    return rc;
}
