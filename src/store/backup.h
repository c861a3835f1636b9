/*
 * backup.h — the file-level operations behind `jinyun backup` and
 * `jinyun restore` for SQLite databases (PostgreSQL uses pg_dump and
 * pg_restore, see src/cli/backup.c).
 *
 * A copy is made with the SQLite online backup API in one step: it reads a
 * consistent snapshot while the server keeps writing (WAL lets the writer
 * go on), and it never copies a half-written page.
 */
#ifndef JY_STORE_BACKUP_H
#define JY_STORE_BACKUP_H

#include <stdint.h>

#include "util/err.h"

typedef struct backup_info {
	int64_t pages, page_size;
	int schema_version;
} backup_info;

/* Copy the SQLite database at src to dst (created or replaced) with the
 * online backup API; src is opened read-only and must exist. */
int store_sqlite_copy(const char *src, const char *dst, backup_info *info, jy_err *err);

/* Check a SQLite file: it opens read-only, PRAGMA integrity_check says ok,
 * and it is a Jinyun database (schema_version); info filled. */
int store_sqlite_verify(const char *path, backup_info *info, jy_err *err);

/* Fold the write-ahead log of the database at path into it and remove the
 * log (PRAGMA wal_checkpoint(TRUNCATE)), before the file is replaced. */
int store_sqlite_settle(const char *path, jy_err *err);

#endif
