/*
 * test_xlsx.c — the xlsx reader (src/util/xlsx.c).  Workbooks written with
 * libxlsxwriter check what Excel-like files give (Chinese text, numbers,
 * dates, several sheets); workbooks assembled part by part with minizip's
 * zip.h check what libxlsxwriter never writes (inline strings, rich text
 * runs, phonetic runs, the 1904 date system, absolute targets) and what a
 * broken or hostile file does: always an error code and a message naming the
 * file and part, never a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>
#include <zip.h>
#include <zlib.h>

#include "testutil.h"
#include "util/table.h"

#define NS_MAIN	 "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL	 "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG	 "http://schemas.openxmlformats.org/package/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

static const char root_rels[] = XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"
					 "<Relationship Id=\"rId1\" Type=\"" NS_REL
					 "/officeDocument\" Target=\"xl/workbook.xml\"/>"
					 "</Relationships>";

static const char workbook_one[] =
    XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
	     "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

/* sheet by absolute target, the others relative, as different writers do */
static const char workbook_rels[] = XML_DECL
    "<Relationships xmlns=\"" NS_PKG "\">"
    "<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" Target=\"/xl/worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" NS_REL "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" NS_REL "/styles\" Target=\"./styles.xml\"/>"
    "</Relationships>";

typedef struct test_ctx {
	char *dir;
} test_ctx;

static int setup(void **state)
{
	test_ctx *c = calloc(1, sizeof *c);
	c->dir = tu_tmpdir();
	*state = c;
	return c->dir ? 0 : -1;
}

static int teardown(void **state)
{
	test_ctx *c = *state;
	tu_rmtree_free(c->dir);
	free(c);
	return 0;
}

static char *path_in(const test_ctx *c, const char *name)
{
	size_t n = strlen(c->dir) + strlen(name) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", c->dir, name);
	return p;
}

/* Write a zip of parts: {name, content, name, content, …, NULL}. */
static char *write_zip(const test_ctx *c, const char *name, const char *const *parts)
{
	char *path = path_in(c, name);
	zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
	assert_non_null(zf);
	for (size_t i = 0; parts[i]; i += 2) {
		zip_fileinfo zi;
		memset(&zi, 0, sizeof zi);
		assert_int_equal(zipOpenNewFileInZip(zf, parts[i], &zi, NULL, 0, NULL, 0, NULL,
						     Z_DEFLATED, Z_DEFAULT_COMPRESSION),
				 ZIP_OK);
		assert_int_equal(
		    zipWriteInFileInZip(zf, parts[i + 1], (unsigned)strlen(parts[i + 1])), ZIP_OK);
		assert_int_equal(zipCloseFileInZip(zf), ZIP_OK);
	}
	assert_int_equal(zipClose(zf, NULL), ZIP_OK);
	return path;
}

/* A one-sheet workbook from its sheet XML, with optional shared strings,
 * styles and workbook XML (NULL: left out, or the default workbook). */
static char *write_book(const test_ctx *c, const char *name, const char *sheet, const char *sst,
			const char *styles, const char *workbook)
{
	const char *parts[16];
	size_t n = 0;
	parts[n++] = "_rels/.rels";
	parts[n++] = root_rels;
	parts[n++] = "xl/workbook.xml";
	parts[n++] = workbook ? workbook : workbook_one;
	parts[n++] = "xl/_rels/workbook.xml.rels";
	parts[n++] = workbook_rels;
	if (sheet) {
		parts[n++] = "xl/worksheets/sheet1.xml";
		parts[n++] = sheet;
	}
	if (sst) {
		parts[n++] = "xl/sharedStrings.xml";
		parts[n++] = sst;
	}
	if (styles) {
		parts[n++] = "xl/styles.xml";
		parts[n++] = styles;
	}
	parts[n] = NULL;
	return write_zip(c, name, parts);
}

static int read_book(const char *path, const char *sheet, table **t, jy_err *e)
{
	err_clear(e);
	*t = (table *)1; /* must be reset to NULL on failure */
	int rc = xlsx_read_file(path, sheet, t, e);
	if (rc)
		assert_null(*t);
	return rc;
}

/* ---- workbooks written with libxlsxwriter ------------------------------ */

static void test_xlsx_reads_chinese_text_and_numbers(void **state)
{
	test_ctx *c = *state;
	char *path = path_in(c, "roster.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "名单");
	const char *head[] = {"学号", "姓名", "体温", "电话", "负数", "小数", "大数"};
	for (int i = 0; i < 7; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], NULL);
	worksheet_write_number(ws, 1, 0, 2019010101, NULL);
	worksheet_write_string(ws, 1, 1, "张三", NULL);
	worksheet_write_number(ws, 1, 2, 36.5, NULL);
	worksheet_write_number(ws, 1, 3, 13800138000.0, NULL);
	worksheet_write_number(ws, 1, 4, -3, NULL);
	worksheet_write_number(ws, 1, 5, 0.1, NULL);
	worksheet_write_number(ws, 1, 6, 123456789012345.0, NULL);
	worksheet_write_number(ws, 2, 0, 1e20, NULL);
	worksheet_write_number(ws, 2, 1, 1e-7, NULL);
	worksheet_write_number(ws, 2, 2, 1234.5678, NULL);
	worksheet_write_boolean(ws, 2, 3, 1, NULL);
	worksheet_write_formula_str(ws, 2, 4, "=B2&\"!\"", NULL, "张三!");
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	table *t;
	jy_err e;
	assert_int_equal(read_book(path, NULL, &t, &e), 0);
	assert_string_equal(t->encoding, "xlsx");
	assert_int_equal(t->nrows, 3);
	assert_int_equal(t->ncells[0], 7);
	assert_string_equal(table_cell(t, 0, 0), "学号");
	assert_string_equal(table_cell(t, 0, 6), "大数");
	assert_string_equal(table_cell(t, 1, 0), "2019010101");
	assert_string_equal(table_cell(t, 1, 1), "张三");
	assert_string_equal(table_cell(t, 1, 2), "36.5");
	assert_string_equal(table_cell(t, 1, 3), "13800138000");
	assert_string_equal(table_cell(t, 1, 4), "-3");
	assert_string_equal(table_cell(t, 1, 5), "0.1");
	assert_string_equal(table_cell(t, 1, 6), "123456789012345");
	assert_string_equal(table_cell(t, 2, 0), "1e+20");
	assert_string_equal(table_cell(t, 2, 1), "1e-07");
	assert_string_equal(table_cell(t, 2, 2), "1234.5678");
	assert_string_equal(table_cell(t, 2, 3), "TRUE");
	assert_string_equal(table_cell(t, 2, 4), "张三!");
	assert_int_equal(t->rownum[0], 1);
	assert_int_equal(t->rownum[2], 3);
	table_free(t);
	free(path);
}

static void test_xlsx_renders_dates_by_their_number_format(void **state)
{
	test_ctx *c = *state;
	char *path = path_in(c, "dates.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *ymd = workbook_add_format(wb);
	format_set_num_format(ymd, "yyyy-mm-dd");
	lxw_format *builtin14 = workbook_add_format(wb);
	format_set_num_format_index(builtin14, 14);
	lxw_format *ymdhm = workbook_add_format(wb);
	format_set_num_format(ymdhm, "yyyy-mm-dd hh:mm");
	lxw_format *hms = workbook_add_format(wb);
	format_set_num_format(hms, "hh:mm:ss");
	lxw_format *red = workbook_add_format(wb);
	format_set_num_format(red, "0.00;[Red]-0.00");
	lxw_format *cn = workbook_add_format(wb);
	format_set_num_format(cn, "[$-804]yyyy\"年\"m\"月\"d\"日\"");
	lxw_format *elapsed = workbook_add_format(wb);
	format_set_num_format(elapsed, "[h]:mm");
	lxw_format *quoted = workbook_add_format(wb);
	format_set_num_format(quoted, "\"day \"0");

	lxw_datetime d = {2024, 3, 1, 0, 0, 0};
	lxw_datetime dt = {2024, 3, 1, 8, 30, 15};
	worksheet_write_datetime(ws, 0, 0, &d, ymd);
	worksheet_write_number(ws, 0, 1, 45352, builtin14);
	worksheet_write_datetime(ws, 0, 2, &dt, ymdhm);
	worksheet_write_datetime(ws, 0, 3, &d, ymdhm); /* a time format, no time */
	worksheet_write_number(ws, 0, 4, 45352.5, hms);
	worksheet_write_number(ws, 0, 5, 45352, NULL); /* no format: a number */
	worksheet_write_number(ws, 0, 6, 45352, red);
	worksheet_write_number(ws, 0, 7, 45352, cn);
	worksheet_write_number(ws, 0, 8, 1.5, elapsed);
	worksheet_write_number(ws, 0, 9, 12, quoted);
	/* around Excel's fictitious 1900-02-29 */
	worksheet_write_number(ws, 1, 0, 59, ymd);
	worksheet_write_number(ws, 1, 1, 60, ymd);
	worksheet_write_number(ws, 1, 2, 61, ymd);
	worksheet_write_number(ws, 1, 3, 1, ymd);
	worksheet_write_number(ws, 1, 4, -5, ymd); /* no date: stays a number */
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	table *t;
	jy_err e;
	assert_int_equal(read_book(path, NULL, &t, &e), 0);
	assert_string_equal(table_cell(t, 0, 0), "2024-03-01");
	assert_string_equal(table_cell(t, 0, 1), "2024-03-01");
	assert_string_equal(table_cell(t, 0, 2), "2024-03-01 08:30:15");
	assert_string_equal(table_cell(t, 0, 3), "2024-03-01");
	assert_string_equal(table_cell(t, 0, 4), "12:00:00");
	assert_string_equal(table_cell(t, 0, 5), "45352");
	assert_string_equal(table_cell(t, 0, 6), "45352");
	assert_string_equal(table_cell(t, 0, 7), "2024-03-01");
	assert_string_equal(table_cell(t, 0, 8), "36:00:00");
	assert_string_equal(table_cell(t, 0, 9), "12");
	assert_string_equal(table_cell(t, 1, 0), "1900-02-28");
	assert_string_equal(table_cell(t, 1, 1), "1900-02-29");
	assert_string_equal(table_cell(t, 1, 2), "1900-03-01");
	assert_string_equal(table_cell(t, 1, 3), "1900-01-01");
	assert_string_equal(table_cell(t, 1, 4), "-5");
	table_free(t);
	free(path);
}

static char *write_three_sheets(const test_ctx *c)
{
	char *path = path_in(c, "three.xlsx");
	lxw_workbook *wb = workbook_new(path);
	const char *names[] = {"Sheet1", "名单", "其他"};
	for (int i = 0; i < 3; i++) {
		lxw_worksheet *ws = workbook_add_worksheet(wb, names[i]);
		worksheet_write_string(ws, 0, 0, names[i], NULL);
		worksheet_write_number(ws, 1, 0, i, NULL);
	}
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	return path;
}

static void test_xlsx_chooses_sheet_by_name_or_first(void **state)
{
	test_ctx *c = *state;
	char *path = write_three_sheets(c);
	table *t;
	jy_err e;
	assert_int_equal(read_book(path, "名单", &t, &e), 0);
	assert_string_equal(table_cell(t, 0, 0), "名单");
	assert_string_equal(table_cell(t, 1, 0), "1");
	table_free(t);
	assert_int_equal(read_book(path, "其他", &t, &e), 0);
	assert_string_equal(table_cell(t, 1, 0), "2");
	table_free(t);
	assert_int_equal(read_book(path, NULL, &t, &e), 0); /* first in workbook order */
	assert_string_equal(table_cell(t, 0, 0), "Sheet1");
	table_free(t);
	assert_int_equal(read_book(path, "sheet1", &t, &e), 0); /* case as Excel: ignored */
	assert_string_equal(table_cell(t, 0, 0), "Sheet1");
	table_free(t);
	free(path);
}

static void test_xlsx_unknown_sheet_is_enoent_listing_sheets(void **state)
{
	test_ctx *c = *state;
	char *path = write_three_sheets(c);
	table *t;
	jy_err e;
	assert_int_equal(read_book(path, "不存在", &t, &e), JY_ENOENT);
	assert_string_equal(e.file, path);
	assert_non_null(strstr(e.msg, "不存在"));
	assert_non_null(strstr(e.msg, "Sheet1"));
	assert_non_null(strstr(e.msg, "名单"));
	assert_non_null(strstr(e.msg, "其他"));
	free(path);
}

static void test_xlsx_keeps_row_numbers_and_pads_missing_cells(void **state)
{
	test_ctx *c = *state;
	char *path = path_in(c, "gaps.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	worksheet_write_string(ws, 0, 0, "a", NULL);
	worksheet_write_string(ws, 0, 3, "d", NULL);
	worksheet_write_blank(ws, 0, 5, bold); /* formatted, empty: trimmed */
	worksheet_write_blank(ws, 2, 0, bold); /* a row of blanks: skipped */
	worksheet_write_string(ws, 4, 1, "x", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	table *t;
	jy_err e;
	assert_int_equal(read_book(path, NULL, &t, &e), 0);
	assert_int_equal(t->nrows, 2);
	assert_int_equal(t->ncells[0], 4);
	assert_string_equal(table_cell(t, 0, 1), "");
	assert_string_equal(table_cell(t, 0, 2), "");
	assert_string_equal(table_cell(t, 0, 3), "d");
	assert_int_equal(t->rownum[1], 5);
	assert_int_equal(t->ncells[1], 2);
	assert_string_equal(table_cell(t, 1, 0), "");
	assert_string_equal(table_cell(t, 1, 1), "x");
	table_free(t);
	free(path);
}

static void test_xlsx_reads_inline_strings_written_in_constant_memory_mode(void **state)
{
	test_ctx *c = *state;
	char *path = path_in(c, "inline.xlsx");
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = c->dir};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	worksheet_write_string(ws, 0, 0, "姓名", NULL);
	worksheet_write_string(ws, 1, 0, "王五", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	table *t;
	jy_err e;
	assert_int_equal(read_book(path, NULL, &t, &e), 0);
	assert_string_equal(table_cell(t, 0, 0), "姓名");
	assert_string_equal(table_cell(t, 1, 0), "王五");
	table_free(t);
	free(path);
}

/* ---- workbooks assembled part by part ---------------------------------- */

static void test_xlsx_reads_rich_text_inline_strings_and_cell_types(void **state)
{
	test_ctx *c = *state;
	static const char sst[] =
	    XML_DECL "<sst xmlns=\"" NS_MAIN "\" count=\"3\" uniqueCount=\"3\">"
		     "<si><t>姓名</t></si>"
		     "<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space=\"preserve\">三 </t></r>"
		     "<rPh sb=\"0\" eb=\"1\"><t>ちょう</t></rPh><phoneticPr fontId=\"1\"/></si>"
		     "<si><t>a_x000D_b_x005F_x</t></si>"
		     "</sst>";
	static const char sheet[] =
	    XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
		     "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
		     "<c r=\"B1\" t=\"inlineStr\"><is><t>备注</t></is></c></row>"
		     "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>1</v></c>"
		     "<c r=\"C3\" t=\"inlineStr\"><is><r><t>李</t></r><r><rPr/><t>四</t></r>"
		     "<rPh><t>り</t></rPh></is></c>"
		     "<c r=\"D3\" t=\"str\"><f>A3&amp;\"!\"</f><v>张三 !</v></c></row>"
		     /* no r attributes at all: the next row, the next columns */
		     "<row><c t=\"b\"><v>1</v></c><c t=\"e\"><v>#N/A</v></c><c t=\"s\"><v>2</v></c>"
		     "<c t=\"b\"><v>0</v></c><c s=\"0\"/></row>"
		     "</sheetData></worksheet>";
	char *path = write_book(c, "rich.xlsx", sheet, sst, NULL, NULL);
	table *t;
	jy_err e;
	assert_int_equal(read_book(path, NULL, &t, &e), 0);
	assert_int_equal(t->nrows, 3);
	assert_string_equal(table_cell(t, 0, 0), "姓名");
	assert_string_equal(table_cell(t, 0, 1), "备注");
	assert_int_equal(t->rownum[1], 3);
	assert_string_equal(table_cell(t, 1, 0), "张三 "); /* runs joined, phonetic left out */
	assert_string_equal(table_cell(t, 1, 1), "");
	assert_string_equal(table_cell(t, 1, 2), "李四");
	assert_string_equal(table_cell(t, 1, 3), "张三 !");
	assert_int_equal(t->rownum[2], 4);
	assert_int_equal(t->ncells[2], 4); /* the trailing empty styled cell is trimmed */
	assert_string_equal(table_cell(t, 2, 0), "TRUE");
	assert_string_equal(table_cell(t, 2, 1), "#N/A");
	assert_string_equal(table_cell(t, 2, 2), "a\rb_x");
	assert_string_equal(table_cell(t, 2, 3), "FALSE");
	table_free(t);
	free(path);
}

static void test_xlsx_honours_date1904_and_custom_formats(void **state)
{
	test_ctx *c = *state;
	static const char wb[] = XML_DECL
	    "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
	    "<workbookPr date1904=\"1\"/>"
	    "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
	/* cellStyleXfs must not be mistaken for cellXfs; dxfs' numFmt neither */
	static const char styles[] = XML_DECL
	    "<styleSheet xmlns=\"" NS_MAIN "\">"
	    "<numFmts count=\"2\"><numFmt numFmtId=\"164\" "
	    "formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
	    "<numFmt numFmtId=\"165\" formatCode=\"#,##0.0\"/></numFmts>"
	    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	    "<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
	    "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/></cellXfs>"
	    "<dxfs count=\"1\"><dxf><numFmt numFmtId=\"165\" formatCode=\"yyyy\"/></dxf></dxfs>"
	    "</styleSheet>";
	static const char sheet[] =
	    XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\">"
		     "<c r=\"A1\" s=\"1\"><v>0</v></c><c r=\"B1\" s=\"2\"><v>43890</v></c>"
		     "<c r=\"C1\" s=\"0\"><v>43890</v></c><c r=\"D1\" s=\"3\"><v>2.5</v></c>"
		     "<c r=\"E1\" s=\"99\"><v>7</v></c>"
		     "</row></sheetData></worksheet>";
	char *path = write_book(c, "d1904.xlsx", sheet, NULL, styles, wb);
	table *t;
	jy_err e;
	assert_int_equal(read_book(path, NULL, &t, &e), 0);
	assert_string_equal(table_cell(t, 0, 0), "1904-01-01");
	assert_string_equal(table_cell(t, 0, 1), "2024-03-01");
	assert_string_equal(table_cell(t, 0, 2), "43890");
	assert_string_equal(table_cell(t, 0, 3), "2.5");
	assert_string_equal(table_cell(t, 0, 4), "7"); /* unknown style: a number */
	table_free(t);
	free(path);
}

static void test_xlsx_missing_shared_strings_when_referenced_is_format_error(void **state)
{
	test_ctx *c = *state;
	static const char sheet[] =
	    XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
		     "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
		     "<row r=\"2\"><c r=\"A2\"><v>2</v></c><c r=\"B2\" t=\"s\"><v>0</v></c></row>"
		     "</sheetData></worksheet>";
	char *path = write_book(c, "nosst.xlsx", sheet, NULL, NULL, NULL);
	table *t;
	jy_err e;
	assert_int_equal(read_book(path, NULL, &t, &e), JY_EFORMAT);
	assert_string_equal(e.file, path);
	assert_int_equal(e.row, 2);
	assert_string_equal(e.column, "B");
	assert_non_null(strstr(e.msg, "sharedStrings"));
	assert_non_null(strstr(e.msg, "xl/worksheets/sheet1.xml"));
	free(path);

	/* an index past the end of the table is no better */
	static const char sst[] = XML_DECL "<sst xmlns=\"" NS_MAIN "\"><si><t>x</t></si></sst>";
	path = write_book(c, "badidx.xlsx", sheet, sst, NULL, NULL);
	assert_int_equal(read_book(path, NULL, &t, &e), 0);
	table_free(t);
	free(path);
	static const char sheet2[] =
	    XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
		     "<row r=\"7\"><c r=\"C7\" t=\"s\"><v>5</v></c></row></sheetData></worksheet>";
	path = write_book(c, "badidx2.xlsx", sheet2, sst, NULL, NULL);
	assert_int_equal(read_book(path, NULL, &t, &e), JY_EFORMAT);
	assert_int_equal(e.row, 7);
	assert_string_equal(e.column, "C");
	free(path);
}

static void test_xlsx_malformed_or_missing_parts_are_format_errors(void **state)
{
	test_ctx *c = *state;
	table *t;
	jy_err e;

	char *path =
	    write_book(c, "badxml.xlsx",
		       "<worksheet><sheetData><row><c><v>1</v></row></sheetData></worksheet>", NULL,
		       NULL, NULL);
	assert_int_equal(read_book(path, NULL, &t, &e), JY_EFORMAT);
	assert_non_null(strstr(e.msg, "xl/worksheets/sheet1.xml"));
	assert_non_null(strstr(e.msg, "XML"));
	free(path);

	path = write_book(c, "nosheet.xlsx", NULL, NULL, NULL, NULL);
	assert_int_equal(read_book(path, NULL, &t, &e), JY_EFORMAT);
	assert_non_null(strstr(e.msg, "xl/worksheets/sheet1.xml"));
	free(path);

	const char *no_workbook[] = {"_rels/.rels", root_rels, "xl/_rels/workbook.xml.rels",
				     workbook_rels, NULL};
	path = write_zip(c, "nowb.xlsx", no_workbook);
	assert_int_equal(read_book(path, NULL, &t, &e), JY_EFORMAT);
	assert_non_null(strstr(e.msg, "xl/workbook.xml"));
	free(path);

	const char *not_xlsx[] = {"hello.txt", "hello", NULL};
	path = write_zip(c, "plain.zip", not_xlsx);
	assert_int_equal(read_book(path, NULL, &t, &e), JY_EFORMAT);
	free(path);

	/* entity expansion ("billion laughs") is refused at the DTD */
	path =
	    write_book(c, "dtd.xlsx",
		       "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaa\">"
		       "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
		       "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row>"
		       "</sheetData></worksheet>",
		       NULL, NULL, NULL);
	assert_int_equal(read_book(path, NULL, &t, &e), JY_EFORMAT);
	assert_non_null(strstr(e.msg, "DTD"));
	free(path);

	path = write_book(c, "farcol.xlsx",
			  "<worksheet><sheetData><row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"
			  "</sheetData></worksheet>",
			  NULL, NULL, NULL);
	assert_int_equal(read_book(path, NULL, &t, &e), JY_EFORMAT);
	free(path);

	path = write_book(c, "disorder.xlsx",
			  "<worksheet><sheetData><row r=\"1\"><c r=\"B1\"><v>1</v></c>"
			  "<c r=\"A1\"><v>2</v></c></row></sheetData></worksheet>",
			  NULL, NULL, NULL);
	assert_int_equal(read_book(path, NULL, &t, &e), JY_EFORMAT);
	assert_int_equal(e.row, 1);
	free(path);
}

static void test_xlsx_garbage_truncated_and_missing_files_fail_cleanly(void **state)
{
	test_ctx *c = *state;
	table *t;
	jy_err e;

	char *missing = path_in(c, "nope.xlsx");
	assert_int_equal(read_book(missing, NULL, &t, &e), JY_ENOENT);
	assert_string_equal(e.file, missing);
	free(missing);

	char *p = tu_write_file(c->dir, "garbage.xlsx", "this is not a workbook", (size_t)-1);
	assert_int_equal(read_book(p, NULL, &t, &e), JY_EFORMAT);
	assert_string_equal(e.file, p);
	free(p);

	p = tu_write_file(c->dir, "empty.xlsx", "", 0);
	assert_int_equal(read_book(p, NULL, &t, &e), JY_EFORMAT);
	free(p);

	p = tu_write_file(c->dir, "old.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and more",
			  (size_t)-1);
	assert_int_equal(read_book(p, NULL, &t, &e), JY_EFORMAT);
	assert_non_null(strstr(e.msg, ".xls"));
	free(p);

	char *good = write_three_sheets(c);
	size_t len;
	char *bytes = tu_read_file(good, &len);
	p = tu_write_file(c->dir, "half.xlsx", bytes, len / 2);
	assert_int_equal(read_book(p, NULL, &t, &e), JY_EFORMAT);
	assert_non_null(strstr(e.msg, "zip"));
	free(p);
	p = tu_write_file(c->dir, "short.xlsx", bytes, len - 10);
	assert_int_equal(read_book(p, NULL, &t, &e), JY_EFORMAT);
	free(p);
	free(bytes);
	free(good);
}

static void test_xlsx_flipped_bytes_never_crash(void **state)
{
	test_ctx *c = *state;
	char *good = write_three_sheets(c);
	size_t len;
	char *bytes = tu_read_file(good, &len);
	char *copy = malloc(len);
	int failed = 0;
	for (size_t i = 0; i < len; i += 7) {
		memcpy(copy, bytes, len);
		copy[i] = (char)(copy[i] ^ 0x5A);
		char *p = tu_write_file(c->dir, "flip.xlsx", copy, len);
		table *t;
		jy_err e;
		int rc = read_book(p, "名单", &t, &e);
		if (rc == 0) {
			table_free(t);
		} else {
			failed++;
			assert_true(rc < 0);
			assert_true(e.msg[0] != 0);
			assert_string_equal(e.file, p);
		}
		free(p);
	}
	assert_true(failed > 0);
	free(copy);
	free(bytes);
	free(good);
}

/* Raw-deflate data into a part whose header claims `claimed` bytes. */
static char *write_bomb(const test_ctx *c, const char *name, unsigned long claimed)
{
	static const char sheet[] =
	    "<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>";
	unsigned char out[512];
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (unsigned char *)sheet;
	zs.avail_in = (unsigned)strlen(sheet);
	zs.next_out = out;
	zs.avail_out = sizeof out;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size_t n = sizeof out - zs.avail_out;
	deflateEnd(&zs);

	char *path = path_in(c, name);
	zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
	assert_non_null(zf);
	const char *parts[] = {
	    "_rels/.rels", root_rels, "xl/workbook.xml", workbook_one, "xl/_rels/workbook.xml.rels",
	    workbook_rels};
	for (size_t i = 0; i < 6; i += 2) {
		zip_fileinfo zi;
		memset(&zi, 0, sizeof zi);
		zipOpenNewFileInZip(zf, parts[i], &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 6);
		zipWriteInFileInZip(zf, parts[i + 1], (unsigned)strlen(parts[i + 1]));
		zipCloseFileInZip(zf);
	}
	zip_fileinfo zi;
	memset(&zi, 0, sizeof zi);
	assert_int_equal(zipOpenNewFileInZip2(zf, "xl/worksheets/sheet1.xml", &zi, NULL, 0, NULL, 0,
					      NULL, Z_DEFLATED, 9, 1),
			 ZIP_OK);
	zipWriteInFileInZip(zf, out, (unsigned)n);
	uLong crc = crc32(0, (const Bytef *)sheet, (uInt)strlen(sheet));
	assert_int_equal(zipCloseFileInZipRaw(zf, claimed, crc), ZIP_OK);
	assert_int_equal(zipClose(zf, NULL), ZIP_OK);
	return path;
}

static void test_xlsx_refuses_parts_that_inflate_past_the_cap(void **state)
{
	test_ctx *c = *state;
	table *t;
	jy_err e;
	char *path = write_bomb(c, "bomb.xlsx", 1UL << 30);
	assert_int_equal(read_book(path, NULL, &t, &e), JY_ETOOBIG);
	assert_non_null(strstr(e.msg, "xl/worksheets/sheet1.xml"));
	free(path);
	/* the same part with an honest size reads fine */
	path = write_bomb(c, "honest.xlsx",
			  (unsigned long)strlen("<worksheet><sheetData><row><c><v>1</v></c></row>"
						"</sheetData></worksheet>"));
	assert_int_equal(read_book(path, NULL, &t, &e), 0);
	assert_string_equal(table_cell(t, 0, 0), "1");
	table_free(t);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_xlsx_reads_chinese_text_and_numbers, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_xlsx_renders_dates_by_their_number_format, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_xlsx_chooses_sheet_by_name_or_first, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_xlsx_unknown_sheet_is_enoent_listing_sheets, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_xlsx_keeps_row_numbers_and_pads_missing_cells,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_xlsx_reads_inline_strings_written_in_constant_memory_mode, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_xlsx_reads_rich_text_inline_strings_and_cell_types,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_xlsx_honours_date1904_and_custom_formats, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_xlsx_missing_shared_strings_when_referenced_is_format_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_xlsx_malformed_or_missing_parts_are_format_errors,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_xlsx_garbage_truncated_and_missing_files_fail_cleanly, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_xlsx_flipped_bytes_never_crash, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_xlsx_refuses_parts_that_inflate_past_the_cap,
					    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
