/*
 * httpc.h — a tiny HTTP/1.1 client for the API tests, and a helper that
 * starts `jinyun serve` on a free loopback port and stops it again.
 */
#ifndef JY_HTTPC_H
#define JY_HTTPC_H

#include <stddef.h>
#include <sys/types.h>

typedef struct httpc_resp {
	int status;
	char *headers;   /* raw header block */
	char *body;      /* NUL-terminated */
	size_t body_len;
} httpc_resp;

/* Send one request (Connection: close) to 127.0.0.1:port.  extra_headers
 * are "Name: value\r\n" lines or NULL; body may be NULL.  Returns 0 and
 * fills r, or -1 when the connection failed. */
int httpc_request(int port, const char *method, const char *path, const char *extra_headers,
		  const char *body, size_t body_len, httpc_resp *r);
void httpc_free(httpc_resp *r);

/* The value of header name (case-insensitive) copied into out, or "" . */
void httpc_header(const httpc_resp *r, const char *name, char *out, size_t size);

/* Log in through POST /api/session; cookie gets "jy_session=…".  Returns
 * the status (200 on success; cookie is "" otherwise), or -1. */
int httpc_login(int port, const char *user, const char *password, char *cookie, size_t size);

typedef struct test_server {
	pid_t pid;
	int port;
} test_server;

/* Start `$JINYUN_BIN serve --db db --listen 127.0.0.1:0 --quiet`; waits until
 * it prints its address.  Returns 0 on success. */
int test_server_start(test_server *s, const char *db);
/* The same with more arguments (NULL-terminated list, may be NULL); with
 * stderr_path the server logs there instead of running --quiet. */
int test_server_start_ex(test_server *s, const char *db, const char *const *extra,
			 const char *stderr_path);
void test_server_stop(test_server *s);

#endif
