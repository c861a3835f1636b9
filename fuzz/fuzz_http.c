/*
 * fuzz_http.c — HTTP requests through the router and every handler.
 *
 * The input is a raw HTTP/1.1 request: "METHOD PATH[?QUERY] HTTP/1.1",
 * header lines, an empty line, the body.  The harness does what
 * libmicrohttpd does before our code sees a request (split, percent-decode
 * the path and arguments, parse the Cookie header) and calls
 * router_dispatch() on the fuzz school (fuzz.h) inside a transaction it
 * rolls back.  Two placeholders let inputs log in: a cookie value "@ROLE"
 * (e.g. jy_session=@teacher) becomes that demo login's session, and a
 * bearer token "@device" the gate device's token.
 *
 * FUZZ_TRACE=1 in the environment prints each request's status.
 *
 * Findings: any sanitizer report, a 500, a status outside 100..599, or an
 * application/json answer that is not JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "http/internal.h"

#define MAX_PAIRS 64

typedef struct pair {
	char *key, *value;
} pair;

typedef struct fz_req {
	pair args[MAX_PAIRS], headers[MAX_PAIRS], cookies[MAX_PAIRS];
	int nargs, nheaders, ncookies;
} fz_req;

static const char *find(const pair *p, int n, const char *key, int nocase)
{
	for (int i = 0; i < n; i++)
		if (nocase ? !strcasecmp(p[i].key, key) : !strcmp(p[i].key, key))
			return p[i].value;
	return NULL;
}

static const char *lookup(void *conn, int kind, const char *key)
{
	const fz_req *r = conn;
	if (kind == HTTP_ARG)
		return find(r->args, r->nargs, key, 0);
	if (kind == HTTP_HEADER)
		return find(r->headers, r->nheaders, key, 1);
	return find(r->cookies, r->ncookies, key, 0);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode s in place (and '+' as space when plus). */
static void decode(char *s, int plus)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			*o++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		} else {
			*o++ = plus && *p == '+' ? ' ' : *p;
		}
	}
	*o = 0;
}

/* The placeholders: "@admin" … and "Bearer @device". */
static const char *session_of(const fz_school *fz, const char *v)
{
	for (int r = 0; fz_roles[r]; r++)
		if (v[0] == '@' && !strcmp(v + 1, fz_roles[r]))
			return fz->session[r];
	return v;
}

static void parse_query(fz_req *r, char *q)
{
	for (char *tok = strtok(q, "&"); tok && r->nargs < MAX_PAIRS; tok = strtok(NULL, "&")) {
		char *eq = strchr(tok, '=');
		if (eq)
			*eq = 0;
		decode(tok, 1);
		if (eq)
			decode(eq + 1, 1);
		r->args[r->nargs++] = (pair){ tok, eq ? eq + 1 : "" };
	}
}

static void parse_cookies(fz_req *r, const fz_school *fz, char *c)
{
	char *save = NULL;
	for (char *tok = strtok_r(c, ";", &save); tok && r->ncookies < MAX_PAIRS;
	     tok = strtok_r(NULL, ";", &save)) {
		while (*tok == ' ')
			tok++;
		char *eq = strchr(tok, '=');
		if (!eq)
			continue;
		*eq = 0;
		r->cookies[r->ncookies++] = (pair){ tok, (char *)session_of(fz, eq + 1) };
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_school_get();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_school *fz = fz_school_get();
	static server_shared shared;
	if (!shared.logins)
		shared.logins = ratelimit_new();

	/* Head and body: split at the first empty line. */
	char *in = malloc(size + 1);
	memcpy(in, data, size);
	in[size] = 0;
	char *body = "";
	size_t body_len = 0;
	char *sep = strstr(in, "\r\n\r\n");
	size_t seplen = 4;
	char *lf = strstr(in, "\n\n");
	if (!sep || (lf && lf < sep)) {
		sep = lf;
		seplen = 2;
	}
	if (sep) {
		*sep = 0;
		body = sep + seplen;
		body_len = size - (size_t)(body - in);
	}

	fz_req r;
	memset(&r, 0, sizeof r);
	char cookie_buf[4096] = "";
	char *save = NULL;
	char *line = strtok_r(in, "\r\n", &save);
	char *method = line ? line : "GET", *path = "/";
	char *sp = line ? strchr(line, ' ') : NULL;
	if (sp) {
		*sp = 0;
		path = sp + 1;
		char *v = strchr(path, ' ');
		if (v)
			*v = 0;
		char *q = strchr(path, '?');
		if (q) {
			*q = 0;
			parse_query(&r, q + 1);
		}
		decode(path, 0);
	}
	while ((line = strtok_r(NULL, "\r\n", &save)) && r.nheaders < MAX_PAIRS) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = 0;
		char *v = colon + 1;
		while (*v == ' ')
			v++;
		if (!strcasecmp(line, "Cookie"))
			snprintf(cookie_buf, sizeof cookie_buf, "%s", v);
		if (!strcasecmp(line, "Authorization") && !strcmp(v, "Bearer @device")) {
			static char bearer[96];
			snprintf(bearer, sizeof bearer, "Bearer %s", fz->device_token);
			v = bearer;
		}
		r.headers[r.nheaders++] = (pair){ line, v };
	}
	parse_cookies(&r, fz, cookie_buf);

	http_request req;
	memset(&req, 0, sizeof req);
	req.method = method;
	req.path = path;
	req.body = body;
	req.body_len = body_len;
	snprintf(req.ip, sizeof req.ip, "127.0.0.1");
	req.conn = &r;
	req.lookup = lookup;
	req.store = fz->s;
	req.server_ctx = &shared;
	http_response res;
	memset(&res, 0, sizeof res);

	jy_err err = { 0 };
	if (store_begin(fz->s, &err)) {
		fprintf(stderr, "store_begin: %s\n", err.msg);
		abort();
	}
	fz_dispatch(&req, &res);
	store_rollback(fz->s);

	static int trace = -1;
	if (trace < 0)
		trace = getenv("FUZZ_TRACE") != NULL;
	if (trace)
		fprintf(stderr, "%s %s -> %d\n", method, path, res.status);
	if (res.status < 100 || res.status > 599 || res.status == 500) {
		fprintf(stderr, "fuzz_http: %s %s answered %d: %.*s\n", method, path, res.status,
			(int)res.body_len, res.body ? res.body : "");
		abort();
	}
	if (res.body && res.content_type && strstr(res.content_type, "application/json")) {
		cJSON *j = cJSON_ParseWithLength(res.body, res.body_len);
		if (!j) {
			fprintf(stderr, "fuzz_http: %s %s answered JSON that does not parse\n", method,
				path);
			abort();
		}
		cJSON_Delete(j);
	}
	free(res.body);
	free(in);
	return 0;
}
