/*
 * trace_io.h — reading the contact-tracing engine's inputs from files.
 *
 * Two formats: SocioPatterns contact records (`t i j …`, whitespace
 * separated, no header, extra columns ignored) and a presence CSV with the
 * header `person,place,start,end` (integer seconds, any column order, extra
 * columns ignored).  Ids are strings, kept byte for byte as they appear in
 * the file; each distinct one gets a dense integer id in a trace_names.
 * trace_input_sort_persons() renumbers the persons in byte order of their
 * names, which makes the engine's numeric order (ties, sorting) the byte
 * order the `trace` command promises.
 *
 * The readers stream over the file (mmap) with their own parser instead of
 * the shared csv_read_file(): that one builds a table of every cell, which
 * for tens of millions of rows costs several times the memory of the data.
 * They read UTF-8 (a BOM is skipped) and do not convert GB18030: a byte is a
 * byte.  Errors name FILE:ROW:COLUMN (row 1 is the first line; columns are
 * "t", "i", "j" for records and the header's names for presence), Chinese
 * first then English, and return JY_EINVAL (bad data), JY_EIO (cannot read)
 * or JY_ENOMEM.  After an error the input holds what was read before it.
 */
#ifndef JY_TRACE_IO_H
#define JY_TRACE_IO_H

#include <stddef.h>
#include <stdint.h>

#include "engine/trace.h"
#include "util/err.h"

/* A set of names with dense ids 0..count-1 in the order first seen. */
typedef struct trace_names trace_names;

trace_names *trace_names_new(void);
void trace_names_free(trace_names *n);
size_t trace_names_count(const trace_names *n);
/* The id of a name, adding it when new.  0 or JY_ENOMEM / JY_ETOOBIG. */
int trace_names_intern(trace_names *n, const char *s, size_t len, uint32_t *id);
/* The id of a name: 0, or JY_ENOENT when it is not in the set. */
int trace_names_find(const trace_names *n, const char *s, size_t len, uint32_t *id);
/* The name of an id (NUL-terminated; *len without the NUL when len != NULL).
 * Valid until the set changes. */
const char *trace_names_get(const trace_names *n, uint32_t id, size_t *len);

/* What the readers produce: the engine's arrays and the names behind ids. */
typedef struct trace_input {
	trace_names *persons;
	trace_names *places;
	trace_presence *pres;
	size_t npres, pres_cap;
	trace_record *recs;
	size_t nrecs, recs_cap;
} trace_input;

/* Prepare an empty input: 0 or JY_ENOMEM.  trace_input_clear frees it
 * (and accepts one that failed to initialise). */
int trace_input_init(trace_input *in);
void trace_input_clear(trace_input *in);

/* Append the records of a SocioPatterns contact file. */
int trace_read_contacts(const char *path, trace_input *in, jy_err *err);
/* Append the intervals of a presence CSV. */
int trace_read_presence(const char *path, trace_input *in, jy_err *err);

/* The same from memory; name is used in error messages only. */
int trace_parse_contacts(const char *name, const char *data, size_t len,
			 trace_input *in, jy_err *err);
int trace_parse_presence(const char *name, const char *data, size_t len,
			 trace_input *in, jy_err *err);

/* Renumber persons in byte order of their names (shorter prefix first),
 * rewriting the ids in pres and recs.  0 or JY_ENOMEM. */
int trace_input_sort_persons(trace_input *in, jy_err *err);

#endif
