/*
 * chains.c — see chains.h.
 */
#include "domain/chains.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cases.h"
#include "domain/tracing.h"

int chains_set_source(store *s, int64_t case_id, int64_t source_case_id, const char *by,
		      jy_err *err)
{
	cases_rec c;
	int rc = store_case_get(s, case_id, &c, err);
	if (rc)
		return rc;
	if (source_case_id) {
		if (source_case_id == case_id)
			return err_at(err, JY_EINVAL, NULL, 0, "source_case_id", "病例不能来源于自身 (a case cannot be its own source)");
		/* Walk up from the source: meeting this case would close a cycle. */
		int64_t at = source_case_id;
		for (int depth = 0; at; depth++) {
			cases_rec up;
			if (store_case_get(s, at, &up, NULL) != 0 || up.school_id != c.school_id)
				return err_at(err, JY_EINVAL, NULL, 0, "source_case_id", "没有这个来源病例 (no such source case in the school)");
			if (up.id == case_id || depth > 10000)
				return err_at(err, JY_EINVAL, NULL, 0, "source_case_id", "会形成环 (the link would make a cycle)");
			at = up.source_case_id;
		}
	}
	c.source_case_id = source_case_id;
	snprintf(c.source_by, sizeof c.source_by, "%s", source_case_id ? by : "");
	return store_case_update(s, &c, err);
}

typedef struct cand_list {
	cases_rec *v;
	size_t n, cap;
	int64_t before;      /* onset of the case: candidates start before */
	int64_t self;
} cand_list;

static int add_candidate(void *ctx, const cases_rec *c)
{
	cand_list *l = ctx;
	int64_t onset = c->onset_at ? c->onset_at : c->created_at;
	if (c->id == l->self || !strcmp(c->classification, "excluded") || onset >= l->before)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		cases_rec *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return 1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *c;
	return 0;
}

int chains_suggest(store *s, int64_t case_id, int64_t now, chain_suggestion *out, jy_err *err)
{
	memset(out, 0, sizeof *out);
	cases_rec c;
	int rc = store_case_get(s, case_id, &c, err);
	if (rc)
		return rc;
	int64_t onset = c.onset_at ? c.onset_at : c.created_at;
	cand_list l = { .before = onset, .self = c.id };
	case_filter f = { .school_id = c.school_id };
	if ((rc = store_case_list(s, &f, add_candidate, &l, err)))
		goto out;
	if (!l.n)
		goto out;
	/* One model over the union of the candidates' windows. */
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	int64_t (*win)[2] = calloc(l.n, sizeof *win);
	disease_rec *dis = calloc(l.n, sizeof *dis);
	if (!win || !dis) {
		free(win);
		free(dis);
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < l.n && !rc; i++) {
		rc = store_disease_get(s, l.v[i].school_id, l.v[i].code, &dis[i], err);
		if (rc)
			break;
		cases_window(&l.v[i], &dis[i], now, &win[i][0], &win[i][1]);
		if (win[i][1] > onset)
			win[i][1] = onset;
		/* no incubation period in the settings is longer than a month */
		if (win[i][0] < onset - CHAINS_LOOKBACK_DAYS * 86400)
			win[i][0] = onset - CHAINS_LOOKBACK_DAYS * 86400;
		if (win[i][1] <= win[i][0])
			continue;
		if (win[i][0] < lo)
			lo = win[i][0];
		if (win[i][1] > hi)
			hi = win[i][1];
	}
	presence_model *m = NULL;
	if (!rc && lo < hi)
		rc = presence_model_load(s, c.school_id, lo, hi, &m, err);
	for (size_t i = 0; !rc && m && i < l.n; i++) {
		if (win[i][1] <= win[i][0])
			continue;
		tracing_query q = {
			.cases = &l.v[i].person_id, .ncases = 1, .from = win[i][0], .to = win[i][1],
			.min_duration = dis[i].min_exposure_s, .hops = 1, .same_dorm = dis[i].same_dorm,
			.same_class = dis[i].same_class, .want_places = 1,
		};
		tracing_result *r = NULL;
		rc = tracing_run_model(m, &q, &r, err);
		if (rc)
			break;
		out->candidates++;
		for (size_t k = 0; k < r->nhits; k++) {
			const tracing_hit *h = &r->hits[k];
			if (h->person_id != c.person_id)
				continue;
			int better = !out->source_case_id || h->first_contact < out->first_contact ||
				     (h->first_contact == out->first_contact && h->exposure > out->exposure);
			if (better) {
				out->source_case_id = l.v[i].id;
				out->source_person_id = l.v[i].person_id;
				out->first_contact = h->first_contact;
				out->exposure = h->exposure;
				out->place[0] = 0;
				int64_t first = INT64_MAX;
				for (size_t p = h->place_off; p < h->place_off + h->nplaces; p++)
					if (r->places[p].first < first) {
						first = r->places[p].first;
						snprintf(out->place, sizeof out->place, "%s", r->places[p].name);
					}
			}
		}
		tracing_result_free(r);
	}
	presence_model_free(m);
	free(win);
	free(dis);
out:
	free(l.v);
	return rc;
}

typedef struct graph_ctx {
	chain_graph *g;
	size_t cap;
	int oom;
} graph_ctx;

static int add_node(void *ctx, const cases_rec *c)
{
	graph_ctx *x = ctx;
	if (x->g->nnodes == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		chain_node *v = realloc(x->g->nodes, cap * sizeof *v);
		if (!v)
			return x->oom = 1;
		x->g->nodes = v;
		x->cap = cap;
	}
	x->g->nodes[x->g->nnodes++].c = *c;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = ((const chain_node *)a)->c.id, y = ((const chain_node *)b)->c.id;
	return x < y ? -1 : x > y;
}

int chains_graph(store *s, int64_t school_id, int all, chain_graph *out, jy_err *err)
{
	memset(out, 0, sizeof *out);
	graph_ctx x = { out, 0, 0 };
	case_filter f = { .school_id = school_id };
	int rc = store_case_list(s, &f, add_node, &x, err);
	if (!rc && x.oom)
		rc = err_set(err, JY_ENOMEM, "out of memory");
	if (rc) {
		chains_graph_free(out);
		return rc;
	}
	if (out->nnodes)
		qsort(out->nodes, out->nnodes, sizeof *out->nodes, cmp_id);
	out->edges = calloc(out->nnodes + 1, sizeof *out->edges);
	unsigned char *keep = calloc(out->nnodes + 1, 1);
	if (!out->edges || !keep) {
		free(keep);
		chains_graph_free(out);
		return err_set(err, JY_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < out->nnodes; i++) {
		const cases_rec *c = &out->nodes[i].c;
		if (!c->source_case_id)
			continue;
		chain_node key;
		key.c.id = c->source_case_id;
		chain_node *src = bsearch(&key, out->nodes, out->nnodes, sizeof key, cmp_id);
		if (!src)
			continue;
		chain_edge *e = &out->edges[out->nedges++];
		e->from_case = c->source_case_id;
		e->to_case = c->id;
		snprintf(e->by, sizeof e->by, "%s", c->source_by);
		keep[i] = 1;
		keep[src - out->nodes] = 1;
	}
	if (!all) {
		size_t k = 0;
		for (size_t i = 0; i < out->nnodes; i++)
			if (keep[i])
				out->nodes[k++] = out->nodes[i];
		out->nnodes = k;
	}
	free(keep);
	return 0;
}

void chains_graph_free(chain_graph *g)
{
	if (!g)
		return;
	free(g->nodes);
	free(g->edges);
	g->nodes = NULL;
	g->edges = NULL;
	g->nnodes = g->nedges = 0;
}
