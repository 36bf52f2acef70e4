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

struct fouine_lexsink; /* the lexicon sink (opaque) */

/**
 * Register the tokenizer "french" with the FTS5 module of a connection.
 *
 * Each tokenizer instance that FTS5 creates owns its own analyzer, so
 * connections can be used from different threads.  The tokenizer takes no
 * arguments.  A document gives one token a word (fouine/analyzer.h).  A
 * query's text gives the same tokens, but for a group of alternatives
 * written "{token1|token2|...}", which stands for one word that may be
 * any of those tokens (given as they are, not analyzed): so fouine's
 * searches ask for the forms a reader's word may mean
 * ("{sécurité|securite|sécurités}").
 *
 * @param db an open connection; not owned
 * @return FOUINE_OK, FOUINE_ENOMEM, or FOUINE_EDB when the SQLite build has
 *         no FTS5
 */
FOUINE_WUR int fouine_fts5_register(sqlite3 *db);

/**
 * Register "french" as fouine_fts5_register() does, but for a writer: the
 * analyzers of the tokenizer instances add each word they read in a
 * document (never in a query) to sink, for the lexicon (the table of the words of an index).
 *
 * @param db   an open connection; not owned
 * @param sink where the words go; not owned, must outlive db's tokenizers
 *             (close db first)
 * @return as fouine_fts5_register()
 */
FOUINE_WUR int fouine_fts5_register_sink(sqlite3 *db,
                                         struct fouine_lexsink *sink);

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
