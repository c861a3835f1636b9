/*
 * tracing.c — contact tracing over the database (see tracing.h).
 *
 * Staged expansion.  Building the engine's index is the costly step
 * (~200 ns an interval), and a whole school's fortnight is ~780,000
 * intervals, so the trace expands only what a hop can use.  Hop h+1 is
 * decided by the overlaps of the hop-h people's intervals (from their own
 * exposure e_j on) with everybody's intervals at the same place; an
 * interval that overlaps none of them cannot change it.  So, starting with
 * the cases (e = from) as the frontier:
 *
 *   add the places and times where the frontier may have been from its e
 *   on (presence_model_spans: a superset — a class's sessions from the
 *   earliest e of its members, a dorm room's nights likewise) to the
 *   ranges kept from the earlier stages;
 *   expand every interval that overlaps a range of its place (a whole
 *   class session or night at once) and build the index (contact records
 *   are always all included);
 *   run the engine for h hops; the frontier is the people it put at hop h.
 *
 * By induction each run sees every interval that hops 1..h depend on, so
 * its answer is the answer on the fully expanded data (test_presence.c
 * checks this against the engine on the whole school); the last run is the
 * result.  A frontier that comes back empty ends the loop early.  For the
 * demo school's fortnight a 2-hop trace indexes ~96,000 intervals instead
 * of ~780,000 (bench/cases.sh).
 *
 * Close-contact criteria beyond exposure.  With same_dorm or same_class
 * set and a minimum exposure longer than the shortest such session, the
 * engine runs with the shorter threshold and each reached person is kept
 * when the exposure reaches the minimum or when part of it was at a dorm
 * room (same_dorm) or a classroom, lab, playground or hall (same_class);
 * a person dropped drops the people reached through them.  (With the
 * default minimum of 15 minutes, below any class session, the criteria
 * change nothing and the answer is the engine's exactly.)
 */
#include "domain/tracing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double ms_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

void tracing_result_free(tracing_result *r)
{
	if (!r)
		return;
	free(r->hits);
	free(r->places);
	free(r->unknown);
	presence_model_free(r->model);
	free(r);
}

static int is_class_place(const char *kind)
{
	return !strcmp(kind, "classroom") || !strcmp(kind, "lab") || !strcmp(kind, "playground") ||
	       !strcmp(kind, "hall");
}

/* Fill the tracing result from the engine's. */
static int convert(const presence_model *m, const tracing_query *q, const trace_result *tr,
		   int64_t lowered_to, tracing_result *r, jy_err *err)
{
	r->hits = calloc(tr->nhits ? tr->nhits : 1, sizeof *r->hits);
	r->places = calloc(tr->nplaces ? tr->nplaces : 1, sizeof *r->places);
	unsigned char *dropped = calloc(presence_model_npersons(m) + 1, 1);
	if (!r->hits || !r->places || !dropped) {
		free(dropped);
		return err_set(err, JY_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < tr->nhits; i++) {
		const trace_hit *h = &tr->hits[i];
		const char *criterion = "exposure";
		if (lowered_to && h->exposure < q->min_duration) {
			int dorm = 0, cls = 0;
			for (size_t k = h->place_off; k < h->place_off + h->nplaces; k++) {
				uint32_t pl = tr->places[k].place;
				if (pl == TRACE_PLACE_CONTACT)
					continue;
				const char *kind = presence_model_place_kind(m, pl);
				dorm |= !strcmp(kind, "dorm_room");
				cls |= is_class_place(kind);
			}
			criterion = q->same_dorm && dorm ? "same_dorm" : q->same_class && cls ? "same_class" : NULL;
		}
		if (!criterion || dropped[h->via]) {
			dropped[h->person] = 1;
			continue;
		}
		tracing_hit *o = &r->hits[r->nhits++];
		o->person_id = presence_model_person_id(m, h->person);
		o->via_person_id = presence_model_person_id(m, h->via);
		o->number = presence_model_person_number(m, h->person);
		o->via_number = presence_model_person_number(m, h->via);
		o->name = presence_model_person_name(m, h->person);
		o->class_name = presence_model_person_class(m, h->person);
		o->hop = h->hop;
		o->exposure = h->exposure;
		o->first_contact = h->first_contact;
		o->criterion = criterion;
		o->place_off = r->nplaces;
		if (q->want_places) {
			for (size_t k = h->place_off; k < h->place_off + h->nplaces; k++) {
				const trace_place_time *pt = &tr->places[k];
				tracing_place *p = &r->places[r->nplaces++];
				if (pt->place == TRACE_PLACE_CONTACT) {
					p->place_id = 0;
					snprintf(p->kind, sizeof p->kind, "contact");
					snprintf(p->name, sizeof p->name, "近距离接触记录 (sensor contacts)");
				} else {
					p->place_id = presence_model_place_id(m, pt->place);
					snprintf(p->kind, sizeof p->kind, "%s", presence_model_place_kind(m, pt->place));
					snprintf(p->name, sizeof p->name, "%s", presence_model_place_name(m, pt->place));
				}
				p->seconds = pt->seconds;
				p->first = pt->first;
			}
		}
		o->nplaces = r->nplaces - o->place_off;
	}
	free(dropped);
	return 0;
}

/* The time ranges at each place where the frontier so far was (after its
 * own exposure), accumulated over the stages. */
typedef struct spans {
	struct span {
		uint32_t place;
		int64_t s, e;
	} *v;
	size_t n, cap;
	int64_t from_e, to;   /* while collecting one person: their e, the window's end */
	int oom;
	uint32_t *off;        /* merged, per place */
	int64_t (*r)[2];
} spans;

static int add_span(void *ctx, uint32_t person, uint32_t place, int64_t start, int64_t end,
		    presence_source src)
{
	(void)person;
	(void)src;
	spans *x = ctx;
	if (start < x->from_e)
		start = x->from_e;
	if (end > x->to)
		end = x->to;
	if (start >= end)
		return 0;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 4096;
		struct span *v = realloc(x->v, cap * sizeof *v);
		if (!v)
			return x->oom = 1;
		x->v = v;
		x->cap = cap;
	}
	x->v[x->n++] = (struct span){ place, start, end };
	return 0;
}

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	if (x->place != y->place)
		return x->place < y->place ? -1 : 1;
	return x->s < y->s ? -1 : x->s > y->s;
}

/* Sort and merge the spans into per-place ranges (v is merged in place). */
static int spans_merge(spans *x, uint32_t nplaces)
{
	if (x->n)
		qsort(x->v, x->n, sizeof *x->v, cmp_span);
	size_t k = 0;
	for (size_t i = 0; i < x->n; i++) {
		if (k && x->v[k - 1].place == x->v[i].place && x->v[i].s <= x->v[k - 1].e) {
			if (x->v[i].e > x->v[k - 1].e)
				x->v[k - 1].e = x->v[i].e;
		} else {
			x->v[k++] = x->v[i];
		}
	}
	x->n = k;
	free(x->off);
	free(x->r);
	x->off = calloc((size_t)nplaces + 1, sizeof *x->off);
	x->r = malloc((k + 1) * sizeof *x->r);
	if (!x->off || !x->r)
		return -1;
	for (size_t i = 0; i < k; i++) {
		x->off[x->v[i].place + 1]++;
		x->r[i][0] = x->v[i].s;
		x->r[i][1] = x->v[i].e;
	}
	for (uint32_t p = 0; p < nplaces; p++)
		x->off[p + 1] += x->off[p];
	return 0;
}

int tracing_run_model(const presence_model *m, const tracing_query *q, tracing_result **out,
		      jy_err *err)
{
	*out = NULL;
	if (q->from >= q->to)
		return err_at(err, JY_EINVAL, NULL, 0, "to", "时间窗口为空 (from must be before to)");
	if (q->min_duration < 0)
		return err_at(err, JY_EINVAL, NULL, 0, "min_duration", "min_duration 不能为负 (must be >= 0)");
	if (q->hops < 1 || q->hops > 10)
		return err_at(err, JY_EINVAL, NULL, 0, "hops", "hops 应为 1–10 (hops must be 1-10)");
	if (q->from < presence_model_from(m) || q->to > presence_model_to(m))
		return err_set(err, JY_EINVAL, "presence model does not cover the window");
	tracing_result *r = calloc(1, sizeof *r);
	uint32_t *frontier = malloc((q->ncases + 1) * sizeof *frontier);
	if (r)
		r->unknown = malloc((q->ncases + 1) * sizeof *r->unknown);
	if (!r || !frontier || !r->unknown) {
		free(frontier);
		tracing_result_free(r);
		return err_set(err, JY_ENOMEM, "out of memory");
	}
	size_t nfront = 0;
	for (size_t i = 0; i < q->ncases; i++) {
		uint32_t p;
		if (presence_model_find_person(m, q->cases[i], &p) == 0)
			frontier[nfront++] = p;
		else
			r->unknown[r->nunknown++] = q->cases[i];
	}
	/* The threshold the engine runs with (see the top of the file). */
	int64_t low = q->min_duration, lowered = 0;
	if (q->same_dorm || q->same_class) {
		int64_t thr = INT64_MAX;
		int64_t night = (int64_t)(24 * 60 - PRESENCE_DORM_START_MIN + PRESENCE_DORM_END_MIN) * 60;
		if (q->same_class && presence_model_shortest_session(m))
			thr = presence_model_shortest_session(m);
		if (q->same_dorm && night < thr)
			thr = night;
		if (thr < low) {
			low = thr;
			lowered = thr;
		}
	}
	uint32_t *cases = malloc((nfront + 1) * sizeof *cases);
	if (!cases) {
		free(frontier);
		tracing_result_free(r);
		return err_set(err, JY_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < nfront; i++)
		cases[i] = frontier[i];
	size_t ncases = nfront, nrecs;
	int64_t resolution;
	const trace_record *recs = presence_model_records(m, &nrecs, &resolution);
	trace_presence *iv = NULL;
	size_t niv = 0;
	trace_index *ix = NULL;
	trace_result *tr = NULL;
	trace_work *w = trace_work_new();
	int rc = w ? 0 : err_set(err, JY_ENOMEM, "out of memory");
	spans sp = { .to = q->to };
	int64_t *fe = malloc((nfront + 1) * sizeof *fe);   /* e of each frontier person */
	if (!fe)
		rc = err_set(err, JY_ENOMEM, "out of memory");
	for (size_t i = 0; fe && i < nfront; i++)
		fe[i] = q->from;
	for (unsigned h = 1; !rc && h <= q->hops; h++) {
		double t0 = ms_now();
		/* where the frontier was after its own exposure: only intervals
		 * overlapping those ranges can change hop h */
		sp.from_e = q->from;
		presence_model_spans(m, frontier, fe, nfront, add_span, &sp);
		if (sp.oom || spans_merge(&sp, presence_model_nplaces(m))) {
			rc = err_set(err, JY_ENOMEM, "out of memory");
			break;
		}
		{ /* every stage has a new frontier, hence new ranges */
			free(iv);
			iv = NULL;
			trace_index_free(ix);
			ix = NULL;
			presence_ranges within = { sp.off, (const int64_t(*)[2])sp.r };
			rc = presence_model_intervals_within(m, &within, &iv, &niv, err);
			double t1 = ms_now();
			r->expand_ms += t1 - t0;
			if (!rc)
				rc = trace_index_build(iv, niv, recs, nrecs, resolution, &ix, err);
			r->index_ms += ms_now() - t1;
			r->intervals = niv;
			r->stages++;
			if (rc)
				break;
		}
		double t2 = ms_now();
		trace_query eq = {
			.cases = cases, .ncases = ncases, .from = q->from, .to = q->to,
			.min_duration = low, .hops = h, .want_places = q->want_places || lowered,
		};
		trace_result_free(tr);
		tr = NULL;
		rc = trace_run(ix, &eq, w, &tr, err);
		r->run_ms += ms_now() - t2;
		if (rc)
			break;
		nfront = 0;
		uint32_t *nf = realloc(frontier, (tr->nhits + 1) * sizeof *nf);
		int64_t *ne = nf ? realloc(fe, (tr->nhits + 1) * sizeof *ne) : NULL;
		if (nf)
			frontier = nf;
		if (ne)
			fe = ne;
		if (!nf || !ne) {
			rc = err_set(err, JY_ENOMEM, "out of memory");
			break;
		}
		for (size_t i = 0; i < tr->nhits; i++)
			if (tr->hits[i].hop == h) {
				fe[nfront] = tr->hits[i].first_contact;
				frontier[nfront++] = tr->hits[i].person;
			}
		if (!nfront)
			break;
	}
	free(fe);
	free(sp.v);
	free(sp.off);
	free(sp.r);
	if (!rc && tr) {
		for (size_t i = 0; i < tr->nunknown; i++)
			r->unknown[r->nunknown++] = presence_model_person_id(m, tr->unknown[i]);
		r->records = nrecs;
		rc = convert(m, q, tr, lowered, r, err);
	}
	trace_result_free(tr);
	trace_index_free(ix);
	trace_work_free(w);
	free(iv);
	free(cases);
	free(frontier);
	if (rc) {
		tracing_result_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int tracing_run(store *s, int64_t school_id, const tracing_query *q, tracing_result **out,
		jy_err *err)
{
	*out = NULL;
	if (q->from >= q->to)
		return err_at(err, JY_EINVAL, NULL, 0, "to", "时间窗口为空 (from must be before to)");
	double t0 = ms_now();
	presence_model *m = NULL;
	int rc = presence_model_load(s, school_id, q->from, q->to, &m, err);
	if (rc)
		return rc;
	double t1 = ms_now();
	rc = tracing_run_model(m, q, out, err);
	if (rc) {
		presence_model_free(m);
		return rc;
	}
	(*out)->model = m;
	(*out)->load_ms = t1 - t0;
	return 0;
}
