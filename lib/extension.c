/*
** extension.c: the entry point of the SQLite loadable extension, so that an
** index can be searched from the sqlite3 shell or any stock SQLite driver,
** with fouine's query language and ranking:
**
**     sqlite3 fouine.db
**     sqlite> .load ./fouine
**     sqlite> SELECT title FROM article_fts
**        ...> WHERE article_fts MATCH fouine_query('securite')
**        ...> ORDER BY fouine_rank(article_fts, fouine_query_map('securite'));
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "fouine/fts5.h"
#include "query.h"

#ifdef _WIN32
__declspec(dllexport)
#endif
    int sqlite3_fouine_init(sqlite3 *db,
                            char **pzErrMsg,
                            const sqlite3_api_routines *pApi);

int sqlite3_fouine_init(sqlite3 *db,
                        char **pzErrMsg,
                        const sqlite3_api_routines *pApi)
{
    int rc;
    SQLITE_EXTENSION_INIT2(pApi);
    rc = fouine_fts5_register(db);
    if (rc != FOUINE_OK) {
        *pzErrMsg = sqlite3_mprintf("fouine: cannot register the french "
                                    "tokenizer: %s",
                                    fouine_errmsg(rc));
        return SQLITE_ERROR;
    }
    rc = fouine_search_register(db);
    if (rc != FOUINE_OK) {
        *pzErrMsg = sqlite3_mprintf("fouine: cannot register the search "
                                    "functions: %s",
                                    fouine_errmsg(rc));
        return SQLITE_ERROR;
    }
    return SQLITE_OK;
}
