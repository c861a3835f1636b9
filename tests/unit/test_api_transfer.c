/*
 * test_api_transfer.c — spreadsheets in and out over HTTP against a real
 * `jinyun serve` on a free loopback port: an import with a bad row answers
 * the error table (file, row, column, message) and writes nothing; a good
 * one writes; the roster exported as xlsx is a workbook that imports again
 * unchanged; who may import and export; a hostile upload (a path as file
 * name, a body that is no workbook, a body over the limit) gets a clear
 * refusal; a zip bomb (one shared string of 200 MiB, named in many cells)
 * is refused without the server growing past 200 MiB; every import and
 * export is in the audit log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <zip.h>

#include "apifix.h"
#include "testutil.h"

static api_school fx;

static int setup(void **state)
{
	*state = &fx;
	return api_school_start(&fx, "io.db");
}

/* POST a raw file to path; the status, and the parsed answer in *out. */
static int upload(const char *path, const char *cookie, const char *data, size_t len, cJSON **out)
{
	httpc_resp r;
	assert_int_equal(httpc_request(fx.srv.port, "POST", path, cookie, data, len, &r), 0);
	int status = r.status;
	*out = cJSON_Parse(r.body);
	if (!*out)
		fprintf(stderr, "POST %s: not JSON: %s\n", path, r.body);
	assert_non_null(*out);
	httpc_free(&r);
	return status;
}

static double people_total(void)
{
	cJSON *j = NULL;
	assert_int_equal(api_call(fx.srv.port, "GET", "/api/people?kind=student&total=1&limit=1",
				  fx.admin, NULL, &j),
			 200);
	double n = cJSON_GetObjectItem(j, "total")->valuedouble;
	cJSON_Delete(j);
	return n;
}

static void test_a_bad_row_answers_the_error_table_and_writes_nothing(void **state)
{
	(void)state;
	double before = people_total();
	assert_true(before == 7);
	static const char bad[] = "学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
				  "S08,钱八,男,2019级,一班,A101,13800000008\n"
				  "S09,孙九,X,2019级,一班,A101,13800000009\n";
	cJSON *j = NULL;
	assert_int_equal(upload("/api/imports/roster?filename=new.csv", fx.admin, bad, strlen(bad), &j), 400);
	assert_string_equal(cJSON_GetObjectItem(api_get(j, "error"), "code")->valuestring,
			    "import_refused");
	const cJSON *errors = api_get(j, "errors");
	assert_int_equal(cJSON_GetArraySize(errors), 1);
	const cJSON *e = cJSON_GetArrayItem(errors, 0);
	assert_string_equal(api_get(e, "file")->valuestring, "new.csv");
	assert_int_equal(api_get(e, "row")->valueint, 3);
	assert_true(strlen(api_get(e, "column")->valuestring) > 0);
	assert_true(strlen(api_get(e, "message")->valuestring) > 0);
	assert_int_equal(api_get(j, "total")->valueint, 1);
	cJSON_Delete(j);
	assert_true(people_total() == before);

	/* The same file without the bad row is written. */
	static const char good[] = "学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
				   "S08,钱八,男,2019级,一班,A101,13800000008\n";
	assert_int_equal(upload("/api/imports/roster?filename=new.csv", fx.admin, good, strlen(good), &j), 200);
	assert_int_equal(api_get(j, "added")->valueint, 1);
	assert_string_equal(api_get(j, "kind")->valuestring, "roster");
	cJSON_Delete(j);
	assert_true(people_total() == before + 1);
}

static void test_the_roster_exported_as_xlsx_imports_again_unchanged(void **state)
{
	(void)state;
	httpc_resp r;
	assert_int_equal(httpc_request(fx.srv.port, "GET", "/api/exports/roster?format=xlsx", fx.principal, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	char ct[128], cd[128];
	httpc_header(&r, "Content-Type", ct, sizeof ct);
	httpc_header(&r, "Content-Disposition", cd, sizeof cd);
	assert_non_null(strstr(ct, "spreadsheetml"));
	assert_non_null(strstr(cd, "attachment"));
	assert_true(r.body_len > 100);
	assert_memory_equal(r.body, "PK\003\004", 4);
	double before = people_total();
	cJSON *j = NULL;
	assert_int_equal(upload("/api/imports/roster?filename=roster.xlsx", fx.reporter, r.body, r.body_len, &j), 200);
	assert_int_equal(api_get(j, "added")->valueint, 0);
	assert_int_equal(api_get(j, "rows")->valueint, (int)before);
	assert_int_equal(api_get(j, "unchanged")->valueint, (int)before);
	cJSON_Delete(j);
	httpc_free(&r);

	assert_int_equal(httpc_request(fx.srv.port, "GET", "/api/exports/roster?format=csv", fx.admin, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "张一"));
	httpc_free(&r);
	api_expect(fx.srv.port, "GET", "/api/exports/roster?format=pdf", fx.admin, NULL, 400);
}

static void test_who_may_import_and_export(void **state)
{
	(void)state;
	static const char csv[] = "学号,姓名,性别,年级,班级,宿舍,监护人电话\n";
	const char *no[] = { fx.teacher, fx.gate, fx.logistics, fx.principal, fx.district };
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		api_expect(fx.srv.port, "POST", "/api/imports/roster?filename=a.csv", no[i], csv,
			   403);
	api_expect(fx.srv.port, "POST", "/api/imports/roster?filename=a.csv", NULL, csv, 401);
	/* Batches are the admin's only; risk regions the admin's and the district's. */
	api_expect(fx.srv.port, "POST", "/api/imports/batches?filename=b.csv", fx.reporter,
		   "batch,class,return_date\n", 403);
	const char *risk = "region,level,valid_from,valid_to\n湖北省/武汉市,high,2020-01-01,2020-12-31\n";
	api_expect(fx.srv.port, "POST", "/api/imports/risk-regions?filename=r.csv", fx.district,
		   risk, 200);
	api_expect(fx.srv.port, "POST", "/api/imports/nothing?filename=a.csv", fx.admin, csv, 404);
	const char *nox[] = { fx.teacher, fx.gate, fx.logistics, fx.district };
	for (size_t i = 0; i < sizeof nox / sizeof nox[0]; i++)
		api_expect(fx.srv.port, "GET", "/api/exports/roster", nox[i], NULL, 403);
}

static void test_a_hostile_upload_is_refused_clearly(void **state)
{
	(void)state;
	double before = people_total();
	/* A path as file name is only a label. */
	static const char bad[] = "学号,姓名\nS10,\n";
	cJSON *j = NULL;
	assert_int_equal(upload("/api/imports/roster?filename=..%2F..%2Fetc%2Fpasswd.csv", fx.admin, bad,
				strlen(bad), &j), 400);
	const cJSON *e = cJSON_GetArrayItem(api_get(j, "errors"), 0);
	assert_string_equal(api_get(e, "file")->valuestring, "passwd.csv");
	cJSON_Delete(j);
	/* Not a workbook. */
	assert_int_equal(upload("/api/imports/roster?filename=x.xlsx", fx.admin, "not a zip at all", 16, &j), 400);
	e = cJSON_GetArrayItem(api_get(j, "errors"), 0);
	assert_string_equal(api_get(e, "file")->valuestring, "x.xlsx");
	assert_non_null(strstr(api_get(e, "message")->valuestring, "xlsx"));
	cJSON_Delete(j);
	/* An empty body. */
	api_expect(fx.srv.port, "POST", "/api/imports/roster?filename=x.csv", fx.admin, "", 400);
	/* Over the body limit: 413 and nothing read into memory past it. */
	size_t big = 2u << 20;
	char *data = malloc(big);
	assert_non_null(data);
	memset(data, 'a', big);
	httpc_resp r;
	assert_int_equal(httpc_request(fx.srv.port, "POST", "/api/imports/roster?filename=x.csv", fx.admin, data, big, &r), 0);
	assert_int_equal(r.status, 413);
	httpc_free(&r);
	free(data);
	assert_true(people_total() == before);
}

static void zip_part(zipFile z, const char *name, const char *data)
{
	zip_fileinfo zi;
	memset(&zi, 0, sizeof zi);
	assert_int_equal(zipOpenNewFileInZip64(z, name, &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 9, 1), ZIP_OK);
	assert_int_equal(zipWriteInFileInZip(z, data, (unsigned)strlen(data)), ZIP_OK);
	assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
}

/* A workbook whose one shared string is sst_mib MiB of 'a', named by
 * `cells` cells: a few hundred KiB that would inflate to gigabytes. */
static char *zip_bomb(size_t sst_mib, int cells, size_t *len)
{
	char *path = malloc(strlen(fx.dir) + 16);
	sprintf(path, "%s/bomb.xlsx", fx.dir);
	zipFile z = zipOpen64(path, APPEND_STATUS_CREATE);
	assert_non_null(z);
	zip_part(z, "[Content_Types].xml",
		 "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		 "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>");
	zip_part(z, "xl/workbook.xml",
		 "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		 "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
		 "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
	zip_part(z, "xl/_rels/workbook.xml.rels",
		 "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		 "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
		 "Target=\"worksheets/sheet1.xml\"/></Relationships>");
	char *sheet = malloc((size_t)cells * 64 + 256);
	char *p = sheet + sprintf(sheet, "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/"
					 "spreadsheetml/2006/main\"><sheetData>");
	for (int i = 1; i <= cells; i++)
		p += sprintf(p, "<row r=\"%d\"><c r=\"A%d\" t=\"s\"><v>0</v></c></row>", i, i);
	strcpy(p, "</sheetData></worksheet>");
	zip_part(z, "xl/worksheets/sheet1.xml", sheet);
	free(sheet);
	zip_fileinfo zi;
	memset(&zi, 0, sizeof zi);
	assert_int_equal(zipOpenNewFileInZip64(z, "xl/sharedStrings.xml", &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 9, 1),
			 ZIP_OK);
	const char *head = "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>";
	assert_int_equal(zipWriteInFileInZip(z, head, (unsigned)strlen(head)), ZIP_OK);
	char *mib = malloc(1 << 20);
	memset(mib, 'a', 1 << 20);
	for (size_t i = 0; i < sst_mib; i++)
		assert_int_equal(zipWriteInFileInZip(z, mib, 1 << 20), ZIP_OK);
	free(mib);
	const char *tail = "</t></si></sst>";
	assert_int_equal(zipWriteInFileInZip(z, tail, (unsigned)strlen(tail)), ZIP_OK);
	assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
	assert_int_equal(zipClose(z, NULL), ZIP_OK);
	char *data = tu_read_file(path, len);
	free(path);
	assert_non_null(data);
	return data;
}

/* The server's peak resident memory in KiB (VmHWM). */
static long server_peak_kib(void)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)fx.srv.pid);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	long kib = -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			kib = atol(line + 6);
	fclose(f);
	return kib;
}

static void test_a_zip_bomb_is_refused_without_costing_memory(void **state)
{
	(void)state;
	double before = people_total();
	struct {
		size_t mib;
		int cells;
	} bombs[] = { { 200, 2 }, { 20, 500 } };
	for (size_t i = 0; i < sizeof bombs / sizeof bombs[0]; i++) {
		size_t len = 0;
		char *data = zip_bomb(bombs[i].mib, bombs[i].cells, &len);
		assert_true(len < 1024 * 1024);
		cJSON *j = NULL;
		assert_int_equal(upload("/api/imports/roster?filename=bomb.xlsx", fx.admin, data, len, &j), 400);
		const cJSON *e = cJSON_GetArrayItem(api_get(j, "errors"), 0);
		assert_string_equal(api_get(e, "file")->valuestring, "bomb.xlsx");
		assert_non_null(strstr(api_get(e, "message")->valuestring, "MiB"));
		cJSON_Delete(j);
		free(data);
	}
	long kib = server_peak_kib();
	if (kib > 200 * 1024)
		fail_msg("the server grew to %ld KiB reading a zip bomb", kib);
	assert_true(people_total() == before);
}

static void test_contact_records_and_the_calendar(void **state)
{
	(void)state;
	cJSON *j = NULL;
	static const char bad[] = "100 S01 S02\n120 S01 S99\n";
	assert_int_equal(upload("/api/imports/contacts?filename=c.txt", fx.reporter, bad, strlen(bad), &j), 400);
	const cJSON *e = cJSON_GetArrayItem(api_get(j, "errors"), 0);
	assert_string_equal(api_get(e, "file")->valuestring, "c.txt");
	assert_int_equal(api_get(e, "row")->valueint, 2);
	cJSON_Delete(j);
	static const char good[] = "100 S01 S02\n120 S01 S03\n";
	assert_int_equal(upload("/api/imports/contacts?filename=c.txt&resolution=30", fx.reporter, good, strlen(good), &j),
			 200);
	assert_int_equal(api_get(j, "rows")->valueint, 2);
	assert_int_equal(api_get(j, "resolution")->valueint, 30);
	cJSON_Delete(j);
	api_expect(fx.srv.port, "POST", "/api/imports/contacts?filename=c.txt&resolution=0",
		   fx.reporter, good, 400);
	api_expect(fx.srv.port, "POST", "/api/imports/contacts?filename=c.txt", fx.principal, good,
		   403);

	/* The school calendar: a bad kind names its row; a good file sets the days. */
	static const char cal_bad[] = "date,kind,note\n2026-10-01,holiday,国庆\n2026-10-02,vacation,\n";
	assert_int_equal(upload("/api/imports/calendar?filename=cal.csv", fx.admin, cal_bad, strlen(cal_bad), &j), 400);
	e = cJSON_GetArrayItem(api_get(j, "errors"), 0);
	assert_int_equal(api_get(e, "row")->valueint, 3);
	assert_string_equal(api_get(e, "column")->valuestring, "kind");
	cJSON_Delete(j);
	assert_int_equal(api_call(fx.srv.port, "GET", "/api/calendar?from=2026-10-01&to=2026-10-02",
				  fx.admin, NULL, &j),
			 200);
	char *text = cJSON_PrintUnformatted(j);
	assert_null(strstr(text, "holiday"));
	free(text);
	cJSON_Delete(j);
	static const char cal[] = "date,kind,note\n2026-10-01,holiday,国庆\n";
	assert_int_equal(upload("/api/imports/calendar?filename=cal.csv", fx.admin, cal, strlen(cal), &j), 200);
	assert_int_equal(api_get(j, "rows")->valueint, 1);
	cJSON_Delete(j);
	assert_int_equal(api_call(fx.srv.port, "GET", "/api/calendar?from=2026-10-01&to=2026-10-02",
				  fx.admin, NULL, &j),
			 200);
	text = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(text, "\"date\":\"2026-10-01\",\"kind\":\"holiday\""));
	free(text);
	cJSON_Delete(j);
}

static void test_imports_and_exports_are_audited(void **state)
{
	(void)state;
	cJSON *j = NULL;
	assert_int_equal(api_call(fx.srv.port, "GET", "/api/audit?limit=200", fx.admin, NULL, &j),
			 200);
	int imports = 0, refused = 0, exports = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, api_get(j, "items"))
	{
		const char *action = api_get(it, "action")->valuestring;
		const char *detail = api_get(it, "detail")->valuestring;
		if (!strcmp(action, "import")) {
			imports++;
			refused += strstr(detail, "refused") != NULL;
		}
		exports += !strcmp(action, "export");
	}
	cJSON_Delete(j);
	assert_true(imports >= 4);
	assert_true(refused >= 2);
	assert_true(exports >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_bad_row_answers_the_error_table_and_writes_nothing),
	    cmocka_unit_test(test_the_roster_exported_as_xlsx_imports_again_unchanged),
	    cmocka_unit_test(test_who_may_import_and_export),
	    cmocka_unit_test(test_a_hostile_upload_is_refused_clearly),
	    cmocka_unit_test(test_a_zip_bomb_is_refused_without_costing_memory),
	    cmocka_unit_test(test_contact_records_and_the_calendar),
	    cmocka_unit_test(test_imports_and_exports_are_audited),
	};
	return cmocka_run_group_tests(tests, setup, api_school_teardown);
}
