/*
 * return_overview.c — see return_overview.h.  The numbers and the names
 * come from one walk over the people (walk()), so a number and its list of
 * names can never disagree.
 */
#include "domain/return_overview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"

static const char *const whats[] = {
	"expected", "declared", "undeclared", "cleared", "monitor", "hold", "unscreened",
	"arrived", "refused", "not_returned", "missing", NULL,
};

const char *const *return_overview_whats(void)
{
	return whats;
}

int return_overview_what_valid(const char *what)
{
	for (size_t i = 0; what && whats[i]; i++)
		if (!strcmp(what, whats[i]))
			return 1;
	return 0;
}

/* ---- what the walk knows ---- */

typedef struct batch_info {
	int64_t id;
	char name[64];
	char date[11];
} batch_info;

typedef struct status_rec {
	int64_t person_id;
	char date[11];
	char status;               /* c m h */
} status_rec;

typedef struct walk_ctx {
	const char *date;
	int plan;
	batch_info *batches;
	size_t nbatches, capbatches;
	status_rec *status;
	size_t nstatus, capstatus;
	gate_day_rec *gate;
	size_t ngate, capgate;
	int failed;
	/* the consumer */
	int (*fn)(void *ctx, const overview_person *p);
	void *fn_ctx;
} walk_ctx;

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 256;
	void *g = realloc(*p, c * size);
	if (!g)
		return -1;
	*p = g;
	*cap = c;
	return 0;
}

static int add_batch(void *ctx, const batch_class_row *r)
{
	walk_ctx *w = ctx;
	if (w->nbatches && w->batches[w->nbatches - 1].id == r->batch_id)
		return 0;
	if (grow((void **)&w->batches, &w->capbatches, w->nbatches, sizeof *w->batches))
		return (w->failed = 1);
	batch_info *b = &w->batches[w->nbatches++];
	b->id = r->batch_id;
	snprintf(b->name, sizeof b->name, "%s", r->batch);
	snprintf(b->date, sizeof b->date, "%s", r->return_date);
	return 0;
}

static int add_status(void *ctx, const screen_result_rec *r)
{
	walk_ctx *w = ctx;
	if (grow((void **)&w->status, &w->capstatus, w->nstatus, sizeof *w->status))
		return (w->failed = 1);
	status_rec *s = &w->status[w->nstatus++];
	s->person_id = r->person_id;
	snprintf(s->date, sizeof s->date, "%s", r->return_date);
	s->status = r->status[0];
	return 0;
}

static int add_gate(void *ctx, const gate_day_rec *r)
{
	walk_ctx *w = ctx;
	if (grow((void **)&w->gate, &w->capgate, w->ngate, sizeof *w->gate))
		return (w->failed = 1);
	w->gate[w->ngate++] = *r;
	return 0;
}

static int cmp_status(const void *a, const void *b)
{
	const status_rec *x = a, *y = b;
	if (x->person_id != y->person_id)
		return x->person_id < y->person_id ? -1 : 1;
	return strcmp(x->date, y->date);
}

static int cmp_gate(const void *a, const void *b)
{
	const gate_day_rec *x = a, *y = b;
	return (x->person_id > y->person_id) - (x->person_id < y->person_id);
}

static const char *status_of(const walk_ctx *w, int64_t person_id, const char *date)
{
	status_rec key = { .person_id = person_id };
	snprintf(key.date, sizeof key.date, "%s", date);
	const status_rec *s = w->nstatus ? bsearch(&key, w->status, w->nstatus, sizeof key, cmp_status) : NULL;
	if (!s)
		return "";
	return s->status == 'h' ? "hold" : s->status == 'm' ? "monitor" : "cleared";
}

static int walk_person(void *ctx, const return_person *rp)
{
	walk_ctx *w = ctx;
	overview_person p;
	memset(&p, 0, sizeof p);
	p.person_id = rp->id;
	p.number = rp->number;
	p.name = rp->name;
	p.not_returned = rp->open_absence;
	p.declared = rp->declared;
	int staff = !strcmp(rp->kind, "staff");
	p.class_id = staff ? -1 : rp->class_id;
	p.class_name = staff ? "教职工" : rp->class_name;
	const batch_info *b = NULL;
	if (w->plan) {
		if (staff)
			b = w->nbatches ? &w->batches[0] : NULL;
		else
			for (size_t i = 0; i < w->nbatches && !b; i++)
				if (w->batches[i].id == rp->batch_id)
					b = &w->batches[i];
	}
	p.batch_id = b ? b->id : 0;
	p.batch = b ? b->name : w->plan ? "未安排批次" : "全体";
	p.return_date = b ? b->date : w->plan ? "" : w->date;
	p.status = p.return_date[0] ? status_of(w, rp->id, p.return_date) : "";
	gate_day_rec key = { .person_id = rp->id };
	const gate_day_rec *g = w->ngate ? bsearch(&key, w->gate, w->ngate, sizeof key, cmp_gate) : NULL;
	if (g && p.return_date[0]) {
		p.arrived = g->last_admit[0] && strcmp(g->last_admit, p.return_date) >= 0;
		p.refused = !p.arrived && g->last_refuse[0] && strcmp(g->last_refuse, p.return_date) >= 0;
	}
	return w->fn(w->fn_ctx, &p);
}

static int walk(store *s, int64_t school_id, const char *date,
		int (*fn)(void *ctx, const overview_person *p), void *fn_ctx, int *plan, jy_err *err)
{
	int32_t day;
	if (!date || date_parse(date, &day))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	walk_ctx w;
	memset(&w, 0, sizeof w);
	w.date = date;
	w.fn = fn;
	w.fn_ctx = fn_ctx;
	int rc = store_batch_list(s, school_id, add_batch, &w, err);
	w.plan = w.nbatches > 0;
	if (!rc)
		rc = store_screen_result_list(s, school_id, NULL, add_status, &w, err);
	if (!rc)
		rc = store_gate_person_days(s, school_id, date, add_gate, &w, err);
	if (!rc && w.failed)
		rc = err_set(err, JY_ENOMEM, "out of memory");
	if (!rc) {
		if (w.nstatus)
			qsort(w.status, w.nstatus, sizeof *w.status, cmp_status);
		if (w.ngate)
			qsort(w.gate, w.ngate, sizeof *w.gate, cmp_gate);
		rc = store_return_people(s, school_id, walk_person, &w, err);
	}
	if (plan)
		*plan = w.plan;
	free(w.batches);
	free(w.status);
	free(w.gate);
	return rc;
}

static int reason_index(const char *r)
{
	return !strcmp(r, "illness") ? OV_ILLNESS : !strcmp(r, "quarantine") ? OV_QUARANTINE :
	       !strcmp(r, "travel") ? OV_TRAVEL : !strcmp(r, "family") ? OV_FAMILY : OV_OTHER;
}

static int counts_in(const overview_person *p, const char *what, const char *date)
{
	int due = p->return_date[0] && strcmp(p->return_date, date) <= 0;
	if (!strcmp(what, "expected"))
		return 1;
	if (!strcmp(what, "declared"))
		return p->declared;
	if (!strcmp(what, "undeclared"))
		return !p->declared;
	if (!strcmp(what, "cleared") || !strcmp(what, "monitor") || !strcmp(what, "hold"))
		return !strcmp(p->status, what);
	if (!strcmp(what, "unscreened"))
		return !p->status[0];
	if (!strcmp(what, "arrived"))
		return p->arrived;
	if (!strcmp(what, "refused"))
		return p->refused;
	if (!strcmp(what, "not_returned"))
		return p->not_returned[0] != 0;
	if (!strcmp(what, "missing"))
		return due && !p->arrived && !p->refused && !p->not_returned[0];
	return 0;
}

static void count(overview_counts *c, const overview_person *p, const char *date)
{
	c->expected++;
	c->declared += p->declared;
	c->cleared += !strcmp(p->status, "cleared");
	c->monitor += !strcmp(p->status, "monitor");
	c->hold += !strcmp(p->status, "hold");
	c->unscreened += !p->status[0];
	c->arrived += p->arrived;
	c->refused += p->refused;
	if (p->not_returned[0]) {
		c->not_returned++;
		c->not_returned_by[reason_index(p->not_returned)]++;
	}
	c->missing += counts_in(p, "missing", date);
}

/* ---- the overview ---- */

typedef struct build_ctx {
	return_overview *o;
	int64_t class_id;
	size_t capclasses, capbatches;
	int failed;
} build_ctx;

static overview_row *row_for(overview_row **rows, size_t *n, size_t *cap, const overview_person *p,
			     int with_class, const char *date)
{
	for (size_t i = *n; i-- > 0;) {
		overview_row *r = &(*rows)[i];
		if (r->batch_id == p->batch_id && (!with_class || r->class_id == p->class_id))
			return r;
	}
	if (grow((void **)rows, cap, *n, sizeof **rows))
		return NULL;
	overview_row *r = &(*rows)[(*n)++];
	memset(r, 0, sizeof *r);
	r->batch_id = p->batch_id;
	r->class_id = with_class ? p->class_id : 0;
	snprintf(r->batch, sizeof r->batch, "%s", p->batch);
	snprintf(r->return_date, sizeof r->return_date, "%s", p->return_date);
	if (with_class)
		snprintf(r->class_name, sizeof r->class_name, "%s", p->class_name);
	r->due = p->return_date[0] && strcmp(p->return_date, date) <= 0;
	return r;
}

static int build_person(void *ctx, const overview_person *p)
{
	build_ctx *b = ctx;
	return_overview *o = b->o;
	if (b->class_id && p->class_id != b->class_id)
		return 0;
	overview_row *c = row_for(&o->classes, &o->nclasses, &b->capclasses, p, 1, o->date);
	overview_row *g = row_for(&o->batches, &o->nbatches, &b->capbatches, p, 0, o->date);
	if (!c || !g)
		return (b->failed = 1);
	count(&c->c, p, o->date);
	count(&g->c, p, o->date);
	count(&o->total, p, o->date);
	return 0;
}

static int cmp_row(const void *a, const void *b)
{
	const overview_row *x = a, *y = b;
	/* Rows without a date (no batch) last. */
	if (!x->return_date[0] != !y->return_date[0])
		return x->return_date[0] ? -1 : 1;
	int c = strcmp(x->return_date, y->return_date);
	if (!c)
		c = strcmp(x->batch, y->batch);
	if (!c && (x->class_id < 0) != (y->class_id < 0))
		c = x->class_id < 0 ? 1 : -1; /* staff after the classes */
	return c ? c : strcmp(x->class_name, y->class_name);
}

int return_overview_build(store *s, int64_t school_id, const char *date, int64_t class_id,
			  return_overview *out, jy_err *err)
{
	memset(out, 0, sizeof *out);
	snprintf(out->date, sizeof out->date, "%s", date ? date : "");
	build_ctx b = { out, class_id, 0, 0, 0 };
	int rc = walk(s, school_id, date, build_person, &b, &out->plan, err);
	if (!rc && b.failed)
		rc = err_set(err, JY_ENOMEM, "out of memory");
	if (rc) {
		return_overview_free(out);
		return rc;
	}
	if (out->nclasses)
		qsort(out->classes, out->nclasses, sizeof *out->classes, cmp_row);
	if (out->nbatches)
		qsort(out->batches, out->nbatches, sizeof *out->batches, cmp_row);
	return 0;
}

void return_overview_free(return_overview *o)
{
	if (!o)
		return;
	free(o->classes);
	free(o->batches);
	o->classes = o->batches = NULL;
	o->nclasses = o->nbatches = 0;
}

/* ---- the names behind a number ---- */

typedef struct people_ctx {
	const char *what, *date;
	int64_t class_id, batch_id;
	overview_person_cb cb;
	void *ctx;
} people_ctx;

static int people_person(void *ctx, const overview_person *p)
{
	people_ctx *x = ctx;
	if (x->class_id && p->class_id != x->class_id)
		return 0;
	if (x->batch_id && p->batch_id != x->batch_id)
		return 0;
	if (!counts_in(p, x->what, x->date))
		return 0;
	return x->cb(x->ctx, p);
}

int return_overview_people(store *s, int64_t school_id, const char *date, const char *what,
			   int64_t class_id, int64_t batch_id, overview_person_cb cb, void *ctx,
			   jy_err *err)
{
	if (!return_overview_what_valid(what))
		return err_at(err, JY_EINVAL, NULL, 0, "what",
			      "what 应为 expected/declared/undeclared/cleared/monitor/hold/unscreened/arrived/refused/not_returned/missing");
	people_ctx x = { what, date, class_id, batch_id, cb, ctx };
	return walk(s, school_id, date, people_person, &x, NULL, err);
}
