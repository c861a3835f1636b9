/*
 * dist.c — normal, Student t, Poisson and negative binomial distribution
 * functions for the aberration engines (see dist.h).
 *
 * Written from the published algorithms, not from R's (GPL) sources, but
 * chosen so that the numbers agree with R 4.2 where it matters:
 *
 *  - qnorm is Wichura's AS 241 (Applied Statistics 37, 1988), the algorithm
 *    R uses, evaluated in the same Horner order, so EARS thresholds agree to
 *    the last bit.
 *  - pnorm is 0.5 * erfc(-z / sqrt 2) from the C library (relative error a
 *    few 1e-16 for |z| < 8, which is all Farrington's p-values need).
 *  - pt goes through the regularised incomplete beta function, evaluated by
 *    its continued fraction (modified Lentz); only compared with a threshold.
 *  - Poisson and negative binomial probabilities use Loader's saddle-point
 *    expansion (C. Loader, "Fast and accurate computation of binomial
 *    probabilities", 2000): stirlerr() and bd0() keep full relative accuracy
 *    even when size is huge (phi close to 1 makes size = mu / (phi - 1)
 *    large).  The distribution functions sum these probabilities from the
 *    mode outwards, using the exact ratio of neighbouring terms, so a
 *    quantile costs a few dozen multiplications for the counts seen in
 *    school surveillance.
 *  - Quantiles of discrete laws follow R 4.2's definition: the smallest y
 *    with F(y) >= p * (1 - 8 * DBL_EPSILON) (R's "left continuity fuzz").
 */
#include "engine/dist.h"

#include <assert.h>
#include <float.h>
#include <math.h>

#define LN_SQRT_2PI 0.918938533204672741780329736406 /* log(sqrt(2 pi)) */
#define LN_2PI 1.837877066409345483560659472811      /* log(2 pi) */

double dist_qnorm(double p, double mu, double sigma)
{
	if (isnan(p) || isnan(mu) || isnan(sigma))
		return p + mu + sigma;
	if (p < 0 || p > 1 || sigma < 0)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (sigma == 0)
		return mu;

	double q = p - 0.5, r, val;
	if (fabs(q) <= 0.425) {
		r = 0.180625 - q * q;
		val = q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r +
				67265.770927008700853) * r + 45921.953931549871457) * r +
			      13731.693765509461125) * r + 1971.5909503065514427) * r +
			    133.14166789178437745) * r + 3.387132872796366608) /
		      (((((((r * 5226.495278852854561 + 28729.085735721942674) * r +
			    39307.89580009271061) * r + 21213.794301586595867) * r +
			  5394.1960214247511077) * r + 687.1870074920579083) * r +
			42.313330701600911252) * r + 1.0);
		return mu + sigma * val;
	}
	r = q < 0 ? p : (0.5 - p + 0.5);
	r = sqrt(-log(r));
	if (r <= 5.0) {
		r -= 1.6;
		val = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r +
			    0.24178072517745061177) * r + 1.27045825245236838258) * r +
			  3.64784832476320460504) * r + 5.7694972214606914055) * r +
			4.6303378461565452959) * r + 1.42343711074968357734) /
		      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
			    0.0151986665636164571966) * r + 0.14810397642748007459) * r +
			  0.68976733498510000455) * r + 1.6763848301838038494) * r +
			2.05319162663775882187) * r + 1.0);
	} else {
		r -= 5.0;
		val = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r +
			    0.0012426609473880784386) * r + 0.026532189526576123093) * r +
			  0.29656057182850489123) * r + 1.7848265399172913358) * r +
			5.4637849111641143699) * r + 6.6579046435011037772) /
		      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
			    1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
			  0.0148753612908506148525) * r + 0.13692988092273580531) * r +
			0.59983220655588793769) * r + 1.0);
	}
	if (q < 0.0)
		val = -val;
	return mu + sigma * val;
}

double dist_pnorm(double x, double mu, double sigma, bool lower)
{
	if (isnan(x) || isnan(mu) || isnan(sigma))
		return x + mu + sigma;
	if (sigma < 0)
		return NAN;
	double z = (x - mu) / sigma;
	if (isnan(z)) /* Inf - Inf, or 0/0 */
		return NAN;
	if (sigma == 0 || isinf(z))
		return (z < 0) == lower ? 0.0 : 1.0;
	return 0.5 * erfc((lower ? -z : z) / M_SQRT2);
}

/* log(B(a, b)) for the moderate arguments pt() passes. */
static double lbeta(double a, double b)
{
	return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/*
 * I_x(a, b) by its continued fraction; y = 1 - x is passed separately so
 * that the caller keeps the precision of whichever of the two it computed
 * directly.  Converges fast when x < (a + 1) / (a + b + 2).
 */
static double ibeta_cf(double x, double y, double a, double b)
{
	const double tiny = 1e-300;
	double front = exp(a * log(x) + b * log(y) - lbeta(a, b)) / a;
	double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	double h = d;
	for (int m = 1; m <= 1000; m++) {
		double m2 = 2.0 * m;
		double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
		d = 1.0 + num * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + num / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
		d = 1.0 + num * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + num / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-16)
			break;
	}
	return front * h;
}

/* Regularised incomplete beta I_x(a, b), or its complement when upper. */
static double ibeta(double x, double y, double a, double b, bool upper)
{
	if (x <= 0)
		return upper ? 1.0 : 0.0;
	if (y <= 0)
		return upper ? 0.0 : 1.0;
	if (x < (a + 1.0) / (a + b + 2.0)) {
		double v = ibeta_cf(x, y, a, b);
		return upper ? 1.0 - v : v;
	}
	double v = ibeta_cf(y, x, b, a);
	return upper ? v : 1.0 - v;
}

double dist_pt(double t, double df)
{
	if (isnan(t) || isnan(df))
		return t + df;
	if (df <= 0)
		return NAN;
	if (isinf(t))
		return t < 0 ? 0.0 : 1.0;
	/* Two-sided tail P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2). */
	double t2 = t * t;
	double x = df / (df + t2), y = t2 / (df + t2);
	double tail = ibeta(x, y, df / 2.0, 0.5, false);
	return t <= 0 ? 0.5 * tail : 1.0 - 0.5 * tail;
}

/* ---- Loader's saddle-point pieces -------------------------------------- */

/* log(n!) - log(sqrt(2 pi n) (n/e)^n), for real n >= 0. */
static double stirlerr(double n)
{
	if (n <= 15.0)
		return lgamma(n + 1.0) - (n + 0.5) * log(n) + n - LN_SQRT_2PI;
	const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680,
		     s4 = 1.0 / 1188;
	double nn = n * n;
	return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/* x log(x / np) + np - x, without cancellation when x is close to np. */
static double bd0(double x, double np)
{
	if (fabs(x - np) < 0.1 * (x + np)) {
		double v = (x - np) / (x + np);
		double s = (x - np) * v;
		double ej = 2 * x * v;
		v *= v;
		for (int j = 1; j < 1000; j++) {
			ej *= v;
			double s1 = s + ej / (2 * j + 1);
			if (s1 == s)
				return s1;
			s = s1;
		}
	}
	return x * log(x / np) + np - x;
}

/* Binomial probability of x in n trials (n real), p + q == 1. */
static double dbinom_raw(double x, double n, double p, double q)
{
	if (p == 0)
		return x == 0 ? 1.0 : 0.0;
	if (q == 0)
		return x == n ? 1.0 : 0.0;
	if (x == 0) {
		if (n == 0)
			return 1.0;
		return exp(p < 0.1 ? -bd0(n, n * q) - n * p : n * log(q));
	}
	if (x == n)
		return exp(q < 0.1 ? -bd0(n, n * p) - n * q : n * log(p));
	if (x < 0 || x > n)
		return 0.0;
	double lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) -
		    bd0(n - x, n * q);
	double lf = LN_2PI + log(x) + log1p(-x / n);
	return exp(lc - 0.5 * lf);
}

/* ---- Poisson and negative binomial, summed from the mode --------------- */

typedef struct discrete {
	bool nbinom;
	double lambda;      /* Poisson mean */
	double size, prob;  /* negative binomial */
	double q;           /* 1 - prob */
} discrete;

static double disc_pmf(const discrete *d, double x)
{
	if (!d->nbinom) {
		if (d->lambda == 0)
			return x == 0 ? 1.0 : 0.0;
		if (x == 0)
			return exp(-d->lambda);
		return exp(-stirlerr(x) - bd0(x, d->lambda)) / sqrt(2 * M_PI * x);
	}
	double ans = dbinom_raw(d->size, x + d->size, d->prob, d->q);
	return d->size / (d->size + x) * ans;
}

/* pmf(i + 1) / pmf(i). */
static double disc_ratio(const discrete *d, double i)
{
	if (!d->nbinom)
		return d->lambda / (i + 1.0);
	return (i + d->size) / (i + 1.0) * d->q;
}

static double disc_mode(const discrete *d)
{
	if (!d->nbinom)
		return floor(d->lambda);
	if (d->size <= 1.0)
		return 0.0;
	return floor((d->size - 1.0) * d->q / d->prob);
}

/* P(Y <= m) for m at or below the mode, pm = pmf(m): terms shrink downwards. */
static double disc_cdf_below(const discrete *d, double m, double pm)
{
	double sum = pm, term = pm;
	for (double i = m; i > 0; i--) {
		double r = disc_ratio(d, i - 1.0);
		if (r == 0)
			break;
		term /= r;
		sum += term;
		if (term < sum * 1e-18)
			break;
	}
	return sum;
}

/* P(Y > x) for x at or above the mode: terms shrink upwards. */
static double disc_tail_above(const discrete *d, double x)
{
	double term = disc_pmf(d, x + 1.0), sum = term;
	for (double i = x + 1.0; term > 0; i++) {
		term *= disc_ratio(d, i);
		sum += term;
		if (term < sum * 1e-18)
			break;
	}
	return sum;
}

/* Mean, variance, skewness and excess kurtosis of d. */
static void disc_moments(const discrete *d, double *mean, double *var, double *skew,
			 double *kurt)
{
	if (!d->nbinom) {
		*mean = d->lambda;
		*var = d->lambda;
		*skew = 1 / sqrt(d->lambda);
		*kurt = 1 / d->lambda;
		return;
	}
	*mean = d->size * d->q / d->prob;
	*var = *mean / d->prob;
	*skew = (2 - d->prob) / sqrt(d->size * d->q);
	*kurt = 6 / d->size + d->prob * d->prob / (d->size * d->q);
}

/*
 * For laws so wide that summing from the mode would take more than
 * DISC_MAX_TERMS terms (a Poisson mean above ~1e12, reached only by
 * degenerate model fits), the quantile is the Cornish-Fisher value with
 * skewness and kurtosis terms and a continuity correction; its error is a
 * fraction of a count, i.e. below 1e-12 relative at that size.
 */
#define DISC_MAX_TERMS 2e7

static double disc_quantile_wide(const discrete *d, double p)
{
	double mean, var, g, k;
	disc_moments(d, &mean, &var, &g, &k);
	double z = dist_qnorm(p, 0, 1);
	double w = z + g * (z * z - 1) / 6 + k * (z * z * z - 3 * z) / 24 -
		   g * g * (2 * z * z * z - 5 * z) / 36;
	double y = ceil(mean + sqrt(var) * w - 0.5);
	return y < 0 ? 0 : y;
}

static bool disc_too_wide(const discrete *d, double p)
{
	double mean, var, g, k;
	disc_moments(d, &mean, &var, &g, &k);
	double sd = sqrt(var);
	double z = fabs(dist_qnorm(p, 0, 1));
	return !(12 * sd + z * sd + fabs(mean - disc_mode(d)) < DISC_MAX_TERMS);
}

static double disc_quantile(const discrete *d, double p)
{
	p *= 1 - 8 * DBL_EPSILON;
	if (disc_too_wide(d, p))
		return disc_quantile_wide(d, p);
	double y = disc_mode(d);
	double term = disc_pmf(d, y);
	double cdf = disc_cdf_below(d, y, term);
	if (cdf >= p) {
		while (y > 0) {
			double below = cdf - term;
			if (below < p)
				break;
			cdf = below;
			term /= disc_ratio(d, y - 1.0);
			y--;
		}
		return y;
	}
	while (cdf < p) {
		term *= disc_ratio(d, y);
		if (term <= 0) /* p beyond what the sum can reach */
			break;
		y++;
		cdf += term;
	}
	return y;
}

/*
 * P(Y > x).  Below the mode the probabilities rise, so P(Y <= x) <=
 * (x + 1) pmf(x) and a negligible bound gives 1 at once; above it they
 * fall and are summed until negligible.  Far too wide laws (see
 * disc_quantile_wide) use the normal approximation with continuity
 * correction.
 */
static double disc_upper(const discrete *d, double x)
{
	x = floor(x + 1e-7);
	if (x < 0)
		return 1.0;
	double m = disc_mode(d);
	double mean, var, g, k;
	disc_moments(d, &mean, &var, &g, &k);
	bool wide = !(40 * sqrt(var) + fabs(x - m) < DISC_MAX_TERMS);
	if (x < m) {
		double px = disc_pmf(d, x);
		if ((x + 1) * px < 1e-17)
			return 1.0;
		if (!wide)
			return 1.0 - disc_cdf_below(d, x, px);
	} else if (!wide) {
		return disc_tail_above(d, x);
	}
	return dist_pnorm(x + 0.5, mean, sqrt(var), false);
}

double dist_qpois(double p, double lambda)
{
	if (isnan(p) || isnan(lambda))
		return p + lambda;
	if (!isfinite(lambda) || lambda < 0 || p < 0 || p > 1)
		return NAN;
	if (lambda == 0 || p == 0)
		return 0.0;
	if (p == 1)
		return INFINITY;
	discrete d = { .nbinom = false, .lambda = lambda };
	return disc_quantile(&d, p);
}

double dist_ppois_upper(double x, double lambda)
{
	if (isnan(x) || isnan(lambda))
		return x + lambda;
	if (lambda < 0)
		return NAN;
	if (x < 0 || lambda == 0)
		return x < 0 ? 1.0 : 0.0;
	if (!isfinite(x))
		return 0.0;
	discrete d = { .nbinom = false, .lambda = lambda };
	return disc_upper(&d, x);
}

double dist_qnbinom(double p, double size, double prob)
{
	if (isnan(p) || isnan(size) || isnan(prob))
		return p + size + prob;
	if (prob <= 0 || prob > 1 || size < 0 || p < 0 || p > 1)
		return NAN;
	if (prob == 1 || size == 0 || p == 0)
		return 0.0;
	if (p == 1)
		return INFINITY;
	discrete d = { .nbinom = true, .size = size, .prob = prob, .q = 1 - prob };
	return disc_quantile(&d, p);
}

double dist_pnbinom_upper(double x, double size, double prob)
{
	if (isnan(x) || isnan(size) || isnan(prob))
		return x + size + prob;
	if (prob <= 0 || prob > 1 || size < 0)
		return NAN;
	if (x < 0)
		return 1.0;
	if (prob == 1 || size == 0 || !isfinite(x))
		return 0.0;
	discrete d = { .nbinom = true, .size = size, .prob = prob, .q = 1 - prob };
	return disc_upper(&d, x);
}
