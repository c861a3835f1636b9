/*
 * err.h — the one error convention of Jinyun.
 *
 * Functions return 0 on success or a negative code (JY_E*) on failure.  The
 * details a person needs to fix the problem — the message and, where it
 * applies, the file, row and column of an import or the field of an API
 * request — go into a jy_err the caller passes down.  Library code fills the
 * struct and never prints; the command or HTTP handler that called it decides
 * how to show it (`FILE:ROW:COLUMN: message` on stderr, or
 * {"error":{"code","message","field"}} in JSON).
 *
 * A jy_err may be NULL: then the details are dropped, the code is kept.
 */
#ifndef JY_ERR_H
#define JY_ERR_H

#include <stddef.h>

enum {
	JY_OK = 0,
	JY_EINVAL = -1,    /* bad input: the caller's data is wrong */
	JY_ENOENT = -2,    /* no such thing (file, person, place) */
	JY_EIO = -3,       /* reading or writing a file failed */
	JY_ENOMEM = -4,    /* out of memory */
	JY_EDB = -5,       /* the database refused or failed */
	JY_ECONFLICT = -6, /* unique key or version conflict */
	JY_EPERM = -7,     /* not allowed */
	JY_EAUTH = -8,     /* not authenticated */
	JY_ETOOBIG = -9,   /* over a size limit */
	JY_EFORMAT = -10,  /* a file is not of the format it claims */
};

typedef struct jy_err {
	int code;          /* one of JY_E*, 0 when no error */
	char file[256];    /* file being read, or "" */
	long row;          /* 1-based row as the spreadsheet numbers it, 0 if none */
	char column[128];  /* column or JSON field name, or "" */
	char msg[512];     /* human-readable, Chinese first where it reaches a user */
} jy_err;

/* Clear an error struct (NULL is accepted). */
void err_clear(jy_err *e);

/* Set code and message (printf-style); keeps file/row/column. Returns code. */
int err_set(jy_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Set code, location and message at once. Returns code. */
int err_at(jy_err *e, int code, const char *file, long row, const char *column,
	   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Short English name of a code ("invalid", "not_found" …) for JSON errors. */
const char *err_name(int code);

/* Format as `FILE:ROW:COLUMN: message` (omitting empty parts) into buf. */
void err_format(const jy_err *e, char *buf, size_t size);

/*
 * A list of errors, for validators that report every problem at once (an
 * import names each bad cell, not just the first).  Zero-initialise it;
 * errlist_add copies the error and stops storing after max (default 1000)
 * but keeps counting in n_total.
 */
typedef struct jy_errlist {
	jy_err *items;
	size_t n, cap, max;
	size_t n_total;
} jy_errlist;

int errlist_add(jy_errlist *l, const jy_err *e);
/* Add an error at a location (printf-style message). */
int errlist_at(jy_errlist *l, int code, const char *file, long row, const char *column,
	       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void errlist_free(jy_errlist *l);

#endif
