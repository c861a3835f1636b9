/*
 * supplies.c — see supplies.h.
 *
 * Warnings: an item with a threshold (warn_days > 0) warns when nothing is
 * in stock ("out_of_stock"), or when it is being used and fewer days of
 * supply are left than the threshold ("low_days").  Durable equipment
 * (scanners, thermometer guns: warn_days 0 by default) never warns on days.
 */
#include "domain/supplies.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/date.h"

static int all_digits(const char *t)
{
	if (!*t || strlen(t) > 17)
		return 0;
	for (; *t; t++)
		if (!isdigit((unsigned char)*t))
			return 0;
	return 1;
}

int supplies_find_place(store *s, int64_t school_id, const char *text, const char *field,
			place_rec *out, jy_err *err)
{
	if (!text || !*text)
		return err_at(err, JY_EINVAL, "", 0, field, "需要场所 (%s is required)", field);
	int rc = JY_ENOENT;
	if (all_digits(text)) {
		rc = store_place_get(s, strtoll(text, NULL, 10), out, NULL);
		if (!rc && out->school_id != school_id)
			rc = JY_ENOENT;
	}
	if (rc)
		rc = store_place_find(s, school_id, text, out, NULL);
	if (rc == JY_ENOENT)
		return err_at(err, JY_EINVAL, "", 0, field, "没有这个场所 (no such place): %.60s",
			      text);
	return rc ? err_at(err, rc, "", 0, field, "读取场所失败 (could not read the place)") : 0;
}

int supplies_item_resolve(store *s, int64_t school_id, const char *text, supply_item_rec *out,
			  jy_err *err)
{
	if (!text || !*text)
		return err_at(err, JY_EINVAL, "", 0, "item", "需要物资代码 (item is required)");
	int rc = JY_ENOENT;
	if (all_digits(text)) {
		rc = store_supply_item_get(s, strtoll(text, NULL, 10), out, NULL);
		if (!rc && out->school_id && out->school_id != school_id)
			rc = JY_ENOENT;
	}
	if (rc)
		rc = store_supply_item_find(s, school_id, text, out, NULL);
	if (rc == JY_ENOENT)
		return err_at(err, JY_EINVAL, "", 0, "item", "没有这种物资 (no such item): %.40s",
			      text);
	return rc ? err_at(err, rc, "", 0, "item", "读取物资失败 (could not read the item)") : 0;
}

int supplies_item_save(store *s, int64_t school_id, supply_item_rec *r, int64_t *id, jy_err *err)
{
	if (!r->code[0])
		return err_at(err, JY_EINVAL, "", 0, "code", "需要代码 (code is required)");
	for (const char *p = r->code; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return err_at(
			    err, JY_EINVAL, "", 0, "code",
			    "代码只能含字母、数字、_ 和 - (code: letters, digits, _ and - only)");
	if (!r->name_zh[0])
		return err_at(err, JY_EINVAL, "", 0, "name_zh",
			      "需要中文名称 (name_zh is required)");
	if (!r->unit_zh[0])
		return err_at(err, JY_EINVAL, "", 0, "unit_zh", "需要单位 (unit_zh is required)");
	if (r->warn_days < 0 || r->warn_days > 365)
		return err_at(err, JY_EINVAL, "", 0, "warn_days",
			      "预警天数应为 0–365 (warn_days must be 0-365)");
	if (r->id) {
		supply_item_rec old;
		int rc = store_supply_item_get(s, r->id, &old, err);
		if (rc)
			return rc;
		if (old.school_id != school_id)
			r->id = 0; /* a default item: the school gets its own copy */
	}
	if (!r->id) {
		supply_item_rec same;
		if (store_supply_item_find(s, school_id, r->code, &same, NULL) == 0 &&
		    same.school_id == school_id)
			return err_at(err, JY_ECONFLICT, "", 0, "code",
				      "代码已存在 (code already exists): %s", r->code);
	}
	r->school_id = school_id;
	return store_supply_item_save(s, r, id, err);
}

typedef struct stock_at {
	int64_t place_id, best_place;
	double stock, best;
} stock_at;

static int on_stock(void *ctx, int64_t item_id, int64_t place_id, const char *name, double stock)
{
	stock_at *x = ctx;
	(void)item_id;
	(void)name;
	if (place_id == x->place_id)
		x->stock = stock;
	if (stock > x->best) {
		x->best = stock;
		x->best_place = place_id;
	}
	return 0;
}

static void today_cst(char out[11])
{
	date_format(date_today_cst(), out);
}

int supplies_move(store *s, const supplies_move_input *in, int64_t *id, jy_err *err)
{
	supply_item_rec item;
	int rc = supplies_item_resolve(s, in->school_id, in->item, &item, err);
	if (rc)
		return rc;
	const char *kind = in->kind ? in->kind : "";
	int receipt = !strcmp(kind, "receipt"), issue = !strcmp(kind, "issue");
	int transfer = !strcmp(kind, "transfer"), count = !strcmp(kind, "count");
	if (!receipt && !issue && !transfer && !count)
		return err_at(err, JY_EINVAL, "", 0, "kind",
			      "类型应为 receipt（入库）、issue（领用）、transfer（调拨）或 "
			      "count（盘点）(kind: receipt, issue, transfer or count)");
	double q = in->quantity;
	if (q != q || q > 1e9 || (count ? q < 0 : q <= 0))
		return err_at(err, JY_EINVAL, "", 0, "quantity", "数量%s (quantity must be %s)",
			      count ? "应 ≥ 0" : "应 > 0", count ? ">= 0" : "> 0");
	int64_t at = in->at ? in->at : (int64_t)time(NULL);
	char date[11];
	if (in->date && *in->date) {
		int32_t d;
		if (date_parse(in->date, &d))
			return err_at(err, JY_EINVAL, "", 0, "date",
				      "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
		snprintf(date, sizeof date, "%s", in->date);
	} else if (in->at) {
		date_format(date_of_time_cst(in->at), date);
	} else {
		today_cst(date);
	}
	place_rec place, to;
	stock_at st = {0, 0, 0, 0};
	if (issue && (!in->place || !*in->place)) {
		/* Take it from where most is in stock. */
		if ((rc = store_supply_stock(s, in->school_id, item.id, on_stock, &st, err)))
			return rc;
		if (!st.best_place)
			return err_at(err, JY_ECONFLICT, "", 0, "quantity",
				      "%s 无库存 (%s: none in stock)", item.name_zh, item.code);
		if ((rc = store_place_get(s, st.best_place, &place, err)))
			return rc;
	} else if ((rc = supplies_find_place(s, in->school_id, in->place, "place", &place, err))) {
		return rc;
	}
	if (transfer) {
		if ((rc =
			 supplies_find_place(s, in->school_id, in->to_place, "to_place", &to, err)))
			return rc;
		if (to.id == place.id)
			return err_at(err, JY_EINVAL, "", 0, "to_place",
				      "调入和调出是同一地点 (transfer to the same place)");
	}
	if ((rc = store_begin(s, err)))
		return rc;
	st = (stock_at){place.id, 0, 0, 0};
	if ((rc = store_supply_stock(s, in->school_id, item.id, on_stock, &st, err)))
		goto out;
	if ((issue || transfer) && q > st.stock + 1e-9) {
		rc = err_at(err, JY_ECONFLICT, "", 0, "quantity",
			    "库存不足：%s 在%s只有 %g %s (not enough stock: %g %s of %s at %s)",
			    item.name_zh, place.name, st.stock, item.unit_zh, st.stock,
			    item.unit_en, item.code, place.name);
		goto out;
	}
	supply_move_rec m;
	memset(&m, 0, sizeof m);
	m.school_id = in->school_id;
	m.item_id = item.id;
	m.place_id = place.id;
	snprintf(m.kind, sizeof m.kind, "%s", kind);
	m.delta = receipt ? q : count ? q - st.stock : -q;
	snprintf(m.date, sizeof m.date, "%s", date);
	m.at = at;
	snprintf(m.party, sizeof m.party, "%s", in->party ? in->party : "");
	snprintf(m.note, sizeof m.note, "%s", in->note ? in->note : "");
	m.hygiene_record_id = in->hygiene_record_id;
	m.recorded_by = in->user_id;
	if ((rc = store_supply_move_add(s, &m, id, err)))
		goto out;
	if (transfer) {
		m.place_id = to.id;
		m.delta = q;
		snprintf(m.party, sizeof m.party, "%s", place.name);
		rc = store_supply_move_add(s, &m, NULL, err);
	}
out:
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* ---- the report ---- */

typedef struct item_row {
	supply_item_rec item;
	double stock, issued;
	char first[11], last_receipt[11];
	cJSON *by_location;
} item_row;

typedef struct report {
	item_row *rows;
	size_t n, cap;
} report;

static item_row *row_of(report *r, int64_t item_id)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->rows[i].item.id == item_id)
			return &r->rows[i];
	return NULL;
}

static int on_item(void *ctx, const supply_item_rec *it)
{
	report *r = ctx;
	if (!it->enabled)
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		item_row *g = realloc(r->rows, cap * sizeof *g);
		if (!g)
			return 1;
		r->rows = g;
		r->cap = cap;
	}
	item_row *row = &r->rows[r->n++];
	memset(row, 0, sizeof *row);
	row->item = *it;
	row->by_location = cJSON_CreateArray();
	return 0;
}

static int on_location(void *ctx, int64_t item_id, int64_t place_id, const char *name, double stock)
{
	item_row *row = row_of(ctx, item_id);
	if (!row)
		return 0;
	row->stock += stock;
	if (fabs(stock) < 1e-9)
		return 0;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "place_id", (double)place_id);
	cJSON_AddStringToObject(o, "place", name);
	cJSON_AddNumberToObject(o, "stock", round(stock * 1000) / 1000);
	cJSON_AddItemToArray(row->by_location, o);
	return 0;
}

static int on_usage(void *ctx, int64_t item_id, double issued, const char *first, const char *last)
{
	item_row *row = row_of(ctx, item_id);
	if (!row)
		return 0;
	row->issued = issued;
	snprintf(row->first, sizeof row->first, "%s", first);
	snprintf(row->last_receipt, sizeof row->last_receipt, "%s", last);
	return 0;
}

int supplies_report_json(store *s, int64_t school_id, const char *today, int weeks, int warn_days,
			 cJSON **out, jy_err *err)
{
	*out = NULL;
	int32_t t;
	if (!today || date_parse(today, &t))
		return err_at(err, JY_EINVAL, "", 0, "date",
			      "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)");
	if (weeks == 0)
		weeks = 2;
	if (weeks < 1 || weeks > 52)
		return err_at(err, JY_EINVAL, "", 0, "weeks", "周数应为 1–52 (weeks must be 1-52)");
	if (warn_days > 365)
		return err_at(err, JY_EINVAL, "", 0, "warn_days",
			      "预警天数应为 0–365 (warn_days must be 0-365)");
	report r = {NULL, 0, 0};
	char from[11];
	date_format(t - weeks * 7 + 1, from);
	int rc = store_supply_item_list(s, school_id, on_item, &r, err);
	if (!rc)
		rc = store_supply_stock(s, school_id, 0, on_location, &r, err);
	if (!rc)
		rc = store_supply_usage(s, school_id, from, today, on_usage, &r, err);
	cJSON *j = NULL;
	if (!rc) {
		j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "today", today);
		cJSON_AddNumberToObject(j, "weeks", weeks);
		cJSON *items = cJSON_AddArrayToObject(j, "items");
		int warnings = 0;
		for (size_t i = 0; i < r.n; i++) {
			item_row *row = &r.rows[i];
			const supply_item_rec *it = &row->item;
			int window = weeks * 7;
			int32_t first;
			if (row->first[0] && !date_parse(row->first, &first) &&
			    t - first + 1 < window)
				window = t - first + 1 > 0 ? t - first + 1 : 1;
			double per_day = row->issued > 0 ? row->issued / window : 0;
			int wd = warn_days >= 0 ? warn_days : it->warn_days;
			double days_left = per_day > 0 ? row->stock / per_day : -1;
			const char *warning = NULL;
			if (wd > 0 && row->stock <= 1e-9)
				warning = "out_of_stock";
			else if (wd > 0 && per_day > 0 && days_left < wd)
				warning = "low_days";
			warnings += warning != NULL;
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "id", (double)it->id);
			cJSON_AddStringToObject(o, "code", it->code);
			cJSON_AddStringToObject(o, "name_zh", it->name_zh);
			cJSON_AddStringToObject(o, "name_en", it->name_en);
			cJSON_AddStringToObject(o, "unit_zh", it->unit_zh);
			cJSON_AddStringToObject(o, "unit_en", it->unit_en);
			cJSON_AddNumberToObject(o, "stock", round(row->stock * 1000) / 1000);
			cJSON_AddItemToObject(o, "by_location", row->by_location);
			row->by_location = NULL;
			cJSON_AddNumberToObject(o, "issued", round(row->issued * 1000) / 1000);
			cJSON_AddNumberToObject(o, "window_days", window);
			cJSON_AddNumberToObject(o, "per_day", round(per_day * 100) / 100);
			if (days_left >= 0)
				cJSON_AddNumberToObject(o, "days_left", round(days_left * 10) / 10);
			else
				cJSON_AddNullToObject(o, "days_left");
			cJSON_AddNumberToObject(o, "warn_days", wd);
			if (warning)
				cJSON_AddStringToObject(o, "warning", warning);
			else
				cJSON_AddNullToObject(o, "warning");
			if (row->last_receipt[0])
				cJSON_AddStringToObject(o, "last_receipt", row->last_receipt);
			else
				cJSON_AddNullToObject(o, "last_receipt");
			cJSON_AddItemToArray(items, o);
		}
		cJSON_AddNumberToObject(j, "warnings", warnings);
	}
	for (size_t i = 0; i < r.n; i++)
		cJSON_Delete(r.rows[i].by_location);
	free(r.rows);
	*out = j;
	return rc;
}
