/*
** article.c: parsing article text files, in the site and the plain
** layouts, and French dates (see indexer.h).
*/
#include "indexer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fouine/alloc.h"
#include "fouine/buf.h"

/* Month names, folded to ASCII lowercase, in calendar order. */
static const char *const months[] = { "janvier", "fevrier",  "mars",
                                      "avril",   "mai",      "juin",
                                      "juillet", "aout",     "septembre",
                                      "octobre", "novembre", "decembre" };

int fouine_month_days(int year, int month)
{
    static const int days[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12) {
        return 0;
    }
    return days[month - 1] + (month == 2 && leap);
}

/* Whether the calendar has this day (month 1 to 12). */
static int day_exists(int year, int month, int day)
{
    return day >= 1 && day <= fouine_month_days(year, month);
}

/* One line of a text: its bytes, without its end. */
typedef struct text_line {
    const char *s; /* inside the text; not owned */
    size_t n;      /* length */
} text_line;

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

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Read up to maxdigits digits at s[*i]; -1 when there are none. */
static int read_int(const char *s, size_t n, size_t *i, int maxdigits)
{
    int v = 0, d = 0;
    while (*i < n && is_digit(s[*i]) && d < maxdigits) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        d++;
    }
    return d > 0 ? v : -1;
}

/* Skip blanks; then the bytes of word, if they are there. */
static int eat(const char *s, size_t n, size_t *i, const char *word)
{
    size_t m = strlen(word);
    while (*i < n && is_space(s[*i])) {
        (*i)++;
    }
    if (n - *i >= m && memcmp(s + *i, word, m) == 0) {
        *i += m;
        return 1;
    }
    return 0;
}

/*
** Read an optional " à 09h26" (or "a", or "09:26") at s[*i]: sets *hour and
** *minute, or leaves them -1 when there is no time.  Returns 0, or -1 when
** a time is there but wrong.
*/
static FOUINE_WUR int read_time(const char *s,
                                size_t n,
                                size_t *i,
                                int *hour,
                                int *minute)
{
    size_t j = *i;
    *hour = -1;
    *minute = -1;
    if (!eat(s, n, &j, "\xC3\xA0") && !eat(s, n, &j, "a")) {
        return 0;
    }
    while (j < n && is_space(s[j])) {
        j++;
    }
    *hour = read_int(s, n, &j, 2);
    if (j < n && (s[j] == 'h' || s[j] == 'H' || s[j] == ':')) {
        j++;
    } else {
        return -1;
    }
    *minute = read_int(s, n, &j, 2);
    if (*minute < 0) {
        *minute = 0; /* "à 9h" */
    }
    if (*hour < 0 || *hour > 23 || *minute > 59) {
        return -1;
    }
    *i = j;
    return 0;
}

/* Write the ISO 8601 form of a date, with the time when hour >= 0. */
static FOUINE_WUR int iso_date(char *out,
                               size_t outsize,
                               int year,
                               int month,
                               int day,
                               int hour,
                               int minute)
{
    char iso[96]; /* room for any five ints: the compiler cannot see ranges */
    size_t n;
    if (hour >= 0) {
        snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:00", year, month,
                 day, hour, minute);
    } else {
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, month, day);
    }
    n = strlen(iso);
    if (n >= outsize) {
        return FOUINE_EINVAL;
    }
    memcpy(out, iso, n + 1);
    return FOUINE_OK;
}

int fouine_date_parse(char *out, size_t outsize, const char *line, size_t len)
{
    char month[32];
    size_t i = 0, j;
    int day, year, hour, minute, m;

    if (outsize > 0) {
        out[0] = '\0';
    }
    while (len > 0 && is_space(line[len - 1])) {
        len--;
    }
    while (i < len && is_space(line[i])) {
        i++;
    }
    if (len - i >= 3 && (line[i] == 'L' || line[i] == 'l') &&
        line[i + 1] == 'e' && is_space(line[i + 2])) {
        i += 3;
    }
    while (i < len && is_space(line[i])) {
        i++;
    }
    day = read_int(line, len, &i, 2);
    if (day < 1 || day > 31) {
        return FOUINE_EINVAL;
    }
    if (len - i >= 2 && line[i] == 'e' && line[i + 1] == 'r') {
        i += 2;
    }
    if (i >= len || !is_space(line[i])) {
        return FOUINE_EINVAL;
    }
    i++;
    j = i;
    while (j < len && !is_space(line[j])) {
        j++;
    }
    if (j - i >= sizeof month) {
        return FOUINE_EINVAL;
    }
    fold_month(month, sizeof month, line + i, j - i);
    for (m = 0; m < 12; m++) {
        if (strcmp(month, months[m]) == 0) {
            break;
        }
    }
    if (m == 12) {
        return FOUINE_EINVAL;
    }
    while (j < len && is_space(line[j])) {
        j++;
    }
    year = read_int(line, len, &j, 4);
    if (year < 1800 || year > 2200) {
        return FOUINE_EINVAL;
    }
    if (read_time(line, len, &j, &hour, &minute) != 0 || j != len) {
        return FOUINE_EINVAL;
    }
    if (!day_exists(year, m + 1, day)) {
        return FOUINE_OK; /* a date line, of a day the calendar lacks */
    }
    return iso_date(out, outsize, year, m + 1, day, hour, minute);
}

/* Read exactly k digits at s[*i]: their value, or -1 (*i unmoved). */
static int read_digits(const char *s, size_t n, size_t *i, int k)
{
    size_t j = *i;
    int v = 0;
    for (; k > 0; k--, j++) {
        if (j >= n || !is_digit(s[j])) {
            return -1;
        }
        v = v * 10 + (s[j] - '0');
    }
    *i = j;
    return v;
}

/* Whether s[*i] is c; if so, step over it. */
static int take(const char *s, size_t n, size_t *i, char c)
{
    if (*i < n && s[*i] == c) {
        (*i)++;
        return 1;
    }
    return 0;
}

/*
** Whether s[0..n) has the shape of ISO 8601 as articles give it:
** "YYYY-MM-DD", then optionally "T" (or a space) "hh:mm", ":ss", a
** fraction ".sss", and a zone "Z", "+hh", "+hh:mm" or "+hhmm" (or "-").
** Sets the day's *year, *month and *day (not checked against the calendar).
*/
static int iso_shape(const char *s, size_t n, int *year, int *month, int *day)
{
    size_t i = 0;
    int hour, minute, second = 0;
    *year = read_digits(s, n, &i, 4);
    *month = take(s, n, &i, '-') ? read_digits(s, n, &i, 2) : -1;
    *day = take(s, n, &i, '-') ? read_digits(s, n, &i, 2) : -1;
    if (*year < 0 || *month < 0 || *day < 0) {
        return 0;
    }
    if (i == n) {
        return 1;
    }
    if (!take(s, n, &i, 'T') && !take(s, n, &i, ' ')) {
        return 0;
    }
    hour = read_digits(s, n, &i, 2);
    minute = take(s, n, &i, ':') ? read_digits(s, n, &i, 2) : -1;
    if (take(s, n, &i, ':')) {
        second = read_digits(s, n, &i, 2);
    }
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 ||
        second > 60) {
        return 0;
    }
    if (take(s, n, &i, '.') && read_digits(s, n, &i, 1) >= 0) {
        while (i < n && is_digit(s[i])) {
            i++;
        }
    }
    if (take(s, n, &i, 'Z') || i == n) {
        return i == n;
    }
    if (!take(s, n, &i, '+') && !take(s, n, &i, '-')) {
        return 0;
    }
    hour = read_digits(s, n, &i, 2);
    take(s, n, &i, ':');
    minute = i < n ? read_digits(s, n, &i, 2) : 0;
    return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && i == n;
}

const char *fouine_date_check(char *iso,
                              size_t isosize,
                              const char *s,
                              size_t n)
{
    int year, month, day;
    if (isosize > 0) {
        iso[0] = '\0';
    }
    if (iso_shape(s, n, &year, &month, &day)) {
        return day_exists(year, month, day) ? NULL :
                                              "not a day of the calendar";
    }
    if (fouine_date_parse(iso, isosize, s, n) == FOUINE_OK) {
        return iso[0] ? NULL : "not a day of the calendar";
    }
    return "not a date (YYYY-MM-DD, maybe with a time)";
}

/*
** Whether a line ends with a comment date, "Le 18/04/2018 à 09h48" (the
** site glues it to the boilerplate before the first comment: "Abonnez-
** vousLe 18/04/2018 à 09h48").  Writes its ISO form to out, or "" when
** the calendar lacks that day.
*/
static int comment_date(char *out, size_t outsize, const char *s, size_t n)
{
    size_t i, start;
    int day, month, year, hour, minute;

    while (n > 0 && is_space(s[n - 1])) {
        n--;
    }
    /* Find the last "Le " followed by a digit. */
    start = n;
    for (i = n; i >= 3; i--) {
        if (s[i - 3] == 'L' && s[i - 2] == 'e' && s[i - 1] == ' ' && i < n &&
            is_digit(s[i])) {
            start = i;
            break;
        }
    }
    if (start == n) {
        return 0;
    }
    i = start;
    day = read_int(s, n, &i, 2);
    if (i >= n || s[i] != '/') {
        return 0;
    }
    i++;
    month = read_int(s, n, &i, 2);
    if (i >= n || s[i] != '/') {
        return 0;
    }
    i++;
    year = read_int(s, n, &i, 4);
    if (day < 1 || day > 31 || month < 1 || month > 12 || year < 1800 ||
        read_time(s, n, &i, &hour, &minute) != 0 || i != n) {
        return 0;
    }
    if (!day_exists(year, month, day)) {
        out[0] = '\0'; /* a comment, dated with a day the calendar lacks */
        return 1;
    }
    return iso_date(out, outsize, year, month, day, hour, minute) == FOUINE_OK;
}

/* "2 min": the reading time in minutes, or 0. */
static int reading_time(const char *s, size_t n)
{
    size_t i = 0;
    int v;
    while (n > 0 && is_space(s[n - 1])) {
        n--;
    }
    v = read_int(s, n, &i, 3);
    if (v <= 0 || !eat(s, n, &i, "min") || i != n) {
        return 0;
    }
    return v;
}

/* "Commentaires (3)": the line that opens the footer of the site layout. */
static int is_comments_header(const char *s, size_t n)
{
    size_t i = 0;
    while (n > 0 && is_space(s[n - 1])) {
        n--;
    }
    if (!eat(s, n, &i, "Commentaires") || !eat(s, n, &i, "(") ||
        read_int(s, n, &i, 9) < 0) {
        return 0;
    }
    return eat(s, n, &i, ")") && i == n;
}

static int is_blank(const text_line *l)
{
    size_t i;
    for (i = 0; i < l->n; i++) {
        if (!is_space(l->s[i])) {
            return 0;
        }
    }
    return 1;
}

/* Whether a line holds a letter or digit (scraped comments hold lines such
** as '" />' that are markup, not text). */
static int has_word(const text_line *l)
{
    size_t i;
    for (i = 0; i < l->n; i++) {
        unsigned char c = (unsigned char)l->s[i];
        if (c >= 0x80 || is_digit((char)c) || (c >= 'a' && c <= 'z') ||
            (c >= 'A' && c <= 'Z')) {
            return 1;
        }
    }
    return 0;
}

/* A line without surrounding blanks. */
static text_line trimmed(text_line l)
{
    while (l.n > 0 && is_space(l.s[0])) {
        l.s++;
        l.n--;
    }
    while (l.n > 0 && is_space(l.s[l.n - 1])) {
        l.n--;
    }
    return l;
}

/* Copy s[0..n) into a new NUL-terminated string, or NULL. */
static char *dup_n(const char *s, size_t n)
{
    char *p = fouine_malloc(n + 1);
    if (p) {
        if (n > 0) {
            memcpy(p, s, n);
        }
        p[n] = '\0';
    }
    return p;
}

/* Whether text[i] is a line end that stands alone: "\n", or "\r" not
** followed by "\n" (a "\r\n" counts at its "\n"). */
static int ends_line(const char *text, size_t len, size_t i)
{
    return text[i] == '\n' ||
           (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n'));
}

/* Split text into lines ending in "\n", "\r\n" or "\r" (new array in
** *out, fouine_free()). */
static FOUINE_WUR int split_lines(text_line **out,
                                  size_t *nout,
                                  const char *text,
                                  size_t len)
{
    text_line *lines = NULL;
    size_t n = 1, i, k = 0, start = 0;

    *out = NULL;
    *nout = 0;
    for (i = 0; i < len; i++) {
        n += ends_line(text, len, i);
    }
    lines = fouine_malloc(n * sizeof *lines);
    if (!lines) {
        return FOUINE_ENOMEM;
    }
    for (i = 0; i <= len; i++) {
        if (i < len && !ends_line(text, len, i)) {
            continue;
        }
        if (i < len || i > start) {
            size_t end = i;
            if (end > start && text[end - 1] == '\r') {
                end--; /* "\r\n" */
            }
            lines[k].s = text + start;
            lines[k].n = end - start;
            k++;
        }
        start = i + 1;
    }
    *out = lines;
    *nout = k;
    return FOUINE_OK;
}

/*
** Join lines[from..to) into a new string: lines separated by sep_line
** within a paragraph, paragraphs (runs of non-blank lines; every line when
** each_line) separated by "\n\n".  Trims each line.
*/
static char *join_paragraphs(const text_line *lines,
                             size_t from,
                             size_t to,
                             int each_line)
{
    size_t i, size = 1, o = 0;
    int in_para = 0, any = 0;
    char *out;
    for (i = from; i < to; i++) {
        size += lines[i].n + 2;
    }
    out = fouine_malloc(size);
    if (!out) {
        return NULL;
    }
    for (i = from; i < to; i++) {
        text_line l = trimmed(lines[i]);
        if (l.n == 0) {
            in_para = 0;
            continue;
        }
        if (any) {
            if (in_para && !each_line) {
                out[o++] = '\n';
            } else {
                out[o++] = '\n';
                out[o++] = '\n';
            }
        }
        memcpy(out + o, l.s, l.n);
        o += l.n;
        in_para = 1;
        any = 1;
    }
    out[o] = '\0';
    return out;
}

/* Index just past the first paragraph starting at or after from (a line
** when each_line); *start gets its first line. */
static size_t first_paragraph(const text_line *lines,
                              size_t from,
                              size_t to,
                              int each_line,
                              size_t *start)
{
    size_t i = from;
    while (i < to && is_blank(&lines[i])) {
        i++;
    }
    *start = i;
    if (i >= to) {
        return to;
    }
    if (each_line) {
        return i + 1;
    }
    while (i < to && !is_blank(&lines[i])) {
        i++;
    }
    return i;
}

/* Parse the comments of a site footer, lines[from..to). */
static FOUINE_WUR int parse_comments(fouine_article *a,
                                     const text_line *lines,
                                     size_t from,
                                     size_t to)
{
    char iso[32];
    size_t i, n = 0, c;
    for (i = from; i < to; i++) {
        n += comment_date(iso, sizeof iso, lines[i].s, lines[i].n);
    }
    if (n == 0) {
        return FOUINE_OK;
    }
    a->comments = fouine_calloc(n, sizeof *a->comments);
    if (!a->comments) {
        return FOUINE_ENOMEM;
    }
    for (i = from; i < to; i++) {
        size_t j, body_from;
        if (!comment_date(iso, sizeof iso, lines[i].s, lines[i].n)) {
            continue; /* boilerplate before the first comment */
        }
        c = a->ncomments++;
        if (iso[0]) {
            a->comments[c].date = dup_n(iso, strlen(iso));
            if (!a->comments[c].date) {
                return FOUINE_ENOMEM;
            }
        } else {
            fouine_buf_printf(&a->notes,
                              "line %zu: the date of comment %zu is not a day "
                              "of the calendar: kept without a date\n",
                              i + 1, c + 1);
        }
        body_from = i + 1;
        j = body_from;
        while (j < to &&
               !comment_date(iso, sizeof iso, lines[j].s, lines[j].n)) {
            j++;
        }
        /* Lines of the comment, markup lines left out. */
        {
            size_t size = 1, o = 0, k;
            char *body;
            for (k = body_from; k < j; k++) {
                size += lines[k].n + 1;
            }
            body = fouine_malloc(size);
            if (!body) {
                return FOUINE_ENOMEM;
            }
            for (k = body_from; k < j; k++) {
                text_line l = trimmed(lines[k]);
                if (!has_word(&l)) {
                    continue;
                }
                if (o > 0) {
                    body[o++] = '\n';
                }
                memcpy(body + o, l.s, l.n);
                o += l.n;
            }
            body[o] = '\0';
            a->comments[c].body = body;
        }
        i = j - 1;
    }
    return FOUINE_OK;
}

void fouine_article_clear(fouine_article *a)
{
    size_t i;
    fouine_free(a->id);
    fouine_free(a->title);
    fouine_free(a->date);
    fouine_free(a->category);
    fouine_free(a->url);
    fouine_free(a->author);
    fouine_free(a->lead);
    fouine_free(a->body);
    for (i = 0; i < a->ncomments; i++) {
        fouine_free(a->comments[i].date);
        fouine_free(a->comments[i].body);
    }
    fouine_free(a->comments);
    fouine_free(a->notes.data);
    memset(a, 0, sizeof *a);
}

int fouine_article_parse(fouine_article *out,
                         fouine_skip *skip,
                         const char *text,
                         size_t len)
{
    text_line *lines = NULL;
    char iso[32];
    size_t n = 0, i = 0, j, end, lead_start, lead_end;
    int rc = FOUINE_ENOMEM, site = 0;
    text_line title, l;

    memset(out, 0, sizeof *out);
    *skip = FOUINE_SKIP_EMPTY;
    if (split_lines(&lines, &n, text, len) != FOUINE_OK) {
        goto done;
    }
    /* Title: the first non-blank line. */
    while (i < n && is_blank(&lines[i])) {
        i++;
    }
    if (i == n) {
        rc = FOUINE_EINVAL;
        goto done;
    }
    title = trimmed(lines[i]);
    if (fouine_date_parse(iso, sizeof iso, title.s, title.n) == FOUINE_OK) {
        /* No title: the file starts with its date line. */
        j = i;
        title.n = 0;
        fouine_buf_printf(&out->notes,
                          "no title (line %zu is a date): indexed untitled\n",
                          i + 1);
    } else {
        /* Date: the next non-blank line, when it is one (j = n: none). */
        j = ++i;
        while (j < n && is_blank(&lines[j])) {
            j++;
        }
        if (j < n && fouine_date_parse(iso, sizeof iso, lines[j].s,
                                       lines[j].n) != FOUINE_OK) {
            j = n;
        }
    }
    out->title = dup_n(title.s, title.n);
    if (!out->title) {
        goto done;
    }
    if (j < n) {
        /* lines[j] is the date line, iso its date. */
        if (iso[0]) {
            out->date = dup_n(iso, strlen(iso));
            if (!out->date) {
                goto done;
            }
        } else {
            l = trimmed(lines[j]);
            fouine_buf_printf(&out->notes,
                              "line %zu: date '%.*s' is not a day of the "
                              "calendar: indexed without a date\n",
                              j + 1, (int)(l.n < 80 ? l.n : 80), l.s);
        }
        i = j + 1;
        /* Site layout: reading time, then the category, once or twice. */
        if (i < n &&
            (out->reading_time = reading_time(lines[i].s, lines[i].n)) > 0) {
            site = 1;
            i++;
            if (i < n && !is_blank(&lines[i])) {
                l = trimmed(lines[i]);
                out->category = dup_n(l.s, l.n);
                if (!out->category) {
                    goto done;
                }
                i++;
                if (i < n) {
                    text_line again = trimmed(lines[i]);
                    if (again.n == l.n && memcmp(again.s, l.s, l.n) == 0) {
                        i++;
                    }
                }
            }
        }
    }
    /* Site footer: "Commentaires (N)", after the date line again. */
    end = n;
    if (site) {
        for (j = i; j < n; j++) {
            if (is_comments_header(lines[j].s, lines[j].n)) {
                end = j;
                if (j > i && fouine_date_parse(iso, sizeof iso, lines[j - 1].s,
                                               lines[j - 1].n) == FOUINE_OK) {
                    end = j - 1;
                }
                if (parse_comments(out, lines, j + 1, n) != FOUINE_OK) {
                    goto done;
                }
                break;
            }
        }
    }
    lead_end = first_paragraph(lines, i, end, site, &lead_start);
    out->lead = join_paragraphs(lines, lead_start, lead_end, site);
    out->body = join_paragraphs(lines, lead_end, end, site);
    if (!out->lead || !out->body || out->notes.failed) {
        goto done;
    }
    if (!out->title[0] && !out->lead[0] && !out->body[0]) {
        *skip = FOUINE_SKIP_NO_TEXT; /* a date line alone */
        rc = FOUINE_EINVAL;
        goto done;
    }
    rc = FOUINE_OK;
done:
    fouine_free(lines);
    if (rc != FOUINE_OK) {
        fouine_article_clear(out);
    }
    return rc;
}

/* Hash a string and its terminating NUL (NULL hashes as one 0xFF). */
static uint64_t hash_str(uint64_t h, const char *s)
{
    static const unsigned char none = 0xFF;
    if (!s) {
        return fouine_hash64(h, &none, 1);
    }
    return fouine_hash64(h, s, strlen(s) + 1);
}

uint64_t fouine_article_hash(const fouine_article *a)
{
    uint64_t h = FOUINE_HASH_INIT;
    unsigned char rt[4];
    size_t i;
    h = hash_str(h, a->title);
    h = hash_str(h, a->date);
    h = hash_str(h, a->category);
    h = hash_str(h, a->url);
    h = hash_str(h, a->author);
    h = hash_str(h, a->lead);
    h = hash_str(h, a->body);
    rt[0] = (unsigned char)(a->reading_time & 0xFF);
    rt[1] = (unsigned char)((a->reading_time >> 8) & 0xFF);
    rt[2] = (unsigned char)((a->reading_time >> 16) & 0xFF);
    rt[3] = (unsigned char)((a->reading_time >> 24) & 0xFF);
    h = fouine_hash64(h, rt, sizeof rt);
    for (i = 0; i < a->ncomments; i++) {
        h = hash_str(h, a->comments[i].date);
        h = hash_str(h, a->comments[i].body);
    }
    return h;
}

int fouine_read_file(fouine_buf *b, const char *path)
{
    char chunk[65536];
    FILE *f = fopen(path, "rb");
    size_t n;
    int rc = FOUINE_OK, err = 0;
    if (!f) {
        return FOUINE_EIO;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        fouine_buf_append(b, chunk, n);
    }
    if (ferror(f)) {
        err = errno;
        rc = FOUINE_EIO;
    } else if (b->failed) {
        rc = FOUINE_ENOMEM;
    }
    fclose(f);
    errno = err;
    return rc;
}

int fouine_text_blank(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' &&
            s[i] != '\f' && s[i] != '\v') {
            return 0;
        }
    }
    return 1;
}

int fouine_text_check(const char **text,
                      size_t *len,
                      char **fixed,
                      size_t *bad,
                      fouine_skip *skip)
{
    size_t fixed_len = 0;

    *fixed = NULL;
    *bad = 0;
    if (fouine_text_blank(*text, *len)) {
        *skip = FOUINE_SKIP_EMPTY;
        return FOUINE_EINVAL;
    }
    if (memchr(*text, '\0', *len)) {
        *skip = FOUINE_SKIP_BINARY;
        return FOUINE_EINVAL;
    }
    if (fouine_utf8_repair(fixed, &fixed_len, bad, *text, *len) != FOUINE_OK) {
        return FOUINE_ENOMEM;
    }
    if (*fixed) {
        *text = *fixed;
        *len = fixed_len;
    }
    return FOUINE_OK;
}
