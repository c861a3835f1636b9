/*
 * bench_aberration.c — speed of the aberration engines (src/engine/ears.c,
 * farrington.c) on the daily run of a district, and on the backfill of one
 * school.  Run by bench/aberration.sh, which times R's `surveillance` on a
 * sample of the same series in the same run and prints the ratios; see
 * bench/README.md.
 *
 * Data: daily symptom counts per class (150 classes x 12 symptoms per
 * school) over 3 years (1095 days from Monday 2022-01-03, a leap day
 * included), dated (R's epochAsDate, freq 365): Poisson counts with a
 * per-symptom base rate (0.01 - 0.4 a day), a class factor, winter season
 * for respiratory symptoms, nothing at weekends and in the winter and summer
 * holidays, and a few school outbreaks.  `--pool` distinct series are
 * generated (default 8192, ~72 MB of doubles) and the N series of the
 * district cycle through them: the engines' cost does not depend on which
 * series it is, and 360,000 x 1095 doubles (3.2 GB) would measure memory,
 * not the engines.
 *
 * Parameters, as a user would choose them for daily data (3 years of
 * history): EARS C1, C2, C3 with R's defaults; farringtonFlexible with
 * b = 2 years, w = 7 days, R's other defaults (noPeriods 1, weightsThreshold
 * 2.58, pastWeeksNotIncluded = w, delta threshold, alpha 0.05); and
 * algo.farrington with b = 2, w = 7.
 *
 * "Today" calls ears_at / farrington_flex_at / farrington_at at the last
 * day; the backfill calls ears_run / farrington_flex_run / farrington_run
 * over every day with enough history, as a real backfill would.
 *
 * Prints "key value" lines (for the script) and a summary.  Times are wall
 * clock (the district's goal) and process cpu (steadier on a shared
 * machine; per-series figures are cpu / series).  With --sample-dir it also
 * writes `--sample` series as CSV and the engines' results for them, so the
 * script can run R on the same series and check it gets the same numbers.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/aberration.h"

#define NDAYS 1095
#define START_DAY 18995 /* 2022-01-03, a Monday */

enum method { M_C1, M_C2, M_C3, M_FLEX, M_FARR, M_COUNT };
static const char *const method_name[M_COUNT] = { "C1", "C2", "C3", "flexible", "farrington" };

typedef struct config {
	size_t series, pool, classes, symptoms, sample;
	int threads;
	uint64_t seed;
	const char *sample_dir;
	bool backfill;
} config;

typedef struct bench {
	const config *cfg;
	double *counts;    /* pool x NDAYS */
	int32_t dates[NDAYS];
	ears_params ears[3];
	farrington_flex_params flex;
	farrington_params farr;
} bench;

/* ---- data ----------------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static double rng_unif(uint64_t *s)
{
	return ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_pois(uint64_t *s, double lambda)
{
	if (lambda <= 0)
		return 0;
	double l = exp(-lambda), p = 1;
	int k = 0;
	do {
		k++;
		p *= rng_unif(s);
	} while (p > l);
	return k - 1;
}

static void civil(int32_t z0, int *y, int *m, int *d)
{
	long z = (long)z0 + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp + (mp < 10 ? 3 : -9));
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* A school day: Monday to Friday outside the winter (Jan 20 - Feb 19)
 * and summer (Jul 10 - Aug 31) holidays. */
static bool school_day(int32_t day)
{
	int wd = (int)(((long)day % 7 + 7 + 4) % 7);
	if (wd == 0 || wd == 6)
		return false;
	int y, m, d;
	civil(day, &y, &m, &d);
	if ((m == 1 && d >= 20) || (m == 2 && d < 20))
		return false;
	if ((m == 7 && d >= 10) || m == 8)
		return false;
	return true;
}

static void generate(bench *b)
{
	const config *c = b->cfg;
	static const double base[12] = { 0.15, 0.4, 0.25, 0.1, 0.05, 0.03,
					 0.02, 0.08, 0.01, 0.06, 0.12, 0.04 };
	static const bool respiratory[12] = { 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0 };
	for (int i = 0; i < NDAYS; i++)
		b->dates[i] = START_DAY + i;
	uint64_t s = c->seed | 1;
	for (size_t k = 0; k < c->pool; k++) {
		int sym = (int)(k % 12);
		double cls = 0.6 + 0.8 * rng_unif(&s);
		double *y = b->counts + k * NDAYS;
		/* outbreaks: a few per series over the 3 years */
		int outbreak_at[3], nout = (int)(rng_unif(&s) * 3.0);
		for (int o = 0; o < nout; o++)
			outbreak_at[o] = (int)(rng_unif(&s) * (NDAYS - 10));
		for (int i = 0; i < NDAYS; i++) {
			if (!school_day(b->dates[i])) {
				y[i] = 0;
				continue;
			}
			double season = respiratory[sym]
						? 1 + 0.8 * cos(2 * M_PI * (double)(i - 15) / 365.25)
						: 1;
			double lam = base[sym] * cls * season;
			for (int o = 0; o < nout; o++)
				if (i >= outbreak_at[o] && i < outbreak_at[o] + 7)
					lam += 1.5;
			y[i] = rng_pois(&s, lam);
		}
	}
}

/* ---- timing --------------------------------------------------------------- */

static double wall_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ---- one method on one series -------------------------------------------- */

/* Evaluate method m on series k at index t; returns the alarm (or -1). */
static int eval_one(const bench *b, farrington_work *w, int m, size_t k, size_t t,
		    double *ub_out)
{
	const double *y = b->counts + (k % b->cfg->pool) * NDAYS;
	double ub;
	int8_t al;
	if (m <= M_C3) {
		ears_at(&b->ears[m], y, t, &ub, &al);
	} else {
		aber_series s = { .observed = y, .date = b->dates, .n = NDAYS, .freq = 365 };
		farrington_point pt;
		jy_err e;
		int rc = m == M_FLEX ? farrington_flex_at(w, &b->flex, &s, t, &pt, &e)
				     : farrington_at(w, &b->farr, &s, t, &pt, &e);
		if (rc) {
			fprintf(stderr, "bench_aberration: %s on series %zu: %s\n", method_name[m], k,
				e.msg);
			exit(1);
		}
		ub = pt.upperbound;
		al = pt.alarm;
	}
	if (ub_out)
		*ub_out = ub;
	return al;
}

static size_t first_index(const bench *b, int m)
{
	aber_series s = { .observed = b->counts, .date = b->dates, .n = NDAYS, .freq = 365 };
	if (m <= M_C3)
		return ears_first(&b->ears[m]);
	return m == M_FLEX ? farrington_flex_first(&b->flex, &s) : farrington_first(&b->farr, &s);
}

/* ---- threaded passes ------------------------------------------------------ */

typedef struct task {
	const bench *b;
	int methods[M_COUNT];
	int nmethods;
	size_t from, to;     /* series [from, to) */
	bool backfill;       /* every day with enough history, else today only */
	long alarms, points;
} task;

static void *run_task(void *arg)
{
	task *tk = arg;
	farrington_work *w = farrington_work_new();
	if (!w) {
		fprintf(stderr, "bench_aberration: out of memory\n");
		exit(1);
	}
	double ub[NDAYS];
	int8_t al[NDAYS];
	for (size_t k = tk->from; k < tk->to; k++)
		for (int j = 0; j < tk->nmethods; j++) {
			int m = tk->methods[j];
			if (!tk->backfill) { /* today: the last day only */
				tk->alarms += eval_one(tk->b, w, m, k, NDAYS - 1, NULL) == 1;
				tk->points++;
				continue;
			}
			/* backfill: every day with enough history, through *_run */
			const bench *b = tk->b;
			const double *y = b->counts + (k % b->cfg->pool) * NDAYS;
			aber_series s = { .observed = y, .date = b->dates, .n = NDAYS, .freq = 365 };
			size_t t0 = first_index(b, m);
			jy_err e;
			int rc = m <= M_C3 ? ears_run(&b->ears[m], y, NDAYS, t0, NDAYS - 1, ub, al, &e)
				 : m == M_FLEX
					 ? farrington_flex_run(w, &b->flex, &s, t0, NDAYS - 1, ub, al, NULL, &e)
					 : farrington_run(w, &b->farr, &s, t0, NDAYS - 1, ub, al, NULL, &e);
			if (rc) {
				fprintf(stderr, "bench_aberration: %s backfill: %s\n", method_name[m], e.msg);
				exit(1);
			}
			for (size_t t = t0; t < NDAYS; t++)
				tk->alarms += al[t] == 1;
			tk->points += NDAYS - t0;
		}
	farrington_work_free(w);
	return NULL;
}

typedef struct pass {
	double wall, cpu;
	long alarms, points;
} pass;

static pass run_pass(const bench *b, const int *methods, int nmethods, size_t nseries,
		     bool backfill)
{
	int nt = b->cfg->threads;
	pthread_t th[64];
	task tk[64];
	double w0 = wall_now(), c0 = cpu_now();
	for (int i = 0; i < nt; i++) {
		tk[i] = (task){ .b = b, .nmethods = nmethods, .backfill = backfill,
				.from = nseries * (size_t)i / (size_t)nt,
				.to = nseries * (size_t)(i + 1) / (size_t)nt };
		memcpy(tk[i].methods, methods, (size_t)nmethods * sizeof(int));
		if (pthread_create(&th[i], NULL, run_task, &tk[i]) != 0) {
			fprintf(stderr, "bench_aberration: cannot start a thread\n");
			exit(1);
		}
	}
	pass p = { 0 };
	for (int i = 0; i < nt; i++) {
		pthread_join(th[i], NULL);
		p.alarms += tk[i].alarms;
		p.points += tk[i].points;
	}
	p.wall = wall_now() - w0;
	p.cpu = cpu_now() - c0;
	return p;
}

/* ---- the sample for R ------------------------------------------------------ */

static void write_sample(const bench *b)
{
	const config *c = b->cfg;
	char path[1024];
	snprintf(path, sizeof path, "%s/series.csv", c->sample_dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "bench_aberration: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	/* wide: one column per sample series, as R's sts wants them */
	fputs("idx,year,epoch_in_year,date", f);
	for (size_t k = 0; k < c->sample; k++)
		fprintf(f, ",s%zu", k);
	fputc('\n', f);
	for (int i = 0; i < NDAYS; i++) {
		int y, m, d;
		civil(b->dates[i], &y, &m, &d);
		fprintf(f, "%d,%d,%d,%04d-%02d-%02d", i + 1, y, i % 365 + 1, y, m, d);
		for (size_t k = 0; k < c->sample; k++)
			fprintf(f, ",%.0f", b->counts[(k % c->pool) * NDAYS + (size_t)i]);
		fputc('\n', f);
	}
	fclose(f);
	/* the engines' answers: today for every sample series, and the whole
	 * backfill of sample series 0 */
	snprintf(path, sizeof path, "%s/c_results.csv", c->sample_dir);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "bench_aberration: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fputs("series,method,idx,upperbound,alarm\n", f);
	farrington_work *w = farrington_work_new();
	for (int m = 0; m < M_COUNT; m++)
		for (size_t k = 0; k < c->sample; k++) {
			size_t t0 = k == 0 ? first_index(b, m) : NDAYS - 1;
			for (size_t t = t0; t < NDAYS; t++) {
				double ub;
				int al = eval_one(b, w, m, k, t, &ub);
				fprintf(f, "%zu,%s,%zu,", k, method_name[m], t + 1);
				if (isnan(ub))
					fputs("NA,", f);
				else
					fprintf(f, "%.17g,", ub);
				if (al < 0)
					fputs("NA\n", f);
				else
					fprintf(f, "%d\n", al);
			}
		}
	farrington_work_free(w);
	fclose(f);
}

/* ---- main ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fputs("usage: bench_aberration [--series N] [--threads T] [--pool P] [--classes C]\n"
	      "         [--symptoms S] [--no-backfill] [--sample K --sample-dir DIR] [--seed X]\n",
	      f);
}

int main(int argc, char **argv)
{
	config c = { .series = 360000, .pool = 8192, .classes = 150, .symptoms = 12,
		     .sample = 40, .threads = 2, .seed = 20240901, .backfill = true };
	static const struct option opts[] = {
		{ "series", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "pool", required_argument, NULL, 'p' },
		{ "classes", required_argument, NULL, 'c' },
		{ "symptoms", required_argument, NULL, 's' },
		{ "sample", required_argument, NULL, 'k' },
		{ "sample-dir", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 'r' },
		{ "no-backfill", no_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'n': c.series = strtoul(optarg, NULL, 10); break;
		case 't': c.threads = atoi(optarg); break;
		case 'p': c.pool = strtoul(optarg, NULL, 10); break;
		case 'c': c.classes = strtoul(optarg, NULL, 10); break;
		case 's': c.symptoms = strtoul(optarg, NULL, 10); break;
		case 'k': c.sample = strtoul(optarg, NULL, 10); break;
		case 'd': c.sample_dir = optarg; break;
		case 'r': c.seed = strtoull(optarg, NULL, 10); break;
		case 'B': c.backfill = false; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (c.series == 0 || c.pool == 0 || c.threads < 1 || c.threads > 64 || c.sample > c.pool) {
		usage(stderr);
		return 2;
	}
	if (c.pool > c.series)
		c.pool = c.series;
	size_t school = c.classes * c.symptoms;
	if (c.backfill && school > c.pool)
		c.pool = school;

	bench b = { .cfg = &c };
	b.counts = malloc(c.pool * NDAYS * sizeof(double));
	if (!b.counts) {
		fprintf(stderr, "bench_aberration: out of memory\n");
		return 1;
	}
	for (int m = 0; m < 3; m++)
		ears_params_init(&b.ears[m], (ears_method)(m + 1));
	farrington_flex_params_init(&b.flex);
	b.flex.b = 2;
	b.flex.w = 7;
	farrington_params_init(&b.farr);
	b.farr.b = 2;
	b.farr.w = 7;
	generate(&b);
	if (c.sample_dir)
		write_sample(&b);

	printf("threads %d\nseries %zu\npool %zu\ndays %d\n", c.threads, c.series, c.pool, NDAYS);
	/* warm-up: fault in the pool and grow the workspaces */
	int all[M_COUNT] = { M_C1, M_C2, M_C3, M_FLEX, M_FARR };
	run_pass(&b, all, M_COUNT, c.pool < 20000 ? c.pool : 20000, false);

	/* today, one method at a time */
	double today_cpu[M_COUNT];
	for (int m = 0; m < M_COUNT; m++) {
		pass p = run_pass(&b, &all[m], 1, c.series, false);
		today_cpu[m] = p.cpu;
		printf("today_%s wall_s %.4f cpu_s %.4f per_series_us %.4f alarms %ld\n",
		       method_name[m], p.wall, p.cpu, p.cpu / (double)c.series * 1e6, p.alarms);
	}
	/* the district's daily run: every series, the four methods in one pass */
	pass d4 = run_pass(&b, all, 4, c.series, false);
	printf("district4 wall_s %.4f cpu_s %.4f alarms %ld\n", d4.wall, d4.cpu, d4.alarms);
	pass d5 = run_pass(&b, all, 5, c.series, false);
	printf("district5 wall_s %.4f cpu_s %.4f alarms %ld\n", d5.wall, d5.cpu, d5.alarms);

	if (c.backfill) {
		for (int m = 0; m < M_COUNT; m++) {
			pass p = run_pass(&b, &all[m], 1, school, true);
			printf("backfill_%s wall_s %.4f cpu_s %.4f points %ld per_point_us %.4f alarms %ld\n",
			       method_name[m], p.wall, p.cpu, p.points,
			       p.cpu / (double)p.points * 1e6, p.alarms);
		}
	}
	fprintf(stderr, "\nbench_aberration: %zu daily series x %d days, %d threads\n", c.series,
		NDAYS, c.threads);
	for (int m = 0; m < M_COUNT; m++)
		fprintf(stderr, "  today %-10s %8.3f us cpu per series\n", method_name[m],
			today_cpu[m] / (double)c.series * 1e6);
	fprintf(stderr, "  district run, C1+C2+C3+flexible: %.2f s wall (%.2f s cpu)\n", d4.wall,
		d4.cpu);
	free(b.counts);
	return 0;
}
