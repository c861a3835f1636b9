/*
 * cases.h — storage of cases and their isolation stays, the isolation and
 * observation rooms' occupancy, ad-hoc presence and imported contact
 * records, close-contact follow-up (daily checks, self-report links), the
 * per-disease tracing settings, and the lean reads the presence model and
 * the person timeline need.  Same conventions as store.h (0 or negative
 * JY_E*, one jy_err, records with fixed text fields).
 */
#ifndef JY_STORE_CASES_H
#define JY_STORE_CASES_H

#include "store/surveillance.h"

/* ---- disease settings ------------------------------------------------- */

typedef struct disease_rec {
	int64_t id, school_id;     /* school_id 0 = district default */
	char code[24];             /* a diagnosis code or "*" */
	int window_before_h;
	int64_t min_exposure_s;
	int same_dorm, same_class;
	int hops, monitor_days;
} disease_rec;

/* The setting that applies to code in the school: the school's row for the
 * code, the district's, the school's "*", the district's "*" (JY_ENOENT
 * when none). */
int store_disease_get(store *s, int64_t school_id, const char *code, disease_rec *out, jy_err *err);
typedef int (*store_disease_cb)(void *ctx, const disease_rec *d);
int store_disease_list(store *s, int64_t school_id, store_disease_cb cb, void *ctx, jy_err *err);
/* Insert or update the school's (or, school_id 0, the district's) row for d->code. */
int store_disease_save(store *s, const disease_rec *d, jy_err *err);

/* ---- cases ------------------------------------------------------------ */

typedef struct cases_rec {
	int64_t id, school_id, person_id;
	char code[24];
	char classification[12];     /* suspected clinical confirmed excluded */
	int64_t onset_at;            /* 0 = unknown */
	int64_t report_due_at, reported_at;   /* reported_at 0 = not yet */
	char outcome[16];            /* "" recovered hospitalised died other */
	int64_t outcome_at;
	int64_t alert_id, followup_id, source_case_id;   /* 0 = none */
	char source_by[8];           /* "" doctor trace */
	char note[512];
	int64_t created_by, created_at, updated_at;
	/* filled by get/list: */
	char number[40], name[96], class_name[96], kind[8];
	int64_t class_id, dorm_id;
	int64_t stay_id, stay_place_id, stay_started_at;   /* the open isolation stay, 0 = none */
	char stay_place[96];
	int64_t isolated_at;         /* start of the first stay, 0 = never isolated */
} cases_rec;

int store_case_add(store *s, const cases_rec *c, int64_t *id, jy_err *err);
/* Write the changeable fields (code, classification, onset, reported_at,
 * outcome, outcome_at, source_case_id, source_by, note, updated_at). */
int store_case_update(store *s, const cases_rec *c, jy_err *err);
int store_case_get(store *s, int64_t id, cases_rec *out, jy_err *err);

typedef struct case_filter {
	int64_t school_id;         /* 0 = every school */
	int64_t person_id;         /* 0 = any */
	int64_t alert_id;          /* 0 = any */
	int open_only;             /* not excluded and no outcome yet */
} case_filter;
typedef int (*store_cases_cb)(void *ctx, const cases_rec *c);
/* Cases matching f, newest first. */
int store_case_list(store *s, const case_filter *f, store_cases_cb cb, void *ctx, jy_err *err);

/* ---- isolation and observation rooms ---------------------------------------- */

typedef struct stay_rec {
	int64_t id, school_id, case_id, person_id, place_id;
	int64_t started_at, ended_at;   /* ended_at 0 = still there */
	char release_criteria[256];
	char release_date[11];
	char handover_to[12];           /* parent hospital released */
	char handover_name[96], handover_phone[32], handover_note[256];
	int64_t handed_over_by, created_by;
	/* filled by get/list: */
	char place_name[96], place_kind[24], number[40], name[96];
} stay_rec;

int store_stay_add(store *s, const stay_rec *r, int64_t *id, jy_err *err);
int store_stay_get(store *s, int64_t id, stay_rec *out, jy_err *err);
/* Record the handover that ends a stay (ended_at, handover_* fields). */
int store_stay_end(store *s, const stay_rec *r, jy_err *err);
/* Stays of a case, or (case_id 0) of a school whose time overlaps
 * [from, to) (to 0 = open end). */
typedef int (*store_stay_cb)(void *ctx, const stay_rec *r);
int store_stay_list(store *s, int64_t school_id, int64_t case_id, int64_t from, int64_t to,
		    store_stay_cb cb, void *ctx, jy_err *err);
/* People in a room now (stays not ended). */
int store_room_open_stays(store *s, int64_t place_id, store_stay_cb cb, void *ctx, jy_err *err);

typedef struct room_rec {
	int64_t id;
	char kind[24], name[96], building[64];
	int64_t capacity;    /* -1 = unknown */
	int64_t occupied;
} room_rec;
typedef int (*store_room_cb)(void *ctx, const room_rec *r);
/* The school's isolation and observation rooms with their occupancy. */
int store_room_list(store *s, int64_t school_id, store_room_cb cb, void *ctx, jy_err *err);

/* ---- presence and contacts ------------------------------------------------- */

typedef struct presence_rec {
	int64_t id, school_id, person_id, place_id, start_at, end_at, created_by;
	char source[8];      /* api import */
	char event[128];
	char place_name[96]; /* filled by reads */
} presence_rec;

/* id may be NULL (then the insert does not wait for it). */
int store_presence_add(store *s, const presence_rec *p, int64_t *id, jy_err *err);
typedef int (*store_presence_cb)(void *ctx, const presence_rec *p);
/* Rows overlapping [from, to) of a school, or of one person (person_id != 0). */
int store_presence_window(store *s, int64_t school_id, int64_t person_id, int64_t from, int64_t to,
			  store_presence_cb cb, void *ctx, jy_err *err);

int store_contact_batch_add(store *s, int64_t school_id, const char *file, int64_t resolution,
			    int64_t records, int64_t *id, jy_err *err);
int store_contact_add(store *s, int64_t school_id, int64_t batch_id, int64_t t, int64_t person_i,
		      int64_t person_j, jy_err *err);
typedef int (*store_contact_cb)(void *ctx, int64_t t, int64_t person_i, int64_t person_j,
				int64_t resolution);
/* Records of a school (person_id 0) or involving one person whose interval
 * [t, t + resolution) overlaps [from, to). */
int store_contact_window(store *s, int64_t school_id, int64_t person_id, int64_t from, int64_t to,
			 store_contact_cb cb, void *ctx, jy_err *err);

/* ---- what the presence model reads ----------------------------------------- */

typedef int (*store_trace_person_cb)(void *ctx, int64_t id, const char *number, const char *name,
				     const char *kind, int64_t class_id, int64_t dorm_id, int active);
/* Every person of the school, lean (no joins), in order of number (the
 * (school_id, number) index: byte order on SQLite). */
int store_trace_people(store *s, int64_t school_id, store_trace_person_cb cb, void *ctx,
		       jy_err *err);
typedef int (*store_trace_class_cb)(void *ctx, int64_t id, const char *name);
/* The school's classes in id order. */
int store_trace_classes(store *s, int64_t school_id, store_trace_class_cb cb, void *ctx, jy_err *err);
typedef int (*store_trace_place_cb)(void *ctx, int64_t id, const char *kind, const char *name);
int store_trace_places(store *s, int64_t school_id, store_trace_place_cb cb, void *ctx, jy_err *err);
typedef int (*store_trace_timetable_cb)(void *ctx, int64_t class_id, int64_t place_id, int weekday,
					int start_min, int end_min);
int store_trace_timetable(store *s, int64_t school_id, store_trace_timetable_cb cb, void *ctx,
			  jy_err *err);
typedef int (*store_absent_cb)(void *ctx, const char *date, int64_t person_id);
/* People not present (absent_*) in the current morning check of each day
 * in [from, to] (YYYY-MM-DD). */
int store_morning_absent(store *s, int64_t school_id, const char *from, const char *to,
			 store_absent_cb cb, void *ctx, jy_err *err);
typedef int (*store_visit_cb)(void *ctx, int64_t person_id, int64_t at);
/* Clinic visits (health events of source clinic) at times in [from, to). */
/* Gate passages in [from, to): readings of known people at a gate device
 * whose place is known (the device's place, else the place named like its
 * gate).  cb gets the person, the place and the time. */
typedef int (*store_gate_cb)(void *ctx, int64_t person_id, int64_t place_id, int64_t at);
int store_gate_passages(store *s, int64_t school_id, int64_t from, int64_t to, store_gate_cb cb,
			void *ctx, jy_err *err);

int store_clinic_visits(store *s, int64_t school_id, int64_t from, int64_t to, store_visit_cb cb,
			void *ctx, jy_err *err);

/* ---- follow-up ----------------------------------------------------------- */

typedef struct followup_rec {
	int64_t id, school_id, case_id, person_id;
	int hop;
	int64_t exposure_s, first_contact, via_person_id;
	char places[256];
	char start_date[11], end_date[11];
	char status[16];          /* monitoring completed lost became_case released */
	int64_t status_at, new_case_id, created_by, created_at;
	/* filled by get/list: */
	char number[40], name[96], class_name[96], kind[8];
	int64_t class_id;
	char guardian_phone[32], phone[32];
	char case_code[24], case_name[96];
	int64_t case_person_id;
	char last_check[11];
	int64_t checks;
	char via_name[96];
} followup_rec;

/* Insert; *id receives the new id, or the existing row's when the person is
 * already followed for that case (*created 0). */
int store_followup_add(store *s, const followup_rec *f, int64_t *id, int *created, jy_err *err);
int store_followup_get(store *s, int64_t id, followup_rec *out, jy_err *err);
int store_followup_set_status(store *s, int64_t id, const char *status, int64_t at,
			      int64_t new_case_id, jy_err *err);
typedef struct followup_filter {
	int64_t school_id;     /* 0 = every school (district) */
	int64_t class_id;      /* 0 = any */
	int64_t case_id;       /* 0 = any */
	int64_t person_id;     /* 0 = any */
	const char *status;    /* NULL = any */
} followup_filter;
typedef int (*store_followup_cb)(void *ctx, const followup_rec *f);
int store_followup_list(store *s, const followup_filter *f, store_followup_cb cb, void *ctx,
			jy_err *err);

typedef struct followup_check_rec {
	int64_t id, followup_id, recorded_by, recorded_at;
	char date[11];
	double temperature;    /* < 0 = not measured */
	char symptoms[160];
	char note[256];
	char source[8];        /* teacher staff self */
} followup_check_rec;

/* Insert or replace the check of (followup, date). */
int store_followup_check_put(store *s, int64_t school_id, const followup_check_rec *c, jy_err *err);
typedef int (*store_followup_check_cb)(void *ctx, const followup_check_rec *c);
int store_followup_checks(store *s, int64_t followup_id, store_followup_check_cb cb, void *ctx,
			  jy_err *err);

int store_followup_link_add(store *s, const char *token_hash, int64_t school_id,
			    int64_t followup_id, int64_t user_id, int64_t created_at,
			    int64_t expires_at, jy_err *err);
/* The follow-up of a live link (JY_ENOENT when absent or expired at now). */
int store_followup_link_get(store *s, const char *token_hash, int64_t now, int64_t *followup_id,
			    jy_err *err);

/* ---- a person's history (timeline) ------------------------------------------ */

typedef int (*store_person_check_cb)(void *ctx, const char *date, const char *session,
				     int64_t submitted_at, const char *status, double temperature,
				     const char *symptoms, const char *diagnosis);
/* The person's entries in the current version of each check, dates in [from, to]. */
int store_person_checks(store *s, int64_t person_id, const char *from, const char *to,
			store_person_check_cb cb, void *ctx, jy_err *err);
typedef int (*store_person_event_cb)(void *ctx, const health_event_rec *e);
/* Health events other than those derived from checks, dates in [from, to]. */
int store_person_events(store *s, int64_t person_id, const char *from, const char *to,
			store_person_event_cb cb, void *ctx, jy_err *err);
/* Illness absences overlapping [from, to]. */
int store_person_absences(store *s, int64_t person_id, const char *from, const char *to,
			  store_absence_cb cb, void *ctx, jy_err *err);

#endif
