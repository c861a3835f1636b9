/*
 * declarations.h — pre-return declarations (返校前申报): where a person
 * stayed (region, dates, how they travelled), their daily temperature and
 * symptoms, and contacts with cases; filled in through a personal link
 * (no account: a token valid until the return date; for a minor the
 * guardian reports and consents), by a class teacher, or imported from a
 * spreadsheet.  Every change re-screens the person at once.
 *
 * Self-reports that look machine-made — the same answers submitted at the
 * same time of day, day after day, as auto-submit scripts do — are flagged
 * for the class teacher (declarations_flags).
 */
#ifndef JY_DECLARATIONS_H
#define JY_DECLARATIONS_H

#include "domain/auth.h"
#include "store/returns.h"
#include "util/table.h"

/*
 * Check one declared fact and normalise it into out (region normalised,
 * symptoms as sorted codes, "无"/"none" meaning none).  temperature is the
 * text as given ("" or NULL = not given).  JY_EINVAL with err->column set
 * to the offending field (kind, date_from, date_to, region, transport,
 * temperature, symptoms, note).
 */
int declarations_check(const char *kind, const char *date_from, const char *date_to,
		       const char *region, const char *transport, const char *temperature,
		       const char *symptoms, const char *note, declaration_rec *out, jy_err *err);

typedef struct declarations_import_report {
	long rows;
	long added, updated, unchanged;
	long people;         /* distinct people */
} declarations_import_report;

/*
 * `jinyun import declarations`: columns person_no,kind,date_from,date_to,
 * region,temperature,symptoms,note (Chinese headers accepted).  Every row
 * is checked first (FILE:ROW:COLUMN into errors, JY_EINVAL, nothing
 * written); then all rows are stored and the people re-screened in one
 * transaction.
 */
int declarations_import(store *s, const table *t, const char *name,
			declarations_import_report *rep, jy_errlist *errors, jy_err *err);

/*
 * Store facts declared for one person (already checked) by a teacher or
 * the school doctor (source staff), or through a link (source link), and
 * re-screen the person, in one transaction.  ids (may be NULL) receives
 * the declarations' ids.
 */
int declarations_save(store *s, int64_t school_id, int64_t person_id, declaration_rec *items,
		      size_t n, const char *source, const char *reporter, int64_t user_id,
		      int64_t *ids, jy_err *err);

/* Remove one declaration (a correction) and re-screen its person. */
int declarations_remove(store *s, int64_t id, declaration_rec *removed, jy_err *err);

/*
 * Create a personal link for a person: a new random token (hex, in
 * token) valid until the end of their return date (CST), or valid_until
 * when non-zero, or 14 days when they have no return date.  minor: 1 the
 * guardian reports, 0 the person, -1 default (students 1, staff 0).  Older
 * links of the person stop working.
 */
int declarations_link_create(store *s, int64_t school_id, int64_t person_id, int minor,
			     int64_t valid_until, int64_t user_id, char token[AUTH_TOKEN_HEX],
			     int64_t *expires_at, jy_err *err);

/* The live link of a token and its person (JY_EAUTH when unknown, revoked or expired). */
int declarations_link_open(store *s, const char *token, declare_link_rec *link, person_rec *p,
			   jy_err *err);

/*
 * A submission through a link: reporter "self" or "guardian"; for a minor
 * only the guardian, with guardian_name and consent (recorded with ip).
 */
int declarations_link_submit(store *s, const declare_link_rec *link, const char *reporter,
			     const char *guardian_name, const char *relation, int consent,
			     const char *ip, declaration_rec *items, size_t n, jy_err *err);

typedef struct declaration_flag {
	int64_t person_id, class_id;
	char number[40], name[96], class_name[96];
	int days;            /* length of the identical run */
	char from[11], to[11];
	char answers[224];   /* what was answered each day */
	int time_of_day;     /* seconds after midnight (CST) of the first submission */
} declaration_flag;

/*
 * Self-reports of a class (0 = the school) since a date that look
 * machine-made: at least min_days consecutive days, identical answers,
 * submitted within tolerance_s of the same time of day.  *out (malloc'd)
 * and *n receive them.
 */
int declarations_flags(store *s, int64_t school_id, int64_t class_id, const char *since,
		       int min_days, int tolerance_s, declaration_flag **out, size_t *n, jy_err *err);

#endif
