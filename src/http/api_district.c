/*
 * api_district.c — many schools in one system: the district's endpoints,
 * the drill-down into one school, and pseudonyms for district users.
 *
 *   GET /api/district/overview[?date=D&session=S]  every school's numbers at once
 *   GET /api/district/alerts[?status=open|all]      district alerts and every school's
 *   GET /api/district/schools                       the schools of the district
 *
 * Drill-down: any endpoint takes ?school=ID (or ?school_id=ID).  For a
 * district user the router asks district_request_scope() to check that the
 * school is in the user's district (403 otherwise) and then runs the
 * handler as that user working in that school (user.school_id), so every
 * school-level endpoint serves the district unchanged.  A school user who
 * names another school gets 403.
 *
 * Pseudonyms: privacy_filter_response() rewrites every JSON answer to a
 * district user without a live privacy grant: in any object that describes
 * a person (it has "number", "person" or "person_id") the name and number
 * become the person's pseudonym, and contact fields (phone, guardian,
 * address, card …) are masked wherever they appear.  One place, after the
 * handler, so no endpoint can forget it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/district.h"
#include "http/internal.h"
#include "util/date.h"

/* ---- drill-down ---- */

int district_request_scope(http_request *req, user_rec *u, http_response *res)
{
	const char *v = http_arg(req, "school");
	const char *field = "school";
	if (!v || !*v) {
		v = http_arg(req, "school_id");
		field = "school_id";
	}
	if (!v || !*v)
		return 0;
	int64_t id = http_parse_id(v);
	if (id <= 0) {
		http_error(res, 400, "invalid", field, "%s 应为正整数 (%s must be a positive id)", field,
			   field);
		return 1;
	}
	if (strcmp(u->scope_kind, "district")) {
		if (id == u->school_id)
			return 0;
		http_error(res, 403, "forbidden", field,
			   "无权访问其他学校 (not allowed: school %lld is not yours)", (long long)id);
		return 1;
	}
	int64_t district = 0;
	jy_err err;
	err_clear(&err);
	int rc = store_school_district(req->store, id, &district, &err);
	if (rc && rc != JY_ENOENT) {
		http_error_from(res, &err);
		return 1;
	}
	/* An unknown school and another district's look the same: 403. */
	if (rc == JY_ENOENT || !u->scope_id || district != u->scope_id) {
		http_error(res, 403, "forbidden", field,
			   "无权访问本区以外的学校 (not allowed: school %lld is not in your district)",
			   (long long)id);
		return 1;
	}
	u->school_id = id;
	return 0;
}

/* ---- pseudonyms ---- */

typedef struct pseudo_ctx {
	unsigned char key[PRIVACY_KEY_BYTES];
	int64_t school_id;
} pseudo_ctx;

/* Masked wherever they appear: contact details and the names of people
 * that come without a number of their own. */
static const char *const masked_keys[] = {
	"phone", "guardian_phone", "guardian_name", "card_no", "address", "case_name",
	"via", "tutor", "lifted_by", "performer", "inspector", "party", "handover_name",
	"handover_phone", "email",
};

static int is_masked(const char *k)
{
	for (size_t i = 0; i < sizeof masked_keys / sizeof masked_keys[0]; i++)
		if (!strcmp(k, masked_keys[i]))
			return 1;
	return 0;
}

static void set_string(cJSON *item, const char *value)
{
	cJSON_SetValuestring(item, value);
}

static void pseudonymise(cJSON *node, const pseudo_ctx *c);

/* A handover names whoever took the person (a parent, a hospital). */
static void mask_handover(cJSON *h, const pseudo_ctx *c)
{
	cJSON *n = cJSON_GetObjectItemCaseSensitive(h, "name");
	if (cJSON_IsString(n))
		set_string(n, "***");
	pseudonymise(h, c);
}

static void pseudonymise(cJSON *node, const pseudo_ctx *c)
{
	if (cJSON_IsArray(node)) {
		cJSON *x;
		cJSON_ArrayForEach(x, node)
			pseudonymise(x, c);
		return;
	}
	if (!cJSON_IsObject(node))
		return;
	cJSON *number = cJSON_GetObjectItemCaseSensitive(node, "number");
	cJSON *person = cJSON_GetObjectItemCaseSensitive(node, "person");
	cJSON *person_id = cJSON_GetObjectItemCaseSensitive(node, "person_id");
	cJSON *school = cJSON_GetObjectItemCaseSensitive(node, "school_id");
	int is_person = cJSON_IsString(number) || cJSON_IsString(person) ||
			cJSON_IsNumber(person_id) ||
			cJSON_GetObjectItemCaseSensitive(node, "phone") ||
			cJSON_GetObjectItemCaseSensitive(node, "guardian_phone");
	char pseudo[PRIVACY_PSEUDONYM_MAX] = "***";
	if (cJSON_IsString(number) || cJSON_IsString(person)) {
		const char *no = cJSON_IsString(number) ? number->valuestring : person->valuestring;
		int64_t sid = cJSON_IsNumber(school) ? (int64_t)school->valuedouble : c->school_id;
		privacy_pseudonym(c->key, sid, no, pseudo);
	} else if (cJSON_IsNumber(person_id)) {
		char ref[32];
		snprintf(ref, sizeof ref, "id:%lld", (long long)person_id->valuedouble);
		privacy_pseudonym(c->key, 0, ref, pseudo);
	}
	cJSON *x = node->child;
	while (x) {
		cJSON *next = x->next;
		const char *k = x->string ? x->string : "";
		if (cJSON_IsString(x) && is_masked(k))
			set_string(x, "***");
		else if (is_person && cJSON_IsString(x) &&
			 (!strcmp(k, "name") || !strcmp(k, "number") || !strcmp(k, "person")))
			set_string(x, pseudo);
		else if (cJSON_IsObject(x) && !strcmp(k, "handover"))
			mask_handover(x, c);
		else
			pseudonymise(x, c);
		x = next;
	}
}

void privacy_filter_response(http_request *req, http_response *res)
{
	const user_rec *u = req->user;
	if (!u || strcmp(u->scope_kind, "district") || !res->body || !res->body_len ||
	    !res->content_type || strncmp(res->content_type, "application/json", 16))
		return;
	jy_err err;
	err_clear(&err);
	int identified = 0;
	pseudo_ctx c;
	c.school_id = u->school_id;
	if (privacy_identified(req->store, u, &identified, &err) ||
	    (!identified && privacy_key(req->store, c.key, &err))) {
		free(res->body);
		res->body = NULL;
		res->body_len = 0;
		http_error(res, 500, "internal", NULL, "服务器内部错误 (privacy check failed)");
		return;
	}
	if (identified)
		return;
	cJSON *j = cJSON_ParseWithLength(res->body, res->body_len);
	free(res->body);
	res->body = NULL;
	res->body_len = 0;
	if (!j) {
		http_error(res, 500, "internal", NULL, "服务器内部错误 (unreadable answer)");
		return;
	}
	pseudonymise(j, &c);
	sodium_memzero(c.key, sizeof c.key);
	http_json(res, res->status, j);
}

/* ---- district endpoints ---- */

/* The district of a district user; 0 (answered 403) for anyone else. */
static int64_t district_of(http_request *req, http_response *res, policy_action act)
{
	if (http_deny(req, res, act, 0, 0))
		return 0;
	if (strcmp(req->user->scope_kind, "district") || !req->user->scope_id) {
		http_error(res, 403, "forbidden", NULL,
			   "仅限区级账号 (for district users only)");
		return 0;
	}
	return req->user->scope_id;
}

/* A count as a JSON number, printed as an integer: cJSON prints every
 * number through "%1.15g" and sscanf (about 1.5 µs each; the overview of
 * 200 schools has 5,400 of them, two thirds of its CPU time in jinyun). */
static void add_count(cJSON *o, const char *name, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	cJSON_AddRawToObject(o, name, buf);
}

static void add_counts(cJSON *o, const district_school_counts *r)
{
	add_count(o, "classes", r->classes);
	add_count(o, "enrolled", r->enrolled);
	add_count(o, "expected", r->expected);
	cJSON *c = cJSON_AddObjectToObject(o, "census");
	int64_t absent = r->absent_sick + r->absent_other + r->absent_unknown;
	add_count(c, "submitted", r->submitted);
	add_count(c, "not_submitted", r->classes - r->submitted);
	add_count(c, "checked", r->entries);
	add_count(c, "present", r->entries - absent);
	add_count(c, "absent", absent);
	cJSON *by = cJSON_AddObjectToObject(c, "absent_by_reason");
	add_count(by, "sick", r->absent_sick);
	add_count(by, "other", r->absent_other);
	add_count(by, "unknown", r->absent_unknown);
	add_count(c, "symptomatic", r->symptomatic);
	add_count(c, "fever", r->febrile);
	add_count(o, "open_alerts", r->open_alerts);
	cJSON *ret = cJSON_AddObjectToObject(o, "return");
	add_count(ret, "batches", r->batches);
	add_count(ret, "batches_due", r->batches_due);
	add_count(ret, "expected", r->expected);
	add_count(ret, "arrived", r->entries - absent);
	add_count(ret, "hold", r->hold);
	add_count(ret, "not_returned", r->not_returned);
}

void api_district_overview(http_request *req, http_response *res)
{
	int64_t district = district_of(req, res, POL_CENSUS_READ);
	if (!district)
		return;
	char today[11];
	date_format(date_today_cst(), today);
	const char *date = http_arg(req, "date"), *session = http_arg(req, "session");
	district_overview o;
	jy_err err;
	err_clear(&err);
	if (district_overview_build(req->store, district, date && *date ? date : today,
				    session && *session ? session : "morning", &o, &err)) {
		http_error_from(res, &err);
		return;
	}
	district_rec d;
	memset(&d, 0, sizeof d);
	store_district_get(req->store, district, &d, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON *dj = cJSON_AddObjectToObject(j, "district");
	cJSON_AddNumberToObject(dj, "id", (double)district);
	cJSON_AddStringToObject(dj, "code", d.code);
	cJSON_AddStringToObject(dj, "name", d.name);
	cJSON_AddStringToObject(j, "date", o.date);
	cJSON_AddStringToObject(j, "session", o.session);
	cJSON *t = cJSON_AddObjectToObject(j, "total");
	add_count(t, "schools", (int64_t)o.nschools);
	add_counts(t, &o.total);
	cJSON *items = cJSON_AddArrayToObject(j, "schools");
	for (size_t i = 0; i < o.nschools; i++) {
		const district_school_counts *r = &o.schools[i];
		cJSON *x = cJSON_CreateObject();
		add_count(x, "id", r->school_id);
		cJSON_AddStringToObject(x, "code", r->code);
		cJSON_AddStringToObject(x, "name", r->name);
		add_counts(x, r);
		cJSON_AddItemToArray(items, x);
	}
	district_overview_free(&o);
	http_json(res, 200, j);
}

static int add_school_alert(void *ctx, const district_school_alert *a)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddNumberToObject(o, "school_id", (double)a->school_id);
	cJSON_AddStringToObject(o, "school_code", a->school_code);
	cJSON_AddStringToObject(o, "school", a->school_name);
	cJSON_AddNumberToObject(o, "rule_id", (double)a->rule_id);
	cJSON_AddStringToObject(o, "rule_zh", a->rule_zh);
	cJSON_AddStringToObject(o, "rule_en", a->rule_en);
	cJSON_AddStringToObject(o, "scope", a->scope);
	cJSON_AddStringToObject(o, "scope_name", a->scope_name);
	cJSON_AddStringToObject(o, "code", a->code);
	cJSON_AddStringToObject(o, "first_date", a->first_date);
	cJSON_AddStringToObject(o, "last_date", a->last_date);
	cJSON_AddNumberToObject(o, "count", (double)a->count);
	cJSON_AddStringToObject(o, "status", a->status);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

static int add_alert_school(void *ctx, int64_t school_id, const char *code, const char *name,
			    int64_t cases, const char *first_date, const char *last_date)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "school_id", (double)school_id);
	cJSON_AddStringToObject(o, "school_code", code);
	cJSON_AddStringToObject(o, "school", name);
	cJSON_AddNumberToObject(o, "cases", (double)cases);
	cJSON_AddStringToObject(o, "first_date", first_date);
	cJSON_AddStringToObject(o, "last_date", last_date);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

typedef struct dalerts_ctx {
	store *s;
	cJSON *items;
} dalerts_ctx;

static int add_district_alert(void *ctx, const district_alert_rec *a)
{
	dalerts_ctx *x = ctx;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddNumberToObject(o, "rule_id", (double)a->rule_id);
	cJSON_AddStringToObject(o, "rule_zh", a->rule_zh);
	cJSON_AddStringToObject(o, "rule_en", a->rule_en);
	cJSON_AddStringToObject(o, "code", a->code);
	cJSON_AddStringToObject(o, "first_date", a->first_date);
	cJSON_AddStringToObject(o, "last_date", a->last_date);
	cJSON_AddNumberToObject(o, "schools", (double)a->schools);
	cJSON_AddNumberToObject(o, "cases", (double)a->cases);
	cJSON_AddStringToObject(o, "status", a->status);
	cJSON *sch = cJSON_AddArrayToObject(o, "by_school");
	store_district_alert_schools(x->s, a->id, add_alert_school, sch, NULL);
	cJSON_AddItemToArray(x->items, o);
	return 0;
}

void api_district_alerts(http_request *req, http_response *res)
{
	int64_t district = district_of(req, res, POL_ALERT_READ);
	if (!district)
		return;
	const char *status = http_arg(req, "status");
	int open_only = !(status && !strcmp(status, "all"));
	cJSON *j = cJSON_CreateObject();
	cJSON *dist = cJSON_AddArrayToObject(j, "district_alerts");
	cJSON *schools = cJSON_AddArrayToObject(j, "school_alerts");
	dalerts_ctx x = { req->store, dist };
	jy_err err;
	err_clear(&err);
	if (store_district_alert_list(req->store, district, open_only, add_district_alert, &x, &err) ||
	    store_district_school_alerts(req->store, district, open_only, 1000, add_school_alert,
					 schools, &err)) {
		cJSON_Delete(j);
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, j);
}

static int add_school(void *ctx, const school_entry *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "code", r->code);
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

void api_district_schools(http_request *req, http_response *res)
{
	int64_t district = district_of(req, res, POL_ALERT_READ);
	if (!district)
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_school_list(req->store, district, add_school, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}
