/*
 * places.c — see places.h.
 */
#include "domain/places.h"

#include <string.h>

static const struct {
	const char *kind, *zh;
} kinds[] = {
	{ "gate", "校门" }, { "classroom", "教室" }, { "lab", "实训室" }, { "canteen", "食堂" },
	{ "canteen_zone", "食堂分区" }, { "dorm_building", "宿舍楼" }, { "dorm_room", "宿舍" },
	{ "clinic", "医务室" }, { "isolation_room", "隔离室" }, { "observation_room", "留观室" },
	{ "playground", "操场" }, { "hall", "礼堂" }, { "office", "办公室" }, { "other", "其他" },
};

int places_kind_valid(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kind, kinds[i].kind))
			return 1;
	return 0;
}

const char *places_kind_zh(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kind, kinds[i].kind))
			return kinds[i].zh;
	return kind;
}

int places_save(store *s, place_rec *p, const char *parent_name, int64_t *id, jy_err *err)
{
	if (!p->name[0])
		return err_at(err, JY_EINVAL, NULL, 0, "name", "名称不能为空 (name is required)");
	if (!places_kind_valid(p->kind))
		return err_at(err, JY_EINVAL, NULL, 0, "kind",
			      "未知场所类型 unknown kind '%s' (gate classroom lab canteen canteen_zone "
			      "dorm_building dorm_room clinic isolation_room observation_room playground "
			      "hall office other)", p->kind);
	if (p->capacity < -1 || p->capacity > 1000000)
		return err_at(err, JY_EINVAL, NULL, 0, "capacity", "容量应为 0–1000000 (capacity must be 0–1000000)");
	if (p->area_m2 != -1 && (p->area_m2 < 0 || p->area_m2 > 1e7))
		return err_at(err, JY_EINVAL, NULL, 0, "area_m2", "面积应为非负数 (area must be non-negative)");
	if (p->gender[0] && strcmp(p->gender, "M") && strcmp(p->gender, "F"))
		return err_at(err, JY_EINVAL, NULL, 0, "gender", "性别应为 M 或 F (gender must be M or F)");
	if (parent_name) {
		if (!*parent_name) {
			p->parent_id = 0;
		} else {
			place_rec parent;
			if (store_place_find(s, p->school_id, parent_name, &parent, NULL) != 0)
				return err_at(err, JY_EINVAL, NULL, 0, "parent", "没有这个上级场所 (no such parent place): %s", parent_name);
			if (parent.id == p->id)
				return err_at(err, JY_EINVAL, NULL, 0, "parent", "场所不能是自己的上级 (a place cannot be its own parent)");
			p->parent_id = parent.id;
		}
	}
	return store_place_upsert(s, p, id, err);
}
