/*
 * roster.h — the student roster: import from the spreadsheets schools have,
 * export to CSV and xlsx.
 *
 * Import is all-or-nothing: every row is validated first and every problem
 * collected as FILE:ROW:COLUMN (rows as the spreadsheet numbers them, header
 * = 1); only when there is none is anything written, in one transaction.
 * Headers may be Chinese or English: 学号/student_no, 姓名/name, 性别/gender,
 * 年级/grade, 班级/class, 宿舍/dorm, 监护人电话/guardian_phone, and the
 * optional 重点群体/key_groups (codes or Chinese names, ';'-separated).
 * Grades, classes and dorm rooms are created when new.  Re-importing a
 * student number updates that student.
 */
#ifndef JY_ROSTER_H
#define JY_ROSTER_H

#include <stdio.h>

#include "store/store.h"
#include "util/table.h"

typedef struct roster_report {
	long rows;                 /* data rows read */
	long added, updated, unchanged;
	long grades_created, classes_created, dorms_created;
	jy_errlist warnings;       /* likely duplicates etc.; not fatal */
} roster_report;

/*
 * Validate t (read from file `name`) and, when every row is valid, write it.
 * Returns 0 on success; JY_EINVAL when rows are invalid (each problem in
 * errors, nothing written); another negative code when the store failed
 * (nothing written either).  rep is filled in both cases; the caller frees
 * rep->warnings and errors with errlist_free.
 */
int roster_import(store *s, const table *t, const char *name, roster_report *rep,
		  jy_errlist *errors, jy_err *err);

/* Write every student as CSV (UTF-8, Chinese header) to f. */
int roster_export_csv(store *s, FILE *f, jy_err *err);

/* Write every student to an .xlsx workbook at path (sheet 名单). */
int roster_export_xlsx(store *s, const char *path, jy_err *err);

#endif
