/*
 * testutil.h — helpers for the cmocka tests: temporary files and folders,
 * where the shared third-party data is, running the jinyun binary.
 */
#ifndef JY_TESTUTIL_H
#define JY_TESTUTIL_H

#include <stddef.h>

/* The shared data folder ($JINYUN_DATA, default ../shared/data), or NULL and
 * a "skipped: …" message on stderr when it is absent. */
const char *tu_data_dir(void);

/* The shared data file rel ($JINYUN_DATA/rel), malloc'd, or NULL and a
 * "skipped: …" message on stderr when it is absent. */
char *tu_data_file(const char *rel);

/* A fresh temporary directory (removed by tu_rmtree); path is static per call. */
char *tu_tmpdir(void);
void tu_rmtree(const char *path);
/* tu_rmtree(dir), then free(dir): the end of every fixture's teardown. */
void tu_rmtree_free(char *dir);

/* Write len bytes (or strlen when len == (size_t)-1) to dir/name; returns a
 * malloc'd path. */
char *tu_write_file(const char *dir, const char *name, const void *data, size_t len);

/* Read a whole file; malloc'd, NUL-terminated; *len set when non-NULL. */
char *tu_read_file(const char *path, size_t *len);

/*
 * A fresh database for a test, written into buf: the file dir/name (SQLite)
 * or, when $JINYUN_TEST_PG names a PostgreSQL cluster (e.g.
 * postgresql://postgres@127.0.0.1:5433/, see tests/pg-cluster.sh), the URL
 * of a new empty database there, which tu_rmtree(dir) drops.  Aborts the
 * test when the database cannot be created.
 */
void tu_db(char *buf, size_t size, const char *dir, const char *name);

/* Run SQL without results on the database tu_db gave (either backend);
 * 0 or -1 with the error on stderr. */
int tu_sql(const char *db, const char *sql);

/* Is the suite running against PostgreSQL ($JINYUN_TEST_PG set)? */
int tu_pg(void);

/* Path to the jinyun binary ($JINYUN_BIN). */
const char *tu_jinyun_bin(void);

/* Run a shell command line; capture stdout and stderr (malloc'd) and return
 * the exit status (or -1).  stdin_data may be NULL. */
int tu_run(const char *cmdline, const char *stdin_data, char **out, char **err);

/* tu_run() that prints the command and its output when it fails; *out (when
 * out is non-NULL) gets stdout.  Returns the exit status. */
int tu_run_ok(const char *cmdline, const char *stdin_data, char **out);

/* tu_run of `jinyun ARGS --db url` (args already quoted for the shell). */
int tu_jinyun(const char *url, const char *args, char **out, char **err);

/* Write text to dir/name and run `jinyun import KIND --db url dir/name`;
 * the exit status (0 on success; the output on stderr otherwise). */
int tu_import(const char *url, const char *dir, const char *kind, const char *name,
	      const char *text);

/* Run `jinyun user add --db url --name name --role role [--scope scope]`
 * with password on stdin; the exit status. */
int tu_user_add(const char *url, const char *name, const char *role, const char *scope,
		const char *password);

/* A temporary school: a fresh directory (*dir, malloc'd; NULL on failure),
 * the database dbname in it (tu_db into url) and roster_csv imported as its
 * roster by the binary.  The import's exit status, or -1. */
int tu_school(char **dir, char *url, size_t size, const char *dbname, const char *roster_csv);

#endif
