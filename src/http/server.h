/*
 * server.h — the HTTP server: libmicrohttpd with an epoll thread pool, a
 * pool of store handles, and the router behind it.
 */
#ifndef JY_SERVER_H
#define JY_SERVER_H

#include "util/err.h"

typedef struct server server;

typedef struct server_config {
	const char *db_url;     /* path or postgresql:// */
	const char *listen;     /* "127.0.0.1:8080"; port 0 picks a free one */
	int threads;            /* 0 = number of cores */
	int quiet;              /* no request log */
	const char *tls_cert;   /* PEM files: serve HTTPS (both or neither) */
	const char *tls_key;
	int log_format;         /* LOG_JSON (0) or LOG_TEXT (util/log.h) */
	const char *metrics_token;  /* NULL: /metrics for loopback clients only */
} server_config;

/* Open the store pool, bind and start serving.  *out owned by the caller. */
int server_start(const server_config *cfg, server **out, jy_err *err);
/* The port actually bound (useful with port 0). */
int server_port(const server *s);
/* Stop accepting, finish requests in flight, close everything. */
void server_stop(server *s);

#endif
