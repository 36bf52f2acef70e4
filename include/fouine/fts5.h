/*
** fouine/fts5.h: the "french" FTS5 tokenizer.
*/
#ifndef FOUINE_FTS5_H
#define FOUINE_FTS5_H

#include <sqlite3.h>

#include "fouine/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Register the tokenizer "french" with the FTS5 module of a connection.
 *
 * Each tokenizer instance that FTS5 creates owns its own analyzer, so
 * connections can be used from different threads.  The tokenizer takes no
 * arguments.
 *
 * @param db an open connection; not owned
 * @return FOUINE_OK, FOUINE_ENOMEM, or FOUINE_EDB when the SQLite build has
 *         no FTS5
 */
FOUINE_WUR int fouine_fts5_register(sqlite3 *db);

/**
 * The FTS5 extension API of a connection, to find or add tokenizers.
 *
 * @param db an open connection; not owned
 * @return the API, owned by SQLite and valid while db is open; NULL when
 *         the SQLite build has no FTS5
 */
fts5_api *fouine_fts5_api(sqlite3 *db);

#ifdef __cplusplus
}
#endif

#endif /* FOUINE_FTS5_H */
