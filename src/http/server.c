/*
 * server.c — libmicrohttpd glue.
 *
 * Threading: MHD's internal epoll thread pool (as many threads as cores;
 * two was fastest on two cores).  Each request borrows a store handle from a
 * pool (one SQLite connection per handle, WAL lets readers run beside the
 * writer) and returns it when the answer is built.
 *
 * Keep-alive: MHD closes the connection when a response is queued on the
 * first call of the access handler, so the first call only allocates the
 * per-request context and the answer comes on a later call.  Bodies arrive
 * in pieces; they are collected up to HTTP_MAX_BODY and anything larger is
 * answered 413 without reading further into memory (a Content-Length over
 * 16 times the limit is answered 413 at once, before the body).  Header blocks over
 * the connection's memory limit get MHD's 431; connections idle for 10 s
 * are closed, so slow clients hold a socket, never a thread.
 *
 * Group commit: a handler whose write may wait for a batch (a gate reading)
 * hands it over with http_defer(); the connection is suspended
 * (MHD_suspend_connection), the job goes to the server's one writer
 * (store/writer.h), and when the batch has committed durably the writer
 * resumes the connection and on_request is called again to answer.  The
 * two MHD threads never wait for a commit.
 *
 * Every response carries the security headers (CSP, nosniff, frame
 * ancestors, referrer policy); API answers are never cached.
 *
 * HTTPS: with --tls-cert/--tls-key, MHD serves TLS itself (GnuTLS); the
 * PEM texts stay in memory for the daemon's lifetime.  Each answered
 * request is one structured log line (util/log.h) with the route pattern,
 * never the raw path, and is counted for /metrics (metrics.c).
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "http/internal.h"
#include "store/store.h"
#include "store/writer.h"
#include "util/log.h"
#include "util/str.h"

#define SHARED_RESPONSES 8
#define SHARED_MAX_BODY 512

struct server {
	struct MHD_Daemon *d;
	/* The log checkpointer: its own store handle and thread, so that no
	 * request waits for a checkpoint (they were the tail of the p99). */
	store *ckpt_store;
	pthread_t ckpt_thread;
	int ckpt_running;
	pthread_mutex_t ckpt_mu;
	pthread_cond_t ckpt_cv;
	int stopping;
	int port;
	int quiet;
	log_format log_fmt;
	char *tls_cert, *tls_key;   /* PEM text, NUL-terminated */
	server_shared shared;
	/* Group commit: writes that ask for it (http_defer) are queued to
	 * this one writer; their connections are suspended meanwhile. */
	store_writer *writer;
	pthread_mutex_t pool_mu;
	pthread_cond_t pool_cv;
	store **pool;
	int pool_size, pool_free;
	/* Prepared responses for answers that many get word for word
	 * (http_response.shareable): MHD counts the connections sending one,
	 * so it is built, with its eight headers, once instead of per request. */
	pthread_mutex_t prepared_mu;
	struct shared_response {
		int status, cacheable;
		const char *content_type;
		char *body;
		size_t len;
		struct MHD_Response *r;
	} prepared[SHARED_RESPONSES];
	unsigned prepared_next;
};

typedef struct conn_ctx {
	char *body;
	size_t len, cap;
	int too_big;
	http_deferred *deferred;   /* queued to the writer; answered on resume */
	struct timespec t0;        /* when the deferred request was dispatched */
	int route;                 /* and its route, for the log and /metrics */
	char ip[64];
} conn_ctx;

void http_defer(http_request *req, http_deferred *d)
{
	req->deferred = d;
}

/* The writer's word on a deferred job (writer thread): keep the outcome
 * and let MHD call on_request again for its connection. */
static void deferred_done(store_job *job, int rc, const jy_err *err)
{
	http_deferred *d = (http_deferred *)(void *)job;
	d->rc = rc;
	if (err)
		d->err = *err;
	else
		err_clear(&d->err);
	MHD_resume_connection(d->conn);
}

/* Run a deferred job now, in a transaction of its own (no writer). */
static void deferred_run_now(store *st, http_deferred *d)
{
	jy_err err;
	err_clear(&err);
	int rc = store_begin(st, &err);
	if (!rc) {
		rc = d->job.run(st, &d->job, &err);
		if (!rc)
			rc = store_commit(st, &err);
		else
			store_rollback(st);
	}
	d->rc = rc;
	d->err = err;
}

#define CHECKPOINT_EVERY_MS 250

static void *checkpointer(void *arg)
{
	server *s = arg;
	pthread_setname_np(pthread_self(), "jy-ckpt");
	pthread_mutex_lock(&s->ckpt_mu);
	while (!s->stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += CHECKPOINT_EVERY_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->ckpt_cv, &s->ckpt_mu, &ts);
		if (s->stopping)
			break;
		pthread_mutex_unlock(&s->ckpt_mu);
		jy_err err;
		int failed = store_checkpoint(s->ckpt_store, &err) != 0;
		metrics_checkpoint(s->shared.metrics, !failed);
		if (failed && !s->quiet)
			log_event(s->log_fmt, "error", "checkpoint_failed", "error", err.msg, NULL);
		pthread_mutex_lock(&s->ckpt_mu);
	}
	pthread_mutex_unlock(&s->ckpt_mu);
	return NULL;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static store *pool_get(server *s)
{
	pthread_mutex_lock(&s->pool_mu);
	if (s->pool_free == 0) {
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (s->pool_free == 0)
			pthread_cond_wait(&s->pool_cv, &s->pool_mu);
		metrics_pool_wait(s->shared.metrics, seconds_since(&t0));
	}
	store *st = s->pool[--s->pool_free];
	pthread_mutex_unlock(&s->pool_mu);
	return st;
}

static void pool_put(server *s, store *st)
{
	pthread_mutex_lock(&s->pool_mu);
	s->pool[s->pool_free++] = st;
	pthread_cond_signal(&s->pool_cv);
	pthread_mutex_unlock(&s->pool_mu);
}

static const char *lookup(void *conn, int kind, const char *key)
{
	enum MHD_ValueKind k = kind == HTTP_ARG ? MHD_GET_ARGUMENT_KIND :
			       kind == HTTP_HEADER ? MHD_HEADER_KIND : MHD_COOKIE_KIND;
	return MHD_lookup_connection_value((struct MHD_Connection *)conn, k, key);
}

static void client_ip(struct MHD_Connection *c, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, size, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
			  (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
			  (socklen_t)size);
}

static void add_headers(struct MHD_Response *r, const http_response *res)
{
	MHD_add_response_header(r, "Content-Type",
				res->content_type ? res->content_type : "application/json; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; style-src 'self'; "
				"img-src 'self' data:; connect-src 'self'; font-src 'self'; "
				"object-src 'none'; base-uri 'none'; form-action 'self'; "
				"frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Cache-Control", res->cacheable ? "no-cache" : "no-store");
	if (res->etag[0])
		MHD_add_response_header(r, "ETag", res->etag);
	if (res->set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", res->set_cookie);
	for (int i = 0; i < 2; i++) {
		const char *h = res->extra_header[i];
		const char *colon = h[0] ? strchr(h, ':') : NULL;
		if (colon) {
			char name[64];
			size_t n = (size_t)(colon - h) < sizeof name - 1 ? (size_t)(colon - h) : sizeof name - 1;
			memcpy(name, h, n);
			name[n] = 0;
			MHD_add_response_header(r, name, colon + 1 + (colon[1] == ' '));
		}
	}
}

static int shared_same(const struct shared_response *x, const http_response *res)
{
	return x->r && x->status == res->status && x->cacheable == res->cacheable &&
	       x->content_type == res->content_type && x->len == res->body_len &&
	       !memcmp(x->body, res->body, res->body_len);
}

/* Queue a shareable answer from the prepared ones, preparing it when new
 * (the oldest is let go: MHD frees it once its last sender is done).
 * The mutex is held while queueing, so no other thread lets go of the
 * response between finding and queueing it. */
static enum MHD_Result answer_shared(server *s, struct MHD_Connection *c, http_response *res)
{
	enum MHD_Result ret = MHD_NO;
	pthread_mutex_lock(&s->prepared_mu);
	for (int i = 0; i < SHARED_RESPONSES; i++)
		if (shared_same(&s->prepared[i], res)) {
			ret = MHD_queue_response(c, (unsigned)res->status, s->prepared[i].r);
			pthread_mutex_unlock(&s->prepared_mu);
			free(res->body);
			return ret;
		}
	pthread_mutex_unlock(&s->prepared_mu);
	struct MHD_Response *r =
		MHD_create_response_from_buffer(res->body_len, res->body, MHD_RESPMEM_MUST_COPY);
	if (!r) {
		free(res->body);
		return MHD_NO;
	}
	add_headers(r, res);
	pthread_mutex_lock(&s->prepared_mu);
	struct shared_response *x = &s->prepared[s->prepared_next++ % SHARED_RESPONSES];
	if (x->r)
		MHD_destroy_response(x->r);
	free(x->body);
	*x = (struct shared_response){ .status = res->status, .cacheable = res->cacheable,
				       .content_type = res->content_type, .body = res->body,
				       .len = res->body_len, .r = r };
	ret = MHD_queue_response(c, (unsigned)res->status, r);
	pthread_mutex_unlock(&s->prepared_mu);
	return ret;
}

static enum MHD_Result answer(server *s, struct MHD_Connection *c, http_response *res)
{
	struct MHD_Response *r;
	if (res->shareable && res->body && res->body_len <= SHARED_MAX_BODY && !res->set_cookie[0] &&
	    !res->etag[0] && !res->extra_header[0][0] && !res->extra_header[1][0])
		return answer_shared(s, c, res);
	if (res->static_body)
		r = MHD_create_response_from_buffer(res->body_len, (void *)res->static_body,
						    MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer(res->body_len, res->body ? res->body : (void *)"",
						    res->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		free(res->body);
		return MHD_NO;
	}
	add_headers(r, res);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* One line per request: time, method, route pattern (never the raw path,
 * which holds ids and tokens), status, duration, user id, client address. */
static void log_request(const server *s, const http_request *req, int status, double secs)
{
	char t[32], m[32], line[512];
	const char *pattern = router_route_pattern(req->route, NULL);
	log_time(t);
	log_quote(req->method, m, sizeof m);
	long long uid = req->user ? (long long)req->user->id : 0;
	if (s->log_fmt == LOG_JSON)
		snprintf(line, sizeof line,
			 "{\"time\":\"%s\",\"level\":\"info\",\"event\":\"request\",\"method\":%s,"
			 "\"route\":\"%s\",\"status\":%d,\"ms\":%.3f,\"user_id\":%lld,\"ip\":\"%s\"}\n",
			 t, m, pattern, status, secs * 1e3, uid, req->ip);
	else
		snprintf(line, sizeof line, "%s info request %.16s %s %d %.3fms user=%lld ip=%s\n", t,
			 req->method, pattern, status, secs * 1e3, uid, req->ip);
	fputs(line, stderr);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	server *s = cls;
	conn_ctx *ctx = *con_cls;
	if (!ctx) {
		/* A body announced far over the limit is refused before a byte
		 * of it is read; answering now also closes the connection (and a
		 * client still writing gets a reset).  A body a little over the
		 * limit is read and dropped below, so that an ordinary client
		 * that writes all before reading gets its 413. */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > 16ull * HTTP_MAX_BODY) {
			http_response big;
			memset(&big, 0, sizeof big);
			http_error(&big, 413, "too_large", NULL,
				   "请求体超过 %d 字节 (request body over %d bytes)", HTTP_MAX_BODY, HTTP_MAX_BODY);
			return answer(s, c, &big);
		}
		ctx = calloc(1, sizeof *ctx);
		if (!ctx)
			return MHD_NO;
		*con_cls = ctx;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (ctx->too_big || ctx->len + n > HTTP_MAX_BODY) {
			ctx->too_big = 1;
			return MHD_YES;
		}
		if (ctx->len + n + 1 > ctx->cap) {
			size_t cap = ctx->cap ? ctx->cap : 1024;
			while (cap < ctx->len + n + 1)
				cap *= 2;
			char *b = realloc(ctx->body, cap);
			if (!b)
				return MHD_NO;
			ctx->body = b;
			ctx->cap = cap;
		}
		memcpy(ctx->body + ctx->len, upload_data, n);
		ctx->len += n;
		ctx->body[ctx->len] = 0;
		return MHD_YES;
	}

	http_response res;
	memset(&res, 0, sizeof res);
	if (ctx->deferred) {
		/* Resumed: the writer has told the job its outcome. */
		http_deferred *d = ctx->deferred;
		ctx->deferred = NULL;
		d->reply(d, &res);
		d->release(d);
		http_request done;
		memset(&done, 0, sizeof done);
		done.method = method;
		done.route = ctx->route;
		str_put(done.ip, sizeof done.ip, ctx->ip);
		double secs = seconds_since(&ctx->t0);
		metrics_request(s->shared.metrics, done.route, res.status, secs);
		if (!s->quiet)
			log_request(s, &done, res.status, secs);
		return answer(s, c, &res);
	}
	if (ctx->too_big) {
		http_error(&res, 413, "too_large", NULL,
			   "请求体超过 %d 字节 (request body over %d bytes)", HTTP_MAX_BODY, HTTP_MAX_BODY);
		return answer(s, c, &res);
	}
	http_request req;
	memset(&req, 0, sizeof req);
	req.method = method;
	req.path = url;
	req.body = ctx->body ? ctx->body : "";
	req.body_len = ctx->len;
	req.conn = c;
	req.lookup = lookup;
	req.server_ctx = &s->shared;
	client_ip(c, req.ip, sizeof req.ip);

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	req.store = pool_get(s);
	router_dispatch(&req, &res);
	http_deferred *d = req.deferred;
	if (d) {
		free(res.body); /* nothing is answered now */
		/* Suspend before queueing: the writer may resume at once. */
		d->conn = c;
		d->job.done = deferred_done;
		ctx->deferred = d;
		ctx->t0 = t0;
		ctx->route = req.route;
		str_put(ctx->ip, sizeof ctx->ip, req.ip);
		MHD_suspend_connection(c);
		if (!s->writer || store_writer_submit(s->writer, &d->job)) {
			deferred_run_now(req.store, d);
			MHD_resume_connection(c);
		}
		pool_put(s, req.store);
		return MHD_YES;
	}
	pool_put(s, req.store);
	double secs = seconds_since(&t0);
	metrics_request(s->shared.metrics, req.route, res.status, secs);
	if (!s->quiet)
		log_request(s, &req, res.status, secs);
	(void)version;
	return answer(s, c, &res);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	conn_ctx *ctx = *con_cls;
	if (ctx) {
		/* A job told but never answered (the daemon stopping). */
		if (ctx->deferred)
			ctx->deferred->release(ctx->deferred);
		free(ctx->body);
		free(ctx);
		*con_cls = NULL;
	}
}

static int parse_listen(const char *listen, struct sockaddr_in *sa, jy_err *err)
{
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	char host[64];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return err_set(err, JY_EINVAL, "--listen 应为 地址:端口 (expected HOST:PORT): %s", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return err_set(err, JY_EINVAL, "端口无效 (invalid port): %s", colon + 1);
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return err_set(err, JY_EINVAL, "地址无效，需 IPv4 (invalid IPv4 address): %s", host);
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

static char *read_pem(const char *path, jy_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		err_set(err, JY_ENOENT, "无法读取 TLS 文件 (cannot read TLS file): %s", path);
		return NULL;
	}
	char *b = malloc(65537);
	size_t n = b ? fread(b, 1, 65536, f) : 0;
	int more = b && fgetc(f) != EOF;
	fclose(f);
	if (!b || n == 0 || more || !strstr(b, "-----BEGIN")) {
		free(b);
		err_set(err, JY_EFORMAT, "不是 PEM 文件或超过 64 KiB (not a PEM file, or over 64 KiB): %s", path);
		return NULL;
	}
	b[n] = 0;
	return b;
}

static int load_tls(server *s, const server_config *cfg, jy_err *err)
{
	if (!cfg->tls_cert || !cfg->tls_key)
		return err_set(err, JY_EINVAL, "--tls-cert 和 --tls-key 需同时给出 (give both --tls-cert and --tls-key)");
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return err_set(err, JY_EINVAL, "libmicrohttpd 未编译 TLS 支持 (libmicrohttpd built without TLS)");
	s->tls_cert = read_pem(cfg->tls_cert, err);
	if (!s->tls_cert)
		return JY_EINVAL;
	s->tls_key = read_pem(cfg->tls_key, err);
	return s->tls_key ? 0 : JY_EINVAL;
}

int server_start(const server_config *cfg, server **out, jy_err *err)
{
	*out = NULL;
	struct sockaddr_in sa;
	int rc = parse_listen(cfg->listen ? cfg->listen : "127.0.0.1:8080", &sa, err);
	if (rc)
		return rc;
	server *s = calloc(1, sizeof *s);
	if (!s)
		return err_set(err, JY_ENOMEM, "out of memory");
	s->quiet = cfg->quiet;
	s->log_fmt = cfg->log_format == LOG_TEXT ? LOG_TEXT : LOG_JSON;
	s->shared.metrics_token = cfg->metrics_token;
	s->shared.started_at = (int64_t)time(NULL);
	s->shared.log_format = s->log_fmt;
	s->shared.quiet = s->quiet;
	pthread_mutex_init(&s->pool_mu, NULL);
	pthread_cond_init(&s->pool_cv, NULL);
	pthread_mutex_init(&s->ckpt_mu, NULL);
	pthread_mutex_init(&s->prepared_mu, NULL);
	pthread_cond_init(&s->ckpt_cv, NULL);
	int threads = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	if (threads > 64)
		threads = 64;
	s->pool_size = threads;
	s->pool = calloc((size_t)threads, sizeof *s->pool);
	s->shared.logins = ratelimit_new();
	s->shared.metrics = metrics_new();
	if (!s->pool || !s->shared.logins || !s->shared.metrics) {
		server_stop(s);
		return err_set(err, JY_ENOMEM, "out of memory");
	}
	for (int i = 0; i < threads; i++) {
		rc = store_open(cfg->db_url, &s->pool[i], err);
		if (rc) {
			server_stop(s);
			return rc;
		}
		s->pool_free++;
		store_set_autocheckpoint(s->pool[i], 0);
	}
	/* One more handle for the checkpointer; if it cannot start, the pool
	 * checkpoints by itself as usual. */
	if (store_open(cfg->db_url, &s->ckpt_store, NULL) == 0 &&
	    pthread_create(&s->ckpt_thread, NULL, checkpointer, s) == 0) {
		s->ckpt_running = 1;
	} else {
		for (int i = 0; i < s->pool_free; i++)
			store_set_autocheckpoint(s->pool[i], 1000);
	}
	/* The writer; without it deferred writes run one by one. */
	rc = store_writer_start(cfg->db_url, 0, s->ckpt_running ? 0 : -1, &s->writer, err);
	s->shared.writer = s->writer;
	if (rc) {
		server_stop(s);
		return rc;
	}
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	if (cfg->tls_cert || cfg->tls_key) {
		rc = load_tls(s, cfg, err);
		if (rc) {
			server_stop(s);
			return rc;
		}
		flags |= MHD_USE_TLS;
	}
	/* Without TLS the two HTTPS options are skipped (END comes first). */
	s->d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		/* Idle connections (slowloris, dead keep-alives) are closed after
		 * 10 s without a byte; epoll keeps them from holding a thread. */
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)1024,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
		MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
		s->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, s->tls_cert,
		MHD_OPTION_HTTPS_MEM_KEY, s->tls_key,
		MHD_OPTION_END);
	if (!s->d) {
		server_stop(s);
		return err_set(err, JY_EIO, "无法监听 cannot listen on %s (in use?)", cfg->listen);
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : ntohs(sa.sin_port);
	*out = s;
	return 0;
}

int server_port(const server *s)
{
	return s->port;
}

void server_stop(server *s)
{
	if (!s)
		return;
	/* Drain the writer first: it resumes every suspended connection,
	 * which MHD then answers; later writes run one by one. */
	store_writer_stop(s->writer);
	if (s->d)
		MHD_stop_daemon(s->d);
	store_writer_free(s->writer);
	if (s->ckpt_running) {
		pthread_mutex_lock(&s->ckpt_mu);
		s->stopping = 1;
		pthread_cond_signal(&s->ckpt_cv);
		pthread_mutex_unlock(&s->ckpt_mu);
		pthread_join(s->ckpt_thread, NULL);
		store_checkpoint(s->ckpt_store, NULL);
	}
	store_close(s->ckpt_store);
	for (int i = 0; i < SHARED_RESPONSES; i++) {
		if (s->prepared[i].r)
			MHD_destroy_response(s->prepared[i].r);
		free(s->prepared[i].body);
	}
	pthread_mutex_destroy(&s->prepared_mu);
	pthread_mutex_destroy(&s->ckpt_mu);
	pthread_cond_destroy(&s->ckpt_cv);
	for (int i = 0; i < s->pool_free; i++)
		store_close(s->pool[i]);
	free(s->pool);
	ratelimit_free(s->shared.logins);
	metrics_free(s->shared.metrics);
	if (s->tls_key) {
		sodium_memzero(s->tls_key, strlen(s->tls_key));
		free(s->tls_key);
	}
	free(s->tls_cert);
	pthread_mutex_destroy(&s->pool_mu);
	pthread_cond_destroy(&s->pool_cv);
	free(s);
}
