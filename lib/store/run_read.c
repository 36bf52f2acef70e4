/*
** run_read.c: the reader thread of an indexing run (see run.c): it looks
** each input up in the index, reads and parses what changed, and queues
** messages for the writer.
*/
#include "html.h"
#include "indexer.h"
#include "run_int.h"

#include "fouine/alloc.h"
#include "fouine/buf.h"
#include "fouine/fts5.h"

#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
** Reader side.
*/

/* The reader's analyzer's watch: a word for the lexicon, kept with the
** message being analyzed.  Out of memory, the analysis fails and the
** writer analyzes the article itself, its words then reaching the
** writer's sink. */
static int msg_word(const fouine_word *word, void *payload)
{
    msg *m = payload;
    if (!m->words && fouine_lexsink_new(&m->words) != FOUINE_OK) {
        return FOUINE_ENOMEM;
    }
    return fouine_lexsink_add(m->words, word);
}

/* Payload of the article callbacks. */
typedef struct reading {
    run *r;
    size_t file; /* index of the file being read */
    long count;  /* articles queued for it */
    int known;   /* it has a source row in the index */
    int stopped; /* fouine_run_push() said the writer stops, or no memory */
    long lineno; /* the line being read of a .jsonl file, else 0 */
} reading;

/* Say and count the notes of an article (fouine_article.notes): "file:
** note", "file.jsonl:LINE: article 'ID': note". */
static void say_notes(const reading *rd, const fouine_article *a)
{
    const fouine_input *f = &rd->r->in.files[rd->file];
    const char *p = a->notes.data, *nl;
    char where[32] = "";
    if (!a->notes.len) {
        return;
    }
    if (rd->lineno > 0) {
        snprintf(where, sizeof where, ":%ld", rd->lineno);
    }
    for (; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (!nl) {
            break;
        }
        fouine_run_count_warning(rd->r);
        fouine_run_say(rd->r, 1, "%s%s: %s%s%s%.*s", f->path, where,
                       f->kind == FOUINE_FILE_TEXT ? "" : "article '",
                       f->kind == FOUINE_FILE_TEXT ? "" : a->id,
                       f->kind == FOUINE_FILE_TEXT ? "" : "': ", (int)(nl - p),
                       p);
    }
}

/* Queue an article (fouine_article_cb). */
static int push_article(fouine_article *a, void *payload)
{
    reading *rd = payload;
    msg *m = NULL;
    size_t i;
    say_notes(rd, a);
    m = fouine_calloc(1, sizeof *m);
    if (!m) {
        fouine_article_clear(a);
        rd->stopped = 1;
        return FOUINE_ENOMEM;
    }
    m->type = MSG_ARTICLE;
    m->file = rd->file;
    m->known = rd->known;
    m->lineno = rd->lineno;
    m->a = *a;
    memset(a, 0, sizeof *a);
    m->hash = fouine_article_hash(&m->a);
    m->bytes = 256 + fouine_run_slen(m->a.title) + fouine_run_slen(m->a.lead) +
               fouine_run_slen(m->a.body);
    for (i = 0; i < m->a.ncomments; i++) {
        m->bytes += fouine_run_slen(m->a.comments[i].body) + 64;
    }
    if (rd->r->an) {
        const char *texts[3] = { m->a.title, m->a.lead, m->a.body };
        /* The words the analyzer reads first go with the article, for the
        ** lexicon, whatever the writer does with it. */
        fouine_analyzer_watch(rd->r->an, msg_word, m);
        for (i = 0; i < 3; i++) {
            if (fouine_pretok_analyze(&m->tok[i], rd->r->an, texts[i],
                                      fouine_run_slen(texts[i])) != FOUINE_OK) {
                break; /* out of memory: the writer analyzes this one */
            }
            m->bytes += m->tok[i].len;
        }
        fouine_analyzer_watch(rd->r->an, NULL, NULL);
        if (i == 3 && !fouine_near_disabled()) {
            /* Here, not in the writer: the reader threads share the cost. */
            fouine_near_sign_tokens(&m->sig, m->tok, 3);
        }
    }
    rd->count++;
    if (fouine_run_push(rd->r, m)) {
        rd->stopped = 1;
        return FOUINE_ESTOP;
    }
    return 0;
}

/* Count a warning and say it (reader side). */
static void warn_utf8(run *r, const char *path, long lineno, size_t offset)
{
    fouine_run_count_warning(r);
    if (lineno > 0) {
        fouine_run_say(
            r, 1,
            "%s:%ld: invalid UTF-8 at byte %zu of the line, replaced by "
            "U+FFFD",
            path, lineno, offset);
    } else {
        fouine_run_say(
            r, 1, "%s: invalid UTF-8 at byte offset %zu, replaced by U+FFFD",
            path, offset);
    }
}

/*
** Check the bytes of one article text (fouine_text_check()), saying where
** invalid UTF-8 was repaired.  On success *text and *len may point into
** *fixed, a new buffer the caller frees.  Returns FOUINE_OK, FOUINE_EINVAL
** with *skip, or FOUINE_ENOMEM.
*/
static FOUINE_WUR int check_text(run *r,
                                 const fouine_input *f,
                                 long lineno,
                                 const char **text,
                                 size_t *len,
                                 char **fixed,
                                 fouine_skip *skip)
{
    size_t bad = 0;
    int rc = fouine_text_check(text, len, fixed, &bad, skip);
    if (rc == FOUINE_OK && *fixed) {
        warn_utf8(r, f->path, lineno, bad);
    }
    return rc;
}

/* Say why a file, or a line of it, is skipped. */
static void say_skip(run *r,
                     const fouine_input *f,
                     long lineno,
                     fouine_skip reason,
                     const char *detail)
{
    const char *sep = detail && *detail ? ": " : "";
    if (lineno > 0) {
        fouine_run_say(r, 1, "%s:%ld: skipped: %s%s%s", f->path, lineno,
                       fouine_skip_name(reason), sep, detail ? detail : "");
    } else {
        fouine_run_say(r, 1, "%s: skipped: %s%s%s", f->path,
                       fouine_skip_name(reason), sep, detail ? detail : "");
    }
}

/* Read a whole file (at most max bytes) into a new buffer.  Returns
** FOUINE_OK, FOUINE_EINVAL (too large) or FOUINE_EIO (errno set). */
static FOUINE_WUR int slurp(const char *path,
                            size_t max,
                            char **out,
                            size_t *len)
{
    char *buf = NULL;
    struct stat st;
    size_t got = 0;
    ssize_t n;
    int fd = -1, rc = FOUINE_EIO;

    *out = NULL;
    *len = 0;
    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        goto done;
    }
    if ((uint64_t)st.st_size > (uint64_t)max) {
        rc = FOUINE_EINVAL;
        goto done;
    }
    buf = fouine_malloc((size_t)st.st_size + 1);
    if (!buf) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    while (got < (size_t)st.st_size) {
        n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            goto done;
        }
        if (n == 0) {
            break; /* the file shrank */
        }
        got += (size_t)n;
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    buf = NULL;
    rc = FOUINE_OK;
done:
    fouine_free(buf);
    if (fd >= 0) {
        close(fd);
    }
    return rc;
}

/* Hash a whole file by reading it in chunks.  Returns FOUINE_OK,
** FOUINE_EIO (errno set) or FOUINE_ENOMEM. */
static FOUINE_WUR int hash_file(const char *path, uint64_t *hash)
{
    char *buf = NULL;
    FILE *f = NULL;
    size_t n;
    int rc = FOUINE_EIO;
    *hash = FOUINE_HASH_INIT;
    buf = fouine_malloc(READ_CHUNK);
    f = fopen(path, "rb");
    if (!buf || !f) {
        rc = buf ? FOUINE_EIO : FOUINE_ENOMEM;
        goto done;
    }
    while ((n = fread(buf, 1, READ_CHUNK, f)) > 0) {
        *hash = fouine_hash64(*hash, buf, n);
    }
    if (!ferror(f)) {
        rc = FOUINE_OK;
    }
done:
    if (f) {
        fclose(f);
    }
    fouine_free(buf);
    return rc;
}

/* Parse an HTML page, saying its warnings (its reader decodes its
** charset itself). */
static FOUINE_WUR int parse_html(run *r,
                                 const fouine_input *f,
                                 fouine_article *a,
                                 fouine_skip *skip,
                                 const char *text,
                                 size_t len)
{
    fouine_html_info info;
    char warning[512];
    int rc = fouine_html_parse(a, skip, &info, text, len);
    int n = fouine_html_warnings(warning, sizeof warning, &info);
    if (n > 0) {
        pthread_mutex_lock(&r->lock);
        r->st->warnings += n;
        pthread_mutex_unlock(&r->lock);
        fouine_run_say(r, 1, "%s: %s", f->path, warning);
    }
    return rc;
}

/*
** Read a .txt, .json or .html file and queue its articles and its end.
** Returns 0, 1 when the writer stops, -1 on lack of memory.
*/
static FOUINE_WUR int read_whole(run *r,
                                 size_t i,
                                 int known,
                                 uint64_t old_hash,
                                 long old_articles)
{
    const fouine_input *f = &r->in.files[i];
    reading rd = { r, i, 0, known, 0, 0 };
    fouine_article a;
    fouine_skip skip = FOUINE_SKIP_UNREADABLE;
    char *buf = NULL, *fixed = NULL;
    const char *text;
    char err[200];
    size_t len = 0, nskipped = 0;
    uint64_t hash;
    int rc, out = 0;

    rc = slurp(f->path, r->opt->max_size, &buf, &len);
    if (rc == FOUINE_ENOMEM) {
        out = -1;
        goto done;
    }
    if (rc != FOUINE_OK) {
        skip = rc == FOUINE_EINVAL ? FOUINE_SKIP_TOO_LARGE :
                                     FOUINE_SKIP_UNREADABLE;
        say_skip(r, f, 0, skip,
                 rc == FOUINE_EINVAL ? "over the size limit" : strerror(errno));
        out = fouine_run_push_skip(
            r, i, skip, 1, rc == FOUINE_EINVAL ? SKIP_DROP : SKIP_KEEP, known);
        goto done;
    }
    hash = fouine_hash64(FOUINE_HASH_INIT, buf, len);
    if (known && hash == old_hash) {
        out = fouine_run_push_simple(r, MSG_TOUCHED, i, hash, old_articles, 1);
        goto done;
    }
    text = buf;
    rc = f->kind == FOUINE_FILE_HTML ?
             FOUINE_OK :
             check_text(r, f, 0, &text, &len, &fixed, &skip);
    if (rc == FOUINE_ENOMEM) {
        out = -1;
        goto done;
    }
    if (rc != FOUINE_OK) {
        say_skip(r, f, 0, skip, NULL);
        out = fouine_run_push_skip(r, i, skip, 1, SKIP_DROP, known);
        goto done;
    }
    if (f->kind == FOUINE_FILE_JSON) {
        rc = fouine_json_parse(&skip, &nskipped, err, sizeof err, text, len,
                               push_article, &rd);
        if (rd.stopped) {
            out = rc == FOUINE_ENOMEM ? -1 : 1;
            goto done;
        }
        if (rc == FOUINE_ENOMEM) {
            out = -1;
            goto done;
        }
        if (nskipped > 0) {
            say_skip(r, f, 0, skip, err);
        }
        if (rc != FOUINE_OK) {
            out = fouine_run_push_skip(r, i, skip, (long)nskipped, SKIP_DROP,
                                       known);
            goto done;
        }
        if (nskipped > 0) {
            out = fouine_run_push_skip(r, i, skip, (long)nskipped, SKIP_PART,
                                       known);
            if (out) {
                goto done;
            }
        }
    } else {
        rc = f->kind == FOUINE_FILE_HTML ?
                 parse_html(r, f, &a, &skip, text, len) :
                 fouine_article_parse(&a, &skip, text, len);
        if (rc == FOUINE_ENOMEM) {
            out = -1;
            goto done;
        }
        if (rc != FOUINE_OK) {
            say_skip(r, f, 0, skip, NULL);
            out = fouine_run_push_skip(r, i, skip, 1, SKIP_DROP, known);
            goto done;
        }
        a.id = fouine_strdup(f->rel);
        if (!a.id) {
            fouine_article_clear(&a);
            out = -1;
            goto done;
        }
        rc = push_article(&a, &rd);
        if (rd.stopped) {
            /* Out of memory must not end the run as if it were complete:
            ** the files not read yet would count as removed. */
            out = rc == FOUINE_ENOMEM ? -1 : 1;
            goto done;
        }
    }
    out = fouine_run_push_simple(r, MSG_END, i, hash, rd.count, known);
done:
    fouine_free(fixed);
    fouine_free(buf);
    return out;
}

/* Note bytes read, for the progress line. */
static void add_done(run *r, int64_t n)
{
    pthread_mutex_lock(&r->lock);
    r->bytes_done += n;
    pthread_mutex_unlock(&r->lock);
}

/* Lines of a file, each kept up to a limit (longer ones are only
** measured), so that one huge line never takes the memory it would. */
typedef struct line_reader {
    FILE *f;         /* not owned */
    char *block;     /* READ_CHUNK bytes read ahead; owned */
    size_t pos;      /* next byte of block */
    size_t end;      /* bytes in block */
    fouine_buf line; /* the current line, without its end; owned */
    size_t max;      /* longest line kept */
    int too_long;    /* the current line is longer than max (not kept) */
    int after_cr;    /* the last line ended with "\r" at the end of block:
                        a "\n" next belongs to it */
} line_reader;

/* Append n bytes to the current line, unless it is already too long. */
static FOUINE_WUR int keep(line_reader *lr, const char *p, size_t n)
{
    if (lr->too_long) {
        return FOUINE_OK;
    }
    if (lr->line.len + n > lr->max) {
        lr->too_long = 1;
        lr->line.len = 0;
        return FOUINE_OK;
    }
    fouine_buf_append(&lr->line, p, n);
    return lr->line.failed ? FOUINE_ENOMEM : FOUINE_OK;
}

/*
** Read the next line, ended by "\n", "\r\n" or "\r": *raw gets the bytes
** it took in the file (0 at the end), which are also added to *hash.
** Returns FOUINE_OK, FOUINE_EIO or FOUINE_ENOMEM.
*/
static FOUINE_WUR int next_line(line_reader *lr, uint64_t *hash, size_t *raw)
{
    const char *p, *q, *end;
    size_t n;
    *raw = 0;
    lr->line.len = 0;
    lr->too_long = 0;
    for (;;) {
        if (lr->pos == lr->end) {
            lr->pos = 0;
            lr->end = fread(lr->block, 1, READ_CHUNK, lr->f);
            if (lr->end == 0) {
                return ferror(lr->f) ? FOUINE_EIO : FOUINE_OK;
            }
        }
        p = lr->block + lr->pos;
        end = lr->block + lr->end;
        if (lr->after_cr) {
            /* The "\n" of a "\r\n" cut by the block ends nothing. */
            lr->after_cr = 0;
            if (*p == '\n') {
                *hash = fouine_hash64(*hash, p, 1);
                lr->pos++;
                continue;
            }
        }
        for (q = p; q < end && *q != '\n' && *q != '\r'; q++) {
        }
        n = (size_t)(q - p);
        if (keep(lr, p, n) != FOUINE_OK) {
            return FOUINE_ENOMEM;
        }
        if (q < end) {
            n++;
            if (*q == '\r' && q + 1 < end && q[1] == '\n') {
                n++;
            } else if (*q == '\r' && q + 1 == end) {
                lr->after_cr = 1;
            }
        }
        *hash = fouine_hash64(*hash, p, n);
        *raw += n;
        lr->pos += n;
        if (q < end) {
            return FOUINE_OK;
        }
    }
}

/*
** Read a .jsonl file line by line and queue its articles and its end.
** Returns 0, 1 when the writer stops, -1 on lack of memory.
*/
static FOUINE_WUR int read_lines(run *r,
                                 size_t i,
                                 int known,
                                 uint64_t old_hash,
                                 long old_articles)
{
    const fouine_input *f = &r->in.files[i];
    reading rd = { r, i, 0, known, 0, 0 };
    fouine_skip skip = FOUINE_SKIP_UNREADABLE;
    line_reader lr;
    char *fixed = NULL;
    const char *text;
    char err[200];
    size_t len, nskipped, raw = 0;
    uint64_t hash = FOUINE_HASH_INIT;
    long lineno = 0;
    int rc, out = 0;

    memset(&lr, 0, sizeof lr);
    lr.max = r->opt->max_size;

    if (known) {
        rc = hash_file(f->path, &hash);
        if (rc == FOUINE_ENOMEM) {
            out = -1;
            goto done;
        }
        if (rc != FOUINE_OK) {
            say_skip(r, f, 0, FOUINE_SKIP_UNREADABLE, strerror(errno));
            out = fouine_run_push_skip(r, i, FOUINE_SKIP_UNREADABLE, 1,
                                       SKIP_KEEP, known);
            goto done;
        }
        if (hash == old_hash) {
            out = fouine_run_push_simple(r, MSG_TOUCHED, i, hash, old_articles,
                                         1);
            goto done;
        }
        hash = FOUINE_HASH_INIT;
    }
    lr.block = fouine_malloc(READ_CHUNK);
    if (!lr.block) {
        out = -1;
        goto done;
    }
    lr.f = fopen(f->path, "rb");
    if (!lr.f) {
        say_skip(r, f, 0, FOUINE_SKIP_UNREADABLE, strerror(errno));
        out = fouine_run_push_skip(r, i, FOUINE_SKIP_UNREADABLE, 1, SKIP_KEEP,
                                   known);
        goto done;
    }
    while ((rc = next_line(&lr, &hash, &raw)) == FOUINE_OK && raw > 0) {
        lineno++;
        add_done(r, (int64_t)raw);
        len = lr.line.len;
        if (!lr.too_long && fouine_text_blank(lr.line.data, len)) {
            continue; /* blank lines between articles are fine */
        }
        if (lr.too_long) {
            say_skip(r, f, lineno, FOUINE_SKIP_TOO_LARGE,
                     "over the size limit");
            out = fouine_run_push_skip(r, i, FOUINE_SKIP_TOO_LARGE, 1,
                                       SKIP_PART, known);
            if (out) {
                goto done;
            }
            continue;
        }
        text = lr.line.data;
        rc = check_text(r, f, lineno, &text, &len, &fixed, &skip);
        if (rc == FOUINE_OK) {
            rd.lineno = lineno;
            rc = fouine_json_parse(&skip, &nskipped, err, sizeof err, text, len,
                                   push_article, &rd);
            if (rd.stopped) {
                out = rc == FOUINE_ENOMEM ? -1 : 1;
                goto done;
            }
        } else {
            nskipped = 1;
            err[0] = '\0';
        }
        fouine_free(fixed);
        fixed = NULL;
        if (rc == FOUINE_ENOMEM) {
            out = -1;
            goto done;
        }
        if (nskipped > 0) {
            say_skip(r, f, lineno, skip, err);
            out = fouine_run_push_skip(r, i, skip, (long)nskipped, SKIP_PART,
                                       known);
            if (out) {
                goto done;
            }
        }
    }
    if (rc == FOUINE_ENOMEM) {
        out = -1;
        goto done;
    }
    if (rc != FOUINE_OK) {
        say_skip(r, f, 0, FOUINE_SKIP_UNREADABLE, strerror(errno));
        out = fouine_run_push_skip(r, i, FOUINE_SKIP_UNREADABLE, 1, SKIP_KEEP,
                                   known);
        goto done;
    }
    out = fouine_run_push_simple(r, MSG_END, i, hash, rd.count, known);
done:
    fouine_free(fixed);
    fouine_free(lr.line.data);
    fouine_free(lr.block);
    if (lr.f) {
        fclose(lr.f);
    }
    return out;
}

/*
** Look a file up in the index: whether it is known, and its row.  When the
** lookup cannot tell (no statement, or an SQLite error), the file counts
** as known with nothing else known: it is read again, and the articles it
** gave before and no longer gives still go.  Only a rebuild, whose index
** starts empty, knows every file is new.
*/
static int lookup(run *r,
                  const fouine_input *f,
                  int64_t *size,
                  int64_t *mtime,
                  uint64_t *hash,
                  long *articles)
{
    sqlite3_stmt *s = r->lookup;
    const char *h;
    int known = 0, step;
    *size = -1;
    *mtime = -1;
    *hash = 0;
    *articles = 0;
    if (!s) {
        return !r->opt->rebuild;
    }
    sqlite3_bind_text(s, 1, f->key, -1, SQLITE_STATIC);
    step = sqlite3_step(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        known = 1; /* unsure */
    } else if (step == SQLITE_ROW) {
        known = 1;
        *size = sqlite3_column_int64(s, 0);
        *mtime = sqlite3_column_int64(s, 1);
        h = (const char *)sqlite3_column_text(s, 2);
        *hash = h ? strtoull(h, NULL, 16) : 0;
        *articles = (long)sqlite3_column_int64(s, 3);
    }
    sqlite3_reset(s);
    return known;
}

void *fouine_run_reader_main(void *arg)
{
    run *r = arg;
    size_t i;
    int out = 0;

    for (i = 0; i < r->in.nfiles && out == 0; i++) {
        const fouine_input *f = &r->in.files[i];
        int64_t size, mtime;
        uint64_t hash;
        long articles;
        int known = lookup(r, f, &size, &mtime, &hash, &articles);
        if (known && size == f->size && mtime == f->mtime) {
            out =
                fouine_run_push_simple(r, MSG_UNCHANGED, i, hash, articles, 1);
            add_done(r, f->size);
            continue;
        }
        if (f->kind == FOUINE_FILE_JSONL) {
            out = read_lines(r, i, known, hash, articles);
        } else {
            out = read_whole(r, i, known, hash, articles);
            add_done(r, f->size);
        }
    }
    pthread_mutex_lock(&r->lock);
    r->st->reader_cpu = fouine_run_thread_cpu();
    r->reader_done = 1;
    if (out < 0) {
        r->reader_rc = FOUINE_ENOMEM;
    }
    pthread_cond_signal(&r->more);
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

void fouine_run_open_reader(run *r)
{
    if (fouine_store_open(&r->rdb, r->opt->index, FOUINE_STORE_READ) !=
            FOUINE_OK ||
        sqlite3_prepare_v2(r->rdb,
                           "SELECT size, mtime, hash, articles FROM source"
                           " WHERE path = ?1",
                           -1, &r->lookup, NULL) != SQLITE_OK) {
        sqlite3_finalize(r->lookup);
        r->lookup = NULL;
    }
}
