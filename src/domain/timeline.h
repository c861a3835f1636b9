/*
 * timeline.h — one person's history in time order (旅行史、接触史、健康史):
 * where they were (presence), whom they met (contact records, and being
 * traced as a contact of a case), their checks, absences, symptoms and
 * health events, cases, isolation stays and follow-ups.  Travel
 * declarations are not included: the return-to-school tables are not part
 * of the committed schema this was written against.
 *
 * The shape is JSON because the API and the command line say the same
 * thing (as report_json.h does).
 */
#ifndef JY_TIMELINE_H
#define JY_TIMELINE_H

#include <cjson/cJSON.h>

#include "store/cases.h"

/*
 * The items of person_id in [from, to) as a JSON array, each
 * {"at","end"?,"kind",…} sorted by "at" (kinds: presence contact
 * traced_contact check absence health_event case isolation followup).
 * *out is owned by the caller.  Errors: the store's, JY_ENOMEM.
 */
int timeline_person(store *s, int64_t person_id, int64_t from, int64_t to, cJSON **out,
		    jy_err *err);

#endif
