/*
 * district.h — a district's rules: the overview of every school at once,
 * district cluster rules (the same diagnosis in several schools within a
 * window), pseudonyms for district users, and the retention purge.
 *
 * District cluster rules are data (district_rule); they run whenever a
 * school's cluster rules run (alerts.c calls district_alerts_evaluate()
 * inside the same transaction), so recording a diagnosis in one school can
 * raise a district alert at once.
 */
#ifndef JY_DISTRICT_H
#define JY_DISTRICT_H

#include <stddef.h>
#include <stdint.h>

#include "store/district.h"

typedef struct district_overview {
	char date[11], session[8];
	district_school_counts *schools;   /* by school id */
	size_t nschools;
	district_school_counts total;      /* school_id 0: the district's sums */
} district_overview;

/* Build the overview of a district for (date, session); free with
 * district_overview_free. */
int district_overview_build(store *s, int64_t district_id, const char *date, const char *session,
			    district_overview *out, jy_err *err);
void district_overview_free(district_overview *o);

/* Run the district rules of school_id's district for the days [d0, d1]
 * (day numbers).  codes: the codes that changed (a comma list; only
 * diagnoses among them are looked at), NULL for all.  A school in no
 * district: nothing to do.  *raised (may be NULL) counts alerts created or
 * grown. */
int district_alerts_evaluate(store *s, int64_t school_id, int32_t d0, int32_t d1,
			     const char *codes, int *raised, jy_err *err);

/* ---- pseudonyms ---- */

#define PRIVACY_KEY_BYTES 32
#define PRIVACY_PSEUDONYM_MAX 24

/* The deployment's pseudonym key (made once, kept in the setting table). */
int privacy_key(store *s, unsigned char key[PRIVACY_KEY_BYTES], jy_err *err);
/* A stable pseudonym of a person: HMAC-SHA-256 of (school id, number)
 * under key, as "P-" and 10 base-32 characters.  out: PRIVACY_PSEUDONYM_MAX. */
void privacy_pseudonym(const unsigned char key[PRIVACY_KEY_BYTES], int64_t school_id,
		       const char *number, char *out);
/* Does user (a district user) see people identified?  Only under a live
 * grant (privacy_grant, for the user or for their whole district). */
int privacy_identified(store *s, const user_rec *u, int *yes, jy_err *err);

/* ---- retention ---- */

#define RETENTION_SETTING "retention_days"

/* Purge health records older than days (> 0) before today (UTC+8), all or
 * nothing, and write one audit record (action "purge", entity "retention")
 * with the cutoff and every count in the same transaction; dry_run counts
 * only and writes nothing.  who: the operator (the audit's username). */
int retention_purge(store *s, int days, int dry_run, const char *who, purge_counts *out,
		    char cutoff[11], jy_err *err);

#endif
