/*
 * api_checks.c — the daily checks, census, health events and illness
 * absences over HTTP.
 *
 *   GET  /api/checks?class_id=&date=&session=    the class with today's state
 *   POST /api/checks   {"class_id","date","session","entries":[{"person_id"|"student_no",
 *                       "status","temperature","symptoms":[…],"diagnosis"}]}
 *   GET  /api/census?date=&session=              census (school roles)
 *   GET  /api/census/people?date=&session=&what=&class_id=   the names behind a number
 *   POST /api/events   {"person_id","date","source":"observation|clinic","temperature",
 *                       "symptoms":[…],"diagnosis","note"}
 *   GET  /api/absences?status=open|returned&class_id=
 *   POST /api/absences/{id}/followups {"date","temperature","symptoms","diagnosis","note"}
 *   POST /api/absences/{id}/note                 the doctor's note (复课证明) was seen
 *
 * Dates default to today in China Standard Time; the session to morning.
 * Reads and writes of health data go to the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/checks.h"
#include "domain/codes.h"
#include "domain/census.h"
#include "domain/report_json.h"
#include "http/internal.h"
#include "util/date.h"

/* Today (CST) as YYYY-MM-DD into buf. */
static const char *today(char buf[11])
{
	date_format(date_today_cst(), buf);
	return buf;
}

/* A symptoms field: an array of strings or one string; joined with ';'. */
static int symptoms_field(const cJSON *o, const char *field, char *out, size_t size,
			  http_response *res)
{
	out[0] = 0;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "symptoms");
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v)) {
		snprintf(out, size, "%s", v->valuestring);
		return 0;
	}
	if (!cJSON_IsArray(v)) {
		http_error(res, 400, "invalid", field, "症状应为字符串数组 (symptoms must be an array of strings)");
		return -1;
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it)) {
			http_error(res, 400, "invalid", field, "症状应为字符串数组 (symptoms must be an array of strings)");
			return -1;
		}
		size_t n = strlen(out);
		snprintf(out + n, size - n, "%s%s", n ? ";" : "", it->valuestring);
	}
	return 0;
}

/* A temperature field: a number, or absent/null (-1). */
static int temperature_field(const cJSON *o, const char *field, double *out, http_response *res)
{
	*out = -1;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "temperature");
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v)) {
		http_error(res, 400, "invalid", field, "体温应为数字 (temperature must be a number)");
		return -1;
	}
	*out = v->valuedouble;
	return 0;
}

static cJSON *symptoms_array(const char *list)
{
	cJSON *a = cJSON_CreateArray();
	char buf[200];
	snprintf(buf, sizeof buf, "%s", list);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(a, cJSON_CreateString(t));
	return a;
}

static void alerts_out(http_request *req, cJSON *j, const alert_changes *ch)
{
	cJSON *arr = cJSON_AddArrayToObject(j, "alerts");
	for (size_t i = 0; i < ch->n; i++) {
		alert_rec a;
		if (store_alert_get(req->store, ch->items[i].alert_id, &a, NULL) != 0)
			continue;
		cJSON *o = alert_json(req->store, &a, NULL);
		if (o) {
			cJSON_AddBoolToObject(o, "new", ch->items[i].created);
			cJSON_AddItemToArray(arr, o);
		}
	}
}

/* ---- GET /api/checks ---- */

typedef struct class_state {
	cJSON *students;
	int version;
	store *s;
} class_state;

static int add_current(void *ctx, const check_row *r)
{
	cJSON *students = ctx;
	const cJSON *it;
	cJSON_ArrayForEach(it, students) {
		if ((int64_t)cJSON_GetObjectItem(it, "person_id")->valuedouble != r->person_id)
			continue;
		cJSON_ReplaceItemInObject((cJSON *)it, "status", cJSON_CreateString(r->status));
		if (r->temperature >= 0)
			cJSON_ReplaceItemInObject((cJSON *)it, "temperature", cJSON_CreateNumber(r->temperature));
		cJSON_ReplaceItemInObject((cJSON *)it, "symptoms", symptoms_array(r->symptoms));
		cJSON_ReplaceItemInObject((cJSON *)it, "diagnosis", cJSON_CreateString(r->diagnosis));
		break;
	}
	return 0;
}

static int add_student(void *ctx, const person_rec *p)
{
	class_state *x = ctx;
	if (strcmp(p->kind, "student") || !p->active)
		return 0;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "person_id", (double)p->id);
	cJSON_AddStringToObject(o, "number", p->number);
	cJSON_AddStringToObject(o, "name", p->name);
	cJSON_AddStringToObject(o, "gender", p->gender);
	cJSON_AddStringToObject(o, "status", "present");
	cJSON_AddNullToObject(o, "temperature");
	cJSON_AddItemToObject(o, "symptoms", cJSON_CreateArray());
	cJSON_AddStringToObject(o, "diagnosis", "");
	absence_rec a;
	if (store_absence_open_for(x->s, p->id, &a, NULL) == 0) {
		cJSON *ab = cJSON_AddObjectToObject(o, "absence");
		cJSON_AddNumberToObject(ab, "id", (double)a.id);
		cJSON_AddStringToObject(ab, "since", a.first_absent_date);
		cJSON_AddStringToObject(ab, "diagnosis", a.diagnosis);
		cJSON_AddBoolToObject(ab, "note_required", a.note_required);
		cJSON_AddBoolToObject(ab, "note_recorded", a.note_recorded_at != 0);
	}
	cJSON_AddItemToArray(x->students, o);
	return 0;
}

/* Read and check class_id: answers and returns 0 when absent or bad. */
static int64_t class_param(http_request *req, http_response *res, const char *v, class_rec *c)
{
	int64_t id = v ? http_parse_id(v) : -1;
	if (id <= 0) {
		http_error(res, 400, "invalid", "class_id", "需要 class_id (class_id is required)");
		return 0;
	}
	if (store_class_get(req->store, id, c, NULL) != 0) {
		if (!http_deny(req, res, POL_CENSUS_READ, req->user->school_id, 0))
			http_error(res, 404, "not_found", "class_id", "没有这个班级 (no such class)");
		return 0;
	}
	return id;
}

void api_checks_get(http_request *req, http_response *res)
{
	class_rec c;
	int64_t class_id = class_param(req, res, http_arg(req, "class_id"), &c);
	if (!class_id || http_deny(req, res, POL_HEALTH_READ, c.school_id, c.id))
		return;
	char tbuf[11];
	const char *date = http_arg(req, "date");
	const char *session = http_arg(req, "session");
	if (!date)
		date = today(tbuf);
	if (!session)
		session = "morning";
	int32_t day;
	if (date_parse(date, &day) || !codes_session_valid(session)) {
		http_error(res, 400, "invalid", date_parse(date, &day) ? "date" : "session",
			   "日期或时段无效 (invalid date or session)");
		return;
	}
	class_state x = { cJSON_CreateArray(), 0, req->store };
	person_filter f = { .school_id = c.school_id, .class_id = c.id };
	jy_err err;
	err_clear(&err);
	int rc = store_person_list(req->store, &f, add_student, &x, &err);
	if (!rc)
		rc = store_check_current(req->store, c.id, date, session, &x.version, add_current,
					 x.students, &err);
	if (rc) {
		cJSON_Delete(x.students);
		http_error_from(res, &err);
		return;
	}
	char detail[64];
	snprintf(detail, sizeof detail, "%s %s", date, session);
	char cid[24];
	snprintf(cid, sizeof cid, "%lld", (long long)c.id);
	http_audit(req, "read", "class_check", cid, 0, detail);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "class_id", (double)c.id);
	cJSON_AddStringToObject(j, "class", c.name);
	cJSON_AddStringToObject(j, "date", date);
	cJSON_AddStringToObject(j, "session", session);
	cJSON_AddNumberToObject(j, "version", x.version);
	cJSON_AddBoolToObject(j, "submitted", x.version > 0);
	cJSON_AddItemToObject(j, "students", x.students);
	http_json(res, 200, j);
}

/* ---- POST /api/checks ---- */

void api_checks_submit(http_request *req, http_response *res)
{
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	check_exception *ex = NULL;
	int bad = 0;
	int64_t class_id = 0;
	if (http_field_int(b, "class_id", &class_id, res, &bad) != 1) {
		if (!bad)
			http_error(res, 400, "invalid", "class_id", "需要 class_id (class_id is required)");
		goto out;
	}
	class_rec c;
	if (store_class_get(req->store, class_id, &c, NULL) != 0) {
		if (!http_deny(req, res, POL_CENSUS_READ, req->user->school_id, 0))
			http_error(res, 404, "not_found", "class_id", "没有这个班级 (no such class)");
		goto out;
	}
	if (http_deny(req, res, POL_CHECK_SUBMIT, c.school_id, c.id))
		goto out;
	char tbuf[11];
	const char *date = http_field_str(b, "date", res, &bad);
	const char *session = http_field_str(b, "session", res, &bad);
	if (bad)
		goto out;
	if (!date)
		date = today(tbuf);
	if (!session)
		session = "morning";
	const cJSON *entries = cJSON_GetObjectItemCaseSensitive(b, "entries");
	if (entries && !cJSON_IsNull(entries) && !cJSON_IsArray(entries)) {
		http_error(res, 400, "invalid", "entries", "entries 应为数组 (entries must be an array)");
		goto out;
	}
	size_t n = entries ? (size_t)cJSON_GetArraySize(entries) : 0;
	if (n > 2000) {
		http_error(res, 400, "invalid", "entries", "entries 过多 (too many entries)");
		goto out;
	}
	ex = calloc(n ? n : 1, sizeof *ex);
	size_t i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, entries) {
		char field[64];
		snprintf(field, sizeof field, "entries[%zu]", i);
		if (!cJSON_IsObject(e)) {
			http_error(res, 400, "invalid", field, "每一项应为对象 (each entry must be an object)");
			goto out;
		}
		int64_t pid = 0;
		int have = http_field_int(e, "person_id", &pid, res, &bad);
		const char *num = http_field_str(e, "student_no", res, &bad);
		const char *status = http_field_str(e, "status", res, &bad);
		const char *diag = http_field_str(e, "diagnosis", res, &bad);
		if (bad)
			goto out;
		if (have != 1 && !num) {
			snprintf(field, sizeof field, "entries[%zu].person_id", i);
			http_error(res, 400, "invalid", field, "需要 person_id 或 student_no (person_id or student_no is required)");
			goto out;
		}
		ex[i].person_id = have == 1 ? pid : 0;
		snprintf(ex[i].number, sizeof ex[i].number, "%s", num ? num : "");
		snprintf(ex[i].status, sizeof ex[i].status, "%s", status ? status : "");
		snprintf(ex[i].diagnosis, sizeof ex[i].diagnosis, "%s", diag ? diag : "");
		snprintf(field, sizeof field, "entries[%zu].temperature", i);
		if (temperature_field(e, field, &ex[i].temperature, res))
			goto out;
		snprintf(field, sizeof field, "entries[%zu].symptoms", i);
		if (symptoms_field(e, field, ex[i].symptoms, sizeof ex[i].symptoms, res))
			goto out;
		i++;
	}
	check_result r;
	jy_err err;
	err_clear(&err);
	int rc = checks_submit(req->store, c.school_id, c.id, date, session, req->user->id, "api", ex,
			       n, 1, &r, &err);
	if (rc) {
		http_error_from(res, &err);
		goto out;
	}
	char sid[24], detail[96];
	snprintf(sid, sizeof sid, "%lld", (long long)r.submission_id);
	snprintf(detail, sizeof detail, "class %lld %s %s v%d", (long long)c.id, date, session, r.version);
	http_audit(req, "create", "check", sid, 0, detail);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "submission_id", (double)r.submission_id);
	cJSON_AddNumberToObject(j, "version", r.version);
	cJSON_AddNumberToObject(j, "students", r.students);
	cJSON_AddNumberToObject(j, "present", r.present);
	cJSON_AddNumberToObject(j, "absent_sick", r.absent_sick);
	cJSON_AddNumberToObject(j, "absent_other", r.absent_other);
	cJSON_AddNumberToObject(j, "absent_unknown", r.absent_unknown);
	cJSON_AddNumberToObject(j, "symptomatic", r.symptomatic);
	cJSON_AddNumberToObject(j, "febrile", r.febrile);
	cJSON *w = cJSON_AddArrayToObject(j, "warnings");
	for (size_t k = 0; k < r.warnings.n; k++)
		cJSON_AddItemToArray(w, cJSON_CreateString(r.warnings.items[k].msg));
	errlist_free(&r.warnings);
	alerts_out(req, j, &r.alerts);
	http_json(res, 200, j);
out:
	free(ex);
	cJSON_Delete(b);
}

/* ---- census ---- */

void api_census(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_CENSUS_READ, req->user->school_id, 0))
		return;
	char tbuf[11];
	const char *date = http_arg(req, "date");
	const char *session = http_arg(req, "session");
	census c;
	jy_err err;
	err_clear(&err);
	if (census_for_day(req->store, req->user->school_id, date ? date : today(tbuf),
			   session ? session : "morning", &c, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, census_json(&c));
	census_free(&c);
}

static int add_census_person(void *ctx, const census_person *p)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "person_id", (double)p->person_id);
	cJSON_AddStringToObject(o, "number", p->number);
	cJSON_AddStringToObject(o, "name", p->name);
	cJSON_AddStringToObject(o, "class", p->class_name);
	cJSON_AddStringToObject(o, "status", p->status);
	if (p->temperature >= 0)
		cJSON_AddNumberToObject(o, "temperature", p->temperature);
	else
		cJSON_AddNullToObject(o, "temperature");
	cJSON_AddItemToObject(o, "symptoms", symptoms_array(p->symptoms));
	cJSON_AddStringToObject(o, "diagnosis", p->diagnosis);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

void api_census_people(http_request *req, http_response *res)
{
	static const char *const whats[] = { "present", "absent_sick", "absent_other",
					     "absent_unknown", "symptomatic", "febrile", "enrolled" };
	const char *what = http_arg(req, "what");
	int ok = 0;
	for (size_t i = 0; what && i < sizeof whats / sizeof whats[0]; i++)
		ok |= !strcmp(what, whats[i]);
	if (!ok) {
		http_error(res, 400, "invalid", "what",
			   "what 应为 present/absent_sick/absent_other/absent_unknown/symptomatic/febrile/enrolled");
		return;
	}
	int64_t class_id = 0;
	const char *cv = http_arg(req, "class_id");
	if (cv && (class_id = http_parse_id(cv)) < 0) {
		http_error(res, 400, "invalid", "class_id", "class_id 应为正整数");
		return;
	}
	if (http_deny(req, res, class_id ? POL_HEALTH_READ : POL_CENSUS_READ, req->user->school_id, class_id))
		return;
	char tbuf[11];
	const char *date = http_arg(req, "date");
	const char *session = http_arg(req, "session");
	if (!date)
		date = today(tbuf);
	if (!session)
		session = "morning";
	int32_t day;
	if (date_parse(date, &day) || !codes_session_valid(session)) {
		http_error(res, 400, "invalid", "date", "日期或时段无效 (invalid date or session)");
		return;
	}
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_census_people(req->store, req->user->school_id, class_id, date, session, what,
				add_census_person, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	/* Who saw which person's health data. */
	if (store_begin(req->store, NULL) == 0) {
		const cJSON *it;
		char id[24];
		cJSON_ArrayForEach(it, items) {
			int64_t pid = (int64_t)cJSON_GetObjectItem(it, "person_id")->valuedouble;
			snprintf(id, sizeof id, "%lld", (long long)pid);
			http_audit(req, "read", "health", id, pid, what);
		}
		store_commit(req->store, NULL);
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "date", date);
	cJSON_AddStringToObject(j, "session", session);
	cJSON_AddStringToObject(j, "what", what);
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

/* ---- events ---- */

void api_events_create(http_request *req, http_response *res)
{
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	int64_t pid = 0;
	person_rec p;
	if (http_field_int(b, "person_id", &pid, res, &bad) != 1) {
		if (!bad)
			http_error(res, 400, "invalid", "person_id", "需要 person_id (person_id is required)");
		goto out;
	}
	if (store_person_get(req->store, pid, &p, NULL) != 0) {
		if (!http_deny(req, res, POL_HEALTH_WRITE, req->user->school_id, 0))
			http_error(res, 404, "not_found", "person_id", "没有这个人 (no such person)");
		goto out;
	}
	if (http_deny(req, res, POL_HEALTH_WRITE, p.school_id, p.class_id))
		goto out;
	char tbuf[11], symptoms[200];
	const char *date = http_field_str(b, "date", res, &bad);
	const char *source = http_field_str(b, "source", res, &bad);
	const char *diag = http_field_str(b, "diagnosis", res, &bad);
	const char *note = http_field_str(b, "note", res, &bad);
	double temp;
	if (bad || temperature_field(b, "temperature", &temp, res) ||
	    symptoms_field(b, "symptoms", symptoms, sizeof symptoms, res))
		goto out;
	alert_changes ch;
	ch.n = 0;
	jy_err err;
	err_clear(&err);
	if (checks_record_event(req->store, p.school_id, p.id, date ? date : today(tbuf),
				source ? source : "observation", temp, symptoms, diag, note,
				req->user->id, &ch, &err)) {
		http_error_from(res, &err);
		goto out;
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)p.id);
	http_audit(req, "create", "health_event", id, p.id, source ? source : "observation");
	cJSON *j = cJSON_CreateObject();
	cJSON_AddTrueToObject(j, "ok");
	alerts_out(req, j, &ch);
	http_json(res, 201, j);
out:
	cJSON_Delete(b);
}

/* ---- absences ---- */

static cJSON *absence_json(const absence_rec *a)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddNumberToObject(o, "person_id", (double)a->person_id);
	cJSON_AddStringToObject(o, "number", a->number);
	cJSON_AddStringToObject(o, "name", a->name);
	cJSON_AddStringToObject(o, "class", a->class_name);
	cJSON_AddStringToObject(o, "first_absent_date", a->first_absent_date);
	cJSON_AddStringToObject(o, "onset_date", a->onset_date);
	cJSON_AddItemToObject(o, "symptoms", symptoms_array(a->symptoms));
	cJSON_AddStringToObject(o, "diagnosis", a->diagnosis);
	cJSON_AddBoolToObject(o, "clinic_visit", a->clinic_visit);
	cJSON_AddStringToObject(o, "hospital", a->hospital);
	cJSON_AddStringToObject(o, "status", a->status);
	cJSON_AddStringToObject(o, "return_date", a->return_date);
	cJSON_AddBoolToObject(o, "note_required", a->note_required);
	cJSON_AddBoolToObject(o, "note_recorded", a->note_recorded_at != 0);
	cJSON_AddStringToObject(o, "last_followup", a->last_followup);
	return o;
}

typedef struct abs_ctx {
	http_request *req;
	cJSON *items;
} abs_ctx;

static int add_absence(void *vctx, const absence_rec *a)
{
	abs_ctx *x = vctx;
	policy_target t = { a->school_id, a->class_id, NULL };
	if (policy_check(x->req->user, POL_HEALTH_READ, &t) != 0)
		return 0;
	cJSON_AddItemToArray(x->items, absence_json(a));
	return 0;
}

void api_absences_list(http_request *req, http_response *res)
{
	const char *status = http_arg(req, "status");
	if (status && strcmp(status, "open") && strcmp(status, "returned")) {
		http_error(res, 400, "invalid", "status", "status 应为 open 或 returned");
		return;
	}
	int64_t class_id = 0;
	const char *cv = http_arg(req, "class_id");
	if (cv && (class_id = http_parse_id(cv)) < 0) {
		http_error(res, 400, "invalid", "class_id", "class_id 应为正整数");
		return;
	}
	if (http_deny(req, res, class_id ? POL_HEALTH_READ : POL_CENSUS_READ, req->user->school_id, class_id))
		return;
	abs_ctx x = { req, cJSON_CreateArray() };
	jy_err err;
	err_clear(&err);
	if (store_absence_list(req->store, req->user->school_id, class_id, status, add_absence, &x, &err)) {
		cJSON_Delete(x.items);
		http_error_from(res, &err);
		return;
	}
	http_audit(req, "read", "absences", cv ? cv : "", 0, status ? status : "");
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", x.items);
	http_json(res, 200, j);
}

/* Load absence {id} and check the caller may change it. */
static int load_absence(http_request *req, http_response *res, absence_rec *a)
{
	int64_t id = http_parse_id(req->params[0]);
	if (id <= 0 || store_absence_get(req->store, id, a, NULL) != 0) {
		if (!http_deny(req, res, POL_CENSUS_READ, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL, "没有这条缺勤记录 (no such absence)");
		return 1;
	}
	return http_deny(req, res, POL_HEALTH_WRITE, a->school_id, a->class_id);
}

void api_absence_followup(http_request *req, http_response *res)
{
	absence_rec a;
	if (load_absence(req, res, &a))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	char tbuf[11], symptoms[200], parsed[160], badcode[64];
	const char *date = http_field_str(b, "date", res, &bad);
	const char *diag = http_field_str(b, "diagnosis", res, &bad);
	const char *note = http_field_str(b, "note", res, &bad);
	double temp;
	int32_t day;
	if (bad || temperature_field(b, "temperature", &temp, res) ||
	    symptoms_field(b, "symptoms", symptoms, sizeof symptoms, res))
		goto out;
	if (!date)
		date = today(tbuf);
	if (date_parse(date, &day)) {
		http_error(res, 400, "invalid", "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		goto out;
	}
	if (codes_parse_symptoms(symptoms, parsed, sizeof parsed, badcode, sizeof badcode)) {
		http_error(res, 400, "invalid", "symptoms", "未知症状 (unknown symptom): %s", badcode);
		goto out;
	}
	const code_name *d = diag && *diag ? codes_diagnosis(diag) : NULL;
	if (diag && *diag && !d) {
		http_error(res, 400, "invalid", "diagnosis", "未知诊断 (unknown diagnosis)");
		goto out;
	}
	jy_err err;
	err_clear(&err);
	int rc = store_absence_followup_add(req->store, a.school_id, a.id, date, temp, parsed,
					    d ? d->code : "", note ? note : "", req->user->id, &err);
	if (!rc && d && strcmp(d->code, a.diagnosis)) {
		snprintf(a.diagnosis, sizeof a.diagnosis, "%s", d->code);
		a.note_required |= d->notifiable;
		rc = store_absence_update(req->store, &a, &err);
		/* A diagnosis is a case for the rules. */
		if (!rc)
			rc = checks_record_event(req->store, a.school_id, a.person_id, date, "clinic",
						 temp, parsed, d->code, "follow-up", req->user->id,
						 NULL, &err);
	}
	if (rc) {
		http_error_from(res, &err);
		goto out;
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)a.id);
	http_audit(req, "update", "absence", id, a.person_id, "follow-up");
	store_absence_get(req->store, a.id, &a, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "absence", absence_json(&a));
	http_json(res, 201, j);
out:
	cJSON_Delete(b);
}

void api_absence_note(http_request *req, http_response *res)
{
	absence_rec a;
	if (load_absence(req, res, &a))
		return;
	jy_err err;
	err_clear(&err);
	if (checks_record_note(req->store, a.id, req->user->id, &err)) {
		http_error_from(res, &err);
		return;
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)a.id);
	http_audit(req, "update", "absence", id, a.person_id, "doctor's note");
	store_absence_get(req->store, a.id, &a, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "absence", absence_json(&a));
	http_json(res, 200, j);
}
