/*
** relevance.c: recall@10, MRR@10 and mean time per question of fouine and
** of stock FTS5 on the relevance development set (PIAF questions, with the
** news of the shared corpus as distractors), as written and without
** accents.
**
**     bench_relevance [--shared DIR] [--dir DIR] [--max N]
**                     [--variant default|or-cover|or-bm25]
**                     [--weights T,L,B] [--no-baseline]
**
** default: fouine_search_json() as fouine-query runs it (snippets
** included); or-cover / or-bm25: the parsed query's items OR-ed, ranked by
** items held then bm25, or by bm25 alone (ids only), with --weights for
** the bm25 column weights.  --no-baseline skips stock FTS5 (its rows
** then read 0), for quick iterations on fouine.  The baseline ORs the question's words
** (unicode61 remove_diacritics 2) and ranks by bm25(title 5, body 1).
*/
#include "query.h"
#include "query_corpus.h"
#include "workload.h"

#include "fouine/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Totals of one system on one form of the questions. */
typedef struct score {
    double rr;  /* sum of reciprocal ranks */
    long found; /* relevant in the top 10 */
    double ms;  /* time spent */
    long n;     /* questions */
} score;

/* Rank (1..10) of relevant among the ids of stmt's rows, or 0. */
static int rank_of(sqlite3_stmt *stmt, const char *relevant)
{
    int rank = 0, i = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(stmt, 0);
        i++;
        if (!rank && id && strcmp(id, relevant) == 0) {
            rank = i;
        }
    }
    sqlite3_reset(stmt);
    return rank;
}

static void add(score *s, int rank, double ms)
{
    s->n++;
    s->ms += ms;
    if (rank > 0) {
        s->found++;
        s->rr += 1.0 / rank;
    }
}

static void report(const char *name, const char *form, const score *s)
{
    printf("| %-28s | %-11s | %5ld | %.3f | %.3f | %7.2f |\n", name, form, s->n,
           s->n ? (double)s->found / (double)s->n : 0.0,
           s->n ? s->rr / (double)s->n : 0.0,
           s->n ? s->ms / (double)s->n : 0.0);
}

int main(int argc, char **argv)
{
    const char *shared = NULL, *dir = ".", *variant = "default";
    double wt = FOUINE_WEIGHT_TITLE, wl = FOUINE_WEIGHT_LEAD,
           wb = FOUINE_WEIGHT_BODY, alpha = 0.1;
    double k1 = 1.2, bb = 0.75;
    int long_query = 0;
    int near = 4, baseline = 1;
    sqlite3 *fdb = NULL, *bdb = NULL;
    sqlite3_stmt *base = NULL, *var = NULL;
    fouine_analyzer *an = NULL;
    bench_question *qs = NULL;
    size_t nq = 0, i, max = (size_t)-1;
    score sc[2][2];
    int a, form;

    memset(sc, 0, sizeof sc);
    for (a = 1; a < argc; a += 2) {
        if (strcmp(argv[a], "--no-baseline") == 0) {
            baseline = 0;
            a--; /* a flag: no value follows */
        } else if (a + 1 >= argc) {
            break;
        } else if (strcmp(argv[a], "--shared") == 0) {
            shared = argv[a + 1];
        } else if (strcmp(argv[a], "--dir") == 0) {
            dir = argv[a + 1];
        } else if (strcmp(argv[a], "--max") == 0) {
            max = (size_t)atol(argv[a + 1]);
        } else if (strcmp(argv[a], "--variant") == 0) {
            variant = argv[a + 1];
        } else if (strcmp(argv[a], "--long") == 0) {
            long_query = atoi(argv[a + 1]);
        } else if (strcmp(argv[a], "--k1") == 0) {
            k1 = atof(argv[a + 1]);
        } else if (strcmp(argv[a], "--b") == 0) {
            bb = atof(argv[a + 1]);
        } else if (strcmp(argv[a], "--near") == 0) {
            near = atoi(argv[a + 1]);
        } else if (strcmp(argv[a], "--alpha") == 0) {
            alpha = atof(argv[a + 1]);
        } else if (strcmp(argv[a], "--weights") == 0) {
            sscanf(argv[a + 1], "%lf,%lf,%lf", &wt, &wl, &wb);
        }
    }
    shared = bench_shared_dir(shared);
    if (bench_read_questions(&qs, &nq, shared, max) != 0) {
        return 2;
    }
    if (bench_open_indexes(&fdb, &bdb, shared, dir, 1) != 0 ||
        fouine_analyzer_new(&an) != FOUINE_OK ||
        fouine_search_register(fdb) != FOUINE_OK) {
        return 2;
    }
    if (sqlite3_prepare_v2(bdb,
                           "SELECT id FROM doc WHERE doc MATCH ?1"
                           " ORDER BY bm25(doc, 0, 5, 1) LIMIT 10",
                           -1, &base, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s\n", sqlite3_errmsg(bdb));
        return 2;
    }
    if (strcmp(variant, "default") != 0 &&
        sqlite3_prepare_v2(
            fdb,
            strcmp(variant, "or-bm25f") == 0 ?
                "SELECT a.id FROM (SELECT rowid AS r, fouine_bm25f(article_fts,"
                " ?6, ?7, ?2, ?3, ?4) AS s FROM article_fts WHERE article_fts"
                " MATCH ?1 ORDER BY s LIMIT 10) m JOIN article a ON"
                " a.rowid = m.r ORDER BY m.s" :
            strcmp(variant, "or-bm25x") == 0 ?
                "SELECT a.id FROM (SELECT rowid AS r, fouine_bm25(article_fts,"
                " ?6, ?7, ?2, ?3, ?4) AS s FROM article_fts WHERE article_fts"
                " MATCH ?1 ORDER BY s LIMIT 10) m JOIN article a ON"
                " a.rowid = m.r ORDER BY m.s" :
            strcmp(variant, "or-blend") == 0 ?
                "SELECT a.id FROM (SELECT rowid AS r, bm25(article_fts, ?2,"
                " ?3, ?4) * (1.0 + ?6 * fouine_cover(article_fts, ?5)) AS s"
                " FROM article_fts WHERE article_fts MATCH ?1 ORDER BY s"
                " LIMIT 10) m JOIN article a ON a.rowid = m.r ORDER BY m.s" :
            strcmp(variant, "or-cover") == 0 ?
                "SELECT a.id FROM (SELECT rowid AS r, bm25(article_fts, ?2,"
                " ?3, ?4) AS s, fouine_cover(article_fts, ?5) AS c FROM"
                " article_fts WHERE article_fts MATCH ?1 ORDER BY c DESC, s"
                " LIMIT 10) m JOIN article a ON a.rowid = m.r"
                " ORDER BY m.c DESC, m.s" :
                "SELECT a.id FROM (SELECT rowid AS r, bm25(article_fts, ?2,"
                " ?3, ?4) AS s FROM article_fts WHERE article_fts MATCH ?1"
                " ORDER BY s LIMIT 10) m JOIN article a ON a.rowid = m.r"
                " ORDER BY m.s",
            -1, &var, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s\n", sqlite3_errmsg(fdb));
        return 2;
    }
    for (i = 0; i < nq; i++) {
        for (form = 0; form < 2; form++) {
            const char *text = form ? qs[i].plain : qs[i].text;
            char *expr = bench_or_expr(text);
            double t0 = bench_now_ms();
            int rank = 0;
            if (expr && baseline) {
                sqlite3_bind_text(base, 1, expr, -1, SQLITE_STATIC);
                rank = rank_of(base, qs[i].relevant);
            }
            add(&sc[1][form], rank, bench_now_ms() - t0);
            free(expr);

            t0 = bench_now_ms();
            rank = 0;
            if (var) {
                fouine_parsed q;
                if (fouine_parse(&q, an, text, strlen(text)) == FOUINE_OK) {
                    const char *e = q.any_expr ? q.any_expr : q.expr;
                    fouine_buf x = { 0 };
                    size_t t;
                    if (strcmp(variant, "or-exact") == 0 ||
                        strcmp(variant, "or-surface") == 0) {
                        for (t = 0; t < q.nterms; t++) {
                            fouine_buf_puts(&x, x.len ? " OR " : "");
                            if (variant[3] == 'e') {
                                fouine_buf_printf(&x, "\"=%s\" OR ",
                                                  q.terms[t].text);
                            }
                            fouine_buf_printf(&x, "\"%s%s\"",
                                              variant[3] == 's' ? "=" : "",
                                              q.terms[t].text);
                        }
                        e = x.data;
                    } else if (strncmp(variant, "or-near", 7) == 0 && e) {
                        fouine_buf_puts(&x, e);
                        for (t = 0; t + 1 < q.nterms; t++) {
                            if (q.terms[t].mode != FOUINE_ANALYZE_QUERY ||
                                q.terms[t + 1].mode != FOUINE_ANALYZE_QUERY) {
                                continue;
                            }
                            fouine_buf_printf(&x, " OR NEAR(\"%s\" \"%s\", %d)",
                                              q.terms[t].text,
                                              q.terms[t + 1].text, near);
                        }
                        e = x.data;
                    } else if (strcmp(variant, "or-all") == 0) {
                        x.data = bench_or_expr(text);
                        e = x.data;
                    }
                    if (e) {
                        sqlite3_bind_text(var, 1, e, -1, SQLITE_STATIC);
                        sqlite3_bind_double(var, 2, wt);
                        sqlite3_bind_double(var, 3, wl);
                        sqlite3_bind_double(var, 4, wb);
                        sqlite3_bind_text(var, 5, q.any_map ? q.any_map : "0",
                                          -1, SQLITE_STATIC);
                        if (sqlite3_bind_parameter_count(var) >= 7) {
                            sqlite3_bind_double(var, 6, k1);
                            sqlite3_bind_double(var, 7, bb);
                        } else if (sqlite3_bind_parameter_count(var) >= 6) {
                            sqlite3_bind_double(var, 6, alpha);
                        }
                        rank = rank_of(var, qs[i].relevant);
                    }
                    fouine_parsed_clear(&q);
                    free(x.data);
                }
            } else {
                fouine_search_opts opts = FOUINE_SEARCH_OPTS_INIT;
                json_t *res = NULL, *hit;
                size_t k;
                opts.query = text;
                opts.long_query = long_query;
                if (fouine_search_json(&res, fdb, an, &opts) == FOUINE_OK) {
                    json_array_foreach(json_object_get(res, "hits"), k, hit)
                    {
                        const char *id =
                            json_string_value(json_object_get(hit, "id"));
                        if (!rank && id && strcmp(id, qs[i].relevant) == 0) {
                            rank = (int)k + 1;
                        }
                    }
                }
                json_decref(res);
            }
            add(&sc[0][form], rank, bench_now_ms() - t0);
        }
    }
    printf("variant %s, weights title %g lead %g body %g, %zu questions\n\n",
           variant, wt, wl, wb, nq);
    printf("| system                       | questions   |     n | R@10  | "
           "MRR@10 | ms/q    |\n|---|---|---|---|---|---|\n");
    report("fouine", "as written", &sc[0][0]);
    report("fouine", "no accents", &sc[0][1]);
    if (baseline) {
        report("FTS5 unicode61 OR, bm25 5/1", "as written", &sc[1][0]);
        report("FTS5 unicode61 OR, bm25 5/1", "no accents", &sc[1][1]);
    }
    bench_questions_free(qs, nq);
    sqlite3_finalize(base);
    sqlite3_finalize(var);
    fouine_analyzer_free(an);
    sqlite3_close(fdb);
    sqlite3_close(bdb);
    return 0;
}
