/*
 * test_signals.c — the daily statistical run over school days: a spike
 * in one class raises EARS alarms for that class (and not for the quiet
 * one); holidays are not school days; a Monday after a holiday week is
 * compared with the school days before it.
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

#include "testutil.h"
#include "util/date.h"

typedef struct fx {
	char *dir;
	char db[512];
} fx;

static const char roster[] =
	"学号,姓名,性别,年级,班级\n"
	"A1,甲一,男,2019级,一班\nA2,甲二,男,2019级,一班\nA3,甲三,女,2019级,一班\n"
	"A4,甲四,女,2019级,一班\nA5,甲五,男,2019级,一班\nA6,甲六,男,2019级,一班\n"
	"A7,甲七,女,2019级,一班\nA8,甲八,女,2019级,一班\n"
	"B1,乙一,男,2019级,二班\nB2,乙二,女,2019级,二班\n";

static void jy_ok(fx *f, const char *args)
{
	char *out, *err;
	int rc = tu_jinyun(f->db, args, &out, &err);
	if (rc)
		fprintf(stderr, "%s: %s%s", args, out, err);
	assert_int_equal(rc, 0);
	free(out);
	free(err);
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	*state = f;
	return tu_school(&f->dir, f->db, sizeof f->db, "s.db", roster);
}

static int teardown(void **state)
{
	fx *f = *state;
	tu_rmtree_free(f->dir);
	free(f);
	return 0;
}

/* Four weeks of weekdays before 2020-06-01 (a Monday) with one or two
 * coughs a day in 一班 (none between skip_from and skip_to, a holiday),
 * then `spike` coughs on 2020-06-01. */
static void history(fx *f, int spike, const char *calendar, const char *skip_from,
		    const char *skip_to)
{
	size_t cap = 1 << 16, n = 0;
	char *csv = malloc(cap);
	n += (size_t)snprintf(csv + n, cap - n, "date,session,student_no,status,temperature,symptoms,diagnosis\n");
	int32_t end;
	assert_int_equal(date_parse("2020-06-01", &end), 0);
	for (int32_t d = end - 28; d < end; d++) {
		if (date_weekday(d) > 5)
			continue;
		char ds[11];
		date_format(d, ds);
		if (skip_from && strcmp(ds, skip_from) >= 0 && strcmp(ds, skip_to) <= 0)
			continue;
		n += (size_t)snprintf(csv + n, cap - n, "%s,morning,A%d,,,cough,\n", ds, (int)(d % 3) + 1);
		if (d % 2)
			n += (size_t)snprintf(csv + n, cap - n, "%s,morning,A%d,,,cough,\n", ds, (int)(d % 3) + 4);
		n += (size_t)snprintf(csv + n, cap - n, "%s,morning,B1,,,,\n", ds);
	}
	for (int i = 0; i < spike; i++)
		n += (size_t)snprintf(csv + n, cap - n, "2020-06-01,morning,A%d,,,cough,\n", i + 1);
	n += (size_t)snprintf(csv + n, cap - n, "2020-06-01,morning,B1,,,,\n");
	char *p = tu_write_file(f->dir, "checks.csv", csv, n);
	char args[700];
	snprintf(args, sizeof args, "import checks %s", p);
	jy_ok(f, args);
	free(p);
	free(csv);
	if (calendar) {
		p = tu_write_file(f->dir, "cal.csv", calendar, (size_t)-1);
		snprintf(args, sizeof args, "import calendar %s", p);
		jy_ok(f, args);
		free(p);
	}
}

static cJSON *signals(fx *f, const char *date)
{
	char args[128], *out, *err;
	snprintf(args, sizeof args, "signals --date %s --json", date);
	assert_int_equal(tu_jinyun(f->db, args, &out, &err), 0);
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	free(out);
	free(err);
	return j;
}

static int has_alarm(const cJSON *j, const char *scope_name, const char *code, const char *method)
{
	const cJSON *a;
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(j, "alarms"))
		if (!strcmp(cJSON_GetObjectItem(a, "scope_name")->valuestring, scope_name) &&
		    !strcmp(cJSON_GetObjectItem(a, "code")->valuestring, code) &&
		    !strcmp(cJSON_GetObjectItem(a, "method")->valuestring, method))
			return 1;
	return 0;
}

static void test_signals_spike_in_one_class_alarms_for_that_class(void **state)
{
	fx *f = *state;
	history(f, 6, NULL, NULL, NULL);
	cJSON *j = signals(f, "2020-06-01");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "school_day")));
	assert_true(has_alarm(j, "一班", "cough", "C1"));
	assert_true(has_alarm(j, "一班", "cough", "C2"));
	assert_true(has_alarm(j, "全校", "cough", "C1"));
	assert_false(has_alarm(j, "二班", "cough", "C1"));
	cJSON_Delete(j);
}

static void test_signals_quiet_day_has_no_alarm(void **state)
{
	fx *f = *state;
	history(f, 1, NULL, NULL, NULL);
	cJSON *j = signals(f, "2020-06-01");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "alarms")), 0);
	cJSON_Delete(j);
}

static void test_signals_skip_weekends_and_holidays(void **state)
{
	fx *f = *state;
	history(f, 6, "date,kind,note\n2020-06-01,holiday,端午\n", NULL, NULL);
	cJSON *j = signals(f, "2020-06-01");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "school_day")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "alarms")), 0);
	cJSON_Delete(j);
	j = signals(f, "2020-05-31"); /* a Sunday */
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "school_day")));
	cJSON_Delete(j);
}

static void test_signals_holiday_week_does_not_pull_the_baseline_down(void **state)
{
	fx *f = *state;
	/* The week before is a holiday with no checks.  Without the calendar
	 * those are five school days with zero coughs and four coughs look like
	 * an outbreak; with it the baseline is the school days before (one or
	 * two a day), and four is within the usual. */
	history(f, 4, NULL, "2020-05-25", "2020-05-29");
	cJSON *j = signals(f, "2020-06-01");
	assert_true(has_alarm(j, "一班", "cough", "C1"));
	cJSON_Delete(j);
	char *p = tu_write_file(f->dir, "cal.csv", "date,kind,note\n2020-05-25,holiday,\n2020-05-26,holiday,\n"
					     "2020-05-27,holiday,\n2020-05-28,holiday,\n2020-05-29,holiday,\n", (size_t)-1);
	char args[700];
	snprintf(args, sizeof args, "import calendar %s", p);
	jy_ok(f, args);
	free(p);
	j = signals(f, "2020-06-01");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "school_day")));
	assert_false(has_alarm(j, "一班", "cough", "C1"));
	cJSON_Delete(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_signals_spike_in_one_class_alarms_for_that_class, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signals_quiet_day_has_no_alarm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signals_skip_weekends_and_holidays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signals_holiday_week_does_not_pull_the_baseline_down, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
