/*
 * presence_import.h — putting what cannot be derived into the database:
 * ad-hoc presence (an assembly, a bus trip: people at a place for a time),
 * entered through the API or imported from a CSV, and direct contact
 * records from proximity sensors in the SocioPatterns format.
 *
 * Imports are all or nothing: every bad cell is reported as
 * FILE:ROW:COLUMN in an error list and nothing is written.
 */
#ifndef JY_PRESENCE_IMPORT_H
#define JY_PRESENCE_IMPORT_H

#include "store/cases.h"
#include "util/table.h"

#define PRESENCE_MAX_SPAN (7 * 86400)    /* one ad-hoc interval at most a week */
#define CONTACT_MAX_RESOLUTION 86400

/*
 * Record that people (ids of the school) were at place_id during
 * [start, end), as one gathering named event ("" allowed).  source: api or
 * import.  All or nothing; JY_EINVAL names the field (people[i] for a
 * person).
 */
int presence_add(store *s, int64_t school_id, int64_t place_id, int64_t start, int64_t end,
		 const int64_t *people, size_t n, const char *event, const char *source,
		 int64_t user_id, jy_err *err);

/*
 * Import a table with the header person_no,place,start,end (any order,
 * extra columns ignored; an optional event column names the gathering).
 * place is a place's name in the school; times are ISO 8601 or integer
 * seconds (presence_parse_time).  On bad data returns JY_EINVAL with every
 * problem in errors, and writes nothing.  *rows receives the rows written.
 */
int presence_import(store *s, int64_t school_id, const table *t, const char *file, size_t *rows,
		    jy_errlist *errors, jy_err *err);

/*
 * Import a SocioPatterns contact file: lines `t i j …` (blank separated,
 * extra columns ignored, blank lines skipped); i and j are person numbers
 * of the school; each record means contact during [t, t + resolution).
 * Self pairs are skipped.  All or nothing, as above.  *records receives
 * the records written.
 */
int contacts_import(store *s, int64_t school_id, const char *path, int64_t resolution,
		    size_t *records, jy_errlist *errors, jy_err *err);

#endif
