/*
 * policy.h — the one function that decides who may do what.
 *
 * Handlers describe what is asked (an action and the school/class it
 * concerns) and policy_check() answers 0 (allowed) or JY_EPERM.  Roles:
 *   admin       everything in their school, users, audit log
 *   principal   校长: read everything in the school
 *   reporter    学校疫情报告人/校医: read and change health data in the school
 *   teacher     班主任: only their own class (scope = class)
 *   gate        门岗: gate readings only
 *   logistics   后勤: places, timetable, supplies; no personal data
 *   district    区教委/区疾控: every school of the district, read only
 */
#ifndef JY_POLICY_H
#define JY_POLICY_H

#include <stdint.h>

#include "store/store.h"

typedef enum policy_action {
	POL_PEOPLE_LIST,    /* list people (target: school, optional class) */
	POL_PERSON_READ,    /* read one person (target: school, the person's class) */
	POL_PERSON_WRITE,   /* create or change a person */
	POL_PLACE_READ,
	POL_PLACE_WRITE,
	POL_CLASS_READ,
	POL_USER_ADMIN,     /* manage users */
	POL_AUDIT_READ,
	POL_EXPORT,         /* bulk export of personal data */
	POL_CHECK_SUBMIT,   /* submit a class's check (target: the class) */
	POL_HEALTH_READ,    /* read health records of a class or person */
	POL_HEALTH_WRITE,   /* record observations, clinic visits, absences, doctor's notes */
	POL_CENSUS_READ,    /* the school-wide census and the names behind it */
	POL_ALERT_READ,
	POL_ALERT_MANAGE,   /* close alerts, run the rules */
	POL_TASK_DONE,      /* mark a response task done (target: its owner role) */
	POL_RULE_EDIT,      /* change cluster rules */
	POL_CALENDAR_WRITE, /* the school calendar (holidays, make-up days, terms) */
	/* Return to school (开学复课): */
	POL_RETURN_READ,       /* the return overview, screening results and the names behind them */
	POL_RETURN_PLAN,       /* put classes in return batches */
	POL_DECLARATION_READ,  /* a person's declarations and screening result */
	POL_DECLARATION_WRITE, /* enter or correct declarations (class teacher, school doctor) */
	POL_DECLARE_LINK,      /* issue personal declaration links */
	POL_SCREEN_RUN,        /* screen everyone expected back on a date */
	POL_SCREEN_EDIT,       /* change screening rules and publish risk regions */
	POL_RISK_READ,         /* read risk regions and screening rules (not personal) */
	POL_HOLD_LIFT,         /* lift a hold by a recorded action (the epidemic reporter only) */
	POL_RETURN_CARE_WRITE, /* students who cannot return, their tutoring */
	POL_KEY_CARER_ASSIGN,  /* name the staff member caring for a key-group student */
	POL_OBSERVATION_MANAGE, /* end a stay in the temporary observation room */
	POL_GATE_DEVICE,       /* register gate devices */
	POL_GATE_MONITOR,      /* the day's gate readings and decisions (gate staff too) */
	/* Cases and contacts (病例与密接): */
	POL_CASE_READ,         /* cases, isolation rooms, chains (school roles; not teachers) */
	POL_CASE_WRITE,        /* open and change cases, isolation, handovers, ad-hoc presence */
	POL_TRACE_RUN,         /* run a contact trace */
	POL_FOLLOWUP_READ,     /* contacts under follow-up (a teacher: their own class's) */
	POL_FOLLOWUP_CHECK,    /* record a contact's daily check, issue a self-report link */
	POL_FOLLOWUP_MANAGE,   /* put contacts under follow-up, close it, make a contact a case */
	POL_TIMELINE_READ,     /* one person's whole history (旅行史、接触史、健康史) */
	/* Campus operations (错峰、通风消毒、防疫物资、应急预案、检查; not personal): */
	POL_OPS_READ,          /* staggering, hygiene, supplies, plans, inspections, what is late */
	POL_OPS_WRITE,         /* hygiene schedules and records, supplies, saving a staggered schedule */
	POL_PLAN_ACTIVATE,     /* activate or close an emergency plan (the leading group, the reporter) */
	POL_PLAN_EDIT,         /* emergency plan templates */
	POL_INSPECT,           /* record an inspection against a checklist */
	/* Jurisdiction sharing (信息共享、互认): */
	POL_SHARE_READ,        /* the partners and the log of messages sent and received (not personal) */
	POL_SHARE_INBOX_READ,  /* what partners sent: aggregates, alerts and their traced contacts */
	/* Spreadsheet imports (each kind also needs the action its rows amount to): */
	POL_IMPORT,
} policy_action;

typedef struct policy_target {
	int64_t school_id;  /* 0 = not school-bound */
	int64_t class_id;   /* 0 = no particular class (the whole school) */
	const char *owner_role;  /* POL_TASK_DONE: the role that owns the task */
} policy_target;

/* 0 when u may do act on t, JY_EPERM otherwise.  u NULL is never allowed. */
int policy_check(const user_rec *u, policy_action act, const policy_target *t);

#endif
