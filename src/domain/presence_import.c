/*
 * presence_import.c — see presence_import.h.
 *
 * The contact reader is a plain line splitter over the file read whole:
 * the files are small (the Lyon primary school is 125,773 records, 2.8 MB)
 * and each id must be looked up as a person number anyway, which a small
 * hash of the ids seen keeps to one query per distinct person.
 */
#include "domain/presence_import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/presence.h"

int presence_add(store *s, int64_t school_id, int64_t place_id, int64_t start, int64_t end,
		 const int64_t *people, size_t n, const char *event, const char *source,
		 int64_t user_id, jy_err *err)
{
	place_rec pl;
	if (place_id <= 0 || store_place_get(s, place_id, &pl, NULL) != 0 || pl.school_id != school_id)
		return err_at(err, JY_EINVAL, NULL, 0, "place_id", "没有这个场所 (no such place in the school)");
	if (end <= start)
		return err_at(err, JY_EINVAL, NULL, 0, "end", "结束时间应晚于开始时间 (end must be after start)");
	if (end - start > PRESENCE_MAX_SPAN)
		return err_at(err, JY_EINVAL, NULL, 0, "end", "一段停留不超过 7 天 (an interval is at most 7 days)");
	if (!n)
		return err_at(err, JY_EINVAL, NULL, 0, "people", "需要人员 (people is required)");
	if (event && strlen(event) >= 128)
		return err_at(err, JY_EINVAL, NULL, 0, "event", "event 过长 (too long)");
	presence_rec r;
	memset(&r, 0, sizeof r);
	r.school_id = school_id;
	r.place_id = place_id;
	r.start_at = start;
	r.end_at = end;
	r.created_by = user_id;
	snprintf(r.source, sizeof r.source, "%s", source);
	snprintf(r.event, sizeof r.event, "%s", event ? event : "");
	int rc = store_begin(s, err);
	for (size_t i = 0; !rc && i < n; i++) {
		person_rec p;
		if (store_person_get(s, people[i], &p, NULL) != 0 || p.school_id != school_id) {
			char f[32];
			snprintf(f, sizeof f, "people[%zu]", i);
			rc = err_at(err, JY_EINVAL, NULL, 0, f, "没有这个人 (no such person in the school)");
			break;
		}
		r.person_id = people[i];
		rc = store_presence_add(s, &r, NULL, err);
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

static int col_of(const table *t, const char *name)
{
	for (size_t j = 0; j < t->ncells[0]; j++)
		if (!strcmp(t->cells[0][j], name))
			return (int)j;
	return -1;
}

int presence_import(store *s, int64_t school_id, const table *t, const char *file, size_t *rows,
		    jy_errlist *errors, jy_err *err)
{
	*rows = 0;
	if (!t->nrows)
		return err_at(err, JY_EINVAL, file, 1, NULL, "文件为空 (the file is empty)");
	static const char *const need[] = { "person_no", "place", "start", "end" };
	int col[4];
	for (int k = 0; k < 4; k++) {
		col[k] = col_of(t, need[k]);
		if (col[k] < 0)
			errlist_at(errors, JY_EINVAL, file, t->rownum[0], need[k],
				   "缺少列 (missing column) %s: 需要 person_no,place,start,end", need[k]);
	}
	int cev = col_of(t, "event");
	if (errors->n_total)
		return err_set(err, JY_EINVAL, "表头不完整 (the header is incomplete)");
	presence_rec *v = calloc(t->nrows, sizeof *v);
	if (!v)
		return err_set(err, JY_ENOMEM, "out of memory");
	for (size_t i = 1; i < t->nrows; i++) {
		presence_rec *r = &v[i];
		long row = t->rownum[i];
		const char *no = table_cell(t, i, (size_t)col[0]);
		const char *pl = table_cell(t, i, (size_t)col[1]);
		const char *st = table_cell(t, i, (size_t)col[2]);
		const char *en = table_cell(t, i, (size_t)col[3]);
		person_rec p;
		place_rec place;
		r->school_id = school_id;
		if (!*no || store_person_find(s, school_id, no, &p, NULL) != 0)
			errlist_at(errors, JY_EINVAL, file, row, "person_no", "没有这个学号/工号 (no such person number): '%.40s'", no);
		else
			r->person_id = p.id;
		if (!*pl || store_place_find(s, school_id, pl, &place, NULL) != 0)
			errlist_at(errors, JY_EINVAL, file, row, "place",
				   "没有这个场所，请先在场所中添加 (no such place; add it under places first): '%.60s'", pl);
		else
			r->place_id = place.id;
		int bs = presence_parse_time(st, &r->start_at), be = presence_parse_time(en, &r->end_at);
		if (bs)
			errlist_at(errors, JY_EINVAL, file, row, "start",
				   "时间应为 ISO 8601 或整数秒 (time must be ISO 8601 or integer seconds): '%.40s'", st);
		if (be)
			errlist_at(errors, JY_EINVAL, file, row, "end",
				   "时间应为 ISO 8601 或整数秒 (time must be ISO 8601 or integer seconds): '%.40s'", en);
		if (!bs && !be && r->end_at <= r->start_at)
			errlist_at(errors, JY_EINVAL, file, row, "end", "结束时间应晚于开始时间 (end must be after start)");
		else if (!bs && !be && r->end_at - r->start_at > PRESENCE_MAX_SPAN)
			errlist_at(errors, JY_EINVAL, file, row, "end", "一段停留不超过 7 天 (an interval is at most 7 days)");
		const char *ev = cev >= 0 ? table_cell(t, i, (size_t)cev) : "";
		if (strlen(ev) >= sizeof r->event)
			errlist_at(errors, JY_EINVAL, file, row, "event", "event 过长 (too long)");
		snprintf(r->event, sizeof r->event, "%s", ev);
		snprintf(r->source, sizeof r->source, "import");
	}
	int rc = 0;
	if (errors->n_total)
		rc = err_set(err, JY_EINVAL, "导入被拒绝 (import refused)");
	if (!rc)
		rc = store_begin(s, err);
	for (size_t i = 1; !rc && i < t->nrows; i++)
		rc = store_presence_add(s, &v[i], NULL, err);
	if (!errors->n_total) {
		if (rc) {
			store_rollback(s);
		} else {
			rc = store_commit(s, err);
			if (!rc)
				*rows = t->nrows - 1;
		}
	}
	free(v);
	return rc;
}

/* ---- contacts ---- */

typedef struct idcache {
	char **keys;
	int64_t *vals;    /* person id, or -1 unknown */
	size_t cap, n;
} idcache;

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* The person id of number s (len bytes): 0 found, JY_ENOENT, JY_ENOMEM. */
static int lookup(idcache *c, store *st, int64_t school_id, const char *s, size_t len, int64_t *id)
{
	if (c->n * 2 >= c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		char **k = calloc(cap, sizeof *k);
		int64_t *v = calloc(cap, sizeof *v);
		if (!k || !v) {
			free(k);
			free(v);
			return JY_ENOMEM;
		}
		for (size_t i = 0; i < c->cap; i++)
			if (c->keys[i]) {
				size_t h = hash(c->keys[i], strlen(c->keys[i])) & (cap - 1);
				while (k[h])
					h = (h + 1) & (cap - 1);
				k[h] = c->keys[i];
				v[h] = c->vals[i];
			}
		free(c->keys);
		free(c->vals);
		c->keys = k;
		c->vals = v;
		c->cap = cap;
	}
	size_t h = hash(s, len) & (c->cap - 1);
	while (c->keys[h]) {
		if (strlen(c->keys[h]) == len && !memcmp(c->keys[h], s, len)) {
			*id = c->vals[h];
			return *id < 0 ? JY_ENOENT : 0;
		}
		h = (h + 1) & (c->cap - 1);
	}
	char *key = strndup(s, len);
	if (!key)
		return JY_ENOMEM;
	person_rec p;
	int64_t v = store_person_find(st, school_id, key, &p, NULL) == 0 ? p.id : -1;
	c->keys[h] = key;
	c->vals[h] = v;
	c->n++;
	*id = v;
	return v < 0 ? JY_ENOENT : 0;
}

static void idcache_free(idcache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		free(c->keys[i]);
	free(c->keys);
	free(c->vals);
}

typedef struct crec {
	int64_t t, i, j;
} crec;

int contacts_import(store *s, int64_t school_id, const char *path, int64_t resolution,
		    size_t *records, jy_errlist *errors, jy_err *err)
{
	*records = 0;
	if (resolution < 1 || resolution > CONTACT_MAX_RESOLUTION)
		return err_at(err, JY_EINVAL, NULL, 0, "resolution", "--resolution 应为 1–86400 秒 (must be 1-86400 seconds)");
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_at(err, JY_EIO, path, 0, NULL, "无法打开 (cannot open): %s", strerror(errno));
	idcache cache = { 0 };
	crec *v = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	long row = 0;
	int rc = 0;
	while (!rc && (len = getline(&line, &lcap, f)) >= 0) {
		row++;
		const char *tok[3];
		size_t tl[3];
		int nt = 0;
		const char *p = line, *end = line + len;
		if (row == 1 && len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
			p += 3;
		while (p < end && nt < 3) {
			while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
				p++;
			if (p >= end)
				break;
			tok[nt] = p;
			while (p < end && !(*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
				p++;
			tl[nt] = (size_t)(p - tok[nt]);
			nt++;
		}
		if (nt == 0)
			continue;
		static const char *const names[] = { "t", "i", "j" };
		if (nt < 3) {
			errlist_at(errors, JY_EINVAL, path, row, names[nt],
				   "缺少字段 (missing field) %s: 每行应为 t i j (each line is t i j)", names[nt]);
			continue;
		}
		char num[32];
		crec r = { 0, 0, 0 };
		int ok = 1;
		if (tl[0] >= sizeof num) {
			ok = 0;
		} else {
			memcpy(num, tok[0], tl[0]);
			num[tl[0]] = 0;
			char *e;
			errno = 0;
			r.t = strtoll(num, &e, 10);
			ok = !errno && !*e && tl[0];
		}
		if (!ok) {
			errlist_at(errors, JY_EINVAL, path, row, "t", "时间应为整数秒 (t must be integer seconds): '%.*s'",
				   (int)(tl[0] > 40 ? 40 : tl[0]), tok[0]);
			continue;
		}
		int64_t ids[2];
		for (int k = 1; k <= 2; k++) {
			int lr = lookup(&cache, s, school_id, tok[k], tl[k], &ids[k - 1]);
			if (lr == JY_ENOMEM) {
				rc = err_set(err, JY_ENOMEM, "out of memory");
				break;
			}
			if (lr)
				errlist_at(errors, JY_EINVAL, path, row, names[k],
					   "没有这个学号/工号 (no such person number): '%.*s'",
					   (int)(tl[k] > 40 ? 40 : tl[k]), tok[k]);
		}
		if (rc || errors->n_total)
			continue;
		if (ids[0] == ids[1])
			continue; /* self pairs carry no contact */
		r.i = ids[0];
		r.j = ids[1];
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 4096;
			crec *nv = realloc(v, nc * sizeof *nv);
			if (!nv) {
				rc = err_set(err, JY_ENOMEM, "out of memory");
				break;
			}
			v = nv;
			cap = nc;
		}
		v[n++] = r;
	}
	if (!rc && ferror(f))
		rc = err_at(err, JY_EIO, path, row, NULL, "读取失败 (read error)");
	fclose(f);
	free(line);
	idcache_free(&cache);
	if (!rc && errors->n_total)
		rc = err_set(err, JY_EINVAL, "导入被拒绝 (import refused)");
	if (!rc)
		rc = store_begin(s, err);
	if (!rc) {
		int64_t batch;
		const char *base = strrchr(path, '/');
		rc = store_contact_batch_add(s, school_id, base ? base + 1 : path, resolution, (int64_t)n,
					     &batch, err);
		for (size_t k = 0; !rc && k < n; k++)
			rc = store_contact_add(s, school_id, batch, v[k].t, v[k].i, v[k].j, err);
		if (rc)
			store_rollback(s);
		else
			rc = store_commit(s, err);
		if (!rc)
			*records = n;
	}
	free(v);
	return rc;
}
