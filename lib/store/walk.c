/*
** walk.c: finding the input files under the paths given (see indexer.h).
**
** Directories are read in full, their names sorted, and entered depth
** first.  Symbolic links are followed; every directory entered is
** remembered by device and inode, so a link back to a directory being
** walked (a loop) is reported and a directory reached twice is walked once.
*/
#define _XOPEN_SOURCE 700 /* realpath() */
#include "indexer.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fouine/alloc.h"

/* Why a path longer than the system takes is skipped. */
#define TOO_LONG "path longer than the system allows (PATH_MAX)"

/* A directory entered: its identity, and whether the walk is inside it. */
typedef struct entered {
    dev_t dev; /* device of the directory */
    ino_t ino; /* its inode */
    int open;  /* an ancestor of the directory being walked */
} entered;

/* State of one walk. */
typedef struct walk {
    fouine_inputs *in;         /* the result; not owned */
    entered *dirs;             /* directories entered; owned */
    size_t ndirs;              /* their number */
    size_t capdirs;            /* room in dirs */
    const char *const *known;  /* the roots of the index; the caller's */
    size_t nknown;             /* their number */
    char **given;              /* absolute paths of the directories given;
                                  owned */
    size_t ngiven;             /* their number */
    fouine_walk_report report; /* problem callback, or NULL */
    void *payload;             /* passed to report */
} walk;

/* Count and report a problem: "path: what". */
static void problem(walk *w,
                    fouine_skip reason,
                    const char *path,
                    const char *what)
{
    w->in->skipped[reason]++;
    if (w->report) {
        w->report(reason, path, what, w->payload);
    }
}

/* "a/b" in a new string, or NULL. */
static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *p = fouine_malloc(na + nb + 2);
    if (p) {
        memcpy(p, a, na);
        p[na] = '/';
        memcpy(p + na + 1, b, nb + 1);
    }
    return p;
}

/* The kind of a file by its name, or -1 when it is not an input. */
static int kind_of(const char *name)
{
    size_t n = strlen(name);
    if (n > 4 && strcasecmp(name + n - 4, ".txt") == 0) {
        return FOUINE_FILE_TEXT;
    }
    if (n > 5 && strcasecmp(name + n - 5, ".json") == 0) {
        return FOUINE_FILE_JSON;
    }
    if (n > 6 && strcasecmp(name + n - 6, ".jsonl") == 0) {
        return FOUINE_FILE_JSONL;
    }
    if ((n > 5 && strcasecmp(name + n - 5, ".html") == 0) ||
        (n > 4 && strcasecmp(name + n - 4, ".htm") == 0) ||
        (n > 6 && strcasecmp(name + n - 6, ".xhtml") == 0)) {
        return FOUINE_FILE_HTML;
    }
    return -1;
}

int fouine_file_kind(const char *name)
{
    int kind = kind_of(name);
    return kind < 0 ? FOUINE_FILE_TEXT : kind;
}

static int64_t mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 +
           (int64_t)st->st_mtim.tv_nsec;
}

/* Add a file, whose id starts at key + rel_off; path and key become owned
** by the inputs. */
static FOUINE_WUR int add_file(walk *w,
                               char *path,
                               char *key,
                               size_t rel_off,
                               int kind,
                               const struct stat *st)
{
    fouine_inputs *in = w->in;
    fouine_input *f;
    if (in->nfiles == in->capfiles) {
        size_t cap = in->capfiles ? in->capfiles * 2 : 256;
        fouine_input *p = fouine_realloc(in->files, cap * sizeof *p);
        if (!p) {
            fouine_free(path);
            fouine_free(key);
            return FOUINE_ENOMEM;
        }
        in->files = p;
        in->capfiles = cap;
    }
    f = &in->files[in->nfiles++];
    f->path = path;
    f->key = key;
    f->rel = key + rel_off;
    f->kind = kind;
    f->size = (int64_t)st->st_size;
    f->mtime = mtime_ns(st);
    return FOUINE_OK;
}

static FOUINE_WUR int add_string(char ***list, size_t *n, const char *s)
{
    char **p = fouine_realloc(*list, (*n + 1) * sizeof *p);
    if (!p) {
        return FOUINE_ENOMEM;
    }
    *list = p;
    p[*n] = fouine_strdup(s);
    if (!p[*n]) {
        return FOUINE_ENOMEM;
    }
    (*n)++;
    return FOUINE_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
** Walk the directory at path (stat st), whose absolute form is key;
** rel_off is where the ids of the files under it start in their keys.
*/
static FOUINE_WUR int walk_dir(walk *w,
                               const char *path,
                               const char *key,
                               size_t rel_off,
                               const struct stat *st);

/* Handle one entry of a directory. */
static FOUINE_WUR int walk_entry(walk *w,
                                 const char *dir,
                                 const char *dirkey,
                                 const char *name,
                                 size_t rel_off)
{
    char *path = NULL, *key = NULL;
    struct stat st;
    int rc = FOUINE_OK, kind;

    path = join(dir, name);
    key = join(dirkey, name);
    if (!path || !key) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    if (stat(path, &st) != 0) {
        int err = errno;
        if (err == ELOOP) {
            problem(w, FOUINE_SKIP_LOOP, path, "symbolic link loop");
        } else if (err == ENAMETOOLONG) {
            problem(w, FOUINE_SKIP_TOO_LONG, path, TOO_LONG);
        } else if (kind_of(name) >= 0) {
            problem(w, FOUINE_SKIP_UNREADABLE, path, strerror(err));
        }
        if (err != ENOENT && err != ENOTDIR && err != ELOOP) {
            /* Not known to be gone (a directory without search
            ** permission, say): what it gave before stays. */
            rc = add_string(&w->in->blind, &w->in->nblind, key);
        }
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = walk_dir(w, path, key, rel_off, &st);
        goto done;
    }
    kind = kind_of(name);
    if (!S_ISREG(st.st_mode) || kind < 0) {
        goto done;
    }
    rc = add_file(w, path, key, rel_off, kind, &st);
    path = NULL;
    key = NULL;
done:
    fouine_free(path);
    fouine_free(key);
    return rc;
}

static FOUINE_WUR int walk_dir(walk *w,
                               const char *path,
                               const char *key,
                               size_t rel_off,
                               const struct stat *st)
{
    DIR *dir = NULL;
    struct dirent *de;
    char **names = NULL;
    size_t nnames = 0, i, me;
    int rc = FOUINE_OK;

    for (i = 0; i < w->ndirs; i++) {
        if (w->dirs[i].dev == st->st_dev && w->dirs[i].ino == st->st_ino) {
            if (w->dirs[i].open) {
                problem(w, FOUINE_SKIP_LOOP, path,
                        "symbolic link loop (to a directory that contains "
                        "it): not followed");
            }
            return FOUINE_OK; /* reached twice: walked once */
        }
    }
    if (w->ndirs == w->capdirs) {
        size_t cap = w->capdirs ? w->capdirs * 2 : 64;
        entered *p = fouine_realloc(w->dirs, cap * sizeof *p);
        if (!p) {
            return FOUINE_ENOMEM;
        }
        w->dirs = p;
        w->capdirs = cap;
    }
    me = w->ndirs++;
    w->dirs[me].dev = st->st_dev;
    w->dirs[me].ino = st->st_ino;
    w->dirs[me].open = 1;

    dir = opendir(path);
    if (!dir) {
        problem(w, FOUINE_SKIP_UNREADABLE, path, strerror(errno));
        rc = add_string(&w->in->blind, &w->in->nblind, key);
        goto done;
    }
    for (;;) {
        errno = 0;
        de = readdir(dir);
        if (!de) {
            break;
        }
        if (de->d_name[0] == '.') {
            continue; /* ".", "..", and hidden files */
        }
        rc = add_string(&names, &nnames, de->d_name);
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    if (errno != 0) {
        /* A listing cut short: the names not read must not count as
        ** removed.  Those read are still walked. */
        problem(w, FOUINE_SKIP_UNREADABLE, path, strerror(errno));
        rc = add_string(&w->in->blind, &w->in->nblind, key);
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    closedir(dir);
    dir = NULL;
    if (nnames > 1) {
        /* qsort() wants a non-NULL array even for no element. */
        qsort(names, nnames, sizeof *names, by_name);
    }
    for (i = 0; i < nnames && rc == FOUINE_OK; i++) {
        rc = walk_entry(w, path, key, names[i], rel_off);
    }
done:
    w->dirs[me].open = 0;
    if (dir) {
        closedir(dir);
    }
    for (i = 0; i < nnames; i++) {
        fouine_free(names[i]);
    }
    fouine_free(names);
    return rc;
}

int fouine_path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/') {
        return path[0] == '/';
    }
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* Where the id starts in a key under root (root included). */
static size_t id_offset(const char *root)
{
    return strcmp(root, "/") == 0 ? 1 : strlen(root) + 1;
}

/*
** The outermost root of ids that holds key: a root of the index or a
** directory given (the shortest such path), or NULL.  Not owned.
*/
static const char *outermost(const walk *w, const char *key)
{
    const char *best = NULL;
    size_t i;
    for (i = 0; i < w->nknown + w->ngiven; i++) {
        const char *root =
            i < w->nknown ? w->known[i] : w->given[i - w->nknown];
        if (fouine_path_under(key, root) &&
            (!best || strlen(root) < strlen(best))) {
            best = root;
        }
    }
    return best;
}

/*
** The key of a file given alone: the absolute path of its directory (with
** its symbolic links resolved) and its name, so that it is the key the walk
** of that directory gives it.  *name_off gets where its name starts.
** Returns FOUINE_OK with *out (fouine_free()), FOUINE_ENOMEM, or FOUINE_EIO
** (errno set) when the directory cannot be resolved.
*/
static FOUINE_WUR int lone_key(char **out, size_t *name_off, const char *given)
{
    const char *slash = strrchr(given, '/');
    const char *name = slash ? slash + 1 : given;
    char *dir = NULL, *real = NULL;
    size_t n, m = strlen(name);
    int rc = FOUINE_ENOMEM;

    *out = NULL;
    *name_off = 0;
    dir = slash ? fouine_strndup(given,
                                 slash == given ? 1 : (size_t)(slash - given)) :
                  fouine_strdup(".");
    if (!dir) {
        goto done;
    }
    real = realpath(dir, NULL);
    if (!real) {
        rc = errno == ENOMEM ? FOUINE_ENOMEM : FOUINE_EIO;
        goto done;
    }
    n = strcmp(real, "/") == 0 ? 0 : strlen(real);
    *out = fouine_malloc(n + m + 2);
    if (!*out) {
        goto done;
    }
    memcpy(*out, real, n);
    (*out)[n] = '/';
    memcpy(*out + n + 1, name, m + 1);
    *name_off = n + 1;
    rc = FOUINE_OK;
done:
    free(real); /* realpath()'s: not ours */
    fouine_free(dir);
    return rc;
}

/* Walk one path given. */
static FOUINE_WUR int walk_root(walk *w, const char *given)
{
    char *path = NULL, *key = NULL;
    const char *root;
    struct stat st;
    size_t n, name_off = 0;
    int rc = FOUINE_OK, kind;

    if (stat(given, &st) != 0) {
        problem(w,
                errno == ENOENT       ? FOUINE_SKIP_MISSING :
                errno == ELOOP        ? FOUINE_SKIP_LOOP :
                errno == ENAMETOOLONG ? FOUINE_SKIP_TOO_LONG :
                                        FOUINE_SKIP_UNREADABLE,
                given, errno == ENAMETOOLONG ? TOO_LONG : strerror(errno));
        return FOUINE_OK;
    }
    if (S_ISDIR(st.st_mode)) {
        key = realpath(given, NULL);
        rc = key ? FOUINE_OK : FOUINE_EIO;
    } else {
        rc = lone_key(&key, &name_off, given);
    }
    if (rc == FOUINE_ENOMEM) {
        return rc;
    }
    if (rc != FOUINE_OK) {
        problem(w, FOUINE_SKIP_UNREADABLE, given, strerror(errno));
        return FOUINE_OK;
    }
    /* The path without trailing slashes ("corpus/" -> "corpus"). */
    n = strlen(given);
    while (n > 1 && given[n - 1] == '/') {
        n--;
    }
    path = fouine_malloc(n + 1);
    if (!path) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    memcpy(path, given, n);
    path[n] = '\0';
    root = outermost(w, key);
    if (S_ISDIR(st.st_mode)) {
        rc = add_string(&w->in->roots, &w->in->nroots, key);
        if (rc == FOUINE_OK) {
            rc = walk_dir(w, path, key, id_offset(root ? root : key), &st);
        }
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        problem(w, FOUINE_SKIP_UNREADABLE, given,
                "not a regular file or a directory");
        goto done;
    }
    /* Named from the root that holds it, else by its own name. */
    kind = kind_of(path);
    rc = add_file(w, path, key, root ? id_offset(root) : name_off,
                  kind < 0 ? FOUINE_FILE_TEXT : kind, &st);
    path = NULL;
    key = NULL;
done:
    fouine_free(path);
    fouine_free(key);
    return rc;
}

/*
** Note the directories given (w->given), and those of them that no root
** of the index or other directory given holds (in->new_roots).  Paths
** that cannot be examined are left to walk_root(), which reports them.
*/
static FOUINE_WUR int note_given(walk *w,
                                 const char *const *paths,
                                 size_t npaths)
{
    struct stat st;
    size_t i, j, k;
    int rc = FOUINE_OK;
    for (i = 0; i < npaths && rc == FOUINE_OK; i++) {
        char *key;
        if (stat(paths[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
            continue;
        }
        key = realpath(paths[i], NULL);
        if (key) {
            rc = add_string(&w->given, &w->ngiven, key);
        }
        free(key); /* realpath()'s: not ours */
    }
    for (i = 0; i < w->ngiven && rc == FOUINE_OK; i++) {
        int inner = 0;
        for (k = 0; k < w->nknown && !inner; k++) {
            inner = fouine_path_under(w->given[i], w->known[k]);
        }
        for (j = 0; j < w->ngiven && !inner; j++) {
            inner = j != i && fouine_path_under(w->given[i], w->given[j]) &&
                    (strcmp(w->given[i], w->given[j]) != 0 || j < i);
        }
        if (!inner) {
            rc = add_string(&w->in->new_roots, &w->in->nnew_roots, w->given[i]);
        }
    }
    return rc;
}

int fouine_walk(fouine_inputs *out,
                const char *const *paths,
                size_t npaths,
                const char *const *roots,
                size_t nroots,
                fouine_walk_report report,
                void *payload)
{
    walk w;
    size_t i;
    int rc;

    memset(out, 0, sizeof *out);
    memset(&w, 0, sizeof w);
    w.in = out;
    w.known = roots;
    w.nknown = nroots;
    w.report = report;
    w.payload = payload;
    rc = note_given(&w, paths, npaths);
    for (i = 0; i < npaths && rc == FOUINE_OK; i++) {
        rc = walk_root(&w, paths[i]);
    }
    for (i = 0; i < w.ngiven; i++) {
        fouine_free(w.given[i]);
    }
    fouine_free(w.given);
    fouine_free(w.dirs);
    return rc;
}

void fouine_inputs_free(fouine_inputs *in)
{
    size_t i;
    for (i = 0; i < in->nfiles; i++) {
        fouine_free(in->files[i].path);
        fouine_free(in->files[i].key);
    }
    fouine_free(in->files);
    for (i = 0; i < in->nroots; i++) {
        fouine_free(in->roots[i]);
    }
    fouine_free(in->roots);
    for (i = 0; i < in->nblind; i++) {
        fouine_free(in->blind[i]);
    }
    fouine_free(in->blind);
    for (i = 0; i < in->nnew_roots; i++) {
        fouine_free(in->new_roots[i]);
    }
    fouine_free(in->new_roots);
    memset(in, 0, sizeof *in);
}
