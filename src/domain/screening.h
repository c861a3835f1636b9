/*
 * screening.h — screening before return (返校筛查), the school's side: the
 * rules and risk regions in force (both data, both versioned), screening
 * one person or everyone expected back on a date, keeping the results, and
 * lifting a hold by a recorded action.
 *
 * The rules themselves are evaluated by src/engine/screen.c; this module
 * loads what the engine needs, hands it over and stores what it answers.
 * A result records the risk-region version it used and the newest
 * screening version (rules or risk regions) it saw; when either changes
 * later the result is stale, and screening_status() screens again.  A
 * change of a person's declarations or a hold lift re-screens them at once.
 *
 * A hold is lifted only by the school's epidemic reporter, with an action
 * (doctor_note, negative_test, quarantine_done): the hold reasons in force
 * at that moment are recorded as lifted and no longer count; a new reason
 * that appears later (a fever declared afterwards) holds again.
 */
#ifndef JY_SCREENING_H
#define JY_SCREENING_H

#include "engine/screen.h"
#include "store/returns.h"
#include "util/table.h"

typedef struct screening {
	screen_set *set;
	screen_rule_rec *rules;   /* the enabled rules, in the set's order */
	size_t nrules;
	int max_window;           /* the longest rule window (days) */
	int64_t risk_version, config_version;
} screening;

/* Load the rules and risk regions in force for a school.  Free with screening_free. */
int screening_load(store *s, int64_t school_id, screening *out, jy_err *err);
void screening_free(screening *sc);

/*
 * Screen one person for a return date (YYYY-MM-DD) and store the result.
 * out (may be NULL) receives it; out->reasons is malloc'd JSON, the
 * caller frees it.
 */
int screening_person(store *s, const screening *sc, int64_t school_id, int64_t person_id,
		     const char *return_date, screen_result_rec *out, jy_err *err);

/* Re-screen a person for every date they have a result for, and for their
 * planned return date. */
int screening_refresh_person(store *s, const screening *sc, int64_t school_id, int64_t person_id,
			     jy_err *err);
/* The same for several people, loading the rules once. */
int screening_refresh_people(store *s, int64_t school_id, const int64_t *ids, size_t n, jy_err *err);

/*
 * The person's status for a return date: the stored result when it is
 * current, else a new screening (stored).  out->reasons is malloc'd JSON
 * when want_reasons, else NULL.
 */
int screening_status(store *s, int64_t school_id, int64_t person_id, const char *return_date,
		     int want_reasons, screen_result_rec *out, jy_err *err);

/* One person's result in a bulk run. */
typedef struct screening_row {
	int64_t person_id;
	const char *number, *name, *kind, *class_name;
	const char *return_date;
	int status;
	const char *reasons;      /* JSON array text */
} screening_row;
typedef int (*screening_row_cb)(void *ctx, const screening_row *r);

typedef struct screening_summary {
	long people, cleared, monitor, hold, declarations;
	long written;             /* results stored (the others were already so) */
	int64_t risk_version;
	/* wall ms: loading people and stored results; reading, screening and
	 * writing the results (written while the second thread screens);
	 * writing the rest and the commit */
	double ms_load, ms_screen, ms_store;
	double cpu_main, cpu_thread;  /* CPU time (ms) of the calling thread up to the
				       * store's commit, and of the second thread (0: none) */
} screening_summary;

/*
 * Screen everyone expected back on date (their planned return date is that
 * date; everyone enrolled when there is no plan), store the results in one
 * transaction, then call cb for each in order of number (cb may be NULL).
 */
int screening_run(store *s, int64_t school_id, const char *date, screening_row_cb cb, void *ctx,
		  screening_summary *sum, jy_err *err);
/* screening_run reading the declarations row by row (digests 0) instead of
 * through the per-person digests (1, what screening_run does): the path
 * before the digests, kept as the reference the tests compare against. */
int screening_run_path(store *s, int64_t school_id, const char *date, int digests,
		       screening_row_cb cb, void *ctx, screening_summary *sum, jy_err *err);

/*
 * Lift a person's hold for a return date (NULL: their planned date, else
 * their latest result) with action and note, recorded as user_id.
 * JY_ECONFLICT when they are not on hold.  out (may be NULL) receives the
 * new result (out->reasons malloc'd).
 */
int screening_lift(store *s, int64_t school_id, int64_t person_id, const char *return_date,
		   const char *action, const char *note, int64_t user_id, screen_result_rec *out,
		   jy_err *err);

/* Is action one of doctor_note negative_test quarantine_done? */
int screening_lift_action_valid(const char *action);
const char *screening_lift_action_zh(const char *action);

/* ---- rules and risk regions ---- */

/* Check a rule (kind, level/region, window, threshold, status, texts).
 * JY_EINVAL with err->column naming the field. */
int screening_rule_check(screen_rule_rec *r, jy_err *err);
/* Save a checked rule and publish a rules version; *id its id. */
int screening_rule_save(store *s, screen_rule_rec *r, int64_t user_id, int64_t *id, jy_err *err);

/* Check one risk region row, normalising it into out.  JY_EINVAL with
 * err->column (region, level, valid_from, valid_to). */
int screening_risk_check(const char *region, const char *level, const char *valid_from,
			 const char *valid_to, risk_region_rec *out, jy_err *err);

/*
 * Publish a new risk-region list (the whole list) for a school (school_id
 * 0: the district's, for every school).  Rows must be checked.  *version
 * receives the new version's id.
 */
int screening_risk_publish(store *s, int64_t school_id, int64_t user_id, const char *source,
			   const char *note, const risk_region_rec *rows, size_t n, int64_t *version,
			   jy_err *err);

typedef struct risk_import_report {
	long rows;
	int64_t version;
} risk_import_report;

/* `jinyun import risk-regions`: columns region,level,valid_from,valid_to
 * (or 地区,风险等级,开始日期,结束日期); publishes the file as the district's
 * new list.  All-or-nothing with FILE:ROW:COLUMN errors. */
int screening_risk_import(store *s, const table *t, const char *name, risk_import_report *rep,
			  jy_errlist *errors, jy_err *err);

#endif
