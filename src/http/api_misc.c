/*
 * api_misc.c — health check, classes and the audit log.
 *
 *   GET /healthz           {"ok":true}, no login
 *   GET /api/classes       the classes the caller may see, with enrolment
 *   GET /api/audit?person_id=&before=&limit=   newest first (admin only)
 */
#include <stdio.h>
#include <string.h>

#include "http/internal.h"

void api_healthz(http_request *req, http_response *res)
{
	(void)req;
	static const char ok[] = "{\"ok\":true}";
	res->status = 200;
	res->static_body = (const unsigned char *)ok;
	res->body_len = sizeof ok - 1;
}

typedef struct class_ctx {
	http_request *req;
	cJSON *items;
} class_ctx;

static int add_class(void *vctx, const class_rec *c)
{
	class_ctx *x = vctx;
	policy_target t = { c->school_id, c->id, NULL };
	if (policy_check(x->req->user, POL_CLASS_READ, &t) != 0)
		return 0;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)c->id);
	cJSON_AddStringToObject(j, "name", c->name);
	cJSON_AddNumberToObject(j, "grade_id", (double)c->grade_id);
	cJSON_AddStringToObject(j, "grade", c->grade);
	cJSON_AddNumberToObject(j, "enrolled", (double)c->enrolled);
	cJSON_AddItemToArray(x->items, j);
	return 0;
}

void api_classes_list(http_request *req, http_response *res)
{
	class_ctx x = { req, cJSON_CreateArray() };
	jy_err err;
	err_clear(&err);
	if (store_class_list(req->store, req->user->school_id, add_class, &x, &err) != 0) {
		cJSON_Delete(x.items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", x.items);
	http_json(res, 200, j);
}

static int add_audit(void *ctx, const audit_rec *a)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)a->id);
	cJSON_AddNumberToObject(j, "at", (double)a->at);
	cJSON_AddStringToObject(j, "username", a->username);
	cJSON_AddStringToObject(j, "role", a->role);
	cJSON_AddStringToObject(j, "ip", a->ip);
	cJSON_AddStringToObject(j, "action", a->action);
	cJSON_AddStringToObject(j, "entity", a->entity);
	cJSON_AddStringToObject(j, "entity_id", a->entity_id);
	if (a->person_id)
		cJSON_AddNumberToObject(j, "person_id", (double)a->person_id);
	else
		cJSON_AddNullToObject(j, "person_id");
	cJSON_AddStringToObject(j, "detail", a->detail);
	cJSON_AddItemToArray(ctx, j);
	return 0;
}

void api_audit_list(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_AUDIT_READ, req->user->school_id, 0))
		return;
	audit_filter f = { 0, 0, 100 };
	const char *v;
	if ((v = http_arg(req, "person_id")) && (f.person_id = http_parse_id(v)) < 0) {
		http_error(res, 400, "invalid", "person_id", "person_id 应为正整数");
		return;
	}
	if ((v = http_arg(req, "before")) && (f.before_id = http_parse_id(v)) < 0) {
		http_error(res, 400, "invalid", "before", "before 应为正整数");
		return;
	}
	if ((v = http_arg(req, "limit")) && ((f.limit = http_parse_id(v)) < 1 || f.limit > 1000)) {
		http_error(res, 400, "invalid", "limit", "limit 应为 1–1000");
		return;
	}
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_audit_list(req->store, &f, add_audit, items, &err) != 0) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}
