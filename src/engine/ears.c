/*
 * ears.c — EARS C1, C2 and C3 as implemented by earsC() in R's
 * `surveillance` 1.20.3 (the same code is in later versions).
 *
 * With z = qnorm(1 - alpha) and sd = max(sd(baseline), minSigma):
 *   C1: baseline y[t-7..t-1],   UB = mean + z * sd
 *   C2: baseline y[t-9..t-3],   UB = mean + z * sd
 *   C3: as R implements it, NOT as documented:
 *       C2(i) = (y[i] - mean_i) / sd_i with the C2 baseline of i,
 *       L(t)  = max(0, C2(t-2) - 1) + max(0, C2(t-1) - 1),
 *       UB(t) = max(0, y[t] + sd_t * (z - L(t))),
 *   i.e. it uses y[t] itself instead of the baseline mean and leaves out
 *   the C2(t) term, so in practice R's C3 fires iff L(t) > z.  The
 *   documented rule (sum of the three terms >= z) disagrees on 16 weeks of
 *   the Berlin hepatitis A series; we follow R.
 *   Alarm = y > UB (strict; the help page says >=).
 *
 * Baselines of length 7 are the default (`baseline`); alpha defaults to
 * 0.001 for C1/C2 and 0.025 for C3.  NA (NaN) anywhere in a baseline makes
 * the bound NA, as in R.  The mean and the standard deviation are computed
 * the way R's mean() and var() do — two passes, long double accumulators —
 * so the bounds agree with R to the last bit and ties (observed == bound,
 * e.g. a constant baseline with minSigma = 0) resolve as in R.
 *
 * Evaluating one time point reads only the 11 values before it: the daily
 * "today" run costs tens of nanoseconds per series and method.  Over a
 * range, C3 computes each baseline's mean and sd once for the three time
 * points that use it.
 */
#include "engine/aberration.h"

#include <assert.h>
#include <math.h>

#include "engine/dist.h"

void ears_params_init(ears_params *p, ears_method method)
{
	p->method = method;
	p->baseline = 7;
	p->min_sigma = 0;
	p->alpha = method == EARS_C3 ? 0.025 : 0.001;
}

int ears_params_check(const ears_params *p, jy_err *err)
{
	if (p->method != EARS_C1 && p->method != EARS_C2 && p->method != EARS_C3)
		return err_set(err, JY_EINVAL, "EARS method must be C1, C2 or C3");
	if (p->baseline < 3)
		return err_set(err, JY_EINVAL, "baseline must be at least 3 (got %d)", p->baseline);
	if (!(p->min_sigma >= 0) || !isfinite(p->min_sigma))
		return err_set(err, JY_EINVAL, "min-sigma must be a number >= 0");
	if (!(p->alpha > 0 && p->alpha < 1))
		return err_set(err, JY_EINVAL, "alpha must be between 0 and 1 (exclusive)");
	return 0;
}

size_t ears_first(const ears_params *p)
{
	switch (p->method) {
	case EARS_C1: return (size_t)p->baseline;
	case EARS_C2: return (size_t)p->baseline + 2;
	case EARS_C3: return (size_t)p->baseline + 4;
	}
	return (size_t)p->baseline;
}

/* R's pmax(a, b) for two numbers: NA when either is NA. */
static double r_pmax(double a, double b)
{
	if (isnan(a) || isnan(b))
		return a + b;
	return a > b ? a : b;
}

/* R's mean(v[0..n)) and sd(v[0..n)) (two-pass, long double sums). */
static void mean_sd(const double *v, int n, double *mean, double *sd)
{
	long double s = 0;
	for (int i = 0; i < n; i++)
		s += v[i];
	long double m = s / n;
	if (isfinite((double)m)) {
		long double t = 0;
		for (int i = 0; i < n; i++)
			t += v[i] - m;
		m += t / n;
	}
	double xm = (double)m;
	*mean = xm;
	long double ss = 0;
	for (int i = 0; i < n; i++)
		ss += (long double)(v[i] - xm) * (v[i] - xm);
	*sd = sqrt((double)(ss / (n - 1)));
}

/* R's (observed > upperbound) as an alarm. */
static int8_t alarm_of(double y, double ub)
{
	if (isnan(y) || isnan(ub))
		return ABER_NA;
	return y > ub;
}

/* R's C3 bound at t from the C2 baseline statistics of t-2, t-1, t. */
static double c3_bound(const ears_params *p, const double *y, size_t t, const double mean[3],
		       const double sd[3], double z)
{
	double lag = 0;
	for (int k = 0; k < 2; k++) {
		double c2 = (y[t - 2 + (size_t)k] - mean[k]) / r_pmax(sd[k], p->min_sigma);
		lag = lag + r_pmax(0, c2 - 1);
	}
	return r_pmax(0, y[t] + r_pmax(sd[2], p->min_sigma) * (z - lag));
}

/* ears_at with z = qnorm(1 - alpha) already computed. */
static void ears_at_z(const ears_params *p, const double *y, size_t t, double z, double *ub,
		      int8_t *alarm)
{
	assert(p->baseline >= 3 && t >= ears_first(p));
	int b = p->baseline;
	double mean[3], sd[3], bound;
	switch (p->method) {
	case EARS_C1:
		mean_sd(y + t - b, b, &mean[0], &sd[0]);
		bound = mean[0] + z * r_pmax(sd[0], p->min_sigma);
		break;
	case EARS_C2:
		mean_sd(y + t - b - 2, b, &mean[0], &sd[0]);
		bound = mean[0] + z * r_pmax(sd[0], p->min_sigma);
		break;
	case EARS_C3:
	default:
		for (int k = 0; k < 3; k++)
			mean_sd(y + t - 2 + k - b - 2, b, &mean[k], &sd[k]);
		bound = c3_bound(p, y, t, mean, sd, z);
		break;
	}
	*ub = bound;
	*alarm = alarm_of(y[t], bound);
}

void ears_at(const ears_params *p, const double *y, size_t t, double *ub, int8_t *alarm)
{
	ears_at_z(p, y, t, dist_qnorm(1 - p->alpha, 0, 1), ub, alarm);
}

int ears_run(const ears_params *p, const double *y, size_t n, size_t from, size_t to,
	     double *ub, int8_t *alarm, jy_err *err)
{
	int rc = ears_params_check(p, err);
	if (rc)
		return rc;
	if (from > to || to >= n)
		return err_set(err, JY_EINVAL, "range %zu:%zu is outside the series 1:%zu",
			       from + 1, to + 1, n);
	if (from < ears_first(p))
		return err_set(err, JY_EINVAL,
			       "range starts at time point %zu but C%d needs %zu earlier values "
			       "(first possible: %zu)",
			       from + 1, (int)p->method, ears_first(p), ears_first(p) + 1);
	double z = dist_qnorm(1 - p->alpha, 0, 1);
	if (p->method != EARS_C3) {
		for (size_t t = from; t <= to; t++)
			ears_at_z(p, y, t, z, &ub[t], &alarm[t]);
		return 0;
	}
	/* C3: each baseline's mean and sd serve three time points; compute
	 * them once (the same values ears_at computes). */
	int b = p->baseline;
	double mean[3], sd[3];
	for (int k = 0; k < 2; k++)
		mean_sd(y + from - 2 + k - b - 2, b, &mean[k], &sd[k]);
	for (size_t t = from; t <= to; t++) {
		mean_sd(y + t - b - 2, b, &mean[2], &sd[2]);
		ub[t] = c3_bound(p, y, t, mean, sd, z);
		alarm[t] = alarm_of(y[t], ub[t]);
		mean[0] = mean[1];
		sd[0] = sd[1];
		mean[1] = mean[2];
		sd[1] = sd[2];
	}
	return 0;
}
