/*
 * calendar_import.c — the school calendar from a spreadsheet; see
 * calendar_import.h.  Shared by the command line and the HTTP import.
 */
#include "domain/calendar_import.h"

#include <string.h>

#include "store/surveillance.h"
#include "util/date.h"

static int kind_valid(const char *k)
{
	return !*k || !strcmp(k, "holiday") || !strcmp(k, "makeup") || !strcmp(k, "term_start") ||
	       !strcmp(k, "term_end");
}

int calendar_import(store *s, int64_t school_id, const table *t, const char *name, size_t *days,
		    jy_errlist *errors, jy_err *err)
{
	*days = 0;
	int cdate = -1, ckind = -1, cnote = -1;
	for (size_t j = 0; t->nrows && j < t->ncells[0]; j++) {
		const char *h = table_cell(t, 0, j);
		if (!strcmp(h, "date") || !strcmp(h, "日期"))
			cdate = (int)j;
		else if (!strcmp(h, "kind") || !strcmp(h, "类型"))
			ckind = (int)j;
		else if (!strcmp(h, "note") || !strcmp(h, "备注"))
			cnote = (int)j;
	}
	if (cdate < 0 || ckind < 0)
		errlist_at(errors, JY_EINVAL, name, 1, cdate < 0 ? "date" : "kind",
			   "缺少必填列 (missing required column) date/kind");
	for (size_t i = 1; cdate >= 0 && ckind >= 0 && i < t->nrows; i++) {
		int32_t d;
		const char *k = table_cell(t, i, (size_t)ckind);
		if (date_parse(table_cell(t, i, (size_t)cdate), &d))
			errlist_at(errors, JY_EINVAL, name, t->rownum[i], "date",
				   "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		if (!kind_valid(k))
			errlist_at(errors, JY_EINVAL, name, t->rownum[i], "kind",
				   "类型应为 holiday/makeup/term_start/term_end (kind): '%.20s'", k);
	}
	if (errors->n_total)
		return JY_EINVAL;
	int rc = store_begin(s, err);
	for (size_t i = 1; !rc && i < t->nrows; i++)
		rc = store_calendar_set(s, school_id, table_cell(t, i, (size_t)cdate),
					table_cell(t, i, (size_t)ckind),
					cnote >= 0 ? table_cell(t, i, (size_t)cnote) : "", err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, err)))
		return rc;
	*days = t->nrows ? t->nrows - 1 : 0;
	return 0;
}
