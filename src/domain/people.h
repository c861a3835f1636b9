/*
 * people.h — the rules for a person record, shared by the roster import and
 * the HTTP API: what a valid student number, gender, phone or key group is,
 * and saving one person with its class and dorm resolved by name.
 */
#ifndef JY_PEOPLE_H
#define JY_PEOPLE_H

#include <stddef.h>

#include "store/store.h"

/* 男/女/M/F/male/female (any case) → "M"/"F"; -1 when not a gender. */
int people_parse_gender(const char *v, char out[2]);
/* 7–15 digits, with optional leading '+', '-' and spaces. */
int people_valid_phone(const char *v);
/* Non-empty, ≤ 39 bytes, no spaces, control characters, ',' or '"'. */
int people_valid_number(const char *v);
/* Key groups as codes or Chinese names separated by ';' ',' or spaces →
 * sorted comma list of codes; -1 with the unknown token in bad. */
int people_parse_groups(const char *v, char *out, size_t size, char *bad, size_t badsize);
/* The Chinese name of a key-group code (the code itself when unknown). */
const char *people_group_zh(const char *code);

/*
 * Validate p and write it (insert or update by number).  class_name and
 * dorm_name, when non-NULL, are resolved to existing classes and dorm rooms
 * of p->school_id (JY_EINVAL naming the field when unknown).  On a
 * validation error err->column names the JSON field (number, name, gender,
 * kind, class, dorm, guardian_phone, key_groups).
 */
int people_save(store *s, person_rec *p, const char *class_name, const char *dorm_name,
		int64_t *id, int *outcome, jy_err *err);

#endif
