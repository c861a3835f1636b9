/*
 * test_screen_store.c — how a screening run stores its results
 * (store_screen_results_put, screening_run): many rows per statement, a
 * plain INSERT for people with no result yet and an upsert for changed
 * ones.  Both write the same rows as one store_screen_result_put per
 * person; a fresh row that meets a result written behind the run's back
 * makes the run start again with upserts; and a run that fails midway
 * leaves every previous result as it was (first run or not).  Runs on
 * both backends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/screening.h"
#include "store/returns.h"
#include "storefix.h"
#include "testutil.h"
#include "util/date.h"

#define RETURN_DATE "2020-05-12"
#define NPEOPLE 150

typedef struct fx {
	char *dir;
	char db[512];
	store *s;
	int64_t school, other;
	int64_t people[NPEOPLE];
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	jy_err err;
	if (sf_open_db(&f->dir, f->db, sizeof f->db, "r.db", &f->s))
		return -1;
	int32_t rday;
	date_parse(RETURN_DATE, &rday);
	int64_t grade, batch, cls = 0, g2;
	assert_int_equal(store_begin(f->s, &err), 0);
	assert_int_equal(store_school_ensure(f->s, "a", "甲学校", &f->school, &err), 0);
	assert_int_equal(store_school_ensure(f->s, "b", "乙学校", &f->other, &err), 0);
	assert_int_equal(store_grade_ensure(f->s, f->school, "2020级", &grade, &err), 0);
	assert_int_equal(store_grade_ensure(f->s, f->other, "2020级", &g2, &err), 0);
	assert_int_equal(store_batch_upsert(f->s, f->school, "第一批", RETURN_DATE, &batch, &err), 0);
	for (int p = 0; p < NPEOPLE; p++) {
		if (p % 45 == 0) {
			char name[32];
			snprintf(name, sizeof name, "%d班", p / 45 + 1);
			assert_int_equal(store_class_ensure(f->s, f->school, grade, name, &cls, &err), 0);
			assert_int_equal(store_batch_assign(f->s, f->school, batch, cls, &err), 0);
		}
		person_rec pr;
		memset(&pr, 0, sizeof pr);
		pr.school_id = f->school;
		strcpy(pr.kind, "student");
		snprintf(pr.number, sizeof pr.number, "R%04d", p);
		snprintf(pr.name, sizeof pr.name, "学生%d", p);
		strcpy(pr.gender, p % 2 ? "F" : "M");
		pr.class_id = cls;
		pr.active = 1;
		assert_int_equal(store_person_upsert(f->s, &pr, &f->people[p], NULL, &err), 0);
		/* Every seventh declares nothing (hold), every eleventh has a
		 * fever (hold), every thirteenth stayed in a medium-risk city. */
		for (int d = 0; p % 7 && d < 14; d++) {
			declaration_rec dr;
			memset(&dr, 0, sizeof dr);
			dr.school_id = f->school;
			dr.person_id = f->people[p];
			strcpy(dr.source, "import");
			dr.submitted_at = 1589000000;
			strcpy(dr.kind, d < 13 || p % 13 ? "health" : "stay");
			date_format(rday - 13 + d, dr.date_from);
			strcpy(dr.date_to, dr.date_from);
			dr.temperature = dr.kind[0] == 's' ? -1 : d == 5 && p % 11 == 0 ? 37.9 : 36.5;
			if (dr.kind[0] == 's')
				strcpy(dr.region, "北京市/朝阳区");
			assert_int_equal(store_declaration_upsert(f->s, &dr, NULL, NULL, &err), 0);
		}
	}
	assert_int_equal(store_commit(f->s, &err), 0);
	risk_region_rec r;
	memset(&r, 0, sizeof r);
	strcpy(r.region, "北京市");
	strcpy(r.level, "medium");
	date_format(rday - 30, r.valid_from);
	assert_int_equal(screening_risk_publish(f->s, 0, 0, "test", "", &r, 1, NULL, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	return sf_free(f, f->s, f->dir);
}

/* ---- the stored rows of a date, as text ---- */

typedef struct rows_text {
	char *buf;
	size_t len;
	FILE *m;
	long n;
	int with_time;
} rows_text;

static int add_row_text(void *ctx, const screen_result_rec *r)
{
	rows_text *t = ctx;
	fprintf(t->m, "%lld %lld %s %lld %lld %d %lld %s\n", (long long)r->person_id, (long long)r->school_id,
		r->status, (long long)r->risk_version_id, (long long)r->config_version, r->declared,
		t->with_time ? (long long)r->screened_at : 0LL, r->reasons);
	t->n++;
	return 0;
}

/* The rows of date (malloc'd text, person order); *n their number. */
static char *stored(fx *f, const char *date, int with_time, long *n)
{
	rows_text t = { NULL, 0, NULL, 0, with_time };
	t.m = open_memstream(&t.buf, &t.len);
	jy_err err;
	assert_int_equal(store_screen_result_list(f->s, f->school, date, add_row_text, &t, &err), 0);
	fclose(t.m);
	if (n)
		*n = t.n;
	return t.buf;
}

/* ---- the store function itself ---- */

static void test_insert_and_upsert_store_the_same_rows_as_one_by_one(void **state)
{
	fx *f = *state;
	jy_err err;
	/* 87 rows: statements of 64, 16, 4, 1 and two more of 1. */
	enum { N = 87 };
	static const char *const reasons[] = {
		NULL, "[]",
		"[{\"rule\":2,\"status\":\"hold\",\"zh\":\"2020-05-01 体温 37.9°C,\\\"引号\\\"\",\"en\":\"fever's\",\"lifted\":false}]",
	};
	screen_result_row rows[N];
	for (int i = 0; i < N; i++)
		rows[i] = (screen_result_row){ f->people[i], i % 3 == 0 ? "hold" : i % 3 == 1 ? "cleared" : "monitor",
					       reasons[i % 3], i % 2 };
	const char *dates[] = { "2020-06-01", "2020-06-02", "2020-06-03" };
	int64_t v;
	assert_int_equal(store_risk_version_current(f->s, f->school, &v, &err), 0);
	for (int way = 0; way < 3; way++) {
		screen_result_head h = { f->school, dates[way], v, 9, 1589000000 };
		assert_int_equal(store_begin(f->s, &err), 0);
		if (way < 2) {
			assert_int_equal(store_screen_results_put(f->s, &h, rows, N, way == 0, &err), 0);
		} else {
			for (int i = 0; i < N; i++) {
				screen_result_rec r;
				memset(&r, 0, sizeof r);
				r.school_id = f->school;
				r.person_id = rows[i].person_id;
				snprintf(r.return_date, sizeof r.return_date, "%s", dates[way]);
				snprintf(r.status, sizeof r.status, "%s", rows[i].status);
				r.reasons = (char *)rows[i].reasons;
				r.risk_version_id = v;
				r.config_version = 9;
				r.declared = rows[i].declared;
				r.screened_at = 1589000000;
				assert_int_equal(store_screen_result_put(f->s, &r, &err), 0);
			}
		}
		assert_int_equal(store_commit(f->s, &err), 0);
	}
	long n[3];
	char *text[3];
	for (int way = 0; way < 3; way++)
		text[way] = stored(f, dates[way], 1, &n[way]);
	assert_int_equal(n[0], N);
	assert_string_equal(text[0], text[2]);
	assert_string_equal(text[1], text[2]);
	assert_non_null(strstr(text[0], "\\\"引号\\\""));
	/* An upsert replaces: every row changed, none added. */
	for (int i = 0; i < N; i++)
		rows[i].status = "cleared", rows[i].reasons = NULL;
	screen_result_head h = { f->school, dates[0], v, 10, 1589000001 };
	assert_int_equal(store_begin(f->s, &err), 0);
	assert_int_equal(store_screen_results_put(f->s, &h, rows, N, 0, &err), 0);
	assert_int_equal(store_commit(f->s, &err), 0);
	long m;
	char *again = stored(f, dates[0], 1, &m);
	assert_int_equal(m, N);
	assert_null(strstr(again, "hold"));
	char want[64];
	snprintf(want, sizeof want, " cleared %lld 10 ", (long long)v);
	assert_non_null(strstr(again, want));
	free(again);
	/* A plain INSERT over a stored result is a conflict, not a silent
	 * second row (PostgreSQL tells it at the commit). */
	assert_int_equal(store_begin(f->s, &err), 0);
	int rc = store_screen_results_put(f->s, &h, rows + 10, 1, 1, &err);
	if (rc)
		store_rollback(f->s);
	else
		rc = store_commit(f->s, &err);
	assert_int_equal(rc, JY_ECONFLICT);
	again = stored(f, dates[0], 1, &m);
	assert_int_equal(m, N);
	free(again);
	for (int way = 0; way < 3; way++)
		free(text[way]);
	/* The status is still checked (migration 015 wrote SQLite's CHECK anew). */
	rows[0].status = "maybe";
	assert_int_equal(store_begin(f->s, &err), 0);
	rc = store_screen_results_put(f->s, &h, rows, 1, 0, &err);
	if (rc)
		store_rollback(f->s);
	else
		rc = store_commit(f->s, &err);
	assert_int_equal(rc, JY_ECONFLICT);
}

/* ---- whole runs ---- */

typedef struct run_rows {
	long n, hold, monitor;
} run_rows;

static int count_row(void *ctx, const screening_row *r)
{
	run_rows *c = ctx;
	c->n++;
	c->hold += r->status == SCREEN_HOLD;
	c->monitor += r->status == SCREEN_MONITOR;
	return 0;
}

static void test_a_run_stores_everyone_once_and_again_nothing(void **state)
{
	fx *f = *state;
	jy_err err;
	screening_summary sum;
	run_rows c = { 0 };
	assert_int_equal(screening_run(f->s, f->school, RETURN_DATE, count_row, &c, &sum, &err), 0);
	assert_int_equal(sum.people, NPEOPLE);
	assert_int_equal(sum.written, NPEOPLE);
	assert_int_equal(c.n, NPEOPLE);
	assert_true(c.hold > 20 && c.monitor > 3);
	long n;
	char *first = stored(f, RETURN_DATE, 0, &n);
	assert_int_equal(n, NPEOPLE);
	/* Each stored row is what screening that person alone stores. */
	screening sc;
	assert_int_equal(screening_load(f->s, f->school, &sc, &err), 0);
	for (int p = 0; p < NPEOPLE; p += 7) {
		screen_result_rec one, kept;
		assert_int_equal(store_screen_result_get(f->s, f->people[p], RETURN_DATE, 1, &kept, &err), 0);
		assert_int_equal(screening_person(f->s, &sc, f->school, f->people[p], RETURN_DATE, &one, &err), 0);
		assert_string_equal(one.status, kept.status);
		assert_string_equal(one.reasons, kept.reasons);
		assert_int_equal(one.declared, kept.declared);
		free(one.reasons);
		free(kept.reasons);
	}
	screening_free(&sc);
	assert_int_equal(screening_run(f->s, f->school, RETURN_DATE, NULL, NULL, &sum, &err), 0);
	assert_int_equal(sum.written, 0);
	char *again = stored(f, RETURN_DATE, 0, NULL);
	assert_string_equal(first, again);
	free(first);
	free(again);
}

static void test_a_result_written_behind_the_runs_back_is_replaced(void **state)
{
	fx *f = *state;
	jy_err err;
	screening_summary sum;
	assert_int_equal(screening_run(f->s, f->school, RETURN_DATE, NULL, NULL, &sum, &err), 0);
	char *before = stored(f, RETURN_DATE, 0, NULL);
	/* One person's result filed under the other school: the run does not
	 * see it among its own, so its INSERT meets it. */
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE screen_result SET school_id = %lld, status = 'hold' WHERE person_id = %lld",
		 (long long)f->other, (long long)f->people[100]);
	/* On PostgreSQL the keys hold a result to its person's school
	 * (migration 016): such a row cannot be written there at all. */
	if (tu_pg()) {
		assert_int_equal(tu_sql(f->db, sql), -1);
		free(before);
		return;
	}
	assert_int_equal(tu_sql(f->db, sql), 0);
	long n;
	char *missing = stored(f, RETURN_DATE, 0, &n);
	assert_int_equal(n, NPEOPLE - 1);
	free(missing);
	assert_int_equal(screening_run(f->s, f->school, RETURN_DATE, NULL, NULL, &sum, &err), 0);
	assert_int_equal(sum.written, 1);
	char *after = stored(f, RETURN_DATE, 0, &n);
	assert_int_equal(n, NPEOPLE);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* Make every write of person's result fail (a trigger). */
static void fail_writes_of(fx *f, int64_t person)
{
	char sql[1024];
	if (tu_pg())
		snprintf(sql, sizeof sql,
			 "CREATE FUNCTION t_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
			 "IF NEW.person_id = %lld THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$; "
			 "CREATE TRIGGER t_fail BEFORE INSERT OR UPDATE ON screen_result "
			 "FOR EACH ROW EXECUTE FUNCTION t_fail()",
			 (long long)person);
	else
		snprintf(sql, sizeof sql,
			 "CREATE TRIGGER t_fail_i BEFORE INSERT ON screen_result WHEN NEW.person_id = %lld "
			 "BEGIN SELECT RAISE(ABORT, 'boom'); END; "
			 "CREATE TRIGGER t_fail_u BEFORE UPDATE ON screen_result WHEN NEW.person_id = %lld "
			 "BEGIN SELECT RAISE(ABORT, 'boom'); END",
			 (long long)person, (long long)person);
	assert_int_equal(tu_sql(f->db, sql), 0);
}

static void allow_writes(fx *f)
{
	assert_int_equal(tu_sql(f->db, tu_pg() ? "DROP TRIGGER t_fail ON screen_result; DROP FUNCTION t_fail()" :
						 "DROP TRIGGER t_fail_i; DROP TRIGGER t_fail_u"), 0);
}

static void test_a_run_that_fails_midway_leaves_the_previous_results(void **state)
{
	fx *f = *state;
	jy_err err;
	screening_summary sum;
	int32_t rday;
	date_parse(RETURN_DATE, &rday);
	/* The last person in the order of writing: the rows before were
	 * written by then. */
	fail_writes_of(f, f->people[NPEOPLE - 1]);
	/* A first run: nothing stored. */
	assert_int_not_equal(screening_run(f->s, f->school, RETURN_DATE, NULL, NULL, &sum, &err), 0);
	long n;
	free(stored(f, RETURN_DATE, 0, &n));
	assert_int_equal(n, 0);
	allow_writes(f);
	assert_int_equal(screening_run(f->s, f->school, RETURN_DATE, NULL, NULL, &sum, &err), 0);
	assert_int_equal(sum.written, NPEOPLE);
	char *before = stored(f, RETURN_DATE, 1, &n);
	assert_int_equal(n, NPEOPLE);
	/* A new risk list changes every result; the run fails at the end. */
	risk_region_rec r;
	memset(&r, 0, sizeof r);
	strcpy(r.region, "北京市");
	strcpy(r.level, "high");
	date_format(rday - 30, r.valid_from);
	assert_int_equal(screening_risk_publish(f->s, 0, 0, "test", "", &r, 1, NULL, &err), 0);
	fail_writes_of(f, f->people[NPEOPLE - 1]);
	assert_int_not_equal(screening_run(f->s, f->school, RETURN_DATE, NULL, NULL, &sum, &err), 0);
	char *after = stored(f, RETURN_DATE, 1, NULL);
	assert_string_equal(before, after);
	free(after);
	allow_writes(f);
	run_rows c = { 0 };
	assert_int_equal(screening_run(f->s, f->school, RETURN_DATE, count_row, &c, &sum, &err), 0);
	assert_int_equal(sum.written, NPEOPLE);
	assert_true(c.hold > 20 && c.monitor == 0); /* the stays now count as high risk */
	after = stored(f, RETURN_DATE, 1, NULL);
	assert_string_not_equal(before, after);
	free(before);
	free(after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_insert_and_upsert_store_the_same_rows_as_one_by_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_run_stores_everyone_once_and_again_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_result_written_behind_the_runs_back_is_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_run_that_fails_midway_leaves_the_previous_results, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
