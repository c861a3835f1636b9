/*
 * census.c — see census.h.  One query gives every class's counts from the
 * latest version of its submission; grades and the school are sums.  A
 * class that has not submitted counts its enrolment but nothing else, and
 * is named in the list of classes not submitted.
 */
#include "domain/census.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/codes.h"
#include "domain/return_plan.h"
#include "util/date.h"

static int add_row(void *ctx, const census_row *r)
{
	census *c = ctx;
	census_row *g = realloc(c->classes, (c->nclasses + 1) * sizeof *g);
	if (!g)
		return 1;
	c->classes = g;
	c->classes[c->nclasses++] = *r;
	return 0;
}

/* expected: the class's students expected on campus that day (the return
 * plan's batches; everyone enrolled when there is no plan). */
static void add_counts(census_counts *t, const census_row *r, int64_t expected)
{
	t->enrolled += r->enrolled;
	t->expected += expected;
	t->present += r->present;
	t->absent_sick += r->absent_sick;
	t->absent_other += r->absent_other;
	t->absent_unknown += r->absent_unknown;
	t->symptomatic += r->symptomatic;
	t->febrile += r->febrile;
	t->classes++;
	t->submitted += r->submitted;
}

int census_for_day(store *s, int64_t school_id, const char *date, const char *session,
		   census *out, jy_err *err)
{
	memset(out, 0, sizeof *out);
	int32_t day;
	if (date_parse(date, &day))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	if (!codes_session_valid(session))
		return err_at(err, JY_EINVAL, NULL, 0, "session", "检查时段应为 morning/noon/evening");
	snprintf(out->date, sizeof out->date, "%s", date);
	snprintf(out->session, sizeof out->session, "%s", session);
	int rc = store_census(s, school_id, date, session, add_row, out, err);
	if (rc) {
		census_free(out);
		return rc;
	}
	out->grades = calloc(out->nclasses ? out->nclasses : 1, sizeof *out->grades);
	out->class_expected = calloc(out->nclasses ? out->nclasses : 1, sizeof *out->class_expected);
	return_day_plan plan;
	if (out->class_expected && (rc = return_plan_for_day(s, school_id, date, &plan, err))) {
		census_free(out);
		return rc;
	}
	for (size_t i = 0; out->class_expected && i < out->nclasses; i++)
		out->class_expected[i] = return_plan_class_expected(&plan, out->classes[i].class_id) ?
						 out->classes[i].enrolled : 0;
	if (out->class_expected)
		return_day_plan_free(&plan);
	if (!out->grades || !out->class_expected) {
		census_free(out);
		return err_set(err, JY_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < out->nclasses; i++) {
		const census_row *r = &out->classes[i];
		add_counts(&out->school, r, out->class_expected[i]);
		size_t g;
		for (g = 0; g < out->ngrades && out->grades[g].grade_id != r->grade_id; g++)
			;
		if (g == out->ngrades) {
			out->grades[g].grade_id = r->grade_id;
			snprintf(out->grades[g].name, sizeof out->grades[g].name, "%s", r->grade_name);
			out->ngrades++;
		}
		add_counts(&out->grades[g].c, r, out->class_expected[i]);
	}
	return 0;
}

void census_free(census *c)
{
	if (!c)
		return;
	free(c->classes);
	free(c->grades);
	free(c->class_expected);
	c->class_expected = NULL;
	c->classes = NULL;
	c->grades = NULL;
	c->nclasses = c->ngrades = 0;
}
