/*
 * router.c — one table of routes, and the checks every request passes
 * before its handler runs.
 *
 * Order of checks: match the path (unknown API paths still need a login, so
 * that probing reveals nothing: 401 before 404); refuse cross-site
 * state-changing requests (Origin / Sec-Fetch-Site); find the session and
 * its user (401); then the handler, which asks policy_check() (403).
 * Adding an endpoint is one row here and one function in an api_*.c file.
 */
#include <stdio.h>
#include <string.h>

#include "domain/auth.h"
#include "http/internal.h"

#define SESSION_COOKIE "jy_session"

static const struct route {
	const char *method;
	const char *pattern;   /* segments; {x} matches one non-empty segment */
	http_handler fn;
	int public;            /* no login needed */
} routes[] = {
	{ "GET", "/healthz", api_healthz, 1 },
	{ "POST", "/api/session", api_session_create, 1 },
	{ "DELETE", "/api/session", api_session_delete, 1 },
	{ "GET", "/api/session", api_session_get, 0 },
	{ "POST", "/api/session/password", api_session_password, 0 },
	{ "GET", "/api/users", api_users_list, 0 },
	{ "POST", "/api/users", api_user_create, 0 },
	{ "PATCH", "/api/users/{id}", api_user_update, 0 },
	{ "GET", "/api/people", api_people_list, 0 },
	{ "POST", "/api/people", api_person_create, 0 },
	{ "GET", "/api/people/{id}", api_person_get, 0 },
	{ "PUT", "/api/people/{id}", api_person_update, 0 },
	{ "PATCH", "/api/people/{id}", api_person_update, 0 },
	{ "GET", "/api/places", api_places_list, 0 },
	{ "POST", "/api/places", api_place_create, 0 },
	{ "GET", "/api/places/{id}", api_place_get, 0 },
	{ "PUT", "/api/places/{id}", api_place_update, 0 },
	{ "PATCH", "/api/places/{id}", api_place_update, 0 },
	{ "GET", "/api/classes", api_classes_list, 0 },
	{ "GET", "/api/audit", api_audit_list, 0 },
	{ "GET", "/api/checks", api_checks_get, 0 },
	{ "POST", "/api/checks", api_checks_submit, 0 },
	{ "GET", "/api/census", api_census, 0 },
	{ "GET", "/api/census/people", api_census_people, 0 },
	{ "POST", "/api/events", api_events_create, 0 },
	{ "GET", "/api/absences", api_absences_list, 0 },
	{ "POST", "/api/absences/{id}/followups", api_absence_followup, 0 },
	{ "POST", "/api/absences/{id}/note", api_absence_note, 0 },
	{ "GET", "/api/alerts", api_alerts_list, 0 },
	{ "POST", "/api/alerts/evaluate", api_alerts_evaluate, 0 },
	{ "GET", "/api/alerts/{id}", api_alert_get, 0 },
	{ "POST", "/api/alerts/{id}/close", api_alert_close, 0 },
	{ "GET", "/api/tasks", api_tasks_list, 0 },
	{ "POST", "/api/tasks/{id}/done", api_task_done, 0 },
	{ "GET", "/api/rules", api_rules_list, 0 },
	{ "POST", "/api/rules", api_rule_create, 0 },
	{ "PUT", "/api/rules/{id}", api_rule_update, 0 },
	{ "GET", "/api/signals", api_signals_list, 0 },
	{ "POST", "/api/signals/run", api_signals_run, 0 },
	{ "GET", "/api/curve", api_curve, 0 },
	{ "GET", "/api/calendar", api_calendar_list, 0 },
	{ "PUT", "/api/calendar/{date}", api_calendar_set, 0 },
};

/* Does path match pattern?  Fills req->params with the {x} segments:
 * pointers into buf, a copy of path whose '/' separators become NULs. */
static int match(const char *pattern, const char *path, char *buf, size_t size,
		 http_request *req)
{
	size_t n = strlen(path);
	if (n >= size || path[0] != '/')
		return 0;
	memcpy(buf, path, n + 1);
	req->nparams = 0;
	const char *p = pattern + 1;
	char *q = buf + 1;
	for (;;) {
		const char *pend = strchrnul(p, '/');
		char *qend = strchrnul(q, '/');
		size_t plen = (size_t)(pend - p), qlen = (size_t)(qend - q);
		if (plen >= 2 && p[0] == '{') {
			if (qlen == 0 || req->nparams >= HTTP_MAX_PARAMS)
				return 0;
			req->params[req->nparams++] = q;
		} else if (plen != qlen || memcmp(p, q, plen)) {
			return 0;
		}
		if (!*pend && !*qend)
			return 1;
		if (!*pend || !*qend)
			return 0;
		*qend = 0;
		p = pend + 1;
		q = qend + 1;
	}
}

static int is_state_changing(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS");
}

/* A cross-site request that would change state: refuse it. */
static int cross_site(const http_request *req)
{
	const char *site = http_header(req, "Sec-Fetch-Site");
	if (site && (!strcmp(site, "cross-site") || !strcmp(site, "same-site")))
		return 1;
	const char *origin = http_header(req, "Origin");
	if (!origin)
		return 0;
	const char *host = http_header(req, "Host");
	if (!host)
		return 1;
	const char *o = origin;
	if (!strncmp(o, "http://", 7))
		o += 7;
	else if (!strncmp(o, "https://", 8))
		o += 8;
	else
		return 1;
	return strcmp(o, host) != 0;
}

void router_dispatch(http_request *req, http_response *res)
{
	char buf[1024];
	const struct route *found = NULL;
	int path_known = 0;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (!match(routes[i].pattern, req->path, buf, sizeof buf, req))
			continue;
		path_known = 1;
		if (!strcmp(routes[i].method, req->method) ||
		    (!strcmp(req->method, "HEAD") && !strcmp(routes[i].method, "GET"))) {
			found = &routes[i];
			break;
		}
	}
	int api = !strncmp(req->path, "/api/", 5) || !strcmp(req->path, "/api");
	if (!found && !api) {
		if ((!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD")) &&
		    assets_serve(req, res) == 0)
			return;
		if (path_known)
			http_error(res, 405, "method_not_allowed", NULL, "不支持的方法 (method not allowed)");
		else
			http_error(res, 404, "not_found", NULL, "没有这个页面 (no such page)");
		return;
	}
	if (api && is_state_changing(req->method) && cross_site(req)) {
		http_error(res, 403, "cross_site", NULL,
			   "拒绝跨站请求 (cross-site request refused: Origin does not match Host)");
		return;
	}
	user_rec user;
	if (!found || !found->public) {
		jy_err err;
		err_clear(&err);
		const char *token = http_cookie(req, SESSION_COOKIE);
		if (!token || auth_session_user(req->store, token, &user, &err) != 0) {
			http_error(res, 401, "unauthorized", NULL, "请先登录 (please log in)");
			return;
		}
		req->user = &user;
	}
	if (!found) {
		if (path_known)
			http_error(res, 405, "method_not_allowed", NULL, "不支持的方法 (method not allowed)");
		else
			http_error(res, 404, "not_found", NULL, "没有这个接口 (no such endpoint)");
		return;
	}
	found->fn(req, res);
	if (!res->status)
		http_error(res, 500, "internal", NULL, "服务器内部错误 (handler gave no answer)");
}
