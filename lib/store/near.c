/*
** near.c: wire-story duplicates (see indexer.h and store.h).
**
** Each article gets a MinHash fingerprint of the set of its word shingles
** (NEAR_SHINGLE consecutive tokens of its title, lead and body, as the
** index holds them: lower case; stop words kept), each shingle hashed
** with xxHash (XXH3) and mapped by FOUINE_NEAR_K multiply-add functions,
** of which the fingerprint keeps the smallest values.  Two fingerprints
** agreeing on a share s of their values estimate the Jaccard similarity of
** the two shingle sets as s.
**
** Candidates are found by LSH: the fingerprint cut into NEAR_BANDS bands
** of NEAR_ROWS values, each band hashed into a key of table near_band;
** articles sharing a key are candidates, and a candidate is accepted when
** its estimated similarity is at least NEAR_MIN_MATCH / FOUINE_NEAR_K.
** An article accepted joins the group of the candidate (its group id is
** the smallest rowid of the group); when it matches several groups they
** are merged into one.
**
** The tables' triggers (store.c) put each article written into near_todo;
** fouine_near_flush(), called by fouine_index_commit() before COMMIT,
** fingerprints them, from the fingerprints computed in advance by the
** indexer's reader thread (fouine_near_remember()) when there are, else
** from the article's text.
*/
#include "indexer.h"

#include "store.h"

#include "fouine/alloc.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

/* Tokens a shingle. */
#define NEAR_SHINGLE 4
/* Values a band, and bands (NEAR_ROWS * NEAR_BANDS <= FOUINE_NEAR_K). */
#define NEAR_ROWS  3
#define NEAR_BANDS 21
/* Values two fingerprints must share to be of one group: 32 of 64, an
** estimated Jaccard similarity of 0.5. */
#define NEAR_MIN_MATCH 32

/* Seeds of the hashes of the permutations and of the band keys. */
#define NEAR_SEED_A    UINT64_C(0x666f75696e650001)
#define NEAR_SEED_B    UINT64_C(0x666f75696e650002)
#define NEAR_SEED_BAND UINT64_C(0x666f75696e650003)

/* The statements of a fouine_near, in the order of near_sql[]. */
enum {
    NS_TODO,
    NS_TEXT,
    NS_CANDIDATES,
    NS_MERGE,
    NS_INSERT,
    NS_BANDS,
    NS_CLEAR,
    NS_GROUP,
    NS_COUNT
};

static const char *const near_sql[NS_COUNT] = {
    "SELECT t.rowid, a.hash FROM near_todo t JOIN article a"
    " ON a.rowid = t.rowid ORDER BY t.rowid",
    "SELECT title, lead, body FROM article WHERE rowid = ?1",
    /* ?1 the article; ?2.. its band keys */
    "SELECT n.rowid, n.grp, n.sig FROM near n WHERE n.rowid IN (SELECT"
    " b.rowid FROM near_band b WHERE b.band IN (?2, ?3, ?4, ?5, ?6, ?7, ?8,"
    " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22))"
    " AND n.rowid <> ?1",
    "UPDATE near SET grp = ?1 WHERE grp = ?2",
    "INSERT OR REPLACE INTO near(rowid, grp, sig) VALUES (?1, ?2, ?3)",
    "INSERT OR IGNORE INTO near_band(band, rowid) VALUES (?2, ?1), (?3, ?1),"
    " (?4, ?1), (?5, ?1), (?6, ?1), (?7, ?1), (?8, ?1), (?9, ?1), (?10, ?1),"
    " (?11, ?1), (?12, ?1), (?13, ?1), (?14, ?1), (?15, ?1), (?16, ?1),"
    " (?17, ?1), (?18, ?1), (?19, ?1), (?20, ?1), (?21, ?1), (?22, ?1)",
    "DELETE FROM near_todo",
    "SELECT grp FROM near WHERE rowid = ?1",
};

/* One fingerprint computed in advance, by the article's hash. */
typedef struct near_entry {
    uint64_t key;        /* fouine_article_hash() */
    int used;            /* the slot holds an entry */
    fouine_near_sig sig; /* its fingerprint */
} near_entry;

struct fouine_near {
    sqlite3 *db;                  /* not owned */
    sqlite3_stmt *stmt[NS_COUNT]; /* prepared on first use; owned */
    near_entry *slots;            /* open addressing by key; owned */
    size_t nslots;                /* a power of 2, or 0 */
    size_t nused;                 /* entries */
    int disabled;                 /* FOUINE_NO_NEAR is set: no fingerprint */
};

/* A fingerprint being made. */
typedef struct near_builder {
    uint32_t a[FOUINE_NEAR_K], b[FOUINE_NEAR_K]; /* the permutations */
    uint64_t win[NEAR_SHINGLE]; /* hashes of the last tokens, oldest first */
    size_t ntokens;             /* tokens seen */
    size_t nshingles;           /* shingles added */
    fouine_near_sig *out;       /* the fingerprint; not owned */
} near_builder;

int fouine_near_disabled(void)
{
    const char *v = getenv("FOUINE_NO_NEAR");
    return v && *v && strcmp(v, "0") != 0;
}

static void builder_init(near_builder *nb, fouine_near_sig *out)
{
    uint64_t i;
    memset(nb, 0, sizeof *nb);
    for (i = 0; i < FOUINE_NEAR_K; i++) {
        nb->a[i] = (uint32_t)XXH64(&i, sizeof i, NEAR_SEED_A) | 1u; /* odd */
        nb->b[i] = (uint32_t)XXH64(&i, sizeof i, NEAR_SEED_B);
    }
    nb->out = out;
    memset(out, 0xFF, sizeof *out);
    out->valid = 0;
}

/* Add the shingle of the window's ntokens last tokens. */
static void builder_shingle(near_builder *nb, size_t ntokens)
{
    uint64_t h64 = XXH3_64bits(nb->win + (NEAR_SHINGLE - ntokens),
                               ntokens * sizeof *nb->win);
    uint32_t h = (uint32_t)(h64 ^ (h64 >> 32));
    size_t i;
    /* 32-bit arithmetic, which the compiler vectorizes: each function is
    ** a permutation of the 32-bit hashes (a odd). */
    for (i = 0; i < FOUINE_NEAR_K; i++) {
        uint32_t v = nb->a[i] * h + nb->b[i];
        nb->out->h[i] = v < nb->out->h[i] ? v : nb->out->h[i];
    }
    nb->nshingles++;
}

static void builder_token(near_builder *nb, const char *token, size_t len)
{
    memmove(nb->win, nb->win + 1, (NEAR_SHINGLE - 1) * sizeof *nb->win);
    nb->win[NEAR_SHINGLE - 1] = XXH3_64bits(token, len);
    nb->ntokens++;
    if (nb->ntokens >= NEAR_SHINGLE) {
        builder_shingle(nb, NEAR_SHINGLE);
    }
}

/* The end: a text shorter than a shingle is one shingle of its tokens. */
static void builder_finish(near_builder *nb)
{
    if (nb->nshingles == 0 && nb->ntokens > 0) {
        builder_shingle(nb, nb->ntokens);
    }
    nb->out->valid = nb->nshingles > 0;
}

void fouine_near_sign_tokens(fouine_near_sig *out,
                             const fouine_pretok *toks,
                             size_t n)
{
    near_builder nb;
    size_t i;
    builder_init(&nb, out);
    for (i = 0; i < n; i++) {
        const unsigned char *p = (const unsigned char *)toks[i].buf;
        const unsigned char *end = p + toks[i].len;
        if (!toks[i].ready) {
            return; /* left invalid: made from the text by the writer */
        }
        /* Records: flags, length, start, end, token (replay.c). */
        while (p && p + FOUINE_PRETOK_HEAD <= end) {
            size_t len = p[1];
            if (!(p[0] & 1)) { /* a colocated form is the same word */
                builder_token(&nb, (const char *)p + FOUINE_PRETOK_HEAD, len);
            }
            p += FOUINE_PRETOK_HEAD + len;
        }
    }
    builder_finish(&nb);
}

/* Add a token of the analyzer (fouine_token_cb). */
static int sign_token(const char *token,
                      size_t len,
                      size_t start,
                      size_t end,
                      int flags,
                      void *payload)
{
    (void)start;
    (void)end;
    if (!(flags & FOUINE_TOKEN_COLOCATED)) {
        builder_token(payload, token, len);
    }
    return 0;
}

int fouine_near_sign_text(fouine_near_sig *out,
                          fouine_analyzer *an,
                          const char *const texts[3])
{
    near_builder nb;
    size_t i;
    builder_init(&nb, out);
    for (i = 0; i < 3; i++) {
        int rc;
        if (!texts[i] || !*texts[i]) {
            continue;
        }
        rc = fouine_analyzer_run(an, texts[i], strlen(texts[i]),
                                 FOUINE_ANALYZE_DOCUMENT, sign_token, &nb);
        if (rc != FOUINE_OK) {
            out->valid = 0;
            return rc;
        }
    }
    builder_finish(&nb);
    return FOUINE_OK;
}

int fouine_near_new(fouine_near **out, sqlite3 *db)
{
    *out = fouine_calloc(1, sizeof **out);
    if (!*out) {
        return FOUINE_ENOMEM;
    }
    (*out)->db = db;
    (*out)->disabled = fouine_near_disabled();
    return FOUINE_OK;
}

void fouine_near_free(fouine_near *nr)
{
    int i;
    if (!nr) {
        return;
    }
    for (i = 0; i < NS_COUNT; i++) {
        sqlite3_finalize(nr->stmt[i]);
    }
    fouine_free(nr->slots);
    fouine_free(nr);
}

/* The statement which, reset and cleared of its bindings. */
static FOUINE_WUR int near_stmt(sqlite3_stmt **out, fouine_near *nr, int which)
{
    *out = NULL;
    if (!nr->stmt[which] &&
        sqlite3_prepare_v3(nr->db, near_sql[which], -1,
                           SQLITE_PREPARE_PERSISTENT, &nr->stmt[which],
                           NULL) != SQLITE_OK) {
        return fouine_store_error(nr->db);
    }
    sqlite3_reset(nr->stmt[which]);
    sqlite3_clear_bindings(nr->stmt[which]);
    *out = nr->stmt[which];
    return FOUINE_OK;
}

/* Run a statement that returns no row, then reset it. */
static FOUINE_WUR int near_done(fouine_near *nr, sqlite3_stmt *s)
{
    int rc =
        sqlite3_step(s) == SQLITE_DONE ? FOUINE_OK : fouine_store_error(nr->db);
    sqlite3_reset(s);
    return rc;
}

/* The slot of key: its entry, or the free slot where it goes. */
static near_entry *near_slot(const fouine_near *nr, uint64_t key)
{
    size_t i = (size_t)(key * UINT64_C(0x9E3779B97F4A7C15) >> 32);
    for (i &= nr->nslots - 1;; i = (i + 1) & (nr->nslots - 1)) {
        if (!nr->slots[i].used || nr->slots[i].key == key) {
            return &nr->slots[i];
        }
    }
}

int fouine_near_remember(fouine_near *nr,
                         uint64_t hash,
                         const fouine_near_sig *sig)
{
    near_entry *e;
    if (nr->disabled || !sig->valid) {
        return FOUINE_OK;
    }
    if (2 * (nr->nused + 1) > nr->nslots) {
        size_t n = nr->nslots ? 2 * nr->nslots : 1024, i;
        near_entry *old = nr->slots, *grown = fouine_calloc(n, sizeof *grown);
        size_t nold = nr->nslots;
        if (!grown) {
            return FOUINE_ENOMEM;
        }
        nr->slots = grown;
        nr->nslots = n;
        for (i = 0; i < nold; i++) {
            if (old[i].used) {
                *near_slot(nr, old[i].key) = old[i];
            }
        }
        fouine_free(old);
    }
    e = near_slot(nr, hash);
    if (!e->used) {
        nr->nused++;
    }
    e->used = 1;
    e->key = hash;
    e->sig = *sig;
    return FOUINE_OK;
}

void fouine_near_forget(fouine_near *nr)
{
    if (nr->nused) {
        memset(nr->slots, 0, nr->nslots * sizeof *nr->slots);
        nr->nused = 0;
    }
}

/* The fingerprint as its blob: FOUINE_NEAR_K values, little-endian. */
static void sig_blob(unsigned char *out, const fouine_near_sig *sig)
{
    size_t i;
    for (i = 0; i < FOUINE_NEAR_K; i++) {
        out[4 * i] = (unsigned char)(sig->h[i] & 0xFF);
        out[4 * i + 1] = (unsigned char)((sig->h[i] >> 8) & 0xFF);
        out[4 * i + 2] = (unsigned char)((sig->h[i] >> 16) & 0xFF);
        out[4 * i + 3] = (unsigned char)((sig->h[i] >> 24) & 0xFF);
    }
}

/* The values that a blob of sig_blob() shares with b. */
static size_t sig_matches(const unsigned char *a, const unsigned char *b)
{
    size_t i, n = 0;
    for (i = 0; i < FOUINE_NEAR_K; i++) {
        n += memcmp(a + 4 * i, b + 4 * i, 4) == 0;
    }
    return n;
}

/* Bind the band keys of blob to ?2.. of s. */
static void bind_bands(sqlite3_stmt *s, const unsigned char *blob)
{
    int i;
    for (i = 0; i < NEAR_BANDS; i++) {
        unsigned char key[1 + 4 * NEAR_ROWS];
        key[0] = (unsigned char)i;
        memcpy(key + 1, blob + 4 * NEAR_ROWS * i, 4 * NEAR_ROWS);
        sqlite3_bind_int64(
            s, i + 2, (sqlite3_int64)XXH64(key, sizeof key, NEAR_SEED_BAND));
    }
}

/* Most groups one article merges at once (more: the rest stay apart). */
#define NEAR_MERGE_MAX 16

int fouine_near_add(fouine_near *nr,
                    sqlite3_int64 rowid,
                    const fouine_near_sig *sig)
{
    unsigned char blob[4 * FOUINE_NEAR_K];
    sqlite3_int64 groups[NEAR_MERGE_MAX], grp = rowid;
    size_t ngroups = 0, i;
    sqlite3_stmt *s;
    int rc, step;

    if (!sig->valid) {
        return FOUINE_OK; /* no words: a group of its own */
    }
    sig_blob(blob, sig);
    rc = near_stmt(&s, nr, NS_CANDIDATES);
    if (rc != FOUINE_OK) {
        return rc;
    }
    sqlite3_bind_int64(s, 1, rowid);
    bind_bands(s, blob);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *other = sqlite3_column_blob(s, 2);
        sqlite3_int64 g = sqlite3_column_int64(s, 1);
        if (!other || sqlite3_column_bytes(s, 2) != (int)sizeof blob ||
            sig_matches(blob, other) < NEAR_MIN_MATCH) {
            continue;
        }
        for (i = 0; i < ngroups && groups[i] != g; i++) {
        }
        if (i == ngroups && ngroups < NEAR_MERGE_MAX) {
            groups[ngroups++] = g;
        }
        if (g < grp) {
            grp = g;
        }
    }
    rc = step == SQLITE_DONE ? FOUINE_OK : fouine_store_error(nr->db);
    sqlite3_reset(s);
    /* The groups it joins become one, of the smallest rowid. */
    for (i = 0; rc == FOUINE_OK && i < ngroups; i++) {
        if (groups[i] != grp) {
            rc = near_stmt(&s, nr, NS_MERGE);
            if (rc == FOUINE_OK) {
                sqlite3_bind_int64(s, 1, grp);
                sqlite3_bind_int64(s, 2, groups[i]);
                rc = near_done(nr, s);
            }
        }
    }
    if (rc == FOUINE_OK) {
        rc = near_stmt(&s, nr, NS_INSERT);
    }
    if (rc == FOUINE_OK) {
        sqlite3_bind_int64(s, 1, rowid);
        sqlite3_bind_int64(s, 2, grp);
        sqlite3_bind_blob(s, 3, blob, (int)sizeof blob, SQLITE_STATIC);
        rc = near_done(nr, s);
    }
    if (rc == FOUINE_OK) {
        rc = near_stmt(&s, nr, NS_BANDS);
    }
    if (rc == FOUINE_OK) {
        sqlite3_bind_int64(s, 1, rowid);
        bind_bands(s, blob);
        rc = near_done(nr, s);
    }
    return rc;
}

/* The fingerprint of the article at rowid, made from its text. */
static FOUINE_WUR int sign_row(fouine_near_sig *out,
                               fouine_near *nr,
                               fouine_analyzer *an,
                               sqlite3_int64 rowid)
{
    const char *texts[3];
    sqlite3_stmt *s;
    int rc = near_stmt(&s, nr, NS_TEXT), i;
    memset(out, 0, sizeof *out);
    if (rc != FOUINE_OK) {
        return rc;
    }
    sqlite3_bind_int64(s, 1, rowid);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = fouine_store_error(nr->db);
        sqlite3_reset(s);
        return rc;
    }
    for (i = 0; i < 3; i++) {
        texts[i] = (const char *)sqlite3_column_text(s, i);
    }
    rc = fouine_near_sign_text(out, an, texts);
    sqlite3_reset(s);
    return rc;
}

/* A growing array of the articles to fingerprint. */
typedef struct todo_list {
    sqlite3_int64 *rowid; /* owned */
    uint64_t *hash;       /* their fouine_article_hash(); owned */
    size_t n, cap;
} todo_list;

/* Read near_todo into l. */
static FOUINE_WUR int read_todo(todo_list *l, fouine_near *nr)
{
    sqlite3_stmt *s;
    int rc = near_stmt(&s, nr, NS_TODO), step;
    if (rc != FOUINE_OK) {
        return rc;
    }
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *h = (const char *)sqlite3_column_text(s, 1);
        if (l->n == l->cap) {
            size_t cap = l->cap ? 2 * l->cap : 256;
            sqlite3_int64 *r = fouine_realloc(l->rowid, cap * sizeof *r);
            uint64_t *hh;
            if (r) {
                l->rowid = r;
            }
            hh = r ? fouine_realloc(l->hash, cap * sizeof *hh) : NULL;
            if (!hh) {
                sqlite3_reset(s);
                return FOUINE_ENOMEM;
            }
            l->hash = hh;
            l->cap = cap;
        }
        l->rowid[l->n] = sqlite3_column_int64(s, 0);
        l->hash[l->n] = h ? strtoull(h, NULL, 16) : 0;
        l->n++;
    }
    rc = step == SQLITE_DONE ? FOUINE_OK : fouine_store_error(nr->db);
    sqlite3_reset(s);
    return rc;
}

int fouine_near_flush(fouine_near *nr, fouine_analyzer *an)
{
    todo_list l = { 0 };
    sqlite3_stmt *s;
    size_t i;
    int rc;

    if (nr->disabled) {
        return FOUINE_OK; /* left in near_todo for a run that fingerprints */
    }
    rc = read_todo(&l, nr);
    for (i = 0; rc == FOUINE_OK && i < l.n; i++) {
        fouine_near_sig made;
        const fouine_near_sig *sig = NULL;
        if (nr->nslots) {
            near_entry *e = near_slot(nr, l.hash[i]);
            sig = e->used ? &e->sig : NULL;
        }
        if (!sig) {
            rc = sign_row(&made, nr, an, l.rowid[i]);
            sig = &made;
        }
        if (rc == FOUINE_OK) {
            rc = fouine_near_add(nr, l.rowid[i], sig);
        }
    }
    if (rc == FOUINE_OK && l.n) {
        rc = near_stmt(&s, nr, NS_CLEAR);
        if (rc == FOUINE_OK) {
            rc = near_done(nr, s);
        }
    }
    fouine_free(l.rowid);
    fouine_free(l.hash);
    return rc;
}

int fouine_near_group(sqlite3_int64 *group, sqlite3 *db, sqlite3_int64 rowid)
{
    sqlite3_stmt *s = NULL;
    int rc = FOUINE_OK, step;
    *group = rowid;
    if (sqlite3_prepare_v2(db, near_sql[NS_GROUP], -1, &s, NULL) != SQLITE_OK) {
        return fouine_store_error(db);
    }
    sqlite3_bind_int64(s, 1, rowid);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *group = sqlite3_column_int64(s, 0);
    } else if (step != SQLITE_DONE) {
        rc = fouine_store_error(db);
    }
    sqlite3_finalize(s);
    return rc;
}

int fouine_near_same(int *same, sqlite3 *db, sqlite3_int64 a, sqlite3_int64 b)
{
    sqlite3_int64 ga = a, gb = b;
    int rc = fouine_near_group(&ga, db, a);
    if (rc == FOUINE_OK) {
        rc = fouine_near_group(&gb, db, b);
    }
    *same = rc == FOUINE_OK && ga == gb;
    return rc;
}
