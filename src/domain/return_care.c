/*
 * return_care.c — see return_care.h.
 */
#include "domain/return_care.h"

#include <stdio.h>
#include <string.h>

#include "domain/codes.h"
#include "util/date.h"

static const struct {
	const char *code, *zh;
} reasons[] = {
	{ "illness", "生病" },           { "quarantine", "隔离观察" },
	{ "travel", "交通受阻或未解封" }, { "family", "家庭原因" },
	{ "other", "其他" },
};

int return_care_reason_valid(const char *reason)
{
	for (size_t i = 0; reason && i < sizeof reasons / sizeof reasons[0]; i++)
		if (!strcmp(reason, reasons[i].code))
			return 1;
	return 0;
}

const char *return_care_reason_zh(const char *reason)
{
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (!strcmp(reason, reasons[i].code))
			return reasons[i].zh;
	return reason;
}

static int opt_date(const char *v, const char *field, jy_err *err)
{
	int32_t day;
	if (v && *v && date_parse(v, &day))
		return err_at(err, JY_EINVAL, NULL, 0, field, "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	return 0;
}

int return_care_absence_put(store *s, int64_t school_id, int64_t person_id, const char *reason,
			    const char *detail, const char *expected_date, int64_t user_id,
			    int64_t *id, jy_err *err)
{
	if (!return_care_reason_valid(reason))
		return err_at(err, JY_EINVAL, NULL, 0, "reason",
			      "原因应为 illness/quarantine/travel/family/other (reason must be illness, quarantine, travel, family or other)");
	if (detail && strlen(detail) > 255)
		return err_at(err, JY_EINVAL, NULL, 0, "detail", "说明过长 (detail too long, max 255 bytes)");
	int rc = opt_date(expected_date, "expected_date", err);
	if (rc)
		return rc;
	person_rec p;
	if ((rc = store_person_get(s, person_id, &p, err)))
		return rc;
	if (p.school_id != school_id)
		return err_set(err, JY_ENOENT, "没有这个人 (no such person)");
	return_absence_rec a;
	rc = store_return_absence_open_for(s, person_id, &a, err);
	if (rc && rc != JY_ENOENT)
		return rc;
	int open = rc == 0;
	if (!open) {
		memset(&a, 0, sizeof a);
		a.school_id = school_id;
		a.person_id = person_id;
		a.recorded_by = user_id;
	}
	snprintf(a.reason, sizeof a.reason, "%s", reason);
	snprintf(a.detail, sizeof a.detail, "%s", detail ? detail : "");
	snprintf(a.expected_date, sizeof a.expected_date, "%s", expected_date ? expected_date : "");
	if (open) {
		if (id)
			*id = a.id;
		return store_return_absence_update(s, &a, err);
	}
	return store_return_absence_add(s, &a, id, err);
}

int return_care_returned(store *s, int64_t id, const char *returned_date, jy_err *err)
{
	int32_t day;
	if (!returned_date || date_parse(returned_date, &day))
		return err_at(err, JY_EINVAL, NULL, 0, "returned_date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	return_absence_rec a;
	int rc = store_return_absence_get(s, id, &a, err);
	if (rc)
		return rc;
	snprintf(a.returned_date, sizeof a.returned_date, "%s", returned_date);
	return store_return_absence_update(s, &a, err);
}

int return_care_plan_put(store *s, int64_t absence_id, const char *tutor_no, const char *tutor_name,
			 const char *plan, int sessions_planned, int64_t user_id, int64_t *id,
			 jy_err *err)
{
	return_absence_rec a;
	int rc = store_return_absence_get(s, absence_id, &a, err);
	if (rc)
		return rc;
	tutoring_plan_rec t;
	memset(&t, 0, sizeof t);
	t.school_id = a.school_id;
	t.absence_id = absence_id;
	if (tutor_no && *tutor_no) {
		person_rec p;
		if (store_person_find(s, a.school_id, tutor_no, &p, NULL) != 0 || strcmp(p.kind, "staff"))
			return err_at(err, JY_EINVAL, NULL, 0, "tutor_no", "没有这个工号的教职工 (no staff member with this number)");
		t.tutor_id = p.id;
		snprintf(t.tutor_name, sizeof t.tutor_name, "%s", p.name);
	} else if (tutor_name && *tutor_name && strlen(tutor_name) < sizeof t.tutor_name) {
		snprintf(t.tutor_name, sizeof t.tutor_name, "%s", tutor_name);
	} else {
		return err_at(err, JY_EINVAL, NULL, 0, "tutor_no", "需要辅导教师 (tutor_no or tutor is required)");
	}
	if (plan && strlen(plan) >= sizeof t.plan)
		return err_at(err, JY_EINVAL, NULL, 0, "plan", "计划过长 (plan too long, max 511 bytes)");
	if (sessions_planned < 0 || sessions_planned > 1000)
		return err_at(err, JY_EINVAL, NULL, 0, "sessions_planned", "课次应为 0–1000 (sessions_planned must be 0–1000)");
	snprintf(t.plan, sizeof t.plan, "%s", plan ? plan : "");
	t.sessions_planned = sessions_planned;
	t.updated_by = user_id;
	return store_tutoring_plan_put(s, &t, id, err);
}

int return_care_session_add(store *s, int64_t plan_id, const char *date, int minutes,
			    const char *topic, const char *progress, int64_t user_id, int64_t *id,
			    jy_err *err)
{
	int32_t day;
	if (!date || date_parse(date, &day))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	if (minutes < 0 || minutes > 24 * 60)
		return err_at(err, JY_EINVAL, NULL, 0, "minutes", "时长应为 0–1440 分钟 (minutes must be 0–1440)");
	tutoring_session_rec t;
	memset(&t, 0, sizeof t);
	if (topic && strlen(topic) >= sizeof t.topic)
		return err_at(err, JY_EINVAL, NULL, 0, "topic", "内容过长 (topic too long)");
	if (progress && strlen(progress) >= sizeof t.progress)
		return err_at(err, JY_EINVAL, NULL, 0, "progress", "进度说明过长 (progress too long)");
	tutoring_plan_rec p;
	int rc = store_tutoring_plan_get(s, plan_id, &p, err);
	if (rc)
		return rc;
	t.school_id = p.school_id;
	t.plan_id = plan_id;
	snprintf(t.date, sizeof t.date, "%s", date);
	t.minutes = minutes;
	snprintf(t.topic, sizeof t.topic, "%s", topic ? topic : "");
	snprintf(t.progress, sizeof t.progress, "%s", progress ? progress : "");
	t.recorded_by = user_id;
	return store_tutoring_session_add(s, &t, id, err);
}

int return_care_carer_put(store *s, int64_t school_id, int64_t person_id, const char *group,
			  const char *carer_no, const char *note, int64_t user_id, jy_err *err)
{
	person_rec p, c;
	int rc = store_person_get(s, person_id, &p, err);
	if (rc)
		return rc;
	if (p.school_id != school_id)
		return err_set(err, JY_ENOENT, "没有这个人 (no such person)");
	if (!group || !codes_list_has(p.flags, group))
		return err_at(err, JY_EINVAL, NULL, 0, "group",
			      "此人不属于该重点群体 (the person is not in this key group; see person.key_groups)");
	if (!carer_no || store_person_find(s, school_id, carer_no, &c, NULL) != 0 || strcmp(c.kind, "staff") || !c.active)
		return err_at(err, JY_EINVAL, NULL, 0, "carer_no", "没有这个工号的在职教职工 (no staff member with this number)");
	if (note && strlen(note) > 255)
		return err_at(err, JY_EINVAL, NULL, 0, "note", "备注过长 (note too long, max 255 bytes)");
	key_carer_rec k;
	memset(&k, 0, sizeof k);
	k.school_id = school_id;
	k.person_id = person_id;
	snprintf(k.group_code, sizeof k.group_code, "%s", group);
	k.carer_id = c.id;
	snprintf(k.note, sizeof k.note, "%s", note ? note : "");
	k.assigned_by = user_id;
	return store_key_carer_put(s, &k, err);
}
