/*
 * return.c — the return to school on the command line:
 *
 *   jinyun screen --db PATH --date YYYY-MM-DD [--json]
 *       screen everyone expected back that day, keep the results, and print
 *       [{"person","status","reasons":["中文 (English)",…]},…] in order of number
 *   jinyun device add --db PATH --name NAME --gate GATE    prints the token, once
 *   jinyun device list --db PATH
 *   jinyun import declarations|risk-regions|batches …     (rows in import.c)
 *   jinyun export gate-readings …                          (rows in export.c)
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "domain/declarations.h"
#include "domain/gate.h"
#include "domain/return_plan.h"
#include "domain/screening.h"
#include "util/date.h"

/* ---- screen ---- */

static const char screen_usage[] =
	"用法 usage: jinyun screen [--db PATH] --date YYYY-MM-DD [--json]\n"
	"返校筛查：按规则筛查该日应返校的全部人员（无返校计划时为全部在籍人员），保存结果。\n"
	"Screen everyone expected back on the date (everyone enrolled when there is no\n"
	"return plan) with the screening rules and the current risk regions; the results\n"
	"are kept (with the risk-region version used).  --json prints\n"
	"[{\"person\",\"status\":\"cleared|monitor|hold\",\"reasons\":[…]}] in order of number.\n";

typedef struct screen_out {
	int json;
	long n;
} screen_out;

/* One result as {"person","status","reasons":["中文 (English)"]}. */
static int print_row(void *ctx, const screening_row *r)
{
	screen_out *x = ctx;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "person", r->number);
	cJSON_AddStringToObject(o, "status", screen_status_name(r->status));
	cJSON *reasons = cJSON_AddArrayToObject(o, "reasons");
	cJSON *a = cJSON_Parse(r->reasons);
	const cJSON *it;
	cJSON_ArrayForEach(it, a) {
		const cJSON *zh = cJSON_GetObjectItem(it, "zh"), *en = cJSON_GetObjectItem(it, "en");
		char buf[900];
		snprintf(buf, sizeof buf, "%s (%s)%s", cJSON_IsString(zh) ? zh->valuestring : "",
			 cJSON_IsString(en) ? en->valuestring : "",
			 cJSON_IsTrue(cJSON_GetObjectItem(it, "lifted")) ? " [已解除 lifted]" : "");
		cJSON_AddItemToArray(reasons, cJSON_CreateString(buf));
	}
	cJSON_Delete(a);
	if (x->json) {
		char *text = cJSON_PrintUnformatted(o);
		if (text)
			printf("%s  %s", x->n ? ",\n" : "", text);
		free(text);
	} else if (r->status != SCREEN_CLEARED) {
		printf("%s %s %s %s\n", r->number, r->name, r->class_name, screen_status_name(r->status));
		cJSON_ArrayForEach(it, reasons)
			printf("    %s\n", it->valuestring);
	}
	cJSON_Delete(o);
	x->n++;
	return 0;
}

int cmd_screen(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *date = NULL;
	int json = 0;
	static const struct option opts[] = { { "db", required_argument, 0, 'd' },
					      { "date", required_argument, 0, 't' },
					      { "json", no_argument, 0, 'j' },
					      { "help", no_argument, 0, 'h' },
					      { 0, 0, 0, 0 } };
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 't': date = optarg; break;
		case 'j': json = 1; break;
		case 'h': fputs(screen_usage, stdout); return 0;
		default: fputs(screen_usage, stderr); return 2;
		}
	}
	if (!date || optind < argc) {
		fputs(screen_usage, stderr);
		return 2;
	}
	store *s;
	school_rec sc;
	if (cli_open_school("screen", path, &s, &sc))
		return 1;
	screen_out x = { json, 0 };
	screening_summary sum;
	jy_err err;
	err_clear(&err);
	if (json)
		printf("[\n");
	int rc = screening_run(s, sc.id, date, print_row, &x, &sum, &err);
	store_close(s);
	if (rc) {
		if (json)
			printf("]\n");
		return cli_fail("screen", "%s%s%s", err.column, err.column[0] ? ": " : "", err.msg);
	}
	if (json)
		printf("%s]\n", x.n ? "\n" : "");
	fprintf(json ? stderr : stdout,
		"%s %s 返校筛查 %ld 人：通过 %ld，健康管理 %ld，留置 %ld（风险地区版本 %lld；%ld 条申报；读取 %.0f ms，筛查 %.0f ms，保存 %.0f ms）\n"
		"screened %ld people for %s: cleared %ld, monitor %ld, hold %ld (risk-region version %lld)\n",
		sc.name, date, sum.people, sum.cleared, sum.monitor, sum.hold, (long long)sum.risk_version,
		sum.declarations, sum.ms_load, sum.ms_screen, sum.ms_store, sum.people, date, sum.cleared,
		sum.monitor, sum.hold, (long long)sum.risk_version);
	return 0;
}

/* ---- device ---- */

static const char device_usage[] =
	"用法 usage: jinyun device add [--db PATH] --name NAME --gate GATE\n"
	"       jinyun device list [--db PATH]\n"
	"登记校门测温终端；令牌只显示这一次（只保存其 SHA-256）。\n"
	"Register a gate terminal; its token is printed once on stdout (only its SHA-256\n"
	"is kept).  The terminal posts readings to POST /api/gate/readings with\n"
	"Authorization: Bearer TOKEN.\n";

static int print_device(void *ctx, const gate_device_rec *d)
{
	(void)ctx;
	printf("%lld\t%s\t%s%s\n", (long long)d->id, d->name, d->gate, d->disabled ? "\t(停用 disabled)" : "");
	return 0;
}

int cmd_device(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *name = NULL, *gate = NULL;
	static const struct option opts[] = { { "db", required_argument, 0, 'd' },
					      { "name", required_argument, 0, 'n' },
					      { "gate", required_argument, 0, 'g' },
					      { "help", no_argument, 0, 'h' },
					      { 0, 0, 0, 0 } };
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(device_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	optind = 0;
	int c;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'n': name = optarg; break;
		case 'g': gate = optarg; break;
		default: fputs(device_usage, stderr); return 2;
		}
	}
	if (optind != argc - 1 || (strcmp(sub, "add") && strcmp(sub, "list")) ||
	    (!strcmp(sub, "add") && (!name || !gate))) {
		fputs(device_usage, stderr);
		return 2;
	}
	store *s;
	school_rec sc;
	if (cli_open_school("device", path, &s, &sc))
		return 1;
	jy_err err;
	err_clear(&err);
	int rc;
	if (!strcmp(sub, "list")) {
		rc = store_device_list(s, sc.id, print_device, NULL, &err);
	} else {
		char token[AUTH_TOKEN_HEX];
		int64_t id = 0;
		rc = gate_device_add(s, sc.id, name, gate, token, &id, &err);
		if (!rc) {
			printf("%s\n", token);
			fprintf(stderr,
				"已登记设备 #%lld %s（%s）；令牌只显示这一次 (device #%lld registered; the token is shown only once)\n",
				(long long)id, name, gate, (long long)id);
		}
	}
	store_close(s);
	return rc ? cli_fail("device", "%s%s%s", err.column, err.column[0] ? ": " : "", err.msg) : 0;
}

/* ---- importers (rows in import.c) ---- */

/* Read FILE and open the store; 0, or the exit status already reported. */
static int import_open(const char *db_path, const char *file, const char *sheet, table **t, store **s)
{
	jy_err err;
	err_clear(&err);
	char buf[1024];
	if (cli_read_table(file, sheet, t, &err)) {
		if (!err.file[0])
			snprintf(err.file, sizeof err.file, "%s", file);
		err_format(&err, buf, sizeof buf);
		fprintf(stderr, "%s\n", buf);
		return 1;
	}
	if (store_open(db_path, s, &err)) {
		table_free(*t);
		return cli_fail("import", "%s", err.msg);
	}
	return 0;
}

/* Report a failed import: every error as FILE:ROW:COLUMN, or the one error. */
static void import_failed(int rc, const char *file, const jy_errlist *errors, jy_err *err)
{
	char buf[1024];
	if (rc == JY_EINVAL && errors->n_total) {
		cli_print_errlist(errors);
		fprintf(stderr, "导入失败：%zu 个错误，未写入任何数据 (import refused: %zu errors, nothing written)\n",
			errors->n_total, errors->n_total);
	} else {
		if (!err->file[0])
			snprintf(err->file, sizeof err->file, "%s", file);
		err_format(err, buf, sizeof buf);
		fprintf(stderr, "%s\n导入失败，未写入任何数据 (import failed, nothing written)\n", buf);
	}
}

int cli_import_declarations(const char *db_path, const char *file, const char *sheet)
{
	table *t = NULL;
	store *s = NULL;
	if (import_open(db_path, file, sheet, &t, &s))
		return 1;
	jy_err err;
	err_clear(&err);
	jy_errlist errors = { 0 };
	declarations_import_report rep;
	int rc = declarations_import(s, t, file, &rep, &errors, &err);
	if (rc)
		import_failed(rc, file, &errors, &err);
	else
		printf("已导入申报 %s：%ld 行，%ld 人；新增 %ld，更新 %ld，未变 %ld；已重新筛查\n"
		       "imported declarations %s: %ld rows, %ld people; added %ld, updated %ld, unchanged %ld; re-screened\n",
		       file, rep.rows, rep.people, rep.added, rep.updated, rep.unchanged, file, rep.rows, rep.people,
		       rep.added, rep.updated, rep.unchanged);
	errlist_free(&errors);
	store_close(s);
	table_free(t);
	return rc ? 1 : 0;
}

int cli_import_risk_regions(const char *db_path, const char *file, const char *sheet)
{
	table *t = NULL;
	store *s = NULL;
	if (import_open(db_path, file, sheet, &t, &s))
		return 1;
	jy_err err;
	err_clear(&err);
	jy_errlist errors = { 0 };
	risk_import_report rep;
	int rc = screening_risk_import(s, t, file, &rep, &errors, &err);
	if (rc)
		import_failed(rc, file, &errors, &err);
	else
		printf("已发布风险地区 %s：%ld 个地区，版本 %lld（替换此前的清单）\n"
		       "published risk regions %s: %ld regions, version %lld (replaces the previous list)\n",
		       file, rep.rows, (long long)rep.version, file, rep.rows, (long long)rep.version);
	errlist_free(&errors);
	store_close(s);
	table_free(t);
	return rc ? 1 : 0;
}

int cli_import_batches(const char *db_path, const char *file, const char *sheet)
{
	table *t = NULL;
	store *s = NULL;
	if (import_open(db_path, file, sheet, &t, &s))
		return 1;
	jy_err err;
	err_clear(&err);
	jy_errlist errors = { 0 };
	return_plan_report rep;
	int rc = return_plan_import(s, t, file, &rep, &errors, &err);
	if (rc)
		import_failed(rc, file, &errors, &err);
	else
		printf("已导入返校计划 %s：%ld 行，%ld 个批次，%ld 个班级\n"
		       "imported the return plan %s: %ld rows, %ld batches, %ld classes\n",
		       file, rep.rows, rep.batches, rep.classes, file, rep.rows, rep.batches, rep.classes);
	errlist_free(&errors);
	store_close(s);
	table_free(t);
	return rc ? 1 : 0;
}

/* ---- export (row in export.c) ---- */

/* A CSV field, quoted when it needs to be (RFC 4180). */
static void csv_field(FILE *f, const char *v)
{
	if (!strpbrk(v, ",\"\r\n")) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

static int print_reading(void *ctx, const gate_reading_rec *r)
{
	FILE *f = ctx;
	/* The time as ISO 8601 in China Standard Time. */
	int64_t local = r->at + 8 * 3600;
	int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int secs = (int)(local - day * 86400);
	char date[11];
	date_format((int32_t)day, date);
	csv_field(f, r->number);
	/* One decimal as thermometers give it, unless the device sent more:
	 * then every digit stored, so the export compares exactly with what
	 * was sent. */
	char temp[32];
	snprintf(temp, sizeof temp, "%.1f", r->temperature);
	if (strtod(temp, NULL) != r->temperature)
		snprintf(temp, sizeof temp, "%.15g", r->temperature);
	fprintf(f, ",%s,%sT%02d:%02d:%02d+08:00,", temp, date, secs / 3600, secs / 60 % 60, secs % 60);
	csv_field(f, r->gate);
	fprintf(f, ",%s\n", r->decision);
	return ferror(f) != 0;
}

int cli_export_gate_readings(store *s, const char *date, FILE *f, jy_err *err)
{
	school_rec sc;
	int rc = store_school_default(s, &sc, err);
	if (rc)
		return rc;
	int32_t day;
	if (date && date_parse(date, &day))
		return err_set(err, JY_EINVAL, "--date 应为 YYYY-MM-DD (--date must be YYYY-MM-DD)");
	fputs("person,temperature,time,gate,decision\n", f);
	rc = store_gate_reading_list(s, sc.id, date, print_reading, f, err);
	if (!rc && ferror(f))
		rc = err_set(err, JY_EIO, "写入失败 (write failed)");
	return rc;
}
