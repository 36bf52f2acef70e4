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
**
** It groups them by chunks of NEAR_CHUNK articles, not one by one: the
** chunk's band keys sorted in C, its articles sharing a key compared in
** memory, the archive's (near_band) looked up and the chunk's inserted in
** key order, NEAR_STEP keys a statement, so that the B-tree of random keys
** is walked in its order; the sets of matching articles and groups of the
** archive are made by union-find.  The groups are those of adding the
** articles one by one.
*/
#include "indexer.h"

#include "store.h"

#include "fouine/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Inlined: two hashes a token (fouine_near_sign_tokens()). */
#define XXH_INLINE_ALL
#include <xxhash.h>

/* Tokens a shingle. */
#define NEAR_SHINGLE 4
/* Values a band, and bands (NEAR_ROWS * NEAR_BANDS <= FOUINE_NEAR_K).
** Two fingerprints sharing a share s of their values share a band with a
** probability of 1 - (1 - s^2)^10: 0.94 at the threshold (s = 0.5), 0.99
** at s = 0.6; 10 rows of near_band an article (21 bands of 3 values were
** 0.94 and 0.994 for 21 rows, 12 of 2 0.97 and 0.997: slower to write, no
** more copies grouped on bench/dup.sh). */
#define NEAR_ROWS  2
#define NEAR_BANDS 10
/* Values two fingerprints must share to be of one group: 32 of 64, an
** estimated Jaccard similarity of 0.5. */
#define NEAR_MIN_MATCH 32
/* Bytes of a fingerprint as stored (sig_blob()). */
#define NEAR_BLOB (4 * FOUINE_NEAR_K)

/* Seeds of the hashes of the permutations and of the band keys. */
#define NEAR_SEED_A    UINT64_C(0x666f75696e650001)
#define NEAR_SEED_B    UINT64_C(0x666f75696e650002)
#define NEAR_SEED_BAND UINT64_C(0x666f75696e650003)

/* The statements of a fouine_near, in the order of near_sql[]. */
enum {
    NS_TODO,
    NS_TEXT,
    NS_LOOKUP,
    NS_MERGE,
    NS_INSERT,
    NS_BANDS,
    NS_CLEAR,
    NS_GROUP,
    NS_COUNT
};

static const char *const near_sql[NS_COUNT] = {
    "SELECT t.rowid, a.hash FROM near_todo t JOIN article a"
    " ON a.rowid = t.rowid WHERE t.rowid > ?1 ORDER BY t.rowid LIMIT ?2",
    "SELECT title, lead, body FROM article WHERE rowid = ?1",
    /* NS_LOOKUP and NS_BANDS: made by near_sql_steps(). */
    NULL,
    "UPDATE near SET grp = ?1 WHERE grp = ?2",
    "INSERT OR REPLACE INTO near(rowid, grp, sig) VALUES (?1, ?2, ?3)",
    NULL,
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

/* The FOUINE_NEAR_K permutations of a shingle take 32-bit multiplies and
** unsigned minimums, which the x86-64 baseline (SSE2) does not have in
** vectors: an AVX2 clone of the loop over the tokens is chosen at load
** time when the processor has it (some 3 times faster).  Not under
** ThreadSanitizer: the resolver that picks the clone runs while the program
** is being loaded, before the sanitizer's runtime is up, and its
** instrumented code crashes there. */
#if defined(__x86_64__) && defined(__has_attribute) && \
    !defined(__SANITIZE_THREAD__)
#if __has_attribute(target_clones)
#define NEAR_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef NEAR_CLONES
#define NEAR_CLONES
#endif

/* Add the tokens of the records [p, end) (flags, length, start, end,
** token: replay.c). */
NEAR_CLONES static void builder_records(near_builder *nb,
                                        const unsigned char *p,
                                        const unsigned char *end)
{
    while (p && p + FOUINE_PRETOK_HEAD <= end) {
        size_t len = p[1];
        if (!(p[0] & 1)) { /* a colocated form is the same word */
            builder_token(nb, (const char *)p + FOUINE_PRETOK_HEAD, len);
        }
        p += FOUINE_PRETOK_HEAD + len;
    }
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
        if (!toks[i].ready) {
            return; /* left invalid: made from the text by the writer */
        }
        builder_records(&nb, p, p + toks[i].len);
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

/* Band keys a look-up or an insert of near_band, at most (a statement
** less a key costs less time in the VDBE than the B-tree). */
#define NEAR_STEP 64
/* Room for the text of those statements. */
#define NEAR_STEP_SQL (128 + NEAR_STEP * 24)

/* Append text to the statement being made in out, of *len bytes (text
** beyond NEAR_STEP_SQL - 1 bytes is cut: prepare then fails). */
static void sql_append(char out[NEAR_STEP_SQL], size_t *len, const char *text)
{
    size_t n = strlen(text);
    if (n > NEAR_STEP_SQL - 1 - *len) {
        n = NEAR_STEP_SQL - 1 - *len;
    }
    memcpy(out + *len, text, n);
    *len += n;
    out[*len] = '\0';
}

/* The text of NS_LOOKUP (?1..?NEAR_STEP the keys) or NS_BANDS (?1, ?2 the
** key and the rowid of the first row, and so on) into out. */
static void near_sql_steps(char out[NEAR_STEP_SQL], int which)
{
    char item[32];
    size_t len = 0;
    int i;
    out[0] = '\0';
    sql_append(out, &len,
               which == NS_LOOKUP ?
                   "SELECT b.band, n.rowid, n.grp, n.sig FROM near_band b"
                   " JOIN near n ON n.rowid = b.rowid WHERE b.band IN (" :
                   "INSERT OR IGNORE INTO near_band(band, rowid) VALUES ");
    for (i = 1; i <= NEAR_STEP; i++) {
        if (which == NS_LOOKUP) {
            snprintf(item, sizeof item, "%s?%d", i > 1 ? ", " : "", i);
        } else {
            snprintf(item, sizeof item, "%s(?%d, ?%d)", i > 1 ? ", " : "",
                     2 * i - 1, 2 * i);
        }
        sql_append(out, &len, item);
    }
    if (which == NS_LOOKUP) {
        sql_append(out, &len, ")");
    }
}

/* The statement which, reset and cleared of its bindings. */
static FOUINE_WUR int near_stmt(sqlite3_stmt **out, fouine_near *nr, int which)
{
    char steps[NEAR_STEP_SQL];
    const char *sql = near_sql[which];
    *out = NULL;
    if (!sql && !nr->stmt[which]) {
        near_sql_steps(steps, which);
        sql = steps;
    }
    if (!nr->stmt[which] &&
        sqlite3_prepare_v3(nr->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                           &nr->stmt[which], NULL) != SQLITE_OK) {
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

/* The key of band i of a fingerprint's blob. */
static uint64_t band_key(const unsigned char *blob, int i)
{
    unsigned char key[1 + 4 * NEAR_ROWS];
    key[0] = (unsigned char)i;
    memcpy(key + 1, blob + 4 * NEAR_ROWS * i, 4 * NEAR_ROWS);
    return XXH64(key, sizeof key, NEAR_SEED_BAND);
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

/* Articles grouped at once by fouine_near_flush(): its memory (some 500
** bytes an article, 4 MB) does not grow with the index. */
#define NEAR_CHUNK 8192
/* Most groups of the archive one article joins (more: the rest stay
** apart). */
#define NEAR_MERGE_MAX 16

/* A band key of an article of a chunk. */
typedef struct near_key {
    uint64_t key; /* band_key() */
    size_t item;  /* the article, by its index in the chunk */
} near_key;

/* An article of a chunk matching a group of the archive. */
typedef struct near_link {
    size_t item;       /* the article, by its index in the chunk */
    sqlite3_int64 grp; /* the group (near.grp) */
} near_link;

/*
** The articles of near_todo grouped at once (group_chunk()).  Nodes
** 0..n-1 of the union-find are its articles, n..n+ngroups-1 the groups of
** the archive they match.  All arrays owned, freed by chunk_free().
*/
typedef struct near_chunk {
    const sqlite3_int64 *rowid;       /* [n] ascending; not owned */
    size_t n;                         /* articles */
    unsigned char (*blob)[NEAR_BLOB]; /* [n] fingerprints (sig_blob()) */
    unsigned char *valid;             /* [n] 0: no word, no group */
    near_key *keys;                   /* [nkeys] by key, then item */
    size_t nkeys;                     /* NEAR_BANDS a valid article */
    near_link *links;                 /* [nlinks] */
    size_t nlinks, caplinks;          /* used, allocated */
    sqlite3_int64 *groups;            /* [ngroups] linked, ascending */
    size_t ngroups;                   /* distinct groups of links */
    size_t *parent;                   /* [n + ngroups] union-find */
    sqlite3_int64 *low;               /* [n + ngroups] smallest rowid */
} near_chunk;

static void chunk_free(near_chunk *c)
{
    fouine_free(c->blob);
    fouine_free(c->valid);
    fouine_free(c->keys);
    fouine_free(c->links);
    fouine_free(c->groups);
    fouine_free(c->parent);
    fouine_free(c->low);
}

static int key_cmp(const void *pa, const void *pb)
{
    const near_key *a = pa, *b = pb;
    if (a->key != b->key) {
        return a->key < b->key ? -1 : 1;
    }
    return a->item < b->item ? -1 : a->item > b->item;
}

static int link_cmp(const void *pa, const void *pb)
{
    const near_link *a = pa, *b = pb;
    if (a->item != b->item) {
        return a->item < b->item ? -1 : 1;
    }
    return a->grp < b->grp ? -1 : a->grp > b->grp;
}

static int int64_cmp(const void *pa, const void *pb)
{
    sqlite3_int64 a = *(const sqlite3_int64 *)pa,
                  b = *(const sqlite3_int64 *)pb;
    return a < b ? -1 : a > b;
}

/* The root of node x, halving the path. */
static size_t uf_find(size_t *parent, size_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Whether the article at rowid is one of the chunk's. */
static int chunk_has(const near_chunk *c, sqlite3_int64 rowid)
{
    return bsearch(&rowid, c->rowid, c->n, sizeof *c->rowid, int64_cmp) != NULL;
}

/* The fingerprints and band keys of the chunk's articles (those the reader
** thread kept, else made from their text with an), keys sorted. */
static FOUINE_WUR int chunk_sign(near_chunk *c,
                                 fouine_near *nr,
                                 fouine_analyzer *an,
                                 const uint64_t *hash)
{
    size_t i;
    int rc = FOUINE_OK, b;
    for (i = 0; rc == FOUINE_OK && i < c->n; i++) {
        fouine_near_sig made;
        const fouine_near_sig *sig = NULL;
        if (nr->nslots) {
            near_entry *e = near_slot(nr, hash[i]);
            sig = e->used ? &e->sig : NULL;
        }
        if (!sig) {
            rc = sign_row(&made, nr, an, c->rowid[i]);
            sig = &made;
        }
        if (rc != FOUINE_OK || !sig->valid) {
            continue; /* no words: a group of its own */
        }
        c->valid[i] = 1;
        sig_blob(c->blob[i], sig);
        for (b = 0; b < NEAR_BANDS; b++) {
            c->keys[c->nkeys].key = band_key(c->blob[i], b);
            c->keys[c->nkeys].item = i;
            c->nkeys++;
        }
    }
    if (rc == FOUINE_OK && c->nkeys) {
        qsort(c->keys, c->nkeys, sizeof *c->keys, key_cmp);
    }
    return rc;
}

/* Record that item matches the archive's group grp. */
static FOUINE_WUR int chunk_link(near_chunk *c, size_t item, sqlite3_int64 grp)
{
    if (c->nlinks == c->caplinks) {
        size_t cap = c->caplinks ? 2 * c->caplinks : 256;
        near_link *grown = fouine_realloc(c->links, cap * sizeof *grown);
        if (!grown) {
            return FOUINE_ENOMEM;
        }
        c->links = grown;
        c->caplinks = cap;
    }
    c->links[c->nlinks].item = item;
    c->links[c->nlinks].grp = grp;
    c->nlinks++;
    return FOUINE_OK;
}

/* The first of the keys [from, to) of c not below key. */
static size_t chunk_key_at(const near_chunk *c,
                           size_t from,
                           size_t to,
                           uint64_t key)
{
    while (from < to) {
        size_t mid = from + (to - from) / 2;
        if (c->keys[mid].key < key) {
            from = mid + 1;
        } else {
            to = mid;
        }
    }
    return from;
}

/* The matches in the archive (the fingerprints in near) of the articles
** having the keys [from, to) of c, at most NEAR_STEP distinct keys: one
** look-up. */
static FOUINE_WUR int chunk_archive_step(near_chunk *c,
                                         fouine_near *nr,
                                         size_t from,
                                         size_t to)
{
    sqlite3_stmt *s;
    size_t i;
    int rc = near_stmt(&s, nr, NS_LOOKUP), step = SQLITE_DONE, param = 0;
    if (rc != FOUINE_OK) {
        return rc;
    }
    for (i = from; i < to; i++) {
        if (i == from || c->keys[i].key != c->keys[i - 1].key) {
            sqlite3_bind_int64(s, ++param, (sqlite3_int64)c->keys[i].key);
        }
    }
    while (param < NEAR_STEP) { /* the same key again: nothing more */
        sqlite3_bind_int64(s, ++param, (sqlite3_int64)c->keys[from].key);
    }
    while (rc == FOUINE_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        uint64_t key = (uint64_t)sqlite3_column_int64(s, 0);
        const unsigned char *other = sqlite3_column_blob(s, 3);
        if (!other || sqlite3_column_bytes(s, 3) != NEAR_BLOB ||
            chunk_has(c, sqlite3_column_int64(s, 1))) {
            continue; /* its fingerprint is being made again */
        }
        for (i = chunk_key_at(c, from, to, key);
             rc == FOUINE_OK && i < to && c->keys[i].key == key; i++) {
            if (sig_matches(c->blob[c->keys[i].item], other) >=
                NEAR_MIN_MATCH) {
                rc = chunk_link(c, c->keys[i].item, sqlite3_column_int64(s, 2));
            }
        }
    }
    if (rc == FOUINE_OK && step != SQLITE_DONE) {
        rc = fouine_store_error(nr->db);
    }
    sqlite3_reset(s);
    return rc;
}

/* The matches of the chunk's articles in the archive, looked up in key
** order (near_band's order), NEAR_STEP distinct keys at a time; then the
** distinct groups matched, ascending. */
static FOUINE_WUR int chunk_archive(near_chunk *c, fouine_near *nr)
{
    size_t i = 0, j, k, g;
    int rc = FOUINE_OK;
    while (rc == FOUINE_OK && i < c->nkeys) {
        size_t distinct = 1;
        for (j = i + 1; j < c->nkeys; j++) {
            if (c->keys[j].key != c->keys[j - 1].key &&
                ++distinct > NEAR_STEP) {
                break;
            }
        }
        rc = chunk_archive_step(c, nr, i, j);
        i = j;
    }
    if (rc != FOUINE_OK) {
        return rc;
    }
    /* One link a pair, at most NEAR_MERGE_MAX groups an article. */
    if (c->nlinks) { /* qsort() wants a base, even of no element */
        qsort(c->links, c->nlinks, sizeof *c->links, link_cmp);
    }
    for (i = j = 0; i < c->nlinks; i++) {
        if (i > 0 && c->links[i].item == c->links[i - 1].item) {
            if (c->links[i].grp == c->links[i - 1].grp) {
                continue;
            }
            for (k = j; k > 0 && c->links[k - 1].item == c->links[i].item;
                 k--) {
            }
            if (j - k >= NEAR_MERGE_MAX) {
                continue;
            }
        }
        c->links[j++] = c->links[i];
    }
    c->nlinks = j;
    c->groups = fouine_malloc((c->nlinks ? c->nlinks : 1) * sizeof *c->groups);
    if (!c->groups) {
        return FOUINE_ENOMEM;
    }
    for (i = 0; i < c->nlinks; i++) {
        c->groups[i] = c->links[i].grp;
    }
    if (c->nlinks) {
        qsort(c->groups, c->nlinks, sizeof *c->groups, int64_cmp);
    }
    for (i = g = 0; i < c->nlinks; i++) {
        if (g == 0 || c->groups[g - 1] != c->groups[i]) {
            c->groups[g++] = c->groups[i];
        }
    }
    c->ngroups = g;
    return FOUINE_OK;
}

/* The sets: articles of the chunk sharing a key whose fingerprints match,
** and articles with the groups they match; each set's low is its smallest
** rowid (a group's id is one). */
static FOUINE_WUR int chunk_unite(near_chunk *c)
{
    size_t nodes = c->n + c->ngroups, i, j, x, y;
    c->parent = fouine_malloc(nodes * sizeof *c->parent);
    c->low = fouine_malloc(nodes * sizeof *c->low);
    if (!c->parent || !c->low) {
        return FOUINE_ENOMEM;
    }
    for (i = 0; i < nodes; i++) {
        c->parent[i] = i;
        c->low[i] = i < c->n ? c->rowid[i] : c->groups[i - c->n];
    }
    for (i = 0; i < c->nkeys; i = j) {
        for (j = i + 1; j < c->nkeys && c->keys[j].key == c->keys[i].key; j++) {
        }
        for (x = i; x < j; x++) {
            for (y = x + 1; y < j; y++) {
                size_t a = uf_find(c->parent, c->keys[x].item),
                       b = uf_find(c->parent, c->keys[y].item);
                if (a != b &&
                    sig_matches(c->blob[c->keys[x].item],
                                c->blob[c->keys[y].item]) >= NEAR_MIN_MATCH) {
                    c->parent[b] = a;
                }
            }
        }
    }
    for (i = 0; i < c->nlinks; i++) {
        const sqlite3_int64 *g =
            bsearch(&c->links[i].grp, c->groups, c->ngroups, sizeof *c->groups,
                    int64_cmp);
        size_t a = uf_find(c->parent, c->links[i].item),
               b = uf_find(c->parent, c->n + (size_t)(g - c->groups));
        if (a != b) {
            c->parent[b] = a;
        }
    }
    for (i = 0; i < nodes; i++) {
        size_t r = uf_find(c->parent, i);
        if (c->low[i] < c->low[r]) {
            c->low[r] = c->low[i];
        }
    }
    return FOUINE_OK;
}

/* Write the chunk's sets: the groups of the archive merged into their
** set's low, the fingerprints with their set's low (rowid order), the
** band keys (key order). */
static FOUINE_WUR int chunk_write(near_chunk *c, fouine_near *nr)
{
    sqlite3_stmt *s;
    size_t i;
    int rc = FOUINE_OK;
    for (i = 0; rc == FOUINE_OK && i < c->ngroups; i++) {
        sqlite3_int64 low = c->low[uf_find(c->parent, c->n + i)];
        if (low != c->groups[i]) {
            rc = near_stmt(&s, nr, NS_MERGE);
            if (rc == FOUINE_OK) {
                sqlite3_bind_int64(s, 1, low);
                sqlite3_bind_int64(s, 2, c->groups[i]);
                rc = near_done(nr, s);
            }
        }
    }
    for (i = 0; rc == FOUINE_OK && i < c->n; i++) {
        if (!c->valid[i]) {
            continue;
        }
        rc = near_stmt(&s, nr, NS_INSERT);
        if (rc == FOUINE_OK) {
            sqlite3_bind_int64(s, 1, c->rowid[i]);
            sqlite3_bind_int64(s, 2, c->low[uf_find(c->parent, i)]);
            sqlite3_bind_blob(s, 3, c->blob[i], NEAR_BLOB, SQLITE_STATIC);
            rc = near_done(nr, s);
        }
    }
    for (i = 0; rc == FOUINE_OK && i < c->nkeys; i += NEAR_STEP) {
        int k;
        rc = near_stmt(&s, nr, NS_BANDS);
        /* Past the end, the last key again (ignored). */
        for (k = 0; rc == FOUINE_OK && k < NEAR_STEP; k++) {
            const near_key *key =
                &c->keys[i + k < c->nkeys ? i + k : c->nkeys - 1];
            sqlite3_bind_int64(s, 2 * k + 1, (sqlite3_int64)key->key);
            sqlite3_bind_int64(s, 2 * k + 2, c->rowid[key->item]);
        }
        if (rc == FOUINE_OK) {
            rc = near_done(nr, s);
        }
    }
    return rc;
}

/*
** Group n articles of near_todo (rowid ascending, hash their
** fouine_article_hash()), none of them yet in near: fingerprint them, find
** their matches among themselves and in the archive, write their groups,
** fingerprints and band keys.  The same groups as adding them one by one,
** each joining the groups it matches, merged into the one of the smallest
** rowid.  Returns FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM.
*/
static FOUINE_WUR int group_chunk(fouine_near *nr,
                                  fouine_analyzer *an,
                                  const sqlite3_int64 *rowid,
                                  const uint64_t *hash,
                                  size_t n)
{
    near_chunk c;
    int rc = FOUINE_ENOMEM;
    memset(&c, 0, sizeof c);
    c.rowid = rowid;
    c.n = n;
    c.blob = fouine_malloc(n * sizeof *c.blob);
    c.valid = fouine_calloc(n, sizeof *c.valid);
    c.keys = fouine_malloc(n * NEAR_BANDS * sizeof *c.keys);
    if (!c.blob || !c.valid || !c.keys) {
        goto done;
    }
    rc = chunk_sign(&c, nr, an, hash);
    if (rc == FOUINE_OK) {
        rc = chunk_archive(&c, nr);
    }
    if (rc == FOUINE_OK) {
        rc = chunk_unite(&c);
    }
    if (rc == FOUINE_OK) {
        rc = chunk_write(&c, nr);
    }
done:
    chunk_free(&c);
    return rc;
}

/* The next articles of near_todo to fingerprint. */
typedef struct todo_list {
    sqlite3_int64 rowid[NEAR_CHUNK]; /* ascending */
    uint64_t hash[NEAR_CHUNK];       /* their fouine_article_hash() */
    size_t n;                        /* articles */
} todo_list;

/* Read into l the first NEAR_CHUNK articles of near_todo after rowid
** after (all of them when there are fewer). */
static FOUINE_WUR int read_todo(todo_list *l,
                                fouine_near *nr,
                                sqlite3_int64 after)
{
    sqlite3_stmt *s;
    int rc = near_stmt(&s, nr, NS_TODO), step;
    l->n = 0;
    if (rc != FOUINE_OK) {
        return rc;
    }
    sqlite3_bind_int64(s, 1, after);
    sqlite3_bind_int64(s, 2, NEAR_CHUNK);
    while ((step = sqlite3_step(s)) == SQLITE_ROW && l->n < NEAR_CHUNK) {
        const char *h = (const char *)sqlite3_column_text(s, 1);
        l->rowid[l->n] = sqlite3_column_int64(s, 0);
        l->hash[l->n] = h ? strtoull(h, NULL, 16) : 0;
        l->n++;
    }
    rc = step == SQLITE_DONE || step == SQLITE_ROW ? FOUINE_OK :
                                                     fouine_store_error(nr->db);
    sqlite3_reset(s);
    return rc;
}

int fouine_near_flush(fouine_near *nr, fouine_analyzer *an)
{
    todo_list *l = NULL;
    sqlite3_int64 after = INT64_MIN;
    sqlite3_stmt *s;
    int rc = FOUINE_OK, any = 0;

    if (nr->disabled) {
        return FOUINE_OK; /* left in near_todo for a run that fingerprints */
    }
    l = fouine_malloc(sizeof *l);
    if (!l) {
        return FOUINE_ENOMEM;
    }
    do {
        rc = read_todo(l, nr, after);
        if (rc == FOUINE_OK && l->n) {
            rc = group_chunk(nr, an, l->rowid, l->hash, l->n);
            after = l->rowid[l->n - 1];
            any = 1;
        }
    } while (rc == FOUINE_OK && l->n == NEAR_CHUNK);
    if (rc == FOUINE_OK && any) {
        rc = near_stmt(&s, nr, NS_CLEAR);
        if (rc == FOUINE_OK) {
            rc = near_done(nr, s);
        }
    }
    fouine_free(l);
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
