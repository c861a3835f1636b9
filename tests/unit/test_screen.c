/*
 * test_screen.c — the screening engine (src/engine/screen.c) on its own:
 * region matching, every default rule, windows and validity, the most
 * severe status with every reason kept, lifted reasons, machine-made
 * self-reports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "engine/screen.h"
#include "util/date.h"

static int32_t D(const char *s)
{
	int32_t d = 0;
	assert_int_equal(date_parse(s, &d), 0);
	return d;
}

/* The default rules of 003_return.sql, in the same order. */
static const screen_rule defaults[] = {
	{ 1, SCREEN_RULE_NO_DECLARATION, 0, NULL, 14, 0, SCREEN_HOLD,
	  "未申报返校前{days}天的旅居和健康情况", "no declaration for the {days} days before return" },
	{ 2, SCREEN_RULE_FEVER, 0, NULL, 14, 37.3, SCREEN_HOLD,
	  "{date} 体温 {temperature}°C,距返校不足{days}天,需就医并凭医生证明返校",
	  "temperature {temperature} °C on {date}, less than {days} days before return" },
	{ 3, SCREEN_RULE_SYMPTOM, 0, NULL, 14, 0, SCREEN_HOLD,
	  "{date} 有症状:{symptoms},距返校不足{days}天,需就医并凭医生证明返校",
	  "symptoms on {date}: {symptoms}, less than {days} days before return" },
	{ 4, SCREEN_RULE_CONTACT, 0, NULL, 14, 0, SCREEN_HOLD, "{date} 与病例有接触,距返校不足{days}天",
	  "contact with a case on {date}, less than {days} days before return" },
	{ 5, SCREEN_RULE_STAY_RISK, SCREEN_HIGH, NULL, 14, 0, SCREEN_HOLD,
	  "在{region} 停留 {from} 至 {to},距返校不足{days}天,属高风险地区({risk_region})",
	  "stayed in {region} from {from} to {to}, less than {days} days before return: a high-risk region ({risk_region})" },
	{ 6, SCREEN_RULE_STAY_REGION, 0, "境外", 14, 0, SCREEN_HOLD,
	  "在{region} 停留 {from} 至 {to},距返校不足{days}天,属境外",
	  "stayed in {region} from {from} to {to}: outside mainland China" },
	{ 7, SCREEN_RULE_STAY_RISK, SCREEN_MEDIUM, NULL, 14, 0, SCREEN_MONITOR,
	  "在{region} 停留 {from} 至 {to},距返校不足{days}天,属中风险地区({risk_region})",
	  "stayed in {region} from {from} to {to}: a medium-risk region ({risk_region})" },
};
#define NDEFAULTS (sizeof defaults / sizeof defaults[0])

typedef struct fx {
	screen_set *set;
	screen_reason reasons[32];
	screen_result r;
} fx;

static int setup(void **state)
{
	static fx f;
	memset(&f, 0, sizeof f);
	screen_risk risks[] = {
		{ "湖北省/武汉市", SCREEN_HIGH, D("2020-01-20"), INT32_MAX },
		{ "北京市/丰台区", SCREEN_MEDIUM, D("2020-04-01"), D("2020-05-31") },
		{ "黑龙江省/哈尔滨市", SCREEN_HIGH, D("2020-04-10"), D("2020-04-25") },
		{ "黑龙江省", SCREEN_MEDIUM, D("2020-04-01"), D("2020-05-31") },
	};
	if (screen_set_new(defaults, NDEFAULTS, risks, sizeof risks / sizeof risks[0], &f.set))
		return -1;
	f.r.reasons = f.reasons;
	f.r.cap = 32;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	screen_set_free(f->set);
	return 0;
}

static screen_item stay(const char *region, const char *from, const char *to)
{
	return (screen_item){ SCREEN_STAY, D(from), D(to), region, -1, "", "" };
}

static screen_item health(const char *day, double t, const char *zh, const char *en)
{
	return (screen_item){ SCREEN_HEALTH, D(day), D(day), "", t, zh, en };
}

static void test_region_matches_itself_and_below_on_whole_segments(void **state)
{
	(void)state;
	assert_true(screen_region_under("湖北省/武汉市", "湖北省/武汉市"));
	assert_true(screen_region_under("湖北省/武汉市/武昌区", "湖北省/武汉市"));
	assert_true(screen_region_under("湖北省/武汉市/武昌区", "湖北省"));
	assert_true(screen_region_under("境外/日本", "境外"));
	assert_false(screen_region_under("湖北省/武汉市郊", "湖北省/武汉市"));
	assert_false(screen_region_under("湖北省", "湖北省/武汉市"));
	assert_false(screen_region_under("境外人员", "境外"));
	assert_false(screen_region_under("湖北省", ""));
}

static void test_region_normalize_trims_and_refuses_empty_segments(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(screen_region_normalize(" 湖北省 / 武汉市 /", out, sizeof out), 0);
	assert_string_equal(out, "湖北省/武汉市");
	assert_int_equal(screen_region_normalize("境外／日本", out, sizeof out), 0);
	assert_string_equal(out, "境外/日本");
	assert_int_equal(screen_region_normalize("湖北省\\武汉市", out, sizeof out), 0);
	assert_string_equal(out, "湖北省/武汉市");
	assert_int_equal(screen_region_normalize("湖北省//武汉市", out, sizeof out), -1);
	assert_int_equal(screen_region_normalize("/湖北省", out, sizeof out), -1);
	assert_int_equal(screen_region_normalize("", out, sizeof out), -1);
	assert_int_equal(screen_region_normalize("   ", out, sizeof out), -1);
	assert_int_equal(screen_region_normalize("湖北省/武汉市", out, 8), -1);
}

static void test_no_declaration_is_hold(void **state)
{
	fx *f = *state;
	screen_person(f->set, D("2020-05-12"), NULL, 0, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_HOLD);
	assert_int_equal(f->r.n, 1);
	assert_string_equal(f->reasons[0].zh, "未申报返校前14天的旅居和健康情况");
	assert_int_equal(f->reasons[0].item, -1);
	/* A declaration only from before the window is no declaration either. */
	screen_item old = health("2020-04-01", 36.5, "", "");
	screen_person(f->set, D("2020-05-12"), &old, 1, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_HOLD);
}

static void test_healthy_declaration_is_cleared_without_reasons(void **state)
{
	fx *f = *state;
	screen_item items[] = { health("2020-05-10", 36.5, "", ""), stay("重庆市/北碚区", "2020-04-20", "2020-05-12") };
	screen_person(f->set, D("2020-05-12"), items, 2, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_CLEARED);
	assert_int_equal(f->r.n, 0);
	assert_int_equal(f->r.total, 0);
}

static void test_stay_in_high_risk_region_within_14_days_is_hold_with_the_words(void **state)
{
	fx *f = *state;
	screen_item items[] = { stay("湖北省/武汉市", "2020-04-20", "2020-04-25") };
	screen_person(f->set, D("2020-05-06"), items, 1, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_HOLD);
	assert_int_equal(f->r.n, 1);
	assert_non_null(strstr(f->reasons[0].zh, "在湖北省/武汉市 停留 2020-04-20 至 2020-04-25,距返校不足14天"));
	assert_non_null(strstr(f->reasons[0].en, "stayed in 湖北省/武汉市 from 2020-04-20 to 2020-04-25"));
	/* A district below the risk city matches too, and names the risk region. */
	items[0] = stay("湖北省/武汉市/武昌区", "2020-05-01", "2020-05-02");
	screen_person(f->set, D("2020-05-12"), items, 1, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_HOLD);
	assert_non_null(strstr(f->reasons[0].zh, "(湖北省/武汉市)"));
}

static void test_window_is_the_14_days_up_to_the_return_day(void **state)
{
	fx *f = *state;
	/* Return 05-12: the window is 04-29 … 05-12.  A stay ending 04-28 is out. */
	screen_item items[] = { stay("湖北省/武汉市", "2020-04-20", "2020-04-28"), health("2020-05-11", 36.4, "", "") };
	screen_person(f->set, D("2020-05-12"), items, 2, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_CLEARED);
	items[0] = stay("湖北省/武汉市", "2020-04-20", "2020-04-29");
	screen_person(f->set, D("2020-05-12"), items, 2, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_HOLD);
	/* A fever 14 days before is out, 13 days before is in. */
	screen_item fever = health("2020-04-28", 38.0, "", "");
	screen_person(f->set, D("2020-05-12"), &fever, 1, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_HOLD); /* no declaration in the window */
	assert_null(strstr(f->reasons[0].zh, "体温"));
	fever = health("2020-04-29", 38.0, "", "");
	screen_person(f->set, D("2020-05-12"), &fever, 1, NULL, 0, &f->r);
	assert_int_equal(f->r.n, 1);
	assert_string_equal(f->reasons[0].zh, "2020-04-29 体温 38.0°C,距返校不足14天,需就医并凭医生证明返校");
}

static void test_risk_counts_only_while_the_region_was_one(void **state)
{
	fx *f = *state;
	/* 哈尔滨 was high 04-10 … 04-25; 黑龙江 medium all the while. */
	screen_item items[] = { stay("黑龙江省/哈尔滨市", "2020-04-28", "2020-05-03") };
	screen_person(f->set, D("2020-05-10"), items, 1, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_MONITOR);
	assert_int_equal(f->r.n, 1);
	assert_non_null(strstr(f->reasons[0].zh, "中风险地区(黑龙江省)"));
	items[0] = stay("黑龙江省/哈尔滨市", "2020-04-24", "2020-05-03");
	screen_person(f->set, D("2020-05-05"), items, 1, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_HOLD);
	assert_int_equal(f->r.n, 2); /* high (哈尔滨) and medium (黑龙江) both kept */
}

static void test_abroad_is_hold_and_medium_is_monitor(void **state)
{
	fx *f = *state;
	screen_item items[] = { stay("境外/日本/东京", "2020-05-01", "2020-05-03") };
	screen_person(f->set, D("2020-05-12"), items, 1, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_HOLD);
	assert_non_null(strstr(f->reasons[0].zh, "属境外"));
	items[0] = stay("北京市/丰台区/新村街道", "2020-05-01", "2020-05-03");
	screen_person(f->set, D("2020-05-12"), items, 1, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_MONITOR);
	assert_int_equal(f->reasons[0].status, SCREEN_MONITOR);
}

static void test_status_is_the_most_severe_and_every_reason_is_kept(void **state)
{
	fx *f = *state;
	screen_item items[] = {
		stay("北京市/丰台区", "2020-05-01", "2020-05-03"),
		health("2020-05-05", 37.5, "咳嗽、乏力", "cough, fatigue"),
		(screen_item){ SCREEN_CONTACT, D("2020-05-06"), D("2020-05-06"), "", -1, "", "" },
	};
	screen_person(f->set, D("2020-05-12"), items, 3, NULL, 0, &f->r);
	assert_int_equal(f->r.status, SCREEN_HOLD);
	assert_int_equal(f->r.n, 4); /* fever, symptoms, contact, medium region */
	assert_int_equal(f->r.total, 4);
	assert_string_equal(f->reasons[1].zh, "2020-05-05 有症状:咳嗽、乏力,距返校不足14天,需就医并凭医生证明返校");
	assert_non_null(strstr(f->reasons[1].en, "cough, fatigue"));
	assert_string_equal(f->reasons[2].zh, "2020-05-06 与病例有接触,距返校不足14天");
	assert_int_equal(f->reasons[3].status, SCREEN_MONITOR);
}

static void test_lifted_reasons_are_kept_but_do_not_count(void **state)
{
	fx *f = *state;
	screen_item items[] = { health("2020-05-05", 37.8, "", ""), stay("北京市/丰台区", "2020-05-01", "2020-05-03") };
	const char *lifted[] = { "2020-05-05 体温 37.8°C,距返校不足14天,需就医并凭医生证明返校" };
	screen_person(f->set, D("2020-05-12"), items, 2, lifted, 1, &f->r);
	assert_int_equal(f->r.status, SCREEN_MONITOR);
	assert_int_equal(f->r.n, 2);
	assert_int_equal(f->reasons[0].lifted, 1);
	assert_int_equal(f->reasons[1].lifted, 0);
	/* A new fever after the lift holds again. */
	screen_item more[] = { items[0], items[1], health("2020-05-09", 37.9, "", "") };
	screen_person(f->set, D("2020-05-12"), more, 3, lifted, 1, &f->r);
	assert_int_equal(f->r.status, SCREEN_HOLD);
}

static void test_reasons_beyond_the_array_still_count(void **state)
{
	fx *f = *state;
	screen_item items[40];
	for (int i = 0; i < 10; i++)
		items[i] = (screen_item){ SCREEN_HEALTH, D("2020-05-01") + i, D("2020-05-01") + i, "", 38.5, "", "" };
	screen_reason few[3];
	screen_result r = { .reasons = few, .cap = 3 };
	screen_person(f->set, D("2020-05-12"), items, 10, NULL, 0, &r);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.total, 10);
	assert_int_equal(r.status, SCREEN_HOLD);
}

static void test_bad_rules_are_refused(void **state)
{
	(void)state;
	screen_set *set = NULL;
	screen_rule bad = defaults[0];
	bad.window_days = 0;
	assert_int_equal(screen_set_new(&bad, 1, NULL, 0, &set), -1);
	bad = defaults[0];
	bad.status = SCREEN_CLEARED;
	assert_int_equal(screen_set_new(&bad, 1, NULL, 0, &set), -1);
	bad = defaults[0];
	bad.kind = 99;
	assert_int_equal(screen_set_new(&bad, 1, NULL, 0, &set), -1);
	assert_null(set);
	assert_int_equal(screen_level_parse("高风险"), SCREEN_HIGH);
	assert_int_equal(screen_level_parse("中"), SCREEN_MEDIUM);
	assert_int_equal(screen_level_parse("extreme"), -1);
	assert_string_equal(screen_status_name(SCREEN_MONITOR), "monitor");
}

static void test_machine_made_self_reports_are_found(void **state)
{
	(void)state;
	int32_t d0 = D("2020-04-28");
	screen_selfreport r[6];
	for (int i = 0; i < 6; i++)
		r[i] = (screen_selfreport){ d0 + i, 7 * 3600 + (i % 2) * 20, "36.5||" };
	int32_t first = 0;
	assert_int_equal(screen_autofill_run(r, 6, 60, &first), 6);
	assert_int_equal(first, d0);
	/* A person: different times, or a different answer, or a gap. */
	r[3].time_of_day = 21 * 3600;
	assert_int_equal(screen_autofill_run(r, 6, 60, &first), 3);
	r[3].time_of_day = 7 * 3600;
	r[2].answers = "36.7||";
	assert_int_equal(screen_autofill_run(r, 6, 60, &first), 3);
	assert_int_equal(first, d0 + 3);
	r[2].answers = "36.5||";
	r[4].day = d0 + 6;
	r[5].day = d0 + 7;
	assert_int_equal(screen_autofill_run(r, 6, 60, &first), 4);
	/* Around midnight the times wrap. */
	screen_selfreport m[3] = { { d0, 86390, "a" }, { d0 + 1, 5, "a" }, { d0 + 2, 86399, "a" } };
	assert_int_equal(screen_autofill_run(m, 3, 60, &first), 3);
}

static void test_many_people_with_one_set_give_stable_answers(void **state)
{
	/* Not a benchmark (see bench/bench_screen.c): a smoke test that the
	 * engine handles many people with one set and gives stable answers. */
	fx *f = *state;
	screen_item items[15];
	long hold = 0;
	for (int p = 0; p < 20000; p++) {
		for (int d = 0; d < 14; d++) {
			items[d] = health("2020-04-29", 36.5, "", "");
			items[d].from = items[d].to = items[d].from + d;
		}
		items[14] = stay(p % 100 ? "重庆市/北碚区" : "湖北省/武汉市/江岸区", "2020-05-01", "2020-05-02");
		screen_person(f->set, D("2020-05-12"), items, 15, NULL, 0, &f->r);
		hold += f->r.status == SCREEN_HOLD;
	}
	assert_int_equal(hold, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_region_matches_itself_and_below_on_whole_segments),
		cmocka_unit_test(test_region_normalize_trims_and_refuses_empty_segments),
		cmocka_unit_test_setup_teardown(test_no_declaration_is_hold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_healthy_declaration_is_cleared_without_reasons, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stay_in_high_risk_region_within_14_days_is_hold_with_the_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_is_the_14_days_up_to_the_return_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_risk_counts_only_while_the_region_was_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abroad_is_hold_and_medium_is_monitor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_is_the_most_severe_and_every_reason_is_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lifted_reasons_are_kept_but_do_not_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reasons_beyond_the_array_still_count, setup, teardown),
		cmocka_unit_test(test_bad_rules_are_refused),
		cmocka_unit_test(test_machine_made_self_reports_are_found),
		cmocka_unit_test_setup_teardown(test_many_people_with_one_set_give_stable_answers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
