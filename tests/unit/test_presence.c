/*
 * test_presence.c — where people were (src/domain/presence.c), tracing over
 * the database (src/domain/tracing.c), the presence and contact imports
 * (src/domain/presence_import.c) and `jinyun trace --db`.
 *
 * The derivation is checked interval by interval on a small school built
 * here; the staged tracing is checked against the engine run on the whole
 * expanded school (a 120-student demo over a week, several cases, up to
 * three hops); `trace --db` is checked against `trace --contacts` on the
 * Lyon primary-school records imported as contacts (same persons, same
 * numbers, so the output must be byte for byte the same).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/checks.h"
#include "domain/demo.h"
#include "domain/gate.h"
#include "domain/presence.h"
#include "domain/presence_import.h"
#include "domain/tracing.h"
#include "storefix.h"
#include "testutil.h"
#include "util/date.h"

typedef struct fx {
	char *dir;
	char db[512];
	store *s;
	int64_t school, c1, c2, room1, room2, lab, zone, clinic, hall;
	int64_t p[8];   /* S01..S07, T01 */
} fx;

static const char roster[] =
	"学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
	"S01,张一,男,2019级,一班,A101,13800000001\n"
	"S02,张二,男,2019级,一班,A101,13800000002\n"
	"S03,张三,男,2019级,一班,,13800000003\n"
	"S04,李四,女,2019级,一班,B201,13800000004\n"
	"S05,李五,女,2019级,二班,B201,13800000005\n"
	"S06,王六,男,2019级,二班,A102,13800000006\n"
	"S07,王七,女,2019级,二班,,13800000007\n";

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	jy_err e;
	if (sf_open_school(&f->dir, f->db, sizeof f->db, "p.db", roster, &f->s, &f->school))
		return -1;
	store_class_find(f->s, f->school, "一班", &f->c1, &e);
	store_class_find(f->s, f->school, "二班", &f->c2, &e);
	static const char *const nums[] = { "S01", "S02", "S03", "S04", "S05", "S06", "S07" };
	sf_people(f->s, f->school, nums, 7, f->p);
	person_rec t;
	memset(&t, 0, sizeof t);
	t.school_id = f->school;
	snprintf(t.kind, sizeof t.kind, "staff");
	snprintf(t.number, sizeof t.number, "T01");
	snprintf(t.name, sizeof t.name, "赵老师");
	snprintf(t.gender, sizeof t.gender, "F");
	t.active = 1;
	store_person_upsert(f->s, &t, &f->p[7], NULL, &e);
	*state = f;
	f->room1 = sf_place(f->s, f->school, "classroom", "教室101", 50);
	f->room2 = sf_place(f->s, f->school, "classroom", "教室102", 50);
	f->lab = sf_place(f->s, f->school, "lab", "实训室", 50);
	f->zone = sf_place(f->s, f->school, "canteen_zone", "食堂A区", 100);
	f->clinic = sf_place(f->s, f->school, "clinic", "医务室", 5);
	f->hall = sf_place(f->s, f->school, "hall", "礼堂", 500);
	/* Monday: 一班 in 101 08:00-08:45 and the lab 09:00-10:30; both
	 * classes lunch together 11:45-12:10; 二班 in 102 08:00-08:45.
	 * Friday: 一班 in 101 08:00-08:45. */
	sf_timetable(f->s, f->school, f->c1, f->room1, 1, 480, 525);
	sf_timetable(f->s, f->school, f->c1, f->lab, 1, 540, 630);
	sf_timetable(f->s, f->school, f->c1, f->zone, 1, 705, 730);
	sf_timetable(f->s, f->school, f->c2, f->zone, 1, 705, 730);
	sf_timetable(f->s, f->school, f->c2, f->room2, 1, 480, 525);
	sf_timetable(f->s, f->school, f->c1, f->room1, 5, 480, 525);
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	return sf_free(f, f->s, f->dir);
}

typedef struct got {
	int64_t person, place, start, end;
	presence_source src;
} got;

typedef struct gots {
	const presence_model *m;
	got v[512];
	size_t n;
} gots;

static int collect(void *ctx, uint32_t person, uint32_t place, int64_t start, int64_t end,
		   presence_source src)
{
	gots *g = ctx;
	assert_true(g->n < 512);
	g->v[g->n++] = (got){ presence_model_person_id(g->m, person), presence_model_place_id(g->m, place),
			      start, end, src };
	return 0;
}

static int has(const gots *g, int64_t person, int64_t place, int64_t start, int64_t end)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].person == person && g->v[i].place == place && g->v[i].start == start &&
		    g->v[i].end == end)
			return 1;
	return 0;
}

static size_t count_person(const gots *g, int64_t person)
{
	size_t n = 0;
	for (size_t i = 0; i < g->n; i++)
		n += g->v[i].person == person;
	return n;
}

static void load(fx *f, int64_t from, int64_t to, presence_model **m)
{
	jy_err e;
	err_clear(&e);
	int rc = presence_model_load(f->s, f->school, from, to, m, &e);
	if (rc)
		fprintf(stderr, "%s\n", e.msg);
	assert_int_equal(rc, 0);
}

static void test_presence_timetable_dorm_and_absence(void **state)
{
	fx *f = *state;
	/* 2020-05-18 is a Monday; S02 is absent (sick) that morning. */
	check_exception ex[1];
	memset(ex, 0, sizeof ex);
	snprintf(ex[0].number, sizeof ex[0].number, "S02");
	snprintf(ex[0].status, sizeof ex[0].status, "absent_sick");
	ex[0].temperature = -1;
	check_result res;
	memset(&res, 0, sizeof res);
	jy_err e;
	assert_int_equal(checks_submit(f->s, f->school, f->c1, "2020-05-18", "morning", 0, "api", ex, 1, 0,
				       &res, &e), 0);
	errlist_free(&res.warnings);
	presence_model *m;
	load(f, sf_at("2020-05-18", 0), sf_at("2020-05-25", 0), &m);
	gots g = { m, { { 0 } }, 0 };
	presence_model_each(m, NULL, UINT32_MAX, collect, &g);
	/* Monday: S01 in 101, the lab, lunch; the night before in A101. */
	assert_true(has(&g, f->p[0], f->room1, sf_at("2020-05-18", 480), sf_at("2020-05-18", 525)));
	assert_true(has(&g, f->p[0], f->lab, sf_at("2020-05-18", 540), sf_at("2020-05-18", 630)));
	assert_true(has(&g, f->p[0], f->zone, sf_at("2020-05-18", 705), sf_at("2020-05-18", 730)));
	int64_t a101 = 0;
	place_rec pl;
	assert_int_equal(store_place_find(f->s, f->school, "A101", &pl, &e), 0);
	a101 = pl.id;
	assert_true(has(&g, f->p[0], a101, sf_at("2020-05-17", 22 * 60), sf_at("2020-05-18", 390)));
	/* 二班 lunches in the same zone at the same time. */
	assert_true(has(&g, f->p[4], f->zone, sf_at("2020-05-18", 705), sf_at("2020-05-18", 730)));
	/* S02 was absent Monday: no class and no dorm night before it ... */
	assert_false(
	    has(&g, f->p[1], f->room1, sf_at("2020-05-18", 480), sf_at("2020-05-18", 525)));
	assert_false(
	    has(&g, f->p[1], a101, sf_at("2020-05-17", 22 * 60), sf_at("2020-05-18", 390)));
	/* ... but present (no check) on Friday, and the night before. */
	assert_true(has(&g, f->p[1], f->room1, sf_at("2020-05-22", 480), sf_at("2020-05-22", 525)));
	assert_true(has(&g, f->p[1], a101, sf_at("2020-05-21", 22 * 60), sf_at("2020-05-22", 390)));
	/* No dorm on Friday night, nothing at the weekend; a day student has no dorm. */
	assert_false(
	    has(&g, f->p[0], a101, sf_at("2020-05-22", 22 * 60), sf_at("2020-05-23", 390)));
	/* S03 (day student): Monday 3 sessions + Friday 1 = 4 intervals; staff: none. */
	assert_int_equal(count_person(&g, f->p[2]), 4);
	assert_int_equal(count_person(&g, f->p[7]), 0);
	/* The person-only walk gives the same intervals for that person. */
	uint32_t dense;
	assert_int_equal(presence_model_find_person(m, f->p[0], &dense), 0);
	gots one = { m, { { 0 } }, 0 };
	presence_model_each(m, NULL, dense, collect, &one);
	assert_int_equal(one.n, count_person(&g, f->p[0]));
	/* Persons are numbered in byte order of their numbers. */
	for (uint32_t i = 1; i < presence_model_npersons(m); i++)
		assert_true(strcmp(presence_model_person_number(m, i - 1), presence_model_person_number(m, i)) < 0);
	presence_model_free(m);

	/* A holiday on Friday removes Friday's session and Thursday's night. */
	assert_int_equal(store_calendar_set(f->s, f->school, "2020-05-22", "holiday", "", &e), 0);
	load(f, sf_at("2020-05-18", 0), sf_at("2020-05-25", 0), &m);
	g.m = m;
	g.n = 0;
	presence_model_each(m, NULL, UINT32_MAX, collect, &g);
	assert_false(
	    has(&g, f->p[1], f->room1, sf_at("2020-05-22", 480), sf_at("2020-05-22", 525)));
	assert_false(
	    has(&g, f->p[1], a101, sf_at("2020-05-21", 22 * 60), sf_at("2020-05-22", 390)));
	presence_model_free(m);
}

static void test_presence_adhoc_events_and_import_errors(void **state)
{
	fx *f = *state;
	jy_err e;
	err_clear(&e);
	/* An assembly: S03 and the teacher in the hall on Saturday. */
	int64_t people[2] = { f->p[2], f->p[7] };
	assert_int_equal(presence_add(f->s, f->school, f->hall, sf_at("2020-05-23", 600),
				      sf_at("2020-05-23", 660), people, 2, "开学典礼", "api", 0,
				      &e),
			 0);
	/* Bad input is refused, naming the field. */
	assert_int_equal(presence_add(f->s, f->school, f->hall, 100, 50, people, 2, "", "api", 0, &e), JY_EINVAL);
	assert_string_equal(e.column, "end");
	int64_t stranger = 999999;
	assert_int_equal(presence_add(f->s, f->school, f->hall, 0, 60, &stranger, 1, "", "api", 0, &e), JY_EINVAL);
	assert_string_equal(e.column, "people[0]");
	presence_model *m;
	load(f, sf_at("2020-05-23", 0), sf_at("2020-05-24", 0), &m);
	gots g = { m, { { 0 } }, 0 };
	presence_model_each(m, NULL, UINT32_MAX, collect, &g);
	assert_true(has(&g, f->p[7], f->hall, sf_at("2020-05-23", 600), sf_at("2020-05-23", 660)));
	assert_int_equal(g.v[0].src, PRESENCE_ADHOC);
	presence_model_free(m);

	/* Import: every bad cell named, nothing written. */
	char *p = tu_write_file(f->dir, "pres.csv",
				"person_no,place,start,end\n"
				"S01,礼堂,2020-05-23T10:00,2020-05-23T11:00+08:00\n"
				"S99,礼堂,2020-05-23T10:00,2020-05-23T11:00\n"
				"S02,火星,1590199200,soon\n"
				"S04,礼堂,2020-05-23T12:00,2020-05-23T11:00\n",
				(size_t)-1);
	char cmd[1400], *out, *err;
	snprintf(cmd, sizeof cmd, "%s import presence --db %s %s", tu_jinyun_bin(), f->db, p);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 1);
	char want[600];
	snprintf(want, sizeof want, "%s:3:person_no:", p);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof want, "%s:4:place:", p);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof want, "%s:4:end:", p);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof want, "%s:5:end:", p);
	assert_non_null(strstr(err, want));
	free(out);
	free(err);
	load(f, sf_at("2020-05-23", 0), sf_at("2020-05-24", 0), &m);
	g.m = m;
	g.n = 0;
	presence_model_each(m, NULL, UINT32_MAX, collect, &g);
	assert_false(has(&g, f->p[0], f->hall, sf_at("2020-05-23", 600), sf_at("2020-05-23", 660)));
	presence_model_free(m);
	free(p);
	/* A good file is written whole. */
	p = tu_write_file(f->dir, "pres2.csv",
			  "start,end,person_no,place,event\n"
			  "2020-05-23T10:00,2020-05-23T11:00+08:00,S01,礼堂,开学典礼\n"
			  "1590199200,1590202800,S05,礼堂,\n",
			  (size_t)-1);
	snprintf(cmd, sizeof cmd, "%s import presence --db %s %s", tu_jinyun_bin(), f->db, p);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 0);
	free(out);
	free(err);
	free(p);
	load(f, sf_at("2020-05-23", 0), sf_at("2020-05-24", 0), &m);
	g.m = m;
	g.n = 0;
	presence_model_each(m, NULL, UINT32_MAX, collect, &g);
	assert_true(has(&g, f->p[0], f->hall, sf_at("2020-05-23", 600), sf_at("2020-05-23", 660)));
	assert_true(has(&g, f->p[4], f->hall, 1590199200, 1590202800));
	presence_model_free(m);
}

static void test_presence_gate_readings_put_people_at_the_gate(void **state)
{
	fx *f = *state;
	jy_err e;
	err_clear(&e);
	int64_t gate = sf_place(f->s, f->school, "gate", "南门", 200);
	char token[AUTH_TOKEN_HEX];
	int64_t dev_id;
	assert_int_equal(gate_device_add(f->s, f->school, "南门1号测温终端", "南门", token, &dev_id, &e), 0);
	gate_device_rec dev;
	assert_int_equal(gate_device_auth(f->s, token, &dev, &e), 0);
	gate_answer a;
	int64_t t = sf_at("2020-05-22", 7 * 60 + 20);
	assert_int_equal(gate_reading(f->s, &dev, "S01", 36.6, t, "127.0.0.1", &a, &e), 0);
	assert_int_equal(gate_reading(f->s, &dev, "S02", 36.5, t + 30, "127.0.0.1", &a, &e), 0);
	presence_model *m;
	load(f, sf_at("2020-05-22", 0), sf_at("2020-05-23", 0), &m);
	gots g = { m, { { 0 } }, 0 };
	presence_model_each(m, NULL, UINT32_MAX, collect, &g);
	assert_true(has(&g, f->p[0], gate, t - PRESENCE_GATE_S / 2, t + PRESENCE_GATE_S / 2));
	assert_true(has(&g, f->p[1], gate, t + 30 - PRESENCE_GATE_S / 2, t + 30 + PRESENCE_GATE_S / 2));
	presence_model_free(m);
}

static void test_presence_parse_time(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(presence_parse_time("1590199200", &t), 0);
	assert_int_equal(t, 1590199200);
	assert_int_equal(presence_parse_time("2020-05-23T10:00", &t), 0);
	assert_int_equal(t, 1590199200);
	assert_int_equal(presence_parse_time("2020-05-23 10:00:00+08:00", &t), 0);
	assert_int_equal(t, 1590199200);
	assert_int_equal(presence_parse_time("2020-05-23T02:00:00Z", &t), 0);
	assert_int_equal(t, 1590199200);
	assert_int_equal(presence_parse_time("2020-05-23T02:00:00.250Z", &t), 0);
	assert_int_equal(t, 1590199200);
	assert_int_equal(presence_parse_time("2020-05-23T04:00+0200", &t), 0);
	assert_int_equal(t, 1590199200);
	assert_int_equal(presence_parse_time("2020-05-23", &t), 0);
	assert_int_equal(t, 1590199200 - 10 * 3600);
	assert_int_equal(presence_parse_time("2020-02-30T10:00", &t), -1);
	assert_int_equal(presence_parse_time("2020-05-23T25:00", &t), -1);
	assert_int_equal(presence_parse_time("soon", &t), -1);
	assert_int_equal(presence_parse_time("", &t), -1);
	assert_int_equal(presence_parse_time("2020-05-23T10:00+08:00x", &t), -1);
}

static void test_tracing_same_dorm_and_class_criteria(void **state)
{
	fx *f = *state;
	jy_err e;
	err_clear(&e);
	/* S01's Monday: S02 shares class, lab and lunch (and the dorm), S05 only
	 * the 25-minute lunch and (not) the dorm.  Minimum exposure 3 hours. */
	int64_t from = sf_at("2020-05-25", 0), to = sf_at("2020-05-26", 0);
	tracing_query q = { .cases = &f->p[0], .ncases = 1, .from = from, .to = to,
			    .min_duration = 3 * 3600, .hops = 1, .want_places = 1 };
	tracing_result *r;
	assert_int_equal(tracing_run(f->s, f->school, &q, &r, &e), 0);
	/* Exposure alone: S02 has class 45 + lab 90 + lunch 25 min + the night
	 * 8.5 h = over three hours. */
	size_t found = 0;
	for (size_t i = 0; i < r->nhits; i++)
		found += r->hits[i].person_id == f->p[1];
	assert_int_equal(found, 1);
	assert_int_equal(r->nhits, 1);
	tracing_result_free(r);
	/* With same_class: classmates S03, S04 (class sessions) qualify; S05
	 * (lunch only, a canteen zone) does not. */
	q.same_class = 1;
	assert_int_equal(tracing_run(f->s, f->school, &q, &r, &e), 0);
	int seen[8] = { 0 };
	for (size_t i = 0; i < r->nhits; i++)
		for (int k = 0; k < 8; k++)
			if (r->hits[i].person_id == f->p[k]) {
				seen[k] = 1;
				if (k == 2 || k == 3)
					assert_string_equal(r->hits[i].criterion, "same_class");
			}
	assert_true(seen[1] && seen[2] && seen[3]);
	assert_false(seen[4] || seen[5] || seen[6]);
	tracing_result_free(r);
}

/* The staged expansion must give exactly what the engine gives on the
 * whole expanded school. */
static void test_tracing_staged_equals_full_expansion(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char db[512];
	tu_db(db, sizeof db, dir, "demo.db");
	store *s;
	jy_err e;
	err_clear(&e);
	assert_int_equal(store_open(db, &s, &e), 0);
	demo_opts o = { .students = 240, .seed = 7, .days = 7 };
	demo_counts c;
	assert_int_equal(demo_create(s, &o, &c, &e), 0);
	int64_t from = sf_at(DEMO_START_DATE, 0), to = from + 7 * 86400;
	presence_model *m;
	assert_int_equal(presence_model_load(s, c.school_id, from, to, &m, &e), 0);
	trace_presence *iv;
	size_t niv;
	assert_int_equal(presence_model_intervals(m, NULL, &iv, &niv, &e), 0);
	assert_true(niv > 10000);
	trace_index *ix;
	assert_int_equal(trace_index_build(iv, niv, NULL, 0, 20, &ix, &e), 0);
	for (int k = 0; k < 6; k++) {
		uint32_t dense = (uint32_t)(k * 37 + 3) % presence_model_npersons(m);
		int64_t pid = presence_model_person_id(m, dense);
		unsigned hops = 1 + (unsigned)k % 3;
		int64_t min = k % 2 ? 900 : 3600;
		trace_query eq = { .cases = &dense, .ncases = 1, .from = from + k * 3600, .to = to,
				   .min_duration = min, .hops = hops };
		trace_result *full;
		assert_int_equal(trace_run(ix, &eq, NULL, &full, &e), 0);
		tracing_query q = { .cases = &pid, .ncases = 1, .from = from + k * 3600, .to = to,
				    .min_duration = min, .hops = hops };
		tracing_result *r;
		assert_int_equal(tracing_run_model(m, &q, &r, &e), 0);
		assert_int_equal(r->nhits, full->nhits);
		for (size_t i = 0; i < r->nhits; i++) {
			assert_int_equal(r->hits[i].person_id, presence_model_person_id(m, full->hits[i].person));
			assert_int_equal(r->hits[i].via_person_id, presence_model_person_id(m, full->hits[i].via));
			assert_int_equal(r->hits[i].hop, full->hits[i].hop);
			assert_int_equal(r->hits[i].exposure, full->hits[i].exposure);
			assert_int_equal(r->hits[i].first_contact, full->hits[i].first_contact);
		}
		if (hops > 1)
			assert_true(r->intervals < niv); /* it did not expand everything */
		trace_result_free(full);
		tracing_result_free(r);
	}
	trace_index_free(ix);
	free(iv);
	presence_model_free(m);
	store_close(s);
	tu_rmtree_free(dir);
}

/* `trace --db` on the Lyon records imported as contacts says exactly what
 * `trace --contacts` says on the file. */
static void test_trace_db_matches_contacts_file_on_lyon(void **state)
{
	(void)state;
	const char *data = tu_data_dir();
	if (!data)
		skip();
	char meta[600], file[600];
	snprintf(meta, sizeof meta, "%s/sociopatterns-primaryschool-lyon/primaryschool_metadata.txt", data);
	snprintf(file, sizeof file, "%s/sociopatterns-primaryschool-lyon/primaryschool.csv", data);
	char *md = tu_read_file(meta, NULL);
	if (!md)
		skip();
	char *dir = tu_tmpdir();
	/* A roster whose numbers are the file's ids. */
	size_t cap = strlen(md) * 4 + 200, len = 0;
	char *csv = malloc(cap);
	len += (size_t)snprintf(csv + len, cap - len, "学号,姓名,性别,年级,班级\n");
	char *save = NULL;
	for (char *line = strtok_r(md, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char id[32], cls[32], g[16];
		if (sscanf(line, "%31s %31s %15s", id, cls, g) != 3)
			continue;
		len += (size_t)snprintf(csv + len, cap - len, "%s,学生%s,%s,G%c,%s\n", id, id,
					!strcmp(g, "F") ? "女" : "男", cls[0], cls);
	}
	free(md);
	char *rp = tu_write_file(dir, "roster.csv", csv, len);
	free(csv);
	char db[600], cmd[2400], *out, *err;
	tu_db(db, sizeof db, dir, "lyon.db");
	snprintf(cmd, sizeof cmd, "%s import roster --db %s %s", tu_jinyun_bin(), db, rp);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 0);
	free(out);
	free(err);
	snprintf(cmd, sizeof cmd, "%s import contacts --db %s --resolution 20 %s", tu_jinyun_bin(), db, file);
	int rc = tu_run(cmd, NULL, &out, &err);
	if (rc)
		fprintf(stderr, "%s%s", out, err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "125773"));
	free(out);
	free(err);
	static const char *const args[] = {
		"--case 1558 --from 31220 --to 148120",
		"--case 1558 --case 1760 --from 40000 --to 120000 --hops 2 --min-duration 600",
		"--case 1426 --from 31220 --to 148120 --hops 3 --min-duration 1800",
		"--case 1551 --case 99999 --from 31220 --to 62000 --hops 2 --min-duration 60",
	};
	for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
		char *o1, *e1, *o2, *e2;
		snprintf(cmd, sizeof cmd, "%s trace --db %s %s", tu_jinyun_bin(), db, args[i]);
		assert_int_equal(tu_run(cmd, NULL, &o1, &e1), 0);
		snprintf(cmd, sizeof cmd, "%s trace --contacts %s %s", tu_jinyun_bin(), file, args[i]);
		assert_int_equal(tu_run(cmd, NULL, &o2, &e2), 0);
		assert_true(strlen(o1) > 60);
		assert_string_equal(o1, o2);
		assert_int_equal(strstr(e1, "99999") != NULL, strstr(e2, "99999") != NULL);
		free(o1);
		free(e1);
		free(o2);
		free(e2);
	}
	/* An unknown person number is refused with its row and column, and
	 * nothing is written. */
	char *bad = tu_write_file(dir, "bad.txt", "31220 1558 1567\n\n31240 1558 424242 3B 3B\n31260 x 1567\n",
				  (size_t)-1);
	snprintf(cmd, sizeof cmd, "%s import contacts --db %s %s", tu_jinyun_bin(), db, bad);
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 1);
	char want[700];
	snprintf(want, sizeof want, "%s:3:j:", bad);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof want, "%s:4:i:", bad);
	assert_non_null(strstr(err, want));
	free(out);
	free(err);
	free(bad);
	free(rp);
	tu_rmtree_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_presence_timetable_dorm_and_absence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_presence_adhoc_events_and_import_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_presence_gate_readings_put_people_at_the_gate, setup, teardown),
		cmocka_unit_test(test_presence_parse_time),
		cmocka_unit_test_setup_teardown(test_tracing_same_dorm_and_class_criteria, setup, teardown),
		cmocka_unit_test(test_tracing_staged_equals_full_expansion),
		cmocka_unit_test(test_trace_db_matches_contacts_file_on_lyon),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
