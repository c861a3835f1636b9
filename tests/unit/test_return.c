/*
 * test_return.c — the return to school through the command line and the
 * domain: the three importers (FILE:ROW:COLUMN, all-or-nothing), the
 * `jinyun screen --json` contract, the census following the return plan,
 * risk-region versions recorded in results, device tokens, gate decisions
 * with the observation room and alert, hold lifts, machine-made
 * self-reports, the overview and its names, the gate-readings export.
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

#include "domain/auth.h"
#include "domain/declarations.h"
#include "domain/gate.h"
#include "domain/return_care.h"
#include "domain/return_overview.h"
#include "domain/screening.h"
#include "store/surveillance.h"
#include "testutil.h"

typedef struct fx {
	char *dir;
	char db[512];
} fx;

static const char roster[] =
	"学号,姓名,性别,年级,班级,宿舍,监护人电话,重点群体\n"
	"S01,张一,男,2019级,一班,A101,13800000001,抗疫一线人员子女\n"
	"S02,张二,男,2019级,一班,A101,13800000002,\n"
	"S03,张三,男,2019级,一班,A102,13800000003,\n"
	"S04,李四,女,2019级,二班,B201,13800000004,\n"
	"S05,李五,女,2019级,二班,B201,13800000005,\n";

static const char batches[] =
	"batch,class,return_date\n"
	"第一批,一班,2020-05-12\n"
	"第二批,二班,2020-05-19\n";

static const char risks[] =
	"region,level,valid_from,valid_to\n"
	"湖北省/武汉市,high,2020-01-20,\n"
	"北京市/丰台区,medium,2020-04-01,2020-06-30\n";

static int jy_quiet(fx *f, const char *args)
{
	char *out = NULL, *err = NULL;
	int rc = tu_jinyun(f->db, args, &out, &err);
	if (rc)
		fprintf(stderr, "jinyun %s: %d\n%s%s", args, rc, out ? out : "", err ? err : "");
	free(out);
	free(err);
	return rc;
}

/* Write name with body and run `jinyun import KIND file`. */
static int import(fx *f, const char *kind, const char *name, const char *body, char **out, char **err)
{
	char *p = tu_write_file(f->dir, name, body, (size_t)-1);
	char args[800];
	snprintf(args, sizeof args, "import %s %s", kind, p);
	free(p);
	return tu_jinyun(f->db, args, out, err);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	*state = f;
	if (tu_school(&f->dir, f->db, sizeof f->db, "r.db", roster) ||
	    tu_import(f->db, f->dir, "batches", "batches.csv", batches) ||
	    tu_import(f->db, f->dir, "risk-regions", "risk.csv", risks))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	tu_rmtree_free(f->dir);
	free(f);
	return 0;
}

static cJSON *json_of(fx *f, const char *args)
{
	char *out = NULL, *err = NULL;
	int rc = tu_jinyun(f->db, args, &out, &err);
	if (rc)
		fprintf(stderr, "%s\n%s", out, err);
	assert_int_equal(rc, 0);
	cJSON *j = cJSON_Parse(out);
	if (!j)
		fprintf(stderr, "not JSON: %s\n", out);
	assert_non_null(j);
	free(out);
	free(err);
	return j;
}

static const cJSON *find_person(const cJSON *arr, const char *number)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
		if (!strcmp(cJSON_GetObjectItem(it, "person")->valuestring, number))
			return it;
	return NULL;
}

static store *open_store(fx *f)
{
	store *s = NULL;
	jy_err err;
	assert_int_equal(store_open(f->db, &s, &err), 0);
	return s;
}

static int64_t person_id(store *s, const char *number)
{
	school_rec sc;
	person_rec p;
	assert_int_equal(store_school_default(s, &sc, NULL), 0);
	assert_int_equal(store_person_find(s, sc.id, number, &p, NULL), 0);
	return p.id;
}

/* ---- importers ---- */

static void test_import_declarations_names_bad_cells_and_writes_nothing(void **state)
{
	fx *f = *state;
	char *out = NULL, *err = NULL;
	const char *bad =
		"person_no,kind,date_from,date_to,region,temperature,symptoms,note\n"
		"S01,health,2020-05-10,,,36.5,,\n"
		"S99,stay,2020-05-01,2020-05-02,湖北省,,,\n"
		"S02,trip,2020-05-01,,,,,\n"
		"S02,stay,2020-05-03,2020-05-01,湖北省,,,\n"
		"S03,health,2020-05-08,,,48,,\n"
		"S03,health,2020-05-09,,,36.6,打喷嚏,\n"
		"S03,stay,2020-05-01,2020-05-02,湖北省//武汉市,,,\n"
		"S01,health,2020-05-10,,,36.7,,\n";
	assert_int_equal(import(f, "declarations", "decl.csv", bad, &out, &err), 1);
	assert_non_null(strstr(err, "decl.csv:3:person_no:"));
	assert_non_null(strstr(err, "decl.csv:4:kind:"));
	assert_non_null(strstr(err, "decl.csv:5:date_to:"));
	assert_non_null(strstr(err, "decl.csv:6:temperature:"));
	assert_non_null(strstr(err, "decl.csv:7:symptoms:"));
	assert_non_null(strstr(err, "decl.csv:8:region:"));
	assert_non_null(strstr(err, "decl.csv:9:date_from:")); /* the same fact twice */
	assert_null(strstr(err, "decl.csv:2:"));
	free(out);
	free(err);
	/* Nothing was written: S01 (row 2 was fine) has no declaration. */
	cJSON *j = json_of(f, "screen --date 2020-05-12 --json");
	assert_string_equal(cJSON_GetObjectItem(find_person(j, "S01"), "status")->valuestring, "hold");
	cJSON_Delete(j);
	/* A missing required column is named too. */
	assert_int_equal(import(f, "declarations", "nokind.csv", "person_no,date_from\nS01,2020-05-10\n", &out, &err), 1);
	assert_non_null(strstr(err, "nokind.csv:1:kind:"));
	free(out);
	free(err);
}

static void test_import_batches_and_risk_regions_refuse_bad_rows(void **state)
{
	fx *f = *state;
	char *out = NULL, *err = NULL;
	assert_int_equal(import(f, "batches", "b.csv",
				"batch,class,return_date\n第三批,三班,2020-05-26\n第一批,二班,2020-05-13\n"
				"第二批,二班,2020-05-19\n第四批,一班,2020-5-1\n",
				&out, &err),
			 1);
	assert_non_null(strstr(err, "b.csv:2:class:"));
	assert_non_null(strstr(err, "b.csv:3:return_date:") || strstr(err, "b.csv:4:class:"));
	assert_non_null(strstr(err, "b.csv:5:return_date:"));
	free(out);
	free(err);
	assert_int_equal(import(f, "risk-regions", "r.csv",
				"region,level,valid_from,valid_to\n湖北省,extreme,2020-01-01,\n,high,2020-01-01,\n"
				"上海市,high,2020-03-01,2020-02-01\n",
				&out, &err),
			 1);
	assert_non_null(strstr(err, "r.csv:2:level:"));
	assert_non_null(strstr(err, "r.csv:3:region:"));
	assert_non_null(strstr(err, "r.csv:4:valid_to:"));
	free(out);
	free(err);
	/* The plan is unchanged: 二班 still returns on 05-19. */
	cJSON *j = json_of(f, "census --date 2020-05-12 --json");
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(j, "classes"))
		if (!strcmp(cJSON_GetObjectItem(c, "class")->valuestring, "二班"))
			assert_int_equal(cJSON_GetObjectItem(c, "expected")->valueint, 0);
	cJSON_Delete(j);
}

/* ---- screen ---- */

static const char decls[] =
	"person_no,kind,date_from,date_to,region,temperature,symptoms,note\n"
	"S01,health,2020-05-10,,,36.5,,\n"
	"S01,stay,2020-04-20,2020-05-12,重庆市/北碚区,,,\n"
	"S02,stay,2020-04-28,2020-05-03,湖北省/武汉市/武昌区,,,\n"
	"S03,stay,2020-05-01,2020-05-05,北京市/丰台区,,,\n"
	"S04,stay,2020-05-01,2020-05-02,境外/日本,,,\n";

static void test_screen_json_contract_and_risk_version_is_recorded(void **state)
{
	fx *f = *state;
	assert_int_equal(tu_import(f->db, f->dir, "declarations", "decl.csv", decls), 0);
	cJSON *j = json_of(f, "screen --date 2020-05-12 --json");
	assert_true(cJSON_IsArray(j));
	/* Everyone of 一班 (back on 05-12), nobody of 二班 (05-19); by number. */
	assert_int_equal(cJSON_GetArraySize(j), 3);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "person")->valuestring, "S01");
	const cJSON *it;
	cJSON_ArrayForEach(it, j) {
		int keys = 0;
		const cJSON *k;
		cJSON_ArrayForEach(k, it)
			keys++;
		assert_int_equal(keys, 3);
		assert_true(cJSON_IsArray(cJSON_GetObjectItem(it, "reasons")));
	}
	assert_string_equal(cJSON_GetObjectItem(find_person(j, "S01"), "status")->valuestring, "cleared");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(find_person(j, "S01"), "reasons")), 0);
	const cJSON *s02 = find_person(j, "S02");
	assert_string_equal(cJSON_GetObjectItem(s02, "status")->valuestring, "hold");
	const char *why = cJSON_GetArrayItem(cJSON_GetObjectItem(s02, "reasons"), 0)->valuestring;
	assert_non_null(strstr(why, "在湖北省/武汉市/武昌区 停留 2020-04-28 至 2020-05-03,距返校不足14天"));
	assert_non_null(strstr(why, "(stayed in 湖北省/武汉市/武昌区 from 2020-04-28 to 2020-05-03"));
	assert_string_equal(cJSON_GetObjectItem(find_person(j, "S03"), "status")->valuestring, "monitor");
	cJSON_Delete(j);
	j = json_of(f, "screen --date 2020-05-19 --json");
	assert_int_equal(cJSON_GetArraySize(j), 2);
	assert_string_equal(cJSON_GetObjectItem(find_person(j, "S04"), "status")->valuestring, "hold");
	assert_string_equal(cJSON_GetObjectItem(find_person(j, "S05"), "status")->valuestring, "hold"); /* 未申报 */
	assert_non_null(strstr(cJSON_GetArrayItem(cJSON_GetObjectItem(find_person(j, "S05"), "reasons"), 0)->valuestring,
			       "未申报"));
	cJSON_Delete(j);

	/* The result names the risk version; a new list is a new version, and
	 * the stale result is screened again with it. */
	store *s = open_store(f);
	int64_t s03 = person_id(s, "S03"), v1 = 0, v2 = 0;
	screen_result_rec r;
	assert_int_equal(store_screen_result_get(s, s03, "2020-05-12", 0, &r, NULL), 0);
	v1 = r.risk_version_id;
	school_rec sc;
	store_school_default(s, &sc, NULL);
	assert_int_equal(store_risk_version_current(s, sc.id, &v2, NULL), 0);
	assert_int_equal(v1, v2);
	store_close(s);
	assert_int_equal(tu_import(f->db, f->dir, "risk-regions", "risk2.csv",
				   "region,level,valid_from,valid_to\n北京市,high,2020-04-01,\n"),
			 0);
	s = open_store(f);
	jy_err err;
	assert_int_equal(screening_status(s, sc.id, s03, "2020-05-12", 1, &r, &err), 0);
	assert_string_equal(r.status, "hold");
	assert_true(r.risk_version_id > v1);
	assert_non_null(strstr(r.reasons, "高风险地区(北京市)"));
	free(r.reasons);
	store_close(s);
}

static void test_screen_without_a_plan_screens_everyone_enrolled(void **state)
{
	fx *f = *state;
	assert_int_equal(tu_sql(f->db, "DELETE FROM return_batch_class; DELETE FROM return_batch;"), 0);
	cJSON *j = json_of(f, "screen --date 2020-05-12 --json");
	assert_int_equal(cJSON_GetArraySize(j), 5);
	cJSON_Delete(j);
	/* And the census expects everyone. */
	j = json_of(f, "census --date 2020-05-12 --json");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "school"), "expected")->valueint, 5);
	cJSON_Delete(j);
}

static void test_census_expected_follows_the_return_plan(void **state)
{
	fx *f = *state;
	cJSON *j = json_of(f, "census --date 2020-05-12 --json");
	cJSON *school = cJSON_GetObjectItem(j, "school");
	assert_int_equal(cJSON_GetObjectItem(school, "enrolled")->valueint, 5);
	assert_int_equal(cJSON_GetObjectItem(school, "expected")->valueint, 3);
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(j, "classes")) {
		int first = !strcmp(cJSON_GetObjectItem(c, "class")->valuestring, "一班");
		assert_int_equal(cJSON_GetObjectItem(c, "expected")->valueint, first ? 3 : 0);
		assert_int_equal(cJSON_GetObjectItem(c, "enrolled")->valueint, first ? 3 : 2);
	}
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "grades"), 0), "expected")->valueint, 3);
	cJSON_Delete(j);
	j = json_of(f, "census --date 2020-05-19 --json");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "school"), "expected")->valueint, 5);
	cJSON_Delete(j);
	j = json_of(f, "census --date 2020-05-11 --json");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "school"), "expected")->valueint, 0);
	cJSON_Delete(j);
}

/* ---- devices and the gate ---- */

static void test_device_token_is_printed_once_and_only_its_hash_is_kept(void **state)
{
	fx *f = *state;
	char *out = NULL, *err = NULL;
	assert_int_equal(tu_jinyun(f->db, "device add --name 东门1号 --gate 东门", &out, &err), 0);
	assert_int_equal(strlen(out), 65);
	assert_int_equal(out[64], '\n');
	out[64] = 0;
	if (tu_pg()) {
		/* No column of any device holds the token itself (below, the
		 * same of the SQLite file), while the device is there. */
		char q[400];
		snprintf(q, sizeof q,
			 "DO $$ BEGIN IF EXISTS (SELECT 1 FROM gate_device g WHERE g::text LIKE '%%%s%%') "
			 "OR NOT EXISTS (SELECT 1 FROM gate_device) THEN RAISE EXCEPTION 'token stored'; "
			 "END IF; END $$",
			 out);
		assert_int_equal(tu_sql(f->db, q), 0);
	} else {
	char *dbfile = tu_read_file(f->db, NULL);
	char walfile[600];
	snprintf(walfile, sizeof walfile, "%s-wal", f->db);
	char *wal = tu_read_file(walfile, NULL);
	assert_null(strstr(dbfile, out));
	assert_true(!wal || !strstr(wal, out));
	free(dbfile);
	free(wal);
	}
	store *s = open_store(f);
	gate_device_rec d;
	assert_int_equal(gate_device_auth(s, out, &d, NULL), 0);
	assert_string_equal(d.gate, "东门");
	assert_int_equal(gate_device_auth(s, "00", &d, NULL), JY_EAUTH);
	store_close(s);
	free(out);
	free(err);
	/* The same name twice is refused; list shows no token. */
	assert_int_equal(tu_jinyun(f->db, "device add --name 东门1号 --gate 东门", &out, &err), 1);
	free(out);
	free(err);
	assert_int_equal(tu_jinyun(f->db, "device list", &out, &err), 0);
	assert_non_null(strstr(out, "东门1号"));
	free(out);
	free(err);
}

static void reading(store *s, const gate_device_rec *d, const char *who, double t, const char *when,
		    const char *expect, gate_answer *a)
{
	int64_t at = 0;
	assert_int_equal(gate_parse_time(when, &at), 0);
	jy_err err;
	err_clear(&err);
	int rc = gate_reading(s, d, who, t, at, "127.0.0.1", a, &err);
	if (rc)
		fprintf(stderr, "gate_reading: %s\n", err.msg);
	assert_int_equal(rc, 0);
	if (strcmp(a->decision, expect))
		fprintf(stderr, "%s %.1f %s: %s (%s)\n", who, t, when, a->decision, a->reason);
	assert_string_equal(a->decision, expect);
}

static void test_gate_admits_rechecks_and_refuses_to_the_observation_room(void **state)
{
	fx *f = *state;
	assert_int_equal(tu_import(f->db, f->dir, "declarations", "decl.csv", decls), 0);
	assert_int_equal(jy_quiet(f, "screen --date 2020-05-12"), 0);
	store *s = open_store(f);
	school_rec sc;
	store_school_default(s, &sc, NULL);
	char token[AUTH_TOKEN_HEX];
	int64_t dev_id;
	assert_int_equal(gate_device_add(s, sc.id, "北门", "北门", token, &dev_id, NULL), 0);
	gate_device_rec d;
	assert_int_equal(gate_device_auth(s, token, &d, NULL), 0);
	gate_answer a;
	reading(s, &d, "S01", 36.4, "2020-05-12T07:31:00+08:00", "admit", &a);
	reading(s, &d, "S03", 36.4, "2020-05-12T07:32:00+08:00", "admit", &a); /* monitor */
	assert_non_null(strstr(a.reason, "健康管理"));
	reading(s, &d, "S02", 36.4, "2020-05-11T23:40:00Z", "refuse", &a); /* hold (05-12 in CST) */
	assert_true(a.observation_id > 0 && a.alert_id > 0);
	reading(s, &d, "S04", 36.4, "2020-05-12T07:33:00+08:00", "refuse", &a); /* not this batch */
	assert_non_null(strstr(a.reason, "2020-05-19"));
	reading(s, &d, "S99", 36.4, "2020-05-12T07:33:00+08:00", "refuse", &a); /* nobody */
	assert_int_equal(a.observation_id, 0);
	/* Fever: recheck, too early, then confirmed between 5 and 30 minutes. */
	reading(s, &d, "S01", 37.5, "2020-05-12T12:00:00+08:00", "recheck", &a);
	reading(s, &d, "S01", 37.6, "2020-05-12T12:02:00+08:00", "recheck", &a);
	assert_non_null(strstr(a.reason, "不足5分钟"));
	reading(s, &d, "S01", 37.6, "2020-05-12T12:06:00+08:00", "refuse", &a);
	int64_t s01_alert = a.alert_id;
	/* In the observation room now: refused again, no second stay. */
	reading(s, &d, "S01", 36.5, "2020-05-12T12:30:00+08:00", "refuse", &a);
	assert_int_equal(a.observation_id, 0);
	/* A second reading 40 minutes after a recheck starts over. */
	reading(s, &d, "S03", 37.4, "2020-05-12T13:00:00+08:00", "recheck", &a);
	reading(s, &d, "S03", 36.9, "2020-05-12T13:06:00+08:00", "admit", &a);
	reading(s, &d, "S03", 37.4, "2020-05-12T14:00:00+08:00", "recheck", &a);
	reading(s, &d, "S03", 37.4, "2020-05-12T14:40:00+08:00", "recheck", &a);
	/* A normal reading between does not end it: only readings at 37.3 °C
	 * or above count (the partial index of migration 017). */
	reading(s, &d, "S03", 36.8, "2020-05-12T14:46:00+08:00", "admit", &a);
	reading(s, &d, "S03", 37.5, "2020-05-12T14:52:00+08:00", "refuse", &a);
	assert_non_null(strstr(a.reason, "复测"));
	/* Impossible readings are refused with the field named. */
	jy_err err;
	err_clear(&err);
	assert_int_equal(gate_reading(s, &d, "S01", 52.0, 1589240000, "", &a, &err), JY_EINVAL);
	assert_string_equal(err.column, "temperature");
	assert_int_equal(gate_parse_time("2020-05-12 07:31", &(int64_t){ 0 }), 0);
	assert_int_equal(gate_parse_time("2020-05-12T25:31:00Z", &(int64_t){ 0 }), -1);
	assert_int_equal(gate_parse_time("12/05/2020", &(int64_t){ 0 }), -1);

	/* The alert for S01: the gate rule, the person, a task; fever is a health event. */
	alert_rec al;
	assert_int_equal(store_alert_get(s, s01_alert, &al, NULL), 0);
	assert_string_equal(al.code, "gate_refused");
	assert_string_equal(al.status, "open");
	assert_non_null(strstr(al.rule_name_zh, "临时留观室"));
	observation_rec o;
	assert_int_equal(store_observation_open_for(s, person_id(s, "S01"), &o, NULL), 0);
	assert_non_null(strstr(o.reason, "复测体温"));
	assert_int_equal(gate_observation_end(s, o.id, "released", "复测正常", 0, NULL), 0);
	assert_int_equal(store_observation_open_for(s, person_id(s, "S01"), &o, NULL), JY_ENOENT);
	reading(s, &d, "S01", 36.5, "2020-05-12T13:30:00+08:00", "admit", &a);
	store_close(s);

	/* Every reading is stored: the export lists them all. */
	char *out = NULL, *e2 = NULL;
	assert_int_equal(
	    tu_jinyun(f->db, "export gate-readings --format csv --date 2020-05-12", &out, &e2), 0);
	assert_true(!strncmp(out, "person,temperature,time,gate,decision\n", 38));
	int lines = 0;
	for (char *p = out; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 1 + 16);
	assert_non_null(strstr(out, "S02,36.4,2020-05-12T07:40:00+08:00,北门,refuse\n"));
	assert_non_null(strstr(out, "S01,37.6,2020-05-12T12:06:00+08:00,北门,refuse\n"));
	free(out);
	free(e2);
	assert_int_equal(
	    tu_jinyun(f->db, "export gate-readings --format csv --date 2020-05-13", &out, &e2), 0);
	assert_string_equal(out, "person,temperature,time,gate,decision\n");
	free(out);
	free(e2);
	/* The alerts JSON of the surveillance still works with the gate alerts. */
	cJSON *j = json_of(f, "alerts --json");
	int gate_alerts = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, j)
		gate_alerts += !strcmp(cJSON_GetObjectItem(it, "code")->valuestring, "gate_refused");
	assert_int_equal(gate_alerts, 4); /* S02, S04, S01, S03 */
	cJSON_Delete(j);
}

/* ---- hold lifts ---- */

static void test_hold_is_lifted_only_by_a_recorded_action(void **state)
{
	fx *f = *state;
	assert_int_equal(
	    tu_import(f->db, f->dir, "declarations", "decl.csv",
		      "person_no,kind,date_from,date_to,region,temperature,symptoms,note\n"
		      "S02,health,2020-05-08,,,37.9,,\nS02,stay,2020-05-01,2020-05-03,北京市/"
		      "丰台区,,,\n"),
	    0);
	char pw[] = "reporter-pass-1\n";
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s user add --db %s --name doc --role reporter", tu_jinyun_bin(), f->db);
	assert_int_equal(tu_run(cmd, pw, NULL, NULL), 0);
	store *s = open_store(f);
	user_rec doc;
	assert_int_equal(store_user_by_name(s, "doc", &doc, NULL), 0);
	school_rec sc;
	store_school_default(s, &sc, NULL);
	int64_t s02 = person_id(s, "S02");
	screen_result_rec r;
	jy_err err;
	err_clear(&err);
	assert_int_equal(screening_status(s, sc.id, s02, "2020-05-12", 0, &r, &err), 0);
	assert_string_equal(r.status, "hold");
	/* No action, or nobody recording it: refused. */
	assert_int_equal(screening_lift(s, sc.id, s02, NULL, "because", "", doc.id, NULL, &err), JY_EINVAL);
	assert_int_equal(screening_lift(s, sc.id, s02, NULL, "doctor_note", "", 0, NULL, &err), JY_EPERM);
	assert_int_equal(screening_lift(s, sc.id, s02, NULL, "doctor_note", "区医院证明", doc.id, &r, &err), 0);
	assert_string_equal(r.status, "monitor"); /* the medium-risk stay remains */
	assert_non_null(strstr(r.reasons, "\"lifted\":true"));
	free(r.reasons);
	/* Not on hold any more: a second lift is a conflict. */
	assert_int_equal(screening_lift(s, sc.id, s02, "2020-05-12", "negative_test", "", doc.id, NULL, &err),
			 JY_ECONFLICT);
	/* A later screening run keeps the lift; a new fever holds again. */
	store_close(s);
	cJSON *j = json_of(f, "screen --date 2020-05-12 --json");
	assert_string_equal(cJSON_GetObjectItem(find_person(j, "S02"), "status")->valuestring, "monitor");
	cJSON_Delete(j);
	assert_int_equal(
	    tu_import(f->db, f->dir, "declarations", "d2.csv",
		      "person_no,kind,date_from,date_to,region,temperature,symptoms,note\n"
		      "S02,health,2020-05-10,,,38.2,,\n"),
	    0);
	s = open_store(f);
	assert_int_equal(screening_status(s, sc.id, s02, "2020-05-12", 0, &r, &err), 0);
	assert_string_equal(r.status, "hold");
	store_close(s);
}

/* ---- personal links and machine-made self-reports ---- */

static void test_personal_link_needs_guardian_consent_for_a_minor(void **state)
{
	fx *f = *state;
	store *s = open_store(f);
	school_rec sc;
	store_school_default(s, &sc, NULL);
	int64_t s05 = person_id(s, "S05");
	char token[AUTH_TOKEN_HEX];
	int64_t expires = 0;
	jy_err err;
	err_clear(&err);
	assert_int_equal(declarations_link_create(s, sc.id, s05, -1, 0, 0, token, &expires, &err), 0);
	declare_link_rec l;
	person_rec p;
	/* The link is valid until the end of 05-19 (CST) — which is past, so 14 days from now. */
	assert_true(expires > 1589904000);
	assert_int_equal(declarations_link_open(s, token, &l, &p, &err), 0);
	assert_int_equal(l.minor, 1);
	declaration_rec item;
	assert_int_equal(declarations_check("health", "2020-05-15", "", "", "", "36.6", "无", "", &item, &err), 0);
	assert_int_equal(declarations_link_submit(s, &l, "self", NULL, NULL, 0, "", &item, 1, &err), JY_EINVAL);
	assert_string_equal(err.column, "reporter");
	assert_int_equal(declarations_link_submit(s, &l, "guardian", "李父", "父亲", 0, "", &item, 1, &err), JY_EINVAL);
	assert_string_equal(err.column, "consent");
	assert_int_equal(declarations_link_submit(s, &l, "guardian", "李父", "父亲", 1, "10.0.0.1", &item, 1, &err), 0);
	int found = 0;
	char name[96];
	int64_t at;
	assert_int_equal(store_consent_get(s, l.id, &found, name, sizeof name, &at, NULL), 0);
	assert_true(found);
	assert_string_equal(name, "李父");
	/* A new link replaces the old one. */
	char token2[AUTH_TOKEN_HEX];
	assert_int_equal(declarations_link_create(s, sc.id, s05, -1, 0, 0, token2, NULL, &err), 0);
	assert_int_equal(declarations_link_open(s, token, &l, &p, &err), JY_EAUTH);
	assert_int_equal(declarations_link_open(s, token2, &l, &p, &err), 0);
	assert_int_equal(declarations_link_open(s, "nonsense", &l, &p, &err), JY_EAUTH);
	store_close(s);
}

static void test_identical_self_reports_at_the_same_time_are_flagged(void **state)
{
	fx *f = *state;
	store *s = open_store(f);
	school_rec sc;
	store_school_default(s, &sc, NULL);
	int64_t base = 1588291200; /* 2020-05-01T00:00:00Z = 08:00 CST */
	const char *people[] = { "S01", "S02" };
	for (int k = 0; k < 2; k++) {
		for (int day = 0; day < 7; day++) {
			declaration_rec d;
			char date[11];
			snprintf(date, sizeof date, "2020-05-%02d", day + 1);
			/* S01: a script, 36.5 at 08:00:0x every day; S02: a person. */
			assert_int_equal(declarations_check("health", date, "", "", "", k ? (day % 2 ? "36.4" : "36.6") : "36.5", "", "",
							    &d, NULL),
					 0);
			d.school_id = sc.id;
			d.person_id = person_id(s, people[k]);
			strcpy(d.source, "link");
			strcpy(d.reporter, "guardian");
			d.submitted_at = base + day * 86400 + (k ? day * 1800 : day % 3);
			assert_int_equal(store_declaration_upsert(s, &d, NULL, NULL, NULL), 0);
		}
	}
	declaration_flag *flags = NULL;
	size_t n = 0;
	assert_int_equal(declarations_flags(s, sc.id, 0, "2020-04-25", 3, 120, &flags, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(flags[0].number, "S01");
	assert_int_equal(flags[0].days, 7);
	assert_string_equal(flags[0].from, "2020-05-01");
	assert_string_equal(flags[0].to, "2020-05-07");
	free(flags);
	store_close(s);
}

/* ---- who cannot return, key groups, the overview ---- */

static int count_names(void *ctx, const overview_person *p)
{
	char *buf = ctx;
	strcat(buf, p->number);
	strcat(buf, " ");
	return 0;
}

static void test_overview_counts_and_the_names_behind_them(void **state)
{
	fx *f = *state;
	assert_int_equal(tu_import(f->db, f->dir, "declarations", "decl.csv", decls), 0);
	assert_int_equal(jy_quiet(f, "screen --date 2020-05-12"), 0);
	store *s = open_store(f);
	school_rec sc;
	store_school_default(s, &sc, NULL);
	char token[AUTH_TOKEN_HEX];
	assert_int_equal(gate_device_add(s, sc.id, "东门", "东门", token, NULL, NULL), 0);
	gate_device_rec d;
	gate_device_auth(s, token, &d, NULL);
	gate_answer a;
	reading(s, &d, "S01", 36.5, "2020-05-12T07:30:00+08:00", "admit", &a);
	reading(s, &d, "S02", 36.5, "2020-05-12T07:31:00+08:00", "refuse", &a);
	jy_err err;
	err_clear(&err);
	assert_int_equal(return_care_absence_put(s, sc.id, person_id(s, "S05"), "quarantine", "居家隔离", "2020-05-26", 0,
						 NULL, &err),
			 0);
	assert_int_equal(return_care_absence_put(s, sc.id, person_id(s, "S05"), "illness", "发热", "", 0, NULL, &err), 0);
	assert_int_equal(return_care_absence_put(s, sc.id, person_id(s, "S05"), "bored", "", "", 0, NULL, &err), JY_EINVAL);
	return_overview o;
	assert_int_equal(return_overview_build(s, sc.id, "2020-05-12", 0, &o, &err), 0);
	assert_int_equal(o.plan, 1);
	assert_int_equal(o.nbatches, 2);
	const overview_row *b1 = &o.batches[0], *b2 = &o.batches[1];
	assert_string_equal(b1->batch, "第一批");
	assert_int_equal(b1->due, 1);
	assert_int_equal(b1->c.expected, 3);
	assert_int_equal(b1->c.declared, 3);
	assert_int_equal(b1->c.cleared, 1);
	assert_int_equal(b1->c.monitor, 1);
	assert_int_equal(b1->c.hold, 1);
	assert_int_equal(b1->c.arrived, 1);
	assert_int_equal(b1->c.refused, 1);
	assert_int_equal(b1->c.missing, 1); /* S03 */
	assert_int_equal(b2->due, 0);
	assert_int_equal(b2->c.expected, 2);
	assert_int_equal(b2->c.not_returned, 1);
	assert_int_equal(b2->c.not_returned_by[OV_ILLNESS], 1);
	assert_int_equal(b2->c.missing, 0);
	assert_int_equal(o.total.expected, 5);
	return_overview_free(&o);
	char names[256] = "";
	assert_int_equal(return_overview_people(s, sc.id, "2020-05-12", "missing", 0, 0, count_names, names, &err), 0);
	assert_string_equal(names, "S03 ");
	names[0] = 0;
	assert_int_equal(return_overview_people(s, sc.id, "2020-05-12", "hold", 0, 0, count_names, names, &err), 0);
	assert_string_equal(names, "S02 S04 "); /* S04: hold for the second batch */
	names[0] = 0;
	assert_int_equal(return_overview_people(s, sc.id, "2020-05-12", "unscreened", 0, 0, count_names, names, &err), 0);
	assert_string_equal(names, "S05 "); /* S04 was screened for 05-19 when it declared */
	assert_int_equal(return_overview_people(s, sc.id, "2020-05-12", "everyone", 0, 0, count_names, names, &err),
			 JY_EINVAL);
	/* Key-group carers: only a staff member, only for the person's group. */
	person_rec t;
	memset(&t, 0, sizeof t);
	t.school_id = sc.id;
	strcpy(t.kind, "staff");
	strcpy(t.number, "T001");
	strcpy(t.name, "王老师");
	strcpy(t.gender, "F");
	t.active = 1;
	assert_int_equal(store_person_upsert(s, &t, NULL, NULL, NULL), 0);
	int64_t s01 = person_id(s, "S01");
	assert_int_equal(return_care_carer_put(s, sc.id, s01, "frontline_child", "T001", "每周谈心", 0, &err), 0);
	assert_int_equal(return_care_carer_put(s, sc.id, s01, "left_behind", "T001", "", 0, &err), JY_EINVAL);
	assert_int_equal(return_care_carer_put(s, sc.id, s01, "frontline_child", "S02", "", 0, &err), JY_EINVAL);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_declarations_names_bad_cells_and_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_batches_and_risk_regions_refuse_bad_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_screen_json_contract_and_risk_version_is_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_screen_without_a_plan_screens_everyone_enrolled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_census_expected_follows_the_return_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_token_is_printed_once_and_only_its_hash_is_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gate_admits_rechecks_and_refuses_to_the_observation_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_is_lifted_only_by_a_recorded_action, setup, teardown),
		cmocka_unit_test_setup_teardown(test_personal_link_needs_guardian_consent_for_a_minor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identical_self_reports_at_the_same_time_are_flagged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overview_counts_and_the_names_behind_them, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
