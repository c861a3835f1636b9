/*
 * cases.c — see cases.h.
 */
#include "domain/cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/codes.h"
#include "util/date.h"

int cases_classification_valid(const char *s)
{
	return s && (!strcmp(s, "suspected") || !strcmp(s, "clinical") || !strcmp(s, "confirmed") ||
		     !strcmp(s, "excluded"));
}

int cases_outcome_valid(const char *s)
{
	return s && (!*s || !strcmp(s, "recovered") || !strcmp(s, "hospitalised") ||
		     !strcmp(s, "died") || !strcmp(s, "other"));
}

const char *cases_classification_zh(const char *s)
{
	return !strcmp(s, "suspected") ? "疑似病例" : !strcmp(s, "clinical") ? "临床诊断病例" :
	       !strcmp(s, "confirmed") ? "确诊病例" : !strcmp(s, "excluded") ? "已排除" : s;
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

#define TEXT_FIELD(dst, src, name)                                                             \
	do {                                                                                   \
		if (strlen(src) >= sizeof(dst))                                                \
			return err_at(err, JY_EINVAL, NULL, 0, name, "%s 过长 (too long)", name); \
		snprintf((dst), sizeof(dst), "%s", (src));                                     \
	} while (0)

/* Apply f to c, validating each field given. */
static int apply(cases_rec *c, const case_fields *f, jy_err *err)
{
	if (f->code) {
		const code_name *d = codes_diagnosis(f->code);
		if (!d)
			return err_at(err, JY_EINVAL, NULL, 0, "code",
				      "未知病种代码 (unknown disease code): %.40s", f->code);
		snprintf(c->code, sizeof c->code, "%s", d->code);
	}
	if (f->classification) {
		if (!cases_classification_valid(f->classification))
			return err_at(err, JY_EINVAL, NULL, 0, "classification",
				      "classification 应为 suspected/clinical/confirmed/excluded");
		snprintf(c->classification, sizeof c->classification, "%s", f->classification);
	}
	if (f->outcome) {
		if (!cases_outcome_valid(f->outcome))
			return err_at(err, JY_EINVAL, NULL, 0, "outcome",
				      "outcome 应为 recovered/hospitalised/died/other 或空 (or empty)");
		if (strcmp(c->outcome, f->outcome) && !f->has_outcome_at)
			c->outcome_at = *f->outcome ? now_s() : 0;
		snprintf(c->outcome, sizeof c->outcome, "%s", f->outcome);
	}
	if (f->has_outcome_at)
		c->outcome_at = f->outcome_at;
	if (f->note)
		TEXT_FIELD(c->note, f->note, "note");
	if (f->has_onset) {
		if (f->onset_at < 0 || f->onset_at > now_s() + 86400)
			return err_at(err, JY_EINVAL, NULL, 0, "onset", "发病时间无效 (onset is in the future or invalid)");
		c->onset_at = f->onset_at;
	}
	if (f->has_reported) {
		if (f->reported_at < 0)
			return err_at(err, JY_EINVAL, NULL, 0, "reported_at", "报告时间无效 (invalid report time)");
		c->reported_at = f->reported_at;
	}
	if (!c->code[0])
		return err_at(err, JY_EINVAL, NULL, 0, "code", "需要病种代码 (code is required)");
	if (!c->classification[0])
		return err_at(err, JY_EINVAL, NULL, 0, "classification",
			      "需要病例分类 (classification is required)");
	return 0;
}

int cases_open(store *s, int64_t school_id, int64_t person_id, const case_fields *f,
	       int64_t alert_id, int64_t followup_id, int64_t source_case_id, int64_t user_id,
	       int64_t *id, jy_err *err)
{
	person_rec p;
	if (person_id <= 0 || store_person_get(s, person_id, &p, NULL) != 0 || p.school_id != school_id)
		return err_at(err, JY_EINVAL, NULL, 0, "person_id", "没有这个人 (no such person in the school)");
	cases_rec c;
	memset(&c, 0, sizeof c);
	c.school_id = school_id;
	c.person_id = person_id;
	int rc = apply(&c, f, err);
	if (rc)
		return rc;
	if (source_case_id) {
		cases_rec src;
		if (store_case_get(s, source_case_id, &src, NULL) != 0 || src.school_id != school_id)
			return err_at(err, JY_EINVAL, NULL, 0, "source_case_id", "没有这个来源病例 (no such source case)");
		snprintf(c.source_by, sizeof c.source_by, "doctor");
	}
	c.created_at = now_s();
	c.report_due_at = c.created_at + CASES_REPORT_HOURS * 3600;
	c.alert_id = alert_id;
	c.followup_id = followup_id;
	c.source_case_id = source_case_id;
	c.created_by = user_id;
	return store_case_add(s, &c, id, err);
}

int cases_update(store *s, int64_t case_id, const case_fields *f, jy_err *err)
{
	cases_rec c;
	int rc = store_case_get(s, case_id, &c, err);
	if (rc)
		return rc;
	rc = apply(&c, f, err);
	return rc ? rc : store_case_update(s, &c, err);
}

typedef struct alert_people {
	int64_t *ids;
	char (*dates)[11];
	size_t n, cap;
} alert_people;

static int add_alert_person(void *ctx, int64_t person_id, const char *number, const char *name,
			    const char *class_name, const char *first_date)
{
	alert_people *a = ctx;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		int64_t *ids = realloc(a->ids, cap * sizeof *ids);
		if (!ids)
			return 1;
		a->ids = ids;
		char(*d)[11] = realloc(a->dates, cap * sizeof *d);
		if (!d)
			return 1;
		a->dates = d;
		a->cap = cap;
	}
	a->ids[a->n] = person_id;
	snprintf(a->dates[a->n], 11, "%s", first_date);
	a->n++;
	return 0;
}

typedef struct has_case {
	int64_t person_id;
	int found;
} has_case;

static int find_person_case(void *ctx, const cases_rec *c)
{
	has_case *h = ctx;
	if (c->person_id == h->person_id)
		h->found = 1;
	return h->found;
}

int cases_from_alert(store *s, int64_t alert_id, int64_t user_id, int64_t *ids, size_t max,
		     size_t *n, size_t *existing, jy_err *err)
{
	*n = 0;
	*existing = 0;
	alert_rec a;
	int rc = store_alert_get(s, alert_id, &a, err);
	if (rc)
		return rc;
	alert_people people = { 0 };
	rc = store_alert_people(s, alert_id, add_alert_person, &people, err);
	const char *code = codes_diagnosis(a.code) ? a.code : !strcmp(a.code, "ili") ? "ili" : "other";
	char note[300];
	snprintf(note, sizeof note, "由预警 #%lld 开立 (opened from alert #%lld): %s", (long long)a.id,
		 (long long)a.id, a.rule_name_zh);
	if (!rc)
		rc = store_begin(s, err);
	if (rc) {
		free(people.ids);
		free(people.dates);
		return rc;
	}
	for (size_t i = 0; i < people.n && !rc; i++) {
		has_case h = { people.ids[i], 0 };
		case_filter f = { .alert_id = alert_id };
		rc = store_case_list(s, &f, find_person_case, &h, err);
		if (rc)
			break;
		if (h.found) {
			(*existing)++;
			continue;
		}
		int32_t day;
		case_fields cf = { .code = code, .classification = "suspected", .note = note };
		if (date_parse(people.dates[i], &day) == 0) {
			cf.has_onset = 1;
			cf.onset_at = (int64_t)day * 86400 - 8 * 3600;
		}
		int64_t id = 0;
		rc = cases_open(s, a.school_id, people.ids[i], &cf, alert_id, 0, 0, user_id, &id, err);
		if (!rc) {
			if (ids && *n < max)
				ids[*n] = id;
			(*n)++;
		}
	}
	free(people.ids);
	free(people.dates);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

typedef struct room_count {
	int64_t n;
} room_count;

static int count_stay(void *ctx, const stay_rec *r)
{
	(void)r;
	((room_count *)ctx)->n++;
	return 0;
}

int cases_isolate(store *s, int64_t case_id, int64_t place_id, int64_t started_at,
		  const char *release_criteria, const char *release_date, int64_t user_id,
		  int64_t *stay_id, jy_err *err)
{
	cases_rec c;
	int rc = store_case_get(s, case_id, &c, err);
	if (rc)
		return rc;
	place_rec p;
	if (place_id <= 0 || store_place_get(s, place_id, &p, NULL) != 0 || p.school_id != c.school_id ||
	    (strcmp(p.kind, "isolation_room") && strcmp(p.kind, "observation_room")))
		return err_at(err, JY_EINVAL, NULL, 0, "place_id",
			      "不是本校的隔离室或留观室 (not an isolation or observation room of the school)");
	int32_t d;
	if (release_date && *release_date && date_parse(release_date, &d))
		return err_at(err, JY_EINVAL, NULL, 0, "release_date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	stay_rec r;
	memset(&r, 0, sizeof r);
	if (release_criteria && strlen(release_criteria) >= sizeof r.release_criteria)
		return err_at(err, JY_EINVAL, NULL, 0, "release_criteria", "release_criteria 过长 (too long)");
	if (c.stay_id)
		return err_at(err, JY_ECONFLICT, NULL, 0, "case",
			      "该病例已在%s (the case is already in a room)", c.stay_place);
	rc = store_begin(s, err);
	if (rc)
		return rc;
	room_count n = { 0 };
	rc = store_room_open_stays(s, place_id, count_stay, &n, err);
	if (!rc && p.capacity >= 0 && n.n >= p.capacity)
		rc = err_at(err, JY_ECONFLICT, NULL, 0, "place_id",
			    "%s 已满 (%lld/%lld) (the room is full)", p.name, (long long)n.n,
			    (long long)p.capacity);
	if (!rc) {
		r.school_id = c.school_id;
		r.case_id = c.id;
		r.person_id = c.person_id;
		r.place_id = place_id;
		r.started_at = started_at ? started_at : now_s();
		snprintf(r.release_criteria, sizeof r.release_criteria, "%s", release_criteria ? release_criteria : "");
		snprintf(r.release_date, sizeof r.release_date, "%s", release_date ? release_date : "");
		r.created_by = user_id;
		rc = store_stay_add(s, &r, stay_id, err);
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int cases_handover(store *s, int64_t stay_id, const char *to, const char *name,
		   const char *phone, const char *note, int64_t at, int64_t user_id, jy_err *err)
{
	stay_rec r;
	int rc = store_stay_get(s, stay_id, &r, err);
	if (rc)
		return rc;
	if (!to || (strcmp(to, "parent") && strcmp(to, "hospital") && strcmp(to, "released")))
		return err_at(err, JY_EINVAL, NULL, 0, "to", "交接对象应为 parent/hospital/released (to must be parent, hospital or released)");
	if (strcmp(to, "released") && (!name || !*name))
		return err_at(err, JY_EINVAL, NULL, 0, "name",
			      "需要接收人（家长或医院）姓名 (the name of the parent or hospital is required)");
	if (!strcmp(to, "released") && (!note || !*note) && !r.release_criteria[0])
		return err_at(err, JY_EINVAL, NULL, 0, "note",
			      "解除隔离需记录解除标准 (a release must record the criteria met)");
	if ((name && strlen(name) >= sizeof r.handover_name) || (phone && strlen(phone) >= sizeof r.handover_phone) ||
	    (note && strlen(note) >= sizeof r.handover_note))
		return err_at(err, JY_EINVAL, NULL, 0, "note", "字段过长 (a field is too long)");
	if (r.ended_at)
		return err_set(err, JY_ECONFLICT, "该隔离已结束 (the stay has already ended)");
	r.ended_at = at ? at : now_s();
	if (r.ended_at < r.started_at)
		return err_at(err, JY_EINVAL, NULL, 0, "at", "交接时间早于入室时间 (handover before admission)");
	snprintf(r.handover_to, sizeof r.handover_to, "%s", to);
	snprintf(r.handover_name, sizeof r.handover_name, "%s", name ? name : "");
	snprintf(r.handover_phone, sizeof r.handover_phone, "%s", phone ? phone : "");
	snprintf(r.handover_note, sizeof r.handover_note, "%s", note ? note : "");
	r.handed_over_by = user_id;
	return store_stay_end(s, &r, err);
}

void cases_window(const cases_rec *c, const disease_rec *d, int64_t now, int64_t *from, int64_t *to)
{
	int64_t base = c->onset_at ? c->onset_at : c->created_at;
	*from = base - (int64_t)d->window_before_h * 3600;
	*to = c->isolated_at ? c->isolated_at : now;
	if (*to - *from > CASES_WINDOW_MAX_DAYS * 86400)
		*to = *from + CASES_WINDOW_MAX_DAYS * 86400;
	if (*to <= *from)
		*to = *from + 1;
}
