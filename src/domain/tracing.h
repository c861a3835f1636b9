/*
 * tracing.h — contact tracing over the database: the presence model
 * (presence.h) feeds the engine (engine/trace.h) hop by hop.
 *
 * Used by `jinyun trace --db` and POST /api/cases/{id}/trace.  The result
 * is the engine's, with persons and places mapped back to database ids and
 * numbers.  Close-contact criteria beyond exposure (same dorm room, same
 * class session) come from the disease settings (store/cases.h).
 */
#ifndef JY_TRACING_H
#define JY_TRACING_H

#include "domain/presence.h"

typedef struct tracing_query {
	const int64_t *cases;      /* person ids (database), hop 0 */
	size_t ncases;
	int64_t from, to;          /* [from, to), Unix seconds */
	int64_t min_duration;      /* seconds of cumulative exposure */
	unsigned hops;             /* 1..10 */
	int same_dorm;             /* a shared dorm night qualifies whatever its length */
	int same_class;            /* a shared class session likewise */
	int want_places;
} tracing_query;

typedef struct tracing_place {
	int64_t place_id;          /* 0 = contact records (sensors) */
	char kind[24];
	char name[96];
	int64_t seconds, first;
} tracing_place;

typedef struct tracing_hit {
	int64_t person_id, via_person_id;
	const char *number, *via_number;   /* owned by the result's model */
	const char *name, *class_name;
	unsigned hop;
	int64_t exposure, first_contact;
	const char *criterion;     /* "exposure", "same_dorm", "same_class" */
	size_t place_off, nplaces;
} tracing_hit;

typedef struct tracing_result {
	tracing_hit *hits;         /* engine order: hop, exposure desc, number */
	size_t nhits;
	tracing_place *places;
	size_t nplaces;
	int64_t *unknown;          /* case person ids with no presence in the window */
	size_t nunknown;
	/* what it cost */
	size_t intervals, records, stages;
	double load_ms, expand_ms, index_ms, run_ms;
	presence_model *model;     /* owned: numbers point into it */
} tracing_result;

/*
 * Trace the cases of one school.  Loads the presence model for the window,
 * then per hop expands only the places the frontier may have been at,
 * builds the engine's index and runs the engine (see tracing.c for why this
 * gives the same answer as expanding everything).  *out is owned by the
 * caller (tracing_result_free).  Errors: JY_EINVAL (bad query), the store's.
 */
int tracing_run(store *s, int64_t school_id, const tracing_query *q, tracing_result **out,
		jy_err *err);
/* The same on a model already loaded (it must cover the query's window);
 * the result does not own the model. */
int tracing_run_model(const presence_model *m, const tracing_query *q, tracing_result **out,
		      jy_err *err);
void tracing_result_free(tracing_result *r);

#endif
