/*
** extension.c: the entry point of the SQLite loadable extension, so that an
** index can be searched from the sqlite3 shell or any stock SQLite driver:
**
**     sqlite3 fouine.db
**     sqlite> .load ./fouine
**     sqlite> SELECT title FROM article_fts WHERE article_fts MATCH 'securite';
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "fouine/fts5.h"

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
    return SQLITE_OK;
}
