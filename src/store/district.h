/*
 * district.h — the storage of a district: its schools, the overview of
 * every school at once, district cluster rules and their alerts, the
 * deployment settings (pseudonym key, retention period), privacy grants,
 * and the retention purge.
 *
 * A district database holds many schools (school.district_id); a school
 * database holds one school and no district.  The overview is a handful of
 * aggregate queries grouped by school, never a query per school.
 */
#ifndef JY_STORE_DISTRICT_H
#define JY_STORE_DISTRICT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* ---- districts and schools ---- */

typedef struct district_rec {
	int64_t id;
	char code[64];
	char name[128];
} district_rec;

/* Find the district by code or create it with that name. */
int store_district_ensure(store *s, const char *code, const char *name, int64_t *id, jy_err *err);
/* By code or name (JY_ENOENT naming the districts there are). */
int store_district_find(store *s, const char *code_or_name, district_rec *out, jy_err *err);
/* The only district (JY_ENOENT: none; JY_EINVAL naming them: several). */
int store_district_only(store *s, district_rec *out, jy_err *err);
int store_district_get(store *s, int64_t id, district_rec *out, jy_err *err);

/* Create a school in a district (district_id 0 = none); JY_ECONFLICT when
 * the code is taken. */
int store_school_add(store *s, int64_t district_id, const char *code, const char *name,
		     int64_t *id, jy_err *err);
int store_school_set_district(store *s, int64_t school_id, int64_t district_id, jy_err *err);
/* Put every school that is in no district into this one. */
int store_district_adopt_schools(store *s, int64_t district_id, jy_err *err);
/* The district of a school (0 when none). */
int store_school_district(store *s, int64_t school_id, int64_t *district_id, jy_err *err);
/* By code or name (JY_ENOENT naming the schools there are). */
int store_school_find(store *s, const char *code_or_name, school_rec *out, jy_err *err);

typedef struct school_entry {
	int64_t id, district_id;
	char code[64];
	char name[128];
	char district_code[64];
} school_entry;
typedef int (*store_school_cb)(void *ctx, const school_entry *r);
/* Schools of a district (0 = every school), by id. */
int store_school_list(store *s, int64_t district_id, store_school_cb cb, void *ctx, jy_err *err);
int store_school_count(store *s, int64_t *n, jy_err *err);

/* ---- the district overview ---- */

typedef struct district_school_counts {
	int64_t school_id;
	char code[64];
	char name[128];
	/* roster and the day's census (the latest version of each class's check) */
	int64_t classes, enrolled, expected;
	int64_t submitted, entries, absent_sick, absent_other, absent_unknown, symptomatic, febrile;
	/* alerts */
	int64_t open_alerts;
	/* return to school */
	int64_t batches, batches_due, hold, not_returned;
} district_school_counts;

/* Every school of the district with its numbers for (date, session), by
 * school id; *out is malloc'd (free it), *n its length. */
int store_district_overview(store *s, int64_t district_id, const char *date, const char *session,
			    district_school_counts **out, size_t *n, jy_err *err);

/* The school alerts of a district (open only when open_only), newest first. */
typedef struct district_school_alert {
	int64_t id, school_id, rule_id;
	char school_code[64], school_name[128];
	char scope[16], scope_name[96], code[48], rule_zh[160], rule_en[160];
	char first_date[11], last_date[11], status[8];
	int64_t count;
} district_school_alert;
typedef int (*store_district_school_alert_cb)(void *ctx, const district_school_alert *a);
int store_district_school_alerts(store *s, int64_t district_id, int open_only, int64_t limit,
				 store_district_school_alert_cb cb, void *ctx, jy_err *err);

/* ---- district rules and alerts ---- */

typedef struct district_rule_rec {
	int64_t id, district_id;   /* 0 = every district */
	char code[48];             /* a diagnosis code, or "*" = any diagnosis */
	int window_days, min_schools, min_cases, enabled;
	char name_zh[160], name_en[160];
} district_rule_rec;
typedef int (*store_district_rule_cb)(void *ctx, const district_rule_rec *r);
/* Rules of a district (its own and those of every district). */
int store_district_rule_list(store *s, int64_t district_id, store_district_rule_cb cb, void *ctx,
			     jy_err *err);
int store_district_rule_add(store *s, const district_rule_rec *r, int64_t *id, jy_err *err);

/* Diagnosed cases of a district's schools in [from, to], per diagnosis and
 * school (code NULL = every diagnosis). */
typedef struct district_case_count {
	char code[48];
	int64_t school_id, cases;
	char first_date[11], last_date[11];
} district_case_count;
typedef int (*store_district_case_cb)(void *ctx, const district_case_count *c);
int store_district_cases(store *s, int64_t district_id, const char *code, const char *from,
			 const char *to, store_district_case_cb cb, void *ctx, jy_err *err);

typedef struct district_alert_rec {
	int64_t id, district_id, rule_id;
	char code[48], first_date[11], last_date[11], status[8];
	int64_t schools, cases, created_at, updated_at;
	char rule_zh[160], rule_en[160];
} district_alert_rec;
/* The open alert of (district, rule, code) whose last day is on or after
 * since (JY_ENOENT when none). */
int store_district_alert_find_open(store *s, int64_t district_id, int64_t rule_id,
				   const char *code, const char *since, district_alert_rec *out,
				   jy_err *err);
int store_district_alert_add(store *s, const district_alert_rec *a, int64_t *id, jy_err *err);
int store_district_alert_update(store *s, const district_alert_rec *a, jy_err *err);
int store_district_alert_school_put(store *s, int64_t alert_id, int64_t school_id, int64_t cases,
				    const char *first_date, const char *last_date, jy_err *err);
typedef int (*store_district_alert_cb)(void *ctx, const district_alert_rec *a);
int store_district_alert_list(store *s, int64_t district_id, int open_only,
			      store_district_alert_cb cb, void *ctx, jy_err *err);
typedef int (*store_district_alert_school_cb)(void *ctx, int64_t school_id, const char *code,
					      const char *name, int64_t cases,
					      const char *first_date, const char *last_date);
int store_district_alert_schools(store *s, int64_t alert_id, store_district_alert_school_cb cb,
				 void *ctx, jy_err *err);

/* ---- settings and privacy grants ---- */

/* A deployment setting's value (JY_ENOENT when unset). */
int store_setting_get(store *s, const char *name, char *value, size_t size, jy_err *err);
int store_setting_set(store *s, const char *name, const char *value, jy_err *err);
/* Set it only when unset; *value receives the value kept. */
int store_setting_ensure(store *s, const char *name, char *value, size_t size, jy_err *err);

typedef struct privacy_grant_rec {
	int64_t id, user_id, district_id;   /* 0 = none */
	char reason[256], granted_by[64], username[64];
	int64_t granted_at, expires_at, revoked_at;   /* 0 = none */
} privacy_grant_rec;
int store_privacy_grant_add(store *s, const privacy_grant_rec *g, int64_t *id, jy_err *err);
int store_privacy_grant_revoke(store *s, int64_t id, int64_t at, jy_err *err);
/* Is a grant live at now for the user (or for their district)? */
int store_privacy_granted(store *s, int64_t user_id, int64_t district_id, int64_t now,
			  int *granted, jy_err *err);
typedef int (*store_privacy_grant_cb)(void *ctx, const privacy_grant_rec *g);
int store_privacy_grant_list(store *s, store_privacy_grant_cb cb, void *ctx, jy_err *err);

/* ---- retention ---- */

/* What a purge removed (or would remove), per table. */
typedef struct purge_counts {
	int64_t check_entries, check_submissions, health_events, absence_followups, absences;
	int64_t gate_readings, observation_stays, declarations, presence, contact_records;
	int64_t followup_checks, screen_results, hold_lifts;
} purge_counts;

/* Delete health records dated before cutoff (YYYY-MM-DD; times before
 * cutoff_at), all or nothing; with dry_run only count them.  Open illness
 * absences, open follow-ups and ongoing observation stays are kept.  The
 * caller writes the audit record in the same transaction. */
int store_purge(store *s, const char *cutoff, int64_t cutoff_at, int dry_run, purge_counts *out,
		jy_err *err);

#endif
