/*
 * district.c — see district.h.  All SQL of districts, the overview, the
 * district rules and alerts, settings, privacy grants and the purge.
 *
 * The overview runs six grouped queries over the whole district (a table
 * of parts: roster per class, census, alerts, return batches, holds,
 * absences) and merges them by school id in C; each walks an index in
 * school order, so the cost grows with the classes and the rows of the
 * day, not with a query per school.  What it counts of the 300,000
 * students and their check entries is kept on the rows it reads (migration
 * 014): a class's enrolled students on the class, a submission's entries
 * and flagged entries on the submission.
 */
#include "store/district.h"

#include <stdlib.h>

#include "store/digest.h"
#include "store/store_int.h"

/* ---- districts and schools ---- */

int store_district_ensure(store *s, const char *code, const char *name, int64_t *id, jy_err *err)
{
	static const char find[] = "SELECT id FROM district WHERE code = ?";
	static const char ins[] = "INSERT INTO district (code, name) VALUES (?, ?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, find, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, code);
	int rc = store_one_id(st, id, err);
	if (rc != JY_ENOENT)
		return rc;
	if (!(st = db_stmt_get(s->db, ins, err)))
		return JY_EDB;
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, name);
	return store_one_id(st, id, err);
}

static int district_row(db_stmt *st, district_rec *out, jy_err *err)
{
	int rc = db_step(st, err);
	if (rc == 1) {
		out->id = db_col_i64(st, 0);
		COPY_COL(out->code, st, 1);
		COPY_COL(out->name, st, 2);
		rc = 0;
	} else if (rc == 0) {
		rc = JY_ENOENT;
	}
	db_done(st);
	return rc;
}

/* "code name, code name …" of the rows of sql (two text columns). */
void store_list_choices(store *s, const char *sql, char *out, size_t size)
{
	out[0] = 0;
	db_stmt *st = db_stmt_get(s->db, sql, NULL);
	if (!st)
		return;
	size_t used = 0;
	int n = 0;
	while (db_step(st, NULL) == 1 && used + 1 < size) {
		int w = snprintf(out + used, size - used, "%s%s %s", n ? ", " : "",
				 db_col_text(st, 0), db_col_text(st, 1));
		if (w < 0 || (size_t)w >= size - used) {
			out[used] = 0;
			break;
		}
		used += (size_t)w;
		n++;
	}
	db_done(st);
}

int store_district_find(store *s, const char *code_or_name, district_rec *out, jy_err *err)
{
	static const char sql[] =
		"SELECT id, code, name FROM district WHERE code = ? OR name = ? ORDER BY id LIMIT 1";
	static const char all[] = "SELECT code, name FROM district ORDER BY id LIMIT 20";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, code_or_name);
	db_bind_text(st, 2, code_or_name);
	int rc = district_row(st, out, err);
	if (rc == JY_ENOENT) {
		char choices[512];
		store_list_choices(s, all, choices, sizeof choices);
		return err_set(err, JY_ENOENT, "没有这个区 no such district '%s' (districts: %s)",
			       code_or_name, choices[0] ? choices : "无 none");
	}
	return rc;
}

int store_district_only(store *s, district_rec *out, jy_err *err)
{
	static const char sql[] = "SELECT id, code, name FROM district ORDER BY id LIMIT 2";
	static const char all[] = "SELECT code, name FROM district ORDER BY id LIMIT 20";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int rc = district_row(st, out, err);
	if (rc == JY_ENOENT)
		return err_set(err, rc, "数据库中还没有区 (no district in this database)");
	if (rc)
		return rc;
	int64_t n = 0;
	static const char count[] = "SELECT COUNT(*) FROM district";
	if (!(st = db_stmt_get(s->db, count, err)) || store_one_id(st, &n, err))
		return JY_EDB;
	if (n > 1) {
		char choices[512];
		store_list_choices(s, all, choices, sizeof choices);
		return err_set(err, JY_EINVAL, "数据库中有多个区，请指定 (several districts: name one): %s",
			       choices);
	}
	return 0;
}

int store_district_get(store *s, int64_t id, district_rec *out, jy_err *err)
{
	static const char sql[] = "SELECT id, code, name FROM district WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	int rc = district_row(st, out, err);
	if (rc == JY_ENOENT)
		return err_set(err, rc, "没有这个区 no such district %lld", (long long)id);
	return rc;
}

int store_school_add(store *s, int64_t district_id, const char *code, const char *name,
		     int64_t *id, jy_err *err)
{
	static const char find[] = "SELECT id FROM school WHERE code = ?";
	static const char ins[] =
		"INSERT INTO school (district_id, code, name, created_at) VALUES (?, ?, ?, ?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, find, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, code);
	int rc = store_one_id(st, NULL, err);
	if (rc == 0)
		return err_at(err, JY_ECONFLICT, NULL, 0, "code", "学校代码已存在 (school code %s exists)",
			      code);
	if (rc != JY_ENOENT)
		return rc;
	if (!(st = db_stmt_get(s->db, ins, err)))
		return JY_EDB;
	bind_id(st, 1, district_id);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, name);
	db_bind_i64(st, 4, now_s());
	return store_one_id(st, id, err);
}

int store_school_set_district(store *s, int64_t school_id, int64_t district_id, jy_err *err)
{
	static const char sql[] = "UPDATE school SET district_id = ? WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	bind_id(st, 1, district_id);
	db_bind_i64(st, 2, school_id);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_district_adopt_schools(store *s, int64_t district_id, jy_err *err)
{
	static const char sql[] = "UPDATE school SET district_id = ? WHERE district_id IS NULL";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, district_id);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_school_district(store *s, int64_t school_id, int64_t *district_id, jy_err *err)
{
	static const char sql[] = "SELECT COALESCE(district_id, 0) FROM school WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc = store_one_id(st, district_id, err);
	if (rc == JY_ENOENT)
		return err_set(err, rc, "没有这个学校 no such school %lld", (long long)school_id);
	return rc;
}

int store_school_find(store *s, const char *code_or_name, school_rec *out, jy_err *err)
{
	static const char sql[] =
		"SELECT id, code, name FROM school WHERE code = ? OR name = ? ORDER BY id LIMIT 1";
	static const char all[] = "SELECT code, name FROM school ORDER BY id LIMIT 20";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, code_or_name);
	db_bind_text(st, 2, code_or_name);
	int rc = db_step(st, err);
	if (rc == 1) {
		out->id = db_col_i64(st, 0);
		COPY_COL(out->code, st, 1);
		COPY_COL(out->name, st, 2);
	}
	db_done(st);
	if (rc == 1)
		return 0;
	if (rc < 0)
		return rc;
	char choices[600];
	store_list_choices(s, all, choices, sizeof choices);
	return err_set(err, JY_ENOENT, "没有这个学校 no such school '%s' (schools: %s)", code_or_name,
		       choices[0] ? choices : "无 none");
}

int store_school_list(store *s, int64_t district_id, store_school_cb cb, void *ctx, jy_err *err)
{
	static const char all[] =
		"SELECT s.id, COALESCE(s.district_id, 0), s.code, s.name, COALESCE(d.code, '') "
		"FROM school s LEFT JOIN district d ON d.id = s.district_id ORDER BY s.id";
	static const char one[] =
		"SELECT s.id, COALESCE(s.district_id, 0), s.code, s.name, COALESCE(d.code, '') "
		"FROM school s LEFT JOIN district d ON d.id = s.district_id WHERE s.district_id = ? "
		"ORDER BY s.id";
	db_stmt *st = db_stmt_get(s->db, district_id ? one : all, err);
	if (!st)
		return JY_EDB;
	if (district_id)
		db_bind_i64(st, 1, district_id);
	int rc;
	school_entry r;
	while ((rc = db_step(st, err)) == 1) {
		memset(&r, 0, sizeof r);
		r.id = db_col_i64(st, 0);
		r.district_id = db_col_i64(st, 1);
		COPY_COL(r.code, st, 2);
		COPY_COL(r.name, st, 3);
		COPY_COL(r.district_code, st, 4);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_school_count(store *s, int64_t *n, jy_err *err)
{
	static const char sql[] = "SELECT COUNT(*) FROM school";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	return st ? store_one_id(st, n, err) : JY_EDB;
}

/* ---- the overview ---- */

/* Binary search of a school id in the overview rows (sorted by id). */
static district_school_counts *row_of(district_school_counts *rows, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rows[mid].school_id < id)
			lo = mid + 1;
		else if (rows[mid].school_id > id)
			hi = mid;
		else
			return &rows[mid];
	}
	return NULL;
}

/* Fill a school's row from one result row of an overview query (column 0
 * is the school id). */
typedef void (*overview_fill)(district_school_counts *r, db_stmt *st, const char *date);

static void fill_roster(district_school_counts *r, db_stmt *st, const char *date)
{
	(void)date;
	r->classes = db_col_i64(st, 1);
	r->enrolled = db_col_i64(st, 2);
	r->expected = db_col_i64(st, 3);
}

static void fill_census(district_school_counts *r, db_stmt *st, const char *date)
{
	(void)date;
	r->submitted = db_col_i64(st, 1);
	r->entries = db_col_i64(st, 2);
	r->absent_sick = db_col_i64(st, 3);
	r->absent_other = db_col_i64(st, 4);
	r->absent_unknown = db_col_i64(st, 5);
	r->symptomatic = db_col_i64(st, 6);
	r->febrile = db_col_i64(st, 7);
}

static void fill_alerts(district_school_counts *r, db_stmt *st, const char *date)
{
	(void)date;
	r->open_alerts = db_col_i64(st, 1);
}

static void fill_batches(district_school_counts *r, db_stmt *st, const char *date)
{
	(void)date;
	r->batches = db_col_i64(st, 1);
	r->batches_due = db_col_i64(st, 2);
}

static void fill_hold(district_school_counts *r, db_stmt *st, const char *date)
{
	(void)date;
	r->hold = db_col_i64(st, 1);
}

static void fill_absent(district_school_counts *r, db_stmt *st, const char *date)
{
	(void)date;
	r->not_returned = db_col_i64(st, 1);
}

/* The latest version of a class's check: none higher (an anti-join, where
 * the MAX of each class's versions was a subquery per submission).  The
 * day and session are given again (parameters "ds") so that the planner
 * reads only that day's submissions on both sides, however long the
 * history. */
#define CURRENT_SUBMISSION                                                                     \
	"NOT EXISTS (SELECT 1 FROM check_submission v WHERE v.class_id = cs.class_id "           \
	"AND v.date = ? AND v.session = ? AND v.version > cs.version) "

/* The parts of the overview: a query, its parameters in order ('D' the
 * district, 'd' the date, 's' the session) and what it fills. */
static const struct overview_part {
	const char *sql, *binds;
	overview_fill fill;
} overview_parts[] = {
	/* Each school's classes and enrolled students (kept on the class row
	 * by triggers on person, migration 014), and of those the students
	 * expected back: a class whose return batch is due, or every class of
	 * a school without return batches. */
	{ "SELECT c.school_id, COUNT(*), SUM(c.enrolled), "
	  "SUM(CASE WHEN rb.return_date <= ? OR NOT EXISTS "
	  "(SELECT 1 FROM return_batch x WHERE x.school_id = c.school_id) "
	  "THEN c.enrolled ELSE 0 END) "
	  "FROM school sc JOIN class c ON c.school_id = sc.id "
	  "LEFT JOIN return_batch_class bc ON bc.class_id = c.id "
	  "LEFT JOIN return_batch rb ON rb.id = bc.batch_id WHERE sc.district_id = ? "
	  "GROUP BY c.school_id",
	  "dD", fill_roster },
	/* The day's census: submissions (latest version) with their entries
	 * and flagged entries (absent, symptomatic, febrile) as the check
	 * counted them on the submission row (migration 014). */
	{ "SELECT cs.school_id, COUNT(*), SUM(cs.entries), SUM(cs.absent_sick), "
	  "SUM(cs.absent_other), SUM(cs.absent_unknown), SUM(cs.symptomatic), SUM(cs.febrile) "
	  "FROM check_submission cs JOIN school sc ON sc.id = cs.school_id "
	  "WHERE sc.district_id = ? AND cs.date = ? AND cs.session = ? AND " CURRENT_SUBMISSION
	  "GROUP BY cs.school_id",
	  "Ddsds", fill_census },
	{ "SELECT a.school_id, COUNT(*) FROM alert a JOIN school sc ON sc.id = a.school_id "
	  "WHERE sc.district_id = ? AND a.status = 'open' GROUP BY a.school_id",
	  "D", fill_alerts },
	{ "SELECT b.school_id, COUNT(*), SUM(CASE WHEN b.return_date <= ? THEN 1 ELSE 0 END) "
	  "FROM return_batch b JOIN school sc ON sc.id = b.school_id "
	  "WHERE sc.district_id = ? GROUP BY b.school_id",
	  "dD", fill_batches },
	/* On hold for their latest return date up to the day. */
	{ "SELECT r.school_id, COUNT(*) FROM screen_result r JOIN school sc ON sc.id = r.school_id "
	  "WHERE sc.district_id = ? AND r.status = 'hold' AND r.return_date <= ? "
	  "AND r.return_date = (SELECT MAX(x.return_date) FROM screen_result x "
	  "WHERE x.person_id = r.person_id AND x.return_date <= ?) GROUP BY r.school_id",
	  "Ddd", fill_hold },
	{ "SELECT a.school_id, COUNT(*) FROM return_absence a JOIN school sc ON sc.id = a.school_id "
	  "WHERE sc.district_id = ? AND a.returned_date IS NULL GROUP BY a.school_id",
	  "D", fill_absent },
};

/* Run one part and merge its rows into the schools' rows. */
static int overview_merge(store *s, const struct overview_part *part, int64_t district_id,
			  const char *date, const char *session, district_school_counts *rows,
			  size_t n, jy_err *err)
{
	db_stmt *st = db_stmt_get(s->db, part->sql, err);
	if (!st)
		return JY_EDB;
	for (int k = 0; part->binds[k]; k++) {
		if (part->binds[k] == 'D')
			db_bind_i64(st, k + 1, district_id);
		else
			db_bind_text(st, k + 1, part->binds[k] == 'd' ? date : session);
	}
	int rc;
	while ((rc = db_step(st, err)) == 1) {
		district_school_counts *r = row_of(rows, n, db_col_i64(st, 0));
		if (r)
			part->fill(r, st, date);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_district_overview(store *s, int64_t district_id, const char *date, const char *session,
			    district_school_counts **out, size_t *n, jy_err *err)
{
	static const char q_schools[] =
		"SELECT id, code, name FROM school WHERE district_id = ? ORDER BY id";
	*out = NULL;
	*n = 0;
	size_t cap = 0, count = 0;
	district_school_counts *rows = NULL;
	db_stmt *st = db_stmt_get(s->db, q_schools, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, district_id);
	int rc;
	while ((rc = db_step(st, err)) == 1) {
		if (count == cap) {
			size_t nc = cap ? cap * 2 : 64;
			district_school_counts *g = realloc(rows, nc * sizeof *g);
			if (!g) {
				rc = err_set(err, JY_ENOMEM, "out of memory");
				break;
			}
			rows = g;
			cap = nc;
		}
		district_school_counts *r = &rows[count++];
		memset(r, 0, sizeof *r);
		r->school_id = db_col_i64(st, 0);
		COPY_COL(r->code, st, 1);
		COPY_COL(r->name, st, 2);
	}
	db_done(st);
	for (size_t i = 0; rc >= 0 && i < sizeof overview_parts / sizeof overview_parts[0]; i++)
		rc = overview_merge(s, &overview_parts[i], district_id, date, session, rows, count, err);
	if (rc < 0) {
		free(rows);
		return rc;
	}
	*out = rows;
	*n = count;
	return 0;
}

int store_district_school_alerts(store *s, int64_t district_id, int open_only, int64_t limit,
				 store_district_school_alert_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT a.id, a.school_id, a.rule_id, sc.code, sc.name, a.scope, a.scope_name, a.code, "
		"r.name_zh, r.name_en, a.first_date, a.last_date, a.status, a.count "
		"FROM alert a JOIN school sc ON sc.id = a.school_id "
		"JOIN cluster_rule r ON r.id = a.rule_id "
		"WHERE sc.district_id = ? AND (? = 0 OR a.status = 'open') "
		"ORDER BY a.last_date DESC, a.id DESC LIMIT ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, district_id);
	db_bind_i64(st, 2, open_only);
	db_bind_i64(st, 3, limit > 0 ? limit : 1000);
	int rc;
	district_school_alert a;
	while ((rc = db_step(st, err)) == 1) {
		memset(&a, 0, sizeof a);
		a.id = db_col_i64(st, 0);
		a.school_id = db_col_i64(st, 1);
		a.rule_id = db_col_i64(st, 2);
		COPY_COL(a.school_code, st, 3);
		COPY_COL(a.school_name, st, 4);
		COPY_COL(a.scope, st, 5);
		COPY_COL(a.scope_name, st, 6);
		COPY_COL(a.code, st, 7);
		COPY_COL(a.rule_zh, st, 8);
		COPY_COL(a.rule_en, st, 9);
		COPY_COL(a.first_date, st, 10);
		COPY_COL(a.last_date, st, 11);
		COPY_COL(a.status, st, 12);
		a.count = db_col_i64(st, 13);
		if (cb(ctx, &a))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- district rules and alerts ---- */

int store_district_rule_list(store *s, int64_t district_id, store_district_rule_cb cb, void *ctx,
			     jy_err *err)
{
	static const char sql[] =
		"SELECT id, COALESCE(district_id, 0), code, window_days, min_schools, min_cases, "
		"enabled, name_zh, name_en FROM district_rule "
		"WHERE district_id IS NULL OR district_id = ? ORDER BY id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, district_id);
	int rc;
	district_rule_rec r;
	while ((rc = db_step(st, err)) == 1) {
		memset(&r, 0, sizeof r);
		r.id = db_col_i64(st, 0);
		r.district_id = db_col_i64(st, 1);
		COPY_COL(r.code, st, 2);
		r.window_days = (int)db_col_i64(st, 3);
		r.min_schools = (int)db_col_i64(st, 4);
		r.min_cases = (int)db_col_i64(st, 5);
		r.enabled = (int)db_col_i64(st, 6);
		COPY_COL(r.name_zh, st, 7);
		COPY_COL(r.name_en, st, 8);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_district_rule_add(store *s, const district_rule_rec *r, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO district_rule (district_id, code, window_days, min_schools, min_cases, "
		"name_zh, name_en, enabled, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	bind_id(st, 1, r->district_id);
	db_bind_text(st, 2, r->code);
	db_bind_i64(st, 3, r->window_days);
	db_bind_i64(st, 4, r->min_schools);
	db_bind_i64(st, 5, r->min_cases);
	db_bind_text(st, 6, r->name_zh);
	db_bind_text(st, 7, r->name_en);
	db_bind_i64(st, 8, r->enabled);
	db_bind_i64(st, 9, now_s());
	return store_one_id(st, id, err);
}

int store_district_cases(store *s, int64_t district_id, const char *code, const char *from,
			 const char *to, store_district_case_cb cb, void *ctx, jy_err *err)
{
	/* Each school's events of the window through health_event_day. */
	static const char sql[] =
		"SELECT h.diagnosis, h.school_id, COUNT(DISTINCT h.person_id), MIN(h.date), MAX(h.date) "
		"FROM school sc JOIN health_event h ON h.school_id = sc.id "
		"AND h.date >= ? AND h.date <= ? "
		"WHERE sc.district_id = ? AND h.diagnosis <> '' AND (? = '' OR h.diagnosis = ?) "
		"GROUP BY h.diagnosis, h.school_id ORDER BY h.diagnosis, h.school_id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	db_bind_i64(st, 3, district_id);
	db_bind_text(st, 4, code ? code : "");
	db_bind_text(st, 5, code ? code : "");
	int rc;
	district_case_count c;
	while ((rc = db_step(st, err)) == 1) {
		memset(&c, 0, sizeof c);
		COPY_COL(c.code, st, 0);
		c.school_id = db_col_i64(st, 1);
		c.cases = db_col_i64(st, 2);
		COPY_COL(c.first_date, st, 3);
		COPY_COL(c.last_date, st, 4);
		if (cb(ctx, &c))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

#define DALERT_COLS                                                                            \
	"SELECT a.id, a.district_id, a.rule_id, a.code, a.first_date, a.last_date, a.status, "  \
	"a.schools, a.cases, a.created_at, a.updated_at, r.name_zh, r.name_en "                \
	"FROM district_alert a JOIN district_rule r ON r.id = a.rule_id "

static void dalert_row(db_stmt *st, district_alert_rec *a)
{
	memset(a, 0, sizeof *a);
	a->id = db_col_i64(st, 0);
	a->district_id = db_col_i64(st, 1);
	a->rule_id = db_col_i64(st, 2);
	COPY_COL(a->code, st, 3);
	COPY_COL(a->first_date, st, 4);
	COPY_COL(a->last_date, st, 5);
	COPY_COL(a->status, st, 6);
	a->schools = db_col_i64(st, 7);
	a->cases = db_col_i64(st, 8);
	a->created_at = db_col_i64(st, 9);
	a->updated_at = db_col_i64(st, 10);
	COPY_COL(a->rule_zh, st, 11);
	COPY_COL(a->rule_en, st, 12);
}

int store_district_alert_find_open(store *s, int64_t district_id, int64_t rule_id,
				   const char *code, const char *since, district_alert_rec *out,
				   jy_err *err)
{
	static const char sql[] = DALERT_COLS
		"WHERE a.district_id = ? AND a.rule_id = ? AND a.code = ? AND a.status = 'open' "
		"AND a.last_date >= ? ORDER BY a.id DESC LIMIT 1";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, district_id);
	db_bind_i64(st, 2, rule_id);
	db_bind_text(st, 3, code);
	db_bind_text(st, 4, since);
	int rc = db_step(st, err);
	if (rc == 1)
		dalert_row(st, out);
	db_done(st);
	return rc == 1 ? 0 : rc == 0 ? JY_ENOENT : rc;
}

int store_district_alert_add(store *s, const district_alert_rec *a, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO district_alert (district_id, rule_id, code, first_date, last_date, "
		"schools, cases, status, created_at, updated_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int64_t now = now_s();
	db_bind_i64(st, 1, a->district_id);
	db_bind_i64(st, 2, a->rule_id);
	db_bind_text(st, 3, a->code);
	db_bind_text(st, 4, a->first_date);
	db_bind_text(st, 5, a->last_date);
	db_bind_i64(st, 6, a->schools);
	db_bind_i64(st, 7, a->cases);
	db_bind_i64(st, 8, now);
	db_bind_i64(st, 9, now);
	return store_one_id(st, id, err);
}

int store_district_alert_update(store *s, const district_alert_rec *a, jy_err *err)
{
	static const char sql[] =
		"UPDATE district_alert SET first_date = ?, last_date = ?, schools = ?, cases = ?, "
		"updated_at = ? WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, a->first_date);
	db_bind_text(st, 2, a->last_date);
	db_bind_i64(st, 3, a->schools);
	db_bind_i64(st, 4, a->cases);
	db_bind_i64(st, 5, now_s());
	db_bind_i64(st, 6, a->id);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_district_alert_school_put(store *s, int64_t alert_id, int64_t school_id, int64_t cases,
				    const char *first_date, const char *last_date, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO district_alert_school (alert_id, school_id, cases, first_date, last_date) "
		"VALUES (?, ?, ?, ?, ?) ON CONFLICT (alert_id, school_id) DO UPDATE SET "
		/* CASE, not SQLite's two-argument MAX/MIN (PostgreSQL has GREATEST). */
		"cases = CASE WHEN excluded.cases > district_alert_school.cases "
		"THEN excluded.cases ELSE district_alert_school.cases END, "
		"first_date = CASE WHEN excluded.first_date < district_alert_school.first_date "
		"THEN excluded.first_date ELSE district_alert_school.first_date END, "
		"last_date = CASE WHEN excluded.last_date > district_alert_school.last_date "
		"THEN excluded.last_date ELSE district_alert_school.last_date END";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, alert_id);
	db_bind_i64(st, 2, school_id);
	db_bind_i64(st, 3, cases);
	db_bind_text(st, 4, first_date);
	db_bind_text(st, 5, last_date);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_district_alert_list(store *s, int64_t district_id, int open_only,
			      store_district_alert_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = DALERT_COLS
		"WHERE a.district_id = ? AND (? = 0 OR a.status = 'open') "
		"ORDER BY a.last_date DESC, a.id DESC";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, district_id);
	db_bind_i64(st, 2, open_only);
	int rc;
	district_alert_rec a;
	while ((rc = db_step(st, err)) == 1) {
		dalert_row(st, &a);
		if (cb(ctx, &a))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_district_alert_schools(store *s, int64_t alert_id, store_district_alert_school_cb cb,
				 void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT x.school_id, sc.code, sc.name, x.cases, x.first_date, x.last_date "
		"FROM district_alert_school x JOIN school sc ON sc.id = x.school_id "
		"WHERE x.alert_id = ? ORDER BY x.school_id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, alert_id);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		       db_col_i64(st, 3), db_col_text(st, 4), db_col_text(st, 5)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- settings and privacy grants ---- */

int store_setting_get(store *s, const char *name, char *value, size_t size, jy_err *err)
{
	static const char sql[] = "SELECT value FROM setting WHERE name = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, name);
	int rc = db_step(st, err);
	if (rc == 1)
		snprintf(value, size, "%s", db_col_text(st, 0));
	db_done(st);
	return rc == 1 ? 0 : rc == 0 ? JY_ENOENT : rc;
}

int store_setting_set(store *s, const char *name, const char *value, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO setting (name, value, updated_at) VALUES (?, ?, ?) "
		"ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, value);
	db_bind_i64(st, 3, now_s());
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_setting_ensure(store *s, const char *name, char *value, size_t size, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO setting (name, value, updated_at) VALUES (?, ?, ?) "
		"ON CONFLICT (name) DO NOTHING";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, value);
	db_bind_i64(st, 3, now_s());
	int rc = db_step(st, err);
	db_done(st);
	if (rc < 0)
		return rc;
	return store_setting_get(s, name, value, size, err);
}

int store_privacy_grant_add(store *s, const privacy_grant_rec *g, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO privacy_grant (user_id, district_id, reason, granted_by, granted_at, "
		"expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	bind_id(st, 1, g->user_id);
	bind_id(st, 2, g->district_id);
	db_bind_text(st, 3, g->reason);
	db_bind_text(st, 4, g->granted_by);
	db_bind_i64(st, 5, g->granted_at);
	bind_id(st, 6, g->expires_at);
	return store_one_id(st, id, err);
}

int store_privacy_grant_revoke(store *s, int64_t id, int64_t at, jy_err *err)
{
	static const char sql[] =
		"UPDATE privacy_grant SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, at);
	db_bind_i64(st, 2, id);
	int rc = db_step(st, err);
	db_done(st);
	if (rc < 0)
		return rc;
	if (db_changes(s->db) == 0)
		return err_set(err, JY_ENOENT, "没有这个有效授权 no live grant %lld", (long long)id);
	return 0;
}

int store_privacy_granted(store *s, int64_t user_id, int64_t district_id, int64_t now,
			  int *granted, jy_err *err)
{
	static const char sql[] =
		"SELECT COUNT(*) FROM privacy_grant WHERE revoked_at IS NULL "
		"AND (expires_at IS NULL OR expires_at > ?) "
		"AND (user_id = ? OR (user_id IS NULL AND district_id = ?))";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, user_id);
	db_bind_i64(st, 3, district_id);
	int64_t n = 0;
	int rc = store_one_id(st, &n, err);
	*granted = n > 0;
	return rc;
}

int store_privacy_grant_list(store *s, store_privacy_grant_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT g.id, COALESCE(g.user_id, 0), COALESCE(g.district_id, 0), g.reason, "
		"g.granted_by, COALESCE(u.username, ''), g.granted_at, COALESCE(g.expires_at, 0), "
		"COALESCE(g.revoked_at, 0) FROM privacy_grant g "
		"LEFT JOIN app_user u ON u.id = g.user_id ORDER BY g.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int rc;
	privacy_grant_rec g;
	while ((rc = db_step(st, err)) == 1) {
		memset(&g, 0, sizeof g);
		g.id = db_col_i64(st, 0);
		g.user_id = db_col_i64(st, 1);
		g.district_id = db_col_i64(st, 2);
		COPY_COL(g.reason, st, 3);
		COPY_COL(g.granted_by, st, 4);
		COPY_COL(g.username, st, 5);
		g.granted_at = db_col_i64(st, 6);
		g.expires_at = db_col_i64(st, 7);
		g.revoked_at = db_col_i64(st, 8);
		if (cb(ctx, &g))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- retention ---- */

/* Run a statement with text/integer parameters given as a kind string
 * ('t' text, 'i' integer), in order; counting (SELECT COUNT) or changing. */
static int run_bound(store *s, const char *sql, const char *kinds, const char *t, int64_t i,
		     int counting, int64_t *n, jy_err *err)
{
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	for (int k = 0; kinds[k]; k++) {
		if (kinds[k] == 't')
			db_bind_text(st, k + 1, t);
		else
			db_bind_i64(st, k + 1, i);
	}
	if (counting)
		return store_one_id(st, n, err);
	int rc = db_step(st, err);
	db_done(st);
	if (rc < 0)
		return rc;
	*n = db_changes(s->db);
	return 0;
}

int store_purge(store *s, const char *cutoff, int64_t cutoff_at, int dry_run, purge_counts *out,
		jy_err *err)
{
	/* Each step: what to count, what to delete (same WHERE), the parameter
	 * kinds, and where the count goes.  Children before parents. */
	static const struct step {
		const char *count_sql, *delete_sql, *kinds;
		size_t offset;
	} steps[] = {
		{ "SELECT COUNT(*) FROM check_entry WHERE submission_id IN "
		  "(SELECT id FROM check_submission WHERE date < ?)",
		  "DELETE FROM check_entry WHERE submission_id IN "
		  "(SELECT id FROM check_submission WHERE date < ?)",
		  "t", offsetof(purge_counts, check_entries) },
		{ "SELECT COUNT(*) FROM health_event WHERE date < ?",
		  "DELETE FROM health_event WHERE date < ?", "t", offsetof(purge_counts, health_events) },
		{ "SELECT COUNT(*) FROM check_submission WHERE date < ?",
		  "DELETE FROM check_submission WHERE date < ? AND id NOT IN "
		  "(SELECT submission_id FROM health_event WHERE submission_id IS NOT NULL)",
		  "t", offsetof(purge_counts, check_submissions) },
		{ "SELECT COUNT(*) FROM absence_followup WHERE absence_id IN (SELECT id FROM "
		  "illness_absence WHERE status = 'returned' AND COALESCE(return_date, first_absent_date) < ?)",
		  "DELETE FROM absence_followup WHERE absence_id IN (SELECT id FROM "
		  "illness_absence WHERE status = 'returned' AND COALESCE(return_date, first_absent_date) < ?)",
		  "t", offsetof(purge_counts, absence_followups) },
		{ "SELECT COUNT(*) FROM illness_absence WHERE status = 'returned' "
		  "AND COALESCE(return_date, first_absent_date) < ?",
		  "DELETE FROM illness_absence WHERE status = 'returned' "
		  "AND COALESCE(return_date, first_absent_date) < ?",
		  "t", offsetof(purge_counts, absences) },
		{ "SELECT COUNT(*) FROM observation_stay WHERE ended_at IS NOT NULL AND ended_at < ?",
		  "DELETE FROM observation_stay WHERE ended_at IS NOT NULL AND ended_at < ?",
		  "i", offsetof(purge_counts, observation_stays) },
		{ "SELECT COUNT(*) FROM gate_reading WHERE date < ?",
		  "DELETE FROM gate_reading WHERE date < ? AND id NOT IN "
		  "(SELECT reading_id FROM observation_stay WHERE reading_id IS NOT NULL)",
		  "t", offsetof(purge_counts, gate_readings) },
		{ "SELECT COUNT(*) FROM declaration WHERE date_to < ?",
		  "DELETE FROM declaration WHERE date_to < ?", "t", offsetof(purge_counts, declarations) },
		{ "SELECT COUNT(*) FROM presence WHERE end_at < ?",
		  "DELETE FROM presence WHERE end_at < ?", "i", offsetof(purge_counts, presence) },
		{ "SELECT COUNT(*) FROM contact_record WHERE t < ?",
		  "DELETE FROM contact_record WHERE t < ?", "i", offsetof(purge_counts, contact_records) },
		{ "SELECT COUNT(*) FROM followup_check WHERE date < ? AND followup_id IN "
		  "(SELECT id FROM contact_followup WHERE status <> 'monitoring')",
		  "DELETE FROM followup_check WHERE date < ? AND followup_id IN "
		  "(SELECT id FROM contact_followup WHERE status <> 'monitoring')",
		  "t", offsetof(purge_counts, followup_checks) },
		{ "SELECT COUNT(*) FROM hold_lift WHERE return_date < ?",
		  "DELETE FROM hold_lift WHERE return_date < ?", "t", offsetof(purge_counts, hold_lifts) },
		{ "SELECT COUNT(*) FROM screen_result WHERE return_date < ?",
		  "DELETE FROM screen_result WHERE return_date < ?", "t",
		  offsetof(purge_counts, screen_results) },
	};
	/* Gate readings are append-only for everyone else: the purge lifts the
	 * guard inside its own transaction and puts it back before commit. */
	static const char drop_guard[] = "DROP TRIGGER IF EXISTS gate_reading_no_delete";
	static const char put_guard[] =
		"CREATE TRIGGER gate_reading_no_delete BEFORE DELETE ON gate_reading "
		"BEGIN SELECT RAISE(ABORT, 'gate readings are append-only'); END";
	memset(out, 0, sizeof *out);
	int rc = store_begin(s, err);
	if (rc)
		return rc;
	int sqlite = !strcmp(store_backend(s), "sqlite");
	if (!dry_run && sqlite)
		rc = db_exec(s->db, drop_guard, err);
	for (size_t i = 0; !rc && i < sizeof steps / sizeof steps[0]; i++) {
		const struct step *p = &steps[i];
		int64_t *slot = (int64_t *)((char *)out + p->offset);
		rc = run_bound(s, dry_run ? p->count_sql : p->delete_sql, p->kinds, cutoff, cutoff_at,
			       dry_run, slot, err);
	}
	/* A submission kept for its events lost its entries: so do its counts
	 * (migration 014), which must match a count of the entries. */
	static const char zero_counts[] =
		"UPDATE check_submission SET entries = 0, absent_sick = 0, absent_other = 0, "
		"absent_unknown = 0, symptomatic = 0, febrile = 0 WHERE date < ? AND entries <> 0";
	int64_t zeroed = 0;
	if (!rc && !dry_run)
		rc = run_bound(s, zero_counts, "t", cutoff, 0, 0, &zeroed, err);
	if (!rc && !dry_run && sqlite)
		rc = db_exec(s->db, put_guard, err);
	/* Declarations went without their digests: rebuild them on next read. */
	if (!rc && !dry_run && out->declarations)
		rc = store_digest_invalidate(s, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}
