/*
 * err.c — filling and formatting jy_err (see err.h for the convention).
 */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void err_clear(jy_err *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}

int err_set(jy_err *e, int code, const char *fmt, ...)
{
	if (!e)
		return code;
	e->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return code;
}

int err_at(jy_err *e, int code, const char *file, long row, const char *column,
	   const char *fmt, ...)
{
	if (!e)
		return code;
	e->code = code;
	snprintf(e->file, sizeof e->file, "%s", file ? file : "");
	e->row = row;
	snprintf(e->column, sizeof e->column, "%s", column ? column : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return code;
}

const char *err_name(int code)
{
	switch (code) {
	case JY_OK: return "ok";
	case JY_EINVAL: return "invalid";
	case JY_ENOENT: return "not_found";
	case JY_EIO: return "io";
	case JY_ENOMEM: return "no_memory";
	case JY_EDB: return "database";
	case JY_ECONFLICT: return "conflict";
	case JY_EPERM: return "forbidden";
	case JY_EAUTH: return "unauthorized";
	case JY_ETOOBIG: return "too_large";
	case JY_EFORMAT: return "format";
	}
	return "error";
}

void err_format(const jy_err *e, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = 0;
	if (e->file[0])
		n += (size_t)snprintf(buf + n, size - n, "%s:", e->file);
	if (e->row > 0 && n < size)
		n += (size_t)snprintf(buf + n, size - n, "%ld:", e->row);
	if (e->column[0] && n < size)
		n += (size_t)snprintf(buf + n, size - n, "%s:", e->column);
	if (n < size)
		snprintf(buf + n, size - n, "%s%s", n ? " " : "", e->msg);
}

int errlist_add(jy_errlist *l, const jy_err *e)
{
	l->n_total++;
	size_t max = l->max ? l->max : 1000;
	if (l->n >= max)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		jy_err *items = realloc(l->items, cap * sizeof *items);
		if (!items)
			return JY_ENOMEM;
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = *e;
	return 0;
}

int errlist_at(jy_errlist *l, int code, const char *file, long row, const char *column,
	       const char *fmt, ...)
{
	jy_err e;
	err_clear(&e);
	e.code = code;
	snprintf(e.file, sizeof e.file, "%s", file ? file : "");
	e.row = row;
	snprintf(e.column, sizeof e.column, "%s", column ? column : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof e.msg, fmt, ap);
	va_end(ap);
	return errlist_add(l, &e);
}

void errlist_free(jy_errlist *l)
{
	if (!l)
		return;
	free(l->items);
	memset(l, 0, sizeof *l);
}
