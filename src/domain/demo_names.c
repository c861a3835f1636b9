/*
 * demo_names.c — Chinese names for the demo school; see demo_names.h.
 *
 * The tables are data: weights are relative frequencies (surnames in units
 * of 0.01 % of the population, roughly the 2019–2020 national household-
 * register ranking, nudged towards Chongqing; given-name characters by a
 * rough popularity rank).  Sampling walks the table once per draw, which is
 * fast enough for tens of thousands of names.
 */
#include "domain/demo_names.h"

#include <stdio.h>

struct weighted {
	const char *s;
	unsigned w;
};

static const struct weighted surnames[] = {
	{ "王", 712 }, { "李", 740 }, { "张", 683 }, { "刘", 538 }, { "陈", 470 }, { "杨", 330 },
	{ "赵", 229 }, { "黄", 223 }, { "周", 230 }, { "吴", 205 }, { "徐", 167 }, { "孙", 154 },
	{ "胡", 131 }, { "朱", 126 }, { "高", 121 }, { "林", 118 }, { "何", 150 }, { "郭", 115 },
	{ "马", 105 }, { "罗", 120 }, { "梁", 84 },  { "宋", 81 },  { "郑", 78 },  { "谢", 80 },
	{ "韩", 68 },  { "唐", 90 },  { "冯", 64 },  { "于", 62 },  { "董", 61 },  { "肖", 70 },
	{ "程", 58 },  { "曹", 57 },  { "袁", 60 },  { "邓", 85 },  { "许", 53 },  { "傅", 51 },
	{ "沈", 50 },  { "曾", 60 },  { "彭", 62 },  { "吕", 47 },  { "苏", 46 },  { "卢", 45 },
	{ "蒋", 55 },  { "蔡", 44 },  { "贾", 43 },  { "丁", 42 },  { "魏", 41 },  { "薛", 40 },
	{ "叶", 39 },  { "阎", 30 },  { "余", 45 },  { "潘", 37 },  { "杜", 38 },  { "戴", 35 },
	{ "夏", 34 },  { "钟", 34 },  { "汪", 33 },  { "田", 36 },  { "任", 34 },  { "姜", 31 },
	{ "范", 31 },  { "方", 31 },  { "石", 30 },  { "姚", 29 },  { "谭", 45 },  { "廖", 32 },
	{ "邹", 28 },  { "熊", 30 },  { "金", 27 },  { "陆", 26 },  { "郝", 25 },  { "孔", 24 },
	{ "白", 24 },  { "崔", 23 },  { "康", 23 },  { "毛", 23 },  { "邱", 22 },  { "秦", 24 },
	{ "江", 22 },  { "史", 21 },  { "顾", 20 },  { "侯", 20 },  { "邵", 20 },  { "孟", 19 },
	{ "龙", 22 },  { "万", 19 },  { "段", 19 },  { "雷", 20 },  { "钱", 18 },  { "汤", 18 },
	{ "尹", 17 },  { "黎", 17 },  { "易", 18 },  { "常", 16 },  { "武", 16 },  { "乔", 15 },
	{ "贺", 15 },  { "赖", 14 },  { "龚", 15 },  { "文", 15 },  { "向", 30 },  { "冉", 22 },
	{ "牟", 12 },  { "付", 18 },  { "况", 6 },   { "母", 6 },   { "幸", 5 },   { "欧阳", 5 },
};

/* Given-name characters; earlier entries are commoner (weight falls with rank). */
static const char *const boy_chars[] = {
	"浩", "宇", "杰", "俊", "涛", "鹏", "轩", "磊", "鑫", "博", "文", "明", "辉", "勇",
	"林", "超", "飞", "龙", "阳", "帅", "凯", "豪", "波", "斌", "峰", "健", "宏", "志",
	"东", "亮", "海", "成", "晨", "子", "家", "天", "思", "嘉", "梓", "睿", "泽", "航",
	"翔", "毅", "彬", "锐", "洋", "川", "江", "坤", "兴", "旭", "瑞", "永", "建", "铭",
	"诚", "栋", "然", "伟", "强", "军", "平", "华", "一", "新", "雨", "科", "鸿", "星",
	"松", "炜", "烨", "昊", "宸", "庆", "渝", "彦", "恒", "骏",
};

static const char *const girl_chars[] = {
	"婷", "欣", "怡", "雪", "玲", "静", "丽", "敏", "佳", "琳", "颖", "倩", "芳", "燕",
	"梦", "雨", "思", "瑶", "悦", "媛", "洁", "琪", "露", "晶", "萍", "月", "妍", "蕾",
	"娜", "慧", "莉", "诗", "涵", "菲", "蓉", "秀", "霞", "艳", "红", "春", "丹", "琴",
	"珊", "雯", "晓", "紫", "可", "馨", "嘉", "心", "语", "萱", "茜", "宁", "璐", "雅",
	"文", "小", "玉", "兰", "梅", "娟", "琼", "渝", "依", "柯",
};

/* Staff (born 1965–1995) more often carry these. */
static const char *const man_chars[] = {
	"伟", "强", "军", "勇", "华", "明", "平", "刚", "斌", "波", "建", "国", "林", "峰",
	"涛", "辉", "杰", "宏", "亮", "鹏", "超", "俊", "文", "志", "红", "兵", "春", "德",
};

static const char *const woman_chars[] = {
	"丽", "芳", "敏", "静", "燕", "红", "霞", "琴", "娟", "梅", "玲", "萍", "艳", "华",
	"英", "秀", "兰", "莉", "婷", "洁", "蓉", "慧", "晶", "雪", "琳", "颖", "丹", "倩",
};

static const char *pick_surname(demo_rng *r)
{
	static const size_t n = sizeof surnames / sizeof surnames[0];
	unsigned total = 0;
	for (size_t i = 0; i < n; i++)
		total += surnames[i].w;
	unsigned x = (unsigned)demo_rng_below(r, total);
	for (size_t i = 0; i < n; i++) {
		if (x < surnames[i].w)
			return surnames[i].s;
		x -= surnames[i].w;
	}
	return surnames[0].s;
}

/* Rank-weighted choice: weight of rank k is 1/(k+8), scaled to integers. */
static const char *pick_char(demo_rng *r, const char *const *pool, size_t n)
{
	unsigned total = 0;
	for (size_t k = 0; k < n; k++)
		total += 100000u / (unsigned)(k + 8);
	unsigned x = (unsigned)demo_rng_below(r, total);
	for (size_t k = 0; k < n; k++) {
		unsigned w = 100000u / (unsigned)(k + 8);
		if (x < w)
			return pool[k];
		x -= w;
	}
	return pool[0];
}

void demo_name(demo_rng *r, char gender, enum demo_generation gen, char *out, size_t size)
{
	const char *const *pool;
	size_t n;
	/* Share of one-character given names: ~12 % of teenagers, ~35 % of adults. */
	unsigned single_pct = gen == DEMO_GEN_STAFF ? 35 : 12;
	int older = gen == DEMO_GEN_STAFF && demo_rng_below(r, 2) == 0;
	if (gender == 'F') {
		pool = older ? woman_chars : girl_chars;
		n = older ? sizeof woman_chars / sizeof *woman_chars
			  : sizeof girl_chars / sizeof *girl_chars;
	} else {
		pool = older ? man_chars : boy_chars;
		n = older ? sizeof man_chars / sizeof *man_chars
			  : sizeof boy_chars / sizeof *boy_chars;
	}
	const char *sur = pick_surname(r);
	const char *a = pick_char(r, pool, n);
	if (demo_rng_below(r, 100) < single_pct) {
		snprintf(out, size, "%s%s", sur, a);
		return;
	}
	const char *b = pick_char(r, pool, n);
	for (int tries = 0; b == a && tries < 8; tries++)
		b = pick_char(r, pool, n);
	snprintf(out, size, "%s%s%s", sur, a, b);
}
