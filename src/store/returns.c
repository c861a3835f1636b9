/*
 * returns.c — the SQL of the return to school (see returns.h).
 *
 * Risk regions are versioned copy-on-write: a change publishes a new
 * screen_version with the whole list, so a screening result can name the
 * list it used and an old list is never altered.  The version in force for
 * a school is the newest of its own and the district's (school_id NULL).
 *
 * The gate path (store_device_by_token, store_gate_person,
 * store_screen_result_get, store_gate_reading_last, store_gate_reading_add)
 * is one indexed lookup each; it runs on every reading of the morning rush.
 */
#include "store/returns.h"

#include <stdlib.h>

#include <sodium.h>

#include "store/digest.h"
#include "store/store_int.h"

static int run(db_stmt *st, jy_err *err)
{
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

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

static void bind_opt_text(db_stmt *st, int idx, const char *s)
{
	db_bind_text(st, idx, s && *s ? s : NULL);
}

/* Step a statement expected to give one row: 1 row → 0, none → JY_ENOENT
 * with msg; the row is read by fill before the statement is reset. */
#define ONE_ROW(st, err, fill, msg)                                                            \
	do {                                                                                   \
		int rc_ = db_step((st), (err));                                                \
		if (rc_ == 1) {                                                                \
			fill;                                                                  \
			rc_ = 0;                                                               \
		} else if (rc_ == 0) {                                                         \
			rc_ = err_set((err), JY_ENOENT, "%s", (msg));                          \
		}                                                                              \
		db_done(st);                                                                   \
		return rc_;                                                                    \
	} while (0)

/* ---- return plan ---- */

int store_batch_upsert(store *s, int64_t school_id, const char *name, const char *return_date,
		       int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO return_batch (school_id, name, return_date) VALUES (?,?,?) "
		"ON CONFLICT (school_id, name) DO UPDATE SET return_date = excluded.return_date "
		"RETURNING id";
	store_gate_cache_drop(s);
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, return_date);
	return store_one_id(st, id, err);
}

int store_batch_assign(store *s, int64_t school_id, int64_t batch_id, int64_t class_id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO return_batch_class (class_id, school_id, batch_id) VALUES (?,?,?) "
		ON_CONFLICT_SCHOOL("class_id") "DO UPDATE SET batch_id = excluded.batch_id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, class_id);
	db_bind_i64(st, 2, school_id);
	db_bind_i64(st, 3, batch_id);
	return run(st, err);
}

int store_batch_list(store *s, int64_t school_id, store_batch_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT b.id, COALESCE(c.id, 0), b.name, b.return_date, COALESCE(c.name, ''), "
		"(SELECT COUNT(*) FROM person p WHERE p.class_id = c.id AND p.active = 1 "
		"AND p.kind = 'student') FROM return_batch b "
		"LEFT JOIN return_batch_class bc ON bc.batch_id = b.id "
		"LEFT JOIN class c ON c.id = bc.class_id WHERE b.school_id = ? "
		"ORDER BY b.return_date, b.name, c.name";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc;
	batch_class_row r;
	while ((rc = db_step(st, err)) == 1) {
		r.batch_id = db_col_i64(st, 0);
		r.class_id = db_col_i64(st, 1);
		COPY_COL(r.batch, st, 2);
		COPY_COL(r.return_date, st, 3);
		COPY_COL(r.class_name, st, 4);
		r.enrolled = db_col_i64(st, 5);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_plan_summary(store *s, int64_t school_id, int64_t *batches, char first_date[11],
		       jy_err *err)
{
	static const char sql[] =
		"SELECT COUNT(*), COALESCE(MIN(return_date), '') FROM return_batch WHERE school_id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc = db_step(st, err);
	if (rc == 1) {
		*batches = db_col_i64(st, 0);
		snprintf(first_date, 11, "%s", db_col_text(st, 1));
		rc = 0;
	} else if (rc == 0) {
		*batches = 0;
		first_date[0] = 0;
	}
	db_done(st);
	return rc;
}

int store_class_return_date(store *s, int64_t class_id, char date[11], jy_err *err)
{
	static const char sql[] =
		"SELECT b.return_date FROM return_batch_class bc JOIN return_batch b "
		"ON b.id = bc.batch_id WHERE bc.class_id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, class_id);
	date[0] = 0;
	int rc = db_step(st, err);
	if (rc == 1)
		snprintf(date, 11, "%s", db_col_text(st, 0));
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- declarations ---- */

#define DECL_COLS                                                                              \
	"SELECT d.id, d.school_id, d.person_id, d.kind, d.date_from, d.date_to, d.region, "      \
	"d.transport, d.temperature, d.symptoms, d.note, d.source, d.reporter, d.submitted_at, " \
	"COALESCE(d.submitted_by, 0) FROM declaration d "

static void decl_from_row(db_stmt *st, declaration_rec *d)
{
	d->id = db_col_i64(st, 0);
	d->school_id = db_col_i64(st, 1);
	d->person_id = db_col_i64(st, 2);
	COPY_COL(d->kind, st, 3);
	COPY_COL(d->date_from, st, 4);
	COPY_COL(d->date_to, st, 5);
	COPY_COL(d->region, st, 6);
	COPY_COL(d->transport, st, 7);
	d->temperature = col_temp(st, 8);
	COPY_COL(d->symptoms, st, 9);
	COPY_COL(d->note, st, 10);
	COPY_COL(d->source, st, 11);
	COPY_COL(d->reporter, st, 12);
	d->submitted_at = db_col_i64(st, 13);
	d->submitted_by = db_col_i64(st, 14);
}

static int decl_upsert_row(store *s, const declaration_rec *d, int64_t *id, int *outcome,
			   int64_t *school, jy_err *err)
{
	static const char find[] =
		"SELECT id, temperature, symptoms, note, transport, school_id FROM declaration WHERE person_id = ? "
		"AND kind = ? AND date_from = ? AND date_to = ? AND region = ?";
	static const char ins[] =
		"INSERT INTO declaration (school_id, person_id, kind, date_from, date_to, region, "
		"transport, temperature, symptoms, note, source, reporter, submitted_at, submitted_by) "
		"VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id";
	static const char upd[] =
		"UPDATE declaration SET transport = ?, temperature = ?, symptoms = ?, note = ?, "
		"source = ?, reporter = ?, submitted_at = ?, submitted_by = ? WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, find, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, d->person_id);
	db_bind_text(st, 2, d->kind);
	db_bind_text(st, 3, d->date_from);
	db_bind_text(st, 4, d->date_to);
	db_bind_text(st, 5, d->region);
	int rc = db_step(st, err);
	int64_t old = 0;
	int same = 0;
	if (rc == 1) {
		old = db_col_i64(st, 0);
		*school = db_col_i64(st, 5);
		same = col_temp(st, 1) == d->temperature && !strcmp(db_col_text(st, 2), d->symptoms) &&
		       !strcmp(db_col_text(st, 3), d->note) && !strcmp(db_col_text(st, 4), d->transport);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (old) {
		if (id)
			*id = old;
		if (outcome)
			*outcome = same ? STORE_UNCHANGED : STORE_UPDATED;
		/* The same answer again still counts as a submission (its time). */
		if (!(st = db_stmt_get(s->db, upd, err)))
			return JY_EDB;
		db_bind_text(st, 1, d->transport);
		bind_temp(st, 2, d->temperature);
		db_bind_text(st, 3, d->symptoms);
		db_bind_text(st, 4, d->note);
		db_bind_text(st, 5, d->source);
		db_bind_text(st, 6, d->reporter);
		db_bind_i64(st, 7, d->submitted_at ? d->submitted_at : now_s());
		bind_id(st, 8, d->submitted_by);
		db_bind_i64(st, 9, old);
		return run(st, err);
	}
	if (!(st = db_stmt_get(s->db, ins, err)))
		return JY_EDB;
	db_bind_i64(st, 1, d->school_id);
	db_bind_i64(st, 2, d->person_id);
	db_bind_text(st, 3, d->kind);
	db_bind_text(st, 4, d->date_from);
	db_bind_text(st, 5, d->date_to);
	db_bind_text(st, 6, d->region);
	db_bind_text(st, 7, d->transport);
	bind_temp(st, 8, d->temperature);
	db_bind_text(st, 9, d->symptoms);
	db_bind_text(st, 10, d->note);
	db_bind_text(st, 11, d->source);
	db_bind_text(st, 12, d->reporter);
	db_bind_i64(st, 13, d->submitted_at ? d->submitted_at : now_s());
	bind_id(st, 14, d->submitted_by);
	if (outcome)
		*outcome = STORE_ADDED;
	*school = d->school_id;
	return store_one_id(st, id, err);
}

/* The row and its person's digest (store/digest.h), in one transaction. */
int store_declaration_upsert(store *s, const declaration_rec *d, int64_t *id, int *outcome,
			     jy_err *err)
{
	int64_t school = 0;
	int how = STORE_ADDED;
	int rc = store_begin(s, err);
	if (rc)
		return rc;
	rc = decl_upsert_row(s, d, id, &how, &school, err);
	if (!rc && how != STORE_UNCHANGED)
		rc = store_digest_person(s, school, d->person_id, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	if (outcome)
		*outcome = how;
	return store_commit(s, err);
}

int store_declaration_get(store *s, int64_t id, declaration_rec *out, jy_err *err)
{
	static const char sql[] = DECL_COLS "WHERE d.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	ONE_ROW(st, err, decl_from_row(st, out), "没有这条申报 (no such declaration)");
}

int store_declaration_delete(store *s, int64_t id, jy_err *err)
{
	static const char who[] = "SELECT school_id, person_id FROM declaration WHERE id = ?";
	static const char sql[] = "DELETE FROM declaration WHERE id = ?";
	int rc = store_begin(s, err);
	if (rc)
		return rc;
	db_stmt *st = db_stmt_get(s->db, who, err);
	if (!st)
		rc = JY_EDB;
	int64_t school = 0, person = 0;
	if (!rc) {
		db_bind_i64(st, 1, id);
		rc = db_step(st, err);
		if (rc == 1) {
			school = db_col_i64(st, 0);
			person = db_col_i64(st, 1);
		}
		db_done(st);
		rc = rc < 0 ? rc : 0;
	}
	if (!rc && !(st = db_stmt_get(s->db, sql, err)))
		rc = JY_EDB;
	if (!rc) {
		db_bind_i64(st, 1, id);
		rc = run(st, err);
	}
	if (!rc && person)
		rc = store_digest_person(s, school, person, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

static int decl_walk(db_stmt *st, store_declaration_cb cb, void *ctx, jy_err *err)
{
	int rc;
	declaration_rec d;
	while ((rc = db_step(st, err)) == 1) {
		decl_from_row(st, &d);
		if (cb(ctx, &d))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_declaration_list(store *s, int64_t person_id, store_declaration_cb cb, void *ctx,
			   jy_err *err)
{
	static const char sql[] = DECL_COLS
		"WHERE d.person_id = ? ORDER BY d.kind DESC, d.date_from, d.date_to, d.region";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, person_id);
	return decl_walk(st, cb, ctx, err);
}

int store_declaration_scan(store *s, int64_t school_id, const char *since,
			   store_declaration_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = DECL_COLS
		"WHERE d.school_id = ? AND d.date_to >= ? ORDER BY d.person_id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, since);
	return decl_walk(st, cb, ctx, err);
}

int store_declaration_facts(store *s, int64_t school_id, const char *since, store_fact_cb cb,
			    void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT person_id, kind, date_from, date_to, region, symptoms, temperature FROM declaration "
		"WHERE school_id = ? AND date_to >= ? ORDER BY person_id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, since);
	int rc;
	declaration_fact f;
	while ((rc = db_step(st, err)) == 1) {
		f.person_id = db_col_i64(st, 0);
		f.kind = db_col_text(st, 1);
		f.date_from = db_col_text(st, 2);
		f.date_to = db_col_text(st, 3);
		f.region = db_col_text(st, 4);
		f.symptoms = db_col_text(st, 5);
		f.temperature = col_temp(st, 6);
		if (cb(ctx, &f))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_selfreport_scan(store *s, int64_t school_id, int64_t class_id, const char *since,
			  store_declaration_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = DECL_COLS
		"JOIN person p ON p.id = d.person_id WHERE d.school_id = ? AND (? = 0 OR p.class_id = ?) "
		"AND d.source = 'link' AND d.kind = 'health' AND d.date_from >= ? "
		"ORDER BY d.person_id, d.date_from";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, class_id);
	db_bind_i64(st, 3, class_id);
	db_bind_text(st, 4, since);
	return decl_walk(st, cb, ctx, err);
}

/* ---- personal links ---- */

int store_link_add(store *s, const declare_link_rec *l, const char *token_hash, int64_t *id,
		   jy_err *err)
{
	static const char sql[] =
		"INSERT INTO declare_link (school_id, person_id, token_hash, minor, created_at, "
		"created_by, expires_at) VALUES (?,?,?,?,?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, l->school_id);
	db_bind_i64(st, 2, l->person_id);
	db_bind_text(st, 3, token_hash);
	db_bind_i64(st, 4, l->minor);
	db_bind_i64(st, 5, l->created_at ? l->created_at : now_s());
	bind_id(st, 6, l->created_by);
	db_bind_i64(st, 7, l->expires_at);
	return store_one_id(st, id, err);
}

int store_link_by_hash(store *s, const char *token_hash, declare_link_rec *out, jy_err *err)
{
	static const char sql[] =
		"SELECT id, school_id, person_id, created_at, COALESCE(created_by, 0), expires_at, "
		"minor, revoked FROM declare_link WHERE token_hash = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, token_hash);
	ONE_ROW(st, err,
		(out->id = db_col_i64(st, 0), out->school_id = db_col_i64(st, 1),
		 out->person_id = db_col_i64(st, 2), out->created_at = db_col_i64(st, 3),
		 out->created_by = db_col_i64(st, 4), out->expires_at = db_col_i64(st, 5),
		 out->minor = (int)db_col_i64(st, 6), out->revoked = (int)db_col_i64(st, 7)),
		"链接无效 (no such link)");
}

int store_link_revoke_person(store *s, int64_t person_id, jy_err *err)
{
	static const char sql[] = "UPDATE declare_link SET revoked = 1 WHERE person_id = ? AND revoked = 0";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, person_id);
	return run(st, err);
}

int store_consent_add(store *s, int64_t school_id, int64_t person_id, int64_t link_id,
		      const char *guardian_name, const char *relation, const char *ip, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO declare_consent (school_id, person_id, link_id, guardian_name, relation, "
		"consented_at, ip) VALUES (?,?,?,?,?,?,?)";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, person_id);
	db_bind_i64(st, 3, link_id);
	db_bind_text(st, 4, guardian_name);
	db_bind_text(st, 5, relation ? relation : "");
	db_bind_i64(st, 6, now_s());
	db_bind_text(st, 7, ip ? ip : "");
	return run(st, err);
}

int store_consent_get(store *s, int64_t link_id, int *found, char *guardian_name, size_t size,
		      int64_t *at, jy_err *err)
{
	static const char sql[] =
		"SELECT guardian_name, consented_at FROM declare_consent WHERE link_id = ? "
		"ORDER BY id DESC LIMIT 1";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, link_id);
	*found = 0;
	int rc = db_step(st, err);
	if (rc == 1) {
		*found = 1;
		snprintf(guardian_name, size, "%s", db_col_text(st, 0));
		*at = db_col_i64(st, 1);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- versions ---- */

int store_screen_version_add(store *s, int64_t school_id, const char *kind, int64_t user_id,
			     const char *source, const char *note, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO screen_version (school_id, kind, created_at, created_by, source, note) "
		"VALUES (?,?,?,?,?,?) RETURNING id";
	store_gate_cache_drop(s);
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	bind_id(st, 1, school_id);
	db_bind_text(st, 2, kind);
	db_bind_i64(st, 3, now_s());
	bind_id(st, 4, user_id);
	db_bind_text(st, 5, source ? source : "");
	db_bind_text(st, 6, note ? note : "");
	return store_one_id(st, id, err);
}

int store_risk_version_current(store *s, int64_t school_id, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"SELECT COALESCE(MAX(id), 0) FROM screen_version WHERE kind = 'risk' "
		"AND (school_id IS NULL OR school_id = ?)";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	return store_one_id(st, id, err);
}

int store_screen_config_version(store *s, int64_t school_id, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"SELECT COALESCE(MAX(id), 0) FROM screen_version WHERE school_id IS NULL OR school_id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	return store_one_id(st, id, err);
}

int store_screen_version_list(store *s, int64_t school_id, const char *kind, int limit,
			      store_screen_version_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT v.id, COALESCE(v.school_id, 0), v.created_at, COALESCE(v.created_by, 0), v.kind, "
		"v.source, v.note, (SELECT COUNT(*) FROM risk_region r WHERE r.version_id = v.id) "
		"FROM screen_version v WHERE (v.school_id IS NULL OR v.school_id = ?) "
		"AND (? = '' OR v.kind = ?) ORDER BY v.id DESC LIMIT ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, kind ? kind : "");
	db_bind_text(st, 3, kind ? kind : "");
	db_bind_i64(st, 4, limit > 0 ? limit : 100);
	int rc;
	screen_version_rec v;
	while ((rc = db_step(st, err)) == 1) {
		v.id = db_col_i64(st, 0);
		v.school_id = db_col_i64(st, 1);
		v.created_at = db_col_i64(st, 2);
		v.created_by = db_col_i64(st, 3);
		COPY_COL(v.kind, st, 4);
		COPY_COL(v.source, st, 5);
		COPY_COL(v.note, st, 6);
		v.regions = db_col_i64(st, 7);
		if (cb(ctx, &v))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_risk_region_add(store *s, int64_t version_id, const risk_region_rec *r, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO risk_region (version_id, region, level, valid_from, valid_to) "
		"VALUES (?,?,?,?,?)";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, version_id);
	db_bind_text(st, 2, r->region);
	db_bind_text(st, 3, r->level);
	db_bind_text(st, 4, r->valid_from);
	db_bind_text(st, 5, r->valid_to);
	return run(st, err);
}

int store_risk_region_list(store *s, int64_t version_id, store_risk_region_cb cb, void *ctx,
			   jy_err *err)
{
	static const char sql[] =
		"SELECT region, level, valid_from, valid_to FROM risk_region WHERE version_id = ? "
		"ORDER BY region, valid_from";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, version_id);
	int rc;
	risk_region_rec r;
	while ((rc = db_step(st, err)) == 1) {
		COPY_COL(r.region, st, 0);
		COPY_COL(r.level, st, 1);
		COPY_COL(r.valid_from, st, 2);
		COPY_COL(r.valid_to, st, 3);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- screening rules ---- */

#define SRULE_COLS                                                                             \
	"SELECT id, COALESCE(school_id, 0), kind, level, region, window_days, threshold, status, " \
	"name_zh, name_en, reason_zh, reason_en, enabled, updated_at FROM screen_rule "

static void srule_from_row(db_stmt *st, screen_rule_rec *r)
{
	r->id = db_col_i64(st, 0);
	r->school_id = db_col_i64(st, 1);
	COPY_COL(r->kind, st, 2);
	COPY_COL(r->level, st, 3);
	COPY_COL(r->region, st, 4);
	r->window_days = (int)db_col_i64(st, 5);
	r->threshold = col_temp(st, 6);
	COPY_COL(r->status, st, 7);
	COPY_COL(r->name_zh, st, 8);
	COPY_COL(r->name_en, st, 9);
	COPY_COL(r->reason_zh, st, 10);
	COPY_COL(r->reason_en, st, 11);
	r->enabled = (int)db_col_i64(st, 12);
	r->updated_at = db_col_i64(st, 13);
}

int store_screen_rule_list(store *s, int64_t school_id, store_screen_rule_cb cb, void *ctx,
			   jy_err *err)
{
	static const char sql[] = SRULE_COLS "WHERE school_id IS NULL OR school_id = ? ORDER BY id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc;
	screen_rule_rec r;
	while ((rc = db_step(st, err)) == 1) {
		srule_from_row(st, &r);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_screen_rule_get(store *s, int64_t id, screen_rule_rec *out, jy_err *err)
{
	static const char sql[] = SRULE_COLS "WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	ONE_ROW(st, err, srule_from_row(st, out), "没有这条筛查规则 (no such screening rule)");
}

int store_screen_rule_save(store *s, const screen_rule_rec *r, int64_t *id, jy_err *err)
{
	static const char ins[] =
		"INSERT INTO screen_rule (school_id, kind, level, region, window_days, threshold, status, "
		"name_zh, name_en, reason_zh, reason_en, enabled, updated_at) "
		"VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id";
	static const char upd[] =
		"UPDATE screen_rule SET school_id = ?, kind = ?, level = ?, region = ?, window_days = ?, "
		"threshold = ?, status = ?, name_zh = ?, name_en = ?, reason_zh = ?, reason_en = ?, "
		"enabled = ?, updated_at = ? WHERE id = ? RETURNING id";
	db_stmt *st = db_stmt_get(s->db, r->id ? upd : ins, err);
	if (!st)
		return JY_EDB;
	bind_id(st, 1, r->school_id);
	db_bind_text(st, 2, r->kind);
	db_bind_text(st, 3, r->level);
	db_bind_text(st, 4, r->region);
	db_bind_i64(st, 5, r->window_days);
	bind_temp(st, 6, r->threshold);
	db_bind_text(st, 7, r->status);
	db_bind_text(st, 8, r->name_zh);
	db_bind_text(st, 9, r->name_en);
	db_bind_text(st, 10, r->reason_zh);
	db_bind_text(st, 11, r->reason_en);
	db_bind_i64(st, 12, r->enabled);
	db_bind_i64(st, 13, now_s());
	if (r->id)
		db_bind_i64(st, 14, r->id);
	return store_one_id(st, id, err);
}

/* ---- screening results ---- */

/* Writing screen_result.  RESULT_CONFLICT is the one conflict target (the
 * table's key): a person's result for a date is replaced by the newer one. */
#define RESULT_INSERT                                                                          \
	"INSERT INTO screen_result (person_id, return_date, school_id, status, reasons, "         \
	"risk_version_id, config_version, declared, screened_at) VALUES "
#define RESULT_CONFLICT                                                                        \
	ON_CONFLICT_SCHOOL("person_id, return_date") "DO UPDATE SET school_id = excluded.school_id, " \
	"status = excluded.status, "                                                              \
	"reasons = excluded.reasons, risk_version_id = excluded.risk_version_id, "               \
	"config_version = excluded.config_version, declared = excluded.declared, "               \
	"screened_at = excluded.screened_at"
/* A run's rows: ?1 return date, ?2 school, ?3 risk version, ?4 config
 * version, ?5 time, shared; then per row person, status, reasons, declared. */
#define RR(p, st, rs, dc) "(?" #p ",?1,?2,?" #st ",?" #rs ",?3,?4,?" #dc ",?5)"
#define RESULT_ROWS1 RR(6, 7, 8, 9)
#define RESULT_ROWS4 \
	RESULT_ROWS1 "," \
	RR(10, 11, 12, 13) "," RR(14, 15, 16, 17) "," RR(18, 19, 20, 21)
#define RESULT_ROWS16 \
	RESULT_ROWS4 "," \
	RR(22, 23, 24, 25) "," RR(26, 27, 28, 29) "," RR(30, 31, 32, 33) "," RR(34, 35, 36, 37) "," \
	RR(38, 39, 40, 41) "," RR(42, 43, 44, 45) "," RR(46, 47, 48, 49) "," RR(50, 51, 52, 53) "," \
	RR(54, 55, 56, 57) "," RR(58, 59, 60, 61) "," RR(62, 63, 64, 65) "," RR(66, 67, 68, 69)
#define RESULT_ROWS64 \
	RESULT_ROWS16 "," \
	RR(70, 71, 72, 73) "," RR(74, 75, 76, 77) "," RR(78, 79, 80, 81) "," RR(82, 83, 84, 85) "," \
	RR(86, 87, 88, 89) "," RR(90, 91, 92, 93) "," RR(94, 95, 96, 97) "," RR(98, 99, 100, 101) "," \
	RR(102, 103, 104, 105) "," RR(106, 107, 108, 109) "," RR(110, 111, 112, 113) "," RR(114, 115, 116, 117) "," \
	RR(118, 119, 120, 121) "," RR(122, 123, 124, 125) "," RR(126, 127, 128, 129) "," RR(130, 131, 132, 133) "," \
	RR(134, 135, 136, 137) "," RR(138, 139, 140, 141) "," RR(142, 143, 144, 145) "," RR(146, 147, 148, 149) "," \
	RR(150, 151, 152, 153) "," RR(154, 155, 156, 157) "," RR(158, 159, 160, 161) "," RR(162, 163, 164, 165) "," \
	RR(166, 167, 168, 169) "," RR(170, 171, 172, 173) "," RR(174, 175, 176, 177) "," RR(178, 179, 180, 181) "," \
	RR(182, 183, 184, 185) "," RR(186, 187, 188, 189) "," RR(190, 191, 192, 193) "," RR(194, 195, 196, 197) "," \
	RR(198, 199, 200, 201) "," RR(202, 203, 204, 205) "," RR(206, 207, 208, 209) "," RR(210, 211, 212, 213) "," \
	RR(214, 215, 216, 217) "," RR(218, 219, 220, 221) "," RR(222, 223, 224, 225) "," RR(226, 227, 228, 229) "," \
	RR(230, 231, 232, 233) "," RR(234, 235, 236, 237) "," RR(238, 239, 240, 241) "," RR(242, 243, 244, 245) "," \
	RR(246, 247, 248, 249) "," RR(250, 251, 252, 253) "," RR(254, 255, 256, 257) "," RR(258, 259, 260, 261)

int store_screen_result_put(store *s, const screen_result_rec *r, jy_err *err)
{
	static const char sql[] = RESULT_INSERT "(?,?,?,?,?,?,?,?,?)" RESULT_CONFLICT;
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, r->person_id);
	db_bind_text(st, 2, r->return_date);
	db_bind_i64(st, 3, r->school_id);
	db_bind_text(st, 4, r->status);
	db_bind_text(st, 5, r->reasons ? r->reasons : "[]");
	db_bind_i64(st, 6, r->risk_version_id);
	db_bind_i64(st, 7, r->config_version);
	db_bind_i64(st, 8, r->declared);
	db_bind_i64(st, 9, r->screened_at ? r->screened_at : now_s());
	return run(st, err);
}

/* A statement per row was mostly fixed cost (SQLite opens a statement
 * journal and builds the CHECK's IN list once per execution): 64 rows per
 * statement, the rest in statements of 16, 4 and 1.  fresh: a plain INSERT
 * (a conflict fails with JY_ECONFLICT), else an upsert. */
int store_screen_results_put(store *s, const screen_result_head *h, const screen_result_row *rows,
			     size_t n, int fresh, jy_err *err)
{
	static const char *const sql[2][4] = {
		{ RESULT_INSERT RESULT_ROWS64 RESULT_CONFLICT, RESULT_INSERT RESULT_ROWS16 RESULT_CONFLICT,
		  RESULT_INSERT RESULT_ROWS4 RESULT_CONFLICT, RESULT_INSERT RESULT_ROWS1 RESULT_CONFLICT },
		{ RESULT_INSERT RESULT_ROWS64, RESULT_INSERT RESULT_ROWS16, RESULT_INSERT RESULT_ROWS4,
		  RESULT_INSERT RESULT_ROWS1 },
	};
	static const size_t per[] = { 64, 16, 4, 1 };
	int64_t at = h->screened_at ? h->screened_at : now_s();
	size_t i = 0;
	for (size_t k = 0; k < sizeof per / sizeof per[0]; k++) {
		while (n - i >= per[k]) {
			db_stmt *st = db_stmt_get(s->db, sql[fresh != 0][k], err);
			if (!st)
				return JY_EDB;
			db_bind_text(st, 1, h->return_date);
			db_bind_i64(st, 2, h->school_id);
			db_bind_i64(st, 3, h->risk_version_id);
			db_bind_i64(st, 4, h->config_version);
			db_bind_i64(st, 5, at);
			for (int b = 6; b < 6 + 4 * (int)per[k]; b += 4, i++) {
				db_bind_i64(st, b, rows[i].person_id);
				db_bind_text(st, b + 1, rows[i].status);
				db_bind_text(st, b + 2, rows[i].reasons ? rows[i].reasons : "[]");
				db_bind_i64(st, b + 3, rows[i].declared);
			}
			int rc = run(st, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static void result_from_row(db_stmt *st, screen_result_rec *r)
{
	r->person_id = db_col_i64(st, 0);
	COPY_COL(r->return_date, st, 1);
	r->school_id = db_col_i64(st, 2);
	COPY_COL(r->status, st, 3);
	r->risk_version_id = db_col_i64(st, 4);
	r->config_version = db_col_i64(st, 5);
	r->declared = (int)db_col_i64(st, 6);
	r->screened_at = db_col_i64(st, 7);
}

int store_screen_result_get(store *s, int64_t person_id, const char *return_date, int want_reasons,
			    screen_result_rec *out, jy_err *err)
{
	static const char sql[] =
		"SELECT person_id, return_date, school_id, status, risk_version_id, config_version, "
		"declared, screened_at, reasons FROM screen_result WHERE person_id = ? AND return_date = ?";
	static const char nor[] =
		"SELECT person_id, return_date, school_id, status, risk_version_id, config_version, "
		"declared, screened_at FROM screen_result WHERE person_id = ? AND return_date = ?";
	db_stmt *st = db_stmt_get(s->db, want_reasons ? sql : nor, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, person_id);
	db_bind_text(st, 2, return_date);
	out->reasons = NULL;
	int rc = db_step(st, err);
	if (rc == 1) {
		result_from_row(st, out);
		if (want_reasons) {
			out->reasons = strdup(db_col_text(st, 8));
			if (!out->reasons)
				rc = err_set(err, JY_ENOMEM, "out of memory");
		}
		if (rc == 1)
			rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "未筛查 (not screened)");
	}
	db_done(st);
	return rc;
}

/* Hand each row of st (the columns of result_from_row, then reasons) to
 * cb until it returns non-zero. */
static int each_result(db_stmt *st, store_screen_result_cb cb, void *ctx, jy_err *err)
{
	int rc;
	screen_result_rec r;
	while ((rc = db_step(st, err)) == 1) {
		result_from_row(st, &r);
		r.reasons = (char *)db_col_text(st, 8);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_screen_result_list(store *s, int64_t school_id, const char *return_date,
			     store_screen_result_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT person_id, return_date, school_id, status, risk_version_id, config_version, "
		"declared, screened_at, reasons FROM screen_result WHERE school_id = ? "
		"AND (? = '' OR return_date = ?) ORDER BY person_id, return_date";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, return_date ? return_date : "");
	db_bind_text(st, 3, return_date ? return_date : "");
	return each_result(st, cb, ctx, err);
}

int store_screen_result_day(store *s, int64_t school_id, const char *return_date,
			    store_screen_result_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT person_id, return_date, school_id, status, risk_version_id, config_version, "
		"declared, screened_at, reasons FROM screen_result WHERE school_id = ? AND return_date = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, return_date);
	return each_result(st, cb, ctx, err);
}

int store_screen_result_dates(store *s, int64_t person_id, store_date_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT return_date FROM screen_result WHERE person_id = ? ORDER BY return_date";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, person_id);
	int rc;
	char date[11];
	while ((rc = db_step(st, err)) == 1) {
		COPY_COL(date, st, 0);
		if (cb(ctx, date))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_hold_lift_add(store *s, const hold_lift_rec *l, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO hold_lift (school_id, person_id, return_date, action, note, reasons, "
		"lifted_by, lifted_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, l->school_id);
	db_bind_i64(st, 2, l->person_id);
	db_bind_text(st, 3, l->return_date);
	db_bind_text(st, 4, l->action);
	db_bind_text(st, 5, l->note);
	db_bind_text(st, 6, l->reasons ? l->reasons : "");
	db_bind_i64(st, 7, l->lifted_by);
	db_bind_i64(st, 8, l->lifted_at ? l->lifted_at : now_s());
	return store_one_id(st, id, err);
}

int store_hold_lift_list(store *s, int64_t school_id, int64_t person_id, store_hold_lift_cb cb,
			 void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT h.id, h.school_id, h.person_id, h.lifted_by, h.lifted_at, h.return_date, "
		"h.action, h.note, h.reasons, COALESCE(u.username, '') FROM hold_lift h "
		"LEFT JOIN app_user u ON u.id = h.lifted_by WHERE h.school_id = ? AND (? = 0 OR h.person_id = ?) "
		"ORDER BY h.person_id, h.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, person_id);
	db_bind_i64(st, 3, person_id);
	int rc;
	hold_lift_rec l;
	while ((rc = db_step(st, err)) == 1) {
		l.id = db_col_i64(st, 0);
		l.school_id = db_col_i64(st, 1);
		l.person_id = db_col_i64(st, 2);
		l.lifted_by = db_col_i64(st, 3);
		l.lifted_at = db_col_i64(st, 4);
		COPY_COL(l.return_date, st, 5);
		COPY_COL(l.action, st, 6);
		COPY_COL(l.note, st, 7);
		l.reasons = (char *)db_col_text(st, 8);
		COPY_COL(l.lifted_by_name, st, 9);
		if (cb(ctx, &l))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- gate ---- */

/*
 * The gate cache (store_int.h): direct-mapped tables of the enabled devices
 * by a keyed hash of their token (gate_device_auth: a token that matched
 * its SHA-256 in the table once is then known by its SipHash, without the
 * SHA-256, a ninth of a reading's instructions) and of the schools' plan
 * and screening version.  Valid
 * while the handle's data_version is the one it was filled under: another
 * connection's commit (an import of batches, a device disabled with SQL,
 * a risk list published) changes it.  This handle's own writes of those
 * rows go through store_batch_upsert, store_screen_version_add and
 * store_device_add, which drop it, as does a rollback.  Saves the token's
 * lookup and the school's two subqueries on every reading of the rush.
 */
#define GATE_CACHE_DEVICES 256
#define GATE_CACHE_SCHOOLS 64

struct gate_cache {
	int64_t data_version; /* -1: empty */
	struct {
		unsigned char key[GATE_DEVICE_KEY]; /* all zero: empty */
		gate_device_rec dev;
	} dev[GATE_CACHE_DEVICES];
	struct {
		int64_t school_id; /* 0: empty */
		int plan;
		char first[11];
		int64_t version;
	} school[GATE_CACHE_SCHOOLS];
};

void store_gate_cache_drop(store *s)
{
	if (s->gate)
		s->gate->data_version = -1;
}

/* The cache of s, emptied when another connection has committed since it
 * was filled; NULL when the backend cannot tell (nothing is cached). */
static gate_cache *gate_cache_get(store *s)
{
	int64_t v = db_data_version(s->db);
	if (v < 0)
		return NULL;
	if (!s->gate) {
		s->gate = malloc(sizeof *s->gate);
		if (!s->gate)
			return NULL;
		s->gate->data_version = -1;
	}
	gate_cache *c = s->gate;
	if (c->data_version != v) {
		for (int i = 0; i < GATE_CACHE_DEVICES; i++)
			memset(c->dev[i].key, 0, GATE_DEVICE_KEY);
		for (int i = 0; i < GATE_CACHE_SCHOOLS; i++)
			c->school[i].school_id = 0;
		c->data_version = v;
	}
	return c;
}

static unsigned cache_slot(const unsigned char key[GATE_DEVICE_KEY])
{
	return ((unsigned)key[0] | (unsigned)key[1] << 8) % GATE_CACHE_DEVICES;
}

static int key_empty(const unsigned char key[GATE_DEVICE_KEY])
{
	unsigned char any = 0;
	for (int i = 0; i < GATE_DEVICE_KEY; i++)
		any |= key[i];
	return !any;
}

int store_device_add(store *s, const gate_device_rec *d, const char *token_hash, int64_t *id,
		     jy_err *err)
{
	static const char sql[] =
		"INSERT INTO gate_device (school_id, name, gate, place_id, token_hash, created_at) "
		"VALUES (?,?,?,?,?,?) RETURNING id";
	store_gate_cache_drop(s);
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, d->school_id);
	db_bind_text(st, 2, d->name);
	db_bind_text(st, 3, d->gate);
	bind_id(st, 4, d->place_id);
	db_bind_text(st, 5, token_hash);
	db_bind_i64(st, 6, now_s());
	return store_one_id(st, id, err);
}

static void device_from_row(db_stmt *st, gate_device_rec *d)
{
	d->id = db_col_i64(st, 0);
	d->school_id = db_col_i64(st, 1);
	d->place_id = db_col_i64(st, 2);
	d->created_at = db_col_i64(st, 3);
	COPY_COL(d->name, st, 4);
	COPY_COL(d->gate, st, 5);
	d->disabled = (int)db_col_i64(st, 6);
}

#define DEVICE_COLS                                                                            \
	"SELECT id, school_id, COALESCE(place_id, 0), created_at, name, gate, disabled FROM gate_device "

static int device_by_token(store *s, const char *token_hash, gate_device_rec *out, jy_err *err)
{
	static const char sql[] = DEVICE_COLS "WHERE token_hash = ? AND disabled = 0";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, token_hash);
	ONE_ROW(st, err, device_from_row(st, out), "设备令牌无效 (no such device token)");
}

int store_device_cached(store *s, const unsigned char key[GATE_DEVICE_KEY], gate_device_rec *out)
{
	gate_cache *c = key_empty(key) ? NULL : gate_cache_get(s);
	if (!c)
		return JY_ENOENT;
	unsigned slot = cache_slot(key);
	if (sodium_memcmp(c->dev[slot].key, key, GATE_DEVICE_KEY) != 0)
		return JY_ENOENT;
	*out = c->dev[slot].dev;
	return 0;
}

int store_device_by_token(store *s, const char *token_hash, const unsigned char *key,
			  gate_device_rec *out, jy_err *err)
{
	int rc = device_by_token(s, token_hash, out, err);
	gate_cache *c = !rc && key && !key_empty(key) ? gate_cache_get(s) : NULL;
	if (c) { /* only enabled devices are kept, never a miss */
		unsigned slot = cache_slot(key);
		memcpy(c->dev[slot].key, key, GATE_DEVICE_KEY);
		c->dev[slot].dev = *out;
	}
	return rc;
}

int store_device_list(store *s, int64_t school_id, store_device_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = DEVICE_COLS "WHERE school_id = ? ORDER BY id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc;
	gate_device_rec d;
	while ((rc = db_step(st, err)) == 1) {
		device_from_row(st, &d);
		if (cb(ctx, &d))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* The school's side of a gate decision: its first return date (NULL when
 * it has no return plan) and its newest screening version.  Two small
 * lookups, kept in the gate cache (a plan or a risk list published on
 * another connection empties it, so the next reading sees it). */
static int gate_school(store *s, int64_t school_id, int *plan, char first[11], int64_t *version,
		       jy_err *err)
{
	static const char sql[] =
		"SELECT (SELECT MIN(return_date) FROM return_batch WHERE school_id = ?1), "
		"(SELECT COALESCE(MAX(id), 0) FROM screen_version WHERE school_id IS NULL OR school_id = ?1)";
	gate_cache *c = gate_cache_get(s);
	unsigned slot = (unsigned)((uint64_t)school_id % GATE_CACHE_SCHOOLS);
	if (c && c->school[slot].school_id == school_id) {
		*plan = c->school[slot].plan;
		memcpy(first, c->school[slot].first, 11);
		*version = c->school[slot].version;
		return 0;
	}
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc = db_step(st, err);
	if (rc == 1) {
		*plan = !db_col_is_null(st, 0);
		snprintf(first, 11, "%s", db_col_text(st, 0));
		*version = db_col_i64(st, 1);
		rc = 0;
		if (c) {
			c->school[slot].school_id = school_id;
			c->school[slot].plan = *plan;
			memcpy(c->school[slot].first, first, 11);
			c->school[slot].version = *version;
		}
	} else if (rc == 0) {
		rc = err_set(err, JY_EDB, "no row");
	}
	db_done(st);
	return rc;
}

/* The person by number or card, with what the gate needs of them in one
 * row: the class's batch date, an open stay in the observation room, and
 * the stored screening result for the date the reading is judged against
 * (?2: the reading's day without a plan, the first batch for staff, else
 * the class's batch; ?3 is 1 when there is a plan). */
#define GATE_PERSON_SQL(key)                                                                   \
	"SELECT p.id, COALESCE(p.class_id, 0), p.kind, p.number, p.name, p.active, "            \
	"COALESCE(b.return_date, ''), "                                                           \
	"CASE WHEN EXISTS (SELECT 1 FROM observation_stay o WHERE o.person_id = p.id "          \
	"AND o.ended_at IS NULL) THEN 1 ELSE 0 END, "                                             \
	"COALESCE(r.status, ''), COALESCE(r.config_version, 0) "                                  \
	"FROM person p "                                                                          \
	"LEFT JOIN return_batch_class bc ON bc.class_id = p.class_id "                           \
	"LEFT JOIN return_batch b ON b.id = bc.batch_id "                                         \
	"LEFT JOIN screen_result r ON r.person_id = p.id AND r.return_date = "                    \
	"(CASE WHEN ?3 = 0 OR p.kind = 'staff' THEN ?2 ELSE b.return_date END) "                  \
	"WHERE p.school_id = ?1 AND p." key " = ?4"

int store_gate_person(store *s, int64_t school_id, const char *ref, const char *day, gate_person *out,
		      jy_err *err)
{
	static const char by_number[] = GATE_PERSON_SQL("number");
	static const char by_card[] = GATE_PERSON_SQL("card_no");
	int plan = 0;
	char first[11];
	int64_t version = 0;
	int rc = gate_school(s, school_id, &plan, first, &version, err);
	if (rc)
		return rc;
	for (int pass = 0; pass < 2; pass++) {
		db_stmt *st = db_stmt_get(s->db, pass ? by_card : by_number, err);
		if (!st)
			return JY_EDB;
		/* Staff are judged against the first batch; everybody against
		 * the day itself without a plan. */
		db_bind_i64(st, 1, school_id);
		db_bind_text_static(st, 2, plan ? first : day);
		db_bind_i64(st, 3, plan);
		db_bind_text_static(st, 4, ref);
		rc = db_step(st, err);
		if (rc == 1) {
			out->id = db_col_i64(st, 0);
			out->class_id = db_col_i64(st, 1);
			COPY_COL(out->kind, st, 2);
			COPY_COL(out->number, st, 3);
			COPY_COL(out->name, st, 4);
			out->active = (int)db_col_i64(st, 5);
			out->plan = plan;
			if (!plan)
				out->return_date[0] = 0;
			else if (!strcmp(out->kind, "staff"))
				snprintf(out->return_date, sizeof out->return_date, "%s", first);
			else
				COPY_COL(out->return_date, st, 6);
			out->under_observation = (int)db_col_i64(st, 7);
			COPY_COL(out->status, st, 8);
			out->config_version = db_col_i64(st, 9);
			out->current_version = version;
		}
		db_done(st);
		if (rc < 0)
			return rc;
		if (rc == 1)
			return 0;
	}
	return err_set(err, JY_ENOENT, "查无此人 (no such person)");
}

#define GATE_READING_INSERT                                                                    \
	"INSERT INTO gate_reading (school_id, device_id, person_id, person_ref, temperature, at, "  \
	"date, decision, reason, ip, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"

int store_gate_reading_add(store *s, const gate_reading_rec *r, int64_t *id, jy_err *err)
{
	static const char returning[] = GATE_READING_INSERT " RETURNING id";
	static const char plain[] = GATE_READING_INSERT;
	int last_id = db_has_last_id(s->db); /* once per reading of the rush */
	db_stmt *st = db_stmt_get(s->db, last_id ? plain : returning, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, r->school_id);
	db_bind_i64(st, 2, r->device_id);
	bind_id(st, 3, r->person_id);
	db_bind_text_static(st, 4, r->person_ref);
	db_bind_double(st, 5, r->temperature);
	db_bind_i64(st, 6, r->at);
	db_bind_text_static(st, 7, r->date);
	db_bind_text_static(st, 8, r->decision);
	db_bind_text_static(st, 9, r->reason);
	db_bind_text_static(st, 10, r->ip);
	db_bind_i64(st, 11, r->received_at ? r->received_at : now_s());
	if (!last_id)
		return store_one_id(st, id, err);
	int rc = db_step(st, err);
	db_done(st);
	if (rc < 0)
		return rc;
	if (id)
		*id = db_last_id(s->db);
	return 0;
}

int store_gate_reading_last(store *s, int64_t person_id, int64_t since, int64_t until,
			    gate_reading_rec *out, jy_err *err)
{
	/* 37.3: GATE_FEVER_C, spelled as the partial index gate_reading_fever
	 * spells it (migration 017), or SQLite would not use the index. */
	static const char sql[] =
		"SELECT id, temperature, at, decision, date FROM gate_reading WHERE person_id = ? "
		"AND temperature >= 37.3 AND at >= ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, person_id);
	db_bind_i64(st, 2, since);
	db_bind_i64(st, 3, until);
	ONE_ROW(st, err,
		(out->id = db_col_i64(st, 0), out->person_id = person_id,
		 out->temperature = db_col_double(st, 1), out->at = db_col_i64(st, 2),
		 COPY_COL(out->decision, st, 3), COPY_COL(out->date, st, 4)),
		"没有读数 (no reading)");
}

/* Step a statement of the reading columns, one record per row. */
static int reading_walk(db_stmt *st, store_gate_reading_cb cb, void *ctx, jy_err *err)
{
	int rc;
	gate_reading_rec r;
	while ((rc = db_step(st, err)) == 1) {
		r.id = db_col_i64(st, 0);
		r.school_id = db_col_i64(st, 1);
		r.device_id = db_col_i64(st, 2);
		r.person_id = db_col_i64(st, 3);
		r.at = db_col_i64(st, 4);
		r.received_at = db_col_i64(st, 5);
		COPY_COL(r.person_ref, st, 6);
		r.temperature = db_col_double(st, 7);
		COPY_COL(r.date, st, 8);
		COPY_COL(r.decision, st, 9);
		COPY_COL(r.reason, st, 10);
		COPY_COL(r.gate, st, 11);
		COPY_COL(r.number, st, 12);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_gate_reading_list(store *s, int64_t school_id, const char *date,
			    store_gate_reading_cb cb, void *ctx, jy_err *err)
{
	static const char all[] =
		"SELECT r.id, r.school_id, r.device_id, COALESCE(r.person_id, 0), r.at, r.received_at, "
		"r.person_ref, r.temperature, r.date, r.decision, r.reason, d.gate, "
		"COALESCE(p.number, r.person_ref) FROM gate_reading r JOIN gate_device d ON d.id = r.device_id "
		"LEFT JOIN person p ON p.id = r.person_id WHERE r.school_id = ? ORDER BY r.at, r.id";
	static const char day[] =
		"SELECT r.id, r.school_id, r.device_id, COALESCE(r.person_id, 0), r.at, r.received_at, "
		"r.person_ref, r.temperature, r.date, r.decision, r.reason, d.gate, "
		"COALESCE(p.number, r.person_ref) FROM gate_reading r JOIN gate_device d ON d.id = r.device_id "
		"LEFT JOIN person p ON p.id = r.person_id WHERE r.school_id = ? AND r.date = ? "
		"ORDER BY r.at, r.id";
	db_stmt *st = db_stmt_get(s->db, date ? day : all, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	if (date)
		db_bind_text(st, 2, date);
	return reading_walk(st, cb, ctx, err);
}

int store_gate_reading_latest(store *s, int64_t school_id, const char *date, int64_t limit,
			      store_gate_reading_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT r.id, r.school_id, r.device_id, COALESCE(r.person_id, 0), r.at, r.received_at, "
		"r.person_ref, r.temperature, r.date, r.decision, r.reason, d.gate, "
		"COALESCE(p.number, r.person_ref) FROM gate_reading r JOIN gate_device d ON d.id = r.device_id "
		"LEFT JOIN person p ON p.id = r.person_id WHERE r.school_id = ? AND r.date = ? "
		"ORDER BY r.id DESC LIMIT ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, date);
	db_bind_i64(st, 3, limit);
	return reading_walk(st, cb, ctx, err);
}

int store_gate_day_counts(store *s, int64_t school_id, const char *date, int64_t *admit,
			  int64_t *recheck, int64_t *refuse, jy_err *err)
{
	static const char sql[] =
		"SELECT decision, COUNT(*) FROM gate_reading WHERE school_id = ? AND date = ? "
		"GROUP BY decision";
	*admit = *recheck = *refuse = 0;
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, date);
	int rc;
	while ((rc = db_step(st, err)) == 1) {
		const char *d = db_col_text(st, 0);
		int64_t n = db_col_i64(st, 1);
		if (!strcmp(d, "admit"))
			*admit = n;
		else if (!strcmp(d, "recheck"))
			*recheck = n;
		else if (!strcmp(d, "refuse"))
			*refuse = n;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_gate_person_days(store *s, int64_t school_id, const char *date, store_gate_day_cb cb,
			   void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT person_id, COALESCE(MAX(CASE WHEN decision = 'admit' THEN date END), ''), "
		"COALESCE(MAX(CASE WHEN decision = 'refuse' THEN date END), '') FROM gate_reading "
		"WHERE school_id = ? AND date <= ? AND person_id IS NOT NULL GROUP BY person_id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_text(st, 2, date);
	int rc;
	gate_day_rec r;
	while ((rc = db_step(st, err)) == 1) {
		r.person_id = db_col_i64(st, 0);
		COPY_COL(r.last_admit, st, 1);
		COPY_COL(r.last_refuse, st, 2);
		if (cb(ctx, &r))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- observation room ---- */

#define OBS_COLS                                                                               \
	"SELECT o.id, o.school_id, o.person_id, COALESCE(o.place_id, 0), COALESCE(o.reading_id, 0), " \
	"COALESCE(o.alert_id, 0), o.started_at, COALESCE(o.ended_at, 0), COALESCE(o.ended_by, 0), " \
	"o.reason, o.outcome, o.note, p.number, p.name, COALESCE(c.name, ''), "                  \
	"COALESCE(pl.name, '') FROM observation_stay o JOIN person p ON p.id = o.person_id "      \
	"LEFT JOIN class c ON c.id = p.class_id LEFT JOIN place pl ON pl.id = o.place_id "

static void obs_from_row(db_stmt *st, observation_rec *o)
{
	o->id = db_col_i64(st, 0);
	o->school_id = db_col_i64(st, 1);
	o->person_id = db_col_i64(st, 2);
	o->place_id = db_col_i64(st, 3);
	o->reading_id = db_col_i64(st, 4);
	o->alert_id = db_col_i64(st, 5);
	o->started_at = db_col_i64(st, 6);
	o->ended_at = db_col_i64(st, 7);
	o->ended_by = db_col_i64(st, 8);
	COPY_COL(o->reason, st, 9);
	COPY_COL(o->outcome, st, 10);
	COPY_COL(o->note, st, 11);
	COPY_COL(o->number, st, 12);
	COPY_COL(o->name, st, 13);
	COPY_COL(o->class_name, st, 14);
	COPY_COL(o->place, st, 15);
}

int store_observation_add(store *s, const observation_rec *o, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO observation_stay (school_id, person_id, place_id, reading_id, alert_id, "
		"reason, started_at) VALUES (?,?,?,?,?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, o->school_id);
	db_bind_i64(st, 2, o->person_id);
	bind_id(st, 3, o->place_id);
	bind_id(st, 4, o->reading_id);
	bind_id(st, 5, o->alert_id);
	db_bind_text(st, 6, o->reason);
	db_bind_i64(st, 7, o->started_at ? o->started_at : now_s());
	return store_one_id(st, id, err);
}

int store_observation_open_for(store *s, int64_t person_id, observation_rec *out, jy_err *err)
{
	static const char sql[] = OBS_COLS
		"WHERE o.person_id = ? AND o.ended_at IS NULL ORDER BY o.id DESC LIMIT 1";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, person_id);
	ONE_ROW(st, err, obs_from_row(st, out), "不在留观 (not under observation)");
}

int store_observation_get(store *s, int64_t id, observation_rec *out, jy_err *err)
{
	static const char sql[] = OBS_COLS "WHERE o.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	ONE_ROW(st, err, obs_from_row(st, out), "没有这条留观记录 (no such observation)");
}

int store_observation_end(store *s, int64_t id, const char *outcome, const char *note,
			  int64_t user_id, int64_t at, jy_err *err)
{
	static const char sql[] =
		"UPDATE observation_stay SET ended_at = ?, outcome = ?, note = ?, ended_by = ? "
		"WHERE id = ? AND ended_at IS NULL";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, at);
	db_bind_text(st, 2, outcome);
	db_bind_text(st, 3, note ? note : "");
	bind_id(st, 4, user_id);
	db_bind_i64(st, 5, id);
	return run(st, err);
}

int store_observation_list(store *s, int64_t school_id, int64_t from, int64_t to, int open_only,
			   store_observation_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = OBS_COLS
		"WHERE o.school_id = ? AND o.started_at >= ? AND o.started_at < ? "
		"AND (? = 0 OR o.ended_at IS NULL) ORDER BY o.started_at DESC, o.id DESC LIMIT 5000";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, from);
	db_bind_i64(st, 3, to);
	db_bind_i64(st, 4, open_only);
	int rc;
	observation_rec o;
	while ((rc = db_step(st, err)) == 1) {
		obs_from_row(st, &o);
		if (cb(ctx, &o))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- who cannot return ---- */

#define ABS_COLS                                                                               \
	"SELECT a.id, a.school_id, a.person_id, COALESCE(a.recorded_by, 0), a.created_at, "      \
	"a.updated_at, a.reason, a.detail, COALESCE(a.expected_date, ''), "                      \
	"COALESCE(a.returned_date, ''), p.number, p.name, COALESCE(c.name, ''), "                \
	"COALESCE(p.class_id, 0), COALESCE(t.id, 0), COALESCE(t.tutor_name, ''), "               \
	"COALESCE(t.sessions_planned, 0), "                                                      \
	"(SELECT COUNT(*) FROM tutoring_session ts WHERE ts.plan_id = t.id) "                   \
	"FROM return_absence a JOIN person p ON p.id = a.person_id "                             \
	"LEFT JOIN class c ON c.id = p.class_id LEFT JOIN tutoring_plan t ON t.absence_id = a.id "

static void absence_from_row(db_stmt *st, return_absence_rec *a)
{
	a->id = db_col_i64(st, 0);
	a->school_id = db_col_i64(st, 1);
	a->person_id = db_col_i64(st, 2);
	a->recorded_by = db_col_i64(st, 3);
	a->created_at = db_col_i64(st, 4);
	a->updated_at = db_col_i64(st, 5);
	COPY_COL(a->reason, st, 6);
	COPY_COL(a->detail, st, 7);
	COPY_COL(a->expected_date, st, 8);
	COPY_COL(a->returned_date, st, 9);
	COPY_COL(a->number, st, 10);
	COPY_COL(a->name, st, 11);
	COPY_COL(a->class_name, st, 12);
	a->class_id = db_col_i64(st, 13);
	a->plan_id = db_col_i64(st, 14);
	COPY_COL(a->tutor_name, st, 15);
	a->sessions_planned = (int)db_col_i64(st, 16);
	a->sessions_done = (int)db_col_i64(st, 17);
}

int store_return_absence_add(store *s, const return_absence_rec *a, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO return_absence (school_id, person_id, reason, detail, expected_date, "
		"returned_date, recorded_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, a->school_id);
	db_bind_i64(st, 2, a->person_id);
	db_bind_text(st, 3, a->reason);
	db_bind_text(st, 4, a->detail);
	bind_opt_text(st, 5, a->expected_date);
	bind_opt_text(st, 6, a->returned_date);
	bind_id(st, 7, a->recorded_by);
	db_bind_i64(st, 8, now_s());
	db_bind_i64(st, 9, now_s());
	return store_one_id(st, id, err);
}

int store_return_absence_update(store *s, const return_absence_rec *a, jy_err *err)
{
	static const char sql[] =
		"UPDATE return_absence SET reason = ?, detail = ?, expected_date = ?, returned_date = ?, "
		"updated_at = ? WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, a->reason);
	db_bind_text(st, 2, a->detail);
	bind_opt_text(st, 3, a->expected_date);
	bind_opt_text(st, 4, a->returned_date);
	db_bind_i64(st, 5, now_s());
	db_bind_i64(st, 6, a->id);
	return run(st, err);
}

int store_return_absence_get(store *s, int64_t id, return_absence_rec *out, jy_err *err)
{
	static const char sql[] = ABS_COLS "WHERE a.id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	ONE_ROW(st, err, absence_from_row(st, out), "没有这条记录 (no such record)");
}

int store_return_absence_open_for(store *s, int64_t person_id, return_absence_rec *out, jy_err *err)
{
	static const char sql[] = ABS_COLS
		"WHERE a.person_id = ? AND a.returned_date IS NULL ORDER BY a.id DESC LIMIT 1";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, person_id);
	ONE_ROW(st, err, absence_from_row(st, out), "没有未返校记录 (no open record)");
}

int store_return_absence_list(store *s, int64_t school_id, int64_t class_id, int open_only,
			      store_return_absence_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = ABS_COLS
		"WHERE a.school_id = ? AND (? = 0 OR p.class_id = ?) "
		"AND (? = 0 OR a.returned_date IS NULL) ORDER BY c.name, p.number, a.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, class_id);
	db_bind_i64(st, 3, class_id);
	db_bind_i64(st, 4, open_only);
	int rc;
	return_absence_rec a;
	while ((rc = db_step(st, err)) == 1) {
		absence_from_row(st, &a);
		if (cb(ctx, &a))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- tutoring ---- */

#define PLAN_COLS                                                                              \
	"SELECT id, school_id, absence_id, COALESCE(tutor_id, 0), COALESCE(updated_by, 0), "     \
	"updated_at, tutor_name, plan, sessions_planned FROM tutoring_plan "

static void plan_from_row(db_stmt *st, tutoring_plan_rec *p)
{
	p->id = db_col_i64(st, 0);
	p->school_id = db_col_i64(st, 1);
	p->absence_id = db_col_i64(st, 2);
	p->tutor_id = db_col_i64(st, 3);
	p->updated_by = db_col_i64(st, 4);
	p->updated_at = db_col_i64(st, 5);
	COPY_COL(p->tutor_name, st, 6);
	COPY_COL(p->plan, st, 7);
	p->sessions_planned = (int)db_col_i64(st, 8);
}

int store_tutoring_plan_put(store *s, const tutoring_plan_rec *p, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO tutoring_plan (school_id, absence_id, tutor_id, tutor_name, plan, "
		"sessions_planned, updated_by, updated_at) VALUES (?,?,?,?,?,?,?,?) "
		ON_CONFLICT_SCHOOL("absence_id") "DO UPDATE SET tutor_id = excluded.tutor_id, "
		"tutor_name = excluded.tutor_name, plan = excluded.plan, "
		"sessions_planned = excluded.sessions_planned, updated_by = excluded.updated_by, "
		"updated_at = excluded.updated_at RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, p->school_id);
	db_bind_i64(st, 2, p->absence_id);
	bind_id(st, 3, p->tutor_id);
	db_bind_text(st, 4, p->tutor_name);
	db_bind_text(st, 5, p->plan);
	db_bind_i64(st, 6, p->sessions_planned);
	bind_id(st, 7, p->updated_by);
	db_bind_i64(st, 8, now_s());
	return store_one_id(st, id, err);
}

int store_tutoring_plan_get(store *s, int64_t id, tutoring_plan_rec *out, jy_err *err)
{
	static const char sql[] = PLAN_COLS "WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, id);
	ONE_ROW(st, err, plan_from_row(st, out), "没有这个辅导计划 (no such tutoring plan)");
}

int store_tutoring_plan_for(store *s, int64_t absence_id, tutoring_plan_rec *out, jy_err *err)
{
	static const char sql[] = PLAN_COLS "WHERE absence_id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, absence_id);
	ONE_ROW(st, err, plan_from_row(st, out), "尚无辅导计划 (no tutoring plan yet)");
}

int store_tutoring_session_add(store *s, const tutoring_session_rec *t, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO tutoring_session (school_id, plan_id, date, minutes, topic, progress, "
		"recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, t->school_id);
	db_bind_i64(st, 2, t->plan_id);
	db_bind_text(st, 3, t->date);
	db_bind_i64(st, 4, t->minutes);
	db_bind_text(st, 5, t->topic);
	db_bind_text(st, 6, t->progress);
	bind_id(st, 7, t->recorded_by);
	db_bind_i64(st, 8, now_s());
	return store_one_id(st, id, err);
}

int store_tutoring_session_list(store *s, int64_t plan_id, store_tutoring_session_cb cb, void *ctx,
				jy_err *err)
{
	static const char sql[] =
		"SELECT id, school_id, plan_id, COALESCE(recorded_by, 0), recorded_at, date, minutes, "
		"topic, progress FROM tutoring_session WHERE plan_id = ? ORDER BY date, id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, plan_id);
	int rc;
	tutoring_session_rec t;
	while ((rc = db_step(st, err)) == 1) {
		t.id = db_col_i64(st, 0);
		t.school_id = db_col_i64(st, 1);
		t.plan_id = db_col_i64(st, 2);
		t.recorded_by = db_col_i64(st, 3);
		t.recorded_at = db_col_i64(st, 4);
		COPY_COL(t.date, st, 5);
		t.minutes = (int)db_col_i64(st, 6);
		COPY_COL(t.topic, st, 7);
		COPY_COL(t.progress, st, 8);
		if (cb(ctx, &t))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- key groups ---- */

int store_key_carer_put(store *s, const key_carer_rec *k, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO key_group_carer (person_id, group_code, school_id, carer_id, note, "
		"assigned_by, assigned_at) VALUES (?,?,?,?,?,?,?) "
		ON_CONFLICT_SCHOOL("person_id, group_code") "DO UPDATE SET carer_id = excluded.carer_id, "
		"note = excluded.note, assigned_by = excluded.assigned_by, "
		"assigned_at = excluded.assigned_at";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, k->person_id);
	db_bind_text(st, 2, k->group_code);
	db_bind_i64(st, 3, k->school_id);
	db_bind_i64(st, 4, k->carer_id);
	db_bind_text(st, 5, k->note);
	bind_id(st, 6, k->assigned_by);
	db_bind_i64(st, 7, now_s());
	return run(st, err);
}

int store_key_carer_list(store *s, int64_t school_id, int64_t class_id, store_key_carer_cb cb,
			 void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT p.id, g.code, g.name_zh, p.number, p.name, COALESCE(c.name, ''), "
		"COALESCE(p.class_id, 0), COALESCE(k.carer_id, 0), COALESCE(cp.number, ''), "
		"COALESCE(cp.name, ''), COALESCE(k.note, ''), COALESCE(k.assigned_at, 0), "
		"COALESCE(k.assigned_by, 0) FROM person p "
		"JOIN key_group g ON (',' || p.flags || ',') LIKE ('%,' || g.code || ',%') "
		"LEFT JOIN class c ON c.id = p.class_id "
		"LEFT JOIN key_group_carer k ON k.person_id = p.id AND k.group_code = g.code "
		"LEFT JOIN person cp ON cp.id = k.carer_id "
		"WHERE p.school_id = ? AND p.active = 1 AND p.flags <> '' AND (? = 0 OR p.class_id = ?) "
		"ORDER BY g.code, c.name, p.number";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, class_id);
	db_bind_i64(st, 3, class_id);
	int rc;
	key_carer_rec k;
	while ((rc = db_step(st, err)) == 1) {
		memset(&k, 0, sizeof k);
		k.school_id = school_id;
		k.person_id = db_col_i64(st, 0);
		COPY_COL(k.group_code, st, 1);
		COPY_COL(k.group_zh, st, 2);
		COPY_COL(k.number, st, 3);
		COPY_COL(k.name, st, 4);
		COPY_COL(k.class_name, st, 5);
		k.class_id = db_col_i64(st, 6);
		k.carer_id = db_col_i64(st, 7);
		COPY_COL(k.carer_number, st, 8);
		COPY_COL(k.carer_name, st, 9);
		COPY_COL(k.note, st, 10);
		k.assigned_at = db_col_i64(st, 11);
		k.assigned_by = db_col_i64(st, 12);
		if (cb(ctx, &k))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- overview ---- */

int store_return_people(store *s, int64_t school_id, store_return_person_cb cb, void *ctx,
			jy_err *err)
{
	static const char sql[] =
		"SELECT p.id, COALESCE(p.class_id, 0), COALESCE(b.id, 0), p.kind, p.number, p.name, "
		"COALESCE(c.name, ''), COALESCE(b.name, ''), COALESCE(b.return_date, ''), "
		"CASE WHEN EXISTS (SELECT 1 FROM declaration d WHERE d.person_id = p.id) THEN 1 ELSE 0 END, "
		"COALESCE((SELECT a.reason FROM return_absence a WHERE a.person_id = p.id "
		"AND a.returned_date IS NULL ORDER BY a.id DESC LIMIT 1), '') "
		"FROM person p LEFT JOIN class c ON c.id = p.class_id "
		"LEFT JOIN return_batch_class bc ON bc.class_id = p.class_id "
		"LEFT JOIN return_batch b ON b.id = bc.batch_id "
		"WHERE p.school_id = ? AND p.active = 1 ORDER BY c.name, p.number";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc;
	return_person p;
	while ((rc = db_step(st, err)) == 1) {
		p.id = db_col_i64(st, 0);
		p.class_id = db_col_i64(st, 1);
		p.batch_id = db_col_i64(st, 2);
		COPY_COL(p.kind, st, 3);
		COPY_COL(p.number, st, 4);
		COPY_COL(p.name, st, 5);
		COPY_COL(p.class_name, st, 6);
		COPY_COL(p.batch, st, 7);
		COPY_COL(p.return_date, st, 8);
		p.declared = (int)db_col_i64(st, 9);
		COPY_COL(p.open_absence, st, 10);
		if (cb(ctx, &p))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_screen_people(store *s, int64_t school_id, store_screen_class_cb class_cb,
			store_screen_person_cb person_cb, void *ctx, jy_err *err)
{
	static const char classes[] =
		"SELECT c.id, c.name, COALESCE(b.return_date, '') FROM class c "
		"LEFT JOIN return_batch_class bc ON bc.class_id = c.id "
		"LEFT JOIN return_batch b ON b.id = bc.batch_id WHERE c.school_id = ?";
	static const char people[] =
		"SELECT id, kind, number, name, COALESCE(class_id, 0) FROM person "
		"WHERE school_id = ? AND active = 1";
	db_stmt *st = db_stmt_get(s->db, classes, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	int rc, stop = 0;
	while (!stop && (rc = db_step(st, err)) == 1) {
		screen_class_row c = { db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2) };
		stop = class_cb(ctx, &c);
	}
	db_done(st);
	if (rc < 0 || stop)
		return rc < 0 ? rc : 0;
	if (!(st = db_stmt_get(s->db, people, err)))
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	while ((rc = db_step(st, err)) == 1) {
		screen_person_row p = { db_col_i64(st, 0), db_col_i64(st, 4), db_col_text(st, 1),
					db_col_text(st, 2), db_col_text(st, 3) };
		if (person_cb(ctx, &p))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_gate_rule_id(store *s, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"SELECT id FROM cluster_rule WHERE code = 'gate_refused' AND school_id IS NULL "
		"ORDER BY id LIMIT 1";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	return store_one_id(st, id, err);
}
