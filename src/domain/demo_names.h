/*
 * demo_names.h — Chinese personal names for the demo school (internal to
 * src/domain/demo*.c).
 *
 * Surnames are drawn by frequency (the national top 100 with a Chongqing/
 * Sichuan lean: 谭, 向, 冉, 罗, 何, 邓 are commoner there), given names of one
 * or two characters from gendered pools weighted towards the characters
 * popular for children born around 2003 (students) or 1965–1995 (staff).
 */
#ifndef JY_DEMO_NAMES_H
#define JY_DEMO_NAMES_H

#include <stddef.h>

#include "domain/demo.h"

enum demo_generation { DEMO_GEN_STUDENT = 0, DEMO_GEN_STAFF = 1 };

/* Write a full name (surname + given name, UTF-8) for gender 'M' or 'F'
 * into out (at least 32 bytes is ample). */
void demo_name(demo_rng *r, char gender, enum demo_generation gen, char *out, size_t size);

#endif
