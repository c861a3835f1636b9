/*
 * presence.h — where people were: the presence model of a school over a
 * time window, from which contact tracing and the person timeline read
 * intervals (person, place, start, end).
 *
 * Sources: the weekly timetable (each class session puts the class's
 * present students in its room; a canteen lunch sitting is a timetable row
 * whose place is a canteen zone), dorm nights, clinic visits, stays in an
 * isolation or observation room, ad-hoc presence (assemblies, bus trips:
 * the presence table, entered through the API or imported) and direct
 * contact records (SocioPatterns, contact_record).  Times are Unix seconds;
 * timetable minutes and dates are China Standard Time (UTC+8).
 *
 * Persons get dense ids 0..N-1 in byte order of their numbers (学号/工号),
 * so the engine's ties and order are the byte order of numbers that
 * `jinyun trace --db` promises.  Places get dense ids in order of their
 * database ids.
 */
#ifndef JY_PRESENCE_H
#define JY_PRESENCE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/trace.h"
#include "store/cases.h"

/* The fixed times of derived presence (CST minutes from midnight). */
#define PRESENCE_DORM_START_MIN (22 * 60)       /* 22:00 the evening before */
#define PRESENCE_DORM_END_MIN (6 * 60 + 30)     /* 06:30 on the school day */
#define PRESENCE_CLINIC_VISIT_S 1800            /* a clinic visit lasts 30 minutes */
#define PRESENCE_GATE_S 120                     /* a gate passage: the queue, a minute either side */

/* Where an interval comes from. */
typedef enum presence_source {
	PRESENCE_TIMETABLE = 0,  /* a class session (lesson, lab, lunch sitting, self-study) */
	PRESENCE_DORM,           /* a night in the dorm room */
	PRESENCE_ADHOC,          /* the presence table: an event entered or imported */
	PRESENCE_CLINIC,         /* a clinic visit */
	PRESENCE_ISOLATION,      /* a stay in an isolation or observation room */
	PRESENCE_GATE,           /* a reading at a gate (infrared terminal or staff) */
} presence_source;

const char *presence_source_name(presence_source src);

typedef struct presence_model presence_model;

/*
 * Load what the school's presence in [from, to) is derived from: people,
 * places, timetable, the calendar, morning absences, clinic visits,
 * isolation stays, ad-hoc presence and contact records.  Nothing is
 * expanded yet.  *out is owned by the caller (presence_model_free).
 */
int presence_model_load(store *s, int64_t school_id, int64_t from, int64_t to,
			presence_model **out, jy_err *err);
void presence_model_free(presence_model *m);

int64_t presence_model_from(const presence_model *m);
int64_t presence_model_to(const presence_model *m);

/* Persons (dense ids in byte order of numbers). */
uint32_t presence_model_npersons(const presence_model *m);
int64_t presence_model_person_id(const presence_model *m, uint32_t person);
const char *presence_model_person_number(const presence_model *m, uint32_t person);
/* The person's name and class name ("" for none). */
const char *presence_model_person_name(const presence_model *m, uint32_t person);
const char *presence_model_person_class(const presence_model *m, uint32_t person);
/* Dense id of a database id: 0, or JY_ENOENT. */
int presence_model_find_person(const presence_model *m, int64_t person_id, uint32_t *person);

/* Places (dense ids). */
uint32_t presence_model_nplaces(const presence_model *m);
int64_t presence_model_place_id(const presence_model *m, uint32_t place);
const char *presence_model_place_kind(const presence_model *m, uint32_t place);
const char *presence_model_place_name(const presence_model *m, uint32_t place);

/* One derived interval, and a callback that receives them. */
typedef int (*presence_cb)(void *ctx, uint32_t person, uint32_t place, int64_t start, int64_t end,
			   presence_source src);

/*
 * Expand the intervals overlapping the window at the marked places (marks:
 * one byte per place, NULL: every place), or of one person only
 * (person_only != UINT32_MAX, marks ignored).  Intervals are not clipped; the callback returning non-zero stops the
 * walk (its value is returned).
 */
int presence_model_each(const presence_model *m, const unsigned char *marks, uint32_t person_only,
			presence_cb cb, void *ctx);

/* The same into a growing array for the engine.  *out (malloc'd, the
 * caller frees) and *n are replaced.  0 or JY_ENOMEM. */
int presence_model_intervals(const presence_model *m, const unsigned char *marks,
			     trace_presence **out, size_t *n, jy_err *err);

/* Time ranges per place (see presence_model_intervals_within): the ranges
 * of place p are r[off[p] .. off[p + 1]), sorted by start, not
 * overlapping; off has nplaces + 1 entries. */
typedef struct presence_ranges {
	const uint32_t *off;
	const int64_t (*r)[2];
} presence_ranges;

/* Like presence_model_intervals, but only the intervals that overlap one
 * of their place's ranges (a whole class session or dorm night is kept or
 * dropped at once). */
int presence_model_intervals_within(const presence_model *m, const presence_ranges *w,
				    trace_presence **out, size_t *n, jy_err *err);

/*
 * Where a set of persons may have been from their own time e[i] on (e may
 * be NULL: from the window's start): per class, its sessions from the
 * earliest e of its members; per dorm room, its nights from the earliest e
 * of its boarders; each person's own events.  A superset of their
 * intervals (absences are ignored), cheap to compute for a whole hop.
 * Starts are clipped to e; cb as for presence_model_each.
 */
int presence_model_spans(const presence_model *m, const uint32_t *persons, const int64_t *e,
			 size_t n, presence_cb cb, void *ctx);

/* The contact records of the window with dense person ids, all of one
 * resolution (*resolution; records of a coarser batch are split into
 * records of the finest one, which gives the same union). */
const trace_record *presence_model_records(const presence_model *m, size_t *n,
					   int64_t *resolution);

/* The shortest class session (seconds) at a classroom, lab, playground or
 * hall in the timetable; 0 when there is none. */
int64_t presence_model_shortest_session(const presence_model *m);

/* Parse a time: integer Unix seconds, or ISO 8601 `YYYY-MM-DD[T ]HH:MM[:SS]`
 * with an optional `Z` or `±HH[:MM]` (no zone = China Standard Time), or a
 * bare date (its midnight, CST).  0 or -1. */
int presence_parse_time(const char *s, int64_t *out);

#endif
