/*
 * checks_import.h — `jinyun import checks`: historical or offline checks
 * from a CSV with columns date,session,student_no,status,temperature,
 * symptoms,diagnosis (symptoms ';'-separated codes; empty fields allowed;
 * an empty status means present).
 *
 * Rows are grouped by (class, date, session); each group becomes one
 * submission of that class in which the students not listed are present
 * and well, exactly as when a teacher submits the exceptions.  All rows
 * are validated first (FILE:ROW:COLUMN) and everything is written in one
 * transaction, then the cluster rules run once over the imported days.
 */
#ifndef JY_CHECKS_IMPORT_H
#define JY_CHECKS_IMPORT_H

#include "domain/alerts.h"
#include "util/table.h"

typedef struct checks_import_report {
	long rows;
	long submissions;
	long alerts_created, alerts_updated;
} checks_import_report;

int checks_import(store *s, const table *t, const char *name, checks_import_report *rep,
		  jy_errlist *errors, jy_err *err);

#endif
