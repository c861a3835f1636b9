/*
 * test_api_district.c — many schools in one database, against a real
 * `jinyun serve` on a free loopback port: the demo district of three
 * schools plus a school of another district; the district overview (every
 * school at once, totals that are the sums), drill-down into a school of
 * the district and 403 outside it, school users confined to their school
 * (403, not 404, for another school's ids), pseudonyms (a district user
 * never sees a name, number or phone; the pseudonym is stable), a privacy
 * grant that shows names and is audited, the district cluster rule (the
 * same diagnosis in three schools), exports that need a role and are
 * audited, --school and its error naming the choices, the counts the
 * overview reads from the class and submission rows against a recount
 * after transfers, corrections and imports, and the retention purge (dry
 * run, all or nothing, logged).
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

#include "httpc.h"
#include "store/db.h"
#include "testutil.h"

typedef struct fixture {
	char *dir;
	char db[600];
	test_server srv;
	char district[320], reporter[320], admin[320], doc2[320], doc3[320];
	int64_t school[4];     /* [1..3]: the demo district's schools */
	int64_t other_school;  /* a school of another district */
	int64_t other_person;  /* a person of the other district's school */
} fixture;

static fixture fx;

static const char roster_csv[] = "学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
				 "X01,外区甲,男,2019级,一班,A101,13900000001\n"
				 "X02,外区乙,女,2019级,一班,B101,13900000002\n";

static int run(const char *args, const char *in, char **out, char **err)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "%s %s", tu_jinyun_bin(), args);
	return tu_run(cmd, in, out, err);
}

static int run_ok(const char *args, const char *in)
{
	char *o = NULL, *e = NULL;
	int rc = run(args, in, &o, &e);
	if (rc)
		fprintf(stderr, "jinyun %s: exit %d\n%s%s", args, rc, o ? o : "", e ? e : "");
	free(o);
	free(e);
	return rc;
}

static int login(const char *user, const char *pw, char *cookie, size_t size)
{
	char body[256];
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
	httpc_resp r;
	if (httpc_request(fx.srv.port, "POST", "/api/session", NULL, body, strlen(body), &r))
		return -1;
	int ok = r.status == 200;
	char sc[512];
	httpc_header(&r, "Set-Cookie", sc, sizeof sc);
	char *semi = strchr(sc, ';');
	if (semi)
		*semi = 0;
	snprintf(cookie, size, "Cookie: %.200s\r\n", sc);
	httpc_free(&r);
	return ok ? 0 : -1;
}

/* Send; the status must be expect; the body parsed (and raw, when wanted). */
static cJSON *call_raw(const char *method, const char *path, const char *cookie, const char *body,
		       int expect, char **raw)
{
	httpc_resp r;
	assert_int_equal(
	    httpc_request(fx.srv.port, method, path, cookie, body, body ? strlen(body) : 0, &r), 0);
	if (r.status != expect)
		fprintf(stderr, "%s %s: %d (want %d) %.400s\n", method, path, r.status, expect, r.body);
	assert_int_equal(r.status, expect);
	cJSON *j = cJSON_Parse(r.body);
	assert_non_null(j);
	if (raw)
		*raw = strdup(r.body);
	httpc_free(&r);
	return j;
}

static cJSON *call(const char *method, const char *path, const char *cookie, const char *body,
		   int expect)
{
	return call_raw(method, path, cookie, body, expect, NULL);
}

static int64_t num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);
	if (!cJSON_IsNumber(v))
		fail_msg("missing number %s", k);
	return (int64_t)v->valuedouble;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);
	if (!cJSON_IsString(v))
		fail_msg("missing string %s", k);
	return v->valuestring;
}

static int setup(void **state)
{
	(void)state;
	fx.dir = tu_tmpdir();
	tu_db(fx.db, sizeof fx.db, fx.dir, "district.db");
	char args[1400];
	snprintf(args, sizeof args, "demo --db %s --students 120 --days 3 --schools 3", fx.db);
	if (run_ok(args, NULL))
		return -1;
	/* A school of another district, with a roster of its own. */
	snprintf(args, sizeof args,
		 "school add --db %s --code other --name 外区学校 --district xq --district-name 外区",
		 fx.db);
	if (run_ok(args, NULL))
		return -1;
	char *csv = tu_write_file(fx.dir, "roster.csv", roster_csv, (size_t)-1);
	snprintf(args, sizeof args, "import roster --db %s --school other %s", fx.db, csv);
	free(csv);
	if (run_ok(args, NULL))
		return -1;
	/* Epidemic reporters of the second and third schools. */
	snprintf(args, sizeof args, "user add --db %s --school bb-002 --name doc2 --role reporter",
		 fx.db);
	if (run_ok(args, "password-123\n"))
		return -1;
	snprintf(args, sizeof args, "user add --db %s --name doc3 --role reporter --scope bb-003",
		 fx.db);
	if (run_ok(args, "password-123\n"))
		return -1;
	if (test_server_start(&fx.srv, fx.db))
		return -1;
	if (login("district", "district123", fx.district, sizeof fx.district) ||
	    login("reporter", "reporter123", fx.reporter, sizeof fx.reporter) ||
	    login("admin", "admin123", fx.admin, sizeof fx.admin) ||
	    login("doc2", "password-123", fx.doc2, sizeof fx.doc2) ||
	    login("doc3", "password-123", fx.doc3, sizeof fx.doc3))
		return -1;
	return 0;
}

/* `jinyun school` with an option its subcommand does not use, or one
 * missing, is refused with a message (it crashed on a NULL name). */
static void test_school_cli_refuses_missing_and_stray_options(void **state)
{
	(void)state;
	char args[1400], *o = NULL, *e = NULL;
	snprintf(args, sizeof args, "school list --db %s --code other", fx.db);
	assert_int_equal(run(args, NULL, &o, &e), 0);
	assert_non_null(strstr(o, "外区学校"));
	free(o);
	free(e);
	snprintf(args, sizeof args, "school add --db %s --code only-code", fx.db);
	assert_int_equal(run(args, NULL, &o, &e), 2);
	assert_non_null(strstr(e, "--name"));
	free(o);
	free(e);
}

static int teardown(void **state)
{
	(void)state;
	test_server_stop(&fx.srv);
	tu_rmtree_free(fx.dir);
	return 0;
}

/* The ids of the district's schools and of the other district's. */
static void find_schools(void)
{
	if (fx.school[1])
		return;
	cJSON *j = call("GET", "/api/district/schools", fx.district, NULL, 200);
	cJSON *items = cJSON_GetObjectItem(j, "items");
	assert_int_equal(cJSON_GetArraySize(items), 3);
	for (int i = 0; i < 3; i++)
		fx.school[i + 1] = num(cJSON_GetArrayItem(items, i), "id");
	cJSON_Delete(j);
	/* The other district's school: the highest id, one more than ours. */
	fx.other_school = fx.school[3] + 1;
}

static void test_overview_shows_every_school_and_sums(void **state)
{
	(void)state;
	find_schools();
	cJSON *j = call("GET", "/api/district/overview?date=2020-05-13", fx.district, NULL, 200);
	cJSON *schools = cJSON_GetObjectItem(j, "schools");
	assert_int_equal(cJSON_GetArraySize(schools), 3); /* not the other district's */
	cJSON *total = cJSON_GetObjectItem(j, "total");
	assert_int_equal(num(total, "schools"), 3);
	assert_int_equal(num(total, "enrolled"), 360);
	int64_t present = 0, classes = 0, submitted = 0;
	cJSON *s;
	cJSON_ArrayForEach(s, schools)
	{
		assert_int_equal(num(s, "enrolled"), 120);
		cJSON *c = cJSON_GetObjectItem(s, "census");
		present += num(c, "present");
		submitted += num(c, "submitted");
		classes += num(s, "classes");
		/* present + absent = checked */
		assert_int_equal(num(c, "present") + num(c, "absent"), num(c, "checked"));
		assert_non_null(cJSON_GetObjectItem(s, "return"));
		assert_non_null(cJSON_GetObjectItem(c, "absent_by_reason"));
	}
	cJSON *tc = cJSON_GetObjectItem(total, "census");
	assert_int_equal(num(tc, "present"), present);
	assert_int_equal(num(tc, "submitted"), submitted);
	assert_int_equal(num(total, "classes"), classes);
	assert_true(present > 300); /* the demo's days are checked */
	cJSON_Delete(j);
	/* Bad input names its field; school users are refused. */
	cJSON *e = call("GET", "/api/district/overview?date=13-05-2020", fx.district, NULL, 400);
	assert_string_equal(str(cJSON_GetObjectItem(e, "error"), "field"), "date");
	cJSON_Delete(e);
	cJSON_Delete(call("GET", "/api/district/overview", fx.reporter, NULL, 403));
	cJSON_Delete(call("GET", "/api/district/alerts", fx.admin, NULL, 403));
}

static void test_drill_down_within_the_district_only(void **state)
{
	(void)state;
	find_schools();
	char path[256];
	for (int i = 1; i <= 3; i++) {
		snprintf(path, sizeof path, "/api/census?school=%lld&date=2020-05-13",
			 (long long)fx.school[i]);
		cJSON *j = call("GET", path, fx.district, NULL, 200);
		assert_int_equal(num(cJSON_GetObjectItem(j, "school"), "enrolled"), 120);
		cJSON_Delete(j);
	}
	/* Another district's school, and one that does not exist: 403 alike. */
	snprintf(path, sizeof path, "/api/census?school=%lld", (long long)fx.other_school);
	cJSON_Delete(call("GET", path, fx.district, NULL, 403));
	cJSON_Delete(call("GET", "/api/census?school=99999", fx.district, NULL, 403));
	cJSON_Delete(call("GET", "/api/census?school=abc", fx.district, NULL, 400));
	/* school_id works the same way (the operations endpoints use it). */
	snprintf(path, sizeof path, "/api/people?school_id=%lld&limit=1", (long long)fx.school[2]);
	cJSON_Delete(call("GET", path, fx.district, NULL, 200));
	/* A person of school 2 read while drilled into school 3: refused. */
	snprintf(path, sizeof path, "/api/people?school=%lld&limit=1", (long long)fx.school[2]);
	cJSON *p = call("GET", path, fx.district, NULL, 200);
	int64_t pid = num(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "items"), 0), "id");
	cJSON_Delete(p);
	snprintf(path, sizeof path, "/api/people/%lld?school=%lld", (long long)pid,
		 (long long)fx.school[3]);
	cJSON_Delete(call("GET", path, fx.district, NULL, 403));
	snprintf(path, sizeof path, "/api/people/%lld?school=%lld", (long long)pid,
		 (long long)fx.school[2]);
	cJSON_Delete(call("GET", path, fx.district, NULL, 200));
	/* School users: their own school only, 403 (not 404) for another's ids. */
	snprintf(path, sizeof path, "/api/people/%lld", (long long)pid);
	cJSON_Delete(call("GET", path, fx.reporter, NULL, 403));
	cJSON_Delete(call("GET", path, fx.doc2, NULL, 200));
	cJSON_Delete(call("GET", path, fx.doc3, NULL, 403));
	snprintf(path, sizeof path, "/api/census?school=%lld", (long long)fx.school[2]);
	cJSON_Delete(call("GET", path, fx.reporter, NULL, 403));
	snprintf(path, sizeof path, "/api/census?school=%lld", (long long)fx.school[1]);
	cJSON_Delete(call("GET", path, fx.reporter, NULL, 200));
	/* Three coughs in one class of school 1: a school alert.  The district
	 * sees it when it names school 1, never in a list that names no school
	 * (such a list would cross into other districts). */
	cJSON *cls = call("GET", "/api/people?kind=student&limit=3", fx.reporter, NULL, 200);
	for (int i = 0; i < 3; i++) {
		char body[200];
		snprintf(body, sizeof body,
			 "{\"person_id\":%lld,\"source\":\"observation\",\"symptoms\":[\"cough\"]}",
			 (long long)num(cJSON_GetArrayItem(cJSON_GetObjectItem(cls, "items"), i), "id"));
		cJSON_Delete(call("POST", "/api/events", fx.reporter, body, 201));
	}
	cJSON_Delete(cls);
	cJSON *own = call("GET", "/api/alerts", fx.reporter, NULL, 200);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(own, "items")) >= 1);
	cJSON_Delete(own);
	snprintf(path, sizeof path, "/api/alerts?school=%lld", (long long)fx.school[1]);
	cJSON *drilled = call("GET", path, fx.district, NULL, 200);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(drilled, "items")) >= 1);
	cJSON_Delete(drilled);
	static const char *const unnamed[] = { "/api/alerts", "/api/cases", "/api/followups" };
	for (size_t i = 0; i < sizeof unnamed / sizeof unnamed[0]; i++) {
		cJSON *none = call("GET", unnamed[i], fx.district, NULL, 200);
		assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(none, "items")), 0);
		cJSON_Delete(none);
	}
	cJSON *dal = call("GET", "/api/district/alerts", fx.district, NULL, 200);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(dal, "school_alerts")) >= 1);
	cJSON_Delete(dal);
	/* A school's alerts stay the school's. */
	snprintf(path, sizeof path, "/api/alerts?school=%lld", (long long)fx.school[3]);
	cJSON_Delete(call("GET", path, fx.doc2, NULL, 403));
}

/* Every name and number of school 1's first students, as its reporter sees them. */
static void assert_no_identity_in(const char *body, const cJSON *people)
{
	const cJSON *p;
	cJSON_ArrayForEach(p, people)
	{
		const char *name = str(p, "name"), *number = str(p, "number");
		if (strstr(body, name))
			fail_msg("district answer shows the name %s", name);
		if (strstr(body, number))
			fail_msg("district answer shows the number %s", number);
		const cJSON *g = cJSON_GetObjectItem(p, "guardian_phone");
		if (cJSON_IsString(g) && *g->valuestring && strstr(body, g->valuestring))
			fail_msg("district answer shows the phone %s", g->valuestring);
	}
}

static void test_district_user_never_sees_a_name(void **state)
{
	(void)state;
	find_schools();
	cJSON *truth = call("GET", "/api/people?limit=60", fx.reporter, NULL, 200);
	cJSON *people = cJSON_GetObjectItem(truth, "items");
	assert_int_equal(cJSON_GetArraySize(people), 60);
	int64_t pid = num(cJSON_GetArrayItem(people, 0), "id");
	char path[256];
	static const char *const paths[] = {
		"/api/people?school=%lld&limit=60",
		"/api/census/people?school=%lld&date=2020-05-13&what=enrolled",
		"/api/census/people?school=%lld&date=2020-05-13&what=absent_other",
		"/api/absences?school=%lld",
		"/api/cases?school=%lld",
		"/api/followups?school=%lld",
		"/api/return/overview/people?school=%lld&date=2020-05-13&what=expected",
	};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		snprintf(path, sizeof path, paths[i], (long long)fx.school[1]);
		char *raw = NULL;
		cJSON_Delete(call_raw("GET", path, fx.district, NULL, 200, &raw));
		assert_no_identity_in(raw, people);
		free(raw);
	}
	/* One person, and their timeline: pseudonymised, and the same pseudonym. */
	snprintf(path, sizeof path, "/api/people/%lld?school=%lld", (long long)pid,
		 (long long)fx.school[1]);
	char *raw = NULL;
	cJSON *one = call_raw("GET", path, fx.district, NULL, 200, &raw);
	assert_no_identity_in(raw, people);
	free(raw);
	const cJSON *person = cJSON_GetObjectItem(one, "person");
	const char *pseudo = str(person, "name");
	assert_int_equal(strncmp(pseudo, "P-", 2), 0);
	assert_string_equal(str(person, "number"), pseudo);
	assert_string_equal(str(person, "guardian_phone"), "***");
	snprintf(path, sizeof path, "/api/people?school=%lld&limit=1", (long long)fx.school[1]);
	cJSON *list = call("GET", path, fx.district, NULL, 200);
	assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(list, "items"), 0), "name"),
			    pseudo);
	cJSON_Delete(list);
	snprintf(path, sizeof path, "/api/people/%lld/timeline?school=%lld", (long long)pid,
		 (long long)fx.school[1]);
	raw = NULL;
	cJSON_Delete(call_raw("GET", path, fx.district, NULL, 200, &raw));
	assert_no_identity_in(raw, people);
	free(raw);
	cJSON_Delete(one);
	cJSON_Delete(truth);
}

/* Does the audit log (newest first) hold an action on entity? */
static int audited(const char *action, const char *entity)
{
	cJSON *j = call("GET", "/api/audit?limit=200", fx.admin, NULL, 200);
	int found = 0;
	const cJSON *a;
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(j, "items"))
	{
		if (!strcmp(str(a, "action"), action) && !strcmp(str(a, "entity"), entity))
			found = 1;
	}
	cJSON_Delete(j);
	return found;
}

static void test_privacy_grant_shows_names_and_is_audited(void **state)
{
	(void)state;
	find_schools();
	char args[1200], path[200];
	snprintf(path, sizeof path, "/api/people?school=%lld&limit=1", (long long)fx.school[1]);
	cJSON *truth = call("GET", "/api/people?limit=1", fx.reporter, NULL, 200);
	const char *name = str(cJSON_GetArrayItem(cJSON_GetObjectItem(truth, "items"), 0), "name");
	/* A school user needs no grant; the grant names a district user. */
	snprintf(args, sizeof args,
		 "privacy grant --db %s --user reporter --reason test --by auditor", fx.db);
	assert_int_not_equal(run(args, NULL, NULL, NULL), 0);
	snprintf(args, sizeof args,
		 "privacy grant --db %s --user district --reason '疫情调查 outbreak investigation' "
		 "--by 区疾控主任 --days 1",
		 fx.db);
	char *out = NULL;
	assert_int_equal(run(args, NULL, &out, NULL), 0);
	long long gid = 0;
	assert_non_null(strstr(out, "granted "));
	sscanf(strstr(out, "granted ") + 8, "%lld", &gid);
	free(out);
	assert_true(gid > 0);
	cJSON *seen = call("GET", path, fx.district, NULL, 200);
	assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(seen, "items"), 0), "name"),
			    name);
	cJSON_Delete(seen);
	assert_true(audited("grant", "privacy_grant"));
	snprintf(args, sizeof args, "privacy revoke --db %s --id %lld --by 区疾控主任", fx.db, gid);
	assert_int_equal(run_ok(args, NULL), 0);
	assert_true(audited("revoke", "privacy_grant"));
	seen = call("GET", path, fx.district, NULL, 200);
	assert_string_not_equal(
	    str(cJSON_GetArrayItem(cJSON_GetObjectItem(seen, "items"), 0), "name"), name);
	cJSON_Delete(seen);
	cJSON_Delete(truth);
}

/* Record a diagnosis of hfmd today for the first student visible to cookie. */
static int record_hfmd(const char *cookie)
{
	cJSON *p = call("GET", "/api/people?kind=student&limit=1", cookie, NULL, 200);
	int64_t pid = num(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "items"), 0), "id");
	cJSON_Delete(p);
	char body[200];
	snprintf(body, sizeof body,
		 "{\"person_id\":%lld,\"source\":\"clinic\",\"diagnosis\":\"hfmd\"}",
		 (long long)pid);
	cJSON_Delete(call("POST", "/api/events", cookie, body, 201));
	cJSON *a = call("GET", "/api/district/alerts", fx.district, NULL, 200);
	int n = cJSON_GetArraySize(cJSON_GetObjectItem(a, "district_alerts"));
	cJSON_Delete(a);
	return n;
}

static void test_same_diagnosis_in_three_schools_raises_a_district_alert(void **state)
{
	(void)state;
	find_schools();
	assert_int_equal(record_hfmd(fx.reporter), 0);
	assert_int_equal(record_hfmd(fx.doc2), 0); /* two schools: not yet */
	assert_int_equal(record_hfmd(fx.doc3), 1); /* the third school: the rule fires */
	cJSON *a = call("GET", "/api/district/alerts", fx.district, NULL, 200);
	cJSON *al = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "district_alerts"), 0);
	assert_string_equal(str(al, "code"), "hfmd");
	assert_int_equal(num(al, "schools"), 3);
	assert_int_equal(num(al, "cases"), 3);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(al, "by_school")), 3);
	assert_non_null(strstr(str(al, "rule_zh"), "3所学校"));
	cJSON_Delete(a);
	/* A second case in one school grows the same alert, no second alert. */
	cJSON *p = call("GET", "/api/people?kind=student&limit=2", fx.doc2, NULL, 200);
	int64_t pid = num(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "items"), 1), "id");
	cJSON_Delete(p);
	char body[200];
	snprintf(body, sizeof body, "{\"person_id\":%lld,\"diagnosis\":\"hfmd\"}", (long long)pid);
	cJSON_Delete(call("POST", "/api/events", fx.doc2, body, 201));
	a = call("GET", "/api/district/alerts", fx.district, NULL, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(a, "district_alerts")), 1);
	al = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "district_alerts"), 0);
	assert_int_equal(num(al, "cases"), 4);
	cJSON_Delete(a);
	/* The overview counts the schools' open alerts (none here: one case each). */
	cJSON *o = call("GET", "/api/district/overview", fx.district, NULL, 200);
	assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "total"), "open_alerts"));
	cJSON_Delete(o);
}

static void test_export_needs_a_role_and_is_audited(void **state)
{
	(void)state;
	char args[1200];
	char *out = NULL, *err = NULL;
	/* Several schools: the export must name one, and the error names them. */
	snprintf(args, sizeof args, "export roster --db %s", fx.db);
	assert_int_not_equal(run(args, NULL, &out, &err), 0);
	assert_non_null(strstr(err, "--school"));
	assert_non_null(strstr(err, "bb-002"));
	free(out);
	free(err);
	/* A role that may not export personal data is refused. */
	snprintf(args, sizeof args, "user add --db %s --name wang --role logistics", fx.db);
	assert_int_not_equal(run_ok(args, "password-123\n"), 0); /* several schools: which? */
	snprintf(args, sizeof args, "user add --db %s --school scyb-jinyun --name wang --role logistics",
		 fx.db);
	assert_int_equal(run_ok(args, "password-123\n"), 0);
	snprintf(args, sizeof args, "export roster --db %s --school scyb-jinyun --as wang", fx.db);
	assert_int_not_equal(run(args, NULL, &out, &err), 0);
	assert_null(strstr(out, "学号"));
	assert_non_null(strstr(err, "wang"));
	free(out);
	free(err);
	snprintf(args, sizeof args, "export roster --db %s --school other --as principal", fx.db);
	assert_int_equal(run(args, NULL, &out, &err), 1); /* principal of school 1, not "other" */
	free(out);
	free(err);
	snprintf(args, sizeof args, "export roster --db %s --school other --as district", fx.db);
	assert_int_not_equal(run(args, NULL, NULL, NULL), 0);
	snprintf(args, sizeof args, "export roster --db %s --school other", fx.db);
	assert_int_equal(run(args, NULL, &out, NULL), 0);
	assert_non_null(strstr(out, "外区甲"));
	assert_null(strstr(out, "张")); /* only that school's roster */
	free(out);
	assert_true(audited("export", "roster"));
}

/* One number from the database (a COUNT or SUM); bind: the value of the
 * SQL's one parameter, when it has one. */
static int64_t sql_number(const char *db_url, const char *sql, int64_t bind)
{
	db *d = NULL;
	jy_err err;
	err_clear(&err);
	if (db_open(db_url, &d, &err))
		fail_msg("db_open %s: %s", db_url, err.msg);
	db_stmt *st = db_stmt_get(d, sql, &err);
	if (!st)
		fail_msg("%s: %s", sql, err.msg);
	if (strchr(sql, '?'))
		db_bind_i64(st, 1, bind);
	if (db_step(st, &err) != 1)
		fail_msg("%s: %s", sql, err.msg);
	int64_t v = db_col_i64(st, 0);
	db_done(st);
	db_close(d);
	return v;
}

/* Classes whose kept count of enrolled students is not a count of them. */
static const char classes_off[] =
	"SELECT COUNT(*) FROM class c WHERE c.enrolled <> (SELECT COUNT(*) FROM person p "
	"WHERE p.class_id = c.id AND p.school_id = c.school_id AND p.kind = 'student' "
	"AND p.active = 1)";
/* Submissions whose kept counts are not a count of their entries. */
static const char submissions_off[] =
	"SELECT COUNT(*) FROM check_submission cs WHERE "
	"cs.entries <> (SELECT COUNT(*) FROM check_entry e WHERE e.submission_id = cs.id) "
	"OR cs.absent_sick <> (SELECT COUNT(*) FROM check_entry e WHERE e.submission_id = cs.id "
	"AND e.status = 'absent_sick') "
	"OR cs.absent_other <> (SELECT COUNT(*) FROM check_entry e WHERE e.submission_id = cs.id "
	"AND e.status = 'absent_other') "
	"OR cs.absent_unknown <> (SELECT COUNT(*) FROM check_entry e WHERE e.submission_id = cs.id "
	"AND e.status = 'absent_unknown') "
	"OR cs.symptomatic <> (SELECT COUNT(*) FROM check_entry e WHERE e.submission_id = cs.id "
	"AND e.symptoms <> '') "
	"OR cs.febrile <> (SELECT COUNT(*) FROM check_entry e WHERE e.submission_id = cs.id "
	"AND e.temperature >= 37.3)";
/* The overview's totals for 2020-05-13 counted the way it counted them
 * before migration 014: people, and entries of each class's latest check. */
static const char recount_enrolled[] =
	"SELECT COUNT(*) FROM person p JOIN class c ON c.id = p.class_id "
	"AND c.school_id = p.school_id JOIN school sc ON sc.id = p.school_id "
	"WHERE sc.district_id = (SELECT district_id FROM school WHERE id = ?) "
	"AND p.kind = 'student' AND p.active = 1";
#define RECOUNT_ENTRIES(cond)                                                                  \
	"SELECT COUNT(*) FROM check_entry e JOIN check_submission cs ON cs.id = e.submission_id " \
	"JOIN school sc ON sc.id = cs.school_id "                                                 \
	"WHERE sc.district_id = (SELECT district_id FROM school WHERE id = ?) "                   \
	"AND cs.date = '2020-05-13' AND cs.session = 'morning' AND cs.version = "                 \
	"(SELECT MAX(v.version) FROM check_submission v WHERE v.class_id = cs.class_id "          \
	"AND v.date = cs.date AND v.session = cs.session) AND " cond
/* Expected back on 2020-05-13: the students of classes whose return batch
 * is due, and of every class of a school without batches. */
static const char recount_expected[] =
	"SELECT COUNT(*) FROM person p JOIN class c ON c.id = p.class_id "
	"AND c.school_id = p.school_id JOIN school sc ON sc.id = p.school_id "
	"LEFT JOIN return_batch_class bc ON bc.class_id = c.id "
	"LEFT JOIN return_batch rb ON rb.id = bc.batch_id "
	"WHERE sc.district_id = (SELECT district_id FROM school WHERE id = ?) "
	"AND p.kind = 'student' AND p.active = 1 AND (rb.return_date <= '2020-05-13' "
	"OR NOT EXISTS (SELECT 1 FROM return_batch x WHERE x.school_id = c.school_id))";
static const char recount_checked[] = RECOUNT_ENTRIES("1 = 1");
static const char recount_absent[] = RECOUNT_ENTRIES("e.status <> 'present'");
static const char recount_fever[] = RECOUNT_ENTRIES("e.temperature >= 37.3");
static const char recount_symptomatic[] = RECOUNT_ENTRIES("e.symptoms <> ''");

static void assert_counts_match_a_recount(const char *db_url)
{
	assert_int_equal(sql_number(db_url, classes_off, 0), 0);
	assert_int_equal(sql_number(db_url, submissions_off, 0), 0);
}

static void assert_overview_is_the_recount(void)
{
	cJSON *j = call("GET", "/api/district/overview?date=2020-05-13", fx.district, NULL, 200);
	cJSON *t = cJSON_GetObjectItem(j, "total");
	cJSON *c = cJSON_GetObjectItem(t, "census");
	assert_int_equal(num(t, "enrolled"), sql_number(fx.db, recount_enrolled, fx.school[1]));
	assert_int_equal(num(t, "expected"), sql_number(fx.db, recount_expected, fx.school[1]));
	assert_int_equal(num(c, "checked"), sql_number(fx.db, recount_checked, fx.school[1]));
	assert_int_equal(num(c, "absent"), sql_number(fx.db, recount_absent, fx.school[1]));
	assert_int_equal(num(c, "fever"), sql_number(fx.db, recount_fever, fx.school[1]));
	assert_int_equal(num(c, "symptomatic"),
			 sql_number(fx.db, recount_symptomatic, fx.school[1]));
	cJSON_Delete(j);
}

/* A consistent copy of the served database into fx.dir/name (SQLite): cp
 * of the file alone missed what the write-ahead log still held, or caught
 * a checkpoint half written ("database disk image is malformed", once in
 * CI). */
static void copy_live_db(const char *name, char *copy, size_t size)
{
	char vacuum[800];
	snprintf(copy, size, "%s/%s", fx.dir, name);
	snprintf(vacuum, sizeof vacuum, "VACUUM INTO '%s'", copy);
	assert_int_equal(tu_sql(fx.db, vacuum), 0);
}

static void test_kept_counts_match_a_recount(void **state)
{
	(void)state;
	find_schools();
	/* As written by the demo and the imports of the setup (the migration
	 * ran on an empty database: the triggers and the checks counted). */
	assert_counts_match_a_recount(fx.db);
	assert_overview_is_the_recount();
	/* Transfers through the API: a student to another class, one leaves,
	 * one becomes staff, a new student joins. */
	cJSON *list = call("GET", "/api/people?kind=student&limit=200", fx.admin, NULL, 200);
	cJSON *items = cJSON_GetObjectItem(list, "items");
	int n = cJSON_GetArraySize(items);
	assert_true(n >= 100);
	int64_t p[3], from = num(cJSON_GetArrayItem(items, 0), "class_id"), to = 0;
	char from_name[96], to_name[96] = "";
	snprintf(from_name, sizeof from_name, "%s", str(cJSON_GetArrayItem(items, 0), "class"));
	for (int i = 0; i < 3; i++)
		p[i] = num(cJSON_GetArrayItem(items, i), "id");
	for (int i = n - 1; i > 0 && !to; i--)
		if (num(cJSON_GetArrayItem(items, i), "class_id") != from) {
			to = num(cJSON_GetArrayItem(items, i), "class_id");
			snprintf(to_name, sizeof to_name, "%s", str(cJSON_GetArrayItem(items, i), "class"));
		}
	cJSON_Delete(list);
	assert_true(to != 0);
	/* Return batches in school 1: one class due on the day, one later; its
	 * other classes are not expected back. */
	char batches[400], args[4096];
	snprintf(batches, sizeof batches,
		 "batch,class,return_date\n第一批,%s,2020-05-13\n第二批,%s,2020-05-20\n", from_name,
		 to_name);
	char *bcsv = tu_write_file(fx.dir, "batches.csv", batches, (size_t)-1);
	snprintf(args, sizeof args, "import batches --db %s --school scyb-jinyun %s", fx.db, bcsv);
	free(bcsv);
	assert_int_equal(run_ok(args, NULL), 0);
	cJSON *ov = call("GET", "/api/district/overview?date=2020-05-13", fx.district, NULL, 200);
	cJSON *t1 = cJSON_GetObjectItem(ov, "total");
	assert_true(num(t1, "expected") < num(t1, "enrolled"));
	cJSON_Delete(ov);
	assert_overview_is_the_recount();
	int64_t before_to = sql_number(fx.db, "SELECT enrolled FROM class WHERE id = ?", to);
	char path[128], body[512];
	snprintf(path, sizeof path, "/api/people/%lld", (long long)p[0]);
	snprintf(body, sizeof body, "{\"class_id\":%lld}", (long long)to);
	cJSON_Delete(call("PATCH", path, fx.admin, body, 200));
	snprintf(path, sizeof path, "/api/people/%lld", (long long)p[1]);
	cJSON_Delete(call("PATCH", path, fx.admin, "{\"active\":false}", 200));
	snprintf(path, sizeof path, "/api/people/%lld", (long long)p[2]);
	cJSON_Delete(call("PATCH", path, fx.admin, "{\"kind\":\"staff\"}", 200));
	snprintf(body, sizeof body,
		 "{\"number\":\"N9001\",\"name\":\"新同学\",\"gender\":\"F\",\"kind\":\"student\","
		 "\"class_id\":%lld}",
		 (long long)to);
	cJSON *created = call("POST", "/api/people", fx.admin, body, 201);
	int64_t newcomer = num(cJSON_GetObjectItem(created, "person"), "id");
	cJSON_Delete(created);
	assert_int_equal(sql_number(fx.db, "SELECT enrolled FROM class WHERE id = ?", to),
			 before_to + 2);
	assert_counts_match_a_recount(fx.db);
	/* A check of the class the two joined, then its correction. */
	for (int v = 0; v < 2; v++) {
		snprintf(body, sizeof body,
			 "{\"class_id\":%lld,\"date\":\"2020-05-13\",\"session\":\"morning\","
			 "\"entries\":[{\"person_id\":%lld,\"status\":\"%s\",\"symptoms\":[\"cough\"]},"
			 "{\"person_id\":%lld,\"temperature\":%s}]}",
			 (long long)to, (long long)p[0], v ? "absent_other" : "absent_sick",
			 (long long)newcomer, v ? "36.6" : "38.2");
		cJSON_Delete(call("POST", "/api/checks", fx.reporter, body, 200));
		assert_counts_match_a_recount(fx.db);
		assert_overview_is_the_recount();
	}
	/* The other district's school: a roster import that moves a student
	 * and adds one, and a check import. */
	static const char moved_csv[] = "学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
					"X01,外区甲,男,2019级,一班,A101,13900000001\n"
					"X02,外区乙,女,2019级,二班,B101,13900000002\n"
					"X03,外区丙,女,2019级,二班,B102,13900000003\n";
	static const char checks_csv[] =
		"date,session,student_no,status,temperature,symptoms,diagnosis\n"
		"2020-05-13,morning,X01,absent_sick,,cough,\n"
		"2020-05-13,morning,X02,present,38.5,,\n";
	char *csv = tu_write_file(fx.dir, "moved.csv", moved_csv, (size_t)-1);
	snprintf(args, sizeof args, "import roster --db %s --school other %s", fx.db, csv);
	free(csv);
	assert_int_equal(run_ok(args, NULL), 0);
	csv = tu_write_file(fx.dir, "checks.csv", checks_csv, (size_t)-1);
	snprintf(args, sizeof args, "import checks --db %s --school other %s", fx.db, csv);
	free(csv);
	assert_int_equal(run_ok(args, NULL), 0);
	assert_int_equal(sql_number(fx.db,
				    "SELECT SUM(enrolled) FROM class WHERE school_id = "
				    "(SELECT school_id FROM person WHERE number = 'X03')",
				    0),
			 3);
	assert_counts_match_a_recount(fx.db);
	assert_overview_is_the_recount();
	if (tu_pg())
		return; /* jinyun purge is SQLite-only so far */
	/* The purge deletes old days' entries but keeps submissions that
	 * events point at: their counts go with the entries. */
	char copy[700];
	copy_live_db("counts.db", copy, sizeof copy);
	/* An event of a later day that points at an old check keeps it. */
	assert_int_equal(tu_sql(copy, "INSERT INTO health_event (school_id, person_id, date, at, "
				      "source, submission_id) SELECT cs.school_id, (SELECT MIN(p.id) "
				      "FROM person p WHERE p.school_id = cs.school_id), '2099-01-01', 0, "
				      "'check', MIN(cs.id) FROM check_submission cs WHERE cs.entries > 0 "
				      "GROUP BY cs.school_id LIMIT 1"),
			 0);
	snprintf(args, sizeof args, "%s purge --db %s --older-than 30 --by 管理员 >/dev/null",
		 tu_jinyun_bin(), copy);
	assert_int_equal(system(args), 0);
	assert_int_equal(sql_number(copy, "SELECT COUNT(*) FROM check_entry", 0), 0);
	assert_true(sql_number(copy, "SELECT COUNT(*) FROM check_submission", 0) > 0);
	assert_counts_match_a_recount(copy);
}

static void test_purge_is_all_or_nothing_and_logged(void **state)
{
	(void)state;
	if (tu_pg()) {
		/* The purge lifts the gate readings' delete guard with SQLite
		 * trigger statements, and this test copies the database file. */
		printf("# skipped on PostgreSQL: jinyun purge is SQLite-only so far\n");
		skip();
	}
	char args[4096], copy[700];
	/* On a copy of the database, so the other tests keep their data. */
	copy_live_db("purge.db", copy, sizeof copy);
	char *out = NULL, *err = NULL;
	snprintf(args, sizeof args, "purge --db %s", copy);
	assert_int_equal(run(args, NULL, NULL, &err), 2); /* no period given or saved */
	assert_non_null(strstr(err, "--older-than"));
	free(err);
	snprintf(args, sizeof args, "purge --db %s --older-than 0", copy);
	assert_int_equal(run(args, NULL, NULL, NULL), 2);
	/* Dry run: counts, deletes nothing. */
	snprintf(args, sizeof args, "purge --db %s --older-than 30 --dry-run", copy);
	assert_int_equal(run(args, NULL, &out, NULL), 0);
	assert_non_null(strstr(out, "would delete"));
	long long entries = -1;
	char *at = strstr(out, "check entries");
	assert_non_null(at);
	sscanf(at + strlen("check entries"), "%lld", &entries);
	assert_true(entries >= 360 * 3);
	free(out);
	snprintf(args, sizeof args, "census --db %s --school bb-002 --date 2020-05-13 --json", copy);
	assert_int_equal(run(args, NULL, &out, NULL), 0);
	assert_non_null(strstr(out, "\"present\":\t1"));
	free(out);
	/* The period saved, then the real purge. */
	snprintf(args, sizeof args, "purge --db %s --set-default 30 --by 管理员", copy);
	assert_int_equal(run_ok(args, NULL), 0);
	snprintf(args, sizeof args, "purge --db %s --by 管理员", copy);
	assert_int_equal(run(args, NULL, &out, NULL), 0);
	assert_non_null(strstr(out, "deleted"));
	free(out);
	snprintf(args, sizeof args, "census --db %s --school bb-002 --date 2020-05-13 --json", copy);
	assert_int_equal(run(args, NULL, &out, NULL), 0);
	assert_null(strstr(out, "\"present\":\t1"));
	assert_non_null(strstr(out, "\"submitted\":\t0"));
	free(out);
	/* Logged with its counts, and the audit log is still append-only. */
	snprintf(args, sizeof args,
		 "python3 -c \"import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
		 "print(c.execute(\\\"SELECT detail FROM audit_log WHERE action='purge'\\\").fetchone()[0])\" %s",
		 copy);
	char *o2 = NULL;
	assert_int_equal(tu_run(args, NULL, &o2, NULL), 0);
	assert_non_null(strstr(o2, "entries="));
	free(o2);
	/* Gate readings are append-only again after the purge. */
	snprintf(args, sizeof args,
		 "python3 -c \"import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
		 "print(c.execute(\\\"SELECT COUNT(*) FROM sqlite_master WHERE name IN "
		 "('gate_reading_no_delete','audit_log_no_delete')\\\").fetchone()[0])\" %s",
		 copy);
	assert_int_equal(tu_run(args, NULL, &o2, NULL), 0);
	assert_int_equal(atoi(o2), 2);
	free(o2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overview_shows_every_school_and_sums),
		cmocka_unit_test(test_drill_down_within_the_district_only),
		cmocka_unit_test(test_district_user_never_sees_a_name),
		cmocka_unit_test(test_privacy_grant_shows_names_and_is_audited),
		cmocka_unit_test(test_same_diagnosis_in_three_schools_raises_a_district_alert),
		cmocka_unit_test(test_export_needs_a_role_and_is_audited),
		cmocka_unit_test(test_kept_counts_match_a_recount),
		cmocka_unit_test(test_purge_is_all_or_nothing_and_logged),
		cmocka_unit_test(test_school_cli_refuses_missing_and_stray_options),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
