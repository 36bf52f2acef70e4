/*
** complete.c: completions of what a reader is typing (fouine_complete(),
** fouine/search.h), for a search box such as fouine-serve's.
**
** The last word typed is a prefix.  Alone, it is completed from the words
** of the index (the lexicon: the folds that start with its fold, each
** counted by the articles holding its tokens, fts5vocab over article_fts),
** most frequent first, stop words left out.  After other words, the last
** two of them and the prefix are searched as a phrase whose last word is a
** prefix, and the phrases found in the first PHRASE_ROWS matching articles
** are ranked by the number of those articles holding them.  Words are
** compared by their folds ("etat"); the form shown ("État", "état") is the
** one most often written in the articles' own text, read back through
** snippet().  Each completion shown is counted as a search of it counts
** its matches (exact_count()).
*/
#include "indexer.h"
#include "search_int.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "fouine/alloc.h"
#include "store.h"

#define MAX_FORM        256  /* bytes of a completion as written */
#define MAX_FORMS       6    /* written forms kept for one completion */
#define MAX_GROUPS      48   /* completions considered */
#define MAX_TOKENS      64   /* tokens of the text considered */
#define PHRASE_WORDS    2    /* words typed before the prefix that are kept */
#define PHRASE_ROWS     100  /* articles read to find phrases */
#define FORM_ROWS       6    /* articles read to find how a word is written */
#define WORD_CANDIDATES 400  /* words compared for a completion */
#define LEXICON_ROWS    2000 /* lexicon rows read for them, at most */

/* What a completion runs on: a connection and an analyzer, not owned;
** the lexicon and the count statement, made on first use and owned
** (completer_clear()). */
typedef struct completer {
    sqlite3 *db;
    fouine_analyzer *an;
    fouine_lexicon *lx;
    sqlite3_stmt *count;
} completer;

/* The lexicon of w's connection, opened once a completion. */
static int completer_lexicon(fouine_lexicon **out, completer *w)
{
    int rc = w->lx ? FOUINE_OK : fouine_lexicon_open(&w->lx, w->db);
    *out = w->lx;
    return rc;
}

static void completer_clear(completer *w)
{
    sqlite3_finalize(w->count);
    fouine_lexicon_close(w->lx);
    w->count = NULL;
    w->lx = NULL;
}

/* A token of the typed text. */
typedef struct typed_token {
    size_t start;   /* byte offset of its word in the text */
    size_t end;     /* just past it */
    fouine_qword w; /* the word analyzed; w.fold NUL-terminated */
} typed_token;

/* The tokens of the typed text. */
typedef struct typed {
    typed_token tok[MAX_TOKENS]; /* the last MAX_TOKENS tokens */
    size_t n;                    /* how many are in tok */
} typed;

/* One completion being collected: its key and the forms it is written in. */
typedef struct group {
    char key[MAX_FORM];              /* folded words, space-separated */
    char forms[MAX_FORMS][MAX_FORM]; /* written forms */
    int form_count[MAX_FORMS];       /* occurrences of each */
    size_t nforms;                   /* forms used */
    long count;                      /* articles holding it */
    char tokens[MAX_FORM];           /* a word's tokens, '|'-separated */
} group;

/* Collect the words typed, their token and fold (FOUINE_ANALYZE_WORDS). */
static int collect_token(const char *token,
                         size_t len,
                         size_t start,
                         size_t end,
                         int flags,
                         void *payload)
{
    typed *t = payload;
    typed_token *tok;
    if (flags & FOUINE_TOKEN_COLOCATED) {
        if (t->n > 0) {
            fouine_qword_put(&t->tok[t->n - 1].w, token, len, flags);
        }
        return 0;
    }
    if (t->n == MAX_TOKENS) {
        memmove(t->tok, t->tok + 1, (MAX_TOKENS - 1) * sizeof t->tok[0]);
        t->n--;
    }
    tok = &t->tok[t->n++];
    fouine_qword_put(&tok->w, token, len, flags);
    tok->start = start;
    tok->end = end;
    return 0;
}

/* Copy s[0..n) into dst (MAX_FORM bytes), cut on a character boundary. */
static void copy_form(char *dst, const char *s, size_t n)
{
    if (n >= MAX_FORM) {
        n = MAX_FORM - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
            n--;
        }
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* Count one occurrence of the written form s[0..n) in g. */
static void add_form(group *g, const char *s, size_t n)
{
    char form[MAX_FORM];
    size_t i;
    copy_form(form, s, n);
    for (i = 0; i < g->nforms; i++) {
        if (strcmp(g->forms[i], form) == 0) {
            g->form_count[i]++;
            return;
        }
    }
    if (g->nforms < MAX_FORMS) {
        memcpy(g->forms[g->nforms], form, sizeof form);
        g->form_count[g->nforms++] = 1;
    }
}

/* Whether a and b differ only by the case of their first character. */
static int same_but_first_case(const char *a, const char *b)
{
    utf8proc_int32_t ca, cb;
    utf8proc_ssize_t na =
        utf8proc_iterate((const utf8proc_uint8_t *)a, -1, &ca);
    utf8proc_ssize_t nb =
        utf8proc_iterate((const utf8proc_uint8_t *)b, -1, &cb);
    if (na <= 0 || nb <= 0 || ca == cb) {
        return 0;
    }
    return utf8proc_tolower(ca) == utf8proc_tolower(cb) &&
           strcmp(a + na, b + nb) == 0;
}

/* The form to show for g: the most frequent, but the lowercase one when
** it also occurs with a capital only at the start of a sentence. */
static const char *best_form(const group *g)
{
    size_t i, best = 0;
    if (g->nforms == 0) {
        return g->key;
    }
    for (i = 1; i < g->nforms; i++) {
        if (g->form_count[i] > g->form_count[best]) {
            best = i;
        }
    }
    for (i = 0; i < g->nforms; i++) {
        utf8proc_int32_t c;
        if (i != best && same_but_first_case(g->forms[i], g->forms[best]) &&
            utf8proc_iterate((const utf8proc_uint8_t *)g->forms[i], -1, &c) >
                0 &&
            utf8proc_tolower(c) == c) {
            return g->forms[i];
        }
    }
    return g->forms[best];
}

/* Append the text between the marks of a snippet to g; 0 if none. */
static int add_marked(group *g, const char *snip)
{
    const char *open = snip ? strchr(snip, '\x01') : NULL;
    const char *close = open ? strchr(open + 1, '\x02') : NULL;
    if (!close) {
        return 0;
    }
    add_form(g, open + 1, (size_t)(close - open - 1));
    return 1;
}

/*
** Write into b the FTS5 phrase of the words tok[from..n): each word as the
** tokens of its fold, the last as the prefixes of the tokens whose fold
** starts with its own, then " *" (a phrase whose last word is a prefix).
** Returns FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM.
*/
static int phrase_expr(fouine_buf *b,
                       fouine_lexicon *lx,
                       const typed *t,
                       size_t from)
{
    size_t i;
    int rc = FOUINE_OK;
    fouine_buf_puts(b, "\"");
    for (i = from; rc == FOUINE_OK && i < t->n; i++) {
        fouine_forms f;
        rc = i + 1 == t->n ?
                 fouine_forms_prefix(&f, lx, &t->tok[i].w) :
                 fouine_forms_of(&f, lx, &t->tok[i].w, FOUINE_FORMS_SAME);
        if (rc == FOUINE_OK) {
            fouine_buf_printf(b, "%s{%s}", i > from ? " " : "",
                              f.tier[0].data ? f.tier[0].data : "");
            fouine_forms_clear(&f);
        }
    }
    fouine_buf_puts(b, "\" *");
    if (rc == FOUINE_OK && b->failed) {
        rc = FOUINE_ENOMEM;
    }
    return rc;
}

/* Ensure temp.fouine_vocab exists on the connection (it lasts as long). */
static int ensure_vocab(completer *w)
{
    if (sqlite3_exec(w->db,
                     "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fouine_vocab"
                     " USING fts5vocab(main, 'article_fts', 'row')",
                     NULL, NULL, NULL) != SQLITE_OK) {
        return fouine_store_error(w->db);
    }
    return FOUINE_OK;
}

/* Order of groups: most articles first, then by key. */
static int by_count(const void *a, const void *b)
{
    const group *ga = a, *gb = b;
    if (ga->count != gb->count) {
        return ga->count < gb->count ? 1 : -1;
    }
    return strcmp(ga->key, gb->key);
}

/* Fill groups (room for max) with the words of the index whose fold starts
** with the fold of word, the most frequent first. */
static int word_groups(completer *w,
                       const fouine_qword *word,
                       group *groups,
                       size_t *ngroups,
                       size_t max)
{
    static const char lexicon_sql[] =
        "SELECT token, fold FROM lexicon"
        " WHERE fold >= ?1 AND fold < ?2 ORDER BY fold LIMIT ?3";
    static const char docs_sql[] =
        "SELECT doc FROM temp.fouine_vocab WHERE term = ?1";
    static const char form_sql[] =
        "SELECT snippet(article_fts, -1, char(1), char(2), '', 1)"
        " FROM article_fts WHERE article_fts MATCH ?1 LIMIT ?2";
    sqlite3_stmt *lex = NULL, *docs = NULL, *form = NULL;
    group *all = NULL;
    fouine_buf expr = { 0 };
    char upper[4 * FOUINE_MAX_WORD + 8];
    size_t n = word->nfold, i, nall = 0;
    int rc, step;

    *ngroups = 0;
    rc = ensure_vocab(w);
    if (rc != FOUINE_OK || n == 0 || n >= sizeof upper) {
        goto done;
    }
    all = fouine_calloc(WORD_CANDIDATES, sizeof *all);
    if (!all) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    if (sqlite3_prepare_v2(w->db, lexicon_sql, -1, &lex, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, docs_sql, -1, &docs, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, form_sql, -1, &form, NULL) != SQLITE_OK) {
        rc = FOUINE_EDB;
        goto done;
    }
    /* Folds in [fold, fold with its last byte raised): those starting with
    ** it (bytes compare as in memcmp). */
    memcpy(upper, word->fold, n + 1);
    upper[n - 1] = (char)((unsigned char)upper[n - 1] + 1);
    sqlite3_bind_text(lex, 1, word->fold, (int)n, SQLITE_STATIC);
    sqlite3_bind_text(lex, 2, upper, (int)n, SQLITE_STATIC);
    sqlite3_bind_int(lex, 3, LEXICON_ROWS);
    while ((step = sqlite3_step(lex)) == SQLITE_ROW) {
        const char *token = (const char *)sqlite3_column_text(lex, 0);
        size_t ntoken = (size_t)sqlite3_column_bytes(lex, 0);
        const char *fold = (const char *)sqlite3_column_text(lex, 1);
        size_t nfold = (size_t)sqlite3_column_bytes(lex, 1);
        long long count = 0;
        group *g;
        if (!token || !fold || nfold == 0 || nfold >= MAX_FORM ||
            fouine_is_stopword(fold, nfold)) {
            continue;
        }
        sqlite3_bind_text(docs, 1, token, (int)ntoken, SQLITE_STATIC);
        if (sqlite3_step(docs) == SQLITE_ROW) {
            count = sqlite3_column_int64(docs, 0);
        }
        sqlite3_reset(docs);
        if (count == 0) {
            continue; /* a word of articles since removed */
        }
        /* Rows come by fold: a new fold starts a new group. */
        if (nall == 0 || strcmp(all[nall - 1].key, fold) != 0) {
            if (nall == WORD_CANDIDATES) {
                break;
            }
            g = &all[nall++];
            copy_form(g->key, fold, nfold);
        }
        g = &all[nall - 1];
        g->count += count; /* a bound: an article may hold two tokens */
        if (strlen(g->tokens) + ntoken + 2 < sizeof g->tokens) {
            if (g->tokens[0]) {
                strcat(g->tokens, "|");
            }
            strncat(g->tokens, token, ntoken);
        }
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = FOUINE_EDB;
        goto done;
    }
    qsort(all, nall, sizeof *all, by_count);
    for (i = 0; i < nall && *ngroups < max; i++) {
        groups[(*ngroups)++] = all[i];
    }
    /* How each word is written: in the running text first, where a
    ** capital means a name rather than the start of a title; else
    ** anywhere. */
    for (i = 0; i < *ngroups; i++) {
        static const char *const where[] = { "{lead body} : ", "" };
        size_t k;
        for (k = 0; k < 2 && groups[i].nforms == 0; k++) {
            expr.len = 0;
            fouine_buf_printf(&expr, "%s\"{%s}\"", where[k], groups[i].tokens);
            fouine_buf_append(&expr, "", 0);
            if (expr.failed) {
                rc = FOUINE_ENOMEM;
                goto done;
            }
            sqlite3_reset(form);
            sqlite3_bind_text(form, 1, expr.data, -1, SQLITE_STATIC);
            sqlite3_bind_int(form, 2, FORM_ROWS);
            while (sqlite3_step(form) == SQLITE_ROW) {
                add_marked(&groups[i],
                           (const char *)sqlite3_column_text(form, 0));
            }
        }
    }
    rc = FOUINE_OK;
done:
    fouine_free(expr.data);
    fouine_free(all);
    sqlite3_finalize(lex);
    sqlite3_finalize(docs);
    sqlite3_finalize(form);
    return rc;
}

/* Collects the folded key of a phrase. */
typedef struct key_ctx {
    char *key;    /* MAX_FORM bytes */
    size_t len;   /* bytes used */
    size_t words; /* words in it */
    size_t last;  /* offset of the last word */
} key_ctx;

static int key_token(const char *token,
                     size_t len,
                     size_t start,
                     size_t end,
                     int flags,
                     void *payload)
{
    key_ctx *k = payload;
    (void)start;
    (void)end;
    if (!(flags & FOUINE_TOKEN_FOLD)) {
        return 0; /* the key is made of folds */
    }
    if (k->len + len + 2 > MAX_FORM) {
        return FOUINE_ESTOP;
    }
    if (k->len) {
        k->key[k->len++] = ' ';
    }
    k->last = k->len;
    k->words++;
    memcpy(k->key + k->len, token, len);
    k->len += len;
    k->key[k->len] = '\0';
    return 0;
}

/* Fill groups with the phrases of the index that continue the last
** tokens of t (tok[from..n), the last one a prefix). */
static int phrase_groups(completer *w,
                         const typed *t,
                         size_t from,
                         group *groups,
                         size_t *ngroups)
{
    static const char sql[] =
        "SELECT snippet(article_fts, -1, char(1), char(2), '', ?2)"
        " FROM article_fts WHERE article_fts MATCH ?1 LIMIT ?3";
    sqlite3_stmt *stmt = NULL;
    fouine_lexicon *lx = NULL;
    fouine_buf expr = { 0 };
    int rc;

    *ngroups = 0;
    rc = completer_lexicon(&lx, w);
    if (rc == FOUINE_OK) {
        rc = phrase_expr(&expr, lx, t, from);
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    fouine_buf_append(&expr, "", 0);
    rc = FOUINE_EDB;
    if (expr.failed) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    if (sqlite3_prepare_v2(w->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    sqlite3_bind_text(stmt, 1, expr.data, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 2, (int)(t->n - from));
    sqlite3_bind_int(stmt, 3, PHRASE_ROWS);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *snip = (const char *)sqlite3_column_text(stmt, 0);
        const char *open = snip ? strchr(snip, '\x01') : NULL;
        const char *close = open ? strchr(open + 1, '\x02') : NULL;
        char key[MAX_FORM] = "";
        key_ctx k = { key, 0, 0, 0 };
        size_t i;
        if (!close) {
            continue;
        }
        if (fouine_analyzer_run(w->an, open + 1, (size_t)(close - open - 1),
                                FOUINE_ANALYZE_WORDS, key_token,
                                &k) == FOUINE_ENOMEM) {
            rc = FOUINE_ENOMEM;
            goto done;
        }
        /* The snippet may show only part of the phrase: keep whole ones,
        ** whose last word starts with the prefix. */
        if (k.words != t->n - from ||
            strncmp(key + k.last, t->tok[t->n - 1].w.fold,
                    t->tok[t->n - 1].w.nfold) != 0) {
            continue;
        }
        for (i = 0; i < *ngroups && strcmp(groups[i].key, key) != 0; i++) {
        }
        if (i == *ngroups) {
            if (*ngroups == MAX_GROUPS) {
                continue;
            }
            memset(&groups[i], 0, sizeof groups[i]);
            memcpy(groups[i].key, key, sizeof key);
            (*ngroups)++;
        }
        groups[i].count++;
        add_marked(&groups[i], snip);
    }
    rc = FOUINE_OK;
done:
    sqlite3_finalize(stmt);
    fouine_free(expr.data);
    return rc;
}

/*
** The number of articles that searching text finds, as fouine_search()
** counts them (every word required, through the lexicon; a group of
** wire-story duplicates counted once, as the search collapses them by
** default): the count shown with a completion is the total that choosing
** it gives.
*/
static int exact_count(long long *out, completer *w, const char *text)
{
    fouine_lexicon *lx = NULL;
    fouine_parsed q;
    long long matches = 0;
    int rc;

    *out = 0;
    memset(&q, 0, sizeof q);
    rc = completer_lexicon(&lx, w);
    if (rc == FOUINE_OK) {
        rc = fouine_parse(&q, w->an, lx, text, strlen(text));
    }
    if (rc == FOUINE_OK && q.expr && !w->count) {
        rc = fouine_groups_register(w->db);
        if (rc == FOUINE_OK &&
            sqlite3_prepare_v2(w->db,
                               "SELECT fouine_groups(rowid, :groups)"
                               " FROM article_fts WHERE article_fts MATCH"
                               " :expr",
                               -1, &w->count, NULL) != SQLITE_OK) {
            rc = fouine_store_error(w->db);
        }
    }
    if (rc == FOUINE_OK && q.expr) {
        sqlite3_bind_text(w->count,
                          sqlite3_bind_parameter_index(w->count, ":expr"),
                          q.expr, -1, SQLITE_STATIC);
        rc = fouine_groups_count(out, &matches, w->count);
        if (rc == FOUINE_EDB) {
            rc = fouine_store_error(w->db);
        }
        sqlite3_reset(w->count);
    }
    fouine_parsed_clear(&q);
    return rc;
}

/* fouine_completions and what it owns: the public part first. */
typedef struct completions {
    fouine_completions pub;
    fouine_completion *items; /* owned */
    char **text;              /* the texts of items, each owned */
    size_t n;                 /* items filled */
} completions;

void fouine_completions_free(fouine_completions *pub)
{
    completions *c = (completions *)pub;
    size_t i;
    if (!c) {
        return;
    }
    for (i = 0; i < c->n; i++) {
        fouine_free(c->text[i]);
    }
    fouine_free(c->text);
    fouine_free(c->items);
    fouine_free(c);
}

int fouine_complete(fouine_completions **out,
                    fouine_index *ix,
                    const char *text,
                    size_t max)
{
    fouine_analyzer *an = NULL;
    int rc;
    *out = NULL;
    rc = fouine_index_analyzer(&an, ix);
    if (rc != FOUINE_OK) {
        return rc;
    }
    return fouine_complete_db(out, fouine_index_db(ix), an, text, max);
}

int fouine_complete_db(fouine_completions **out,
                       sqlite3 *db,
                       fouine_analyzer *an,
                       const char *text,
                       size_t max)
{
    completer cw = { db, an, NULL, NULL }, *w = &cw;
    typed *t = NULL;
    group *groups = NULL;
    completions *list = NULL;
    size_t len = strlen(text), ngroups = 0, from, i;
    char *line = NULL;
    int rc;

    *out = NULL;
    list = fouine_calloc(1, sizeof *list);
    t = fouine_calloc(1, sizeof *t);
    groups = fouine_calloc(MAX_GROUPS, sizeof *groups);
    line = fouine_malloc(len + MAX_FORM + 1);
    if (list && max > 0) {
        size_t room = max < MAX_GROUPS ? max : MAX_GROUPS;
        list->items = fouine_calloc(room, sizeof *list->items);
        list->text = fouine_calloc(room, sizeof *list->text);
        if (!list->items || !list->text) {
            fouine_completions_free(&list->pub);
            list = NULL;
        }
    }
    if (!list || !t || !groups || !line) {
        rc = FOUINE_ENOMEM;
        goto done;
    }
    rc = fouine_analyzer_run(w->an, text, len, FOUINE_ANALYZE_WORDS,
                             collect_token, t);
    if (rc != FOUINE_OK) {
        goto done;
    }
    /* Nothing is being typed when the text ends after its last word. */
    if (t->n == 0 || t->tok[t->n - 1].end != len) {
        goto reply;
    }
    from = t->n > PHRASE_WORDS ? t->n - PHRASE_WORDS - 1 : 0;
    if (from + 1 == t->n) {
        rc = word_groups(w, &t->tok[from].w, groups, &ngroups,
                         max < MAX_GROUPS ? max : MAX_GROUPS);
    } else {
        rc = phrase_groups(w, t, from, groups, &ngroups);
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    qsort(groups, ngroups, sizeof *groups, by_count);
    for (i = 0; i < ngroups && i < max; i++) {
        size_t keep = t->tok[from].start;
        size_t n;
        memcpy(line, text, keep);
        n = strlen(best_form(&groups[i]));
        memcpy(line + keep, best_form(&groups[i]), n + 1);
        list->text[list->n] = fouine_strdup(line);
        if (!list->text[list->n]) {
            rc = FOUINE_ENOMEM;
            goto done;
        }
        list->items[list->n].text = list->text[list->n];
        list->n++; /* owned by list from here on */
        rc = exact_count(&list->items[list->n - 1].count, w, line);
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    /* Most articles first, by the exact counts (stable). */
    for (i = 1; i < list->n; i++) {
        size_t j;
        for (j = i; j > 0 && list->items[j - 1].count < list->items[j].count;
             j--) {
            fouine_completion c = list->items[j];
            char *text_j = list->text[j];
            list->items[j] = list->items[j - 1];
            list->text[j] = list->text[j - 1];
            list->items[j - 1] = c;
            list->text[j - 1] = text_j;
        }
    }
reply:
    list->pub.items = list->items;
    list->pub.n = list->n;
    *out = &list->pub;
    list = NULL;
    rc = FOUINE_OK;
done:
    completer_clear(w);
    fouine_completions_free(list ? &list->pub : NULL);
    fouine_free(t);
    fouine_free(groups);
    fouine_free(line);
    return rc;
}
