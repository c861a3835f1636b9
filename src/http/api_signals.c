/*
 * api_signals.c — the statistical run and the school calendar.
 *
 *   GET  /api/signals?date=&alarms=1     the day's signals (EARS, Farrington)
 *   POST /api/signals/run   {"date"}     run the methods for a day now
 *   GET  /api/curve?from=&to=&class_id=  the epidemic curve by symptom and diagnosis
 *   GET  /api/calendar?from=&to=         the school's special days (with notes)
 *   PUT  /api/calendar/{date}  {"kind":"holiday|makeup|term_start|term_end"|"","note"}
 */
#include <stdio.h>
#include <string.h>

#include "domain/signals.h"
#include "http/internal.h"
#include "util/date.h"

static int add_signal(void *ctx, const signal_rec *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "scope", r->scope);
	cJSON_AddNumberToObject(o, "scope_id", (double)r->scope_id);
	cJSON_AddStringToObject(o, "scope_name", r->scope_name);
	cJSON_AddStringToObject(o, "code", r->code);
	cJSON_AddStringToObject(o, "method", r->method);
	cJSON_AddNumberToObject(o, "observed", r->observed);
	if (r->upperbound == r->upperbound)
		cJSON_AddNumberToObject(o, "upperbound", r->upperbound);
	else
		cJSON_AddNullToObject(o, "upperbound");
	cJSON_AddBoolToObject(o, "alarm", r->alarm);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

static const char *date_arg(http_request *req, http_response *res, const char *v, char buf[11])
{
	int32_t d;
	if (!v) {
		date_format(date_today_cst(), buf);
		return buf;
	}
	if (date_parse(v, &d)) {
		http_error(res, 400, "invalid", "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		return NULL;
	}
	(void)req;
	return v;
}

void api_signals_list(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_ALERT_READ, req->user->school_id, 0))
		return;
	char buf[11];
	const char *date = date_arg(req, res, http_arg(req, "date"), buf);
	if (!date)
		return;
	const char *alarms = http_arg(req, "alarms");
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_signal_list(req->store, req->user->school_id, date, alarms && !strcmp(alarms, "1"),
			      add_signal, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "date", date);
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

void api_signals_run(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_ALERT_MANAGE, req->user->school_id, 0))
		return;
	const char *v = NULL;
	cJSON *b = NULL;
	if (req->body_len) {
		if (!(b = http_json_body(req, res)))
			return;
		int bad = 0;
		v = http_field_str(b, "date", res, &bad);
		if (bad) {
			cJSON_Delete(b);
			return;
		}
	}
	char buf[11];
	const char *date = date_arg(req, res, v, buf);
	signals_report rep;
	jy_err err;
	err_clear(&err);
	if (date && signals_run(req->store, req->user->school_id, date, &rep, &err))
		http_error_from(res, &err);
	else if (date) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "date", date);
		cJSON_AddBoolToObject(j, "school_day", rep.school_day);
		cJSON_AddNumberToObject(j, "series", (double)rep.series);
		cJSON_AddNumberToObject(j, "evaluated", (double)rep.evaluated);
		cJSON_AddNumberToObject(j, "alarms", (double)rep.alarms);
		http_json(res, 200, j);
	}
	cJSON_Delete(b);
}

static int add_day(void *ctx, const char *date, const char *kind)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "date", date);
	cJSON_AddStringToObject(o, "kind", kind);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

void api_calendar_list(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_PLACE_READ, req->user->school_id, 0))
		return;
	const char *from = http_arg(req, "from"), *to = http_arg(req, "to");
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_calendar_list(req->store, req->user->school_id, from ? from : "0000-00-00",
				to ? to : "9999-99-99", add_day, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

void api_calendar_set(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_CALENDAR_WRITE, req->user->school_id, 0))
		return;
	int32_t d;
	if (date_parse(req->params[0], &d)) {
		http_error(res, 400, "invalid", "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		return;
	}
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *kind = http_field_str(b, "kind", res, &bad);
	const char *note = http_field_str(b, "note", res, &bad);
	if (!bad && kind && *kind && strcmp(kind, "holiday") && strcmp(kind, "makeup") &&
	    strcmp(kind, "term_start") && strcmp(kind, "term_end")) {
		http_error(res, 400, "invalid", "kind", "kind 应为 holiday/makeup/term_start/term_end 或空");
		bad = 1;
	}
	if (!bad) {
		jy_err err;
		err_clear(&err);
		if (store_calendar_set(req->store, req->user->school_id, req->params[0], kind ? kind : "",
				       note, &err)) {
			http_error_from(res, &err);
		} else {
			http_audit(req, "update", "calendar", req->params[0], 0, kind ? kind : "");
			cJSON *j = cJSON_CreateObject();
			cJSON_AddStringToObject(j, "date", req->params[0]);
			cJSON_AddStringToObject(j, "kind", kind ? kind : "");
			http_json(res, 200, j);
		}
	}
	cJSON_Delete(b);
}

void api_curve(http_request *req, http_response *res)
{
	int64_t class_id = 0;
	const char *cv = http_arg(req, "class_id");
	if (cv && (class_id = http_parse_id(cv)) < 0) {
		http_error(res, 400, "invalid", "class_id", "class_id 应为正整数");
		return;
	}
	if (http_deny(req, res, class_id ? POL_HEALTH_READ : POL_CENSUS_READ, req->user->school_id,
		      class_id))
		return;
	char tbuf[11], fbuf[11];
	const char *to = http_arg(req, "to"), *from = http_arg(req, "from");
	if (!to) {
		date_format(date_today_cst(), tbuf);
		to = tbuf;
	}
	if (!from) {
		int32_t d;
		if (date_parse(to, &d)) {
			http_error(res, 400, "invalid", "to", "日期应为 YYYY-MM-DD (to must be YYYY-MM-DD)");
			return;
		}
		date_format(d - 27, fbuf);
		from = fbuf;
	}
	curve c;
	jy_err err;
	err_clear(&err);
	if (signals_curve(req->store, req->user->school_id, class_id, from, to, &c, &err)) {
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "from", from);
	cJSON_AddStringToObject(j, "to", to);
	cJSON *dates = cJSON_AddArrayToObject(j, "dates");
	cJSON *sd = cJSON_AddArrayToObject(j, "school_day");
	cJSON *ab = cJSON_AddArrayToObject(j, "absent_sick");
	for (size_t i = 0; i < c.ndays; i++) {
		char d[11];
		date_format(c.first_day + (int32_t)i, d);
		cJSON_AddItemToArray(dates, cJSON_CreateString(d));
		cJSON_AddItemToArray(sd, cJSON_CreateBool(c.school_day[i]));
		cJSON_AddItemToArray(ab, cJSON_CreateNumber(c.absent_sick[i]));
	}
	cJSON *series = cJSON_AddArrayToObject(j, "series");
	for (size_t k = 0; k < c.nseries; k++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "code", c.series[k].code);
		cJSON_AddItemToObject(o, "data", cJSON_CreateIntArray(c.series[k].data, (int)c.ndays));
		cJSON_AddItemToArray(series, o);
	}
	curve_free(&c);
	http_json(res, 200, j);
}
