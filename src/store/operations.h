/*
 * operations.h — storage of campus operations (migration 008): what the
 * staggering optimiser reads (class sizes, dorm floors, who uses a place)
 * and the schedules it saves, ventilation and disinfection schedules and
 * records, supplies and their movements, emergency plans with their
 * activations and tasks, checklists and inspections.  Same conventions as
 * store.h: 0 or a negative JY_E*, one jy_err, records with fixed text
 * fields, callbacks that stop the walk by returning non-zero.
 *
 * Rows with school_id 0 here (NULL in the table) are the defaults every
 * school sees; listing for a school returns its own rows and the defaults
 * it has not replaced (same code, or same kind and action).
 */
#ifndef JY_STORE_OPERATIONS_H
#define JY_STORE_OPERATIONS_H

#include "store/store.h"

/* ---- what the staggering needs ----------------------------------------------- */

typedef struct ops_class_size {
	int64_t class_id, grade_id;
	char name[96], grade[64];
	int64_t students; /* active students */
} ops_class_size;
typedef int (*store_ops_class_cb)(void *ctx, const ops_class_size *c);
/* Every class of the school with its active students, by grade and id. */
int store_ops_class_sizes(store *s, int64_t school_id, store_ops_class_cb cb, void *ctx,
			  jy_err *err);

/* The dorm floors a class's boarders sleep on: (class, building, floor),
 * each once.  Rooms without a floor are left out. */
typedef int (*store_ops_floor_cb)(void *ctx, int64_t class_id, int64_t building_id, int floor);
int store_ops_dorm_floors(store *s, int64_t school_id, store_ops_floor_cb cb, void *ctx,
			  jy_err *err);

/* The places whose parent is place_id, by name. */
int store_ops_place_children(store *s, int64_t place_id, store_place_cb cb, void *ctx, jy_err *err);

/* The classes the timetable puts at place_id or at one of its children. */
typedef int (*store_ops_id_cb)(void *ctx, int64_t id);
int store_ops_place_classes(store *s, int64_t school_id, int64_t place_id, store_ops_id_cb cb,
			    void *ctx, jy_err *err);

/* Delete a class's timetable rows on weekday at place_id or its children
 * (before a saved schedule writes the new ones).  *deleted may be NULL. */
int store_ops_timetable_clear(store *s, int64_t school_id, int64_t class_id, int64_t place_id,
			      int weekday, int64_t *deleted, jy_err *err);

typedef struct stagger_plan_rec {
	int64_t id, school_id, place_id, created_by, created_at;
	char slots[512], weekdays[16], subject[64];
	int classes, meets_max;
	int64_t meets_total, lower_bound;
	char place_name[96];
	char *result; /* JSON text; get: malloc'd (free it); list: NULL */
} stagger_plan_rec;
int store_stagger_plan_add(store *s, const stagger_plan_rec *p, int64_t *id, jy_err *err);
int store_stagger_plan_get(store *s, int64_t id, stagger_plan_rec *out, jy_err *err);
typedef int (*store_stagger_plan_cb)(void *ctx, const stagger_plan_rec *p);
int store_stagger_plan_list(store *s, int64_t school_id, store_stagger_plan_cb cb, void *ctx,
			    jy_err *err);

/* ---- ventilation and disinfection ------------------------------------------------ */

typedef struct hygiene_schedule_rec {
	int64_t id, school_id, place_id; /* 0 = default / every place of the kind */
	char place_kind[24];
	char action[12]; /* ventilate disinfect */
	char times[160]; /* 'HH:MM,HH:MM' */
	int grace_min;
	char weekdays[8]; /* '12345' */
	char name_zh[200], name_en[200];
	int enabled;
	char place_name[96]; /* filled by list/get */
} hygiene_schedule_rec;
typedef int (*store_hygiene_schedule_cb)(void *ctx, const hygiene_schedule_rec *r);
/* The school's schedules and the defaults (enabled or not), kind schedules
 * first; the domain decides which applies (see disinfection.c). */
int store_hygiene_schedule_list(store *s, int64_t school_id, store_hygiene_schedule_cb cb,
				void *ctx, jy_err *err);
int store_hygiene_schedule_get(store *s, int64_t id, hygiene_schedule_rec *out, jy_err *err);
/* Insert (id 0) or update by id; *id receives it. */
int store_hygiene_schedule_save(store *s, const hygiene_schedule_rec *r, int64_t *id, jy_err *err);

typedef struct hygiene_record_rec {
	int64_t id, school_id, place_id, item_id, alert_id, recorded_by; /* 0 = none */
	int64_t at, recorded_at;
	char action[12];
	char date[11];
	char method[160], agent[160];
	double quantity;  /* < 0 = none */
	int duration_min; /* < 0 = none */
	char performer[96];
	char note[256];
	char place_name[96], item_code[40], recorded_by_name[64]; /* filled by list */
} hygiene_record_rec;
int store_hygiene_record_add(store *s, const hygiene_record_rec *r, int64_t *id, jy_err *err);
typedef int (*store_hygiene_record_cb)(void *ctx, const hygiene_record_rec *r);
/* Records of the school with at in [from, to) (Unix seconds), place_id 0 =
 * every place, action NULL = both; by place, action and time. */
int store_hygiene_record_list(store *s, int64_t school_id, int64_t from, int64_t to,
			      int64_t place_id, const char *action, store_hygiene_record_cb cb,
			      void *ctx, jy_err *err);

/* ---- supplies ---------------------------------------------------------------------- */

typedef struct supply_item_rec {
	int64_t id, school_id; /* school 0 = default catalogue */
	char code[40];
	char name_zh[96], name_en[96];
	char unit_zh[16], unit_en[16];
	int warn_days;
	int enabled;
} supply_item_rec;
typedef int (*store_supply_item_cb)(void *ctx, const supply_item_rec *r);
/* The school's items and the default ones it has not replaced, by id. */
int store_supply_item_list(store *s, int64_t school_id, store_supply_item_cb cb, void *ctx,
			   jy_err *err);
int store_supply_item_get(store *s, int64_t id, supply_item_rec *out, jy_err *err);
/* The item of that code the school sees (its own first); JY_ENOENT. */
int store_supply_item_find(store *s, int64_t school_id, const char *code, supply_item_rec *out,
			   jy_err *err);
int store_supply_item_save(store *s, const supply_item_rec *r, int64_t *id, jy_err *err);

typedef struct supply_move_rec {
	int64_t id, school_id, item_id, place_id, hygiene_record_id, recorded_by;
	char kind[12]; /* receipt issue transfer count */
	double delta;
	char date[11];
	int64_t at;
	char party[96];
	char note[256];
	char place_name[96], item_code[40]; /* filled by list */
} supply_move_rec;
int store_supply_move_add(store *s, const supply_move_rec *m, int64_t *id, jy_err *err);
typedef int (*store_supply_move_cb)(void *ctx, const supply_move_rec *m);
/* Movements of the school (item 0 = all) with date in [from, to], newest first. */
int store_supply_move_list(store *s, int64_t school_id, int64_t item_id, const char *from,
			   const char *to, int64_t limit, store_supply_move_cb cb, void *ctx,
			   jy_err *err);
/* Stock per item and location (only where there were movements). */
typedef int (*store_supply_stock_cb)(void *ctx, int64_t item_id, int64_t place_id,
				     const char *place_name, double stock);
int store_supply_stock(store *s, int64_t school_id, int64_t item_id, store_supply_stock_cb cb,
		       void *ctx, jy_err *err);
/* Per item: issued (consumed) with date in [from, to], the first movement's
 * date, the last receipt's date ("" when none). */
typedef int (*store_supply_usage_cb)(void *ctx, int64_t item_id, double issued,
				     const char *first_date, const char *last_receipt);
int store_supply_usage(store *s, int64_t school_id, const char *from, const char *to,
		       store_supply_usage_cb cb, void *ctx, jy_err *err);

/* ---- emergency plans -------------------------------------------------------------- */

typedef struct ops_plan_rec {
	int64_t id, school_id; /* school 0 = default template */
	char code[40];
	char name_zh[160], name_en[160];
	char trigger_codes[200];
	int enabled;
} ops_plan_rec;
typedef int (*store_ops_plan_cb)(void *ctx, const ops_plan_rec *r);
int store_ops_plan_list(store *s, int64_t school_id, store_ops_plan_cb cb, void *ctx, jy_err *err);
int store_ops_plan_get(store *s, int64_t id, ops_plan_rec *out, jy_err *err);
int store_ops_plan_find(store *s, int64_t school_id, const char *code, ops_plan_rec *out,
			jy_err *err);
int store_ops_plan_save(store *s, const ops_plan_rec *r, int64_t *id, jy_err *err);

typedef struct ops_step_rec {
	int64_t id, plan_id;
	int seq;
	char title_zh[200], title_en[200];
	char owner_role[16];
	int due_minutes;
	int same_day;
} ops_step_rec;
typedef int (*store_ops_step_cb)(void *ctx, const ops_step_rec *r);
int store_ops_steps(store *s, int64_t plan_id, store_ops_step_cb cb, void *ctx, jy_err *err);
/* Replace a plan's steps with steps[0..n). */
int store_ops_steps_set(store *s, int64_t plan_id, const ops_step_rec *steps, size_t n,
			jy_err *err);

typedef struct ops_activation_rec {
	int64_t id, school_id, plan_id, alert_id, activated_by, activated_at, closed_at, closed_by;
	char reason[256];
	char status[8];						  /* active closed */
	char plan_code[40], plan_name_zh[160], plan_name_en[160]; /* filled by get/list */
	int tasks, open_tasks, late_tasks;			  /* filled by get/list (at now) */
} ops_activation_rec;
int store_ops_activation_add(store *s, const ops_activation_rec *a, int64_t *id, jy_err *err);
int store_ops_activation_get(store *s, int64_t id, int64_t now, ops_activation_rec *out,
			     jy_err *err);
/* status NULL = any; newest first. */
typedef int (*store_ops_activation_cb)(void *ctx, const ops_activation_rec *a);
int store_ops_activation_list(store *s, int64_t school_id, const char *status, int64_t now,
			      store_ops_activation_cb cb, void *ctx, jy_err *err);
/* Was plan_id already activated for alert_id?  *found 1/0. */
int store_ops_activation_for_alert(store *s, int64_t alert_id, int64_t plan_id, int *found,
				   jy_err *err);
int store_ops_activation_close(store *s, int64_t id, int64_t user_id, int64_t at, jy_err *err);

typedef struct ops_task_rec {
	int64_t id, school_id, activation_id, inspection_id, due_at, done_at, done_by;
	int seq;
	char title_zh[200], title_en[200];
	char owner_role[16];
	char note[256];
	char source_zh[160], source_en[160]; /* filled by get/list: the plan or checklist */
} ops_task_rec;
int store_ops_task_add(store *s, const ops_task_rec *t, int64_t *id, jy_err *err);
int store_ops_task_get(store *s, int64_t id, ops_task_rec *out, jy_err *err);
int store_ops_task_done(store *s, int64_t id, int64_t user_id, int64_t at, const char *note,
			jy_err *err);
typedef struct ops_task_filter {
	int64_t school_id;     /* required */
	int64_t activation_id; /* 0 = any */
	int64_t inspection_id; /* 0 = any */
	int open_only;
	int64_t late_at;	/* > 0: only open tasks due before this time */
	const char *owner_role; /* NULL = any */
} ops_task_filter;
typedef int (*store_ops_task_cb)(void *ctx, const ops_task_rec *t);
/* By due time. */
int store_ops_task_list(store *s, const ops_task_filter *f, store_ops_task_cb cb, void *ctx,
			jy_err *err);

/* ---- checklists and inspections ------------------------------------------------------ */

typedef struct ops_checklist_rec {
	int64_t id, school_id;
	char code[40];
	char name_zh[160], name_en[160];
	int enabled;
} ops_checklist_rec;
typedef int (*store_ops_checklist_cb)(void *ctx, const ops_checklist_rec *r);
int store_ops_checklist_list(store *s, int64_t school_id, store_ops_checklist_cb cb, void *ctx,
			     jy_err *err);
int store_ops_checklist_get(store *s, int64_t id, ops_checklist_rec *out, jy_err *err);
int store_ops_checklist_find(store *s, int64_t school_id, const char *code, ops_checklist_rec *out,
			     jy_err *err);

typedef struct ops_check_item_rec {
	int64_t id, checklist_id;
	int seq;
	char text_zh[200], text_en[200];
	char owner_role[16];
	int due_hours;
} ops_check_item_rec;
typedef int (*store_ops_check_item_cb)(void *ctx, const ops_check_item_rec *r);
int store_ops_check_items(store *s, int64_t checklist_id, store_ops_check_item_cb cb, void *ctx,
			  jy_err *err);

typedef struct ops_inspection_rec {
	int64_t id, school_id, checklist_id, place_id, recorded_by, recorded_at;
	char date[11];
	char inspector[96];
	char note[256];
	char checklist_zh[160], checklist_en[160], place_name[96]; /* filled by get/list */
	int passed, failed, na;					   /* filled by get/list */
} ops_inspection_rec;
int store_ops_inspection_add(store *s, const ops_inspection_rec *r, int64_t *id, jy_err *err);
int store_ops_inspection_get(store *s, int64_t id, ops_inspection_rec *out, jy_err *err);
typedef int (*store_ops_inspection_cb)(void *ctx, const ops_inspection_rec *r);
/* Newest first. */
int store_ops_inspection_list(store *s, int64_t school_id, store_ops_inspection_cb cb, void *ctx,
			      jy_err *err);

typedef struct ops_finding_rec {
	int64_t inspection_id, item_id, school_id, task_id;
	char result[8]; /* pass fail na */
	char note[256];
	int seq; /* filled by list */
	char text_zh[200], text_en[200];
} ops_finding_rec;
int store_ops_finding_add(store *s, const ops_finding_rec *f, jy_err *err);
typedef int (*store_ops_finding_cb)(void *ctx, const ops_finding_rec *f);
int store_ops_findings(store *s, int64_t inspection_id, store_ops_finding_cb cb, void *ctx,
		       jy_err *err);

#endif
