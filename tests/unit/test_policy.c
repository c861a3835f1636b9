/*
 * test_policy.c — the role model, decision by decision.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http/policy.h"

static user_rec user(const char *role, const char *scope_kind, int64_t school, int64_t scope)
{
	user_rec u;
	memset(&u, 0, sizeof u);
	strcpy(u.role, role);
	strcpy(u.scope_kind, scope_kind);
	u.school_id = school;
	u.scope_id = scope;
	return u;
}

static void test_policy_teacher_reads_only_own_class(void **state)
{
	(void)state;
	user_rec t = user("teacher", "class", 1, 10);
	policy_target own = { 1, 10, NULL }, other = { 1, 11, NULL }, school = { 1, 0, NULL }, elsewhere = { 2, 10, NULL };
	assert_int_equal(policy_check(&t, POL_PERSON_READ, &own), 0);
	assert_int_equal(policy_check(&t, POL_PEOPLE_LIST, &own), 0);
	assert_int_equal(policy_check(&t, POL_PERSON_READ, &other), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_PEOPLE_LIST, &school), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_PERSON_READ, &elsewhere), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_PERSON_WRITE, &own), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_PLACE_READ, &school), 0);
	assert_int_equal(policy_check(&t, POL_PLACE_WRITE, &school), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_AUDIT_READ, &school), JY_EPERM);
}

static void test_policy_school_roles(void **state)
{
	(void)state;
	policy_target school = { 1, 0, NULL }, cls = { 1, 5, NULL }, other_school = { 2, 0, NULL };
	user_rec p = user("principal", "school", 1, 0);
	assert_int_equal(policy_check(&p, POL_PEOPLE_LIST, &school), 0);
	assert_int_equal(policy_check(&p, POL_PERSON_READ, &cls), 0);
	assert_int_equal(policy_check(&p, POL_PERSON_WRITE, &cls), JY_EPERM);
	assert_int_equal(policy_check(&p, POL_PEOPLE_LIST, &other_school), JY_EPERM);
	user_rec r = user("reporter", "school", 1, 0);
	assert_int_equal(policy_check(&r, POL_PERSON_WRITE, &cls), 0);
	assert_int_equal(policy_check(&r, POL_USER_ADMIN, &school), JY_EPERM);
	user_rec a = user("admin", "school", 1, 0);
	assert_int_equal(policy_check(&a, POL_AUDIT_READ, &school), 0);
	assert_int_equal(policy_check(&a, POL_AUDIT_READ, &other_school), JY_EPERM);
}

static void test_policy_gate_and_logistics_see_no_personal_data(void **state)
{
	(void)state;
	policy_target school = { 1, 0, NULL }, cls = { 1, 5, NULL };
	user_rec g = user("gate", "school", 1, 0);
	user_rec l = user("logistics", "school", 1, 0);
	assert_int_equal(policy_check(&g, POL_PEOPLE_LIST, &school), JY_EPERM);
	assert_int_equal(policy_check(&g, POL_PERSON_READ, &cls), JY_EPERM);
	assert_int_equal(policy_check(&g, POL_PLACE_READ, &school), JY_EPERM);
	assert_int_equal(policy_check(&l, POL_PERSON_READ, &cls), JY_EPERM);
	assert_int_equal(policy_check(&l, POL_PLACE_WRITE, &school), 0);
	assert_int_equal(policy_check(&l, POL_EXPORT, &school), JY_EPERM);
}

static void test_policy_district_reads_every_school_and_changes_nothing(void **state)
{
	(void)state;
	user_rec d = user("district", "district", 0, 0);
	policy_target s1 = { 1, 0, NULL }, s2 = { 2, 7, NULL };
	assert_int_equal(policy_check(&d, POL_PEOPLE_LIST, &s1), 0);
	assert_int_equal(policy_check(&d, POL_PERSON_READ, &s2), 0);
	assert_int_equal(policy_check(&d, POL_PERSON_WRITE, &s2), JY_EPERM);
	assert_int_equal(policy_check(&d, POL_PLACE_WRITE, &s1), JY_EPERM);
	assert_int_equal(policy_check(&d, POL_CENSUS_READ, &s1), 0);
	assert_int_equal(policy_check(&d, POL_CHECK_SUBMIT, &s2), JY_EPERM);
	assert_int_equal(policy_check(&d, POL_RULE_EDIT, &s1), 0);
}

static void test_policy_checks_and_alerts(void **state)
{
	(void)state;
	user_rec t = user("teacher", "class", 1, 10);
	policy_target own = { 1, 10, NULL }, other = { 1, 11, NULL }, school = { 1, 0, NULL };
	assert_int_equal(policy_check(&t, POL_CHECK_SUBMIT, &own), 0);
	assert_int_equal(policy_check(&t, POL_CHECK_SUBMIT, &other), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_CENSUS_READ, &school), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_ALERT_MANAGE, &school), JY_EPERM);
	policy_target teacher_task = { 1, 0, "teacher" }, logistics_task = { 1, 0, "logistics" };
	assert_int_equal(policy_check(&t, POL_TASK_DONE, &teacher_task), 0);
	assert_int_equal(policy_check(&t, POL_TASK_DONE, &logistics_task), JY_EPERM);
	user_rec l = user("logistics", "school", 1, 0);
	assert_int_equal(policy_check(&l, POL_TASK_DONE, &logistics_task), 0);
	assert_int_equal(policy_check(&l, POL_HEALTH_READ, &own), JY_EPERM);
	user_rec p = user("principal", "school", 1, 0);
	assert_int_equal(policy_check(&p, POL_CENSUS_READ, &school), 0);
	assert_int_equal(policy_check(&p, POL_CHECK_SUBMIT, &own), JY_EPERM);
	assert_int_equal(policy_check(&p, POL_RULE_EDIT, &school), JY_EPERM);
}

static void test_policy_refuses_null_and_disabled_users(void **state)
{
	(void)state;
	policy_target school = { 1, 0, NULL };
	assert_int_equal(policy_check(NULL, POL_PLACE_READ, &school), JY_EPERM);
	user_rec a = user("admin", "school", 1, 0);
	a.disabled = 1;
	assert_int_equal(policy_check(&a, POL_PLACE_READ, &school), JY_EPERM);
	user_rec bogus = user("superuser", "school", 1, 0);
	assert_int_equal(policy_check(&bogus, POL_PLACE_READ, &school), JY_EPERM);
	assert_int_equal(policy_check(&bogus, POL_PERSON_READ, &school), JY_EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_teacher_reads_only_own_class),
		cmocka_unit_test(test_policy_school_roles),
		cmocka_unit_test(test_policy_gate_and_logistics_see_no_personal_data),
		cmocka_unit_test(test_policy_district_reads_every_school_and_changes_nothing),
		cmocka_unit_test(test_policy_refuses_null_and_disabled_users),
		cmocka_unit_test(test_policy_checks_and_alerts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
