/*
 * api_alerts.c — alerts, their response tasks, and the cluster rules.
 *
 *   GET  /api/alerts?from=&to=&status=open|closed
 *   GET  /api/alerts/{id}            the alert, its people and its tasks
 *   POST /api/alerts/{id}/close
 *   POST /api/alerts/evaluate        {"from","to"}: run the rules over a period
 *   GET  /api/tasks?open=1           the school's response tasks (overdue marked)
 *   POST /api/tasks/{id}/done        {"note"}
 *   GET  /api/rules                  the rules that apply to the school
 *   POST /api/rules                  {"code","code_kind","scope","window_days","threshold",
 *                                     "name_zh","name_en","enabled","district":true|false}
 *   PUT  /api/rules/{id}             the same fields
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/alerts.h"
#include "domain/codes.h"
#include "domain/report_json.h"
#include "http/internal.h"
#include "util/date.h"

static int add_alert(void *ctx, const alert_rec *a)
{
	http_request *req = ((void **)ctx)[0];
	cJSON *items = ((void **)ctx)[1];
	cJSON *o = alert_json(req->store, a, NULL);
	if (o)
		cJSON_AddItemToArray(items, o);
	return 0;
}

void api_alerts_list(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_ALERT_READ, req->user->school_id, 0))
		return;
	const char *from = http_arg(req, "from"), *to = http_arg(req, "to");
	const char *status = http_arg(req, "status");
	int32_t d;
	if ((from && date_parse(from, &d)) || (to && date_parse(to, &d))) {
		http_error(res, 400, "invalid", from && date_parse(from, &d) ? "from" : "to",
			   "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		return;
	}
	if (status && strcmp(status, "open") && strcmp(status, "closed")) {
		http_error(res, 400, "invalid", "status", "status 应为 open 或 closed");
		return;
	}
	cJSON *items = cJSON_CreateArray();
	void *ctx[2] = { req, items };
	jy_err err;
	err_clear(&err);
	/* District users see every school's alerts. */
	int64_t school = req->user->school_id ? req->user->school_id : -1; /* a district user names a school (?school=); none: no school's, never every district's */
	if (store_alert_list(req->store, school, from, to, status, add_alert, ctx, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	http_audit(req, "read", "alerts", "", 0, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

static cJSON *task_json(const task_rec *t, int64_t now)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)t->id);
	cJSON_AddNumberToObject(o, "alert_id", (double)t->alert_id);
	cJSON_AddStringToObject(o, "kind", t->kind);
	cJSON_AddStringToObject(o, "title_zh", t->title_zh);
	cJSON_AddStringToObject(o, "title_en", t->title_en);
	cJSON_AddStringToObject(o, "owner_role", t->owner_role);
	cJSON_AddNumberToObject(o, "due_at", (double)t->due_at);
	if (t->done_at)
		cJSON_AddNumberToObject(o, "done_at", (double)t->done_at);
	else
		cJSON_AddNullToObject(o, "done_at");
	cJSON_AddBoolToObject(o, "overdue", !t->done_at && t->due_at < now);
	cJSON_AddStringToObject(o, "note", t->note);
	return o;
}

static int add_task(void *ctx, const task_rec *t)
{
	cJSON_AddItemToArray(ctx, task_json(t, (int64_t)time(NULL)));
	return 0;
}

static int add_person(void *ctx, int64_t person_id, const char *number, const char *name,
		      const char *class_name, const char *first_date)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "person_id", (double)person_id);
	cJSON_AddStringToObject(o, "number", number);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "class", class_name);
	cJSON_AddStringToObject(o, "first_date", first_date);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

static int load_alert(http_request *req, http_response *res, policy_action act, alert_rec *a)
{
	int64_t id = http_parse_id(req->params[0]);
	if (id <= 0 || store_alert_get(req->store, id, a, NULL) != 0) {
		if (!http_deny(req, res, act, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL, "没有这条预警 (no such alert)");
		return 1;
	}
	return http_deny(req, res, act, a->school_id, 0);
}

void api_alert_get(http_request *req, http_response *res)
{
	alert_rec a;
	if (load_alert(req, res, POL_ALERT_READ, &a))
		return;
	cJSON *j = alert_json(req->store, &a, NULL);
	if (!j) {
		http_error(res, 500, "internal", NULL, "服务器内部错误 (internal error)");
		return;
	}
	cJSON *people = cJSON_AddArrayToObject(j, "people_detail");
	cJSON *tasks = cJSON_AddArrayToObject(j, "tasks");
	store_alert_people(req->store, a.id, add_person, people, NULL);
	store_task_list(req->store, a.school_id, a.id, 0, add_task, tasks, NULL);
	if (store_begin(req->store, NULL) == 0) {
		const cJSON *it;
		char id[24];
		cJSON_ArrayForEach(it, people) {
			int64_t pid = (int64_t)cJSON_GetObjectItem(it, "person_id")->valuedouble;
			snprintf(id, sizeof id, "%lld", (long long)a.id);
			http_audit(req, "read", "alert", id, pid, NULL);
		}
		store_commit(req->store, NULL);
	}
	cJSON *out = cJSON_CreateObject();
	cJSON_AddItemToObject(out, "alert", j);
	http_json(res, 200, out);
}

void api_alert_close(http_request *req, http_response *res)
{
	alert_rec a;
	if (load_alert(req, res, POL_ALERT_MANAGE, &a))
		return;
	snprintf(a.status, sizeof a.status, "closed");
	jy_err err;
	err_clear(&err);
	if (store_alert_update(req->store, &a, &err)) {
		http_error_from(res, &err);
		return;
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)a.id);
	http_audit(req, "update", "alert", id, 0, "closed");
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "alert", alert_json(req->store, &a, NULL));
	http_json(res, 200, j);
}

void api_alerts_evaluate(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_ALERT_MANAGE, req->user->school_id, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *from = http_field_str(b, "from", res, &bad);
	const char *to = http_field_str(b, "to", res, &bad);
	if (!bad && (!from || !to))
		http_error(res, 400, "invalid", from ? "to" : "from", "需要 from 和 to (from and to are required)");
	if (bad || !from || !to) {
		cJSON_Delete(b);
		return;
	}
	alert_changes ch;
	jy_err err;
	err_clear(&err);
	if (alerts_evaluate(req->store, req->user->school_id, from, to, NULL, &ch, &err)) {
		cJSON_Delete(b);
		http_error_from(res, &err);
		return;
	}
	cJSON_Delete(b);
	cJSON *j = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(j, "changed");
	for (size_t i = 0; i < ch.n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "alert_id", (double)ch.items[i].alert_id);
		cJSON_AddBoolToObject(o, "new", ch.items[i].created);
		cJSON_AddNumberToObject(o, "count", ch.items[i].count);
		cJSON_AddItemToArray(arr, o);
	}
	http_json(res, 200, j);
}

void api_tasks_list(http_request *req, http_response *res)
{
	const char *open = http_arg(req, "open");
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	/* Those who read alerts see every task; task owners (logistics, teachers)
	 * see the list too, so they know what is theirs. */
	policy_target as_reader = { req->user->school_id, 0, NULL };
	policy_target as_owner = { req->user->school_id, 0, req->user->role };
	if (policy_check(req->user, POL_ALERT_READ, &as_reader) != 0 &&
	    policy_check(req->user, POL_TASK_DONE, &as_owner) != 0) {
		cJSON_Delete(items);
		http_error(res, 403, "forbidden", NULL, "无权访问 (not allowed for role %s)", req->user->role);
		return;
	}
	if (store_task_list(req->store, req->user->school_id, 0, open && !strcmp(open, "1"), add_task,
			    items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

void api_task_done(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	task_rec t;
	if (id <= 0 || store_task_get(req->store, id, &t, NULL) != 0) {
		if (!http_deny(req, res, POL_ALERT_READ, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL, "没有这项任务 (no such task)");
		return;
	}
	policy_target target = { t.school_id, 0, t.owner_role };
	if (policy_check(req->user, POL_TASK_DONE, &target) != 0) {
		http_error(res, 403, "forbidden", NULL, "此任务由 %s 负责 (this task belongs to role %s)",
			   t.owner_role, t.owner_role);
		return;
	}
	const char *note = NULL;
	cJSON *b = NULL;
	if (req->body_len) {
		b = http_json_body(req, res);
		if (!b)
			return;
		int bad = 0;
		note = http_field_str(b, "note", res, &bad);
		if (bad) {
			cJSON_Delete(b);
			return;
		}
	}
	jy_err err;
	err_clear(&err);
	int rc = t.done_at ? 0 : store_task_done(req->store, t.id, req->user->id, (int64_t)time(NULL), note, &err);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)t.id);
	http_audit(req, "update", "task", ids, 0, "done");
	store_task_get(req->store, t.id, &t, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "task", task_json(&t, (int64_t)time(NULL)));
	http_json(res, 200, j);
}

/* ---- rules ---- */

static cJSON *rule_json(const rule_rec *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddBoolToObject(o, "district", r->school_id == 0);
	cJSON_AddStringToObject(o, "code", r->code);
	cJSON_AddStringToObject(o, "code_kind", r->code_kind);
	cJSON_AddStringToObject(o, "scope", r->scope);
	cJSON_AddNumberToObject(o, "window_days", r->window_days);
	cJSON_AddNumberToObject(o, "threshold", r->threshold);
	cJSON_AddStringToObject(o, "name_zh", r->name_zh);
	cJSON_AddStringToObject(o, "name_en", r->name_en);
	cJSON_AddBoolToObject(o, "enabled", r->enabled);
	return o;
}

static int add_rule(void *ctx, const rule_rec *r)
{
	cJSON_AddItemToArray(ctx, rule_json(r));
	return 0;
}

void api_rules_list(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_ALERT_READ, req->user->school_id, 0))
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_rule_list(req->store, req->user->school_id, add_rule, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

/* Apply and validate the rule fields of b into r; answers 400 on error. */
static int rule_fields(http_request *req, const cJSON *b, rule_rec *r, http_response *res)
{
	int bad = 0;
	const char *code = http_field_str(b, "code", res, &bad);
	const char *kind = http_field_str(b, "code_kind", res, &bad);
	const char *scope = http_field_str(b, "scope", res, &bad);
	const char *zh = http_field_str(b, "name_zh", res, &bad);
	const char *en = http_field_str(b, "name_en", res, &bad);
	int64_t v;
	if (http_field_int(b, "window_days", &v, res, &bad) == 1)
		r->window_days = (int)(v > 1000 ? 1000 : v < -1 ? -1 : v);
	if (http_field_int(b, "threshold", &v, res, &bad) == 1)
		r->threshold = (int)(v > 1000000 ? 1000000 : v < -1 ? -1 : v);
	if (bad)
		return 1;
	const cJSON *en_b = cJSON_GetObjectItemCaseSensitive(b, "enabled");
	if (en_b) {
		if (!cJSON_IsBool(en_b)) {
			http_error(res, 400, "invalid", "enabled", "enabled 应为 true/false");
			return 1;
		}
		r->enabled = cJSON_IsTrue(en_b);
	}
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(b, "district");
	if (d) {
		if (!cJSON_IsBool(d)) {
			http_error(res, 400, "invalid", "district", "district 应为 true/false");
			return 1;
		}
		r->school_id = cJSON_IsTrue(d) ? 0 : req->user->school_id;
	}
#define SET(field, v)                                                                          \
	if (v) {                                                                               \
		if (strlen(v) >= sizeof r->field) {                                            \
			http_error(res, 400, "invalid", #field, #field " 过长 (too long)");     \
			return 1;                                                              \
		}                                                                              \
		snprintf(r->field, sizeof r->field, "%s", v);                                  \
	}
	SET(code, code)
	SET(code_kind, kind)
	SET(scope, scope)
	SET(name_zh, zh)
	SET(name_en, en)
#undef SET
	if (strcmp(r->code_kind, "diagnosis") && strcmp(r->code_kind, "symptom") &&
	    strcmp(r->code_kind, "syndrome") && strcmp(r->code_kind, "any_symptom")) {
		http_error(res, 400, "invalid", "code_kind", "code_kind 应为 diagnosis/symptom/syndrome/any_symptom");
		return 1;
	}
	if ((!strcmp(r->code_kind, "diagnosis") && !codes_diagnosis(r->code)) ||
	    (!strcmp(r->code_kind, "symptom") && !codes_symptom(r->code)) ||
	    (!strcmp(r->code_kind, "syndrome") && strcmp(r->code, "ili"))) {
		http_error(res, 400, "invalid", "code", "未知代码 (unknown code): %s", r->code);
		return 1;
	}
	if (!strcmp(r->code_kind, "any_symptom"))
		snprintf(r->code, sizeof r->code, "*");
	if (strcmp(r->scope, "class") && strcmp(r->scope, "dorm") && strcmp(r->scope, "school")) {
		http_error(res, 400, "invalid", "scope", "scope 应为 class/dorm/school");
		return 1;
	}
	if (r->window_days < 1 || r->window_days > 60) {
		http_error(res, 400, "invalid", "window_days", "window_days 应为 1–60");
		return 1;
	}
	if (r->threshold < 1 || r->threshold > 100000) {
		http_error(res, 400, "invalid", "threshold", "threshold 应为 1–100000");
		return 1;
	}
	if (!r->name_zh[0]) {
		http_error(res, 400, "invalid", "name_zh", "需要中文名称 (name_zh is required)");
		return 1;
	}
	return 0;
}

static void save_rule(http_request *req, http_response *res, rule_rec *r, int created)
{
	int64_t id = 0;
	jy_err err;
	err_clear(&err);
	if (store_rule_save(req->store, r, &id, &err)) {
		http_error_from(res, &err);
		return;
	}
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	http_audit(req, created ? "create" : "update", "rule", ids, 0, r->name_zh);
	store_rule_get(req->store, id, r, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "rule", rule_json(r));
	http_json(res, created ? 201 : 200, j);
}

void api_rule_create(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_RULE_EDIT, req->user->school_id, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	rule_rec r;
	memset(&r, 0, sizeof r);
	r.school_id = strcmp(req->user->role, "district") ? req->user->school_id : 0;
	r.enabled = 1;
	r.window_days = r.threshold = -1;
	if (!rule_fields(req, b, &r, res))
		save_rule(req, res, &r, 1);
	cJSON_Delete(b);
}

void api_rule_update(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	rule_rec r;
	if (id <= 0 || store_rule_get(req->store, id, &r, NULL) != 0) {
		if (!http_deny(req, res, POL_RULE_EDIT, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL, "没有这条规则 (no such rule)");
		return;
	}
	/* A school admin may change their school's rules; the district's rules
	 * belong to district users. */
	if (http_deny(req, res, POL_RULE_EDIT, r.school_id ? r.school_id : req->user->school_id, 0))
		return;
	if (!r.school_id && strcmp(req->user->role, "district")) {
		http_error(res, 403, "forbidden", NULL, "区级规则只能由区级用户修改 (district rules are changed by district users)");
		return;
	}
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	if (!rule_fields(req, b, &r, res))
		save_rule(req, res, &r, 0);
	cJSON_Delete(b);
}
