/*
 * surveillance.c — the SQL of the daily surveillance (see surveillance.h).
 *
 * Checks are versioned: a correction inserts a new submission with the next
 * version and all its entries; readers take the highest version of each
 * (class, date, session).  Events derived from a check point at their
 * submission, so a correction replaces them.
 */
#include "store/surveillance.h"

#include <stdlib.h>

#include "store/store_int.h"

static void bind_temp(db_stmt *st, int idx, double t)
{
	if (t < 0)
		db_bind_null(st, idx);
	else
		db_bind_double(st, idx, t);
}

static double col_temp(db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? -1 : db_col_double(st, col);
}

static int run(db_stmt *st, jy_err *err)
{
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- checks ---- */

/* The flagged entries of a submission, counted as the district overview
 * counted them from check_entry (and as migration 014 backfilled them):
 * a temperature at or above 37.3 °C is febrile, any symptom symptomatic. */
typedef struct check_counts {
	int64_t absent_sick, absent_other, absent_unknown, symptomatic, febrile;
} check_counts;

static void check_count_entries(const check_entry_rec *e, size_t n, check_counts *c)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < n; i++) {
		c->absent_sick += !strcmp(e[i].status, "absent_sick");
		c->absent_other += !strcmp(e[i].status, "absent_other");
		c->absent_unknown += !strcmp(e[i].status, "absent_unknown");
		c->symptomatic += e[i].symptoms[0] != 0;
		c->febrile += e[i].temperature >= 37.3;
	}
}

/* A growing PostgreSQL array literal: {1,2} or {"a","b"}. */
typedef struct pg_array {
	char *p;
	size_t n, cap;
	int oom;
} pg_array;

static void arr_put(pg_array *a, const char *text, size_t len)
{
	if (a->oom)
		return;
	if (a->n + len + 2 > a->cap) {
		size_t cap = a->cap ? a->cap : 256;
		while (a->n + len + 2 > cap)
			cap *= 2;
		char *g = realloc(a->p, cap);
		if (!g) {
			a->oom = 1;
			return;
		}
		a->p = g;
		a->cap = cap;
	}
	memcpy(a->p + a->n, text, len);
	a->n += len;
	a->p[a->n] = 0;
}

/* Add an element: text quoted (NULL: SQL NULL), or a number as it is. */
static void arr_add(pg_array *a, const char *text, int quoted)
{
	arr_put(a, a->n ? "," : "{", 1);
	if (!text) {
		arr_put(a, "NULL", 4);
		return;
	}
	if (!quoted) {
		arr_put(a, text, strlen(text));
		return;
	}
	arr_put(a, "\"", 1);
	for (const char *c = text; *c; c++) {
		if (*c == '"' || *c == '\\')
			arr_put(a, "\\", 1);
		arr_put(a, c, 1);
	}
	arr_put(a, "\"", 1);
}

/* PostgreSQL: all the entries of a submission in one INSERT (a statement
 * per entry costs the server its parse, plan and executor start each). */
static int insert_entries_pg(store *s, int64_t sid, int64_t school_id,
			     const check_entry_rec *entries, size_t n, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO check_entry (submission_id, school_id, person_id, status, temperature, "
		"symptoms, diagnosis) SELECT ?, ?, u.p, u.st, u.t, u.sy, u.d FROM unnest("
		"CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS DOUBLE PRECISION[]), "
		"CAST(? AS TEXT[]), CAST(? AS TEXT[])) AS u(p, st, t, sy, d)";
	if (!n)
		return 0;
	pg_array cols[5] = { { 0 } };
	for (size_t i = 0; i < n; i++) {
		char num[40];
		snprintf(num, sizeof num, "%lld", (long long)entries[i].person_id);
		arr_add(&cols[0], num, 0);
		arr_add(&cols[1], entries[i].status, 1);
		snprintf(num, sizeof num, "%.17g", entries[i].temperature);
		arr_add(&cols[2], entries[i].temperature < 0 ? NULL : num, 0);
		arr_add(&cols[3], entries[i].symptoms, 1);
		arr_add(&cols[4], entries[i].diagnosis, 1);
	}
	int rc = 0;
	for (int k = 0; k < 5; k++) {
		arr_put(&cols[k], "}", 1);
		if (cols[k].oom)
			rc = err_set(err, JY_ENOMEM, "out of memory");
	}
	db_stmt *st = rc ? NULL : db_stmt_get(s->db, sql, err);
	if (!rc && !st)
		rc = JY_EDB;
	if (!rc) {
		db_bind_i64(st, 1, sid);
		db_bind_i64(st, 2, school_id);
		for (int k = 0; k < 5; k++)
			db_bind_text(st, 3 + k, cols[k].p);
		rc = run(st, err);
	}
	for (int k = 0; k < 5; k++)
		free(cols[k].p);
	return rc;
}

int store_check_submit(store *s, int64_t school_id, int64_t class_id, const char *date,
		       const char *session, int64_t user_id, const char *source,
		       const check_entry_rec *entries, size_t n, int64_t *id, int *version,
		       jy_err *err)
{
	/* The next version, taken in the INSERT (one round trip, not two). */
	static const char ins[] =
		"INSERT INTO check_submission (school_id, class_id, date, session, version, "
		"submitted_by, submitted_at, source, entries, absent_sick, absent_other, "
		"absent_unknown, symptomatic, febrile) "
		"SELECT ?1, ?2, ?3, ?4, COALESCE(MAX(v.version), 0) + 1, ?5, ?6, ?7, ?8, ?9, ?10, "
		"?11, ?12, ?13 FROM check_submission v "
		"WHERE v.class_id = ?2 AND v.date = ?3 AND v.session = ?4 RETURNING id, version";
	static const char ent[] =
		"INSERT INTO check_entry (submission_id, school_id, person_id, status, temperature, "
		"symptoms, diagnosis) VALUES (?,?,?,?,?,?,?)";
	int rc = db_begin(s->db, err);
	if (rc)
		return rc;
	db_stmt *st = db_stmt_get(s->db, ins, err);
	if (!st) {
		rc = JY_EDB;
		goto out;
	}
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, class_id);
	db_bind_text(st, 3, date);
	db_bind_text(st, 4, session);
	bind_id(st, 5, user_id);
	db_bind_i64(st, 6, now_s());
	db_bind_text(st, 7, source);
	check_counts c;
	check_count_entries(entries, n, &c);
	db_bind_i64(st, 8, (int64_t)n);
	db_bind_i64(st, 9, c.absent_sick);
	db_bind_i64(st, 10, c.absent_other);
	db_bind_i64(st, 11, c.absent_unknown);
	db_bind_i64(st, 12, c.symptomatic);
	db_bind_i64(st, 13, c.febrile);
	int64_t sid = 0, v = 0;
	rc = db_step(st, err);
	if (rc == 1) {
		sid = db_col_i64(st, 0);
		v = db_col_i64(st, 1);
	}
	db_done(st);
	if (rc != 1) {
		rc = rc < 0 ? rc : err_set(err, JY_EDB, "check submission not inserted");
		goto out;
	}
	rc = 0;
	if (!strcmp(store_backend(s), "postgres")) {
		rc = insert_entries_pg(s, sid, school_id, entries, n, err);
		n = 0;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		if (!(st = db_stmt_get(s->db, ent, err))) {
			rc = JY_EDB;
			goto out;
		}
		db_bind_i64(st, 1, sid);
		db_bind_i64(st, 2, school_id);
		db_bind_i64(st, 3, entries[i].person_id);
		db_bind_text(st, 4, entries[i].status);
		bind_temp(st, 5, entries[i].temperature);
		db_bind_text(st, 6, entries[i].symptoms);
		db_bind_text(st, 7, entries[i].diagnosis);
		rc = run(st, err);
	}
	if (rc)
		goto out;
	*id = sid;
	*version = (int)v;
out:
	if (rc) {
		db_rollback(s->db);
		return rc;
	}
	return db_commit(s->db, err);
}

int store_class_students(store *s, int64_t class_id, store_student_cb cb, void *ctx,
			 jy_err *err)
{
	static const char sql[] = "SELECT id, number FROM person WHERE class_id = ? "
				  "AND kind = 'student' AND active = 1 ORDER BY id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, class_id);
	return store_each_id_text(st, cb, ctx, err);
}

#define CURRENT_VERSION(alias)                                                                 \
	"(SELECT MAX(v.version) FROM check_submission v WHERE v.class_id = " alias ".class_id " \
	"AND v.date = " alias ".date AND v.session = " alias ".session)"

int store_check_current(store *s, int64_t class_id, const char *date, const char *session,
			int *version, store_check_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT cs.version, e.person_id, p.number, p.name, e.status, e.temperature, "
		"e.symptoms, e.diagnosis FROM check_submission cs "
		"JOIN check_entry e ON e.submission_id = cs.id JOIN person p ON p.id = e.person_id "
		"WHERE cs.class_id = ? AND cs.date = ? AND cs.session = ? AND cs.version = "
		CURRENT_VERSION("cs") " ORDER BY p.number";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, class_id);
	db_bind_text(st, 2, date);
	db_bind_text(st, 3, session);
	*version = 0;
	int rc;
	check_row r;
	while ((rc = db_step(st, err)) == 1) {
		*version = (int)db_col_i64(st, 0);
		r.person_id = db_col_i64(st, 1);
		COPY_COL(r.number, st, 2);
		COPY_COL(r.name, st, 3);
		COPY_COL(r.status, st, 4);
		r.temperature = col_temp(st, 5);
		COPY_COL(r.symptoms, st, 6);
		COPY_COL(r.diagnosis, st, 7);
		if (cb && cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- census ---- */

int store_census(store *s, int64_t school_id, const char *date, const char *session,
		 store_census_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT c.id, c.grade_id, c.name, g.name, "
		"(SELECT COUNT(*) FROM person p WHERE p.class_id = c.id AND p.active = 1 "
		"AND p.kind = 'student'), COALESCE(cs.version, 0), "
		"SUM(CASE WHEN e.status = 'present' THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN e.status = 'absent_sick' THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN e.status = 'absent_other' THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN e.status = 'absent_unknown' THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN e.symptoms <> '' THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN e.temperature >= 37.3 THEN 1 ELSE 0 END) "
		"FROM class c JOIN grade g ON g.id = c.grade_id "
		"LEFT JOIN check_submission cs ON cs.class_id = c.id AND cs.date = ? "
		"AND cs.session = ? AND cs.version = " CURRENT_VERSION("cs") " "
		"LEFT JOIN check_entry e ON e.submission_id = cs.id "
		"WHERE c.school_id = ? GROUP BY c.id, c.grade_id, c.name, g.name, cs.version "
		"ORDER BY g.name, c.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, date);
	db_bind_text(st, 2, session);
	db_bind_i64(st, 3, school_id);
	int rc;
	census_row r;
	while ((rc = db_step(st, err)) == 1) {
		memset(&r, 0, sizeof r);
		r.class_id = db_col_i64(st, 0);
		r.grade_id = db_col_i64(st, 1);
		COPY_COL(r.class_name, st, 2);
		COPY_COL(r.grade_name, st, 3);
		r.enrolled = db_col_i64(st, 4);
		r.version = (int)db_col_i64(st, 5);
		r.submitted = r.version > 0;
		r.present = db_col_i64(st, 6);
		r.absent_sick = db_col_i64(st, 7);
		r.absent_other = db_col_i64(st, 8);
		r.absent_unknown = db_col_i64(st, 9);
		r.symptomatic = db_col_i64(st, 10);
		r.febrile = db_col_i64(st, 11);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_census_people(store *s, int64_t school_id, int64_t class_id, const char *date,
			const char *session, const char *what, store_census_person_cb cb,
			void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT p.id, p.class_id, p.number, p.name, c.name, e.status, e.temperature, "
		"e.symptoms, e.diagnosis FROM check_submission cs "
		"JOIN check_entry e ON e.submission_id = cs.id JOIN person p ON p.id = e.person_id "
		"JOIN class c ON c.id = cs.class_id "
		"WHERE cs.school_id = ? AND (? = 0 OR cs.class_id = ?) AND cs.date = ? "
		"AND cs.session = ? AND cs.version = " CURRENT_VERSION("cs") " AND "
		"(CASE ? WHEN 'symptomatic' THEN (CASE WHEN e.symptoms <> '' THEN 1 ELSE 0 END) "
		"WHEN 'febrile' THEN (CASE WHEN e.temperature >= 37.3 THEN 1 ELSE 0 END) "
		"WHEN 'enrolled' THEN 1 "
		"ELSE (CASE WHEN e.status = ? THEN 1 ELSE 0 END) END) = 1 "
		"ORDER BY c.name, p.number";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, class_id);
	db_bind_i64(st, 3, class_id);
	db_bind_text(st, 4, date);
	db_bind_text(st, 5, session);
	db_bind_text(st, 6, what);
	db_bind_text(st, 7, what);
	int rc;
	census_person p;
	while ((rc = db_step(st, err)) == 1) {
		p.person_id = db_col_i64(st, 0);
		p.class_id = db_col_i64(st, 1);
		COPY_COL(p.number, st, 2);
		COPY_COL(p.name, st, 3);
		COPY_COL(p.class_name, st, 4);
		COPY_COL(p.status, st, 5);
		p.temperature = col_temp(st, 6);
		COPY_COL(p.symptoms, st, 7);
		COPY_COL(p.diagnosis, st, 8);
		if (cb(ctx, &p))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- health events ---- */

int store_event_add(store *s, const health_event_rec *e, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO health_event (school_id, person_id, date, at, source, temperature, "
		"symptoms, syndromes, diagnosis, note, recorded_by, submission_id, class_id, dorm_id) "
		"SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, p.class_id, p.dorm_id "
		"FROM person p WHERE p.id = ?2 RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, e->school_id);
	db_bind_i64(st, 2, e->person_id);
	db_bind_text(st, 3, e->date);
	db_bind_i64(st, 4, e->at ? e->at : now_s());
	db_bind_text(st, 5, e->source);
	bind_temp(st, 6, e->temperature);
	db_bind_text(st, 7, e->symptoms);
	db_bind_text(st, 8, e->syndromes);
	db_bind_text(st, 9, e->diagnosis);
	db_bind_text(st, 10, e->note);
	bind_id(st, 11, e->recorded_by);
	bind_id(st, 12, e->submission_id);
	return store_one_id(st, id, err);
}

int store_event_drop_check(store *s, int64_t class_id, const char *date, const char *session,
			   int64_t keep_submission, jy_err *err)
{
	static const char sql[] =
		"DELETE FROM health_event WHERE submission_id IN (SELECT id FROM check_submission "
		"WHERE class_id = ? AND date = ? AND session = ? AND id <> ?)";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, class_id);
	db_bind_text(st, 2, date);
	db_bind_text(st, 3, session);
	db_bind_i64(st, 4, keep_submission);
	return run(st, err);
}

/* Two access paths: one class's events (class rules after a check), or
 * the school's; the unit columns come from the event itself. */
#define CASE_COLS "SELECT DISTINCT h.person_id, COALESCE(h.class_id, 0), COALESCE(h.dorm_id, 0), h.date FROM health_event h "
#define CASE_SCHOOL CASE_COLS "WHERE h.school_id = ?1 AND h.date >= ?2 AND h.date <= ?3 AND ?5 = 0 AND "
#define CASE_CLASS CASE_COLS "WHERE h.class_id = ?5 AND h.date >= ?2 AND h.date <= ?3 AND h.school_id = ?1 AND "

int store_cases(store *s, int64_t school_id, int64_t class_id, const char *kind,
		const char *code, const char *from, const char *to, store_case_cb cb, void *ctx,
		jy_err *err)
{
	static const char *const sqls[2][3] = {
		{ CASE_SCHOOL "h.diagnosis = ?4", CASE_SCHOOL "(',' || h.symptoms || ',') LIKE ('%,' || ?4 || ',%')",
		  CASE_SCHOOL "(',' || h.syndromes || ',') LIKE ('%,' || ?4 || ',%')" },
		{ CASE_CLASS "h.diagnosis = ?4", CASE_CLASS "(',' || h.symptoms || ',') LIKE ('%,' || ?4 || ',%')",
		  CASE_CLASS "(',' || h.syndromes || ',') LIKE ('%,' || ?4 || ',%')" },
	};
	int k = !strcmp(kind, "diagnosis") ? 0 : !strcmp(kind, "syndrome") ? 2 : 1;
	const char *sql = sqls[class_id != 0][k];
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	/* The code is bound as it is and wrapped in SQL: a LIKE whose pattern is
	 * a bare parameter makes SQLite re-prepare the statement on every run. */
	char pat[64];
	snprintf(pat, sizeof pat, "%s", code);
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_text(st, 4, pat);
	db_bind_i64(st, 5, class_id);
	int rc;
	case_rec c;
	memset(&c, 0, sizeof c);
	while ((rc = db_step(st, err)) == 1) {
		c.person_id = db_col_i64(st, 0);
		c.class_id = db_col_i64(st, 1);
		c.dorm_id = db_col_i64(st, 2);
		COPY_COL(c.date, st, 3);
		if (cb(ctx, &c))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- illness absence ---- */

#define ABSENCE_COLS                                                                           \
	"SELECT a.id, a.school_id, a.person_id, a.first_absent_date, a.onset_date, a.symptoms, " \
	"a.diagnosis, a.hospital, a.clinic_visit, a.status, COALESCE(a.return_date, ''), "       \
	"a.note_required, COALESCE(a.note_recorded_at, 0), a.updated_at, p.number, p.name, "    \
	"COALESCE(c.name, ''), COALESCE(p.class_id, 0), "                                       \
	"COALESCE((SELECT MAX(f.date) FROM absence_followup f WHERE f.absence_id = a.id), '') " \
	"FROM illness_absence a JOIN person p ON p.id = a.person_id "                           \
	"LEFT JOIN class c ON c.id = p.class_id "

static void absence_from_row(db_stmt *st, absence_rec *a)
{
	a->id = db_col_i64(st, 0);
	a->school_id = db_col_i64(st, 1);
	a->person_id = db_col_i64(st, 2);
	COPY_COL(a->first_absent_date, st, 3);
	COPY_COL(a->onset_date, st, 4);
	COPY_COL(a->symptoms, st, 5);
	COPY_COL(a->diagnosis, st, 6);
	COPY_COL(a->hospital, st, 7);
	a->clinic_visit = (int)db_col_i64(st, 8);
	COPY_COL(a->status, st, 9);
	COPY_COL(a->return_date, st, 10);
	a->note_required = (int)db_col_i64(st, 11);
	a->note_recorded_at = db_col_i64(st, 12);
	a->updated_at = db_col_i64(st, 13);
	COPY_COL(a->number, st, 14);
	COPY_COL(a->name, st, 15);
	COPY_COL(a->class_name, st, 16);
	a->class_id = db_col_i64(st, 17);
	COPY_COL(a->last_followup, st, 18);
}

/* Hand each row of st (ABSENCE_COLS) to cb until it returns non-zero. */
static int each_absence(db_stmt *st, store_absence_cb cb, void *ctx, jy_err *err)
{
	int rc;
	absence_rec a;
	while ((rc = db_step(st, err)) == 1) {
		absence_from_row(st, &a);
		if (cb(ctx, &a))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int absence_one(db_stmt *st, absence_rec *out, jy_err *err)
{
	int rc = db_step(st, err);
	if (rc == 1) {
		absence_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这条缺勤记录 (no such absence)");
	}
	db_done(st);
	return rc;
}

int store_absence_open_for(store *s, int64_t person_id, absence_rec *out, jy_err *err)
{
	static const char sql[] = ABSENCE_COLS "WHERE a.person_id = ? AND a.status = 'open' "
					       "ORDER BY a.id DESC LIMIT 1";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, person_id);
	return absence_one(st, out, err);
}

int store_absence_open_in_class(store *s, int64_t class_id, store_absence_cb cb, void *ctx,
				jy_err *err)
{
	/* Per person the newest first, as store_absence_open_for picks it. */
	static const char sql[] = ABSENCE_COLS "WHERE p.class_id = ? AND a.status = 'open' "
					       "ORDER BY a.person_id, a.id DESC";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, class_id);
	return each_absence(st, cb, ctx, err);
}

int store_absence_get(store *s, int64_t id, absence_rec *out, jy_err *err)
{
	static const char sql[] = ABSENCE_COLS "WHERE a.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	return absence_one(st, out, err);
}

int store_absence_add(store *s, const absence_rec *a, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO illness_absence (school_id, person_id, first_absent_date, onset_date, "
		"symptoms, clinic_visit, hospital, diagnosis, status, note_required, created_at, "
		"updated_at) VALUES (?,?,?,?,?,?,?,?,'open',?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, a->school_id);
	db_bind_i64(st, 2, a->person_id);
	db_bind_text(st, 3, a->first_absent_date);
	db_bind_text(st, 4, a->onset_date);
	db_bind_text(st, 5, a->symptoms);
	db_bind_i64(st, 6, a->clinic_visit);
	db_bind_text(st, 7, a->hospital);
	db_bind_text(st, 8, a->diagnosis);
	db_bind_i64(st, 9, a->note_required);
	db_bind_i64(st, 10, now_s());
	db_bind_i64(st, 11, now_s());
	return store_one_id(st, id, err);
}

int store_absence_update(store *s, const absence_rec *a, jy_err *err)
{
	static const char sql[] =
		"UPDATE illness_absence SET onset_date = ?, symptoms = ?, clinic_visit = ?, "
		"hospital = ?, diagnosis = ?, status = ?, return_date = ?, note_required = ?, "
		"note_recorded_at = ?, updated_at = ? WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, a->onset_date);
	db_bind_text(st, 2, a->symptoms);
	db_bind_i64(st, 3, a->clinic_visit);
	db_bind_text(st, 4, a->hospital);
	db_bind_text(st, 5, a->diagnosis);
	db_bind_text(st, 6, a->status);
	db_bind_text(st, 7, a->return_date[0] ? a->return_date : NULL);
	db_bind_i64(st, 8, a->note_required);
	bind_id(st, 9, a->note_recorded_at);
	db_bind_i64(st, 10, now_s());
	db_bind_i64(st, 11, a->id);
	return run(st, err);
}

int store_absence_list(store *s, int64_t school_id, int64_t class_id, const char *status,
		       store_absence_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = ABSENCE_COLS
		"WHERE a.school_id = ? AND (? = 0 OR p.class_id = ?) AND (? = '' OR a.status = ?) "
		"ORDER BY a.first_absent_date DESC, a.id DESC LIMIT 2000";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, class_id);
	db_bind_i64(st, 3, class_id);
	db_bind_text(st, 4, status ? status : "");
	db_bind_text(st, 5, status ? status : "");
	return each_absence(st, cb, ctx, err);
}

int store_absence_followup_add(store *s, int64_t school_id, int64_t absence_id, const char *date,
			       double temperature, const char *symptoms, const char *diagnosis,
			       const char *note, int64_t user_id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO absence_followup (school_id, absence_id, date, temperature, symptoms, "
		"diagnosis, note, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?,?)";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, absence_id);
	db_bind_text(st, 3, date);
	bind_temp(st, 4, temperature);
	db_bind_text(st, 5, symptoms);
	db_bind_text(st, 6, diagnosis);
	db_bind_text(st, 7, note);
	bind_id(st, 8, user_id);
	db_bind_i64(st, 9, now_s());
	return run(st, err);
}

/* ---- calendar ---- */

int store_calendar_set(store *s, int64_t school_id, const char *date, const char *kind,
		       const char *note, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO school_calendar (school_id, date, kind, note) VALUES (?,?,?,?) "
		"ON CONFLICT (school_id, date) DO UPDATE SET kind = excluded.kind, note = excluded.note";
	static const char del[] = "DELETE FROM school_calendar WHERE school_id = ? AND date = ?";
	db_stmt *st = db_stmt_get(s->db, kind && *kind ? sql : del, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, date);
	if (kind && *kind) {
		db_bind_text(st, 3, kind);
		db_bind_text(st, 4, note ? note : "");
	}
	return run(st, err);
}

int store_calendar_list(store *s, int64_t school_id, const char *from, const char *to,
			store_calendar_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = "SELECT date, kind FROM school_calendar WHERE school_id = ? "
				  "AND date >= ? AND date <= ? ORDER BY date";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_text(st, 0), db_col_text(st, 1)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- rules ---- */

#define RULE_COLS                                                                              \
	"SELECT id, COALESCE(school_id, 0), code, code_kind, scope, window_days, threshold, "    \
	"name_zh, name_en, enabled FROM cluster_rule "

static void rule_from_row(db_stmt *st, rule_rec *r)
{
	r->id = db_col_i64(st, 0);
	r->school_id = db_col_i64(st, 1);
	COPY_COL(r->code, st, 2);
	COPY_COL(r->code_kind, st, 3);
	COPY_COL(r->scope, st, 4);
	r->window_days = (int)db_col_i64(st, 5);
	r->threshold = (int)db_col_i64(st, 6);
	COPY_COL(r->name_zh, st, 7);
	COPY_COL(r->name_en, st, 8);
	r->enabled = (int)db_col_i64(st, 9);
}

int store_rule_list(store *s, int64_t school_id, store_rule_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = RULE_COLS "WHERE school_id IS NULL OR school_id = ? ORDER BY id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc;
	rule_rec r;
	while ((rc = db_step(st, err)) == 1) {
		rule_from_row(st, &r);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_rule_get(store *s, int64_t id, rule_rec *out, jy_err *err)
{
	static const char sql[] = RULE_COLS "WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == 1) {
		rule_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这条规则 (no such rule)");
	}
	db_done(st);
	return rc;
}

int store_rule_save(store *s, const rule_rec *r, int64_t *id, jy_err *err)
{
	static const char ins[] =
		"INSERT INTO cluster_rule (school_id, code, code_kind, scope, window_days, threshold, "
		"name_zh, name_en, enabled, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id";
	static const char upd[] =
		"UPDATE cluster_rule SET school_id = ?, code = ?, code_kind = ?, scope = ?, "
		"window_days = ?, threshold = ?, name_zh = ?, name_en = ?, enabled = ?, "
		"updated_at = ? WHERE id = ? RETURNING id";
	db_stmt *st = db_stmt_get(s->db, r->id ? upd : ins, err);
	if (!st)
		return JY_EDB;
	bind_id(st, 1, r->school_id);
	db_bind_text(st, 2, r->code);
	db_bind_text(st, 3, r->code_kind);
	db_bind_text(st, 4, r->scope);
	db_bind_i64(st, 5, r->window_days);
	db_bind_i64(st, 6, r->threshold);
	db_bind_text(st, 7, r->name_zh);
	db_bind_text(st, 8, r->name_en);
	db_bind_i64(st, 9, r->enabled);
	db_bind_i64(st, 10, now_s());
	if (r->id)
		db_bind_i64(st, 11, r->id);
	return store_one_id(st, id, err);
}

/* ---- alerts ---- */

#define ALERT_COLS                                                                             \
	"SELECT a.id, a.school_id, a.rule_id, a.scope_id, a.scope, a.scope_name, a.code, "       \
	"a.first_date, a.last_date, a.count, a.status, a.created_at, a.updated_at, "             \
	"a.report_due_at, r.name_zh, r.name_en FROM alert a JOIN cluster_rule r ON r.id = a.rule_id "

static void alert_from_row(db_stmt *st, alert_rec *a)
{
	a->id = db_col_i64(st, 0);
	a->school_id = db_col_i64(st, 1);
	a->rule_id = db_col_i64(st, 2);
	a->scope_id = db_col_i64(st, 3);
	COPY_COL(a->scope, st, 4);
	COPY_COL(a->scope_name, st, 5);
	COPY_COL(a->code, st, 6);
	COPY_COL(a->first_date, st, 7);
	COPY_COL(a->last_date, st, 8);
	a->count = (int)db_col_i64(st, 9);
	COPY_COL(a->status, st, 10);
	a->created_at = db_col_i64(st, 11);
	a->updated_at = db_col_i64(st, 12);
	a->report_due_at = db_col_i64(st, 13);
	COPY_COL(a->rule_name_zh, st, 14);
	COPY_COL(a->rule_name_en, st, 15);
}

static int alert_one(db_stmt *st, alert_rec *out, jy_err *err)
{
	int rc = db_step(st, err);
	if (rc == 1) {
		alert_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这条预警 (no such alert)");
	}
	db_done(st);
	return rc;
}

int store_alert_find_open(store *s, int64_t rule_id, int64_t scope_id, const char *code,
			  const char *since, alert_rec *out, jy_err *err)
{
	static const char sql[] = ALERT_COLS
		"WHERE a.rule_id = ? AND a.scope_id = ? AND a.code = ? AND a.status = 'open' "
		"AND a.last_date >= ? ORDER BY a.id DESC LIMIT 1";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, rule_id);
	db_bind_i64(st, 2, scope_id);
	db_bind_text(st, 3, code);
	db_bind_text(st, 4, since);
	return alert_one(st, out, err);
}

int store_alert_get(store *s, int64_t id, alert_rec *out, jy_err *err)
{
	static const char sql[] = ALERT_COLS "WHERE a.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	return alert_one(st, out, err);
}

int store_alert_add(store *s, alert_rec *a, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO alert (school_id, rule_id, scope, scope_id, scope_name, code, "
		"first_date, last_date, count, status, created_at, updated_at, report_due_at) "
		"VALUES (?,?,?,?,?,?,?,?,?,'open',?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, a->school_id);
	db_bind_i64(st, 2, a->rule_id);
	db_bind_text(st, 3, a->scope);
	db_bind_i64(st, 4, a->scope_id);
	db_bind_text(st, 5, a->scope_name);
	db_bind_text(st, 6, a->code);
	db_bind_text(st, 7, a->first_date);
	db_bind_text(st, 8, a->last_date);
	db_bind_i64(st, 9, a->count);
	db_bind_i64(st, 10, a->created_at);
	db_bind_i64(st, 11, a->created_at);
	db_bind_i64(st, 12, a->report_due_at);
	return store_one_id(st, id, err);
}

int store_alert_update(store *s, const alert_rec *a, jy_err *err)
{
	static const char sql[] = "UPDATE alert SET first_date = ?, last_date = ?, count = ?, "
				  "status = ?, updated_at = ? WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, a->first_date);
	db_bind_text(st, 2, a->last_date);
	db_bind_i64(st, 3, a->count);
	db_bind_text(st, 4, a->status);
	db_bind_i64(st, 5, now_s());
	db_bind_i64(st, 6, a->id);
	return run(st, err);
}

int store_alert_add_person(store *s, int64_t school_id, int64_t alert_id, int64_t person_id,
			   const char *first_date, int *added, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO alert_person (alert_id, school_id, person_id, first_date) VALUES (?,?,?,?) "
		ON_CONFLICT_SCHOOL("alert_id, person_id") "DO NOTHING";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, alert_id);
	db_bind_i64(st, 2, school_id);
	db_bind_i64(st, 3, person_id);
	db_bind_text(st, 4, first_date);
	int rc = run(st, err);
	*added = !rc && db_changes(s->db) > 0;
	return rc;
}

int store_alert_list(store *s, int64_t school_id, const char *from, const char *to,
		     const char *status, store_alert_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = ALERT_COLS
		"WHERE (? = 0 OR a.school_id = ?) AND a.last_date >= ? AND a.first_date <= ? "
		"AND (? = '' OR a.status = ?) ORDER BY a.first_date, a.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, school_id);
	db_bind_text(st, 3, from ? from : "0000-00-00");
	db_bind_text(st, 4, to ? to : "9999-99-99");
	db_bind_text(st, 5, status ? status : "");
	db_bind_text(st, 6, status ? status : "");
	int rc;
	alert_rec a;
	while ((rc = db_step(st, err)) == 1) {
		alert_from_row(st, &a);
		if (cb(ctx, &a))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_alert_people(store *s, int64_t alert_id, store_alert_person_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT p.id, p.number, p.name, COALESCE(c.name, ''), ap.first_date FROM alert_person ap "
		"JOIN person p ON p.id = ap.person_id LEFT JOIN class c ON c.id = p.class_id "
		"WHERE ap.alert_id = ? ORDER BY p.number";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, alert_id);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		       db_col_text(st, 3), db_col_text(st, 4)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- tasks ---- */

#define TASK_COLS                                                                              \
	"SELECT id, school_id, alert_id, due_at, COALESCE(done_at, 0), COALESCE(done_by, 0), "   \
	"kind, title_zh, title_en, owner_role, note FROM alert_task "

static void task_from_row(db_stmt *st, task_rec *t)
{
	t->id = db_col_i64(st, 0);
	t->school_id = db_col_i64(st, 1);
	t->alert_id = db_col_i64(st, 2);
	t->due_at = db_col_i64(st, 3);
	t->done_at = db_col_i64(st, 4);
	t->done_by = db_col_i64(st, 5);
	COPY_COL(t->kind, st, 6);
	COPY_COL(t->title_zh, st, 7);
	COPY_COL(t->title_en, st, 8);
	COPY_COL(t->owner_role, st, 9);
	COPY_COL(t->note, st, 10);
}

int store_task_add(store *s, const task_rec *t, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO alert_task (school_id, alert_id, kind, title_zh, title_en, owner_role, "
		"due_at, note) VALUES (?,?,?,?,?,?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, t->school_id);
	db_bind_i64(st, 2, t->alert_id);
	db_bind_text(st, 3, t->kind);
	db_bind_text(st, 4, t->title_zh);
	db_bind_text(st, 5, t->title_en);
	db_bind_text(st, 6, t->owner_role);
	db_bind_i64(st, 7, t->due_at);
	db_bind_text(st, 8, t->note);
	return store_one_id(st, id, err);
}

int store_task_get(store *s, int64_t id, task_rec *out, jy_err *err)
{
	static const char sql[] = TASK_COLS "WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == 1) {
		task_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这项任务 (no such task)");
	}
	db_done(st);
	return rc;
}

int store_task_done(store *s, int64_t id, int64_t user_id, int64_t at, const char *note, jy_err *err)
{
	static const char sql[] =
		"UPDATE alert_task SET done_at = ?, done_by = ?, note = ? WHERE id = ? AND done_at IS NULL";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, at);
	bind_id(st, 2, user_id);
	db_bind_text(st, 3, note ? note : "");
	db_bind_i64(st, 4, id);
	return run(st, err);
}

int store_task_list(store *s, int64_t school_id, int64_t alert_id, int open_only,
		    store_task_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = TASK_COLS
		"WHERE school_id = ? AND (? = 0 OR alert_id = ?) AND (? = 0 OR done_at IS NULL) "
		"ORDER BY due_at, id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, alert_id);
	db_bind_i64(st, 3, alert_id);
	db_bind_i64(st, 4, open_only);
	int rc;
	task_rec t;
	while ((rc = db_step(st, err)) == 1) {
		task_from_row(st, &t);
		if (cb(ctx, &t))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- series for the statistical run ---- */

int store_event_days(store *s, int64_t school_id, const char *from, const char *to,
		     store_event_day_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT h.date, h.person_id, COALESCE(p.class_id, 0), COALESCE(c.grade_id, 0), "
		"h.symptoms, h.syndromes, h.diagnosis FROM health_event h "
		"JOIN person p ON p.id = h.person_id LEFT JOIN class c ON c.id = p.class_id "
		"WHERE h.school_id = ? AND h.date >= ? AND h.date <= ? ORDER BY h.date, h.person_id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	/* Merge the rows of one (date, person). */
	char date[11] = "", sym[512] = "", syn[128] = "", dia[256] = "";
	int64_t person = 0, cls = 0, grade = 0;
	int rc, have = 0, stop = 0;
	while ((rc = db_step(st, err)) == 1) {
		const char *d = db_col_text(st, 0);
		int64_t pid = db_col_i64(st, 1);
		if (have && (pid != person || strcmp(d, date))) {
			if ((stop = cb(ctx, date, person, cls, grade, sym, syn, dia)))
				break;
			have = 0;
		}
		if (!have) {
			snprintf(date, sizeof date, "%s", d);
			person = pid;
			cls = db_col_i64(st, 2);
			grade = db_col_i64(st, 3);
			sym[0] = syn[0] = dia[0] = 0;
			have = 1;
		}
		const char *add[3] = { db_col_text(st, 4), db_col_text(st, 5), db_col_text(st, 6) };
		char *dst[3] = { sym, syn, dia };
		size_t cap[3] = { sizeof sym, sizeof syn, sizeof dia };
		for (int k = 0; k < 3; k++) {
			if (!*add[k])
				continue;
			size_t n = strlen(dst[k]);
			snprintf(dst[k] + n, cap[k] - n, "%s%s", n ? "," : "", add[k]);
		}
	}
	if (rc >= 0 && have && !stop)
		cb(ctx, date, person, cls, grade, sym, syn, dia);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_absence_counts(store *s, int64_t school_id, const char *from, const char *to,
			 store_absence_count_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT cs.date, cs.class_id, c.grade_id, COUNT(*) FROM check_submission cs "
		"JOIN check_entry e ON e.submission_id = cs.id JOIN class c ON c.id = cs.class_id "
		"WHERE cs.school_id = ? AND cs.date >= ? AND cs.date <= ? AND cs.session = 'morning' "
		"AND e.status = 'absent_sick' AND cs.version = " CURRENT_VERSION("cs") " "
		"GROUP BY cs.date, cs.class_id, c.grade_id ORDER BY cs.date";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_text(st, 0), db_col_i64(st, 1), db_col_i64(st, 2), db_col_i64(st, 3)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_check_first_date(store *s, int64_t school_id, char out[11], jy_err *err)
{
	static const char sql[] = "SELECT MIN(date) FROM check_submission WHERE school_id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc = db_step(st, err);
	if (rc == 1 && !db_col_is_null(st, 0)) {
		snprintf(out, 11, "%s", db_col_text(st, 0));
		rc = 0;
	} else if (rc >= 0) {
		rc = JY_ENOENT;
	}
	db_done(st);
	return rc;
}

int store_signal_save(store *s, const signal_rec *r, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO aberration_signal (school_id, date, scope, scope_id, scope_name, code, "
		"method, observed, upperbound, alarm, computed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
		"ON CONFLICT (school_id, date, scope, scope_id, code, method) DO UPDATE SET "
		"scope_name = excluded.scope_name, observed = excluded.observed, "
		"upperbound = excluded.upperbound, alarm = excluded.alarm, "
		"computed_at = excluded.computed_at";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, r->school_id);
	db_bind_text(st, 2, r->date);
	db_bind_text(st, 3, r->scope);
	db_bind_i64(st, 4, r->scope_id);
	db_bind_text(st, 5, r->scope_name);
	db_bind_text(st, 6, r->code);
	db_bind_text(st, 7, r->method);
	db_bind_double(st, 8, r->observed);
	if (r->upperbound != r->upperbound)
		db_bind_null(st, 9);
	else
		db_bind_double(st, 9, r->upperbound);
	db_bind_i64(st, 10, r->alarm);
	db_bind_i64(st, 11, now_s());
	return run(st, err);
}

int store_signal_clear(store *s, int64_t school_id, const char *date, jy_err *err)
{
	static const char sql[] = "DELETE FROM aberration_signal WHERE school_id = ? AND date = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, date);
	return run(st, err);
}

int store_signal_list(store *s, int64_t school_id, const char *date, int alarms_only,
		      store_signal_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT id, school_id, scope_id, date, scope, scope_name, code, method, observed, "
		"upperbound, alarm FROM aberration_signal WHERE school_id = ? AND date = ? "
		"AND (? = 0 OR alarm = 1) ORDER BY scope, scope_id, code, method";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, date);
	db_bind_i64(st, 3, alarms_only);
	int rc;
	signal_rec r;
	while ((rc = db_step(st, err)) == 1) {
		r.id = db_col_i64(st, 0);
		r.school_id = db_col_i64(st, 1);
		r.scope_id = db_col_i64(st, 2);
		COPY_COL(r.date, st, 3);
		COPY_COL(r.scope, st, 4);
		COPY_COL(r.scope_name, st, 5);
		COPY_COL(r.code, st, 6);
		COPY_COL(r.method, st, 7);
		r.observed = db_col_double(st, 8);
		r.upperbound = db_col_is_null(st, 9) ? 0.0 / 0.0 : db_col_double(st, 9);
		r.alarm = (int)db_col_i64(st, 10);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}
