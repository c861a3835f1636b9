/*
 * audit.c — the append-only audit log.
 *
 * There is no update or delete here, and triggers in the schema refuse both
 * at the database level, so no code path — API, CLI or a bug — can alter
 * what was recorded.
 */
#include "store/store_int.h"

int store_audit_add(store *s, const audit_rec *a, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO audit_log (at, school_id, user_id, username, role, ip, action, entity, "
		"entity_id, person_id, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, a->at ? a->at : now_s());
	bind_id(st, 2, a->school_id);
	bind_id(st, 3, a->user_id);
	db_bind_text(st, 4, a->username);
	db_bind_text(st, 5, a->role);
	db_bind_text(st, 6, a->ip);
	db_bind_text(st, 7, a->action);
	db_bind_text(st, 8, a->entity);
	db_bind_text(st, 9, a->entity_id);
	bind_id(st, 10, a->person_id);
	db_bind_text(st, 11, a->detail);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_audit_list(store *s, const audit_filter *f, store_audit_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT id, at, COALESCE(school_id, 0), COALESCE(user_id, 0), COALESCE(person_id, 0), "
		"username, role, ip, action, entity, entity_id, detail FROM audit_log "
		"WHERE (? = 0 OR person_id = ?) AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, f->person_id);
	db_bind_i64(st, 2, f->person_id);
	db_bind_i64(st, 3, f->before_id);
	db_bind_i64(st, 4, f->before_id);
	db_bind_i64(st, 5, f->limit > 0 ? f->limit : 100);
	int rc;
	audit_rec a;
	while ((rc = db_step(st, err)) == 1) {
		a.id = db_col_i64(st, 0);
		a.at = db_col_i64(st, 1);
		a.school_id = db_col_i64(st, 2);
		a.user_id = db_col_i64(st, 3);
		a.person_id = db_col_i64(st, 4);
		COPY_COL(a.username, st, 5);
		COPY_COL(a.role, st, 6);
		COPY_COL(a.ip, st, 7);
		COPY_COL(a.action, st, 8);
		COPY_COL(a.entity, st, 9);
		COPY_COL(a.entity_id, st, 10);
		COPY_COL(a.detail, st, 11);
		if (cb(ctx, &a))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}
