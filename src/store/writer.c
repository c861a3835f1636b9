/*
 * writer.c — group commit (see writer.h).
 *
 * One mutex and one condition guard the queue (a singly linked FIFO);
 * the writer thread swaps out up to max_batch jobs at a time, so callers
 * hold the mutex only to link a job.  Jobs are told their outcome after
 * the commit is durable, never before: a done callback that answers an
 * HTTP request therefore answers only what is durably stored.
 *
 * On SQLite the fsync is pipelined: the writer commits without waiting
 * for the disk (store_log_fd) and hands the batch to the syncer thread,
 * which fdatasync()s the log once for every batch committed since its
 * last sync and then tells their jobs, while the writer already runs the
 * next batch.  The log is written in commit order, so one sync that
 * follows a batch's commit covers it and every batch before it.  With one
 * thread doing both, the writer sat idle for the length of every fsync
 * (a third more readings per second without it, measured with gate.sh).
 * Where no log descriptor is to be had (PostgreSQL: its commits are
 * durable; an in-memory database), the writer tells the jobs itself.
 */
#include "store/writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A committed (or failed) batch waiting for the syncer. */
typedef struct batch {
	store_job *list;
	int rc;
	jy_err err;
	struct batch *next;
} batch;

struct store_writer {
	store *st;
	int max_batch;
	int log_fd; /* -1: commits are durable by themselves */
	pthread_t thread, syncer;
	int syncer_started;
	pthread_mutex_t mu;
	pthread_cond_t cv, sync_cv;
	store_job *head, *tail;
	batch *synced_head, *synced_tail; /* committed, waiting for the sync */
	int stopping, joined, sync_stopping;
	store_writer_stats stats;
};

static void tell(store_job *list, int rc, const jy_err *err)
{
	while (list) {
		store_job *next = list->next;
		list->next = NULL;
		list->done(list, rc, rc ? err : NULL);
		list = next;
	}
}

/* Run one batch (a list of n jobs) in one transaction, then tell each, or
 * hand the batch to the syncer. */
static void run_batch(store_writer *w, store_job *list, int n)
{
	jy_err err;
	err_clear(&err);
	int rc = store_begin(w->st, &err);
	if (!rc) {
		for (store_job *j = list; !rc && j; j = j->next)
			rc = j->run(w->st, j, &err);
		/* A failed commit has rolled back already (db.h). */
		if (!rc)
			rc = store_commit(w->st, &err);
		else
			store_rollback(w->st);
	}
	if (rc && !err.code)
		err_set(&err, rc, "写入失败 (write failed)");
	batch *b = w->log_fd >= 0 ? malloc(sizeof *b) : NULL;
	pthread_mutex_lock(&w->mu);
	w->stats.batches++;
	w->stats.jobs += n;
	if (rc)
		w->stats.failed_batches++;
	if (n > w->stats.largest_batch)
		w->stats.largest_batch = n;
	if (b) {
		*b = (batch){ .list = list, .rc = rc, .err = err };
		if (w->synced_tail)
			w->synced_tail->next = b;
		else
			w->synced_head = b;
		w->synced_tail = b;
		pthread_cond_signal(&w->sync_cv);
	}
	pthread_mutex_unlock(&w->mu);
	if (b)
		return;
	/* No syncer for this batch (PostgreSQL, or out of memory): sync here. */
	if (!rc && w->log_fd >= 0 && fdatasync(w->log_fd) != 0)
		rc = err_set(&err, JY_EIO, "无法写入磁盘 (the log could not be synced to disk)");
	tell(list, rc, &err);
}

static void *syncer_main(void *arg)
{
	store_writer *w = arg;
	pthread_setname_np(pthread_self(), "jy-sync");
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->synced_head && !w->sync_stopping)
			pthread_cond_wait(&w->sync_cv, &w->mu);
		batch *b = w->synced_head;
		if (!b)
			break; /* stopping, and every batch is told */
		w->synced_head = w->synced_tail = NULL;
		w->stats.syncs++;
		pthread_mutex_unlock(&w->mu);
		/* One sync after the last of these commits covers them all. */
		int failed = fdatasync(w->log_fd) != 0;
		while (b) {
			batch *next = b->next;
			if (!b->rc && failed)
				b->rc = err_set(&b->err, JY_EIO, "无法写入磁盘 (the log could not be synced to disk)");
			tell(b->list, b->rc, &b->err);
			free(b);
			b = next;
		}
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void *writer_main(void *arg)
{
	store_writer *w = arg;
	pthread_setname_np(pthread_self(), "jy-writer"); /* for top -H and the benchmark */
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head)
			break; /* stopping, and everything queued has run */
		store_job *list = w->head, *last = list;
		int n = 1;
		while (last->next && n < w->max_batch) {
			last = last->next;
			n++;
		}
		w->head = last->next;
		if (!w->head)
			w->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&w->mu);
		run_batch(w, list, n);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void writer_free_parts(store_writer *w)
{
	if (w->log_fd >= 0)
		close(w->log_fd);
	store_close(w->st);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	pthread_cond_destroy(&w->sync_cv);
	free(w);
}

int store_writer_start(const char *url, int max_batch, int ckpt_pages, store_writer **out,
		       jy_err *err)
{
	*out = NULL;
	store_writer *w = calloc(1, sizeof *w);
	if (!w)
		return err_set(err, JY_ENOMEM, "out of memory");
	w->max_batch = max_batch > 0 ? max_batch : 512;
	w->log_fd = -1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_cond_init(&w->sync_cv, NULL);
	int rc = store_open(url, &w->st, err);
	if (!rc) {
		jy_err e;
		err_clear(&e);
		w->log_fd = store_log_fd(w->st, &e);
		/* No log of our own to sync: every commit syncs itself. */
		if (w->log_fd < 0 && e.code)
			rc = store_set_durable(w->st, err);
	}
	if (!rc && ckpt_pages >= 0)
		store_set_autocheckpoint(w->st, ckpt_pages);
	if (!rc && w->log_fd >= 0) {
		if (pthread_create(&w->syncer, NULL, syncer_main, w) == 0)
			w->syncer_started = 1;
		else
			rc = err_set(err, JY_ENOMEM, "cannot start the syncer thread");
	}
	if (!rc && pthread_create(&w->thread, NULL, writer_main, w) != 0)
		rc = err_set(err, JY_ENOMEM, "cannot start the writer thread");
	if (rc) {
		if (w->syncer_started) {
			w->sync_stopping = 1;
			pthread_cond_signal(&w->sync_cv);
			pthread_join(w->syncer, NULL);
		}
		writer_free_parts(w);
		return rc;
	}
	*out = w;
	return 0;
}

int store_writer_submit(store_writer *w, store_job *job)
{
	if (!job->run || !job->done)
		return JY_EINVAL;
	job->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		return JY_EIO;
	}
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

void store_writer_stats_get(store_writer *w, store_writer_stats *out)
{
	pthread_mutex_lock(&w->mu);
	*out = w->stats;
	pthread_mutex_unlock(&w->mu);
}

void store_writer_stop(store_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	int joined = w->joined;
	w->stopping = 1;
	w->joined = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (joined)
		return;
	pthread_join(w->thread, NULL);
	/* Every batch has committed; the syncer tells the last ones. */
	if (w->syncer_started) {
		pthread_mutex_lock(&w->mu);
		w->sync_stopping = 1;
		pthread_cond_signal(&w->sync_cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->syncer, NULL);
	}
	store_close(w->st);
	w->st = NULL;
}

void store_writer_free(store_writer *w)
{
	if (!w)
		return;
	store_writer_stop(w);
	w->st = NULL;
	writer_free_parts(w);
}
