/*
** search.c: the entry points of a search (fouine_search(),
** fouine_search_db()): its options, its time budget, and its steps: the
** query parsed and corrected, its matches counted and one page of them
** fetched (search_sql.c), that page made into the C results (results.c).
**
** A short query (fewer than FOUINE_LONG_QUERY items) runs with every item
** required; when no article holds them all and it has several items, it
** runs them OR-ed, ranking first the articles that hold the most items
** (fouine_cover()).  A long query (FOUINE_LONG_QUERY items or more, or a
** question of FOUINE_LONG_QUESTION words or more) runs its items OR-ed at
** once, without its question words (fouine_parsed.long_expr).  Both are
** ranked by fouine_rank() (rank.c); equal scores go to the newer article,
** then to the one indexed last, the same way on every page
** (fouine_search_run()).  A word in no article is searched as its
** corrections too (spell.c), unless the options ask for exactly what was
** typed.
*/
#include "indexer.h"
#include "search_int.h"

#include "fouine/alloc.h"
#include "store.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- Options ---- */

/* What is wrong with one option: its field, as fouine_search_options
** names it (static), a static message naming it ("since: REASON",
** fouine_search_options_error()) and, in why (NULL, or room for
** FOUINE_SEARCH_ERROR_MAX bytes), the reason with the value given
** ("'VALUE': REASON (DETAIL)", fouine_search_options_check()). */
typedef struct fault {
    const char *field;   /* NULL: nothing wrong */
    const char *message; /* "NAME: REASON", or "REASON" */
    char *why;           /* NULL, or where the reason with the value goes */
} fault;

#define QUOTE_MAX 40 /* bytes of a value quoted in a message */

/*
** Note in f that field is wrong, for the reason message gives after its
** "NAME: " (if any): value is the value given as text (NULL: none), cut
** to QUOTE_MAX bytes on a character boundary, detail NULL or what makes
** the reason plain ("February 2019 has 28 days").  Returns FOUINE_EINVAL.
*/
static int refuse(fault *f,
                  const char *field,
                  const char *message,
                  const char *value,
                  const char *detail)
{
    const char *colon = strstr(message, ": ");
    const char *reason = colon ? colon + 2 : message;
    size_t n = value ? strlen(value) : 0, k = n;
    f->field = field;
    f->message = message;
    if (!f->why) {
        return FOUINE_EINVAL;
    }
    if (k > QUOTE_MAX) {
        for (k = QUOTE_MAX; k > 0 && ((unsigned char)value[k] & 0xC0) == 0x80;
             k--) {
        }
    }
    snprintf(f->why, FOUINE_SEARCH_ERROR_MAX, "%s%.*s%s%s%s%s%s%s",
             value ? "'" : "", (int)k, value ? value : "", k < n ? "..." : "",
             value ? "': " : "", reason, detail ? " (" : "",
             detail ? detail : "", detail ? ")" : "");
    return FOUINE_EINVAL;
}

/* The same for a number. */
static int refuse_number(fault *f,
                         const char *field,
                         const char *message,
                         long long value)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", value);
    return refuse(f, field, message, text, NULL);
}

/*
** Check the date s of since or until (field): "YYYY", "YYYY-MM" or
** "YYYY-MM-DD", of a month and a day the calendar has (no 2019-02-30,
** 2020-02-29 allowed).  Returns FOUINE_OK, or FOUINE_EINVAL with f saying
** why.
*/
static int check_date(fault *f, const char *field, const char *s)
{
    static const char shape[] = "dddd-dd-dd";
    static const char *const months[] = { "January", "February", "March",
                                          "April",   "May",      "June",
                                          "July",    "August",   "September",
                                          "October", "November", "December" };
    /* The messages of since ([0]) and of until ([1]), static for
    ** fouine_search_options_error(). */
    static const char *const bad_form[2] = {
        "since: expected a date YYYY, YYYY-MM or YYYY-MM-DD",
        "until: expected a date YYYY, YYYY-MM or YYYY-MM-DD"
    };
    static const char *const bad_month[2] = { "since: no such month",
                                              "until: no such month" };
    static const char *const bad_day[2] = { "since: no such day",
                                            "until: no such day" };
    int w = strcmp(field, "since") != 0;
    size_t n = strlen(s), i;
    int year, month, days;
    char detail[64];

    for (i = 0; i < n && i < sizeof shape - 1; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-') {
            break;
        }
    }
    if ((n != 4 && n != 7 && n != 10) || i != n) {
        return refuse(f, field, bad_form[w], s, NULL);
    }
    if (n == 4) {
        return FOUINE_OK;
    }
    year = atoi(s);
    month = atoi(s + 5);
    days = fouine_month_days(year, month);
    if (days == 0) {
        return refuse(f, field, bad_month[w], s, "months are 01 to 12");
    }
    if (n == 10 && (atoi(s + 8) < 1 || atoi(s + 8) > days)) {
        snprintf(detail, sizeof detail, "%s %04d has %d days",
                 months[month - 1], year, days);
        return refuse(f, field, bad_day[w], s, detail);
    }
    return FOUINE_OK;
}

/*
** The options o as options of this version: o itself, or, for options of
** versions 1 and 2, a copy of theirs in *room with the fields added since
** at their defaults (a caller built for them has no room for them); NULL
** for another version.
*/
static const fouine_search_options *current(fouine_search_options *room,
                                            const fouine_search_options *o)
{
    if (o->version == FOUINE_SEARCH_OPTIONS_VERSION) {
        return o;
    }
    if (o->version != 1 && o->version != 2) {
        return NULL;
    }
    fouine_search_options_init(room);
    memcpy(room, o,
           o->version == 1 ? offsetof(fouine_search_options, facets) :
                             offsetof(fouine_search_options, no_collapse));
    room->version = FOUINE_SEARCH_OPTIONS_VERSION;
    return room;
}

/* Check the options given, f saying what is wrong: FOUINE_OK or
** FOUINE_EINVAL. */
static int check_options(fault *f, const fouine_search_options *given)
{
    fouine_search_options room;
    const fouine_search_options *opts = current(&room, given);
    if (!opts) {
        return refuse_number(f, "version",
                             "options of another version "
                             "(fouine_search_options_init())",
                             given->version);
    }
    if (!opts->query) {
        return refuse(f, "query", "no query", NULL, NULL);
    }
    if (opts->limit < 0 || opts->limit > FOUINE_LIMIT_MAX) {
        return refuse_number(
            f, "limit", "limit: expected a number from 1 to 1000", opts->limit);
    }
    if (opts->offset < 0) {
        return refuse_number(f, "offset", "offset: expected a number >= 0",
                             opts->offset);
    }
    if (opts->prefix_tokens < 0 || opts->prefix_tokens > FOUINE_PREFIX_TOKENS) {
        return refuse_number(f, "prefix_tokens",
                             "prefix tokens: expected a number from 1 to 4000",
                             opts->prefix_tokens);
    }
    if (opts->budget_ms < FOUINE_BUDGET_SPENT ||
        opts->budget_ms > FOUINE_BUDGET_MAX_MS) {
        return refuse_number(f, "budget_ms",
                             "budget: expected a number of milliseconds "
                             "from 0 to 600000",
                             opts->budget_ms);
    }
    if (opts->snippet_chars < 0 ||
        opts->snippet_chars > FOUINE_SNIPPET_CHARS_MAX) {
        return refuse_number(f, "snippet_chars",
                             "snippet length: expected a number from 1 to 2000",
                             opts->snippet_chars);
    }
    if (opts->since && check_date(f, "since", opts->since) != FOUINE_OK) {
        return FOUINE_EINVAL;
    }
    if (opts->until && check_date(f, "until", opts->until) != FOUINE_OK) {
        return FOUINE_EINVAL;
    }
    if (opts->since && opts->until) {
        /* Prefixes of ISO dates: the range is empty when since is after
        ** until on their common length ("2020" after "2019-05"). */
        size_t a = strlen(opts->since), b = strlen(opts->until);
        if (strncmp(opts->since, opts->until, a < b ? a : b) > 0) {
            char detail[64];
            snprintf(detail, sizeof detail, "since is '%.16s'", opts->since);
            return refuse(f, "until", "until: before since", opts->until,
                          detail);
        }
    }
    if (opts->sort != FOUINE_SORT_RANK && opts->sort != FOUINE_SORT_DATE &&
        opts->sort != FOUINE_SORT_RECENT) {
        return refuse_number(f, "sort",
                             "sort: expected relevance, recent or date",
                             (long long)opts->sort);
    }
    if (opts->half_life_hours < 0 ||
        opts->half_life_hours > FOUINE_HALF_LIFE_MAX_HOURS) {
        return refuse_number(f, "half_life_hours",
                             "half-life: expected 1 hour to 3650 days",
                             opts->half_life_hours);
    }
    return FOUINE_OK;
}

const char *fouine_search_options_error(const fouine_search_options *o)
{
    fault f = { NULL, NULL, NULL };
    return check_options(&f, o) == FOUINE_OK ? NULL : f.message;
}

int fouine_search_options_check(const char **field,
                                char *why,
                                const fouine_search_options *o)
{
    fault f = { NULL, NULL, why };
    int rc;
    why[0] = '\0';
    rc = check_options(&f, o);
    *field = f.field;
    return rc;
}

int fouine_sort_parse(fouine_sort *out, const char *name)
{
    static const struct {
        const char *name;
        fouine_sort sort;
    } names[] = { { "relevance", FOUINE_SORT_RANK },
                  { "rank", FOUINE_SORT_RANK },
                  { "recent", FOUINE_SORT_RECENT },
                  { "date", FOUINE_SORT_DATE } };
    size_t i;
    *out = FOUINE_SORT_RANK;
    for (i = 0; name && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].sort;
            return FOUINE_OK;
        }
    }
    return FOUINE_EINVAL;
}

int fouine_half_life_parse(int *hours, const char *text)
{
    long n = 0;
    size_t i = 0;
    *hours = 0;
    if (!text) {
        return FOUINE_EINVAL;
    }
    for (; text[i] >= '0' && text[i] <= '9'; i++) {
        n = 10 * n + (text[i] - '0');
        if (n > FOUINE_HALF_LIFE_MAX_HOURS) {
            return FOUINE_EINVAL; /* also stops an overflow */
        }
    }
    if (i == 0 || (text[i] != 'd' && text[i] != 'h') || text[i + 1] != '\0') {
        return FOUINE_EINVAL;
    }
    n *= text[i] == 'd' ? 24 : 1;
    if (n < 1 || n > FOUINE_HALF_LIFE_MAX_HOURS) {
        return FOUINE_EINVAL;
    }
    *hours = (int)n;
    return FOUINE_OK;
}

/* ---- The search ---- */

/* SQLite's virtual machine instructions between two looks at the clock
** (a look costs a system call: about a hundredth of their time). */
#define BUDGET_PERIOD 1000

/* The time budget of a search: CPU time of its thread, which other
** threads and processes do not eat into. */
struct budget {
    double deadline; /* CPU milliseconds of the thread when it runs out */
    int on;          /* a budget is set */
    int spent;       /* it ran out (statements are interrupted) */
};

/* CPU time of the calling thread, in milliseconds. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Start b with ms milliseconds from now (ms < 0: no budget). */
static void budget_start(budget *b, double ms)
{
    b->on = ms >= 0;
    b->spent = 0;
    b->deadline = cpu_ms() + ms;
}

int fouine_search_enter(sqlite3 *db, int *own_txn)
{
    int rc = fouine_search_register(db);
    *own_txn = 0;
    if (rc != FOUINE_OK) {
        return rc;
    }
    /* The count, the page and the hits all see the same index, and the
    ** index is locked once, not by each statement. */
    if (sqlite3_get_autocommit(db)) {
        if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
            return fouine_store_error(db);
        }
        *own_txn = 1;
    }
    return FOUINE_OK;
}

void fouine_search_leave(sqlite3 *db, int own_txn)
{
    if (own_txn && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        /* A read transaction cannot fail to end but by a misuse. */
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
}

int fouine_search_budget_spent(void *payload)
{
    budget *b = payload;
    if (b->on && !b->spent && cpu_ms() >= b->deadline) {
        b->spent = 1;
    }
    return b->spent;
}

/*
** The page of a search whose budget ran out: the first matches of expr
** FTS5 finds, unranked, with budget_ms / 4 more (at least
** QUICK_MIN_MS); no hits when that runs out too.  When the matches were
** not counted yet (a ranked page counts them as it ranks them, and was
** cut short), they are counted in what is left of that time.  total is
** then at least what was found when it could not be counted; when it
** was, the page stops at it.
*/
#define QUICK_MIN_MS 10.0

static int quick_page(search *s, const char *expr, budget *b, double budget_ms)
{
    int limit = s->opts->limit > 0 ? s->opts->limit : 10;
    int rc;
    budget_start(b,
                 budget_ms / 4 > QUICK_MIN_MS ? budget_ms / 4 : QUICK_MIN_MS);
    rc = expr ? fouine_search_page(s, expr, 0, PAGE_FOUND, s->opts->offset,
                                   limit) :
                FOUINE_OK;
    if (rc == FOUINE_EDB && b->spent) {
        s->nhits = 0;
        rc = FOUINE_OK;
    }
    if (rc == FOUINE_OK && expr && !s->counted && !b->spent) {
        rc = fouine_search_count(s, expr, &s->total);
        if (rc == FOUINE_EDB && b->spent) {
            rc = FOUINE_OK; /* s->counted is 0: at least the page */
        }
    }
    if (!s->counted) {
        s->total = s->opts->offset + (long long)s->nhits;
    } else if (s->opts->offset + (long long)s->nhits > s->total) {
        /* Its matches are not grouped, the total counts groups: no page
        ** runs past the total. */
        s->nhits = s->total > s->opts->offset ?
                       (size_t)(s->total - s->opts->offset) :
                       0;
    }
    b->spent = 1;
    return rc;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void fouine_search_options_init(fouine_search_options *o)
{
    static const fouine_search_options init = FOUINE_SEARCH_OPTIONS_INIT;
    *o = init;
}

int fouine_search(fouine_results **out,
                  fouine_index *ix,
                  const fouine_search_options *o)
{
    fouine_analyzer *an = NULL;
    int rc;
    *out = NULL;
    rc = fouine_index_analyzer(&an, ix);
    if (rc != FOUINE_OK) {
        return rc;
    }
    return fouine_search_db(out, fouine_index_db(ix), an, o);
}

int fouine_search_db(fouine_results **out,
                     sqlite3 *db,
                     fouine_analyzer *an,
                     const fouine_search_options *given)
{
    fouine_search_options room;
    const fouine_search_options *opts = current(&room, given);
    search s;
    fouine_parsed q;
    results *r = NULL;
    fouine_correction *corr = NULL;
    fouine_lexicon *lx = NULL;
    size_t ncorr = 0;
    int applied = 0;
    static const fouine_parsed plain; /* no term: nothing highlighted */
    double t0 = now_ms();
    double budget_ms = !opts                ? 0.0 :
                       opts->budget_ms > 0  ? (double)opts->budget_ms :
                       opts->budget_ms == 0 ? FOUINE_SEARCH_BUDGET_MS :
                       opts->budget_ms == FOUINE_BUDGET_SPENT ? 0.0 :
                                                                -1.0;
    budget time;
    const char *running = NULL; /* the expression being searched */
    char *text = NULL;          /* the query searched; owned */
    size_t i, len, chars, fixed_len = 0, bad = 0;
    long long all = 0;
    unsigned cut = 0;
    int rc, fallback = 0, is_long = 0, own_txn = 0;

    *out = NULL;
    memset(&s, 0, sizeof s);
    memset(&q, 0, sizeof q);
    budget_start(&time, budget_ms);
    if (!opts || fouine_search_options_error(opts)) {
        return FOUINE_EINVAL;
    }
    r = fouine_calloc(1, sizeof *r);
    if (!r) {
        return FOUINE_ENOMEM;
    }
    rc = fouine_search_enter(db, &own_txn);
    if (rc != FOUINE_OK) {
        goto done;
    }
    len = strlen(opts->query);
    if (len > FOUINE_QUERY_MAX) {
        len = FOUINE_QUERY_MAX;
        while (len > 0 && ((unsigned char)opts->query[len] & 0xC0) == 0x80) {
            len--; /* cut on a character boundary */
        }
        cut |= FOUINE_CUT_WORDS;
    }
    /* What is searched and echoed: the query as valid UTF-8, its bytes
    ** that are not replaced by U+FFFD (which separates words, as they
    ** did), NUL-terminated where it was cut. */
    rc = fouine_utf8_repair(&text, &fixed_len, &bad, opts->query, len);
    if (rc == FOUINE_OK && text) {
        len = fixed_len;
    } else if (rc == FOUINE_OK && !(text = fouine_strndup(opts->query, len))) {
        rc = FOUINE_ENOMEM;
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    rc = fouine_lexicon_open(&lx, db);
    if (rc != FOUINE_OK) {
        goto done;
    }
    rc = fouine_parse_corrected(&q, an, lx, text, len, NULL, 0,
                                (size_t)opts->prefix_tokens);
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (q.nwords) {
        size_t k;
        int any = 0;
        rc = fouine_spell_query(&corr, &ncorr, lx, an, &q, text);
        if (rc != FOUINE_OK) {
            goto done;
        }
        for (k = 0; k < ncorr; k++) {
            any |= corr[k].applied;
        }
        if (any && !opts->no_correct) {
            fouine_parsed_clear(&q);
            rc = fouine_parse_corrected(&q, an, lx, text, len, corr, ncorr,
                                        (size_t)opts->prefix_tokens);
            if (rc != FOUINE_OK) {
                goto done;
            }
            applied = 1;
        }
    }
    s.db = db;
    s.an = an;
    s.opts = opts;
    s.q = &q;
    s.facets = opts->facets;
    if (opts->sort == FOUINE_SORT_RECENT) {
        rc = fouine_search_dates(&s);
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    if (opts->category) {
        /* Spaces around the name aside; an empty name is no filter. */
        const char *c = opts->category;
        size_t n = strlen(c);
        while (n > 0 && (*c == ' ' || *c == '\t')) {
            c++;
            n--;
        }
        while (n > 0 && (c[n - 1] == ' ' || c[n - 1] == '\t')) {
            n--;
        }
        rc = n > 0 ? fouine_fold(&s.category, c, n) : FOUINE_OK;
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    is_long =
        q.expr && q.any_expr && opts->long_query >= 0 &&
        (q.items >= (opts->long_query ? opts->long_query : FOUINE_LONG_QUERY) ||
         (q.question && q.typed >= FOUINE_LONG_QUESTION));
    /* From here on, SQLite's statements stop when the budget runs out. */
    s.time = &time;
    if (time.on) {
        sqlite3_progress_handler(db, BUDGET_PERIOD, fouine_search_budget_spent,
                                 &time);
    }
    if (is_long) {
        /* A long query: every article holding any item, ranked. */
        running = q.long_expr ? q.long_expr : q.any_expr;
        s.facets = 0; /* those of running, below */
        rc = fouine_search_count(&s, q.long_all ? q.long_all : q.expr, &all);
        s.facets = opts->facets;
        if (rc == FOUINE_OK) {
            fallback = all == 0;
            rc = fouine_search_run(&s, running, 0);
        }
    } else if (q.expr) {
        running = q.expr;
        rc = fouine_search_run(&s, q.expr, 0);
        if (rc == FOUINE_OK && s.total == 0 && q.any_expr) {
            fallback = 1;
            running = q.any_expr;
            rc = fouine_search_run(&s, q.any_expr, 1);
        }
    } else if (q.not_expr) {
        running = q.not_expr;
        rc = fouine_search_run(&s, q.not_expr, 0);
    }
    if (rc == FOUINE_EDB && time.spent) {
        /* Out of time: the first matches, unranked, in a little more. */
        rc = quick_page(&s, running, &time, budget_ms);
    }
    sqlite3_progress_handler(db, 0, NULL, NULL);
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (s.nhits > 0) {
        r->hits = fouine_calloc(s.nhits, sizeof *r->hits);
        if (!r->hits) {
            rc = FOUINE_ENOMEM;
            goto done;
        }
    }
    chars = opts->snippet_chars > 0 ? (size_t)opts->snippet_chars :
                                      FOUINE_SNIPPET_CHARS;
    for (i = 0; i < s.nhits; i++) {
        if (s.q != &plain && fouine_search_budget_spent(&time)) {
            s.q = &plain; /* out of time: snippets without highlights */
        }
        rc = fouine_results_hit(&r->hits[i], r, &s, &s.hits[i], chars);
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    r->pub.hits = r->hits;
    if (opts->facets && (s.faceted || !running)) {
        /* Nothing searched: no facet but empty ones. */
        rc = fouine_results_facets(r, &s);
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    cut |= q.cut | (time.spent ? FOUINE_CUT_TIME : 0u);
    r->pub.nhits = s.nhits;
    if (applied) {
        rc = fouine_results_corrected(&r->pub.corrected, r, 1, text, corr,
                                      ncorr, 1);
    } else if (ncorr > 0) {
        /* Not applied: typed words that are in no article (with
        ** --no-correct), or rare words of a query that found few. */
        size_t k;
        int absent = 0;
        for (k = 0; k < ncorr; k++) {
            absent |= corr[k].applied;
        }
        if (absent || s.total <= 2) {
            rc = fouine_results_corrected(&r->pub.suggestion, r, 0, text, corr,
                                          ncorr, 0);
        }
    }
    if (rc == FOUINE_OK) {
        rc = fouine_results_keep_str(&r->pub.query, r, text);
    }
    if (rc == FOUINE_OK) {
        rc = fouine_results_keep_str(&r->pub.understood, r, q.understood);
    }
    if (rc == FOUINE_OK) {
        const char *e = q.expr ? q.expr : q.not_expr;
        rc = fouine_results_keep_str(&r->pub.expression, r, e);
    }
    if (rc != FOUINE_OK) {
        goto done;
    }
    if (s.category && !s.keep_tried) {
        /* No word searched, or the search exhaustive, so nothing filtered
        ** in C: the category looked up all the same, to say whether the
        ** index has it. */
        s.keep_tried = 1;
        rc = fouine_keep_begin(&s.keep, &s);
        if (rc != FOUINE_OK) {
            goto done;
        }
    }
    if (s.keep.unknown) {
        r->pub.category_unknown = 1;
        if (s.keep.closest) {
            rc = fouine_results_keep_str(&r->pub.category_closest, r,
                                         s.keep.closest);
            if (rc != FOUINE_OK) {
                goto done;
            }
        }
    }
    r->pub.fallback = fallback && s.total > 0; /* else nothing is shown */
    r->pub.total = s.total;
    r->pub.offset = opts->offset;
    r->pub.limit = opts->limit > 0 ? opts->limit : 10;
    r->pub.truncated_by = cut;
    r->pub.took_ms = now_ms() - t0;
    *out = &r->pub;
    r = NULL;
done:
    fouine_results_free(r ? &r->pub : NULL);
    fouine_free(text);
    fouine_parsed_clear(&q);
    fouine_free(s.category);
    fouine_free(s.hits);
    fouine_search_rows_free(&s);
    fouine_keep_clear(&s.keep);
    fouine_topk_clear(&s.topk);
    fouine_free(corr);
    fouine_lexicon_close(lx);
    if (rc == FOUINE_EDB && opts->error) {
        /* Ending the transaction replaces SQLite's message. */
        snprintf(opts->error, FOUINE_SEARCH_ERROR_MAX, "%s",
                 sqlite3_errmsg(db));
    }
    fouine_search_leave(db, own_txn);
    return rc;
}
