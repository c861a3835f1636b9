/*
 * district.c — see district.h.
 *
 * District rules: for each enabled rule, the diagnosed cases of every
 * school of the district in the rule's window ending on each changed day
 * are counted per (diagnosis, school) in one query; a diagnosis seen in at
 * least min_schools schools (each with at least min_cases cases) is a hit.
 * A hit whose rule and code have an open alert that reached within a
 * window of it is the same episode: the alert grows (dates, schools,
 * cases) instead of doubling.
 */
#include "domain/district.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "domain/codes.h"
#include "util/date.h"

/* ---- overview ---- */

static void add_to(district_school_counts *t, const district_school_counts *r)
{
	t->classes += r->classes;
	t->enrolled += r->enrolled;
	t->expected += r->expected;
	t->submitted += r->submitted;
	t->entries += r->entries;
	t->absent_sick += r->absent_sick;
	t->absent_other += r->absent_other;
	t->absent_unknown += r->absent_unknown;
	t->symptomatic += r->symptomatic;
	t->febrile += r->febrile;
	t->open_alerts += r->open_alerts;
	t->batches += r->batches;
	t->batches_due += r->batches_due;
	t->hold += r->hold;
	t->not_returned += r->not_returned;
}

int district_overview_build(store *s, int64_t district_id, const char *date, const char *session,
			    district_overview *out, jy_err *err)
{
	memset(out, 0, sizeof *out);
	int32_t day;
	if (date_parse(date, &day))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	if (!codes_session_valid(session))
		return err_at(err, JY_EINVAL, NULL, 0, "session",
			      "检查时段应为 morning/noon/evening (session must be morning, noon or evening)");
	snprintf(out->date, sizeof out->date, "%s", date);
	snprintf(out->session, sizeof out->session, "%s", session);
	int rc = store_district_overview(s, district_id, date, session, &out->schools,
					 &out->nschools, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < out->nschools; i++)
		add_to(&out->total, &out->schools[i]);
	return 0;
}

void district_overview_free(district_overview *o)
{
	if (!o)
		return;
	free(o->schools);
	o->schools = NULL;
	o->nschools = 0;
}

/* ---- district rules ---- */

typedef struct drules {
	district_rule_rec items[64];
	size_t n;
} drules;

static int add_drule(void *ctx, const district_rule_rec *r)
{
	drules *l = ctx;
	if (r->enabled && l->n < sizeof l->items / sizeof l->items[0])
		l->items[l->n++] = *r;
	return 0;
}

/* The (diagnosis, school) counts of one window, grouped by diagnosis. */
typedef struct dcounts {
	district_case_count *items;
	size_t n, cap;
	int oom;
} dcounts;

static int add_count(void *ctx, const district_case_count *c)
{
	dcounts *d = ctx;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		district_case_count *g = realloc(d->items, cap * sizeof *g);
		if (!g) {
			d->oom = 1;
			return 1;
		}
		d->items = g;
		d->cap = cap;
	}
	d->items[d->n++] = *c;
	return 0;
}

/* Keep one hit: the schools [lo, hi) of items (one diagnosis) that reach
 * min_cases. */
static int keep_hit(store *s, int64_t district_id, const district_rule_rec *r,
		    const district_case_count *items, size_t lo, size_t hi, int *raised, jy_err *err)
{
	district_alert_rec a;
	memset(&a, 0, sizeof a);
	char first[11] = "9999-12-31", last[11] = "0000-01-01";
	int64_t schools = 0, cases = 0;
	for (size_t i = lo; i < hi; i++) {
		if (items[i].cases < r->min_cases)
			continue;
		schools++;
		cases += items[i].cases;
		if (strcmp(items[i].first_date, first) < 0)
			snprintf(first, sizeof first, "%s", items[i].first_date);
		if (strcmp(items[i].last_date, last) > 0)
			snprintf(last, sizeof last, "%s", items[i].last_date);
	}
	if (schools < r->min_schools)
		return 0;
	int32_t f;
	char since[11];
	if (date_parse(first, &f))
		return err_set(err, JY_EINVAL, "bad date %s", first);
	date_format(f - r->window_days, since);
	const char *code = items[lo].code;
	int rc = store_district_alert_find_open(s, district_id, r->id, code, since, &a, err);
	if (rc && rc != JY_ENOENT)
		return rc;
	if (rc == JY_ENOENT) {
		memset(&a, 0, sizeof a);
		a.district_id = district_id;
		a.rule_id = r->id;
		snprintf(a.code, sizeof a.code, "%s", code);
		snprintf(a.first_date, sizeof a.first_date, "%s", first);
		snprintf(a.last_date, sizeof a.last_date, "%s", last);
		a.schools = schools;
		a.cases = cases;
		if ((rc = store_district_alert_add(s, &a, &a.id, err)))
			return rc;
		if (raised)
			(*raised)++;
	} else {
		int grew = schools > a.schools || cases > a.cases || strcmp(last, a.last_date) > 0;
		if (strcmp(first, a.first_date) < 0)
			snprintf(a.first_date, sizeof a.first_date, "%s", first);
		if (strcmp(last, a.last_date) > 0)
			snprintf(a.last_date, sizeof a.last_date, "%s", last);
		if (schools > a.schools)
			a.schools = schools;
		if (cases > a.cases)
			a.cases = cases;
		if (!grew)
			return 0;
		if ((rc = store_district_alert_update(s, &a, err)))
			return rc;
		if (raised)
			(*raised)++;
	}
	for (size_t i = lo; !rc && i < hi; i++)
		if (items[i].cases >= r->min_cases)
			rc = store_district_alert_school_put(s, a.id, items[i].school_id,
							     items[i].cases, items[i].first_date,
							     items[i].last_date, err);
	return rc;
}

/* One rule, one window ending on day, one code ("" = every diagnosis). */
static int run_window(store *s, int64_t district_id, const district_rule_rec *r, int32_t day,
		      const char *code, int *raised, jy_err *err)
{
	char lo[11], hi[11];
	date_format(day - r->window_days + 1, lo);
	date_format(day, hi);
	dcounts d = { 0 };
	int rc = store_district_cases(s, district_id, *code ? code : NULL, lo, hi, add_count, &d, err);
	if (!rc && d.oom)
		rc = err_set(err, JY_ENOMEM, "out of memory");
	/* Rows come ordered by diagnosis: each run of one code is a candidate. */
	for (size_t i = 0; !rc && i < d.n;) {
		size_t j = i;
		while (j < d.n && !strcmp(d.items[j].code, d.items[i].code))
			j++;
		if (j - i >= (size_t)r->min_schools)
			rc = keep_hit(s, district_id, r, d.items, i, j, raised, err);
		i = j;
	}
	free(d.items);
	return rc;
}

int district_alerts_evaluate(store *s, int64_t school_id, int32_t d0, int32_t d1,
			     const char *codes, int *raised, jy_err *err)
{
	if (codes && !*codes)
		return 0;
	int64_t district_id = 0;
	int rc = store_school_district(s, school_id, &district_id, err);
	if (rc || !district_id)
		return rc;
	drules *rules = calloc(1, sizeof *rules);
	if (!rules)
		return err_set(err, JY_ENOMEM, "out of memory");
	rc = store_district_rule_list(s, district_id, add_drule, rules, err);
	/* A long import: its last days only (a window reaches back anyway). */
	if (d1 - d0 > 60)
		d0 = d1 - 60;
	for (size_t i = 0; !rc && i < rules->n; i++) {
		const district_rule_rec *r = &rules->items[i];
		int any = !strcmp(r->code, "*");
		if (!any && codes && !codes_list_has(codes, r->code))
			continue;
		for (int32_t day = d0; !rc && day <= d1; day++) {
			if (!any || !codes) {
				rc = run_window(s, district_id, r, day, any ? "" : r->code, raised, err);
				continue;
			}
			/* Any diagnosis: each changed code on its own. */
			const char *p = codes;
			while (!rc && *p) {
				size_t len = strcspn(p, ",");
				char code[48];
				if (len > 0 && len < sizeof code) {
					memcpy(code, p, len);
					code[len] = 0;
					rc = run_window(s, district_id, r, day, code, raised, err);
				}
				p += len;
				if (*p == ',')
					p++;
			}
		}
	}
	free(rules);
	return rc;
}

/* ---- pseudonyms ---- */

int privacy_key(store *s, unsigned char key[PRIVACY_KEY_BYTES], jy_err *err)
{
	char hex[2 * PRIVACY_KEY_BYTES + 1];
	int rc = store_setting_get(s, "pseudonym_key", hex, sizeof hex, err);
	if (rc == JY_ENOENT) {
		unsigned char fresh[PRIVACY_KEY_BYTES];
		randombytes_buf(fresh, sizeof fresh);
		sodium_bin2hex(hex, sizeof hex, fresh, sizeof fresh);
		sodium_memzero(fresh, sizeof fresh);
		/* Two processes may race: the first value written is kept. */
		rc = store_setting_ensure(s, "pseudonym_key", hex, sizeof hex, err);
	}
	if (rc)
		return rc;
	size_t len = 0;
	if (sodium_hex2bin(key, PRIVACY_KEY_BYTES, hex, strlen(hex), NULL, &len, NULL) ||
	    len != PRIVACY_KEY_BYTES)
		return err_set(err, JY_EFORMAT, "pseudonym_key setting is not %d bytes of hex",
			       PRIVACY_KEY_BYTES);
	return 0;
}

void privacy_pseudonym(const unsigned char key[PRIVACY_KEY_BYTES], int64_t school_id,
		       const char *number, char *out)
{
	static const char b32[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char msg[128];
	int n = snprintf(msg, sizeof msg, "%lld:%s", (long long)school_id, number);
	if (n < 0 || (size_t)n >= sizeof msg)
		n = (int)sizeof msg - 1;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, PRIVACY_KEY_BYTES);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, (unsigned long long)n);
	crypto_auth_hmacsha256_final(&st, mac);
	/* 10 characters of 5 bits: 50 bits of the MAC. */
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | mac[i];
	out[0] = 'P';
	out[1] = '-';
	for (int i = 0; i < 10; i++)
		out[2 + i] = b32[(v >> (59 - 5 * i)) & 31];
	out[12] = 0;
}

int privacy_identified(store *s, const user_rec *u, int *yes, jy_err *err)
{
	*yes = 0;
	if (strcmp(u->scope_kind, "district"))
		return 0;
	return store_privacy_granted(s, u->id, u->scope_id, (int64_t)time(NULL), yes, err);
}

/* ---- retention ---- */

int retention_purge(store *s, int days, int dry_run, const char *who, purge_counts *out,
		    char cutoff[11], jy_err *err)
{
	memset(out, 0, sizeof *out);
	if (days < 1 || days > 36500)
		return err_at(err, JY_EINVAL, NULL, 0, "older-than",
			      "保留天数应为 1–36500 (--older-than must be 1-36500 days)");
	int32_t cut = date_today_cst() - days;
	date_format(cut, cutoff);
	/* Midnight of the cutoff day in UTC+8. */
	int64_t cutoff_at = (int64_t)cut * 86400 - 8 * 3600;
	int rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = store_purge(s, cutoff, cutoff_at, dry_run, out, err);
	if (!rc && !dry_run) {
		audit_rec a;
		memset(&a, 0, sizeof a);
		snprintf(a.username, sizeof a.username, "%s", who && *who ? who : "jinyun purge");
		snprintf(a.action, sizeof a.action, "purge");
		snprintf(a.entity, sizeof a.entity, "retention");
		snprintf(a.entity_id, sizeof a.entity_id, "%s", cutoff);
		snprintf(a.detail, sizeof a.detail,
			 "before=%s days=%d entries=%lld submissions=%lld events=%lld absences=%lld "
			 "absence_followups=%lld gate=%lld stays=%lld declarations=%lld presence=%lld "
			 "contacts=%lld followup_checks=%lld screens=%lld lifts=%lld",
			 cutoff, days, (long long)out->check_entries, (long long)out->check_submissions,
			 (long long)out->health_events, (long long)out->absences,
			 (long long)out->absence_followups, (long long)out->gate_readings,
			 (long long)out->observation_stays, (long long)out->declarations,
			 (long long)out->presence, (long long)out->contact_records,
			 (long long)out->followup_checks, (long long)out->screen_results,
			 (long long)out->hold_lifts);
		rc = store_audit_add(s, &a, err);
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	if (dry_run) {
		store_rollback(s);
		return 0;
	}
	return store_commit(s, err);
}
