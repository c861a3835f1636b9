/*
 * share.c — `jinyun share`: jurisdiction sharing from the command line.
 *
 *   keygen   make this deployment's Ed25519 keypair and print the public key
 *   key      print the name and public key to give to partners
 *   partner add|list   the agreements, as data
 *   person   set where a person lives or studies (their home jurisdiction)
 *   send     send a day's messages to the partners (also from a timer:
 *            contrib/jinyun-share.timer)
 *   log      the messages sent and received
 *
 * The secret key stays in the database; partners get only the public key.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "domain/share.h"
#include "util/date.h"

static const char usage[] =
	"用法 usage:\n"
	"  jinyun share keygen  [--db PATH] --name NAME [--replace]   本辖区密钥 make the keypair\n"
	"  jinyun share key     [--db PATH]                           print name and public key\n"
	"  jinyun share partner add [--db PATH] --name NAME --url https://HOST:PORT --key HEX\n"
	"                       --allow aggregates,alerts,contacts [--ca CERT.pem] [--disable]\n"
	"  jinyun share partner list [--db PATH]\n"
	"  jinyun share person  [--db PATH] --number NO --jurisdiction NAME   ('' = here)\n"
	"  jinyun share send    [--db PATH] [--date YYYY-MM-DD] [--partner NAME]\n"
	"  jinyun share log     [--db PATH] [--limit N] [--json]\n"
	"每天把协议允许的内容（各校日汇总、预警、居住或就读于对方辖区的密接者的身份与暴露信息）\n"
	"签名后经 HTTPS 发送给伙伴辖区；双方都记录收发日志。\n"
	"Send what each agreement allows (daily aggregates per school, alerts, and a traced\n"
	"contact's identity and exposure when they live or study there), signed (Ed25519) over\n"
	"HTTPS; both sides log every message.  --date defaults to today (China time).\n";

typedef struct opts_t {
	const char *db, *name, *url, *key, *allow, *ca, *number, *jurisdiction, *date, *partner;
	int replace, disable, json;
	long limit;
} opts_t;

static int parse(int argc, char **argv, opts_t *o)
{
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },	   { "name", required_argument, 0, 'n' },
		{ "url", required_argument, 0, 'u' },	   { "key", required_argument, 0, 'k' },
		{ "allow", required_argument, 0, 'a' },    { "ca", required_argument, 0, 'c' },
		{ "number", required_argument, 0, 'N' },   { "jurisdiction", required_argument, 0, 'j' },
		{ "date", required_argument, 0, 'D' },	   { "partner", required_argument, 0, 'p' },
		{ "limit", required_argument, 0, 'l' },	   { "replace", no_argument, 0, 'r' },
		{ "disable", no_argument, 0, 'x' },	   { "json", no_argument, 0, 'J' },
		{ 0, 0, 0, 0 }
	};
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'n': o->name = optarg; break;
		case 'u': o->url = optarg; break;
		case 'k': o->key = optarg; break;
		case 'a': o->allow = optarg; break;
		case 'c': o->ca = optarg; break;
		case 'N': o->number = optarg; break;
		case 'j': o->jurisdiction = optarg; break;
		case 'D': o->date = optarg; break;
		case 'p': o->partner = optarg; break;
		case 'l': o->limit = strtol(optarg, NULL, 10); break;
		case 'r': o->replace = 1; break;
		case 'x': o->disable = 1; break;
		case 'J': o->json = 1; break;
		default: return 2;
		}
	}
	return optind < argc ? 2 : 0;
}

static int print_partner(void *ctx, const share_partner_rec *p)
{
	(void)ctx;
	printf("%s\t%s\t%s\t%s\t%s%s\n", p->name, p->url, p->allow, p->public_key,
	       p->ca_file[0] ? p->ca_file : "(system CAs)", p->enabled ? "" : "\t(disabled)");
	return 0;
}

static void print_sent(void *ctx, const share_sent *r)
{
	(void)ctx;
	printf("%s\t%s\t%d\t%s\t%s\n", r->partner, r->kind, r->items, r->ok ? "ok" : "FAILED",
	       r->detail);
}

static int print_log(void *ctx, const share_log_rec *l)
{
	if (ctx) {
		cJSON_AddItemToArray(ctx, share_log_json(l));
		return 0;
	}
	char when[32];
	time_t t = (time_t)l->at;
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	printf("%s\t%s\t%s\t%s\t%d\t%s\t%.16s\t%s\n", when, l->direction, l->partner, l->kind,
	       l->items, l->status, l->digest, l->detail);
	return 0;
}

static int run(store *s, const char *sub, const char *sub2, opts_t *o, jy_err *err)
{
	if (!strcmp(sub, "keygen")) {
		if (!o->name)
			return err_set(err, JY_EINVAL, "需要 --name 本辖区名称 (--name is required)");
		share_key_rec k;
		int rc = share_keygen(s, o->name, o->replace, &k, err);
		if (!rc)
			printf("%s\n", k.public_key);
		return rc;
	}
	if (!strcmp(sub, "key")) {
		share_key_rec k;
		int rc = store_share_key_get(s, &k, err);
		if (!rc)
			printf("%s\t%s\n", k.name, k.public_key);
		return rc;
	}
	if (!strcmp(sub, "partner") && sub2 && !strcmp(sub2, "add")) {
		if (!o->name || !o->url || !o->key || !o->allow)
			return err_set(err, JY_EINVAL,
				       "需要 --name --url --key --allow (all four are required)");
		share_partner_rec p;
		memset(&p, 0, sizeof p);
		snprintf(p.name, sizeof p.name, "%s", o->name);
		snprintf(p.url, sizeof p.url, "%s", o->url);
		snprintf(p.public_key, sizeof p.public_key, "%s", o->key);
		snprintf(p.allow, sizeof p.allow, "%s", o->allow);
		snprintf(p.ca_file, sizeof p.ca_file, "%s", o->ca ? o->ca : "");
		p.enabled = !o->disable;
		if (strlen(o->name) >= sizeof p.name || strlen(o->url) >= sizeof p.url ||
		    strlen(o->allow) >= sizeof p.allow || (o->ca && strlen(o->ca) >= sizeof p.ca_file))
			return err_set(err, JY_EINVAL, "参数过长 (an argument is too long)");
		int rc = share_partner_add(s, &p, err);
		if (!rc)
			printf("伙伴 partner %s: %s, allow %s\n", p.name, p.url, p.allow);
		return rc;
	}
	if (!strcmp(sub, "partner") && sub2 && !strcmp(sub2, "list"))
		return store_share_partner_list(s, print_partner, NULL, err);
	if (!strcmp(sub, "person")) {
		if (!o->number || !o->jurisdiction)
			return err_set(err, JY_EINVAL, "需要 --number 和 --jurisdiction (both are required)");
		school_rec sc;
		person_rec p;
		int rc = store_school_default(s, &sc, err);
		if (!rc)
			rc = store_person_find(s, sc.id, o->number, &p, err);
		if (!rc)
			rc = store_person_jurisdiction_set(s, p.id, o->jurisdiction, err);
		if (!rc)
			printf("%s %s: %s\n", p.number, p.name,
			       o->jurisdiction[0] ? o->jurisdiction : "(本辖区 here)");
		return rc;
	}
	if (!strcmp(sub, "send")) {
		char today[11];
		if (!o->date) {
			date_format(date_today_cst(), today);
			o->date = today;
		}
		return share_send(s, o->partner, o->date, print_sent, NULL, err);
	}
	if (!strcmp(sub, "log")) {
		cJSON *items = o->json ? cJSON_CreateArray() : NULL;
		int rc = store_share_log_list(s, 0, o->limit, print_log, items, err);
		if (items && !rc)
			rc = cli_print_json(items) ? JY_ENOMEM : 0;
		else
			cJSON_Delete(items);
		return rc;
	}
	return 2;
}

int cmd_share(int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	int shift = 1;
	const char *sub2 = NULL;
	if (!strcmp(sub, "partner")) {
		if (argc < 3) {
			fputs(usage, stderr);
			return 2;
		}
		sub2 = argv[2];
		shift = 2;
	}
	opts_t o = { .db = JY_DEFAULT_DB };
	if (parse(argc - shift, argv + shift, &o)) {
		fputs(usage, stderr);
		return 2;
	}
	jy_err err;
	err_clear(&err);
	store *s = NULL;
	if (store_open(o.db, &s, &err))
		return cli_fail("share", "%s", err.msg);
	int rc = run(s, sub, sub2, &o, &err);
	store_close(s);
	if (rc == 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (rc)
		return cli_fail("share", "%s", err.msg);
	return 0;
}
