/*
** parse.c: the query language of fouine-query and fouine-serve, turned into
** FTS5 expressions that always parse.
**
** What a reader can type:
**   mot mot          every word required (stop words dropped)
**   "une phrase"     the words in this order (also « » and “ ”)
**   -mot -"phrase"   exclusions
**   a OR b, a OU b   either (upper case only: "or" and "ou" are words)
**   ( ... )          grouping
**   prefix*          words beginning with prefix
**   =mot             this exact word, not its inflections
**   titre:mot        in a field: titre/title, chapo/lead, texte/body; the
**                    field applies to a word, a phrase or a group
** Anything else is text: it reaches FTS5 only inside quoted strings, cut
** into words by the analyzer, so no input can give an FTS5 syntax error.
** A query made only of stop words is searched as a phrase.  Question words
** that are not stop words (quel, combien, comment...) are searched, except
** in the expression of a long query (fouine_parsed.long_expr); a query that
** ends with '?' or opens with an interrogative is a question
** (fouine_parsed.question), which search.c may rank as a long query.
*/
#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "fouine/alloc.h"

/*
** Groups nested deeper than this are read as if their parentheses were not
** there.  FTS5's parser takes an expression whose parse needs fewer than
** 100 entries on its stack (fts5YYSTACKDEPTH; more: "fts5: parser stack
** overflow").  A group nests at most three levels of the expression (its
** field, an OR, an AND), each taking three entries ("(", a left operand
** and its operator; a field's name, ':' and "("): 9 a group.  The top
** level takes as many plus the wrapping of a long query's items (3), and
** a term at the bottom 9 (its field, "(", phrases OR-ed, '*'): 9 * 8 + 21
** = 93 entries at most.
*/
#define MAX_DEPTH 8

/* Lexical tokens. */
enum {
    T_WORD,   /* a run of text */
    T_PHRASE, /* a quoted phrase */
    T_LPAREN,
    T_RPAREN,
    T_OR,
    T_MINUS, /* '-' glued to what follows */
    T_FIELD  /* "titre:" glued to what follows */
};

typedef struct lexeme {
    int type;     /* T_* */
    size_t start; /* bytes of the text (word or phrase content) */
    size_t end;
    int column; /* T_FIELD: 1 title, 2 lead, 3 body */
    int prefix; /* T_WORD: followed by '*' */
    int exact;  /* T_WORD: preceded by '=' */
} lexeme;

/* Node kinds. */
enum { N_TERM, N_AND, N_OR };

/* A node of the parsed query. */
typedef struct node {
    int kind;     /* N_* */
    int neg;      /* excluded */
    int column;   /* 0, or the field it is restricted to */
    int phrase;   /* N_TERM: typed between quotes */
    int stop;     /* N_TERM: only stop words (outside a phrase) */
    int prefix;   /* N_TERM: prefix* */
    int exact;    /* N_TERM: =mot */
    int question; /* N_TERM: one question word (quel, combien...) */
    char *words;  /* N_TERM: its words as typed, space-separated; owned */
    size_t nword; /* N_TERM: words in it */
    size_t start; /* N_TERM: bytes of the query */
    size_t end;
    const fouine_correction *corr; /* N_TERM: applied correction, or NULL;
                                      not owned */
    fouine_qword *qw;              /* N_TERM: its nword words analyzed; owned */
    fouine_forms *forms;           /* N_TERM: the tokens each may mean; owned */
    fouine_forms *cforms; /* N_TERM: those of corr's candidates; owned */
    struct node **kids;   /* N_AND, N_OR: owned */
    size_t nkids;
} node;

/* State of one parse, on the caller's stack. */
typedef struct parser {
    fouine_analyzer *an;
    fouine_lexicon *lx; /* the index's lexicon, or NULL; not owned */
    const char *text;   /* the query; not owned */
    size_t len;
    lexeme *toks; /* owned */
    size_t ntoks;
    size_t pos;    /* next token */
    size_t nterms; /* terms made so far (FOUINE_QUERY_TERMS) */
    size_t typed;  /* words typed, stop words included */
    int asks;      /* the first word typed is an interrogative */
    const fouine_correction *corr; /* corrections to apply; not owned */
    size_t ncorr;
    size_t prefix_tokens; /* tokens of the index the prefixes cover */
    size_t prefix_max;    /* how many they may cover */
    size_t phrase_stops;  /* stop words in the phrases */
    unsigned cut;         /* FOUINE_CUT_* bounds met */
    int rc;               /* first error */
} parser;

static const char *const column_names[] = { NULL, "title", "lead", "body" };

static void node_free(node *n)
{
    size_t i;
    if (!n) {
        return;
    }
    for (i = 0; i < n->nkids; i++) {
        node_free(n->kids[i]);
    }
    for (i = 0; n->forms && i < n->nword; i++) {
        fouine_forms_clear(&n->forms[i]);
    }
    for (i = 0; n->cforms && n->corr && i < n->corr->ncands; i++) {
        fouine_forms_clear(&n->cforms[i]);
    }
    fouine_free(n->kids);
    fouine_free(n->words);
    fouine_free(n->qw);
    fouine_free(n->forms);
    fouine_free(n->cforms);
    fouine_free(n);
}

static node *node_new(parser *p, int kind)
{
    node *n = fouine_calloc(1, sizeof *n);
    if (!n) {
        p->rc = FOUINE_ENOMEM;
    } else {
        n->kind = kind;
    }
    return n;
}

/* Append kid to n (taking it); on failure kid is freed. */
static void node_add(parser *p, node *n, node *kid)
{
    node **k;
    if (!kid) {
        return;
    }
    k = fouine_realloc(n->kids, (n->nkids + 1) * sizeof *k);
    if (!k) {
        p->rc = FOUINE_ENOMEM;
        node_free(kid);
        return;
    }
    n->kids = k;
    n->kids[n->nkids++] = kid;
}

/* n (an N_AND or N_OR) when it has two kids or more; its kid alone when it
** has one; NULL when it has none (an empty group, a lone operator, a
** phrase of stop words only): never an empty node.  Takes n. */
static node *unwrap(node *n)
{
    node *kid;
    if (!n || n->nkids > 1) {
        return n;
    }
    kid = n->nkids ? n->kids[0] : NULL;
    n->nkids = 0;
    node_free(n);
    return kid;
}

/* ---- Lexer ---- */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* Length of an opening quote at s (", « or “), else 0. */
static size_t open_quote(const char *s, size_t n)
{
    if (n >= 1 && s[0] == '"') {
        return 1;
    }
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xAB) {
        return 2;
    }
    if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0x9C) {
        return 3;
    }
    return 0;
}

/* Length of a closing quote at s (", » or ”), else 0. */
static size_t close_quote(const char *s, size_t n)
{
    if (n >= 1 && s[0] == '"') {
        return 1;
    }
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xBB) {
        return 2;
    }
    if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0x9D) {
        return 3;
    }
    return 0;
}

/* Whether a run ends here: space, parenthesis or quote. */
static int run_stops(const char *s, size_t n)
{
    return is_space((unsigned char)s[0]) || s[0] == '(' || s[0] == ')' ||
           open_quote(s, n) || close_quote(s, n);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
** Whether the run s[start..i) is a number written in groups of digits
** ("1", "1 500") and a space then three more digits end a group at s[i]:
** "1 500 000" typed without quotes stays one run, which the analyzer reads
** as one number, as it does in articles.
*/
static int digit_group_continues(const char *s,
                                 size_t n,
                                 size_t start,
                                 size_t i)
{
    size_t k, group = 0, groups = 0;
    if (i + 4 > n || s[i] != ' ' || !is_digit(s[i + 1]) ||
        !is_digit(s[i + 2]) || !is_digit(s[i + 3]) ||
        (i + 4 < n && !run_stops(s + i + 4, n - i - 4))) {
        return 0;
    }
    for (k = start; k < i; k++) {
        if (is_digit(s[k])) {
            group++;
        } else if (s[k] == ' ' && group > 0 &&
                   (groups == 0 ? group <= 3 : group == 3)) {
            groups++;
            group = 0;
        } else {
            return 0;
        }
    }
    return groups == 0 ? group >= 1 && group <= 3 : group == 3;
}

static void push(parser *p, const lexeme *t)
{
    lexeme *k;
    if (p->rc != FOUINE_OK) {
        return;
    }
    k = fouine_realloc(p->toks, (p->ntoks + 1) * sizeof *k);
    if (!k) {
        p->rc = FOUINE_ENOMEM;
        return;
    }
    p->toks = k;
    p->toks[p->ntoks++] = *t;
}

/* The field named by s[0..n), case-insensitive, or 0. */
static int field_of(const char *s, size_t n)
{
    static const struct {
        const char *name;
        int column;
    } fields[] = { { "titre", 1 }, { "title", 1 }, { "chapo", 2 },
                   { "lead", 2 },  { "texte", 3 }, { "body", 3 } };
    size_t i, k;
    for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strlen(fields[i].name) != n) {
            continue;
        }
        for (k = 0; k < n; k++) {
            char c = s[k];
            if (c >= 'A' && c <= 'Z') {
                c = (char)(c - 'A' + 'a');
            }
            if (c != fields[i].name[k]) {
                break;
            }
        }
        if (k == n) {
            return fields[i].column;
        }
    }
    return 0;
}

static void lex(parser *p)
{
    const char *s = p->text;
    size_t n = p->len, i = 0;

    while (i < n && p->rc == FOUINE_OK) {
        lexeme t = { T_WORD, 0, 0, 0, 0, 0 };
        size_t q = open_quote(s + i, n - i), k;
        if (is_space((unsigned char)s[i])) {
            i++;
            continue;
        }
        if (s[i] == '(' || s[i] == ')') {
            t.type = s[i] == '(' ? T_LPAREN : T_RPAREN;
            push(p, &t);
            i++;
            continue;
        }
        if (q) {
            /* A phrase when a closing quote follows; else the quote is
            ** ignored. */
            size_t c = 0;
            for (k = i + q; k < n; k++) {
                c = close_quote(s + k, n - k);
                if (c) {
                    break;
                }
            }
            if (k < n) {
                t.type = T_PHRASE;
                t.start = i + q;
                t.end = k;
                push(p, &t);
                i = k + c;
            } else {
                i += q;
            }
            continue;
        }
        if (close_quote(s + i, n - i)) {
            i += close_quote(s + i, n - i); /* a stray closing quote */
            continue;
        }
        /* '-' glued to a word, a phrase or a group: an exclusion. */
        if (s[i] == '-' && i + 1 < n && !is_space((unsigned char)s[i + 1]) &&
            s[i + 1] != ')' && s[i + 1] != '-') {
            t.type = T_MINUS;
            push(p, &t);
            i++;
            continue;
        }
        /* A run of text. */
        t.start = i;
        while (i < n && (!run_stops(s + i, n - i) ||
                         digit_group_continues(s, n, t.start, i))) {
            i++;
        }
        t.end = i;
        if (t.end - t.start == 2 &&
            ((s[t.start] == 'O' && s[t.start + 1] == 'R') ||
             (s[t.start] == 'O' && s[t.start + 1] == 'U'))) {
            t.type = T_OR;
            push(p, &t);
            continue;
        }
        /* "titre:" glued to what follows. */
        for (k = t.start; k < t.end && s[k] != ':'; k++) {
        }
        if (k < t.end && field_of(s + t.start, k - t.start) &&
            (k + 1 < t.end ||
             (k + 1 < n && !is_space((unsigned char)s[k + 1]) &&
              s[k + 1] != ')'))) {
            lexeme f = { T_FIELD, t.start, k, 0, 0, 0 };
            f.column = field_of(s + t.start, k - t.start);
            push(p, &f);
            t.start = k + 1;
            if (t.start == t.end) {
                continue; /* titre:"..." or titre:(...) */
            }
            if (s[t.start] == '-' && t.start + 1 < t.end) {
                lexeme m = { T_MINUS, t.start, t.start + 1, 0, 0, 0 };
                push(p, &m);
                t.start++;
            }
        }
        if (s[t.start] == '=') {
            t.exact = 1;
            t.start++;
        }
        while (t.end > t.start && s[t.end - 1] == '*') {
            t.prefix = 1;
            t.end--;
        }
        if (t.end > t.start) {
            push(p, &t);
        }
    }
}

/* ---- Terms ---- */

/* Words of one term, at most: the rest of a longer phrase is left out. */
#define TERM_WORDS 32

/* Collects the words of a run, as the analyzer cuts it. */
typedef struct words_ctx {
    fouine_buf words;               /* the words as typed, space-separated */
    size_t n;                       /* words */
    size_t stops;                   /* of which stop words */
    size_t start;                   /* bytes of the first word */
    size_t end;                     /* just past the last */
    const char *text;               /* what was analyzed; not owned */
    size_t base;                    /* its offset in the query */
    int exact;                      /* prefix each word with '=' */
    size_t at[TERM_WORDS][2];       /* bytes of the words in the query */
    unsigned char stop[TERM_WORDS]; /* whether each is a stop word */
    fouine_qword qw[TERM_WORDS];    /* each word analyzed */
    int question;                   /* the first word is a question word */
    int asks;                       /* the first word is an interrogative */
} words_ctx;

/* Words of a question that are not stop words but say nothing of its
** subject (surface forms, folded).  A long query searches without them
** (fouine_parsed.long_expr); a short one keeps them. */
static const char *const question_words[] = {
    "quel",     "quelle", "quels",   "quelles",  "combien",  "comment",
    "pourquoi", "quand",  "lequel",  "laquelle", "lesquels", "lesquelles",
    "quoi",     "nom",    "appelle", "appele",   "appellent"
};

static int is_question_word(const char *w, size_t n)
{
    size_t i;
    for (i = 0; i < sizeof question_words / sizeof question_words[0]; i++) {
        if (strlen(question_words[i]) == n &&
            memcmp(question_words[i], w, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Whether w is an interrogative that may open a question: a question
** word, or the stop words qui, que, qu', où. */
static int is_interrogative(const char *w, size_t n)
{
    static const char *const more[] = { "qui", "que", "qu", "ou" };
    size_t i;
    for (i = 0; i < sizeof more / sizeof more[0]; i++) {
        if (strlen(more[i]) == n && memcmp(more[i], w, n) == 0) {
            return 1;
        }
    }
    return is_question_word(w, n);
}

static int word_token(const char *token,
                      size_t len,
                      size_t start,
                      size_t end,
                      int flags,
                      void *payload)
{
    words_ctx *w = payload;
    fouine_qword *q;
    size_t i;
    if (flags & FOUINE_TOKEN_COLOCATED) {
        if (w->n == 0 || w->n > TERM_WORDS) {
            return 0;
        }
        q = &w->qw[w->n - 1];
        fouine_qword_put(q, token, len, flags);
        if (flags & FOUINE_TOKEN_FOLD) {
            w->stop[w->n - 1] = (unsigned char)q->stop;
            w->stops += (size_t)q->stop;
            if (w->n == 1) {
                w->question = is_question_word(token, len);
                w->asks = is_interrogative(token, len);
            }
        }
        return 0;
    }
    if (w->n >= TERM_WORDS) {
        return FOUINE_ESTOP; /* the rest of a long phrase is left out */
    }
    if (w->n == 0) {
        w->start = w->base + start;
    }
    w->end = w->base + end;
    if (w->n) {
        fouine_buf_puts(&w->words, " ");
    }
    if (w->exact) {
        fouine_buf_puts(&w->words, "=");
    }
    /* The word as typed, without the quotes and '=' that FTS5 or the
    ** analyzer would read as syntax. */
    for (i = start; i < end; i++) {
        char c = w->text[i];
        fouine_buf_append(&w->words, (c == '"' || c == '=') ? " " : &c, 1);
    }
    q = &w->qw[w->n];
    fouine_qword_put(q, token, len, flags);
    /* An acronym typed in capitals ("OM", "ONU", "SNCF": 2 to 5 letters)
    ** is searched as itself, never as a relative ("OMS"); a longer word
    ** in capitals is only shouted. */
    for (i = start; i < end && !(w->text[i] >= 'a' && w->text[i] <= 'z'); i++) {
    }
    q->caps = i == end && end - start >= 2 && end - start <= 5;
    w->at[w->n][0] = w->base + start;
    w->at[w->n][1] = w->base + end;
    w->n++;
    return 0;
}

/* Whether a word is too short to be searched as its relatives: its fold
** of at most 3 bytes ("om", "pen", "ans"), or an acronym in capitals. */
static int searched_as_itself(const fouine_qword *q)
{
    return q->nfold <= 3 || q->caps || q->nstem == 0;
}

/* Find the tokens each word of term n may mean (n->forms), and those of
** its correction's candidates (n->cforms). */
static void find_forms(parser *p, node *n)
{
    size_t i;
    int rc = FOUINE_OK;
    n->forms = fouine_calloc(n->nword, sizeof *n->forms);
    if (!n->forms) {
        p->rc = FOUINE_ENOMEM;
        return;
    }
    for (i = 0; rc == FOUINE_OK && i < n->nword; i++) {
        const fouine_qword *q = &n->qw[i];
        int flags = 0;
        if (n->exact) {
            flags = FOUINE_FORMS_EXACT;
        } else if (q->stop || searched_as_itself(q)) {
            flags = FOUINE_FORMS_SAME;
        }
        if (n->prefix && i + 1 == n->nword) {
            rc = fouine_forms_prefix(&n->forms[i], p->lx, q);
            if (rc == FOUINE_OK &&
                p->prefix_tokens + n->forms[i].covered > p->prefix_max) {
                /* FTS5 merges the lists of every token a prefix covers
                ** at once, beyond the reach of the time budget: past
                ** the query's share, a prefix is searched as a word. */
                fouine_forms_clear(&n->forms[i]);
                n->prefix = 0;
                n->stop = !n->phrase && n->nword == 1 && q->stop;
                p->cut |= FOUINE_CUT_PREFIXES;
                rc = fouine_forms_of(&n->forms[i], p->lx, q, flags);
            } else if (rc == FOUINE_OK) {
                p->prefix_tokens += n->forms[i].covered;
            }
        } else {
            rc = fouine_forms_of(&n->forms[i], p->lx, q, flags);
        }
    }
    if (rc == FOUINE_OK && n->corr) {
        n->cforms = fouine_calloc(n->corr->ncands, sizeof *n->cforms);
        rc = n->cforms ? FOUINE_OK : FOUINE_ENOMEM;
        for (i = 0; rc == FOUINE_OK && i < n->corr->ncands; i++) {
            const fouine_spell_cand *c = &n->corr->cands[i];
            fouine_qword q;
            fouine_qword_put(&q, c->term, c->len, 0);
            fouine_qword_put(&q, c->term, c->len, FOUINE_TOKEN_FOLD);
            fouine_qword_put(&q, c->stem, c->nstem, FOUINE_TOKEN_STEM);
            rc =
                fouine_forms_of(&n->cforms[i], p->lx, &q,
                                searched_as_itself(&q) ? FOUINE_FORMS_SAME : 0);
        }
    }
    if (rc != FOUINE_OK) {
        p->rc = rc;
    }
}

static node *make_term(parser *p,
                       size_t start,
                       size_t end,
                       int phrase,
                       int prefix,
                       int exact);
static void add_unique(parser *p, node *n, node *kid);

/*
** A phrase past the query's share of stop words in phrases, searched as
** its other words, each required (FTS5 reads the position lists of every
** article for a phrase of stop words: what no time budget can interrupt).
** NULL when it has no other word.  Takes w's words.
*/
static node *loosen(parser *p, words_ctx *w, int prefix, int exact)
{
    node *all = node_new(p, N_AND);
    size_t i;
    fouine_free(w->words.data);
    w->words.data = NULL;
    for (i = 0; all && p->rc == FOUINE_OK && i < w->n; i++) {
        if (!w->stop[i]) {
            add_unique(p, all,
                       make_term(p, w->at[i][0], w->at[i][1], 0,
                                 prefix && i + 1 == w->n, exact));
        }
    }
    p->typed += w->stops;
    return unwrap(all);
}

/* A term node for text[start..end), or NULL when it holds no word. */
static node *make_term(parser *p,
                       size_t start,
                       size_t end,
                       int phrase,
                       int prefix,
                       int exact)
{
    words_ctx w;
    node *n = NULL;
    int rc;

    memset(&w, 0, sizeof w);
    w.text = p->text + start;
    w.base = start;
    w.exact = exact;
    if (p->rc != FOUINE_OK) {
        return NULL;
    }
    rc = fouine_analyzer_run(p->an, p->text + start, end - start,
                             FOUINE_ANALYZE_WORDS, word_token, &w);
    if (rc == FOUINE_ESTOP) {
        rc = FOUINE_OK; /* the rest of a long phrase is left out */
        p->cut |= FOUINE_CUT_WORDS;
    }
    if (rc == FOUINE_OK && p->nterms >= FOUINE_QUERY_TERMS && w.n > 0) {
        p->cut |= FOUINE_CUT_WORDS; /* the rest of a long text is left out */
        fouine_free(w.words.data);
        return NULL;
    }
    if (rc != FOUINE_OK || w.words.failed) {
        p->rc = FOUINE_ENOMEM;
        fouine_free(w.words.data);
        return NULL;
    }
    if (w.n == 0) {
        fouine_free(w.words.data);
        return NULL; /* punctuation, emoji, a lone '*' */
    }
    if (p->typed == 0) {
        p->asks = w.asks;
    }
    if (!phrase && w.n > 1 && w.stops < w.n && w.stop[w.n - 1]) {
        /* A compound typed without quotes loses the stop words at its end,
        ** the pronouns of a question ("accueilli-t-il" is "accueilli"),
        ** but not at its start: "Notre-Dame" stays a phrase. */
        size_t last = w.n - 1;
        while (w.stop[last]) {
            last--;
        }
        fouine_free(w.words.data);
        p->typed += w.n - 1 - last;
        return make_term(p, w.at[0][0], w.at[last][1], 0, prefix, exact);
    }
    if (w.n > 1 && w.stops > 0 &&
        p->phrase_stops + w.stops > FOUINE_PHRASE_STOPS) {
        p->cut |= FOUINE_CUT_PHRASES;
        return loosen(p, &w, prefix, exact);
    }
    p->phrase_stops += w.n > 1 ? w.stops : 0;
    n = node_new(p, N_TERM);
    if (!n) {
        fouine_free(w.words.data);
        return NULL;
    }
    n->words = w.words.data;
    n->nword = w.n;
    n->phrase = phrase;
    n->prefix = prefix;
    n->exact = exact;
    n->stop = !phrase && !prefix && w.stops == w.n;
    n->qw = fouine_malloc(w.n * sizeof *n->qw);
    if (!n->qw) {
        p->rc = FOUINE_ENOMEM;
        node_free(n);
        return NULL;
    }
    memcpy(n->qw, w.qw, w.n * sizeof *n->qw);
    n->question = !phrase && !prefix && !exact && w.n == 1 && w.question;
    n->start = w.start;
    n->end = w.end;
    if (!phrase && !prefix && !exact && w.n == 1) {
        size_t k;
        for (k = 0; k < p->ncorr; k++) {
            if (p->corr[k].applied && p->corr[k].start == w.start &&
                p->corr[k].ncands > 0) {
                n->corr = &p->corr[k];
            }
        }
    }
    find_forms(p, n);
    if (p->rc != FOUINE_OK) {
        node_free(n);
        return NULL;
    }
    p->nterms++;
    p->typed += w.n;
    return n;
}

/* ---- Parser ---- */

static node *parse_or(parser *p, int depth);

static const lexeme *peek(parser *p)
{
    return p->pos < p->ntoks ? &p->toks[p->pos] : NULL;
}

/* unary := '-'* [field] primary ; primary := word | phrase | '(' or ')' */
static node *parse_unary(parser *p, int depth)
{
    const lexeme *t = peek(p);
    node *n = NULL;
    int neg = 0, column = 0;

    while (t && (t->type == T_MINUS || t->type == T_FIELD)) {
        if (t->type == T_MINUS) {
            neg = 1;
        } else {
            column = t->column;
        }
        p->pos++;
        t = peek(p);
    }
    if (!t) {
        return NULL;
    }
    switch (t->type) {
    case T_WORD:
        p->pos++;
        n = make_term(p, t->start, t->end, 0, t->prefix, t->exact);
        break;
    case T_PHRASE:
        p->pos++;
        n = make_term(p, t->start, t->end, 1, 0, 0);
        break;
    case T_LPAREN:
        p->pos++;
        if (depth < MAX_DEPTH) {
            n = parse_or(p, depth + 1);
        }
        if (peek(p) && peek(p)->type == T_RPAREN) {
            p->pos++;
        }
        /* A group whose one item is an exclusion or stop words: excluded,
        ** it stays a group of exclusions or stop words only, which leaves
        ** out nothing (excludable(): "-(-sncf)", "-(le)"); not excluded,
        ** its item keeps its own exclusion ("(-sncf)" is "-sncf"). */
        if (neg && n && (n->neg || (n->kind == N_TERM && n->stop))) {
            node *group = node_new(p, N_AND);
            if (!group) {
                node_free(n);
                return NULL;
            }
            node_add(p, group, n);
            n = group;
        }
        break;
    default:
        break; /* ')' or OR: left to the caller */
    }
    if (n) {
        n->neg |= neg;
        if (column && !n->column) {
            n->column = column;
        }
    }
    return n;
}

/* Whether n already has a kid searching what the term kid searches (the
** same words, the same way, in the same field): "a OR a", "grève grève"
** are searched once. */
static int has_twin(const node *n, const node *kid)
{
    size_t i;
    if (!kid || kid->kind != N_TERM) {
        return 0;
    }
    for (i = 0; i < n->nkids; i++) {
        const node *k = n->kids[i];
        if (k->kind == N_TERM && k->neg == kid->neg &&
            k->column == kid->column && k->phrase == kid->phrase &&
            k->prefix == kid->prefix && k->exact == kid->exact &&
            strcmp(k->words, kid->words) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Add kid to n unless n has its twin (then it is freed). */
static void add_unique(parser *p, node *n, node *kid)
{
    if (has_twin(n, kid)) {
        node_free(kid);
    } else {
        node_add(p, n, kid);
    }
}

/* and := unary+ (stops at ')', OR or the end) */
static node *parse_and(parser *p, int depth)
{
    node *n = node_new(p, N_AND);
    const lexeme *t;

    while (n && p->rc == FOUINE_OK && (t = peek(p)) != NULL &&
           t->type != T_OR && t->type != T_RPAREN) {
        size_t before = p->pos;
        add_unique(p, n, parse_unary(p, depth));
        if (p->pos == before) {
            p->pos++; /* nothing usable: skip it */
        }
    }
    return unwrap(n);
}

/* or := and (OR and)* */
static node *parse_or(parser *p, int depth)
{
    node *n = node_new(p, N_OR);
    const lexeme *t;

    while (n && p->rc == FOUINE_OK) {
        add_unique(p, n, parse_and(p, depth)); /* an empty side is NULL */
        t = peek(p);
        if (!t || t->type != T_OR) {
            break;
        }
        p->pos++;
    }
    return unwrap(n);
}

/*
** Add part, what follows an unbalanced ')', to the top-level AND *root (made
** on the first part; its kids are the items): the parts of "a) b) c" are
** items side by side, as in "a b c", never nested one level deeper each (a
** run of ')' would otherwise nest the expression past what FTS5's parser
** takes).  An AND part gives its kids.  Takes part (freed on failure).
*/
static void add_part(parser *p, node **root, int *flat, node *part)
{
    node *top;
    size_t i;
    if (!part) {
        return;
    }
    if (!*root) {
        *root = part;
        return;
    }
    if (!*flat && (*root)->kind == N_AND && !(*root)->neg && !(*root)->column) {
        *flat = 1; /* "a b) c": the first part's AND takes the others */
    }
    if (!*flat) {
        top = node_new(p, N_AND);
        if (!top) {
            node_free(part);
            return;
        }
        node_add(p, top, *root);
        *root = top;
        *flat = 1;
    }
    if (part->kind == N_AND && !part->neg && !part->column) {
        for (i = 0; i < part->nkids; i++) {
            add_unique(p, *root, part->kids[i]);
        }
        part->nkids = 0;
        node_free(part);
        return;
    }
    add_unique(p, *root, part);
}

/* ---- Output ---- */

/* Whether a node searches something (not only dropped stop words, not
** only exclusions). */
static int positive(const node *n)
{
    size_t i;
    if (n->neg) {
        return 0;
    }
    if (n->kind == N_TERM) {
        return !n->stop;
    }
    for (i = 0; i < n->nkids; i++) {
        if (positive(n->kids[i])) {
            return 1;
        }
    }
    return 0;
}

/* State of one output walk. */
typedef struct out_ctx {
    const node *root; /* the root node, whose kids are the items (map) */
    fouine_buf *b;    /* where the expression goes */
    fouine_buf *map;  /* item of each phrase, or NULL */
    int item;         /* current item (for map) */
    int columns;      /* a field was used */
} out_ctx;

static void map_tier(out_ctx *o, int item, int tier)
{
    if (o->map) {
        fouine_buf_printf(o->map, "%s%d.%d", o->map->len ? " " : "", item,
                          tier);
    }
}

static void map_tier_w(out_ctx *o, int item, int tier, double w)
{
    if (o->map) {
        fouine_buf_printf(o->map, "%s%d.%d:%g", o->map->len ? " " : "", item,
                          tier, w);
    }
}

/* Whether an excluded node n (its neg flag aside) can be excluded: what
** fts_node() writes of it is an expression.  A term with a word, stop
** words included ("-a" leaves the articles without "a"); a group with a
** positive item (a group of stop words or of exclusions only, "-(le la)",
** "-(-a OR -b)", writes nothing FTS5 could parse: it is left out). */
static int excludable(const node *n)
{
    node tmp = *n;
    if (n->kind == N_TERM) {
        return n->nword > 0;
    }
    tmp.neg = 0;
    return positive(&tmp);
}

/* Whether the group n has an exclusion fts_node() writes after it. */
static int has_exclusion(const node *n)
{
    size_t i;
    for (i = 0; n->kind == N_AND && i < n->nkids; i++) {
        if (n->kids[i]->neg && excludable(n->kids[i])) {
            return 1;
        }
    }
    return 0;
}

/* Append "{a|b|c}": the tokens of the tiers of f in mask (bit t: tier
** t). */
static void fts_group(fouine_buf *b, const fouine_forms *f, unsigned mask)
{
    int t, first = 1;
    fouine_buf_puts(b, "{");
    for (t = 0; t < 3; t++) {
        if (((mask >> t) & 1) && f->tier[t].len) {
            if (!first) {
                fouine_buf_puts(b, "|");
            }
            fouine_buf_append(b, f->tier[t].data, f->tier[t].len);
            first = 0;
        }
    }
    fouine_buf_puts(b, "}");
}

/* Append the phrase of the words of n, each as the tokens of the tiers in
** mask. */
static void fts_phrase(fouine_buf *b, const node *n, unsigned mask)
{
    size_t i;
    fouine_buf_puts(b, "\"");
    for (i = 0; i < n->nword; i++) {
        if (i) {
            fouine_buf_puts(b, " ");
        }
        fts_group(b, &n->forms[i], mask);
    }
    fouine_buf_puts(b, n->prefix ? "\"*" : "\"");
}

/*
** Append term n as the FTS5 phrases of its tiers, OR-ed, each mapped to
** the current item and its tier: for one word, its same-fold tokens
** (tier 0), its inflections (1) and its other relatives (2), then the
** candidates of its correction (3 and 4, weighted); for a phrase, its
** words' same-fold tokens (0), then all their forms (2).
*/
static void fts_term(out_ctx *o, const node *n)
{
    size_t i;
    int t, np = 0, relatives = 0;
    fouine_buf_puts(o->b, "(");
    if (n->nword == 1 && !n->phrase) {
        const fouine_forms *f = &n->forms[0];
        for (t = 0; t < 3; t++) {
            if (f->n[t] == 0) {
                continue;
            }
            if (np++) {
                fouine_buf_puts(o->b, " OR ");
            }
            fts_phrase(o->b, n, 1u << t);
            map_tier(o, o->item, t);
        }
        for (i = 0; n->corr && n->cforms && i < n->corr->ncands; i++) {
            double w = n->corr->docs > 0 ? FOUINE_SPELL_RARE_WEIGHT : 1.0;
            const fouine_forms *c = &n->cforms[i];
            fouine_buf_puts(o->b, " OR \"");
            fts_group(o->b, c, 1u);
            fouine_buf_puts(o->b, "\"");
            map_tier_w(o, o->item, 3, w);
            if (c->n[1] + c->n[2] > 0) {
                fouine_buf_puts(o->b, " OR \"");
                fts_group(o->b, c, 6u);
                fouine_buf_puts(o->b, "\"");
                map_tier_w(o, o->item, 4, w);
            }
        }
    } else {
        for (i = 0; i < n->nword; i++) {
            relatives |= n->forms[i].n[1] + n->forms[i].n[2] > 0;
        }
        fts_phrase(o->b, n, 1u);
        map_tier(o, o->item, 0);
        if (relatives) {
            /* The phrase of all their forms: tier 5 of fouine_rank(). */
            fouine_buf_puts(o->b, " OR ");
            fts_phrase(o->b, n, 7u);
            map_tier(o, o->item, 5);
        }
    }
    fouine_buf_puts(o->b, ")");
}

static void fts_excluded(out_ctx *o, const node *k);

/* Append node n, assumed positive(), ignoring its own neg flag. */
static void fts_node(out_ctx *o, const node *n)
{
    size_t i, np = 0;
    if (n->column) {
        fouine_buf_printf(o->b, "%s : (", column_names[n->column]);
        o->columns = 1;
    }
    if (n->kind == N_TERM) {
        fts_term(o, n);
    } else if (n->kind == N_OR) {
        fouine_buf_puts(o->b, "(");
        for (i = 0; i < n->nkids; i++) {
            if (!positive(n->kids[i])) {
                continue; /* "a OR -b": the exclusion cannot apply */
            }
            if (np++) {
                fouine_buf_puts(o->b, " OR ");
            }
            fts_node(o, n->kids[i]);
        }
        fouine_buf_puts(o->b, ")");
    } else {
        fouine_buf_puts(o->b, "(");
        for (i = 0; i < n->nkids; i++) {
            if (!positive(n->kids[i])) {
                continue;
            }
            if (np++) {
                fouine_buf_puts(o->b, " AND ");
            }
            if (n == o->root) {
                o->item = (int)i;
            }
            fts_node(o, n->kids[i]);
        }
        if (n == o->root) {
            o->item = -1;
        }
        fouine_buf_puts(o->b, ")");
        for (i = 0; i < n->nkids; i++) {
            const node *k = n->kids[i];
            if (k->neg && excludable(k)) {
                fouine_buf_puts(o->b, " NOT ");
                fts_excluded(o, k);
            }
        }
    }
    if (n->column) {
        fouine_buf_puts(o->b, ")");
    }
}

/*
** Append the excluded node k (its neg flag aside; excludable()), the
** operand of a NOT or of the OR of a query of exclusions, mapped to no
** item: in parentheses when it is a group with exclusions of its own
** outside a field, whose NOTs would else apply to all that comes before
** ("a -(b -c)" is a NOT ((b) NOT c), not (a NOT b) NOT c).
*/
static void fts_excluded(out_ctx *o, const node *k)
{
    node tmp = *k;
    int item = o->item, wrap;
    tmp.neg = 0;
    wrap = !tmp.column && has_exclusion(&tmp);
    o->item = -1;
    fouine_buf_puts(o->b, wrap ? "(" : "");
    fts_node(o, &tmp);
    fouine_buf_puts(o->b, wrap ? ")" : "");
    o->item = item;
}

/* Append the query language form of n. */
static void understood_node(fouine_buf *b, const node *n, int top)
{
    size_t i, k = 0;
    if (n->neg) {
        fouine_buf_puts(b, "-");
    }
    if (n->column) {
        fouine_buf_printf(b, "%s:",
                          n->column == 1 ? "titre" :
                          n->column == 2 ? "chapo" :
                                           "texte");
    }
    if (n->kind == N_TERM) {
        if (n->phrase || n->nword > 1) {
            fouine_buf_printf(b, "\"%s\"", n->words);
        } else {
            fouine_buf_puts(b, n->words);
        }
        if (n->prefix) {
            fouine_buf_puts(b, "*");
        }
        return;
    }
    if (!top || n->column || n->neg) {
        fouine_buf_puts(b, "(");
    }
    for (i = 0; i < n->nkids; i++) {
        const node *kid = n->kids[i];
        if (kid->kind == N_TERM && kid->stop && !kid->neg) {
            continue; /* dropped; "-le" is searched (excludable()) */
        }
        if (k++) {
            fouine_buf_puts(b, n->kind == N_OR ? " OU " : " ");
        }
        understood_node(b, kid, 0);
    }
    if (!top || n->column || n->neg) {
        fouine_buf_puts(b, ")");
    }
}

/* Collect the highlight terms and the suggestion words of positive n. */
/* Append to q a highlight term: tokens and keys as fouine_hl_term says.
** Takes both strings (freed on failure). */
static void add_hl(parser *p,
                   fouine_parsed *q,
                   fouine_buf *tokens,
                   fouine_buf *keys,
                   const node *n,
                   int group)
{
    fouine_hl_term *t;
    fouine_buf_append(tokens, "", 0);
    fouine_buf_append(keys, "", 0);
    t = tokens->failed || keys->failed ?
            NULL :
            fouine_realloc(q->terms, (q->nterms + 1) * sizeof *q->terms);
    if (!t) {
        fouine_free(tokens->data);
        fouine_free(keys->data);
        p->rc = FOUINE_ENOMEM;
        return;
    }
    q->terms = t;
    t = &q->terms[q->nterms++];
    memset(t, 0, sizeof *t);
    t->tokens = tokens->data;
    t->keys = keys->data;
    t->prefix = n->prefix;
    t->group = group;
    t->start = n->start;
    t->end = n->end;
}

/* Append to b the tokens of every tier of f, '|'-separated. */
static void all_tokens(fouine_buf *b, const fouine_forms *f)
{
    int tier, first = 1;
    for (tier = 0; tier < 3; tier++) {
        if (f->tier[tier].len) {
            fouine_buf_puts(b, first ? "" : "|");
            fouine_buf_append(b, f->tier[tier].data, f->tier[tier].len);
            first = 0;
        }
    }
}

/* Append to b the key of a word (see fouine_hl_term.keys). */
static void word_key(fouine_buf *b,
                     const fouine_qword *w,
                     const fouine_forms *f,
                     int exact,
                     int prefix)
{
    if (exact) {
        return;
    }
    fouine_buf_append(b, w->fold, w->nfold);
    fouine_buf_puts(b, prefix ? "*" : "=");
    if (!prefix) {
        fouine_buf_append(b, f->stems.data, f->stems.len);
    }
}

/* Collect the highlight terms and the suggestion words of positive n. */
static void collect(parser *p, fouine_parsed *q, const node *n, int group)
{
    size_t i, k;
    if (p->rc != FOUINE_OK || !positive(n)) {
        return;
    }
    if (n->kind == N_TERM) {
        fouine_buf tokens = { 0 }, keys = { 0 };
        for (i = 0; i < n->nword; i++) {
            fouine_buf_puts(&tokens, i ? " " : "");
            fouine_buf_puts(&keys, i ? " " : "");
            all_tokens(&tokens, &n->forms[i]);
            word_key(&keys, &n->qw[i], &n->forms[i], n->exact,
                     n->prefix && i + 1 == n->nword);
        }
        add_hl(p, q, &tokens, &keys, n, group);
        /* A correction's candidates mark as the word would. */
        for (k = 0; p->rc == FOUINE_OK && n->cforms && k < n->corr->ncands;
             k++) {
            const fouine_spell_cand *c = &n->corr->cands[k];
            fouine_qword cw;
            memset(&cw, 0, sizeof cw);
            fouine_qword_put(&cw, c->term, c->len, FOUINE_TOKEN_FOLD);
            memset(&tokens, 0, sizeof tokens);
            memset(&keys, 0, sizeof keys);
            all_tokens(&tokens, &n->cforms[k]);
            word_key(&keys, &cw, &n->cforms[k], 0, 0);
            add_hl(p, q, &tokens, &keys, n, group);
        }
        if (p->rc == FOUINE_OK && !n->phrase && !n->prefix && !n->exact &&
            n->nword == 1) {
            size_t *w =
                fouine_realloc(q->words, (q->nwords + 1) * 2 * sizeof *w);
            if (!w) {
                p->rc = FOUINE_ENOMEM;
                return;
            }
            q->words = w;
            w[q->nwords * 2] = n->start;
            w[q->nwords * 2 + 1] = n->end;
            q->nwords++;
        }
        return;
    }
    for (i = 0; i < n->nkids; i++) {
        collect(p, q, n->kids[i], group);
    }
}

/* Append the words of n, stop words included (exclusions left out), to
** the phrase node ph. */
static void all_words(parser *p, node *ph, const node *n)
{
    size_t i;
    if (n->neg || p->rc != FOUINE_OK) {
        return;
    }
    if (n->kind == N_TERM && ph->nword + n->nword > FOUINE_PHRASE_STOPS) {
        p->cut |= FOUINE_CUT_PHRASES; /* the first stop words make it */
        return;
    }
    if (n->kind == N_TERM) {
        fouine_qword *qw =
            fouine_realloc(ph->qw, (ph->nword + n->nword) * sizeof *qw);
        if (!qw) {
            p->rc = FOUINE_ENOMEM;
            return;
        }
        ph->qw = qw;
        memcpy(ph->qw + ph->nword, n->qw, n->nword * sizeof *qw);
        ph->nword += n->nword;
        if (ph->words) {
            char *w = fouine_realloc(ph->words,
                                     strlen(ph->words) + strlen(n->words) + 2);
            if (!w) {
                p->rc = FOUINE_ENOMEM;
                return;
            }
            strcat(w, " ");
            strcat(w, n->words);
            ph->words = w;
        } else {
            ph->words = fouine_strdup(n->words);
            if (!ph->words) {
                p->rc = FOUINE_ENOMEM;
            }
        }
        return;
    }
    for (i = 0; i < n->nkids; i++) {
        all_words(p, ph, n->kids[i]);
    }
}

/* A query of stop words only, as one phrase of them, or NULL. */
static node *stops_phrase(parser *p, const node *root)
{
    node *ph = node_new(p, N_TERM);
    if (!ph) {
        return NULL;
    }
    ph->phrase = 1;
    all_words(p, ph, root);
    if (p->rc == FOUINE_OK && ph->nword > 0) {
        find_forms(p, ph);
    }
    if (p->rc != FOUINE_OK || ph->nword == 0) {
        node_free(ph);
        return NULL;
    }
    return ph;
}

/*
** Append to b root (an N_AND) without the items that are one question
** word: the expression whose matches hold every word a long question
** searches.  Appends nothing when every item is a question word.
*/
static void and_without_questions(fouine_buf *b, const node *root)
{
    node tmp = *root;
    node **kids = fouine_calloc(root->nkids ? root->nkids : 1, sizeof *kids);
    out_ctx o;
    size_t i, positives = 0;

    if (!kids) {
        b->failed = 1;
        return;
    }
    tmp.nkids = 0;
    for (i = 0; i < root->nkids; i++) {
        const node *k = root->kids[i];
        if (positive(k) && k->kind == N_TERM && k->question && !k->column) {
            continue;
        }
        positives += (size_t)positive(k);
        kids[tmp.nkids++] = root->kids[i];
    }
    tmp.kids = kids;
    if (positives > 0) {
        memset(&o, 0, sizeof o);
        o.b = b;
        fts_node(&o, &tmp);
    }
    fouine_free(kids);
}

/*
** Append to b the positive items of root (an N_AND) OR-ed, then its
** exclusions, with each phrase's item in map (when not NULL); with
** skip_questions, the items that are one question word are left out.
** Returns the number of items appended.
*/
static size_t or_items(fouine_buf *b,
                       fouine_buf *map,
                       const node *root,
                       int skip_questions)
{
    out_ctx o;
    size_t i, n = 0;

    memset(&o, 0, sizeof o);
    o.b = b;
    o.map = map;
    fouine_buf_puts(b, "(");
    for (i = 0; i < root->nkids; i++) {
        const node *k = root->kids[i];
        if (!positive(k)) {
            continue;
        }
        if (skip_questions && k->kind == N_TERM && k->question && !k->column) {
            o.item++;
            continue;
        }
        if (n++) {
            fouine_buf_puts(b, " OR ");
        }
        fts_node(&o, k);
        o.item++;
    }
    fouine_buf_puts(b, ")");
    o.item = -1;
    for (i = 0; i < root->nkids; i++) {
        const node *k = root->kids[i];
        if (k->neg && excludable(k)) {
            fouine_buf_puts(b, " NOT ");
            fts_excluded(&o, k);
        }
    }
    return n;
}

void fouine_parsed_clear(fouine_parsed *q)
{
    size_t i;
    fouine_free(q->expr);
    fouine_free(q->any_expr);
    fouine_free(q->any_map);
    fouine_free(q->long_expr);
    fouine_free(q->long_all);
    fouine_free(q->expr_map);
    fouine_free(q->long_map);
    fouine_free(q->not_expr);
    fouine_free(q->understood);
    for (i = 0; i < q->nterms; i++) {
        fouine_free(q->terms[i].tokens);
        fouine_free(q->terms[i].keys);
    }
    fouine_free(q->terms);
    fouine_free(q->words);
    memset(q, 0, sizeof *q);
}

/* Take the contents of b as a new string into *dst (NULL when empty). */
static void take(char **dst, fouine_buf *b)
{
    *dst = b->len ? b->data : NULL;
    if (!b->len) {
        fouine_free(b->data);
    }
    memset(b, 0, sizeof *b);
}

int fouine_parse(fouine_parsed *out,
                 fouine_analyzer *an,
                 fouine_lexicon *lx,
                 const char *text,
                 size_t len)
{
    return fouine_parse_corrected(out, an, lx, text, len, NULL, 0, 0);
}

int fouine_parse_corrected(fouine_parsed *out,
                           fouine_analyzer *an,
                           fouine_lexicon *lx,
                           const char *text,
                           size_t len,
                           const fouine_correction *corr,
                           size_t ncorr,
                           size_t prefix_tokens)
{
    parser p;
    node *root = NULL, *stops = NULL;
    fouine_buf expr = { 0 }, any = { 0 }, map = { 0 }, nots = { 0 },
               und = { 0 }, longb = { 0 }, longall = { 0 }, emap = { 0 },
               lmap = { 0 };
    out_ctx o;
    size_t i;
    int rc;

    memset(out, 0, sizeof *out);
    memset(&p, 0, sizeof p);
    p.an = an;
    p.lx = lx;
    p.text = text;
    p.len = len;
    p.corr = corr;
    p.ncorr = ncorr;
    p.prefix_max = prefix_tokens > 0 && prefix_tokens < FOUINE_PREFIX_TOKENS ?
                       prefix_tokens :
                       FOUINE_PREFIX_TOKENS;
    lex(&p);
    if (p.rc == FOUINE_OK) {
        int flat = 0;
        root = parse_or(&p, 0);
        /* Tokens left by an unbalanced ')': parse what follows too. */
        while (p.rc == FOUINE_OK && p.pos < p.ntoks) {
            p.pos++;
            add_part(&p, &root, &flat, parse_or(&p, 0));
        }
    }
    if (p.rc != FOUINE_OK || !root) {
        goto done;
    }
    if (!positive(root)) {
        /* Only stop words: search them as a phrase.  Only exclusions:
        ** keep them for a search of everything else. */
        stops = stops_phrase(&p, root);
        if (stops) {
            node_free(root);
            root = stops;
        }
        if (p.rc != FOUINE_OK) {
            goto done;
        }
    }
    if (positive(root)) {
        memset(&o, 0, sizeof o);
        o.b = &expr;
        o.map = &emap;
        o.root = root;
        fts_node(&o, root);
        out->columns = o.columns;
        /* Fallback: the required items OR-ed, exclusions kept. */
        if (root->kind == N_AND) {
            size_t items = 0;
            for (i = 0; i < root->nkids; i++) {
                items += (size_t)positive(root->kids[i]);
            }
            out->items = (int)items;
            if (items >= 2) {
                or_items(&any, &map, root, 0);
                if (or_items(&longb, &lmap, root, 1) == 0) {
                    longb.len = 0; /* only question words: any_expr */
                    lmap.len = 0;
                } else {
                    and_without_questions(&longall, root);
                }
            }
            for (i = 0; i < root->nkids; i++) {
                if (positive(root->kids[i])) {
                    collect(&p, out, root->kids[i], (int)i);
                }
            }
        } else {
            out->items = 1;
            collect(&p, out, root, 0);
        }
    } else if (root->kind == N_AND || root->neg) {
        /* Only exclusions: the items of the top AND, or the root alone
        ** (an excluded group is one item, its kids are its own). */
        int items = root->kind == N_AND && !root->neg;
        memset(&o, 0, sizeof o);
        o.b = &nots;
        for (i = 0; i < (items ? root->nkids : 1); i++) {
            const node *k = items ? root->kids[i] : root;
            if (!k->neg || !excludable(k)) {
                continue;
            }
            if (nots.len) {
                fouine_buf_puts(&nots, " OR ");
            }
            fts_excluded(&o, k);
        }
    }
    understood_node(&und, root, 1);
    out->typed = (int)p.typed;
    {
        size_t k = len;
        while (k > 0 && is_space((unsigned char)text[k - 1])) {
            k--;
        }
        out->question = p.asks || (k > 0 && text[k - 1] == '?');
    }
done:
    out->cut = p.cut;
    rc = p.rc;
    if (expr.failed || any.failed || map.failed || nots.failed || und.failed ||
        longb.failed || longall.failed) {
        rc = FOUINE_ENOMEM;
    }
    take(&out->expr, &expr);
    take(&out->any_expr, &any);
    take(&out->any_map, &map);
    take(&out->long_expr, &longb);
    take(&out->long_all, &longall);
    take(&out->expr_map, &emap);
    take(&out->long_map, &lmap);
    take(&out->not_expr, &nots);
    take(&out->understood, &und);
    if (out->any_expr && !out->any_map) {
        out->any_map = fouine_strdup("");
    }
    if (!out->understood) {
        out->understood = fouine_strdup("");
    }
    if (rc == FOUINE_OK && !out->understood) {
        rc = FOUINE_ENOMEM;
    }
    if (rc != FOUINE_OK) {
        fouine_parsed_clear(out);
    }
    node_free(root);
    fouine_free(p.toks);
    return rc;
}

int fouine_query_expr(char **out,
                      fouine_analyzer *an,
                      fouine_lexicon *lx,
                      const char *text)
{
    fouine_parsed q;
    int rc;

    *out = NULL;
    rc = fouine_parse(&q, an, lx, text, strlen(text));
    if (rc == FOUINE_OK) {
        *out = q.expr;
        q.expr = NULL;
        fouine_parsed_clear(&q);
    }
    return rc;
}
