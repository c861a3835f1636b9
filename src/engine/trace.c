/*
 * trace.c — the contact-tracing engine (the contract is in trace.h).
 *
 * The index.  Presence is kept per place: one array of intervals for all
 * places, each place's slice sorted by start, with place_off[] giving the
 * slices.  An interval is 16 bytes: start and end (32-bit seconds relative to
 * the epoch, the earliest time in the data), the person (32-bit), and `max`,
 * the largest end in the interval's subtree of an implicit interval tree laid
 * over the sorted slice (the layout of Heng Li's cgranges: position x with k
 * trailing one-bits is a node of level k whose children are x -/+ 2^(k-1)).
 * An overlap query [s, e) at a place then costs O(log n + answers) whatever
 * the durations are (a 10-hour dorm night next to 20-minute meals is fine).
 * Each person also has the list of their intervals (4-byte positions in the
 * place array, person_off[] giving the lists), which is where a trace starts.
 * A presence interval therefore costs 20 bytes, plus 4 bytes per person and
 * per place for the offsets.
 *
 * Contact records (SocioPatterns) are not places: two people either were in
 * contact or not, so a record has nothing to overlap with.  Records are
 * sorted by pair and time and merged into runs (maximal unions of
 * [t, t + resolution)); each run is stored twice, in the adjacency list of
 * either person ({other, start, end}, 12 bytes, sorted by other then start).
 * The exposure of a pair from records is the sum of its clipped runs, which
 * is the union the contract asks for.
 *
 * Building sorts with LSD radix passes (11-bit digits) over 16-byte work
 * records: by start then by place, giving (place, start) order; merging a
 * person's overlapping or touching intervals at one place is then one pass
 * that remembers, per person, the last interval kept.  Memory during the
 * build is about twice 16 bytes per input interval on top of the index.
 *
 * A trace runs hop by hop.  For each person j of the frontier, the overlaps
 * of j's clipped intervals with every other person's are summed per person
 * (acc, touched list), then each sum is compared with the best candidate for
 * that person so far (exposure, then earliest first contact, then smallest
 * j).  The cost is the number of interval overlaps met, which in a school
 * traced over two weeks is dominated by meeting the people already reached
 * (at hop 1 the case's canteen hall and class are reached; at hop 2 each of
 * them meets them all again, meal after meal).  So a hop with a frontier of
 * VIEW_MIN people or more first builds a view (view_build): the places the
 * frontier visited, holding only the people not reached yet, clipped to the
 * window, each with its own interval tree; in the two-week school benchmark
 * this cuts the overlaps of hop 2 about twentyfold.  The per-person scratch
 * lives in a trace_work, zero between runs and cleaned through the lists
 * that dirtied it, so a run costs what it touches and not O(persons).
 * Where each exposure happened (want_places) is found afterwards by walking
 * again the overlaps of each via with the people it reached.
 */
#include "engine/trace.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

typedef struct trace_iv {
	uint32_t start;  /* relative to epoch; the interval is [start, end) */
	uint32_t end;
	uint32_t person;
	uint32_t max;    /* largest end in this node's subtree */
} trace_iv;

typedef struct trace_adj {
	uint32_t other;
	uint32_t start;
	uint32_t end;
} trace_adj;

struct trace_index {
	int64_t epoch;
	uint32_t npersons;
	uint32_t nplaces;
	uint32_t *place_off;   /* nplaces + 1 */
	trace_iv *iv;          /* place_off[nplaces] intervals */
	uint32_t *person_off;  /* npersons + 1 */
	uint32_t *person_iv;   /* positions in iv, grouped by person */
	uint32_t *adj_off;     /* npersons + 1; NULL without records */
	trace_adj *adj;
	trace_index_stats st;
};

/* ---------------------------------------------------------------- build -- */

/* A work record: fields f[0..3] are place, person, start, end for presence
 * and low id, high id, start, end for contact records. */
typedef struct wrec {
	uint32_t f[4];
} wrec;

enum { F_PLACE = 0, F_PERSON = 1, F_START = 2, F_END = 3 };

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)

/*
 * Stable sort of (*a)[0..n) by field f, whose values are <= maxval, with LSD
 * radix passes through *b (room for n).  On return *a holds the sorted data
 * and *b the scratch (the pointers may have been swapped).  count has
 * RADIX_SIZE entries.
 */
static void radix_by(wrec **a, wrec **b, size_t n, int f, uint32_t maxval, size_t *count)
{
	for (unsigned shift = 0; shift < 32; shift += RADIX_BITS) {
		if (shift && !(maxval >> shift))
			break;
		wrec *src = *a, *dst = *b;
		memset(count, 0, RADIX_SIZE * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[(src[i].f[f] >> shift) & (RADIX_SIZE - 1)]++;
		size_t sum = 0;
		int single = 0;
		for (unsigned d = 0; d < RADIX_SIZE; d++) {
			size_t c = count[d];
			if (c == n)
				single = 1;
			count[d] = sum;
			sum += c;
		}
		if (single)
			continue; /* every record has this digit: already in order */
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].f[f] >> shift) & (RADIX_SIZE - 1)]++] = src[i];
		*a = dst;
		*b = src;
	}
}

/* The largest end in the subtree of node x (level k) of a slice of n
 * intervals, counting only positions < n; 0 when that part is empty.  Nodes
 * below level k must be done. */
static uint32_t tree_subtree_max(const trace_iv *v, uint32_t n, uint64_t x, unsigned k)
{
	while (x >= n) {
		if (k == 0)
			return 0;
		k--;
		x -= (uint64_t)1 << k; /* its left child */
	}
	return v[x].max;
}

/* Fill `max` of a slice sorted by start: leaves first, then level by level. */
static void tree_build(trace_iv *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i += 2)
		v[i].max = v[i].end;
	for (unsigned k = 1; ((uint64_t)1 << k) <= n; k++) {
		uint64_t half = (uint64_t)1 << (k - 1);
		for (uint64_t x = ((uint64_t)1 << k) - 1; x < n; x += (uint64_t)1 << (k + 1)) {
			uint32_t m = v[x].end;
			uint32_t l = v[x - half].max;
			uint32_t r = tree_subtree_max(v, n, x + half, k - 1);
			if (l > m)
				m = l;
			if (r > m)
				m = r;
			v[x].max = m;
		}
	}
}

/* Root level of a slice of n >= 1 intervals: floor(log2(n)); the root is at
 * position 2^level - 1. */
static unsigned tree_root_level(uint32_t n)
{
	assert(n > 0);
	return 31u - (unsigned)__builtin_clz(n);
}

typedef struct u32vec {
	uint32_t *v;
	size_t n, cap;
} u32vec;

static int vec_reserve(u32vec *a, size_t more)
{
	if (a->n + more <= a->cap)
		return 0;
	size_t cap = a->cap ? a->cap : 256;
	while (cap < a->n + more)
		cap *= 2;
	uint32_t *v = realloc(a->v, cap * sizeof *v);
	if (!v)
		return JY_ENOMEM;
	a->v = v;
	a->cap = cap;
	return 0;
}

static inline int vec_push(u32vec *a, uint32_t x)
{
	if (a->n == a->cap && vec_reserve(a, 1) < 0)
		return JY_ENOMEM;
	a->v[a->n++] = x;
	return 0;
}

static int build_presence(trace_index *ix, const trace_presence *pres, size_t npres,
			  size_t n, jy_err *err)
{
	int rc = JY_ENOMEM;
	wrec *a = malloc((n ? n : 1) * sizeof *a);
	wrec *b = malloc((n ? n : 1) * sizeof *b);
	size_t *count = malloc(RADIX_SIZE * sizeof *count);
	uint32_t *last_pos = malloc(((size_t)ix->npersons + 1) * sizeof *last_pos);
	uint32_t *last_place = malloc(((size_t)ix->npersons + 1) * sizeof *last_place);
	if (!a || !b || !count || !last_pos || !last_place)
		goto out;

	size_t m = 0;
	uint32_t span = 0;
	for (size_t i = 0; i < npres; i++) {
		if (pres[i].end == pres[i].start)
			continue;
		wrec *w = &a[m++];
		w->f[F_PLACE] = pres[i].place;
		w->f[F_PERSON] = pres[i].person;
		w->f[F_START] = (uint32_t)((uint64_t)pres[i].start - (uint64_t)ix->epoch);
		w->f[F_END] = (uint32_t)((uint64_t)pres[i].end - (uint64_t)ix->epoch);
		if (w->f[F_END] > span)
			span = w->f[F_END];
	}
	assert(m == n);
	radix_by(&a, &b, n, F_START, span, count);
	if (ix->nplaces)
		radix_by(&a, &b, n, F_PLACE, ix->nplaces - 1, count);

	/* Merge each person's overlapping or touching intervals at a place:
	 * in (place, start) order the last one kept is the one to extend. */
	memset(last_place, 0xff, ((size_t)ix->npersons + 1) * sizeof *last_place);
	for (size_t i = 0; i < n; i++) {
		uint32_t who = a[i].f[F_PERSON], where = a[i].f[F_PLACE];
		if (last_place[who] == where && a[last_pos[who]].f[F_END] >= a[i].f[F_START]) {
			wrec *keep = &a[last_pos[who]];
			if (a[i].f[F_END] > keep->f[F_END])
				keep->f[F_END] = a[i].f[F_END];
			a[i].f[F_PERSON] = UINT32_MAX; /* merged away */
		} else {
			last_place[who] = where;
			last_pos[who] = (uint32_t)i;
		}
	}
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (a[i].f[F_PERSON] != UINT32_MAX)
			a[m++] = a[i];

	ix->place_off = calloc((size_t)ix->nplaces + 1, sizeof *ix->place_off);
	ix->iv = malloc((m ? m : 1) * sizeof *ix->iv);
	ix->person_off = calloc((size_t)ix->npersons + 1, sizeof *ix->person_off);
	ix->person_iv = malloc((m ? m : 1) * sizeof *ix->person_iv);
	if (!ix->place_off || !ix->iv || !ix->person_off || !ix->person_iv)
		goto out;
	for (size_t i = 0; i < m; i++) {
		ix->iv[i] = (trace_iv){ a[i].f[F_START], a[i].f[F_END], a[i].f[F_PERSON], 0 };
		ix->place_off[a[i].f[F_PLACE] + 1]++;
		ix->person_off[a[i].f[F_PERSON] + 1]++;
	}
	for (uint32_t p = 0; p < ix->nplaces; p++)
		ix->place_off[p + 1] += ix->place_off[p];
	for (uint32_t p = 0; p < ix->npersons; p++)
		ix->person_off[p + 1] += ix->person_off[p];
	for (uint32_t p = 0; p < ix->nplaces; p++)
		tree_build(ix->iv + ix->place_off[p], ix->place_off[p + 1] - ix->place_off[p]);
	/* Person lists in place order; last_pos is reused as the fill cursor. */
	memcpy(last_pos, ix->person_off, (size_t)ix->npersons * sizeof *last_pos);
	for (size_t i = 0; i < m; i++)
		ix->person_iv[last_pos[ix->iv[i].person]++] = (uint32_t)i;
	ix->st.presence_intervals = m;
	rc = 0;
out:
	if (rc < 0)
		err_set(err, rc, "内存不足 out of memory building the presence index (%zu intervals)", n);
	free(a);
	free(b);
	free(count);
	free(last_pos);
	free(last_place);
	return rc;
}

static int build_contacts(trace_index *ix, const trace_record *recs, size_t nrecs,
			  size_t n, int64_t resolution, jy_err *err)
{
	int rc = JY_ENOMEM;
	wrec *a = malloc((n ? n : 1) * sizeof *a);
	wrec *b = malloc((n ? n : 1) * sizeof *b);
	size_t *count = malloc(RADIX_SIZE * sizeof *count);
	uint32_t *cursor = NULL;
	if (!a || !b || !count)
		goto out;

	size_t m = 0;
	uint32_t span = 0;
	for (size_t r = 0; r < nrecs; r++) {
		if (recs[r].i == recs[r].j)
			continue;
		wrec *w = &a[m++];
		w->f[0] = recs[r].i < recs[r].j ? recs[r].i : recs[r].j;
		w->f[1] = recs[r].i < recs[r].j ? recs[r].j : recs[r].i;
		w->f[F_START] = (uint32_t)((uint64_t)recs[r].t - (uint64_t)ix->epoch);
		w->f[F_END] = (uint32_t)((uint64_t)recs[r].t + (uint64_t)resolution - (uint64_t)ix->epoch);
		if (w->f[F_START] > span)
			span = w->f[F_START];
	}
	assert(m == n);
	uint32_t maxid = ix->npersons ? ix->npersons - 1 : 0;
	radix_by(&a, &b, n, F_START, span, count);
	radix_by(&a, &b, n, 1, maxid, count);
	radix_by(&a, &b, n, 0, maxid, count);

	/* Runs: per pair, maximal unions of overlapping or touching records. */
	size_t runs = 0;
	for (size_t i = 0; i < n; i++) {
		wrec *last = runs ? &a[runs - 1] : NULL;
		if (last && last->f[0] == a[i].f[0] && last->f[1] == a[i].f[1] &&
		    a[i].f[F_START] <= last->f[F_END]) {
			if (a[i].f[F_END] > last->f[F_END])
				last->f[F_END] = a[i].f[F_END];
		} else {
			a[runs++] = a[i];
		}
	}
	if (runs > (UINT32_MAX - 1) / 2) {
		rc = err_set(err, JY_ETOOBIG, "接触记录过多 too many contact runs (%zu)", runs);
		goto out_quiet;
	}
	ix->adj_off = calloc((size_t)ix->npersons + 1, sizeof *ix->adj_off);
	ix->adj = malloc((runs ? 2 * runs : 1) * sizeof *ix->adj);
	cursor = malloc(((size_t)ix->npersons + 1) * sizeof *cursor);
	if (!ix->adj_off || !ix->adj || !cursor)
		goto out;
	for (size_t r = 0; r < runs; r++) {
		ix->adj_off[a[r].f[0] + 1]++;
		ix->adj_off[a[r].f[1] + 1]++;
	}
	for (uint32_t p = 0; p < ix->npersons; p++)
		ix->adj_off[p + 1] += ix->adj_off[p];
	memcpy(cursor, ix->adj_off, (size_t)ix->npersons * sizeof *cursor);
	for (size_t r = 0; r < runs; r++) {
		uint32_t lo = a[r].f[0], hi = a[r].f[1];
		ix->adj[cursor[lo]++] = (trace_adj){ hi, a[r].f[F_START], a[r].f[F_END] };
		ix->adj[cursor[hi]++] = (trace_adj){ lo, a[r].f[F_START], a[r].f[F_END] };
	}
	ix->st.contact_runs = runs;
	rc = 0;
out:
	if (rc < 0)
		err_set(err, rc, "内存不足 out of memory building the contact index (%zu records)", n);
out_quiet:
	free(a);
	free(b);
	free(count);
	free(cursor);
	return rc;
}

int trace_index_build(const trace_presence *pres, size_t npres,
		      const trace_record *recs, size_t nrecs, int64_t resolution,
		      trace_index **out, jy_err *err)
{
	assert(out);
	assert(pres || !npres);
	assert(recs || !nrecs);
	*out = NULL;
	if (nrecs && resolution <= 0)
		return err_set(err, JY_EINVAL, "分辨率必须为正 resolution must be > 0 (got %lld)",
			       (long long)resolution);

	/* One pass to validate and to find the epoch, the span and the ids. */
	int64_t tmin = INT64_MAX, tmax = INT64_MIN;
	uint64_t maxperson = 0, maxplace = 0;
	int anyperson = 0, anyplace = 0;
	size_t npresence = 0, nself = 0;
	for (size_t i = 0; i < npres; i++) {
		const trace_presence *p = &pres[i];
		if (p->end < p->start)
			return err_at(err, JY_EINVAL, NULL, (long)(i + 1), "end",
				      "结束早于开始 end %lld is before start %lld",
				      (long long)p->end, (long long)p->start);
		if (p->person == UINT32_MAX || p->place == TRACE_PLACE_CONTACT)
			return err_at(err, JY_EINVAL, NULL, (long)(i + 1), "",
				      "编号保留 id %u is reserved", UINT32_MAX);
		if (p->end == p->start)
			continue;
		npresence++;
		if (p->start < tmin)
			tmin = p->start;
		if (p->end > tmax)
			tmax = p->end;
		if (p->person >= maxperson)
			maxperson = p->person;
		if (p->place >= maxplace)
			maxplace = p->place;
		anyperson = anyplace = 1;
	}
	for (size_t r = 0; r < nrecs; r++) {
		const trace_record *c = &recs[r];
		if (c->i == UINT32_MAX || c->j == UINT32_MAX)
			return err_at(err, JY_EINVAL, NULL, (long)(r + 1), "",
				      "编号保留 id %u is reserved", UINT32_MAX);
		if (c->t > INT64_MAX - resolution)
			return err_at(err, JY_EINVAL, NULL, (long)(r + 1), "t",
				      "时间过大 time %lld is too large", (long long)c->t);
		if (c->i == c->j) {
			nself++;
			continue;
		}
		if (c->t < tmin)
			tmin = c->t;
		if (c->t + resolution > tmax)
			tmax = c->t + resolution;
		uint32_t hi = c->i > c->j ? c->i : c->j;
		if (hi >= maxperson)
			maxperson = hi;
		anyperson = 1;
	}
	size_t ncontact = nrecs - nself;
	if (!npresence && !ncontact)
		tmin = tmax = 0;
	if ((uint64_t)tmax - (uint64_t)tmin > UINT32_MAX - 1)
		return err_set(err, JY_ETOOBIG,
			       "时间跨度过大 the data spans %llu s, more than 2^32-2",
			       (unsigned long long)((uint64_t)tmax - (uint64_t)tmin));
	if (npresence > UINT32_MAX - 1)
		return err_set(err, JY_ETOOBIG, "区间过多 too many intervals (%zu)", npresence);
	uint64_t slack = 8 * (uint64_t)(npresence + 2 * ncontact) + ((uint64_t)1 << 20);
	if ((anyperson && maxperson >= slack) || (anyplace && maxplace >= slack))
		return err_set(err, JY_ETOOBIG,
			       "编号过于稀疏 ids too sparse (largest person %llu, place %llu); renumber them",
			       (unsigned long long)maxperson, (unsigned long long)maxplace);

	trace_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return err_set(err, JY_ENOMEM, "内存不足 out of memory");
	ix->epoch = tmin;
	ix->npersons = anyperson ? (uint32_t)maxperson + 1 : 0;
	ix->nplaces = anyplace ? (uint32_t)maxplace + 1 : 0;
	ix->st.persons = ix->npersons;
	ix->st.places = ix->nplaces;
	ix->st.presence_in = npresence;
	ix->st.records_in = nrecs;
	ix->st.self_records = nself;
	ix->st.epoch = tmin;

	int rc = build_presence(ix, pres, npres, npresence, err);
	if (rc == 0 && ncontact)
		rc = build_contacts(ix, recs, nrecs, ncontact, resolution, err);
	if (rc < 0) {
		trace_index_free(ix);
		return rc;
	}
	size_t np1 = (size_t)ix->npersons + 1;
	ix->st.bytes = sizeof *ix + ((size_t)ix->nplaces + 1) * sizeof *ix->place_off +
		       ix->st.presence_intervals * (sizeof *ix->iv + sizeof *ix->person_iv) +
		       np1 * sizeof *ix->person_off +
		       (ix->adj_off ? np1 * sizeof *ix->adj_off : 0) +
		       2 * ix->st.contact_runs * sizeof *ix->adj;
	*out = ix;
	return 0;
}

void trace_index_free(trace_index *ix)
{
	if (!ix)
		return;
	free(ix->place_off);
	free(ix->iv);
	free(ix->person_off);
	free(ix->person_iv);
	free(ix->adj_off);
	free(ix->adj);
	free(ix);
}

void trace_index_stats_get(const trace_index *ix, trace_index_stats *st)
{
	assert(ix && st);
	*st = ix->st;
}

int trace_index_has_person(const trace_index *ix, uint32_t person)
{
	if (person >= ix->npersons)
		return 0;
	if (ix->person_off[person + 1] > ix->person_off[person])
		return 1;
	return ix->adj_off && ix->adj_off[person + 1] > ix->adj_off[person];
}

/* ---------------------------------------------------------------- trace -- */

/* Per person scratch, zero between runs. */
typedef struct pslot {
	uint64_t acc;       /* exposure to the current j, 0 = untouched */
	uint32_t acc_first; /* earliest counted contact with the current j */
	uint32_t mark;      /* 0 not reached, 1 case, else 2 + index in hits */
} pslot;

typedef struct cslot {
	uint64_t exp;       /* best exposure this hop, 0 = not a candidate */
	uint32_t first;
	uint32_t via;
} cslot;

/* A hop builds a view (view_build) when its frontier has this many people. */
#define VIEW_MIN 8

/* A place's intervals in a view: viv[off .. off + n). */
typedef struct vslice {
	uint32_t off, n;
	uint32_t lo;        /* the earliest time the view is asked about */
	uint32_t place;
} vslice;

struct trace_work {
	size_t cap;         /* persons the slots cover */
	pslot *ps;
	cslot *cs;
	u32vec touched;     /* persons with acc != 0; room for all */
	u32vec cand;        /* persons with exp != 0; room for all */

	/* The view of one hop: the places its frontier visits, holding only
	 * people not reached yet, clipped to the window (see view_build). */
	size_t place_cap;   /* places view_gen/view_at cover */
	uint32_t *view_gen; /* per place: == gen when view_at[place] is set */
	uint32_t *view_at;  /* per place: index in slices */
	uint32_t gen;
	int view_on;        /* the view is built for the current hop */
	vslice *slices;
	size_t nslices, slices_cap;
	trace_iv *viv;
	size_t nviv, viv_cap;
};

trace_work *trace_work_new(void)
{
	return calloc(1, sizeof(trace_work));
}

void trace_work_free(trace_work *w)
{
	if (!w)
		return;
	free(w->ps);
	free(w->cs);
	free(w->touched.v);
	free(w->cand.v);
	free(w->view_gen);
	free(w->view_at);
	free(w->slices);
	free(w->viv);
	free(w);
}

static int work_fit(trace_work *w, size_t persons, size_t places)
{
	if (w->place_cap < places || !w->view_gen) {
		uint32_t *g = calloc(places ? places : 1, sizeof *g);
		uint32_t *a = malloc((places ? places : 1) * sizeof *a);
		if (!g || !a) {
			free(g);
			free(a);
			return JY_ENOMEM;
		}
		free(w->view_gen);
		free(w->view_at);
		w->view_gen = g;
		w->view_at = a;
		w->place_cap = places;
		w->gen = 0;
	}
	if (w->cap >= persons && w->ps)
		return 0;
	assert(w->touched.n == 0 && w->cand.n == 0);
	pslot *ps = calloc(persons ? persons : 1, sizeof *ps);
	cslot *cs = calloc(persons ? persons : 1, sizeof *cs);
	if (!ps || !cs || vec_reserve(&w->touched, persons) < 0 || vec_reserve(&w->cand, persons) < 0) {
		free(ps);
		free(cs);
		return JY_ENOMEM;
	}
	free(w->ps);
	free(w->cs);
	w->ps = ps;
	w->cs = cs;
	w->cap = persons;
	return 0;
}

/* A time relative to the epoch, clamped to [0, UINT32_MAX]. */
static uint32_t rel_time(int64_t t, int64_t epoch)
{
	if (t <= epoch)
		return 0;
	uint64_t d = (uint64_t)t - (uint64_t)epoch;
	return d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

/* The place whose slice holds position g. */
static uint32_t place_of(const trace_index *ix, uint32_t g)
{
	uint32_t lo = 0, hi = ix->nplaces; /* place_off[lo] <= g < place_off[hi] */
	assert(hi > 0 && g < ix->place_off[hi]);
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ix->place_off[mid] <= g)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* A receiver of j's overlaps with another person k, clipped to [lo, hi). */
typedef struct overlap_sink {
	int (*fn)(void *ctx, uint32_t k, uint32_t place, uint32_t first, uint32_t len);
	void *ctx;
} overlap_sink;

/* Add j's overlap with k to the accumulator of the current j.  Cannot
 * fail: touched has room for every person (work_fit).  ps is w->ps, passed
 * in a register (stores through ps could otherwise alias w). */
static inline void acc_add(trace_work *w, pslot *ps, uint32_t k, uint32_t first, uint32_t len)
{
	pslot *p = &ps[k];
	if (p->acc == 0) {
		assert(w->touched.n < w->touched.cap);
		w->touched.v[w->touched.n++] = k;
		p->acc = len;
		p->acc_first = first;
	} else {
		p->acc += len;
		if (first < p->acc_first)
			p->acc_first = first;
	}
}

/* One overlap query: j's clipped interval [s, e) at a place whose slice is
 * v[0..n); each overlapping interval of someone else is handed on. */
typedef struct visit {
	const trace_iv *v;
	uint32_t n;
	uint32_t s, e;
	uint32_t j;
	uint32_t place;
	trace_work *w;
	const overlap_sink *sink; /* NULL: into the accumulator */
} visit;

static int tree_visit_acc(const visit *c, uint64_t x, unsigned k);
static int tree_visit_sink(const visit *c, uint64_t x, unsigned k);

/* Hand on one overlapping interval y, with [s, e) and ps copied from c
 * into registers.  y may be j's own: j is reached, so the accumulator drops
 * it with the others reached. */
static inline __attribute__((always_inline)) int visit_one(const visit *c, const trace_iv *y,
							   uint32_t s, uint32_t e, pslot *ps,
							   int to_sink)
{
	uint32_t k = y->person;
	uint32_t os = y->start > s ? y->start : s;
	uint32_t oe = y->end < e ? y->end : e;
	if (!to_sink) {
		acc_add(c->w, ps, k, os, oe - os);
		return 0;
	}
	if (k == c->j)
		return 0;
	return c->sink->fn(c->sink->ctx, k, c->place, os, oe - os);
}

/*
 * Visit the intervals of the slice that overlap [c->s, c->e), in the
 * subtree of node x (level k) of the implicit interval tree.  A subtree
 * whose max end is <= s is skipped; so is everything right of a node that
 * starts at or after e.  Returns 0 or the sink's error.  Written once and
 * instantiated twice (accumulator, sink) so that the hot loop has no test
 * of which it is.
 */
static inline __attribute__((always_inline)) int tree_visit_impl(const visit *c, uint64_t x,
								 unsigned k, int to_sink)
{
	const trace_iv *v = c->v;
	const uint32_t n = c->n, s = c->s, e = c->e;
	pslot *const ps = c->w->ps;
	int rc;
	for (;;) {
		if (x >= n) { /* a node past the end: only its left part exists */
			if (k == 0)
				return 0;
			k--;
			x -= (uint64_t)1 << k;
			continue;
		}
		if (v[x].max <= s)
			return 0;
		if (k <= 4) { /* small subtree: scan it */
			const trace_iv *y = v + x - (((uint64_t)1 << k) - 1);
			const trace_iv *end = v + x + ((uint64_t)1 << k);
			if (end > v + n)
				end = v + n;
			for (; y < end && y->start < e; y++)
				if (y->end > s && (rc = visit_one(c, y, s, e, ps, to_sink)) < 0)
					return rc;
			return 0;
		}
		uint64_t half = (uint64_t)1 << (k - 1);
		rc = to_sink ? tree_visit_sink(c, x - half, k - 1) : tree_visit_acc(c, x - half, k - 1);
		if (rc < 0)
			return rc;
		if (v[x].start >= e)
			return 0; /* x and everything right of it start too late */
		if (v[x].end > s && (rc = visit_one(c, &v[x], s, e, ps, to_sink)) < 0)
			return rc;
		x += half; /* the right child, as a loop rather than a call */
		k--;
	}
}

static int tree_visit_acc(const visit *c, uint64_t x, unsigned k)
{
	return tree_visit_impl(c, x, k, 0);
}

static int tree_visit_sink(const visit *c, uint64_t x, unsigned k)
{
	return tree_visit_impl(c, x, k, 1);
}

/*
 * Walk every overlap of j with another person within [lo, hi): presence at
 * the same place, then contact runs.  With sink == NULL the overlaps go into
 * w's accumulator (people already reached too: testing that per person
 * rather than per overlap saves a branch the CPU cannot predict);
 * otherwise they go to sink->fn, with the place.  Returns 0 or the sink's
 * error.
 */
static int expose_from(const trace_index *ix, trace_work *w, uint32_t j, uint32_t lo,
		       uint32_t hi, const overlap_sink *sink, int use_view)
{
	int rc;
	if (j >= ix->npersons)
		return 0;
	visit c = { .j = j, .w = w, .sink = sink };
	uint32_t pbeg = 1, pend = 0; /* the slice of c.place in the index */
	for (uint32_t q = ix->person_off[j]; q < ix->person_off[j + 1]; q++) {
		uint32_t g = ix->person_iv[q];
		const trace_iv *x = &ix->iv[g];
		c.s = x->start > lo ? x->start : lo;
		c.e = x->end < hi ? x->end : hi;
		if (c.s >= c.e)
			continue;
		if (g < pbeg || g >= pend) {
			c.place = place_of(ix, g);
			pbeg = ix->place_off[c.place];
			pend = ix->place_off[c.place + 1];
			c.v = ix->iv + pbeg;
			c.n = pend - pbeg;
			if (use_view) {
				assert(w->view_on && w->view_gen[c.place] == w->gen);
				const vslice *vs = &w->slices[w->view_at[c.place]];
				assert(vs->lo <= c.s);
				c.v = w->viv + vs->off;
				c.n = vs->n;
			}
		}
		if (c.n == 0)
			continue;
		unsigned k = tree_root_level(c.n);
		uint64_t root = ((uint64_t)1 << k) - 1;
		rc = sink ? tree_visit_sink(&c, root, k) : tree_visit_acc(&c, root, k);
		if (rc < 0)
			return rc;
	}
	if (!ix->adj_off)
		return 0;
	for (uint32_t q = ix->adj_off[j]; q < ix->adj_off[j + 1]; q++) {
		const trace_adj *a = &ix->adj[q];
		uint32_t s = a->start > lo ? a->start : lo;
		uint32_t e = a->end < hi ? a->end : hi;
		if (s >= e)
			continue;
		if (!sink)
			acc_add(w, w->ps, a->other, s, e - s);
		else if ((rc = sink->fn(sink->ctx, a->other, TRACE_PLACE_CONTACT, s, e - s)) < 0) {
			return rc;
		}
	}
	return 0;
}

/* overlap_sink of view_build: keep the clipped intervals of people not
 * reached yet. */
static int view_collect(void *ctx, uint32_t k, uint32_t place, uint32_t first, uint32_t len)
{
	trace_work *w = ctx;
	if (w->ps[k].mark)
		return 0;
	if (w->nviv == w->viv_cap) {
		size_t cap = w->viv_cap ? 2 * w->viv_cap : 4096;
		trace_iv *v = realloc(w->viv, cap * sizeof *v);
		if (!v)
			return JY_ENOMEM;
		w->viv = v;
		w->viv_cap = cap;
	}
	w->viv[w->nviv++] = (trace_iv){ first, first + len, k, 0 };
	return 0;
}

/*
 * Build the view of a hop: for every place where a person of the frontier
 * (front, with e in front_e) was within the window, the intervals of the
 * people not reached yet, clipped to [lo, hi) where lo is the earliest the
 * frontier asks about there, with their own interval tree.  A hop then
 * skips the people already reached instead of meeting them once per
 * overlap (in a school traced over two weeks, half the school is reached
 * at hop 1).  Costs one pass over those places' intervals in the window.
 */
static int view_build(const trace_index *ix, trace_work *w, const u32vec *front,
		      const u32vec *front_e, uint32_t lo0, uint32_t hi)
{
	if (++w->gen == 0) { /* wrapped: forget every old stamp */
		memset(w->view_gen, 0, w->place_cap * sizeof *w->view_gen);
		w->gen = 1;
	}
	w->view_on = 0;
	w->nslices = w->nviv = 0;
	for (size_t f = 0; f < front->n; f++) {
		uint32_t j = front->v[f];
		uint32_t lo = front_e->v[f] > lo0 ? front_e->v[f] : lo0;
		uint32_t place = 0, pbeg = 1, pend = 0;
		for (uint32_t q = ix->person_off[j]; q < ix->person_off[j + 1]; q++) {
			uint32_t g = ix->person_iv[q];
			uint32_t s = ix->iv[g].start > lo ? ix->iv[g].start : lo;
			uint32_t e = ix->iv[g].end < hi ? ix->iv[g].end : hi;
			if (s >= e)
				continue;
			if (g < pbeg || g >= pend) {
				place = place_of(ix, g);
				pbeg = ix->place_off[place];
				pend = ix->place_off[place + 1];
			}
			if (w->view_gen[place] == w->gen) {
				vslice *vs = &w->slices[w->view_at[place]];
				if (s < vs->lo)
					vs->lo = s;
				continue;
			}
			if (w->nslices == w->slices_cap) {
				size_t cap = w->slices_cap ? 2 * w->slices_cap : 256;
				vslice *v = realloc(w->slices, cap * sizeof *v);
				if (!v)
					return JY_ENOMEM;
				w->slices = v;
				w->slices_cap = cap;
			}
			w->view_gen[place] = w->gen;
			w->view_at[place] = (uint32_t)w->nslices;
			w->slices[w->nslices++] = (vslice){ 0, 0, s, place };
		}
	}
	overlap_sink sink = { view_collect, w };
	for (size_t i = 0; i < w->nslices; i++) {
		vslice *vs = &w->slices[i];
		uint32_t p = vs->place;
		uint32_t off = ix->place_off[p], n = ix->place_off[p + 1] - off;
		visit c = { .v = ix->iv + off, .n = n, .s = vs->lo, .e = hi,
			    .j = UINT32_MAX, .place = p, .w = w, .sink = &sink };
		size_t start = w->nviv;
		unsigned k = tree_root_level(n);
		int rc = tree_visit_sink(&c, ((uint64_t)1 << k) - 1, k);
		if (rc < 0)
			return rc;
		if (w->nviv - start > UINT32_MAX - 1 || w->nviv > UINT32_MAX - 1)
			return JY_ETOOBIG;
		vs->off = (uint32_t)start;
		vs->n = (uint32_t)(w->nviv - start);
		tree_build(w->viv + start, vs->n);
	}
	w->view_on = 1;
	return 0;
}

/* The state of one run, so that every exit can clean the work area. */
typedef struct run {
	const trace_index *ix;
	trace_work *w;
	uint32_t lo0, hi;   /* the window, relative */
	u32vec cases;       /* known cases, deduplicated */
	trace_hit *hits;
	size_t nhits, hits_cap;
	trace_place_time *places;
	size_t nplaces, places_cap;
} run;

/* One piece of a hit's exposure at a place, before aggregation. */
typedef struct piece {
	uint32_t hit, place, first, len;
} piece;

typedef struct piece_list {
	const run *r;
	uint32_t via;
	piece *v;
	size_t n, cap;
} piece_list;

/* overlap_sink: keep the overlaps of via with the people it reached. */
static int piece_add(void *ctx, uint32_t k, uint32_t place, uint32_t first, uint32_t len)
{
	piece_list *pl = ctx;
	uint32_t mark = pl->r->w->ps[k].mark;
	if (mark < 2 || pl->r->hits[mark - 2].via != pl->via)
		return 0;
	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? 2 * pl->cap : 1024;
		piece *v = realloc(pl->v, cap * sizeof *v);
		if (!v)
			return JY_ENOMEM;
		pl->v = v;
		pl->cap = cap;
	}
	pl->v[pl->n++] = (piece){ mark - 2, place, first, len };
	return 0;
}

static int piece_cmp(const void *a, const void *b)
{
	const piece *x = a, *y = b;
	if (x->hit != y->hit)
		return x->hit < y->hit ? -1 : 1;
	if (x->place != y->place)
		return x->place < y->place ? -1 : 1;
	return 0;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Where the hits [h0, h1) of one hop (marked in the work area) were exposed
 * to their via: walk again the overlaps of each via (a person of front,
 * with e in front_e) and keep those with the people it reached.  Appends to
 * r->places and sets the hits' place_off and nplaces.
 */
static int collect_places(run *r, size_t h0, size_t h1, const u32vec *front,
			  const u32vec *front_e)
{
	int rc = 0;
	piece_list pl = { .r = r };
	overlap_sink sink = { piece_add, &pl };
	uint32_t *vias = malloc((h1 - h0 + 1) * sizeof *vias);
	if (!vias)
		return JY_ENOMEM;
	for (size_t h = h0; h < h1; h++)
		vias[h - h0] = r->hits[h].via;
	qsort(vias, h1 - h0, sizeof *vias, u32_cmp);
	for (size_t f = 0; f < front->n && rc == 0; f++) {
		uint32_t j = front->v[f];
		if (!bsearch(&j, vias, h1 - h0, sizeof *vias, u32_cmp))
			continue;
		pl.via = j;
		uint32_t lo = front_e->v[f] > r->lo0 ? front_e->v[f] : r->lo0;
		rc = expose_from(r->ix, r->w, j, lo, r->hi, &sink, r->w->view_on);
	}
	if (rc < 0)
		goto out;
	if (pl.n)
		qsort(pl.v, pl.n, sizeof *pl.v, piece_cmp);
	for (size_t i = 0; i < pl.n;) {
		if (r->nplaces == r->places_cap) {
			size_t cap = r->places_cap ? 2 * r->places_cap : 256;
			trace_place_time *v = realloc(r->places, cap * sizeof *v);
			if (!v) {
				rc = JY_ENOMEM;
				goto out;
			}
			r->places = v;
			r->places_cap = cap;
		}
		trace_hit *hit = &r->hits[pl.v[i].hit];
		if (hit->nplaces == 0)
			hit->place_off = r->nplaces;
		trace_place_time *pt = &r->places[r->nplaces++];
		hit->nplaces++;
		pt->place = pl.v[i].place;
		pt->seconds = 0;
		pt->first = INT64_MAX;
		size_t k = i;
		for (; k < pl.n && pl.v[k].hit == pl.v[i].hit && pl.v[k].place == pt->place; k++) {
			pt->seconds += pl.v[k].len;
			if (pl.v[k].first < pt->first)
				pt->first = pl.v[k].first;
		}
		pt->first += r->ix->epoch;
		i = k;
	}
#ifndef NDEBUG
	for (size_t h = h0; h < h1; h++) {
		int64_t sum = 0;
		for (size_t p = 0; p < r->hits[h].nplaces; p++)
			sum += r->places[r->hits[h].place_off + p].seconds;
		assert(sum == r->hits[h].exposure);
	}
#endif
out:
	free(vias);
	free(pl.v);
	return rc;
}

static int hit_cmp(const void *a, const void *b)
{
	const trace_hit *x = a, *y = b;
	if (x->hop != y->hop)
		return x->hop < y->hop ? -1 : 1;
	if (x->exposure != y->exposure)
		return x->exposure > y->exposure ? -1 : 1;
	return x->person < y->person ? -1 : x->person > y->person;
}

static int hit_add(run *r, uint32_t person, uint32_t via, unsigned hop, const cslot *c)
{
	if (r->nhits == r->hits_cap) {
		size_t cap = r->hits_cap ? 2 * r->hits_cap : 64;
		trace_hit *v = realloc(r->hits, cap * sizeof *v);
		if (!v)
			return JY_ENOMEM;
		r->hits = v;
		r->hits_cap = cap;
	}
	r->hits[r->nhits++] = (trace_hit){
		.person = person,
		.via = via,
		.hop = hop,
		.exposure = (int64_t)c->exp,
		.first_contact = r->ix->epoch + c->first,
	};
	return 0;
}

/* Is (exp, first, via) a better way to reach a person than c? */
static inline int cand_better(uint64_t exp, uint32_t first, uint32_t via, const cslot *c)
{
	if (exp != c->exp)
		return exp > c->exp;
	if (first != c->first)
		return first < c->first;
	return via < c->via;
}

int trace_run(const trace_index *ix, const trace_query *q, trace_work *w_in,
	      trace_result **out, jy_err *err)
{
	assert(ix && q && out);
	assert(q->cases || !q->ncases);
	*out = NULL;
	if (q->from >= q->to)
		return err_set(err, JY_EINVAL, "时间窗口为空 the window [from, to) is empty (%lld >= %lld)",
			       (long long)q->from, (long long)q->to);
	if (q->min_duration < 0)
		return err_set(err, JY_EINVAL, "最短时长不能为负 min_duration must be >= 0");
	if (q->hops == 0)
		return err_set(err, JY_EINVAL, "跳数至少为 1 hops must be >= 1");

	int rc = JY_ENOMEM;
	trace_result *res = calloc(1, sizeof *res);
	trace_work *w = w_in ? w_in : trace_work_new();
	u32vec front = { 0 }, front_e = { 0 }, next = { 0 }, next_e = { 0 };
	run r = { .ix = ix, .w = w };
	if (!res || !w || work_fit(w, ix->npersons, ix->nplaces) < 0)
		goto out;
	r.lo0 = rel_time(q->from, ix->epoch);
	r.hi = rel_time(q->to, ix->epoch);
	res->unknown = malloc((q->ncases ? q->ncases : 1) * sizeof *res->unknown);
	if (!res->unknown)
		goto out;

	for (size_t i = 0; i < q->ncases; i++) {
		uint32_t c = q->cases[i];
		if (!trace_index_has_person(ix, c)) {
			size_t u = 0;
			while (u < res->nunknown && res->unknown[u] != c)
				u++;
			if (u == res->nunknown)
				res->unknown[res->nunknown++] = c;
		} else if (!w->ps[c].mark) {
			if (vec_push(&r.cases, c) < 0 || vec_push(&front, c) < 0 ||
			    vec_push(&front_e, r.lo0) < 0)
				goto out;
			w->ps[c].mark = 1;
		}
	}

	uint64_t min = (uint64_t)q->min_duration;
	for (unsigned h = 0; h < q->hops && front.n; h++) {
		size_t h0 = r.nhits;
		w->view_on = 0;
		if (front.n >= VIEW_MIN && (rc = view_build(ix, w, &front, &front_e, r.lo0, r.hi)) < 0)
			goto out;
		for (size_t f = 0; f < front.n; f++) {
			uint32_t j = front.v[f];
			uint32_t lo = front_e.v[f] > r.lo0 ? front_e.v[f] : r.lo0;
			if (lo >= r.hi)
				continue;
			if ((rc = expose_from(ix, w, j, lo, r.hi, NULL, w->view_on)) < 0)
				goto out;
			for (size_t t = 0; t < w->touched.n; t++) {
				uint32_t k = w->touched.v[t];
				pslot *p = &w->ps[k];
				cslot *c = &w->cs[k];
				if (p->mark) {
					/* reached at an earlier hop */
				} else if (c->exp == 0) {
					assert(w->cand.n < w->cand.cap);
					w->cand.v[w->cand.n++] = k;
					*c = (cslot){ p->acc, p->acc_first, j };
				} else if (cand_better(p->acc, p->acc_first, j, c)) {
					*c = (cslot){ p->acc, p->acc_first, j };
				}
				p->acc = 0;
			}
			w->touched.n = 0;
		}
		next.n = next_e.n = 0;
		for (size_t i = 0; i < w->cand.n; i++) {
			uint32_t k = w->cand.v[i];
			cslot *c = &w->cs[k];
			assert(c->exp > 0 && !w->ps[k].mark);
			if (c->exp >= min) {
				if ((rc = hit_add(&r, k, c->via, h + 1, c)) < 0 ||
				    (rc = vec_push(&next, k)) < 0 || (rc = vec_push(&next_e, c->first)) < 0)
					goto out;
				w->ps[k].mark = (uint32_t)(r.nhits - 1 + 2);
			}
			*c = (cslot){ 0, 0, 0 };
		}
		w->cand.n = 0;
		if (q->want_places && (rc = collect_places(&r, h0, r.nhits, &front, &front_e)) < 0)
			goto out;
		u32vec tmp = front;
		front = next;
		next = tmp;
		tmp = front_e;
		front_e = next_e;
		next_e = tmp;
	}
	if (r.nhits)
		qsort(r.hits, r.nhits, sizeof *r.hits, hit_cmp);
	rc = 0;
out:
	if (w) { /* leave the work area zero, whatever happened */
		for (size_t t = 0; t < w->touched.n; t++)
			w->ps[w->touched.v[t]].acc = 0;
		for (size_t i = 0; i < w->cand.n; i++)
			w->cs[w->cand.v[i]] = (cslot){ 0, 0, 0 };
		for (size_t i = 0; i < r.cases.n; i++)
			w->ps[r.cases.v[i]].mark = 0;
		for (size_t i = 0; i < r.nhits; i++)
			w->ps[r.hits[i].person].mark = 0;
		w->touched.n = w->cand.n = 0;
	}
	if (w != w_in)
		trace_work_free(w);
	free(r.cases.v);
	free(front.v);
	free(front_e.v);
	free(next.v);
	free(next_e.v);
	if (rc < 0) {
		free(r.hits);
		free(r.places);
		trace_result_free(res);
		return err_set(err, rc, "内存不足 out of memory running a trace");
	}
	res->hits = r.hits;
	res->nhits = r.nhits;
	res->places = r.places;
	res->nplaces = r.nplaces;
	*out = res;
	return 0;
}

void trace_result_free(trace_result *r)
{
	if (!r)
		return;
	free(r->hits);
	free(r->places);
	free(r->unknown);
	free(r);
}
