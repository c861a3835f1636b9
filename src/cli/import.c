/*
 * import.c — `jinyun import KIND`: bring a school's spreadsheets in.
 *
 * One row per kind in the table below.  Each importer is all-or-nothing and
 * prints every problem as `FILE:ROW:COLUMN: message` on stderr, exit 1; on
 * success it says what it did (added, updated, unchanged), because "success"
 * alone hides an import that wrote nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "domain/calendar_import.h"
#include "domain/checks_import.h"
#include "domain/roster.h"
#include "store/surveillance.h"
#include "util/date.h"
#include "store/store.h"
#include "util/table.h"

static const char usage[] =
	"用法 usage: jinyun import roster [--db PATH] [--sheet NAME] FILE.csv|FILE.xlsx\n"
	"导入学生名单 import the student roster (CSV in UTF-8 or GBK/GB18030, or xlsx).\n"
	"列 columns (中文或英文 Chinese or English): 学号/student_no 姓名/name 性别/gender\n"
	"  年级/grade 班级/class 宿舍/dorm 监护人电话/guardian_phone [重点群体/key_groups]\n"
	"       jinyun import calendar [--db PATH] FILE.csv   (date,kind,note: holiday makeup term_start term_end)\n"
	"       jinyun import checks [--db PATH] FILE.csv\n"
	"导入晨午检记录 checks: date,session,student_no,status,temperature,symptoms,diagnosis\n"
	"       jinyun import declarations [--db PATH] FILE.csv   返校前申报 pre-return declarations:\n"
	"  person_no,kind(stay|health|contact),date_from,date_to,region,temperature,symptoms,note\n"
	"       jinyun import risk-regions [--db PATH] FILE.csv   风险地区（整表发布为新版本）:\n"
	"  region,level(high|medium|low),valid_from,valid_to — published as a new version\n"
	"       jinyun import batches [--db PATH] FILE.csv   返校批次 return plan: batch,class,return_date\n"
	"       jinyun import presence [--db PATH] FILE.csv   活动停留 ad-hoc presence (assembly, bus trip):\n"
	"  person_no,place,start,end[,event] — times ISO 8601 (no zone = UTC+8) or integer seconds\n"
	"       jinyun import contacts [--db PATH] [--resolution 20] FILE   近距离接触记录 SocioPatterns\n"
	"  `t i j ...` records; i and j are person numbers; each record lasts --resolution seconds\n"
	"任何一行有错则不写入任何数据 (any bad row: nothing is written, exit 1).\n";

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

/* Read FILE as CSV or xlsx (by extension). */
int cli_read_table(const char *file, const char *sheet, table **t, jy_err *err)
{
	if (ends_with(file, ".xlsx") || ends_with(file, ".xlsm"))
		return xlsx_read_file(file, sheet, t, err);
	if (sheet)
		return err_set(err, JY_EINVAL, "--sheet 只适用于 xlsx (--sheet applies to .xlsx only)");
	return csv_read_file(file, t, err);
}

void cli_print_errlist(const jy_errlist *l)
{
	char buf[1024];
	for (size_t i = 0; i < l->n; i++) {
		err_format(&l->items[i], buf, sizeof buf);
		fprintf(stderr, "%s\n", buf);
	}
	if (l->n_total > l->n)
		fprintf(stderr, "… 另有 %zu 个错误未列出 (%zu more errors not shown)\n",
			l->n_total - l->n, l->n_total - l->n);
}

static int import_roster(const char *db_path, const char *file, const char *sheet)
{
	jy_err err;
	err_clear(&err);
	char buf[1024];
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	table *t = NULL;
	int rc = cli_read_table(file, sheet, &t, &err);
	if (rc) {
		if (!err.file[0])
			snprintf(err.file, sizeof err.file, "%s", file);
		err_format(&err, buf, sizeof buf);
		fprintf(stderr, "%s\n", buf);
		return 1;
	}
	store *s = NULL;
	if (store_open(db_path, &s, &err)) {
		table_free(t);
		return cli_fail("import", "%s", err.msg);
	}
	roster_report rep;
	jy_errlist errors = { 0 };
	rc = roster_import(s, t, file, &rep, &errors, &err);
	cli_print_errlist(&rep.warnings);
	if (rc == JY_EINVAL && errors.n_total) {
		cli_print_errlist(&errors);
		fprintf(stderr, "导入失败：%zu 个错误，未写入任何数据 (import refused: %zu errors, nothing written)\n",
			errors.n_total, errors.n_total);
	} else if (rc) {
		if (!err.file[0])
			snprintf(err.file, sizeof err.file, "%s", file);
		err_format(&err, buf, sizeof buf);
		fprintf(stderr, "%s\n导入失败，未写入任何数据 (import failed, nothing written)\n", buf);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		printf("已导入 %s (%s)：%ld 行；新增 %ld，更新 %ld，未变 %ld；新建班级 %ld，新建宿舍 %ld；%zu 条警告；%.0f ms\n"
		       "imported %s: %ld rows; added %ld, updated %ld, unchanged %ld; classes created %ld, "
		       "dorms created %ld; %zu warnings\n",
		       file, t->encoding ? t->encoding : "", rep.rows, rep.added, rep.updated, rep.unchanged,
		       rep.classes_created, rep.dorms_created, rep.warnings.n_total, ms, file, rep.rows,
		       rep.added, rep.updated, rep.unchanged, rep.classes_created, rep.dorms_created,
		       rep.warnings.n_total);
	}
	errlist_free(&errors);
	errlist_free(&rep.warnings);
	store_close(s);
	table_free(t);
	return rc ? 1 : 0;
}

static int import_checks(const char *db_path, const char *file, const char *sheet)
{
	jy_err err;
	err_clear(&err);
	char buf[1024];
	table *t = NULL;
	if (cli_read_table(file, sheet, &t, &err)) {
		if (!err.file[0])
			snprintf(err.file, sizeof err.file, "%s", file);
		err_format(&err, buf, sizeof buf);
		fprintf(stderr, "%s\n", buf);
		return 1;
	}
	store *s = NULL;
	if (store_open(db_path, &s, &err)) {
		table_free(t);
		return cli_fail("import", "%s", err.msg);
	}
	checks_import_report rep;
	jy_errlist errors = { 0 };
	int rc = checks_import(s, t, file, &rep, &errors, &err);
	if (rc == JY_EINVAL && errors.n_total) {
		cli_print_errlist(&errors);
		fprintf(stderr, "导入失败：%zu 个错误，未写入任何数据 (import refused: %zu errors, nothing written)\n",
			errors.n_total, errors.n_total);
	} else if (rc) {
		if (!err.file[0])
			snprintf(err.file, sizeof err.file, "%s", file);
		err_format(&err, buf, sizeof buf);
		fprintf(stderr, "%s\n导入失败，未写入任何数据 (import failed, nothing written)\n", buf);
	} else {
		printf("已导入 %s：%ld 行，%ld 个班级时段提交；新预警 %ld，更新预警 %ld\n"
		       "imported %s: %ld rows, %ld class submissions; alerts created %ld, updated %ld\n",
		       file, rep.rows, rep.submissions, rep.alerts_created, rep.alerts_updated, file,
		       rep.rows, rep.submissions, rep.alerts_created, rep.alerts_updated);
	}
	errlist_free(&errors);
	store_close(s);
	table_free(t);
	return rc ? 1 : 0;
}

/* The school calendar: date,kind,note (kind: holiday makeup term_start
 * term_end, or empty to clear the day). */
static int import_calendar(const char *db_path, const char *file, const char *sheet)
{
	jy_err err;
	err_clear(&err);
	char buf[1024];
	table *t = NULL;
	if (cli_read_table(file, sheet, &t, &err)) {
		if (!err.file[0])
			snprintf(err.file, sizeof err.file, "%s", file);
		err_format(&err, buf, sizeof buf);
		fprintf(stderr, "%s\n", buf);
		return 1;
	}
	jy_errlist errors = { 0 };
	int rc = 0;
	store *s = NULL;
	school_rec sc;
	size_t days = 0;
	if (store_open(db_path, &s, &err) || store_school_default(s, &sc, &err)) {
		rc = cli_fail("import", "%s", err.msg);
	} else if ((rc = calendar_import(s, sc.id, t, file, &days, &errors, &err)) == JY_EINVAL &&
		   errors.n_total) {
		cli_print_errlist(&errors);
		fprintf(stderr, "导入失败，未写入任何数据 (import refused, nothing written)\n");
		rc = 1;
	} else if (rc) {
		rc = cli_fail("import", "%s", err.msg);
	} else {
		printf("已导入校历 %zu 天 (calendar: %zu days imported)\n", days, days);
	}
	errlist_free(&errors);
	store_close(s);
	table_free(t);
	return rc;
}

/* --resolution of `import contacts` (set by cmd_import, read by the row below). */
static const char *contacts_resolution;

static int import_contacts(const char *db_path, const char *file, const char *sheet)
{
	(void)sheet;
	return cli_import_contacts(db_path, file, contacts_resolution);
}

static const struct importer {
	const char *kind;
	int (*fn)(const char *db_path, const char *file, const char *sheet);
} importers[] = {
	{ "batches", cli_import_batches },
	{ "calendar", import_calendar },
	{ "checks", import_checks },
	{ "contacts", import_contacts },
	{ "declarations", cli_import_declarations },
	{ "risk-regions", cli_import_risk_regions },
	{ "presence", cli_import_presence },
	{ "roster", import_roster },
};

int cmd_import(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *sheet = NULL;
	static const struct option opts[] = { { "db", required_argument, 0, 'd' },
					      { "sheet", required_argument, 0, 's' },
					      { "resolution", required_argument, 0, 'r' },
					      { "help", no_argument, 0, 'h' },
					      { 0, 0, 0, 0 } };
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *kind = argv[1];
	optind = 0;
	int c;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		if (c == 'd')
			path = optarg;
		else if (c == 's')
			sheet = optarg;
		else if (c == 'r' && !strcmp(kind, "contacts"))
			contacts_resolution = optarg;
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind + 1 != argc - 1) {
		fprintf(stderr, "jinyun import %s: 需要一个文件 (exactly one FILE expected)\n", kind);
		return 2;
	}
	const char *file = argv[1 + optind];
	for (size_t i = 0; i < sizeof importers / sizeof importers[0]; i++)
		if (!strcmp(kind, importers[i].kind))
			return importers[i].fn(path, file, sheet);
	fprintf(stderr, "jinyun import: 未知类型 unknown kind '%s'\n%s", kind, usage);
	return 2;
}
