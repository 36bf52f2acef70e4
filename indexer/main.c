/*
** main.c: fouine-index, the command that indexes articles.
**
**     fouine-index [-o INDEX] PATH...
*/
#include "indexer.h"

#include "fouine/store.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILE_SIZE (16u << 20) /* larger files are skipped */

/* State of one run. */
typedef struct run {
    sqlite3 *db;         /* the index; owned */
    sqlite3_stmt *upsert; /* insert or update an article; owned */
    long indexed;        /* articles written */
    long skipped;        /* files skipped */
} run;

static void usage(FILE *f)
{
    fputs("Usage: fouine-index [-o INDEX] PATH...\n"
          "Index French news articles (.txt files, searched recursively in\n"
          "directories) into a SQLite FTS5 index.\n"
          "\n"
          "  -o, --output INDEX  the index file (default: fouine.db)\n"
          "  -h, --help          show this help\n",
          f);
}

/* Read a whole file into a new buffer; *len gets its size. */
static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = NULL;
    char *buf = NULL;
    struct stat st;
    int rc = FOUINE_EIO;

    *out = NULL;
    *len = 0;
    f = fopen(path, "rb");
    if (!f || fstat(fileno(f), &st) != 0) {
        goto done;
    }
    if ((size_t)st.st_size > MAX_FILE_SIZE) {
        rc = FOUINE_EINVAL;
        goto done;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    *len = fread(buf, 1, (size_t)st.st_size, f);
    if (ferror(f)) {
        goto done;
    }
    buf[*len] = '\0';
    *out = buf;
    buf = NULL;
    rc = FOUINE_OK;
done:
    free(buf);
    if (f) {
        fclose(f);
    }
    return rc;
}

static void bind_text(sqlite3_stmt *stmt, int col, const char *s)
{
    if (s) {
        sqlite3_bind_text(stmt, col, s, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(stmt, col);
    }
}

/* Index one article file; id is its path relative to the directory given. */
static void index_file(run *r, const char *path, const char *id)
{
    char *text = NULL;
    size_t len = 0;
    fouine_article a = { 0 };
    int rc;

    rc = read_file(path, &text, &len);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-index: %s: skipped: %s\n", path,
                rc == FOUINE_EINVAL ? "file too large" : strerror(errno));
        r->skipped++;
        goto done;
    }
    rc = fouine_article_parse(&a, text, len);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-index: %s: skipped: %s\n", path,
                rc == FOUINE_EINVAL ? "no title" : fouine_errmsg(rc));
        r->skipped++;
        goto done;
    }
    sqlite3_reset(r->upsert);
    bind_text(r->upsert, 1, id);
    bind_text(r->upsert, 2, path);
    bind_text(r->upsert, 3, a.title);
    bind_text(r->upsert, 4, a.lead);
    bind_text(r->upsert, 5, a.body);
    bind_text(r->upsert, 6, a.date);
    if (sqlite3_step(r->upsert) != SQLITE_DONE) {
        fprintf(stderr, "fouine-index: %s: skipped: %s\n", path,
                sqlite3_errmsg(r->db));
        r->skipped++;
        goto done;
    }
    r->indexed++;
done:
    sqlite3_reset(r->upsert);
    fouine_article_clear(&a);
    free(text);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Index path; root_len is the length of the directory prefix to strip from
** ids.  Symbolic links to directories are not followed. */
static void index_path(run *r, const char *path, size_t root_len, int top)
{
    struct stat st;
    DIR *dir = NULL;
    struct dirent *de;
    char *child = NULL;

    if ((top ? stat(path, &st) : lstat(path, &st)) != 0) {
        fprintf(stderr, "fouine-index: %s: %s\n", path, strerror(errno));
        r->skipped++;
        return;
    }
    if (S_ISREG(st.st_mode)) {
        if (top || has_suffix(path, ".txt")) {
            const char *id = path + root_len;
            while (*id == '/') {
                id++;
            }
            index_file(r, path, *id ? id : path);
        }
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        return;
    }
    dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "fouine-index: %s: %s\n", path, strerror(errno));
        r->skipped++;
        return;
    }
    while ((de = readdir(dir)) != NULL) {
        size_t n;
        if (de->d_name[0] == '.') {
            continue;
        }
        n = strlen(path) + strlen(de->d_name) + 2;
        child = malloc(n);
        if (!child) {
            break;
        }
        memcpy(child, path, strlen(path));
        child[strlen(path)] = '/';
        memcpy(child + strlen(path) + 1, de->d_name, strlen(de->d_name) + 1);
        index_path(r, child, root_len, 0);
        free(child);
        child = NULL;
    }
    closedir(dir);
}

int main(int argc, char **argv)
{
    const char *output = "fouine.db";
    run r = { 0 };
    int i, rc, status = 2, npaths = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "-o") == 0 ||
                   strcmp(argv[i], "--output") == 0) {
            if (++i >= argc) {
                fprintf(stderr, "fouine-index: %s needs a file name\n",
                        argv[i - 1]);
                usage(stderr);
                return 2;
            }
            output = argv[i];
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "fouine-index: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else {
            npaths++;
        }
    }
    if (npaths == 0) {
        fprintf(stderr, "fouine-index: no PATH to index\n");
        usage(stderr);
        return 2;
    }
    rc = fouine_store_open(&r.db, output, FOUINE_STORE_WRITE);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-index: %s: cannot open the index: %s\n",
                output, fouine_errmsg(rc));
        goto done;
    }
    if (sqlite3_prepare_v2(
            r.db,
            "INSERT INTO article(id, source, title, lead, body, date)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            " ON CONFLICT(id) DO UPDATE SET source = excluded.source,"
            " title = excluded.title, lead = excluded.lead,"
            " body = excluded.body, date = excluded.date",
            -1, &r.upsert, NULL) != SQLITE_OK ||
        sqlite3_exec(r.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "fouine-index: %s: %s\n", output,
                sqlite3_errmsg(r.db));
        goto done;
    }
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            i++;
            continue;
        }
        index_path(&r, argv[i], strlen(argv[i]), 1);
    }
    if (sqlite3_exec(r.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "fouine-index: %s: %s\n", output,
                sqlite3_errmsg(r.db));
        goto done;
    }
    fprintf(stderr, "fouine-index: %ld articles indexed, %ld skipped, in %s\n",
            r.indexed, r.skipped, output);
    status = r.skipped > 0 ? 1 : 0;
done:
    sqlite3_finalize(r.upsert);
    sqlite3_close(r.db);
    return status;
}
