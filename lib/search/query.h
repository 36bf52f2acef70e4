/*
** query.h: private interface of the search stage of libfouine: turning
** what a reader typed into an FTS5 expression, running the search into C
** results (fouine/search.h), building snippets and suggestions.
**
** Interface to code in:
**   forms.c    the tokens a word typed may mean, from the lexicon
**   parse.c    the reader's query language -> FTS5 expression
**   rank.c     the ranking and the other SQL functions of a search
**   search.c   ranked search, filters, paging, the C results (with
**              search_sql.c and results.c: see search_int.h)
**   snippet.c  best-passage snippets and highlighting
**   spell.c    typo tolerance from the index's lexicon
*/
#ifndef FOUINE_QUERY_H
#define FOUINE_QUERY_H

#include <sqlite3.h>
#include <stddef.h>

#include "fouine/analyzer.h"
#include "fouine/buf.h"
#include "fouine/error.h"
#include "fouine/search.h"

/* The index's lexicon, open for expansions (forms.c): prepared statements
** on a connection.  Not thread safe: one per connection and thread. */
typedef struct fouine_lexicon fouine_lexicon;

/* Characters of the lead shown as the title of an untitled article. */
#define FOUINE_UNTITLED_CHARS 80

/*
** The bounds of the work of one search.  A query searches its first
** FOUINE_QUERY_TERMS words or phrases (a phrase, its first 32 words).
** FTS5 does some work in one step that no time budget can interrupt: it
** merges the lists of all the tokens a prefix covers at once, and reads
** the position lists of every article holding a phrase's stop words.  So
** the prefixes of a query cover at most FOUINE_PREFIX_TOKENS tokens of the
** index (a prefix past that is searched as a word), and its phrases hold
** at most FOUINE_PHRASE_STOPS stop words (a phrase past that is searched
** as its other words, each required; a query of stop words only, as the
** phrase of its first ones).  The rest stops after FOUINE_SEARCH_BUDGET_MS
** of the thread's CPU time: then the page is the first matches found,
** unranked, and snippets are not highlighted.  The answer says which
** bound cut it short ("truncated", "truncated_by").
*/
#define FOUINE_QUERY_TERMS   64
#define FOUINE_PREFIX_TOKENS 4000
#define FOUINE_PHRASE_STOPS  8

/* The bounds met: FOUINE_CUT_* of fouine/search.h (fouine_parsed.cut). */

/* A query of this many items or more (e.g. a question typed as a sentence)
** is long: its articles are those holding any of its items, its question
** words (quel, combien...) left out, and "fallback" says whether none holds
** them all.  A shorter query requires every item, and falls back to the
** articles holding the most items only when no article holds them all.
** Both are ranked by fouine_rank() (rank.c). */
#define FOUINE_LONG_QUERY 4

/* A question (ending with '?', or opening with an interrogative: qui,
** quel, combien...) of this many words typed or more, stop words included,
** and at least 2 items, is long too, whatever its items: "Qui a fondé
** Lyon ?" is 2 items, but a sentence.  Queries of 1 to 3 words always
** require every word. */
#define FOUINE_LONG_QUESTION 4

/*
** The parameters of fouine_rank() (rank.c; bench/RESULTS.md says how each
** was chosen, on all the development sets at once): BM25F's saturation
** and length normalization, the proximity bonus (its weight and window),
** the field weights (FOUINE_WEIGHT_* of store.h) and the title
** coverage bonus (its weight, the power of the share of the query the
** title holds, the power of the title's shortness).
*/
#define FOUINE_RANK_K1           2.0
#define FOUINE_RANK_B            1.0
#define FOUINE_PROXIMITY_WEIGHT  1.0
#define FOUINE_PROXIMITY_WINDOW  8
#define FOUINE_RANK_COVER        8.0
#define FOUINE_RANK_COVER_POWER  8.0
#define FOUINE_RANK_COVER_LENGTH 0.5

/**
 * fouine_search() on a connection of one's own (opened with
 * fouine_store_open(), search functions registered on first use) and an
 * analyzer not used by another thread meanwhile; neither is owned.
 *
 * @return as fouine_search(); FOUINE_EDB: see sqlite3_errmsg(db)
 */
FOUINE_WUR int fouine_search_db(fouine_results **out,
                                sqlite3 *db,
                                fouine_analyzer *an,
                                const fouine_search_options *o);

/**
 * fouine_complete() on a connection and an analyzer of one's own (not
 * owned; the analyzer not used by another thread meanwhile).
 */
FOUINE_WUR int fouine_complete_db(fouine_completions **out,
                                  sqlite3 *db,
                                  fouine_analyzer *an,
                                  const char *text,
                                  size_t max);

/**
 * Turn what a reader typed into an FTS5 MATCH expression that always
 * parses (see parse.c for the language).
 *
 * @param[out] out the expression, to be freed with fouine_free(); NULL
 *             when the query holds no word (or only exclusions)
 * @param an   an analyzer
 * @param text the query, NUL-terminated
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_query_expr(char **out,
                                 fouine_analyzer *an,
                                 fouine_lexicon *lx,
                                 const char *text);

/* ------------------------------------------------------------------------
** Internal to the fouine_query library (parse.c, search.c, snippet.c,
** spell.c).
*/

/* Growable strings: fouine_buf (fouine/buf.h). */

/* A part of the query to highlight: one word or one phrase. */
typedef struct fouine_hl_term {
    char *tokens; /* the tokens each word may be, the words separated by
                     spaces and a word's tokens by '|' ("état|etat
                     unis"); owned */
    char *keys;   /* what else marks each word in a text, the words
                     separated by spaces: "FOLD=STEM|STEM" (a word of that
                     fold, or of one of these stems, not a stop word),
                     "FOLD=" (that fold), "FOLD*" (a fold beginning so), or
                     "" (only the tokens: =mot); owned */
    int prefix;   /* the last word's tokens are prefixes */
    int group;    /* the required item of the query it belongs to */
    size_t start; /* bytes of the term in the query */
    size_t end;
} fouine_hl_term;

/* The index's lexicon, open for expansions (forms.c): see
** fouine_lexicon_open(). */

/**
 * Prepare the lexicon's statements on db.
 *
 * @param[out] out the handle (fouine_lexicon_close()), NULL on failure
 * @return FOUINE_OK, FOUINE_EDB (no lexicon: an index of another
 *         version), FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_lexicon_open(fouine_lexicon **out, sqlite3 *db);

/** Release a lexicon handle.  NULL is accepted. */
void fouine_lexicon_close(fouine_lexicon *lx);

/** The connection a lexicon handle reads. */
sqlite3 *fouine_lexicon_db(const fouine_lexicon *lx);

/* One word of a query, analyzed (FOUINE_ANALYZE_WORDS). */
typedef struct fouine_qword {
    char token[FOUINE_MAX_WORD + 1]; /* the index form, NUL-terminated */
    size_t ntoken;
    char fold[4 * FOUINE_MAX_WORD + 8]; /* accents stripped */
    size_t nfold;
    char stem[4 * FOUINE_MAX_WORD + 8]; /* folded stem; "" when none */
    size_t nstem;
    int stop; /* a stop word */
    int caps; /* typed in capitals, 2 to 5 bytes: an acronym */
} fouine_qword;

/**
 * Put one token of a FOUINE_ANALYZE_WORDS run into w: a word's token (w
 * cleared first, to be filled by the next two), its fold (w->stop set), or
 * its stem, as flags say.
 */
void fouine_qword_put(fouine_qword *w,
                      const char *token,
                      size_t len,
                      int flags);

/* The tokens a word may mean, by tier (forms.c): 0 the same fold, 1 its
** inflections, 2 its other relatives.  Each tier is a list of tokens
** separated by '|'. */
typedef struct fouine_forms {
    fouine_buf tier[3]; /* owned */
    size_t n[3];        /* tokens of each tier */
    size_t count;       /* of all tiers */
    fouine_buf stems;   /* the stems whose tokens tiers 1 and 2 hold,
                           '|'-separated (empty for FOUINE_FORMS_EXACT and
                           FOUINE_FORMS_SAME); owned */
    size_t covered;     /* fouine_forms_prefix(): tokens of the lexicon
                           the prefix covers (FOUINE_PREFIX_TOKENS + 1
                           counted at most) */
} fouine_forms;

/* Flags of fouine_forms_of(). */
#define FOUINE_FORMS_EXACT 0x1 /* the token itself only (=mot) */
#define FOUINE_FORMS_SAME  0x2 /* tier 0 only (stop words, acronyms) */

/**
 * The tokens the word w may mean, from the lexicon.  Tier 0 holds at
 * least w's own token.
 *
 * @param[out] out cleared first; release with fouine_forms_clear()
 * @param lx    the lexicon, or NULL (then only w's own token)
 * @return FOUINE_OK, FOUINE_EDB, FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_forms_of(fouine_forms *out,
                               fouine_lexicon *lx,
                               const fouine_qword *w,
                               int flags);

/**
 * The prefixes of the tokens whose fold starts with the fold of w (a
 * prefix typed): "presid" -> "présid", "presid".  Tier 0 only, at least
 * w's own token.
 *
 * @param[out] out cleared first; release with fouine_forms_clear()
 * @return FOUINE_OK, FOUINE_EDB, FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_forms_prefix(fouine_forms *out,
                                   fouine_lexicon *lx,
                                   const fouine_qword *w);

/** Release what f owns and zero it. */
void fouine_forms_clear(fouine_forms *f);

typedef struct fouine_correction fouine_correction;

/* A query parsed by fouine_parse(). */
typedef struct fouine_parsed {
    char *expr;            /* FTS5 expression, every item required; or NULL */
    char *any_expr;        /* the items OR-ed (fallback); NULL: < 2 items */
    char *any_map;         /* for fouine_cover(): the item of each phrase of
                         any_expr, space-separated ("-1": an exclusion) */
    char *long_expr;       /* any_expr without the question words (quel,
                         combien...), for a long query; NULL: any_expr */
    char *long_all;        /* expr without the question words: what an
                         article must hold for a long query not to fall
                         back; NULL: expr */
    char *not_expr;        /* the query holds only exclusions: them, OR-ed */
    char *expr_map;        /* item of each phrase of expr */
    char *long_map;        /* item of each phrase of long_expr */
    char *understood;      /* the query as parsed, in the query language */
    int columns;           /* some item is restricted to a field */
    int items;             /* required items of expr */
    int typed;             /* words typed, stop words included */
    int question;          /* typed as a question: ends with '?' or opens
                         with an interrogative (qui, quel, combien...) */
    fouine_hl_term *terms; /* what to highlight; owned */
    size_t nterms;
    size_t *words; /* [start, end) byte pairs in the query of the plain
                         words searched (for suggestions); owned */
    size_t nwords; /* pairs in words */
    unsigned cut;  /* FOUINE_CUT_WORDS, FOUINE_CUT_PREFIXES: what the
                      query lost to the bounds of a search */
} fouine_parsed;

/**
 * Parse what a reader typed (any bytes; invalid UTF-8 separates words).
 *
 * @param[out] out cleared first; release with fouine_parsed_clear()
 * @param lx   the index's lexicon, whose tokens each word is searched as,
 *             or NULL (each word as its own token only)
 * @return FOUINE_OK, FOUINE_EDB (the lexicon could not be read),
 *         FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_parse(fouine_parsed *out,
                            fouine_analyzer *an,
                            fouine_lexicon *lx,
                            const char *text,
                            size_t len);

/**
 * fouine_parse(), with the words of corr that are applied searched also
 * as their candidates (ranked below the word as typed).
 *
 * @param corr corrections of this text (fouine_spell_query()), or NULL;
 *             only read during the call
 * @param prefix_tokens tokens of the index the prefixes may cover (see
 *             FOUINE_PREFIX_TOKENS, the most and the value of 0)
 */
FOUINE_WUR int fouine_parse_corrected(fouine_parsed *out,
                                      fouine_analyzer *an,
                                      fouine_lexicon *lx,
                                      const char *text,
                                      size_t len,
                                      const fouine_correction *corr,
                                      size_t ncorr,
                                      size_t prefix_tokens);

/** Release what a parsed query owns and zero it. */
void fouine_parsed_clear(fouine_parsed *q);

/* Highlights found in a text: byte spans, sorted, not overlapping. */
typedef struct fouine_spans {
    fouine_span *at; /* owned */
    size_t n;        /* spans */
    size_t cap;      /* spans allocated */
} fouine_spans;

/**
 * Build a snippet of text around its best passage for the query terms:
 * it starts at a sentence start, or after "… " when cut; it ends at a
 * sentence end or with " …"; it never cuts a word or a UTF-8 sequence.
 *
 * @param[out] snippet new plain text (fouine_free()); never NULL on success
 * @param[out] spans   the matched words in *snippet (cleared first; free
 *             spans->at)
 * @param[out] found   how many distinct groups matched in the passage
 * @param text  the text (not necessarily NUL-terminated)
 * @param chars the length wanted, in characters (whole text when 0)
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_snippet(char **snippet,
                              fouine_spans *spans,
                              int *found,
                              fouine_analyzer *an,
                              const fouine_parsed *q,
                              const char *text,
                              size_t len,
                              size_t chars);

/* Typo tolerance (spell.c). */

/* The Damerau-Levenshtein (optimal string alignment) distance between a
** (n bytes) and b (m bytes), compared byte by byte, or limit + 1 when it
** is beyond limit (or either is longer than FOUINE_SPELL_WORD). */
size_t fouine_spell_distance(const char *a,
                             size_t n,
                             const char *b,
                             size_t m,
                             size_t limit);

/* The edits a correction of a word of n bytes may make: none below 5, 1,
** 2 from 9 (Meilisearch's rule). */
size_t fouine_spell_limit(size_t n);

#define FOUINE_SPELL_WORD  64 /* longer words are not corrected */
#define FOUINE_SPELL_CANDS 8  /* candidates compared */
#define FOUINE_SPELL_KEEP  3  /* candidates a word is searched as, at most */
/* Weight of the candidates of a word that some articles hold as typed
** (a rare word): below the word itself. */
#define FOUINE_SPELL_RARE_WEIGHT 0.5

/* A vocabulary word close to a query word. */
typedef struct fouine_spell_cand {
    char term[FOUINE_SPELL_WORD + 1];   /* its fold */
    char token[FOUINE_SPELL_WORD + 1];  /* its most frequent token: how the
                                          articles write it */
    size_t len;                         /* its length in bytes */
    long long docs;                     /* articles holding it */
    size_t dist;                        /* edits from the query word */
    char stem[4 * FOUINE_MAX_WORD + 8]; /* its stem (lexicon), or "" */
    size_t nstem;
    int slip;          /* 0: a usual typing slip away; 1: another edit */
    long long context; /* articles holding it and the rest of the query
                           (up to 100), or 0 */
} fouine_spell_cand;

/* The correction of one plain word of a query. */
struct fouine_correction {
    size_t start, end;                 /* bytes of the word in the query */
    char typed[FOUINE_SPELL_WORD + 1]; /* its fold */
    long long docs;                    /* articles holding it as typed */
    long long related; /* when docs is 0: articles holding a word of its
                          stem (a bound) */
    fouine_spell_cand cands[FOUINE_SPELL_KEEP]; /* best first */
    size_t ncands;
    int applied; /* in no article: searched as cands too; else only
                    suggested */
};

/**
 * Find the plain words of q that look mistyped and their corrections
 * (see spell.c for the rules).
 *
 * @param[out] out the corrections, in query order (fouine_free()); NULL
 *             when there is none
 * @param[out] nout their number
 * @param text the query q was parsed from
 * @return FOUINE_OK, FOUINE_EDB, FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_spell_query(fouine_correction **out,
                                  size_t *nout,
                                  fouine_lexicon *lx,
                                  fouine_analyzer *an,
                                  const fouine_parsed *q,
                                  const char *text);

/**
 * Register on db what the search needs: the SQL functions fouine_fold(text)
 * (case and accents folded), fouine_decay(day, newest, oldest, half_life)
 * (the weight of an article's age in a ranking by recency),
 * fouine_query(text), fouine_query_map(text) and fouine_snippet(text,
 * query [, chars]), and the FTS5 functions fouine_cover(fts, map) (how
 * many items of the query an article holds), fouine_rank(fts, map [, k1,
 * ...]) (the score of an article: lower is better, as FTS5's bm25()) and
 * fouine_rank_top(fts, :topk, map [, k1, ...]) (the same, or NULL for an
 * article that cannot be among the best: see fouine_topk); all in rank.c.
 * Idempotent.
 *
 * @return FOUINE_OK, FOUINE_EDB, FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_search_register(sqlite3 *db);

/* The pointer type of a fouine_topk bound to fouine_rank_top(). */
#define FOUINE_TOPK_POINTER "fouine_topk"

/*
** The best scores of the rows a statement has ranked so far with
** fouine_rank_top() (rank.c), which leaves unranked (NULL) a row that
** cannot score more than the want-th best of them.  Zero it, then
** fouine_topk_rewind() before each run of the statement.
*/
typedef struct fouine_topk {
    const char *expr; /* the FTS5 expression ranked, whose phrases' document
                         frequencies the connection may keep
                         (fouine_df_cache), or NULL; not owned */
    sqlite3_int64 version, changes; /* with expr: the index the statement
                                       sees (fouine_search_version()) */
    double *best;       /* owned: a min-heap of the best scores, n of them */
    size_t n, cap;      /* scores in best, and its room */
    size_t want;        /* the rows the statement returns (its LIMIT) */
    sqlite3_int64 last; /* the row ranked (or not) last, when seen */
    double last_score;  /* its score, or NAN when left unranked */
    int seen;           /* last is set: SQLite may ask twice of a row */
    long long ranked;   /* rows ranked, since zeroed */
    long long skipped;  /* rows left unranked, since zeroed */
} fouine_topk;

/* Make t ready for a run of the statement that returns want rows (0:
** every row ranked).  Returns FOUINE_OK or FOUINE_ENOMEM. */
FOUINE_WUR int fouine_topk_rewind(fouine_topk *t, size_t want);

/* Release what t owns and zero it. */
void fouine_topk_clear(fouine_topk *t);

/*
** The document frequencies of phrases that a connection keeps from one
** search to the next (df.c), for fouine_rank_top(): keyed by the text of
** a phrase in its FTS5 expression, stamped with the index they were
** counted on (PRAGMA data_version, the connection's total changes, and
** the rows and tokens of the FTS5 table, which tell one table from
** another).
*/
#define FOUINE_DF_STAMP 4
typedef struct fouine_df_cache fouine_df_cache;

/* A new empty cache into *out (fouine_df_cache_free()).  Returns
** FOUINE_OK or FOUINE_ENOMEM. */
FOUINE_WUR int fouine_df_cache_new(fouine_df_cache **out);

/* Release a cache (a fouine_df_cache *; NULL is accepted). */
void fouine_df_cache_free(void *c);

/* Make c hold the frequencies of the index of stamp: emptied when it held
** those of another. */
void fouine_df_cache_stamp(fouine_df_cache *c,
                           const sqlite3_int64 stamp[FOUINE_DF_STAMP]);

/* Whether c holds the frequency of the phrase key (len bytes): then in
** *df. */
int fouine_df_cache_get(sqlite3_int64 *df,
                        const fouine_df_cache *c,
                        const char *key,
                        size_t len);

/* Keep df for the phrase key (len bytes, copied).  Returns FOUINE_OK or
** FOUINE_ENOMEM (c unchanged, still usable). */
FOUINE_WUR int fouine_df_cache_put(fouine_df_cache *c,
                                   const char *key,
                                   size_t len,
                                   sqlite3_int64 df);

/*
** The bytes of expr holding each of its n phrases, in FTS5's order, into
** out[0..n): the quoted text with its prefix star.  Returns 1 when expr is
** quoted phrases only (with AND, OR, NOT and parentheses), n of them; 0
** when it is not, or holds another number (a column filter, NEAR or a
** bare word make a phrase's frequency more than its text's).
*/
int fouine_expr_phrases(fouine_span *out, int n, const char *expr);

#endif /* FOUINE_QUERY_H */
