/*
 * main.c — the `jinyun` command line: one table, one row per command.
 *
 * Adding a command is one row here and one function in src/cli/.  Global
 * process setup (locale, libsodium, SQLite threading) happens here and
 * nowhere else.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "cli/cli.h"

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "aberration", cmd_aberration, "统计预警 EARS/Farrington on a series (R surveillance-exact)" },
	{ "alerts", cmd_alerts, "聚集性疫情预警 cluster alerts (--json)" },
	{ "backup", cmd_backup, "在线备份 online backup (SQLite backup API; pg_dump)" },
	{ "census", cmd_census, "底数清：晨午检统计 the day's census (--json)" },
	{ "demo", cmd_demo, "生成演示学校 write a realistic demo school" },
	{ "device", cmd_device, "校门测温终端 register gate devices (token)" },
	{ "export", cmd_export, "导出 export roster and records (csv, xlsx)" },
	{ "import", cmd_import, "导入 import roster and records (csv, xlsx)" },
	{ "hygiene", cmd_hygiene, "通风消毒：应做、已做、逾期 ventilation and disinfection due/overdue (--json)" },
	{ "init", cmd_init, "创建或升级数据库 create or migrate a database" },
	{ "privacy", cmd_privacy, "化名与授权 pseudonyms for district users, grants (audited)" },
	{ "purge", cmd_purge, "保留期：删除过期健康记录 purge health records past retention (audited)" },
	{ "plans", cmd_plans, "应急预案：模板、启动、逾期任务 emergency plans, activation, duty (--json)" },
	{ "restore", cmd_restore, "从备份恢复 restore a backup (checked, atomic)" },
	{ "screen", cmd_screen, "返校筛查 screen everyone back on a date (--json)" },
	{ "school", cmd_school, "学校与区 schools of a district (add, list)" },
	{ "serve", cmd_serve, "启动服务 serve the web UI and API" },
	{ "share", cmd_share, "辖区信息共享 jurisdiction sharing: keys, partners, send, log" },
	{ "signals", cmd_signals, "统计预警日常运行 the daily EARS/Farrington run" },
	{ "stagger", cmd_stagger, "错峰安排 staggered slots and zones of a place under capacity (--json)" },
	{ "supplies", cmd_supplies, "防疫物资：库存、消耗、可用天数 supplies, days of supply (--json)" },
	{ "trace", cmd_trace, "接触者追踪 trace contacts of cases" },
	{ "user", cmd_user, "用户管理 manage users" },
};

static void usage(FILE *f)
{
	fprintf(f, "金云 Jinyun %s — 校园传染病防控系统 campus infectious-disease prevention\n\n"
		   "用法 usage: jinyun COMMAND [OPTIONS]   (jinyun COMMAND --help)\n\n",
		JINYUN_VERSION);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n  --school CODE 学校 the school a command works on (when the database holds several)\n");
	fprintf(f, "  --version    版本 print the version\n");
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "C.UTF-8");
	if (sodium_init() < 0) {
		fprintf(stderr, "jinyun: libsodium failed to initialise\n");
		return 1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "jinyun: libcurl failed to initialise\n");
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("jinyun %s\n", JINYUN_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	/* --school CODE, for any command: the school it works on. */
	cli_take_school_option(&argc, argv);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "jinyun: 未知命令 unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
