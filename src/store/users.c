/*
 * users.c — user accounts and login sessions.
 *
 * Passwords arrive here already hashed (argon2id, in src/domain/auth.c);
 * session ids arrive as their SHA-256, never in clear.
 */
#include "store/store_int.h"

#define USER_COLS                                                                              \
	"SELECT u.id, COALESCE(u.school_id, 0), u.username, u.pw_hash, u.role, u.scope_kind, " \
	"COALESCE(u.scope_id, 0), COALESCE(u.person_id, 0), u.disabled, "                      \
	"COALESCE(c.name, s.name, '') FROM app_user u "                                         \
	"LEFT JOIN class c ON u.scope_kind = 'class' AND c.id = u.scope_id "                  \
	"LEFT JOIN school s ON s.id = u.school_id "

static void user_from_row(db_stmt *st, user_rec *u)
{
	u->id = db_col_i64(st, 0);
	u->school_id = db_col_i64(st, 1);
	COPY_COL(u->username, st, 2);
	COPY_COL(u->pw_hash, st, 3);
	COPY_COL(u->role, st, 4);
	COPY_COL(u->scope_kind, st, 5);
	u->scope_id = db_col_i64(st, 6);
	u->person_id = db_col_i64(st, 7);
	u->disabled = (int)db_col_i64(st, 8);
	COPY_COL(u->scope_name, st, 9);
}

static int user_one(db_stmt *st, user_rec *out, jy_err *err)
{
	int rc = db_step(st, err);
	if (rc == 1) {
		user_from_row(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这个用户 no such user");
	}
	db_done(st);
	return rc;
}

int store_user_add(store *s, const user_rec *u, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO app_user (school_id, username, pw_hash, role, scope_kind, scope_id, "
		"person_id, disabled, created_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	bind_id(st, 1, u->school_id);
	db_bind_text(st, 2, u->username);
	db_bind_text(st, 3, u->pw_hash);
	db_bind_text(st, 4, u->role);
	db_bind_text(st, 5, u->scope_kind);
	bind_id(st, 6, u->scope_id);
	bind_id(st, 7, u->person_id);
	db_bind_i64(st, 8, u->disabled);
	db_bind_i64(st, 9, now_s());
	int rc = store_one_id(st, id, err);
	if (rc == JY_ECONFLICT)
		err_set(err, rc, "用户名已存在 username already exists: %s", u->username);
	return rc;
}

int store_user_by_name(store *s, const char *username, user_rec *out, jy_err *err)
{
	static const char sql[] = USER_COLS "WHERE u.username = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, username);
	return user_one(st, out, err);
}

int store_user_get(store *s, int64_t id, user_rec *out, jy_err *err)
{
	static const char sql[] = USER_COLS "WHERE u.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	return user_one(st, out, err);
}

int store_user_set_password(store *s, int64_t id, const char *pw_hash, jy_err *err)
{
	static const char sql[] = "UPDATE app_user SET pw_hash = ? WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, pw_hash);
	db_bind_i64(st, 2, id);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_user_list(store *s, store_user_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = USER_COLS "ORDER BY u.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int rc;
	user_rec u;
	while ((rc = db_step(st, err)) == 1) {
		user_from_row(st, &u);
		if (cb(ctx, &u))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_session_add(store *s, const char *token_hash, int64_t user_id, int64_t created_at,
		      int64_t expires_at, const char *ip, jy_err *err)
{
	static const char sql[] = "INSERT INTO app_session (token_hash, user_id, created_at, "
				  "expires_at, ip) VALUES (?,?,?,?,?)";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, token_hash);
	db_bind_i64(st, 2, user_id);
	db_bind_i64(st, 3, created_at);
	db_bind_i64(st, 4, expires_at);
	db_bind_text(st, 5, ip ? ip : "");
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_session_user(store *s, const char *token_hash, int64_t now, user_rec *out, jy_err *err)
{
	static const char sql[] = USER_COLS "JOIN app_session x ON x.user_id = u.id "
					    "WHERE x.token_hash = ? AND x.expires_at > ? "
					    "AND u.disabled = 0";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, token_hash);
	db_bind_i64(st, 2, now);
	return user_one(st, out, err);
}

int store_session_delete(store *s, const char *token_hash, jy_err *err)
{
	static const char sql[] = "DELETE FROM app_session WHERE token_hash = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, token_hash);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_session_purge(store *s, int64_t now, jy_err *err)
{
	static const char sql[] = "DELETE FROM app_session WHERE expires_at <= ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, now);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_user_set_disabled(store *s, int64_t id, int disabled, jy_err *err)
{
	static const char sql[] = "UPDATE app_user SET disabled = ? WHERE id = ?";
	static const char drop[] = "DELETE FROM app_session WHERE user_id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, disabled);
	db_bind_i64(st, 2, id);
	int rc = db_step(st, err);
	db_done(st);
	if (rc < 0 || !disabled)
		return rc < 0 ? rc : 0;
	/* A disabled account's sessions end now. */
	if (!(st = db_stmt_get(s->db, drop, err)))
		return JY_EDB;
	db_bind_i64(st, 1, id);
	rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}
