/*
 * test_store.c — the storage seam on SQLite: migrations, upserts, listing
 * and paging, sessions, the append-only audit log, backup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "storefix.h"
#include "testutil.h"

typedef struct fx {
	char *dir;
	char path[512];
	store *s;
	int64_t school, grade, class_a, class_b;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	jy_err err;
	if (sf_open_db(&f->dir, f->path, sizeof f->path, "t.db", &f->s))
		return -1;
	if (store_school_ensure(f->s, "s1", "一中", &f->school, &err) ||
	    store_grade_ensure(f->s, f->school, "2019级", &f->grade, &err) ||
	    store_class_ensure(f->s, f->school, f->grade, "一班", &f->class_a, &err) ||
	    store_class_ensure(f->s, f->school, f->grade, "二班", &f->class_b, &err))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	return sf_free(f, f->s, f->dir);
}

static person_rec student(fx *f, const char *number, const char *name, int64_t class_id)
{
	person_rec p;
	memset(&p, 0, sizeof p);
	p.school_id = f->school;
	strcpy(p.kind, "student");
	snprintf(p.number, sizeof p.number, "%s", number);
	snprintf(p.name, sizeof p.name, "%s", name);
	strcpy(p.gender, "F");
	p.class_id = class_id;
	p.active = 1;
	return p;
}

static void test_store_migrations_are_idempotent(void **state)
{
	fx *f = *state;
	int from = -1, to = -1;
	jy_err err;
	assert_int_equal(store_migrate(f->s, &from, &to, &err), 0);
	assert_int_equal(from, store_schema_latest());
	assert_int_equal(to, store_schema_latest());
	/* Reopening a current database changes nothing and keeps the data. */
	store *again = NULL;
	assert_int_equal(store_open(f->path, &again, &err), 0);
	school_rec sc;
	assert_int_equal(store_school_default(again, &sc, &err), 0);
	assert_string_equal(sc.code, "s1");
	store_close(again);
}

static void test_store_ensure_returns_existing_ids(void **state)
{
	fx *f = *state;
	int64_t id;
	jy_err err;
	assert_int_equal(store_class_ensure(f->s, f->school, f->grade, "一班", &id, &err), 0);
	assert_int_equal(id, f->class_a);
	assert_int_equal(store_class_find(f->s, f->school, "三班", &id, &err), JY_ENOENT);
}

static void test_store_person_upsert_reports_added_updated_unchanged(void **state)
{
	fx *f = *state;
	person_rec p = student(f, "S001", "王芳", f->class_a);
	int64_t id1, id2;
	int outcome;
	jy_err err;
	assert_int_equal(store_person_upsert(f->s, &p, &id1, &outcome, &err), 0);
	assert_int_equal(outcome, STORE_ADDED);
	assert_int_equal(store_person_upsert(f->s, &p, &id2, &outcome, &err), 0);
	assert_int_equal(outcome, STORE_UNCHANGED);
	assert_int_equal(id1, id2);
	p.class_id = f->class_b;
	assert_int_equal(store_person_upsert(f->s, &p, &id2, &outcome, &err), 0);
	assert_int_equal(outcome, STORE_UPDATED);
	person_rec got;
	assert_int_equal(store_person_get(f->s, id1, &got, &err), 0);
	assert_string_equal(got.class_name, "二班");
	assert_string_equal(got.grade_name, "2019级");
}

typedef struct collect {
	int n;
	int64_t ids[64];
} collect;

static int collect_cb(void *ctx, const person_rec *p)
{
	collect *c = ctx;
	c->ids[c->n++] = p->id;
	return 0;
}

static void test_store_person_list_filters_and_keyset_pages(void **state)
{
	fx *f = *state;
	jy_err err;
	char num[16], name[32];
	for (int i = 0; i < 10; i++) {
		snprintf(num, sizeof num, "P%03d", i);
		snprintf(name, sizeof name, "%s%d", i % 2 ? "李" : "张", i);
		person_rec p = student(f, num, name, i < 6 ? f->class_a : f->class_b);
		if (i == 3)
			strcpy(p.flags, "frontline_child");
		assert_int_equal(store_person_upsert(f->s, &p, NULL, NULL, &err), 0);
	}
	person_filter pf = { .school_id = f->school, .class_id = f->class_a, .limit = 4 };
	collect c = { 0 };
	assert_int_equal(store_person_list(f->s, &pf, collect_cb, &c, &err), 0);
	assert_int_equal(c.n, 4);
	pf.after_id = c.ids[3];
	collect c2 = { 0 };
	assert_int_equal(store_person_list(f->s, &pf, collect_cb, &c2, &err), 0);
	assert_int_equal(c2.n, 2);
	assert_true(c2.ids[0] > c.ids[3]);
	int64_t count;
	person_filter all = { .school_id = f->school, .q = "李" };
	assert_int_equal(store_person_count(f->s, &all, &count, &err), 0);
	assert_int_equal(count, 5);
	person_filter flag = { .school_id = f->school, .flag = "frontline_child" };
	assert_int_equal(store_person_count(f->s, &flag, &count, &err), 0);
	assert_int_equal(count, 1);
	/* LIKE wildcards in q are literal. */
	person_filter pct = { .school_id = f->school, .q = "%" };
	assert_int_equal(store_person_count(f->s, &pct, &count, &err), 0);
	assert_int_equal(count, 0);
	person_filter grade = { .school_id = f->school, .grade_id = f->grade };
	assert_int_equal(store_person_count(f->s, &grade, &count, &err), 0);
	assert_int_equal(count, 10);
}

static void test_store_sessions_expire(void **state)
{
	fx *f = *state;
	jy_err err;
	user_rec u;
	memset(&u, 0, sizeof u);
	u.school_id = f->school;
	strcpy(u.username, "doc");
	strcpy(u.pw_hash, "x");
	strcpy(u.role, "reporter");
	strcpy(u.scope_kind, "school");
	int64_t uid;
	assert_int_equal(store_user_add(f->s, &u, &uid, &err), 0);
	assert_int_equal(store_user_add(f->s, &u, NULL, &err), JY_ECONFLICT);
	assert_int_equal(store_session_add(f->s, "h1", uid, 100, 200, "127.0.0.1", &err), 0);
	user_rec got;
	assert_int_equal(store_session_user(f->s, "h1", 150, &got, &err), 0);
	assert_string_equal(got.username, "doc");
	assert_string_equal(got.scope_name, "一中");
	assert_int_equal(store_session_user(f->s, "h1", 200, &got, &err), JY_ENOENT);
	assert_int_equal(store_session_purge(f->s, 300, &err), 0);
	assert_int_equal(store_session_user(f->s, "h1", 150, &got, &err), JY_ENOENT);
}

static int count_audit(void *ctx, const audit_rec *a)
{
	(void)a;
	(*(int *)ctx)++;
	return 0;
}

static void test_store_audit_log_cannot_be_changed_or_deleted(void **state)
{
	fx *f = *state;
	jy_err err;
	audit_rec a;
	memset(&a, 0, sizeof a);
	strcpy(a.username, "doc");
	strcpy(a.action, "read");
	strcpy(a.entity, "person");
	assert_int_equal(store_audit_add(f->s, &a, &err), 0);
	db *d = NULL;
	assert_int_equal(db_open(f->path, &d, &err), 0);
	assert_int_equal(db_exec(d, "UPDATE audit_log SET username = 'mallory'", &err), JY_EDB);
	assert_non_null(strstr(err.msg, "append-only"));
	assert_int_equal(db_exec(d, "DELETE FROM audit_log", &err), JY_EDB);
	db_close(d);
	int n = 0;
	audit_filter af = { 0, 0, 10 };
	assert_int_equal(store_audit_list(f->s, &af, count_audit, &n, &err), 0);
	assert_int_equal(n, 1);
}

static void test_store_transaction_rollback_writes_nothing(void **state)
{
	fx *f = *state;
	jy_err err;
	assert_int_equal(store_begin(f->s, &err), 0);
	person_rec p = student(f, "TX1", "赵敏", f->class_a);
	assert_int_equal(store_person_upsert(f->s, &p, NULL, NULL, &err), 0);
	store_rollback(f->s);
	person_rec got;
	assert_int_equal(store_person_find(f->s, f->school, "TX1", &got, &err), JY_ENOENT);
}

/* Many inserts that wait for nothing (on PostgreSQL: pipelined, checked
 * only when the pipeline is synchronised), then one that breaks a unique
 * key: the failure is reported by the write or by the commit, the commit
 * fails, and none of the rows is kept. */
static void test_store_bulk_write_failing_late_writes_nothing(void **state)
{
	fx *f = *state;
	jy_err err;
	assert_int_equal(store_begin(f->s, &err), 0);
	char no[16];
	int rc = 0;
	for (int i = 0; i < 2500 && !rc; i++) {
		snprintf(no, sizeof no, "B%05d", i);
		person_rec p = student(f, no, "钱多", f->class_a);
		rc = store_person_save(f->s, &p, NULL, NULL, NULL, &err);
	}
	assert_int_equal(rc, 0);
	person_rec dup = student(f, "B00007", "重复", f->class_b);
	rc = store_person_save(f->s, &dup, NULL, NULL, NULL, &err);
	if (rc == 0) {
		rc = store_commit(f->s, &err);
		assert_int_not_equal(rc, 0);
	} else {
		store_rollback(f->s);
	}
	assert_non_null(strstr(err.msg, "number")); /* the key that failed */
	person_filter pf = { .school_id = f->school };
	int64_t n = -1;
	assert_int_equal(store_person_count(f->s, &pf, &n, &err), 0);
	assert_int_equal(n, 0);
	/* The handle works on afterwards. */
	person_rec p = student(f, "AFTER", "孙立", f->class_a);
	assert_int_equal(store_person_upsert(f->s, &p, NULL, NULL, &err), 0);
}

static void test_store_backup_is_a_usable_copy(void **state)
{
	fx *f = *state;
	jy_err err;
	char path[600];
	snprintf(path, sizeof path, "%s/backup.db", f->dir);
	if (tu_pg()) {
		/* PostgreSQL is backed up with pg_dump; the store says so. */
		assert_int_not_equal(store_backup(f->s, path, &err), 0);
		assert_non_null(strstr(err.msg, "pg_dump"));
		return;
	}
	assert_int_equal(store_backup(f->s, path, &err), 0);
	store *b = NULL;
	assert_int_equal(store_open(path, &b, &err), 0);
	int64_t id;
	assert_int_equal(store_class_find(b, f->school, "二班", &id, &err), 0);
	store_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_migrations_are_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_ensure_returns_existing_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_person_upsert_reports_added_updated_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_person_list_filters_and_keyset_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_sessions_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_audit_log_cannot_be_changed_or_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_transaction_rollback_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_bulk_write_failing_late_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_backup_is_a_usable_copy, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
