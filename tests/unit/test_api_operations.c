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

#include "apifix.h"
#include "testutil.h"

static api_school fx;

static int setup(void **state)
{
	*state = &fx;
	return api_school_start(&fx, "ops.db");
}

static void test_policy_who_reads_and_who_runs_operations(void **state)
{
	(void)state;
	static const char *const reads[] = {
	    "/api/hygiene/status",   "/api/hygiene/schedules", "/api/supplies",	   "/api/plans",
	    "/api/plan-activations", "/api/checklists",	       "/api/inspections", "/api/duty",
	    "/api/stagger/plans"};
	for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
		api_expect(fx.srv.port, "GET", reads[i], fx.principal, NULL, 200);
		api_expect(fx.srv.port, "GET", reads[i], fx.reporter, NULL, 200);
		api_expect(fx.srv.port, "GET", reads[i], fx.logistics, NULL, 200);
		api_expect(fx.srv.port, "GET", reads[i], fx.teacher, NULL, 403);
		api_expect(fx.srv.port, "GET", reads[i], fx.gate, NULL, 403);
		api_expect(fx.srv.port, "GET", reads[i], NULL, NULL, 401);
	}
	/* District users read a school they name. */
	api_expect(fx.srv.port, "GET", "/api/duty", fx.district, NULL, 400);
	api_expect(fx.srv.port, "GET", "/api/duty?school_id=1", fx.district, NULL, 200);
	api_expect(fx.srv.port, "GET", "/api/supplies?school_id=1", fx.district, NULL, 200);
	/* Writing is for logistics and admin. */
	const char *rec = "{\"place\":\"一班\",\"action\":\"ventilate\"}";
	api_expect(fx.srv.port, "POST", "/api/hygiene/records", fx.principal, rec, 403);
	api_expect(fx.srv.port, "POST", "/api/hygiene/records", fx.reporter, rec, 403);
	api_expect(fx.srv.port, "POST", "/api/hygiene/records", fx.district, rec, 403);
	api_expect(fx.srv.port, "POST", "/api/supplies/moves", fx.teacher,
		   "{\"item\":\"gloves\",\"kind\":\"receipt\",\"quantity\":1,\"place\":\"x\"}",
		   403);
	/* Templates are the admin's; activation is the leading group's and the reporter's. */
	api_expect(fx.srv.port, "POST", "/api/plans", fx.logistics, "{}", 403);
	api_expect(fx.srv.port, "POST", "/api/plans/1/activate", fx.logistics, NULL, 403);
	api_expect(fx.srv.port, "POST", "/api/plans/1/activate", fx.teacher, NULL, 403);
	api_expect(fx.srv.port, "POST", "/api/inspections", fx.logistics, "{}", 403);
}

static void test_stagger_a_canteen_made_through_the_api(void **state)
{
	(void)state;
	api_expect(fx.srv.port, "POST", "/api/places", fx.logistics,
		   "{\"name\":\"一食堂\",\"kind\":\"canteen\",\"capacity\":10}", 201);
	api_expect(
	    fx.srv.port, "POST", "/api/places", fx.logistics,
	    "{\"name\":\"一食堂东区\",\"kind\":\"canteen_zone\",\"capacity\":4,\"area_m2\":8,"
	    "\"parent\":\"一食堂\"}",
	    201);
	api_expect(
	    fx.srv.port, "POST", "/api/places", fx.logistics,
	    "{\"name\":\"一食堂西区\",\"kind\":\"canteen_zone\",\"capacity\":4,\"area_m2\":8,"
	    "\"parent\":\"一食堂\"}",
	    201);
	const char *body = "{\"place\":\"一食堂\",\"slots\":[\"11:30-12:00\",\"12:00-12:30\"]}";
	cJSON *j;
	/* The principal reads a proposal (it changes nothing). */
	assert_int_equal(api_call(fx.srv.port, "POST", "/api/stagger", fx.principal, body, &j),
			 200);
	assert_true(cJSON_IsTrue(api_get(j, "feasible")));
	assert_int_equal(cJSON_GetArraySize(api_get(j, "assignments")), 4);
	const cJSON *it;
	cJSON_ArrayForEach(it, api_get(j, "max_load"))
	    assert_true(api_get(it, "people")->valueint <= api_get(it, "capacity")->valueint);
	/* Four classes, four (slot, zone) units: nobody meets anybody. */
	assert_int_equal(api_get(api_get(j, "summary"), "meets_total")->valueint, 0);
	assert_true(cJSON_IsTrue(api_get(api_get(j, "summary"), "optimal")));
	assert_true(cJSON_IsNull(api_get(j, "saved")));
	cJSON_Delete(j);
	/* Saving is an operation: not the principal's; logistics may. */
	const char *save = "{\"place\":\"一食堂\",\"slots\":\"11:30-12:00,12:00-12:30\",\"save\":"
			   "true,\"weekdays\":\"1-5\"}";
	api_expect(fx.srv.port, "POST", "/api/stagger", fx.principal, save, 403);
	assert_int_equal(api_call(fx.srv.port, "POST", "/api/stagger", fx.logistics, save, &j),
			 201);
	assert_int_equal(api_get(api_get(j, "saved"), "timetable_rows")->valueint, 20);
	cJSON_Delete(j);
	assert_int_equal(api_call(fx.srv.port, "GET", "/api/stagger/plans", fx.reporter, NULL, &j),
			 200);
	assert_int_equal(cJSON_GetArraySize(api_get(j, "items")), 1);
	int id = api_get(cJSON_GetArrayItem(api_get(j, "items"), 0), "id")->valueint;
	cJSON_Delete(j);
	char path[64];
	snprintf(path, sizeof path, "/api/stagger/plans/%d", id);
	assert_int_equal(api_call(fx.srv.port, "GET", path, fx.principal, NULL, &j), 200);
	assert_true(cJSON_IsTrue(api_get(api_get(api_get(j, "plan"), "result"), "feasible")));
	cJSON_Delete(j);
	/* A density limit of 4 m² a person leaves 2 seats a zone: each class
	 * (of 2 or 1) alone in a unit still fits. */
	assert_int_equal(
	    api_call(
		fx.srv.port, "POST", "/api/stagger", fx.principal,
		"{\"place\":\"一食堂\",\"slots\":\"11:30-12:00,12:00-12:30\",\"m2_per_person\":4}",
		&j),
	    200);
	cJSON_ArrayForEach(it, api_get(j, "zones"))
	    assert_int_equal(api_get(it, "capacity")->valueint, 2);
	cJSON_ArrayForEach(it, api_get(j, "max_load"))
	    assert_true(api_get(it, "people")->valueint <= 2);
	cJSON_Delete(j);
	/* One slot at that density is too few: an answer that says what is short. */
	assert_int_equal(
	    api_call(fx.srv.port, "POST", "/api/stagger", fx.principal,
		     "{\"place\":\"一食堂\",\"slots\":\"11:30-12:00\",\"m2_per_person\":4}", &j),
	    200);
	assert_false(cJSON_IsTrue(api_get(j, "feasible")));
	assert_non_null(strstr(api_get(j, "short")->valuestring, "座位不足"));
	cJSON_Delete(j);
	/* Bad input names the field. */
	assert_int_equal(api_call(fx.srv.port, "POST", "/api/stagger", fx.principal,
				  "{\"place\":\"一食堂\",\"slots\":\"25:00-26:00\"}", &j),
			 400);
	assert_string_equal(api_error_field(j), "slots");
	cJSON_Delete(j);
	assert_int_equal(api_call(fx.srv.port, "POST", "/api/stagger", fx.principal,
				  "{\"place\":\"二食堂\",\"slots\":\"11:00-11:30\"}", &j),
			 400);
	assert_string_equal(api_error_field(j), "place");
	cJSON_Delete(j);
	assert_int_equal(api_call(fx.srv.port, "POST", "/api/stagger", fx.principal,
				  "{\"place\":\"一食堂\",\"slots\":[1]}", &j),
			 400);
	assert_string_equal(api_error_field(j), "slots");
	cJSON_Delete(j);
	assert_int_equal(
	    api_call(fx.srv.port, "POST", "/api/stagger", fx.principal,
		     "{\"place\":\"一食堂\",\"slots\":\"11:00-11:30\",\"save\":\"yes\"}", &j),
	    400);
	assert_string_equal(api_error_field(j), "save");
	cJSON_Delete(j);
}

static void test_hygiene_records_and_supplies_with_the_stock_guard(void **state)
{
	(void)state;
	api_expect(fx.srv.port, "POST", "/api/places", fx.logistics,
		   "{\"name\":\"教学楼A-101\",\"kind\":\"classroom\",\"capacity\":50}", 201);
	api_expect(fx.srv.port, "POST", "/api/places", fx.logistics,
		   "{\"name\":\"后勤处\",\"kind\":\"office\",\"capacity\":8}", 201);
	cJSON *j;
	/* Stock in, then a disinfection that uses some of it. */
	assert_int_equal(api_call(fx.srv.port, "POST", "/api/supplies/moves", fx.logistics,
				  "{\"item\":\"disinfectant_chlorine\",\"kind\":\"receipt\","
				  "\"quantity\":20,\"place\":\"后勤处\",\"party\":\"供应商\"}",
				  &j),
			 201);
	cJSON_Delete(j);
	assert_int_equal(
	    api_call(fx.srv.port, "POST", "/api/hygiene/records", fx.logistics,
		     "{\"place\":\"教学楼A-101\",\"action\":\"disinfect\",\"method\":"
		     "\"擦拭\",\"agent\":\"含氯消毒液 500mg/L\","
		     "\"item\":\"disinfectant_chlorine\",\"quantity\":1.5,\"performer\":"
		     "\"刘阿姨\",\"duration_min\":20}",
		     &j),
	    201);
	cJSON_Delete(j);
	assert_int_equal(
	    api_call(fx.srv.port, "GET", "/api/hygiene/records", fx.principal, NULL, &j), 200);
	const cJSON *rec = cJSON_GetArrayItem(api_get(j, "items"), 0);
	assert_string_equal(api_get(rec, "performer")->valuestring, "刘阿姨");
	assert_string_equal(api_get(rec, "item")->valuestring, "disinfectant_chlorine");
	assert_string_equal(api_get(rec, "recorded_by")->valuestring, "wang");
	cJSON_Delete(j);
	assert_int_equal(api_call(fx.srv.port, "GET", "/api/supplies", fx.principal, NULL, &j),
			 200);
	const cJSON *it;
	int seen = 0;
	cJSON_ArrayForEach(it, api_get(j, "items")) if (!strcmp(api_get(it, "code")->valuestring,
								"disinfectant_chlorine"))
	{
		assert_true(api_get(it, "stock")->valuedouble == 18.5);
		assert_true(api_get(it, "issued")->valuedouble == 1.5);
		seen = 1;
	}
	assert_true(seen);
	assert_true(api_get(j, "warnings")->valueint > 0); /* masks, gloves … none in stock */
	cJSON_Delete(j);
	/* More than is in stock: 409 naming the quantity, nothing written. */
	assert_int_equal(
	    api_call(fx.srv.port, "POST", "/api/supplies/moves", fx.logistics,
		     "{\"item\":\"disinfectant_chlorine\",\"kind\":\"issue\",\"quantity\":"
		     "99,\"place\":\"后勤处\"}",
		     &j),
	    409);
	assert_string_equal(api_error_field(j), "quantity");
	cJSON_Delete(j);
	assert_int_equal(api_call(fx.srv.port, "GET",
				  "/api/supplies/moves?item=disinfectant_chlorine", fx.reporter,
				  NULL, &j),
			 200);
	assert_int_equal(cJSON_GetArraySize(api_get(j, "items")), 2);
	cJSON_Delete(j);
	/* Validation. */
	assert_int_equal(api_call(fx.srv.port, "POST", "/api/hygiene/records", fx.logistics,
				  "{\"place\":\"教学楼A-101\",\"action\":\"mop\"}", &j),
			 400);
	assert_string_equal(api_error_field(j), "action");
	cJSON_Delete(j);
	assert_int_equal(api_call(fx.srv.port, "POST", "/api/supplies/moves", fx.logistics,
				  "{\"item\":\"gloves\",\"kind\":\"receipt\",\"place\":\"后勤处\"}",
				  &j),
			 400);
	assert_string_equal(api_error_field(j), "quantity");
	cJSON_Delete(j);
	assert_int_equal(
	    api_call(fx.srv.port, "POST", "/api/supplies/items", fx.logistics,
		     "{\"code\":\"face shield\",\"name_zh\":\"面屏\",\"unit_zh\":\"个\"}", &j),
	    400);
	assert_string_equal(api_error_field(j), "code");
	cJSON_Delete(j);
	api_expect(fx.srv.port, "POST", "/api/supplies/items", fx.logistics,
		   "{\"code\":\"face_shield\",\"name_zh\":\"防护面屏\",\"name_en\":\"face "
		   "shield\",\"unit_zh\":\"个\",\"unit_en\":\"piece\",\"warn_days\":7}",
		   201);
	/* A schedule of the school's own. */
	assert_int_equal(
	    api_call(fx.srv.port, "POST", "/api/hygiene/schedules", fx.logistics,
		     "{\"place\":\"教学楼A-101\",\"action\":\"ventilate\",\"times\":\"07:"
		     "30,10:00,14:00,17:00\",\"weekdays\":\"12345\"}",
		     &j),
	    201);
	assert_string_equal(api_get(api_get(j, "schedule"), "place")->valuestring, "教学楼A-101");
	cJSON_Delete(j);
	assert_int_equal(
	    api_call(fx.srv.port, "POST", "/api/hygiene/schedules", fx.logistics,
		     "{\"place_kind\":\"classroom\",\"action\":\"ventilate\",\"times\":\"7:30\"}",
		     &j),
	    400);
	assert_string_equal(api_error_field(j), "times");
	cJSON_Delete(j);
	assert_int_equal(
	    api_call(fx.srv.port, "GET", "/api/hygiene/status?overdue=1", fx.reporter, NULL, &j),
	    200);
	assert_non_null(cJSON_GetObjectItem(j, "summary"));
	cJSON_Delete(j);
	api_expect(fx.srv.port, "GET", "/api/hygiene/status?date=2020-13-01", fx.reporter, NULL,
		   400);
}

static void test_plans_tasks_by_owner_role_and_inspections(void **state)
{
	(void)state;
	cJSON *j;
	assert_int_equal(api_call(fx.srv.port, "GET", "/api/plans", fx.principal, NULL, &j), 200);
	int plan = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, api_get(j, "items")) if (!strcmp(api_get(it, "code")->valuestring,
								"suspected_case")) plan =
	    api_get(it, "id")->valueint;
	assert_true(plan > 0);
	cJSON_Delete(j);
	char path[96];
	snprintf(path, sizeof path, "/api/plans/%d/activate", plan);
	assert_int_equal(api_call(fx.srv.port, "POST", path, fx.principal,
				  "{\"reason\":\"二班一名学生发热伴咳嗽\"}", &j),
			 201);
	const cJSON *act = api_get(j, "activation");
	int aid = api_get(act, "id")->valueint;
	assert_int_equal(cJSON_GetArraySize(api_get(act, "tasks_detail")), 6);
	assert_false(cJSON_IsTrue(api_get(act, "automatic")));
	cJSON_Delete(j);
	api_expect(fx.srv.port, "POST", "/api/plans/9999/activate", fx.principal, NULL, 404);
	/* The teacher sees only the teacher's task, and may close only it. */
	assert_int_equal(
	    api_call(fx.srv.port, "GET", "/api/ops-tasks?open=1", fx.teacher, NULL, &j), 200);
	assert_int_equal(cJSON_GetArraySize(api_get(j, "items")), 1);
	int teacher_task = api_get(cJSON_GetArrayItem(api_get(j, "items"), 0), "id")->valueint;
	assert_string_equal(
	    api_get(cJSON_GetArrayItem(api_get(j, "items"), 0), "owner_role")->valuestring,
	    "teacher");
	cJSON_Delete(j);
	assert_int_equal(
	    api_call(fx.srv.port, "GET", "/api/ops-tasks?open=1", fx.principal, NULL, &j), 200);
	int reporter_task = 0;
	cJSON_ArrayForEach(
	    it,
	    api_get(j, "items")) if (!strcmp(api_get(it, "owner_role")->valuestring, "reporter") &&
				     !reporter_task) reporter_task = api_get(it, "id")->valueint;
	assert_int_equal(cJSON_GetArraySize(api_get(j, "items")), 6);
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/ops-tasks/%d/done", reporter_task);
	api_expect(fx.srv.port, "POST", path, fx.teacher, NULL, 403);
	api_expect(fx.srv.port, "POST", path, fx.logistics, NULL, 403);
	api_expect(fx.srv.port, "POST", path, fx.reporter, "{\"note\":\"已转隔离室\"}", 200);
	snprintf(path, sizeof path, "/api/ops-tasks/%d/done", teacher_task);
	assert_int_equal(
	    api_call(fx.srv.port, "POST", path, fx.teacher, "{\"note\":\"已电话通知家长\"}", &j),
	    200);
	assert_true(cJSON_IsNumber(api_get(api_get(j, "task"), "done_at")));
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/plan-activations/%d", aid);
	assert_int_equal(api_call(fx.srv.port, "GET", path, fx.reporter, NULL, &j), 200);
	assert_int_equal(api_get(api_get(j, "activation"), "open_tasks")->valueint, 4);
	cJSON_Delete(j);
	/* Inspections: a failed item opens a task for logistics. */
	const char *insp =
	    "{\"checklist\":\"daily_hygiene\",\"inspector\":\"区教委检查组\",\"findings\":["
	    "{\"seq\":1,\"result\":\"pass\"},{\"seq\":2,\"result\":\"fail\",\"note\":"
	    "\"午餐后未消毒\"},"
	    "{\"seq\":3,\"result\":\"pass\"},{\"seq\":4,\"result\":\"pass\"},{\"seq\":5,\"result\":"
	    "\"na\"}]}";
	assert_int_equal(api_call(fx.srv.port, "POST", "/api/inspections", fx.principal, insp, &j),
			 201);
	const cJSON *in = api_get(j, "inspection");
	assert_int_equal(api_get(in, "failed")->valueint, 1);
	int follow = api_get(cJSON_GetArrayItem(api_get(in, "tasks"), 0), "id")->valueint;
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/ops-tasks/%d/done", follow);
	api_expect(fx.srv.port, "POST", path, fx.logistics, "{\"note\":\"已补做\"}", 200);
	assert_int_equal(
	    api_call(fx.srv.port, "POST", "/api/inspections", fx.principal,
		     "{\"checklist\":\"daily_hygiene\",\"inspector\":\"x\",\"findings\":[{"
		     "\"seq\":1,\"result\":\"ok\"}]}",
		     &j),
	    400);
	assert_string_equal(api_error_field(j), "findings[0]");
	cJSON_Delete(j);
	/* The leading group's view: nothing late yet, who owns what is open. */
	assert_int_equal(api_call(fx.srv.port, "GET", "/api/duty", fx.principal, NULL, &j), 200);
	assert_int_equal(api_get(j, "active_plans")->valueint, 1);
	int reporters = 0;
	cJSON_ArrayForEach(
	    it, api_get(j, "by_role")) if (!strcmp(api_get(it, "role")->valuestring, "reporter"))
	{
		reporters = api_get(it, "open")->valueint;
		assert_string_equal(cJSON_GetArrayItem(api_get(it, "owners"), 0)->valuestring,
				    "doc");
	}
	assert_int_equal(reporters, 2);
	cJSON_Delete(j);
	/* Closing the activation. */
	snprintf(path, sizeof path, "/api/plan-activations/%d/close", aid);
	api_expect(fx.srv.port, "POST", path, fx.logistics, NULL, 403);
	assert_int_equal(api_call(fx.srv.port, "POST", path, fx.principal, NULL, &j), 200);
	assert_string_equal(api_get(api_get(j, "activation"), "status")->valuestring, "closed");
	cJSON_Delete(j);
	/* The admin makes the school's own plan (the default stays for others). */
	assert_int_equal(
	    api_call(
		fx.srv.port, "POST", "/api/plans", fx.admin,
		"{\"code\":\"drill\",\"name_zh\":\"应急演练\",\"name_en\":\"Drill\",\"steps\":["
		"{\"title_zh\":\"集合\",\"owner_role\":\"principal\",\"due_minutes\":15},"
		"{\"title_zh\":\"清点人数\",\"owner_role\":\"teacher\",\"due_minutes\":30}]}",
		&j),
	    201);
	assert_int_equal(cJSON_GetArraySize(api_get(api_get(j, "plan"), "steps")), 2);
	cJSON_Delete(j);
	assert_int_equal(
	    api_call(fx.srv.port, "POST", "/api/plans", fx.admin,
		     "{\"code\":\"drill2\",\"name_zh\":\"演练\",\"steps\":[{\"title_zh\":"
		     "\"x\",\"owner_role\":\"nobody\",\"due_minutes\":5}]}",
		     &j),
	    400);
	assert_string_equal(api_error_field(j), "steps[0].owner_role");
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
	return cmocka_run_group_tests(tests, setup, api_school_teardown);
}
