/*
 * surveillance.c — `jinyun census` and `jinyun alerts`: the day's numbers
 * and the alerts, as JSON for other tools (the same shapes as the API).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/alerts.h"
#include "domain/census.h"
#include "domain/report_json.h"

static const char census_usage[] =
	"用法 usage: jinyun census [--db PATH] --date YYYY-MM-DD [--session morning|noon|evening] --json\n"
	"某日某时段按班级、年级、全校统计：在籍、应到、实到、因病/事假/不明缺勤、有症状、发热，以及未提交的班级。\n"
	"Per class, grade and school for a day and session: enrolled, expected, present,\n"
	"absent by reason, symptomatic, febrile (>= 37.3 C), and the classes not submitted.\n";

static int open_school(const char *cmd, const char *path, store **s, school_rec *sc)
{
	jy_err err;
	err_clear(&err);
	if (store_open(path, s, &err))
		return cli_fail(cmd, "%s", err.msg);
	if (store_school_default(*s, sc, &err)) {
		store_close(*s);
		return cli_fail(cmd, "%s", err.msg);
	}
	return 0;
}

static int print_json(cJSON *j)
{
	char *text = cJSON_Print(j);
	cJSON_Delete(j);
	if (!text)
		return 1;
	puts(text);
	free(text);
	return 0;
}

int cmd_census(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *date = NULL, *session = "morning";
	int json = 0;
	static const struct option opts[] = { { "db", required_argument, 0, 'd' },
					      { "date", required_argument, 0, 't' },
					      { "session", required_argument, 0, 's' },
					      { "json", no_argument, 0, 'j' },
					      { "help", no_argument, 0, 'h' },
					      { 0, 0, 0, 0 } };
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 't': date = optarg; break;
		case 's': session = optarg; break;
		case 'j': json = 1; break;
		case 'h': fputs(census_usage, stdout); return 0;
		default: fputs(census_usage, stderr); return 2;
		}
	}
	if (!date || optind < argc) {
		fputs(census_usage, stderr);
		return 2;
	}
	store *s;
	school_rec sc;
	if (open_school("census", path, &s, &sc))
		return 1;
	census cs;
	jy_err err;
	err_clear(&err);
	int rc = census_for_day(s, sc.id, date, session, &cs, &err);
	store_close(s);
	if (rc)
		return cli_fail("census", "%s%s%s", err.column, err.column[0] ? ": " : "", err.msg);
	if (json) {
		rc = print_json(census_json(&cs));
	} else {
		printf("%s %s %s  在籍 %lld 实到 %lld 因病缺勤 %lld 其他缺勤 %lld 不明 %lld 有症状 %lld 发热 %lld  已提交 %lld/%lld 班\n",
		       sc.name, date, session, (long long)cs.school.enrolled, (long long)cs.school.present,
		       (long long)cs.school.absent_sick, (long long)cs.school.absent_other,
		       (long long)cs.school.absent_unknown, (long long)cs.school.symptomatic,
		       (long long)cs.school.febrile, (long long)cs.school.submitted,
		       (long long)cs.school.classes);
		for (size_t i = 0; i < cs.nclasses; i++)
			if (!cs.classes[i].submitted)
				printf("  未提交 not submitted: %s\n", cs.classes[i].class_name);
	}
	census_free(&cs);
	return rc;
}

static const char alerts_usage[] =
	"用法 usage: jinyun alerts [--db PATH] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--evaluate] --json\n"
	"聚集性疫情预警列表；--evaluate 先按规则重新检查该时间段。\n"
	"The alerts overlapping the period; --evaluate runs the cluster rules over it first.\n";

typedef struct alerts_ctx {
	store *s;
	cJSON *arr;
	int failed;
} alerts_ctx;

static int add_alert(void *vctx, const alert_rec *a)
{
	alerts_ctx *x = vctx;
	jy_err err;
	cJSON *j = alert_json(x->s, a, &err);
	if (!j)
		return (x->failed = 1);
	cJSON_AddItemToArray(x->arr, j);
	return 0;
}

int cmd_alerts(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *from = NULL, *to = NULL;
	int json = 0, evaluate = 0;
	static const struct option opts[] = { { "db", required_argument, 0, 'd' },
					      { "from", required_argument, 0, 'f' },
					      { "to", required_argument, 0, 't' },
					      { "json", no_argument, 0, 'j' },
					      { "evaluate", no_argument, 0, 'e' },
					      { "help", no_argument, 0, 'h' },
					      { 0, 0, 0, 0 } };
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'j': json = 1; break;
		case 'e': evaluate = 1; break;
		case 'h': fputs(alerts_usage, stdout); return 0;
		default: fputs(alerts_usage, stderr); return 2;
		}
	}
	if (optind < argc) {
		fputs(alerts_usage, stderr);
		return 2;
	}
	store *s;
	school_rec sc;
	if (open_school("alerts", path, &s, &sc))
		return 1;
	jy_err err;
	err_clear(&err);
	if (evaluate) {
		if (!from || !to) {
			store_close(s);
			return cli_fail("alerts", "--evaluate 需要 --from 和 --to (needs --from and --to)");
		}
		if (alerts_evaluate(s, sc.id, from, to, NULL, NULL, &err)) {
			store_close(s);
			return cli_fail("alerts", "%s", err.msg);
		}
	}
	alerts_ctx x = { s, cJSON_CreateArray(), 0 };
	int rc = store_alert_list(s, sc.id, from, to, NULL, add_alert, &x, &err);
	store_close(s);
	if (rc || x.failed) {
		cJSON_Delete(x.arr);
		return cli_fail("alerts", "%s", err.msg);
	}
	if (json)
		return print_json(x.arr);
	const cJSON *a;
	cJSON_ArrayForEach(a, x.arr)
		printf("#%d %s %s %s %s..%s %d 人 %s\n", cJSON_GetObjectItem(a, "id")->valueint,
		       cJSON_GetObjectItem(a, "scope_name")->valuestring,
		       cJSON_GetObjectItem(a, "code_zh")->valuestring,
		       cJSON_GetObjectItem(a, "rule")->valuestring,
		       cJSON_GetObjectItem(a, "first_date")->valuestring,
		       cJSON_GetObjectItem(a, "last_date")->valuestring,
		       cJSON_GetObjectItem(a, "count")->valueint,
		       cJSON_GetObjectItem(a, "status")->valuestring);
	cJSON_Delete(x.arr);
	return 0;
}
