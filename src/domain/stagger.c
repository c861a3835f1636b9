/*
 * stagger.c (domain) — see stagger.h.
 *
 * What the engine gets from the school:
 *   zones      the place's children (a canteen's zones); a place without
 *              children is one zone.  Capacity = seats, or with a density
 *              limit min(seats, ⌊area / m² per person⌋) where the area is
 *              known.  A zone with neither seats nor a usable area is an
 *              error that names it.
 *   classes    their active students; group = grade; floors = the
 *              (building, floor) keys of their boarders' rooms.  By default
 *              the classes the timetable already puts at the place (who
 *              eats in this canteen now); every class when it has none.
 *   slots      the given times; every slot has every zone.
 *
 * The answer always carries the lower bound and the greedy baseline next
 * to the optimiser's result, and for up to 10 classes the exhaustive
 * search proves (or disproves) optimality.  "optimal" is true only with a
 * proof: Σ meets at the bound and nobody mixing, or the exhaustive search.
 */
#include "domain/stagger.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/stagger.h"
#include "store/operations.h"

#define MAX_ZONES 64

/* ---- parsing ---------------------------------------------------------------------- */

static int parse_hhmm(const char *p, int *min, const char **end)
{
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || p[2] != ':' ||
	    !isdigit((unsigned char)p[3]) || !isdigit((unsigned char)p[4]))
		return -1;
	int h = (p[0] - '0') * 10 + (p[1] - '0'), m = (p[3] - '0') * 10 + (p[4] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	*min = h * 60 + m;
	*end = p + 5;
	return 0;
}

int stagger_parse_slots(const char *text, int *start, int *end, size_t max, size_t *n, jy_err *err)
{
	*n = 0;
	if (!text || !*text)
		return err_at(err, JY_EINVAL, "", 0, "slots",
			      "需要时段，如 11:30-12:00,12:00-12:30 (slots are required, e.g. "
			      "11:30-12:00,12:00-12:30)");
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		int a, b;
		const char *q;
		if (parse_hhmm(p, &a, &q) || *q != '-' || parse_hhmm(q + 1, &b, &q) || a >= b)
			return err_at(err, JY_EINVAL, "", 0, "slots",
				      "时段 %zu 应为 HH:MM-HH:MM 且开始早于结束 (slot %zu must be "
				      "HH:MM-HH:MM, start before end): %.40s",
				      *n + 1, *n + 1, p);
		if (*n == max)
			return err_at(err, JY_EINVAL, "", 0, "slots",
				      "时段最多 %zu 个 (at most %zu slots)", max, max);
		for (size_t i = 0; i < *n; i++)
			if (a < end[i] && start[i] < b)
				return err_at(
				    err, JY_EINVAL, "", 0, "slots",
				    "时段 %zu 与时段 %zu 重叠 (slot %zu overlaps slot %zu)", *n + 1,
				    i + 1, *n + 1, i + 1);
		start[*n] = a;
		end[*n] = b;
		(*n)++;
		while (*q == ' ')
			q++;
		if (*q == ',')
			q++;
		else if (*q)
			return err_at(err, JY_EINVAL, "", 0, "slots",
				      "时段之间用逗号分隔 (separate slots with commas)");
		p = q;
	}
	if (!*n)
		return err_at(err, JY_EINVAL, "", 0, "slots", "需要时段 (slots are required)");
	return 0;
}

int stagger_parse_weekdays(const char *text, char mask[8], jy_err *err)
{
	memcpy(mask, "0000000", 8);
	if (!text || !*text)
		text = "1-5";
	int any = 0;
	for (const char *p = text; *p; p++) {
		if (*p == ',' || *p == ' ')
			continue;
		if (*p < '1' || *p > '7')
			return err_at(err, JY_EINVAL, "", 0, "weekdays",
				      "星期应为 1–7，如 1-5 (weekdays are 1-7, e.g. 1-5): %.20s",
				      text);
		int a = *p - '0', b = a;
		if (p[1] == '-') {
			if (p[2] < '1' || p[2] > '7' || p[2] - '0' < a)
				return err_at(err, JY_EINVAL, "", 0, "weekdays",
					      "星期范围无效 (bad weekday range): %.20s", text);
			b = p[2] - '0';
			p += 2;
		}
		for (int d = a; d <= b; d++)
			mask[d - 1] = '1';
		any = 1;
	}
	if (!any)
		return err_at(err, JY_EINVAL, "", 0, "weekdays",
			      "需要星期 (weekdays are required)");
	return 0;
}

static void fmt_slot(int a, int b, char out[16])
{
	snprintf(out, 16, "%02u:%02u-%02u:%02u", (unsigned)(a / 60) % 100u, (unsigned)a % 60u,
		 (unsigned)(b / 60) % 100u, (unsigned)b % 60u);
}

/* ---- loading ---------------------------------------------------------------------- */

typedef struct zone_info {
	int64_t id;
	char name[96];
	int64_t seats; /* -1 unknown */
	double area;   /* < 0 unknown */
	int capacity;
} zone_info;

typedef struct zone_list {
	zone_info z[MAX_ZONES];
	size_t n;
	int overflow;
} zone_list;

static int add_zone(void *ctx, const place_rec *p)
{
	zone_list *l = ctx;
	if (l->n == MAX_ZONES) {
		l->overflow = 1;
		return 1;
	}
	zone_info *z = &l->z[l->n++];
	z->id = p->id;
	snprintf(z->name, sizeof z->name, "%s", p->name);
	z->seats = p->capacity;
	z->area = p->area_m2;
	return 0;
}

typedef struct class_info {
	int64_t id, grade_id;
	char name[96], grade[64];
	int people;
	int wanted;
	int64_t floors[16];
	size_t nfloors;
} class_info;

typedef struct class_list {
	class_info *c;
	size_t n, cap;
} class_list;

static int add_class(void *ctx, const ops_class_size *r)
{
	class_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		class_info *g = realloc(l->c, cap * sizeof *g);
		if (!g)
			return 1;
		l->c = g;
		l->cap = cap;
	}
	class_info *c = &l->c[l->n++];
	memset(c, 0, sizeof *c);
	c->id = r->class_id;
	c->grade_id = r->grade_id;
	snprintf(c->name, sizeof c->name, "%s", r->name);
	snprintf(c->grade, sizeof c->grade, "%s", r->grade);
	c->people = r->students > 1000000 ? 1000000 : (int)r->students;
	return 0;
}

/* A school has a few hundred classes: a linear search is enough. */
static class_info *class_by_id(class_list *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->c[i].id == id)
			return &l->c[i];
	return NULL;
}

static int mark_wanted(void *ctx, int64_t id)
{
	class_info *c = class_by_id(ctx, id);
	if (c)
		c->wanted = 1;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int add_floor(void *ctx, int64_t class_id, int64_t building_id, int floor)
{
	class_info *c = class_by_id(ctx, class_id);
	if (!c || c->nfloors == sizeof c->floors / sizeof c->floors[0])
		return 0;
	int64_t key = building_id * 4096 + ((int64_t)floor & 4095);
	for (size_t i = 0; i < c->nfloors; i++)
		if (c->floors[i] == key)
			return 0;
	c->floors[c->nfloors++] = key;
	return 0;
}

/* Resolve a place by id (all digits) or name within the school. */
static int find_place(store *s, int64_t school_id, const char *text, place_rec *p, jy_err *err)
{
	if (!text || !*text)
		return err_at(err, JY_EINVAL, "", 0, "place",
			      "需要场所名称或编号 (place name or id is required)");
	int digits = 1;
	for (const char *q = text; *q; q++)
		digits &= isdigit((unsigned char)*q) != 0;
	int rc = JY_ENOENT;
	if (digits && strlen(text) < 18) {
		rc = store_place_get(s, strtoll(text, NULL, 10), p, NULL);
		if (!rc && p->school_id != school_id)
			rc = JY_ENOENT;
	}
	if (rc)
		rc = store_place_find(s, school_id, text, p, NULL);
	if (rc == JY_ENOENT)
		return err_at(err, JY_EINVAL, "", 0, "place", "没有这个场所 (no such place): %.60s",
			      text);
	return rc ? err_set(err, rc, "读取场所失败 (could not read the place)") : 0;
}

/* ---- the answer ---------------------------------------------------------------------- */

static const char *reason_code(int r)
{
	switch (r) {
	case STAGGER_CLASS_TOO_BIG:
		return "class_too_big";
	case STAGGER_SEATS:
		return "seats";
	case STAGGER_COUNT:
		return "slots";
	case STAGGER_PACKING:
		return "packing";
	}
	return "";
}

static void short_text(const stagger_shortage *sh, const class_info *big, const char *place,
		       size_t nslots, size_t nclasses, char *out, size_t size)
{
	long long people = sh->people, seats = sh->seats_per_slot;
	long long have = seats * (long long)nslots;
	char zh[200] = "", en[200] = "";
	if (sh->slots_needed > 0) {
		snprintf(zh, sizeof zh, "；需要至少 %d 个时段，或每个时段 %lld 个座位",
			 sh->slots_needed, (long long)sh->seats_needed);
		snprintf(en, sizeof en, "; needs at least %d slots, or %lld seats a slot",
			 sh->slots_needed, (long long)sh->seats_needed);
	}
	switch (sh->reason) {
	case STAGGER_CLASS_TOO_BIG:
		snprintf(out, size,
			 "座位不足：班级 %s 有 %d 人，超过%s最大分区的 %d "
			 "个座位；班级不拆分，增加时段也无法解决，需扩大分区或换场所 "
			 "(not enough seats: class %s has %d people, more than the %d seats of the "
			 "largest zone of %s; a class is not split, "
			 "so more slots do not help — enlarge a zone or use another place)",
			 big ? big->name : "?", big ? big->people : 0, place, sh->largest_zone,
			 big ? big->name : "?", big ? big->people : 0, sh->largest_zone, place);
		break;
	case STAGGER_SEATS:
		snprintf(
		    out, size,
		    "座位不足：%lld 人，%s每个时段 %lld 个座位 × %zu 个时段 = %lld，差 %lld "
		    "个座位%s "
		    "(not enough seats: %lld people, %lld seats × %zu slots = %lld, %lld short%s)",
		    people, place, seats, nslots, have, people - have, zh, people, seats, nslots,
		    have, people - have, en);
		break;
	case STAGGER_COUNT:
		snprintf(out, size,
			 "时段不足：%zu 个班级，座位总数够，但每个分区每个时段容纳的班级有限，%zu "
			 "个时段排不下%s "
			 "(not enough slots: %zu classes; the seats suffice in total, but a zone "
			 "takes only so many classes a slot, "
			 "and %zu slots cannot hold them all%s)",
			 nclasses, nslots, zh, nclasses, nslots, en);
		break;
	case STAGGER_PACKING:
		snprintf(out, size,
			 "时段不足：座位总数够，但找不到让每个分区都不超员的拼法（%zu 个时段）%s "
			 "(not enough slots: the seats suffice in total, but no packing keeps "
			 "every zone within its seats in %zu slots%s)",
			 nslots, zh, nslots, en);
		break;
	default:
		out[0] = 0;
	}
}

static cJSON *plan_summary(const stagger_plan *p, size_t n)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "feasible", p->feasible);
	if (p->feasible) {
		cJSON_AddNumberToObject(o, "meets_total", (double)p->meets_total);
		cJSON_AddNumberToObject(o, "meets_mean",
					n ? round((double)p->meets_total / (double)n * 1000) / 1000
					  : 0);
		cJSON_AddNumberToObject(o, "meets_max", p->meets_max);
		cJSON_AddNumberToObject(o, "mixed_total", (double)p->mixed_total);
	}
	return o;
}

typedef struct run_ctx {
	store *s;
	const stagger_request *rq;
	place_rec place;
	zone_list zones;
	int start[STAGGER_MAX_SLOTS], end[STAGGER_MAX_SLOTS];
	size_t nslots;
	class_list all;
	class_info **sel; /* the classes scheduled, in roster order */
	size_t nsel;
	stagger_class *ec;
	int caps[MAX_ZONES];
} run_ctx;

static int load(run_ctx *x, jy_err *err)
{
	const stagger_request *rq = x->rq;
	store *s = x->s;
	int rc = find_place(s, rq->school_id, rq->place, &x->place, err);
	if (rc)
		return rc;
	if ((rc = stagger_parse_slots(rq->slots, x->start, x->end, STAGGER_MAX_SLOTS, &x->nslots,
				      err)))
		return rc;
	if (rq->m2_per_person < 0 || rq->m2_per_person > 1000 ||
	    rq->m2_per_person != rq->m2_per_person)
		return err_at(err, JY_EINVAL, "", 0, "m2_per_person",
			      "每人面积应为 0–1000 平方米 (m2 per person must be 0-1000)");
	if ((rc = store_ops_place_children(s, x->place.id, add_zone, &x->zones, err)))
		return rc;
	if (x->zones.overflow)
		return err_at(err, JY_EINVAL, "", 0, "place",
			      "分区过多（最多 %d 个）(too many zones, at most %d)", MAX_ZONES,
			      MAX_ZONES);
	if (x->zones.n == 0)
		add_zone(&x->zones, &x->place);
	for (size_t z = 0; z < x->zones.n; z++) {
		zone_info *zi = &x->zones.z[z];
		int64_t cap = zi->seats;
		if (rq->m2_per_person > 0 && zi->area > 0) {
			int64_t by_area = (int64_t)floor(zi->area / rq->m2_per_person + 1e-9);
			if (cap < 0 || by_area < cap)
				cap = by_area;
		}
		if (cap < 0)
			return err_at(err, JY_EINVAL, "", 0, "place",
				      "分区 %s 没有座位数%s (zone %s has no seats%s)", zi->name,
				      zi->area > 0 ? "，请给出每人面积" : "也没有面积", zi->name,
				      zi->area > 0 ? ": give m2 per person" : " and no area");
		zi->capacity = cap > 1000000000 ? 1000000000 : (int)cap;
		x->caps[z] = zi->capacity;
	}
	/* The classes. */
	if ((rc = store_ops_class_sizes(s, rq->school_id, add_class, &x->all, err)))
		return rc;
	const char *cl = rq->classes && *rq->classes ? rq->classes : NULL;
	if (cl && !strcmp(cl, "all")) {
		for (size_t i = 0; i < x->all.n; i++)
			x->all.c[i].wanted = 1;
	} else if (cl) {
		char name[128];
		for (const char *p = cl;;) {
			const char *q = strchr(p, ',');
			const char *e = q ? q : p + strlen(p);
			while (p < e && *p == ' ')
				p++;
			while (e > p && e[-1] == ' ')
				e--;
			size_t len = (size_t)(e - p);
			if (len) {
				if (len >= sizeof name)
					return err_at(err, JY_EINVAL, "", 0, "classes",
						      "班级名称过长 (class name too long)");
				memcpy(name, p, len);
				name[len] = 0;
				class_info *c = NULL;
				for (size_t i = 0; i < x->all.n && !c; i++)
					if (!strcmp(x->all.c[i].name, name))
						c = &x->all.c[i];
				if (!c)
					return err_at(err, JY_EINVAL, "", 0, "classes",
						      "没有这个班级 (no such class): %s", name);
				c->wanted = 1;
			}
			if (!q)
				break;
			p = q + 1;
		}
	} else {
		if ((rc = store_ops_place_classes(s, rq->school_id, x->place.id, mark_wanted,
						  &x->all, err)))
			return rc;
		int any = 0;
		for (size_t i = 0; i < x->all.n; i++)
			any |= x->all.c[i].wanted;
		if (!any)
			for (size_t i = 0; i < x->all.n; i++)
				x->all.c[i].wanted = 1;
	}
	if (rq->grade && *rq->grade) {
		int known = 0;
		for (size_t i = 0; i < x->all.n; i++) {
			int same = !strcmp(x->all.c[i].grade, rq->grade);
			known |= same;
			if (!same)
				x->all.c[i].wanted = 0;
		}
		if (!known)
			return err_at(err, JY_EINVAL, "", 0, "grade",
				      "没有这个年级 (no such grade): %.40s", rq->grade);
	}
	if ((rc = store_ops_dorm_floors(s, rq->school_id, add_floor, &x->all, err)))
		return rc;
	x->sel = malloc((x->all.n ? x->all.n : 1) * sizeof *x->sel);
	x->ec = calloc(x->all.n ? x->all.n : 1, sizeof *x->ec);
	if (!x->sel || !x->ec)
		return err_set(err, JY_ENOMEM, "out of memory");
	for (size_t i = 0; i < x->all.n; i++) {
		class_info *c = &x->all.c[i];
		if (!c->wanted || c->people <= 0)
			continue;
		qsort(c->floors, c->nfloors, sizeof c->floors[0], cmp_i64);
		stagger_class *e = &x->ec[x->nsel];
		e->id = c->id;
		e->people = c->people;
		e->group = c->grade_id;
		e->floors = c->floors;
		e->nfloors = c->nfloors;
		x->sel[x->nsel++] = c;
	}
	if (x->nsel > STAGGER_MAX_CLASSES)
		return err_at(err, JY_EINVAL, "", 0, "classes", "班级过多 (too many classes)");
	if (x->nslots * x->zones.n > STAGGER_MAX_UNITS)
		return err_at(err, JY_EINVAL, "", 0, "slots",
			      "时段 × 分区过多 (too many slots × zones)");
	return 0;
}

/* Order of the assignments: slot, zone, then roster order. */
typedef struct order_key {
	int slot, zone;
	size_t index;
} order_key;

static int cmp_order(const void *a, const void *b)
{
	const order_key *x = a, *y = b;
	if (x->slot != y->slot)
		return x->slot - y->slot;
	if (x->zone != y->zone)
		return x->zone - y->zone;
	return (x->index > y->index) - (x->index < y->index);
}

static cJSON *answer(run_ctx *x, const stagger_input *in, const stagger_plan *p,
		     const stagger_plan *greedy, const stagger_lower *lb, int exact_rc,
		     const stagger_plan *ex)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "feasible", p->feasible);
	cJSON *pl = cJSON_AddObjectToObject(j, "place");
	cJSON_AddNumberToObject(pl, "id", (double)x->place.id);
	cJSON_AddStringToObject(pl, "name", x->place.name);
	cJSON *slots = cJSON_AddArrayToObject(j, "slots");
	char label[STAGGER_MAX_SLOTS][16];
	for (size_t t = 0; t < x->nslots; t++) {
		fmt_slot(x->start[t], x->end[t], label[t]);
		cJSON_AddItemToArray(slots, cJSON_CreateString(label[t]));
	}
	cJSON *zones = cJSON_AddArrayToObject(j, "zones");
	for (size_t z = 0; z < x->zones.n; z++) {
		const zone_info *zi = &x->zones.z[z];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)zi->id);
		cJSON_AddStringToObject(o, "name", zi->name);
		if (zi->seats >= 0)
			cJSON_AddNumberToObject(o, "seats", (double)zi->seats);
		else
			cJSON_AddNullToObject(o, "seats");
		if (zi->area >= 0)
			cJSON_AddNumberToObject(o, "area_m2", zi->area);
		else
			cJSON_AddNullToObject(o, "area_m2");
		cJSON_AddNumberToObject(o, "capacity", zi->capacity);
		cJSON_AddItemToArray(zones, o);
	}
	cJSON *as = cJSON_AddArrayToObject(j, "assignments");
	cJSON *ml = cJSON_AddArrayToObject(j, "max_load");
	cJSON *meets = cJSON_AddArrayToObject(j, "meets");
	if (p->feasible) {
		order_key *ord = malloc((x->nsel ? x->nsel : 1) * sizeof *ord);
		if (ord) {
			for (size_t i = 0; i < x->nsel; i++)
				ord[i] = (order_key){p->slot[i], p->zone[i], i};
			qsort(ord, x->nsel, sizeof *ord, cmp_order);
			for (size_t r = 0; r < x->nsel; r++) {
				size_t i = ord[r].index;
				cJSON *o = cJSON_CreateObject();
				cJSON_AddStringToObject(o, "class", x->sel[i]->name);
				cJSON_AddStringToObject(o, "slot", label[p->slot[i]]);
				cJSON_AddStringToObject(o, "zone", x->zones.z[p->zone[i]].name);
				cJSON_AddItemToArray(as, o);
			}
			/* Per class (roster order): how many it meets, and whom. */
			for (size_t i = 0; i < x->nsel; i++) {
				cJSON *o = cJSON_CreateObject();
				cJSON_AddStringToObject(o, "class", x->sel[i]->name);
				cJSON_AddStringToObject(o, "grade", x->sel[i]->grade);
				cJSON_AddNumberToObject(o, "people", x->sel[i]->people);
				cJSON_AddNumberToObject(o, "meets", p->meets[i]);
				cJSON_AddNumberToObject(o, "mixed", p->mixed[i]);
				cJSON *met = cJSON_AddArrayToObject(o, "met");
				for (size_t k = 0; k < x->nsel; k++)
					if (k != i && p->slot[k] == p->slot[i] &&
					    p->zone[k] == p->zone[i])
						cJSON_AddItemToArray(
						    met, cJSON_CreateString(x->sel[k]->name));
				cJSON_AddItemToArray(meets, o);
			}
			free(ord);
		}
		for (size_t t = 0; t < x->nslots; t++)
			for (size_t z = 0; z < x->zones.n; z++) {
				cJSON *o = cJSON_CreateObject();
				cJSON_AddStringToObject(o, "slot", label[t]);
				cJSON_AddStringToObject(o, "zone", x->zones.z[z].name);
				cJSON_AddNumberToObject(o, "people", p->load[t * x->zones.n + z]);
				cJSON_AddNumberToObject(o, "capacity", x->caps[z]);
				cJSON_AddNumberToObject(o, "classes", p->count[t * x->zones.n + z]);
				cJSON_AddItemToArray(ml, o);
			}
	}
	char text[1024];
	const class_info *big = p->shortage.reason == STAGGER_CLASS_TOO_BIG && x->nsel
				    ? x->sel[p->shortage.class_index]
				    : NULL;
	short_text(&p->shortage, big, x->place.name, x->nslots, x->nsel, text, sizeof text);
	cJSON_AddStringToObject(j, "short", p->feasible ? "" : text);
	/* Summary: the optimiser, its bound and the greedy baseline. */
	int64_t people = 0;
	for (size_t i = 0; i < x->nsel; i++)
		people += x->sel[i]->people;
	cJSON *sum = cJSON_AddObjectToObject(j, "summary");
	cJSON_AddNumberToObject(sum, "classes", (double)x->nsel);
	cJSON_AddNumberToObject(sum, "people", (double)people);
	int64_t seats = 0;
	for (size_t z = 0; z < x->zones.n; z++)
		seats += x->caps[z];
	cJSON_AddNumberToObject(sum, "seats_per_slot", (double)seats);
	if (p->feasible) {
		cJSON_AddNumberToObject(sum, "meets_total", (double)p->meets_total);
		cJSON_AddNumberToObject(
		    sum, "meets_mean",
		    x->nsel ? round((double)p->meets_total / (double)x->nsel * 1000) / 1000 : 0);
		cJSON_AddNumberToObject(sum, "meets_max", p->meets_max);
		cJSON_AddNumberToObject(sum, "mixed_total", (double)p->mixed_total);
	}
	cJSON *b = cJSON_AddObjectToObject(sum, "lower_bound");
	cJSON_AddNumberToObject(b, "meets_total", (double)lb->meets_total);
	cJSON_AddNumberToObject(b, "meets_max", lb->meets_max);
	const char *proof = NULL;
	if (p->feasible && p->meets_total == lb->meets_total && p->mixed_total == 0)
		proof = "lower_bound";
	else if (p->feasible && exact_rc == 0 && ex->feasible &&
		 ex->meets_total == p->meets_total && ex->mixed_total == p->mixed_total)
		proof = "exhaustive";
	cJSON_AddBoolToObject(sum, "optimal", proof != NULL);
	if (proof)
		cJSON_AddStringToObject(sum, "proof", proof);
	else
		cJSON_AddNullToObject(sum, "proof");
	cJSON_AddItemToObject(sum, "greedy", plan_summary(greedy, x->nsel));
	/* The proof that no (slot, zone) is over capacity: recomputed from the
	 * assignment alone, apart from the search's own bookkeeping. */
	cJSON_AddBoolToObject(sum, "capacity_verified",
			      p->feasible && stagger_verify(in, p->slot, p->zone, NULL) == 0);
	if (p->feasible) {
		cJSON_AddNullToObject(j, "shortage");
	} else {
		cJSON *sh = cJSON_AddObjectToObject(j, "shortage");
		cJSON_AddStringToObject(sh, "reason", reason_code(p->shortage.reason));
		cJSON_AddNumberToObject(sh, "people", (double)p->shortage.people);
		cJSON_AddNumberToObject(sh, "seats_per_slot", (double)p->shortage.seats_per_slot);
		cJSON_AddNumberToObject(sh, "slots", (double)x->nslots);
		cJSON_AddNumberToObject(
		    sh, "seats_short",
		    (double)(p->shortage.people > p->shortage.seats_per_slot * (int64_t)x->nslots
				 ? p->shortage.people -
				       p->shortage.seats_per_slot * (int64_t)x->nslots
				 : 0));
		cJSON_AddNumberToObject(sh, "seats_needed", (double)p->shortage.seats_needed);
		if (p->shortage.slots_needed > 0)
			cJSON_AddNumberToObject(sh, "slots_needed", p->shortage.slots_needed);
		else
			cJSON_AddNullToObject(sh, "slots_needed");
		if (big) {
			cJSON_AddStringToObject(sh, "class", big->name);
			cJSON_AddNumberToObject(sh, "largest_zone", p->shortage.largest_zone);
		}
	}
	return j;
}

/* Write the schedule into the timetable and keep it; in a transaction. */
static int save(run_ctx *x, const stagger_plan *p, const stagger_lower *lb, cJSON *doc, jy_err *err)
{
	const stagger_request *rq = x->rq;
	char mask[8];
	int rc = stagger_parse_weekdays(rq->weekdays, mask, err);
	if (rc)
		return rc;
	const char *subject = rq->subject && *rq->subject ? rq->subject : "午餐（错峰）";
	if (strlen(subject) >= sizeof(((timetable_rec *)0)->subject))
		return err_at(err, JY_EINVAL, "", 0, "subject", "科目名称过长 (subject too long)");
	char slots[512] = "";
	for (size_t t = 0; t < x->nslots; t++) {
		char l[16];
		fmt_slot(x->start[t], x->end[t], l);
		size_t n = strlen(slots);
		snprintf(slots + n, sizeof slots - n, "%s%s", t ? "," : "", l);
	}
	if ((rc = store_begin(x->s, err)))
		return rc;
	int64_t rows = 0, replaced = 0;
	for (size_t i = 0; i < x->nsel && !rc; i++)
		for (int d = 1; d <= 7 && !rc; d++) {
			if (mask[d - 1] != '1')
				continue;
			int64_t del = 0;
			rc = store_ops_timetable_clear(x->s, rq->school_id, x->sel[i]->id,
						       x->place.id, d, &del, err);
			replaced += del;
			if (rc)
				break;
			timetable_rec t;
			memset(&t, 0, sizeof t);
			t.school_id = rq->school_id;
			t.class_id = x->sel[i]->id;
			t.place_id = x->zones.z[p->zone[i]].id;
			t.weekday = d;
			t.start_min = x->start[p->slot[i]];
			t.end_min = x->end[p->slot[i]];
			snprintf(t.subject, sizeof t.subject, "%s", subject);
			int64_t id;
			rc = store_timetable_add(x->s, &t, &id, err);
			rows += !rc;
		}
	char *text = NULL;
	int64_t plan_id = 0;
	if (!rc) {
		text = cJSON_PrintUnformatted(doc);
		if (!text)
			rc = err_set(err, JY_ENOMEM, "out of memory");
	}
	if (!rc) {
		stagger_plan_rec r;
		memset(&r, 0, sizeof r);
		r.school_id = rq->school_id;
		r.place_id = x->place.id;
		snprintf(r.slots, sizeof r.slots, "%s", slots);
		char wd[16] = "";
		for (int d = 1, k = 0; d <= 7; d++)
			if (mask[d - 1] == '1')
				wd[k++] = (char)('0' + d);
		snprintf(r.weekdays, sizeof r.weekdays, "%s", wd);
		snprintf(r.subject, sizeof r.subject, "%s", subject);
		r.classes = (int)x->nsel;
		r.meets_total = p->meets_total;
		r.meets_max = p->meets_max;
		r.lower_bound = lb->meets_total;
		r.result = text;
		r.created_by = rq->user_id;
		rc = store_stagger_plan_add(x->s, &r, &plan_id, err);
	}
	free(text);
	if (rc) {
		store_rollback(x->s);
		return rc;
	}
	if ((rc = store_commit(x->s, err)))
		return rc;
	cJSON *sv = cJSON_CreateObject();
	cJSON_AddNumberToObject(sv, "plan_id", (double)plan_id);
	cJSON_AddNumberToObject(sv, "timetable_rows", (double)rows);
	cJSON_AddNumberToObject(sv, "replaced_rows", (double)replaced);
	cJSON_AddStringToObject(sv, "subject", subject);
	cJSON_ReplaceItemInObject(doc, "saved", sv);
	return 0;
}

int stagger_place_run(store *s, const stagger_request *rq, cJSON **out, jy_err *err)
{
	*out = NULL;
	run_ctx *x = calloc(1, sizeof *x);
	if (!x)
		return err_set(err, JY_ENOMEM, "out of memory");
	x->s = s;
	x->rq = rq;
	stagger_plan p, g, e;
	memset(&p, 0, sizeof p);
	memset(&g, 0, sizeof g);
	memset(&e, 0, sizeof e);
	int rc = load(x, err);
	if (rc)
		goto out;
	stagger_input in = {x->ec,	x->nsel,   x->caps,
			    x->zones.n, x->nslots, rq->seed ? rq->seed : 20200512,
			    rq->effort};
	int erc = -1;
	if (stagger_solve(&in, &p) || stagger_greedy(&in, &g)) {
		rc = err_set(err, JY_ENOMEM, "错峰计算失败 (the optimiser failed: out of memory)");
		goto out;
	}
	stagger_lower lb;
	stagger_bound(&in, &lb);
	/* Small instances: prove optimality by exhaustive search. */
	if (p.feasible && x->nsel <= 10)
		erc = stagger_exact(&in, 2000000, &e);
	cJSON *doc = answer(x, &in, &p, &g, &lb, erc, &e);
	cJSON_AddNullToObject(doc, "saved");
	if (rq->save) {
		if (!p.feasible) {
			cJSON_Delete(doc);
			rc = err_at(
			    err, JY_ECONFLICT, "", 0, "save",
			    "没有可行的错峰安排，未保存 (no feasible schedule, nothing saved)");
			goto out;
		}
		if ((rc = save(x, &p, &lb, doc, err))) {
			cJSON_Delete(doc);
			goto out;
		}
	}
	*out = doc;
out:
	stagger_plan_free(&p);
	stagger_plan_free(&g);
	stagger_plan_free(&e);
	free(x->all.c);
	free(x->sel);
	free(x->ec);
	free(x);
	return rc;
}
