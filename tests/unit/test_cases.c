/*
 * test_cases.c — cases and isolation (src/domain/cases.c), contact
 * follow-up (followup.c), transmission chains (chains.c) and the person
 * timeline (timeline.c), through the domain on a small school built here.
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

#include "domain/cases.h"
#include "domain/chains.h"
#include "domain/followup.h"
#include "domain/presence_import.h"
#include "domain/timeline.h"
#include "store/returns.h"
#include "storefix.h"
#include "testutil.h"
#include "util/date.h"

typedef struct fx {
	char *dir;
	char db[512];
	store *s;
	int64_t school, c1, room, iso, obs, p[6];
} fx;

static const char roster[] =
	"学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
	"S01,张一,男,2019级,一班,A101,13800000001\n"
	"S02,张二,男,2019级,一班,A101,13800000002\n"
	"S03,张三,男,2019级,一班,,13800000003\n"
	"S04,李四,女,2019级,二班,,13800000004\n"
	"S05,李五,女,2019级,二班,,13800000005\n"
	"S06,王六,男,2019级,二班,,13800000006\n";

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	jy_err e;
	if (sf_open_school(&f->dir, f->db, sizeof f->db, "k.db", roster, &f->s, &f->school))
		return -1;
	store_class_find(f->s, f->school, "一班", &f->c1, &e);
	static const char *const nums[] = { "S01", "S02", "S03", "S04", "S05", "S06" };
	sf_people(f->s, f->school, nums, 6, f->p);
	*state = f;
	f->room = sf_place(f->s, f->school, "classroom", "教室101", 50);
	f->iso = sf_place(f->s, f->school, "isolation_room", "隔离室1", 1);
	f->obs = sf_place(f->s, f->school, "observation_room", "留观室", 6);
	sf_place(f->s, f->school, "clinic", "医务室", 5);
	/* 一班 in 101 every weekday morning, 08:00–09:30. */
	for (int wd = 1; wd <= 5; wd++)
		sf_timetable(f->s, f->school, f->c1, f->room, wd, 480, 570);
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	return sf_free(f, f->s, f->dir);
}

static int64_t open_case(fx *f, int who, const char *code, const char *cls, int64_t onset)
{
	case_fields cf = { .code = code, .classification = cls, .has_onset = onset != 0, .onset_at = onset };
	int64_t id = 0;
	jy_err e;
	err_clear(&e);
	int rc = cases_open(f->s, f->school, f->p[who], &cf, 0, 0, 0, 0, &id, &e);
	if (rc)
		fprintf(stderr, "%s\n", e.msg);
	assert_int_equal(rc, 0);
	return id;
}

static void test_case_open_validates_and_sets_the_deadline(void **state)
{
	fx *f = *state;
	jy_err e;
	err_clear(&e);
	int64_t id;
	case_fields bad = { .code = "plague", .classification = "suspected" };
	assert_int_equal(cases_open(f->s, f->school, f->p[0], &bad, 0, 0, 0, 0, &id, &e), JY_EINVAL);
	assert_string_equal(e.column, "code");
	case_fields bad2 = { .code = "水痘", .classification = "probable" };
	assert_int_equal(cases_open(f->s, f->school, f->p[0], &bad2, 0, 0, 0, 0, &id, &e), JY_EINVAL);
	assert_string_equal(e.column, "classification");
	case_fields nobody = { .code = "varicella", .classification = "suspected" };
	assert_int_equal(cases_open(f->s, f->school, 999999, &nobody, 0, 0, 0, 0, &id, &e), JY_EINVAL);
	assert_string_equal(e.column, "person_id");
	/* The Chinese name is accepted and stored as the code. */
	int64_t before = (int64_t)time(NULL);
	id = open_case(f, 0, "水痘", "suspected", sf_at("2020-05-20", 480));
	cases_rec c;
	assert_int_equal(store_case_get(f->s, id, &c, &e), 0);
	assert_string_equal(c.code, "varicella");
	assert_true(c.report_due_at >= before + 24 * 3600 && c.report_due_at <= (int64_t)time(NULL) + 24 * 3600);
	assert_int_equal(c.reported_at, 0);
	/* Confirm, report, recover. */
	case_fields up = { .classification = "confirmed", .has_reported = 1, .reported_at = before + 60,
			   .outcome = "recovered" };
	assert_int_equal(cases_update(f->s, id, &up, &e), 0);
	assert_int_equal(store_case_get(f->s, id, &c, &e), 0);
	assert_string_equal(c.classification, "confirmed");
	assert_int_equal(c.reported_at, before + 60);
	assert_string_equal(c.outcome, "recovered");
	assert_true(c.outcome_at >= before);
	case_fields badout = { .outcome = "vanished" };
	assert_int_equal(cases_update(f->s, id, &badout, &e), JY_EINVAL);
	assert_string_equal(e.column, "outcome");
}

static int count_rooms(void *ctx, const room_rec *r)
{
	room_rec *out = ctx;
	if (!strcmp(r->kind, "isolation_room"))
		*out = *r;
	return 0;
}

static void test_isolation_capacity_and_handover(void **state)
{
	fx *f = *state;
	jy_err e;
	err_clear(&e);
	int64_t a = open_case(f, 0, "varicella", "suspected", 0);
	int64_t b = open_case(f, 1, "varicella", "suspected", 0);
	int64_t stay = 0, stay2 = 0;
	/* Not a room of that kind. */
	assert_int_equal(cases_isolate(f->s, a, f->room, 0, "", "", 0, &stay, &e), JY_EINVAL);
	assert_string_equal(e.column, "place_id");
	assert_int_equal(cases_isolate(f->s, a, f->iso, 0, "退热 24 小时且皮疹结痂", "2020-06-01", 0, &stay, &e), 0);
	/* The room holds one; a second case is refused, and the first cannot
	 * be admitted twice. */
	assert_int_equal(cases_isolate(f->s, b, f->iso, 0, "", "", 0, &stay2, &e), JY_ECONFLICT);
	assert_int_equal(cases_isolate(f->s, a, f->obs, 0, "", "", 0, &stay2, &e), JY_ECONFLICT);
	room_rec r;
	memset(&r, 0, sizeof r);
	assert_int_equal(store_room_list(f->s, f->school, count_rooms, &r, &e), 0);
	assert_int_equal(r.occupied, 1);
	assert_int_equal(r.capacity, 1);
	cases_rec c;
	assert_int_equal(store_case_get(f->s, a, &c, &e), 0);
	assert_int_equal(c.stay_id, stay);
	assert_true(c.isolated_at > 0);
	/* A handover needs a receiver; then the room is free again. */
	assert_int_equal(cases_handover(f->s, stay, "parent", "", "", "", 0, 0, &e), JY_EINVAL);
	assert_string_equal(e.column, "name");
	assert_int_equal(cases_handover(f->s, stay, "school_bus", "x", "", "", 0, 0, &e), JY_EINVAL);
	assert_int_equal(cases_handover(f->s, stay, "parent", "张父", "13800000001", "家长接回", 0, 0, &e), 0);
	assert_int_equal(cases_handover(f->s, stay, "hospital", "区人民医院", "", "", 0, 0, &e), JY_ECONFLICT);
	stay_rec sr;
	assert_int_equal(store_stay_get(f->s, stay, &sr, &e), 0);
	assert_string_equal(sr.handover_to, "parent");
	assert_string_equal(sr.handover_name, "张父");
	assert_true(sr.ended_at > 0);
	assert_int_equal(cases_isolate(f->s, b, f->iso, 0, "", "", 0, &stay2, &e), 0);
	/* Released back to school needs the criteria. */
	int64_t c3 = open_case(f, 2, "influenza", "suspected", 0), stay3;
	assert_int_equal(cases_isolate(f->s, c3, f->obs, 0, "", "", 0, &stay3, &e), 0);
	assert_int_equal(cases_handover(f->s, stay3, "released", NULL, NULL, NULL, 0, 0, &e), JY_EINVAL);
	assert_int_equal(cases_handover(f->s, stay3, "released", NULL, NULL, "体温正常 48 小时", 0, 0, &e), 0);
}

static void test_cases_from_alert_once_per_person(void **state)
{
	fx *f = *state;
	jy_err e;
	err_clear(&e);
	alert_rec a;
	memset(&a, 0, sizeof a);
	a.school_id = f->school;
	a.rule_id = 1;
	snprintf(a.scope, sizeof a.scope, "class");
	a.scope_id = f->c1;
	snprintf(a.scope_name, sizeof a.scope_name, "一班");
	snprintf(a.code, sizeof a.code, "hfmd");
	snprintf(a.first_date, sizeof a.first_date, "2020-05-18");
	snprintf(a.last_date, sizeof a.last_date, "2020-05-19");
	a.count = 2;
	snprintf(a.status, sizeof a.status, "open");
	a.report_due_at = (int64_t)time(NULL) + 86400;
	int64_t aid;
	assert_int_equal(store_alert_add(f->s, &a, &aid, &e), 0);
	int added;
	assert_int_equal(store_alert_add_person(f->s, f->school, aid, f->p[0], "2020-05-18", &added, &e), 0);
	assert_int_equal(store_alert_add_person(f->s, f->school, aid, f->p[1], "2020-05-19", &added, &e), 0);
	int64_t ids[4];
	size_t n, existing;
	assert_int_equal(cases_from_alert(f->s, aid, 0, ids, 4, &n, &existing, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(existing, 0);
	cases_rec c;
	assert_int_equal(store_case_get(f->s, ids[0], &c, &e), 0);
	assert_string_equal(c.code, "hfmd");
	assert_string_equal(c.classification, "suspected");
	assert_int_equal(c.alert_id, aid);
	assert_int_equal(c.onset_at,
			 sf_at(c.person_id == f->p[0] ? "2020-05-18" : "2020-05-19", 0));
	/* Again: nothing new. */
	assert_int_equal(cases_from_alert(f->s, aid, 0, ids, 4, &n, &existing, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(existing, 2);
}

static void test_followup_checks_case_and_sweep(void **state)
{
	fx *f = *state;
	jy_err e;
	err_clear(&e);
	int64_t k = open_case(f, 0, "varicella", "confirmed", sf_at("2020-05-20", 480));
	followup_contact c[3];
	memset(c, 0, sizeof c);
	c[0].person_id = f->p[1];
	c[0].hop = 1;
	c[0].exposure_s = 5400;
	c[0].via_person_id = f->p[0];
	c[1].person_id = f->p[2];
	c[2].person_id = f->p[0]; /* the case itself: refused, nothing written */
	size_t created, existing;
	assert_int_equal(followup_start(f->s, k, c, 3, "2020-05-21", 0, &created, &existing, &e), JY_EINVAL);
	assert_string_equal(e.column, "contacts[2].person_id");
	assert_int_equal(followup_start(f->s, k, c, 2, "2020-05-21", 0, &created, &existing, &e), 0);
	assert_int_equal(created, 2);
	assert_int_equal(followup_start(f->s, k, c, 2, "2020-05-21", 0, &created, &existing, &e), 0);
	assert_int_equal(created, 0);
	assert_int_equal(existing, 2);
	followup_rec fr[2];
	int64_t ids[2] = { 0, 0 };
	for (int64_t id = 1; id < 10; id++) {
		followup_rec r;
		if (store_followup_get(f->s, id, &r, NULL) == 0)
			ids[r.person_id == f->p[1] ? 0 : 1] = id;
	}
	assert_true(ids[0] && ids[1]);
	assert_int_equal(store_followup_get(f->s, ids[0], &fr[0], &e), 0);
	/* varicella: 21 days from 05-21 */
	assert_string_equal(fr[0].start_date, "2020-05-21");
	assert_string_equal(fr[0].end_date, "2020-06-10");
	assert_string_equal(fr[0].status, "monitoring");
	int sym = -1;
	assert_int_equal(followup_record_check(f->s, ids[0], "2020-05-21", 36.6, "", "", "teacher", 0, &sym, &e), 0);
	assert_int_equal(sym, 0);
	assert_int_equal(followup_record_check(f->s, ids[0], "2020-05-20", 36.6, "", "", "teacher", 0, &sym, &e), JY_EINVAL);
	assert_string_equal(e.column, "date");
	assert_int_equal(followup_record_check(f->s, ids[0], "2020-05-22", 36.6, "鼻塞", "", "teacher", 0, &sym, &e), JY_EINVAL);
	assert_string_equal(e.column, "symptoms");
	assert_int_equal(followup_record_check(f->s, ids[0], "2020-05-22", 38.1, "皮疹", "", "self", 0, &sym, &e), 0);
	assert_int_equal(sym, 1);
	/* a self-report link: only the hash is stored, the token finds it */
	char token[AUTH_TOKEN_HEX];
	int64_t exp;
	assert_int_equal(followup_link(f->s, ids[1], 0, token, &exp, &e), 0);
	followup_rec by;
	assert_int_equal(followup_by_token(f->s, token, &by, &e), 0);
	assert_int_equal(by.id, ids[1]);
	assert_true(exp >= (int64_t)time(NULL) + 86400 - 60); /* the period is past: a day from now */
	token[0] = token[0] == 'a' ? 'b' : 'a';
	assert_int_equal(followup_by_token(f->s, token, &by, &e), JY_ENOENT);
	/* The symptomatic contact becomes a suspected case, linked to the index case. */
	int64_t nc;
	assert_int_equal(followup_to_case(f->s, ids[0], NULL, 0, &nc, &e), 0);
	cases_rec cr;
	assert_int_equal(store_case_get(f->s, nc, &cr, &e), 0);
	assert_string_equal(cr.code, "varicella");
	assert_string_equal(cr.classification, "suspected");
	assert_int_equal(cr.source_case_id, k);
	assert_string_equal(cr.source_by, "trace");
	assert_int_equal(cr.onset_at, sf_at("2020-05-22", 0));
	assert_int_equal(cr.followup_id, ids[0]);
	assert_int_equal(store_followup_get(f->s, ids[0], &fr[0], &e), 0);
	assert_string_equal(fr[0].status, "became_case");
	assert_int_equal(fr[0].new_case_id, nc);
	assert_int_equal(followup_record_check(f->s, ids[0], "2020-05-23", 36.6, "", "", "teacher", 0, &sym, &e), JY_ECONFLICT);
	/* The other contact: no check since the start; on 05-24 three days are
	 * missing (21, 22, 23): lost to follow-up. */
	size_t changed;
	assert_int_equal(followup_sweep(f->s, f->school, "2020-05-23", &changed, &e), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(followup_sweep(f->s, f->school, "2020-05-24", &changed, &e), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(store_followup_get(f->s, ids[1], &fr[1], &e), 0);
	assert_string_equal(fr[1].status, "lost");
	assert_int_equal(followup_close(f->s, ids[1], "completed", &e), JY_ECONFLICT);
}

static void test_followup_completes_when_checked_to_the_end(void **state)
{
	fx *f = *state;
	jy_err e;
	err_clear(&e);
	int64_t k = open_case(f, 3, "norovirus", "clinical", sf_at("2020-05-20", 480));
	followup_contact c;
	memset(&c, 0, sizeof c);
	c.person_id = f->p[4];
	size_t created, existing;
	assert_int_equal(followup_start(f->s, k, &c, 1, "2020-05-21", 0, &created, &existing, &e), 0);
	followup_rec r;
	int64_t id = 0;
	for (int64_t i = 1; i < 10 && !id; i++)
		if (store_followup_get(f->s, i, &r, NULL) == 0 && r.person_id == f->p[4])
			id = i;
	assert_string_equal(r.end_date, "2020-05-23"); /* norovirus: 3 days */
	static const char *const days[] = { "2020-05-21", "2020-05-22", "2020-05-23" };
	for (int i = 0; i < 3; i++)
		assert_int_equal(followup_record_check(f->s, id, days[i], -1, "", "", "staff", 0, NULL, &e), 0);
	size_t changed;
	assert_int_equal(followup_sweep(f->s, f->school, "2020-05-23", &changed, &e), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(followup_sweep(f->s, f->school, "2020-05-24", &changed, &e), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(store_followup_get(f->s, id, &r, &e), 0);
	assert_string_equal(r.status, "completed");
}

static void test_chains_link_suggest_and_graph(void **state)
{
	fx *f = *state;
	jy_err e;
	err_clear(&e);
	/* S01 falls ill on Wednesday 05-20; classmate S02 on Saturday 05-23; S04
	 * of the other class on Friday 05-22 (never met either). */
	int64_t a = open_case(f, 0, "varicella", "confirmed", sf_at("2020-05-20", 600));
	int64_t b = open_case(f, 1, "varicella", "suspected", sf_at("2020-05-23", 600));
	int64_t c = open_case(f, 3, "varicella", "suspected", sf_at("2020-05-22", 600));
	chain_suggestion sg;
	assert_int_equal(chains_suggest(f->s, b, sf_at("2020-05-24", 0), &sg, &e), 0);
	assert_int_equal(sg.source_case_id, a);
	assert_int_equal(sg.candidates, 2);
	/* a's window: from 48 h before onset (Monday 10:00); the first
	 * contact after that is the night in their shared room A101, Monday
	 * 22:00 (before Tuesday's class at 08:00). */
	assert_int_equal(sg.first_contact, sf_at("2020-05-18", 22 * 60));
	assert_string_equal(sg.place, "A101");
	assert_int_equal(chains_suggest(f->s, c, sf_at("2020-05-24", 0), &sg, &e), 0);
	assert_int_equal(sg.source_case_id, 0);
	/* Links, and no cycles. */
	assert_int_equal(chains_set_source(f->s, b, a, "trace", &e), 0);
	assert_int_equal(chains_set_source(f->s, a, b, "doctor", &e), JY_EINVAL);
	assert_int_equal(chains_set_source(f->s, a, a, "doctor", &e), JY_EINVAL);
	assert_int_equal(chains_set_source(f->s, a, 999999, "doctor", &e), JY_EINVAL);
	chain_graph g;
	assert_int_equal(chains_graph(f->s, f->school, 0, &g, &e), 0);
	assert_int_equal(g.nnodes, 2);
	assert_int_equal(g.nedges, 1);
	assert_int_equal(g.edges[0].from_case, a);
	assert_int_equal(g.edges[0].to_case, b);
	assert_string_equal(g.edges[0].by, "trace");
	chains_graph_free(&g);
	assert_int_equal(chains_graph(f->s, f->school, 1, &g, &e), 0);
	assert_int_equal(g.nnodes, 3);
	chains_graph_free(&g);
}

static int has_kind(const cJSON *items, const char *kind)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, items)
		if (!strcmp(cJSON_GetObjectItem(it, "kind")->valuestring, kind))
			return 1;
	return 0;
}

static void test_timeline_in_time_order(void **state)
{
	fx *f = *state;
	jy_err e;
	err_clear(&e);
	int64_t k = open_case(f, 0, "varicella", "confirmed", sf_at("2020-05-20", 600));
	int64_t stay;
	assert_int_equal(
	    cases_isolate(f->s, k, f->obs, sf_at("2020-05-20", 660), "", "", 0, &stay, &e), 0);
	health_event_rec ev;
	memset(&ev, 0, sizeof ev);
	ev.school_id = f->school;
	ev.person_id = f->p[0];
	snprintf(ev.date, sizeof ev.date, "2020-05-20");
	ev.at = sf_at("2020-05-20", 620);
	snprintf(ev.source, sizeof ev.source, "clinic");
	ev.temperature = 38.2;
	snprintf(ev.symptoms, sizeof ev.symptoms, "fever,rash");
	int64_t eid;
	assert_int_equal(store_event_add(f->s, &ev, &eid, &e), 0);
	/* A stay declared before the return: the travel history (旅行史). */
	declaration_rec d;
	memset(&d, 0, sizeof d);
	d.school_id = f->school;
	d.person_id = f->p[0];
	snprintf(d.kind, sizeof d.kind, "stay");
	snprintf(d.date_from, sizeof d.date_from, "2020-05-17");
	snprintf(d.date_to, sizeof d.date_to, "2020-05-18");
	snprintf(d.region, sizeof d.region, "湖北省/武汉市");
	d.temperature = -1;
	snprintf(d.source, sizeof d.source, "staff");
	int64_t did;
	int outcome;
	assert_int_equal(store_declaration_upsert(f->s, &d, &did, &outcome, &e), 0);
	cJSON *items;
	assert_int_equal(timeline_person(f->s, f->p[0], sf_at("2020-05-18", 0),
					 sf_at("2020-05-21", 0), &items, &e),
			 0);
	assert_true(has_kind(items, "declaration"));
	assert_true(has_kind(items, "presence"));
	assert_true(has_kind(items, "case"));
	assert_true(has_kind(items, "isolation"));
	assert_true(has_kind(items, "health_event"));
	double last = -1;
	int clinic = 0, class_after_isolation = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, items) {
		double t = cJSON_GetObjectItem(it, "at")->valuedouble;
		assert_true(t >= last);
		last = t;
		const cJSON *src = cJSON_GetObjectItem(it, "source");
		if (!strcmp(cJSON_GetObjectItem(it, "kind")->valuestring, "presence")) {
			clinic |= !strcmp(src->valuestring, "clinic");
			/* isolated from 05-20 11:00: no class presence after */
			class_after_isolation |=
			    !strcmp(src->valuestring, "timetable") && t >= sf_at("2020-05-20", 660);
		}
	}
	assert_true(clinic);
	assert_false(class_after_isolation);
	cJSON_Delete(items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_case_open_validates_and_sets_the_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_isolation_capacity_and_handover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cases_from_alert_once_per_person, setup, teardown),
		cmocka_unit_test_setup_teardown(test_followup_checks_case_and_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_followup_completes_when_checked_to_the_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chains_link_suggest_and_graph, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeline_in_time_order, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
