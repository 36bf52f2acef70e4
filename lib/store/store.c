/*
** store.c: opening an index file and creating its schema
** (see lib/store/store.h).
*/
#ifdef FOUINE_SQLITE_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#endif

#include "store.h"

#include "fouine/fts5.h"

#include "analysis.h"

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

/* How long a connection waits for another's lock, in milliseconds. */
#define STORE_BUSY_MS 10000
/* The least bytes of a database file: one page of the smallest size. */
#define STORE_MIN_FILE 512

/* The columns of an article after its id and source, which a duplicate
** has too: the small ones first, so that reading an article's date (to
** order equal scores, to sort by date) reads the start of its row only,
** not its whole text. */
#define ARTICLE_COLUMNS                \
    "  date TEXT,"                     \
    "  category TEXT,"                 \
    "  url TEXT,"                      \
    "  author TEXT,"                   \
    "  reading_time INTEGER,"          \
    "  hash TEXT NOT NULL DEFAULT ''," \
    "  title TEXT NOT NULL,"           \
    "  lead TEXT NOT NULL DEFAULT ''," \
    "  body TEXT NOT NULL DEFAULT ''"

static const char schema_sql[] =
    "CREATE TABLE article("
    "  rowid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  source TEXT NOT NULL," ARTICLE_COLUMNS ");"
    "CREATE INDEX article_source ON article(source);"
    "CREATE INDEX article_date ON article(date);"
    "CREATE VIRTUAL TABLE article_fts USING fts5(title, lead, body,"
    "  content='article', content_rowid='rowid', tokenize='french');"
    "CREATE TRIGGER article_ai AFTER INSERT ON article BEGIN"
    "  INSERT INTO article_fts(rowid, title, lead, body)"
    "  VALUES (new.rowid, new.title, new.lead, new.body);"
    "END;"
    "CREATE TRIGGER article_ad AFTER DELETE ON article BEGIN"
    "  INSERT INTO article_fts(article_fts, rowid, title, lead, body)"
    "  VALUES ('delete', old.rowid, old.title, old.lead, old.body);"
    "  DELETE FROM comment WHERE article = old.rowid;"
    "END;"
    "CREATE TRIGGER article_au AFTER UPDATE OF title, lead, body ON article"
    "  BEGIN"
    "  INSERT INTO article_fts(article_fts, rowid, title, lead, body)"
    "  VALUES ('delete', old.rowid, old.title, old.lead, old.body);"
    "  INSERT INTO article_fts(rowid, title, lead, body)"
    "  VALUES (new.rowid, new.title, new.lead, new.body);"
    "END;"
    "CREATE TABLE comment("
    "  rowid INTEGER PRIMARY KEY,"
    "  article INTEGER NOT NULL,"
    "  date TEXT,"
    "  body TEXT NOT NULL);"
    "CREATE INDEX comment_article ON comment(article);"
    "CREATE VIRTUAL TABLE comment_fts USING fts5(body,"
    "  content='comment', content_rowid='rowid', tokenize='french');"
    "CREATE TRIGGER comment_ai AFTER INSERT ON comment BEGIN"
    "  INSERT INTO comment_fts(rowid, body) VALUES (new.rowid, new.body);"
    "END;"
    "CREATE TRIGGER comment_ad AFTER DELETE ON comment BEGIN"
    "  INSERT INTO comment_fts(comment_fts, rowid, body)"
    "  VALUES ('delete', old.rowid, old.body);"
    "END;"
    "CREATE TABLE source("
    "  path TEXT PRIMARY KEY,"
    "  size INTEGER,"
    "  mtime INTEGER,"
    "  hash TEXT,"
    "  articles INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);";

/* What version 3 adds to version 2: the copies of articles whose id
** another source holds, and the roots of the ids. */
static const char schema_v3_sql[] =
    "CREATE TABLE duplicate("
    "  rowid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL,"
    "  source TEXT NOT NULL," ARTICLE_COLUMNS ","
    "  UNIQUE(id, source));"
    "CREATE INDEX duplicate_source ON duplicate(source);"
    "CREATE TABLE duplicate_comment("
    "  rowid INTEGER PRIMARY KEY,"
    "  duplicate INTEGER NOT NULL,"
    "  date TEXT,"
    "  body TEXT NOT NULL);"
    "CREATE INDEX duplicate_comment_duplicate"
    "  ON duplicate_comment(duplicate);"
    "CREATE TRIGGER duplicate_ad AFTER DELETE ON duplicate BEGIN"
    "  DELETE FROM duplicate_comment WHERE duplicate = old.rowid;"
    "END;"
    "CREATE TABLE root(path TEXT PRIMARY KEY);";

/* What version 4 adds: the lexicon. */
static const char schema_v4_sql[] =
    "CREATE TABLE lexicon("
    "  token TEXT PRIMARY KEY,"
    "  fold TEXT NOT NULL,"
    "  stem TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX lexicon_fold ON lexicon(fold);"
    "CREATE INDEX lexicon_stem ON lexicon(stem);";

/* What version 5 adds: the fingerprints of wire-story duplicates
** (near.c).  near holds each article fingerprinted, its group (the
** smallest rowid of the group) and its fingerprint; near_band the LSH keys
** of its bands (those of an article since changed or removed stay: they
** only make candidates, which its fingerprint then refuses, and an index
** on near_band.rowid to delete them would double the cost of writing
** them); near_todo the articles written and not yet fingerprinted.
** An article's text changing or the article going takes it out of its
** group; a group whose smallest member goes takes the next smallest.
** near_grouped indexes the members that do not lead their group, the few
** a search's count looks up (lib/search/collapse.c).  article_category_date
** holds every article's category and date without its text, for the
** table of them that facets and filters read (lib/search/facets.c): made
** from it, not from the rows, it costs a scan of a small index. */
static const char schema_v5_sql[] =
    "CREATE TABLE near("
    "  rowid INTEGER PRIMARY KEY,"
    "  grp INTEGER NOT NULL,"
    "  sig BLOB NOT NULL);"
    "CREATE INDEX near_grp ON near(grp);"
    "CREATE INDEX near_grouped ON near(grp) WHERE grp <> rowid;"
    "CREATE INDEX article_category_date ON article(category, date);"
    "CREATE TABLE near_band("
    "  band INTEGER NOT NULL,"
    "  rowid INTEGER NOT NULL,"
    "  PRIMARY KEY(band, rowid)) WITHOUT ROWID;"
    "CREATE TABLE near_todo(rowid INTEGER PRIMARY KEY);"
    "CREATE TRIGGER near_ai AFTER INSERT ON article BEGIN"
    "  INSERT OR IGNORE INTO near_todo(rowid) VALUES (new.rowid);"
    "END;"
    "CREATE TRIGGER near_au AFTER UPDATE OF title, lead, body ON article"
    "  BEGIN"
    "  DELETE FROM near WHERE rowid = old.rowid;"
    "  INSERT OR IGNORE INTO near_todo(rowid) VALUES (new.rowid);"
    "END;"
    "CREATE TRIGGER near_ad AFTER DELETE ON article BEGIN"
    "  DELETE FROM near WHERE rowid = old.rowid;"
    "  DELETE FROM near_todo WHERE rowid = old.rowid;"
    "END;"
    "CREATE TRIGGER near_gone AFTER DELETE ON near BEGIN"
    "  UPDATE near SET grp = (SELECT min(rowid) FROM near"
    "  WHERE grp = old.rowid) WHERE grp = old.rowid;"
    "END;";

/*
** Run sql, a statement giving one integer, into *value (0 on failure).
** Returns FOUINE_OK or FOUINE_EDB (sqlite3_errcode(db) tells why).
*/
static FOUINE_WUR int query_int(sqlite3 *db, const char *sql, int *value)
{
    sqlite3_stmt *stmt = NULL;
    int rc = FOUINE_EDB;
    *value = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        goto done;
    }
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        goto done;
    }
    *value = sqlite3_column_int(stmt, 0);
    rc = FOUINE_OK;
done:
    sqlite3_finalize(stmt);
    return rc;
}

int fouine_store_error(sqlite3 *db)
{
    return sqlite3_errcode(db) == SQLITE_NOMEM ? FOUINE_ENOMEM : FOUINE_EDB;
}

/*
** Create the schema and set its version, in one transaction: all of it or
** nothing.  Returns FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM.
*/
static FOUINE_WUR int set_schema(sqlite3 *db)
{
    char sql[64];
    int rc;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        return fouine_store_error(db);
    }
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", FOUINE_SCHEMA_VERSION);
    if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, schema_v3_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, schema_v4_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, schema_v5_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = fouine_store_error(db);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return FOUINE_OK;
}

/*
** Bring an index of version 4 to version 5, in one transaction: the
** tables of the fingerprints, every article waiting in near_todo, to be
** fingerprinted by the commit of the first write (fouine_near_flush()).
** Returns FOUINE_OK, FOUINE_EDB or FOUINE_ENOMEM.
*/
static FOUINE_WUR int migrate_v4(sqlite3 *db)
{
    char sql[64];
    int rc, version = 0;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        return fouine_store_error(db);
    }
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", FOUINE_SCHEMA_VERSION);
    /* Another writer may have migrated it while this one waited. */
    if (query_int(db, "PRAGMA user_version", &version) != FOUINE_OK ||
        (version == 4 &&
         (sqlite3_exec(db, schema_v5_sql, NULL, NULL, NULL) != SQLITE_OK ||
          sqlite3_exec(db,
                       "INSERT INTO near_todo(rowid) SELECT rowid FROM article",
                       NULL, NULL, NULL) != SQLITE_OK ||
          sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)) ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = fouine_store_error(db);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return FOUINE_OK;
}

int fouine_store_foreign(const char *path)
{
    struct stat st;
    /* By its size alone: opening the file to read its header, then closing
    ** it, would drop the POSIX locks that this process's connections to it
    ** hold (a close() drops them all, whatever descriptor took them). */
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
           st.st_size < STORE_MIN_FILE;
}

int fouine_store_open(sqlite3 **out, const char *path, int flags)
{
    sqlite3 *db = NULL;
    struct stat st;
    int version = 0, tables = 0;
    int oflags = SQLITE_OPEN_NOMUTEX;
    int rc;

    *out = NULL;
    if (flags & FOUINE_STORE_WRITE) {
        if (fouine_store_foreign(path)) {
            rc = FOUINE_ESCHEMA; /* some other file: leave it alone */
            goto done;
        }
        oflags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    } else {
        if (stat(path, &st) != 0) {
            rc = FOUINE_EIO;
            goto done;
        }
        oflags |= SQLITE_OPEN_READONLY;
    }
    if (sqlite3_open_v2(path, &db, oflags, NULL) != SQLITE_OK) {
        rc = FOUINE_EIO;
        goto done;
    }
    sqlite3_busy_timeout(db, STORE_BUSY_MS);
    rc = fouine_fts5_register(db);
    if (rc != FOUINE_OK) {
        goto done;
    }
    rc = query_int(db, "PRAGMA user_version", &version);
    if (rc != FOUINE_OK) {
        /* Not a database at all, or unreadable. */
        rc = sqlite3_errcode(db) == SQLITE_NOTADB ? FOUINE_ESCHEMA : FOUINE_EIO;
        goto done;
    }
    if (version == 0 && (flags & FOUINE_STORE_WRITE)) {
        rc = query_int(db, "SELECT count(*) FROM sqlite_schema", &tables);
        if (rc != FOUINE_OK) {
            goto done;
        }
        if (tables) {
            rc = FOUINE_ESCHEMA; /* some other database: leave it alone */
            goto done;
        }
        if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) !=
            SQLITE_OK) {
            rc = FOUINE_EIO;
            goto done;
        }
        rc = set_schema(db);
        if (rc != FOUINE_OK) {
            goto done;
        }
        version = FOUINE_SCHEMA_VERSION;
    }
    if (version == 4 && (flags & FOUINE_STORE_WRITE)) {
        rc = migrate_v4(db);
        if (rc != FOUINE_OK) {
            goto done;
        }
        version = FOUINE_SCHEMA_VERSION;
    }
    if (version != FOUINE_SCHEMA_VERSION) {
        rc = FOUINE_ESCHEMA;
        goto done;
    }
    if (flags & FOUINE_STORE_WRITE) {
        sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
        sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    }
    *out = db;
    db = NULL;
    rc = FOUINE_OK;
done:
    sqlite3_close(db);
    return rc;
}

/* Insert one word into the lexicon (fouine_lexsink_each()). */
static int insert_word(const fouine_word *w, void *payload)
{
    sqlite3_stmt *stmt = payload;
    int rc;
    /* Each form is at most 4 * FOUINE_MAX_WORD bytes: the narrowing to
    ** SQLite's int is exact. */
    sqlite3_bind_text(stmt, 1, w->token, (int)w->ntoken, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, w->fold, (int)w->nfold, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, w->stem, (int)w->nstem, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? 0 : FOUINE_EDB;
}

int fouine_lexsink_flush(fouine_lexsink *sink, sqlite3 *db)
{
    sqlite3_stmt *stmt = NULL;
    int rc;
    if (fouine_lexsink_empty(sink)) {
        return FOUINE_OK;
    }
    if (sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO lexicon(token, fold, stem)"
                           " VALUES (?1, ?2, ?3)",
                           -1, &stmt, NULL) != SQLITE_OK) {
        return fouine_store_error(db);
    }
    rc = fouine_lexsink_each(sink, insert_word, stmt);
    if (rc == FOUINE_EDB) {
        rc = fouine_store_error(db);
    }
    sqlite3_finalize(stmt);
    return rc;
}
