/*
 * alerts.h — cluster rules become alerts, and alerts open their response
 * tasks (WS/T 772-2020): temporary observation and notifying parents,
 * reporting to the CDC and the education bureau within 24 hours,
 * ventilation and disinfection, contact management, health education.
 */
#ifndef JY_ALERTS_H
#define JY_ALERTS_H

#include "store/surveillance.h"

typedef struct alert_change {
	int64_t alert_id;
	int created;         /* 1 = new alert, 0 = an existing one grew */
	int count;
} alert_change;

typedef struct alert_changes {
	alert_change items[64];
	size_t n;
} alert_changes;

/*
 * Run the school's enabled cluster rules for clusters whose latest case day
 * lies in [from, to] (YYYY-MM-DD).  codes: a comma list of the symptom,
 * syndrome and diagnosis codes that changed (only rules about them run), or
 * NULL for every rule.  New clusters become alerts with their tasks; a
 * cluster that continues an open alert of the same rule and unit updates it
 * (first/last day, count, people) instead.  changes may be NULL.
 */
int alerts_evaluate(store *s, int64_t school_id, const char *from, const char *to,
		    const char *codes, alert_changes *changes, jy_err *err);

/* The same after a change in one class: class-scope rules look at that
 * class only (dorm and school rules still see the whole school). */
int alerts_evaluate_class(store *s, int64_t school_id, int64_t class_id, const char *from,
			  const char *to, const char *codes, alert_changes *changes, jy_err *err);

#endif
