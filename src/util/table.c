/*
 * table.c — the in-memory spreadsheet shared by the CSV and xlsx readers
 * (table.h), and the builder they fill it with (table_builder.h).
 *
 * A finished table is a single allocation: the struct, then ncells[],
 * rownum[], cells[] (row pointers into one flat array of cell pointers), the
 * flat array, the cell text and the encoding name.  Empty cells all point at
 * the same "" at the start of the text.  So table_free() is one free(), and a
 * 10,000-row sheet costs no more allocations than a 10-row one.
 */
#include "util/table.h"

#include <assert.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/table_builder.h"

const char *table_cell(const table *t, size_t row, size_t col)
{
	if (!t || row >= t->nrows || col >= t->ncells[row])
		return "";
	return t->cells[row][col];
}

void table_free(table *t)
{
	free(t);
}

/* Grow *p (an array of elem-byte items with capacity *cap) to hold need. */
static int table_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 64;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return JY_ENOMEM;
		n *= 2;
	}
	if (n > SIZE_MAX / elem)
		return JY_ENOMEM;
	void *q = realloc(*p, n * elem);
	if (!q)
		return JY_ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

int table_builder_init(table_builder *b, size_t text_hint)
{
	memset(b, 0, sizeof *b);
	size_t cap = text_hint < 4096 ? 4096 : text_hint + 1;
	b->text = malloc(cap);
	if (!b->text)
		return JY_ENOMEM;
	b->text_cap = cap;
	b->text[0] = 0;
	b->text_len = 1;
	b->cell_start = 1;
	return 0;
}

int table_builder_append(table_builder *b, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (n > SIZE_MAX - b->text_len - 1)
		return JY_ENOMEM;
	if (b->max_text && b->text_len + n > b->max_text)
		return JY_ETOOBIG;
	if (table_grow((void **)&b->text, &b->text_cap, b->text_len + n + 1, 1))
		return JY_ENOMEM;
	memcpy(b->text + b->text_len, s, n);
	b->text_len += n;
	return 0;
}

int table_builder_end_cell(table_builder *b)
{
	if (b->ncell >= TABLE_MAX_CELLS)
		return JY_ETOOBIG;
	if (table_grow((void **)&b->cell, &b->cell_cap, b->ncell + 1, sizeof *b->cell))
		return JY_ENOMEM;
	if (b->text_len == b->cell_start) {
		b->cell[b->ncell++] = 0; /* the shared "" */
		return 0;
	}
	/* append() always leaves room for this NUL */
	assert(b->text_len < b->text_cap);
	b->text[b->text_len++] = 0;
	b->cell[b->ncell++] = b->cell_start;
	b->cell_start = b->text_len;
	return 0;
}

int table_builder_cell(table_builder *b, const char *s, size_t n)
{
	int rc = table_builder_append(b, s, n);
	return rc ? rc : table_builder_end_cell(b);
}

size_t table_builder_row_cells(const table_builder *b)
{
	return b->ncell - b->row_start;
}

int table_builder_pad(table_builder *b, size_t ncols)
{
	/* discard any stray open text so padding cells stay empty */
	b->text_len = b->cell_start;
	while (table_builder_row_cells(b) < ncols) {
		int rc = table_builder_end_cell(b);
		if (rc)
			return rc;
	}
	return 0;
}

int table_builder_end_row(table_builder *b, long rownum, bool trim)
{
	b->text_len = b->cell_start;
	size_t end = b->ncell;
	bool blank = true;
	for (size_t i = b->row_start; i < end; i++) {
		if (b->cell[i]) {
			blank = false;
			break;
		}
	}
	if (blank) {
		b->ncell = b->row_start;
		return 0;
	}
	if (trim) {
		while (end > b->row_start && b->cell[end - 1] == 0)
			end--;
		b->ncell = end;
	}
	if (b->nrows == b->row_cap) {
		size_t cap = b->row_cap, cap2 = b->row_cap;
		if (table_grow((void **)&b->row_first, &cap, b->nrows + 1, sizeof *b->row_first) ||
		    table_grow((void **)&b->rownum, &cap2, b->nrows + 1, sizeof *b->rownum))
			return JY_ENOMEM;
		b->row_cap = cap < cap2 ? cap : cap2;
	}
	b->row_first[b->nrows] = b->row_start;
	b->rownum[b->nrows] = rownum;
	b->nrows++;
	b->row_start = b->ncell;
	return 0;
}

static size_t table_align(size_t n)
{
	size_t a = alignof(max_align_t);
	return (n + a - 1) / a * a;
}

int table_builder_finish(table_builder *b, const char *encoding, table **out)
{
	*out = NULL;
	/* an unfinished row is not part of the table */
	b->ncell = b->row_start;
	b->text_len = b->cell_start;

	size_t nrows = b->nrows, ncell = b->ncell, enc_len = strlen(encoding) + 1;
	if (ncell > TABLE_MAX_CELLS || nrows > TABLE_MAX_CELLS)
		return JY_ETOOBIG;
	size_t off_ncells = table_align(sizeof(table));
	size_t off_rownum = table_align(off_ncells + nrows * sizeof(size_t));
	size_t off_rows = table_align(off_rownum + nrows * sizeof(long));
	size_t off_flat = table_align(off_rows + nrows * sizeof(char **));
	size_t off_text = off_flat + ncell * sizeof(char *);
	if (b->text_len > SIZE_MAX - off_text - enc_len)
		return JY_ENOMEM;
	size_t off_enc = off_text + b->text_len;
	char *block = malloc(off_enc + enc_len);
	if (!block)
		return JY_ENOMEM;

	table *t = (table *)block;
	t->nrows = nrows;
	t->ncells = (size_t *)(block + off_ncells);
	t->rownum = (long *)(block + off_rownum);
	t->cells = (char ***)(block + off_rows);
	char **flat = (char **)(block + off_flat);
	char *text = block + off_text;
	memcpy(text, b->text, b->text_len);
	for (size_t i = 0; i < ncell; i++)
		flat[i] = text + b->cell[i];
	for (size_t r = 0; r < nrows; r++) {
		size_t first = b->row_first[r];
		size_t last = r + 1 < nrows ? b->row_first[r + 1] : ncell;
		t->ncells[r] = last - first;
		t->cells[r] = flat + first;
		t->rownum[r] = b->rownum[r];
	}
	t->encoding = block + off_enc;
	memcpy(t->encoding, encoding, enc_len);

	table_builder_free(b);
	*out = t;
	return 0;
}

void table_builder_free(table_builder *b)
{
	free(b->text);
	free(b->cell);
	free(b->row_first);
	free(b->rownum);
	memset(b, 0, sizeof *b);
}
