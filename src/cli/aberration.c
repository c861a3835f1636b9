/*
 * aberration.c — `jinyun aberration`: EARS C1/C2/C3, algo.farrington and
 * farringtonFlexible on one count series from a CSV file, with the numbers
 * of R's `surveillance` 1.20.3 (the engines are src/engine/ears.c and
 * src/engine/farrington.c; this file only reads, checks and prints).
 *
 *   jinyun aberration ears --method C1|C2|C3 [options] FILE.csv
 *   jinyun aberration farrington [options] FILE.csv
 *   jinyun aberration flexible [options] FILE.csv
 *
 * FILE.csv has a header naming `idx`, `year`, `epoch_in_year`, `observed`
 * and optionally `date` (YYYY-MM-DD: the series is then date-indexed, R's
 * epochAsDate), in any order; other columns are ignored.  Rows are the time
 * points in order, idx = 1..n.  `observed` is a count >= 0 or NA.
 *
 * Output (stdout) is CSV, one row per input row:
 *   idx,observed,upperbound,alarm[,extra columns of the method]
 * with NA outside the evaluated range and where R gives NA, alarms 0/1, and
 * numbers printed with %.17g.  --range FROM:TO is 1-based and inclusive as
 * in R; without it every time point of R's default range is evaluated.
 *
 * R's defaults are used throughout (ears: baseline 7, alpha 0.001 for C1/C2
 * and 0.025 for C3; farrington: b 5, w 3, alpha 0.05; flexible: b 5, w 3,
 * alpha 0.05, weightsThreshold 2.58, pThresholdTrend 0.05,
 * pastWeeksNotIncluded = w, noPeriods 1, thresholdMethod delta).  The
 * frequency (R's freq) is inferred: with dates from the spacing of the
 * first two (1 day: 365, 7 days: 52, a month: 12), else from the largest
 * epoch_in_year (<= 12: 12, <= 53: 52, else 365); --freq overrides it.
 *
 * Exit status: 0 done; 1 bad input or range (FILE:ROW:COLUMN: message on
 * stderr); 2 bad usage.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/aberration.h"
#include "util/err.h"
#include "util/table.h"

static void usage(FILE *f)
{
	fputs("用法 usage: jinyun aberration ears --method C1|C2|C3 [OPTIONS] FILE.csv\n"
	      "            jinyun aberration farrington [OPTIONS] FILE.csv\n"
	      "            jinyun aberration flexible [OPTIONS] FILE.csv\n"
	      "\n"
	      "统计预警: 计数时间序列的异常检测, 结果与 R surveillance 1.20.3 一致.\n"
	      "Aberration detection on a count series, with the numbers of R's\n"
	      "surveillance 1.20.3: earsC, algo.farrington, farringtonFlexible.\n"
	      "(jinyun aberration METHOD --help for the options of each.)\n"
	      "\n"
	      "FILE.csv: header with idx, year, epoch_in_year, observed [, date YYYY-MM-DD];\n"
	      "rows in time order, idx = 1..n; observed a count >= 0 or NA.\n"
	      "输出 output: idx,observed,upperbound,alarm[,...], NA outside the range.\n",
	      f);
}

static void usage_ears(FILE *f)
{
	fputs("用法 usage: jinyun aberration ears --method C1|C2|C3 [--baseline 7]\n"
	      "                 [--alpha A] [--min-sigma 0] [--range FROM:TO] FILE.csv\n"
	      "\n"
	      "EARS C1, C2, C3 as R's earsC() computes them (C3 as implemented in R,\n"
	      "not as documented; alarm when observed > upperbound).\n"
	      "\n"
	      "  --method M          C1 (default), C2 or C3\n"
	      "  --baseline N        参考值个数 reference values (default 7, >= 3)\n"
	      "  --alpha A           z = qnorm(1 - A) (default 0.001; C3: 0.025)\n"
	      "  --min-sigma S       标准差下限 floor of the standard deviation (default 0)\n"
	      "  --range FROM:TO     1-based, inclusive (default: every point with enough\n"
	      "                      history: baseline+1, +3 or +5 for C1, C2, C3)\n"
	      "\n"
	      "输出 output: idx,observed,upperbound,alarm\n",
	      f);
}

static void usage_farrington(FILE *f)
{
	fputs("用法 usage: jinyun aberration farrington [--b 5] [--w 3] [--alpha 0.05]\n"
	      "                 [--no-reweight] [--no-trend] [--powertrans 2/3|1/2|none]\n"
	      "                 [--freq N] [--range FROM:TO] FILE.csv\n"
	      "\n"
	      "R's original algo.farrington() (Farrington et al. 1996).\n"
	      "\n"
	      "  --b N               回溯年数 years back (default 5)\n"
	      "  --w N               半窗口 half window, in epochs (default 3)\n"
	      "  --alpha A           two-sided: qnorm(1 - A/2) (default 0.05)\n"
	      "  --no-reweight       不重加权 do not reweight by Anscombe residuals\n"
	      "  --no-trend          不拟合趋势 never fit a time trend\n"
	      "  --powertrans P      2/3 (default), 1/2 or none\n"
	      "  --freq N            observations per year (default: inferred)\n"
	      "  --range FROM:TO     1-based, inclusive (default R's: freq*b-w .. n)\n"
	      "\n"
	      "输出 output: idx,observed,upperbound,alarm,trend,pd_q,pd_median\n",
	      f);
}

static void usage_flexible(FILE *f)
{
	fputs("用法 usage: jinyun aberration flexible [--b 5] [--w 3] [--no-periods 1]\n"
	      "                 [--weights-threshold 2.58] [--past-weeks-not-included W]\n"
	      "                 [--p-threshold-trend 0.05] [--threshold-method delta|nbPlugin|muan]\n"
	      "                 [--alpha 0.05] [--no-reweight] [--no-trend] [--powertrans P]\n"
	      "                 [--freq N] [--range FROM:TO] FILE.csv\n"
	      "\n"
	      "R's farringtonFlexible() (Noufaily et al. 2013 improvements available).\n"
	      "\n"
	      "  --b N                      回溯年数 years back (default 5)\n"
	      "  --w N                      半窗口 half window, in epochs (default 3)\n"
	      "  --no-periods N             季节因子水平 seasonal factor levels (default 1)\n"
	      "  --weights-threshold X      reweighting threshold (default 2.58)\n"
	      "  --past-weeks-not-included N  recent epochs left out (default: w)\n"
	      "  --p-threshold-trend X      trend kept if p < X (default 0.05)\n"
	      "  --threshold-method M       delta (default), nbPlugin or muan\n"
	      "  --alpha A                  one-sided: qnorm(1 - A) (default 0.05)\n"
	      "  --no-reweight, --no-trend, --powertrans P, --freq N as for farrington\n"
	      "  --range FROM:TO            1-based, inclusive (default R's: freq*b+w+1 .. n)\n"
	      "\n"
	      "输出 output: idx,observed,upperbound,alarm,expected,score,pvalue,\n"
	      "            mu0Vector,phiVector,trendVector,trend\n",
	      f);
}

static int bad_usage(const char *sub, const char *fmt, const char *arg)
{
	fprintf(stderr, "jinyun aberration%s%s: ", sub ? " " : "", sub ? sub : "");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(jinyun aberration%s%s --help)\n", sub ? " " : "", sub ? sub : "");
	return 2;
}

/* ---- parsing numbers -------------------------------------------------- */

static bool parse_double(const char *s, double *out)
{
	char *end;
	while (*s == ' ')
		s++;
	if (!*s)
		return false;
	errno = 0;
	double v = strtod(s, &end);
	while (*end == ' ')
		end++;
	if (errno == ERANGE || *end || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static bool parse_long(const char *s, long *out)
{
	char *end;
	while (*s == ' ')
		s++;
	if (!*s)
		return false;
	errno = 0;
	long v = strtol(s, &end, 10);
	while (*end == ' ')
		end++;
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_int_opt(const char *s, int lo, int *out)
{
	long v;
	if (!parse_long(s, &v) || v < lo || v > 100000)
		return false;
	*out = (int)v;
	return true;
}

/* YYYY-MM-DD to days since 1970-01-01; false if not a real date. */
static bool parse_date(const char *s, int32_t *out)
{
	int y, m, d, n = 0;
	while (*s == ' ')
		s++;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return false;
	for (const char *p = s + n; *p; p++)
		if (*p != ' ')
			return false;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
		return false;
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*out = (int32_t)(era * 146097 + doe - 719468);
	return true;
}

/* ---- the input series --------------------------------------------------- */

typedef struct series_in {
	size_t n;
	double *observed;
	int32_t *date;  /* NULL when the file has no date column */
	long *rownum;   /* spreadsheet row of each point, for messages */
	int freq;       /* inferred */
} series_in;

static void series_free(series_in *s)
{
	free(s->observed);
	free(s->date);
	free(s->rownum);
	memset(s, 0, sizeof *s);
}

static long find_col(const table *t, const char *name)
{
	if (t->nrows == 0)
		return -1;
	for (size_t j = 0; j < t->ncells[0]; j++) {
		const char *c = table_cell(t, 0, j);
		while (*c == ' ')
			c++;
		size_t len = strlen(c);
		while (len && c[len - 1] == ' ')
			len--;
		if (len == strlen(name) && !memcmp(c, name, len))
			return (long)j;
	}
	return -1;
}

/*
 * Read and check FILE: the columns, every value, idx = 1..n, increasing
 * dates; infer freq.  Returns 0 or a negative code with err filled in
 * (FILE:ROW:COLUMN).
 */
static int series_read(const char *path, series_in *s, jy_err *err)
{
	table *t = NULL;
	int rc = csv_read_file(path, &t, err);
	if (rc)
		return rc;
	memset(s, 0, sizeof *s);
	static const char *need[] = { "idx", "year", "epoch_in_year", "observed" };
	long col[4];
	for (int i = 0; i < 4; i++) {
		col[i] = find_col(t, need[i]);
		if (col[i] < 0) {
			rc = err_at(err, JY_EINVAL, path, t->nrows ? t->rownum[0] : 1, need[i],
				    "缺少列 missing column '%s'", need[i]);
			goto out;
		}
	}
	long dcol = find_col(t, "date");
	size_t n = t->nrows - 1;
	if (n == 0) {
		rc = err_at(err, JY_EINVAL, path, t->rownum[0], "", "没有数据 no data rows");
		goto out;
	}
	s->n = n;
	s->observed = malloc(n * sizeof(double));
	s->rownum = malloc(n * sizeof(long));
	if (dcol >= 0)
		s->date = malloc(n * sizeof(int32_t));
	if (!s->observed || !s->rownum || (dcol >= 0 && !s->date)) {
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto out;
	}
	long max_epoch = 0;
	for (size_t i = 0; i < n; i++) {
		size_t r = i + 1;
		long row = t->rownum[r];
		s->rownum[i] = row;
		long v;
		const char *c = table_cell(t, r, (size_t)col[0]);
		if (!parse_long(c, &v)) {
			rc = err_at(err, JY_EINVAL, path, row, "idx", "不是整数 not an integer: '%s'", c);
			goto out;
		}
		if (v != (long)i + 1) {
			rc = err_at(err, JY_EINVAL, path, row, "idx",
				    "应为 %zu: rows must be in time order, idx = 1..n (got '%s')", i + 1, c);
			goto out;
		}
		c = table_cell(t, r, (size_t)col[1]);
		if (!parse_long(c, &v)) {
			rc = err_at(err, JY_EINVAL, path, row, "year", "不是整数 not an integer: '%s'", c);
			goto out;
		}
		c = table_cell(t, r, (size_t)col[2]);
		if (!parse_long(c, &v) || v < 1) {
			rc = err_at(err, JY_EINVAL, path, row, "epoch_in_year",
				    "不是正整数 not a positive integer: '%s'", c);
			goto out;
		}
		if (v > max_epoch)
			max_epoch = v;
		c = table_cell(t, r, (size_t)col[3]);
		double y;
		const char *cc = c;
		while (*cc == ' ')
			cc++;
		if (!strcmp(cc, "NA")) {
			y = NAN;
		} else if (!parse_double(c, &y) || y < 0) {
			rc = err_at(err, JY_EINVAL, path, row, "observed",
				    "不是计数 not a count >= 0 or NA: '%s'", c);
			goto out;
		}
		s->observed[i] = y;
		if (dcol >= 0) {
			c = table_cell(t, r, (size_t)dcol);
			if (!parse_date(c, &s->date[i])) {
				rc = err_at(err, JY_EINVAL, path, row, "date",
					    "日期无效 not a date YYYY-MM-DD: '%s'", c);
				goto out;
			}
			if (i > 0 && s->date[i] <= s->date[i - 1]) {
				rc = err_at(err, JY_EINVAL, path, row, "date",
					    "日期须递增 dates must increase: '%s'", c);
				goto out;
			}
		}
	}
	if (s->date && n >= 2) {
		int32_t d = s->date[1] - s->date[0];
		s->freq = d == 1 ? 365 : d == 7 ? 52 : (d >= 28 && d <= 31) ? 12 : 0;
	} else {
		s->freq = max_epoch <= 12 ? 12 : max_epoch <= 53 ? 52 : 365;
	}
	rc = 0;
out:
	table_free(t);
	if (rc)
		series_free(s);
	return rc;
}

/* ---- output ----------------------------------------------------------- */

static void put_num(FILE *f, double v)
{
	if (isnan(v))
		fputs(",NA", f);
	else
		fprintf(f, ",%.17g", v);
}

static void put_alarm(FILE *f, int8_t a)
{
	if (a == ABER_NA)
		fputs(",NA", f);
	else
		fprintf(f, ",%d", a ? 1 : 0);
}

enum out_kind { OUT_EARS, OUT_FARRINGTON, OUT_FLEXIBLE };

static void print_result(const series_in *s, enum out_kind kind, size_t from, size_t to,
			 const double *ub, const int8_t *alarm, const farrington_point *det)
{
	FILE *f = stdout;
	fputs("idx,observed,upperbound,alarm", f);
	if (kind == OUT_FARRINGTON)
		fputs(",trend,pd_q,pd_median", f);
	else if (kind == OUT_FLEXIBLE)
		fputs(",expected,score,pvalue,mu0Vector,phiVector,trendVector,trend", f);
	fputc('\n', f);
	for (size_t i = 0; i < s->n; i++) {
		bool in = i >= from && i <= to;
		fprintf(f, "%zu", i + 1);
		put_num(f, s->observed[i]);
		put_num(f, in ? ub[i] : NAN);
		put_alarm(f, in ? alarm[i] : ABER_NA);
		if (kind == OUT_FARRINGTON) {
			put_alarm(f, in ? det[i].trend : ABER_NA);
			put_num(f, in ? det[i].pd_q : NAN);
			put_num(f, in ? det[i].pd_median : NAN);
		} else if (kind == OUT_FLEXIBLE) {
			const farrington_point *d = &det[i];
			put_num(f, in ? d->expected : NAN);
			put_num(f, in ? d->score : NAN);
			put_num(f, in ? d->pvalue : NAN);
			put_num(f, in ? d->mu0 : NAN);
			put_num(f, in ? d->phi : NAN);
			put_num(f, in ? d->trend_coef : NAN);
			put_alarm(f, in ? d->trend : ABER_NA);
		}
		fputc('\n', f);
	}
}

/* ---- the three subcommands -------------------------------------------- */

typedef struct common_opts {
	const char *range;   /* --range, or NULL */
	int freq;            /* --freq, or 0 */
	const char *file;
} common_opts;

static int fail(const jy_err *e)
{
	char buf[1200];
	err_format(e, buf, sizeof buf);
	fprintf(stderr, "jinyun aberration: %s\n", buf);
	return 1;
}

/*
 * Resolve the range: --range FROM:TO (1-based, inclusive) or R's default
 * [first, n]; first is the earliest 0-based index the method can evaluate
 * ((size_t)-1: none).  Fills from/to (0-based); on error fills err.
 */
static int resolve_range(const char *path, const series_in *s, const char *range, size_t first,
			 const char *what, size_t *from, size_t *to, jy_err *err)
{
	if (!range) {
		if (first == (size_t)-1 || first >= s->n)
			return err_at(err, JY_EINVAL, path, s->rownum[s->n - 1], "observed",
				      "序列太短 series too short: %s needs more than %zu time points",
				      what, first == (size_t)-1 ? 0 : first);
		*from = first;
		*to = s->n - 1;
		return 0;
	}
	long a, b;
	const char *colon = strchr(range, ':');
	char left[64];
	/* Range errors name the idx column: of the header when FROM:TO does
	 * not parse, else of the first row the range gets wrong. */
	long header = s->rownum[0] - 1;
	if (!colon || (size_t)(colon - range) >= sizeof left)
		return err_at(err, JY_EINVAL, path, header, "idx",
			      "--range must be FROM:TO (1-based, inclusive), got '%s'", range);
	memcpy(left, range, (size_t)(colon - range));
	left[colon - range] = 0;
	if (!parse_long(left, &a) || !parse_long(colon + 1, &b))
		return err_at(err, JY_EINVAL, path, header, "idx",
			      "--range must be FROM:TO (1-based, inclusive), got '%s'", range);
	if (a < 1 || b < a || (size_t)b > s->n) {
		long row = a < 1 ? s->rownum[0]
			   : (size_t)a > s->n ? s->rownum[s->n - 1]
			   : b < a ? s->rownum[a - 1]
				   : s->rownum[s->n - 1];
		return err_at(err, JY_EINVAL, path, row, "idx",
			      "--range %s is not within 1:%zu (FROM <= TO)", range, s->n);
	}
	if (first == (size_t)-1 || (size_t)(a - 1) < first)
		return err_at(err, JY_EINVAL, path, s->rownum[a - 1], "idx",
			      "--range %s starts too early: %s needs history before time "
			      "point %ld (first possible: %zu)", range, what, a,
			      first == (size_t)-1 ? (size_t)0 : first + 1);
	*from = (size_t)(a - 1);
	*to = (size_t)(b - 1);
	return 0;
}

/* Report an engine error at index t (or none: t = (size_t)-1) as
 * FILE:ROW:observed. */
static int engine_fail(const char *path, const series_in *s, size_t t, jy_err *e)
{
	snprintf(e->file, sizeof e->file, "%s", path);
	e->row = t < s->n ? s->rownum[t] : 0;
	snprintf(e->column, sizeof e->column, "%s", t < s->n ? "observed" : "");
	return fail(e);
}

static int run_ears(const ears_params *p, const common_opts *o)
{
	jy_err e;
	err_clear(&e);
	if (ears_params_check(p, &e))
		return bad_usage("ears", "%s", e.msg);
	series_in s;
	if (series_read(o->file, &s, &e))
		return fail(&e);
	int status = 1;
	double *ub = malloc(s.n * sizeof(double));
	int8_t *al = malloc(s.n);
	size_t from, to;
	char what[32];
	snprintf(what, sizeof what, "EARS C%d", (int)p->method);
	if (!ub || !al) {
		err_set(&e, JY_ENOMEM, "out of memory");
		fail(&e);
		goto out;
	}
	if (resolve_range(o->file, &s, o->range, ears_first(p), what, &from, &to, &e)) {
		fail(&e);
		goto out;
	}
	if (ears_run(p, s.observed, s.n, from, to, ub, al, &e)) {
		engine_fail(o->file, &s, (size_t)-1, &e);
		goto out;
	}
	print_result(&s, OUT_EARS, from, to, ub, al, NULL);
	status = 0;
out:
	free(ub);
	free(al);
	series_free(&s);
	return status;
}

/* Apply --freq and check that a date-indexed series has a usable one. */
static int settle_freq(const common_opts *o, series_in *s, jy_err *e)
{
	if (o->freq)
		s->freq = o->freq;
	if (s->date && s->freq != 12 && s->freq != 52 && s->freq != 365)
		return err_at(e, JY_EINVAL, o->file, s->rownum[0], "date",
			      "dates must be daily, weekly or monthly (freq 365, 52, 12); "
			      "got freq %d (use --freq)", s->freq);
	return 0;
}

static int run_farrington(const farrington_params *fp, const farrington_flex_params *xp,
			  const common_opts *o)
{
	jy_err e;
	err_clear(&e);
	const char *sub = fp ? "farrington" : "flexible";
	if (fp ? farrington_params_check(fp, &e) : farrington_flex_params_check(xp, &e))
		return bad_usage(sub, "%s", e.msg);
	series_in s;
	if (series_read(o->file, &s, &e))
		return fail(&e);
	int status = 1;
	double *ub = malloc(s.n * sizeof(double));
	int8_t *al = malloc(s.n);
	farrington_point *det = malloc(s.n * sizeof *det);
	farrington_work *w = farrington_work_new();
	size_t from, to;
	if (!ub || !al || !det || !w) {
		err_set(&e, JY_ENOMEM, "out of memory");
		fail(&e);
		goto out;
	}
	if (settle_freq(o, &s, &e)) {
		fail(&e);
		goto out;
	}
	aber_series as = { .observed = s.observed, .date = s.date, .n = s.n, .freq = s.freq };
	/* R's default range without --range; with it, any time point R would
	 * accept: the engine says, per point, when the history is too short. */
	size_t first = o->range ? 0
		       : fp ? farrington_first(fp, &as) : farrington_flex_first(xp, &as);
	if (resolve_range(o->file, &s, o->range, first, fp ? "algo.farrington" :
			  "farringtonFlexible", &from, &to, &e)) {
		fail(&e);
		goto out;
	}
	for (size_t t = from; t <= to; t++) {
		int rc = fp ? farrington_at(w, fp, &as, t, &det[t], &e)
			    : farrington_flex_at(w, xp, &as, t, &det[t], &e);
		if (rc) {
			engine_fail(o->file, &s, t, &e);
			goto out;
		}
		ub[t] = det[t].upperbound;
		al[t] = det[t].alarm;
	}
	print_result(&s, fp ? OUT_FARRINGTON : OUT_FLEXIBLE, from, to, ub, al, det);
	status = 0;
out:
	farrington_work_free(w);
	free(ub);
	free(al);
	free(det);
	series_free(&s);
	return status;
}

enum {
	OPT_METHOD = 1, OPT_BASELINE, OPT_ALPHA, OPT_MIN_SIGMA, OPT_RANGE, OPT_B, OPT_W,
	OPT_NO_REWEIGHT, OPT_NO_TREND, OPT_POWERTRANS, OPT_FREQ, OPT_NO_PERIODS,
	OPT_WEIGHTS_THRESHOLD, OPT_PAST_WEEKS, OPT_P_TREND, OPT_THRESHOLD_METHOD, OPT_HELP,
};

static const struct option long_opts[] = {
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "min-sigma", required_argument, NULL, OPT_MIN_SIGMA },
	{ "range", required_argument, NULL, OPT_RANGE },
	{ "b", required_argument, NULL, OPT_B },
	{ "w", required_argument, NULL, OPT_W },
	{ "no-reweight", no_argument, NULL, OPT_NO_REWEIGHT },
	{ "no-trend", no_argument, NULL, OPT_NO_TREND },
	{ "powertrans", required_argument, NULL, OPT_POWERTRANS },
	{ "freq", required_argument, NULL, OPT_FREQ },
	{ "no-periods", required_argument, NULL, OPT_NO_PERIODS },
	{ "weights-threshold", required_argument, NULL, OPT_WEIGHTS_THRESHOLD },
	{ "past-weeks-not-included", required_argument, NULL, OPT_PAST_WEEKS },
	{ "p-threshold-trend", required_argument, NULL, OPT_P_TREND },
	{ "threshold-method", required_argument, NULL, OPT_THRESHOLD_METHOD },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Which options each subcommand accepts. */
static bool opt_allowed(const char *sub, int opt)
{
	switch (opt) {
	case OPT_RANGE:
	case OPT_ALPHA:
	case OPT_HELP:
		return true;
	case OPT_METHOD:
	case OPT_BASELINE:
	case OPT_MIN_SIGMA:
		return !strcmp(sub, "ears");
	case OPT_NO_PERIODS:
	case OPT_WEIGHTS_THRESHOLD:
	case OPT_PAST_WEEKS:
	case OPT_P_TREND:
	case OPT_THRESHOLD_METHOD:
		return !strcmp(sub, "flexible");
	default:
		return strcmp(sub, "ears") != 0;
	}
}

static bool parse_powertrans(const char *s, farrington_powertrans *out)
{
	if (!strcmp(s, "2/3"))
		*out = FARRINGTON_POW_2_3;
	else if (!strcmp(s, "1/2"))
		*out = FARRINGTON_POW_1_2;
	else if (!strcmp(s, "none"))
		*out = FARRINGTON_POW_NONE;
	else
		return false;
	return true;
}

int cmd_aberration(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		usage(stdout);
		return 0;
	}
	void (*sub_usage)(FILE *) = !strcmp(sub, "ears")	 ? usage_ears
				    : !strcmp(sub, "farrington") ? usage_farrington
				    : !strcmp(sub, "flexible")	 ? usage_flexible
								 : NULL;
	if (!sub_usage)
		return bad_usage(NULL, "未知方法 unknown method '%s' (ears, farrington, flexible)",
				 sub);

	ears_params ep;
	ears_params_init(&ep, EARS_C1);
	bool alpha_set = false;
	double alpha = 0;
	farrington_params fp;
	farrington_params_init(&fp);
	farrington_flex_params xp;
	farrington_flex_params_init(&xp);
	common_opts o = { 0 };

	int sargc = argc - 1;
	char **sargv = argv + 1;
	optind = 0; /* GNU: re-initialise getopt for this argv */
	opterr = 0;
	int c;
	while ((c = getopt_long(sargc, sargv, ":h", long_opts, NULL)) != -1) {
		if (c == 'h')
			c = OPT_HELP;
		if (c == '?') {
			const char *bad = sargv[optind - 1];
			return bad_usage(sub, "未知选项 unknown option '%s'", bad);
		}
		if (c == ':')
			return bad_usage(sub, "选项缺少值 option '%s' needs a value", sargv[optind - 1]);
		if (!opt_allowed(sub, c))
			return bad_usage(sub, "选项不适用 option '%s' does not apply here",
					 sargv[optind - 1]);
		int iv;
		double dv;
		switch (c) {
		case OPT_HELP:
			sub_usage(stdout);
			return 0;
		case OPT_METHOD:
			if (!strcmp(optarg, "C1"))
				ep.method = EARS_C1;
			else if (!strcmp(optarg, "C2"))
				ep.method = EARS_C2;
			else if (!strcmp(optarg, "C3"))
				ep.method = EARS_C3;
			else
				return bad_usage(sub, "--method must be C1, C2 or C3, got '%s'", optarg);
			break;
		case OPT_BASELINE:
			if (!parse_int_opt(optarg, 3, &ep.baseline))
				return bad_usage(sub, "--baseline must be an integer >= 3, got '%s'", optarg);
			break;
		case OPT_ALPHA:
			if (!parse_double(optarg, &alpha) || !(alpha > 0 && alpha < 1))
				return bad_usage(sub, "--alpha must be a number in (0, 1), got '%s'", optarg);
			alpha_set = true;
			break;
		case OPT_MIN_SIGMA:
			if (!parse_double(optarg, &ep.min_sigma) || ep.min_sigma < 0)
				return bad_usage(sub, "--min-sigma must be a number >= 0, got '%s'", optarg);
			break;
		case OPT_RANGE:
			o.range = optarg;
			break;
		case OPT_B:
			if (!parse_int_opt(optarg, 1, &iv) || iv > 60)
				return bad_usage(sub, "--b must be an integer in 1..60, got '%s'", optarg);
			fp.b = xp.b = iv;
			break;
		case OPT_W:
			if (!parse_int_opt(optarg, 0, &iv))
				return bad_usage(sub, "--w must be an integer >= 0, got '%s'", optarg);
			fp.w = xp.w = iv;
			break;
		case OPT_NO_REWEIGHT:
			fp.reweight = xp.reweight = false;
			break;
		case OPT_NO_TREND:
			fp.trend = xp.trend = false;
			break;
		case OPT_POWERTRANS:
			if (!parse_powertrans(optarg, &fp.powertrans))
				return bad_usage(sub, "--powertrans must be 2/3, 1/2 or none, got '%s'",
						 optarg);
			xp.powertrans = fp.powertrans;
			break;
		case OPT_FREQ:
			if (!parse_int_opt(optarg, 1, &o.freq))
				return bad_usage(sub, "--freq must be a positive integer, got '%s'", optarg);
			break;
		case OPT_NO_PERIODS:
			if (!parse_int_opt(optarg, 1, &xp.no_periods) || xp.no_periods > 60)
				return bad_usage(sub, "--no-periods must be an integer in 1..60, got '%s'",
						 optarg);
			break;
		case OPT_WEIGHTS_THRESHOLD:
			if (!parse_double(optarg, &xp.weights_threshold))
				return bad_usage(sub, "--weights-threshold must be a number, got '%s'",
						 optarg);
			break;
		case OPT_PAST_WEEKS:
			if (!parse_int_opt(optarg, 0, &xp.past_weeks_not_included))
				return bad_usage(sub, "--past-weeks-not-included must be an integer >= 0, "
						 "got '%s'", optarg);
			break;
		case OPT_P_TREND:
			if (!parse_double(optarg, &dv))
				return bad_usage(sub, "--p-threshold-trend must be a number, got '%s'",
						 optarg);
			xp.p_threshold_trend = dv;
			break;
		case OPT_THRESHOLD_METHOD:
			if (!strcmp(optarg, "delta"))
				xp.threshold = FARRINGTON_DELTA;
			else if (!strcmp(optarg, "nbPlugin"))
				xp.threshold = FARRINGTON_NBPLUGIN;
			else if (!strcmp(optarg, "muan"))
				xp.threshold = FARRINGTON_MUAN;
			else
				return bad_usage(sub, "--threshold-method must be delta, nbPlugin or muan, "
						 "got '%s'", optarg);
			break;
		default:
			return bad_usage(sub, "unexpected option '%s'", sargv[optind - 1]);
		}
	}
	if (optind != sargc - 1)
		return bad_usage(sub, "%s", optind >= sargc ? "缺少文件 missing FILE.csv"
							    : "只能有一个文件 exactly one FILE.csv");
	o.file = sargv[optind];

	if (!strcmp(sub, "ears")) {
		if (alpha_set)
			ep.alpha = alpha;
		else
			ep.alpha = ep.method == EARS_C3 ? 0.025 : 0.001;
		return run_ears(&ep, &o);
	}
	if (!strcmp(sub, "farrington")) {
		if (alpha_set)
			fp.alpha = alpha;
		return run_farrington(&fp, NULL, &o);
	}
	if (alpha_set)
		xp.alpha = alpha;
	return run_farrington(NULL, &xp, &o);
}
