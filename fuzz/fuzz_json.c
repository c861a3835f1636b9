/*
 * fuzz_json.c — cJSON itself, as every request body meets it: parse with
 * a length, print, parse the print again and compare.  Built against the
 * vendored copy in fuzz/cjson/ (Debian's 1.7.15 with Debian's security
 * patches) so that the fuzzer sees inside it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "fuzz.h"

/* Numbers too large for a double print as null: no round trip to expect. */
static int all_finite(const cJSON *j)
{
	for (; j; j = j->next) {
		if (cJSON_IsNumber(j) && !isfinite(j->valuedouble))
			return 0;
		if (j->child && !all_finite(j->child))
			return 0;
	}
	return 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *j = cJSON_ParseWithLength((const char *)data, size);
	if (!j)
		return 0;
	char *out = cJSON_PrintUnformatted(j);
	if (out && all_finite(j)) {
		cJSON *again = cJSON_Parse(out);
		if (!again || !cJSON_Compare(j, again, 1)) {
			fprintf(stderr, "fuzz_json: printed JSON does not parse back the same: %s\n",
				out);
			abort();
		}
		cJSON_Delete(again);
	}
	free(out);
	cJSON_Delete(j);
	return 0;
}
