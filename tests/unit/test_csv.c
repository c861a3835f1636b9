/*
 * test_csv.c — the CSV reader (src/util/csv.c): encodings as schools' files
 * come (UTF-8 with and without BOM, GBK from Excel, UTF-16 "Unicode text"),
 * RFC 4180 quoting, line ends, record numbering, and errors that name the row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "util/table.h"

/* Parse a string literal (length given, so it may hold NUL bytes). */
static int parse(const char *data, size_t len, table **t, jy_err *e)
{
	err_clear(e);
	return csv_read_buffer("test.csv", data, len, t, e);
}

#define PARSE(lit, t, e) parse(lit, sizeof(lit) - 1, t, e)

static void test_csv_reads_utf8_without_bom(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	assert_int_equal(PARSE("学号,姓名\n2019010101,张三\n", &t, &e), 0);
	assert_string_equal(t->encoding, "UTF-8");
	assert_int_equal(t->nrows, 2);
	assert_int_equal(t->ncells[0], 2);
	assert_string_equal(table_cell(t, 0, 0), "学号");
	assert_string_equal(table_cell(t, 0, 1), "姓名");
	assert_string_equal(table_cell(t, 1, 0), "2019010101");
	assert_string_equal(table_cell(t, 1, 1), "张三");
	assert_int_equal(t->rownum[0], 1);
	assert_int_equal(t->rownum[1], 2);
	table_free(t);
}

static void test_csv_strips_utf8_bom(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	assert_int_equal(PARSE("\xEF\xBB\xBF学号,姓名\r\n1,张三\r\n", &t, &e), 0);
	assert_string_equal(t->encoding, "UTF-8 BOM");
	assert_string_equal(table_cell(t, 0, 0), "学号"); /* no BOM glued to the header */
	assert_string_equal(table_cell(t, 1, 1), "张三");
	table_free(t);
}

static void test_csv_detects_gbk_and_converts(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	/* "学号,姓名\r\n2019010101,张三\r\n" in GBK, as Excel on Chinese Windows saves it */
	static const char gbk[] = "\xd1\xa7\xba\xc5,\xd0\xd5\xc3\xfb\r\n"
				  "2019010101,\xd5\xc5\xc8\xfd\r\n";
	assert_int_equal(PARSE(gbk, &t, &e), 0);
	assert_string_equal(t->encoding, "GB18030");
	assert_int_equal(t->nrows, 2);
	assert_string_equal(table_cell(t, 0, 0), "学号");
	assert_string_equal(table_cell(t, 0, 1), "姓名");
	assert_string_equal(table_cell(t, 1, 0), "2019010101");
	assert_string_equal(table_cell(t, 1, 1), "张三");
	table_free(t);
}

static void test_csv_converts_utf16le_unicode_text_with_tabs(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	/* BOM + "学号\t姓名\r\n1\t张三\r\n" in UTF-16LE: Excel's "Unicode text" */
	static const char u16[] = "\xff\xfe"
				  "\x66\x5b\xf7\x53\x09\x00\xd3\x59\x0d\x54\x0d\x00\x0a\x00"
				  "\x31\x00\x09\x00\x20\x5f\x09\x4e\x0d\x00\x0a\x00";
	assert_int_equal(PARSE(u16, &t, &e), 0);
	assert_string_equal(t->encoding, "UTF-16LE");
	assert_int_equal(t->nrows, 2);
	assert_int_equal(t->ncells[0], 2);
	assert_string_equal(table_cell(t, 0, 0), "学号");
	assert_string_equal(table_cell(t, 0, 1), "姓名");
	assert_string_equal(table_cell(t, 1, 0), "1");
	assert_string_equal(table_cell(t, 1, 1), "张三");
	table_free(t);
}

static void test_csv_handles_quotes_doubled_quotes_and_newlines(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	assert_int_equal(PARSE("a,\"b,c\",\"say \"\"hi\"\"\",\"line1\r\nline2\"\r\n"
			       "next,\"\",x\r\n",
			       &t, &e),
			 0);
	assert_int_equal(t->nrows, 2);
	assert_int_equal(t->ncells[0], 4);
	assert_string_equal(table_cell(t, 0, 0), "a");
	assert_string_equal(table_cell(t, 0, 1), "b,c");
	assert_string_equal(table_cell(t, 0, 2), "say \"hi\"");
	assert_string_equal(table_cell(t, 0, 3), "line1\r\nline2");
	assert_string_equal(table_cell(t, 1, 0), "next");
	assert_string_equal(table_cell(t, 1, 1), "");
	assert_string_equal(table_cell(t, 1, 2), "x");
	table_free(t);
}

static void test_csv_keeps_stray_quotes_literally(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	/* a quote inside an unquoted field, and text after a closing quote */
	assert_int_equal(PARSE("5'11\" tall,\"ab\"cd,e\n", &t, &e), 0);
	assert_int_equal(t->ncells[0], 3);
	assert_string_equal(table_cell(t, 0, 0), "5'11\" tall");
	assert_string_equal(table_cell(t, 0, 1), "abcd");
	assert_string_equal(table_cell(t, 0, 2), "e");
	table_free(t);
}

static void test_csv_accepts_lf_crlf_and_cr_line_ends(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	assert_int_equal(PARSE("a,1\rb,2\r\nc,3\nd,4", &t, &e), 0);
	assert_int_equal(t->nrows, 4);
	assert_string_equal(table_cell(t, 0, 0), "a");
	assert_string_equal(table_cell(t, 1, 1), "2");
	assert_string_equal(table_cell(t, 2, 0), "c");
	assert_string_equal(table_cell(t, 3, 1), "4"); /* no final line break */
	assert_int_equal(t->rownum[3], 4);
	table_free(t);
}

static void test_csv_keeps_empty_trailing_fields(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	assert_int_equal(PARSE("a,b,\n,,c\nx,", &t, &e), 0);
	assert_int_equal(t->nrows, 3);
	assert_int_equal(t->ncells[0], 3);
	assert_string_equal(table_cell(t, 0, 2), "");
	assert_int_equal(t->ncells[1], 3);
	assert_string_equal(table_cell(t, 1, 0), "");
	assert_string_equal(table_cell(t, 1, 2), "c");
	assert_int_equal(t->ncells[2], 2);
	table_free(t);
}

static void test_csv_ragged_rows_keep_their_lengths(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	assert_int_equal(PARSE("a,b,c\n1\n2,3\n4,5,6,7\n", &t, &e), 0);
	assert_int_equal(t->nrows, 4);
	assert_int_equal(t->ncells[0], 3);
	assert_int_equal(t->ncells[1], 1);
	assert_int_equal(t->ncells[2], 2);
	assert_int_equal(t->ncells[3], 4);
	assert_string_equal(table_cell(t, 1, 2), ""); /* past the end of a short row */
	assert_string_equal(table_cell(t, 3, 3), "7");
	assert_string_equal(table_cell(t, 9, 0), ""); /* past the last row */
	table_free(t);
}

static void test_csv_skips_blank_records_but_keeps_numbering(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	assert_int_equal(PARSE("h1,h2\n\n,,\n\"\",\"\"\nx,y\n\n", &t, &e), 0);
	assert_int_equal(t->nrows, 2);
	assert_string_equal(table_cell(t, 1, 0), "x");
	assert_int_equal(t->rownum[0], 1);
	assert_int_equal(t->rownum[1], 5);
	table_free(t);
}

static void test_csv_rownum_counts_records_not_lines(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	assert_int_equal(
	    PARSE("h,note\n1,\"two\nlines\"\n2,\"three\r\nmore\nlines\"\n3,x\n", &t, &e), 0);
	assert_int_equal(t->nrows, 4);
	assert_int_equal(t->rownum[2], 3);
	assert_int_equal(t->rownum[3], 4);
	assert_string_equal(table_cell(t, 3, 0), "3");
	table_free(t);
}

static void test_csv_reports_row_of_bad_encoding(void **state)
{
	(void)state;
	table *t = (table *)1;
	jy_err e;
	/* neither UTF-8 nor GB18030 (0xFF never starts a GB18030 character);
	 * the quoted line break makes record 4 start on line 5 */
	int rc = PARSE("h,n\n1,\"a\nb\"\n2,ok\n3,\xff\xfe\n4,z\n", &t, &e);
	assert_int_equal(rc, JY_EFORMAT);
	assert_null(t);
	assert_int_equal(e.row, 4);
	assert_string_equal(e.file, "test.csv");
	assert_non_null(strstr(e.msg, "第4行"));
	assert_non_null(strstr(e.msg, "GB18030"));
}

static void test_csv_bad_utf8_after_bom_reports_row(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	int rc = PARSE("\xEF\xBB\xBFh\nok\n\xd5\xc5\n", &t, &e);
	assert_int_equal(rc, JY_EFORMAT);
	assert_int_equal(e.row, 3);
	assert_non_null(strstr(e.msg, "UTF-8"));
}

static void test_csv_reports_unterminated_quote_with_row(void **state)
{
	(void)state;
	table *t = (table *)1;
	jy_err e;
	int rc = PARSE("h,n\n1,ok\n2,\"open\n3,more\n", &t, &e);
	assert_int_equal(rc, JY_EFORMAT);
	assert_null(t);
	assert_int_equal(e.row, 3);
	assert_string_equal(e.msg, "第3行引号未闭合 (unterminated quote)");
	char buf[600];
	err_format(&e, buf, sizeof buf);
	assert_string_equal(buf, "test.csv:3: 第3行引号未闭合 (unterminated quote)");
}

static void test_csv_empty_file_gives_no_rows(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	assert_int_equal(parse("", 0, &t, &e), 0);
	assert_int_equal(t->nrows, 0);
	assert_string_equal(table_cell(t, 0, 0), "");
	table_free(t);
	assert_int_equal(PARSE("\xEF\xBB\xBF", &t, &e), 0);
	assert_int_equal(t->nrows, 0);
	assert_string_equal(t->encoding, "UTF-8 BOM");
	table_free(t);
	assert_int_equal(PARSE("\r\n\n", &t, &e), 0);
	assert_int_equal(t->nrows, 0);
	table_free(t);
}

static void test_csv_rejects_xlsx_xls_and_binary(void **state)
{
	(void)state;
	table *t;
	jy_err e;
	assert_int_equal(PARSE("PK\x03\x04\x14\x00rest", &t, &e), JY_EFORMAT);
	assert_non_null(strstr(e.msg, "xlsx"));
	assert_int_equal(PARSE("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", &t, &e), JY_EFORMAT);
	assert_non_null(strstr(e.msg, ".xls"));
	assert_int_equal(PARSE("h\nab\0cd\n", &t, &e), JY_EFORMAT);
	assert_int_equal(e.row, 2);
	assert_non_null(strstr(e.msg, "NUL"));
}

static void test_csv_read_file_reads_from_disk_and_names_missing_file(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	assert_non_null(dir);
	char *path = tu_write_file(dir, "roster.csv", "学号,姓名\n1,张三\n", (size_t)-1);
	table *t;
	jy_err e;
	err_clear(&e);
	assert_int_equal(csv_read_file(path, &t, &e), 0);
	assert_int_equal(t->nrows, 2);
	assert_string_equal(table_cell(t, 1, 1), "张三");
	table_free(t);

	char missing[600];
	snprintf(missing, sizeof missing, "%s/nope.csv", dir);
	t = (table *)1;
	assert_int_equal(csv_read_file(missing, &t, &e), JY_ENOENT);
	assert_null(t);
	assert_string_equal(e.file, missing);
	free(path);
	tu_rmtree_free(dir);
}

static void test_csv_reads_ten_thousand_rows(void **state)
{
	(void)state;
	size_t cap = 10001 * 128, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	n += (size_t)snprintf(buf + n, cap - n, "学号,姓名,性别,班级,电话,体温,日期,备注\r\n");
	for (int i = 0; i < 10000; i++)
		n += (size_t)snprintf(buf + n, cap - n,
				      "%d,学生%d,男,3班,138%08d,36.%d,2024-03-01,\"a,b\"\r\n",
				      2019000000 + i, i, i, i % 10);
	table *t;
	jy_err e;
	assert_int_equal(parse(buf, n, &t, &e), 0);
	assert_int_equal(t->nrows, 10001);
	assert_int_equal(t->ncells[10000], 8);
	assert_string_equal(table_cell(t, 10000, 1), "学生9999");
	assert_string_equal(table_cell(t, 10000, 7), "a,b");
	assert_int_equal(t->rownum[10000], 10001);
	table_free(t);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_reads_utf8_without_bom),
	    cmocka_unit_test(test_csv_strips_utf8_bom),
	    cmocka_unit_test(test_csv_detects_gbk_and_converts),
	    cmocka_unit_test(test_csv_converts_utf16le_unicode_text_with_tabs),
	    cmocka_unit_test(test_csv_handles_quotes_doubled_quotes_and_newlines),
	    cmocka_unit_test(test_csv_keeps_stray_quotes_literally),
	    cmocka_unit_test(test_csv_accepts_lf_crlf_and_cr_line_ends),
	    cmocka_unit_test(test_csv_keeps_empty_trailing_fields),
	    cmocka_unit_test(test_csv_ragged_rows_keep_their_lengths),
	    cmocka_unit_test(test_csv_skips_blank_records_but_keeps_numbering),
	    cmocka_unit_test(test_csv_rownum_counts_records_not_lines),
	    cmocka_unit_test(test_csv_reports_row_of_bad_encoding),
	    cmocka_unit_test(test_csv_bad_utf8_after_bom_reports_row),
	    cmocka_unit_test(test_csv_reports_unterminated_quote_with_row),
	    cmocka_unit_test(test_csv_empty_file_gives_no_rows),
	    cmocka_unit_test(test_csv_rejects_xlsx_xls_and_binary),
	    cmocka_unit_test(test_csv_read_file_reads_from_disk_and_names_missing_file),
	    cmocka_unit_test(test_csv_reads_ten_thousand_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
