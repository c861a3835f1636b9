/*
 * bench_stagger.c — the staggering optimiser (src/engine/stagger.c) on the
 * issue's instance: 160 classes of 40–50 students in three grades into a
 * canteen of 4 zones over 4 slots, against the lower bound it computes and
 * against the greedy baseline (fill slot 1's zones in roster order, then
 * slot 2 …) in the same run.  Then small instances where the exhaustive
 * search proves the optimum, to show how far the local search is from it.
 * Run by bench/stagger.sh; see bench/README.md.
 *
 * The school: grades of 31 %, 33 % and 36 % of the classes (as the demo
 * school), boarders of a class on one or two dorm floors that neighbouring
 * classes of the same grade share.  Zone seats: the people of a sitting
 * spread evenly, times (1 + spare); --spare 0.05 by default (the demo
 * sizes its zones with 10 % to spare), and the run repeats at 2 % and 0 %.
 *
 *   bench_stagger [--seeds N] [--small N] [--spare F]
 *
 * Prints "key value" lines and a summary table.  Times are wall clock and
 * process cpu.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/stagger.h"

static uint64_t rs;

static uint64_t rnd(void)
{
	uint64_t z = (rs += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int below(int n)
{
	return (int)(rnd() % (uint64_t)n);
}

static double wall(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

#define N_CLASSES 160
static stagger_class classes[N_CLASSES];
static int64_t floors[N_CLASSES][2];

static int64_t make_school(uint64_t seed)
{
	rs = seed;
	int64_t people = 0;
	int first[4] = {0, N_CLASSES * 31 / 100, N_CLASSES * 64 / 100, N_CLASSES};
	for (int g = 0; g < 3; g++)
		for (int i = first[g]; i < first[g + 1]; i++) {
			stagger_class *c = &classes[i];
			c->id = i + 1;
			c->people = 40 + below(11);
			c->group = g;
			/* Rooms fill in class order, ~3 classes a floor. */
			int64_t f = g * 100 + (i - first[g]) / 3;
			floors[i][0] = f;
			floors[i][1] = f + 1;
			c->floors = floors[i];
			c->nfloors = below(3) == 0 ? 2 : 1;
			people += c->people;
		}
	return people;
}

typedef struct row {
	const char *name;
	int feasible;
	int64_t meets_total, mixed_total;
	int meets_max;
	double wall_ms, cpu_ms;
} row;

static void run_one(const char *name, int which, const stagger_input *in, row *r)
{
	stagger_plan p;
	double w0 = wall(), c0 = cpu();
	int rc = which == 0 ? stagger_solve(in, &p) : stagger_greedy(in, &p);
	r->wall_ms = (wall() - w0) * 1000;
	r->cpu_ms = (cpu() - c0) * 1000;
	r->name = name;
	if (rc) {
		fprintf(stderr, "%s failed: %d\n", name, rc);
		exit(1);
	}
	if (p.feasible && stagger_verify(in, p.slot, p.zone, NULL)) {
		fprintf(stderr, "%s: capacity exceeded\n", name);
		exit(1);
	}
	r->feasible = p.feasible;
	r->meets_total = p.meets_total;
	r->mixed_total = p.mixed_total;
	r->meets_max = p.meets_max;
	stagger_plan_free(&p);
}

static void school(double spare, int seeds)
{
	int64_t people = make_school(7200);
	int cap[4];
	for (int z = 0; z < 4; z++)
		cap[z] = (int)((double)people * (1.0 + spare) / 16.0);
	stagger_input in = {classes, N_CLASSES, cap, 4, 4, 1, 0};
	stagger_lower lb;
	stagger_bound(&in, &lb);
	printf("\n## 160 classes, %lld students, 4 zones x %d seats, 4 slots (spare %.0f %%)\n",
	       (long long)people, cap[0], spare * 100);
	printf("lower bound: sum meets >= %lld (mean %.2f), max meets >= %d\n",
	       (long long)lb.meets_total, (double)lb.meets_total / N_CLASSES, lb.meets_max);
	row g;
	run_one("greedy", 1, &in, &g);
	printf("%-22s %-8s %10s %8s %8s %12s %10s %10s\n", "method", "feasible", "sum meets",
	       "mean", "max", "sum mixed", "wall ms", "cpu ms");
	if (g.feasible)
		printf("%-22s %-8s %10lld %8.2f %8d %12lld %10.1f %10.1f\n",
		       "greedy (fill in order)", "yes", (long long)g.meets_total,
		       (double)g.meets_total / N_CLASSES, g.meets_max, (long long)g.mixed_total,
		       g.wall_ms, g.cpu_ms);
	else
		printf(
		    "%-22s %-8s %10s %8s %8s %12s %10.1f %10.1f   (a class left without a seat)\n",
		    "greedy (fill in order)", "NO", "-", "-", "-", "-", g.wall_ms, g.cpu_ms);
	double worst_wall = 0, gap_sum = 0;
	int at_bound = 0, feasible = 0;
	for (int s = 1; s <= seeds; s++) {
		in.seed = (uint64_t)s;
		row r;
		run_one("optimiser", 0, &in, &r);
		char name[32];
		snprintf(name, sizeof name, "optimiser seed %d", s);
		printf("%-22s %-8s %10lld %8.2f %8d %12lld %10.1f %10.1f\n", name,
		       r.feasible ? "yes" : "NO", (long long)r.meets_total,
		       (double)r.meets_total / N_CLASSES, r.meets_max, (long long)r.mixed_total,
		       r.wall_ms, r.cpu_ms);
		if (r.wall_ms > worst_wall)
			worst_wall = r.wall_ms;
		if (r.feasible) {
			feasible++;
			at_bound += r.meets_total == lb.meets_total;
			gap_sum += lb.meets_total ? (double)(r.meets_total - lb.meets_total) /
							(double)lb.meets_total
						  : 0;
		}
		printf("key spare%.0f_seed%d wall_ms %.1f meets_total %lld lb %lld mixed %lld "
		       "greedy_meets %lld greedy_mixed %lld greedy_feasible %d\n",
		       spare * 100, s, r.wall_ms, (long long)r.meets_total,
		       (long long)lb.meets_total, (long long)r.mixed_total,
		       (long long)g.meets_total, (long long)g.mixed_total, g.feasible);
	}
	printf("summary spare %.0f %%: feasible %d/%d, at the lower bound %d/%d, mean gap to bound "
	       "%.2f %%, slowest %.1f ms (goal < 1000 ms)\n",
	       spare * 100, feasible, seeds, at_bound, seeds,
	       feasible ? 100.0 * gap_sum / feasible : 0.0, worst_wall);
}

static void small(int trials)
{
	static stagger_class c[12];
	static int64_t f[12];
	int cap[3];
	int compared = 0, equal = 0, greedy_equal = 0, greedy_feasible = 0;
	double gap = 0, ggap = 0;
	rs = 12;
	for (int t = 0; t < trials; t++) {
		int n = 6 + below(5), zones = 1 + below(3), slots = 2 + below(2);
		int64_t people = 0;
		for (int i = 0; i < n; i++) {
			c[i].id = i;
			c[i].people = 40 + below(11);
			c[i].group = below(3);
			f[i] = below(5);
			c[i].floors = &f[i];
			c[i].nfloors = 1;
			people += c[i].people;
		}
		for (int z = 0; z < zones; z++)
			cap[z] =
			    (int)((double)people * (1.0 + below(40) / 100.0) / (zones * slots)) +
			    45;
		stagger_input in = {c, (size_t)n, cap, (size_t)zones, (size_t)slots, 1, 0};
		stagger_plan h, e, g;
		if (stagger_exact(&in, 50000000, &e))
			continue;
		if (!e.feasible) {
			stagger_plan_free(&e);
			continue;
		}
		stagger_solve(&in, &h);
		stagger_greedy(&in, &g);
		compared++;
		/* One number per plan: the objective W·Σmeets + Σmixed. */
		double w = (double)n * n + 1;
		double oe = (double)e.meets_total * w + (double)e.mixed_total;
		double oh = (double)h.meets_total * w + (double)h.mixed_total;
		equal += h.meets_total == e.meets_total && h.mixed_total == e.mixed_total;
		gap += e.meets_total
			   ? (double)(h.meets_total - e.meets_total) / (double)e.meets_total
			   : 0;
		(void)oe;
		(void)oh;
		if (g.feasible) {
			greedy_feasible++;
			greedy_equal +=
			    g.meets_total == e.meets_total && g.mixed_total == e.mixed_total;
			ggap += e.meets_total ? (double)(g.meets_total - e.meets_total) /
						    (double)e.meets_total
					      : 0;
		}
		stagger_plan_free(&h);
		stagger_plan_free(&e);
		stagger_plan_free(&g);
	}
	printf("\n## small instances (6-10 classes, 1-3 zones, 2-3 slots) against the exhaustive "
	       "search\n");
	printf("optimiser: optimal (both sums equal to the exact optimum) in %d of %d, mean gap in "
	       "sum meets %.2f %%\n",
	       equal, compared, compared ? 100.0 * gap / compared : 0.0);
	printf("greedy:    feasible in %d of %d, optimal in %d, mean gap in sum meets %.2f %% "
	       "(where feasible)\n",
	       greedy_feasible, compared, greedy_equal,
	       greedy_feasible ? 100.0 * ggap / greedy_feasible : 0.0);
	printf("key small compared %d optimal %d greedy_optimal %d greedy_feasible %d\n", compared,
	       equal, greedy_equal, greedy_feasible);
}

int main(int argc, char **argv)
{
	int seeds = 5, trials = 200;
	double spare = 0.05;
	static const struct option opts[] = {{"seeds", required_argument, 0, 's'},
					     {"small", required_argument, 0, 'n'},
					     {"spare", required_argument, 0, 'p'},
					     {0, 0, 0, 0}};
	int ch;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			seeds = atoi(optarg);
			break;
		case 'n':
			trials = atoi(optarg);
			break;
		case 'p':
			spare = atof(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: bench_stagger [--seeds N] [--small N] [--spare F]\n");
			return 2;
		}
	}
	printf("# bench_stagger: staggering 160 classes into a 4-zone canteen over 4 slots\n");
	/* The instance at the given spare, then roomier and tighter canteens. */
	static const double others[] = {0.25, 0.10, 0.05, 0.02, 0.01};
	school(spare, seeds);
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (others[i] != spare)
			school(others[i], seeds);
	small(trials);
	return 0;
}
