/*
 * checks.h — the morning, noon and evening checks (晨午晚检) of a class,
 * illness absence (因病缺勤) and its follow-up, all-day observation and
 * clinic visits (全日健康观察).
 *
 * A class teacher submits the whole class at once: everybody present and
 * well, plus the exceptions.  A correction is a new version.  Every
 * symptom, fever (>= 37.3 °C) or diagnosis becomes a health event, and the
 * cluster rules about those codes run at once, so an alert exists the
 * moment the record that completes a cluster is stored.
 */
#ifndef JY_CHECKS_H
#define JY_CHECKS_H

#include "domain/alerts.h"
#include "store/surveillance.h"

typedef struct check_exception {
	int64_t person_id;        /* or 0 and number set */
	char number[40];
	char status[16];          /* "" = present */
	double temperature;       /* < 0 = not measured */
	char symptoms[160];       /* codes or Chinese names, any separators */
	char diagnosis[24];       /* "" = none */
} check_exception;

typedef struct check_result {
	int64_t submission_id;
	int version;
	int students;             /* entries written */
	int present, absent_sick, absent_other, absent_unknown, symptomatic, febrile;
	jy_errlist warnings;      /* e.g. a doctor's note is still missing */
	alert_changes alerts;
} check_result;

/*
 * Validate and store one class's check.  ex[i].person_id (or number) must be
 * a student of the class.  `field_prefix` names the JSON array in errors
 * ("entries").  On success fills res (free res->warnings with
 * errlist_free).  On invalid input returns JY_EINVAL with err->column set
 * (e.g. "entries[3].temperature") and writes nothing.  run_rules 0 leaves
 * the cluster rules to the caller (a bulk import runs them once at the end).
 */
int checks_submit(store *s, int64_t school_id, int64_t class_id, const char *date,
		  const char *session, int64_t user_id, const char *source,
		  const check_exception *ex, size_t n, int run_rules, check_result *res,
		  jy_err *err);

/* Record an observation or clinic visit (source "observation" or "clinic")
 * and run the rules. */
int checks_record_event(store *s, int64_t school_id, int64_t person_id, const char *date,
			const char *source, double temperature, const char *symptoms,
			const char *diagnosis, const char *note, int64_t user_id,
			alert_changes *alerts, jy_err *err);

/* Record the doctor's note (复课证明) of an absence. */
int checks_record_note(store *s, int64_t absence_id, int64_t user_id, jy_err *err);

#endif
