/*
 * backup.c — see backup.h.  SQLite only; talks to sqlite3 directly because
 * these are operations on files, not on a store.
 */
#include "store/backup.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

static int open_ro(const char *path, sqlite3 **db, jy_err *err)
{
	struct stat st;
	*db = NULL;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return err_set(err, JY_ENOENT, "没有这个数据库文件 (no such database file): %s", path);
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err_set(err, JY_EDB, "无法打开 cannot open %s: %s", path, sqlite3_errmsg(*db));
		sqlite3_close(*db);
		*db = NULL;
		return JY_EDB;
	}
	sqlite3_busy_timeout(*db, 10000);
	return 0;
}

static int64_t pragma_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int store_sqlite_copy(const char *src, const char *dst, backup_info *info, jy_err *err)
{
	sqlite3 *from = NULL, *to = NULL;
	int rc = open_ro(src, &from, err);
	if (rc)
		return rc;
	remove(dst);
	if (sqlite3_open_v2(dst, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = err_set(err, JY_EIO, "无法写入 cannot write %s: %s", dst, sqlite3_errmsg(to));
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	if (!b) {
		rc = err_set(err, JY_EDB, "备份失败 backup failed: %s", sqlite3_errmsg(to));
		goto out;
	}
	/* One step (-1): a single read transaction on the source, so the copy
	 * is one consistent snapshot and never restarts under writes. */
	int s;
	while ((s = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || s == SQLITE_LOCKED)
		sqlite3_sleep(10);
	int64_t pages = sqlite3_backup_pagecount(b);
	sqlite3_backup_finish(b);
	if (s != SQLITE_DONE) {
		rc = err_set(err, JY_EDB, "备份失败 backup failed: %s", sqlite3_errstr(s));
		goto out;
	}
	/* The copy carries the source's WAL mode; a backup file should be one
	 * self-contained file with no -wal/-shm beside it. */
	if (sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		rc = err_set(err, JY_EDB, "备份失败 backup failed: %s", sqlite3_errmsg(to));
		goto out;
	}
	if (info) {
		info->pages = pages;
		info->page_size = pragma_int(to, "PRAGMA page_size");
	}
out:
	sqlite3_close(from);
	sqlite3_close(to);
	return rc;
}

int store_sqlite_verify(const char *path, backup_info *info, jy_err *err)
{
	sqlite3 *db = NULL;
	int rc = open_ro(path, &db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = NULL;
	char result[256] = "";
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
		rc = err_set(err, JY_EFORMAT, "不是 SQLite 数据库 (not a SQLite database): %s: %s", path,
			     sqlite3_errmsg(db));
		goto out;
	}
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		snprintf(result, sizeof result, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (s != SQLITE_ROW || strcmp(result, "ok") != 0) {
		rc = err_set(err, JY_EFORMAT, "完整性检查未通过 (integrity_check failed): %s: %s", path,
			     s == SQLITE_ROW ? result : sqlite3_errmsg(db));
		goto out;
	}
	int64_t v = pragma_int(db, "SELECT MAX(version) FROM schema_version");
	if (v < 1) {
		rc = err_set(err, JY_EFORMAT, "不是金云数据库 (not a Jinyun database: no schema_version): %s",
			     path);
		goto out;
	}
	if (info) {
		info->schema_version = (int)v;
		info->pages = pragma_int(db, "PRAGMA page_count");
		info->page_size = pragma_int(db, "PRAGMA page_size");
	}
out:
	sqlite3_close(db);
	return rc;
}

int store_sqlite_settle(const char *path, jy_err *err)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;   /* nothing to settle */
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		err_set(err, JY_EDB, "无法打开 cannot open %s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return JY_EDB;
	}
	sqlite3_busy_timeout(db, 10000);
	char *msg = NULL;
	int rc = 0;
	if (sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, &msg) != SQLITE_OK)
		rc = err_set(err, JY_EDB, "无法合并日志 (checkpoint failed) %s: %s", path, msg ? msg : "?");
	sqlite3_free(msg);
	sqlite3_close(db);
	return rc;
}
