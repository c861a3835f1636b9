/*
 * table.h — a spreadsheet read into memory: the common shape of what the CSV
 * and xlsx readers return, so that importers do not care which it was.
 *
 * Every cell is a NUL-terminated UTF-8 string (never NULL; "" when empty).
 * Row 0 is the first row of the file (normally the header).  rownum[i] is the
 * number a spreadsheet program shows for row i (header = 1), so that an error
 * can say FILE:ROW:COLUMN; for CSV it counts records, for xlsx it is the
 * sheet's own row number (blank rows are skipped but numbering is kept).
 * Rows may have different lengths (ncells[i]); cell() returns "" past the end.
 */
#ifndef JY_TABLE_H
#define JY_TABLE_H

#include <stddef.h>

#include "util/err.h"

typedef struct table {
	size_t nrows;
	size_t *ncells;   /* cells in row i */
	char ***cells;    /* cells[i][j] */
	long *rownum;     /* spreadsheet row number of row i */
	char *encoding;   /* "UTF-8", "UTF-8 BOM", "GB18030", "xlsx" */
} table;

/* The cell at (row, col), or "" when the row is shorter. */
const char *table_cell(const table *t, size_t row, size_t col);

/* Free a table and everything it owns; NULL is accepted. */
void table_free(table *t);

/*
 * Read a CSV file (RFC 4180: quotes, doubled quotes, newlines in quoted
 * fields, CRLF or LF).  The encoding is detected: UTF-8 with or without BOM,
 * else GB18030 (a superset of GBK, what Excel on Chinese Windows writes),
 * converted to UTF-8.  On failure returns a negative code and fills err with
 * the file and row.  *out is owned by the caller (table_free).
 */
int csv_read_file(const char *path, table **out, jy_err *err);

/* The same from a buffer; name is used in error messages only. */
int csv_read_buffer(const char *name, const char *data, size_t len,
		    table **out, jy_err *err);

/*
 * Read one sheet of an .xlsx workbook (sheet == NULL: the first sheet in
 * workbook order).  Shared strings, inline strings and rich text runs are
 * read; numbers are rendered without a spurious ".0" (2019010101, 36.5);
 * cells whose number format is a date become "YYYY-MM-DD" (or
 * "YYYY-MM-DD HH:MM:SS" when the format has a time part).  Errors name the
 * file and, where one is involved, the part inside the zip.
 */
int xlsx_read_file(const char *path, const char *sheet, table **out, jy_err *err);

/*
 * The same within a budget, for files from strangers (an upload): every
 * part may inflate to at most max_bytes and the table's cell text may come
 * to at most max_bytes (a shared string repeated in many cells counts each
 * time), else JY_ETOOBIG.  max_bytes 0: the defaults of xlsx_read_file.
 */
int xlsx_read_file_limited(const char *path, const char *sheet, size_t max_bytes, table **out,
			   jy_err *err);

#endif
