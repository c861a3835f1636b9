/*
 * test_roster.c — `jinyun import roster` / `export roster` end to end:
 * encodings (UTF-8, BOM, GBK, xlsx), every validation error as
 * FILE:ROW:COLUMN, all-or-nothing, re-import outcomes, duplicates, and the
 * round trip csv → db → csv/xlsx → db unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "testutil.h"

typedef struct fx {
	char *dir;
	char db[512];
} fx;

static const char header[] = "学号,姓名,性别,年级,班级,宿舍,监护人电话\n";
static const char rows3[] =
	"2019010101,张伟,男,2019级,2019级机电1班,1-101,13800000001\n"
	"2019010102,李娜,女,2019级,2019级机电1班,2-201,13800000002\n"
	"2019020101,刘洋,M,2019级,2019级数控1班,,138-0000-0004\n";

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	f->dir = tu_tmpdir();
	tu_db(f->db, sizeof f->db, f->dir, "r.db");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	tu_rmtree_free(f->dir);
	free(f);
	return 0;
}

/* Run `jinyun ARGS` with --db; returns the exit status, output in out and err. */
static int import_file(fx *f, const char *path, char **out, char **err)
{
	char args[1024];
	snprintf(args, sizeof args, "import roster %s", path);
	return tu_jinyun(f->db, args, out, err);
}

static char *export_csv(fx *f)
{
	char *out = NULL, *err = NULL;
	assert_int_equal(tu_jinyun(f->db, "export roster", &out, &err), 0);
	free(err);
	return out;
}

static char *write_csv(fx *f, const char *name, const char *prefix, const char *body)
{
	size_t n = strlen(prefix) + strlen(body) + 1;
	char *buf = malloc(n);
	snprintf(buf, n, "%s%s", prefix, body);
	char *p = tu_write_file(f->dir, name, buf, (size_t)-1);
	free(buf);
	return p;
}

static void test_roster_imports_utf8_and_says_what_it_did(void **state)
{
	fx *f = *state;
	char *path = write_csv(f, "a.csv", header, rows3);
	char *out, *err;
	assert_int_equal(import_file(f, path, &out, &err), 0);
	assert_non_null(strstr(out, "新增 3"));
	assert_non_null(strstr(out, "added 3, updated 0, unchanged 0"));
	free(out);
	free(err);
	/* The same file again changes nothing, and says so. */
	assert_int_equal(import_file(f, path, &out, &err), 0);
	assert_non_null(strstr(out, "added 0, updated 0, unchanged 3"));
	free(out);
	free(err);
	char *csv = export_csv(f);
	assert_non_null(strstr(csv, "2019020101,刘洋,男,2019级,2019级数控1班,,138-0000-0004"));
	free(csv);
	free(path);
}

static void test_roster_imports_bom_and_english_headers(void **state)
{
	fx *f = *state;
	char *path = write_csv(f, "b.csv", "\xEF\xBB\xBFstudent_no,name,gender,grade,class,dorm,guardian_phone\r\n",
			       "2020010101,周杰,male,2020级,2020级电子1班,3-301,13900000001\r\n");
	char *out, *err;
	assert_int_equal(import_file(f, path, &out, &err), 0);
	assert_non_null(strstr(out, "UTF-8 BOM"));
	assert_non_null(strstr(out, "added 1"));
	free(out);
	free(err);
	free(path);
}

static void test_roster_imports_gbk_as_excel_on_chinese_windows_saves_it(void **state)
{
	fx *f = *state;
	char utf8[1024];
	snprintf(utf8, sizeof utf8, "%s%s", header, rows3);
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	char gbk[1024];
	char *in = utf8, *o = gbk;
	size_t inl = strlen(utf8), outl = sizeof gbk;
	assert_true(iconv(cd, &in, &inl, &o, &outl) != (size_t)-1);
	iconv_close(cd);
	char *path = tu_write_file(f->dir, "gbk.csv", gbk, (size_t)(o - gbk));
	char *out, *err;
	assert_int_equal(import_file(f, path, &out, &err), 0);
	assert_non_null(strstr(out, "GB18030"));
	assert_non_null(strstr(out, "added 3"));
	free(out);
	free(err);
	char *csv = export_csv(f);
	assert_non_null(strstr(csv, "2019010102,李娜,女"));
	free(csv);
	free(path);
}

static void test_roster_imports_xlsx_with_numbers_as_student_numbers(void **state)
{
	fx *f = *state;
	char path[600];
	snprintf(path, sizeof path, "%s/roster.xlsx", f->dir);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "学生");
	const char *h[] = { "学号", "姓名", "性别", "年级", "班级", "宿舍", "监护人电话" };
	for (int c = 0; c < 7; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, h[c], NULL);
	worksheet_write_number(ws, 1, 0, 2019030101, NULL);
	worksheet_write_string(ws, 1, 1, "孙丽", NULL);
	worksheet_write_string(ws, 1, 2, "女", NULL);
	worksheet_write_string(ws, 1, 3, "2019级", NULL);
	worksheet_write_string(ws, 1, 4, "2019级仪表1班", NULL);
	worksheet_write_number(ws, 1, 6, 13700000009.0, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	char *out, *err;
	assert_int_equal(import_file(f, path, &out, &err), 0);
	assert_non_null(strstr(out, "added 1"));
	free(out);
	free(err);
	char *csv = export_csv(f);
	assert_non_null(strstr(csv, "2019030101,孙丽,女,2019级,2019级仪表1班,,13700000009"));
	free(csv);
}

/* Import body; expect exit 1, each of `expect` on stderr, and no change. */
static void expect_refused(fx *f, const char *name, const char *body, const char *const *expect)
{
	char *before = export_csv(f);
	char *path = write_csv(f, name, header, body);
	char *out, *err;
	assert_int_equal(import_file(f, path, &out, &err), 1);
	for (const char *const *e = expect; *e; e++) {
		char want[1024];
		snprintf(want, sizeof want, "%s:%s", path, *e);
		if (!strstr(err, want))
			fprintf(stderr, "missing '%s' in:\n%s\n", want, err);
		assert_non_null(strstr(err, want));
	}
	assert_non_null(strstr(err, "nothing written"));
	char *after = export_csv(f);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(out);
	free(err);
	free(path);
}

static void test_roster_names_every_bad_cell_and_writes_nothing(void **state)
{
	fx *f = *state;
	char *path = write_csv(f, "base.csv", header, rows3);
	char *out, *err;
	assert_int_equal(import_file(f, path, &out, &err), 0);
	free(out);
	free(err);
	free(path);
	const char body[] =
		"2019010103,王强,男,2019级,2019级机电1班,1-101,13800000003\n" /* row 2: fine */
		"2019010104,赵敏,X,2019级,2019级机电1班,,13800000005\n"       /* row 3: gender */
		",钱七,男,2019级,2019级机电1班,,\n"                            /* row 4: number */
		"2019010106,孙八,女,2019级,2019级机电1班,,12345\n"             /* row 5: phone */
		"2019010103,周九,男,2019级,2019级机电1班,,\n"                  /* row 6: duplicate */
		"2019010107,吴十,男,2020级,2019级机电1班,,\n"                  /* row 7: grade */
		"2019010108,郑一,男,,2020级新班,,\n"                           /* row 8: new class, no grade */
		"2019010109,冯二,男,2019级,2019级机电1班,2-201,\n";           /* row 9: female dorm */
	const char *const expect[] = { "3:性别:", "4:学号:", "5:监护人电话:", "6:学号:", "7:年级:",
				       "8:年级:", "9:宿舍:", NULL };
	expect_refused(f, "bad.csv", body, expect);
}

static void test_roster_missing_column_is_reported_on_the_header_row(void **state)
{
	fx *f = *state;
	char *before = export_csv(f);
	char *path = tu_write_file(f->dir, "nocol.csv", "学号,姓名,年级,班级\n1,张三,2019级,A班\n", (size_t)-1);
	char *out, *err;
	assert_int_equal(import_file(f, path, &out, &err), 1);
	char want[700];
	snprintf(want, sizeof want, "%s:1:性别:", path);
	assert_non_null(strstr(err, want));
	char *after = export_csv(f);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(out);
	free(err);
	free(path);
}

static void test_roster_one_bad_row_among_many_writes_nothing(void **state)
{
	fx *f = *state;
	size_t cap = 200 * 80;
	char *body = malloc(cap);
	size_t n = 0;
	for (int i = 0; i < 200; i++)
		n += (size_t)snprintf(body + n, cap - n, "20190%05d,学生%d,%s,2019级,2019级大班,,\n", i, i,
				      i == 150 ? "?" : "女");
	const char *const expect[] = { "152:性别:", NULL };
	expect_refused(f, "many.csv", body, expect);
	free(body);
}

static void test_roster_warns_about_likely_duplicates(void **state)
{
	fx *f = *state;
	char *path = write_csv(f, "a.csv", header, rows3);
	char *out, *err;
	assert_int_equal(import_file(f, path, &out, &err), 0);
	free(out);
	free(err);
	free(path);
	path = write_csv(f, "dup.csv", header, "2019099999,张伟,男,2019级,2019级机电1班,,13800000001\n");
	assert_int_equal(import_file(f, path, &out, &err), 0);
	assert_non_null(strstr(err, "likely duplicate of 2019010101"));
	assert_non_null(strstr(out, "1 warnings"));
	free(out);
	free(err);
	free(path);
}

static void test_roster_round_trips_through_csv_and_xlsx(void **state)
{
	fx *f = *state;
	char *path = write_csv(f, "a.csv", header, rows3);
	char *out, *err;
	assert_int_equal(import_file(f, path, &out, &err), 0);
	free(out);
	free(err);
	free(path);
	char *first = export_csv(f);
	char *csv_path = tu_write_file(f->dir, "exported.csv", first, (size_t)-1);
	assert_int_equal(import_file(f, csv_path, &out, &err), 0);
	assert_non_null(strstr(out, "added 0, updated 0, unchanged 3"));
	free(out);
	free(err);
	char args[700], xlsx[600];
	snprintf(xlsx, sizeof xlsx, "%s/exported.xlsx", f->dir);
	snprintf(args, sizeof args, "export roster --format xlsx -o %s", xlsx);
	assert_int_equal(tu_jinyun(f->db, args, &out, &err), 0);
	free(out);
	free(err);
	assert_int_equal(import_file(f, xlsx, &out, &err), 0);
	assert_non_null(strstr(out, "added 0, updated 0, unchanged 3"));
	free(out);
	free(err);
	/* Into a fresh database, the xlsx gives back the same roster. */
	tu_db(f->db, sizeof f->db, f->dir, "fresh.db");
	assert_int_equal(import_file(f, xlsx, &out, &err), 0);
	assert_non_null(strstr(out, "added 3"));
	free(out);
	free(err);
	char *second = export_csv(f);
	assert_string_equal(first, second);
	free(first);
	free(second);
	free(csv_path);
}

static void test_roster_unreadable_files_fail_clearly(void **state)
{
	fx *f = *state;
	char *out, *err;
	char missing[600];
	snprintf(missing, sizeof missing, "%s/absent.csv", f->dir);
	assert_int_equal(import_file(f, missing, &out, &err), 1);
	assert_non_null(strstr(err, "absent.csv"));
	free(out);
	free(err);
	char *garbage = tu_write_file(f->dir, "junk.xlsx", "PK\x03\x04 not really a zip", (size_t)-1);
	assert_int_equal(import_file(f, garbage, &out, &err), 1);
	assert_non_null(strstr(err, "junk.xlsx"));
	free(out);
	free(err);
	free(garbage);
	char *quote = tu_write_file(f->dir, "quote.csv", "学号,姓名,性别,年级,班级\n1,\"张三,男,2019级,A\n", (size_t)-1);
	assert_int_equal(import_file(f, quote, &out, &err), 1);
	assert_non_null(strstr(err, "quote.csv:2"));
	free(out);
	free(err);
	free(quote);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roster_imports_utf8_and_says_what_it_did, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_imports_bom_and_english_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_imports_gbk_as_excel_on_chinese_windows_saves_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_imports_xlsx_with_numbers_as_student_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_names_every_bad_cell_and_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_missing_column_is_reported_on_the_header_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_one_bad_row_among_many_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_warns_about_likely_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_round_trips_through_csv_and_xlsx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roster_unreadable_files_fail_clearly, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
