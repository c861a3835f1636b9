/*
 * user.c — `jinyun user add|list`: manage accounts.  The password is read
 * from stdin (first line), never from the command line where `ps` shows it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "domain/auth.h"

static const char usage[] =
	"用法 usage: jinyun user add [--db PATH] [--school CODE] --name NAME --role ROLE [--scope SCOPE] < password\n"
	"            jinyun user list [--db PATH]\n"
	"角色 roles: admin principal(校长) reporter(疫情报告人/校医) teacher(班主任, --scope 班级)\n"
	"            gate(门岗) logistics(后勤) district(区教委/区疾控, --scope 区代码)\n"
	"范围 scope: 班主任为班级（在 --school 学校中）；其他学校角色可用 --scope 学校代码；区级为区代码\n"
	"       (a teacher's class, in --school; a school code for other school roles; a district\n"
	"        code for district users, optional when the database holds one district)\n"
	"密码从标准输入读取 (the password is read from stdin, at least 8 characters).\n";

static int print_user(void *ctx, const user_rec *u)
{
	(void)ctx;
	printf("%s\t%s\t%s\t%s\n", u->username, u->role, u->scope_kind, u->scope_name);
	return 0;
}

int cmd_user(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *name = NULL, *role = NULL, *scope = NULL;
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },	{ "name", required_argument, 0, 'n' },
		{ "role", required_argument, 0, 'r' },	{ "scope", required_argument, 0, 's' },
		{ "help", no_argument, 0, 'h' },	{ 0, 0, 0, 0 }
	};
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	optind = 0;
	int c;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		case 's': scope = optarg; break;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (strcmp(sub, "add") && strcmp(sub, "list")) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(sub, "add") && (!name || !role)) {
		fprintf(stderr, "jinyun user add: 需要 --name 和 --role (--name and --role are required)\n");
		return 2;
	}
	jy_err err;
	err_clear(&err);
	store *s = NULL;
	if (store_open(path, &s, &err))
		return cli_fail("user", "%s", err.msg);
	int rc = 0;
	if (!strcmp(sub, "list")) {
		rc = store_user_list(s, print_user, NULL, &err);
	} else {
		char pw[1024];
		if (!fgets(pw, sizeof pw, stdin)) {
			store_close(s);
			return cli_fail("user", "没有从标准输入读到密码 (no password on stdin)");
		}
		pw[strcspn(pw, "\r\n")] = 0;
		int64_t id = 0;
		rc = auth_user_add(s, name, pw, role, scope, &id, &err);
		sodium_memzero(pw, sizeof pw);
		if (!rc)
			printf("已添加用户 added user %s (%s), id %lld\n", name, role, (long long)id);
	}
	store_close(s);
	if (rc) {
		if (err.column[0])
			return cli_fail("user", "%s: %s", err.column, err.msg);
		return cli_fail("user", "%s", err.msg);
	}
	return 0;
}
