/*
 * store.h — the storage seam: everything Jinyun keeps goes through here.
 *
 * Callers (domain, HTTP, CLI) never see SQL.  The functions are grouped by
 * what they store (schools, people, places, timetable, users and sessions,
 * audit) and implemented in src/store/ (one file per subject) over the small db.h layer, so that
 * SQLite and PostgreSQL share every statement.  All functions return 0 or a
 * negative JY_E* code and fill the jy_err they are given.
 *
 * A store handle is used by one thread at a time.  Records use fixed-size
 * text fields (UTF-8), long enough for the data they hold; longer input is
 * rejected by the validators in src/domain before it gets here.
 */
#ifndef JY_STORE_H
#define JY_STORE_H

#include <stdint.h>

#include "util/err.h"

typedef struct store store;

/* Schema version this binary knows (the highest embedded migration). */
int store_schema_latest(void);

/* Open a database (path → SQLite, postgresql:// → PostgreSQL) and apply any
 * pending migrations.  The caller owns the result (store_close). */
int store_open(const char *url, store **out, jy_err *err);
void store_close(store *s);
/* A second connection to the database of s, for a pass of reading on
 * another thread, with a small page cache (SQLite files only, and not
 * while s is inside a transaction, whose writes the other connection
 * would not see): JY_EINVAL otherwise. */
int store_open_again(store *s, store **out, jy_err *err);
/* Set the page cache of s (SQLite) to kib KiB and tell what it was in *was
 * (SQLite's cache_size, as negative KiB: give it back as kib to restore
 * it); PostgreSQL: nothing, *was = 0.  A pass over large tables through a
 * small cache touches far less fresh memory (each page of it is a page
 * fault the first time). */
int store_page_cache(store *s, int64_t kib, int64_t *was, jy_err *err);

/* Apply pending migrations; from and to (may be NULL) report the versions. */
int store_migrate(store *s, int *from, int *to, jy_err *err);
int store_schema_version(store *s, int *version, jy_err *err);
const char *store_backend(const store *s);

/* Transactions (nesting counts; see db.h). */
int store_begin(store *s, jy_err *err);
int store_commit(store *s, jy_err *err);
void store_rollback(store *s);

/* Checkpoint the log without blocking writers; and how many log pages a
 * commit may leave before checkpointing by itself (0 = never; the server
 * checkpoints from a thread of its own so no request pays for it). */
int store_checkpoint(store *s, jy_err *err);
void store_set_autocheckpoint(store *s, int pages);

/* Make every commit on this handle durable against a power cut, not only
 * against the process dying.  SQLite (WAL, synchronous=NORMAL elsewhere):
 * synchronous=FULL, an fsync of the log at each commit; PostgreSQL commits
 * durably already (synchronous_commit on).  For the group-commit writer,
 * whose one fsync covers a whole batch. */
int store_set_durable(store *s, jy_err *err);

/* The group-commit writer's variant: commits stop waiting for the disk and
 * the caller fdatasync()s the returned log descriptor before it reports
 * any of them as stored, so the next batch runs while the disk syncs the
 * last (db_log_fd).  -1: sync nothing (err clear: PostgreSQL's commits are
 * durable already; err set: use store_set_durable instead). */
int store_log_fd(store *s, jy_err *err);

/* Online backup (SQLite backup API). */
int store_backup(store *s, const char *path, jy_err *err);

/* ---- schools ---------------------------------------------------------- */

typedef struct school_rec {
	int64_t id;
	char code[64];
	char name[128];
} school_rec;

/* Find the school by code or create it with that name. */
int store_school_ensure(store *s, const char *code, const char *name, int64_t *id, jy_err *err);
/* The school of a single-school database: the one with the smallest id;
 * JY_ENOENT when there is none. */
int store_school_default(store *s, school_rec *out, jy_err *err);
int store_school_get(store *s, int64_t id, school_rec *out, jy_err *err);
int store_campus_ensure(store *s, int64_t school_id, const char *name, int64_t *id, jy_err *err);

/* ---- grades and classes -------------------------------------------------- */

int store_grade_ensure(store *s, int64_t school_id, const char *name, int64_t *id, jy_err *err);
/* Find a class by name or create it under the grade. */
int store_class_ensure(store *s, int64_t school_id, int64_t grade_id, const char *name,
		       int64_t *id, jy_err *err);
/* Find a class by name (JY_ENOENT when absent). */
int store_class_find(store *s, int64_t school_id, const char *name, int64_t *id, jy_err *err);

typedef struct class_rec {
	int64_t id, school_id, grade_id;
	char name[96];
	char grade[64];
	int64_t enrolled;
} class_rec;

int store_class_get(store *s, int64_t id, class_rec *out, jy_err *err);
typedef int (*store_class_cb)(void *ctx, const class_rec *c);
int store_class_list(store *s, int64_t school_id, store_class_cb cb, void *ctx, jy_err *err);

/* ---- places ---------------------------------------------------------- */

typedef struct place_rec {
	int64_t id, school_id, campus_id, parent_id;   /* 0 = none */
	char kind[24];      /* gate classroom lab canteen canteen_zone dorm_building
			       dorm_room clinic isolation_room observation_room playground hall office other */
	char name[96];
	char building[64];
	int floor;          /* -1000 = unknown */
	int64_t capacity;   /* -1 = unknown */
	double area_m2;     /* < 0 = unknown */
	char gender[2];     /* "M", "F" or "" (dorm rooms) */
	char parent_name[96];
	int64_t occupants;  /* people assigned (dorm rooms), filled by get/list */
} place_rec;

/* Insert or update by (school, name); *id receives the place's id (id may
 * be NULL: then the write does not wait for it). */
int store_place_upsert(store *s, const place_rec *p, int64_t *id, jy_err *err);
int store_place_get(store *s, int64_t id, place_rec *out, jy_err *err);
/* Find by name (JY_ENOENT when absent). */
int store_place_find(store *s, int64_t school_id, const char *name, place_rec *out, jy_err *err);
typedef int (*store_place_cb)(void *ctx, const place_rec *p);
/* kind may be NULL or "" for all kinds. */
int store_place_list(store *s, int64_t school_id, const char *kind, store_place_cb cb, void *ctx,
		     jy_err *err);

/* ---- people ---------------------------------------------------------- */

typedef struct person_rec {
	int64_t id, school_id;
	char kind[8];            /* student | staff */
	char number[40];         /* 学号 / 工号 */
	char name[96];
	char gender[2];          /* M | F */
	int64_t class_id;        /* 0 = none */
	int64_t dorm_id;         /* 0 = none */
	char guardian_phone[32];
	char phone[32];
	char position[64];       /* staff: 班主任, 校医 … */
	char card_no[40];
	int active;
	char flags[160];         /* key-group codes, comma-separated, sorted */
	int64_t created_at, updated_at;
	/* filled by get/list, ignored by upsert: */
	char class_name[96];
	char grade_name[64];
	char dorm_name[96];
} person_rec;

enum store_outcome { STORE_ADDED = 1, STORE_UPDATED = 2, STORE_UNCHANGED = 3 };

/* Insert or update by (school, number), including the key-group flags.
 * *outcome tells which; *id the person's id.  Both may be NULL. */
int store_person_upsert(store *s, const person_rec *p, int64_t *id, int *outcome, jy_err *err);
/* The same when the caller has already looked the number up: old is the
 * stored person (NULL: none, insert).  With id NULL an insert does not wait
 * for the new id (an import of many rows). */
int store_person_save(store *s, const person_rec *p, const person_rec *old, int64_t *id,
		      int *outcome, jy_err *err);
int store_person_get(store *s, int64_t id, person_rec *out, jy_err *err);
int store_person_find(store *s, int64_t school_id, const char *number, person_rec *out,
		      jy_err *err);

typedef struct person_filter {
	int64_t school_id;       /* required */
	const char *kind;        /* NULL = any */
	int64_t class_id;        /* 0 = any */
	int64_t grade_id;        /* 0 = any */
	int64_t dorm_id;         /* 0 = any */
	const char *q;           /* prefix of name or number; NULL = any */
	const char *flag;        /* key group; NULL = any */
	int64_t after_id;        /* keyset paging: ids greater than this */
	int64_t limit;           /* 0 = no limit */
} person_filter;

typedef int (*store_person_cb)(void *ctx, const person_rec *p);
/* People matching f in id order; cb returning non-zero stops the walk. */
int store_person_list(store *s, const person_filter *f, store_person_cb cb, void *ctx, jy_err *err);
/* How many match f (after_id and limit ignored). */
int store_person_count(store *s, const person_filter *f, int64_t *count, jy_err *err);

/* Likely duplicates: another person with the same name and guardian phone
 * under a different number.  *other_number receives it ("" when none). */
int store_person_find_duplicate(store *s, int64_t school_id, const char *name,
				const char *guardian_phone, const char *number,
				char *other_number, size_t size, jy_err *err);

/* ---- timetable ------------------------------------------------------- */

typedef struct timetable_rec {
	int64_t id, school_id, class_id, place_id;
	int weekday, start_min, end_min;
	char subject[64];
	char class_name[96], place_name[96];
} timetable_rec;

/* id may be NULL (then the insert does not wait for it). */
int store_timetable_add(store *s, const timetable_rec *t, int64_t *id, jy_err *err);
typedef int (*store_timetable_cb)(void *ctx, const timetable_rec *t);
/* class_id 0 = every class of the school. */
int store_timetable_list(store *s, int64_t school_id, int64_t class_id, store_timetable_cb cb,
			 void *ctx, jy_err *err);

/* ---- users and sessions ------------------------------------------------ */

typedef struct user_rec {
	int64_t id, school_id;   /* school_id 0 for district users */
	char username[64];
	char pw_hash[160];       /* argon2id, crypto_pwhash_str */
	char role[16];
	char scope_kind[16];     /* school | class | district */
	int64_t scope_id;        /* class id for teachers */
	char scope_name[96];     /* filled by get: class or school name */
	int64_t person_id;
	int disabled;
} user_rec;

int store_user_add(store *s, const user_rec *u, int64_t *id, jy_err *err);
int store_user_by_name(store *s, const char *username, user_rec *out, jy_err *err);
int store_user_get(store *s, int64_t id, user_rec *out, jy_err *err);
int store_user_set_password(store *s, int64_t id, const char *pw_hash, jy_err *err);
/* Disable (1) or enable (0) an account; disabling ends its sessions. */
int store_user_set_disabled(store *s, int64_t id, int disabled, jy_err *err);
typedef int (*store_user_cb)(void *ctx, const user_rec *u);
int store_user_list(store *s, store_user_cb cb, void *ctx, jy_err *err);

int store_session_add(store *s, const char *token_hash, int64_t user_id, int64_t created_at,
		      int64_t expires_at, const char *ip, jy_err *err);
/* The live session's user (JY_ENOENT when absent or expired at now). */
int store_session_user(store *s, const char *token_hash, int64_t now, user_rec *out, jy_err *err);
int store_session_delete(store *s, const char *token_hash, jy_err *err);
int store_session_purge(store *s, int64_t now, jy_err *err);

/* ---- audit ----------------------------------------------------------- */

typedef struct audit_rec {
	int64_t id, at, school_id, user_id, person_id;   /* 0 = none */
	char username[64];
	char role[16];
	char ip[64];
	char action[16];       /* read | create | update | delete | export | import | login … */
	char entity[32];       /* person | people | place | user | session … */
	char entity_id[64];
	char detail[256];
} audit_rec;

/* Append one record (the log cannot be changed or deleted afterwards). */
int store_audit_add(store *s, const audit_rec *a, jy_err *err);
typedef struct audit_filter {
	int64_t person_id;     /* 0 = any */
	int64_t before_id;     /* newest first; 0 = from the newest */
	int64_t limit;
} audit_filter;
typedef int (*store_audit_cb)(void *ctx, const audit_rec *a);
int store_audit_list(store *s, const audit_filter *f, store_audit_cb cb, void *ctx, jy_err *err);

#endif
