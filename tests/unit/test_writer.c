/*
 * test_writer.c — group commit (src/store/writer.c) and the gate readings
 * that go through it: every queued job is told exactly once; a batch that
 * fails is rolled back whole and every job of it is told the error; two
 * readings of one person in one batch see each other (recheck, then the
 * fever confirmed); and over HTTP against a real `jinyun serve`, the
 * recheck-then-refuse sequence and 16 terminals posting at once, every
 * answered reading stored.
 *
 * The writer's batches are made deterministic with a job that holds the
 * writer until the test has queued what it wants in the next batch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "domain/gate.h"
#include "httpc.h"
#include "store/returns.h"
#include "store/store.h"
#include "store/writer.h"
#include "testutil.h"

typedef struct fixture {
	char *dir;
	char db[512];
	char token[80];
} fixture;

static fixture fx;

static const char roster_csv[] =
	"学号,姓名,性别,年级,班级,宿舍,监护人电话\n"
	"S01,张一,男,2019级,一班,A101,13800000001\n"
	"S02,张二,男,2019级,一班,A101,13800000002\n"
	"S03,张三,男,2019级,一班,A102,13800000003\n"
	"S04,张四,男,2019级,一班,A102,13800000004\n";
static const char batches_csv[] = "batch,class,return_date\n第一批,一班,2020-05-12\n";
static const char decl_csv[] =
	"person_no,kind,date_from,date_to,region,temperature,symptoms,note\n"
	"S01,health,2020-05-11,,,36.5,,\nS02,health,2020-05-11,,,36.5,,\n"
	"S03,health,2020-05-11,,,36.5,,\nS04,health,2020-05-11,,,36.5,,\n";

static int run_ok(const char *cmd, char **out)
{
	char *o = NULL, *e = NULL;
	int rc = tu_run(cmd, NULL, &o, &e);
	if (rc)
		fprintf(stderr, "command failed (%d): %s\n%s%s", rc, cmd, o ? o : "", e ? e : "");
	if (out)
		*out = o;
	else
		free(o);
	free(e);
	return rc;
}

static int import(const char *kind, const char *name, const char *body)
{
	char *p = tu_write_file(fx.dir, name, body, (size_t)-1);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s import %s --db %s %s", tu_jinyun_bin(), kind, fx.db, p);
	free(p);
	return run_ok(cmd, NULL);
}

static int setup(void **state)
{
	(void)state;
	fx.dir = tu_tmpdir();
	tu_db(fx.db, sizeof fx.db, fx.dir, "w.db");
	if (import("roster", "r.csv", roster_csv) || import("batches", "b.csv", batches_csv) ||
	    import("declarations", "d.csv", decl_csv))
		return -1;
	char cmd[2048], *out = NULL;
	snprintf(cmd, sizeof cmd, "%s screen --db %s --date 2020-05-12", tu_jinyun_bin(), fx.db);
	if (run_ok(cmd, NULL))
		return -1;
	snprintf(cmd, sizeof cmd, "%s device add --db %s --name 东门1号 --gate 东门", tu_jinyun_bin(), fx.db);
	if (run_ok(cmd, &out) || !out || strlen(out) != 65) {
		free(out);
		return -1;
	}
	snprintf(fx.token, sizeof fx.token, "%.64s", out);
	free(out);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree_free(fx.dir);
	return 0;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

/* ---- jobs for the writer ---- */

typedef struct test_job {
	store_job job;         /* first */
	int n;                 /* audit entity_id */
	int fail;              /* run fails after its write */
	int told, rc;
	pthread_mutex_t *mu;
} test_job;

static int audit_job_run(store *s, store_job *job, jy_err *err)
{
	test_job *t = (test_job *)(void *)job;
	audit_rec a;
	memset(&a, 0, sizeof a);
	a.at = 1;
	snprintf(a.username, sizeof a.username, "writer-test");
	snprintf(a.action, sizeof a.action, "create");
	snprintf(a.entity, sizeof a.entity, "writer_test");
	snprintf(a.entity_id, sizeof a.entity_id, "%d", t->n);
	int rc = store_audit_add(s, &a, err);
	if (!rc && t->fail)
		rc = err_set(err, JY_EDB, "injected failure");
	return rc;
}

static void job_done(store_job *job, int rc, const jy_err *err)
{
	test_job *t = (test_job *)(void *)job;
	pthread_mutex_lock(t->mu);
	t->told++;
	t->rc = rc;
	if (rc)
		assert_non_null(err);
	pthread_mutex_unlock(t->mu);
}

/* A job that holds the writer until released, so that what is queued
 * meanwhile becomes the next batch. */
typedef struct hold_job {
	store_job job;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running, released, told;
} hold_job;

static int hold_run(store *s, store_job *job, jy_err *err)
{
	(void)s;
	(void)err;
	hold_job *h = (hold_job *)(void *)job;
	pthread_mutex_lock(&h->mu);
	h->running = 1;
	pthread_cond_broadcast(&h->cv);
	while (!h->released)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
	return 0;
}

static void hold_done(store_job *job, int rc, const jy_err *err)
{
	(void)rc;
	(void)err;
	hold_job *h = (hold_job *)(void *)job;
	pthread_mutex_lock(&h->mu);
	h->told++;
	pthread_mutex_unlock(&h->mu);
}

static void hold_start(store_writer *w, hold_job *h)
{
	memset(h, 0, sizeof *h);
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	h->job.run = hold_run;
	h->job.done = hold_done;
	assert_int_equal(store_writer_submit(w, &h->job), 0);
	pthread_mutex_lock(&h->mu);
	while (!h->running)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

static void hold_release(hold_job *h)
{
	pthread_mutex_lock(&h->mu);
	h->released = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

static void hold_free(hold_job *h)
{
	assert_int_equal(h->told, 1);
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
}

static int count_cb(void *ctx, const audit_rec *a)
{
	int *n = ctx;
	if (!strcmp(a->entity, "writer_test"))
		(*n)++;
	return 0;
}

static int count_test_audit(void)
{
	store *s = NULL;
	assert_int_equal(store_open(fx.db, &s, NULL), 0);
	audit_filter f = { 0, 0, 1000000 };
	int n = 0;
	assert_int_equal(store_audit_list(s, &f, count_cb, &n, NULL), 0);
	store_close(s);
	return n;
}

/* ---- the writer ---- */

#define SUBMITTERS 4
#define PER_SUBMITTER 250

typedef struct submitter {
	store_writer *w;
	test_job *jobs;
	int n, failed;
} submitter;

static void *submit_all(void *arg)
{
	submitter *sb = arg;
	for (int i = 0; i < sb->n; i++)
		if (store_writer_submit(sb->w, &sb->jobs[i].job))
			sb->failed++;
	return NULL;
}

static void test_writer_tells_every_job_exactly_once(void **state)
{
	(void)state;
	int before = count_test_audit();
	store_writer *w = NULL;
	jy_err err;
	assert_int_equal(store_writer_start(fx.db, 64, -1, &w, &err), 0);
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	test_job *jobs = calloc(SUBMITTERS * PER_SUBMITTER, sizeof *jobs);
	submitter sb[SUBMITTERS];
	pthread_t th[SUBMITTERS];
	for (int i = 0; i < SUBMITTERS * PER_SUBMITTER; i++) {
		jobs[i].job.run = audit_job_run;
		jobs[i].job.done = job_done;
		jobs[i].n = 100000 + i;
		jobs[i].mu = &mu;
	}
	for (int t = 0; t < SUBMITTERS; t++) {
		sb[t] = (submitter){ w, jobs + t * PER_SUBMITTER, PER_SUBMITTER, 0 };
		assert_int_equal(pthread_create(&th[t], NULL, submit_all, &sb[t]), 0);
	}
	for (int t = 0; t < SUBMITTERS; t++) {
		pthread_join(th[t], NULL);
		assert_int_equal(sb[t].failed, 0);
	}
	store_writer_stop(w); /* drains the queue */
	store_writer_stats st;
	store_writer_stats_get(w, &st);
	assert_int_equal(store_writer_submit(w, &jobs[0].job), JY_EIO);
	store_writer_free(w);
	for (int i = 0; i < SUBMITTERS * PER_SUBMITTER; i++) {
		assert_int_equal(jobs[i].told, 1);
		assert_int_equal(jobs[i].rc, 0);
	}
	assert_int_equal(st.jobs, SUBMITTERS * PER_SUBMITTER);
	assert_true(st.largest_batch <= 64);
	assert_int_equal(st.failed_batches, 0);
	/* SQLite: the log is synced by the syncer, once for one or more
	 * batches; PostgreSQL commits durably by itself. */
	if (tu_pg())
		assert_int_equal(st.syncs, 0);
	else
		assert_true(st.syncs >= 1 && st.syncs <= st.batches);
	assert_int_equal(count_test_audit() - before, SUBMITTERS * PER_SUBMITTER);
	free(jobs);
}

static void test_writer_failed_batch_tells_all_and_stores_none(void **state)
{
	(void)state;
	int before = count_test_audit();
	store_writer *w = NULL;
	assert_int_equal(store_writer_start(fx.db, 0, -1, &w, NULL), 0);
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	hold_job h;
	hold_start(w, &h);
	test_job jobs[10];
	memset(jobs, 0, sizeof jobs);
	for (int i = 0; i < 10; i++) {
		jobs[i].job.run = audit_job_run;
		jobs[i].job.done = job_done;
		jobs[i].n = 200000 + i;
		jobs[i].fail = i == 4;
		jobs[i].mu = &mu;
		assert_int_equal(store_writer_submit(w, &jobs[i].job), 0);
	}
	hold_release(&h);
	/* Once the failed batch is told, a batch after it is unaffected. */
	for (int told = 0; !told;) {
		pthread_mutex_lock(&mu);
		told = jobs[9].told;
		pthread_mutex_unlock(&mu);
		if (!told)
			sleep_ms(1);
	}
	test_job after = { .job = { audit_job_run, job_done, NULL }, .n = 300000, .mu = &mu };
	assert_int_equal(store_writer_submit(w, &after.job), 0);
	store_writer_stop(w);
	store_writer_stats st;
	store_writer_stats_get(w, &st);
	store_writer_free(w);
	hold_free(&h);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(jobs[i].told, 1);
		assert_int_equal(jobs[i].rc, JY_EDB);
	}
	assert_int_equal(after.told, 1);
	assert_int_equal(after.rc, 0);
	assert_int_equal(st.failed_batches, 1);
	assert_int_equal(st.largest_batch, 10);
	assert_int_equal(count_test_audit(), before + 1);
}

/* ---- gate readings in one batch ---- */

typedef struct gate_job {
	store_job job;
	gate_request req;
	int told, rc;
} gate_job;

static int gate_job_run(store *s, store_job *job, jy_err *err)
{
	return gate_request_run(s, &((gate_job *)(void *)job)->req, err);
}

static void gate_job_done(store_job *job, int rc, const jy_err *err)
{
	(void)err;
	gate_job *g = (gate_job *)(void *)job;
	g->told++;
	g->rc = rc;
}

static void gate_job_init(gate_job *g, const char *token, const char *person, double t, const char *when)
{
	memset(g, 0, sizeof *g);
	g->job.run = gate_job_run;
	g->job.done = gate_job_done;
	snprintf(g->req.token, sizeof g->req.token, "%s", token);
	snprintf(g->req.person, sizeof g->req.person, "%s", person);
	g->req.temperature = t;
	assert_int_equal(gate_parse_time(when, &g->req.at), 0);
	snprintf(g->req.ip, sizeof g->req.ip, "127.0.0.1");
}

static void test_writer_batch_sees_the_earlier_reading(void **state)
{
	(void)state;
	store_writer *w = NULL;
	assert_int_equal(store_writer_start(fx.db, 0, -1, &w, NULL), 0);
	hold_job h;
	hold_start(w, &h);
	gate_job g[4];
	gate_job_init(&g[0], fx.token, "S04", 37.5, "2020-05-12T07:40:00+08:00");
	gate_job_init(&g[1], "00000000000000000000000000000000000000000000000000000000deadbeef", "S04", 36.5,
		      "2020-05-12T07:41:00+08:00");
	gate_job_init(&g[2], fx.token, "S04", 61.0, "2020-05-12T07:42:00+08:00");
	gate_job_init(&g[3], fx.token, "S04", 37.4, "2020-05-12T07:47:10+08:00");
	for (int i = 0; i < 4; i++)
		assert_int_equal(store_writer_submit(w, &g[i].job), 0);
	hold_release(&h);
	store_writer_stats st;
	store_writer_stop(w);
	store_writer_stats_get(w, &st);
	store_writer_free(w);
	hold_free(&h);
	assert_int_equal(st.largest_batch, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(g[i].told, 1);
		assert_int_equal(g[i].rc, 0);
	}
	assert_int_equal(g[0].req.rc, 0);
	assert_string_equal(g[0].req.answer.decision, "recheck");
	/* A bad token or an impossible reading refuses only itself. */
	assert_int_equal(g[1].req.rc, JY_EAUTH);
	assert_int_equal(g[2].req.rc, JY_EINVAL);
	assert_string_equal(g[2].req.err.column, "temperature");
	assert_int_equal(g[3].req.rc, 0);
	assert_string_equal(g[3].req.answer.decision, "refuse");
	assert_true(g[3].req.answer.observation_id > 0);
	assert_true(g[3].req.answer.alert_id > 0);
}

/* ---- over HTTP ---- */

static int post_reading(int port, const char *person, double t, const char *when, char *decision, size_t size)
{
	char hdr[160], body[256];
	snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", fx.token);
	snprintf(body, sizeof body, "{\"person\":\"%s\",\"temperature\":%.1f,\"time\":\"%s\"}", person, t, when);
	httpc_resp r;
	if (httpc_request(port, "POST", "/api/gate/readings", hdr, body, strlen(body), &r))
		return -1;
	int status = r.status;
	if (decision) {
		decision[0] = 0;
		cJSON *j = cJSON_Parse(r.body);
		const cJSON *d = cJSON_GetObjectItem(j, "decision");
		if (cJSON_IsString(d))
			snprintf(decision, size, "%s", d->valuestring);
		cJSON_Delete(j);
	}
	httpc_free(&r);
	return status;
}

/* Stop the server and check it exited cleanly: under the sanitizer build a
 * leak (say, of a deferred answer) makes the exit status non-zero. */
static void stop_clean(test_server *srv)
{
	kill(srv->pid, SIGTERM);
	int st = 0;
	assert_int_equal(waitpid(srv->pid, &st, 0), srv->pid);
	srv->pid = 0;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void expect_decision(int port, const char *person, double t, const char *when, const char *want)
{
	char d[16];
	assert_int_equal(post_reading(port, person, t, when, d, sizeof d), 200);
	assert_string_equal(d, want);
}

static void test_gate_http_recheck_then_refuse(void **state)
{
	(void)state;
	test_server srv;
	assert_int_equal(test_server_start(&srv, fx.db), 0);
	expect_decision(srv.port, "S01", 36.6, "2020-05-12T07:30:00+08:00", "admit");
	expect_decision(srv.port, "S02", 37.6, "2020-05-12T07:31:00+08:00", "recheck");
	/* Within the 5 minutes' rest: measure again later. */
	expect_decision(srv.port, "S02", 37.5, "2020-05-12T07:33:00+08:00", "recheck");
	/* After the rest, still >= 37.3: refused, to the observation room. */
	expect_decision(srv.port, "S02", 37.4, "2020-05-12T07:37:00+08:00", "refuse");
	/* In the observation room: refused whatever the temperature. */
	expect_decision(srv.port, "S02", 36.5, "2020-05-12T07:50:00+08:00", "refuse");
	/* A recheck that comes down is admitted. */
	expect_decision(srv.port, "S03", 37.3, "2020-05-12T07:31:00+08:00", "recheck");
	expect_decision(srv.port, "S03", 36.9, "2020-05-12T07:37:00+08:00", "admit");
	/* The contract's errors are still answered (401, 400). */
	char hdr[160];
	snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", fx.token);
	httpc_resp r;
	assert_int_equal(httpc_request(srv.port, "POST", "/api/gate/readings", hdr, "{\"person\":\"S01\"}", 16, &r), 0);
	assert_int_equal(r.status, 400);
	httpc_free(&r);
	assert_int_equal(httpc_request(srv.port, "POST", "/api/gate/readings",
				       "Authorization: Bearer 00000000000000000000000000000000000000000000000000000000deadbeef\r\n",
				       "{\"person\":\"S01\",\"temperature\":36.5,\"time\":\"2020-05-12T07:31:00Z\"}", 66, &r),
			 0);
	assert_int_equal(r.status, 401);
	httpc_free(&r);
	stop_clean(&srv);
}

#define TERMINALS 16
#define PER_TERMINAL 40

typedef struct terminal {
	int port, n, ok, other;
} terminal;

static void *terminal_main(void *arg)
{
	terminal *t = arg;
	static const char *const people[] = { "S01", "S03", "S04", "S09" }; /* S09: unknown, refused */
	for (int i = 0; i < PER_TERMINAL; i++) {
		char when[40];
		snprintf(when, sizeof when, "2020-05-13T07:%02d:%02d+08:00", t->n * 3 % 60, i % 60);
		int st = post_reading(t->port, people[(t->n + i) % 4], 36.0 + (i % 9) / 10.0, when, NULL, 0);
		if (st == 200)
			t->ok++;
		else
			t->other++;
	}
	return NULL;
}

static int count_reading(void *ctx, const gate_reading_rec *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static int stored_readings(const char *date)
{
	store *s = NULL;
	assert_int_equal(store_open(fx.db, &s, NULL), 0);
	school_rec sc;
	assert_int_equal(store_school_default(s, &sc, NULL), 0);
	int n = 0;
	assert_int_equal(store_gate_reading_list(s, sc.id, date, count_reading, &n, NULL), 0);
	store_close(s);
	return n;
}

static void test_gate_http_concurrent_terminals_all_stored(void **state)
{
	(void)state;
	int before = stored_readings("2020-05-13");
	test_server srv;
	assert_int_equal(test_server_start(&srv, fx.db), 0);
	terminal t[TERMINALS];
	pthread_t th[TERMINALS];
	for (int i = 0; i < TERMINALS; i++) {
		t[i] = (terminal){ srv.port, i, 0, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, terminal_main, &t[i]), 0);
	}
	int ok = 0;
	for (int i = 0; i < TERMINALS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].other, 0);
		ok += t[i].ok;
	}
	assert_int_equal(ok, TERMINALS * PER_TERMINAL);
	/* Counted while the server still runs: answered means committed. */
	assert_int_equal(stored_readings("2020-05-13") - before, ok);
	stop_clean(&srv);
	assert_int_equal(stored_readings("2020-05-13") - before, ok);
}

/* ---- the log stays bounded ---- */

typedef struct ckpt_loop {
	const char *db;
	char wal[600];
	atomic_int stop;
	int failed;
	long long largest; /* the log file's largest size seen */
} ckpt_loop;

static long long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	long long n = ftell(f);
	fclose(f);
	return n;
}

/* The server's checkpointer, faster: a checkpoint every 2 ms; and the
 * log's size, while the writer's connection keeps it (closing the last
 * connection removes it). */
static void *checkpoint_loop(void *arg)
{
	ckpt_loop *c = arg;
	store *s = NULL;
	if (store_open(c->db, &s, NULL)) {
		c->failed = 1;
		return NULL;
	}
	store_set_autocheckpoint(s, 0);
	while (!atomic_load(&c->stop)) {
		if (store_checkpoint(s, NULL))
			c->failed = 1;
		long long n = file_size(c->wal);
		if (n > c->largest)
			c->largest = n;
		struct timespec ts = { 0, 2 * 1000 * 1000L };
		nanosleep(&ts, NULL);
	}
	store_close(s);
	return NULL;
}

/* Writes committed back to back (one job a transaction, as a busy server's
 * writer does) beside a checkpointer of its own: the write-ahead log must
 * be restarted now and then, not grow with every commit. */
static void test_log_stays_bounded_under_back_to_back_writes(void **state)
{
	(void)state;
	if (tu_pg())
		skip(); /* PostgreSQL has no such log file */
	enum { JOBS = 12000 };
	store_writer *w = NULL;
	assert_int_equal(store_writer_start(fx.db, 1, 0, &w, NULL), 0);
	ckpt_loop c = { .db = fx.db };
	snprintf(c.wal, sizeof c.wal, "%s-wal", fx.db);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, checkpoint_loop, &c), 0);
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	test_job *jobs = calloc(JOBS, sizeof *jobs);
	for (int i = 0; i < JOBS; i++) {
		jobs[i] = (test_job){ .job = { audit_job_run, job_done, NULL }, .n = 400000 + i, .mu = &mu };
		assert_int_equal(store_writer_submit(w, &jobs[i].job), 0);
	}
	store_writer_stop(w);
	store_writer_stats st;
	store_writer_stats_get(w, &st);
	store_writer_free(w);
	atomic_store(&c.stop, 1);
	pthread_join(th, NULL);
	assert_int_equal(c.failed, 0);
	for (int i = 0; i < JOBS; i++)
		assert_int_equal(jobs[i].rc, 0);
	free(jobs);
	assert_int_equal(st.batches, JOBS);
	/* 12,000 commits write tens of thousands of frames; restarted at
	 * 4,096 frames (16 MiB), the file stays near that. */
	fprintf(stderr, "# log during %d commits: at most %lld bytes\n", JOBS, c.largest);
	if (c.largest > 40LL * 1024 * 1024)
		fail_msg("the write-ahead log grew to %lld bytes: it is never restarted", c.largest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_tells_every_job_exactly_once),
		cmocka_unit_test(test_writer_failed_batch_tells_all_and_stores_none),
		cmocka_unit_test(test_log_stays_bounded_under_back_to_back_writes),
		cmocka_unit_test(test_writer_batch_sees_the_earlier_reading),
		cmocka_unit_test(test_gate_http_recheck_then_refuse),
		cmocka_unit_test(test_gate_http_concurrent_terminals_all_stored),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
