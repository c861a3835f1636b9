/*
 * timeline.c — see timeline.h.
 *
 * Each source is read for the window and appended as items; the array is
 * sorted at the end (stable on "at", so a day's check comes before the
 * events recorded later that day).  Presence is derived by the presence
 * model for this one person (presence_model_each with person_only);
 * contact records are merged into runs per other person, as the engine
 * counts them.
 */
#include "domain/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/presence.h"
#include "store/returns.h"
#include "util/date.h"

#define CST (8 * 3600)

typedef struct tl {
	cJSON *items;
	store *s;
	const presence_model *m;
	int64_t from, to;
} tl;

static cJSON *item(tl *x, int64_t at, const char *kind)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "at", (double)at);
	cJSON_AddStringToObject(o, "kind", kind);
	cJSON_AddItemToArray(x->items, o);
	return o;
}

static int64_t day_start(const char *date)
{
	int32_t d;
	return date_parse(date, &d) ? 0 : (int64_t)d * 86400 - CST;
}

static int on_presence(void *ctx, uint32_t person, uint32_t place, int64_t start, int64_t end,
		       presence_source src)
{
	(void)person;
	tl *x = ctx;
	cJSON *o = item(x, start, "presence");
	cJSON_AddNumberToObject(o, "end", (double)end);
	cJSON_AddStringToObject(o, "source", presence_source_name(src));
	cJSON_AddNumberToObject(o, "place_id", (double)presence_model_place_id(x->m, place));
	cJSON_AddStringToObject(o, "place", presence_model_place_name(x->m, place));
	cJSON_AddStringToObject(o, "place_kind", presence_model_place_kind(x->m, place));
	return 0;
}

typedef struct run {
	int64_t other, start, end;
} run;

typedef struct runs {
	int64_t self;
	run *v;
	size_t n, cap;
} runs;

static int on_contact(void *ctx, int64_t t, int64_t i, int64_t j, int64_t res)
{
	runs *r = ctx;
	if (i == j)
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		run *v = realloc(r->v, cap * sizeof *v);
		if (!v)
			return JY_ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = (run){ i == r->self ? j : i, t, t + res };
	return 0;
}

static int cmp_run(const void *a, const void *b)
{
	const run *x = a, *y = b;
	if (x->other != y->other)
		return x->other < y->other ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static void add_contact_runs(tl *x, runs *r)
{
	if (r->n)
		qsort(r->v, r->n, sizeof *r->v, cmp_run);
	person_rec p;
	int64_t have = 0;
	for (size_t i = 0; i < r->n;) {
		run cur = r->v[i++];
		while (i < r->n && r->v[i].other == cur.other && r->v[i].start <= cur.end) {
			if (r->v[i].end > cur.end)
				cur.end = r->v[i].end;
			i++;
		}
		if (have != cur.other) {
			if (store_person_get(x->s, cur.other, &p, NULL) != 0)
				memset(&p, 0, sizeof p);
			have = cur.other;
		}
		cJSON *o = item(x, cur.start, "contact");
		cJSON_AddNumberToObject(o, "end", (double)cur.end);
		cJSON_AddNumberToObject(o, "person_id", (double)cur.other);
		cJSON_AddStringToObject(o, "number", p.number);
		cJSON_AddStringToObject(o, "name", p.name);
		cJSON_AddStringToObject(o, "source", "sensor");
	}
}

static cJSON *symptom_list(const char *list)
{
	cJSON *a = cJSON_CreateArray();
	char buf[200];
	snprintf(buf, sizeof buf, "%s", list);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(a, cJSON_CreateString(t));
	return a;
}

static void add_temp(cJSON *o, double t)
{
	if (t < 0)
		cJSON_AddNullToObject(o, "temperature");
	else
		cJSON_AddNumberToObject(o, "temperature", t);
}

static int on_check(void *ctx, const char *date, const char *session, int64_t submitted_at,
		    const char *status, double temperature, const char *symptoms, const char *diagnosis)
{
	tl *x = ctx;
	cJSON *o = item(x, submitted_at, "check");
	cJSON_AddStringToObject(o, "date", date);
	cJSON_AddStringToObject(o, "session", session);
	cJSON_AddStringToObject(o, "status", status);
	add_temp(o, temperature);
	cJSON_AddItemToObject(o, "symptoms", symptom_list(symptoms));
	cJSON_AddStringToObject(o, "diagnosis", diagnosis);
	return 0;
}

static int on_event(void *ctx, const health_event_rec *e)
{
	tl *x = ctx;
	cJSON *o = item(x, e->at, "health_event");
	cJSON_AddStringToObject(o, "source", e->source);
	add_temp(o, e->temperature);
	cJSON_AddItemToObject(o, "symptoms", symptom_list(e->symptoms));
	cJSON_AddStringToObject(o, "diagnosis", e->diagnosis);
	cJSON_AddStringToObject(o, "note", e->note);
	return 0;
}

/* Travel and health declarations (旅行史): a stay in a region, a contact
 * with a case, a day's temperature and symptoms; only those that overlap
 * the period asked for. */
typedef struct decl_ctx {
	tl *x;
	const char *d1, *d2;
} decl_ctx;

static int on_declaration(void *ctx, const declaration_rec *d)
{
	decl_ctx *c = ctx;
	const char *last = d->date_to[0] ? d->date_to : d->date_from;
	if (strcmp(last, c->d1) < 0 || strcmp(d->date_from, c->d2) > 0)
		return 0;
	cJSON *o = item(c->x, day_start(d->date_from), "declaration");
	cJSON_AddNumberToObject(o, "id", (double)d->id);
	cJSON_AddStringToObject(o, "declaration_kind", d->kind);
	cJSON_AddStringToObject(o, "date_from", d->date_from);
	cJSON_AddStringToObject(o, "date_to", d->date_to);
	cJSON_AddStringToObject(o, "region", d->region);
	cJSON_AddStringToObject(o, "transport", d->transport);
	add_temp(o, d->temperature);
	cJSON_AddItemToObject(o, "symptoms", symptom_list(d->symptoms));
	cJSON_AddStringToObject(o, "note", d->note);
	cJSON_AddStringToObject(o, "reporter", d->reporter);
	return 0;
}

static int on_absence(void *ctx, const absence_rec *a)
{
	tl *x = ctx;
	cJSON *o = item(x, day_start(a->first_absent_date), "absence");
	cJSON_AddNumberToObject(o, "id", (double)a->id);
	cJSON_AddStringToObject(o, "first_absent_date", a->first_absent_date);
	cJSON_AddStringToObject(o, "onset_date", a->onset_date);
	cJSON_AddItemToObject(o, "symptoms", symptom_list(a->symptoms));
	cJSON_AddStringToObject(o, "diagnosis", a->diagnosis);
	cJSON_AddStringToObject(o, "status", a->status);
	cJSON_AddStringToObject(o, "return_date", a->return_date);
	return 0;
}

static int on_stay(void *ctx, const stay_rec *r)
{
	tl *x = ctx;
	cJSON *o = item(x, r->started_at, "isolation");
	if (r->ended_at)
		cJSON_AddNumberToObject(o, "end", (double)r->ended_at);
	cJSON_AddNumberToObject(o, "case_id", (double)r->case_id);
	cJSON_AddStringToObject(o, "place", r->place_name);
	cJSON_AddStringToObject(o, "handover_to", r->handover_to);
	return 0;
}

static int on_case(void *ctx, const cases_rec *c)
{
	tl *x = ctx;
	int64_t at = c->onset_at ? c->onset_at : c->created_at;
	if (at >= x->to || (c->outcome_at && c->outcome_at < x->from))
		return 0;
	cJSON *o = item(x, at, "case");
	cJSON_AddNumberToObject(o, "case_id", (double)c->id);
	cJSON_AddStringToObject(o, "code", c->code);
	cJSON_AddStringToObject(o, "classification", c->classification);
	cJSON_AddStringToObject(o, "outcome", c->outcome);
	cJSON_AddNumberToObject(o, "reported_at", (double)c->reported_at);
	return store_stay_list(x->s, 0, c->id, 0, 0, on_stay, x, NULL);
}

static int on_followup(void *ctx, const followup_rec *f)
{
	tl *x = ctx;
	if (f->first_contact && f->first_contact >= x->from && f->first_contact < x->to) {
		cJSON *o = item(x, f->first_contact, "traced_contact");
		cJSON_AddNumberToObject(o, "case_id", (double)f->case_id);
		cJSON_AddStringToObject(o, "case_name", f->case_name);
		cJSON_AddNumberToObject(o, "hop", f->hop);
		cJSON_AddNumberToObject(o, "exposure_seconds", (double)f->exposure_s);
		cJSON_AddStringToObject(o, "via", f->via_name);
		cJSON_AddStringToObject(o, "places", f->places);
	}
	int64_t at = day_start(f->start_date);
	if (at < x->to && day_start(f->end_date) + 86400 > x->from) {
		cJSON *o = item(x, at, "followup");
		cJSON_AddNumberToObject(o, "end", (double)(day_start(f->end_date) + 86400));
		cJSON_AddNumberToObject(o, "followup_id", (double)f->id);
		cJSON_AddNumberToObject(o, "case_id", (double)f->case_id);
		cJSON_AddStringToObject(o, "status", f->status);
		cJSON_AddNumberToObject(o, "checks", (double)f->checks);
	}
	return 0;
}

static int cmp_at(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	double p = cJSON_GetObjectItem(x, "at")->valuedouble, q = cJSON_GetObjectItem(y, "at")->valuedouble;
	return p < q ? -1 : p > q;
}

int timeline_person(store *s, int64_t person_id, int64_t from, int64_t to, cJSON **out,
		    jy_err *err)
{
	*out = NULL;
	person_rec p;
	int rc = store_person_get(s, person_id, &p, err);
	if (rc)
		return rc;
	tl x = { cJSON_CreateArray(), s, NULL, from, to };
	char d1[11], d2[11];
	date_format(date_of_time_cst(from), d1);
	date_format(date_of_time_cst(to - 1), d2);
	presence_model *m = NULL;
	rc = presence_model_load(s, p.school_id, from, to, &m, err);
	if (!rc) {
		uint32_t dense;
		x.m = m;
		if (presence_model_find_person(m, person_id, &dense) == 0)
			presence_model_each(m, NULL, dense, on_presence, &x);
	}
	runs r = { person_id, NULL, 0, 0 };
	if (!rc)
		rc = store_contact_window(s, 0, person_id, from, to, on_contact, &r, err);
	if (!rc)
		add_contact_runs(&x, &r);
	free(r.v);
	if (!rc)
		rc = store_person_checks(s, person_id, d1, d2, on_check, &x, err);
	if (!rc)
		rc = store_person_events(s, person_id, d1, d2, on_event, &x, err);
	if (!rc)
		rc = store_person_absences(s, person_id, d1, d2, on_absence, &x, err);
	decl_ctx dc = { &x, d1, d2 };
	if (!rc)
		rc = store_declaration_list(s, person_id, on_declaration, &dc, err);
	case_filter cf = { .person_id = person_id };
	if (!rc)
		rc = store_case_list(s, &cf, on_case, &x, err);
	followup_filter ff = { .person_id = person_id };
	if (!rc)
		rc = store_followup_list(s, &ff, on_followup, &x, err);
	presence_model_free(m);
	if (rc) {
		cJSON_Delete(x.items);
		return rc;
	}
	/* sort: detach into an array, sort stably by at, re-attach */
	int n = cJSON_GetArraySize(x.items);
	cJSON **v = malloc(((size_t)n + 1) * sizeof *v);
	if (!v) {
		cJSON_Delete(x.items);
		return err_set(err, JY_ENOMEM, "out of memory");
	}
	for (int i = n - 1; i >= 0; i--)
		v[i] = cJSON_DetachItemFromArray(x.items, i);
	/* a stable sort: insertion for few items, else qsort on (at, index) */
	for (int i = 0; i < n; i++)
		cJSON_AddNumberToObject(v[i], "_i", i);
	qsort(v, (size_t)n, sizeof *v, cmp_at);
	for (int i = 1; i < n; i++) {
		/* restore insertion order among equal times */
		int j = i;
		while (j > 0 && cmp_at(&v[j - 1], &v[j]) == 0 &&
		       cJSON_GetObjectItem(v[j - 1], "_i")->valueint > cJSON_GetObjectItem(v[j], "_i")->valueint) {
			cJSON *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
			j--;
		}
	}
	for (int i = 0; i < n; i++) {
		cJSON_DeleteItemFromObject(v[i], "_i");
		cJSON_AddItemToArray(x.items, v[i]);
	}
	free(v);
	*out = x.items;
	return 0;
}
