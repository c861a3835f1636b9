/*
 * api_session.c — logging in and out.
 *
 * POST /api/session {"username","password"} → 200 and a session cookie
 * (HttpOnly, SameSite=Strict; a new id at every login, so a planted id is
 * useless).  Unknown user and wrong password get the same 401 after the
 * same work.  After five failures for a username (fifty for an address),
 * further attempts wait (429 with Retry-After), doubling each time.
 */
#include <stdio.h>
#include <string.h>

#include "domain/auth.h"
#include "http/internal.h"

static cJSON *user_json(const user_rec *u)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)u->id);
	cJSON_AddStringToObject(j, "username", u->username);
	cJSON_AddStringToObject(j, "role", u->role);
	cJSON_AddStringToObject(j, "scope_kind", u->scope_kind);
	if (u->scope_id)
		cJSON_AddNumberToObject(j, "scope_id", (double)u->scope_id);
	else
		cJSON_AddNullToObject(j, "scope_id");
	cJSON_AddStringToObject(j, "scope_name", u->scope_name);
	if (u->school_id)
		cJSON_AddNumberToObject(j, "school_id", (double)u->school_id);
	else
		cJSON_AddNullToObject(j, "school_id");
	return j;
}

void api_session_create(http_request *req, http_response *res)
{
	const server_shared *sh = req->server_ctx;
	cJSON *body = http_json_body(req, res);
	if (!body)
		return;
	int bad = 0;
	const char *username = http_field_str(body, "username", res, &bad);
	const char *password = http_field_str(body, "password", res, &bad);
	if (bad)
		goto out;
	if (!username || !*username) {
		http_error(res, 400, "invalid", "username", "请输入用户名 (username is required)");
		goto out;
	}
	if (!password) {
		http_error(res, 400, "invalid", "password", "请输入密码 (password is required)");
		goto out;
	}
	char ukey[96], ikey[96];
	snprintf(ukey, sizeof ukey, "u:%.80s", username);
	snprintf(ikey, sizeof ikey, "ip:%s", req->ip);
	int wait = ratelimit_wait(sh->logins, ukey, 5);
	int wait_ip = ratelimit_wait(sh->logins, ikey, 50);
	if (wait_ip > wait)
		wait = wait_ip;
	if (wait > 0) {
		snprintf(res->extra_header[0], sizeof res->extra_header[0], "Retry-After: %d", wait);
		http_error(res, 429, "too_many_attempts", NULL,
			   "登录失败次数过多，请 %d 秒后再试 (too many failed logins; retry in %d s)", wait, wait);
		goto out;
	}
	/* A session id the client already had is dropped: a fresh id per login. */
	const char *old = http_cookie(req, "jy_session");
	if (old)
		auth_logout(req->store, old, NULL);
	char token[AUTH_TOKEN_HEX];
	user_rec u;
	jy_err err;
	err_clear(&err);
	int rc = auth_login(req->store, username, password, req->ip, token, &u, &err);
	if (rc == JY_EAUTH) {
		ratelimit_fail(sh->logins, ukey);
		ratelimit_fail(sh->logins, ikey);
		audit_rec a = { 0 };
		snprintf(a.username, sizeof a.username, "%.63s", username);
		snprintf(a.ip, sizeof a.ip, "%s", req->ip);
		snprintf(a.action, sizeof a.action, "login_failed");
		snprintf(a.entity, sizeof a.entity, "session");
		store_audit_add(req->store, &a, NULL);
		http_error(res, 401, "unauthorized", NULL, "用户名或密码错误 (wrong username or password)");
		goto out;
	}
	if (rc) {
		http_error_from(res, &err);
		goto out;
	}
	ratelimit_ok(sh->logins, ukey);
	ratelimit_ok(sh->logins, ikey);
	snprintf(res->set_cookie, sizeof res->set_cookie,
		 "jy_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", token, AUTH_SESSION_TTL);
	req->user = &u;
	http_audit(req, "login", "session", NULL, 0, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "user", user_json(&u));
	http_json(res, 200, j);
	req->user = NULL;
out:
	cJSON_Delete(body);
}

void api_session_delete(http_request *req, http_response *res)
{
	const char *token = http_cookie(req, "jy_session");
	if (token)
		auth_logout(req->store, token, NULL);
	snprintf(res->set_cookie, sizeof res->set_cookie,
		 "jy_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	cJSON *j = cJSON_CreateObject();
	cJSON_AddTrueToObject(j, "ok");
	http_json(res, 200, j);
}

void api_session_get(http_request *req, http_response *res)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "user", user_json(req->user));
	http_json(res, 200, j);
}
