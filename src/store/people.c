/*
 * people.c — students and staff.
 *
 * Upsert is keyed by (school, number): a re-import of the same student
 * number updates that student, and the caller learns whether the row was
 * added, updated or unchanged (so an import can say what it really did).
 * Listing uses keyset paging (id > after) so that page 20,000 of a million
 * people costs the same as page 1; one statement per access path (class,
 * dorm, grade, whole school) keeps each on its index.
 */
#include "store/store_int.h"

#define PERSON_COLS                                                                            \
	"SELECT p.id, p.school_id, p.kind, p.number, p.name, p.gender, p.class_id, p.dorm_id, "\
	"p.guardian_phone, p.phone, p.position, COALESCE(p.card_no, ''), p.active, p.flags, "   \
	"p.created_at, p.updated_at, COALESCE(c.name, ''), COALESCE(g.name, ''), "            \
	"COALESCE(d.name, '') FROM person p LEFT JOIN class c ON c.id = p.class_id "            \
	"LEFT JOIN grade g ON g.id = c.grade_id LEFT JOIN place d ON d.id = p.dorm_id "

static void person_from_row(db_stmt *st, person_rec *p)
{
	p->id = db_col_i64(st, 0);
	p->school_id = db_col_i64(st, 1);
	COPY_COL(p->kind, st, 2);
	COPY_COL(p->number, st, 3);
	COPY_COL(p->name, st, 4);
	COPY_COL(p->gender, st, 5);
	p->class_id = db_col_i64(st, 6);
	p->dorm_id = db_col_i64(st, 7);
	COPY_COL(p->guardian_phone, st, 8);
	COPY_COL(p->phone, st, 9);
	COPY_COL(p->position, st, 10);
	COPY_COL(p->card_no, st, 11);
	p->active = (int)db_col_i64(st, 12);
	COPY_COL(p->flags, st, 13);
	p->created_at = db_col_i64(st, 14);
	p->updated_at = db_col_i64(st, 15);
	COPY_COL(p->class_name, st, 16);
	COPY_COL(p->grade_name, st, 17);
	COPY_COL(p->dorm_name, st, 18);
}

static int person_one(db_stmt *st, person_rec *out, jy_err *err)
{
	int rc = db_step(st, err);
	if (rc == 1) {
		person_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这个人 no such person");
	}
	db_done(st);
	return rc;
}

int store_person_get(store *s, int64_t id, person_rec *out, jy_err *err)
{
	static const char sql[] = PERSON_COLS "WHERE p.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	return person_one(st, out, err);
}

int store_person_find(store *s, int64_t school_id, const char *number, person_rec *out,
		      jy_err *err)
{
	static const char sql[] = PERSON_COLS "WHERE p.school_id = ? AND p.number = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, number);
	return person_one(st, out, err);
}

static int same_person(const person_rec *a, const person_rec *b)
{
	return !strcmp(a->kind, b->kind) && !strcmp(a->name, b->name) &&
	       !strcmp(a->gender, b->gender) && a->class_id == b->class_id &&
	       a->dorm_id == b->dorm_id && !strcmp(a->guardian_phone, b->guardian_phone) &&
	       !strcmp(a->phone, b->phone) && !strcmp(a->position, b->position) &&
	       !strcmp(a->card_no, b->card_no) && a->active == b->active &&
	       !strcmp(a->flags, b->flags);
}

static void bind_person_fields(db_stmt *st, const person_rec *p, int first)
{
	db_bind_text(st, first + 0, p->kind);
	db_bind_text(st, first + 1, p->name);
	db_bind_text(st, first + 2, p->gender);
	bind_id(st, first + 3, p->class_id);
	bind_id(st, first + 4, p->dorm_id);
	db_bind_text(st, first + 5, p->guardian_phone);
	db_bind_text(st, first + 6, p->phone);
	db_bind_text(st, first + 7, p->position);
	db_bind_text(st, first + 8, p->card_no[0] ? p->card_no : NULL);
	db_bind_i64(st, first + 9, p->active);
	db_bind_text(st, first + 10, p->flags);
}

int store_person_save(store *s, const person_rec *p, const person_rec *old, int64_t *id,
		      int *outcome, jy_err *err)
{
	static const char ins[] =
		"INSERT INTO person (school_id, number, kind, name, gender, class_id, dorm_id, "
		"guardian_phone, phone, position, card_no, active, flags, created_at, updated_at) "
		"VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id";
	/* The same without RETURNING, for a caller that needs no id: on
	 * PostgreSQL it joins the pipeline instead of waiting for the row. */
	static const char ins_quiet[] =
		"INSERT INTO person (school_id, number, kind, name, gender, class_id, dorm_id, "
		"guardian_phone, phone, position, card_no, active, flags, created_at, updated_at) "
		"VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	static const char upd[] =
		"UPDATE person SET kind = ?, name = ?, gender = ?, class_id = ?, dorm_id = ?, "
		"guardian_phone = ?, phone = ?, position = ?, card_no = ?, active = ?, flags = ?, "
		"updated_at = ? WHERE id = ?";
	int rc;
	if (old) {
		if (id)
			*id = old->id;
		if (same_person(old, p)) {
			if (outcome)
				*outcome = STORE_UNCHANGED;
			return 0;
		}
		db_stmt *st = db_stmt_get(s->db, upd, err);
		if (!st)
			return JY_EDB;
		bind_person_fields(st, p, 1);
		db_bind_i64(st, 12, now_s());
		db_bind_i64(st, 13, old->id);
		rc = db_step(st, err);
		db_done(st);
		if (rc < 0)
			return rc;
		if (outcome)
			*outcome = STORE_UPDATED;
		return 0;
	}
	db_stmt *st = db_stmt_get(s->db, id ? ins : ins_quiet, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, p->school_id);
	db_bind_text(st, 2, p->number);
	bind_person_fields(st, p, 3);
	int64_t t = p->created_at ? p->created_at : now_s();
	db_bind_i64(st, 14, t);
	db_bind_i64(st, 15, p->updated_at ? p->updated_at : t);
	if (id) {
		rc = store_one_id(st, id, err);
	} else {
		rc = db_step(st, err);
		db_done(st);
		rc = rc < 0 ? rc : 0;
	}
	if (!rc && outcome)
		*outcome = STORE_ADDED;
	return rc;
}

int store_person_upsert(store *s, const person_rec *p, int64_t *id, int *outcome, jy_err *err)
{
	person_rec old;
	int rc = store_person_find(s, p->school_id, p->number, &old, err);
	if (rc && rc != JY_ENOENT)
		return rc;
	if (rc == JY_ENOENT)
		err_clear(err);
	return store_person_save(s, p, rc ? NULL : &old, id, outcome, err);
}

/* The optional conditions every listing shares (the casts tell PostgreSQL
 * the type of a parameter that may be bound NULL): parameters 2..10 of each
 * statement (after the access-path key in 1; keyset id in 11, limit in 12).
 * q matches a prefix of the name or the number, as a range on the
 * (school_id, name) and (school_id, number) indexes: a search at a million
 * people stays an index lookup (a substring LIKE would scan them all). */
#define PERSON_FILTER                                                                          \
	" AND (CAST(?2 AS TEXT) IS NULL OR p.kind = ?3)"                                       \
	" AND (CAST(?4 AS TEXT) IS NULL OR (p.name >= ?5 AND p.name < ?6) OR "                 \
	"(p.number >= ?7 AND p.number < ?8))"                                                  \
	" AND (CAST(?9 AS TEXT) IS NULL OR "                                                   \
	"(',' || p.flags || ',') LIKE ('%,' || CAST(?10 AS TEXT) || ',%'))"
#define PERSON_PAGE " AND p.id > ?11 ORDER BY p.id LIMIT ?12"

static const char list_school[] = PERSON_COLS "WHERE p.school_id = ?1" PERSON_FILTER PERSON_PAGE;
static const char list_class[] = PERSON_COLS "WHERE p.class_id = ?1" PERSON_FILTER PERSON_PAGE;
static const char list_dorm[] = PERSON_COLS "WHERE p.dorm_id = ?1" PERSON_FILTER PERSON_PAGE;
static const char list_grade[] = PERSON_COLS "WHERE c.grade_id = ?1" PERSON_FILTER PERSON_PAGE;
/* A school-wide search: the name and number ranges are the only access
 * path (a multi-index OR on (school_id, name) and (school_id, number)); the
 * unary plus keeps SQLite from walking the whole school by id instead. */
#define PERSON_SEARCH                                                                          \
	"WHERE ((p.school_id = ?1 AND p.name >= ?5 AND p.name < ?6) OR "                        \
	"(p.school_id = ?1 AND p.number >= ?7 AND p.number < ?8))"
static const char list_search[] = PERSON_COLS PERSON_SEARCH PERSON_FILTER
	" AND +p.id > ?11 ORDER BY +p.id LIMIT ?12";

static const char count_school[] = "SELECT COUNT(*) FROM person p WHERE p.school_id = ?1" PERSON_FILTER;
/* The whole school, unfiltered: a bare count over the (school_id, id) index,
 * without evaluating the optional filters on a million rows. */
static const char count_school_all[] = "SELECT COUNT(*) FROM person WHERE school_id = ?1";
static const char count_class[] = "SELECT COUNT(*) FROM person p WHERE p.class_id = ?" PERSON_FILTER;
static const char count_dorm[] = "SELECT COUNT(*) FROM person p WHERE p.dorm_id = ?" PERSON_FILTER;
static const char count_search[] = "SELECT COUNT(*) FROM person p " PERSON_SEARCH PERSON_FILTER;
static const char count_grade[] =
	"SELECT COUNT(*) FROM person p LEFT JOIN class c ON c.id = p.class_id "
	"WHERE c.grade_id = ?1" PERSON_FILTER;

/* The exclusive upper bound of the strings that start with q: q followed by
 * the largest UTF-8 sequence (U+10FFFF), which sorts after any continuation. */
static void prefix_end(const char *q, char *out, size_t size)
{
	snprintf(out, size, "%s\xf4\x8f\xbf\xbf", q);
}

/* Choose the statement for f's access path and bind everything but paging. */
static db_stmt *person_query(store *s, const person_filter *f, int counting, char *pat,
			     char *flagpat, jy_err *err)
{
	const char *sql;
	int64_t key;
	if (f->class_id) {
		sql = counting ? count_class : list_class;
		key = f->class_id;
	} else if (f->dorm_id) {
		sql = counting ? count_dorm : list_dorm;
		key = f->dorm_id;
	} else if (f->grade_id) {
		sql = counting ? count_grade : list_grade;
		key = f->grade_id;
	} else if (f->q && *f->q) {
		sql = counting ? count_search : list_search;
		key = f->school_id;
	} else {
		sql = counting ? count_school : list_school;
		key = f->school_id;
	}
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return NULL;
	db_bind_i64(st, 1, key);
	db_bind_text(st, 2, f->kind);
	db_bind_text(st, 3, f->kind);
	if (f->q && *f->q) {
		prefix_end(f->q, pat, 256);
		db_bind_text(st, 4, f->q);
		db_bind_text(st, 5, f->q);
		db_bind_text(st, 6, pat);
		db_bind_text(st, 7, f->q);
		db_bind_text(st, 8, pat);
	} else {
		for (int i = 4; i <= 8; i++)
			db_bind_null(st, i);
	}
	if (f->flag && *f->flag) {
		snprintf(flagpat, 96, "%s", f->flag);
		db_bind_text(st, 9, flagpat);
		db_bind_text(st, 10, flagpat);
	} else {
		db_bind_null(st, 9);
		db_bind_null(st, 10);
	}
	return st;
}

int store_person_list(store *s, const person_filter *f, store_person_cb cb, void *ctx, jy_err *err)
{
	char pat[256], flagpat[96];
	db_stmt *st = person_query(s, f, 0, pat, flagpat, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 11, f->after_id);
	db_bind_i64(st, 12, f->limit > 0 ? f->limit : INT64_MAX);
	int rc;
	person_rec p;
	while ((rc = db_step(st, err)) == 1) {
		person_from_row(st, &p);
		if (cb(ctx, &p))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_person_count(store *s, const person_filter *f, int64_t *count, jy_err *err)
{
	if (!f->class_id && !f->dorm_id && !f->grade_id && !(f->q && *f->q) && !f->kind &&
	    !(f->flag && *f->flag)) {
		db_stmt *st = db_stmt_get(s->db, count_school_all, err);
		if (!st)
			return JY_EDB;
		db_bind_i64(st, 1, f->school_id);
		return store_one_id(st, count, err);
	}
	char pat[256], flagpat[96];
	db_stmt *st = person_query(s, f, 1, pat, flagpat, err);
	if (!st)
		return JY_EDB;
	return store_one_id(st, count, err);
}

int store_person_find_duplicate(store *s, int64_t school_id, const char *name,
				const char *guardian_phone, const char *number,
				char *other_number, size_t size, jy_err *err)
{
	static const char sql[] =
		"SELECT number FROM person WHERE school_id = ? AND name = ? AND guardian_phone = ? "
		"AND guardian_phone <> '' AND number <> ? ORDER BY number || '' LIMIT 1";
	other_number[0] = 0;
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, guardian_phone);
	db_bind_text(st, 4, number);
	int rc = db_step(st, err);
	if (rc == 1)
		snprintf(other_number, size, "%s", db_col_text(st, 0));
	db_done(st);
	return rc < 0 ? rc : 0;
}
