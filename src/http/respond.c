/*
 * respond.c — the one place that turns answers into bytes: JSON bodies,
 * error documents, body and field parsing, and the audit helper.  cJSON
 * escapes every string it prints, so no handler writes raw text into a
 * response.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

const char *http_arg(const http_request *r, const char *key)
{
	return r->lookup ? r->lookup(r->conn, HTTP_ARG, key) : NULL;
}

const char *http_header(const http_request *r, const char *key)
{
	return r->lookup ? r->lookup(r->conn, HTTP_HEADER, key) : NULL;
}

const char *http_cookie(const http_request *r, const char *key)
{
	return r->lookup ? r->lookup(r->conn, HTTP_COOKIE, key) : NULL;
}

int64_t http_parse_id(const char *s)
{
	if (!s || !*s || strlen(s) > 18)
		return -1;
	int64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

void http_json(http_response *res, int status, cJSON *j)
{
	res->status = status;
	res->content_type = "application/json; charset=utf-8";
	res->body = cJSON_PrintUnformatted(j);
	res->body_len = res->body ? strlen(res->body) : 0;
	cJSON_Delete(j);
	if (!res->body) {
		res->status = 500;
		res->static_body = (const unsigned char *)"{\"error\":{\"code\":\"no_memory\",\"message\":\"out of memory\"}}";
		res->body_len = strlen((const char *)res->static_body);
	}
}

void http_error(http_response *res, int status, const char *code, const char *field,
		const char *fmt, ...)
{
	char msg[640];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cJSON *j = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(j, "error");
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", msg);
	if (field && *field)
		cJSON_AddStringToObject(e, "field", field);
	else
		cJSON_AddNullToObject(e, "field");
	http_json(res, status, j);
}

void http_error_from(http_response *res, const jy_err *err)
{
	int status = 500;
	switch (err->code) {
	case JY_EINVAL: case JY_EFORMAT: status = 400; break;
	case JY_ENOENT: status = 404; break;
	case JY_ECONFLICT: status = 409; break;
	case JY_EPERM: status = 403; break;
	case JY_EAUTH: status = 401; break;
	case JY_ETOOBIG: status = 413; break;
	}
	if (status == 500)
		http_error(res, 500, "internal", NULL, "服务器内部错误 (internal error)");
	else
		http_error(res, status, err_name(err->code), err->column, "%s", err->msg);
}

cJSON *http_json_body(const http_request *r, http_response *res)
{
	if (!r->body_len) {
		http_error(res, 400, "invalid", NULL, "缺少 JSON 请求体 (a JSON body is required)");
		return NULL;
	}
	if (memchr(r->body, 0, r->body_len)) {
		http_error(res, 400, "invalid", NULL, "请求体含 NUL 字节 (body contains a NUL byte)");
		return NULL;
	}
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(r->body, r->body_len, &end, 0);
	/* Nothing but white space may follow the value. */
	while (j && end && end < r->body + r->body_len &&
	       (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (j && end != r->body + r->body_len) {
		cJSON_Delete(j);
		j = NULL;
	}
	if (!j) {
		long at = end ? (long)(end - r->body) : 0;
		http_error(res, 400, "invalid", NULL,
			   "JSON 格式错误，位置 %ld (malformed JSON at byte %ld)", at, at);
		return NULL;
	}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		http_error(res, 400, "invalid", NULL, "请求体应为 JSON 对象 (body must be a JSON object)");
		return NULL;
	}
	return j;
}

const char *http_field_str(const cJSON *obj, const char *name, http_response *res, int *bad)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (!f || cJSON_IsNull(f))
		return NULL;
	if (!cJSON_IsString(f)) {
		if (!*bad)
			http_error(res, 400, "invalid", name, "%s 应为字符串 (%s must be a string)", name, name);
		*bad = 1;
		return NULL;
	}
	return f->valuestring;
}

int http_field_int(const cJSON *obj, const char *name, int64_t *out, http_response *res, int *bad)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (!f || cJSON_IsNull(f))
		return 0;
	double v = cJSON_IsNumber(f) ? f->valuedouble : 0.5;
	if (!cJSON_IsNumber(f) || v != (double)(int64_t)v || v < -9e15 || v > 9e15) {
		if (!*bad)
			http_error(res, 400, "invalid", name, "%s 应为整数 (%s must be an integer)", name, name);
		*bad = 1;
		return -1;
	}
	*out = (int64_t)v;
	return 1;
}

void http_audit(const http_request *r, const char *action, const char *entity,
		const char *entity_id, int64_t person_id, const char *detail)
{
	audit_rec a;
	memset(&a, 0, sizeof a);
	if (r->user) {
		a.user_id = r->user->id;
		a.school_id = r->user->school_id;
		snprintf(a.username, sizeof a.username, "%s", r->user->username);
		snprintf(a.role, sizeof a.role, "%s", r->user->role);
	}
	snprintf(a.ip, sizeof a.ip, "%s", r->ip);
	snprintf(a.action, sizeof a.action, "%s", action);
	snprintf(a.entity, sizeof a.entity, "%s", entity);
	snprintf(a.entity_id, sizeof a.entity_id, "%s", entity_id ? entity_id : "");
	snprintf(a.detail, sizeof a.detail, "%s", detail ? detail : "");
	a.person_id = person_id;
	jy_err err;
	if (store_audit_add(r->store, &a, &err) != 0)
		fprintf(stderr, "audit write failed: %s\n", err.msg);
}

int http_deny(http_request *req, http_response *res, policy_action act, int64_t school_id,
	      int64_t class_id)
{
	policy_target t = { school_id, class_id, NULL };
	if (policy_check(req->user, act, &t) == 0)
		return 0;
	http_error(res, 403, "forbidden", NULL, "无权访问 (not allowed for role %s)",
		   req->user ? req->user->role : "?");
	return 1;
}
