/*
** check_analyzer_fuzz.c: robustness of the French analyzer.
**
** Seeded random inputs (the same every run): random bytes, French-looking
** text cut at random bytes (so UTF-8 sequences are cut), long runs of
** combining marks, huge words, nothing but apostrophes or hyphens, runs of
** digits and no-break spaces.  Each is analyzed in every mode from an
** exactly sized heap copy (so that ASan sees any read past the end), and
** every token must be non-empty valid UTF-8 of at most FOUINE_MAX_WORD
** bytes (one more for a stem's mark), with offsets inside the input that
** never go backwards.
**
** Threads: several analyzers run in parallel threads over the same text
** must give exactly what one analyzer gives alone.
*/
#include "testutil.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define FUZZ_SEED    20240601u
#define FUZZ_INPUTS  6000
#define FUZZ_THREADS 4

/* The seeded generator (fouine_test_rnd()). */
static uint32_t rnd_state;

static uint32_t rnd(void)
{
    return fouine_test_rnd(&rnd_state);
}

static size_t rnd_below(size_t n)
{
    return n ? rnd() % n : 0;
}

/* Fragments that French text is made of, and the characters that the
** analyzer treats specially. */
static const char *const fragments[] = {
    "l’",          "d'",       "qu’",    "jusqu’", "aujourd’hui",
    "prud'hommes", "État",     "états",  "Élysée", "sécurité",
    "créée",       "cœur",     "Œuvre",  "æquo",   "-",
    "‐",           "—",        " ",      "\u00A0", "\u202F",
    "\u00AD",      "\u200B",   "\u200D", "\u2060", "\uFEFF",
    "1",           "500",      "000",    ",",      "12,5",
    "’",           "‘",        "‛",      "ʼ",      "＇",
    "'",           "ﬁ",        "²",      "Ｆ",     "e\xCC\x81",
    "\xCC\x81",    "\xCC\xA7", "ß",      "İ",      "ǅ",
    "Ⅻ",           "١٢",       "日本",   "😀",      "\xF0\x9F\x87\xAB",
    "=",           "\"",       "*",      "\n",     "\t",
    "a",           "Z",        "x",      "mot",
};

#define NFRAGMENTS (sizeof fragments / sizeof fragments[0])

/* State of one checked run. */
typedef struct check_ctx {
    size_t len;        /* input length */
    size_t last_start; /* start of the previous token */
    size_t last_end;   /* end of the previous position's token */
    size_t tokens;     /* tokens seen */
    int bad;           /* first problem found, 0 when none */
} check_ctx;

static int valid_utf8(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0 || cp < 0) {
            return 0;
        }
        i += (size_t)k;
    }
    return 1;
}

static int check_token(const char *token,
                       size_t len,
                       size_t start,
                       size_t end,
                       int flags,
                       void *payload)
{
    check_ctx *c = payload;
    if (c->bad) {
        return 0;
    }
    if (len == 0 || len > FOUINE_MAX_WORD + 1) {
        c->bad = 1;
    } else if (!valid_utf8(token, len)) {
        c->bad = 2;
    } else if (start > end || end > c->len) {
        c->bad = 3;
    } else if (c->tokens > 0 && start < c->last_start) {
        c->bad = 4;
    } else if (!(flags & FOUINE_TOKEN_COLOCATED) && c->tokens > 0 &&
               start < c->last_end) {
        c->bad = 5;
    } else if ((flags & FOUINE_TOKEN_COLOCATED) && c->tokens == 0) {
        c->bad = 6;
    }
    c->last_start = start;
    if (!(flags & FOUINE_TOKEN_COLOCATED)) {
        c->last_end = end;
    }
    c->tokens++;
    return 0;
}

static void check_input(fouine_analyzer *an,
                        const char *data,
                        size_t len,
                        size_t index)
{
    static const int modes[] = {
        FOUINE_ANALYZE_DOCUMENT,
        FOUINE_ANALYZE_QUERY,
        FOUINE_ANALYZE_WORDS,
    };
    char *copy = malloc(len ? len : 1);
    size_t m;
    ck_assert_ptr_nonnull(copy);
    if (len) {
        memcpy(copy, data, len);
    }
    for (m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        check_ctx c;
        memset(&c, 0, sizeof c);
        c.len = len;
        ck_assert_int_eq(fouine_analyzer_run(an, len ? copy : NULL, len,
                                             modes[m], check_token, &c),
                         FOUINE_OK);
        ck_assert_msg(c.bad == 0, "input %zu (%zu bytes), mode %d: problem %d",
                      index, len, modes[m], c.bad);
    }
    free(copy);
}

/* Append n bytes to buf (capacity cap) if they fit. */
static void put(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
    if (*len + n <= cap) {
        memcpy(buf + *len, s, n);
        *len += n;
    }
}

/* Fill buf with one random input of kind k; returns its length. */
static size_t make_input(char *buf, size_t cap, int k)
{
    size_t len = 0, i, n;
    switch (k) {
    case 0: /* random bytes */
        n = rnd_below(300);
        for (i = 0; i < n; i++) {
            buf[len++] = (char)rnd();
        }
        break;
    case 1: /* French-looking fragments, cut at a random byte */
        n = 1 + rnd_below(60);
        for (i = 0; i < n; i++) {
            const char *f = fragments[rnd_below(NFRAGMENTS)];
            put(buf, cap, &len, f, strlen(f));
        }
        len = len ? rnd_below(len + 1) : 0;
        break;
    case 2: /* a long run of combining marks on a letter */
        put(buf, cap, &len, "e", 1);
        n = rnd_below(3000);
        for (i = 0; i < n; i++) {
            put(buf, cap, &len, (rnd() & 1) ? "\xCC\x81" : "\xCC\xA7", 2);
        }
        break;
    case 3: /* a huge word, ASCII or accented */
        n = 100 + rnd_below(5000);
        for (i = 0; i < n; i++) {
            if (rnd() & 1) {
                put(buf, cap, &len, "é", 2);
            } else {
                char c = (char)('a' + rnd_below(26));
                put(buf, cap, &len, &c, 1);
            }
        }
        break;
    case 4: /* only apostrophes or only hyphens, with a few letters */
        n = rnd_below(500);
        for (i = 0; i < n; i++) {
            static const char *const marks[] = { "’", "'", "ʼ",     "-",
                                                 "‐", "l", "\u00AD" };
            const char *f = marks[rnd_below(k == 4 && (i & 1) ? 7 : 5)];
            put(buf, cap, &len, f, strlen(f));
        }
        break;
    default: /* digit groups and no-break spaces */
        n = rnd_below(400);
        for (i = 0; i < n; i++) {
            static const char *const parts[] = { "1", "234", "\u00A0", "\u202F",
                                                 " ", ",",   "5",      "000" };
            const char *f = parts[rnd_below(8)];
            put(buf, cap, &len, f, strlen(f));
        }
        break;
    }
    return len;
}

START_TEST(test_random_inputs)
{
    static char buf[16384];
    fouine_analyzer *an = NULL;
    size_t i;
    ck_assert_int_eq(fouine_analyzer_new(&an), FOUINE_OK);
    rnd_state = FUZZ_SEED;
    for (i = 0; i < FUZZ_INPUTS; i++) {
        size_t len = make_input(buf, sizeof buf, (int)(i % 6));
        check_input(an, buf, len, i);
    }
    fouine_analyzer_free(an);
}
END_TEST

/* An empty text gives no token and no error, even from NULL. */
START_TEST(test_empty_input)
{
    fouine_analyzer *an = NULL;
    check_ctx c;
    memset(&c, 0, sizeof c);
    ck_assert_int_eq(fouine_analyzer_new(&an), FOUINE_OK);
    ck_assert_int_eq(fouine_analyzer_run(an, NULL, 0, FOUINE_ANALYZE_DOCUMENT,
                                         check_token, &c),
                     FOUINE_OK);
    ck_assert_uint_eq(c.tokens, 0);
    fouine_analyzer_free(an);
}
END_TEST

/* ---- Threads -------------------------------------------------------- */

/* A digest of a whole run: every token, its offsets and flags. */
typedef struct digest {
    uint64_t hash;
    size_t tokens;
} digest;

static int digest_token(const char *token,
                        size_t len,
                        size_t start,
                        size_t end,
                        int flags,
                        void *payload)
{
    digest *d = payload;
    size_t i;
    for (i = 0; i < len; i++) {
        d->hash = (d->hash ^ (unsigned char)token[i]) * 1099511628211u;
    }
    d->hash = (d->hash ^ start ^ (end << 20) ^ ((uint64_t)flags << 40)) *
              1099511628211u;
    d->tokens++;
    return 0;
}

typedef struct thread_job {
    const char *text; /* shared, read only */
    size_t len;
    int rounds;    /* times to analyze the text */
    digest result; /* the digest of the last round */
    int rc;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *job = arg;
    fouine_analyzer *an = NULL;
    int r;
    job->rc = fouine_analyzer_new(&an);
    for (r = 0; job->rc == FOUINE_OK && r < job->rounds; r++) {
        memset(&job->result, 0, sizeof job->result);
        job->result.hash = 14695981039346656037u;
        /* Earlier rounds alternate document runs and runs of every form
        ** of each word; the last one, digested, is a document run. */
        job->rc = fouine_analyzer_run(an, job->text, job->len,
                                      r + 1 < job->rounds && r % 2 ?
                                          FOUINE_ANALYZE_WORDS :
                                          FOUINE_ANALYZE_DOCUMENT,
                                      digest_token, &job->result);
    }
    fouine_analyzer_free(an);
    return NULL;
}

/* The text of every article of corpus/, or a fixed text without it. */
static char *thread_text(size_t *len)
{
    static const char *const files[] = {
        "anssi-securite-hopitaux-cyberattaques.txt",
        "etats-unis-ministre-washington-apaisement-commercial.txt",
        "louvre-cleopatre-oeuvres-restaurees.txt",
        "prix-du-lait-eleveurs-bloquent-laiterie-mayenne.txt",
    };
    const char *src = fouine_test_dir("FOUINE_SOURCE_DIR");
    char *all = NULL;
    size_t n = 0, i;
    for (i = 0; src && i < sizeof files / sizeof files[0]; i++) {
        char path[4096];
        char *text, *p;
        size_t k;
        if (snprintf(path, sizeof path, "%s/corpus/%s", src, files[i]) >=
            (int)sizeof path) {
            continue;
        }
        text = fouine_test_slurp(path);
        if (!text) {
            continue;
        }
        k = strlen(text);
        p = realloc(all, n + k + 1);
        ck_assert_ptr_nonnull(p);
        all = p;
        memcpy(all + n, text, k + 1);
        n += k;
        free(text);
    }
    ck_assert_msg(all != NULL, "no article of corpus/ could be read");
    *len = n;
    return all;
}

START_TEST(test_threads_agree)
{
    thread_job jobs[FUZZ_THREADS + 1];
    pthread_t threads[FUZZ_THREADS];
    size_t len;
    char *text = thread_text(&len);
    int t;

    /* The reference: one analyzer, alone. */
    jobs[FUZZ_THREADS].text = text;
    jobs[FUZZ_THREADS].len = len;
    jobs[FUZZ_THREADS].rounds = 1;
    thread_main(&jobs[FUZZ_THREADS]);
    ck_assert_int_eq(jobs[FUZZ_THREADS].rc, FOUINE_OK);
    ck_assert_uint_gt(jobs[FUZZ_THREADS].result.tokens, 1000);
    for (t = 0; t < FUZZ_THREADS; t++) {
        jobs[t].text = text;
        jobs[t].len = len;
        jobs[t].rounds = 3 + t; /* so that runs overlap differently */
        ck_assert_int_eq(
            pthread_create(&threads[t], NULL, thread_main, &jobs[t]), 0);
    }
    for (t = 0; t < FUZZ_THREADS; t++) {
        ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
    }
    for (t = 0; t < FUZZ_THREADS; t++) {
        ck_assert_int_eq(jobs[t].rc, FOUINE_OK);
        ck_assert_uint_eq(jobs[t].result.tokens,
                          jobs[FUZZ_THREADS].result.tokens);
        ck_assert(jobs[t].result.hash == jobs[FUZZ_THREADS].result.hash);
    }
    free(text);
}
END_TEST

static Suite *fuzz_suite(void)
{
    Suite *s = suite_create("analyzer_fuzz");
    TCase *tc = tcase_create("random");
    TCase *tt = tcase_create("threads");
    tcase_add_test(tc, test_random_inputs);
    tcase_add_test(tc, test_empty_input);
    tcase_add_test(tt, test_threads_agree);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, tt);
    return s;
}

int main(void)
{
    return fouine_test_main(fuzz_suite());
}
