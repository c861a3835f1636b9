/*
 * test_api.c — the HTTP API against a real `jinyun serve` on a free
 * loopback port: login, sessions, the policy (401/403), validation (400,
 * 413), cross-site refusal, audit, paging, brute-force slow-down.
 *
 * The database is made with the binary itself (import roster, user add),
 * so the test goes through the same paths a school does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "httpc.h"
#include "testutil.h"

typedef struct fixture {
	char *dir;
	char db[512];
	test_server srv;
} fixture;

static fixture fx;

static const char roster_csv[] =
	"学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
	"2019010101,张伟,男,2019级,2019级机电1班,1-101,13800000001\n"
	"2019010102,李娜,女,2019级,2019级机电1班,2-201,13800000002\n"
	"2019010103,王强,男,2019级,2019级机电1班,1-101,13800000003\n"
	"2019020101,刘洋,男,2019级,2019级数控1班,1-102,13800000004\n"
	"2019020102,陈静,女,2019级,2019级数控1班,2-201,13800000005\n";

static int setup(void **state)
{
	(void)state;
	if (tu_school(&fx.dir, fx.db, sizeof fx.db, "api.db", roster_csv))
		return -1;
	static const struct {
		const char *name, *role, *scope, *pw;
	} users[] = {
		{ "admin", "admin", NULL, "admin-pass-1" },
		{ "principal", "principal", NULL, "principal-pass-1" },
		{ "teacher", "teacher", "2019级机电1班", "teacher-pass-1" },
		{ "gate", "gate", NULL, "gate-pass-1" },
		{ "victim", "reporter", NULL, "victim-pass-1" },
	};
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
		if (tu_user_add(fx.db, users[i].name, users[i].role, users[i].scope, users[i].pw))
			return -1;
	return test_server_start(&fx.srv, fx.db);
}

static int teardown(void **state)
{
	(void)state;
	test_server_stop(&fx.srv);
	tu_rmtree_free(fx.dir);
	return 0;
}

/* Log in and return "Cookie: jy_session=…\r\n" (static buffer per call site). */
static void login(const char *user, const char *pw, char *cookie_hdr, size_t size)
{
	char body[256];
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
	httpc_resp r;
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/session", NULL, body, strlen(body), &r), 0);
	assert_int_equal(r.status, 200);
	char sc[512];
	httpc_header(&r, "Set-Cookie", sc, sizeof sc);
	assert_non_null(strstr(sc, "HttpOnly"));
	assert_non_null(strstr(sc, "SameSite=Strict"));
	char *semi = strchr(sc, ';');
	if (semi)
		*semi = 0;
	snprintf(cookie_hdr, size, "Cookie: %.200s\r\n", sc);
	httpc_free(&r);
}

static int get_status(const char *method, const char *path, const char *hdrs, const char *body)
{
	httpc_resp r;
	if (httpc_request(fx.srv.port, method, path, hdrs, body, body ? strlen(body) : 0, &r))
		return -1;
	int s = r.status;
	httpc_free(&r);
	return s;
}

static cJSON *get_json(const char *path, const char *hdrs, int expect)
{
	httpc_resp r;
	assert_int_equal(httpc_request(fx.srv.port, "GET", path, hdrs, NULL, 0, &r), 0);
	if (r.status != expect)
		fprintf(stderr, "GET %s: %d %s\n", path, r.status, r.body);
	assert_int_equal(r.status, expect);
	cJSON *j = cJSON_Parse(r.body);
	assert_non_null(j);
	httpc_free(&r);
	return j;
}

static int64_t class_id_named(const char *cookie, const char *name)
{
	cJSON *j = get_json("/api/classes", cookie, 200);
	int64_t id = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
		if (!strcmp(cJSON_GetObjectItem(it, "name")->valuestring, name))
			id = (int64_t)cJSON_GetObjectItem(it, "id")->valuedouble;
	cJSON_Delete(j);
	return id;
}

static int64_t person_id_numbered(const char *cookie, const char *number)
{
	char path[256];
	snprintf(path, sizeof path, "/api/people?q=%s", number);
	cJSON *j = get_json(path, cookie, 200);
	cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0);
	int64_t id = first ? (int64_t)cJSON_GetObjectItem(first, "id")->valuedouble : 0;
	cJSON_Delete(j);
	return id;
}

static void test_healthz_needs_no_login_and_has_security_headers(void **state)
{
	(void)state;
	httpc_resp r;
	assert_int_equal(httpc_request(fx.srv.port, "GET", "/healthz", NULL, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"ok\":true}");
	char h[512];
	httpc_header(&r, "Content-Security-Policy", h, sizeof h);
	assert_non_null(strstr(h, "frame-ancestors 'none'"));
	httpc_header(&r, "X-Content-Type-Options", h, sizeof h);
	assert_string_equal(h, "nosniff");
	httpc_header(&r, "Referrer-Policy", h, sizeof h);
	assert_string_equal(h, "no-referrer");
	httpc_free(&r);
}

static void test_api_without_session_is_401_even_for_unknown_paths(void **state)
{
	(void)state;
	assert_int_equal(get_status("GET", "/api/people", NULL, NULL), 401);
	assert_int_equal(get_status("GET", "/api/people/1", NULL, NULL), 401);
	assert_int_equal(get_status("GET", "/api/no-such-thing", NULL, NULL), 401);
	assert_int_equal(get_status("GET", "/api/people", "Cookie: jy_session=deadbeef\r\n", NULL), 401);
}

static void test_login_failure_is_the_same_for_unknown_user_and_wrong_password(void **state)
{
	(void)state;
	httpc_resp a, b;
	const char *wrong_pw = "{\"username\":\"admin\",\"password\":\"nope-nope\"}";
	const char *no_user = "{\"username\":\"nobody\",\"password\":\"nope-nope\"}";
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/session", NULL, wrong_pw, strlen(wrong_pw), &a), 0);
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/session", NULL, no_user, strlen(no_user), &b), 0);
	assert_int_equal(a.status, 401);
	assert_int_equal(b.status, 401);
	assert_string_equal(a.body, b.body);
	httpc_free(&a);
	httpc_free(&b);
}

static void test_teacher_sees_only_own_class(void **state)
{
	(void)state;
	char admin[256], teacher[256];
	login("admin", "admin-pass-1", admin, sizeof admin);
	login("teacher", "teacher-pass-1", teacher, sizeof teacher);
	int64_t own = class_id_named(admin, "2019级机电1班");
	int64_t other = class_id_named(admin, "2019级数控1班");
	assert_true(own > 0 && other > 0);
	char path[128];
	snprintf(path, sizeof path, "/api/people?class_id=%lld", (long long)own);
	cJSON *j = get_json(path, teacher, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 3);
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/people?class_id=%lld", (long long)other);
	assert_int_equal(get_status("GET", path, teacher, NULL), 403);
	assert_int_equal(get_status("GET", "/api/people", teacher, NULL), 403);
	/* A person of the other class, and an id that does not exist: both 403. */
	int64_t stranger = person_id_numbered(admin, "2019020101");
	snprintf(path, sizeof path, "/api/people/%lld", (long long)stranger);
	assert_int_equal(get_status("GET", path, teacher, NULL), 403);
	assert_int_equal(get_status("GET", "/api/people/999999", teacher, NULL), 403);
	assert_int_equal(get_status("GET", "/api/people/999999", admin, NULL), 404);
	/* The teacher's class list holds only their class. */
	j = get_json("/api/classes", teacher, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 1);
	cJSON_Delete(j);
	/* Gate staff see no personal data. */
	char gate[256];
	login("gate", "gate-pass-1", gate, sizeof gate);
	assert_int_equal(get_status("GET", "/api/people", gate, NULL), 403);
}

static void test_people_paging_and_person_read_is_audited(void **state)
{
	(void)state;
	char admin[256];
	login("admin", "admin-pass-1", admin, sizeof admin);
	cJSON *j = get_json("/api/people?limit=2&total=1", admin, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 2);
	assert_int_equal((int)cJSON_GetObjectItem(j, "total")->valuedouble, 5);
	int64_t after = (int64_t)cJSON_GetObjectItem(j, "next_after")->valuedouble;
	cJSON_Delete(j);
	char path[128];
	snprintf(path, sizeof path, "/api/people?limit=2&after=%lld", (long long)after);
	j = get_json(path, admin, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 2);
	cJSON_Delete(j);

	int64_t id = person_id_numbered(admin, "2019010102");
	snprintf(path, sizeof path, "/api/people/%lld", (long long)id);
	j = get_json(path, admin, 200);
	cJSON *p = cJSON_GetObjectItem(j, "person");
	assert_string_equal(cJSON_GetObjectItem(p, "name")->valuestring, "李娜");
	assert_string_equal(cJSON_GetObjectItem(p, "dorm")->valuestring, "2-201");
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/audit?person_id=%lld", (long long)id);
	j = get_json(path, admin, 200);
	int reads = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
		reads += !strcmp(cJSON_GetObjectItem(it, "action")->valuestring, "read") &&
			 !strcmp(cJSON_GetObjectItem(it, "username")->valuestring, "admin");
	assert_true(reads >= 1);
	cJSON_Delete(j);
	/* Only admins read the audit log, and nobody changes it. */
	char principal[256];
	login("principal", "principal-pass-1", principal, sizeof principal);
	assert_int_equal(get_status("GET", "/api/audit", principal, NULL), 403);
	assert_int_equal(get_status("DELETE", "/api/audit", admin, NULL), 405);
	assert_int_equal(get_status("PUT", "/api/audit", admin, "{}"), 405);
}

static void test_bad_bodies_get_clear_4xx(void **state)
{
	(void)state;
	char admin[256];
	login("admin", "admin-pass-1", admin, sizeof admin);
	char hdr[512];
	snprintf(hdr, sizeof hdr, "%sContent-Type: application/json\r\n", admin);
	httpc_resp r;
	const char *trunc = "{\"number\":\"X1\",\"name\":\"赵";
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/people", hdr, trunc, strlen(trunc), &r), 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "malformed JSON"));
	httpc_free(&r);
	const char *wrong_type = "{\"number\":42,\"name\":\"赵六\"}";
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/people", hdr, wrong_type, strlen(wrong_type), &r), 0);
	assert_int_equal(r.status, 400);
	cJSON *j = cJSON_Parse(r.body);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "field")->valuestring, "number");
	cJSON_Delete(j);
	httpc_free(&r);
	const char *bad_gender = "{\"number\":\"2019010199\",\"name\":\"赵六\",\"gender\":\"X\",\"class\":\"2019级机电1班\"}";
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/people", hdr, bad_gender, strlen(bad_gender), &r), 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "\"field\":\"gender\""));
	httpc_free(&r);
	size_t big = 2 * 1024 * 1024;
	char *huge = malloc(big);
	memset(huge, 'a', big);
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/people", hdr, huge, big, &r), 0);
	assert_int_equal(r.status, 413);
	httpc_free(&r);
	free(huge);
	/* A good one is created, then refused as a duplicate. */
	const char *good = "{\"number\":\"2019010199\",\"name\":\"赵六\",\"gender\":\"男\",\"class\":\"2019级机电1班\",\"key_groups\":[\"抗疫一线人员子女\"]}";
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/people", hdr, good, strlen(good), &r), 0);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(r.body, "frontline_child"));
	httpc_free(&r);
	assert_int_equal(get_status("POST", "/api/people", hdr, good), 409);
}

static void test_cross_site_writes_are_refused(void **state)
{
	(void)state;
	char admin[256], hdr[512];
	login("admin", "admin-pass-1", admin, sizeof admin);
	snprintf(hdr, sizeof hdr, "%sOrigin: http://evil.example\r\n", admin);
	const char *body = "{\"name\":\"操场2\",\"kind\":\"playground\",\"capacity\":500}";
	assert_int_equal(get_status("POST", "/api/places", hdr, body), 403);
	snprintf(hdr, sizeof hdr, "%sOrigin: http://127.0.0.1:%d\r\n", admin, fx.srv.port);
	assert_int_equal(get_status("POST", "/api/places", hdr, body), 201);
	cJSON *j = get_json("/api/places?kind=playground", admin, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 1);
	cJSON_Delete(j);
}

static void test_logout_ends_the_session(void **state)
{
	(void)state;
	char p[256];
	login("principal", "principal-pass-1", p, sizeof p);
	assert_int_equal(get_status("GET", "/api/session", p, NULL), 200);
	assert_int_equal(get_status("DELETE", "/api/session", p, NULL), 200);
	assert_int_equal(get_status("GET", "/api/session", p, NULL), 401);
}

static void test_teacher_submits_check_and_census_and_alert_follow(void **state)
{
	(void)state;
	char admin[256], teacher[256], principal[256];
	login("admin", "admin-pass-1", admin, sizeof admin);
	login("teacher", "teacher-pass-1", teacher, sizeof teacher);
	login("principal", "principal-pass-1", principal, sizeof principal);
	int64_t own = class_id_named(admin, "2019级机电1班");
	int64_t other = class_id_named(admin, "2019级数控1班");
	char path[160], body[1024];
	snprintf(path, sizeof path, "/api/checks?class_id=%lld&date=2020-05-12", (long long)own);
	cJSON *j = get_json(path, teacher, 200);
	/* Three from the roster and one created by an earlier test. */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "students")), 4);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "submitted")));
	cJSON_Delete(j);
	/* Three feverish students of one class on one day: an alert at once. */
	snprintf(body, sizeof body,
		 "{\"class_id\":%lld,\"date\":\"2020-05-12\",\"session\":\"morning\",\"entries\":["
		 "{\"student_no\":\"2019010101\",\"temperature\":38.4,\"symptoms\":[\"cough\"]},"
		 "{\"student_no\":\"2019010102\",\"temperature\":37.9},"
		 "{\"student_no\":\"2019010103\",\"status\":\"absent_sick\",\"symptoms\":[\"发热\"]}]}",
		 (long long)own);
	httpc_resp r;
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/checks", teacher, body, strlen(body), &r), 0);
	if (r.status != 200)
		fprintf(stderr, "%s\n", r.body);
	assert_int_equal(r.status, 200);
	j = cJSON_Parse(r.body);
	assert_int_equal((int)cJSON_GetObjectItem(j, "present")->valuedouble, 3);
	assert_int_equal((int)cJSON_GetObjectItem(j, "febrile")->valuedouble, 2);
	const cJSON *alerts = cJSON_GetObjectItem(j, "alerts");
	assert_true(cJSON_GetArraySize(alerts) >= 1);
	const cJSON *a0 = cJSON_GetArrayItem(alerts, 0);
	assert_string_equal(cJSON_GetObjectItem(a0, "code")->valuestring, "fever");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(a0, "new")));
	int alert_id = (int)cJSON_GetObjectItem(a0, "id")->valuedouble;
	cJSON_Delete(j);
	httpc_free(&r);
	/* The principal's census has changed; the teacher may not see it. */
	j = get_json("/api/census?date=2020-05-12", principal, 200);
	const cJSON *school = cJSON_GetObjectItem(j, "school");
	assert_int_equal((int)cJSON_GetObjectItem(school, "absent_sick")->valuedouble, 1);
	assert_int_equal((int)cJSON_GetObjectItem(school, "submitted")->valuedouble, 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "not_submitted")), 1);
	cJSON_Delete(j);
	assert_int_equal(get_status("GET", "/api/census?date=2020-05-12", teacher, NULL), 403);
	j = get_json("/api/census/people?date=2020-05-12&what=febrile", principal, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 2);
	cJSON_Delete(j);
	/* The alert with its people and its response tasks. */
	snprintf(path, sizeof path, "/api/alerts/%d", alert_id);
	j = get_json(path, principal, 200);
	const cJSON *al = cJSON_GetObjectItem(j, "alert");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(al, "people")), 3);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(al, "tasks")), 5);
	int task = (int)cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(al, "tasks"), 1), "id")->valuedouble;
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/tasks/%d/done", task);
	assert_int_equal(get_status("POST", path, admin, "{\"note\":\"已报告区疾控\"}"), 200);
	/* Not their class, and not a valid temperature. */
	snprintf(body, sizeof body, "{\"class_id\":%lld,\"entries\":[]}", (long long)other);
	assert_int_equal(get_status("POST", "/api/checks", teacher, body), 403);
	snprintf(body, sizeof body,
		 "{\"class_id\":%lld,\"entries\":[{\"student_no\":\"2019010101\",\"temperature\":45}]}",
		 (long long)own);
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/checks", teacher, body, strlen(body), &r), 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "entries[0].temperature"));
	httpc_free(&r);
	snprintf(body, sizeof body,
		 "{\"class_id\":%lld,\"entries\":[{\"student_no\":\"2019020101\"}]}", (long long)own);
	assert_int_equal(get_status("POST", "/api/checks", teacher, body), 400);
}

static void test_admin_manages_users_and_users_change_their_password(void **state)
{
	(void)state;
	char admin[256], principal[256];
	login("admin", "admin-pass-1", admin, sizeof admin);
	login("principal", "principal-pass-1", principal, sizeof principal);
	assert_int_equal(get_status("GET", "/api/users", principal, NULL), 403);
	const char *nu = "{\"username\":\"doctor2\",\"password\":\"doctor-pass-2\",\"role\":\"reporter\"}";
	httpc_resp r;
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/users", admin, nu, strlen(nu), &r), 0);
	assert_int_equal(r.status, 201);
	cJSON *j = cJSON_Parse(r.body);
	int id = (int)cJSON_GetObjectItem(cJSON_GetObjectItem(j, "user"), "id")->valuedouble;
	cJSON_Delete(j);
	httpc_free(&r);
	assert_int_equal(get_status("POST", "/api/users", admin, nu), 409);
	const char *weak = "{\"username\":\"x1\",\"password\":\"short\",\"role\":\"reporter\"}";
	assert_int_equal(get_status("POST", "/api/users", admin, weak), 400);
	char doc[256];
	login("doctor2", "doctor-pass-2", doc, sizeof doc);
	const char *chg = "{\"old\":\"doctor-pass-2\",\"new\":\"doctor-pass-3\"}";
	assert_int_equal(get_status("POST", "/api/session/password", doc, chg), 200);
	login("doctor2", "doctor-pass-3", doc, sizeof doc);
	/* Disabling ends the account's sessions at once. */
	char path[64];
	snprintf(path, sizeof path, "/api/users/%d", id);
	assert_int_equal(get_status("PATCH", path, admin, "{\"disabled\":true}"), 200);
	assert_int_equal(get_status("GET", "/api/session", doc, NULL), 401);
	j = get_json("/api/users", admin, 200);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")) >= 6);
	cJSON_Delete(j);
}

static void test_repeated_login_failures_slow_down(void **state)
{
	(void)state;
	const char *bad = "{\"username\":\"victim\",\"password\":\"guess-guess\"}";
	for (int i = 0; i < 5; i++)
		assert_int_equal(get_status("POST", "/api/session", NULL, bad), 401);
	assert_int_equal(get_status("POST", "/api/session", NULL, bad), 429);
	/* Even the right password waits now. */
	const char *good = "{\"username\":\"victim\",\"password\":\"victim-pass-1\"}";
	assert_int_equal(get_status("POST", "/api/session", NULL, good), 429);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthz_needs_no_login_and_has_security_headers),
		cmocka_unit_test(test_api_without_session_is_401_even_for_unknown_paths),
		cmocka_unit_test(test_login_failure_is_the_same_for_unknown_user_and_wrong_password),
		cmocka_unit_test(test_teacher_sees_only_own_class),
		cmocka_unit_test(test_people_paging_and_person_read_is_audited),
		cmocka_unit_test(test_bad_bodies_get_clear_4xx),
		cmocka_unit_test(test_cross_site_writes_are_refused),
		cmocka_unit_test(test_logout_ends_the_session),
		cmocka_unit_test(test_teacher_submits_check_and_census_and_alert_follow),
		cmocka_unit_test(test_admin_manages_users_and_users_change_their_password),
		cmocka_unit_test(test_repeated_login_failures_slow_down),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
