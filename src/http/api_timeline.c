/*
 * api_timeline.c — one person's history (旅行史、接触史、健康史).
 *
 *   GET /api/people/{id}/timeline?from=&to=   {"person":{…},"from","to","items":[…]}
 *
 * from and to are ISO 8601 or integer seconds; the default is the 14 days
 * before now, and the window is at most 92 days.  Only roles that read
 * cases may read it (POL_TIMELINE_READ); a person of another school, or
 * one that does not exist, is 403 either way.  Each read is written to the
 * audit log with the person.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/presence.h"
#include "domain/timeline.h"
#include "http/internal.h"

void api_person_timeline(http_request *req, http_response *res)
{
	int64_t id = http_parse_id(req->params[0]);
	person_rec p;
	if (id <= 0 || store_person_get(req->store, id, &p, NULL) != 0) {
		if (!http_deny(req, res, POL_TIMELINE_READ, req->user->school_id, 0))
			http_error(res, 404, "not_found", NULL, "没有这个人 (no such person)");
		return;
	}
	if (http_deny(req, res, POL_TIMELINE_READ, p.school_id, p.class_id))
		return;
	int64_t to = (int64_t)time(NULL), from;
	const char *a = http_arg(req, "from"), *b = http_arg(req, "to");
	if (b && presence_parse_time(b, &to)) {
		http_error(res, 400, "invalid", "to", "to 应为 ISO 8601 时间或整数秒 (to must be ISO 8601 or seconds)");
		return;
	}
	from = to - 14 * 86400;
	if (a && presence_parse_time(a, &from)) {
		http_error(res, 400, "invalid", "from", "from 应为 ISO 8601 时间或整数秒 (from must be ISO 8601 or seconds)");
		return;
	}
	if (from >= to || to - from > 92 * 86400) {
		http_error(res, 400, "invalid", "to", "时间窗口应为 0–92 天 (the window must be 0-92 days)");
		return;
	}
	cJSON *items = NULL;
	jy_err err;
	err_clear(&err);
	if (timeline_person(req->store, p.id, from, to, &items, &err)) {
		http_error_from(res, &err);
		return;
	}
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)p.id);
	http_audit(req, "read", "timeline", ids, p.id, NULL);
	cJSON *j = cJSON_CreateObject();
	cJSON *o = cJSON_AddObjectToObject(j, "person");
	cJSON_AddNumberToObject(o, "id", (double)p.id);
	cJSON_AddStringToObject(o, "number", p.number);
	cJSON_AddStringToObject(o, "name", p.name);
	cJSON_AddStringToObject(o, "kind", p.kind);
	cJSON_AddStringToObject(o, "class", p.class_name);
	cJSON_AddStringToObject(o, "dorm", p.dorm_name);
	cJSON_AddNumberToObject(j, "from", (double)from);
	cJSON_AddNumberToObject(j, "to", (double)to);
	cJSON_AddItemToObject(j, "items", items);
	http_json(res, 200, j);
}
