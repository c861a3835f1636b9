/*
 * https.c — see https.h.  A thin libcurl wrapper: one easy handle per
 * request (sharing sends a handful of messages a day), the body collected
 * into memory up to 16 MiB, the first Set-Cookie kept for callers that log
 * in.  curl_global_init runs once in main(); libcurl calls it itself for
 * programs (tests) that do not.
 */
#include "util/https.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#define HTTPS_MAX_BODY (16u * 1024 * 1024)

typedef struct sink {
	https_resp *r;
	size_t cap;
	int too_big;
} sink;

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	sink *k = arg;
	size_t len = size * n;
	https_resp *r = k->r;
	if (r->body_len + len + 1 > HTTPS_MAX_BODY) {
		k->too_big = 1;
		return 0;
	}
	if (r->body_len + len + 1 > k->cap) {
		size_t cap = k->cap ? k->cap : 4096;
		while (cap < r->body_len + len + 1)
			cap *= 2;
		char *b = realloc(r->body, cap);
		if (!b)
			return 0;
		r->body = b;
		k->cap = cap;
	}
	memcpy(r->body + r->body_len, p, len);
	r->body_len += len;
	r->body[r->body_len] = 0;
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	https_resp *r = arg;
	size_t len = size * n;
	if (!r->set_cookie[0] && len > 11 && !strncasecmp(p, "Set-Cookie:", 11)) {
		const char *v = p + 11;
		while (*v == ' ' && v < p + len)
			v++;
		size_t vl = 0;
		while (v + vl < p + len && v[vl] != ';' && v[vl] != '\r' && v[vl] != '\n')
			vl++;
		if (vl < sizeof r->set_cookie) {
			memcpy(r->set_cookie, v, vl);
			r->set_cookie[vl] = 0;
		}
	}
	return len;
}

int https_request(const https_req *q, https_resp *r, jy_err *err)
{
	memset(r, 0, sizeof *r);
	if (strncmp(q->url, "https://", 8) != 0 && !(q->allow_http && !strncmp(q->url, "http://", 7)))
		return err_set(err, JY_EINVAL, "只允许 HTTPS (only https:// URLs): %s", q->url);
	CURL *c = curl_easy_init();
	if (!c)
		return err_set(err, JY_ENOMEM, "curl_easy_init failed");
	struct curl_slist *hs = NULL;
	for (int i = 0; i < 8 && q->headers[i]; i++)
		hs = curl_slist_append(hs, q->headers[i]);
	hs = curl_slist_append(hs, "Expect:");
	sink k = { r, 0, 0 };
	char ebuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, q->url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, q->allow_http ? "https,http" : "https");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (q->ca_file && q->ca_file[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, q->ca_file);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, q->timeout_s > 0 ? q->timeout_s : 20L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &k);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	if (q->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
	}
	CURLcode cc = curl_easy_perform(c);
	int rc = 0;
	if (cc != CURLE_OK) {
		rc = err_set(err, JY_EIO, "无法连接 %s (request failed): %s", q->url,
			     k.too_big ? "answer over 16 MiB" : ebuf[0] ? ebuf : curl_easy_strerror(cc));
		https_resp_free(r);
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		if (!r->body) {
			r->body = calloc(1, 1);
			if (!r->body)
				rc = err_set(err, JY_ENOMEM, "out of memory");
		}
	}
	curl_slist_free_all(hs);
	curl_easy_cleanup(c);
	return rc;
}

void https_resp_free(https_resp *r)
{
	if (!r)
		return;
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
}
