/*
 * internal.h — what server.c, router.c and the api_*.c files share.
 */
#ifndef JY_HTTP_INTERNAL_H
#define JY_HTTP_INTERNAL_H

#include "http/http.h"
#include "http/policy.h"

/* Login throttling (ratelimit.c): per username and per client address. */
typedef struct ratelimit ratelimit;
ratelimit *ratelimit_new(void);
void ratelimit_free(ratelimit *r);
/* Seconds the caller must still wait before another attempt (0 = go),
 * when free_fails failures in a row are let through without waiting. */
int ratelimit_wait(ratelimit *r, const char *key, int free_fails);
void ratelimit_fail(ratelimit *r, const char *key);
void ratelimit_ok(ratelimit *r, const char *key);

/* Counters for /metrics (metrics.c): requests per route and status, a
 * latency histogram, store pool waits, checkpoints.  Lock-free. */
typedef struct metrics metrics;
metrics *metrics_new(void);
void metrics_free(metrics *m);
void metrics_request(metrics *m, int route, int status, double seconds);
void metrics_pool_wait(metrics *m, double seconds);
void metrics_checkpoint(metrics *m, int ok);

typedef struct server_shared {
	ratelimit *logins;
	metrics *metrics;
	const char *metrics_token;   /* NULL: /metrics answers loopback clients only */
	int64_t started_at;          /* Unix seconds */
	int log_format;              /* LOG_JSON or LOG_TEXT (util/log.h) for notable events */
	int quiet;                   /* no log lines */
	struct store_writer *writer; /* the group-commit writer (NULL: none), for /metrics */
} server_shared;

/* Route the request and fill the response (router.c); sets req->route. */
void router_dispatch(http_request *req, http_response *res);
/* The route table for logs and metrics: how many routes, and route i's
 * pattern and method; i == count is "static" (web UI files), count + 1
 * "unmatched" (404 and refused before matching). */
int router_route_count(void);
const char *router_route_pattern(int i, const char **method);

/* Static assets of the web UI (assets.c): 0 and the response filled when
 * path names an embedded file (or "/" → index.html), JY_ENOENT otherwise. */
int assets_serve(const http_request *req, http_response *res);

/* Handlers (api_*.c). */
typedef void (*http_handler)(http_request *req, http_response *res);
void api_healthz(http_request *req, http_response *res);
void api_session_create(http_request *req, http_response *res);
void api_session_delete(http_request *req, http_response *res);
void api_session_get(http_request *req, http_response *res);
void api_people_list(http_request *req, http_response *res);
void api_person_get(http_request *req, http_response *res);
void api_person_create(http_request *req, http_response *res);
void api_person_update(http_request *req, http_response *res);
void api_places_list(http_request *req, http_response *res);
void api_place_get(http_request *req, http_response *res);
void api_place_create(http_request *req, http_response *res);
void api_place_update(http_request *req, http_response *res);
void api_classes_list(http_request *req, http_response *res);
void api_audit_list(http_request *req, http_response *res);
void api_checks_get(http_request *req, http_response *res);
void api_checks_submit(http_request *req, http_response *res);
void api_census(http_request *req, http_response *res);
void api_census_people(http_request *req, http_response *res);
void api_events_create(http_request *req, http_response *res);
void api_absences_list(http_request *req, http_response *res);
void api_absence_followup(http_request *req, http_response *res);
void api_absence_note(http_request *req, http_response *res);
void api_alerts_list(http_request *req, http_response *res);
void api_alert_get(http_request *req, http_response *res);
void api_alert_close(http_request *req, http_response *res);
void api_alerts_evaluate(http_request *req, http_response *res);
void api_tasks_list(http_request *req, http_response *res);
void api_task_done(http_request *req, http_response *res);
void api_rules_list(http_request *req, http_response *res);
void api_rule_create(http_request *req, http_response *res);
void api_rule_update(http_request *req, http_response *res);
void api_users_list(http_request *req, http_response *res);
void api_user_create(http_request *req, http_response *res);
void api_user_update(http_request *req, http_response *res);
void api_session_password(http_request *req, http_response *res);
void api_signals_list(http_request *req, http_response *res);
void api_signals_run(http_request *req, http_response *res);
void api_calendar_list(http_request *req, http_response *res);
void api_curve(http_request *req, http_response *res);
void api_calendar_set(http_request *req, http_response *res);
/* Return to school (api_return.c, api_gate.c). */
void api_return_batches(http_request *req, http_response *res);
void api_return_batch_set(http_request *req, http_response *res);
void api_return_overview(http_request *req, http_response *res);
void api_return_overview_people(http_request *req, http_response *res);
void api_return_screening_list(http_request *req, http_response *res);
void api_return_screening_run(http_request *req, http_response *res);
void api_person_screening(http_request *req, http_response *res);
void api_person_hold_lift(http_request *req, http_response *res);
void api_person_declarations(http_request *req, http_response *res);
void api_person_declare(http_request *req, http_response *res);
void api_declaration_delete(http_request *req, http_response *res);
void api_declaration_flags(http_request *req, http_response *res);
void api_declare_links(http_request *req, http_response *res);
void api_declare_get(http_request *req, http_response *res);
void api_declare_post(http_request *req, http_response *res);
void api_risk_regions_get(http_request *req, http_response *res);
void api_risk_regions_put(http_request *req, http_response *res);
void api_risk_versions(http_request *req, http_response *res);
void api_screen_rules_list(http_request *req, http_response *res);
void api_screen_rule_create(http_request *req, http_response *res);
void api_screen_rule_update(http_request *req, http_response *res);
void api_not_returned_list(http_request *req, http_response *res);
void api_not_returned_create(http_request *req, http_response *res);
void api_not_returned_update(http_request *req, http_response *res);
void api_tutoring_plan_get(http_request *req, http_response *res);
void api_tutoring_plan_put(http_request *req, http_response *res);
void api_tutoring_session_add(http_request *req, http_response *res);
void api_key_groups_list(http_request *req, http_response *res);
void api_key_group_carer_put(http_request *req, http_response *res);
void api_gate_reading(http_request *req, http_response *res);
void api_gate_readings_list(http_request *req, http_response *res);
void api_gate_observations(http_request *req, http_response *res);
void api_gate_observation_end(http_request *req, http_response *res);
void api_gate_devices_list(http_request *req, http_response *res);
void api_gate_device_create(http_request *req, http_response *res);
/* Cases and contacts (api_cases.c, api_timeline.c). */
void api_cases_list(http_request *req, http_response *res);
void api_case_create(http_request *req, http_response *res);
void api_case_get(http_request *req, http_response *res);
void api_case_update(http_request *req, http_response *res);
void api_alert_cases(http_request *req, http_response *res);
void api_case_isolate(http_request *req, http_response *res);
void api_isolation_handover(http_request *req, http_response *res);
void api_isolation_rooms(http_request *req, http_response *res);
void api_case_trace(http_request *req, http_response *res);
void api_case_followups(http_request *req, http_response *res);
void api_followups_list(http_request *req, http_response *res);
void api_followup_get(http_request *req, http_response *res);
void api_followup_check(http_request *req, http_response *res);
void api_followup_link(http_request *req, http_response *res);
void api_followup_case(http_request *req, http_response *res);
void api_followup_close(http_request *req, http_response *res);
void api_report_get(http_request *req, http_response *res);
void api_report_post(http_request *req, http_response *res);
void api_case_source_suggestion(http_request *req, http_response *res);
void api_case_source_set(http_request *req, http_response *res);
void api_chains(http_request *req, http_response *res);
void api_presence_create(http_request *req, http_response *res);
void api_diseases_list(http_request *req, http_response *res);
void api_disease_put(http_request *req, http_response *res);
void api_person_timeline(http_request *req, http_response *res);

/* Campus operations (api_operations.c). */
void api_stagger_run(http_request *req, http_response *res);
void api_stagger_plans(http_request *req, http_response *res);
void api_stagger_plan_get(http_request *req, http_response *res);
void api_hygiene_schedules(http_request *req, http_response *res);
void api_hygiene_schedule_create(http_request *req, http_response *res);
void api_hygiene_schedule_update(http_request *req, http_response *res);
void api_hygiene_status(http_request *req, http_response *res);
void api_hygiene_records(http_request *req, http_response *res);
void api_hygiene_record_create(http_request *req, http_response *res);
void api_supplies_report(http_request *req, http_response *res);
void api_supplies_moves(http_request *req, http_response *res);
void api_supplies_move_create(http_request *req, http_response *res);
void api_supplies_item_create(http_request *req, http_response *res);
void api_plans_list(http_request *req, http_response *res);
void api_plan_create(http_request *req, http_response *res);
void api_plan_update(http_request *req, http_response *res);
void api_plan_activate(http_request *req, http_response *res);
void api_plan_activations(http_request *req, http_response *res);
void api_plan_activation_get(http_request *req, http_response *res);
void api_plan_activation_close(http_request *req, http_response *res);
void api_ops_tasks(http_request *req, http_response *res);
void api_ops_task_done(http_request *req, http_response *res);
void api_checklists(http_request *req, http_response *res);
void api_inspections(http_request *req, http_response *res);
void api_inspection_create(http_request *req, http_response *res);
void api_inspection_get(http_request *req, http_response *res);
void api_duty(http_request *req, http_response *res);

/* Jurisdiction sharing (api_share.c) and operations (metrics.c). */
void api_share_inbox_post(http_request *req, http_response *res);
void api_share_inbox_list(http_request *req, http_response *res);
void api_share_log(http_request *req, http_response *res);
void api_share_partners(http_request *req, http_response *res);
void api_person_jurisdiction_put(http_request *req, http_response *res);
void api_metrics(http_request *req, http_response *res);
/* Many schools in one district (api_district.c). */
void api_district_overview(http_request *req, http_response *res);
void api_district_alerts(http_request *req, http_response *res);
void api_district_schools(http_request *req, http_response *res);
/* ?school=ID / ?school_id=ID: a district user works in that school of
 * their district (u->school_id); anyone else may name only their own.
 * Non-zero when it answered (400/403). */
int district_request_scope(http_request *req, user_rec *u, http_response *res);
/* Pseudonymise people in a district user's JSON answer (unless granted). */
void privacy_filter_response(http_request *req, http_response *res);
/* Spreadsheets in and out (api_transfer.c). */
void api_import(http_request *req, http_response *res);
void api_export_roster(http_request *req, http_response *res);

/* Answer 403 unless policy allows (returns non-zero when it answered). */
int http_deny(http_request *req, http_response *res, policy_action act, int64_t school_id,
	      int64_t class_id);

#endif
