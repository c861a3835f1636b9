/*
 * checks.c — see checks.h.
 */
#include "domain/checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/codes.h"
#include "util/date.h"

typedef struct class_roster {
	int64_t *ids;
	char (*numbers)[40];
	size_t n, cap;
	int oom;
} class_roster;

static int add_student(void *ctx, int64_t person_id, const char *number)
{
	class_roster *r = ctx;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		int64_t *ids = realloc(r->ids, cap * sizeof *ids);
		if (!ids)
			return r->oom = 1;
		r->ids = ids;
		char(*nums)[40] = realloc(r->numbers, cap * sizeof *nums);
		if (!nums)
			return r->oom = 1;
		r->numbers = nums;
		r->cap = cap;
	}
	r->ids[r->n] = person_id;
	snprintf(r->numbers[r->n], 40, "%s", number);
	r->n++;
	return 0;
}

static int field_err(jy_err *err, const char *prefix, size_t i, const char *field,
		     const char *msg)
{
	char col[96];
	snprintf(col, sizeof col, "%s[%zu].%s", prefix, i, field);
	return err_at(err, JY_EINVAL, NULL, 0, col, "%s", msg);
}

/* Add "fever" to a symptom list when the temperature says so. */
static void with_fever(const char *symptoms, double temperature, char *out, size_t size)
{
	snprintf(out, size, "%s", symptoms);
	if (temperature >= FEVER_C && !codes_list_has(symptoms, "fever")) {
		char bad[8];
		char joined[200];
		snprintf(joined, sizeof joined, "%s,fever", symptoms);
		codes_parse_symptoms(joined, out, size, bad, sizeof bad);
	}
}

/* Append the codes of one record to a comma list (for the rules to run). */
static void add_codes(char *codes, size_t size, const char *symptoms, const char *syndromes,
		      const char *diagnosis)
{
	const char *lists[] = { symptoms, syndromes, diagnosis };
	for (int k = 0; k < 3; k++) {
		char buf[200];
		snprintf(buf, sizeof buf, "%s", lists[k]);
		char *save = NULL;
		for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (codes_list_has(codes, t))
				continue;
			size_t n = strlen(codes);
			snprintf(codes + n, size - n, "%s%s", n ? "," : "", t);
		}
	}
}

/* The open absences of a class, one per person (the newest), by person id:
 * read in one query for the whole check instead of one per student. */
typedef struct open_absences {
	absence_rec *a;
	size_t n, cap;
	int oom;
} open_absences;

static int add_open(void *ctx, const absence_rec *a)
{
	open_absences *o = ctx;
	if (o->n && o->a[o->n - 1].person_id == a->person_id)
		return 0; /* an older one of the same person */
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 8;
		absence_rec *g = realloc(o->a, cap * sizeof *g);
		if (!g)
			return o->oom = 1;
		o->a = g;
		o->cap = cap;
	}
	o->a[o->n++] = *a;
	return 0;
}

static const absence_rec *open_of(const open_absences *o, int64_t person_id)
{
	size_t lo = 0, hi = o->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->a[mid].person_id < person_id)
			lo = mid + 1;
		else if (o->a[mid].person_id > person_id)
			hi = mid;
		else
			return &o->a[mid];
	}
	return NULL;
}

/* Apply the absence rules to one entry (inside the transaction); open: the
 * person's open absence, NULL when none. */
static int follow_absence(store *s, int64_t school_id, const char *date, check_entry_rec *e,
			  const absence_rec *open_rec, const char *number, jy_errlist *warnings,
			  jy_err *err)
{
	absence_rec a;
	int open = open_rec != NULL;
	if (open)
		a = *open_rec;
	if (!strcmp(e->status, "absent_sick")) {
		if (!open) {
			memset(&a, 0, sizeof a);
			a.school_id = school_id;
			a.person_id = e->person_id;
			snprintf(a.first_absent_date, sizeof a.first_absent_date, "%s", date);
			snprintf(a.onset_date, sizeof a.onset_date, "%s", date);
			snprintf(a.symptoms, sizeof a.symptoms, "%s", e->symptoms);
			snprintf(a.diagnosis, sizeof a.diagnosis, "%s", e->diagnosis);
			const code_name *d = e->diagnosis[0] ? codes_diagnosis(e->diagnosis) : NULL;
			a.note_required = d && d->notifiable;
			return store_absence_add(s, &a, NULL, err);
		}
		int changed = 0;
		if (e->diagnosis[0] && strcmp(e->diagnosis, a.diagnosis)) {
			snprintf(a.diagnosis, sizeof a.diagnosis, "%s", e->diagnosis);
			const code_name *d = codes_diagnosis(e->diagnosis);
			a.note_required |= d && d->notifiable;
			changed = 1;
		}
		if (e->symptoms[0] && strcmp(e->symptoms, a.symptoms)) {
			snprintf(a.symptoms, sizeof a.symptoms, "%s", e->symptoms);
			changed = 1;
		}
		return changed ? store_absence_update(s, &a, err) : 0;
	}
	if (!open || strcmp(e->status, "present"))
		return 0;
	if (a.note_required && !a.note_recorded_at) {
		/* Back without the doctor's note: not yet counted as present. */
		snprintf(e->status, sizeof e->status, "absent_sick");
		errlist_at(warnings, 0, NULL, 0, number,
			   "%s 因%s缺勤，需先登记复课证明才能计为到校 (needs a doctor's note before counting as present)",
			   number, a.diagnosis[0] ? codes_diagnosis(a.diagnosis)->zh : "病");
		return 0;
	}
	snprintf(a.status, sizeof a.status, "returned");
	snprintf(a.return_date, sizeof a.return_date, "%s", date);
	return store_absence_update(s, &a, err);
}

int checks_submit(store *s, int64_t school_id, int64_t class_id, const char *date,
		  const char *session, int64_t user_id, const char *source,
		  const check_exception *ex, size_t n, int run_rules, check_result *res,
		  jy_err *err)
{
	memset(res, 0, sizeof *res);
	int32_t day;
	if (date_parse(date, &day))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD): %.20s", date);
	if (!codes_session_valid(session))
		return err_at(err, JY_EINVAL, NULL, 0, "session", "检查时段应为 morning/noon/evening (session must be morning, noon or evening)");
	class_rec cls;
	int rc = store_class_get(s, class_id, &cls, err);
	if (rc)
		return rc == JY_ENOENT ? err_at(err, JY_EINVAL, NULL, 0, "class_id", "没有这个班级 (no such class)") : rc;
	if (cls.school_id != school_id)
		return err_at(err, JY_EINVAL, NULL, 0, "class_id", "班级不属于本校 (class of another school)");
	class_roster roster = { 0 };
	rc = store_class_students(s, class_id, add_student, &roster, err);
	check_entry_rec *entries = calloc(roster.n ? roster.n : 1, sizeof *entries);
	if (!rc && (!entries || roster.oom))
		rc = err_set(err, JY_ENOMEM, "out of memory");
	if (rc)
		goto out;
	for (size_t i = 0; i < roster.n; i++) {
		entries[i].person_id = roster.ids[i];
		snprintf(entries[i].status, sizeof entries[i].status, "present");
		entries[i].temperature = -1;
	}
	/* The exceptions. */
	for (size_t i = 0; i < n; i++) {
		size_t k;
		for (k = 0; k < roster.n; k++)
			if ((ex[i].person_id && ex[i].person_id == roster.ids[k]) ||
			    (!ex[i].person_id && !strcmp(ex[i].number, roster.numbers[k])))
				break;
		if (k == roster.n) {
			rc = field_err(err, "entries", i, ex[i].person_id ? "person_id" : "student_no",
				       "不是本班在籍学生 (not a student of this class)");
			goto out;
		}
		check_entry_rec *e = &entries[k];
		if (ex[i].status[0]) {
			if (!codes_status_valid(ex[i].status)) {
				rc = field_err(err, "entries", i, "status",
					       "状态应为 present/absent_sick/absent_other/absent_unknown");
				goto out;
			}
			snprintf(e->status, sizeof e->status, "%s", ex[i].status);
		}
		if (ex[i].temperature >= 0) {
			if (ex[i].temperature < 34.0 || ex[i].temperature > 43.0) {
				rc = field_err(err, "entries", i, "temperature",
					       "体温应在 34.0–43.0 °C 之间 (temperature must be 34.0–43.0 °C)");
				goto out;
			}
			e->temperature = ex[i].temperature;
		}
		char bad[64];
		if (codes_parse_symptoms(ex[i].symptoms, e->symptoms, sizeof e->symptoms, bad, sizeof bad)) {
			char msg[160];
			snprintf(msg, sizeof msg, "未知症状 (unknown symptom): %s", bad);
			rc = field_err(err, "entries", i, "symptoms", msg);
			goto out;
		}
		if (ex[i].diagnosis[0]) {
			const code_name *d = codes_diagnosis(ex[i].diagnosis);
			if (!d) {
				rc = field_err(err, "entries", i, "diagnosis", "未知诊断 (unknown diagnosis)");
				goto out;
			}
			snprintf(e->diagnosis, sizeof e->diagnosis, "%s", d->code);
		}
	}

	char codes[512] = "";
	rc = store_begin(s, err);
	if (rc)
		goto out;
	open_absences opens = { 0 };
	rc = store_absence_open_in_class(s, class_id, add_open, &opens, err);
	if (!rc && opens.oom)
		rc = err_set(err, JY_ENOMEM, "out of memory");
	for (size_t i = 0; i < roster.n && !rc; i++)
		rc = follow_absence(s, school_id, date, &entries[i],
				    open_of(&opens, entries[i].person_id), roster.numbers[i],
				    &res->warnings, err);
	free(opens.a);
	if (!rc)
		rc = store_check_submit(s, school_id, class_id, date, session, user_id, source, entries,
					roster.n, &res->submission_id, &res->version, err);
	if (!rc)
		rc = store_event_drop_check(s, class_id, date, session, res->submission_id, err);
	int64_t now = (int64_t)time(NULL);
	for (size_t i = 0; i < roster.n && !rc; i++) {
		check_entry_rec *e = &entries[i];
		res->present += !strcmp(e->status, "present");
		res->absent_sick += !strcmp(e->status, "absent_sick");
		res->absent_other += !strcmp(e->status, "absent_other");
		res->absent_unknown += !strcmp(e->status, "absent_unknown");
		res->symptomatic += e->symptoms[0] != 0;
		res->febrile += e->temperature >= FEVER_C;
		if (!e->symptoms[0] && !e->diagnosis[0] && e->temperature < FEVER_C)
			continue;
		health_event_rec ev;
		memset(&ev, 0, sizeof ev);
		ev.school_id = school_id;
		ev.person_id = e->person_id;
		snprintf(ev.date, sizeof ev.date, "%s", date);
		ev.at = now;
		snprintf(ev.source, sizeof ev.source, "check");
		ev.temperature = e->temperature;
		with_fever(e->symptoms, e->temperature, ev.symptoms, sizeof ev.symptoms);
		codes_syndromes(e->temperature, ev.symptoms, ev.syndromes, sizeof ev.syndromes);
		snprintf(ev.diagnosis, sizeof ev.diagnosis, "%s", e->diagnosis);
		ev.recorded_by = user_id;
		ev.submission_id = res->submission_id;
		add_codes(codes, sizeof codes, ev.symptoms, ev.syndromes, ev.diagnosis);
		rc = store_event_add(s, &ev, NULL, err);
	}
	if (rc) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, err);
	if (rc)
		goto out;
	res->students = (int)roster.n;
	/* A correction may also remove cases; rules for codes that vanished are
	 * not re-run here (alerts are never withdrawn automatically). */
	if (codes[0] && run_rules)
		rc = alerts_evaluate_class(s, school_id, class_id, date, date, codes, &res->alerts, err);
out:
	free(entries);
	free(roster.ids);
	free(roster.numbers);
	if (rc)
		errlist_free(&res->warnings);
	return rc;
}

int checks_record_event(store *s, int64_t school_id, int64_t person_id, const char *date,
			const char *source, double temperature, const char *symptoms,
			const char *diagnosis, const char *note, int64_t user_id,
			alert_changes *alerts, jy_err *err)
{
	int32_t day;
	if (date_parse(date, &day))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	if (strcmp(source, "observation") && strcmp(source, "clinic"))
		return err_at(err, JY_EINVAL, NULL, 0, "source", "来源应为 observation 或 clinic (source must be observation or clinic)");
	if (temperature >= 0 && (temperature < 34.0 || temperature > 43.0))
		return err_at(err, JY_EINVAL, NULL, 0, "temperature", "体温应在 34.0–43.0 °C 之间 (temperature must be 34.0–43.0 °C)");
	health_event_rec ev;
	memset(&ev, 0, sizeof ev);
	char parsed[160], bad[64];
	if (codes_parse_symptoms(symptoms ? symptoms : "", parsed, sizeof parsed, bad, sizeof bad))
		return err_at(err, JY_EINVAL, NULL, 0, "symptoms", "未知症状 (unknown symptom): %s", bad);
	if (diagnosis && *diagnosis) {
		const code_name *d = codes_diagnosis(diagnosis);
		if (!d)
			return err_at(err, JY_EINVAL, NULL, 0, "diagnosis", "未知诊断 (unknown diagnosis)");
		snprintf(ev.diagnosis, sizeof ev.diagnosis, "%s", d->code);
	}
	ev.school_id = school_id;
	ev.person_id = person_id;
	snprintf(ev.date, sizeof ev.date, "%s", date);
	snprintf(ev.source, sizeof ev.source, "%s", source);
	ev.temperature = temperature;
	with_fever(parsed, temperature, ev.symptoms, sizeof ev.symptoms);
	codes_syndromes(temperature, ev.symptoms, ev.syndromes, sizeof ev.syndromes);
	snprintf(ev.note, sizeof ev.note, "%s", note ? note : "");
	ev.recorded_by = user_id;
	int rc = store_event_add(s, &ev, NULL, err);
	if (rc)
		return rc;
	char codes[512] = "";
	add_codes(codes, sizeof codes, ev.symptoms, ev.syndromes, ev.diagnosis);
	if (alerts)
		alerts->n = 0;
	return codes[0] ? alerts_evaluate(s, school_id, date, date, codes, alerts, err) : 0;
}

int checks_record_note(store *s, int64_t absence_id, int64_t user_id, jy_err *err)
{
	absence_rec a;
	int rc = store_absence_get(s, absence_id, &a, err);
	if (rc)
		return rc;
	(void)user_id;
	a.note_recorded_at = (int64_t)time(NULL);
	return store_absence_update(s, &a, err);
}
