/*
** show.c: fouine-index --show FILE, what one file gives, field by field.
**
** The file is read by fouine_extract() (fouine/index.h), with the parsers
** of a run and the same checks; what a run would index is printed on
** stdout, what it would warn about or skip goes to stderr in a run's
** words.
*/
#include "show.h"

#include <stdio.h>
#include <string.h>

#include "fouine/alloc.h"
#include "fouine/index.h"

/* State of one --show. */
typedef struct show {
    FILE *out;        /* where articles go; not owned */
    const char *path; /* the file */
    long line;        /* the JSON line being read, 0 for a whole file */
    long articles;    /* articles printed */
    int page;         /* a .txt or HTML file: one article, no id field */
    int status;       /* exit status so far */
} show;

/* Say a problem on stderr as a run does: "PATH[:LINE]: what". */
static void say(const show *sh, const char *what, const char *detail)
{
    if (sh->line > 0) {
        fprintf(stderr, "fouine-index: %s:%ld: %s%s%s\n", sh->path, sh->line,
                what, detail && *detail ? ": " : "", detail ? detail : "");
    } else {
        fprintf(stderr, "fouine-index: %s: %s%s%s\n", sh->path, what,
                detail && *detail ? ": " : "", detail ? detail : "");
    }
}

/* Say that something is skipped, and why. */
static void skipped(show *sh, fouine_skip reason, const char *detail)
{
    char what[64];
    snprintf(what, sizeof what, "skipped: %s", fouine_skip_name(reason));
    say(sh, what, detail);
    sh->status = 1;
}

/* Print a field; a missing one is "-". */
static void field(FILE *f, const char *name, const char *value)
{
    fprintf(f, "%-14s%s\n", name, value && *value ? value : "-");
}

/* Print text, each of its lines after prefix. */
static void lines(FILE *f, const char *prefix, const char *text)
{
    const char *nl;
    while ((nl = strchr(text, '\n')) != NULL) {
        fprintf(f, "%s%.*s\n", prefix, (int)(nl - text), text);
        text = nl + 1;
    }
    fprintf(f, "%s%s\n", prefix, text);
}

/* Say the notes of an article (lines ended by "\n") as a run does:
** "PATH[:LINE]: [article 'ID': ]note". */
static void say_notes(const show *sh, const fouine_article *a)
{
    const char *p = a->notes.data, *nl;
    for (; p && (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        int n = (int)(nl - p);
        if (sh->line > 0) {
            fprintf(stderr, "fouine-index: %s:%ld: article '%s': %.*s\n",
                    sh->path, sh->line, a->id, n, p);
        } else {
            fprintf(stderr, "fouine-index: %s: %.*s\n", sh->path, n, p);
        }
    }
}

/*
** The id a run gives an article of the file: a JSON article's own; a page
** (.txt, HTML) the name of its file, as a run given the file names it (a
** run given a directory that holds it names it from that directory), never
** the path typed, which may be absolute.
*/
static const char *id_of(const show *sh, const fouine_article *a)
{
    const char *slash = strrchr(sh->path, '/');
    if (!sh->page) {
        return a->id;
    }
    return slash ? slash + 1 : sh->path;
}

/* Print one article, field by field. */
static int print_article(show *sh, const fouine_article *a)
{
    FILE *f = sh->out;
    const char *p;
    size_t i, paragraphs = 0;

    sh->articles++;
    if (sh->line > 0) {
        fprintf(f, "== %s:%ld\n", sh->path, sh->line);
    } else if (sh->articles > 1) {
        fprintf(f, "== %s (article %ld)\n", sh->path, sh->articles);
    }
    field(f, "id:", id_of(sh, a));
    field(f, "title:", a->title);
    field(f, "date:", a->date);
    field(f, "category:", a->category);
    field(f, "author:", a->author);
    field(f, "url:", a->url);
    if (a->reading_time > 0) {
        fprintf(f, "%-14s%d min\n", "reading time:", a->reading_time);
    }
    field(f, "lead:", a->lead);
    for (p = a->body; p && *p; paragraphs++) {
        const char *next = strstr(p, "\n\n");
        p = next ? next + 2 : NULL;
    }
    fprintf(f, "%-14s%zu paragraph%s\n", "body:", paragraphs,
            paragraphs == 1 ? "" : "s");
    for (p = a->body; p && *p;) {
        const char *next = strstr(p, "\n\n");
        size_t n = next ? (size_t)(next - p) : strlen(p);
        char *para = fouine_strndup(p, n);
        if (!para) {
            return FOUINE_ENOMEM;
        }
        lines(f, "  | ", para);
        fouine_free(para);
        p = next ? next + 2 : NULL;
        if (p && *p) {
            fputs("  |\n", f);
        }
    }
    fprintf(f, "%-14s%zu\n", "comments:", a->ncomments);
    for (i = 0; i < a->ncomments; i++) {
        fprintf(f, "  - %s\n",
                a->comments[i].date ? a->comments[i].date : "(no date)");
        lines(f, "    | ", a->comments[i].body);
    }
    return 0;
}

/* What fouine_extract() found (fouine_extract_cb). */
static int found(const fouine_extract_event *ev, void *payload)
{
    show *sh = payload;
    sh->line = ev->line;
    switch (ev->kind) {
    case FOUINE_EXTRACT_FILE:
        fprintf(sh->out, "== %s\n", sh->path);
        fprintf(sh->out, "%-14s%s\n", "format:", ev->text);
        sh->page =
            strcmp(ev->text, "json") != 0 && strcmp(ev->text, "jsonl") != 0;
        break;
    case FOUINE_EXTRACT_ARTICLE:
        say_notes(sh, ev->article);
        return print_article(sh, ev->article);
    case FOUINE_EXTRACT_WARNING:
        say(sh, ev->text, NULL);
        break;
    case FOUINE_EXTRACT_SKIP:
        skipped(sh, ev->skip, ev->text);
        break;
    }
    return 0;
}

int fouine_show(FILE *out, const char *path, size_t max_size)
{
    show sh;
    int rc;

    memset(&sh, 0, sizeof sh);
    sh.out = out;
    sh.path = path;
    rc = fouine_extract(path, max_size, found, &sh);
    sh.line = 0;
    if (rc == FOUINE_EINVAL) {
        say(&sh, "--show takes a file, not a directory", NULL);
        return 2;
    }
    if (rc == FOUINE_ENOMEM) {
        fputs("fouine-index: out of memory\n", stderr);
        return 2;
    }
    if (sh.articles == 0 && sh.status == 0) {
        sh.status = 1; /* e.g. a .jsonl file of blank lines */
        say(&sh, "no article", NULL);
    }
    return sh.status;
}
