/*
 * apifix.h — fixtures and checks for the API tests (cmocka): the
 * seven-role school served on loopback, logging in, and requests whose
 * status and JSON answer are checked.  Include cmocka.h before this.
 */
#ifndef JY_APIFIX_H
#define JY_APIFIX_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "httpc.h"

/* A school of seven students (S01..S07 in 一班..四班), one user a role
 * (admin, principal, doc = reporter, wang = logistics, t1 = teacher of 一班,
 * gate, district of 北碚区; all with password-123), served by a real
 * `jinyun serve`, with each role logged in: the fields are "Cookie: …\r\n"
 * header lines. */
typedef struct api_school {
	char *dir;
	char db[512];
	test_server srv;
	char admin[256], principal[256], reporter[256], logistics[256], teacher[256], gate[256],
	    district[256];
} api_school;

/* Make the school in a fresh directory with the database dbname; 0 or -1. */
int api_school_start(api_school *s, const char *dbname);
/* Stop the server and remove the directory (and database). */
void api_school_stop(api_school *s);
/* A cmocka group teardown for the school *state points to. */
int api_school_teardown(void **state);

/* Log in through POST /api/session; the status must be 200.  cookie_hdr
 * gets "Cookie: jy_session=…\r\n". */
void api_login(int port, const char *user, const char *password, char *cookie_hdr, size_t size);

/* Send a request; the status, and (when out) the parsed JSON body, which
 * must parse. */
int api_call(int port, const char *method, const char *path, const char *hdrs, const char *body,
	     cJSON **out);
/* Send a request; the status must be status (the body is printed otherwise). */
void api_expect(int port, const char *method, const char *path, const char *hdrs, const char *body,
		int status);
/* Send a request; the status must be expect; the parsed body (caller deletes). */
cJSON *api_json(int port, const char *method, const char *path, const char *hdrs, const char *body,
		int expect);

/* o's member k, which must be there. */
const cJSON *api_get(const cJSON *o, const char *k);
/* The field an error answer names ({"error":{"field":…}}), or "". */
const char *api_error_field(const cJSON *j);

#endif
