/*
 * chains.h — transmission chains (传播链): each case may name the case it
 * most likely came from, set by the doctor or accepted from a trace; the
 * chains of a school form a forest that the UI draws.
 *
 * The suggestion comes from the trace: every other case of the school whose
 * onset is before this one's is traced one hop over its own infectious
 * window (cut at this case's onset); among those that reached this case's
 * person, the one with the earliest first contact is suggested (ties: the
 * longer exposure, then the smaller case id) — the `via` of the earliest
 * exposure.  Only the CHAINS_LOOKBACK_DAYS before the onset are traced.
 */
#ifndef JY_CHAINS_H
#define JY_CHAINS_H

#include "store/cases.h"

#define CHAINS_LOOKBACK_DAYS 31

/* Link a case to its source (0 = unlink).  by: "doctor" or "trace".
 * JY_EINVAL for another school's case, itself, or a link that would make a
 * cycle. */
int chains_set_source(store *s, int64_t case_id, int64_t source_case_id, const char *by,
		      jy_err *err);

typedef struct chain_suggestion {
	int64_t source_case_id;     /* 0 = none found */
	int64_t source_person_id;
	int64_t first_contact, exposure;
	char place[96];             /* where the earliest contact was */
	size_t candidates;          /* cases traced */
} chain_suggestion;

int chains_suggest(store *s, int64_t case_id, int64_t now, chain_suggestion *out, jy_err *err);

typedef struct chain_node {
	cases_rec c;
} chain_node;
typedef struct chain_edge {
	int64_t from_case, to_case;   /* source → case */
	char by[8];
} chain_edge;
typedef struct chain_graph {
	chain_node *nodes;
	size_t nnodes;
	chain_edge *edges;
	size_t nedges;
} chain_graph;

/* The school's cases (school_id 0: every school) that are in a chain —
 * or, with all, every case — and the links between them. */
int chains_graph(store *s, int64_t school_id, int all, chain_graph *out, jy_err *err);
void chains_graph_free(chain_graph *g);

#endif
