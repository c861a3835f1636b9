/*
 * operations.c — the campus-operations commands:
 *
 *   jinyun stagger   错峰安排: assign classes to slots and zones of a place
 *   jinyun hygiene   通风消毒: the day's due, done and overdue items
 *   jinyun supplies  防疫物资: stock, consumption, days of supply, warnings
 *   jinyun plans     应急预案: templates, activations, what is late (--duty)
 *
 * Each prints the same JSON as the API with --json, a short table without.
 * The answer of `jinyun stagger` is the same document whether or not a
 * schedule fits (feasible false says it does not, and "short" says what is
 * missing); the exit status is 0 for any answer, 1 for an error (bad
 * input, unknown place, --save of an infeasible schedule), 2 for bad usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "domain/disinfection.h"
#include "domain/plans.h"
#include "domain/stagger.h"
#include "domain/supplies.h"
#include "util/date.h"

static int fail_err(const char *cmd, const jy_err *err)
{
	return cli_fail(cmd, "%s%s%s", err->column, err->column[0] ? ": " : "", err->msg);
}

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static double num_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* ---- stagger ---------------------------------------------------------------------- */

/* clang-format off */
static const char stagger_usage[] =
	"用法 usage: jinyun stagger [--db PATH] --place PLACE --slots HH:MM-HH:MM[,…] [--json]\n"
	"         [--classes all|NAME,…] [--grade NAME] [--m2-per-person X] [--seed N]\n"
	"         [--save [--weekdays 1-5] [--subject TEXT]]\n"
	"错峰安排：把每个班级排进场所的一个时段和分区，任何时段、分区都不超过座位数\n"
	"（或每人面积限制），并尽量减少每个班级遇到的其他班级数（同一时段、同一分区即为相遇），\n"
	"同年级、同宿舍楼层的班级尽量同场。\n"
	"Staggering: every class gets one slot and zone of the place, no slot/zone over its\n"
	"seats (or the m2-per-person limit where the area is known); the number of other\n"
	"classes each class meets (same slot and same zone) is minimised, and classes of one\n"
	"grade or dorm floor go together where possible.\n"
	"  PLACE      场所名称或编号 a place's name or id (e.g. 第一食堂; its zones are its\n"
	"             child places)\n"
	"  --classes  默认：课表中在该场所的班级（没有则全部）default: the classes the\n"
	"             timetable puts there (every class when none); all; or names, comma-separated\n"
	"  --save     写入课表（替换这些班级在该场所的课表行），成为追踪的在场记录\n"
	"             write the schedule into the timetable (replacing these classes' rows at\n"
	"             the place), so that it becomes presence for contact tracing\n"
	"Output --json: {\"feasible\",\"assignments\":[{\"class\",\"slot\",\"zone\"}],\n"
	"  \"max_load\":[{\"slot\",\"zone\",\"people\",\"capacity\"}],\"short\",\"meets\",\"summary\",…}\n"
	"Exit 0 with an answer (feasible or not), 1 on an error, 2 on bad usage.\n";
/* clang-format on */

int cmd_stagger(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB;
	stagger_request rq;
	memset(&rq, 0, sizeof rq);
	int json = 0;
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"place", required_argument, 0, 'p'},
					     {"slots", required_argument, 0, 's'},
					     {"classes", required_argument, 0, 'c'},
					     {"grade", required_argument, 0, 'g'},
					     {"m2-per-person", required_argument, 0, 'm'},
					     {"seed", required_argument, 0, 'r'},
					     {"save", no_argument, 0, 'S'},
					     {"weekdays", required_argument, 0, 'w'},
					     {"subject", required_argument, 0, 'u'},
					     {"json", no_argument, 0, 'j'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	optind = 0;
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			path = optarg;
			break;
		case 'p':
			rq.place = optarg;
			break;
		case 's':
			rq.slots = optarg;
			break;
		case 'c':
			rq.classes = optarg;
			break;
		case 'g':
			rq.grade = optarg;
			break;
		case 'm':
			rq.m2_per_person = strtod(optarg, &end);
			if (*end || rq.m2_per_person <= 0)
				return cli_fail(
				    "stagger",
				    "--m2-per-person 应为正数 (must be a positive number): %s",
				    optarg);
			break;
		case 'r':
			rq.seed = strtoull(optarg, NULL, 10);
			break;
		case 'S':
			rq.save = 1;
			break;
		case 'w':
			rq.weekdays = optarg;
			break;
		case 'u':
			rq.subject = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(stagger_usage, stdout);
			return 0;
		default:
			fputs(stagger_usage, stderr);
			return 2;
		}
	}
	if (!rq.place || !rq.slots || optind < argc) {
		fputs(stagger_usage, stderr);
		return 2;
	}
	store *s;
	school_rec sc;
	if (cli_open_school("stagger", path, &s, &sc))
		return 1;
	rq.school_id = sc.id;
	cJSON *doc = NULL;
	jy_err err;
	err_clear(&err);
	int rc = stagger_place_run(s, &rq, &doc, &err);
	store_close(s);
	if (rc)
		return fail_err("stagger", &err);
	if (json)
		return cli_print_json(doc);
	const cJSON *sum = cJSON_GetObjectItem(doc, "summary");
	printf("%s  %s\n", str_of(cJSON_GetObjectItem(doc, "place"), "name"),
	       cJSON_IsTrue(cJSON_GetObjectItem(doc, "feasible")) ? "可行 feasible"
								  : "不可行 NOT feasible");
	printf("班级 classes %.0f, 人数 people %.0f, 每时段座位 seats a slot %.0f\n",
	       num_of(sum, "classes"), num_of(sum, "people"), num_of(sum, "seats_per_slot"));
	if (!cJSON_IsTrue(cJSON_GetObjectItem(doc, "feasible"))) {
		printf("%s\n", str_of(doc, "short"));
		cJSON_Delete(doc);
		return 0;
	}
	const cJSON *row;
	cJSON_ArrayForEach(row, cJSON_GetObjectItem(doc, "max_load"))
	{
		printf("  %s %-16s %4.0f/%-4.0f 人  %2.0f 班:", str_of(row, "slot"),
		       str_of(row, "zone"), num_of(row, "people"), num_of(row, "capacity"),
		       num_of(row, "classes"));
		const cJSON *a;
		cJSON_ArrayForEach(
		    a,
		    cJSON_GetObjectItem(
			doc, "assignments")) if (!strcmp(str_of(a, "slot"), str_of(row, "slot")) &&
						 !strcmp(str_of(a, "zone"), str_of(row, "zone")))
		    printf(" %s", str_of(a, "class"));
		printf("\n");
	}
	const cJSON *lb = cJSON_GetObjectItem(sum, "lower_bound"),
		    *gr = cJSON_GetObjectItem(sum, "greedy");
	printf("每班相遇班级数 classes met per class: 平均 mean %.2f, 最多 max %.0f (下界 lower "
	       "bound: mean %.2f, max %.0f)%s\n",
	       num_of(sum, "meets_mean"), num_of(sum, "meets_max"),
	       num_of(sum, "classes") ? num_of(lb, "meets_total") / num_of(sum, "classes") : 0,
	       num_of(lb, "meets_max"),
	       cJSON_IsTrue(cJSON_GetObjectItem(sum, "optimal")) ? "  最优 optimal" : "");
	printf("跨年级/楼层相遇 mixed: %.0f;  按顺序填满 greedy fill: %s",
	       num_of(sum, "mixed_total"),
	       cJSON_IsTrue(cJSON_GetObjectItem(gr, "feasible")) ? "" : "不可行 not feasible\n");
	if (cJSON_IsTrue(cJSON_GetObjectItem(gr, "feasible")))
		printf("mean %.2f, max %.0f, mixed %.0f\n", num_of(gr, "meets_mean"),
		       num_of(gr, "meets_max"), num_of(gr, "mixed_total"));
	const cJSON *saved = cJSON_GetObjectItem(doc, "saved");
	if (cJSON_IsObject(saved))
		printf("已保存 saved: plan #%.0f, %.0f 课表行 timetable rows (replaced %.0f)\n",
		       num_of(saved, "plan_id"), num_of(saved, "timetable_rows"),
		       num_of(saved, "replaced_rows"));
	cJSON_Delete(doc);
	return 0;
}

/* ---- hygiene ---------------------------------------------------------------------- */

static const char hygiene_usage[] =
    "用法 usage: jinyun hygiene [--db PATH] [--date YYYY-MM-DD] [--overdue] [--json]\n"
    "通风消毒：当天每个重点场所应做、已做、逾期的通风和消毒，以及预警要求的额外消毒。\n"
    "Ventilation and disinfection: the day's due, done and overdue items of every key place,\n"
    "and the extra disinfection open alerts ask for.  --overdue lists only what is not done.\n";

int cmd_hygiene(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *date = NULL;
	int json = 0, open_only = 0;
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'}, {"date", required_argument, 0, 't'},
	    {"overdue", no_argument, 0, 'o'},  {"json", no_argument, 0, 'j'},
	    {"help", no_argument, 0, 'h'},     {0, 0, 0, 0}};
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			path = optarg;
			break;
		case 't':
			date = optarg;
			break;
		case 'o':
			open_only = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(hygiene_usage, stdout);
			return 0;
		default:
			fputs(hygiene_usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fputs(hygiene_usage, stderr);
		return 2;
	}
	char today[11];
	date_format(date_today_cst(), today);
	store *s;
	school_rec sc;
	if (cli_open_school("hygiene", path, &s, &sc))
		return 1;
	cJSON *doc;
	jy_err err;
	err_clear(&err);
	int rc = hygiene_status_json(s, sc.id, date ? date : today, (int64_t)time(NULL), open_only,
				     &doc, &err);
	store_close(s);
	if (rc)
		return fail_err("hygiene", &err);
	if (json)
		return cli_print_json(doc);
	const cJSON *sum = cJSON_GetObjectItem(doc, "summary");
	printf("%s %s  应做 due %.0f  已做 done %.0f  迟做 late %.0f  逾期 overdue %.0f  待做 "
	       "pending %.0f  预警额外消毒 extra %.0f (逾期 overdue %.0f)\n",
	       sc.name, str_of(doc, "date"), num_of(sum, "items"), num_of(sum, "done"),
	       num_of(sum, "late"), num_of(sum, "overdue"), num_of(sum, "pending"),
	       num_of(sum, "extra"), num_of(sum, "extra_overdue"));
	const cJSON *it;
	cJSON_ArrayForEach(
	    it, cJSON_GetObjectItem(doc, "items")) if (!strcmp(str_of(it, "status"), "overdue"))
	    printf("  逾期 overdue %s %s %s\n", str_of(it, "due"), str_of(it, "place"),
		   !strcmp(str_of(it, "action"), "ventilate") ? "通风 ventilate"
							      : "消毒 disinfect");
	cJSON_ArrayForEach(
	    it, cJSON_GetObjectItem(doc, "extra")) if (strcmp(str_of(it, "status"), "done") &&
						       strcmp(str_of(it, "status"), "late"))
	    printf("  预警消毒 alert disinfection %s (%s): %s\n", str_of(it, "place"),
		   str_of(it, "alert"), str_of(it, "status"));
	cJSON_Delete(doc);
	return 0;
}

/* ---- supplies ---------------------------------------------------------------------- */

/* clang-format off */
static const char supplies_usage[] =
	"用法 usage: jinyun supplies [--db PATH] [--date YYYY-MM-DD] [--weeks N] [--warn-days N] [--json]\n"
	"防疫物资：库存（按存放地点）、近几周消耗、日均消耗、可用天数，低于预警天数或无库存时提示。\n"
	"Supplies: stock by location, consumption over the last weeks (default 2), per day, days of\n"
	"supply left; a warning when out of stock or under the warning days (the item's, or --warn-days).\n";
/* clang-format on */

int cmd_supplies(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *date = NULL;
	int json = 0, weeks = 0, warn = -1;
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"date", required_argument, 0, 't'},
					     {"weeks", required_argument, 0, 'w'},
					     {"warn-days", required_argument, 0, 'W'},
					     {"json", no_argument, 0, 'j'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			path = optarg;
			break;
		case 't':
			date = optarg;
			break;
		case 'w':
			weeks = atoi(optarg);
			if (weeks <= 0)
				return cli_fail("supplies", "--weeks 应为 1–52");
			break;
		case 'W':
			warn = atoi(optarg);
			if (warn < 0)
				return cli_fail("supplies", "--warn-days 应 ≥ 0");
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(supplies_usage, stdout);
			return 0;
		default:
			fputs(supplies_usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fputs(supplies_usage, stderr);
		return 2;
	}
	char today[11];
	date_format(date_today_cst(), today);
	store *s;
	school_rec sc;
	if (cli_open_school("supplies", path, &s, &sc))
		return 1;
	cJSON *doc;
	jy_err err;
	err_clear(&err);
	int rc = supplies_report_json(s, sc.id, date ? date : today, weeks, warn, &doc, &err);
	store_close(s);
	if (rc)
		return fail_err("supplies", &err);
	if (json)
		return cli_print_json(doc);
	printf("%s %s  近 %.0f 周 last %.0f weeks  预警 warnings %.0f\n", sc.name,
	       str_of(doc, "today"), num_of(doc, "weeks"), num_of(doc, "weeks"),
	       num_of(doc, "warnings"));
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "items"))
	{
		const cJSON *dl = cJSON_GetObjectItem(it, "days_left");
		char days[32];
		if (cJSON_IsNumber(dl))
			snprintf(days, sizeof days, "%.1f 天 days", dl->valuedouble);
		else
			snprintf(days, sizeof days, "—");
		const char *w = str_of(it, "warning");
		printf("  %-22s 库存 stock %10.1f %-4s 日均 per day %8.2f  可用 %-14s %s\n",
		       str_of(it, "name_zh"), num_of(it, "stock"), str_of(it, "unit_zh"),
		       num_of(it, "per_day"), days,
		       !strcmp(w, "out_of_stock") ? "缺货 OUT OF STOCK"
		       : !strcmp(w, "low_days")	  ? "不足 LOW"
						  : "");
	}
	cJSON_Delete(doc);
	return 0;
}

/* ---- plans ------------------------------------------------------------------------ */

static const char plans_usage[] =
    "用法 usage: jinyun plans [--db PATH] [--json]\n"
    "       jinyun plans [--db PATH] --activate CODE [--reason TEXT] [--json]\n"
    "       jinyun plans [--db PATH] --duty [--json]\n"
    "应急预案：预案模板（步骤、负责角色、时限）和启动记录；--activate "
    "启动预案并生成带时限的任务；\n"
    "--duty 领导小组视图：逾期任务及负责人、逾期通风消毒、物资预警。\n"
    "Emergency plans: templates (steps, owner roles, time limits) and activations; --activate\n"
    "starts a plan and creates its tasks with deadlines; --duty is the leading group's view:\n"
    "late tasks and who owns them, overdue ventilation/disinfection, supply warnings.\n";

int cmd_plans(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *activate = NULL, *reason = NULL;
	int json = 0, duty = 0;
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"activate", required_argument, 0, 'a'},
					     {"reason", required_argument, 0, 'r'},
					     {"duty", no_argument, 0, 'D'},
					     {"json", no_argument, 0, 'j'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			path = optarg;
			break;
		case 'a':
			activate = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		case 'D':
			duty = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(plans_usage, stdout);
			return 0;
		default:
			fputs(plans_usage, stderr);
			return 2;
		}
	}
	if (optind < argc || (activate && duty)) {
		fputs(plans_usage, stderr);
		return 2;
	}
	store *s;
	school_rec sc;
	if (cli_open_school("plans", path, &s, &sc))
		return 1;
	jy_err err;
	err_clear(&err);
	int64_t now = (int64_t)time(NULL);
	cJSON *doc = NULL;
	int rc = 0;
	if (activate) {
		ops_plan_rec p;
		int64_t aid = 0;
		rc = store_ops_plan_find(s, sc.id, activate, &p, &err);
		if (rc == JY_ENOENT)
			err_at(&err, rc, "", 0, "activate", "没有这个应急预案 (no such plan): %s",
			       activate);
		if (!rc)
			rc = plans_activate(s, sc.id, p.id, 0,
					    reason ? reason
						   : "命令行启动 (started from the command line)",
					    0, now, &aid, &err);
		if (!rc)
			rc = plans_activation_json(s, aid, now, &doc, &err);
	} else if (duty) {
		rc = plans_duty_json(s, sc.id, now, &doc, &err);
	} else {
		cJSON *plans = NULL, *acts = NULL;
		rc = plans_list_json(s, sc.id, &plans, &err);
		if (!rc)
			rc = plans_activations_json(s, sc.id, NULL, now, &acts, &err);
		if (!rc) {
			doc = cJSON_CreateObject();
			cJSON_AddItemToObject(doc, "plans", plans);
			cJSON_AddItemToObject(doc, "activations", acts);
		} else {
			cJSON_Delete(plans);
			cJSON_Delete(acts);
		}
	}
	store_close(s);
	if (rc)
		return fail_err("plans", &err);
	if (json)
		return cli_print_json(doc);
	const cJSON *it;
	if (activate) {
		printf("已启动 activated #%.0f %s\n", num_of(doc, "id"), str_of(doc, "plan_zh"));
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "tasks_detail"))
		{
			time_t due = (time_t)(num_of(it, "due_at") + 8 * 3600);
			struct tm tm;
			gmtime_r(&due, &tm);
			printf("  %.0f. %s — %s, 截止 due %02d-%02d %02d:%02d\n", num_of(it, "seq"),
			       str_of(it, "title_zh"), str_of(it, "owner_role_zh"), tm.tm_mon + 1,
			       tm.tm_mday, tm.tm_hour, tm.tm_min);
		}
	} else if (duty) {
		printf("逾期 late: %d  启动中的预案 active plans: %.0f  逾期通风消毒 overdue "
		       "hygiene: %.0f (+%.0f alert)  物资预警 supply warnings: %.0f\n",
		       cJSON_GetArraySize(cJSON_GetObjectItem(doc, "late")),
		       num_of(doc, "active_plans"),
		       num_of(cJSON_GetObjectItem(doc, "hygiene"), "overdue"),
		       num_of(cJSON_GetObjectItem(doc, "hygiene"), "extra_overdue"),
		       num_of(cJSON_GetObjectItem(doc, "supplies"), "warnings"));
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "late"))
		    printf("  %s — %s, 逾期 %.0f 分钟 (%s)\n", str_of(it, "title_zh"),
			   str_of(it, "owner_role_zh"), num_of(it, "minutes_late"),
			   str_of(it, "context_zh"));
	} else {
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "plans")) printf(
		    "  %-20s %s / %s  (%d 步 steps)%s\n", str_of(it, "code"), str_of(it, "name_zh"),
		    str_of(it, "name_en"), cJSON_GetArraySize(cJSON_GetObjectItem(it, "steps")),
		    str_of(it, "trigger_codes")[0] ? "  自动 auto" : "");
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "activations"))
		    printf("  #%.0f %s %s  任务 tasks %.0f, 未完成 open %.0f, 逾期 late %.0f\n",
			   num_of(it, "id"), str_of(it, "plan_zh"), str_of(it, "status"),
			   num_of(it, "tasks"), num_of(it, "open_tasks"), num_of(it, "late_tasks"));
	}
	cJSON_Delete(doc);
	return 0;
}
