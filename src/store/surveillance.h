/*
 * surveillance.h — storage of the daily surveillance: check submissions and
 * their entries, health events, illness absences and follow-ups, the school
 * calendar, cluster rules, alerts and their tasks.  Same conventions as
 * store.h (0 or negative JY_E*, one jy_err, records with fixed text fields).
 */
#ifndef JY_STORE_SURVEILLANCE_H
#define JY_STORE_SURVEILLANCE_H

#include "store/store.h"

/* ---- checks ---------------------------------------------------------- */

typedef struct check_entry_rec {
	int64_t person_id;
	char status[16];        /* present absent_sick absent_other absent_unknown */
	double temperature;     /* < 0 = not measured */
	char symptoms[160];     /* sorted comma list of codes */
	char diagnosis[24];
} check_entry_rec;

/* Insert a new version of (class, date, session) with its entries; *id and
 * *version receive the new submission's id and version. */
int store_check_submit(store *s, int64_t school_id, int64_t class_id, const char *date,
		       const char *session, int64_t user_id, const char *source,
		       const check_entry_rec *entries, size_t n, int64_t *id, int *version,
		       jy_err *err);

/* The active students of a class by id, as a check lists them: one light
 * query (the roster list joins classes, grades and dorms). */
typedef int (*store_student_cb)(void *ctx, int64_t person_id, const char *number);
int store_class_students(store *s, int64_t class_id, store_student_cb cb, void *ctx,
			 jy_err *err);

typedef struct check_row {
	int64_t person_id;
	char number[40], name[96];
	char status[16];
	double temperature;
	char symptoms[160], diagnosis[24];
} check_row;
typedef int (*store_check_cb)(void *ctx, const check_row *r);
/* The current version's entries of (class, date, session); *version 0 and
 * no rows when nothing was submitted. */
int store_check_current(store *s, int64_t class_id, const char *date, const char *session,
			int *version, store_check_cb cb, void *ctx, jy_err *err);

/* ---- census ---------------------------------------------------------- */

typedef struct census_row {
	int64_t class_id, grade_id;
	char class_name[96], grade_name[64];
	int64_t enrolled, present, absent_sick, absent_other, absent_unknown;
	int64_t symptomatic, febrile;
	int submitted;           /* the class has a submission for date/session */
	int version;
} census_row;
typedef int (*store_census_cb)(void *ctx, const census_row *r);
/* One row per class of the school (submitted or not), ordered by grade and class. */
int store_census(store *s, int64_t school_id, const char *date, const char *session,
		 store_census_cb cb, void *ctx, jy_err *err);

typedef struct census_person {
	int64_t person_id, class_id;
	char number[40], name[96], class_name[96];
	char status[16];
	double temperature;
	char symptoms[160], diagnosis[24];
} census_person;
typedef int (*store_census_person_cb)(void *ctx, const census_person *p);
/* The people behind a census number: what = present absent_sick absent_other
 * absent_unknown symptomatic febrile; class_id 0 = whole school. */
int store_census_people(store *s, int64_t school_id, int64_t class_id, const char *date,
			const char *session, const char *what, store_census_person_cb cb,
			void *ctx, jy_err *err);

/* ---- health events ---------------------------------------------------- */

typedef struct health_event_rec {
	int64_t id, school_id, person_id, at, recorded_by, submission_id;
	char date[11];
	char source[16];        /* check observation clinic absence gate import */
	double temperature;     /* < 0 = none */
	char symptoms[160];
	char syndromes[64];     /* derived: ili … */
	char diagnosis[24];
	char note[256];
} health_event_rec;

int store_event_add(store *s, const health_event_rec *e, int64_t *id, jy_err *err);
/* Drop the events derived from earlier versions of (class, date, session). */
int store_event_drop_check(store *s, int64_t class_id, const char *date, const char *session,
			   int64_t keep_submission, jy_err *err);

/* A case for the cluster rules: one person with one code on one day. */
typedef struct case_rec {
	int64_t person_id, class_id, dorm_id;
	char date[11];
	char number[40];
	char class_name[96], dorm_name[96];
} case_rec;
typedef int (*store_case_cb)(void *ctx, const case_rec *c);
/* Cases of code (kind diagnosis, symptom or syndrome) in [from, to] for the
 * school (class_id 0) or one class, from health events: person, class,
 * dorm and date only (the name fields stay empty: this runs on every
 * check, and names are looked up only when an alert is created). */
int store_cases(store *s, int64_t school_id, int64_t class_id, const char *kind,
		const char *code, const char *from, const char *to, store_case_cb cb, void *ctx,
		jy_err *err);

/* ---- illness absence ----------------------------------------------------- */

typedef struct absence_rec {
	int64_t id, school_id, person_id;
	char first_absent_date[11], onset_date[11];
	char symptoms[160], diagnosis[24], hospital[96];
	int clinic_visit;
	char status[12];          /* open returned */
	char return_date[11];
	int note_required;
	int64_t note_recorded_at; /* 0 = none */
	int64_t updated_at;
	/* filled by list/get: */
	char number[40], name[96], class_name[96];
	int64_t class_id;
	char last_followup[11];
} absence_rec;

int store_absence_open_for(store *s, int64_t person_id, absence_rec *out, jy_err *err);
int store_absence_get(store *s, int64_t id, absence_rec *out, jy_err *err);
int store_absence_add(store *s, const absence_rec *a, int64_t *id, jy_err *err);
int store_absence_update(store *s, const absence_rec *a, jy_err *err);
typedef int (*store_absence_cb)(void *ctx, const absence_rec *a);
/* The open absences of the people in a class, by person id, each
 * person's newest first (one query for a class's check). */
int store_absence_open_in_class(store *s, int64_t class_id, store_absence_cb cb, void *ctx,
				jy_err *err);
/* status NULL = any; class_id 0 = whole school. */
int store_absence_list(store *s, int64_t school_id, int64_t class_id, const char *status,
		       store_absence_cb cb, void *ctx, jy_err *err);
int store_absence_followup_add(store *s, int64_t school_id, int64_t absence_id, const char *date,
			       double temperature, const char *symptoms, const char *diagnosis,
			       const char *note, int64_t user_id, jy_err *err);

/* ---- calendar ---------------------------------------------------------- */

int store_calendar_set(store *s, int64_t school_id, const char *date, const char *kind,
		       const char *note, jy_err *err);
typedef int (*store_calendar_cb)(void *ctx, const char *date, const char *kind);
int store_calendar_list(store *s, int64_t school_id, const char *from, const char *to,
			store_calendar_cb cb, void *ctx, jy_err *err);

/* ---- cluster rules ------------------------------------------------------- */

typedef struct rule_rec {
	int64_t id, school_id;   /* school_id 0 = every school */
	char code[24];
	char code_kind[16];      /* diagnosis symptom syndrome any_symptom */
	char scope[8];           /* class dorm school */
	int window_days, threshold;
	char name_zh[160], name_en[160];
	int enabled;
} rule_rec;

typedef int (*store_rule_cb)(void *ctx, const rule_rec *r);
/* The rules that apply to a school (its own and the district's). */
int store_rule_list(store *s, int64_t school_id, store_rule_cb cb, void *ctx, jy_err *err);
int store_rule_get(store *s, int64_t id, rule_rec *out, jy_err *err);
int store_rule_save(store *s, const rule_rec *r, int64_t *id, jy_err *err);

/* ---- alerts and tasks ------------------------------------------------------ */

typedef struct alert_rec {
	int64_t id, school_id, rule_id, scope_id;
	char scope[8];
	char scope_name[96];
	char code[24];
	char first_date[11], last_date[11];
	int count;
	char status[8];
	int64_t created_at, updated_at, report_due_at;
	char rule_name_zh[160], rule_name_en[160];
} alert_rec;

/* The open alert of (rule, scope unit, code) whose last day is on or after
 * since (the cluster is still the same one); JY_ENOENT when none. */
int store_alert_find_open(store *s, int64_t rule_id, int64_t scope_id, const char *code,
			  const char *since, alert_rec *out, jy_err *err);
int store_alert_add(store *s, alert_rec *a, int64_t *id, jy_err *err);
int store_alert_update(store *s, const alert_rec *a, jy_err *err);
int store_alert_get(store *s, int64_t id, alert_rec *out, jy_err *err);
/* Add a person to an alert; *added is 1 when they were not in it yet. */
int store_alert_add_person(store *s, int64_t school_id, int64_t alert_id, int64_t person_id,
			   const char *first_date, int *added, jy_err *err);
typedef int (*store_alert_cb)(void *ctx, const alert_rec *a);
/* Alerts of a school (0 = every school) overlapping [from, to]; status NULL = any. */
int store_alert_list(store *s, int64_t school_id, const char *from, const char *to,
		     const char *status, store_alert_cb cb, void *ctx, jy_err *err);
typedef int (*store_alert_person_cb)(void *ctx, int64_t person_id, const char *number,
				     const char *name, const char *class_name, const char *first_date);
int store_alert_people(store *s, int64_t alert_id, store_alert_person_cb cb, void *ctx, jy_err *err);

typedef struct task_rec {
	int64_t id, school_id, alert_id, due_at, done_at, done_by;
	char kind[24];
	char title_zh[200], title_en[200];
	char owner_role[16];
	char note[256];
} task_rec;

int store_task_add(store *s, const task_rec *t, int64_t *id, jy_err *err);
int store_task_get(store *s, int64_t id, task_rec *out, jy_err *err);
int store_task_done(store *s, int64_t id, int64_t user_id, int64_t at, const char *note, jy_err *err);
typedef int (*store_task_cb)(void *ctx, const task_rec *t);
/* alert_id 0 = all tasks of the school; open_only: not done yet. */
int store_task_list(store *s, int64_t school_id, int64_t alert_id, int open_only,
		    store_task_cb cb, void *ctx, jy_err *err);


/* ---- series for the statistical run (signals.c) ------------------------ */

/* Health events of the school in [from, to], one row per (date, person),
 * in date order, their symptom/syndrome lists merged (comma lists). */
typedef int (*store_event_day_cb)(void *ctx, const char *date, int64_t person_id,
				  int64_t class_id, int64_t grade_id, const char *symptoms,
				  const char *syndromes, const char *diagnoses);
int store_event_days(store *s, int64_t school_id, const char *from, const char *to,
		     store_event_day_cb cb, void *ctx, jy_err *err);

/* Morning illness absences (absent_sick in the current check version)
 * per date and class in [from, to]. */
typedef int (*store_absence_count_cb)(void *ctx, const char *date, int64_t class_id,
				      int64_t grade_id, int64_t count);
int store_absence_counts(store *s, int64_t school_id, const char *from, const char *to,
			 store_absence_count_cb cb, void *ctx, jy_err *err);

typedef struct signal_rec {
	int64_t id, school_id, scope_id;
	char date[11];
	char scope[8];
	char scope_name[96];
	char code[24];
	char method[16];
	double observed, upperbound;  /* upperbound NaN = NA */
	int alarm;
} signal_rec;

/* The first date with a check submission of the school (JY_ENOENT: none):
 * where its series begin, since the days before are unknown, not zero. */
int store_check_first_date(store *s, int64_t school_id, char out[11], jy_err *err);

int store_signal_save(store *s, const signal_rec *r, jy_err *err);
/* Forget a day's signals (a re-run replaces them). */
int store_signal_clear(store *s, int64_t school_id, const char *date, jy_err *err);
typedef int (*store_signal_cb)(void *ctx, const signal_rec *r);
/* Signals of a day; alarms_only: just the alarms. */
int store_signal_list(store *s, int64_t school_id, const char *date, int alarms_only,
		      store_signal_cb cb, void *ctx, jy_err *err);

#endif
