/*
 * test_school_keys.c — the PostgreSQL schema stays ready to be distributed
 * by school (Citus, README "分布式 PostgreSQL（Citus）").  After the
 * migrations, PostgreSQL's catalogue is read and every breach of the rule
 * is named:
 *
 *   - a school-owned table (one with a school_id column that is not in the
 *     reference or local lists below) has a primary key or unique index
 *     without school_id;
 *   - a foreign key between school-owned tables does not carry school_id
 *     on both sides (at the same position);
 *   - a school-owned table references a table that is neither school-owned
 *     nor a reference table (Citus allows no key into a local table);
 *   - a reference or local table references a school-owned one, other than
 *     the keys the README tells a district to drop before distributing.
 *
 * A future migration that adds a school-owned table keyed by id alone thus
 * fails here.  The lists are the README's; keep the three in step (and
 * the kept list of migration 016).  Runs when JINYUN_TEST_PG names a
 * cluster (tests/pg-cluster.sh), skips with a message otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "testutil.h"

#ifdef JINYUN_HAVE_PQ
#include <libpq-fe.h>

/* Copied to every worker: the district's catalogues and rules (school_id
 * NULL = the district's default), the users, and what spans schools. */
#define REFERENCE_TABLES                                                                           \
	"{district,school,key_group,cluster_rule,risk_region,screen_version,screen_rule,"          \
	"disease_setting,supply_item,hygiene_schedule,ops_plan,ops_plan_step,ops_checklist,"       \
	"ops_checklist_item,app_user,district_rule,district_alert,district_alert_school,"          \
	"share_partner}"
/* Kept on the coordinator: sessions, the audit and share logs, settings. */
#define LOCAL_TABLES                                                                               \
	"{app_session,audit_log,privacy_grant,setting,share_key,share_inbox,share_log,"            \
	"schema_version,declaration_digest_state}"
/* Keys from a reference table into a school-owned one, which a district
 * drops before distributing (README): "child>parent" pairs. */
#define DROPPED_KEYS "{app_user>person,hygiene_schedule>place}"

/* Every breach, one per row.  $1 reference tables, $2 local tables, $3
 * dropped keys. */
static const char breaches[] =
    "WITH dist AS (\n"
    "  SELECT c.oid FROM pg_class c\n"
    "  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'school_id' AND NOT "
    "a.attisdropped\n"
    "  WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')\n"
    "    AND c.relname <> ALL ($1::text[]) AND c.relname <> ALL ($2::text[])),\n"
    "fk AS (\n"
    "  SELECT k.*, k.conrelid IN (SELECT oid FROM dist) AS child_dist,\n"
    "         k.confrelid IN (SELECT oid FROM dist) AS parent_dist\n"
    "  FROM pg_constraint k\n"
    "  WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace)\n"
    "SELECT format('%s: unique index %s has no school_id', i.indrelid::regclass,\n"
    "              i.indexrelid::regclass)\n"
    "FROM pg_index i\n"
    "WHERE i.indisunique AND i.indrelid IN (SELECT oid FROM dist)\n"
    "  AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid\n"
    "                  AND a.attname = 'school_id' AND a.attnum = ANY (i.indkey::int2[]))\n"
    "UNION ALL\n"
    "SELECT format('%s: foreign key %s between school-owned tables lacks school_id on both "
    "sides: %s',\n"
    "              fk.conrelid::regclass, fk.conname, pg_get_constraintdef(fk.oid))\n"
    "FROM fk\n"
    "WHERE fk.child_dist AND fk.parent_dist AND NOT EXISTS (\n"
    "  SELECT 1 FROM generate_subscripts(fk.conkey, 1) n\n"
    "  JOIN pg_attribute c ON c.attrelid = fk.conrelid AND c.attnum = fk.conkey[n]\n"
    "  JOIN pg_attribute p ON p.attrelid = fk.confrelid AND p.attnum = fk.confkey[n]\n"
    "  WHERE c.attname = 'school_id' AND p.attname = 'school_id')\n"
    "UNION ALL\n"
    "SELECT format('%s: foreign key %s into %s, neither school-owned nor a reference table',\n"
    "              fk.conrelid::regclass, fk.conname, fk.confrelid::regclass)\n"
    "FROM fk JOIN pg_class p ON p.oid = fk.confrelid\n"
    "WHERE fk.child_dist AND NOT fk.parent_dist AND p.relname <> ALL ($1::text[])\n"
    "UNION ALL\n"
    "SELECT format('%s: foreign key %s from a reference or local table into school-owned %s',\n"
    "              fk.conrelid::regclass, fk.conname, fk.confrelid::regclass)\n"
    "FROM fk JOIN pg_class c ON c.oid = fk.conrelid JOIN pg_class p ON p.oid = fk.confrelid\n"
    "WHERE NOT fk.child_dist AND fk.parent_dist\n"
    "  AND c.relname || '>' || p.relname <> ALL ($3::text[])\n"
    "ORDER BY 1";

/* The breaches in the database at url, one per line ("" when none);
 * malloc'd. */
static char *school_key_breaches(const char *url)
{
	PGconn *c = PQconnectdb(url);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	const char *params[] = {REFERENCE_TABLES, LOCAL_TABLES, DROPPED_KEYS};
	PGresult *r = PQexecParams(c, breaches, 3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "%s", PQerrorMessage(c));
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	size_t size = 1;
	for (int i = 0; i < PQntuples(r); i++)
		size += strlen(PQgetvalue(r, i, 0)) + 1;
	char *out = malloc(size), *p = out;
	assert_non_null(out);
	*p = 0;
	for (int i = 0; i < PQntuples(r); i++)
		p += sprintf(p, "%s\n", PQgetvalue(r, i, 0));
	PQclear(r);
	PQfinish(c);
	return out;
}

typedef struct fx {
	char *dir;
	char url[512];
} fx;

static int setup(void **state)
{
	if (!tu_pg()) {
		fprintf(stderr,
			"skipped: set JINYUN_TEST_PG=postgresql://… (tests/pg-cluster.sh run …) "
			"to check the school keys of the PostgreSQL schema\n");
		*state = NULL;
		return 0;
	}
	fx *f = calloc(1, sizeof *f);
	f->dir = tu_tmpdir();
	tu_db(f->url, sizeof f->url, f->dir, "keys");
	store *s = NULL;
	jy_err err;
	if (store_open(f->url, &s, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	store_close(s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	if (f) {
		tu_rmtree_free(f->dir);
		free(f);
	}
	return 0;
}

#define NEED_PG(f)                                                                                 \
	do {                                                                                       \
		if (!(f))                                                                          \
			skip();                                                                    \
	} while (0)

static void test_school_owned_tables_are_keyed_by_school(void **state)
{
	fx *f = *state;
	NEED_PG(f);
	char *b = school_key_breaches(f->url);
	if (*b)
		fprintf(stderr, "school key breaches:\n%s", b);
	assert_string_equal(b, "");
	free(b);
}

/* The check is not blind: a table keyed by id alone, a unique index on a
 * school-owned table's id and a key through it are all named. */
static void test_school_key_breaches_are_named(void **state)
{
	fx *f = *state;
	NEED_PG(f);
	assert_int_equal(tu_sql(f->url, "CREATE TABLE thing (id BIGINT PRIMARY KEY, "
					"school_id BIGINT NOT NULL REFERENCES school(id), "
					"person_id BIGINT NOT NULL)"),
			 0);
	assert_int_equal(tu_sql(f->url, "CREATE UNIQUE INDEX person_id_only ON person (id)"), 0);
	assert_int_equal(tu_sql(f->url, "ALTER TABLE thing ADD CONSTRAINT thing_person "
					"FOREIGN KEY (person_id) REFERENCES person (id)"),
			 0);
	assert_int_equal(tu_sql(f->url, "ALTER TABLE thing ADD COLUMN at BIGINT "
					"REFERENCES audit_log (id)"),
			 0);
	assert_int_equal(
	    tu_sql(f->url, "ALTER TABLE audit_log ADD CONSTRAINT audit_person_fk "
			   "FOREIGN KEY (person_id, school_id) REFERENCES person (id, school_id)"),
	    0);
	char *b = school_key_breaches(f->url);
	assert_non_null(strstr(b, "person: unique index person_id_only has no school_id\n"));
	assert_non_null(strstr(b, "thing: unique index thing_pkey has no school_id\n"));
	assert_non_null(strstr(b,
			       "thing: foreign key thing_person between school-owned tables "
			       "lacks school_id on both sides: FOREIGN KEY (person_id) REFERENCES "
			       "person(id)\n"));
	assert_non_null(strstr(b, "thing: foreign key thing_at_fkey into audit_log, neither "
				  "school-owned nor a reference table\n"));
	assert_non_null(strstr(b, "audit_log: foreign key audit_person_fk from a reference or "
				  "local table into school-owned person\n"));
	free(b);
}

/* The widened keys hold a child row to its parent's school: a check entry
 * for a pupil of another school is refused. */
static void test_a_row_cannot_point_into_another_school(void **state)
{
	fx *f = *state;
	NEED_PG(f);
	assert_int_equal(
	    tu_sql(f->url,
		   "INSERT INTO school (id, code, name, created_at) VALUES "
		   "(901, 'k1', 'one', 0), (902, 'k2', 'two', 0);"
		   "INSERT INTO person (id, school_id, kind, number, name, gender, created_at, "
		   "updated_at) VALUES (9001, 901, 'student', 'n1', 'a', 'F', 0, 0);"
		   "INSERT INTO health_event (school_id, person_id, date, at, source) "
		   "VALUES (901, 9001, '2026-03-02', 0, 'clinic')"),
	    0);
	assert_int_equal(tu_sql(f->url, "INSERT INTO health_event (school_id, person_id, date, at, "
					"source) VALUES (902, 9001, '2026-03-02', 0, 'clinic')"),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_school_owned_tables_are_keyed_by_school, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_school_key_breaches_are_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_row_cannot_point_into_another_school, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
	printf("1..0 # SKIP this build has no PostgreSQL support (libpq)\n");
	return 0;
}
#endif
