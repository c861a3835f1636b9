/*
 * district.c (cli) — many schools in one database, privacy and retention:
 *
 *   jinyun school add --db PATH --code CODE --name NAME [--district CODE [--district-name NAME]]
 *   jinyun school list --db PATH
 *   jinyun privacy grant --db PATH (--user NAME | --district CODE) --reason TEXT --by NAME [--days N]
 *   jinyun privacy revoke --db PATH --id N --by NAME
 *   jinyun privacy list --db PATH
 *   jinyun purge --db PATH [--older-than DAYS] [--dry-run] [--set-default DAYS] [--by NAME]
 *
 * and the global option --school CODE (any command), taken out of argv by
 * cli_take_school_option() before the command parses its own options and
 * handed to the store as JINYUN_SCHOOL: the school every command that
 * works on one school uses (the only school when there is one).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "domain/district.h"
#include "http/policy.h"

void cli_take_school_option(int *argc, char **argv)
{
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--school") && i + 1 < *argc) {
			setenv("JINYUN_SCHOOL", argv[i + 1], 1);
			i++;
			continue;
		}
		if (!strncmp(argv[i], "--school=", 9)) {
			setenv("JINYUN_SCHOOL", argv[i] + 9, 1);
			continue;
		}
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	*argc = out;
}

static int parse_days(const char *s, int *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > 36500)
		return -1;
	*out = (int)v;
	return 0;
}

/* Append one audit record of an operator's act at the command line. */
static int audit_cli(store *s, const char *who, const char *action, const char *entity,
		     const char *entity_id, const char *detail, jy_err *err)
{
	audit_rec a;
	memset(&a, 0, sizeof a);
	snprintf(a.username, sizeof a.username, "%s", who);
	snprintf(a.role, sizeof a.role, "cli");
	snprintf(a.action, sizeof a.action, "%s", action);
	snprintf(a.entity, sizeof a.entity, "%s", entity);
	snprintf(a.entity_id, sizeof a.entity_id, "%s", entity_id);
	snprintf(a.detail, sizeof a.detail, "%s", detail);
	return store_audit_add(s, &a, err);
}

/* ---- exports ---- */

int cli_export_allowed(store *s, const char *as, const char *kind, const char *format,
		       const char *file, const char *date, jy_err *err)
{
	school_rec sc;
	memset(&sc, 0, sizeof sc);
	int rc = store_school_default(s, &sc, err);
	if (rc && rc != JY_ENOENT)
		return rc;
	err_clear(err);
	audit_rec a;
	memset(&a, 0, sizeof a);
	a.school_id = sc.id;
	if (as) {
		user_rec u;
		rc = store_user_by_name(s, as, &u, err);
		if (rc == JY_ENOENT)
			return err_set(err, JY_EPERM, "没有这个用户 no such user: %s", as);
		if (rc)
			return rc;
		policy_target t = { sc.id, 0, NULL };
		if (policy_check(&u, POL_EXPORT, &t) != 0)
			return err_set(err, JY_EPERM,
				       "%s（角色 %s）无权导出个人数据 (%s, role %s, may not export personal "
				       "data)", as, u.role, as, u.role);
		a.user_id = u.id;
		snprintf(a.username, sizeof a.username, "%s", u.username);
		snprintf(a.role, sizeof a.role, "%s", u.role);
	} else {
		const char *os = getenv("USER");
		snprintf(a.username, sizeof a.username, "os:%s", os && *os ? os : "unknown");
		snprintf(a.role, sizeof a.role, "operator");
	}
	snprintf(a.ip, sizeof a.ip, "cli");
	snprintf(a.action, sizeof a.action, "export");
	snprintf(a.entity, sizeof a.entity, "%s", kind);
	snprintf(a.detail, sizeof a.detail, "format=%s file=%s%s%s", format, file ? file : "stdout",
		 date ? " date=" : "", date ? date : "");
	return store_audit_add(s, &a, err);
}

/* ---- jinyun school ---- */

static const char school_usage[] =
	"用法 usage: jinyun school add [--db PATH] --code CODE --name NAME [--district CODE "
	"[--district-name NAME]]\n"
	"            jinyun school list [--db PATH]\n"
	"一个数据库可容纳一个区的多所学校；其他命令用 --school CODE 指定学校。\n"
	"A database holds the many schools of a district; other commands choose one with\n"
	"--school CODE (needed only when there are several).\n";

static int print_school(void *ctx, const school_entry *r)
{
	(void)ctx;
	printf("%lld\t%s\t%s\t%s\n", (long long)r->id, r->code, r->name,
	       r->district_code[0] ? r->district_code : "-");
	return 0;
}

int cmd_school(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *code = NULL, *name = NULL, *dcode = NULL, *dname = NULL;
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },	  { "code", required_argument, 0, 'c' },
		{ "name", required_argument, 0, 'n' },	  { "district", required_argument, 0, 'D' },
		{ "district-name", required_argument, 0, 'N' }, { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(school_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	optind = 0;
	int c;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'c': code = optarg; break;
		case 'n': name = optarg; break;
		case 'D': dcode = optarg; break;
		case 'N': dname = optarg; break;
		default: fputs(school_usage, stderr); return 2;
		}
	}
	if (strcmp(sub, "add") && strcmp(sub, "list")) {
		fputs(school_usage, stderr);
		return 2;
	}
	if (!strcmp(sub, "add") && (!code || !*code || !name || !*name)) {
		fprintf(stderr, "jinyun school add: 需要 --code 和 --name (--code and --name are required)\n");
		return 2;
	}
	/* list takes neither (a --code alone crashed here on the NULL name) */
	if ((code && strlen(code) >= 64) || (name && strlen(name) >= 128))
		return cli_fail("school", "代码或名称过长 (code must be < 64 bytes, name < 128)");
	jy_err err;
	err_clear(&err);
	store *s = NULL;
	if (store_open(path, &s, &err))
		return cli_fail("school", "%s", err.msg);
	int rc;
	if (!strcmp(sub, "list")) {
		rc = store_school_list(s, 0, print_school, NULL, &err);
	} else {
		int64_t district_id = 0, id = 0;
		rc = store_begin(s, &err);
		if (!rc && dcode)
			rc = store_district_ensure(s, dcode, dname ? dname : dcode, &district_id, &err);
		if (!rc)
			rc = store_school_add(s, district_id, code, name, &id, &err);
		if (!rc) {
			char ids[24];
			snprintf(ids, sizeof ids, "%lld", (long long)id);
			rc = audit_cli(s, "jinyun school", "create", "school", ids, code, &err);
		}
		if (rc)
			store_rollback(s);
		else
			rc = store_commit(s, &err);
		if (!rc)
			printf("已添加学校 added school %s %s, id %lld%s%s\n", code, name, (long long)id,
			       dcode ? ", 区 district " : "", dcode ? dcode : "");
	}
	store_close(s);
	return rc ? cli_fail("school", "%s", err.msg) : 0;
}

/* ---- jinyun privacy ---- */

static const char privacy_usage[] =
	"用法 usage: jinyun privacy grant [--db PATH] (--user NAME | --district CODE) --reason TEXT "
	"--by NAME [--days N]\n"
	"            jinyun privacy revoke [--db PATH] --id N --by NAME\n"
	"            jinyun privacy list [--db PATH]\n"
	"区级账号默认只看到化名；授权后可看到姓名、学号、电话（授权与撤销均记入审计日志）。\n"
	"District users see people pseudonymised; a grant lets a user (or a whole district)\n"
	"see names, numbers and phones.  Granting and revoking are written to the audit log.\n";

static int print_grant(void *ctx, const privacy_grant_rec *g)
{
	(void)ctx;
	printf("%lld\t%s\t%s\t%s\t%lld\t%s\t%s\n", (long long)g->id,
	       g->user_id ? g->username : "-", g->district_id ? "district" : "user", g->reason,
	       (long long)g->granted_at, g->expires_at ? "expires" : "-",
	       g->revoked_at ? "revoked" : "live");
	return 0;
}

int cmd_privacy(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *user = NULL, *dcode = NULL, *reason = NULL, *by = NULL;
	const char *idarg = NULL;
	int days = 0;
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },	 { "user", required_argument, 0, 'u' },
		{ "district", required_argument, 0, 'D' }, { "reason", required_argument, 0, 'r' },
		{ "by", required_argument, 0, 'b' },	 { "days", required_argument, 0, 'n' },
		{ "id", required_argument, 0, 'i' },	 { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(privacy_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	optind = 0;
	int c;
	while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'u': user = optarg; break;
		case 'D': dcode = optarg; break;
		case 'r': reason = optarg; break;
		case 'b': by = optarg; break;
		case 'i': idarg = optarg; break;
		case 'n':
			if (parse_days(optarg, &days)) {
				fprintf(stderr, "jinyun privacy: --days 应为 1–36500 (--days must be 1-36500)\n");
				return 2;
			}
			break;
		default: fputs(privacy_usage, stderr); return 2;
		}
	}
	int grant = !strcmp(sub, "grant"), revoke = !strcmp(sub, "revoke");
	if (!grant && !revoke && strcmp(sub, "list")) {
		fputs(privacy_usage, stderr);
		return 2;
	}
	if (grant && (!(user || dcode) || (user && dcode) || !reason || !*reason || !by || !*by)) {
		fprintf(stderr, "jinyun privacy grant: 需要 --user 或 --district 之一、--reason 和 --by "
				"(one of --user or --district, and --reason and --by are required)\n");
		return 2;
	}
	if (revoke && (!idarg || !by || !*by)) {
		fprintf(stderr, "jinyun privacy revoke: 需要 --id 和 --by (--id and --by are required)\n");
		return 2;
	}
	jy_err err;
	err_clear(&err);
	store *s = NULL;
	if (store_open(path, &s, &err))
		return cli_fail("privacy", "%s", err.msg);
	int rc = 0;
	int64_t now = (int64_t)time(NULL);
	if (!grant && !revoke) {
		rc = store_privacy_grant_list(s, print_grant, NULL, &err);
	} else if (grant) {
		privacy_grant_rec g;
		memset(&g, 0, sizeof g);
		char target[160];
		if (user) {
			user_rec u;
			rc = store_user_by_name(s, user, &u, &err);
			if (rc == JY_ENOENT)
				err_set(&err, rc, "没有这个用户 no such user: %s", user);
			else if (!rc && strcmp(u.scope_kind, "district"))
				rc = err_set(&err, JY_EINVAL,
					     "%s 不是区级账号，学校账号本来就看到姓名 (%s is not a district user; "
					     "school users see names already)", user, user);
			g.user_id = u.id;
			snprintf(target, sizeof target, "user %s", user);
		} else {
			district_rec d;
			rc = store_district_find(s, dcode, &d, &err);
			g.district_id = d.id;
			snprintf(target, sizeof target, "district %s", dcode);
		}
		snprintf(g.reason, sizeof g.reason, "%s", reason);
		snprintf(g.granted_by, sizeof g.granted_by, "%s", by);
		g.granted_at = now;
		g.expires_at = days ? now + (int64_t)days * 86400 : 0;
		int64_t id = 0;
		if (!rc)
			rc = store_begin(s, &err);
		if (!rc) {
			rc = store_privacy_grant_add(s, &g, &id, &err);
			char ids[24], detail[256];
			snprintf(ids, sizeof ids, "%lld", (long long)id);
			snprintf(detail, sizeof detail, "identified view for %s, %d days: %s", target,
				 days, reason);
			if (!rc)
				rc = audit_cli(s, by, "grant", "privacy_grant", ids, detail, &err);
			if (rc)
				store_rollback(s);
			else
				rc = store_commit(s, &err);
		}
		if (!rc)
			printf("已授权 granted %lld: %s 可看到姓名 sees people identified%s\n",
			       (long long)id, target, days ? " (有期限 until it expires)" : "");
	} else {
		char *end;
		long long id = strtoll(idarg, &end, 10);
		if (*end || id <= 0)
			rc = err_set(&err, JY_EINVAL, "--id 应为正整数 (--id must be a positive integer)");
		if (!rc)
			rc = store_begin(s, &err);
		if (!rc) {
			rc = store_privacy_grant_revoke(s, id, now, &err);
			if (!rc)
				rc = audit_cli(s, by, "revoke", "privacy_grant", idarg, "", &err);
			if (rc)
				store_rollback(s);
			else
				rc = store_commit(s, &err);
		}
		if (!rc)
			printf("已撤销 revoked %lld\n", id);
	}
	store_close(s);
	return rc ? cli_fail("privacy", "%s", err.msg) : 0;
}

/* ---- jinyun purge ---- */

static const char purge_usage[] =
	"用法 usage: jinyun purge [--db PATH] [--older-than DAYS] [--dry-run] [--by NAME]\n"
	"            jinyun purge [--db PATH] --set-default DAYS\n"
	"删除早于保留期的健康记录（晨午检、健康事件、缺勤、校门测温、申报、场所停留、接触、\n"
	"随访记录、筛查结果），全部或全不；每次删除在审计日志中记一条（含各类条数）。\n"
	"Delete health records older than the retention period (checks, health events,\n"
	"illness absences, gate readings, declarations, presence, contacts, follow-up\n"
	"checks, screening results), all or nothing, and log the purge with its counts in\n"
	"the audit log.  Without --older-than the period saved by --set-default is used.\n"
	"Open absences, follow-ups under way and ongoing observation stays are kept; the\n"
	"roster, cases and alerts are not health records of the day and are kept; the\n"
	"audit log is append-only and is never purged.\n";

static void print_counts(const purge_counts *c, const char *cutoff, int dry_run)
{
	printf("%s 早于 before %s:\n", dry_run ? "将删除 would delete" : "已删除 deleted", cutoff);
	const struct {
		const char *label;
		int64_t n;
	} rows[] = {
		{ "晨午检记录 check entries", c->check_entries },
		{ "晨午检提交 check submissions", c->check_submissions },
		{ "健康事件 health events", c->health_events },
		{ "因病缺勤 illness absences", c->absences },
		{ "缺勤随访 absence follow-ups", c->absence_followups },
		{ "校门测温 gate readings", c->gate_readings },
		{ "留观记录 observation stays", c->observation_stays },
		{ "健康申报 declarations", c->declarations },
		{ "场所停留 presence", c->presence },
		{ "接触记录 contact records", c->contact_records },
		{ "密接随访 follow-up checks", c->followup_checks },
		{ "筛查结果 screening results", c->screen_results },
		{ "解除记录 hold lifts", c->hold_lifts },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		printf("  %-34s %10lld\n", rows[i].label, (long long)rows[i].n);
}

int cmd_purge(int argc, char **argv)
{
	const char *path = JY_DEFAULT_DB, *by = NULL;
	int days = 0, set_default = 0, dry_run = 0;
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },	  { "older-than", required_argument, 0, 'o' },
		{ "dry-run", no_argument, 0, 'n' },	  { "set-default", required_argument, 0, 's' },
		{ "by", required_argument, 0, 'b' },	  { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	if (cli_wants_help(argc, argv)) {
		fputs(purge_usage, stdout);
		return 0;
	}
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'b': by = optarg; break;
		case 'n': dry_run = 1; break;
		case 'o':
		case 's':
			if (parse_days(optarg, c == 'o' ? &days : &set_default)) {
				fprintf(stderr, "jinyun purge: 天数应为 1–36500 (days must be 1-36500): '%s'\n",
					optarg);
				return 2;
			}
			break;
		default: fputs(purge_usage, stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "jinyun purge: 多余的参数 (unexpected argument): %s\n", argv[optind]);
		return 2;
	}
	jy_err err;
	err_clear(&err);
	store *s = NULL;
	if (store_open(path, &s, &err))
		return cli_fail("purge", "%s", err.msg);
	int rc = 0;
	if (set_default) {
		char v[16];
		snprintf(v, sizeof v, "%d", set_default);
		rc = store_begin(s, &err);
		if (!rc)
			rc = store_setting_set(s, RETENTION_SETTING, v, &err);
		if (!rc)
			rc = audit_cli(s, by ? by : "jinyun purge", "update", "retention", v,
				       "retention period in days", &err);
		if (rc)
			store_rollback(s);
		else
			rc = store_commit(s, &err);
		if (!rc)
			printf("保留期 retention period: %d 天 days\n", set_default);
		store_close(s);
		return rc ? cli_fail("purge", "%s", err.msg) : 0;
	}
	if (!days) {
		char v[16];
		rc = store_setting_get(s, RETENTION_SETTING, v, sizeof v, &err);
		if (rc == JY_ENOENT) {
			store_close(s);
			fprintf(stderr, "jinyun purge: 需要 --older-than 天数，或先用 --set-default 保存保留期 "
					"(--older-than DAYS is required, or save a period with --set-default)\n");
			return 2;
		}
		if (!rc && parse_days(v, &days))
			rc = err_set(&err, JY_EFORMAT, "retention_days setting is not 1-36500: %s", v);
	}
	purge_counts counts;
	char cutoff[11] = "";
	if (!rc)
		rc = retention_purge(s, days, dry_run, by, &counts, cutoff, &err);
	store_close(s);
	if (rc)
		return cli_fail("purge", "%s", err.msg);
	print_counts(&counts, cutoff, dry_run);
	return 0;
}
