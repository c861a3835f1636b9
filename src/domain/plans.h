/*
 * plans.h — emergency plans (应急预案), responsibilities (压实各方责任) and
 * inspections (指导和检查).
 *
 * A plan is a template of steps, each owned by a role with a time limit
 * from activation (or "the same day").  Activating it — by hand, or
 * automatically when an alert of one of its trigger codes opens
 * (plans_on_alert, called from src/domain/alerts.c) — creates one task per
 * step with its deadline.  Completion is recorded on the task.  An
 * inspection fills a checklist; each failed item opens a follow-up task
 * owned by the item's role.  The leading group's view (plans_duty_json)
 * gathers what is late across plans, inspections and alert response tasks,
 * who owns it (role and the school's accounts in that role), and the
 * overdue ventilation/disinfection and supply warnings.
 */
#ifndef JY_PLANS_H
#define JY_PLANS_H

#include <cjson/cJSON.h>

#include "store/operations.h"
#include "store/surveillance.h"

/* Is role one a plan step or checklist item may be owned by? */
int plans_role_valid(const char *role);
/* 校长, 疫情报告人/校医 … for a role. */
const char *plans_role_zh(const char *role);

/* Plans the school sees, each with its steps:
 * [{"id","code","name_zh","name_en","trigger_codes","enabled","default","steps":[{"seq","title_zh",
 *   "title_en","owner_role","due_minutes","same_day"}]}] */
int plans_list_json(store *s, int64_t school_id, cJSON **out, jy_err *err);

/* Validate and save a school plan with its steps (a default plan is never
 * changed: saving it makes the school's own copy of that code).  r->id 0 =
 * new.  err->column names the field ("steps[2].owner_role" …). */
int plans_save(store *s, int64_t school_id, ops_plan_rec *r, const ops_step_rec *steps, size_t n,
	       int64_t *id, jy_err *err);

/* Activate plan_id for the school at now: one task per step, due at now +
 * due_minutes, or at the end of the day (China time) for same-day steps.
 * alert_id 0 = by hand (user_id who), else for that alert (the task titles
 * name the alert's unit).  *activation_id may be NULL. */
int plans_activate(store *s, int64_t school_id, int64_t plan_id, int64_t alert_id,
		   const char *reason, int64_t user_id, int64_t now, int64_t *activation_id,
		   jy_err *err);

/*
 * The hook alerts.c calls when it opens an alert: activate every enabled
 * plan of the school whose trigger codes name the alert's code ('*' =
 * any), once per alert and plan.  Runs inside the caller's transaction.
 */
int plans_on_alert(store *s, const alert_rec *a, int64_t now, jy_err *err);

/* An activation with its tasks (at now: overdue marked). */
int plans_activation_json(store *s, int64_t id, int64_t now, cJSON **out, jy_err *err);
/* Activations of the school (status NULL = any). */
int plans_activations_json(store *s, int64_t school_id, const char *status, int64_t now,
			   cJSON **out, jy_err *err);

/* One task as JSON (overdue at now). */
cJSON *plans_task_json(const ops_task_rec *t, int64_t now);

/* Checklists with their items. */
int plans_checklists_json(store *s, int64_t school_id, cJSON **out, jy_err *err);

typedef struct plans_finding {
	int64_t item_id; /* or seq > 0 */
	int seq;
	const char *result; /* pass fail na */
	const char *note;
} plans_finding;

/* Record an inspection of checklist (code or id) with its findings; every
 * item must be given once.  Failed items open follow-up tasks (due now +
 * the item's due_hours).  err->column names the field. */
int plans_inspect(store *s, int64_t school_id, const char *checklist, const char *place,
		  const char *date, const char *inspector, const char *note,
		  const plans_finding *findings, size_t n, int64_t user_id, int64_t now,
		  int64_t *id, jy_err *err);
int plans_inspection_json(store *s, int64_t id, int64_t now, cJSON **out, jy_err *err);

/*
 * The leading group's view at now (today = its China date):
 *   {"now","late":[{"source":"plan|inspection|alert","id","title_zh","title_en","owner_role",
 *     "owner_role_zh","owners":[usernames],"due_at","minutes_late","context_zh","context_en"}],
 *    "by_role":[{"role","role_zh","owners","open","late"}],
 *    "active_plans":n,"hygiene":{"overdue","extra_overdue"},"supplies":{"warnings"}}
 */
int plans_duty_json(store *s, int64_t school_id, int64_t now, cJSON **out, jy_err *err);

#endif
