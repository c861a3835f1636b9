/*
 * auth.h — users, passwords and sessions: the rules, not the storage.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str,
 * INTERACTIVE limits, ~60 ms).  A login that fails costs the same whether the
 * user exists or not (a dummy hash is verified for unknown users).  Session
 * ids are 32 random bytes, hex; the store keeps only their SHA-256.
 */
#ifndef JY_AUTH_H
#define JY_AUTH_H

#include <stdint.h>

#include "store/store.h"

#define AUTH_SESSION_TTL (12 * 3600)  /* seconds a session lives */
#define AUTH_TOKEN_HEX 65             /* 64 hex chars + NUL */

/* Is role one of admin principal reporter teacher gate logistics district? */
int auth_role_valid(const char *role);

/*
 * Create a user.  scope: for a teacher the class name (required); for a
 * district user the district code (optional); for others the school code
 * (optional: default the database's school).  The password must be at
 * least 8 characters.  *id may be NULL.
 */
int auth_user_add(store *s, const char *username, const char *password, const char *role,
		  const char *scope, int64_t *id, jy_err *err);
/* The same in a given school (school_id 0 = as above: the scope or the
 * command's school).  With a school_id the user is that school's, and a
 * district user cannot be made (a school's administrator creates users in
 * their own school only).  A district user's scope is the district code or
 * name (optional when there is one district); scope_id is the district. */
int auth_user_add_in(store *s, int64_t school_id, const char *username, const char *password,
		     const char *role, const char *scope, int64_t *id, jy_err *err);

/*
 * Check credentials and open a session.  On success token receives the
 * session id (hex) to put in the cookie and *user the account.  Wrong
 * username and wrong password give the same JY_EAUTH error.
 */
int auth_login(store *s, const char *username, const char *password, const char *ip,
	       char token[AUTH_TOKEN_HEX], user_rec *user, jy_err *err);

/* Set a new password (at least 8 characters) for user id. */
int auth_set_password(store *s, int64_t id, const char *password, jy_err *err);

/* The user of a live session (JY_EAUTH when none). */
int auth_session_user(store *s, const char *token, user_rec *user, jy_err *err);
int auth_logout(store *s, const char *token, jy_err *err);

/* SHA-256 of a token as hex (what the store keeps). */
void auth_token_hash(const char *token, char out[AUTH_TOKEN_HEX]);

#endif
