/*
 * stagger.c — see stagger.h for the definitions (unit, meet, linked,
 * mixed) and the objective.
 *
 * The solver works in three steps.
 *
 *  1. Is there room at all?  A class larger than the largest zone, more
 *     people than seats × slots, or more classes than the units can take
 *     even with the smallest classes (stagger_bound) are reported at once
 *     with what is short.  Then a feasible packing is searched: worst-fit
 *     decreasing (spreads people and classes), best-fit decreasing (packs
 *     tight), and if both fail a local search that moves and swaps classes
 *     to drive the overflow to zero.  When none is found the plan is
 *     reported infeasible as STAGGER_PACKING with the number of slots that
 *     does pack (a search result, not a proof; the other reasons are).
 *
 *  2. Simulated annealing from that packing, with the capacity as a hard
 *     constraint: a move (one class to another unit) or a swap (two
 *     classes of different units) is proposed at random and accepted by
 *     the Metropolis rule on cost = W·pairs + mixed, where pairs =
 *     Σ_u k_u(k_u−1)/2 (half of Σ meets) and mixed = unlinked pairs that
 *     meet (half of Σ mixed), and W exceeds any possible mixed, so the
 *     order of the objectives is kept.  The temperature falls geometrically
 *     from the scale of W (moves that change who meets are explored) to
 *     below 1 (only mixing is refined).  Several rounds restart from the
 *     best plan with a cooler start.
 *
 *  3. A full descent: every move and every swap is tried until none
 *     improves, so the result is a local optimum for both neighbourhoods.
 *
 * Deltas are O(1) with a table L[i][u] = classes in unit u linked to i,
 * kept up to date along each class's list of linked classes.  The plan is
 * then evaluated from scratch (stagger_evaluate) and verified
 * (stagger_verify): the incremental state is never trusted for capacity.
 */
#include "engine/stagger.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers --------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int rng_below(uint64_t *s, int n)
{
	return (int)(rng_next(s) % (uint64_t)n);
}

static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

static int linked(const stagger_class *a, const stagger_class *b)
{
	if (a->group >= 0 && a->group == b->group)
		return 1;
	size_t i = 0, j = 0;
	while (i < a->nfloors && j < b->nfloors) {
		if (a->floors[i] == b->floors[j])
			return 1;
		if (a->floors[i] < b->floors[j])
			i++;
		else
			j++;
	}
	return 0;
}

/* -1 invalid, 0 fine. */
static int check_input(const stagger_input *in)
{
	if (!in || in->nslots == 0 || in->nzones == 0 || !in->capacity)
		return -1;
	if (in->nclasses && !in->classes)
		return -1;
	if (in->nclasses > STAGGER_MAX_CLASSES || in->nslots > STAGGER_MAX_UNITS ||
	    in->nzones > STAGGER_MAX_UNITS || in->nslots * in->nzones > STAGGER_MAX_UNITS)
		return -1;
	if (in->nclasses * in->nslots * in->nzones > ((size_t)1 << 23))
		return -1;
	for (size_t z = 0; z < in->nzones; z++)
		if (in->capacity[z] < 0)
			return -1;
	for (size_t i = 0; i < in->nclasses; i++)
		if (in->classes[i].people <= 0 ||
		    (in->classes[i].nfloors && !in->classes[i].floors))
			return -1;
	return 0;
}

void stagger_plan_free(stagger_plan *p)
{
	if (!p)
		return;
	free(p->slot);
	free(p->zone);
	free(p->meets);
	free(p->mixed);
	free(p->load);
	free(p->count);
	memset(p, 0, sizeof *p);
}

static int plan_alloc(const stagger_input *in, stagger_plan *p)
{
	memset(p, 0, sizeof *p);
	size_t n = in->nclasses ? in->nclasses : 1, u = in->nslots * in->nzones;
	p->nclasses = in->nclasses;
	p->nslots = in->nslots;
	p->nzones = in->nzones;
	p->slot = malloc(n * sizeof *p->slot);
	p->zone = malloc(n * sizeof *p->zone);
	p->meets = calloc(n, sizeof *p->meets);
	p->mixed = calloc(n, sizeof *p->mixed);
	p->load = calloc(u, sizeof *p->load);
	p->count = calloc(u, sizeof *p->count);
	if (!p->slot || !p->zone || !p->meets || !p->mixed || !p->load || !p->count) {
		stagger_plan_free(p);
		return -2;
	}
	for (size_t i = 0; i < n; i++)
		p->slot[i] = p->zone[i] = -1;
	return 0;
}

/* ---- verification and evaluation ------------------------------------------------ */

int stagger_verify(const stagger_input *in, const int *slot, const int *zone, int *bad_unit)
{
	if (bad_unit)
		*bad_unit = -1;
	if (check_input(in))
		return -1;
	size_t units = in->nslots * in->nzones;
	int64_t *load = calloc(units, sizeof *load);
	if (!load)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < in->nclasses && !rc; i++) {
		if (slot[i] < 0 || (size_t)slot[i] >= in->nslots || zone[i] < 0 ||
		    (size_t)zone[i] >= in->nzones)
			rc = -1;
		else
			load[(size_t)slot[i] * in->nzones + (size_t)zone[i]] +=
			    in->classes[i].people;
	}
	for (size_t u = 0; u < units && !rc; u++)
		if (load[u] > in->capacity[u % in->nzones]) {
			rc = -1;
			if (bad_unit)
				*bad_unit = (int)u;
		}
	free(load);
	return rc;
}

int stagger_evaluate(const stagger_input *in, const int *slot, const int *zone, stagger_plan *out)
{
	if (check_input(in))
		return -1;
	if (plan_alloc(in, out))
		return -2;
	size_t n = in->nclasses, units = in->nslots * in->nzones;
	int *unit_of = malloc((n ? n : 1) * sizeof *unit_of);
	int *start = calloc(units + 1, sizeof *start);
	int *members = malloc((n ? n : 1) * sizeof *members);
	if (!unit_of || !start || !members) {
		free(unit_of);
		free(start);
		free(members);
		stagger_plan_free(out);
		return -2;
	}
	int placed_all = 1;
	for (size_t i = 0; i < n; i++) {
		int ok = slot[i] >= 0 && (size_t)slot[i] < in->nslots && zone[i] >= 0 &&
			 (size_t)zone[i] < in->nzones;
		unit_of[i] = ok ? slot[i] * (int)in->nzones + zone[i] : -1;
		out->slot[i] = ok ? slot[i] : -1;
		out->zone[i] = ok ? zone[i] : -1;
		if (!ok) {
			placed_all = 0;
			continue;
		}
		out->load[unit_of[i]] += in->classes[i].people;
		out->count[unit_of[i]]++;
	}
	/* Members of each unit, by counting sort. */
	for (size_t u = 0; u < units; u++)
		start[u + 1] = start[u] + out->count[u];
	int *fill = calloc(units, sizeof *fill);
	if (!fill) {
		free(unit_of);
		free(start);
		free(members);
		stagger_plan_free(out);
		return -2;
	}
	for (size_t i = 0; i < n; i++)
		if (unit_of[i] >= 0)
			members[start[unit_of[i]] + fill[unit_of[i]]++] = (int)i;
	free(fill);
	for (size_t u = 0; u < units; u++)
		for (int a = start[u]; a < start[u + 1]; a++) {
			int i = members[a];
			out->meets[i] = out->count[u] - 1;
			for (int b = start[u]; b < start[u + 1]; b++)
				if (b != a && !linked(&in->classes[i], &in->classes[members[b]]))
					out->mixed[i]++;
		}
	for (size_t i = 0; i < n; i++) {
		out->meets_total += out->meets[i];
		out->mixed_total += out->mixed[i];
		if (out->meets[i] > out->meets_max)
			out->meets_max = out->meets[i];
	}
	free(unit_of);
	free(start);
	free(members);
	out->feasible = placed_all && stagger_verify(in, out->slot, out->zone, NULL) == 0;
	return out->feasible ? 0 : -1;
}

/* ---- lower bound ---------------------------------------------------------------- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* m[u]: how many of the smallest classes fit in each unit.  Returns -2 when
 * out of memory. */
static int unit_max_counts(const stagger_input *in, int *m)
{
	size_t n = in->nclasses;
	int *sizes = malloc((n ? n : 1) * sizeof *sizes);
	if (!sizes)
		return -2;
	for (size_t i = 0; i < n; i++)
		sizes[i] = in->classes[i].people;
	qsort(sizes, n, sizeof *sizes, cmp_int);
	for (size_t z = 0; z < in->nzones; z++) {
		int64_t sum = 0;
		int k = 0;
		while ((size_t)k < n && sum + sizes[k] <= in->capacity[z])
			sum += sizes[k++];
		for (size_t t = 0; t < in->nslots; t++)
			m[t * in->nzones + z] = k;
	}
	free(sizes);
	return 0;
}

/* Σ min(m_u, level). */
static int64_t fill_at(const int *m, size_t units, int level)
{
	int64_t s = 0;
	for (size_t u = 0; u < units; u++)
		s += m[u] < level ? m[u] : level;
	return s;
}

void stagger_bound(const stagger_input *in, stagger_lower *out)
{
	memset(out, 0, sizeof *out);
	out->possible = 1;
	if (check_input(in) || in->nclasses == 0)
		return;
	size_t units = in->nslots * in->nzones;
	int64_t n = (int64_t)in->nclasses;
	int *m = malloc(units * sizeof *m);
	if (!m || unit_max_counts(in, m)) {
		free(m);
		return; /* a bound of 0 is still a bound */
	}
	if (fill_at(m, units, (int)n) < n) {
		out->possible = 0;
		free(m);
		return;
	}
	/* The smallest level L with Σ min(m_u, L) ≥ n: every unit up to
	 * L−1 (as far as it can), the rest of the classes one more each. */
	int lo = 1, hi = (int)n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (fill_at(m, units, mid) >= n)
			hi = mid;
		else
			lo = mid + 1;
	}
	int level = lo;
	int64_t below = fill_at(m, units, level - 1), extra = n - below, total = 0;
	for (size_t u = 0; u < units; u++) {
		int64_t k = m[u] < level - 1 ? m[u] : level - 1;
		total += k * (k - 1);
	}
	/* Each of the extra classes lifts a unit from L−1 to L: 2(L−1) more. */
	total += extra * 2 * (int64_t)(level - 1);
	out->meets_total = total;
	out->meets_max = (extra > 0 ? level : level - 1) - 1;
	if (out->meets_max < 0)
		out->meets_max = 0;
	free(m);
}

/* ---- search state ------------------------------------------------------------ */

typedef struct state {
	const stagger_input *in;
	int n, units, zones;
	const int *people;
	int *cap;	      /* per unit */
	int *a;		      /* unit of each class */
	int *k, *load;	      /* per unit */
	int *L;		      /* n × units: classes in unit u linked to i */
	unsigned char *lk;    /* n × n: linked */
	int *adj, *adj_start; /* linked classes of each class */
	int64_t pairs, mixed, over;
} state;

static void state_free(state *s)
{
	free(s->cap);
	free(s->a);
	free(s->k);
	free(s->load);
	free(s->L);
	free(s->lk);
	free(s->adj);
	free(s->adj_start);
	free((void *)s->people);
	memset(s, 0, sizeof *s);
}

/* Allocate the state for in (the links and capacities); no assignment yet. */
static int state_new(state *s, const stagger_input *in)
{
	memset(s, 0, sizeof *s);
	s->in = in;
	s->n = (int)in->nclasses;
	s->zones = (int)in->nzones;
	s->units = (int)(in->nslots * in->nzones);
	size_t n = (size_t)(s->n ? s->n : 1), units = (size_t)s->units;
	int *people = malloc(n * sizeof *people);
	s->people = people;
	s->cap = malloc(units * sizeof *s->cap);
	s->a = malloc(n * sizeof *s->a);
	s->k = calloc(units, sizeof *s->k);
	s->load = calloc(units, sizeof *s->load);
	s->L = calloc(n * units, sizeof *s->L);
	s->lk = calloc(n * n, 1);
	s->adj_start = calloc(n + 1, sizeof *s->adj_start);
	if (!people || !s->cap || !s->a || !s->k || !s->load || !s->L || !s->lk || !s->adj_start) {
		state_free(s);
		return -2;
	}
	for (int i = 0; i < s->n; i++)
		people[i] = in->classes[i].people;
	for (int u = 0; u < s->units; u++)
		s->cap[u] = in->capacity[u % s->zones];
	size_t edges = 0;
	for (int i = 0; i < s->n; i++)
		for (int j = i + 1; j < s->n; j++)
			if (linked(&in->classes[i], &in->classes[j])) {
				s->lk[(size_t)i * n + (size_t)j] =
				    s->lk[(size_t)j * n + (size_t)i] = 1;
				edges += 2;
			}
	s->adj = malloc((edges ? edges : 1) * sizeof *s->adj);
	if (!s->adj) {
		state_free(s);
		return -2;
	}
	size_t e = 0;
	for (int i = 0; i < s->n; i++) {
		s->adj_start[i] = (int)e;
		for (int j = 0; j < s->n; j++)
			if (s->lk[(size_t)i * n + (size_t)j])
				s->adj[e++] = j;
	}
	s->adj_start[s->n] = (int)e;
	return 0;
}

static int over_of(int load, int cap)
{
	return load > cap ? load - cap : 0;
}

/* Take the assignment a[] (every class in a unit) and recompute everything. */
static void state_set(state *s, const int *a)
{
	size_t units = (size_t)s->units;
	memcpy(s->a, a, (size_t)s->n * sizeof *a);
	memset(s->k, 0, units * sizeof *s->k);
	memset(s->load, 0, units * sizeof *s->load);
	memset(s->L, 0, (size_t)(s->n ? s->n : 1) * units * sizeof *s->L);
	for (int i = 0; i < s->n; i++) {
		s->k[a[i]]++;
		s->load[a[i]] += s->people[i];
		for (int e = s->adj_start[i]; e < s->adj_start[i + 1]; e++)
			s->L[(size_t)s->adj[e] * units + (size_t)a[i]]++;
	}
	s->pairs = s->mixed = s->over = 0;
	for (int u = 0; u < s->units; u++) {
		s->pairs += (int64_t)s->k[u] * (s->k[u] - 1) / 2;
		s->over += over_of(s->load[u], s->cap[u]);
	}
	int64_t m2 = 0;
	for (int i = 0; i < s->n; i++)
		m2 += s->k[a[i]] - 1 - s->L[(size_t)i * units + (size_t)a[i]];
	s->mixed = m2 / 2;
}

static inline int Lof(const state *s, int i, int u)
{
	return s->L[(size_t)i * (size_t)s->units + (size_t)u];
}

static inline int lk(const state *s, int i, int j)
{
	return s->lk[(size_t)i * (size_t)(s->n ? s->n : 1) + (size_t)j];
}

/* Deltas of moving class i to unit b (b != a[i]). */
static void delta_move(const state *s, int i, int b, int64_t *dp, int64_t *dm, int64_t *dover)
{
	int a = s->a[i], p = s->people[i];
	*dp = s->k[b] - (s->k[a] - 1);
	*dm = (s->k[b] - Lof(s, i, b)) - (s->k[a] - 1 - Lof(s, i, a));
	*dover = over_of(s->load[a] - p, s->cap[a]) + over_of(s->load[b] + p, s->cap[b]) -
		 over_of(s->load[a], s->cap[a]) - over_of(s->load[b], s->cap[b]);
}

/* Deltas of swapping classes i and j (in different units). */
static void delta_swap(const state *s, int i, int j, int64_t *dm, int64_t *dover)
{
	int a = s->a[i], b = s->a[j], l = lk(s, i, j);
	int pi = s->people[i], pj = s->people[j];
	*dm = (int64_t)(s->k[b] - 1 - (Lof(s, i, b) - l)) + (s->k[a] - 1 - (Lof(s, j, a) - l)) -
	      (s->k[a] - 1 - Lof(s, i, a)) - (s->k[b] - 1 - Lof(s, j, b));
	*dover = over_of(s->load[a] - pi + pj, s->cap[a]) +
		 over_of(s->load[b] - pj + pi, s->cap[b]) - over_of(s->load[a], s->cap[a]) -
		 over_of(s->load[b], s->cap[b]);
}

static void do_move(state *s, int i, int b)
{
	int a = s->a[i], p = s->people[i];
	if (a == b)
		return;
	int64_t dp, dm, dover;
	delta_move(s, i, b, &dp, &dm, &dover);
	s->pairs += dp;
	s->mixed += dm;
	s->over += dover;
	s->k[a]--;
	s->k[b]++;
	s->load[a] -= p;
	s->load[b] += p;
	size_t units = (size_t)s->units;
	for (int e = s->adj_start[i]; e < s->adj_start[i + 1]; e++) {
		int j = s->adj[e];
		s->L[(size_t)j * units + (size_t)a]--;
		s->L[(size_t)j * units + (size_t)b]++;
	}
	s->a[i] = b;
}

static void do_swap(state *s, int i, int j)
{
	int a = s->a[i], b = s->a[j];
	do_move(s, i, b);
	do_move(s, j, a);
}

/* ---- finding a packing ----------------------------------------------------------- */

typedef struct by_size {
	int people, index;
} by_size;

static int cmp_desc(const void *x, const void *y)
{
	const by_size *a = x, *b = y;
	if (a->people != b->people)
		return b->people - a->people;
	return a->index - b->index;
}

/* Largest first into the unit with the most room (worst fit) or the least
 * room that still fits (best fit).  With force, a class that fits nowhere
 * goes to the unit with the most room anyway.  Returns the classes left
 * out (0 = a packing). */
static int pack_decreasing(const state *s, const by_size *order, int best_fit, int force, int *a)
{
	int *room = malloc((size_t)s->units * sizeof *room);
	int *cnt = calloc((size_t)s->units, sizeof *cnt);
	if (!room || !cnt) {
		free(room);
		free(cnt);
		return s->n ? s->n : 1;
	}
	for (int u = 0; u < s->units; u++)
		room[u] = s->cap[u];
	int left = 0;
	for (int r = 0; r < s->n; r++) {
		int i = order[r].index, p = order[r].people, pick = -1, most = 0;
		for (int u = 0; u < s->units; u++) {
			if (most == 0 || room[u] > room[most - 1])
				most = u + 1;
			if (room[u] < p)
				continue;
			if (pick < 0 || (best_fit ? room[u] < room[pick] : room[u] > room[pick]) ||
			    (room[u] == room[pick] && cnt[u] < cnt[pick]))
				pick = u;
		}
		if (pick < 0) {
			left++;
			if (!force)
				continue;
			pick = most - 1;
		}
		room[pick] -= p;
		cnt[pick]++;
		a[i] = pick;
	}
	free(room);
	free(cnt);
	return left;
}

/* Local search on the overflow alone, from a forced packing.  0 when it
 * reaches a packing (left in s). */
static int repair(state *s, uint64_t *rng, long iterations)
{
	if (s->over == 0)
		return 0;
	double temp = 4.0, factor = pow(0.05 / 4.0, 1.0 / (double)iterations);
	for (long it = 0; it < iterations && s->over > 0; it++, temp *= factor) {
		int i = rng_below(rng, s->n);
		int64_t dp, dm, dover;
		if (rng_unit(rng) < 0.5) {
			int b = rng_below(rng, s->units);
			if (b == s->a[i])
				continue;
			delta_move(s, i, b, &dp, &dm, &dover);
			if (dover <= 0 || rng_unit(rng) < exp(-(double)dover / temp))
				do_move(s, i, b);
		} else {
			int j = rng_below(rng, s->n);
			if (s->a[j] == s->a[i])
				continue;
			delta_swap(s, i, j, &dm, &dover);
			if (dover <= 0 || rng_unit(rng) < exp(-(double)dover / temp))
				do_swap(s, i, j);
		}
	}
	return s->over == 0 ? 0 : -1;
}

/* A feasible assignment into s (0), or -1 when none was found, -2 OOM. */
static int find_packing(state *s, uint64_t *rng, int effort)
{
	by_size *order = malloc((size_t)(s->n ? s->n : 1) * sizeof *order);
	int *a = malloc((size_t)(s->n ? s->n : 1) * sizeof *a);
	if (!order || !a) {
		free(order);
		free(a);
		return -2;
	}
	for (int i = 0; i < s->n; i++)
		order[i] = (by_size){s->people[i], i};
	qsort(order, (size_t)s->n, sizeof *order, cmp_desc);
	int rc = -1;
	for (int best_fit = 0; best_fit < 2 && rc; best_fit++) {
		if (pack_decreasing(s, order, best_fit, 0, a) == 0) {
			state_set(s, a);
			rc = 0;
		}
	}
	long iterations = 200L * (s->n + 10) * effort;
	for (int round = 0; round < 3 && rc; round++) {
		pack_decreasing(s, order, round & 1, 1, a);
		state_set(s, a);
		rc = repair(s, rng, iterations);
	}
	free(order);
	free(a);
	return rc;
}

/* ---- optimising ---------------------------------------------------------------- */

static int better(int64_t p1, int64_t m1, int64_t p2, int64_t m2)
{
	return p1 < p2 || (p1 == p2 && m1 < m2);
}

/* Simulated annealing with capacity hard, from the packing in s; the best
 * assignment seen goes to best[] (with its pairs and mixed). */
static void anneal(state *s, uint64_t *rng, long iterations, double t_start, double t_end, double w,
		   int *best, int64_t *best_pairs, int64_t *best_mixed)
{
	double temp = t_start, factor = pow(t_end / t_start, 1.0 / (double)iterations);
	for (long it = 0; it < iterations; it++, temp *= factor) {
		int i = rng_below(rng, s->n);
		int64_t dp = 0, dm, dover;
		int j = -1, b = -1;
		if (rng_unit(rng) < 0.5) {
			b = rng_below(rng, s->units);
			if (b == s->a[i] || s->load[b] + s->people[i] > s->cap[b])
				continue;
			delta_move(s, i, b, &dp, &dm, &dover);
		} else {
			j = rng_below(rng, s->n);
			int ai = s->a[i], aj = s->a[j];
			if (ai == aj || s->load[ai] - s->people[i] + s->people[j] > s->cap[ai] ||
			    s->load[aj] - s->people[j] + s->people[i] > s->cap[aj])
				continue;
			delta_swap(s, i, j, &dm, &dover);
		}
		double d = (double)dp * w + (double)dm;
		if (d > 0 && rng_unit(rng) >= exp(-d / temp))
			continue;
		if (j >= 0)
			do_swap(s, i, j);
		else
			do_move(s, i, b);
		assert(s->over == 0);
		if (better(s->pairs, s->mixed, *best_pairs, *best_mixed)) {
			*best_pairs = s->pairs;
			*best_mixed = s->mixed;
			memcpy(best, s->a, (size_t)s->n * sizeof *best);
		}
	}
}

/* Apply improving moves and swaps until none is left. */
static void descend(state *s)
{
	int improved = 1;
	while (improved) {
		improved = 0;
		for (int i = 0; i < s->n; i++)
			for (int b = 0; b < s->units; b++) {
				if (b == s->a[i] || s->load[b] + s->people[i] > s->cap[b])
					continue;
				int64_t dp, dm, dover;
				delta_move(s, i, b, &dp, &dm, &dover);
				if (dp < 0 || (dp == 0 && dm < 0)) {
					do_move(s, i, b);
					improved = 1;
				}
			}
		for (int i = 0; i < s->n; i++)
			for (int j = i + 1; j < s->n; j++) {
				int ai = s->a[i], aj = s->a[j];
				if (ai == aj ||
				    s->load[ai] - s->people[i] + s->people[j] > s->cap[ai] ||
				    s->load[aj] - s->people[j] + s->people[i] > s->cap[aj])
					continue;
				int64_t dm, dover;
				delta_swap(s, i, j, &dm, &dover);
				if (dm < 0) {
					do_swap(s, i, j);
					improved = 1;
				}
			}
	}
}

/* ---- what is short --------------------------------------------------------------- */

/* Does a packing exist (as far as find_packing finds) with nslots slots? */
static int packs_with(const stagger_input *in, size_t nslots, uint64_t seed)
{
	stagger_input t = *in;
	t.nslots = nslots;
	if (check_input(&t))
		return 0;
	stagger_lower lb;
	stagger_bound(&t, &lb);
	if (!lb.possible)
		return 0;
	state s;
	if (state_new(&s, &t))
		return 0;
	uint64_t rng = seed;
	int ok = find_packing(&s, &rng, 1) == 0;
	state_free(&s);
	return ok;
}

static void diagnose(const stagger_input *in, stagger_shortage *sh, int packing_failed)
{
	memset(sh, 0, sizeof *sh);
	int64_t people = 0, seats = 0;
	int largest = 0, biggest = 0;
	size_t big_i = 0;
	for (size_t z = 0; z < in->nzones; z++) {
		seats += in->capacity[z];
		if (in->capacity[z] > largest)
			largest = in->capacity[z];
	}
	for (size_t i = 0; i < in->nclasses; i++) {
		people += in->classes[i].people;
		if (in->classes[i].people > biggest) {
			biggest = in->classes[i].people;
			big_i = i;
		}
	}
	sh->people = people;
	sh->seats_per_slot = seats;
	sh->largest_zone = largest;
	sh->class_index = big_i;
	sh->seats_needed = (people + (int64_t)in->nslots - 1) / (int64_t)in->nslots;
	stagger_lower lb;
	stagger_bound(in, &lb);
	if (biggest > largest) {
		sh->reason = STAGGER_CLASS_TOO_BIG;
		sh->slots_needed = 0; /* a class is never split: more slots do not help */
		return;
	}
	if (people > seats * (int64_t)in->nslots)
		sh->reason = STAGGER_SEATS;
	else if (!lb.possible)
		sh->reason = STAGGER_COUNT;
	else if (packing_failed)
		sh->reason = STAGGER_PACKING;
	else
		return;
	/* The fewest slots that pack: at least what the seats need; with one
	 * class per slot in the largest zone everything fits, so the search
	 * ends by nclasses slots. */
	size_t from = seats > 0 ? (size_t)((people + seats - 1) / seats) : 1;
	if (from <= in->nslots)
		from = in->nslots + 1;
	size_t limit = in->nclasses > from ? in->nclasses : from;
	for (size_t t = from, tries = 0; t <= limit && tries < 64; t++, tries++) {
		if (t * in->nzones > STAGGER_MAX_UNITS)
			break;
		if (packs_with(in, t, in->seed + t)) {
			sh->slots_needed = (int)t;
			return;
		}
	}
}

/* ---- entry points ------------------------------------------------------------------ */

static int infeasible(const stagger_input *in, stagger_plan *out, int packing_failed)
{
	if (plan_alloc(in, out))
		return -2;
	diagnose(in, &out->shortage, packing_failed);
	if (out->shortage.reason == STAGGER_FITS)
		out->shortage.reason = STAGGER_PACKING;
	out->feasible = 0;
	return 0;
}

int stagger_solve(const stagger_input *in, stagger_plan *out)
{
	memset(out, 0, sizeof *out);
	if (check_input(in))
		return -1;
	if (in->nclasses == 0)
		return plan_alloc(in, out) ? -2 : (out->feasible = 1, 0);
	stagger_shortage quick;
	diagnose(in, &quick, 0);
	if (quick.reason != STAGGER_FITS)
		return infeasible(in, out, 0);
	state s;
	if (state_new(&s, in))
		return -2;
	uint64_t rng = in->seed ? in->seed : 0x5eed;
	int effort = in->effort > 0 ? (in->effort > 100 ? 100 : in->effort) : 10;
	int rc = find_packing(&s, &rng, effort);
	if (rc) {
		state_free(&s);
		return rc == -2 ? -2 : infeasible(in, out, 1);
	}
	int *best = malloc((size_t)s.n * sizeof *best);
	if (!best) {
		state_free(&s);
		return -2;
	}
	memcpy(best, s.a, (size_t)s.n * sizeof *best);
	int64_t best_pairs = s.pairs, best_mixed = s.mixed;
	/* W exceeds any possible number of mixed pairs. */
	double w = (double)s.n * (double)(s.n - 1) / 2.0 + 1.0;
	long iterations = (long)effort * 200L * (s.n < 30 ? 30 : s.n);
	static const double starts[] = {1.0, 0.3, 0.05};
	for (int round = 0; round < 3; round++) {
		if (round > 0)
			state_set(&s, best);
		anneal(&s, &rng, iterations, w * starts[round], 0.2, w, best, &best_pairs,
		       &best_mixed);
	}
	state_set(&s, best);
	descend(&s);
	memcpy(best, s.a, (size_t)s.n * sizeof *best);
	int *slot = malloc((size_t)s.n * sizeof *slot), *zone = malloc((size_t)s.n * sizeof *zone);
	if (!slot || !zone) {
		free(slot);
		free(zone);
		free(best);
		state_free(&s);
		return -2;
	}
	for (int i = 0; i < s.n; i++) {
		slot[i] = best[i] / s.zones;
		zone[i] = best[i] % s.zones;
	}
	int64_t pairs = s.pairs, mixed = s.mixed;
	state_free(&s);
	free(best);
	rc = stagger_evaluate(in, slot, zone, out);
	free(slot);
	free(zone);
	if (rc == -2)
		return -2;
	/* The incremental bookkeeping must agree with the evaluation from scratch. */
	assert(rc == 0 && out->feasible);
	assert(out->meets_total == 2 * pairs && out->mixed_total == 2 * mixed);
	(void)pairs;
	(void)mixed;
	return rc == 0 ? 0 : -1;
}

int stagger_greedy(const stagger_input *in, stagger_plan *out)
{
	memset(out, 0, sizeof *out);
	if (check_input(in))
		return -1;
	size_t n = in->nclasses, units = in->nslots * in->nzones;
	int *slot = malloc((n ? n : 1) * sizeof *slot), *zone = malloc((n ? n : 1) * sizeof *zone);
	int64_t *load = calloc(units, sizeof *load);
	if (!slot || !zone || !load) {
		free(slot);
		free(zone);
		free(load);
		return -2;
	}
	int left = 0;
	slot[0] = zone[0] = -1;
	for (size_t i = 0; i < n; i++) {
		slot[i] = zone[i] = -1;
		for (size_t u = 0; u < units; u++)
			if (load[u] + in->classes[i].people <= in->capacity[u % in->nzones]) {
				load[u] += in->classes[i].people;
				slot[i] = (int)(u / in->nzones);
				zone[i] = (int)(u % in->nzones);
				break;
			}
		left += slot[i] < 0;
	}
	free(load);
	int rc = stagger_evaluate(in, slot, zone, out);
	free(slot);
	free(zone);
	if (rc == -2)
		return -2;
	if (left) {
		diagnose(in, &out->shortage, 1);
		if (out->shortage.reason == STAGGER_FITS)
			out->shortage.reason = STAGGER_PACKING;
	}
	return 0;
}

/* ---- exact search ---------------------------------------------------------------- */

typedef struct exact {
	const state *s;
	const int *order; /* classes, largest first */
	int *a, *k, *load;
	int *members; /* units × n */
	long nodes, max_nodes;
	int aborted, found;
	int64_t best_pairs, best_mixed;
	int *best;
	int *tmp; /* units, for the bound */
} exact;

/* Fewest pairs r more classes can add to counts k (capacity ignored). */
static int64_t pairs_bound(exact *x, int r)
{
	int units = x->s->units;
	memcpy(x->tmp, x->k, (size_t)units * sizeof *x->tmp);
	int64_t add = 0;
	for (int c = 0; c < r; c++) {
		int m = 0;
		for (int u = 1; u < units; u++)
			if (x->tmp[u] < x->tmp[m])
				m = u;
		add += x->tmp[m]++;
	}
	return add;
}

static void exact_dfs(exact *x, int depth, int64_t pairs, int64_t mixed)
{
	const state *s = x->s;
	if (x->aborted)
		return;
	if (++x->nodes > x->max_nodes) {
		x->aborted = 1;
		return;
	}
	if (depth == s->n) {
		if (!x->found || better(pairs, mixed, x->best_pairs, x->best_mixed)) {
			x->found = 1;
			x->best_pairs = pairs;
			x->best_mixed = mixed;
			memcpy(x->best, x->a, (size_t)s->n * sizeof *x->best);
		}
		return;
	}
	int i = x->order[depth], p = s->people[i];
	for (int u = 0; u < s->units; u++) {
		int t = u / s->zones;
		/* Slots of a zone are interchangeable: open an empty one only
		 * after the one before it. */
		if (x->k[u] == 0 && t > 0 && x->k[u - s->zones] == 0)
			continue;
		if (x->load[u] + p > s->cap[u])
			continue;
		int unl = 0;
		for (int m = 0; m < x->k[u]; m++)
			unl += !lk(s, i, x->members[(size_t)u * (size_t)s->n + (size_t)m]);
		int64_t np = pairs + x->k[u], nm = mixed + unl;
		x->members[(size_t)u * (size_t)s->n + (size_t)x->k[u]] = i;
		x->k[u]++;
		x->load[u] += p;
		x->a[i] = u;
		int64_t lbp = np + pairs_bound(x, s->n - depth - 1);
		if (!x->found || lbp < x->best_pairs ||
		    (lbp == x->best_pairs && nm < x->best_mixed))
			exact_dfs(x, depth + 1, np, nm);
		x->k[u]--;
		x->load[u] -= p;
	}
}

int stagger_exact(const stagger_input *in, long max_nodes, stagger_plan *out)
{
	memset(out, 0, sizeof *out);
	if (check_input(in))
		return -1;
	if (in->nclasses == 0)
		return plan_alloc(in, out) ? -2 : (out->feasible = 1, 0);
	state s;
	if (state_new(&s, in))
		return -2;
	exact x;
	memset(&x, 0, sizeof x);
	x.s = &s;
	x.max_nodes = max_nodes > 0 ? max_nodes : 1;
	size_t n = (size_t)s.n, units = (size_t)s.units;
	by_size *bs = malloc(n * sizeof *bs);
	int *order = malloc(n * sizeof *order);
	x.a = malloc(n * sizeof *x.a);
	x.k = calloc(units, sizeof *x.k);
	x.load = calloc(units, sizeof *x.load);
	x.members = malloc(units * n * sizeof *x.members);
	x.best = malloc(n * sizeof *x.best);
	x.tmp = malloc(units * sizeof *x.tmp);
	int rc = 0;
	if (!bs || !order || !x.a || !x.k || !x.load || !x.members || !x.best || !x.tmp) {
		rc = -2;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		bs[i] = (by_size){s.people[i], (int)i};
	qsort(bs, n, sizeof *bs, cmp_desc);
	for (size_t i = 0; i < n; i++)
		order[i] = bs[i].index;
	x.order = order;
	exact_dfs(&x, 0, 0, 0);
	if (x.aborted) {
		rc = -3;
		goto out;
	}
	if (!x.found) {
		rc = infeasible(in, out, 1);
		goto out;
	}
	int *slot = malloc(n * sizeof *slot), *zone = malloc(n * sizeof *zone);
	if (!slot || !zone) {
		free(slot);
		free(zone);
		rc = -2;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		slot[i] = x.best[i] / s.zones;
		zone[i] = x.best[i] % s.zones;
	}
	rc = stagger_evaluate(in, slot, zone, out);
	free(slot);
	free(zone);
	if (rc == -1)
		rc = 0; /* cannot happen: every branch respects capacity */
out:
	state_free(&s);
	free(bs);
	free(order);
	free(x.a);
	free(x.k);
	free(x.load);
	free(x.members);
	free(x.best);
	free(x.tmp);
	return rc;
}
