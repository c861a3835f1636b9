/*
 * report_json.c — see report_json.h.
 */
#include "domain/report_json.h"

#include "domain/codes.h"

static void counts(cJSON *j, const census_counts *c)
{
	cJSON_AddNumberToObject(j, "enrolled", (double)c->enrolled);
	cJSON_AddNumberToObject(j, "expected", (double)c->expected);
	cJSON_AddNumberToObject(j, "present", (double)c->present);
	cJSON_AddNumberToObject(j, "absent_sick", (double)c->absent_sick);
	cJSON_AddNumberToObject(j, "absent_other", (double)c->absent_other);
	cJSON_AddNumberToObject(j, "absent_unknown", (double)c->absent_unknown);
	cJSON_AddNumberToObject(j, "symptomatic", (double)c->symptomatic);
	cJSON_AddNumberToObject(j, "febrile", (double)c->febrile);
	cJSON_AddNumberToObject(j, "classes", (double)c->classes);
	cJSON_AddNumberToObject(j, "submitted", (double)c->submitted);
}

cJSON *census_json(const census *c)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "date", c->date);
	cJSON_AddStringToObject(j, "session", c->session);
	cJSON *classes = cJSON_AddArrayToObject(j, "classes");
	cJSON *missing = cJSON_CreateArray();
	for (size_t i = 0; i < c->nclasses; i++) {
		const census_row *r = &c->classes[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "class", r->class_name);
		cJSON_AddNumberToObject(o, "class_id", (double)r->class_id);
		cJSON_AddStringToObject(o, "grade", r->grade_name);
		cJSON_AddNumberToObject(o, "enrolled", (double)r->enrolled);
		cJSON_AddNumberToObject(o, "expected", (double)r->enrolled);
		if (c->class_expected) /* the return plan decides who is expected */
			cJSON_ReplaceItemInObject(o, "expected", cJSON_CreateNumber((double)c->class_expected[i]));
		cJSON_AddNumberToObject(o, "present", (double)r->present);
		cJSON_AddNumberToObject(o, "absent_sick", (double)r->absent_sick);
		cJSON_AddNumberToObject(o, "absent_other", (double)r->absent_other);
		cJSON_AddNumberToObject(o, "absent_unknown", (double)r->absent_unknown);
		cJSON_AddNumberToObject(o, "symptomatic", (double)r->symptomatic);
		cJSON_AddNumberToObject(o, "febrile", (double)r->febrile);
		cJSON_AddBoolToObject(o, "submitted", r->submitted);
		cJSON_AddNumberToObject(o, "version", r->version);
		cJSON_AddItemToArray(classes, o);
		if (!r->submitted)
			cJSON_AddItemToArray(missing, cJSON_CreateString(r->class_name));
	}
	cJSON *grades = cJSON_AddArrayToObject(j, "grades");
	for (size_t i = 0; i < c->ngrades; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "grade", c->grades[i].name);
		counts(o, &c->grades[i].c);
		cJSON_AddItemToArray(grades, o);
	}
	cJSON *school = cJSON_AddObjectToObject(j, "school");
	counts(school, &c->school);
	cJSON_AddItemToObject(j, "not_submitted", missing);
	return j;
}

static int add_number(void *ctx, int64_t person_id, const char *number, const char *name,
		      const char *class_name, const char *first_date)
{
	(void)person_id;
	(void)name;
	(void)class_name;
	(void)first_date;
	cJSON_AddItemToArray(ctx, cJSON_CreateString(number));
	return 0;
}

cJSON *alert_json(store *s, const alert_rec *a, jy_err *err)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddNumberToObject(j, "id", (double)a->id);
	cJSON_AddStringToObject(j, "rule", a->rule_name_zh);
	cJSON_AddStringToObject(j, "rule_en", a->rule_name_en);
	cJSON_AddNumberToObject(j, "rule_id", (double)a->rule_id);
	cJSON_AddStringToObject(j, "scope", a->scope);
	cJSON_AddStringToObject(j, "scope_name", a->scope_name);
	cJSON_AddStringToObject(j, "code", a->code);
	const code_name *c = codes_symptom(a->code);
	if (!c)
		c = codes_diagnosis(a->code);
	cJSON_AddStringToObject(j, "code_zh", c ? c->zh : a->code);
	cJSON_AddStringToObject(j, "first_date", a->first_date);
	cJSON_AddStringToObject(j, "last_date", a->last_date);
	cJSON_AddNumberToObject(j, "count", a->count);
	cJSON_AddStringToObject(j, "status", a->status);
	cJSON_AddNumberToObject(j, "report_due_at", (double)a->report_due_at);
	cJSON *people = cJSON_AddArrayToObject(j, "people");
	if (store_alert_people(s, a->id, add_number, people, err) != 0) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}
