/*
** extract.c: fouine_extract() (fouine/index.h), what one article file
** gives, read with the parsers of a run and the same checks (size limit,
** empty, binary, UTF-8 repaired, JSON that does not parse), said to a
** callback in the order of the file.  `fouine-index --show` prints it.
*/
#include "html.h"
#include "indexer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fouine/alloc.h"
#include "fouine/buf.h"

/* State of one extraction. */
typedef struct extract {
    fouine_extract_cb cb; /* the caller's */
    void *payload;        /* passed to cb */
    const char *path;     /* the file */
    long line;            /* the JSON line being read, 0 for a whole file */
    int stop;             /* what cb returned, when not 0 */
} extract;

/* Tell cb about ev (its line set here); FOUINE_ESTOP when cb stops. */
static FOUINE_WUR int tell(extract *x, fouine_extract_event *ev)
{
    int rc;
    ev->line = x->line;
    rc = x->cb(ev, x->payload);
    if (rc != 0) {
        x->stop = rc;
        return FOUINE_ESTOP;
    }
    return FOUINE_OK;
}

/* Tell cb about something of a kind that carries a text only. */
static FOUINE_WUR int tell_text(extract *x,
                                fouine_extract_kind kind,
                                const char *text)
{
    fouine_extract_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.text = text;
    return tell(x, &ev);
}

static FOUINE_WUR int warn(extract *x, const char *text)
{
    return tell_text(x, FOUINE_EXTRACT_WARNING, text);
}

static FOUINE_WUR int skip(extract *x, fouine_skip reason, const char *detail)
{
    fouine_extract_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = FOUINE_EXTRACT_SKIP;
    ev.skip = reason;
    ev.text = detail;
    return tell(x, &ev);
}

/* Tell cb about an article (fouine_article_cb: takes it). */
static int article(fouine_article *a, void *payload)
{
    extract *x = payload;
    fouine_extract_event ev;
    int rc;
    memset(&ev, 0, sizeof ev);
    ev.kind = FOUINE_EXTRACT_ARTICLE;
    ev.article = a;
    rc = tell(x, &ev);
    fouine_article_clear(a);
    return rc;
}

/*
** A text that is not HTML must be neither empty nor binary, and becomes
** valid UTF-8 (fouine_text_check(); a warning says where it was not).
** *text and *len may move into *fixed, which the caller frees.  Returns
** FOUINE_OK, FOUINE_EINVAL (said: skipped), FOUINE_ESTOP or FOUINE_ENOMEM.
*/
static FOUINE_WUR int check_doc(extract *x,
                                const char **text,
                                size_t *len,
                                char **fixed)
{
    fouine_skip why = FOUINE_SKIP_EMPTY;
    size_t bad = 0;
    char what[96];
    int rc = fouine_text_check(text, len, fixed, &bad, &why);
    if (rc == FOUINE_EINVAL) {
        rc = skip(x, why, NULL);
        return rc == FOUINE_OK ? FOUINE_EINVAL : rc;
    }
    if (rc == FOUINE_OK && *fixed) {
        snprintf(what, sizeof what,
                 "invalid UTF-8 at byte offset %zu, replaced by U+FFFD", bad);
        rc = warn(x, what);
    }
    return rc;
}

/* One JSON document (a .json file or a .jsonl line). */
static FOUINE_WUR int extract_json(extract *x, const char *text, size_t len)
{
    fouine_skip why = FOUINE_SKIP_BAD_JSON;
    size_t nskipped = 0;
    char err[200], *fixed = NULL;
    int rc = check_doc(x, &text, &len, &fixed);
    if (rc == FOUINE_OK) {
        rc = fouine_json_parse(&why, &nskipped, err, sizeof err, text, len,
                               article, x);
        if (nskipped > 0 && (rc == FOUINE_OK || rc == FOUINE_EINVAL)) {
            rc = skip(x, why, err);
        }
    }
    fouine_free(fixed);
    return rc == FOUINE_EINVAL ? FOUINE_OK : rc; /* said */
}

/* Tell cb the file was read, in format. */
static FOUINE_WUR int file_read(extract *x, const char *format)
{
    return tell_text(x, FOUINE_EXTRACT_FILE, format);
}

/* A .txt or .html file: one article. */
static FOUINE_WUR int extract_page(extract *x,
                                   int kind,
                                   const char *text,
                                   size_t len)
{
    fouine_article a;
    fouine_html_info info;
    fouine_skip why = FOUINE_SKIP_EMPTY;
    char *fixed = NULL, line[512], format[600];
    int rc;

    memset(&a, 0, sizeof a);
    if (kind == FOUINE_FILE_HTML) {
        rc = fouine_html_parse(&a, &why, &info, text, len);
        fouine_html_charset_text(line, sizeof line, &info);
        snprintf(format, sizeof format, "html, %s", line);
        if (file_read(x, format) != FOUINE_OK) {
            fouine_article_clear(&a);
            return FOUINE_ESTOP;
        }
        if (fouine_html_warnings(line, sizeof line, &info) > 0 &&
            warn(x, line) != FOUINE_OK) {
            fouine_article_clear(&a);
            return FOUINE_ESTOP;
        }
    } else {
        rc = file_read(x, "text");
        if (rc == FOUINE_OK) {
            rc = check_doc(x, &text, &len, &fixed);
        }
        if (rc != FOUINE_OK) {
            fouine_free(fixed);
            return rc == FOUINE_EINVAL ? FOUINE_OK : rc; /* said */
        }
        rc = fouine_article_parse(&a, &why, text, len);
    }
    fouine_free(fixed);
    if (rc == FOUINE_EINVAL) {
        return skip(x, why, NULL);
    }
    if (rc != FOUINE_OK) {
        return rc;
    }
    a.id = fouine_strdup(x->path);
    if (!a.id) {
        fouine_article_clear(&a);
        return FOUINE_ENOMEM;
    }
    return article(&a, x);
}

/* The lines of a .jsonl file, one JSON document each; a line ends at LF,
** CRLF or a lone CR, as in a run. */
static FOUINE_WUR int extract_lines(extract *x,
                                    const char *text,
                                    size_t len,
                                    size_t max_size)
{
    size_t pos = 0;
    int rc = file_read(x, "jsonl");
    while (pos < len && rc == FOUINE_OK) {
        size_t end = pos, n, k;
        const char *s = text + pos;
        while (end < len && text[end] != '\n' && text[end] != '\r') {
            end++;
        }
        n = end - pos;
        x->line++;
        pos = end +
              (end + 1 < len && text[end] == '\r' && text[end + 1] == '\n' ? 2 :
                                                                             1);
        for (k = 0; k < n && strchr(" \t\f\v", s[k]); k++) {
        }
        if (k == n) {
            continue; /* blank lines between articles are fine */
        }
        if (n > max_size) {
            rc = skip(x, FOUINE_SKIP_TOO_LARGE, "over the size limit");
            continue;
        }
        rc = extract_json(x, s, n);
    }
    x->line = 0;
    return rc;
}

int fouine_extract(const char *path,
                   size_t max_size,
                   fouine_extract_cb cb,
                   void *payload)
{
    fouine_buf b = { NULL, 0, 0, 0 };
    struct stat st;
    extract x;
    int kind, rc;

    memset(&x, 0, sizeof x);
    x.cb = cb;
    x.payload = payload;
    x.path = path;
    if (!path || !cb) {
        return FOUINE_EINVAL;
    }
    if (max_size == 0) {
        max_size = FOUINE_RUN_MAX_SIZE;
    }
    kind = fouine_file_kind(path);
    if (stat(path, &st) != 0) {
        rc = skip(
            &x, errno == ENOENT ? FOUINE_SKIP_MISSING : FOUINE_SKIP_UNREADABLE,
            strerror(errno));
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        return FOUINE_EINVAL;
    }
    if (kind != FOUINE_FILE_JSONL && (uint64_t)st.st_size > max_size) {
        rc = skip(&x, FOUINE_SKIP_TOO_LARGE, "over the size limit");
        goto done;
    }
    rc = fouine_read_file(&b, path);
    if (rc == FOUINE_EIO) {
        rc = skip(&x, FOUINE_SKIP_UNREADABLE, strerror(errno));
    } else if (rc != FOUINE_OK) {
        /* out of memory */
    } else if (kind == FOUINE_FILE_JSONL) {
        rc = extract_lines(&x, b.data ? b.data : "", b.len, max_size);
    } else if (kind == FOUINE_FILE_JSON) {
        rc = file_read(&x, "json");
        if (rc == FOUINE_OK) {
            rc = extract_json(&x, b.data ? b.data : "", b.len);
        }
    } else {
        rc = extract_page(&x, kind, b.data ? b.data : "", b.len);
    }
done:
    fouine_free(b.data);
    return rc == FOUINE_ESTOP ? x.stop : rc;
}
