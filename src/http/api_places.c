/*
 * api_places.c — places over HTTP.
 *
 *   GET  /api/places?kind=            every place of the school (optionally one kind)
 *   GET  /api/places/{id}
 *   POST /api/places                  {"name","kind","capacity","area_m2","floor",
 *                                      "building","parent","gender"}
 *   PUT|PATCH /api/places/{id}        the same fields; those given are changed
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/places.h"
#include "http/internal.h"

static cJSON *place_json(const place_rec *p)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)p->id);
	cJSON_AddStringToObject(j, "kind", p->kind);
	cJSON_AddStringToObject(j, "kind_zh", places_kind_zh(p->kind));
	cJSON_AddStringToObject(j, "name", p->name);
	cJSON_AddStringToObject(j, "building", p->building);
	if (p->floor != -1000)
		cJSON_AddNumberToObject(j, "floor", p->floor);
	else
		cJSON_AddNullToObject(j, "floor");
	if (p->capacity >= 0)
		cJSON_AddNumberToObject(j, "capacity", (double)p->capacity);
	else
		cJSON_AddNullToObject(j, "capacity");
	if (p->area_m2 >= 0)
		cJSON_AddNumberToObject(j, "area_m2", p->area_m2);
	else
		cJSON_AddNullToObject(j, "area_m2");
	if (p->parent_id) {
		cJSON_AddNumberToObject(j, "parent_id", (double)p->parent_id);
		cJSON_AddStringToObject(j, "parent", p->parent_name);
	} else {
		cJSON_AddNullToObject(j, "parent_id");
		cJSON_AddNullToObject(j, "parent");
	}
	if (p->gender[0])
		cJSON_AddStringToObject(j, "gender", p->gender);
	else
		cJSON_AddNullToObject(j, "gender");
	if (!strcmp(p->kind, "dorm_room"))
		cJSON_AddNumberToObject(j, "occupants", (double)p->occupants);
	return j;
}

static int add_place(void *ctx, const place_rec *p)
{
	cJSON_AddItemToArray(ctx, place_json(p));
	return 0;
}

void api_places_list(http_request *req, http_response *res)
{
	const char *kind = http_arg(req, "kind");
	if (kind && *kind && !places_kind_valid(kind)) {
		http_error(res, 400, "invalid", "kind", "未知场所类型 (unknown kind): %.40s", kind);
		return;
	}
	int64_t school = req->user->school_id;
	const char *sid = http_arg(req, "school_id");
	if (sid && (school = http_parse_id(sid)) < 0) {
		http_error(res, 400, "invalid", "school_id", "school_id 应为正整数");
		return;
	}
	if (http_deny(req, res, POL_PLACE_READ, school, 0))
		return;
	cJSON *items = cJSON_CreateArray();
	jy_err err;
	err_clear(&err);
	if (store_place_list(req->store, school, kind, add_place, items, &err) != 0) {
		cJSON_Delete(items);
		http_error_from(res, &err);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}

static int load_place(http_request *req, http_response *res, policy_action act, place_rec *p)
{
	int64_t id = http_parse_id(req->params[0]);
	jy_err err;
	err_clear(&err);
	int rc = id > 0 ? store_place_get(req->store, id, p, &err) : JY_ENOENT;
	if (rc == JY_ENOENT) {
		if (!http_deny(req, res, act, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL, "没有这个场所 (no such place)");
		return 1;
	}
	if (rc) {
		http_error_from(res, &err);
		return 1;
	}
	return http_deny(req, res, act, p->school_id, 0);
}

void api_place_get(http_request *req, http_response *res)
{
	place_rec p;
	if (load_place(req, res, POL_PLACE_READ, &p))
		return;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "place", place_json(&p));
	http_json(res, 200, j);
}

/* Copy the JSON fields given into p; non-zero (answered 400) on bad types. */
static int apply_fields(const cJSON *b, place_rec *p, const char **parent, http_response *res)
{
	int bad = 0;
	const char *name = http_field_str(b, "name", res, &bad);
	const char *kind = http_field_str(b, "kind", res, &bad);
	const char *building = http_field_str(b, "building", res, &bad);
	const char *gender = http_field_str(b, "gender", res, &bad);
	*parent = http_field_str(b, "parent", res, &bad);
	if (bad)
		return 1;
	if ((name && strlen(name) >= sizeof p->name) || (kind && strlen(kind) >= sizeof p->kind) ||
	    (building && strlen(building) >= sizeof p->building) || (gender && strlen(gender) > 1)) {
		http_error(res, 400, "invalid", name && strlen(name) >= sizeof p->name ? "name" :
						building && strlen(building) >= sizeof p->building ? "building" :
						gender && strlen(gender) > 1 ? "gender" : "kind",
			   "字段过长 (field too long)");
		return 1;
	}
	if (name)
		snprintf(p->name, sizeof p->name, "%s", name);
	if (kind)
		snprintf(p->kind, sizeof p->kind, "%s", kind);
	if (building)
		snprintf(p->building, sizeof p->building, "%s", building);
	if (gender)
		snprintf(p->gender, sizeof p->gender, "%s", gender);
	int64_t v;
	if (http_field_int(b, "capacity", &v, res, &bad) == 1)
		p->capacity = v < 0 ? -2 : v;
	if (http_field_int(b, "floor", &v, res, &bad) == 1)
		p->floor = (v < -10 || v > 200) ? -1000 : (int)v;
	if (bad)
		return 1;
	const cJSON *area = cJSON_GetObjectItemCaseSensitive(b, "area_m2");
	if (area && !cJSON_IsNull(area)) {
		if (!cJSON_IsNumber(area) || area->valuedouble < 0) {
			http_error(res, 400, "invalid", "area_m2", "area_m2 应为非负数 (must be a non-negative number)");
			return 1;
		}
		p->area_m2 = area->valuedouble;
	}
	return 0;
}

static void save_and_answer(http_request *req, http_response *res, place_rec *p,
			    const char *parent, int created)
{
	jy_err err;
	err_clear(&err);
	int64_t id = 0;
	int rc = places_save(req->store, p, parent, &id, &err);
	if (rc) {
		http_error_from(res, &err);
		return;
	}
	place_rec saved;
	if (store_place_get(req->store, id, &saved, &err) != 0) {
		http_error_from(res, &err);
		return;
	}
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	http_audit(req, created ? "create" : "update", "place", ids, 0, saved.name);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddItemToObject(j, "place", place_json(&saved));
	http_json(res, created ? 201 : 200, j);
}

void api_place_create(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_PLACE_WRITE, req->user->school_id, 0))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	place_rec p;
	memset(&p, 0, sizeof p);
	p.school_id = req->user->school_id;
	p.floor = -1000;
	p.capacity = -1;
	p.area_m2 = -1;
	const char *parent = NULL;
	if (!apply_fields(b, &p, &parent, res)) {
		place_rec existing;
		if (p.name[0] && store_place_find(req->store, p.school_id, p.name, &existing, NULL) == 0)
			http_error(res, 409, "conflict", "name", "名称已存在 (a place with this name exists)");
		else
			save_and_answer(req, res, &p, parent, 1);
	}
	cJSON_Delete(b);
}

void api_place_update(http_request *req, http_response *res)
{
	place_rec p;
	if (load_place(req, res, POL_PLACE_WRITE, &p))
		return;
	cJSON *b = http_json_body(req, res);
	if (!b)
		return;
	char old_name[sizeof p.name];
	snprintf(old_name, sizeof old_name, "%s", p.name);
	const char *parent = NULL;
	if (!apply_fields(b, &p, &parent, res)) {
		if (strcmp(old_name, p.name))
			http_error(res, 400, "invalid", "name", "名称不能修改 (a place's name cannot be changed)");
		else
			save_and_answer(req, res, &p, parent, 0);
	}
	cJSON_Delete(b);
}
