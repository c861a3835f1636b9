/*
 * api_operations.c — campus operations over HTTP: staggering, ventilation
 * and disinfection, supplies, emergency plans and their tasks, checklists
 * and inspections, and the leading group's view of what is late.
 *
 *   POST /api/stagger                    {"place","slots","classes","grade","m2_per_person","seed",
 *                                         "save","weekdays","subject"} → the `jinyun stagger`
 * document GET  /api/stagger/plans              saved schedules;  GET /api/stagger/plans/{id} GET
 * /api/hygiene/schedules          POST /api/hygiene/schedules  PUT /api/hygiene/schedules/{id} GET
 * /api/hygiene/status?date=&overdue=1 GET  /api/hygiene/records?date=&place_id=     POST
 * /api/hygiene/records GET  /api/supplies?date=&weeks=&warn_days= GET
 * /api/supplies/moves?item=&from=&to=      POST /api/supplies/moves POST /api/supplies/items GET
 * /api/plans   POST /api/plans   PUT /api/plans/{id}   POST /api/plans/{id}/activate GET
 * /api/plan-activations?status=   GET /api/plan-activations/{id} POST
 * /api/plan-activations/{id}/close GET  /api/ops-tasks?open=1&late=1&role=      POST
 * /api/ops-tasks/{id}/done GET  /api/checklists   GET /api/inspections   POST /api/inspections GET
 * /api/inspections/{id} GET  /api/duty
 *
 * Policy (policy.c): logistics and admin run operations (POL_OPS_WRITE);
 * principal, reporter and district read (POL_OPS_READ; district users name
 * the school with ?school_id=); the leading group and the reporter activate
 * plans (POL_PLAN_ACTIVATE); admin edits plan templates (POL_PLAN_EDIT);
 * admin and principal record inspections (POL_INSPECT); a task is closed by
 * its owner role or the leading group (POL_TASK_DONE).  Staff who own tasks
 * but do not read operations (teachers, gate) see their role's tasks.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/disinfection.h"
#include "domain/plans.h"
#include "domain/stagger.h"
#include "domain/supplies.h"
#include "http/internal.h"
#include "util/date.h"

/* The school a request is about: the user's, or ?school_id= for district
 * users.  0 (answered 400) when a district user names none. */
static int64_t school_of(http_request *req, http_response *res)
{
	if (req->user->school_id)
		return req->user->school_id;
	const char *v = http_arg(req, "school_id");
	int64_t id = v ? http_parse_id(v) : -1;
	if (id <= 0) {
		http_error(res, 400, "invalid", "school_id",
			   "需要 school_id (school_id is required)");
		return 0;
	}
	return id;
}

/* The school, and 403 unless the user may do act there; 0 when answered. */
static int64_t school_for(http_request *req, http_response *res, policy_action act)
{
	int64_t school = school_of(req, res);
	if (!school || http_deny(req, res, act, school, 0))
		return 0;
	return school;
}

static void today(char out[11])
{
	date_format(date_today_cst(), out);
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static void answer(http_response *res, int status, const char *key, cJSON *value)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, key, value);
	http_json(res, status, j);
}

/* A number field: 1 and *out when present; 0 when absent; -1 (400) on a wrong type. */
static int field_num(const cJSON *b, const char *name, double *out, http_response *res, int *bad)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(b, name);
	if (!f || cJSON_IsNull(f))
		return 0;
	if (!cJSON_IsNumber(f)) {
		if (!*bad)
			http_error(res, 400, "invalid", name, "%s 应为数字 (%s must be a number)",
				   name, name);
		*bad = 1;
		return -1;
	}
	*out = f->valuedouble;
	return 1;
}

/* A boolean field: 1/0, or def when absent; -1 (400) on a wrong type. */
static int field_bool(const cJSON *b, const char *name, int def, http_response *res, int *bad)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(b, name);
	if (!f || cJSON_IsNull(f))
		return def;
	if (!cJSON_IsBool(f)) {
		if (!*bad)
			http_error(res, 400, "invalid", name,
				   "%s 应为 true/false (%s must be true or false)", name, name);
		*bad = 1;
		return -1;
	}
	return cJSON_IsTrue(f);
}

/* Copy a string field into a fixed buffer; 400 when too long. */
static int copy_field(char *dst, size_t size, const char *v, const char *name, http_response *res,
		      int *bad)
{
	if (!v || *bad)
		return 0;
	if (strlen(v) >= size) {
		http_error(res, 400, "invalid", name, "%s 过长 (%s is too long)", name, name);
		*bad = 1;
		return -1;
	}
	snprintf(dst, size, "%s", v);
	return 0;
}

static void audit_id(http_request *req, const char *action, const char *entity, int64_t id,
		     const char *detail)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	http_audit(req, action, entity, ids, 0, detail);
}

/* ---- staggering ---------------------------------------------------------------------- */

void api_stagger_run(http_request *req, http_response *res)
{
	int64_t school = school_for(req, res, POL_OPS_READ);
	if (!school)
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	stagger_request rq;
	memset(&rq, 0, sizeof rq);
	rq.school_id = school;
	rq.place = http_field_str(b, "place", res, &bad);
	rq.classes = http_field_str(b, "classes", res, &bad);
	rq.grade = http_field_str(b, "grade", res, &bad);
	rq.weekdays = http_field_str(b, "weekdays", res, &bad);
	rq.subject = http_field_str(b, "subject", res, &bad);
	double m2 = 0, seed = 0;
	field_num(b, "m2_per_person", &m2, res, &bad);
	field_num(b, "seed", &seed, res, &bad);
	rq.save = field_bool(b, "save", 0, res, &bad);
	/* slots: "a,b" or ["a","b"] */
	char slots[1024] = "";
	const cJSON *sl = cJSON_GetObjectItemCaseSensitive(b, "slots");
	if (!bad && cJSON_IsString(sl)) {
		copy_field(slots, sizeof slots, sl->valuestring, "slots", res, &bad);
	} else if (!bad && cJSON_IsArray(sl)) {
		const cJSON *it;
		cJSON_ArrayForEach(it, sl)
		{
			size_t n = strlen(slots);
			if (!cJSON_IsString(it) ||
			    n + strlen(it->valuestring) + 2 >= sizeof slots) {
				http_error(res, 400, "invalid", "slots",
					   "slots 应为字符串数组 (slots must be strings)");
				bad = 1;
				break;
			}
			snprintf(slots + n, sizeof slots - n, "%s%s", n ? "," : "",
				 it->valuestring);
		}
	} else if (!bad && sl && !cJSON_IsNull(sl)) {
		http_error(res, 400, "invalid", "slots",
			   "slots 应为字符串或数组 (slots must be a string or an array)");
		bad = 1;
	}
	if (!bad && (m2 < 0 || m2 > 1000 || seed < 0)) {
		http_error(res, 400, "invalid", m2 < 0 || m2 > 1000 ? "m2_per_person" : "seed",
			   "数值无效 (invalid number)");
		bad = 1;
	}
	if (!bad && rq.save == 1 && http_deny(req, res, POL_OPS_WRITE, school, 0))
		bad = 1;
	if (bad) {
		cJSON_Delete(b);
		return;
	}
	rq.slots = slots;
	rq.m2_per_person = m2;
	rq.seed = (uint64_t)seed;
	rq.user_id = req->user->id;
	cJSON *doc = NULL;
	jy_err err;
	err_clear(&err);
	int rc = stagger_place_run(req->store, &rq, &doc, &err);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	const cJSON *saved = cJSON_GetObjectItem(doc, "saved");
	if (cJSON_IsObject(saved))
		audit_id(
		    req, "create", "stagger_plan",
		    (int64_t)cJSON_GetObjectItem(saved, "plan_id")->valuedouble,
		    cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "place"), "name")->valuestring);
	http_json(res, cJSON_IsObject(saved) ? 201 : 200, doc);
}

static cJSON *stagger_plan_json(const stagger_plan_rec *p)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)p->id);
	cJSON_AddNumberToObject(o, "place_id", (double)p->place_id);
	cJSON_AddStringToObject(o, "place", p->place_name);
	cJSON_AddStringToObject(o, "slots", p->slots);
	cJSON_AddStringToObject(o, "weekdays", p->weekdays);
	cJSON_AddStringToObject(o, "subject", p->subject);
	cJSON_AddNumberToObject(o, "classes", p->classes);
	cJSON_AddNumberToObject(o, "meets_total", (double)p->meets_total);
	cJSON_AddNumberToObject(o, "meets_max", p->meets_max);
	cJSON_AddNumberToObject(o, "lower_bound", (double)p->lower_bound);
	cJSON_AddNumberToObject(o, "created_at", (double)p->created_at);
	return o;
}

static int add_stagger_plan(void *ctx, const stagger_plan_rec *p)
{
	cJSON_AddItemToArray(ctx, stagger_plan_json(p));
	return 0;
}

void api_stagger_plans(http_request *req, http_response *res)
{
	int64_t school = school_for(req, res, POL_OPS_READ);
	if (!school)
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_stagger_plan_list(req->store, school, add_stagger_plan, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	answer(res, 200, "items", items);
}

void api_stagger_plan_get(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	stagger_plan_rec p;
	memset(&p, 0, sizeof p);
	if (id <= 0 || store_stagger_plan_get(req->store, id, &p, NULL)) {
		if (!http_deny(req, res, POL_OPS_READ, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL,
				   "没有这个错峰安排 (no such staggered schedule)");
		return;
	}
	if (http_deny(req, res, POL_OPS_READ, p.school_id, 0)) {
		free(p.result);
		return;
	}
	cJSON *o = stagger_plan_json(&p);
	cJSON *result = cJSON_Parse(p.result);
	free(p.result);
	cJSON_AddItemToObject(o, "result", result ? result : cJSON_CreateNull());
	answer(res, 200, "plan", o);
}

/* ---- ventilation and disinfection -------------------------------------------------------- */

void api_hygiene_schedules(http_request *req, http_response *res)
{
	int64_t school = school_for(req, res, POL_OPS_READ);
	if (!school)
		return;
	cJSON *items;
	jy_err err;
	err_clear(&err);
	if (hygiene_schedules_json(req->store, school, &items, &err)) {
		http_error_from(res, &err);
		return;
	}
	answer(res, 200, "items", items);
}

static void save_schedule(http_request *req, http_response *res, hygiene_schedule_rec *r,
			  int created)
{
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *place = http_field_str(b, "place", res, &bad);
	copy_field(r->place_kind, sizeof r->place_kind, http_field_str(b, "place_kind", res, &bad),
		   "place_kind", res, &bad);
	copy_field(r->action, sizeof r->action, http_field_str(b, "action", res, &bad), "action",
		   res, &bad);
	copy_field(r->times, sizeof r->times, http_field_str(b, "times", res, &bad), "times", res,
		   &bad);
	copy_field(r->weekdays, sizeof r->weekdays, http_field_str(b, "weekdays", res, &bad),
		   "weekdays", res, &bad);
	copy_field(r->name_zh, sizeof r->name_zh, http_field_str(b, "name_zh", res, &bad),
		   "name_zh", res, &bad);
	copy_field(r->name_en, sizeof r->name_en, http_field_str(b, "name_en", res, &bad),
		   "name_en", res, &bad);
	int64_t grace;
	if (http_field_int(b, "grace_min", &grace, res, &bad) == 1)
		r->grace_min = grace < -1 ? -1 : grace > 100000 ? 100000 : (int)grace;
	int en = field_bool(b, "enabled", r->enabled, res, &bad);
	if (bad) {
		cJSON_Delete(b);
		return;
	}
	r->enabled = en;
	if (place && *place) {
		r->place_id = 0;
		r->place_kind[0] = 0;
	} else if (cJSON_GetObjectItemCaseSensitive(b, "place_kind")) {
		r->place_id = 0;
	}
	int64_t id = 0;
	jy_err err;
	err_clear(&err);
	int rc = hygiene_schedule_save(req->store, req->user->school_id, r, place, &id, &err);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, created ? "create" : "update", "hygiene_schedule", id, r->name_zh);
	hygiene_schedule_rec saved;
	if (store_hygiene_schedule_get(req->store, id, &saved, &err)) {
		http_error_from(res, &err);
		return;
	}
	cJSON *items;
	if (hygiene_schedules_json(req->store, req->user->school_id, &items, &err)) {
		http_error_from(res, &err);
		return;
	}
	cJSON *it, *found = NULL;
	cJSON_ArrayForEach(it, items) if ((int64_t)cJSON_GetObjectItem(it, "id")->valuedouble == id)
	    found = it;
	cJSON *one = found ? cJSON_Duplicate(found, 1) : cJSON_CreateNull();
	cJSON_Delete(items);
	answer(res, created ? 201 : 200, "schedule", one);
}

void api_hygiene_schedule_create(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_OPS_WRITE, req->user->school_id, 0))
		return;
	hygiene_schedule_rec r;
	memset(&r, 0, sizeof r);
	r.grace_min = 30;
	r.enabled = 1;
	snprintf(r.weekdays, sizeof r.weekdays, "12345");
	save_schedule(req, res, &r, 1);
}

void api_hygiene_schedule_update(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	hygiene_schedule_rec r;
	if (id <= 0 || store_hygiene_schedule_get(req->store, id, &r, NULL) ||
	    (r.school_id && r.school_id != req->user->school_id)) {
		if (!http_deny(req, res, POL_OPS_WRITE, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL,
				   "没有这条通风消毒安排 (no such schedule)");
		return;
	}
	if (http_deny(req, res, POL_OPS_WRITE, req->user->school_id, 0))
		return;
	save_schedule(req, res, &r, 0);
}

/* A date argument (default today); 0 when answered 400. */
static int date_arg(http_request *req, http_response *res, const char *name, char out[11])
{
	const char *v = http_arg(req, name);
	int32_t d;
	if (!v || !*v) {
		today(out);
		return 1;
	}
	if (date_parse(v, &d)) {
		http_error(res, 400, "invalid", name, "%s 应为 YYYY-MM-DD (%s must be YYYY-MM-DD)",
			   name, name);
		return 0;
	}
	snprintf(out, 11, "%s", v);
	return 1;
}

void api_hygiene_status(http_request *req, http_response *res)
{
	int64_t school = school_for(req, res, POL_OPS_READ);
	char date[11];
	if (!school || !date_arg(req, res, "date", date))
		return;
	const char *ov = http_arg(req, "overdue");
	cJSON *doc;
	jy_err err;
	err_clear(&err);
	if (hygiene_status_json(req->store, school, date, now_s(), ov && !strcmp(ov, "1"), &doc,
				&err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, doc);
}

void api_hygiene_records(http_request *req, http_response *res)
{
	int64_t school = school_for(req, res, POL_OPS_READ);
	char date[11];
	if (!school || !date_arg(req, res, "date", date))
		return;
	const char *pv = http_arg(req, "place_id");
	int64_t place = pv && *pv ? http_parse_id(pv) : 0;
	if (place < 0) {
		http_error(res, 400, "invalid", "place_id",
			   "place_id 应为正整数 (place_id must be a positive integer)");
		return;
	}
	cJSON *items;
	jy_err err;
	err_clear(&err);
	if (hygiene_records_json(req->store, school, date, place, &items, &err)) {
		http_error_from(res, &err);
		return;
	}
	answer(res, 200, "items", items);
}

void api_hygiene_record_create(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_OPS_WRITE, req->user->school_id, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	hygiene_input in;
	memset(&in, 0, sizeof in);
	in.school_id = req->user->school_id;
	in.place = http_field_str(b, "place", res, &bad);
	in.action = http_field_str(b, "action", res, &bad);
	in.method = http_field_str(b, "method", res, &bad);
	in.agent = http_field_str(b, "agent", res, &bad);
	in.item = http_field_str(b, "item", res, &bad);
	in.from_place = http_field_str(b, "from_place", res, &bad);
	in.performer = http_field_str(b, "performer", res, &bad);
	in.note = http_field_str(b, "note", res, &bad);
	int64_t v;
	in.duration_min = -1;
	if (http_field_int(b, "duration_min", &v, res, &bad) == 1)
		in.duration_min = v < 0 || v > 100000 ? 100000 : (int)v;
	if (http_field_int(b, "at", &v, res, &bad) == 1)
		in.at = v > 0 ? v : -1;
	if (http_field_int(b, "alert_id", &v, res, &bad) == 1)
		in.alert_id = v;
	double q = 0;
	field_num(b, "quantity", &q, res, &bad);
	in.quantity = q;
	in.user_id = req->user->id;
	if (bad) {
		cJSON_Delete(b);
		return;
	}
	int64_t id = 0;
	jy_err err;
	err_clear(&err);
	int rc = hygiene_record(req->store, &in, &id, &err);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "create", "hygiene_record", id, NULL);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	answer(res, 201, "record", o);
}

/* ---- supplies ---------------------------------------------------------------------------- */

void api_supplies_report(http_request *req, http_response *res)
{
	int64_t school = school_for(req, res, POL_OPS_READ);
	char date[11];
	if (!school || !date_arg(req, res, "date", date))
		return;
	const char *w = http_arg(req, "weeks"), *wd = http_arg(req, "warn_days");
	int64_t weeks = w && *w ? http_parse_id(w) : 0, warn = wd && *wd ? http_parse_id(wd) : -1;
	if ((w && *w && (weeks < 1 || weeks > 52)) || (wd && *wd && (warn < 0 || warn > 365))) {
		http_error(res, 400, "invalid",
			   w && *w && (weeks < 1 || weeks > 52) ? "weeks" : "warn_days",
			   "weeks 应为 1–52，warn_days 应为 0–365 (weeks 1-52, warn_days 0-365)");
		return;
	}
	cJSON *doc;
	jy_err err;
	err_clear(&err);
	if (supplies_report_json(req->store, school, date, (int)weeks, (int)warn, &doc, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, doc);
}

static int add_move(void *ctx, const supply_move_rec *m)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)m->id);
	cJSON_AddStringToObject(o, "item", m->item_code);
	cJSON_AddNumberToObject(o, "place_id", (double)m->place_id);
	cJSON_AddStringToObject(o, "place", m->place_name);
	cJSON_AddStringToObject(o, "kind", m->kind);
	cJSON_AddNumberToObject(o, "delta", m->delta);
	cJSON_AddStringToObject(o, "date", m->date);
	cJSON_AddNumberToObject(o, "at", (double)m->at);
	cJSON_AddStringToObject(o, "party", m->party);
	cJSON_AddStringToObject(o, "note", m->note);
	if (m->hygiene_record_id)
		cJSON_AddNumberToObject(o, "hygiene_record_id", (double)m->hygiene_record_id);
	else
		cJSON_AddNullToObject(o, "hygiene_record_id");
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

void api_supplies_moves(http_request *req, http_response *res)
{
	int64_t school = school_for(req, res, POL_OPS_READ);
	if (!school)
		return;
	const char *item = http_arg(req, "item"), *from = http_arg(req, "from"),
		   *to = http_arg(req, "to");
	int32_t d;
	if ((from && *from && date_parse(from, &d)) || (to && *to && date_parse(to, &d))) {
		http_error(res, 400, "invalid",
			   from && *from && date_parse(from, &d) ? "from" : "to",
			   "日期应为 YYYY-MM-DD (dates must be YYYY-MM-DD)");
		return;
	}
	jy_err err;
	err_clear(&err);
	int64_t item_id = 0;
	if (item && *item) {
		supply_item_rec it;
		if (supplies_item_resolve(req->store, school, item, &it, &err)) {
			http_error_from(res, &err);
			return;
		}
		item_id = it.id;
	}
	cJSON *items = cJSON_CreateArray();
	if (store_supply_move_list(req->store, school, item_id, from && *from ? from : NULL,
				   to && *to ? to : NULL, 1000, add_move, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	answer(res, 200, "items", items);
}

void api_supplies_move_create(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_OPS_WRITE, req->user->school_id, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	supplies_move_input in;
	memset(&in, 0, sizeof in);
	in.school_id = req->user->school_id;
	in.item = http_field_str(b, "item", res, &bad);
	in.kind = http_field_str(b, "kind", res, &bad);
	in.place = http_field_str(b, "place", res, &bad);
	in.to_place = http_field_str(b, "to_place", res, &bad);
	in.party = http_field_str(b, "party", res, &bad);
	in.note = http_field_str(b, "note", res, &bad);
	in.date = http_field_str(b, "date", res, &bad);
	double q = -1;
	if (field_num(b, "quantity", &q, res, &bad) == 0 && !bad) {
		http_error(res, 400, "invalid", "quantity", "需要数量 (quantity is required)");
		bad = 1;
	}
	if (!bad && ((in.party && strlen(in.party) >= 96) || (in.note && strlen(in.note) >= 256))) {
		http_error(res, 400, "invalid",
			   in.party && strlen(in.party) >= 96 ? "party" : "note",
			   "字段过长 (field too long)");
		bad = 1;
	}
	if (bad) {
		cJSON_Delete(b);
		return;
	}
	in.quantity = q;
	in.user_id = req->user->id;
	int64_t id = 0;
	jy_err err;
	err_clear(&err);
	int rc = supplies_move(req->store, &in, &id, &err);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "create", "supply_move", id, NULL);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	answer(res, 201, "move", o);
}

void api_supplies_item_create(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_OPS_WRITE, req->user->school_id, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	supply_item_rec r;
	memset(&r, 0, sizeof r);
	r.enabled = 1;
	r.warn_days = 14;
	copy_field(r.code, sizeof r.code, http_field_str(b, "code", res, &bad), "code", res, &bad);
	copy_field(r.name_zh, sizeof r.name_zh, http_field_str(b, "name_zh", res, &bad), "name_zh",
		   res, &bad);
	copy_field(r.name_en, sizeof r.name_en, http_field_str(b, "name_en", res, &bad), "name_en",
		   res, &bad);
	copy_field(r.unit_zh, sizeof r.unit_zh, http_field_str(b, "unit_zh", res, &bad), "unit_zh",
		   res, &bad);
	copy_field(r.unit_en, sizeof r.unit_en, http_field_str(b, "unit_en", res, &bad), "unit_en",
		   res, &bad);
	int64_t wd;
	if (http_field_int(b, "warn_days", &wd, res, &bad) == 1)
		r.warn_days = wd < -1 ? -1 : wd > 100000 ? 100000 : (int)wd;
	cJSON_Delete(b);
	if (bad)
		return;
	int64_t id = 0;
	jy_err err;
	err_clear(&err);
	if (supplies_item_save(req->store, req->user->school_id, &r, &id, &err)) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "create", "supply_item", id, r.code);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "code", r.code);
	cJSON_AddStringToObject(o, "name_zh", r.name_zh);
	cJSON_AddStringToObject(o, "name_en", r.name_en);
	cJSON_AddStringToObject(o, "unit_zh", r.unit_zh);
	cJSON_AddStringToObject(o, "unit_en", r.unit_en);
	cJSON_AddNumberToObject(o, "warn_days", r.warn_days);
	answer(res, 201, "item", o);
}

/* ---- plans -------------------------------------------------------------------------------- */

void api_plans_list(http_request *req, http_response *res)
{
	int64_t school = school_for(req, res, POL_OPS_READ);
	if (!school)
		return;
	cJSON *items;
	jy_err err;
	err_clear(&err);
	if (plans_list_json(req->store, school, &items, &err)) {
		http_error_from(res, &err);
		return;
	}
	answer(res, 200, "items", items);
}

static void save_plan(http_request *req, http_response *res, ops_plan_rec *r, int created)
{
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	copy_field(r->code, sizeof r->code, http_field_str(b, "code", res, &bad), "code", res,
		   &bad);
	copy_field(r->name_zh, sizeof r->name_zh, http_field_str(b, "name_zh", res, &bad),
		   "name_zh", res, &bad);
	copy_field(r->name_en, sizeof r->name_en, http_field_str(b, "name_en", res, &bad),
		   "name_en", res, &bad);
	copy_field(r->trigger_codes, sizeof r->trigger_codes,
		   http_field_str(b, "trigger_codes", res, &bad), "trigger_codes", res, &bad);
	int en = field_bool(b, "enabled", r->enabled, res, &bad);
	ops_step_rec *steps = NULL;
	size_t n = 0;
	const cJSON *sa = cJSON_GetObjectItemCaseSensitive(b, "steps");
	if (!bad && !cJSON_IsArray(sa)) {
		http_error(res, 400, "invalid", "steps", "需要步骤数组 (steps must be an array)");
		bad = 1;
	}
	if (!bad) {
		int count = cJSON_GetArraySize(sa);
		steps = calloc(count ? (size_t)count : 1, sizeof *steps);
		const cJSON *it;
		cJSON_ArrayForEach(it, sa)
		{
			if (!steps || bad)
				break;
			char field[40];
			snprintf(field, sizeof field, "steps[%zu]", n);
			if (!cJSON_IsObject(it)) {
				http_error(res, 400, "invalid", field,
					   "步骤应为对象 (a step must be an object)");
				bad = 1;
				break;
			}
			ops_step_rec *st = &steps[n++];
			copy_field(st->title_zh, sizeof st->title_zh,
				   http_field_str(it, "title_zh", res, &bad), field, res, &bad);
			copy_field(st->title_en, sizeof st->title_en,
				   http_field_str(it, "title_en", res, &bad), field, res, &bad);
			copy_field(st->owner_role, sizeof st->owner_role,
				   http_field_str(it, "owner_role", res, &bad), field, res, &bad);
			int64_t dm = -1;
			http_field_int(it, "due_minutes", &dm, res, &bad);
			st->due_minutes = dm < -1 || dm > 10000000 ? -1 : (int)dm;
			int sd = field_bool(it, "same_day", 0, res, &bad);
			st->same_day = sd > 0;
		}
		if (!steps && !bad) {
			http_error(res, 500, "internal", NULL, "out of memory");
			bad = 1;
		}
	}
	cJSON_Delete(b);
	if (bad) {
		free(steps);
		return;
	}
	r->enabled = en;
	int64_t id = 0;
	jy_err err;
	err_clear(&err);
	int rc = plans_save(req->store, req->user->school_id, r, steps, n, &id, &err);
	free(steps);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, created ? "create" : "update", "plan", id, r->code);
	cJSON *items;
	if (plans_list_json(req->store, req->user->school_id, &items, &err)) {
		http_error_from(res, &err);
		return;
	}
	cJSON *it, *found = NULL;
	cJSON_ArrayForEach(it, items) if ((int64_t)cJSON_GetObjectItem(it, "id")->valuedouble == id)
	    found = it;
	cJSON *one = found ? cJSON_Duplicate(found, 1) : cJSON_CreateNull();
	cJSON_Delete(items);
	answer(res, created ? 201 : 200, "plan", one);
}

void api_plan_create(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_PLAN_EDIT, req->user->school_id, 0))
		return;
	ops_plan_rec r;
	memset(&r, 0, sizeof r);
	r.enabled = 1;
	save_plan(req, res, &r, 1);
}

void api_plan_update(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	ops_plan_rec r;
	if (id <= 0 || store_ops_plan_get(req->store, id, &r, NULL) ||
	    (r.school_id && r.school_id != req->user->school_id)) {
		if (!http_deny(req, res, POL_PLAN_EDIT, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL,
				   "没有这个应急预案 (no such emergency plan)");
		return;
	}
	if (http_deny(req, res, POL_PLAN_EDIT, req->user->school_id, 0))
		return;
	save_plan(req, res, &r, 0);
}

void api_plan_activate(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_PLAN_ACTIVATE, req->user->school_id, 0))
		return;
	int64_t plan = http_parse_id(req->params[0]);
	if (plan <= 0) {
		http_error(res, 404, "not_found", NULL,
			   "没有这个应急预案 (no such emergency plan)");
		return;
	}
	const char *reason = NULL;
	int64_t alert_id = 0;
	cJSON *b = NULL;
	if (req->body_len) {
		if (!(b = http_json_body(req, res)))
			return;
		int bad = 0;
		reason = http_field_str(b, "reason", res, &bad);
		if (http_field_int(b, "alert_id", &alert_id, res, &bad) == 1 && alert_id <= 0 &&
		    !bad) {
			http_error(res, 400, "invalid", "alert_id", "alert_id 应为正整数");
			bad = 1;
		}
		if (bad) {
			cJSON_Delete(b);
			return;
		}
	}
	int64_t aid = 0, now = now_s();
	jy_err err;
	err_clear(&err);
	int rc = plans_activate(req->store, req->user->school_id, plan, alert_id, reason,
				req->user->id, now, &aid, &err);
	cJSON_Delete(b);
	if (rc) {
		if (rc == JY_ENOENT)
			http_error(res, 404, "not_found", NULL, "%s", err.msg);
		else
			http_error_from(res, &err);
		return;
	}
	audit_id(req, "create", "plan_activation", aid, NULL);
	cJSON *o;
	if (plans_activation_json(req->store, aid, now, &o, &err)) {
		http_error_from(res, &err);
		return;
	}
	answer(res, 201, "activation", o);
}

void api_plan_activations(http_request *req, http_response *res)
{
	int64_t school = school_for(req, res, POL_OPS_READ);
	if (!school)
		return;
	const char *status = http_arg(req, "status");
	if (status && *status && strcmp(status, "active") && strcmp(status, "closed")) {
		http_error(res, 400, "invalid", "status",
			   "status 应为 active 或 closed (status: active or closed)");
		return;
	}
	cJSON *items;
	jy_err err;
	err_clear(&err);
	if (plans_activations_json(req->store, school, status && *status ? status : NULL, now_s(),
				   &items, &err)) {
		http_error_from(res, &err);
		return;
	}
	answer(res, 200, "items", items);
}

static int load_activation(http_request *req, http_response *res, policy_action act,
			   ops_activation_rec *a)
{
	int64_t id = http_parse_id(req->params[0]);
	if (id <= 0 || store_ops_activation_get(req->store, id, now_s(), a, NULL)) {
		if (!http_deny(req, res, act, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL,
				   "没有这次预案启动 (no such plan activation)");
		return 1;
	}
	return http_deny(req, res, act, a->school_id, 0);
}

void api_plan_activation_get(http_request *req, http_response *res)
{
	ops_activation_rec a;
	if (load_activation(req, res, POL_OPS_READ, &a))
		return;
	cJSON *o;
	jy_err err;
	err_clear(&err);
	if (plans_activation_json(req->store, a.id, now_s(), &o, &err)) {
		http_error_from(res, &err);
		return;
	}
	answer(res, 200, "activation", o);
}

void api_plan_activation_close(http_request *req, http_response *res)
{
	ops_activation_rec a;
	if (load_activation(req, res, POL_PLAN_ACTIVATE, &a))
		return;
	jy_err err;
	err_clear(&err);
	int64_t now = now_s();
	if (store_ops_activation_close(req->store, a.id, req->user->id, now, &err)) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "update", "plan_activation", a.id, "closed");
	cJSON *o;
	if (plans_activation_json(req->store, a.id, now, &o, &err)) {
		http_error_from(res, &err);
		return;
	}
	answer(res, 200, "activation", o);
}

/* ---- tasks of plans and inspections --------------------------------------------------------- */

typedef struct task_ctx {
	cJSON *arr;
	int64_t now;
} task_ctx;

static int add_task(void *ctx, const ops_task_rec *t)
{
	task_ctx *x = ctx;
	cJSON_AddItemToArray(x->arr, plans_task_json(t, x->now));
	return 0;
}

void api_ops_tasks(http_request *req, http_response *res)
{
	int64_t school = school_of(req, res);
	if (!school)
		return;
	/* Readers see every task; owners (teachers, gate) their role's. */
	policy_target as_reader = {school, 0, NULL};
	policy_target as_owner = {school, 0, req->user->role};
	int reader = policy_check(req->user, POL_OPS_READ, &as_reader) == 0;
	if (!reader && policy_check(req->user, POL_TASK_DONE, &as_owner) != 0) {
		http_error(res, 403, "forbidden", NULL, "无权访问 (not allowed for role %s)",
			   req->user->role);
		return;
	}
	const char *open = http_arg(req, "open"), *late = http_arg(req, "late"),
		   *role = http_arg(req, "role");
	if (role && *role && !plans_role_valid(role)) {
		http_error(res, 400, "invalid", "role", "未知角色 (unknown role): %.20s", role);
		return;
	}
	int64_t now = now_s();
	ops_task_filter f = {school,
			     0,
			     0,
			     open && !strcmp(open, "1"),
			     late && !strcmp(late, "1") ? now : 0,
			     reader ? (role && *role ? role : NULL) : req->user->role};
	task_ctx x = {cJSON_CreateArray(), now};
	jy_err err;
	err_clear(&err);
	if (store_ops_task_list(req->store, &f, add_task, &x, &err)) {
		cJSON_Delete(x.arr);
		http_error_from(res, &err);
		return;
	}
	answer(res, 200, "items", x.arr);
}

void api_ops_task_done(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	ops_task_rec t;
	if (id <= 0 || store_ops_task_get(req->store, id, &t, NULL)) {
		/* Owners who are not readers learn nothing more than readers would. */
		http_error(res, 404, "not_found", NULL, "没有这项任务 (no such task)");
		return;
	}
	policy_target target = {t.school_id, 0, t.owner_role};
	if (policy_check(req->user, POL_TASK_DONE, &target) != 0) {
		http_error(res, 403, "forbidden", NULL,
			   "此任务由 %s 负责 (this task belongs to role %s)",
			   plans_role_zh(t.owner_role), t.owner_role);
		return;
	}
	const char *note = NULL;
	cJSON *b = NULL;
	if (req->body_len) {
		if (!(b = http_json_body(req, res)))
			return;
		int bad = 0;
		note = http_field_str(b, "note", res, &bad);
		if (!bad && note && strlen(note) >= sizeof t.note) {
			http_error(res, 400, "invalid", "note", "备注过长 (note is too long)");
			bad = 1;
		}
		if (bad) {
			cJSON_Delete(b);
			return;
		}
	}
	jy_err err;
	err_clear(&err);
	int64_t now = now_s();
	int rc =
	    t.done_at ? 0 : store_ops_task_done(req->store, t.id, req->user->id, now, note, &err);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "update", "ops_task", t.id, "done");
	store_ops_task_get(req->store, t.id, &t, NULL);
	answer(res, 200, "task", plans_task_json(&t, now));
}

/* ---- checklists and inspections -------------------------------------------------------------- */

void api_checklists(http_request *req, http_response *res)
{
	int64_t school = school_for(req, res, POL_OPS_READ);
	if (!school)
		return;
	cJSON *items;
	jy_err err;
	err_clear(&err);
	if (plans_checklists_json(req->store, school, &items, &err)) {
		http_error_from(res, &err);
		return;
	}
	answer(res, 200, "items", items);
}

static int add_inspection(void *ctx, const ops_inspection_rec *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "checklist_zh", r->checklist_zh);
	cJSON_AddStringToObject(o, "checklist_en", r->checklist_en);
	cJSON_AddStringToObject(o, "date", r->date);
	cJSON_AddStringToObject(o, "inspector", r->inspector);
	if (r->place_id)
		cJSON_AddStringToObject(o, "place", r->place_name);
	else
		cJSON_AddNullToObject(o, "place");
	cJSON_AddNumberToObject(o, "passed", r->passed);
	cJSON_AddNumberToObject(o, "failed", r->failed);
	cJSON_AddNumberToObject(o, "na", r->na);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

void api_inspections(http_request *req, http_response *res)
{
	int64_t school = school_for(req, res, POL_OPS_READ);
	if (!school)
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_ops_inspection_list(req->store, school, add_inspection, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	answer(res, 200, "items", items);
}

void api_inspection_create(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_INSPECT, req->user->school_id, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *checklist = http_field_str(b, "checklist", res, &bad);
	const char *place = http_field_str(b, "place", res, &bad);
	const char *date = http_field_str(b, "date", res, &bad);
	const char *inspector = http_field_str(b, "inspector", res, &bad);
	const char *note = http_field_str(b, "note", res, &bad);
	const cJSON *fa = cJSON_GetObjectItemCaseSensitive(b, "findings");
	plans_finding *f = NULL;
	size_t n = 0;
	if (!bad && !cJSON_IsArray(fa)) {
		http_error(res, 400, "invalid", "findings",
			   "需要检查结果数组 (findings must be an array)");
		bad = 1;
	}
	if (!bad) {
		int count = cJSON_GetArraySize(fa);
		f = calloc(count ? (size_t)count : 1, sizeof *f);
		const cJSON *it;
		cJSON_ArrayForEach(it, fa)
		{
			if (!f || bad)
				break;
			if (!cJSON_IsObject(it)) {
				http_error(res, 400, "invalid", "findings",
					   "检查结果应为对象 (a finding must be an object)");
				bad = 1;
				break;
			}
			plans_finding *x = &f[n++];
			int64_t v;
			if (http_field_int(it, "item_id", &v, res, &bad) == 1)
				x->item_id = v;
			if (http_field_int(it, "seq", &v, res, &bad) == 1)
				x->seq = v > 0 && v < 1000 ? (int)v : -1;
			x->result = http_field_str(it, "result", res, &bad);
			x->note = http_field_str(it, "note", res, &bad);
		}
	}
	if (bad) {
		free(f);
		cJSON_Delete(b);
		return;
	}
	int64_t id = 0, now = now_s();
	jy_err err;
	err_clear(&err);
	int rc = plans_inspect(req->store, req->user->school_id, checklist, place, date, inspector,
			       note, f, n, req->user->id, now, &id, &err);
	free(f);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "create", "inspection", id, NULL);
	cJSON *o;
	if (plans_inspection_json(req->store, id, now, &o, &err)) {
		http_error_from(res, &err);
		return;
	}
	answer(res, 201, "inspection", o);
}

void api_inspection_get(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	ops_inspection_rec r;
	if (id <= 0 || store_ops_inspection_get(req->store, id, &r, NULL)) {
		if (!http_deny(req, res, POL_OPS_READ, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL,
				   "没有这次检查 (no such inspection)");
		return;
	}
	if (http_deny(req, res, POL_OPS_READ, r.school_id, 0))
		return;
	cJSON *o;
	jy_err err;
	err_clear(&err);
	if (plans_inspection_json(req->store, id, now_s(), &o, &err)) {
		http_error_from(res, &err);
		return;
	}
	answer(res, 200, "inspection", o);
}

/* ---- the leading group's view ------------------------------------------------------------------
 */

void api_duty(http_request *req, http_response *res)
{
	int64_t school = school_for(req, res, POL_OPS_READ);
	if (!school)
		return;
	cJSON *doc;
	jy_err err;
	err_clear(&err);
	if (plans_duty_json(req->store, school, now_s(), &doc, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, doc);
}
