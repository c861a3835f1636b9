/*
 * trace.h — the contact-tracing engine: who was exposed to a case, for how
 * long, first when, through whom, and where.
 *
 * A pure library (no database, no files, no HTTP).  The caller hands it two
 * kinds of evidence, loaded from wherever it lives (a CSV, the database):
 *
 *   - presence intervals (person, place, start, end): the person was at the
 *     place during [start, end).  A person's intervals at one place are merged
 *     first; the exposure of two people is the total overlap of their
 *     intervals at the same place, summed over places;
 *   - contact records (t, i, j), SocioPatterns style: i and j were in contact
 *     during [t, t + resolution).  The exposure of a pair is the length of the
 *     union of its records' intervals (a repeated record counts once,
 *     overlapping records are not counted twice).  i == j is ignored.
 *
 * When both are given, a pair's exposure is the sum of the two.
 *
 * trace_index_build() builds an immutable index once; trace_run() then
 * answers any number of traces, from any number of threads at once provided
 * each thread passes its own trace_work.
 *
 * Hops (time-respecting): the cases are hop 0, exposed from e = from.  For
 * hop h+1, a person k not reached yet is reached when the largest
 * exposure(j, k) over the people j of hop h is >= min_duration (and > 0),
 * where exposure(j, k) counts only time in [max(from, e_j), to).  `via` is
 * that j (ties: earliest first contact, then the smallest person id);
 * first_contact is the start of the earliest counted contact with via, and
 * e_k = first_contact.
 *
 * Ids are integers chosen by the caller: persons and places are numbered
 * 0..N-1 more or less densely (arrays are sized by the largest id, so a
 * database serial is fine, a hash is not).  Ties and the order of the result
 * use the numeric order of person ids: a caller whose ids are names (the
 * CLI) numbers them in the byte order of the names.  Times are integer
 * seconds (any epoch); the index stores them relative to the earliest one in
 * 32 bits, so the data may span at most 136 years.
 *
 * Errors follow util/err.h: 0 or a negative JY_E* code, details in jy_err.
 */
#ifndef JY_TRACE_H
#define JY_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* The place reported for exposure that comes from contact records. */
#define TRACE_PLACE_CONTACT UINT32_MAX

/* One presence interval: person at place during [start, end).  end == start
 * is an empty interval and is ignored; end < start is an error. */
typedef struct trace_presence {
	uint32_t person;
	uint32_t place;   /* < TRACE_PLACE_CONTACT */
	int64_t start;
	int64_t end;
} trace_presence;

/* One contact record: i and j in contact during [t, t + resolution). */
typedef struct trace_record {
	int64_t t;
	uint32_t i;
	uint32_t j;
} trace_record;

typedef struct trace_index trace_index;

/*
 * Build an index from presence intervals and contact records (either may be
 * empty: NULL and 0).  resolution (> 0) is the length of a contact record;
 * it is not used when there are no records.  The inputs are only read and
 * may be freed after the call.  *out is owned by the caller
 * (trace_index_free).
 *
 * Errors: JY_EINVAL for a bad interval or id (err names which input row,
 * 1-based), JY_ETOOBIG when the times span more than 2^32-2 seconds, ids are
 * far sparser than the data, or there are 2^32 intervals; JY_ENOMEM.
 */
int trace_index_build(const trace_presence *pres, size_t npres,
		      const trace_record *recs, size_t nrecs, int64_t resolution,
		      trace_index **out, jy_err *err);

/* Free an index; NULL is accepted. */
void trace_index_free(trace_index *ix);

/* What an index holds, for reports and benchmarks. */
typedef struct trace_index_stats {
	size_t persons;            /* largest person id + 1 */
	size_t places;             /* largest place id + 1 */
	size_t presence_in;        /* non-empty presence intervals given */
	size_t presence_intervals; /* after merging per person and place */
	size_t records_in;         /* contact records given (self pairs included) */
	size_t self_records;       /* records with i == j, ignored */
	size_t contact_runs;       /* per pair, maximal runs of overlapping records */
	size_t bytes;              /* memory held by the index */
	int64_t epoch;             /* the earliest time; stored times are relative */
} trace_index_stats;

void trace_index_stats_get(const trace_index *ix, trace_index_stats *st);

/* True (1) when the person has at least one interval or record. */
int trace_index_has_person(const trace_index *ix, uint32_t person);

/* A trace to run. */
typedef struct trace_query {
	const uint32_t *cases;  /* person ids; duplicates are ignored */
	size_t ncases;
	int64_t from, to;       /* the window [from, to); from < to */
	int64_t min_duration;   /* seconds, >= 0 */
	unsigned hops;          /* >= 1 */
	int want_places;        /* also say where each exposure happened */
} trace_query;

/* Where part of a reached person's exposure to `via` happened. */
typedef struct trace_place_time {
	uint32_t place;         /* TRACE_PLACE_CONTACT for contact records */
	int64_t seconds;        /* exposure to via at this place */
	int64_t first;          /* start of the earliest counted contact there */
} trace_place_time;

/* One reached person. */
typedef struct trace_hit {
	uint32_t person;
	uint32_t via;           /* the person of the previous hop (see above) */
	unsigned hop;           /* 1.. */
	int64_t exposure;       /* seconds of exposure to via */
	int64_t first_contact;  /* absolute time, = e of this person */
	size_t place_off;       /* its places are places[place_off ..  */
	size_t nplaces;         /*  .. place_off + nplaces), sorted by place */
} trace_hit;

/* The answer: reached persons sorted by hop ascending, exposure descending,
 * person ascending; the cases are not listed. */
typedef struct trace_result {
	trace_hit *hits;
	size_t nhits;
	trace_place_time *places;   /* only with want_places */
	size_t nplaces;
	uint32_t *unknown;          /* case ids with no data at all, in query order */
	size_t nunknown;
} trace_result;

void trace_result_free(trace_result *r);

/* Scratch memory for trace_run (O(persons)), reusable across runs and
 * indexes; one per thread.  trace_work_new returns NULL on ENOMEM. */
typedef struct trace_work trace_work;

trace_work *trace_work_new(void);
void trace_work_free(trace_work *w);

/*
 * Run a trace.  w may be NULL (a temporary one is used; pass one to run many
 * traces fast).  *out is owned by the caller (trace_result_free).  Case ids
 * the index has no data for are listed in (*out)->unknown, not an error.
 * No cases gives an empty result.  Errors: JY_EINVAL for a bad query
 * (from >= to, negative min_duration, hops == 0), JY_ENOMEM.
 */
int trace_run(const trace_index *ix, const trace_query *q, trace_work *w,
	      trace_result **out, jy_err *err);

#endif
