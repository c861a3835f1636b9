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

typedef struct server_shared {
	ratelimit *logins;
} server_shared;

/* Route the request and fill the response (router.c). */
void router_dispatch(http_request *req, http_response *res);

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

/* Answer 403 unless policy allows (returns non-zero when it answered). */
int http_deny(http_request *req, http_response *res, policy_action act, int64_t school_id,
	      int64_t class_id);

#endif
