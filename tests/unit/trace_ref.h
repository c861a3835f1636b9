/*
 * trace_ref.h — a slow, obviously-correct contact tracer for the tests of
 * the tracing engine (test_trace.c) and of `jinyun trace` (test_trace_cli.c).
 *
 * It shares nothing with the engine: it parses the files itself (sscanf),
 * keeps names as strings, and computes every exposure from scratch for every
 * pair it asks about:
 *   - contact records: the union of the pair's [t, t+res) clipped to the
 *     window, by sorting and sweeping the clipped intervals;
 *   - presence: at each place, |J ∩ K| = |J| + |K| - |J ∪ K| with the same
 *     union function (so merging is never done by hand), and the first
 *     contact is the earliest start over all pairs of intervals that meet.
 * Hops follow the contract word by word: every person not reached, every
 * person of the previous hop.  The answer is the CSV text the command
 * prints, so tests compare strings.
 *
 * Static functions in a header, as both test programs include it.
 */
#ifndef JY_TRACE_REF_H
#define JY_TRACE_REF_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ref_iv {
	int64_t s, e;
} ref_iv;

typedef struct ref_ivs {
	ref_iv *v;
	size_t n, cap;
} ref_ivs;

typedef struct ref_data {
	char **names;   /* persons, sorted by strcmp, unique */
	size_t n;
	char **places;  /* places, sorted, unique */
	size_t np;
	ref_ivs *pair;  /* n*n: contact intervals of (a, b), a < b, at [a*n+b] */
	ref_ivs *at;    /* n*np: presence of person a at place p, at [a*np+p] */
} ref_data;

static void ref_push(ref_ivs *l, int64_t s, int64_t e)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = (ref_iv){ s, e };
}

static int ref_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and deduplicate a list of malloc'd strings. */
static size_t ref_unique(char **v, size_t n)
{
	qsort(v, n, sizeof *v, ref_strcmp);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && !strcmp(v[m - 1], v[i]))
			free(v[i]);
		else
			v[m++] = v[i];
	}
	return m;
}

/* Index of a name, or -1. */
static long ref_find(char **v, size_t n, const char *s)
{
	char **hit = bsearch(&s, v, n, sizeof *v, ref_strcmp);
	return hit ? (long)(hit - v) : -1;
}

static void ref_free(ref_data *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->names[i]);
	for (size_t i = 0; i < d->np; i++)
		free(d->places[i]);
	if (d->pair)
		for (size_t i = 0; i < d->n * d->n; i++)
			free(d->pair[i].v);
	if (d->at)
		for (size_t i = 0; i < d->n * d->np; i++)
			free(d->at[i].v);
	free(d->names);
	free(d->places);
	free(d->pair);
	free(d->at);
	memset(d, 0, sizeof *d);
}

/* Load a SocioPatterns file: lines `t i j ...`.  Returns 0 or -1. */
static int ref_load_contacts(ref_data *d, const char *path, int64_t res)
{
	memset(d, 0, sizeof *d);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[1024], a[256], b[256];
	long long t;
	size_t cap = 1024, n = 0;
	char **all = malloc(cap * sizeof *all);
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%lld %255s %255s", &t, a, b) != 3)
			continue;
		if (n + 2 > cap)
			all = realloc(all, (cap *= 2) * sizeof *all);
		all[n++] = strdup(a);
		all[n++] = strdup(b);
	}
	d->n = ref_unique(all, n);
	d->names = all;
	d->pair = calloc(d->n * d->n + 1, sizeof *d->pair);
	rewind(f);
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%lld %255s %255s", &t, a, b) != 3)
			continue;
		long i = ref_find(d->names, d->n, a), j = ref_find(d->names, d->n, b);
		if (i == j)
			continue; /* a self pair is no contact */
		if (i > j) {
			long x = i;
			i = j;
			j = x;
		}
		ref_push(&d->pair[(size_t)i * d->n + (size_t)j], t, t + res);
	}
	fclose(f);
	return 0;
}

/* Load a presence CSV without quotes: header then `person,place,start,end`. */
static int ref_load_presence(ref_data *d, const char *path)
{
	memset(d, 0, sizeof *d);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[1024], a[256], p[256];
	long long s, e;
	size_t cap = 1024, n = 0, ncap = 1024, nn = 0;
	char **all = malloc(cap * sizeof *all), **pl = malloc(ncap * sizeof *pl);
	if (!fgets(line, sizeof line, f)) { /* header */
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%255[^,],%255[^,],%lld,%lld", a, p, &s, &e) != 4)
			continue;
		if (n + 1 > cap)
			all = realloc(all, (cap *= 2) * sizeof *all);
		if (nn + 1 > ncap)
			pl = realloc(pl, (ncap *= 2) * sizeof *pl);
		all[n++] = strdup(a);
		pl[nn++] = strdup(p);
	}
	d->n = ref_unique(all, n);
	d->names = all;
	d->np = ref_unique(pl, nn);
	d->places = pl;
	d->at = calloc(d->n * d->np + 1, sizeof *d->at);
	rewind(f);
	if (!fgets(line, sizeof line, f)) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%255[^,],%255[^,],%lld,%lld", a, p, &s, &e) != 4)
			continue;
		long i = ref_find(d->names, d->n, a), k = ref_find(d->places, d->np, p);
		ref_push(&d->at[(size_t)i * d->np + (size_t)k], s, e);
	}
	fclose(f);
	return 0;
}

static int ref_iv_cmp(const void *a, const void *b)
{
	const ref_iv *x = a, *y = b;
	return x->s < y->s ? -1 : x->s > y->s;
}

/* Length of the union of a's and b's intervals clipped to [lo, hi); the
 * earliest clipped start goes into *first (if smaller). */
static int64_t ref_union(const ref_ivs *a, const ref_ivs *b, int64_t lo, int64_t hi, int64_t *first)
{
	size_t n = 0, cap = (a ? a->n : 0) + (b ? b->n : 0) + 1;
	ref_iv *v = malloc(cap * sizeof *v);
	for (int which = 0; which < 2; which++) {
		const ref_ivs *l = which ? b : a;
		for (size_t i = 0; l && i < l->n; i++) {
			int64_t s = l->v[i].s > lo ? l->v[i].s : lo;
			int64_t e = l->v[i].e < hi ? l->v[i].e : hi;
			if (s < e)
				v[n++] = (ref_iv){ s, e };
		}
	}
	qsort(v, n, sizeof *v, ref_iv_cmp);
	int64_t total = 0, reach = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		if (first && v[i].s < *first)
			*first = v[i].s;
		int64_t s = v[i].s > reach ? v[i].s : reach;
		if (v[i].e > s)
			total += v[i].e - s;
		if (v[i].e > reach)
			reach = v[i].e;
	}
	free(v);
	return total;
}

/* Exposure of j to k at place p (presence), within [lo, hi). */
static int64_t ref_place_exposure(const ref_data *d, size_t j, size_t k, size_t p,
				  int64_t lo, int64_t hi, int64_t *first)
{
	const ref_ivs *J = &d->at[j * d->np + p], *K = &d->at[k * d->np + p];
	if (!J->n || !K->n)
		return 0;
	int64_t both = ref_union(J, NULL, lo, hi, NULL) + ref_union(K, NULL, lo, hi, NULL) -
		       ref_union(J, K, lo, hi, NULL);
	for (size_t a = 0; a < J->n; a++)
		for (size_t b = 0; b < K->n; b++) {
			int64_t s = J->v[a].s, e = J->v[a].e;
			if (K->v[b].s > s)
				s = K->v[b].s;
			if (lo > s)
				s = lo;
			if (K->v[b].e < e)
				e = K->v[b].e;
			if (hi < e)
				e = hi;
			if (s < e && s < *first)
				*first = s;
		}
	return both;
}

/* exposure(j, k) within [lo, hi): contacts plus presence at every place. */
static int64_t ref_exposure(const ref_data *d, size_t j, size_t k, int64_t lo, int64_t hi,
			    int64_t *first)
{
	*first = INT64_MAX;
	if (j == k)
		return 0;
	int64_t total = 0;
	if (d->pair) {
		size_t a = j < k ? j : k, b = j < k ? k : j;
		total += ref_union(&d->pair[a * d->n + b], NULL, lo, hi, first);
	}
	for (size_t p = 0; p < d->np; p++)
		total += ref_place_exposure(d, j, k, p, lo, hi, first);
	return total;
}

typedef struct ref_row {
	size_t person, via;
	unsigned hop;
	int64_t exposure, first;
} ref_row;

static const ref_data *ref_sort_data;

static int ref_row_cmp(const void *a, const void *b)
{
	const ref_row *x = a, *y = b;
	if (x->hop != y->hop)
		return x->hop < y->hop ? -1 : 1;
	if (x->exposure != y->exposure)
		return x->exposure > y->exposure ? -1 : 1;
	return strcmp(ref_sort_data->names[x->person], ref_sort_data->names[y->person]);
}

/*
 * The trace, as the rows the command prints (sorted), into *rows (malloc'd,
 * *nrows).  Cases not in the data are skipped.
 */
static void ref_trace_rows(const ref_data *d, const char *const *cases, size_t ncases,
			   int64_t from, int64_t to, int64_t min, unsigned hops,
			   ref_row **rows, size_t *nrows)
{
	int *hop = malloc((d->n + 1) * sizeof *hop);    /* -1: not reached */
	int64_t *e = malloc((d->n + 1) * sizeof *e);
	ref_row *out = malloc((d->n + 1) * sizeof *out);
	size_t nout = 0;
	for (size_t i = 0; i < d->n; i++)
		hop[i] = -1;
	for (size_t c = 0; c < ncases; c++) {
		long i = ref_find(d->names, d->n, cases[c]);
		if (i >= 0) {
			hop[i] = 0;
			e[i] = from;
		}
	}
	for (unsigned h = 0; h < hops; h++) {
		size_t start = nout;
		for (size_t k = 0; k < d->n; k++) {
			if (hop[k] >= 0)
				continue;
			int found = 0;
			ref_row best = { 0 };
			for (size_t j = 0; j < d->n; j++) {
				if (hop[j] != (int)h)
					continue;
				int64_t lo = e[j] > from ? e[j] : from, first;
				int64_t x = ref_exposure(d, j, k, lo, to, &first);
				if (x <= 0)
					continue;
				if (!found || x > best.exposure ||
				    (x == best.exposure && first < best.first) ||
				    (x == best.exposure && first == best.first &&
				     strcmp(d->names[j], d->names[best.via]) < 0)) {
					best = (ref_row){ k, j, h + 1, x, first };
					found = 1;
				}
			}
			if (found && best.exposure >= min)
				out[nout++] = best;
		}
		for (size_t r = start; r < nout; r++) {
			hop[out[r].person] = (int)h + 1;
			e[out[r].person] = out[r].first;
		}
	}
	ref_sort_data = d;
	qsort(out, nout, sizeof *out, ref_row_cmp);
	free(hop);
	free(e);
	*rows = out;
	*nrows = nout;
}

/* The same as the CSV the command prints (malloc'd). */
static char *ref_trace_csv(const ref_data *d, const char *const *cases, size_t ncases,
			   int64_t from, int64_t to, int64_t min, unsigned hops)
{
	ref_row *rows;
	size_t n;
	ref_trace_rows(d, cases, ncases, from, to, min, hops, &rows, &n);
	size_t cap = 64 + n * 600, len = 0;
	char *s = malloc(cap);
	len += (size_t)snprintf(s, cap, "person,hop,exposure_seconds,first_contact,via\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s,%u,%lld,%lld,%s\n",
					d->names[rows[i].person], rows[i].hop,
					(long long)rows[i].exposure, (long long)rows[i].first,
					d->names[rows[i].via]);
	free(rows);
	return s;
}

/* Print where two texts first differ (for a failing comparison). */
static void ref_show_diff(const char *want, const char *got)
{
	size_t line = 1;
	const char *a = want, *b = got;
	while (*a && *a == *b) {
		if (*a == '\n')
			line++;
		a++;
		b++;
	}
	while (a > want && a[-1] != '\n')
		a--, b--;
	fprintf(stderr, "# first difference at line %zu\n# want: %.*s\n# got:  %.*s\n", line,
		(int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
}

#endif
