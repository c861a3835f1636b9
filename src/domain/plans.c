/*
 * plans.c — see plans.h.
 *
 * Deadlines: a step's task is due activation + due_minutes; a same-day step
 * at 23:59:59 China time of the activation day.  Alert-triggered plans are
 * activated inside the alert's transaction, so an alert and the tasks of
 * its plans are written together or not at all.
 */
#include "domain/plans.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/codes.h"
#include "domain/disinfection.h"
#include "domain/supplies.h"
#include "util/date.h"

#define CST	  (8 * 3600)
#define MAX_STEPS 50

static const struct {
	const char *role, *zh;
} roles[] = {
    {"principal", "校长/领导小组"}, {"reporter", "疫情报告人/校医"}, {"teacher", "班主任"},
    {"logistics", "后勤"},	    {"admin", "系统管理员"},	     {"gate", "门岗"},
};
#define N_ROLES (sizeof roles / sizeof roles[0])

int plans_role_valid(const char *role)
{
	for (size_t i = 0; role && i < N_ROLES; i++)
		if (!strcmp(roles[i].role, role))
			return 1;
	return 0;
}

const char *plans_role_zh(const char *role)
{
	for (size_t i = 0; role && i < N_ROLES; i++)
		if (!strcmp(roles[i].role, role))
			return roles[i].zh;
	return role ? role : "";
}

static int valid_code(const char *c)
{
	if (!*c)
		return 0;
	for (; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
			return 0;
	return 1;
}

static int all_digits(const char *t)
{
	if (!t || !*t || strlen(t) > 17)
		return 0;
	for (; *t; t++)
		if (!isdigit((unsigned char)*t))
			return 0;
	return 1;
}

/* ---- plans ------------------------------------------------------------------------ */

static int step_to_json(void *ctx, const ops_step_rec *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "seq", r->seq);
	cJSON_AddStringToObject(o, "title_zh", r->title_zh);
	cJSON_AddStringToObject(o, "title_en", r->title_en);
	cJSON_AddStringToObject(o, "owner_role", r->owner_role);
	cJSON_AddStringToObject(o, "owner_role_zh", plans_role_zh(r->owner_role));
	cJSON_AddNumberToObject(o, "due_minutes", r->due_minutes);
	cJSON_AddBoolToObject(o, "same_day", r->same_day);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

typedef struct plan_vec {
	ops_plan_rec *v;
	size_t n, cap;
} plan_vec;

static int add_plan(void *ctx, const ops_plan_rec *r)
{
	plan_vec *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		ops_plan_rec *g = realloc(l->v, cap * sizeof *g);
		if (!g)
			return 1;
		l->v = g;
		l->cap = cap;
	}
	l->v[l->n++] = *r;
	return 0;
}

int plans_list_json(store *s, int64_t school_id, cJSON **out, jy_err *err)
{
	*out = NULL;
	plan_vec pv = {NULL, 0, 0};
	int rc = store_ops_plan_list(s, school_id, add_plan, &pv, err);
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; !rc && i < pv.n; i++) {
		const ops_plan_rec *r = &pv.v[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)r->id);
		cJSON_AddStringToObject(o, "code", r->code);
		cJSON_AddStringToObject(o, "name_zh", r->name_zh);
		cJSON_AddStringToObject(o, "name_en", r->name_en);
		cJSON_AddStringToObject(o, "trigger_codes", r->trigger_codes);
		cJSON_AddBoolToObject(o, "enabled", r->enabled);
		cJSON_AddBoolToObject(o, "default", r->school_id == 0);
		cJSON *steps = cJSON_AddArrayToObject(o, "steps");
		rc = store_ops_steps(s, r->id, step_to_json, steps, err);
		cJSON_AddItemToArray(arr, o);
	}
	free(pv.v);
	if (rc) {
		cJSON_Delete(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

int plans_save(store *s, int64_t school_id, ops_plan_rec *r, const ops_step_rec *steps, size_t n,
	       int64_t *id, jy_err *err)
{
	int rc;
	if (r->id) {
		ops_plan_rec old;
		if ((rc = store_ops_plan_get(s, r->id, &old, err)))
			return rc;
		if (old.school_id && old.school_id != school_id)
			return err_set(err, JY_ENOENT, "没有这个应急预案 (no such emergency plan)");
		if (!old.school_id)
			r->id = 0; /* a default: the school gets its own copy of the code */
	}
	if (!valid_code(r->code))
		return err_at(err, JY_EINVAL, "", 0, "code",
			      "代码只能含字母、数字、_ 和 - (code: letters, digits, _ and -)");
	if (!r->name_zh[0])
		return err_at(err, JY_EINVAL, "", 0, "name_zh",
			      "需要中文名称 (name_zh is required)");
	for (const char *p = r->trigger_codes; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-,*", *p))
			return err_at(err, JY_EINVAL, "", 0, "trigger_codes",
				      "触发代码为逗号分隔的预警代码或 * (trigger_codes: alert "
				      "codes separated by commas, or *)");
	if (n == 0 || n > MAX_STEPS)
		return err_at(err, JY_EINVAL, "", 0, "steps",
			      "需要 1–%d 个步骤 (1-%d steps are required)", MAX_STEPS, MAX_STEPS);
	for (size_t i = 0; i < n; i++) {
		char field[40];
		if (!steps[i].title_zh[0]) {
			snprintf(field, sizeof field, "steps[%zu].title_zh", i);
			return err_at(err, JY_EINVAL, "", 0, field,
				      "步骤 %zu 需要中文标题 (step %zu needs title_zh)", i + 1,
				      i + 1);
		}
		if (!plans_role_valid(steps[i].owner_role)) {
			snprintf(field, sizeof field, "steps[%zu].owner_role", i);
			return err_at(err, JY_EINVAL, "", 0, field,
				      "步骤 %zu 的负责角色无效 (step %zu: owner_role must be "
				      "principal, reporter, teacher, logistics, admin or gate)",
				      i + 1, i + 1);
		}
		if (steps[i].due_minutes < 0 || steps[i].due_minutes > 525600) {
			snprintf(field, sizeof field, "steps[%zu].due_minutes", i);
			return err_at(err, JY_EINVAL, "", 0, field,
				      "时限应为 0–525600 分钟 (due_minutes must be 0-525600)");
		}
	}
	ops_plan_rec same;
	if (store_ops_plan_find(s, school_id, r->code, &same, NULL) == 0 &&
	    same.school_id == school_id && same.id != r->id)
		return err_at(err, JY_ECONFLICT, "", 0, "code",
			      "代码已存在 (code already exists): %s", r->code);
	r->school_id = school_id;
	if ((rc = store_begin(s, err)))
		return rc;
	int64_t pid = 0;
	rc = store_ops_plan_save(s, r, &pid, err);
	if (!rc)
		rc = store_ops_steps_set(s, pid, steps, n, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, err)))
		return rc;
	if (id)
		*id = pid;
	return 0;
}

/* ---- activation ---------------------------------------------------------------------- */

typedef struct step_vec {
	ops_step_rec v[MAX_STEPS];
	size_t n;
} step_vec;

static int add_step(void *ctx, const ops_step_rec *r)
{
	step_vec *l = ctx;
	if (l->n < MAX_STEPS)
		l->v[l->n++] = *r;
	return 0;
}

int plans_activate(store *s, int64_t school_id, int64_t plan_id, int64_t alert_id,
		   const char *reason, int64_t user_id, int64_t now, int64_t *activation_id,
		   jy_err *err)
{
	ops_plan_rec plan;
	int rc = store_ops_plan_get(s, plan_id, &plan, NULL);
	if (rc || (plan.school_id && plan.school_id != school_id))
		return err_at(err, JY_ENOENT, "", 0, "plan",
			      "没有这个应急预案 (no such emergency plan)");
	if (!plan.enabled)
		return err_at(err, JY_EINVAL, "", 0, "plan", "预案已停用 (the plan is disabled)");
	alert_rec a;
	memset(&a, 0, sizeof a);
	if (alert_id && (store_alert_get(s, alert_id, &a, NULL) || a.school_id != school_id))
		return err_at(err, JY_EINVAL, "", 0, "alert_id", "没有这条预警 (no such alert)");
	if (reason && strlen(reason) >= sizeof(((ops_activation_rec *)0)->reason))
		return err_at(err, JY_EINVAL, "", 0, "reason", "原因过长 (reason is too long)");
	step_vec *steps = calloc(1, sizeof *steps);
	if (!steps)
		return err_set(err, JY_ENOMEM, "out of memory");
	if ((rc = store_ops_steps(s, plan.id, add_step, steps, err))) {
		free(steps);
		return rc;
	}
	if (!steps->n) {
		free(steps);
		return err_at(err, JY_EINVAL, "", 0, "plan",
			      "预案没有步骤 (the plan has no steps)");
	}
	int64_t end_of_day = ((int64_t)date_of_time_cst(now) + 1) * 86400 - CST - 1;
	if ((rc = store_begin(s, err))) {
		free(steps);
		return rc;
	}
	ops_activation_rec act;
	memset(&act, 0, sizeof act);
	act.school_id = school_id;
	act.plan_id = plan.id;
	act.alert_id = alert_id;
	snprintf(act.reason, sizeof act.reason, "%s", reason ? reason : "");
	act.activated_by = user_id;
	act.activated_at = now;
	int64_t aid = 0;
	rc = store_ops_activation_add(s, &act, &aid, err);
	for (size_t i = 0; !rc && i < steps->n; i++) {
		const ops_step_rec *st = &steps->v[i];
		ops_task_rec t;
		memset(&t, 0, sizeof t);
		t.school_id = school_id;
		t.activation_id = aid;
		t.seq = st->seq;
		if (alert_id) {
			snprintf(t.title_zh, sizeof t.title_zh, "%.150s（%.40s）", st->title_zh,
				 a.scope_name);
			snprintf(t.title_en, sizeof t.title_en, "%.150s (%.40s)", st->title_en,
				 a.scope_name);
		} else {
			snprintf(t.title_zh, sizeof t.title_zh, "%s", st->title_zh);
			snprintf(t.title_en, sizeof t.title_en, "%s", st->title_en);
		}
		snprintf(t.owner_role, sizeof t.owner_role, "%s", st->owner_role);
		t.due_at = st->same_day ? end_of_day : now + (int64_t)st->due_minutes * 60;
		rc = store_ops_task_add(s, &t, NULL, err);
	}
	free(steps);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, err)))
		return rc;
	if (activation_id)
		*activation_id = aid;
	return 0;
}

static int triggers(const char *list, const char *code)
{
	return list[0] &&
	       (!strcmp(list, "*") || codes_list_has(list, "*") || codes_list_has(list, code));
}

int plans_on_alert(store *s, const alert_rec *a, int64_t now, jy_err *err)
{
	plan_vec pv = {NULL, 0, 0};
	rule_rec rule;
	if (store_rule_get(s, a->rule_id, &rule, NULL))
		memset(&rule, 0, sizeof rule);
	int rc = store_ops_plan_list(s, a->school_id, add_plan, &pv, err);
	for (size_t i = 0; !rc && i < pv.n; i++) {
		const ops_plan_rec *p = &pv.v[i];
		if (!p->enabled || !triggers(p->trigger_codes, a->code))
			continue;
		int found = 0;
		if ((rc = store_ops_activation_for_alert(s, a->id, p->id, &found, err)) || found)
			continue;
		char reason[256];
		snprintf(reason, sizeof reason,
			 "预警自动启动：%.60s（%.40s）(started by an alert: %.60s)",
			 rule.name_zh[0] ? rule.name_zh : a->code, a->scope_name,
			 rule.name_en[0] ? rule.name_en : a->code);
		rc = plans_activate(s, a->school_id, p->id, a->id, reason, 0, now, NULL, err);
	}
	free(pv.v);
	return rc;
}

cJSON *plans_task_json(const ops_task_rec *t, int64_t now)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)t->id);
	cJSON_AddStringToObject(o, "source", t->activation_id ? "plan" : "inspection");
	if (t->activation_id)
		cJSON_AddNumberToObject(o, "activation_id", (double)t->activation_id);
	else
		cJSON_AddNullToObject(o, "activation_id");
	if (t->inspection_id)
		cJSON_AddNumberToObject(o, "inspection_id", (double)t->inspection_id);
	else
		cJSON_AddNullToObject(o, "inspection_id");
	cJSON_AddNumberToObject(o, "seq", t->seq);
	cJSON_AddStringToObject(o, "title_zh", t->title_zh);
	cJSON_AddStringToObject(o, "title_en", t->title_en);
	cJSON_AddStringToObject(o, "owner_role", t->owner_role);
	cJSON_AddStringToObject(o, "owner_role_zh", plans_role_zh(t->owner_role));
	cJSON_AddNumberToObject(o, "due_at", (double)t->due_at);
	if (t->done_at)
		cJSON_AddNumberToObject(o, "done_at", (double)t->done_at);
	else
		cJSON_AddNullToObject(o, "done_at");
	cJSON_AddBoolToObject(o, "overdue", !t->done_at && t->due_at < now);
	cJSON_AddBoolToObject(o, "late", t->done_at ? t->done_at > t->due_at : t->due_at < now);
	cJSON_AddStringToObject(o, "note", t->note);
	cJSON_AddStringToObject(o, "source_zh", t->source_zh);
	cJSON_AddStringToObject(o, "source_en", t->source_en);
	return o;
}

typedef struct task_arr {
	cJSON *arr;
	int64_t now;
} task_arr;

static int task_to_json(void *ctx, const ops_task_rec *t)
{
	task_arr *x = ctx;
	cJSON_AddItemToArray(x->arr, plans_task_json(t, x->now));
	return 0;
}

static cJSON *activation_json(const ops_activation_rec *a)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddNumberToObject(o, "plan_id", (double)a->plan_id);
	cJSON_AddStringToObject(o, "plan_code", a->plan_code);
	cJSON_AddStringToObject(o, "plan_zh", a->plan_name_zh);
	cJSON_AddStringToObject(o, "plan_en", a->plan_name_en);
	if (a->alert_id)
		cJSON_AddNumberToObject(o, "alert_id", (double)a->alert_id);
	else
		cJSON_AddNullToObject(o, "alert_id");
	cJSON_AddStringToObject(o, "reason", a->reason);
	cJSON_AddBoolToObject(o, "automatic", a->activated_by == 0);
	cJSON_AddNumberToObject(o, "activated_at", (double)a->activated_at);
	cJSON_AddStringToObject(o, "status", a->status);
	if (a->closed_at)
		cJSON_AddNumberToObject(o, "closed_at", (double)a->closed_at);
	else
		cJSON_AddNullToObject(o, "closed_at");
	cJSON_AddNumberToObject(o, "tasks", a->tasks);
	cJSON_AddNumberToObject(o, "open_tasks", a->open_tasks);
	cJSON_AddNumberToObject(o, "late_tasks", a->late_tasks);
	return o;
}

int plans_activation_json(store *s, int64_t id, int64_t now, cJSON **out, jy_err *err)
{
	*out = NULL;
	ops_activation_rec a;
	int rc = store_ops_activation_get(s, id, now, &a, err);
	if (rc)
		return rc;
	cJSON *o = activation_json(&a);
	task_arr x = {cJSON_AddArrayToObject(o, "tasks_detail"), now};
	ops_task_filter f = {a.school_id, a.id, 0, 0, 0, NULL};
	if ((rc = store_ops_task_list(s, &f, task_to_json, &x, err))) {
		cJSON_Delete(o);
		return rc;
	}
	*out = o;
	return 0;
}

static int act_to_json(void *ctx, const ops_activation_rec *a)
{
	cJSON_AddItemToArray(ctx, activation_json(a));
	return 0;
}

int plans_activations_json(store *s, int64_t school_id, const char *status, int64_t now,
			   cJSON **out, jy_err *err)
{
	cJSON *arr = cJSON_CreateArray();
	int rc = store_ops_activation_list(s, school_id, status, now, act_to_json, arr, err);
	if (rc) {
		cJSON_Delete(arr);
		arr = NULL;
	}
	*out = arr;
	return rc;
}

/* ---- checklists and inspections ------------------------------------------------------- */

typedef struct check_vec {
	ops_checklist_rec v[64];
	size_t n;
} check_vec;

static int add_checklist(void *ctx, const ops_checklist_rec *r)
{
	check_vec *l = ctx;
	if (l->n < sizeof l->v / sizeof l->v[0])
		l->v[l->n++] = *r;
	return 0;
}

static int item_to_json(void *ctx, const ops_check_item_rec *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddNumberToObject(o, "seq", r->seq);
	cJSON_AddStringToObject(o, "text_zh", r->text_zh);
	cJSON_AddStringToObject(o, "text_en", r->text_en);
	cJSON_AddStringToObject(o, "owner_role", r->owner_role);
	cJSON_AddNumberToObject(o, "due_hours", r->due_hours);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

int plans_checklists_json(store *s, int64_t school_id, cJSON **out, jy_err *err)
{
	*out = NULL;
	check_vec *cv = calloc(1, sizeof *cv);
	if (!cv)
		return err_set(err, JY_ENOMEM, "out of memory");
	int rc = store_ops_checklist_list(s, school_id, add_checklist, cv, err);
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; !rc && i < cv->n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)cv->v[i].id);
		cJSON_AddStringToObject(o, "code", cv->v[i].code);
		cJSON_AddStringToObject(o, "name_zh", cv->v[i].name_zh);
		cJSON_AddStringToObject(o, "name_en", cv->v[i].name_en);
		cJSON_AddBoolToObject(o, "default", cv->v[i].school_id == 0);
		rc = store_ops_check_items(s, cv->v[i].id, item_to_json,
					   cJSON_AddArrayToObject(o, "items"), err);
		cJSON_AddItemToArray(arr, o);
	}
	free(cv);
	if (rc) {
		cJSON_Delete(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

typedef struct item_vec {
	ops_check_item_rec v[100];
	size_t n;
} item_vec;

static int add_item(void *ctx, const ops_check_item_rec *r)
{
	item_vec *l = ctx;
	if (l->n < sizeof l->v / sizeof l->v[0])
		l->v[l->n++] = *r;
	return 0;
}

int plans_inspect(store *s, int64_t school_id, const char *checklist, const char *place,
		  const char *date, const char *inspector, const char *note,
		  const plans_finding *findings, size_t n, int64_t user_id, int64_t now,
		  int64_t *id, jy_err *err)
{
	ops_checklist_rec cl;
	int rc = JY_ENOENT;
	if (!checklist || !*checklist)
		return err_at(err, JY_EINVAL, "", 0, "checklist",
			      "需要检查清单 (checklist is required)");
	if (all_digits(checklist)) {
		rc = store_ops_checklist_get(s, strtoll(checklist, NULL, 10), &cl, NULL);
		if (!rc && cl.school_id && cl.school_id != school_id)
			rc = JY_ENOENT;
	}
	if (rc)
		rc = store_ops_checklist_find(s, school_id, checklist, &cl, NULL);
	if (rc)
		return err_at(err, JY_EINVAL, "", 0, "checklist",
			      "没有这个检查清单 (no such checklist): %.40s", checklist);
	ops_inspection_rec in;
	memset(&in, 0, sizeof in);
	if (place && *place) {
		place_rec p;
		if ((rc = supplies_find_place(s, school_id, place, "place", &p, err)))
			return rc;
		in.place_id = p.id;
	}
	int32_t d;
	if (date && *date) {
		if (date_parse(date, &d))
			return err_at(err, JY_EINVAL, "", 0, "date",
				      "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		snprintf(in.date, sizeof in.date, "%s", date);
	} else {
		date_format(date_of_time_cst(now), in.date);
	}
	if (!inspector || !*inspector || strlen(inspector) >= sizeof in.inspector)
		return err_at(
		    err, JY_EINVAL, "", 0, "inspector",
		    "需要检查人（如 区教委检查组）(inspector is required, e.g. the district team)");
	if (note && strlen(note) >= sizeof in.note)
		return err_at(err, JY_EINVAL, "", 0, "note", "备注过长 (note is too long)");
	item_vec *items = calloc(1, sizeof *items);
	if (!items)
		return err_set(err, JY_ENOMEM, "out of memory");
	if ((rc = store_ops_check_items(s, cl.id, add_item, items, err))) {
		free(items);
		return rc;
	}
	/* Every item exactly once. */
	int given[100] = {0};
	size_t which[100];
	for (size_t i = 0; i < n; i++) {
		char field[40];
		snprintf(field, sizeof field, "findings[%zu]", i);
		size_t k = items->n;
		for (size_t m = 0; m < items->n; m++)
			if ((findings[i].item_id && items->v[m].id == findings[i].item_id) ||
			    (!findings[i].item_id && findings[i].seq == items->v[m].seq))
				k = m;
		if (k == items->n) {
			free(items);
			return err_at(err, JY_EINVAL, "", 0, field,
				      "清单中没有这一项 (no such item in the checklist)");
		}
		if (given[k]++) {
			free(items);
			return err_at(err, JY_EINVAL, "", 0, field,
				      "同一项给了两次 (item given twice)");
		}
		which[i] = k;
		const char *r = findings[i].result ? findings[i].result : "";
		if (strcmp(r, "pass") && strcmp(r, "fail") && strcmp(r, "na")) {
			free(items);
			return err_at(err, JY_EINVAL, "", 0, field,
				      "result 应为 pass、fail 或 na (result: pass, fail or na)");
		}
		if (findings[i].note &&
		    strlen(findings[i].note) >= sizeof(((ops_finding_rec *)0)->note)) {
			free(items);
			return err_at(err, JY_EINVAL, "", 0, field, "备注过长 (note is too long)");
		}
	}
	for (size_t m = 0; m < items->n; m++)
		if (!given[m]) {
			int seq = items->v[m].seq;
			free(items);
			return err_at(err, JY_EINVAL, "", 0, "findings",
				      "缺少第 %d 项的检查结果 (item %d has no finding)", seq, seq);
		}
	in.school_id = school_id;
	in.checklist_id = cl.id;
	snprintf(in.inspector, sizeof in.inspector, "%s", inspector);
	snprintf(in.note, sizeof in.note, "%s", note ? note : "");
	in.recorded_by = user_id;
	in.recorded_at = now;
	if ((rc = store_begin(s, err))) {
		free(items);
		return rc;
	}
	int64_t iid = 0;
	rc = store_ops_inspection_add(s, &in, &iid, err);
	for (size_t i = 0; !rc && i < n; i++) {
		const ops_check_item_rec *it = &items->v[which[i]];
		ops_finding_rec f;
		memset(&f, 0, sizeof f);
		f.inspection_id = iid;
		f.item_id = it->id;
		f.school_id = school_id;
		snprintf(f.result, sizeof f.result, "%s", findings[i].result);
		snprintf(f.note, sizeof f.note, "%s", findings[i].note ? findings[i].note : "");
		if (!strcmp(f.result, "fail")) {
			ops_task_rec t;
			memset(&t, 0, sizeof t);
			t.school_id = school_id;
			t.inspection_id = iid;
			t.seq = it->seq;
			snprintf(t.title_zh, sizeof t.title_zh, "整改：%.180s", it->text_zh);
			snprintf(t.title_en, sizeof t.title_en, "Follow-up: %.180s", it->text_en);
			snprintf(t.owner_role, sizeof t.owner_role, "%s", it->owner_role);
			t.due_at = now + (int64_t)it->due_hours * 3600;
			snprintf(t.note, sizeof t.note, "%s", f.note);
			rc = store_ops_task_add(s, &t, &f.task_id, err);
		}
		if (!rc)
			rc = store_ops_finding_add(s, &f, err);
	}
	free(items);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, err)))
		return rc;
	if (id)
		*id = iid;
	return 0;
}

static int finding_to_json(void *ctx, const ops_finding_rec *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "item_id", (double)f->item_id);
	cJSON_AddNumberToObject(o, "seq", f->seq);
	cJSON_AddStringToObject(o, "text_zh", f->text_zh);
	cJSON_AddStringToObject(o, "text_en", f->text_en);
	cJSON_AddStringToObject(o, "result", f->result);
	cJSON_AddStringToObject(o, "note", f->note);
	if (f->task_id)
		cJSON_AddNumberToObject(o, "task_id", (double)f->task_id);
	else
		cJSON_AddNullToObject(o, "task_id");
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

int plans_inspection_json(store *s, int64_t id, int64_t now, cJSON **out, jy_err *err)
{
	*out = NULL;
	ops_inspection_rec r;
	int rc = store_ops_inspection_get(s, id, &r, err);
	if (rc)
		return rc;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r.id);
	cJSON_AddNumberToObject(o, "checklist_id", (double)r.checklist_id);
	cJSON_AddStringToObject(o, "checklist_zh", r.checklist_zh);
	cJSON_AddStringToObject(o, "checklist_en", r.checklist_en);
	if (r.place_id) {
		cJSON_AddNumberToObject(o, "place_id", (double)r.place_id);
		cJSON_AddStringToObject(o, "place", r.place_name);
	} else {
		cJSON_AddNullToObject(o, "place_id");
		cJSON_AddNullToObject(o, "place");
	}
	cJSON_AddStringToObject(o, "date", r.date);
	cJSON_AddStringToObject(o, "inspector", r.inspector);
	cJSON_AddStringToObject(o, "note", r.note);
	cJSON_AddNumberToObject(o, "passed", r.passed);
	cJSON_AddNumberToObject(o, "failed", r.failed);
	cJSON_AddNumberToObject(o, "na", r.na);
	rc = store_ops_findings(s, r.id, finding_to_json, cJSON_AddArrayToObject(o, "findings"),
				err);
	if (!rc) {
		task_arr x = {cJSON_AddArrayToObject(o, "tasks"), now};
		ops_task_filter f = {r.school_id, 0, r.id, 0, 0, NULL};
		rc = store_ops_task_list(s, &f, task_to_json, &x, err);
	}
	if (rc) {
		cJSON_Delete(o);
		return rc;
	}
	*out = o;
	return 0;
}

/* ---- the leading group's view ------------------------------------------------------------ */

typedef struct role_count {
	int open, late;
} role_count;

typedef struct duty {
	store *s;
	int64_t now;
	cJSON *late;
	role_count counts[N_ROLES];
	int64_t alert_ids[64];
	alert_rec alerts[64];
	size_t nalerts;
	cJSON *owners[N_ROLES];
	int64_t school_id;
} duty;

static size_t role_index(const char *role)
{
	for (size_t i = 0; i < N_ROLES; i++)
		if (!strcmp(roles[i].role, role))
			return i;
	return N_ROLES;
}

static void add_late(duty *d, const char *source, int64_t id, const char *zh, const char *en,
		     const char *role, int64_t due_at, const char *ctx_zh, const char *ctx_en)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "source", source);
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "title_zh", zh);
	cJSON_AddStringToObject(o, "title_en", en);
	cJSON_AddStringToObject(o, "owner_role", role);
	cJSON_AddStringToObject(o, "owner_role_zh", plans_role_zh(role));
	size_t r = role_index(role);
	cJSON_AddItemToObject(o, "owners",
			      r < N_ROLES && d->owners[r] ? cJSON_Duplicate(d->owners[r], 1)
							  : cJSON_CreateArray());
	cJSON_AddNumberToObject(o, "due_at", (double)due_at);
	cJSON_AddNumberToObject(o, "minutes_late", (double)((d->now - due_at) / 60));
	cJSON_AddStringToObject(o, "context_zh", ctx_zh);
	cJSON_AddStringToObject(o, "context_en", ctx_en);
	cJSON_AddItemToArray(d->late, o);
}

static int duty_ops_task(void *ctx, const ops_task_rec *t)
{
	duty *d = ctx;
	size_t r = role_index(t->owner_role);
	int late = t->due_at < d->now;
	if (r < N_ROLES) {
		d->counts[r].open++;
		d->counts[r].late += late;
	}
	if (late)
		add_late(d, t->activation_id ? "plan" : "inspection", t->id, t->title_zh,
			 t->title_en, t->owner_role, t->due_at, t->source_zh, t->source_en);
	return 0;
}

static const alert_rec *duty_alert(duty *d, int64_t id)
{
	for (size_t i = 0; i < d->nalerts; i++)
		if (d->alert_ids[i] == id)
			return &d->alerts[i];
	if (d->nalerts == sizeof d->alerts / sizeof d->alerts[0])
		return NULL;
	if (store_alert_get(d->s, id, &d->alerts[d->nalerts], NULL))
		return NULL;
	d->alert_ids[d->nalerts] = id;
	return &d->alerts[d->nalerts++];
}

static int duty_alert_task(void *ctx, const task_rec *t)
{
	duty *d = ctx;
	size_t r = role_index(t->owner_role);
	int late = t->due_at < d->now;
	if (r < N_ROLES) {
		d->counts[r].open++;
		d->counts[r].late += late;
	}
	if (late) {
		const alert_rec *a = duty_alert(d, t->alert_id);
		char zh[200], en[200];
		snprintf(zh, sizeof zh, "预警：%.60s %.100s", a ? a->scope_name : "",
			 a ? a->rule_name_zh : "");
		snprintf(en, sizeof en, "alert: %.60s %.100s", a ? a->scope_name : "",
			 a ? a->rule_name_en : "");
		add_late(d, "alert", t->id, t->title_zh, t->title_en, t->owner_role, t->due_at, zh,
			 en);
	}
	return 0;
}

static int duty_user(void *ctx, const user_rec *u)
{
	duty *d = ctx;
	if (u->disabled || u->school_id != d->school_id)
		return 0;
	size_t r = role_index(u->role);
	if (r == N_ROLES)
		return 0;
	if (!d->owners[r])
		d->owners[r] = cJSON_CreateArray();
	if (cJSON_GetArraySize(d->owners[r]) < 20)
		cJSON_AddItemToArray(d->owners[r], cJSON_CreateString(u->username));
	return 0;
}

static int count_active(void *ctx, const ops_activation_rec *a)
{
	(void)a;
	(*(int *)ctx)++;
	return 0;
}

int plans_duty_json(store *s, int64_t school_id, int64_t now, cJSON **out, jy_err *err)
{
	*out = NULL;
	duty *d = calloc(1, sizeof *d);
	if (!d)
		return err_set(err, JY_ENOMEM, "out of memory");
	d->s = s;
	d->now = now;
	d->school_id = school_id;
	d->late = cJSON_CreateArray();
	int active = 0;
	int rc = store_user_list(s, duty_user, d, err);
	ops_task_filter f = {school_id, 0, 0, 1, 0, NULL};
	if (!rc)
		rc = store_ops_task_list(s, &f, duty_ops_task, d, err);
	if (!rc)
		rc = store_task_list(s, school_id, 0, 1, duty_alert_task, d, err);
	if (!rc)
		rc = store_ops_activation_list(s, school_id, "active", now, count_active, &active,
					       err);
	char today[11];
	date_format(date_of_time_cst(now), today);
	cJSON *hyg = NULL, *sup = NULL;
	if (!rc)
		rc = hygiene_status_json(s, school_id, today, now, 1, &hyg, err);
	if (!rc)
		rc = supplies_report_json(s, school_id, today, 2, -1, &sup, err);
	cJSON *j = NULL;
	if (!rc) {
		j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "now", (double)now);
		cJSON_AddStringToObject(j, "date", today);
		cJSON_AddItemToObject(j, "late", d->late);
		d->late = NULL;
		cJSON *by = cJSON_AddArrayToObject(j, "by_role");
		for (size_t r = 0; r < N_ROLES; r++) {
			if (!d->counts[r].open)
				continue;
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "role", roles[r].role);
			cJSON_AddStringToObject(o, "role_zh", roles[r].zh);
			cJSON_AddItemToObject(o, "owners",
					      d->owners[r] ? cJSON_Duplicate(d->owners[r], 1)
							   : cJSON_CreateArray());
			cJSON_AddNumberToObject(o, "open", d->counts[r].open);
			cJSON_AddNumberToObject(o, "late", d->counts[r].late);
			cJSON_AddItemToArray(by, o);
		}
		cJSON_AddNumberToObject(j, "active_plans", active);
		const cJSON *sum = cJSON_GetObjectItem(hyg, "summary");
		cJSON *h = cJSON_AddObjectToObject(j, "hygiene");
		cJSON_AddNumberToObject(h, "overdue",
					cJSON_GetObjectItem(sum, "overdue")->valuedouble);
		cJSON_AddNumberToObject(h, "extra_overdue",
					cJSON_GetObjectItem(sum, "extra_overdue")->valuedouble);
		cJSON *sp = cJSON_AddObjectToObject(j, "supplies");
		cJSON_AddNumberToObject(sp, "warnings",
					cJSON_GetObjectItem(sup, "warnings")->valuedouble);
	}
	cJSON_Delete(hyg);
	cJSON_Delete(sup);
	cJSON_Delete(d->late);
	for (size_t r = 0; r < N_ROLES; r++)
		cJSON_Delete(d->owners[r]);
	free(d);
	*out = j;
	return rc;
}
