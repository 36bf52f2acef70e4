/*
** suggest.c: "did you mean" from the index's own vocabulary.
**
** For each plain word of the query that no article holds as it is typed
** (its inflections may match: "presidentiell" finds "présidentielle" by
** its stem, and is still corrected), or that is rare (RARE_DOCS) while a
** close word is RARE_RATIO times more common (a typo that slipped into an
** article: "macorn"), the surface
** tokens of article_fts (fts5vocab; stems start with FOUINE_STEM_MARK and
** are skipped) that begin with the same letter are compared with it by
** Damerau-Levenshtein distance (a swap of two letters costs 1: macorn ->
** macron); the closest wins, then the one found in the most articles.
** Surface tokens are accent-folded, so the word is then looked up in an
** article holding it, and written as it is written there, in lower case
** (presidentiell -> présidentielle).
*/
#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "fouine/alloc.h"

#define MAX_WORD 64 /* longer words are not corrected */
#define RARE_DOCS \
    2                 /* a word in so few articles, when the query found
                          so few, may be a typo... */
#define RARE_RATIO 20 /* ...of a word in this many times more articles */

/* The folded surface form of a query word (first token). */
typedef struct first_ctx {
    char word[MAX_WORD + 1];
    size_t len;
    int seen;
} first_ctx;

static int first_token(const char *token,
                       size_t len,
                       size_t start,
                       size_t end,
                       int flags,
                       void *payload)
{
    first_ctx *f = payload;
    (void)start;
    (void)end;
    if ((flags & FOUINE_TOKEN_COLOCATED) || f->seen) {
        return 0;
    }
    f->seen = 1;
    if (len <= MAX_WORD) {
        memcpy(f->word, token, len);
        f->word[len] = '\0';
        f->len = len;
    }
    return 0;
}

/* Damerau-Levenshtein (optimal string alignment) distance over bytes,
** giving up (returning limit + 1) beyond limit. */
static size_t distance(const char *a,
                       size_t n,
                       const char *b,
                       size_t m,
                       size_t limit)
{
    size_t d[MAX_WORD + 2][MAX_WORD + 2];
    size_t i, j;
    if (n > MAX_WORD || m > MAX_WORD) {
        return limit + 1;
    }
    if ((n > m ? n - m : m - n) > limit) {
        return limit + 1;
    }
    for (i = 0; i <= n; i++) {
        d[i][0] = i;
    }
    for (j = 0; j <= m; j++) {
        d[0][j] = j;
    }
    for (i = 1; i <= n; i++) {
        size_t rowmin = (size_t)-1;
        for (j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) {
                v = d[i][j - 1] + 1;
            }
            if (d[i - 1][j - 1] + cost < v) {
                v = d[i - 1][j - 1] + cost;
            }
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v) {
                v = d[i - 2][j - 2] + 1;
            }
            d[i][j] = v;
            if (v < rowmin) {
                rowmin = v;
            }
        }
        if (rowmin > limit) {
            return limit + 1;
        }
    }
    return d[n][m];
}

/* Create the vocabulary table of article_fts on this connection. */
static int vocab_ready(sqlite3 *db)
{
    return sqlite3_exec(db,
                        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fouine_vocab"
                        " USING fts5vocab(main, 'article_fts', 'row')",
                        NULL, NULL, NULL) == SQLITE_OK ?
               FOUINE_OK :
               FOUINE_EDB;
}

/* How many articles hold the surface token word. */
static int surface_docs(sqlite3 *db, const char *word, long long *docs)
{
    sqlite3_stmt *stmt = NULL;
    int rc;
    *docs = 0;
    if (vocab_ready(db) != FOUINE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT doc FROM temp.fouine_vocab WHERE term = ?1",
                           -1, &stmt, NULL) != SQLITE_OK) {
        return FOUINE_EDB;
    }
    sqlite3_bind_text(stmt, 1, word, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *docs = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? FOUINE_OK : FOUINE_EDB;
}

/* The closest vocabulary word to word[0..len), or "" (best, MAX_WORD+1). */
static int closest(sqlite3 *db,
                   const char *word,
                   size_t len,
                   char *best,
                   long long *docs_out)
{
    sqlite3_stmt *stmt = NULL;
    char lo[8], hi[8];
    size_t first = 1, limit = len <= 4 ? 1 : len <= 7 ? 2 : 3;
    size_t best_d = limit + 1;
    long long best_docs = 0;
    int rc = FOUINE_EDB;

    best[0] = '\0';
    while (first < len && ((unsigned char)word[first] & 0xC0) == 0x80) {
        first++;
    }
    memcpy(lo, word, first);
    lo[first] = '\0';
    memcpy(hi, word, first);
    hi[first - 1] = (char)(hi[first - 1] + 1);
    hi[first] = '\0';
    if (vocab_ready(db) != FOUINE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT term, doc FROM temp.fouine_vocab"
                           " WHERE term >= ?1 AND term < ?2",
                           -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    sqlite3_bind_text(stmt, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, hi, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(stmt, 0);
        size_t n = (size_t)sqlite3_column_bytes(stmt, 0), d;
        long long docs = sqlite3_column_int64(stmt, 1);
        if (!t || n > MAX_WORD || t[0] == FOUINE_STEM_MARK) {
            continue;
        }
        d = distance(word, len, t, n, limit);
        if (d == 0 || d > limit || d * 2 >= len) {
            continue;
        }
        if (d < best_d || (d == best_d && docs > best_docs)) {
            best_d = d;
            best_docs = docs;
            memcpy(best, t, n);
            best[n] = '\0';
        }
    }
    rc = rc == SQLITE_DONE ? FOUINE_OK : FOUINE_EDB;
    *docs_out = best_docs;
done:
    sqlite3_finalize(stmt);
    return rc;
}

/* Find in text the source form of the surface token word. */
typedef struct form_ctx {
    const char *word;
    size_t start, end;
    int found;
} form_ctx;

static int form_token(const char *token,
                      size_t len,
                      size_t start,
                      size_t end,
                      int flags,
                      void *payload)
{
    form_ctx *f = payload;
    if (!(flags & FOUINE_TOKEN_COLOCATED) && strlen(f->word) == len &&
        memcmp(token, f->word, len) == 0) {
        f->start = start;
        f->end = end;
        f->found = 1;
        return FOUINE_ESTOP;
    }
    return 0;
}

/* The word as written in an article holding it, lowercased, into out. */
static int written_form(char **out,
                        sqlite3 *db,
                        fouine_analyzer *an,
                        const char *word)
{
    sqlite3_stmt *stmt = NULL;
    fouine_buf expr = { 0 };
    form_ctx f;
    int rc = FOUINE_EDB, col;

    *out = NULL;
    memset(&f, 0, sizeof f);
    f.word = word;
    fouine_buf_printf(&expr, "\"=%s\"", word);
    if (expr.failed) {
        return FOUINE_ENOMEM;
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT a.title, a.lead, a.body FROM article_fts"
                           " JOIN article a ON a.rowid = article_fts.rowid"
                           " WHERE article_fts MATCH ?1 LIMIT 1",
                           -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    sqlite3_bind_text(stmt, 1, expr.data, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        for (col = 0; col < 3 && !f.found; col++) {
            const char *t = (const char *)sqlite3_column_text(stmt, col);
            if (t) {
                rc = fouine_analyzer_run(
                    an, t, strlen(t), FOUINE_ANALYZE_DOCUMENT, form_token, &f);
                if (rc != FOUINE_OK && rc != FOUINE_ESTOP) {
                    goto done;
                }
                if (f.found) {
                    /* Lowercase, accents kept. */
                    rc = fouine_lower(out, t + f.start, f.end - f.start);
                    if (rc != FOUINE_OK) {
                        goto done;
                    }
                }
            }
        }
    }
    rc = FOUINE_OK;
done:
    sqlite3_finalize(stmt);
    fouine_free(expr.data);
    return rc;
}

int fouine_suggest(char **out,
                   sqlite3 *db,
                   fouine_analyzer *an,
                   const fouine_parsed *q,
                   const char *text,
                   long long total)
{
    fouine_buf res = { 0 };
    char best[MAX_WORD + 2];
    long long have = 0, best_docs = 0;
    size_t i, at = 0;
    int rc = FOUINE_OK, changed = 0;

    *out = NULL;
    for (i = 0; i < q->nwords; i++) {
        size_t start = q->words[2 * i], end = q->words[2 * i + 1];
        first_ctx f;
        char *form = NULL;
        memset(&f, 0, sizeof f);
        rc = fouine_analyzer_run(an, text + start, end - start,
                                 FOUINE_ANALYZE_QUERY | FOUINE_ANALYZE_EXACT,
                                 first_token, &f);
        if (rc != FOUINE_OK) {
            goto done;
        }
        if (!f.len) {
            continue;
        }
        rc = surface_docs(db, f.word, &have);
        if (rc != FOUINE_OK) {
            goto done;
        }
        if (have > RARE_DOCS || (have > 0 && total > RARE_DOCS)) {
            continue;
        }
        rc = closest(db, f.word, f.len, best, &best_docs);
        if (rc != FOUINE_OK) {
            goto done;
        }
        if (have > 0 && best_docs < RARE_RATIO * have) {
            continue; /* a rare word, but nothing much more common */
        }
        if (!best[0]) {
            continue;
        }
        rc = written_form(&form, db, an, best);
        if (rc != FOUINE_OK) {
            goto done;
        }
        fouine_buf_append(&res, text + at, start - at);
        fouine_buf_puts(&res, form ? form : best);
        fouine_free(form);
        at = end;
        changed = 1;
    }
    if (changed) {
        fouine_buf_puts(&res, text + at);
        if (res.failed) {
            rc = FOUINE_ENOMEM;
            goto done;
        }
        *out = res.data;
        res.data = NULL;
    }
done:
    fouine_free(res.data);
    return rc;
}
