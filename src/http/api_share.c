/*
 * api_share.c — jurisdiction sharing over HTTP.
 *
 *   POST /api/share/inbox            a partner's signed message (no login:
 *                                    X-Jinyun-Key + X-Jinyun-Signature)
 *   GET  /api/share/inbox?kind=&date=&limit=   what partners sent (admin,
 *                                    reporter, district; audited: it may
 *                                    hold traced contacts' identities)
 *   GET  /api/share/log?before=&limit=         every message sent and
 *                                    received (admin, district)
 *   GET  /api/share/partners         this deployment's name and public key
 *                                    and the agreements (admin, district)
 *   PUT  /api/people/{id}/jurisdiction   {"home_jurisdiction":"…"} where the
 *                                    person lives or studies ('' = here)
 *
 * The inbox answers 200 {"ok":true,…} when accepted, and 400/401/403/422
 * with {"error":{"code","message","field"}} when refused: unknown_partner,
 * bad_signature, not_allowed, wrong_recipient, stale, beyond_agreement
 * (field names the first field outside the agreement).  Every outcome is
 * in the log (domain/share.c).
 */
#include <stdio.h>
#include <string.h>

#include "domain/share.h"
#include "http/internal.h"
#include "util/log.h"

void api_share_inbox_post(http_request *req, http_response *res)
{
	jy_err err;
	err_clear(&err);
	share_receipt r;
	int rc = share_receive(req->store, http_header(req, "X-Jinyun-Key"),
			       http_header(req, "X-Jinyun-Signature"), req->body, req->body_len, &r,
			       &err);
	/* A notable event for the server log: who, what, the outcome; no payload. */
	const server_shared *sh = req->server_ctx;
	if (sh && !sh->quiet) {
		char items[16];
		snprintf(items, sizeof items, "%d", r.items);
		log_event(sh->log_format == LOG_TEXT ? LOG_TEXT : LOG_JSON, rc ? "warn" : "info",
			  rc ? "share_refused" : "share_received", "partner", r.partner[0] ? r.partner : "?",
			  "kind", r.kind, "code", r.code, "items", items, "digest", r.digest, NULL);
	}
	if (rc) {
		http_error(res, r.status ? r.status : 400, r.code[0] ? r.code : "refused",
			   err.column[0] ? err.column : NULL, "%s", err.msg);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "ok", 1);
	cJSON_AddBoolToObject(j, "duplicate", !strcmp(r.code, "duplicate"));
	cJSON_AddStringToObject(j, "kind", r.kind);
	cJSON_AddNumberToObject(j, "items", r.items);
	cJSON_AddStringToObject(j, "digest", r.digest);
	http_json(res, 200, j);
}

static int parse_limit(http_request *req, http_response *res, int64_t *limit)
{
	const char *v = http_arg(req, "limit");
	*limit = 100;
	if (v && ((*limit = http_parse_id(v)) < 1 || *limit > 1000)) {
		http_error(res, 400, "invalid", "limit", "limit 应为 1–1000 (limit must be 1–1000)");
		return 1;
	}
	return 0;
}

static int add_inbox(void *ctx, const share_inbox_rec *m)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)m->id);
	cJSON_AddStringToObject(j, "partner", m->partner);
	cJSON_AddStringToObject(j, "msg_id", m->msg_id);
	cJSON_AddStringToObject(j, "kind", m->kind);
	cJSON_AddStringToObject(j, "date", m->date);
	cJSON_AddNumberToObject(j, "received_at", (double)m->received_at);
	cJSON *p = cJSON_Parse(m->payload);
	cJSON_AddItemToObject(j, "payload", p ? p : cJSON_CreateNull());
	cJSON_AddItemToArray(ctx, j);
	return 0;
}

void api_share_inbox_list(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_SHARE_INBOX_READ, req->user->school_id, 0))
		return;
	const char *kind = http_arg(req, "kind");
	const char *date = http_arg(req, "date");
	if (kind && !share_kind_bit(kind)) {
		http_error(res, 400, "invalid", "kind",
			   "kind 应为 aggregates、alerts 或 contacts (kind must be aggregates, alerts or contacts)");
		return;
	}
	int64_t limit;
	if (parse_limit(req, res, &limit))
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_share_inbox_list(req->store, kind, date, limit, add_inbox, items, &err) != 0) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	/* Received contacts are people's identities: the read is audited. */
	if (!kind || !strcmp(kind, "contacts"))
		http_audit(req, "read", "share_inbox", kind ? kind : "", 0, date);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

static int add_log(void *ctx, const share_log_rec *l)
{
	cJSON_AddItemToArray(ctx, share_log_json(l));
	return 0;
}

void api_share_log(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_SHARE_READ, req->user->school_id, 0))
		return;
	int64_t before = 0, limit;
	const char *v = http_arg(req, "before");
	if (v && (before = http_parse_id(v)) < 0) {
		http_error(res, 400, "invalid", "before", "before 应为正整数 (before must be an id)");
		return;
	}
	if (parse_limit(req, res, &limit))
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_share_log_list(req->store, before, limit, add_log, items, &err) != 0) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

static int add_partner(void *ctx, const share_partner_rec *p)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)p->id);
	cJSON_AddStringToObject(j, "name", p->name);
	cJSON_AddStringToObject(j, "url", p->url);
	cJSON_AddStringToObject(j, "public_key", p->public_key);
	cJSON_AddStringToObject(j, "allow", p->allow);
	cJSON_AddBoolToObject(j, "pinned_certificate", p->ca_file[0] != 0);
	cJSON_AddBoolToObject(j, "enabled", p->enabled);
	cJSON_AddItemToArray(ctx, j);
	return 0;
}

void api_share_partners(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_SHARE_READ, req->user->school_id, 0))
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_share_partner_list(req->store, add_partner, items, &err) != 0) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	share_key_rec k;
	if (store_share_key_get(req->store, &k, NULL) == 0) {
		cJSON_AddStringToObject(j, "name", k.name);
		cJSON_AddStringToObject(j, "public_key", k.public_key);
	} else {
		cJSON_AddNullToObject(j, "name");
		cJSON_AddNullToObject(j, "public_key");
	}
	cJSON_AddItemToObject(j, "partners", items);
	http_json(res, 200, j);
}

void api_person_jurisdiction_put(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	person_rec p;
	jy_err err;
	err_clear(&err);
	/* An id that does not exist answers 403 like one out of scope. */
	if (id <= 0 || store_person_get(req->store, id, &p, &err) != 0) {
		http_deny(req, res, POL_PERSON_WRITE, -1, -1);
		if (!res->status)
			http_error(res, 404, "not_found", NULL, "没有这个人 (no such person)");
		return;
	}
	if (http_deny(req, res, POL_PERSON_WRITE, p.school_id, p.class_id))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *j = http_field_str(b, "home_jurisdiction", res, &bad);
	if (!bad && (!j || strlen(j) >= 64)) {
		http_error(res, 400, "invalid", "home_jurisdiction",
			   "home_jurisdiction 必填，少于 64 字节 (required, under 64 bytes; \"\" = here)");
		bad = 1;
	}
	if (!bad && store_person_jurisdiction_set(req->store, id, j, &err) != 0) {
		http_error_from(res, &err);
		bad = 1;
	}
	if (!bad) {
		char sid[24];
		snprintf(sid, sizeof sid, "%lld", (long long)id);
		http_audit(req, "update", "person", sid, id, "home_jurisdiction");
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)id);
		cJSON_AddStringToObject(o, "home_jurisdiction", j);
		http_json(res, 200, o);
	}
	cJSON_Delete(b);
}
