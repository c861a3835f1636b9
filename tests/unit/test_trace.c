/*
 * test_trace.c — the contact-tracing engine (src/engine/trace.c) and its
 * readers (src/engine/trace_io.c) against the obviously-correct reference
 * in trace_ref.h: on the real SocioPatterns files (Lyon primary school;
 * Thiers 2011 with its quirks), on generated presence and contact data, and
 * on small hand-made cases whose answers are worked out in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/trace.h"
#include "engine/trace_io.h"
#include "testutil.h"
#include "trace_ref.h"

/* ------------------------------------------------------------- helpers -- */

/* Data read through the engine's readers, with the index built. */
typedef struct eng {
	trace_input in;
	trace_index *ix;
} eng;

/* Build from a file (contacts when is_contacts) or from text in memory. */
static void eng_open(eng *g, const char *path, const char *text, int is_contacts, int64_t res)
{
	jy_err err;
	err_clear(&err);
	assert_int_equal(trace_input_init(&g->in), 0);
	int rc;
	if (path)
		rc = is_contacts ? trace_read_contacts(path, &g->in, &err)
				 : trace_read_presence(path, &g->in, &err);
	else
		rc = is_contacts ? trace_parse_contacts("mem", text, strlen(text), &g->in, &err)
				 : trace_parse_presence("mem", text, strlen(text), &g->in, &err);
	if (rc)
		fprintf(stderr, "# %s\n", err.msg);
	assert_int_equal(rc, 0);
	assert_int_equal(trace_input_sort_persons(&g->in, &err), 0);
	rc = trace_index_build(g->in.pres, g->in.npres, g->in.recs, g->in.nrecs, res, &g->ix, &err);
	if (rc)
		fprintf(stderr, "# %s\n", err.msg);
	assert_int_equal(rc, 0);
}

static void eng_close(eng *g)
{
	trace_index_free(g->ix);
	trace_input_clear(&g->in);
}

/* Run a trace by names; w may be NULL. */
static trace_result *eng_run(eng *g, trace_work *w, const char *const *cases, size_t ncases,
			     int64_t from, int64_t to, int64_t min, unsigned hops, int places)
{
	uint32_t ids[16];
	size_t n = 0;
	assert_true(ncases <= 16);
	for (size_t i = 0; i < ncases; i++)
		if (trace_names_find(g->in.persons, cases[i], strlen(cases[i]), &ids[n]) == 0)
			n++;
	trace_query q = { ids, n, from, to, min, hops, places };
	trace_result *r = NULL;
	jy_err err;
	assert_int_equal(trace_run(g->ix, &q, w, &r, &err), 0);
	return r;
}

/* The result as the command's CSV (malloc'd). */
static char *eng_csv(eng *g, const trace_result *r)
{
	size_t cap = 64 + r->nhits * 600, len = 0;
	char *s = malloc(cap);
	len += (size_t)snprintf(s, cap, "person,hop,exposure_seconds,first_contact,via\n");
	for (size_t i = 0; i < r->nhits; i++) {
		const trace_hit *h = &r->hits[i];
		len += (size_t)snprintf(s + len, cap - len, "%s,%u,%lld,%lld,%s\n",
					trace_names_get(g->in.persons, h->person, NULL), h->hop,
					(long long)h->exposure, (long long)h->first_contact,
					trace_names_get(g->in.persons, h->via, NULL));
	}
	return s;
}

static void expect_same(const char *want, const char *got, const char *what)
{
	if (strcmp(want, got)) {
		fprintf(stderr, "# %s\n", what);
		ref_show_diff(want, got);
	}
	assert_string_equal(want, got);
}

/* Run one trace on both the engine and the reference and compare. */
static size_t compare_one(eng *g, const ref_data *d, trace_work *w, const char *const *cases,
			  size_t ncases, int64_t from, int64_t to, int64_t min, unsigned hops)
{
	char what[256];
	snprintf(what, sizeof what, "case %s%s from %lld to %lld min %lld hops %u", cases[0],
		 ncases > 1 ? "+" : "", (long long)from, (long long)to, (long long)min, hops);
	char *want = ref_trace_csv(d, cases, ncases, from, to, min, hops);
	trace_result *r = eng_run(g, w, cases, ncases, from, to, min, hops, 0);
	char *got = eng_csv(g, r);
	expect_same(want, got, what);
	size_t n = r->nhits;
	free(want);
	free(got);
	trace_result_free(r);
	return n;
}

/* A small deterministic generator (xorshift64*). */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static int64_t rnd_in(uint64_t *s, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd(s) % (uint64_t)(hi - lo + 1));
}

/* ------------------------------------------------- real data (shared) -- */

static void test_trace_lyon_matches_reference_for_cases_windows_and_hops(void **state)
{
	(void)state;
	char *path = tu_data_file("sociopatterns-primaryschool-lyon/primaryschool.csv");
	if (!path)
		skip();
	ref_data d;
	assert_int_equal(ref_load_contacts(&d, path, 20), 0);
	assert_int_equal(d.n, 242);
	eng g;
	eng_open(&g, path, NULL, 1, 20);
	trace_index_stats st;
	trace_index_stats_get(g.ix, &st);
	assert_int_equal(st.records_in, 125773);
	assert_int_equal(st.self_records, 0);
	trace_work *w = trace_work_new();

	/* Windows: both days, day 1, a late morning, a window cutting through
	 * the middle of contacts (not on a 20-s boundary). */
	static const int64_t win[][2] = {
		{ 0, 200000 }, { 31220, 62320 }, { 117240, 126000 }, { 40010, 44990 },
	};
	static const int64_t mins[] = { 900, 300, 60, 0 };
	size_t total = 0;
	for (size_t c = 0; c < 6; c++) {
		const char *one[1] = { d.names[(c * 47 + 3) % d.n] };
		for (size_t wi = 0; wi < 4; wi++)
			for (unsigned hops = 1; hops <= 3; hops++) {
				int64_t min = mins[(c + wi + hops) % 4];
				total += compare_one(&g, &d, w, one, 1, win[wi][0], win[wi][1], min, hops);
			}
	}
	/* Several cases at once, one of them twice and one unknown. */
	const char *many[4] = { d.names[10], d.names[100], d.names[10], "no-such-person" };
	total += compare_one(&g, &d, w, many, 4, 31220, 62320, 600, 2);
	total += compare_one(&g, &d, w, many, 4, 0, 200000, 900, 3);
	fprintf(stderr, "# %zu people reached in all\n", total);
	assert_true(total > 1000); /* the comparisons were not all empty */

	trace_work_free(w);
	eng_close(&g);
	ref_free(&d);
	free(path);
}

static void test_trace_thiers2011_quirks_match_reference(void **state)
{
	(void)state;
	/* Tab separated, 13,855 lines with i > j, 21 (t, pair) duplicates as
	 * (i,j) and (j,i), one self-loop, 498 times on 10-s offsets. */
	char *path = tu_data_file("sociopatterns-highschool-thiers-2011-2012/thiers_2011.csv");
	if (!path)
		skip();
	ref_data d;
	assert_int_equal(ref_load_contacts(&d, path, 20), 0);
	eng g;
	eng_open(&g, path, NULL, 1, 20);
	trace_index_stats st;
	trace_index_stats_get(g.ix, &st);
	assert_int_equal(st.records_in, 28561);
	assert_int_equal(st.self_records, 1);
	assert_int_equal(trace_names_count(g.in.persons), d.n);
	int64_t tmin = INT64_MAX, tmax = INT64_MIN;
	for (size_t i = 0; i < g.in.nrecs; i++) {
		if (g.in.recs[i].t < tmin)
			tmin = g.in.recs[i].t;
		if (g.in.recs[i].t > tmax)
			tmax = g.in.recs[i].t;
	}
	size_t total = 0;
	for (size_t c = 0; c < 5; c++) {
		const char *one[1] = { d.names[(c * 31 + 7) % d.n] };
		total += compare_one(&g, &d, NULL, one, 1, tmin, tmax + 20, 300, 1 + (unsigned)c % 3);
		total += compare_one(&g, &d, NULL, one, 1, tmin + (tmax - tmin) / 3 + 5,
				     tmin + (tmax - tmin) / 2, 60, 2);
	}
	/* The self-looped person 43 as a case. */
	const char *self[1] = { "43" };
	total += compare_one(&g, &d, NULL, self, 1, tmin, tmax + 20, 300, 2);
	fprintf(stderr, "# %zu people reached in all\n", total);
	assert_true(total > 50);
	eng_close(&g);
	ref_free(&d);
	free(path);
}

/* ------------------------------------------------------ generated data -- */

/* Random presence with overlaps, duplicates and touching intervals, and
 * names whose byte order differs from their numeric order (p10 < p2). */
static char *gen_presence(uint64_t seed, int persons, int places, int64_t span)
{
	size_t cap = 1 << 20, len = 0;
	char *s = malloc(cap);
	len += (size_t)snprintf(s, cap, "person,place,start,end\n");
	uint64_t r = seed;
	for (int p = 0; p < persons; p++) {
		int n = (int)rnd_in(&r, 3, 14);
		int64_t prev_end = -1;
		int prev_place = -1;
		for (int i = 0; i < n; i++) {
			int place = (int)rnd_in(&r, 0, places - 1);
			int64_t st = rnd_in(&r, 0, span - 1), len_iv = rnd_in(&r, 0, span / 8);
			int kind = (int)rnd_in(&r, 0, 9);
			if (kind == 0 && prev_end >= 0) { /* touching the previous one */
				st = prev_end;
				place = prev_place;
			} else if (kind == 1 && prev_end >= 0) { /* overlapping it */
				st = prev_end - len_iv / 2;
				place = prev_place;
			}
			int reps = kind == 2 ? 2 : 1; /* a duplicate row */
			for (int k = 0; k < reps; k++)
				len += (size_t)snprintf(s + len, cap - len, "p%d,room%d,%lld,%lld\n", p,
							place, (long long)st, (long long)(st + len_iv));
			prev_end = st + len_iv;
			prev_place = place;
		}
	}
	return s;
}

/* Random contact records: reversed pairs, repeats, self pairs, offsets
 * that are not multiples of the resolution. */
static char *gen_contacts(uint64_t seed, int persons, int64_t span, int nrec)
{
	size_t cap = (size_t)nrec * 40 + 64, len = 0;
	char *s = malloc(cap);
	uint64_t r = seed;
	for (int i = 0; i < nrec; i++) {
		int a = (int)rnd_in(&r, 0, persons - 1), b = (int)rnd_in(&r, 0, persons - 1);
		int64_t t = rnd_in(&r, 0, span);
		len += (size_t)snprintf(s + len, cap - len, "%lld\tp%d\tp%d\tX\tY\n", (long long)t, a, b);
		if (rnd_in(&r, 0, 5) == 0) /* run on, 10 s later, in reversed order */
			len += (size_t)snprintf(s + len, cap - len, "%lld p%d p%d\n", (long long)t + 10, b, a);
	}
	return s;
}

static void test_trace_generated_presence_matches_reference_with_places(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	for (uint64_t seed = 1; seed <= 6; seed++) {
		char *text = gen_presence(seed * 7919, 40, 6, 4000);
		char *path = tu_write_file(dir, "presence.csv", text, (size_t)-1);
		ref_data d;
		assert_int_equal(ref_load_presence(&d, path), 0);
		eng g;
		eng_open(&g, path, NULL, 0, 20);
		trace_work *w = trace_work_new();
		uint64_t r = seed;
		size_t total = 0;
		for (int q = 0; q < 12; q++) {
			const char *cases[2] = { d.names[rnd(&r) % d.n], d.names[rnd(&r) % d.n] };
			int64_t from = rnd_in(&r, -100, 2000), to = from + rnd_in(&r, 1, 4500);
			int64_t min = (int64_t[]){ 0, 1, 60, 300 }[q % 4];
			unsigned hops = 1 + (unsigned)(q % 3);
			total += compare_one(&g, &d, w, cases, 1 + (size_t)(q & 1), from, to, min, hops);

			/* Places: each hit's exposure per place equals the
			 * reference's exposure to its via at that place. */
			ref_row *rows;
			size_t nrows;
			ref_trace_rows(&d, cases, 1 + (size_t)(q & 1), from, to, min, hops, &rows, &nrows);
			trace_result *res = eng_run(&g, w, cases, 1 + (size_t)(q & 1), from, to, min, hops, 1);
			assert_int_equal(res->nhits, nrows);
			for (size_t h = 0; h < res->nhits; h++) {
				const trace_hit *hit = &res->hits[h];
				const ref_row *row = &rows[h];
				int64_t e_via = from;
				for (size_t x = 0; x < nrows; x++)
					if (rows[x].person == row->via)
						e_via = rows[x].first;
				int64_t lo = e_via > from ? e_via : from, sum = 0;
				for (size_t p = 0; p < hit->nplaces; p++) {
					const trace_place_time *pt = &res->places[hit->place_off + p];
					const char *pname = trace_names_get(g.in.places, pt->place, NULL);
					long rp = ref_find(d.places, d.np, pname);
					assert_true(rp >= 0);
					int64_t first = INT64_MAX;
					assert_int_equal(pt->seconds, ref_place_exposure(&d, row->via, row->person,
											 (size_t)rp, lo, to, &first));
					assert_int_equal(pt->first, first);
					sum += pt->seconds;
				}
				assert_int_equal(sum, hit->exposure);
			}
			free(rows);
			trace_result_free(res);
		}
		fprintf(stderr, "# seed %d: %zu people reached\n", (int)seed, total);
		assert_true(total > 20);
		trace_work_free(w);
		eng_close(&g);
		ref_free(&d);
		free(path);
		free(text);
	}
	tu_rmtree_free(dir);
}

static void test_trace_generated_contacts_match_reference(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	for (uint64_t seed = 1; seed <= 4; seed++) {
		char *text = gen_contacts(seed * 104729, 30, 3000, 900);
		char *path = tu_write_file(dir, "contacts.txt", text, (size_t)-1);
		for (int64_t res = 20; res <= 45; res += 25) {
			ref_data d;
			assert_int_equal(ref_load_contacts(&d, path, res), 0);
			eng g;
			eng_open(&g, path, NULL, 1, res);
			uint64_t r = seed;
			size_t total = 0;
			for (int q = 0; q < 10; q++) {
				const char *cases[1] = { d.names[rnd(&r) % d.n] };
				int64_t from = rnd_in(&r, -50, 1500), to = from + rnd_in(&r, 1, 3200);
				total += compare_one(&g, &d, NULL, cases, 1, from, to, (int64_t[]){ 0, 20, 45, 100 }[q % 4],
					    1 + (unsigned)(q % 3));
			}
			fprintf(stderr, "# seed %d res %d: %zu people reached\n", (int)seed, (int)res, total);
			assert_true(total > 20);
			eng_close(&g);
			ref_free(&d);
		}
		free(path);
		free(text);
	}
	tu_rmtree_free(dir);
}

/* ------------------------------------------------------ edge cases -- */

/* Trace a small text and return the CSV (malloc'd). */
static char *trace_text(const char *text, int is_contacts, const char *const *cases, size_t ncases,
			int64_t from, int64_t to, int64_t min, unsigned hops)
{
	eng g;
	eng_open(&g, NULL, text, is_contacts, 20);
	trace_result *r = eng_run(&g, NULL, cases, ncases, from, to, min, hops, 0);
	char *csv = eng_csv(&g, r);
	trace_result_free(r);
	eng_close(&g);
	return csv;
}

#define HEADER "person,hop,exposure_seconds,first_contact,via\n"

static void test_trace_touching_intervals_are_no_contact(void **state)
{
	(void)state;
	/* a [0,100) and b [100,200) at one room touch but do not overlap. */
	const char *one[1] = { "a" };
	char *csv = trace_text("person,place,start,end\na,r,0,100\nb,r,100,200\n", 0, one, 1, 0, 1000, 0, 1);
	assert_string_equal(csv, HEADER);
	free(csv);
}

static void test_trace_merges_one_persons_overlapping_intervals_at_a_place(void **state)
{
	(void)state;
	/* a is at r during [0,100) and [50,150) (and [0,100) again): merged to
	 * [0,150), so b's exposure is 150, not 250.  At another place the
	 * same times count again (sum over places): c meets a in r2 [0,40). */
	const char *one[1] = { "a" };
	char *csv = trace_text("person,place,start,end\n"
			       "a,r,0,100\na,r,50,150\na,r,0,100\nb,r,0,200\n"
			       "a,r2,0,40\nb,r2,0,40\n",
			       0, one, 1, 0, 1000, 0, 1);
	assert_string_equal(csv, HEADER "b,1,190,0,a\n");
	free(csv);
}

static void test_trace_clips_exposure_at_from_and_to(void **state)
{
	(void)state;
	/* Together during [0,1000); the window [200,700) counts 500 s from 200. */
	const char *one[1] = { "a" };
	char *csv = trace_text("person,place,start,end\na,r,0,1000\nb,r,0,1000\n", 0, one, 1, 200, 700, 500, 1);
	assert_string_equal(csv, HEADER "b,1,500,200,a\n");
	free(csv);
	csv = trace_text("person,place,start,end\na,r,0,1000\nb,r,0,1000\n", 0, one, 1, 200, 700, 501, 1);
	assert_string_equal(csv, HEADER);
	free(csv);
}

static void test_trace_via_ties_go_to_earliest_first_contact_then_smallest_id(void **state)
{
	(void)state;
	/* Case c meets j1 (in r1) and j2 (in r2) from 0.  Later k spends 300 s
	 * with each: with j2 from 1900, with j1 from 2000 -> via j2 (earlier).
	 * And m spends 300 s with "j10" and "j9", both from 3000 -> via j10,
	 * the smaller in byte order (not numeric order). */
	const char *text = "person,place,start,end\n"
			   "c,r1,0,1000\nj1,r1,0,1000\nc,r2,0,1000\nj2,r2,0,1000\n"
			   "c,r5,0,1000\nj9,r5,0,1000\nc,r6,0,1000\nj10,r6,0,1000\n"
			   "j1,r3,2000,2300\nk,r3,2000,2300\nj2,r4,1900,2200\nk,r4,1900,2200\n"
			   "j9,r7,3000,3300\nm,r7,3000,3300\nj10,r8,3000,3300\nm,r8,3000,3300\n";
	const char *one[1] = { "c" };
	char *csv = trace_text(text, 0, one, 1, 0, 10000, 300, 2);
	assert_string_equal(csv, HEADER "j1,1,1000,0,c\nj10,1,1000,0,c\nj2,1,1000,0,c\nj9,1,1000,0,c\n"
					"k,2,300,1900,j2\nm,2,300,3000,j10\n");
	free(csv);
}

static void test_trace_hops_respect_time_order(void **state)
{
	(void)state;
	/* b meets the case a at 1000; c met b at 0 (before) and d meets b at
	 * 2000 (after): only d is hop 2.  The exposure of b->c before 1000
	 * does not count even though the window starts at 0. */
	const char *text = "person,place,start,end\n"
			   "a,r,1000,2000\nb,r,1000,2000\n"
			   "b,s,0,900\nc,s,0,900\n"
			   "b,t,2000,2900\nd,t,2000,2900\n";
	const char *one[1] = { "a" };
	char *csv = trace_text(text, 0, one, 1, 0, 5000, 900, 3);
	assert_string_equal(csv, HEADER "b,1,1000,1000,a\nd,2,900,2000,b\n");
	free(csv);
	/* A person already reached is not reached again at a later hop. */
	text = "person,place,start,end\na,r,0,1000\nb,r,0,1000\nc,r,0,1000\n";
	csv = trace_text(text, 0, one, 1, 0, 5000, 900, 3);
	assert_string_equal(csv, HEADER "b,1,1000,0,a\nc,1,1000,0,a\n");
	free(csv);
}

static void test_trace_repeated_overlapping_and_self_records_count_once(void **state)
{
	(void)state;
	/* a-b at 0 (twice, once reversed) and at 10: union [0,30) = 30 s.
	 * a-a is a self pair: no exposure, and a stays the only case. */
	const char *text = "0 a b\n0 b a\n10 a b 1A 1B\n100 a a\n120 a a\n\n";
	const char *one[1] = { "a" };
	char *csv = trace_text(text, 1, one, 1, 0, 1000, 0, 2);
	assert_string_equal(csv, HEADER "b,1,30,0,a\n");
	free(csv);
}

static void test_trace_reports_places_and_contact_place(void **state)
{
	(void)state;
	const char *text = "person,place,start,end\n"
			   "a,hall,0,100\nb,hall,50,150\n"
			   "a,yard,200,300\nb,yard,250,400\n";
	eng g;
	eng_open(&g, NULL, text, 0, 20);
	const char *one[1] = { "a" };
	trace_result *r = eng_run(&g, NULL, one, 1, 0, 1000, 0, 1, 1);
	assert_int_equal(r->nhits, 1);
	assert_int_equal(r->hits[0].exposure, 100);
	assert_int_equal(r->hits[0].first_contact, 50);
	assert_int_equal(r->hits[0].nplaces, 2);
	const trace_place_time *pt = &r->places[r->hits[0].place_off];
	uint32_t hall, yard;
	assert_int_equal(trace_names_find(g.in.places, "hall", 4, &hall), 0);
	assert_int_equal(trace_names_find(g.in.places, "yard", 4, &yard), 0);
	assert_int_equal(pt[0].place, hall < yard ? hall : yard);
	assert_int_equal(pt[0].seconds, 50);
	assert_int_equal(pt[0].first, hall < yard ? 50 : 250);
	assert_int_equal(pt[1].seconds, 50);
	trace_result_free(r);
	eng_close(&g);

	eng_open(&g, NULL, "0 a b\n20 a b\n", 1, 20);
	r = eng_run(&g, NULL, one, 1, 0, 1000, 0, 1, 1);
	assert_int_equal(r->nhits, 1);
	assert_int_equal(r->hits[0].nplaces, 1);
	assert_int_equal(r->places[r->hits[0].place_off].place, TRACE_PLACE_CONTACT);
	assert_int_equal(r->places[r->hits[0].place_off].seconds, 40);
	trace_result_free(r);
	eng_close(&g);
}

static void test_trace_case_without_data_is_listed_as_unknown(void **state)
{
	(void)state;
	trace_presence p[2] = { { 0, 0, 0, 100 }, { 1, 0, 0, 100 } };
	trace_index *ix;
	jy_err err;
	assert_int_equal(trace_index_build(p, 2, NULL, 0, 20, &ix, &err), 0);
	uint32_t cases[4] = { 7, 0, 7, 1000000 };
	trace_query q = { cases, 4, 0, 1000, 0, 1, 0 };
	trace_result *r;
	assert_int_equal(trace_run(ix, &q, NULL, &r, &err), 0);
	assert_int_equal(r->nunknown, 2);
	assert_int_equal(r->unknown[0], 7);
	assert_int_equal(r->unknown[1], 1000000);
	assert_int_equal(r->nhits, 1);
	assert_int_equal(r->hits[0].person, 1);
	trace_result_free(r);
	/* Bad queries are refused. */
	q.from = 1000;
	assert_int_equal(trace_run(ix, &q, NULL, &r, &err), JY_EINVAL);
	q.from = 0;
	q.hops = 0;
	assert_int_equal(trace_run(ix, &q, NULL, &r, &err), JY_EINVAL);
	trace_index_free(ix);
}

static void test_trace_build_rejects_bad_intervals_and_spans(void **state)
{
	(void)state;
	trace_index *ix = NULL;
	jy_err err;
	trace_presence bad[2] = { { 0, 0, 0, 100 }, { 1, 0, 50, 40 } };
	assert_int_equal(trace_index_build(bad, 2, NULL, 0, 20, &ix, &err), JY_EINVAL);
	assert_int_equal(err.row, 2);
	assert_null(ix);
	trace_presence wide[2] = { { 0, 0, 0, 100 }, { 1, 0, 0, (int64_t)1 << 33 } };
	assert_int_equal(trace_index_build(wide, 2, NULL, 0, 20, &ix, &err), JY_ETOOBIG);
	trace_record rec[1] = { { 0, 1, 2 } };
	assert_int_equal(trace_index_build(NULL, 0, rec, 1, 0, &ix, &err), JY_EINVAL);
	/* Empty inputs build an empty index that answers nothing. */
	assert_int_equal(trace_index_build(NULL, 0, NULL, 0, 20, &ix, &err), 0);
	uint32_t c = 0;
	trace_query q = { &c, 1, 0, 10, 0, 1, 1 };
	trace_result *r;
	assert_int_equal(trace_run(ix, &q, NULL, &r, &err), 0);
	assert_int_equal(r->nhits, 0);
	assert_int_equal(r->nunknown, 1);
	trace_result_free(r);
	trace_index_free(ix);
}

static void test_trace_long_interval_among_short_ones_is_found(void **state)
{
	(void)state;
	/* One 10-hour stay among 2,000 short visits at one place: the interval
	 * tree must find it from a query late in its span, and the short
	 * visits must be found from it. */
	size_t n = 2001;
	trace_presence *p = calloc(n, sizeof *p);
	p[0] = (trace_presence){ 0, 0, 0, 36000 };
	for (size_t i = 1; i < n; i++)
		p[i] = (trace_presence){ (uint32_t)i, 0, (int64_t)i * 17, (int64_t)i * 17 + 60 };
	trace_index *ix;
	jy_err err;
	assert_int_equal(trace_index_build(p, n, NULL, 0, 20, &ix, &err), 0);
	uint32_t c = 1999;
	trace_query q = { &c, 1, 0, 100000, 60, 1, 0 };
	trace_result *r;
	assert_int_equal(trace_run(ix, &q, NULL, &r, &err), 0);
	int found = 0;
	for (size_t i = 0; i < r->nhits; i++)
		found |= r->hits[i].person == 0 && r->hits[i].exposure == 60;
	assert_true(found);
	trace_result_free(r);
	c = 0;
	assert_int_equal(trace_run(ix, &q, NULL, &r, &err), 0);
	assert_int_equal(r->nhits, n - 1);
	trace_result_free(r);
	trace_index_free(ix);
	free(p);
}

static void test_trace_work_area_is_reusable_across_runs_and_indexes(void **state)
{
	(void)state;
	trace_work *w = trace_work_new();
	for (int round = 0; round < 3; round++) {
		char *text = gen_presence(99 + (uint64_t)round, 20 + 30 * round, 4, 3000);
		eng g;
		eng_open(&g, NULL, text, 0, 20);
		const char *c[1] = { "p1" };
		trace_result *a = eng_run(&g, w, c, 1, 0, 3000, 60, 3, 1);
		trace_result *b = eng_run(&g, w, c, 1, 0, 3000, 60, 3, 1);
		trace_result *fresh = eng_run(&g, NULL, c, 1, 0, 3000, 60, 3, 1);
		char *sa = eng_csv(&g, a), *sb = eng_csv(&g, b), *sf = eng_csv(&g, fresh);
		assert_string_equal(sa, sf);
		assert_string_equal(sb, sf);
		free(sa);
		free(sb);
		free(sf);
		trace_result_free(a);
		trace_result_free(b);
		trace_result_free(fresh);
		eng_close(&g);
		free(text);
	}
	trace_work_free(w);
}

/* ------------------------------------------------------------ readers -- */

static void expect_parse_error(const char *text, int is_contacts, const char *want)
{
	trace_input in;
	jy_err err;
	err_clear(&err);
	assert_int_equal(trace_input_init(&in), 0);
	int rc = is_contacts ? trace_parse_contacts("f.csv", text, strlen(text), &in, &err)
			     : trace_parse_presence("f.csv", text, strlen(text), &in, &err);
	assert_int_equal(rc, JY_EINVAL);
	char buf[1024];
	err_format(&err, buf, sizeof buf);
	if (strncmp(buf, want, strlen(want)))
		fprintf(stderr, "# got: %s\n", buf);
	assert_true(strncmp(buf, want, strlen(want)) == 0);
	trace_input_clear(&in);
}

static void test_trace_readers_name_file_row_and_column_of_bad_input(void **state)
{
	(void)state;
	expect_parse_error("1 a b\n2 a\n", 1, "f.csv:2:j: 缺少字段");
	expect_parse_error("1 a b\n\nx1 a b\n", 1, "f.csv:3:t: 不是整数");
	expect_parse_error("person,place,start\n", 0, "f.csv:1:end: 表头缺少列");
	expect_parse_error("", 0, "f.csv:1: 文件为空");
	expect_parse_error("person,place,start,end\na,r,0,10\na,r,5,x\n", 0, "f.csv:3:end: 不是整数秒");
	expect_parse_error("person,place,start,end\na,r,10,5\n", 0, "f.csv:2:end: 结束早于开始");
	expect_parse_error("person,place,start,end\na,r,10\n", 0, "f.csv:2:end: 缺少字段");
	expect_parse_error("person,place,start,end\n,r,1,2\n", 0, "f.csv:2:person: 不能为空");
	expect_parse_error("person,place,start,end\n\"a,r,1,2\n", 0, "f.csv:2: 引号未闭合");
}

static void test_trace_presence_reader_takes_quotes_crlf_bom_and_column_order(void **state)
{
	(void)state;
	const char *text = "\xEF\xBB\xBF" "Start,note,Person,place,end\r\n"
			   "0,x,\"a, \"\"the\"\" first\",r,100\r\n"
			   "\r\n"
			   "50,\"multi\nline\",b,\"r\",150\r\n";
	trace_input in;
	jy_err err;
	assert_int_equal(trace_input_init(&in), 0);
	assert_int_equal(trace_parse_presence("m", text, strlen(text), &in, &err), 0);
	assert_int_equal(in.npres, 2);
	assert_string_equal(trace_names_get(in.persons, in.pres[0].person, NULL), "a, \"the\" first");
	assert_string_equal(trace_names_get(in.persons, in.pres[1].person, NULL), "b");
	assert_int_equal(in.pres[0].place, in.pres[1].place);
	assert_int_equal(in.pres[1].start, 50);
	assert_int_equal(in.pres[1].end, 150);
	trace_input_clear(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_lyon_matches_reference_for_cases_windows_and_hops),
		cmocka_unit_test(test_trace_thiers2011_quirks_match_reference),
		cmocka_unit_test(test_trace_generated_presence_matches_reference_with_places),
		cmocka_unit_test(test_trace_generated_contacts_match_reference),
		cmocka_unit_test(test_trace_touching_intervals_are_no_contact),
		cmocka_unit_test(test_trace_merges_one_persons_overlapping_intervals_at_a_place),
		cmocka_unit_test(test_trace_clips_exposure_at_from_and_to),
		cmocka_unit_test(test_trace_via_ties_go_to_earliest_first_contact_then_smallest_id),
		cmocka_unit_test(test_trace_hops_respect_time_order),
		cmocka_unit_test(test_trace_repeated_overlapping_and_self_records_count_once),
		cmocka_unit_test(test_trace_reports_places_and_contact_place),
		cmocka_unit_test(test_trace_case_without_data_is_listed_as_unknown),
		cmocka_unit_test(test_trace_build_rejects_bad_intervals_and_spans),
		cmocka_unit_test(test_trace_long_interval_among_short_ones_is_found),
		cmocka_unit_test(test_trace_work_area_is_reusable_across_runs_and_indexes),
		cmocka_unit_test(test_trace_readers_name_file_row_and_column_of_bad_input),
		cmocka_unit_test(test_trace_presence_reader_takes_quotes_crlf_bom_and_column_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
