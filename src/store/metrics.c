/*
 * metrics.c — see metrics.h.  One statement; the two counters read the
 * highest id (an index lookup) instead of counting big tables on every
 * scrape.
 */
#include "store/metrics.h"

#include "store/db_int.h"
#include "store/store_int.h"

int64_t store_sqlite_memory(void)
{
	return lite_memory_used();
}

int store_gauges_read(store *s, store_gauges *g, jy_err *err)
{
	static const char sql[] =
		"SELECT (SELECT COALESCE(MAX(id), 0) FROM gate_reading), "
		"(SELECT COALESCE(MAX(id), 0) FROM check_submission), "
		"(SELECT COUNT(*) FROM alert WHERE status = 'open'), "
		"(SELECT COUNT(*) FROM contact_followup WHERE status = 'monitoring'), "
		"(SELECT COUNT(*) FROM share_log WHERE direction = 'received' AND status = 'ok'), "
		"(SELECT COUNT(*) FROM share_log WHERE direction = 'received' AND status = 'refused')";
	memset(g, 0, sizeof *g);
	db_stmt *st = db_stmt_get(s->db, sql, err);
	if (!st)
		return JY_EDB;
	int rc = db_step(st, err);
	if (rc == 1) {
		g->gate_readings = db_col_i64(st, 0);
		g->check_submissions = db_col_i64(st, 1);
		g->open_alerts = db_col_i64(st, 2);
		g->monitoring_contacts = db_col_i64(st, 3);
		g->share_received_ok = db_col_i64(st, 4);
		g->share_refused = db_col_i64(st, 5);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}
