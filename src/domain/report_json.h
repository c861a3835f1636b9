/*
 * report_json.h — the JSON shapes of surveillance results, shared by the
 * command line (`jinyun census --json`, `jinyun alerts --json`) and the
 * HTTP API so both say the same thing.  cJSON escapes every string.
 */
#ifndef JY_REPORT_JSON_H
#define JY_REPORT_JSON_H

#include <cjson/cJSON.h>

#include "domain/census.h"
#include "store/surveillance.h"

/* {"date","session","classes":[…],"grades":[…],"school":{…},"not_submitted":[names]} */
cJSON *census_json(const census *c);

/* {"id","rule","rule_id","rule_en","scope","scope_name","code","code_zh","first_date",
 *  "last_date","count","status","report_due_at","people":[student_no…]} */
cJSON *alert_json(store *s, const alert_rec *a, jy_err *err);

#endif
