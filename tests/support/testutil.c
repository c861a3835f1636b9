/*
 * testutil.c — see testutil.h.
 */
#include "testutil.h"

#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef JINYUN_HAVE_PQ
#include <libpq-fe.h>
#endif

const char *tu_data_dir(void)
{
	const char *d = getenv("JINYUN_DATA");
	if (!d || !*d)
		d = "../shared/data";
	struct stat st;
	if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "skipped: shared data not found at %s (set JINYUN_DATA)\n", d);
		return NULL;
	}
	return d;
}

char *tu_data_file(const char *rel)
{
	const char *dir = tu_data_dir();
	if (!dir)
		return NULL;
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", dir, rel);
	FILE *f = fopen(p, "r");
	if (!f) {
		fprintf(stderr, "skipped: %s not found\n", p);
		free(p);
		return NULL;
	}
	fclose(f);
	return p;
}

char *tu_tmpdir(void)
{
	char tmpl[] = "/tmp/jinyun-test-XXXXXX";
	char *d = mkdtemp(tmpl);
	return d ? strdup(d) : NULL;
}

int tu_pg(void)
{
	const char *u = getenv("JINYUN_TEST_PG");
	return u && *u;
}

#ifdef JINYUN_HAVE_PQ
/* Run one statement in the cluster's maintenance database. */
static int pg_admin(const char *sql, char *msg, size_t size)
{
	const char *base = getenv("JINYUN_TEST_PG");
	char url[512];
	snprintf(url, sizeof url, "%s%spostgres", base, base[strlen(base) - 1] == '/' ? "" : "/");
	PGconn *c = PQconnectdb(url);
	int ok = PQstatus(c) == CONNECTION_OK;
	if (ok) {
		PGresult *r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
	}
	if (!ok && msg)
		snprintf(msg, size, "%s", PQerrorMessage(c));
	PQfinish(c);
	return ok ? 0 : -1;
}

/* Drop the databases tu_db created for dir (listed in dir/.pgdb). */
static void drop_databases(const char *dir)
{
	char list[600];
	snprintf(list, sizeof list, "%s/.pgdb", dir);
	FILE *f = fopen(list, "r");
	if (!f)
		return;
	char name[128], sql[256];
	while (fscanf(f, "%127s", name) == 1) {
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
		if (pg_admin(sql, NULL, 0))
			fprintf(stderr, "warning: could not drop database %s\n", name);
	}
	fclose(f);
}
#endif

void tu_db(char *buf, size_t size, const char *dir, const char *name)
{
	if (!tu_pg()) {
		snprintf(buf, size, "%s/%s", dir, name);
		return;
	}
#ifdef JINYUN_HAVE_PQ
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	char dbname[64], sql[128], msg[512];
	snprintf(dbname, sizeof dbname, "jt_%ld_%lld_%ld", (long)getpid(), (long long)ts.tv_sec, ts.tv_nsec);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", dbname);
	if (pg_admin(sql, msg, sizeof msg)) {
		fprintf(stderr, "cannot create test database %s: %s\n", dbname, msg);
		abort();
	}
	char list[600];
	snprintf(list, sizeof list, "%s/.pgdb", dir);
	FILE *f = fopen(list, "a");
	if (f) {
		fprintf(f, "%s\n", dbname);
		fclose(f);
	}
	const char *base = getenv("JINYUN_TEST_PG");
	snprintf(buf, size, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", dbname);
#else
	fprintf(stderr, "JINYUN_TEST_PG is set but this build has no PostgreSQL support\n");
	abort();
#endif
}

int tu_sql(const char *url, const char *sql)
{
	db *d = NULL;
	jy_err err;
	err_clear(&err);
	int rc = db_open(url, &d, &err);
	if (!rc)
		rc = db_exec(d, sql, &err);
	db_close(d);
	if (rc)
		fprintf(stderr, "tu_sql: %s\n", err.msg);
	return rc ? -1 : 0;
}

void tu_rmtree(const char *path)
{
	if (!path || strncmp(path, "/tmp/jinyun-test-", 17) != 0)
		return;
#ifdef JINYUN_HAVE_PQ
	if (tu_pg())
		drop_databases(path);
#endif
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", path);
}

char *tu_write_file(const char *dir, const char *name, const void *data, size_t len)
{
	if (len == (size_t)-1)
		len = strlen(data);
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	if (!f) {
		free(p);
		return NULL;
	}
	fwrite(data, 1, len, f);
	fclose(f);
	return p;
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t r;
	while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

const char *tu_jinyun_bin(void)
{
	const char *b = getenv("JINYUN_BIN");
	return b && *b ? b : "build/jinyun";
}

int tu_run(const char *cmdline, const char *stdin_data, char **out, char **err)
{
	char *d = tu_tmpdir();
	if (!d)
		return -1;
	char in_path[512], out_path[512], err_path[512];
	snprintf(in_path, sizeof in_path, "%s/in", d);
	snprintf(out_path, sizeof out_path, "%s/out", d);
	snprintf(err_path, sizeof err_path, "%s/err", d);
	FILE *f = fopen(in_path, "wb");
	if (f) {
		if (stdin_data)
			fputs(stdin_data, f);
		fclose(f);
	}
	size_t n = strlen(cmdline) + 3 * 512 + 32;
	char *full = malloc(n);
	snprintf(full, n, "(%s) <'%s' >'%s' 2>'%s'", cmdline, in_path, out_path, err_path);
	int st = system(full);
	free(full);
	int rc = (st == -1) ? -1 : (WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	if (out)
		*out = tu_read_file(out_path, NULL);
	if (err)
		*err = tu_read_file(err_path, NULL);
	tu_rmtree(d);
	free(d);
	return rc;
}

int tu_run_ok(const char *cmdline, const char *stdin_data, char **out)
{
	char *o = NULL, *e = NULL;
	int rc = tu_run(cmdline, stdin_data, &o, &e);
	if (rc != 0)
		fprintf(stderr, "command failed (%d): %s\n%s%s", rc, cmdline, o ? o : "", e ? e : "");
	if (out)
		*out = o;
	else
		free(o);
	free(e);
	return rc;
}

void tu_rmtree_free(char *dir)
{
	tu_rmtree(dir);
	free(dir);
}

int tu_jinyun(const char *url, const char *args, char **out, char **err)
{
	size_t n = strlen(tu_jinyun_bin()) + strlen(args) + strlen(url) + 16;
	char *cmd = malloc(n);
	snprintf(cmd, n, "%s %s --db %s", tu_jinyun_bin(), args, url);
	int rc = tu_run(cmd, NULL, out, err);
	free(cmd);
	return rc;
}

int tu_import(const char *url, const char *dir, const char *kind, const char *name,
	      const char *text)
{
	char *p = tu_write_file(dir, name, text, (size_t)-1);
	if (!p)
		return -1;
	size_t n = strlen(tu_jinyun_bin()) + strlen(kind) + strlen(url) + strlen(p) + 32;
	char *cmd = malloc(n);
	snprintf(cmd, n, "%s import %s --db %s %s", tu_jinyun_bin(), kind, url, p);
	int rc = tu_run_ok(cmd, NULL, NULL);
	free(cmd);
	free(p);
	return rc;
}

int tu_user_add(const char *url, const char *name, const char *role, const char *scope,
		const char *password)
{
	char cmd[2048], pw[256];
	snprintf(cmd, sizeof cmd, "%s user add --db %s --name %s --role %s%s%s%s", tu_jinyun_bin(),
		 url, name, role, scope ? " --scope '" : "", scope ? scope : "", scope ? "'" : "");
	snprintf(pw, sizeof pw, "%s\n", password);
	return tu_run_ok(cmd, pw, NULL);
}

int tu_school(char **dir, char *url, size_t size, const char *dbname, const char *roster_csv)
{
	*dir = tu_tmpdir();
	if (!*dir)
		return -1;
	tu_db(url, size, *dir, dbname);
	return tu_import(url, *dir, "roster", "roster.csv", roster_csv);
}
