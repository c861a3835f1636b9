/*
 * signals.h — the daily statistical run (统计预警): EARS C1, C2, C3 and
 * Farrington (farringtonFlexible) on the daily counts of each symptom and
 * of illness absences, per class, grade and school, over school days only.
 *
 * School days come from the school's calendar (school_calendar): Monday to
 * Friday unless a holiday, weekends that are make-up days, and — when term
 * dates are recorded — only days inside a term.  A series is the sequence
 * of school days, so a Monday after a holiday is compared with the school
 * days before it, and holidays neither count as zero nor pull the baseline
 * down.  Farrington treats a school year as 190 school days (freq) and
 * looks one year back (b = 1, w = 3); it runs only when that much history
 * exists.  The R-exact `jinyun aberration` command is separate and works on
 * given series.
 */
#ifndef JY_SIGNALS_H
#define JY_SIGNALS_H

#include "store/surveillance.h"

#define SIGNALS_FREQ 190      /* school days in a year, for Farrington */
#define SIGNALS_HISTORY 800   /* calendar days loaded before the day */
/* EARS floor for the standard deviation.  R's default is 0, with which a
 * class whose last week was all zeros alarms on a single case; one case in
 * a class of 45 is not an aberration, so the run uses R's minSigma = 1. */
#define SIGNALS_MIN_SIGMA 1.0

typedef struct signals_report {
	int school_day;       /* 0: the date is not a school day, nothing run */
	size_t school_days;   /* length of the series */
	size_t series;        /* series with any count in the history */
	size_t evaluated;     /* method evaluations */
	size_t alarms;
} signals_report;

/* Is day (YYYY-MM-DD) a school day for the school? */
int signals_is_school_day(store *s, int64_t school_id, const char *date, int *yes, jy_err *err);

/* Run every method for `date` and store the signals (alarms and every
 * series with a count that day). */
int signals_run(store *s, int64_t school_id, const char *date, signals_report *rep, jy_err *err);

/* The epidemic curve: per calendar day in [from, to] (at most 366 days),
 * distinct students with each symptom, syndrome and diagnosis code, and
 * morning illness absences; for the school (class_id 0) or one class. */
typedef struct curve_series {
	char code[24];
	int *data;           /* ndays counts */
} curve_series;

typedef struct curve {
	int32_t first_day;
	size_t ndays;
	unsigned char *school_day;   /* ndays flags */
	int *absent_sick;            /* ndays counts */
	curve_series *series;
	size_t nseries;
} curve;

int signals_curve(store *s, int64_t school_id, int64_t class_id, const char *from, const char *to,
		  curve *out, jy_err *err);
void curve_free(curve *c);

#endif
