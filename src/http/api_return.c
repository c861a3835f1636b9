/*
 * api_return.c — the return to school (开学复课) over HTTP: the return
 * plan, the overview for the leading group and the names behind it,
 * screening (results, runs, rules, risk regions, hold lifts),
 * declarations (by staff, and through personal links without an account),
 * students who cannot return with their tutoring, key-group carers.
 *
 *   GET  /api/return/batches                       the plan
 *   POST /api/return/batches  {"batch","class","return_date"}
 *   GET  /api/return/overview?date=&class_id=
 *   GET  /api/return/overview/people?date=&what=&class_id=&batch_id=
 *   GET  /api/return/screening?date=&status=&class_id=
 *   POST /api/return/screening {"date"}            screen everyone back that day
 *   GET  /api/people/{id}/screening?date=          one result, its reasons and lifts
 *   POST /api/people/{id}/hold-lifts {"action","note","return_date"}
 *   GET  /api/people/{id}/declarations
 *   POST /api/people/{id}/declarations {"items":[{kind,date_from,date_to,region,transport,
 *                                        temperature,symptoms,note}]}
 *   DELETE /api/declarations/{id}
 *   GET  /api/declarations/flags?class_id=&since=&days=
 *   POST /api/declare/links {"class_id"|"person_ids":[…],"minor","valid_until"}
 *   GET  /api/declare/{token}     (public: the token is the credential)
 *   POST /api/declare/{token}     {"reporter","guardian_name","relation","consent","items":[…]}
 *   GET  /api/risk-regions?version=     PUT /api/risk-regions {"items":[…],"note","district"}
 *   GET  /api/risk-regions/versions
 *   GET  /api/screen-rules   POST /api/screen-rules   PUT /api/screen-rules/{id}
 *   GET  /api/return/not-returned?class_id=&open=1
 *   POST /api/return/not-returned {"person_id"|"number","reason","detail","expected_date"}
 *   PUT  /api/return/not-returned/{id} {"reason","detail","expected_date","returned_date"}
 *   GET  /api/return/not-returned/{id}/plan   PUT … {"tutor_no"|"tutor","plan","sessions_planned"}
 *   POST /api/return/not-returned/{id}/sessions {"date","minutes","topic","progress"}
 *   GET  /api/return/key-groups?class_id=   PUT /api/return/key-groups/{person_id}
 *                                           {"group","carer_no","note"}
 *
 * Every read or change of a person's health data (declarations, screening
 * results, names behind a number) is written to the audit log.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/codes.h"
#include "domain/declarations.h"
#include "domain/return_care.h"
#include "domain/return_overview.h"
#include "domain/return_plan.h"
#include "domain/screening.h"
#include "http/internal.h"
#include "util/date.h"

/* ---- helpers ---- */

static const char *today(char buf[11])
{
	date_format(date_today_cst(), buf);
	return buf;
}

/* The school a request is about: the user's, or ?school_id= for district users. */
static int64_t school_of(http_request *req, http_response *res)
{
	if (req->user->school_id)
		return req->user->school_id;
	const char *v = http_arg(req, "school_id");
	int64_t id = v ? http_parse_id(v) : -1;
	if (id <= 0) {
		http_error(res, 400, "invalid", "school_id", "需要 school_id (school_id is required)");
		return 0;
	}
	return id;
}

/* An optional id argument: 0 when absent, -1 (answered 400) when malformed. */
static int64_t id_arg(http_request *req, http_response *res, const char *name)
{
	const char *v = http_arg(req, name);
	if (!v || !*v)
		return 0;
	int64_t id = http_parse_id(v);
	if (id < 0)
		http_error(res, 400, "invalid", name, "%s 应为正整数 (%s must be a positive integer)", name, name);
	return id;
}

/* A date argument (default today CST); NULL (answered 400) when malformed. */
static const char *date_arg(http_request *req, http_response *res, const char *name, char buf[11])
{
	const char *v = http_arg(req, name);
	int32_t d;
	if (!v)
		return today(buf);
	if (date_parse(v, &d)) {
		http_error(res, 400, "invalid", name, "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		return NULL;
	}
	return v;
}

static void audit_person(http_request *req, const char *action, const char *entity, int64_t person_id,
			 const char *detail)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)person_id);
	http_audit(req, action, entity, id, person_id, detail);
}

/* Load the person of route parameter idx and ask the policy. */
static int load_person(http_request *req, http_response *res, int idx, policy_action act, person_rec *p)
{
	int64_t id = http_parse_id(req->params[idx]);
	jy_err err;
	err_clear(&err);
	int rc = id > 0 ? store_person_get(req->store, id, p, &err) : JY_ENOENT;
	if (rc == JY_ENOENT) {
		if (!http_deny(req, res, act, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL, "没有这个人 (no such person)");
		return 1;
	}
	if (rc) {
		http_error_from(res, &err);
		return 1;
	}
	return http_deny(req, res, act, p->school_id, p->class_id);
}

static const char *str_field(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- the plan ---- */

static int add_batch_row(void *ctx, const batch_class_row *r)
{
	cJSON *items = ctx;
	cJSON *b = cJSON_GetArrayItem(items, cJSON_GetArraySize(items) - 1);
	if (!b || (int64_t)cJSON_GetObjectItem(b, "id")->valuedouble != r->batch_id) {
		b = cJSON_CreateObject();
		cJSON_AddNumberToObject(b, "id", (double)r->batch_id);
		cJSON_AddStringToObject(b, "batch", r->batch);
		cJSON_AddStringToObject(b, "return_date", r->return_date);
		cJSON_AddArrayToObject(b, "classes");
		cJSON_AddNumberToObject(b, "enrolled", 0);
		cJSON_AddItemToArray(items, b);
	}
	if (r->class_id) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "class_id", (double)r->class_id);
		cJSON_AddStringToObject(c, "class", r->class_name);
		cJSON_AddNumberToObject(c, "enrolled", (double)r->enrolled);
		cJSON_AddItemToArray(cJSON_GetObjectItem(b, "classes"), c);
		cJSON *e = cJSON_GetObjectItem(b, "enrolled");
		cJSON_SetNumberValue(e, e->valuedouble + (double)r->enrolled);
	}
	return 0;
}

void api_return_batches(http_request *req, http_response *res)
{
	int64_t school = school_of(req, res);
	if (!school || http_deny(req, res, POL_RETURN_READ, school, 0))
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_batch_list(req->store, school, add_batch_row, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "plan", cJSON_GetArraySize(items) > 0);
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

void api_return_batch_set(http_request *req, http_response *res)
{
	int64_t school = req->user->school_id;
	if (http_deny(req, res, POL_RETURN_PLAN, school, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *batch = http_field_str(b, "batch", res, &bad);
	const char *cls = http_field_str(b, "class", res, &bad);
	const char *date = http_field_str(b, "return_date", res, &bad);
	jy_err err;
	err_clear(&err);
	if (!bad && return_plan_set(req->store, school, batch, cls, date, &err))
		http_error_from(res, &err);
	else if (!bad) {
		http_audit(req, "update", "return_batch", batch, 0, cls);
		api_return_batches(req, res);
	}
	cJSON_Delete(b);
}

/* ---- overview ---- */

static cJSON *counts_json(const overview_counts *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "expected", (double)c->expected);
	cJSON_AddNumberToObject(o, "declared", (double)c->declared);
	cJSON_AddNumberToObject(o, "cleared", (double)c->cleared);
	cJSON_AddNumberToObject(o, "monitor", (double)c->monitor);
	cJSON_AddNumberToObject(o, "hold", (double)c->hold);
	cJSON_AddNumberToObject(o, "unscreened", (double)c->unscreened);
	cJSON_AddNumberToObject(o, "arrived", (double)c->arrived);
	cJSON_AddNumberToObject(o, "refused", (double)c->refused);
	cJSON_AddNumberToObject(o, "not_returned", (double)c->not_returned);
	cJSON *by = cJSON_AddObjectToObject(o, "not_returned_by");
	static const char *const reasons[OV_REASONS] = { "illness", "quarantine", "travel", "family", "other" };
	for (int i = 0; i < OV_REASONS; i++)
		cJSON_AddNumberToObject(by, reasons[i], (double)c->not_returned_by[i]);
	cJSON_AddNumberToObject(o, "missing", (double)c->missing);
	return o;
}

static cJSON *row_json(const overview_row *r, int with_class)
{
	cJSON *o = counts_json(&r->c);
	cJSON *head = cJSON_CreateObject();
	cJSON_AddNumberToObject(head, "batch_id", (double)r->batch_id);
	cJSON_AddStringToObject(head, "batch", r->batch);
	cJSON_AddStringToObject(head, "return_date", r->return_date);
	cJSON_AddBoolToObject(head, "due", r->due);
	if (with_class) {
		cJSON_AddNumberToObject(head, "class_id", (double)r->class_id);
		cJSON_AddStringToObject(head, "class", r->class_name);
	}
	/* The identifying keys first, then the numbers. */
	cJSON *it = o->child;
	while (it) {
		cJSON *next = it->next;
		cJSON_AddItemToObject(head, it->string, cJSON_DetachItemViaPointer(o, it));
		it = next;
	}
	cJSON_Delete(o);
	return head;
}

void api_return_overview(http_request *req, http_response *res)
{
	int64_t school = school_of(req, res);
	char tbuf[11];
	const char *date = date_arg(req, res, "date", tbuf);
	int64_t class_id = id_arg(req, res, "class_id");
	if (!school || !date || class_id < 0 || http_deny(req, res, POL_RETURN_READ, school, class_id))
		return;
	return_overview o;
	jy_err err;
	err_clear(&err);
	if (return_overview_build(req->store, school, date, class_id, &o, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_audit(req, "read", "return_overview", "", 0, date);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "date", o.date);
	cJSON_AddBoolToObject(j, "plan", o.plan);
	cJSON *batches = cJSON_AddArrayToObject(j, "batches");
	for (size_t i = 0; i < o.nbatches; i++) {
		cJSON *b = row_json(&o.batches[i], 0);
		cJSON *classes = cJSON_AddArrayToObject(b, "classes");
		for (size_t k = 0; k < o.nclasses; k++)
			if (o.classes[k].batch_id == o.batches[i].batch_id)
				cJSON_AddItemToArray(classes, row_json(&o.classes[k], 1));
		cJSON_AddItemToArray(batches, b);
	}
	cJSON_AddItemToObject(j, "total", counts_json(&o.total));
	return_overview_free(&o);
	http_json(res, 200, j);
}

typedef struct people_out {
	cJSON *items;
	int64_t *ids;
	size_t n, cap;
} people_out;

static int add_overview_person(void *ctx, const overview_person *p)
{
	people_out *x = ctx;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "person_id", (double)p->person_id);
	cJSON_AddStringToObject(o, "number", p->number);
	cJSON_AddStringToObject(o, "name", p->name);
	cJSON_AddStringToObject(o, "class", p->class_name);
	cJSON_AddStringToObject(o, "batch", p->batch);
	cJSON_AddStringToObject(o, "return_date", p->return_date);
	cJSON_AddStringToObject(o, "status", p->status);
	cJSON_AddBoolToObject(o, "declared", p->declared);
	cJSON_AddBoolToObject(o, "arrived", p->arrived);
	cJSON_AddBoolToObject(o, "refused", p->refused);
	if (p->not_returned[0]) {
		cJSON_AddStringToObject(o, "not_returned", p->not_returned);
		cJSON_AddStringToObject(o, "not_returned_zh", return_care_reason_zh(p->not_returned));
	} else {
		cJSON_AddNullToObject(o, "not_returned");
	}
	cJSON_AddItemToArray(x->items, o);
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		int64_t *g = realloc(x->ids, cap * sizeof *g);
		if (!g)
			return 1;
		x->ids = g;
		x->cap = cap;
	}
	x->ids[x->n++] = p->person_id;
	return 0;
}

/* One audit record per person whose health data was shown. */
static void audit_people(http_request *req, const int64_t *ids, size_t n, const char *entity,
			 const char *detail)
{
	if (!n || store_begin(req->store, NULL) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		audit_person(req, "read", entity, ids[i], detail);
	store_commit(req->store, NULL);
}

void api_return_overview_people(http_request *req, http_response *res)
{
	int64_t school = school_of(req, res);
	char tbuf[11];
	const char *date = date_arg(req, res, "date", tbuf);
	const char *what = http_arg(req, "what");
	int64_t class_id = 0, batch_id = id_arg(req, res, "batch_id");
	const char *cv = http_arg(req, "class_id");
	if (cv && !strcmp(cv, "staff"))
		class_id = -1;
	else
		class_id = id_arg(req, res, "class_id");
	if (!school || !date || batch_id < 0 || (class_id < 0 && (!cv || strcmp(cv, "staff"))))
		return;
	if (http_deny(req, res, POL_RETURN_READ, school, class_id > 0 ? class_id : 0))
		return;
	if (!return_overview_what_valid(what)) {
		http_error(res, 400, "invalid", "what",
			   "what 应为 expected/declared/undeclared/cleared/monitor/hold/unscreened/arrived/refused/not_returned/missing");
		return;
	}
	people_out x = { cJSON_CreateArray(), NULL, 0, 0 };
	jy_err err;
	err_clear(&err);
	if (return_overview_people(req->store, school, date, what, class_id, batch_id, add_overview_person, &x, &err)) {
		cJSON_Delete(x.items);
		free(x.ids);
		http_error_from(res, &err);
		return;
	}
	char detail[64];
	snprintf(detail, sizeof detail, "%s %s", date, what);
	audit_people(req, x.ids, x.n, "return_status", detail);
	free(x.ids);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "date", date);
	cJSON_AddStringToObject(j, "what", what);
	cJSON_AddItemToObject(j, "items", x.items);
	http_json(res, 200, j);
}

/* ---- screening ---- */

/* Reasons JSON → [{"zh","en","status","lifted","rule"}] plus "reasons_text": ["zh (en)"]. */
static void reasons_out(cJSON *o, const char *json)
{
	cJSON *a = cJSON_Parse(json && *json ? json : "[]");
	if (!a)
		a = cJSON_CreateArray();
	cJSON *text = cJSON_CreateArray();
	const cJSON *it;
	cJSON_ArrayForEach(it, a) {
		const char *zh = str_field(it, "zh"), *en = str_field(it, "en");
		char buf[900];
		snprintf(buf, sizeof buf, "%s (%s)%s", zh ? zh : "", en ? en : "",
			 cJSON_IsTrue(cJSON_GetObjectItem(it, "lifted")) ? " [已解除 lifted]" : "");
		cJSON_AddItemToArray(text, cJSON_CreateString(buf));
	}
	cJSON_AddItemToObject(o, "reasons", text);
	cJSON_AddItemToObject(o, "reason_details", a);
}

typedef struct result_ctx {
	store *s;
	cJSON *items;
	const char *status;
	int64_t class_id;
	int64_t *ids;
	size_t n, cap;
} result_ctx;

static int add_result(void *ctx, const screen_result_rec *r)
{
	result_ctx *x = ctx;
	if (x->status && strcmp(x->status, r->status))
		return 0;
	person_rec p;
	if (store_person_get(x->s, r->person_id, &p, NULL) != 0)
		return 0;
	if (x->class_id && p.class_id != x->class_id)
		return 0;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "person", p.number);
	cJSON_AddNumberToObject(o, "person_id", (double)p.id);
	cJSON_AddStringToObject(o, "name", p.name);
	cJSON_AddStringToObject(o, "class", p.class_name);
	cJSON_AddStringToObject(o, "status", r->status);
	reasons_out(o, r->reasons);
	cJSON_AddStringToObject(o, "return_date", r->return_date);
	cJSON_AddNumberToObject(o, "risk_version", (double)r->risk_version_id);
	cJSON_AddBoolToObject(o, "declared", r->declared);
	cJSON_AddNumberToObject(o, "screened_at", (double)r->screened_at);
	cJSON_AddItemToArray(x->items, o);
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		int64_t *g = realloc(x->ids, cap * sizeof *g);
		if (!g)
			return 1;
		x->ids = g;
		x->cap = cap;
	}
	x->ids[x->n++] = p.id;
	return 0;
}

void api_return_screening_list(http_request *req, http_response *res)
{
	int64_t school = school_of(req, res);
	char tbuf[11];
	const char *date = date_arg(req, res, "date", tbuf);
	int64_t class_id = id_arg(req, res, "class_id");
	const char *status = http_arg(req, "status");
	if (!school || !date || class_id < 0 || http_deny(req, res, POL_RETURN_READ, school, class_id))
		return;
	if (status && screen_status_parse(status) < 0) {
		http_error(res, 400, "invalid", "status", "status 应为 cleared/monitor/hold");
		return;
	}
	result_ctx x = { req->store, cJSON_CreateArray(), status, class_id, NULL, 0, 0 };
	jy_err err;
	err_clear(&err);
	if (store_screen_result_list(req->store, school, date, add_result, &x, &err)) {
		cJSON_Delete(x.items);
		free(x.ids);
		http_error_from(res, &err);
		return;
	}
	audit_people(req, x.ids, x.n, "screening", date);
	free(x.ids);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "date", date);
	cJSON_AddItemToObject(j, "items", x.items);
	http_json(res, 200, j);
}

void api_return_screening_run(http_request *req, http_response *res)
{
	int64_t school = req->user->school_id;
	if (http_deny(req, res, POL_SCREEN_RUN, school, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *date = http_field_str(b, "date", res, &bad);
	if (!bad && !date)
		http_error(res, 400, "invalid", "date", "需要 date (date is required)");
	if (bad || !date) {
		cJSON_Delete(b);
		return;
	}
	screening_summary sum;
	jy_err err;
	err_clear(&err);
	if (screening_run(req->store, school, date, NULL, NULL, &sum, &err)) {
		cJSON_Delete(b);
		http_error_from(res, &err);
		return;
	}
	char detail[96];
	snprintf(detail, sizeof detail, "%s: %ld people", date, sum.people);
	http_audit(req, "update", "screening", date, 0, detail);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "date", date);
	cJSON_AddNumberToObject(j, "people", (double)sum.people);
	cJSON_AddNumberToObject(j, "cleared", (double)sum.cleared);
	cJSON_AddNumberToObject(j, "monitor", (double)sum.monitor);
	cJSON_AddNumberToObject(j, "hold", (double)sum.hold);
	cJSON_AddNumberToObject(j, "risk_version", (double)sum.risk_version);
	cJSON_Delete(b);
	http_json(res, 200, j);
}

static int add_lift_json(void *ctx, const hold_lift_rec *l)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)l->id);
	cJSON_AddStringToObject(o, "return_date", l->return_date);
	cJSON_AddStringToObject(o, "action", l->action);
	cJSON_AddStringToObject(o, "action_zh", screening_lift_action_zh(l->action));
	cJSON_AddStringToObject(o, "note", l->note);
	cJSON_AddStringToObject(o, "lifted_by", l->lifted_by_name);
	cJSON_AddNumberToObject(o, "lifted_at", (double)l->lifted_at);
	cJSON *r = cJSON_AddArrayToObject(o, "reasons");
	const char *p = l->reasons;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *t = strndup(p, len);
		if (t)
			cJSON_AddItemToArray(r, cJSON_CreateString(t));
		free(t);
		p = nl ? nl + 1 : NULL;
	}
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

static cJSON *result_json(const person_rec *p, const screen_result_rec *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "person", p->number);
	cJSON_AddNumberToObject(o, "person_id", (double)p->id);
	cJSON_AddStringToObject(o, "name", p->name);
	cJSON_AddStringToObject(o, "class", p->class_name);
	cJSON_AddStringToObject(o, "return_date", r->return_date);
	cJSON_AddStringToObject(o, "status", r->status);
	reasons_out(o, r->reasons);
	cJSON_AddNumberToObject(o, "risk_version", (double)r->risk_version_id);
	cJSON_AddBoolToObject(o, "declared", r->declared);
	cJSON_AddNumberToObject(o, "screened_at", (double)r->screened_at);
	return o;
}

/* The return date to use for a person: ?date= / body, else planned, else today. */
static void person_return_date(http_request *req, const person_rec *p, const char *given, char out[11])
{
	if (given && *given) {
		snprintf(out, 11, "%s", given);
		return;
	}
	int plan = 0;
	out[0] = 0;
	return_plan_date(req->store, p->school_id, p->kind, p->class_id, out, &plan, NULL);
	if (!out[0])
		today(out);
}

void api_person_screening(http_request *req, http_response *res)
{
	person_rec p;
	if (load_person(req, res, 0, POL_DECLARATION_READ, &p))
		return;
	const char *given = http_arg(req, "date");
	int32_t d;
	if (given && date_parse(given, &d)) {
		http_error(res, 400, "invalid", "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		return;
	}
	char date[11];
	person_return_date(req, &p, given, date);
	screen_result_rec r;
	jy_err err;
	err_clear(&err);
	if (screening_status(req->store, p.school_id, p.id, date, 1, &r, &err)) {
		http_error_from(res, &err);
		return;
	}
	audit_person(req, "read", "screening", p.id, date);
	cJSON *j = cJSON_CreateObject();
	cJSON *o = result_json(&p, &r);
	free(r.reasons);
	cJSON *lifts = cJSON_AddArrayToObject(o, "lifts");
	store_hold_lift_list(req->store, p.school_id, p.id, add_lift_json, lifts, NULL);
	cJSON_AddItemToObject(j, "screening", o);
	http_json(res, 200, j);
}

void api_person_hold_lift(http_request *req, http_response *res)
{
	person_rec p;
	if (load_person(req, res, 0, POL_HOLD_LIFT, &p))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *action = http_field_str(b, "action", res, &bad);
	const char *note = http_field_str(b, "note", res, &bad);
	const char *date = http_field_str(b, "return_date", res, &bad);
	if (bad) {
		cJSON_Delete(b);
		return;
	}
	screen_result_rec r;
	jy_err err;
	err_clear(&err);
	if (screening_lift(req->store, p.school_id, p.id, date, action, note, req->user->id, &r, &err)) {
		cJSON_Delete(b);
		http_error_from(res, &err);
		return;
	}
	char detail[96];
	snprintf(detail, sizeof detail, "%s %s → %s", r.return_date, action, r.status);
	audit_person(req, "update", "hold_lift", p.id, detail);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "screening", result_json(&p, &r));
	free(r.reasons);
	cJSON_Delete(b);
	http_json(res, 201, j);
}

/* ---- declarations ---- */

static cJSON *declaration_json(const declaration_rec *d)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)d->id);
	cJSON_AddStringToObject(o, "kind", d->kind);
	cJSON_AddStringToObject(o, "date_from", d->date_from);
	cJSON_AddStringToObject(o, "date_to", d->date_to);
	cJSON_AddStringToObject(o, "region", d->region);
	cJSON_AddStringToObject(o, "transport", d->transport);
	if (d->temperature >= 0)
		cJSON_AddNumberToObject(o, "temperature", d->temperature);
	else
		cJSON_AddNullToObject(o, "temperature");
	cJSON *sy = cJSON_AddArrayToObject(o, "symptoms");
	char buf[200];
	snprintf(buf, sizeof buf, "%s", d->symptoms);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(sy, cJSON_CreateString(t));
	cJSON_AddStringToObject(o, "note", d->note);
	cJSON_AddStringToObject(o, "source", d->source);
	cJSON_AddStringToObject(o, "reporter", d->reporter);
	cJSON_AddNumberToObject(o, "submitted_at", (double)d->submitted_at);
	return o;
}

static int add_declaration(void *ctx, const declaration_rec *d)
{
	cJSON_AddItemToArray(ctx, declaration_json(d));
	return 0;
}

/*
 * Read and check the "items" array of a declaration body.  *out (malloc'd)
 * and *n receive the checked facts; answers 400 naming items[i].field and
 * returns -1 on the first problem.
 */
static int parse_items(const cJSON *b, http_response *res, declaration_rec **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(b, "items");
	if (!cJSON_IsArray(items) || !cJSON_GetArraySize(items)) {
		http_error(res, 400, "invalid", "items", "需要申报项数组 items (items must be a non-empty array)");
		return -1;
	}
	size_t count = (size_t)cJSON_GetArraySize(items);
	if (count > 500) {
		http_error(res, 400, "invalid", "items", "申报项过多 (at most 500 items)");
		return -1;
	}
	declaration_rec *d = calloc(count, sizeof *d);
	if (!d) {
		http_error(res, 500, "internal", NULL, "out of memory");
		return -1;
	}
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, items) {
		char field[64];
		if (!cJSON_IsObject(it)) {
			snprintf(field, sizeof field, "items[%zu]", i);
			http_error(res, 400, "invalid", field, "每一项应为对象 (each item must be an object)");
			free(d);
			return -1;
		}
		static const char *const strs[] = { "kind", "date_from", "date_to", "region", "transport", "note" };
		for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, strs[k]);
			if (v && !cJSON_IsNull(v) && !cJSON_IsString(v)) {
				snprintf(field, sizeof field, "items[%zu].%s", i, strs[k]);
				http_error(res, 400, "invalid", field, "%s 应为字符串 (%s must be a string)", strs[k], strs[k]);
				free(d);
				return -1;
			}
		}
		char temp[32] = "", sym[200] = "";
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "temperature");
		if (cJSON_IsNumber(t))
			snprintf(temp, sizeof temp, "%.2f", t->valuedouble);
		else if (cJSON_IsString(t))
			snprintf(temp, sizeof temp, "%.30s", t->valuestring);
		else if (t && !cJSON_IsNull(t)) {
			snprintf(field, sizeof field, "items[%zu].temperature", i);
			http_error(res, 400, "invalid", field, "体温应为数字 (temperature must be a number)");
			free(d);
			return -1;
		}
		const cJSON *sv = cJSON_GetObjectItemCaseSensitive(it, "symptoms");
		if (cJSON_IsString(sv)) {
			snprintf(sym, sizeof sym, "%s", sv->valuestring);
		} else if (cJSON_IsArray(sv)) {
			const cJSON *e;
			cJSON_ArrayForEach(e, sv) {
				if (!cJSON_IsString(e))
					continue;
				size_t l = strlen(sym);
				snprintf(sym + l, sizeof sym - l, "%s%s", l ? ";" : "", e->valuestring);
			}
		}
		jy_err err;
		err_clear(&err);
		if (declarations_check(str_field(it, "kind"), str_field(it, "date_from"), str_field(it, "date_to"),
				       str_field(it, "region"), str_field(it, "transport"), temp, sym,
				       str_field(it, "note"), &d[i], &err)) {
			snprintf(field, sizeof field, "items[%zu].%.30s", i, err.column);
			http_error(res, 400, "invalid", field, "%s", err.msg);
			free(d);
			return -1;
		}
		i++;
	}
	*out = d;
	*n = i;
	return 0;
}

void api_person_declarations(http_request *req, http_response *res)
{
	person_rec p;
	if (load_person(req, res, 0, POL_DECLARATION_READ, &p))
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_declaration_list(req->store, p.id, add_declaration, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	audit_person(req, "read", "declarations", p.id, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "person_id", (double)p.id);
	cJSON_AddStringToObject(j, "person", p.number);
	cJSON_AddStringToObject(j, "name", p.name);
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

void api_person_declare(http_request *req, http_response *res)
{
	person_rec p;
	if (load_person(req, res, 0, POL_DECLARATION_WRITE, &p))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	declaration_rec *items = NULL;
	size_t n = 0;
	if (parse_items(b, res, &items, &n)) {
		cJSON_Delete(b);
		return;
	}
	cJSON_Delete(b);
	jy_err err;
	err_clear(&err);
	const char *reporter = !strcmp(req->user->role, "teacher") ? "teacher" : "staff";
	if (declarations_save(req->store, p.school_id, p.id, items, n, "staff", reporter, req->user->id,
			      NULL, &err)) {
		free(items);
		http_error_from(res, &err);
		return;
	}
	char detail[64];
	snprintf(detail, sizeof detail, "%zu items", n);
	audit_person(req, "create", "declarations", p.id, detail);
	free(items);
	api_person_declarations(req, res);
	res->status = 201;
}

void api_declaration_delete(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	declaration_rec d;
	person_rec p;
	if (id <= 0 || store_declaration_get(req->store, id, &d, NULL) != 0 ||
	    store_person_get(req->store, d.person_id, &p, NULL) != 0) {
		if (!http_deny(req, res, POL_DECLARATION_WRITE, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL, "没有这条申报 (no such declaration)");
		return;
	}
	if (http_deny(req, res, POL_DECLARATION_WRITE, p.school_id, p.class_id))
		return;
	jy_err err;
	err_clear(&err);
	if (declarations_remove(req->store, id, &d, &err)) {
		http_error_from(res, &err);
		return;
	}
	char detail[256];
	snprintf(detail, sizeof detail, "removed %s %s..%s %.80s t=%.1f s=%.40s", d.kind, d.date_from, d.date_to,
		 d.region, d.temperature, d.symptoms);
	audit_person(req, "delete", "declaration", p.id, detail);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "removed", declaration_json(&d));
	http_json(res, 200, j);
}

void api_declaration_flags(http_request *req, http_response *res)
{
	int64_t school = school_of(req, res);
	int64_t class_id = id_arg(req, res, "class_id");
	if (!school || class_id < 0 || http_deny(req, res, POL_DECLARATION_READ, school, class_id))
		return;
	char since[11];
	const char *sv = http_arg(req, "since");
	int32_t d;
	if (sv && date_parse(sv, &d)) {
		http_error(res, 400, "invalid", "since", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		return;
	}
	if (sv)
		snprintf(since, sizeof since, "%s", sv);
	else
		date_format(date_today_cst() - 30, since);
	const char *dv = http_arg(req, "days");
	int days = dv ? atoi(dv) : 3;
	if (days < 2 || days > 60) {
		http_error(res, 400, "invalid", "days", "days 应为 2–60 (days must be 2–60)");
		return;
	}
	declaration_flag *flags = NULL;
	size_t n = 0;
	jy_err err;
	err_clear(&err);
	if (declarations_flags(req->store, school, class_id, since, days, 120, &flags, &n, &err)) {
		http_error_from(res, &err);
		return;
	}
	cJSON *items = cJSON_CreateArray();
	int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
	for (size_t i = 0; i < n; i++) {
		const declaration_flag *f = &flags[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "person_id", (double)f->person_id);
		cJSON_AddStringToObject(o, "number", f->number);
		cJSON_AddStringToObject(o, "name", f->name);
		cJSON_AddStringToObject(o, "class", f->class_name);
		cJSON_AddNumberToObject(o, "days", f->days);
		cJSON_AddStringToObject(o, "from", f->from);
		cJSON_AddStringToObject(o, "to", f->to);
		char tod[16];
		snprintf(tod, sizeof tod, "%02d:%02d:%02d", f->time_of_day / 3600, f->time_of_day / 60 % 60,
			 f->time_of_day % 60);
		cJSON_AddStringToObject(o, "submitted_around", tod);
		char why[256];
		snprintf(why, sizeof why,
			 "连续 %d 天答案完全相同且提交时间相同（约 %s），疑似自动填报，请班主任核实 (identical answers submitted at the same time for %d days: possibly automated, please check)",
			 f->days, tod, f->days);
		cJSON_AddStringToObject(o, "reason", why);
		cJSON_AddItemToArray(items, o);
		if (ids)
			ids[i] = f->person_id;
	}
	if (ids)
		audit_people(req, ids, n, "declaration_flags", since);
	free(ids);
	free(flags);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "since", since);
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

/* ---- personal links ---- */

typedef struct link_people {
	int64_t *ids;
	size_t n, cap;
} link_people;

static int add_link_person(void *ctx, const person_rec *p)
{
	link_people *l = ctx;
	if (!p->active)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		int64_t *g = realloc(l->ids, cap * sizeof *g);
		if (!g)
			return 1;
		l->ids = g;
		l->cap = cap;
	}
	l->ids[l->n++] = p->id;
	return 0;
}

void api_declare_links(http_request *req, http_response *res)
{
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	int64_t class_id = 0, valid_until = 0;
	int has_class = http_field_int(b, "class_id", &class_id, res, &bad);
	http_field_int(b, "valid_until", &valid_until, res, &bad);
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(b, "person_ids");
	const cJSON *minor_v = cJSON_GetObjectItemCaseSensitive(b, "minor");
	int minor = cJSON_IsBool(minor_v) ? cJSON_IsTrue(minor_v) : -1;
	link_people people = { 0 };
	if (bad)
		goto out;
	if (has_class != 1 && !cJSON_IsArray(ids)) {
		http_error(res, 400, "invalid", "class_id", "需要 class_id 或 person_ids (class_id or person_ids is required)");
		goto out;
	}
	int64_t school = req->user->school_id;
	if (has_class == 1) {
		class_rec c;
		if (store_class_get(req->store, class_id, &c, NULL) != 0) {
			if (!http_deny(req, res, POL_DECLARE_LINK, school, 0))
				http_error(res, 404, "not_found", "class_id", "没有这个班级 (no such class)");
			goto out;
		}
		if (http_deny(req, res, POL_DECLARE_LINK, c.school_id, c.id))
			goto out;
		person_filter f = { .school_id = c.school_id, .class_id = c.id };
		store_person_list(req->store, &f, add_link_person, &people, NULL);
	} else {
		const cJSON *it;
		cJSON_ArrayForEach(it, ids) {
			person_rec p;
			int64_t id = cJSON_IsNumber(it) ? (int64_t)it->valuedouble : 0;
			if (id <= 0 || store_person_get(req->store, id, &p, NULL) != 0) {
				if (!http_deny(req, res, POL_DECLARE_LINK, school, 0))
					http_error(res, 404, "not_found", "person_ids", "没有这个人 (no such person)");
				goto out;
			}
			if (http_deny(req, res, POL_DECLARE_LINK, p.school_id, p.class_id))
				goto out;
			add_link_person(&people, &p);
		}
	}
	cJSON *items = cJSON_CreateArray();
	for (size_t i = 0; i < people.n; i++) {
		person_rec p;
		char token[AUTH_TOKEN_HEX];
		int64_t expires = 0;
		jy_err err;
		err_clear(&err);
		if (store_person_get(req->store, people.ids[i], &p, &err) ||
		    declarations_link_create(req->store, p.school_id, p.id, minor, valid_until, req->user->id, token,
					     &expires, &err)) {
			cJSON_Delete(items);
			http_error_from(res, &err);
			goto out;
		}
		audit_person(req, "create", "declare_link", p.id, NULL);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "person_id", (double)p.id);
		cJSON_AddStringToObject(o, "number", p.number);
		cJSON_AddStringToObject(o, "name", p.name);
		cJSON_AddStringToObject(o, "token", token);
		/* The link's API, and the web UI's page that uses it (pages/declare.js). */
		char url[128];
		snprintf(url, sizeof url, "/api/declare/%s", token);
		cJSON_AddStringToObject(o, "path", url);
		snprintf(url, sizeof url, "/declare/%s", token);
		cJSON_AddStringToObject(o, "url", url);
		cJSON_AddNumberToObject(o, "expires_at", (double)expires);
		cJSON_AddItemToArray(items, o);
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 201, j);
out:
	free(people.ids);
	cJSON_Delete(b);
}

/* The link of the {token} parameter; answers 401 when it does not work. */
static int open_link(http_request *req, http_response *res, declare_link_rec *l, person_rec *p)
{
	jy_err err;
	err_clear(&err);
	int rc = declarations_link_open(req->store, req->params[0], l, p, &err);
	if (rc == JY_EAUTH) {
		http_error(res, 401, "unauthorized", NULL, "%s", err.msg);
		return 1;
	}
	if (rc) {
		http_error_from(res, &err);
		return 1;
	}
	return 0;
}

/* What a link holder sees: the person (no more than the name and class),
 * the return date, the consent, and their declarations. */
static void link_answer(http_request *req, http_response *res, const declare_link_rec *l,
			const person_rec *p, int status)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *o = cJSON_AddObjectToObject(j, "person");
	cJSON_AddStringToObject(o, "number", p->number);
	cJSON_AddStringToObject(o, "name", p->name);
	cJSON_AddStringToObject(o, "class", p->class_name);
	cJSON_AddStringToObject(o, "kind", p->kind);
	char date[11] = "";
	int plan = 0;
	return_plan_date(req->store, p->school_id, p->kind, p->class_id, date, &plan, NULL);
	cJSON_AddStringToObject(j, "return_date", date);
	cJSON_AddNumberToObject(j, "expires_at", (double)l->expires_at);
	cJSON_AddBoolToObject(j, "minor", l->minor);
	cJSON_AddStringToObject(j, "reporter", l->minor ? "guardian" : "self");
	int found = 0;
	char name[96] = "";
	int64_t at = 0;
	store_consent_get(req->store, l->id, &found, name, sizeof name, &at, NULL);
	cJSON *c = cJSON_AddObjectToObject(j, "consent");
	cJSON_AddBoolToObject(c, "recorded", found);
	cJSON_AddStringToObject(c, "guardian_name", name);
	cJSON *items = cJSON_AddArrayToObject(j, "items");
	store_declaration_list(req->store, p->id, add_declaration, items, NULL);
	http_json(res, status, j);
}

/* The audit record of a link holder's access (no user: the link). */
static void audit_link(http_request *req, const declare_link_rec *l, const char *action)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)l->id);
	http_audit(req, action, "declare_link", id, l->person_id, "personal link");
}

void api_declare_get(http_request *req, http_response *res)
{
	declare_link_rec l;
	person_rec p;
	if (open_link(req, res, &l, &p))
		return;
	audit_link(req, &l, "read");
	link_answer(req, res, &l, &p, 200);
}

void api_declare_post(http_request *req, http_response *res)
{
	declare_link_rec l;
	person_rec p;
	if (open_link(req, res, &l, &p))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *reporter = http_field_str(b, "reporter", res, &bad);
	const char *guardian = http_field_str(b, "guardian_name", res, &bad);
	const char *relation = http_field_str(b, "relation", res, &bad);
	const cJSON *consent = cJSON_GetObjectItemCaseSensitive(b, "consent");
	declaration_rec *items = NULL;
	size_t n = 0;
	if (bad || parse_items(b, res, &items, &n)) {
		cJSON_Delete(b);
		return;
	}
	jy_err err;
	err_clear(&err);
	int rc = declarations_link_submit(req->store, &l, reporter, guardian, relation, cJSON_IsTrue(consent),
					  req->ip, items, n, &err);
	free(items);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_link(req, &l, "create");
	link_answer(req, res, &l, &p, 201);
}

/* ---- risk regions and rules ---- */

static int add_region_json(void *ctx, const risk_region_rec *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "region", r->region);
	cJSON_AddStringToObject(o, "level", r->level);
	cJSON_AddStringToObject(o, "valid_from", r->valid_from);
	if (r->valid_to[0])
		cJSON_AddStringToObject(o, "valid_to", r->valid_to);
	else
		cJSON_AddNullToObject(o, "valid_to");
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

static int add_version_json(void *ctx, const screen_version_rec *v)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)v->id);
	cJSON_AddStringToObject(o, "kind", v->kind);
	cJSON_AddBoolToObject(o, "district", v->school_id == 0);
	cJSON_AddNumberToObject(o, "created_at", (double)v->created_at);
	cJSON_AddStringToObject(o, "source", v->source);
	cJSON_AddStringToObject(o, "note", v->note);
	if (!strcmp(v->kind, "risk"))
		cJSON_AddNumberToObject(o, "regions", (double)v->regions);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

void api_risk_regions_get(http_request *req, http_response *res)
{
	int64_t school = school_of(req, res);
	if (!school || http_deny(req, res, POL_RISK_READ, school, 0))
		return;
	int64_t version = id_arg(req, res, "version");
	if (version < 0)
		return;
	jy_err err;
	err_clear(&err);
	if (!version && store_risk_version_current(req->store, school, &version, &err)) {
		http_error_from(res, &err);
		return;
	}
	cJSON *items = cJSON_CreateArray();
	if (store_risk_region_list(req->store, version, add_region_json, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "version", (double)version);
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

void api_risk_versions(http_request *req, http_response *res)
{
	int64_t school = school_of(req, res);
	if (!school || http_deny(req, res, POL_RISK_READ, school, 0))
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_screen_version_list(req->store, school, http_arg(req, "kind"), 200, add_version_json, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

void api_risk_regions_put(http_request *req, http_response *res)
{
	int district = !strcmp(req->user->scope_kind, "district");
	int64_t school = district ? 0 : req->user->school_id;
	if (http_deny(req, res, POL_SCREEN_EDIT, school, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *note = http_field_str(b, "note", res, &bad);
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(b, "items");
	risk_region_rec *rows = NULL;
	size_t n = 0;
	if (bad)
		goto out;
	if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) > 100000) {
		http_error(res, 400, "invalid", "items", "items 应为数组 (items must be an array of at most 100000)");
		goto out;
	}
	rows = calloc((size_t)cJSON_GetArraySize(items) + 1, sizeof *rows);
	const cJSON *it;
	cJSON_ArrayForEach(it, items) {
		jy_err err;
		err_clear(&err);
		if (!rows || !cJSON_IsObject(it) ||
		    screening_risk_check(str_field(it, "region"), str_field(it, "level"), str_field(it, "valid_from"),
					 str_field(it, "valid_to"), &rows[n], &err)) {
			char field[64];
			snprintf(field, sizeof field, "items[%zu].%.30s", n, err.column[0] ? err.column : "region");
			http_error(res, 400, "invalid", field, "%s", err.msg[0] ? err.msg : "无效 (invalid)");
			goto out;
		}
		n++;
	}
	jy_err err;
	err_clear(&err);
	int64_t version = 0;
	if (screening_risk_publish(req->store, school, req->user->id, "api", note, rows, n, &version, &err)) {
		http_error_from(res, &err);
		goto out;
	}
	char vid[24], detail[64];
	snprintf(vid, sizeof vid, "%lld", (long long)version);
	snprintf(detail, sizeof detail, "%zu regions", n);
	http_audit(req, "update", "risk_regions", vid, 0, detail);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "version", (double)version);
	cJSON_AddNumberToObject(j, "regions", (double)n);
	http_json(res, 201, j);
out:
	free(rows);
	cJSON_Delete(b);
}

static cJSON *srule_json(const screen_rule_rec *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddBoolToObject(o, "district", r->school_id == 0);
	cJSON_AddStringToObject(o, "kind", r->kind);
	cJSON_AddStringToObject(o, "level", r->level);
	cJSON_AddStringToObject(o, "region", r->region);
	cJSON_AddNumberToObject(o, "window_days", r->window_days);
	if (r->threshold >= 0)
		cJSON_AddNumberToObject(o, "threshold", r->threshold);
	else
		cJSON_AddNullToObject(o, "threshold");
	cJSON_AddStringToObject(o, "status", r->status);
	cJSON_AddStringToObject(o, "name_zh", r->name_zh);
	cJSON_AddStringToObject(o, "name_en", r->name_en);
	cJSON_AddStringToObject(o, "reason_zh", r->reason_zh);
	cJSON_AddStringToObject(o, "reason_en", r->reason_en);
	cJSON_AddBoolToObject(o, "enabled", r->enabled);
	return o;
}

static int add_srule(void *ctx, const screen_rule_rec *r)
{
	cJSON_AddItemToArray(ctx, srule_json(r));
	return 0;
}

void api_screen_rules_list(http_request *req, http_response *res)
{
	int64_t school = school_of(req, res);
	if (!school || http_deny(req, res, POL_RISK_READ, school, 0))
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_screen_rule_list(req->store, school, add_srule, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

/* Apply the JSON fields of a rule; answers 400 on a wrong type. */
static int srule_fields(const cJSON *b, screen_rule_rec *r, http_response *res)
{
	int bad = 0;
	static const struct {
		const char *name;
		size_t off, size;
	} strs[] = {
#define F(x) { #x, offsetof(screen_rule_rec, x), sizeof(((screen_rule_rec *)0)->x) }
		F(kind), F(level), F(region), F(status), F(name_zh), F(name_en), F(reason_zh), F(reason_en),
#undef F
	};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		const char *v = http_field_str(b, strs[i].name, res, &bad);
		if (bad)
			return 1;
		if (!v)
			continue;
		if (strlen(v) >= strs[i].size) {
			http_error(res, 400, "invalid", strs[i].name, "%s 过长 (too long)", strs[i].name);
			return 1;
		}
		snprintf((char *)r + strs[i].off, strs[i].size, "%s", v);
	}
	int64_t w;
	if (http_field_int(b, "window_days", &w, res, &bad) == 1)
		r->window_days = (int)(w > 1000 ? 1000 : w < -1 ? -1 : w);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "threshold");
	if (t && cJSON_IsNumber(t))
		r->threshold = t->valuedouble;
	else if (t && !cJSON_IsNull(t)) {
		http_error(res, 400, "invalid", "threshold", "threshold 应为数字 (threshold must be a number)");
		return 1;
	}
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(b, "enabled");
	if (en && !cJSON_IsBool(en)) {
		http_error(res, 400, "invalid", "enabled", "enabled 应为 true/false");
		return 1;
	}
	if (en)
		r->enabled = cJSON_IsTrue(en);
	return bad;
}

static void srule_save(http_request *req, http_response *res, screen_rule_rec *r, int created)
{
	int64_t id = 0;
	jy_err err;
	err_clear(&err);
	if (screening_rule_save(req->store, r, req->user->id, &id, &err)) {
		http_error_from(res, &err);
		return;
	}
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	http_audit(req, created ? "create" : "update", "screen_rule", ids, 0, r->name_zh);
	store_screen_rule_get(req->store, id, r, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "rule", srule_json(r));
	http_json(res, created ? 201 : 200, j);
}

void api_screen_rule_create(http_request *req, http_response *res)
{
	int district = !strcmp(req->user->scope_kind, "district");
	if (http_deny(req, res, POL_SCREEN_EDIT, district ? 0 : req->user->school_id, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	screen_rule_rec r;
	memset(&r, 0, sizeof r);
	r.school_id = district ? 0 : req->user->school_id;
	r.window_days = 14;
	r.threshold = -1;
	r.enabled = 1;
	if (!srule_fields(b, &r, res))
		srule_save(req, res, &r, 1);
	cJSON_Delete(b);
}

void api_screen_rule_update(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	screen_rule_rec r;
	int district = !strcmp(req->user->scope_kind, "district");
	if (id <= 0 || store_screen_rule_get(req->store, id, &r, NULL) != 0) {
		if (!http_deny(req, res, POL_SCREEN_EDIT, district ? 0 : req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL, "没有这条筛查规则 (no such screening rule)");
		return;
	}
	/* The district's rules (school_id 0) are the district's to change:
	 * the policy sees them as not bound to the user's school only for
	 * district-scoped users. */
	policy_target t = { r.school_id ? r.school_id : -1, 0, NULL };
	if (district)
		t.school_id = r.school_id;
	if (policy_check(req->user, POL_SCREEN_EDIT, &t) != 0) {
		http_error(res, 403, "forbidden", NULL,
			   "无权修改此规则：区级规则由区级用户修改 (not allowed: district rules are changed by district users)");
		return;
	}
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	if (!srule_fields(b, &r, res))
		srule_save(req, res, &r, 0);
	cJSON_Delete(b);
}

/* ---- students who cannot return, tutoring ---- */

static cJSON *absence_json(const return_absence_rec *a)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddNumberToObject(o, "person_id", (double)a->person_id);
	cJSON_AddStringToObject(o, "number", a->number);
	cJSON_AddStringToObject(o, "name", a->name);
	cJSON_AddStringToObject(o, "class", a->class_name);
	cJSON_AddStringToObject(o, "reason", a->reason);
	cJSON_AddStringToObject(o, "reason_zh", return_care_reason_zh(a->reason));
	cJSON_AddStringToObject(o, "detail", a->detail);
	cJSON_AddStringToObject(o, "expected_date", a->expected_date);
	cJSON_AddStringToObject(o, "returned_date", a->returned_date);
	if (a->plan_id) {
		cJSON *p = cJSON_AddObjectToObject(o, "tutoring");
		cJSON_AddNumberToObject(p, "plan_id", (double)a->plan_id);
		cJSON_AddStringToObject(p, "tutor", a->tutor_name);
		cJSON_AddNumberToObject(p, "sessions_planned", a->sessions_planned);
		cJSON_AddNumberToObject(p, "sessions_done", a->sessions_done);
	} else {
		cJSON_AddNullToObject(o, "tutoring");
	}
	return o;
}

typedef struct absence_ctx {
	cJSON *items;
	int64_t *ids;
	size_t n, cap;
} absence_ctx;

static int add_absence(void *ctx, const return_absence_rec *a)
{
	absence_ctx *x = ctx;
	cJSON_AddItemToArray(x->items, absence_json(a));
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		int64_t *g = realloc(x->ids, cap * sizeof *g);
		if (!g)
			return 1;
		x->ids = g;
		x->cap = cap;
	}
	x->ids[x->n++] = a->person_id;
	return 0;
}

void api_not_returned_list(http_request *req, http_response *res)
{
	int64_t school = school_of(req, res);
	int64_t class_id = id_arg(req, res, "class_id");
	if (!school || class_id < 0 || http_deny(req, res, POL_RETURN_READ, school, class_id))
		return;
	const char *open = http_arg(req, "open");
	absence_ctx x = { cJSON_CreateArray(), NULL, 0, 0 };
	jy_err err;
	err_clear(&err);
	if (store_return_absence_list(req->store, school, class_id, open && !strcmp(open, "1"), add_absence, &x,
				      &err)) {
		cJSON_Delete(x.items);
		free(x.ids);
		http_error_from(res, &err);
		return;
	}
	audit_people(req, x.ids, x.n, "not_returned", NULL);
	free(x.ids);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", x.items);
	http_json(res, 200, j);
}

static void absence_answer(http_request *req, http_response *res, int64_t id, int status)
{
	return_absence_rec a;
	jy_err err;
	err_clear(&err);
	if (store_return_absence_get(req->store, id, &a, &err)) {
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "not_returned", absence_json(&a));
	http_json(res, status, j);
}

void api_not_returned_create(http_request *req, http_response *res)
{
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	int64_t pid = 0;
	int have = http_field_int(b, "person_id", &pid, res, &bad);
	const char *number = http_field_str(b, "number", res, &bad);
	const char *reason = http_field_str(b, "reason", res, &bad);
	const char *detail = http_field_str(b, "detail", res, &bad);
	const char *expected = http_field_str(b, "expected_date", res, &bad);
	person_rec p;
	int found = 0;
	if (!bad) {
		if (have == 1)
			found = store_person_get(req->store, pid, &p, NULL) == 0;
		else if (number)
			found = store_person_find(req->store, req->user->school_id, number, &p, NULL) == 0;
		else {
			http_error(res, 400, "invalid", "person_id", "需要 person_id 或 number (person_id or number is required)");
			bad = 1;
		}
	}
	if (!bad && !found) {
		if (!http_deny(req, res, POL_RETURN_CARE_WRITE, req->user->school_id, 0))
			http_error(res, 404, "not_found", "person_id", "没有这个人 (no such person)");
		bad = 1;
	}
	if (bad || http_deny(req, res, POL_RETURN_CARE_WRITE, p.school_id, p.class_id)) {
		cJSON_Delete(b);
		return;
	}
	int64_t id = 0;
	jy_err err;
	err_clear(&err);
	int rc = return_care_absence_put(req->store, p.school_id, p.id, reason, detail, expected, req->user->id, &id,
					 &err);
	if (!rc)
		audit_person(req, "create", "not_returned", p.id, reason);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	absence_answer(req, res, id, 201);
}

/* Load the record of {id} and check the action on its person's class. */
static int load_absence(http_request *req, http_response *res, policy_action act, return_absence_rec *a)
{
	int64_t id = http_parse_id(req->params[0]);
	if (id <= 0 || store_return_absence_get(req->store, id, a, NULL) != 0) {
		if (!http_deny(req, res, act, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL, "没有这条记录 (no such record)");
		return 1;
	}
	return http_deny(req, res, act, a->school_id, a->class_id);
}

void api_not_returned_update(http_request *req, http_response *res)
{
	return_absence_rec a;
	if (load_absence(req, res, POL_RETURN_CARE_WRITE, &a))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *reason = http_field_str(b, "reason", res, &bad);
	const char *detail = http_field_str(b, "detail", res, &bad);
	const char *expected = http_field_str(b, "expected_date", res, &bad);
	const char *returned = http_field_str(b, "returned_date", res, &bad);
	jy_err err;
	err_clear(&err);
	int rc = 0;
	if (!bad && (reason || detail || expected) && !a.returned_date[0])
		rc = return_care_absence_put(req->store, a.school_id, a.person_id, reason ? reason : a.reason,
					     detail ? detail : a.detail, expected ? expected : a.expected_date,
					     req->user->id, NULL, &err);
	if (!bad && !rc && returned)
		rc = return_care_returned(req->store, a.id, returned, &err);
	cJSON_Delete(b);
	if (bad)
		return;
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_person(req, "update", "not_returned", a.person_id, returned ? "returned" : NULL);
	absence_answer(req, res, a.id, 200);
}

static int add_session_json(void *ctx, const tutoring_session_rec *t)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)t->id);
	cJSON_AddStringToObject(o, "date", t->date);
	cJSON_AddNumberToObject(o, "minutes", t->minutes);
	cJSON_AddStringToObject(o, "topic", t->topic);
	cJSON_AddStringToObject(o, "progress", t->progress);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

static void plan_answer(http_request *req, http_response *res, const return_absence_rec *a, int status)
{
	tutoring_plan_rec t;
	jy_err err;
	err_clear(&err);
	if (store_tutoring_plan_for(req->store, a->id, &t, &err)) {
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON *o = cJSON_AddObjectToObject(j, "plan");
	cJSON_AddNumberToObject(o, "id", (double)t.id);
	cJSON_AddNumberToObject(o, "not_returned_id", (double)a->id);
	cJSON_AddStringToObject(o, "number", a->number);
	cJSON_AddStringToObject(o, "name", a->name);
	cJSON_AddStringToObject(o, "tutor", t.tutor_name);
	cJSON_AddStringToObject(o, "plan", t.plan);
	cJSON_AddNumberToObject(o, "sessions_planned", t.sessions_planned);
	cJSON *sessions = cJSON_AddArrayToObject(o, "sessions");
	store_tutoring_session_list(req->store, t.id, add_session_json, sessions, NULL);
	cJSON_AddNumberToObject(o, "sessions_done", cJSON_GetArraySize(sessions));
	http_json(res, status, j);
}

void api_tutoring_plan_get(http_request *req, http_response *res)
{
	return_absence_rec a;
	if (load_absence(req, res, POL_RETURN_READ, &a))
		return;
	audit_person(req, "read", "tutoring", a.person_id, NULL);
	plan_answer(req, res, &a, 200);
}

void api_tutoring_plan_put(http_request *req, http_response *res)
{
	return_absence_rec a;
	if (load_absence(req, res, POL_RETURN_CARE_WRITE, &a))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *tutor_no = http_field_str(b, "tutor_no", res, &bad);
	const char *tutor = http_field_str(b, "tutor", res, &bad);
	const char *plan = http_field_str(b, "plan", res, &bad);
	int64_t sessions = 0;
	http_field_int(b, "sessions_planned", &sessions, res, &bad);
	jy_err err;
	err_clear(&err);
	int rc = bad ? 0 : return_care_plan_put(req->store, a.id, tutor_no, tutor, plan,
						 (int)(sessions > 100000 ? 100000 : sessions < -1 ? -1 : sessions),
						 req->user->id, NULL, &err);
	cJSON_Delete(b);
	if (bad)
		return;
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_person(req, "update", "tutoring", a.person_id, NULL);
	plan_answer(req, res, &a, 200);
}

void api_tutoring_session_add(http_request *req, http_response *res)
{
	return_absence_rec a;
	if (load_absence(req, res, POL_RETURN_CARE_WRITE, &a))
		return;
	tutoring_plan_rec t;
	if (store_tutoring_plan_for(req->store, a.id, &t, NULL) != 0) {
		http_error(res, 409, "conflict", NULL, "请先制定辅导计划 (set the tutoring plan first)");
		return;
	}
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *date = http_field_str(b, "date", res, &bad);
	const char *topic = http_field_str(b, "topic", res, &bad);
	const char *progress = http_field_str(b, "progress", res, &bad);
	int64_t minutes = 0;
	http_field_int(b, "minutes", &minutes, res, &bad);
	jy_err err;
	err_clear(&err);
	int rc = bad ? 0 : return_care_session_add(req->store, t.id, date, (int)(minutes > 100000 ? 100000 : minutes < -1 ? -1 : minutes),
						    topic, progress, req->user->id, NULL, &err);
	if (!bad && !rc)
		audit_person(req, "create", "tutoring_session", a.person_id, date);
	cJSON_Delete(b);
	if (bad)
		return;
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	plan_answer(req, res, &a, 201);
}

/* ---- key groups ---- */

typedef struct carer_ctx {
	cJSON *items;
	int64_t *ids;
	size_t n, cap;
} carer_ctx;

static int add_carer(void *ctx, const key_carer_rec *k)
{
	carer_ctx *x = ctx;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "person_id", (double)k->person_id);
	cJSON_AddStringToObject(o, "number", k->number);
	cJSON_AddStringToObject(o, "name", k->name);
	cJSON_AddStringToObject(o, "class", k->class_name);
	cJSON_AddStringToObject(o, "group", k->group_code);
	cJSON_AddStringToObject(o, "group_zh", k->group_zh);
	if (k->carer_id) {
		cJSON *c = cJSON_AddObjectToObject(o, "carer");
		cJSON_AddStringToObject(c, "number", k->carer_number);
		cJSON_AddStringToObject(c, "name", k->carer_name);
		cJSON_AddStringToObject(c, "note", k->note);
	} else {
		cJSON_AddNullToObject(o, "carer");
	}
	cJSON_AddItemToArray(x->items, o);
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		int64_t *g = realloc(x->ids, cap * sizeof *g);
		if (!g)
			return 1;
		x->ids = g;
		x->cap = cap;
	}
	x->ids[x->n++] = k->person_id;
	return 0;
}

void api_key_groups_list(http_request *req, http_response *res)
{
	int64_t school = school_of(req, res);
	int64_t class_id = id_arg(req, res, "class_id");
	if (!school || class_id < 0 || http_deny(req, res, POL_RETURN_READ, school, class_id))
		return;
	carer_ctx x = { cJSON_CreateArray(), NULL, 0, 0 };
	jy_err err;
	err_clear(&err);
	if (store_key_carer_list(req->store, school, class_id, add_carer, &x, &err)) {
		cJSON_Delete(x.items);
		free(x.ids);
		http_error_from(res, &err);
		return;
	}
	audit_people(req, x.ids, x.n, "key_group", NULL);
	free(x.ids);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", x.items);
	http_json(res, 200, j);
}

void api_key_group_carer_put(http_request *req, http_response *res)
{
	person_rec p;
	if (load_person(req, res, 0, POL_KEY_CARER_ASSIGN, &p))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *group = http_field_str(b, "group", res, &bad);
	const char *carer = http_field_str(b, "carer_no", res, &bad);
	const char *note = http_field_str(b, "note", res, &bad);
	jy_err err;
	err_clear(&err);
	int rc = bad ? 0 : return_care_carer_put(req->store, p.school_id, p.id, group, carer, note, req->user->id, &err);
	if (bad || rc) {
		if (rc)
			http_error_from(res, &err);
		cJSON_Delete(b);
		return;
	}
	audit_person(req, "update", "key_group_carer", p.id, group);
	carer_ctx x = { cJSON_CreateArray(), NULL, 0, 0 };
	store_key_carer_list(req->store, p.school_id, p.class_id, add_carer, &x, NULL);
	free(x.ids);
	cJSON *j = cJSON_CreateObject();
	const cJSON *it;
	cJSON_ArrayForEach(it, x.items)
		if ((int64_t)cJSON_GetObjectItem(it, "person_id")->valuedouble == p.id &&
		    !strcmp(cJSON_GetObjectItem(it, "group")->valuestring, group))
			cJSON_AddItemToObject(j, "key_group", cJSON_Duplicate(it, 1));
	cJSON_Delete(x.items);
	cJSON_Delete(b);
	http_json(res, 200, j);
}
