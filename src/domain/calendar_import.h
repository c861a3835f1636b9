/*
 * calendar_import.h — `jinyun import calendar` and POST /api/imports/calendar:
 * the school calendar from a table date,kind,note (日期,类型,备注).
 */
#ifndef JY_CALENDAR_IMPORT_H
#define JY_CALENDAR_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/table.h"

/*
 * Check every row (date YYYY-MM-DD; kind holiday makeup term_start term_end,
 * or empty to clear the day) and, when all are valid, set the days of
 * school_id in one transaction.  On bad rows returns JY_EINVAL with each
 * problem as FILE:ROW:COLUMN in errors and writes nothing; *days receives
 * the days written.
 */
int calendar_import(store *s, int64_t school_id, const table *t, const char *name, size_t *days,
		    jy_errlist *errors, jy_err *err);

#endif
