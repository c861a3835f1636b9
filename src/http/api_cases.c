/*
 * api_cases.c — cases, isolation rooms, contact tracing, follow-up of
 * contacts, transmission chains, ad-hoc presence and the disease settings
 * over HTTP.
 *
 *   GET   /api/cases?open=1&person_id=        the school's cases
 *   POST  /api/cases   {"person_id"|"number","code","classification","onset","note","source_case_id"}
 *   GET   /api/cases/{id}                     the case, its stays, window and setting
 *   PATCH /api/cases/{id} {"code","classification","onset","reported":true|"reported_at",
 *                          "outcome","outcome_at","note"}
 *   POST  /api/alerts/{id}/cases              one case (suspected) per person of the alert
 *   POST  /api/cases/{id}/isolation {"place_id","started_at","release_criteria","release_date"}
 *   POST  /api/isolation/{id}/handover {"to":"parent|hospital|released","name","phone","note","at"}
 *   GET   /api/isolation/rooms                capacity, occupancy and who is in each room
 *   POST  /api/cases/{id}/trace {"from","to","hops","min_duration"}   (defaults: the disease's)
 *   POST  /api/cases/{id}/followups {"contacts":[…]|"from_trace":{…},"start_date"}
 *   GET   /api/followups?status=&class_id=&case_id=
 *   GET   /api/followups/{id}                 with its daily checks
 *   POST  /api/followups/{id}/checks {"date","temperature","symptoms","note"}
 *   POST  /api/followups/{id}/link            a self-report link (the token is shown once)
 *   POST  /api/followups/{id}/case {"code"}   the contact became a suspected case
 *   POST  /api/followups/{id}/close {"status":"completed|lost|released"}
 *   GET   /api/report/{token}, POST /api/report/{token}   the self-report page (public)
 *   GET   /api/cases/{id}/source-suggestion   the likely source from the trace
 *   PUT   /api/cases/{id}/source {"source_case_id","by":"doctor|trace"}
 *   GET   /api/chains?all=1                   {nodes, edges}
 *   POST  /api/presence {"place_id","start","end","people":[id…],"event"}
 *   GET   /api/diseases, PUT /api/diseases/{code}
 *
 * Times are Unix seconds in answers; in requests a number of seconds or an
 * ISO 8601 string (no zone = China Standard Time).  Every read or change
 * of a person's case or follow-up goes to the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/cases.h"
#include "domain/chains.h"
#include "domain/codes.h"
#include "domain/followup.h"
#include "domain/presence.h"
#include "domain/presence_import.h"
#include "domain/tracing.h"
#include "http/internal.h"
#include "util/date.h"

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static const char *today(char buf[11])
{
	date_format(date_today_cst(), buf);
	return buf;
}

static void add_time(cJSON *o, const char *name, int64_t t)
{
	if (t)
		cJSON_AddNumberToObject(o, name, (double)t);
	else
		cJSON_AddNullToObject(o, name);
}

/* A time field: number of seconds or ISO 8601 string.  1 when present,
 * 0 absent (or null), -1 after answering 400. */
static int time_field(const cJSON *b, const char *name, int64_t *out, http_response *res)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(b, name);
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsNumber(v) && v->valuedouble == (double)(int64_t)v->valuedouble &&
	    v->valuedouble > -9e15 && v->valuedouble < 9e15) {
		*out = (int64_t)v->valuedouble;
		return 1;
	}
	if (cJSON_IsString(v) && presence_parse_time(v->valuestring, out) == 0)
		return 1;
	http_error(res, 400, "invalid", name,
		   "%s 应为 ISO 8601 时间或整数秒 (%s must be an ISO 8601 time or integer seconds)", name, name);
	return -1;
}

static int bool_field(const cJSON *b, const char *name, int *out, http_response *res)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(b, name);
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v)) {
		http_error(res, 400, "invalid", name, "%s 应为 true/false", name);
		return -1;
	}
	*out = cJSON_IsTrue(v);
	return 1;
}

static void audit_id(http_request *req, const char *action, const char *entity, int64_t id,
		     int64_t person_id, const char *detail)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	http_audit(req, action, entity, ids, person_id, detail);
}

/* The school a request works on: the user's (district users name none). */
static int64_t user_school(const http_request *req)
{
	return req->user->school_id;
}

/* ---- JSON shapes ---- */

static cJSON *stay_json(const stay_rec *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddNumberToObject(o, "case_id", (double)r->case_id);
	cJSON_AddNumberToObject(o, "person_id", (double)r->person_id);
	cJSON_AddStringToObject(o, "number", r->number);
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddNumberToObject(o, "place_id", (double)r->place_id);
	cJSON_AddStringToObject(o, "place", r->place_name);
	cJSON_AddStringToObject(o, "place_kind", r->place_kind);
	cJSON_AddNumberToObject(o, "started_at", (double)r->started_at);
	add_time(o, "ended_at", r->ended_at);
	cJSON_AddStringToObject(o, "release_criteria", r->release_criteria);
	cJSON_AddStringToObject(o, "release_date", r->release_date);
	cJSON *h = cJSON_AddObjectToObject(o, "handover");
	cJSON_AddStringToObject(h, "to", r->handover_to);
	cJSON_AddStringToObject(h, "name", r->handover_name);
	cJSON_AddStringToObject(h, "phone", r->handover_phone);
	cJSON_AddStringToObject(h, "note", r->handover_note);
	return o;
}

static cJSON *case_json(const cases_rec *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)c->id);
	cJSON_AddNumberToObject(o, "person_id", (double)c->person_id);
	cJSON_AddStringToObject(o, "number", c->number);
	cJSON_AddStringToObject(o, "name", c->name);
	cJSON_AddStringToObject(o, "kind", c->kind);
	cJSON_AddStringToObject(o, "class", c->class_name);
	cJSON_AddStringToObject(o, "code", c->code);
	const code_name *d = codes_diagnosis(c->code);
	cJSON_AddStringToObject(o, "code_zh", d ? d->zh : c->code);
	cJSON_AddStringToObject(o, "code_en", d ? d->en : c->code);
	cJSON_AddStringToObject(o, "classification", c->classification);
	cJSON_AddStringToObject(o, "classification_zh", cases_classification_zh(c->classification));
	add_time(o, "onset", c->onset_at);
	cJSON_AddNumberToObject(o, "created_at", (double)c->created_at);
	cJSON_AddNumberToObject(o, "report_due_at", (double)c->report_due_at);
	add_time(o, "reported_at", c->reported_at);
	cJSON_AddBoolToObject(o, "report_overdue",
			      c->reported_at ? c->reported_at > c->report_due_at : now_s() > c->report_due_at);
	cJSON_AddStringToObject(o, "outcome", c->outcome);
	add_time(o, "outcome_at", c->outcome_at);
	add_time(o, "alert_id", c->alert_id);
	add_time(o, "followup_id", c->followup_id);
	add_time(o, "source_case_id", c->source_case_id);
	cJSON_AddStringToObject(o, "source_by", c->source_by);
	cJSON_AddStringToObject(o, "note", c->note);
	if (c->stay_id) {
		cJSON *st = cJSON_AddObjectToObject(o, "isolation");
		cJSON_AddNumberToObject(st, "stay_id", (double)c->stay_id);
		cJSON_AddNumberToObject(st, "place_id", (double)c->stay_place_id);
		cJSON_AddStringToObject(st, "place", c->stay_place);
		cJSON_AddNumberToObject(st, "started_at", (double)c->stay_started_at);
	} else {
		cJSON_AddNullToObject(o, "isolation");
	}
	add_time(o, "isolated_at", c->isolated_at);
	return o;
}

static cJSON *disease_json(const disease_rec *d)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", d->code);
	cJSON_AddBoolToObject(o, "district", d->school_id == 0);
	cJSON_AddNumberToObject(o, "window_before_h", d->window_before_h);
	cJSON_AddNumberToObject(o, "min_exposure_s", (double)d->min_exposure_s);
	cJSON_AddBoolToObject(o, "same_dorm", d->same_dorm);
	cJSON_AddBoolToObject(o, "same_class", d->same_class);
	cJSON_AddNumberToObject(o, "hops", d->hops);
	cJSON_AddNumberToObject(o, "monitor_days", d->monitor_days);
	return o;
}

/* A contact under follow-up as JSON.  Who the index case is (its id, code
 * and name), through whom the contact was exposed and where, is health data
 * of other people: only a caller who may read the school's cases gets it; a
 * class teacher sees their student, the period and the daily checks. */
static cJSON *followup_json(http_request *req, const followup_rec *f)
{
	policy_target pt = { .school_id = f->school_id };
	int cases = policy_check(req->user, POL_CASE_READ, &pt) == 0;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)f->id);
	if (cases) {
		cJSON_AddNumberToObject(o, "case_id", (double)f->case_id);
		cJSON_AddStringToObject(o, "case_code", f->case_code);
		cJSON_AddStringToObject(o, "case_name", f->case_name);
	}
	cJSON_AddNumberToObject(o, "person_id", (double)f->person_id);
	cJSON_AddStringToObject(o, "number", f->number);
	cJSON_AddStringToObject(o, "name", f->name);
	cJSON_AddStringToObject(o, "kind", f->kind);
	cJSON_AddStringToObject(o, "class", f->class_name);
	add_time(o, "class_id", f->class_id);
	cJSON_AddNumberToObject(o, "hop", f->hop);
	cJSON_AddNumberToObject(o, "exposure_seconds", (double)f->exposure_s);
	add_time(o, "first_contact", f->first_contact);
	if (cases) {
		add_time(o, "via_person_id", f->via_person_id);
		cJSON_AddStringToObject(o, "via", f->via_name);
		cJSON_AddStringToObject(o, "places", f->places);
	}
	cJSON_AddStringToObject(o, "start_date", f->start_date);
	cJSON_AddStringToObject(o, "end_date", f->end_date);
	cJSON_AddStringToObject(o, "status", f->status);
	add_time(o, "status_at", f->status_at);
	add_time(o, "new_case_id", f->new_case_id);
	cJSON_AddStringToObject(o, "last_check", f->last_check);
	cJSON_AddNumberToObject(o, "checks", (double)f->checks);
	char t[11];
	cJSON_AddBoolToObject(o, "checked_today", !strcmp(f->last_check, today(t)));
	return o;
}

/* ---- loading with the policy ---- */

/* Load case {id} and check act on its school; answers and returns 1 on failure. */
static int load_case(http_request *req, http_response *res, policy_action act, cases_rec *c)
{
	int64_t id = http_parse_id(req->params[0]);
	if (id <= 0 || store_case_get(req->store, id, c, NULL) != 0) {
		if (!http_deny(req, res, act, user_school(req), 0))
			http_error(res, 404, "not_found", NULL, "没有这个病例 (no such case)");
		return 1;
	}
	return http_deny(req, res, act, c->school_id, 0);
}

static int load_followup(http_request *req, http_response *res, policy_action act, followup_rec *f)
{
	int64_t id = http_parse_id(req->params[0]);
	if (id <= 0 || store_followup_get(req->store, id, f, NULL) != 0) {
		if (!http_deny(req, res, act, user_school(req), 0))
			http_error(res, 404, "not_found", NULL, "没有这条医学观察 (no such follow-up)");
		return 1;
	}
	return http_deny(req, res, act, f->school_id, f->class_id);
}

/* ---- cases ---- */

static int add_case(void *ctx, const cases_rec *c)
{
	cJSON_AddItemToArray(ctx, case_json(c));
	return 0;
}

void api_cases_list(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_CASE_READ, user_school(req), 0))
		return;
	const char *open = http_arg(req, "open"), *person = http_arg(req, "person_id");
	case_filter f = { .school_id = user_school(req) ? user_school(req) : -1, /* a district user names a school */
			  .open_only = open && !strcmp(open, "1") };
	if (person && (f.person_id = http_parse_id(person)) <= 0) {
		http_error(res, 400, "invalid", "person_id", "person_id 无效 (invalid person_id)");
		return;
	}
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_case_list(req->store, &f, add_case, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	http_audit(req, "read", "cases", "", f.person_id, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

/* Read the case fields of a body; 1 after answering 400. */
static int case_fields_of(const cJSON *b, case_fields *f, http_response *res)
{
	int bad = 0;
	memset(f, 0, sizeof *f);
	f->code = http_field_str(b, "code", res, &bad);
	f->classification = http_field_str(b, "classification", res, &bad);
	f->note = http_field_str(b, "note", res, &bad);
	f->outcome = http_field_str(b, "outcome", res, &bad);
	if (bad)
		return 1;
	int r;
	if ((r = time_field(b, "onset", &f->onset_at, res)) < 0)
		return 1;
	f->has_onset = r;
	if ((r = time_field(b, "reported_at", &f->reported_at, res)) < 0)
		return 1;
	f->has_reported = r;
	int reported = 0;
	if ((r = bool_field(b, "reported", &reported, res)) < 0)
		return 1;
	if (r) {
		f->has_reported = 1;
		f->reported_at = reported ? now_s() : 0;
	}
	if ((r = time_field(b, "outcome_at", &f->outcome_at, res)) < 0)
		return 1;
	f->has_outcome_at = r;
	return 0;
}

static void answer_case(http_request *req, http_response *res, int64_t id, int status)
{
	cases_rec c;
	jy_err err;
	err_clear(&err);
	if (store_case_get(req->store, id, &c, &err)) {
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "case", case_json(&c));
	http_json(res, status, j);
}

void api_case_create(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_CASE_WRITE, user_school(req), 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	case_fields f;
	int bad = 0;
	int64_t person_id = 0, source = 0;
	const char *number = http_field_str(b, "number", res, &bad);
	if (!bad)
		http_field_int(b, "person_id", &person_id, res, &bad);
	if (!bad)
		http_field_int(b, "source_case_id", &source, res, &bad);
	if (bad || case_fields_of(b, &f, res)) {
		cJSON_Delete(b);
		return;
	}
	if (!f.classification)
		f.classification = "suspected";
	person_rec p;
	if (!person_id && number && store_person_find(req->store, user_school(req), number, &p, NULL) == 0)
		person_id = p.id;
	jy_err err;
	err_clear(&err);
	int64_t id = 0;
	int rc = cases_open(req->store, user_school(req), person_id, &f, 0, 0, source, req->user->id, &id, &err);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "create", "case", id, person_id, NULL);
	answer_case(req, res, id, 201);
}

typedef struct json_list {
	cJSON *a;
} json_list;

static int add_stay(void *ctx, const stay_rec *r)
{
	cJSON_AddItemToArray(ctx, stay_json(r));
	return 0;
}

typedef struct followup_list_ctx {
	http_request *req;
	cJSON *items;
} followup_list_ctx;

static int add_followup(void *ctx, const followup_rec *f)
{
	followup_list_ctx *x = ctx;
	cJSON_AddItemToArray(x->items, followup_json(x->req, f));
	return 0;
}

void api_case_get(http_request *req, http_response *res)
{
	cases_rec c;
	if (load_case(req, res, POL_CASE_READ, &c))
		return;
	cJSON *j = cJSON_CreateObject();
	cJSON *o = case_json(&c);
	cJSON_AddItemToObject(j, "case", o);
	cJSON *stays = cJSON_AddArrayToObject(o, "stays");
	store_stay_list(req->store, 0, c.id, 0, 0, add_stay, stays, NULL);
	disease_rec d;
	if (store_disease_get(req->store, c.school_id, c.code, &d, NULL) == 0) {
		cJSON_AddItemToObject(o, "setting", disease_json(&d));
		int64_t from, to;
		cases_window(&c, &d, now_s(), &from, &to);
		cJSON *w = cJSON_AddObjectToObject(o, "window");
		cJSON_AddNumberToObject(w, "from", (double)from);
		cJSON_AddNumberToObject(w, "to", (double)to);
	}
	followup_filter ff = { .school_id = c.school_id, .case_id = c.id };
	followup_list_ctx fx = { req, cJSON_AddArrayToObject(o, "followups") };
	store_followup_list(req->store, &ff, add_followup, &fx, NULL);
	audit_id(req, "read", "case", c.id, c.person_id, NULL);
	http_json(res, 200, j);
}

void api_case_update(http_request *req, http_response *res)
{
	cases_rec c;
	if (load_case(req, res, POL_CASE_WRITE, &c))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	case_fields f;
	if (case_fields_of(b, &f, res)) {
		cJSON_Delete(b);
		return;
	}
	jy_err err;
	err_clear(&err);
	int rc = cases_update(req->store, c.id, &f, &err);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "update", "case", c.id, c.person_id, NULL);
	answer_case(req, res, c.id, 200);
}

void api_alert_cases(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	alert_rec a;
	if (id <= 0 || store_alert_get(req->store, id, &a, NULL) != 0) {
		if (!http_deny(req, res, POL_CASE_WRITE, user_school(req), 0))
			http_error(res, 404, "not_found", NULL, "没有这条预警 (no such alert)");
		return;
	}
	if (http_deny(req, res, POL_CASE_WRITE, a.school_id, 0))
		return;
	int64_t ids[256];
	size_t n = 0, existing = 0;
	jy_err err;
	err_clear(&err);
	if (cases_from_alert(req->store, a.id, req->user->id, ids, 256, &n, &existing, &err)) {
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(j, "cases");
	for (size_t i = 0; i < n && i < 256; i++) {
		cases_rec c;
		if (store_case_get(req->store, ids[i], &c, NULL) == 0) {
			cJSON_AddItemToArray(arr, case_json(&c));
			audit_id(req, "create", "case", c.id, c.person_id, "from alert");
		}
	}
	cJSON_AddNumberToObject(j, "opened", (double)n);
	cJSON_AddNumberToObject(j, "existing", (double)existing);
	http_json(res, n ? 201 : 200, j);
}

/* ---- isolation ---- */

void api_case_isolate(http_request *req, http_response *res)
{
	cases_rec c;
	if (load_case(req, res, POL_CASE_WRITE, &c))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	int64_t place = 0, at = 0;
	http_field_int(b, "place_id", &place, res, &bad);
	const char *crit = http_field_str(b, "release_criteria", res, &bad);
	const char *rdate = http_field_str(b, "release_date", res, &bad);
	if (bad || time_field(b, "started_at", &at, res) < 0) {
		cJSON_Delete(b);
		return;
	}
	jy_err err;
	err_clear(&err);
	int64_t stay = 0;
	int rc = cases_isolate(req->store, c.id, place, at, crit, rdate, req->user->id, &stay, &err);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "create", "isolation", stay, c.person_id, NULL);
	stay_rec r;
	store_stay_get(req->store, stay, &r, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "stay", stay_json(&r));
	http_json(res, 201, j);
}

void api_isolation_handover(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	stay_rec r;
	if (id <= 0 || store_stay_get(req->store, id, &r, NULL) != 0) {
		if (!http_deny(req, res, POL_CASE_WRITE, user_school(req), 0))
			http_error(res, 404, "not_found", NULL, "没有这条隔离记录 (no such stay)");
		return;
	}
	if (http_deny(req, res, POL_CASE_WRITE, r.school_id, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	int64_t at = 0;
	const char *to = http_field_str(b, "to", res, &bad);
	const char *name = http_field_str(b, "name", res, &bad);
	const char *phone = http_field_str(b, "phone", res, &bad);
	const char *note = http_field_str(b, "note", res, &bad);
	if (bad || time_field(b, "at", &at, res) < 0) {
		cJSON_Delete(b);
		return;
	}
	jy_err err;
	err_clear(&err);
	int rc = cases_handover(req->store, r.id, to, name, phone, note, at, req->user->id, &err);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "update", "isolation", r.id, r.person_id, "handover");
	store_stay_get(req->store, r.id, &r, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "stay", stay_json(&r));
	http_json(res, 200, j);
}

typedef struct rooms_ctx {
	http_request *req;
	cJSON *items;
} rooms_ctx;

static int add_room(void *ctx, const room_rec *r)
{
	rooms_ctx *x = ctx;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "kind", r->kind);
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddStringToObject(o, "building", r->building);
	if (r->capacity >= 0)
		cJSON_AddNumberToObject(o, "capacity", (double)r->capacity);
	else
		cJSON_AddNullToObject(o, "capacity");
	cJSON_AddNumberToObject(o, "occupied", (double)r->occupied);
	cJSON_AddBoolToObject(o, "full", r->capacity >= 0 && r->occupied >= r->capacity);
	cJSON *occ = cJSON_AddArrayToObject(o, "occupants");
	store_room_open_stays(x->req->store, r->id, add_stay, occ, NULL);
	cJSON_AddItemToArray(x->items, o);
	return 0;
}

void api_isolation_rooms(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_CASE_READ, user_school(req), 0))
		return;
	rooms_ctx x = { req, cJSON_CreateArray() };
	jy_err err;
	err_clear(&err);
	if (store_room_list(req->store, user_school(req), add_room, &x, &err)) {
		cJSON_Delete(x.items);
		http_error_from(res, &err);
		return;
	}
	http_audit(req, "read", "isolation", "", 0, "rooms");
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", x.items);
	http_json(res, 200, j);
}

/* ---- tracing ---- */

/* The trace of a case with the query's fields filled from the body and the
 * disease's defaults.  Answers and returns non-zero on failure. */
static int case_trace(http_request *req, http_response *res, const cases_rec *c, const cJSON *b,
		      tracing_query *q, disease_rec *d, tracing_result **r)
{
	jy_err err;
	err_clear(&err);
	if (store_disease_get(req->store, c->school_id, c->code, d, &err)) {
		http_error_from(res, &err);
		return 1;
	}
	memset(q, 0, sizeof *q);
	cases_window(c, d, now_s(), &q->from, &q->to);
	q->hops = (unsigned)d->hops;
	q->min_duration = d->min_exposure_s;
	q->same_dorm = d->same_dorm;
	q->same_class = d->same_class;
	q->want_places = 1;
	q->cases = &c->person_id;
	q->ncases = 1;
	if (b) {
		int bad = 0;
		int64_t v;
		if (time_field(b, "from", &q->from, res) < 0 || time_field(b, "to", &q->to, res) < 0)
			return 1;
		if (http_field_int(b, "hops", &v, res, &bad) == 1) {
			if (v < 1 || v > 10) {
				http_error(res, 400, "invalid", "hops", "hops 应为 1–10 (hops must be 1-10)");
				return 1;
			}
			q->hops = (unsigned)v;
		}
		if (!bad && http_field_int(b, "min_duration", &v, res, &bad) == 1) {
			if (v < 0 || v > 31536000) {
				http_error(res, 400, "invalid", "min_duration", "min_duration 应为 0–31536000 秒");
				return 1;
			}
			q->min_duration = v;
		}
		if (bad)
			return 1;
	}
	if (q->to <= q->from) {
		http_error(res, 400, "invalid", "to", "时间窗口为空 (from must be before to)");
		return 1;
	}
	if (q->to - q->from > 92 * 86400) {
		http_error(res, 400, "invalid", "to", "时间窗口不超过 92 天 (the window is at most 92 days)");
		return 1;
	}
	if (tracing_run(req->store, c->school_id, q, r, &err)) {
		http_error_from(res, &err);
		return 1;
	}
	return 0;
}

/*
 * The trace answer is written here, not built with cJSON: a 2-hop trace of
 * the demo school lists ~6,000 contacts with their places (1.5 MB), and
 * building and printing that as cJSON items cost more than the trace itself
 * (bench/cases.sh).  jb_str escapes as RFC 8259 requires (quote, backslash,
 * control characters; UTF-8 passes through), so no raw text reaches the
 * answer.
 */
typedef struct jbuf {
	char *p;
	size_t n, cap;
	int oom;
} jbuf;

static void jb_grow(jbuf *b, size_t more)
{
	if (b->oom || b->n + more <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 1 << 16;
	while (cap < b->n + more)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return;
	}
	b->p = p;
	b->cap = cap;
}

static void jb_raw(jbuf *b, const char *s, size_t len)
{
	jb_grow(b, len);
	if (b->oom || !len)
		return;
	memcpy(b->p + b->n, s, len);
	b->n += len;
}

#define JB_LIT(b, lit) jb_raw((b), (lit), sizeof(lit) - 1)

static void jb_str(jbuf *b, const char *s)
{
	size_t len = strlen(s);
	jb_grow(b, len * 6 + 2);
	if (b->oom)
		return;
	char *o = b->p + b->n;
	*o++ = '"';
	for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
		if (*q == '"' || *q == '\\') {
			*o++ = '\\';
			*o++ = (char)*q;
		} else if (*q < 0x20) {
			static const char hex[] = "0123456789abcdef";
			*o++ = '\\';
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[*q >> 4];
			*o++ = hex[*q & 15];
		} else {
			*o++ = (char)*q;
		}
	}
	*o++ = '"';
	b->n = (size_t)(o - b->p);
}

static void jb_int(jbuf *b, int64_t v)
{
	char tmp[24];
	int i = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[i++] = '-';
	jb_grow(b, (size_t)i);
	if (b->oom)
		return;
	while (i)
		b->p[b->n++] = tmp[--i];
}

static void jb_double(jbuf *b, double v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, "%.1f", v);
	jb_raw(b, tmp, (size_t)n);
}

void api_case_trace(http_request *req, http_response *res)
{
	cases_rec c;
	if (load_case(req, res, POL_TRACE_RUN, &c))
		return;
	cJSON *body = NULL;
	if (req->body_len && !(body = http_json_body(req, res)))
		return;
	tracing_query q;
	disease_rec d;
	tracing_result *r = NULL;
	int failed = case_trace(req, res, &c, body, &q, &d, &r);
	cJSON_Delete(body);
	if (failed)
		return;
	jbuf b = { 0 };
	jb_grow(&b, r->nhits * 256 + 4096);
	JB_LIT(&b, "{\"case_id\":");
	jb_int(&b, c.id);
	JB_LIT(&b, ",\"person_id\":");
	jb_int(&b, c.person_id);
	JB_LIT(&b, ",\"from\":");
	jb_int(&b, q.from);
	JB_LIT(&b, ",\"to\":");
	jb_int(&b, q.to);
	JB_LIT(&b, ",\"hops\":");
	jb_int(&b, q.hops);
	JB_LIT(&b, ",\"min_duration\":");
	jb_int(&b, q.min_duration);
	JB_LIT(&b, ",\"criteria\":{\"same_dorm\":");
	if (q.same_dorm)
		JB_LIT(&b, "true");
	else
		JB_LIT(&b, "false");
	JB_LIT(&b, ",\"same_class\":");
	if (q.same_class)
		JB_LIT(&b, "true");
	else
		JB_LIT(&b, "false");
	JB_LIT(&b, "},\"case_has_data\":");
	if (r->nunknown)
		JB_LIT(&b, "false");
	else
		JB_LIT(&b, "true");
	/* Places once, referred to by index from each contact's
	 * "places": [[index, seconds, first], …]. */
	size_t hsize = 64;
	while (hsize < 2 * (r->nplaces + 1))
		hsize *= 2;
	int64_t *seen = calloc(hsize, sizeof *seen);      /* place_id + 1, 0 = empty */
	size_t *slot_idx = calloc(hsize, sizeof *slot_idx);
	const tracing_place **order = calloc(r->nplaces + 1, sizeof *order);
	size_t nseen = 0;
	int counts[11] = { 0 };
	JB_LIT(&b, ",\"contacts\":[");
	for (size_t i = 0; seen && slot_idx && order && i < r->nhits; i++) {
		const tracing_hit *h = &r->hits[i];
		if (i)
			JB_LIT(&b, ",");
		JB_LIT(&b, "{\"person_id\":");
		jb_int(&b, h->person_id);
		JB_LIT(&b, ",\"number\":");
		jb_str(&b, h->number);
		JB_LIT(&b, ",\"name\":");
		jb_str(&b, h->name);
		JB_LIT(&b, ",\"class\":");
		jb_str(&b, h->class_name);
		JB_LIT(&b, ",\"hop\":");
		jb_int(&b, h->hop);
		JB_LIT(&b, ",\"exposure_seconds\":");
		jb_int(&b, h->exposure);
		JB_LIT(&b, ",\"first_contact\":");
		jb_int(&b, h->first_contact);
		JB_LIT(&b, ",\"via_person_id\":");
		jb_int(&b, h->via_person_id);
		JB_LIT(&b, ",\"via_number\":");
		jb_str(&b, h->via_number);
		JB_LIT(&b, ",\"criterion\":");
		jb_str(&b, h->criterion);
		JB_LIT(&b, ",\"places\":[");
		for (size_t k = h->place_off; k < h->place_off + h->nplaces; k++) {
			const tracing_place *p = &r->places[k];
			size_t slot = ((uint64_t)p->place_id * 0x9E3779B97F4A7C15ull >> 20) & (hsize - 1);
			while (seen[slot] && seen[slot] != p->place_id + 1)
				slot = (slot + 1) & (hsize - 1);
			if (!seen[slot]) {
				seen[slot] = p->place_id + 1;
				slot_idx[slot] = nseen;
				order[nseen++] = p;
			}
			if (k > h->place_off)
				JB_LIT(&b, ",");
			JB_LIT(&b, "[");
			jb_int(&b, (int64_t)slot_idx[slot]);
			JB_LIT(&b, ",");
			jb_int(&b, p->seconds);
			JB_LIT(&b, ",");
			jb_int(&b, p->first);
			JB_LIT(&b, "]");
		}
		JB_LIT(&b, "]}");
		if (h->hop <= 10)
			counts[h->hop]++;
	}
	JB_LIT(&b, "],\"places\":[");
	for (size_t i = 0; i < nseen; i++) {
		if (i)
			JB_LIT(&b, ",");
		JB_LIT(&b, "{\"id\":");
		jb_int(&b, order[i]->place_id);
		JB_LIT(&b, ",\"name\":");
		jb_str(&b, order[i]->name);
		JB_LIT(&b, ",\"kind\":");
		jb_str(&b, order[i]->kind);
		JB_LIT(&b, "}");
	}
	JB_LIT(&b, "],\"by_hop\":[");
	for (unsigned h = 1; h <= q.hops; h++) {
		if (h > 1)
			JB_LIT(&b, ",");
		jb_int(&b, counts[h]);
	}
	JB_LIT(&b, "],\"stats\":{\"intervals\":");
	jb_int(&b, (int64_t)r->intervals);
	JB_LIT(&b, ",\"records\":");
	jb_int(&b, (int64_t)r->records);
	JB_LIT(&b, ",\"stages\":");
	jb_int(&b, (int64_t)r->stages);
	JB_LIT(&b, ",\"load_ms\":");
	jb_double(&b, r->load_ms);
	JB_LIT(&b, ",\"expand_ms\":");
	jb_double(&b, r->expand_ms);
	JB_LIT(&b, ",\"index_ms\":");
	jb_double(&b, r->index_ms);
	JB_LIT(&b, ",\"run_ms\":");
	jb_double(&b, r->run_ms);
	JB_LIT(&b, "}}");
	int oom = b.oom || !seen || !slot_idx || !order;
	free(seen);
	free(slot_idx);
	free(order);
	char detail[96];
	snprintf(detail, sizeof detail, "trace: %zu contacts, %u hops", r->nhits, q.hops);
	tracing_result_free(r);
	if (oom) {
		free(b.p);
		http_error(res, 500, "internal", NULL, "内存不足 (out of memory)");
		return;
	}
	audit_id(req, "read", "trace", c.id, c.person_id, detail);
	res->status = 200;
	res->content_type = "application/json; charset=utf-8";
	res->body = b.p;
	res->body_len = b.n;
}

/* ---- follow-up ---- */

/* A contacts[i] object into c; 1 after answering 400. */
static int contact_of(const cJSON *o, size_t i, followup_contact *c, http_response *res)
{
	memset(c, 0, sizeof *c);
	int bad = 0;
	int64_t v;
	if (!cJSON_IsObject(o)) {
		http_error(res, 400, "invalid", "contacts", "contacts 应为对象数组 (contacts must be objects)");
		return 1;
	}
	if (http_field_int(o, "person_id", &c->person_id, res, &bad) != 1 && !bad) {
		char f[40];
		snprintf(f, sizeof f, "contacts[%zu].person_id", i);
		http_error(res, 400, "invalid", f, "需要 person_id (person_id is required)");
		return 1;
	}
	if (!bad && http_field_int(o, "hop", &v, res, &bad) == 1)
		c->hop = v > 0 && v <= 10 ? (int)v : 1;
	if (!bad)
		http_field_int(o, "exposure_seconds", &c->exposure_s, res, &bad);
	if (!bad)
		http_field_int(o, "first_contact", &c->first_contact, res, &bad);
	if (!bad)
		http_field_int(o, "via_person_id", &c->via_person_id, res, &bad);
	const char *pl = bad ? NULL : http_field_str(o, "places", res, &bad);
	if (pl)
		snprintf(c->places, sizeof c->places, "%s", pl);
	return bad;
}

void api_case_followups(http_request *req, http_response *res)
{
	cases_rec c;
	if (load_case(req, res, POL_FOLLOWUP_MANAGE, &c))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	char tbuf[11];
	const char *start = http_field_str(b, "start_date", res, &bad);
	const cJSON *contacts = cJSON_GetObjectItemCaseSensitive(b, "contacts");
	const cJSON *from_trace = cJSON_GetObjectItemCaseSensitive(b, "from_trace");
	followup_contact *v = NULL;
	size_t n = 0;
	tracing_result *r = NULL;
	if (bad)
		goto out;
	if (contacts && cJSON_IsArray(contacts)) {
		n = (size_t)cJSON_GetArraySize(contacts);
		v = calloc(n + 1, sizeof *v);
		const cJSON *it;
		size_t i = 0;
		cJSON_ArrayForEach(it, contacts) {
			if (contact_of(it, i, &v[i], res))
				goto out;
			i++;
		}
	} else if (from_trace && (cJSON_IsObject(from_trace) || cJSON_IsTrue(from_trace))) {
		tracing_query q;
		disease_rec d;
		if (case_trace(req, res, &c, cJSON_IsObject(from_trace) ? from_trace : NULL, &q, &d, &r))
			goto out;
		n = r->nhits;
		v = calloc(n + 1, sizeof *v);
		for (size_t i = 0; v && i < n; i++) {
			const tracing_hit *h = &r->hits[i];
			v[i].person_id = h->person_id;
			v[i].hop = (int)h->hop;
			v[i].exposure_s = h->exposure;
			v[i].first_contact = h->first_contact;
			v[i].via_person_id = h->via_person_id;
			size_t len = 0;
			for (size_t k = h->place_off; k < h->place_off + h->nplaces && len < sizeof v[i].places; k++)
				len += (size_t)snprintf(v[i].places + len, sizeof v[i].places - len, "%s%s",
							len ? "、" : "", r->places[k].name);
		}
	} else {
		http_error(res, 400, "invalid", "contacts", "需要 contacts 数组或 from_trace (contacts or from_trace is required)");
		goto out;
	}
	if (!v) {
		http_error(res, 500, "internal", NULL, "out of memory");
		goto out;
	}
	if (!start) {
		/* monitoring starts the day after the last exposure, at the latest today */
		start = today(tbuf);
	}
	size_t created = 0, existing = 0;
	jy_err err;
	err_clear(&err);
	if (followup_start(req->store, c.id, v, n, start, req->user->id, &created, &existing, &err)) {
		http_error_from(res, &err);
		goto out;
	}
	char detail[80];
	snprintf(detail, sizeof detail, "followups: %zu added, %zu existing", created, existing);
	audit_id(req, "create", "followup", c.id, c.person_id, detail);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "created", (double)created);
	cJSON_AddNumberToObject(j, "existing", (double)existing);
	http_json(res, created ? 201 : 200, j);
out:
	tracing_result_free(r);
	free(v);
	cJSON_Delete(b);
}

void api_followups_list(http_request *req, http_response *res)
{
	const char *cls = http_arg(req, "class_id"), *st = http_arg(req, "status"),
		   *cs = http_arg(req, "case_id");
	followup_filter f = { .school_id = user_school(req) ? user_school(req) : -1, /* a district user names a school */
			      .status = st };
	if (cls && (f.class_id = http_parse_id(cls)) <= 0) {
		http_error(res, 400, "invalid", "class_id", "class_id 无效 (invalid class_id)");
		return;
	}
	if (cs && (f.case_id = http_parse_id(cs)) <= 0) {
		http_error(res, 400, "invalid", "case_id", "case_id 无效 (invalid case_id)");
		return;
	}
	/* A class teacher sees their class without naming it. */
	if (!f.class_id && !strcmp(req->user->scope_kind, "class"))
		f.class_id = req->user->scope_id;
	if (http_deny(req, res, POL_FOLLOWUP_READ, user_school(req), f.class_id))
		return;
	if (st && strcmp(st, "monitoring") && strcmp(st, "completed") && strcmp(st, "lost") &&
	    strcmp(st, "became_case") && strcmp(st, "released")) {
		http_error(res, 400, "invalid", "status", "status 应为 monitoring/completed/lost/became_case/released");
		return;
	}
	char t[11];
	if (f.school_id > 0)
		followup_sweep(req->store, f.school_id, today(t), NULL, NULL);
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	followup_list_ctx fx = { req, items };
	if (store_followup_list(req->store, &f, add_followup, &fx, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	http_audit(req, "read", "followups", "", 0, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

static int add_check(void *ctx, const followup_check_rec *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "date", c->date);
	if (c->temperature >= 0)
		cJSON_AddNumberToObject(o, "temperature", c->temperature);
	else
		cJSON_AddNullToObject(o, "temperature");
	cJSON *s = cJSON_AddArrayToObject(o, "symptoms");
	char buf[200];
	snprintf(buf, sizeof buf, "%s", c->symptoms);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(s, cJSON_CreateString(t));
	cJSON_AddStringToObject(o, "note", c->note);
	cJSON_AddStringToObject(o, "source", c->source);
	cJSON_AddNumberToObject(o, "recorded_at", (double)c->recorded_at);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

void api_followup_get(http_request *req, http_response *res)
{
	followup_rec f;
	if (load_followup(req, res, POL_FOLLOWUP_READ, &f))
		return;
	cJSON *o = followup_json(req, &f);
	cJSON *checks = cJSON_AddArrayToObject(o, "daily_checks");
	store_followup_checks(req->store, f.id, add_check, checks, NULL);
	audit_id(req, "read", "followup", f.id, f.person_id, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "followup", o);
	http_json(res, 200, j);
}

/* Read and record a daily check from b; answers either way. */
static void record_check(http_request *req, http_response *res, const followup_rec *f,
			 const cJSON *b, const char *source)
{
	int bad = 0;
	char tbuf[11], sym[400] = "";
	const char *date = http_field_str(b, "date", res, &bad);
	const char *note = http_field_str(b, "note", res, &bad);
	if (bad)
		return;
	double temp = -1;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "temperature");
	if (t && !cJSON_IsNull(t)) {
		if (!cJSON_IsNumber(t)) {
			http_error(res, 400, "invalid", "temperature", "体温应为数字 (temperature must be a number)");
			return;
		}
		temp = t->valuedouble;
	}
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(b, "symptoms");
	if (cJSON_IsString(s)) {
		snprintf(sym, sizeof sym, "%s", s->valuestring);
	} else if (cJSON_IsArray(s)) {
		const cJSON *it;
		cJSON_ArrayForEach(it, s) {
			if (!cJSON_IsString(it)) {
				http_error(res, 400, "invalid", "symptoms", "症状应为字符串数组 (symptoms must be strings)");
				return;
			}
			size_t n = strlen(sym);
			snprintf(sym + n, sizeof sym - n, "%s%s", n ? ";" : "", it->valuestring);
		}
	} else if (s && !cJSON_IsNull(s)) {
		http_error(res, 400, "invalid", "symptoms", "症状应为字符串数组 (symptoms must be strings)");
		return;
	}
	if (!date)
		date = today(tbuf);
	jy_err err;
	err_clear(&err);
	int symptomatic = 0;
	if (followup_record_check(req->store, f->id, date, temp, sym, note, source,
				  req->user ? req->user->id : 0, &symptomatic, &err)) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "create", "followup_check", f->id, f->person_id, source);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "ok", 1);
	cJSON_AddBoolToObject(j, "symptomatic", symptomatic);
	cJSON_AddStringToObject(j, "date", date);
	http_json(res, 200, j);
}

void api_followup_check(http_request *req, http_response *res)
{
	followup_rec f;
	if (load_followup(req, res, POL_FOLLOWUP_CHECK, &f))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	record_check(req, res, &f, b, !strcmp(req->user->role, "teacher") ? "teacher" : "staff");
	cJSON_Delete(b);
}

void api_followup_link(http_request *req, http_response *res)
{
	followup_rec f;
	if (load_followup(req, res, POL_FOLLOWUP_CHECK, &f))
		return;
	char token[AUTH_TOKEN_HEX];
	int64_t expires = 0;
	jy_err err;
	err_clear(&err);
	if (followup_link(req->store, f.id, req->user->id, token, &expires, &err)) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "create", "followup_link", f.id, f.person_id, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "token", token);
	char url[128];
	snprintf(url, sizeof url, "/report/%s", token);
	cJSON_AddStringToObject(j, "url", url);
	cJSON_AddNumberToObject(j, "expires_at", (double)expires);
	http_json(res, 201, j);
}

void api_followup_case(http_request *req, http_response *res)
{
	followup_rec f;
	if (load_followup(req, res, POL_FOLLOWUP_MANAGE, &f))
		return;
	const char *code = NULL;
	cJSON *b = NULL;
	if (req->body_len) {
		if (!(b = http_json_body(req, res)))
			return;
		int bad = 0;
		code = http_field_str(b, "code", res, &bad);
		if (bad) {
			cJSON_Delete(b);
			return;
		}
	}
	jy_err err;
	err_clear(&err);
	int64_t id = 0;
	int rc = followup_to_case(req->store, f.id, code, req->user->id, &id, &err);
	cJSON_Delete(b);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	audit_id(req, "create", "case", id, f.person_id, "from follow-up");
	answer_case(req, res, id, 201);
}

void api_followup_close(http_request *req, http_response *res)
{
	followup_rec f;
	if (load_followup(req, res, POL_FOLLOWUP_MANAGE, &f))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *st = http_field_str(b, "status", res, &bad);
	jy_err err;
	err_clear(&err);
	if (!bad && followup_close(req->store, f.id, st, &err))
		http_error_from(res, &err);
	else if (!bad) {
		audit_id(req, "update", "followup", f.id, f.person_id, st);
		store_followup_get(req->store, f.id, &f, NULL);
		cJSON *j = cJSON_CreateObject();
		cJSON_AddItemToObject(j, "followup", followup_json(req, &f));
		http_json(res, 200, j);
	}
	cJSON_Delete(b);
}

/* The self-report page: what the person needs to see, no more (the name is
 * masked but for its first character). */
void api_report_get(http_request *req, http_response *res)
{
	followup_rec f;
	jy_err err;
	err_clear(&err);
	if (followup_by_token(req->store, req->params[0], &f, &err)) {
		http_error(res, 404, "not_found", NULL, "链接无效或已过期 (the link is invalid or has expired)");
		return;
	}
	cJSON *j = cJSON_CreateObject();
	char masked[96];
	size_t first = 1;
	while (first < strlen(f.name) && ((unsigned char)f.name[first] & 0xC0) == 0x80)
		first++;
	snprintf(masked, sizeof masked, "%.*s**", (int)first, f.name);
	cJSON_AddStringToObject(j, "name", masked);
	cJSON_AddStringToObject(j, "start_date", f.start_date);
	cJSON_AddStringToObject(j, "end_date", f.end_date);
	cJSON_AddStringToObject(j, "status", f.status);
	cJSON_AddStringToObject(j, "last_check", f.last_check);
	char t[11];
	cJSON_AddBoolToObject(j, "checked_today", !strcmp(f.last_check, today(t)));
	http_audit(req, "read", "followup_link", "", f.person_id, "self-report page");
	http_json(res, 200, j);
}

void api_report_post(http_request *req, http_response *res)
{
	followup_rec f;
	jy_err err;
	err_clear(&err);
	if (followup_by_token(req->store, req->params[0], &f, &err)) {
		http_error(res, 404, "not_found", NULL, "链接无效或已过期 (the link is invalid or has expired)");
		return;
	}
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	/* A self-report is always for today. */
	cJSON_DeleteItemFromObjectCaseSensitive(b, "date");
	record_check(req, res, &f, b, "self");
	cJSON_Delete(b);
}

/* ---- chains ---- */

void api_case_source_suggestion(http_request *req, http_response *res)
{
	cases_rec c;
	if (load_case(req, res, POL_TRACE_RUN, &c))
		return;
	chain_suggestion s;
	jy_err err;
	err_clear(&err);
	if (chains_suggest(req->store, c.id, now_s(), &s, &err)) {
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "case_id", (double)c.id);
	cJSON_AddNumberToObject(j, "candidates", (double)s.candidates);
	if (s.source_case_id) {
		cJSON *o = cJSON_AddObjectToObject(j, "suggestion");
		cJSON_AddNumberToObject(o, "source_case_id", (double)s.source_case_id);
		cJSON_AddNumberToObject(o, "source_person_id", (double)s.source_person_id);
		cJSON_AddNumberToObject(o, "first_contact", (double)s.first_contact);
		cJSON_AddNumberToObject(o, "exposure_seconds", (double)s.exposure);
		cJSON_AddStringToObject(o, "place", s.place);
	} else {
		cJSON_AddNullToObject(j, "suggestion");
	}
	audit_id(req, "read", "trace", c.id, c.person_id, "source suggestion");
	http_json(res, 200, j);
}

void api_case_source_set(http_request *req, http_response *res)
{
	cases_rec c;
	if (load_case(req, res, POL_CASE_WRITE, &c))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	int64_t src = 0;
	http_field_int(b, "source_case_id", &src, res, &bad);
	const char *by = bad ? NULL : http_field_str(b, "by", res, &bad);
	if (!bad && by && strcmp(by, "doctor") && strcmp(by, "trace")) {
		http_error(res, 400, "invalid", "by", "by 应为 doctor 或 trace");
		bad = 1;
	}
	jy_err err;
	err_clear(&err);
	if (!bad && chains_set_source(req->store, c.id, src, by ? by : "doctor", &err)) {
		http_error_from(res, &err);
		bad = 1;
	}
	cJSON_Delete(b);
	if (bad)
		return;
	audit_id(req, "update", "case", c.id, c.person_id, "source");
	answer_case(req, res, c.id, 200);
}

void api_chains(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_CASE_READ, user_school(req), 0))
		return;
	const char *all = http_arg(req, "all");
	chain_graph g;
	jy_err err;
	err_clear(&err);
	int64_t school = user_school(req);
	if (chains_graph(req->store, school, all && !strcmp(all, "1"), &g, &err)) {
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON *nodes = cJSON_AddArrayToObject(j, "nodes");
	for (size_t i = 0; i < g.nnodes; i++)
		cJSON_AddItemToArray(nodes, case_json(&g.nodes[i].c));
	cJSON *edges = cJSON_AddArrayToObject(j, "edges");
	for (size_t i = 0; i < g.nedges; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "from", (double)g.edges[i].from_case);
		cJSON_AddNumberToObject(e, "to", (double)g.edges[i].to_case);
		cJSON_AddStringToObject(e, "by", g.edges[i].by);
		cJSON_AddItemToArray(edges, e);
	}
	chains_graph_free(&g);
	http_audit(req, "read", "chains", "", 0, NULL);
	http_json(res, 200, j);
}

/* ---- ad-hoc presence ---- */

void api_presence_create(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_CASE_WRITE, user_school(req), 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	int64_t place = 0, start = 0, end = 0;
	http_field_int(b, "place_id", &place, res, &bad);
	const char *event = bad ? NULL : http_field_str(b, "event", res, &bad);
	int64_t *people = NULL;
	size_t n = 0;
	if (!bad && (time_field(b, "start", &start, res) != 1 || time_field(b, "end", &end, res) != 1)) {
		if (!res->status)
			http_error(res, 400, "invalid", start ? "end" : "start", "需要 start 和 end (start and end are required)");
		bad = 1;
	}
	const cJSON *pa = cJSON_GetObjectItemCaseSensitive(b, "people");
	if (!bad && !cJSON_IsArray(pa)) {
		http_error(res, 400, "invalid", "people", "people 应为人员 id 数组 (people must be an array of ids)");
		bad = 1;
	}
	if (!bad) {
		n = (size_t)cJSON_GetArraySize(pa);
		people = calloc(n + 1, sizeof *people);
		const cJSON *it;
		size_t i = 0;
		cJSON_ArrayForEach(it, pa) {
			if (!cJSON_IsNumber(it) || it->valuedouble != (double)(int64_t)it->valuedouble) {
				char f[32];
				snprintf(f, sizeof f, "people[%zu]", i);
				http_error(res, 400, "invalid", f, "应为人员 id (must be a person id)");
				bad = 1;
				break;
			}
			people[i++] = (int64_t)it->valuedouble;
		}
	}
	jy_err err;
	err_clear(&err);
	if (!bad && presence_add(req->store, user_school(req), place, start, end, people, n, event, "api",
				 req->user->id, &err)) {
		http_error_from(res, &err);
		bad = 1;
	}
	if (!bad) {
		char detail[160];
		snprintf(detail, sizeof detail, "presence: %zu people, %s", n, event ? event : "");
		http_audit(req, "create", "presence", "", 0, detail);
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "added", (double)n);
		http_json(res, 201, j);
	}
	free(people);
	cJSON_Delete(b);
}

/* ---- disease settings ---- */

static int add_disease(void *ctx, const disease_rec *d)
{
	cJSON_AddItemToArray(ctx, disease_json(d));
	return 0;
}

void api_diseases_list(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_CASE_READ, user_school(req), 0))
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_disease_list(req->store, user_school(req), add_disease, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

void api_disease_put(http_request *req, http_response *res)
{
	/* Settings are data like the cluster rules: the same people change them. */
	if (http_deny(req, res, POL_RULE_EDIT, user_school(req), 0))
		return;
	const char *code = req->params[0];
	const code_name *cn = codes_diagnosis(code);
	if (strcmp(code, "*") && !cn) {
		http_error(res, 400, "invalid", "code", "未知病种代码 (unknown disease code): %.40s", code);
		return;
	}
	disease_rec d;
	jy_err err;
	err_clear(&err);
	if (store_disease_get(req->store, user_school(req), cn ? cn->code : "*", &d, &err)) {
		http_error_from(res, &err);
		return;
	}
	snprintf(d.code, sizeof d.code, "%s", cn ? cn->code : "*");
	d.school_id = strcmp(req->user->role, "district") ? user_school(req) : 0;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	int64_t v;
	int flag;
	struct {
		const char *name;
		int64_t lo, hi;
	} ranges[] = { { "window_before_h", 0, 8760 }, { "min_exposure_s", 0, 31536000 },
		       { "hops", 1, 10 }, { "monitor_days", 0, 365 } };
	for (int k = 0; k < 4 && !bad; k++) {
		if (http_field_int(b, ranges[k].name, &v, res, &bad) != 1)
			continue;
		if (v < ranges[k].lo || v > ranges[k].hi) {
			http_error(res, 400, "invalid", ranges[k].name, "%s 应为 %lld–%lld", ranges[k].name,
				   (long long)ranges[k].lo, (long long)ranges[k].hi);
			bad = 1;
			break;
		}
		if (k == 0)
			d.window_before_h = (int)v;
		else if (k == 1)
			d.min_exposure_s = v;
		else if (k == 2)
			d.hops = (int)v;
		else
			d.monitor_days = (int)v;
	}
	int r;
	if (!bad && (r = bool_field(b, "same_dorm", &flag, res)) != 0) {
		if (r < 0)
			bad = 1;
		else
			d.same_dorm = flag;
	}
	if (!bad && (r = bool_field(b, "same_class", &flag, res)) != 0) {
		if (r < 0)
			bad = 1;
		else
			d.same_class = flag;
	}
	cJSON_Delete(b);
	if (bad)
		return;
	if (store_disease_save(req->store, &d, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_audit(req, "update", "disease_setting", d.code, 0, NULL);
	store_disease_get(req->store, user_school(req), d.code, &d, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "setting", disease_json(&d));
	http_json(res, 200, j);
}
