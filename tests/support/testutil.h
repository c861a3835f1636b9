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

/* A fresh temporary directory (removed by tu_rmtree); path is static per call. */
char *tu_tmpdir(void);
void tu_rmtree(const char *path);

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

#endif
