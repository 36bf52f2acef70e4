/*
** html.c: the HTML reader of fouine-index on pages whose article is known,
** side by side with baselines.
**
**     bench_html [DIR] [-r REPS] [-v]
**
** DIR (default ../shared/corpus/orangesum-html-sample, relative to the
** current directory) holds HTML pages and truth.jsonl, one line a page:
** file, title, date, section, paragraphs (the article's text).  Every page
** is read into memory, then:
**   - accuracy: each page goes through fouine_html_parse(); the title must
**     equal the truth's (white space collapsed), the date agree to the
**     minute, the section be equal; the words of lead and body are compared
**     with the words of the truth's paragraphs (as multisets, case folded):
**     precision and recall summed over the pages.  The baseline is the
**     whole text of each page (what an indexer without extraction keeps,
**     menus and footers included), through the same tree.
**   - throughput: REPS rounds (default 5) alternate fouine_html_parse() on
**     every page and, as the baseline, libxml2 alone building and freeing
**     its DOM of every page (htmlReadMemory()); the best CPU time of each
**     gives MB/s of HTML on one core.
**   - peak RSS of the process after the first round and after the last:
**     reading the pages again must not grow it.
** -v lists every page whose title, date or section differs, or whose
** precision or recall is below 0.97.
*/
#include <dirent.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "html.h"

#define BENCH_DEFAULT_DIR "../shared/corpus/orangesum-html-sample"

/* One page and what it should give. */
typedef struct page_case {
    char *file;    /* name in DIR */
    char *html;    /* its bytes */
    size_t len;    /* their number */
    char *title;   /* expected, white space collapsed */
    char *date;    /* ISO 8601 */
    char *section; /* expected */
    char *text;    /* the paragraphs, joined by "\n" */
} page_case;

/* Words counted over the pages. */
typedef struct word_counts {
    size_t ours;   /* words extracted */
    size_t truth;  /* words of the truth */
    size_t common; /* in both (multiset intersection) */
} word_counts;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* A copy of s with its words separated by single spaces (malloc()). */
static char *collapse(const char *s)
{
    static const char blanks[] = " \t\n\r";
    char *p = malloc(strlen(s) + 1), *o = p;
    if (!p) {
        return NULL;
    }
    for (s += strspn(s, blanks); *s; s += strspn(s, blanks)) {
        size_t n = strcspn(s, blanks);
        if (o > p) {
            *o++ = ' ';
        }
        memcpy(o, s, n);
        o += n;
        s += n;
    }
    *o = '\0';
    return p;
}

/* The bytes of a file, or NULL. */
static char *read_all(const char *path, size_t *len)
{
    fouine_buf b = { NULL, 0, 0, 0 };
    *len = 0;
    if (fouine_read_file(&b, path) != 0 || !b.data) {
        free(b.data);
        return NULL;
    }
    *len = b.len;
    return b.data;
}

static char *dup_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? collapse(s) : NULL;
}

/* Read truth.jsonl and the pages it names.  Returns the number of pages,
** or -1. */
static long load(const char *dir, page_case **out)
{
    char path[4096], line[1 << 16];
    page_case *cases = NULL;
    size_t n = 0, cap = 0;
    FILE *f;

    snprintf(path, sizeof path, "%s/truth.jsonl", dir);
    f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_html: %s: cannot read it\n", path);
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        json_error_t err;
        json_t *obj = json_loads(line, 0, &err), *paras, *p;
        page_case *c;
        size_t i, tn = 0;
        if (!obj) {
            fprintf(stderr, "bench_html: truth.jsonl: %s\n", err.text);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 512;
            cases = realloc(cases, cap * sizeof *cases);
            if (!cases) {
                fclose(f);
                return -1;
            }
        }
        c = &cases[n];
        memset(c, 0, sizeof *c);
        c->file = dup_str(obj, "file");
        c->title = dup_str(obj, "title");
        c->date = dup_str(obj, "date");
        c->section = dup_str(obj, "section");
        paras = json_object_get(obj, "paragraphs");
        json_array_foreach(paras, i, p)
        {
            tn += json_string_length(p) + 1;
        }
        c->text = malloc(tn + 1);
        if (!c->file || !c->text) {
            json_decref(obj);
            continue;
        }
        c->text[0] = '\0';
        json_array_foreach(paras, i, p)
        {
            strcat(c->text, json_string_value(p));
            strcat(c->text, "\n");
        }
        json_decref(obj);
        snprintf(path, sizeof path, "%s/%s", dir, c->file);
        c->html = read_all(path, &c->len);
        if (!c->html) {
            fprintf(stderr, "bench_html: %s: cannot read it\n", path);
            continue;
        }
        n++;
    }
    fclose(f);
    *out = cases;
    return (long)n;
}

/* A word: a run of ASCII letters and digits and of non-ASCII bytes. */
typedef struct word {
    const char *s;
    size_t n;
} word;

static int is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

/* The words of s, lowercased in place (ASCII). */
static word *words_of(char *s, size_t *nw)
{
    size_t n = strlen(s), i = 0, cap = n / 2 + 1;
    word *w = malloc(cap * sizeof *w);
    *nw = 0;
    if (!w) {
        return NULL;
    }
    while (i < n) {
        size_t j;
        while (i < n && !is_word_byte((unsigned char)s[i])) {
            i++;
        }
        for (j = i; j < n && is_word_byte((unsigned char)s[j]); j++) {
            if (s[j] >= 'A' && s[j] <= 'Z') {
                s[j] = (char)(s[j] - 'A' + 'a');
            }
        }
        if (j > i) {
            w[*nw].s = s + i;
            w[*nw].n = j - i;
            (*nw)++;
        }
        i = j;
    }
    return w;
}

static int word_cmp(const void *a, const void *b)
{
    const word *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->s, y->s, n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Count the words of ours and truth, and those they share. */
static void compare_words(const char *ours,
                          const char *truth,
                          word_counts *wc,
                          double *p,
                          double *r)
{
    char *a = strdup(ours), *b = strdup(truth);
    size_t na = 0, nb = 0, i = 0, j = 0, common = 0;
    word *wa = a ? words_of(a, &na) : NULL, *wb = b ? words_of(b, &nb) : NULL;
    if (wa && wb) {
        qsort(wa, na, sizeof *wa, word_cmp);
        qsort(wb, nb, sizeof *wb, word_cmp);
        while (i < na && j < nb) {
            int c = word_cmp(&wa[i], &wb[j]);
            if (c == 0) {
                common++;
                i++;
                j++;
            } else if (c < 0) {
                i++;
            } else {
                j++;
            }
        }
    }
    wc->ours += na;
    wc->truth += nb;
    wc->common += common;
    *p = na ? (double)common / (double)na : 0;
    *r = nb ? (double)common / (double)nb : 0;
    free(wa);
    free(wb);
    free(a);
    free(b);
}

/* The whole text of a page, tags aside (the head, scripts and styles
** left out): the baseline of the body figures. */
static char *whole_text(const page_case *c)
{
    fouine_html_tree t;
    fouine_html_info info;
    char *owned = NULL, *out = NULL;
    const char *text;
    size_t len, i, o = 0;
    if (fouine_html_decode(&owned, &text, &len, &info, c->html, c->len) != 0 ||
        fouine_html_tree_build(&t, &info, text, len) != 0) {
        free(owned);
        return NULL;
    }
    out = malloc(t.text.len + t.nnodes + 1);
    for (i = 0; out && i < t.nnodes; i++) {
        const fouine_html_node *n = &t.nodes[i];
        uint32_t p = n->parent;
        int skip = 0;
        if (n->tag != FOUINE_TAG_TEXT) {
            continue;
        }
        for (; p != FOUINE_HTML_NONE && !skip; p = t.nodes[p].parent) {
            int tag = t.nodes[p].tag;
            skip = tag == FOUINE_TAG_HEAD || tag == FOUINE_TAG_SCRIPT ||
                   tag == FOUINE_TAG_STYLE || tag == FOUINE_TAG_NOSCRIPT ||
                   tag == FOUINE_TAG_TEMPLATE;
        }
        if (!skip) {
            memcpy(out + o, t.text.data + n->off, n->len);
            o += n->len;
            out[o++] = ' ';
        }
    }
    if (out) {
        out[o] = '\0';
    }
    fouine_html_tree_free(&t);
    free(owned);
    return out;
}

/* The first 16 characters of a date (to the minute), or all of it. */
static int same_minute(const char *a, const char *b)
{
    size_t n = strlen(b) < 16 ? strlen(b) : 16;
    return a && strlen(a) >= n && strncmp(a, b, n) == 0;
}

/* Read every page once; print the figures of fouine and the baseline. */
static void accuracy(page_case *cases, long n, int verbose)
{
    word_counts ours = { 0, 0, 0 }, base = { 0, 0, 0 };
    long i, titles = 0, dates = 0, sections = 0, pages = 0;
    for (i = 0; i < n; i++) {
        page_case *c = &cases[i];
        fouine_article a;
        fouine_html_info info;
        fouine_skip skip;
        char *text, *title, *whole;
        double p = 0, r = 0, bp = 0, br = 0;
        if (fouine_html_parse(&a, &skip, &info, c->html, c->len) != 0) {
            printf("  %s: skipped (%s)\n", c->file, fouine_skip_name(skip));
            compare_words("", c->text, &ours, &p, &r);
            continue;
        }
        pages++;
        title = collapse(a.title);
        titles += title && c->title && strcmp(title, c->title) == 0;
        dates += c->date && same_minute(a.date, c->date);
        sections +=
            c->section && a.category && strcmp(a.category, c->section) == 0;
        text = malloc(strlen(a.lead) + strlen(a.body) + 2);
        if (text) {
            sprintf(text, "%s\n%s", a.lead, a.body);
            compare_words(text, c->text, &ours, &p, &r);
        }
        whole = whole_text(c);
        if (whole) {
            compare_words(whole, c->text, &base, &bp, &br);
        }
        if (verbose) {
            if (!title || strcmp(title, c->title) != 0) {
                printf("  %s: title '%s', expected '%s'\n", c->file, title,
                       c->title);
            }
            if (!c->date || !same_minute(a.date, c->date)) {
                printf("  %s: date %s, expected %s\n", c->file,
                       a.date ? a.date : "-", c->date);
            }
            if (!a.category || strcmp(a.category, c->section) != 0) {
                printf("  %s: section '%s', expected '%s'\n", c->file,
                       a.category ? a.category : "-", c->section);
            }
            if (p < 0.97 || r < 0.97) {
                printf("  %s: precision %.3f recall %.3f\n", c->file, p, r);
            }
        }
        free(whole);
        free(text);
        free(title);
        fouine_article_clear(&a);
    }
    printf("pages read: %ld of %ld\n", pages, n);
    printf("title exact:   %5.1f %% (%ld)\n",
           100.0 * (double)titles / (double)n, titles);
    printf("date (minute): %5.1f %% (%ld)\n", 100.0 * (double)dates / (double)n,
           dates);
    printf("section exact: %5.1f %% (%ld)\n",
           100.0 * (double)sections / (double)n, sections);
    printf("body words, fouine:     precision %.4f recall %.4f (%zu words, "
           "truth %zu)\n",
           ours.ours ? (double)ours.common / (double)ours.ours : 0,
           ours.truth ? (double)ours.common / (double)ours.truth : 0, ours.ours,
           ours.truth);
    printf("body words, whole page: precision %.4f recall %.4f (%zu words)\n",
           base.ours ? (double)base.common / (double)base.ours : 0,
           base.truth ? (double)base.common / (double)base.truth : 0,
           base.ours);
}

/* One round of fouine's reader over every page: CPU seconds. */
static double round_fouine(page_case *cases, long n)
{
    double t0 = cpu_now();
    long i;
    for (i = 0; i < n; i++) {
        fouine_article a;
        fouine_html_info info;
        fouine_skip skip;
        if (fouine_html_parse(&a, &skip, &info, cases[i].html, cases[i].len) ==
            0) {
            fouine_article_clear(&a);
        }
    }
    return cpu_now() - t0;
}

/* One round of libxml2 alone: its DOM of every page, built and freed. */
static double round_libxml2(page_case *cases, long n)
{
    double t0 = cpu_now();
    long i;
    for (i = 0; i < n; i++) {
        htmlDocPtr doc = htmlReadMemory(
            cases[i].html, (int)cases[i].len, NULL, "UTF-8",
            HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
        xmlFreeDoc(doc);
    }
    return cpu_now() - t0;
}

int main(int argc, char **argv)
{
    const char *dir = BENCH_DEFAULT_DIR;
    page_case *cases = NULL;
    long n, i, reps = 5, rss1 = 0;
    double best_f = 1e30, best_x = 1e30, mb = 0;
    int verbose = 0, k;

    for (k = 1; k < argc; k++) {
        if (strcmp(argv[k], "-r") == 0 && k + 1 < argc) {
            reps = atol(argv[++k]);
        } else if (strcmp(argv[k], "-v") == 0) {
            verbose = 1;
        } else if (argv[k][0] != '-') {
            dir = argv[k];
        } else {
            fprintf(stderr, "usage: bench_html [DIR] [-r REPS] [-v]\n");
            return 2;
        }
    }
    n = load(dir, &cases);
    if (n <= 0) {
        fprintf(stderr, "bench_html: no page in %s\n", dir);
        return 2;
    }
    for (i = 0; i < n; i++) {
        mb += (double)cases[i].len / 1e6;
    }
    printf("bench_html: %s, %ld pages, %.1f MB of HTML\n", dir, n, mb);
    accuracy(cases, n, verbose);
    for (k = 0; k < reps; k++) {
        double f = round_fouine(cases, n), x = round_libxml2(cases, n);
        if (k == 0) {
            rss1 = peak_rss_kb();
        }
        best_f = f < best_f ? f : best_f;
        best_x = x < best_x ? x : best_x;
    }
    if (reps <= 0) {
        goto done; /* accuracy only */
    }
    printf("throughput, fouine_html_parse:        %6.1f MB/s (CPU %.3f s, "
           "best of %ld)\n",
           mb / best_f, best_f, reps);
    printf("throughput, libxml2 DOM alone (base): %6.1f MB/s (CPU %.3f s); "
           "ratio %.2f\n",
           mb / best_x, best_x, best_x / best_f);
    printf("peak RSS: %ld KB after round 1, %ld KB after round %ld\n", rss1,
           peak_rss_kb(), reps);
done:
    for (i = 0; i < n; i++) {
        free(cases[i].file);
        free(cases[i].html);
        free(cases[i].title);
        free(cases[i].date);
        free(cases[i].section);
        free(cases[i].text);
    }
    free(cases);
    return 0;
}
