/*
 * cases.c — the SQL of cases, isolation, presence, contacts and follow-up
 * (see cases.h).
 *
 * Every statement is static text with bound parameters, prepared once per
 * connection.  The reads of the presence model (people, places, timetable,
 * morning absences, clinic visits) select only the columns the model uses
 * and join nothing, because a trace runs them on every request.
 */
#include "store/cases.h"
#include "store/store_int.h"
#include "util/date.h"

static int run(db_stmt *st, jy_err *err)
{
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

static void bind_opt_i64(db_stmt *st, int idx, int64_t v)
{
	if (v)
		db_bind_i64(st, idx, v);
	else
		db_bind_null(st, idx);
}

static void bind_temp(db_stmt *st, int idx, double t)
{
	if (t < 0)
		db_bind_null(st, idx);
	else
		db_bind_double(st, idx, t);
}

#define PREPARE(st, sql)                                 \
	db_stmt *st = db_stmt_get(s->db, (sql), err);    \
	if (!st)                                         \
		return JY_EDB

/* ---- disease settings ---- */

#define DISEASE_COLS                                                                           \
	"SELECT id, COALESCE(school_id, 0), code, window_before_h, min_exposure_s, same_dorm, " \
	"same_class, hops, monitor_days FROM disease_setting "

static void disease_from_row(db_stmt *st, disease_rec *d)
{
	d->id = db_col_i64(st, 0);
	d->school_id = db_col_i64(st, 1);
	COPY_COL(d->code, st, 2);
	d->window_before_h = (int)db_col_i64(st, 3);
	d->min_exposure_s = db_col_i64(st, 4);
	d->same_dorm = (int)db_col_i64(st, 5);
	d->same_class = (int)db_col_i64(st, 6);
	d->hops = (int)db_col_i64(st, 7);
	d->monitor_days = (int)db_col_i64(st, 8);
}

int store_disease_get(store *s, int64_t school_id, const char *code, disease_rec *out, jy_err *err)
{
	static const char sql[] = DISEASE_COLS
		"WHERE code IN (?1, '*') AND (school_id = ?2 OR school_id IS NULL) "
		"ORDER BY CASE WHEN code = '*' THEN 1 ELSE 0 END, "
		"CASE WHEN school_id IS NULL THEN 1 ELSE 0 END, id LIMIT 1";
	PREPARE(st, sql);
	db_bind_text(st, 1, code);
	db_bind_i64(st, 2, school_id);
	int rc = db_step(st, err);
	if (rc == 1) {
		disease_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有该病种的设置 (no setting for disease %s)", code);
	}
	db_done(st);
	return rc;
}

int store_disease_list(store *s, int64_t school_id, store_disease_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = DISEASE_COLS "WHERE school_id = ? OR school_id IS NULL "
					       "ORDER BY code, CASE WHEN school_id IS NULL THEN 1 ELSE 0 END";
	PREPARE(st, sql);
	db_bind_i64(st, 1, school_id);
	int rc;
	disease_rec d;
	while ((rc = db_step(st, err)) == 1) {
		disease_from_row(st, &d);
		if (cb(ctx, &d))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_disease_save(store *s, const disease_rec *d, jy_err *err)
{
	static const char upd[] =
		"UPDATE disease_setting SET window_before_h = ?, min_exposure_s = ?, same_dorm = ?, "
		"same_class = ?, hops = ?, monitor_days = ?, updated_at = ? WHERE code = ? AND "
		"COALESCE(school_id, 0) = ?";
	static const char ins[] =
		"INSERT INTO disease_setting (window_before_h, min_exposure_s, same_dorm, same_class, "
		"hops, monitor_days, updated_at, code, school_id) VALUES (?,?,?,?,?,?,?,?,?)";
	int rc = db_begin(s->db, err);
	if (rc)
		return rc;
	for (int pass = 0; pass < 2; pass++) {
		db_stmt *st = db_stmt_get(s->db, pass ? ins : upd, err);
		if (!st) {
			rc = JY_EDB;
			break;
		}
		db_bind_i64(st, 1, d->window_before_h);
		db_bind_i64(st, 2, d->min_exposure_s);
		db_bind_i64(st, 3, d->same_dorm);
		db_bind_i64(st, 4, d->same_class);
		db_bind_i64(st, 5, d->hops);
		db_bind_i64(st, 6, d->monitor_days);
		db_bind_i64(st, 7, now_s());
		db_bind_text(st, 8, d->code);
		if (pass)
			bind_opt_i64(st, 9, d->school_id);
		else
			db_bind_i64(st, 9, d->school_id);
		if ((rc = run(st, err)))
			break;
		if (!pass && db_changes(s->db) > 0)
			break;
	}
	if (rc) {
		db_rollback(s->db);
		return rc;
	}
	return db_commit(s->db, err);
}

/* ---- cases ---- */

/* The open stay and the first isolation of a case come from subqueries:
 * a case has one or two stays, and lists are short. */
#define CASE_COLS                                                                              \
	"SELECT k.id, k.school_id, k.person_id, k.code, k.classification, COALESCE(k.onset_at, 0), " \
	"k.report_due_at, COALESCE(k.reported_at, 0), k.outcome, COALESCE(k.outcome_at, 0), "  \
	"COALESCE(k.alert_id, 0), COALESCE(k.followup_id, 0), COALESCE(k.source_case_id, 0), " \
	"k.source_by, k.note, COALESCE(k.created_by, 0), k.created_at, k.updated_at, "         \
	"p.number, p.name, COALESCE(c.name, ''), p.kind, COALESCE(p.class_id, 0), "            \
	"COALESCE(p.dorm_id, 0), COALESCE(st.id, 0), COALESCE(st.place_id, 0), "               \
	"COALESCE(st.started_at, 0), COALESCE(pl.name, ''), "                                   \
	"COALESCE((SELECT MIN(f.started_at) FROM isolation_stay f WHERE f.case_id = k.id), 0) " \
	"FROM case_record k JOIN person p ON p.id = k.person_id "                               \
	"LEFT JOIN class c ON c.id = p.class_id "                                               \
	"LEFT JOIN isolation_stay st ON st.id = (SELECT MAX(o.id) FROM isolation_stay o "       \
	"WHERE o.case_id = k.id AND o.ended_at IS NULL) "                                       \
	"LEFT JOIN place pl ON pl.id = st.place_id "

static void case_from_row(db_stmt *st, cases_rec *c)
{
	c->id = db_col_i64(st, 0);
	c->school_id = db_col_i64(st, 1);
	c->person_id = db_col_i64(st, 2);
	COPY_COL(c->code, st, 3);
	COPY_COL(c->classification, st, 4);
	c->onset_at = db_col_i64(st, 5);
	c->report_due_at = db_col_i64(st, 6);
	c->reported_at = db_col_i64(st, 7);
	COPY_COL(c->outcome, st, 8);
	c->outcome_at = db_col_i64(st, 9);
	c->alert_id = db_col_i64(st, 10);
	c->followup_id = db_col_i64(st, 11);
	c->source_case_id = db_col_i64(st, 12);
	COPY_COL(c->source_by, st, 13);
	COPY_COL(c->note, st, 14);
	c->created_by = db_col_i64(st, 15);
	c->created_at = db_col_i64(st, 16);
	c->updated_at = db_col_i64(st, 17);
	COPY_COL(c->number, st, 18);
	COPY_COL(c->name, st, 19);
	COPY_COL(c->class_name, st, 20);
	COPY_COL(c->kind, st, 21);
	c->class_id = db_col_i64(st, 22);
	c->dorm_id = db_col_i64(st, 23);
	c->stay_id = db_col_i64(st, 24);
	c->stay_place_id = db_col_i64(st, 25);
	c->stay_started_at = db_col_i64(st, 26);
	COPY_COL(c->stay_place, st, 27);
	c->isolated_at = db_col_i64(st, 28);
}

int store_case_add(store *s, const cases_rec *c, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO case_record (school_id, person_id, code, classification, onset_at, "
		"report_due_at, reported_at, outcome, outcome_at, alert_id, followup_id, "
		"source_case_id, source_by, note, created_by, created_at, updated_at) "
		"VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id";
	PREPARE(st, sql);
	int64_t now = c->created_at ? c->created_at : now_s();
	db_bind_i64(st, 1, c->school_id);
	db_bind_i64(st, 2, c->person_id);
	db_bind_text(st, 3, c->code);
	db_bind_text(st, 4, c->classification);
	bind_opt_i64(st, 5, c->onset_at);
	db_bind_i64(st, 6, c->report_due_at);
	bind_opt_i64(st, 7, c->reported_at);
	db_bind_text(st, 8, c->outcome);
	bind_opt_i64(st, 9, c->outcome_at);
	bind_id(st, 10, c->alert_id);
	bind_id(st, 11, c->followup_id);
	bind_id(st, 12, c->source_case_id);
	db_bind_text(st, 13, c->source_by);
	db_bind_text(st, 14, c->note);
	bind_id(st, 15, c->created_by);
	db_bind_i64(st, 16, now);
	db_bind_i64(st, 17, now);
	return store_one_id(st, id, err);
}

int store_case_update(store *s, const cases_rec *c, jy_err *err)
{
	static const char sql[] =
		"UPDATE case_record SET code = ?, classification = ?, onset_at = ?, reported_at = ?, "
		"outcome = ?, outcome_at = ?, source_case_id = ?, source_by = ?, note = ?, "
		"updated_at = ? WHERE id = ?";
	PREPARE(st, sql);
	db_bind_text(st, 1, c->code);
	db_bind_text(st, 2, c->classification);
	bind_opt_i64(st, 3, c->onset_at);
	bind_opt_i64(st, 4, c->reported_at);
	db_bind_text(st, 5, c->outcome);
	bind_opt_i64(st, 6, c->outcome_at);
	bind_id(st, 7, c->source_case_id);
	db_bind_text(st, 8, c->source_by);
	db_bind_text(st, 9, c->note);
	db_bind_i64(st, 10, now_s());
	db_bind_i64(st, 11, c->id);
	return run(st, err);
}

int store_case_get(store *s, int64_t id, cases_rec *out, jy_err *err)
{
	static const char sql[] = CASE_COLS "WHERE k.id = ?";
	PREPARE(st, sql);
	db_bind_i64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == 1) {
		case_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这个病例 (no such case)");
	}
	db_done(st);
	return rc;
}

int store_case_list(store *s, const case_filter *f, store_cases_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = CASE_COLS
		"WHERE (?1 = 0 OR k.school_id = ?1) AND (?2 = 0 OR k.person_id = ?2) "
		"AND (?3 = 0 OR k.alert_id = ?3) "
		"AND (?4 = 0 OR (k.classification <> 'excluded' AND k.outcome = '')) "
		"ORDER BY k.id DESC";
	PREPARE(st, sql);
	db_bind_i64(st, 1, f->school_id);
	db_bind_i64(st, 2, f->person_id);
	db_bind_i64(st, 3, f->alert_id);
	db_bind_i64(st, 4, f->open_only);
	int rc;
	cases_rec c;
	while ((rc = db_step(st, err)) == 1) {
		case_from_row(st, &c);
		if (cb(ctx, &c))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- isolation ---- */

#define STAY_COLS                                                                              \
	"SELECT st.id, st.school_id, st.case_id, st.person_id, st.place_id, st.started_at, "    \
	"COALESCE(st.ended_at, 0), st.release_criteria, st.release_date, st.handover_to, "      \
	"st.handover_name, st.handover_phone, st.handover_note, COALESCE(st.handed_over_by, 0), " \
	"COALESCE(st.created_by, 0), pl.name, pl.kind, p.number, p.name FROM isolation_stay st " \
	"JOIN place pl ON pl.id = st.place_id JOIN person p ON p.id = st.person_id "

static void stay_from_row(db_stmt *st, stay_rec *r)
{
	r->id = db_col_i64(st, 0);
	r->school_id = db_col_i64(st, 1);
	r->case_id = db_col_i64(st, 2);
	r->person_id = db_col_i64(st, 3);
	r->place_id = db_col_i64(st, 4);
	r->started_at = db_col_i64(st, 5);
	r->ended_at = db_col_i64(st, 6);
	COPY_COL(r->release_criteria, st, 7);
	COPY_COL(r->release_date, st, 8);
	COPY_COL(r->handover_to, st, 9);
	COPY_COL(r->handover_name, st, 10);
	COPY_COL(r->handover_phone, st, 11);
	COPY_COL(r->handover_note, st, 12);
	r->handed_over_by = db_col_i64(st, 13);
	r->created_by = db_col_i64(st, 14);
	COPY_COL(r->place_name, st, 15);
	COPY_COL(r->place_kind, st, 16);
	COPY_COL(r->number, st, 17);
	COPY_COL(r->name, st, 18);
}

static int stay_walk(db_stmt *st, store_stay_cb cb, void *ctx, jy_err *err)
{
	int rc;
	stay_rec r;
	while ((rc = db_step(st, err)) == 1) {
		stay_from_row(st, &r);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_stay_add(store *s, const stay_rec *r, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO isolation_stay (school_id, case_id, person_id, place_id, started_at, "
		"release_criteria, release_date, created_by) VALUES (?,?,?,?,?,?,?,?) RETURNING id";
	PREPARE(st, sql);
	db_bind_i64(st, 1, r->school_id);
	db_bind_i64(st, 2, r->case_id);
	db_bind_i64(st, 3, r->person_id);
	db_bind_i64(st, 4, r->place_id);
	db_bind_i64(st, 5, r->started_at);
	db_bind_text(st, 6, r->release_criteria);
	db_bind_text(st, 7, r->release_date);
	bind_id(st, 8, r->created_by);
	return store_one_id(st, id, err);
}

int store_stay_get(store *s, int64_t id, stay_rec *out, jy_err *err)
{
	static const char sql[] = STAY_COLS "WHERE st.id = ?";
	PREPARE(st, sql);
	db_bind_i64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == 1) {
		stay_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这条隔离记录 (no such stay)");
	}
	db_done(st);
	return rc;
}

int store_stay_end(store *s, const stay_rec *r, jy_err *err)
{
	static const char sql[] =
		"UPDATE isolation_stay SET ended_at = ?, handover_to = ?, handover_name = ?, "
		"handover_phone = ?, handover_note = ?, handed_over_by = ?, release_criteria = ?, "
		"release_date = ? WHERE id = ? AND ended_at IS NULL";
	PREPARE(st, sql);
	db_bind_i64(st, 1, r->ended_at);
	db_bind_text(st, 2, r->handover_to);
	db_bind_text(st, 3, r->handover_name);
	db_bind_text(st, 4, r->handover_phone);
	db_bind_text(st, 5, r->handover_note);
	bind_id(st, 6, r->handed_over_by);
	db_bind_text(st, 7, r->release_criteria);
	db_bind_text(st, 8, r->release_date);
	db_bind_i64(st, 9, r->id);
	int rc = run(st, err);
	if (!rc && db_changes(s->db) == 0)
		rc = err_set(err, JY_ECONFLICT, "该隔离已结束 (the stay has already ended)");
	return rc;
}

int store_stay_list(store *s, int64_t school_id, int64_t case_id, int64_t from, int64_t to,
		    store_stay_cb cb, void *ctx, jy_err *err)
{
	static const char by_case[] = STAY_COLS "WHERE st.case_id = ? ORDER BY st.started_at";
	static const char by_school[] = STAY_COLS
		"WHERE st.school_id = ?1 AND (?3 = 0 OR st.started_at < ?3) "
		"AND (st.ended_at IS NULL OR st.ended_at > ?2) ORDER BY st.started_at";
	if (case_id) {
		PREPARE(st, by_case);
		db_bind_i64(st, 1, case_id);
		return stay_walk(st, cb, ctx, err);
	}
	PREPARE(st, by_school);
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, from);
	db_bind_i64(st, 3, to);
	return stay_walk(st, cb, ctx, err);
}

int store_room_open_stays(store *s, int64_t place_id, store_stay_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = STAY_COLS "WHERE st.place_id = ? AND st.ended_at IS NULL "
					    "ORDER BY st.started_at";
	PREPARE(st, sql);
	db_bind_i64(st, 1, place_id);
	return stay_walk(st, cb, ctx, err);
}

int store_room_list(store *s, int64_t school_id, store_room_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT pl.id, pl.kind, pl.name, pl.building, COALESCE(pl.capacity, -1), "
		"(SELECT COUNT(*) FROM isolation_stay st WHERE st.place_id = pl.id "
		"AND st.ended_at IS NULL) FROM place pl WHERE pl.school_id = ? "
		"AND pl.kind IN ('isolation_room','observation_room') ORDER BY pl.kind, pl.name";
	PREPARE(st, sql);
	db_bind_i64(st, 1, school_id);
	int rc;
	room_rec r;
	while ((rc = db_step(st, err)) == 1) {
		r.id = db_col_i64(st, 0);
		COPY_COL(r.kind, st, 1);
		COPY_COL(r.name, st, 2);
		COPY_COL(r.building, st, 3);
		r.capacity = db_col_i64(st, 4);
		r.occupied = db_col_i64(st, 5);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- presence and contacts ---- */

int store_presence_add(store *s, const presence_rec *p, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO presence (school_id, person_id, place_id, start_at, end_at, source, "
		"event, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id";
	/* Without RETURNING when no id is wanted (an import; PostgreSQL pipelines it). */
	static const char quiet[] =
		"INSERT INTO presence (school_id, person_id, place_id, start_at, end_at, source, "
		"event, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?)";
	PREPARE(st, id ? sql : quiet);
	db_bind_i64(st, 1, p->school_id);
	db_bind_i64(st, 2, p->person_id);
	db_bind_i64(st, 3, p->place_id);
	db_bind_i64(st, 4, p->start_at);
	db_bind_i64(st, 5, p->end_at);
	db_bind_text(st, 6, p->source);
	db_bind_text(st, 7, p->event);
	bind_id(st, 8, p->created_by);
	db_bind_i64(st, 9, now_s());
	return id ? store_one_id(st, id, err) : run(st, err);
}

int store_presence_window(store *s, int64_t school_id, int64_t person_id, int64_t from, int64_t to,
			  store_presence_cb cb, void *ctx, jy_err *err)
{
	static const char school_sql[] =
		"SELECT r.id, r.school_id, r.person_id, r.place_id, r.start_at, r.end_at, "
		"COALESCE(r.created_by, 0), r.source, r.event, pl.name FROM presence r "
		"JOIN place pl ON pl.id = r.place_id "
		"WHERE r.school_id = ?1 AND r.start_at < ?3 AND r.end_at > ?2 ORDER BY r.start_at";
	static const char person_sql[] =
		"SELECT r.id, r.school_id, r.person_id, r.place_id, r.start_at, r.end_at, "
		"COALESCE(r.created_by, 0), r.source, r.event, pl.name FROM presence r "
		"JOIN place pl ON pl.id = r.place_id "
		"WHERE r.person_id = ?1 AND r.start_at < ?3 AND r.end_at > ?2 ORDER BY r.start_at";
	PREPARE(st, person_id ? person_sql : school_sql);
	db_bind_i64(st, 1, person_id ? person_id : school_id);
	db_bind_i64(st, 2, from);
	db_bind_i64(st, 3, to);
	int rc;
	presence_rec p;
	while ((rc = db_step(st, err)) == 1) {
		p.id = db_col_i64(st, 0);
		p.school_id = db_col_i64(st, 1);
		p.person_id = db_col_i64(st, 2);
		p.place_id = db_col_i64(st, 3);
		p.start_at = db_col_i64(st, 4);
		p.end_at = db_col_i64(st, 5);
		p.created_by = db_col_i64(st, 6);
		COPY_COL(p.source, st, 7);
		COPY_COL(p.event, st, 8);
		COPY_COL(p.place_name, st, 9);
		if (cb(ctx, &p))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_contact_batch_add(store *s, int64_t school_id, const char *file, int64_t resolution,
			    int64_t records, int64_t *id, jy_err *err)
{
	static const char sql[] = "INSERT INTO contact_batch (school_id, file, resolution, records, "
				  "imported_at) VALUES (?,?,?,?,?) RETURNING id";
	PREPARE(st, sql);
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, file);
	db_bind_i64(st, 3, resolution);
	db_bind_i64(st, 4, records);
	db_bind_i64(st, 5, now_s());
	return store_one_id(st, id, err);
}

int store_contact_add(store *s, int64_t school_id, int64_t batch_id, int64_t t, int64_t person_i,
		      int64_t person_j, jy_err *err)
{
	static const char sql[] = "INSERT INTO contact_record (school_id, batch_id, t, person_i, "
				  "person_j) VALUES (?,?,?,?,?)";
	PREPARE(st, sql);
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, batch_id);
	db_bind_i64(st, 3, t);
	db_bind_i64(st, 4, person_i);
	db_bind_i64(st, 5, person_j);
	return run(st, err);
}

/* A record [t, t + resolution) overlaps [from, to) when t < to and
 * t + resolution > from; resolutions are at most a day here (checked on
 * import), which bounds the index range. */
int store_contact_window(store *s, int64_t school_id, int64_t person_id, int64_t from, int64_t to,
			 store_contact_cb cb, void *ctx, jy_err *err)
{
	static const char school_sql[] =
		"SELECT r.t, r.person_i, r.person_j, b.resolution FROM contact_record r "
		"JOIN contact_batch b ON b.id = r.batch_id WHERE r.school_id = ?1 "
		"AND r.t >= ?2 - 86400 AND r.t < ?3 AND r.t + b.resolution > ?2";
	static const char person_sql[] =
		"SELECT r.t, r.person_i, r.person_j, b.resolution FROM contact_record r "
		"JOIN contact_batch b ON b.id = r.batch_id WHERE r.person_i = ?1 "
		"AND r.t >= ?2 - 86400 AND r.t < ?3 AND r.t + b.resolution > ?2 "
		"UNION ALL "
		"SELECT r.t, r.person_i, r.person_j, b.resolution FROM contact_record r "
		"JOIN contact_batch b ON b.id = r.batch_id WHERE r.person_j = ?1 "
		"AND r.t >= ?2 - 86400 AND r.t < ?3 AND r.t + b.resolution > ?2 ORDER BY 1";
	PREPARE(st, person_id ? person_sql : school_sql);
	db_bind_i64(st, 1, person_id ? person_id : school_id);
	db_bind_i64(st, 2, from);
	db_bind_i64(st, 3, to);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2), db_col_i64(st, 3)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- the presence model's reads ---- */

int store_trace_people(store *s, int64_t school_id, store_trace_person_cb cb, void *ctx,
		       jy_err *err)
{
	static const char sql[] = "SELECT id, number, name, kind, COALESCE(class_id, 0), "
				  "COALESCE(dorm_id, 0), active FROM person WHERE school_id = ? "
				  "ORDER BY number";
	PREPARE(st, sql);
	db_bind_i64(st, 1, school_id);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		       db_col_text(st, 3), db_col_i64(st, 4), db_col_i64(st, 5), (int)db_col_i64(st, 6)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_trace_classes(store *s, int64_t school_id, store_trace_class_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = "SELECT id, name FROM class WHERE school_id = ? ORDER BY id";
	PREPARE(st, sql);
	db_bind_i64(st, 1, school_id);
	return store_each_id_text(st, cb, ctx, err);
}

int store_trace_places(store *s, int64_t school_id, store_trace_place_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = "SELECT id, kind, name FROM place WHERE school_id = ?";
	PREPARE(st, sql);
	db_bind_i64(st, 1, school_id);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_trace_timetable(store *s, int64_t school_id, store_trace_timetable_cb cb, void *ctx,
			  jy_err *err)
{
	static const char sql[] = "SELECT class_id, place_id, weekday, start_min, end_min "
				  "FROM timetable WHERE school_id = ?";
	PREPARE(st, sql);
	db_bind_i64(st, 1, school_id);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_i64(st, 0), db_col_i64(st, 1), (int)db_col_i64(st, 2),
		       (int)db_col_i64(st, 3), (int)db_col_i64(st, 4)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_morning_absent(store *s, int64_t school_id, const char *from, const char *to,
			 store_absent_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT cs.date, e.person_id FROM check_submission cs "
		"JOIN check_entry e ON e.submission_id = cs.id "
		"WHERE cs.school_id = ? AND cs.date >= ? AND cs.date <= ? AND cs.session = 'morning' "
		"AND e.status <> 'present' AND cs.version = (SELECT MAX(v.version) FROM "
		"check_submission v WHERE v.class_id = cs.class_id AND v.date = cs.date "
		"AND v.session = cs.session)";
	PREPARE(st, sql);
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_text(st, 0), db_col_i64(st, 1)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

/*
 * Bind (school, first date, last date, from, to) as parameters 1-5 of a
 * query over rows that carry both a CST `date` and a time `at`: the dates
 * (one day wider each side) use the (school_id, date) index, the times
 * narrow it to [from, to).
 */
static void bind_time_window(db_stmt *st, int64_t school_id, int64_t from, int64_t to)
{
	char d1[11], d2[11];
	date_format(date_of_time_cst(from) - 1, d1);
	date_format(date_of_time_cst(to) + 1, d2);
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, d1);
	db_bind_text(st, 3, d2);
	db_bind_i64(st, 4, from);
	db_bind_i64(st, 5, to);
}

int store_clinic_visits(store *s, int64_t school_id, int64_t from, int64_t to, store_visit_cb cb,
			void *ctx, jy_err *err)
{
	/* The date bounds use the (school_id, date) index; at narrows it. */
	static const char sql[] =
		"SELECT person_id, at FROM health_event WHERE school_id = ? AND date >= ? "
		"AND date <= ? AND source = 'clinic' AND at >= ? AND at < ?";
	PREPARE(st, sql);
	bind_time_window(st, school_id, from, to);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_i64(st, 0), db_col_i64(st, 1)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_gate_passages(store *s, int64_t school_id, int64_t from, int64_t to, store_gate_cb cb,
			void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT r.person_id, COALESCE(d.place_id, (SELECT p.id FROM place p WHERE "
		"p.school_id = r.school_id AND p.name = d.gate)), r.at FROM gate_reading r "
		"JOIN gate_device d ON d.id = r.device_id WHERE r.school_id = ? AND r.date >= ? "
		"AND r.date <= ? AND r.at >= ? AND r.at < ? AND r.person_id IS NOT NULL";
	PREPARE(st, sql);
	bind_time_window(st, school_id, from, to);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (!db_col_is_null(st, 1) &&
		    cb(ctx, db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- follow-up ---- */

#define FOLLOWUP_COLS                                                                          \
	"SELECT f.id, f.school_id, f.case_id, f.person_id, f.hop, f.exposure_s, "               \
	"COALESCE(f.first_contact, 0), COALESCE(f.via_person_id, 0), f.places, f.start_date, "  \
	"f.end_date, f.status, COALESCE(f.status_at, 0), COALESCE(f.new_case_id, 0), "          \
	"COALESCE(f.created_by, 0), f.created_at, p.number, p.name, COALESCE(c.name, ''), "     \
	"p.kind, COALESCE(p.class_id, 0), p.guardian_phone, p.phone, k.code, kp.name, k.person_id, " \
	"COALESCE((SELECT MAX(x.date) FROM followup_check x WHERE x.followup_id = f.id), ''), " \
	"(SELECT COUNT(*) FROM followup_check x WHERE x.followup_id = f.id), "                  \
	"COALESCE(vp.name, '') "                                                                \
	"FROM contact_followup f JOIN person p ON p.id = f.person_id "                          \
	"LEFT JOIN class c ON c.id = p.class_id JOIN case_record k ON k.id = f.case_id "        \
	"JOIN person kp ON kp.id = k.person_id LEFT JOIN person vp ON vp.id = f.via_person_id "

static void followup_from_row(db_stmt *st, followup_rec *f)
{
	f->id = db_col_i64(st, 0);
	f->school_id = db_col_i64(st, 1);
	f->case_id = db_col_i64(st, 2);
	f->person_id = db_col_i64(st, 3);
	f->hop = (int)db_col_i64(st, 4);
	f->exposure_s = db_col_i64(st, 5);
	f->first_contact = db_col_i64(st, 6);
	f->via_person_id = db_col_i64(st, 7);
	COPY_COL(f->places, st, 8);
	COPY_COL(f->start_date, st, 9);
	COPY_COL(f->end_date, st, 10);
	COPY_COL(f->status, st, 11);
	f->status_at = db_col_i64(st, 12);
	f->new_case_id = db_col_i64(st, 13);
	f->created_by = db_col_i64(st, 14);
	f->created_at = db_col_i64(st, 15);
	COPY_COL(f->number, st, 16);
	COPY_COL(f->name, st, 17);
	COPY_COL(f->class_name, st, 18);
	COPY_COL(f->kind, st, 19);
	f->class_id = db_col_i64(st, 20);
	COPY_COL(f->guardian_phone, st, 21);
	COPY_COL(f->phone, st, 22);
	COPY_COL(f->case_code, st, 23);
	COPY_COL(f->case_name, st, 24);
	f->case_person_id = db_col_i64(st, 25);
	COPY_COL(f->last_check, st, 26);
	f->checks = db_col_i64(st, 27);
	COPY_COL(f->via_name, st, 28);
}

int store_followup_add(store *s, const followup_rec *f, int64_t *id, int *created, jy_err *err)
{
	static const char ins[] =
		"INSERT INTO contact_followup (school_id, case_id, person_id, hop, exposure_s, "
		"first_contact, via_person_id, places, start_date, end_date, status, created_by, "
		"created_at) VALUES (?,?,?,?,?,?,?,?,?,?,'monitoring',?,?) "
		ON_CONFLICT_SCHOOL("case_id, person_id") "DO NOTHING RETURNING id";
	static const char find[] = "SELECT id FROM contact_followup WHERE case_id = ? AND person_id = ?";
	PREPARE(st, ins);
	db_bind_i64(st, 1, f->school_id);
	db_bind_i64(st, 2, f->case_id);
	db_bind_i64(st, 3, f->person_id);
	db_bind_i64(st, 4, f->hop);
	db_bind_i64(st, 5, f->exposure_s);
	bind_opt_i64(st, 6, f->first_contact);
	bind_id(st, 7, f->via_person_id);
	db_bind_text(st, 8, f->places);
	db_bind_text(st, 9, f->start_date);
	db_bind_text(st, 10, f->end_date);
	bind_id(st, 11, f->created_by);
	db_bind_i64(st, 12, now_s());
	int rc = db_step(st, err);
	if (rc == 1) {
		*id = db_col_i64(st, 0);
		*created = 1;
		db_done(st);
		return 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*created = 0;
	db_stmt *q = db_stmt_get(s->db, find, err);
	if (!q)
		return JY_EDB;
	db_bind_i64(q, 1, f->case_id);
	db_bind_i64(q, 2, f->person_id);
	return store_one_id(q, id, err);
}

int store_followup_get(store *s, int64_t id, followup_rec *out, jy_err *err)
{
	static const char sql[] = FOLLOWUP_COLS "WHERE f.id = ?";
	PREPARE(st, sql);
	db_bind_i64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == 1) {
		followup_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这条医学观察 (no such follow-up)");
	}
	db_done(st);
	return rc;
}

int store_followup_set_status(store *s, int64_t id, const char *status, int64_t at,
			      int64_t new_case_id, jy_err *err)
{
	static const char sql[] = "UPDATE contact_followup SET status = ?, status_at = ?, "
				  "new_case_id = COALESCE(?, new_case_id) WHERE id = ?";
	PREPARE(st, sql);
	db_bind_text(st, 1, status);
	db_bind_i64(st, 2, at);
	bind_id(st, 3, new_case_id);
	db_bind_i64(st, 4, id);
	return run(st, err);
}

int store_followup_list(store *s, const followup_filter *f, store_followup_cb cb, void *ctx,
			jy_err *err)
{
	static const char by_school[] = FOLLOWUP_COLS
		"WHERE (?1 = 0 OR f.school_id = ?1) AND (?2 = 0 OR p.class_id = ?2) AND (?3 = 0 OR f.case_id = ?3) "
		"AND (?4 = '' OR f.status = ?4) ORDER BY f.end_date DESC, p.number";
	static const char by_person[] = FOLLOWUP_COLS "WHERE f.person_id = ?1 ORDER BY f.id";
	if (f->person_id) {
		PREPARE(st, by_person);
		db_bind_i64(st, 1, f->person_id);
		int rc;
		followup_rec r;
		while ((rc = db_step(st, err)) == 1) {
			followup_from_row(st, &r);
			if (cb(ctx, &r))
				break;
		}
		db_done(st);
		return rc < 0 ? rc : 0;
	}
	PREPARE(st, by_school);
	db_bind_i64(st, 1, f->school_id);
	db_bind_i64(st, 2, f->class_id);
	db_bind_i64(st, 3, f->case_id);
	db_bind_text(st, 4, f->status ? f->status : "");
	int rc;
	followup_rec r;
	while ((rc = db_step(st, err)) == 1) {
		followup_from_row(st, &r);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_followup_check_put(store *s, int64_t school_id, const followup_check_rec *c, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO followup_check (school_id, followup_id, date, temperature, symptoms, note, "
		"source, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?,?) "
		ON_CONFLICT_SCHOOL("followup_id, date") "DO UPDATE SET temperature = excluded.temperature, "
		"symptoms = excluded.symptoms, note = excluded.note, source = excluded.source, "
		"recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at";
	PREPARE(st, sql);
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, c->followup_id);
	db_bind_text(st, 3, c->date);
	bind_temp(st, 4, c->temperature);
	db_bind_text(st, 5, c->symptoms);
	db_bind_text(st, 6, c->note);
	db_bind_text(st, 7, c->source);
	bind_id(st, 8, c->recorded_by);
	db_bind_i64(st, 9, c->recorded_at ? c->recorded_at : now_s());
	return run(st, err);
}

int store_followup_checks(store *s, int64_t followup_id, store_followup_check_cb cb, void *ctx,
			  jy_err *err)
{
	static const char sql[] =
		"SELECT id, followup_id, COALESCE(recorded_by, 0), recorded_at, date, temperature, "
		"symptoms, note, source FROM followup_check WHERE followup_id = ? ORDER BY date";
	PREPARE(st, sql);
	db_bind_i64(st, 1, followup_id);
	int rc;
	followup_check_rec c;
	while ((rc = db_step(st, err)) == 1) {
		c.id = db_col_i64(st, 0);
		c.followup_id = db_col_i64(st, 1);
		c.recorded_by = db_col_i64(st, 2);
		c.recorded_at = db_col_i64(st, 3);
		COPY_COL(c.date, st, 4);
		c.temperature = db_col_is_null(st, 5) ? -1 : db_col_double(st, 5);
		COPY_COL(c.symptoms, st, 6);
		COPY_COL(c.note, st, 7);
		COPY_COL(c.source, st, 8);
		if (cb(ctx, &c))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_followup_link_add(store *s, const char *token_hash, int64_t school_id,
			    int64_t followup_id, int64_t user_id, int64_t created_at,
			    int64_t expires_at, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO followup_link (token_hash, school_id, followup_id, created_by, "
		"created_at, expires_at) VALUES (?,?,?,?,?,?)";
	PREPARE(st, sql);
	db_bind_text(st, 1, token_hash);
	db_bind_i64(st, 2, school_id);
	db_bind_i64(st, 3, followup_id);
	bind_id(st, 4, user_id);
	db_bind_i64(st, 5, created_at);
	db_bind_i64(st, 6, expires_at);
	return run(st, err);
}

int store_followup_link_get(store *s, const char *token_hash, int64_t now, int64_t *followup_id,
			    jy_err *err)
{
	static const char sql[] =
		"SELECT followup_id FROM followup_link WHERE token_hash = ? AND expires_at > ?";
	PREPARE(st, sql);
	db_bind_text(st, 1, token_hash);
	db_bind_i64(st, 2, now);
	int rc = store_one_id(st, followup_id, err);
	if (rc == JY_ENOENT)
		err_set(err, rc, "链接无效或已过期 (the link is invalid or has expired)");
	return rc;
}

/* ---- timeline ---- */

int store_person_checks(store *s, int64_t person_id, const char *from, const char *to,
			store_person_check_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT cs.date, cs.session, cs.submitted_at, e.status, e.temperature, e.symptoms, "
		"e.diagnosis FROM check_entry e JOIN check_submission cs ON cs.id = e.submission_id "
		"WHERE e.person_id = ? AND cs.date >= ? AND cs.date <= ? AND cs.version = "
		"(SELECT MAX(v.version) FROM check_submission v WHERE v.class_id = cs.class_id "
		"AND v.date = cs.date AND v.session = cs.session) ORDER BY cs.date, cs.submitted_at";
	PREPARE(st, sql);
	db_bind_i64(st, 1, person_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_text(st, 0), db_col_text(st, 1), db_col_i64(st, 2),
		       db_col_text(st, 3), db_col_is_null(st, 4) ? -1 : db_col_double(st, 4),
		       db_col_text(st, 5), db_col_text(st, 6)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_person_events(store *s, int64_t person_id, const char *from, const char *to,
			store_person_event_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT id, school_id, person_id, at, COALESCE(recorded_by, 0), date, source, "
		"temperature, symptoms, syndromes, diagnosis, note FROM health_event "
		"WHERE person_id = ? AND date >= ? AND date <= ? AND source <> 'check' ORDER BY at";
	PREPARE(st, sql);
	db_bind_i64(st, 1, person_id);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	int rc;
	health_event_rec e;
	memset(&e, 0, sizeof e);
	while ((rc = db_step(st, err)) == 1) {
		e.id = db_col_i64(st, 0);
		e.school_id = db_col_i64(st, 1);
		e.person_id = db_col_i64(st, 2);
		e.at = db_col_i64(st, 3);
		e.recorded_by = db_col_i64(st, 4);
		COPY_COL(e.date, st, 5);
		COPY_COL(e.source, st, 6);
		e.temperature = db_col_is_null(st, 7) ? -1 : db_col_double(st, 7);
		COPY_COL(e.symptoms, st, 8);
		COPY_COL(e.syndromes, st, 9);
		COPY_COL(e.diagnosis, st, 10);
		COPY_COL(e.note, st, 11);
		if (cb(ctx, &e))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_person_absences(store *s, int64_t person_id, const char *from, const char *to,
			  store_absence_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT id, school_id, person_id, first_absent_date, onset_date, symptoms, diagnosis, "
		"hospital, clinic_visit, status, COALESCE(return_date, ''), note_required, "
		"COALESCE(note_recorded_at, 0), updated_at FROM illness_absence WHERE person_id = ? "
		"AND first_absent_date <= ? AND (return_date IS NULL OR return_date >= ?) "
		"ORDER BY first_absent_date";
	PREPARE(st, sql);
	db_bind_i64(st, 1, person_id);
	db_bind_text(st, 2, to);
	db_bind_text(st, 3, from);
	int rc;
	absence_rec a;
	memset(&a, 0, sizeof a);
	while ((rc = db_step(st, err)) == 1) {
		a.id = db_col_i64(st, 0);
		a.school_id = db_col_i64(st, 1);
		a.person_id = db_col_i64(st, 2);
		COPY_COL(a.first_absent_date, st, 3);
		COPY_COL(a.onset_date, st, 4);
		COPY_COL(a.symptoms, st, 5);
		COPY_COL(a.diagnosis, st, 6);
		COPY_COL(a.hospital, st, 7);
		a.clinic_visit = (int)db_col_i64(st, 8);
		COPY_COL(a.status, st, 9);
		COPY_COL(a.return_date, st, 10);
		a.note_required = (int)db_col_i64(st, 11);
		a.note_recorded_at = db_col_i64(st, 12);
		a.updated_at = db_col_i64(st, 13);
		if (cb(ctx, &a))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}
