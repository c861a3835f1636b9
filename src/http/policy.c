/*
 * policy.c — see policy.h.  The whole role model is this one function.
 */
#include "http/policy.h"

#include <string.h>

static int is(const user_rec *u, const char *role)
{
	return !strcmp(u->role, role);
}

/* Is t inside u's scope (school, class or district)? */
static int in_scope(const user_rec *u, const policy_target *t)
{
	if (!strcmp(u->scope_kind, "district"))
		/* One school at a time: the one the request names (the router has
		 * checked it is in the user's district and made it u->school_id),
		 * or nothing school-bound when it names none. */
		return !t->school_id || t->school_id == u->school_id;
	if (t->school_id && t->school_id != u->school_id)
		return 0;
	if (!strcmp(u->scope_kind, "class"))
		return t->class_id != 0 && t->class_id == u->scope_id;
	return 1;
}

int policy_check(const user_rec *u, policy_action act, const policy_target *t)
{
	static const policy_target none = { 0, 0, NULL };
	if (!u || u->disabled)
		return JY_EPERM;
	if (!t)
		t = &none;
	int allowed = 0;
	switch (act) {
	case POL_PEOPLE_LIST:
	case POL_PERSON_READ:
	case POL_CLASS_READ:
		allowed = is(u, "admin") || is(u, "principal") || is(u, "reporter") ||
			  is(u, "teacher") || is(u, "district");
		break;
	case POL_PERSON_WRITE:
		allowed = is(u, "admin") || is(u, "reporter");
		break;
	case POL_PLACE_READ:
		allowed = is(u, "admin") || is(u, "principal") || is(u, "reporter") ||
			  is(u, "teacher") || is(u, "logistics") || is(u, "district");
		break;
	case POL_PLACE_WRITE:
		allowed = is(u, "admin") || is(u, "logistics");
		break;
	case POL_USER_ADMIN:
	case POL_AUDIT_READ:
		allowed = is(u, "admin");
		break;
	case POL_EXPORT:
		allowed = is(u, "admin") || is(u, "principal") || is(u, "reporter");
		break;
	case POL_CHECK_SUBMIT:
	case POL_HEALTH_WRITE:
		allowed = is(u, "admin") || is(u, "reporter") || is(u, "teacher");
		break;
	case POL_HEALTH_READ:
		allowed = is(u, "admin") || is(u, "principal") || is(u, "reporter") ||
			  is(u, "teacher") || is(u, "district");
		break;
	case POL_CENSUS_READ:
	case POL_ALERT_READ:
		allowed = is(u, "admin") || is(u, "principal") || is(u, "reporter") ||
			  is(u, "district");
		break;
	case POL_ALERT_MANAGE:
		allowed = is(u, "admin") || is(u, "reporter");
		break;
	case POL_TASK_DONE:
		allowed = is(u, "admin") || is(u, "reporter") || is(u, "principal") ||
			  (t->owner_role && is(u, t->owner_role) && !is(u, "district"));
		/* A task is the school's: a class teacher may close their role's tasks. */
		if (allowed && !strcmp(u->scope_kind, "class"))
			return t->school_id == u->school_id ? 0 : JY_EPERM;
		break;
	case POL_RULE_EDIT:
		allowed = is(u, "admin") || is(u, "district");
		break;
	case POL_CALENDAR_WRITE:
		allowed = is(u, "admin") || is(u, "logistics");
		break;
	case POL_RETURN_READ:
	case POL_DECLARATION_READ:
		allowed = is(u, "admin") || is(u, "principal") || is(u, "reporter") ||
			  is(u, "teacher") || is(u, "district");
		break;
	case POL_GATE_MONITOR:
		allowed = is(u, "admin") || is(u, "principal") || is(u, "reporter") ||
			  is(u, "gate") || is(u, "district");
		break;
	case POL_RETURN_PLAN:
	case POL_GATE_DEVICE:
		allowed = is(u, "admin");
		break;
	case POL_DECLARATION_WRITE:
	case POL_DECLARE_LINK:
	case POL_RETURN_CARE_WRITE:
		allowed = is(u, "admin") || is(u, "reporter") || is(u, "teacher");
		break;
	case POL_SCREEN_RUN:
	case POL_OBSERVATION_MANAGE:
		allowed = is(u, "admin") || is(u, "reporter");
		break;
	case POL_SCREEN_EDIT:
		allowed = is(u, "admin") || is(u, "district");
		break;
	case POL_RISK_READ:
		allowed = is(u, "admin") || is(u, "principal") || is(u, "reporter") ||
			  is(u, "teacher") || is(u, "gate") || is(u, "logistics") || is(u, "district");
		break;
	case POL_HOLD_LIFT:
		/* Only the school's epidemic reporter lifts a hold (复课证明查验). */
		allowed = is(u, "reporter");
		break;
	case POL_KEY_CARER_ASSIGN:
		allowed = is(u, "admin") || is(u, "principal");
		break;
	case POL_CASE_READ:
	case POL_TIMELINE_READ:
		allowed = is(u, "admin") || is(u, "principal") || is(u, "reporter") ||
			  is(u, "district");
		break;
	case POL_CASE_WRITE:
	case POL_TRACE_RUN:
	case POL_FOLLOWUP_MANAGE:
		allowed = is(u, "admin") || is(u, "reporter");
		break;
	case POL_FOLLOWUP_READ:
		allowed = is(u, "admin") || is(u, "principal") || is(u, "reporter") ||
			  is(u, "teacher") || is(u, "district");
		break;
	case POL_FOLLOWUP_CHECK:
		allowed = is(u, "admin") || is(u, "reporter") || is(u, "teacher");
		break;
	case POL_OPS_READ:
		allowed = is(u, "admin") || is(u, "principal") || is(u, "reporter") ||
			  is(u, "logistics") || is(u, "district");
		break;
	case POL_OPS_WRITE:
		allowed = is(u, "admin") || is(u, "logistics");
		break;
	case POL_PLAN_ACTIVATE:
		allowed = is(u, "admin") || is(u, "principal") || is(u, "reporter");
		break;
	case POL_PLAN_EDIT:
		allowed = is(u, "admin");
		break;
	case POL_INSPECT:
		allowed = is(u, "admin") || is(u, "principal");
		break;
	case POL_SHARE_READ:
		allowed = is(u, "admin") || is(u, "district");
		break;
	case POL_SHARE_INBOX_READ:
	case POL_IMPORT:
		/* Bulk writes: never a class teacher's, gate's or logistics'. */
		allowed = is(u, "admin") || is(u, "reporter") || is(u, "district");
		break;
	}
	/* Places are not personal: a class-scoped user may see the school's. */
	if (act == POL_PLACE_READ || act == POL_PLACE_WRITE) {
		policy_target school = { t->school_id, u->scope_id, NULL };
		return allowed && in_scope(u, &school) ? 0 : JY_EPERM;
	}
	/* Risk regions and screening rules are not personal either. */
	if (act == POL_RISK_READ) {
		policy_target school = { t->school_id, u->scope_id, NULL };
		return allowed && in_scope(u, &school) ? 0 : JY_EPERM;
	}
	return allowed && in_scope(u, t) ? 0 : JY_EPERM;
}
