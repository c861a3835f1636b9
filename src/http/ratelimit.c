/*
 * ratelimit.c — slowing down repeated login failures.
 *
 * Per key (a username, and separately a client address): after `free`
 * failures (5 for a username, 50 for an address that a whole school may
 * share behind NAT) the next attempt must wait 2^(n-free) seconds (capped at 15 minutes); a
 * success clears the key.  A waiting client gets 429 without its password
 * being checked, so a brute force gets a handful of guesses an hour.  The
 * table is a fixed-size hash: when full, the oldest entry is replaced.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/internal.h"

#define RL_SLOTS 4096
#define RL_MAX_WAIT 900

struct rl_entry {
	char key[96];
	int fails;
	time_t last;
};

struct ratelimit {
	pthread_mutex_t mu;
	struct rl_entry e[RL_SLOTS];
};

ratelimit *ratelimit_new(void)
{
	ratelimit *r = calloc(1, sizeof *r);
	if (r)
		pthread_mutex_init(&r->mu, NULL);
	return r;
}

void ratelimit_free(ratelimit *r)
{
	if (!r)
		return;
	pthread_mutex_destroy(&r->mu);
	free(r);
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The entry for key, or a slot to take (caller holds the lock). */
static struct rl_entry *find(ratelimit *r, const char *key, int create)
{
	unsigned h = hash(key);
	struct rl_entry *oldest = NULL;
	for (unsigned i = 0; i < 8; i++) {
		struct rl_entry *e = &r->e[(h + i) % RL_SLOTS];
		if (!strcmp(e->key, key))
			return e;
		if (!oldest || e->last < oldest->last)
			oldest = e;
	}
	if (!create)
		return NULL;
	memset(oldest, 0, sizeof *oldest);
	snprintf(oldest->key, sizeof oldest->key, "%s", key);
	return oldest;
}

static int wait_for(const struct rl_entry *e, int free_fails, time_t now)
{
	if (e->fails < free_fails)
		return 0;
	int shift = e->fails - free_fails;
	long wait = shift >= 10 ? RL_MAX_WAIT : (1L << shift);
	if (wait > RL_MAX_WAIT)
		wait = RL_MAX_WAIT;
	long left = (long)(e->last + wait - now);
	return left > 0 ? (int)left : 0;
}

int ratelimit_wait(ratelimit *r, const char *key, int free_fails)
{
	pthread_mutex_lock(&r->mu);
	struct rl_entry *e = find(r, key, 0);
	int w = e ? wait_for(e, free_fails, time(NULL)) : 0;
	pthread_mutex_unlock(&r->mu);
	return w;
}

void ratelimit_fail(ratelimit *r, const char *key)
{
	pthread_mutex_lock(&r->mu);
	struct rl_entry *e = find(r, key, 1);
	e->fails++;
	e->last = time(NULL);
	pthread_mutex_unlock(&r->mu);
}

void ratelimit_ok(ratelimit *r, const char *key)
{
	pthread_mutex_lock(&r->mu);
	struct rl_entry *e = find(r, key, 0);
	if (e)
		memset(e, 0, sizeof *e);
	pthread_mutex_unlock(&r->mu);
}
