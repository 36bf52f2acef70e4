/*
** main.c: fouine-query, the command that searches an index.
**
**     fouine-query [OPTION]... QUERY...
**     fouine-query [OPTION]... --batch < queries
**     fouine-query [OPTION]... --related ID
*/
#include "cli.h"
#include "results_json.h"

#include "fouine/fouine.h"
#include "fouine/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit statuses. */
#define EXIT_HITS  0 /* results */
#define EXIT_NONE  1 /* no result */
#define EXIT_USAGE 2 /* usage error, index missing or unreadable */

/* How to print. */
typedef struct output {
    int json;             /* one JSON object */
    int batch;            /* queries on stdin, JSON lines out */
    const char *related;  /* --related: the article whose related articles
                            are printed, or NULL; not owned */
    const char *open;     /* before a highlighted word */
    const char *close;    /* after it */
    const char *category; /* --category as typed, or NULL; not owned */
} output;

static void usage(FILE *f)
{
    fputs(
        "Usage: fouine-query [OPTION]... QUERY...\n"
        "       fouine-query [OPTION]... --batch < QUERIES\n"
        "       fouine-query [-i INDEX] [-n N] [--json] --related ID\n"
        "Search a fouine index and print the best articles with snippets.\n"
        "\n"
        "  -i, --index INDEX      the index file (default: fouine.db)\n"
        "  -n, --limit N          number of results, 1 to 1000 (default: 10)\n"
        "      --offset N         skip the first N results (default: 0)\n"
        "      --sort ORDER       relevance (default; also rank): best first;\n"
        "                         recent: best first, scores decayed by age;\n"
        "                         date: newest first\n"
        "      --half-life TIME   half-life of --sort recent: days (30d, the\n"
        "                         default) or hours (12h), 1h to 3650d\n"
        "      --since DATE       articles of DATE or later (YYYY, YYYY-MM or\n"
        "                         YYYY-MM-DD)\n"
        "      --until DATE       articles of DATE or earlier (same forms)\n"
        "      --category NAME    only this category (case and accents "
        "ignored)\n"
        "      --comments         search the readers' comments too\n"
        "      --facets           count the matches by category, year and\n"
        "                         month (each without its own filter)\n"
        "      --no-correct       search exactly what was typed: a word in no\n"
        "                         article is only suggested, not corrected\n"
        "      --no-collapse      show every copy of a wire story, not one hit\n"
        "                         a group of near-duplicates\n"
        "  -s, --snippet-length N snippet length in characters, 1 to 2000\n"
        "                         (default: 200)\n"
        "      --json             print one JSON object\n"
        "      --batch            read one query a line on stdin, print one\n"
        "                         JSON line per query as soon as it is "
        "answered\n"
        "      --color WHEN       bold matches: auto (on a terminal), always,\n"
        "                         never\n"
        "      --marks OPEN CLOSE put OPEN and CLOSE around matched words\n"
        "      --budget MS        CPU time a search may take, in ms (default:\n"
        "                         200; none: no limit; 0: none at all, the\n"
        "                         first matches found, unranked)\n"
        "      --related ID       the articles closest to article ID (-n: 1 to\n"
        "                         50, default 10), instead of a search\n"
        "  -h, --help             show this help\n"
        "      --version          print the version and exit\n"
        "\n"
        "Query language: words (all required; if no article has them all, "
        "the\n"
        "articles with the most of them), \"a phrase\", -word, -\"a phrase\", "
        "a OR b\n"
        "(also OU), (groups), prefix*, =exactword, titre:word, chapo:word,\n"
        "texte:word (also title:, lead:, body:).  A QUERY that starts with "
        "'-'\n"
        "goes after --: fouine-query -- -word.\n"
        "\n"
        "Exit status: 0 with results, 1 with none, 2 on a usage error or an\n"
        "index that is missing, unreadable or of another version; with\n"
        "--batch, 0, or 2 when a query could not be answered (its line has\n"
        "\"error\" and the next lines are answered).\n",
        f);
}

/* Say which bounds cut the search short (FOUINE_CUT_* bits). */
static void print_truncated(unsigned cut)
{
    static const struct {
        unsigned bit;
        const char *text;
    } why[] = {
        { FOUINE_CUT_WORDS, "seuls les 64 premiers mots sont cherchés" },
        { FOUINE_CUT_PREFIXES,
          "un préfixe trop large est cherché comme un mot" },
        { FOUINE_CUT_PHRASES, "une expression de mots trop courants est "
                              "cherchée mot à mot" },
        { FOUINE_CUT_TIME, "temps de calcul épuisé, résultats non classés" },
    };
    size_t k, n = 0;
    printf("Recherche écourtée : ");
    for (k = 0; k < sizeof why / sizeof why[0]; k++) {
        if (cut & why[k].bit) {
            printf("%s%s", n++ ? " ; " : "", why[k].text);
        }
    }
    printf(".\n");
}

/* One facet on a line: "Rubriques : Société (5) · Sécurité (2)", or
** none ("aucune") when it has no value. */
static void print_facet(const char *name,
                        const char *none,
                        const fouine_facet *f,
                        size_t n)
{
    size_t i;
    printf("%s :", name);
    for (i = 0; i < n; i++) {
        printf("%s %s (%lld)", i ? " ·" : "", f[i].value, f[i].count);
    }
    if (n == 0) {
        printf(" %s", none);
    }
    printf("\n");
}

/* Print word as the shell reads it back: as it is when it holds nothing
** the shell would take apart, else in single quotes (each ' written '\''),
** inside which nothing is special. */
static void print_shell_word(const char *word)
{
    const char *p;
    if (*word && !strpbrk(word, " \t\n'\"&;|<>()$`\\*?![]{}~#=%")) {
        fputs(word, stdout);
        return;
    }
    putchar('\'');
    for (p = word; *p; p++) {
        if (*p == '\'') {
            fputs("'\\''", stdout);
        } else {
            putchar(*p);
        }
    }
    putchar('\'');
}

static int print_text(const fouine_results *res, const output *o)
{
    long long offset = res->offset;
    size_t i;

    if (res->corrected) {
        /* What was searched instead of what was typed, as the page says
        ** it, and how to search what was typed. */
        printf("Résultats pour « %s » au lieu de « %s ». Rechercher "
               "exactement « %s » : --no-correct\n",
               res->corrected, res->query, res->query);
    }
    if (o->related) {
        printf("%zu article%s lié%s à « %s »", res->nhits,
               res->nhits > 1 ? "s" : "", res->nhits > 1 ? "s" : "",
               res->query);
    } else {
        /* The words as typed (or as corrected), never fouine's reading of
        ** them ("C++" stays "C++", not "C"): --json gives that
        ** (understood). */
        printf("%lld résultat%s pour « %s »", res->total,
               res->total > 1 ? "s" : "",
               res->corrected ? res->corrected : res->query);
    }
    if (res->nhits > 0 && (offset > 0 || (long long)res->nhits < res->total)) {
        printf(" (%lld à %lld)", offset + 1, offset + (long long)res->nhits);
    }
    printf("\n");
    if (res->truncated_by) {
        print_truncated(res->truncated_by);
    }
    if (res->fallback) {
        printf("Aucun article ne contient tous les mots : voici ceux qui en "
               "contiennent le plus.\n");
    }
    if (res->suggestion) {
        printf("Essayez plutôt : %s\n", res->suggestion);
    }
    if (res->category_unknown) {
        /* No hit can come of it: say so, not only "0 résultat". */
        printf("Aucune rubrique « %s » dans l'index.",
               o->category ? o->category : "");
        if (res->category_closest) {
            printf(" Essayez : --category ");
            print_shell_word(res->category_closest);
            printf("\n");
        } else {
            printf(" --facets donne les rubriques des résultats.\n");
        }
    }
    if (res->facets) {
        print_facet("Rubriques", "aucune", res->facets->categories,
                    res->facets->ncategories);
        print_facet("Années", "aucune", res->facets->years,
                    res->facets->nyears);
        print_facet("Mois", "aucun", res->facets->months, res->facets->nmonths);
    }
    printf("\n");
    for (i = 0; i < res->nhits; i++) {
        const fouine_hit *h = &res->hits[i];
        char *title = NULL, *snippet = NULL;
        int rc = fouine_highlight(&title, h->title, h->title_spans,
                                  h->ntitle_spans, o->open, o->close, 0);
        if (rc == FOUINE_OK) {
            rc = fouine_highlight(&snippet, h->snippet, h->snippet_spans,
                                  h->nsnippet_spans, o->open, o->close, 0);
        }
        if (rc != FOUINE_OK) {
            fouine_free(title);
            return rc;
        }
        printf("%lld. %s\n   %.10s", offset + (long long)i + 1, title,
               h->date ? h->date : "");
        if (h->category && *h->category) {
            printf(" · %s", h->category);
        }
        printf(" · %s%s\n   %s\n", h->id, h->comment ? " · (commentaire)" : "",
               snippet);
        if (h->duplicates > 0) {
            size_t k;
            /* The other versions of the wire story. */
            printf("   + %lld autre%s version%s :", h->duplicates,
                   h->duplicates > 1 ? "s" : "", h->duplicates > 1 ? "s" : "");
            for (k = 0; k < h->nduplicate_ids; k++) {
                printf("%s %s", k ? "," : "", h->duplicate_ids[k]);
            }
            printf("%s\n",
                   (long long)h->nduplicate_ids < h->duplicates ? ", …" : "");
        }
        printf("\n");
        fouine_free(title);
        fouine_free(snippet);
    }
    fflush(stdout);
    return FOUINE_OK;
}

/* Print a JSON value, compact (one line) or indented. */
static int print_value(json_t *res, int compact)
{
    char *s = json_dumps(res, JSON_PRESERVE_ORDER |
                                  (compact ? JSON_COMPACT : JSON_INDENT(2)));
    if (!s) {
        return FOUINE_ENOMEM;
    }
    puts(s);
    free(s); /* json_dumps()'s: not ours */
    fflush(stdout);
    return FOUINE_OK;
}

static int print_json(const fouine_results *r, int compact)
{
    json_t *res = NULL;
    int rc = fouine_results_json(&res, r);
    if (rc == FOUINE_OK) {
        rc = print_value(res, compact);
    }
    json_decref(res);
    return rc;
}

/* Append argv words to the query buffer. */
static int add_word(fouine_buf *q, const char *w)
{
    if (q->len) {
        fouine_buf_puts(q, " ");
    }
    fouine_buf_puts(q, w);
    return q->failed ? -1 : 0;
}

/* Why a search failed, for a message: SQLite's words for FOUINE_EDB. */
static const char *search_error(int rc, const fouine_search_options *opts)
{
    return rc == FOUINE_EDB && opts->error && *opts->error ? opts->error :
                                                             fouine_errmsg(rc);
}

/*
** Print the answer of a query that could not be answered, as a JSON line
** {"query": ..., "error": ...}, so that the next lines keep theirs.
*/
static int print_error(const char *query, const char *why)
{
    json_t *res = json_object();
    char *fixed = NULL;
    size_t len = 0, bad;
    int rc, failed = 0;
    /* The query as a search echoes it: its bytes that are not UTF-8 as
    ** U+FFFD. */
    rc = fouine_utf8_repair(&fixed, &len, &bad, query, strlen(query));
    if (rc == FOUINE_OK && res) {
        fouine_json_put(res, "query", json_string(fixed ? fixed : query),
                        &failed);
        fouine_json_put(res, "error", json_string(why), &failed);
        rc = failed ? FOUINE_ENOMEM : print_value(res, 1);
    } else if (rc == FOUINE_OK) {
        rc = FOUINE_ENOMEM;
    }
    json_decref(res);
    fouine_free(fixed);
    return rc;
}

/*
** Answer the queries of stdin, one a line: a query that cannot be
** answered gets an error line and the next ones are answered.  *failed
** counts them; returns FOUINE_OK, or the code of an answer that could not
** even be printed.
*/
static int batch(const char *index,
                 fouine_index *ix,
                 fouine_search_options *opts,
                 long *failed)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long number = 0;
    int rc = FOUINE_OK;

    *failed = 0;
    while (rc == FOUINE_OK && (n = getline(&line, &cap, stdin)) >= 0) {
        fouine_results *res = NULL;
        number++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = '\0';
        }
        opts->query = line;
        rc = fouine_search(&res, ix, opts);
        if (rc == FOUINE_OK) {
            rc = print_json(res, 1);
        } else {
            const char *why = search_error(rc, opts);
            fprintf(stderr, "fouine-query: %s: line %ld: %s\n", index, number,
                    why);
            (*failed)++;
            rc = print_error(line, why);
        }
        fouine_results_free(res);
    }
    free(line); /* getline()'s: not ours */
    return rc;
}

/* The options of fouine-query that have no short form (getopt_long()'s
** values for them). */
enum {
    OPT_OFFSET = 256,
    OPT_SORT,
    OPT_HALF_LIFE,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_CATEGORY,
    OPT_COMMENTS,
    OPT_FACETS,
    OPT_NO_CORRECT,
    OPT_NO_COLLAPSE,
    OPT_JSON,
    OPT_BATCH,
    OPT_COLOR,
    OPT_MARKS,
    OPT_BUDGET,
    OPT_RELATED,
    OPT_VERSION
};

/* "+": the options stop at the first word of the query (see main()). */
static const char short_options[] = "+:i:n:s:h";

static const struct option long_options[] = {
    { "index", required_argument, NULL, 'i' },
    { "limit", required_argument, NULL, 'n' },
    { "offset", required_argument, NULL, OPT_OFFSET },
    { "sort", required_argument, NULL, OPT_SORT },
    { "half-life", required_argument, NULL, OPT_HALF_LIFE },
    { "since", required_argument, NULL, OPT_SINCE },
    { "until", required_argument, NULL, OPT_UNTIL },
    { "category", required_argument, NULL, OPT_CATEGORY },
    { "comments", no_argument, NULL, OPT_COMMENTS },
    { "facets", no_argument, NULL, OPT_FACETS },
    { "no-correct", no_argument, NULL, OPT_NO_CORRECT },
    { "no-collapse", no_argument, NULL, OPT_NO_COLLAPSE },
    { "snippet-length", required_argument, NULL, 's' },
    { "json", no_argument, NULL, OPT_JSON },
    { "batch", no_argument, NULL, OPT_BATCH },
    { "color", required_argument, NULL, OPT_COLOR },
    { "marks", required_argument, NULL, OPT_MARKS },
    { "budget", required_argument, NULL, OPT_BUDGET },
    { "related", required_argument, NULL, OPT_RELATED },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 }
};

/*
** Whether a, met after the first word of the query, is still an option:
** a long option, "--", or -i, -n, -s or -h alone, as they have always
** been read there; any other "-word" is a word of the query, an exclusion
** ("grève -tgv").
*/
static int option_among_words(const char *a)
{
    return a[0] == '-' &&
           (a[1] == '-' ||
            (a[1] != '\0' && a[2] == '\0' &&
             strchr(short_options + 2, a[1]) != NULL && a[1] != ':'));
}

int main(int argc, char **argv)
{
    const char *index = "fouine.db", *color = "auto";
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    output o = { 0, 0, NULL, "", "", NULL };
    fouine_buf query = { 0 };
    fouine_index *ix = NULL;
    fouine_results *res = NULL;
    fouine_cli cli;
    const char *field;
    char error[FOUINE_SEARCH_ERROR_MAX] = "";
    long n = 0, words = 0;
    int ch, rc, status = EXIT_USAGE, words_only = 0, marks = 0;

    /* getopt_long() reads the options up to the first word of the query
    ** ("+"); the words are taken in order, and the options met among them
    ** (option_among_words()) read by it again.  After "--", every
    ** argument is a word: a query that starts with '-' goes there. */
    fouine_cli_init(&cli, "fouine-query", short_options, long_options);
    while (optind < argc) {
        const char *a = argv[optind];
        if (!words_only && strcmp(a, "--") == 0) {
            words_only = 1;
            optind++;
            continue;
        }
        ch = words_only || (words > 0 && !option_among_words(a)) ?
                 -1 :
                 fouine_cli_next(&cli, argc, argv);
        if (ch == -1) {
            /* Part of the query, even "-word" (an exclusion) or "". */
            if (add_word(&query, argv[optind++]) != 0) {
                goto done;
            }
            words++;
            continue;
        }
        switch (ch) {
        case 'h':
            usage(stdout);
            status = EXIT_HITS;
            goto done;
        case OPT_VERSION:
            /* A failed write (stdout full or closed) is not a success. */
            printf("fouine-query %s\n", fouine_version());
            status =
                fflush(stdout) == 0 && !ferror(stdout) ? EXIT_HITS : EXIT_USAGE;
            goto done;
        case OPT_JSON:
            o.json = 1;
            break;
        case OPT_BATCH:
            o.batch = 1;
            break;
        case OPT_COMMENTS:
            opts.comments = 1;
            break;
        case OPT_NO_CORRECT:
            opts.no_correct = 1;
            break;
        case OPT_NO_COLLAPSE:
            opts.no_collapse = 1;
            break;
        case OPT_FACETS:
            opts.facets = 1;
            break;
        case 'i':
            index = optarg;
            break;
        case 'n':
            if (fouine_cli_number(&n, &cli, optarg, 1, FOUINE_LIMIT_MAX) !=
                FOUINE_OK) {
                goto done;
            }
            opts.limit = (int)n;
            break;
        case OPT_OFFSET:
            if (fouine_cli_number(&n, &cli, optarg, 0, 1000000000) !=
                FOUINE_OK) {
                goto done;
            }
            opts.offset = (int)n;
            break;
        case 's':
            if (fouine_cli_number(&n, &cli, optarg, 1,
                                  FOUINE_SNIPPET_CHARS_MAX) != FOUINE_OK) {
                goto done;
            }
            opts.snippet_chars = (int)n;
            break;
        case OPT_SORT:
            if (fouine_sort_parse(&opts.sort, optarg) != FOUINE_OK) {
                fouine_cli_usage(&cli,
                                 "--sort: expected relevance, recent or "
                                 "date, not '%s'",
                                 optarg);
                goto done;
            }
            break;
        case OPT_HALF_LIFE:
            if (fouine_half_life_parse(&opts.half_life_hours, optarg) !=
                FOUINE_OK) {
                fouine_cli_usage(&cli,
                                 "--half-life: expected days (30d) or "
                                 "hours (12h), 1h to 3650d, not '%s'",
                                 optarg);
                goto done;
            }
            break;
        case OPT_SINCE:
            opts.since = optarg;
            break;
        case OPT_UNTIL:
            opts.until = optarg;
            break;
        case OPT_CATEGORY:
            opts.category = o.category = optarg;
            break;
        case OPT_COLOR:
            color = optarg;
            if (strcmp(color, "auto") && strcmp(color, "always") &&
                strcmp(color, "never")) {
                fouine_cli_usage(&cli,
                                 "--color: expected auto, always or never, "
                                 "not '%s'",
                                 color);
                goto done;
            }
            break;
        case OPT_BUDGET:
            if (fouine_cli_budget(&opts.budget_ms, &cli, optarg) != FOUINE_OK) {
                goto done;
            }
            break;
        case OPT_RELATED:
            o.related = optarg;
            break;
        case OPT_MARKS:
            /* Two values: OPEN is getopt_long()'s, CLOSE the next
            ** argument, whatever it is. */
            if (optind >= argc) {
                fouine_cli_usage(&cli,
                                 "option '%s' needs two values, OPEN "
                                 "and CLOSE",
                                 cli.name);
                goto done;
            }
            o.open = optarg;
            o.close = argv[optind++];
            marks = 1;
            break;
        default: /* '?': said */
            goto done;
        }
    }
    if (!marks && (strcmp(color, "always") == 0 ||
                   (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO)))) {
        o.open = "\x1b[1m";
        o.close = "\x1b[0m";
    }
    if (o.related && (o.batch || words > 0)) {
        fouine_cli_usage(&cli, "--related ID takes no QUERY nor --batch");
        goto done;
    }
    if (o.related &&
        (opts.offset || opts.since || opts.until || opts.category ||
         opts.sort != FOUINE_SORT_RANK || opts.comments || opts.facets ||
         opts.no_correct || opts.no_collapse)) {
        /* README: the options of a search do not apply to --related. */
        fouine_cli_usage(&cli, "--related ID takes none of the options of a "
                               "search (--offset, --sort, --since, --until, "
                               "--category, --comments, --facets, "
                               "--no-correct, --no-collapse)");
        goto done;
    }
    if (o.batch && words > 0) {
        fouine_cli_usage(&cli, "--batch reads its queries on stdin, one a "
                               "line: no QUERY with it");
        goto done;
    }
    if (o.related && opts.limit > FOUINE_RELATED_MAX) {
        fouine_cli_usage(&cli,
                         "-n: '%d' is not a number from 1 to %d with "
                         "--related",
                         opts.limit, FOUINE_RELATED_MAX);
        goto done;
    }
    if (!o.batch && !o.related && words == 0) {
        fouine_cli_usage(&cli, "no QUERY given");
        goto done;
    }
    /* A query typed empty ("") is a query, of no word: 0 results. */
    opts.query = query.len ? query.data : "";
    opts.error = error;
    /* The options read above are checked as they are read: what the
    ** library refuses here is --since or --until, named as options. */
    if (fouine_search_options_check(&field, error, &opts) != FOUINE_OK) {
        fouine_cli_usage(&cli, "--%s: %s", field, error);
        goto done;
    }
    rc = fouine_index_open(&ix, index, FOUINE_INDEX_READ);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-query: %s: %s\n", index,
                rc == FOUINE_EIO ?
                    "no such index or unreadable (run "
                    "fouine-index first)" :
                rc == FOUINE_ESCHEMA ?
                    "not a fouine index, or one of another version "
                    "(index the articles again with fouine-index)" :
                    fouine_errmsg(rc));
        goto done;
    }
    if (o.batch) {
        long failed = 0;
        rc = batch(index, ix, &opts, &failed);
        if (rc != FOUINE_OK) {
            fprintf(stderr, "fouine-query: %s\n", fouine_errmsg(rc));
            goto done;
        }
        status = failed ? EXIT_USAGE : EXIT_HITS;
        goto done;
    }
    if (o.related) {
        rc = fouine_related(&res, ix, o.related, (size_t)opts.limit);
        if (rc != FOUINE_OK) {
            fprintf(stderr, "fouine-query: %s: --related: %s%s%s\n", index,
                    rc == FOUINE_ENOTFOUND ? "no article has the id '" : "",
                    rc == FOUINE_ENOTFOUND ? o.related :
                    rc == FOUINE_EDB       ? fouine_index_errmsg(ix) :
                                             fouine_errmsg(rc),
                    rc == FOUINE_ENOTFOUND ? "'" : "");
            goto done;
        }
    } else {
        rc = fouine_search(&res, ix, &opts);
        if (rc != FOUINE_OK) {
            fprintf(stderr, "fouine-query: %s: %s\n", index,
                    search_error(rc, &opts));
            goto done;
        }
    }
    rc = o.json ? print_json(res, 0) : print_text(res, &o);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-query: %s\n", fouine_errmsg(rc));
        goto done;
    }
    status = res->nhits > 0 ? EXIT_HITS : EXIT_NONE;
done:
    fouine_results_free(res);
    fouine_index_close(ix);
    fouine_free(query.data);
    return status;
}
