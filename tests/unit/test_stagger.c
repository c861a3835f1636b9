/*
 * test_stagger.c — the staggering engine (src/engine/stagger.c): capacity is
 * never exceeded on random instances (checked from the assignment alone),
 * infeasible instances are reported with what is short, the local search
 * finds the optimum an exhaustive search proves on small instances, it
 * never does worse than the greedy baseline, and the lower bound holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/stagger.h"

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int below(int n)
{
	return (int)(rnd() % (uint64_t)n);
}

/* A random instance; floors point into a static pool. */
typedef struct inst {
	stagger_class classes[200];
	int64_t floors[200][2];
	int capacity[8];
	stagger_input in;
} inst;

static void make(inst *x, int n, int zones, int slots, int groups, int floors_pool)
{
	memset(x, 0, sizeof *x);
	for (int i = 0; i < n; i++) {
		stagger_class *c = &x->classes[i];
		c->id = i + 1;
		c->people = 30 + below(21);
		c->group = groups ? below(groups) : -1;
		if (floors_pool) {
			int64_t f1 = below(floors_pool), f2 = below(floors_pool);
			x->floors[i][0] = f1 < f2 ? f1 : f2;
			x->floors[i][1] = f1 < f2 ? f2 : f1;
			c->floors = x->floors[i];
			c->nfloors = f1 == f2 ? 1 : 2;
		}
	}
	x->in.classes = x->classes;
	x->in.nclasses = (size_t)n;
	x->in.capacity = x->capacity;
	x->in.nzones = (size_t)zones;
	x->in.nslots = (size_t)slots;
	x->in.seed = 7;
}

/* Everything a feasible plan must satisfy, recomputed here. */
static void check_plan(const inst *x, const stagger_plan *p)
{
	assert_true(p->feasible);
	assert_int_equal(stagger_verify(&x->in, p->slot, p->zone, NULL), 0);
	int load[64] = {0}, count[64] = {0};
	size_t Z = x->in.nzones;
	for (size_t i = 0; i < x->in.nclasses; i++) {
		assert_true(p->slot[i] >= 0 && (size_t)p->slot[i] < x->in.nslots);
		assert_true(p->zone[i] >= 0 && (size_t)p->zone[i] < Z);
		size_t u = (size_t)p->slot[i] * Z + (size_t)p->zone[i];
		load[u] += x->classes[i].people;
		count[u]++;
	}
	int64_t total = 0;
	for (size_t u = 0; u < x->in.nslots * Z; u++) {
		assert_true(load[u] <= x->capacity[u % Z]);
		assert_int_equal(load[u], p->load[u]);
		total += (int64_t)count[u] * (count[u] - 1);
	}
	assert_int_equal(total, p->meets_total);
	for (size_t i = 0; i < x->in.nclasses; i++) {
		size_t u = (size_t)p->slot[i] * Z + (size_t)p->zone[i];
		assert_int_equal(p->meets[i], count[u] - 1);
		assert_true(p->mixed[i] <= p->meets[i]);
	}
}

static void test_stagger_never_exceeds_capacity_on_random_instances(void **state)
{
	(void)state;
	rnd_state = 42;
	int feasible = 0, infeasible = 0;
	for (int trial = 0; trial < 300; trial++) {
		inst x;
		int zones = 1 + below(4), slots = 1 + below(4), n = 1 + below(60);
		make(&x, n, zones, slots, 1 + below(4), below(2) ? 12 : 0);
		/* Capacities from "roomy" to "far too small". */
		int64_t people = 0;
		for (int i = 0; i < n; i++)
			people += x.classes[i].people;
		double slack = 0.5 + (double)below(100) / 100.0;
		for (int z = 0; z < zones; z++)
			x.capacity[z] = (int)(people * slack / (zones * slots)) + below(60);
		stagger_plan p;
		assert_int_equal(stagger_solve(&x.in, &p), 0);
		if (p.feasible) {
			check_plan(&x, &p);
			assert_int_equal(p.shortage.reason, STAGGER_FITS);
			stagger_lower lb;
			stagger_bound(&x.in, &lb);
			assert_true(lb.possible);
			assert_true(p.meets_total >= lb.meets_total);
			assert_true(p.meets_max >= lb.meets_max);
			feasible++;
		} else {
			assert_int_not_equal(p.shortage.reason, STAGGER_FITS);
			infeasible++;
		}
		stagger_plan_free(&p);
	}
	/* The generator covers both sides. */
	assert_true(feasible > 50);
	assert_true(infeasible > 20);
}

static void test_stagger_finds_a_planted_packing(void **state)
{
	(void)state;
	/* Instances built around a hidden assignment, with every unit full to
	 * within a few seats: a packing exists, so the solver must find one. */
	rnd_state = 99;
	for (int trial = 0; trial < 100; trial++) {
		inst x;
		int zones = 1 + below(4), slots = 1 + below(4), n = zones * slots * (1 + below(4));
		make(&x, n, zones, slots, 3, 0);
		int load[64] = {0};
		for (int i = 0; i < n; i++)
			load[(i % (zones * slots))] += x.classes[i].people;
		for (int z = 0; z < zones; z++) {
			int cap = 0;
			for (int t = 0; t < slots; t++)
				if (load[t * zones + z] > cap)
					cap = load[t * zones + z];
			x.capacity[z] = cap + below(3);
		}
		stagger_plan p;
		assert_int_equal(stagger_solve(&x.in, &p), 0);
		if (!p.feasible)
			fprintf(stderr, "trial %d: n=%d zones=%d slots=%d reason %d\n", trial, n,
				zones, slots, p.shortage.reason);
		check_plan(&x, &p);
		stagger_plan_free(&p);
	}
}

static void test_stagger_reports_what_is_short(void **state)
{
	(void)state;
	inst x;
	stagger_plan p;
	/* A class larger than any zone: more slots would not help. */
	make(&x, 3, 2, 3, 0, 0);
	x.classes[1].people = 60;
	x.capacity[0] = x.capacity[1] = 50;
	assert_int_equal(stagger_solve(&x.in, &p), 0);
	assert_false(p.feasible);
	assert_int_equal(p.shortage.reason, STAGGER_CLASS_TOO_BIG);
	assert_int_equal(p.shortage.class_index, 1);
	assert_int_equal(p.shortage.largest_zone, 50);
	assert_int_equal(p.shortage.slots_needed, 0);
	stagger_plan_free(&p);

	/* Seats: 10 × 45 = 450 people, 2 zones × 100 × 2 slots = 400 seats. */
	make(&x, 10, 2, 2, 0, 0);
	for (int i = 0; i < 10; i++)
		x.classes[i].people = 45;
	x.capacity[0] = x.capacity[1] = 100;
	assert_int_equal(stagger_solve(&x.in, &p), 0);
	assert_false(p.feasible);
	assert_int_equal(p.shortage.reason, STAGGER_SEATS);
	assert_int_equal(p.shortage.people, 450);
	assert_int_equal(p.shortage.seats_per_slot, 200);
	assert_int_equal(p.shortage.seats_needed, 225);
	assert_int_equal(p.shortage.slots_needed, 3);
	stagger_plan_free(&p);

	/* Count: 5 classes of 40 (200 people) in one zone of 110 over 2 slots:
	 * 220 seats, but a sitting takes only 2 classes. */
	make(&x, 5, 1, 2, 0, 0);
	for (int i = 0; i < 5; i++)
		x.classes[i].people = 40;
	x.capacity[0] = 110;
	assert_int_equal(stagger_solve(&x.in, &p), 0);
	assert_false(p.feasible);
	assert_int_equal(p.shortage.reason, STAGGER_COUNT);
	assert_int_equal(p.shortage.slots_needed, 3);
	stagger_plan_free(&p);

	/* Packing: four classes of 60 and two of 10 in one zone of 100 over 3
	 * slots — seats (300 ≥ 260) and counts suffice, but no two 60s share. */
	make(&x, 6, 1, 3, 0, 0);
	int sizes[] = {60, 60, 60, 60, 10, 10};
	for (int i = 0; i < 6; i++)
		x.classes[i].people = sizes[i];
	x.capacity[0] = 100;
	assert_int_equal(stagger_solve(&x.in, &p), 0);
	assert_false(p.feasible);
	assert_int_equal(p.shortage.reason, STAGGER_PACKING);
	assert_int_equal(p.shortage.slots_needed, 4);
	stagger_plan_free(&p);
	/* The exhaustive search agrees that nothing fits. */
	assert_int_equal(stagger_exact(&x.in, 1000000, &p), 0);
	assert_false(p.feasible);
	stagger_plan_free(&p);
}

static void test_stagger_matches_exhaustive_search_on_small_instances(void **state)
{
	(void)state;
	rnd_state = 2020;
	int compared = 0;
	for (int trial = 0; trial < 200; trial++) {
		inst x;
		int zones = 1 + below(3), slots = 1 + below(3), n = 2 + below(8);
		make(&x, n, zones, slots, 1 + below(3), below(2) ? 6 : 0);
		int64_t people = 0;
		for (int i = 0; i < n; i++)
			people += x.classes[i].people;
		for (int z = 0; z < zones; z++)
			x.capacity[z] =
			    (int)(people * (0.8 + below(80) / 100.0) / (zones * slots)) + 50;
		stagger_plan h, e;
		assert_int_equal(stagger_solve(&x.in, &h), 0);
		int rc = stagger_exact(&x.in, 20000000, &e);
		assert_int_equal(rc, 0);
		assert_int_equal(h.feasible, e.feasible);
		if (e.feasible) {
			check_plan(&x, &e);
			check_plan(&x, &h);
			if (h.meets_total != e.meets_total || h.mixed_total != e.mixed_total)
				fprintf(stderr, "trial %d: heuristic %lld/%lld exact %lld/%lld\n",
					trial, (long long)h.meets_total, (long long)h.mixed_total,
					(long long)e.meets_total, (long long)e.mixed_total);
			assert_int_equal(h.meets_total, e.meets_total);
			assert_int_equal(h.mixed_total, e.mixed_total);
			stagger_lower lb;
			stagger_bound(&x.in, &lb);
			assert_true(e.meets_total >= lb.meets_total);
			compared++;
		}
		stagger_plan_free(&h);
		stagger_plan_free(&e);
	}
	assert_true(compared > 100);
}

static void test_stagger_puts_grade_mates_together(void **state)
{
	(void)state;
	/* 8 classes of two grades, 2 zones × 2 slots of 100 seats: two classes
	 * per unit, and each unit can be one grade only. */
	inst x;
	make(&x, 8, 2, 2, 0, 0);
	for (int i = 0; i < 8; i++) {
		x.classes[i].people = 45;
		x.classes[i].group = i % 2; /* interleaved, so a roster-order fill mixes them */
	}
	x.capacity[0] = x.capacity[1] = 100;
	stagger_plan p, g;
	assert_int_equal(stagger_solve(&x.in, &p), 0);
	check_plan(&x, &p);
	assert_int_equal(p.meets_total, 8);
	assert_int_equal(p.meets_max, 1);
	assert_int_equal(p.mixed_total, 0);
	assert_int_equal(stagger_greedy(&x.in, &g), 0);
	check_plan(&x, &g);
	assert_int_equal(g.mixed_total, 8);
	stagger_plan_free(&p);
	stagger_plan_free(&g);

	/* A shared dorm floor links classes of different grades. */
	make(&x, 4, 1, 2, 0, 0);
	static const int64_t f1[] = {301}, f2[] = {302};
	for (int i = 0; i < 4; i++) {
		x.classes[i].people = 40;
		x.classes[i].group = i; /* four grades */
		x.classes[i].floors = i < 2 ? f1 : f2;
		x.classes[i].nfloors = 1;
	}
	/* Put the floor-mates apart in the input order. */
	x.classes[1].floors = f2;
	x.classes[2].floors = f1;
	x.capacity[0] = 80;
	assert_int_equal(stagger_solve(&x.in, &p), 0);
	check_plan(&x, &p);
	assert_int_equal(p.mixed_total, 0);
	assert_int_equal(p.slot[0], p.slot[2]);
	assert_int_equal(p.slot[1], p.slot[3]);
	stagger_plan_free(&p);
}

static void test_stagger_beats_greedy_at_school_scale(void **state)
{
	(void)state;
	/* The benchmark's shape: 160 classes of 40–50 in three grades, a
	 * 4-zone canteen over 4 slots with ~5 % spare seats. */
	static stagger_class classes[160];
	static int64_t floors[160];
	rnd_state = 7200;
	int64_t people = 0;
	for (int i = 0; i < 160; i++) {
		classes[i].id = i + 1;
		classes[i].people = 40 + below(11);
		classes[i].group = i * 3 / 160;
		floors[i] = classes[i].group * 10 + below(6);
		classes[i].floors = &floors[i];
		classes[i].nfloors = 1;
		people += classes[i].people;
	}
	int cap[4];
	for (int z = 0; z < 4; z++)
		cap[z] = (int)(people * 105 / 100 / 16);
	stagger_input in = {classes, 160, cap, 4, 4, 1, 0};
	stagger_plan p, g;
	stagger_lower lb;
	assert_int_equal(stagger_solve(&in, &p), 0);
	assert_true(p.feasible);
	assert_int_equal(stagger_verify(&in, p.slot, p.zone, NULL), 0);
	stagger_bound(&in, &lb);
	assert_true(p.meets_total >= lb.meets_total);
	assert_int_equal(stagger_greedy(&in, &g), 0);
	if (g.feasible)
		assert_true(p.meets_total <= g.meets_total);
	/* With ~5 % spare seats the even spread (10 classes a sitting) fits. */
	assert_int_equal(p.meets_total, lb.meets_total);
	assert_int_equal(p.meets_max, 9);
	stagger_plan_free(&p);
	stagger_plan_free(&g);
}

static void test_stagger_verify_and_invalid_input(void **state)
{
	(void)state;
	inst x;
	make(&x, 3, 1, 2, 0, 0);
	for (int i = 0; i < 3; i++)
		x.classes[i].people = 40;
	x.capacity[0] = 80;
	int slot[] = {0, 0, 0}, zone[] = {0, 0, 0}, bad = -2;
	assert_int_equal(stagger_verify(&x.in, slot, zone, &bad), -1);
	assert_int_equal(bad, 0);
	slot[2] = 1;
	assert_int_equal(stagger_verify(&x.in, slot, zone, &bad), 0);
	slot[2] = 2; /* no such slot */
	assert_int_equal(stagger_verify(&x.in, slot, zone, &bad), -1);
	stagger_plan p;
	x.in.nslots = 0;
	assert_int_equal(stagger_solve(&x.in, &p), -1);
	x.in.nslots = 2;
	x.classes[0].people = 0;
	assert_int_equal(stagger_solve(&x.in, &p), -1);
	/* No classes: trivially feasible. */
	x.in.nclasses = 0;
	assert_int_equal(stagger_solve(&x.in, &p), 0);
	assert_true(p.feasible);
	stagger_plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stagger_never_exceeds_capacity_on_random_instances),
	    cmocka_unit_test(test_stagger_finds_a_planted_packing),
	    cmocka_unit_test(test_stagger_reports_what_is_short),
	    cmocka_unit_test(test_stagger_matches_exhaustive_search_on_small_instances),
	    cmocka_unit_test(test_stagger_puts_grade_mates_together),
	    cmocka_unit_test(test_stagger_beats_greedy_at_school_scale),
	    cmocka_unit_test(test_stagger_verify_and_invalid_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
