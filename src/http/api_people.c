/*
 * api_people.c — the roster over HTTP.
 *
 *   GET   /api/people?class_id=&grade_id=&dorm_id=&kind=&q=&key_group=&after=&limit=&total=1
 *   GET   /api/people/{id}
 *   POST  /api/people             {"number","name","gender","kind","class","dorm",
 *                                  "guardian_phone","phone","position","key_groups":[…]}
 *   PUT|PATCH /api/people/{id}    the same fields; those given are changed
 *
 * Paging is by keyset: `after` is the last id of the previous page and the
 * answer's `next_after` the value for the next one (null at the end).
 * Every person returned or changed is written to the audit log.  A person
 * the caller may not see answers 403 whether or not the id exists, unless
 * the caller may see the whole school (then a missing id is 404).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/people.h"
#include "http/internal.h"

static cJSON *person_json(const person_rec *p)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)p->id);
	cJSON_AddStringToObject(j, "kind", p->kind);
	cJSON_AddStringToObject(j, "number", p->number);
	cJSON_AddStringToObject(j, "name", p->name);
	cJSON_AddStringToObject(j, "gender", p->gender);
	if (p->class_id) {
		cJSON_AddNumberToObject(j, "class_id", (double)p->class_id);
		cJSON_AddStringToObject(j, "class", p->class_name);
		cJSON_AddStringToObject(j, "grade", p->grade_name);
	} else {
		cJSON_AddNullToObject(j, "class_id");
		cJSON_AddNullToObject(j, "class");
		cJSON_AddNullToObject(j, "grade");
	}
	if (p->dorm_id) {
		cJSON_AddNumberToObject(j, "dorm_id", (double)p->dorm_id);
		cJSON_AddStringToObject(j, "dorm", p->dorm_name);
	} else {
		cJSON_AddNullToObject(j, "dorm_id");
		cJSON_AddNullToObject(j, "dorm");
	}
	cJSON_AddStringToObject(j, "guardian_phone", p->guardian_phone);
	cJSON_AddStringToObject(j, "phone", p->phone);
	cJSON_AddStringToObject(j, "position", p->position);
	cJSON *groups = cJSON_AddArrayToObject(j, "key_groups");
	char buf[sizeof p->flags];
	snprintf(buf, sizeof buf, "%s", p->flags);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(groups, cJSON_CreateString(t));
	cJSON_AddBoolToObject(j, "active", p->active);
	cJSON_AddNumberToObject(j, "updated_at", (double)p->updated_at);
	return j;
}

/* Parse an optional id argument; answers 400 and returns -1 when malformed. */
static int64_t id_arg(http_request *req, http_response *res, const char *name)
{
	const char *v = http_arg(req, name);
	if (!v || !*v)
		return 0;
	int64_t id = http_parse_id(v);
	if (id < 0)
		http_error(res, 400, "invalid", name, "%s 应为正整数 (%s must be a positive integer)", name, name);
	return id;
}

/* The school a request is about: ?school_id= or the user's own. */
static int64_t school_of(http_request *req, http_response *res)
{
	int64_t sid = id_arg(req, res, "school_id");
	if (sid < 0)
		return -1;
	return sid ? sid : req->user->school_id;
}

typedef struct list_ctx {
	cJSON *items;
	int64_t last_id;
	int64_t count;
	int64_t ids[1000];
} list_ctx;

static int add_person(void *vctx, const person_rec *p)
{
	list_ctx *x = vctx;
	cJSON_AddItemToArray(x->items, person_json(p));
	x->ids[x->count++] = p->id;
	x->last_id = p->id;
	return 0;
}

void api_people_list(http_request *req, http_response *res)
{
	person_filter f;
	memset(&f, 0, sizeof f);
	f.school_id = school_of(req, res);
	f.class_id = id_arg(req, res, "class_id");
	f.grade_id = id_arg(req, res, "grade_id");
	f.dorm_id = id_arg(req, res, "dorm_id");
	f.after_id = id_arg(req, res, "after");
	int64_t limit = id_arg(req, res, "limit");
	if (res->status)
		return;
	f.limit = limit ? limit : 50;
	if (f.limit > 1000) {
		http_error(res, 400, "invalid", "limit", "limit 最大 1000 (limit is at most 1000)");
		return;
	}
	f.kind = http_arg(req, "kind");
	if (f.kind && strcmp(f.kind, "student") && strcmp(f.kind, "staff")) {
		http_error(res, 400, "invalid", "kind", "kind 应为 student 或 staff");
		return;
	}
	f.q = http_arg(req, "q");
	if (f.q && strlen(f.q) > 100) {
		http_error(res, 400, "invalid", "q", "搜索词过长 (q is too long)");
		return;
	}
	f.flag = http_arg(req, "key_group");
	if (f.flag && (strlen(f.flag) > 40 || strchr(f.flag, '%') || strchr(f.flag, '_') == f.flag)) {
		http_error(res, 400, "invalid", "key_group", "未知重点群体 (unknown key group)");
		return;
	}
	/* A class filter must name a class of that school. */
	if (f.class_id) {
		class_rec c;
		if (store_class_get(req->store, f.class_id, &c, NULL) != 0 || c.school_id != f.school_id) {
			if (!http_deny(req, res, POL_PEOPLE_LIST, f.school_id, 0))
				http_error(res, 404, "not_found", "class_id", "没有这个班级 (no such class)");
			return;
		}
	}
	if (http_deny(req, res, POL_PEOPLE_LIST, f.school_id, f.class_id))
		return;

	list_ctx *x = calloc(1, sizeof *x);
	if (!x) {
		http_error(res, 500, "no_memory", NULL, "out of memory");
		return;
	}
	x->items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	int rc = store_person_list(req->store, &f, add_person, x, &err);
	int64_t total = -1;
	const char *want_total = http_arg(req, "total");
	if (!rc && want_total && !strcmp(want_total, "1"))
		rc = store_person_count(req->store, &f, &total, &err);
	if (rc) {
		cJSON_Delete(x->items);
		free(x);
		http_error_from(res, &err);
		return;
	}
	/* Who read which person: one audit row each, in one transaction. */
	if (store_begin(req->store, NULL) == 0) {
		char id[24];
		for (int64_t i = 0; i < x->count; i++) {
			snprintf(id, sizeof id, "%lld", (long long)x->ids[i]);
			http_audit(req, "read", "person", id, x->ids[i], "list");
		}
		store_commit(req->store, NULL);
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", x->items);
	if (x->count == f.limit)
		cJSON_AddNumberToObject(j, "next_after", (double)x->last_id);
	else
		cJSON_AddNullToObject(j, "next_after");
	if (total >= 0)
		cJSON_AddNumberToObject(j, "total", (double)total);
	free(x);
	http_json(res, 200, j);
}

/* Load person {id} and check the caller may act on it; answers and
 * returns non-zero when not. */
static int load_person(http_request *req, http_response *res, policy_action act, person_rec *p)
{
	int64_t id = http_parse_id(req->params[0]);
	jy_err err;
	err_clear(&err);
	int rc = id > 0 ? store_person_get(req->store, id, p, &err) : JY_ENOENT;
	if (rc == JY_ENOENT) {
		/* Only someone who may see the whole school learns that it is absent. */
		if (!http_deny(req, res, act, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL, "没有这个人 (no such person)");
		return 1;
	}
	if (rc) {
		http_error_from(res, &err);
		return 1;
	}
	return http_deny(req, res, act, p->school_id, p->class_id);
}

void api_person_get(http_request *req, http_response *res)
{
	person_rec p;
	if (load_person(req, res, POL_PERSON_READ, &p))
		return;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)p.id);
	http_audit(req, "read", "person", id, p.id, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "person", person_json(&p));
	http_json(res, 200, j);
}

/* Copy the JSON fields given into p; returns non-zero (and answered 400)
 * on a wrong type.  class/dorm names go to *class_name / *dorm_name. */
static int apply_fields(const cJSON *b, person_rec *p, const char **class_name,
			const char **dorm_name, http_response *res)
{
	int bad = 0;
	static const struct {
		const char *name;
		size_t off, size;
	} text[] = {
		{ "number", offsetof(person_rec, number), sizeof(((person_rec *)0)->number) },
		{ "name", offsetof(person_rec, name), sizeof(((person_rec *)0)->name) },
		{ "kind", offsetof(person_rec, kind), sizeof(((person_rec *)0)->kind) },
		{ "guardian_phone", offsetof(person_rec, guardian_phone), sizeof(((person_rec *)0)->guardian_phone) },
		{ "phone", offsetof(person_rec, phone), sizeof(((person_rec *)0)->phone) },
		{ "position", offsetof(person_rec, position), sizeof(((person_rec *)0)->position) },
		{ "card_no", offsetof(person_rec, card_no), sizeof(((person_rec *)0)->card_no) },
	};
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
		const char *v = http_field_str(b, text[i].name, res, &bad);
		if (bad)
			return 1;
		if (!v)
			continue;
		if (strlen(v) >= text[i].size) {
			http_error(res, 400, "invalid", text[i].name, "%s 过长 (%s is too long)",
				   text[i].name, text[i].name);
			return 1;
		}
		snprintf((char *)p + text[i].off, text[i].size, "%s", v);
	}
	const char *g = http_field_str(b, "gender", res, &bad);
	if (bad)
		return 1;
	if (g && people_parse_gender(g, p->gender) != 0) {
		http_error(res, 400, "invalid", "gender", "性别应为 男/女 或 M/F (gender must be M or F)");
		return 1;
	}
	*class_name = http_field_str(b, "class", res, &bad);
	*dorm_name = http_field_str(b, "dorm", res, &bad);
	if (bad)
		return 1;
	int64_t cid;
	int have = http_field_int(b, "class_id", &cid, res, &bad);
	if (bad)
		return 1;
	if (have == 1) {
		p->class_id = cid;
		*class_name = NULL;
	}
	const cJSON *active = cJSON_GetObjectItemCaseSensitive(b, "active");
	if (active) {
		if (!cJSON_IsBool(active)) {
			http_error(res, 400, "invalid", "active", "active 应为 true/false (active must be a boolean)");
			return 1;
		}
		p->active = cJSON_IsTrue(active);
	}
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(b, "key_groups");
	if (groups && !cJSON_IsNull(groups)) {
		char joined[512] = "";
		if (!cJSON_IsArray(groups)) {
			http_error(res, 400, "invalid", "key_groups", "key_groups 应为字符串数组 (must be an array of strings)");
			return 1;
		}
		const cJSON *it;
		cJSON_ArrayForEach(it, groups) {
			if (!cJSON_IsString(it) || strlen(it->valuestring) > 60) {
				http_error(res, 400, "invalid", "key_groups", "key_groups 应为字符串数组 (must be an array of strings)");
				return 1;
			}
			size_t n = strlen(joined);
			snprintf(joined + n, sizeof joined - n, "%s%s", n ? ";" : "", it->valuestring);
		}
		char bad_group[96];
		if (people_parse_groups(joined, p->flags, sizeof p->flags, bad_group, sizeof bad_group)) {
			http_error(res, 400, "invalid", "key_groups", "未知重点群体 (unknown key group): %s", bad_group);
			return 1;
		}
	}
	return 0;
}

static void save_and_answer(http_request *req, http_response *res, person_rec *p,
			    const char *class_name, const char *dorm_name, int created)
{
	/* May the caller put the person where they asked? */
	int64_t target_class = p->class_id;
	if (class_name && *class_name)
		store_class_find(req->store, p->school_id, class_name, &target_class, NULL);
	if (http_deny(req, res, POL_PERSON_WRITE, p->school_id, target_class))
		return;
	jy_err err;
	err_clear(&err);
	int64_t id = 0;
	int outcome = 0;
	int rc = people_save(req->store, p, class_name, dorm_name, &id, &outcome, &err);
	if (rc == JY_ECONFLICT)
		err_at(&err, rc, NULL, 0, "number", "学号/工号已存在 (number already exists)");
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	person_rec saved;
	if (store_person_get(req->store, id, &saved, &err) != 0) {
		http_error_from(res, &err);
		return;
	}
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	http_audit(req, created ? "create" : "update", "person", ids, id,
		   outcome == STORE_UNCHANGED ? "unchanged" : NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "person", person_json(&saved));
	http_json(res, created ? 201 : 200, j);
}

void api_person_create(http_request *req, http_response *res)
{
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	person_rec p;
	memset(&p, 0, sizeof p);
	p.school_id = req->user->school_id;
	strcpy(p.kind, "student");
	p.active = 1;
	const char *class_name = NULL, *dorm_name = NULL;
	if (!apply_fields(b, &p, &class_name, &dorm_name, res)) {
		person_rec existing;
		if (!p.number[0])
			http_error(res, 400, "invalid", "number", "学号/工号不能为空 (number is required)");
		else if (store_person_find(req->store, p.school_id, p.number, &existing, NULL) == 0)
			http_error(res, 409, "conflict", "number", "学号/工号已存在 (number already exists)");
		else
			save_and_answer(req, res, &p, class_name, dorm_name, 1);
	}
	cJSON_Delete(b);
}

void api_person_update(http_request *req, http_response *res)
{
	person_rec p;
	if (load_person(req, res, POL_PERSON_WRITE, &p))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	char old_number[sizeof p.number];
	snprintf(old_number, sizeof old_number, "%s", p.number);
	const char *class_name = NULL, *dorm_name = NULL;
	if (!apply_fields(b, &p, &class_name, &dorm_name, res)) {
		if (strcmp(old_number, p.number))
			http_error(res, 400, "invalid", "number", "学号/工号不能修改 (number cannot be changed)");
		else
			save_and_answer(req, res, &p, class_name, dorm_name, 0);
	}
	cJSON_Delete(b);
}
