/*
 * store.c — opening a store, migrations, transactions.
 *
 * Migrations are the files src/store/migrations/NNN_name.sql, embedded in the
 * binary at build time (scripts/embed.py → migrations table, sorted by name).
 * The number before the '_' is the schema version.  Every migration whose
 * number is not recorded yet is applied, in order of name.  Each
 * runs in its own transaction together with the row that records it in
 * schema_version, so a migration is applied whole or not at all; running
 * `init` twice, or starting the server on a current database, changes nothing.
 */
#include "store/db_int.h"
#include "store/store_int.h"

#include <stdlib.h>

#include "util/embed.h"

extern const struct embed_file migrations[];
extern const unsigned long migrations_count;

static int migration_version(const char *name)
{
	return atoi(name);
}

int store_schema_latest(void)
{
	int v = 0;
	for (unsigned long i = 0; i < migrations_count; i++)
		if (migration_version(migrations[i].name) > v)
			v = migration_version(migrations[i].name);
	return v;
}

int store_one_id(db_stmt *st, int64_t *id, jy_err *err)
{
	int rc = db_step(st, err);
	if (rc == 1) {
		if (id)
			*id = db_col_i64(st, 0);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "not found");
	}
	db_done(st);
	return rc;
}

int store_each_id_text(db_stmt *st, int (*cb)(void *ctx, int64_t id, const char *text), void *ctx,
		       jy_err *err)
{
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_i64(st, 0), db_col_text(st, 1)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_open(const char *url, store **out, jy_err *err)
{
	*out = NULL;
	store *s = calloc(1, sizeof *s);
	if (!s)
		return err_set(err, JY_ENOMEM, "out of memory");
	s->url = strdup(url);
	int rc = s->url ? db_open(url, &s->db, err) : err_set(err, JY_ENOMEM, "out of memory");
	if (!rc)
		rc = store_migrate(s, NULL, NULL, err);
	if (rc) {
		store_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void store_close(store *s)
{
	if (!s)
		return;
	db_close(s->db);
	free(s->url);
	free(s->gate);
	free(s);
}

int store_open_again(store *s, store **out, jy_err *err)
{
	*out = NULL;
	if (s->db->tx_depth > 0 || strcmp(db_backend(s->db), "sqlite") || !s->url[0] ||
	    !strcmp(s->url, ":memory:") || !strncmp(s->url, "file:", 5))
		return err_set(err, JY_EINVAL, "no second connection here");
	int rc = store_open(s->url, out, err);
	/* It reads a pass over the data: a small page cache, reused, instead
	 * of up to 64 MiB allocated and first touched page by page. */
	if (!rc && (rc = db_exec((*out)->db, "PRAGMA cache_size=-2048", err))) {
		store_close(*out);
		*out = NULL;
	}
	return rc;
}

int store_page_cache(store *s, int64_t kib, int64_t *was, jy_err *err)
{
	static const char sql[] = "PRAGMA cache_size";
	*was = 0;
	if (strcmp(db_backend(s->db), "sqlite"))
		return 0;
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int rc = store_one_id(st, was, err);
	if (rc)
		return rc;
	char set[64];
	snprintf(set, sizeof set, "PRAGMA cache_size=%lld", (long long)(kib > 0 ? -kib : kib));
	/* negative: KiB, as this store always sets it */
	return db_exec(s->db, set, err);
}

const char *store_backend(const store *s)
{
	return db_backend(s->db);
}

int store_schema_version(store *s, int *version, jy_err *err)
{
	static const char sql[] = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
	*version = 0;
	int rc = db_exec(s->db,
			 "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
			 "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
			 err);
	if (rc)
		return rc;
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int64_t v = 0;
	rc = store_one_id(st, &v, err);
	*version = (int)v;
	return rc;
}

/* Has migration v been applied?  Each is recorded by its own number, so a
 * migration merged later with a lower number than one already applied is
 * still applied (branches land in any order). */
static int migration_applied(store *s, int v, int *applied, jy_err *err)
{
	static const char sql[] = "SELECT COUNT(*) FROM schema_version WHERE version = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, v);
	int64_t n = 0;
	int rc = store_one_id(st, &n, err);
	*applied = n > 0;
	return rc;
}

static int migrate(store *s, int *from, int *to, jy_err *err);

/* On PostgreSQL, processes that open the same new database at once (a
 * server's pool, a CLI beside it) migrate one after another: a session
 * advisory lock serialises them.  SQLite's write lock does this by itself. */
int store_migrate(store *s, int *from, int *to, jy_err *err)
{
	int pg = !strcmp(db_backend(s->db), "postgres");
	if (pg) {
		int rc = db_exec(s->db, "SELECT pg_advisory_lock(4242001)", err);
		if (rc)
			return rc;
	}
	int rc = migrate(s, from, to, err);
	if (pg)
		db_exec(s->db, "SELECT pg_advisory_unlock(4242001)", NULL);
	return rc;
}

static int migrate(store *s, int *from, int *to, jy_err *err)
{
	static const char ins[] = "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)";
	int cur = 0;
	int rc = store_schema_version(s, &cur, err);
	if (rc)
		return rc;
	if (from)
		*from = cur;
	if (cur > store_schema_latest())
		return err_set(err, JY_EDB,
			       "数据库版本 %d 比程序新 (database schema %d is newer than this binary's %d)",
			       cur, cur, store_schema_latest());
	for (unsigned long i = 0; i < migrations_count; i++) {
		int v = migration_version(migrations[i].name);
		int applied = 0;
		rc = migration_applied(s, v, &applied, err);
		if (rc)
			return rc;
		if (applied)
			continue;
		char *sql = db_dialect_sql(s->db, (const char *)migrations[i].data);
		if (!sql)
			return err_set(err, JY_ENOMEM, "out of memory");
		rc = db_begin(s->db, err);
		if (!rc)
			rc = db_exec(s->db, sql, err);
		free(sql);
		if (!rc) {
			db_stmt *st = db_stmt_get(s->db, ins, err);
			if (!st) {
				rc = JY_EDB;
			} else {
				db_bind_i64(st, 1, v);
				db_bind_text(st, 2, migrations[i].name);
				db_bind_i64(st, 3, now_s());
				rc = db_step(st, err);
				db_done(st);
			}
		}
		if (rc) {
			db_rollback(s->db);
			char msg[sizeof err->msg];
			snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
			return err_set(err, rc, "迁移失败 migration %s failed: %s", migrations[i].name, msg);
		}
		rc = db_commit(s->db, err);
		if (rc)
			return rc;
		if (v > cur)
			cur = v;
	}
	if (to)
		*to = cur;
	return 0;
}

int store_begin(store *s, jy_err *err)
{
	return db_begin(s->db, err);
}

int store_commit(store *s, jy_err *err)
{
	int rc = db_commit(s->db, err);
	if (rc) /* rolled back: the gate cache may hold what was not stored */
		store_gate_cache_drop(s);
	return rc;
}

void store_rollback(store *s)
{
	store_gate_cache_drop(s);
	db_rollback(s->db);
}

int store_backup(store *s, const char *path, jy_err *err)
{
	return db_backup(s->db, path, err);
}

int store_checkpoint(store *s, jy_err *err)
{
	return db_checkpoint(s->db, err);
}

void store_set_autocheckpoint(store *s, int pages)
{
	db_set_autocheckpoint(s->db, pages);
}

int store_log_fd(store *s, jy_err *err)
{
	return db_log_fd(s->db, err);
}

int store_set_durable(store *s, jy_err *err)
{
	if (!strcmp(db_backend(s->db), "sqlite"))
		return db_exec(s->db, "PRAGMA synchronous=FULL", err);
	return 0;
}
