/*
 * return_overview.h — the return at a glance for the leading group
 * (领导小组): per batch and class, for a day: expected, declared, cleared /
 * monitor / hold (and not screened yet), arrived (admitted at the gate on
 * or after their return date), refused (refused and not admitted since),
 * not returned with the reason, and missing (due back, not arrived, not
 * refused, no reason recorded) — and the names behind every number.
 *
 * Everyone counted is an active person; under a plan a class belongs to its
 * batch, staff to the first batch (as the class "教职工"), and classes in no
 * batch to a batch of their own with no date.  Without a plan everyone is
 * in one batch whose date is the day asked.  The screening status is the
 * stored result for the person's return date (run `jinyun screen` or
 * POST /api/return/screening to refresh it).
 */
#ifndef JY_RETURN_OVERVIEW_H
#define JY_RETURN_OVERVIEW_H

#include "store/returns.h"

enum { OV_ILLNESS, OV_QUARANTINE, OV_TRAVEL, OV_FAMILY, OV_OTHER, OV_REASONS };

typedef struct overview_counts {
	int64_t expected, declared, cleared, monitor, hold, unscreened;
	int64_t arrived, refused, not_returned, missing;
	int64_t not_returned_by[OV_REASONS];   /* illness quarantine travel family other */
} overview_counts;

typedef struct overview_row {
	int64_t batch_id;          /* 0 = no batch */
	int64_t class_id;          /* 0 = staff */
	char batch[64];
	char return_date[11];      /* "" = none */
	char class_name[96];
	int due;                   /* the return date has come */
	overview_counts c;
} overview_row;

typedef struct return_overview {
	char date[11];
	int plan;
	overview_row *classes;     /* by batch date, batch, class */
	size_t nclasses;
	overview_row *batches;     /* class_id 0, class_name "" */
	size_t nbatches;
	overview_counts total;
} return_overview;

/* Build the overview of a day (class_id 0 = the whole school).  Free with
 * return_overview_free. */
int return_overview_build(store *s, int64_t school_id, const char *date, int64_t class_id,
			  return_overview *out, jy_err *err);
void return_overview_free(return_overview *o);

/* What a number of the overview counts. */
int return_overview_what_valid(const char *what);
const char *const *return_overview_whats(void);

typedef struct overview_person {
	int64_t person_id, class_id, batch_id;
	const char *number, *name, *class_name, *batch, *return_date;
	const char *status;        /* cleared monitor hold or "" */
	const char *not_returned;  /* reason code or "" */
	int declared, arrived, refused;
} overview_person;
typedef int (*overview_person_cb)(void *ctx, const overview_person *p);

/*
 * The people behind one number: what (expected declared undeclared cleared
 * monitor hold unscreened arrived refused not_returned missing) for a
 * class (class_id; -1 = staff; 0 = any) and/or batch (batch_id; 0 = any),
 * in order of class and number.
 */
int return_overview_people(store *s, int64_t school_id, const char *date, const char *what,
			   int64_t class_id, int64_t batch_id, overview_person_cb cb, void *ctx,
			   jy_err *err);

#endif
