/*
 * org.c — the school's structure: schools, campuses, grades, classes,
 * places and the weekly timetable.
 */
#include "store/store_int.h"

#include <stdlib.h>

#include "store/district.h"

static int ensure_named(store *s, const char *find_sql, const char *ins_sql, int64_t parent,
			const char *name, int64_t extra, int with_extra, int64_t *id, jy_err *err)
{
	db_stmt *st = db_stmt_get(s->db, find_sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, parent);
	db_bind_text(st, 2, name);
	int rc = store_one_id(st, id, err);
	if (rc != JY_ENOENT)
		return rc;
	st = db_stmt_get(s->db, ins_sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, parent);
	db_bind_text(st, 2, name);
	if (with_extra)
		db_bind_i64(st, 3, extra);
	return store_one_id(st, id, err);
}

int store_school_ensure(store *s, const char *code, const char *name, int64_t *id, jy_err *err)
{
	static const char find[] = "SELECT id FROM school WHERE code = ?";
	static const char ins[] = "INSERT INTO school (code, name, created_at) VALUES (?, ?, ?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, find, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, code);
	int rc = store_one_id(st, id, err);
	if (rc != JY_ENOENT)
		return rc;
	st = db_stmt_get(s->db, ins, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, name);
	db_bind_i64(st, 3, now_s());
	return store_one_id(st, id, err);
}

static int school_row(db_stmt *st, school_rec *out, jy_err *err)
{
	int rc = db_step(st, err);
	if (rc == 1) {
		out->id = db_col_i64(st, 0);
		COPY_COL(out->code, st, 1);
		COPY_COL(out->name, st, 2);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有学校 no school in this database");
	}
	db_done(st);
	return rc;
}

int store_school_default(store *s, school_rec *out, jy_err *err)
{
	/* The command's school: named by JINYUN_SCHOOL (the CLI's --school), or
	 * the only one (district.c holds the search by code or name). */
	const char *named = getenv("JINYUN_SCHOOL");
	if (named && *named)
		return store_school_find(s, named, out, err);
	static const char sql[] = "SELECT id, code, name FROM school ORDER BY id LIMIT 2";
	static const char all[] = "SELECT code, name FROM school ORDER BY id LIMIT 12";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int rc = db_step(st, err);
	if (rc == 1) {
		out->id = db_col_i64(st, 0);
		COPY_COL(out->code, st, 1);
		COPY_COL(out->name, st, 2);
		rc = db_step(st, err);
		rc = rc == 1 ? JY_EINVAL : rc; /* a second school: which one? */
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有学校 no school in this database");
	}
	db_done(st);
	if (rc == JY_EINVAL) {
		char choices[600];
		store_list_choices(s, all, choices, sizeof choices);
		return err_at(err, JY_EINVAL, NULL, 0, "school",
			      "数据库中有多所学校，请用 --school 指定 (several schools: choose one with "
			      "--school CODE): %s", choices);
	}
	return rc;
}

int store_school_get(store *s, int64_t id, school_rec *out, jy_err *err)
{
	static const char sql[] = "SELECT id, code, name FROM school WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	return school_row(st, out, err);
}

int store_campus_ensure(store *s, int64_t school_id, const char *name, int64_t *id, jy_err *err)
{
	static const char find[] = "SELECT id FROM campus WHERE school_id = ? AND name = ?";
	static const char ins[] = "INSERT INTO campus (school_id, name) VALUES (?, ?) RETURNING id";
	return ensure_named(s, find, ins, school_id, name, 0, 0, id, err);
}

int store_grade_ensure(store *s, int64_t school_id, const char *name, int64_t *id, jy_err *err)
{
	static const char find[] = "SELECT id FROM grade WHERE school_id = ? AND name = ?";
	static const char ins[] = "INSERT INTO grade (school_id, name) VALUES (?, ?) RETURNING id";
	return ensure_named(s, find, ins, school_id, name, 0, 0, id, err);
}

int store_class_ensure(store *s, int64_t school_id, int64_t grade_id, const char *name,
		       int64_t *id, jy_err *err)
{
	static const char find[] = "SELECT id FROM class WHERE school_id = ? AND name = ?";
	static const char ins[] =
		"INSERT INTO class (school_id, name, grade_id) VALUES (?, ?, ?) RETURNING id";
	return ensure_named(s, find, ins, school_id, name, grade_id, 1, id, err);
}

int store_class_find(store *s, int64_t school_id, const char *name, int64_t *id, jy_err *err)
{
	static const char find[] = "SELECT id FROM class WHERE school_id = ? AND name = ?";
	db_stmt *st = db_stmt_get(s->db, find, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, name);
	int rc = store_one_id(st, id, err);
	if (rc == JY_ENOENT)
		err_set(err, JY_ENOENT, "没有这个班级 no such class: %s", name);
	return rc;
}

#define CLASS_COLS                                                                             \
	"SELECT c.id, c.school_id, c.grade_id, c.name, g.name, "                               \
	"(SELECT COUNT(*) FROM person p WHERE p.class_id = c.id AND p.active = 1) "            \
	"FROM class c JOIN grade g ON g.id = c.grade_id "

static void class_from_row(db_stmt *st, class_rec *c)
{
	c->id = db_col_i64(st, 0);
	c->school_id = db_col_i64(st, 1);
	c->grade_id = db_col_i64(st, 2);
	COPY_COL(c->name, st, 3);
	COPY_COL(c->grade, st, 4);
	c->enrolled = db_col_i64(st, 5);
}

int store_class_get(store *s, int64_t id, class_rec *out, jy_err *err)
{
	static const char sql[] = CLASS_COLS "WHERE c.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	int rc = db_step(st, err);
	if (rc == 1) {
		class_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这个班级 no such class");
	}
	db_done(st);
	return rc;
}

int store_class_list(store *s, int64_t school_id, store_class_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = CLASS_COLS "WHERE c.school_id = ? ORDER BY g.name, c.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc;
	class_rec c;
	while ((rc = db_step(st, err)) == 1) {
		class_from_row(st, &c);
		if (cb(ctx, &c))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- places ---- */

#define PLACE_COLS                                                                             \
	"SELECT p.id, p.school_id, p.campus_id, p.parent_id, p.kind, p.name, p.building, "     \
	"p.floor, p.capacity, p.area_m2, p.gender, COALESCE(q.name, ''), "                     \
	"(SELECT COUNT(*) FROM person x WHERE x.dorm_id = p.id AND x.active = 1) "             \
	"FROM place p LEFT JOIN place q ON q.id = p.parent_id "

static void place_from_row(db_stmt *st, place_rec *p)
{
	p->id = db_col_i64(st, 0);
	p->school_id = db_col_i64(st, 1);
	p->campus_id = db_col_i64(st, 2);
	p->parent_id = db_col_i64(st, 3);
	COPY_COL(p->kind, st, 4);
	COPY_COL(p->name, st, 5);
	COPY_COL(p->building, st, 6);
	p->floor = db_col_is_null(st, 7) ? -1000 : (int)db_col_i64(st, 7);
	p->capacity = db_col_is_null(st, 8) ? -1 : db_col_i64(st, 8);
	p->area_m2 = db_col_is_null(st, 9) ? -1 : db_col_double(st, 9);
	COPY_COL(p->gender, st, 10);
	COPY_COL(p->parent_name, st, 11);
	p->occupants = db_col_i64(st, 12);
}

int store_place_upsert(store *s, const place_rec *p, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO place (school_id, campus_id, parent_id, kind, name, building, floor, "
		"capacity, area_m2, gender, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
		"ON CONFLICT (school_id, name) DO UPDATE SET campus_id = excluded.campus_id, "
		"parent_id = excluded.parent_id, kind = excluded.kind, building = excluded.building, "
		"floor = excluded.floor, capacity = excluded.capacity, area_m2 = excluded.area_m2, "
		"gender = excluded.gender, updated_at = excluded.updated_at RETURNING id";
	/* Without RETURNING when no id is wanted (PostgreSQL pipelines it). */
	static const char quiet[] =
		"INSERT INTO place (school_id, campus_id, parent_id, kind, name, building, floor, "
		"capacity, area_m2, gender, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
		"ON CONFLICT (school_id, name) DO UPDATE SET campus_id = excluded.campus_id, "
		"parent_id = excluded.parent_id, kind = excluded.kind, building = excluded.building, "
		"floor = excluded.floor, capacity = excluded.capacity, area_m2 = excluded.area_m2, "
		"gender = excluded.gender, updated_at = excluded.updated_at";
	db_stmt *st = db_stmt_get(s->db, id ? sql : quiet, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, p->school_id);
	bind_id(st, 2, p->campus_id);
	bind_id(st, 3, p->parent_id);
	db_bind_text(st, 4, p->kind);
	db_bind_text(st, 5, p->name);
	db_bind_text(st, 6, p->building);
	if (p->floor == -1000)
		db_bind_null(st, 7);
	else
		db_bind_i64(st, 7, p->floor);
	if (p->capacity < 0)
		db_bind_null(st, 8);
	else
		db_bind_i64(st, 8, p->capacity);
	if (p->area_m2 < 0)
		db_bind_null(st, 9);
	else
		db_bind_double(st, 9, p->area_m2);
	db_bind_text(st, 10, p->gender[0] ? p->gender : NULL);
	db_bind_i64(st, 11, now_s());
	if (id)
		return store_one_id(st, id, err);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int place_one(db_stmt *st, place_rec *out, jy_err *err)
{
	int rc = db_step(st, err);
	if (rc == 1) {
		place_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这个场所 no such place");
	}
	db_done(st);
	return rc;
}

int store_place_get(store *s, int64_t id, place_rec *out, jy_err *err)
{
	static const char sql[] = PLACE_COLS "WHERE p.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	return place_one(st, out, err);
}

int store_place_find(store *s, int64_t school_id, const char *name, place_rec *out, jy_err *err)
{
	static const char sql[] = PLACE_COLS "WHERE p.school_id = ? AND p.name = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, name);
	return place_one(st, out, err);
}

int store_place_list(store *s, int64_t school_id, const char *kind, store_place_cb cb, void *ctx,
		     jy_err *err)
{
	static const char sql[] =
		PLACE_COLS "WHERE p.school_id = ? AND (? = '' OR p.kind = ?) ORDER BY p.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, kind ? kind : "");
	db_bind_text(st, 3, kind ? kind : "");
	int rc;
	place_rec p;
	while ((rc = db_step(st, err)) == 1) {
		place_from_row(st, &p);
		if (cb(ctx, &p))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- timetable ---- */

int store_timetable_add(store *s, const timetable_rec *t, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO timetable (school_id, class_id, place_id, weekday, start_min, end_min, "
		"subject) VALUES (?,?,?,?,?,?,?) RETURNING id";
	/* Without RETURNING when the caller needs no id (PostgreSQL pipelines it). */
	static const char quiet[] =
		"INSERT INTO timetable (school_id, class_id, place_id, weekday, start_min, end_min, "
		"subject) VALUES (?,?,?,?,?,?,?)";
	db_stmt *st = db_stmt_get(s->db, id ? sql : quiet, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, t->school_id);
	db_bind_i64(st, 2, t->class_id);
	db_bind_i64(st, 3, t->place_id);
	db_bind_i64(st, 4, t->weekday);
	db_bind_i64(st, 5, t->start_min);
	db_bind_i64(st, 6, t->end_min);
	db_bind_text(st, 7, t->subject);
	if (id)
		return store_one_id(st, id, err);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_timetable_list(store *s, int64_t school_id, int64_t class_id, store_timetable_cb cb,
			 void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT t.id, t.school_id, t.class_id, t.place_id, t.weekday, t.start_min, "
		"t.end_min, t.subject, c.name, p.name FROM timetable t "
		"JOIN class c ON c.id = t.class_id JOIN place p ON p.id = t.place_id "
		"WHERE t.school_id = ? AND (? = 0 OR t.class_id = ?) "
		"ORDER BY t.class_id, t.weekday, t.start_min";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, class_id);
	db_bind_i64(st, 3, class_id);
	int rc;
	timetable_rec t;
	while ((rc = db_step(st, err)) == 1) {
		t.id = db_col_i64(st, 0);
		t.school_id = db_col_i64(st, 1);
		t.class_id = db_col_i64(st, 2);
		t.place_id = db_col_i64(st, 3);
		t.weekday = (int)db_col_i64(st, 4);
		t.start_min = (int)db_col_i64(st, 5);
		t.end_min = (int)db_col_i64(st, 6);
		COPY_COL(t.subject, st, 7);
		COPY_COL(t.class_name, st, 8);
		COPY_COL(t.place_name, st, 9);
		if (cb(ctx, &t))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}
