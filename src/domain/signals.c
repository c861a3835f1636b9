/*
 * signals.c — see signals.h.
 *
 * The counts are built in memory: one dense array of school days per
 * (scope, unit, code) series, created on first count.  Events are loaded
 * once per run, already merged per (date, person), so a student counted at
 * the morning and the noon check on one day counts once.  A series starts
 * at the school's first submitted check (or SIGNALS_HISTORY days back).
 */
#include "domain/signals.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/codes.h"
#include "engine/aberration.h"
#include "util/date.h"

#define ABSENCE_CODE "absent_sick"

typedef struct series {
	char scope[8];
	int64_t unit;
	char code[24];
	double *y;
} series;

typedef struct run_ctx {
	int32_t first_day;        /* day number of index 0 of day_index */
	int32_t *day_index;       /* calendar day → school-day index, -1 when none */
	size_t ndays, m;          /* calendar days loaded, school days */
	series *s;
	size_t n, cap;
	int failed;
	/* class id → grade id, for rows without a grade */
	class_rec *classes;
	size_t nclasses;
} run_ctx;

typedef struct cal_ctx {
	int32_t first;
	size_t n;
	signed char *kind;  /* 0 normal, 1 holiday, 2 makeup, 3 term_start, 4 term_end */
	int has_terms;
} cal_ctx;

static int add_cal(void *vctx, const char *date, const char *kind)
{
	cal_ctx *c = vctx;
	int32_t d;
	if (date_parse(date, &d) || d < c->first || (size_t)(d - c->first) >= c->n)
		return 0;
	signed char k = !strcmp(kind, "holiday") ? 1 : !strcmp(kind, "makeup") ? 2 :
			!strcmp(kind, "term_start") ? 3 : 4;
	c->kind[d - c->first] = k;
	c->has_terms |= k >= 3;
	return 0;
}

/* Fill day_index for [first, first + n) from the calendar. */
static int school_days(store *s, int64_t school_id, int32_t first, size_t n, int32_t *day_index,
		       size_t *m, jy_err *err)
{
	cal_ctx c = { first, n, calloc(n, 1), 0 };
	if (!c.kind)
		return err_set(err, JY_ENOMEM, "out of memory");
	char from[11], to[11];
	date_format(first, from);
	date_format(first + (int32_t)n - 1, to);
	int rc = store_calendar_list(s, school_id, from, to, add_cal, &c, err);
	if (rc) {
		free(c.kind);
		return rc;
	}
	/* With term dates, a day is in term between a term_start and the next
	 * term_end (inclusive). Before the first mark, assume in term when the
	 * first mark is an end, out of term when it is a start. */
	int in_term = 1;
	if (c.has_terms) {
		for (size_t i = 0; i < n; i++)
			if (c.kind[i] >= 3) {
				in_term = c.kind[i] == 4;
				break;
			}
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int32_t d = first + (int32_t)i;
		if (c.kind[i] == 3)
			in_term = 1;
		int wd = date_weekday(d);
		int open = (wd <= 5 && c.kind[i] != 1) || c.kind[i] == 2 || c.kind[i] >= 3;
		if (c.has_terms && !in_term)
			open = 0;
		day_index[i] = open ? (int32_t)k++ : -1;
		if (c.kind[i] == 4)
			in_term = 0;
	}
	*m = k;
	free(c.kind);
	return 0;
}

int signals_is_school_day(store *s, int64_t school_id, const char *date, int *yes, jy_err *err)
{
	int32_t d;
	if (date_parse(date, &d))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	size_t n = SIGNALS_HISTORY + 1, m = 0;
	int32_t *idx = malloc(n * sizeof *idx);
	if (!idx)
		return err_set(err, JY_ENOMEM, "out of memory");
	int rc = school_days(s, school_id, d - SIGNALS_HISTORY, n, idx, &m, err);
	*yes = !rc && idx[n - 1] >= 0;
	free(idx);
	return rc;
}

static double *series_for(run_ctx *x, const char *scope, int64_t unit, const char *code)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->s[i].unit == unit && !strcmp(x->s[i].scope, scope) && !strcmp(x->s[i].code, code))
			return x->s[i].y;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 256;
		series *g = realloc(x->s, cap * sizeof *g);
		if (!g)
			return NULL;
		x->s = g;
		x->cap = cap;
	}
	series *s = &x->s[x->n];
	snprintf(s->scope, sizeof s->scope, "%s", scope);
	s->unit = unit;
	snprintf(s->code, sizeof s->code, "%s", code);
	s->y = calloc(x->m ? x->m : 1, sizeof *s->y);
	if (!s->y)
		return NULL;
	x->n++;
	return s->y;
}

static int64_t grade_of(const run_ctx *x, int64_t class_id)
{
	for (size_t i = 0; i < x->nclasses; i++)
		if (x->classes[i].id == class_id)
			return x->classes[i].grade_id;
	return 0;
}

/* Add n to the class, grade and school series of code at school-day idx. */
static void count(run_ctx *x, int64_t class_id, int64_t grade_id, const char *code, int32_t idx,
		  double n)
{
	if (!grade_id && class_id)
		grade_id = grade_of(x, class_id);
	struct {
		const char *scope;
		int64_t unit;
	} units[3] = { { "class", class_id }, { "grade", grade_id }, { "school", 0 } };
	for (int k = 0; k < 3; k++) {
		if (k < 2 && !units[k].unit)
			continue;
		double *y = series_for(x, units[k].scope, units[k].unit, code);
		if (!y) {
			x->failed = 1;
			return;
		}
		y[idx] += n;
	}
}

static int32_t index_of(const run_ctx *x, const char *date)
{
	int32_t d;
	if (date_parse(date, &d) || d < x->first_day || (size_t)(d - x->first_day) >= x->ndays)
		return -1;
	return x->day_index[d - x->first_day];
}

static int on_event_day(void *ctx, const char *date, int64_t person_id, int64_t class_id,
			int64_t grade_id, const char *symptoms, const char *syndromes,
			const char *diagnoses)
{
	(void)person_id;
	(void)syndromes;
	(void)diagnoses;
	run_ctx *x = ctx;
	int32_t idx = index_of(x, date);
	if (idx < 0)
		return 0;
	for (size_t k = 0; k < codes_symptoms_count; k++)
		if (codes_list_has(symptoms, codes_symptoms[k].code))
			count(x, class_id, grade_id, codes_symptoms[k].code, idx, 1);
	return x->failed;
}

static int on_absences(void *ctx, const char *date, int64_t class_id, int64_t grade_id, int64_t n)
{
	run_ctx *x = ctx;
	int32_t idx = index_of(x, date);
	if (idx >= 0)
		count(x, class_id, grade_id, ABSENCE_CODE, idx, (double)n);
	return x->failed;
}

static int add_class(void *ctx, const class_rec *c)
{
	run_ctx *x = ctx;
	class_rec *g = realloc(x->classes, (x->nclasses + 1) * sizeof *g);
	if (!g)
		return 1;
	x->classes = g;
	x->classes[x->nclasses++] = *c;
	return 0;
}

static void unit_name(const run_ctx *x, const series *s, char *out, size_t size)
{
	if (!strcmp(s->scope, "school")) {
		snprintf(out, size, "全校");
		return;
	}
	for (size_t i = 0; i < x->nclasses; i++) {
		const class_rec *c = &x->classes[i];
		if (!strcmp(s->scope, "class") && c->id == s->unit) {
			snprintf(out, size, "%s", c->name);
			return;
		}
		if (!strcmp(s->scope, "grade") && c->grade_id == s->unit) {
			snprintf(out, size, "%s", c->grade);
			return;
		}
	}
	snprintf(out, size, "%lld", (long long)s->unit);
}

static int save(store *st, int64_t school_id, const char *date, const run_ctx *x, const series *s,
		const char *method, double observed, double ub, int alarm, signals_report *rep,
		jy_err *err)
{
	rep->evaluated++;
	rep->alarms += alarm == 1;
	if (observed <= 0 && alarm != 1)
		return 0;
	signal_rec r;
	memset(&r, 0, sizeof r);
	r.school_id = school_id;
	snprintf(r.date, sizeof r.date, "%s", date);
	snprintf(r.scope, sizeof r.scope, "%s", s->scope);
	r.scope_id = s->unit;
	unit_name(x, s, r.scope_name, sizeof r.scope_name);
	snprintf(r.code, sizeof r.code, "%s", s->code);
	snprintf(r.method, sizeof r.method, "%s", method);
	r.observed = observed;
	r.upperbound = ub;
	r.alarm = alarm == 1;
	return store_signal_save(st, &r, err);
}

int signals_run(store *s, int64_t school_id, const char *date, signals_report *rep, jy_err *err)
{
	memset(rep, 0, sizeof *rep);
	int32_t d;
	if (date_parse(date, &d))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	run_ctx x;
	memset(&x, 0, sizeof x);
	/* Series begin at the first day with any check: before it nothing is
	 * known, which is not the same as nothing happening. */
	char first_data[11];
	int32_t fd = d - SIGNALS_HISTORY;
	if (store_check_first_date(s, school_id, first_data, NULL) == 0) {
		int32_t f0;
		if (!date_parse(first_data, &f0) && f0 > fd)
			fd = f0 <= d ? f0 : d;
	}
	x.ndays = (size_t)(d - fd) + 1;
	x.first_day = fd;
	x.day_index = malloc(x.ndays * sizeof *x.day_index);
	farrington_work *fw = farrington_work_new();
	int rc = 0;
	if (!x.day_index || !fw) {
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = school_days(s, school_id, x.first_day, x.ndays, x.day_index, &x.m, err)))
		goto out;
	rep->school_days = x.m;
	if (x.day_index[x.ndays - 1] < 0)
		goto out; /* not a school day: nothing to evaluate */
	rep->school_day = 1;
	char from[11];
	date_format(x.first_day, from);
	if ((rc = store_class_list(s, school_id, add_class, &x, err)) ||
	    (rc = store_event_days(s, school_id, from, date, on_event_day, &x, err)) ||
	    (rc = store_absence_counts(s, school_id, from, date, on_absences, &x, err)))
		goto out;
	if (x.failed) {
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto out;
	}
	rep->series = x.n;
	size_t t = x.m - 1;
	if ((rc = store_begin(s, err)))
		goto out;
	rc = store_signal_clear(s, school_id, date, err);
	static const ears_method methods[] = { EARS_C1, EARS_C2, EARS_C3 };
	static const char *const names[] = { "C1", "C2", "C3" };
	farrington_flex_params fp;
	farrington_flex_params_init(&fp);
	fp.b = 1;
	fp.w = 3;
	for (size_t i = 0; !rc && i < x.n; i++) {
		const series *sr = &x.s[i];
		for (int k = 0; !rc && k < 3; k++) {
			ears_params ep;
			ears_params_init(&ep, methods[k]);
			ep.min_sigma = SIGNALS_MIN_SIGMA;
			if (t < ears_first(&ep))
				continue;
			double ub;
			int8_t alarm;
			ears_at(&ep, sr->y, t, &ub, &alarm);
			rc = save(s, school_id, date, &x, sr, names[k], sr->y[t], ub, alarm, rep, err);
		}
		aber_series as = { sr->y, NULL, x.m, SIGNALS_FREQ };
		size_t first = farrington_flex_first(&fp, &as);
		if (!rc && first != (size_t)-1 && t >= first) {
			farrington_point pt;
			if (farrington_flex_at(fw, &fp, &as, t, &pt, NULL) == 0)
				rc = save(s, school_id, date, &x, sr, "farrington", sr->y[t], pt.upperbound,
					  pt.alarm, rep, err);
		}
	}
	if (rc)
		store_rollback(s);
	else
		rc = store_commit(s, err);
out:
	for (size_t i = 0; i < x.n; i++)
		free(x.s[i].y);
	free(x.s);
	free(x.classes);
	free(x.day_index);
	farrington_work_free(fw);
	return rc;
}

/* ---- the epidemic curve ---- */

typedef struct curve_ctx {
	curve *c;
	int64_t class_id;
	int failed;
} curve_ctx;

static int *curve_row(curve *c, const char *code)
{
	for (size_t i = 0; i < c->nseries; i++)
		if (!strcmp(c->series[i].code, code))
			return c->series[i].data;
	curve_series *g = realloc(c->series, (c->nseries + 1) * sizeof *g);
	if (!g)
		return NULL;
	c->series = g;
	curve_series *r = &c->series[c->nseries];
	snprintf(r->code, sizeof r->code, "%s", code);
	r->data = calloc(c->ndays, sizeof *r->data);
	if (!r->data)
		return NULL;
	c->nseries++;
	return r->data;
}

/* Count each distinct code of a comma list once for the day. */
static void curve_codes(curve_ctx *x, size_t day, const char *list)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", list);
	char *save = NULL;
	const char *seen[32];
	size_t nseen = 0;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int dup = 0;
		for (size_t i = 0; i < nseen; i++)
			dup |= !strcmp(seen[i], t);
		if (dup || nseen == 32)
			continue;
		seen[nseen++] = t;
		int *row = curve_row(x->c, t);
		if (!row) {
			x->failed = 1;
			return;
		}
		row[day]++;
	}
}

static int curve_event(void *ctx, const char *date, int64_t person_id, int64_t class_id,
		       int64_t grade_id, const char *symptoms, const char *syndromes,
		       const char *diagnoses)
{
	(void)person_id;
	(void)grade_id;
	curve_ctx *x = ctx;
	int32_t d;
	if ((x->class_id && class_id != x->class_id) || date_parse(date, &d) ||
	    d < x->c->first_day || (size_t)(d - x->c->first_day) >= x->c->ndays)
		return 0;
	size_t day = (size_t)(d - x->c->first_day);
	curve_codes(x, day, symptoms);
	curve_codes(x, day, syndromes);
	curve_codes(x, day, diagnoses);
	return x->failed;
}

static int curve_absences(void *ctx, const char *date, int64_t class_id, int64_t grade_id,
			  int64_t n)
{
	(void)grade_id;
	curve_ctx *x = ctx;
	int32_t d;
	if ((x->class_id && class_id != x->class_id) || date_parse(date, &d) ||
	    d < x->c->first_day || (size_t)(d - x->c->first_day) >= x->c->ndays)
		return 0;
	x->c->absent_sick[d - x->c->first_day] += (int)n;
	return 0;
}

int signals_curve(store *s, int64_t school_id, int64_t class_id, const char *from, const char *to,
		  curve *out, jy_err *err)
{
	memset(out, 0, sizeof *out);
	int32_t d0, d1;
	if (date_parse(from, &d0))
		return err_at(err, JY_EINVAL, NULL, 0, "from", "日期应为 YYYY-MM-DD (from must be YYYY-MM-DD)");
	if (date_parse(to, &d1))
		return err_at(err, JY_EINVAL, NULL, 0, "to", "日期应为 YYYY-MM-DD (to must be YYYY-MM-DD)");
	if (d1 < d0 || d1 - d0 > 365)
		return err_at(err, JY_EINVAL, NULL, 0, "to", "时间段应为 1–366 天 (the period must be 1–366 days)");
	out->first_day = d0;
	out->ndays = (size_t)(d1 - d0) + 1;
	out->school_day = calloc(out->ndays, 1);
	out->absent_sick = calloc(out->ndays, sizeof *out->absent_sick);
	int32_t *idx = malloc(out->ndays * sizeof *idx);
	int rc = 0;
	size_t m;
	if (!out->school_day || !out->absent_sick || !idx) {
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = school_days(s, school_id, d0, out->ndays, idx, &m, err)))
		goto out;
	for (size_t i = 0; i < out->ndays; i++)
		out->school_day[i] = idx[i] >= 0;
	curve_ctx x = { out, class_id, 0 };
	if ((rc = store_event_days(s, school_id, from, to, curve_event, &x, err)) ||
	    (rc = store_absence_counts(s, school_id, from, to, curve_absences, &x, err)))
		goto out;
	if (x.failed)
		rc = err_set(err, JY_ENOMEM, "out of memory");
out:
	free(idx);
	if (rc)
		curve_free(out);
	return rc;
}

void curve_free(curve *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nseries; i++)
		free(c->series[i].data);
	free(c->series);
	free(c->school_day);
	free(c->absent_sick);
	memset(c, 0, sizeof *c);
}
