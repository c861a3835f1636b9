/*
 * writer.h — group commit: one writer per database that runs the write
 * requests queued by many threads in one transaction each batch.
 *
 * Why: every commit costs a log write and, when it must survive a power
 * cut, an fsync.  One transaction per request caps a store at one fsync's
 * worth of requests (~1,600/s measured), and many connections that each
 * write contend for the database's one write lock.  The writer takes
 * whatever is queued (up to a batch limit), runs each job's reads and
 * writes inside one transaction — in queue order, so a job sees the writes
 * of the jobs before it — commits once, durably, and then tells every job
 * its outcome.  While a batch commits the next one queues: the busier the
 * server, the larger the batches and the cheaper each request.
 *
 * Outcome: a job is told exactly once.  A batch whose begin, any job or
 * the commit fails is rolled back whole and every job of it is told the
 * error: nothing of a failed batch is stored, and nothing is answered as
 * stored that is not.  A job that only refuses its own request (bad input,
 * unknown device) records that in its own struct and returns 0 before it
 * writes anything, so it does not fail the others.
 *
 * It sits on store.h only (begin/commit/rollback of its own handle), so it
 * works the same over SQLite and PostgreSQL.  On SQLite it syncs the log
 * itself (store_log_fd), on a thread of its own, so that the next batch
 * runs while the disk syncs the last; jobs are told only after that sync.  The instance belongs to its owner (the
 * server); nothing here is global.
 */
#ifndef JY_WRITER_H
#define JY_WRITER_H

#include "store/store.h"

typedef struct store_job store_job;

struct store_job {
	/*
	 * Run inside the batch's transaction on the writer's store handle.
	 * 0: keep going; negative (err filled): the batch is rolled back.
	 * Must not commit or roll back itself (nested begin/commit pairs
	 * are fine).
	 */
	int (*run)(store *s, store_job *job, jy_err *err);
	/*
	 * Told once, on the writer's or the syncer's thread, after the
	 * commit is durable (rc 0) or the rollback (rc < 0, err names why).
	 * The job may be freed from here on (by done or by whoever done
	 * hands it to).
	 */
	void (*done)(store_job *job, int rc, const jy_err *err);
	store_job *next; /* the writer's queue link */
};

typedef struct store_writer store_writer;

/*
 * Open the writer's own handle on url (durable commits) and start its
 * thread.  max_batch: most jobs per transaction (0 = 512).  ckpt_pages:
 * as store_set_autocheckpoint (0 when someone else checkpoints, as the
 * server's checkpointer thread does; negative = the backend's default).
 * The caller owns *out (store_writer_free).
 */
int store_writer_start(const char *url, int max_batch, int ckpt_pages, store_writer **out,
		       jy_err *err);

/* Queue a job (any thread).  JY_EIO when the writer is stopping: the job
 * is then not queued and done is not called. */
int store_writer_submit(store_writer *w, store_job *job);

/* Stop: every job already queued is run and told, then the thread ends
 * and the handle closes; later submits get JY_EIO.  The struct stays
 * valid (for submits racing the stop) until store_writer_free.  NULL is
 * accepted by both. */
void store_writer_stop(store_writer *w);
void store_writer_free(store_writer *w);

typedef struct store_writer_stats {
	long long batches, jobs, failed_batches;
	long long syncs; /* fdatasync calls of the syncer (each covers one or more batches) */
	int largest_batch;
} store_writer_stats;
void store_writer_stats_get(store_writer *w, store_writer_stats *out);

#endif
