/*
 * demo_history.c — the demo school's past: `jinyun demo --days D` writes
 * the morning checks of every class for each school day from 2020-05-12,
 * through the same checks_submit() a teacher's phone uses, with plausible
 * exceptions (事假, 因病缺勤 with symptoms, the odd cough or fever), and
 * runs the cluster rules each day.  On the last day one class has three
 * feverish students, so the demo opens with a cluster alert to look at.
 */
#include "domain/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/alerts.h"
#include "domain/checks.h"
#include "domain/signals.h"

/* Per mille chances per student and school day. */
#define P_ABSENT_OTHER 8
#define P_ABSENT_SICK 2
#define P_SYMPTOM 3
#define P_FEVER 2

static const char *const sick_symptoms[] = { "fever;cough", "fever;sore_throat", "headache",
					     "diarrhea;abdominal_pain", "vomiting", "cough",
					     "fever;headache;fatigue", "sore_throat" };
static const char *const mild_symptoms[] = { "cough", "sore_throat", "headache", "fatigue",
					     "dizziness" };

/* Temperature 36.2–37.2 in tenths, or febrile 37.3–38.9. */
static double temperature(demo_rng *r, int febrile)
{
	return febrile ? 37.3 + (double)demo_rng_below(r, 17) / 10.0
		       : 36.2 + (double)demo_rng_below(r, 11) / 10.0;
}

int demo_history_checks(store *s, const demo_world *w, int day, const char *date, demo_rng *rng,
			int last_day, jy_err *err)
{
	(void)day;
	int open = 0;
	int rc = signals_is_school_day(s, w->school_id, date, &open, err);
	if (rc || !open)
		return rc; /* weekends and holidays: no school */
	check_exception *ex = calloc(64, sizeof *ex);
	if (!ex)
		return err_set(err, JY_ENOMEM, "out of memory");
	for (size_t c = 0; c < w->n_classes && !rc; c++) {
		const demo_class *cl = &w->classes[c];
		size_t n = 0;
		for (int k = 0; k < cl->size && n < 64; k++) {
			const demo_person *p = &w->people[cl->first + k];
			check_exception *e = &ex[n];
			memset(e, 0, sizeof *e);
			e->person_id = p->id;
			e->temperature = -1;
			uint64_t roll = demo_rng_below(rng, 1000);
			int planted = last_day && c == 5 && k < 3;
			if (planted) {
				e->temperature = 38.0 + (double)k / 10.0;
				snprintf(e->symptoms, sizeof e->symptoms, "fever;cough");
			} else if (roll < P_ABSENT_OTHER) {
				snprintf(e->status, sizeof e->status, "absent_other");
			} else if (roll < P_ABSENT_OTHER + P_ABSENT_SICK) {
				snprintf(e->status, sizeof e->status, "absent_sick");
				snprintf(e->symptoms, sizeof e->symptoms, "%s",
					 sick_symptoms[demo_rng_below(rng, 8)]);
			} else if (roll < P_ABSENT_OTHER + P_ABSENT_SICK + P_SYMPTOM) {
				snprintf(e->symptoms, sizeof e->symptoms, "%s",
					 mild_symptoms[demo_rng_below(rng, 5)]);
				e->temperature = temperature(rng, 0);
			} else if (roll < P_ABSENT_OTHER + P_ABSENT_SICK + P_SYMPTOM + P_FEVER) {
				e->temperature = temperature(rng, 1);
			} else {
				continue;
			}
			n++;
		}
		check_result res;
		rc = checks_submit(s, w->school_id, cl->id, date, "morning", 0, "demo", ex, n, 0, &res,
				   err);
		if (!rc)
			errlist_free(&res.warnings);
	}
	free(ex);
	if (!rc)
		rc = alerts_evaluate(s, w->school_id, date, date, NULL, NULL, err);
	return rc;
}
