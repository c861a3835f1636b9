/*
 * test_trace_cli.c — `jinyun trace` as a user runs it: the binary
 * ($JINYUN_BIN) on the Lyon primary-school contacts and on generated
 * presence CSVs, its output compared with the reference tracer of
 * trace_ref.h; and its answers to unknown cases, bad input, bad usage and
 * a database that does not exist.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "trace_ref.h"

#define HEADER "person,hop,exposure_seconds,first_contact,via\n"

/* Run `jinyun trace ARGS`; returns the exit status, output in *out and *err. */
static int run_trace(const char *args, char **out, char **err)
{
	size_t n = strlen(tu_jinyun_bin()) + strlen(args) + 32;
	char *cmd = malloc(n);
	snprintf(cmd, n, "'%s' trace %s", tu_jinyun_bin(), args);
	int rc = tu_run(cmd, NULL, out, err);
	free(cmd);
	return rc;
}

/* Compare the command with the reference for one trace. */
static void compare_cli(const ref_data *d, const char *flag, const char *path,
			const char *const *cases, size_t ncases, int64_t from, int64_t to,
			int64_t min, unsigned hops)
{
	char args[2048];
	size_t len = (size_t)snprintf(args, sizeof args, "%s '%s' --from %lld --to %lld "
				      "--min-duration %lld --hops %u",
				      flag, path, (long long)from, (long long)to, (long long)min, hops);
	for (size_t i = 0; i < ncases; i++)
		len += (size_t)snprintf(args + len, sizeof args - len, " --case '%s'", cases[i]);
	char *want = ref_trace_csv(d, cases, ncases, from, to, min, hops);
	char *out, *err;
	int rc = run_trace(args, &out, &err);
	if (rc != 0 || strcmp(want, out)) {
		fprintf(stderr, "# jinyun trace %s\n# exit %d, stderr: %s\n", args, rc, err);
		ref_show_diff(want, out);
	}
	assert_int_equal(rc, 0);
	assert_string_equal(want, out);
	free(want);
	free(out);
	free(err);
}

static void test_trace_cli_lyon_matches_reference(void **state)
{
	(void)state;
	const char *dir = tu_data_dir();
	if (!dir)
		skip();
	char path[1024];
	snprintf(path, sizeof path, "%s/sociopatterns-primaryschool-lyon/primaryschool.csv", dir);
	ref_data d;
	if (ref_load_contacts(&d, path, 20) < 0) {
		fprintf(stderr, "skipped: %s not found\n", path);
		skip();
	}
	const char *c1[1] = { d.names[5] }, *c2[2] = { d.names[77], d.names[200] };
	compare_cli(&d, "--contacts", path, c1, 1, 0, 200000, 900, 1);
	compare_cli(&d, "--contacts", path, c1, 1, 31220, 62320, 300, 2);
	compare_cli(&d, "--contacts", path, c2, 2, 117240, 130010, 120, 3);
	compare_cli(&d, "--contacts", path, c2, 2, 40000, 41000, 0, 2);
	ref_free(&d);
}

static void test_trace_cli_generated_presence_matches_reference(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	/* 25 people, 4 rooms, overlapping and touching stays, a duplicate. */
	size_t cap = 1 << 16, len = 0;
	char *csv = malloc(cap);
	len += (size_t)snprintf(csv, cap, "person,place,start,end\n");
	uint64_t r = 12345;
	for (int p = 0; p < 25; p++)
		for (int i = 0; i < 8; i++) {
			r = r * 6364136223846793005ull + 1442695040888963407ull;
			int64_t s = (int64_t)((r >> 33) % 3000), l = (int64_t)((r >> 20) % 500);
			int room = (int)((r >> 50) % 4);
			len += (size_t)snprintf(csv + len, cap - len, "s%d,room%d,%lld,%lld\n", p, room,
						(long long)s, (long long)(s + l));
			if (i == 3)
				len += (size_t)snprintf(csv + len, cap - len, "s%d,room%d,%lld,%lld\n", p,
							room, (long long)s, (long long)(s + l));
		}
	char *path = tu_write_file(dir, "presence.csv", csv, len);
	ref_data d;
	assert_int_equal(ref_load_presence(&d, path), 0);
	const char *c1[1] = { "s3" }, *c2[2] = { "s10", "s7" };
	compare_cli(&d, "--presence", path, c1, 1, 0, 4000, 300, 1);
	compare_cli(&d, "--presence", path, c1, 1, 500, 2500, 100, 3);
	compare_cli(&d, "--presence", path, c2, 2, -10, 3000, 0, 2);
	ref_free(&d);
	free(path);
	free(csv);
	tu_rmtree_free(dir);
}

static void test_trace_cli_unknown_case_warns_and_exits_0(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *path = tu_write_file(dir, "c.txt", "0 a b\n20 a b\n", (size_t)-1);
	char args[1024], *out, *err;
	snprintf(args, sizeof args, "--contacts '%s' --case nobody --case a --from 0 --to 100 "
		 "--min-duration 30", path);
	assert_int_equal(run_trace(args, &out, &err), 0);
	assert_string_equal(out, HEADER "b,1,40,0,a\n");
	assert_non_null(strstr(err, "nobody"));
	free(out);
	free(err);
	snprintf(args, sizeof args, "--contacts '%s' --case nobody --from 0 --to 100", path);
	assert_int_equal(run_trace(args, &out, &err), 0);
	assert_string_equal(out, HEADER);
	free(out);
	free(err);
	free(path);
	tu_rmtree_free(dir);
}

static void test_trace_cli_bad_input_names_file_row_column_and_exits_1(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *p = tu_write_file(dir, "p.csv", "person,place,start,end\na,r,0,10\nb,r,zz,20\n", (size_t)-1);
	char *c = tu_write_file(dir, "c.txt", "0 a b\n20 a\n", (size_t)-1);
	char args[1024], want[1024], *out, *err;

	snprintf(args, sizeof args, "--presence '%s' --case a --from 0 --to 100", p);
	assert_int_equal(run_trace(args, &out, &err), 1);
	snprintf(want, sizeof want, "%s:3:start: 不是整数秒", p);
	assert_true(strncmp(err, want, strlen(want)) == 0);
	assert_non_null(strstr(err, "not an integer"));
	assert_string_equal(out, "");
	free(out);
	free(err);

	snprintf(args, sizeof args, "--contacts '%s' --case a --from 0 --to 100", c);
	assert_int_equal(run_trace(args, &out, &err), 1);
	snprintf(want, sizeof want, "%s:2:j: 缺少字段", c);
	assert_true(strncmp(err, want, strlen(want)) == 0);
	free(out);
	free(err);

	snprintf(args, sizeof args, "--contacts '%s/missing' --case a --from 0 --to 100", dir);
	assert_int_equal(run_trace(args, &out, &err), 1);
	assert_non_null(strstr(err, "missing"));
	free(out);
	free(err);
	free(p);
	free(c);
	tu_rmtree_free(dir);
}

/* --db reads the database (tested against --contacts in test_presence.c);
 * a database that does not exist is an error, not a new empty file. */
static void test_trace_cli_db_missing_is_an_error(void **state)
{
	(void)state;
	char *out, *err;
	assert_int_equal(run_trace("--db /tmp/jinyun-no-such-db.db --case a --from 0 --to 10", &out, &err), 1);
	assert_non_null(strstr(err, "jinyun-no-such-db.db"));
	free(out);
	free(err);
}

static void test_trace_cli_bad_usage_exits_2_and_help_exits_0(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"--contacts a --presence b --case x --from 0 --to 1",
		"--contacts a --from 0 --to 1",
		"--contacts a --case x --from 0",
		"--contacts a --case x --from 5 --to 5",
		"--contacts a --case x --from zero --to 5",
		"--contacts a --case x --from 0 --to 5 --hops 0",
		"--contacts a --case x --from 0 --to 5 --min-duration -1",
		"--contacts a --case x --from 0 --to 5 --resolution 0",
		"--contacts a --case x --from 0 --to 5 --colour red",
		"--contacts a --case x --from 0 --to 5 extra",
		"--contacts",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *out, *err;
		int rc = run_trace(bad[i], &out, &err);
		if (rc != 2)
			fprintf(stderr, "# '%s' exited %d: %s\n", bad[i], rc, err);
		assert_int_equal(rc, 2);
		assert_true(strlen(err) > 0);
		free(out);
		free(err);
	}
	char *out, *err;
	assert_int_equal(run_trace("--help", &out, &err), 0);
	assert_non_null(strstr(out, "--min-duration"));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_cli_lyon_matches_reference),
		cmocka_unit_test(test_trace_cli_generated_presence_matches_reference),
		cmocka_unit_test(test_trace_cli_unknown_case_warns_and_exits_0),
		cmocka_unit_test(test_trace_cli_bad_input_names_file_row_column_and_exits_1),
		cmocka_unit_test(test_trace_cli_db_missing_is_an_error),
		cmocka_unit_test(test_trace_cli_bad_usage_exits_2_and_help_exits_0),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
