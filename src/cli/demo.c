/*
 * demo.c (cli) — `jinyun demo`: write the realistic demo school.
 *
 * Parses the options, opens the store, hands over to demo_create()
 * (src/domain/demo.c, which plans and writes the whole school in one
 * transaction) and prints what was created, the time it took and the demo
 * logins.  Exit status: 0 done, 1 the demo could not be written (the
 * database already holds a school, a database error), 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "domain/demo.h"
#include "store/store.h"

static void demo_usage(FILE *f)
{
	fprintf(f,
		"用法 usage: jinyun demo [--db PATH] [--students N] [--seed S] [--days D] [--schools N]\n"
		"\n"
		"生成演示学校：四川仪表工业学校缙云校区（学生、教职工、班级、场所、宿舍、课表、演示账号）。\n"
		"Write a realistic demo school shaped like 四川仪表工业学校缙云校区: students in\n"
		"classes of 40-50 over three grades, staff, gates, classrooms, labs, canteens with\n"
		"zones, dorms with every boarder assigned, clinic, isolation rooms, a weekly\n"
		"timetable, and demo logins.  All in one transaction; the same seed gives the\n"
		"same school.  The database must not hold a school yet.\n"
		"\n"
		"  --db PATH      数据库 database (default %s)\n"
		"  --students N   学生人数 students, %d-%d (default %d)\n"
		"  --seed S       随机种子 seed, a non-negative integer (default 1)\n"
		"  --days D       历史天数 days of history from %s, 0-%d (default 0)\n"
		"  --schools N    区内学校数 schools in the demo district, 1-999 (default 1); each\n"
		"                 has --students students; the district login sees them all\n"
		"  -h, --help     显示帮助 show this help\n",
		JY_DEFAULT_DB, DEMO_STUDENTS_MIN, DEMO_STUDENTS_MAX, DEMO_STUDENTS_DEFAULT,
		DEMO_START_DATE, DEMO_DAYS_MAX);
}

/* Parse a whole decimal number in [min, max]; 0 or -1. */
static int parse_long(const char *s, long min, long max, long *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_seed(const char *s, uint64_t *out)
{
	if (!s || *s < '0' || *s > '9')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_summary(const char *db, const demo_opts *o, const demo_counts *c, double secs)
{
	printf("演示学校已创建 demo school created: %s%s (%s) in %s, seed %llu\n",
	       DEMO_SCHOOL_NAME, DEMO_CAMPUS_NAME, DEMO_SCHOOL_CODE, db,
	       (unsigned long long)o->seed);
	printf("  学生 students          %6d  (住校 boarders %d, 重点群体 key groups %d)\n",
	       c->students, c->boarders, c->key_group);
	printf("  教职工 staff           %6d  (班主任 head teachers %d)\n", c->staff,
	       c->head_teachers);
	printf("  年级 grades            %6d\n", c->grades);
	printf("  班级 classes           %6d\n", c->classes);
	printf("  场所 places            %6d  (校门 gates %d, 教室 classrooms %d, 实训室 labs %d,\n"
	       "                                食堂 canteens %d, 食堂分区 canteen zones %d,\n"
	       "                                宿舍楼 dorm buildings %d, 医务室 clinic %d,\n"
	       "                                隔离室 isolation rooms %d, 留观室 observation rooms %d)\n",
	       c->places, c->gates, c->classrooms, c->labs, c->canteens, c->canteen_zones,
	       c->dorm_buildings, c->clinics, c->isolation_rooms, c->observation_rooms);
	printf("  宿舍 dorm rooms        %6d  (床位 beds %d)\n", c->dorm_rooms, c->dorm_beds);
	printf("  课表 timetable rows    %6d\n", c->timetable_rows);
	printf("  用户 users             %6d\n", c->users);
	if (c->days == 0)
		printf("  历史 history           无 none; 日历起点 calendar starts %s\n", c->start_date);
	else if (c->history_writers == 0)
		printf("  历史 history           请求 %d 天，自 %s 起；尚无历史数据写入器，未写入历史\n"
		       "                         (%d days requested from %s; no history writers "
		       "yet (checks, absences, gate readings), nothing written)\n",
		       c->days, c->start_date, c->days, c->start_date);
	else
		printf("  历史 history           %d 天 days from %s (%d writers)\n", c->days,
		       c->start_date, c->history_writers);
	printf("用时 elapsed %.2f s\n\n", secs);

	size_t n;
	const demo_login *l = demo_logins(&n);
	printf("演示账号 demo logins:\n");
	for (size_t i = 0; i < n; i++) {
		char cred[64];
		snprintf(cred, sizeof cred, "%s/%s", l[i].username, l[i].password);
		printf("  %-24s %s", cred, l[i].what);
		if (!strcmp(l[i].role, "teacher"))
			printf(" — %s", c->teacher_class);
		printf("\n");
	}
}

int cmd_demo(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "students", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "days", required_argument, NULL, 'D' },
		{ "schools", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = JY_DEFAULT_DB;
	demo_opts o = { .students = DEMO_STUDENTS_DEFAULT, .seed = 1, .days = 0 };
	long v, schools = 1;
	int ch;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'n':
			if (parse_long(optarg, DEMO_STUDENTS_MIN, DEMO_STUDENTS_MAX, &v)) {
				cli_fail("demo", "学生人数应为 %d–%d 的整数 (--students must be an integer "
						 "%d–%d): '%s'",
					 DEMO_STUDENTS_MIN, DEMO_STUDENTS_MAX, DEMO_STUDENTS_MIN,
					 DEMO_STUDENTS_MAX, optarg);
				return 2;
			}
			o.students = (int)v;
			break;
		case 's':
			if (parse_seed(optarg, &o.seed)) {
				cli_fail("demo", "种子应为非负整数 (--seed must be a non-negative integer): '%s'",
					 optarg);
				return 2;
			}
			break;
		case 'D':
			if (parse_long(optarg, 0, DEMO_DAYS_MAX, &v)) {
				cli_fail("demo", "天数应为 0–%d 的整数 (--days must be an integer 0–%d): '%s'",
					 DEMO_DAYS_MAX, DEMO_DAYS_MAX, optarg);
				return 2;
			}
			o.days = (int)v;
			break;
		case 'S':
			if (parse_long(optarg, 1, 999, &v)) {
				cli_fail("demo", "学校数应为 1–999 的整数 (--schools must be an integer 1–999): '%s'",
					 optarg);
				return 2;
			}
			schools = v;
			break;
		case 'h':
			demo_usage(stdout);
			return 0;
		case ':':
			cli_fail("demo", "选项缺少参数 (option needs a value): %s", argv[optind - 1]);
			demo_usage(stderr);
			return 2;
		default:
			cli_fail("demo", "未知选项 (unknown option): %s", argv[optind - 1]);
			demo_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		cli_fail("demo", "多余的参数 (unexpected argument): %s", argv[optind]);
		demo_usage(stderr);
		return 2;
	}
	if (!*db)
		return cli_fail("demo", "--db 不能为空 (--db must not be empty)");

	double t0 = now_seconds();
	jy_err err;
	err_clear(&err);
	store *s = NULL;
	char msg[1024];
	int rc = store_open(db, &s, &err);
	if (rc) {
		err_format(&err, msg, sizeof msg);
		return cli_fail("demo", "%s", msg);
	}
	demo_counts c;
	rc = demo_create(s, &o, &c, &err);
	/* --schools N: the other schools of the demo district, each its own
	 * transaction, with seeds of their own. */
	int64_t students = c.students;
	for (long i = 2; !rc && i <= schools; i++) {
		char code[32], name[64];
		snprintf(code, sizeof code, "bb-%03ld", i);
		snprintf(name, sizeof name, "北碚区第%ld中学", i);
		demo_opts more = o;
		more.seed = o.seed + (uint64_t)i;
		more.school_code = code;
		more.school_name = name;
		demo_counts mc;
		rc = demo_create(s, &more, &mc, &err);
		students += mc.students;
	}
	store_close(s);
	if (rc) {
		err_format(&err, msg, sizeof msg);
		return cli_fail("demo", "%s", msg);
	}
	print_summary(db, &o, &c, now_seconds() - t0);
	if (schools > 1)
		printf("\n区 district %s (%s): %ld 所学校 schools (bb-002 … bb-%03ld), 学生 students %lld; "
		       "区级账号 the district login sees them all\n",
		       DEMO_DISTRICT_NAME, DEMO_DISTRICT_CODE, schools, schools, (long long)students);
	return 0;
}
