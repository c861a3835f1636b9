/*
 * alerts.c — see alerts.h.
 *
 * For each rule and code: load the cases of the window before `from` up to
 * `to` (store_cases), map each to its unit (class, dorm room or school),
 * let engine/cluster.c find the episodes, and keep one alert per episode:
 * an open alert of the same rule, unit and code whose last day is within a
 * window of the episode is the same cluster, so it is updated, not doubled.
 */
#include "domain/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/codes.h"
#include "domain/district.h"
#include "domain/plans.h"
#include "engine/cluster.h"
#include "util/date.h"

typedef struct case_buf {
	const char *scope;
	cluster_case *cases;
	size_t n, cap;
} case_buf;

static int add_case(void *ctx, const case_rec *c)
{
	case_buf *b = ctx;
	int64_t unit = !strcmp(b->scope, "class") ? c->class_id :
		       !strcmp(b->scope, "dorm") ? c->dorm_id : 0;
	if (strcmp(b->scope, "school") && unit == 0)
		return 0; /* no class or dorm: cannot belong to such a cluster */
	int32_t day;
	if (date_parse(c->date, &day))
		return 0;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		cluster_case *g = realloc(b->cases, cap * sizeof *g);
		if (!g)
			return 1;
		b->cases = g;
		b->cap = cap;
	}
	b->cases[b->n++] = (cluster_case){ unit, day, c->person_id };
	return 0;
}

/* The name of a cluster's unit: a class or a dorm room (looked up only
 * when an alert is created). */
static void unit_name(store *s, const char *scope, int64_t unit, char *out, size_t size)
{
	out[0] = 0;
	if (!strcmp(scope, "class")) {
		class_rec c;
		if (store_class_get(s, unit, &c, NULL) == 0)
			snprintf(out, size, "%s", c.name);
	} else if (!strcmp(scope, "dorm")) {
		place_rec p;
		if (store_place_get(s, unit, &p, NULL) == 0)
			snprintf(out, size, "%s", p.name);
	} else {
		snprintf(out, size, "全校");
	}
}

/* The response tasks of a new alert, due relative to now. */
static int open_tasks(store *s, const alert_rec *a, int64_t now, jy_err *err)
{
	static const struct {
		const char *kind, *zh, *en, *role;
		int hours;
	} tasks[] = {
		{ "observe", "对有症状学生临时留观并通知家长", "Put symptomatic students under temporary observation and notify parents", "teacher", 1 },
		{ "report", "24小时内报告疾控机构和教育行政部门", "Report to the CDC and the education bureau within 24 hours", "reporter", 24 },
		{ "disinfect", "对相关教室、宿舍等场所通风消毒", "Ventilate and disinfect the classrooms, dorms and other places involved", "logistics", 8 },
		{ "contacts", "排查并管理密切接触者", "Trace and manage close contacts", "reporter", 24 },
		{ "educate", "开展健康教育", "Health education for students and parents", "teacher", 72 },
	};
	for (size_t i = 0; i < sizeof tasks / sizeof tasks[0]; i++) {
		task_rec t;
		memset(&t, 0, sizeof t);
		t.school_id = a->school_id;
		t.alert_id = a->id;
		snprintf(t.kind, sizeof t.kind, "%s", tasks[i].kind);
		snprintf(t.title_zh, sizeof t.title_zh, "%s（%s）", tasks[i].zh, a->scope_name);
		snprintf(t.title_en, sizeof t.title_en, "%s (%s)", tasks[i].en, a->scope_name);
		snprintf(t.owner_role, sizeof t.owner_role, "%s", tasks[i].role);
		t.due_at = now + tasks[i].hours * 3600;
		int rc = store_task_add(s, &t, NULL, err);
		if (rc)
			return rc;
	}
	return 0;
}

static void note_change(alert_changes *ch, int64_t id, int created, int count)
{
	if (!ch)
		return;
	for (size_t i = 0; i < ch->n; i++)
		if (ch->items[i].alert_id == id) {
			ch->items[i].count = count;
			ch->items[i].created |= created;
			return;
		}
	if (ch->n < sizeof ch->items / sizeof ch->items[0])
		ch->items[ch->n++] = (alert_change){ id, created, count };
}

/* Keep one hit as an alert (new or updated), with its people. */
static int keep_hit(store *s, int64_t school_id, const rule_rec *r, const char *code,
		    const cluster_hit *h, alert_changes *ch, jy_err *err)
{
	char first[11], last[11], since[11];
	date_format(h->first_day, first);
	date_format(h->last_day, last);
	date_format(h->first_day - r->window_days, since);
	alert_rec a;
	int rc = store_alert_find_open(s, r->id, h->unit, code, since, &a, err);
	if (rc && rc != JY_ENOENT)
		return rc;
	int created = rc == JY_ENOENT;
	int64_t now = (int64_t)time(NULL);
	if (created) {
		memset(&a, 0, sizeof a);
		a.school_id = school_id;
		a.rule_id = r->id;
		a.scope_id = h->unit;
		snprintf(a.scope, sizeof a.scope, "%s", r->scope);
		unit_name(s, r->scope, h->unit, a.scope_name, sizeof a.scope_name);
		snprintf(a.code, sizeof a.code, "%s", code);
		snprintf(a.first_date, sizeof a.first_date, "%s", first);
		snprintf(a.last_date, sizeof a.last_date, "%s", last);
		snprintf(a.status, sizeof a.status, "open");
		a.count = 0;
		a.created_at = now;
		a.report_due_at = now + 24 * 3600;
		if ((rc = store_alert_add(s, &a, &a.id, err)))
			return rc;
		if ((rc = open_tasks(s, &a, now, err)))
			return rc;
		/* Emergency plans whose trigger codes name this alert (plans.c). */
		if ((rc = plans_on_alert(s, &a, now, err)))
			return rc;
	}
	/* An episode with as many people as its alert, within its dates, adds
	 * nobody (the alert's people are a subset of the episode's): the common
	 * case when a growing outbreak is re-evaluated on every check. */
	if (!created && (size_t)a.count == h->count && strcmp(first, a.first_date) >= 0 &&
	    strcmp(last, a.last_date) <= 0)
		return 0;
	int added_total = 0;
	for (size_t i = 0; i < h->count; i++) {
		int added = 0;
		rc = store_alert_add_person(s, school_id, a.id, h->people[i], first, &added, err);
		if (rc)
			return rc;
		added_total += added;
	}
	if (!created && !added_total && strcmp(last, a.last_date) <= 0 && strcmp(first, a.first_date) >= 0)
		return 0; /* nothing new */
	a.count += added_total;
	if (strcmp(first, a.first_date) < 0)
		snprintf(a.first_date, sizeof a.first_date, "%s", first);
	if (strcmp(last, a.last_date) > 0)
		snprintf(a.last_date, sizeof a.last_date, "%s", last);
	if ((rc = store_alert_update(s, &a, err)))
		return rc;
	note_change(ch, a.id, created, a.count);
	return 0;
}

typedef struct rule_list {
	rule_rec items[256];
	size_t n;
} rule_list;

static int add_rule(void *ctx, const rule_rec *r)
{
	rule_list *l = ctx;
	if (r->enabled && l->n < sizeof l->items / sizeof l->items[0])
		l->items[l->n++] = *r;
	return 0;
}

/* Should a rule about (kind, code) run for the changed codes? */
static int wanted(const char *codes, const char *code)
{
	return !codes || codes_list_has(codes, code);
}

static int run_rule_code(store *s, int64_t school_id, int64_t class_id, const rule_rec *r,
			 const char *kind, const char *code, int32_t from, int32_t to,
			 alert_changes *ch, jy_err *err)
{
	char lo[11], hi[11];
	date_format(from - r->window_days + 1, lo);
	date_format(to, hi);
	case_buf b;
	memset(&b, 0, sizeof b);
	b.scope = r->scope;
	int64_t only = !strcmp(r->scope, "class") ? class_id : 0;
	int rc = store_cases(s, school_id, only, kind, code, lo, hi, add_case, &b, err);
	if (!rc && b.n >= (size_t)r->threshold) {
		cluster_hit *hits = NULL;
		size_t nh = 0;
		if (cluster_find(b.cases, b.n, r->window_days, r->threshold, from, to, &hits, &nh))
			rc = err_set(err, JY_ENOMEM, "out of memory");
		for (size_t i = 0; !rc && i < nh; i++)
			rc = keep_hit(s, school_id, r, code, &hits[i], ch, err);
		cluster_hits_free(hits, nh);
	}
	free(b.cases);
	return rc;
}

int alerts_evaluate(store *s, int64_t school_id, const char *from, const char *to,
		    const char *codes, alert_changes *changes, jy_err *err)
{
	return alerts_evaluate_class(s, school_id, 0, from, to, codes, changes, err);
}

int alerts_evaluate_class(store *s, int64_t school_id, int64_t class_id, const char *from,
			  const char *to, const char *codes, alert_changes *changes, jy_err *err)
{
	int32_t d0, d1;
	if (date_parse(from, &d0) || date_parse(to, &d1) || d1 < d0)
		return err_set(err, JY_EINVAL, "日期范围无效 (invalid date range) %s..%s", from, to);
	if (changes)
		changes->n = 0;
	if (codes && !*codes)
		return 0;
	rule_list *rules = calloc(1, sizeof *rules);
	if (!rules)
		return err_set(err, JY_ENOMEM, "out of memory");
	int rc = store_rule_list(s, school_id, add_rule, rules, err);
	if (!rc)
		rc = store_begin(s, err);
	if (rc) {
		free(rules);
		return rc;
	}
	for (size_t i = 0; !rc && i < rules->n; i++) {
		const rule_rec *r = &rules->items[i];
		if (!strcmp(r->code_kind, "any_symptom")) {
			for (size_t k = 0; !rc && k < codes_symptoms_count; k++)
				if (wanted(codes, codes_symptoms[k].code))
					rc = run_rule_code(s, school_id, class_id, r, "symptom",
							   codes_symptoms[k].code, d0, d1, changes, err);
		} else if (wanted(codes, r->code)) {
			rc = run_rule_code(s, school_id, class_id, r, r->code_kind, r->code, d0, d1,
					   changes, err);
		}
	}
	free(rules);
	/* The district's rules see the same change (district.c). */
	if (!rc)
		rc = district_alerts_evaluate(s, school_id, d0, d1, codes, NULL, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}
