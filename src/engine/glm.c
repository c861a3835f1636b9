/*
 * glm.c — quasi-Poisson GLM with log link, fitted by iteratively reweighted
 * least squares exactly the way R 4.2's glm.fit() does it, because the
 * Farrington algorithms in R's `surveillance` package are defined by what
 * glm.fit() returns, down to details that move results by more than 1e-9:
 *
 *  - mustart = y + 0.1; eta = log(mustart); mu = max(exp(eta), DBL_EPSILON)
 *    (R's log link clamps mu and dmu/deta at DBL_EPSILON, which is what
 *    makes an all-zero reference window converge, in about 20 iterations,
 *    to mu ~ 1e-11 instead of diverging).
 *  - Convergence on the deviance, |dev - devold| / (|dev| + 0.1) < 1e-8,
 *    at most 25 iterations; step halving when the deviance is not finite.
 *  - The returned working weights ($weights) and the QR decomposition
 *    (used by summary.glm, predict.lm and hatvalues) belong to the LAST
 *    iteration, i.e. to the mu before the final update, while the fitted
 *    values and working residuals belong to the final mu.  The two differ
 *    by up to ~1e-4 relative at convergence, so the dispersion estimate
 *    sum(wt * res^2) / df mixes them exactly as R does.
 *  - Sums that R accumulates in long double (sum(), mean()) are accumulated
 *    in long double here too.
 *  - The QR is Householder with LINPACK dqrdc2's "limited pivoting": a
 *    column whose remaining norm falls below tol (1e-11) times its original
 *    norm is moved to the end and its coefficient is aliased (NaN), which
 *    happens when a seasonal factor level has no observations.
 *
 * Cheaper than R without changing a bit of the result: dmu/deta is mu
 * itself for this link (the same max(exp(eta), eps)), and a row whose
 * linear predictor equals the previous row's reuses its exp() and sqrt()
 * (every row of an intercept-only model does).
 *
 * Written from the algorithm, not R's source.  No global state; all
 * buffers live in the caller's glm_fit and grow only when a larger model
 * comes along.
 */
#include "engine/glm.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dist.h"
#include "util/err.h"

#define GLM_MAXIT 25
#define GLM_EPSILON 1e-8
#define GLM_QR_TOL 1e-11 /* min(1e-7, epsilon / 1000) */

void glm_fit_release(glm_fit *f)
{
	if (!f)
		return;
	free(f->mu);
	free(f->wt);
	free(f->res);
	free(f->eta);
	free(f->z);
	free(f->w);
	free(f->xw);
	free(f->qr);
	free(f->beta);
	free(f->beta_old);
	free(f->good);
	memset(f, 0, sizeof *f);
}

/* Make room for n observations and p columns; JY_ENOMEM on failure. */
static int glm_reserve(glm_fit *f, size_t n, int p)
{
	if (n <= f->cap_n && p <= f->cap_p)
		return 0;
	size_t cn = n > f->cap_n ? n + n / 2 + 16 : f->cap_n;
	int cp = p > f->cap_p ? p : f->cap_p;
	double **vecs[] = { &f->mu, &f->wt, &f->res, &f->eta, &f->z, &f->w };
	for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
		double *v = realloc(*vecs[i], cn * sizeof(double));
		if (!v)
			return JY_ENOMEM;
		*vecs[i] = v;
	}
	double *xw = realloc(f->xw, cn * (size_t)cp * sizeof(double));
	if (!xw)
		return JY_ENOMEM;
	f->xw = xw;
	double *qr = realloc(f->qr, cn * (size_t)cp * sizeof(double));
	if (!qr)
		return JY_ENOMEM;
	f->qr = qr;
	double *b = realloc(f->beta, (size_t)cp * sizeof(double));
	if (!b)
		return JY_ENOMEM;
	f->beta = b;
	b = realloc(f->beta_old, (size_t)cp * sizeof(double));
	if (!b)
		return JY_ENOMEM;
	f->beta_old = b;
	size_t *g = realloc(f->good, cn * sizeof(size_t));
	if (!g)
		return JY_ENOMEM;
	f->good = g;
	f->cap_n = cn;
	f->cap_p = cp;
	return 0;
}

static double linkinv(double eta)
{
	double mu = exp(eta);
	return mu > DBL_EPSILON ? mu : DBL_EPSILON;
}

/* sum(dev.resids(y, mu, wt)) for the Poisson family. */
static double deviance(const double *y, const double *mu, const double *prior, size_t n)
{
	long double s = 0;
	for (size_t i = 0; i < n; i++) {
		double wt = prior ? prior[i] : 1.0;
		double r = y[i] > 0 ? wt * (y[i] * log(y[i] / mu[i]) - (y[i] - mu[i])) : mu[i] * wt;
		s += 2 * r;
	}
	return (double)s;
}

static double col_norm(const double *a, size_t n, size_t from)
{
	double s = 0;
	for (size_t i = from; i < n; i++)
		s += a[i] * a[i];
	return sqrt(s);
}

/*
 * Householder QR of the n x p column-major matrix a (overwritten with R
 * above the diagonal and the reflectors below, as LINPACK stores them),
 * with dqrdc2's limited pivoting.  Returns the rank.
 */
static int qr_decompose(double *a, size_t n, int p, int *pivot, double *qraux)
{
	double orig[GLM_MAXP];
	for (int j = 0; j < p; j++) {
		pivot[j] = j;
		orig[j] = col_norm(a + (size_t)j * n, n, 0);
		if (orig[j] == 0)
			orig[j] = 1;
		qraux[j] = 0;
	}
	int k = p; /* columns [0, k) are candidates; [k, p) are negligible */
	int lup = (size_t)p < n ? p : (int)n;
	int l;
	for (l = 0; l < lup; l++) {
		while (l < k && col_norm(a + (size_t)l * n, n, (size_t)l) < orig[l] * GLM_QR_TOL) {
			/* Rotate column l to the end by adjacent swaps. */
			for (int j = l; j < p - 1; j++) {
				double *c0 = a + (size_t)j * n, *c1 = c0 + n;
				for (size_t i = 0; i < n; i++) {
					double t = c0[i];
					c0[i] = c1[i];
					c1[i] = t;
				}
			}
			int pv = pivot[l];
			double ov = orig[l];
			for (int j = l; j < p - 1; j++) {
				pivot[j] = pivot[j + 1];
				orig[j] = orig[j + 1];
			}
			pivot[p - 1] = pv;
			orig[p - 1] = ov;
			k--;
		}
		if (l >= k)
			break;
		if ((size_t)l == n - 1)
			continue; /* last row: nothing to annihilate */
		double *cl = a + (size_t)l * n;
		double nrmxl = col_norm(cl, n, (size_t)l);
		if (nrmxl == 0)
			continue;
		if (cl[l] != 0)
			nrmxl = copysign(nrmxl, cl[l]);
		double sc = 1.0 / nrmxl;
		for (size_t i = (size_t)l; i < n; i++)
			cl[i] *= sc;
		cl[l] += 1.0;
		for (int j = l + 1; j < p; j++) {
			double *cj = a + (size_t)j * n;
			double dot = 0;
			for (size_t i = (size_t)l; i < n; i++)
				dot += cl[i] * cj[i];
			double t = -dot / cl[l];
			for (size_t i = (size_t)l; i < n; i++)
				cj[i] += t * cl[i];
		}
		qraux[l] = cl[l];
		cl[l] = -nrmxl;
	}
	return k < (int)n ? k : (int)n;
}

/* Apply Q' (the first `rank` reflectors) to y in place. */
static void qr_qty(const double *a, size_t n, int rank, const double *qraux, double *y)
{
	int ju = rank < (int)n - 1 ? rank : (int)n - 1;
	for (int l = 0; l < ju; l++) {
		if (qraux[l] == 0)
			continue;
		const double *cl = a + (size_t)l * n;
		double diag = qraux[l];
		double dot = diag * y[l];
		for (size_t i = (size_t)l + 1; i < n; i++)
			dot += cl[i] * y[i];
		double t = -dot / diag;
		y[l] += t * diag;
		for (size_t i = (size_t)l + 1; i < n; i++)
			y[i] += t * cl[i];
	}
}

/* Solve R b = qty for the first rank entries (column-oriented, as dqrsl). */
static void qr_backsolve(const double *a, size_t n, int rank, double *b)
{
	for (int j = rank - 1; j >= 0; j--) {
		b[j] /= a[(size_t)j * n + (size_t)j];
		double t = -b[j];
		for (int i = 0; i < j; i++)
			b[i] += t * a[(size_t)j * n + (size_t)i];
	}
}

/* eta = x beta, mu = linkinv(eta) for all n rows.  Rows with the same
 * linear predictor as the row before (every row of an intercept-only
 * model) reuse its mu: the same value, one exp() fewer. */
static void update_eta(glm_fit *f, const double *x, size_t n, int p, const double *beta)
{
	double last_e = NAN, last_mu = NAN;
	for (size_t i = 0; i < n; i++) {
		double e = 0;
		for (int j = 0; j < p; j++)
			e += x[(size_t)j * n + i] * beta[j];
		f->eta[i] = e;
		if (e != last_e) {
			last_e = e;
			last_mu = linkinv(e);
		}
		f->mu[i] = last_mu;
	}
}

static bool valid_mu(const double *mu, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(mu[i]) || !(mu[i] > 0))
			return false;
	return true;
}

int glm_quasipoisson(glm_fit *f, const double *x, size_t n, int p, const double *y,
		     const double *prior)
{
	assert(f && x && y);
	assert(p >= 1 && p <= GLM_MAXP);
	int rc = glm_reserve(f, n, p);
	if (rc)
		return rc;
	f->n = n;
	f->p = p;
	f->converged = false;
	f->rank = 0;
	f->iter = 0;
	if (n == 0)
		return JY_EINVAL;

	for (size_t i = 0; i < n; i++) {
		assert(y[i] >= 0 && isfinite(y[i]));
		f->eta[i] = log(y[i] + 0.1);
		f->mu[i] = linkinv(f->eta[i]);
	}
	double devold = deviance(y, f->mu, prior, n);
	bool have_old = false, conv = false;
	double *beta = f->beta, *beta_old = f->beta_old;
	double coef[GLM_MAXP];
	bool have_coef = false;
	int rank = 0;

	for (int iter = 1; iter <= GLM_MAXIT; iter++) {
		f->iter = iter;
		/* The good rows and the weighted least-squares problem. */
		size_t ng = 0;
		double last_mu = NAN, last_wt = NAN, last_w = NAN;
		for (size_t i = 0; i < n; i++) {
			double wt = prior ? prior[i] : 1.0;
			if (!(wt > 0))
				continue;
			/* d mu / d eta for the log link is max(exp(eta), eps) too: the
			 * very value of mu, so no second exp() */
			double mue = f->mu[i];
			f->good[ng] = i;
			f->z[ng] = f->eta[i] + (y[i] - f->mu[i]) / mue;
			if (mue != last_mu || wt != last_wt) {
				last_mu = mue;
				last_wt = wt;
				last_w = sqrt(wt * (mue * mue) / f->mu[i]);
			}
			f->w[ng] = last_w;
			ng++;
		}
		f->n_good = ng;
		if (ng == 0)
			break; /* "no observations informative": not converged */
		for (int j = 0; j < p; j++)
			for (size_t r = 0; r < ng; r++)
				f->xw[(size_t)j * ng + r] = x[(size_t)j * n + f->good[r]] * f->w[r];
		memcpy(f->qr, f->xw, ng * (size_t)p * sizeof(double));
		for (size_t r = 0; r < ng; r++)
			f->z[r] *= f->w[r];
		rank = qr_decompose(f->qr, ng, p, f->pivot, f->qraux);
		assert(rank >= 0 && rank <= p && (size_t)rank <= ng);
		qr_qty(f->qr, ng, rank, f->qraux, f->z);
		double sol[GLM_MAXP];
		for (int j = 0; j < p; j++)
			sol[j] = j < rank ? f->z[j] : 0.0;
		qr_backsolve(f->qr, ng, rank, sol);
		bool finite = true;
		for (int j = 0; j < p; j++)
			finite = finite && isfinite(sol[j]);
		if (!finite)
			break;
		for (int j = 0; j < p; j++)
			beta[f->pivot[j]] = sol[j];
		update_eta(f, x, n, p, beta);
		double dev = deviance(y, f->mu, prior, n);
		if (!isfinite(dev) || !valid_mu(f->mu, n)) {
			if (!have_old)
				return JY_EINVAL;
			for (int ii = 1; !isfinite(dev) || !valid_mu(f->mu, n); ii++) {
				if (ii > GLM_MAXIT)
					return JY_EINVAL;
				for (int j = 0; j < p; j++)
					beta[j] = (beta[j] + beta_old[j]) / 2;
				update_eta(f, x, n, p, beta);
				dev = deviance(y, f->mu, prior, n);
			}
		}
		memcpy(coef, beta, (size_t)p * sizeof(double));
		have_coef = true;
		f->deviance = dev;
		if (fabs(dev - devold) / (0.1 + fabs(dev)) < GLM_EPSILON) {
			conv = true;
			break;
		}
		devold = dev;
		memcpy(beta_old, beta, (size_t)p * sizeof(double));
		have_old = true;
	}
	if (!have_coef)
		return JY_EINVAL;

	f->converged = conv;
	f->rank = rank;
	for (int j = 0; j < p; j++)
		f->coef[j] = coef[j];
	for (int m = rank; m < p; m++)
		f->coef[f->pivot[m]] = NAN;
	size_t n_ok = 0;
	for (size_t i = 0; i < n; i++) {
		f->res[i] = (y[i] - f->mu[i]) / f->mu[i]; /* (y - mu) / mu.eta(eta) */
		f->wt[i] = 0;
		if (!prior || prior[i] != 0)
			n_ok++;
	}
	for (size_t r = 0; r < f->n_good; r++)
		f->wt[f->good[r]] = f->w[r] * f->w[r];
	f->n_ok = n_ok;

	/* R^-1 of the last QR (upper triangular, rank x rank), row-major. */
	size_t ng = f->n_good;
	for (int c = 0; c < rank; c++) { /* column c: solve R v = e_c */
		double v[GLM_MAXP];
		for (int j = c; j >= 0; j--) {
			double s = j == c ? 1.0 : 0.0;
			for (int i = j + 1; i <= c; i++)
				s -= f->qr[(size_t)i * ng + (size_t)j] * v[i];
			v[j] = s / f->qr[(size_t)j * ng + (size_t)j];
		}
		for (int j = 0; j <= c; j++)
			f->rinv[j * GLM_MAXP + c] = v[j];
	}
	return 0;
}

long glm_df_residual(const glm_fit *f)
{
	return (long)f->n_ok - f->rank;
}

double glm_dispersion_weights(const glm_fit *f, const double *weights)
{
	long df = glm_df_residual(f);
	if (df <= 0)
		return NAN;
	long double s = 0;
	for (size_t i = 0; i < f->n; i++)
		if (weights[i] > 0)
			s += weights[i] * (f->res[i] * f->res[i]);
	return (double)(s / df);
}

double glm_dispersion(const glm_fit *f)
{
	return glm_dispersion_weights(f, f->wt);
}

double glm_predict_link(const glm_fit *f, const double *xnew)
{
	double e = 0;
	for (int m = 0; m < f->rank; m++)
		e += xnew[f->pivot[m]] * f->coef[f->pivot[m]];
	return e;
}

double glm_predict_se(const glm_fit *f, const double *xnew, double scale)
{
	double res_var = scale * scale;
	double ip = 0;
	for (int m = 0; m < f->rank; m++) {
		double u = 0;
		for (int j = 0; j <= m; j++)
			u += xnew[f->pivot[j]] * f->rinv[j * GLM_MAXP + m];
		ip += u * u * res_var;
	}
	return sqrt(ip);
}

void glm_hat(const glm_fit *f, double *hat)
{
	size_t ng = f->n_good;
	assert(ng == f->n); /* all prior weights positive */
	for (size_t r = 0; r < ng; r++) {
		double h = 0;
		for (int m = 0; m < f->rank; m++) {
			double u = 0;
			for (int j = 0; j <= m; j++)
				u += f->xw[(size_t)f->pivot[j] * ng + r] * f->rinv[j * GLM_MAXP + m];
			h += u * u;
		}
		if (h > 1 - 10 * DBL_EPSILON)
			h = 1;
		hat[f->good[r]] = h;
	}
}

double glm_coef_pvalue(const glm_fit *f, int j, double dispersion, double *est)
{
	if (est)
		*est = f->coef[j];
	int m = -1;
	for (int i = 0; i < f->rank; i++)
		if (f->pivot[i] == j)
			m = i;
	long df = glm_df_residual(f);
	if (m < 0 || df <= 0)
		return NAN;
	double v = 0;
	for (int l = m; l < f->rank; l++)
		v += f->rinv[m * GLM_MAXP + l] * f->rinv[m * GLM_MAXP + l];
	double se = sqrt(dispersion * v);
	double t = f->coef[j] / se;
	return 2 * dist_pt(-fabs(t), (double)df);
}
