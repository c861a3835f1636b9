/*
 * disinfection.c — see disinfection.h for the rules (which schedule
 * applies, how records fulfil due times, the extra disinfection of alerts).
 *
 * A day's status is computed in memory from four reads: the school's
 * places, the schedules, the day's records, and the open alerts (with
 * their people, classes' timetables and disinfection records since they
 * opened).  Nothing about due items is stored.
 */
#include "domain/disinfection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/places.h"
#include "domain/supplies.h"
#include "store/surveillance.h"
#include "util/date.h"

#define CST	    (8 * 3600)
#define EXTRA_HOURS 8
#define MAX_TIMES   12

static const char *const actions[] = {"ventilate", "disinfect"};

static int64_t day_start(int32_t day)
{
	return (int64_t)day * 86400 - CST;
}

/* "HH:MM,HH:MM" → minutes; -1 on a bad list. */
static int parse_times(const char *text, int *mins, int max)
{
	int n = 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!(p[0] >= '0' && p[0] <= '2' && p[1] >= '0' && p[1] <= '9' && p[2] == ':' &&
		      p[3] >= '0' && p[3] <= '5' && p[4] >= '0' && p[4] <= '9'))
			return -1;
		int m = ((p[0] - '0') * 10 + (p[1] - '0')) * 60 + (p[3] - '0') * 10 + (p[4] - '0');
		if (m >= 24 * 60 || n == max || (n && m <= mins[n - 1]))
			return -1;
		mins[n++] = m;
		p += 5;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return n ? n : -1;
}

/* ---- recording ---------------------------------------------------------------------- */

static int set_text(char *dst, size_t size, const char *v, const char *field, jy_err *err)
{
	if (!v)
		v = "";
	if (strlen(v) >= size)
		return err_at(err, JY_EINVAL, "", 0, field, "%s 过长 (%s is too long)", field,
			      field);
	snprintf(dst, size, "%s", v);
	return 0;
}

int hygiene_record(store *s, const hygiene_input *in, int64_t *id, jy_err *err)
{
	hygiene_record_rec r;
	memset(&r, 0, sizeof r);
	place_rec place;
	int rc = supplies_find_place(s, in->school_id, in->place, "place", &place, err);
	if (rc)
		return rc;
	if (!in->action || (strcmp(in->action, "ventilate") && strcmp(in->action, "disinfect")))
		return err_at(err, JY_EINVAL, "", 0, "action",
			      "action 应为 ventilate（通风）或 disinfect（消毒）(action: ventilate "
			      "or disinfect)");
	int64_t now = (int64_t)time(NULL);
	r.at = in->at ? in->at : now;
	if (r.at > now + 300 || r.at < now - 400LL * 86400)
		return err_at(err, JY_EINVAL, "", 0, "at",
			      "时间无效（不能在将来）(invalid time: not in the future)");
	if (in->duration_min > 24 * 60)
		return err_at(err, JY_EINVAL, "", 0, "duration_min",
			      "时长应为 0–1440 分钟 (duration_min must be 0-1440)");
	if ((rc = set_text(r.method, sizeof r.method, in->method, "method", err)) ||
	    (rc = set_text(r.agent, sizeof r.agent, in->agent, "agent", err)) ||
	    (rc = set_text(r.performer, sizeof r.performer, in->performer, "performer", err)) ||
	    (rc = set_text(r.note, sizeof r.note, in->note, "note", err)))
		return rc;
	supply_item_rec item;
	int has_item = in->item && *in->item;
	if (has_item) {
		if ((rc = supplies_item_resolve(s, in->school_id, in->item, &item, err)))
			return rc;
		if (!(in->quantity > 0))
			return err_at(
			    err, JY_EINVAL, "", 0, "quantity",
			    "使用物资时需要数量 > 0 (quantity > 0 is required with an item)");
		r.item_id = item.id;
		r.quantity = in->quantity;
	} else {
		if (in->quantity > 0)
			return err_at(err, JY_EINVAL, "", 0, "item",
				      "给出数量时需要物资 (a quantity needs an item)");
		r.quantity = -1;
	}
	if (in->alert_id) {
		alert_rec a;
		if (store_alert_get(s, in->alert_id, &a, NULL) || a.school_id != in->school_id)
			return err_at(err, JY_EINVAL, "", 0, "alert_id",
				      "没有这条预警 (no such alert)");
		r.alert_id = a.id;
	}
	r.school_id = in->school_id;
	r.place_id = place.id;
	snprintf(r.action, sizeof r.action, "%s", in->action);
	date_format(date_of_time_cst(r.at), r.date);
	r.duration_min = in->duration_min;
	r.recorded_by = in->user_id;
	r.recorded_at = now;
	if ((rc = store_begin(s, err)))
		return rc;
	int64_t rid = 0;
	rc = store_hygiene_record_add(s, &r, &rid, err);
	if (!rc && has_item) {
		supplies_move_input m;
		memset(&m, 0, sizeof m);
		m.school_id = in->school_id;
		char item_id[24];
		snprintf(item_id, sizeof item_id, "%lld", (long long)item.id);
		m.item = item_id;
		m.kind = "issue";
		m.quantity = in->quantity;
		m.place = in->from_place;
		m.party = place.name;
		m.note = !strcmp(in->action, "disinfect") ? "消毒使用 (used for disinfection)"
							  : "通风使用 (used for ventilation)";
		m.at = r.at;
		m.hygiene_record_id = rid;
		m.user_id = in->user_id;
		rc = supplies_move(s, &m, NULL, err);
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s, err)))
		return rc;
	if (id)
		*id = rid;
	return 0;
}

/* ---- which schedule applies ---------------------------------------------------------- */

typedef struct sched_list {
	hygiene_schedule_rec *v;
	size_t n, cap;
} sched_list;

static int add_sched(void *ctx, const hygiene_schedule_rec *r)
{
	sched_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		hygiene_schedule_rec *g = realloc(l->v, cap * sizeof *g);
		if (!g)
			return 1;
		l->v = g;
		l->cap = cap;
	}
	l->v[l->n++] = *r;
	return 0;
}

/* The schedule of (place, action), or NULL (none or disabled). */
static const hygiene_schedule_rec *schedule_for(const sched_list *l, int64_t school_id,
						const place_rec *p, const char *action)
{
	const hygiene_schedule_rec *own = NULL, *school_kind = NULL, *def = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const hygiene_schedule_rec *r = &l->v[i];
		if (strcmp(r->action, action))
			continue;
		if (r->place_id) {
			if (r->place_id == p->id && r->school_id == school_id)
				own = r;
		} else if (!strcmp(r->place_kind, p->kind)) {
			if (r->school_id == school_id)
				school_kind = r;
			else if (r->school_id == 0)
				def = r;
		}
	}
	const hygiene_schedule_rec *r = own ? own : school_kind ? school_kind : def;
	return r && r->enabled ? r : NULL;
}

/* Does a schedule with these weekdays apply on day (calendar kind cal)? */
static int applies(const char *weekdays, int weekday, const char *cal)
{
	if (!strcmp(cal, "holiday")) {
		for (char c = '1'; c <= '7'; c++)
			if (!strchr(weekdays, c))
				return 0;
		return 1;
	}
	if (!strcmp(cal, "makeup"))
		return strpbrk(weekdays, "12345") != NULL;
	return strchr(weekdays, '0' + weekday) != NULL;
}

/* ---- the day's items --------------------------------------------------------------------- */

typedef struct rec_list {
	hygiene_record_rec *v;
	size_t n, cap;
} rec_list;

static int add_rec(void *ctx, const hygiene_record_rec *r)
{
	rec_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		hygiene_record_rec *g = realloc(l->v, cap * sizeof *g);
		if (!g)
			return 1;
		l->v = g;
		l->cap = cap;
	}
	l->v[l->n++] = *r;
	return 0;
}

/* Records are ordered by place, action, time: the first of (place, action). */
static size_t first_rec(const rec_list *l, int64_t place_id, const char *action)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const hygiene_record_rec *r = &l->v[mid];
		int before = r->place_id < place_id ||
			     (r->place_id == place_id && strcmp(r->action, action) < 0);
		if (before)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

typedef struct place_list {
	place_rec *v;
	size_t n, cap;
} place_list;

static int add_place(void *ctx, const place_rec *p)
{
	place_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		place_rec *g = realloc(l->v, cap * sizeof *g);
		if (!g)
			return 1;
		l->v = g;
		l->cap = cap;
	}
	l->v[l->n++] = *p;
	return 0;
}

static const place_rec *place_by_id(const place_list *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].id == id)
			return &l->v[i];
	return NULL;
}

typedef struct item {
	const place_rec *place;
	const hygiene_schedule_rec *sched;
	const char *action;
	int64_t due_at, done_at;
	int minute;
	const char *status;
	const char *performer;
} item;

static int cmp_item(const void *a, const void *b)
{
	const item *x = a, *y = b;
	if (x->due_at != y->due_at)
		return x->due_at < y->due_at ? -1 : 1;
	int c = strcmp(x->place->name, y->place->name);
	return c ? c : strcmp(x->action, y->action);
}

static void fmt_hhmm(int m, char out[8])
{
	snprintf(out, 8, "%02u:%02u", (unsigned)(m / 60) % 100u, (unsigned)m % 60u);
}

static int on_cal(void *ctx, const char *date, const char *kind)
{
	(void)date;
	snprintf(ctx, 16, "%s", kind);
	return 0;
}

/* ---- extra disinfection for open alerts ---- */

typedef struct alert_list {
	alert_rec v[64];
	size_t n;
} alert_list;

static int add_alert(void *ctx, const alert_rec *a)
{
	alert_list *l = ctx;
	if (l->n < sizeof l->v / sizeof l->v[0])
		l->v[l->n++] = *a;
	return 0;
}

typedef struct id_set {
	int64_t v[256];
	size_t n;
} id_set;

static void id_add(id_set *s, int64_t id)
{
	if (!id)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return;
	if (s->n < sizeof s->v / sizeof s->v[0])
		s->v[s->n++] = id;
}

static int on_tt(void *ctx, const timetable_rec *t)
{
	id_add(ctx, t->place_id);
	return 0;
}

static int on_alert_person(void *ctx, int64_t person_id, const char *number, const char *name,
			   const char *class_name, const char *first_date)
{
	(void)number;
	(void)name;
	(void)class_name;
	(void)first_date;
	id_add(ctx, person_id);
	return 0;
}

static int on_task(void *ctx, const task_rec *t)
{
	if (!strcmp(t->kind, "disinfect") && t->due_at)
		*(int64_t *)ctx = t->due_at;
	return 0;
}

/* The places an alert involves (indoor places only). */
static void alert_places(store *s, const alert_rec *a, const place_list *places, id_set *out)
{
	id_set raw = {{0}, 0}, people = {{0}, 0};
	if (!strcmp(a->scope, "class")) {
		store_timetable_list(s, a->school_id, a->scope_id, on_tt, &raw, NULL);
	} else if (!strcmp(a->scope, "dorm")) {
		id_add(&raw, a->scope_id);
	} else {
		store_alert_people(s, a->id, on_alert_person, &people, NULL);
		id_set classes = {{0}, 0};
		for (size_t i = 0; i < people.n; i++) {
			person_rec p;
			if (store_person_get(s, people.v[i], &p, NULL))
				continue;
			id_add(&raw, p.dorm_id);
			id_add(&classes, p.class_id);
		}
		for (size_t i = 0; i < classes.n; i++)
			store_timetable_list(s, a->school_id, classes.v[i], on_tt, &raw, NULL);
	}
	for (size_t i = 0; i < raw.n; i++) {
		const place_rec *p = place_by_id(places, raw.v[i]);
		if (p && strcmp(p->kind, "playground") && strcmp(p->kind, "gate"))
			id_add(out, p->id);
	}
}

typedef struct extra_ctx {
	int64_t place_id;
	int64_t at;
	char performer[96];
} extra_ctx;

static int on_disinfect(void *ctx, const hygiene_record_rec *r)
{
	extra_ctx *x = ctx;
	if (r->place_id == x->place_id && (!x->at || r->at < x->at)) {
		x->at = r->at;
		snprintf(x->performer, sizeof x->performer, "%s", r->performer);
	}
	return 0;
}

static int extra_items(store *s, int64_t school_id, int64_t now, const place_list *places,
		       cJSON *arr, int *count, int *overdue, jy_err *err)
{
	alert_list *al = calloc(1, sizeof *al);
	if (!al)
		return err_set(err, JY_ENOMEM, "out of memory");
	int rc = store_alert_list(s, school_id, NULL, NULL, "open", add_alert, al, err);
	for (size_t i = 0; !rc && i < al->n; i++) {
		const alert_rec *a = &al->v[i];
		id_set where = {{0}, 0};
		alert_places(s, a, places, &where);
		int64_t due = a->created_at + EXTRA_HOURS * 3600;
		store_task_list(s, school_id, a->id, 0, on_task, &due, NULL);
		rec_list recs = {NULL, 0, 0};
		rc = store_hygiene_record_list(s, school_id, a->created_at, INT64_MAX, 0,
					       "disinfect", add_rec, &recs, err);
		for (size_t k = 0; !rc && k < where.n; k++) {
			const place_rec *p = place_by_id(places, where.v[k]);
			extra_ctx x = {where.v[k], 0, ""};
			for (size_t r = 0; r < recs.n; r++)
				on_disinfect(&x, &recs.v[r]);
			const char *status = x.at	 ? (x.at > due ? "late" : "done")
					     : now > due ? "overdue"
							 : "pending";
			(*count)++;
			*overdue += !strcmp(status, "overdue");
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "alert_id", (double)a->id);
			char name[200];
			snprintf(name, sizeof name, "%s %s", a->scope_name, a->rule_name_zh);
			cJSON_AddStringToObject(o, "alert", name);
			cJSON_AddNumberToObject(o, "place_id", (double)p->id);
			cJSON_AddStringToObject(o, "place", p->name);
			cJSON_AddStringToObject(o, "kind", p->kind);
			cJSON_AddStringToObject(o, "action", "disinfect");
			cJSON_AddNumberToObject(o, "due_at", (double)due);
			cJSON_AddStringToObject(o, "status", status);
			if (x.at) {
				cJSON_AddNumberToObject(o, "done_at", (double)x.at);
				cJSON_AddStringToObject(o, "performer", x.performer);
			} else {
				cJSON_AddNullToObject(o, "done_at");
				cJSON_AddNullToObject(o, "performer");
			}
			cJSON_AddItemToArray(arr, o);
		}
		free(recs.v);
	}
	free(al);
	return rc;
}

int hygiene_status_json(store *s, int64_t school_id, const char *date, int64_t now, int open_only,
			cJSON **out, jy_err *err)
{
	*out = NULL;
	int32_t day;
	if (!date || date_parse(date, &day))
		return err_at(err, JY_EINVAL, "", 0, "date",
			      "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	sched_list sl = {NULL, 0, 0};
	place_list pl = {NULL, 0, 0};
	rec_list rl = {NULL, 0, 0};
	item *items = NULL;
	size_t n = 0, cap = 0;
	char cal[16] = "";
	int64_t start = day_start(day);
	int rc = store_hygiene_schedule_list(s, school_id, add_sched, &sl, err);
	if (!rc)
		rc = store_place_list(s, school_id, NULL, add_place, &pl, err);
	if (!rc)
		rc = store_hygiene_record_list(s, school_id, start, start + 86400, 0, NULL, add_rec,
					       &rl, err);
	if (!rc)
		rc = store_calendar_list(s, school_id, date, date, on_cal, cal, err);
	if (rc)
		goto out;
	int weekday = date_weekday(day);
	for (size_t i = 0; i < pl.n; i++) {
		for (size_t a = 0; a < 2; a++) {
			const hygiene_schedule_rec *sc =
			    schedule_for(&sl, school_id, &pl.v[i], actions[a]);
			if (!sc || !applies(sc->weekdays, weekday, cal))
				continue;
			int mins[MAX_TIMES];
			int m = parse_times(sc->times, mins, MAX_TIMES);
			if (m < 0)
				continue; /* validated on save; a bad default is skipped */
			size_t r0 = first_rec(&rl, pl.v[i].id, actions[a]), nrec = 0;
			while (r0 + nrec < rl.n && rl.v[r0 + nrec].place_id == pl.v[i].id &&
			       !strcmp(rl.v[r0 + nrec].action, actions[a]))
				nrec++;
			for (int k = 0; k < m; k++) {
				if (n == cap) {
					size_t c2 = cap ? cap * 2 : 512;
					item *g = realloc(items, c2 * sizeof *g);
					if (!g) {
						rc = err_set(err, JY_ENOMEM, "out of memory");
						goto out;
					}
					items = g;
					cap = c2;
				}
				item *it = &items[n++];
				memset(it, 0, sizeof *it);
				it->place = &pl.v[i];
				it->sched = sc;
				it->action = actions[a];
				it->minute = mins[k];
				it->due_at = start + (int64_t)mins[k] * 60;
				int64_t limit = it->due_at + (int64_t)sc->grace_min * 60;
				if ((size_t)k < nrec) {
					const hygiene_record_rec *r = &rl.v[r0 + (size_t)k];
					it->done_at = r->at;
					it->performer = r->performer;
					it->status = r->at > limit ? "late" : "done";
				} else {
					it->status = now > limit ? "overdue" : "pending";
				}
			}
		}
	}
	if (n)
		qsort(items, n, sizeof *items, cmp_item);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "date", date);
	if (cal[0])
		cJSON_AddStringToObject(j, "calendar", cal);
	cJSON *arr = cJSON_AddArrayToObject(j, "items");
	int done = 0, late = 0, overdue = 0, pending = 0;
	for (size_t i = 0; i < n; i++) {
		const item *it = &items[i];
		done += !strcmp(it->status, "done");
		late += !strcmp(it->status, "late");
		overdue += !strcmp(it->status, "overdue");
		pending += !strcmp(it->status, "pending");
		if (open_only && it->done_at)
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "place_id", (double)it->place->id);
		cJSON_AddStringToObject(o, "place", it->place->name);
		cJSON_AddStringToObject(o, "kind", it->place->kind);
		cJSON_AddStringToObject(o, "action", it->action);
		cJSON_AddNumberToObject(o, "schedule_id", (double)it->sched->id);
		cJSON_AddStringToObject(o, "schedule", it->sched->name_zh);
		char hm[8];
		fmt_hhmm(it->minute, hm);
		cJSON_AddStringToObject(o, "due", hm);
		cJSON_AddNumberToObject(o, "due_at", (double)it->due_at);
		cJSON_AddNumberToObject(o, "grace_min", it->sched->grace_min);
		cJSON_AddStringToObject(o, "status", it->status);
		if (it->done_at) {
			cJSON_AddNumberToObject(o, "done_at", (double)it->done_at);
			cJSON_AddStringToObject(o, "performer", it->performer);
		} else {
			cJSON_AddNullToObject(o, "done_at");
			cJSON_AddNullToObject(o, "performer");
		}
		cJSON_AddItemToArray(arr, o);
	}
	cJSON *extra = cJSON_AddArrayToObject(j, "extra");
	int extra_n = 0, extra_overdue = 0;
	rc = extra_items(s, school_id, now, &pl, extra, &extra_n, &extra_overdue, err);
	if (rc) {
		cJSON_Delete(j);
		goto out;
	}
	cJSON *sum = cJSON_AddObjectToObject(j, "summary");
	cJSON_AddNumberToObject(sum, "items", (double)n);
	cJSON_AddNumberToObject(sum, "done", done);
	cJSON_AddNumberToObject(sum, "late", late);
	cJSON_AddNumberToObject(sum, "overdue", overdue);
	cJSON_AddNumberToObject(sum, "pending", pending);
	cJSON_AddNumberToObject(sum, "extra", extra_n);
	cJSON_AddNumberToObject(sum, "extra_overdue", extra_overdue);
	*out = j;
out:
	free(sl.v);
	free(pl.v);
	free(rl.v);
	free(items);
	return rc;
}

/* ---- schedules ---------------------------------------------------------------------------- */

static cJSON *schedule_json(const hygiene_schedule_rec *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddBoolToObject(o, "default", r->school_id == 0);
	if (r->place_id) {
		cJSON_AddNumberToObject(o, "place_id", (double)r->place_id);
		cJSON_AddStringToObject(o, "place", r->place_name);
		cJSON_AddNullToObject(o, "place_kind");
	} else {
		cJSON_AddNullToObject(o, "place_id");
		cJSON_AddNullToObject(o, "place");
		cJSON_AddStringToObject(o, "place_kind", r->place_kind);
	}
	cJSON_AddStringToObject(o, "action", r->action);
	cJSON_AddStringToObject(o, "times", r->times);
	cJSON_AddNumberToObject(o, "grace_min", r->grace_min);
	cJSON_AddStringToObject(o, "weekdays", r->weekdays);
	cJSON_AddStringToObject(o, "name_zh", r->name_zh);
	cJSON_AddStringToObject(o, "name_en", r->name_en);
	cJSON_AddBoolToObject(o, "enabled", r->enabled);
	return o;
}

static int sched_to_json(void *ctx, const hygiene_schedule_rec *r)
{
	cJSON_AddItemToArray(ctx, schedule_json(r));
	return 0;
}

int hygiene_schedules_json(store *s, int64_t school_id, cJSON **out, jy_err *err)
{
	cJSON *arr = cJSON_CreateArray();
	int rc = store_hygiene_schedule_list(s, school_id, sched_to_json, arr, err);
	if (rc) {
		cJSON_Delete(arr);
		*out = NULL;
		return rc;
	}
	*out = arr;
	return 0;
}

int hygiene_schedule_save(store *s, int64_t school_id, hygiene_schedule_rec *r, const char *place,
			  int64_t *id, jy_err *err)
{
	int rc;
	if (r->id) {
		hygiene_schedule_rec old;
		if ((rc = store_hygiene_schedule_get(s, r->id, &old, err)))
			return rc;
		if (old.school_id && old.school_id != school_id)
			return err_set(err, JY_ENOENT, "没有这条通风消毒安排 (no such schedule)");
		if (!old.school_id)
			r->id = 0; /* changing a default makes the school's own */
	}
	if (strcmp(r->action, "ventilate") && strcmp(r->action, "disinfect"))
		return err_at(
		    err, JY_EINVAL, "", 0, "action",
		    "action 应为 ventilate 或 disinfect (action: ventilate or disinfect)");
	int mins[MAX_TIMES];
	if (parse_times(r->times, mins, MAX_TIMES) < 0)
		return err_at(err, JY_EINVAL, "", 0, "times",
			      "times 应为递增的 HH:MM,HH:MM（最多 %d 个）(times: increasing "
			      "HH:MM,HH:MM, at most %d)",
			      MAX_TIMES, MAX_TIMES);
	if (r->grace_min < 0 || r->grace_min > 1440)
		return err_at(err, JY_EINVAL, "", 0, "grace_min",
			      "宽限应为 0–1440 分钟 (grace_min must be 0-1440)");
	char wd[8] = "";
	int k = 0;
	for (char c = '1'; c <= '7'; c++)
		if (strchr(r->weekdays, c))
			wd[k++] = c;
	for (const char *p = r->weekdays; *p; p++)
		if (*p < '1' || *p > '7')
			k = 0;
	if (!k)
		return err_at(
		    err, JY_EINVAL, "", 0, "weekdays",
		    "weekdays 应为 1–7 的数字，如 12345 (weekdays: digits 1-7, e.g. 12345)");
	snprintf(r->weekdays, sizeof r->weekdays, "%s", wd);
	if (place && *place) {
		place_rec p;
		if ((rc = supplies_find_place(s, school_id, place, "place", &p, err)))
			return rc;
		r->place_id = p.id;
		r->place_kind[0] = 0;
	} else if (!r->place_id) {
		if (!places_kind_valid(r->place_kind))
			return err_at(
			    err, JY_EINVAL, "", 0, "place_kind",
			    "需要场所或有效的场所类型 (place or a valid place_kind is required)");
	}
	if (!r->name_zh[0])
		snprintf(r->name_zh, sizeof r->name_zh, "%s %s",
			 !strcmp(r->action, "ventilate") ? "通风" : "消毒", r->times);
	r->school_id = school_id;
	return store_hygiene_schedule_save(s, r, id, err);
}

static int rec_to_json(void *ctx, const hygiene_record_rec *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)r->id);
	cJSON_AddNumberToObject(o, "place_id", (double)r->place_id);
	cJSON_AddStringToObject(o, "place", r->place_name);
	cJSON_AddStringToObject(o, "action", r->action);
	cJSON_AddNumberToObject(o, "at", (double)r->at);
	cJSON_AddStringToObject(o, "date", r->date);
	cJSON_AddStringToObject(o, "method", r->method);
	cJSON_AddStringToObject(o, "agent", r->agent);
	if (r->item_id) {
		cJSON_AddStringToObject(o, "item", r->item_code);
		cJSON_AddNumberToObject(o, "quantity", r->quantity);
	} else {
		cJSON_AddNullToObject(o, "item");
		cJSON_AddNullToObject(o, "quantity");
	}
	if (r->duration_min >= 0)
		cJSON_AddNumberToObject(o, "duration_min", r->duration_min);
	else
		cJSON_AddNullToObject(o, "duration_min");
	cJSON_AddStringToObject(o, "performer", r->performer);
	if (r->alert_id)
		cJSON_AddNumberToObject(o, "alert_id", (double)r->alert_id);
	else
		cJSON_AddNullToObject(o, "alert_id");
	cJSON_AddStringToObject(o, "note", r->note);
	cJSON_AddStringToObject(o, "recorded_by", r->recorded_by_name);
	cJSON_AddItemToArray(ctx, o);
	return 0;
}

int hygiene_records_json(store *s, int64_t school_id, const char *date, int64_t place_id,
			 cJSON **out, jy_err *err)
{
	*out = NULL;
	int32_t day;
	if (!date || date_parse(date, &day))
		return err_at(err, JY_EINVAL, "", 0, "date",
			      "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	cJSON *arr = cJSON_CreateArray();
	int64_t start = day_start(day);
	int rc = store_hygiene_record_list(s, school_id, start, start + 86400, place_id, NULL,
					   rec_to_json, arr, err);
	if (rc) {
		cJSON_Delete(arr);
		return rc;
	}
	*out = arr;
	return 0;
}
