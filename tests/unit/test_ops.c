/*
 * test_ops.c — operations against a real `jinyun serve` on loopback:
 * `jinyun backup` while a client keeps writing (the copy passes
 * integrity_check and holds a consistent count between the counts before
 * and after), `jinyun restore` refused while the server holds the database
 * and done once it stopped (atomic, old file kept, counts match the
 * backup), a damaged backup refused; /metrics (Prometheus text: route
 * patterns, no personal data; loopback or token); one structured log line
 * per request with the route pattern instead of the raw path; pg_dump when
 * JINYUN_TEST_PG names a PostgreSQL database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "httpc.h"
#include "testutil.h"

static struct {
	char *dir;
	char db[512], log[512];
	test_server srv;
	char admin[300];
} fx;

static const char roster_csv[] = "学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
				 "S01,张一,男,2019级,一班,A101,13800000001\n"
				 "S02,李二,女,2019级,一班,B201,13800000002\n";

static int login(void)
{
	static const char body[] = "{\"username\":\"admin\",\"password\":\"password-123\"}";
	httpc_resp r;
	if (httpc_request(fx.srv.port, "POST", "/api/session", NULL, body, strlen(body), &r))
		return -1;
	char sc[512];
	httpc_header(&r, "Set-Cookie", sc, sizeof sc);
	char *semi = strchr(sc, ';');
	if (semi)
		*semi = 0;
	snprintf(fx.admin, sizeof fx.admin, "Cookie: %.200s\r\n", sc);
	int ok = r.status == 200;
	httpc_free(&r);
	return ok ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	fx.dir = tu_tmpdir();
	char *csv = tu_write_file(fx.dir, "roster.csv", roster_csv, (size_t)-1);
	snprintf(fx.db, sizeof fx.db, "%s/ops.db", fx.dir);
	snprintf(fx.log, sizeof fx.log, "%s/server.log", fx.dir);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s import roster --db %s %s && echo password-123 | %s user add --db %s --name admin --role admin",
		 tu_jinyun_bin(), fx.db, csv, tu_jinyun_bin(), fx.db);
	free(csv);
	if (tu_run(cmd, NULL, NULL, NULL))
		return -1;
	const char *extra[] = { "--log-format", "json", NULL };
	if (test_server_start_ex(&fx.srv, fx.db, extra, fx.log))
		return -1;
	return login();
}

static int teardown(void **state)
{
	(void)state;
	test_server_stop(&fx.srv);
	tu_rmtree_free(fx.dir);
	return 0;
}

static long long count_people(const char *path)
{
	sqlite3 *db = NULL;
	long long n = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM person", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

static int integrity_ok(const char *path)
{
	sqlite3 *db = NULL;
	int ok = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			ok = !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return ok;
}

typedef struct writer {
	volatile int stop;
	int written, failed;
} writer;

/* Add people through the API until told to stop. */
static void *write_people(void *arg)
{
	writer *w = arg;
	char body[256];
	for (int i = 0; !w->stop && i < 100000; i++) {
		snprintf(body, sizeof body,
			 "{\"number\":\"W%06d\",\"name\":\"写入%d\",\"gender\":\"M\",\"class\":\"一班\"}", i, i);
		httpc_resp r;
		if (httpc_request(fx.srv.port, "POST", "/api/people", fx.admin, body, strlen(body), &r)) {
			w->failed++;
			continue;
		}
		if (r.status == 201 || r.status == 200)
			w->written++;
		else
			w->failed++;
		httpc_free(&r);
	}
	return NULL;
}

static void test_backup_while_writing_then_restore(void **state)
{
	(void)state;
	writer w = { 0, 0, 0 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, write_people, &w), 0);
	while (w.written < 50)
		usleep(10000);
	long long before = count_people(fx.db);
	char bak[600], cmd[2048], *out = NULL, *err = NULL;
	snprintf(bak, sizeof bak, "%s/ops.bak", fx.dir);
	snprintf(cmd, sizeof cmd, "%s backup --db %s --out %s", tu_jinyun_bin(), fx.db, bak);
	int rc = tu_run(cmd, NULL, &out, &err);
	if (rc)
		fprintf(stderr, "%s%s", out, err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "integrity ok"));
	free(out);
	free(err);
	while (w.written < 100)
		usleep(10000);
	w.stop = 1;
	pthread_join(t, NULL);
	assert_int_equal(w.failed, 0);
	long long after = count_people(fx.db);
	long long saved = count_people(bak);
	assert_true(integrity_ok(bak));
	assert_true(saved >= before && saved <= after);
	assert_true(after > saved);   /* the writer went on after the backup */
	struct stat st;
	assert_int_equal(stat(bak, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);   /* personal data: owner only */
	char side[700];
	snprintf(side, sizeof side, "%s-wal", bak);
	assert_int_not_equal(stat(side, &st), 0);   /* one self-contained file */

	/* A backup over the database itself is refused. */
	snprintf(cmd, sizeof cmd, "%s backup --db %s --out %s", tu_jinyun_bin(), fx.db, fx.db);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 1);
	assert_non_null(strstr(err, "the database itself"));
	free(out);
	free(err);
	assert_true(integrity_ok(fx.db));

	/* Restore refuses while the server holds the database. */
	snprintf(cmd, sizeof cmd, "%s restore --db %s --from %s", tu_jinyun_bin(), fx.db, bak);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 1);
	assert_non_null(strstr(err, "in use by process"));
	free(out);
	free(err);
	assert_int_equal(count_people(fx.db), after);

	/* A damaged backup is refused and changes nothing. */
	char *bad = tu_write_file(fx.dir, "bad.bak", "SQLite format 3\0garbage garbage", 32);
	test_server_stop(&fx.srv);
	snprintf(cmd, sizeof cmd, "%s restore --db %s --from %s", tu_jinyun_bin(), fx.db, bad);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 1);
	free(bad);
	free(out);
	free(err);
	assert_int_equal(count_people(fx.db), after);

	/* Stopped: restore replaces the file; the counts are the backup's. */
	snprintf(cmd, sizeof cmd, "%s restore --db %s --from %s", tu_jinyun_bin(), fx.db, bak);
	rc = tu_run(cmd, NULL, &out, &err);
	if (rc)
		fprintf(stderr, "%s%s", out, err);
	assert_int_equal(rc, 0);
	free(out);
	free(err);
	assert_true(integrity_ok(fx.db));
	assert_int_equal(count_people(fx.db), saved);
	char keep[700];
	snprintf(keep, sizeof keep, "%s.before-restore", fx.db);
	assert_int_equal(count_people(keep), after);
	/* The restored database serves. */
	const char *extra[] = { "--log-format", "json", NULL };
	assert_int_equal(test_server_start_ex(&fx.srv, fx.db, extra, fx.log), 0);
	assert_int_equal(login(), 0);
	httpc_resp r;
	assert_int_equal(httpc_request(fx.srv.port, "GET", "/api/people?limit=1", fx.admin, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	httpc_free(&r);
}

static void test_metrics_counts_routes_without_personal_data(void **state)
{
	(void)state;
	httpc_resp r;
	char path[64];
	for (int id = 1; id <= 2; id++) {
		snprintf(path, sizeof path, "/api/people/%d", id);
		assert_int_equal(httpc_request(fx.srv.port, "GET", path, fx.admin, NULL, 0, &r), 0);
		assert_int_equal(r.status, 200);
		httpc_free(&r);
	}
	assert_int_equal(httpc_request(fx.srv.port, "GET", "/metrics", NULL, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	char ct[128];
	httpc_header(&r, "Content-Type", ct, sizeof ct);
	assert_non_null(strstr(ct, "text/plain; version=0.0.4"));
	assert_non_null(strstr(r.body, "jinyun_http_requests_total{route=\"/api/people/{id}\",method=\"GET\",status=\"200\"} 2"));
	assert_non_null(strstr(r.body, "jinyun_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
	assert_non_null(strstr(r.body, "jinyun_checkpoints_total{result=\"ok\"}"));
	assert_non_null(strstr(r.body, "\njinyun_writer_jobs_total "));
	assert_non_null(strstr(r.body, "\njinyun_writer_batches_total{result=\"failed\"} 0\n"));
	assert_non_null(strstr(r.body, "jinyun_open_alerts 0"));
	assert_non_null(strstr(r.body, "process_resident_memory_bytes "));
	/* The server has SQLite handles open (or on PostgreSQL none: 0). */
	const char *sm = strstr(r.body, "\njinyun_sqlite_memory_bytes ");
	assert_non_null(sm);
	long long sqlite_bytes = atoll(sm + strlen("\njinyun_sqlite_memory_bytes "));
	if (tu_pg())
		assert_true(sqlite_bytes >= 0);
	else
		assert_true(sqlite_bytes > 0);
	assert_null(strstr(r.body, "张一"));
	assert_null(strstr(r.body, "/api/people/1"));
	assert_null(strstr(r.body, "admin"));
	httpc_free(&r);

	/* With a token, the token is required even on loopback. */
	test_server_stop(&fx.srv);
	setenv("JINYUN_METRICS_TOKEN", "s3cret-token-for-tests", 1);
	int rc = test_server_start(&fx.srv, fx.db);
	unsetenv("JINYUN_METRICS_TOKEN");
	assert_int_equal(rc, 0);
	assert_int_equal(httpc_request(fx.srv.port, "GET", "/metrics", NULL, NULL, 0, &r), 0);
	assert_int_equal(r.status, 403);
	httpc_free(&r);
	assert_int_equal(httpc_request(fx.srv.port, "GET", "/metrics",
				       "Authorization: Bearer wrong\r\n", NULL, 0, &r), 0);
	assert_int_equal(r.status, 403);
	httpc_free(&r);
	assert_int_equal(httpc_request(fx.srv.port, "GET", "/metrics",
				       "Authorization: Bearer s3cret-token-for-tests\r\n", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	httpc_free(&r);
	test_server_stop(&fx.srv);
	const char *extra[] = { "--log-format", "json", NULL };
	assert_int_equal(test_server_start_ex(&fx.srv, fx.db, extra, fx.log), 0);
	assert_int_equal(login(), 0);
}

static void test_request_log_is_json_with_the_route_pattern(void **state)
{
	(void)state;
	httpc_resp r;
	assert_int_equal(httpc_request(fx.srv.port, "GET", "/api/people/2", fx.admin, NULL, 0, &r), 0);
	httpc_free(&r);
	test_server_stop(&fx.srv);   /* flushes and ends the log */
	char *log = tu_read_file(fx.log, NULL);
	assert_non_null(log);
	assert_non_null(strstr(log, "\"event\":\"server_start\""));
	assert_non_null(strstr(log, "\"event\":\"server_stop\""));
	const char *line = strstr(log, "\"route\":\"/api/people/{id}\"");
	assert_non_null(line);
	assert_null(strstr(log, "/api/people/2"));
	assert_null(strstr(log, "李二"));
	/* Every line is one JSON object. */
	int lines = 0;
	for (char *p = log, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		*nl = 0;
		assert_true(p[0] == '{' && nl[-1] == '}');
		assert_non_null(strstr(p, "\"time\":\""));
		lines++;
	}
	assert_true(lines >= 4);
	free(log);
	const char *extra[] = { "--log-format", "text", NULL };
	assert_int_equal(test_server_start_ex(&fx.srv, fx.db, extra, fx.log), 0);
	assert_int_equal(httpc_request(fx.srv.port, "GET", "/healthz", NULL, NULL, 0, &r), 0);
	httpc_free(&r);
	test_server_stop(&fx.srv);
	log = tu_read_file(fx.log, NULL);
	assert_non_null(strstr(log, " info request GET /healthz 200 "));
	free(log);
}

static void test_backup_postgres_with_pg_dump(void **state)
{
	(void)state;
	const char *url = getenv("JINYUN_TEST_PG");
	if (!url || !*url) {
		fprintf(stderr, "skipped: set JINYUN_TEST_PG=postgresql://… to test pg_dump/pg_restore\n");
		skip();
	}
	char dump[600], cmd[2048], *out = NULL, *err = NULL;
	snprintf(dump, sizeof dump, "%s/pg.dump", fx.dir);
	snprintf(cmd, sizeof cmd, "%s backup --db '%s' --out %s", tu_jinyun_bin(), url, dump);
	int rc = tu_run(cmd, NULL, &out, &err);
	if (rc)
		fprintf(stderr, "%s%s", out, err);
	assert_int_equal(rc, 0);
	free(out);
	free(err);
	char *head = tu_read_file(dump, NULL);
	assert_non_null(head);
	assert_memory_equal(head, "PGDMP", 5);
	free(head);
	snprintf(cmd, sizeof cmd, "%s restore --db '%s' --from %s", tu_jinyun_bin(), url, dump);
	rc = tu_run(cmd, NULL, &out, &err);
	if (rc)
		fprintf(stderr, "%s%s", out, err);
	assert_int_equal(rc, 0);
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backup_while_writing_then_restore),
		cmocka_unit_test(test_metrics_counts_routes_without_personal_data),
		cmocka_unit_test(test_request_log_is_json_with_the_route_pattern),
		cmocka_unit_test(test_backup_postgres_with_pg_dump),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
