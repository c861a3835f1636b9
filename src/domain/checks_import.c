/*
 * checks_import.c — see checks_import.h.
 */
#include "domain/checks_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/checks.h"
#include "domain/codes.h"
#include "util/date.h"

enum { K_DATE, K_SESSION, K_NUMBER, K_STATUS, K_TEMP, K_SYMPTOMS, K_DIAG, K_COUNT };
static const char *const names[K_COUNT] = { "date", "session", "student_no", "status",
					    "temperature", "symptoms", "diagnosis" };

typedef struct irow {
	long rownum;
	int64_t class_id;
	char date[11], session[8];
	check_exception ex;
} irow;

static int cmp_group(const void *a, const void *b)
{
	const irow *x = a, *y = b;
	if (x->class_id != y->class_id)
		return x->class_id < y->class_id ? -1 : 1;
	int c = strcmp(x->date, y->date);
	if (c)
		return c;
	c = strcmp(x->session, y->session);
	if (c)
		return c;
	c = strcmp(x->ex.number, y->ex.number);
	return c ? c : (x->rownum > y->rownum) - (x->rownum < y->rownum);
}

int checks_import(store *s, const table *t, const char *name, checks_import_report *rep,
		  jy_errlist *errors, jy_err *err)
{
	memset(rep, 0, sizeof *rep);
	if (t->nrows == 0)
		return errlist_at(errors, JY_EINVAL, name, 1, "", "文件为空 (the file is empty)"), JY_EINVAL;
	int map[K_COUNT];
	for (int k = 0; k < K_COUNT; k++) {
		map[k] = -1;
		for (size_t j = 0; j < t->ncells[0]; j++)
			if (!strcmp(table_cell(t, 0, j), names[k]))
				map[k] = (int)j;
		if (map[k] < 0 && k != K_TEMP && k != K_SYMPTOMS && k != K_DIAG && k != K_STATUS)
			errlist_at(errors, JY_EINVAL, name, t->rownum[0], names[k],
				   "缺少必填列 (missing required column) %s", names[k]);
	}
	if (errors->n_total)
		return JY_EINVAL;
	school_rec sc;
	int rc = store_school_default(s, &sc, err);
	if (rc)
		return rc;
	irow *rows = calloc(t->nrows, sizeof *rows);
	if (!rows)
		return err_set(err, JY_ENOMEM, "out of memory");
	size_t n = 0;
	int32_t dmin = 0, dmax = 0;
#define CELL(k) (map[k] >= 0 ? table_cell(t, i, (size_t)map[k]) : "")
	for (size_t i = 1; i < t->nrows; i++) {
		long rn = t->rownum[i];
		irow *r = &rows[n];
		memset(r, 0, sizeof *r);
		r->rownum = rn;
		int bad = 0;
		int32_t day;
		if (date_parse(CELL(K_DATE), &day)) {
			errlist_at(errors, JY_EINVAL, name, rn, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD): '%.20s'", CELL(K_DATE));
			bad = 1;
		} else {
			snprintf(r->date, sizeof r->date, "%s", CELL(K_DATE));
			if (!n || day < dmin)
				dmin = day;
			if (!n || day > dmax)
				dmax = day;
		}
		if (!codes_session_valid(CELL(K_SESSION))) {
			errlist_at(errors, JY_EINVAL, name, rn, "session", "时段应为 morning/noon/evening (session): '%.20s'", CELL(K_SESSION));
			bad = 1;
		} else {
			snprintf(r->session, sizeof r->session, "%s", CELL(K_SESSION));
		}
		person_rec p;
		snprintf(r->ex.number, sizeof r->ex.number, "%s", CELL(K_NUMBER));
		if (store_person_find(s, sc.id, r->ex.number, &p, NULL) != 0 || strcmp(p.kind, "student") || !p.class_id) {
			errlist_at(errors, JY_EINVAL, name, rn, "student_no", "没有这个学号的在籍学生 (no such student): '%.40s'", CELL(K_NUMBER));
			bad = 1;
		} else {
			r->class_id = p.class_id;
			r->ex.person_id = p.id;
		}
		const char *st = CELL(K_STATUS);
		if (*st && !codes_status_valid(st)) {
			errlist_at(errors, JY_EINVAL, name, rn, "status", "状态应为 present/absent_sick/absent_other/absent_unknown: '%.20s'", st);
			bad = 1;
		}
		snprintf(r->ex.status, sizeof r->ex.status, "%s", *st ? st : "present");
		const char *tv = CELL(K_TEMP);
		r->ex.temperature = -1;
		if (*tv) {
			char *end;
			double v = strtod(tv, &end);
			if (*end || v < 34.0 || v > 43.0) {
				errlist_at(errors, JY_EINVAL, name, rn, "temperature", "体温应为 34.0–43.0 之间的数 (temperature must be 34.0–43.0): '%.20s'", tv);
				bad = 1;
			} else {
				r->ex.temperature = v;
			}
		}
		char parsed[160], badcode[64];
		if (codes_parse_symptoms(CELL(K_SYMPTOMS), parsed, sizeof parsed, badcode, sizeof badcode)) {
			errlist_at(errors, JY_EINVAL, name, rn, "symptoms", "未知症状 (unknown symptom): '%s'", badcode);
			bad = 1;
		}
		snprintf(r->ex.symptoms, sizeof r->ex.symptoms, "%s", CELL(K_SYMPTOMS));
		const char *dg = CELL(K_DIAG);
		if (*dg && !codes_diagnosis(dg)) {
			errlist_at(errors, JY_EINVAL, name, rn, "diagnosis", "未知诊断 (unknown diagnosis): '%.24s'", dg);
			bad = 1;
		}
		snprintf(r->ex.diagnosis, sizeof r->ex.diagnosis, "%s", dg);
		if (!bad)
			n++;
	}
#undef CELL
	rep->rows = (long)(t->nrows - 1);
	qsort(rows, n, sizeof *rows, cmp_group);
	for (size_t i = 1; i < n; i++)
		if (rows[i].class_id == rows[i - 1].class_id && !strcmp(rows[i].date, rows[i - 1].date) &&
		    !strcmp(rows[i].session, rows[i - 1].session) &&
		    !strcmp(rows[i].ex.number, rows[i - 1].ex.number))
			errlist_at(errors, JY_EINVAL, name, rows[i].rownum, "student_no",
				   "同一学生同一时段重复 (the same student twice for one date and session; first at row %ld)",
				   rows[i - 1].rownum);
	if (errors->n_total) {
		free(rows);
		return JY_EINVAL;
	}
	rc = store_begin(s, err);
	for (size_t i = 0; !rc && i < n;) {
		size_t j = i;
		while (j < n && rows[j].class_id == rows[i].class_id && !strcmp(rows[j].date, rows[i].date) &&
		       !strcmp(rows[j].session, rows[i].session))
			j++;
		check_exception *ex = malloc((j - i) * sizeof *ex);
		if (!ex) {
			rc = err_set(err, JY_ENOMEM, "out of memory");
			break;
		}
		for (size_t k = i; k < j; k++)
			ex[k - i] = rows[k].ex;
		check_result res;
		rc = checks_submit(s, sc.id, rows[i].class_id, rows[i].date, rows[i].session, 0, "import",
				   ex, j - i, 0, &res, err);
		free(ex);
		if (!rc) {
			errlist_free(&res.warnings);
			rep->submissions++;
		} else if (err) {
			err->row = rows[i].rownum;
			snprintf(err->file, sizeof err->file, "%s", name);
		}
		i = j;
	}
	if (!rc && n) {
		char from[11], to[11];
		date_format(dmin, from);
		date_format(dmax, to);
		alert_changes ch;
		rc = alerts_evaluate(s, sc.id, from, to, NULL, &ch, err);
		for (size_t k = 0; !rc && k < ch.n; k++) {
			rep->alerts_created += ch.items[k].created;
			rep->alerts_updated += !ch.items[k].created;
		}
	}
	free(rows);
	if (rc) {
		store_rollback(s);
		rep->submissions = rep->alerts_created = rep->alerts_updated = 0;
		return rc;
	}
	return store_commit(s, err);
}
