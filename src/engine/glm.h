/*
 * glm.h — quasi-Poisson log-linear models fitted the way R's glm.fit() does
 * (R 4.2), for the Farrington engines.  See glm.c for the design.
 *
 * A glm_fit is a reusable workspace plus the results of the last fit: the
 * caller owns it (zero-initialise it, or glm_fit_release() it when done),
 * and fitting again reuses its buffers, so a daily run over hundreds of
 * thousands of series allocates only while the largest model grows.
 */
#ifndef JY_ENGINE_GLM_H
#define JY_ENGINE_GLM_H

#include <stdbool.h>
#include <stddef.h>

#define GLM_MAXP 64 /* most columns a design may have */

typedef struct glm_fit {
	/* Results of the last glm_quasipoisson() (read-only for callers). */
	size_t n;            /* observations */
	int p;               /* columns of the design */
	int rank;            /* numerical rank (columns kept by the QR) */
	int iter;            /* IRLS iterations used */
	bool converged;      /* R's $converged */
	size_t n_ok;         /* observations with a positive prior weight */
	double deviance;
	double coef[GLM_MAXP];  /* by design column; NaN when aliased */
	int pivot[GLM_MAXP];    /* R's qr$pivot, 0-based */
	double *mu;          /* n fitted means */
	double *wt;          /* n working weights of the last iteration ($weights) */
	double *res;         /* n working residuals ($residuals) */

	/* Workspace (private). */
	size_t cap_n;
	int cap_p;
	double *eta, *z, *w, *xw, *qr, *beta, *beta_old;
	double qraux[GLM_MAXP];
	double rinv[GLM_MAXP * GLM_MAXP]; /* R^-1 of the last QR, rank x rank */
	size_t *good;        /* rows used in the last QR */
	size_t n_good;
} glm_fit;

/* Free the buffers of f (f itself belongs to the caller); NULL is accepted.
 * Leaves f zeroed, ready for reuse. */
void glm_fit_release(glm_fit *f);

/*
 * Fit y ~ x by quasi-Poisson IRLS with log link, as
 * glm.fit(x, y, weights = prior, family = quasipoisson()) in R 4.2:
 * mustart = y + 0.1, deviance convergence |dev - devold| / (|dev| + 0.1) <
 * 1e-8 within 25 iterations, QR with R's limited column pivoting (tol 1e-11),
 * step halving on a non-finite deviance.
 *
 * x is n x p, column-major (x[j * n + i]); y >= 0 and finite; prior may be
 * NULL (all ones) or n non-negative weights.  1 <= p <= GLM_MAXP.
 * Returns 0 (check f->converged), JY_ENOMEM, or JY_EINVAL where R stops with
 * an error (no valid coefficients, or rank > number of observations).
 */
int glm_quasipoisson(glm_fit *f, const double *x, size_t n, int p, const double *y,
		     const double *prior);

/* summary.glm()$dispersion: sum of wt * res^2 over positive wt, divided by
 * the residual degrees of freedom n_ok - rank; NaN when those are 0. */
double glm_dispersion(const glm_fit *f);

/* The same with other weights in place of the working weights: what
 * summary.glm() reports after a caller overwrote model$weights (as
 * farringtonFlexible does with the reweighting weights). */
double glm_dispersion_weights(const glm_fit *f, const double *weights);

/* Residual degrees of freedom n_ok - rank. */
long glm_df_residual(const glm_fit *f);

/* Linear predictor x . coef for one new row of p values (aliased columns
 * left out), as predict.lm() computes it. */
double glm_predict_link(const glm_fit *f, const double *xnew);

/* Standard error of glm_predict_link() with residual scale `scale`
 * (sqrt of the dispersion), as predict.lm(se.fit = TRUE). */
double glm_predict_se(const glm_fit *f, const double *xnew, double scale);

/* Leverages (hatvalues) of the n rows; all prior weights must be positive.
 * Values within 10 * DBL_EPSILON of 1 are set to 1, as lm.influence does. */
void glm_hat(const glm_fit *f, double *hat);

/* summary.glm() for column j with the given dispersion: estimate (*est),
 * and the two-sided t-test p-value on df_residual degrees of freedom.
 * Returns the p-value; NaN when the column is aliased or df is 0. */
double glm_coef_pvalue(const glm_fit *f, int j, double dispersion, double *est);

#endif
