/*
 * cases.h — cases (病例) and the isolation and observation rooms: the
 * rules, not the storage.
 *
 * A case is a person with a diagnosis or syndrome code (codes.h), a
 * classification (suspected → clinical → confirmed, or excluded), onset,
 * the 24-hour reporting deadline (学校传染病疫情 24 小时内报告) and when it
 * was reported, an outcome, and where it came from (an alert of the
 * cluster rules, a contact under follow-up, the case it most likely
 * caught it from).  A case may stay in an isolation or observation room;
 * rooms have a capacity, a full room refuses admission, and a stay ends
 * only by a recorded handover: to a parent, to a hospital, or released
 * back to school when the release criteria are met.
 */
#ifndef JY_CASES_H
#define JY_CASES_H

#include "store/cases.h"

#define CASES_REPORT_HOURS 24
#define CASES_WINDOW_MAX_DAYS 30   /* a case never isolated is traced over at most this */

int cases_classification_valid(const char *s);
int cases_outcome_valid(const char *s);   /* "" recovered hospitalised died other */
const char *cases_classification_zh(const char *s);

/* What may be set when opening or changing a case; NULL / has_* 0 = not given. */
typedef struct case_fields {
	const char *code;            /* a diagnosis code or its Chinese name */
	const char *classification;
	const char *note;
	const char *outcome;
	int has_onset;
	int64_t onset_at;            /* 0 = unknown */
	int has_reported;
	int64_t reported_at;         /* 0 = not reported */
	int has_outcome_at;
	int64_t outcome_at;
} case_fields;

/*
 * Open a case for a person of the school.  code and classification are
 * required (JY_EINVAL naming the field otherwise); the reporting deadline
 * is CASES_REPORT_HOURS after now.  alert_id, followup_id, source_case_id
 * may be 0.  *id receives the case.
 */
int cases_open(store *s, int64_t school_id, int64_t person_id, const case_fields *f,
	       int64_t alert_id, int64_t followup_id, int64_t source_case_id, int64_t user_id,
	       int64_t *id, jy_err *err);

/* Change the fields given.  An outcome without a time gets now. */
int cases_update(store *s, int64_t case_id, const case_fields *f, jy_err *err);

/*
 * Open a case (suspected) for every person of an alert who has none from
 * that alert yet, all or nothing.  The code is the alert's when it is a
 * diagnosis (or "ili" for the syndrome), "other" otherwise; onset is the
 * person's first day in the alert (00:00 CST).  ids (may be NULL) receives
 * up to max case ids; *n the number opened, *existing those skipped.
 */
int cases_from_alert(store *s, int64_t alert_id, int64_t user_id, int64_t *ids, size_t max,
		     size_t *n, size_t *existing, jy_err *err);

/*
 * Admit a case to an isolation or observation room of its school from
 * started_at (0 = now).  JY_EINVAL: not such a room (field place_id);
 * JY_ECONFLICT: the room is full, or the case is already in a room.
 */
int cases_isolate(store *s, int64_t case_id, int64_t place_id, int64_t started_at,
		  const char *release_criteria, const char *release_date, int64_t user_id,
		  int64_t *stay_id, jy_err *err);

/*
 * End a stay by a handover: to = parent | hospital | released.  A parent or
 * hospital handover needs the receiver's name; released needs the release
 * criteria met (recorded in note).  at 0 = now.  JY_ECONFLICT when the stay
 * has already ended.
 */
int cases_handover(store *s, int64_t stay_id, const char *to, const char *name,
		   const char *phone, const char *note, int64_t at, int64_t user_id, jy_err *err);

/* The infectious window of a case under its disease setting: from
 * window_before_h hours before onset (or before it was recorded, when the
 * onset is unknown) until it was isolated, or now, and at most
 * CASES_WINDOW_MAX_DAYS long. */
void cases_window(const cases_rec *c, const disease_rec *d, int64_t now, int64_t *from,
		  int64_t *to);

#endif
