/*
 * test_checks.c — the daily surveillance through the command line and the
 * domain: import checks (errors, all-or-nothing), the census contract,
 * versions, the doctor's note, cluster alerts raised once and grown.
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

#include "domain/checks.h"
#include "testutil.h"

typedef struct fx {
	char *dir;
	char db[512];
} fx;

static const char roster[] =
	"学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
	"S01,张一,男,2019级,一班,A101,13800000001\n"
	"S02,张二,男,2019级,一班,A101,13800000002\n"
	"S03,张三,男,2019级,一班,A102,13800000003\n"
	"S04,李四,女,2019级,一班,B201,13800000004\n"
	"S05,李五,女,2019级,一班,B201,13800000005\n"
	"S06,王六,男,2019级,二班,A103,13800000006\n"
	"S07,王七,女,2019级,二班,B202,13800000007\n";

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	*state = f;
	return tu_school(&f->dir, f->db, sizeof f->db, "c.db", roster);
}

static int teardown(void **state)
{
	fx *f = *state;
	tu_rmtree_free(f->dir);
	free(f);
	return 0;
}

static int import_checks(fx *f, const char *body, char **out, char **err)
{
	char *p = tu_write_file(f->dir, "checks.csv", body, (size_t)-1);
	char args[700];
	snprintf(args, sizeof args, "import checks %s", p);
	free(p);
	return tu_jinyun(f->db, args, out, err);
}

static cJSON *json_of(fx *f, const char *args)
{
	char *out, *err;
	assert_int_equal(tu_jinyun(f->db, args, &out, &err), 0);
	cJSON *j = cJSON_Parse(out);
	if (!j)
		fprintf(stderr, "not JSON: %s\n%s\n", out, err);
	assert_non_null(j);
	free(out);
	free(err);
	return j;
}

static const cJSON *class_row(const cJSON *census, const char *name)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(census, "classes"))
		if (!strcmp(cJSON_GetObjectItem(it, "class")->valuestring, name))
			return it;
	return NULL;
}

static int num(const cJSON *o, const char *k)
{
	return (int)cJSON_GetObjectItem(o, k)->valuedouble;
}

static void test_census_counts_exceptions_and_names_missing_classes(void **state)
{
	fx *f = *state;
	char *out, *err;
	assert_int_equal(import_checks(f,
		"date,session,student_no,status,temperature,symptoms,diagnosis\n"
		"2020-05-12,morning,S01,,37.8,cough,\n"
		"2020-05-12,morning,S02,absent_sick,,fever;vomiting,norovirus\n"
		"2020-05-12,morning,S03,absent_other,,,\n", &out, &err), 0);
	free(out);
	free(err);
	cJSON *c = json_of(f, "census --date 2020-05-12 --session morning --json");
	const cJSON *one = class_row(c, "一班");
	assert_non_null(one);
	assert_int_equal(num(one, "enrolled"), 5);
	assert_int_equal(num(one, "present"), 3);
	assert_int_equal(num(one, "absent_sick"), 1);
	assert_int_equal(num(one, "absent_other"), 1);
	assert_int_equal(num(one, "absent_unknown"), 0);
	assert_int_equal(num(one, "symptomatic"), 2);
	assert_int_equal(num(one, "febrile"), 1);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(one, "submitted")));
	const cJSON *two = class_row(c, "二班");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(two, "submitted")));
	const cJSON *school = cJSON_GetObjectItem(c, "school");
	assert_int_equal(num(school, "enrolled"), 7);
	assert_int_equal(num(school, "present"), 3);
	const cJSON *missing = cJSON_GetObjectItem(c, "not_submitted");
	assert_int_equal(cJSON_GetArraySize(missing), 1);
	assert_string_equal(cJSON_GetArrayItem(missing, 0)->valuestring, "二班");
	cJSON_Delete(c);
	/* Noon was not submitted by anybody. */
	c = json_of(f, "census --date 2020-05-12 --session noon --json");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(c, "not_submitted")), 2);
	cJSON_Delete(c);
}

static void test_import_checks_names_bad_cells_and_writes_nothing(void **state)
{
	fx *f = *state;
	char *out, *err;
	int rc = import_checks(f,
		"date,session,student_no,status,temperature,symptoms,diagnosis\n"
		"2020-05-12,morning,S01,,36.6,,\n"
		"2020-02-30,morning,S02,,,,\n"
		"2020-05-12,lunch,S03,,,,\n"
		"2020-05-12,morning,S99,,,,\n"
		"2020-05-12,morning,S04,sick,,,\n"
		"2020-05-12,morning,S05,,hot,,\n"
		"2020-05-12,morning,S06,,,sneezing,\n"
		"2020-05-12,morning,S07,,,,plague\n"
		"2020-05-12,morning,S01,,,,\n", &out, &err);
	assert_int_equal(rc, 1);
	const char *expect[] = { ":3:date:", ":4:session:", ":5:student_no:", ":6:status:",
				 ":7:temperature:", ":8:symptoms:", ":9:diagnosis:", ":10:student_no:" };
	for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
		if (!strstr(err, expect[i]))
			fprintf(stderr, "missing %s in\n%s", expect[i], err);
		assert_non_null(strstr(err, expect[i]));
	}
	free(out);
	free(err);
	cJSON *c = json_of(f, "census --date 2020-05-12 --json");
	assert_int_equal(num(cJSON_GetObjectItem(c, "school"), "submitted"), 0);
	cJSON_Delete(c);
}

static void test_cluster_alert_is_raised_once_and_grows(void **state)
{
	fx *f = *state;
	char *out, *err;
	assert_int_equal(import_checks(f,
		"date,session,student_no,status,temperature,symptoms,diagnosis\n"
		"2020-05-12,morning,S01,,38.5,cough,\n"
		"2020-05-12,morning,S02,,37.5,fever,\n"
		"2020-05-12,morning,S03,,38.1,,\n", &out, &err), 0);
	assert_non_null(strstr(out, "alerts created 1"));
	free(out);
	free(err);
	cJSON *a = json_of(f, "alerts --from 2020-05-01 --to 2020-05-31 --json");
	assert_int_equal(cJSON_GetArraySize(a), 1);
	const cJSON *al = cJSON_GetArrayItem(a, 0);
	assert_string_equal(cJSON_GetObjectItem(al, "scope")->valuestring, "class");
	assert_string_equal(cJSON_GetObjectItem(al, "scope_name")->valuestring, "一班");
	assert_string_equal(cJSON_GetObjectItem(al, "code")->valuestring, "fever");
	assert_int_equal(num(al, "count"), 3);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(al, "people")), 3);
	int id = num(al, "id");
	cJSON_Delete(a);
	/* A fourth feverish student on the same day: the same alert, count 4. */
	assert_int_equal(import_checks(f,
		"date,session,student_no,status,temperature,symptoms,diagnosis\n"
		"2020-05-12,noon,S04,,38.0,,\n", &out, &err), 0);
	free(out);
	free(err);
	a = json_of(f, "alerts --from 2020-05-01 --to 2020-05-31 --json");
	int fever_alerts = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, a) {
		if (strcmp(cJSON_GetObjectItem(it, "code")->valuestring, "fever"))
			continue;
		if (strstr(cJSON_GetObjectItem(it, "rule_en")->valuestring, "one day")) {
			fever_alerts++;
			assert_int_equal(num(it, "id"), id);
			assert_int_equal(num(it, "count"), 4);
		}
	}
	assert_int_equal(fever_alerts, 1);
	cJSON_Delete(a);
}

static void test_correction_is_a_new_version(void **state)
{
	fx *f = *state;
	char *out, *err;
	assert_int_equal(import_checks(f, "date,session,student_no,status,temperature,symptoms,diagnosis\n"
					  "2020-05-13,morning,S01,absent_unknown,,,\n", &out, &err), 0);
	free(out);
	free(err);
	assert_int_equal(import_checks(f, "date,session,student_no,status,temperature,symptoms,diagnosis\n"
					  "2020-05-13,morning,S01,absent_other,,,\n", &out, &err), 0);
	free(out);
	free(err);
	cJSON *c = json_of(f, "census --date 2020-05-13 --json");
	const cJSON *one = class_row(c, "一班");
	assert_int_equal(num(one, "version"), 2);
	assert_int_equal(num(one, "absent_unknown"), 0);
	assert_int_equal(num(one, "absent_other"), 1);
	cJSON_Delete(c);
}

static void test_return_after_notifiable_disease_needs_doctors_note(void **state)
{
	fx *f = *state;
	char *out, *err;
	assert_int_equal(import_checks(f, "date,session,student_no,status,temperature,symptoms,diagnosis\n"
					  "2020-05-14,morning,S04,absent_sick,,rash,varicella\n", &out, &err), 0);
	free(out);
	free(err);
	/* Back the next day, no note yet: still counted absent sick. */
	assert_int_equal(import_checks(f, "date,session,student_no,status,temperature,symptoms,diagnosis\n"
					  "2020-05-15,morning,S04,present,36.5,,\n", &out, &err), 0);
	free(out);
	free(err);
	cJSON *c = json_of(f, "census --date 2020-05-15 --json");
	assert_int_equal(num(class_row(c, "一班"), "absent_sick"), 1);
	cJSON_Delete(c);
	/* Record the note through the domain, then the next day counts. */
	store *s;
	jy_err e;
	assert_int_equal(store_open(f->db, &s, &e), 0);
	person_rec p;
	school_rec sc;
	assert_int_equal(store_school_default(s, &sc, &e), 0);
	assert_int_equal(store_person_find(s, sc.id, "S04", &p, &e), 0);
	absence_rec a;
	assert_int_equal(store_absence_open_for(s, p.id, &a, &e), 0);
	assert_true(a.note_required);
	assert_string_equal(a.diagnosis, "varicella");
	assert_int_equal(checks_record_note(s, a.id, 0, &e), 0);
	store_close(s);
	assert_int_equal(import_checks(f, "date,session,student_no,status,temperature,symptoms,diagnosis\n"
					  "2020-05-16,morning,S04,present,36.5,,\n", &out, &err), 0);
	free(out);
	free(err);
	c = json_of(f, "census --date 2020-05-16 --json");
	assert_int_equal(num(class_row(c, "一班"), "absent_sick"), 0);
	assert_int_equal(num(class_row(c, "一班"), "present"), 5);
	cJSON_Delete(c);
}

static void test_census_rejects_bad_date(void **state)
{
	fx *f = *state;
	char *out, *err;
	assert_int_equal(tu_jinyun(f->db, "census --date 2020-13-01 --json", &out, &err), 1);
	assert_non_null(strstr(err, "date"));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_census_counts_exceptions_and_names_missing_classes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_checks_names_bad_cells_and_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cluster_alert_is_raised_once_and_grows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_correction_is_a_new_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_return_after_notifiable_disease_needs_doctors_note, setup, teardown),
		cmocka_unit_test_setup_teardown(test_census_rejects_bad_date, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
