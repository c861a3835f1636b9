/*
 * return_plan.c — see return_plan.h.
 */
#include "domain/return_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"

int return_columns(const table *t, const char *file, const char *const *names, int n,
		   unsigned required, int *map, jy_errlist *errors)
{
	int missing = 0;
	for (int k = 0; k < n; k++) {
		map[k] = -1;
		for (size_t j = 0; t->nrows && j < t->ncells[0] && map[k] < 0; j++) {
			const char *h = table_cell(t, 0, j);
			const char *p = names[k];
			while (*p) {
				const char *bar = strchr(p, '|');
				size_t len = bar ? (size_t)(bar - p) : strlen(p);
				if (strlen(h) == len && !strncmp(h, p, len)) {
					map[k] = (int)j;
					break;
				}
				p += len + (bar ? 1 : 0);
			}
		}
		if (map[k] < 0 && (required & (1u << k))) {
			char first[64];
			const char *bar = strchr(names[k], '|');
			snprintf(first, sizeof first, "%.*s", bar ? (int)(bar - names[k]) : 63, names[k]);
			errlist_at(errors, JY_EINVAL, file, t->nrows ? t->rownum[0] : 1, first,
				   "缺少必填列 %s (missing required column %s)", first, first);
			missing++;
		}
	}
	return missing;
}

enum { B_BATCH, B_CLASS, B_DATE, B_COUNT };
static const char *const batch_names[B_COUNT] = { "batch|批次", "class|班级", "return_date|返校日期" };

typedef struct brow {
	long rownum;
	char batch[64];
	char date[11];
	int64_t class_id;
} brow;

int return_plan_import(store *s, const table *t, const char *name, return_plan_report *rep,
		       jy_errlist *errors, jy_err *err)
{
	memset(rep, 0, sizeof *rep);
	if (t->nrows < 2)
		return errlist_at(errors, JY_EINVAL, name, 1, "", "文件为空 (the file is empty)"), JY_EINVAL;
	int map[B_COUNT];
	if (return_columns(t, name, batch_names, B_COUNT, 0x7, map, errors))
		return JY_EINVAL;
	school_rec sc;
	int rc = store_school_default(s, &sc, err);
	if (rc)
		return rc;
	brow *rows = calloc(t->nrows, sizeof *rows);
	if (!rows)
		return err_set(err, JY_ENOMEM, "out of memory");
	size_t n = 0;
	for (size_t i = 1; i < t->nrows; i++) {
		long rn = t->rownum[i];
		const char *batch = table_cell(t, i, (size_t)map[B_BATCH]);
		const char *cls = table_cell(t, i, (size_t)map[B_CLASS]);
		const char *date = table_cell(t, i, (size_t)map[B_DATE]);
		brow *r = &rows[n];
		r->rownum = rn;
		int bad = 0;
		int32_t day;
		if (!*batch || strlen(batch) >= sizeof r->batch) {
			errlist_at(errors, JY_EINVAL, name, rn, "batch",
				   "批次名称不能为空且不超过 63 字节 (batch must be 1–63 bytes): '%.40s'", batch);
			bad = 1;
		}
		if (store_class_find(s, sc.id, cls, &r->class_id, NULL) != 0) {
			errlist_at(errors, JY_EINVAL, name, rn, "class", "没有这个班级 (no such class): '%.60s'", cls);
			bad = 1;
		}
		if (date_parse(date, &day)) {
			errlist_at(errors, JY_EINVAL, name, rn, "return_date",
				   "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD): '%.20s'", date);
			bad = 1;
		}
		if (bad)
			continue;
		snprintf(r->batch, sizeof r->batch, "%s", batch);
		snprintf(r->date, sizeof r->date, "%s", date);
		/* One date per batch, one batch per class, within the file. */
		for (size_t k = 0; k < n; k++) {
			if (!strcmp(rows[k].batch, r->batch) && strcmp(rows[k].date, r->date)) {
				errlist_at(errors, JY_EINVAL, name, rn, "return_date",
					   "批次 %s 的日期与第 %ld 行不同 (batch %s has another date at row %ld: %s)",
					   r->batch, rows[k].rownum, r->batch, rows[k].rownum, rows[k].date);
				bad = 1;
				break;
			}
			if (rows[k].class_id == r->class_id) {
				errlist_at(errors, JY_EINVAL, name, rn, "class",
					   "班级 %s 已在第 %ld 行 (class already placed at row %ld)", cls,
					   rows[k].rownum, rows[k].rownum);
				bad = 1;
				break;
			}
		}
		if (!bad)
			n++;
	}
	if (errors->n_total) {
		free(rows);
		return JY_EINVAL;
	}
	rc = store_begin(s, err);
	for (size_t i = 0; !rc && i < n; i++) {
		int64_t bid = 0;
		rc = store_batch_upsert(s, sc.id, rows[i].batch, rows[i].date, &bid, err);
		if (!rc)
			rc = store_batch_assign(s, sc.id, bid, rows[i].class_id, err);
		if (rc && err) {
			err->row = rows[i].rownum;
			snprintf(err->file, sizeof err->file, "%s", name);
		}
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcmp(rows[k].batch, rows[i].batch);
		rep->batches += !seen;
	}
	free(rows);
	if (rc) {
		store_rollback(s);
		memset(rep, 0, sizeof *rep);
		return rc;
	}
	rep->rows = (long)(t->nrows - 1);
	rep->classes = (long)n;
	return store_commit(s, err);
}

int return_plan_set(store *s, int64_t school_id, const char *batch, const char *class_name,
		    const char *return_date, jy_err *err)
{
	int32_t day;
	if (!batch || !*batch || strlen(batch) > 63)
		return err_at(err, JY_EINVAL, NULL, 0, "batch", "批次名称不能为空且不超过 63 字节 (batch must be 1–63 bytes)");
	if (!return_date || date_parse(return_date, &day))
		return err_at(err, JY_EINVAL, NULL, 0, "return_date", "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	int64_t class_id = 0, bid = 0;
	if (!class_name || store_class_find(s, school_id, class_name, &class_id, NULL) != 0)
		return err_at(err, JY_EINVAL, NULL, 0, "class", "没有这个班级 (no such class)");
	int rc = store_begin(s, err);
	if (!rc)
		rc = store_batch_upsert(s, school_id, batch, return_date, &bid, err);
	if (!rc)
		rc = store_batch_assign(s, school_id, bid, class_id, err);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

int return_plan_date(store *s, int64_t school_id, const char *kind, int64_t class_id,
		     char date[11], int *plan, jy_err *err)
{
	int64_t batches = 0;
	char first[11];
	date[0] = 0;
	int rc = store_plan_summary(s, school_id, &batches, first, err);
	if (rc)
		return rc;
	*plan = batches > 0;
	if (!*plan)
		return 0;
	if (!strcmp(kind, "staff")) {
		snprintf(date, 11, "%s", first);
		return 0;
	}
	return class_id ? store_class_return_date(s, class_id, date, err) : 0;
}

int return_plan_expected(int plan, const char *planned, const char *day)
{
	return !plan || (planned[0] && strcmp(planned, day) <= 0);
}

typedef struct day_ctx {
	return_day_plan *p;
	const char *day;
	size_t cap;
	int failed;
} day_ctx;

static int add_day_class(void *vctx, const batch_class_row *r)
{
	day_ctx *x = vctx;
	x->p->plan = 1;
	if (!r->class_id || strcmp(r->return_date, x->day) > 0)
		return 0;
	if (x->p->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		int64_t *g = realloc(x->p->class_ids, cap * sizeof *g);
		if (!g)
			return (x->failed = 1);
		x->p->class_ids = g;
		x->cap = cap;
	}
	x->p->class_ids[x->p->n++] = r->class_id;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int return_plan_for_day(store *s, int64_t school_id, const char *day, return_day_plan *out,
			jy_err *err)
{
	memset(out, 0, sizeof *out);
	day_ctx x = { out, day, 0, 0 };
	int rc = store_batch_list(s, school_id, add_day_class, &x, err);
	if (!rc && x.failed)
		rc = err_set(err, JY_ENOMEM, "out of memory");
	if (rc) {
		return_day_plan_free(out);
		return rc;
	}
	if (out->n)
		qsort(out->class_ids, out->n, sizeof *out->class_ids, cmp_id);
	return 0;
}

int return_plan_class_expected(const return_day_plan *p, int64_t class_id)
{
	if (!p->plan)
		return 1;
	return p->n && bsearch(&class_id, p->class_ids, p->n, sizeof class_id, cmp_id) != NULL;
}

void return_day_plan_free(return_day_plan *p)
{
	if (!p)
		return;
	free(p->class_ids);
	p->class_ids = NULL;
	p->n = 0;
}
