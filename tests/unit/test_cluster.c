/*
 * test_cluster.c — the cluster engine: thresholds, windows, distinct
 * people, merging a growing cluster into one episode, unit separation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/cluster.h"

static void test_cluster_needs_threshold_distinct_people_in_window(void **state)
{
	(void)state;
	cluster_case c[] = { { 1, 10, 100 }, { 1, 10, 100 }, { 1, 11, 101 } };
	cluster_hit *h;
	size_t n;
	assert_int_equal(cluster_find(c, 3, 1, 2, 0, 100, &h, &n), 0);
	assert_int_equal(n, 0); /* two people, but never on one day */
	cluster_hits_free(h, n);
	assert_int_equal(cluster_find(c, 3, 2, 2, 0, 100, &h, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].count, 2);
	assert_int_equal(h[0].first_day, 10);
	assert_int_equal(h[0].last_day, 11);
	cluster_hits_free(h, n);
}

static void test_cluster_growing_cluster_is_one_hit(void **state)
{
	(void)state;
	/* ≥3 within 3 days; cases on days 1,2,3,4,5 (one person each). */
	cluster_case c[] = { { 7, 5, 5 }, { 7, 1, 1 }, { 7, 3, 3 }, { 7, 2, 2 }, { 7, 4, 4 } };
	cluster_hit *h;
	size_t n;
	assert_int_equal(cluster_find(c, 5, 3, 3, 0, 100, &h, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].count, 5);
	assert_int_equal(h[0].first_day, 1);
	assert_int_equal(h[0].last_day, 5);
	assert_int_equal(h[0].people[0], 1);
	assert_int_equal(h[0].people[4], 5);
	cluster_hits_free(h, n);
}

static void test_cluster_separate_episodes_and_units(void **state)
{
	(void)state;
	cluster_case c[] = { { 1, 1, 1 }, { 1, 1, 2 }, { 1, 20, 3 }, { 1, 20, 4 }, { 2, 1, 5 }, { 2, 1, 6 } };
	cluster_hit *h;
	size_t n;
	assert_int_equal(cluster_find(c, 6, 1, 2, 0, 100, &h, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(h[0].unit, 1);
	assert_int_equal(h[0].first_day, 1);
	assert_int_equal(h[1].unit, 1);
	assert_int_equal(h[1].first_day, 20);
	assert_int_equal(h[2].unit, 2);
	cluster_hits_free(h, n);
	/* Only windows ending in [10, 30]. */
	cluster_case d[] = { { 1, 1, 1 }, { 1, 1, 2 }, { 1, 20, 3 }, { 1, 20, 4 } };
	assert_int_equal(cluster_find(d, 4, 1, 2, 10, 30, &h, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].first_day, 20);
	cluster_hits_free(h, n);
}

static void test_cluster_rejects_bad_parameters(void **state)
{
	(void)state;
	cluster_case c[] = { { 1, 1, 1 } };
	cluster_hit *h;
	size_t n;
	assert_int_equal(cluster_find(c, 1, 0, 1, 0, 10, &h, &n), -1);
	assert_int_equal(cluster_find(c, 1, 1, 0, 0, 10, &h, &n), -1);
	assert_int_equal(cluster_find(c, 0, 1, 1, 0, 10, &h, &n), 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cluster_needs_threshold_distinct_people_in_window),
		cmocka_unit_test(test_cluster_growing_cluster_is_one_hit),
		cmocka_unit_test(test_cluster_separate_episodes_and_units),
		cmocka_unit_test(test_cluster_rejects_bad_parameters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
