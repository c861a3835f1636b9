/*
 * supplies.h — epidemic-prevention supplies (防疫物资): the catalogue
 * (infrared scanners, thermometer guns, disinfectant, masks, gloves …),
 * stock by location (a place of the school), receipts, issues, transfers
 * and stocktakes, the consumption rate over the last weeks, the days of
 * supply left, and a warning under a set number of days.
 *
 * Stock is the sum of movements (store/operations.h); consumption is the
 * issues only (a transfer moves stock, a stocktake corrects it).  The rate
 * is issues / days over the window (the last `weeks` weeks up to today, or
 * since the item's first movement when that is later); days left = stock /
 * rate.
 */
#ifndef JY_SUPPLIES_H
#define JY_SUPPLIES_H

#include <cjson/cJSON.h>

#include "store/operations.h"

/* A place of the school by id (digits) or name; JY_ENOENT / JY_EINVAL with
 * err->column = field. */
int supplies_find_place(store *s, int64_t school_id, const char *text, const char *field,
			place_rec *out, jy_err *err);

/* An item the school sees, by code or id; JY_EINVAL naming "item" when unknown. */
int supplies_item_resolve(store *s, int64_t school_id, const char *text, supply_item_rec *out,
			  jy_err *err);

/* Validate and save a school's item (r->id 0: new; a default item cannot be
 * changed, a school item of the same code replaces it).  err->column names
 * the field. */
int supplies_item_save(store *s, int64_t school_id, supply_item_rec *r, int64_t *id, jy_err *err);

typedef struct supplies_move_input {
	int64_t school_id;
	const char *item;     /* code or id */
	const char *kind;     /* receipt issue transfer count */
	double quantity;      /* receipt, issue, transfer: > 0; count: the stock counted (>= 0) */
	const char *place;    /* the location; issue: NULL = where most is in stock */
	const char *to_place; /* transfer: the destination */
	const char *party;    /* supplier, or who received it */
	const char *note;
	const char *date;	   /* YYYY-MM-DD; NULL = the date of at */
	int64_t at;		   /* 0 = now */
	int64_t hygiene_record_id; /* the disinfection that used it (0 = none) */
	int64_t user_id;
} supplies_move_input;

/*
 * Record a movement (a transfer is two rows), in one transaction.  An issue
 * or transfer of more than the location holds is refused (JY_ECONFLICT,
 * column "quantity"), so stock never goes below zero.  *id (may be NULL)
 * receives the (first) movement's id.
 */
int supplies_move(store *s, const supplies_move_input *in, int64_t *id, jy_err *err);

/*
 * The supplies report for today (YYYY-MM-DD, China time):
 *   {"today","weeks","items":[{"id","code","name_zh","name_en","unit_zh","unit_en","stock",
 *     "by_location":[{"place_id","place","stock"}],"issued","window_days","per_day",
 *     "days_left"|null,"warn_days","warning":null|"out_of_stock"|"low_days","last_receipt"}],
 *    "warnings":n}
 * weeks 1–52 (0 = 2); warn_days >= 0 overrides every item's threshold (-1 = the item's).
 */
int supplies_report_json(store *s, int64_t school_id, const char *today, int weeks, int warn_days,
			 cJSON **out, jy_err *err);

#endif
