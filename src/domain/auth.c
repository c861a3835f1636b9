/*
 * auth.c — see auth.h.
 */
#include "domain/auth.h"

#include <string.h>
#include <time.h>

#include <sodium.h>

#include "store/district.h"

static const char *const roles[] = { "admin", "principal", "reporter", "teacher",
				     "gate", "logistics", "district" };

int auth_role_valid(const char *role)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (!strcmp(role, roles[i]))
			return 1;
	return 0;
}

int auth_user_add(store *s, const char *username, const char *password, const char *role,
		  const char *scope, int64_t *id, jy_err *err)
{
	return auth_user_add_in(s, 0, username, password, role, scope, id, err);
}

/* The district a district user is scoped to: scope names it (code or name),
 * or the only district there is. */
static int district_scope(store *s, const char *scope, user_rec *u, jy_err *err)
{
	district_rec d;
	int rc;
	if (scope && *scope) {
		rc = store_district_find(s, scope, &d, err);
		if (rc == JY_ENOENT) {
			/* A school database's first district user names its district:
			 * it is made, and the schools in no district join it. */
			if ((rc = store_district_only(s, &d, NULL)) != JY_ENOENT)
				return store_district_find(s, scope, &d, err);
			rc = store_district_ensure(s, scope, scope, &d.id, err);
			if (!rc)
				rc = store_district_adopt_schools(s, d.id, err);
		}
	} else {
		rc = store_district_only(s, &d, err);
		if (rc) {
			char why[sizeof err->msg];
			snprintf(why, sizeof why, "%s", err->msg);
			return err_at(err, rc, NULL, 0, "scope",
				      "区级账号需要 --scope 区代码 (a district user needs --scope DISTRICT): %s",
				      why);
		}
	}
	if (rc)
		return rc;
	snprintf(u->scope_kind, sizeof u->scope_kind, "district");
	u->scope_id = d.id;
	return 0;
}

int auth_user_add_in(store *s, int64_t school_id, const char *username, const char *password,
		     const char *role, const char *scope, int64_t *id, jy_err *err)
{
	user_rec u;
	memset(&u, 0, sizeof u);
	size_t ulen = strlen(username);
	if (ulen < 1 || ulen >= sizeof u.username)
		return err_at(err, JY_EINVAL, NULL, 0, "name", "用户名长度应为 1–63 字节 (username must be 1–63 bytes)");
	for (const char *p = username; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == ':' || *p == '"')
			return err_at(err, JY_EINVAL, NULL, 0, "name",
				      "用户名不能含空白、冒号或引号 (username must not contain spaces, ':' or '\"')");
	if (!auth_role_valid(role))
		return err_at(err, JY_EINVAL, NULL, 0, "role",
			      "未知角色 unknown role '%s' (admin principal reporter teacher gate logistics district)",
			      role);
	if (strlen(password) < 8)
		return err_at(err, JY_EINVAL, NULL, 0, "password", "密码至少 8 个字符 (password must have at least 8 characters)");
	snprintf(u.username, sizeof u.username, "%s", username);
	snprintf(u.role, sizeof u.role, "%s", role);
	int rc;
	if (!strcmp(role, "district")) {
		if (school_id)
			return err_at(err, JY_EPERM, NULL, 0, "role",
				      "学校管理员不能创建区级账号 (a school's administrator cannot create "
				      "district users)");
		if ((rc = district_scope(s, scope, &u, err)))
			return rc;
	} else {
		school_rec sc;
		if (school_id) {
			rc = store_school_get(s, school_id, &sc, err);
		} else if (scope && *scope && strcmp(role, "teacher")) {
			/* The scope names the school (code or name). */
			rc = store_school_find(s, scope, &sc, err);
			if (rc == JY_ENOENT)
				err_at(err, rc, NULL, 0, "scope", "%s", err->msg);
		} else {
			rc = store_school_default(s, &sc, err);
		}
		if (rc == JY_ENOENT && !(scope && *scope && strcmp(role, "teacher")))
			return err_set(err, rc, "数据库中还没有学校，请先导入名单或运行 demo "
						"(no school yet: import a roster or run demo first)");
		if (rc)
			return rc;
		u.school_id = sc.id;
		if (!strcmp(role, "teacher")) {
			if (!scope || !*scope)
				return err_at(err, JY_EINVAL, NULL, 0, "scope",
					      "班主任需要 --scope 班级名 (a teacher needs --scope CLASS)");
			snprintf(u.scope_kind, sizeof u.scope_kind, "class");
			rc = store_class_find(s, sc.id, scope, &u.scope_id, err);
			if (rc)
				return rc;
		} else {
			if (school_id && scope && *scope && strcmp(scope, sc.code) && strcmp(scope, sc.name))
				return err_at(err, JY_EINVAL, NULL, 0, "scope",
					      "未知学校 unknown school '%s' (this school is %s %s)",
					      scope, sc.code, sc.name);
			snprintf(u.scope_kind, sizeof u.scope_kind, "school");
		}
	}
	if (crypto_pwhash_str(u.pw_hash, password, strlen(password),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(err, JY_ENOMEM, "out of memory hashing the password");
	return store_user_add(s, &u, id, err);
}

int auth_set_password(store *s, int64_t id, const char *password, jy_err *err)
{
	if (strlen(password) < 8)
		return err_at(err, JY_EINVAL, NULL, 0, "password", "密码至少 8 个字符 (password must have at least 8 characters)");
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(err, JY_ENOMEM, "out of memory hashing the password");
	return store_user_set_password(s, id, hash, err);
}

void auth_token_hash(const char *token, char out[AUTH_TOKEN_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, AUTH_TOKEN_HEX, h, sizeof h);
}

int auth_login(store *s, const char *username, const char *password, const char *ip,
	       char token[AUTH_TOKEN_HEX], user_rec *user, jy_err *err)
{
	/* A valid hash of a random password, verified for unknown users so that
	 * both failures take the same time. */
	static const char dummy[crypto_pwhash_STRBYTES] =
		"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
		"lDcKFuH4o5ds6l7P0xzOmQmDBgrr1bO1RkZ2pjfT5OM";
	jy_err e2;
	int rc = store_user_by_name(s, username, user, &e2);
	if (rc && rc != JY_ENOENT)
		return err_set(err, rc, "%s", e2.msg);
	int ok;
	if (rc == JY_ENOENT) {
		int spent = crypto_pwhash_str_verify(dummy, password, strlen(password));
		(void)spent;
		ok = 0;
	} else {
		ok = crypto_pwhash_str_verify(user->pw_hash, password, strlen(password)) == 0 &&
		     !user->disabled;
	}
	if (!ok)
		return err_set(err, JY_EAUTH, "用户名或密码错误 (wrong username or password)");
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, AUTH_TOKEN_HEX, raw, sizeof raw);
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(token, hash);
	int64_t now = (int64_t)time(NULL);
	store_session_purge(s, now, NULL);
	return store_session_add(s, hash, user->id, now, now + AUTH_SESSION_TTL, ip, err);
}

int auth_session_user(store *s, const char *token, user_rec *user, jy_err *err)
{
	if (!token || strlen(token) != AUTH_TOKEN_HEX - 1)
		return err_set(err, JY_EAUTH, "未登录 not logged in");
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(token, hash);
	int rc = store_session_user(s, hash, (int64_t)time(NULL), user, err);
	if (rc == JY_ENOENT)
		return err_set(err, JY_EAUTH, "会话已过期或无效 session expired or invalid");
	return rc;
}

int auth_logout(store *s, const char *token, jy_err *err)
{
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(token ? token : "", hash);
	return store_session_delete(s, hash, err);
}
