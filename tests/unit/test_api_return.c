/*
 * test_api_return.c — the return to school over HTTP, against a real
 * `jinyun serve`: gate readings from a device token (the exact contract:
 * 200 decision/reason, 401, 400), the observation room and the alert,
 * personal declaration links without an account (guardian consent), the
 * overview and the names behind it, hold lifts by the reporter only, risk
 * regions and screening rules, students who cannot return and their
 * tutoring, key-group carers — and the policy on each.
 *
 * The school is made with the binary itself (import roster, batches, risk
 * regions, declarations; screen; device add; user add).
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
#include <sqlite3.h>

#include "apifix.h"
#include "testutil.h"

typedef struct fixture {
	char *dir;
	char db[512];
	char token[80];
	test_server srv;
} fixture;

static fixture fx;

static const char roster_csv[] =
	"学号,姓名,性别,年级,班级,宿舍,监护人电话,重点群体\n"
	"S01,张一,男,2019级,一班,A101,13800000001,抗疫一线人员子女\n"
	"S02,张二,男,2019级,一班,A101,13800000002,\n"
	"S03,张三,男,2019级,一班,A102,13800000003,\n"
	"S06,张六,男,2019级,一班,A102,13800000006,\n"
	"S07,张七,男,2019级,一班,A102,13800000007,\n"
	"S04,李四,女,2019级,二班,B201,13800000004,\n"
	"S05,李五,女,2019级,二班,B201,13800000005,\n";

static const char batches_csv[] = "batch,class,return_date\n第一批,一班,2020-05-12\n第二批,二班,2020-05-19\n";
static const char risks_csv[] =
	"region,level,valid_from,valid_to\n湖北省/武汉市,high,2020-01-20,\n北京市/丰台区,medium,2020-04-01,2020-06-30\n";
static const char decl_csv[] =
	"person_no,kind,date_from,date_to,region,temperature,symptoms,note\n"
	"S01,health,2020-05-10,,,36.5,,\n"
	"S02,stay,2020-04-28,2020-05-03,湖北省/武汉市/武昌区,,,\n"
	"S03,stay,2020-05-01,2020-05-05,北京市/丰台区,,,\n"
	"S07,health,2020-05-08,,,38.1,,\n"
	"S04,stay,2020-05-01,2020-05-02,境外/日本,,,\n";

static int setup(void **state)
{
	(void)state;
	if (tu_school(&fx.dir, fx.db, sizeof fx.db, "ret.db", roster_csv) ||
	    tu_import(fx.db, fx.dir, "batches", "b.csv", batches_csv) ||
	    tu_import(fx.db, fx.dir, "risk-regions", "r.csv", risks_csv) ||
	    tu_import(fx.db, fx.dir, "declarations", "d.csv", decl_csv))
		return -1;
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s screen --db %s --date 2020-05-12", tu_jinyun_bin(), fx.db);
	if (tu_run_ok(cmd, NULL, NULL))
		return -1;
	static const struct {
		const char *name, *role, *scope;
	} users[] = {
		{ "admin", "admin", NULL },       { "principal", "principal", NULL },
		{ "reporter", "reporter", NULL }, { "teacher", "teacher", "一班" },
		{ "teacher2", "teacher", "二班" }, { "gate", "gate", NULL },
	};
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
		if (tu_user_add(fx.db, users[i].name, users[i].role, users[i].scope,
				"secret-pass-1"))
			return -1;
	char *out = NULL;
	snprintf(cmd, sizeof cmd, "%s device add --db %s --name 东门1号 --gate 东门", tu_jinyun_bin(), fx.db);
	if (tu_run_ok(cmd, NULL, &out) || !out || strlen(out) != 65) {
		free(out);
		return -1;
	}
	snprintf(fx.token, sizeof fx.token, "%.64s", out);
	free(out);
	return test_server_start(&fx.srv, fx.db);
}

static int teardown(void **state)
{
	(void)state;
	test_server_stop(&fx.srv);
	tu_rmtree_free(fx.dir);
	return 0;
}

/* Everyone here has the password secret-pass-1. */
static void login(const char *user, char *cookie_hdr, size_t size)
{
	api_login(fx.srv.port, user, "secret-pass-1", cookie_hdr, size);
}

static void status_is(const char *method, const char *path, const char *hdrs, const char *body, int expect)
{
	cJSON_Delete(api_json(fx.srv.port, method, path, hdrs, body, expect));
}

static cJSON *gate_post(const char *auth, const char *body, int expect)
{
	char hdr[200] = "";
	if (auth)
		snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", auth);
	return api_json(fx.srv.port, "POST", "/api/gate/readings", hdr, body, expect);
}

static const char *decision(const cJSON *j)
{
	return cJSON_GetObjectItem(j, "decision")->valuestring;
}

static int64_t person_id(const char *cookie, const char *number)
{
	char path[128];
	snprintf(path, sizeof path, "/api/people?q=%s", number);
	cJSON *j = api_json(fx.srv.port, "GET", path, cookie, NULL, 200);
	int64_t id = (int64_t)cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0), "id")->valuedouble;
	cJSON_Delete(j);
	return id;
}

static int64_t class_id(const char *cookie, const char *name)
{
	cJSON *j = api_json(fx.srv.port, "GET", "/api/classes", cookie, NULL, 200);
	int64_t id = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
		if (!strcmp(cJSON_GetObjectItem(it, "name")->valuestring, name))
			id = (int64_t)cJSON_GetObjectItem(it, "id")->valuedouble;
	cJSON_Delete(j);
	return id;
}

/* ---- the gate ---- */

/* SQL on the test's database through a connection of its own (SQLite). */
static void exec_sql(const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	if (sqlite3_open(fx.db, &db) != SQLITE_OK || sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("SQL failed: %s: %s", msg ? msg : sqlite3_errmsg(db), sql);
	sqlite3_close(db);
}

/* The server's writer keeps the enabled devices (and the schools' plans) in
 * a cache (store/returns.c): a device disabled by another connection while
 * the server runs is refused from the next reading on.  (PostgreSQL
 * handles keep no cache.) */
static void gate_cache_follows_other_connections(const char *token)
{
	if (!strncmp(fx.db, "postgres", 8))
		return;
	const char *r = "{\"person\":\"S01\",\"temperature\":36.6,\"time\":\"2020-05-12T17:05:00+08:00\"}";
	cJSON_Delete(gate_post(token, r, 200)); /* the device is in the cache */
	exec_sql("UPDATE gate_device SET disabled = 1 WHERE name = '西门1号'");
	cJSON_Delete(gate_post(token, r, 401));
	exec_sql("UPDATE gate_device SET disabled = 0 WHERE name = '西门1号'");
	cJSON *j = gate_post(token, r, 200);
	assert_string_equal(decision(j), "admit");
	cJSON_Delete(j);
}

static void test_gate_reading_contract(void **state)
{
	(void)state;
	const char *ok = "{\"person\":\"S01\",\"temperature\":36.4,\"time\":\"2020-05-12T07:31:00+08:00\"}";
	/* Bad or missing token: 401, and nothing about the body is told. */
	cJSON_Delete(gate_post(NULL, ok, 401));
	cJSON_Delete(gate_post("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ok, 401));
	cJSON_Delete(gate_post("nope", "{", 401));
	/* Malformed: 400 naming the field. */
	cJSON *j = gate_post(fx.token, "{\"person\":\"S01\"", 400);
	cJSON_Delete(j);
	j = gate_post(fx.token, "{\"person\":\"S01\",\"temperature\":\"hot\",\"time\":\"2020-05-12T07:31:00Z\"}", 400);
	assert_string_equal(api_error_field(j), "temperature");
	cJSON_Delete(j);
	j = gate_post(fx.token, "{\"person\":\"S01\",\"temperature\":36.5,\"time\":\"yesterday\"}", 400);
	assert_string_equal(api_error_field(j), "time");
	cJSON_Delete(j);
	j = gate_post(fx.token, "{\"temperature\":36.5,\"time\":\"2020-05-12T07:31:00Z\"}", 400);
	assert_string_equal(api_error_field(j), "person");
	cJSON_Delete(j);
	j = gate_post(fx.token, "{\"person\":\"S01\",\"temperature\":60,\"time\":\"2020-05-12T07:31:00Z\"}", 400);
	assert_string_equal(api_error_field(j), "temperature");
	cJSON_Delete(j);
	/* The answers. */
	j = gate_post(fx.token, ok, 200);
	assert_string_equal(decision(j), "admit");
	assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "reason")));
	cJSON_Delete(j);
	j = gate_post(fx.token, "{\"person\":\"S03\",\"temperature\":37.5,\"time\":\"2020-05-12T07:40:00Z\"}", 200);
	assert_string_equal(decision(j), "recheck");
	cJSON_Delete(j);
	j = gate_post(fx.token, "{\"person\":\"S03\",\"temperature\":37.4,\"time\":\"2020-05-12T07:47:10Z\"}", 200);
	assert_string_equal(decision(j), "refuse");
	cJSON_Delete(j);
	j = gate_post(fx.token, "{\"person\":\"S02\",\"temperature\":36.2,\"time\":\"2020-05-12T07:32:00+08:00\"}", 200);
	assert_string_equal(decision(j), "refuse");
	assert_non_null(strstr(cJSON_GetObjectItem(j, "reason")->valuestring, "留置"));
	cJSON_Delete(j);
	j = gate_post(fx.token, "{\"person\":\"S05\",\"temperature\":36.2,\"time\":\"2020-05-12T07:33:00+08:00\"}", 200);
	assert_string_equal(decision(j), "refuse");
	cJSON_Delete(j);

	/* Everything is stored, the refused are in the observation room, and
	 * the alerts list (the surveillance's JSON) shows their alerts. */
	char admin[256];
	login("admin", admin, sizeof admin);
	j = api_json(fx.srv.port, "GET", "/api/gate/readings?date=2020-05-12", admin, NULL, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 5);
	cJSON_Delete(j);
	j = api_json(fx.srv.port, "GET", "/api/gate/observations?date=2020-05-12", admin, NULL,
		     200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 3);
	int64_t obs = (int64_t)cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0), "id")->valuedouble;
	cJSON_Delete(j);
	j = api_json(fx.srv.port, "GET", "/api/alerts", admin, NULL, 200);
	int gate_alerts = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
		if (!strcmp(cJSON_GetObjectItem(it, "code")->valuestring, "gate_refused")) {
			gate_alerts++;
			assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(it, "people")), 1);
		}
	assert_int_equal(gate_alerts, 3);
	cJSON_Delete(j);
	/* The reporter ends a stay; the gate staff role sees none of it. */
	char reporter[256], gate[256], path[128];
	login("reporter", reporter, sizeof reporter);
	login("gate", gate, sizeof gate);
	snprintf(path, sizeof path, "/api/gate/observations/%lld/end", (long long)obs);
	status_is("POST", path, gate, "{\"outcome\":\"released\"}", 403);
	status_is("POST", path, reporter, "{\"outcome\":\"maybe\"}", 400);
	j = api_json(fx.srv.port, "POST", path, reporter,
		     "{\"outcome\":\"sent_home\",\"note\":\"家长接回\"}", 200);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "observation"), "outcome")->valuestring, "sent_home");
	cJSON_Delete(j);
	status_is("POST", path, reporter, "{\"outcome\":\"released\"}", 409);
	/* The gate monitor: gate staff see the day's readings and counts. */
	j = api_json(fx.srv.port, "GET", "/api/gate/readings?date=2020-05-12&latest=2", gate, NULL,
		     200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 2);
	assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "counts"), "refuse")->valuedouble >= 1);
	cJSON_Delete(j);
	status_is("GET", "/api/gate/readings?latest=0", gate, NULL, 400);
	char teacher[256];
	login("teacher", teacher, sizeof teacher);
	status_is("GET", "/api/gate/readings", teacher, NULL, 403);
	/* Devices: the admin registers one over HTTP and it works at once. */
	status_is("POST", "/api/gate/devices", reporter, "{\"name\":\"西门\",\"gate\":\"西门\"}", 403);
	j = api_json(fx.srv.port, "POST", "/api/gate/devices", admin,
		     "{\"name\":\"西门1号\",\"gate\":\"西门\"}", 201);
	char token[80];
	snprintf(token, sizeof token, "%s", cJSON_GetObjectItem(j, "token")->valuestring);
	cJSON_Delete(j);
	j = gate_post(token, "{\"person\":\"S01\",\"temperature\":36.6,\"time\":\"2020-05-12T17:00:00+08:00\"}", 200);
	assert_string_equal(decision(j), "admit");
	cJSON_Delete(j);
	gate_cache_follows_other_connections(token);
}

/* ---- personal links ---- */

static void test_personal_link_works_without_an_account(void **state)
{
	(void)state;
	char teacher[256], teacher2[256], admin[256];
	login("teacher", teacher, sizeof teacher);
	login("teacher2", teacher2, sizeof teacher2);
	login("admin", admin, sizeof admin);
	int64_t c1 = class_id(admin, "一班");
	char body[256];
	snprintf(body, sizeof body, "{\"class_id\":%lld}", (long long)c1);
	status_is("POST", "/api/declare/links", teacher2, body, 403);
	status_is("POST", "/api/declare/links", NULL, body, 401);
	cJSON *j = api_json(fx.srv.port, "POST", "/api/declare/links", teacher, body, 201);
	char token[80] = "";
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
		if (!strcmp(cJSON_GetObjectItem(it, "number")->valuestring, "S06")) {
			snprintf(token, sizeof token, "%s", cJSON_GetObjectItem(it, "token")->valuestring);
			/* The page to hand out: the web UI's /declare/TOKEN. */
			char want[96];
			snprintf(want, sizeof want, "/declare/%s", token);
			assert_string_equal(cJSON_GetObjectItem(it, "url")->valuestring, want);
		}
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 5);
	cJSON_Delete(j);
	assert_int_equal(strlen(token), 64);
	char path[160];
	snprintf(path, sizeof path, "/api/declare/%s", token);
	/* No cookie needed; the holder sees the person and the return date. */
	j = api_json(fx.srv.port, "GET", path, NULL, NULL, 200);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "person"), "name")->valuestring, "张六");
	assert_string_equal(cJSON_GetObjectItem(j, "return_date")->valuestring, "2020-05-12");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "minor")));
	cJSON_Delete(j);
	status_is("GET", "/api/declare/0000000000000000000000000000000000000000000000000000000000000000", NULL, NULL, 401);
	/* A minor: the guardian reports and consents. */
	const char *items = "\"items\":[{\"kind\":\"stay\",\"date_from\":\"2020-05-01\",\"date_to\":\"2020-05-10\","
			    "\"region\":\"重庆市/北碚区\",\"transport\":\"私家车\"},"
			    "{\"kind\":\"health\",\"date_from\":\"2020-05-11\",\"temperature\":36.4,\"symptoms\":[]}]";
	snprintf(body, sizeof body, "{\"reporter\":\"self\",%s}", items);
	j = api_json(fx.srv.port, "POST", path, NULL, body, 400);
	assert_string_equal(api_error_field(j), "reporter");
	cJSON_Delete(j);
	char big[1024];
	snprintf(big, sizeof big, "{\"reporter\":\"guardian\",\"guardian_name\":\"张父\",%s}", items);
	j = api_json(fx.srv.port, "POST", path, NULL, big, 400);
	assert_string_equal(api_error_field(j), "consent");
	cJSON_Delete(j);
	snprintf(big, sizeof big,
		 "{\"reporter\":\"guardian\",\"guardian_name\":\"张父\",\"consent\":true,"
		 "\"items\":[{\"kind\":\"stay\",\"date_from\":\"2020-05-01\",\"region\":\"\"}]}");
	j = api_json(fx.srv.port, "POST", path, NULL, big, 400);
	assert_string_equal(api_error_field(j), "items[0].region");
	cJSON_Delete(j);
	snprintf(big, sizeof big, "{\"reporter\":\"guardian\",\"guardian_name\":\"张父\",\"relation\":\"父亲\",\"consent\":true,%s}",
		 items);
	j = api_json(fx.srv.port, "POST", path, NULL, big, 201);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 2);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "consent"), "recorded")));
	cJSON_Delete(j);
	/* The declaration re-screened S06: cleared now; the teacher sees it. */
	int64_t s06 = person_id(admin, "S06");
	snprintf(path, sizeof path, "/api/people/%lld/screening", (long long)s06);
	j = api_json(fx.srv.port, "GET", path, teacher, NULL, 200);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "screening"), "status")->valuestring, "cleared");
	cJSON_Delete(j);
	status_is("GET", path, teacher2, NULL, 403);
	/* Reads through the link are audited. */
	snprintf(path, sizeof path, "/api/audit?person_id=%lld", (long long)s06);
	j = api_json(fx.srv.port, "GET", path, admin, NULL, 200);
	int link_reads = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
		link_reads += !strcmp(cJSON_GetObjectItem(it, "entity")->valuestring, "declare_link");
	assert_true(link_reads >= 2);
	cJSON_Delete(j);
}

/* ---- declarations by staff, flags ---- */

static void test_teacher_enters_and_corrects_declarations(void **state)
{
	(void)state;
	char teacher[256], admin[256], gate[256], path[128];
	login("teacher", teacher, sizeof teacher);
	login("admin", admin, sizeof admin);
	login("gate", gate, sizeof gate);
	int64_t s01 = person_id(admin, "S01"), s04 = person_id(admin, "S04");
	snprintf(path, sizeof path, "/api/people/%lld/declarations", (long long)s01);
	cJSON *j = api_json(
	    fx.srv.port, "POST", path, teacher,
	    "{\"items\":[{\"kind\":\"contact\",\"date_from\":\"2020-05-09\",\"note\":\"同车\"}]}",
	    201);
	int64_t id = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
		if (!strcmp(cJSON_GetObjectItem(it, "kind")->valuestring, "contact"))
			id = (int64_t)cJSON_GetObjectItem(it, "id")->valuedouble;
	assert_true(id > 0);
	cJSON_Delete(j);
	j = api_json(
	    fx.srv.port, "POST", path, teacher,
	    "{\"items\":[{\"kind\":\"health\",\"date_from\":\"2020-05-09\",\"temperature\":51}]}",
	    400);
	assert_string_equal(api_error_field(j), "items[0].temperature");
	cJSON_Delete(j);
	status_is("GET", path, gate, NULL, 403);
	snprintf(path, sizeof path, "/api/people/%lld/declarations", (long long)s04);
	status_is("POST", path, teacher, "{\"items\":[{\"kind\":\"contact\",\"date_from\":\"2020-05-09\"}]}", 403);
	/* The contact holds S01; removing it (a correction) clears S01 again. */
	snprintf(path, sizeof path, "/api/people/%lld/screening?date=2020-05-12", (long long)s01);
	j = api_json(fx.srv.port, "GET", path, teacher, NULL, 200);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "screening"), "status")->valuestring, "hold");
	cJSON_Delete(j);
	char del[64];
	snprintf(del, sizeof del, "/api/declarations/%lld", (long long)id);
	status_is("DELETE", del, gate, NULL, 403);
	status_is("DELETE", del, teacher, NULL, 200);
	status_is("DELETE", del, teacher, NULL, 403); /* gone: no existence leak to a teacher */
	j = api_json(fx.srv.port, "GET", path, teacher, NULL, 200);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "screening"), "status")->valuestring, "cleared");
	cJSON_Delete(j);
	int64_t c1 = class_id(admin, "一班");
	char flags[128];
	snprintf(flags, sizeof flags, "/api/declarations/flags?class_id=%lld&since=2020-04-01", (long long)c1);
	j = api_json(fx.srv.port, "GET", flags, teacher, NULL, 200);
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "items")));
	cJSON_Delete(j);
}

/* ---- the overview ---- */

static void test_overview_and_the_names_behind_each_number(void **state)
{
	(void)state;
	char principal[256], teacher[256], gate[256], admin[256];
	login("principal", principal, sizeof principal);
	login("teacher", teacher, sizeof teacher);
	login("gate", gate, sizeof gate);
	login("admin", admin, sizeof admin);
	cJSON *j = api_json(fx.srv.port, "GET", "/api/return/overview?date=2020-05-12", principal,
			    NULL, 200);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "plan")));
	const cJSON *b1 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "batches"), 0);
	assert_string_equal(cJSON_GetObjectItem(b1, "batch")->valuestring, "第一批");
	assert_int_equal(cJSON_GetObjectItem(b1, "expected")->valueint, 5);
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(b1, "classes"), 0);
	assert_string_equal(cJSON_GetObjectItem(c, "class")->valuestring, "一班");
	static const char *const keys[] = { "expected", "declared", "cleared", "monitor", "hold", "arrived",
					    "refused", "not_returned", "missing" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_true(cJSON_IsNumber(cJSON_GetObjectItem(c, keys[i])));
	int hold = cJSON_GetObjectItem(c, "hold")->valueint;
	int64_t cid = (int64_t)cJSON_GetObjectItem(c, "class_id")->valuedouble;
	cJSON_Delete(j);
	/* The names behind the number are as many as the number. */
	char path[200];
	snprintf(path, sizeof path, "/api/return/overview/people?date=2020-05-12&what=hold&class_id=%lld", (long long)cid);
	j = api_json(fx.srv.port, "GET", path, principal, NULL, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), hold);
	cJSON_Delete(j);
	j = api_json(fx.srv.port, "GET", path, teacher, NULL, 200); /* their own class */
	cJSON_Delete(j);
	status_is("GET", "/api/return/overview/people?date=2020-05-12&what=hold", teacher, NULL, 403);
	status_is("GET", "/api/return/overview?date=2020-05-12", gate, NULL, 403);
	status_is("GET", "/api/return/overview/people?date=2020-05-12&what=everything", principal, NULL, 400);
	status_is("GET", "/api/return/overview?date=12/05/2020", principal, NULL, 400);
	/* The plan, and screening results with reasons for the leading group. */
	j = api_json(fx.srv.port, "GET", "/api/return/batches", principal, NULL, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 2);
	cJSON_Delete(j);
	status_is("POST", "/api/return/batches", principal, "{\"batch\":\"第三批\",\"class\":\"二班\",\"return_date\":\"2020-05-26\"}", 403);
	j = api_json(fx.srv.port, "GET", "/api/return/screening?date=2020-05-12&status=hold",
		     principal, NULL, 200);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")) >= 1);
	const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0);
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(first, "reasons")));
	assert_true(cJSON_GetObjectItem(first, "risk_version")->valuedouble > 0);
	cJSON_Delete(j);
	status_is("POST", "/api/return/screening", principal, "{\"date\":\"2020-05-12\"}", 403);
	j = api_json(fx.srv.port, "POST", "/api/return/screening", admin,
		     "{\"date\":\"2020-05-19\"}", 200);
	assert_int_equal(cJSON_GetObjectItem(j, "people")->valueint, 2);
	cJSON_Delete(j);
}

/* ---- hold lifts ---- */

static void test_only_the_reporter_lifts_a_hold(void **state)
{
	(void)state;
	char admin[256], reporter[256], path[128];
	login("admin", admin, sizeof admin);
	login("reporter", reporter, sizeof reporter);
	int64_t s07 = person_id(admin, "S07");
	snprintf(path, sizeof path, "/api/people/%lld/hold-lifts", (long long)s07);
	status_is("POST", path, admin, "{\"action\":\"doctor_note\"}", 403);
	cJSON *j = api_json(fx.srv.port, "POST", path, reporter, "{\"action\":\"a note\"}", 400);
	assert_string_equal(api_error_field(j), "action");
	cJSON_Delete(j);
	j = api_json(fx.srv.port, "POST", path, reporter,
		     "{\"action\":\"doctor_note\",\"note\":\"北碚区人民医院\"}", 201);
	const cJSON *s = cJSON_GetObjectItem(j, "screening");
	assert_string_equal(cJSON_GetObjectItem(s, "status")->valuestring, "cleared");
	assert_non_null(strstr(cJSON_GetArrayItem(cJSON_GetObjectItem(s, "reasons"), 0)->valuestring, "已解除"));
	cJSON_Delete(j);
	status_is("POST", path, reporter, "{\"action\":\"doctor_note\"}", 409);
	snprintf(path, sizeof path, "/api/people/%lld/screening", (long long)s07);
	j = api_json(fx.srv.port, "GET", path, admin, NULL, 200);
	const cJSON *lifts = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "screening"), "lifts");
	assert_int_equal(cJSON_GetArraySize(lifts), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(lifts, 0), "lifted_by")->valuestring, "reporter");
	cJSON_Delete(j);
	/* The gate admits S07 now. */
	j = gate_post(fx.token, "{\"person\":\"S07\",\"temperature\":36.6,\"time\":\"2020-05-12T08:00:00+08:00\"}", 200);
	assert_string_equal(decision(j), "admit");
	cJSON_Delete(j);
}

/* ---- risk regions and rules ---- */

static void test_risk_regions_and_rules_are_data_under_the_policy(void **state)
{
	(void)state;
	char admin[256], teacher[256];
	login("admin", admin, sizeof admin);
	login("teacher", teacher, sizeof teacher);
	cJSON *j = api_json(fx.srv.port, "GET", "/api/risk-regions", teacher, NULL, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 2);
	int64_t v1 = (int64_t)cJSON_GetObjectItem(j, "version")->valuedouble;
	cJSON_Delete(j);
	const char *list = "{\"note\":\"5月10日通报\",\"items\":[{\"region\":\"湖北省/武汉市\",\"level\":\"高\",\"valid_from\":\"2020-01-20\"},"
			   "{\"region\":\"黑龙江省/哈尔滨市\",\"level\":\"medium\",\"valid_from\":\"2020-04-10\",\"valid_to\":\"2020-05-31\"}]}";
	status_is("PUT", "/api/risk-regions", teacher, list, 403);
	j = api_json(fx.srv.port, "PUT", "/api/risk-regions", admin,
		     "{\"items\":[{\"region\":\"湖北省\",\"level\":\"severe\",\"valid_from\":"
		     "\"2020-01-20\"}]}",
		     400);
	assert_string_equal(api_error_field(j), "items[0].level");
	cJSON_Delete(j);
	j = api_json(fx.srv.port, "PUT", "/api/risk-regions", admin, list, 201);
	int64_t v2 = (int64_t)cJSON_GetObjectItem(j, "version")->valuedouble;
	assert_true(v2 > v1);
	cJSON_Delete(j);
	j = api_json(fx.srv.port, "GET", "/api/risk-regions", admin, NULL, 200);
	assert_int_equal((int64_t)cJSON_GetObjectItem(j, "version")->valuedouble, v2);
	const cJSON *it;
	int medium = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
		medium += !strcmp(cJSON_GetObjectItem(it, "region")->valuestring, "黑龙江省/哈尔滨市") &&
			  !strcmp(cJSON_GetObjectItem(it, "level")->valuestring, "medium");
	assert_int_equal(medium, 1);
	cJSON_Delete(j);
	char old[64];
	snprintf(old, sizeof old, "/api/risk-regions?version=%lld", (long long)v1);
	j = api_json(fx.srv.port, "GET", old, admin, NULL,
		     200); /* the old list is kept as it was */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 2);
	cJSON_Delete(j);
	j = api_json(fx.srv.port, "GET", "/api/risk-regions/versions", admin, NULL, 200);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")) >= 3);
	cJSON_Delete(j);
	/* Rules: the defaults are the district's; a school admin adds its own. */
	j = api_json(fx.srv.port, "GET", "/api/screen-rules", teacher, NULL, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 7);
	int64_t rid = (int64_t)cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 1), "id")->valuedouble;
	cJSON_Delete(j);
	char path[64];
	snprintf(path, sizeof path, "/api/screen-rules/%lld", (long long)rid);
	status_is("PUT", path, admin, "{\"threshold\":37.5}", 403);
	status_is("POST", "/api/screen-rules", teacher, "{}", 403);
	j = api_json(fx.srv.port, "POST", "/api/screen-rules", admin,
		     "{\"kind\":\"stay_region\",\"region\":\"\",\"status\":\"monitor\"}", 400);
	assert_string_equal(api_error_field(j), "region");
	cJSON_Delete(j);
	j = api_json(fx.srv.port, "POST", "/api/screen-rules", admin,
		     "{\"kind\":\"stay_region\",\"region\":\"湖北省\",\"status\":\"monitor\","
		     "\"name_zh\":\"来自湖北：健康管理\","
		     "\"name_en\":\"From Hubei: health management\",\"reason_zh\":\"在{region} "
		     "停留 {from} 至 {to},返校后健康管理\","
		     "\"reason_en\":\"stayed in {region} {from}..{to}: health management\"}",
		     201);
	int64_t mine = (int64_t)cJSON_GetObjectItem(cJSON_GetObjectItem(j, "rule"), "id")->valuedouble;
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "rule"), "district")));
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/screen-rules/%lld", (long long)mine);
	j = api_json(fx.srv.port, "PUT", path, admin, "{\"enabled\":false}", 200);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "rule"), "enabled")));
	cJSON_Delete(j);
}

/* ---- students who cannot return, key groups ---- */

static void test_students_who_cannot_return_and_key_groups(void **state)
{
	(void)state;
	char admin[256], teacher[256], teacher2[256], principal[256];
	login("admin", admin, sizeof admin);
	login("teacher", teacher, sizeof teacher);
	login("teacher2", teacher2, sizeof teacher2);
	login("principal", principal, sizeof principal);
	status_is("POST", "/api/people", admin,
		  "{\"number\":\"T001\",\"name\":\"王老师\",\"gender\":\"女\",\"kind\":\"staff\",\"position\":\"数学教师\"}", 201);
	status_is("POST", "/api/return/not-returned", teacher, "{\"number\":\"S05\",\"reason\":\"travel\"}", 403);
	cJSON *j = api_json(fx.srv.port, "POST", "/api/return/not-returned", teacher2,
			    "{\"number\":\"S05\",\"reason\":\"holiday\"}", 400);
	assert_string_equal(api_error_field(j), "reason");
	cJSON_Delete(j);
	j = api_json(fx.srv.port, "POST", "/api/return/not-returned", teacher2,
		     "{\"number\":\"S05\",\"reason\":\"quarantine\",\"detail\":"
		     "\"居家隔离至5月25日\",\"expected_date\":\"2020-05-26\"}",
		     201);
	int64_t id = (int64_t)cJSON_GetObjectItem(cJSON_GetObjectItem(j, "not_returned"), "id")->valuedouble;
	cJSON_Delete(j);
	char path[128];
	snprintf(path, sizeof path, "/api/return/not-returned/%lld/sessions", (long long)id);
	status_is("POST", path, teacher2, "{\"date\":\"2020-05-20\",\"minutes\":40}", 409); /* no plan yet */
	snprintf(path, sizeof path, "/api/return/not-returned/%lld/plan", (long long)id);
	j = api_json(fx.srv.port, "PUT", path, teacher2,
		     "{\"tutor_no\":\"S01\",\"plan\":\"线上辅导\"}", 400);
	assert_string_equal(api_error_field(j), "tutor_no");
	cJSON_Delete(j);
	j = api_json(
	    fx.srv.port, "PUT", path, teacher2,
	    "{\"tutor_no\":\"T001\",\"plan\":\"每周二、四线上辅导数学\",\"sessions_planned\":6}",
	    200);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "plan"), "tutor")->valuestring, "王老师");
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/return/not-returned/%lld/sessions", (long long)id);
	j = api_json(fx.srv.port, "POST", path, teacher2,
		     "{\"date\":\"2020-05-20\",\"minutes\":40,\"topic\":\"函数\",\"progress\":"
		     "\"完成第一章\"}",
		     201);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "plan"), "sessions_done")->valueint, 1);
	cJSON_Delete(j);
	j = api_json(fx.srv.port, "GET", "/api/return/not-returned?open=1", principal, NULL, 200);
	const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0);
	assert_string_equal(cJSON_GetObjectItem(first, "reason_zh")->valuestring, "隔离观察");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(first, "tutoring"), "sessions_planned")->valueint, 6);
	cJSON_Delete(j);
	/* The overview counts S05 as not returned, with the reason. */
	j = api_json(fx.srv.port, "GET", "/api/return/overview?date=2020-05-19", principal, NULL,
		     200);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "total"), "not_returned_by"), "quarantine")->valueint, 1);
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/return/not-returned/%lld", (long long)id);
	j = api_json(fx.srv.port, "PUT", path, teacher2, "{\"returned_date\":\"2020-05-26\"}", 200);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "not_returned"), "returned_date")->valuestring, "2020-05-26");
	cJSON_Delete(j);
	/* Key groups: S01 is a frontline worker's child; the principal names a carer. */
	int64_t s01 = person_id(admin, "S01");
	j = api_json(fx.srv.port, "GET", "/api/return/key-groups", principal, NULL, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "items"), 0), "carer")));
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/return/key-groups/%lld", (long long)s01);
	status_is("PUT", path, teacher, "{\"group\":\"frontline_child\",\"carer_no\":\"T001\"}", 403);
	j = api_json(
	    fx.srv.port, "PUT", path, principal,
	    "{\"group\":\"frontline_child\",\"carer_no\":\"T001\",\"note\":\"每周谈心一次\"}", 200);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "key_group"), "carer"), "name")->valuestring, "王老师");
	cJSON_Delete(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate_reading_contract),
		cmocka_unit_test(test_personal_link_works_without_an_account),
		cmocka_unit_test(test_teacher_enters_and_corrects_declarations),
		cmocka_unit_test(test_overview_and_the_names_behind_each_number),
		cmocka_unit_test(test_only_the_reporter_lifts_a_hold),
		cmocka_unit_test(test_risk_regions_and_rules_are_data_under_the_policy),
		cmocka_unit_test(test_students_who_cannot_return_and_key_groups),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
