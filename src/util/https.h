/*
 * https.h — one outgoing HTTPS request (libcurl), for jurisdiction sharing.
 *
 * The server's certificate is checked against ca_file when given (a pinned
 * certificate or a private CA: partners usually run their own), otherwise
 * against the system's CAs; host names are always verified.  Plain http://
 * is refused unless allow_http is set (tests of the refusal paths only).
 */
#ifndef JY_HTTPS_H
#define JY_HTTPS_H

#include <stddef.h>

#include "util/err.h"

typedef struct https_req {
	const char *method;        /* GET POST */
	const char *url;
	const char *ca_file;       /* NULL or "" = system CAs */
	const char *headers[8];    /* "Name: value", NULL-terminated */
	const char *body;          /* may be NULL */
	size_t body_len;
	long timeout_s;            /* 0 = 20 s */
	int allow_http;
} https_req;

typedef struct https_resp {
	long status;
	char *body;                /* malloc'd, NUL-terminated; free with https_resp_free */
	size_t body_len;
	char set_cookie[256];      /* the first Set-Cookie's name=value, "" = none */
} https_resp;

/* Send the request; 0 and r filled when an answer came (any status), or
 * JY_EIO naming the URL and the transport error (TLS, connect, timeout). */
int https_request(const https_req *q, https_resp *r, jy_err *err);
void https_resp_free(https_resp *r);

#endif
