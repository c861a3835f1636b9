/*
 * census.h — 底数清、情况明、无遗漏: for a day and session, per class, grade
 * and school: enrolled, expected on campus, present, absent by reason,
 * symptomatic, febrile, and which classes have not submitted.
 */
#ifndef JY_CENSUS_H
#define JY_CENSUS_H

#include "store/surveillance.h"

typedef struct census_counts {
	int64_t enrolled, expected, present, absent_sick, absent_other, absent_unknown;
	int64_t symptomatic, febrile;
	int64_t classes, submitted;
} census_counts;

typedef struct census_grade {
	int64_t grade_id;
	char name[64];
	census_counts c;
} census_grade;

typedef struct census {
	char date[11];
	char session[8];
	census_row *classes;   /* every class, submitted or not */
	size_t nclasses;
	census_grade *grades;
	size_t ngrades;
	census_counts school;
	int64_t *class_expected; /* per class: students expected on campus (the return plan) */
} census;

/* Build the census; free with census_free. */
int census_for_day(store *s, int64_t school_id, const char *date, const char *session,
		   census *out, jy_err *err);
void census_free(census *c);

#endif
