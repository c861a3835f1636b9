/*
 * bench_trace.c — the contact-tracing engine on a generated district, and
 * the same traces done in SQL on PostgreSQL and SQLite (see bench/README.md
 * and bench/trace.sh, which starts a private PostgreSQL for it).
 *
 * The district is generated in memory, deterministically: 200 schools of
 * 1,500 students (3 grades x 10 classes x 50), 14 days from a Monday with
 * lessons Monday to Saturday.  Each school has 30 classrooms, 3 labs, a
 * playground (PE, a few classes at a time), a canteen of two halls (odd and
 * even classes; meals staggered by grade), a library, a gate and dorm rooms
 * of 8.  65% of students board: breakfast, lunch, dinner, a nap, two
 * evening study sessions in their classroom and the night in the dorm
 * (home on Saturday night, back through the gate on Sunday).  Day students
 * pass the gate morning and evening, eat lunch, and some go to the library.
 * 2% of student-days are absences.  Times jitter by minutes.
 *
 * Measured: index build time and bytes per interval; a 2-hop trace of one
 * case over the 14 days (min 900 s) for 100 random cases, p50/p99, with and
 * without places.  Then, on a subset of the schools, the same 2-hop trace
 * as one SQL statement on PostgreSQL (btree on (place, s) with a bound from
 * the longest interval, and GiST on (place, int4range)) and SQLite (btree,
 * and R*Tree), every SQL answer checked against the engine's.
 *
 * usage: bench_trace [--schools N] [--cases N] [--subset-schools K]
 *                    [--sql-cases M] [--pg CONNINFO] [--sqlite PATH]
 *                    [--sqlite-cases M] [--rtree-cases M]
 * (--sql-cases for PostgreSQL; SQLite is slower: fewer cases, R*Tree off
 * by default.)
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <sqlite3.h>
#ifdef JINYUN_HAVE_PQ
#include <libpq-fe.h>
#endif

#include "engine/trace.h"

enum {
	STUDENTS = 1500, GRADES = 3, CLASSES = 30, CLASS_SIZE = 50, DAYS = 14,
	/* places of a school */
	P_CLASS = 0, P_LAB = 30, P_PLAYGROUND = 33, P_CANTEEN = 34, P_GATE = 36,
	P_LIBRARY = 37, P_DORM = 38, DORMS_PER_GRADE = 64,
	PLACES = P_DORM + GRADES * DORMS_PER_GRADE,
};

static const int64_t T0 = 1772409600; /* Monday 2026-03-02 00:00 UTC */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of this thread: what a trace costs when other work shares the
 * machine (wall time is reported too). */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull); /* splitmix64 */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int64_t uni(uint64_t *s, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next(s) % (uint64_t)(hi - lo + 1));
}

typedef struct gen {
	trace_presence *v;
	size_t n, cap;
} gen;

static void add(gen *g, uint32_t person, uint32_t place, int64_t s, int64_t e)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 1 << 20;
		g->v = realloc(g->v, g->cap * sizeof *g->v);
		if (!g->v) {
			fprintf(stderr, "bench_trace: out of memory\n");
			exit(1);
		}
	}
	g->v[g->n++] = (trace_presence){ person, place, s, e };
}

#define HM(h, m) ((int64_t)(h) * 3600 + (int64_t)(m) * 60)

/* Generate the presence of one school (persons and places numbered from
 * school * STUDENTS and school * PLACES). */
static void gen_school(gen *g, uint32_t school, uint64_t *rs)
{
	uint32_t pbase = school * STUDENTS, lbase = school * PLACES;
	int boarder[STUDENTS], dorm[STUDENTS];
	int nboard[GRADES] = { 0 };
	/* Boarders of a grade fill dorm rooms of 8, classes interleaved. */
	for (int i = 0; i < CLASS_SIZE; i++)
		for (int c = 0; c < CLASSES; c++) {
			int s = c * CLASS_SIZE + i, grade = c / 10;
			boarder[s] = uni(rs, 0, 99) < 65;
			dorm[s] = boarder[s] ? P_DORM + grade * DORMS_PER_GRADE + nboard[grade]++ / 8 : -1;
		}
	for (int d = 0; d < DAYS; d++) {
		int wd = d % 7; /* 0 = Monday */
		int64_t day = T0 + (int64_t)d * 86400;
		for (int s = 0; s < STUDENTS; s++) {
			uint32_t who = pbase + (uint32_t)s;
			int c = s / CLASS_SIZE, grade = c / 10;
			if (wd == 6) { /* Sunday: boarders come back for the night */
				if (boarder[s]) {
					int64_t t = day + HM(17, 0) + uni(rs, 0, 7200);
					add(g, who, lbase + P_GATE, t, t + 60);
					add(g, who, lbase + (uint32_t)dorm[s], day + HM(21, 30) + uni(rs, 0, 1800),
					    day + 86400 + HM(6, 25) + uni(rs, 0, 600));
				}
				continue;
			}
			if (uni(rs, 0, 99) < 2)
				continue; /* absent today */
			for (int p = 0; p < 8; p++) {
				int64_t ps = day + (p < 4 ? HM(8, 0) + p * HM(0, 55) : HM(14, 0) + (p - 4) * HM(0, 55));
				uint32_t room = P_CLASS + (uint32_t)c;
				if (p == (c * 3 + d) % 8)
					room = P_PLAYGROUND;
				else if (p == (c * 5 + d + 3) % 8 && c % 3 == d % 3)
					room = P_LAB + (uint32_t)(c % 3);
				add(g, who, lbase + room, ps - uni(rs, 0, 300), ps + HM(0, 45));
			}
			uint32_t hall = lbase + P_CANTEEN + (uint32_t)(c % 2);
			int64_t t = day + HM(11, 45) + grade * HM(0, 10) + uni(rs, 0, 600);
			add(g, who, hall, t, t + uni(rs, 900, 1500));
			if (boarder[s]) {
				t = day + HM(6, 40) + grade * HM(0, 8) + uni(rs, 0, 600);
				add(g, who, hall, t, t + uni(rs, 720, 1200));
				t = day + HM(17, 35) + grade * HM(0, 10) + uni(rs, 0, 600);
				add(g, who, hall, t, t + uni(rs, 900, 1500));
				add(g, who, lbase + (uint32_t)dorm[s], day + HM(12, 45) + uni(rs, 0, 300), day + HM(13, 50));
				add(g, who, lbase + P_CLASS + (uint32_t)c, day + HM(19, 0) + uni(rs, 0, 300), day + HM(20, 30));
				add(g, who, lbase + P_CLASS + (uint32_t)c, day + HM(20, 40) + uni(rs, 0, 180), day + HM(22, 0));
				if (wd == 5) { /* Saturday: home for the night */
					t = day + HM(17, 35) + uni(rs, 0, 3600);
					add(g, who, lbase + P_GATE, t, t + 60);
				} else {
					add(g, who, lbase + (uint32_t)dorm[s], day + HM(22, 10) + uni(rs, 0, 900),
					    day + 86400 + HM(6, 25) + uni(rs, 0, 600));
				}
			} else {
				t = day + HM(7, 20) + uni(rs, 0, 1800);
				add(g, who, lbase + P_GATE, t, t + 60);
				t = day + HM(17, 35) + uni(rs, 0, 900);
				if (uni(rs, 0, 99) < 30) { /* library, then home */
					int64_t e = t + uni(rs, 1200, 3600);
					add(g, who, lbase + P_LIBRARY, t, e);
					t = e + uni(rs, 60, 300);
				}
				add(g, who, lbase + P_GATE, t, t + 60);
			}
		}
	}
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted values. */
static double pct(const double *v, size_t n, double p)
{
	size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
	return v[k ? k - 1 : 0];
}

typedef struct stats {
	double p50, p99, mean;
} stats;

static stats summarise(double *t, size_t n)
{
	qsort(t, n, sizeof *t, dbl_cmp);
	stats s = { pct(t, n, 50), pct(t, n, 99), 0 };
	for (size_t i = 0; i < n; i++)
		s.mean += t[i] / (double)n;
	return s;
}

/* Random persons among the first `persons`, deterministic. */
static void pick_cases(uint32_t *out, size_t n, uint32_t persons, uint64_t seed)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint32_t)(rng_next(&seed) % persons);
}

/* One row of an answer, for comparing SQL with the engine. */
typedef struct row {
	int64_t hop, person, exposure, first, via;
} row;

static int row_cmp(const void *a, const void *b)
{
	const row *x = a, *y = b;
	if (x->hop != y->hop)
		return x->hop < y->hop ? -1 : 1;
	if (x->exposure != y->exposure)
		return x->exposure > y->exposure ? -1 : 1;
	return x->person < y->person ? -1 : x->person > y->person;
}

/* Do rows (sorted here) equal the engine's hits? */
static int same_answer(row *rows, size_t n, const trace_result *r)
{
	qsort(rows, n, sizeof *rows, row_cmp);
	if (n != r->nhits)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const trace_hit *h = &r->hits[i];
		if (rows[i].hop != h->hop || rows[i].person != h->person ||
		    rows[i].exposure != h->exposure || rows[i].first + T0 != h->first_contact ||
		    rows[i].via != h->via)
			return 0;
	}
	return 1;
}

/*
 * The 2-hop trace as one SQL statement.  greatest/least are the names of
 * the scalar max/min; join_p/join_q the FROM parts that find the intervals
 * p (resp. q) overlapping c (resp. c2) at the same place.  Parameters: $1
 * case, $2 from, $3 to, $4 min duration, $5 longest interval.  Times are
 * seconds from T0.
 */
static char *trace_sql(const char *G, const char *L, const char *join_p, const char *join_q)
{
	char *s = malloc(8192);
	snprintf(s, 8192,
		 "WITH c AS ("
		 " SELECT place, %1$s(s, $2) AS s, %2$s(e, $3) AS e FROM presence"
		 " WHERE person = $1 AND s < $3 AND e > $2),"
		 " o1 AS ("
		 " SELECT p.person AS k, SUM(%2$s(c.e, p.e) - %1$s(c.s, p.s)) AS x, MIN(%1$s(c.s, p.s)) AS f"
		 " FROM c JOIN %3$s"
		 " WHERE p.person <> $1 GROUP BY p.person),"
		 " h1 AS (SELECT k, x, f FROM o1 WHERE x >= $4),"
		 " c2 AS ("
		 " SELECT h1.k AS j, p.place, %1$s(p.s, h1.f) AS s, %2$s(p.e, $3) AS e"
		 " FROM h1 JOIN presence p ON p.person = h1.k WHERE p.s < $3 AND p.e > h1.f),"
		 " o2 AS ("
		 " SELECT c2.j, q.person AS k, SUM(%2$s(c2.e, q.e) - %1$s(c2.s, q.s)) AS x,"
		 " MIN(%1$s(c2.s, q.s)) AS f"
		 " FROM c2 JOIN %4$s"
		 " WHERE q.person <> $1 AND q.person NOT IN (SELECT k FROM h1)"
		 " GROUP BY c2.j, q.person),"
		 " h2 AS ("
		 " SELECT k, j, x, f, ROW_NUMBER() OVER (PARTITION BY k ORDER BY x DESC, f, j) AS rn"
		 " FROM o2 WHERE x >= $4)"
		 " SELECT 1, k, x, f, $1 FROM h1"
		 " UNION ALL SELECT 2, k, x, f, j FROM h2 WHERE rn = 1",
		 G, L, join_p, join_q);
	return s;
}

/* With a btree on (place, s), "p.e > c.s" alone would scan every earlier
 * interval of the place: bound s from below by the place's longest interval
 * (table pmax), so that a canteen is not scanned as far back as a dorm
 * night.  $5, the longest interval of all, is a safe bound too. */
static const char *JOIN_BTREE_P =
	"pmax m ON m.place = c.place JOIN presence p ON p.place = c.place AND p.s < c.e"
	" AND p.e > c.s AND p.s > c.s - m.d AND p.s > c.s - $5";
static const char *JOIN_BTREE_Q =
	"pmax m2 ON m2.place = c2.place JOIN presence q ON q.place = c2.place AND q.s < c2.e"
	" AND q.e > c2.s AND q.s > c2.s - m2.d AND q.s > c2.s - $5";

typedef struct subset {
	const trace_presence *v;
	size_t n;
	int64_t maxdur;
	uint32_t *cases;
	size_t ncases;
	trace_result **want; /* the engine's answers */
} subset;

/* ------------------------------------------------------------- SQLite -- */

static int sqlite_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "sqlite: %s: %s\n", sql, msg);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static void bind_named(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i > 0)
		sqlite3_bind_int64(st, i, v);
}

/* Run the first ncases of the subset's cases with one statement; prints
 * p50/p99, returns p50. */
static double sqlite_run(sqlite3 *db, const char *label, const char *sql, const subset *sub0,
			 size_t ncases)
{
	subset one = *sub0;
	const subset *sub = &one;
	if (ncases < one.ncases)
		one.ncases = ncases;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	double *t = malloc(sub->ncases * sizeof *t);
	size_t bad = 0, cap = 1 << 16;
	row *rows = malloc(cap * sizeof *rows);
	for (size_t i = 0; i < sub->ncases; i++) {
		size_t n = 0;
		double t0 = now();
		sqlite3_reset(st);
		bind_named(st, "$1", sub->cases[i]);
		bind_named(st, "$2", 0);
		bind_named(st, "$3", DAYS * 86400);
		bind_named(st, "$4", 900);
		bind_named(st, "$5", sub->maxdur);
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (n == cap)
				rows = realloc(rows, (cap *= 2) * sizeof *rows);
			rows[n++] = (row){ sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
					   sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
					   sqlite3_column_int64(st, 4) };
		}
		t[i] = now() - t0;
		bad += !same_answer(rows, n, sub->want[i]);
	}
	sqlite3_finalize(st);
	stats s = summarise(t, sub->ncases);
	printf("sqlite %-28s p50 %9.1f ms  p99 %9.1f ms  (%zu traces, %zu differ from the engine)\n",
	       label, s.p50 * 1e3, s.p99 * 1e3, sub->ncases, bad);
	free(t);
	free(rows);
	return bad ? -1 : s.p50;
}

static void bench_sqlite(const char *path, const subset *sub, size_t ncases, size_t rtree_cases,
			 double engine_p50)
{
	remove(path);
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "sqlite: cannot open %s\n", path);
		return;
	}
	sqlite_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000;"
			"CREATE TABLE presence (person INTEGER, place INTEGER, s INTEGER, e INTEGER);"
			"CREATE VIRTUAL TABLE presence_rt USING rtree_i32(id, s, e, p0, p1);");
	double t0 = now();
	sqlite_exec(db, "BEGIN");
	sqlite3_stmt *ins, *rt;
	sqlite3_prepare_v2(db, "INSERT INTO presence VALUES (?, ?, ?, ?)", -1, &ins, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO presence_rt VALUES (?, ?, ?, ?, ?)", -1, &rt, NULL);
	for (size_t i = 0; i < sub->n; i++) {
		const trace_presence *p = &sub->v[i];
		sqlite3_bind_int64(ins, 1, p->person);
		sqlite3_bind_int64(ins, 2, p->place);
		sqlite3_bind_int64(ins, 3, p->start - T0);
		sqlite3_bind_int64(ins, 4, p->end - T0);
		sqlite3_step(ins);
		sqlite3_reset(ins);
		sqlite3_bind_int64(rt, 1, (int64_t)i + 1);
		sqlite3_bind_int64(rt, 2, p->start - T0);
		sqlite3_bind_int64(rt, 3, p->end - T0);
		sqlite3_bind_int64(rt, 4, p->place);
		sqlite3_bind_int64(rt, 5, p->place);
		sqlite3_step(rt);
		sqlite3_reset(rt);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(rt);
	sqlite_exec(db, "COMMIT");
	double t1 = now();
	sqlite_exec(db, "CREATE INDEX presence_person ON presence (person, s, e, place);"
			"CREATE INDEX presence_place ON presence (place, s, e, person);"
			"CREATE TABLE pmax AS SELECT place, MAX(e - s) AS d FROM presence GROUP BY place;"
			"CREATE UNIQUE INDEX pmax_place ON pmax (place); ANALYZE;");
	double t2 = now();
	printf("sqlite load %zu rows (table + R*Tree) %.1f s, btree indexes %.1f s\n", sub->n, t1 - t0, t2 - t1);

	char *sql = trace_sql("MAX", "MIN", JOIN_BTREE_P, JOIN_BTREE_Q);
	double b = sqlite_run(db, "btree (place,s) + bound", sql, sub, ncases);
	free(sql);
	sql = trace_sql("MAX", "MIN",
			"presence_rt r ON r.p0 <= c.place AND r.p1 >= c.place AND r.s < c.e AND r.e > c.s"
			" JOIN presence p ON p.rowid = r.id",
			"presence_rt r ON r.p0 <= c2.place AND r.p1 >= c2.place AND r.s < c2.e AND r.e > c2.s"
			" JOIN presence q ON q.rowid = r.id");
	double r = rtree_cases ? sqlite_run(db, "R*Tree (s..e, place)", sql, sub, rtree_cases) : -1;
	free(sql);
	if (b > 0)
		printf("ratio sqlite btree / engine (same subset, p50): %.0fx\n", b / engine_p50);
	if (r > 0)
		printf("ratio sqlite rtree / engine (same subset, p50): %.0fx\n", r / engine_p50);
	sqlite3_close(db);
	remove(path);
}

/* --------------------------------------------------------- PostgreSQL -- */

#ifdef JINYUN_HAVE_PQ
static int pg_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "postgres: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	return ok ? 0 : -1;
}

static double pg_run(PGconn *c, const char *label, const char *sql, const subset *sub)
{
	static const Oid types[5] = { 23, 23, 23, 23, 23 }; /* int4 */
	PGresult *r = PQprepare(c, "trace", sql, 5, types);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "postgres: %s", PQerrorMessage(c));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	double *t = malloc(sub->ncases * sizeof *t);
	size_t bad = 0;
	for (size_t i = 0; i < sub->ncases; i++) {
		char a[5][24];
		snprintf(a[0], 24, "%u", sub->cases[i]);
		snprintf(a[1], 24, "%d", 0);
		snprintf(a[2], 24, "%d", DAYS * 86400);
		snprintf(a[3], 24, "%d", 900);
		snprintf(a[4], 24, "%" PRId64, sub->maxdur);
		const char *v[5] = { a[0], a[1], a[2], a[3], a[4] };
		double t0 = now();
		r = PQexecPrepared(c, "trace", 5, v, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			fprintf(stderr, "postgres: %s", PQerrorMessage(c));
			PQclear(r);
			free(t);
			return -1;
		}
		size_t n = (size_t)PQntuples(r);
		row *rows = malloc((n + 1) * sizeof *rows);
		for (size_t k = 0; k < n; k++)
			rows[k] = (row){ atoll(PQgetvalue(r, (int)k, 0)), atoll(PQgetvalue(r, (int)k, 1)),
					 atoll(PQgetvalue(r, (int)k, 2)), atoll(PQgetvalue(r, (int)k, 3)),
					 atoll(PQgetvalue(r, (int)k, 4)) };
		t[i] = now() - t0;
		bad += !same_answer(rows, n, sub->want[i]);
		free(rows);
		PQclear(r);
	}
	pg_exec(c, "DEALLOCATE trace");
	stats s = summarise(t, sub->ncases);
	printf("postgres %-26s p50 %9.1f ms  p99 %9.1f ms  (%zu traces, %zu differ from the engine)\n",
	       label, s.p50 * 1e3, s.p99 * 1e3, sub->ncases, bad);
	free(t);
	return bad ? -1 : s.p50;
}

static void bench_pg(const char *conninfo, const subset *sub, double engine_p50)
{
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "postgres: %s", PQerrorMessage(c));
		PQfinish(c);
		return;
	}
	pg_exec(c, "SET client_min_messages = warning");
	pg_exec(c, "DROP TABLE IF EXISTS presence");
	pg_exec(c, "CREATE TABLE presence (person int NOT NULL, place int NOT NULL, s int NOT NULL, e int NOT NULL)");
	double t0 = now();
	PGresult *r = PQexec(c, "COPY presence FROM STDIN");
	PQclear(r);
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	for (size_t i = 0; i < sub->n; i++) {
		const trace_presence *p = &sub->v[i];
		len += (size_t)snprintf(buf + len, cap - len, "%u\t%u\t%" PRId64 "\t%" PRId64 "\n", p->person,
					p->place, p->start - T0, p->end - T0);
		if (cap - len < 128 || i + 1 == sub->n) {
			PQputCopyData(c, buf, (int)len);
			len = 0;
		}
	}
	free(buf);
	PQputCopyEnd(c, NULL);
	r = PQgetResult(c);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fprintf(stderr, "postgres: COPY: %s", PQerrorMessage(c));
	PQclear(r);
	double t1 = now();
	pg_exec(c, "CREATE INDEX presence_person ON presence (person, s) INCLUDE (e, place)");
	pg_exec(c, "CREATE INDEX presence_place ON presence (place, s) INCLUDE (e, person)");
	pg_exec(c, "DROP TABLE IF EXISTS pmax");
	pg_exec(c, "CREATE TABLE pmax AS SELECT place, max(e - s) AS d FROM presence GROUP BY place");
	pg_exec(c, "ALTER TABLE pmax ADD PRIMARY KEY (place)");
	pg_exec(c, "VACUUM ANALYZE presence");
	pg_exec(c, "VACUUM ANALYZE pmax");
	double t2 = now();
	printf("postgres COPY %zu rows %.1f s, btree indexes + VACUUM ANALYZE %.1f s\n", sub->n, t1 - t0, t2 - t1);
	/* Best effort for the SQL: memory for the hash aggregates, no JIT
	 * compilation (it costs more than it saves here), and the generic plan
	 * of the prepared statement from the first run: the plans made for a
	 * case's values (the first five runs by default) misjudge the hop
	 * sizes and took 70-80 s where the generic one takes 5-10 s. */
	pg_exec(c, "SET work_mem = '256MB'");
	pg_exec(c, "SET jit = off");
	pg_exec(c, "SET plan_cache_mode = force_generic_plan");

	char *sql = trace_sql("GREATEST", "LEAST", JOIN_BTREE_P, JOIN_BTREE_Q);
	double b = pg_run(c, "btree (place,s) + bound", sql, sub);
	free(sql);

	pg_exec(c, "CREATE EXTENSION IF NOT EXISTS btree_gist");
	double t3 = now();
	pg_exec(c, "CREATE INDEX presence_gist ON presence USING gist (place, int4range(s, e))");
	pg_exec(c, "DROP INDEX presence_place");
	pg_exec(c, "ANALYZE presence");
	printf("postgres GiST index %.1f s\n", now() - t3);
	/* Left alone, the planner memoizes a GiST scan on place only and
	 * filters the ranges afterwards (100 s a trace): make it probe. */
	pg_exec(c, "SET enable_memoize = off");
	sql = trace_sql("GREATEST", "LEAST",
			"presence p ON p.place = c.place AND int4range(p.s, p.e) && int4range(c.s, c.e)",
			"presence q ON q.place = c2.place AND int4range(q.s, q.e) && int4range(c2.s, c2.e)");
	double g = pg_run(c, "GiST (place, int4range)", sql, sub);
	free(sql);
	if (b > 0)
		printf("ratio postgres btree / engine (same subset, p50): %.0fx\n", b / engine_p50);
	if (g > 0)
		printf("ratio postgres gist / engine (same subset, p50): %.0fx\n", g / engine_p50);
	pg_exec(c, "DROP TABLE presence");
	pg_exec(c, "DROP TABLE pmax");
	PQfinish(c);
}
#endif

/* ---------------------------------------------------------------- main -- */

/* Time n traces; returns wall-time stats in ms (CPU time in *cpu), and the
 * mean hop sizes. */
static stats time_traces(const trace_index *ix, trace_work *w, const uint32_t *cases, size_t n,
			 int places, double *hop1, double *hop2, trace_result **keep, stats *cpu)
{
	double *t = malloc(n * sizeof *t), *c = malloc(n * sizeof *c);
	*hop1 = *hop2 = 0;
	for (size_t i = 0; i < n; i++) {
		trace_query q = { &cases[i], 1, T0, T0 + DAYS * 86400, 900, 2, places };
		trace_result *r;
		jy_err err;
		double t0 = now(), c0 = cpu_now();
		if (trace_run(ix, &q, w, &r, &err) < 0) {
			fprintf(stderr, "bench_trace: %s\n", err.msg);
			exit(1);
		}
		t[i] = (now() - t0) * 1e3;
		c[i] = (cpu_now() - c0) * 1e3;
		for (size_t h = 0; h < r->nhits; h++) {
			*hop1 += r->hits[h].hop == 1 ? 1.0 / (double)n : 0;
			*hop2 += r->hits[h].hop == 2 ? 1.0 / (double)n : 0;
		}
		if (keep)
			keep[i] = r;
		else
			trace_result_free(r);
	}
	stats s = summarise(t, n);
	if (cpu)
		*cpu = summarise(c, n);
	free(t);
	free(c);
	return s;
}

int main(int argc, char **argv)
{
	int schools = 200, ncases = 100, subset_schools = 2, sql_cases = 10, sqlite_cases = 5,
	    rtree_cases = 0;
	const char *pg = NULL, *sqlite_path = NULL;
	static const struct option opts[] = {
		{ "schools", required_argument, NULL, 's' },
		{ "cases", required_argument, NULL, 'c' },
		{ "subset-schools", required_argument, NULL, 'k' },
		{ "sql-cases", required_argument, NULL, 'm' },
		{ "pg", required_argument, NULL, 'p' },
		{ "sqlite", required_argument, NULL, 'q' },
		{ "sqlite-cases", required_argument, NULL, 'l' },
		{ "rtree-cases", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's': schools = atoi(optarg); break;
		case 'c': ncases = atoi(optarg); break;
		case 'k': subset_schools = atoi(optarg); break;
		case 'm': sql_cases = atoi(optarg); break;
		case 'p': pg = optarg; break;
		case 'q': sqlite_path = optarg; break;
		case 'l': sqlite_cases = atoi(optarg); break;
		case 'r': rtree_cases = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: bench_trace [--schools N] [--cases N] [--subset-schools K] "
					"[--sql-cases M] [--pg CONNINFO] [--sqlite PATH] [--sqlite-cases M] "
					"[--rtree-cases M]\n");
			return 2;
		}
	}
	if (schools < 1 || ncases < 1 || subset_schools < 1 || subset_schools > schools || sql_cases < 1 ||
	    sqlite_cases < 1 || rtree_cases < 0)
		return 2;
	if (sqlite_cases > sql_cases)
		sqlite_cases = sql_cases;
	if (rtree_cases > sql_cases)
		rtree_cases = sql_cases;

	setvbuf(stdout, NULL, _IOLBF, 0);
	double t0 = now();
	gen g = { 0 };
	uint64_t rs = 20260302;
	for (int s = 0; s < schools; s++)
		gen_school(&g, (uint32_t)s, &rs);
	double t1 = now();
	printf("district: %d schools, %d students, %d days, %zu presence intervals (generated in %.1f s)\n",
	       schools, schools * STUDENTS, DAYS, g.n, t1 - t0);

	trace_index *ix;
	jy_err err;
	t0 = now();
	if (trace_index_build(g.v, g.n, NULL, 0, 20, &ix, &err) < 0) {
		fprintf(stderr, "bench_trace: %s\n", err.msg);
		return 1;
	}
	t1 = now();
	trace_index_stats st;
	trace_index_stats_get(ix, &st);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("index build: %.2f s; %zu intervals after merging; %zu bytes = %.2f bytes/interval "
	       "(input intervals); peak RSS %.1f GB\n",
	       t1 - t0, st.presence_intervals, st.bytes, (double)st.bytes / (double)g.n,
	       (double)ru.ru_maxrss / 1048576.0);

	uint32_t *cases = malloc((size_t)ncases * sizeof *cases);
	pick_cases(cases, (size_t)ncases, (uint32_t)(schools * STUDENTS), 7);
	trace_work *w = trace_work_new();
	double h1, h2;
	stats cpu;
	time_traces(ix, w, cases, (size_t)(ncases < 5 ? ncases : 5), 0, &h1, &h2, NULL, NULL); /* warm up */
	stats s = time_traces(ix, w, cases, (size_t)ncases, 0, &h1, &h2, NULL, &cpu);
	printf("2-hop trace, 14 days, min 900 s, %d random cases: wall p50 %.1f ms, p99 %.1f ms, mean %.1f ms; "
	       "CPU p50 %.1f ms, p99 %.1f ms (mean reached: hop 1 %.0f, hop 2 %.0f)\n",
	       ncases, s.p50, s.p99, s.mean, cpu.p50, cpu.p99, h1, h2);
	s = time_traces(ix, w, cases, (size_t)ncases, 1, &h1, &h2, NULL, &cpu);
	printf("the same with places: wall p50 %.1f ms, p99 %.1f ms; CPU p50 %.1f ms, p99 %.1f ms\n",
	       s.p50, s.p99, cpu.p50, cpu.p99);
	trace_index_free(ix);

	/* The subset for SQL: the first schools, whose persons come first. */
	subset sub = { 0 };
	uint32_t sub_persons = (uint32_t)(subset_schools * STUDENTS);
	trace_presence *sv = malloc(g.n * sizeof *sv);
	for (size_t i = 0; i < g.n; i++)
		if (g.v[i].person < sub_persons) {
			sv[sub.n++] = g.v[i];
			if (g.v[i].end - g.v[i].start > sub.maxdur)
				sub.maxdur = g.v[i].end - g.v[i].start;
		}
	free(g.v);
	sub.v = sv;
	sub.ncases = (size_t)sql_cases;
	sub.cases = malloc(sub.ncases * sizeof *sub.cases);
	sub.want = calloc(sub.ncases, sizeof *sub.want);
	pick_cases(sub.cases, sub.ncases, sub_persons, 11);
	trace_index *six;
	if (trace_index_build(sub.v, sub.n, NULL, 0, 20, &six, &err) < 0) {
		fprintf(stderr, "bench_trace: %s\n", err.msg);
		return 1;
	}
	time_traces(six, w, sub.cases, sub.ncases, 0, &h1, &h2, NULL, NULL); /* warm up */
	s = time_traces(six, w, sub.cases, sub.ncases, 0, &h1, &h2, sub.want, &cpu);
	printf("subset: %d schools, %zu intervals, %zu cases: engine wall p50 %.1f ms, p99 %.1f ms; "
	       "CPU p50 %.1f ms (mean reached: hop 1 %.0f, hop 2 %.0f)\n",
	       subset_schools, sub.n, sub.ncases, s.p50, s.p99, cpu.p50, h1, h2);
	double engine_p50 = s.p50 / 1e3;
	if (sqlite_path)
		bench_sqlite(sqlite_path, &sub, (size_t)sqlite_cases, (size_t)rtree_cases, engine_p50);
#ifdef JINYUN_HAVE_PQ
	if (pg)
		bench_pg(pg, &sub, engine_p50);
#else
	if (pg)
		printf("postgres: not built with libpq\n");
#endif
	for (size_t i = 0; i < sub.ncases; i++)
		trace_result_free(sub.want[i]);
	free(sub.want);
	free(sub.cases);
	free(sv);
	free(cases);
	trace_index_free(six);
	trace_work_free(w);
	return 0;
}
