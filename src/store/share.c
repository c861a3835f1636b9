/*
 * share.c — see share.h.  All SQL of jurisdiction sharing.
 *
 * The contacts query reads only the columns that may cross to a partner
 * (identity and exposure): the allow-list starts here, at the SELECT, so
 * that nothing else about the person is even in memory when a message is
 * built.  The log is append-only (triggers in 010_share.sql).
 */
#include "store/share.h"

#include "store/store_int.h"

int store_share_key_get(store *s, share_key_rec *out, jy_err *err)
{
	static const char sql[] =
		"SELECT name, public_key, secret_key, created_at FROM share_key WHERE id = 1";
	memset(out, 0, sizeof *out);
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int rc = db_step(st, err);
	if (rc == 1) {
		COPY_COL(out->name, st, 0);
		COPY_COL(out->public_key, st, 1);
		COPY_COL(out->secret_key, st, 2);
		out->created_at = db_col_i64(st, 3);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT,
			     "尚未生成共享密钥，先运行 jinyun share keygen (no sharing key: run jinyun share keygen)");
	}
	db_done(st);
	return rc;
}

int store_share_key_set(store *s, const share_key_rec *k, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO share_key (id, name, public_key, secret_key, created_at) VALUES (1,?,?,?,?) "
		"ON CONFLICT (id) DO UPDATE SET name = excluded.name, public_key = excluded.public_key, "
		"secret_key = excluded.secret_key, created_at = excluded.created_at";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, k->name);
	db_bind_text(st, 2, k->public_key);
	db_bind_text(st, 3, k->secret_key);
	db_bind_i64(st, 4, k->created_at ? k->created_at : now_s());
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_share_partner_save(store *s, const share_partner_rec *p, int64_t *id, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO share_partner (name, url, public_key, allow, ca_file, enabled, created_at, "
		"updated_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (name) DO UPDATE SET "
		"url = excluded.url, public_key = excluded.public_key, allow = excluded.allow, "
		"ca_file = excluded.ca_file, enabled = excluded.enabled, updated_at = excluded.updated_at "
		"RETURNING id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int64_t now = now_s();
	db_bind_text(st, 1, p->name);
	db_bind_text(st, 2, p->url);
	db_bind_text(st, 3, p->public_key);
	db_bind_text(st, 4, p->allow);
	db_bind_text(st, 5, p->ca_file);
	db_bind_i64(st, 6, p->enabled);
	db_bind_i64(st, 7, now);
	db_bind_i64(st, 8, now);
	return store_one_id(st, id, err);
}

#define PARTNER_COLS "id, name, url, public_key, allow, ca_file, enabled, created_at, updated_at"

static void read_partner(db_stmt *st, share_partner_rec *p)
{
	p->id = db_col_i64(st, 0);
	COPY_COL(p->name, st, 1);
	COPY_COL(p->url, st, 2);
	COPY_COL(p->public_key, st, 3);
	COPY_COL(p->allow, st, 4);
	COPY_COL(p->ca_file, st, 5);
	p->enabled = (int)db_col_i64(st, 6);
	p->created_at = db_col_i64(st, 7);
	p->updated_at = db_col_i64(st, 8);
}

static int partner_one(store *s, const char *sql, const char *key, share_partner_rec *out,
		       jy_err *err)
{
	memset(out, 0, sizeof *out);
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, key);
	int rc = db_step(st, err);
	if (rc == 1) {
		read_partner(st, out);
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这个共享伙伴 (no such partner)");
	}
	db_done(st);
	return rc;
}

int store_share_partner_find(store *s, const char *name, share_partner_rec *out, jy_err *err)
{
	static const char sql[] = "SELECT " PARTNER_COLS " FROM share_partner WHERE name = ?";
	return partner_one(s, sql, name, out, err);
}

int store_share_partner_by_key(store *s, const char *public_key, share_partner_rec *out,
			       jy_err *err)
{
	static const char sql[] = "SELECT " PARTNER_COLS " FROM share_partner WHERE public_key = ?";
	return partner_one(s, sql, public_key, out, err);
}

int store_share_partner_list(store *s, store_share_partner_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = "SELECT " PARTNER_COLS " FROM share_partner ORDER BY name";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int rc;
	share_partner_rec p;
	while ((rc = db_step(st, err)) == 1) {
		read_partner(st, &p);
		if (cb(ctx, &p))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_share_log_add(store *s, const share_log_rec *l, jy_err *err)
{
	static const char sql[] =
		"INSERT INTO share_log (at, direction, partner_id, partner, kind, msg_id, digest, bytes, "
		"items, status, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?)";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, l->at ? l->at : now_s());
	db_bind_text(st, 2, l->direction);
	bind_id(st, 3, l->partner_id);
	db_bind_text(st, 4, l->partner);
	db_bind_text(st, 5, l->kind);
	db_bind_text(st, 6, l->msg_id);
	db_bind_text(st, 7, l->digest);
	db_bind_i64(st, 8, l->bytes);
	db_bind_i64(st, 9, l->items);
	db_bind_text(st, 10, l->status);
	db_bind_text(st, 11, l->detail);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_share_log_list(store *s, int64_t before, int64_t limit, store_share_log_cb cb,
			 void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT id, at, COALESCE(partner_id, 0), direction, partner, kind, msg_id, digest, "
		"bytes, items, status, detail FROM share_log WHERE (? = 0 OR id < ?) "
		"ORDER BY id DESC LIMIT ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, before);
	db_bind_i64(st, 2, before);
	db_bind_i64(st, 3, limit > 0 ? limit : 100);
	int rc;
	share_log_rec l;
	while ((rc = db_step(st, err)) == 1) {
		memset(&l, 0, sizeof l);
		l.id = db_col_i64(st, 0);
		l.at = db_col_i64(st, 1);
		l.partner_id = db_col_i64(st, 2);
		COPY_COL(l.direction, st, 3);
		COPY_COL(l.partner, st, 4);
		COPY_COL(l.kind, st, 5);
		COPY_COL(l.msg_id, st, 6);
		COPY_COL(l.digest, st, 7);
		l.bytes = db_col_i64(st, 8);
		l.items = (int)db_col_i64(st, 9);
		COPY_COL(l.status, st, 10);
		COPY_COL(l.detail, st, 11);
		if (cb(ctx, &l))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_share_inbox_add(store *s, int64_t partner_id, const char *msg_id, const char *kind,
			  const char *date, const char *payload, int64_t at, int *duplicate,
			  jy_err *err)
{
	static const char sql[] =
		"INSERT INTO share_inbox (partner_id, msg_id, kind, date, payload, received_at) "
		"VALUES (?,?,?,?,?,?) ON CONFLICT (partner_id, msg_id) DO NOTHING";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, partner_id);
	db_bind_text(st, 2, msg_id);
	db_bind_text(st, 3, kind);
	db_bind_text(st, 4, date);
	db_bind_text(st, 5, payload);
	db_bind_i64(st, 6, at ? at : now_s());
	int rc = db_step(st, err);
	db_done(st);
	if (rc < 0)
		return rc;
	if (duplicate)
		*duplicate = db_changes(s->db) == 0;
	return 0;
}

int store_share_inbox_list(store *s, const char *kind, const char *date, int64_t limit,
			   store_share_inbox_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT i.id, i.partner_id, i.received_at, p.name, i.msg_id, i.kind, i.date, i.payload "
		"FROM share_inbox i JOIN share_partner p ON p.id = i.partner_id "
		"WHERE (? = '' OR i.kind = ?) AND (? = '' OR i.date = ?) ORDER BY i.id DESC LIMIT ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, kind ? kind : "");
	db_bind_text(st, 2, kind ? kind : "");
	db_bind_text(st, 3, date ? date : "");
	db_bind_text(st, 4, date ? date : "");
	db_bind_i64(st, 5, limit > 0 ? limit : 100);
	int rc;
	share_inbox_rec m;
	while ((rc = db_step(st, err)) == 1) {
		memset(&m, 0, sizeof m);
		m.id = db_col_i64(st, 0);
		m.partner_id = db_col_i64(st, 1);
		m.received_at = db_col_i64(st, 2);
		COPY_COL(m.partner, st, 3);
		COPY_COL(m.msg_id, st, 4);
		COPY_COL(m.kind, st, 5);
		COPY_COL(m.date, st, 6);
		m.payload = db_col_text(st, 7);
		if (cb(ctx, &m))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_share_schools(store *s, store_school_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] = "SELECT id, code, name FROM school ORDER BY id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int rc;
	school_rec sc;
	while ((rc = db_step(st, err)) == 1) {
		sc.id = db_col_i64(st, 0);
		COPY_COL(sc.code, st, 1);
		COPY_COL(sc.name, st, 2);
		if (cb(ctx, &sc))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_share_contacts_pending(store *s, int64_t partner_id, const char *jurisdiction,
				 store_share_contact_cb cb, void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT f.id, p.name, p.gender, p.phone, p.guardian_phone, p.home_jurisdiction, c.code, "
		"f.hop, f.exposure_s, COALESCE(f.first_contact, 0), f.places, f.start_date, f.end_date, "
		"f.status FROM contact_followup f JOIN person p ON p.id = f.person_id "
		"JOIN case_record c ON c.id = f.case_id WHERE p.home_jurisdiction = ? AND NOT EXISTS "
		"(SELECT 1 FROM share_contact_sent x WHERE x.partner_id = ? AND x.followup_id = f.id) "
		"ORDER BY f.id";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, jurisdiction);
	db_bind_i64(st, 2, partner_id);
	int rc;
	share_contact_rec c;
	while ((rc = db_step(st, err)) == 1) {
		memset(&c, 0, sizeof c);
		c.followup_id = db_col_i64(st, 0);
		COPY_COL(c.name, st, 1);
		COPY_COL(c.gender, st, 2);
		COPY_COL(c.phone, st, 3);
		COPY_COL(c.guardian_phone, st, 4);
		COPY_COL(c.jurisdiction, st, 5);
		COPY_COL(c.disease, st, 6);
		c.hop = (int)db_col_i64(st, 7);
		c.exposure_s = db_col_i64(st, 8);
		c.first_contact = db_col_i64(st, 9);
		COPY_COL(c.places, st, 10);
		COPY_COL(c.monitor_from, st, 11);
		COPY_COL(c.monitor_to, st, 12);
		COPY_COL(c.status, st, 13);
		if (cb(ctx, &c))
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_share_contact_mark(store *s, int64_t partner_id, int64_t followup_id, int64_t at,
			     jy_err *err)
{
	/* The row carries the follow-up's school (migration 016). */
	static const char sql[] =
		"INSERT INTO share_contact_sent (partner_id, followup_id, school_id, sent_at) "
		"SELECT ?, id, school_id, ? FROM contact_followup WHERE id = ?"
		ON_CONFLICT_SCHOOL("partner_id, followup_id") "DO NOTHING";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, partner_id);
	db_bind_i64(st, 2, at ? at : now_s());
	db_bind_i64(st, 3, followup_id);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_person_jurisdiction_set(store *s, int64_t person_id, const char *jurisdiction,
				  jy_err *err)
{
	static const char sql[] =
		"UPDATE person SET home_jurisdiction = ?, updated_at = ? WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_text(st, 1, jurisdiction ? jurisdiction : "");
	db_bind_i64(st, 2, now_s());
	db_bind_i64(st, 3, person_id);
	int rc = db_step(st, err);
	db_done(st);
	if (rc < 0)
		return rc;
	return db_changes(s->db) ? 0 : err_set(err, JY_ENOENT, "没有这个人 (no such person)");
}

int store_person_jurisdiction_get(store *s, int64_t person_id, char *out, size_t size,
				  jy_err *err)
{
	static const char sql[] = "SELECT home_jurisdiction FROM person WHERE id = ?";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, person_id);
	int rc = db_step(st, err);
	if (rc == 1) {
		snprintf(out, size, "%s", db_col_text(st, 0));
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(err, JY_ENOENT, "没有这个人 (no such person)");
	}
	db_done(st);
	return rc;
}
