/*
 * places.h — the rules for places (gates, classrooms, canteens and zones,
 * dorms, clinic, isolation rooms …).
 */
#ifndef JY_PLACES_H
#define JY_PLACES_H

#include "store/store.h"

/* Is kind one of the place kinds of the schema? */
int places_kind_valid(const char *kind);
/* The Chinese name of a kind (门岗, 教室 …). */
const char *places_kind_zh(const char *kind);

/* Validate p and write it (insert or update by name).  parent_name, when
 * non-NULL and non-empty, names an existing place of the school.  On a
 * validation error err->column names the JSON field. */
int places_save(store *s, place_rec *p, const char *parent_name, int64_t *id, jy_err *err);

#endif
