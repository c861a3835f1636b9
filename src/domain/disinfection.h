/*
 * disinfection.h — ventilation and disinfection (通风消毒) of the key
 * places: which schedule applies to each place, what staff recorded (what
 * was done, how, with what, by whom), what is due and overdue on a day, and
 * the extra disinfection an open alert asks for at the places involved.
 *
 * Which schedule applies: for a place and an action, the place's own
 * enabled schedule; else the school's schedule for the place's kind; else
 * the default one for the kind.  A disabled schedule at a level hides the
 * levels below it (that is how a school turns a default off).
 *
 * A day's items: each due time of the schedule is one item; the k-th record
 * of that place and action on that day fulfils the k-th item (done, or
 * late when recorded after due + grace); an item not fulfilled by due +
 * grace is overdue.  On a school holiday only the every-day schedules
 * ('1234567') apply; on a make-up day the school-day ones do too.
 *
 * Extra disinfection for alerts (derived when listing, not stored): for
 * every open alert, the places involved — the classroom, labs, canteen zone
 * and other indoor places of the class (class alerts), the dorm room (dorm
 * alerts), and for school- or person-wide alerts those of each person's
 * class and their dorm room.  Such a place is done once a disinfection is
 * recorded there after the alert opened; it is due when the alert's
 * "disinfect" response task is (8 hours), else 8 hours after it opened.
 * Deriving keeps it in step with the alert as it grows, with nothing to
 * keep in sync.
 */
#ifndef JY_DISINFECTION_H
#define JY_DISINFECTION_H

#include <cjson/cJSON.h>

#include "store/operations.h"

typedef struct hygiene_input {
	int64_t school_id;
	const char *place;	/* name or id */
	const char *action;	/* ventilate | disinfect */
	int64_t at;		/* when it was done; 0 = now */
	const char *method;	/* how: 开窗通风, 擦拭, 喷洒 … */
	const char *agent;	/* with what: 含氯消毒液 500 mg/L … */
	const char *item;	/* supply item used (code or id), NULL = none */
	double quantity;	/* with item: how much (> 0), issued from stock */
	const char *from_place; /* where the supply is taken from (NULL = where most is) */
	int duration_min;	/* < 0 = not given */
	const char *performer;	/* who did it */
	const char *note;
	int64_t alert_id; /* extra disinfection for this alert (0 = none) */
	int64_t user_id;  /* who recorded it */
} hygiene_input;

/* Validate and record (and issue the supply used, in the same
 * transaction).  err->column names the field on JY_EINVAL; not enough stock
 * is JY_ECONFLICT ("quantity"). */
int hygiene_record(store *s, const hygiene_input *in, int64_t *id, jy_err *err);

/*
 * The day's status (date YYYY-MM-DD, China time; now = the time overdue is
 * judged at):
 *   {"date","items":[{"place_id","place","kind","action","schedule","due","due_at","grace_min",
 *     "status":"done|late|overdue|pending","done_at","performer"}],
 *    "extra":[{"alert_id","alert","place_id","place","kind","due_at","status","done_at","performer"}],
 *    "summary":{"items","done","late","overdue","pending","extra","extra_overdue"}}
 * open_only: list only overdue and pending items (the summary counts all).
 */
int hygiene_status_json(store *s, int64_t school_id, const char *date, int64_t now, int open_only,
			cJSON **out, jy_err *err);

/* The schedules that apply (school's and defaults), as JSON items. */
int hygiene_schedules_json(store *s, int64_t school_id, cJSON **out, jy_err *err);

/* Validate and save a school schedule.  place (name or id) or place_kind
 * says where; times 'HH:MM,…'; weekdays '12345'.  A default schedule is
 * never changed: saving one (r->id of a default) makes the school's own.
 * err->column names the field. */
int hygiene_schedule_save(store *s, int64_t school_id, hygiene_schedule_rec *r, const char *place,
			  int64_t *id, jy_err *err);

/* Records of a day as JSON items (place_id 0 = every place). */
int hygiene_records_json(store *s, int64_t school_id, const char *date, int64_t place_id,
			 cJSON **out, jy_err *err);

#endif
