/*
 * digest.c — the declaration digest (see digest.h).
 *
 * A digest is text (both backends store it as TEXT), one entry per
 * declaration (migration 015's format; 013's spelled every field out):
 *
 *   kind   'h' health, 's' stay, 'c' contact, else 'k' and a field
 *   from   a date as its 10 bytes when it is YYYY-MM-DD, else '~' and a field
 *   to     '=' when it is the same text as from, else as from
 *   region, symptoms   '|' when empty, else a field
 *   temperature   '-' when not given, else its 64 bits in hex without the
 *          trailing zeros (36.5 is "40424": exact both ways, no strtod)
 *   ';'
 *
 * A field is "len:bytes|": the length makes any byte safe, and the '|' is
 * where the reader puts the field's NUL.  A day's health report takes ~20
 * bytes instead of ~60, so a school's digests are a third of the size to
 * read and to parse.
 */
#include "store/digest.h"

#include <stdlib.h>

#include "store/store_int.h"

typedef struct text_buf {
	char *p;
	size_t n, cap;
	int failed;
} text_buf;

static void tb_put(text_buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *g = realloc(b->p, cap);
		if (!g) {
			b->failed = 1;
			return;
		}
		b->p = g;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void tb_field(text_buf *b, const char *s)
{
	char num[24];
	size_t n = strlen(s);
	tb_put(b, num, (size_t)snprintf(num, sizeof num, "%zu:", n));
	tb_put(b, s, n);
	tb_put(b, "|", 1);
}

static int is_date_text(const char *s)
{
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return 0;
	return s[10] == 0;
}

static void tb_date(text_buf *b, const char *s)
{
	if (is_date_text(s)) {
		tb_put(b, s, 10);
	} else {
		tb_put(b, "~", 1);
		tb_field(b, s);
	}
}

static void tb_text(text_buf *b, const char *s)
{
	if (*s)
		tb_field(b, s);
	else
		tb_put(b, "|", 1);
}

/* Append the declaration of the row: columns kind, date_from, date_to,
 * region, symptoms, temperature from col on. */
static void tb_fact(text_buf *b, db_stmt *st, int col)
{
	const char *kind = db_col_text(st, col);
	if (!strcmp(kind, "health") || !strcmp(kind, "stay") || !strcmp(kind, "contact")) {
		tb_put(b, kind, 1);
	} else {
		tb_put(b, "k", 1);
		tb_field(b, kind);
	}
	const char *from = db_col_text(st, col + 1);
	tb_date(b, from);
	const char *to = db_col_text(st, col + 2);
	if (!strcmp(to, from))
		tb_put(b, "=", 1);
	else
		tb_date(b, to);
	tb_text(b, db_col_text(st, col + 3));
	tb_text(b, db_col_text(st, col + 4));
	if (db_col_is_null(st, col + 5)) {
		tb_put(b, "-;", 2);
		return;
	}
	double t = db_col_double(st, col + 5);
	uint64_t bits;
	memcpy(&bits, &t, sizeof bits);
	char hex[17];
	int n = 16;
	for (int i = 15; i >= 0; i--, bits >>= 4)
		hex[i] = "0123456789abcdef"[bits & 15];
	while (n > 1 && hex[n - 1] == '0')
		n--;
	hex[n] = ';';
	tb_put(b, hex, (size_t)n + 1);
}

static int digest_put(store *s, int64_t school_id, int64_t person_id, const text_buf *b, jy_err *err)
{
	static const char del[] = "DELETE FROM declaration_digest WHERE school_id = ? AND person_id = ?";
	static const char put[] =
		"INSERT INTO declaration_digest (school_id, person_id, facts) VALUES (?,?,?) "
		"ON CONFLICT (school_id, person_id) DO UPDATE SET facts = excluded.facts";
	db_stmt *st = db_stmt_get(s->db, b->n ? put : del, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, person_id);
	if (b->n)
		db_bind_text(st, 3, b->p);
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int store_digest_person(store *s, int64_t school_id, int64_t person_id, jy_err *err)
{
	static const char sql[] =
		"SELECT kind, date_from, date_to, region, symptoms, temperature FROM declaration "
		"WHERE school_id = ? AND person_id = ? "
		"ORDER BY date_to, kind, date_from, temperature, symptoms, region";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	db_bind_i64(st, 1, school_id);
	db_bind_i64(st, 2, person_id);
	text_buf b = { 0 };
	int rc;
	while ((rc = db_step(st, err)) == 1)
		tb_fact(&b, st, 0);
	db_done(st);
	if (!rc && b.failed)
		rc = err_set(err, JY_ENOMEM, "out of memory");
	if (!rc)
		rc = digest_put(s, school_id, person_id, &b, err);
	free(b.p);
	return rc < 0 ? rc : 0;
}

int store_digest_invalidate(store *s, jy_err *err)
{
	return db_exec(s->db, "UPDATE declaration_digest_state SET complete = 0", err);
}

static int digest_rebuild(store *s, jy_err *err)
{
	static const char sql[] =
		"SELECT school_id, person_id, kind, date_from, date_to, region, symptoms, temperature "
		"FROM declaration ORDER BY school_id, person_id, date_to, kind, date_from, temperature, "
		"symptoms, region";
	int rc = db_exec(s->db, "DELETE FROM declaration_digest", err);
	db_stmt *st = rc ? NULL : db_stmt_get(s->db, sql, err);
	if (!st)
		return rc ? rc : JY_EDB;
	text_buf b = { 0 };
	int64_t school = 0, person = 0;
	while ((rc = db_step(st, err)) == 1) {
		int64_t sc = db_col_i64(st, 0), p = db_col_i64(st, 1);
		if (b.n && (sc != school || p != person)) {
			if ((rc = digest_put(s, school, person, &b, err)))
				break;
			b.n = 0;
		}
		school = sc, person = p;
		tb_fact(&b, st, 2);
		if (b.failed) {
			rc = err_set(err, JY_ENOMEM, "out of memory");
			break;
		}
	}
	db_done(st);
	if (!rc && b.n)
		rc = digest_put(s, school, person, &b, err);
	free(b.p);
	if (!rc)
		rc = db_exec(s->db, "UPDATE declaration_digest_state SET complete = 1", err);
	return rc < 0 ? rc : 0;
}

int store_digest_ensure(store *s, jy_err *err)
{
	static const char sql[] = "SELECT complete FROM declaration_digest_state";
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int rc = db_step(st, err);
	int complete = rc == 1 && db_col_i64(st, 0);
	db_done(st);
	if (rc < 0)
		return rc;
	if (complete)
		return 0;
	if ((rc = db_begin(s->db, err)))
		return rc;
	rc = digest_rebuild(s, err);
	if (rc) {
		db_rollback(s->db);
		return rc;
	}
	return db_commit(s->db, err);
}

/* One field "len:bytes|" at *p (inside [*p, end)), NUL-terminated in place. */
static const char *field(char **p, char *end)
{
	char *e = *p;
	size_t n = 0;
	while (e < end && *e >= '0' && *e <= '9' && n < ((size_t)1 << 40))
		n = n * 10 + (size_t)(*e++ - '0');
	if (e == *p || e >= end || *e != ':' || n >= (size_t)(end - e) - 1 || e[1 + n] != '|')
		return NULL;
	char *f = e + 1;
	f[n] = 0;
	*p = f + n + 1;
	return f;
}

/* A date at *p: its 10 bytes copied into buf, or '~' and a field. */
static const char *date_at(char **p, char *end, char buf[11])
{
	if (*p < end && **p == '~') {
		++*p;
		return field(p, end);
	}
	if (end - *p < 10)
		return NULL;
	memcpy(buf, *p, 10);
	buf[10] = 0;
	*p += 10;
	return buf;
}

/* Region or symptoms at *p: '|' is empty, else a field. */
static const char *text_at(char **p, char *end)
{
	if (*p < end && **p == '|') {
		++*p;
		return "";
	}
	return field(p, end);
}

/* Hand the facts of one digest (a mutable copy of len bytes) to cb. */
static int digest_walk(int64_t person_id, char *text, size_t len, const char *since,
		       store_fact_cb cb, void *ctx, int *stop, jy_err *err)
{
	char *p = text, *end = text + len;
	char from_buf[11], to_buf[11];
	declaration_fact f;
	f.person_id = person_id;
	while (p < end) {
		char k = *p++;
		f.kind = k == 'h' ? "health" : k == 's' ? "stay" : k == 'c' ? "contact" : k == 'k' ? field(&p, end) : NULL;
		if (!f.kind || !(f.date_from = date_at(&p, end, from_buf)))
			goto bad;
		if (p < end && *p == '=') {
			p++;
			f.date_to = f.date_from;
		} else if (!(f.date_to = date_at(&p, end, to_buf))) {
			goto bad;
		}
		if (!(f.region = text_at(&p, end)) || !(f.symptoms = text_at(&p, end)))
			goto bad;
		if (p < end && *p == '-') {
			f.temperature = -1;
			p++;
		} else {
			uint64_t bits = 0;
			int n = 0;
			for (; p < end && *p != ';' && n < 16; p++, n++) {
				char c = *p;
				int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
				if (v < 0)
					goto bad;
				bits = bits << 4 | (uint64_t)v;
			}
			if (!n)
				goto bad;
			bits <<= 4 * (16 - n);
			memcpy(&f.temperature, &bits, sizeof bits);
		}
		if (p >= end || *p++ != ';')
			goto bad;
		if (strcmp(f.date_to, since) < 0)
			continue;
		if (cb(ctx, &f)) {
			*stop = 1;
			return 0;
		}
	}
	return 0;
bad:
	return err_set(err, JY_EDB, "申报摘要损坏 (declaration digest of person %lld is damaged)",
		       (long long)person_id);
}

int store_declaration_digests(store *s, int64_t school_id, const char *since, store_fact_cb cb,
			      void *ctx, jy_err *err)
{
	static const char sql[] =
		"SELECT person_id, facts FROM declaration_digest WHERE school_id = ? ORDER BY person_id";
	int rc = store_digest_ensure(s, err);
	db_stmt *st = rc ? NULL : db_stmt_get(s->db, sql, err);
	if (!st)
		return rc ? rc : JY_EDB;
	db_bind_i64(st, 1, school_id);
	text_buf b = { 0 };
	int stop = 0;
	while (!stop && (rc = db_step(st, err)) == 1) {
		int64_t person = db_col_i64(st, 0);
		const char *t = db_col_text(st, 1);
		b.n = 0;
		tb_put(&b, t, strlen(t));
		if (b.failed) {
			rc = err_set(err, JY_ENOMEM, "out of memory");
			break;
		}
		if ((rc = digest_walk(person, b.p, b.n, since, cb, ctx, &stop, err)))
			break;
	}
	db_done(st);
	free(b.p);
	return rc < 0 ? rc : 0;
}
