/*
 * postgres.c — the PostgreSQL backend of db.h (libpq; a district's
 * database).  Selected by db_open for postgresql:// and postgres:// URLs.
 *
 * The store's SQL is written once for both backends.  Here it is adapted:
 * '?' and '?N' placeholders become '$N' (outside string literals, quoted
 * names and comments), dialect blocks are resolved (db_query_text), and each
 * statement is prepared on the server once per handle, named jyN.
 *
 * Parameter types.  PostgreSQL must know the type of every parameter when a
 * statement is prepared ("$1 IS NULL" alone does not tell it), while the
 * store binds values the SQLite way, by C type.  So a statement is prepared
 * at its first execution, declaring the types of that execution's binds
 * (int64 → bigint, double → double precision, text → text) and leaving a
 * NULL's type to the server.  Should the server not be able to infer it,
 * the NULLs are tried as bigint, text and double precision in turn (inside
 * a transaction under a savepoint, since a failed prepare would abort it).
 * Values are sent as text; the server converts them to the declared types.
 *
 * Results are read as text: integers with strtoll, doubles with strtod, and
 * booleans ('t'/'f', e.g. from "a = b" in a select list) as 1 and 0, as
 * SQLite would give them.
 *
 * Pipelining.  Inside a transaction, a statement that returns no rows (an
 * INSERT, UPDATE or DELETE without RETURNING) is not waited for: it is
 * queued in libpq's pipeline mode, and the queue is synchronised when it
 * holds PIPE_MAX statements, before any statement that returns rows, when
 * db_changes() is asked, and at commit.  An import of many rows thus costs
 * one round trip per PIPE_MAX rows, not one per row.  An error of a queued
 * statement is reported by the call that synchronises (with PostgreSQL's
 * detail, which names the offending key), and the transaction is rolled
 * back as usual.
 *
 * Transactions are READ COMMITTED, PostgreSQL's default.
 */
#include "store/db_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#define STMT_SLOTS 256 /* power of two; more distinct statements than the store has */
#define PIPE_MAX 1000  /* queued statements between synchronisations */

enum { OID_INT8 = 20, OID_TEXT = 25, OID_FLOAT8 = 701 };

typedef struct pg_stmt {
	db_stmt base;
	char *sql;	    /* with $N placeholders */
	int nparams;
	int returns_rows;   /* not an INSERT/UPDATE/DELETE without RETURNING */
	int prepared;
	char name[16];
	char table[64];	    /* of an INSERT INTO table …, else "" */
	char **vals;	    /* per parameter: text of the value, NULL for SQL NULL */
	Oid *types;	    /* per parameter: type of the bound value (0 = NULL) */
	PGresult *res;	    /* rows of the current execution */
	int row, nrows;
	int executed;
} pg_stmt;

typedef struct pg {
	db base;
	PGconn *conn;
	int nprepared;
	int queued;	    /* statements in the pipeline since its last sync */
	int64_t changes;
	/* Rows inserted into each table by the current transaction, and at
	 * how many its statistics are refreshed next (see note_insert). */
	struct {
		char table[64];
		int64_t rows, next;
	} filled[32];
	int nfilled;
	struct {
		const char *sql;
		pg_stmt *stmt;
	} cache[STMT_SLOTS];
} pg;

static const struct db_ops pg_ops;

#define P(d) ((pg *)(d))
#define PS(s) ((pg_stmt *)(s))

/* Set err from a failed result (or the connection's message when r is
 * NULL).  Integrity violations (SQLSTATE class 23) are conflicts, as
 * SQLite's constraint errors are. */
static int fail(pg *d, const PGresult *r, jy_err *err)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
	if (!msg)
		msg = PQerrorMessage(d->conn);
	int code = state && !strncmp(state, "23", 2) ? JY_ECONFLICT : JY_EDB;
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		n--;
	return err_set(err, code, "数据库错误 database error: %.*s%s%s", (int)n, msg,
		       detail ? " — " : "", detail ? detail : "");
}

static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/*
 * The pipeline: send the sync, read every queued statement's result, leave
 * pipeline mode.  The first error is reported (and the transaction marked
 * failed); the rest were aborted by it.
 */
static int flush(pg *d, jy_err *err)
{
	if (PQpipelineStatus(d->conn) == PQ_PIPELINE_OFF)
		return 0;
	int rc = 0;
	if (d->queued) {
		if (!PQpipelineSync(d->conn))
			rc = fail(d, NULL, err);
		int nulls = 0;
		while (!rc || PQstatus(d->conn) == CONNECTION_OK) {
			PGresult *r = PQgetResult(d->conn);
			if (!r) {
				if (++nulls > 1) {
					if (!rc)
						rc = fail(d, NULL, err);
					break;
				}
				continue;
			}
			nulls = 0;
			ExecStatusType s = PQresultStatus(r);
			if (s == PGRES_PIPELINE_SYNC) {
				PQclear(r);
				break;
			}
			if (s == PGRES_COMMAND_OK)
				d->changes = strtoll(PQcmdTuples(r), NULL, 10);
			else if (s != PGRES_PIPELINE_ABORTED && !rc)
				rc = fail(d, r, err);
			PQclear(r);
		}
		d->queued = 0;
	}
	if (!PQexitPipelineMode(d->conn) && !rc)
		rc = fail(d, NULL, err);
	if (rc)
		d->base.tx_failed = 1;
	return rc;
}

static void stmt_free(pg_stmt *st)
{
	if (!st)
		return;
	PQclear(st->res);
	for (int i = 0; i < st->nparams; i++)
		free(st->vals[i]);
	free(st->vals);
	free(st->types);
	free(st->sql);
	free(st);
}

static void pg_close(db *bd)
{
	pg *d = P(bd);
	for (int i = 0; i < STMT_SLOTS; i++)
		stmt_free(d->cache[i].stmt);
	if (d->conn)
		PQfinish(d->conn);
	free(d);
}

static int pg_exec(db *bd, const char *sql, jy_err *err)
{
	pg *d = P(bd);
	int rc = flush(d, err);
	if (rc && strcmp(sql, "ROLLBACK"))
		return rc;
	if (!strncmp(sql, "BEGIN", 5))
		d->nfilled = 0;
	PGresult *r = PQexec(d->conn, sql);
	ExecStatusType s = PQresultStatus(r);
	rc = 0;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY)
		rc = fail(d, r, err);
	else if (!strcmp(sql, "COMMIT") && !strcmp(PQcmdStatus(r), "ROLLBACK"))
		rc = err_set(err, JY_EDB, "transaction was rolled back");
	PQclear(r);
	return rc;
}

int db_pg_open(const char *url, db **out, jy_err *err)
{
	*out = NULL;
	pg *d = calloc(1, sizeof *d);
	if (!d)
		return err_set(err, JY_ENOMEM, "out of memory");
	d->base.ops = &pg_ops;
	d->conn = PQconnectdb(url);
	if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
		const char *m = d->conn ? PQerrorMessage(d->conn) : "out of memory";
		size_t n = strlen(m);
		while (n && m[n - 1] == '\n')
			n--;
		err_set(err, JY_EDB, "无法连接数据库 cannot connect to %s: %.*s", url, (int)n, m);
		pg_close(&d->base);
		return JY_EDB;
	}
	PQsetNoticeProcessor(d->conn, quiet_notice, NULL);
	int rc = 0;
	if (PQsetClientEncoding(d->conn, "UTF8"))
		rc = fail(d, NULL, err);
	if (!rc)
		rc = pg_exec(&d->base, "SET client_min_messages = warning", err);
	if (rc) {
		pg_close(&d->base);
		return rc;
	}
	*out = &d->base;
	return 0;
}

/* Does sql (after leading blanks and comments) begin with word? */
static int starts_with_word(const char *p, const char *word)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '(')
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		break;
	}
	size_t n = strlen(word);
	return !strncasecmp(p, word, n) && !(p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z') ||
					     (p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9'));
}

/*
 * SQLite's placeholders to PostgreSQL's: "?N" → "$N", "?" → the next number
 * after the largest so far (SQLite's rule).  Quoted text and comments are
 * copied as they are.  *nparams: the largest number used.
 */
static char *translate(const char *sql, int *nparams)
{
	size_t len = strlen(sql);
	char *out = malloc(len * 4 + 1);
	if (!out)
		return NULL;
	size_t n = 0;
	int max = 0;
	const char *p = sql;
	while (*p) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			out[n++] = *p++;
			while (*p) {
				if (*p == q && p[1] == q) {
					out[n++] = *p++;
					out[n++] = *p++;
				} else if (*p == q) {
					out[n++] = *p++;
					break;
				} else {
					out[n++] = *p++;
				}
			}
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				out[n++] = *p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			size_t l = e ? (size_t)(e + 2 - p) : strlen(p);
			memcpy(out + n, p, l);
			n += l;
			p += l;
		} else if (*p == '?') {
			p++;
			int num = 0;
			if (*p >= '0' && *p <= '9') {
				while (*p >= '0' && *p <= '9')
					num = num * 10 + (*p++ - '0');
			} else {
				num = max + 1;
			}
			if (num > max)
				max = num;
			n += (size_t)sprintf(out + n, "$%d", num);
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = 0;
	*nparams = max;
	return out;
}

/* The table of "INSERT INTO table …". */
static void insert_table(const char *sql, char *out, size_t size)
{
	const char *p = strcasestr(sql, "INTO");
	out[0] = 0;
	if (!p)
		return;
	p += 4;
	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	size_t n = 0;
	while (n + 1 < size && (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				(*p >= '0' && *p <= '9')))
		out[n++] = *p++;
	out[n] = 0;
}

static db_stmt *pg_stmt_get(db *bd, const char *sql, jy_err *err)
{
	pg *d = P(bd);
	size_t h = db_cache_hash(sql);
	for (size_t i = 0; i < STMT_SLOTS; i++) {
		size_t slot = (h + i) & (STMT_SLOTS - 1);
		if (d->cache[slot].sql == sql)
			return &d->cache[slot].stmt->base;
		if (d->cache[slot].sql)
			continue;
		pg_stmt *st = calloc(1, sizeof *st);
		char *text = db_query_text(bd, sql);
		if (st && text)
			st->sql = translate(text, &st->nparams);
		if (text && text != sql)
			free(text);
		if (st && st->sql && st->nparams) {
			st->vals = calloc((size_t)st->nparams, sizeof *st->vals);
			st->types = calloc((size_t)st->nparams, sizeof *st->types);
		}
		if (!st || !st->sql || (st->nparams && (!st->vals || !st->types))) {
			stmt_free(st);
			err_set(err, JY_ENOMEM, "out of memory");
			return NULL;
		}
		st->base.owner = bd;
		st->returns_rows = !(starts_with_word(st->sql, "INSERT") ||
				     starts_with_word(st->sql, "UPDATE") ||
				     starts_with_word(st->sql, "DELETE")) ||
				   strcasestr(st->sql, "RETURNING");
		if (starts_with_word(st->sql, "INSERT"))
			insert_table(st->sql, st->table, sizeof st->table);
		d->cache[slot].sql = sql;
		d->cache[slot].stmt = st;
		return &st->base;
	}
	err_set(err, JY_EDB, "statement cache full");
	return NULL;
}

static void set_val(db_stmt *bs, int idx, char *v, Oid type)
{
	pg_stmt *st = PS(bs);
	if (idx < 1 || idx > st->nparams) {
		free(v);
		return;
	}
	free(st->vals[idx - 1]);
	st->vals[idx - 1] = v;
	st->types[idx - 1] = v ? type : 0;
}

static void pg_bind_i64(db_stmt *st, int idx, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	set_val(st, idx, strdup(buf), OID_INT8);
}

static void pg_bind_double(db_stmt *st, int idx, double v)
{
	char buf[40];
	snprintf(buf, sizeof buf, "%.17g", v);
	set_val(st, idx, strdup(buf), OID_FLOAT8);
}

static void pg_bind_text(db_stmt *st, int idx, const char *s)
{
	set_val(st, idx, s ? strdup(s) : NULL, OID_TEXT);
}

static void pg_bind_null(db_stmt *st, int idx)
{
	set_val(st, idx, NULL, 0);
}

/* Errors that a better guess of a NULL parameter's type may cure. */
static int type_error(const PGresult *r)
{
	const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	return s && (!strcmp(s, "42P18") || !strcmp(s, "42883") || !strcmp(s, "42804") ||
		     !strcmp(s, "42725"));
}

/* Prepare st on the server with the types of its current binds (see the
 * top of the file). */
static int prepare(pg *d, pg_stmt *st, jy_err *err)
{
	static const Oid guesses[] = { 0, OID_INT8, OID_TEXT, OID_FLOAT8 };
	int rc = flush(d, err);
	if (rc)
		return rc;
	int unknown = 0;
	for (int i = 0; i < st->nparams; i++)
		unknown |= !st->types[i];
	int in_tx = d->base.tx_depth > 0;
	Oid *types = calloc((size_t)st->nparams + 1, sizeof *types);
	if (!types)
		return err_set(err, JY_ENOMEM, "out of memory");
	snprintf(st->name, sizeof st->name, "jy%d", ++d->nprepared);
	size_t tries = unknown ? sizeof guesses / sizeof *guesses : 1;
	for (size_t t = 0; t < tries; t++) {
		for (int i = 0; i < st->nparams; i++)
			types[i] = st->types[i] ? st->types[i] : guesses[t];
		if (unknown && in_tx && (rc = pg_exec(&d->base, "SAVEPOINT jy_prepare", err)))
			break;
		PGresult *r = PQprepare(d->conn, st->name, st->sql, st->nparams, types);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		int retry = !ok && t + 1 < tries && type_error(r);
		if (!ok && !retry)
			rc = fail(d, r, err);
		PQclear(r);
		if (unknown && in_tx) {
			int rc2 = pg_exec(&d->base, ok ? "RELEASE SAVEPOINT jy_prepare"
						       : "ROLLBACK TO SAVEPOINT jy_prepare", err);
			if (!rc)
				rc = rc2;
		}
		if (ok) {
			st->prepared = !rc;
			break;
		}
		if (!retry)
			break;
	}
	free(types);
	return rc;
}

/*
 * A table filled inside one transaction (an import, the demo school) has
 * no statistics for its new rows: PostgreSQL plans the lookups of the next
 * rows as if it were empty and may pick an index that walks the whole
 * school.  So when a transaction has inserted 1000 rows into a table, and
 * again at 10 000, 100 000 …, the table is analysed (ANALYZE sees the
 * transaction's own rows), and its statements are planned anew.
 */
static int note_insert(pg *d, const pg_stmt *st, jy_err *err)
{
	if (!st->table[0])
		return 0;
	int i = 0;
	while (i < d->nfilled && strcmp(d->filled[i].table, st->table))
		i++;
	if (i == d->nfilled) {
		if (i == (int)(sizeof d->filled / sizeof *d->filled))
			return 0;
		d->nfilled++;
		snprintf(d->filled[i].table, sizeof d->filled[i].table, "%s", st->table);
		d->filled[i].rows = 0;
		d->filled[i].next = 1000;
	}
	if (++d->filled[i].rows < d->filled[i].next)
		return 0;
	d->filled[i].next *= 10;
	char sql[96];
	snprintf(sql, sizeof sql, "ANALYZE %s", st->table);
	return pg_exec(&d->base, sql, err);
}

/* Queue st in the pipeline (a statement that returns no rows, inside a
 * transaction). */
static int pipe_send(pg *d, pg_stmt *st, jy_err *err)
{
	if (PQpipelineStatus(d->conn) == PQ_PIPELINE_OFF && !PQenterPipelineMode(d->conn))
		return fail(d, NULL, err);
	if (!PQsendQueryPrepared(d->conn, st->name, st->nparams, (const char *const *)st->vals,
				 NULL, NULL, 0)) {
		int rc = fail(d, NULL, err);
		flush(d, NULL);
		d->base.tx_failed = 1;
		return rc;
	}
	int rc = 0;
	if (++d->queued >= PIPE_MAX)
		rc = flush(d, err);
	if (!rc)
		rc = note_insert(d, st, err);
	return rc;
}

static int pg_step(db_stmt *bs, jy_err *err)
{
	pg_stmt *st = PS(bs);
	pg *d = P(bs->owner);
	if (st->executed)
		return st->res && ++st->row < st->nrows;
	st->executed = 1;
	int rc = 0;
	if (!st->prepared && (rc = prepare(d, st, err)))
		return rc;
	if (d->base.tx_depth > 0 && !st->returns_rows)
		return pipe_send(d, st, err);
	if ((rc = flush(d, err)))
		return rc;
	PGresult *r = PQexecPrepared(d->conn, st->name, st->nparams,
				     (const char *const *)st->vals, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		rc = fail(d, r, err);
		PQclear(r);
		if (d->base.tx_depth > 0)
			d->base.tx_failed = 1;
		return rc;
	}
	const char *cmd = PQcmdStatus(r);
	if (!strncmp(cmd, "INSERT", 6) || !strncmp(cmd, "UPDATE", 6) || !strncmp(cmd, "DELETE", 6))
		d->changes = strtoll(PQcmdTuples(r), NULL, 10);
	if (d->base.tx_depth > 0 && (rc = note_insert(d, st, err))) {
		PQclear(r);
		return rc;
	}
	if (s == PGRES_COMMAND_OK) {
		PQclear(r);
		return 0;
	}
	st->res = r;
	st->nrows = PQntuples(r);
	st->row = 0;
	return st->nrows > 0;
}

static const char *value(db_stmt *bs, int col)
{
	pg_stmt *st = PS(bs);
	if (!st->res || st->row >= st->nrows || col < 0 || col >= PQnfields(st->res))
		return NULL;
	if (PQgetisnull(st->res, st->row, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}

static int64_t pg_col_i64(db_stmt *st, int col)
{
	const char *v = value(st, col);
	if (!v)
		return 0;
	if (v[0] == 't' && !v[1])
		return 1;
	return strtoll(v, NULL, 10);
}

static double pg_col_double(db_stmt *st, int col)
{
	const char *v = value(st, col);
	if (!v)
		return 0;
	if (v[0] == 't' && !v[1])
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	return strtod(v, NULL);
}

static const char *pg_col_text(db_stmt *st, int col)
{
	const char *v = value(st, col);
	return v ? v : "";
}

static int pg_col_is_null(db_stmt *st, int col)
{
	return value(st, col) == NULL;
}

static void pg_done(db_stmt *bs)
{
	pg_stmt *st = PS(bs);
	PQclear(st->res);
	st->res = NULL;
	st->row = st->nrows = 0;
	st->executed = 0;
	for (int i = 0; i < st->nparams; i++) {
		free(st->vals[i]);
		st->vals[i] = NULL;
		st->types[i] = 0;
	}
}

static int64_t pg_changes(db *bd)
{
	pg *d = P(bd);
	flush(d, NULL);
	return d->changes;
}

static int pg_checkpoint(db *d, jy_err *err)
{
	(void)d;
	(void)err;
	return 0;
}

static void pg_set_autocheckpoint(db *d, int pages)
{
	(void)d;
	(void)pages;
}

static int pg_backup(db *d, const char *path, jy_err *err)
{
	(void)d;
	return err_set(err, JY_EINVAL,
		       "PostgreSQL 数据库请用 pg_dump 备份 (back up a PostgreSQL database with pg_dump): %s",
		       path);
}

static const struct db_ops pg_ops = {
	.name = "postgres",
	.begin_sql = "BEGIN; SET LOCAL plan_cache_mode = force_custom_plan",
	.close = pg_close,
	.exec = pg_exec,
	.stmt_get = pg_stmt_get,
	.bind_i64 = pg_bind_i64,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_i64 = pg_col_i64,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_is_null = pg_col_is_null,
	.done = pg_done,
	.changes = pg_changes,
	.checkpoint = pg_checkpoint,
	.set_autocheckpoint = pg_set_autocheckpoint,
	.backup = pg_backup,
};
