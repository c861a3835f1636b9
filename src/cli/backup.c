/*
 * backup.c — `jinyun backup` and `jinyun restore`.
 *
 * SQLite: the online backup API copies a consistent snapshot while the
 * server keeps serving; the copy is written beside the target, checked
 * (PRAGMA integrity_check, a schema_version) and only then renamed into
 * place, so a failed backup never leaves a half file under the final name.
 * Restore refuses while a server holds the database (PATH.lock, taken by
 * `jinyun serve`), checks the backup, copies it beside the database, checks
 * the copy, folds the old database's write-ahead log away, keeps the old
 * file as PATH.before-restore and renames the copy into place (atomic).
 *
 * PostgreSQL (postgresql:// URLs): pg_dump -Fc and pg_restore --clean
 * --if-exists --single-transaction, run without a shell.  Stop the server
 * before a PostgreSQL restore; nothing here can see a remote server's pool.
 *
 * Backups hold personal data and the sharing key: files are made 0600.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/backup.h"
#include "store/store.h"
#include "util/lockfile.h"

static const char backup_usage[] =
	"用法 usage: jinyun backup --db PATH|postgresql://… --out FILE\n"
	"在线备份：服务运行时也可执行 (online: safe while the server is serving).\n"
	"SQLite: online backup API, checked with integrity_check; PostgreSQL: pg_dump -Fc.\n";
static const char restore_usage[] =
	"用法 usage: jinyun restore --db PATH|postgresql://… --from FILE\n"
	"从备份恢复。SQLite：服务运行时拒绝（先 systemctl stop jinyun）；先检查备份完整性，\n"
	"原库保留为 PATH.before-restore，新库原子替换。PostgreSQL：pg_restore --clean（先停止服务）。\n"
	"Restore from a backup.  SQLite: refused while a server uses the database (stop it\n"
	"first); the backup is checked, the old file kept as PATH.before-restore, and the new\n"
	"one renamed into place atomically.  PostgreSQL: pg_restore --clean (stop the server first).\n";

static int is_pg(const char *url)
{
	return !strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13);
}

static double now_mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Run argv (no shell); 0 when it exited 0. */
static int run_tool(char *const argv[], jy_err *err)
{
	pid_t pid = fork();
	if (pid < 0)
		return err_set(err, JY_EIO, "fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "jinyun: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return err_set(err, JY_EIO, "%s 失败 (failed, exit status %d)%s", argv[0],
			       WIFEXITED(st) ? WEXITSTATUS(st) : -1,
			       WIFEXITED(st) && WEXITSTATUS(st) == 127 ?
				       " — 未安装？apt-get install postgresql-client" : "");
	return 0;
}

static int parse(int argc, char **argv, const char *usage, const char **db, const char **file,
		 int file_opt)
{
	static const struct option opts[] = { { "db", required_argument, 0, 'd' },
					      { "out", required_argument, 0, 'o' },
					      { "from", required_argument, 0, 'f' },
					      { "help", no_argument, 0, 'h' },
					      { 0, 0, 0, 0 } };
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'd')
			*db = optarg;
		else if (c == file_opt)
			*file = optarg;
		else if (c == 'h') {
			fputs(usage, stdout);
			return 1;
		} else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc || !*file) {
		fputs(usage, stderr);
		return 2;
	}
	return 0;
}

int cmd_backup(int argc, char **argv)
{
	const char *db = JY_DEFAULT_DB, *out = NULL;
	int p = parse(argc, argv, backup_usage, &db, &out, 'o');
	if (p)
		return p == 1 ? 0 : 2;
	jy_err err;
	err_clear(&err);
	struct stat a, b;
	if (!is_pg(db) && stat(db, &a) == 0 && stat(out, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return cli_fail("backup", "--out 不能是数据库本身 (--out is the database itself): %s", out);
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp-%ld", out, (long)getpid()) >= sizeof tmp)
		return cli_fail("backup", "路径过长 (path too long)");
	double t0 = now_mono();
	mode_t old = umask(077);
	int rc;
	backup_info info = { 0, 0, 0 };
	if (is_pg(db)) {
		char dbarg[4200];
		snprintf(dbarg, sizeof dbarg, "--dbname=%s", db);
		char *av[] = { "pg_dump", "-Fc", "--no-owner", "-f", tmp, dbarg, NULL };
		rc = run_tool(av, &err);
	} else {
		rc = store_sqlite_copy(db, tmp, &info, &err);
		if (!rc)
			rc = store_sqlite_verify(tmp, &info, &err);
	}
	umask(old);
	if (!rc && rename(tmp, out) != 0)
		rc = err_set(&err, JY_EIO, "无法改名 cannot rename %s to %s: %s", tmp, out, strerror(errno));
	if (rc) {
		unlink(tmp);
		return cli_fail("backup", "%s", err.msg);
	}
	struct stat st;
	long long bytes = stat(out, &st) == 0 ? (long long)st.st_size : -1;
	printf("已备份 backed up %s → %s: %lld bytes", db, out, bytes);
	if (!is_pg(db))
		printf(", schema %d, integrity ok", info.schema_version);
	printf(", %.3f s\n", now_mono() - t0);
	return 0;
}

static int restore_sqlite(const char *db, const char *from, jy_err *err)
{
	backup_info info;
	int rc = store_sqlite_verify(from, &info, err);
	if (rc)
		return rc;
	if (info.schema_version > store_schema_latest())
		return err_set(err, JY_EINVAL,
			       "备份的数据库版本 %d 比程序新 (backup schema %d is newer than this binary's %d)",
			       info.schema_version, info.schema_version, store_schema_latest());
	int lock = -1;
	long holder = 0;
	rc = lockfile_take(db, &lock, &holder, err);
	if (rc)
		return rc;
	char tmp[4096], keep[4096], side[4200];
	snprintf(tmp, sizeof tmp, "%s.restore-%ld", db, (long)getpid());
	snprintf(keep, sizeof keep, "%s.before-restore", db);
	mode_t old = umask(077);
	rc = store_sqlite_copy(from, tmp, NULL, err);
	umask(old);
	if (!rc)
		rc = store_sqlite_verify(tmp, NULL, err);
	if (!rc)
		rc = store_sqlite_settle(db, err);
	struct stat st;
	if (!rc && stat(db, &st) == 0 && rename(db, keep) != 0)
		rc = err_set(err, JY_EIO, "无法保留原库 cannot keep %s as %s: %s", db, keep, strerror(errno));
	if (!rc) {
		/* The old file's log and index must not meet the new file. */
		snprintf(side, sizeof side, "%s-wal", db);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", db);
		unlink(side);
		if (rename(tmp, db) != 0)
			rc = err_set(err, JY_EIO, "无法替换 cannot rename %s to %s: %s", tmp, db,
				     strerror(errno));
	}
	if (rc)
		unlink(tmp);
	lockfile_release(lock);
	return rc;
}

int cmd_restore(int argc, char **argv)
{
	const char *db = JY_DEFAULT_DB, *from = NULL;
	int p = parse(argc, argv, restore_usage, &db, &from, 'f');
	if (p)
		return p == 1 ? 0 : 2;
	jy_err err;
	err_clear(&err);
	double t0 = now_mono();
	int rc;
	if (is_pg(db)) {
		char dbarg[4200];
		snprintf(dbarg, sizeof dbarg, "--dbname=%s", db);
		char *av[] = { "pg_restore", "--clean", "--if-exists", "--no-owner",
			       "--single-transaction", dbarg, (char *)from, NULL };
		rc = run_tool(av, &err);
	} else {
		rc = restore_sqlite(db, from, &err);
	}
	if (rc)
		return cli_fail("restore", "%s", err.msg);
	printf("已恢复 restored %s from %s%s, %.3f s\n", db, from,
	       is_pg(db) ? "" : " (原库保留为 old file kept as .before-restore)", now_mono() - t0);
	return 0;
}
