/*
** snapshot.c: fouine_index_snapshot(), a consistent copy of an index
** written into a directory for read-only replicas, with its manifest.
**
** The order of the writes is what keeps a reader of the directory safe:
**   1. the copy, under a temporary name (TMP_PREFIX...), through SQLite's
**      backup API inside one read transaction of a connection of its own
**      (the WAL keeps that commit's pages for it while writers go on), then
**      switched to rollback-journal mode, checked to open as a fouine index,
**      fsynced, hashed (SHA-256, nettle);
**   2. renamed to fouine-GENERATION.db, the directory fsynced;
**   3. the manifest written the same way (temporary name, fsync, rename to
**      FOUINE_SNAPSHOT_MANIFEST, directory fsynced);
**   4. only then the snapshots other than the new one and the one the
**      previous manifest named removed.
** An flock() on the directory keeps a second snapshot out meanwhile, so
** the temporary files found there under the lock are a crashed run's.
*/
#define _DEFAULT_SOURCE /* flock(), dirfd() */

#include "fouine/alloc.h"
#include "fouine/index.h"
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TMP_PREFIX   ".fouine-snapshot-" /* temporary files in the directory */
#define SNAP_PREFIX  "fouine-"           /* fouine-GENERATION[-N].db */
#define STEP_PAGES   256                 /* pages a backup step copies */
#define HASH_CHUNK   (64u << 10)         /* bytes read at once to hash */
#define MAX_SAME_GEN 1000                /* snapshots of one generation */

/* The state of one snapshot, released at its end. */
typedef struct snap {
    fouine_snapshot_info *out; /* the caller's */
    const char *dir;           /* the directory, as given */
    int dfd;                   /* the directory, open and locked; or -1 */
    int fd;                    /* the temporary file being written; or -1 */
    char tmp[PATH_MAX];        /* its path; "" once renamed or removed */
    mode_t mode;               /* the index file's permissions: the copy
                                  and the manifest get them */
    int named;                 /* the copy is renamed to out->file */
    int published;             /* the manifest names the new copy */
} snap;

/* Start s for out (zeroed) on dir (not owned), with no file open. */
static void snap_init(snap *s, fouine_snapshot_info *out, const char *dir)
{
    memset(out, 0, sizeof *out);
    memset(s, 0, sizeof *s);
    s->out = out;
    s->dir = dir;
    s->dfd = -1;
    s->fd = -1;
}

/* Say what failed into out->error (the first failure only) and return rc. */
static int fail(snap *s, int rc, const char *fmt, ...) FOUINE_PRINTF(3, 4);
static int fail(snap *s, int rc, const char *fmt, ...)
{
    va_list ap;
    if (s->out->error[0] == '\0') {
        va_start(ap, fmt);
        vsnprintf(s->out->error, sizeof s->out->error, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* Path of name in the directory into buf (PATH_MAX bytes). */
static FOUINE_WUR int join(char *buf, snap *s, const char *name)
{
    int n = snprintf(buf, PATH_MAX, "%s/%s", s->dir, name);
    if (n < 0 || n >= PATH_MAX) {
        return fail(s, FOUINE_EINVAL, "%s: path too long", s->dir);
    }
    return FOUINE_OK;
}

/*
** Remove what a run interrupted earlier left under a temporary name (the
** lock is held: no other run is writing them) and, when keep is not NULL,
** the snapshots other than keep and prev.  What cannot be removed stays
** for the next run: nothing is lost.
*/
static void sweep(snap *s, const char *keep, const char *prev)
{
    int fd = dup(s->dfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL; /* fd shares the offset */
    struct dirent *e;
    const char *name;
    size_t len;
    if (!d) {
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    rewinddir(d);
    while ((e = readdir(d)) != NULL) {
        name = e->d_name;
        len = strlen(name);
        if (strncmp(name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0 ||
            (keep && strncmp(name, SNAP_PREFIX, strlen(SNAP_PREFIX)) == 0 &&
             len > 3 && strcmp(name + len - 3, ".db") == 0 &&
             strcmp(name, keep) != 0 && strcmp(name, prev) != 0)) {
            (void)unlinkat(s->dfd, name, 0);
        }
    }
    closedir(d);
}

/* A new temporary file in the directory, open in s->fd, its path in
** s->tmp. */
static FOUINE_WUR int make_tmp(snap *s)
{
    int rc = join(s->tmp, s, TMP_PREFIX "XXXXXX");
    if (rc != FOUINE_OK) {
        return rc;
    }
    s->fd = mkstemp(s->tmp);
    if (s->fd < 0) {
        s->tmp[0] = '\0';
        return fail(s, FOUINE_EIO, "%s: cannot write in the directory: %s",
                    s->dir, strerror(errno));
    }
    if (fchmod(s->fd, s->mode) != 0) {
        return fail(s, FOUINE_EIO, "%s: chmod: %s", s->tmp, strerror(errno));
    }
    return FOUINE_OK;
}

/* fsync the temporary file, close it and rename it to name, then fsync
** the directory. */
static FOUINE_WUR int put_in_place(snap *s, const char *name)
{
    const char *base = strrchr(s->tmp, '/') + 1;
    if (fsync(s->fd) != 0) {
        return fail(s, FOUINE_EIO, "%s: fsync: %s", s->tmp, strerror(errno));
    }
    if (close(s->fd) != 0) {
        s->fd = -1;
        return fail(s, FOUINE_EIO, "%s: close: %s", s->tmp, strerror(errno));
    }
    s->fd = -1;
    if (renameat(s->dfd, base, s->dfd, name) != 0) {
        return fail(s, FOUINE_EIO, "%s: cannot rename to %s: %s", s->tmp, name,
                    strerror(errno));
    }
    s->tmp[0] = '\0';
    if (fsync(s->dfd) != 0) {
        return fail(s, FOUINE_EIO, "%s: fsync: %s", s->dir, strerror(errno));
    }
    return FOUINE_OK;
}

/* The SQLite error of db as the FOUINE_* code, its message in out. */
static int db_fail(snap *s, sqlite3 *db, const char *what)
{
    int rc = fouine_store_error(db);
    return fail(s, rc, "%s: %s", what, sqlite3_errmsg(db));
}

/*
** Copy the index file src_path into the temporary file, as one commit
** left it: a read transaction is held on a connection of our own for the
** whole backup, so that every step reads the same commit (in WAL mode a
** writer commits meanwhile without waiting).  The copy is then switched to
** rollback-journal mode: one file, no WAL beside it.
*/
static FOUINE_WUR int copy_index(snap *s, const char *src_path)
{
    sqlite3 *src = NULL, *dst = NULL;
    sqlite3_backup *b = NULL;
    int rc = FOUINE_OK, step;

    if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL) !=
            SQLITE_OK ||
        sqlite3_busy_timeout(src, 5000) != SQLITE_OK ||
        sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL,
                     NULL, NULL) != SQLITE_OK) {
        rc = src ? db_fail(s, src, src_path) :
                   fail(s, FOUINE_ENOMEM, "%s: out of memory", src_path);
        goto done;
    }
    if (sqlite3_open_v2(s->tmp, &dst, SQLITE_OPEN_READWRITE, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(dst, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF",
                     NULL, NULL, NULL) != SQLITE_OK) {
        rc = dst ? db_fail(s, dst, s->tmp) :
                   fail(s, FOUINE_ENOMEM, "%s: out of memory", s->tmp);
        goto done;
    }
    b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        rc = db_fail(s, dst, s->tmp);
        goto done;
    }
    do {
        step = sqlite3_backup_step(b, STEP_PAGES);
    } while (step == SQLITE_OK);
    if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE) {
        rc = db_fail(s, dst, s->tmp);
        goto done;
    }
    /* The pages say WAL, as the source's did: one self-contained file. */
    if (sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) !=
        SQLITE_OK) {
        rc = db_fail(s, dst, s->tmp);
        goto done;
    }
done:
    if (dst && sqlite3_close(dst) != SQLITE_OK && rc == FOUINE_OK) {
        rc = fail(s, FOUINE_EDB, "%s: cannot close", s->tmp);
    }
    sqlite3_close(src); /* a read transaction only: it just ends */
    return rc;
}

/* Open the copy as a fouine index (its schema checked) for its
** generation, article count and schema version. */
static FOUINE_WUR int describe(snap *s)
{
    fouine_index *ix = NULL;
    sqlite3_stmt *st = NULL;
    int rc = fouine_index_open(&ix, s->tmp, FOUINE_INDEX_READ);

    if (rc != FOUINE_OK) {
        fail(s, rc, "%s: the copy does not open as a fouine index: %s", s->tmp,
             fouine_errmsg(rc));
        goto done;
    }
    rc = fouine_index_generation(&s->out->generation, ix);
    if (rc == FOUINE_OK) {
        rc = fouine_index_count(&s->out->articles, ix);
    }
    if (rc != FOUINE_OK) {
        fail(s, rc, "%s: %s", s->tmp, fouine_index_errmsg(ix));
        goto done;
    }
    if (sqlite3_prepare_v2(fouine_index_db(ix), "PRAGMA user_version", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = db_fail(s, fouine_index_db(ix), s->tmp);
        goto done;
    }
    s->out->schema = sqlite3_column_int(st, 0);
done:
    sqlite3_finalize(st);
    fouine_index_close(ix);
    return rc;
}

/* The size and SHA-256 of the temporary file (open in s->fd). */
static FOUINE_WUR int hash_file(snap *s)
{
    static const char hex[] = "0123456789abcdef";
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    unsigned char *buf = fouine_malloc(HASH_CHUNK);
    ssize_t n;
    int rc = FOUINE_OK;
    size_t i;

    if (!buf) {
        return fail(s, FOUINE_ENOMEM, "out of memory");
    }
    sha256_init(&ctx);
    s->out->size = 0;
    if (lseek(s->fd, 0, SEEK_SET) != 0) {
        rc = fail(s, FOUINE_EIO, "%s: %s", s->tmp, strerror(errno));
        goto done;
    }
    while ((n = read(s->fd, buf, HASH_CHUNK)) != 0) {
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = fail(s, FOUINE_EIO, "%s: read: %s", s->tmp, strerror(errno));
            goto done;
        }
        sha256_update(&ctx, (size_t)n, buf);
        s->out->size += n;
    }
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
    for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
        s->out->sha256[2 * i] = hex[digest[i] >> 4];
        s->out->sha256[2 * i + 1] = hex[digest[i] & 0xf];
    }
    s->out->sha256[2 * SHA256_DIGEST_SIZE] = '\0';
done:
    fouine_free(buf);
    return rc;
}

/* Rename the copy to fouine-GENERATION.db, or fouine-GENERATION-N.db
** when a snapshot of that generation is there already (the manifest may
** name it: it is never replaced). */
static FOUINE_WUR int name_copy(snap *s)
{
    struct stat st;
    int n;
    for (n = 1; n <= MAX_SAME_GEN; n++) {
        if (n == 1) {
            snprintf(s->out->file, sizeof s->out->file, SNAP_PREFIX "%lld.db",
                     s->out->generation);
        } else {
            snprintf(s->out->file, sizeof s->out->file,
                     SNAP_PREFIX "%lld-%d.db", s->out->generation, n);
        }
        if (fstatat(s->dfd, s->out->file, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT) {
                return fail(s, FOUINE_EIO, "%s/%s: %s", s->dir, s->out->file,
                            strerror(errno));
            }
            int rc = put_in_place(s, s->out->file);
            s->named = s->tmp[0] == '\0';
            return rc;
        }
    }
    return fail(s, FOUINE_EIO, "%s: %d snapshots of generation %lld already",
                s->dir, MAX_SAME_GEN, s->out->generation);
}

/* The file the current manifest names into prev (size bytes), or "". */
static void previous_file(snap *s, char *prev, size_t size)
{
    char path[PATH_MAX];
    json_t *m = NULL;
    const char *file;
    prev[0] = '\0';
    if (join(path, s, FOUINE_SNAPSHOT_MANIFEST) != FOUINE_OK) {
        return; /* cannot happen: the directory's paths fitted */
    }
    m = json_load_file(path, 0, NULL);
    file = json_string_value(json_object_get(m, "file"));
    if (file && strlen(file) < size && !strchr(file, '/')) {
        memcpy(prev, file, strlen(file) + 1);
    }
    json_decref(m);
}

/* Write the manifest of out, atomically. */
static FOUINE_WUR int write_manifest(snap *s)
{
    const fouine_snapshot_info *o = s->out;
    json_t *m = NULL;
    int rc = make_tmp(s);

    if (rc != FOUINE_OK) {
        return rc;
    }
    m = json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:i}", "file", o->file,
                  "generation", (json_int_t)o->generation, "articles",
                  (json_int_t)o->articles, "size", (json_int_t)o->size,
                  "sha256", o->sha256, "time", o->time, "schema", o->schema);
    if (!m) {
        return fail(s, FOUINE_ENOMEM, "out of memory");
    }
    if (json_dumpfd(m, s->fd, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
        write(s->fd, "\n", 1) != 1) {
        rc = fail(s, FOUINE_EIO, "%s: write: %s", s->tmp, strerror(errno));
    }
    json_decref(m);
    if (rc == FOUINE_OK) {
        rc = put_in_place(s, FOUINE_SNAPSHOT_MANIFEST);
        s->published = s->tmp[0] == '\0'; /* renamed, even if the fsync of
                                             the directory then failed */
    }
    return rc;
}

int fouine_index_snapshot(fouine_snapshot_info *out,
                          fouine_index *ix,
                          const char *dir)
{
    snap s;
    const char *src_path;
    char prev[sizeof out->file];
    struct tm tm;
    struct stat st;
    time_t now = time(NULL);
    int rc;

    snap_init(&s, out, dir);
    if (!ix || !dir || dir[0] == '\0') {
        return fail(&s, FOUINE_EINVAL, "no index or no directory given");
    }
    src_path = sqlite3_db_filename(fouine_index_db(ix), "main");
    if (!src_path || src_path[0] == '\0') {
        return fail(&s, FOUINE_EINVAL, "the index has no file to copy");
    }
    s.mode = stat(src_path, &st) == 0 ? (st.st_mode & 0666) : 0644;
    s.dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s.dfd < 0) {
        rc = fail(&s, FOUINE_EIO, "%s: cannot open the directory: %s", dir,
                  strerror(errno));
        goto done;
    }
    if (flock(s.dfd, LOCK_EX | LOCK_NB) != 0) {
        rc = fail(&s, FOUINE_EIO, "%s: %s", dir,
                  errno == EWOULDBLOCK ?
                      "another snapshot is being written there" :
                      strerror(errno));
        goto done;
    }
    sweep(&s, NULL, NULL);
    gmtime_r(&now, &tm);
    strftime(out->time, sizeof out->time, "%Y-%m-%dT%H:%M:%SZ", &tm);

    rc = make_tmp(&s);
    if (rc == FOUINE_OK) {
        rc = copy_index(&s, src_path);
    }
    if (rc == FOUINE_OK) {
        rc = describe(&s);
    }
    if (rc == FOUINE_OK) {
        rc = hash_file(&s);
    }
    if (rc == FOUINE_OK) {
        previous_file(&s, prev, sizeof prev);
        rc = name_copy(&s);
    }
    if (rc == FOUINE_OK) {
        rc = write_manifest(&s);
    }
    if (rc == FOUINE_OK) {
        sweep(&s, out->file, prev);
    }
done:
    if (s.fd >= 0) {
        close(s.fd);
    }
    if (s.tmp[0] != '\0') {
        (void)unlink(s.tmp);
    }
    if (rc != FOUINE_OK && s.named && !s.published) {
        /* The copy was renamed but no manifest names it. */
        (void)unlinkat(s.dfd, out->file, 0);
    }
    if (s.dfd >= 0) {
        close(s.dfd); /* and the lock with it */
    }
    if (rc != FOUINE_OK) {
        memset(out, 0, offsetof(fouine_snapshot_info, error));
    }
    return rc;
}

int fouine_snapshot_check(fouine_snapshot_info *out, const char *path)
{
    snap s;
    const char *base;
    int rc;

    snap_init(&s, out, path);
    if (!path || path[0] == '\0') {
        return fail(&s, FOUINE_EINVAL, "no snapshot file given");
    }
    if (strlen(path) >= sizeof s.tmp) {
        return fail(&s, FOUINE_EINVAL, "%s: path too long", path);
    }
    /* describe() and hash_file() read the file of s.tmp and s.fd. */
    memcpy(s.tmp, path, strlen(path) + 1);
    s.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s.fd < 0) {
        rc = fail(&s, FOUINE_EIO, "%s: %s", path, strerror(errno));
        goto done;
    }
    rc = hash_file(&s);
    if (rc == FOUINE_OK) {
        rc = describe(&s);
    }
    base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (rc == FOUINE_OK && strlen(base) < sizeof out->file) {
        memcpy(out->file, base, strlen(base) + 1);
    }
done:
    if (s.fd >= 0) {
        close(s.fd);
    }
    if (rc != FOUINE_OK) {
        memset(out, 0, offsetof(fouine_snapshot_info, error));
    }
    return rc;
}

/* The whole number field name of m, from 0, into *v. */
static FOUINE_WUR int manifest_count(snap *s,
                                     long long *v,
                                     const json_t *m,
                                     const char *name)
{
    const json_t *f = json_object_get(m, name);
    if (!f) {
        return fail(s, FOUINE_EINVAL, "manifest: no field %s", name);
    }
    if (!json_is_integer(f) || json_integer_value(f) < 0) {
        return fail(s, FOUINE_EINVAL,
                    "manifest: field %s: not a whole number from 0", name);
    }
    *v = (long long)json_integer_value(f);
    return FOUINE_OK;
}

/* The string field name of m into out (size bytes), checked by ok (NULL:
** any string that fits); why says what ok wants. */
static FOUINE_WUR int manifest_string(snap *s,
                                      char *out,
                                      size_t size,
                                      const json_t *m,
                                      const char *name,
                                      int (*ok)(const char *v),
                                      const char *why)
{
    const json_t *f = json_object_get(m, name);
    const char *v = json_string_value(f);
    if (!f) {
        return fail(s, FOUINE_EINVAL, "manifest: no field %s", name);
    }
    if (!v || strlen(v) >= size || (ok && !ok(v))) {
        return fail(s, FOUINE_EINVAL, "manifest: field %s: %s", name, why);
    }
    memcpy(out, v, strlen(v) + 1);
    return FOUINE_OK;
}

/* A name of a file of the snapshot directory: no '/', not hidden. */
static int manifest_file_ok(const char *v)
{
    return v[0] != '\0' && v[0] != '.' && !strchr(v, '/');
}

/* 64 lowercase hexadecimal digits. */
static int manifest_sha_ok(const char *v)
{
    return strlen(v) == 2 * SHA256_DIGEST_SIZE &&
           strspn(v, "0123456789abcdef") == 2 * SHA256_DIGEST_SIZE;
}

int fouine_snapshot_manifest(fouine_snapshot_info *out,
                             const char *text,
                             size_t len)
{
    snap s;
    json_t *m = NULL;
    json_error_t jerr;
    const json_t *schema;
    int rc;

    snap_init(&s, out, "");
    m = text ? json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    if (!m) {
        rc = fail(&s, FOUINE_EINVAL, "manifest: not JSON: line %d: %s",
                  text ? jerr.line : 0, text ? jerr.text : "no text");
        goto done;
    }
    if (!json_is_object(m)) {
        rc = fail(&s, FOUINE_EINVAL, "manifest: not a JSON object");
        goto done;
    }
    rc = manifest_string(&s, out->file, sizeof out->file, m, "file",
                         manifest_file_ok,
                         "not the name of a file of the directory");
    if (rc == FOUINE_OK) {
        rc = manifest_count(&s, &out->generation, m, "generation");
    }
    if (rc == FOUINE_OK) {
        rc = manifest_count(&s, &out->articles, m, "articles");
    }
    if (rc == FOUINE_OK) {
        rc = manifest_count(&s, &out->size, m, "size");
    }
    if (rc == FOUINE_OK) {
        rc = manifest_string(&s, out->sha256, sizeof out->sha256, m, "sha256",
                             manifest_sha_ok,
                             "not 64 lowercase hexadecimal digits");
    }
    if (rc == FOUINE_OK) {
        rc = manifest_string(&s, out->time, sizeof out->time, m, "time", NULL,
                             "not a time (ISO 8601)");
    }
    schema = json_object_get(m, "schema");
    if (rc == FOUINE_OK &&
        (!json_is_integer(schema) || json_integer_value(schema) < 0 ||
         json_integer_value(schema) > INT_MAX)) {
        rc = fail(&s, FOUINE_EINVAL, "manifest: %s",
                  schema ? "field schema: not a schema version" :
                           "no field schema");
    }
    if (rc == FOUINE_OK) {
        out->schema = (int)json_integer_value(schema);
    }
done:
    json_decref(m);
    if (rc != FOUINE_OK) {
        memset(out, 0, offsetof(fouine_snapshot_info, error));
    }
    return rc;
}
