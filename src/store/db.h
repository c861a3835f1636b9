/*
 * db.h — the thin database seam under the store: open, prepare (cached),
 * bind, step, read columns, transactions.  One backend file implements it
 * per engine (sqlite.c for a school; postgres.c for districts), and db.c
 * picks one when the database is opened.  SQL handed to it is
 * portable: '?' placeholders, RETURNING for new ids, ON CONFLICT upserts.
 *
 * Only src/store/ includes this header; everything above talks to store.h.
 * A db handle is used by one thread at a time (the server keeps a pool).
 */
#ifndef JY_DB_H
#define JY_DB_H

#include <stdint.h>

#include "util/err.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

/* Open a database: a path (SQLite, created when absent) or a
 * postgresql:// URL.  *out is owned by the caller (db_close). */
int db_open(const char *url, db **out, jy_err *err);
void db_close(db *d);

/* Does url name a PostgreSQL database (postgresql:// or postgres://)? */
int db_is_postgres_url(const char *url);

/* "sqlite" or "postgres". */
const char *db_backend(const db *d);

/* Run SQL without parameters or results (may hold several statements). */
int db_exec(db *d, const char *sql, jy_err *err);

/*
 * The prepared statement for sql, prepared once per handle and cached by the
 * address of sql (so pass string literals or other static text).  Returned
 * reset, bindings cleared.  The handle owns it; call db_done() after use.
 */
db_stmt *db_stmt_get(db *d, const char *sql, jy_err *err);

/* Bind parameter idx (1-based).  text NULL binds SQL NULL. */
void db_bind_i64(db_stmt *st, int idx, int64_t v);
void db_bind_double(db_stmt *st, int idx, double v);
void db_bind_text(db_stmt *st, int idx, const char *s);
/* The same without a copy where the backend can: s must stay as it is until
 * db_done (the gate's statements, run hundreds of times a second). */
void db_bind_text_static(db_stmt *st, int idx, const char *s);
void db_bind_null(db_stmt *st, int idx);

/* Advance: 1 = a row is ready, 0 = done, negative = error (in err). */
int db_step(db_stmt *st, jy_err *err);

int64_t db_col_i64(db_stmt *st, int col);
double db_col_double(db_stmt *st, int col);
/* Text of a column, "" for NULL; valid until the next step or db_done. */
const char *db_col_text(db_stmt *st, int col);
int db_col_is_null(db_stmt *st, int col);

/* Finish with a statement: reset it for the next use. */
void db_done(db_stmt *st);

/* Rows changed by the last INSERT/UPDATE/DELETE on this handle. */
int64_t db_changes(db *d);

/* Does the backend tell the rowid of the last INSERT without RETURNING
 * (SQLite: RETURNING builds a temporary table per execution, a third of
 * the cost of a small insert)?  Then db_last_id gives it. */
int db_has_last_id(const db *d);
int64_t db_last_id(db *d);

/* A number that changes whenever another connection (or process) has
 * committed to the database since it was last read on this handle; the
 * handle's own commits leave it (SQLite's PRAGMA data_version).  -1 when
 * the backend has none or it cannot be read: cache nothing then.  Read
 * once per write transaction (nothing else can commit meanwhile). */
int64_t db_data_version(db *d);

/* Transactions nest by counting: only the outermost begin/commit reach the
 * database; a rollback at any depth rolls back everything at once. */
int db_begin(db *d, jy_err *err);
int db_commit(db *d, jy_err *err);
void db_rollback(db *d);

/* Backend-specific rewriting of a migration (placeholders, dialect blocks). */
char *db_dialect_sql(const db *d, const char *sql);

/* Checkpoint the write-ahead log without blocking writers (SQLite: a
 * PASSIVE checkpoint; PostgreSQL: nothing to do).  pages: how many WAL
 * pages a commit may leave before it checkpoints by itself (0 = never:
 * someone calls db_checkpoint instead). */
int db_checkpoint(db *d, jy_err *err);
void db_set_autocheckpoint(db *d, int pages);

/* Hand the syncing of the log to the caller: commits on this handle no
 * longer wait for the disk (SQLite: synchronous=NORMAL in WAL mode, as
 * every handle runs), and the caller makes them durable by fdatasync() of
 * the returned descriptor (a handle of its own on the write-ahead log)
 * before it reports any of them as stored.  -1 with err clear: the
 * backend's commits are durable by themselves (PostgreSQL), nothing to
 * sync; -1 with err set: it failed (sync at each commit instead). */
int db_log_fd(db *d, jy_err *err);

/* Online backup of a SQLite database to path (SQLite backup API);
 * PostgreSQL: an error that says to use pg_dump. */
int db_backup(db *d, const char *path, jy_err *err);

#endif
