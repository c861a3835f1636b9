/*
 * roster.c — see roster.h.
 *
 * Two passes.  The first reads the header, maps columns, and checks every
 * cell of every row against the rules below and against the database (a
 * class that exists under another grade, a dorm that is not a dorm room),
 * collecting all problems.  The second, only when the first found none,
 * writes the rows inside one transaction; any store failure rolls it all
 * back.  So a file with one bad cell in row 9,000 changes nothing.
 */
#include "domain/roster.h"
#include "domain/people.h"

#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

enum col { C_NUMBER, C_NAME, C_GENDER, C_GRADE, C_CLASS, C_DORM, C_PHONE, C_GROUPS, C_COUNT };

static const struct {
	const char *zh, *en;
	int required;
} columns[C_COUNT] = {
	[C_NUMBER] = { "学号", "student_no", 1 },
	[C_NAME] = { "姓名", "name", 1 },
	[C_GENDER] = { "性别", "gender", 1 },
	[C_GRADE] = { "年级", "grade", 1 },
	[C_CLASS] = { "班级", "class", 1 },
	[C_DORM] = { "宿舍", "dorm", 0 },
	[C_PHONE] = { "监护人电话", "guardian_phone", 0 },
	[C_GROUPS] = { "重点群体", "key_groups", 0 },
};

/* A validated row, ready to write. */
typedef struct row {
	long rownum;
	const char *number, *name, *grade, *class_name, *dorm, *phone;
	char gender[2];
	char flags[160];
	int keep_flags;       /* the file has no key-group column */
} row;

/* A copy of s without leading and trailing ASCII or full-width (U+3000)
 * spaces; malloc'd, NULL when out of memory. */
static char *trim_dup(const char *s)
{
	while (*s == ' ' || *s == '\t' || !strncmp(s, "\xe3\x80\x80", 3))
		s += (*s == ' ' || *s == '\t') ? 1 : 3;
	size_t n = strlen(s);
	for (;;) {
		if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
			n--;
		else if (n >= 3 && !strncmp(s + n - 3, "\xe3\x80\x80", 3))
			n -= 3;
		else
			break;
	}
	char *r = malloc(n + 1);
	if (r) {
		memcpy(r, s, n);
		r[n] = 0;
	}
	return r;
}

/* Find which column of the header holds each field; -1 when absent. */
static int map_header(const table *t, const char *name, int map[C_COUNT], jy_errlist *errors)
{
	for (int c = 0; c < C_COUNT; c++)
		map[c] = -1;
	if (t->nrows == 0) {
		errlist_at(errors, JY_EINVAL, name, 1, "", "文件为空 (the file is empty)");
		return JY_EINVAL;
	}
	int bad = 0;
	for (size_t j = 0; j < t->ncells[0]; j++) {
		char *h = trim_dup(table_cell(t, 0, j));
		if (!h)
			return JY_ENOMEM;
		for (int c = 0; c < C_COUNT; c++) {
			if (strcmp(h, columns[c].zh) && strcasecmp(h, columns[c].en))
				continue;
			if (map[c] >= 0) {
				errlist_at(errors, JY_EINVAL, name, t->rownum[0], h,
					   "列名重复 (duplicate column)");
				bad = 1;
			}
			map[c] = (int)j;
		}
		free(h);
	}
	for (int c = 0; c < C_COUNT; c++)
		if (columns[c].required && map[c] < 0) {
			errlist_at(errors, JY_EINVAL, name, t->rownum[0], columns[c].zh,
				   "缺少必填列 %s/%s (missing required column)", columns[c].zh,
				   columns[c].en);
			bad = 1;
		}
	return bad ? JY_EINVAL : 0;
}

static void free_rows(row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)rows[i].number);
		free((char *)rows[i].name);
		free((char *)rows[i].grade);
		free((char *)rows[i].class_name);
		free((char *)rows[i].dorm);
		free((char *)rows[i].phone);
	}
	free(rows);
}

static int cmp_row_number(const void *a, const void *b)
{
	const row *x = a, *y = b;
	int c = strcmp(x->number, y->number);
	return c ? c : (x->rownum < y->rownum ? -1 : x->rownum > y->rownum);
}

/* Check one row's cells; problems go to errors. */
/*
 * What the school has stored, read once before the rows are checked and
 * written: its classes, places and people, sorted for binary search by
 * name, name and number.  A 10,000-row import then asks the database a few
 * questions instead of several per row (on PostgreSQL each is a round trip).
 */
typedef struct known {
	class_rec *classes;
	size_t nclasses, capclasses;
	place_rec *places;
	size_t nplaces, capplaces;
	person_rec *people;
	size_t npeople, cappeople;
	const person_rec **by_name;	/* people by name, guardian phone, number */
} known;

/* Append one element to a growing array; -1 when out of memory. */
static int push(void **arr, size_t *n, size_t *cap, size_t size, const void *v)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		void *a = realloc(*arr, c * size);
		if (!a)
			return -1;
		*arr = a;
		*cap = c;
	}
	memcpy((char *)*arr + *n * size, v, size);
	(*n)++;
	return 0;
}

static int known_class_cb(void *ctx, const class_rec *c)
{
	known *k = ctx;
	return push((void **)&k->classes, &k->nclasses, &k->capclasses, sizeof *c, c);
}

static int known_place_cb(void *ctx, const place_rec *p)
{
	known *k = ctx;
	return push((void **)&k->places, &k->nplaces, &k->capplaces, sizeof *p, p);
}

static int known_person_cb(void *ctx, const person_rec *p)
{
	known *k = ctx;
	return push((void **)&k->people, &k->npeople, &k->cappeople, sizeof *p, p);
}

static int cmp_class(const void *a, const void *b)
{
	return strcmp(((const class_rec *)a)->name, ((const class_rec *)b)->name);
}

static int cmp_place(const void *a, const void *b)
{
	return strcmp(((const place_rec *)a)->name, ((const place_rec *)b)->name);
}

static int cmp_person(const void *a, const void *b)
{
	return strcmp(((const person_rec *)a)->number, ((const person_rec *)b)->number);
}

static int cmp_by_name(const void *a, const void *b)
{
	const person_rec *x = *(const person_rec *const *)a, *y = *(const person_rec *const *)b;
	int c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->guardian_phone, y->guardian_phone);
	return c ? c : strcmp(x->number, y->number);
}

static void known_free(known *k)
{
	free(k->classes);
	free(k->places);
	free(k->people);
	free(k->by_name);
	memset(k, 0, sizeof *k);
}

static int known_load(store *s, int64_t school_id, known *k, jy_err *err)
{
	memset(k, 0, sizeof *k);
	if (!school_id)
		return 0;
	person_filter f = { .school_id = school_id };
	int rc = store_class_list(s, school_id, known_class_cb, k, err);
	if (!rc)
		rc = store_place_list(s, school_id, NULL, known_place_cb, k, err);
	if (!rc)
		rc = store_person_list(s, &f, known_person_cb, k, err);
	if (!rc && k->npeople && !(k->by_name = malloc(k->npeople * sizeof *k->by_name)))
		rc = err_set(err, JY_ENOMEM, "out of memory");
	if (rc) {
		known_free(k);
		return rc;
	}
	if (k->nclasses)
		qsort(k->classes, k->nclasses, sizeof *k->classes, cmp_class);
	if (k->nplaces)
		qsort(k->places, k->nplaces, sizeof *k->places, cmp_place);
	if (k->npeople) {
		qsort(k->people, k->npeople, sizeof *k->people, cmp_person);
		for (size_t i = 0; i < k->npeople; i++)
			k->by_name[i] = &k->people[i];
		qsort(k->by_name, k->npeople, sizeof *k->by_name, cmp_by_name);
	}
	return 0;
}

/* bsearch that also takes an empty array (whose base may be NULL). */
static const void *lookup(const void *key, const void *base, size_t n, size_t size,
			  int (*cmp)(const void *, const void *))
{
	return n ? bsearch(key, base, n, size, cmp) : NULL;
}

static const class_rec *known_class(const known *k, const char *name)
{
	class_rec key;
	snprintf(key.name, sizeof key.name, "%s", name);
	return lookup(&key, k->classes, k->nclasses, sizeof key, cmp_class);
}

static const place_rec *known_place(const known *k, const char *name)
{
	place_rec key;
	snprintf(key.name, sizeof key.name, "%s", name);
	return lookup(&key, k->places, k->nplaces, sizeof key, cmp_place);
}

static const person_rec *known_person(const known *k, const char *number)
{
	person_rec key;
	snprintf(key.number, sizeof key.number, "%s", number);
	return lookup(&key, k->people, k->npeople, sizeof key, cmp_person);
}

/* Insert v into the sorted array (a class or dorm the import creates). */
static int insert_sorted(void **arr, size_t *n, size_t *cap, size_t size, const void *v,
			 int (*cmp)(const void *, const void *))
{
	if (push(arr, n, cap, size, v))
		return -1;
	char *a = *arr;
	size_t i = *n - 1;
	while (i > 0 && cmp(a + (i - 1) * size, v) > 0)
		i--;
	if (i + 1 < *n)
		memmove(a + (i + 1) * size, a + i * size, (*n - 1 - i) * size);
	memcpy(a + i * size, v, size);
	return 0;
}

/* The smallest other number stored under the same name and guardian phone
 * (a likely duplicate), or NULL. */
static const char *known_duplicate(const known *k, const char *name, const char *phone,
				   const char *number)
{
	size_t lo = 0, hi = k->npeople;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const person_rec *p = k->by_name[mid];
		int c = strcmp(p->name, name);
		if (!c)
			c = strcmp(p->guardian_phone, phone);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < k->npeople; i++) {
		const person_rec *p = k->by_name[i];
		if (strcmp(p->name, name) || strcmp(p->guardian_phone, phone))
			break;
		if (strcmp(p->number, number))
			return p->number;
	}
	return NULL;
}

static void check_row(const known *k, int64_t school_id, const char *name, row *r,
		      jy_errlist *errors)
{
	const char *col_number = columns[C_NUMBER].zh;
	if (!*r->number)
		errlist_at(errors, JY_EINVAL, name, r->rownum, col_number, "学号不能为空 (student number is required)");
	else if (!people_valid_number(r->number))
		errlist_at(errors, JY_EINVAL, name, r->rownum, col_number,
			   "学号含空白、逗号或引号，或超过 39 字节 (student number has spaces, commas or quotes, or is over 39 bytes): '%s'",
			   r->number);
	if (!*r->name)
		errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_NAME].zh, "姓名不能为空 (name is required)");
	else if (strlen(r->name) >= sizeof(((person_rec *)0)->name))
		errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_NAME].zh, "姓名过长 (name too long)");
	if (!*r->class_name)
		errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_CLASS].zh, "班级不能为空 (class is required)");
	else if (strlen(r->class_name) >= sizeof(((class_rec *)0)->name))
		errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_CLASS].zh, "班级名过长 (class name too long)");
	if (strlen(r->grade) >= sizeof(((class_rec *)0)->grade))
		errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_GRADE].zh, "年级名过长 (grade name too long)");
	if (*r->phone && !people_valid_phone(r->phone))
		errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_PHONE].zh,
			   "电话号码无效，应为 7–15 位数字 (phone number must have 7–15 digits): '%s'", r->phone);
	if (strlen(r->dorm) >= sizeof(((place_rec *)0)->name))
		errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_DORM].zh, "宿舍名过长 (dorm name too long)");

	/* Against what is stored: the class's grade, and the dorm's kind. */
	if (*r->class_name && school_id) {
		const class_rec *c = known_class(k, r->class_name);
		if (c) {
			if (*r->grade && strcmp(c->grade, r->grade))
				errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_GRADE].zh,
					   "班级 %s 属于 %s，不是 %s (class %s belongs to grade %s, not %s)",
					   c->name, c->grade, r->grade, c->name, c->grade, r->grade);
		} else if (!*r->grade) {
			errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_GRADE].zh,
				   "新班级 %s 需要年级 (a new class needs its grade)", r->class_name);
		}
	} else if (*r->class_name && !*r->grade) {
		errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_GRADE].zh,
			   "新班级 %s 需要年级 (a new class needs its grade)", r->class_name);
	}
	if (*r->dorm && school_id) {
		const place_rec *p = known_place(k, r->dorm);
		if (p && strcmp(p->kind, "dorm_room"))
			errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_DORM].zh,
				   "%s 不是宿舍 (is a place of kind %s, not a dorm room)", r->dorm, p->kind);
		else if (p && p->gender[0] && r->gender[0] && strcmp(p->gender, r->gender))
			errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_DORM].zh,
				   "宿舍 %s 是%s生宿舍 (dorm %s is for %s students)", r->dorm,
				   !strcmp(p->gender, "M") ? "男" : "女", r->dorm,
				   !strcmp(p->gender, "M") ? "male" : "female");
	}
}

/* The dorm rooms the file names that the school does not have yet: added
 * first, without waiting for their ids (PostgreSQL pipelines them), then
 * the school's places are read again, ids and all, in one query. */
static int create_dorms(store *s, int64_t school_id, known *k, const row *rows, size_t n,
			roster_report *rep, jy_err *err)
{
	long made = 0;
	for (size_t i = 0; i < n; i++) {
		const row *r = &rows[i];
		if (!*r->dorm || known_place(k, r->dorm))
			continue;
		place_rec d;
		memset(&d, 0, sizeof d);
		d.school_id = school_id;
		strcpy(d.kind, "dorm_room");
		snprintf(d.name, sizeof d.name, "%s", r->dorm);
		d.floor = -1000;
		d.capacity = -1;
		d.area_m2 = -1;
		strcpy(d.gender, r->gender);
		int rc = store_place_upsert(s, &d, NULL, err);
		if (rc)
			return rc;
		if (insert_sorted((void **)&k->places, &k->nplaces, &k->capplaces, sizeof d, &d, cmp_place))
			return err_set(err, JY_ENOMEM, "out of memory");
		made++;
	}
	if (!made)
		return 0;
	rep->dorms_created += made;
	k->nplaces = 0;
	int rc = store_place_list(s, school_id, NULL, known_place_cb, k, err);
	if (!rc && k->nplaces)
		qsort(k->places, k->nplaces, sizeof *k->places, cmp_place);
	return rc;
}

/* Pass 2: write the validated rows (inside the caller's transaction). */
static int write_rows(store *s, int64_t school_id, known *k, row *rows, size_t n,
		      roster_report *rep, jy_err *err)
{
	int rc = create_dorms(s, school_id, k, rows, n, rep, err);
	for (size_t i = 0; i < n && !rc; i++) {
		row *r = &rows[i];
		person_rec p;
		memset(&p, 0, sizeof p);
		p.school_id = school_id;
		strcpy(p.kind, "student");
		snprintf(p.number, sizeof p.number, "%s", r->number);
		snprintf(p.name, sizeof p.name, "%s", r->name);
		strcpy(p.gender, r->gender);
		snprintf(p.guardian_phone, sizeof p.guardian_phone, "%s", r->phone);
		snprintf(p.flags, sizeof p.flags, "%s", r->flags);
		p.active = 1;

		const person_rec *old = known_person(k, r->number);
		int existed = old != NULL;
		int64_t cid = 0, gid = 0;
		const class_rec *kc = known_class(k, r->class_name);
		if (kc) {
			cid = kc->id;
		} else {
			rc = store_grade_ensure(s, school_id, r->grade, &gid, err);
			if (rc)
				break;
			rc = store_class_ensure(s, school_id, gid, r->class_name, &cid, err);
			if (rc)
				break;
			class_rec c = { .id = cid, .school_id = school_id, .grade_id = gid };
			snprintf(c.name, sizeof c.name, "%s", r->class_name);
			snprintf(c.grade, sizeof c.grade, "%s", r->grade);
			if (insert_sorted((void **)&k->classes, &k->nclasses, &k->capclasses, sizeof c, &c,
					  cmp_class)) {
				rc = err_set(err, JY_ENOMEM, "out of memory");
				break;
			}
			rep->classes_created++;
		}
		p.class_id = cid;
		if (*r->dorm) {
			/* create_dorms added every dorm room the file names. */
			const place_rec *kd = known_place(k, r->dorm);
			if (!kd) {
				rc = err_set(err, JY_EDB, "宿舍未能创建 (dorm room not created): %s", r->dorm);
				break;
			}
			p.dorm_id = kd->id;
		}
		if (existed) {
			/* Keep what the roster does not carry. */
			snprintf(p.phone, sizeof p.phone, "%s", old->phone);
			snprintf(p.position, sizeof p.position, "%s", old->position);
			snprintf(p.card_no, sizeof p.card_no, "%s", old->card_no);
			if (r->keep_flags)
				snprintf(p.flags, sizeof p.flags, "%s", old->flags);
		}
		int outcome = 0;
		rc = store_person_save(s, &p, old, NULL, &outcome, err);
		if (rc) {
			char msg[sizeof err->msg];
			snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
			err_at(err, rc, NULL, r->rownum, columns[C_NUMBER].zh, "%s", msg);
			break;
		}
		rep->added += outcome == STORE_ADDED;
		rep->updated += outcome == STORE_UPDATED;
		rep->unchanged += outcome == STORE_UNCHANGED;
	}
	return rc;
}

int roster_import(store *s, const table *t, const char *name, roster_report *rep,
		  jy_errlist *errors, jy_err *err)
{
	memset(rep, 0, sizeof *rep);
	int map[C_COUNT];
	int rc = map_header(t, name, map, errors);
	if (rc)
		return rc;

	school_rec sc = { 0 };
	rc = store_school_default(s, &sc, err);
	if (rc && rc != JY_ENOENT)
		return rc; /* several schools and none named, or a named school that is not there */
	int have_school = rc == 0;
	if (!have_school && err)
		err_clear(err);
	known k;
	rc = known_load(s, have_school ? sc.id : 0, &k, err);
	if (rc)
		return rc;

	size_t n = 0;
	row *rows = calloc(t->nrows ? t->nrows : 1, sizeof *rows);
	if (!rows) {
		known_free(&k);
		return err_set(err, JY_ENOMEM, "out of memory");
	}
	for (size_t i = 1; i < t->nrows; i++) {
		/* Skip rows that are entirely blank. */
		int blank = 1;
		for (size_t j = 0; j < t->ncells[i] && blank; j++)
			for (const char *p = t->cells[i][j]; *p && blank; p++)
				blank = (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n');
		if (blank)
			continue;
		row *r = &rows[n++];
		r->rownum = t->rownum[i];
		r->keep_flags = map[C_GROUPS] < 0;
#define RCELL(c) trim_dup(map[c] >= 0 ? table_cell(t, i, (size_t)map[c]) : "")
		r->number = RCELL(C_NUMBER);
		r->name = RCELL(C_NAME);
		r->grade = RCELL(C_GRADE);
		r->class_name = RCELL(C_CLASS);
		r->dorm = RCELL(C_DORM);
		r->phone = RCELL(C_PHONE);
		char *gender = RCELL(C_GENDER);
		char *groups = RCELL(C_GROUPS);
#undef RCELL
		if (!r->number || !r->name || !r->grade || !r->class_name || !r->dorm || !r->phone ||
		    !gender || !groups) {
			free(gender);
			free(groups);
			rc = err_set(err, JY_ENOMEM, "out of memory");
			goto out;
		}
		if (people_parse_gender(gender, r->gender) != 0)
			errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_GENDER].zh,
				   "性别应为 男/女 或 M/F (gender must be 男/女 or M/F): '%s'", gender);
		char bad[128];
		if (people_parse_groups(groups, r->flags, sizeof r->flags, bad, sizeof bad) != 0)
			errlist_at(errors, JY_EINVAL, name, r->rownum, columns[C_GROUPS].zh,
				   "未知重点群体 unknown key group '%s'", bad);
		free(gender);
		free(groups);
		check_row(&k, have_school ? sc.id : 0, name, r, errors);
	}
	rep->rows = (long)n;

	/* The same number twice in one file. */
	row *sorted = malloc((n ? n : 1) * sizeof *sorted);
	if (!sorted) {
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(sorted, rows, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_row_number);
	for (size_t i = 1; i < n; i++)
		if (*sorted[i].number && !strcmp(sorted[i].number, sorted[i - 1].number))
			errlist_at(errors, JY_EINVAL, name, sorted[i].rownum, columns[C_NUMBER].zh,
				   "学号 %s 与第 %ld 行重复 (student number repeats row %ld)",
				   sorted[i].number, sorted[i - 1].rownum, sorted[i - 1].rownum);
	free(sorted);

	if (errors->n_total > 0) {
		rc = JY_EINVAL;
		goto out;
	}

	rc = store_begin(s, err);
	if (rc)
		goto out;
	if (!have_school) {
		rc = store_school_ensure(s, "school", "本校", &sc.id, err);
		if (rc) {
			store_rollback(s);
			goto out;
		}
	}
	/* Likely duplicates: same name and guardian phone under another number
	 * (checked before writing, against what was stored). */
	for (size_t i = 0; i < n; i++) {
		if (!*rows[i].phone)
			continue;
		const char *other = known_duplicate(&k, rows[i].name, rows[i].phone, rows[i].number);
		if (other)
			errlist_at(&rep->warnings, 0, name, rows[i].rownum, columns[C_NAME].zh,
				   "可能重复：%s 与学号 %s 姓名和监护人电话相同 (likely duplicate of %s: same name and guardian phone)",
				   rows[i].name, other, other);
	}
	rc = write_rows(s, sc.id, &k, rows, n, rep, err);
	if (rc) {
		store_rollback(s);
		if (err)
			snprintf(err->file, sizeof err->file, "%s", name);
		rep->added = rep->updated = rep->unchanged = 0;
		rep->classes_created = rep->dorms_created = 0;
		goto out;
	}
	rc = store_commit(s, err);
out:
	free_rows(rows, n);
	known_free(&k);
	return rc;
}

/* ---- export ---- */

typedef struct export_ctx {
	FILE *f;
	lxw_worksheet *ws;
	lxw_format *text;
	lxw_row_t row;
	int failed;
} export_ctx;

static void csv_field(FILE *f, const char *v, int last)
{
	int quote = strpbrk(v, ",\"\r\n") != NULL;
	if (quote) {
		fputc('"', f);
		for (const char *p = v; *p; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else {
		fputs(v, f);
	}
	fputc(last ? '\n' : ',', f);
}

static const char *gender_zh(const char *g)
{
	return !strcmp(g, "M") ? "男" : !strcmp(g, "F") ? "女" : "";
}

static int export_csv_row(void *vctx, const person_rec *p)
{
	export_ctx *x = vctx;
	csv_field(x->f, p->number, 0);
	csv_field(x->f, p->name, 0);
	csv_field(x->f, gender_zh(p->gender), 0);
	csv_field(x->f, p->grade_name, 0);
	csv_field(x->f, p->class_name, 0);
	csv_field(x->f, p->dorm_name, 0);
	csv_field(x->f, p->guardian_phone, 1);
	return ferror(x->f) ? (x->failed = 1) : 0;
}

static int export_all(store *s, store_person_cb cb, export_ctx *x, jy_err *err)
{
	school_rec sc;
	int rc = store_school_default(s, &sc, err);
	if (rc == JY_ENOENT)
		return 0; /* an empty database exports an empty roster */
	if (rc)
		return rc;
	person_filter f = { .school_id = sc.id, .kind = "student" };
	return store_person_list(s, &f, cb, x, err);
}

int roster_export_csv(store *s, FILE *f, jy_err *err)
{
	export_ctx x = { .f = f };
	for (int c = 0; c < C_GROUPS; c++)
		csv_field(f, columns[c].zh, c == C_GROUPS - 1);
	int rc = export_all(s, export_csv_row, &x, err);
	if (!rc && (x.failed || fflush(f) != 0))
		rc = err_set(err, JY_EIO, "写入失败 (write failed)");
	return rc;
}

static int export_xlsx_row(void *vctx, const person_rec *p)
{
	export_ctx *x = vctx;
	const char *v[] = { p->number, p->name, gender_zh(p->gender), p->grade_name,
			    p->class_name, p->dorm_name, p->guardian_phone };
	for (lxw_col_t c = 0; c < sizeof v / sizeof v[0]; c++)
		if (*v[c] && worksheet_write_string(x->ws, x->row, c, v[c], x->text) != LXW_NO_ERROR)
			return (x->failed = 1);
	x->row++;
	return 0;
}

int roster_export_xlsx(store *s, const char *path, jy_err *err)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return err_set(err, JY_EIO, "无法创建 cannot create %s", path);
	export_ctx x = { 0 };
	x.ws = workbook_add_worksheet(wb, "名单");
	x.text = workbook_add_format(wb);
	format_set_num_format(x.text, "@");
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (lxw_col_t c = 0; c < C_GROUPS; c++)
		worksheet_write_string(x.ws, 0, c, columns[c].zh, bold);
	worksheet_set_column(x.ws, 0, 0, 14, NULL);
	worksheet_set_column(x.ws, 4, 5, 18, NULL);
	worksheet_set_column(x.ws, 6, 6, 14, NULL);
	x.row = 1;
	int rc = export_all(s, export_xlsx_row, &x, err);
	lxw_error le = workbook_close(wb);
	if (!rc && (x.failed || le != LXW_NO_ERROR))
		rc = err_set(err, JY_EIO, "写入 %s 失败 (writing failed): %s", path, lxw_strerror(le));
	return rc;
}
