/*
 * table_builder.h — how the CSV and xlsx readers assemble a table (private to
 * src/util; importers only see table.h).
 *
 * A reader appends cell text row by row; the builder keeps all text in one
 * growing buffer and the cells as offsets into it, so that reading a sheet
 * costs a handful of reallocations, not one malloc per cell.  At the end,
 * table_builder_finish() lays the whole table out in ONE allocation (struct,
 * row arrays, cell pointers, text), which is why table_free() is a single
 * free().
 *
 * Rows in which every cell is empty are dropped (their number is simply not
 * used), matching how the xlsx reader skips blank rows.
 */
#ifndef JY_TABLE_BUILDER_H
#define JY_TABLE_BUILDER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/table.h"

/* Upper bound on the cells of one table (padding cells included): a guard
 * against hostile files, far above any school's roster (~128 MiB of
 * pointers at the limit). */
#define TABLE_MAX_CELLS ((size_t)1 << 24)

typedef struct table_builder {
	char *text; /* cell text, NUL-terminated each; text[0] = "" */
	size_t text_len, text_cap;
	size_t *cell; /* text offset of every kept cell, row after row */
	size_t ncell, cell_cap;
	size_t *row_first; /* index in cell[] of the first cell of row i */
	long *rownum;
	size_t nrows, row_cap;
	size_t row_start;  /* index in cell[] where the open row begins */
	size_t cell_start; /* text offset where the open cell begins */
	size_t max_text;   /* bytes of cell text allowed (0: no limit); set after init */
} table_builder;

/* Start an empty builder; text_hint is the expected text size (0: unknown). */
int table_builder_init(table_builder *b, size_t text_hint);

/* Append n bytes to the open cell (a cell is open from the previous
 * end_cell/end_row until the next end_cell).  JY_ETOOBIG past max_text,
 * JY_ENOMEM on failure. */
int table_builder_append(table_builder *b, const char *s, size_t n);

/* Close the open cell as the next cell of the open row.  JY_ETOOBIG past
 * TABLE_MAX_CELLS, JY_ENOMEM. */
int table_builder_end_cell(table_builder *b);

/* append + end_cell. */
int table_builder_cell(table_builder *b, const char *s, size_t n);

/* Number of cells closed so far in the open row. */
size_t table_builder_row_cells(const table_builder *b);

/* Add empty cells until the open row has ncols cells. */
int table_builder_pad(table_builder *b, size_t ncols);

/*
 * Close the open row with its spreadsheet number.  trim drops trailing empty
 * cells (xlsx: formatted but blank cells).  A row whose cells are all empty
 * is dropped.  Any text appended to a not-yet-closed cell is discarded.
 */
int table_builder_end_row(table_builder *b, long rownum, bool trim);

/*
 * Lay out the table in one allocation and hand it to *out; the builder is
 * emptied (table_builder_free is still allowed).  encoding is copied.
 */
int table_builder_finish(table_builder *b, const char *encoding, table **out);

/* Release what the builder holds; safe to call twice. */
void table_builder_free(table_builder *b);

#endif
