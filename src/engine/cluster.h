/*
 * cluster.h — finding clusters of cases: at least `threshold` distinct
 * people with the same code in one unit (a class, a dorm room, the school)
 * within `window` consecutive days.  A pure library: the domain loads the
 * cases and turns the hits into alerts.
 *
 * Consecutive qualifying windows of one unit are merged into one hit (one
 * outbreak episode): its people are the union of those windows' people,
 * first_day/last_day the earliest and latest case day among them.  So a
 * growing cluster stays one hit, which the domain keeps as one alert.
 */
#ifndef JY_CLUSTER_H
#define JY_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

typedef struct cluster_case {
	int64_t unit;      /* class id, dorm id, or 0 for the school */
	int32_t day;       /* day number (see util/date.h) */
	int64_t person;
} cluster_case;

typedef struct cluster_hit {
	int64_t unit;
	int32_t first_day, last_day;
	size_t count;      /* distinct people */
	int64_t *people;   /* count ids, ascending; owned by the hit array */
} cluster_hit;

/*
 * Find the hits among cases (any order; the array is sorted in place) whose
 * qualifying windows end on a day in [day_from, day_to].  *hits (malloc'd,
 * free with cluster_hits_free) and *nhits receive them, ordered by unit and
 * first day.  Returns 0, or -1 when out of memory or the arguments are
 * invalid (window < 1, threshold < 1).
 */
int cluster_find(cluster_case *cases, size_t n, int window, int threshold, int32_t day_from,
		 int32_t day_to, cluster_hit **hits, size_t *nhits);
void cluster_hits_free(cluster_hit *hits, size_t n);

#endif
