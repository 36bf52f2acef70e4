/*
** main.c: fouine-query, the command that searches an index.
**
**     fouine-query [OPTION]... QUERY...
**     fouine-query [OPTION]... --batch < queries
**     fouine-query [OPTION]... --related ID
*/
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
    int json;            /* one JSON object */
    int batch;           /* queries on stdin, JSON lines out */
    const char *related; /* --related: the article whose related articles
                            are printed, or NULL; not owned */
    const char *open;    /* before a highlighted word */
    const char *close;   /* after it */
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
        "                         default) or hours (12h)\n"
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
        "  -s, --snippet-length N snippet length in characters (default: "
        "200)\n"
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
        "texte:word (also title:, lead:, body:).\n"
        "\n"
        "Exit status: 0 with results, 1 with none, 2 on a usage error or an\n"
        "index that is missing, unreadable or of another version; with\n"
        "--batch, 0, or 2 when a query could not be answered (its line has\n"
        "\"error\" and the next lines are answered).\n",
        f);
}

/* Parse a non-negative int option value in [min, max]. */
static int int_arg(const char *opt, const char *v, int min, int max, int *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < min || n > max) {
        fprintf(stderr,
                "fouine-query: %s: '%s' is not a number from %d to %d\n", opt,
                v, min, max);
        return -1;
    }
    *out = (int)n;
    return 0;
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

/* One facet on a line: "Rubriques : Société (5) · Sécurité (2)". */
static void print_facet(const char *name, const fouine_facet *f, size_t n)
{
    size_t i;
    printf("%s :", name);
    for (i = 0; i < n; i++) {
        printf("%s %s (%lld)", i ? " ·" : "", f[i].value, f[i].count);
    }
    printf("%s\n", n ? "" : " aucune");
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
    if (res->facets) {
        print_facet("Rubriques", res->facets->categories,
                    res->facets->ncategories);
        print_facet("Années", res->facets->years, res->facets->nyears);
        print_facet("Mois", res->facets->months, res->facets->nmonths);
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

int main(int argc, char **argv)
{
    const char *index = "fouine.db", *color = "auto";
    fouine_search_options opts = FOUINE_SEARCH_OPTIONS_INIT;
    output o = { 0, 0, NULL, "", "" };
    fouine_buf query = { 0 };
    fouine_index *ix = NULL;
    fouine_results *res = NULL;
    const char *field;
    char error[FOUINE_SEARCH_ERROR_MAX] = "";
    int i, rc, status = EXIT_USAGE, words_only = 0, marks = 0;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (words_only || a[0] != '-' || a[1] == '\0' ||
            (a[1] != '-' && strchr("insh", a[1]) == NULL) ||
            (a[1] != '-' && a[2] != '\0')) {
            /* Part of the query, even "-word" (an exclusion). */
            if (add_word(&query, a) != 0) {
                goto done;
            }
            continue;
        }
        if (strcmp(a, "--") == 0) {
            words_only = 1;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            status = EXIT_HITS;
            goto done;
        }
        if (strcmp(a, "--version") == 0) {
            /* A failed write (stdout full or closed) is not a success. */
            printf("fouine-query %s\n", fouine_version());
            status =
                fflush(stdout) == 0 && !ferror(stdout) ? EXIT_HITS : EXIT_USAGE;
            goto done;
        }
        if (strcmp(a, "--json") == 0) {
            o.json = 1;
            takes = 0;
        } else if (strcmp(a, "--batch") == 0) {
            o.batch = 1;
            takes = 0;
        } else if (strcmp(a, "--comments") == 0) {
            opts.comments = 1;
            takes = 0;
        } else if (strcmp(a, "--no-correct") == 0) {
            opts.no_correct = 1;
            takes = 0;
        } else if (strcmp(a, "--no-collapse") == 0) {
            opts.no_collapse = 1;
            takes = 0;
        } else if (strcmp(a, "--facets") == 0) {
            opts.facets = 1;
            takes = 0;
        } else if (strncmp(a, "--", 2) == 0 && strcmp(a, "--index") &&
                   strcmp(a, "--limit") && strcmp(a, "--offset") &&
                   strcmp(a, "--sort") && strcmp(a, "--since") &&
                   strcmp(a, "--until") && strcmp(a, "--category") &&
                   strcmp(a, "--snippet-length") && strcmp(a, "--color") &&
                   strcmp(a, "--marks") && strcmp(a, "--budget") &&
                   strcmp(a, "--half-life") && strcmp(a, "--related")) {
            fprintf(stderr, "fouine-query: unknown option %s\n", a);
            usage(stderr);
            goto done;
        }
        if (!takes) {
            continue;
        }
        if (!v || (strcmp(a, "--marks") == 0 && i + 2 >= argc)) {
            fprintf(stderr, "fouine-query: %s needs a value\n", a);
            goto done;
        }
        i++;
        if (strcmp(a, "-i") == 0 || strcmp(a, "--index") == 0) {
            index = v;
        } else if (strcmp(a, "-n") == 0 || strcmp(a, "--limit") == 0) {
            if (int_arg(a, v, 1, FOUINE_LIMIT_MAX, &opts.limit) != 0) {
                goto done;
            }
        } else if (strcmp(a, "--offset") == 0) {
            if (int_arg(a, v, 0, 1000000000, &opts.offset) != 0) {
                goto done;
            }
        } else if (strcmp(a, "-s") == 0 || strcmp(a, "--snippet-length") == 0) {
            if (int_arg(a, v, 1, FOUINE_SNIPPET_CHARS_MAX,
                        &opts.snippet_chars) != 0) {
                goto done;
            }
        } else if (strcmp(a, "--sort") == 0) {
            if (fouine_sort_parse(&opts.sort, v) != FOUINE_OK) {
                fprintf(stderr,
                        "fouine-query: --sort: expected relevance, recent or "
                        "date, not '%s'\n",
                        v);
                goto done;
            }
        } else if (strcmp(a, "--half-life") == 0) {
            if (fouine_half_life_parse(&opts.half_life_hours, v) != FOUINE_OK) {
                fprintf(stderr,
                        "fouine-query: --half-life: expected days (30d) or "
                        "hours (12h), 1h to 3650d, not '%s'\n",
                        v);
                goto done;
            }
        } else if (strcmp(a, "--since") == 0) {
            opts.since = v;
        } else if (strcmp(a, "--until") == 0) {
            opts.until = v;
        } else if (strcmp(a, "--category") == 0) {
            opts.category = v;
        } else if (strcmp(a, "--color") == 0) {
            color = v;
            if (strcmp(v, "auto") && strcmp(v, "always") &&
                strcmp(v, "never")) {
                fprintf(stderr, "fouine-query: --color: expected auto, always "
                                "or never\n");
                goto done;
            }
        } else if (strcmp(a, "--budget") == 0) {
            if (strcmp(v, "none") == 0) {
                opts.budget_ms = -1;
            } else if (int_arg(a, v, 0, FOUINE_BUDGET_MAX_MS,
                               &opts.budget_ms) != 0) {
                goto done;
            } else if (opts.budget_ms == 0) {
                opts.budget_ms = FOUINE_BUDGET_SPENT;
            }
        } else if (strcmp(a, "--related") == 0) {
            o.related = v;
        } else if (strcmp(a, "--marks") == 0) {
            o.open = v;
            o.close = argv[++i];
            marks = 1;
        }
    }
    if (!marks && (strcmp(color, "always") == 0 ||
                   (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO)))) {
        o.open = "\x1b[1m";
        o.close = "\x1b[0m";
    }
    if (o.related && (o.batch || query.len)) {
        fprintf(stderr, "fouine-query: --related ID takes no QUERY nor "
                        "--batch\n");
        usage(stderr);
        goto done;
    }
    if (o.related && opts.limit > FOUINE_RELATED_MAX) {
        fprintf(stderr,
                "fouine-query: -n: '%d' is not a number from 1 to %d with "
                "--related\n",
                opts.limit, FOUINE_RELATED_MAX);
        goto done;
    }
    if (!o.batch && !o.related && !query.len) {
        fprintf(stderr, "fouine-query: no QUERY given\n");
        usage(stderr);
        goto done;
    }
    opts.query = query.len ? query.data : "";
    opts.error = error;
    /* The options read above are checked as they are read: what the
    ** library refuses here is --since or --until, named as options. */
    if (fouine_search_options_check(&field, error, &opts) != FOUINE_OK) {
        fprintf(stderr, "fouine-query: --%s: %s\n", field, error);
        goto done;
    }
    rc = fouine_index_open(&ix, index, FOUINE_INDEX_READ);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-query: %s: %s\n", index,
                rc == FOUINE_EIO ?
                    "no such index or unreadable (run "
                    "fouine-index first)" :
                rc == FOUINE_ESCHEMA ?
                    "not a fouine index of this version (index it again)" :
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
