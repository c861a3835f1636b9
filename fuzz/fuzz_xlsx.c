/*
 * fuzz_xlsx.c — the xlsx reader: the zip container (minizip) and the XML
 * parts inside it (workbook, relationships, shared strings, styles, the
 * sheet; expat).  The input is the whole .xlsx file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"
#include "util/table.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fz_memfile(data, size, path);
	table *t = NULL;
	jy_err err = { 0 };
	if (xlsx_read_file(path, NULL, &t, &err) == 0) {
		for (size_t i = 0; i < t->nrows; i++)
			for (size_t j = 0; j <= t->ncells[i]; j++)
				(void)table_cell(t, i, j);
		table_free(t);
	} else if (!err.msg[0]) {
		fprintf(stderr, "fuzz_xlsx: failure without a message\n");
		abort();
	}
	close(fd);
	return 0;
}
