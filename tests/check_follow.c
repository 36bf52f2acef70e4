/*
** check_follow.c: replicas that follow a primary (fouine-serve --follow
** URL|DIR) and the snapshots a primary offers (--snapshot-dir,
** GET /api/snapshot/manifest and /api/snapshot): the manifest read with
** every field checked (fouine_snapshot_manifest()), a snapshot checked as
** a replica receives it (fouine_snapshot_check()); the endpoints need a
** key of --snapshot-key-file and send the file whose SHA-256 the manifest
** and the ETag give; a replica with no index fetches one before it
** listens, then follows each new snapshot (articles written on the
** primary become searchable on it), answering meanwhile from the old
** snapshot or the new one, refuses writes, and when its source fails or
** sends a file whose SHA-256 is not the manifest's, keeps serving what it
** has and says so in /api/health and /metrics, then follows again.
*/
#include "serve/harness.h"

#include "fouine/index.h"

#include "serve/client.h"

#define SNAP_KEY   "cle-des-repliques-2019-abcdef0123"
#define WRITE_KEY  "cle-du-cms-de-la-gazette-0123456789"
#define DEADLINE   30000 /* ms a replica has to show a new snapshot */
#define POLL_EVERY "100ms"

static harness H;                     /* the primary */
static char snaps[HARNESS_PATH];      /* H.dir/snaps: its snapshots */
static char snap_keys[HARNESS_PATH];  /* H.dir/snapshot-keys */
static char write_keys[HARNESS_PATH]; /* H.dir/write-keys */

/* An article written on the primary during a test. */
static const char canicule[] =
    "{\"id\": \"canicule-lyon-2019\", \"title\": \"Canicule : Lyon ouvre "
    "ses piscines la nuit\", \"date\": \"2019-06-27\", \"section\": "
    "\"societe\", \"body\": \"Face à la canicule, la métropole de Lyon "
    "ouvre trois piscines jusqu’à minuit et distribue de l’eau aux sans-abri "
    "dans les quartiers de la Guillotière.\"}";

/* Write the JSON article text on the primary (a new one: 201). */
static void write_on_primary(const char *text)
{
    char body[2 * HARNESS_PATH], extra[4 * HARNESS_PATH];
    http_reply w;
    snprintf(body, sizeof body, "%s/article.json", H.dir);
    harness_write(body, text);
    snprintf(extra, sizeof extra,
             "-H 'Authorization: Bearer " WRITE_KEY "' --data-binary '@%s'",
             body);
    harness_http(&H, &w, "POST", "/api/articles", extra);
    ck_assert_msg(w.status == 201, "%ld %s", w.status, w.body);
    http_reply_free(&w);
}

static const char inondations[] =
    "{\"id\": \"inondations-aude-2018\", \"title\": \"Inondations dans "
    "l’Aude : Trèbes dévastée\", \"date\": \"2018-10-15\", \"body\": "
    "\"La crue de l’Aude a emporté des ponts à Trèbes et à Villegailhenc ; "
    "les pompiers ont hélitreuillé des dizaines d’habitants.\"}";

/* Take a snapshot of the primary's index into dir. */
static void snapshot_into(const char *dir)
{
    harness_sh("'%s/fouine-index' -o '%s' --snapshot '%s' >/dev/null 2>&1",
               H.build, H.index, dir);
}

/* The manifest of the primary's snapshots, read from its directory. */
static void manifest_of(fouine_snapshot_info *m, const char *dir)
{
    char path[2 * HARNESS_PATH];
    char *text;
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    text = fouine_test_slurp(path);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(fouine_snapshot_manifest(m, text, strlen(text)) == FOUINE_OK,
                  "%s: %s", path, m->error);
    free(text);
}

/* Start a replica of source in a directory of its own under H.dir, with
** no index: it fetches its first before it listens. */
static void replica_start(harness *r,
                          const char *name,
                          const char *source,
                          const char *key_file)
{
    const char *args[12];
    size_t n = 0;
    *r = H;
    r->pid = 0;
    harness_sh("mkdir -p '%s/%s' && rm -f '%s/%s/replica.db'", H.dir, name,
               H.dir, name);
    snprintf(r->log, sizeof r->log, "%.900s/%.60s/replica.log", H.dir, name);
    snprintf(r->index, sizeof r->index, "%.900s/%.60s/replica.db", H.dir, name);
    args[n++] = "--follow";
    args[n++] = source;
    if (key_file) {
        args[n++] = "--follow-key-file";
        args[n++] = key_file;
    }
    args[n++] = "--follow-interval";
    args[n++] = POLL_EVERY;
    args[n++] = "--quiet";
    args[n] = NULL;
    harness_start(r, args);
}

/* /api/health of r, which must answer 200 with a "follow" object. */
static void health(const harness *r, http_reply *out)
{
    harness_get(r, out, "/api/health", 200);
    ck_assert_msg(json_is_object(json_object_get(out->json, "follow")),
                  "no follow in %s", out->body);
}

static long long generation_of(const http_reply *h)
{
    return (long long)json_integer_value(
        json_object_get(h->json, "generation"));
}

/* The "follow" member name of a health reply: its string, or NULL. */
static const char *follow_str(const http_reply *h, const char *name)
{
    return json_string_value(
        json_object_get(json_object_get(h->json, "follow"), name));
}

/* Poll r's health until it serves generation gen (deadline: DEADLINE);
** every reply meanwhile must be from the old generation or this one. */
static void wait_generation(const harness *r, long long old, long long gen)
{
    long start = client_now_ms();
    for (;;) {
        http_reply h;
        long long g;
        health(r, &h);
        g = generation_of(&h);
        ck_assert_msg(g == old || g == gen, "generation %lld, not %lld or %lld",
                      g, old, gen);
        http_reply_free(&h);
        if (g == gen) {
            return;
        }
        ck_assert_msg(client_now_ms() - start < DEADLINE,
                      "the replica still serves generation %lld after %d ms",
                      old, DEADLINE);
        harness_sleep_ms(50);
    }
}

/* Poll r's health until its last_error holds says (deadline DEADLINE). */
static void wait_error(const harness *r, const char *says)
{
    long start = client_now_ms();
    for (;;) {
        http_reply h;
        const char *e;
        int found;
        health(r, &h);
        e = follow_str(&h, "last_error");
        found = e && strstr(e, says);
        http_reply_free(&h);
        if (found) {
            return;
        }
        ck_assert_msg(client_now_ms() - start < DEADLINE,
                      "the replica never said '%s'", says);
        harness_sleep_ms(50);
    }
}

/* The number of hits of a search of q on r. */
static long long hits(const harness *r, const char *q)
{
    char path[512];
    http_reply s;
    long long n;
    snprintf(path, sizeof path, "/api/search?q=%s", q);
    harness_get(r, &s, path, 200);
    n = (long long)json_integer_value(json_object_get(s.json, "total"));
    http_reply_free(&s);
    return n;
}

/* The manifests a replica may be given, and what it must say of each. */
static const struct {
    const char *text;
    const char *says; /* NULL: accepted */
} manifests[] = {
    { "{\"file\": \"fouine-12.db\", \"generation\": 12, \"articles\": 24, "
      "\"size\": 364544, \"sha256\": "
      "\"5b0e0e6a0e2f1c7c3d2b8a1e4f6a9b0c1d2e3f405162738495a6b7c8d9e0f1a2\", "
      "\"time\": \"2019-04-16T08:12:00Z\", \"schema\": 4, \"more\": 1}",
      NULL },
    { "{\"file\": \"fouine-12.db\"", "not JSON: line 1" },
    { "[1, 2]", "not a JSON object" },
    { "{\"generation\": 12}", "no field file" },
    { "{\"file\": \"../../etc/passwd\", \"generation\": 12}",
      "field file: not the name of a file" },
    { "{\"file\": \".fouine-snapshot-x\"}",
      "field file: not the name of a file" },
    { "{\"file\": \"fouine-12.db\", \"generation\": \"douze\"}",
      "field generation: not a whole number" },
    { "{\"file\": \"fouine-12.db\", \"generation\": 12, \"articles\": -1}",
      "field articles: not a whole number from 0" },
    { "{\"file\": \"fouine-12.db\", \"generation\": 12, \"articles\": 24, "
      "\"size\": 1, \"sha256\": \"5B0E\"}",
      "field sha256: not 64 lowercase hexadecimal digits" },
    { "{\"file\": \"fouine-12.db\", \"generation\": 12, \"articles\": 24, "
      "\"size\": 1, \"sha256\": "
      "\"5b0e0e6a0e2f1c7c3d2b8a1e4f6a9b0c1d2e3f405162738495a6b7c8d9e0f1a2\", "
      "\"time\": \"2019-04-16T08:12:00Z\"}",
      "no field schema" },
};

START_TEST(manifest_fields_checked)
{
    fouine_snapshot_info m;
    int rc = fouine_snapshot_manifest(&m, manifests[_i].text,
                                      strlen(manifests[_i].text));
    if (!manifests[_i].says) {
        ck_assert_int_eq(rc, FOUINE_OK);
        ck_assert_str_eq(m.file, "fouine-12.db");
        ck_assert_int_eq(m.generation, 12);
        ck_assert_int_eq(m.articles, 24);
        ck_assert_int_eq(m.size, 364544);
        ck_assert_int_eq(m.schema, 4);
        ck_assert_str_eq(m.time, "2019-04-16T08:12:00Z");
        ck_assert_str_eq(m.error, "");
    } else {
        ck_assert_int_eq(rc, FOUINE_EINVAL);
        ck_assert_msg(strstr(m.error, manifests[_i].says) != NULL,
                      "'%s' says '%s', not '%s'", manifests[_i].text, m.error,
                      manifests[_i].says);
        ck_assert_str_eq(m.file, ""); /* nothing half read */
    }
}
END_TEST

START_TEST(snapshot_checked_as_received)
{
    fouine_snapshot_info m, got;
    char path[2 * HARNESS_PATH], junk[2 * HARNESS_PATH];
    manifest_of(&m, snaps);
    snprintf(path, sizeof path, "%s/%s", snaps, m.file);
    ck_assert_int_eq(fouine_snapshot_check(&got, path), FOUINE_OK);
    ck_assert_str_eq(got.sha256, m.sha256);
    ck_assert_int_eq(got.generation, m.generation);
    ck_assert_int_eq(got.articles, m.articles);
    ck_assert_int_eq(got.size, m.size);
    ck_assert_str_eq(got.file, m.file);
    /* Not an index: refused, naming the file. */
    snprintf(junk, sizeof junk, "%s/pas-un-index.db", H.dir);
    harness_write(junk, "Ceci n’est pas un index, mais un article.\n");
    ck_assert_int_eq(fouine_snapshot_check(&got, junk), FOUINE_ESCHEMA);
    ck_assert_msg(strstr(got.error, junk) != NULL, "%s", got.error);
    ck_assert_str_eq(got.sha256, "");
    snprintf(junk, sizeof junk, "%s/absent.db", H.dir);
    ck_assert_int_eq(fouine_snapshot_check(&got, junk), FOUINE_EIO);
    ck_assert_msg(strstr(got.error, junk) != NULL, "%s", got.error);
}
END_TEST

START_TEST(snapshot_endpoints_need_a_key)
{
    fouine_snapshot_info m, got;
    char file[HARNESS_PATH + 16];
    http_reply r;
    manifest_of(&m, snaps);

    harness_get(&H, &r, "/api/snapshot/manifest", 401);
    ck_assert_msg(strstr(r.headers, "WWW-Authenticate: Bearer") != NULL, "%s",
                  r.headers);
    http_reply_free(&r);
    harness_http(&H, &r, "GET", "/api/snapshot",
                 "-H 'Authorization: Bearer " WRITE_KEY "'");
    ck_assert_int_eq(r.status, 401); /* a write key is not a snapshot key */
    ck_assert_msg(strstr(r.body, "not one of the server's") != NULL, "%s",
                  r.body);
    http_reply_free(&r);

    harness_http(&H, &r, "GET", "/api/snapshot/manifest",
                 "-H 'Authorization: Bearer " SNAP_KEY "'");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "sha256")),
                     m.sha256);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "generation")),
                     m.generation);
    http_reply_free(&r);

    /* The file itself, its SHA-256 as ETag and as the manifest says. */
    snprintf(file, sizeof file, "%s/body", H.dir); /* harness_http()'s */
    harness_http(&H, &r, "GET", "/api/snapshot",
                 "-H 'Authorization: Bearer " SNAP_KEY "'");
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strstr(r.headers, m.sha256) != NULL, "no ETag: %s",
                  r.headers);
    http_reply_free(&r);
    ck_assert_int_eq(fouine_snapshot_check(&got, file), FOUINE_OK);
    ck_assert_str_eq(got.sha256, m.sha256);

    /* A server without --snapshot-dir offers none. */
    {
        harness other;
        harness_start_other(&other, &H, "plain.log", NULL);
        harness_http(&other, &r, "GET", "/api/snapshot/manifest",
                     "-H 'Authorization: Bearer " SNAP_KEY "'");
        ck_assert_int_eq(r.status, 404);
        ck_assert_msg(strstr(r.body, "--snapshot-dir") != NULL, "%s", r.body);
        http_reply_free(&r);
        ck_assert_int_eq(harness_stop(&other, SIGTERM), 0);
    }
}
END_TEST

START_TEST(replica_follows_the_primary)
{
    fouine_snapshot_info m;
    harness rep;
    http_reply h, w;
    long long before;

    manifest_of(&m, snaps);
    replica_start(&rep, "suit-url", H.base, snap_keys);
    health(&rep, &h);
    ck_assert_int_eq(generation_of(&h), m.generation);
    ck_assert_ptr_null(follow_str(&h, "last_error"));
    ck_assert_str_eq(follow_str(&h, "source"), H.base);
    http_reply_free(&h);
    ck_assert_int_eq(hits(&rep, "Guilloti%C3%A8re"), 0);

    /* Writes are the primary's. */
    harness_http(&rep, &w, "POST", "/api/articles",
                 "-H 'Authorization: Bearer " WRITE_KEY "' --data '{}'");
    ck_assert_int_eq(w.status, 403);
    ck_assert_msg(strstr(w.body, "read-only replica") != NULL, "%s", w.body);
    http_reply_free(&w);

    /* An article written on the primary, a new snapshot: the replica
    ** finds it within the deadline, never answering from another
    ** generation than the old one or the new one. */
    write_on_primary(canicule);
    before = m.generation;
    snapshot_into(snaps);
    manifest_of(&m, snaps);
    ck_assert_int_gt(m.generation, before);
    wait_generation(&rep, before, m.generation);
    ck_assert_int_eq(hits(&rep, "Guilloti%C3%A8re"), 1);
    health(&rep, &h);
    ck_assert_int_eq(json_integer_value(json_object_get(
                         json_object_get(h.json, "follow"), "behind")),
                     0);
    http_reply_free(&h);
    ck_assert_int_eq(harness_stop(&rep, SIGTERM), 0);
}
END_TEST

START_TEST(replica_keeps_serving_when_its_source_fails)
{
    fouine_snapshot_info m;
    harness primary, rep;
    http_reply h;
    char *log;
    long long gen;
    double failures;
    const char *args[] = { "--snapshot-dir", snaps,     "--snapshot-key-file",
                           snap_keys,        "--quiet", NULL };

    /* A primary of its own, to be stopped. */
    harness_start_other(&primary, &H, "primary2.log", args);
    manifest_of(&m, snaps);
    replica_start(&rep, "suit-panne", primary.base, snap_keys);
    gen = m.generation;
    ck_assert_int_eq(harness_stop(&primary, SIGTERM), 0);
    wait_error(&rep, "Couldn't connect");
    /* Still answers from what it has. */
    health(&rep, &h);
    ck_assert_int_eq(generation_of(&h), gen);
    ck_assert_ptr_nonnull(follow_str(&h, "last_ok"));
    http_reply_free(&h);
    ck_assert_int_gt(hits(&rep, "h%C3%B4pitaux"), 0);
    harness_http(&rep, &h, "GET", "/metrics", "");
    ck_assert_msg(strstr(h.body, "\nfouine_follow_ok 0\n") != NULL, "%s",
                  h.body);
    failures = strtod(strstr(h.body, "\nfouine_follow_failures_total ") +
                          strlen("\nfouine_follow_failures_total "),
                      NULL);
    ck_assert_msg(failures >= 1, "%s", h.body);
    http_reply_free(&h);
    log = fouine_test_slurp(rep.log);
    ck_assert_msg(log && strstr(log, "serving generation") != NULL, "%s",
                  log ? log : "");
    free(log);

    /* The primary back (on another port: a replica with a wrong key
    ** meanwhile says the primary's refusal). */
    ck_assert_int_eq(harness_stop(&rep, SIGTERM), 0);
    harness_start_other(&primary, &H, "primary3.log", args);
    {
        char bad[HARNESS_PATH + 16];
        snprintf(bad, sizeof bad, "%s/mauvaise-cle", H.dir);
        harness_write(bad, "une-cle-que-le-primaire-ignore-42\n");
        snprintf(rep.log, sizeof rep.log, "%.900s/suit-panne/second.log",
                 H.dir);
        {
            const char *a2[] = { "--follow",          primary.base,
                                 "--follow-key-file", bad,
                                 "--follow-interval", POLL_EVERY,
                                 "--quiet",           NULL };
            harness_start(&rep, a2); /* its index is there: it starts */
        }
        wait_error(&rep, "HTTP 401");
        health(&rep, &h);
        ck_assert_int_eq(generation_of(&h), gen);
        http_reply_free(&h);
    }
    ck_assert_int_eq(harness_stop(&rep, SIGTERM), 0);
    ck_assert_int_eq(harness_stop(&primary, SIGTERM), 0);
}
END_TEST

START_TEST(bad_sha256_is_not_switched_to)
{
    fouine_snapshot_info m;
    harness rep;
    http_reply h;
    char mirror[HARNESS_PATH + 16], manifest[2 * HARNESS_PATH];
    char *text, *at;
    long long gen;

    /* A directory that rsync would fill: the replica follows it. */
    snprintf(mirror, sizeof mirror, "%s/miroir", H.dir);
    harness_sh("rm -rf '%s' && cp -a '%s' '%s'", mirror, snaps, mirror);
    manifest_of(&m, mirror);
    gen = m.generation;
    replica_start(&rep, "suit-dir", mirror, NULL);
    health(&rep, &h);
    ck_assert_int_eq(generation_of(&h), gen);
    http_reply_free(&h);

    /* A new snapshot arrives, but its manifest's SHA-256 is not the
    ** file's (a copy damaged on the way). */
    write_on_primary(inondations);
    snapshot_into(snaps);
    harness_sh("cp -a '%s'/fouine-*.db '%s/'", snaps, mirror);
    snprintf(manifest, sizeof manifest, "%s/manifest.json", snaps);
    text = fouine_test_slurp(manifest);
    ck_assert_ptr_nonnull(text);
    at = strstr(text, "\"sha256\": \"");
    ck_assert_ptr_nonnull(at);
    at += strlen("\"sha256\": \"");
    *at = *at == '0' ? '1' : '0';
    snprintf(manifest, sizeof manifest, "%s/manifest.json.tmp", mirror);
    harness_write(manifest, text);
    harness_sh("mv '%s/manifest.json.tmp' '%s/manifest.json'", mirror, mirror);
    wait_error(&rep, "sha256");
    health(&rep, &h);
    ck_assert_int_eq(generation_of(&h), gen); /* the old one, still */
    ck_assert_msg(strstr(follow_str(&h, "last_error"), "not switched") != NULL,
                  "%s", h.body);
    http_reply_free(&h);
    ck_assert_int_gt(hits(&rep, "h%C3%B4pitaux"), 0);
    ck_assert_int_eq(hits(&rep, "Villegailhenc"), 0);

    /* The right manifest: followed at once. */
    harness_sh("cp '%s/manifest.json' '%s/manifest.json.tmp' && mv "
               "'%s/manifest.json.tmp' '%s/manifest.json'",
               snaps, mirror, mirror, mirror);
    manifest_of(&m, mirror);
    wait_generation(&rep, gen, m.generation);
    ck_assert_int_eq(hits(&rep, "Villegailhenc"), 1);
    health(&rep, &h);
    ck_assert_msg(follow_str(&h, "last_error") == NULL, "%s", h.body);
    http_reply_free(&h);
    free(text);
    ck_assert_int_eq(harness_stop(&rep, SIGTERM), 0);
    /* No temporary file left beside the replica's index. */
    harness_sh("! ls -A '%s/suit-dir' | grep -q '^\\.fouine-follow'", H.dir);
}
END_TEST

START_TEST(bad_options_stop_the_start)
{
    static const struct {
        const char *args;
        const char *says;
    } cases[] = {
        { "--follow /nulle/part", "'/nulle/part' is neither" },
        { "--follow http://127.0.0.1:1 --follow-interval 5ms",
          "--follow-interval: '5ms' is not a duration" },
        { "--follow-interval 10s", "need --follow" },
        { "--follow http://127.0.0.1:1", "no first snapshot" },
        { "--snapshot-dir /nulle/part", "--snapshot-dir: /nulle/part" },
    };
    char out[HARNESS_PATH + 16], cmd[4 * HARNESS_PATH], idx[HARNESS_PATH + 16];
    char *said;
    size_t i;
    snprintf(idx, sizeof idx, "%s/jamais.db", H.dir);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(out, sizeof out, "%s/options-%zu.out", H.dir, i);
        snprintf(cmd, sizeof cmd,
                 "'%s/fouine-serve' -i '%s' --listen 127.0.0.1:0 %s 2>'%s'",
                 H.build, i == 2 || i == 4 ? H.index : idx, cases[i].args, out);
        ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
        said = fouine_test_slurp(out);
        ck_assert_msg(said && strstr(said, cases[i].says), "%s: %s",
                      cases[i].args, said ? said : "");
        free(said);
    }
    /* The primary's own index, with its WAL, is no replica's. */
    snprintf(out, sizeof out, "%s/options-wal.out", H.dir);
    snprintf(cmd, sizeof cmd,
             "'%s/fouine-serve' -i '%s' --listen 127.0.0.1:0 --follow '%s' "
             "2>'%s'",
             H.build, H.index, snaps, out);
    ck_assert_int_eq(fouine_test_run(cmd, NULL), 2);
    said = fouine_test_slurp(out);
    ck_assert_msg(said && strstr(said, "write-ahead log"), "%s",
                  said ? said : "");
    free(said);
}
END_TEST

int main(void)
{
    const char *args[] = { "--snapshot-dir",
                           snaps,
                           "--snapshot-key-file",
                           snap_keys,
                           "--write-key-file",
                           write_keys,
                           "--quiet",
                           NULL };
    Suite *s = suite_create("follow");
    TCase *tc = tcase_create("follow");
    int rc;

    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, manifest_fields_checked, 0,
                        sizeof manifests / sizeof manifests[0]);
    tcase_add_test(tc, snapshot_checked_as_received);
    tcase_add_test(tc, snapshot_endpoints_need_a_key);
    tcase_add_test(tc, replica_follows_the_primary);
    tcase_add_test(tc, replica_keeps_serving_when_its_source_fails);
    tcase_add_test(tc, bad_sha256_is_not_switched_to);
    tcase_add_test(tc, bad_options_stop_the_start);
    suite_add_tcase(s, tc);

    rc = harness_init(&H);
    if (rc != 0) {
        srunner_free(srunner_create(s));
        return rc;
    }
    harness_index_corpus(&H, NULL, NULL);
    snprintf(snaps, sizeof snaps, "%s/snaps", H.dir);
    snprintf(snap_keys, sizeof snap_keys, "%s/snapshot-keys", H.dir);
    snprintf(write_keys, sizeof write_keys, "%s/write-keys", H.dir);
    harness_write(snap_keys, "# les répliques\n" SNAP_KEY "\n");
    harness_write(write_keys, "# le CMS\n" WRITE_KEY "\n");
    harness_sh("mkdir '%s'", snaps);
    snapshot_into(snaps);
    harness_start(&H, args);
    harness_setup = 0;
    rc = fouine_test_main(s);
    if (harness_stop(&H, SIGTERM) != 0) {
        fprintf(stderr, "fouine-serve did not exit 0 on SIGTERM\n");
        rc = 1;
    }
    if (rc != 0) {
        harness_dump_log(&H);
    }
    harness_cleanup(&H);
    return rc;
}
