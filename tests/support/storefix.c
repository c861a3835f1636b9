/*
 * storefix.c — see storefix.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "storefix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "util/date.h"

#define CST (8 * 3600)

int sf_open_db(char **dir, char *db, size_t size, const char *dbname, store **s)
{
	*dir = tu_tmpdir();
	if (!*dir)
		return -1;
	tu_db(db, size, *dir, dbname);
	jy_err e;
	return store_open(db, s, &e) ? -1 : 0;
}

int sf_free(void *fixture, store *s, char *dir)
{
	store_close(s);
	tu_rmtree_free(dir);
	free(fixture);
	return 0;
}

int sf_open_school(char **dir, char *db, size_t size, const char *dbname, const char *roster_csv,
		   store **s, int64_t *school)
{
	jy_err e;
	if (tu_school(dir, db, size, dbname, roster_csv) || store_open(db, s, &e))
		return -1;
	school_rec sc;
	store_school_default(*s, &sc, &e);
	*school = sc.id;
	return 0;
}

void sf_people(store *s, int64_t school, const char *const *nums, size_t n, int64_t *ids)
{
	jy_err e;
	for (size_t i = 0; i < n; i++) {
		person_rec p;
		store_person_find(s, school, nums[i], &p, &e);
		ids[i] = p.id;
	}
}

int64_t sf_at(const char *date, int min)
{
	int32_t d;
	assert_int_equal(date_parse(date, &d), 0);
	return (int64_t)d * 86400 - CST + (int64_t)min * 60;
}

int64_t sf_place(store *s, int64_t school, const char *kind, const char *name, int64_t capacity)
{
	place_rec p;
	memset(&p, 0, sizeof p);
	p.school_id = school;
	snprintf(p.kind, sizeof p.kind, "%s", kind);
	snprintf(p.name, sizeof p.name, "%s", name);
	p.floor = -1000;
	p.capacity = capacity;
	p.area_m2 = -1;
	int64_t id;
	assert_int_equal(store_place_upsert(s, &p, &id, NULL), 0);
	return id;
}

void sf_timetable(store *s, int64_t school, int64_t cls, int64_t place, int wd, int start, int end)
{
	timetable_rec t;
	memset(&t, 0, sizeof t);
	t.school_id = school;
	t.class_id = cls;
	t.place_id = place;
	t.weekday = wd;
	t.start_min = start;
	t.end_min = end;
	int64_t id;
	assert_int_equal(store_timetable_add(s, &t, &id, NULL), 0);
}
