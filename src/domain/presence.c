/*
 * presence.c — the presence model (see presence.h).
 *
 * Derived, not stored.  Presence from the timetable and the dorms is
 * computed from the data it depends on each time a trace or a timeline
 * needs it; nothing is materialised.  The inputs are small: the demo school
 * (7,200 students, 160 classes) has 7,840 timetable rows, 7,600 people,
 * 1,110 places and a few hundred absences a fortnight, read in about 15 ms.
 * Materialised, two weeks of the same school are about 780,000 interval
 * rows, which SQLite reads back in about half a second and which must be
 * rewritten whenever a check, an absence, a timetable row or a dorm
 * assignment changes — and a corrected check (a new version) would have to
 * be replayed.  Expanding in memory costs ~10 ns an interval.  The costly
 * step is the engine's index (~200 ns an interval: 170 ms for the whole
 * school's fortnight on this machine), so tracing (tracing.c) expands only
 * the class sessions, nights and events that overlap where the frontier
 * was (presence_model_spans, presence_model_intervals_within): about an
 * eighth of the fortnight for a 2-hop trace.  Ad-hoc presence (assemblies,
 * bus trips), clinic visits, isolation stays and contact records are few
 * and are stored as they are.
 *
 * Rules of derivation:
 *   - school days: Monday–Friday unless the calendar says holiday; a
 *     make-up day (makeup) runs Monday's timetable; with term dates, only
 *     days inside a term (the same rule as signals.c);
 *   - a class session puts every active student of the class in its place,
 *     except those not present (absent_sick, absent_other, absent_unknown)
 *     in the current version of that day's morning check; no check = present;
 *   - a boarder sleeps in their dorm room the night before each school day
 *     on which they are present, PRESENCE_DORM_START_MIN (22:00) to
 *     PRESENCE_DORM_END_MIN (06:30); boarders go home on the night before a
 *     day off;
 *   - from the start of an isolation stay until its end, a person has no
 *     class or dorm presence; the stay itself is presence in the room;
 *   - a clinic visit (a health event of source clinic) is
 *     PRESENCE_CLINIC_VISIT_S at the school's first clinic from its time.
 *   - a gate reading puts the person at the gate for PRESENCE_GATE_S centred
 *     on its time (the queue at the thermometer), so the people who queued
 *     with a case at the morning gate are found too.
 */
#include "domain/presence.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"

#define CST_OFFSET (8 * 3600)

typedef struct tt_row {
	uint32_t place;
	int weekday, start_min, end_min;
} tt_row;

typedef struct extra {
	uint32_t person, place;
	int64_t start, end;
	presence_source src;
} extra;

typedef struct id_map {
	int64_t id;
	uint32_t dense;
} id_map;

struct presence_model {
	int64_t school_id, from, to;
	/* persons, dense in number order */
	uint32_t npersons;
	int64_t *person_id;         /* dense → db id */
	char **number;              /* dense → number (into numbuf) */
	char **pname;               /* dense → name (into numbuf) */
	const char **pclass;        /* dense → class name (into classbuf, or "") */
	char *classbuf;
	char *numbuf;
	id_map *person_map;         /* sorted by db id */
	int32_t *person_class;      /* dense → class index or -1 (active students only) */
	int32_t *person_dorm;       /* dense → dense place of the dorm room or -1 */
	/* places */
	uint32_t nplaces;
	int64_t *place_id;          /* sorted */
	char (*place_kind)[24];
	char **place_name;
	char *placebuf;
	int32_t clinic;             /* dense place of the first clinic, -1 */
	/* classes */
	uint32_t nclasses;
	int64_t *class_id;          /* sorted */
	uint32_t *member_off, *members;     /* class → students (dense persons) */
	uint32_t *row_off;          /* class → rows */
	tt_row *rows;
	uint32_t *cplace_off, *cplaces;     /* class → distinct places */
	/* dorm rooms: place → boarders */
	uint32_t *dorm_off, *dorm_members;
	/* days: [day0, day0 + ndays) */
	int32_t day0;
	uint32_t ndays;
	signed char *day_weekday;   /* timetable weekday of the day, 0 = no school */
	unsigned char *absent;      /* ndays × npersons */
	/* extras: ad-hoc, clinic, isolation; sorted by person */
	extra *extras;
	size_t nextras;
	uint32_t *extra_off;        /* npersons + 1 */
	/* away (isolated) windows: sorted by person */
	extra *away;
	size_t naway;
	uint32_t *away_off;
	/* contact records */
	trace_record *recs;
	size_t nrecs;
	int64_t resolution;
	int64_t shortest_session;
};

const char *presence_source_name(presence_source src)
{
	switch (src) {
	case PRESENCE_TIMETABLE: return "timetable";
	case PRESENCE_DORM: return "dorm";
	case PRESENCE_ADHOC: return "event";
	case PRESENCE_CLINIC: return "clinic";
	case PRESENCE_ISOLATION: return "isolation";
	case PRESENCE_GATE: return "gate";
	}
	return "?";
}

/* ---- loading ---- */

typedef struct raw_person {
	int64_t id, class_id, dorm_id, real_class;
	size_t num_off, name_off;
	int student;
} raw_person;

typedef struct load_ctx {
	presence_model *m;
	jy_err *err;
	int oom;
	/* people */
	raw_person *rp;
	size_t nrp, caprp;
	char *nb;
	size_t nblen, nbcap;
	/* places */
	int64_t *pid;
	char (*pkind)[24];
	size_t *pname_off;
	char *pb;
	size_t pblen, pbcap, np, capp;
	/* timetable */
	struct { int64_t class_id, place_id; int wd, s, e; } *tt;
	size_t ntt, captt;
	/* calendar */
	signed char *calkind;
	int has_terms;
	/* extras */
	extra *ex;
	size_t nex, capex;
	extra *aw;
	size_t naw, capaw;
	/* class names */
	struct { int64_t id; size_t off; } *cn;
	size_t ncn, capcn;
	char *cb;
	size_t cblen, cbcap;
	/* records */
	struct { int64_t t; uint32_t i, j; int64_t res; } *rc;
	size_t nrc, caprc;
} load_ctx;

#define GROW(arr, n, cap, init)                                                     \
	do {                                                                        \
		if ((n) == (cap)) {                                                 \
			size_t nc__ = (cap) ? (cap) * 2 : (init);                   \
			void *p__ = realloc((arr), nc__ * sizeof *(arr));           \
			if (!p__)                                                   \
				return x->oom = 1;                                  \
			(arr) = p__;                                                \
			(cap) = nc__;                                               \
		}                                                                   \
	} while (0)

static int buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t *off)
{
	size_t n = strlen(s) + 1;
	if (*len + n > *cap) {
		size_t nc = *cap ? *cap * 2 : 4096;
		while (nc < *len + n)
			nc *= 2;
		char *p = realloc(*buf, nc);
		if (!p)
			return -1;
		*buf = p;
		*cap = nc;
	}
	memcpy(*buf + *len, s, n);
	*off = *len;
	*len += n;
	return 0;
}

static int on_person(void *ctx, int64_t id, const char *number, const char *name, const char *kind,
		     int64_t class_id, int64_t dorm_id, int active)
{
	load_ctx *x = ctx;
	GROW(x->rp, x->nrp, x->caprp, 1024);
	raw_person *r = &x->rp[x->nrp];
	r->id = id;
	r->class_id = active && !strcmp(kind, "student") ? class_id : 0;
	r->dorm_id = active ? dorm_id : 0;
	r->real_class = class_id;
	r->student = !strcmp(kind, "student");
	if (buf_add(&x->nb, &x->nblen, &x->nbcap, number, &r->num_off) ||
	    buf_add(&x->nb, &x->nblen, &x->nbcap, name, &r->name_off))
		return x->oom = 1;
	x->nrp++;
	return 0;
}

static int on_place(void *ctx, int64_t id, const char *kind, const char *name)
{
	load_ctx *x = ctx;
	if (x->np == x->capp) {
		size_t nc = x->capp ? x->capp * 2 : 256;
		int64_t *a = realloc(x->pid, nc * sizeof *a);
		if (!a)
			return x->oom = 1;
		x->pid = a;
		char(*k)[24] = realloc(x->pkind, nc * sizeof *k);
		if (!k)
			return x->oom = 1;
		x->pkind = k;
		size_t *o = realloc(x->pname_off, nc * sizeof *o);
		if (!o)
			return x->oom = 1;
		x->pname_off = o;
		x->capp = nc;
	}
	x->pid[x->np] = id;
	snprintf(x->pkind[x->np], 24, "%s", kind);
	if (buf_add(&x->pb, &x->pblen, &x->pbcap, name, &x->pname_off[x->np]))
		return x->oom = 1;
	x->np++;
	return 0;
}

static int on_class(void *ctx, int64_t id, const char *name)
{
	load_ctx *x = ctx;
	GROW(x->cn, x->ncn, x->capcn, 64);
	x->cn[x->ncn].id = id;
	if (buf_add(&x->cb, &x->cblen, &x->cbcap, name, &x->cn[x->ncn].off))
		return x->oom = 1;
	x->ncn++;
	return 0;
}

static int on_tt(void *ctx, int64_t class_id, int64_t place_id, int weekday, int start_min,
		 int end_min)
{
	load_ctx *x = ctx;
	GROW(x->tt, x->ntt, x->captt, 1024);
	x->tt[x->ntt].class_id = class_id;
	x->tt[x->ntt].place_id = place_id;
	x->tt[x->ntt].wd = weekday;
	x->tt[x->ntt].s = start_min;
	x->tt[x->ntt].e = end_min;
	x->ntt++;
	return 0;
}

static int on_cal(void *ctx, const char *date, const char *kind)
{
	load_ctx *x = ctx;
	int32_t d;
	/* the calendar is loaded one day wider on either side than the days */
	if (date_parse(date, &d) || d < x->m->day0 - 1 || d > x->m->day0 + (int32_t)x->m->ndays)
		return 0;
	signed char k = !strcmp(kind, "holiday") ? 1 : !strcmp(kind, "makeup") ? 2 :
			!strcmp(kind, "term_start") ? 3 : 4;
	x->calkind[d - (x->m->day0 - 1)] = k;
	x->has_terms |= k >= 3;
	return 0;
}

static int cmp_map(const void *a, const void *b)
{
	int64_t x = ((const id_map *)a)->id, y = ((const id_map *)b)->id;
	return x < y ? -1 : x > y;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int presence_model_find_person(const presence_model *m, int64_t person_id, uint32_t *person)
{
	id_map key = { person_id, 0 };
	const id_map *f = bsearch(&key, m->person_map, m->npersons, sizeof key, cmp_map);
	if (!f)
		return JY_ENOENT;
	*person = f->dense;
	return 0;
}

static int find_place(const presence_model *m, int64_t place_id, uint32_t *place)
{
	const int64_t *f = bsearch(&place_id, m->place_id, m->nplaces, sizeof place_id, cmp_i64);
	if (!f)
		return JY_ENOENT;
	*place = (uint32_t)(f - m->place_id);
	return 0;
}

static int find_class(const presence_model *m, int64_t class_id, uint32_t *c)
{
	const int64_t *f = bsearch(&class_id, m->class_id, m->nclasses, sizeof class_id, cmp_i64);
	if (!f)
		return JY_ENOENT;
	*c = (uint32_t)(f - m->class_id);
	return 0;
}

static int on_absent(void *ctx, const char *date, int64_t person_id)
{
	load_ctx *x = ctx;
	presence_model *m = x->m;
	int32_t d;
	uint32_t p;
	if (date_parse(date, &d) || d < m->day0 || d >= m->day0 + (int32_t)m->ndays ||
	    presence_model_find_person(m, person_id, &p))
		return 0;
	m->absent[(size_t)(d - m->day0) * m->npersons + p] = 1;
	return 0;
}

static int add_extra(load_ctx *x, int64_t person_id, int64_t place_id, int64_t start, int64_t end,
		     presence_source src)
{
	uint32_t p, pl;
	if (end <= start || presence_model_find_person(x->m, person_id, &p) ||
	    find_place(x->m, place_id, &pl))
		return 0;
	GROW(x->ex, x->nex, x->capex, 64);
	x->ex[x->nex++] = (extra){ p, pl, start, end, src };
	return 0;
}

static int on_presence(void *ctx, const presence_rec *r)
{
	load_ctx *x = ctx;
	return add_extra(x, r->person_id, r->place_id, r->start_at, r->end_at, PRESENCE_ADHOC);
}

static int on_visit(void *ctx, int64_t person_id, int64_t at)
{
	load_ctx *x = ctx;
	if (x->m->clinic < 0)
		return 0;
	return add_extra(x, person_id, x->m->place_id[x->m->clinic], at,
			 at + PRESENCE_CLINIC_VISIT_S, PRESENCE_CLINIC);
}

static int on_gate(void *ctx, int64_t person_id, int64_t place_id, int64_t at)
{
	load_ctx *x = ctx;
	return add_extra(x, person_id, place_id, at - PRESENCE_GATE_S / 2, at + PRESENCE_GATE_S / 2,
			 PRESENCE_GATE);
}

static int on_stay(void *ctx, const stay_rec *r)
{
	load_ctx *x = ctx;
	int64_t end = r->ended_at ? r->ended_at : INT64_MAX / 4;
	int64_t shown = r->ended_at ? r->ended_at : (x->m->to > r->started_at ? x->m->to : r->started_at + 1);
	if (add_extra(x, r->person_id, r->place_id, r->started_at, shown, PRESENCE_ISOLATION))
		return 1;
	uint32_t p;
	if (presence_model_find_person(x->m, r->person_id, &p))
		return 0;
	GROW(x->aw, x->naw, x->capaw, 16);
	x->aw[x->naw++] = (extra){ p, 0, r->started_at, end, PRESENCE_ISOLATION };
	return 0;
}

static int on_record(void *ctx, int64_t t, int64_t person_i, int64_t person_j, int64_t resolution)
{
	load_ctx *x = ctx;
	uint32_t i, j;
	if (presence_model_find_person(x->m, person_i, &i) ||
	    presence_model_find_person(x->m, person_j, &j))
		return 0;
	GROW(x->rc, x->nrc, x->caprc, 1024);
	x->rc[x->nrc].t = t;
	x->rc[x->nrc].i = i;
	x->rc[x->nrc].j = j;
	x->rc[x->nrc].res = resolution;
	x->nrc++;
	return 0;
}

static int cmp_extra(const void *a, const void *b)
{
	const extra *x = a, *y = b;
	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort person indices by number, byte order.  qsort_r keeps it reentrant. */
static int cmp_num(const void *a, const void *b, void *ctx)
{
	const load_ctx *x = ctx;
	const raw_person *p = &x->rp[*(const uint32_t *)a], *q = &x->rp[*(const uint32_t *)b];
	return strcmp(x->nb + p->num_off, x->nb + q->num_off);
}

static int64_t gcd64(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static uint32_t *offsets_by(size_t n_keys, const uint32_t *keys, size_t n, uint32_t **vals_out,
			    const uint32_t *vals)
{
	uint32_t *off = calloc(n_keys + 1, sizeof *off);
	uint32_t *out = malloc((n ? n : 1) * sizeof *out);
	if (!off || !out) {
		free(off);
		free(out);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		off[keys[i] + 1]++;
	for (size_t k = 0; k < n_keys; k++)
		off[k + 1] += off[k];
	uint32_t *pos = malloc((n_keys + 1) * sizeof *pos);
	if (!pos) {
		free(off);
		free(out);
		return NULL;
	}
	memcpy(pos, off, (n_keys + 1) * sizeof *pos);
	for (size_t i = 0; i < n; i++)
		out[pos[keys[i]]++] = vals[i];
	free(pos);
	*vals_out = out;
	return off;
}

static int build(load_ctx *x)
{
	presence_model *m = x->m;
	/* persons: dense in byte order of numbers */
	m->npersons = (uint32_t)x->nrp;
	size_t np = x->nrp ? x->nrp : 1;
	uint32_t *order = malloc(np * sizeof *order);
	m->person_id = malloc(np * sizeof *m->person_id);
	m->number = malloc(np * sizeof *m->number);
	m->pname = malloc(np * sizeof *m->pname);
	m->pclass = malloc(np * sizeof *m->pclass);
	m->person_map = malloc(np * sizeof *m->person_map);
	m->person_class = malloc(np * sizeof *m->person_class);
	m->person_dorm = malloc(np * sizeof *m->person_dorm);
	if (!order || !m->person_id || !m->number || !m->pname || !m->pclass || !m->person_map || !m->person_class ||
	    !m->person_dorm) {
		free(order);
		return -1;
	}
	for (uint32_t i = 0; i < m->npersons; i++)
		order[i] = i;
	/* The store returns them by number; sort only when the backend's
	 * collation is not byte order. */
	int in_order = 1;
	for (uint32_t i = 1; i < m->npersons && in_order; i++)
		in_order = cmp_num(&order[i - 1], &order[i], x) <= 0;
	if (!in_order)
		qsort_r(order, m->npersons, sizeof *order, cmp_num, x);
	m->numbuf = x->nb;
	x->nb = NULL;
	/* class names by id (the list is small and comes in id order) */
	m->classbuf = x->cb;
	x->cb = NULL;
	for (uint32_t d = 0; d < m->npersons; d++) {
		const raw_person *r = &x->rp[order[d]];
		m->pclass[d] = "";
		size_t lo = 0, hi = x->ncn;
		while (r->real_class && lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (x->cn[mid].id < r->real_class)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (r->real_class && lo < x->ncn && x->cn[lo].id == r->real_class)
			m->pclass[d] = m->classbuf + x->cn[lo].off;
		m->person_id[d] = r->id;
		m->number[d] = m->numbuf + r->num_off;
		m->pname[d] = m->numbuf + r->name_off;
		m->person_map[d] = (id_map){ r->id, d };
	}
	int by_id = 1;
	for (uint32_t i = 1; i < m->npersons && by_id; i++)
		by_id = m->person_map[i - 1].id < m->person_map[i].id;
	if (!by_id)
		qsort(m->person_map, m->npersons, sizeof *m->person_map, cmp_map);

	/* places, sorted by id (the list comes in any order) */
	m->nplaces = (uint32_t)x->np;
	size_t npl = x->np ? x->np : 1;
	uint32_t *porder = malloc(npl * sizeof *porder);
	m->place_id = malloc(npl * sizeof *m->place_id);
	m->place_kind = malloc(npl * sizeof *m->place_kind);
	m->place_name = malloc(npl * sizeof *m->place_name);
	if (!porder || !m->place_id || !m->place_kind || !m->place_name) {
		free(order);
		free(porder);
		return -1;
	}
	id_map *pm = malloc(npl * sizeof *pm);
	if (!pm) {
		free(order);
		free(porder);
		return -1;
	}
	for (uint32_t i = 0; i < m->nplaces; i++)
		pm[i] = (id_map){ x->pid[i], i };
	qsort(pm, m->nplaces, sizeof *pm, cmp_map);
	m->placebuf = x->pb;
	x->pb = NULL;
	m->clinic = -1;
	for (uint32_t d = 0; d < m->nplaces; d++) {
		uint32_t i = pm[d].dense;
		m->place_id[d] = x->pid[i];
		memcpy(m->place_kind[d], x->pkind[i], 24);
		m->place_name[d] = m->placebuf + x->pname_off[i];
		if (m->clinic < 0 && !strcmp(m->place_kind[d], "clinic"))
			m->clinic = (int32_t)d;
	}
	free(pm);
	free(porder);

	/* classes: every class id of a student or a timetable row */
	size_t nc = 0;
	int64_t *cids = malloc((x->nrp + x->ntt + 1) * sizeof *cids);
	if (!cids) {
		free(order);
		return -1;
	}
	/* consecutive repeats are common (rows come grouped): skip them */
	for (size_t i = 0; i < x->nrp; i++)
		if (x->rp[i].class_id && (!nc || cids[nc - 1] != x->rp[i].class_id))
			cids[nc++] = x->rp[i].class_id;
	for (size_t i = 0; i < x->ntt; i++)
		if (!nc || cids[nc - 1] != x->tt[i].class_id)
			cids[nc++] = x->tt[i].class_id;
	qsort(cids, nc, sizeof *cids, cmp_i64);
	size_t u = 0;
	for (size_t i = 0; i < nc; i++)
		if (!u || cids[u - 1] != cids[i])
			cids[u++] = cids[i];
	m->class_id = cids;
	m->nclasses = (uint32_t)u;

	/* class members and dorm boarders */
	uint32_t *keys = malloc(np * sizeof *keys), *vals = malloc(np * sizeof *vals);
	uint32_t *dkeys = malloc(np * sizeof *dkeys), *dvals = malloc(np * sizeof *dvals);
	if (!keys || !vals || !dkeys || !dvals) {
		free(order);
		free(keys);
		free(vals);
		free(dkeys);
		free(dvals);
		return -1;
	}
	size_t nk = 0, nd = 0;
	for (uint32_t d = 0; d < m->npersons; d++) {
		const raw_person *r = &x->rp[order[d]];
		uint32_t c, pl;
		m->person_class[d] = -1;
		m->person_dorm[d] = -1;
		if (r->class_id && find_class(m, r->class_id, &c) == 0) {
			m->person_class[d] = (int32_t)c;
			keys[nk] = c;
			vals[nk++] = d;
		}
		if (r->dorm_id && find_place(m, r->dorm_id, &pl) == 0 &&
		    !strcmp(m->place_kind[pl], "dorm_room")) {
			m->person_dorm[d] = (int32_t)pl;
			dkeys[nd] = pl;
			dvals[nd++] = d;
		}
	}
	free(order);
	m->member_off = offsets_by(m->nclasses, keys, nk, &m->members, vals);
	m->dorm_off = offsets_by(m->nplaces, dkeys, nd, &m->dorm_members, dvals);
	free(keys);
	free(vals);
	free(dkeys);
	free(dvals);
	if (!m->member_off || !m->dorm_off)
		return -1;

	/* timetable rows per class, and each class's distinct places */
	size_t ntt = x->ntt ? x->ntt : 1;
	uint32_t *tkeys = calloc(ntt, sizeof *tkeys), *tvals = calloc(ntt, sizeof *tvals);
	m->rows = malloc(ntt * sizeof *m->rows);
	if (!tkeys || !tvals || !m->rows) {
		free(tkeys);
		free(tvals);
		return -1;
	}
	size_t nr = 0;
	m->shortest_session = 0;
	for (size_t i = 0; i < x->ntt; i++) {
		uint32_t c, pl;
		if (find_class(m, x->tt[i].class_id, &c) || find_place(m, x->tt[i].place_id, &pl))
			continue;
		m->rows[nr] = (tt_row){ pl, x->tt[i].wd, x->tt[i].s, x->tt[i].e };
		const char *k = m->place_kind[pl];
		if (!strcmp(k, "classroom") || !strcmp(k, "lab") || !strcmp(k, "playground") ||
		    !strcmp(k, "hall")) {
			int64_t len = (int64_t)(x->tt[i].e - x->tt[i].s) * 60;
			if (!m->shortest_session || len < m->shortest_session)
				m->shortest_session = len;
		}
		tkeys[nr] = c;
		tvals[nr] = (uint32_t)nr;
		nr++;
	}
	uint32_t *rowidx = NULL;
	m->row_off = offsets_by(m->nclasses, tkeys, nr, &rowidx, tvals);
	free(tkeys);
	free(tvals);
	if (!m->row_off) {
		free(rowidx);
		return -1;
	}
	/* reorder rows by class */
	tt_row *sorted = malloc((nr ? nr : 1) * sizeof *sorted);
	if (!sorted) {
		free(rowidx);
		return -1;
	}
	for (size_t i = 0; i < nr; i++)
		sorted[i] = m->rows[rowidx[i]];
	free(m->rows);
	free(rowidx);
	m->rows = sorted;
	m->cplace_off = calloc(m->nclasses + 1, sizeof *m->cplace_off);
	m->cplaces = malloc((nr ? nr : 1) * sizeof *m->cplaces);
	if (!m->cplace_off || !m->cplaces)
		return -1;
	size_t ncp = 0;
	for (uint32_t c = 0; c < m->nclasses; c++) {
		size_t first = ncp;
		for (uint32_t r = m->row_off[c]; r < m->row_off[c + 1]; r++) {
			int dup = 0;
			for (size_t k = first; k < ncp && !dup; k++)
				dup = m->cplaces[k] == m->rows[r].place;
			if (!dup)
				m->cplaces[ncp++] = m->rows[r].place;
		}
		m->cplace_off[c + 1] = (uint32_t)ncp;
	}
	return 0;
}

/* School days: the timetable weekday each loaded day runs, 0 = none. */
static void school_days(load_ctx *x)
{
	presence_model *m = x->m;
	int in_term = 1;
	size_t ncal = m->ndays + 2;
	if (x->has_terms) {
		for (size_t i = 0; i < ncal; i++)
			if (x->calkind[i] >= 3) {
				in_term = x->calkind[i] == 4;
				break;
			}
	}
	for (size_t i = 0; i < ncal; i++) {
		int32_t d = m->day0 - 1 + (int32_t)i;
		signed char k = x->calkind[i];
		if (k == 3)
			in_term = 1;
		int wd = date_weekday(d);
		int wd_run = (wd <= 5 && k != 1) ? wd : k == 2 ? 1 : k >= 3 ? (wd <= 5 ? wd : 1) : 0;
		if (x->has_terms && !in_term)
			wd_run = 0;
		if (i >= 1 && i <= m->ndays)
			m->day_weekday[i - 1] = (signed char)wd_run;
		if (k == 4)
			in_term = 0;
	}
}

int presence_model_load(store *s, int64_t school_id, int64_t from, int64_t to,
			presence_model **out, jy_err *err)
{
	*out = NULL;
	if (from >= to)
		return err_at(err, JY_EINVAL, NULL, 0, "to", "时间窗口为空 (the window is empty: from must be before to)");
	presence_model *m = calloc(1, sizeof *m);
	if (!m)
		return err_set(err, JY_ENOMEM, "out of memory");
	m->school_id = school_id;
	m->from = from;
	m->to = to;
	/* Days whose sessions or dorm night (from 22:00 the evening before) can
	 * touch the window. */
	m->day0 = date_of_time_cst(from);
	int32_t last = date_of_time_cst(to - 1) + 1;
	if ((int64_t)last - m->day0 > 3660) {
		free(m);
		return err_at(err, JY_ETOOBIG, NULL, 0, "to", "时间窗口超过 10 年 (the window is longer than 10 years)");
	}
	m->ndays = (uint32_t)(last - m->day0 + 1);
	load_ctx x;
	memset(&x, 0, sizeof x);
	x.m = m;
	x.err = err;
	int rc = store_trace_people(s, school_id, on_person, &x, err);
	if (!rc)
		rc = store_trace_classes(s, school_id, on_class, &x, err);
	if (!rc)
		rc = store_trace_places(s, school_id, on_place, &x, err);
	if (!rc)
		rc = store_trace_timetable(s, school_id, on_tt, &x, err);
	if (!rc && !x.oom && build(&x))
		x.oom = 1;
	if (!rc && !x.oom) {
		m->day_weekday = calloc(m->ndays, 1);
		m->absent = calloc((size_t)m->ndays * (m->npersons ? m->npersons : 1), 1);
		x.calkind = calloc(m->ndays + 2, 1);
		if (!m->day_weekday || !m->absent || !x.calkind)
			x.oom = 1;
	}
	char d1[11], d2[11];
	date_format(m->day0 - 1, d1);
	date_format(m->day0 + (int32_t)m->ndays, d2);
	if (!rc && !x.oom)
		rc = store_calendar_list(s, school_id, d1, d2, on_cal, &x, err);
	if (!rc && !x.oom) {
		school_days(&x);
		date_format(m->day0, d1);
		date_format(m->day0 + (int32_t)m->ndays - 1, d2);
		rc = store_morning_absent(s, school_id, d1, d2, on_absent, &x, err);
	}
	/* Ad-hoc presence, clinic visits and stays that overlap the days loaded. */
	int64_t lo = (int64_t)(m->day0 - 1) * 86400 - CST_OFFSET;
	if (lo > from)
		lo = from;
	if (!rc && !x.oom)
		rc = store_presence_window(s, school_id, 0, lo, to, on_presence, &x, err);
	if (!rc && !x.oom)
		rc = store_clinic_visits(s, school_id, lo - PRESENCE_CLINIC_VISIT_S, to, on_visit, &x, err);
	if (!rc && !x.oom)
		rc = store_gate_passages(s, school_id, lo - PRESENCE_GATE_S, to, on_gate, &x, err);
	if (!rc && !x.oom)
		rc = store_stay_list(s, school_id, 0, lo, to, on_stay, &x, err);
	if (!rc && !x.oom)
		rc = store_contact_window(s, school_id, 0, from, to, on_record, &x, err);
	if (!rc && !x.oom) {
		/* extras and away windows, grouped by person */
		if (x.nex)
			qsort(x.ex, x.nex, sizeof *x.ex, cmp_extra);
		if (x.naw)
			qsort(x.aw, x.naw, sizeof *x.aw, cmp_extra);
		m->extras = x.ex;
		m->nextras = x.nex;
		m->away = x.aw;
		m->naway = x.naw;
		x.ex = x.aw = NULL;
		m->extra_off = calloc((size_t)m->npersons + 1, sizeof *m->extra_off);
		m->away_off = calloc((size_t)m->npersons + 1, sizeof *m->away_off);
		if (!m->extra_off || !m->away_off) {
			x.oom = 1;
		} else {
			for (size_t i = 0; i < m->nextras; i++)
				m->extra_off[m->extras[i].person + 1]++;
			for (size_t i = 0; i < m->naway; i++)
				m->away_off[m->away[i].person + 1]++;
			for (uint32_t p = 0; p < m->npersons; p++) {
				m->extra_off[p + 1] += m->extra_off[p];
				m->away_off[p + 1] += m->away_off[p];
			}
		}
	}
	if (!rc && !x.oom) {
		/* Contact records at one resolution: the gcd of the batches'. */
		int64_t g = 0;
		size_t total = 0;
		for (size_t i = 0; i < x.nrc; i++)
			g = gcd64(g, x.rc[i].res);
		for (size_t i = 0; i < x.nrc; i++)
			total += (size_t)(x.rc[i].res / g);
		m->resolution = g ? g : 20;
		m->recs = malloc((total ? total : 1) * sizeof *m->recs);
		if (!m->recs) {
			x.oom = 1;
		} else {
			for (size_t i = 0; i < x.nrc; i++)
				for (int64_t k = 0; k < x.rc[i].res / m->resolution; k++)
					m->recs[m->nrecs++] = (trace_record){ x.rc[i].t + k * m->resolution,
									      x.rc[i].i, x.rc[i].j };
		}
	}
	free(x.rp);
	free(x.nb);
	free(x.pid);
	free(x.pkind);
	free(x.pname_off);
	free(x.pb);
	free(x.tt);
	free(x.calkind);
	free(x.ex);
	free(x.aw);
	free(x.rc);
	free(x.cn);
	free(x.cb);
	if (!rc && x.oom)
		rc = err_set(err, JY_ENOMEM, "out of memory");
	if (rc) {
		presence_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void presence_model_free(presence_model *m)
{
	if (!m)
		return;
	free(m->person_id);
	free(m->number);
	free(m->pname);
	free(m->pclass);
	free(m->classbuf);
	free(m->numbuf);
	free(m->person_map);
	free(m->person_class);
	free(m->person_dorm);
	free(m->place_id);
	free(m->place_kind);
	free(m->place_name);
	free(m->placebuf);
	free(m->class_id);
	free(m->member_off);
	free(m->members);
	free(m->row_off);
	free(m->rows);
	free(m->cplace_off);
	free(m->cplaces);
	free(m->dorm_off);
	free(m->dorm_members);
	free(m->day_weekday);
	free(m->absent);
	free(m->extras);
	free(m->extra_off);
	free(m->away);
	free(m->away_off);
	free(m->recs);
	free(m);
}

/* ---- accessors ---- */

int64_t presence_model_from(const presence_model *m) { return m->from; }
int64_t presence_model_to(const presence_model *m) { return m->to; }
uint32_t presence_model_npersons(const presence_model *m) { return m->npersons; }
uint32_t presence_model_nplaces(const presence_model *m) { return m->nplaces; }
int64_t presence_model_shortest_session(const presence_model *m) { return m->shortest_session; }

int64_t presence_model_person_id(const presence_model *m, uint32_t person)
{
	assert(person < m->npersons);
	return m->person_id[person];
}

const char *presence_model_person_number(const presence_model *m, uint32_t person)
{
	assert(person < m->npersons);
	return m->number[person];
}

const char *presence_model_person_name(const presence_model *m, uint32_t person)
{
	assert(person < m->npersons);
	return m->pname[person];
}

const char *presence_model_person_class(const presence_model *m, uint32_t person)
{
	assert(person < m->npersons);
	return m->pclass[person];
}

int64_t presence_model_place_id(const presence_model *m, uint32_t place)
{
	assert(place < m->nplaces);
	return m->place_id[place];
}

const char *presence_model_place_kind(const presence_model *m, uint32_t place)
{
	assert(place < m->nplaces);
	return m->place_kind[place];
}

const char *presence_model_place_name(const presence_model *m, uint32_t place)
{
	assert(place < m->nplaces);
	return m->place_name[place];
}

const trace_record *presence_model_records(const presence_model *m, size_t *n,
					   int64_t *resolution)
{
	*n = m->nrecs;
	*resolution = m->resolution;
	return m->recs;
}

/* ---- expansion ---- */

/* Is the person isolated at time t? */
static int away_at(const presence_model *m, uint32_t person, int64_t t)
{
	for (uint32_t k = m->away_off[person]; k < m->away_off[person + 1]; k++)
		if (t >= m->away[k].start && t < m->away[k].end)
			return 1;
	return 0;
}

static int present(const presence_model *m, uint32_t day, uint32_t person)
{
	return !m->absent[(size_t)day * m->npersons + person];
}

static int64_t at_min(int32_t day, int min)
{
	return (int64_t)day * 86400 - CST_OFFSET + (int64_t)min * 60;
}

/* One class's sessions (rows at marked places) on every school day. */
/* Does [s, e) overlap one of the place's ranges? */
static int in_ranges(const presence_ranges *w, uint32_t place, int64_t s, int64_t e)
{
	uint32_t lo = w->off[place], hi = w->off[place + 1];
	while (lo < hi) { /* the first range that ends after s */
		uint32_t mid = lo + (hi - lo) / 2;
		if (w->r[mid][1] <= s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->off[place + 1] && w->r[lo][0] < e;
}

static int each_class(const presence_model *m, uint32_t c, const unsigned char *marks,
		      const presence_ranges *w, uint32_t person_only, presence_cb cb, void *ctx)
{
	for (uint32_t r = m->row_off[c]; r < m->row_off[c + 1]; r++) {
		const tt_row *row = &m->rows[r];
		if (marks && !marks[row->place])
			continue;
		for (uint32_t d = 0; d < m->ndays; d++) {
			if (m->day_weekday[d] != row->weekday)
				continue;
			int32_t day = m->day0 + (int32_t)d;
			int64_t s = at_min(day, row->start_min), e = at_min(day, row->end_min);
			if (e <= m->from || s >= m->to || (w && !in_ranges(w, row->place, s, e)))
				continue;
			if (person_only != UINT32_MAX) {
				if (present(m, d, person_only) && !away_at(m, person_only, s)) {
					int rc = cb(ctx, person_only, row->place, s, e, PRESENCE_TIMETABLE);
					if (rc)
						return rc;
				}
				continue;
			}
			for (uint32_t k = m->member_off[c]; k < m->member_off[c + 1]; k++) {
				uint32_t p = m->members[k];
				if (!present(m, d, p) || (m->away_off[p + 1] > m->away_off[p] && away_at(m, p, s)))
					continue;
				int rc = cb(ctx, p, row->place, s, e, PRESENCE_TIMETABLE);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}

/* Nights in a dorm room for its boarders (or one of them). */
static int each_dorm(const presence_model *m, uint32_t place, const presence_ranges *w,
		     uint32_t person_only, presence_cb cb, void *ctx)
{
	for (uint32_t d = 0; d < m->ndays; d++) {
		if (!m->day_weekday[d])
			continue;
		int32_t day = m->day0 + (int32_t)d;
		int64_t s = at_min(day - 1, PRESENCE_DORM_START_MIN), e = at_min(day, PRESENCE_DORM_END_MIN);
		if (e <= m->from || s >= m->to || (w && !in_ranges(w, place, s, e)))
			continue;
		for (uint32_t k = m->dorm_off[place]; k < m->dorm_off[place + 1]; k++) {
			uint32_t p = m->dorm_members[k];
			if (person_only != UINT32_MAX && p != person_only)
				continue;
			if (!present(m, d, p) || (m->away_off[p + 1] > m->away_off[p] && away_at(m, p, s)))
				continue;
			int rc = cb(ctx, p, place, s, e, PRESENCE_DORM);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int walk(const presence_model *m, const unsigned char *marks, const presence_ranges *w,
		uint32_t person_only, presence_cb cb, void *ctx)
{
	int rc;
	if (person_only != UINT32_MAX) {
		assert(person_only < m->npersons);
		int32_t c = m->person_class[person_only];
		if (c >= 0 && (rc = each_class(m, (uint32_t)c, NULL, NULL, person_only, cb, ctx)))
			return rc;
		if (m->person_dorm[person_only] >= 0 &&
		    (rc = each_dorm(m, (uint32_t)m->person_dorm[person_only], NULL, person_only, cb, ctx)))
			return rc;
		for (uint32_t k = m->extra_off[person_only]; k < m->extra_off[person_only + 1]; k++) {
			const extra *x = &m->extras[k];
			if (x->end > m->from && x->start < m->to &&
			    (rc = cb(ctx, x->person, x->place, x->start, x->end, x->src)))
				return rc;
		}
		return 0;
	}
	for (uint32_t c = 0; c < m->nclasses; c++)
		if ((rc = each_class(m, c, marks, w, UINT32_MAX, cb, ctx)))
			return rc;
	for (uint32_t pl = 0; pl < m->nplaces; pl++)
		if ((!marks || marks[pl]) && (!w || w->off[pl + 1] > w->off[pl]) &&
		    m->dorm_off[pl + 1] > m->dorm_off[pl] && (rc = each_dorm(m, pl, w, UINT32_MAX, cb, ctx)))
			return rc;
	for (size_t k = 0; k < m->nextras; k++) {
		const extra *x = &m->extras[k];
		if ((marks && !marks[x->place]) || x->end <= m->from || x->start >= m->to ||
		    (w && !in_ranges(w, x->place, x->start, x->end)))
			continue;
		if ((rc = cb(ctx, x->person, x->place, x->start, x->end, x->src)))
			return rc;
	}
	return 0;
}

int presence_model_spans(const presence_model *m, const uint32_t *persons, const int64_t *e,
			 size_t n, presence_cb cb, void *ctx)
{
	int64_t *class_e = malloc(((size_t)m->nclasses + 1) * sizeof *class_e);
	int64_t *dorm_e = malloc(((size_t)m->nplaces + 1) * sizeof *dorm_e);
	int rc = 0;
	if (!class_e || !dorm_e) {
		free(class_e);
		free(dorm_e);
		return JY_ENOMEM;
	}
	for (uint32_t c = 0; c < m->nclasses; c++)
		class_e[c] = INT64_MAX;
	for (uint32_t p = 0; p < m->nplaces; p++)
		dorm_e[p] = INT64_MAX;
	for (size_t i = 0; i < n && !rc; i++) {
		uint32_t p = persons[i];
		int64_t from = e && e[i] > m->from ? e[i] : m->from;
		assert(p < m->npersons);
		if (m->person_class[p] >= 0 && from < class_e[m->person_class[p]])
			class_e[m->person_class[p]] = from;
		if (m->person_dorm[p] >= 0 && from < dorm_e[m->person_dorm[p]])
			dorm_e[m->person_dorm[p]] = from;
		for (uint32_t k = m->extra_off[p]; k < m->extra_off[p + 1] && !rc; k++) {
			const extra *x = &m->extras[k];
			if (x->end > from && x->start < m->to)
				rc = cb(ctx, p, x->place, x->start > from ? x->start : from, x->end, x->src);
		}
	}
	for (uint32_t c = 0; c < m->nclasses && !rc; c++) {
		if (class_e[c] == INT64_MAX)
			continue;
		for (uint32_t r = m->row_off[c]; r < m->row_off[c + 1] && !rc; r++) {
			const tt_row *row = &m->rows[r];
			for (uint32_t d = 0; d < m->ndays && !rc; d++) {
				if (m->day_weekday[d] != row->weekday)
					continue;
				int32_t day = m->day0 + (int32_t)d;
				int64_t s = at_min(day, row->start_min), en = at_min(day, row->end_min);
				if (en <= class_e[c] || s >= m->to)
					continue;
				rc = cb(ctx, UINT32_MAX, row->place, s > class_e[c] ? s : class_e[c], en,
					PRESENCE_TIMETABLE);
			}
		}
	}
	for (uint32_t pl = 0; pl < m->nplaces && !rc; pl++) {
		if (dorm_e[pl] == INT64_MAX)
			continue;
		for (uint32_t d = 0; d < m->ndays && !rc; d++) {
			if (!m->day_weekday[d])
				continue;
			int32_t day = m->day0 + (int32_t)d;
			int64_t s = at_min(day - 1, PRESENCE_DORM_START_MIN), en = at_min(day, PRESENCE_DORM_END_MIN);
			if (en <= dorm_e[pl] || s >= m->to)
				continue;
			rc = cb(ctx, UINT32_MAX, pl, s > dorm_e[pl] ? s : dorm_e[pl], en, PRESENCE_DORM);
		}
	}
	free(class_e);
	free(dorm_e);
	return rc;
}

int presence_model_each(const presence_model *m, const unsigned char *marks, uint32_t person_only,
			presence_cb cb, void *ctx)
{
	return walk(m, marks, NULL, person_only, cb, ctx);
}

typedef struct collect {
	trace_presence *v;
	size_t n, cap;
} collect;

static int collect_one(void *ctx, uint32_t person, uint32_t place, int64_t start, int64_t end,
		       presence_source src)
{
	(void)src;
	collect *c = ctx;
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 65536;
		trace_presence *v = realloc(c->v, nc * sizeof *v);
		if (!v)
			return JY_ENOMEM;
		c->v = v;
		c->cap = nc;
	}
	c->v[c->n++] = (trace_presence){ person, place, start, end };
	return 0;
}

static int intervals(const presence_model *m, const unsigned char *marks, const presence_ranges *w,
		     trace_presence **out, size_t *n, jy_err *err)
{
	collect c = { NULL, 0, 0 };
	int rc = walk(m, marks, w, UINT32_MAX, collect_one, &c);
	if (rc) {
		free(c.v);
		return err_set(err, JY_ENOMEM, "out of memory");
	}
	*out = c.v;
	*n = c.n;
	return 0;
}

int presence_model_intervals(const presence_model *m, const unsigned char *marks,
			     trace_presence **out, size_t *n, jy_err *err)
{
	return intervals(m, marks, NULL, out, n, err);
}

int presence_model_intervals_within(const presence_model *m, const presence_ranges *w,
				    trace_presence **out, size_t *n, jy_err *err)
{
	return intervals(m, NULL, w, out, n, err);
}

/* ---- times ---- */

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int presence_parse_time(const char *s, int64_t *out)
{
	if (!s || !*s)
		return -1;
	/* integer seconds */
	const char *p = s;
	if (*p == '-')
		p++;
	if (*p && strspn(p, "0123456789") == strlen(p)) {
		if (strlen(p) > 15)
			return -1;
		*out = strtoll(s, NULL, 10);
		return 0;
	}
	char date[11];
	if (strlen(s) < 10)
		return -1;
	memcpy(date, s, 10);
	date[10] = 0;
	int32_t day;
	if (date_parse(date, &day))
		return -1;
	p = s + 10;
	int hh = 0, mm = 0, ss = 0;
	int64_t offset = CST_OFFSET;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(p, 2, &hh) || p[2] != ':' || digits(p + 3, 2, &mm))
			return -1;
		p += 5;
		if (*p == ':') {
			if (digits(p + 1, 2, &ss))
				return -1;
			p += 3;
			if (*p == '.') /* fractions of a second are dropped */
				for (p++; *p >= '0' && *p <= '9'; p++)
					;
		}
		if (hh > 24 || mm > 59 || ss > 60 || (hh == 24 && (mm || ss)))
			return -1;
		if (*p == 'Z') {
			offset = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om = 0;
			int sign = *p == '-' ? -1 : 1;
			if (digits(p + 1, 2, &oh))
				return -1;
			p += 3;
			if (*p == ':')
				p++;
			if (*p && digits(p, 2, &om))
				return -1;
			if (*p)
				p += 2;
			if (oh > 14 || om > 59)
				return -1;
			offset = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p)
		return -1;
	*out = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss - offset;
	return 0;
}
