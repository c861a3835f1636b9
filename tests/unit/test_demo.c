/*
 * test_demo.c — the demo school (src/domain/demo.c, src/cli/demo.c).
 *
 * Builds small demo schools (a few hundred students) in temporary databases
 * and checks what a school must satisfy: class sizes, every boarder in a
 * dorm room of their gender and no room over capacity, no lab holding two
 * classes at once, no class in two places at once, lunch sittings within the
 * canteen zones' seats, one 班主任 per class, the demo logins; that the same
 * seed gives the same school and another seed other names; and that running
 * the demo on a database that already holds a school fails clearly and
 * writes nothing.  No timing here (see the report of `jinyun demo`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "domain/demo.h"
#include "store/store.h"
#include "testutil.h"

/* ---- helpers ---- */

struct fixture {
	char *dir;
	char path[512];
	store *s;
	demo_counts c;
};

static void open_store(struct fixture *f, const char *name)
{
	tu_db(f->path, sizeof f->path, f->dir, name);
	jy_err err;
	err_clear(&err);
	int rc = store_open(f->path, &f->s, &err);
	if (rc)
		fail_msg("store_open %s: %s", f->path, err.msg);
}

static void make_demo(struct fixture *f, const char *name, int students, uint64_t seed, int days)
{
	open_store(f, name);
	demo_opts o = { .students = students, .seed = seed, .days = days };
	jy_err err;
	err_clear(&err);
	int rc = demo_create(f->s, &o, &f->c, &err);
	if (rc)
		fail_msg("demo_create: %d %s", rc, err.msg);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->dir = tu_tmpdir();
	assert_non_null(f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->s);
	tu_rmtree_free(f->dir);
	free(f);
	return 0;
}

/* A growable array of records of one type. */
struct vec {
	void *items;
	size_t n, cap, elem;
};

static void vec_push(struct vec *v, const void *item)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 256;
		v->items = realloc(v->items, v->cap * v->elem);
		assert_non_null(v->items);
	}
	memcpy((char *)v->items + v->n * v->elem, item, v->elem);
	v->n++;
}

static int push_person(void *ctx, const person_rec *p)
{
	vec_push(ctx, p);
	return 0;
}

static int push_place(void *ctx, const place_rec *p)
{
	vec_push(ctx, p);
	return 0;
}

static int push_class(void *ctx, const class_rec *c)
{
	vec_push(ctx, c);
	return 0;
}

static int push_tt(void *ctx, const timetable_rec *t)
{
	vec_push(ctx, t);
	return 0;
}

static int push_user(void *ctx, const user_rec *u)
{
	vec_push(ctx, u);
	return 0;
}

static int push_audit(void *ctx, const audit_rec *a)
{
	vec_push(ctx, a);
	return 0;
}

static struct vec people_of(store *s, int64_t school_id, const char *kind)
{
	struct vec v = { .elem = sizeof(person_rec) };
	person_filter f = { .school_id = school_id, .kind = kind };
	assert_int_equal(store_person_list(s, &f, push_person, &v, NULL), 0);
	return v;
}

static struct vec places_of(store *s, int64_t school_id, const char *kind)
{
	struct vec v = { .elem = sizeof(place_rec) };
	assert_int_equal(store_place_list(s, school_id, kind, push_place, &v, NULL), 0);
	return v;
}

static struct vec classes_of(store *s, int64_t school_id)
{
	struct vec v = { .elem = sizeof(class_rec) };
	assert_int_equal(store_class_list(s, school_id, push_class, &v, NULL), 0);
	return v;
}

static struct vec timetable_of(store *s, int64_t school_id)
{
	struct vec v = { .elem = sizeof(timetable_rec) };
	assert_int_equal(store_timetable_list(s, school_id, 0, push_tt, &v, NULL), 0);
	return v;
}

static struct vec users_of(store *s)
{
	struct vec v = { .elem = sizeof(user_rec) };
	assert_int_equal(store_user_list(s, push_user, &v, NULL), 0);
	return v;
}

static struct vec audit_of(store *s)
{
	struct vec v = { .elem = sizeof(audit_rec) };
	audit_filter f = { .limit = 1000 };
	assert_int_equal(store_audit_list(s, &f, push_audit, &v, NULL), 0);
	return v;
}

#define AT(v, type, i) (&((type *)(v).items)[i])

static const place_rec *place_by_id(const struct vec *places, int64_t id)
{
	for (size_t i = 0; i < places->n; i++)
		if (AT(*places, place_rec, i)->id == id)
			return AT(*places, place_rec, i);
	return NULL;
}

/* ---- tests ---- */

static void test_demo_class_sizes_stay_within_40_to_50(void **state)
{
	(void)state;
	int sizes[2000], n_classes;
	for (int n = DEMO_STUDENTS_MIN; n <= 4000; n++) {
		for (uint64_t seed = 1; seed <= 2; seed++) {
			assert_int_equal(demo_class_sizes(n, seed, sizes, 2000, &n_classes), 0);
			assert_true(n_classes >= 3);
			int sum = 0, lo = 40, hi = 50;
			if (n >= 151 && n <= 159)
				lo = 37, hi = 40;   /* the documented exception */
			for (int i = 0; i < n_classes; i++) {
				if (sizes[i] < lo || sizes[i] > hi)
					fail_msg("n=%d seed=%d class %d has %d students", n, (int)seed,
						 i, sizes[i]);
				sum += sizes[i];
			}
			assert_int_equal(sum, n);
		}
	}
	assert_int_equal(demo_class_sizes(DEMO_STUDENTS_DEFAULT, 1, sizes, 2000, &n_classes), 0);
	assert_in_range(n_classes, 144, 180);
	assert_int_equal(demo_class_sizes(DEMO_STUDENTS_MAX, 1, sizes, 2000, &n_classes), 0);
	assert_int_equal(demo_class_sizes(DEMO_STUDENTS_MIN - 1, 1, sizes, 2000, &n_classes),
			 JY_EINVAL);
	assert_int_equal(demo_class_sizes(DEMO_STUDENTS_MAX + 1, 1, sizes, 2000, &n_classes),
			 JY_EINVAL);
}

static void test_demo_classes_students_and_staff_are_realistic(void **state)
{
	struct fixture *f = *state;
	make_demo(f, "a.db", 500, 1, 0);
	store *s = f->s;
	int64_t sid = f->c.school_id;
	assert_int_equal(f->c.students, 500);

	school_rec sc;
	assert_int_equal(store_school_default(s, &sc, NULL), 0);
	assert_string_equal(sc.code, "scyb-jinyun");
	assert_string_equal(sc.name, "四川仪表工业学校");

	struct vec classes = classes_of(s, sid);
	assert_int_equal((int)classes.n, f->c.classes);
	int total = 0, per_grade[3] = { 0 };
	for (size_t i = 0; i < classes.n; i++) {
		const class_rec *c = AT(classes, class_rec, i);
		assert_in_range(c->enrolled, 40, 50);
		total += (int)c->enrolled;
		int year = atoi(c->grade);
		assert_in_range(year, 2018, 2020);
		per_grade[year - 2018]++;
		assert_true(!strncmp(c->name, c->grade, strlen(c->grade)));
		size_t len = strlen(c->name);
		assert_true(len > 3 && !strcmp(c->name + len - 3, "班"));
	}
	assert_int_equal(total, 500);
	for (int g = 0; g < 3; g++)
		assert_true(per_grade[g] >= 1);
	int64_t id;
	assert_int_equal(store_class_find(s, sid, "2019级机电1班", &id, NULL), 0);

	struct vec students = people_of(s, sid, "student");
	assert_int_equal((int)students.n, 500);
	int girls = 0, flagged = 0;
	for (size_t i = 0; i < students.n; i++) {
		const person_rec *p = AT(students, person_rec, i);
		/* 2019010101: year + major + class + seat, unique */
		assert_int_equal((int)strlen(p->number), 10);
		assert_true(!strncmp(p->number, p->grade_name, 4));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(p->number, AT(students, person_rec, j)->number);
		assert_true(strlen(p->name) >= 6 && strlen(p->name) <= 12);   /* 2–4 hanzi */
		assert_int_equal((int)strlen(p->guardian_phone), 11);
		assert_true(p->guardian_phone[0] == '1' && p->guardian_phone[1] >= '3');
		assert_true(p->class_id != 0);
		assert_true(p->card_no[0] != 0);
		girls += p->gender[0] == 'F';
		if (p->flags[0]) {
			flagged++;
			/* known codes, sorted, comma-separated */
			char buf[160], prev[40] = "";
			snprintf(buf, sizeof buf, "%s", p->flags);
			for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
				assert_true(!strcmp(tok, "frontline_child") || !strcmp(tok, "left_behind") ||
					    !strcmp(tok, "hardship") || !strcmp(tok, "chronic_illness") ||
					    !strcmp(tok, "disability"));
				assert_true(strcmp(prev, tok) < 0);
				snprintf(prev, sizeof prev, "%s", tok);
			}
		}
	}
	assert_in_range(girls, 40, 200);      /* a vocational engineering school */
	assert_in_range(flagged, 5, 35);      /* ~3 % key groups */
	assert_int_equal(flagged, f->c.key_group);
	free(students.items);

	struct vec staff = people_of(s, sid, "staff");
	assert_int_equal((int)staff.n, f->c.staff);
	assert_true(staff.n >= 500 / 18);
	int heads = 0, doctors = 0, guards = 0;
	for (size_t i = 0; i < staff.n; i++) {
		const person_rec *p = AT(staff, person_rec, i);
		char want[16];
		snprintf(want, sizeof want, "T%04d", (int)i + 1);
		assert_string_equal(p->number, want);
		assert_int_equal(p->class_id, 0);
		assert_int_equal(p->dorm_id, 0);
		assert_true(p->position[0] != 0);
		heads += !strcmp(p->position, "班主任");
		doctors += !strcmp(p->position, "校医");
		guards += !strcmp(p->position, "保安");
	}
	assert_int_equal(heads, (int)classes.n);
	assert_true(doctors >= 1 && guards >= 1);
	free(staff.items);
	free(classes.items);
}

static void test_demo_boarders_have_rooms_of_their_gender_within_capacity(void **state)
{
	struct fixture *f = *state;
	make_demo(f, "b.db", 500, 3, 0);
	store *s = f->s;
	int64_t sid = f->c.school_id;
	struct vec places = places_of(s, sid, NULL);
	struct vec students = people_of(s, sid, "student");
	int boarders = 0;
	for (size_t i = 0; i < students.n; i++) {
		const person_rec *p = AT(students, person_rec, i);
		if (!p->dorm_id)
			continue;
		boarders++;
		const place_rec *room = place_by_id(&places, p->dorm_id);
		assert_non_null(room);
		assert_string_equal(room->kind, "dorm_room");
		assert_string_equal(room->gender, p->gender);
	}
	assert_int_equal(boarders, f->c.boarders);
	assert_in_range(boarders, 500 * 75 / 100, 500 * 95 / 100);
	int rooms = 0, beds = 0;
	for (size_t i = 0; i < places.n; i++) {
		const place_rec *r = AT(places, place_rec, i);
		if (strcmp(r->kind, "dorm_room"))
			continue;
		rooms++;
		beds += (int)r->capacity;
		assert_true(r->capacity == 6 || r->capacity == 8);
		assert_true(r->occupants <= r->capacity);
		const place_rec *b = place_by_id(&places, r->parent_id);
		assert_non_null(b);
		assert_string_equal(b->kind, "dorm_building");
		assert_string_equal(b->gender, r->gender);
	}
	assert_int_equal(rooms, f->c.dorm_rooms);
	assert_true(beds >= boarders);
	free(students.items);
	free(places.items);
}

static void test_demo_places_are_those_of_the_article(void **state)
{
	struct fixture *f = *state;
	make_demo(f, "p.db", 500, 1, 0);
	store *s = f->s;
	int64_t sid = f->c.school_id;
	struct vec all = places_of(s, sid, NULL);
	assert_int_equal((int)all.n, f->c.places);
	int gates = 0, classrooms = 0, labs = 0, canteens = 0, zones = 0, clinics = 0, iso = 0,
	    playground = 0, hall = 0;
	for (size_t i = 0; i < all.n; i++) {
		const place_rec *p = AT(all, place_rec, i);
		gates += !strcmp(p->kind, "gate");
		classrooms += !strcmp(p->kind, "classroom");
		labs += !strcmp(p->kind, "lab");
		canteens += !strcmp(p->kind, "canteen");
		clinics += !strcmp(p->kind, "clinic");
		iso += !strcmp(p->kind, "isolation_room") || !strcmp(p->kind, "observation_room");
		playground += !strcmp(p->kind, "playground");
		hall += !strcmp(p->kind, "hall");
		if (!strcmp(p->kind, "canteen_zone")) {
			zones++;
			const place_rec *c = place_by_id(&all, p->parent_id);
			assert_non_null(c);
			assert_string_equal(c->kind, "canteen");
			assert_true(p->capacity > 0 && p->area_m2 > 0);
		}
		if (!strcmp(p->kind, "classroom"))
			assert_in_range(p->capacity, 50, 60);
	}
	assert_in_range(gates, 3, 4);
	assert_int_equal(classrooms, f->c.classes);
	assert_true(labs >= 5);
	assert_in_range(canteens, 2, 3);
	assert_int_equal(zones, 4 * canteens);
	assert_int_equal(clinics, 1);
	assert_in_range(iso, 2, 3);
	assert_int_equal(playground, 1);
	assert_int_equal(hall, 1);
	place_rec p;
	assert_int_equal(store_place_find(s, sid, "南门", &p, NULL), 0);
	assert_int_equal(store_place_find(s, sid, "医务室", &p, NULL), 0);
	assert_int_equal(store_place_find(s, sid, "第一食堂A区", &p, NULL), 0);
	assert_string_equal(p.parent_name, "第一食堂");
	free(all.items);
}

/* Two timetable rows of one weekday overlap in time. */
static int overlaps(const timetable_rec *a, const timetable_rec *b)
{
	return a->weekday == b->weekday && a->start_min < b->end_min && b->start_min < a->end_min;
}

static void test_demo_timetable_has_no_double_booked_lab_or_class(void **state)
{
	struct fixture *f = *state;
	make_demo(f, "t.db", 900, 5, 0);
	store *s = f->s;
	int64_t sid = f->c.school_id;
	struct vec places = places_of(s, sid, NULL);
	struct vec tt = timetable_of(s, sid);
	struct vec classes = classes_of(s, sid);
	assert_int_equal((int)tt.n, f->c.timetable_rows);
	assert_true(tt.n >= classes.n * 5 * 7);
	int lab_rows = 0;
	for (size_t i = 0; i < tt.n; i++) {
		const timetable_rec *a = AT(tt, timetable_rec, i);
		const place_rec *pa = place_by_id(&places, a->place_id);
		assert_non_null(pa);
		assert_in_range(a->weekday, 1, 7);
		assert_true(a->start_min < a->end_min);
		int is_lab = !strcmp(pa->kind, "lab");
		int is_zone = !strcmp(pa->kind, "canteen_zone");
		lab_rows += is_lab;
		int64_t zone_load = 0;
		for (size_t j = 0; j < tt.n; j++) {
			const timetable_rec *b = AT(tt, timetable_rec, j);
			if (j == i || !overlaps(a, b))
				continue;
			/* a class is in one place at a time */
			if (a->class_id == b->class_id)
				fail_msg("%s is in %s and %s at once", a->class_name, a->place_name,
					 b->place_name);
			/* a lab holds one class at a time */
			if (is_lab && b->place_id == a->place_id)
				fail_msg("lab %s double-booked: %s and %s, day %d", pa->name,
					 a->class_name, b->class_name, a->weekday);
			if (is_zone && b->place_id == a->place_id) {
				class_rec cb;
				assert_int_equal(store_class_get(s, b->class_id, &cb, NULL), 0);
				zone_load += cb.enrolled;
			}
		}
		if (is_zone) {
			class_rec ca;
			assert_int_equal(store_class_get(s, a->class_id, &ca, NULL), 0);
			assert_true(zone_load + ca.enrolled <= pa->capacity);
		}
	}
	assert_true(lab_rows > 0);
	/* every class: Monday–Friday, eight periods plus lunch */
	for (size_t c = 0; c < classes.n; c++) {
		const class_rec *cl = AT(classes, class_rec, c);
		int per_day[8] = { 0 };
		for (size_t i = 0; i < tt.n; i++) {
			const timetable_rec *a = AT(tt, timetable_rec, i);
			if (a->class_id == cl->id)
				per_day[a->weekday]++;
		}
		for (int d = 1; d <= 5; d++)
			assert_in_range(per_day[d], 9, 10);
	}
	free(classes.items);
	free(tt.items);
	free(places.items);
}

static int same_person(const person_rec *a, const person_rec *b)
{
	return a->id == b->id && !strcmp(a->kind, b->kind) && !strcmp(a->number, b->number) &&
	       !strcmp(a->name, b->name) && !strcmp(a->gender, b->gender) &&
	       !strcmp(a->class_name, b->class_name) && !strcmp(a->dorm_name, b->dorm_name) &&
	       !strcmp(a->guardian_phone, b->guardian_phone) && !strcmp(a->phone, b->phone) &&
	       !strcmp(a->position, b->position) && !strcmp(a->card_no, b->card_no) &&
	       !strcmp(a->flags, b->flags) && a->active == b->active;
}

static void test_demo_same_seed_gives_same_school(void **state)
{
	struct fixture *f = *state;
	make_demo(f, "s1.db", 600, 7, 0);
	store *s1 = f->s;
	int64_t id1 = f->c.school_id;
	f->s = NULL;
	make_demo(f, "s2.db", 600, 7, 0);
	store *s2 = f->s;
	int64_t id2 = f->c.school_id;

	struct vec a = people_of(s1, id1, NULL), b = people_of(s2, id2, NULL);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++)
		if (!same_person(AT(a, person_rec, i), AT(b, person_rec, i)))
			fail_msg("person %zu differs: %s %s / %s %s", i, AT(a, person_rec, i)->number,
				 AT(a, person_rec, i)->name, AT(b, person_rec, i)->number,
				 AT(b, person_rec, i)->name);
	struct vec pa = places_of(s1, id1, NULL), pb = places_of(s2, id2, NULL);
	assert_int_equal(pa.n, pb.n);
	for (size_t i = 0; i < pa.n; i++) {
		const place_rec *x = AT(pa, place_rec, i), *y = AT(pb, place_rec, i);
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->capacity, y->capacity);
		assert_true(x->area_m2 == y->area_m2);
		assert_int_equal(x->occupants, y->occupants);
	}
	struct vec ta = timetable_of(s1, id1), tb = timetable_of(s2, id2);
	assert_int_equal(ta.n, tb.n);
	for (size_t i = 0; i < ta.n; i++) {
		const timetable_rec *x = AT(ta, timetable_rec, i), *y = AT(tb, timetable_rec, i);
		assert_string_equal(x->place_name, y->place_name);
		assert_string_equal(x->subject, y->subject);
		assert_int_equal(x->weekday * 10000 + x->start_min, y->weekday * 10000 + y->start_min);
	}
	free(a.items);
	free(b.items);
	free(pa.items);
	free(pb.items);
	free(ta.items);
	free(tb.items);
	store_close(s1);
}

static void test_demo_different_seed_gives_different_names(void **state)
{
	struct fixture *f = *state;
	make_demo(f, "d1.db", 300, 7, 0);
	store *s1 = f->s;
	int64_t id1 = f->c.school_id;
	f->s = NULL;
	make_demo(f, "d2.db", 300, 8, 0);
	struct vec a = people_of(s1, id1, "student"), b = people_of(f->s, f->c.school_id, "student");
	size_t n = a.n < b.n ? a.n : b.n, differ = 0;
	for (size_t i = 0; i < n; i++)
		differ += strcmp(AT(a, person_rec, i)->name, AT(b, person_rec, i)->name) != 0;
	assert_true(differ > n * 9 / 10);
	free(a.items);
	free(b.items);
	store_close(s1);
}

static void test_demo_logins_and_history_calendar(void **state)
{
	struct fixture *f = *state;
	make_demo(f, "u.db", 200, 1, 3);
	assert_int_equal(f->c.days, 3);
	assert_string_equal(f->c.start_date, "2020-05-12");
	assert_string_equal(f->c.teacher_class, "2019级机电1班");
	struct vec users = users_of(f->s);
	size_t n;
	const demo_login *l = demo_logins(&n);
	assert_int_equal(users.n, n);
	assert_int_equal(f->c.users, (int)n);
	for (size_t i = 0; i < n; i++) {
		const user_rec *u = AT(users, user_rec, i);
		assert_string_equal(u->username, l[i].username);
		assert_string_equal(u->role, l[i].role);
		assert_true(strlen(l[i].password) >= 8);
		if (!strcmp(u->role, "teacher")) {
			assert_string_equal(u->scope_kind, "class");
			assert_string_equal(u->scope_name, "2019级机电1班");
		}
	}
	struct vec audit = audit_of(f->s);
	int found = 0;
	for (size_t i = 0; i < audit.n; i++) {
		const audit_rec *a = AT(audit, audit_rec, i);
		if (!strcmp(a->entity, "demo"))
			found += strstr(a->detail, "start=2020-05-12 days=3") != NULL;
	}
	assert_int_equal(found, 1);
	free(audit.items);
	free(users.items);
}

static int64_t count_people(store *s)
{
	school_rec sc;
	if (store_school_default(s, &sc, NULL))
		return 0;
	person_filter pf = { .school_id = sc.id };
	int64_t n = -1;
	assert_int_equal(store_person_count(s, &pf, &n, NULL), 0);
	return n;
}

/* Everything the demo writes, counted. */
static void snapshot(const char *path, int64_t out[5])
{
	store *s;
	assert_int_equal(store_open(path, &s, NULL), 0);
	out[0] = count_people(s);
	school_rec sc;
	int64_t sid = store_school_default(s, &sc, NULL) ? 0 : sc.id;
	struct vec p = places_of(s, sid, NULL), t = timetable_of(s, sid), u = users_of(s),
		   a = audit_of(s);
	out[1] = (int64_t)p.n;
	out[2] = (int64_t)t.n;
	out[3] = (int64_t)u.n;
	out[4] = (int64_t)a.n;
	free(p.items);
	free(t.items);
	free(u.items);
	free(a.items);
	store_close(s);
}

static void test_demo_twice_fails_clearly_and_writes_nothing(void **state)
{
	struct fixture *f = *state;
	char db[512], cmd[1200];
	tu_db(db, sizeof db, f->dir, "twice.db");
	snprintf(cmd, sizeof cmd, "'%s' demo --db '%s' --students 200 --seed 4", tu_jinyun_bin(), db);
	char *out = NULL, *err = NULL;
	int rc = tu_run(cmd, NULL, &out, &err);
	if (rc != 0)
		fail_msg("first demo failed (%d): %s", rc, err);
	assert_non_null(strstr(out, "teacher/teacher123"));
	assert_non_null(strstr(out, "admin/admin123"));
	assert_non_null(strstr(out, "2019级机电1班"));
	assert_non_null(strstr(out, "elapsed"));
	free(out);
	free(err);
	int64_t before[5], after[5];
	snapshot(db, before);
	assert_true(before[0] > 200 && before[1] > 0 && before[2] > 0 && before[3] == 7);

	rc = tu_run(cmd, NULL, &out, &err);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(err, "scyb-jinyun"));
	assert_non_null(strstr(err, "jinyun demo"));
	free(out);
	free(err);
	snapshot(db, after);
	assert_memory_equal(before, after, sizeof before);

	/* a database holding another school is refused the same way */
	open_store(f, "other.db");
	int64_t id;
	assert_int_equal(store_school_ensure(f->s, "other", "另一所学校", &id, NULL), 0);
	demo_opts o = { .students = 200, .seed = 1 };
	jy_err e;
	err_clear(&e);
	assert_int_equal(demo_create(f->s, &o, NULL, &e), JY_ECONFLICT);
	assert_non_null(strstr(e.msg, "other"));
	assert_int_equal(count_people(f->s), 0);
}

static void test_demo_cli_usage_and_bad_options(void **state)
{
	struct fixture *f = *state;
	char cmd[1200], db[512];
	char *out = NULL, *err = NULL;
	snprintf(cmd, sizeof cmd, "'%s' demo --help", tu_jinyun_bin());
	assert_int_equal(tu_run(cmd, NULL, &out, &err), 0);
	assert_non_null(strstr(out, "--students"));
	assert_non_null(strstr(out, "--days"));
	free(out);
	free(err);
	tu_db(db, sizeof db, f->dir, "bad.db");
	static const char *const bad[] = {
		"--students 50", "--students 7200x", "--students 60000", "--days 3651",
		"--days -1", "--seed -1", "--seed abc", "--frobnicate", "extra", "--db",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(cmd, sizeof cmd, "'%s' demo --db '%s' %s", tu_jinyun_bin(), db, bad[i]);
		if (!strcmp(bad[i], "--db"))
			snprintf(cmd, sizeof cmd, "'%s' demo --db", tu_jinyun_bin());
		int rc = tu_run(cmd, NULL, &out, &err);
		if (rc == 0 || !err || !strstr(err, "jinyun demo"))
			fail_msg("'%s' gave %d, stderr: %s", bad[i], rc, err ? err : "");
		free(out);
		free(err);
	}
	struct stat st;
	assert_int_not_equal(stat(db, &st), 0);   /* nothing was created */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_class_sizes_stay_within_40_to_50),
		cmocka_unit_test_setup_teardown(test_demo_classes_students_and_staff_are_realistic,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_boarders_have_rooms_of_their_gender_within_capacity,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_places_are_those_of_the_article, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_demo_timetable_has_no_double_booked_lab_or_class,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_same_seed_gives_same_school, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_different_seed_gives_different_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_demo_logins_and_history_calendar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_twice_fails_clearly_and_writes_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_demo_cli_usage_and_bad_options, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
