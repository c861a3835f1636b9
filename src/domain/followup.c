/*
 * followup.c — see followup.h.
 */
#include "domain/followup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "domain/cases.h"
#include "domain/codes.h"
#include "util/date.h"

#define CST (8 * 3600)

int followup_start(store *s, int64_t case_id, const followup_contact *c, size_t n,
		   const char *start_date, int64_t user_id, size_t *created, size_t *existing,
		   jy_err *err)
{
	*created = *existing = 0;
	cases_rec k;
	int rc = store_case_get(s, case_id, &k, err);
	if (rc)
		return rc;
	disease_rec d;
	if ((rc = store_disease_get(s, k.school_id, k.code, &d, err)))
		return rc;
	int32_t day;
	if (!start_date || date_parse(start_date, &day))
		return err_at(err, JY_EINVAL, NULL, 0, "start_date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	followup_rec f;
	memset(&f, 0, sizeof f);
	f.school_id = k.school_id;
	f.case_id = k.id;
	f.created_by = user_id;
	date_format(day, f.start_date);
	date_format(day + (d.monitor_days > 0 ? d.monitor_days - 1 : 0), f.end_date);
	if ((rc = store_begin(s, err)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		person_rec p;
		char field[48];
		snprintf(field, sizeof field, "contacts[%zu].person_id", i);
		if (c[i].person_id == k.person_id) {
			rc = err_at(err, JY_EINVAL, NULL, 0, field, "病例本人不是其接触者 (a case is not its own contact)");
			break;
		}
		if (store_person_get(s, c[i].person_id, &p, NULL) != 0 || p.school_id != k.school_id) {
			rc = err_at(err, JY_EINVAL, NULL, 0, field, "没有这个人 (no such person in the school)");
			break;
		}
		f.person_id = c[i].person_id;
		f.hop = c[i].hop > 0 ? c[i].hop : 1;
		f.exposure_s = c[i].exposure_s;
		f.first_contact = c[i].first_contact;
		f.via_person_id = c[i].via_person_id;
		snprintf(f.places, sizeof f.places, "%s", c[i].places);
		int64_t id;
		int added = 0;
		rc = store_followup_add(s, &f, &id, &added, err);
		if (!rc)
			(*(added ? created : existing))++;
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int followup_record_check(store *s, int64_t followup_id, const char *date, double temperature,
			  const char *symptoms, const char *note, const char *source,
			  int64_t user_id, int *symptomatic, jy_err *err)
{
	followup_rec f;
	int rc = store_followup_get(s, followup_id, &f, err);
	if (rc)
		return rc;
	if (strcmp(f.status, "monitoring"))
		return err_set(err, JY_ECONFLICT, "医学观察已结束 (the follow-up has ended: %s)", f.status);
	int32_t d;
	if (!date || date_parse(date, &d))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	if (strcmp(date, f.start_date) < 0 || strcmp(date, f.end_date) > 0)
		return err_at(err, JY_EINVAL, NULL, 0, "date",
			      "日期不在观察期 %s–%s 内 (date outside the monitoring period)", f.start_date,
			      f.end_date);
	if (temperature >= 0 && (temperature < 34 || temperature > 43))
		return err_at(err, JY_EINVAL, NULL, 0, "temperature", "体温应在 34–43 °C (temperature must be 34-43)");
	followup_check_rec c;
	memset(&c, 0, sizeof c);
	char bad[64];
	if (codes_parse_symptoms(symptoms ? symptoms : "", c.symptoms, sizeof c.symptoms, bad, sizeof bad))
		return err_at(err, JY_EINVAL, NULL, 0, "symptoms", "未知症状 (unknown symptom): %s", bad);
	if (temperature >= FEVER_C && !codes_list_has(c.symptoms, "fever")) {
		char joined[200];
		snprintf(joined, sizeof joined, "%s,fever", c.symptoms);
		codes_parse_symptoms(joined, c.symptoms, sizeof c.symptoms, bad, sizeof bad);
	}
	if (note && strlen(note) >= sizeof c.note)
		return err_at(err, JY_EINVAL, NULL, 0, "note", "note 过长 (too long)");
	c.followup_id = followup_id;
	snprintf(c.date, sizeof c.date, "%s", date);
	c.temperature = temperature;
	snprintf(c.note, sizeof c.note, "%s", note ? note : "");
	snprintf(c.source, sizeof c.source, "%s", source);
	c.recorded_by = user_id;
	if (symptomatic)
		*symptomatic = c.symptoms[0] != 0;
	return store_followup_check_put(s, f.school_id, &c, err);
}

int followup_link(store *s, int64_t followup_id, int64_t user_id, char token[AUTH_TOKEN_HEX],
		  int64_t *expires_at, jy_err *err)
{
	followup_rec f;
	int rc = store_followup_get(s, followup_id, &f, err);
	if (rc)
		return rc;
	if (strcmp(f.status, "monitoring"))
		return err_set(err, JY_ECONFLICT, "医学观察已结束 (the follow-up has ended)");
	int32_t end;
	date_parse(f.end_date, &end);
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, AUTH_TOKEN_HEX, raw, sizeof raw);
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(token, hash);
	/* Until the end of the last day of monitoring, and at least a day. */
	*expires_at = (int64_t)(end + 1) * 86400 - CST;
	if (*expires_at < (int64_t)time(NULL) + 86400)
		*expires_at = (int64_t)time(NULL) + 86400;
	return store_followup_link_add(s, hash, f.school_id, f.id, user_id, (int64_t)time(NULL),
				       *expires_at, err);
}

int followup_by_token(store *s, const char *token, followup_rec *out, jy_err *err)
{
	if (!token || strlen(token) != AUTH_TOKEN_HEX - 1)
		return err_set(err, JY_ENOENT, "链接无效或已过期 (the link is invalid or has expired)");
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(token, hash);
	int64_t id;
	int rc = store_followup_link_get(s, hash, (int64_t)time(NULL), &id, err);
	return rc ? rc : store_followup_get(s, id, out, err);
}

typedef struct first_symptom {
	char date[11];
} first_symptom;

static int find_first_symptom(void *ctx, const followup_check_rec *c)
{
	first_symptom *x = ctx;
	if (c->symptoms[0] && !x->date[0])
		snprintf(x->date, sizeof x->date, "%s", c->date);
	return 0;
}

int followup_to_case(store *s, int64_t followup_id, const char *code, int64_t user_id,
		     int64_t *case_id, jy_err *err)
{
	followup_rec f;
	int rc = store_followup_get(s, followup_id, &f, err);
	if (rc)
		return rc;
	if (strcmp(f.status, "monitoring"))
		return err_set(err, JY_ECONFLICT, "医学观察已结束 (the follow-up has ended: %s)", f.status);
	first_symptom fs = { "" };
	if ((rc = store_followup_checks(s, f.id, find_first_symptom, &fs, err)))
		return rc;
	char note[200];
	snprintf(note, sizeof note, "密切接触者转为疑似病例 (a contact under follow-up became a suspected case), #%lld",
		 (long long)f.id);
	case_fields cf = { .code = code && *code ? code : f.case_code, .classification = "suspected",
			   .note = note, .has_onset = 1 };
	int32_t d;
	cf.onset_at = fs.date[0] && date_parse(fs.date, &d) == 0 ? (int64_t)d * 86400 - CST
								  : (int64_t)time(NULL);
	if ((rc = store_begin(s, err)))
		return rc;
	rc = cases_open(s, f.school_id, f.person_id, &cf, 0, f.id, f.case_id, user_id, case_id, err);
	if (!rc) {
		/* the link to the index case was suggested by the trace */
		cases_rec c;
		rc = store_case_get(s, *case_id, &c, err);
		if (!rc) {
			snprintf(c.source_by, sizeof c.source_by, "trace");
			rc = store_case_update(s, &c, err);
		}
	}
	if (!rc)
		rc = store_followup_set_status(s, f.id, "became_case", (int64_t)time(NULL), *case_id, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int followup_close(store *s, int64_t followup_id, const char *status, jy_err *err)
{
	if (!status || (strcmp(status, "completed") && strcmp(status, "lost") && strcmp(status, "released")))
		return err_at(err, JY_EINVAL, NULL, 0, "status", "status 应为 completed/lost/released");
	followup_rec f;
	int rc = store_followup_get(s, followup_id, &f, err);
	if (rc)
		return rc;
	if (strcmp(f.status, "monitoring"))
		return err_set(err, JY_ECONFLICT, "医学观察已结束 (the follow-up has ended: %s)", f.status);
	return store_followup_set_status(s, f.id, status, (int64_t)time(NULL), 0, err);
}

typedef struct sweep {
	int32_t today;
	int64_t *ids;
	char (*status)[12];
	size_t n, cap;
} sweep;

static int sweep_one(void *ctx, const followup_rec *f)
{
	sweep *x = ctx;
	int32_t start, end, last;
	if (date_parse(f->start_date, &start) || date_parse(f->end_date, &end))
		return 0;
	last = start - 1;
	int32_t lc;
	if (f->last_check[0] && date_parse(f->last_check, &lc) == 0)
		last = lc;
	/* days in a row without a check, up to yesterday (today may still come) */
	int32_t upto = x->today - 1 < end ? x->today - 1 : end;
	const char *st = NULL;
	if (upto - last >= FOLLOWUP_LOST_DAYS)
		st = "lost";
	else if (end < x->today)
		st = "completed";
	if (!st)
		return 0;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 32;
		int64_t *ids = realloc(x->ids, cap * sizeof *ids);
		if (!ids)
			return 1;
		x->ids = ids;
		char(*s)[12] = realloc(x->status, cap * sizeof *s);
		if (!s)
			return 1;
		x->status = s;
		x->cap = cap;
	}
	x->ids[x->n] = f->id;
	snprintf(x->status[x->n], 12, "%s", st);
	x->n++;
	return 0;
}

int followup_sweep(store *s, int64_t school_id, const char *today, size_t *changed, jy_err *err)
{
	sweep x = { 0 };
	if (date_parse(today, &x.today))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	followup_filter f = { .school_id = school_id, .status = "monitoring" };
	int rc = store_followup_list(s, &f, sweep_one, &x, err);
	if (!rc && x.n)
		rc = store_begin(s, err);
	if (!rc && x.n) {
		int64_t now = (int64_t)time(NULL);
		for (size_t i = 0; i < x.n && !rc; i++)
			rc = store_followup_set_status(s, x.ids[i], x.status[i], now, 0, err);
		if (rc)
			store_rollback(s);
		else
			rc = store_commit(s, err);
	}
	if (changed)
		*changed = rc ? 0 : x.n;
	free(x.ids);
	free(x.status);
	return rc;
}
