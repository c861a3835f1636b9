/*
 * dist.h — the few probability distributions the aberration engines need,
 * written to agree with R 4.2's nmath to the last bit where that is cheap
 * (qnorm: the same published algorithm, AS 241) and to ~1e-14 elsewhere
 * (pnorm, pt, the Poisson and negative binomial distributions).
 *
 * Pure functions of their arguments: no state, no allocation, no errors —
 * out-of-domain arguments give NaN exactly where R gives NaN.  Only the
 * lower tail is offered unless a name says otherwise.
 */
#ifndef JY_ENGINE_DIST_H
#define JY_ENGINE_DIST_H

#include <stdbool.h>

/* R's qnorm(p, mu, sigma): the p-quantile of N(mu, sigma^2).
 * p == 0 gives -Inf, p == 1 gives +Inf, p outside [0, 1] NaN. */
double dist_qnorm(double p, double mu, double sigma);

/* R's pnorm(x, mu, sigma, lower.tail = lower). */
double dist_pnorm(double x, double mu, double sigma, bool lower);

/* R's pt(t, df) for df > 0 (lower tail). */
double dist_pt(double t, double df);

/* R's qpois(p, lambda): the smallest integer y with P(Y <= y) >= p
 * (with R's left-continuity fuzz).  p == 1 gives +Inf. */
double dist_qpois(double p, double lambda);

/* R's ppois(x, lambda, lower.tail = FALSE) = P(Y > x). */
double dist_ppois_upper(double x, double lambda);

/* R's qnbinom(p, size, prob) (the "size, prob" form). */
double dist_qnbinom(double p, double size, double prob);

/* R's pnbinom(x, size, prob, lower.tail = FALSE) = P(Y > x). */
double dist_pnbinom_upper(double x, double size, double prob);

#endif
