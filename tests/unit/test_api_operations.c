/*
 * test_api_operations.c — campus operations over HTTP against a real
 * `jinyun serve` on a free loopback port: who may do what (logistics and
 * admin run operations, principal and reporter read, district reads with
 * ?school_id=, teachers and gate staff see only their role's tasks),
 * staggering a canteen made through the API and saving it, ventilation and
 * disinfection records, supplies with the stock guard, plan activation and
 * task completion by the owning role, inspections with follow-up tasks,
 * the leading group's view, and clear 4xx answers that name the field.
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
	char *db;
	test_server srv;
	char admin[256], principal[256], reporter[256], logistics[256], teacher[256], gate[256],
	    district[256];
} fixture;

static fixture fx;

static const char roster_csv[] = "学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
				 "S01,张一,男,2019级,一班,A101,13800000001\n"
				 "S02,张二,男,2019级,一班,A101,13800000002\n"
				 "S03,李三,女,2019级,二班,B201,13800000003\n"
				 "S04,李四,女,2019级,二班,B201,13800000004\n"
				 "S05,王五,男,2020级,三班,A102,13800000005\n"
				 "S06,王六,男,2020级,三班,A102,13800000006\n"
				 "S07,赵七,女,2020级,四班,B202,13800000007\n";

static int run_ok(const char *cmd, const char *in)
{
	return tu_run_ok(cmd, in, NULL);
}

static int login(const char *user, const char *pw, char *cookie_hdr, size_t size)
{
	char c[256];
	if (httpc_login(fx.srv.port, user, pw, c, sizeof c) != 200)
		return -1;
	snprintf(cookie_hdr, size, "Cookie: %.200s\r\n", c);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	fx.dir = tu_tmpdir();
	char *csv = tu_write_file(fx.dir, "roster.csv", roster_csv, (size_t)-1);
	fx.db = malloc(512);
	tu_db(fx.db, 512, fx.dir, "ops.db");
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s import roster --db %s %s", tu_jinyun_bin(), fx.db, csv);
	free(csv);
	if (run_ok(cmd, NULL))
		return -1;
	static const struct {
		const char *name, *role, *scope;
	} users[] = {
	    {"admin", "admin", NULL},		{"principal", "principal", NULL},
	    {"doc", "reporter", NULL},		{"wang", "logistics", NULL},
	    {"t1", "teacher", "一班"},		{"gate", "gate", NULL},
	    {"district", "district", "北碚区"},
	};
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
		snprintf(cmd, sizeof cmd, "%s user add --db %s --name %s --role %s%s%s%s",
			 tu_jinyun_bin(), fx.db, users[i].name, users[i].role,
			 users[i].scope ? " --scope '" : "", users[i].scope ? users[i].scope : "",
			 users[i].scope ? "'" : "");
		if (run_ok(cmd, "password-123\n"))
			return -1;
	}
	if (test_server_start(&fx.srv, fx.db))
		return -1;
	char *cookies[] = {fx.admin,   fx.principal, fx.reporter, fx.logistics,
			   fx.teacher, fx.gate,	     fx.district};
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
		if (login(users[i].name, "password-123", cookies[i], 256))
			return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_server_stop(&fx.srv);
	tu_rmtree(fx.dir);
	free(fx.dir);
	free(fx.db);
	return 0;
}

/* Send a request; return the status and (when out) the parsed body. */
static int call(const char *method, const char *path, const char *cookie, const char *body,
		cJSON **out)
{
	httpc_resp r;
	assert_int_equal(
	    httpc_request(fx.srv.port, method, path, cookie, body, body ? strlen(body) : 0, &r), 0);
	int status = r.status;
	if (out) {
		*out = cJSON_Parse(r.body);
		if (!*out)
			fprintf(stderr, "%s %s: not JSON: %s\n", method, path, r.body);
		assert_non_null(*out);
	}
	httpc_free(&r);
	return status;
}

static void expect(const char *method, const char *path, const char *cookie, const char *body,
		   int status)
{
	httpc_resp r;
	assert_int_equal(
	    httpc_request(fx.srv.port, method, path, cookie, body, body ? strlen(body) : 0, &r), 0);
	if (r.status != status)
		fprintf(stderr, "%s %s: %d (want %d) %s\n", method, path, r.status, status, r.body);
	assert_int_equal(r.status, status);
	httpc_free(&r);
}

static const cJSON *get(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);
	if (!v)
		fail_msg("missing key %s", k);
	return v;
}

static const char *error_field(const cJSON *j)
{
	const cJSON *f = cJSON_GetObjectItem(get(j, "error"), "field");
	return cJSON_IsString(f) ? f->valuestring : "";
}

static void test_policy_who_reads_and_who_runs_operations(void **state)
{
	(void)state;
	static const char *const reads[] = {
	    "/api/hygiene/status",   "/api/hygiene/schedules", "/api/supplies",	   "/api/plans",
	    "/api/plan-activations", "/api/checklists",	       "/api/inspections", "/api/duty",
	    "/api/stagger/plans"};
	for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
		expect("GET", reads[i], fx.principal, NULL, 200);
		expect("GET", reads[i], fx.reporter, NULL, 200);
		expect("GET", reads[i], fx.logistics, NULL, 200);
		expect("GET", reads[i], fx.teacher, NULL, 403);
		expect("GET", reads[i], fx.gate, NULL, 403);
		expect("GET", reads[i], NULL, NULL, 401);
	}
	/* District users read a school they name. */
	expect("GET", "/api/duty", fx.district, NULL, 400);
	expect("GET", "/api/duty?school_id=1", fx.district, NULL, 200);
	expect("GET", "/api/supplies?school_id=1", fx.district, NULL, 200);
	/* Writing is for logistics and admin. */
	const char *rec = "{\"place\":\"一班\",\"action\":\"ventilate\"}";
	expect("POST", "/api/hygiene/records", fx.principal, rec, 403);
	expect("POST", "/api/hygiene/records", fx.reporter, rec, 403);
	expect("POST", "/api/hygiene/records", fx.district, rec, 403);
	expect("POST", "/api/supplies/moves", fx.teacher,
	       "{\"item\":\"gloves\",\"kind\":\"receipt\",\"quantity\":1,\"place\":\"x\"}", 403);
	/* Templates are the admin's; activation is the leading group's and the reporter's. */
	expect("POST", "/api/plans", fx.logistics, "{}", 403);
	expect("POST", "/api/plans/1/activate", fx.logistics, NULL, 403);
	expect("POST", "/api/plans/1/activate", fx.teacher, NULL, 403);
	expect("POST", "/api/inspections", fx.logistics, "{}", 403);
}

static void test_stagger_a_canteen_made_through_the_api(void **state)
{
	(void)state;
	expect("POST", "/api/places", fx.logistics,
	       "{\"name\":\"一食堂\",\"kind\":\"canteen\",\"capacity\":10}", 201);
	expect("POST", "/api/places", fx.logistics,
	       "{\"name\":\"一食堂东区\",\"kind\":\"canteen_zone\",\"capacity\":4,\"area_m2\":8,"
	       "\"parent\":\"一食堂\"}",
	       201);
	expect("POST", "/api/places", fx.logistics,
	       "{\"name\":\"一食堂西区\",\"kind\":\"canteen_zone\",\"capacity\":4,\"area_m2\":8,"
	       "\"parent\":\"一食堂\"}",
	       201);
	const char *body = "{\"place\":\"一食堂\",\"slots\":[\"11:30-12:00\",\"12:00-12:30\"]}";
	cJSON *j;
	/* The principal reads a proposal (it changes nothing). */
	assert_int_equal(call("POST", "/api/stagger", fx.principal, body, &j), 200);
	assert_true(cJSON_IsTrue(get(j, "feasible")));
	assert_int_equal(cJSON_GetArraySize(get(j, "assignments")), 4);
	const cJSON *it;
	cJSON_ArrayForEach(it, get(j, "max_load"))
	    assert_true(get(it, "people")->valueint <= get(it, "capacity")->valueint);
	/* Four classes, four (slot, zone) units: nobody meets anybody. */
	assert_int_equal(get(get(j, "summary"), "meets_total")->valueint, 0);
	assert_true(cJSON_IsTrue(get(get(j, "summary"), "optimal")));
	assert_true(cJSON_IsNull(get(j, "saved")));
	cJSON_Delete(j);
	/* Saving is an operation: not the principal's; logistics may. */
	const char *save = "{\"place\":\"一食堂\",\"slots\":\"11:30-12:00,12:00-12:30\",\"save\":"
			   "true,\"weekdays\":\"1-5\"}";
	expect("POST", "/api/stagger", fx.principal, save, 403);
	assert_int_equal(call("POST", "/api/stagger", fx.logistics, save, &j), 201);
	assert_int_equal(get(get(j, "saved"), "timetable_rows")->valueint, 20);
	cJSON_Delete(j);
	assert_int_equal(call("GET", "/api/stagger/plans", fx.reporter, NULL, &j), 200);
	assert_int_equal(cJSON_GetArraySize(get(j, "items")), 1);
	int id = get(cJSON_GetArrayItem(get(j, "items"), 0), "id")->valueint;
	cJSON_Delete(j);
	char path[64];
	snprintf(path, sizeof path, "/api/stagger/plans/%d", id);
	assert_int_equal(call("GET", path, fx.principal, NULL, &j), 200);
	assert_true(cJSON_IsTrue(get(get(get(j, "plan"), "result"), "feasible")));
	cJSON_Delete(j);
	/* A density limit of 4 m² a person leaves 2 seats a zone: each class
	 * (of 2 or 1) alone in a unit still fits. */
	assert_int_equal(
	    call("POST", "/api/stagger", fx.principal,
		 "{\"place\":\"一食堂\",\"slots\":\"11:30-12:00,12:00-12:30\",\"m2_per_person\":4}",
		 &j),
	    200);
	cJSON_ArrayForEach(it, get(j, "zones")) assert_int_equal(get(it, "capacity")->valueint, 2);
	cJSON_ArrayForEach(it, get(j, "max_load")) assert_true(get(it, "people")->valueint <= 2);
	cJSON_Delete(j);
	/* One slot at that density is too few: an answer that says what is short. */
	assert_int_equal(
	    call("POST", "/api/stagger", fx.principal,
		 "{\"place\":\"一食堂\",\"slots\":\"11:30-12:00\",\"m2_per_person\":4}", &j),
	    200);
	assert_false(cJSON_IsTrue(get(j, "feasible")));
	assert_non_null(strstr(get(j, "short")->valuestring, "座位不足"));
	cJSON_Delete(j);
	/* Bad input names the field. */
	assert_int_equal(call("POST", "/api/stagger", fx.principal,
			      "{\"place\":\"一食堂\",\"slots\":\"25:00-26:00\"}", &j),
			 400);
	assert_string_equal(error_field(j), "slots");
	cJSON_Delete(j);
	assert_int_equal(call("POST", "/api/stagger", fx.principal,
			      "{\"place\":\"二食堂\",\"slots\":\"11:00-11:30\"}", &j),
			 400);
	assert_string_equal(error_field(j), "place");
	cJSON_Delete(j);
	assert_int_equal(
	    call("POST", "/api/stagger", fx.principal, "{\"place\":\"一食堂\",\"slots\":[1]}", &j),
	    400);
	assert_string_equal(error_field(j), "slots");
	cJSON_Delete(j);
	assert_int_equal(call("POST", "/api/stagger", fx.principal,
			      "{\"place\":\"一食堂\",\"slots\":\"11:00-11:30\",\"save\":\"yes\"}",
			      &j),
			 400);
	assert_string_equal(error_field(j), "save");
	cJSON_Delete(j);
}

static void test_hygiene_records_and_supplies_with_the_stock_guard(void **state)
{
	(void)state;
	expect("POST", "/api/places", fx.logistics,
	       "{\"name\":\"教学楼A-101\",\"kind\":\"classroom\",\"capacity\":50}", 201);
	expect("POST", "/api/places", fx.logistics,
	       "{\"name\":\"后勤处\",\"kind\":\"office\",\"capacity\":8}", 201);
	cJSON *j;
	/* Stock in, then a disinfection that uses some of it. */
	assert_int_equal(call("POST", "/api/supplies/moves", fx.logistics,
			      "{\"item\":\"disinfectant_chlorine\",\"kind\":\"receipt\","
			      "\"quantity\":20,\"place\":\"后勤处\",\"party\":\"供应商\"}",
			      &j),
			 201);
	cJSON_Delete(j);
	assert_int_equal(call("POST", "/api/hygiene/records", fx.logistics,
			      "{\"place\":\"教学楼A-101\",\"action\":\"disinfect\",\"method\":"
			      "\"擦拭\",\"agent\":\"含氯消毒液 500mg/L\","
			      "\"item\":\"disinfectant_chlorine\",\"quantity\":1.5,\"performer\":"
			      "\"刘阿姨\",\"duration_min\":20}",
			      &j),
			 201);
	cJSON_Delete(j);
	assert_int_equal(call("GET", "/api/hygiene/records", fx.principal, NULL, &j), 200);
	const cJSON *rec = cJSON_GetArrayItem(get(j, "items"), 0);
	assert_string_equal(get(rec, "performer")->valuestring, "刘阿姨");
	assert_string_equal(get(rec, "item")->valuestring, "disinfectant_chlorine");
	assert_string_equal(get(rec, "recorded_by")->valuestring, "wang");
	cJSON_Delete(j);
	assert_int_equal(call("GET", "/api/supplies", fx.principal, NULL, &j), 200);
	const cJSON *it;
	int seen = 0;
	cJSON_ArrayForEach(
	    it, get(j, "items")) if (!strcmp(get(it, "code")->valuestring, "disinfectant_chlorine"))
	{
		assert_true(get(it, "stock")->valuedouble == 18.5);
		assert_true(get(it, "issued")->valuedouble == 1.5);
		seen = 1;
	}
	assert_true(seen);
	assert_true(get(j, "warnings")->valueint > 0); /* masks, gloves … none in stock */
	cJSON_Delete(j);
	/* More than is in stock: 409 naming the quantity, nothing written. */
	assert_int_equal(call("POST", "/api/supplies/moves", fx.logistics,
			      "{\"item\":\"disinfectant_chlorine\",\"kind\":\"issue\",\"quantity\":"
			      "99,\"place\":\"后勤处\"}",
			      &j),
			 409);
	assert_string_equal(error_field(j), "quantity");
	cJSON_Delete(j);
	assert_int_equal(
	    call("GET", "/api/supplies/moves?item=disinfectant_chlorine", fx.reporter, NULL, &j),
	    200);
	assert_int_equal(cJSON_GetArraySize(get(j, "items")), 2);
	cJSON_Delete(j);
	/* Validation. */
	assert_int_equal(call("POST", "/api/hygiene/records", fx.logistics,
			      "{\"place\":\"教学楼A-101\",\"action\":\"mop\"}", &j),
			 400);
	assert_string_equal(error_field(j), "action");
	cJSON_Delete(j);
	assert_int_equal(call("POST", "/api/supplies/moves", fx.logistics,
			      "{\"item\":\"gloves\",\"kind\":\"receipt\",\"place\":\"后勤处\"}",
			      &j),
			 400);
	assert_string_equal(error_field(j), "quantity");
	cJSON_Delete(j);
	assert_int_equal(call("POST", "/api/supplies/items", fx.logistics,
			      "{\"code\":\"face shield\",\"name_zh\":\"面屏\",\"unit_zh\":\"个\"}",
			      &j),
			 400);
	assert_string_equal(error_field(j), "code");
	cJSON_Delete(j);
	expect("POST", "/api/supplies/items", fx.logistics,
	       "{\"code\":\"face_shield\",\"name_zh\":\"防护面屏\",\"name_en\":\"face "
	       "shield\",\"unit_zh\":\"个\",\"unit_en\":\"piece\",\"warn_days\":7}",
	       201);
	/* A schedule of the school's own. */
	assert_int_equal(call("POST", "/api/hygiene/schedules", fx.logistics,
			      "{\"place\":\"教学楼A-101\",\"action\":\"ventilate\",\"times\":\"07:"
			      "30,10:00,14:00,17:00\",\"weekdays\":\"12345\"}",
			      &j),
			 201);
	assert_string_equal(get(get(j, "schedule"), "place")->valuestring, "教学楼A-101");
	cJSON_Delete(j);
	assert_int_equal(
	    call("POST", "/api/hygiene/schedules", fx.logistics,
		 "{\"place_kind\":\"classroom\",\"action\":\"ventilate\",\"times\":\"7:30\"}", &j),
	    400);
	assert_string_equal(error_field(j), "times");
	cJSON_Delete(j);
	assert_int_equal(call("GET", "/api/hygiene/status?overdue=1", fx.reporter, NULL, &j), 200);
	assert_non_null(cJSON_GetObjectItem(j, "summary"));
	cJSON_Delete(j);
	expect("GET", "/api/hygiene/status?date=2020-13-01", fx.reporter, NULL, 400);
}

static void test_plans_tasks_by_owner_role_and_inspections(void **state)
{
	(void)state;
	cJSON *j;
	assert_int_equal(call("GET", "/api/plans", fx.principal, NULL, &j), 200);
	int plan = 0;
	const cJSON *it;
	cJSON_ArrayForEach(
	    it, get(j, "items")) if (!strcmp(get(it, "code")->valuestring, "suspected_case")) plan =
	    get(it, "id")->valueint;
	assert_true(plan > 0);
	cJSON_Delete(j);
	char path[96];
	snprintf(path, sizeof path, "/api/plans/%d/activate", plan);
	assert_int_equal(
	    call("POST", path, fx.principal, "{\"reason\":\"二班一名学生发热伴咳嗽\"}", &j), 201);
	const cJSON *act = get(j, "activation");
	int aid = get(act, "id")->valueint;
	assert_int_equal(cJSON_GetArraySize(get(act, "tasks_detail")), 6);
	assert_false(cJSON_IsTrue(get(act, "automatic")));
	cJSON_Delete(j);
	expect("POST", "/api/plans/9999/activate", fx.principal, NULL, 404);
	/* The teacher sees only the teacher's task, and may close only it. */
	assert_int_equal(call("GET", "/api/ops-tasks?open=1", fx.teacher, NULL, &j), 200);
	assert_int_equal(cJSON_GetArraySize(get(j, "items")), 1);
	int teacher_task = get(cJSON_GetArrayItem(get(j, "items"), 0), "id")->valueint;
	assert_string_equal(get(cJSON_GetArrayItem(get(j, "items"), 0), "owner_role")->valuestring,
			    "teacher");
	cJSON_Delete(j);
	assert_int_equal(call("GET", "/api/ops-tasks?open=1", fx.principal, NULL, &j), 200);
	int reporter_task = 0;
	cJSON_ArrayForEach(
	    it, get(j, "items")) if (!strcmp(get(it, "owner_role")->valuestring, "reporter") &&
				     !reporter_task) reporter_task = get(it, "id")->valueint;
	assert_int_equal(cJSON_GetArraySize(get(j, "items")), 6);
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/ops-tasks/%d/done", reporter_task);
	expect("POST", path, fx.teacher, NULL, 403);
	expect("POST", path, fx.logistics, NULL, 403);
	expect("POST", path, fx.reporter, "{\"note\":\"已转隔离室\"}", 200);
	snprintf(path, sizeof path, "/api/ops-tasks/%d/done", teacher_task);
	assert_int_equal(call("POST", path, fx.teacher, "{\"note\":\"已电话通知家长\"}", &j), 200);
	assert_true(cJSON_IsNumber(get(get(j, "task"), "done_at")));
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/plan-activations/%d", aid);
	assert_int_equal(call("GET", path, fx.reporter, NULL, &j), 200);
	assert_int_equal(get(get(j, "activation"), "open_tasks")->valueint, 4);
	cJSON_Delete(j);
	/* Inspections: a failed item opens a task for logistics. */
	const char *insp =
	    "{\"checklist\":\"daily_hygiene\",\"inspector\":\"区教委检查组\",\"findings\":["
	    "{\"seq\":1,\"result\":\"pass\"},{\"seq\":2,\"result\":\"fail\",\"note\":"
	    "\"午餐后未消毒\"},"
	    "{\"seq\":3,\"result\":\"pass\"},{\"seq\":4,\"result\":\"pass\"},{\"seq\":5,\"result\":"
	    "\"na\"}]}";
	assert_int_equal(call("POST", "/api/inspections", fx.principal, insp, &j), 201);
	const cJSON *in = get(j, "inspection");
	assert_int_equal(get(in, "failed")->valueint, 1);
	int follow = get(cJSON_GetArrayItem(get(in, "tasks"), 0), "id")->valueint;
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/ops-tasks/%d/done", follow);
	expect("POST", path, fx.logistics, "{\"note\":\"已补做\"}", 200);
	assert_int_equal(call("POST", "/api/inspections", fx.principal,
			      "{\"checklist\":\"daily_hygiene\",\"inspector\":\"x\",\"findings\":[{"
			      "\"seq\":1,\"result\":\"ok\"}]}",
			      &j),
			 400);
	assert_string_equal(error_field(j), "findings[0]");
	cJSON_Delete(j);
	/* The leading group's view: nothing late yet, who owns what is open. */
	assert_int_equal(call("GET", "/api/duty", fx.principal, NULL, &j), 200);
	assert_int_equal(get(j, "active_plans")->valueint, 1);
	int reporters = 0;
	cJSON_ArrayForEach(it,
			   get(j, "by_role")) if (!strcmp(get(it, "role")->valuestring, "reporter"))
	{
		reporters = get(it, "open")->valueint;
		assert_string_equal(cJSON_GetArrayItem(get(it, "owners"), 0)->valuestring, "doc");
	}
	assert_int_equal(reporters, 2);
	cJSON_Delete(j);
	/* Closing the activation. */
	snprintf(path, sizeof path, "/api/plan-activations/%d/close", aid);
	expect("POST", path, fx.logistics, NULL, 403);
	assert_int_equal(call("POST", path, fx.principal, NULL, &j), 200);
	assert_string_equal(get(get(j, "activation"), "status")->valuestring, "closed");
	cJSON_Delete(j);
	/* The admin makes the school's own plan (the default stays for others). */
	assert_int_equal(
	    call("POST", "/api/plans", fx.admin,
		 "{\"code\":\"drill\",\"name_zh\":\"应急演练\",\"name_en\":\"Drill\",\"steps\":["
		 "{\"title_zh\":\"集合\",\"owner_role\":\"principal\",\"due_minutes\":15},"
		 "{\"title_zh\":\"清点人数\",\"owner_role\":\"teacher\",\"due_minutes\":30}]}",
		 &j),
	    201);
	assert_int_equal(cJSON_GetArraySize(get(get(j, "plan"), "steps")), 2);
	cJSON_Delete(j);
	assert_int_equal(call("POST", "/api/plans", fx.admin,
			      "{\"code\":\"drill2\",\"name_zh\":\"演练\",\"steps\":[{\"title_zh\":"
			      "\"x\",\"owner_role\":\"nobody\",\"due_minutes\":5}]}",
			      &j),
			 400);
	assert_string_equal(error_field(j), "steps[0].owner_role");
	cJSON_Delete(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_who_reads_and_who_runs_operations),
	    cmocka_unit_test(test_stagger_a_canteen_made_through_the_api),
	    cmocka_unit_test(test_hygiene_records_and_supplies_with_the_stock_guard),
	    cmocka_unit_test(test_plans_tasks_by_owner_role_and_inspections),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
