/*
 * stagger.h (domain) — staggered use of a shared place (错峰安排) for a
 * school: load the place's zones and seats, the classes and their sizes,
 * grades and dorm floors, run the optimiser (src/engine/stagger.h), answer
 * in the shape of `jinyun stagger --json` (the same document the API
 * returns), and on request save the schedule as timetable rows so that it
 * becomes presence for contact tracing.
 */
#ifndef JY_DOMAIN_STAGGER_H
#define JY_DOMAIN_STAGGER_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "store/store.h"

#define STAGGER_MAX_SLOTS 48

typedef struct stagger_request {
	int64_t school_id;
	const char *place;    /* a place's name or id */
	const char *slots;    /* "HH:MM-HH:MM[,…]", not overlapping */
	const char *classes;  /* NULL or "": the classes the timetable puts at the place or
				 its zones (every class when none); "all"; or class names,
				 comma-separated */
	const char *grade;    /* NULL: any grade; else only the classes of this grade */
	double m2_per_person; /* > 0: a zone holds at most area / this (where the area is known) */
	uint64_t seed;	      /* 0 = fixed default: the same input gives the same schedule */
	int effort;	      /* 0 = default */
	/* Saving (only a feasible schedule is saved): */
	int save;
	const char *weekdays; /* "1-5" (default), "12345", "1,3,5" */
	const char *subject;  /* timetable subject; default 午餐（错峰） */
	int64_t user_id;      /* who saved it (0 = command line) */
} stagger_request;

/*
 * Run the staggering for rq and put the answer in *out (the caller owns
 * it):
 *   {"feasible","place":{"id","name"},"slots":[…],"zones":[{"id","name","seats","area_m2","capacity"}],
 *    "assignments":[{"class","slot","zone"}],"max_load":[{"slot","zone","people","capacity"}],
 *    "short":"…","meets":[{"class","grade","people","meets","mixed","met":[names]}],
 *    "summary":{…, "lower_bound":{…}, "greedy":{…}},"shortage":{…}|null,"saved":{…}|null}
 * An infeasible schedule is an answer (feasible false, short says what is
 * missing), not an error.  Errors: JY_EINVAL with err->column naming the
 * field (place — an unknown one too —, slots, classes, grade,
 * m2_per_person, weekdays, subject), JY_ECONFLICT for --save of an
 * infeasible schedule, JY_EDB.  With rq->save and a feasible
 * schedule, the classes' timetable rows at the place and its zones on
 * those weekdays are replaced by the schedule's, and the schedule is kept
 * (stagger_plan), all in one transaction.
 */
int stagger_place_run(store *s, const stagger_request *rq, cJSON **out, jy_err *err);

/* Parse "HH:MM-HH:MM[,…]" into minutes from midnight (start[i] < end[i],
 * no two overlapping); *n receives the count.  JY_EINVAL naming the slot. */
int stagger_parse_slots(const char *text, int *start, int *end, size_t max, size_t *n, jy_err *err);

/* Parse weekdays "1-5", "12345", "1,3,5" into a 7-char mask "1111100"
 * (Monday first).  JY_EINVAL when empty or out of 1–7. */
int stagger_parse_weekdays(const char *text, char mask[8], jy_err *err);

#endif
