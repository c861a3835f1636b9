/*
 * test_api_cases.c — cases, isolation, tracing, follow-up, chains and the
 * person timeline against a real `jinyun serve` on a free loopback port,
 * on a small demo school (`jinyun demo --students 240 --days 7`) with its
 * demo logins.  Checks the policy (401/403 per role), validation (400 with
 * the field), the one-action flows (self-report → suspected case), and the
 * audit log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "apifix.h"
#include "testutil.h"

typedef struct fixture {
	char *dir;
	char db[512];
	test_server srv;
	char reporter[320], teacher[320], principal[320], gate[320], logistics[320], admin[320],
		district[320];
	int64_t teacher_class;
	int64_t own[3];      /* students of the teacher's class */
	int64_t other;       /* a student of another class */
	int64_t case_id;
} fixture;

static fixture fx;

static int status_of(const char *method, const char *path, const char *cookie, const char *body)
{
	httpc_resp r;
	if (httpc_request(fx.srv.port, method, path, cookie, body, body ? strlen(body) : 0, &r))
		return -1;
	int s = r.status;
	httpc_free(&r);
	return s;
}

static int64_t num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);
	assert_non_null(v);
	return (int64_t)v->valuedouble;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);
	assert_non_null(v);
	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static char today[11];

static int setup(void **state)
{
	time_t now = time(NULL) + 8 * 3600; /* China Standard Time */
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	(void)state;
	fx.dir = tu_tmpdir();
	tu_db(fx.db, sizeof fx.db, fx.dir, "api.db");
	char cmd[1200], *out, *err;
	snprintf(cmd, sizeof cmd, "%s demo --db %s --students 240 --days 7", tu_jinyun_bin(), fx.db);
	int rc = tu_run(cmd, NULL, &out, &err);
	if (rc)
		fprintf(stderr, "%s%s", out, err);
	free(out);
	free(err);
	if (rc || test_server_start(&fx.srv, fx.db))
		return -1;
	api_login(fx.srv.port, "reporter", "reporter123", fx.reporter, sizeof fx.reporter);
	api_login(fx.srv.port, "teacher", "teacher123", fx.teacher, sizeof fx.teacher);
	api_login(fx.srv.port, "principal", "principal123", fx.principal, sizeof fx.principal);
	api_login(fx.srv.port, "gate", "gate1234", fx.gate, sizeof fx.gate);
	api_login(fx.srv.port, "logistics", "logistics123", fx.logistics, sizeof fx.logistics);
	api_login(fx.srv.port, "admin", "admin123", fx.admin, sizeof fx.admin);
	api_login(fx.srv.port, "district", "district123", fx.district, sizeof fx.district);
	cJSON *s = api_json(fx.srv.port, "GET", "/api/session", fx.teacher, NULL, 200);
	fx.teacher_class = num(cJSON_GetObjectItem(s, "user"), "scope_id");
	cJSON_Delete(s);
	char path[128];
	snprintf(path, sizeof path, "/api/people?class_id=%lld&kind=student&limit=5", (long long)fx.teacher_class);
	cJSON *p = api_json(fx.srv.port, "GET", path, fx.reporter, NULL, 200);
	for (int i = 0; i < 3; i++)
		fx.own[i] = num(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "items"), i), "id");
	cJSON_Delete(p);
	p = api_json(fx.srv.port, "GET", "/api/people?kind=student&limit=1", fx.reporter, NULL,
		     200);
	fx.other = num(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "items"), 0), "id");
	cJSON_Delete(p);
	assert_true(fx.other != fx.own[0]);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_server_stop(&fx.srv);
	tu_rmtree_free(fx.dir);
	return 0;
}

static void test_cases_policy_by_role(void **state)
{
	(void)state;
	assert_int_equal(status_of("GET", "/api/cases", NULL, NULL), 401);
	assert_int_equal(status_of("POST", "/api/cases/1/trace", NULL, "{}"), 401);
	assert_int_equal(status_of("GET", "/api/cases", fx.gate, NULL), 403);
	assert_int_equal(status_of("GET", "/api/cases", fx.logistics, NULL), 403);
	assert_int_equal(status_of("GET", "/api/cases", fx.teacher, NULL), 403);
	assert_int_equal(status_of("GET", "/api/cases", fx.principal, NULL), 200);
	assert_int_equal(status_of("GET", "/api/cases", fx.district, NULL), 200);
	assert_int_equal(status_of("GET", "/api/chains", fx.gate, NULL), 403);
	assert_int_equal(status_of("GET", "/api/isolation/rooms", fx.logistics, NULL), 403);
	char body[200];
	snprintf(body, sizeof body, "{\"person_id\":%lld,\"code\":\"varicella\"}", (long long)fx.own[0]);
	assert_int_equal(status_of("POST", "/api/cases", fx.principal, body), 403);
	assert_int_equal(status_of("POST", "/api/cases", fx.teacher, body), 403);
	assert_int_equal(status_of("POST", "/api/cases", fx.district, body), 403);
	/* A case that does not exist is 403 to those who may not see cases, 404 otherwise. */
	assert_int_equal(status_of("GET", "/api/cases/999999", fx.gate, NULL), 403);
	assert_int_equal(status_of("GET", "/api/cases/999999", fx.reporter, NULL), 404);
	char path[96];
	snprintf(path, sizeof path, "/api/people/%lld/timeline", (long long)fx.own[0]);
	assert_int_equal(status_of("GET", path, fx.teacher, NULL), 403);
	assert_int_equal(status_of("GET", path, fx.gate, NULL), 403);
}

static void test_case_lifecycle_validation_and_trace(void **state)
{
	(void)state;
	assert_int_equal(status_of("POST", "/api/cases", fx.reporter, "{\"person_id\":1,\"code\":\"plague\"}"), 400);
	cJSON *e = api_json(fx.srv.port, "POST", "/api/cases", fx.reporter,
			    "{\"person_id\":1,\"code\":\"plague\"}", 400);
	assert_string_equal(str(cJSON_GetObjectItem(e, "error"), "field"), "code");
	cJSON_Delete(e);
	char body[300];
	snprintf(body, sizeof body,
		 "{\"person_id\":%lld,\"code\":\"varicella\",\"classification\":\"confirmed\","
		 "\"onset\":\"2020-05-14T08:00\"}", (long long)fx.own[0]);
	cJSON *c = api_json(fx.srv.port, "POST", "/api/cases", fx.reporter, body, 201);
	const cJSON *k = cJSON_GetObjectItem(c, "case");
	fx.case_id = num(k, "id");
	assert_string_equal(str(k, "code_zh"), "水痘");
	assert_int_equal(num(k, "report_due_at") - num(k, "created_at"), 24 * 3600);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(k, "report_overdue")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(k, "reported_at")));
	cJSON_Delete(c);
	char path[128];
	snprintf(path, sizeof path, "/api/cases/%lld", (long long)fx.case_id);
	c = api_json(fx.srv.port, "PATCH", path, fx.reporter, "{\"reported\":true}", 200);
	assert_false(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "case"), "reported_at")));
	cJSON_Delete(c);
	c = api_json(fx.srv.port, "GET", path, fx.principal, NULL, 200);
	k = cJSON_GetObjectItem(c, "case");
	assert_int_equal(num(cJSON_GetObjectItem(k, "setting"), "monitor_days"), 21);
	/* window: 48 h before onset until now (not isolated) */
	assert_int_equal(num(cJSON_GetObjectItem(k, "window"), "from"), 1589414400 - 48 * 3600);
	cJSON_Delete(c);

	/* The trace: 2 hops over the demo's week. */
	snprintf(path, sizeof path, "/api/cases/%lld/trace", (long long)fx.case_id);
	assert_int_equal(status_of("POST", path, fx.principal, "{}"), 403);
	e = api_json(fx.srv.port, "POST", path, fx.reporter, "{\"hops\":0}", 400);
	assert_string_equal(str(cJSON_GetObjectItem(e, "error"), "field"), "hops");
	cJSON_Delete(e);
	e = api_json(fx.srv.port, "POST", path, fx.reporter, "{\"from\":\"yesterday\"}", 400);
	assert_string_equal(str(cJSON_GetObjectItem(e, "error"), "field"), "from");
	cJSON_Delete(e);
	cJSON *t = api_json(
	    fx.srv.port, "POST", path, fx.reporter,
	    "{\"from\":\"2020-05-12\",\"to\":\"2020-05-19\",\"hops\":2,\"min_duration\":900}", 200);
	const cJSON *contacts = cJSON_GetObjectItem(t, "contacts");
	const cJSON *places = cJSON_GetObjectItem(t, "places");
	int n = cJSON_GetArraySize(contacts);
	assert_true(n > 40);
	int hop1 = (int)cJSON_GetArrayItem(cJSON_GetObjectItem(t, "by_hop"), 0)->valuedouble;
	int hop2 = (int)cJSON_GetArrayItem(cJSON_GetObjectItem(t, "by_hop"), 1)->valuedouble;
	assert_int_equal(hop1 + hop2, n);
	int own_found = 0;
	const cJSON *it;
	int64_t last_hop = 0, last_exp = INT64_MAX;
	cJSON_ArrayForEach(it, contacts) {
		int64_t hop = num(it, "hop"), exp = num(it, "exposure_seconds");
		assert_true(hop > last_hop || (hop == last_hop && exp <= last_exp));
		last_hop = hop;
		last_exp = exp;
		assert_true(exp >= 900);
		assert_true(strlen(str(it, "name")) > 0);
		if (hop == 1)
			assert_int_equal(num(it, "via_person_id"), fx.own[0]);
		own_found |= num(it, "person_id") == fx.own[1];
		const cJSON *pl;
		cJSON_ArrayForEach(pl, cJSON_GetObjectItem(it, "places")) {
			int idx = (int)cJSON_GetArrayItem(pl, 0)->valuedouble;
			assert_true(idx >= 0 && idx < cJSON_GetArraySize(places));
		}
	}
	assert_true(own_found); /* a classmate is a contact */
	cJSON_Delete(t);
	/* The trace was logged, with the case's person. */
	snprintf(path, sizeof path, "/api/audit?person_id=%lld", (long long)fx.own[0]);
	cJSON *a = api_json(fx.srv.port, "GET", path, fx.admin, NULL, 200);
	int logged = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(a, "items"))
		logged |= !strcmp(str(it, "entity"), "trace");
	assert_true(logged);
	cJSON_Delete(a);
}

static int64_t room_of_kind(const char *kind, int64_t *capacity)
{
	cJSON *r = api_json(fx.srv.port, "GET", "/api/isolation/rooms", fx.reporter, NULL, 200);
	int64_t id = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r, "items"))
		if (!id && !strcmp(str(it, "kind"), kind)) {
			id = num(it, "id");
			*capacity = num(it, "capacity") - num(it, "occupied");
		}
	cJSON_Delete(r);
	return id;
}

static void test_isolation_room_and_handover(void **state)
{
	(void)state;
	int64_t cap = 0, room = room_of_kind("isolation_room", &cap);
	assert_true(room > 0 && cap >= 1);
	char body[300], path[128];
	int64_t ids[4];
	/* Fill the room: the next admission is refused with 409. */
	for (int i = 0; i <= cap && i < 4; i++) {
		snprintf(body, sizeof body, "{\"person_id\":%lld,\"code\":\"influenza\"}", (long long)(fx.other + 1 + i));
		cJSON *c = api_json(fx.srv.port, "POST", "/api/cases", fx.reporter, body, 201);
		ids[i] = num(cJSON_GetObjectItem(c, "case"), "id");
		cJSON_Delete(c);
		snprintf(path, sizeof path, "/api/cases/%lld/isolation", (long long)ids[i]);
		snprintf(body, sizeof body, "{\"place_id\":%lld,\"release_criteria\":\"退热48小时\"}", (long long)room);
		assert_int_equal(status_of("POST", path, fx.reporter, body), i < cap ? 201 : 409);
	}
	cJSON *r = api_json(fx.srv.port, "GET", "/api/isolation/rooms", fx.principal, NULL, 200);
	int64_t stay = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r, "items"))
		if (num(it, "id") == room) {
			assert_true(cJSON_IsTrue(cJSON_GetObjectItem(it, "full")));
			stay = num(cJSON_GetArrayItem(cJSON_GetObjectItem(it, "occupants"), 0), "id");
		}
	cJSON_Delete(r);
	assert_true(stay > 0);
	snprintf(path, sizeof path, "/api/isolation/%lld/handover", (long long)stay);
	cJSON *e = api_json(fx.srv.port, "POST", path, fx.reporter, "{\"to\":\"parent\"}", 400);
	assert_string_equal(str(cJSON_GetObjectItem(e, "error"), "field"), "name");
	cJSON_Delete(e);
	assert_int_equal(status_of("POST", path, fx.principal, "{\"to\":\"parent\",\"name\":\"家长\"}"), 403);
	cJSON *h = api_json(
	    fx.srv.port, "POST", path, fx.reporter,
	    "{\"to\":\"hospital\",\"name\":\"北碚区人民医院\",\"note\":\"120 转运\"}", 200);
	assert_string_equal(str(cJSON_GetObjectItem(cJSON_GetObjectItem(h, "stay"), "handover"), "to"), "hospital");
	cJSON_Delete(h);
	assert_int_equal(status_of("POST", path, fx.reporter, "{\"to\":\"parent\",\"name\":\"x\"}"), 409);
	/* now there is room again */
	snprintf(path, sizeof path, "/api/cases/%lld/isolation", (long long)ids[cap < 4 ? cap : 3]);
	snprintf(body, sizeof body, "{\"place_id\":%lld}", (long long)room);
	assert_int_equal(status_of("POST", path, fx.reporter, body), 201);
}

static void test_followup_teacher_self_report_and_case(void **state)
{
	(void)state;
	assert_true(fx.case_id > 0);
	char body[600], path[160];
	snprintf(path, sizeof path, "/api/cases/%lld/followups", (long long)fx.case_id);
	snprintf(body, sizeof body,
		 "{\"start_date\":\"%s\",\"contacts\":[{\"person_id\":%lld,\"hop\":1,\"exposure_seconds\":9000,"
		 "\"via_person_id\":%lld},{\"person_id\":%lld},{\"person_id\":%lld}]}",
		 today, (long long)fx.own[1], (long long)fx.own[0], (long long)fx.own[2], (long long)fx.other);
	assert_int_equal(status_of("POST", path, fx.teacher, body), 403);
	cJSON *j = api_json(fx.srv.port, "POST", path, fx.reporter, body, 201);
	assert_int_equal(num(j, "created"), 3);
	cJSON_Delete(j);
	/* The teacher sees their class's contacts only. */
	cJSON *l = api_json(fx.srv.port, "GET", "/api/followups", fx.teacher, NULL, 200);
	int n = 0;
	int64_t mine = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(l, "items")) {
		assert_int_equal(num(it, "class_id"), fx.teacher_class);
		assert_string_equal(str(it, "status"), "monitoring");
		/* Who the case is, and through whom, is not the teacher's to read. */
		static const char *const hidden[] = { "case_id", "case_code", "case_name", "via", "via_person_id", "places" };
		for (size_t k = 0; k < sizeof hidden / sizeof *hidden; k++)
			if (cJSON_GetObjectItem(it, hidden[k]))
				fail_msg("a class teacher's follow-up carries %s", hidden[k]);
		if (num(it, "person_id") == fx.own[1])
			mine = num(it, "id");
		n++;
	}
	assert_int_equal(n, 2);
	cJSON_Delete(l);
	l = api_json(fx.srv.port, "GET", "/api/followups", fx.reporter, NULL, 200);
	int64_t theirs = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(l, "items")) {
		if (num(it, "person_id") == fx.other)
			theirs = num(it, "id");
		assert_non_null(cJSON_GetObjectItem(it, "case_name"));
		if (num(it, "person_id") == fx.own[1])
			assert_int_equal(num(it, "via_person_id"), fx.own[0]);
	}
	cJSON_Delete(l);
	assert_true(mine && theirs);
	char other_class[96];
	snprintf(other_class, sizeof other_class, "/api/followups?class_id=%lld", (long long)fx.teacher_class + 1);
	assert_int_equal(status_of("GET", other_class, fx.teacher, NULL), 403);
	snprintf(path, sizeof path, "/api/followups/%lld", (long long)theirs);
	assert_int_equal(status_of("GET", path, fx.teacher, NULL), 403);
	snprintf(path, sizeof path, "/api/followups/%lld/checks", (long long)theirs);
	assert_int_equal(status_of("POST", path, fx.teacher, "{}"), 403);
	/* The teacher's daily check; a bad symptom names the field. */
	snprintf(path, sizeof path, "/api/followups/%lld/checks", (long long)mine);
	cJSON *e =
	    api_json(fx.srv.port, "POST", path, fx.teacher, "{\"symptoms\":[\"sneezing\"]}", 400);
	assert_string_equal(str(cJSON_GetObjectItem(e, "error"), "field"), "symptoms");
	cJSON_Delete(e);
	e = api_json(fx.srv.port, "POST", path, fx.teacher, "{\"date\":\"2020-01-01\"}", 400);
	assert_string_equal(str(cJSON_GetObjectItem(e, "error"), "field"), "date");
	cJSON_Delete(e);
	j = api_json(fx.srv.port, "POST", path, fx.teacher, "{\"temperature\":36.5}", 200);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(j, "symptomatic")));
	assert_string_equal(str(j, "date"), today);
	cJSON_Delete(j);
	/* A self-report link: public, shows a masked name, records today's check. */
	snprintf(path, sizeof path, "/api/followups/%lld/link", (long long)mine);
	j = api_json(fx.srv.port, "POST", path, fx.teacher, NULL, 201);
	char token[80], rpath[160];
	snprintf(token, sizeof token, "%s", str(j, "token"));
	cJSON_Delete(j);
	snprintf(rpath, sizeof rpath, "/api/report/%s", token);
	j = api_json(fx.srv.port, "GET", rpath, NULL, NULL, 200);
	assert_non_null(strstr(str(j, "name"), "**"));
	assert_null(cJSON_GetObjectItem(j, "number"));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "checked_today")));
	cJSON_Delete(j);
	assert_int_equal(status_of("GET", "/api/report/0000000000000000000000000000000000000000000000000000000000000000", NULL, NULL), 404);
	j = api_json(fx.srv.port, "POST", rpath, NULL,
		     "{\"temperature\":38.4,\"symptoms\":\"发热、皮疹\"}", 200);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "symptomatic")));
	cJSON_Delete(j);
	/* The doctor makes the contact a suspected case with one action. */
	snprintf(path, sizeof path, "/api/followups/%lld/case", (long long)mine);
	assert_int_equal(status_of("POST", path, fx.teacher, NULL), 403);
	j = api_json(fx.srv.port, "POST", path, fx.reporter, NULL, 201);
	const cJSON *k = cJSON_GetObjectItem(j, "case");
	assert_string_equal(str(k, "classification"), "suspected");
	assert_string_equal(str(k, "code"), "varicella");
	assert_int_equal(num(k, "source_case_id"), fx.case_id);
	int64_t second = num(k, "id");
	cJSON_Delete(j);
	assert_int_equal(status_of("POST", path, fx.reporter, NULL), 409);
	/* The link no longer takes reports. */
	assert_int_equal(status_of("POST", rpath, NULL, "{\"temperature\":36.5}"), 409);
	/* The chain: one edge from the first case to the second. */
	cJSON *g = api_json(fx.srv.port, "GET", "/api/chains", fx.principal, NULL, 200);
	int edge = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(g, "edges"))
		edge |= num(it, "from") == fx.case_id && num(it, "to") == second;
	assert_true(edge);
	cJSON_Delete(g);
	/* and the doctor may not make a cycle */
	snprintf(path, sizeof path, "/api/cases/%lld/source", (long long)fx.case_id);
	snprintf(body, sizeof body, "{\"source_case_id\":%lld}", (long long)second);
	e = api_json(fx.srv.port, "PUT", path, fx.reporter, body, 400);
	assert_string_equal(str(cJSON_GetObjectItem(e, "error"), "field"), "source_case_id");
	cJSON_Delete(e);
	/* A suggestion is answered (its logic is tested in test_cases.c). */
	snprintf(path, sizeof path, "/api/cases/%lld/source-suggestion", (long long)second);
	assert_int_equal(status_of("GET", path, fx.teacher, NULL), 403);
	j = api_json(fx.srv.port, "GET", path, fx.reporter, NULL, 200);
	assert_non_null(cJSON_GetObjectItem(j, "candidates"));
	cJSON_Delete(j);
}

static void test_timeline_presence_and_audit(void **state)
{
	(void)state;
	char path[200], body[300];
	/* an assembly on the Saturday */
	cJSON *pl = api_json(fx.srv.port, "GET", "/api/places?kind=hall", fx.admin, NULL, 200);
	const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(pl, "items"), 0);
	int64_t hall = first ? num(first, "id") : 0;
	cJSON_Delete(pl);
	if (!hall) {
		pl = api_json(fx.srv.port, "GET", "/api/places?kind=playground", fx.admin, NULL,
			      200);
		hall = num(cJSON_GetArrayItem(cJSON_GetObjectItem(pl, "items"), 0), "id");
		cJSON_Delete(pl);
	}
	snprintf(body, sizeof body,
		 "{\"place_id\":%lld,\"start\":\"2020-05-16T09:00\",\"end\":\"2020-05-16T10:00\",\"people\":[%lld,%lld],\"event\":\"安全教育大会\"}",
		 (long long)hall, (long long)fx.own[0], (long long)fx.other);
	assert_int_equal(status_of("POST", "/api/presence", fx.teacher, body), 403);
	cJSON *j = api_json(fx.srv.port, "POST", "/api/presence", fx.reporter, body, 201);
	cJSON_Delete(j);
	j = api_json(fx.srv.port, "POST", "/api/presence", fx.reporter,
		     "{\"place_id\":1,\"start\":10,\"end\":5,\"people\":[1]}", 400);
	cJSON_Delete(j);
	snprintf(path, sizeof path, "/api/people/%lld/timeline?from=2020-05-12&to=2020-05-19", (long long)fx.own[0]);
	j = api_json(fx.srv.port, "GET", path, fx.principal, NULL, 200);
	const cJSON *items = cJSON_GetObjectItem(j, "items");
	double last = -1;
	int presence = 0, check = 0, kase = 0, event = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, items) {
		double t = cJSON_GetObjectItem(it, "at")->valuedouble;
		assert_true(t >= last);
		last = t;
		const char *kind = str(it, "kind");
		presence |= !strcmp(kind, "presence");
		check |= !strcmp(kind, "check");
		kase |= !strcmp(kind, "case");
		if (!strcmp(kind, "presence") && !strcmp(str(it, "source"), "event"))
			event = 1;
	}
	assert_true(presence && check && kase && event);
	cJSON_Delete(j);
	assert_int_equal(status_of("GET", "/api/people/999999/timeline", fx.reporter, NULL), 404);
	snprintf(path, sizeof path, "/api/people/%lld/timeline?from=2020-01-01&to=2020-12-31", (long long)fx.own[0]);
	assert_int_equal(status_of("GET", path, fx.reporter, NULL), 400);
	snprintf(path, sizeof path, "/api/audit?person_id=%lld", (long long)fx.own[0]);
	cJSON *a = api_json(fx.srv.port, "GET", path, fx.admin, NULL, 200);
	int logged = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(a, "items"))
		logged |= !strcmp(str(it, "entity"), "timeline") && !strcmp(str(it, "username"), "principal");
	assert_true(logged);
	cJSON_Delete(a);
}

static void test_disease_settings_are_data(void **state)
{
	(void)state;
	cJSON *j = api_json(fx.srv.port, "GET", "/api/diseases", fx.reporter, NULL, 200);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")) >= 10);
	cJSON_Delete(j);
	assert_int_equal(status_of("PUT", "/api/diseases/measles", fx.reporter, "{\"monitor_days\":30}"), 403);
	j = api_json(fx.srv.port, "PUT", "/api/diseases/measles", fx.admin,
		     "{\"monitor_days\":30,\"same_dorm\":false}", 200);
	const cJSON *st = cJSON_GetObjectItem(j, "setting");
	assert_int_equal(num(st, "monitor_days"), 30);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(st, "same_dorm")));
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(st, "district")));
	cJSON_Delete(j);
	j = api_json(fx.srv.port, "PUT", "/api/diseases/measles", fx.admin, "{\"hops\":11}", 400);
	assert_string_equal(str(cJSON_GetObjectItem(j, "error"), "field"), "hops");
	cJSON_Delete(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_policy_by_role),
		cmocka_unit_test(test_case_lifecycle_validation_and_trace),
		cmocka_unit_test(test_isolation_room_and_handover),
		cmocka_unit_test(test_followup_teacher_self_report_and_case),
		cmocka_unit_test(test_timeline_presence_and_audit),
		cmocka_unit_test(test_disease_settings_are_data),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
