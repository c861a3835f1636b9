/*
 * operations.c — the SQL of campus operations (see operations.h and
 * migrations/008_operations.sql).
 *
 * Defaults (school_id NULL) are listed with the school's own rows; a
 * default is hidden when the school has a row with the same code (items,
 * plans, checklists).  Hygiene schedules are all returned: which one
 * applies to a place is the domain's rule (disinfection.c).
 *
 * The staggering writes the timetable through store_timetable_add (org.c)
 * and clears the rows it replaces here: only rows of the class at the
 * place or its zones, on the weekdays being saved.
 */
#include "store/operations.h"

#include <stdlib.h>

#include "store/store_int.h"

static int run(db_stmt *st, jy_err *err)
{
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

static void bind_opt_double(db_stmt *st, int idx, double v)
{
	if (v < 0)
		db_bind_null(st, idx);
	else
		db_bind_double(st, idx, v);
}

/* ---- staggering ---- */

int store_ops_class_sizes(store *s, int64_t school_id, store_ops_class_cb cb, void *ctx,
			  jy_err *err)
{
	static const char sql[] =
	    "SELECT c.id, c.grade_id, c.name, g.name, "
	    "(SELECT COUNT(*) FROM person p WHERE p.class_id = c.id AND p.active = 1 "
	    "AND p.kind = 'student') FROM class c JOIN grade g ON g.id = c.grade_id "
	    "WHERE c.school_id = ? ORDER BY g.name, c.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc;
	ops_class_size c;
	while ((rc = db_step(st, err)) == 1) {
		c.class_id = db_col_i64(st, 0);
		c.grade_id = db_col_i64(st, 1);
		COPY_COL(c.name, st, 2);
		COPY_COL(c.grade, st, 3);
		c.students = db_col_i64(st, 4);
		if (cb(ctx, &c))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_ops_dorm_floors(store *s, int64_t school_id, store_ops_floor_cb cb, void *ctx,
			  jy_err *err)
{
	static const char sql[] =
	    "SELECT DISTINCT p.class_id, COALESCE(r.parent_id, 0), r.floor FROM person p "
	    "JOIN place r ON r.id = p.dorm_id WHERE p.school_id = ? AND p.active = 1 "
	    "AND p.class_id IS NOT NULL AND r.floor IS NOT NULL ORDER BY p.class_id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_i64(st, 0), db_col_i64(st, 1), (int)db_col_i64(st, 2)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_ops_place_children(store *s, int64_t place_id, store_place_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = "SELECT id FROM place WHERE parent_id = ? ORDER BY name";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, place_id);
	int64_t ids[256];
	size_t n = 0;
	int rc;
	while ((rc = db_step(st, err)) == 1 && n < sizeof ids / sizeof ids[0])
		ids[n++] = db_col_i64(st, 0);
	db_done(st);
	if (rc < 0)
		return rc;
	place_rec p;
	for (size_t i = 0; i < n; i++) {
		if ((rc = store_place_get(s, ids[i], &p, err)))
			return rc;
		if (cb(ctx, &p))
			break;
	}
	return 0;
}

int store_ops_place_classes(store *s, int64_t school_id, int64_t place_id, store_ops_id_cb cb,
			    void *ctx, jy_err *err)
{
	static const char sql[] =
	    "SELECT DISTINCT t.class_id FROM timetable t WHERE t.school_id = ? AND "
	    "(t.place_id = ? OR t.place_id IN (SELECT id FROM place WHERE parent_id = ?)) "
	    "ORDER BY t.class_id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, place_id);
	db_bind_i64(st, 3, place_id);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_i64(st, 0)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_ops_timetable_clear(store *s, int64_t school_id, int64_t class_id, int64_t place_id,
			      int weekday, int64_t *deleted, jy_err *err)
{
	static const char sql[] =
	    "DELETE FROM timetable WHERE school_id = ? AND class_id = ? AND weekday = ? AND "
	    "(place_id = ? OR place_id IN (SELECT id FROM place WHERE parent_id = ?))";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, class_id);
	db_bind_i64(st, 3, weekday);
	db_bind_i64(st, 4, place_id);
	db_bind_i64(st, 5, place_id);
	int rc = run(st, err);
	if (!rc && deleted)
		*deleted = db_changes(s->db);
	return rc;
}

int store_stagger_plan_add(store *s, const stagger_plan_rec *p, int64_t *id, jy_err *err)
{
	static const char sql[] =
	    "INSERT INTO stagger_plan (school_id, place_id, slots, weekdays, subject, classes, "
	    "meets_total, meets_max, lower_bound, result, created_by, created_at) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, p->school_id);
	db_bind_i64(st, 2, p->place_id);
	db_bind_text(st, 3, p->slots);
	db_bind_text(st, 4, p->weekdays);
	db_bind_text(st, 5, p->subject);
	db_bind_i64(st, 6, p->classes);
	db_bind_i64(st, 7, p->meets_total);
	db_bind_i64(st, 8, p->meets_max);
	db_bind_i64(st, 9, p->lower_bound);
	db_bind_text(st, 10, p->result ? p->result : "{}");
	bind_id(st, 11, p->created_by);
	db_bind_i64(st, 12, p->created_at ? p->created_at : now_s());
	return store_one_id(st, id, err);
}

#define STAGGER_COLS                                                                               \
	"SELECT sp.id, sp.school_id, sp.place_id, COALESCE(sp.created_by, 0), sp.created_at, "     \
	"sp.slots, sp.weekdays, sp.subject, sp.classes, sp.meets_max, sp.meets_total, "            \
	"sp.lower_bound, p.name "

static void stagger_from_row(db_stmt *st, stagger_plan_rec *p)
{
	p->id = db_col_i64(st, 0);
	p->school_id = db_col_i64(st, 1);
	p->place_id = db_col_i64(st, 2);
	p->created_by = db_col_i64(st, 3);
	p->created_at = db_col_i64(st, 4);
	COPY_COL(p->slots, st, 5);
	COPY_COL(p->weekdays, st, 6);
	COPY_COL(p->subject, st, 7);
	p->classes = (int)db_col_i64(st, 8);
	p->meets_max = (int)db_col_i64(st, 9);
	p->meets_total = db_col_i64(st, 10);
	p->lower_bound = db_col_i64(st, 11);
	COPY_COL(p->place_name, st, 12);
	p->result = NULL;
}

int store_stagger_plan_get(store *s, int64_t id, stagger_plan_rec *out, jy_err *err)
{
	static const char sql[] = STAGGER_COLS ", sp.result FROM stagger_plan sp "
					       "JOIN place p ON p.id = sp.place_id WHERE sp.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == 1) {
		stagger_from_row(st, out);
		out->result = strdup(db_col_text(st, 13));
		rc = out->result ? 0 : err_set(err, JY_ENOMEM, "out of memory");
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这个错峰安排 (no such staggered schedule)");
	}
	db_done(st);
	return rc;
}

int store_stagger_plan_list(store *s, int64_t school_id, store_stagger_plan_cb cb, void *ctx,
			    jy_err *err)
{
	static const char sql[] =
	    STAGGER_COLS "FROM stagger_plan sp JOIN place p ON p.id = sp.place_id "
			 "WHERE sp.school_id = ? ORDER BY sp.created_at DESC, sp.id DESC";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc;
	stagger_plan_rec p;
	while ((rc = db_step(st, err)) == 1) {
		stagger_from_row(st, &p);
		if (cb(ctx, &p))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- hygiene schedules ---- */

#define SCHED_COLS                                                                                 \
	"SELECT h.id, COALESCE(h.school_id, 0), COALESCE(h.place_id, 0), h.place_kind, h.action, " \
	"h.times, h.grace_min, h.weekdays, h.name_zh, h.name_en, h.enabled, COALESCE(p.name, '') " \
	"FROM hygiene_schedule h LEFT JOIN place p ON p.id = h.place_id "

static void sched_from_row(db_stmt *st, hygiene_schedule_rec *r)
{
	r->id = db_col_i64(st, 0);
	r->school_id = db_col_i64(st, 1);
	r->place_id = db_col_i64(st, 2);
	COPY_COL(r->place_kind, st, 3);
	COPY_COL(r->action, st, 4);
	COPY_COL(r->times, st, 5);
	r->grace_min = (int)db_col_i64(st, 6);
	COPY_COL(r->weekdays, st, 7);
	COPY_COL(r->name_zh, st, 8);
	COPY_COL(r->name_en, st, 9);
	r->enabled = (int)db_col_i64(st, 10);
	COPY_COL(r->place_name, st, 11);
}

int store_hygiene_schedule_list(store *s, int64_t school_id, store_hygiene_schedule_cb cb,
				void *ctx, jy_err *err)
{
	static const char sql[] = SCHED_COLS
	    "WHERE h.school_id = ? OR h.school_id IS NULL "
	    "ORDER BY CASE WHEN h.place_id IS NULL THEN 0 ELSE 1 END, h.place_kind, h.action, "
	    "COALESCE(h.school_id, 0), h.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc;
	hygiene_schedule_rec r;
	while ((rc = db_step(st, err)) == 1) {
		sched_from_row(st, &r);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_hygiene_schedule_get(store *s, int64_t id, hygiene_schedule_rec *out, jy_err *err)
{
	static const char sql[] = SCHED_COLS "WHERE h.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == 1) {
		sched_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这条通风消毒安排 (no such schedule)");
	}
	db_done(st);
	return rc;
}

int store_hygiene_schedule_save(store *s, const hygiene_schedule_rec *r, int64_t *id, jy_err *err)
{
	static const char ins[] =
	    "INSERT INTO hygiene_schedule (school_id, place_id, place_kind, action, times, "
	    "grace_min, weekdays, name_zh, name_en, enabled, updated_at) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id";
	static const char upd[] =
	    "UPDATE hygiene_schedule SET school_id = ?, place_id = ?, place_kind = ?, action = ?, "
	    "times = ?, grace_min = ?, weekdays = ?, name_zh = ?, name_en = ?, enabled = ?, "
	    "updated_at = ? WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, r->id ? upd : ins, err);
	if (!st)
		return JY_EDB;
	bind_id(st, 1, r->school_id);
	bind_id(st, 2, r->place_id);
	db_bind_text(st, 3, r->place_kind);
	db_bind_text(st, 4, r->action);
	db_bind_text(st, 5, r->times);
	db_bind_i64(st, 6, r->grace_min);
	db_bind_text(st, 7, r->weekdays);
	db_bind_text(st, 8, r->name_zh);
	db_bind_text(st, 9, r->name_en);
	db_bind_i64(st, 10, r->enabled);
	db_bind_i64(st, 11, now_s());
	if (!r->id)
		return store_one_id(st, id, err);
	db_bind_i64(st, 12, r->id);
	int rc = run(st, err);
	if (!rc && id)
		*id = r->id;
	return rc;
}

/* ---- hygiene records ---- */

int store_hygiene_record_add(store *s, const hygiene_record_rec *r, int64_t *id, jy_err *err)
{
	static const char sql[] =
	    "INSERT INTO hygiene_record (school_id, place_id, action, date, at, method, agent, "
	    "item_id, quantity, duration_min, performer, alert_id, note, recorded_by, recorded_at) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, r->school_id);
	db_bind_i64(st, 2, r->place_id);
	db_bind_text(st, 3, r->action);
	db_bind_text(st, 4, r->date);
	db_bind_i64(st, 5, r->at);
	db_bind_text(st, 6, r->method);
	db_bind_text(st, 7, r->agent);
	bind_id(st, 8, r->item_id);
	bind_opt_double(st, 9, r->quantity);
	if (r->duration_min < 0)
		db_bind_null(st, 10);
	else
		db_bind_i64(st, 10, r->duration_min);
	db_bind_text(st, 11, r->performer);
	bind_id(st, 12, r->alert_id);
	db_bind_text(st, 13, r->note);
	bind_id(st, 14, r->recorded_by);
	db_bind_i64(st, 15, r->recorded_at ? r->recorded_at : now_s());
	return store_one_id(st, id, err);
}

int store_hygiene_record_list(store *s, int64_t school_id, int64_t from, int64_t to,
			      int64_t place_id, const char *action, store_hygiene_record_cb cb,
			      void *ctx, jy_err *err)
{
	static const char sql[] =
	    "SELECT h.id, h.school_id, h.place_id, COALESCE(h.item_id, 0), "
	    "COALESCE(h.alert_id, 0), COALESCE(h.recorded_by, 0), h.at, h.recorded_at, h.action, h.date, h.method, h.agent, "
	    "COALESCE(h.quantity, -1), COALESCE(h.duration_min, -1), h.performer, h.note, p.name, "
	    "COALESCE(i.code, ''), COALESCE(u.username, '') FROM hygiene_record h "
	    "JOIN place p ON p.id = h.place_id LEFT JOIN supply_item i ON i.id = h.item_id "
	    "LEFT JOIN app_user u ON u.id = h.recorded_by "
	    "WHERE h.school_id = ? AND h.at >= ? AND h.at < ? AND (? = 0 OR h.place_id = ?) "
	    "AND (? = '' OR h.action = ?) ORDER BY h.place_id, h.action, h.at, h.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, from);
	db_bind_i64(st, 3, to);
	db_bind_i64(st, 4, place_id);
	db_bind_i64(st, 5, place_id);
	db_bind_text(st, 6, action ? action : "");
	db_bind_text(st, 7, action ? action : "");
	int rc;
	hygiene_record_rec r;
	while ((rc = db_step(st, err)) == 1) {
		r.id = db_col_i64(st, 0);
		r.school_id = db_col_i64(st, 1);
		r.place_id = db_col_i64(st, 2);
		r.item_id = db_col_i64(st, 3);
		r.alert_id = db_col_i64(st, 4);
		r.recorded_by = db_col_i64(st, 5);
		r.at = db_col_i64(st, 6);
		r.recorded_at = db_col_i64(st, 7);
		COPY_COL(r.action, st, 8);
		COPY_COL(r.date, st, 9);
		COPY_COL(r.method, st, 10);
		COPY_COL(r.agent, st, 11);
		r.quantity = db_col_double(st, 12);
		r.duration_min = (int)db_col_i64(st, 13);
		COPY_COL(r.performer, st, 14);
		COPY_COL(r.note, st, 15);
		COPY_COL(r.place_name, st, 16);
		COPY_COL(r.item_code, st, 17);
		COPY_COL(r.recorded_by_name, st, 18);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- supplies ---- */

#define ITEM_COLS                                                                                  \
	"SELECT id, COALESCE(school_id, 0), code, name_zh, name_en, unit_zh, unit_en, warn_days, " \
	"enabled FROM supply_item "

static void item_from_row(db_stmt *st, supply_item_rec *r)
{
	r->id = db_col_i64(st, 0);
	r->school_id = db_col_i64(st, 1);
	COPY_COL(r->code, st, 2);
	COPY_COL(r->name_zh, st, 3);
	COPY_COL(r->name_en, st, 4);
	COPY_COL(r->unit_zh, st, 5);
	COPY_COL(r->unit_en, st, 6);
	r->warn_days = (int)db_col_i64(st, 7);
	r->enabled = (int)db_col_i64(st, 8);
}

static int item_one(db_stmt *st, supply_item_rec *out, jy_err *err)
{
	int rc = db_step(st, err);
	if (rc == 1) {
		item_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这种物资 (no such supply item)");
	}
	db_done(st);
	return rc;
}

int store_supply_item_list(store *s, int64_t school_id, store_supply_item_cb cb, void *ctx,
			   jy_err *err)
{
	static const char sql[] =
	    ITEM_COLS "WHERE school_id = ? OR (school_id IS NULL AND code NOT IN "
		      "(SELECT code FROM supply_item WHERE school_id = ?)) ORDER BY id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, school_id);
	int rc;
	supply_item_rec r;
	while ((rc = db_step(st, err)) == 1) {
		item_from_row(st, &r);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_supply_item_get(store *s, int64_t id, supply_item_rec *out, jy_err *err)
{
	static const char sql[] = ITEM_COLS "WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	return item_one(st, out, err);
}

int store_supply_item_find(store *s, int64_t school_id, const char *code, supply_item_rec *out,
			   jy_err *err)
{
	static const char sql[] =
	    ITEM_COLS "WHERE code = ? AND (school_id = ? OR school_id IS NULL) "
		      "ORDER BY COALESCE(school_id, 0) DESC LIMIT 1";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, code);
	db_bind_i64(st, 2, school_id);
	return item_one(st, out, err);
}

int store_supply_item_save(store *s, const supply_item_rec *r, int64_t *id, jy_err *err)
{
	static const char ins[] =
	    "INSERT INTO supply_item (school_id, code, name_zh, name_en, unit_zh, unit_en, "
	    "warn_days, enabled) VALUES (?,?,?,?,?,?,?,?) RETURNING id";
	static const char upd[] = "UPDATE supply_item SET school_id = ?, code = ?, name_zh = ?, "
				  "name_en = ?, unit_zh = ?, "
				  "unit_en = ?, warn_days = ?, enabled = ? WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, r->id ? upd : ins, err);
	if (!st)
		return JY_EDB;
	bind_id(st, 1, r->school_id);
	db_bind_text(st, 2, r->code);
	db_bind_text(st, 3, r->name_zh);
	db_bind_text(st, 4, r->name_en);
	db_bind_text(st, 5, r->unit_zh);
	db_bind_text(st, 6, r->unit_en);
	db_bind_i64(st, 7, r->warn_days);
	db_bind_i64(st, 8, r->enabled);
	if (!r->id)
		return store_one_id(st, id, err);
	db_bind_i64(st, 9, r->id);
	int rc = run(st, err);
	if (!rc && id)
		*id = r->id;
	return rc;
}

int store_supply_move_add(store *s, const supply_move_rec *m, int64_t *id, jy_err *err)
{
	static const char sql[] =
	    "INSERT INTO supply_move (school_id, item_id, place_id, kind, delta, date, at, party, "
	    "note, hygiene_record_id, recorded_by) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, m->school_id);
	db_bind_i64(st, 2, m->item_id);
	db_bind_i64(st, 3, m->place_id);
	db_bind_text(st, 4, m->kind);
	db_bind_double(st, 5, m->delta);
	db_bind_text(st, 6, m->date);
	db_bind_i64(st, 7, m->at ? m->at : now_s());
	db_bind_text(st, 8, m->party);
	db_bind_text(st, 9, m->note);
	bind_id(st, 10, m->hygiene_record_id);
	bind_id(st, 11, m->recorded_by);
	int64_t tmp;
	return store_one_id(st, id ? id : &tmp, err);
}

int store_supply_move_list(store *s, int64_t school_id, int64_t item_id, const char *from,
			   const char *to, int64_t limit, store_supply_move_cb cb, void *ctx,
			   jy_err *err)
{
	static const char sql[] =
	    "SELECT m.id, m.school_id, m.item_id, m.place_id, COALESCE(m.hygiene_record_id, 0), "
	    "COALESCE(m.recorded_by, 0), m.kind, m.delta, m.date, m.at, m.party, m.note, p.name, "
	    "i.code FROM supply_move m JOIN place p ON p.id = m.place_id "
	    "JOIN supply_item i ON i.id = m.item_id WHERE m.school_id = ? "
	    "AND (? = 0 OR m.item_id = ?) AND m.date >= ? AND m.date <= ? ORDER BY m.at DESC, m.id DESC LIMIT ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, item_id);
	db_bind_i64(st, 3, item_id);
	db_bind_text(st, 4, from ? from : "0000-00-00");
	db_bind_text(st, 5, to ? to : "9999-99-99");
	db_bind_i64(st, 6, limit > 0 ? limit : 1000);
	int rc;
	supply_move_rec m;
	while ((rc = db_step(st, err)) == 1) {
		m.id = db_col_i64(st, 0);
		m.school_id = db_col_i64(st, 1);
		m.item_id = db_col_i64(st, 2);
		m.place_id = db_col_i64(st, 3);
		m.hygiene_record_id = db_col_i64(st, 4);
		m.recorded_by = db_col_i64(st, 5);
		COPY_COL(m.kind, st, 6);
		m.delta = db_col_double(st, 7);
		COPY_COL(m.date, st, 8);
		m.at = db_col_i64(st, 9);
		COPY_COL(m.party, st, 10);
		COPY_COL(m.note, st, 11);
		COPY_COL(m.place_name, st, 12);
		COPY_COL(m.item_code, st, 13);
		if (cb(ctx, &m))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_supply_stock(store *s, int64_t school_id, int64_t item_id, store_supply_stock_cb cb,
		       void *ctx, jy_err *err)
{
	static const char sql[] =
	    "SELECT m.item_id, m.place_id, p.name, SUM(m.delta) FROM supply_move m "
	    "JOIN place p ON p.id = m.place_id WHERE m.school_id = ? AND (? = 0 OR m.item_id = ?) "
	    "GROUP BY m.item_id, m.place_id, p.name ORDER BY m.item_id, p.name";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, item_id);
	db_bind_i64(st, 3, item_id);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_i64(st, 0), db_col_i64(st, 1), db_col_text(st, 2),
		       db_col_double(st, 3)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_supply_usage(store *s, int64_t school_id, const char *from, const char *to,
		       store_supply_usage_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
	    "SELECT item_id, "
	    "-SUM(CASE WHEN kind = 'issue' AND date >= ? AND date <= ? THEN delta ELSE 0 END), "
	    "MIN(date), COALESCE(MAX(CASE WHEN kind = 'receipt' THEN date END), '') "
	    "FROM supply_move WHERE school_id = ? GROUP BY item_id ORDER BY item_id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	db_bind_i64(st, 3, school_id);
	int rc;
	while ((rc = db_step(st, err)) == 1)
		if (cb(ctx, db_col_i64(st, 0), db_col_double(st, 1), db_col_text(st, 2),
		       db_col_text(st, 3)))
			break;
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- plans ---- */

#define PLAN_COLS                                                                                  \
	"SELECT id, COALESCE(school_id, 0), code, name_zh, name_en, trigger_codes, enabled "       \
	"FROM ops_plan "

static void plan_from_row(db_stmt *st, ops_plan_rec *r)
{
	r->id = db_col_i64(st, 0);
	r->school_id = db_col_i64(st, 1);
	COPY_COL(r->code, st, 2);
	COPY_COL(r->name_zh, st, 3);
	COPY_COL(r->name_en, st, 4);
	COPY_COL(r->trigger_codes, st, 5);
	r->enabled = (int)db_col_i64(st, 6);
}

static int plan_one(db_stmt *st, ops_plan_rec *out, jy_err *err)
{
	int rc = db_step(st, err);
	if (rc == 1) {
		plan_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这个应急预案 (no such emergency plan)");
	}
	db_done(st);
	return rc;
}

int store_ops_plan_list(store *s, int64_t school_id, store_ops_plan_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
	    PLAN_COLS "WHERE school_id = ? OR (school_id IS NULL AND code NOT IN "
		      "(SELECT code FROM ops_plan WHERE school_id = ?)) ORDER BY id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, school_id);
	int rc;
	ops_plan_rec r;
	while ((rc = db_step(st, err)) == 1) {
		plan_from_row(st, &r);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_ops_plan_get(store *s, int64_t id, ops_plan_rec *out, jy_err *err)
{
	static const char sql[] = PLAN_COLS "WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	return plan_one(st, out, err);
}

int store_ops_plan_find(store *s, int64_t school_id, const char *code, ops_plan_rec *out,
			jy_err *err)
{
	static const char sql[] =
	    PLAN_COLS "WHERE code = ? AND (school_id = ? OR school_id IS NULL) "
		      "ORDER BY COALESCE(school_id, 0) DESC LIMIT 1";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, code);
	db_bind_i64(st, 2, school_id);
	return plan_one(st, out, err);
}

int store_ops_plan_save(store *s, const ops_plan_rec *r, int64_t *id, jy_err *err)
{
	static const char ins[] =
	    "INSERT INTO ops_plan (school_id, code, name_zh, name_en, trigger_codes, enabled, "
	    "updated_at) VALUES (?,?,?,?,?,?,?) RETURNING id";
	static const char upd[] =
	    "UPDATE ops_plan SET school_id = ?, code = ?, name_zh = ?, name_en = ?, "
	    "trigger_codes = ?, enabled = ?, updated_at = ? WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, r->id ? upd : ins, err);
	if (!st)
		return JY_EDB;
	bind_id(st, 1, r->school_id);
	db_bind_text(st, 2, r->code);
	db_bind_text(st, 3, r->name_zh);
	db_bind_text(st, 4, r->name_en);
	db_bind_text(st, 5, r->trigger_codes);
	db_bind_i64(st, 6, r->enabled);
	db_bind_i64(st, 7, now_s());
	if (!r->id)
		return store_one_id(st, id, err);
	db_bind_i64(st, 8, r->id);
	int rc = run(st, err);
	if (!rc && id)
		*id = r->id;
	return rc;
}

int store_ops_steps(store *s, int64_t plan_id, store_ops_step_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
	    "SELECT id, plan_id, seq, title_zh, title_en, owner_role, due_minutes, same_day "
	    "FROM ops_plan_step WHERE plan_id = ? ORDER BY seq";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, plan_id);
	int rc;
	ops_step_rec r;
	while ((rc = db_step(st, err)) == 1) {
		r.id = db_col_i64(st, 0);
		r.plan_id = db_col_i64(st, 1);
		r.seq = (int)db_col_i64(st, 2);
		COPY_COL(r.title_zh, st, 3);
		COPY_COL(r.title_en, st, 4);
		COPY_COL(r.owner_role, st, 5);
		r.due_minutes = (int)db_col_i64(st, 6);
		r.same_day = (int)db_col_i64(st, 7);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_ops_steps_set(store *s, int64_t plan_id, const ops_step_rec *steps, size_t n, jy_err *err)
{
	static const char del[] = "DELETE FROM ops_plan_step WHERE plan_id = ?";
	static const char ins[] =
	    "INSERT INTO ops_plan_step (plan_id, seq, title_zh, title_en, owner_role, due_minutes, "
	    "same_day) VALUES (?,?,?,?,?,?,?)";
	int rc = db_begin(s->db, err);
	if (rc)
		return rc;
	db_stmt *st = db_stmt_get(s->db, del, err);
	if (!st) {
		rc = JY_EDB;
		goto out;
	}
	db_bind_i64(st, 1, plan_id);
	if ((rc = run(st, err)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!(st = db_stmt_get(s->db, ins, err))) {
			rc = JY_EDB;
			goto out;
		}
		db_bind_i64(st, 1, plan_id);
		db_bind_i64(st, 2, (int64_t)i + 1);
		db_bind_text(st, 3, steps[i].title_zh);
		db_bind_text(st, 4, steps[i].title_en);
		db_bind_text(st, 5, steps[i].owner_role);
		db_bind_i64(st, 6, steps[i].due_minutes);
		db_bind_i64(st, 7, steps[i].same_day);
		if ((rc = run(st, err)))
			goto out;
	}
out:
	if (rc) {
		db_rollback(s->db);
		return rc;
	}
	return db_commit(s->db, err);
}

/* ---- activations ---- */

int store_ops_activation_add(store *s, const ops_activation_rec *a, int64_t *id, jy_err *err)
{
	static const char sql[] =
	    "INSERT INTO ops_activation (school_id, plan_id, alert_id, reason, activated_by, "
	    "activated_at, status) VALUES (?,?,?,?,?,?,'active') RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, a->school_id);
	db_bind_i64(st, 2, a->plan_id);
	bind_id(st, 3, a->alert_id);
	db_bind_text(st, 4, a->reason);
	bind_id(st, 5, a->activated_by);
	db_bind_i64(st, 6, a->activated_at);
	return store_one_id(st, id, err);
}

#define ACT_COLS                                                                                   \
	"SELECT a.id, a.school_id, a.plan_id, COALESCE(a.alert_id, 0), "                           \
	"COALESCE(a.activated_by, 0), a.activated_at, COALESCE(a.closed_at, 0), COALESCE(a.closed_by, 0), a.reason, a.status, " \
	"p.code, p.name_zh, p.name_en, "                                                           \
	"(SELECT COUNT(*) FROM ops_task t WHERE t.activation_id = a.id), "                         \
	"(SELECT COUNT(*) FROM ops_task t WHERE t.activation_id = a.id AND t.done_at IS NULL), "   \
	"(SELECT COUNT(*) FROM ops_task t WHERE t.activation_id = a.id AND t.done_at IS NULL "     \
	"AND t.due_at < ?) FROM ops_activation a JOIN ops_plan p ON p.id = a.plan_id "

static void act_from_row(db_stmt *st, ops_activation_rec *a)
{
	a->id = db_col_i64(st, 0);
	a->school_id = db_col_i64(st, 1);
	a->plan_id = db_col_i64(st, 2);
	a->alert_id = db_col_i64(st, 3);
	a->activated_by = db_col_i64(st, 4);
	a->activated_at = db_col_i64(st, 5);
	a->closed_at = db_col_i64(st, 6);
	a->closed_by = db_col_i64(st, 7);
	COPY_COL(a->reason, st, 8);
	COPY_COL(a->status, st, 9);
	COPY_COL(a->plan_code, st, 10);
	COPY_COL(a->plan_name_zh, st, 11);
	COPY_COL(a->plan_name_en, st, 12);
	a->tasks = (int)db_col_i64(st, 13);
	a->open_tasks = (int)db_col_i64(st, 14);
	a->late_tasks = (int)db_col_i64(st, 15);
}

int store_ops_activation_get(store *s, int64_t id, int64_t now, ops_activation_rec *out,
			     jy_err *err)
{
	static const char sql[] = ACT_COLS "WHERE a.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, id);
	int rc = db_step(st, err);
	if (rc == 1) {
		act_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这次预案启动 (no such plan activation)");
	}
	db_done(st);
	return rc;
}

int store_ops_activation_list(store *s, int64_t school_id, const char *status, int64_t now,
			      store_ops_activation_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = ACT_COLS "WHERE a.school_id = ? AND (? = '' OR a.status = ?) "
					   "ORDER BY a.activated_at DESC, a.id DESC";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, now);
	db_bind_i64(st, 2, school_id);
	db_bind_text(st, 3, status ? status : "");
	db_bind_text(st, 4, status ? status : "");
	int rc;
	ops_activation_rec a;
	while ((rc = db_step(st, err)) == 1) {
		act_from_row(st, &a);
		if (cb(ctx, &a))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_ops_activation_for_alert(store *s, int64_t alert_id, int64_t plan_id, int *found,
				   jy_err *err)
{
	static const char sql[] =
	    "SELECT id FROM ops_activation WHERE alert_id = ? AND plan_id = ? LIMIT 1";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, alert_id);
	db_bind_i64(st, 2, plan_id);
	int64_t id;
	int rc = store_one_id(st, &id, err);
	*found = rc == 0;
	if (rc == JY_ENOENT) {
		err_clear(err);
		rc = 0;
	}
	return rc;
}

int store_ops_activation_close(store *s, int64_t id, int64_t user_id, int64_t at, jy_err *err)
{
	static const char sql[] =
	    "UPDATE ops_activation SET status = 'closed', closed_at = ?, closed_by = ? "
	    "WHERE id = ? AND status = 'active'";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, at);
	bind_id(st, 2, user_id);
	db_bind_i64(st, 3, id);
	return run(st, err);
}

/* ---- tasks ---- */

int store_ops_task_add(store *s, const ops_task_rec *t, int64_t *id, jy_err *err)
{
	static const char sql[] =
	    "INSERT INTO ops_task (school_id, activation_id, inspection_id, seq, title_zh, "
	    "title_en, owner_role, due_at, note) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, t->school_id);
	bind_id(st, 2, t->activation_id);
	bind_id(st, 3, t->inspection_id);
	db_bind_i64(st, 4, t->seq);
	db_bind_text(st, 5, t->title_zh);
	db_bind_text(st, 6, t->title_en);
	db_bind_text(st, 7, t->owner_role);
	db_bind_i64(st, 8, t->due_at);
	db_bind_text(st, 9, t->note);
	int64_t tmp;
	return store_one_id(st, id ? id : &tmp, err);
}

#define TASK_COLS                                                                                  \
	"SELECT t.id, t.school_id, COALESCE(t.activation_id, 0), COALESCE(t.inspection_id, 0), "   \
	"t.due_at, COALESCE(t.done_at, 0), COALESCE(t.done_by, 0), t.seq, t.title_zh, "            \
	"t.title_en, t.owner_role, t.note, COALESCE(p.name_zh, c.name_zh, ''), "                   \
	"COALESCE(p.name_en, c.name_en, '') "                                                      \
	"FROM ops_task t LEFT JOIN ops_activation a ON a.id = t.activation_id "                    \
	"LEFT JOIN ops_plan p ON p.id = a.plan_id LEFT JOIN ops_inspection i ON i.id = "           \
	"t.inspection_id "                                                                         \
	"LEFT JOIN ops_checklist c ON c.id = i.checklist_id "

static void task_from_row(db_stmt *st, ops_task_rec *t)
{
	t->id = db_col_i64(st, 0);
	t->school_id = db_col_i64(st, 1);
	t->activation_id = db_col_i64(st, 2);
	t->inspection_id = db_col_i64(st, 3);
	t->due_at = db_col_i64(st, 4);
	t->done_at = db_col_i64(st, 5);
	t->done_by = db_col_i64(st, 6);
	t->seq = (int)db_col_i64(st, 7);
	COPY_COL(t->title_zh, st, 8);
	COPY_COL(t->title_en, st, 9);
	COPY_COL(t->owner_role, st, 10);
	COPY_COL(t->note, st, 11);
	COPY_COL(t->source_zh, st, 12);
	COPY_COL(t->source_en, st, 13);
}

int store_ops_task_get(store *s, int64_t id, ops_task_rec *out, jy_err *err)
{
	static const char sql[] = TASK_COLS "WHERE t.id = ?";
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

int store_ops_task_done(store *s, int64_t id, int64_t user_id, int64_t at, const char *note,
			jy_err *err)
{
	static const char sql[] = "UPDATE ops_task SET done_at = ?, done_by = ?, note = ? WHERE id "
				  "= ? AND done_at IS NULL";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, at);
	bind_id(st, 2, user_id);
	db_bind_text(st, 3, note ? note : "");
	db_bind_i64(st, 4, id);
	return run(st, err);
}

int store_ops_task_list(store *s, const ops_task_filter *f, store_ops_task_cb cb, void *ctx,
			jy_err *err)
{
	static const char sql[] = TASK_COLS
	    "WHERE t.school_id = ? AND (? = 0 OR t.activation_id = ?) AND (? = 0 OR "
	    "t.inspection_id = ?) "
	    "AND (? = 0 OR t.done_at IS NULL) AND (? = 0 OR (t.done_at IS NULL AND t.due_at < ?)) "
	    "AND (? = '' OR t.owner_role = ?) ORDER BY t.due_at, t.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, f->school_id);
	db_bind_i64(st, 2, f->activation_id);
	db_bind_i64(st, 3, f->activation_id);
	db_bind_i64(st, 4, f->inspection_id);
	db_bind_i64(st, 5, f->inspection_id);
	db_bind_i64(st, 6, f->open_only);
	db_bind_i64(st, 7, f->late_at);
	db_bind_i64(st, 8, f->late_at);
	db_bind_text(st, 9, f->owner_role ? f->owner_role : "");
	db_bind_text(st, 10, f->owner_role ? f->owner_role : "");
	int rc;
	ops_task_rec t;
	while ((rc = db_step(st, err)) == 1) {
		task_from_row(st, &t);
		if (cb(ctx, &t))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- checklists ---- */

#define CHECKLIST_COLS                                                                             \
	"SELECT id, COALESCE(school_id, 0), code, name_zh, name_en, enabled FROM ops_checklist "

static void checklist_from_row(db_stmt *st, ops_checklist_rec *r)
{
	r->id = db_col_i64(st, 0);
	r->school_id = db_col_i64(st, 1);
	COPY_COL(r->code, st, 2);
	COPY_COL(r->name_zh, st, 3);
	COPY_COL(r->name_en, st, 4);
	r->enabled = (int)db_col_i64(st, 5);
}

static int checklist_one(db_stmt *st, ops_checklist_rec *out, jy_err *err)
{
	int rc = db_step(st, err);
	if (rc == 1) {
		checklist_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这个检查清单 (no such checklist)");
	}
	db_done(st);
	return rc;
}

int store_ops_checklist_list(store *s, int64_t school_id, store_ops_checklist_cb cb, void *ctx,
			     jy_err *err)
{
	static const char sql[] =
	    CHECKLIST_COLS "WHERE school_id = ? OR (school_id IS NULL AND code NOT IN "
			   "(SELECT code FROM ops_checklist WHERE school_id = ?)) ORDER BY id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, school_id);
	int rc;
	ops_checklist_rec r;
	while ((rc = db_step(st, err)) == 1) {
		checklist_from_row(st, &r);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_ops_checklist_get(store *s, int64_t id, ops_checklist_rec *out, jy_err *err)
{
	static const char sql[] = CHECKLIST_COLS "WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	return checklist_one(st, out, err);
}

int store_ops_checklist_find(store *s, int64_t school_id, const char *code, ops_checklist_rec *out,
			     jy_err *err)
{
	static const char sql[] =
	    CHECKLIST_COLS "WHERE code = ? AND (school_id = ? OR school_id IS NULL) "
			   "ORDER BY COALESCE(school_id, 0) DESC LIMIT 1";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, code);
	db_bind_i64(st, 2, school_id);
	return checklist_one(st, out, err);
}

int store_ops_check_items(store *s, int64_t checklist_id, store_ops_check_item_cb cb, void *ctx,
			  jy_err *err)
{
	static const char sql[] =
	    "SELECT id, checklist_id, seq, text_zh, text_en, owner_role, due_hours "
	    "FROM ops_checklist_item WHERE checklist_id = ? ORDER BY seq";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, checklist_id);
	int rc;
	ops_check_item_rec r;
	while ((rc = db_step(st, err)) == 1) {
		r.id = db_col_i64(st, 0);
		r.checklist_id = db_col_i64(st, 1);
		r.seq = (int)db_col_i64(st, 2);
		COPY_COL(r.text_zh, st, 3);
		COPY_COL(r.text_en, st, 4);
		COPY_COL(r.owner_role, st, 5);
		r.due_hours = (int)db_col_i64(st, 6);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- inspections ---- */

int store_ops_inspection_add(store *s, const ops_inspection_rec *r, int64_t *id, jy_err *err)
{
	static const char sql[] =
	    "INSERT INTO ops_inspection (school_id, checklist_id, place_id, date, inspector, note, "
	    "recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, r->school_id);
	db_bind_i64(st, 2, r->checklist_id);
	bind_id(st, 3, r->place_id);
	db_bind_text(st, 4, r->date);
	db_bind_text(st, 5, r->inspector);
	db_bind_text(st, 6, r->note);
	bind_id(st, 7, r->recorded_by);
	db_bind_i64(st, 8, r->recorded_at ? r->recorded_at : now_s());
	return store_one_id(st, id, err);
}

#define INSPECTION_COLS                                                                            \
	"SELECT i.id, i.school_id, i.checklist_id, COALESCE(i.place_id, 0), "                      \
	"COALESCE(i.recorded_by, 0), "                                                             \
	"i.recorded_at, i.date, i.inspector, i.note, c.name_zh, c.name_en, COALESCE(p.name, ''), " \
	"(SELECT COUNT(*) FROM ops_finding f WHERE f.inspection_id = i.id "                        \
	"AND f.result = 'pass'), "                                                                 \
	"(SELECT COUNT(*) FROM ops_finding f WHERE f.inspection_id = i.id "                        \
	"AND f.result = 'fail'), "                                                                 \
	"(SELECT COUNT(*) FROM ops_finding f WHERE f.inspection_id = i.id AND f.result = 'na') "   \
	"FROM ops_inspection i JOIN ops_checklist c ON c.id = i.checklist_id "                     \
	"LEFT JOIN place p ON p.id = i.place_id "

static void inspection_from_row(db_stmt *st, ops_inspection_rec *r)
{
	r->id = db_col_i64(st, 0);
	r->school_id = db_col_i64(st, 1);
	r->checklist_id = db_col_i64(st, 2);
	r->place_id = db_col_i64(st, 3);
	r->recorded_by = db_col_i64(st, 4);
	r->recorded_at = db_col_i64(st, 5);
	COPY_COL(r->date, st, 6);
	COPY_COL(r->inspector, st, 7);
	COPY_COL(r->note, st, 8);
	COPY_COL(r->checklist_zh, st, 9);
	COPY_COL(r->checklist_en, st, 10);
	COPY_COL(r->place_name, st, 11);
	r->passed = (int)db_col_i64(st, 12);
	r->failed = (int)db_col_i64(st, 13);
	r->na = (int)db_col_i64(st, 14);
}

int store_ops_inspection_get(store *s, int64_t id, ops_inspection_rec *out, jy_err *err)
{
	static const char sql[] = INSPECTION_COLS "WHERE i.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == 1) {
		inspection_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这次检查 (no such inspection)");
	}
	db_done(st);
	return rc;
}

int store_ops_inspection_list(store *s, int64_t school_id, store_ops_inspection_cb cb, void *ctx,
			      jy_err *err)
{
	static const char sql[] =
	    INSPECTION_COLS "WHERE i.school_id = ? ORDER BY i.date DESC, i.id DESC";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc;
	ops_inspection_rec r;
	while ((rc = db_step(st, err)) == 1) {
		inspection_from_row(st, &r);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_ops_finding_add(store *s, const ops_finding_rec *f, jy_err *err)
{
	static const char sql[] =
	    "INSERT INTO ops_finding (inspection_id, item_id, school_id, result, note, task_id) "
	    "VALUES (?,?,?,?,?,?)";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, f->inspection_id);
	db_bind_i64(st, 2, f->item_id);
	db_bind_i64(st, 3, f->school_id);
	db_bind_text(st, 4, f->result);
	db_bind_text(st, 5, f->note);
	bind_id(st, 6, f->task_id);
	return run(st, err);
}

int store_ops_findings(store *s, int64_t inspection_id, store_ops_finding_cb cb, void *ctx,
		       jy_err *err)
{
	static const char sql[] = "SELECT f.inspection_id, f.item_id, f.school_id, "
				  "COALESCE(f.task_id, 0), f.result, f.note, "
				  "ci.seq, ci.text_zh, ci.text_en FROM ops_finding f "
				  "JOIN ops_checklist_item ci ON ci.id = f.item_id WHERE "
				  "f.inspection_id = ? ORDER BY ci.seq";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, inspection_id);
	int rc;
	ops_finding_rec f;
	while ((rc = db_step(st, err)) == 1) {
		f.inspection_id = db_col_i64(st, 0);
		f.item_id = db_col_i64(st, 1);
		f.school_id = db_col_i64(st, 2);
		f.task_id = db_col_i64(st, 3);
		COPY_COL(f.result, st, 4);
		COPY_COL(f.note, st, 5);
		f.seq = (int)db_col_i64(st, 6);
		COPY_COL(f.text_zh, st, 7);
		COPY_COL(f.text_en, st, 8);
		if (cb(ctx, &f))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}
