/*
 * stagger.h — staggered use of a shared place (错峰安排): assign every class
 * to one (slot, zone) of a place so that no slot/zone holds more people than
 * its capacity, and classes mix as little as possible.  A pure library: the
 * domain (src/domain/stagger.c) loads classes, zones and dorm floors and
 * turns the plan into JSON or timetable rows.
 *
 * Definitions (the contract of every function here):
 *
 *   unit       one (slot, zone) pair.  Units u = slot * nzones + zone.
 *   capacity   people a zone holds at once, the same in every slot (the
 *              caller applies any density limit, m² per person, before).
 *   meet       two classes MEET when they are assigned the same slot AND the
 *              same zone.  Classes in different zones of one slot, or in one
 *              zone at different slots, do not meet.
 *   meets(i)   the number of distinct other classes class i meets, i.e. the
 *              classes in its unit minus one.  Σ_i meets(i) = Σ_u k_u(k_u−1)
 *              where k_u is the number of classes in unit u.
 *   linked     classes i and j are linked when they are of one group (grade)
 *              or their boarders share a dorm floor: they mix anyway.
 *   mixed(i)   of the classes i meets, those NOT linked to i: the new mixing
 *              the schedule causes.
 *
 * Objective, lexicographic: first minimise Σ meets(i) (the tracing load when
 * a class has a case), then Σ mixed(i) (so grade- and floor-mates go
 * together where possible).  Hard constraint: Σ people of a unit ≤ its
 * capacity.  A class is never split.
 *
 * stagger_solve is a local search (simulated annealing over moves and swaps,
 * then a full descent), not a greedy fill; stagger_greedy is the greedy
 * baseline a person would do by hand (fill slot 1's zones in roster order,
 * then slot 2 …); stagger_exact is an exhaustive branch and bound for small
 * instances; stagger_bound is a lower bound on Σ meets and max meets for any
 * instance.  Every plan a function returns as feasible has passed
 * stagger_verify, which recomputes all loads from the assignment alone.
 */
#ifndef JY_STAGGER_H
#define JY_STAGGER_H

#include <stddef.h>
#include <stdint.h>

#define STAGGER_MAX_CLASSES 4096
#define STAGGER_MAX_UNITS   4096

typedef struct stagger_class {
	int64_t id;	       /* the caller's id, not used by the engine */
	int people;	       /* > 0 */
	int64_t group;	       /* grade; classes with the same group are linked; < 0 = none */
	const int64_t *floors; /* dorm floors (any keys) of its boarders, ascending; may be NULL */
	size_t nfloors;
} stagger_class;

typedef struct stagger_input {
	const stagger_class *classes;
	size_t nclasses;
	const int *capacity; /* per zone, people at once (>= 0) */
	size_t nzones;
	size_t nslots;
	uint64_t seed; /* the search is deterministic for a seed */
	int effort;    /* 0 = default; search iterations scale with it (1–100) */
} stagger_input;

/* Why no schedule fits (stagger_shortage.reason). */
enum stagger_reason {
	STAGGER_FITS = 0,
	STAGGER_CLASS_TOO_BIG, /* a class has more people than the largest zone seats */
	STAGGER_SEATS,	       /* more people than seats × slots */
	STAGGER_COUNT,	 /* too many classes: even the smallest ones do not fit in the units */
	STAGGER_PACKING, /* the totals fit but no packing was found (not a proof) */
};

typedef struct stagger_shortage {
	int reason;		/* enum stagger_reason */
	int64_t people;		/* Σ people */
	int64_t seats_per_slot; /* Σ zone capacities */
	int64_t
	    seats_needed; /* seats per slot that would be enough for the people with these slots */
	int slots_needed; /* slots of this place that fit everyone (0 = no number of slots would) */
	size_t class_index; /* STAGGER_CLASS_TOO_BIG: the largest class */
	int largest_zone;   /* the largest zone's capacity */
} stagger_shortage;

typedef struct stagger_plan {
	int feasible; /* 1: every class placed, every unit within capacity */
	size_t nclasses, nslots, nzones;
	int *slot, *zone;		  /* per class; -1 when not feasible */
	int *meets, *mixed;		  /* per class (see above) */
	int *load;			  /* people per unit (slot * nzones + zone) */
	int *count;			  /* classes per unit */
	int64_t meets_total, mixed_total; /* Σ over classes */
	int meets_max;
	stagger_shortage shortage;
} stagger_plan;

/* A lower bound valid for every feasible plan. */
typedef struct stagger_lower {
	int64_t meets_total; /* Σ meets(i) ≥ this */
	int meets_max;	     /* max meets(i) ≥ this */
	int possible;	     /* 0: not even counts fit (so no plan exists) */
} stagger_lower;

/* Free a plan's arrays (NULL is fine); the struct itself is the caller's. */
void stagger_plan_free(stagger_plan *p);

/*
 * Solve in (see the definitions above).  Fills *out (free with
 * stagger_plan_free) and returns 0, whether or not a plan was found:
 * out->feasible says which, and out->shortage says what is short.
 * Returns -1 when in is invalid (no slots, no zones, a class without
 * people, too many classes or units) and -2 when out of memory; *out is
 * then empty.
 */
int stagger_solve(const stagger_input *in, stagger_plan *out);

/* The greedy baseline: classes in the given order, each into the first
 * unit (slot 1's zones in order, then slot 2 …) that still has room.  Same
 * returns as stagger_solve; shortage.reason is STAGGER_PACKING when it
 * leaves a class out. */
int stagger_greedy(const stagger_input *in, stagger_plan *out);

/* An exhaustive search that proves the optimum (same objective).  Returns
 * 0 with *out filled, -3 when the instance needs more than max_nodes search
 * nodes (then *out is empty), -1/-2 as above.  Meant for ≤ 12 classes. */
int stagger_exact(const stagger_input *in, long max_nodes, stagger_plan *out);

/* Lower bounds on Σ meets and max meets (counts under capacity: a unit
 * holds at most as many classes as its capacity takes of the smallest
 * ones; spread as evenly as that allows). */
void stagger_bound(const stagger_input *in, stagger_lower *out);

/*
 * Check an assignment (slot[i], zone[i] per class) against in from scratch:
 * every class in range, every unit's people ≤ its capacity.  0 when it
 * holds; otherwise -1, and *bad_unit (may be NULL) names the first unit
 * over capacity (or -1 for a class out of range).
 */
int stagger_verify(const stagger_input *in, const int *slot, const int *zone, int *bad_unit);

/* Evaluate an assignment into a plan (meets, mixed, loads, totals) and
 * verify it; used by every solver and by the tests.  Returns 0, -1 when the
 * assignment breaks capacity (plan filled, feasible 0), -2 out of memory. */
int stagger_evaluate(const stagger_input *in, const int *slot, const int *zone, stagger_plan *out);

#endif
