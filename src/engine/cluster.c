/*
 * cluster.c — see cluster.h.
 *
 * Per unit, the cases are sorted by day.  The count of distinct people in a
 * window only changes on days that have cases, so it is enough to test the
 * windows ending on each case day e (and [e-window+1, e]).  Qualifying
 * windows whose day ranges overlap or touch are merged into one episode.
 * The inputs are small (the cases of one code in one school over a few
 * weeks), so each window collects and de-duplicates its people directly.
 */
#include "engine/cluster.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static int cmp_case(const void *a, const void *b)
{
	const cluster_case *x = a, *y = b;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->person > y->person) - (x->person < y->person);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Sort and de-duplicate ids in place; returns the new length. */
static size_t uniq(int64_t *ids, size_t n)
{
	if (!n)
		return 0;
	qsort(ids, n, sizeof *ids, cmp_i64);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if (ids[i] != ids[k - 1])
			ids[k++] = ids[i];
	return k;
}

void cluster_hits_free(cluster_hit *hits, size_t n)
{
	if (!hits)
		return;
	for (size_t i = 0; i < n; i++)
		free(hits[i].people);
	free(hits);
}

int cluster_find(cluster_case *cases, size_t n, int window, int threshold, int32_t day_from,
		 int32_t day_to, cluster_hit **hits, size_t *nhits)
{
	*hits = NULL;
	*nhits = 0;
	if (window < 1 || threshold < 1)
		return -1;
	if (n == 0)
		return 0;
	qsort(cases, n, sizeof *cases, cmp_case);
	int64_t *buf = malloc(n * sizeof *buf);
	size_t cap = 0, nh = 0;
	cluster_hit *out = NULL;
	if (!buf)
		return -1;
	size_t u0 = 0;
	while (u0 < n) {
		size_t u1 = u0;
		while (u1 < n && cases[u1].unit == cases[u0].unit)
			u1++;
		/* The open episode of this unit, if any. */
		cluster_hit *cur = NULL;
		int32_t cur_end = 0;
		for (size_t i = u0; i < u1; i++) {
			int32_t e = cases[i].day;
			if (i + 1 < u1 && cases[i + 1].day == e)
				continue; /* test each day once, at its last case */
			if (e < day_from || e > day_to)
				continue;
			int32_t start = e - window + 1;
			size_t k = 0;
			int32_t first = e;
			for (size_t j = u0; j <= i; j++)
				if (cases[j].day >= start) {
					buf[k++] = cases[j].person;
					if (cases[j].day < first)
						first = cases[j].day;
				}
			k = uniq(buf, k);
			if (k < (size_t)threshold)
				continue;
			if (cur && start <= cur_end + 1) {
				/* Extend the episode: union of people. */
				int64_t *merged = malloc((cur->count + k) * sizeof *merged);
				if (!merged)
					goto oom;
				memcpy(merged, cur->people, cur->count * sizeof *merged);
				memcpy(merged + cur->count, buf, k * sizeof *merged);
				free(cur->people);
				cur->people = merged;
				cur->count = uniq(merged, cur->count + k);
				cur->last_day = e;
				if (first < cur->first_day)
					cur->first_day = first;
			} else {
				if (nh == cap) {
					cap = cap ? cap * 2 : 8;
					cluster_hit *grown = realloc(out, cap * sizeof *grown);
					if (!grown)
						goto oom;
					out = grown;
				}
				cur = &out[nh++];
				cur->unit = cases[u0].unit;
				cur->first_day = first;
				cur->last_day = e;
				cur->count = k;
				cur->people = malloc(k * sizeof *cur->people);
				if (!cur->people) {
					nh--;
					goto oom;
				}
				memcpy(cur->people, buf, k * sizeof *buf);
			}
			cur_end = e;
			assert(cur->count >= (size_t)threshold);
		}
		u0 = u1;
	}
	free(buf);
	*hits = out;
	*nhits = nh;
	return 0;
oom:
	free(buf);
	cluster_hits_free(out, nh);
	return -1;
}
