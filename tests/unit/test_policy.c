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
	/* A district user (district 1) works in the school the request names
	 * (the router checked it is in the district and made it school_id). */
	user_rec d = user("district", "district", 2, 1);
	policy_target s1 = { 1, 0, NULL }, s2 = { 2, 7, NULL }, s2all = { 2, 0, NULL },
		      none = { 0, 0, NULL };
	assert_int_equal(policy_check(&d, POL_PEOPLE_LIST, &s2all), 0);
	assert_int_equal(policy_check(&d, POL_PERSON_READ, &s2), 0);
	assert_int_equal(policy_check(&d, POL_PERSON_READ, &s1), JY_EPERM);
	assert_int_equal(policy_check(&d, POL_PERSON_WRITE, &s2), JY_EPERM);
	assert_int_equal(policy_check(&d, POL_PLACE_WRITE, &s2), JY_EPERM);
	assert_int_equal(policy_check(&d, POL_CENSUS_READ, &s2all), 0);
	assert_int_equal(policy_check(&d, POL_CHECK_SUBMIT, &s2), JY_EPERM);
	assert_int_equal(policy_check(&d, POL_RULE_EDIT, &none), 0);
	/* Naming no school: district-wide actions only, no school's records. */
	user_rec top = user("district", "district", 0, 1);
	assert_int_equal(policy_check(&top, POL_CENSUS_READ, &none), 0);
	assert_int_equal(policy_check(&top, POL_PERSON_READ, &s1), JY_EPERM);
	assert_int_equal(policy_check(&top, POL_PEOPLE_LIST, &s2all), JY_EPERM);
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

static void test_policy_return_to_school(void **state)
{
	(void)state;
	policy_target own = { 1, 10, NULL }, other = { 1, 11, NULL }, school = { 1, 0, NULL },
		      elsewhere = { 2, 0, NULL };
	user_rec t = user("teacher", "class", 1, 10);
	assert_int_equal(policy_check(&t, POL_RETURN_READ, &own), 0);
	assert_int_equal(policy_check(&t, POL_RETURN_READ, &other), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_RETURN_READ, &school), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_DECLARATION_WRITE, &own), 0);
	assert_int_equal(policy_check(&t, POL_DECLARE_LINK, &own), 0);
	assert_int_equal(policy_check(&t, POL_DECLARE_LINK, &other), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_RETURN_CARE_WRITE, &own), 0);
	assert_int_equal(policy_check(&t, POL_HOLD_LIFT, &own), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_RISK_READ, &school), 0); /* not personal */
	assert_int_equal(policy_check(&t, POL_SCREEN_EDIT, &school), JY_EPERM);
	/* Only the epidemic reporter lifts a hold — not even the admin. */
	user_rec r = user("reporter", "school", 1, 0);
	user_rec a = user("admin", "school", 1, 0);
	user_rec p = user("principal", "school", 1, 0);
	assert_int_equal(policy_check(&r, POL_HOLD_LIFT, &own), 0);
	assert_int_equal(policy_check(&r, POL_HOLD_LIFT, &elsewhere), JY_EPERM);
	assert_int_equal(policy_check(&a, POL_HOLD_LIFT, &own), JY_EPERM);
	assert_int_equal(policy_check(&p, POL_HOLD_LIFT, &own), JY_EPERM);
	assert_int_equal(policy_check(&r, POL_SCREEN_RUN, &school), 0);
	assert_int_equal(policy_check(&r, POL_OBSERVATION_MANAGE, &school), 0);
	assert_int_equal(policy_check(&r, POL_SCREEN_EDIT, &school), JY_EPERM);
	assert_int_equal(policy_check(&a, POL_SCREEN_EDIT, &school), 0);
	assert_int_equal(policy_check(&a, POL_RETURN_PLAN, &school), 0);
	assert_int_equal(policy_check(&a, POL_GATE_DEVICE, &school), 0);
	assert_int_equal(policy_check(&a, POL_GATE_DEVICE, &elsewhere), JY_EPERM);
	assert_int_equal(policy_check(&p, POL_RETURN_READ, &school), 0);
	assert_int_equal(policy_check(&p, POL_KEY_CARER_ASSIGN, &own), 0);
	assert_int_equal(policy_check(&p, POL_RETURN_PLAN, &school), JY_EPERM);
	assert_int_equal(policy_check(&p, POL_DECLARATION_WRITE, &own), JY_EPERM);
	/* Gate staff and logistics see risk regions, no names. */
	user_rec g = user("gate", "school", 1, 0);
	user_rec l = user("logistics", "school", 1, 0);
	assert_int_equal(policy_check(&g, POL_RISK_READ, &school), 0);
	assert_int_equal(policy_check(&g, POL_RETURN_READ, &school), JY_EPERM);
	assert_int_equal(policy_check(&g, POL_DECLARATION_READ, &own), JY_EPERM);
	assert_int_equal(policy_check(&l, POL_RETURN_READ, &school), JY_EPERM);
	assert_int_equal(policy_check(&l, POL_GATE_DEVICE, &school), JY_EPERM);
	/* The gate monitor: gate staff, the reporter and admin; not logistics,
	 * not another school's gate. */
	assert_int_equal(policy_check(&g, POL_GATE_MONITOR, &school), 0);
	assert_int_equal(policy_check(&g, POL_GATE_MONITOR, &elsewhere), JY_EPERM);
	assert_int_equal(policy_check(&r, POL_GATE_MONITOR, &school), 0);
	assert_int_equal(policy_check(&a, POL_GATE_MONITOR, &school), 0);
	assert_int_equal(policy_check(&l, POL_GATE_MONITOR, &school), JY_EPERM);
	/* The district reads every school and edits the rules, nothing else. */
	user_rec d = user("district", "district", 2, 1);   /* drilled into school 2 */
	assert_int_equal(policy_check(&d, POL_RETURN_READ, &elsewhere), 0);
	assert_int_equal(policy_check(&d, POL_RETURN_READ, &school), JY_EPERM);
	assert_int_equal(policy_check(&d, POL_SCREEN_EDIT, &elsewhere), 0);
	assert_int_equal(policy_check(&d, POL_DECLARATION_WRITE, &own), JY_EPERM);
	assert_int_equal(policy_check(&d, POL_HOLD_LIFT, &own), JY_EPERM);
	user_rec bogus = user("superuser", "school", 1, 0);
	assert_int_equal(policy_check(&bogus, POL_RISK_READ, &school), JY_EPERM);
}

static void test_policy_cases_and_contacts(void **state)
{
	(void)state;
	policy_target own = { 1, 10, NULL }, other = { 1, 11, NULL }, school = { 1, 0, NULL },
		      elsewhere = { 2, 0, NULL };
	/* Reporter and admin manage cases, trace, follow up — in their school. */
	user_rec r = user("reporter", "school", 1, 0);
	user_rec a = user("admin", "school", 1, 0);
	static const policy_action manage[] = { POL_CASE_READ, POL_CASE_WRITE, POL_TRACE_RUN,
						POL_FOLLOWUP_READ, POL_FOLLOWUP_CHECK,
						POL_FOLLOWUP_MANAGE, POL_TIMELINE_READ };
	for (size_t i = 0; i < sizeof manage / sizeof manage[0]; i++) {
		assert_int_equal(policy_check(&r, manage[i], &school), 0);
		assert_int_equal(policy_check(&a, manage[i], &own), 0);
		assert_int_equal(policy_check(&r, manage[i], &elsewhere), JY_EPERM);
		assert_int_equal(policy_check(&a, manage[i], &elsewhere), JY_EPERM);
	}
	/* A teacher sees and checks their own class's contacts, nothing else. */
	user_rec t = user("teacher", "class", 1, 10);
	assert_int_equal(policy_check(&t, POL_FOLLOWUP_READ, &own), 0);
	assert_int_equal(policy_check(&t, POL_FOLLOWUP_CHECK, &own), 0);
	assert_int_equal(policy_check(&t, POL_FOLLOWUP_READ, &other), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_FOLLOWUP_CHECK, &other), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_FOLLOWUP_READ, &school), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_FOLLOWUP_MANAGE, &own), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_CASE_READ, &own), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_CASE_WRITE, &own), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_TRACE_RUN, &own), JY_EPERM);
	assert_int_equal(policy_check(&t, POL_TIMELINE_READ, &own), JY_EPERM);
	/* Principal and district read; they change nothing. */
	user_rec p = user("principal", "school", 1, 0);
	user_rec d = user("district", "district", 2, 1);   /* drilled into school 2 */
	static const policy_action reads[] = { POL_CASE_READ, POL_FOLLOWUP_READ, POL_TIMELINE_READ };
	static const policy_action writes[] = { POL_CASE_WRITE, POL_TRACE_RUN, POL_FOLLOWUP_CHECK,
						POL_FOLLOWUP_MANAGE };
	for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
		assert_int_equal(policy_check(&p, reads[i], &school), 0);
		assert_int_equal(policy_check(&p, reads[i], &elsewhere), JY_EPERM);
		assert_int_equal(policy_check(&d, reads[i], &elsewhere), 0);
	}
	for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
		assert_int_equal(policy_check(&p, writes[i], &school), JY_EPERM);
		assert_int_equal(policy_check(&d, writes[i], &school), JY_EPERM);
	}
	/* Gate staff and logistics: nothing at all. */
	user_rec g = user("gate", "school", 1, 0);
	user_rec l = user("logistics", "school", 1, 0);
	for (size_t i = 0; i < sizeof manage / sizeof manage[0]; i++) {
		assert_int_equal(policy_check(&g, manage[i], &school), JY_EPERM);
		assert_int_equal(policy_check(&l, manage[i], &own), JY_EPERM);
	}
	user_rec off = user("reporter", "school", 1, 0);
	off.disabled = 1;
	assert_int_equal(policy_check(&off, POL_CASE_READ, &school), JY_EPERM);
	assert_int_equal(policy_check(NULL, POL_FOLLOWUP_READ, &own), JY_EPERM);
}

static void test_policy_share_log_and_inbox(void **state)
{
	(void)state;
	policy_target school = { 1, 0, NULL };
	static const struct {
		const char *role, *scope;
		int log, inbox;
	} cases[] = {
		{ "admin", "school", 1, 1 },	 { "district", "district", 1, 1 },
		{ "reporter", "school", 0, 1 },	 { "principal", "school", 0, 0 },
		{ "teacher", "class", 0, 0 },	 { "gate", "school", 0, 0 },
		{ "logistics", "school", 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		user_rec u = user(cases[i].role, cases[i].scope, 1, 0);
		assert_int_equal(policy_check(&u, POL_SHARE_READ, &school), cases[i].log ? 0 : JY_EPERM);
		assert_int_equal(policy_check(&u, POL_SHARE_INBOX_READ, &school),
				 cases[i].inbox ? 0 : JY_EPERM);
	}
}

static void test_policy_imports_are_bulk_writes(void **state)
{
	(void)state;
	policy_target school = { 1, 0, NULL }, other = { 2, 0, NULL };
	user_rec a = user("admin", "school", 1, 0), r = user("reporter", "school", 1, 0);
	user_rec d = user("district", "district", 1, 1);   /* drilled into school 1 */
	assert_int_equal(policy_check(&a, POL_IMPORT, &school), 0);
	assert_int_equal(policy_check(&r, POL_IMPORT, &school), 0);
	assert_int_equal(policy_check(&d, POL_IMPORT, &school), 0);
	assert_int_equal(policy_check(&a, POL_IMPORT, &other), JY_EPERM);
	static const char *const no[] = { "principal", "gate", "logistics" };
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		user_rec u = user(no[i], "school", 1, 0);
		assert_int_equal(policy_check(&u, POL_IMPORT, &school), JY_EPERM);
	}
	user_rec t = user("teacher", "class", 1, 10);
	policy_target cls = { 1, 10, NULL };
	assert_int_equal(policy_check(&t, POL_IMPORT, &cls), JY_EPERM);
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
		cmocka_unit_test(test_policy_return_to_school),
		cmocka_unit_test(test_policy_cases_and_contacts),
		cmocka_unit_test(test_policy_share_log_and_inbox),
		cmocka_unit_test(test_policy_imports_are_bulk_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
