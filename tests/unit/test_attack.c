/*
 * test_attack.c — attacks on a running `jinyun serve`, each expecting a
 * refusal and nothing changed:
 *
 *   path traversal on the static assets; oversized bodies (413, also when
 *   only announced) and headers; slow clients (a slowloris of 200
 *   connections does not keep a normal client from its answer, and idle
 *   connections are closed); login brute force (429 with Retry-After, the
 *   same 401 for unknown user and wrong password); session fixation (a new
 *   id at login, the planted one dead); cross-site requests (Origin,
 *   Sec-Fetch-Site; SameSite cookies); SQL metacharacters in every query
 *   argument, path parameter and body field of every route in the route
 *   table (never a 500); ids of other classes and other schools (403, the
 *   same as an id that does not exist); device and self-report tokens
 *   guessed, revoked or expired; the audit log changed through any API;
 *   tokens and session ids stored only hashed; the security headers on
 *   every answer.
 *
 * The routes, query argument names and body field names are read from the
 * sources ($JINYUN_SRC/src/http), so a route added later is attacked too.
 * The school is the demo school plus a second school written straight into
 * the database (the CLI manages one school per database).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>
#include <sqlite3.h>

#include "httpc.h"
#include "testutil.h"

typedef struct attack_fx {
	char *dir, *db;
	test_server srv;
	char admin[300], teacher[300];
	int64_t own_class, other_class, own_student, other_student, foreign_student, foreign_class;
	char device[80];
	char declare_token[80];
	char report_token[80], report_expired[80];
} attack_fx;

static attack_fx fx;

/* ---- helpers ---- */

static sqlite3 *db_open(void)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(fx.db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	return db;
}

static int64_t q_int(const char *sql)
{
	sqlite3 *db = db_open();
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void exec_sql(const char *sql)
{
	sqlite3 *db = db_open();
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("fixture SQL failed: %s: %s", msg, sql);
	sqlite3_close(db);
}

/* Every answer of ours carries the security headers. */
static void assert_security_headers(const httpc_resp *r, const char *what)
{
	static const char *const names[] = { "Content-Security-Policy", "X-Content-Type-Options",
					     "Referrer-Policy" };
	char v[512];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		httpc_header(r, names[i], v, sizeof v);
		if (!v[0])
			fail_msg("%s: answer %d lacks %s", what, r->status, names[i]);
	}
	httpc_header(r, "Content-Security-Policy", v, sizeof v);
	if (!strstr(v, "frame-ancestors 'none'"))
		fail_msg("%s: CSP without frame-ancestors: %s", what, v);
	httpc_header(r, "X-Content-Type-Options", v, sizeof v);
	assert_string_equal(v, "nosniff");
}

/* One request; the answer's status (the body into *body when wanted). */
static int call(const char *method, const char *path, const char *cookie, const char *headers,
		const char *body, char **out)
{
	char h[2048];
	snprintf(h, sizeof h, "%s%s%s%s", cookie ? "Cookie: " : "", cookie ? cookie : "",
		 cookie ? "\r\n" : "", headers ? headers : "");
	httpc_resp r;
	if (httpc_request(fx.srv.port, method, path, h, body, body ? strlen(body) : 0, &r))
		fail_msg("%s %s: no answer (server down?)", method, path);
	char what[300];
	snprintf(what, sizeof what, "%s %.200s", method, path);
	assert_security_headers(&r, what);
	int st = r.status;
	if (out)
		*out = strdup(r.body);
	httpc_free(&r);
	return st;
}

static void login(const char *user, const char *pass, char *cookie, size_t size)
{
	assert_int_equal(httpc_login(fx.srv.port, user, pass, cookie, size), 200);
}

/* A raw socket to the server. */
static int raw_connect(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)fx.srv.port) };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

/* Read what the server says within ms; returns bytes read (0: closed,
 * -1: nothing in time). */
static ssize_t raw_read(int fd, char *buf, size_t size, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	while (n < size - 1 && poll(&p, 1, ms) > 0) {
		ssize_t k = read(fd, buf + n, size - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		ms = 200;
	}
	buf[n] = 0;
	return n ? (ssize_t)n : (poll(&p, 1, 0) > 0 ? 0 : -1);
}

/* Send a whole raw request; the status of the answer (0: none, the
 * connection was cut). */
static int raw_status(const char *req)
{
	int fd = raw_connect();
	size_t len = strlen(req), off = 0;
	while (off < len) {
		ssize_t w = write(fd, req + off, len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	char buf[4096];
	int st = 0;
	if (raw_read(fd, buf, sizeof buf, 5000) > 0)
		sscanf(buf, "HTTP/1.%*d %d", &st);
	close(fd);
	return st;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void restart_server(void)
{
	test_server_stop(&fx.srv);
	assert_int_equal(test_server_start(&fx.srv, fx.db), 0);
}

/* ---- the school ---- */

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN); /* the server may close on a refused body */
	fx.dir = tu_tmpdir();
	size_t n = strlen(fx.dir) + 16;
	fx.db = malloc(n);
	snprintf(fx.db, n, "%s/attack.db", fx.dir);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s demo --db %s", tu_jinyun_bin(), fx.db);
	if (tu_run_ok(cmd, NULL, NULL))
		return -1;
	char *out = NULL;
	snprintf(cmd, sizeof cmd, "%s device add --db %s --name attack --gate 东门 2>/dev/null", tu_jinyun_bin(),
		 fx.db);
	if (tu_run_ok(cmd, NULL, &out))
		return -1;
	snprintf(fx.device, sizeof fx.device, "%.64s", out);
	free(out);
	fx.own_class = q_int("SELECT scope_id FROM app_user WHERE username = 'teacher'");
	fx.own_student = q_int("SELECT MIN(id) FROM person WHERE class_id = "
			       "(SELECT scope_id FROM app_user WHERE username = 'teacher')");
	fx.other_class = q_int("SELECT MIN(id) FROM class WHERE id <> "
			       "(SELECT scope_id FROM app_user WHERE username = 'teacher')");
	fx.other_student = q_int("SELECT MIN(p.id) FROM person p, class c WHERE p.class_id = c.id AND c.id <> "
				 "(SELECT scope_id FROM app_user WHERE username = 'teacher')");
	/* A second school, with a class and a student of its own. */
	exec_sql("INSERT INTO school (code, name, created_at) VALUES ('X999', '外校 another school', 0);"
		 "INSERT INTO grade (school_id, name) VALUES ((SELECT id FROM school WHERE code = 'X999'), '2019级');"
		 "INSERT INTO class (school_id, grade_id, name) VALUES ((SELECT id FROM school WHERE code = 'X999'),"
		 " (SELECT MAX(id) FROM grade), '外校1班');"
		 "INSERT INTO person (school_id, kind, number, name, gender, class_id, created_at, updated_at)"
		 " VALUES ((SELECT id FROM school WHERE code = 'X999'), 'student', 'X0001', '外校生', 'F',"
		 " (SELECT MAX(id) FROM class), 0, 0);");
	fx.foreign_class = q_int("SELECT MAX(id) FROM class");
	fx.foreign_student = q_int("SELECT id FROM person WHERE number = 'X0001'");
	/* Self-report links of a contact under follow-up: one live, one expired
	 * (the tokens' SHA-256 only, as the server keeps them). */
	unsigned char raw[32];
	unsigned char h[crypto_hash_sha256_BYTES];
	char hash[2][65];
	char *tokens[2] = { fx.report_token, fx.report_expired };
	for (int i = 0; i < 2; i++) {
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(tokens[i], 65, raw, sizeof raw);
		crypto_hash_sha256(h, (const unsigned char *)tokens[i], 64);
		sodium_bin2hex(hash[i], sizeof hash[i], h, sizeof h);
	}
	char sql[2048];
	snprintf(sql, sizeof sql,
		 "INSERT INTO case_record (school_id, person_id, code, classification, report_due_at, created_at, updated_at)"
		 " VALUES (1, %lld, 'influenza', 'suspected', 0, 0, 0);"
		 "INSERT INTO contact_followup (school_id, case_id, person_id, start_date, end_date, created_at)"
		 " VALUES (1, (SELECT MAX(id) FROM case_record), %lld, '2020-01-01', '2099-12-31', 0);"
		 "INSERT INTO followup_link (token_hash, school_id, followup_id, created_at, expires_at)"
		 " VALUES ('%s', 1, (SELECT MAX(id) FROM contact_followup), 0, 4102444800),"
		 " ('%s', 1, (SELECT MAX(id) FROM contact_followup), 0, 1000);",
		 (long long)fx.own_student, (long long)fx.other_student, hash[0], hash[1]);
	exec_sql(sql);
	if (test_server_start(&fx.srv, fx.db))
		return -1;
	login("admin", "admin123", fx.admin, sizeof fx.admin);
	login("teacher", "teacher123", fx.teacher, sizeof fx.teacher);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_server_stop(&fx.srv);
	tu_rmtree_free(fx.dir);
	free(fx.db);
	return 0;
}

/* ---- the attacks ---- */

static void test_path_traversal_on_assets_is_refused(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"/../../../../etc/passwd",
		"/..%2f..%2f..%2fetc%2fpasswd",
		"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
		"/..%5c..%5c..%5cetc%5cpasswd",
		"/%252e%252e/%252e%252e/etc/passwd",
		"/index.html%00.png",
		"/....//....//etc/passwd",
		"/./././../../etc/passwd",
		"//etc/passwd",
		"/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
	};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		char *body = NULL;
		int st = call("GET", paths[i], NULL, NULL, NULL, &body);
		if (strstr(body, "root:") || strstr(body, "/bin/"))
			fail_msg("%s served a file from outside the assets", paths[i]);
		/* Either refused, or the UI's own index.html (the browser routes). */
		if (st == 200 && !strstr(body, "<html") && !strstr(body, "<!doctype") &&
		    !strstr(body, "<!DOCTYPE"))
			fail_msg("%s answered 200 with something other than the UI", paths[i]);
		if (strstr(paths[i], "..") && st != 400 && st != 404)
			fail_msg("%s: %d, want 400 or 404", paths[i], st);
		free(body);
	}
}

static void test_oversized_bodies_and_headers_are_refused(void **state)
{
	(void)state;
	int64_t people = q_int("SELECT COUNT(*) FROM person");
	/* A body over 1 MiB, sent whole in chunks (no length announced): read,
	 * dropped, and answered 413. */
	int cfd = raw_connect();
	char head[300];
	int hl = snprintf(head, sizeof head,
			  "POST /api/people HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
			  "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", fx.admin);
	assert_true(write(cfd, head, (size_t)hl) == hl);
	static char chunk[65536 + 16];
	int cl = snprintf(chunk, sizeof chunk, "10000\r\n");
	memset(chunk + cl, 'a', 65536);
	memcpy(chunk + cl + 65536, "\r\n", 2);
	for (int i = 0; i < 32; i++) /* 2 MiB */
		if (write(cfd, chunk, (size_t)cl + 65536 + 2) <= 0)
			break;
	(void)!write(cfd, "0\r\n\r\n", 5);
	char cbuf[4096];
	assert_true(raw_read(cfd, cbuf, sizeof cbuf, 5000) > 0);
	if (!strstr(cbuf, " 413 "))
		fail_msg("2 MiB chunked body: %.80s", cbuf);
	close(cfd);
	/* Only announced: the answer comes at once, without reading 10 GB. */
	int fd = raw_connect();
	const char *req = "POST /api/people HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10737418240\r\n\r\n{";
	assert_true(write(fd, req, strlen(req)) == (ssize_t)strlen(req));
	char buf[4096];
	double t0 = now_ms();
	assert_true(raw_read(fd, buf, sizeof buf, 3000) > 0);
	if (!strstr(buf, " 413 "))
		fail_msg("announced 10 GB body: %.80s", buf);
	assert_true(now_ms() - t0 < 3000);
	close(fd);
	/* A header block over the limit: refused (431 or 413), and the server
	 * goes on serving. */
	size_t hn = 100 * 1024;
	char *hdr = malloc(hn + 256);
	int k = snprintf(hdr, hn + 256, "GET /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ");
	memset(hdr + k, 'b', hn);
	snprintf(hdr + k + hn, 64, "\r\n\r\n");
	int st = raw_status(hdr);
	if (st != 431 && st != 413)
		fail_msg("100 KiB header: %d, want 431 or 413", st);
	/* Many headers, each small. */
	size_t off = (size_t)snprintf(hdr, hn + 256, "GET /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\n");
	for (int i = 0; off + 40 < hn; i++)
		off += (size_t)snprintf(hdr + off, hn + 256 - off, "X-H%d: v\r\n", i);
	snprintf(hdr + off, hn + 256 - off, "\r\n");
	st = raw_status(hdr);
	if (st != 431 && st != 413)
		fail_msg("thousands of headers: %d, want 431 or 413", st);
	free(hdr);
	assert_int_equal(call("GET", "/healthz", NULL, NULL, NULL, NULL), 200);
	assert_int_equal(q_int("SELECT COUNT(*) FROM person"), people);
}

static void test_slow_clients_do_not_starve_others_and_are_cut_off(void **state)
{
	(void)state;
	enum { SLOW = 200 };
	int fds[SLOW];
	for (int i = 0; i < SLOW; i++) {
		fds[i] = raw_connect();
		/* Half a request line, then nothing: slowloris. */
		const char *part = i % 2 ? "GET /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: " : "POS";
		assert_true(write(fds[i], part, strlen(part)) > 0);
	}
	/* Ten normal requests, each answered within a second. */
	for (int i = 0; i < 10; i++) {
		double t0 = now_ms();
		assert_int_equal(call("GET", "/healthz", NULL, NULL, NULL, NULL), 200);
		double ms = now_ms() - t0;
		if (ms > 1000)
			fail_msg("a normal client waited %.0f ms behind %d slow ones", ms, SLOW);
	}
	/* A body that never finishes: the same. */
	int body_fd = raw_connect();
	const char *req = "POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"u";
	assert_true(write(body_fd, req, strlen(req)) > 0);
	assert_int_equal(call("GET", "/healthz", NULL, NULL, NULL, NULL), 200);
	/* The slow connections are closed by the server after its idle timeout
	 * (10 s); allow 20. */
	double t0 = now_ms();
	char buf[512];
	int closed = 0;
	while (now_ms() - t0 < 20000 && !closed) {
		ssize_t n = raw_read(fds[0], buf, sizeof buf, 500);
		if (n >= 0)
			closed = 1;
	}
	if (!closed)
		fail_msg("a slowloris connection was still open after 20 s");
	fprintf(stderr, "# slowloris: connection closed by the server after %.1f s\n", (now_ms() - t0) / 1000);
	ssize_t n = raw_read(body_fd, buf, sizeof buf, 2000);
	assert_true(n >= 0);
	for (int i = 0; i < SLOW; i++)
		close(fds[i]);
	close(body_fd);
	assert_int_equal(call("GET", "/healthz", NULL, NULL, NULL, NULL), 200);
}

static void test_login_brute_force_is_rate_limited(void **state)
{
	(void)state;
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s user add --db %s --name victim --role principal --school scyb-jinyun", tu_jinyun_bin(), fx.db);
	assert_int_equal(tu_run_ok(cmd, "victimpass1\n", NULL), 0);
	/* Unknown user and wrong password: the same answer. */
	char *a = NULL, *b = NULL;
	assert_int_equal(call("POST", "/api/session", NULL, NULL,
			      "{\"username\":\"nobody_here\",\"password\":\"x1234567\"}", &a), 401);
	assert_int_equal(call("POST", "/api/session", NULL, NULL,
			      "{\"username\":\"victim\",\"password\":\"x1234567\"}", &b), 401);
	assert_string_equal(a, b);
	free(a);
	free(b);
	int limited = 0;
	for (int i = 0; i < 8 && !limited; i++) {
		char *body = NULL;
		int st = call("POST", "/api/session", NULL, NULL,
			      "{\"username\":\"victim\",\"password\":\"guess1234\"}", &body);
		if (st == 429)
			limited = 1;
		else
			assert_int_equal(st, 401);
		free(body);
	}
	assert_true(limited);
	/* While limited, even the right password is not checked. */
	httpc_resp r;
	const char *good = "{\"username\":\"victim\",\"password\":\"victimpass1\"}";
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/session", NULL, good, strlen(good), &r), 0);
	assert_int_equal(r.status, 429);
	char ra[32];
	httpc_header(&r, "Retry-After", ra, sizeof ra);
	assert_true(atoi(ra) > 0);
	assert_null(strstr(r.headers, "Set-Cookie"));
	httpc_free(&r);
	/* Failed logins are in the audit log. */
	assert_true(q_int("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND username = 'victim'") >= 5);
}

static void test_login_issues_a_new_session_id(void **state)
{
	(void)state;
	/* A planted id that the server never issued. */
	const char *planted = "jy_session=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	char h[400];
	snprintf(h, sizeof h, "Cookie: %s\r\n", planted);
	httpc_resp r;
	const char *body = "{\"username\":\"principal\",\"password\":\"principal123\"}";
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/session", h, body, strlen(body), &r), 0);
	assert_int_equal(r.status, 200);
	char sc[300];
	httpc_header(&r, "Set-Cookie", sc, sizeof sc);
	httpc_free(&r);
	assert_null(strstr(sc, planted + 11));
	assert_non_null(strstr(sc, "HttpOnly"));
	assert_non_null(strstr(sc, "SameSite=Strict"));
	assert_int_equal(call("GET", "/api/session", planted, NULL, NULL, NULL), 401);
	/* A real id known to an attacker: logging in again gives another, and
	 * the old one stops working. */
	char first[300], second[300];
	login("principal", "principal123", first, sizeof first);
	snprintf(h, sizeof h, "Cookie: %s\r\n", first);
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/session", h, body, strlen(body), &r), 0);
	assert_int_equal(r.status, 200);
	httpc_header(&r, "Set-Cookie", sc, sizeof sc);
	httpc_free(&r);
	char *semi = strchr(sc, ';');
	if (semi)
		*semi = 0;
	snprintf(second, sizeof second, "%s", sc);
	assert_string_not_equal(first, second);
	assert_int_equal(call("GET", "/api/session", first, NULL, NULL, NULL), 401);
	assert_int_equal(call("GET", "/api/session", second, NULL, NULL, NULL), 200);
	/* Logging out kills the id on the server, not only in the browser. */
	assert_int_equal(call("DELETE", "/api/session", second, NULL, NULL, NULL), 200);
	assert_int_equal(call("GET", "/api/session", second, NULL, NULL, NULL), 401);
}

static void test_cross_site_requests_are_refused(void **state)
{
	(void)state;
	int64_t people = q_int("SELECT COUNT(*) FROM person");
	int64_t readings = q_int("SELECT COUNT(*) FROM gate_reading");
	const char *person = "{\"kind\":\"student\",\"number\":\"XS1\",\"name\":\"跨站\",\"gender\":\"M\"}";
	static const char *const bad[] = {
		"Origin: http://evil.example\r\n",
		"Origin: null\r\n",
		"Origin: http://127.0.0.1.evil.example\r\n",
		"Sec-Fetch-Site: cross-site\r\n",
		"Sec-Fetch-Site: same-site\r\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char h[300];
		snprintf(h, sizeof h, "%sContent-Type: application/json\r\n", bad[i]);
		assert_int_equal(call("POST", "/api/people", fx.admin, h, person, NULL), 403);
		assert_int_equal(call("DELETE", "/api/session", fx.admin, h, NULL, NULL), 403);
		char dh[300];
		snprintf(dh, sizeof dh, "%sAuthorization: Bearer %s\r\n", bad[i], fx.device);
		assert_int_equal(call("POST", "/api/gate/readings", NULL, dh,
				      "{\"person\":\"1\",\"temperature\":36.5,\"time\":1589240000}", NULL), 403);
		assert_int_equal(call("POST", "/api/session", NULL, bad[i],
				      "{\"username\":\"admin\",\"password\":\"admin123\"}", NULL), 403);
	}
	assert_int_equal(q_int("SELECT COUNT(*) FROM person"), people);
	assert_int_equal(q_int("SELECT COUNT(*) FROM gate_reading"), readings);
	/* The session still works: the refused DELETE did not log it out. */
	assert_int_equal(call("GET", "/api/session", fx.admin, NULL, NULL, NULL), 200);
	/* A read with a foreign Origin is fine (CORS keeps the answer from
	 * the other site: no Access-Control-Allow-Origin). */
	httpc_resp r;
	char h[400];
	snprintf(h, sizeof h, "Cookie: %s\r\nOrigin: http://evil.example\r\n", fx.admin);
	assert_int_equal(httpc_request(fx.srv.port, "GET", "/api/session", h, NULL, 0, &r), 0);
	assert_null(strcasestr(r.headers, "Access-Control-Allow-Origin"));
	httpc_free(&r);
}

/* ---- SQL metacharacters everywhere ---- */

typedef struct names {
	char **v;
	size_t n, cap;
} names;

static void names_add(names *ns, const char *s, size_t len)
{
	for (size_t i = 0; i < ns->n; i++)
		if (strlen(ns->v[i]) == len && !strncmp(ns->v[i], s, len))
			return;
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 64;
		ns->v = realloc(ns->v, ns->cap * sizeof *ns->v);
	}
	ns->v[ns->n++] = strndup(s, len);
}

/* The first string literal after each occurrence of marker in text. */
static void scan_literals(const char *text, const char *marker, names *out)
{
	for (const char *p = strstr(text, marker); p; p = strstr(p + 1, marker)) {
		const char *q = strchr(p + strlen(marker), '"');
		const char *close = strchr(p, ')');
		if (!q || (close && close < q))
			continue;
		const char *e = strchr(q + 1, '"');
		if (e && e - q - 1 > 0 && e - q - 1 < 40)
			names_add(out, q + 1, (size_t)(e - q - 1));
	}
}

/* Percent-encode s for a URL. */
static void url_encode(const char *s, char *out, size_t size)
{
	size_t n = 0;
	for (; *s && n + 4 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '_' || c == '.')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, size - n, "%%%02X", c);
	}
	out[n] = 0;
}

static void test_sql_metacharacters_in_every_parameter_never_500(void **state)
{
	(void)state;
	const char *src = getenv("JINYUN_SRC");
	if (!src)
		src = ".";
	char path[1024];
	snprintf(path, sizeof path, "%s/src/http/router.c", src);
	char *router = tu_read_file(path, NULL);
	assert_non_null(router);
	/* Routes: { "METHOD", "/pattern", … */
	names methods = { 0 }, patterns = { 0 };
	for (const char *p = strstr(router, "{ \""); p; p = strstr(p + 1, "{ \"")) {
		char m[16], pat[200];
		if (sscanf(p, "{ \"%15[A-Z]\", \"%199[^\"]\"", m, pat) == 2 && pat[0] == '/') {
			names_add(&patterns, pat, strlen(pat));
			char *mp = NULL;
			if (asprintf(&mp, "%s %s", m, pat) > 0) {
				names_add(&methods, mp, strlen(mp));
				free(mp);
			}
		}
	}
	free(router);
	/* Query argument and body field names from every api_*.c. */
	names args = { 0 }, fields = { 0 };
	snprintf(path, sizeof path, "%s/src/http", src);
	DIR *d = opendir(path);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "api_", 4))
			continue;
		char fp[1400];
		snprintf(fp, sizeof fp, "%s/%s", path, e->d_name);
		char *text = tu_read_file(fp, NULL);
		scan_literals(text, "http_arg(", &args);
		scan_literals(text, "GetObjectItemCaseSensitive(", &fields);
		scan_literals(text, "GetObjectItem(", &fields);
		scan_literals(text, "http_field_str(", &fields);
		scan_literals(text, "http_field_int(", &fields);
		free(text);
	}
	closedir(d);
	assert_true(methods.n > 50);
	assert_true(args.n > 5);
	assert_true(fields.n > 20);

	int64_t people = q_int("SELECT COUNT(*) FROM person");
	int64_t audit = q_int("SELECT COUNT(*) FROM audit_log");
	static const char *const payloads[] = {
		"' OR '1'='1",
		"1; DROP TABLE person; --",
		"\" OR \"\"=\"",
		"%_\\' UNION SELECT token_hash FROM session --",
		"1) OR (1=1",
	};
	long requests = 0;
	for (size_t pi = 0; pi < sizeof payloads / sizeof payloads[0]; pi++) {
		char enc[256];
		url_encode(payloads[pi], enc, sizeof enc);
		/* The query string: every argument name = payload. */
		size_t qcap = args.n * 300 + 16, qn = 0;
		char *query = malloc(qcap);
		for (size_t i = 0; i < args.n; i++)
			qn += (size_t)snprintf(query + qn, qcap - qn, "%c%s=%s", i ? '&' : '?', args.v[i], enc);
		/* The JSON body with one field = payload (and with all of them). */
		cJSON *all = cJSON_CreateObject();
		for (size_t i = 0; i < fields.n; i++)
			cJSON_AddStringToObject(all, fields.v[i], payloads[pi]);
		char *all_body = cJSON_PrintUnformatted(all);
		cJSON_Delete(all);
		for (size_t ri = 0; ri < methods.n; ri++) {
			char method[16], pat[200];
			sscanf(methods.v[ri], "%15s %199s", method, pat);
			/* The path with every {x} = payload. */
			char url[4096];
			size_t un = 0;
			for (const char *p = pat; *p && un + 300 < sizeof url;) {
				if (*p == '{') {
					un += (size_t)snprintf(url + un, sizeof url - un, "%s", enc);
					p = strchr(p, '}') + 1;
				} else {
					url[un++] = *p++;
				}
			}
			url[un] = 0;
			/* Skip logging out ourselves and the login limiter. */
			if (!strcmp(pat, "/api/session"))
				continue;
			char *full = malloc(un + qn + 1);
			memcpy(full, url, un);
			memcpy(full + un, query, qn + 1);
			/* Both sessions: the admin reaches handlers, the teacher
			 * the policy's refusals. */
			const char *who[2] = { fx.admin, fx.teacher };
			for (int w = 0; w < 2; w++) {
				int st = call(method, full, who[w], "Content-Type: application/json\r\n",
					      strcmp(method, "GET") ? all_body : NULL, NULL);
				requests++;
				if (st >= 500)
					fail_msg("%s %s (%s) with \"%s\" everywhere: %d", method, pat,
						 w ? "teacher" : "admin", payloads[pi], st);
			}
			/* Also with the bare route's path (a real {id}) and each
			 * field alone, for the writing routes. */
			if (strcmp(method, "GET") && pi == 0) {
				char plain[4096];
				size_t pn = 0;
				for (const char *p = pat; *p && pn + 8 < sizeof plain;) {
					if (*p == '{') {
						pn += (size_t)snprintf(plain + pn, sizeof plain - pn, "1");
						p = strchr(p, '}') + 1;
					} else {
						plain[pn++] = *p++;
					}
				}
				plain[pn] = 0;
				for (size_t fi = 0; fi < fields.n; fi++) {
					cJSON *one = cJSON_CreateObject();
					cJSON_AddStringToObject(one, fields.v[fi], payloads[pi]);
					char *ob = cJSON_PrintUnformatted(one);
					cJSON_Delete(one);
					int st = call(method, plain, fx.admin, "Content-Type: application/json\r\n", ob,
						      NULL);
					requests++;
					if (st >= 500)
						fail_msg("%s %s with %s = \"%s\": %d", method, plain, fields.v[fi],
							 payloads[pi], st);
					free(ob);
				}
			}
			free(full);
		}
		free(query);
		free(all_body);
	}
	fprintf(stderr, "# SQL metacharacters: %ld requests over %zu routes, %zu query arguments, %zu body fields; no 5xx\n",
		requests, methods.n, args.n, fields.n);
	/* Nothing was dropped or rewritten: the school is still there, whole. */
	assert_true(q_int("SELECT COUNT(*) FROM person") >= people);
	assert_true(q_int("SELECT COUNT(*) FROM audit_log") >= audit);
	assert_int_equal(call("GET", "/healthz", NULL, NULL, NULL, NULL), 200);
	for (size_t i = 0; i < methods.n; i++)
		free(methods.v[i]);
	for (size_t i = 0; i < patterns.n; i++)
		free(patterns.v[i]);
	for (size_t i = 0; i < args.n; i++)
		free(args.v[i]);
	for (size_t i = 0; i < fields.n; i++)
		free(fields.v[i]);
	free(methods.v);
	free(patterns.v);
	free(args.v);
	free(fields.v);
}

static void test_ids_of_other_classes_and_schools_get_403(void **state)
{
	(void)state;
	char p[200];
	/* The teacher's own student: allowed (the control). */
	snprintf(p, sizeof p, "/api/people/%lld", (long long)fx.own_student);
	assert_int_equal(call("GET", p, fx.teacher, NULL, NULL, NULL), 200);
	/* Another class, another school, and an id that does not exist: all
	 * 403, indistinguishable. */
	int64_t ids[3] = { fx.other_student, fx.foreign_student, 987654321 };
	char *first = NULL;
	for (int i = 0; i < 3; i++) {
		char *body = NULL;
		snprintf(p, sizeof p, "/api/people/%lld", (long long)ids[i]);
		assert_int_equal(call("GET", p, fx.teacher, NULL, NULL, &body), 403);
		if (!first)
			first = body;
		else {
			assert_string_equal(first, body);
			free(body);
		}
		snprintf(p, sizeof p, "/api/people/%lld/timeline", (long long)ids[i]);
		assert_int_equal(call("GET", p, fx.teacher, NULL, NULL, NULL), 403);
		snprintf(p, sizeof p, "/api/people/%lld/declarations", (long long)ids[i]);
		assert_int_equal(call("GET", p, fx.teacher, NULL, NULL, NULL), 403);
	}
	free(first);
	/* The admin of the first school: the other school's person is 403,
	 * not 404, and cannot be changed. */
	snprintf(p, sizeof p, "/api/people/%lld", (long long)fx.foreign_student);
	assert_int_equal(call("GET", p, fx.admin, NULL, NULL, NULL), 403);
	assert_int_equal(call("PATCH", p, fx.admin, "Content-Type: application/json\r\n",
			      "{\"name\":\"改名\"}", NULL), 403);
	assert_int_equal(q_int("SELECT COUNT(*) FROM person WHERE name = '外校生'"), 1);
	/* Classes. */
	long long cls[2] = { (long long)fx.other_class, (long long)fx.foreign_class };
	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof p, "/api/checks?class_id=%lld", cls[i]);
		assert_int_equal(call("GET", p, fx.teacher, NULL, NULL, NULL), 403);
		char body[300];
		snprintf(body, sizeof body,
			 "{\"class_id\":%lld,\"date\":\"2020-06-01\",\"session\":\"morning\",\"entries\":[]}", cls[i]);
		assert_int_equal(call("POST", "/api/checks", fx.teacher, "Content-Type: application/json\r\n", body,
				      NULL), 403);
	}
	snprintf(p, sizeof p, "/api/checks?class_id=%lld", (long long)fx.foreign_class);
	assert_int_equal(call("GET", p, fx.admin, NULL, NULL, NULL), 403);
	assert_int_equal(q_int("SELECT COUNT(*) FROM check_submission WHERE date = '2020-06-01'"), 0);
}

static void test_guessed_revoked_and_expired_tokens_are_refused(void **state)
{
	(void)state;
	const char *reading = "{\"person\":\"1\",\"temperature\":36.5,\"time\":1589240000}";
	int64_t readings = q_int("SELECT COUNT(*) FROM gate_reading");
	char h[300];
	/* Guessed device tokens. */
	static const char *const guesses[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"' OR '1'='1",
		"",
	};
	for (size_t i = 0; i < sizeof guesses / sizeof guesses[0]; i++) {
		snprintf(h, sizeof h, "Authorization: Bearer %s\r\n", guesses[i]);
		assert_int_equal(call("POST", "/api/gate/readings", NULL, h, reading, NULL), 401);
	}
	/* The stored hash used as the token. */
	sqlite3 *db = db_open();
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "SELECT token_hash FROM gate_device WHERE name = 'attack'", -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(h, sizeof h, "Authorization: Bearer %s\r\n", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_int_equal(call("POST", "/api/gate/readings", NULL, h, reading, NULL), 401);
	/* The real token works (the control). */
	snprintf(h, sizeof h, "Authorization: Bearer %s\r\n", fx.device);
	assert_int_equal(call("POST", "/api/gate/readings", NULL, h, reading, NULL), 200);
	assert_int_equal(q_int("SELECT COUNT(*) FROM gate_reading"), readings + 1);

	/* A declaration link: works, then expires. */
	char body[200], *out = NULL;
	snprintf(body, sizeof body, "{\"person_ids\":[%lld]}", (long long)fx.own_student);
	assert_int_equal(call("POST", "/api/declare/links", fx.admin, "Content-Type: application/json\r\n", body, &out),
			 201);
	cJSON *j = cJSON_Parse(out);
	free(out);
	const cJSON *tok = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0), "token");
	assert_true(cJSON_IsString(tok));
	snprintf(fx.declare_token, sizeof fx.declare_token, "%s", tok->valuestring);
	cJSON_Delete(j);
	char p[200];
	snprintf(p, sizeof p, "/api/declare/%s", fx.declare_token);
	assert_int_equal(call("GET", p, NULL, NULL, NULL, NULL), 200);
	snprintf(p, sizeof p, "/api/report/%s", fx.report_token);
	assert_int_equal(call("GET", p, NULL, NULL, NULL, NULL), 200);
	/* Guessed links. */
	static const char *const link_guesses[] = {
		"/api/declare/0000000000000000000000000000000000000000000000000000000000000000",
		"/api/declare/1",
		"/api/report/0000000000000000000000000000000000000000000000000000000000000000",
		"/api/report/%27%20OR%20%271%27%3D%271",
	};
	for (size_t i = 0; i < sizeof link_guesses / sizeof link_guesses[0]; i++) {
		int s = call("GET", link_guesses[i], NULL, NULL, NULL, NULL);
		if (s != 401 && s != 404)
			fail_msg("%s: %d, want 401 or 404", link_guesses[i], s);
	}
	/* An expired self-report link. */
	snprintf(p, sizeof p, "/api/report/%s", fx.report_expired);
	assert_int_equal(call("GET", p, NULL, NULL, NULL, NULL), 404);
	int64_t checks = q_int("SELECT COUNT(*) FROM followup_check");
	assert_int_equal(call("POST", p, NULL, "Content-Type: application/json\r\n",
			      "{\"temperature\":36.5,\"symptoms\":[]}", NULL), 404);
	assert_int_equal(q_int("SELECT COUNT(*) FROM followup_check"), checks);

	/* Time passes (the links expire) and the device is revoked; the
	 * server is restarted so that no cache hides the change. */
	exec_sql("UPDATE declare_link SET expires_at = 1000; UPDATE followup_link SET expires_at = 1000;"
		 "UPDATE gate_device SET disabled = 1 WHERE name = 'attack'");
	restart_server();
	login("admin", "admin123", fx.admin, sizeof fx.admin);
	login("teacher", "teacher123", fx.teacher, sizeof fx.teacher);
	readings = q_int("SELECT COUNT(*) FROM gate_reading");
	assert_int_equal(call("POST", "/api/gate/readings", NULL, h, reading, NULL), 401);
	assert_int_equal(q_int("SELECT COUNT(*) FROM gate_reading"), readings);
	snprintf(p, sizeof p, "/api/declare/%s", fx.declare_token);
	int s = call("GET", p, NULL, NULL, NULL, NULL);
	if (s != 401 && s != 404 && s != 410)
		fail_msg("expired declaration link: %d", s);
	int64_t decl = q_int("SELECT COUNT(*) FROM declaration");
	s = call("POST", p, NULL, "Content-Type: application/json\r\n",
		 "{\"reporter\":\"guardian\",\"guardian_name\":\"x\",\"relation\":\"父亲\",\"consent\":true,"
		 "\"items\":[{\"kind\":\"health\",\"date_from\":\"2020-05-10\",\"temperature\":36.5}]}",
		 NULL);
	if (s != 401 && s != 404 && s != 410)
		fail_msg("expired declaration link, POST: %d", s);
	assert_int_equal(q_int("SELECT COUNT(*) FROM declaration"), decl);
	snprintf(p, sizeof p, "/api/report/%s", fx.report_token);
	assert_int_equal(call("GET", p, NULL, NULL, NULL, NULL), 404);
}

static void test_audit_log_cannot_be_altered_through_the_api(void **state)
{
	(void)state;
	char *before = NULL;
	assert_int_equal(call("GET", "/api/audit?limit=5", fx.admin, NULL, NULL, &before), 200);
	int64_t n = q_int("SELECT COUNT(*) FROM audit_log");
	int64_t last = q_int("SELECT MAX(id) FROM audit_log");
	char sql[300];
	snprintf(sql, sizeof sql,
		 "SELECT SUM(length(action) + length(username) + length(detail) + length(entity_id) + at + id)"
		 " FROM audit_log WHERE id <= %lld", (long long)last);
	int64_t sum = q_int(sql);
	static const char *const methods[] = { "POST", "PUT", "PATCH", "DELETE" };
	static const char *const paths[] = { "/api/audit", "/api/audit/1", "/api/audit?id=1", "/api/audit/1/delete" };
	for (size_t m = 0; m < 4; m++)
		for (size_t p = 0; p < 4; p++) {
			int st = call(methods[m], paths[p], fx.admin, "Content-Type: application/json\r\n",
				      "{\"id\":1,\"action\":\"nothing\",\"detail\":\"\"}", NULL);
			if (st != 404 && st != 405)
				fail_msg("%s %s: %d, want 404 or 405", methods[m], paths[p], st);
		}
	/* Teachers do not even read it. */
	assert_int_equal(call("GET", "/api/audit", fx.teacher, NULL, NULL, NULL), 403);
	/* Rows only grow; the old ones are untouched. */
	assert_true(q_int("SELECT COUNT(*) FROM audit_log") >= n);
	assert_int_equal(q_int(sql), sum);
	/* And the database itself refuses: triggers make it append-only. */
	sqlite3 *db = db_open();
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit_log SET detail = 'x'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit_log", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(before);
}

/* Does the file hold needle (as bytes)? */
static int file_holds(const char *path, const char *needle)
{
	size_t len = 0;
	char *data = tu_read_file(path, &len);
	if (!data)
		return 0;
	size_t nl = strlen(needle);
	int found = 0;
	for (size_t i = 0; i + nl <= len && !found; i++)
		found = !memcmp(data + i, needle, nl);
	free(data);
	return found;
}

static void test_tokens_and_session_ids_are_stored_hashed(void **state)
{
	(void)state;
	char cookie[300];
	login("reporter", "reporter123", cookie, sizeof cookie);
	const char *sid = strchr(cookie, '=') + 1;
	assert_int_equal(strlen(sid), 64);
	/* The raw values are nowhere in the database, its log or shared memory. */
	const char *secrets[] = { sid, fx.device, fx.report_token, fx.declare_token };
	char files[3][600];
	snprintf(files[0], sizeof files[0], "%s", fx.db);
	snprintf(files[1], sizeof files[1], "%s-wal", fx.db);
	snprintf(files[2], sizeof files[2], "%s-shm", fx.db);
	for (size_t s = 0; s < 4; s++) {
		if (!secrets[s][0])
			continue;
		for (int f = 0; f < 3; f++)
			if (file_holds(files[f], secrets[s]))
				fail_msg("secret %zu is stored in clear in %s", s, files[f]);
	}
	/* Their SHA-256 is what is kept. */
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[65], sql[300];
	crypto_hash_sha256(h, (const unsigned char *)sid, 64);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM app_session WHERE token_hash = '%s'", hex);
	assert_int_equal(q_int(sql), 1);
	/* Passwords: argon2id. */
	assert_int_equal(q_int("SELECT COUNT(*) FROM app_user WHERE pw_hash NOT LIKE '$argon2id$%'"), 0);
}

static void test_security_headers_on_every_kind_of_answer(void **state)
{
	(void)state;
	/* call() checks the headers; here every kind of answer once. */
	assert_int_equal(call("GET", "/", NULL, NULL, NULL, NULL), 200);
	assert_int_equal(call("GET", "/index.html", NULL, NULL, NULL, NULL), 200);
	assert_int_equal(call("GET", "/healthz", NULL, NULL, NULL, NULL), 200);
	assert_int_equal(call("GET", "/api/people", NULL, NULL, NULL, NULL), 401);
	assert_int_equal(call("GET", "/api/nothing", fx.admin, NULL, NULL, NULL), 404);
	assert_int_equal(call("GET", "/nothing.js", NULL, NULL, NULL, NULL), 404);
	assert_int_equal(call("PUT", "/healthz", NULL, NULL, "{}", NULL), 405);
	assert_int_equal(call("GET", "/api/audit", fx.teacher, NULL, NULL, NULL), 403);
	assert_int_equal(call("POST", "/api/people", fx.admin, NULL, "{", NULL), 400);
	httpc_resp r;
	assert_int_equal(httpc_request(fx.srv.port, "GET", "/index.html", NULL, NULL, 0, &r), 0);
	char etag[200], h[300];
	httpc_header(&r, "ETag", etag, sizeof etag);
	httpc_free(&r);
	snprintf(h, sizeof h, "If-None-Match: %s\r\n", etag);
	assert_int_equal(call("GET", "/index.html", NULL, h, NULL, NULL), 304);
	/* Referrer-Policy and frame options have the strict values. */
	assert_int_equal(httpc_request(fx.srv.port, "GET", "/healthz", NULL, NULL, 0, &r), 0);
	char v[200];
	httpc_header(&r, "Referrer-Policy", v, sizeof v);
	assert_string_equal(v, "no-referrer");
	httpc_header(&r, "X-Frame-Options", v, sizeof v);
	assert_string_equal(v, "DENY");
	httpc_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_security_headers_on_every_kind_of_answer),
		cmocka_unit_test(test_path_traversal_on_assets_is_refused),
		cmocka_unit_test(test_oversized_bodies_and_headers_are_refused),
		cmocka_unit_test(test_slow_clients_do_not_starve_others_and_are_cut_off),
		cmocka_unit_test(test_login_issues_a_new_session_id),
		cmocka_unit_test(test_cross_site_requests_are_refused),
		cmocka_unit_test(test_ids_of_other_classes_and_schools_get_403),
		cmocka_unit_test(test_guessed_revoked_and_expired_tokens_are_refused),
		cmocka_unit_test(test_audit_log_cannot_be_altered_through_the_api),
		cmocka_unit_test(test_tokens_and_session_ids_are_stored_hashed),
		cmocka_unit_test(test_sql_metacharacters_in_every_parameter_never_500),
		cmocka_unit_test(test_login_brute_force_is_rate_limited),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
