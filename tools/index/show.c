/*
** show.c: fouine-index --show FILE, what one file gives, field by field
** (see indexer.h).
**
** The file is read with the parsers of a run and the same checks (size
** limit, empty, binary, UTF-8 repaired, JSON that does not parse); what a
** run would index is printed on stdout, what it would warn about or skip
** goes to stderr in a run's words.
*/
#include "html.h"
#include "indexer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fouine/alloc.h"
#include "fouine/buf.h"

/* State of one --show. */
typedef struct show {
    FILE *out;        /* where articles go; not owned */
    const char *path; /* the file */
    long line;        /* the JSON line being read, 0 for a whole file */
    long articles;    /* articles printed */
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
    fprintf(f, "%-13s%s\n", name, value && *value ? value : "-");
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

/* Print one article, field by field (fouine_article_cb: takes it). */
static int print_article(fouine_article *a, void *payload)
{
    show *sh = payload;
    FILE *f = sh->out;
    const char *p;
    size_t i, paragraphs = 0;

    sh->articles++;
    if (sh->line > 0) {
        fprintf(f, "== %s:%ld\n", sh->path, sh->line);
    } else if (sh->articles > 1) {
        fprintf(f, "== %s (article %ld)\n", sh->path, sh->articles);
    }
    field(f, "id:", a->id);
    field(f, "title:", a->title);
    field(f, "date:", a->date);
    field(f, "category:", a->category);
    field(f, "author:", a->author);
    field(f, "url:", a->url);
    if (a->reading_time > 0) {
        fprintf(f, "%-13s%d min\n", "reading time:", a->reading_time);
    }
    field(f, "lead:", a->lead);
    for (p = a->body; p && *p; paragraphs++) {
        const char *next = strstr(p, "\n\n");
        p = next ? next + 2 : NULL;
    }
    fprintf(f, "%-13s%zu paragraph%s\n", "body:", paragraphs,
            paragraphs == 1 ? "" : "s");
    for (p = a->body; p && *p;) {
        const char *next = strstr(p, "\n\n");
        size_t n = next ? (size_t)(next - p) : strlen(p);
        char *para = fouine_strndup(p, n);
        if (!para) {
            fouine_article_clear(a);
            return FOUINE_ENOMEM;
        }
        lines(f, "  | ", para);
        fouine_free(para);
        p = next ? next + 2 : NULL;
        if (p && *p) {
            fputs("  |\n", f);
        }
    }
    fprintf(f, "%-13s%zu\n", "comments:", a->ncomments);
    for (i = 0; i < a->ncomments; i++) {
        fprintf(f, "  - %s\n",
                a->comments[i].date ? a->comments[i].date : "(no date)");
        lines(f, "    | ", a->comments[i].body);
    }
    fouine_article_clear(a);
    return 0;
}

/*
** A text that is not HTML must be neither empty nor binary, and becomes
** valid UTF-8 (a warning says where it was not).  *text and *len may move
** into *fixed, which the caller frees.  Returns FOUINE_OK, FOUINE_EINVAL
** (said) or FOUINE_ENOMEM.
*/
static FOUINE_WUR int check_doc(show *sh,
                                const char **text,
                                size_t *len,
                                char **fixed)
{
    size_t i, bad = 0, fixed_len = 0;
    int blank = 1;
    char what[96];
    *fixed = NULL;
    for (i = 0; i < *len; i++) {
        if ((*text)[i] == '\0') {
            skipped(sh, FOUINE_SKIP_BINARY, NULL);
            return FOUINE_EINVAL;
        }
        blank = blank && strchr(" \t\n\r\f\v", (*text)[i]) != NULL;
    }
    if (blank) {
        skipped(sh, FOUINE_SKIP_EMPTY, NULL);
        return FOUINE_EINVAL;
    }
    if (fouine_utf8_repair(fixed, &fixed_len, &bad, *text, *len) != FOUINE_OK) {
        return FOUINE_ENOMEM;
    }
    if (*fixed) {
        snprintf(what, sizeof what,
                 "invalid UTF-8 at byte offset %zu, replaced by U+FFFD", bad);
        say(sh, what, NULL);
        *text = *fixed;
        *len = fixed_len;
    }
    return FOUINE_OK;
}

/* Show one JSON document (a .json file or a .jsonl line). */
static FOUINE_WUR int show_json(show *sh, const char *text, size_t len)
{
    fouine_skip skip = FOUINE_SKIP_BAD_JSON;
    size_t nskipped = 0;
    char err[200], *fixed = NULL;
    int rc = check_doc(sh, &text, &len, &fixed);
    if (rc == FOUINE_OK) {
        rc = fouine_json_parse(&skip, &nskipped, err, sizeof err, text, len,
                               print_article, sh);
        if (nskipped > 0) {
            skipped(sh, skip, err);
        }
    }
    fouine_free(fixed);
    return rc == FOUINE_EINVAL ? FOUINE_OK : rc; /* said */
}

/* Show a .txt or .html file. */
static FOUINE_WUR int show_page(show *sh,
                                int kind,
                                const char *text,
                                size_t len)
{
    fouine_article a;
    fouine_html_info info;
    fouine_skip skip = FOUINE_SKIP_EMPTY;
    char *fixed = NULL, line[512];
    int rc;

    if (kind == FOUINE_FILE_HTML) {
        rc = fouine_html_parse(&a, &skip, &info, text, len);
        if (fouine_html_warnings(line, sizeof line, &info) > 0) {
            say(sh, line, NULL);
        }
        fouine_html_charset_text(line, sizeof line, &info);
        fprintf(sh->out, "%-13shtml, %s\n", "format:", line);
    } else {
        fprintf(sh->out, "%-13stext\n", "format:");
        rc = check_doc(sh, &text, &len, &fixed);
        if (rc != FOUINE_OK) {
            fouine_free(fixed);
            return rc == FOUINE_EINVAL ? FOUINE_OK : rc; /* said */
        }
        rc = fouine_article_parse(&a, &skip, text, len);
    }
    fouine_free(fixed);
    if (rc == FOUINE_EINVAL) {
        skipped(sh, skip, NULL);
        return FOUINE_OK;
    }
    if (rc != FOUINE_OK) {
        return rc;
    }
    a.id = fouine_strdup(sh->path);
    if (!a.id) {
        fouine_article_clear(&a);
        return FOUINE_ENOMEM;
    }
    return print_article(&a, sh);
}

/* Show the lines of a .jsonl file, one JSON document each; a line ends
** at LF, CRLF or a lone CR, as in a run. */
static FOUINE_WUR int show_lines(show *sh,
                                 const char *text,
                                 size_t len,
                                 size_t max_size)
{
    size_t pos = 0;
    int rc = FOUINE_OK;
    while (pos < len && rc == FOUINE_OK) {
        size_t end = pos, n, k;
        const char *s = text + pos;
        while (end < len && text[end] != '\n' && text[end] != '\r') {
            end++;
        }
        n = end - pos;
        sh->line++;
        pos = end +
              (end + 1 < len && text[end] == '\r' && text[end + 1] == '\n' ? 2 :
                                                                             1);
        for (k = 0; k < n && strchr(" \t\f\v", s[k]); k++) {
        }
        if (k == n) {
            continue; /* blank lines between articles are fine */
        }
        if (n > max_size) {
            skipped(sh, FOUINE_SKIP_TOO_LARGE, "over the size limit");
            continue;
        }
        rc = show_json(sh, s, n);
    }
    return rc;
}

int fouine_show(FILE *out, const char *path, size_t max_size)
{
    fouine_buf b = { NULL, 0, 0, 0 };
    struct stat st;
    show sh;
    int kind = fouine_file_kind(path), rc;

    memset(&sh, 0, sizeof sh);
    sh.out = out;
    sh.path = path;
    if (stat(path, &st) != 0) {
        skipped(&sh,
                errno == ENOENT ? FOUINE_SKIP_MISSING : FOUINE_SKIP_UNREADABLE,
                strerror(errno));
        return sh.status;
    }
    if (S_ISDIR(st.st_mode)) {
        say(&sh, "--show takes a file, not a directory", NULL);
        return 2;
    }
    if (kind != FOUINE_FILE_JSONL && (uint64_t)st.st_size > max_size) {
        skipped(&sh, FOUINE_SKIP_TOO_LARGE, "over the size limit");
        return sh.status;
    }
    rc = fouine_read_file(&b, path);
    if (rc == FOUINE_EIO) {
        skipped(&sh, FOUINE_SKIP_UNREADABLE, strerror(errno));
        fouine_free(b.data);
        return sh.status;
    }
    fprintf(out, "== %s\n", path);
    if (rc != FOUINE_OK) {
        /* out of memory */
    } else if (kind == FOUINE_FILE_JSONL) {
        rc = show_lines(&sh, b.data ? b.data : "", b.len, max_size);
    } else if (kind == FOUINE_FILE_JSON) {
        rc = show_json(&sh, b.data ? b.data : "", b.len);
    } else {
        rc = show_page(&sh, kind, b.data ? b.data : "", b.len);
    }
    fouine_free(b.data);
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
