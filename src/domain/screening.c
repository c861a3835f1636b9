/*
 * screening.c — see screening.h.
 *
 * A bulk run (screening_run) reads the people expected back, the lifts of
 * the school, and then every declaration recent enough to matter in one
 * pass in person order (the per-person digests), screening each person as
 * soon as their last declaration has gone by; people who declared nothing
 * are screened on the way.  On SQLite a second thread on its own
 * connection reads and screens while the first loads the people and then
 * writes the changed results as the answers come, 64 rows a statement.
 * Results are written in one transaction, all or nothing.
 */
#include "domain/screening.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "domain/codes.h"
#include "domain/return_plan.h"
#include "store/digest.h"
#include "util/date.h"

#define MAX_REASONS 64

/* CPU time of the calling thread so far, ms. */
static double tcpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ---- loading the rules and risk regions ---- */

static int rule_kind(const char *k)
{
	static const struct {
		const char *name;
		int kind;
	} kinds[] = {
		{ "no_declaration", SCREEN_RULE_NO_DECLARATION }, { "fever", SCREEN_RULE_FEVER },
		{ "symptom", SCREEN_RULE_SYMPTOM },               { "contact", SCREEN_RULE_CONTACT },
		{ "stay_risk", SCREEN_RULE_STAY_RISK },           { "stay_region", SCREEN_RULE_STAY_REGION },
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(k, kinds[i].name))
			return kinds[i].kind;
	return -1;
}

typedef struct rule_buf {
	screen_rule_rec *items;
	size_t n, cap;
	int failed;
} rule_buf;

static int add_rule(void *ctx, const screen_rule_rec *r)
{
	rule_buf *b = ctx;
	if (!r->enabled)
		return 0;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		screen_rule_rec *g = realloc(b->items, cap * sizeof *g);
		if (!g)
			return (b->failed = 1);
		b->items = g;
		b->cap = cap;
	}
	b->items[b->n++] = *r;
	return 0;
}

typedef struct risk_buf {
	screen_risk *items;
	char (*regions)[192];
	size_t n, cap;
	int failed;
} risk_buf;

static int add_risk(void *ctx, const risk_region_rec *r)
{
	risk_buf *b = ctx;
	int32_t from, to = INT32_MAX;
	int level = screen_level_parse(r->level);
	if (date_parse(r->valid_from, &from) || level < 0 || (r->valid_to[0] && date_parse(r->valid_to, &to)))
		return 0; /* checked on the way in; never trust half of a row */
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		screen_risk *g = realloc(b->items, cap * sizeof *g);
		if (!g)
			return (b->failed = 1);
		b->items = g;
		char(*rg)[192] = realloc(b->regions, cap * sizeof *rg);
		if (!rg)
			return (b->failed = 1);
		b->regions = rg;
		b->cap = cap;
	}
	snprintf(b->regions[b->n], sizeof b->regions[0], "%s", r->region);
	b->items[b->n] = (screen_risk){ NULL, level, from, to };
	b->n++;
	return 0;
}

int screening_load(store *s, int64_t school_id, screening *out, jy_err *err)
{
	memset(out, 0, sizeof *out);
	rule_buf rb = { 0 };
	risk_buf kb = { 0 };
	screen_rule *rules = NULL;
	int rc = store_screen_rule_list(s, school_id, add_rule, &rb, err);
	if (!rc)
		rc = store_risk_version_current(s, school_id, &out->risk_version, err);
	if (!rc)
		rc = store_screen_config_version(s, school_id, &out->config_version, err);
	if (!rc)
		rc = store_risk_region_list(s, out->risk_version, add_risk, &kb, err);
	if (!rc && (rb.failed || kb.failed))
		rc = err_set(err, JY_ENOMEM, "out of memory");
	if (rc)
		goto out;
	rules = calloc(rb.n ? rb.n : 1, sizeof *rules);
	if (!rules) {
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto out;
	}
	size_t n = 0;
	for (size_t i = 0; i < rb.n; i++) {
		screen_rule_rec *r = &rb.items[i];
		int kind = rule_kind(r->kind);
		int status = screen_status_parse(r->status);
		if (kind < 0 || status < SCREEN_MONITOR || r->window_days < 1)
			continue;
		rules[n] = (screen_rule){ r->id, kind, screen_level_parse(r->level), r->region,
					  r->window_days, r->threshold, status, r->reason_zh, r->reason_en };
		rb.items[n] = *r;
		if (r->window_days > out->max_window)
			out->max_window = r->window_days;
		n++;
	}
	for (size_t i = 0; i < kb.n; i++)
		kb.items[i].region = kb.regions[i];
	if (screen_set_new(rules, n, kb.items, kb.n, &out->set)) {
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto out;
	}
	out->rules = rb.items;
	out->nrules = n;
	rb.items = NULL;
	if (out->max_window < 1)
		out->max_window = 1;
out:
	free(rules);
	free(rb.items);
	free(kb.items);
	free(kb.regions);
	if (rc)
		screening_free(out);
	return rc;
}

void screening_free(screening *sc)
{
	if (!sc)
		return;
	screen_set_free(sc->set);
	free(sc->rules);
	sc->set = NULL;
	sc->rules = NULL;
	sc->nrules = 0;
}

/* ---- one person's items ---- */

typedef struct item_buf {
	screen_item *items;
	size_t *off;               /* 3 text offsets per item: region, symptoms zh, en */
	size_t n, cap;
	char *text;
	size_t tlen, tcap;
	int failed;
	struct {
		char text[11];     /* a date YYYY-MM-DD parsed before ("" = none) */
		int32_t day;
	} days[64];                /* a school's facts fall on a few dozen days */
} item_buf;

/* date_parse, remembering the answers for valid dates. */
static int item_day(item_buf *b, const char *s, int32_t *day)
{
	if (s[0] < '0' || s[0] > '9' || strnlen(s, 11) != 10)
		return date_parse(s, day);
	unsigned h = ((unsigned char)s[3] * 31u + (unsigned char)s[6] * 7u + (unsigned char)s[8] * 3u +
		      (unsigned char)s[9]) & 63u;
	if (!memcmp(b->days[h].text, s, 11)) {
		*day = b->days[h].day;
		return 0;
	}
	if (date_parse(s, day))
		return -1;
	memcpy(b->days[h].text, s, 11);
	b->days[h].day = *day;
	return 0;
}

/* The offset of an empty text (most facts have no region or symptoms). */
#define NO_TEXT ((size_t)-1)

static size_t put_text(item_buf *b, const char *s)
{
	size_t n = strlen(s) + 1;
	if (b->tlen + n > b->tcap) {
		size_t cap = b->tcap ? b->tcap : 1024;
		while (cap < b->tlen + n)
			cap *= 2;
		char *g = realloc(b->text, cap);
		if (!g) {
			b->failed = 1;
			return 0;
		}
		b->text = g;
		b->tcap = cap;
	}
	memcpy(b->text + b->tlen, s, n);
	b->tlen += n;
	return b->tlen - n;
}

/* The Chinese and English names of a symptom code list. */
static void symptom_names(const char *codes, char *zh, size_t zsize, char *en, size_t esize)
{
	char buf[200];
	snprintf(buf, sizeof buf, "%s", codes);
	zh[0] = en[0] = 0;
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const code_name *c = codes_symptom(t);
		size_t a = strlen(zh), b = strlen(en);
		snprintf(zh + a, zsize - a, "%s%s", a ? "、" : "", c ? c->zh : t);
		snprintf(en + b, esize - b, "%s%s", b ? ", " : "", c ? c->en : t);
	}
}

static void item_add(item_buf *b, const declaration_fact *d)
{
	int32_t from, to;
	if (item_day(b, d->date_from, &from))
		return;
	/* A day's report has one date twice: parse it once. */
	if (d->date_to == d->date_from || !strcmp(d->date_to, d->date_from))
		to = from;
	else if (item_day(b, d->date_to, &to))
		return;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		screen_item *g = realloc(b->items, cap * sizeof *g);
		size_t *o = g ? realloc(b->off, cap * 3 * sizeof *o) : NULL;
		if (g)
			b->items = g;
		if (!o) {
			b->failed = 1;
			return;
		}
		b->off = o;
		b->cap = cap;
	}
	screen_item *it = &b->items[b->n];
	it->kind = d->kind[0] == 'h' && !strcmp(d->kind, "health") ? SCREEN_HEALTH :
		   !strcmp(d->kind, "stay") ? SCREEN_STAY : SCREEN_CONTACT;
	it->from = from;
	it->to = to;
	it->temperature = d->temperature;
	size_t *o = &b->off[b->n * 3];
	o[0] = d->region[0] ? put_text(b, d->region) : NO_TEXT;
	if (d->symptoms[0]) {
		char zh[400], en[400];
		symptom_names(d->symptoms, zh, sizeof zh, en, sizeof en);
		o[1] = put_text(b, zh);
		o[2] = put_text(b, en);
	} else {
		o[1] = o[2] = NO_TEXT;
	}
	b->n++;
}

/* Point the items at their texts (after the last put_text). */
static void item_fix(item_buf *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const size_t *o = &b->off[i * 3];
		b->items[i].region = o[0] == NO_TEXT ? "" : b->text + o[0];
		b->items[i].symptoms_zh = o[1] == NO_TEXT ? "" : b->text + o[1];
		b->items[i].symptoms_en = o[2] == NO_TEXT ? "" : b->text + o[2];
	}
}

static void item_free(item_buf *b)
{
	free(b->items);
	free(b->off);
	free(b->text);
	memset(b, 0, sizeof *b);
}

/* Any item on a day of [return - max_window + 1, return]? */
static int has_declared(const item_buf *b, int32_t rday, int max_window)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->items[i].from <= rday && b->items[i].to >= rday - max_window + 1)
			return 1;
	return 0;
}

/* The reasons as a JSON array (malloc'd text). */
static char *reasons_json(const screening *sc, const screen_result *r)
{
	if (!r->n)
		return strdup("[]");
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < r->n; i++) {
		const screen_reason *x = &r->reasons[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "rule", (double)sc->rules[x->rule].id);
		cJSON_AddStringToObject(o, "status", screen_status_name(x->status));
		cJSON_AddStringToObject(o, "zh", x->zh);
		cJSON_AddStringToObject(o, "en", x->en);
		cJSON_AddBoolToObject(o, "lifted", x->lifted);
		cJSON_AddItemToArray(a, o);
	}
	char *text = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return text;
}

/* ---- lifts ---- */

typedef struct lift_buf {
	int64_t *person;
	char **text;               /* one lifted reason (Chinese) each */
	size_t n, cap;
	int failed;
} lift_buf;

static int add_lift(void *ctx, const hold_lift_rec *l)
{
	lift_buf *b = ctx;
	const char *p = l->reasons;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len) {
			if (b->n == b->cap) {
				size_t cap = b->cap ? b->cap * 2 : 16;
				int64_t *g = realloc(b->person, cap * sizeof *g);
				char **t = g ? realloc(b->text, cap * sizeof *t) : NULL;
				if (g)
					b->person = g;
				if (!t)
					return (b->failed = 1);
				b->text = t;
				b->cap = cap;
			}
			b->text[b->n] = strndup(p, len);
			if (!b->text[b->n])
				return (b->failed = 1);
			b->person[b->n++] = l->person_id;
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

static void lift_free(lift_buf *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->text[i]);
	free(b->text);
	free(b->person);
	memset(b, 0, sizeof *b);
}

/* The lifted texts of person (lifts are grouped by person). */
static const char *const *lifts_of(const lift_buf *b, int64_t person, size_t *n)
{
	size_t i = 0;
	while (i < b->n && b->person[i] != person)
		i++;
	size_t j = i;
	while (j < b->n && b->person[j] == person)
		j++;
	*n = j - i;
	return (const char *const *)(b->text ? b->text + i : NULL);
}

/* ---- one person ---- */

static int add_item_cb(void *ctx, const declaration_rec *d)
{
	declaration_fact f = { d->person_id, d->kind, d->date_from, d->date_to, d->region, d->symptoms,
			       d->temperature };
	item_add(ctx, &f);
	return ((item_buf *)ctx)->failed;
}

int screening_person(store *s, const screening *sc, int64_t school_id, int64_t person_id,
		     const char *return_date, screen_result_rec *out, jy_err *err)
{
	int32_t rday;
	if (date_parse(return_date, &rday))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	item_buf items = { 0 };
	lift_buf lifts = { 0 };
	screen_reason *reasons = calloc(MAX_REASONS, sizeof *reasons);
	char *json = NULL;
	int rc = reasons ? 0 : err_set(err, JY_ENOMEM, "out of memory");
	if (!rc)
		rc = store_declaration_list(s, person_id, add_item_cb, &items, err);
	if (!rc)
		rc = store_hold_lift_list(s, school_id, person_id, add_lift, &lifts, err);
	if (!rc && (items.failed || lifts.failed))
		rc = err_set(err, JY_ENOMEM, "out of memory");
	if (rc)
		goto out;
	item_fix(&items);
	screen_result r = { .reasons = reasons, .cap = MAX_REASONS };
	screen_person(sc->set, rday, items.items, items.n, (const char *const *)lifts.text, lifts.n, &r);
	json = reasons_json(sc, &r);
	if (!json) {
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto out;
	}
	screen_result_rec rec;
	memset(&rec, 0, sizeof rec);
	rec.school_id = school_id;
	rec.person_id = person_id;
	snprintf(rec.return_date, sizeof rec.return_date, "%s", return_date);
	snprintf(rec.status, sizeof rec.status, "%s", screen_status_name(r.status));
	rec.reasons = json;
	rec.risk_version_id = sc->risk_version;
	rec.config_version = sc->config_version;
	rec.declared = has_declared(&items, rday, sc->max_window);
	rec.screened_at = (int64_t)time(NULL);
	rc = store_screen_result_put(s, &rec, err);
	if (!rc && out) {
		*out = rec;
		json = NULL; /* now the caller's */
	}
out:
	free(json);
	free(reasons);
	item_free(&items);
	lift_free(&lifts);
	return rc;
}

typedef struct date_list {
	char (*d)[11];
	size_t n, cap;
	int failed;
} date_list;

static void date_add(date_list *l, const char *date)
{
	if (!date[0])
		return;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->d[i], date))
			return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		char(*g)[11] = realloc(l->d, cap * sizeof *g);
		if (!g) {
			l->failed = 1;
			return;
		}
		l->d = g;
		l->cap = cap;
	}
	snprintf(l->d[l->n++], 11, "%s", date);
}

static int add_date(void *ctx, const char *date)
{
	date_add(ctx, date);
	return ((date_list *)ctx)->failed;
}

int screening_refresh_person(store *s, const screening *sc, int64_t school_id, int64_t person_id,
			     jy_err *err)
{
	person_rec p;
	int rc = store_person_get(s, person_id, &p, err);
	if (rc)
		return rc;
	date_list dates = { 0 };
	char planned[11];
	int plan = 0;
	rc = store_screen_result_dates(s, person_id, add_date, &dates, err);
	if (!rc)
		rc = return_plan_date(s, school_id, p.kind, p.class_id, planned, &plan, err);
	if (!rc) {
		date_add(&dates, planned);
		if (dates.failed)
			rc = err_set(err, JY_ENOMEM, "out of memory");
	}
	for (size_t i = 0; !rc && i < dates.n; i++)
		rc = screening_person(s, sc, school_id, person_id, dates.d[i], NULL, err);
	free(dates.d);
	return rc;
}

int screening_refresh_people(store *s, int64_t school_id, const int64_t *ids, size_t n, jy_err *err)
{
	if (!n)
		return 0;
	screening sc;
	int rc = screening_load(s, school_id, &sc, err);
	if (rc)
		return rc;
	rc = store_begin(s, err);
	for (size_t i = 0; !rc && i < n; i++)
		if (i == 0 || ids[i] != ids[i - 1])
			rc = screening_refresh_person(s, &sc, school_id, ids[i], err);
	screening_free(&sc);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int screening_status(store *s, int64_t school_id, int64_t person_id, const char *return_date,
		     int want_reasons, screen_result_rec *out, jy_err *err)
{
	int64_t current = 0;
	int rc = store_screen_config_version(s, school_id, &current, err);
	if (rc)
		return rc;
	rc = store_screen_result_get(s, person_id, return_date, want_reasons, out, err);
	if (rc == 0 && out->config_version >= current)
		return 0;
	if (rc && rc != JY_ENOENT)
		return rc;
	if (rc == 0) {
		free(out->reasons);
		out->reasons = NULL;
	}
	err_clear(err);
	screening sc;
	rc = screening_load(s, school_id, &sc, err);
	if (rc)
		return rc;
	rc = screening_person(s, &sc, school_id, person_id, return_date, out, err);
	screening_free(&sc);
	if (!rc && !want_reasons) {
		free(out->reasons);
		out->reasons = NULL;
	}
	return rc;
}

/* ---- everyone expected back on a date ---- */

typedef struct run_person {
	int64_t id;
	char *reasons;             /* NULL = "[]" */
	uint32_t number, name;     /* offsets into the run's names */
	int32_t cls;               /* index into the run's classes, -1 = none */
	int status;                /* -1 until screened */
	int declared;
	int staff;
} run_person;

typedef struct run_class {
	int64_t id;
	uint32_t name;             /* offset into the run's names */
	char date[11];             /* its batch's return date, "" = none */
} run_class;

/* A stored result, compactly: a run does not rewrite what has not changed. */
typedef struct old_result {
	int64_t person_id, risk_version, config_version;
	uint64_t reasons_hash;
	int status, declared;
} old_result;

typedef struct run_ctx {
	const screening *sc;
	const char *date;
	int32_t rday;
	int plan;
	char first[11];
	run_person *people;
	size_t n, cap;
	run_class *classes;
	size_t nclass, capclass;
	int classes_sorted;
	item_buf names;            /* its text: numbers, names, class names */
	lift_buf lifts;
	item_buf items;
	int64_t cur;               /* person whose declarations are being read */
	run_person *cur_p;         /* NULL: not expected */
	screen_reason *reasons;
	long declarations;
	old_result *old;
	size_t nold, capold;
	int failed;
} run_ctx;

static uint64_t text_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int add_old(void *vctx, const screen_result_rec *r)
{
	run_ctx *x = vctx;
	if (x->nold == x->capold) {
		size_t cap = x->capold ? x->capold * 2 : 1024;
		old_result *g = realloc(x->old, cap * sizeof *g);
		if (!g)
			return (x->failed = 1);
		x->old = g;
		x->capold = cap;
	}
	x->old[x->nold++] = (old_result){ r->person_id, r->risk_version_id, r->config_version,
					  text_hash(r->reasons), screen_status_parse(r->status), r->declared };
	return 0;
}

static int cmp_old(const void *a, const void *b)
{
	const old_result *x = a, *y = b;
	return (x->person_id > y->person_id) - (x->person_id < y->person_id);
}

static int add_class(void *vctx, const screen_class_row *c)
{
	run_ctx *x = vctx;
	if (x->nclass == x->capclass) {
		size_t cap = x->capclass ? x->capclass * 2 : 64;
		run_class *g = realloc(x->classes, cap * sizeof *g);
		if (!g)
			return (x->failed = 1);
		x->classes = g;
		x->capclass = cap;
	}
	run_class *k = &x->classes[x->nclass++];
	k->id = c->id;
	k->name = (uint32_t)put_text(&x->names, c->name);
	snprintf(k->date, sizeof k->date, "%s", c->return_date);
	return x->names.failed;
}

static int cmp_class(const void *a, const void *b)
{
	const run_class *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int add_expected(void *vctx, const screen_person_row *p)
{
	run_ctx *x = vctx;
	if (!x->classes_sorted) {
		if (x->nclass)
			qsort(x->classes, x->nclass, sizeof *x->classes, cmp_class);
		x->classes_sorted = 1;
	}
	run_class key = { .id = p->class_id };
	const run_class *k = p->class_id && x->nclass ?
				     bsearch(&key, x->classes, x->nclass, sizeof key, cmp_class) : NULL;
	int staff = !strcmp(p->kind, "staff");
	const char *planned = staff ? x->first : k ? k->date : "";
	if (x->plan && strcmp(planned, x->date))
		return 0;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 1024;
		run_person *g = realloc(x->people, cap * sizeof *g);
		if (!g)
			return (x->failed = 1);
		x->people = g;
		x->cap = cap;
	}
	run_person *r = &x->people[x->n++];
	r->id = p->id;
	r->reasons = NULL;
	r->number = (uint32_t)put_text(&x->names, p->number);
	r->name = (uint32_t)put_text(&x->names, p->name);
	r->cls = k ? (int32_t)(k - x->classes) : -1;
	r->status = -1;
	r->declared = 0;
	r->staff = staff;
	return x->names.failed;
}

static int cmp_run_id(const void *a, const void *b)
{
	const run_person *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_run_number(const void *a, const void *b, void *names)
{
	const char *t = names;
	return strcmp(t + ((const run_person *)a)->number, t + ((const run_person *)b)->number);
}

/* Screen person id over items (then emptied): status, declared, reasons
 * (NULL = none; sets *failed when out of memory). */
static void screen_items(const screening *sc, int32_t rday, const lift_buf *lifts, item_buf *items,
			 screen_reason *reasons, int64_t id, int *status, int *declared, char **json,
			 int *failed)
{
	item_fix(items);
	size_t nl = 0;
	const char *const *lifted = lifts->n ? lifts_of(lifts, id, &nl) : NULL;
	screen_result r = { .reasons = reasons, .cap = MAX_REASONS };
	screen_person(sc->set, rday, items->items, items->n, lifted, nl, &r);
	*status = r.status;
	*declared = has_declared(items, rday, sc->max_window);
	*json = NULL;
	if (r.n) {
		*json = reasons_json(sc, &r);
		if (!*json)
			*failed = 1;
	}
	items->n = 0;
	items->tlen = 0;
}

static void run_screen(run_ctx *x, run_person *p)
{
	screen_items(x->sc, x->rday, &x->lifts, &x->items, x->reasons, p->id, &p->status, &p->declared,
		     &p->reasons, &x->failed);
}

/* ---- reading and screening on a second thread ----
 * With two cores, a second connection reads the lifts and the digests and
 * screens everyone who declared, while the first loads the people and the
 * stored results; the first then takes the answers of the people expected
 * and screens those who declared nothing.  Same inputs, same engine. */

typedef struct pre_result {
	int64_t id;
	int status, declared;
	long ndecl;
	char *reasons;
} pre_result;

/* Thread 2's results, in person order, in blocks that never move: the
 * first thread reads those published while the second still adds more. */
#define PRE_BLOCK 4096
#define PRE_BLOCKS 4096

typedef struct pre_ctx {
	const screening *sc;
	int32_t rday;
	store *s2;
	int64_t school_id;
	const char *since;
	lift_buf lifts;
	item_buf items;
	screen_reason *reasons;
	pre_result *blk[PRE_BLOCKS];
	size_t n;                  /* results written (the second thread's) */
	int64_t cur;
	long ncur;
	int failed, rc;
	double cpu;                /* the thread's CPU time, ms */
	jy_err err;
	pthread_mutex_t mu;        /* guards published and done */
	pthread_cond_t cv;
	size_t published;          /* results the first thread may read */
	int done;
} pre_ctx;

static void pre_publish(pre_ctx *x, int done)
{
	pthread_mutex_lock(&x->mu);
	x->published = x->n;
	x->done |= done;
	pthread_cond_broadcast(&x->cv);
	pthread_mutex_unlock(&x->mu);
}

static void pre_finish(pre_ctx *x)
{
	if (x->cur < 0)
		return;
	size_t b = x->n / PRE_BLOCK;
	if (b >= PRE_BLOCKS || (!x->blk[b] && !(x->blk[b] = malloc(PRE_BLOCK * sizeof *x->blk[b])))) {
		x->failed = 1;
		return;
	}
	pre_result *p = &x->blk[b][x->n % PRE_BLOCK];
	p->id = x->cur;
	p->ndecl = x->ncur;
	screen_items(x->sc, x->rday, &x->lifts, &x->items, x->reasons, x->cur, &p->status, &p->declared,
		     &p->reasons, &x->failed);
	if (++x->n % 1024 == 0)
		pre_publish(x, 0);
}

/* Result k of the second thread, once published; NULL when it ended with
 * fewer.  *avail caches how many are known to be published. */
static pre_result *pre_get(pre_ctx *x, size_t k, size_t *avail)
{
	if (k >= *avail) {
		pthread_mutex_lock(&x->mu);
		while (x->published <= k && !x->done)
			pthread_cond_wait(&x->cv, &x->mu);
		*avail = x->published;
		pthread_mutex_unlock(&x->mu);
		if (k >= *avail)
			return NULL;
	}
	return &x->blk[k / PRE_BLOCK][k % PRE_BLOCK];
}

static int pre_decl(void *vctx, const declaration_fact *d)
{
	pre_ctx *x = vctx;
	if (d->person_id != x->cur) {
		pre_finish(x);
		x->cur = d->person_id;
		x->ncur = 0;
	}
	item_add(&x->items, d);
	x->ncur++;
	return x->failed || x->items.failed;
}

static void *pre_main(void *arg)
{
	pre_ctx *x = arg;
	x->cur = -1;
	x->rc = store_hold_lift_list(x->s2, x->school_id, 0, add_lift, &x->lifts, &x->err);
	if (!x->rc)
		x->rc = store_declaration_digests(x->s2, x->school_id, x->since, pre_decl, x, &x->err);
	if (!x->rc)
		pre_finish(x);
	if (!x->rc && (x->failed || x->items.failed || x->lifts.failed))
		x->rc = err_set(&x->err, JY_ENOMEM, "out of memory");
	x->cpu = tcpu();
	pre_publish(x, 1);
	return NULL;
}

static void pre_free(pre_ctx *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->blk[i / PRE_BLOCK][i % PRE_BLOCK].reasons);
	for (size_t b = 0; b < PRE_BLOCKS && x->blk[b]; b++)
		free(x->blk[b]);
	free(x->reasons);
	lift_free(&x->lifts);
	item_free(&x->items);
	store_close(x->s2);
	pthread_mutex_destroy(&x->mu);
	pthread_cond_destroy(&x->cv);
}

static int run_decl(void *vctx, const declaration_fact *d)
{
	run_ctx *x = vctx;
	if (d->person_id != x->cur) {
		if (x->cur_p)
			run_screen(x, x->cur_p);
		x->cur = d->person_id;
		run_person key = { .id = d->person_id };
		x->cur_p = x->n ? bsearch(&key, x->people, x->n, sizeof key, cmp_run_id) : NULL;
	}
	if (x->cur_p) {
		item_add(&x->items, d);
		x->declarations++;
	}
	return x->failed || x->items.failed;
}

/* ---- a person's answer against the stored one ---- */

static const old_result same_as_stored;

/* The person's stored result when their answer differs from it, NULL when
 * they have none, &same_as_stored when it is the same. */
static const old_result *run_old(const run_ctx *x, const run_person *p)
{
	old_result key = { .person_id = p->id };
	const old_result *o = x->nold ? bsearch(&key, x->old, x->nold, sizeof key, cmp_old) : NULL;
	if (o && o->status == p->status && o->declared == p->declared &&
	    o->risk_version == x->sc->risk_version && o->config_version == x->sc->config_version &&
	    o->reasons_hash == text_hash(p->reasons ? p->reasons : "[]"))
		return &same_as_stored;
	return o;
}

/* ---- writing a run's results as they come ----
 * Rows go out 64 at a time (one statement each) while the second thread
 * still screens; the transaction begins with the first row to write, so a
 * run that changes nothing never takes the write lock. */

typedef struct run_writer {
	store *s;
	screen_result_head h;
	screen_result_row fresh[64], changed[64];
	size_t nfresh, nchanged;
	int begun, rc;
	long written;
	jy_err *err;
} run_writer;

static void wr_flush(run_writer *w, int fresh, size_t n)
{
	if (w->rc || !n)
		return;
	if (!w->begun) {
		if ((w->rc = store_begin(w->s, w->err)))
			return;
		w->begun = 1;
	}
	w->rc = store_screen_results_put(w->s, &w->h, fresh ? w->fresh : w->changed, n, fresh, w->err);
}

static void wr_add(run_writer *w, const screen_result_row *r, int fresh)
{
	w->written++;
	if (fresh) {
		w->fresh[w->nfresh++] = *r;
		if (w->nfresh == 64)
			wr_flush(w, 1, 64), w->nfresh = 0;
	} else {
		w->changed[w->nchanged++] = *r;
		if (w->nchanged == 64)
			wr_flush(w, 0, 64), w->nchanged = 0;
	}
}

/* The rest, and the commit (or the rollback of a failed run). */
static int wr_finish(run_writer *w, int failed)
{
	if (!failed) {
		wr_flush(w, 1, w->nfresh);
		wr_flush(w, 0, w->nchanged);
	}
	if (!w->begun)
		return w->rc;
	if (w->rc || failed)
		store_rollback(w->s);
	else
		w->rc = store_commit(w->s, w->err);
	return w->rc;
}

/* After a conflict: every row that differs from what the run read,
 * replaced, in one transaction of its own. */
static int run_store_again(store *s, const run_ctx *x, const screen_result_head *h, jy_err *err)
{
	screen_result_row *rows = malloc((x->n ? x->n : 1) * sizeof *rows);
	if (!rows)
		return err_set(err, JY_ENOMEM, "out of memory");
	size_t n = 0;
	for (size_t i = 0; i < x->n; i++) {
		const run_person *p = &x->people[i];
		if (run_old(x, p) != &same_as_stored)
			rows[n++] = (screen_result_row){ p->id, screen_status_name(p->status), p->reasons,
							 p->declared };
	}
	err_clear(err);
	int rc = store_begin(s, err);
	if (!rc) {
		rc = store_screen_results_put(s, h, rows, n, 0, err);
		if (!rc)
			rc = store_commit(s, err);
		else
			store_rollback(s);
	}
	free(rows);
	return rc;
}

int screening_run(store *s, int64_t school_id, const char *date, screening_row_cb cb, void *ctx,
		  screening_summary *sum, jy_err *err)
{
	return screening_run_path(s, school_id, date, 1, cb, ctx, sum, err);
}

int screening_run_path(store *s, int64_t school_id, const char *date, int digests,
		       screening_row_cb cb, void *ctx, screening_summary *sum, jy_err *err)
{
	memset(sum, 0, sizeof *sum);
	run_ctx x;
	memset(&x, 0, sizeof x);
	x.date = date;
	if (date_parse(date, &x.rday))
		return err_at(err, JY_EINVAL, NULL, 0, "date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD): %.20s", date);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	double cpu0 = tcpu();
	screening sc;
	int rc = screening_load(s, school_id, &sc, err);
	if (rc)
		return rc;
	x.sc = &sc;
	/* A run reads the school's people and results once and writes its
	 * results in one go: 8 MiB of page cache do (a fresh connection's
	 * 64 MiB were a page fault per page). */
	int64_t cache_was = 0;
	if (store_page_cache(s, 8192, &cache_was, err))
		err_clear(err), cache_was = 0;
	int64_t batches = 0;
	x.reasons = calloc(MAX_REASONS, sizeof *x.reasons);
	if (!x.reasons)
		rc = err_set(err, JY_ENOMEM, "out of memory");
	char since[11];
	date_format(x.rday - sc.max_window + 1, since);
	pre_ctx pre;
	memset(&pre, 0, sizeof pre);
	pthread_mutex_init(&pre.mu, NULL);
	pthread_cond_init(&pre.cv, NULL);
	pthread_t th;
	int threaded = 0;
	if (!rc && digests && store_open_again(s, &pre.s2, &pre.err) == 0) {
		pre.sc = &sc;
		pre.rday = x.rday;
		pre.school_id = school_id;
		pre.since = since;
		pre.reasons = calloc(MAX_REASONS, sizeof *pre.reasons);
		threaded = pre.reasons && pthread_create(&th, NULL, pre_main, &pre) == 0;
	}
	if (!rc)
		rc = store_plan_summary(s, school_id, &batches, x.first, err);
	x.plan = batches > 0;
	if (!rc)
		rc = store_screen_people(s, school_id, add_class, add_expected, &x, err);
	/* The first thread's own lifts: it screens those who declared nothing. */
	if (!rc)
		rc = store_hold_lift_list(s, school_id, 0, add_lift, &x.lifts, err);
	if (!rc)
		rc = store_screen_result_day(s, school_id, date, add_old, &x, err);
	if (!rc && (x.failed || x.lifts.failed))
		rc = err_set(err, JY_ENOMEM, "out of memory");
	if (!rc && x.n)
		qsort(x.people, x.n, sizeof *x.people, cmp_run_id);
	if (!rc && x.nold)
		qsort(x.old, x.nold, sizeof *x.old, cmp_old);
	sum->ms_load = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);

	x.cur = -1;
	if (!rc && !threaded) {
		rc = (digests ? store_declaration_digests : store_declaration_facts)(s, school_id, since,
										     run_decl, &x, err);
		if (!rc && x.cur_p)
			run_screen(&x, x.cur_p);
	}
	/* In person order: take the second thread's answer (waiting for it
	 * when need be) or screen who declared nothing; write what changed. */
	run_writer w;
	memset(&w, 0, sizeof w);
	w.s = s;
	w.h = (screen_result_head){ school_id, date, sc.risk_version, sc.config_version, (int64_t)time(NULL) };
	w.err = err;
	size_t k = 0, avail = 0;
	for (size_t i = 0; !rc && i < x.n; i++) {
		run_person *p = &x.people[i];
		pre_result *r = NULL;
		while (threaded && (r = pre_get(&pre, k, &avail)) && r->id < p->id)
			k++;
		if (r && r->id == p->id) {
			p->status = r->status;
			p->declared = r->declared;
			p->reasons = r->reasons;
			r->reasons = NULL;
			x.declarations += r->ndecl;
			k++;
		}
		if (p->status < 0)
			run_screen(&x, p);
		sum->cleared += p->status == SCREEN_CLEARED;
		sum->monitor += p->status == SCREEN_MONITOR;
		sum->hold += p->status == SCREEN_HOLD;
		const old_result *o = run_old(&x, p);
		if (o != &same_as_stored)
			wr_add(&w, &(screen_result_row){ p->id, screen_status_name(p->status), p->reasons,
							 p->declared }, !o);
	}
	if (!rc && (x.failed || x.items.failed))
		rc = err_set(err, JY_ENOMEM, "out of memory");
	if (threaded) {
		pthread_join(th, NULL);
		sum->cpu_thread = pre.cpu;
		if (!rc && pre.rc) {
			rc = pre.rc;
			*err = pre.err;
		}
	}
	pre_free(&pre);
	sum->ms_screen = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int wrc = wr_finish(&w, rc != 0);
	if (!rc && wrc == JY_ECONFLICT)
		rc = run_store_again(s, &x, &w.h, err); /* someone wrote meanwhile */
	else if (!rc)
		rc = wrc;
	if (rc)
		goto out;
	sum->written = w.written;
	sum->ms_store = ms_since(&t0);
	sum->cpu_main = tcpu() - cpu0;
	sum->people = (long)x.n;
	sum->declarations = x.declarations;
	sum->risk_version = sc.risk_version;
	if (cb && x.n)
		qsort_r(x.people, x.n, sizeof *x.people, cmp_run_number, x.names.text);
	for (size_t i = 0; cb && i < x.n; i++) {
		run_person *p = &x.people[i];
		const char *t = x.names.text;
		screening_row row = { p->id, t + p->number, t + p->name, p->staff ? "staff" : "student",
				      p->cls >= 0 ? t + x.classes[p->cls].name : "", date, p->status,
				      p->reasons ? p->reasons : "[]" };
		if (cb(ctx, &row))
			break;
	}
out:
	if (rc)
		memset(sum, 0, sizeof *sum);
	if (cache_was) {
		jy_err ignored;
		store_page_cache(s, cache_was, &cache_was, &ignored);
	}
	for (size_t i = 0; i < x.n; i++)
		free(x.people[i].reasons);
	free(x.people);
	free(x.classes);
	item_free(&x.names);
	free(x.reasons);
	free(x.old);
	lift_free(&x.lifts);
	item_free(&x.items);
	screening_free(&sc);
	return rc;
}

/* ---- lifting a hold ---- */

int screening_lift_action_valid(const char *action)
{
	return action && (!strcmp(action, "doctor_note") || !strcmp(action, "negative_test") ||
			  !strcmp(action, "quarantine_done"));
}

const char *screening_lift_action_zh(const char *action)
{
	return !strcmp(action, "doctor_note") ? "医生证明" : !strcmp(action, "negative_test") ? "检测阴性" :
	       !strcmp(action, "quarantine_done") ? "隔离期满" : action;
}

typedef struct latest_date {
	char d[11];
} latest_date;

static int keep_latest(void *ctx, const char *date)
{
	latest_date *l = ctx;
	if (strcmp(date, l->d) > 0)
		snprintf(l->d, sizeof l->d, "%s", date);
	return 0;
}

int screening_lift(store *s, int64_t school_id, int64_t person_id, const char *return_date,
		   const char *action, const char *note, int64_t user_id, screen_result_rec *out,
		   jy_err *err)
{
	if (!screening_lift_action_valid(action))
		return err_at(err, JY_EINVAL, NULL, 0, "action",
			      "解除方式应为 doctor_note/negative_test/quarantine_done (action must be doctor_note, negative_test or quarantine_done)");
	if (note && strlen(note) > 255)
		return err_at(err, JY_EINVAL, NULL, 0, "note", "备注过长 (note too long, max 255 bytes)");
	if (!user_id)
		return err_set(err, JY_EPERM, "解除留置须由疫情报告人记录 (a hold is lifted by a reporter)");
	person_rec p;
	int rc = store_person_get(s, person_id, &p, err);
	if (rc)
		return rc;
	if (p.school_id != school_id)
		return err_set(err, JY_ENOENT, "没有这个人 (no such person)");
	char date[11] = "";
	int32_t day;
	if (return_date && *return_date) {
		if (date_parse(return_date, &day))
			return err_at(err, JY_EINVAL, NULL, 0, "return_date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		snprintf(date, sizeof date, "%s", return_date);
	} else {
		int plan = 0;
		if ((rc = return_plan_date(s, school_id, p.kind, p.class_id, date, &plan, err)))
			return rc;
		if (!date[0]) {
			latest_date l = { "" };
			if ((rc = store_screen_result_dates(s, person_id, keep_latest, &l, err)))
				return rc;
			snprintf(date, sizeof date, "%s", l.d);
		}
		if (!date[0])
			return err_at(err, JY_EINVAL, NULL, 0, "return_date",
				      "没有返校日期也没有筛查结果，请给出 return_date (no return date known: give return_date)");
	}
	if ((rc = store_begin(s, err)))
		return rc;
	screen_result_rec cur;
	rc = screening_status(s, school_id, person_id, date, 1, &cur, err);
	if (rc)
		goto fail;
	/* The hold reasons in force: those not lifted yet. */
	char *lines = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&lines, &len);
	cJSON *reasons = cJSON_Parse(cur.reasons ? cur.reasons : "[]");
	const cJSON *it;
	int held = 0;
	cJSON_ArrayForEach(it, reasons) {
		const cJSON *st = cJSON_GetObjectItem(it, "status"), *zh = cJSON_GetObjectItem(it, "zh");
		if (!cJSON_IsString(st) || !cJSON_IsString(zh) || strcmp(st->valuestring, "hold") ||
		    cJSON_IsTrue(cJSON_GetObjectItem(it, "lifted")))
			continue;
		if (f)
			fprintf(f, "%s%s", held ? "\n" : "", zh->valuestring);
		held++;
	}
	cJSON_Delete(reasons);
	free(cur.reasons);
	if (f)
		fclose(f);
	if (!f || !lines) {
		free(lines);
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto fail;
	}
	if (!held || strcmp(cur.status, "hold")) {
		free(lines);
		rc = err_set(err, JY_ECONFLICT, "此人未被留置 (%s) (not on hold: %s)", cur.status, cur.status);
		goto fail;
	}
	hold_lift_rec l;
	memset(&l, 0, sizeof l);
	l.school_id = school_id;
	l.person_id = person_id;
	snprintf(l.return_date, sizeof l.return_date, "%s", date);
	snprintf(l.action, sizeof l.action, "%s", action);
	snprintf(l.note, sizeof l.note, "%s", note ? note : "");
	l.reasons = lines;
	l.lifted_by = user_id;
	l.lifted_at = (int64_t)time(NULL);
	rc = store_hold_lift_add(s, &l, NULL, err);
	free(lines);
	if (rc)
		goto fail;
	screening sc;
	if ((rc = screening_load(s, school_id, &sc, err)))
		goto fail;
	rc = screening_person(s, &sc, school_id, person_id, date, out, err);
	screening_free(&sc);
	if (rc)
		goto fail;
	if ((rc = store_commit(s, err)) && out) {
		free(out->reasons);
		out->reasons = NULL;
	}
	return rc;
fail:
	store_rollback(s);
	return rc;
}

/* ---- rules ---- */

int screening_rule_check(screen_rule_rec *r, jy_err *err)
{
	int kind = rule_kind(r->kind);
	if (kind < 0)
		return err_at(err, JY_EINVAL, NULL, 0, "kind",
			      "规则类型应为 no_declaration/fever/symptom/contact/stay_risk/stay_region (unknown kind)");
	if (kind == SCREEN_RULE_STAY_RISK) {
		int level = screen_level_parse(r->level);
		if (level < 0)
			return err_at(err, JY_EINVAL, NULL, 0, "level", "风险等级应为 high/medium/low (level must be high, medium or low)");
		snprintf(r->level, sizeof r->level, "%s", screen_level_name(level));
	} else {
		r->level[0] = 0;
	}
	if (kind == SCREEN_RULE_STAY_REGION) {
		char norm[192];
		if (screen_region_normalize(r->region, norm, sizeof norm))
			return err_at(err, JY_EINVAL, NULL, 0, "region", "地区无效，如 境外 或 湖北省/武汉市 (invalid region)");
		snprintf(r->region, sizeof r->region, "%s", norm);
	} else {
		r->region[0] = 0;
	}
	if (kind == SCREEN_RULE_FEVER) {
		if (r->threshold < 35.0 || r->threshold > 42.0)
			return err_at(err, JY_EINVAL, NULL, 0, "threshold", "体温阈值应在 35.0–42.0 °C (threshold must be 35.0–42.0 °C)");
	} else {
		r->threshold = -1;
	}
	if (r->window_days < 1 || r->window_days > 60)
		return err_at(err, JY_EINVAL, NULL, 0, "window_days", "天数应为 1–60 (window_days must be 1–60)");
	if (screen_status_parse(r->status) < SCREEN_MONITOR)
		return err_at(err, JY_EINVAL, NULL, 0, "status", "结果应为 hold 或 monitor (status must be hold or monitor)");
	if (!r->name_zh[0])
		return err_at(err, JY_EINVAL, NULL, 0, "name_zh", "需要中文名称 (name_zh is required)");
	if (!r->reason_zh[0])
		return err_at(err, JY_EINVAL, NULL, 0, "reason_zh", "需要中文原因模板 (reason_zh is required)");
	if (!r->reason_en[0])
		return err_at(err, JY_EINVAL, NULL, 0, "reason_en", "需要英文原因模板 (reason_en is required)");
	return 0;
}

int screening_rule_save(store *s, screen_rule_rec *r, int64_t user_id, int64_t *id, jy_err *err)
{
	int rc = screening_rule_check(r, err);
	if (rc)
		return rc;
	if ((rc = store_begin(s, err)))
		return rc;
	rc = store_screen_rule_save(s, r, id, err);
	if (!rc) {
		char note[200];
		snprintf(note, sizeof note, "规则 rule %lld: %s", (long long)*id, r->name_zh);
		rc = store_screen_version_add(s, r->school_id, "rules", user_id, "api", note, NULL, err);
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* ---- risk regions ---- */

int screening_risk_check(const char *region, const char *level, const char *valid_from,
			 const char *valid_to, risk_region_rec *out, jy_err *err)
{
	memset(out, 0, sizeof *out);
	if (!region || screen_region_normalize(region, out->region, sizeof out->region))
		return err_at(err, JY_EINVAL, NULL, 0, "region",
			      "地区无效，应为用 / 分隔的行政区划，如 湖北省/武汉市 (invalid region: '/'-separated names, e.g. 湖北省/武汉市)");
	int lv = level ? screen_level_parse(level) : -1;
	if (lv < 0)
		return err_at(err, JY_EINVAL, NULL, 0, "level", "风险等级应为 high/medium/low 或 高/中/低 (level must be high, medium or low)");
	snprintf(out->level, sizeof out->level, "%s", screen_level_name(lv));
	int32_t a, b;
	if (!valid_from || date_parse(valid_from, &a))
		return err_at(err, JY_EINVAL, NULL, 0, "valid_from", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	snprintf(out->valid_from, sizeof out->valid_from, "%s", valid_from);
	if (valid_to && *valid_to) {
		if (date_parse(valid_to, &b))
			return err_at(err, JY_EINVAL, NULL, 0, "valid_to", "日期应为 YYYY-MM-DD 或留空 (date must be YYYY-MM-DD or empty)");
		if (b < a)
			return err_at(err, JY_EINVAL, NULL, 0, "valid_to", "结束日期早于开始日期 (valid_to is before valid_from)");
		snprintf(out->valid_to, sizeof out->valid_to, "%s", valid_to);
	}
	return 0;
}

int screening_risk_publish(store *s, int64_t school_id, int64_t user_id, const char *source,
			   const char *note, const risk_region_rec *rows, size_t n, int64_t *version,
			   jy_err *err)
{
	int rc = store_begin(s, err);
	if (rc)
		return rc;
	int64_t v = 0;
	rc = store_screen_version_add(s, school_id, "risk", user_id, source, note, &v, err);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = store_risk_region_add(s, v, &rows[i], err);
		if (rc == JY_ECONFLICT)
			err_at(err, rc, NULL, 0, "region", "同一地区同一开始日期重复 (the same region and valid_from twice): %s %s",
			       rows[i].region, rows[i].valid_from);
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	if (version)
		*version = v;
	return store_commit(s, err);
}

enum { R_REGION, R_LEVEL, R_FROM, R_TO, R_COUNT };
static const char *const risk_names[R_COUNT] = {
	"region|地区", "level|风险等级|等级", "valid_from|开始日期|生效日期", "valid_to|结束日期|失效日期"
};

int screening_risk_import(store *s, const table *t, const char *name, risk_import_report *rep,
			  jy_errlist *errors, jy_err *err)
{
	memset(rep, 0, sizeof *rep);
	if (t->nrows < 1)
		return errlist_at(errors, JY_EINVAL, name, 1, "", "文件为空 (the file is empty)"), JY_EINVAL;
	int map[R_COUNT];
	if (return_columns(t, name, risk_names, R_COUNT, 0x7, map, errors))
		return JY_EINVAL;
	risk_region_rec *rows = calloc(t->nrows, sizeof *rows);
	long *rownums = calloc(t->nrows, sizeof *rownums);
	if (!rows || !rownums) {
		free(rows);
		free(rownums);
		return err_set(err, JY_ENOMEM, "out of memory");
	}
	size_t n = 0;
#define CELL(k) (map[k] >= 0 ? table_cell(t, i, (size_t)map[k]) : "")
	for (size_t i = 1; i < t->nrows; i++) {
		jy_err e;
		err_clear(&e);
		if (screening_risk_check(CELL(R_REGION), CELL(R_LEVEL), CELL(R_FROM), CELL(R_TO), &rows[n], &e)) {
			const char *cell = !strcmp(e.column, "region") ? CELL(R_REGION) :
					   !strcmp(e.column, "level") ? CELL(R_LEVEL) :
					   !strcmp(e.column, "valid_from") ? CELL(R_FROM) : CELL(R_TO);
			errlist_at(errors, JY_EINVAL, name, t->rownum[i], e.column, "%s: '%.60s'", e.msg, cell);
			continue;
		}
		size_t k;
		for (k = 0; k < n; k++)
			if (!strcmp(rows[k].region, rows[n].region) && !strcmp(rows[k].valid_from, rows[n].valid_from))
				break;
		if (k < n) {
			errlist_at(errors, JY_EINVAL, name, t->rownum[i], "region",
				   "同一地区同一开始日期重复，首次在第 %ld 行 (the same region and valid_from twice; first at row %ld)",
				   rownums[k], rownums[k]);
			continue;
		}
		rownums[n++] = t->rownum[i];
	}
#undef CELL
	int rc = 0;
	if (errors->n_total) {
		rc = JY_EINVAL;
	} else {
		const char *base = strrchr(name, '/');
		char source[64];
		snprintf(source, sizeof source, "import:%.50s", base ? base + 1 : name);
		rc = screening_risk_publish(s, 0, 0, source, "", rows, n, &rep->version, err);
		if (!rc)
			rep->rows = (long)n;
	}
	free(rows);
	free(rownums);
	return rc;
}
