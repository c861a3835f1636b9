/*
 * followup.h — close contacts under medical observation (密切接触者医学观察).
 *
 * Traced contacts of a case are put under monitoring for the disease's
 * monitor_days (disease_setting).  Every day someone records a symptom
 * check: the class teacher or the school doctor through the API, or the
 * contact (staff) or a parent through a personal self-report link whose
 * token is kept only as its SHA-256, like a session.  A contact who
 * develops symptoms becomes a suspected case with one action.  A
 * follow-up ends completed (its last day passed without a gap), lost to
 * follow-up (FOLLOWUP_LOST_DAYS days in a row without a check), became a
 * case, or released early by the doctor.
 */
#ifndef JY_FOLLOWUP_H
#define JY_FOLLOWUP_H

#include "domain/auth.h"
#include "store/cases.h"

#define FOLLOWUP_LOST_DAYS 3   /* days in a row without a check: lost to follow-up */

/* One contact to put under monitoring (what the trace said about them). */
typedef struct followup_contact {
	int64_t person_id;
	int hop;
	int64_t exposure_s, first_contact, via_person_id;
	char places[256];
} followup_contact;

/*
 * Put contacts of a case under monitoring from start_date (YYYY-MM-DD) for
 * the disease's monitor_days, all or nothing.  A person already followed
 * for the case is skipped (counted in *existing); the case's own person
 * cannot be its contact.  *created receives the number added.
 */
int followup_start(store *s, int64_t case_id, const followup_contact *c, size_t n,
		   const char *start_date, int64_t user_id, size_t *created, size_t *existing,
		   jy_err *err);

/*
 * Record the day's check (replacing an earlier one that day).  source:
 * teacher staff self.  symptoms: codes or Chinese names (codes.h); a
 * temperature >= 37.3 adds fever.  *symptomatic is set when the check has
 * symptoms or fever.  JY_ECONFLICT when the follow-up is not monitoring;
 * JY_EINVAL for a date outside the monitoring period or a bad field.
 */
int followup_record_check(store *s, int64_t followup_id, const char *date, double temperature,
			  const char *symptoms, const char *note, const char *source,
			  int64_t user_id, int *symptomatic, jy_err *err);

/* Issue a self-report link: token receives the secret (hex) to put in the
 * URL; only its hash is stored.  Valid until the end of the last day of
 * monitoring, and for at least a day. */
int followup_link(store *s, int64_t followup_id, int64_t user_id, char token[AUTH_TOKEN_HEX],
		  int64_t *expires_at, jy_err *err);
/* The follow-up behind a live link (JY_ENOENT otherwise). */
int followup_by_token(store *s, const char *token, followup_rec *out, jy_err *err);

/*
 * The contact became a suspected case: open it (code: the index case's
 * unless given; onset: the first symptomatic check, or now), link it to the
 * index case as its likely source, and end the follow-up (became_case).
 */
int followup_to_case(store *s, int64_t followup_id, const char *code, int64_t user_id,
		     int64_t *case_id, jy_err *err);

/* End a follow-up by hand: completed, lost or released. */
int followup_close(store *s, int64_t followup_id, const char *status, jy_err *err);

/* Mark the school's monitoring follow-ups lost or completed as of today
 * (YYYY-MM-DD, CST); *changed (may be NULL) counts them. */
int followup_sweep(store *s, int64_t school_id, const char *today, size_t *changed, jy_err *err);

#endif
