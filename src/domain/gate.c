/*
 * gate.c — see gate.h.
 *
 * Every read of a reading's decision (device, person, plan, screening
 * status, the previous reading, the open observation stay) and every write
 * run in one transaction, so two readings of one person from two gates
 * cannot both be taken for the first.  The server runs many readings in
 * one transaction (gate_request_run under the group-commit writer); the
 * command line and tests one each (gate_reading, gate_post).
 */
#include "domain/gate.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "domain/alerts.h"
#include "domain/return_plan.h"
#include "domain/screening.h"
#include "store/surveillance.h"
#include "util/date.h"
#include "util/str.h"

int gate_device_add(store *s, int64_t school_id, const char *name, const char *gate,
		    char token[AUTH_TOKEN_HEX], int64_t *id, jy_err *err)
{
	if (!name || !*name || strlen(name) > 95)
		return err_at(err, JY_EINVAL, NULL, 0, "name", "设备名称应为 1–95 字节 (name must be 1–95 bytes)");
	if (!gate || !*gate || strlen(gate) > 95)
		return err_at(err, JY_EINVAL, NULL, 0, "gate", "校门名称应为 1–95 字节 (gate must be 1–95 bytes)");
	gate_device_rec d;
	memset(&d, 0, sizeof d);
	d.school_id = school_id;
	snprintf(d.name, sizeof d.name, "%s", name);
	snprintf(d.gate, sizeof d.gate, "%s", gate);
	place_rec p;
	if (store_place_find(s, school_id, gate, &p, NULL) == 0 && !strcmp(p.kind, "gate"))
		d.place_id = p.id;
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, AUTH_TOKEN_HEX, raw, sizeof raw);
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(token, hash);
	int rc = store_device_add(s, &d, hash, id, err);
	if (rc == JY_ECONFLICT)
		err_at(err, rc, NULL, 0, "name", "已有同名设备 (a device with this name exists): %s", name);
	return rc;
}

/* The key of the gate cache's devices: SipHash-2-4 (128 bits) of the
 * token under a key drawn when the process starts, so the cache holds no
 * token and nothing that outlives the process.  A token is cached only
 * after its SHA-256 matched the table; a wrong token would need a 128-bit
 * collision under a secret key to hit. */
static unsigned char device_key_secret[crypto_shorthash_siphashx24_KEYBYTES];

static void device_key_init(void)
{
	randombytes_buf(device_key_secret, sizeof device_key_secret);
}

int gate_device_auth(store *s, const char *token, gate_device_rec *out, jy_err *err)
{
	if (!token || strlen(token) != AUTH_TOKEN_HEX - 1)
		return err_set(err, JY_EAUTH, "设备令牌无效 (invalid device token)");
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, device_key_init);
	_Static_assert(crypto_shorthash_siphashx24_BYTES == GATE_DEVICE_KEY, "cache key size");
	unsigned char key[GATE_DEVICE_KEY];
	crypto_shorthash_siphashx24(key, (const unsigned char *)token, AUTH_TOKEN_HEX - 1, device_key_secret);
	if (store_device_cached(s, key, out) == 0)
		return 0;
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(token, hash);
	int rc = store_device_by_token(s, hash, key, out, err);
	if (rc == JY_ENOENT)
		return err_set(err, JY_EAUTH, "设备令牌无效 (invalid device token)");
	return rc;
}

static int digits(const char *p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		*v = *v * 10 + (p[i] - '0');
	}
	return 0;
}

int gate_parse_time(const char *s, int64_t *out)
{
	if (!s || strlen(s) < 16 || strlen(s) > 40)
		return -1;
	char date[11];
	memcpy(date, s, 10);
	date[10] = 0;
	int32_t day;
	if (date_parse(date, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return -1;
	int hh, mm, ss = 0;
	if (digits(s + 11, 2, &hh) || s[13] != ':' || digits(s + 14, 2, &mm) || hh > 23 || mm > 59)
		return -1;
	const char *p = s + 16;
	if (*p == ':') {
		if (digits(p + 1, 2, &ss) || ss > 60)
			return -1;
		p += 3;
		if (*p == '.' || *p == ',') {
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	int64_t offset = 8 * 3600;
	if (*p == 'Z' || *p == 'z') {
		offset = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om = 0;
		int sign = *p == '-' ? -1 : 1;
		if (digits(p + 1, 2, &oh) || oh > 14)
			return -1;
		p += 3;
		if (*p == ':')
			p++;
		if (*p) {
			if (digits(p, 2, &om) || om > 59)
				return -1;
			p += 2;
		}
		offset = sign * (oh * 3600 + om * 60);
	}
	if (*p)
		return -1;
	*out = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss - offset;
	return 0;
}

static void answer(gate_answer *out, const char *decision, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void answer(gate_answer *out, const char *decision, const char *fmt, ...)
{
	str_put(out->decision, sizeof out->decision, decision);
	if (!strchr(fmt, '%')) { /* most answers have nothing to fill in */
		str_put(out->reason, sizeof out->reason, fmt);
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof out->reason, fmt, ap);
	va_end(ap);
}

/* The first hold reason of a screening result (Chinese), or "". */
static void first_hold_reason(const char *json, char *out, size_t size)
{
	out[0] = 0;
	cJSON *a = cJSON_Parse(json ? json : "[]");
	const cJSON *it;
	cJSON_ArrayForEach(it, a) {
		const cJSON *st = cJSON_GetObjectItem(it, "status"), *zh = cJSON_GetObjectItem(it, "zh");
		if (cJSON_IsString(st) && !strcmp(st->valuestring, "hold") && cJSON_IsString(zh) &&
		    !cJSON_IsTrue(cJSON_GetObjectItem(it, "lifted"))) {
			snprintf(out, size, "%s", zh->valuestring);
			break;
		}
	}
	cJSON_Delete(a);
}

static int first_place(void *ctx, const place_rec *p)
{
	*(int64_t *)ctx = p->id;
	return 1;
}

/* A refusal: the observation stay, the alert (one per person and day)
 * with its task, and for a confirmed fever a health event.  Inside the
 * reading's transaction. */
static int refuse(store *s, const gate_device_rec *dev, const gate_person *p, const char *day,
		  int64_t at, int fever, double temperature, gate_answer *out, jy_err *err)
{
	int64_t rule_id = 0, place_id = 0, now = (int64_t)time(NULL);
	int rc = store_gate_rule_id(s, &rule_id, err);
	if (rc)
		return rc;
	store_place_list(s, dev->school_id, "observation_room", first_place, &place_id, NULL);
	alert_rec a;
	rc = store_alert_find_open(s, rule_id, p->id, "gate_refused", day, &a, err);
	if (rc == JY_ENOENT) {
		err_clear(err);
		memset(&a, 0, sizeof a);
		a.school_id = dev->school_id;
		a.rule_id = rule_id;
		a.scope_id = p->id;
		snprintf(a.scope, sizeof a.scope, "person");
		snprintf(a.scope_name, sizeof a.scope_name, "%.40s %.40s", p->name, p->number);
		snprintf(a.code, sizeof a.code, "gate_refused");
		snprintf(a.first_date, sizeof a.first_date, "%s", day);
		snprintf(a.last_date, sizeof a.last_date, "%s", day);
		a.count = 1;
		a.created_at = now;
		a.report_due_at = now + 24 * 3600;
		rc = store_alert_add(s, &a, &a.id, err);
		int added = 0;
		if (!rc)
			rc = store_alert_add_person(s, dev->school_id, a.id, p->id, day, &added, err);
		if (!rc) {
			task_rec t;
			memset(&t, 0, sizeof t);
			t.school_id = dev->school_id;
			t.alert_id = a.id;
			snprintf(t.kind, sizeof t.kind, "observe");
			snprintf(t.title_zh, sizeof t.title_zh,
				 "到临时留观室复测体温、询问症状并通知家长（%.40s，%.40s）", p->name, dev->gate);
			snprintf(t.title_en, sizeof t.title_en,
				 "See %.40s in the temporary observation room: measure again, ask about symptoms, notify the parents",
				 p->number);
			snprintf(t.owner_role, sizeof t.owner_role, "reporter");
			t.due_at = now + 3600;
			rc = store_task_add(s, &t, NULL, err);
		}
	} else if (!rc) {
		snprintf(a.last_date, sizeof a.last_date, "%s", day);
		rc = store_alert_update(s, &a, err);
	}
	if (rc)
		return rc;
	out->alert_id = a.id;
	observation_rec o;
	memset(&o, 0, sizeof o);
	o.school_id = dev->school_id;
	o.person_id = p->id;
	o.place_id = place_id;
	o.reading_id = out->reading_id;
	o.alert_id = a.id;
	snprintf(o.reason, sizeof o.reason, "%s", out->reason);
	o.started_at = at;
	if ((rc = store_observation_add(s, &o, &out->observation_id, err)))
		return rc;
	if (fever) {
		health_event_rec ev;
		memset(&ev, 0, sizeof ev);
		ev.school_id = dev->school_id;
		ev.person_id = p->id;
		snprintf(ev.date, sizeof ev.date, "%s", day);
		ev.at = at;
		snprintf(ev.source, sizeof ev.source, "gate");
		ev.temperature = temperature;
		snprintf(ev.symptoms, sizeof ev.symptoms, "fever");
		snprintf(ev.note, sizeof ev.note, "%s", dev->gate);
		if ((rc = store_event_add(s, &ev, NULL, err)))
			return rc;
		rc = alerts_evaluate(s, dev->school_id, day, day, "fever", NULL, err);
	}
	return rc;
}

static int check_reading(const char *person_ref, double temperature, jy_err *err)
{
	if (!person_ref || !*person_ref || strlen(person_ref) > 39)
		return err_at(err, JY_EINVAL, NULL, 0, "person", "需要学号/工号或卡号 (person is required, at most 39 bytes)");
	if (!(temperature >= 30.0 && temperature <= 45.0))
		return err_at(err, JY_EINVAL, NULL, 0, "temperature", "体温应在 30.0–45.0 °C 之间 (temperature must be 30.0–45.0 °C)");
	return 0;
}

/* Decide on a checked reading and store it, inside the caller's write
 * transaction (which the caller commits or rolls back). */
static int decide(store *s, const gate_device_rec *dev, const char *person_ref, double temperature,
		  int64_t at, const char *ip, gate_answer *out, jy_err *err)
{
	memset(out, 0, sizeof *out);
	char day[11];
	date_format(date_of_time_cst(at), day);
	gate_person p;
	memset(&p, 0, sizeof p);
	int rc = store_gate_person(s, dev->school_id, person_ref, day, &p, err);
	if (rc && rc != JY_ENOENT)
		return rc;
	int known = rc == 0 && p.active;
	err_clear(err);
	rc = 0;
	int plan = p.plan;
	const char *planned = p.return_date;
	char status[8] = "";
	char hold_reason[SCREEN_REASON_ZH] = "";
	/* Screened for their planned date, or for the day without a plan: the
	 * stored result when current, else screened now. */
	const char *rdate = plan ? planned : day;
	if (known && rdate[0]) {
		if (p.status[0] && p.config_version >= p.current_version) {
			str_put(status, sizeof status, p.status);
		} else {
			/* Stale (the rules or risk regions changed) or never screened. */
			screen_result_rec sr;
			if ((rc = screening_status(s, dev->school_id, p.id, rdate, 0, &sr, err)))
				return rc;
			snprintf(status, sizeof status, "%s", sr.status);
		}
		if (!strcmp(status, "hold")) {
			screen_result_rec full;
			if (store_screen_result_get(s, p.id, rdate, 1, &full, NULL) == 0) {
				first_hold_reason(full.reasons, hold_reason, sizeof hold_reason);
				free(full.reasons);
			}
		}
	}
	out->person_id = known ? p.id : 0;
	int fever = 0;
	gate_reading_rec last;
	int under_observation = known && p.under_observation;
	if (!known) {
		answer(out, "refuse", "查无此人或已不在籍，拒绝入校 (unknown or no longer enrolled: refused)");
	} else if (under_observation) {
		answer(out, "refuse",
		       "已在临时留观室，须校医评估后方可入校 (in the temporary observation room: the school doctor decides)");
	} else if (plan && !return_plan_expected(plan, planned, day)) {
		if (planned[0])
			answer(out, "refuse", "不在今日返校批次（返校日期 %s），拒绝入校 (not in today's return batch: returns %s)",
			       planned, planned);
		else
			answer(out, "refuse", "未安排返校批次，拒绝入校 (in no return batch: refused)");
	} else if (!strcmp(status, "hold")) {
		answer(out, "refuse", "返校筛查为留置（%.200s），拒绝入校 (screening status hold: refused)",
		       hold_reason[0] ? hold_reason : "hold");
	} else if (temperature >= GATE_FEVER_C) {
		/* A recheck asked for 5 to 30 minutes ago confirms the fever; one
		 * asked for less than 5 minutes ago means the rest is not over.
		 * Only the person's readings at 37.3 °C or above count (a normal
		 * reading between is admitted by itself, and does not end the
		 * rest): they alone are indexed by person (migration 017). */
		rc = store_gate_reading_last(s, p.id, at - GATE_RECHECK_S, at - GATE_REST_S, &last, err);
		if (rc && rc != JY_ENOENT)
			return rc;
		int confirmed = rc == 0 && !strcmp(last.decision, "recheck");
		int resting = 0;
		if (!confirmed) {
			rc = store_gate_reading_last(s, p.id, at - GATE_REST_S + 1, at, &last, err);
			if (rc && rc != JY_ENOENT)
				return rc;
			resting = rc == 0 && !strcmp(last.decision, "recheck");
		}
		err_clear(err);
		rc = 0;
		if (resting) {
			answer(out, "recheck",
			       "体温 %.1f°C，距上次测温不足5分钟，请休息后复测 (%.1f °C, less than 5 minutes since the last reading: rest, then measure again)",
			       temperature, temperature);
		} else if (confirmed) {
			fever = 1;
			answer(out, "refuse",
			       "复测体温 %.1f°C 仍≥37.3°C，拒绝入校 (fever confirmed on recheck, %.1f °C: refused)",
			       temperature, temperature);
		} else {
			answer(out, "recheck",
			       "体温 %.1f°C ≥37.3°C，请休息5分钟后复测 (%.1f °C: rest 5 minutes, then measure again)",
			       temperature, temperature);
		}
	} else if (!strcmp(status, "monitor")) {
		answer(out, "admit",
		       "体温正常，准予入校；需健康管理：返校后14天每日两次测温 (normal temperature: admitted; health management, temperature twice a day for 14 days)");
	} else {
		answer(out, "admit", "体温正常，准予入校 (normal temperature: admitted)");
	}
	gate_reading_rec r;
	memset(&r, 0, sizeof r);
	r.school_id = dev->school_id;
	r.device_id = dev->id;
	r.person_id = out->person_id;
	str_put(r.person_ref, sizeof r.person_ref, person_ref);
	r.temperature = temperature;
	r.at = at;
	str_put(r.date, sizeof r.date, day);
	str_put(r.decision, sizeof r.decision, out->decision);
	str_put(r.reason, sizeof r.reason, out->reason);
	str_put(r.ip, sizeof r.ip, ip ? ip : "");
	r.received_at = (int64_t)time(NULL);
	if ((rc = store_gate_reading_add(s, &r, &out->reading_id, err)))
		return rc;
	/* A stay in the observation room is opened once; a person already
	 * there is refused again without a second stay. */
	if (known && !strcmp(out->decision, "refuse") && !under_observation &&
	    (rc = refuse(s, dev, &p, day, at, fever, temperature, out, err)))
		return rc;
	/* The reading itself is the record (append-only, with the device and
	 * address); a refusal, which sends a person to the observation room,
	 * is also in the audit log. */
	if (!strcmp(out->decision, "refuse") && out->person_id) {
		audit_rec a;
		memset(&a, 0, sizeof a);
		a.at = r.received_at;
		a.school_id = dev->school_id;
		snprintf(a.username, sizeof a.username, "device:%.50s", dev->name);
		snprintf(a.role, sizeof a.role, "gate");
		snprintf(a.ip, sizeof a.ip, "%s", ip ? ip : "");
		snprintf(a.action, sizeof a.action, "create");
		snprintf(a.entity, sizeof a.entity, "gate_reading");
		snprintf(a.entity_id, sizeof a.entity_id, "%lld", (long long)out->reading_id);
		a.person_id = out->person_id;
		snprintf(a.detail, sizeof a.detail, "refuse %.1f", temperature);
		if ((rc = store_audit_add(s, &a, err)))
			return rc;
	}
	return 0;
}

/* Authenticate, check and decide: the whole of one request, inside the
 * caller's transaction.  JY_EAUTH and JY_EINVAL come before anything is
 * written; any other error may leave writes for the caller to roll back.
 * dev NULL: authenticate token first. */
static int post_in_tx(store *s, const gate_device_rec *dev, const char *token, const char *person_ref,
		      double temperature, int64_t at, const char *ip, gate_answer *out, jy_err *err)
{
	memset(out, 0, sizeof *out);
	gate_device_rec d;
	int rc = 0;
	if (!dev && !(rc = gate_device_auth(s, token, &d, err)))
		dev = &d;
	if (!rc)
		rc = check_reading(person_ref, temperature, err);
	if (!rc)
		rc = decide(s, dev, person_ref, temperature, at, ip, out, err);
	return rc;
}

/* One write transaction from the first read to the commit: one lock
 * instead of one per statement, and nothing read can change under the
 * decision.  Concurrent callers on other connections wait in SQLite's
 * busy handler; the server sends its readings through one writer
 * (gate_request_run) instead. */
static int in_tx(store *s, const gate_device_rec *dev, const char *token, const char *person_ref,
		 double temperature, int64_t at, const char *ip, gate_answer *out, jy_err *err)
{
	int rc = store_begin(s, err);
	if (!rc)
		rc = post_in_tx(s, dev, token, person_ref, temperature, at, ip, out, err);
	if (!rc)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	return rc;
}

int gate_reading(store *s, const gate_device_rec *dev, const char *person_ref, double temperature,
		 int64_t at, const char *ip, gate_answer *out, jy_err *err)
{
	return in_tx(s, dev, NULL, person_ref, temperature, at, ip, out, err);
}

int gate_post(store *s, const char *token, const char *person_ref, double temperature, int64_t at,
	      const char *ip, gate_answer *out, jy_err *err)
{
	return in_tx(s, NULL, token, person_ref, temperature, at, ip, out, err);
}

int gate_request_run(store *s, gate_request *r, jy_err *err)
{
	err_clear(&r->err);
	r->rc = post_in_tx(s, NULL, r->token, r->person, r->temperature, r->at, r->ip, &r->answer, &r->err);
	if (r->rc == JY_EAUTH || r->rc == JY_EINVAL)
		return 0; /* refused before any write: this request's own answer */
	if (r->rc) {
		*err = r->err;
		return r->rc;
	}
	return 0;
}

int gate_observation_end(store *s, int64_t id, const char *outcome, const char *note,
			 int64_t user_id, jy_err *err)
{
	if (!outcome || (strcmp(outcome, "released") && strcmp(outcome, "sent_home") && strcmp(outcome, "hospital")))
		return err_at(err, JY_EINVAL, NULL, 0, "outcome",
			      "结果应为 released/sent_home/hospital (outcome must be released, sent_home or hospital)");
	if (note && strlen(note) > 255)
		return err_at(err, JY_EINVAL, NULL, 0, "note", "备注过长 (note too long, max 255 bytes)");
	observation_rec o;
	int rc = store_observation_get(s, id, &o, err);
	if (rc)
		return rc;
	if (o.ended_at)
		return err_set(err, JY_ECONFLICT, "留观已结束 (the stay has already ended)");
	return store_observation_end(s, id, outcome, note, user_id, (int64_t)time(NULL), err);
}
