/*
 * demo.h — the demo school: a realistic 四川仪表工业学校缙云校区.
 *
 * `jinyun demo` fills an empty database with a school shaped like the one
 * in the seed article (Beibei, April 2020): by default 7,200 students in
 * classes of 40–50 over three grades (2018级–2020级) of vocational majors,
 * about N/18 staff, gates, classrooms, labs (机器人实训基地, 智能制造教学
 * 工厂 …), canteens with zones, dorm buildings and rooms with every boarder
 * assigned, the clinic, isolation and observation rooms, a full weekly
 * timetable (lessons, lab blocks, staggered lunch sittings, evening self-
 * study), and the demo logins.  Everything is drawn from one deterministic
 * PRNG seeded by the caller, so the same seed gives the same school (only
 * creation timestamps and password salts differ).
 *
 * History: the demo's calendar starts on DEMO_START_DATE (the article's
 * first batch back).  With days > 0, demo_create() calls every registered
 * history writer (a table in demo.c) once per day, in date order, inside the
 * same transaction; a writer for checks, absences or gate readings plugs in
 * there when its tables exist.  The start date, seed and day count are
 * recorded in the audit log (entity "demo") so later history can extend it.
 *
 * This module never prints; the CLI (src/cli/demo.c) reports the counts.
 */
#ifndef JY_DEMO_H
#define JY_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

#define DEMO_SCHOOL_CODE "scyb-jinyun"
#define DEMO_SCHOOL_NAME "四川仪表工业学校"
#define DEMO_CAMPUS_NAME "缙云校区"
#define DEMO_START_DATE "2020-05-12"   /* 第一批学生开学复课 (the article) */

#define DEMO_STUDENTS_DEFAULT 7200
#define DEMO_STUDENTS_MIN 120          /* three grades of one class of 40 */
#define DEMO_STUDENTS_MAX 50000        /* keeps class numbers within two digits */
#define DEMO_DAYS_MAX 3650
#define DEMO_CLASS_MIN 40
#define DEMO_CLASS_MAX 50

typedef struct demo_opts {
	int students;     /* DEMO_STUDENTS_MIN..DEMO_STUDENTS_MAX */
	uint64_t seed;    /* any value; the same seed gives the same school */
	int days;         /* 0..DEMO_DAYS_MAX days of history from DEMO_START_DATE */
	/* Another school of the demo district (jinyun demo --schools N): its
	 * code and name, no logins; the database may already hold the demo's
	 * other schools.  NULL: the demo school itself. */
	const char *school_code, *school_name;
} demo_opts;

/* Every demo school belongs to this district (the district login's scope). */
#define DEMO_DISTRICT_CODE "beibei"
#define DEMO_DISTRICT_NAME "北碚区"

/* What demo_create() wrote. */
typedef struct demo_counts {
	int64_t school_id;
	int grades, classes, students, boarders, staff, key_group, head_teachers;
	int places, gates, classrooms, labs, canteens, canteen_zones;
	int dorm_buildings, dorm_rooms, dorm_beds, clinics, isolation_rooms, observation_rooms;
	int timetable_rows, users;
	int days, history_writers;
	char start_date[16];
	char teacher_class[96];  /* the class the demo "teacher" login is scoped to */
} demo_counts;

/* One demo login (for printing; the CLI lists them after the summary). */
typedef struct demo_login {
	const char *username, *password, *role;
	const char *what;   /* 中文 / English description */
} demo_login;

/* The demo logins, in creation order; *n receives their number. */
const demo_login *demo_logins(size_t *n);

/*
 * Create the demo school in s, all or nothing, in one transaction.
 * Fails with JY_EINVAL (bad opts), JY_ECONFLICT (the database already holds
 * a school — the demo's or another — or one of the demo usernames) or the
 * store's error; on failure nothing is written.  out may be NULL.
 */
int demo_create(store *s, const demo_opts *o, demo_counts *out, jy_err *err);

/*
 * The class sizes demo_create() uses for n students and seed: writes the
 * number of classes to *n_classes and, when sizes is non-NULL and max is
 * large enough, the sizes (summing to n).  Rule: every class has 40–50
 * students, except when n is 151–159, where no such split exists and four
 * classes of 37–40 are used.  Returns 0 or JY_EINVAL (n out of range or
 * max too small).
 */
int demo_class_sizes(int n, uint64_t seed, int *sizes, int max, int *n_classes);

/* ---- deterministic randomness (xoshiro256**, seeded by splitmix64) ---- */

typedef struct demo_rng {
	uint64_t s[4];
} demo_rng;

/* Seed a stream: the same (seed, stream) always gives the same sequence,
 * and different streams are independent, so adding draws to one part of the
 * demo does not change the others. */
void demo_rng_seed(demo_rng *r, uint64_t seed, uint64_t stream);
uint64_t demo_rng_next(demo_rng *r);
/* Uniform in [0, n) (n > 0), without modulo bias. */
uint64_t demo_rng_below(demo_rng *r, uint64_t n);

/* ---- history writers ---- */

/* A person of the demo school as history writers see it. */
typedef struct demo_person {
	int64_t id;
	int class_idx;      /* index into demo_world.classes; -1 for staff */
	int64_t dorm_id;    /* 0 = day student or staff */
	char gender;        /* 'M' or 'F' */
	char is_staff;
} demo_person;

typedef struct demo_class {
	int64_t id, classroom_id;
	int grade;          /* 0 = 2018级, 1 = 2019级, 2 = 2020级 */
	int size;
	int first;          /* index of its first student in demo_world.people */
	char name[96];
} demo_class;

/* The generated school, read-only, handed to each history writer. */
typedef struct demo_world {
	int64_t school_id, campus_id;
	uint64_t seed;
	const demo_class *classes;
	size_t n_classes;
	const demo_person *people;   /* students (by class, seat order) then staff */
	size_t n_students, n_staff;
	const int64_t *gate_ids;
	size_t n_gates;
	int64_t clinic_id;
} demo_world;

/*
 * One history writer: write day `day` (0 = DEMO_START_DATE, date is
 * "YYYY-MM-DD") for world w into s.  rng is a stream private to this writer
 * and day; last_day is 1 on the last day written.  Returns 0 or a negative code with err filled.
 */
typedef int (*demo_history_fn)(store *s, const demo_world *w, int day, const char *date,
			       demo_rng *rng, int last_day, jy_err *err);

/* Morning checks of every class (demo_history.c). */
int demo_history_checks(store *s, const demo_world *w, int day, const char *date, demo_rng *rng,
			int last_day, jy_err *err);

#endif
