/*
 * fuzz_json.c — cJSON itself, as every request body meets it: parse with
 * a length, print, parse the print and print again: the same text.  Built against the
 * vendored copy in fuzz/cjson/ (Debian's 1.7.15 with Debian's security
 * patches) so that the fuzzer sees inside it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	/* Print, parse the print, print again: the two prints must be the
	 * same text.  (Not cJSON_Compare: with a duplicate key, e.g.
	 * {"a":[1],"a":{}}, it looks the second "a" up as the first.) */
	char *out = cJSON_PrintUnformatted(j);
	if (out && all_finite(j)) {
		cJSON *again = cJSON_Parse(out);
		char *out2 = again ? cJSON_PrintUnformatted(again) : NULL;
		if (!out2 || strcmp(out, out2)) {
			fprintf(stderr, "fuzz_json: printed JSON does not parse back the same: %s\n",
				out);
			abort();
		}
		free(out2);
		cJSON_Delete(again);
	}
	free(out);
	cJSON_Delete(j);
	return 0;
}
