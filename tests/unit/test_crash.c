/*
 * test_crash.c — crash safety: what the server acknowledged survives a
 * SIGKILL, nothing is half-stored, and an import killed midway leaves all
 * of its rows or none.
 *
 * The server test builds the demo school, registers gate devices and
 * teachers of eight classes, and then, in CRASH_ROUNDS rounds: starts
 * `jinyun serve`, lets 64 client threads post gate readings (Bearer device
 * token) and class checks (teacher sessions) as fast as they are answered,
 * each thread noting what came back 2xx; kills the server with SIGKILL at a
 * random moment; restarts it on the same database; and proves that
 *   - every acknowledged reading is in `jinyun export gate-readings` (the
 *     contract: person,temperature,time,gate,decision),
 *   - every acknowledged check submission is stored with all its entries,
 *   - no submission in the database lacks entries, no entry or health event
 *     points at a missing submission (PRAGMA foreign_key_check is empty),
 *   - PRAGMA integrity_check says ok.
 * The acknowledgements accumulate over rounds: a later crash must not lose
 * an earlier round's writes either.
 *
 * The import test writes a roster of IMPORT_ROWS students, times one whole
 * import, and then kills `jinyun import roster` at points spread over that
 * time: afterwards the school holds exactly the people it had before, or
 * those plus every row of the file.
 *
 * It tests the contract, not the implementation: per-request commits and a
 * group-commit writer must both pass.  The seed is printed (CRASH_SEED=
 * repeats a run).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "httpc.h"
#include "testutil.h"

#define CRASH_ROUNDS 5
#define GATE_THREADS 32
#define CHECK_THREADS 32
#define TEACHERS 8
#define IMPORT_ROWS 20000
#define IMPORT_BEFORE 50

typedef struct teacher {
	int64_t class_id;
	char cookie[200];
	char no[2][32];   /* two students of the class */
} teacher;

typedef struct gate_ack {
	int person;
	int tenths;   /* temperature in 0.1 °C */
	int64_t at;
} gate_ack;

typedef struct check_ack {
	int64_t id, class_id, students;
} check_ack;

typedef struct worker {
	struct crash_fx *fx;
	int index;
	size_t n, cap;    /* acknowledged writes of this thread */
	void *acks;
	long sent, failed;
} worker;

typedef struct crash_fx {
	char *dir, *db;
	test_server srv;
	char tokens[4][80];
	teacher teachers[TEACHERS];
	char (*people)[32];
	int npeople;
	atomic_int stop;
	atomic_llong clock;   /* unique reading times */
	unsigned seed;
	/* Everything acknowledged so far, over all rounds. */
	gate_ack *gate;
	size_t ngate, capgate;
	check_ack *checks;
	size_t nchecks, capchecks;
} crash_fx;

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap * 2 : 256;
	while (c < need)
		c *= 2;
	p = realloc(p, c * elem);
	assert_non_null(p);
	*cap = c;
	return p;
}

static sqlite3 *db_open(const char *path)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	return db;
}

static int64_t db_int(sqlite3 *db, const char *sql, int64_t a)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, a);
	int64_t v = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void assert_integrity(const char *path)
{
	sqlite3 *db = db_open(path);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *r = (const char *)sqlite3_column_text(st, 0);
	if (strcmp(r, "ok"))
		fail_msg("integrity_check: %s", r);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		fail_msg("foreign_key_check: a row of %s points nowhere", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* ---- the clients ---- */

static void *gate_client(void *arg)
{
	worker *w = arg;
	crash_fx *fx = w->fx;
	char head[200], body[200];
	snprintf(head, sizeof head, "Authorization: Bearer %s\r\nContent-Type: application/json\r\n",
		 fx->tokens[w->index % 4]);
	unsigned r = fx->seed ^ (unsigned)(w->index * 2654435761u);
	while (!atomic_load(&fx->stop)) {
		int person = (int)(rand_r(&r) % (unsigned)fx->npeople);
		int64_t at = atomic_fetch_add(&fx->clock, 1);
		int tenths = 360 + (int)(rand_r(&r) % 15);
		int n = snprintf(body, sizeof body, "{\"person\":\"%s\",\"temperature\":%d.%d,\"time\":%lld}",
				 fx->people[person], tenths / 10, tenths % 10, (long long)at);
		httpc_resp res;
		w->sent++;
		if (httpc_request(fx->srv.port, "POST", "/api/gate/readings", head, body, (size_t)n, &res)) {
			w->failed++;
			usleep(2000);
			continue;
		}
		if (res.status >= 200 && res.status < 300) {
			w->acks = grow(w->acks, &w->cap, w->n + 1, sizeof(gate_ack));
			((gate_ack *)w->acks)[w->n++] = (gate_ack){ person, tenths, at };
		} else if (res.status != 503) {
			fprintf(stderr, "gate reading answered %d: %s\n", res.status, res.body);
			w->failed++;
		}
		httpc_free(&res);
	}
	return NULL;
}

static void *check_client(void *arg)
{
	worker *w = arg;
	crash_fx *fx = w->fx;
	const teacher *t = &fx->teachers[w->index % TEACHERS];
	char head[200], body[600];
	snprintf(head, sizeof head, "Cookie: %s\r\nContent-Type: application/json\r\n", t->cookie);
	unsigned r = fx->seed ^ (unsigned)(w->index * 40503u + 7);
	static const char *const sessions[] = { "morning", "noon", "evening" };
	while (!atomic_load(&fx->stop)) {
		int n = snprintf(body, sizeof body,
				 "{\"class_id\":%lld,\"date\":\"2020-06-%02u\",\"session\":\"%s\",\"entries\":["
				 "{\"student_no\":\"%s\",\"temperature\":38.2,\"symptoms\":[\"cough\"]},"
				 "{\"student_no\":\"%s\",\"status\":\"absent_sick\",\"symptoms\":[\"fever\"]}]}",
				 (long long)t->class_id, 1 + rand_r(&r) % 28, sessions[rand_r(&r) % 3],
				 t->no[0], t->no[1]);
		httpc_resp res;
		w->sent++;
		if (httpc_request(fx->srv.port, "POST", "/api/checks", head, body, (size_t)n, &res)) {
			w->failed++;
			usleep(2000);
			continue;
		}
		if (res.status >= 200 && res.status < 300) {
			cJSON *j = cJSON_Parse(res.body);
			const cJSON *id = cJSON_GetObjectItem(j, "submission_id");
			const cJSON *st = cJSON_GetObjectItem(j, "students");
			if (!cJSON_IsNumber(id) || !cJSON_IsNumber(st)) {
				fprintf(stderr, "check answered 2xx without submission_id: %s\n", res.body);
				w->failed++;
			} else {
				w->acks = grow(w->acks, &w->cap, w->n + 1, sizeof(check_ack));
				((check_ack *)w->acks)[w->n++] =
					(check_ack){ (int64_t)id->valuedouble, t->class_id, (int64_t)st->valuedouble };
			}
			cJSON_Delete(j);
		} else if (res.status != 503) {
			fprintf(stderr, "check answered %d: %s\n", res.status, res.body);
			w->failed++;
		}
		httpc_free(&res);
	}
	return NULL;
}

/* ---- setup: the demo school, devices, teachers ---- */

static int crash_setup(void **state)
{
	crash_fx *fx = calloc(1, sizeof *fx);
	fx->dir = tu_tmpdir();
	size_t n = strlen(fx->dir) + 16;
	fx->db = malloc(n);
	snprintf(fx->db, n, "%s/crash.db", fx->dir);
	const char *env = getenv("CRASH_SEED");
	fx->seed = env ? (unsigned)strtoul(env, NULL, 10) : (unsigned)time(NULL) ^ (unsigned)getpid();
	fprintf(stderr, "# crash test seed %u (CRASH_SEED=%u repeats it)\n", fx->seed, fx->seed);
	atomic_init(&fx->stop, 0);
	atomic_init(&fx->clock, 1589212800LL); /* 2020-05-12 00:00 CST, one second apart */

	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s demo --db %s", tu_jinyun_bin(), fx->db);
	if (tu_run_ok(cmd, NULL, NULL))
		return -1;
	for (int i = 0; i < 4; i++) {
		char *out = NULL;
		snprintf(cmd, sizeof cmd, "%s device add --db %s --name crash%d --gate 东门 2>/dev/null",
			 tu_jinyun_bin(), fx->db, i);
		if (tu_run_ok(cmd, NULL, &out))
			return -1;
		snprintf(fx->tokens[i], sizeof fx->tokens[i], "%.64s", out);
		free(out);
	}
	/* Students for the readings; eight classes and two students of each. */
	sqlite3 *db = db_open(fx->db);
	sqlite3_stmt *st;
	fx->people = calloc(400, sizeof *fx->people);
	sqlite3_prepare_v2(db, "SELECT number FROM person WHERE kind = 'student' ORDER BY id LIMIT 400",
			   -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW)
		snprintf(fx->people[fx->npeople++], 32, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_prepare_v2(db, "SELECT c.id, c.name, MIN(p.number), MAX(p.number) FROM class c "
			       "JOIN person p ON p.class_id = c.id AND p.kind = 'student' "
			       "GROUP BY c.id ORDER BY c.id LIMIT 8", -1, &st, NULL);
	char names[TEACHERS][128];
	int k = 0;
	while (k < TEACHERS && sqlite3_step(st) == SQLITE_ROW) {
		teacher *t = &fx->teachers[k];
		t->class_id = sqlite3_column_int64(st, 0);
		snprintf(names[k], sizeof names[k], "%s", sqlite3_column_text(st, 1));
		snprintf(t->no[0], sizeof t->no[0], "%s", sqlite3_column_text(st, 2));
		snprintf(t->no[1], sizeof t->no[1], "%s", sqlite3_column_text(st, 3));
		k++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (k < TEACHERS || fx->npeople < 100)
		return -1;
	for (int i = 0; i < TEACHERS; i++) {
		snprintf(cmd, sizeof cmd, "%s user add --db %s --name crash_t%d --role teacher --scope '%s'",
			 tu_jinyun_bin(), fx->db, i, names[i]);
		if (tu_run_ok(cmd, "crashpass1\n", NULL))
			return -1;
	}
	if (test_server_start(&fx->srv, fx->db))
		return -1;
	for (int i = 0; i < TEACHERS; i++) {
		char user[32];
		snprintf(user, sizeof user, "crash_t%d", i);
		if (httpc_login(fx->srv.port, user, "crashpass1", fx->teachers[i].cookie,
				sizeof fx->teachers[i].cookie) != 200)
			return -1;
	}
	*state = fx;
	return 0;
}

static int crash_teardown(void **state)
{
	crash_fx *fx = *state;
	if (!fx)
		return 0;
	if (fx->srv.pid > 0)
		test_server_stop(&fx->srv);
	tu_rmtree_free(fx->dir);
	free(fx->db);
	free(fx->people);
	free(fx->gate);
	free(fx->checks);
	free(fx);
	return 0;
}

/* ---- verification ---- */

/* "person|36.5|2020-05-12T06:00:01+08:00": the key of a reading in the
 * export. */
static void reading_key(const char *person, int tenths, int64_t at, char *out, size_t size)
{
	time_t local = (time_t)(at + 8 * 3600);
	struct tm tm;
	gmtime_r(&local, &tm);
	char iso[40];
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
	snprintf(out, size, "%s|%d.%d|%s", person, tenths / 10, tenths % 10, iso);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every acknowledged reading is among the exported rows; every row is
 * whole.  Returns the number of rows. */
static size_t verify_readings(crash_fx *fx)
{
	char cmd[1024];
	char *out = NULL;
	snprintf(cmd, sizeof cmd, "%s export gate-readings --db %s --format csv", tu_jinyun_bin(), fx->db);
	assert_int_equal(tu_run_ok(cmd, NULL, &out), 0);
	assert_non_null(out);
	const char *header = "person,temperature,time,gate,decision\n";
	assert_memory_equal(out, header, strlen(header));
	size_t nrows = 0, cap = 0;
	char **keys = NULL;
	for (char *line = out + strlen(header); *line;) {
		char *eol = strchr(line, '\n');
		assert_non_null(eol);
		*eol = 0;
		char *f[5];
		int nf = 0;
		for (char *p = line; nf < 5; nf++) {
			f[nf] = p;
			char *c = strchr(p, ',');
			if (!c) {
				nf++;
				break;
			}
			*c = 0;
			p = c + 1;
		}
		if (nf != 5 || (strcmp(f[4], "admit") && strcmp(f[4], "recheck") && strcmp(f[4], "refuse")))
			fail_msg("export row %zu is not whole: %s", nrows + 1, line);
		keys = grow(keys, &cap, nrows + 1, sizeof *keys);
		size_t kn = strlen(f[0]) + strlen(f[1]) + strlen(f[2]) + 3;
		keys[nrows] = malloc(kn);
		snprintf(keys[nrows], kn, "%s|%s|%s", f[0], f[1], f[2]);
		nrows++;
		line = eol + 1;
	}
	qsort(keys, nrows, sizeof *keys, cmp_str);
	size_t lost = 0;
	for (size_t i = 0; i < fx->ngate; i++) {
		char key[80], *kp = key;
		reading_key(fx->people[fx->gate[i].person], fx->gate[i].tenths, fx->gate[i].at, key, sizeof key);
		if (!bsearch(&kp, keys, nrows, sizeof *keys, cmp_str)) {
			if (lost++ < 5)
				fprintf(stderr, "acknowledged reading lost: %s\n", key);
		}
	}
	for (size_t i = 0; i < nrows; i++)
		free(keys[i]);
	free(keys);
	free(out);
	if (lost)
		fail_msg("%zu of %zu acknowledged gate readings are not stored", lost, fx->ngate);
	return nrows;
}

/* Every acknowledged submission is stored whole; no stored one is partial. */
static void verify_checks(crash_fx *fx)
{
	sqlite3 *db = db_open(fx->db);
	size_t lost = 0;
	for (size_t i = 0; i < fx->nchecks; i++) {
		const check_ack *a = &fx->checks[i];
		int64_t cls = db_int(db, "SELECT class_id FROM check_submission WHERE id = ?", a->id);
		int64_t entries = db_int(db, "SELECT COUNT(*) FROM check_entry WHERE submission_id = ?", a->id);
		if (cls != a->class_id || entries != a->students) {
			if (lost++ < 5)
				fprintf(stderr, "acknowledged check #%lld: class %lld (want %lld), %lld entries (want %lld)\n",
					(long long)a->id, (long long)cls, (long long)a->class_id,
					(long long)entries, (long long)a->students);
		}
	}
	if (lost)
		fail_msg("%zu of %zu acknowledged checks are lost or partial", lost, fx->nchecks);
	/* Whatever is stored is whole, acknowledged or not. */
	int64_t partial = db_int(db,
		"SELECT COUNT(*) FROM check_submission s WHERE (SELECT COUNT(*) FROM check_entry e "
		"WHERE e.submission_id = s.id) <> (SELECT COUNT(*) FROM person p "
		"WHERE p.class_id = s.class_id AND p.kind = 'student')",
		0);
	assert_int_equal(partial, 0);
	int64_t orphans = db_int(db,
		"SELECT COUNT(*) FROM health_event h WHERE h.submission_id IS NOT NULL AND NOT EXISTS "
		"(SELECT 1 FROM check_submission s WHERE s.id = h.submission_id)", 0);
	assert_int_equal(orphans, 0);
	/* The current version of a check with a feverish, coughing student has
	 * its health events (a correction moves them to the new version). */
	int64_t no_events = db_int(db,
		"SELECT COUNT(*) FROM check_current s WHERE NOT EXISTS "
		"(SELECT 1 FROM health_event h WHERE h.submission_id = s.id)", 0);
	assert_int_equal(no_events, 0);
	sqlite3_close(db);
}

static void collect(crash_fx *fx, worker *w, int gate)
{
	/* A worker killed before its first answer has nothing (and acks == NULL). */
	if (w->n == 0) {
		free(w->acks);
		return;
	}
	if (gate) {
		fx->gate = grow(fx->gate, &fx->capgate, fx->ngate + w->n, sizeof *fx->gate);
		memcpy(fx->gate + fx->ngate, w->acks, w->n * sizeof *fx->gate);
		fx->ngate += w->n;
	} else {
		fx->checks = grow(fx->checks, &fx->capchecks, fx->nchecks + w->n, sizeof *fx->checks);
		memcpy(fx->checks + fx->nchecks, w->acks, w->n * sizeof *fx->checks);
		fx->nchecks += w->n;
	}
	free(w->acks);
}

static void test_serve_killed_keeps_every_acknowledged_write(void **state)
{
	crash_fx *fx = *state;
	unsigned r = fx->seed;
	for (int round = 0; round < CRASH_ROUNDS; round++) {
		worker w[GATE_THREADS + CHECK_THREADS];
		pthread_t th[GATE_THREADS + CHECK_THREADS];
		memset(w, 0, sizeof w);
		atomic_store(&fx->stop, 0);
		for (int i = 0; i < GATE_THREADS + CHECK_THREADS; i++) {
			w[i].fx = fx;
			w[i].index = i;
			pthread_create(&th[i], NULL, i < GATE_THREADS ? gate_client : check_client, &w[i]);
		}
		/* The kill lands anywhere from 0.3 s to 2.3 s into the load. */
		long kill_ms = 300 + (long)(rand_r(&r) % 2000);
		usleep((useconds_t)kill_ms * 1000);
		kill(fx->srv.pid, SIGKILL);
		waitpid(fx->srv.pid, NULL, 0);
		fx->srv.pid = 0;
		usleep(50 * 1000);
		atomic_store(&fx->stop, 1);
		long sent = 0, gate_acks = 0, check_acks = 0;
		for (int i = 0; i < GATE_THREADS + CHECK_THREADS; i++) {
			pthread_join(th[i], NULL);
			sent += w[i].sent;
			if (i < GATE_THREADS)
				gate_acks += (long)w[i].n;
			else
				check_acks += (long)w[i].n;
			collect(fx, &w[i], i < GATE_THREADS);
		}
		/* Restart on the same database: it must open and answer. */
		assert_int_equal(test_server_start(&fx->srv, fx->db), 0);
		httpc_resp h;
		assert_int_equal(httpc_request(fx->srv.port, "GET", "/healthz", NULL, NULL, 0, &h), 0);
		assert_int_equal(h.status, 200);
		httpc_free(&h);
		assert_integrity(fx->db);
		size_t rows = verify_readings(fx);
		verify_checks(fx);
		fprintf(stderr, "# round %d: killed after %ld ms; %ld requests tried; acknowledged %ld readings, "
			"%ld checks (total %zu, %zu); %zu readings stored; 0 lost\n",
			round + 1, kill_ms, sent, gate_acks, check_acks, fx->ngate, fx->nchecks, rows);
	}
	/* The load must have reached the server in earnest. */
	assert_true(fx->ngate > 0);
	assert_true(fx->nchecks > 0);
}

/* ---- an import killed midway ---- */

static char *write_roster(const char *dir, const char *name, int from, int rows)
{
	size_t cap = (size_t)rows * 96 + 128, n = 0;
	char *buf = malloc(cap);
	n += (size_t)snprintf(buf, cap, "学号,姓名,性别,年级,班级,宿舍,监护人电话\n");
	static const char *const given[] = { "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇" };
	for (int i = from; i < from + rows; i++)
		n += (size_t)snprintf(buf + n, cap - n, "K%07d,王%s%d,%s,2020级,2020级%d班,,139%08d\n", i,
				      given[i % 8], i, i % 2 ? "男" : "女", 1 + i / 45 % 60, i);
	char *p = tu_write_file(dir, name, buf, n);
	free(buf);
	return p;
}

static int64_t people_in(const char *db)
{
	sqlite3 *h = db_open(db);
	int64_t n = db_int(h, "SELECT COUNT(*) FROM person", 0);
	sqlite3_close(h);
	return n;
}

static void fresh_db(const char *dir, const char *db, const char *small)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "rm -f %s %s-wal %s-shm && %s import roster --db %s %s", db, db, db,
		 tu_jinyun_bin(), db, small);
	assert_int_equal(tu_run_ok(cmd, NULL, NULL), 0);
	(void)dir;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start `jinyun import roster`; kill it after ms (< 0: let it finish).
 * Returns 1 when it was killed before it ended. */
static int import_killed_after(const char *db, const char *file, long ms)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execl(tu_jinyun_bin(), "jinyun", "import", "roster", "--db", db, file, (char *)NULL);
		_exit(127);
	}
	int st = 0;
	if (ms >= 0) {
		usleep((useconds_t)ms * 1000);
		kill(pid, SIGKILL);
	}
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		return 1;
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return 0;
}

static void test_import_killed_midway_is_all_or_nothing(void **state)
{
	crash_fx *fx = *state;
	char *small = write_roster(fx->dir, "small.csv", 1000000, IMPORT_BEFORE);
	char *big = write_roster(fx->dir, "big.csv", 0, IMPORT_ROWS);
	size_t n = strlen(fx->dir) + 16;
	char *db = malloc(n);
	snprintf(db, n, "%s/import.db", fx->dir);

	fresh_db(fx->dir, db, small);
	assert_int_equal(people_in(db), IMPORT_BEFORE);
	double t0 = now_s();
	assert_int_equal(import_killed_after(db, big, -1), 0);
	double whole = now_s() - t0;
	assert_int_equal(people_in(db), IMPORT_BEFORE + IMPORT_ROWS);

	unsigned r = fx->seed + 17;
	int killed = 0;
	for (int i = 0; i < CRASH_ROUNDS; i++) {
		fresh_db(fx->dir, db, small);
		/* Spread over the run: the i-th kill falls in the i-th fifth of it. */
		double frac = ((double)i + (double)(rand_r(&r) % 1000) / 1000.0) / CRASH_ROUNDS;
		long ms = (long)(whole * 1000.0 * frac);
		int k = import_killed_after(db, big, ms);
		killed += k;
		int64_t people = people_in(db);
		if (people != IMPORT_BEFORE && people != IMPORT_BEFORE + IMPORT_ROWS)
			fail_msg("import killed after %ld ms left %lld people (want %d or %d)", ms,
				 (long long)people, IMPORT_BEFORE, IMPORT_BEFORE + IMPORT_ROWS);
		assert_integrity(db);
		fprintf(stderr, "# import kill %d at %ld ms of %.0f (%s): %lld people\n", i + 1, ms, whole * 1000, k ? "killed" : "had finished",
			(long long)people);
	}
	assert_true(killed > 0);
	free(small);
	free(big);
	free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serve_killed_keeps_every_acknowledged_write),
		cmocka_unit_test(test_import_killed_midway_is_all_or_nothing),
	};
	return cmocka_run_group_tests(tests, crash_setup, crash_teardown);
}
