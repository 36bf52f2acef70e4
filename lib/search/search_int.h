/*
** search_int.h: what the files of a search share (search.c the entry
** points, the options, the time budget and the steps of a search;
** search_sql.c the SQL that counts its matches and fetches a page of
** them; results.c the C results made of that page; collapse.c the
** count of groups of duplicates, which complete.c counts completions
** with); not part of the library's interface.
*/
#ifndef FOUINE_SEARCH_INT_H
#define FOUINE_SEARCH_INT_H

#include "query.h"

#include <stddef.h>

/* The time budget of a search (search.c). */
typedef struct budget budget;

/* One page of hits, before they are made into the results (results.c). */
typedef struct page_hit {
    sqlite3_int64 rowid;
    double score;        /* higher is better */
    int comment;         /* only a comment matched */
    int cover;           /* fallback: items held */
    sqlite3_int64 group; /* its group of duplicates (its rowid: alone) */
} page_hit;

/* One group of the matches counted for the facets: the articles of one
** category and month, within since and until or not. */
typedef struct facet_row {
    char *category;  /* as the articles write it, or NULL; owned */
    char *month;     /* substr(date, 1, 7), or NULL; owned */
    int in_dates;    /* within since and until (1 without them) */
    int in_category; /* of the options' category (1 without one) */
    long long count; /* matching articles */
} facet_row;

/* The table of every article's category and day that fouine_tally()
** keeps for its connection (facets.c). */
typedef struct tally_table tally_table;

/* The filters of a search as the table of fouine_tally() reads them,
** and the index the search sees (facets.c). */
typedef struct search_filter {
    sqlite3_int64 version; /* PRAGMA data_version in the search */
    sqlite3_int64 changes; /* the connection's total changes */
    const char *category;  /* the options' category, folded, or NULL */
    int dated;             /* since or until given */
    int lo, hi;            /* their days, YYYYMMDD, inclusive */
} search_filter;

/* A count of the facets by fouine_tally(rowid, :tally) (facets.c): what
** the search asks, set by fouine_tally_begin(), and what the matches
** gave. */
typedef struct facet_tally {
    search_filter f;
    /* Set by the counting: */
    const tally_table *table; /* the connection's; not owned */
    long long *cats;          /* by category id of table: in the dates */
    long long *months;        /* by month of table: of the category */
    unsigned char *match;     /* by category id: the options' category */
    long long total;          /* in the dates and of the category */
    int inexact;              /* the table cannot answer: count in SQL */
    int rc;                   /* FOUINE_OK, or why the counting failed */
} facet_tally;

/* The pointer type of a filter bound to fouine_keep() (facets.c). */
#define KEEP_POINTER "fouine_keep"

/* The filters of a search tested in C by fouine_keep(rowid, :keep) on
** the table of fouine_tally() (facets.c): set by fouine_keep_begin(). */
typedef struct keep_filter {
    search_filter f;
    int by_day;   /* date order: count the matches by day */
    int from;     /* date order: only the days from this one on
                     (YYYYMMDD; 0: every day, and none) */
    int counting; /* count the matches kept into days */
    /* Set by fouine_keep_begin(): */
    const tally_table *table; /* the connection's when it answers, else
                                 NULL; not owned */
    unsigned char *match;     /* by category id: the options'; owned */
    long long *days;          /* by day slot: matches kept; owned */
    size_t nslots;
    int unknown;   /* the category is none of the index's */
    char *closest; /* then the index's closest to it (as written in the
                      articles), or NULL; owned */
    int rc;        /* FOUINE_OK, or why the filter could not be made ready */
} keep_filter;

/* The grouped articles that fouine_groups() keeps for its connection
** (collapse.c). */
typedef struct group_table group_table;

/* A count of the matches of one statement and of their groups of
** duplicates (collapse.c). */
typedef struct group_count group_count;

/* State of one search. */
typedef struct search {
    sqlite3 *db;
    fouine_analyzer *an;
    const fouine_search_options *opts;
    const fouine_parsed *q;
    char *category; /* folded; owned */
    page_hit *hits; /* owned */
    size_t nhits;
    long long total;
    long long matched; /* the matching articles of the last count of
                          groups (total counts the groups), or 0 */
    int counted;       /* total was counted (not cut short by the budget) */
    budget *time;      /* the time budget; not owned */
    int facets;        /* counts count the facets too (into rows) */
    int faceted;       /* rows hold the facets of the last count */
    facet_row *rows;   /* owned, each with its strings */
    size_t nrows;
    double newest, oldest; /* FOUINE_SORT_RECENT: the julian days of the
                              newest and the oldest dated articles */
    keep_filter keep;      /* the filters in C, when keep.table; owns
                              its arrays (fouine_keep_clear()) */
    int keep_tried;        /* fouine_keep_begin() was called */
    int top;               /* the page being fetched ranks with
                              fouine_rank_top() and s->topk */
    fouine_topk topk;      /* its best scores; owns its heap
                              (fouine_topk_clear()) */
    int versioned;         /* topk's version of the index is read */
    group_count *counting; /* the count the page being fetched takes
                              of its matches, or NULL; owned */
} search;

/* fouine_results and what it owns: the public part first, so that a
** fouine_results * is a results *. */
typedef struct results {
    fouine_results pub;
    fouine_hit *hits;  /* owned */
    fouine_fix *fixes; /* owned */
    void **owned;      /* every string and span array the results point
                          to; each owned */
    size_t nowned, capowned;
} results;

/*
** Interface to code in search.c.
*/

/* Whether b ran out (sticky); also SQLite's progress handler, which
** interrupts the statement running when it returns non-zero. */
int fouine_search_budget_spent(void *payload);

/* Make db ready for a search: the search functions registered, and one
** read transaction opened when the caller has none (*own_txn set then),
** so that every statement of the search sees the same index.  Returns
** FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM. */
FOUINE_WUR int fouine_search_enter(sqlite3 *db, int *own_txn);

/* End what fouine_search_enter() opened (nothing when own_txn is 0). */
void fouine_search_leave(sqlite3 *db, int own_txn);

/*
** Interface to code in facets.c.
*/

/* Whether db has the function name(rowid, request) already. */
int fouine_function_registered(sqlite3 *db, const char *name);

/*
** Register the aggregate name(rowid, request) on db, once a connection,
** with its state for the connection: size bytes, zeroed, owned by the
** function and released by destroy with it (at once on failure).
** Returns FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM.
*/
FOUINE_WUR int fouine_aggregate_register(sqlite3 *db,
                                         const char *name,
                                         size_t size,
                                         void (*step)(sqlite3_context *,
                                                      int,
                                                      sqlite3_value **),
                                         void (*final)(sqlite3_context *),
                                         void (*destroy)(void *));

/* The version of the index db sees (PRAGMA data_version: others'
** commits) and its connection's total changes (its own), which a table
** made from the index is stamped with; inside a write transaction, whose
** changes a rollback may undo without changing either, a stamp of its own
** each call (the table is made again, and not kept past it).  Returns
** FOUINE_OK or FOUINE_EDB. */
FOUINE_WUR int fouine_search_version(sqlite3_int64 *version,
                                     sqlite3_int64 *changes,
                                     sqlite3 *db);

/* Register fouine_groups(rowid, request) on db, with the table it keeps,
** once a connection.  Returns FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM. */
FOUINE_WUR int fouine_groups_register(sqlite3 *db);

/*
** Run stmt, a statement of one row that gives the matches of a search to
** fouine_groups(rowid, :groups) (registered on its connection), and count
** them: *total the groups of duplicates among them (an article of no group
** counting as one), *matches the matches; stmt is then reset, :groups
** unbound.  Returns FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM (*total and
** *matches 0).
*/
FOUINE_WUR int fouine_groups_count(long long *total,
                                   long long *matches,
                                   sqlite3_stmt *stmt);

/*
** A count taken by a statement that passes its matches through the filter
** fouine_grouped(rowid, :groups) (registered with fouine_groups_register()),
** which lets every match through and counts it, while the statement also
** does something else with them (ranks a page).  fouine_groups_begin()
** makes *out (owned by the caller: fouine_groups_free()) for db, plain to
** count the matches only (else the table of the grouped articles is made
** ready at once); fouine_groups_bind() binds it to stmt's :groups, if
** stmt has it (an SQLite code);
** once the statement has seen every match (its first row of a sorted
** result), fouine_groups_take() gives *total the groups (as
** fouine_groups_count()) and *matches the matches, and seals q: later rows
** are not counted.  Begin returns FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM;
** take FOUINE_OK, what the counting failed with, or FOUINE_EINVAL when q
** was taken already.
*/
FOUINE_WUR int fouine_groups_begin(group_count **out, sqlite3 *db, int plain);
FOUINE_WUR int fouine_groups_bind(sqlite3_stmt *stmt, group_count *q);
FOUINE_WUR int fouine_groups_take(long long *total,
                                  long long *matches,
                                  group_count *q);
int fouine_groups_sealed(const group_count *q);
/* The mean size of the groups of two or more of q's index (1 when it has
** none): 1 for a plain count. */
double fouine_groups_mean(const group_count *q);
void fouine_groups_free(group_count *q);

/* Make k the filters of search s, tested by fouine_keep(): the table
** of the connection made fresh, k->table NULL when it cannot answer
** (the filters are then joined in SQL).  Returns FOUINE_OK, FOUINE_EDB
** or FOUINE_ENOMEM (k cleared). */
FOUINE_WUR int fouine_keep_begin(keep_filter *k, const search *s);

/* Start counting the matches kept by day (date order): the counts
** zeroed, the matches of the next statement counted. */
void fouine_keep_count(keep_filter *k);

/* The first day (YYYYMMDD) such that the matches counted from it on are
** at least want, or 0 when all of them are fewer. */
int fouine_keep_from(const keep_filter *k, long long want);

/* Release what k holds (k zeroed). */
void fouine_keep_clear(keep_filter *k);

/* Register fouine_tally(rowid, request) and fouine_keep() on db, with
** the table they share, unless they are there.  Returns FOUINE_OK,
** FOUINE_EDB or FOUINE_ENOMEM. */
FOUINE_WUR int fouine_tally_register(sqlite3 *db);

/* Set q (cleared first) to count the matches of s.  Returns FOUINE_OK or
** FOUINE_EDB. */
FOUINE_WUR int fouine_tally_begin(facet_tally *q, const search *s);

/* Bind q to the parameter :tally of stmt.  Returns FOUINE_OK or
** FOUINE_EDB. */
FOUINE_WUR int fouine_tally_bind(sqlite3_stmt *stmt, facet_tally *q);

/* s->rows (replaced) made of what q counted: a row a category (counted in
** the dates) and a row a month (counted in the category).  Returns
** FOUINE_OK or FOUINE_ENOMEM. */
FOUINE_WUR int fouine_tally_rows(search *s, const facet_tally *q);

/* Release what q holds. */
void fouine_tally_clear(facet_tally *q);

/*
** Interface to code in search_sql.c.
*/

/* Count the articles matching expr (with the filters) into *total, and set
** s->counted; with s->facets, in the same pass over the matches, count
** them by category and month into s->rows (each facet without its own
** filter: the rows keep whether they pass since/until and the category)
** and set s->faceted.  Returns FOUINE_OK, FOUINE_ENOMEM or FOUINE_EDB
** (also when the budget is spent, as an interrupted statement). */
FOUINE_WUR int fouine_search_count(search *s,
                                   const char *expr,
                                   long long *total);

/* Release s->rows. */
void fouine_search_rows_free(search *s);

/* Read into s->newest and s->oldest the julian days of the newest and the
** oldest dated articles of the index (0 when none has a date).  Returns
** FOUINE_OK or FOUINE_EDB. */
FOUINE_WUR int fouine_search_dates(search *s);

/* Orders of fouine_search_page(). */
enum {
    PAGE_RANKED,  /* by score, then the article indexed last */
    PAGE_BY_DATE, /* by score, then the newer article, then the last */
    PAGE_FOUND    /* unranked: the first matches FTS5 finds */
};

/*
** Fetch into s->hits (room for limit) the matches of expr from offset on,
** in the order of the options: by score, then (PAGE_BY_DATE) the newer
** article, then the one indexed last; with fallback, the articles holding
** the most items first.  A comparison of equal scores by date reads the
** date of every match, which is why it is asked for only when needed.
** PAGE_FOUND ranks nothing: the page of a search out of time.
*/
FOUINE_WUR int fouine_search_page(search *s,
                                  const char *expr,
                                  int fallback,
                                  int order,
                                  long offset,
                                  int limit);

/*
** Count the matches of expr and fetch one page of them into s.  Equal
** scores go to the newer article, the same way on every page: the page is
** fetched with one match more on each side, and when two of them tie, the
** page is fetched again ordered by date among equals.
*/
FOUINE_WUR int fouine_search_run(search *s, const char *expr, int fallback);

/*
** Interface to code in results.c.
*/

/* *out: a copy of the NUL-terminated string s that r owns (NULL when s is
** NULL).  Returns FOUINE_OK or FOUINE_ENOMEM. */
FOUINE_WUR int fouine_results_keep_str(const char **out,
                                       results *r,
                                       const char *s);

/*
** Fill out (cleared first) with the hit h of the search s: its columns,
** its title and its snippet of chars characters with their highlights,
** each string owned by r.  Returns FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM.
*/
FOUINE_WUR int fouine_results_hit(fouine_hit *out,
                                  results *r,
                                  search *s,
                                  const page_hit *h,
                                  size_t chars);

/*
** The public facets of r (r->pub.facets) made of s->rows: the categories
** of the rows within the dates, the years and months of the rows of the
** category, each value once with its count, in the orders of
** fouine_facets.  Returns FOUINE_OK or FOUINE_ENOMEM.
*/
FOUINE_WUR int fouine_results_facets(results *r, const search *s);

/*
** The query text with the words of corr replaced by their best candidate
** as most articles write it, in the case of the word typed ("Philipe":
** "Philippe", "PHILIPE": "PHILIPPE"; only the applied ones when applied is
** set),
** into *out (owned by r), and, with fixes, the pairs of typed and replaced
** words into r's fixes.  *out is NULL when nothing is replaced.
*/
FOUINE_WUR int fouine_results_corrected(const char **out,
                                        results *r,
                                        int fixes,
                                        const char *text,
                                        const fouine_correction *corr,
                                        size_t ncorr,
                                        int applied);

#endif /* FOUINE_SEARCH_INT_H */
