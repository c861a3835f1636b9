/*
 * demo.c — generate the demo school; see demo.h for the contract.
 *
 * Two phases.  First the whole school is planned in memory from the seed:
 * grades and classes (majors weighted like a vocational engineering school,
 * 40–50 students each), students (names, gender by major, boarding, key
 * groups, guardian phones, campus cards), dorm rooms (boarders of one class
 * share rooms, the remainders of a grade fill the next rooms), staff (a 班主任
 * per class, teachers, doctors, guards, dorm wardens …) and the weekly
 * timetable (lab blocks first, placed so that no lab holds two classes at
 * once, adding a lab of the right kind only when every one is busy; then
 * lessons; lunch sittings by grade so that no canteen zone is over its
 * seats; evening self-study).  Then, in one transaction, it is written
 * through the store: nothing is written when planning fails, and a failed
 * write rolls everything back.
 *
 * Every part draws from its own PRNG stream (demo_rng_seed(seed, stream)),
 * so the same seed gives the same school and a change to one part does not
 * reshuffle the others.  Nothing here depends on the clock except the
 * creation timestamps the store adds and the password salts.
 */
#include "domain/demo.h"
#include "store/district.h"
#include "store/surveillance.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/auth.h"
#include "domain/demo_names.h"

/* ---- PRNG -------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void demo_rng_seed(demo_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = stream;
	uint64_t mix = splitmix64(&x);
	x = seed ^ mix;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

uint64_t demo_rng_next(demo_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t demo_rng_below(demo_rng *r, uint64_t n)
{
	assert(n > 0);
	if (n <= 1)
		return 0;
	uint64_t threshold = (0 - n) % n; /* 2^64 mod n: reject the short tail */
	for (;;) {
		uint64_t x = demo_rng_next(r);
		if (x >= threshold)
			return x % n;
	}
}

static void shuffle(demo_rng *r, int *a, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = (int)demo_rng_below(r, (uint64_t)i + 1);
		int t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

/* PRNG streams, one per part of the school. */
enum {
	RNG_SIZES = 1,
	RNG_STUDENTS,
	RNG_STAFF,
	RNG_PLACES,
	RNG_TIMETABLE,
};

/* ---- the school's data --------------------------------------------------- */

/* clang-format off */
enum lab_kind {
	LAB_JIDIAN, LAB_SHUKONG, LAB_DIANZI, LAB_YIBIAO, LAB_JIFANG, LAB_QIXIU,
	LAB_ROBOT, LAB_ZHIZAO, LAB_DIANSHANG, LAB_KINDS
};

static const struct lab_def {
	const char *fmt;        /* name with the lab's number */
	const char *building;
	int capacity, area;
	int upstairs;           /* rooms of a teaching block (floors) or a ground-floor hall */
} lab_defs[LAB_KINDS] = {
	[LAB_JIDIAN] = { "机电实训室%d", "实训楼", 50, 120, 1 },
	[LAB_SHUKONG] = { "数控实训车间%d", "实训车间", 50, 320, 0 },
	[LAB_DIANZI] = { "电子实训室%d", "实训楼", 50, 110, 1 },
	[LAB_YIBIAO] = { "仪表实训室%d", "实训楼", 50, 110, 1 },
	[LAB_JIFANG] = { "计算机机房%d", "信息楼", 55, 100, 1 },
	[LAB_QIXIU] = { "汽修实训车间%d", "实训车间", 50, 420, 0 },
	[LAB_ROBOT] = { "机器人实训基地%d区", "机器人实训基地", 50, 260, 0 },
	[LAB_ZHIZAO] = { "智能制造教学工厂%d区", "智能制造教学工厂", 50, 360, 0 },
	[LAB_DIANSHANG] = { "电子商务实训室%d", "信息楼", 55, 100, 1 },
};

/* Majors (专业): short name, two-digit code in student numbers, share of
 * classes (‰), share of girls (‰), lab kind, lab subject, theory subjects. */
static const struct major {
	const char *name;
	int code, weight, female_pm, lab;
	const char *lab_subject;
	const char *theory[4];
} majors[] = {
	{ "机电", 1, 200, 100, LAB_JIDIAN, "机电实训", { "电工基础", "机械制图", "机械基础", "PLC应用技术" } },
	{ "数控", 2, 150, 60, LAB_SHUKONG, "数控加工实训", { "机械制图", "数控编程", "公差配合与测量", "金属加工工艺" } },
	{ "电子", 3, 110, 250, LAB_DIANZI, "电子装配实训", { "电子线路", "电工基础", "单片机技术", "电子测量" } },
	{ "仪表", 4, 110, 200, LAB_YIBIAO, "仪表检修实训", { "检测仪表", "过程控制", "电工基础", "仪表维修" } },
	{ "计算机", 5, 130, 380, LAB_JIFANG, "程序设计实训", { "计算机网络", "程序设计", "数据库应用", "平面设计" } },
	{ "汽修", 6, 100, 40, LAB_QIXIU, "汽车维修实训", { "汽车构造", "汽车电气", "发动机原理", "汽车维护" } },
	{ "工业机器人", 7, 80, 90, LAB_ROBOT, "机器人实训", { "机器人编程", "机械基础", "传感器技术", "PLC应用技术" } },
	{ "智能制造", 8, 60, 120, LAB_ZHIZAO, "智能制造实训", { "智能制造概论", "工业网络", "PLC应用技术", "数控编程" } },
	{ "电子商务", 9, 60, 650, LAB_DIANSHANG, "电商运营实训", { "电子商务基础", "网店运营", "市场营销", "商品摄影" } },
};
#define N_MAJORS ((int)(sizeof majors / sizeof majors[0]))

static const struct grade_def {
	const char *name;
	int year, weight_pm, lab_blocks;   /* major lab double periods a week */
	int lunch_sitting;                 /* 错峰就餐: the youngest eat first */
} grades[] = {
	{ "2018级", 2018, 310, 5, 2 },
	{ "2019级", 2019, 330, 4, 1 },
	{ "2020级", 2020, 360, 3, 0 },
};
#define N_GRADES 3
#define TEACHER_GRADE 1   /* the demo teacher gets 2019级机电1班 */

/* Eight 45-minute periods (08:00 … 17:30); a double period (block) is
 * periods 2b and 2b+1. */
static const int period_start[8] = { 480, 535, 600, 655, 840, 895, 950, 1005 };
#define PERIOD_LEN 45
#define DAYS 5
#define PERIODS 8
#define BLOCKS 4
static const int lunch_start[3] = { 705, 730, 755 };   /* 11:45 12:10 12:35 */
#define LUNCH_LEN 25
#define EVENING_START 1140                             /* 19:00–20:30, Mon–Thu */
#define EVENING_END 1230
#define ZONES 4

static const struct { const char *subject; int count; } common_subjects[] = {
	{ "语文", 4 }, { "数学", 4 }, { "英语", 3 }, { "思想政治", 2 },
	{ "体育与健康", 2 }, { "历史", 1 }, { "心理健康", 1 },
};
#define PE_SUBJECT "体育与健康"

static const char *const phone_prefixes[] = {
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
	"153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180",
	"181", "182", "183", "185", "186", "187", "188", "189", "191", "198", "199",
};

/* Key groups (重点学生群体), sorted by code as person.flags wants them. */
static const char *const flag_codes[] = { "chronic_illness", "disability", "frontline_child",
					  "hardship", "left_behind" };
enum { F_CHRONIC = 1, F_DISABILITY = 2, F_FRONTLINE = 4, F_HARDSHIP = 8, F_LEFT_BEHIND = 16 };

static const demo_login logins[] = {
	{ "admin", "admin123", "admin", "系统管理员 administrator" },
	{ "principal", "principal123", "principal", "校长 principal" },
	{ "reporter", "reporter123", "reporter", "疫情报告人/校医 epidemic reporter" },
	{ "teacher", "teacher123", "teacher", "班主任 class teacher" },
	{ "gate", "gate1234", "gate", "门岗 gate" },
	{ "logistics", "logistics123", "logistics", "后勤 logistics" },
	{ "district", "district123", "district", "区教委 district" },
};
/* clang-format on */

const demo_login *demo_logins(size_t *n)
{
	*n = sizeof logins / sizeof logins[0];
	return logins;
}

/*
 * History writers, called once per day of --days in date order.  Each later
 * issue that adds a table of daily records (checks, absences, gate readings)
 * adds one row here.  The table ends with a NULL row.
 */
static const struct history_writer {
	const char *name;
	demo_history_fn fn;
} history_writers[] = {
	{ "checks", demo_history_checks },
	{ NULL, NULL },
};

/* ---- the plan ------------------------------------------------------------ */

enum slot_place { AT_NONE = 0, AT_CLASSROOM, AT_LAB, AT_PLAYGROUND };

struct slot {
	unsigned char at; /* enum slot_place */
	int lab;          /* index into gen.labs when at == AT_LAB */
	const char *subject;
};

struct gclass {
	int grade, major, no, size, first;
	int zone; /* lunch: canteen zone index */
	int64_t id, classroom_id;
	char name[96];
	struct slot tt[DAYS][PERIODS];
};

struct gstudent {
	char name[32];
	char gender;
	char boarder;
	unsigned char flags;
	int room; /* index into gen.rooms, -1 = day student */
	char phone[16];
	int64_t id;
};

struct groom {
	int building, floor, number, cap, used;
	int64_t id;
};

struct gbuilding {
	int no, cap, first_room, n_rooms, floors;
	char gender;
	int64_t id;
};

struct glab {
	int kind, no;
	unsigned char busy[DAYS][BLOCKS];
	int64_t id;
};

struct gstaff {
	char name[32];
	char gender;
	const char *position;
	char phone[16];
	int64_t id;
};

struct gen {
	store *s;
	demo_opts o;
	struct gclass *classes;
	int n_classes;
	struct gstudent *students;
	int n_students;
	struct groom *rooms;
	int n_rooms, cap_rooms;
	struct gbuilding *buildings;
	int n_buildings, cap_buildings;
	struct glab *labs;
	int n_labs, cap_labs;
	struct gstaff *staff;
	int n_staff;
	int n_canteens;
	int zone_load[3 * ZONES][3]; /* students per zone and sitting */
	int64_t zone_ids[3 * ZONES];
	int n_gates;
	int64_t gate_ids[4];
	int64_t school_id, campus_id, grade_ids[N_GRADES];
	int64_t playground_id, clinic_id;
	demo_counts *c;
};

static void gen_free(struct gen *g)
{
	free(g->classes);
	free(g->students);
	free(g->rooms);
	free(g->buildings);
	free(g->labs);
	free(g->staff);
}

/* Grow *arr (of elem bytes, *cap slots) to hold at least n; 0 or JY_ENOMEM. */
static int grow(void **arr, int *cap, int n, size_t elem)
{
	if (n <= *cap)
		return 0;
	int nc = *cap ? *cap * 2 : 64;
	while (nc < n)
		nc *= 2;
	void *p = realloc(*arr, (size_t)nc * elem);
	if (!p)
		return JY_ENOMEM;
	memset((char *)p + (size_t)*cap * elem, 0, (size_t)(nc - *cap) * elem);
	*arr = p;
	*cap = nc;
	return 0;
}

/* Split total into n parts by weights (largest remainder; ties to the
 * earlier part), each at least min_each when total allows. */
static void apportion(int total, int n, const int *weights, int min_each, int *out)
{
	long wsum = 0;
	for (int i = 0; i < n; i++)
		wsum += weights[i];
	int given = 0;
	long rem[16];
	assert(n <= 16);
	for (int i = 0; i < n; i++) {
		out[i] = (int)((long)total * weights[i] / wsum);
		rem[i] = (long)total * weights[i] % wsum;
		given += out[i];
	}
	while (given < total) {
		int best = 0;
		for (int i = 1; i < n; i++)
			if (rem[i] > rem[best])
				best = i;
		out[best]++;
		rem[best] = -1;
		given++;
	}
	for (int i = 0; i < n && min_each > 0; i++) {
		while (out[i] < min_each) {
			int big = 0;
			for (int j = 1; j < n; j++)
				if (out[j] > out[big])
					big = j;
			if (out[big] <= min_each)
				return;
			out[big]--;
			out[i]++;
		}
	}
}

/* ---- class sizes --------------------------------------------------------- */

int demo_class_sizes(int n, uint64_t seed, int *sizes, int max, int *n_classes)
{
	if (n < DEMO_STUDENTS_MIN || n > DEMO_STUDENTS_MAX)
		return JY_EINVAL;
	int lo_c = (n + DEMO_CLASS_MAX - 1) / DEMO_CLASS_MAX;
	int hi_c = n / DEMO_CLASS_MIN;
	int c = (n + 22) / 45;
	if (lo_c <= hi_c) {
		if (c < lo_c)
			c = lo_c;
		if (c > hi_c)
			c = hi_c;
	} else {
		c = lo_c; /* 151–159: no split into 40–50 exists */
	}
	if (c < N_GRADES)
		c = N_GRADES;
	*n_classes = c;
	if (!sizes)
		return 0;
	if (max < c)
		return JY_EINVAL;
	for (int i = 0; i < c; i++)
		sizes[i] = n / c + (i < n % c);
	/* Vary the sizes (real classes differ) without leaving 40–50. */
	int lo = DEMO_CLASS_MIN, hi = DEMO_CLASS_MAX;
	if (sizes[c - 1] < DEMO_CLASS_MIN)
		lo = sizes[c - 1], hi = sizes[0]; /* the 151–159 case: keep them even */
	demo_rng r;
	demo_rng_seed(&r, seed, RNG_SIZES);
	for (int k = 0; k < 3 * c; k++) {
		int i = (int)demo_rng_below(&r, (uint64_t)c);
		int j = (int)demo_rng_below(&r, (uint64_t)c);
		int d = 1 + (int)demo_rng_below(&r, 3);
		if (i != j && sizes[i] - d >= lo && sizes[j] + d <= hi) {
			sizes[i] -= d;
			sizes[j] += d;
		}
	}
	return 0;
}

/* ---- planning ------------------------------------------------------------ */

static void random_phone(demo_rng *r, char out[16])
{
	const char *p =
		phone_prefixes[demo_rng_below(r, sizeof phone_prefixes / sizeof *phone_prefixes)];
	snprintf(out, 16, "%s%08u", p, (unsigned)demo_rng_below(r, 100000000));
}

/* Classes: how many per grade and major, their sizes and names. */
static int plan_classes(struct gen *g)
{
	int n_classes;
	int rc = demo_class_sizes(g->o.students, g->o.seed, NULL, 0, &n_classes);
	if (rc)
		return rc;
	int *sizes = calloc((size_t)n_classes, sizeof *sizes);
	g->classes = calloc((size_t)n_classes, sizeof *g->classes);
	if (!sizes || !g->classes) {
		free(sizes);
		return JY_ENOMEM;
	}
	demo_class_sizes(g->o.students, g->o.seed, sizes, n_classes, &n_classes);
	int gw[N_GRADES], per_grade[N_GRADES];
	for (int i = 0; i < N_GRADES; i++)
		gw[i] = grades[i].weight_pm;
	apportion(n_classes, N_GRADES, gw, 1, per_grade);
	int mw[N_MAJORS];
	for (int m = 0; m < N_MAJORS; m++)
		mw[m] = majors[m].weight;
	int k = 0, first = 0;
	for (int gr = 0; gr < N_GRADES; gr++) {
		int per_major[N_MAJORS];
		apportion(per_grade[gr], N_MAJORS, mw, 0, per_major);
		for (int m = 0; m < N_MAJORS; m++) {
			for (int no = 1; no <= per_major[m]; no++, k++) {
				struct gclass *c = &g->classes[k];
				c->grade = gr;
				c->major = m;
				c->no = no;
				c->size = sizes[k];
				c->first = first;
				first += c->size;
				snprintf(c->name, sizeof c->name, "%s%s%d班", grades[gr].name,
					 majors[m].name, no);
			}
		}
	}
	assert(k == n_classes && first == g->o.students);
	free(sizes);
	g->n_classes = n_classes;
	return 0;
}

static void plan_students(struct gen *g)
{
	demo_rng r;
	demo_rng_seed(&r, g->o.seed, RNG_STUDENTS);
	for (int ci = 0; ci < g->n_classes; ci++) {
		const struct gclass *c = &g->classes[ci];
		for (int k = 0; k < c->size; k++) {
			struct gstudent *st = &g->students[c->first + k];
			st->gender =
				(int)demo_rng_below(&r, 1000) < majors[c->major].female_pm ? 'F' : 'M';
			demo_name(&r, st->gender, DEMO_GEN_STUDENT, st->name, sizeof st->name);
			st->boarder = demo_rng_below(&r, 100) < 85;
			st->room = -1;
			random_phone(&r, st->phone);
			/* ~3.2 %: mostly 抗疫一线人员子女 (the article's key group). */
			unsigned x = (unsigned)demo_rng_below(&r, 10000);
			if (x < 180)
				st->flags = F_FRONTLINE | (x < 9 ? F_HARDSHIP : 0);
			else if (x < 240)
				st->flags = F_LEFT_BEHIND | (x < 195 ? F_HARDSHIP : 0);
			else if (x < 280)
				st->flags = F_HARDSHIP;
			else if (x < 310)
				st->flags = F_CHRONIC;
			else if (x < 320)
				st->flags = F_DISABILITY;
		}
	}
}

static int new_room(struct gen *g, int cap, int *room)
{
	if (grow((void **)&g->rooms, &g->cap_rooms, g->n_rooms + 1, sizeof *g->rooms))
		return JY_ENOMEM;
	struct groom *rm = &g->rooms[g->n_rooms];
	memset(rm, 0, sizeof *rm);
	rm->cap = cap;
	*room = g->n_rooms++;
	return 0;
}

/* Dorms of one gender: each class's boarders fill whole rooms together; the
 * remainders of a grade share the next rooms; ~5 % spare rooms; then the
 * rooms are spread evenly over buildings of at most 6 floors × 20 rooms. */
static int plan_dorms_gender(struct gen *g, char gender, int cap)
{
	int first_room = g->n_rooms;
	int *left = malloc(sizeof(int) * (size_t)(g->n_students + 1));
	if (!left)
		return JY_ENOMEM;
	int rc = 0;
	for (int gr = 0; gr < N_GRADES && !rc; gr++) {
		int n_left = 0;
		for (int ci = 0; ci < g->n_classes && !rc; ci++) {
			const struct gclass *c = &g->classes[ci];
			if (c->grade != gr)
				continue;
			int members[DEMO_CLASS_MAX], n = 0;
			assert(c->size <= DEMO_CLASS_MAX);
			for (int k = 0; k < c->size; k++) {
				struct gstudent *st = &g->students[c->first + k];
				if (st->boarder && st->gender == gender)
					members[n++] = c->first + k;
			}
			int k = 0, room = -1;
			for (; k + cap <= n && !rc; k += cap) {
				rc = new_room(g, cap, &room);
				for (int j = 0; j < cap && !rc; j++) {
					g->students[members[k + j]].room = room;
					g->rooms[room].used++;
				}
			}
			for (; k < n; k++)
				left[n_left++] = members[k];
		}
		int room = -1;
		for (int k = 0; k < n_left && !rc; k++) {
			if (k % cap == 0)
				rc = new_room(g, cap, &room);
			if (!rc) {
				g->students[left[k]].room = room;
				g->rooms[room].used++;
			}
		}
	}
	free(left);
	if (rc)
		return rc;
	int used = g->n_rooms - first_room;
	int spare = used / 20 > 2 ? used / 20 : 2;
	for (int k = 0; k < spare; k++) {
		int room;
		if (new_room(g, cap, &room))
			return JY_ENOMEM;
	}
	int total = g->n_rooms - first_room;
	int nb = (total + 119) / 120;
	int per = (total + nb - 1) / nb;
	for (int b = 0; b < nb; b++) {
		if (grow((void **)&g->buildings, &g->cap_buildings, g->n_buildings + 1,
			 sizeof *g->buildings))
			return JY_ENOMEM;
		struct gbuilding *bd = &g->buildings[g->n_buildings];
		bd->no = g->n_buildings + 1;
		bd->gender = gender;
		bd->cap = cap;
		bd->first_room = first_room + b * per;
		bd->n_rooms = b == nb - 1 ? total - b * per : per;
		bd->floors = (bd->n_rooms + 19) / 20;
		for (int k = 0; k < bd->n_rooms; k++) {
			struct groom *rm = &g->rooms[bd->first_room + k];
			rm->building = g->n_buildings;
			rm->floor = k / 20 + 1;
			rm->number = rm->floor * 100 + k % 20 + 1;
		}
		g->n_buildings++;
	}
	return 0;
}

static int plan_dorms(struct gen *g)
{
	/* Boys' rooms sleep 8, girls' rooms 6 (newer building). */
	int rc = plan_dorms_gender(g, 'M', 8);
	return rc ? rc : plan_dorms_gender(g, 'F', 6);
}

struct staff_group {
	const char *position;
	int count;
	int male_pct;
};

static int plan_staff(struct gen *g)
{
	int n = g->o.students;
	int wardens = 2 * g->n_buildings;
	struct staff_group groups[] = {
		{ "校长", 1, 70 },
		{ "副校长", 2, 60 },
		{ "班主任", g->n_classes, 50 },
		{ "任课教师", 0, 55 },
		{ "校医", n / 1800 > 2 ? (n + 900) / 1800 : 2, 30 },
		{ "行政", n / 600 > 3 ? (n + 300) / 600 : 3, 40 },
		{ "后勤", n / 400 > 3 ? (n + 200) / 400 : 3, 50 },
		{ "宿管", wardens, -1 }, /* same gender as the building */
		{ "保安", n / 450 > 4 ? (n + 225) / 450 : 4, 95 },
	};
	const int n_groups = (int)(sizeof groups / sizeof groups[0]);
	int fixed = 0;
	for (int i = 0; i < n_groups; i++)
		fixed += groups[i].count;
	int target = (n + 9) / 18;
	int teachers = target - fixed;
	if (teachers < g->n_classes / 2)
		teachers = g->n_classes / 2 > 1 ? g->n_classes / 2 : 1;
	groups[3].count = teachers;
	g->n_staff = fixed + teachers;
	g->staff = calloc((size_t)g->n_staff, sizeof *g->staff);
	if (!g->staff)
		return JY_ENOMEM;
	demo_rng r;
	demo_rng_seed(&r, g->o.seed, RNG_STAFF);
	int k = 0;
	for (int i = 0; i < n_groups; i++) {
		for (int j = 0; j < groups[i].count; j++, k++) {
			struct gstaff *sf = &g->staff[k];
			sf->position = groups[i].position;
			if (groups[i].male_pct < 0)
				sf->gender = g->buildings[j / 2].gender;
			else
				sf->gender = (int)demo_rng_below(&r, 100) < groups[i].male_pct ? 'M'
												 : 'F';
			demo_name(&r, sf->gender, DEMO_GEN_STAFF, sf->name, sizeof sf->name);
			random_phone(&r, sf->phone);
		}
	}
	return 0;
}

/* ---- timetable ---- */

static int lab_add(struct gen *g, int kind)
{
	if (grow((void **)&g->labs, &g->cap_labs, g->n_labs + 1, sizeof *g->labs))
		return -1;
	int no = 1;
	for (int i = 0; i < g->n_labs; i++)
		if (g->labs[i].kind == kind)
			no++;
	struct glab *l = &g->labs[g->n_labs];
	memset(l, 0, sizeof *l);
	l->kind = kind;
	l->no = no;
	return g->n_labs++;
}

/* The first lab of kind free on (day, block), or -1. */
static int lab_free(const struct gen *g, int kind, int day, int block)
{
	for (int i = 0; i < g->n_labs; i++)
		if (g->labs[i].kind == kind && !g->labs[i].busy[day][block])
			return i;
	return -1;
}

/* Put one double period of class c into a lab of kind: a free (day, block)
 * of the class, on a day without another lab block if possible, where some
 * lab of that kind is free — or, when there is none, in a new lab. */
static int place_lab_block(struct gen *g, demo_rng *r, struct gclass *c, int kind,
			   const char *subject)
{
	int cand[DAYS * BLOCKS], n_cand = 0, feas[DAYS * BLOCKS], n_feas = 0;
	for (int spread = 1; spread >= 0 && n_cand == 0; spread--) {
		for (int d = 0; d < DAYS; d++) {
			int has_lab = 0;
			for (int p = 0; p < PERIODS; p++)
				has_lab |= c->tt[d][p].at == AT_LAB;
			if (spread && has_lab)
				continue;
			for (int b = 0; b < BLOCKS; b++)
				if (!c->tt[d][2 * b].at && !c->tt[d][2 * b + 1].at)
					cand[n_cand++] = d * BLOCKS + b;
		}
	}
	if (n_cand == 0)
		return JY_EINVAL; /* cannot happen: at most 6 blocks of 20 are taken */
	for (int i = 0; i < n_cand; i++)
		if (lab_free(g, kind, cand[i] / BLOCKS, cand[i] % BLOCKS) >= 0)
			feas[n_feas++] = cand[i];
	int pick, lab;
	if (n_feas > 0) {
		pick = feas[demo_rng_below(r, (uint64_t)n_feas)];
		lab = lab_free(g, kind, pick / BLOCKS, pick % BLOCKS);
	} else {
		pick = cand[demo_rng_below(r, (uint64_t)n_cand)];
		lab = lab_add(g, kind);
		if (lab < 0)
			return JY_ENOMEM;
	}
	int d = pick / BLOCKS, b = pick % BLOCKS;
	assert(!g->labs[lab].busy[d][b]);
	g->labs[lab].busy[d][b] = 1;
	for (int p = 2 * b; p <= 2 * b + 1; p++) {
		c->tt[d][p].at = AT_LAB;
		c->tt[d][p].lab = lab;
		c->tt[d][p].subject = subject;
	}
	return 0;
}

static int plan_timetable(struct gen *g)
{
	demo_rng r;
	demo_rng_seed(&r, g->o.seed, RNG_TIMETABLE);
	int *order = malloc(sizeof(int) * (size_t)g->n_classes);
	if (!order)
		return JY_ENOMEM;
	for (int i = 0; i < g->n_classes; i++)
		order[i] = i;
	shuffle(&r, order, g->n_classes);
	int rc = 0;
	/* 班会 (class meeting) on Monday's last period, then the lab blocks. */
	for (int i = 0; i < g->n_classes; i++) {
		struct slot *s = &g->classes[i].tt[0][PERIODS - 1];
		s->at = AT_CLASSROOM;
		s->subject = "班会";
	}
	for (int i = 0; i < g->n_classes && !rc; i++) {
		struct gclass *c = &g->classes[order[i]];
		const struct major *m = &majors[c->major];
		for (int b = 0; b < grades[c->grade].lab_blocks && !rc; b++)
			rc = place_lab_block(g, &r, c, m->lab, m->lab_subject);
		if (!rc)
			rc = place_lab_block(g, &r, c, LAB_JIFANG, "信息技术");
	}
	free(order);
	if (rc)
		return rc;
	/* Lessons: the common subjects plus the major's theory, shuffled into the
	 * free periods; 体育 on the playground. */
	for (int i = 0; i < g->n_classes; i++) {
		struct gclass *c = &g->classes[i];
		const char *list[DAYS * PERIODS];
		int n = 0, free_slots = 0;
		for (int d = 0; d < DAYS; d++)
			for (int p = 0; p < PERIODS; p++)
				free_slots += !c->tt[d][p].at;
		for (size_t k = 0; k < sizeof common_subjects / sizeof *common_subjects; k++)
			for (int j = 0; j < common_subjects[k].count && n < free_slots; j++)
				list[n++] = common_subjects[k].subject;
		for (int j = 0; n < free_slots; j++)
			list[n++] = majors[c->major].theory[j % 4];
		int idx[DAYS * PERIODS];
		for (int k = 0; k < n; k++)
			idx[k] = k;
		shuffle(&r, idx, n);
		int k = 0;
		for (int d = 0; d < DAYS; d++)
			for (int p = 0; p < PERIODS; p++)
				if (!c->tt[d][p].at) {
					const char *subj = list[idx[k++]];
					c->tt[d][p].subject = subj;
					c->tt[d][p].at =
						strcmp(subj, PE_SUBJECT) ? AT_CLASSROOM : AT_PLAYGROUND;
				}
	}
	/* Lunch: each grade has its sitting; its classes go to the zone with the
	 * fewest students so far (seats are then sized to the busiest sitting). */
	g->n_canteens = g->o.students > 3000 ? 3 : 2;
	int zones = g->n_canteens * ZONES;
	for (int i = 0; i < g->n_classes; i++) {
		struct gclass *c = &g->classes[i];
		int sitting = grades[c->grade].lunch_sitting, best = 0;
		for (int z = 1; z < zones; z++)
			if (g->zone_load[z][sitting] < g->zone_load[best][sitting])
				best = z;
		c->zone = best;
		g->zone_load[best][sitting] += c->size;
	}
	return 0;
}

/* ---- writing --------------------------------------------------------------- */

static int put_place(struct gen *g, const char *kind, const char *name, const char *building,
		     int floor, int64_t capacity, double area, char gender, int64_t parent,
		     int64_t *id, jy_err *err)
{
	place_rec p;
	memset(&p, 0, sizeof p);
	p.school_id = g->school_id;
	p.campus_id = g->campus_id;
	p.parent_id = parent;
	snprintf(p.kind, sizeof p.kind, "%s", kind);
	snprintf(p.name, sizeof p.name, "%s", name);
	snprintf(p.building, sizeof p.building, "%s", building);
	p.floor = floor;
	p.capacity = capacity;
	p.area_m2 = area;
	if (gender)
		p.gender[0] = gender;
	int64_t tmp;
	int rc = store_place_upsert(g->s, &p, id ? id : &tmp, err);
	if (!rc)
		g->c->places++;
	return rc;
}

/* Round up to a multiple of 10. */
static int64_t round10(int64_t x)
{
	return (x + 9) / 10 * 10;
}

static int write_places(struct gen *g, jy_err *err)
{
	demo_rng r;
	demo_rng_seed(&r, g->o.seed, RNG_PLACES);
	demo_counts *c = g->c;
	char name[96], bname[64];
	int rc;

	/* Gates; capacity = people per hour through the thermometer lanes. */
	static const struct {
		const char *name;
		int per_hour;
	} gates[] = {
		{ "南门", 1800 },
		{ "北门", 900 },
		{ "东门", 600 },
		{ "西门", 300 },
	};
	g->n_gates = g->o.students > 3000 ? 4 : 3;
	for (int i = 0; i < g->n_gates; i++) {
		rc = put_place(g, "gate", gates[i].name, "", -1000, gates[i].per_hour, -1, 0, 0,
			       &g->gate_ids[i], err);
		if (rc)
			return rc;
		c->gates++;
	}

	/* One classroom per class: teaching blocks of 6 floors × 10 rooms. */
	int n_blocks = (g->n_classes + 59) / 60;
	for (int i = 0; i < g->n_classes; i++) {
		struct gclass *cl = &g->classes[i];
		int b = i / 60, local = i % 60, floor = local / 10 + 1;
		snprintf(bname, sizeof bname, "教学楼%c", 'A' + b);
		snprintf(name, sizeof name, "%s-%d%02d", bname, floor, local % 10 + 1);
		int cap = 50 + (int)demo_rng_below(&r, 11);
		double area = cap * (120 + (int)demo_rng_below(&r, 21)) / 100.0;
		if (cl->size > cap)
			cap = cl->size;
		rc = put_place(g, "classroom", name, bname, floor, cap, area, 0, 0,
			       &cl->classroom_id, err);
		if (rc)
			return rc;
		c->classrooms++;
	}

	/* Offices: the administration and one teachers' office per block. */
	static const char *const offices[] = { "校长办公室", "党政办公室", "教务处",
					       "学生处",     "后勤处",     "招生就业处" };
	for (size_t i = 0; i < sizeof offices / sizeof *offices; i++) {
		rc = put_place(g, "office", offices[i], "行政楼", (int)i / 2 + 1, 8, 40, 0, 0,
			       NULL, err);
		if (rc)
			return rc;
	}
	for (int b = 0; b < n_blocks; b++) {
		snprintf(bname, sizeof bname, "教学楼%c", 'A' + b);
		snprintf(name, sizeof name, "%s教师办公室", bname);
		rc = put_place(g, "office", name, bname, 1, 30, 90, 0, 0, NULL, err);
		if (rc)
			return rc;
	}

	/* Labs, kind by kind in number order; six rooms a floor in a block. */
	int in_building[LAB_KINDS] = { 0 };
	for (int kind = 0; kind < LAB_KINDS; kind++) {
		const struct lab_def *d = &lab_defs[kind];
		int *slot = &in_building[kind];
		for (int k = 0; k < kind; k++)
			if (!strcmp(lab_defs[k].building, d->building)) {
				slot = &in_building[k];
				break;
			}
		for (int no = 1;; no++) {
			struct glab *l = NULL;
			for (int i = 0; i < g->n_labs && !l; i++)
				if (g->labs[i].kind == kind && g->labs[i].no == no)
					l = &g->labs[i];
			if (!l)
				break;
			snprintf(name, sizeof name, d->fmt, l->no);
			int floor = d->upstairs ? *slot / 6 + 1 : 1;
			(*slot)++;
			rc = put_place(g, "lab", name, d->building, floor, d->capacity, d->area, 0, 0,
				       &l->id, err);
			if (rc)
				return rc;
			c->labs++;
		}
	}

	/* Canteens with four zones each; seats fit the busiest lunch sitting. */
	static const char *const canteens[] = { "第一食堂", "第二食堂", "第三食堂" };
	for (int k = 0; k < g->n_canteens; k++) {
		int64_t seats[ZONES], total = 0;
		for (int z = 0; z < ZONES; z++) {
			int busiest = 0;
			for (int s = 0; s < 3; s++)
				if (g->zone_load[k * ZONES + z][s] > busiest)
					busiest = g->zone_load[k * ZONES + z][s];
			seats[z] = round10(busiest * 11 / 10);
			if (seats[z] < 40)
				seats[z] = 40;
			total += seats[z];
		}
		int64_t cid;
		rc = put_place(g, "canteen", canteens[k], canteens[k], 1, total, (double)total * 1.6,
			       0, 0, &cid, err);
		if (rc)
			return rc;
		c->canteens++;
		for (int z = 0; z < ZONES; z++) {
			snprintf(name, sizeof name, "%s%c区", canteens[k], 'A' + z);
			rc = put_place(g, "canteen_zone", name, canteens[k], z / 2 + 1, seats[z],
				       (double)seats[z] * 1.2, 0, cid, &g->zone_ids[k * ZONES + z],
				       err);
			if (rc)
				return rc;
			c->canteen_zones++;
		}
	}

	/* Dorm buildings and rooms. */
	for (int b = 0; b < g->n_buildings; b++) {
		struct gbuilding *bd = &g->buildings[b];
		snprintf(bname, sizeof bname, "%d号宿舍楼", bd->no);
		rc = put_place(g, "dorm_building", bname, bname, -1000,
			       (int64_t)bd->n_rooms * bd->cap, -1, bd->gender, 0, &bd->id, err);
		if (rc)
			return rc;
		c->dorm_buildings++;
		for (int k = 0; k < bd->n_rooms; k++) {
			struct groom *rm = &g->rooms[bd->first_room + k];
			snprintf(name, sizeof name, "%s%d", bname, rm->number);
			rc = put_place(g, "dorm_room", name, bname, rm->floor, rm->cap,
				       rm->cap == 8 ? 32 : 26, bd->gender, bd->id, &rm->id, err);
			if (rc)
				return rc;
			c->dorm_rooms++;
			c->dorm_beds += rm->cap;
		}
	}

	/* Health: 医务室, then the isolation and observation rooms (the
	 * article's 医务室、隔离室), kept apart in their own area. */
	rc = put_place(g, "clinic", "医务室", "综合楼", 1, 10, 120, 0, 0, &g->clinic_id, err);
	if (rc)
		return rc;
	c->clinics++;
	int n_iso = g->o.students > 3000 ? 2 : 1;
	for (int i = 0; i < n_iso; i++) {
		snprintf(name, sizeof name, "隔离室%d", i + 1);
		rc = put_place(g, "isolation_room", name, "健康观察区", 1, 2, 20, 0, 0, NULL, err);
		if (rc)
			return rc;
		c->isolation_rooms++;
	}
	rc = put_place(g, "observation_room", "留观室", "健康观察区", 1, 6, 40, 0, 0, NULL, err);
	if (rc)
		return rc;
	c->observation_rooms++;

	rc = put_place(g, "playground", "操场", "", -1000, 3000, 15000, 0, 0, &g->playground_id,
		       err);
	if (!rc)
		rc = put_place(g, "hall", "礼堂", "礼堂", 1, 1200, 1500, 0, 0, NULL, err);
	if (!rc)
		rc = put_place(g, "other", "图书馆", "图书馆", 1, 400, 1800, 0, 0, NULL, err);
	return rc;
}

static void flags_text(unsigned flags, char *out, size_t size)
{
	size_t n = 0;
	out[0] = 0;
	for (int i = 0; i < 5; i++)
		if (flags & (1u << i))
			n += (size_t)snprintf(out + n, size - n, "%s%s", n ? "," : "",
					      flag_codes[i]);
}

/* A campus card number: a bijection of the sequence number mod 10^9 (the
 * multiplier 3^18 is prime to 10), so every card is distinct and looks random. */
static void card_number(int seq, char out[40])
{
	uint64_t v = ((uint64_t)seq * 387420489u + 20200512u) % 1000000000u;
	snprintf(out, 40, "8%09u", (unsigned)v);
}

/* Where each inserted person's id goes, by number: the inserts do not wait
 * for their ids (on PostgreSQL they are pipelined); one listing of the
 * school afterwards fills them in. */
struct id_slot {
	char number[40];
	int64_t *id;
};

struct id_slots {
	struct id_slot *v;
	size_t n;
};

static int cmp_slot(const void *a, const void *b)
{
	return strcmp(((const struct id_slot *)a)->number, ((const struct id_slot *)b)->number);
}

static int fill_id(void *ctx, const person_rec *p)
{
	struct id_slots *s = ctx;
	struct id_slot key;
	if (!s->n)
		return 0;
	snprintf(key.number, sizeof key.number, "%s", p->number);
	struct id_slot *hit = bsearch(&key, s->v, s->n, sizeof key, cmp_slot);
	if (hit)
		*hit->id = p->id;
	return 0;
}

static int add_person(struct gen *g, const person_rec *p, int64_t *id, struct id_slots *slots,
		      jy_err *err)
{
	struct id_slot *sl = &slots->v[slots->n++];
	snprintf(sl->number, sizeof sl->number, "%s", p->number);
	sl->id = id;
	return store_person_save(g->s, p, NULL, NULL, NULL, err);
}

static int write_people(struct gen *g, jy_err *err)
{
	person_rec p;
	int rc, seq = 0;
	size_t total = 0;
	for (int ci = 0; ci < g->n_classes; ci++)
		total += (size_t)g->classes[ci].size;
	total += (size_t)g->n_staff;
	struct id_slots slots = { calloc(total ? total : 1, sizeof *slots.v), 0 };
	if (!slots.v)
		return err_set(err, JY_ENOMEM, "out of memory");
	for (int ci = 0; ci < g->n_classes; ci++) {
		struct gclass *c = &g->classes[ci];
		for (int k = 0; k < c->size; k++) {
			struct gstudent *st = &g->students[c->first + k];
			memset(&p, 0, sizeof p);
			p.school_id = g->school_id;
			snprintf(p.kind, sizeof p.kind, "student");
			snprintf(p.number, sizeof p.number, "%d%02d%02d%02d",
				 grades[c->grade].year, majors[c->major].code, c->no, k + 1);
			snprintf(p.name, sizeof p.name, "%s", st->name);
			p.gender[0] = st->gender;
			p.class_id = c->id;
			p.dorm_id = st->room >= 0 ? g->rooms[st->room].id : 0;
			snprintf(p.guardian_phone, sizeof p.guardian_phone, "%s", st->phone);
			card_number(++seq, p.card_no);
			p.active = 1;
			flags_text(st->flags, p.flags, sizeof p.flags);
			rc = add_person(g, &p, &st->id, &slots, err);
			if (rc)
				goto out;
			g->c->students++;
			g->c->boarders += st->room >= 0;
			g->c->key_group += st->flags != 0;
		}
	}
	for (int i = 0; i < g->n_staff; i++) {
		struct gstaff *sf = &g->staff[i];
		memset(&p, 0, sizeof p);
		p.school_id = g->school_id;
		snprintf(p.kind, sizeof p.kind, "staff");
		snprintf(p.number, sizeof p.number, "T%04d", i + 1);
		snprintf(p.name, sizeof p.name, "%s", sf->name);
		p.gender[0] = sf->gender;
		snprintf(p.phone, sizeof p.phone, "%s", sf->phone);
		snprintf(p.position, sizeof p.position, "%s", sf->position);
		card_number(++seq, p.card_no);
		p.active = 1;
		rc = add_person(g, &p, &sf->id, &slots, err);
		if (rc)
			goto out;
		g->c->staff++;
		g->c->head_teachers += !strcmp(sf->position, "班主任");
	}
	if (slots.n)
		qsort(slots.v, slots.n, sizeof *slots.v, cmp_slot);
	person_filter f = { .school_id = g->school_id };
	rc = store_person_list(g->s, &f, fill_id, &slots, err);
out:
	free(slots.v);
	return rc;
}

static int add_row(struct gen *g, const struct gclass *c, int64_t place, int weekday, int start,
		   int end, const char *subject, jy_err *err)
{
	timetable_rec t;
	memset(&t, 0, sizeof t);
	t.school_id = g->school_id;
	t.class_id = c->id;
	t.place_id = place;
	t.weekday = weekday;
	t.start_min = start;
	t.end_min = end;
	snprintf(t.subject, sizeof t.subject, "%s", subject);
	int rc = store_timetable_add(g->s, &t, NULL, err);
	if (!rc)
		g->c->timetable_rows++;
	return rc;
}

static int write_timetable(struct gen *g, jy_err *err)
{
	int rc = 0;
	for (int ci = 0; ci < g->n_classes && !rc; ci++) {
		const struct gclass *c = &g->classes[ci];
		int sitting = grades[c->grade].lunch_sitting;
		for (int d = 0; d < DAYS && !rc; d++) {
			for (int p = 0; p < PERIODS && !rc; p++) {
				const struct slot *s = &c->tt[d][p];
				int64_t place = s->at == AT_LAB		 ? g->labs[s->lab].id
						: s->at == AT_PLAYGROUND ? g->playground_id
									 : c->classroom_id;
				rc = add_row(g, c, place, d + 1, period_start[p],
					     period_start[p] + PERIOD_LEN, s->subject, err);
				if (!rc && p == 3)
					rc = add_row(g, c, g->zone_ids[c->zone], d + 1,
						     lunch_start[sitting],
						     lunch_start[sitting] + LUNCH_LEN, "午餐", err);
			}
			if (!rc && d < 4)
				rc = add_row(g, c, c->classroom_id, d + 1, EVENING_START,
					     EVENING_END, "晚自习", err);
		}
	}
	return rc;
}

static int write_users(struct gen *g, jy_err *err)
{
	const struct gclass *tc = NULL;
	for (int i = 0; i < g->n_classes && !tc; i++)
		if (g->classes[i].grade == TEACHER_GRADE)
			tc = &g->classes[i];
	assert(tc);
	snprintf(g->c->teacher_class, sizeof g->c->teacher_class, "%s", tc->name);
	for (size_t i = 0; i < sizeof logins / sizeof *logins; i++) {
		const char *scope = !strcmp(logins[i].role, "teacher") ? tc->name : NULL;
		int rc = auth_user_add(g->s, logins[i].username, logins[i].password,
				       logins[i].role, scope, NULL, err);
		if (rc)
			return rc;
		g->c->users++;
	}
	return 0;
}

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, char out[40])
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp + (mp < 10 ? 3 : -9);
	snprintf(out, 40, "%04d-%02d-%02d", (int)(y + (m <= 2)), (int)m, (int)d);
}

/* Call every history writer for each day, with the school as they see it. */
static int write_history(struct gen *g, jy_err *err)
{
	size_t n_writers = 0;
	while (history_writers[n_writers].fn)
		n_writers++;
	g->c->history_writers = (int)n_writers;
	if (g->o.days == 0)
		return 0;
	size_t n_people = (size_t)g->n_students + (size_t)g->n_staff;
	demo_person *people = calloc(n_people, sizeof *people);
	demo_class *classes = calloc((size_t)g->n_classes, sizeof *classes);
	int rc = 0;
	if (!people || !classes) {
		rc = err_set(err, JY_ENOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < g->n_classes; i++) {
		const struct gclass *c = &g->classes[i];
		classes[i].id = c->id;
		classes[i].classroom_id = c->classroom_id;
		classes[i].grade = c->grade;
		classes[i].size = c->size;
		classes[i].first = c->first;
		snprintf(classes[i].name, sizeof classes[i].name, "%s", c->name);
		for (int k = 0; k < c->size; k++) {
			const struct gstudent *st = &g->students[c->first + k];
			demo_person *p = &people[c->first + k];
			p->id = st->id;
			p->class_idx = i;
			p->dorm_id = st->room >= 0 ? g->rooms[st->room].id : 0;
			p->gender = st->gender;
		}
	}
	for (int i = 0; i < g->n_staff; i++) {
		demo_person *p = &people[g->n_students + i];
		p->id = g->staff[i].id;
		p->class_idx = -1;
		p->gender = g->staff[i].gender;
		p->is_staff = 1;
	}
	demo_world w = {
		.school_id = g->school_id,
		.campus_id = g->campus_id,
		.seed = g->o.seed,
		.classes = classes,
		.n_classes = (size_t)g->n_classes,
		.people = people,
		.n_students = (size_t)g->n_students,
		.n_staff = (size_t)g->n_staff,
		.gate_ids = g->gate_ids,
		.n_gates = (size_t)g->n_gates,
		.clinic_id = g->clinic_id,
	};
	int64_t start = days_from_civil(2020, 5, 12);
	for (int day = 0; day < g->o.days && !rc; day++) {
		char date[40];
		civil_from_days(start + day, date);
		for (size_t i = 0; i < n_writers && !rc; i++) {
			demo_rng r;
			demo_rng_seed(&r, g->o.seed, ((uint64_t)(i + 1) << 32) | (uint64_t)day);
			rc = history_writers[i].fn(g->s, &w, day, date, &r, day == g->o.days - 1, err);
		}
	}
out:
	free(people);
	free(classes);
	return rc;
}

/* The demo needs a database without a school and without its usernames. */
static int check_empty(store *s, const demo_opts *o, jy_err *err)
{
	school_rec sc;
	if (o->school_code) {
		/* Another school of the district: only its code must be free. */
		int rc = store_school_find(s, o->school_code, &sc, err);
		if (rc == 0)
			return err_set(err, JY_ECONFLICT, "学校 %s 已存在 (school %s exists)",
				       o->school_code, o->school_code);
		err_clear(err);
		return rc == JY_ENOENT ? 0 : rc;
	}
	int rc = store_school_default(s, &sc, err);
	if (rc == 0) {
		if (!strcmp(sc.code, DEMO_SCHOOL_CODE))
			return err_set(err, JY_ECONFLICT,
				       "数据库中已有演示学校 %s %s，未做任何修改；请换一个 --db 文件 "
				       "(the database already holds the demo school %s; nothing was "
				       "written — use a new --db file)",
				       sc.code, sc.name, sc.code);
		return err_set(err, JY_ECONFLICT,
			       "数据库中已有学校 %s %s，演示学校需要空数据库 "
			       "(the database already holds school %s; the demo needs an empty "
			       "database)",
			       sc.code, sc.name, sc.code);
	}
	if (rc != JY_ENOENT)
		return rc;
	err_clear(err);
	for (size_t i = 0; i < sizeof logins / sizeof *logins; i++) {
		user_rec u;
		rc = store_user_by_name(s, logins[i].username, &u, err);
		if (rc == 0)
			return err_set(err, JY_ECONFLICT,
				       "用户 %s 已存在，演示学校需要空数据库 (user %s already "
				       "exists; the demo needs an empty database)",
				       logins[i].username, logins[i].username);
		if (rc != JY_ENOENT)
			return rc;
		err_clear(err);
	}
	return 0;
}

static int write_all(struct gen *g, jy_err *err)
{
	store *s = g->s;
	const char *code = g->o.school_code ? g->o.school_code : DEMO_SCHOOL_CODE;
	const char *name = g->o.school_name ? g->o.school_name : DEMO_SCHOOL_NAME;
	int64_t district_id = 0;
	int rc = store_district_ensure(s, DEMO_DISTRICT_CODE, DEMO_DISTRICT_NAME, &district_id, err);
	if (!rc)
		rc = store_school_add(s, district_id, code, name, &g->school_id, err);
	if (!rc)
		rc = store_campus_ensure(s, g->school_id, DEMO_CAMPUS_NAME, &g->campus_id, err);
	for (int i = 0; i < N_GRADES && !rc; i++) {
		rc = store_grade_ensure(s, g->school_id, grades[i].name, &g->grade_ids[i], err);
		g->c->grades += !rc;
	}
	for (int i = 0; i < g->n_classes && !rc; i++) {
		struct gclass *c = &g->classes[i];
		rc = store_class_ensure(s, g->school_id, g->grade_ids[c->grade], c->name, &c->id,
					err);
		g->c->classes += !rc;
	}
	if (!rc)
		rc = write_places(g, err);
	if (!rc)
		rc = write_people(g, err);
	if (!rc)
		rc = write_timetable(g, err);
	if (!rc && !g->o.school_code)
		rc = write_users(g, err);
	if (!rc) {
		audit_rec a;
		memset(&a, 0, sizeof a);
		a.school_id = g->school_id;
		snprintf(a.username, sizeof a.username, "jinyun demo");
		snprintf(a.action, sizeof a.action, "create");
		snprintf(a.entity, sizeof a.entity, "demo");
		snprintf(a.entity_id, sizeof a.entity_id, "%s", code);
		snprintf(a.detail, sizeof a.detail,
			 "演示学校 demo school: seed=%llu students=%d start=%s days=%d",
			 (unsigned long long)g->o.seed, g->o.students, DEMO_START_DATE, g->o.days);
		rc = store_audit_add(s, &a, err);
	}
	/* The school calendar of the first term back (2020): 端午 holidays and
	 * the Sunday worked in their place. */
	static const struct {
		const char *date, *kind, *note;
	} calendar[] = {
		{ DEMO_START_DATE, "term_start", "第一批学生开学复课 first batch back" },
		{ "2020-06-25", "holiday", "端午节 Dragon Boat Festival" },
		{ "2020-06-26", "holiday", "端午节 Dragon Boat Festival" },
		{ "2020-06-28", "makeup", "端午调休 make-up day" },
		{ "2020-07-10", "term_end", "学期结束 end of term" },
	};
	for (size_t i = 0; !rc && i < sizeof calendar / sizeof calendar[0]; i++)
		rc = store_calendar_set(s, g->school_id, calendar[i].date, calendar[i].kind,
					calendar[i].note, err);
	if (!rc)
		rc = write_history(g, err);
	g->c->school_id = g->school_id;
	return rc;
}

int demo_create(store *s, const demo_opts *o, demo_counts *out, jy_err *err)
{
	demo_counts local;
	demo_counts *c = out ? out : &local;
	memset(c, 0, sizeof *c);
	if (o->students < DEMO_STUDENTS_MIN || o->students > DEMO_STUDENTS_MAX)
		return err_at(err, JY_EINVAL, NULL, 0, "students",
			      "学生人数应为 %d–%d (--students must be %d–%d)", DEMO_STUDENTS_MIN,
			      DEMO_STUDENTS_MAX, DEMO_STUDENTS_MIN, DEMO_STUDENTS_MAX);
	if (o->days < 0 || o->days > DEMO_DAYS_MAX)
		return err_at(err, JY_EINVAL, NULL, 0, "days",
			      "天数应为 0–%d (--days must be 0–%d)", DEMO_DAYS_MAX, DEMO_DAYS_MAX);
	struct gen g;
	memset(&g, 0, sizeof g);
	g.s = s;
	g.o = *o;
	g.c = c;
	snprintf(c->start_date, sizeof c->start_date, "%s", DEMO_START_DATE);
	c->days = o->days;
	int rc = plan_classes(&g);
	if (!rc) {
		g.n_students = o->students;
		g.students = calloc((size_t)g.n_students, sizeof *g.students);
		rc = g.students ? 0 : JY_ENOMEM;
	}
	if (!rc) {
		plan_students(&g);
		rc = plan_dorms(&g);
	}
	if (!rc)
		rc = plan_staff(&g);
	if (!rc)
		rc = plan_timetable(&g);
	if (rc) {
		gen_free(&g);
		return err_set(err, rc, "无法生成演示学校 cannot plan the demo school (%s)",
			       err_name(rc));
	}
	rc = store_begin(s, err);
	if (!rc) {
		rc = check_empty(s, o, err);
		if (!rc)
			rc = write_all(&g, err);
		if (rc)
			store_rollback(s);
		else
			rc = store_commit(s, err);
	}
	gen_free(&g);
	if (rc) {
		int keep = rc;
		memset(c, 0, sizeof *c);
		return keep;
	}
	return 0;
}
