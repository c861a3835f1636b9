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
#include "domain/signals.h"

static const char census_usage[] =
	"用法 usage: jinyun census [--db PATH] --date YYYY-MM-DD [--session morning|noon|evening] --json\n"
	"某日某时段按班级、年级、全校统计：在籍、应到、实到、因病/事假/不明缺勤、有症状、发热，以及未提交的班级。\n"
	"Per class, grade and school for a day and session: enrolled, expected, present,\n"
	"absent by reason, symptomatic, febrile (>= 37.3 C), and the classes not submitted.\n";

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
	if (cli_open_school("census", path, &s, &sc))
		return 1;
	census cs;
	jy_err err;
	err_clear(&err);
	int rc = census_for_day(s, sc.id, date, session, &cs, &err);
	store_close(s);
	if (rc)
		return cli_fail("census", "%s%s%s", err.column, err.column[0] ? ": " : "", err.msg);
	if (json) {
		rc = cli_print_json(census_json(&cs));
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
	if (cli_open_school("alerts", path, &s, &sc))
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
		return cli_print_json(x.arr);
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

static const char signals_usage[] =
	"用法 usage: jinyun signals [--db PATH] --date YYYY-MM-DD [--json]\n"
	"统计预警日常运行：按班级、年级、全校，对每种症状和因病缺勤的在校日序列运行 EARS C1/C2/C3 与 Farrington。\n"
	"The daily statistical run: EARS C1/C2/C3 and Farrington on school-day series of each\n"
	"symptom and of illness absences, per class, grade and school; prints the alarms.\n";

static int print_signal(void *ctx, const signal_rec *r)
{
	cJSON *arr = ctx;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "scope", r->scope);
	cJSON_AddStringToObject(o, "scope_name", r->scope_name);
	cJSON_AddStringToObject(o, "code", r->code);
	cJSON_AddStringToObject(o, "method", r->method);
	cJSON_AddNumberToObject(o, "observed", r->observed);
	if (r->upperbound == r->upperbound)
		cJSON_AddNumberToObject(o, "upperbound", r->upperbound);
	else
		cJSON_AddNullToObject(o, "upperbound");
	cJSON_AddBoolToObject(o, "alarm", r->alarm);
	cJSON_AddItemToArray(arr, o);
	return 0;
}

int cmd_signals(int argc, char **argv)
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
		case 'h': fputs(signals_usage, stdout); return 0;
		default: fputs(signals_usage, stderr); return 2;
		}
	}
	if (!date || optind < argc) {
		fputs(signals_usage, stderr);
		return 2;
	}
	store *s;
	school_rec sc;
	if (cli_open_school("signals", path, &s, &sc))
		return 1;
	signals_report rep;
	jy_err err;
	err_clear(&err);
	if (signals_run(s, sc.id, date, &rep, &err)) {
		store_close(s);
		return cli_fail("signals", "%s", err.msg);
	}
	cJSON *arr = cJSON_CreateArray();
	int rc = store_signal_list(s, sc.id, date, 1, print_signal, arr, &err);
	store_close(s);
	if (rc) {
		cJSON_Delete(arr);
		return cli_fail("signals", "%s", err.msg);
	}
	if (json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "date", date);
		cJSON_AddBoolToObject(j, "school_day", rep.school_day);
		cJSON_AddNumberToObject(j, "school_days", (double)rep.school_days);
		cJSON_AddNumberToObject(j, "series", (double)rep.series);
		cJSON_AddNumberToObject(j, "evaluated", (double)rep.evaluated);
		cJSON_AddItemToObject(j, "alarms", arr);
		return cli_print_json(j);
	}
	if (!rep.school_day)
		printf("%s 不是在校日，未运行 (not a school day; nothing run)\n", date);
	else
		printf("%s：%zu 个序列，%zu 次评估，%zu 个报警 (%zu series, %zu evaluations, %zu alarms)\n",
		       date, rep.series, rep.evaluated, rep.alarms, rep.series, rep.evaluated, rep.alarms);
	const cJSON *a;
	cJSON_ArrayForEach(a, arr)
		printf("  %s %s %s observed %g > %g\n", cJSON_GetObjectItem(a, "scope_name")->valuestring,
		       cJSON_GetObjectItem(a, "code")->valuestring,
		       cJSON_GetObjectItem(a, "method")->valuestring,
		       cJSON_GetObjectItem(a, "observed")->valuedouble,
		       cJSON_IsNull(cJSON_GetObjectItem(a, "upperbound")) ? 0.0 :
		       cJSON_GetObjectItem(a, "upperbound")->valuedouble);
	cJSON_Delete(arr);
	return 0;
}
