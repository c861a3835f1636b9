/*
 * fuzz_trace.c — the tracing engine's readers: SocioPatterns contact
 * files ("t i j Ci Cj" lines) and presence CSVs (person,place,start,end),
 * then the sort the engine runs before tracing.  The first byte chooses
 * the reader; the rest is the file.
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine/trace_io.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	trace_input in;
	if (trace_input_init(&in))
		return 0;
	jy_err err = { 0 };
	const char *text = (const char *)data + 1;
	int rc = data[0] & 1 ? trace_parse_presence("fuzz.csv", text, size - 1, &in, &err)
			     : trace_parse_contacts("fuzz.dat", text, size - 1, &in, &err);
	if (rc == 0) {
		for (size_t i = 0; i < in.nrecs; i++)
			if (!trace_names_get(in.persons, in.recs[i].i, NULL) ||
			    !trace_names_get(in.persons, in.recs[i].j, NULL)) {
				fprintf(stderr, "fuzz_trace: record %zu names an unknown person\n", i);
				abort();
			}
		trace_input_sort_persons(&in, &err);
	} else if (!err.msg[0]) {
		fprintf(stderr, "fuzz_trace: failure without a message\n");
		abort();
	}
	trace_input_clear(&in);
	return 0;
}
