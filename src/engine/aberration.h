/*
 * aberration.h — statistical aberration detection on count time series:
 * EARS C1/C2/C3 (ears.c) and the Farrington method in both of R's forms,
 * algo.farrington() and farringtonFlexible() (farrington.c).  The numbers
 * are those of R 4.2.2 with the `surveillance` package 1.20.3, including
 * where R's code differs from its documentation (see each .c file).
 *
 * A pure library: arrays in, arrays out, no files, database or HTTP.  The
 * domain layer loads the counts of a series and hands them over; for the
 * daily run of a district (hundreds of thousands of series) it keeps one
 * farrington_work per thread and asks for the last time point only
 * (ears_at / farrington_at / farrington_flex_at with t = n - 1), which
 * costs one model fit and no allocation once the workspace has grown.
 *
 * Conventions shared by every function here:
 *  - Time points are 0-based indexes into the series: R's time point k is
 *    index k - 1.  Ranges are inclusive [from, to].
 *  - Missing values (R's NA) are NaN in `observed` and in upper bounds;
 *    alarms are 0, 1 or ABER_NA.
 *  - The *_run() functions write indexes from..to of ub[] and alarm[] (and
 *    detail[] when not NULL) and leave every other index untouched.
 *  - Errors: 0, or a negative JY_E* code with the reason in *err (which may
 *    be NULL).  Library code never prints.
 *  - Threads: every function is reentrant and there is no global state; a
 *    farrington_work must only be used by one thread at a time.
 */
#ifndef JY_ENGINE_ABERRATION_H
#define JY_ENGINE_ABERRATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define ABER_NA ((int8_t)-1) /* an alarm R reports as NA */

/* One count series as R's sts object sees it. */
typedef struct aber_series {
	const double *observed; /* n counts, >= 0, NaN = missing */
	const int32_t *date;    /* NULL: epochs are 1..n (R's default);
				   else n strictly increasing days since
				   1970-01-01 (R's epochAsDate = TRUE) */
	size_t n;
	int freq;               /* observations per year: 52, 12, 365 (R's freq) */
} aber_series;

/* ---- EARS (earsC) ------------------------------------------------------- */

typedef enum ears_method { EARS_C1 = 1, EARS_C2 = 2, EARS_C3 = 3 } ears_method;

typedef struct ears_params {
	ears_method method;
	int baseline;     /* reference values, >= 3 (R default 7) */
	double alpha;     /* one-sided level: z = qnorm(1 - alpha) */
	double min_sigma; /* floor for the standard deviation, >= 0 */
} ears_params;

/* R's defaults for `method`: baseline 7, minSigma 0, alpha 0.001 for C1
 * and C2, 0.025 for C3. */
void ears_params_init(ears_params *p, ears_method method);

/* 0, or JY_EINVAL (with the reason) when R's earsC would refuse p. */
int ears_params_check(const ears_params *p, jy_err *err);

/* The first index with enough history: baseline (C1), baseline + 2 (C2),
 * baseline + 4 (C3) — the start of R's default range, 0-based. */
size_t ears_first(const ears_params *p);

/*
 * Evaluate index t of y[0..t] (only values up to t are read): the upper
 * bound and the alarm R's earsC gives for time point t + 1.  Requires
 * t >= ears_first(p).  Cheap: a few dozen flops, no allocation.
 */
void ears_at(const ears_params *p, const double *y, size_t t, double *ub, int8_t *alarm);

/* ears_at for every index from..to of y[0..n); JY_EINVAL when from is
 * before ears_first(p), to >= n or from > to. */
int ears_run(const ears_params *p, const double *y, size_t n, size_t from, size_t to,
	     double *ub, int8_t *alarm, jy_err *err);

/* ---- Farrington (algo.farrington and farringtonFlexible) ------------- */

typedef enum farrington_powertrans {
	FARRINGTON_POW_2_3 = 0, /* R's "2/3" (default) */
	FARRINGTON_POW_1_2,     /* "1/2" */
	FARRINGTON_POW_NONE,    /* "none" */
} farrington_powertrans;

/* algo.farrington(): R's control list. */
typedef struct farrington_params {
	int b;                  /* years back (default 5) */
	int w;                  /* half window, in epochs (default 3) */
	double alpha;           /* two-sided: qnorm(1 - alpha/2) (default 0.05) */
	bool reweight;          /* default true */
	bool trend;             /* default true */
	int limit54_cases;      /* limit54 = c(5, 4): fewer than 5 cases in the */
	int limit54_period;     /*   last 4 epochs give upperbound 0, no alarm */
	farrington_powertrans powertrans;
} farrington_params;

typedef enum farrington_threshold {
	FARRINGTON_DELTA = 0,   /* "delta" (default) */
	FARRINGTON_NBPLUGIN,    /* "nbPlugin" */
	FARRINGTON_MUAN,        /* "muan" */
} farrington_threshold;

/* farringtonFlexible(): R's control list. */
typedef struct farrington_flex_params {
	int b;                        /* default 5 */
	int w;                        /* default 3 */
	double alpha;                 /* one-sided (default 0.05) */
	bool reweight;                /* default true */
	bool trend;                   /* default true */
	double weights_threshold;     /* default 2.58 */
	double p_threshold_trend;     /* default 0.05 */
	int limit54_cases;            /* default 5 */
	int limit54_period;           /* default 4 */
	farrington_powertrans powertrans;
	int no_periods;               /* default 1; > 1 adds a seasonal factor */
	int past_weeks_not_included;  /* default -1, meaning w (R's NULL) */
	farrington_threshold threshold;
} farrington_flex_params;

/* What R reports for one time point besides the upper bound and alarm.
 * Fields that a variant does not compute are NaN. */
typedef struct farrington_point {
	double upperbound;      /* NaN = NA */
	int8_t alarm;           /* 0, 1, ABER_NA */
	int8_t trend;           /* 1 when the time trend was kept; ABER_NA */
	double expected;        /* flexible: control$expected */
	double score;           /* flexible: control$score */
	double pvalue;          /* flexible: control$pvalue */
	double mu0;             /* flexible: control$mu0Vector */
	double phi;             /* flexible: control$phiVector; original: phi */
	double trend_coef;      /* flexible: control$trendVector */
	double pd_q;            /* original: control$pd[, 1] */
	double pd_median;       /* original: control$pd[, 2] */
} farrington_point;

/* Scratch space for the model fits; one per thread, reused across series. */
typedef struct farrington_work farrington_work;

/* A new, empty workspace (buffers grow on first use); NULL when out of
 * memory.  Free with farrington_work_free (NULL accepted). */
farrington_work *farrington_work_new(void);
void farrington_work_free(farrington_work *w);

void farrington_params_init(farrington_params *p);
int farrington_params_check(const farrington_params *p, jy_err *err);
void farrington_flex_params_init(farrington_flex_params *p);
int farrington_flex_params_check(const farrington_flex_params *p, jy_err *err);

/* The start of R's default range, 0-based, or (size_t)-1 when it would be
 * before the series start: freq * b - w (algo.farrington) and
 * freq * b + w + 1 (farringtonFlexible) as 1-based time points. */
size_t farrington_first(const farrington_params *p, const aber_series *s);
size_t farrington_flex_first(const farrington_flex_params *p, const aber_series *s);

/*
 * Evaluate index t of s as R's algo.farrington / farringtonFlexible does
 * for time point t + 1: reference values, quasi-Poisson fit, threshold.
 * Only observations up to t are read.  *out is always filled; where R
 * would stop with an error for this point (too little history, a model
 * that cannot be fitted) the point is NA and the return value is JY_EINVAL
 * with the reason in *err.  JY_ENOMEM when the workspace cannot grow.
 */
int farrington_at(farrington_work *w, const farrington_params *p, const aber_series *s,
		  size_t t, farrington_point *out, jy_err *err);
int farrington_flex_at(farrington_work *w, const farrington_flex_params *p,
		       const aber_series *s, size_t t, farrington_point *out, jy_err *err);

/*
 * farrington_at / farrington_flex_at for every index from..to; ub and
 * alarm are required, detail may be NULL.  Stops at the first error
 * (JY_EINVAL names the time point; points already done are kept).
 */
int farrington_run(farrington_work *w, const farrington_params *p, const aber_series *s,
		   size_t from, size_t to, double *ub, int8_t *alarm, farrington_point *detail,
		   jy_err *err);
int farrington_flex_run(farrington_work *w, const farrington_flex_params *p,
			const aber_series *s, size_t from, size_t to, double *ub, int8_t *alarm,
			farrington_point *detail, jy_err *err);

#endif
