/*
 * trace.c — `jinyun trace`: contacts of cases, hop by hop, from a
 * SocioPatterns contact file, a presence CSV, or the database (--db: the
 * presence derived from the timetable, dorms, checks and events, and the
 * contact records imported, see domain/tracing.h; case ids are person
 * numbers, and ties follow the byte order of numbers).
 *
 * The command reads the file with the streaming readers of
 * engine/trace_io.h, numbers the persons in byte order of their names (so
 * the engine's ties and order are the byte order promised below), builds
 * the index of engine/trace.h, runs one trace and prints it as CSV:
 *
 *   person,hop,exposure_seconds,first_contact,via
 *
 * sorted by hop, exposure descending, person (byte order); the cases are
 * not listed.  A case that is not in the data is a warning, not an error.
 * Exit status: 0 done, 1 bad input (FILE:ROW:COLUMN: message on stderr) or
 * --db, 2 bad usage.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/trace.h"
#include "engine/trace_io.h"
#include "domain/tracing.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fputs("用法 usage: jinyun trace (--contacts FILE | --presence FILE | --db PATH)\n"
	      "                    --case ID [--case ID ...] --from T --to T\n"
	      "                    [--min-duration SECONDS] [--hops K] [--resolution SECONDS]\n"
	      "\n"
	      "接触者追踪: 列出病例的接触者, 逐跳 (时间上有先后).\n"
	      "Trace the contacts of cases, hop by hop, respecting time.\n"
	      "\n"
	      "  --contacts FILE       SocioPatterns 接触记录 records `t i j ...` (blank separated):\n"
	      "                        i and j in contact during [t, t+resolution)\n"
	      "  --presence FILE       CSV person,place,start,end (integer seconds)\n"
	      "  --db PATH             数据库 the database (case ids are person numbers)\n"
	      "  --case ID             病例 a case, as the id appears in the data (repeatable)\n"
	      "  --from T, --to T      时间窗口 the window [from, to), integer seconds\n"
	      "  --min-duration S      最短累计接触 minimum exposure to count (default 900)\n"
	      "  --hops K              跳数 hops (default 1)\n"
	      "  --resolution S        记录长度 length of one contact record (default 20)\n"
	      "\n"
	      "输出 output (stdout): person,hop,exposure_seconds,first_contact,via\n"
	      "sorted by hop, exposure descending, person (byte order); cases not listed.\n",
	      f);
}

static int bad_usage(const char *fmt, const char *arg)
{
	fputs("jinyun trace: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(jinyun trace --help)\n", stderr);
	return 2;
}

/* A whole decimal int64, or -1. */
static int parse_int(const char *s, int64_t *out)
{
	char *end;
	if (!*s)
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* Write s as one CSV field (quoted when it needs to be). */
static void put_field(FILE *f, const char *s, size_t len)
{
	if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\n', len) &&
	    !memchr(s, '\r', len)) {
		fwrite(s, 1, len, f);
		return;
	}
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

/* The --db mode: trace persons given by number in the database's school.
 * Numbers not found (or without any presence or contact in the window)
 * are warnings, as in the file modes.  --resolution does not apply: each
 * imported batch of contact records keeps its own. */
static int trace_db(const char *path, const char **numbers, size_t n, int64_t from, int64_t to,
		    int64_t min, int64_t hops)
{
	jy_err err;
	err_clear(&err);
	store *s = NULL;
	school_rec sc;
	int64_t *ids = calloc(n + 1, sizeof *ids);
	const char **names = calloc(n + 1, sizeof *names);
	size_t nids = 0;
	tracing_result *r = NULL;
	int rc = 1;
	if (!ids || !names) {
		cli_fail("trace", "内存不足 out of memory");
		goto done;
	}
	if (strncmp(path, "postgresql://", 13) && strncmp(path, "postgres://", 11) &&
	    access(path, F_OK) != 0) {
		cli_fail("trace", "%s: 没有这个数据库 (no such database)", path);
		goto done;
	}
	if (store_open(path, &s, &err) || store_school_default(s, &sc, &err)) {
		cli_fail("trace", "%s: %s", path, err.msg);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		person_rec p;
		if (store_person_find(s, sc.id, numbers[i], &p, NULL) == 0) {
			names[nids] = numbers[i];
			ids[nids++] = p.id;
		} else {
			fprintf(stderr, "jinyun trace: 警告 warning: 病例 case '%s' 不在数据中 is not in the data\n",
				numbers[i]);
		}
	}
	tracing_query q = {
		.cases = ids, .ncases = nids, .from = from, .to = to,
		.min_duration = min, .hops = (unsigned)hops,
	};
	if (tracing_run(s, sc.id, &q, &r, &err)) {
		cli_fail("trace", "%s", err.msg);
		goto done;
	}
	for (size_t i = 0; i < r->nunknown; i++)
		for (size_t k = 0; k < nids; k++)
			if (ids[k] == r->unknown[i])
				fprintf(stderr, "jinyun trace: 警告 warning: 病例 case '%s' 不在数据中 is not in the data\n",
					names[k]);
	fputs("person,hop,exposure_seconds,first_contact,via\n", stdout);
	for (size_t i = 0; i < r->nhits; i++) {
		const tracing_hit *h = &r->hits[i];
		put_field(stdout, h->number, strlen(h->number));
		printf(",%u,%lld,%lld,", h->hop, (long long)h->exposure, (long long)h->first_contact);
		put_field(stdout, h->via_number, strlen(h->via_number));
		fputc('\n', stdout);
	}
	if (fflush(stdout) != 0) {
		cli_fail("trace", "写入失败 cannot write the output");
		goto done;
	}
	rc = 0;
done:
	tracing_result_free(r);
	store_close(s);
	free(ids);
	free(names);
	return rc;
}

int cmd_trace(int argc, char **argv)
{
	enum { O_CONTACTS = 1000, O_PRESENCE, O_DB, O_CASE, O_FROM, O_TO, O_MIN, O_HOPS, O_RES };
	static const struct option opts[] = {
		{ "contacts", required_argument, NULL, O_CONTACTS },
		{ "presence", required_argument, NULL, O_PRESENCE },
		{ "db", required_argument, NULL, O_DB },
		{ "case", required_argument, NULL, O_CASE },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "min-duration", required_argument, NULL, O_MIN },
		{ "hops", required_argument, NULL, O_HOPS },
		{ "resolution", required_argument, NULL, O_RES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	if (cli_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	const char *contacts = NULL, *presence = NULL, *db = NULL;
	const char **cases = calloc((size_t)argc + 1, sizeof *cases);
	size_t ncases = 0;
	int64_t from = 0, to = 0, min = 900, hops = 1, res = 20;
	int have_from = 0, have_to = 0, nsources = 0, rc = 2;
	if (!cases)
		return cli_fail("trace", "内存不足 out of memory");

	optind = 0; /* getopt state is global: start afresh */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		int64_t *num = NULL;
		switch (c) {
		case O_CONTACTS: contacts = optarg; nsources++; continue;
		case O_PRESENCE: presence = optarg; nsources++; continue;
		case O_DB: db = optarg; nsources++; continue;
		case O_CASE: cases[ncases++] = optarg; continue;
		case O_FROM: num = &from; have_from = 1; break;
		case O_TO: num = &to; have_to = 1; break;
		case O_MIN: num = &min; break;
		case O_HOPS: num = &hops; break;
		case O_RES: num = &res; break;
		case ':':
			rc = bad_usage("选项缺少参数 option needs a value: %s", argv[optind - 1]);
			goto out;
		default:
			rc = bad_usage("未知选项 unknown option: %s", argv[optind - 1]);
			goto out;
		}
		if (parse_int(optarg, num) < 0) {
			rc = bad_usage("不是整数 not an integer: '%s'", optarg);
			goto out;
		}
	}
	if (optind < argc) {
		rc = bad_usage("多余的参数 unexpected argument: %s", argv[optind]);
		goto out;
	}
	if (nsources != 1) {
		rc = bad_usage("%s", "需要且只需要一个 exactly one of --contacts, --presence, --db");
		goto out;
	}
	if (!ncases) {
		rc = bad_usage("%s", "需要病例 at least one --case is needed");
		goto out;
	}
	if (!have_from || !have_to) {
		rc = bad_usage("%s", "需要时间窗口 --from and --to are needed");
		goto out;
	}
	if (from >= to) {
		rc = bad_usage("%s", "时间窗口为空 --from must be before --to");
		goto out;
	}
	if (min < 0 || hops < 1 || hops > 1000 || res < 1) {
		rc = bad_usage("%s", "取值超出范围 out of range: --min-duration >= 0, 1 <= --hops <= 1000, "
				     "--resolution >= 1");
		goto out;
	}
	if (db) {
		rc = trace_db(db, cases, ncases, from, to, min, hops);
		goto out;
	}

	rc = 1;
	trace_input in = { 0 };
	trace_index *ix = NULL;
	trace_result *result = NULL;
	uint32_t *ids = malloc(ncases * sizeof *ids);
	size_t nids = 0;
	jy_err err;
	err_clear(&err);
	if (!ids || trace_input_init(&in) < 0) {
		cli_fail("trace", "内存不足 out of memory");
		goto done;
	}
	int r = contacts ? trace_read_contacts(contacts, &in, &err)
			 : trace_read_presence(presence, &in, &err);
	if (r == 0)
		r = trace_input_sort_persons(&in, &err);
	if (r == 0)
		r = trace_index_build(in.pres, in.npres, in.recs, in.nrecs, res, &ix, &err);
	if (r < 0) {
		char buf[1024];
		if (!err.file[0])
			snprintf(err.file, sizeof err.file, "%s", contacts ? contacts : presence);
		err_format(&err, buf, sizeof buf);
		fprintf(stderr, "%s\n", buf);
		goto done;
	}
	for (size_t i = 0; i < ncases; i++) {
		if (trace_names_find(in.persons, cases[i], strlen(cases[i]), &ids[nids]) == 0)
			nids++;
		else
			fprintf(stderr, "jinyun trace: 警告 warning: 病例 case '%s' 不在数据中 is not in the data\n",
				cases[i]);
	}
	trace_query q = {
		.cases = ids, .ncases = nids, .from = from, .to = to,
		.min_duration = min, .hops = (unsigned)hops,
	};
	if (trace_run(ix, &q, NULL, &result, &err) < 0) {
		cli_fail("trace", "%s", err.msg);
		goto done;
	}
	fputs("person,hop,exposure_seconds,first_contact,via\n", stdout);
	for (size_t i = 0; i < result->nhits; i++) {
		const trace_hit *h = &result->hits[i];
		size_t len;
		const char *s = trace_names_get(in.persons, h->person, &len);
		put_field(stdout, s, len);
		printf(",%u,%lld,%lld,", h->hop, (long long)h->exposure, (long long)h->first_contact);
		s = trace_names_get(in.persons, h->via, &len);
		put_field(stdout, s, len);
		fputc('\n', stdout);
	}
	if (fflush(stdout) != 0) {
		cli_fail("trace", "写入失败 cannot write the output");
		goto done;
	}
	rc = 0;
done:
	trace_result_free(result);
	trace_index_free(ix);
	trace_input_clear(&in);
	free(ids);
out:
	free(cases);
	return rc;
}
