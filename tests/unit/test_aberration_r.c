/*
 * test_aberration_r.c — the aberration engines against R itself, on series
 * the reference files do not cover: seeded random series (weekly, daily and
 * monthly; with and without dates; sparse, all-zero, with NA, with trend and
 * outbreaks) and real ones from $JINYUN_DATA/r-surveillance/datasets/.
 *
 * One R process (Rscript with library(surveillance)) runs every job — R
 * starts in about a second, so the jobs are batched: the test writes each
 * series as the CSV `jinyun aberration` reads, a job list, and an R script;
 * R writes one line per evaluated time point.  Then every point is
 * evaluated here through the "today" entry points (ears_at,
 * farrington_at, farrington_flex_at), a few jobs also through the *_run
 * functions and through the `jinyun aberration` binary, and compared:
 * upper bounds and every extra value (expected, score, p-value, ...) within
 * 1e-9 relative, alarms and trend flags identical, and an R error must be
 * an error here too.
 *
 * Without Rscript, the surveillance package or the data folder the test
 * prints "skipped: ..." and passes.  Nothing is timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/aberration.h"
#include "testutil.h"
#include "util/table.h"

#define REL_TOL 1e-9
#define MAX_SERIES 64
#define MAX_JOBS 400

/* ---- series ------------------------------------------------------------- */

typedef struct series {
	char name[64];
	size_t n;
	double *y;
	int32_t *date;   /* NULL or days since 1970-01-01 */
	int freq;
	char path[600];  /* where it was written */
} series;

static series all_series[MAX_SERIES];
static size_t n_series;

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ULL;
}

static double rng_unif(rng *r)
{
	return ((double)(rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_pois(rng *r, double lambda)
{
	if (lambda > 40) { /* normal approximation is plenty for test data */
		double u1 = rng_unif(r), u2 = rng_unif(r);
		double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
		double v = floor(lambda + sqrt(lambda) * z + 0.5);
		return v < 0 ? 0 : v;
	}
	double l = exp(-lambda), p = 1;
	int k = 0;
	do {
		k++;
		p *= rng_unif(r);
	} while (p > l);
	return k - 1;
}

static int32_t civil_days(int y, int m, int d)
{
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return (int32_t)(era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468);
}

static void civil_from(int32_t z0, int *y, int *m, int *d)
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

static series *new_series(const char *name, size_t n, int freq, bool dated)
{
	assert_true(n_series < MAX_SERIES);
	series *s = &all_series[n_series++];
	memset(s, 0, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->n = n;
	s->freq = freq;
	s->y = calloc(n, sizeof(double));
	if (dated)
		s->date = calloc(n, sizeof(int32_t));
	return s;
}

/* Dates from `start` every `step` days, or monthly (step 0). */
static void set_dates(series *s, int32_t start, int step)
{
	for (size_t i = 0; i < s->n; i++) {
		if (step) {
			s->date[i] = start + (int32_t)(step * i);
		} else {
			int y, m, d;
			civil_from(start, &y, &m, &d);
			long mm = m - 1 + (long)i;
			s->date[i] = civil_days(y + (int)(mm / 12), (int)(mm % 12) + 1, d);
		}
	}
}

/* Seeded random series: seasonal Poisson counts with extra-Poisson noise
 * (a log-normal multiplier), an optional trend, a few outbreaks. */
static void make_random_series(void)
{
	rng r = { 0x5eed1234abcdULL };
	struct spec {
		const char *name;
		size_t n;
		int freq;
		int step; /* 0: no dates; 1: daily; 7: weekly; -1: monthly */
		double mean, season, trend, noise;
		int outbreaks;
	} specs[] = {
		{ "rand_weekly_low", 340, 52, 0, 2, 0.6, 0, 0.3, 3 },
		{ "rand_weekly_trend", 340, 52, 0, 20, 0.4, 0.004, 0.15, 2 },
		{ "rand_weekly_dated", 340, 52, 7, 5, 0.5, 0, 0.3, 3 },
		{ "rand_daily_school", 1095, 365, 1, 0.8, 0.5, 0, 0.4, 4 },
		{ "rand_daily_busy", 1095, 365, 1, 4, 0.3, 0.0003, 0.2, 3 },
		{ "rand_daily_undated", 800, 365, 0, 3, 0.3, 0, 0.2, 2 },
		{ "rand_monthly_dated", 96, 12, -1, 20, 0.4, 0, 0.2, 1 },
		{ "rand_weekly_sparse", 330, 52, 0, 0.08, 0.5, 0, 0.5, 1 },
		{ "rand_weekly_na", 330, 52, 0, 6, 0.4, 0, 0.2, 2 },
	};
	for (size_t k = 0; k < sizeof specs / sizeof *specs; k++) {
		struct spec *sp = &specs[k];
		series *s = new_series(sp->name, sp->n, sp->freq, sp->step != 0);
		if (sp->step == 7)
			set_dates(s, civil_days(2010, 1, 4), 7);
		else if (sp->step == 1)
			set_dates(s, civil_days(2022, 1, 3), 1);
		else if (sp->step == -1)
			set_dates(s, civil_days(2005, 1, 1), 0);
		for (size_t i = 0; i < sp->n; i++) {
			double phase = 2 * M_PI * (double)i / sp->freq;
			double g = exp(sp->noise * (rng_unif(&r) + rng_unif(&r) + rng_unif(&r) - 1.5));
			double lam = sp->mean * exp(sp->season * sin(phase) + sp->trend * (double)i) * g;
			if (sp->step == 1) { /* schools: quiet weekends */
				int wd = (int)(((long)s->date[i] % 7 + 7 + 4) % 7);
				if (wd == 0 || wd == 6)
					lam *= 0.1;
			}
			s->y[i] = rng_pois(&r, lam);
		}
		for (int o = 0; o < sp->outbreaks; o++) {
			size_t at = sp->n / 2 + (size_t)(rng_unif(&r) * (double)(sp->n / 2 - 6));
			for (size_t i = at; i < at + 4 && i < sp->n; i++)
				s->y[i] += rng_pois(&r, 3 + 2 * sp->mean);
		}
		if (!strcmp(sp->name, "rand_weekly_na")) {
			/* recent NAs (EARS, limit54, flexible drops them) and two in
			 * the reference windows 5 years back (algo.farrington stops) */
			for (size_t i = 300; i < sp->n; i += 9)
				s->y[i] = NAN;
			s->y[65] = s->y[66] = NAN;
		}
	}
	series *z = new_series("all_zero_weekly", 330, 52, false);
	(void)z; /* calloc'ed: all zero */
	series *c = new_series("constant_weekly", 330, 52, false);
	for (size_t i = 0; i < c->n; i++)
		c->y[i] = 3;
}

/* Columns of a dataset file as series (freq given; dates read when present). */
static void load_dataset(const char *dir, const char *file, int freq, const char *const *cols,
			 size_t ncols)
{
	char path[600];
	snprintf(path, sizeof path, "%s/r-surveillance/datasets/%s", dir, file);
	table *t = NULL;
	jy_err e;
	err_clear(&e);
	if (csv_read_file(path, &t, &e) != 0)
		fail_msg("cannot read %s: %s", path, e.msg);
	long dcol = -1;
	for (size_t j = 0; j < t->ncells[0]; j++)
		if (!strcmp(table_cell(t, 0, j), "date"))
			dcol = (long)j;
	for (size_t c = 0; c < ncols; c++) {
		long col = -1;
		for (size_t j = 0; j < t->ncells[0]; j++)
			if (!strcmp(table_cell(t, 0, j), cols[c]))
				col = (long)j;
		if (col < 0)
			fail_msg("%s has no column %s", file, cols[c]);
		char name[64];
		snprintf(name, sizeof name, "%.30s_%.30s", file, cols[c]);
		series *s = new_series(name, t->nrows - 1, freq, dcol >= 0);
		for (size_t i = 0; i < s->n; i++) {
			const char *v = table_cell(t, i + 1, (size_t)col);
			s->y[i] = strcmp(v, "NA") ? strtod(v, NULL) : NAN;
			if (dcol >= 0) {
				int y, m, d;
				if (sscanf(table_cell(t, i + 1, (size_t)dcol), "%d-%d-%d", &y, &m, &d) != 3)
					fail_msg("%s: bad date", file);
				s->date[i] = civil_days(y, m, d);
			}
		}
	}
	table_free(t);
}

/* Write a series as the CSV `jinyun aberration` reads. */
static void write_series(series *s, const char *dir)
{
	snprintf(s->path, sizeof s->path, "%s/%s.csv", dir, s->name);
	FILE *f = fopen(s->path, "w");
	assert_non_null(f);
	fprintf(f, "idx,year,epoch_in_year,observed%s\n", s->date ? ",date" : "");
	for (size_t i = 0; i < s->n; i++) {
		int y = 2000 + (int)(i / (size_t)s->freq), ep = (int)(i % (size_t)s->freq) + 1;
		char date[48] = "";
		if (s->date) {
			int m, d;
			civil_from(s->date[i], &y, &m, &d);
			snprintf(date, sizeof date, ",%04d-%02d-%02d", y, m, d);
			ep = s->freq == 12 ? m : s->freq == 52 ? (int)((s->date[i] - civil_days(y, 1, 1)) / 7) + 1
								: (int)(s->date[i] - civil_days(y, 1, 1)) + 1;
		}
		if (isnan(s->y[i]))
			fprintf(f, "%zu,%d,%d,NA%s\n", i + 1, y, ep, date);
		else
			fprintf(f, "%zu,%d,%d,%.17g%s\n", i + 1, y, ep, s->y[i], date);
	}
	fclose(f);
}

/* ---- jobs ----------------------------------------------------------------- */

typedef enum kind { K_EARS, K_FARRINGTON, K_FLEXIBLE } kind;

typedef struct job {
	int id;
	series *s;
	kind k;
	size_t from, to; /* 0-based inclusive */
	ears_params ep;
	farrington_params fp;
	farrington_flex_params xp;
	bool via_cli;
	bool via_run;
} job;

static job jobs[MAX_JOBS];
static size_t n_jobs;

static job *add_job(series *s, kind k, size_t from, size_t to)
{
	assert_true(n_jobs < MAX_JOBS);
	job *j = &jobs[n_jobs];
	memset(j, 0, sizeof *j);
	j->id = (int)n_jobs + 1;
	n_jobs++;
	j->s = s;
	j->k = k;
	j->from = from;
	j->to = to;
	farrington_params_init(&j->fp);
	farrington_flex_params_init(&j->xp);
	return j;
}

static void add_ears_jobs(series *s, bool sparse)
{
	for (int m = 1; m <= 3; m++) {
		ears_params p;
		ears_params_init(&p, (ears_method)m);
		job *j = add_job(s, K_EARS, ears_first(&p), s->n - 1);
		j->ep = p;
		if (sparse) {
			j = add_job(s, K_EARS, ears_first(&p) + 1, s->n - 1);
			j->ep = p;
			j->ep.min_sigma = 0.5;
			j->ep.baseline = 10;
			j->ep.min_sigma = 0.5;
			j->from = ears_first(&j->ep);
		}
	}
}

/* The last `len` points, not before `first`. */
static size_t tail_from(const series *s, size_t first, size_t len)
{
	size_t f = s->n > len ? s->n - len : 0;
	return f < first ? first : f;
}

/* Farrington and flexible jobs with parameters a user would choose for
 * the series' frequency and length. */
static void add_farrington_jobs(series *s, int b, int w, bool variants)
{
	aber_series as = { .observed = s->y, .date = s->date, .n = s->n, .freq = s->freq };
	job *j = add_job(s, K_FARRINGTON, 0, s->n - 1);
	j->fp.b = b;
	j->fp.w = w;
	size_t first = farrington_first(&j->fp, &as);
	j->from = tail_from(s, first, 18);
	if (variants) {
		job *v = add_job(s, K_FARRINGTON, j->from, j->to);
		v->fp = j->fp;
		v->fp.reweight = false;
		v->fp.alpha = 0.01;
		v->fp.powertrans = FARRINGTON_POW_1_2;
		v = add_job(s, K_FARRINGTON, j->from, j->to);
		v->fp = j->fp;
		v->fp.trend = false;
		v->fp.powertrans = FARRINGTON_POW_NONE;
	}
	/* flexible: R's defaults, then Noufaily's recommendations (nbPlugin),
	 * then the "muan" threshold with a seasonal factor */
	job *x = add_job(s, K_FLEXIBLE, 0, s->n - 1);
	x->xp.b = b;
	x->xp.w = w;
	size_t ffirst = farrington_flex_first(&x->xp, &as);
	x->from = tail_from(s, ffirst, 14);
	job *x2 = add_job(s, K_FLEXIBLE, x->from, x->to);
	x2->xp = x->xp;
	x2->xp.no_periods = 10;
	x2->xp.past_weeks_not_included = s->freq == 365 ? 7 : s->freq == 12 ? 3 : 26;
	x2->xp.threshold = FARRINGTON_NBPLUGIN;
	x2->xp.alpha = 0.01;
	job *x3 = add_job(s, K_FLEXIBLE, x->from, x->to);
	x3->xp = x->xp;
	x3->xp.no_periods = 4;
	x3->xp.threshold = FARRINGTON_MUAN;
	x3->xp.p_threshold_trend = 1;
	x3->xp.weights_threshold = 1;
	/* and the very first point of R's default range */
	job *e = add_job(s, K_FLEXIBLE, ffirst, ffirst + 1);
	e->xp = x->xp;
}

/* ---- R -------------------------------------------------------------------- */

static const char r_script[] =
	"suppressMessages(library(surveillance))\n"
	"args <- commandArgs(TRUE)\n"
	"jobs <- read.csv(args[1], stringsAsFactors = FALSE)\n"
	"out <- file(args[2], 'w')\n"
	"f17 <- function(x) ifelse(is.na(x), 'NA', sprintf('%.17g', as.numeric(x)))\n"
	"cache <- list()\n"
	"for (i in seq_len(nrow(jobs))) {\n"
	"  j <- jobs[i, ]\n"
	"  d <- read.csv(j$file, stringsAsFactors = FALSE)\n"
	"  s <- if ('date' %in% names(d))\n"
	"    sts(observed = d$observed, epoch = as.numeric(as.Date(d$date)),\n"
	"        epochAsDate = TRUE, frequency = j$freq)\n"
	"  else sts(observed = d$observed, start = c(d$year[1], d$epoch_in_year[1]),\n"
	"           frequency = j$freq)\n"
	"  rng <- j$from:j$to\n"
	"  res <- tryCatch(suppressWarnings({\n"
	"    if (j$method %in% c('C1', 'C2', 'C3')) {\n"
	"      r <- earsC(s, control = list(range = rng, method = j$method,\n"
	"        baseline = j$baseline, alpha = j$alpha, minSigma = j$minSigma))\n"
	"      cbind(upperbound(r)[, 1], alarms(r)[, 1], NA, NA, NA, NA, NA, NA, NA)\n"
	"    } else if (j$method == 'farrington') {\n"
	"      r <- algo.farrington(sts2disProg(s), control = list(range = rng, b = j$b,\n"
	"        w = j$w, alpha = j$alpha, reweight = as.logical(j$reweight),\n"
	"        trend = as.logical(j$trend), powertrans = j$powertrans))\n"
	"      cbind(r$upperbound[, 1], r$alarm[, 1], r$trend[, 1], r$control$pd[, 1],\n"
	"            r$control$pd[, 2], NA, NA, NA, NA)\n"
	"    } else {\n"
	"      ctl <- list(range = rng, b = j$b, w = j$w, alpha = j$alpha,\n"
	"        reweight = as.logical(j$reweight), trend = as.logical(j$trend),\n"
	"        powertrans = j$powertrans, noPeriods = j$noPeriods,\n"
	"        weightsThreshold = j$weightsThreshold,\n"
	"        pThresholdTrend = j$pThresholdTrend, thresholdMethod = j$thresholdMethod)\n"
	"      if (!is.na(j$pastWeeks)) ctl$pastWeeksNotIncluded <- j$pastWeeks\n"
	"      r <- farringtonFlexible(s, control = ctl)\n"
	"      k <- r@control\n"
	"      cbind(upperbound(r)[, 1], alarms(r)[, 1], k$trend[, 1], k$expected[, 1],\n"
	"            k$score[, 1], k$pvalue[, 1], k$mu0Vector[, 1], k$phiVector[, 1],\n"
	"            k$trendVector[, 1])\n"
	"    }\n"
	"  }), error = function(e) conditionMessage(e))\n"
	"  if (is.character(res)) {\n"
	"    writeLines(paste(j$id, 'ERROR', gsub('[,\\n]', ' ', res[1]), sep = ','), out)\n"
	"  } else for (t in seq_along(rng))\n"
	"    writeLines(paste(c(j$id, rng[t], f17(res[t, ])), collapse = ','), out)\n"
	"}\n"
	"close(out)\n";

static const char *ears_name(ears_method m)
{
	return m == EARS_C1 ? "C1" : m == EARS_C2 ? "C2" : "C3";
}

static const char *pt_name(farrington_powertrans p)
{
	return p == FARRINGTON_POW_1_2 ? "1/2" : p == FARRINGTON_POW_NONE ? "none" : "2/3";
}

static const char *thr_name(farrington_threshold t)
{
	return t == FARRINGTON_NBPLUGIN ? "nbPlugin" : t == FARRINGTON_MUAN ? "muan" : "delta";
}

static void write_jobs(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("id,file,freq,method,from,to,baseline,alpha,minSigma,b,w,reweight,trend,"
	      "powertrans,noPeriods,weightsThreshold,pastWeeks,pThresholdTrend,thresholdMethod\n",
	      f);
	for (size_t i = 0; i < n_jobs; i++) {
		job *j = &jobs[i];
		if (j->k == K_EARS)
			fprintf(f, "%d,%s,%d,%s,%zu,%zu,%d,%.17g,%.17g,0,0,TRUE,TRUE,2/3,1,0,NA,0,delta\n",
				j->id, j->s->path, j->s->freq, ears_name(j->ep.method), j->from + 1,
				j->to + 1, j->ep.baseline, j->ep.alpha, j->ep.min_sigma);
		else if (j->k == K_FARRINGTON)
			fprintf(f, "%d,%s,%d,farrington,%zu,%zu,0,%.17g,0,%d,%d,%s,%s,%s,1,0,NA,0,delta\n",
				j->id, j->s->path, j->s->freq, j->from + 1, j->to + 1, j->fp.alpha,
				j->fp.b, j->fp.w, j->fp.reweight ? "TRUE" : "FALSE",
				j->fp.trend ? "TRUE" : "FALSE", pt_name(j->fp.powertrans));
		else {
			char pw[16] = "NA";
			if (j->xp.past_weeks_not_included >= 0)
				snprintf(pw, sizeof pw, "%d", j->xp.past_weeks_not_included);
			fprintf(f, "%d,%s,%d,flexible,%zu,%zu,0,%.17g,0,%d,%d,%s,%s,%s,%d,%.17g,%s,%.17g,%s\n",
				j->id, j->s->path, j->s->freq, j->from + 1, j->to + 1, j->xp.alpha,
				j->xp.b, j->xp.w, j->xp.reweight ? "TRUE" : "FALSE",
				j->xp.trend ? "TRUE" : "FALSE", pt_name(j->xp.powertrans),
				j->xp.no_periods, j->xp.weights_threshold, pw, j->xp.p_threshold_trend,
				thr_name(j->xp.threshold));
		}
	}
	fclose(f);
}

/* ---- comparing ---------------------------------------------------------- */

static double max_rel;
static size_t n_points, n_values, n_alarms_set, n_errors_agreed;

/* "flexible b=3 w=2 ..." for messages. */
static const char *job_desc(const job *j)
{
	static char buf[256];
	if (j->k == K_EARS)
		snprintf(buf, sizeof buf, "ears %s baseline=%d alpha=%g minSigma=%g",
			 j->ep.method == EARS_C1 ? "C1" : j->ep.method == EARS_C2 ? "C2" : "C3",
			 j->ep.baseline, j->ep.alpha, j->ep.min_sigma);
	else if (j->k == K_FARRINGTON)
		snprintf(buf, sizeof buf, "farrington b=%d w=%d alpha=%g reweight=%d trend=%d",
			 j->fp.b, j->fp.w, j->fp.alpha, j->fp.reweight, j->fp.trend);
	else
		snprintf(buf, sizeof buf, "flexible b=%d w=%d alpha=%g noPeriods=%d pastWeeks=%d "
			 "threshold=%d wthr=%g ptrend=%g", j->xp.b, j->xp.w, j->xp.alpha,
			 j->xp.no_periods, j->xp.past_weeks_not_included, (int)j->xp.threshold,
			 j->xp.weights_threshold, j->xp.p_threshold_trend);
	return buf;
}

static void check_value(const job *j, size_t t, const char *what, double got, double want)
{
	n_values++;
	if (isnan(got) || isnan(want)) {
		if (isnan(got) && isnan(want))
			return;
		fail_msg("job %d (%s %s) time point %zu %s: got %.17g, R %.17g", j->id,
			 j->s->name, j->k == K_EARS ? "ears" : j->k == K_FARRINGTON ? "farrington"
			 : "flexible", t + 1, what, got, want);
	}
	if (got == want)
		return;
	double r = fabs(got - want) / fmax(fabs(got), fabs(want));
	if (r > max_rel)
		max_rel = r;
	if (r > REL_TOL)
		fail_msg("job %d (%s, %s) time point %zu %s: got %.17g, R %.17g (rel %.3g)",
			 j->id, j->s->name, job_desc(j), t + 1, what, got, want, r);
}

static void check_flag(const job *j, size_t t, const char *what, int8_t got, double want)
{
	double g = got == ABER_NA ? NAN : got;
	if (isnan(g) && isnan(want))
		return;
	if (g != want)
		fail_msg("job %d (%s) time point %zu %s: got %g, R %g", j->id, j->s->name, t + 1,
			 what, g, want);
	if (!strcmp(what, "alarm") && g == 1)
		n_alarms_set++;
}

static double num(const char *s)
{
	return strcmp(s, "NA") ? strtod(s, NULL) : NAN;
}

/* Evaluate job j at t; 0 or the engine's error. */
static int evaluate(farrington_work *w, const job *j, size_t t, farrington_point *pt)
{
	aber_series as = { .observed = j->s->y, .date = j->s->date, .n = j->s->n,
			   .freq = j->s->freq };
	jy_err e;
	err_clear(&e);
	if (j->k == K_EARS) {
		memset(pt, 0, sizeof *pt);
		ears_at(&j->ep, j->s->y, t, &pt->upperbound, &pt->alarm);
		return 0;
	}
	if (j->k == K_FARRINGTON)
		return farrington_at(w, &j->fp, &as, t, pt, &e);
	return farrington_flex_at(w, &j->xp, &as, t, pt, &e);
}

static void compare_point(const job *j, size_t t, const farrington_point *pt,
			  const table *rt, size_t row)
{
	n_points++;
	check_value(j, t, "upperbound", pt->upperbound, num(table_cell(rt, row, 2)));
	check_flag(j, t, "alarm", pt->alarm, num(table_cell(rt, row, 3)));
	if (j->k == K_FARRINGTON) {
		check_flag(j, t, "trend", pt->trend, num(table_cell(rt, row, 4)));
		check_value(j, t, "pd_q", pt->pd_q, num(table_cell(rt, row, 5)));
		check_value(j, t, "pd_median", pt->pd_median, num(table_cell(rt, row, 6)));
	} else if (j->k == K_FLEXIBLE) {
		check_flag(j, t, "trend", pt->trend, num(table_cell(rt, row, 4)));
		check_value(j, t, "expected", pt->expected, num(table_cell(rt, row, 5)));
		check_value(j, t, "score", pt->score, num(table_cell(rt, row, 6)));
		check_value(j, t, "pvalue", pt->pvalue, num(table_cell(rt, row, 7)));
		check_value(j, t, "mu0Vector", pt->mu0, num(table_cell(rt, row, 8)));
		check_value(j, t, "phiVector", pt->phi, num(table_cell(rt, row, 9)));
		check_value(j, t, "trendVector", pt->trend_coef, num(table_cell(rt, row, 10)));
	}
}

/* The same job through `jinyun aberration`: its upper bounds and alarms
 * must equal the engine's (already compared with R) for every row. */
static void compare_cli(farrington_work *w, const job *j)
{
	char args[1200];
	int len;
	if (j->k == K_EARS)
		len = snprintf(args, sizeof args, "ears --method %s --baseline %d --alpha %.17g "
			       "--min-sigma %.17g", ears_name(j->ep.method), j->ep.baseline,
			       j->ep.alpha, j->ep.min_sigma);
	else if (j->k == K_FARRINGTON)
		len = snprintf(args, sizeof args, "farrington --b %d --w %d --alpha %.17g%s%s "
			       "--powertrans %s", j->fp.b, j->fp.w, j->fp.alpha,
			       j->fp.reweight ? "" : " --no-reweight", j->fp.trend ? "" : " --no-trend",
			       pt_name(j->fp.powertrans));
	else
		len = snprintf(args, sizeof args, "flexible --b %d --w %d --alpha %.17g "
			       "--no-periods %d --weights-threshold %.17g --p-threshold-trend %.17g "
			       "--threshold-method %s", j->xp.b, j->xp.w, j->xp.alpha,
			       j->xp.no_periods, j->xp.weights_threshold, j->xp.p_threshold_trend,
			       thr_name(j->xp.threshold));
	if (j->k == K_FLEXIBLE && j->xp.past_weeks_not_included >= 0)
		len += snprintf(args + len, sizeof args - (size_t)len,
				" --past-weeks-not-included %d", j->xp.past_weeks_not_included);
	if (j->k != K_EARS)
		len += snprintf(args + len, sizeof args - (size_t)len, " --freq %d", j->s->freq);
	snprintf(args + len, sizeof args - (size_t)len, " --range %zu:%zu '%s'", j->from + 1,
		 j->to + 1, j->s->path);
	size_t n = strlen(tu_jinyun_bin()) + strlen(args) + 32;
	char *cmd = malloc(n);
	snprintf(cmd, n, "'%s' aberration %s", tu_jinyun_bin(), args);
	char *out, *err;
	int rc = tu_run(cmd, NULL, &out, &err);
	if (rc != 0)
		fail_msg("%s: exit %d: %s", cmd, rc, err);
	table *t = NULL;
	jy_err e;
	assert_int_equal(csv_read_buffer("cli", out, strlen(out), &t, &e), 0);
	assert_int_equal(t->nrows, j->s->n + 1);
	for (size_t i = 0; i < j->s->n; i++) {
		double ub = num(table_cell(t, i + 1, 2)), al = num(table_cell(t, i + 1, 3));
		if (i < j->from || i > j->to) {
			assert_true(isnan(ub) && isnan(al));
			continue;
		}
		farrington_point pt;
		assert_int_equal(evaluate(w, j, i, &pt), 0);
		assert_true((isnan(ub) && isnan(pt.upperbound)) || ub == pt.upperbound);
		assert_true((isnan(al) && pt.alarm == ABER_NA) || al == pt.alarm);
	}
	table_free(t);
	free(out);
	free(err);
	free(cmd);
}

/* The *_run entry points give what the per-point ones give. */
static void compare_run(farrington_work *w, const job *j)
{
	aber_series as = { .observed = j->s->y, .date = j->s->date, .n = j->s->n,
			   .freq = j->s->freq };
	size_t n = j->s->n;
	double *ub = malloc(n * sizeof(double));
	int8_t *al = malloc(n);
	jy_err e;
	int rc = j->k == K_EARS ? ears_run(&j->ep, j->s->y, n, j->from, j->to, ub, al, &e)
		 : j->k == K_FARRINGTON
			 ? farrington_run(w, &j->fp, &as, j->from, j->to, ub, al, NULL, &e)
			 : farrington_flex_run(w, &j->xp, &as, j->from, j->to, ub, al, NULL, &e);
	assert_int_equal(rc, 0);
	for (size_t t = j->from; t <= j->to; t++) {
		farrington_point pt;
		assert_int_equal(evaluate(w, j, t, &pt), 0);
		assert_true((isnan(ub[t]) && isnan(pt.upperbound)) || ub[t] == pt.upperbound);
		assert_int_equal(al[t], pt.alarm);
	}
	free(ub);
	free(al);
}

static int have_r(void)
{
	char *out = NULL, *err = NULL;
	int rc = tu_run("command -v Rscript >/dev/null && Rscript -e "
			"'suppressMessages(library(surveillance)); cat(\"ok\")'",
			NULL, &out, &err);
	int ok = rc == 0 && out && strstr(out, "ok");
	free(out);
	free(err);
	return ok;
}

static void test_engines_match_r_on_random_and_real_series(void **state)
{
	(void)state;
	const char *data = tu_data_dir();
	if (!data)
		skip();
	if (!have_r()) {
		fprintf(stderr, "skipped: Rscript with library(surveillance) not available\n");
		skip();
	}
	char *dir = tu_tmpdir();
	assert_non_null(dir);

	make_random_series();
	const char *ha[] = { "chwi", "mitt", "total" };
	load_dataset(data, "ha.sts.csv", 52, ha, 3);
	const char *obs[] = { "observed" };
	const char *weekly[] = { "shadar.csv", "hepatitisA.csv", "k1.csv", "m1.csv", "s1.csv",
				 "q2.csv" };
	for (size_t i = 0; i < sizeof weekly / sizeof *weekly; i++)
		load_dataset(data, weekly[i], 52, obs, 1);
	const char *influ[] = { "meningococcus" };
	load_dataset(data, "influMen.csv", 52, influ, 1);
	const char *newport[] = { "Bavaria", "total" };
	load_dataset(data, "salmNewport.csv", 52, newport, 2);
	const char *momo[] = { "85_Inf" };
	load_dataset(data, "momo.csv", 52, momo, 1);
	const char *rota[] = { "00-04" };
	load_dataset(data, "rotaBB.csv", 12, rota, 1);
	const char *campy[] = { "case" };
	load_dataset(data, "campyDE.csv", 52, campy, 1);
	const char *hus[] = { "count" };
	load_dataset(data, "husO104Hosp_daily.csv", 365, hus, 1);

	for (size_t i = 0; i < n_series; i++) {
		series *s = &all_series[i];
		write_series(s, dir);
		bool sparse = strstr(s->name, "sparse") || strstr(s->name, "chwi") ||
			      strstr(s->name, "zero") || strstr(s->name, "constant");
		add_ears_jobs(s, sparse);
		if (s->n < 120)
			continue; /* too short for Farrington (husO104: 59 days) */
		if (s->freq == 365)
			add_farrington_jobs(s, 2, 7, false);
		else if (s->freq == 12)
			add_farrington_jobs(s, 5, 2, false);
		else if (s->n >= 52 * 5 + 20)
			add_farrington_jobs(s, 5, 3, i % 3 == 0);
		else
			add_farrington_jobs(s, 3, 2, true);
	}
	/* a few jobs also through the *_run functions and through the binary */
	for (size_t i = 0; i < n_jobs; i += 7)
		jobs[i].via_run = true;
	for (size_t i = 3; i < n_jobs; i += 19)
		jobs[i].via_cli = true;

	char jobs_path[700], out_path[700], script_path[700];
	snprintf(jobs_path, sizeof jobs_path, "%s/jobs.csv", dir);
	snprintf(out_path, sizeof out_path, "%s/r_out.csv", dir);
	write_jobs(jobs_path);
	char *sp = tu_write_file(dir, "run.R", r_script, (size_t)-1);
	snprintf(script_path, sizeof script_path, "%s", sp);
	free(sp);
	char cmd[2400];
	snprintf(cmd, sizeof cmd, "Rscript '%s' '%s' '%s'", script_path, jobs_path, out_path);
	char *rout, *rerr;
	int rc = tu_run(cmd, NULL, &rout, &rerr);
	if (rc != 0)
		fail_msg("Rscript failed (%d): %s", rc, rerr);
	free(rout);
	free(rerr);

	table *rt = NULL;
	jy_err e;
	err_clear(&e);
	assert_int_equal(csv_read_file(out_path, &rt, &e), 0);
	farrington_work *w = farrington_work_new();
	size_t row = 0;
	for (size_t i = 0; i < n_jobs; i++) {
		job *j = &jobs[i];
		if (row < rt->nrows && !strcmp(table_cell(rt, row, 1), "ERROR") &&
		    atoi(table_cell(rt, row, 0)) == j->id) {
			/* R stopped: so must we, somewhere in the range */
			int any = 0;
			for (size_t t = j->from; t <= j->to && !any; t++) {
				farrington_point pt;
				any = evaluate(w, j, t, &pt) != 0;
			}
			if (!any)
				fail_msg("job %d (%s): R stopped (%s) but the engine did not", j->id,
					 j->s->name, table_cell(rt, row, 2));
			n_errors_agreed++;
			row++;
			continue;
		}
		for (size_t t = j->from; t <= j->to; t++, row++) {
			if (row >= rt->nrows || atoi(table_cell(rt, row, 0)) != j->id ||
			    (size_t)atol(table_cell(rt, row, 1)) != t + 1)
				fail_msg("R output out of step at job %d, time point %zu", j->id, t + 1);
			farrington_point pt;
			jy_err pe;
			err_clear(&pe);
			if (evaluate(w, j, t, &pt) != 0)
				fail_msg("job %d (%s) time point %zu: engine failed where R did not",
					 j->id, j->s->name, t + 1);
			compare_point(j, t, &pt, rt, row);
		}
		if (j->via_run)
			compare_run(w, j);
		if (j->via_cli)
			compare_cli(w, j);
	}
	assert_int_equal(row, rt->nrows);
	printf("# %zu series, %zu jobs, %zu time points, %zu values compared with R; "
		      "%zu alarms; %zu R errors matched; max relative difference %.3g\n",
	       n_series, n_jobs, n_points, n_values, n_alarms_set, n_errors_agreed, max_rel);
	farrington_work_free(w);
	table_free(rt);
	for (size_t i = 0; i < n_series; i++) {
		free(all_series[i].y);
		free(all_series[i].date);
	}
	tu_rmtree_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engines_match_r_on_random_and_real_series),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
