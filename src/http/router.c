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
	/* Return to school: gate devices and personal declaration links
	 * authenticate themselves (public here). */
	{ "POST", "/api/gate/readings", api_gate_reading, 1 },
	{ "GET", "/api/gate/readings", api_gate_readings_list, 0 },
	{ "GET", "/api/gate/observations", api_gate_observations, 0 },
	{ "POST", "/api/gate/observations/{id}/end", api_gate_observation_end, 0 },
	{ "GET", "/api/gate/devices", api_gate_devices_list, 0 },
	{ "POST", "/api/gate/devices", api_gate_device_create, 0 },
	{ "POST", "/api/declare/links", api_declare_links, 0 },
	{ "GET", "/api/declare/{token}", api_declare_get, 1 },
	{ "POST", "/api/declare/{token}", api_declare_post, 1 },
	{ "GET", "/api/return/batches", api_return_batches, 0 },
	{ "POST", "/api/return/batches", api_return_batch_set, 0 },
	{ "GET", "/api/return/overview", api_return_overview, 0 },
	{ "GET", "/api/return/overview/people", api_return_overview_people, 0 },
	{ "GET", "/api/return/screening", api_return_screening_list, 0 },
	{ "POST", "/api/return/screening", api_return_screening_run, 0 },
	{ "GET", "/api/return/not-returned", api_not_returned_list, 0 },
	{ "POST", "/api/return/not-returned", api_not_returned_create, 0 },
	{ "PUT", "/api/return/not-returned/{id}", api_not_returned_update, 0 },
	{ "GET", "/api/return/not-returned/{id}/plan", api_tutoring_plan_get, 0 },
	{ "PUT", "/api/return/not-returned/{id}/plan", api_tutoring_plan_put, 0 },
	{ "POST", "/api/return/not-returned/{id}/sessions", api_tutoring_session_add, 0 },
	{ "GET", "/api/return/key-groups", api_key_groups_list, 0 },
	{ "PUT", "/api/return/key-groups/{id}", api_key_group_carer_put, 0 },
	{ "GET", "/api/people/{id}/screening", api_person_screening, 0 },
	{ "POST", "/api/people/{id}/hold-lifts", api_person_hold_lift, 0 },
	{ "GET", "/api/people/{id}/declarations", api_person_declarations, 0 },
	{ "POST", "/api/people/{id}/declarations", api_person_declare, 0 },
	{ "DELETE", "/api/declarations/{id}", api_declaration_delete, 0 },
	{ "GET", "/api/declarations/flags", api_declaration_flags, 0 },
	{ "GET", "/api/risk-regions", api_risk_regions_get, 0 },
	{ "PUT", "/api/risk-regions", api_risk_regions_put, 0 },
	{ "GET", "/api/risk-regions/versions", api_risk_versions, 0 },
	{ "GET", "/api/screen-rules", api_screen_rules_list, 0 },
	{ "POST", "/api/screen-rules", api_screen_rule_create, 0 },
	{ "PUT", "/api/screen-rules/{id}", api_screen_rule_update, 0 },
	/* Cases and contacts; the self-report link authenticates itself. */
	{ "GET", "/api/cases", api_cases_list, 0 },
	{ "POST", "/api/cases", api_case_create, 0 },
	{ "GET", "/api/cases/{id}", api_case_get, 0 },
	{ "PATCH", "/api/cases/{id}", api_case_update, 0 },
	{ "POST", "/api/cases/{id}/isolation", api_case_isolate, 0 },
	{ "POST", "/api/cases/{id}/trace", api_case_trace, 0 },
	{ "POST", "/api/cases/{id}/followups", api_case_followups, 0 },
	{ "GET", "/api/cases/{id}/source-suggestion", api_case_source_suggestion, 0 },
	{ "PUT", "/api/cases/{id}/source", api_case_source_set, 0 },
	{ "POST", "/api/alerts/{id}/cases", api_alert_cases, 0 },
	{ "GET", "/api/isolation/rooms", api_isolation_rooms, 0 },
	{ "POST", "/api/isolation/{id}/handover", api_isolation_handover, 0 },
	{ "GET", "/api/followups", api_followups_list, 0 },
	{ "GET", "/api/followups/{id}", api_followup_get, 0 },
	{ "POST", "/api/followups/{id}/checks", api_followup_check, 0 },
	{ "POST", "/api/followups/{id}/link", api_followup_link, 0 },
	{ "POST", "/api/followups/{id}/case", api_followup_case, 0 },
	{ "POST", "/api/followups/{id}/close", api_followup_close, 0 },
	{ "GET", "/api/report/{token}", api_report_get, 1 },
	{ "POST", "/api/report/{token}", api_report_post, 1 },
	{ "GET", "/api/chains", api_chains, 0 },
	{ "POST", "/api/presence", api_presence_create, 0 },
	{ "GET", "/api/diseases", api_diseases_list, 0 },
	{ "PUT", "/api/diseases/{code}", api_disease_put, 0 },
	{ "GET", "/api/people/{id}/timeline", api_person_timeline, 0 },
	{ "GET", "/api/signals", api_signals_list, 0 },
	{ "POST", "/api/signals/run", api_signals_run, 0 },
	{ "GET", "/api/curve", api_curve, 0 },
	{ "GET", "/api/calendar", api_calendar_list, 0 },
	{ "PUT", "/api/calendar/{date}", api_calendar_set, 0 },
	/* Campus operations (api_operations.c). */
	{ "POST", "/api/stagger", api_stagger_run, 0 },
	{ "GET", "/api/stagger/plans", api_stagger_plans, 0 },
	{ "GET", "/api/stagger/plans/{id}", api_stagger_plan_get, 0 },
	{ "GET", "/api/hygiene/schedules", api_hygiene_schedules, 0 },
	{ "POST", "/api/hygiene/schedules", api_hygiene_schedule_create, 0 },
	{ "PUT", "/api/hygiene/schedules/{id}", api_hygiene_schedule_update, 0 },
	{ "GET", "/api/hygiene/status", api_hygiene_status, 0 },
	{ "GET", "/api/hygiene/records", api_hygiene_records, 0 },
	{ "POST", "/api/hygiene/records", api_hygiene_record_create, 0 },
	{ "GET", "/api/supplies", api_supplies_report, 0 },
	{ "GET", "/api/supplies/moves", api_supplies_moves, 0 },
	{ "POST", "/api/supplies/moves", api_supplies_move_create, 0 },
	{ "POST", "/api/supplies/items", api_supplies_item_create, 0 },
	{ "GET", "/api/plans", api_plans_list, 0 },
	{ "POST", "/api/plans", api_plan_create, 0 },
	{ "PUT", "/api/plans/{id}", api_plan_update, 0 },
	{ "POST", "/api/plans/{id}/activate", api_plan_activate, 0 },
	{ "GET", "/api/plan-activations", api_plan_activations, 0 },
	{ "GET", "/api/plan-activations/{id}", api_plan_activation_get, 0 },
	{ "POST", "/api/plan-activations/{id}/close", api_plan_activation_close, 0 },
	{ "GET", "/api/ops-tasks", api_ops_tasks, 0 },
	{ "POST", "/api/ops-tasks/{id}/done", api_ops_task_done, 0 },
	{ "GET", "/api/checklists", api_checklists, 0 },
	{ "GET", "/api/inspections", api_inspections, 0 },
	{ "POST", "/api/inspections", api_inspection_create, 0 },
	{ "GET", "/api/inspections/{id}", api_inspection_get, 0 },
	{ "GET", "/api/duty", api_duty, 0 },
	/* Jurisdiction sharing: the inbox authenticates each message by its
	 * signature; /metrics by client address or token (api_share.c, metrics.c). */
	{ "POST", "/api/share/inbox", api_share_inbox_post, 1 },
	{ "GET", "/api/share/inbox", api_share_inbox_list, 0 },
	{ "GET", "/api/share/log", api_share_log, 0 },
	{ "GET", "/api/share/partners", api_share_partners, 0 },
	{ "PUT", "/api/people/{id}/jurisdiction", api_person_jurisdiction_put, 0 },
	{ "GET", "/metrics", api_metrics, 1 },
	/* Many schools in one district (api_district.c). */
	{ "GET", "/api/district/overview", api_district_overview, 0 },
	{ "GET", "/api/district/alerts", api_district_alerts, 0 },
	{ "GET", "/api/district/schools", api_district_schools, 0 },
	/* Spreadsheets in and out (api_transfer.c). */
	{ "POST", "/api/imports/{kind}", api_import, 0 },
	{ "GET", "/api/exports/roster", api_export_roster, 0 },
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

/* Does path begin with pattern's text before its first {x}?  Most routes
 * are passed over on their first differing byte, without match()'s copy
 * of the path. */
static int literal_prefix(const char *pattern, const char *path)
{
	for (; *pattern && *pattern != '{'; pattern++, path++)
		if (*pattern != *path)
			return 0;
	return 1;
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

#define NROUTES ((int)(sizeof routes / sizeof routes[0]))

int router_route_count(void)
{
	return NROUTES;
}

const char *router_route_pattern(int i, const char **method)
{
	if (i >= 0 && i < NROUTES) {
		if (method)
			*method = routes[i].method;
		return routes[i].pattern;
	}
	if (method)
		*method = "";
	return i == NROUTES ? "static" : "unmatched";
}

void router_dispatch(http_request *req, http_response *res)
{
	req->route = NROUTES + 1;
	char buf[1024];
	const struct route *found = NULL;
	int path_known = 0;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (!literal_prefix(routes[i].pattern, req->path) ||
		    !match(routes[i].pattern, req->path, buf, sizeof buf, req))
			continue;
		path_known = 1;
		if (!strcmp(routes[i].method, req->method) ||
		    (!strcmp(req->method, "HEAD") && !strcmp(routes[i].method, "GET"))) {
			found = &routes[i];
			break;
		}
	}
	if (found)
		req->route = (int)(found - routes);
	int api = !strncmp(req->path, "/api/", 5) || !strcmp(req->path, "/api");
	if (!found && !api) {
		if ((!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD")) &&
		    assets_serve(req, res) == 0) {
			req->route = NROUTES;
			return;
		}
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
		if (district_request_scope(req, &user, res))
			return;
	}
	if (!found) {
		if (path_known)
			http_error(res, 405, "method_not_allowed", NULL, "不支持的方法 (method not allowed)");
		else
			http_error(res, 404, "not_found", NULL, "没有这个接口 (no such endpoint)");
		return;
	}
	found->fn(req, res);
	if (!res->status && !req->deferred) /* deferred: answered when its batch commits */
		http_error(res, 500, "internal", NULL, "服务器内部错误 (handler gave no answer)");
	privacy_filter_response(req, res);
}
