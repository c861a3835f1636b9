/*
 * writer.c — group commit (see writer.h).
 *
 * One mutex and one condition guard the queue (a singly linked FIFO);
 * the writer thread swaps out up to max_batch jobs at a time, so callers
 * hold the mutex only to link a job.  Jobs are told their outcome after
 * the commit returns, never before: a done callback that answers an HTTP
 * request therefore answers only what is durably stored.
 */
#include "store/writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct store_writer {
	store *st;
	int max_batch;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	store_job *head, *tail;
	int stopping, joined;
	store_writer_stats stats;
};

/* Run one batch (a list of n jobs) in one transaction, then tell each. */
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
	pthread_mutex_lock(&w->mu);
	w->stats.batches++;
	w->stats.jobs += n;
	if (rc)
		w->stats.failed_batches++;
	if (n > w->stats.largest_batch)
		w->stats.largest_batch = n;
	pthread_mutex_unlock(&w->mu);
	while (list) {
		store_job *next = list->next;
		list->next = NULL;
		list->done(list, rc, rc ? &err : NULL);
		list = next;
	}
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
			break; /* stopping, and everything queued is told */
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

int store_writer_start(const char *url, int max_batch, int ckpt_pages, store_writer **out,
		       jy_err *err)
{
	*out = NULL;
	store_writer *w = calloc(1, sizeof *w);
	if (!w)
		return err_set(err, JY_ENOMEM, "out of memory");
	w->max_batch = max_batch > 0 ? max_batch : 512;
	int rc = store_open(url, &w->st, err);
	if (!rc)
		rc = store_set_durable(w->st, err);
	if (!rc && ckpt_pages >= 0)
		store_set_autocheckpoint(w->st, ckpt_pages);
	if (rc) {
		store_close(w->st);
		free(w);
		return rc;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		store_close(w->st);
		free(w);
		return err_set(err, JY_ENOMEM, "cannot start the writer thread");
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
	store_close(w->st);
	w->st = NULL;
}

void store_writer_free(store_writer *w)
{
	if (!w)
		return;
	store_writer_stop(w);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
