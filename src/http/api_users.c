/*
 * api_users.c — accounts (admin) and one's own password.
 *
 *   GET   /api/users                  every account (admin)
 *   POST  /api/users                  {"username","password","role","scope"} (admin)
 *   PATCH /api/users/{id}             {"disabled":true|false,"password"} (admin)
 *   POST  /api/session/password       {"old","new"}: change one's own password
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "domain/auth.h"
#include "http/internal.h"

static cJSON *user_json(const user_rec *u)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)u->id);
	cJSON_AddStringToObject(o, "username", u->username);
	cJSON_AddStringToObject(o, "role", u->role);
	cJSON_AddStringToObject(o, "scope_kind", u->scope_kind);
	cJSON_AddStringToObject(o, "scope_name", u->scope_name);
	cJSON_AddBoolToObject(o, "disabled", u->disabled);
	return o;
}

typedef struct users_ctx {
	http_request *req;
	cJSON *items;
} users_ctx;

/* Only the accounts of the admin's own school (and none of the district's). */
static int add_user(void *vctx, const user_rec *u)
{
	users_ctx *x = vctx;
	policy_target t = { u->school_id, 0, NULL };
	if (u->school_id && policy_check(x->req->user, POL_USER_ADMIN, &t) == 0)
		cJSON_AddItemToArray(x->items, user_json(u));
	return 0;
}

void api_users_list(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_USER_ADMIN, req->user->school_id, 0))
		return;
	cJSON *items = cJSON_CreateArray();
	users_ctx x = { req, items };
	jy_err err;
	err_clear(&err);
	if (store_user_list(req->store, add_user, &x, &err)) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

void api_user_create(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_USER_ADMIN, req->user->school_id, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *name = http_field_str(b, "username", res, &bad);
	const char *pw = http_field_str(b, "password", res, &bad);
	const char *role = http_field_str(b, "role", res, &bad);
	const char *scope = http_field_str(b, "scope", res, &bad);
	if (!bad && (!name || !pw || !role))
		http_error(res, 400, "invalid", !name ? "username" : !pw ? "password" : "role",
			   "需要 username、password 和 role (username, password and role are required)");
	else if (!bad) {
		int64_t id = 0;
		jy_err err;
		err_clear(&err);
		if (auth_user_add_in(req->store, req->user->school_id, name, pw, role, scope, &id, &err)) {
			if (!err.column[0] && err.code == JY_ECONFLICT)
				snprintf(err.column, sizeof err.column, "username");
			http_error_from(res, &err);
		} else {
			user_rec u;
			store_user_get(req->store, id, &u, NULL);
			char ids[24];
			snprintf(ids, sizeof ids, "%lld", (long long)id);
			http_audit(req, "create", "user", ids, 0, u.username);
			cJSON *j = cJSON_CreateObject();
			cJSON_AddItemToObject(j, "user", user_json(&u));
			http_json(res, 201, j);
		}
	}
	cJSON_Delete(b);
}

void api_user_update(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_USER_ADMIN, req->user->school_id, 0))
		return;
	int64_t id = http_parse_id(req->params[0]);
	user_rec u;
	if (id <= 0 || store_user_get(req->store, id, &u, NULL) != 0) {
		http_error(res, 404, "not_found", NULL, "没有这个用户 (no such user)");
		return;
	}
	if (http_deny(req, res, POL_USER_ADMIN, u.school_id ? u.school_id : -1, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *pw = http_field_str(b, "password", res, &bad);
	const cJSON *dis = cJSON_GetObjectItemCaseSensitive(b, "disabled");
	jy_err err;
	err_clear(&err);
	int rc = 0;
	if (!bad && dis && !cJSON_IsBool(dis)) {
		http_error(res, 400, "invalid", "disabled", "disabled 应为 true/false");
		bad = 1;
	}
	if (!bad && dis && u.id == req->user->id && cJSON_IsTrue(dis)) {
		http_error(res, 400, "invalid", "disabled", "不能停用自己的账号 (you cannot disable your own account)");
		bad = 1;
	}
	if (!bad && pw)
		rc = auth_set_password(req->store, u.id, pw, &err);
	if (!bad && !rc && dis)
		rc = store_user_set_disabled(req->store, u.id, cJSON_IsTrue(dis), &err);
	if (!bad && rc)
		http_error_from(res, &err);
	else if (!bad) {
		char ids[24];
		snprintf(ids, sizeof ids, "%lld", (long long)u.id);
		http_audit(req, "update", "user", ids, 0, pw ? "password reset" : dis && cJSON_IsTrue(dis) ? "disabled" : "enabled");
		store_user_get(req->store, u.id, &u, NULL);
		cJSON *j = cJSON_CreateObject();
		cJSON_AddItemToObject(j, "user", user_json(&u));
		http_json(res, 200, j);
	}
	cJSON_Delete(b);
}

void api_session_password(http_request *req, http_response *res)
{
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	int bad = 0;
	const char *old = http_field_str(b, "old", res, &bad);
	const char *neu = http_field_str(b, "new", res, &bad);
	if (!bad && (!old || !neu)) {
		http_error(res, 400, "invalid", !old ? "old" : "new", "需要旧密码和新密码 (old and new are required)");
	} else if (!bad) {
		user_rec u;
		jy_err err;
		err_clear(&err);
		if (store_user_get(req->store, req->user->id, &u, &err) != 0 ||
		    crypto_pwhash_str_verify(u.pw_hash, old, strlen(old)) != 0) {
			http_error(res, 400, "invalid", "old", "旧密码不正确 (the old password is wrong)");
		} else if (auth_set_password(req->store, u.id, neu, &err)) {
			snprintf(err.column, sizeof err.column, "new");
			http_error_from(res, &err);
		} else {
			http_audit(req, "update", "user", u.username, 0, "own password");
			cJSON *j = cJSON_CreateObject();
			cJSON_AddTrueToObject(j, "ok");
			http_json(res, 200, j);
		}
	}
	cJSON_Delete(b);
}
