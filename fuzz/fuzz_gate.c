/*
 * fuzz_gate.c — what a gate terminal sends: the JSON body of
 * POST /api/gate/readings ({"person","temperature","time"}), with a valid
 * device token, through the router and the decision (admit / recheck /
 * refuse) on the fuzz school, rolled back after each input (fuzz.h).
 *
 * Findings besides the sanitizers: an answer other than 200 or 400, a 200
 * without one of the three decisions, a 400 without a field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "http/internal.h"

static const char *lookup(void *conn, int kind, const char *key)
{
	const char *bearer = conn;
	if (kind == HTTP_HEADER && !strcasecmp(key, "Authorization"))
		return bearer;
	if (kind == HTTP_HEADER && !strcasecmp(key, "Content-Type"))
		return "application/json";
	return NULL;
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
	char bearer[96];
	snprintf(bearer, sizeof bearer, "Bearer %s", fz->device_token);
	char *body = malloc(size + 1);
	memcpy(body, data, size);
	body[size] = 0;

	http_request req;
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.path = "/api/gate/readings";
	req.body = body;
	req.body_len = size;
	snprintf(req.ip, sizeof req.ip, "127.0.0.1");
	req.conn = bearer;
	req.lookup = lookup;
	req.store = fz->s;
	req.server_ctx = &shared;
	http_response res;
	memset(&res, 0, sizeof res);
	jy_err err = { 0 };
	if (store_begin(fz->s, &err))
		abort();
	fz_dispatch(&req, &res);
	store_rollback(fz->s);

	cJSON *j = res.body ? cJSON_ParseWithLength(res.body, res.body_len) : NULL;
	const char *why = NULL;
	if (res.status == 200) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "decision");
		if (!cJSON_IsString(d) || (strcmp(d->valuestring, "admit") &&
					   strcmp(d->valuestring, "recheck") &&
					   strcmp(d->valuestring, "refuse")))
			why = "200 without a decision";
	} else if (res.status == 400) {
		if (!j)
			why = "400 without a JSON error";
	} else {
		why = "an answer other than 200 or 400";
	}
	if (why) {
		fprintf(stderr, "fuzz_gate: %s (%d): %.*s\n", why, res.status, (int)res.body_len,
			res.body ? res.body : "");
		abort();
	}
	cJSON_Delete(j);
	free(res.body);
	free(body);
	return 0;
}
