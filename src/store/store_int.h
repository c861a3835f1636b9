/*
 * store_int.h — what the files of src/store share and nobody else sees.
 */
#ifndef JY_STORE_INT_H
#define JY_STORE_INT_H

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/store.h"
#include "util/str.h"

typedef struct gate_cache gate_cache;

struct store {
	db *db;
	char *url;          /* as opened (store_open_again) */
	/* What every gate reading reads and the readings never change (the
	 * devices, the schools' plans and screening versions), kept while no
	 * other connection has committed (db_data_version) and dropped by
	 * this handle's own writes of them and by any rollback (returns.c). */
	gate_cache *gate;
};

/* Forget the gate cache of s (after a write of a device, a batch or a
 * screening version on s, on rollback and on a failed commit). */
void store_gate_cache_drop(store *s);

/* Copy a column's text into a fixed buffer (util/str.h). */
#define COPY_COL(dst, st, col) str_put((dst), sizeof(dst), db_col_text((st), (col)))

/* Bind an id, or NULL when it is 0. */
static inline void bind_id(db_stmt *st, int idx, int64_t id)
{
	if (id)
		db_bind_i64(st, idx, id);
	else
		db_bind_null(st, idx);
}

static inline int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/* The conflict target of an upsert into a school-owned table whose key is
 * cols: on PostgreSQL the key ends in school_id (migration 016, so that a
 * district can distribute by school), on SQLite it is cols alone.  The
 * same row conflicts on both, as a row's school follows from cols. */
#define ON_CONFLICT_SCHOOL(cols)                                                              \
	"\n-- @postgres\nON CONFLICT (" cols ", school_id)\n-- @end\n"                        \
	"-- @sqlite\nON CONFLICT (" cols ")\n-- @end\n"

/* Run a statement expected to return one id (RETURNING id or SELECT id). */
int store_one_id(db_stmt *st, int64_t *id, jy_err *err);

/* Hand each row (an id, a text) of st to cb until it returns non-zero;
 * then done with st.  0, or the step's error. */
int store_each_id_text(db_stmt *st, int (*cb)(void *ctx, int64_t id, const char *text), void *ctx,
		       jy_err *err);

/* "code name, code name …" of the rows of sql (two text columns, static
 * text), for errors that name the choices (district.c). */
void store_list_choices(store *s, const char *sql, char *out, size_t size);

#endif
