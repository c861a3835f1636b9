/*
 * sqlite.c — the SQLite backend of db.h (the embedded default: one file).
 *
 * Opened in WAL mode with synchronous=NORMAL (a write survives the process
 * being killed; only a power cut can lose the last transactions), foreign
 * keys on, and a busy handler that polls briefly so that concurrent
 * connections of the server's pool wait for each other instead of failing.  Prepared statements are
 * cached per handle, keyed by the address of their SQL text, in a small
 * open-addressing table.
 */
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#define STMT_SLOTS 256 /* power of two; more distinct statements than the store has */

struct db_stmt {
	sqlite3_stmt *st;
	db *owner;
};

struct db {
	sqlite3 *conn;
	int tx_depth;
	int tx_failed;
	struct {
		const char *sql;
		db_stmt stmt;
	} cache[STMT_SLOTS];
};

/*
 * Wait for another connection's write lock.  SQLite's default busy handler
 * sleeps in steps of up to 100 ms, so under contention a request waits far
 * longer than the write it waits for (a class check commits in ~1 ms).
 * This one polls every 50–500 µs, giving up after ten seconds.
 */
static int busy_wait(void *arg, int count)
{
	(void)arg;
	if (count >= 40000)
		return 0;
	struct timespec ts = { 0, (count < 100 ? 50 : 500) * 1000L };
	nanosleep(&ts, NULL);
	return 1;
}

static int fail(db *d, jy_err *err, const char *what)
{
	return err_set(err, JY_EDB, "数据库错误 database error (%s): %s", what,
		       d && d->conn ? sqlite3_errmsg(d->conn) : "cannot open");
}

int db_open(const char *url, db **out, jy_err *err)
{
	*out = NULL;
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13))
		return err_set(err, JY_EINVAL,
			       "此版本未编译 PostgreSQL 支持 (built without PostgreSQL support): %s", url);
	db *d = calloc(1, sizeof *d);
	if (!d)
		return err_set(err, JY_ENOMEM, "out of memory");
	int rc = sqlite3_open_v2(url, &d->conn,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(err, JY_EDB, "无法打开数据库 cannot open database %s: %s", url,
			d->conn ? sqlite3_errmsg(d->conn) : sqlite3_errstr(rc));
		db_close(d);
		return JY_EDB;
	}
	sqlite3_busy_handler(d->conn, busy_wait, NULL);
	sqlite3_extended_result_codes(d->conn, 1);
	rc = db_exec(d, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
			"PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
		     err);
	if (rc) {
		db_close(d);
		return rc;
	}
	*out = d;
	return 0;
}

void db_close(db *d)
{
	if (!d)
		return;
	for (int i = 0; i < STMT_SLOTS; i++)
		if (d->cache[i].stmt.st)
			sqlite3_finalize(d->cache[i].stmt.st);
	sqlite3_close(d->conn);
	free(d);
}

const char *db_backend(const db *d)
{
	(void)d;
	return "sqlite";
}

int db_exec(db *d, const char *sql, jy_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(d->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, JY_EDB, "数据库错误 database error: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return JY_EDB;
	}
	return 0;
}

db_stmt *db_stmt_get(db *d, const char *sql, jy_err *err)
{
	size_t h = ((size_t)(uintptr_t)sql >> 3) * 2654435761u;
	for (size_t i = 0; i < STMT_SLOTS; i++) {
		size_t slot = (h + i) & (STMT_SLOTS - 1);
		if (d->cache[slot].sql == sql)
			return &d->cache[slot].stmt;
		if (!d->cache[slot].sql) {
			sqlite3_stmt *st = NULL;
			if (sqlite3_prepare_v3(d->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
					       NULL) != SQLITE_OK) {
				fail(d, err, "prepare");
				return NULL;
			}
			d->cache[slot].sql = sql;
			d->cache[slot].stmt.st = st;
			d->cache[slot].stmt.owner = d;
			return &d->cache[slot].stmt;
		}
	}
	err_set(err, JY_EDB, "statement cache full");
	return NULL;
}

void db_bind_i64(db_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(st->st, idx, v);
}

void db_bind_double(db_stmt *st, int idx, double v)
{
	sqlite3_bind_double(st->st, idx, v);
}

void db_bind_text(db_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st->st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->st, idx);
}

void db_bind_null(db_stmt *st, int idx)
{
	sqlite3_bind_null(st->st, idx);
}

int db_step(db_stmt *st, jy_err *err)
{
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	int code = JY_EDB;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		code = JY_ECONFLICT;
	err_set(err, code, "数据库错误 database error: %s", sqlite3_errmsg(st->owner->conn));
	return code;
}

int64_t db_col_i64(db_stmt *st, int col)
{
	return sqlite3_column_int64(st->st, col);
}

double db_col_double(db_stmt *st, int col)
{
	return sqlite3_column_double(st->st, col);
}

const char *db_col_text(db_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st->st, col);
	return t ? (const char *)t : "";
}

int db_col_is_null(db_stmt *st, int col)
{
	return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

void db_done(db_stmt *st)
{
	if (!st)
		return;
	sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
}

int64_t db_changes(db *d)
{
	return sqlite3_changes64(d->conn);
}

int db_begin(db *d, jy_err *err)
{
	if (d->tx_depth++ > 0)
		return 0;
	d->tx_failed = 0;
	int rc = db_exec(d, "BEGIN IMMEDIATE", err);
	if (rc)
		d->tx_depth = 0;
	return rc;
}

int db_commit(db *d, jy_err *err)
{
	if (d->tx_depth <= 0)
		return err_set(err, JY_EDB, "commit without begin");
	if (--d->tx_depth > 0)
		return 0;
	if (d->tx_failed) {
		db_exec(d, "ROLLBACK", NULL);
		return err_set(err, JY_EDB, "transaction was rolled back");
	}
	int rc = db_exec(d, "COMMIT", err);
	if (rc)
		db_exec(d, "ROLLBACK", NULL);
	return rc;
}

void db_rollback(db *d)
{
	if (d->tx_depth <= 0)
		return;
	if (--d->tx_depth > 0) {
		d->tx_failed = 1;
		return;
	}
	db_exec(d, "ROLLBACK", NULL);
}

int db_checkpoint(db *d, jy_err *err)
{
	int rc = sqlite3_wal_checkpoint_v2(d->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return fail(d, err, "checkpoint");
	return 0;
}

void db_set_autocheckpoint(db *d, int pages)
{
	sqlite3_wal_autocheckpoint(d->conn, pages);
}

int db_backup(db *d, const char *path, jy_err *err)
{
	sqlite3 *dst = NULL;
	int rc = sqlite3_open(path, &dst);
	if (rc != SQLITE_OK) {
		err_set(err, JY_EIO, "无法写入备份 cannot write backup %s: %s", path, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return JY_EIO;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", d->conn, "main");
	if (!b) {
		err_set(err, JY_EDB, "backup failed: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return JY_EDB;
	}
	while ((rc = sqlite3_backup_step(b, 1024)) == SQLITE_OK || rc == SQLITE_BUSY ||
	       rc == SQLITE_LOCKED)
		sqlite3_sleep(5);
	sqlite3_backup_finish(b);
	int ret = 0;
	if (rc != SQLITE_DONE)
		ret = err_set(err, JY_EDB, "backup failed: %s", sqlite3_errstr(rc));
	sqlite3_close(dst);
	return ret;
}
