/*
 * farrington.c — the Farrington outbreak-detection method in the two forms
 * of R's `surveillance` 1.20.3: algo.farrington() (Farrington et al. 1996,
 * with the package's "fast" GLM fit) and farringtonFlexible() (which adds
 * Noufaily et al. 2013's improvements: seasonal factor, excluded recent
 * weeks, negative binomial thresholds).  Both rest on the quasi-Poisson
 * IRLS of glm.c; this file gathers reference values, decides about the
 * time trend, reweights and computes the threshold — each step as R's code
 * does it, not as its documentation or the papers describe it:
 *
 * algo.farrington (fitGLM.fast):
 *  - Reference values: weeks k - freq*j - w .. k - freq*j + w, j = b..1
 *    (indexes < 1 silently dropped); with dates (epochAsDate) instead
 *    "1 year back" by calendar (2024-02-29 -> 2023-03-01), windows by
 *    "1 day" / "1 week" / "1 month" steps, then moved to t0's weekday (or
 *    day of month) and looked up by date, missing ones dropped.
 *  - Trend kept only if its t-test p < 0.05 (dispersion-estimated
 *    summary.glm), b >= 3 and the trend prediction at k does not exceed
 *    the largest reference value; otherwise the model is refitted without.
 *  - Reweighting with Anscombe residuals and threshold 1; phi = max(
 *    dispersion, 1); prediction standard error with dispersion phi.
 *  - Threshold two-sided: qnorm(1 - alpha/2) on the 2/3-power scale.
 *  - limit54: fewer than 5 cases in the last 4 epochs -> upperbound 0 (not
 *    NA) and no alarm.  Alarm = (y - mu0) / (U - mu0) > 1.
 *
 * farringtonFlexible (fitGLM.flexible, algo.farrington.glm):
 *  - Reference points must all exist, else R stops; blocks() builds the
 *    windows and, with noPeriods > 1, the seasonal factor levels — using
 *    R's `a:b`, which counts DOWN when b < a (a zero-length block then
 *    overwrites two neighbours); we reproduce that.  The last
 *    pastWeeksNotIncluded + 1 points (default w + 1) are left out.
 *  - With dates, wtime = (date - first date of the data) / (first
 *    difference of the series' dates).
 *  - A model that does not converge with nor without trend gives NA (alarm
 *    NA too; control$expected stays 0 there, as in R).
 *  - predict.glm() is called with `dispersion = model$phi` INSIDE the
 *    newdata data.frame, so R's prediction standard error uses summary.glm's
 *    dispersion, not phi — and fitGLM.flexible has overwritten
 *    model$weights with the reweighting weights omega, so that dispersion
 *    is sum(omega * working residual^2) / df (often < 1), and the trend's
 *    t-test uses it too.  We do the same.
 *  - The threshold is one-sided: qnorm(1 - alpha); "delta" reports the
 *    upper tail p-value.  For "nbPlugin"/"muan" the score is
 *    (y - eta0) / (U - eta0) with eta0 on the LINK scale (as R computes it).
 *  - limit54 failing gives upperbound NA and alarm 0; alarms also need y > 0.
 *  - control$mu0Vector for "delta" is exp(qnorm(1 - alpha, mu0, se)) of the
 *    response-scale prediction; reproduced, though it means little.
 *
 * b < 3: both R functions fit the model with a time trend and then, since
 * the trend is kept only when b >= 3, always refit without it; the trend
 * fit influences nothing (not even convergence: a failed trend fit falls
 * back to the very no-trend fit done next).  We skip it, halving the work
 * of the usual daily setting b = 2.  The one difference: where R's
 * discarded trend fit would stop with an error, we give a result.
 *
 * Reweighting: when no Anscombe residual exceeds the threshold every
 * weight is exactly gamma = n / n = 1 and R's weighted refit repeats the
 * unweighted fit operation for operation; we keep the fit we have.
 *
 * Where R would stop with an error (NA among algo.farrington's reference
 * values, missing reference points, no data, a trend p-value that is NA)
 * the point is NA and the call returns JY_EINVAL naming the time point;
 * blocks() arithmetic that R would turn into negative subscripts (only
 * with 2w + 1 > freq) is refused the same way.
 *
 * Workspace: one farrington_work holds every buffer (reference indexes,
 * design matrix, weights, the GLM's own buffers); after the first few
 * series no call allocates.  No global state.
 */
#include "engine/aberration.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist.h"
#include "engine/glm.h"

struct farrington_work {
	glm_fit fit;
	size_t cap;        /* rows of the buffers below */
	size_t *idx;       /* 0-based series index of each model row */
	double *y;         /* response */
	double *wtime;     /* time covariate */
	int *level;        /* factor level of each row, 0-based */
	double *x;         /* design, cap x GLM_MAXP, column-major with stride cap */
	double *hat;
	double *omega;
	size_t cap_span;
	int *block;        /* flexible: R's vectorOfFactors over a span (0 = NA) */
};

farrington_work *farrington_work_new(void)
{
	return calloc(1, sizeof(farrington_work));
}

void farrington_work_free(farrington_work *w)
{
	if (!w)
		return;
	glm_fit_release(&w->fit);
	free(w->idx);
	free(w->y);
	free(w->wtime);
	free(w->level);
	free(w->x);
	free(w->hat);
	free(w->omega);
	free(w->block);
	free(w);
}

static int work_reserve(farrington_work *w, size_t n)
{
	if (n <= w->cap)
		return 0;
	size_t c = n + n / 2 + 32;
	size_t *idx = realloc(w->idx, c * sizeof *idx);
	if (!idx)
		return JY_ENOMEM;
	w->idx = idx;
	double **vecs[] = { &w->y, &w->wtime, &w->hat, &w->omega };
	for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
		double *v = realloc(*vecs[i], c * sizeof(double));
		if (!v)
			return JY_ENOMEM;
		*vecs[i] = v;
	}
	int *lv = realloc(w->level, c * sizeof(int));
	if (!lv)
		return JY_ENOMEM;
	w->level = lv;
	double *x = realloc(w->x, c * GLM_MAXP * sizeof(double));
	if (!x)
		return JY_ENOMEM;
	w->x = x;
	w->cap = c;
	return 0;
}

static int span_reserve(farrington_work *w, size_t n)
{
	if (n <= w->cap_span)
		return 0;
	size_t c = n + n / 2 + 32;
	int *b = realloc(w->block, c * sizeof(int));
	if (!b)
		return JY_ENOMEM;
	w->block = b;
	w->cap_span = c;
	return 0;
}

/* ---- parameters --------------------------------------------------------- */

void farrington_params_init(farrington_params *p)
{
	p->b = 5;
	p->w = 3;
	p->alpha = 0.05;
	p->reweight = true;
	p->trend = true;
	p->limit54_cases = 5;
	p->limit54_period = 4;
	p->powertrans = FARRINGTON_POW_2_3;
}

void farrington_flex_params_init(farrington_flex_params *p)
{
	p->b = 5;
	p->w = 3;
	p->alpha = 0.05;
	p->reweight = true;
	p->trend = true;
	p->weights_threshold = 2.58;
	p->p_threshold_trend = 0.05;
	p->limit54_cases = 5;
	p->limit54_period = 4;
	p->powertrans = FARRINGTON_POW_2_3;
	p->no_periods = 1;
	p->past_weeks_not_included = -1;
	p->threshold = FARRINGTON_DELTA;
}

static int check_common(int b, int w, double alpha, int cases, int period, jy_err *err)
{
	if (b < 1)
		return err_set(err, JY_EINVAL, "b (years back) must be at least 1 (got %d)", b);
	if (w < 0)
		return err_set(err, JY_EINVAL, "w (half window) must be >= 0 (got %d)", w);
	if (!(alpha > 0 && alpha < 1))
		return err_set(err, JY_EINVAL, "alpha must be between 0 and 1 (exclusive)");
	if (cases < 0 || period < 1)
		return err_set(err, JY_EINVAL,
			       "limit54 out of bounds: cases >= 0 and period > 0 required");
	return 0;
}

int farrington_params_check(const farrington_params *p, jy_err *err)
{
	return check_common(p->b, p->w, p->alpha, p->limit54_cases, p->limit54_period, err);
}

int farrington_flex_params_check(const farrington_flex_params *p, jy_err *err)
{
	int rc = check_common(p->b, p->w, p->alpha, p->limit54_cases, p->limit54_period, err);
	if (rc)
		return rc;
	if (p->no_periods < 1 || p->no_periods > GLM_MAXP - 2)
		return err_set(err, JY_EINVAL, "no-periods must be between 1 and %d",
			       GLM_MAXP - 2);
	if (p->past_weeks_not_included < -1)
		return err_set(err, JY_EINVAL, "past-weeks-not-included must be >= 0");
	if (!isfinite(p->weights_threshold) || !isfinite(p->p_threshold_trend))
		return err_set(err, JY_EINVAL, "weights-threshold and p-threshold-trend must be numbers");
	return 0;
}

size_t farrington_first(const farrington_params *p, const aber_series *s)
{
	long k = (long)s->freq * p->b - p->w; /* 1-based */
	return k >= 1 ? (size_t)(k - 1) : (size_t)-1;
}

size_t farrington_flex_first(const farrington_flex_params *p, const aber_series *s)
{
	long k = (long)s->freq * p->b + p->w + 1;
	return (size_t)(k - 1);
}

/* ---- small R semantics -------------------------------------------------- */

/* R's max(a, b): NaN wins. */
static double r_max(double a, double b)
{
	if (isnan(a) || isnan(b))
		return a + b;
	return a > b ? a : b;
}

/* The log link's inverse (and derivative): max(exp(eta), DBL_EPSILON). */
static double linkinv(double eta)
{
	double mu = exp(eta);
	return mu > DBL_EPSILON ? mu : DBL_EPSILON;
}

/* sum(observed[(k - period + 1):k]) >= cases, k = t + 1; NaN -> -1 (NA). */
static int enough_cases(const aber_series *s, size_t t, int cases, int period)
{
	long double sum = 0;
	long from = (long)t - period + 1;
	for (long i = from < 0 ? 0 : from; i <= (long)t; i++)
		sum += s->observed[i];
	if (isnan((double)sum))
		return -1;
	return sum >= cases;
}

/* ---- calendar (days since 1970-01-01, proleptic Gregorian) ------------- */

static int32_t days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

static void civil_from_days(int32_t z, long *y, long *m, long *d)
{
	long zz = (long)z + 719468;
	long era = (zz >= 0 ? zz : zz - 146096) / 146097;
	long doe = zz - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* R's seq(date, by = "<months> months") element: month arithmetic with the
 * day of month kept and overflow rolled into the next month (Jan 31 + 1
 * month = Mar 3), as POSIXlt normalisation does. */
static int32_t add_months(int32_t date, long months)
{
	long y, m, d;
	civil_from_days(date, &y, &m, &d);
	long mm = (m - 1) + months;
	long yy = y + (mm >= 0 ? mm / 12 : -((11 - mm) / 12));
	mm -= (yy - y) * 12;
	return days_from_civil(yy, mm + 1, 1) + (int32_t)(d - 1);
}

/* format(date, "%w"): 0 = Sunday. */
static int weekday(int32_t date)
{
	long r = ((long)date % 7 + 7 + 4) % 7;
	return (int)r;
}

static int mday(int32_t date)
{
	long y, m, d;
	civil_from_days(date, &y, &m, &d);
	return (int)d;
}

/* Index of `date` in s->date (strictly increasing), or -1. */
static long find_date(const aber_series *s, int32_t date)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->date[mid] < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->date[lo] == date ? (long)lo : -1;
}

typedef enum epoch_unit { EPOCH_NONE, EPOCH_DAY, EPOCH_WEEK, EPOCH_MONTH } epoch_unit;

static epoch_unit epoch_unit_of(const aber_series *s)
{
	if (!s->date)
		return EPOCH_NONE;
	switch (s->freq) {
	case 365: return EPOCH_DAY;
	case 52: return EPOCH_WEEK;
	case 12: return EPOCH_MONTH;
	}
	return EPOCH_NONE;
}

/* ---- model fitting (fitGLM.fast / fitGLM.flexible) -------------------- */

typedef struct model_spec {
	bool flexible;          /* NULL (no result) when no convergence */
	bool reweight;
	double weights_threshold;
	int nlev;               /* seasonal factor levels; <= 1 = no factor */
} model_spec;

/* The design for rows 0..n-1, column-major with stride n: intercept,
 * [wtime], [one dummy per level 1..nlev-1].  Returns the column count. */
static int build_design(farrington_work *w, size_t n, bool trend, int nlev)
{
	int p = 0;
	double *c = w->x;
	for (size_t i = 0; i < n; i++)
		c[i] = 1.0;
	p++;
	if (trend) {
		c = w->x + (size_t)p * n;
		memcpy(c, w->wtime, n * sizeof(double));
		p++;
	}
	for (int l = 1; l < nlev; l++) {
		c = w->x + (size_t)p * n;
		for (size_t i = 0; i < n; i++)
			c[i] = w->level[i] == l ? 1.0 : 0.0;
		p++;
	}
	assert(p <= GLM_MAXP);
	return p;
}

static int fit_once(farrington_work *w, size_t n, bool trend, int nlev, const double *prior)
{
	int p = build_design(w, n, trend, nlev);
	return glm_quasipoisson(&w->fit, w->x, n, p, w->y, prior);
}

/*
 * R's algo.farrington.fitGLM.fast (spec->flexible false) or
 * algo.farrington.fitGLM.flexible (true) on rows 0..n-1 of the workspace.
 * *trend is in/out: whether the fitted model has the time trend.
 * Returns 0 with *phi, 1 where R returns NULL, JY_EINVAL where R stops.
 */
static int fit_model(farrington_work *w, const model_spec *spec, size_t n, bool *trend,
		     double *phi)
{
	bool tr = *trend;
	int rc = fit_once(w, n, tr, spec->nlev, NULL);
	if (rc)
		return rc;
	if (!w->fit.converged) {
		if (tr) {
			tr = false;
			rc = fit_once(w, n, tr, spec->nlev, NULL);
			if (rc)
				return rc;
		}
		if (spec->flexible && !w->fit.converged)
			return 1;
	}
	double ph = r_max(glm_dispersion(&w->fit), 1);
	if (spec->reweight) {
		if (isnan(ph))
			return JY_EINVAL;
		/* Anscombe residuals, then algo.farrington.assign.weights. */
		glm_hat(&w->fit, w->hat);
		const double *mu = w->fit.mu;
		long double denom = 0;
		double last_y = NAN, y23 = NAN, last_mu = NAN, mu16 = NAN, mu12 = NAN;
		for (size_t i = 0; i < n; i++) {
			if (w->y[i] != last_y) { /* same value, fewer pow() calls */
				last_y = w->y[i];
				y23 = pow(last_y, 2.0 / 3.0);
			}
			if (mu[i] != last_mu) {
				last_mu = mu[i];
				mu16 = pow(last_mu, -1.0 / 6.0);
				mu12 = pow(last_mu, 0.5);
			}
			double a = 1.5 * (y23 * mu16 - mu12);
			double s = a / sqrt(ph * (1 - w->hat[i]));
			if (isnan(s))
				return JY_EINVAL; /* R fails on NA weights */
			w->omega[i] = s;
			denom += s > spec->weights_threshold ? pow(s, -2.0) : 1.0;
		}
		double gamma = (double)n / (double)denom;
		if (!isfinite(gamma))
			return JY_EINVAL;
		bool all_one = true;
		for (size_t i = 0; i < n; i++) {
			double s = w->omega[i];
			w->omega[i] = s > spec->weights_threshold ? gamma * pow(s, -2.0) : gamma;
			all_one = all_one && w->omega[i] == 1.0;
		}
		/* No residual above the threshold: gamma = n / n = 1 and every
		 * weight is exactly 1, so R's weighted refit repeats, operation
		 * for operation, the fit we already have. */
		if (!all_one) {
			rc = fit_once(w, n, tr, spec->nlev, w->omega);
			if (rc)
				return rc;
			ph = r_max(glm_dispersion(&w->fit), 1);
		}
	}
	*trend = tr;
	*phi = ph;
	return 0;
}

/* ---- thresholds ---------------------------------------------------------- */

static double pow_exponent(farrington_powertrans pt)
{
	switch (pt) {
	case FARRINGTON_POW_1_2: return 0.5;
	case FARRINGTON_POW_NONE: return 1.0;
	case FARRINGTON_POW_2_3:
	default: return 2.0 / 3.0;
	}
}

/* R's x^y for the exponents used here (y == 2 is x*x in R). */
static double r_pow(double x, double y)
{
	if (y == 2.0)
		return x * x;
	return pow(x, y);
}

/* Standard error on the transformed scale (algo.farrington.threshold). */
static double trans_se(farrington_powertrans pt, double mu0, double tau)
{
	switch (pt) {
	case FARRINGTON_POW_NONE: return sqrt(mu0 * tau);
	case FARRINGTON_POW_1_2: return sqrt(1.0 / 4 * tau);
	case FARRINGTON_POW_2_3:
	default: return sqrt(4.0 / 9 * pow(mu0, 1.0 / 3) * tau);
	}
}

/* lu <- sort((mu0^e + c(-1, 1) * z * se)^(1/e), na.last = FALSE)[2] */
static double upper_of(double mu0e, double z, double se, double e)
{
	double lo = r_pow(mu0e + -1.0 * z * se, 1 / e);
	double hi = r_pow(mu0e + 1.0 * z * se, 1 / e);
	if (isnan(lo) || isnan(hi))
		return isnan(hi) ? lo : hi;
	return lo > hi ? lo : hi;
}

/* ---- algo.farrington ----------------------------------------------------- */

static void point_na(farrington_point *out)
{
	out->upperbound = NAN;
	out->alarm = ABER_NA;
	out->trend = ABER_NA;
	out->expected = NAN;
	out->score = NAN;
	out->pvalue = NAN;
	out->mu0 = NAN;
	out->phi = NAN;
	out->trend_coef = NAN;
	out->pd_q = NAN;
	out->pd_median = NAN;
}

/* Reference indexes of algo.farrington for time point t (0-based), into
 * w->idx; returns how many. */
static int ref_original(farrington_work *w, const farrington_params *p, const aber_series *s,
			size_t t, size_t *count)
{
	size_t max = (size_t)p->b * (size_t)(2 * p->w + 1);
	int rc = work_reserve(w, max);
	if (rc)
		return rc;
	size_t c = 0;
	long k = (long)t + 1;
	epoch_unit unit = epoch_unit_of(s);
	if (!s->date) {
		for (int i = p->b; i >= 1; i--)
			for (long j = k - (long)s->freq * i - p->w; j <= k - (long)s->freq * i + p->w; j++)
				if (j > 0)
					w->idx[c++] = (size_t)(j - 1);
	} else {
		if (unit == EPOCH_NONE)
			return JY_EINVAL;
		int32_t t0 = s->date[t];
		for (int j = 1; j <= p->b; j++) {
			int32_t ref = add_months(t0, -12L * j);
			for (int m = -p->w; m <= p->w; m++) {
				int32_t d;
				if (unit == EPOCH_DAY)
					d = ref + m;
				else if (unit == EPOCH_WEEK)
					d = ref + 7 * m;
				else
					d = add_months(ref, m);
				if (unit == EPOCH_WEEK) {
					int fwd = ((weekday(t0) - weekday(d)) % 7 + 7) % 7;
					int bwd = ((weekday(d) - weekday(t0)) % 7 + 7) % 7;
					d += fwd < bwd ? fwd : -bwd;
				} else if (unit == EPOCH_MONTH) {
					d -= mday(d) - mday(t0);
				}
				long at = find_date(s, d);
				if (at >= 0)
					w->idx[c++] = (size_t)at;
			}
		}
	}
	assert(c <= max);
	*count = c;
	return 0;
}

int farrington_at(farrington_work *w, const farrington_params *p, const aber_series *s,
		  size_t t, farrington_point *out, jy_err *err)
{
	assert(w && p && s && out && t < s->n);
	point_na(out);
	size_t n = 0;
	int rc = ref_original(w, p, s, t, &n);
	if (rc == JY_ENOMEM)
		return err_set(err, rc, "out of memory");
	if (rc)
		return err_set(err, rc, "dates need freq 12, 52 or 365 (got %d)", s->freq);
	if (n == 0)
		return err_set(err, JY_EINVAL, "time point %zu: no reference values (b = %d years "
			       "back with freq %d needs more history)", t + 1, p->b, s->freq);
	double ymax = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = w->idx[i];
		w->y[i] = s->observed[j];
		w->wtime[i] = (double)(j + 1);
		w->level[i] = 0;
		if (isnan(w->y[i]))
			return err_set(err, JY_EINVAL, "time point %zu: reference value at %zu is NA",
				       t + 1, j + 1);
		if (!(w->y[i] >= 0) || !isfinite(w->y[i]))
			return err_set(err, JY_EINVAL, "time point %zu: reference value at %zu is "
				       "not a count >= 0", t + 1, j + 1);
		if (w->y[i] > ymax)
			ymax = w->y[i];
	}
	model_spec spec = { .flexible = false, .reweight = p->reweight, .weights_threshold = 1.0,
			    .nlev = 0 };
	bool trend = p->trend && p->b >= 3; /* see "b < 3" above */
	double phi;
	rc = fit_model(w, &spec, n, &trend, &phi);
	if (rc == JY_ENOMEM)
		return err_set(err, rc, "out of memory");
	if (rc)
		return err_set(err, JY_EINVAL, "time point %zu: the model cannot be fitted", t + 1);
	double k = (double)(t + 1);
	bool do_trend = false;
	if (trend) {
		double disp = glm_dispersion(&w->fit);
		double pv = glm_coef_pvalue(&w->fit, 1, disp, NULL);
		double xk[2] = { 1.0, k };
		double mu0hat = linkinv(glm_predict_link(&w->fit, xk));
		bool significant = pv < 0.05;
		if (!(p->b >= 3 && significant && mu0hat <= ymax)) {
			trend = false;
			rc = fit_model(w, &spec, n, &trend, &phi);
			if (rc == JY_ENOMEM)
				return err_set(err, rc, "out of memory");
			if (rc)
				return err_set(err, JY_EINVAL,
					       "time point %zu: the model cannot be fitted", t + 1);
		} else {
			do_trend = true;
		}
	}
	double xk[2] = { 1.0, k };
	double eta = glm_predict_link(&w->fit, xk);
	double se_link = glm_predict_se(&w->fit, xk, sqrt(phi));
	double mu0 = linkinv(eta);
	double se_fit = se_link * fabs(linkinv(eta));

	double e = pow_exponent(p->powertrans);
	double tau = phi + (se_fit * se_fit) / mu0;
	double se = trans_se(p->powertrans, mu0, tau);
	double z = dist_qnorm(1 - p->alpha / 2, 0, 1);
	double mu0e = r_pow(mu0, e);
	double upper = upper_of(mu0e, z, se, e);
	double y = s->observed[t];
	out->pd_q = dist_pnorm(r_pow(y, e), mu0e, se, true);
	out->pd_median = r_pow(dist_qnorm(0.5, mu0e, se), 1 / e);
	out->phi = phi;
	out->expected = mu0;
	out->trend = do_trend;

	int enough = enough_cases(s, t, p->limit54_cases, p->limit54_period);
	if (enough < 0) {
		out->upperbound = NAN;
		out->alarm = ABER_NA;
	} else if (enough) {
		double xs = (y - mu0) / (upper - mu0);
		out->upperbound = upper;
		out->alarm = isnan(xs) ? ABER_NA : xs > 1;
	} else {
		out->upperbound = 0;
		out->alarm = 0;
	}
	return 0;
}

int farrington_run(farrington_work *w, const farrington_params *p, const aber_series *s,
		   size_t from, size_t to, double *ub, int8_t *alarm, farrington_point *detail,
		   jy_err *err)
{
	int rc = farrington_params_check(p, err);
	if (rc)
		return rc;
	if (from > to || to >= s->n)
		return err_set(err, JY_EINVAL, "range %zu:%zu is outside the series 1:%zu",
			       from + 1, to + 1, s->n);
	for (size_t t = from; t <= to; t++) {
		farrington_point pt;
		rc = farrington_at(w, p, s, t, &pt, err);
		if (rc)
			return rc;
		ub[t] = pt.upperbound;
		alarm[t] = pt.alarm;
		if (detail)
			detail[t] = pt;
	}
	return 0;
}

/* ---- farringtonFlexible -------------------------------------------------- */

/* R's  v[from:to] <- val  on the span [base, base + len) of 1-based
 * indexes: counts down when to < from, index 0 is ignored, negative
 * indexes (an error in R) return -1. */
static int r_assign(int *v, long base, long len, long from, long to, int val)
{
	long step = from <= to ? 1 : -1;
	for (long i = from;; i += step) {
		if (i < 0)
			return -1;
		if (i > 0) {
			if (i < base || i >= base + len)
				return -1;
			v[i - base] = val;
		}
		if (i == to)
			break;
	}
	return 0;
}

/* summary.glm()$dispersion of a fitGLM.flexible model: that function
 * overwrites model$weights with the reweighting weights omega, so R's
 * summary (and predict, and the trend test) use sum(omega * res^2) / df. */
static double summary_dispersion(const farrington_work *w, bool reweight)
{
	return reweight ? glm_dispersion_weights(&w->fit, w->omega) : glm_dispersion(&w->fit);
}

/* algo.farrington.referencetimepoints + the existence check: the 1-based
 * indexes of the b + 1 reference points (ref[0] = k), or -1 if missing. */
static int flex_refpoints(const farrington_flex_params *p, const aber_series *s, size_t t,
			  long *ref)
{
	long k = (long)t + 1;
	if (!s->date) {
		for (int i = 0; i <= p->b; i++) {
			long r = k - (long)s->freq * i;
			if (r < 1)
				return -1;
			ref[i] = r;
		}
		return 0;
	}
	epoch_unit unit = epoch_unit_of(s);
	int32_t t0 = s->date[t];
	for (int i = 0; i <= p->b; i++) {
		int32_t r = add_months(t0, -12L * i);
		if (unit == EPOCH_WEEK) {
			int32_t a = r - (weekday(r) - weekday(t0));
			int32_t bb = a + (a > r ? -7 : 7);
			long da = labs((long)a - r), db = labs((long)bb - r);
			r = da > db ? bb : a;
		}
		long at = find_date(s, r);
		if (at < 0)
			return -1;
		ref[i] = at + 1;
	}
	return 0;
}

int farrington_flex_at(farrington_work *w, const farrington_flex_params *p,
		       const aber_series *s, size_t t, farrington_point *out, jy_err *err)
{
	assert(w && p && s && out && t < s->n);
	point_na(out);
	if (s->date && epoch_unit_of(s) == EPOCH_NONE)
		return err_set(err, JY_EINVAL, "dates need freq 12, 52 or 365 (got %d)", s->freq);
	long k = (long)t + 1;
	long ref[GLM_MAXP + 1];
	if (p->b > GLM_MAXP)
		return err_set(err, JY_EINVAL, "b is too large");
	if (flex_refpoints(p, s, t, ref) < 0)
		return err_set(err, JY_EINVAL,
			       "time point %ld: some reference time points did not exist; "
			       "decrease b or start the range later", k);
	/* referenceWeeks = rev(which(dates %in% refpoints)): ref sorted descending. */
	for (int i = 1; i <= p->b; i++)
		for (int j = i; j > 0 && ref[j] > ref[j - 1]; j--) {
			long tmp = ref[j];
			ref[j] = ref[j - 1];
			ref[j - 1] = tmp;
		}
	int np = p->no_periods;
	int pwni = p->past_weeks_not_included >= 0 ? p->past_weeks_not_included : p->w;

	/* blocks(): vectorOfFactors on the span [base, k]. */
	long base = ref[p->b] - p->w;
	if (base < 1)
		base = 1;
	long len = k - base + 1;
	int rc = span_reserve(w, (size_t)len);
	if (rc)
		return err_set(err, rc, "out of memory");
	int *vf = w->block;
	memset(vf, 0, (size_t)len * sizeof(int));
	bool bad = r_assign(vf, base, len, k - p->w, k, np) < 0;
	for (int i = 1; i <= p->b && !bad; i++) {
		long rw = ref[i];
		bad = r_assign(vf, base, len, rw - p->w, rw + p->w, np) < 0;
		if (np != 1 && !bad) {
			long period = ref[i - 1] - 2 * p->w - 1 - rw;
			if (period < np - (2 * p->w + 1))
				return err_set(err, JY_EINVAL, "time point %ld: number of factors "
					       "(no-periods) too big", k);
			long q = np - 1;
			long lb = period >= 0 ? period / q : -((-period + q - 1) / q); /* %/% */
			long rest = period - lb * q;                                 /* %% */
			long cum = 0;
			for (long j = 1; j <= q && !bad; j++) {
				long lj = lb + (j <= rest ? 1 : 0);
				long from = rw + p->w + 1 + cum;
				long to = rw + p->w + 1 + cum + lj - 1;
				bad = r_assign(vf, base, len, from, to, (int)j) < 0;
				cum += lj;
			}
		}
	}
	/* blocksID[(k - pastWeeksNotIncluded):k] <- NA */
	if (!bad)
		bad = r_assign(vf, base, len, k - pwni, k, 0) < 0;
	if (bad)
		return err_set(err, JY_EINVAL, "time point %ld: the reference windows reach "
			       "before the start of the series", k);

	/* The data for the GLM: block rows with a response. */
	rc = work_reserve(w, (size_t)len);
	if (rc)
		return err_set(err, rc, "out of memory");
	bool present[GLM_MAXP + 1] = { false };
	size_t n = 0;
	double first_date = 0, step = 1;
	bool first = true;
	if (s->date)
		step = (double)(s->date[1] - s->date[0]);
	for (long i = 0; i < len; i++) {
		if (!vf[i])
			continue;
		size_t j = (size_t)(base + i - 1);
		present[vf[i]] = true;
		if (first) {
			first_date = s->date ? (double)s->date[j] : 0;
			first = false;
		}
		if (isnan(s->observed[j]))
			continue;
		if (!(s->observed[j] >= 0) || !isfinite(s->observed[j]))
			return err_set(err, JY_EINVAL, "time point %ld: reference value at %zu is "
				       "not a count >= 0", k, j + 1);
		w->idx[n] = j;
		w->y[n] = s->observed[j];
		w->wtime[n] = s->date ? ((double)s->date[j] - first_date) / step : (double)(j + 1);
		w->level[n] = vf[i]; /* mapped to a level index below */
		n++;
	}
	if (n == 0)
		return err_set(err, JY_EINVAL, "time point %ld: no reference values", k);
	/* Levels: sorted values present among the block rows (before NA rows
	 * were dropped, as as.factor() runs first). */
	int level_of[GLM_MAXP + 1], nlev = 0;
	for (int v = 1; v <= np; v++)
		level_of[v] = present[v] ? nlev++ : -1;
	for (size_t i = 0; i < n; i++)
		w->level[i] = level_of[w->level[i]];
	int now_level = level_of[np];
	if (now_level < 0)
		return err_set(err, JY_EINVAL, "time point %ld: no data in the current period", k);
	if (np == 1)
		nlev = 0;
	double ymax = 0;
	for (size_t i = 0; i < n; i++)
		if (w->y[i] > ymax)
			ymax = w->y[i];
	double wtime_now = s->date ? ((double)s->date[t] - (double)s->date[w->idx[0]]) / step
				   : (double)k;

	model_spec spec = { .flexible = true, .reweight = p->reweight,
			    .weights_threshold = p->weights_threshold, .nlev = nlev };
	bool trend = p->trend && p->b >= 3; /* see "b < 3" above */
	double phi;
	rc = fit_model(w, &spec, n, &trend, &phi);
	if (rc == JY_ENOMEM)
		return err_set(err, rc, "out of memory");
	if (rc < 0)
		return err_set(err, JY_EINVAL, "time point %ld: the model cannot be fitted", k);
	if (rc == 1) { /* no convergence: R's NULL model */
		out->expected = 0;
		out->trend = ABER_NA;
		return 0;
	}

	double xnew[GLM_MAXP];
	int pcols = 0;
	bool do_trend = false;
	double coeff_time = NAN;
	if (trend) {
		pcols = 0;
		xnew[pcols++] = 1.0;
		xnew[pcols++] = wtime_now;
		for (int l = 1; l < nlev; l++)
			xnew[pcols++] = l == now_level ? 1.0 : 0.0;
		double fit1 = linkinv(glm_predict_link(&w->fit, xnew));
		double disp = summary_dispersion(w, p->reweight);
		double est;
		double pv = glm_coef_pvalue(&w->fit, 1, disp, &est);
		if (isnan(pv) && p->b >= 3)
			return err_set(err, JY_EINVAL, "time point %ld: the trend p-value is NA", k);
		do_trend = p->b >= 3 && pv < p->p_threshold_trend && fit1 <= ymax;
		if (!do_trend) {
			trend = false;
			rc = fit_model(w, &spec, n, &trend, &phi);
			if (rc == JY_ENOMEM)
				return err_set(err, rc, "out of memory");
			if (rc)
				return err_set(err, JY_EINVAL,
					       "time point %ld: the model cannot be fitted", k);
		} else {
			coeff_time = est;
		}
	}
	pcols = 0;
	xnew[pcols++] = 1.0;
	if (trend)
		xnew[pcols++] = wtime_now;
	for (int l = 1; l < nlev; l++)
		xnew[pcols++] = l == now_level ? 1.0 : 0.0;
	double eta = glm_predict_link(&w->fit, xnew);
	double se_link = glm_predict_se(&w->fit, xnew, sqrt(summary_dispersion(w, p->reweight)));
	bool link_scale = p->threshold != FARRINGTON_DELTA;
	double pred_fit = link_scale ? eta : linkinv(eta);
	double pred_se = link_scale ? se_link : se_link * fabs(linkinv(eta));

	double y = s->observed[t];
	double upper, prob, score;
	if (!link_scale) {
		double e = pow_exponent(p->powertrans);
		double mu0 = pred_fit;
		double tau = phi + (pred_se * pred_se) / mu0;
		double se = trans_se(p->powertrans, mu0, tau);
		double z = dist_qnorm(1 - p->alpha, 0, 1);
		double mu0e = r_pow(mu0, e);
		upper = upper_of(mu0e, z, se, e);
		prob = dist_pnorm(r_pow(y, e), mu0e, se, false);
		score = !isnan(upper) ? (y - pred_fit) / (upper - pred_fit) : NAN;
	} else {
		double mu0q = p->threshold == FARRINGTON_NBPLUGIN
				      ? exp(pred_fit)
				      : exp(dist_qnorm(1 - p->alpha, pred_fit, pred_se));
		if (mu0q == INFINITY) {
			upper = NAN;
			prob = NAN;
		} else {
			if (phi > 1)
				upper = dist_qnbinom(1 - p->alpha, mu0q / (phi - 1), 1 / phi);
			else
				upper = dist_qpois(1 - p->alpha, mu0q);
			if (phi != 1)
				prob = dist_pnbinom_upper(y - 1, mu0q / (phi - 1), 1 / phi);
			else
				prob = dist_ppois_upper(y - 1, mu0q);
		}
		score = !isnan(upper) ? (y - pred_fit) / (upper - pred_fit) : NAN;
	}

	int enough = enough_cases(s, t, p->limit54_cases, p->limit54_period);
	double xs = enough > 0 ? score : NAN;
	out->alarm = !isnan(xs) && xs > 1 && y != 0;
	out->upperbound = enough > 0 ? upper : NAN;
	if (!isnan(upper))
		out->expected = enough > 0 ? (link_scale ? exp(pred_fit) : pred_fit) : NAN;
	else
		out->expected = NAN;
	out->mu0 = p->threshold == FARRINGTON_NBPLUGIN
			   ? exp(pred_fit)
			   : exp(dist_qnorm(1 - p->alpha, pred_fit, pred_se));
	out->phi = phi;
	out->score = score;
	out->pvalue = prob;
	out->trend = do_trend;
	out->trend_coef = do_trend ? coeff_time : NAN;
	return 0;
}

int farrington_flex_run(farrington_work *w, const farrington_flex_params *p,
			const aber_series *s, size_t from, size_t to, double *ub, int8_t *alarm,
			farrington_point *detail, jy_err *err)
{
	int rc = farrington_flex_params_check(p, err);
	if (rc)
		return rc;
	if (from > to || to >= s->n)
		return err_set(err, JY_EINVAL, "range %zu:%zu is outside the series 1:%zu",
			       from + 1, to + 1, s->n);
	for (size_t t = from; t <= to; t++) {
		farrington_point pt;
		rc = farrington_flex_at(w, p, s, t, &pt, err);
		if (rc)
			return rc;
		ub[t] = pt.upperbound;
		alarm[t] = pt.alarm;
		if (detail)
			detail[t] = pt;
	}
	return 0;
}
