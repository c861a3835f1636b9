/*
 * test_operations.c — campus operations through the domain and the command
 * line: staggering a small school (capacity, grouping, saving into the
 * timetable, what is short, density), the `jinyun stagger --json` contract
 * on the demo school, ventilation/disinfection due and overdue items and
 * the extra disinfection of an alert, supplies (stock, rate, days left,
 * warnings, no negative stock), emergency plans (deadlines, activation by
 * an alert, the leading group's late list) and inspections.
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

#include "domain/alerts.h"
#include "domain/disinfection.h"
#include "domain/plans.h"
#include "domain/stagger.h"
#include "domain/supplies.h"
#include "store/operations.h"
#include "store/surveillance.h"
#include "storefix.h"
#include "testutil.h"
#include "util/date.h"

typedef struct fx {
	char *dir;
	char db[512];
	store *s;
	int64_t school;
} fx;

/* Two grades of three classes (15 students); dorm rooms shared across classes. */
static const char roster[] = "学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
			     "S01,张一,男,2019级,一班,A101,13800000001\n"
			     "S02,张二,男,2019级,一班,A101,13800000002\n"
			     "S03,张三,男,2019级,一班,A102,13800000003\n"
			     "S04,李四,女,2019级,二班,B201,13800000004\n"
			     "S05,李五,女,2019级,二班,B201,13800000005\n"
			     "S06,李六,女,2019级,二班,B202,13800000006\n"
			     "S07,王七,男,2019级,三班,A103,13800000007\n"
			     "S08,王八,男,2019级,三班,A103,13800000008\n"
			     "S09,赵九,男,2020级,四班,A104,13800000009\n"
			     "S10,赵十,男,2020级,四班,A104,13800000010\n"
			     "S11,钱一,女,2020级,四班,B203,13800000011\n"
			     "S12,钱二,女,2020级,五班,B203,13800000012\n"
			     "S13,钱三,女,2020级,五班,B204,13800000013\n"
			     "S14,孙一,男,2020级,六班,A105,13800000014\n"
			     "S15,孙二,男,2020级,六班,A105,13800000015\n";

static int run(fx *f, const char *args, const char *in, char **out, char **err)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s %s --db %s", tu_jinyun_bin(), args, f->db);
	return tu_run(cmd, in, out, err);
}

static int64_t put_place(fx *f, const char *kind, const char *name, int64_t cap, double area,
			 int64_t parent)
{
	place_rec p;
	memset(&p, 0, sizeof p);
	p.school_id = f->school;
	p.parent_id = parent;
	snprintf(p.kind, sizeof p.kind, "%s", kind);
	snprintf(p.name, sizeof p.name, "%s", name);
	p.floor = 1;
	p.capacity = cap;
	p.area_m2 = area;
	int64_t id = 0;
	assert_int_equal(store_place_upsert(f->s, &p, &id, NULL), 0);
	return id;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	f->dir = tu_tmpdir();
	tu_db(f->db, sizeof f->db, f->dir, "ops.db");
	char *csv = tu_write_file(f->dir, "roster.csv", roster, (size_t)-1);
	char args[700], *out = NULL, *err = NULL;
	snprintf(args, sizeof args, "import roster %s", csv);
	int rc = run(f, args, NULL, &out, &err);
	free(out);
	free(err);
	free(csv);
	static const char *const users[] = {
	    "user add --name boss --role principal",
	    "user add --name doc --role reporter",
	    "user add --name wang --role logistics",
	    "user add --name t1 --role teacher --scope 一班",
	};
	for (size_t i = 0; !rc && i < sizeof users / sizeof users[0]; i++) {
		rc = run(f, users[i], "password-123\n", &out, &err);
		free(out);
		free(err);
	}
	jy_err e;
	school_rec sc;
	if (!rc)
		rc = store_open(f->db, &f->s, &e);
	if (!rc)
		rc = store_school_default(f->s, &sc, &e);
	f->school = sc.id;
	*state = f;
	return rc;
}

static int teardown(void **state)
{
	fx *f = *state;
	return sf_free(f, f->s, f->dir);
}

static const cJSON *get(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);
	assert_non_null(v);
	return v;
}

typedef struct subject_count {
	const char *subject;
	int n;
} subject_count;

static int count_subject(void *ctx, const timetable_rec *t)
{
	subject_count *q = ctx;
	q->n += !strcmp(t->subject, q->subject);
	return 0;
}

/* Timetable rows of the school with this subject (through the store). */
static int timetable_rows(fx *f, const char *subject)
{
	subject_count k = {subject, 0};
	assert_int_equal(store_timetable_list(f->s, f->school, 0, count_subject, &k, NULL), 0);
	return k.n;
}

/* ---- staggering ---------------------------------------------------------------------- */

static void test_stagger_small_school_fits_groups_and_saves_into_timetable(void **state)
{
	fx *f = *state;
	int64_t canteen = put_place(f, "canteen", "食堂", 12, -1, 0);
	put_place(f, "canteen_zone", "食堂A区", 6, 12, canteen);
	put_place(f, "canteen_zone", "食堂B区", 6, 12, canteen);
	stagger_request rq;
	memset(&rq, 0, sizeof rq);
	rq.school_id = f->school;
	rq.place = "食堂";
	rq.slots = "11:30-12:00, 12:00-12:30";
	cJSON *doc = NULL;
	jy_err err;
	err_clear(&err);
	/* No class eats there yet: every class is scheduled. */
	assert_int_equal(stagger_place_run(f->s, &rq, &doc, &err), 0);
	assert_true(cJSON_IsTrue(get(doc, "feasible")));
	assert_string_equal(get(doc, "short")->valuestring, "");
	const cJSON *as = get(doc, "assignments"), *ml = get(doc, "max_load");
	assert_int_equal(cJSON_GetArraySize(as), 6);
	assert_int_equal(cJSON_GetArraySize(ml), 4);
	const cJSON *it;
	int people = 0;
	cJSON_ArrayForEach(it, ml)
	{
		assert_true(get(it, "people")->valueint <= get(it, "capacity")->valueint);
		assert_int_equal(get(it, "capacity")->valueint, 6);
		people += get(it, "people")->valueint;
	}
	assert_int_equal(people, 15);
	/* 6 classes in 4 units: the bound is Σ meets = 4 (two pairs), and a
	 * pair of one grade each: nobody mixes. */
	const cJSON *sum = get(doc, "summary");
	assert_int_equal(get(sum, "meets_total")->valueint, 4);
	assert_int_equal(get(sum, "mixed_total")->valueint, 0);
	assert_true(cJSON_IsTrue(get(sum, "optimal")));
	cJSON_ArrayForEach(it, get(doc, "meets"))
	{
		const cJSON *met = get(it, "met");
		assert_int_equal(cJSON_GetArraySize(met), get(it, "meets")->valueint);
	}
	cJSON_Delete(doc);

	/* Saving writes one row per class and weekday at its zone; saving
	 * again replaces them instead of adding more. */
	rq.save = 1;
	rq.weekdays = "1-5";
	assert_int_equal(stagger_place_run(f->s, &rq, &doc, &err), 0);
	const cJSON *saved = get(doc, "saved");
	assert_int_equal(get(saved, "timetable_rows")->valueint, 30);
	assert_int_equal(get(saved, "replaced_rows")->valueint, 0);
	cJSON_Delete(doc);
	assert_int_equal(timetable_rows(f, "午餐（错峰）"), 30);
	/* Now the classes eat there: the default set is those classes. */
	assert_int_equal(stagger_place_run(f->s, &rq, &doc, &err), 0);
	assert_int_equal(get(get(doc, "saved"), "replaced_rows")->valueint, 30);
	cJSON_Delete(doc);
	assert_int_equal(timetable_rows(f, "午餐（错峰）"), 30);
	stagger_plan_rec p;
	assert_int_equal(store_stagger_plan_get(f->s, 2, &p, NULL), 0);
	assert_int_equal(p.classes, 6);
	assert_string_equal(p.weekdays, "12345");
	free(p.result);
}

static void test_stagger_says_what_is_short_and_saves_nothing(void **state)
{
	fx *f = *state;
	int64_t canteen = put_place(f, "canteen", "食堂", 12, -1, 0);
	put_place(f, "canteen_zone", "食堂A区", 6, 12, canteen);
	put_place(f, "canteen_zone", "食堂B区", 6, 12, canteen);
	stagger_request rq;
	memset(&rq, 0, sizeof rq);
	rq.school_id = f->school;
	rq.place = "食堂";
	rq.slots = "11:30-12:00";
	cJSON *doc = NULL;
	jy_err err;
	err_clear(&err);
	assert_int_equal(stagger_place_run(f->s, &rq, &doc, &err), 0);
	assert_false(cJSON_IsTrue(get(doc, "feasible")));
	assert_non_null(strstr(get(doc, "short")->valuestring, "座位不足"));
	assert_non_null(strstr(get(doc, "short")->valuestring, "not enough seats"));
	const cJSON *sh = get(doc, "shortage");
	assert_string_equal(get(sh, "reason")->valuestring, "seats");
	assert_int_equal(get(sh, "people")->valueint, 15);
	assert_int_equal(get(sh, "seats_short")->valueint, 3);
	assert_int_equal(get(sh, "slots_needed")->valueint, 2);
	assert_int_equal(cJSON_GetArraySize(get(doc, "assignments")), 0);
	cJSON_Delete(doc);
	rq.save = 1;
	assert_int_equal(stagger_place_run(f->s, &rq, &doc, &err), JY_ECONFLICT);
	assert_null(doc);
	assert_int_equal(timetable_rows(f, "午餐（错峰）"), 0);

	/* A density limit: 12 m² at 3 m² a person seats 4 in a zone.  Two slots
	 * give 16 seats for 15 people, but the classes of 3 cannot share a zone
	 * of 4: the packing needs a third slot. */
	rq.save = 0;
	rq.slots = "11:30-12:00,12:00-12:30";
	rq.m2_per_person = 3;
	assert_int_equal(stagger_place_run(f->s, &rq, &doc, &err), 0);
	const cJSON *it;
	cJSON_ArrayForEach(it, get(doc, "zones"))
	    assert_int_equal(get(it, "capacity")->valueint, 4);
	assert_false(cJSON_IsTrue(get(doc, "feasible")));
	assert_string_equal(get(get(doc, "shortage"), "reason")->valuestring, "packing");
	assert_int_equal(get(get(doc, "shortage"), "slots_needed")->valueint, 3);
	assert_non_null(strstr(get(doc, "short")->valuestring, "需要至少 3 个时段"));
	cJSON_Delete(doc);
	rq.slots = "11:30-12:00,12:00-12:30,12:30-13:00";
	assert_int_equal(stagger_place_run(f->s, &rq, &doc, &err), 0);
	assert_true(cJSON_IsTrue(get(doc, "feasible")));
	cJSON_ArrayForEach(it, get(doc, "max_load")) assert_true(get(it, "people")->valueint <= 4);
	cJSON_Delete(doc);

	/* Bad input names its field. */
	rq.m2_per_person = 0;
	rq.slots = "12:00-11:00";
	assert_int_equal(stagger_place_run(f->s, &rq, &doc, &err), JY_EINVAL);
	assert_string_equal(err.column, "slots");
	rq.slots = "11:00-12:00,11:30-12:30";
	assert_int_equal(stagger_place_run(f->s, &rq, &doc, &err), JY_EINVAL);
	assert_string_equal(err.column, "slots");
	rq.slots = "11:00-12:00";
	rq.place = "没有的食堂";
	assert_int_equal(stagger_place_run(f->s, &rq, &doc, &err), JY_EINVAL);
	assert_string_equal(err.column, "place");
	rq.place = "食堂";
	rq.classes = "一班,七班";
	assert_int_equal(stagger_place_run(f->s, &rq, &doc, &err), JY_EINVAL);
	assert_string_equal(err.column, "classes");
	/* A named subset works. */
	rq.classes = "一班, 四班";
	assert_int_equal(stagger_place_run(f->s, &rq, &doc, &err), 0);
	assert_int_equal(get(get(doc, "summary"), "classes")->valueint, 2);
	cJSON_Delete(doc);
}

/* The exact contract on the demo school's canteen, through the binary. */
static void test_stagger_cli_contract_on_the_demo_school(void **state)
{
	fx *f = *state;
	char *out = NULL, *err = NULL;
	char db[600];
	tu_db(db, sizeof db, f->dir, "demo.db");
	char cmd[1400];
	snprintf(cmd, sizeof cmd, "%s demo --db %s", tu_jinyun_bin(), db);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 0);
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd,
		 "%s stagger --db %s --place 第一食堂 --slots 11:30-11:55,11:55-12:20,12:20-12:45 "
		 "--json",
		 tu_jinyun_bin(), db);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 0);
	cJSON *doc = cJSON_Parse(out);
	free(out);
	free(err);
	assert_non_null(doc);
	assert_true(cJSON_IsBool(get(doc, "feasible")));
	assert_true(cJSON_IsTrue(get(doc, "feasible")));
	assert_true(cJSON_IsString(get(doc, "short")));
	const cJSON *as = get(doc, "assignments"), *ml = get(doc, "max_load"), *it;
	int n = cJSON_GetArraySize(as);
	assert_true(n > 40);
	cJSON_ArrayForEach(it, as)
	{
		assert_true(cJSON_IsString(get(it, "class")));
		assert_true(cJSON_IsString(get(it, "slot")));
		assert_non_null(strstr(get(it, "zone")->valuestring, "第一食堂"));
	}
	/* Recompute every load from the assignments and the class sizes. */
	int total = 0;
	cJSON_ArrayForEach(it, ml)
	{
		const char *slot = get(it, "slot")->valuestring,
			   *zone = get(it, "zone")->valuestring;
		int people = 0;
		const cJSON *a;
		cJSON_ArrayForEach(a, as)
		{
			if (strcmp(get(a, "slot")->valuestring, slot) ||
			    strcmp(get(a, "zone")->valuestring, zone))
				continue;
			const cJSON *m;
			cJSON_ArrayForEach(
			    m, get(doc, "meets")) if (!strcmp(get(m, "class")->valuestring,
							      get(a, "class")->valuestring))
			    people += get(m, "people")->valueint;
		}
		assert_int_equal(people, get(it, "people")->valueint);
		assert_true(people <= get(it, "capacity")->valueint);
		total += people;
	}
	assert_int_equal(total, get(get(doc, "summary"), "people")->valueint);
	const cJSON *sum = get(doc, "summary");
	assert_true(cJSON_IsTrue(get(sum, "capacity_verified")));
	assert_true(get(sum, "meets_total")->valuedouble >=
		    get(get(sum, "lower_bound"), "meets_total")->valuedouble);
	assert_true(get(sum, "meets_total")->valuedouble <=
		    get(get(sum, "greedy"), "meets_total")->valuedouble);
	cJSON_Delete(doc);

	/* Every class of the school in this one canteen does not fit. */
	snprintf(cmd, sizeof cmd,
		 "%s stagger --db %s --place 第一食堂 --slots 11:30-11:55,11:55-12:20 --classes "
		 "all --json",
		 tu_jinyun_bin(), db);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 0);
	doc = cJSON_Parse(out);
	free(out);
	free(err);
	assert_non_null(doc);
	assert_false(cJSON_IsTrue(get(doc, "feasible")));
	assert_int_equal(cJSON_GetArraySize(get(doc, "assignments")), 0);
	assert_non_null(strstr(get(doc, "short")->valuestring, "7200"));
	cJSON_Delete(doc);

	/* Errors: unknown place (1), bad usage (2). */
	snprintf(cmd, sizeof cmd, "%s stagger --db %s --place 第九食堂 --slots 11:30-11:55",
		 tu_jinyun_bin(), db);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 1);
	assert_non_null(strstr(err, "第九食堂"));
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd, "%s stagger --db %s --place 第一食堂", tu_jinyun_bin(), db);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 2);
	free(out);
	free(err);
}

/* ---- ventilation and disinfection ------------------------------------------------------ */

/* The last weekday before today (China time). */
static int32_t last_weekday(void)
{
	int32_t d = date_today_cst() - 1;
	while (date_weekday(d) > 5)
		d--;
	return d;
}

static int64_t at_cst(int32_t day, int hh, int mm)
{
	return (int64_t)day * 86400 - 8 * 3600 + hh * 3600 + mm * 60;
}

static const cJSON *find_item(const cJSON *items, const char *place, const char *action,
			      const char *due)
{
	const cJSON *it;
	cJSON_ArrayForEach(
	    it, items) if (!strcmp(get(it, "place")->valuestring, place) &&
			   !strcmp(get(it, "action")->valuestring, action) &&
			   (!due || !strcmp(get(it, "due")->valuestring, due))) return it;
	return NULL;
}

static void record(fx *f, const char *place, const char *action, int64_t at, const char *item,
		   double q, int64_t alert_id, int expect)
{
	hygiene_input in;
	memset(&in, 0, sizeof in);
	in.school_id = f->school;
	in.place = place;
	in.action = action;
	in.at = at;
	in.method = "开窗通风";
	in.performer = "保洁员 刘阿姨";
	in.duration_min = 30;
	in.item = item;
	in.quantity = q;
	in.alert_id = alert_id;
	jy_err err;
	err_clear(&err);
	int rc = hygiene_record(f->s, &in, NULL, &err);
	if (rc != expect)
		fprintf(stderr, "hygiene_record: %d %s %s\n", rc, err.column, err.msg);
	assert_int_equal(rc, expect);
}

static void test_hygiene_due_done_late_and_overdue(void **state)
{
	fx *f = *state;
	put_place(f, "classroom", "教学楼A-101", 50, 60, 0);
	put_place(f, "canteen", "食堂", 200, 300, 0);
	int32_t day = last_weekday();
	char date[11];
	date_format(day, date);
	/* Classroom: ventilated at 07:40 and 12:05 (on time), 18:30 (late for
	 * 17:40 + 30 min); never disinfected.  Canteen: after breakfast only. */
	record(f, "教学楼A-101", "ventilate", at_cst(day, 7, 40), NULL, 0, 0, 0);
	record(f, "教学楼A-101", "ventilate", at_cst(day, 12, 5), NULL, 0, 0, 0);
	record(f, "教学楼A-101", "ventilate", at_cst(day, 18, 30), NULL, 0, 0, 0);
	record(f, "食堂", "disinfect", at_cst(day, 8, 20), NULL, 0, 0, 0);
	cJSON *doc;
	jy_err err;
	err_clear(&err);
	assert_int_equal(
	    hygiene_status_json(f->s, f->school, date, at_cst(day, 23, 0), 0, &doc, &err), 0);
	const cJSON *items = get(doc, "items");
	assert_string_equal(
	    get(find_item(items, "教学楼A-101", "ventilate", "07:50"), "status")->valuestring,
	    "done");
	assert_string_equal(
	    get(find_item(items, "教学楼A-101", "ventilate", "12:00"), "status")->valuestring,
	    "done");
	assert_string_equal(
	    get(find_item(items, "教学楼A-101", "ventilate", "17:40"), "status")->valuestring,
	    "late");
	const cJSON *dis = find_item(items, "教学楼A-101", "disinfect", "18:00");
	assert_string_equal(get(dis, "status")->valuestring, "overdue");
	assert_string_equal(
	    get(find_item(items, "食堂", "disinfect", "08:30"), "status")->valuestring, "done");
	assert_string_equal(
	    get(find_item(items, "食堂", "disinfect", "08:30"), "performer")->valuestring,
	    "保洁员 刘阿姨");
	assert_string_equal(
	    get(find_item(items, "食堂", "disinfect", "13:15"), "status")->valuestring, "overdue");
	cJSON_Delete(doc);
	/* Earlier in the day the afternoon items are pending, not overdue. */
	assert_int_equal(
	    hygiene_status_json(f->s, f->school, date, at_cst(day, 12, 30), 1, &doc, &err), 0);
	items = get(doc, "items");
	assert_string_equal(
	    get(find_item(items, "食堂", "disinfect", "19:00"), "status")->valuestring, "pending");
	assert_null(find_item(items, "教学楼A-101", "ventilate", "07:50")); /* done: not listed */
	cJSON_Delete(doc);

	/* The school turns the classroom disinfection default off, and gives
	 * this canteen its own single time. */
	hygiene_schedule_rec r;
	memset(&r, 0, sizeof r);
	snprintf(r.place_kind, sizeof r.place_kind, "classroom");
	snprintf(r.action, sizeof r.action, "disinfect");
	snprintf(r.times, sizeof r.times, "18:00");
	snprintf(r.weekdays, sizeof r.weekdays, "12345");
	r.grace_min = 60;
	r.enabled = 0;
	assert_int_equal(hygiene_schedule_save(f->s, f->school, &r, NULL, NULL, &err), 0);
	memset(&r, 0, sizeof r);
	snprintf(r.action, sizeof r.action, "disinfect");
	snprintf(r.times, sizeof r.times, "14:00");
	snprintf(r.weekdays, sizeof r.weekdays, "7654321");
	r.grace_min = 30;
	r.enabled = 1;
	assert_int_equal(hygiene_schedule_save(f->s, f->school, &r, "食堂", NULL, &err), 0);
	assert_string_equal(r.weekdays, "1234567");
	assert_int_equal(
	    hygiene_status_json(f->s, f->school, date, at_cst(day, 23, 0), 0, &doc, &err), 0);
	items = get(doc, "items");
	assert_null(find_item(items, "教学楼A-101", "disinfect", NULL));
	assert_null(find_item(items, "食堂", "disinfect", "13:15"));
	/* The breakfast record now fulfils the one 14:00 item, early. */
	assert_string_equal(
	    get(find_item(items, "食堂", "disinfect", "14:00"), "status")->valuestring, "done");
	cJSON_Delete(doc);
	/* On a holiday only the every-day schedules apply. */
	assert_int_equal(store_calendar_set(f->s, f->school, date, "holiday", "", &err), 0);
	assert_int_equal(
	    hygiene_status_json(f->s, f->school, date, at_cst(day, 23, 0), 0, &doc, &err), 0);
	items = get(doc, "items");
	assert_null(find_item(items, "教学楼A-101", "ventilate", NULL));
	assert_non_null(find_item(items, "食堂", "disinfect", "14:00"));
	cJSON_Delete(doc);

	/* Bad records name their field. */
	record(f, "没有的地方", "ventilate", 0, NULL, 0, 0, JY_EINVAL);
	record(f, "食堂", "sweep", 0, NULL, 0, 0, JY_EINVAL);
	record(f, "食堂", "disinfect", (int64_t)time(NULL) + 86400, NULL, 0, 0, JY_EINVAL);
	record(f, "食堂", "disinfect", 0, "disinfectant_chlorine", 0, 0, JY_EINVAL);
	r.times[0] = 0;
	snprintf(r.times, sizeof r.times, "12:00,11:00");
	r.id = 0;
	assert_int_equal(hygiene_schedule_save(f->s, f->school, &r, "食堂", NULL, &err), JY_EINVAL);
	assert_string_equal(err.column, "times");
}

static void test_alert_asks_for_extra_disinfection_of_its_places(void **state)
{
	fx *f = *state;
	int64_t room = put_place(f, "classroom", "教学楼A-102", 50, 60, 0);
	put_place(f, "playground", "操场", 1000, 5000, 0);
	int64_t class_id;
	assert_int_equal(store_class_find(f->s, f->school, "二班", &class_id, NULL), 0);
	timetable_rec t;
	memset(&t, 0, sizeof t);
	t.school_id = f->school;
	t.class_id = class_id;
	t.place_id = room;
	t.weekday = 1;
	t.start_min = 480;
	t.end_min = 525;
	snprintf(t.subject, sizeof t.subject, "语文");
	assert_int_equal(store_timetable_add(f->s, &t, NULL, NULL), 0);
	place_rec pg;
	assert_int_equal(store_place_find(f->s, f->school, "操场", &pg, NULL), 0);
	t.place_id = pg.id;
	snprintf(t.subject, sizeof t.subject, "体育");
	assert_int_equal(store_timetable_add(f->s, &t, NULL, NULL), 0);
	/* A class alert that opened 10 hours ago (its disinfection was due 8 h after). */
	rule_rec rule;
	memset(&rule, 0, sizeof rule);
	assert_int_equal(store_rule_get(f->s, 1, &rule, NULL), 0);
	int64_t now = (int64_t)time(NULL);
	alert_rec a;
	memset(&a, 0, sizeof a);
	a.school_id = f->school;
	a.rule_id = rule.id;
	a.scope_id = class_id;
	snprintf(a.scope, sizeof a.scope, "class");
	snprintf(a.scope_name, sizeof a.scope_name, "二班");
	snprintf(a.code, sizeof a.code, "fever");
	date_format(date_today_cst(), a.first_date);
	date_format(date_today_cst(), a.last_date);
	snprintf(a.status, sizeof a.status, "open");
	a.count = 3;
	a.created_at = now - 10 * 3600;
	a.report_due_at = now + 3600;
	assert_int_equal(store_alert_add(f->s, &a, &a.id, NULL), 0);
	char today[11];
	date_format(date_today_cst(), today);
	cJSON *doc;
	jy_err err;
	err_clear(&err);
	assert_int_equal(hygiene_status_json(f->s, f->school, today, now, 0, &doc, &err), 0);
	const cJSON *extra = get(doc, "extra");
	assert_int_equal(cJSON_GetArraySize(extra), 1); /* the classroom, not the playground */
	const cJSON *x = cJSON_GetArrayItem(extra, 0);
	assert_string_equal(get(x, "place")->valuestring, "教学楼A-102");
	assert_string_equal(get(x, "status")->valuestring, "overdue");
	assert_int_equal(get(get(doc, "summary"), "extra_overdue")->valueint, 1);
	cJSON_Delete(doc);
	/* Disinfected now (late), with the supplies it used. */
	supplies_move_input m;
	memset(&m, 0, sizeof m);
	m.school_id = f->school;
	m.item = "disinfectant_chlorine";
	m.kind = "receipt";
	m.quantity = 10;
	m.place = "教学楼A-102";
	assert_int_equal(supplies_move(f->s, &m, NULL, &err), 0);
	record(f, "教学楼A-102", "disinfect", now - 60, "disinfectant_chlorine", 2.5, a.id, 0);
	assert_int_equal(hygiene_status_json(f->s, f->school, today, now, 0, &doc, &err), 0);
	x = cJSON_GetArrayItem(get(doc, "extra"), 0);
	assert_string_equal(get(x, "status")->valuestring, "late");
	cJSON_Delete(doc);
	assert_int_equal(supplies_report_json(f->s, f->school, today, 2, -1, &doc, &err), 0);
	const cJSON *it;
	cJSON_ArrayForEach(it, get(doc, "items")) if (!strcmp(get(it, "code")->valuestring,
							      "disinfectant_chlorine"))
	    assert_true(get(it, "stock")->valuedouble == 7.5);
	cJSON_Delete(doc);
	/* More than is in stock: refused, nothing written. */
	record(f, "教学楼A-102", "disinfect", now - 30, "disinfectant_chlorine", 100, 0,
	       JY_ECONFLICT);
	assert_int_equal(hygiene_records_json(f->s, f->school, today, room, &doc, &err), 0);
	assert_int_equal(cJSON_GetArraySize(doc), 1);
	cJSON_Delete(doc);
}

/* ---- supplies ------------------------------------------------------------------------ */

static void move(fx *f, const char *item, const char *kind, double q, const char *place,
		 const char *to, int32_t day, int expect)
{
	supplies_move_input m;
	memset(&m, 0, sizeof m);
	m.school_id = f->school;
	m.item = item;
	m.kind = kind;
	m.quantity = q;
	m.place = place;
	m.to_place = to;
	char date[11];
	date_format(day, date);
	m.date = date;
	jy_err err;
	err_clear(&err);
	int rc = supplies_move(f->s, &m, NULL, &err);
	if (rc != expect)
		fprintf(stderr, "supplies_move: %d %s %s\n", rc, err.column, err.msg);
	assert_int_equal(rc, expect);
}

static const cJSON *item_of(const cJSON *doc, const char *code)
{
	const cJSON *it;
	cJSON_ArrayForEach(
	    it, get(doc, "items")) if (!strcmp(get(it, "code")->valuestring, code)) return it;
	fail_msg("no item %s", code);
	return NULL;
}

static void test_supplies_stock_rate_days_left_and_warnings(void **state)
{
	fx *f = *state;
	put_place(f, "office", "后勤处", 8, 40, 0);
	put_place(f, "clinic", "医务室", 10, 40, 0);
	put_place(f, "gate", "南门", 1800, -1, 0);
	int32_t today = date_today_cst();
	char t[11];
	date_format(today, t);
	/* 100 L received 30 days ago; 2 L a day issued on each of the last 14 days. */
	move(f, "disinfectant_chlorine", "receipt", 100, "后勤处", NULL, today - 30, 0);
	for (int d = 0; d < 14; d++)
		move(f, "disinfectant_chlorine", "issue", 2, "后勤处", NULL, today - d, 0);
	/* A transfer moves stock without consuming it; a stocktake corrects it. */
	move(f, "disinfectant_chlorine", "transfer", 10, "后勤处", "医务室", today, 0);
	move(f, "disinfectant_chlorine", "count", 9, "医务室", NULL, today, 0);
	/* Refused: more than the location holds, to the same place, bad kind. */
	move(f, "disinfectant_chlorine", "issue", 500, "后勤处", NULL, today, JY_ECONFLICT);
	move(f, "disinfectant_chlorine", "transfer", 1, "后勤处", "后勤处", today, JY_EINVAL);
	move(f, "disinfectant_chlorine", "lend", 1, "后勤处", NULL, today, JY_EINVAL);
	move(f, "no_such_item", "receipt", 1, "后勤处", NULL, today, JY_EINVAL);
	move(f, "thermometer_gun", "receipt", 0, "南门", NULL, today, JY_EINVAL);
	move(f, "thermometer_gun", "receipt", 6, "南门", NULL, today, 0);
	cJSON *doc;
	jy_err err;
	err_clear(&err);
	assert_int_equal(supplies_report_json(f->s, f->school, t, 2, -1, &doc, &err), 0);
	const cJSON *d = item_of(doc, "disinfectant_chlorine");
	/* 100 − 28 issued − 1 lost at the stocktake = 71. */
	assert_true(get(d, "stock")->valuedouble == 71);
	assert_true(get(d, "issued")->valuedouble == 28);
	assert_int_equal(get(d, "window_days")->valueint, 14);
	assert_true(get(d, "per_day")->valuedouble == 2);
	assert_true(get(d, "days_left")->valuedouble == 35.5);
	assert_true(cJSON_IsNull(get(d, "warning")));
	assert_int_equal(cJSON_GetArraySize(get(d, "by_location")), 2);
	/* Thermometer guns: equipment, no day warning; masks: none in stock. */
	assert_true(cJSON_IsNull(get(item_of(doc, "thermometer_gun"), "warning")));
	assert_string_equal(get(item_of(doc, "mask_medical"), "warning")->valuestring,
			    "out_of_stock");
	cJSON_Delete(doc);
	/* Under a 60-day threshold the disinfectant warns. */
	assert_int_equal(supplies_report_json(f->s, f->school, t, 2, 60, &doc, &err), 0);
	assert_string_equal(get(item_of(doc, "disinfectant_chlorine"), "warning")->valuestring,
			    "low_days");
	cJSON_Delete(doc);
	/* A school's own item. */
	supply_item_rec r;
	memset(&r, 0, sizeof r);
	snprintf(r.code, sizeof r.code, "face_shield");
	snprintf(r.name_zh, sizeof r.name_zh, "防护面屏");
	snprintf(r.name_en, sizeof r.name_en, "face shield");
	snprintf(r.unit_zh, sizeof r.unit_zh, "个");
	snprintf(r.unit_en, sizeof r.unit_en, "piece");
	r.warn_days = 7;
	r.enabled = 1;
	assert_int_equal(supplies_item_save(f->s, f->school, &r, NULL, &err), 0);
	r.id = 0;
	assert_int_equal(supplies_item_save(f->s, f->school, &r, NULL, &err), JY_ECONFLICT);
	move(f, "face_shield", "receipt", 20, "医务室", NULL, today, 0);
}

/* ---- plans, alerts, inspections --------------------------------------------------------- */

static int count_tasks(void *ctx, const ops_task_rec *t)
{
	(void)t;
	(*(int *)ctx)++;
	return 0;
}

static void test_plan_activation_deadlines_and_the_late_list(void **state)
{
	fx *f = *state;
	ops_plan_rec plan;
	assert_int_equal(store_ops_plan_find(f->s, f->school, "suspected_case", &plan, NULL), 0);
	int64_t now = (int64_t)time(NULL), then = now - 3 * 3600, aid;
	jy_err err;
	err_clear(&err);
	assert_int_equal(plans_activate(f->s, f->school, plan.id, 0, "测试", 0, then, &aid, &err),
			 0);
	cJSON *doc;
	assert_int_equal(plans_activation_json(f->s, aid, now, &doc, &err), 0);
	const cJSON *tasks = get(doc, "tasks_detail");
	assert_int_equal(cJSON_GetArraySize(tasks), 6);
	/* isolate 10 min, notify 1 h, report 2 h, disinfect same day, contacts 24 h, leading group
	 * 24 h */
	int64_t want[] = {then + 600, then + 3600, then + 7200, 0, then + 86400, then + 86400};
	int64_t end_of_day = ((int64_t)date_of_time_cst(then) + 1) * 86400 - 8 * 3600 - 1;
	want[3] = end_of_day;
	for (int i = 0; i < 6; i++)
		assert_int_equal((int64_t)get(cJSON_GetArrayItem(tasks, i), "due_at")->valuedouble,
				 want[i]);
	assert_string_equal(get(cJSON_GetArrayItem(tasks, 1), "owner_role")->valuestring,
			    "teacher");
	assert_int_equal(get(doc, "late_tasks")->valueint, 3);
	int64_t isolate = (int64_t)get(cJSON_GetArrayItem(tasks, 0), "id")->valuedouble;
	cJSON_Delete(doc);
	/* The isolation was done; two steps remain late. */
	assert_int_equal(store_ops_task_done(f->s, isolate, 0, now - 2 * 3600, "已转隔离室", &err),
			 0);
	assert_int_equal(plans_duty_json(f->s, f->school, now, &doc, &err), 0);
	const cJSON *late = get(doc, "late"), *it;
	int plan_late = 0;
	cJSON_ArrayForEach(it, late)
	{
		if (strcmp(get(it, "source")->valuestring, "plan"))
			continue;
		plan_late++;
		const char *role = get(it, "owner_role")->valuestring;
		const cJSON *owners = get(it, "owners");
		assert_int_equal(cJSON_GetArraySize(owners), 1);
		assert_string_equal(cJSON_GetArrayItem(owners, 0)->valuestring,
				    !strcmp(role, "teacher") ? "t1" : "doc");
		assert_true(get(it, "minutes_late")->valueint >= 59);
	}
	assert_int_equal(plan_late, 2);
	assert_int_equal(get(doc, "active_plans")->valueint, 1);
	cJSON_Delete(doc);
	/* A school copy of a plan; the default stays. */
	ops_step_rec steps[2];
	memset(steps, 0, sizeof steps);
	snprintf(steps[0].title_zh, sizeof steps[0].title_zh, "隔离");
	snprintf(steps[0].owner_role, sizeof steps[0].owner_role, "reporter");
	steps[0].due_minutes = 5;
	snprintf(steps[1].title_zh, sizeof steps[1].title_zh, "通知家长");
	snprintf(steps[1].owner_role, sizeof steps[1].owner_role, "parent");
	assert_int_equal(plans_save(f->s, f->school, &plan, steps, 2, NULL, &err), JY_EINVAL);
	assert_string_equal(err.column, "steps[1].owner_role");
	snprintf(steps[1].owner_role, sizeof steps[1].owner_role, "teacher");
	int64_t copy = 0;
	assert_int_equal(plans_save(f->s, f->school, &plan, steps, 2, &copy, &err), 0);
	ops_plan_rec found;
	assert_int_equal(store_ops_plan_find(f->s, f->school, "suspected_case", &found, NULL), 0);
	assert_int_equal(found.id, copy);
	assert_int_equal(found.school_id, f->school);
}

static void test_norovirus_alert_activates_its_plan_once(void **state)
{
	fx *f = *state;
	char today[11];
	int32_t day = date_today_cst();
	date_format(day, today);
	/* Ten students with norovirus this week: the school rule fires. */
	static const char *const numbers[] = {"S01", "S02", "S03", "S04", "S05",
					      "S06", "S07", "S08", "S09", "S10"};
	for (size_t i = 0; i < 10; i++) {
		person_rec p;
		assert_int_equal(store_person_find(f->s, f->school, numbers[i], &p, NULL), 0);
		health_event_rec ev;
		memset(&ev, 0, sizeof ev);
		ev.school_id = f->school;
		ev.person_id = p.id;
		date_format(day - (int32_t)(i % 3), ev.date);
		ev.at = (int64_t)time(NULL);
		snprintf(ev.source, sizeof ev.source, "clinic");
		ev.temperature = -1;
		snprintf(ev.diagnosis, sizeof ev.diagnosis, "norovirus");
		assert_int_equal(store_event_add(f->s, &ev, NULL, NULL), 0);
	}
	jy_err err;
	err_clear(&err);
	alert_changes ch;
	char from[11];
	date_format(day - 3, from);
	assert_int_equal(alerts_evaluate(f->s, f->school, from, today, NULL, &ch, &err), 0);
	assert_true(ch.n >= 1);
	cJSON *doc;
	assert_int_equal(
	    plans_activations_json(f->s, f->school, "active", (int64_t)time(NULL), &doc, &err), 0);
	assert_int_equal(cJSON_GetArraySize(doc), 1);
	const cJSON *a = cJSON_GetArrayItem(doc, 0);
	assert_string_equal(get(a, "plan_code")->valuestring, "gi_outbreak");
	assert_true(cJSON_IsTrue(get(a, "automatic")));
	assert_true(cJSON_IsNumber(get(a, "alert_id")));
	assert_int_equal(get(a, "tasks")->valueint, 6);
	int64_t aid = (int64_t)get(a, "id")->valuedouble;
	cJSON_Delete(doc);
	assert_int_equal(plans_activation_json(f->s, aid, (int64_t)time(NULL), &doc, &err), 0);
	assert_non_null(strstr(
	    get(cJSON_GetArrayItem(get(doc, "tasks_detail"), 0), "title_zh")->valuestring, "全校"));
	cJSON_Delete(doc);
	/* Evaluating again grows or keeps the alert; the plan is not started twice. */
	assert_int_equal(alerts_evaluate(f->s, f->school, from, today, NULL, &ch, &err), 0);
	assert_int_equal(
	    plans_activations_json(f->s, f->school, NULL, (int64_t)time(NULL), &doc, &err), 0);
	assert_int_equal(cJSON_GetArraySize(doc), 1);
	cJSON_Delete(doc);
}

static void test_inspection_failures_open_follow_up_tasks(void **state)
{
	fx *f = *state;
	put_place(f, "canteen", "食堂", 200, 300, 0);
	plans_finding fs[9];
	memset(fs, 0, sizeof fs);
	for (int i = 0; i < 9; i++) {
		fs[i].seq = i + 1;
		fs[i].result = "pass";
	}
	fs[4].result = "fail";
	fs[4].note = "消毒液只够3天";
	fs[5].result = "fail";
	fs[8].result = "na";
	int64_t now = (int64_t)time(NULL), id = 0;
	jy_err err;
	err_clear(&err);
	/* Every item exactly once. */
	assert_int_equal(plans_inspect(f->s, f->school, "reopening", "食堂", NULL, "区教委检查组",
				       "", fs, 8, 0, now, &id, &err),
			 JY_EINVAL);
	assert_string_equal(err.column, "findings");
	fs[8].seq = 1;
	assert_int_equal(plans_inspect(f->s, f->school, "reopening", "食堂", NULL, "区教委检查组",
				       "", fs, 9, 0, now, &id, &err),
			 JY_EINVAL);
	assert_string_equal(err.column, "findings[8]");
	fs[8].seq = 9;
	assert_int_equal(plans_inspect(f->s, f->school, "reopening", "食堂", NULL, "", "", fs, 9, 0,
				       now, &id, &err),
			 JY_EINVAL);
	assert_string_equal(err.column, "inspector");
	assert_int_equal(plans_inspect(f->s, f->school, "reopening", "食堂", NULL, "区教委检查组",
				       "开学前检查", fs, 9, 0, now, &id, &err),
			 0);
	cJSON *doc;
	assert_int_equal(plans_inspection_json(f->s, id, now, &doc, &err), 0);
	assert_int_equal(get(doc, "passed")->valueint, 6);
	assert_int_equal(get(doc, "failed")->valueint, 2);
	assert_int_equal(get(doc, "na")->valueint, 1);
	const cJSON *tasks = get(doc, "tasks");
	assert_int_equal(cJSON_GetArraySize(tasks), 2);
	const cJSON *t0 = cJSON_GetArrayItem(tasks, 0);
	assert_string_equal(get(t0, "owner_role")->valuestring, "logistics");
	assert_non_null(strstr(get(t0, "title_zh")->valuestring, "整改"));
	assert_string_equal(get(t0, "note")->valuestring, "消毒液只够3天");
	assert_int_equal((int64_t)get(t0, "due_at")->valuedouble, now + 48 * 3600);
	cJSON_Delete(doc);
	int n = 0;
	ops_task_filter flt = {f->school, 0, id, 1, 0, "logistics"};
	assert_int_equal(store_ops_task_list(f->s, &flt, count_tasks, &n, NULL), 0);
	assert_int_equal(n, 2);
}

static void test_cli_listings(void **state)
{
	fx *f = *state;
	static const char *const cmds[] = {
	    "supplies --json",	   "plans --json",
	    "plans --duty --json", "hygiene --json",
	    "hygiene --overdue",   "plans --activate suspected_case --reason 演练 --json"};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		char *out = NULL, *err = NULL;
		int rc = run(f, cmds[i], NULL, &out, &err);
		if (rc)
			fprintf(stderr, "%s: %d %s\n", cmds[i], rc, err);
		assert_int_equal(rc, 0);
		if (strstr(cmds[i], "--json")) {
			cJSON *j = cJSON_Parse(out);
			assert_non_null(j);
			cJSON_Delete(j);
		}
		free(out);
		free(err);
	}
	char *out = NULL, *err = NULL;
	assert_int_equal(run(f, "plans --activate no_such_plan", NULL, &out, &err), 1);
	assert_non_null(strstr(err, "no_such_plan"));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_stagger_small_school_fits_groups_and_saves_into_timetable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stagger_says_what_is_short_and_saves_nothing,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stagger_cli_contract_on_the_demo_school, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_hygiene_due_done_late_and_overdue, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_alert_asks_for_extra_disinfection_of_its_places,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_supplies_stock_rate_days_left_and_warnings, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_plan_activation_deadlines_and_the_late_list, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_norovirus_alert_activates_its_plan_once, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_inspection_failures_open_follow_up_tasks, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_cli_listings, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
