/*
 * people.c — see people.h.
 */
#include "domain/people.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *code, *zh;
} key_groups[] = {
	{ "chronic_illness", "慢性病" }, { "disability", "残疾" },
	{ "frontline_child", "抗疫一线人员子女" }, { "hardship", "家庭困难" },
	{ "left_behind", "留守儿童" },
};

int people_parse_gender(const char *v, char out[2])
{
	static const char *const male[] = { "男", "M", "m", "male", "Male", "MALE", "男性" };
	static const char *const female[] = { "女", "F", "f", "female", "Female", "FEMALE", "女性" };
	for (size_t i = 0; i < sizeof male / sizeof male[0]; i++)
		if (!strcmp(v, male[i])) {
			strcpy(out, "M");
			return 0;
		}
	for (size_t i = 0; i < sizeof female / sizeof female[0]; i++)
		if (!strcmp(v, female[i])) {
			strcpy(out, "F");
			return 0;
		}
	return -1;
}

int people_valid_phone(const char *v)
{
	int digits = 0;
	for (const char *p = v; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!(*p == '+' && p == v) && *p != '-' && *p != ' ')
			return 0;
	}
	return digits >= 7 && digits <= 15;
}

int people_valid_number(const char *v)
{
	if (!*v || strlen(v) >= sizeof(((person_rec *)0)->number))
		return 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == ',' || *p == '"' || *p == 0x7f)
			return 0;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int people_parse_groups(const char *v, char *out, size_t size, char *bad, size_t badsize)
{
	const char *found[sizeof key_groups / sizeof key_groups[0]];
	size_t n = 0;
	out[0] = 0;
	char buf[512];
	snprintf(buf, sizeof buf, "%s", v);
	for (char *p = buf; *p; p++)
		if (*p == ';' || *p == ',')
			*p = ' ';
	char *save = NULL;
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		const char *code = NULL;
		for (size_t i = 0; i < sizeof key_groups / sizeof key_groups[0]; i++)
			if (!strcmp(tok, key_groups[i].code) || !strcmp(tok, key_groups[i].zh))
				code = key_groups[i].code;
		if (!code) {
			snprintf(bad, badsize, "%s", tok);
			return -1;
		}
		int dup = 0;
		for (size_t i = 0; i < n; i++)
			dup |= !strcmp(found[i], code);
		if (!dup)
			found[n++] = code;
	}
	qsort(found, n, sizeof found[0], cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s", i ? "," : "", found[i]);
	}
	return 0;
}

const char *people_group_zh(const char *code)
{
	for (size_t i = 0; i < sizeof key_groups / sizeof key_groups[0]; i++)
		if (!strcmp(code, key_groups[i].code))
			return key_groups[i].zh;
	return code;
}

#define FIELD_ERR(field, ...) err_at(err, JY_EINVAL, NULL, 0, field, __VA_ARGS__)

int people_save(store *s, person_rec *p, const char *class_name, const char *dorm_name,
		int64_t *id, int *outcome, jy_err *err)
{
	if (!people_valid_number(p->number))
		return FIELD_ERR("number", "学号/工号无效：不能为空、含空白或逗号 (number must be non-empty, without spaces or commas)");
	if (!p->name[0])
		return FIELD_ERR("name", "姓名不能为空 (name is required)");
	if (strcmp(p->gender, "M") && strcmp(p->gender, "F"))
		return FIELD_ERR("gender", "性别应为 男/女 或 M/F (gender must be M or F)");
	if (strcmp(p->kind, "student") && strcmp(p->kind, "staff"))
		return FIELD_ERR("kind", "类型应为 student 或 staff (kind must be student or staff)");
	if (p->guardian_phone[0] && !people_valid_phone(p->guardian_phone))
		return FIELD_ERR("guardian_phone", "电话号码无效，应为 7–15 位数字 (phone must have 7–15 digits)");
	if (p->phone[0] && !people_valid_phone(p->phone))
		return FIELD_ERR("phone", "电话号码无效，应为 7–15 位数字 (phone must have 7–15 digits)");
	if (class_name) {
		if (!*class_name) {
			p->class_id = 0;
		} else if (store_class_find(s, p->school_id, class_name, &p->class_id, NULL) != 0) {
			return FIELD_ERR("class", "没有这个班级 (no such class): %s", class_name);
		}
	}
	if (!strcmp(p->kind, "student") && !p->class_id)
		return FIELD_ERR("class", "学生必须有班级 (a student needs a class)");
	if (dorm_name) {
		place_rec d;
		if (!*dorm_name) {
			p->dorm_id = 0;
		} else if (store_place_find(s, p->school_id, dorm_name, &d, NULL) != 0 ||
			   strcmp(d.kind, "dorm_room")) {
			return FIELD_ERR("dorm", "没有这个宿舍 (no such dorm room): %s", dorm_name);
		} else if (d.gender[0] && strcmp(d.gender, p->gender)) {
			return FIELD_ERR("dorm", "宿舍性别不符 (the dorm room is for the other gender): %s", dorm_name);
		} else {
			p->dorm_id = d.id;
		}
	}
	return store_person_upsert(s, p, id, outcome, err);
}
