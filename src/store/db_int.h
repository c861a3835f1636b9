/*
 * db_int.h — what the backends of db.h (sqlite.c, postgres.c) share with
 * db.c, which picks the backend when a database is opened and hands every
 * call on to it.  Each backend's handle and statement begin with the
 * structs below.
 */
#ifndef JY_DB_INT_H
#define JY_DB_INT_H

#include "store/db.h"

struct db_ops {
	const char *name;	  /* "sqlite" or "postgres" */
	const char *begin_sql;	  /* how the outermost transaction starts */
	void (*close)(db *d);
	int (*exec)(db *d, const char *sql, jy_err *err);
	db_stmt *(*stmt_get)(db *d, const char *sql, jy_err *err);
	void (*bind_i64)(db_stmt *st, int idx, int64_t v);
	void (*bind_double)(db_stmt *st, int idx, double v);
	void (*bind_text)(db_stmt *st, int idx, const char *s);
	void (*bind_text_static)(db_stmt *st, int idx, const char *s); /* NULL: bind_text */
	void (*bind_null)(db_stmt *st, int idx);
	int (*step)(db_stmt *st, jy_err *err);
	int64_t (*col_i64)(db_stmt *st, int col);
	double (*col_double)(db_stmt *st, int col);
	const char *(*col_text)(db_stmt *st, int col);
	int (*col_is_null)(db_stmt *st, int col);
	void (*done)(db_stmt *st);
	int64_t (*changes)(db *d);
	int64_t (*last_id)(db *d);	/* NULL: the backend has none (use RETURNING) */
	int64_t (*data_version)(db *d);	/* NULL: none (nothing is cached) */
	int (*checkpoint)(db *d, jy_err *err);
	void (*set_autocheckpoint)(db *d, int pages);
	int (*backup)(db *d, const char *path, jy_err *err);
	int (*log_fd)(db *d, jy_err *err); /* NULL: commits are durable by themselves */
};

/* The start of every backend's handle. */
struct db {
	const struct db_ops *ops;
	int tx_depth;
	int tx_failed;
	/* data_version as read in this transaction, -1 until read: inside a
	 * write transaction no other connection can commit, so it is read
	 * once (the gate read it twice per reading). */
	int64_t tx_data_version;
};

/* The start of every backend's statement. */
struct db_stmt {
	db *owner;
};

/* Slot of a statement in a backend's cache: a hash of the SQL's address. */
static inline size_t db_cache_hash(const char *sql)
{
	return ((size_t)(uintptr_t)sql >> 3) * 2654435761u;
}

/* The text a backend prepares for sql: the dialect blocks ("-- @sqlite" /
 * "-- @postgres" … "-- @end") of queries resolved.  Returns sql itself when
 * it has none, else a malloc'd copy (NULL when out of memory). */
char *db_query_text(const db *d, const char *sql);

int db_sqlite_open(const char *path, db **out, jy_err *err);
/* Bytes SQLite holds in the heap (all connections of the process). */
int64_t lite_memory_used(void);
#ifdef JINYUN_HAVE_PQ
int db_pg_open(const char *url, db **out, jy_err *err);
#endif

#endif
