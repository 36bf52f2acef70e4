/*
** query_corpus.c: building the indexes of the query benchmarks
** (see query_corpus.h).
*/
#include "query_corpus.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utf8proc.h>

double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

const char *bench_shared_dir(const char *arg)
{
    const char *env = getenv("FOUINE_SHARED_DIR");
    if (arg) {
        return arg;
    }
    if (env && *env) {
        return env;
    }
    return FOUINE_BENCH_SOURCE_DIR "/../shared";
}

static int word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') ||
           ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

const char *bench_next_word(const char **s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)*s, *start;
    while (*p && !word_byte(*p)) {
        p++;
    }
    start = p;
    while (*p && word_byte(*p)) {
        p++;
    }
    *s = (const char *)p;
    *len = (size_t)(p - start);
    return p > start ? (const char *)start : NULL;
}

char *bench_strip_accents(const char *s)
{
    utf8proc_uint8_t *out = NULL;
    char *res, *w;
    const char *p;
    if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                         UTF8PROC_STRIPMARK) < 0) {
        return strdup(s);
    }
    /* œ æ Œ Æ (2 bytes) become 2 letters: the length does not grow. */
    res = (char *)out;
    for (p = res, w = res; *p; p++) {
        unsigned char c0 = (unsigned char)p[0], c1 = (unsigned char)p[1];
        if (c0 == 0xC5 && (c1 == 0x93 || c1 == 0x92)) {
            *w++ = c1 == 0x93 ? 'o' : 'O';
            *w++ = c1 == 0x93 ? 'e' : 'E';
            p++;
        } else if (c0 == 0xC3 && (c1 == 0xA6 || c1 == 0x86)) {
            *w++ = c1 == 0xA6 ? 'a' : 'A';
            *w++ = c1 == 0xA6 ? 'e' : 'E';
            p++;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
    return res;
}

int bench_doc_parse(bench_doc *d, const char *line)
{
    json_t *j = json_loads(line, 0, NULL);
    memset(d, 0, sizeof *d);
    d->json = j;
    d->id = json_string_value(json_object_get(j, "id"));
    d->title = json_string_value(json_object_get(j, "title"));
    d->body = json_string_value(json_object_get(j, "body"));
    d->date = json_string_value(json_object_get(j, "date"));
    d->category = json_string_value(json_object_get(j, "section"));
    return d->id ? 0 : -1;
}

void bench_doc_clear(bench_doc *d)
{
    json_decref(d->json);
    memset(d, 0, sizeof *d);
}

/* Insert the documents of one JSON-lines file into the baseline index. */
static int load(sqlite3_stmt *bins, const char *path, long *count)
{
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;

    if (!f) {
        fprintf(stderr, "bench: %s: cannot read\n", path);
        return -1;
    }
    while (rc == 0 && getline(&line, &cap, f) > 0) {
        bench_doc doc;
        int bad = bench_doc_parse(&doc, line) != 0;
        const char *id = doc.id, *title = doc.title, *body = doc.body;
        if (bad || !title || !body) {
            bench_doc_clear(&doc);
            continue;
        }
        sqlite3_bind_text(bins, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(bins, 2, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(bins, 3, body, -1, SQLITE_STATIC);
        if (sqlite3_step(bins) != SQLITE_DONE) {
            fprintf(stderr, "bench: %s: %s\n", id,
                    sqlite3_errmsg(sqlite3_db_handle(bins)));
            rc = -1;
        }
        sqlite3_reset(bins);
        (*count)++;
        bench_doc_clear(&doc);
    }
    free(line); /* getline()'s: not ours */
    fclose(f);
    return rc;
}

int bench_open_indexes(fouine_index **fouine,
                       sqlite3 **base,
                       const char *shared,
                       const char *dir,
                       int piaf)
{
    char fpath[4096], bpath[4096], src[4096], cmd[16384];
    struct stat st;
    sqlite3_stmt *bins = NULL;
    int exists, rc = -1;
    long count = 0;
    double t0;

    *fouine = NULL;
    *base = NULL;
    snprintf(fpath, sizeof fpath, "%s/bench-%s-fouine.db", dir,
             piaf ? "piaf" : "news");
    snprintf(bpath, sizeof bpath, "%s/bench-%s-fts5.db", dir,
             piaf ? "piaf" : "news");
    exists = stat(fpath, &st) == 0 && stat(bpath, &st) == 0;
    if (!exists) {
        remove(fpath);
        remove(bpath);
    }
    if ((exists ? fouine_index_open(fouine, fpath, FOUINE_INDEX_READ) :
                  FOUINE_OK) != FOUINE_OK ||
        sqlite3_open(bpath, base) != SQLITE_OK) {
        fprintf(stderr, "bench: cannot open %s or %s\n", fpath, bpath);
        goto done;
    }
    if (exists) {
        rc = 0;
        goto done;
    }
    fprintf(stderr, "bench: indexing into %s and %s...\n", fpath, bpath);
    t0 = bench_now_ms();
    /* fouine's index is made by fouine-index, as a user makes it. */
    fouine_index_close(*fouine);
    *fouine = NULL;
    remove(fpath);
    snprintf(
        cmd, sizeof cmd,
        "'%s/fouine-index' -q -o '%s' '%s/corpus/orangesum-2016-2019.jsonl'"
        "%s%s%s",
        FOUINE_BENCH_BINARY_DIR, fpath, shared, piaf ? " '" : "",
        piaf ? shared : "", piaf ? "/eval/piaf-dev/paragraphs.jsonl'" : "");
    if (system(cmd) != 0 ||
        fouine_index_open(fouine, fpath, FOUINE_INDEX_READ) != FOUINE_OK) {
        fprintf(stderr, "bench: %s failed\n", cmd);
        goto done;
    }
    if (sqlite3_exec(*base,
                     "CREATE VIRTUAL TABLE doc USING fts5(id UNINDEXED, title,"
                     " body, tokenize='unicode61 remove_diacritics 2')",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(*base,
                           "INSERT INTO doc(id, title, body) VALUES (?1, ?2,"
                           " ?3)",
                           -1, &bins, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench: schema: %s\n", sqlite3_errmsg(*base));
        goto done;
    }
    sqlite3_exec(*base, "BEGIN", NULL, NULL, NULL);
    snprintf(src, sizeof src, "%s/corpus/orangesum-2016-2019.jsonl", shared);
    if (load(bins, src, &count) != 0) {
        goto done;
    }
    if (piaf) {
        snprintf(src, sizeof src, "%s/eval/piaf-dev/paragraphs.jsonl", shared);
        if (load(bins, src, &count) != 0) {
            goto done;
        }
    }
    if (sqlite3_exec(*base, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        goto done;
    }
    sqlite3_exec(*base, "INSERT INTO doc(doc) VALUES ('optimize')", NULL, NULL,
                 NULL);
    fprintf(stderr, "bench: %ld documents indexed in %.1f s\n", count,
            (bench_now_ms() - t0) / 1000);
    rc = 0;
done:
    sqlite3_finalize(bins);
    if (rc != 0) {
        fouine_index_close(*fouine);
        sqlite3_close(*base);
        *fouine = NULL;
        *base = NULL;
        remove(fpath);
        remove(bpath);
    }
    return rc;
}
