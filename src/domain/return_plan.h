/*
 * return_plan.h — the return plan (开学复课分批): classes in batches, each
 * batch with its date (第一批 5月12日 …), and what follows from it: who is
 * expected on campus on a day, and each person's return date.
 *
 * Rules: a class returns on its batch's date and is expected on every
 * school day from then on; a class in no batch is not expected while a plan
 * exists.  Staff return with the first batch.  A school without any batch
 * has no plan: everyone enrolled is expected, and a person's return date is
 * whatever day is asked about.
 */
#ifndef JY_RETURN_PLAN_H
#define JY_RETURN_PLAN_H

#include "store/returns.h"
#include "util/table.h"

typedef struct return_plan_report {
	long rows;
	long batches;      /* distinct batches in the file */
	long classes;      /* classes placed */
} return_plan_report;

/*
 * `jinyun import batches`: a table with columns batch,class,return_date
 * (or 批次,班级,返校日期).  Every row is checked first; each problem goes
 * to errors as FILE:ROW:COLUMN and nothing is written (JY_EINVAL).  A
 * batch named again gets the file's date; a class moves to the file's batch.
 */
int return_plan_import(store *s, const table *t, const char *name, return_plan_report *rep,
		       jy_errlist *errors, jy_err *err);

/* Put one class in a batch (creating the batch, or changing its date). */
int return_plan_set(store *s, int64_t school_id, const char *batch, const char *class_name,
		    const char *return_date, jy_err *err);

/*
 * A person's planned return date: their class's batch date, or for staff
 * the first batch's.  *plan: 1 when the school has a plan.  date is "" when
 * there is no plan or the person is in no batch.
 */
int return_plan_date(store *s, int64_t school_id, const char *kind, int64_t class_id,
		     char date[11], int *plan, jy_err *err);

/* Is someone with that planned date expected on campus on day (YYYY-MM-DD)? */
int return_plan_expected(int plan, const char *planned, const char *day);

/* Which classes are expected on a day (for the census). */
typedef struct return_day_plan {
	int plan;              /* 0: no plan, every class is expected */
	int64_t *class_ids;    /* classes whose batch date is on or before the day, sorted */
	size_t n;
} return_day_plan;
int return_plan_for_day(store *s, int64_t school_id, const char *day, return_day_plan *out,
			jy_err *err);
int return_plan_class_expected(const return_day_plan *p, int64_t class_id);
void return_day_plan_free(return_day_plan *p);

/*
 * Map the header row of an import to column indexes.  names[k] lists the
 * accepted headers of column k ("person_no|学号|工号"); map[k] receives
 * the index or -1.  Required columns that are missing go to errors.
 * Returns the number of missing required columns.
 */
int return_columns(const table *t, const char *file, const char *const *names, int n,
		   unsigned required, int *map, jy_errlist *errors);

#endif
