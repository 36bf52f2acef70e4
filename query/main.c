/*
** main.c: fouine-query, the command that searches an index.
**
**     fouine-query [-i INDEX] [-n LIMIT] [--json] QUERY...
*/
#include "query.h"

#include "fouine/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fputs("Usage: fouine-query [-i INDEX] [-n LIMIT] [--json] QUERY...\n"
          "Search a fouine index and print the best articles with snippets.\n"
          "\n"
          "  -i, --index INDEX  the index file (default: fouine.db)\n"
          "  -n, --limit N      number of results (default: 10)\n"
          "      --json         print one JSON object\n"
          "  -h, --help         show this help\n"
          "\n"
          "Exit status: 0 with results, 1 with none, 2 on error.\n",
          f);
}

/* Replace the marked string at key of obj by its rendering. */
static int render_field(json_t *obj, const char *key, fouine_render_mode mode,
                        char **out)
{
    const char *s = json_string_value(json_object_get(obj, key));
    *out = NULL;
    if (!s) {
        return FOUINE_OK;
    }
    return fouine_render(out, s, mode);
}

static int print_text(json_t *res, int ansi)
{
    fouine_render_mode mode = ansi ? FOUINE_RENDER_ANSI : FOUINE_RENDER_PLAIN;
    json_t *hits = json_object_get(res, "hits");
    size_t i;
    json_t *hit;
    int rc = FOUINE_OK;

    printf("%lld résultat(s) pour « %s »\n\n",
           (long long)json_integer_value(json_object_get(res, "total")),
           json_string_value(json_object_get(res, "query")));
    json_array_foreach(hits, i, hit)
    {
        char *title = NULL, *snippet = NULL;
        const char *date = json_string_value(json_object_get(hit, "date"));
        const char *path = json_string_value(json_object_get(hit, "path"));
        rc = render_field(hit, "title", mode, &title);
        if (rc == FOUINE_OK) {
            rc = render_field(hit, "snippet", mode, &snippet);
        }
        if (rc == FOUINE_OK) {
            printf("%zu. %s\n   %s  %s\n   %s\n\n", i + 1,
                   title ? title : "", date ? date : "", path ? path : "",
                   snippet ? snippet : "");
        }
        free(title);
        free(snippet);
        if (rc != FOUINE_OK) {
            break;
        }
    }
    return rc;
}

static int print_json(json_t *res)
{
    json_t *hits = json_object_get(res, "hits");
    size_t i;
    json_t *hit;
    char *s;

    json_object_del(res, "expression");
    json_array_foreach(hits, i, hit)
    {
        static const char *const keys[] = { "title", "snippet" };
        size_t k;
        for (k = 0; k < 2; k++) {
            char *html = NULL;
            if (render_field(hit, keys[k], FOUINE_RENDER_HTML, &html) !=
                FOUINE_OK) {
                return FOUINE_ENOMEM;
            }
            if (html) {
                json_object_set_new(hit, keys[k], json_string(html));
            }
            free(html);
        }
    }
    s = json_dumps(res, JSON_ENSURE_ASCII * 0 | JSON_PRESERVE_ORDER);
    if (!s) {
        return FOUINE_ENOMEM;
    }
    puts(s);
    free(s);
    return FOUINE_OK;
}

int main(int argc, char **argv)
{
    const char *index = "fouine.db";
    fouine_search_opts opts = { NULL, 10, 0, 24 };
    fouine_analyzer *an = NULL;
    sqlite3 *db = NULL;
    json_t *res = NULL;
    char *query = NULL;
    size_t qlen = 0;
    int i, rc, json = 0, status = 2;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "-i") == 0 || strcmp(a, "--index") == 0 ||
                   strcmp(a, "-n") == 0 || strcmp(a, "--limit") == 0) {
            if (++i >= argc) {
                fprintf(stderr, "fouine-query: %s needs a value\n", a);
                return 2;
            }
            if (a[1] == 'i' || a[2] == 'i') {
                index = argv[i];
            } else {
                char *end;
                long n = strtol(argv[i], &end, 10);
                if (*end || n < 1 || n > 1000) {
                    fprintf(stderr,
                            "fouine-query: %s: '%s' is not a number from 1 "
                            "to 1000\n",
                            a, argv[i]);
                    return 2;
                }
                opts.limit = (int)n;
            }
        } else if (strcmp(a, "--") == 0) {
            break;
        } else {
            /* Anything else is part of the query, even "-word". */
            size_t n = strlen(a);
            char *q = realloc(query, qlen + n + 2);
            if (!q) {
                goto done;
            }
            query = q;
            if (qlen) {
                query[qlen++] = ' ';
            }
            memcpy(query + qlen, a, n + 1);
            qlen += n;
        }
    }
    for (i++; i < argc; i++) {
        size_t n = strlen(argv[i]);
        char *q = realloc(query, qlen + n + 2);
        if (!q) {
            goto done;
        }
        query = q;
        if (qlen) {
            query[qlen++] = ' ';
        }
        memcpy(query + qlen, argv[i], n + 1);
        qlen += n;
    }
    if (!query) {
        fprintf(stderr, "fouine-query: no QUERY given\n");
        usage(stderr);
        goto done;
    }
    rc = fouine_store_open(&db, index, FOUINE_STORE_READ);
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-query: %s: %s\n", index,
                rc == FOUINE_EIO ? "no such index (run fouine-index first)"
                                 : fouine_errmsg(rc));
        goto done;
    }
    rc = fouine_analyzer_new(&an);
    if (rc == FOUINE_OK) {
        opts.query = query;
        rc = fouine_search(&res, db, an, &opts);
    }
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-query: %s: %s\n", index,
                rc == FOUINE_EDB ? sqlite3_errmsg(db) : fouine_errmsg(rc));
        goto done;
    }
    rc = json ? print_json(res) : print_text(res, isatty(STDOUT_FILENO));
    if (rc != FOUINE_OK) {
        fprintf(stderr, "fouine-query: %s\n", fouine_errmsg(rc));
        goto done;
    }
    status = json_array_size(json_object_get(res, "hits")) > 0 ? 0 : 1;
done:
    json_decref(res);
    fouine_analyzer_free(an);
    sqlite3_close(db);
    free(query);
    return status;
}
