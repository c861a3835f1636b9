/*
 * fuzz_csv.c — the CSV reader (RFC 4180 quoting, CRLF/LF, UTF-8 with or
 * without BOM, GB18030/GBK detected and converted, UTF-16).
 *
 * Beyond the sanitizers it checks what importers rely on: every cell is
 * valid UTF-8 (after conversion), row numbers never go backwards, and a
 * failure always says why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/table.h"

static int valid_utf8(const unsigned char *s)
{
	while (*s) {
		int n = *s < 0x80 ? 0 : (*s >> 5) == 6 ? 1 : (*s >> 4) == 14 ? 2 : (*s >> 3) == 30 ? 3 : -1;
		if (n < 0)
			return 0;
		s++;
		for (int i = 0; i < n; i++, s++)
			if ((*s & 0xc0) != 0x80)
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
	table *t = NULL;
	jy_err err = { 0 };
	int rc = csv_read_buffer("fuzz.csv", (const char *)data, size, &t, &err);
	if (rc) {
		if (!err.msg[0]) {
			fprintf(stderr, "fuzz_csv: failure %d without a message\n", rc);
			abort();
		}
		return 0;
	}
	long last = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		if (t->rownum[i] < last) {
			fprintf(stderr, "fuzz_csv: row numbers go backwards at %zu\n", i);
			abort();
		}
		last = t->rownum[i];
		for (size_t j = 0; j < t->ncells[i]; j++) {
			if (!valid_utf8((const unsigned char *)t->cells[i][j])) {
				fprintf(stderr, "fuzz_csv: row %zu cell %zu is not UTF-8 (%s)\n", i, j,
					t->encoding);
				abort();
			}
		}
	}
	table_free(t);
	return 0;
}
