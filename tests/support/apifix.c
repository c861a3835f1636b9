/*
 * apifix.c — see apifix.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "apifix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char school_roster[] = "学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
				    "S01,张一,男,2019级,一班,A101,13800000001\n"
				    "S02,张二,男,2019级,一班,A101,13800000002\n"
				    "S03,李三,女,2019级,二班,B201,13800000003\n"
				    "S04,李四,女,2019级,二班,B201,13800000004\n"
				    "S05,王五,男,2020级,三班,A102,13800000005\n"
				    "S06,王六,男,2020级,三班,A102,13800000006\n"
				    "S07,赵七,女,2020级,四班,B202,13800000007\n";

int api_school_start(api_school *s, const char *dbname)
{
	if (tu_school(&s->dir, s->db, sizeof s->db, dbname, school_roster))
		return -1;
	static const struct {
		const char *name, *role, *scope;
	} users[] = {
	    {"admin", "admin", NULL},		{"principal", "principal", NULL},
	    {"doc", "reporter", NULL},		{"wang", "logistics", NULL},
	    {"t1", "teacher", "一班"},		{"gate", "gate", NULL},
	    {"district", "district", "北碚区"},
	};
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
		if (tu_user_add(s->db, users[i].name, users[i].role, users[i].scope,
				"password-123"))
			return -1;
	if (test_server_start(&s->srv, s->db))
		return -1;
	char *cookies[] = {s->admin,   s->principal, s->reporter, s->logistics,
			   s->teacher, s->gate,	     s->district};
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
		char c[256];
		if (httpc_login(s->srv.port, users[i].name, "password-123", c, sizeof c) != 200)
			return -1;
		snprintf(cookies[i], sizeof s->admin, "Cookie: %.200s\r\n", c);
	}
	return 0;
}

void api_school_stop(api_school *s)
{
	test_server_stop(&s->srv);
	tu_rmtree_free(s->dir);
	s->dir = NULL;
}

int api_school_teardown(void **state)
{
	api_school_stop(*state);
	return 0;
}

void api_login(int port, const char *user, const char *password, char *cookie_hdr, size_t size)
{
	char c[256];
	assert_int_equal(httpc_login(port, user, password, c, sizeof c), 200);
	snprintf(cookie_hdr, size, "Cookie: %.200s\r\n", c);
}

int api_call(int port, const char *method, const char *path, const char *hdrs, const char *body,
	     cJSON **out)
{
	httpc_resp r;
	assert_int_equal(httpc_request(port, method, path, hdrs, body, body ? strlen(body) : 0, &r),
			 0);
	int status = r.status;
	if (out) {
		*out = cJSON_Parse(r.body);
		if (!*out)
			fprintf(stderr, "%s %s: not JSON: %s\n", method, path, r.body);
		assert_non_null(*out);
	}
	httpc_free(&r);
	return status;
}

/* Send a request whose status must be status; the answer in *r. */
static void request_expecting(int port, const char *method, const char *path, const char *hdrs,
			      const char *body, int status, httpc_resp *r)
{
	assert_int_equal(httpc_request(port, method, path, hdrs, body, body ? strlen(body) : 0, r),
			 0);
	if (r->status != status)
		fprintf(stderr, "%s %s: %d (want %d) %s\n", method, path, r->status, status,
			r->body);
	assert_int_equal(r->status, status);
}

void api_expect(int port, const char *method, const char *path, const char *hdrs, const char *body,
		int status)
{
	httpc_resp r;
	request_expecting(port, method, path, hdrs, body, status, &r);
	httpc_free(&r);
}

cJSON *api_json(int port, const char *method, const char *path, const char *hdrs, const char *body,
		int expect)
{
	httpc_resp r;
	request_expecting(port, method, path, hdrs, body, expect, &r);
	cJSON *j = cJSON_Parse(r.body);
	assert_non_null(j);
	httpc_free(&r);
	return j;
}

const cJSON *api_get(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);
	if (!v)
		fail_msg("missing key %s", k);
	return v;
}

const char *api_error_field(const cJSON *j)
{
	const cJSON *f = cJSON_GetObjectItem(api_get(j, "error"), "field");
	return cJSON_IsString(f) ? f->valuestring : "";
}
