/*
 * test_aberration.c — the aberration engines (src/engine/ears.c,
 * farrington.c, glm.c, dist.c) and `jinyun aberration` against the
 * reference outputs of R's surveillance 1.20.3 in
 * $JINYUN_DATA/r-surveillance/reference_outputs/: every file there is
 * checked (upper bounds and every extra column within 1e-9 relative,
 * alarms identical), through the library and through the binary.  Then
 * the distribution functions against values printed by R, the corner cases
 * R resolves in its own way (constant baselines, NA, all-zero series), the
 * "today" entry points against the range ones, and the command's answers to
 * bad input and bad usage.
 *
 * The comparisons with R on other series (run live) are in
 * test_aberration_r.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/aberration.h"
#include "engine/dist.h"
#include "testutil.h"
#include "util/table.h"

#define REL_TOL 1e-9

static double max_rel_seen;

/* got ~ want within REL_TOL relative, NA only against NA. */
static int close_enough(double got, double want)
{
	if (isnan(got) || isnan(want))
		return isnan(got) && isnan(want);
	if (got == want)
		return 1;
	double r = fabs(got - want) / fmax(fabs(got), fabs(want));
	if (r > max_rel_seen)
		max_rel_seen = r;
	return r <= REL_TOL;
}

/* ---- reading CSV into columns ------------------------------------------ */

static char *ref_path(const char *name)
{
	char rel[512];
	snprintf(rel, sizeof rel, "r-surveillance/reference_outputs/%s", name);
	return tu_data_file(rel);
}

static long col_of(const table *t, const char *name)
{
	for (size_t j = 0; j < t->ncells[0]; j++)
		if (!strcmp(table_cell(t, 0, j), name))
			return (long)j;
	return -1;
}

/* Column `name` as numbers (NA -> NaN); n rows (header excluded). */
static double *column(const table *t, const char *name)
{
	long c = col_of(t, name);
	if (c < 0)
		fail_msg("column %s missing", name);
	size_t n = t->nrows - 1;
	double *v = malloc(n * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		const char *s = table_cell(t, i + 1, (size_t)c);
		v[i] = strcmp(s, "NA") ? strtod(s, NULL) : NAN;
	}
	return v;
}

static table *load_table(const char *path)
{
	table *t = NULL;
	jy_err e;
	err_clear(&e);
	if (csv_read_file(path, &t, &e) != 0)
		fail_msg("cannot read %s: %s", path, e.msg);
	return t;
}

static table *load_buffer(const char *name, const char *text)
{
	table *t = NULL;
	jy_err e;
	err_clear(&e);
	if (csv_read_buffer(name, text, strlen(text), &t, &e) != 0)
		fail_msg("cannot parse output of %s: %s", name, e.msg);
	return t;
}

/* Compare column gcol of got with column wcol of want, row by row. */
static void compare_column(const table *got, const char *gcol, const table *want,
			   const char *wcol, int exact, const char *what)
{
	assert_int_equal(got->nrows, want->nrows);
	double *g = column(got, gcol), *w = column(want, wcol);
	for (size_t i = 0; i + 1 < want->nrows; i++) {
		int ok = exact ? ((isnan(g[i]) && isnan(w[i])) || g[i] == w[i])
			       : close_enough(g[i], w[i]);
		if (!ok)
			fail_msg("%s: %s row idx %zu: got %.17g, R %.17g", what, wcol, i + 1, g[i],
				 w[i]);
	}
	free(g);
	free(w);
}

/* Compare one engine result (all rows; NA outside [from, to]) with R. */
static void compare_values(const double *got, const double *want, size_t n, size_t from,
			   size_t to, int exact, const char *what, size_t t_off)
{
	for (size_t i = 0; i < n; i++) {
		double g = (i >= from && i <= to) ? got[i] : NAN;
		int ok = exact ? ((isnan(g) && isnan(want[i])) || g == want[i])
			       : close_enough(g, want[i]);
		if (!ok)
			fail_msg("%s: time point %zu: got %.17g, R %.17g", what, i + 1 + t_off, g,
				 want[i]);
	}
}

static double alarm_value(int8_t a)
{
	return a == ABER_NA ? NAN : (double)a;
}

/* ---- the reference files ----------------------------------------------- */

/* Every reference file, and how R produced it (R_calls.txt). */
static const char *const reference_files[] = {
	"earsC_haTotal_alpha0.001.csv",
	"earsC_haChwi_alpha0.001_minSigma0.5.csv",
	"algo.farrington_salmonella.agona_b4w3_alpha0.01.csv",
	"farringtonFlexible_salmonella.agona_control1_helpExample.csv",
	"farringtonFlexible_salmonella.agona_control2_helpExample.csv",
	"input_haTotal.csv",
	"input_salmAgona.csv",
	"R_calls.txt",
};

static void test_reference_folder_has_only_known_files(void **state)
{
	(void)state;
	char *calls = ref_path("R_calls.txt");
	if (!calls)
		skip();
	char *dir = strdup(calls);
	*strrchr(dir, '/') = 0;
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		int known = 0;
		for (size_t i = 0; i < sizeof reference_files / sizeof *reference_files; i++)
			known |= !strcmp(de->d_name, reference_files[i]);
		if (!known)
			fail_msg("reference file %s is not compared by this test", de->d_name);
	}
	closedir(d);
	/* R_calls.txt names every output file it produced. */
	char *text = tu_read_file(calls, NULL);
	for (size_t i = 0; i < 5; i++) {
		char want[200];
		snprintf(want, sizeof want, "# -> %s", reference_files[i]);
		if (!strstr(text, want))
			fail_msg("R_calls.txt does not list %s", reference_files[i]);
	}
	free(text);
	free(dir);
	free(calls);
}

/* The input files are the observed columns of the result files. */
static void test_reference_inputs_match_result_series(void **state)
{
	(void)state;
	const char *pairs[][2] = {
		{ "input_haTotal.csv", "earsC_haTotal_alpha0.001.csv" },
		{ "input_salmAgona.csv", "algo.farrington_salmonella.agona_b4w3_alpha0.01.csv" },
		{ "input_salmAgona.csv", "farringtonFlexible_salmonella.agona_control1_helpExample.csv" },
		{ "input_salmAgona.csv", "farringtonFlexible_salmonella.agona_control2_helpExample.csv" },
	};
	for (size_t i = 0; i < 4; i++) {
		char *a = ref_path(pairs[i][0]), *b = ref_path(pairs[i][1]);
		if (!a || !b)
			skip();
		table *ta = load_table(a), *tb = load_table(b);
		const char *cols[] = { "idx", "year", "epoch_in_year", "observed" };
		for (int c = 0; c < 4; c++)
			compare_column(ta, cols[c], tb, cols[c], 1, pairs[i][0]);
		table_free(ta);
		table_free(tb);
		free(a);
		free(b);
	}
}

static void check_ears_file(const char *name, double min_sigma)
{
	char *path = ref_path(name);
	if (!path)
		skip();
	table *t = load_table(path);
	size_t n = t->nrows - 1;
	double *y = column(t, "observed");
	double *ub = malloc(n * sizeof(double));
	int8_t *al = malloc(n);
	double *alf = malloc(n * sizeof(double));
	for (int m = 1; m <= 3; m++) {
		ears_params p;
		ears_params_init(&p, (ears_method)m);
		p.alpha = 0.001;
		p.min_sigma = min_sigma;
		size_t from = ears_first(&p); /* R_calls: ranges 8:290, 10:290, 12:290 */
		assert_int_equal(from + 1, m == 1 ? 8 : m == 2 ? 10 : 12);
		jy_err e;
		assert_int_equal(ears_run(&p, y, n, from, n - 1, ub, al, &e), 0);
		char c[32];
		snprintf(c, sizeof c, "C%d_upperbound", m);
		double *want = column(t, c);
		compare_values(ub, want, n, from, n - 1, 0, c, 0);
		free(want);
		snprintf(c, sizeof c, "C%d_alarm", m);
		want = column(t, c);
		for (size_t i = 0; i < n; i++)
			alf[i] = alarm_value(al[i]);
		compare_values(alf, want, n, from, n - 1, 1, c, 0);
		free(want);
		/* today's entry point gives the same as the range */
		double u1;
		int8_t a1;
		ears_at(&p, y, n - 1, &u1, &a1);
		assert_true(u1 == ub[n - 1] || (isnan(u1) && isnan(ub[n - 1])));
		assert_int_equal(a1, al[n - 1]);
	}
	free(alf);
	free(ub);
	free(al);
	free(y);
	table_free(t);
	free(path);
}

static void test_ears_matches_reference_haTotal(void **state)
{
	(void)state;
	check_ears_file("earsC_haTotal_alpha0.001.csv", 0);
}

static void test_ears_matches_reference_haChwi_min_sigma(void **state)
{
	(void)state;
	check_ears_file("earsC_haChwi_alpha0.001_minSigma0.5.csv", 0.5);
}

/* Compare farrington_point fields with the named reference columns. */
static void compare_detail(const table *t, const farrington_point *det, size_t n, size_t from,
			   size_t to, const char *const *cols, size_t ncols, const char *what)
{
	double *v = malloc(n * sizeof(double));
	for (size_t c = 0; c < ncols; c++) {
		for (size_t i = 0; i < n; i++) {
			const farrington_point *d = &det[i];
			const char *name = cols[c];
			v[i] = !strcmp(name, "upperbound")    ? d->upperbound
			       : !strcmp(name, "alarm")       ? alarm_value(d->alarm)
			       : !strcmp(name, "trend")       ? alarm_value(d->trend)
			       : !strcmp(name, "pd_q")        ? d->pd_q
			       : !strcmp(name, "pd_median")   ? d->pd_median
			       : !strcmp(name, "expected")    ? d->expected
			       : !strcmp(name, "score")       ? d->score
			       : !strcmp(name, "pvalue")      ? d->pvalue
			       : !strcmp(name, "mu0Vector")   ? d->mu0
			       : !strcmp(name, "phiVector")   ? d->phi
			       : !strcmp(name, "trendVector") ? d->trend_coef
							      : NAN;
		}
		double *want = column(t, cols[c]);
		int exact = !strcmp(cols[c], "alarm") || !strcmp(cols[c], "trend");
		char label[200];
		snprintf(label, sizeof label, "%s %s", what, cols[c]);
		compare_values(v, want, n, from, to, exact, label, 0);
		free(want);
	}
	free(v);
}

static void test_farrington_matches_reference_salmonella_agona(void **state)
{
	(void)state;
	char *path = ref_path("algo.farrington_salmonella.agona_b4w3_alpha0.01.csv");
	if (!path)
		skip();
	table *t = load_table(path);
	size_t n = t->nrows - 1;
	double *y = column(t, "observed");
	aber_series s = { .observed = y, .n = n, .freq = 52 };
	farrington_params p;
	farrington_params_init(&p);
	p.b = 4;
	p.w = 3;
	p.alpha = 0.01;
	farrington_work *w = farrington_work_new();
	double *ub = malloc(n * sizeof(double));
	int8_t *al = malloc(n);
	farrington_point *det = calloc(n, sizeof *det);
	size_t from = n - 43, to = n - 1; /* range (nA - 42):nA */
	jy_err e;
	assert_int_equal(farrington_run(w, &p, &s, from, to, ub, al, det, &e), 0);
	const char *cols[] = { "upperbound", "alarm", "trend", "pd_q", "pd_median" };
	compare_detail(t, det, n, from, to, cols, 5, "algo.farrington");
	/* today alone, with the same (reused) workspace */
	farrington_point today;
	assert_int_equal(farrington_at(w, &p, &s, n - 1, &today, &e), 0);
	assert_true(today.upperbound == ub[n - 1]);
	farrington_work_free(w);
	free(det);
	free(ub);
	free(al);
	free(y);
	table_free(t);
	free(path);
}

static void check_flexible_file(const char *name, int control)
{
	char *path = ref_path(name);
	if (!path)
		skip();
	table *t = load_table(path);
	size_t n = t->nrows - 1;
	double *y = column(t, "observed");
	aber_series s = { .observed = y, .n = n, .freq = 52 };
	farrington_flex_params p;
	farrington_flex_params_init(&p);
	p.b = 4;
	p.w = 3;
	p.alpha = 0.1;
	if (control == 1) {
		p.no_periods = 1;
		p.weights_threshold = 1;
		p.past_weeks_not_included = 3;
		p.p_threshold_trend = 0.05;
	} else {
		p.no_periods = 10;
		p.weights_threshold = 2.58;
		p.past_weeks_not_included = 26;
		p.p_threshold_trend = 1;
	}
	farrington_work *w = farrington_work_new();
	double *ub = malloc(n * sizeof(double));
	int8_t *al = malloc(n);
	farrington_point *det = calloc(n, sizeof *det);
	jy_err e;
	assert_int_equal(farrington_flex_run(w, &p, &s, 281, 311, ub, al, det, &e), 0);
	const char *cols[] = { "upperbound", "alarm", "expected", "score", "pvalue",
			       "mu0Vector", "phiVector", "trendVector", "trend" };
	compare_detail(t, det, n, 281, 311, cols, 9, name);
	farrington_work_free(w);
	free(det);
	free(ub);
	free(al);
	free(y);
	table_free(t);
	free(path);
}

static void test_flexible_matches_reference_control1(void **state)
{
	(void)state;
	check_flexible_file("farringtonFlexible_salmonella.agona_control1_helpExample.csv", 1);
}

static void test_flexible_matches_reference_control2_noufaily(void **state)
{
	(void)state;
	check_flexible_file("farringtonFlexible_salmonella.agona_control2_helpExample.csv", 2);
}

/* ---- the command on the reference files ------------------------------- */

/* Run `jinyun aberration ARGS`; exit status, stdout and stderr. */
static int run_cmd(const char *args, char **out, char **err)
{
	size_t n = strlen(tu_jinyun_bin()) + strlen(args) + 32;
	char *cmd = malloc(n);
	snprintf(cmd, n, "'%s' aberration %s", tu_jinyun_bin(), args);
	int rc = tu_run(cmd, NULL, out, err);
	free(cmd);
	return rc;
}

/* Run the command and compare columns with a reference file. */
static void cli_compare(const char *args, const char *input, const char *ref,
			const char *const *pairs, size_t npairs)
{
	char *in = ref_path(input), *rp = ref_path(ref);
	if (!in || !rp)
		skip();
	char full[2048];
	snprintf(full, sizeof full, "%s '%s'", args, in);
	char *out, *err;
	int rc = run_cmd(full, &out, &err);
	if (rc != 0)
		fail_msg("jinyun aberration %s: exit %d: %s", full, rc, err);
	table *got = load_buffer(args, out), *want = load_table(rp);
	assert_string_equal(table_cell(got, 0, 0), "idx");
	assert_string_equal(table_cell(got, 0, 1), "observed");
	assert_string_equal(table_cell(got, 0, 2), "upperbound");
	assert_string_equal(table_cell(got, 0, 3), "alarm");
	compare_column(got, "idx", want, "idx", 1, args);
	compare_column(got, "observed", want, "observed", 1, args);
	for (size_t i = 0; i < npairs; i++) {
		const char *g = pairs[2 * i], *w = pairs[2 * i + 1];
		int exact = strstr(w, "alarm") || !strcmp(w, "trend");
		compare_column(got, g, want, w, exact, args);
	}
	table_free(got);
	table_free(want);
	free(out);
	free(err);
	free(in);
	free(rp);
}

static void test_cli_matches_reference_ears(void **state)
{
	(void)state;
	const char *m[] = { "C1", "C2", "C3" };
	for (int i = 0; i < 3; i++) {
		char args[200], ubc[32], alc[32];
		snprintf(ubc, sizeof ubc, "%s_upperbound", m[i]);
		snprintf(alc, sizeof alc, "%s_alarm", m[i]);
		const char *pairs[] = { "upperbound", ubc, "alarm", alc };
		snprintf(args, sizeof args, "ears --method %s --alpha 0.001", m[i]);
		cli_compare(args, "input_haTotal.csv", "earsC_haTotal_alpha0.001.csv", pairs, 2);
		/* no input file for haChwi: the result file itself is a valid input
		 * (extra columns are ignored) */
		snprintf(args, sizeof args, "ears --method %s --alpha 0.001 --min-sigma 0.5 "
			 "--baseline 7", m[i]);
		cli_compare(args, "earsC_haChwi_alpha0.001_minSigma0.5.csv",
			    "earsC_haChwi_alpha0.001_minSigma0.5.csv", pairs, 2);
	}
}

static void test_cli_matches_reference_farrington(void **state)
{
	(void)state;
	const char *pairs[] = { "upperbound", "upperbound", "alarm", "alarm", "trend", "trend",
				"pd_q", "pd_q", "pd_median", "pd_median" };
	cli_compare("farrington --b 4 --w 3 --alpha 0.01 --range 270:312", "input_salmAgona.csv",
		    "algo.farrington_salmonella.agona_b4w3_alpha0.01.csv", pairs, 5);
}

static void test_cli_matches_reference_flexible(void **state)
{
	(void)state;
	const char *pairs[] = { "upperbound", "upperbound", "alarm", "alarm",
				"expected", "expected", "score", "score", "pvalue", "pvalue",
				"mu0Vector", "mu0Vector", "phiVector", "phiVector",
				"trendVector", "trendVector", "trend", "trend" };
	cli_compare("flexible --range 282:312 --no-periods 1 --b 4 --w 3 --weights-threshold 1 "
		    "--past-weeks-not-included 3 --p-threshold-trend 0.05 --alpha 0.1",
		    "input_salmAgona.csv",
		    "farringtonFlexible_salmonella.agona_control1_helpExample.csv", pairs, 9);
	cli_compare("flexible --range 282:312 --no-periods 10 --b 4 --w 3 "
		    "--weights-threshold 2.58 --past-weeks-not-included 26 "
		    "--p-threshold-trend 1 --alpha 0.1",
		    "input_salmAgona.csv",
		    "farringtonFlexible_salmonella.agona_control2_helpExample.csv", pairs, 9);
	printf("# max relative difference to R's reference outputs: %.3g\n", max_rel_seen);
}

/* ---- distribution functions against R 4.2.2 --------------------------- */

static void test_dist_matches_r_values(void **state)
{
	(void)state;
	/* qnorm is AS 241 like R's: bit-identical */
	const double p[] = { 0.999, 0.975, 0.95, 0.9, 1e-10, 0.02, 1 - 1e-12 };
	const double q[] = { 3.0902323061678132, 1.9599639845400536, 1.6448536269514715,
			     1.2815515655446008, -6.3613409024040557, -2.0537489106318225,
			     7.0344869100478356 };
	for (int i = 0; i < 7; i++)
		assert_true(dist_qnorm(p[i], 0, 1) == q[i]);
	assert_true(dist_qnorm(0.5, 3.25, 2) == 3.25);
	assert_true(isinf(dist_qnorm(1, 0, 1)) && dist_qnorm(0, 0, 1) < 0);
	assert_true(close_enough(dist_pnorm(-3.2, 0, 1, 1), 0.00068713793791584806));
	assert_true(close_enough(dist_pnorm(0.7, 0, 1, 1), 0.75803634777692697));
	assert_true(close_enough(dist_pnorm(5.5, 0, 1, 1), 0.99999998101043752));
	assert_true(close_enough(dist_pnorm(5.5, 0, 1, 0), 1.8989562465887721e-08));
	assert_true(close_enough(dist_pt(-2.1, 19), 0.024657199121636712));
	assert_true(close_enough(dist_pt(0.3, 7), 0.61355497479893284));
	assert_true(close_enough(dist_pt(-5, 3), 0.0076962190366511481));
	assert_true(dist_qnbinom(0.95, 2.5, 0.3) == 14);
	assert_true(dist_qnbinom(0.9, 1e-9, 0.5) == 0);
	assert_true(dist_qnbinom(0.99, 1e6, 1 / 1.000001) == 4);
	assert_true(dist_qpois(0.95, 3.3) == 7);
	assert_true(dist_qpois(0.999, 1e-11) == 0);
	assert_true(dist_qpois(0.95, 1234.5) == 1293);
	assert_true(close_enough(dist_pnbinom_upper(6, 2.5, 0.3), 0.35877753702827891));
	assert_true(close_enough(dist_ppois_upper(9, 3.3), 0.0021945433127377664));
	assert_true(dist_pnbinom_upper(-1, 2, 0.5) == 1);
}

/* ---- corner cases R resolves its own way ------------------------------- */

/* sts(observed = c(rep(5, 12), 5, 6, 5, 7)), earsC alpha 0.001, minSigma 0:
 * a constant baseline gives UB = mean (alarm iff y > 5) and C3 NaN. */
static void test_ears_constant_baseline_like_r(void **state)
{
	(void)state;
	const double y[] = { 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 5, 7 };
	ears_params p;
	double ub;
	int8_t al;
	ears_params_init(&p, EARS_C1);
	ears_at(&p, y, 7, &ub, &al);
	assert_true(ub == 5 && al == 0);
	ears_at(&p, y, 13, &ub, &al);
	assert_true(ub == 5 && al == 1);
	ears_at(&p, y, 15, &ub, &al);
	assert_true(close_enough(ub, 6.310855) || fabs(ub - 6.310855) < 1e-6);
	assert_int_equal(al, 1);
	ears_params_init(&p, EARS_C3);
	ears_at(&p, y, 11, &ub, &al);
	assert_true(isnan(ub) && al == ABER_NA);
	/* minSigma > 0 removes the NaN */
	p.min_sigma = 0.5;
	ears_at(&p, y, 11, &ub, &al);
	assert_false(isnan(ub));
}

static void test_ears_na_in_baseline_gives_na(void **state)
{
	(void)state;
	double y[20];
	for (int i = 0; i < 20; i++)
		y[i] = i % 3;
	y[10] = NAN;
	ears_params p;
	ears_params_init(&p, EARS_C1);
	double ub;
	int8_t al;
	ears_at(&p, y, 12, &ub, &al);
	assert_true(isnan(ub) && al == ABER_NA);
	ears_at(&p, y, 18, &ub, &al);
	assert_false(isnan(ub));
}

/* An all-zero weekly series (R: algo.farrington b=3 w=2 gives UB 0, no
 * alarm, pd_q 0.4999981, pd_median 1.026188e-11; farringtonFlexible gives
 * UB NA, alarm 0, phi 1, score -4.896839e-09). */
static void test_farrington_all_zero_series_like_r(void **state)
{
	(void)state;
	size_t n = 52 * 3 + 10;
	double *y = calloc(n, sizeof(double));
	aber_series s = { .observed = y, .n = n, .freq = 52 };
	farrington_work *w = farrington_work_new();
	farrington_params p;
	farrington_params_init(&p);
	p.b = 3;
	p.w = 2;
	farrington_point pt;
	jy_err e;
	assert_int_equal(farrington_at(w, &p, &s, 160, &pt, &e), 0);
	assert_true(pt.upperbound == 0 && pt.alarm == 0 && pt.trend == 0);
	assert_true(fabs(pt.pd_q - 0.4999981) < 1e-7);
	assert_true(fabs(pt.pd_median / 1.026188e-11 - 1) < 1e-6);
	farrington_flex_params fp;
	farrington_flex_params_init(&fp);
	fp.b = 3;
	fp.w = 2;
	assert_int_equal(farrington_flex_at(w, &fp, &s, 160, &pt, &e), 0);
	assert_true(isnan(pt.upperbound) && pt.alarm == 0 && pt.phi == 1);
	assert_true(fabs(pt.score / -4.896839e-09 - 1) < 1e-6);
	farrington_work_free(w);
	free(y);
}

static void test_farrington_rejects_missing_history(void **state)
{
	(void)state;
	double y[100] = { 0 };
	aber_series s = { .observed = y, .n = 100, .freq = 52 };
	farrington_work *w = farrington_work_new();
	farrington_flex_params fp;
	farrington_flex_params_init(&fp);
	farrington_point pt;
	jy_err e;
	err_clear(&e);
	assert_int_equal(farrington_flex_at(w, &fp, &s, 99, &pt, &e), JY_EINVAL);
	assert_non_null(strstr(e.msg, "did not exist"));
	assert_true(isnan(pt.upperbound) && pt.alarm == ABER_NA);
	farrington_work_free(w);
}

/* ---- the command's input handling -------------------------------------- */

static char *write_tmp(char **dir, const char *name, const char *text)
{
	if (!*dir)
		*dir = tu_tmpdir();
	return tu_write_file(*dir, name, text, (size_t)-1);
}

/* A weekly series of n points as CSV, columns in the given header order. */
static char *series_csv(size_t n, int shuffled, int dated)
{
	size_t cap = n * 80 + 200, len = 0;
	char *s = malloc(cap);
	len += (size_t)snprintf(s + len, cap - len, shuffled
				? "note,observed,epoch_in_year,idx,year%s\n"
				: "idx,year,epoch_in_year,observed%s\n", dated ? ",date" : "");
	for (size_t i = 0; i < n; i++) {
		int obs = (int)((i * 7919) % 13) + (i % 52 < 10 ? 5 : 0);
		long y = 2001 + (long)(i / 52), wk = (long)(i % 52) + 1;
		char date[64] = "";
		if (dated) { /* Mondays from 2001-01-01 */
			long days = 11323 + 7 * (long)i, z = days + 719468;
			long era = z / 146097, doe = z - era * 146097;
			long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
			long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
			long d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
			snprintf(date, sizeof date, ",%04ld-%02ld-%02ld", yoe + era * 400 + (m <= 2),
				 m, d);
		}
		if (shuffled)
			len += (size_t)snprintf(s + len, cap - len, "x,%d,%ld,%zu,%ld%s\n", obs, wk,
						i + 1, y, date);
		else
			len += (size_t)snprintf(s + len, cap - len, "%zu,%ld,%ld,%d%s\n", i + 1, y,
						wk, obs, date);
	}
	return s;
}

static void test_cli_columns_in_any_order_extra_ignored(void **state)
{
	(void)state;
	char *dir = NULL;
	char *a = series_csv(320, 0, 0), *b = series_csv(320, 1, 0);
	char *pa = write_tmp(&dir, "a.csv", a), *pb = write_tmp(&dir, "b.csv", b);
	const char *methods[] = { "ears --method C2", "farrington --b 3", "flexible --b 3 --w 2" };
	for (int m = 0; m < 3; m++) {
		char args[600];
		char *oa, *ob, *ea, *eb;
		snprintf(args, sizeof args, "%s '%s'", methods[m], pa);
		assert_int_equal(run_cmd(args, &oa, &ea), 0);
		snprintf(args, sizeof args, "%s '%s'", methods[m], pb);
		assert_int_equal(run_cmd(args, &ob, &eb), 0);
		assert_string_equal(oa, ob);
		assert_non_null(strstr(oa, "idx,observed,upperbound,alarm"));
		free(oa);
		free(ob);
		free(ea);
		free(eb);
	}
	free(a);
	free(b);
	free(pa);
	free(pb);
	tu_rmtree_free(dir);
}

static void test_cli_dated_weekly_series(void **state)
{
	(void)state;
	char *dir = NULL;
	char *a = series_csv(320, 0, 1);
	char *pa = write_tmp(&dir, "dated.csv", a);
	char args[600];
	char *out, *err;
	snprintf(args, sizeof args, "flexible --b 3 --w 2 '%s'", pa);
	assert_int_equal(run_cmd(args, &out, &err), 0);
	table *t = load_buffer("dated", out);
	assert_int_equal(t->nrows, 321);
	/* 3 years back by calendar on Mondays: the first point is 52*3+2+1 */
	assert_string_equal(table_cell(t, 158, 2), "NA");
	table_free(t);
	free(out);
	free(err);
	snprintf(args, sizeof args, "farrington --freq 7 '%s'", pa);
	assert_int_equal(run_cmd(args, &out, &err), 1);
	assert_non_null(strstr(err, "dated.csv"));
	free(out);
	free(err);
	free(a);
	free(pa);
	tu_rmtree_free(dir);
}

static void expect_input_error(const char *text, const char *args, const char *where)
{
	char *dir = NULL;
	char *p = write_tmp(&dir, "in.csv", text);
	char full[600];
	snprintf(full, sizeof full, "%s '%s'", args, p);
	char *out, *err;
	int rc = run_cmd(full, &out, &err);
	if (rc != 1 || !strstr(err, where))
		fail_msg("jinyun aberration %s: exit %d, stderr '%s', wanted 1 and '%s'", args, rc,
			 err, where);
	assert_string_equal(out, "");
	free(out);
	free(err);
	free(p);
	tu_rmtree_free(dir);
}

static void test_cli_rejects_bad_input_naming_file_row_column(void **state)
{
	(void)state;
	const char *ok = "idx,year,epoch_in_year,observed\n";
	char buf[4096];
	expect_input_error("idx,year,observed\n1,2001,3\n", "ears", "in.csv:1:epoch_in_year:");
	snprintf(buf, sizeof buf, "%s1,2001,1,3\n2,2001,2,three\n", ok);
	expect_input_error(buf, "ears", "in.csv:3:observed:");
	snprintf(buf, sizeof buf, "%s1,2001,1,3\n2,2001,2,-1\n", ok);
	expect_input_error(buf, "ears", "in.csv:3:observed:");
	snprintf(buf, sizeof buf, "%s1,2001,1,3\n3,2001,2,4\n", ok);
	expect_input_error(buf, "ears", "in.csv:3:idx:");
	snprintf(buf, sizeof buf, "%s1,2001,x,3\n", ok);
	expect_input_error(buf, "ears", "in.csv:2:epoch_in_year:");
	expect_input_error("idx,year,epoch_in_year,observed,date\n1,2001,1,3,2001-02-30\n", "ears",
			   "in.csv:2:date:");
	/* bad ranges */
	char *series = series_csv(40, 0, 0);
	expect_input_error(series, "ears --range 3:20", "in.csv:4:idx:");
	expect_input_error(series, "ears --range 20:10", "in.csv:21:idx:");
	expect_input_error(series, "ears --range 10:41", "in.csv:41:idx: --range 10:41 is not "
			   "within 1:40");
	expect_input_error(series, "ears --range ten", "in.csv:1:idx:");
	expect_input_error(series, "ears --range 0:10", "in.csv:2:idx:");
	expect_input_error(series, "farrington", "too short");
	/* Farrington ranges: the engine names the first time point R would
	 * refuse (flexible: reference points missing; original: none left) */
	char *long_series = series_csv(320, 0, 0);
	expect_input_error(long_series, "flexible --b 3 --range 100:320", "in.csv:101:observed:");
	expect_input_error(long_series, "farrington --b 3 --range 40:320", "in.csv:41:observed:");
	free(long_series);
	free(series);
}

static void test_cli_bad_usage_exits_2_and_help_exits_0(void **state)
{
	(void)state;
	char *out, *err;
	assert_int_equal(run_cmd("", &out, &err), 2);
	free(out);
	free(err);
	assert_int_equal(run_cmd("--help", &out, &err), 0);
	assert_non_null(strstr(out, "farrington"));
	free(out);
	free(err);
	const char *subs[] = { "ears", "farrington", "flexible" };
	for (int i = 0; i < 3; i++) {
		char args[100];
		snprintf(args, sizeof args, "%s --help", subs[i]);
		assert_int_equal(run_cmd(args, &out, &err), 0);
		assert_non_null(strstr(out, "usage"));
		free(out);
		free(err);
		snprintf(args, sizeof args, "%s x.csv --frobnicate", subs[i]);
		assert_int_equal(run_cmd(args, &out, &err), 2);
		free(out);
		free(err);
		snprintf(args, sizeof args, "%s", subs[i]); /* no file */
		assert_int_equal(run_cmd(args, &out, &err), 2);
		free(out);
		free(err);
	}
	const char *bad[] = { "bogus x.csv", "ears --method C4 x.csv", "ears --baseline 2 x.csv",
			      "farrington --alpha 1.5 x.csv", "flexible --threshold-method x x.csv",
			      "ears --b 3 x.csv", "farrington --no-periods 2 x.csv",
			      "ears a.csv b.csv", "farrington --w" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int rc = run_cmd(bad[i], &out, &err);
		if (rc != 2)
			fail_msg("jinyun aberration %s: exit %d, wanted 2", bad[i], rc);
		free(out);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_folder_has_only_known_files),
		cmocka_unit_test(test_reference_inputs_match_result_series),
		cmocka_unit_test(test_ears_matches_reference_haTotal),
		cmocka_unit_test(test_ears_matches_reference_haChwi_min_sigma),
		cmocka_unit_test(test_farrington_matches_reference_salmonella_agona),
		cmocka_unit_test(test_flexible_matches_reference_control1),
		cmocka_unit_test(test_flexible_matches_reference_control2_noufaily),
		cmocka_unit_test(test_cli_matches_reference_ears),
		cmocka_unit_test(test_cli_matches_reference_farrington),
		cmocka_unit_test(test_cli_matches_reference_flexible),
		cmocka_unit_test(test_dist_matches_r_values),
		cmocka_unit_test(test_ears_constant_baseline_like_r),
		cmocka_unit_test(test_ears_na_in_baseline_gives_na),
		cmocka_unit_test(test_farrington_all_zero_series_like_r),
		cmocka_unit_test(test_farrington_rejects_missing_history),
		cmocka_unit_test(test_cli_columns_in_any_order_extra_ignored),
		cmocka_unit_test(test_cli_dated_weekly_series),
		cmocka_unit_test(test_cli_rejects_bad_input_naming_file_row_column),
		cmocka_unit_test(test_cli_bad_usage_exits_2_and_help_exits_0),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
