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
#include "store/db_int.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define STMT_SLOTS 256 /* power of two; more distinct statements than the store has */

typedef struct lite_stmt {
	db_stmt base;
	sqlite3_stmt *st;
} lite_stmt;

typedef struct lite {
	db base;
	sqlite3 *conn;
	/* BEGIN IMMEDIATE, COMMIT, ROLLBACK: prepared once (a batch of the
	 * writer, and every write of the pool, begins and commits). */
	sqlite3_stmt *tx[3];
	struct {
		const char *sql;
		lite_stmt stmt;
	} cache[STMT_SLOTS];
} lite;

static const struct db_ops lite_ops;

#define L(d) ((lite *)(d))
#define S(s) (((lite_stmt *)(s))->st)
#define CONN(s) (L((s)->owner)->conn)

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

static int fail(lite *d, jy_err *err, const char *what)
{
	return err_set(err, JY_EDB, "数据库错误 database error (%s): %s", what,
		       d && d->conn ? sqlite3_errmsg(d->conn) : "cannot open");
}

static void lite_close(db *bd)
{
	lite *d = L(bd);
	for (int i = 0; i < STMT_SLOTS; i++)
		if (d->cache[i].stmt.st)
			sqlite3_finalize(d->cache[i].stmt.st);
	for (int i = 0; i < 3; i++)
		sqlite3_finalize(d->tx[i]);
	sqlite3_close(d->conn);
	free(d);
}

/*
 * SQLite's allocations.  Debian builds SQLite without lookaside, so every
 * statement step allocates from the heap, and with SQLite's memory
 * statistics on, each allocation and free also takes one global mutex:
 * about a tenth of the instructions of a gate reading (callgrind).  The
 * statistics are turned off and this allocator counts the bytes instead,
 * with one atomic add (jinyun_sqlite_memory_bytes in /metrics).  Set once,
 * before SQLite is first used; if something used it earlier, SQLite keeps
 * its own allocator and statistics, and lite_memory_used asks it.
 */
static atomic_llong lite_heap;
static int lite_counting;

static void *lite_malloc(int n)
{
	void *p = malloc((size_t)n);
	if (p)
		atomic_fetch_add_explicit(&lite_heap, (long long)malloc_usable_size(p), memory_order_relaxed);
	return p;
}

static void lite_free(void *p)
{
	if (p)
		atomic_fetch_sub_explicit(&lite_heap, (long long)malloc_usable_size(p), memory_order_relaxed);
	free(p);
}

static void *lite_realloc(void *p, int n)
{
	long long before = p ? (long long)malloc_usable_size(p) : 0;
	void *q = realloc(p, (size_t)n);
	if (q)
		atomic_fetch_add_explicit(&lite_heap, (long long)malloc_usable_size(q) - before,
					  memory_order_relaxed);
	return q;
}

static int lite_size(void *p)
{
	return p ? (int)malloc_usable_size(p) : 0;
}

static int lite_roundup(int n)
{
	return (n + 7) & ~7;
}

static int lite_mem_init(void *arg)
{
	(void)arg;
	return SQLITE_OK;
}

static void lite_mem_shutdown(void *arg)
{
	(void)arg;
}

static void lite_configure(void)
{
	static const sqlite3_mem_methods m = { lite_malloc, lite_free, lite_realloc, lite_size,
					       lite_roundup, lite_mem_init, lite_mem_shutdown, NULL };
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK &&
	    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK)
		lite_counting = 1;
}

int64_t lite_memory_used(void)
{
	return lite_counting ? (int64_t)atomic_load_explicit(&lite_heap, memory_order_relaxed) :
			       (int64_t)sqlite3_memory_used();
}

/* Which of BEGIN IMMEDIATE, COMMIT, ROLLBACK sql is (-1: another). */
static const char *const tx_sql[3] = { "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK" };

static int tx_index(const char *sql)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(sql, tx_sql[i]))
			return i;
	return -1;
}

/* Run tx_sql[i] from its prepared statement: 0 or JY_EDB. */
static int lite_tx_exec(lite *d, int i, jy_err *err)
{
	if (!d->tx[i] && sqlite3_prepare_v3(d->conn, tx_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &d->tx[i],
					    NULL) != SQLITE_OK)
		return fail(d, err, "prepare");
	int rc = sqlite3_step(d->tx[i]);
	sqlite3_reset(d->tx[i]);
	if (rc != SQLITE_DONE)
		return err_set(err, JY_EDB, "数据库错误 database error: %s", sqlite3_errmsg(d->conn));
	return 0;
}

static int lite_exec(db *d, const char *sql, jy_err *err)
{
	int tx = tx_index(sql);
	if (tx >= 0)
		return lite_tx_exec(L(d), tx, err);
	char *msg = NULL;
	if (sqlite3_exec(L(d)->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, JY_EDB, "数据库错误 database error: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return JY_EDB;
	}
	return 0;
}

int db_sqlite_open(const char *path, db **out, jy_err *err)
{
	*out = NULL;
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	pthread_once(&configured, lite_configure);
	lite *d = calloc(1, sizeof *d);
	if (!d)
		return err_set(err, JY_ENOMEM, "out of memory");
	d->base.ops = &lite_ops;
	int rc = sqlite3_open_v2(path, &d->conn,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(err, JY_EDB, "无法打开数据库 cannot open database %s: %s", path,
			d->conn ? sqlite3_errmsg(d->conn) : sqlite3_errstr(rc));
		lite_close(&d->base);
		return JY_EDB;
	}
	sqlite3_busy_handler(d->conn, busy_wait, NULL);
	sqlite3_extended_result_codes(d->conn, 1);
	rc = lite_exec(&d->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
			"PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
		       err);
	if (rc) {
		lite_close(&d->base);
		return rc;
	}
	*out = &d->base;
	return 0;
}

static db_stmt *lite_stmt_get(db *bd, const char *sql, jy_err *err)
{
	lite *d = L(bd);
	size_t h = db_cache_hash(sql);
	for (size_t i = 0; i < STMT_SLOTS; i++) {
		size_t slot = (h + i) & (STMT_SLOTS - 1);
		if (d->cache[slot].sql == sql)
			return &d->cache[slot].stmt.base;
		if (!d->cache[slot].sql) {
			char *text = db_query_text(bd, sql);
			if (!text) {
				err_set(err, JY_ENOMEM, "out of memory");
				return NULL;
			}
			sqlite3_stmt *st = NULL;
			int rc = sqlite3_prepare_v3(d->conn, text, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
			if (text != sql)
				free(text);
			if (rc != SQLITE_OK) {
				fail(d, err, "prepare");
				return NULL;
			}
			d->cache[slot].sql = sql;
			d->cache[slot].stmt.st = st;
			d->cache[slot].stmt.base.owner = bd;
			return &d->cache[slot].stmt.base;
		}
	}
	err_set(err, JY_EDB, "statement cache full");
	return NULL;
}

static void lite_bind_i64(db_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(S(st), idx, v);
}

static void lite_bind_double(db_stmt *st, int idx, double v)
{
	sqlite3_bind_double(S(st), idx, v);
}

static void lite_bind_text(db_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(S(st), idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(S(st), idx);
}

static void lite_bind_text_static(db_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(S(st), idx, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(S(st), idx);
}

static void lite_bind_null(db_stmt *st, int idx)
{
	sqlite3_bind_null(S(st), idx);
}

static int lite_step(db_stmt *st, jy_err *err)
{
	int rc = sqlite3_step(S(st));
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	int code = JY_EDB;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		code = JY_ECONFLICT;
	err_set(err, code, "数据库错误 database error: %s", sqlite3_errmsg(CONN(st)));
	return code;
}

static int64_t lite_col_i64(db_stmt *st, int col)
{
	return sqlite3_column_int64(S(st), col);
}

static double lite_col_double(db_stmt *st, int col)
{
	return sqlite3_column_double(S(st), col);
}

static const char *lite_col_text(db_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(S(st), col);
	return t ? (const char *)t : "";
}

static int lite_col_is_null(db_stmt *st, int col)
{
	return sqlite3_column_type(S(st), col) == SQLITE_NULL;
}

static void lite_done(db_stmt *st)
{
	sqlite3_reset(S(st));
	sqlite3_clear_bindings(S(st));
}

static int64_t lite_changes(db *d)
{
	return sqlite3_changes64(L(d)->conn);
}

static int64_t lite_last_id(db *d)
{
	return sqlite3_last_insert_rowid(L(d)->conn);
}

static int64_t lite_data_version(db *d)
{
	static const char sql[] = "PRAGMA data_version";
	db_stmt *st = lite_stmt_get(d, sql, NULL);
	if (!st)
		return -1;
	int64_t v = -1;
	if (sqlite3_step(S(st)) == SQLITE_ROW)
		v = sqlite3_column_int64(S(st), 0);
	lite_done(st);
	return v;
}

/* The log is restarted from its beginning by a writer that begins when
 * every frame has been checkpointed and no reader uses the log.  SQLite's
 * own checkpoints run inside a commit, so the same connection's next write
 * usually finds it so; a checkpointer of its own, beside writers that
 * commit back to back, never does: the log then grew without end (3.4 GB
 * in a 5-minute soak, 15 MB/s) and its index with it in every process's
 * memory.  So once the log holds LOG_RESTART_FRAMES, the checkpointer asks
 * for a RESTART checkpoint, which waits for the writer and the readers —
 * for at most ~2 ms (restart_busy), so writers are held up no longer than
 * that and the copy; if it cannot, the next tick tries again. */
#define LOG_RESTART_FRAMES 4096 /* 16 MiB of 4 KiB pages */

static int restart_busy(void *arg, int count)
{
	(void)arg;
	if (count >= 20)
		return 0;
	struct timespec ts = { 0, 100 * 1000L };
	nanosleep(&ts, NULL);
	return 1;
}

static int lite_checkpoint(db *d, jy_err *err)
{
	sqlite3 *c = L(d)->conn;
	int frames = 0;
	int rc = sqlite3_wal_checkpoint_v2(c, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, NULL);
	if (rc == SQLITE_OK && frames >= LOG_RESTART_FRAMES) {
		sqlite3_busy_handler(c, restart_busy, NULL);
		rc = sqlite3_wal_checkpoint_v2(c, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
		sqlite3_busy_handler(c, busy_wait, NULL);
	}
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return fail(L(d), err, "checkpoint");
	return 0;
}

static void lite_set_autocheckpoint(db *d, int pages)
{
	sqlite3_wal_autocheckpoint(L(d)->conn, pages);
}

/* A descriptor of our own on the connection's write-ahead log.  The log
 * exists while any connection is open in WAL mode (a read creates it), and
 * the caller's connection stays open as long as the descriptor is used, so
 * it is the same file throughout: a checkpoint rewrites or truncates it in
 * place, never replaces it. */
static int lite_log_fd(db *d, jy_err *err)
{
	sqlite3 *c = L(d)->conn;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(c, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) == SQLITE_OK)
		sqlite3_step(st);
	sqlite3_finalize(st);
	const char *file = sqlite3_db_filename(c, "main");
	if (!file || !*file)
		return err_set(err, JY_EINVAL, "an in-memory database has no log"), -1;
	const char *wal = sqlite3_filename_wal(file);
	int fd = open(wal, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		err_set(err, JY_EIO, "无法打开日志 cannot open the log %s: %s", wal, strerror(errno));
	else if (lite_exec(d, "PRAGMA synchronous=NORMAL", err)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int lite_backup(db *d, const char *path, jy_err *err)
{
	sqlite3 *dst = NULL;
	int rc = sqlite3_open(path, &dst);
	if (rc != SQLITE_OK) {
		err_set(err, JY_EIO, "无法写入备份 cannot write backup %s: %s", path, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return JY_EIO;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", L(d)->conn, "main");
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

static const struct db_ops lite_ops = {
	.name = "sqlite",
	.begin_sql = "BEGIN IMMEDIATE",
	.close = lite_close,
	.exec = lite_exec,
	.stmt_get = lite_stmt_get,
	.bind_i64 = lite_bind_i64,
	.bind_double = lite_bind_double,
	.bind_text = lite_bind_text,
	.bind_text_static = lite_bind_text_static,
	.bind_null = lite_bind_null,
	.step = lite_step,
	.col_i64 = lite_col_i64,
	.col_double = lite_col_double,
	.col_text = lite_col_text,
	.col_is_null = lite_col_is_null,
	.done = lite_done,
	.changes = lite_changes,
	.last_id = lite_last_id,
	.data_version = lite_data_version,
	.checkpoint = lite_checkpoint,
	.set_autocheckpoint = lite_set_autocheckpoint,
	.backup = lite_backup,
	.log_fd = lite_log_fd,
};
