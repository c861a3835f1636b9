/*
 * export.c — `jinyun export KIND`: write records out as CSV or xlsx.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/roster.h"
#include "store/store.h"

static const char usage[] =
	"用法 usage: jinyun export roster [--db PATH] [--format csv|xlsx] [-o FILE]\n"
	"导出学生名单 export the student roster: CSV (UTF-8, 中文表头) to stdout by default;\n"
	"xlsx needs -o FILE.\n"
	"       jinyun export gate-readings [--db PATH] [--date YYYY-MM-DD] [--format csv] [-o FILE]\n"
	"导出校门测温记录 every gate reading (of a day): person,temperature,time,gate,decision\n"
	"  --as USER   以该账号导出：角色须允许导出个人数据 (admin/principal/reporter)；\n"
	"              不给时记为操作系统用户 (without it the OS user, who holds the database\n"
	"              file, is recorded).  Every export is written to the audit log.\n"
	"  --school CODE  多校数据库中的学校 (the school, when the database holds several)\n";

int cmd_export(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *format = "csv", *out = NULL;
	const char *date = NULL; /* gate-readings: one day */
	const char *as = NULL;   /* the account whose role must allow the export */
	static const struct option opts[] = { { "db", required_argument, 0, 'd' },
					      { "format", required_argument, 0, 'f' },
					      { "output", required_argument, 0, 'o' },
					      { "date", required_argument, 0, 't' },
					      { "as", required_argument, 0, 'a' },
					      { "help", no_argument, 0, 'h' },
					      { 0, 0, 0, 0 } };
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *kind = argv[1];
	optind = 0;
	int c;
	while ((c = getopt_long(argc - 1, argv + 1, "ho:", opts, NULL)) != -1) {
		if (c == 'd')
			path = optarg;
		else if (c == 'f')
			format = optarg;
		else if (c == 'o')
			out = optarg;
		else if (c == 't')
			date = optarg;
		else if (c == 'a')
			as = optarg;
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || (strcmp(kind, "roster") && strcmp(kind, "gate-readings"))) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(format, "csv") && strcmp(format, "xlsx")) {
		fprintf(stderr, "jinyun export: --format 只能是 csv 或 xlsx (csv or xlsx)\n");
		return 2;
	}
	if (!strcmp(kind, "gate-readings") && strcmp(format, "csv")) {
		fprintf(stderr, "jinyun export: gate-readings 只能导出 csv (gate-readings: csv only)\n");
		return 2;
	}
	if (!strcmp(format, "xlsx") && !out) {
		fprintf(stderr, "jinyun export: xlsx 需要 -o FILE (xlsx needs -o FILE)\n");
		return 2;
	}
	jy_err err;
	err_clear(&err);
	store *s = NULL;
	if (store_open(path, &s, &err))
		return cli_fail("export", "%s", err.msg);
	/* Personal data leaves the system: check the role, write the audit
	 * record first (an export that fails after it is still an attempt). */
	int rc = cli_export_allowed(s, as, kind, format, out, date, &err);
	if (rc) {
		store_close(s);
		return cli_fail("export", "%s", err.msg);
	}
	if (!strcmp(format, "xlsx")) {
		rc = roster_export_xlsx(s, out, &err);
	} else {
		FILE *f = out ? fopen(out, "w") : stdout;
		if (!f) {
			store_close(s);
			return cli_fail("export", "无法写入 cannot write %s", out);
		}
		if (!strcmp(kind, "gate-readings"))
			rc = cli_export_gate_readings(s, date, f, &err);
		else
			rc = roster_export_csv(s, f, &err);
		if (out && fclose(f) != 0 && !rc)
			rc = err_set(&err, JY_EIO, "写入 %s 失败 (write failed)", out);
	}
	store_close(s);
	return rc ? cli_fail("export", "%s", err.msg) : 0;
}
