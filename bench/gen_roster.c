/*
 * gen_roster.c — write a synthetic student roster for the benchmarks.
 *
 * The roster has the columns `jinyun import roster` reads (学号,姓名,性别,
 * 年级,班级,宿舍,监护人电话), Chinese names drawn by rough frequency,
 * classes of 45 spread over three grades, and about 85 % boarders in
 * single-gender dorm rooms.  Everything is a function of the row's global
 * index (--first + i) and the seed, so a million rows can be written as
 * several files (--first 0, 250000, 500000 …) that import into one
 * consistent school: a class or a dorm room never changes grade or gender
 * from one file to the next.
 *
 * CSV is plain UTF-8 (no BOM); xlsx is written with libxlsxwriter using the
 * shared-strings table, as Excel itself does.  This is a bench tool, not a
 * part of jinyun: it links nothing of the project.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#define CLASS_SIZE 45
#define ROOM_SIZE  6

static const char *const surnames[] = {
    "王", "王", "王", "李", "李", "李", "张", "张", "张", "刘", "刘", "陈", "陈", "杨", "赵",
    "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋",
    "郑", "谢", "韩", "唐", "冯", "于", "董", "肖", "程", "曹", "袁", "邓", "许", "傅", "沈",
    "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "余", "潘", "杜",
    "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "廖", "邹", "熊",
    "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史", "顾", "侯", "邵",
    "孟", "龙", "万", "段", "雷", "钱", "汤", "尹", "黎", "易", "向", "冉", "牟", "付", "欧阳",
};
static const char *const given_m[] = {
    "浩", "宇", "轩", "然", "杰", "涛", "俊", "博", "文", "鑫", "磊", "强", "伟", "鹏",
    "超", "勇", "军", "健", "明", "辉", "洋", "斌", "宁", "东", "帅", "凯", "晨", "阳",
    "子", "泽", "睿", "航", "豪", "毅", "峰", "林", "波", "亮", "龙", "飞", "川", "渝",
};
static const char *const given_f[] = {
    "婷", "雪", "丽", "娟", "静", "敏", "燕", "艳", "玲", "芳", "霞", "欣", "怡", "佳",
    "琪", "悦", "雨", "梦", "瑶", "璐", "倩", "颖", "晶", "洁", "蕾", "萍", "月", "思",
    "诗", "涵", "萱", "琳", "妍", "彤", "楠", "蓉", "丹", "慧", "莉", "红", "春", "秋",
};
static const char *const majors[] = {
    "机电", "数控", "电子", "汽修", "计算机", "会计", "物流", "电气", "模具", "仪表",
};
static const char *const grades[] = {"2023级", "2024级", "2025级"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64: a deterministic stream per row index. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

typedef struct student {
	char number[24], name[32], gender[4], grade[16], class_name[48], dorm[32], phone[16];
} student;

/* Fill s for global row index k. */
static void make_student(uint64_t seed, uint64_t k, student *s)
{
	uint64_t r = mix(seed * 0x100000001b3ULL ^ k);
	uint64_t klass = k / CLASS_SIZE;
	unsigned g = (unsigned)(klass % N(grades));
	int male = (r & 1) != 0;
	r >>= 1;
	snprintf(s->number, sizeof s->number, "S%08llu", (unsigned long long)(k + 1));
	const char *sur = surnames[r % N(surnames)];
	r /= N(surnames);
	const char *const *pool = male ? given_m : given_f;
	size_t np = male ? N(given_m) : N(given_f);
	const char *g1 = pool[r % np];
	r /= np;
	int two = (r % 10) < 7; /* seven in ten have a two-character given name */
	r /= 10;
	const char *g2 = two ? pool[r % np] : "";
	r /= np;
	snprintf(s->name, sizeof s->name, "%s%s%s", sur, g1, g2);
	snprintf(s->gender, sizeof s->gender, "%s", male ? "男" : "女");
	snprintf(s->grade, sizeof s->grade, "%s", grades[g]);
	/* Unique per class index: grade + major + running number. */
	uint64_t within = klass / N(grades);
	snprintf(s->class_name, sizeof s->class_name, "%s%s%llu班", grades[g],
		 majors[within % N(majors)], (unsigned long long)(within / N(majors) + 1));
	/* Boarders (85 %): rooms of ROOM_SIZE per gender within each block of
	 * 2 * ROOM_SIZE consecutive students, so a room keeps one gender. */
	if (r % 100 < 85) {
		uint64_t room = k / (2 * ROOM_SIZE);
		snprintf(s->dorm, sizeof s->dorm, "%s%llu栋%llu", male ? "男" : "女",
			 (unsigned long long)(room / 600 + 1),
			 (unsigned long long)(room % 600 + 101));
	} else {
		s->dorm[0] = 0;
	}
	r /= 100;
	snprintf(s->phone, sizeof s->phone, "1%d%09llu", 3 + (int)(r % 7),
		 (unsigned long long)((r / 7) % 1000000000ULL));
}

static const char *const header[] = {"学号", "姓名", "性别", "年级", "班级", "宿舍", "监护人电话"};

static int write_csv(const char *path, uint64_t first, uint64_t rows, uint64_t seed)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 1;
	}
	static char buf[1 << 16];
	setvbuf(f, buf, _IOFBF, sizeof buf);
	fputs("学号,姓名,性别,年级,班级,宿舍,监护人电话\n", f);
	student s;
	for (uint64_t i = 0; i < rows; i++) {
		make_student(seed, first + i, &s);
		fprintf(f, "%s,%s,%s,%s,%s,%s,%s\n", s.number, s.name, s.gender, s.grade,
			s.class_name, s.dorm, s.phone);
	}
	if (fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

static int write_xlsx(const char *path, uint64_t first, uint64_t rows, uint64_t seed)
{
	lxw_workbook *wb = workbook_new(path);
	if (!wb) {
		fprintf(stderr, "gen_roster: cannot create %s\n", path);
		return 1;
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, "学生名单");
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (lxw_col_t c = 0; c < N(header); c++)
		worksheet_write_string(ws, 0, c, header[c], bold);
	student s;
	for (uint64_t i = 0; i < rows; i++) {
		make_student(seed, first + i, &s);
		lxw_row_t row = (lxw_row_t)(i + 1);
		const char *v[] = {s.number,	 s.name, s.gender, s.grade,
				   s.class_name, s.dorm, s.phone};
		for (lxw_col_t c = 0; c < N(v); c++)
			if (*v[c])
				worksheet_write_string(ws, row, c, v[c], NULL);
	}
	lxw_error e = workbook_close(wb);
	if (e != LXW_NO_ERROR) {
		fprintf(stderr, "gen_roster: %s: %s\n", path, lxw_strerror(e));
		return 1;
	}
	return 0;
}

static const char usage[] =
    "usage: gen_roster [--format csv|xlsx] [--rows N] [--first K] [--seed S] -o FILE\n"
    "       gen_roster --show K [--seed S]   (print row K's fields, tab-separated)\n"
    "Write N synthetic students (default 10000) starting at global row K (default 0).\n";

int main(int argc, char **argv)
{
	const char *format = "csv", *out = NULL;
	uint64_t rows = 10000, first = 0, seed = 1;
	long long show = -1;
	static const struct option opts[] = {{"format", required_argument, 0, 'f'},
					     {"rows", required_argument, 0, 'n'},
					     {"first", required_argument, 0, 'k'},
					     {"seed", required_argument, 0, 's'},
					     {"show", required_argument, 0, 'w'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'n':
			rows = strtoull(optarg, NULL, 10);
			break;
		case 'k':
			first = strtoull(optarg, NULL, 10);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'w':
			show = atoll(optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (show >= 0) {
		student s;
		make_student(seed, (uint64_t)show, &s);
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.number, s.name, s.gender, s.grade,
		       s.class_name, s.dorm, s.phone);
		return 0;
	}
	if (!out || optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(format, "csv"))
		return write_csv(out, first, rows, seed);
	if (!strcmp(format, "xlsx"))
		return write_xlsx(out, first, rows, seed);
	fputs(usage, stderr);
	return 2;
}
