/*
 * api_gate.c — gate admission over HTTP.
 *
 *   POST /api/gate/readings  {"person","temperature","time"}  with
 *        Authorization: Bearer DEVICE_TOKEN  → {"decision","reason"}
 *        (public in the route table: the device authenticates itself;
 *        bad token 401, malformed 400; the reading is committed first,
 *        in a batch of the server's group-commit writer: see http_defer)
 *   GET  /api/gate/readings?date=&limit=        the day's readings, and the
 *        day's counts by decision; ?latest=N: the last N, newest first
 *        (the gate monitor page; gate staff, the reporter, admin)
 *   GET  /api/gate/observations?date=&open=1    the temporary observation room
 *   POST /api/gate/observations/{id}/end {"outcome","note"}
 *   GET  /api/gate/devices                      POST /api/gate/devices {"name","gate"}
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/gate.h"
#include "http/internal.h"
#include "util/date.h"
#include "util/log.h"
#include "util/str.h"

/* Is this the token of an enabled device?  (For requests refused before
 * the reading: an unknown device learns nothing about its body.) */
static int device_known(http_request *req, const char *token)
{
	gate_device_rec dev;
	return token && gate_device_auth(req->store, token, &dev, NULL) == 0;
}

/* A reading on its way through the group-commit writer. */
typedef struct gate_deferred {
	http_deferred d; /* first: the server hands back &d */
	gate_request req;
} gate_deferred;

static int gate_job_run(store *s, store_job *job, jy_err *err)
{
	gate_deferred *g = (gate_deferred *)(void *)job;
	return gate_request_run(s, &g->req, err);
}

/* The answer once the reading's batch committed, or the error that kept
 * it from being stored. */
static void gate_reply(http_deferred *d, http_response *res)
{
	gate_deferred *g = (gate_deferred *)(void *)d;
	if (d->rc) {
		http_error_from(res, &d->err);
		return;
	}
	if (g->req.rc == JY_EAUTH) {
		http_error(res, 401, "unauthorized", NULL, "设备令牌无效 (invalid device token)");
		return;
	}
	if (g->req.rc) {
		http_error_from(res, &g->req.err);
		return;
	}
	/* Built by hand: cJSON's tree of four nodes was a tenth of the HTTP
	 * threads' instructions for a reading.  The decision is one of three
	 * words; the reason is quoted (it may hold a screening reason). */
	char reason[sizeof g->req.answer.reason * 6 + 3];
	log_quote(g->req.answer.reason, reason, sizeof reason);
	size_t size = strlen(reason) + 48;
	res->body = malloc(size);
	if (!res->body) {
		http_error(res, 503, "unavailable", NULL, "服务繁忙 (out of memory)");
		return;
	}
	res->body_len = (size_t)snprintf(res->body, size, "{\"decision\":\"%s\",\"reason\":%s}",
					 g->req.answer.decision, reason);
	res->status = 200;
	res->content_type = "application/json; charset=utf-8";
	/* Most readings get the same answer word for word ("admit", normal
	 * temperature): one prepared response serves them all. */
	res->shareable = 1;
}

static void gate_release(http_deferred *d)
{
	free(d);
}

void api_gate_reading(http_request *req, http_response *res)
{
	const char *auth = http_header(req, "Authorization");
	const char *token = NULL;
	if (auth && !strncasecmp(auth, "Bearer ", 7)) {
		token = auth + 7;
		while (*token == ' ')
			token++;
	}
	if (!token || strlen(token) != AUTH_TOKEN_HEX - 1) {
		http_error(res, 401, "unauthorized", NULL, "设备令牌无效 (invalid device token)");
		return;
	}
	/* The body is checked first (no lock is taken for a bad one); the
	 * token is checked inside the reading's transaction. */
	const char *field = NULL, *msg = NULL;
	char person[48];
	int64_t when = 0;
	double temperature = 0;
	http_response bad;
	memset(&bad, 0, sizeof bad);
	cJSON *b = http_json_body(req, &bad);
	if (b) {
		const cJSON *pv = cJSON_GetObjectItemCaseSensitive(b, "person");
		const cJSON *tv = cJSON_GetObjectItemCaseSensitive(b, "temperature");
		const cJSON *at = cJSON_GetObjectItemCaseSensitive(b, "time");
		if (cJSON_IsString(pv) && strlen(pv->valuestring) < sizeof person)
			str_put(person, sizeof person, pv->valuestring);
		else if (cJSON_IsNumber(pv) && pv->valuedouble >= 0 && pv->valuedouble < 1e15 &&
			 pv->valuedouble == (double)(int64_t)pv->valuedouble)
			snprintf(person, sizeof person, "%lld", (long long)pv->valuedouble);
		else
			field = "person", msg = "需要 person：学号/工号或卡号 (person is required: a number or card)";
		if (!field && !cJSON_IsNumber(tv))
			field = "temperature", msg = "需要 temperature（数字，°C） (temperature is required, a number)";
		if (!field) {
			temperature = tv->valuedouble;
			if (cJSON_IsString(at)) {
				if (gate_parse_time(at->valuestring, &when))
					field = "time",
					msg = "时间应为 ISO 8601，如 2020-05-12T07:31:00+08:00 (time must be ISO 8601)";
			} else if (cJSON_IsNumber(at) && at->valuedouble > 0 && at->valuedouble < 1e11) {
				when = (int64_t)at->valuedouble; /* Unix seconds, for terminals that send them */
			} else {
				field = "time", msg = "需要 time（ISO 8601） (time is required, ISO 8601)";
			}
		}
		cJSON_Delete(b);
	}
	if (!b || field) {
		if (!device_known(req, token)) {
			free(bad.body);
			http_error(res, 401, "unauthorized", NULL, "设备令牌无效 (invalid device token)");
		} else if (!b) {
			*res = bad;
		} else {
			http_error(res, 400, "invalid", field, "%s", msg);
		}
		return;
	}
	/* Not zeroed whole (2.5 KB): the request's inputs are set here, its
	 * outcome by gate_request_run, the deferral's by the server. */
	gate_deferred *g = malloc(sizeof *g);
	if (!g) {
		http_error(res, 503, "unavailable", NULL, "服务繁忙 (out of memory)");
		return;
	}
	memset(&g->d, 0, offsetof(http_deferred, err));
	str_put(g->req.token, sizeof g->req.token, token);
	str_put(g->req.person, sizeof g->req.person, person);
	g->req.temperature = temperature;
	g->req.at = when;
	str_put(g->req.ip, sizeof g->req.ip, req->ip);
	g->d.job.run = gate_job_run;
	g->d.reply = gate_reply;
	g->d.release = gate_release;
	http_defer(req, &g->d);
}

typedef struct readings_ctx {
	cJSON *items;
	int64_t limit, n;
} readings_ctx;

static int add_reading(void *ctx, const gate_reading_rec *r)
{
	readings_ctx *x = ctx;
	if (x->n++ >= x->limit)
		return 1;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddStringToObject(o, "person", r->number);
	if (r->person_id)
		cJSON_AddNumberToObject(o, "person_id", (double)r->person_id);
	else
		cJSON_AddNullToObject(o, "person_id");
	cJSON_AddNumberToObject(o, "temperature", r->temperature);
	cJSON_AddNumberToObject(o, "at", (double)r->at);
	cJSON_AddStringToObject(o, "gate", r->gate);
	cJSON_AddStringToObject(o, "decision", r->decision);
	cJSON_AddStringToObject(o, "reason", r->reason);
	cJSON_AddItemToArray(x->items, o);
	return 0;
}

void api_gate_readings_list(http_request *req, http_response *res)
{
	int64_t school = req->user->school_id;
	if (http_deny(req, res, POL_GATE_MONITOR, school, 0))
		return;
	const char *date = http_arg(req, "date");
	char tbuf[11];
	int32_t d;
	if (!date) {
		date_format(date_today_cst(), tbuf);
		date = tbuf;
	} else if (date_parse(date, &d)) {
		http_error(res, 400, "invalid", "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		return;
	}
	const char *lv = http_arg(req, "limit");
	const char *latest = http_arg(req, "latest");
	int64_t limit = lv ? http_parse_id(lv) : 1000;
	if (limit <= 0 || limit > 100000) {
		http_error(res, 400, "invalid", "limit", "limit 应为 1–100000");
		return;
	}
	int64_t last = latest ? http_parse_id(latest) : 0;
	if (latest && (last <= 0 || last > 1000)) {
		http_error(res, 400, "invalid", "latest", "latest 应为 1–1000 (latest must be 1–1000)");
		return;
	}
	readings_ctx x = { cJSON_CreateArray(), latest ? last : limit, 0 };
	int64_t n[3] = { 0, 0, 0 };
	jy_err err;
	err_clear(&err);
	int rc = latest ? store_gate_reading_latest(req->store, school, date, last, add_reading, &x, &err)
			: store_gate_reading_list(req->store, school, date, add_reading, &x, &err);
	if (!rc)
		rc = store_gate_day_counts(req->store, school, date, &n[0], &n[1], &n[2], &err);
	if (rc) {
		cJSON_Delete(x.items);
		http_error_from(res, &err);
		return;
	}
	http_audit(req, "read", "gate_readings", "", 0, date);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "date", date);
	cJSON *c = cJSON_AddObjectToObject(j, "counts");
	cJSON_AddNumberToObject(c, "admit", (double)n[0]);
	cJSON_AddNumberToObject(c, "recheck", (double)n[1]);
	cJSON_AddNumberToObject(c, "refuse", (double)n[2]);
	cJSON_AddItemToObject(j, "items", x.items);
	http_json(res, 200, j);
}

static int add_observation(void *ctx, const observation_rec *o)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)o->id);
	cJSON_AddNumberToObject(j, "person_id", (double)o->person_id);
	cJSON_AddStringToObject(j, "number", o->number);
	cJSON_AddStringToObject(j, "name", o->name);
	cJSON_AddStringToObject(j, "class", o->class_name);
	cJSON_AddStringToObject(j, "place", o->place[0] ? o->place : "临时留观室");
	cJSON_AddStringToObject(j, "reason", o->reason);
	cJSON_AddNumberToObject(j, "started_at", (double)o->started_at);
	if (o->ended_at)
		cJSON_AddNumberToObject(j, "ended_at", (double)o->ended_at);
	else
		cJSON_AddNullToObject(j, "ended_at");
	cJSON_AddStringToObject(j, "outcome", o->outcome);
	cJSON_AddNumberToObject(j, "alert_id", (double)o->alert_id);
	cJSON_AddItemToArray(ctx, j);
	return 0;
}

void api_gate_observations(http_request *req, http_response *res)
{
	int64_t school = req->user->school_id;
	if (http_deny(req, res, POL_RETURN_READ, school, 0))
		return;
	const char *date = http_arg(req, "date");
	const char *open = http_arg(req, "open");
	int32_t day = date_today_cst();
	if (date && date_parse(date, &day)) {
		http_error(res, 400, "invalid", "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		return;
	}
	int64_t from = (int64_t)day * 86400 - 8 * 3600, to = from + 86400;
	int open_only = open && !strcmp(open, "1");
	if (open_only && !date)
		from = 0; /* everyone still there, whenever they came */
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_observation_list(req->store, school, from, to, open_only, add_observation, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	if (store_begin(req->store, NULL) == 0) {
		const cJSON *it;
		cJSON_ArrayForEach(it, items) {
			int64_t pid = (int64_t)cJSON_GetObjectItem(it, "person_id")->valuedouble;
			char id[24];
			snprintf(id, sizeof id, "%lld", (long long)pid);
			http_audit(req, "read", "observation", id, pid, NULL);
		}
		store_commit(req->store, NULL);
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

void api_gate_observation_end(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	observation_rec o;
	if (id <= 0 || store_observation_get(req->store, id, &o, NULL) != 0) {
		if (!http_deny(req, res, POL_OBSERVATION_MANAGE, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL, "没有这条留观记录 (no such observation)");
		return;
	}
	if (http_deny(req, res, POL_OBSERVATION_MANAGE, o.school_id, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *outcome = http_field_str(b, "outcome", res, &bad);
	const char *note = http_field_str(b, "note", res, &bad);
	jy_err err;
	err_clear(&err);
	int rc = bad ? 0 : gate_observation_end(req->store, id, outcome, note, req->user->id, &err);
	if (!bad && !rc) {
		char ids[24];
		snprintf(ids, sizeof ids, "%lld", (long long)id);
		http_audit(req, "update", "observation", ids, o.person_id, outcome);
	}
	cJSON_Delete(b);
	if (bad)
		return;
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	store_observation_get(req->store, id, &o, NULL);
	cJSON *items = cJSON_CreateArray();
	add_observation(items, &o);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "observation", cJSON_DetachItemFromArray(items, 0));
	cJSON_Delete(items);
	http_json(res, 200, j);
}

static int add_device(void *ctx, const gate_device_rec *d)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)d->id);
	cJSON_AddStringToObject(o, "name", d->name);
	cJSON_AddStringToObject(o, "gate", d->gate);
	cJSON_AddBoolToObject(o, "disabled", d->disabled);
	cJSON_AddNumberToObject(o, "created_at", (double)d->created_at);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

void api_gate_devices_list(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_GATE_DEVICE, req->user->school_id, 0))
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_device_list(req->store, req->user->school_id, add_device, items, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

void api_gate_device_create(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_GATE_DEVICE, req->user->school_id, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *name = http_field_str(b, "name", res, &bad);
	const char *gate = http_field_str(b, "gate", res, &bad);
	char token[AUTH_TOKEN_HEX];
	int64_t id = 0;
	jy_err err;
	err_clear(&err);
	int rc = bad ? 0 : gate_device_add(req->store, req->user->school_id, name, gate, token, &id, &err);
	if (bad) {
		cJSON_Delete(b);
		return;
	}
	if (rc) {
		cJSON_Delete(b);
		http_error_from(res, &err);
		return;
	}
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	http_audit(req, "create", "gate_device", ids, 0, name);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)id);
	cJSON_AddStringToObject(j, "name", name);
	cJSON_AddStringToObject(j, "gate", gate);
	cJSON_AddStringToObject(j, "token", token);
	cJSON_Delete(b);
	http_json(res, 201, j);
}
