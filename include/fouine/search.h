/*
** fouine/search.h: searching an index as a reader types, with fouine's
** query language, typo correction, ranking and snippets; and completing
** what a reader is typing.
**
** A search runs on a fouine_index (fouine/index.h), which keeps what it
** needs between searches (its analyzer, the lexicon's statements).  Like
** every use of a handle, one thread at a time: a server gives each of its
** threads a handle of its own.
**
** Whatever was typed is searched: a query is never an error (a query of
** nothing but punctuation finds nothing).  Only the options can be wrong.
*/
#ifndef FOUINE_SEARCH_H
#define FOUINE_SEARCH_H

#include <stddef.h>

#include "fouine/error.h"
#include "fouine/index.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of fouine_search_options these headers describe (2 adds
** facets and half_life_hours, 3 no_collapse; options of versions 1 and 2
** are still read). */
#define FOUINE_SEARCH_OPTIONS_VERSION 3

/* Largest limit, longest query read (bytes: longer is cut on a character
** boundary), default and largest snippet length (characters). */
#define FOUINE_LIMIT_MAX         1000
#define FOUINE_QUERY_MAX         16384
#define FOUINE_SNIPPET_CHARS     200
#define FOUINE_SNIPPET_CHARS_MAX 2000

/* The time a search may take by default (CPU ms of its thread), the
** largest budget accepted, and the budget of a search that has no time at
** all (tests of the bound). */
#define FOUINE_SEARCH_BUDGET_MS 200
#define FOUINE_BUDGET_MAX_MS    600000
#define FOUINE_BUDGET_SPENT     (-2)

/* Bytes of fouine_search_options.error. */
#define FOUINE_SEARCH_ERROR_MAX 256

/* The bounds of a search's work that cut it short
** (fouine_results.truncated_by; README, "Bounds"). */
#define FOUINE_CUT_WORDS    0x1u /* words past the first ones left out */
#define FOUINE_CUT_PREFIXES 0x2u /* a prefix searched as a word */
#define FOUINE_CUT_PHRASES  0x4u /* a phrase searched as its words */
#define FOUINE_CUT_TIME     0x8u /* the time budget ran out */

/* Order of the hits. */
typedef enum fouine_sort {
    FOUINE_SORT_RANK = 0,  /* best first; equal scores to the newer article */
    FOUINE_SORT_DATE = 1,  /* newest first; equal dates to the better score */
    FOUINE_SORT_RECENT = 2 /* best first, each score decayed by the age of
                              its article: score x 2^(-age / half-life),
                              age from the article's date to the newest
                              article's (an article without a date is as
                              old as the oldest); equal scores to the newer
                              article (README, "Ranking") */
} fouine_sort;

/* The half-life of FOUINE_SORT_RECENT, in hours: its default (30 days)
** and its largest value (3650 days). */
#define FOUINE_HALF_LIFE_HOURS     720
#define FOUINE_HALF_LIFE_MAX_HOURS 87600

/* Most categories a search's facets list (fouine_facets.categories). */
#define FOUINE_FACET_CATEGORIES 50

/* What to search: fouine_search_options_init() it, then set what you
** need. */
typedef struct fouine_search_options {
    unsigned version;     /* FOUINE_SEARCH_OPTIONS_VERSION */
    const char *query;    /* what the reader typed, UTF-8 (invalid bytes
                             are read as U+FFFD); not owned */
    int limit;            /* hits to return, 1..FOUINE_LIMIT_MAX */
    int offset;           /* hits to skip, >= 0 */
    const char *since;    /* NULL, or "YYYY", "YYYY-MM", "YYYY-MM-DD":
                             articles dated on or after; not owned */
    const char *until;    /* the same forms: on or before (the whole month
                             for "YYYY-MM"); not owned */
    const char *category; /* NULL, or a category, case and accents aside;
                             not owned */
    fouine_sort sort;     /* order of the hits */
    int comments;         /* non-zero: reader comments match too */
    int snippet_chars;    /* snippet length in characters */
    int no_correct;       /* non-zero: search exactly what was typed (a
                             correction is then only suggested) */
    int budget_ms;        /* CPU time the search may take, in ms, up to
                             FOUINE_BUDGET_MAX_MS; 0:
                             FOUINE_SEARCH_BUDGET_MS; -1: no limit;
                             FOUINE_BUDGET_SPENT: none at all */
    char *error;          /* NULL, or room for FOUINE_SEARCH_ERROR_MAX
                             bytes that get SQLite's message when the
                             search fails with FOUINE_EDB; not owned */
    /* Tuning, for benchmarks and tests (0 / NULL: fouine's own): */
    int long_query;     /* items from which a query is long (-1: never) */
    const double *rank; /* FOUINE_RANK_PARAMS numbers replacing the
                           ranking's: BM25 k1 and b, proximity weight and
                           window, the title's, lead's and body's weights,
                           cover, cover power and cover length (the
                           order of bench_relevance --rank); not owned */
    int prefix_tokens;  /* tokens of the index the query's prefixes may
                           cover, 1..4000 (0: 4000) */
    /* Version 2: */
    int facets;          /* non-zero: count the matches by category, year
                            and month (fouine_results.facets) */
    int half_life_hours; /* FOUINE_SORT_RECENT's half-life, 1..
                            FOUINE_HALF_LIFE_MAX_HOURS (0:
                            FOUINE_HALF_LIFE_HOURS) */
    /* Version 3: */
    int no_collapse; /* non-zero: every matching article is a hit; 0: a
                        group of wire-story duplicates is one hit, its best
                        ranked member (README, "Wire-story duplicates") */
} fouine_search_options;

/* How many numbers fouine_search_options.rank holds. */
#define FOUINE_RANK_PARAMS 10

/* fouine_search_options_init() as an initializer. */
#define FOUINE_SEARCH_OPTIONS_INIT                                             \
    {                                                                          \
        FOUINE_SEARCH_OPTIONS_VERSION, NULL, 10, 0, NULL, NULL, NULL,          \
            FOUINE_SORT_RANK, 0, FOUINE_SNIPPET_CHARS, 0, 0, NULL, 0, NULL, 0, \
            0, 0, 0                                                            \
    }

/**
 * Set o to the defaults of fouine-query: version, limit 10, snippets of
 * FOUINE_SNIPPET_CHARS, everything else 0 or NULL.
 */
void fouine_search_options_init(fouine_search_options *o);

/**
 * Check options without searching.
 *
 * @return NULL when o can be searched, else a static English message
 *         naming the field that is wrong and why, without its value
 *         ("since: no such day", "until: expected a date YYYY, YYYY-MM or
 *         YYYY-MM-DD"); fouine_search() returns FOUINE_EINVAL then
 */
const char *fouine_search_options_error(const fouine_search_options *o);

/**
 * Check options without searching, as fouine_search_options_error() does,
 * and say what is wrong with the value given, for a message that names
 * the option as the caller's users know it (fouine-query's "--since",
 * fouine-serve's "since").
 *
 * @param[out] field NULL when o can be searched; else the field that is
 *                   wrong, as fouine_search_options names it ("since",
 *                   "until", "limit", "offset", "snippet_chars",
 *                   "budget_ms", "prefix_tokens", "sort",
 *                   "half_life_hours", "query", "version"); static
 * @param[out] why   room for FOUINE_SEARCH_ERROR_MAX bytes: "" when o can
 *                   be searched; else why, in English, the value given
 *                   quoted (cut after 40 bytes, on a character boundary):
 *                   "'2019-02-30': no such day (February 2019 has 28
 *                   days)", "'abc': expected a date YYYY, YYYY-MM or
 *                   YYYY-MM-DD", "'2019-13': no such month (months are 01
 *                   to 12)"
 * @param o          the options
 * @return FOUINE_OK, or FOUINE_EINVAL (fouine_search() returns it then)
 */
FOUINE_WUR int fouine_search_options_check(const char **field,
                                           char *why,
                                           const fouine_search_options *o);

/**
 * The order a name gives: "relevance" (also "rank"), "recent" or "date",
 * the names fouine-query's --sort and fouine-serve's sort take.
 *
 * @param[out] out the order; FOUINE_SORT_RANK on error
 * @param name NUL-terminated
 * @return FOUINE_OK, or FOUINE_EINVAL for another name
 */
FOUINE_WUR int fouine_sort_parse(fouine_sort *out, const char *name);

/**
 * The half-life of FOUINE_SORT_RECENT that a text gives: a whole number
 * of days ("30d") or of hours ("12h"), from 1 hour to
 * FOUINE_HALF_LIFE_MAX_HOURS, as fouine-query's --half-life and
 * fouine-serve's half_life take it.
 *
 * @param[out] hours the half-life in hours; 0 on error
 * @param text NUL-terminated
 * @return FOUINE_OK, or FOUINE_EINVAL for anything else
 */
FOUINE_WUR int fouine_half_life_parse(int *hours, const char *text);

/* The bytes [start, end) of a match in a text. */
typedef struct fouine_span {
    size_t start, end;
} fouine_span;

/* One hit.  Every string of the results is NUL-terminated, valid UTF-8
** (what was typed included: bytes that are not UTF-8 become U+FFFD), and
** owned by the results. */
typedef struct fouine_hit {
    const char *id;                 /* the article's id */
    const char *title;              /* its title, or the start of its lead
                                       when it has none (untitled) */
    const fouine_span *title_spans; /* the words found in title, in order */
    size_t ntitle_spans;
    const char *snippet;              /* the best passage, "…" where cut (a
                                       reader comment when only one
                                       matched) */
    const fouine_span *snippet_spans; /* the words found in snippet */
    size_t nsnippet_spans;
    const char *date;     /* ISO 8601, or NULL */
    const char *category; /* or NULL */
    const char *url;      /* or NULL */
    double score;         /* higher is better */
    int untitled;         /* the title shown is the lead's start */
    int comment;          /* only a reader comment matched */
    long long duplicates; /* the other articles of its group of wire-story
                             duplicates in the index, matching or not (0:
                             none) */
    const char *const *duplicate_ids; /* the ids of the first
                                         FOUINE_DUPLICATE_IDS of them,
                                         oldest first */
    size_t nduplicate_ids;
} fouine_hit;

/* Most ids of a hit's duplicates given (fouine_hit.duplicate_ids). */
#define FOUINE_DUPLICATE_IDS 20

/* A word typed and the word searched in its place. */
typedef struct fouine_fix {
    const char *typed;     /* as typed */
    const char *corrected; /* as the articles write it */
} fouine_fix;

/* One value of a facet and the matching articles that have it. */
typedef struct fouine_facet {
    const char *value; /* a category as the articles write it, a year
                          ("2019") or a month ("2019-05") */
    long long count;   /* matching articles */
} fouine_facet;

/* The matches of a search counted by category, year and month, each
** facet with the other filters of the options applied but not its own: the
** categories with since and until (not category), the years and months
** with category (not since and until).  Articles without a category (a
** date) are in no category (year, month). */
typedef struct fouine_facets {
    const fouine_facet *categories; /* most articles first, then by name;
                                       at most FOUINE_FACET_CATEGORIES */
    size_t ncategories;
    const fouine_facet *years; /* newest first */
    size_t nyears;
    const fouine_facet *months; /* newest first */
    size_t nmonths;
} fouine_facets;

/* What a search found.  Owned by the caller: fouine_results_free(). */
typedef struct fouine_results {
    const char *query;       /* what was typed (cut at FOUINE_QUERY_MAX) */
    const char *understood;  /* the query as parsed, in the query language */
    const char *expression;  /* the FTS5 expression run, or NULL */
    long long total;         /* matching articles; when the search
                               collapses duplicates (the default), matching
                               groups of duplicates, an article alone
                               counting as a group */
    int offset, limit;       /* as used */
    int fallback;            /* no article held every word: the hits are the
                               articles holding most of them */
    const char *corrected;   /* the query searched instead of what was
                               typed (typing errors corrected), or NULL */
    const fouine_fix *fixes; /* its corrections, in order */
    size_t nfixes;
    const char *suggestion; /* a query to propose ("Essayez plutôt"), or
                               NULL */
    unsigned truncated_by;  /* FOUINE_CUT_* bits: the bounds that cut the
                               search short (0: none) */
    double took_ms;         /* time spent */
    const fouine_hit *hits; /* the page of hits, best first */
    size_t nhits;
    const fouine_facets *facets;  /* with fouine_search_options.facets, the
                                    counts of the matches (the expression,
                                    fallback and correction of the hits);
                                    NULL when not asked, or when the time
                                    budget ran out before the matches were
                                    counted */
    int category_unknown;         /* the category option names none of the
                                     index's categories (case and accents
                                     aside), hence no hit */
    const char *category_closest; /* then the index's category nearest to
                                     it (a typing error away: 1 edit from 5
                                     letters, 2 from 9), as its articles
                                     write it, or NULL */
} fouine_results;

/**
 * Search an index.
 *
 * @param[out] out the results (fouine_results_free()); NULL on error
 * @param ix   the index (read only or writable)
 * @param o    what to search
 * @return FOUINE_OK (with or without hits); FOUINE_EINVAL (options, see
 *         fouine_search_options_error(), or of another version);
 *         FOUINE_EDB (see fouine_index_errmsg()); FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_search(fouine_results **out,
                             fouine_index *ix,
                             const fouine_search_options *o);

/** Release results.  NULL is accepted. */
void fouine_results_free(fouine_results *r);

/* Most articles fouine_related() gives. */
#define FOUINE_RELATED_MAX 50

/**
 * The articles closest to one article: its most distinctive words (by
 * stem: their frequency in the article, a word of the title counting 3
 * times, saturated, times their idf in the index; the 25 best) searched
 * OR-ed and ranked as a search ranks (fouine_rank(): BM25F with the title
 * weighted, title coverage, proximity), equal scores to the newer
 * article.  The article itself is never among them, nor its duplicates
 * (its group of near-duplicates, and an article whose title is its title,
 * case and accents aside).  The
 * hits have the fields of a search's, nothing highlighted, their snippet
 * the start of their text; query is the id, expression the FTS5
 * expression run (NULL when the article has no word another article
 * holds: no hits), total the number of hits.
 *
 * @param[out] out the results (fouine_results_free()); NULL on error
 * @param ix   the index (read only or writable)
 * @param id   the article's id, NUL-terminated
 * @param n    most articles to give, 1 to FOUINE_RELATED_MAX
 * @return FOUINE_OK (with or without hits); FOUINE_ENOTFOUND when no
 *         article has that id; FOUINE_EINVAL (n out of range, id NULL);
 *         FOUINE_EDB (see fouine_index_errmsg()); FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_related(fouine_results **out,
                              fouine_index *ix,
                              const char *id,
                              size_t n);

/* One completion of what is being typed. */
typedef struct fouine_completion {
    const char *text; /* what was typed, its last word completed (or a
                         phrase continuing it), as the articles write it */
    long long count;  /* the total that fouine_search() gives for text
                         (a group of wire-story duplicates counted once,
                         as a search collapses them by default) */
} fouine_completion;

/* Completions, most frequent first.  Owned by the caller:
** fouine_completions_free(). */
typedef struct fouine_completions {
    const fouine_completion *items;
    size_t n;
} fouine_completions;

/**
 * Complete what a reader is typing: the words of the index that start
 * with the last word typed (accents aside: "hop" gives "hôpital"), most
 * frequent first; after other words, the phrases of the index that
 * continue them ("vigilance ro" gives "vigilance rouge").  Nothing when
 * the text ends with a space or punctuation.
 *
 * @param[out] out the completions (fouine_completions_free()); NULL on
 *             error
 * @param ix   the index
 * @param text what was typed, valid UTF-8, NUL-terminated
 * @param max  most completions returned
 * @return FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_complete(fouine_completions **out,
                               fouine_index *ix,
                               const char *text,
                               size_t max);

/** Release completions.  NULL is accepted. */
void fouine_completions_free(fouine_completions *c);

/**
 * A text with its spans marked: open before and close after each span
 * (sorted, not overlapping; spans outside the text are left out), the
 * text (not the marks) HTML-escaped (& < > ") when html is non-zero.
 * fouine-query marks its terminal output so ("\x1b[1m", "\x1b[0m"), the
 * API its HTML ("<mark>", "</mark>", html).
 *
 * @param[out] out a new NUL-terminated string (fouine_free()); NULL on
 *             error
 * @return FOUINE_OK or FOUINE_ENOMEM
 */
FOUINE_WUR int fouine_highlight(char **out,
                                const char *text,
                                const fouine_span *spans,
                                size_t nspans,
                                const char *open,
                                const char *close,
                                int html);

#ifdef __cplusplus
}
#endif

#endif /* FOUINE_SEARCH_H */
