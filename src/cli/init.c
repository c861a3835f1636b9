/*
 * init.c — `jinyun init`: create or migrate a database (idempotent).
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

static const char usage[] =
	"用法 usage: jinyun init [--db PATH]\n"
	"创建数据库或升级到当前版本；可重复运行。\n"
	"Create a database or migrate it to this version; safe to run again.\n"
	"  --db PATH   数据库文件或 postgresql:// 连接串 (default " JY_DEFAULT_DB ")\n";

int cmd_init(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB;
	static const struct option opts[] = { { "db", required_argument, 0, 'd' },
					      { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'd') {
			path = optarg;
		} else if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		} else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fputs(usage, stderr);
		return 2;
	}
	jy_err err;
	err_clear(&err);
	store *s = NULL;
	int rc = store_open(path, &s, &err);
	if (rc)
		return cli_fail("init", "%s", err.msg);
	int v = 0;
	store_schema_version(s, &v, &err);
	printf("数据库 %s 已就绪，结构版本 %d (database ready, schema version %d)\n", path, v, v);
	store_close(s);
	return 0;
}
