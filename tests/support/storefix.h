/*
 * storefix.h — fixtures for the tests that work on the store directly
 * (cmocka): a temporary school opened as a store, its people, places and
 * timetable rows, and times of day in China Standard Time.  Include
 * cmocka.h before this.
 */
#ifndef JY_STOREFIX_H
#define JY_STOREFIX_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* A fresh directory (*dir, malloc'd) with the empty database dbname in it
 * (tu_db into db), opened as *s; 0 or -1. */
int sf_open_db(char **dir, char *db, size_t size, const char *dbname, store **s);

/* The end of a store fixture's teardown: close s, remove dir (tu_rmtree),
 * free dir and the fixture itself; 0 for cmocka. */
int sf_free(void *fixture, store *s, char *dir);

/* tu_school (dir, database dbname, roster_csv imported by the binary), then
 * the database opened as *s; *school gets the default school's id.
 * 0, or -1 when a step failed. */
int sf_open_school(char **dir, char *db, size_t size, const char *dbname, const char *roster_csv,
		   store **s, int64_t *school);

/* The ids of the people numbered nums[0..n-1] in school, into ids. */
void sf_people(store *s, int64_t school, const char *const *nums, size_t n, int64_t *ids);

/* The instant min minutes after midnight of date (YYYY-MM-DD) in UTC+8,
 * as Unix seconds; the date must parse. */
int64_t sf_at(const char *date, int min);

/* A place of school with no floor or area; its id (the upsert must work). */
int64_t sf_place(store *s, int64_t school, const char *kind, const char *name, int64_t capacity);

/* A timetable row: class cls in place on weekday wd (1 = Monday) from
 * minute start to minute end; the add must work. */
void sf_timetable(store *s, int64_t school, int64_t cls, int64_t place, int wd, int start, int end);

#endif
