/*
 * presence.c — the importers of `jinyun import presence` (ad-hoc presence:
 * person_no,place,start,end) and `jinyun import contacts` (SocioPatterns
 * contact records `t i j`, ids are person numbers), registered in the
 * importer table of import.c.  All or nothing; errors as FILE:ROW:COLUMN.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "domain/presence_import.h"
#include "store/store.h"

static int report(const char *file, int rc, const jy_errlist *errors, jy_err *err)
{
	if (rc == JY_EINVAL && errors->n_total) {
		cli_print_errlist(errors);
		fprintf(stderr, "导入失败：%zu 个错误，未写入任何数据 (import refused: %zu errors, nothing written)\n",
			errors->n_total, errors->n_total);
	} else if (rc) {
		char buf[1024];
		if (!err->file[0])
			snprintf(err->file, sizeof err->file, "%s", file);
		err_format(err, buf, sizeof buf);
		fprintf(stderr, "%s\n导入失败，未写入任何数据 (import failed, nothing written)\n", buf);
	}
	return rc ? 1 : 0;
}

int cli_import_presence(const char *db_path, const char *file, const char *sheet)
{
	jy_err err;
	err_clear(&err);
	table *t = NULL;
	if (cli_read_table(file, sheet, &t, &err)) {
		jy_errlist none = { 0 };
		return report(file, JY_EIO, &none, &err);
	}
	store *s = NULL;
	school_rec sc;
	if (store_open(db_path, &s, &err) || store_school_default(s, &sc, &err)) {
		table_free(t);
		store_close(s);
		return cli_fail("import", "%s", err.msg);
	}
	jy_errlist errors = { 0 };
	size_t rows = 0;
	int rc = presence_import(s, sc.id, t, file, &rows, &errors, &err);
	if (!rc)
		printf("已导入活动停留 %zu 行 (presence: %zu rows imported)\n", rows, rows);
	int code = report(file, rc, &errors, &err);
	errlist_free(&errors);
	store_close(s);
	table_free(t);
	return code;
}

int cli_import_contacts(const char *db_path, const char *file, const char *resolution)
{
	jy_err err;
	err_clear(&err);
	int64_t res = 20;
	if (resolution) {
		char *end;
		long long v = strtoll(resolution, &end, 10);
		if (!*resolution || *end || v < 1 || v > CONTACT_MAX_RESOLUTION) {
			fprintf(stderr, "jinyun import contacts: --resolution 应为 1–86400 秒 (must be 1-86400 seconds)\n");
			return 2;
		}
		res = v;
	}
	store *s = NULL;
	school_rec sc;
	if (store_open(db_path, &s, &err) || store_school_default(s, &sc, &err)) {
		store_close(s);
		return cli_fail("import", "%s", err.msg);
	}
	jy_errlist errors = { 0 };
	size_t n = 0;
	int rc = contacts_import(s, sc.id, file, res, &n, &errors, &err);
	if (!rc)
		printf("已导入接触记录 %zu 条，每条 %lld 秒 (contacts: %zu records of %lld s imported)\n", n,
		       (long long)res, n, (long long)res);
	int code = report(file, rc, &errors, &err);
	errlist_free(&errors);
	store_close(s);
	return code;
}
