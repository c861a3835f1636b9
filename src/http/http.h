/*
 * http.h — what a request handler sees: the request, the response it
 * fills, and helpers to answer JSON.  Handlers (api_*.c) never touch
 * libmicrohttpd; server.c translates both ways.
 *
 * A handler gets the parsed request with the logged-in user and a store
 * handle from the pool, asks policy_check() whether the user may do what
 * is asked (it never checks roles itself), calls the domain, and fills the
 * response.  Memory the handler gives the response is freed by the server.
 */
#ifndef JY_HTTP_H
#define JY_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "store/store.h"
#include "store/writer.h"

#define HTTP_MAX_BODY (1024 * 1024)   /* bytes; larger bodies get 413 */
#define HTTP_MAX_PARAMS 4

typedef struct http_request http_request;
typedef struct http_response http_response;
typedef struct http_deferred http_deferred;

/* Look up a query-string argument, a header or a cookie (NULL when absent). */
typedef const char *(*http_lookup_fn)(void *conn, int kind, const char *key);
enum { HTTP_ARG = 1, HTTP_HEADER = 2, HTTP_COOKIE = 3 };

struct http_request {
	const char *method;        /* GET POST PUT PATCH DELETE … */
	const char *path;          /* decoded path, no query string */
	const char *body;          /* NUL-terminated; "" when none */
	size_t body_len;
	char ip[64];               /* client address */
	const char *params[HTTP_MAX_PARAMS];  /* {x} segments of the route, in order */
	int nparams;
	void *conn;                /* for lookup */
	http_lookup_fn lookup;
	user_rec *user;            /* logged-in user, NULL on public routes */
	store *store;              /* a pooled handle for this request */
	const void *server_ctx;    /* the server's shared state (rate limits …) */
	http_deferred *deferred;   /* set by http_defer(): the answer comes later */
	int route;                 /* index of the matched route (router_route_pattern), for logs and metrics */
};

struct http_response {
	int status;
	const char *content_type;  /* static string */
	char *body;                /* malloc'd; freed by the server */
	size_t body_len;
	const unsigned char *static_body;   /* alternatively: static bytes, not freed */
	char set_cookie[256];      /* "" = none */
	char etag[72];             /* "" = none */
	char extra_header[2][160]; /* "Name: value" lines, "" = none */
	int cacheable;             /* static assets may be cached; API answers never */
	int shareable;             /* the same bytes are sent to many (a gate's "admit"):
				      the server may send one prepared response to all */
};

/*
 * A write answered after its batch commits (group commit, store/writer.h).
 * The handler allocates a struct that begins with this one, sets job.run,
 * reply and release, and calls http_defer() instead of answering.  The
 * server suspends the connection (its MHD thread serves others meanwhile),
 * queues the job for the writer, and once the job is told its outcome
 * (rc, err) calls reply() on an MHD thread to fill the answer, then
 * release() to free the struct.  Without a writer (or while it stops) the
 * job runs at once in a transaction of its own on the request's handle.
 */
struct http_deferred {
	store_job job;
	void (*reply)(http_deferred *d, http_response *res);
	void (*release)(http_deferred *d);
	/* filled by the server */
	int rc;                    /* the batch's outcome: 0 = committed */
	jy_err err;
	void *conn;
};

/* Hand d to the server (see http_deferred); the handler then returns
 * without filling res. */
void http_defer(http_request *req, http_deferred *d);

const char *http_arg(const http_request *r, const char *key);
const char *http_header(const http_request *r, const char *key);
const char *http_cookie(const http_request *r, const char *key);

/* Parse a decimal id from a route parameter or argument; -1 when invalid. */
int64_t http_parse_id(const char *s);

/* Answer with a JSON document (takes ownership of j and deletes it). */
void http_json(http_response *res, int status, cJSON *j);
/* Answer {"error":{"code","message","field"}} (field may be NULL or ""). */
void http_error(http_response *res, int status, const char *code, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Map a jy_err to a status and an error answer. */
void http_error_from(http_response *res, const jy_err *err);

/* Parse the request body as a JSON object; on failure answer 400 and return NULL. */
cJSON *http_json_body(const http_request *r, http_response *res);

/* Field helpers for JSON bodies: a string field (NULL when absent; answers
 * 400 naming the field and sets *bad when present with the wrong type). */
const char *http_field_str(const cJSON *obj, const char *name, http_response *res, int *bad);
/* An integer field: 1 and *out when present; 0 when absent; -1 (400) on wrong type. */
int http_field_int(const cJSON *obj, const char *name, int64_t *out, http_response *res, int *bad);

/* Write an audit record for this request (who, from where). */
void http_audit(const http_request *r, const char *action, const char *entity,
		const char *entity_id, int64_t person_id, const char *detail);

#endif
