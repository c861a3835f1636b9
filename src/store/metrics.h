/*
 * metrics.h — the few database readings /metrics exposes: counts, never
 * anything about a person.
 */
#ifndef JY_STORE_METRICS_H
#define JY_STORE_METRICS_H

#include "store/store.h"

typedef struct store_gauges {
	int64_t gate_readings;        /* ever stored (the highest id: a counter) */
	int64_t check_submissions;    /* ever stored (likewise) */
	int64_t open_alerts;
	int64_t monitoring_contacts;  /* close contacts under follow-up now */
	int64_t share_received_ok, share_refused;
} store_gauges;

int store_gauges_read(store *s, store_gauges *g, jy_err *err);

/* Bytes the SQLite library holds in this process (page caches of every
 * connection, prepared statements): bounded by the caches' sizes, so the
 * rest of the resident memory is what a leak would grow.  0 when SQLite
 * is not in use. */
int64_t store_sqlite_memory(void);

#endif
