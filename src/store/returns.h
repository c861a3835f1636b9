/*
 * returns.h — storage of the return to school (开学复课): the return plan,
 * declarations and personal links, risk regions and screening rules with
 * their versions, screening results and hold lifts, gate devices and
 * readings, the observation room, students who cannot return and their
 * tutoring, key-group carers.  Same conventions as store.h (0 or negative
 * JY_E*, one jy_err, records with fixed text fields, callbacks that stop
 * the walk by returning non-zero).
 */
#ifndef JY_STORE_RETURNS_H
#define JY_STORE_RETURNS_H

#include "store/store.h"

/* ---- return plan ------------------------------------------------------ */

/* Insert or update a batch by (school, name); *id its id. */
int store_batch_upsert(store *s, int64_t school_id, const char *name, const char *return_date,
		       int64_t *id, jy_err *err);
/* Put a class in a batch (moving it out of any other). */
int store_batch_assign(store *s, int64_t school_id, int64_t batch_id, int64_t class_id, jy_err *err);

typedef struct batch_class_row {
	int64_t batch_id, class_id;   /* class_id 0: a batch without classes */
	char batch[64];
	char return_date[11];
	char class_name[96];
	int64_t enrolled;             /* active students of the class */
} batch_class_row;
typedef int (*store_batch_cb)(void *ctx, const batch_class_row *r);
/* Every batch with its classes, by date, batch name and class name. */
int store_batch_list(store *s, int64_t school_id, store_batch_cb cb, void *ctx, jy_err *err);

/* How many batches the school has (0 = no plan), and the earliest date
 * ("" when none; staff return with the first batch). */
int store_plan_summary(store *s, int64_t school_id, int64_t *batches, char first_date[11],
		       jy_err *err);
/* The return date of a class ("" when the class is in no batch). */
int store_class_return_date(store *s, int64_t class_id, char date[11], jy_err *err);

/* ---- declarations ------------------------------------------------------ */

typedef struct declaration_rec {
	int64_t id, school_id, person_id;
	char kind[8];             /* stay health contact */
	char date_from[11], date_to[11];
	char region[192];
	char transport[64];
	double temperature;       /* < 0 = not given */
	char symptoms[160];       /* sorted comma list of symptom codes */
	char note[256];
	char source[8];           /* import link staff */
	char reporter[12];        /* self guardian teacher staff or "" */
	int64_t submitted_at, submitted_by;
} declaration_rec;

/* Insert, or update the same fact (person, kind, dates, region). */
int store_declaration_upsert(store *s, const declaration_rec *d, int64_t *id, int *outcome,
			     jy_err *err);
int store_declaration_get(store *s, int64_t id, declaration_rec *out, jy_err *err);
int store_declaration_delete(store *s, int64_t id, jy_err *err);
typedef int (*store_declaration_cb)(void *ctx, const declaration_rec *d);
/* A person's declarations by kind and date. */
int store_declaration_list(store *s, int64_t person_id, store_declaration_cb cb, void *ctx,
			   jy_err *err);
/* Every declaration of the school whose last day is on or after since,
 * ordered by person (for screening many people at once). */
int store_declaration_scan(store *s, int64_t school_id, const char *since,
			   store_declaration_cb cb, void *ctx, jy_err *err);
/* What screening needs of a declaration, borrowed from the row (valid
 * during the callback only): no copies, for reading millions at once. */
typedef struct declaration_fact {
	int64_t person_id;
	const char *kind, *date_from, *date_to, *region, *symptoms;
	double temperature;       /* < 0 = not given */
} declaration_fact;
typedef int (*store_fact_cb)(void *ctx, const declaration_fact *f);
/* store_declaration_scan, the lean way. */
int store_declaration_facts(store *s, int64_t school_id, const char *since, store_fact_cb cb,
			    void *ctx, jy_err *err);
/* Self-reports (source link, kind health) of a class (0 = school) since a
 * date, ordered by person and date. */
int store_selfreport_scan(store *s, int64_t school_id, int64_t class_id, const char *since,
			  store_declaration_cb cb, void *ctx, jy_err *err);

/* ---- personal links ------------------------------------------------------ */

typedef struct declare_link_rec {
	int64_t id, school_id, person_id, created_at, created_by, expires_at;
	int minor, revoked;
} declare_link_rec;

int store_link_add(store *s, const declare_link_rec *l, const char *token_hash, int64_t *id,
		   jy_err *err);
/* The link with this token hash (JY_ENOENT when none). */
int store_link_by_hash(store *s, const char *token_hash, declare_link_rec *out, jy_err *err);
/* Revoke a person's earlier links (a new link replaces them). */
int store_link_revoke_person(store *s, int64_t person_id, jy_err *err);
int store_consent_add(store *s, int64_t school_id, int64_t person_id, int64_t link_id,
		      const char *guardian_name, const char *relation, const char *ip, jy_err *err);
/* The latest consent given through a link: *found 0 when none. */
int store_consent_get(store *s, int64_t link_id, int *found, char *guardian_name, size_t size,
		      int64_t *at, jy_err *err);

/* ---- versions, risk regions and rules ----------------------------------------- */

typedef struct screen_version_rec {
	int64_t id, school_id, created_at, created_by;   /* school_id 0 = district */
	char kind[8];               /* risk rules */
	char source[32];
	char note[256];
	int64_t regions;            /* risk: how many regions it lists */
} screen_version_rec;

int store_screen_version_add(store *s, int64_t school_id, const char *kind, int64_t user_id,
			     const char *source, const char *note, int64_t *id, jy_err *err);
/* The risk version in force for a school: the newest of its own and the district's. */
int store_risk_version_current(store *s, int64_t school_id, int64_t *id, jy_err *err);
/* The newest version of either kind the school sees (a screening result
 * older than this is stale). */
int store_screen_config_version(store *s, int64_t school_id, int64_t *id, jy_err *err);
typedef int (*store_screen_version_cb)(void *ctx, const screen_version_rec *v);
/* Versions the school sees, newest first; kind NULL = both. */
int store_screen_version_list(store *s, int64_t school_id, const char *kind, int limit,
			      store_screen_version_cb cb, void *ctx, jy_err *err);

typedef struct risk_region_rec {
	char region[192];
	char level[8];              /* high medium low */
	char valid_from[11];
	char valid_to[11];          /* "" = open */
} risk_region_rec;

int store_risk_region_add(store *s, int64_t version_id, const risk_region_rec *r, jy_err *err);
typedef int (*store_risk_region_cb)(void *ctx, const risk_region_rec *r);
int store_risk_region_list(store *s, int64_t version_id, store_risk_region_cb cb, void *ctx,
			   jy_err *err);

typedef struct screen_rule_rec {
	int64_t id, school_id;      /* school_id 0 = district */
	char kind[16];              /* no_declaration fever symptom contact stay_risk stay_region */
	char level[8];              /* stay_risk: high medium low */
	char region[192];           /* stay_region */
	int window_days;
	double threshold;           /* fever: °C; < 0 = none */
	char status[8];             /* hold monitor */
	char name_zh[160], name_en[160];
	char reason_zh[384], reason_en[448];
	int enabled;
	int64_t updated_at;
} screen_rule_rec;

typedef int (*store_screen_rule_cb)(void *ctx, const screen_rule_rec *r);
/* The rules that apply to a school (its own and the district's), by id. */
int store_screen_rule_list(store *s, int64_t school_id, store_screen_rule_cb cb, void *ctx,
			   jy_err *err);
int store_screen_rule_get(store *s, int64_t id, screen_rule_rec *out, jy_err *err);
int store_screen_rule_save(store *s, const screen_rule_rec *r, int64_t *id, jy_err *err);

/* ---- screening results and hold lifts ---------------------------------------- */

typedef struct screen_result_rec {
	int64_t school_id, person_id;
	char return_date[11];
	char status[8];             /* cleared monitor hold */
	char *reasons;              /* JSON text; borrowed on write, malloc'd on get (free it) */
	int64_t risk_version_id, config_version, screened_at;
	int declared;
} screen_result_rec;

int store_screen_result_put(store *s, const screen_result_rec *r, jy_err *err);
typedef int (*store_screen_result_cb)(void *ctx, const screen_result_rec *r);
/* A run's results for one school and return date: what the rows share,
 * and one short row per person. */
typedef struct screen_result_head {
	int64_t school_id;
	const char *return_date;
	int64_t risk_version_id, config_version, screened_at;
} screen_result_head;
typedef struct screen_result_row {
	int64_t person_id;
	const char *status;         /* cleared monitor hold */
	const char *reasons;        /* JSON text, borrowed; NULL = "[]" */
	int declared;
} screen_result_row;
/* Store n results, many rows per statement: the same rows as n
 * store_screen_result_put calls.  fresh: none of the people has a result
 * for the date (a plain INSERT; JY_ECONFLICT when one has, from this call
 * or, on PostgreSQL, which sends writes ahead, from the commit — the
 * transaction is then rolled back), else each replaces the person's result.  Call inside a transaction; a person must not appear twice. */
int store_screen_results_put(store *s, const screen_result_head *h, const screen_result_row *rows,
			     size_t n, int fresh, jy_err *err);
/* The stored results of one school and return date, in no particular
 * order; reasons borrowed for the callback only (a run compares them
 * with its answers). */
int store_screen_result_day(store *s, int64_t school_id, const char *return_date,
			    store_screen_result_cb cb, void *ctx, jy_err *err);
/* JY_ENOENT when the person has no result for that date.  out->reasons is
 * malloc'd when want_reasons, else NULL. */
int store_screen_result_get(store *s, int64_t person_id, const char *return_date, int want_reasons,
			    screen_result_rec *out, jy_err *err);
/* Results of the school (return_date NULL = every date), by person; the
 * reasons are borrowed for the callback only. */
int store_screen_result_list(store *s, int64_t school_id, const char *return_date,
			     store_screen_result_cb cb, void *ctx, jy_err *err);
/* The return dates a person has results for. */
typedef int (*store_date_cb)(void *ctx, const char *date);
int store_screen_result_dates(store *s, int64_t person_id, store_date_cb cb, void *ctx, jy_err *err);

typedef struct hold_lift_rec {
	int64_t id, school_id, person_id, lifted_by, lifted_at;
	char return_date[11];
	char action[16];            /* doctor_note negative_test quarantine_done */
	char note[256];
	char *reasons;              /* lines; borrowed on add, borrowed in callbacks */
	char lifted_by_name[64];
} hold_lift_rec;

int store_hold_lift_add(store *s, const hold_lift_rec *l, int64_t *id, jy_err *err);
typedef int (*store_hold_lift_cb)(void *ctx, const hold_lift_rec *l);
/* Lifts of a school's person (person_id 0 = every person), by person and time. */
int store_hold_lift_list(store *s, int64_t school_id, int64_t person_id, store_hold_lift_cb cb,
			 void *ctx, jy_err *err);

/* ---- gate --------------------------------------------------------------------- */

typedef struct gate_device_rec {
	int64_t id, school_id, place_id, created_at;
	char name[96];
	char gate[96];
	int disabled;
} gate_device_rec;

int store_device_add(store *s, const gate_device_rec *d, const char *token_hash, int64_t *id,
		     jy_err *err);
/* The enabled device with this token hash (JY_ENOENT when none).  With a
 * key (GATE_DEVICE_KEY bytes, not all zero; a keyed hash of the token, see
 * gate_device_auth), the device is kept in the handle's gate cache under
 * it, for store_device_cached. */
#define GATE_DEVICE_KEY 16
int store_device_by_token(store *s, const char *token_hash, const unsigned char *key,
			  gate_device_rec *out, jy_err *err);
/* The device cached under key (0), or JY_ENOENT: look it up by hash. */
int store_device_cached(store *s, const unsigned char key[GATE_DEVICE_KEY], gate_device_rec *out);
typedef int (*store_device_cb)(void *ctx, const gate_device_rec *d);
int store_device_list(store *s, int64_t school_id, store_device_cb cb, void *ctx, jy_err *err);

/* What the gate needs to know of a person, by number or card, in one
 * query: the person, the plan, their return date, whether they are in the
 * observation room, and their stored screening result for that date. */
typedef struct gate_person {
	int64_t id, class_id;
	char kind[8];
	char number[40], name[96];
	int active;
	int plan;                   /* the school has a return plan */
	char return_date[11];       /* planned (class batch; staff: the first), "" when none */
	int under_observation;      /* an open stay in the observation room */
	char status[8];             /* stored result for return_date (or day without a plan), "" = none */
	int64_t config_version;     /* … and the version it was screened with */
	int64_t current_version;    /* the school's newest screening version */
} gate_person;
/* day: the reading's day (the return date when there is no plan). */
int store_gate_person(store *s, int64_t school_id, const char *ref, const char *day, gate_person *out,
		      jy_err *err);

typedef struct gate_reading_rec {
	int64_t id, school_id, device_id, person_id, at, received_at;   /* person_id 0 = unknown */
	char person_ref[40];
	double temperature;
	char date[11];
	char decision[8];           /* admit recheck refuse */
	char reason[384];
	char ip[64];                /* the terminal's address */
	/* filled by list: */
	char gate[96];
	char number[40];
} gate_reading_rec;

int store_gate_reading_add(store *s, const gate_reading_rec *r, int64_t *id, jy_err *err);
/* The person's latest reading at 37.3 °C or above (GATE_FEVER_C) in
 * [since, until] (JY_ENOENT when none): what the recheck rule looks for. */
int store_gate_reading_last(store *s, int64_t person_id, int64_t since, int64_t until,
			    gate_reading_rec *out, jy_err *err);
typedef int (*store_gate_reading_cb)(void *ctx, const gate_reading_rec *r);
/* Readings of the school (date NULL = every day), by time. */
int store_gate_reading_list(store *s, int64_t school_id, const char *date,
			    store_gate_reading_cb cb, void *ctx, jy_err *err);
/* The day's last readings, newest first (at most limit). */
int store_gate_reading_latest(store *s, int64_t school_id, const char *date, int64_t limit,
			      store_gate_reading_cb cb, void *ctx, jy_err *err);
/* How many of the day's readings were admitted, sent to recheck, refused. */
int store_gate_day_counts(store *s, int64_t school_id, const char *date, int64_t *admit,
			  int64_t *recheck, int64_t *refuse, jy_err *err);

typedef struct gate_day_rec {
	int64_t person_id;
	char last_admit[11], last_refuse[11];   /* "" = never (up to the day asked) */
} gate_day_rec;
typedef int (*store_gate_day_cb)(void *ctx, const gate_day_rec *r);
/* Per person: the last day admitted and refused, up to and including date. */
int store_gate_person_days(store *s, int64_t school_id, const char *date, store_gate_day_cb cb,
			   void *ctx, jy_err *err);

/* The alert rule a refusal at the gate opens its alert under. */
int store_gate_rule_id(store *s, int64_t *id, jy_err *err);

typedef struct observation_rec {
	int64_t id, school_id, person_id, place_id, reading_id, alert_id;
	int64_t started_at, ended_at, ended_by;   /* ended_at 0 = still there */
	char reason[384];
	char outcome[12];           /* "" released sent_home hospital */
	char note[256];
	/* filled by get/list: */
	char number[40], name[96], class_name[96], place[96];
} observation_rec;

int store_observation_add(store *s, const observation_rec *o, int64_t *id, jy_err *err);
/* The person's open stay (JY_ENOENT when none). */
int store_observation_open_for(store *s, int64_t person_id, observation_rec *out, jy_err *err);
int store_observation_get(store *s, int64_t id, observation_rec *out, jy_err *err);
int store_observation_end(store *s, int64_t id, const char *outcome, const char *note,
			  int64_t user_id, int64_t at, jy_err *err);
typedef int (*store_observation_cb)(void *ctx, const observation_rec *o);
/* Stays of the school begun in [from, to) (Unix seconds), newest first;
 * open_only: not ended. */
int store_observation_list(store *s, int64_t school_id, int64_t from, int64_t to, int open_only,
			   store_observation_cb cb, void *ctx, jy_err *err);

/* ---- who cannot return, tutoring, key groups ------------------------------------ */

typedef struct return_absence_rec {
	int64_t id, school_id, person_id, recorded_by, created_at, updated_at;
	char reason[12];            /* illness quarantine travel family other */
	char detail[256];
	char expected_date[11];     /* "" = unknown */
	char returned_date[11];     /* "" = not yet */
	/* filled by get/list: */
	char number[40], name[96], class_name[96];
	int64_t class_id;
	int64_t plan_id;            /* 0 = no tutoring plan */
	char tutor_name[96];
	int sessions_planned, sessions_done;
} return_absence_rec;

int store_return_absence_add(store *s, const return_absence_rec *a, int64_t *id, jy_err *err);
int store_return_absence_update(store *s, const return_absence_rec *a, jy_err *err);
int store_return_absence_get(store *s, int64_t id, return_absence_rec *out, jy_err *err);
/* The person's open record (not returned yet); JY_ENOENT when none. */
int store_return_absence_open_for(store *s, int64_t person_id, return_absence_rec *out, jy_err *err);
typedef int (*store_return_absence_cb)(void *ctx, const return_absence_rec *a);
/* class_id 0 = school; open_only: not returned yet. */
int store_return_absence_list(store *s, int64_t school_id, int64_t class_id, int open_only,
			      store_return_absence_cb cb, void *ctx, jy_err *err);

typedef struct tutoring_plan_rec {
	int64_t id, school_id, absence_id, tutor_id, updated_by, updated_at;
	char tutor_name[96];
	char plan[512];
	int sessions_planned;
} tutoring_plan_rec;

/* Insert or replace the plan of an absence; *id its id. */
int store_tutoring_plan_put(store *s, const tutoring_plan_rec *p, int64_t *id, jy_err *err);
int store_tutoring_plan_get(store *s, int64_t id, tutoring_plan_rec *out, jy_err *err);
int store_tutoring_plan_for(store *s, int64_t absence_id, tutoring_plan_rec *out, jy_err *err);

typedef struct tutoring_session_rec {
	int64_t id, school_id, plan_id, recorded_by, recorded_at;
	char date[11];
	int minutes;
	char topic[160];
	char progress[512];
} tutoring_session_rec;

int store_tutoring_session_add(store *s, const tutoring_session_rec *t, int64_t *id, jy_err *err);
typedef int (*store_tutoring_session_cb)(void *ctx, const tutoring_session_rec *t);
int store_tutoring_session_list(store *s, int64_t plan_id, store_tutoring_session_cb cb, void *ctx,
				jy_err *err);

typedef struct key_carer_rec {
	int64_t school_id, person_id, carer_id, assigned_by, assigned_at;
	char group_code[24];
	char note[256];
	/* filled by list: */
	char number[40], name[96], class_name[96];
	int64_t class_id;
	char group_zh[64];
	char carer_number[40], carer_name[96];
} key_carer_rec;

int store_key_carer_put(store *s, const key_carer_rec *k, jy_err *err);
typedef int (*store_key_carer_cb)(void *ctx, const key_carer_rec *k);
/* Every key-group student of the school (class_id 0 = all classes) with
 * their carer if one is named (carer_id 0 otherwise). */
int store_key_carer_list(store *s, int64_t school_id, int64_t class_id, store_key_carer_cb cb,
			 void *ctx, jy_err *err);

/* ---- the overview: one row per active person ---------------------------------- */

typedef struct return_person {
	int64_t id, class_id, batch_id;
	char kind[8];
	char number[40], name[96];
	char class_name[96];
	char batch[64];
	char return_date[11];       /* the class's batch date, "" when none */
	int declared;               /* has any declaration */
	char open_absence[12];      /* reason of an open "cannot return" record, "" */
} return_person;
typedef int (*store_return_person_cb)(void *ctx, const return_person *p);
/* Every active person of the school, by class and number. */
int store_return_people(store *s, int64_t school_id, store_return_person_cb cb, void *ctx,
			jy_err *err);
/* A screening run's people, without per-person joins: first every class of
 * the school with its batch's return date ("" when none), then every active
 * person, in no particular order.  Texts are borrowed for the callback. */
typedef struct screen_class_row {
	int64_t id;
	const char *name, *return_date;
} screen_class_row;
typedef struct screen_person_row {
	int64_t id, class_id;       /* class_id 0: none */
	const char *kind, *number, *name;
} screen_person_row;
typedef int (*store_screen_class_cb)(void *ctx, const screen_class_row *c);
typedef int (*store_screen_person_cb)(void *ctx, const screen_person_row *p);
int store_screen_people(store *s, int64_t school_id, store_screen_class_cb class_cb,
			store_screen_person_cb person_cb, void *ctx, jy_err *err);

#endif
