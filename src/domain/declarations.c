/*
 * declarations.c — see declarations.h.
 */
#include "domain/declarations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "domain/codes.h"
#include "domain/return_plan.h"
#include "domain/screening.h"
#include "engine/screen.h"
#include "util/date.h"

#define CST_OFFSET (8 * 3600)

static int is_none(const char *s)
{
	return !strcmp(s, "无") || !strcmp(s, "没有") || !strcmp(s, "否") || !strcasecmp(s, "none") ||
	       !strcasecmp(s, "no") || !strcmp(s, "-");
}

int declarations_check(const char *kind, const char *date_from, const char *date_to,
		       const char *region, const char *transport, const char *temperature,
		       const char *symptoms, const char *note, declaration_rec *out, jy_err *err)
{
	memset(out, 0, sizeof *out);
	out->temperature = -1;
	kind = kind ? kind : "";
	if (!strcmp(kind, "停留") || !strcmp(kind, "旅居"))
		kind = "stay";
	else if (!strcmp(kind, "健康"))
		kind = "health";
	else if (!strcmp(kind, "接触"))
		kind = "contact";
	if (strcmp(kind, "stay") && strcmp(kind, "health") && strcmp(kind, "contact"))
		return err_at(err, JY_EINVAL, NULL, 0, "kind", "类型应为 stay/health/contact (kind must be stay, health or contact)");
	snprintf(out->kind, sizeof out->kind, "%s", kind);
	int32_t a, b;
	if (!date_from || date_parse(date_from, &a))
		return err_at(err, JY_EINVAL, NULL, 0, "date_from", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	b = a;
	if (date_to && *date_to && date_parse(date_to, &b))
		return err_at(err, JY_EINVAL, NULL, 0, "date_to", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	if (b < a)
		return err_at(err, JY_EINVAL, NULL, 0, "date_to", "结束日期早于开始日期 (date_to is before date_from)");
	if (strcmp(kind, "stay") && b != a)
		return err_at(err, JY_EINVAL, NULL, 0, "date_to",
			      "健康和接触只填一天 (health and contact are for one day: date_to empty or equal to date_from)");
	date_format(a, out->date_from);
	date_format(b, out->date_to);
	region = region ? region : "";
	if (!strcmp(kind, "stay") || *region) {
		if (!strcmp(kind, "health"))
			return err_at(err, JY_EINVAL, NULL, 0, "region",
				      "健康申报不填地区，停留请用 stay (region belongs to a stay, not a health report)");
		if (screen_region_normalize(region, out->region, sizeof out->region))
			return err_at(err, JY_EINVAL, NULL, 0, "region",
				      "地区应为用 / 分隔的行政区划，如 湖北省/武汉市 或 境外/日本 (region: '/'-separated names, e.g. 湖北省/武汉市)");
	}
	if (transport && strlen(transport) >= sizeof out->transport)
		return err_at(err, JY_EINVAL, NULL, 0, "transport", "交通方式过长 (transport too long, max 63 bytes)");
	snprintf(out->transport, sizeof out->transport, "%s", transport ? transport : "");
	if (temperature && *temperature) {
		if (strcmp(kind, "health"))
			return err_at(err, JY_EINVAL, NULL, 0, "temperature", "体温只用于 health (temperature belongs to a health report)");
		char *end;
		double v = strtod(temperature, &end);
		if (*end || v < 34.0 || v > 43.0)
			return err_at(err, JY_EINVAL, NULL, 0, "temperature", "体温应为 34.0–43.0 之间的数 (temperature must be 34.0–43.0)");
		out->temperature = v;
	}
	if (symptoms && *symptoms && !is_none(symptoms)) {
		if (strcmp(kind, "health"))
			return err_at(err, JY_EINVAL, NULL, 0, "symptoms", "症状只用于 health (symptoms belong to a health report)");
		char bad[64];
		if (codes_parse_symptoms(symptoms, out->symptoms, sizeof out->symptoms, bad, sizeof bad))
			return err_at(err, JY_EINVAL, NULL, 0, "symptoms", "未知症状 (unknown symptom): %s", bad);
	}
	if (note && strlen(note) >= sizeof out->note)
		return err_at(err, JY_EINVAL, NULL, 0, "note", "备注过长 (note too long, max 255 bytes)");
	snprintf(out->note, sizeof out->note, "%s", note ? note : "");
	return 0;
}

/* ---- import ---- */

enum { D_PERSON, D_KIND, D_FROM, D_TO, D_REGION, D_TEMP, D_SYMPTOMS, D_NOTE, D_COUNT };
static const char *const decl_names[D_COUNT] = {
	"person_no|学号|工号|学号/工号", "kind|类型", "date_from|开始日期|日期", "date_to|结束日期",
	"region|地区", "temperature|体温", "symptoms|症状", "note|备注",
};

/* What identifies a declared fact, compactly: rows are checked in a first
 * pass keeping only this, and checked again while writing in the second,
 * so a large file never holds all its rows in memory twice. */
typedef struct dkey {
	int64_t person_id;
	uint64_t region_hash;
	int32_t from, to;
	long rownum;
	char kind;
} dkey;

static int cmp_dkey(const void *a, const void *b)
{
	const dkey *x = a, *y = b;
	if (x->person_id != y->person_id)
		return x->person_id < y->person_id ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (x->region_hash != y->region_hash)
		return x->region_hash < y->region_hash ? -1 : 1;
	return (x->rownum > y->rownum) - (x->rownum < y->rownum);
}

static uint64_t text_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int declarations_import(store *s, const table *t, const char *name,
			declarations_import_report *rep, jy_errlist *errors, jy_err *err)
{
	memset(rep, 0, sizeof *rep);
	if (t->nrows < 1)
		return errlist_at(errors, JY_EINVAL, name, 1, "", "文件为空 (the file is empty)"), JY_EINVAL;
	int map[D_COUNT];
	if (return_columns(t, name, decl_names, D_COUNT, (1u << D_PERSON) | (1u << D_KIND) | (1u << D_FROM), map,
			   errors))
		return JY_EINVAL;
	school_rec sc;
	int rc = store_school_default(s, &sc, err);
	if (rc)
		return rc;
	size_t nrows = t->nrows;
	int64_t *pids = calloc(nrows, sizeof *pids);
	dkey *keys = calloc(nrows, sizeof *keys);
	int64_t *people = NULL;
	if (!pids || !keys) {
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto out;
	}
	size_t n = 0;
	int64_t now = (int64_t)time(NULL);
	/* Consecutive rows of one person (the usual layout) need one lookup. */
	char last_number[40] = "";
	int64_t last_id = 0;
	declaration_rec d;
#define CELL(k) (map[k] >= 0 ? table_cell(t, i, (size_t)map[k]) : "")
	for (size_t i = 1; i < nrows; i++) {
		long rn = t->rownum[i];
		int bad = 0;
		const char *number = CELL(D_PERSON);
		int64_t pid = 0;
		if (*number && !strcmp(number, last_number)) {
			pid = last_id;
		} else {
			person_rec p;
			if (*number && strlen(number) < sizeof last_number &&
			    store_person_find(s, sc.id, number, &p, NULL) == 0 && p.active) {
				pid = p.id;
				snprintf(last_number, sizeof last_number, "%s", number);
				last_id = pid;
			}
		}
		if (!pid) {
			errlist_at(errors, JY_EINVAL, name, rn, "person_no",
				   "没有这个学号/工号的在籍人员 (no such student or staff number): '%.40s'", number);
			bad = 1;
		}
		jy_err e;
		err_clear(&e);
		if (declarations_check(CELL(D_KIND), CELL(D_FROM), CELL(D_TO), CELL(D_REGION), "", CELL(D_TEMP),
				       CELL(D_SYMPTOMS), CELL(D_NOTE), &d, &e)) {
			int k = !strcmp(e.column, "kind") ? D_KIND : !strcmp(e.column, "date_from") ? D_FROM :
				!strcmp(e.column, "date_to") ? D_TO : !strcmp(e.column, "region") ? D_REGION :
				!strcmp(e.column, "temperature") ? D_TEMP : !strcmp(e.column, "symptoms") ? D_SYMPTOMS :
				D_NOTE;
			errlist_at(errors, JY_EINVAL, name, rn, e.column, "%s: '%.60s'", e.msg, CELL(k));
			bad = 1;
		}
		if (bad)
			continue;
		pids[i] = pid;
		dkey *k = &keys[n++];
		k->person_id = pid;
		k->kind = d.kind[0];
		date_parse(d.date_from, &k->from);
		date_parse(d.date_to, &k->to);
		k->region_hash = text_hash(d.region);
		k->rownum = rn;
	}
	rep->rows = (long)(nrows - 1);
	if (n)
		qsort(keys, n, sizeof *keys, cmp_dkey);
	for (size_t i = 1; i < n; i++) {
		const dkey *a = &keys[i - 1], *b = &keys[i];
		if (a->person_id == b->person_id && a->kind == b->kind && a->from == b->from &&
		    a->to == b->to && a->region_hash == b->region_hash)
			errlist_at(errors, JY_EINVAL, name, b->rownum, "date_from",
				   "同一人同一申报重复，首次在第 %ld 行 (the same declaration twice; first at row %ld)",
				   a->rownum, a->rownum);
	}
	if (errors->n_total) {
		rc = JY_EINVAL;
		goto out;
	}
	/* The people to re-screen, once each. */
	people = malloc((n ? n : 1) * sizeof *people);
	if (!people) {
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto out;
	}
	size_t np = 0;
	for (size_t i = 0; i < n; i++)
		if (!np || people[np - 1] != keys[i].person_id)
			people[np++] = keys[i].person_id;
	if (np)
		qsort(people, np, sizeof *people, cmp_id);
	rc = store_begin(s, err);
	for (size_t i = 1; !rc && i < nrows; i++) {
		if (!pids[i])
			continue;
		declarations_check(CELL(D_KIND), CELL(D_FROM), CELL(D_TO), CELL(D_REGION), "", CELL(D_TEMP),
				   CELL(D_SYMPTOMS), CELL(D_NOTE), &d, NULL);
		d.school_id = sc.id;
		d.person_id = pids[i];
		snprintf(d.source, sizeof d.source, "import");
		d.submitted_at = now;
		int outcome = 0;
		rc = store_declaration_upsert(s, &d, NULL, &outcome, err);
		if (rc && err) {
			err->row = t->rownum[i];
			snprintf(err->file, sizeof err->file, "%s", name);
		}
		rep->added += outcome == STORE_ADDED;
		rep->updated += outcome == STORE_UPDATED;
		rep->unchanged += outcome == STORE_UNCHANGED;
	}
#undef CELL
	if (!rc)
		rc = screening_refresh_people(s, sc.id, people, np, err);
	if (rc) {
		store_rollback(s);
		long total = rep->rows;
		memset(rep, 0, sizeof *rep);
		rep->rows = total;
		goto out;
	}
	rep->people = (long)np;
	rc = store_commit(s, err);
out:
	free(pids);
	free(keys);
	free(people);
	return rc;
}

/* ---- saving and removing ---- */

int declarations_save(store *s, int64_t school_id, int64_t person_id, declaration_rec *items,
		      size_t n, const char *source, const char *reporter, int64_t user_id,
		      int64_t *ids, jy_err *err)
{
	int rc = store_begin(s, err);
	if (rc)
		return rc;
	int64_t now = (int64_t)time(NULL);
	for (size_t i = 0; !rc && i < n; i++) {
		items[i].school_id = school_id;
		items[i].person_id = person_id;
		snprintf(items[i].source, sizeof items[i].source, "%s", source);
		snprintf(items[i].reporter, sizeof items[i].reporter, "%s", reporter ? reporter : "");
		items[i].submitted_at = now;
		items[i].submitted_by = user_id;
		rc = store_declaration_upsert(s, &items[i], ids ? &ids[i] : &items[i].id, NULL, err);
	}
	if (!rc)
		rc = screening_refresh_people(s, school_id, &person_id, 1, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int declarations_remove(store *s, int64_t id, declaration_rec *removed, jy_err *err)
{
	int rc = store_declaration_get(s, id, removed, err);
	if (rc)
		return rc;
	if ((rc = store_begin(s, err)))
		return rc;
	rc = store_declaration_delete(s, id, err);
	if (!rc)
		rc = screening_refresh_people(s, removed->school_id, &removed->person_id, 1, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* ---- personal links ---- */

int declarations_link_create(store *s, int64_t school_id, int64_t person_id, int minor,
			     int64_t valid_until, int64_t user_id, char token[AUTH_TOKEN_HEX],
			     int64_t *expires_at, jy_err *err)
{
	person_rec p;
	int rc = store_person_get(s, person_id, &p, err);
	if (rc)
		return rc;
	if (p.school_id != school_id || !p.active)
		return err_set(err, JY_ENOENT, "没有这个人 (no such person)");
	int64_t now = (int64_t)time(NULL);
	int64_t until = valid_until;
	if (!until) {
		char date[11];
		int plan = 0;
		int32_t day;
		if ((rc = return_plan_date(s, school_id, p.kind, p.class_id, date, &plan, err)))
			return rc;
		/* The end of the return day, China Standard Time. */
		if (date[0] && !date_parse(date, &day))
			until = ((int64_t)day + 1) * 86400 - CST_OFFSET;
		if (until <= now)
			until = now + 14 * 86400;
	}
	if (until <= now)
		return err_at(err, JY_EINVAL, NULL, 0, "valid_until", "有效期已过 (valid_until is in the past)");
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, AUTH_TOKEN_HEX, raw, sizeof raw);
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(token, hash);
	declare_link_rec l;
	memset(&l, 0, sizeof l);
	l.school_id = school_id;
	l.person_id = person_id;
	l.minor = minor >= 0 ? minor : !strcmp(p.kind, "student");
	l.created_at = now;
	l.created_by = user_id;
	l.expires_at = until;
	if ((rc = store_begin(s, err)))
		return rc;
	rc = store_link_revoke_person(s, person_id, err);
	if (!rc)
		rc = store_link_add(s, &l, hash, NULL, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	if (expires_at)
		*expires_at = until;
	return store_commit(s, err);
}

int declarations_link_open(store *s, const char *token, declare_link_rec *link, person_rec *p,
			   jy_err *err)
{
	if (!token || strlen(token) != AUTH_TOKEN_HEX - 1)
		return err_set(err, JY_EAUTH, "链接无效或已过期 (the link is invalid or expired)");
	char hash[AUTH_TOKEN_HEX];
	auth_token_hash(token, hash);
	int rc = store_link_by_hash(s, hash, link, NULL);
	if (rc == JY_ENOENT || (!rc && (link->revoked || link->expires_at <= (int64_t)time(NULL))))
		return err_set(err, JY_EAUTH, "链接无效或已过期 (the link is invalid or expired)");
	if (rc)
		return err_set(err, rc, "数据库错误 (database error)");
	rc = store_person_get(s, link->person_id, p, err);
	if (rc == JY_ENOENT || (!rc && !p->active))
		return err_set(err, JY_EAUTH, "链接无效或已过期 (the link is invalid or expired)");
	return rc;
}

int declarations_link_submit(store *s, const declare_link_rec *link, const char *reporter,
			     const char *guardian_name, const char *relation, int consent,
			     const char *ip, declaration_rec *items, size_t n, jy_err *err)
{
	if (!reporter)
		reporter = link->minor ? "guardian" : "self";
	if (strcmp(reporter, "self") && strcmp(reporter, "guardian"))
		return err_at(err, JY_EINVAL, NULL, 0, "reporter", "填报人应为 self 或 guardian (reporter must be self or guardian)");
	if (link->minor && strcmp(reporter, "guardian"))
		return err_at(err, JY_EINVAL, NULL, 0, "reporter", "未成年学生由监护人填报 (for a minor the guardian reports)");
	if (!strcmp(reporter, "guardian")) {
		if (!guardian_name || !*guardian_name || strlen(guardian_name) > 95)
			return err_at(err, JY_EINVAL, NULL, 0, "guardian_name", "需要监护人姓名 (guardian_name is required)");
		if (!consent)
			return err_at(err, JY_EINVAL, NULL, 0, "consent",
				      "需要监护人同意收集健康信息 (the guardian's consent is required: consent true)");
		if (relation && strlen(relation) > 31)
			return err_at(err, JY_EINVAL, NULL, 0, "relation", "关系过长 (relation too long)");
	}
	int rc = store_begin(s, err);
	if (rc)
		return rc;
	if (!strcmp(reporter, "guardian")) {
		int found = 0;
		char name[96];
		int64_t at = 0;
		rc = store_consent_get(s, link->id, &found, name, sizeof name, &at, err);
		if (!rc && (!found || strcmp(name, guardian_name)))
			rc = store_consent_add(s, link->school_id, link->person_id, link->id, guardian_name,
					       relation, ip, err);
	}
	if (!rc)
		rc = declarations_save(s, link->school_id, link->person_id, items, n, "link", reporter, 0,
				       NULL, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* ---- machine-made self-reports ---- */

typedef struct flag_ctx {
	store *s;
	int min_days, tolerance;
	screen_selfreport *r;
	char (*answers)[224];
	size_t n, cap;
	int64_t cur;
	declaration_flag *out;
	size_t nout, capout;
	int failed;
} flag_ctx;

static void flag_person(flag_ctx *x)
{
	if (!x->n)
		return;
	for (size_t i = 0; i < x->n; i++)
		x->r[i].answers = x->answers[i];
	int32_t first = 0;
	size_t run = screen_autofill_run(x->r, x->n, x->tolerance, &first);
	if ((int)run >= x->min_days) {
		if (x->nout == x->capout) {
			size_t cap = x->capout ? x->capout * 2 : 16;
			declaration_flag *g = realloc(x->out, cap * sizeof *g);
			if (!g) {
				x->failed = 1;
				x->n = 0;
				return;
			}
			x->out = g;
			x->capout = cap;
		}
		declaration_flag *f = &x->out[x->nout++];
		memset(f, 0, sizeof *f);
		f->person_id = x->cur;
		f->days = (int)run;
		date_format(first, f->from);
		date_format(first + (int32_t)run - 1, f->to);
		size_t k = 0;
		while (k < x->n && x->r[k].day != first)
			k++;
		snprintf(f->answers, sizeof f->answers, "%s", k < x->n ? x->answers[k] : "");
		f->time_of_day = k < x->n ? x->r[k].time_of_day : 0;
	}
	x->n = 0;
}

static int add_selfreport(void *ctx, const declaration_rec *d)
{
	flag_ctx *x = ctx;
	if (d->person_id != x->cur) {
		flag_person(x);
		x->cur = d->person_id;
	}
	int32_t day;
	if (date_parse(d->date_from, &day))
		return 0;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 32;
		screen_selfreport *g = realloc(x->r, cap * sizeof *g);
		char(*a)[224] = g ? realloc(x->answers, cap * sizeof *a) : NULL;
		if (g)
			x->r = g;
		if (!a)
			return (x->failed = 1);
		x->answers = a;
		x->cap = cap;
	}
	x->r[x->n].day = day;
	x->r[x->n].time_of_day = (int32_t)(((d->submitted_at + CST_OFFSET) % 86400 + 86400) % 86400);
	if (d->temperature >= 0)
		snprintf(x->answers[x->n], sizeof x->answers[0], "%.1f|%s|%.40s", d->temperature, d->symptoms,
			 d->note);
	else
		snprintf(x->answers[x->n], sizeof x->answers[0], "-|%s|%.40s", d->symptoms, d->note);
	x->n++;
	return 0;
}

int declarations_flags(store *s, int64_t school_id, int64_t class_id, const char *since,
		       int min_days, int tolerance_s, declaration_flag **out, size_t *n, jy_err *err)
{
	*out = NULL;
	*n = 0;
	flag_ctx x;
	memset(&x, 0, sizeof x);
	x.s = s;
	x.min_days = min_days > 1 ? min_days : 2;
	x.tolerance = tolerance_s >= 0 ? tolerance_s : 0;
	x.cur = -1;
	int rc = store_selfreport_scan(s, school_id, class_id, since, add_selfreport, &x, err);
	if (!rc)
		flag_person(&x);
	if (!rc && x.failed)
		rc = err_set(err, JY_ENOMEM, "out of memory");
	free(x.r);
	free(x.answers);
	for (size_t i = 0; !rc && i < x.nout; i++) {
		person_rec p;
		if (store_person_get(s, x.out[i].person_id, &p, NULL) == 0) {
			snprintf(x.out[i].number, sizeof x.out[i].number, "%s", p.number);
			snprintf(x.out[i].name, sizeof x.out[i].name, "%s", p.name);
			snprintf(x.out[i].class_name, sizeof x.out[i].class_name, "%s", p.class_name);
			x.out[i].class_id = p.class_id;
		}
	}
	if (rc) {
		free(x.out);
		return rc;
	}
	*out = x.out;
	*n = x.nout;
	return 0;
}
