/*
 * test_assets.c — the embedded web UI as a browser gets it from a real
 * `jinyun serve`: every file answers the same bytes whether or not it is
 * sent gzip-compressed (decoded here with the system's gzip), the headers
 * say which (Content-Encoding, Vary, distinct ETags), Accept-Encoding is
 * read properly (q=0, "*", x-gzip, case), and revalidation with the ETag
 * of either representation answers 304.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpc.h"
#include "testutil.h"

static struct {
	char *dir;
	char *db;
	test_server srv;
} fx;

/* The files the build embeds (web/build.mjs), and a UI route answered with index.html. */
static const char *const files[] = { "/index.html", "/app.js", "/app.css", "/charts.js" };

static int setup(void **state)
{
	(void)state;
	fx.dir = tu_tmpdir();
	fx.db = malloc(512);
	tu_db(fx.db, 512, fx.dir, "assets.db");
	char cmd[1024], *out = NULL, *err = NULL;
	snprintf(cmd, sizeof cmd, "%s init --db %s", tu_jinyun_bin(), fx.db);
	int rc = tu_run(cmd, NULL, &out, &err);
	if (rc)
		fprintf(stderr, "jinyun init failed (%d): %s%s", rc, out ? out : "", err ? err : "");
	free(out);
	free(err);
	return rc ? -1 : test_server_start(&fx.srv, fx.db);
}

static int teardown(void **state)
{
	(void)state;
	test_server_stop(&fx.srv);
	tu_rmtree_free(fx.dir);
	free(fx.db);
	return 0;
}

static void get(const char *path, const char *headers, httpc_resp *r)
{
	assert_int_equal(httpc_request(fx.srv.port, "GET", path, headers, NULL, 0, r), 0);
}

static int has_header(const httpc_resp *r, const char *name, const char *value)
{
	char v[256];
	httpc_header(r, name, v, sizeof v);
	return value ? !strcmp(v, value) : v[0] != 0;
}

/* Decode a gzip body with `gzip -dc`; malloc'd bytes, length in *len. */
static char *gunzip(const httpc_resp *r, size_t *len)
{
	char *in = tu_write_file(fx.dir, "body.gz", r->body, r->body_len);
	char cmd[2048], *out = NULL, *err = NULL;
	snprintf(cmd, sizeof cmd, "gzip -dc '%s' > '%s/body'", in, fx.dir);
	int rc = tu_run(cmd, NULL, &out, &err);
	if (rc)
		fprintf(stderr, "gzip -dc failed (%d): %s\n", rc, err ? err : "");
	assert_int_equal(rc, 0);
	free(out);
	free(err);
	free(in);
	char path[1024];
	snprintf(path, sizeof path, "%s/body", fx.dir);
	return tu_read_file(path, len);
}

static void test_gzip_answer_decodes_to_the_same_bytes_for_every_file(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		httpc_resp plain, zipped;
		get(files[i], NULL, &plain);
		get(files[i], "Accept-Encoding: gzip, deflate, br\r\n", &zipped);
		assert_int_equal(plain.status, 200);
		assert_int_equal(zipped.status, 200);
		assert_true(plain.body_len > 0);
		assert_false(has_header(&plain, "Content-Encoding", NULL));
		assert_true(has_header(&zipped, "Content-Encoding", "gzip"));
		assert_true(has_header(&plain, "Vary", "Accept-Encoding"));
		assert_true(has_header(&zipped, "Vary", "Accept-Encoding"));
		assert_true(zipped.body_len < plain.body_len);
		char ct1[128], ct2[128];
		httpc_header(&plain, "Content-Type", ct1, sizeof ct1);
		httpc_header(&zipped, "Content-Type", ct2, sizeof ct2);
		assert_string_equal(ct1, ct2);

		size_t len = 0;
		char *decoded = gunzip(&zipped, &len);
		assert_non_null(decoded);
		if (len != plain.body_len)
			fprintf(stderr, "%s: %zu bytes decoded, %zu plain\n", files[i], len, plain.body_len);
		assert_int_equal(len, plain.body_len);
		assert_memory_equal(decoded, plain.body, len);
		free(decoded);

		char e1[128], e2[128];
		httpc_header(&plain, "ETag", e1, sizeof e1);
		httpc_header(&zipped, "ETag", e2, sizeof e2);
		assert_true(e1[0] && e2[0]);
		assert_string_not_equal(e1, e2);
		httpc_free(&plain);
		httpc_free(&zipped);
	}
}

static void test_ui_route_gets_index_html_compressed(void **state)
{
	(void)state;
	httpc_resp idx, route;
	get("/index.html", "Accept-Encoding: gzip\r\n", &idx);
	get("/alerts/12", "Accept-Encoding: gzip\r\n", &route);
	assert_int_equal(route.status, 200);
	assert_true(has_header(&route, "Content-Encoding", "gzip"));
	assert_int_equal(route.body_len, idx.body_len);
	assert_memory_equal(route.body, idx.body, idx.body_len);
	httpc_free(&idx);
	httpc_free(&route);
}

static void test_accept_encoding_is_read_with_its_q_values(void **state)
{
	(void)state;
	static const struct {
		const char *header;
		int gzip;
	} cases[] = {
		{ "Accept-Encoding: gzip;q=0\r\n", 0 },
		{ "Accept-Encoding: gzip; q=0.0, br\r\n", 0 },
		{ "Accept-Encoding: identity\r\n", 0 },
		{ "Accept-Encoding: br, deflate\r\n", 0 },
		{ "Accept-Encoding: gzipx\r\n", 0 },
		{ "Accept-Encoding: *;q=0\r\n", 0 },
		{ "Accept-Encoding: *\r\n", 1 },
		{ "Accept-Encoding: GZIP\r\n", 1 },
		{ "Accept-Encoding: x-gzip\r\n", 1 },
		{ "Accept-Encoding: br;q=1.0, gzip;q=0.8, *;q=0.1\r\n", 1 },
		{ "Accept-Encoding: gzip;q=0, *\r\n", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		httpc_resp r;
		get("/app.js", cases[i].header, &r);
		assert_int_equal(r.status, 200);
		if (has_header(&r, "Content-Encoding", "gzip") != cases[i].gzip)
			fprintf(stderr, "%s", cases[i].header);
		assert_int_equal(has_header(&r, "Content-Encoding", "gzip"), cases[i].gzip);
		httpc_free(&r);
	}
}

static void test_revalidation_answers_304_per_representation(void **state)
{
	(void)state;
	httpc_resp plain, zipped, r;
	get("/app.css", NULL, &plain);
	get("/app.css", "Accept-Encoding: gzip\r\n", &zipped);
	char e1[128], e2[128], hdr[512];
	httpc_header(&plain, "ETag", e1, sizeof e1);
	httpc_header(&zipped, "ETag", e2, sizeof e2);

	snprintf(hdr, sizeof hdr, "Accept-Encoding: gzip\r\nIf-None-Match: %s\r\n", e2);
	get("/app.css", hdr, &r);
	assert_int_equal(r.status, 304);
	assert_true(has_header(&r, "Vary", "Accept-Encoding"));
	assert_int_equal(r.body_len, 0);
	httpc_free(&r);

	snprintf(hdr, sizeof hdr, "If-None-Match: %s\r\n", e1);
	get("/app.css", hdr, &r);
	assert_int_equal(r.status, 304);
	httpc_free(&r);

	/* The compressed copy's ETag does not revalidate the plain bytes. */
	snprintf(hdr, sizeof hdr, "If-None-Match: %s\r\n", e2);
	get("/app.css", hdr, &r);
	assert_int_equal(r.status, 200);
	assert_false(has_header(&r, "Content-Encoding", NULL));
	assert_int_equal(r.body_len, plain.body_len);
	httpc_free(&r);

	/* A list of ETags, the browser's own among them. */
	snprintf(hdr, sizeof hdr, "Accept-Encoding: gzip\r\nIf-None-Match: \"0000\", %s\r\n", e2);
	get("/app.css", hdr, &r);
	assert_int_equal(r.status, 304);
	httpc_free(&r);
	httpc_free(&plain);
	httpc_free(&zipped);
}

static void test_api_answers_are_not_touched(void **state)
{
	(void)state;
	httpc_resp r;
	get("/healthz", "Accept-Encoding: gzip\r\n", &r);
	assert_int_equal(r.status, 200);
	assert_false(has_header(&r, "Content-Encoding", NULL));
	assert_non_null(strstr(r.body, "\"ok\""));
	httpc_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip_answer_decodes_to_the_same_bytes_for_every_file),
		cmocka_unit_test(test_ui_route_gets_index_html_compressed),
		cmocka_unit_test(test_accept_encoding_is_read_with_its_q_values),
		cmocka_unit_test(test_revalidation_answers_304_per_representation),
		cmocka_unit_test(test_api_answers_are_not_touched),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
