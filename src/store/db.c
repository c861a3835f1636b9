/*
 * db.c — the backend-neutral half of db.h: db_open picks the backend by the
 * form of the URL (postgresql:// or postgres:// → PostgreSQL, anything else
 * is a SQLite file path), every other call goes to the backend through its
 * table of operations, and transactions nest by counting here, once for
 * both backends.
 */
#include "store/db_int.h"

#include <stdlib.h>
#include <string.h>

int db_is_postgres_url(const char *url)
{
	return url && (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11));
}

int db_open(const char *url, db **out, jy_err *err)
{
	*out = NULL;
	if (!url || !*url)
		return err_set(err, JY_EINVAL, "未指定数据库 (no database given)");
	if (db_is_postgres_url(url)) {
#ifdef JINYUN_HAVE_PQ
		return db_pg_open(url, out, err);
#else
		return err_set(err, JY_EINVAL,
			       "此版本未编译 PostgreSQL 支持 (built without PostgreSQL support): %s", url);
#endif
	}
	return db_sqlite_open(url, out, err);
}

void db_close(db *d)
{
	if (d)
		d->ops->close(d);
}

const char *db_backend(const db *d)
{
	return d->ops->name;
}

int db_exec(db *d, const char *sql, jy_err *err)
{
	return d->ops->exec(d, sql, err);
}

db_stmt *db_stmt_get(db *d, const char *sql, jy_err *err)
{
	return d->ops->stmt_get(d, sql, err);
}

void db_bind_i64(db_stmt *st, int idx, int64_t v)
{
	st->owner->ops->bind_i64(st, idx, v);
}

void db_bind_double(db_stmt *st, int idx, double v)
{
	st->owner->ops->bind_double(st, idx, v);
}

void db_bind_text(db_stmt *st, int idx, const char *s)
{
	st->owner->ops->bind_text(st, idx, s);
}

void db_bind_text_static(db_stmt *st, int idx, const char *s)
{
	if (st->owner->ops->bind_text_static)
		st->owner->ops->bind_text_static(st, idx, s);
	else
		st->owner->ops->bind_text(st, idx, s);
}

void db_bind_null(db_stmt *st, int idx)
{
	st->owner->ops->bind_null(st, idx);
}

int db_step(db_stmt *st, jy_err *err)
{
	return st->owner->ops->step(st, err);
}

int64_t db_col_i64(db_stmt *st, int col)
{
	return st->owner->ops->col_i64(st, col);
}

double db_col_double(db_stmt *st, int col)
{
	return st->owner->ops->col_double(st, col);
}

const char *db_col_text(db_stmt *st, int col)
{
	return st->owner->ops->col_text(st, col);
}

int db_col_is_null(db_stmt *st, int col)
{
	return st->owner->ops->col_is_null(st, col);
}

void db_done(db_stmt *st)
{
	if (st)
		st->owner->ops->done(st);
}

int64_t db_changes(db *d)
{
	return d->ops->changes(d);
}

int db_has_last_id(const db *d)
{
	return d->ops->last_id != NULL;
}

int64_t db_last_id(db *d)
{
	return d->ops->last_id ? d->ops->last_id(d) : 0;
}

int64_t db_data_version(db *d)
{
	if (d->tx_depth > 0 && d->tx_data_version >= 0)
		return d->tx_data_version;
	int64_t v = d->ops->data_version ? d->ops->data_version(d) : -1;
	if (d->tx_depth > 0)
		d->tx_data_version = v;
	return v;
}

int db_begin(db *d, jy_err *err)
{
	if (d->tx_depth++ > 0)
		return 0;
	d->tx_failed = 0;
	d->tx_data_version = -1;
	int rc = db_exec(d, d->ops->begin_sql, err);
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
	return d->ops->checkpoint(d, err);
}

void db_set_autocheckpoint(db *d, int pages)
{
	d->ops->set_autocheckpoint(d, pages);
}

int db_log_fd(db *d, jy_err *err)
{
	return d->ops->log_fd ? d->ops->log_fd(d, err) : -1;
}

int db_backup(db *d, const char *path, jy_err *err)
{
	return d->ops->backup(d, path, err);
}

char *db_query_text(const db *d, const char *sql)
{
	if (!strstr(sql, "-- @"))
		return (char *)sql;
	return db_dialect_sql(d, sql);
}
