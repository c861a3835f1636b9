/*
 * metrics.c — GET /metrics in the Prometheus text format (version 0.0.4).
 *
 * Who may read it: with a metrics token configured (JINYUN_METRICS_TOKEN in
 * the server's environment), any client that sends
 * "Authorization: Bearer TOKEN"; without one, loopback clients only
 * (a Prometheus or node exporter on the same machine, or a reverse proxy).
 * Everything here is a count or a duration: route patterns (never raw
 * paths with ids), status codes, database counts — no person, no health
 * data, no user name.
 *
 * Counters are plain uint64_t updated with __atomic builtins: a request
 * costs two relaxed increments and a bucket increment, no lock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "http/internal.h"
#include "store/metrics.h"
#include "store/writer.h"

static const int status_slots[] = { 200, 201, 204, 304, 400, 401, 403, 404,
				    405, 409, 413, 422, 429, 500, 503, 0 };
#define NSTATUS ((int)(sizeof status_slots / sizeof status_slots[0]))   /* last: other */
static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5 };
#define NBUCKETS ((int)(sizeof buckets / sizeof buckets[0]))

struct metrics {
	int nroutes;              /* routes + static + unmatched */
	uint64_t *requests;       /* [route][status slot] */
	uint64_t hist[NBUCKETS + 1];
	uint64_t dur_us_sum, dur_count;
	uint64_t pool_waits, pool_wait_us;
	uint64_t checkpoints_ok, checkpoints_failed;
};

metrics *metrics_new(void)
{
	metrics *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->nroutes = router_route_count() + 2;
	m->requests = calloc((size_t)m->nroutes * NSTATUS, sizeof *m->requests);
	if (!m->requests) {
		free(m);
		return NULL;
	}
	return m;
}

void metrics_free(metrics *m)
{
	if (!m)
		return;
	free(m->requests);
	free(m);
}

static void inc(uint64_t *p, uint64_t by)
{
	__atomic_fetch_add(p, by, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void metrics_request(metrics *m, int route, int status, double seconds)
{
	if (!m)
		return;
	if (route < 0 || route >= m->nroutes)
		route = m->nroutes - 1;
	int slot = NSTATUS - 1;
	for (int i = 0; i < NSTATUS - 1; i++)
		if (status_slots[i] == status) {
			slot = i;
			break;
		}
	inc(&m->requests[route * NSTATUS + slot], 1);
	int b = 0;
	while (b < NBUCKETS && seconds > buckets[b])
		b++;
	inc(&m->hist[b], 1);
	inc(&m->dur_us_sum, (uint64_t)(seconds * 1e6));
	inc(&m->dur_count, 1);
}

void metrics_pool_wait(metrics *m, double seconds)
{
	if (!m)
		return;
	inc(&m->pool_waits, 1);
	inc(&m->pool_wait_us, (uint64_t)(seconds * 1e6));
}

void metrics_checkpoint(metrics *m, int ok)
{
	if (m)
		inc(ok ? &m->checkpoints_ok : &m->checkpoints_failed, 1);
}

typedef struct buf {
	char *p;
	size_t len, cap;
	int oom;
} buf;

static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(buf *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->p && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 16384;
		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

static long rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, rss = 0;
	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss < 0 ? -1 : rss * sysconf(_SC_PAGESIZE);
}

static int allowed(const http_request *req, const server_shared *sh)
{
	if (sh->metrics_token && sh->metrics_token[0]) {
		const char *a = http_header(req, "Authorization");
		size_t n = strlen(sh->metrics_token);
		return a && !strncmp(a, "Bearer ", 7) && strlen(a + 7) == n &&
		       sodium_memcmp(a + 7, sh->metrics_token, n) == 0;
	}
	return !strncmp(req->ip, "127.", 4) || !strcmp(req->ip, "::1");
}

static void render(buf *b, const metrics *m, const server_shared *sh, store *st)
{
	put(b, "# HELP jinyun_http_requests_total HTTP requests by route pattern, method and status.\n"
	       "# TYPE jinyun_http_requests_total counter\n");
	for (int r = 0; r < m->nroutes; r++) {
		const char *method;
		const char *pattern = router_route_pattern(r, &method);
		for (int s = 0; s < NSTATUS; s++) {
			uint64_t n = get(&m->requests[r * NSTATUS + s]);
			if (!n)
				continue;
			char status[8];
			if (status_slots[s])
				snprintf(status, sizeof status, "%d", status_slots[s]);
			else
				snprintf(status, sizeof status, "other");
			put(b, "jinyun_http_requests_total{route=\"%s\",method=\"%s\",status=\"%s\"} %llu\n",
			    pattern, method, status, (unsigned long long)n);
		}
	}
	put(b, "# HELP jinyun_http_request_duration_seconds Time from the request to its answer.\n"
	       "# TYPE jinyun_http_request_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (int i = 0; i < NBUCKETS; i++) {
		cum += get(&m->hist[i]);
		put(b, "jinyun_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[i],
		    (unsigned long long)cum);
	}
	cum += get(&m->hist[NBUCKETS]);
	put(b, "jinyun_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
	       "jinyun_http_request_duration_seconds_sum %.6f\n"
	       "jinyun_http_request_duration_seconds_count %llu\n",
	    (unsigned long long)cum, (double)get(&m->dur_us_sum) / 1e6,
	    (unsigned long long)get(&m->dur_count));
	put(b, "# HELP jinyun_store_pool_waits_total Requests that waited for a free database handle.\n"
	       "# TYPE jinyun_store_pool_waits_total counter\n"
	       "jinyun_store_pool_waits_total %llu\n"
	       "# HELP jinyun_store_pool_wait_seconds_total Time spent waiting for a database handle.\n"
	       "# TYPE jinyun_store_pool_wait_seconds_total counter\n"
	       "jinyun_store_pool_wait_seconds_total %.6f\n",
	    (unsigned long long)get(&m->pool_waits), (double)get(&m->pool_wait_us) / 1e6);
	if (sh->writer) {
		store_writer_stats ws;
		store_writer_stats_get(sh->writer, &ws);
		put(b, "# HELP jinyun_writer_batches_total Transactions of the group-commit writer, by outcome.\n"
		       "# TYPE jinyun_writer_batches_total counter\n"
		       "jinyun_writer_batches_total{result=\"ok\"} %lld\n"
		       "jinyun_writer_batches_total{result=\"failed\"} %lld\n"
		       "# HELP jinyun_writer_jobs_total Writes (gate readings …) run by the group-commit writer.\n"
		       "# TYPE jinyun_writer_jobs_total counter\n"
		       "jinyun_writer_jobs_total %lld\n"
		       "# HELP jinyun_writer_syncs_total Log syncs of the writer's sync thread (each covers one or more batches).\n"
		       "# TYPE jinyun_writer_syncs_total counter\n"
		       "jinyun_writer_syncs_total %lld\n"
		       "# HELP jinyun_writer_largest_batch Most writes in one transaction since the start.\n"
		       "# TYPE jinyun_writer_largest_batch gauge\n"
		       "jinyun_writer_largest_batch %d\n",
		    ws.batches - ws.failed_batches, ws.failed_batches, ws.jobs, ws.syncs, ws.largest_batch);
	}
	put(b, "# HELP jinyun_checkpoints_total SQLite log checkpoints by the server's checkpointer.\n"
	       "# TYPE jinyun_checkpoints_total counter\n"
	       "jinyun_checkpoints_total{result=\"ok\"} %llu\n"
	       "jinyun_checkpoints_total{result=\"failed\"} %llu\n",
	    (unsigned long long)get(&m->checkpoints_ok),
	    (unsigned long long)get(&m->checkpoints_failed));
	store_gauges g;
	if (store_gauges_read(st, &g, NULL) == 0)
		put(b, "# HELP jinyun_gate_readings_total Gate temperature readings stored.\n"
		       "# TYPE jinyun_gate_readings_total counter\n"
		       "jinyun_gate_readings_total %lld\n"
		       "# HELP jinyun_check_submissions_total Class check submissions stored.\n"
		       "# TYPE jinyun_check_submissions_total counter\n"
		       "jinyun_check_submissions_total %lld\n"
		       "# HELP jinyun_open_alerts Cluster alerts open now.\n"
		       "# TYPE jinyun_open_alerts gauge\n"
		       "jinyun_open_alerts %lld\n"
		       "# HELP jinyun_contacts_monitoring Close contacts under follow-up now.\n"
		       "# TYPE jinyun_contacts_monitoring gauge\n"
		       "jinyun_contacts_monitoring %lld\n"
		       "# HELP jinyun_share_received_total Partner messages received, by outcome.\n"
		       "# TYPE jinyun_share_received_total counter\n"
		       "jinyun_share_received_total{status=\"ok\"} %lld\n"
		       "jinyun_share_received_total{status=\"refused\"} %lld\n",
		    (long long)g.gate_readings, (long long)g.check_submissions,
		    (long long)g.open_alerts, (long long)g.monitoring_contacts,
		    (long long)g.share_received_ok, (long long)g.share_refused);
	put(b, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
	       "# TYPE process_resident_memory_bytes gauge\n"
	       "process_resident_memory_bytes %ld\n"
	       "# HELP jinyun_sqlite_memory_bytes Bytes held by SQLite (page caches, statements); bounded by the cache sizes.\n"
	       "# TYPE jinyun_sqlite_memory_bytes gauge\n"
	       "jinyun_sqlite_memory_bytes %lld\n"
	       "# HELP process_start_time_seconds Start time of the process since the Unix epoch.\n"
	       "# TYPE process_start_time_seconds gauge\n"
	       "process_start_time_seconds %lld\n"
	       "# HELP jinyun_uptime_seconds Seconds since the server started.\n"
	       "# TYPE jinyun_uptime_seconds gauge\n"
	       "jinyun_uptime_seconds %lld\n"
	       "# HELP jinyun_build_info The running version.\n"
	       "# TYPE jinyun_build_info gauge\n"
	       "jinyun_build_info{version=\"%s\",backend=\"%s\"} 1\n",
	    rss_bytes(), (long long)store_sqlite_memory(), (long long)sh->started_at, (long long)(time(NULL) - sh->started_at),
	    JINYUN_VERSION, store_backend(st));
}

void api_metrics(http_request *req, http_response *res)
{
	const server_shared *sh = req->server_ctx;
	if (!sh || !sh->metrics || !allowed(req, sh)) {
		http_error(res, 403, "forbidden", NULL,
			   "指标仅限本机或持令牌读取 (metrics: loopback clients or the metrics token only)");
		return;
	}
	buf b = { NULL, 0, 0, 0 };
	render(&b, sh->metrics, sh, req->store);
	if (b.oom || !b.p) {
		free(b.p);
		http_error(res, 500, "internal", NULL, "out of memory");
		return;
	}
	res->status = 200;
	res->content_type = "text/plain; version=0.0.4; charset=utf-8";
	res->body = b.p;
	res->body_len = b.len;
}
