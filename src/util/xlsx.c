/*
 * xlsx.c — reading one sheet of an Excel .xlsx workbook into a table (see
 * table.h), with minizip for the zip container and expat for the XML.
 *
 * Debian has no xlsx reader library, and a roster needs little of the
 * format, so this reads just what turns cells into text:
 *
 *   _rels/.rels                  where the workbook part is (xl/workbook.xml)
 *   xl/_rels/workbook.xml.rels   relationship id → part, for sheets, shared
 *                                strings and styles
 *   xl/workbook.xml              sheet names in order, the date1904 flag
 *   xl/styles.xml                which cell styles (cellXfs) are dates
 *   xl/sharedStrings.xml         the string table (rich text runs joined,
 *                                phonetic <rPh> runs left out)
 *   xl/worksheets/sheetN.xml     the cells, streamed straight into a table
 *
 * Every part is streamed through expat in 64 KiB pieces; no part is held in
 * memory as XML.  Hostile input is bounded: a part may not inflate past
 * XLSX_MAX_PART (the zip's declared sizes are checked and then the real
 * count, since a declared size can lie), a table past TABLE_MAX_CELLS, a
 * column past XFD; DTDs (entity expansion) are refused outright.  Anything
 * malformed is JY_EFORMAT with the file in err->file and the part in the
 * message; a cell problem also gets the row and column.
 *
 * Values become text as a person sees them in Excel: strings as they are;
 * numbers without a spurious ".0" (integers below 1e16 in full, others in
 * the shortest form that reads back to the same double); booleans TRUE and
 * FALSE; errors as their code (#N/A); cells whose number format is a date
 * become YYYY-MM-DD, with " HH:MM:SS" when the format shows a time and the
 * value has one; pure time formats become HH:MM:SS (the time of day, or all
 * the hours of an elapsed [h] format).  Blank rows and trailing
 * blank cells (formatted but empty) are dropped; missing cells inside a row
 * are "".  Numbers are parsed and printed in the "C" locale whatever the
 * process locale, switched per thread with uselocale().
 */
#include "util/table.h"

#include <errno.h>
#include <expat.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unzip.h>

#include "util/table_builder.h"

#define XLSX_MAX_PART ((uint64_t)256 << 20) /* inflated bytes of one part */
#define XLSX_MAX_COLS 16384		    /* A..XFD, as Excel */
#define XLSX_MAX_ROW  1048576L
#define XLSX_CHUNK    65536
#define XLSX_PATH     512
#define XLSX_ABSENT   1 /* xlsx_parse_part: optional part not in the zip */

/* How a number format shows a value; DURATION is elapsed time ([h]:mm). */
enum xlsx_kind { XLSX_NUMBER, XLSX_DATE, XLSX_DATETIME, XLSX_TIME, XLSX_DURATION };

/* A growable byte buffer, kept NUL-terminated. */
typedef struct xlsx_buf {
	char *p;
	size_t len, cap;
} xlsx_buf;

typedef struct xlsx_rel {
	char *id;
	char *type;   /* last segment of the Type URI: "worksheet", "styles" … */
	char *target; /* resolved zip entry name */
} xlsx_rel;

typedef struct xlsx_sheet {
	char *name;
	char *rid;
} xlsx_sheet;

typedef struct xlsx_numfmt {
	unsigned id;
	unsigned char kind;
} xlsx_numfmt;

typedef struct xlsx_reader {
	const char *path; /* for messages */
	jy_err *err;
	unzFile zip;
	bool date1904;
	xlsx_rel *rels;
	size_t nrels, rels_cap;
	xlsx_sheet *sheets;
	size_t nsheets, sheets_cap;
	/* shared strings: string i is sst.p + sst_off[i], sst_off[i+1]-sst_off[i]-1 bytes */
	bool have_sst;
	xlsx_buf sst;
	size_t *sst_off;
	size_t nsst, sst_cap;
	/* styles: the number format id of each cellXfs entry, then its kind */
	unsigned *xf_fmt;
	unsigned char *xf_kind;
	size_t nxf, xf_cap;
	xlsx_numfmt *fmts;
	size_t nfmts, fmts_cap;
	table_builder tb;
	uint64_t max_part; /* inflated bytes allowed per part */
} xlsx_reader;

/* What every expat handler gets first: the parser, the reader, the part. */
typedef struct xlsx_xml {
	XML_Parser parser;
	xlsx_reader *x;
	const char *part;
	int rc; /* set (with err filled) by a handler to stop the parse */
} xlsx_xml;

/* ---- small helpers ---------------------------------------------------- */

static int xlsx_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 16;
	while (n < need) {
		if (n > SIZE_MAX / 4)
			return JY_ENOMEM;
		n *= 2;
	}
	if (n > SIZE_MAX / elem)
		return JY_ENOMEM;
	void *q = realloc(*p, n * elem);
	if (!q)
		return JY_ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static int xlsx_buf_add(xlsx_buf *b, const char *s, size_t n)
{
	if (n > SIZE_MAX - b->len - 1)
		return JY_ENOMEM;
	if (xlsx_grow((void **)&b->p, &b->cap, b->len + n + 1, 1))
		return JY_ENOMEM;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
	return 0;
}

/* The local part of an expat namespaced name ("uri|sheet" → "sheet"). */
static const char *xlsx_local(const char *name)
{
	const char *s = strrchr(name, ':');
	return s ? s + 1 : name;
}

/* The value of the attribute with this local name, or NULL. */
static const char *xlsx_attr(const char **atts, const char *local)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(xlsx_local(atts[i]), local) == 0)
			return atts[i + 1];
	return NULL;
}

static bool xlsx_is(const char *name, const char *local)
{
	return strcmp(xlsx_local(name), local) == 0;
}

/* Excel's letters for a 0-based column (0 → "A", 16383 → "XFD"). */
static void xlsx_col_name(size_t col, char buf[8])
{
	char tmp[8];
	size_t n = 0;
	col++;
	while (col && n < 7) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = 0;
}

/*
 * The 0-based column of a cell reference like "B7": -1 when it starts with no
 * letter, -2 when the column is past XFD.
 */
static long xlsx_ref_col(const char *r)
{
	long col = 0;
	int n = 0;
	for (; *r; r++) {
		char c = *r;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			break;
		if (++n > 3)
			return -2;
		col = col * 26 + (c - 'A' + 1);
	}
	if (n == 0)
		return -1;
	return col > XLSX_MAX_COLS ? -2 : col - 1;
}

/* Parse a whole non-negative decimal; false on anything else. */
static bool xlsx_parse_ulong(const char *s, size_t len, unsigned long *v)
{
	if (len == 0 || len > 18)
		return false;
	unsigned long n = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		n = n * 10 + (unsigned long)(s[i] - '0');
	}
	*v = n;
	return true;
}

static int xlsx_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The code point of an _xHHHH_ escape at s (n bytes available), or -1. */
static long xlsx_escape_at(const char *s, size_t n)
{
	if (n < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
		return -1;
	long cp = 0;
	for (int i = 2; i < 6; i++) {
		int h = xlsx_hex(s[i]);
		if (h < 0)
			return -1;
		cp = cp * 16 + h;
	}
	return cp;
}

static size_t xlsx_put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Decode OOXML's _xHHHH_ escapes (how Excel stores control characters such
 * as _x000D_) in s[0..n) in place; returns the new length.  A UTF-16
 * surrogate pair of escapes becomes one character; NUL and lone surrogates
 * are dropped.  Decoding never lengthens the text.
 */
static size_t xlsx_unescape(char *s, size_t n)
{
	if (!memchr(s, '_', n))
		return n;
	size_t o = 0, i = 0;
	while (i < n) {
		long cp = xlsx_escape_at(s + i, n - i);
		if (cp < 0) {
			s[o++] = s[i++];
			continue;
		}
		i += 7;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			long lo = xlsx_escape_at(s + i, n - i);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				i += 7;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else {
				continue;
			}
		} else if ((cp >= 0xDC00 && cp <= 0xDFFF) || cp == 0) {
			continue;
		}
		o += xlsx_put_utf8(s + o, (unsigned long)cp);
	}
	return o;
}

/* ---- number formats and dates ------------------------------------------ */

/* Kind of a built-in number format id (ECMA-376 18.8.30, with the CJK ids). */
static unsigned char xlsx_builtin_kind(unsigned id)
{
	if (id == 22)
		return XLSX_DATETIME;
	if (id == 46)
		return XLSX_DURATION;
	if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) ||
	    id == 55 || id == 56)
		return XLSX_TIME;
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
		return XLSX_DATE;
	return XLSX_NUMBER;
}

/*
 * Kind of a custom format code: date letters (y d m) and time letters (h s,
 * or m next to them) outside quoted text, escapes and [...] — except that
 * the elapsed-time brackets [h] [mm] [ss] do count as time, while [Red],
 * [$-804] or [DBNum1] count for nothing.
 */
static unsigned char xlsx_format_kind(const char *f)
{
	bool y = false, d = false, m = false, h = false, s = false, elapsed = false;
	for (const char *p = f; *p; p++) {
		char c = *p;
		if (c == '"') {
			p = strchr(p + 1, '"');
			if (!p)
				break;
			continue;
		}
		if (c == '\\' || c == '_' || c == '*') {
			if (p[1])
				p++;
			continue;
		}
		if (c == '[') {
			const char *e = strchr(p, ']');
			if (!e)
				break;
			char l = (char)(p[1] | 0x20);
			bool el = e > p + 1 && (l == 'h' || l == 'm' || l == 's');
			for (const char *q = p + 1; q < e && el; q++)
				el = (char)(*q | 0x20) == l;
			elapsed = elapsed || el;
			p = e;
			continue;
		}
		if (strncasecmp(p, "AM/PM", 5) == 0) {
			p += 4;
			continue;
		}
		if (strncasecmp(p, "A/P", 3) == 0) {
			p += 2;
			continue;
		}
		switch (c | 0x20) {
		case 'y':
			y = true;
			break;
		case 'd':
			d = true;
			break;
		case 'm':
			m = true;
			break;
		case 'h':
			h = true;
			break;
		case 's':
			s = true;
			break;
		}
	}
	bool time = h || s || elapsed;
	bool date = y || d || (m && !time);
	if (date && time)
		return XLSX_DATETIME;
	if (date)
		return XLSX_DATE;
	if (elapsed)
		return XLSX_DURATION;
	return time ? XLSX_TIME : XLSX_NUMBER;
}

/* Civil date of a day count from 1970-01-01 (H. Hinnant's algorithm). */
static void xlsx_civil(long long z, long long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long yy = (long long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

/* Two decimal digits of n (< 100) at p. */
static void xlsx_put2(char *p, unsigned n)
{
	p[0] = (char)('0' + n / 10);
	p[1] = (char)('0' + n % 10);
}

/*
 * Render serial date v of the given kind into buf (at least 20 bytes).  Excel's 1900 system has
 * serial 1 = 1900-01-01 and the fictitious 1900-02-29 as serial 60; the 1904
 * system has serial 0 = 1904-01-01.  Times are rounded to the second.
 * Returns false when v is no date Excel would show (negative, past 9999).
 */
static bool xlsx_format_date(double v, unsigned char kind, bool date1904, char *buf, size_t size)
{
	if (!(v >= 0) || v >= 2958466.0)
		return false;
	long long secs = llround(v * 86400.0);
	long long days = secs / 86400;
	long sod = (long)(secs % 86400);
	int hh = (int)(sod / 3600), mi = (int)(sod / 60 % 60), ss = (int)(sod % 60);
	if (kind == XLSX_TIME || kind == XLSX_DURATION) {
		/* a clock time shows the time of day; a duration all its hours */
		long long hours = kind == XLSX_DURATION ? days * 24 + hh : hh;
		snprintf(buf, size, "%02lld:%02d:%02d", hours, mi, ss);
		return true;
	}
	long long y;
	unsigned m, d;
	if (!date1904 && days == 60) {
		y = 1900, m = 2, d = 29;
	} else {
		/* days since 1899-12-30, then since 1970-01-01 */
		long long since = date1904 ? days + 1462 : days < 60 ? days + 1 : days;
		xlsx_civil(since - 25569, &y, &m, &d);
	}
	if (size < 20)
		return false;
	/* by hand, as this runs for every date cell; 0 <= y <= 9999 here */
	xlsx_put2(buf, (unsigned)(y / 100));
	xlsx_put2(buf + 2, (unsigned)(y % 100));
	buf[4] = '-';
	xlsx_put2(buf + 5, m);
	buf[7] = '-';
	xlsx_put2(buf + 8, d);
	buf[10] = 0;
	if (kind == XLSX_DATETIME && sod != 0) {
		buf[10] = ' ';
		xlsx_put2(buf + 11, (unsigned)hh);
		buf[13] = ':';
		xlsx_put2(buf + 14, (unsigned)mi);
		buf[16] = ':';
		xlsx_put2(buf + 17, (unsigned)ss);
		buf[19] = 0;
	}
	return true;
}

/*
 * Render a number: integers below 1e16 in full (2019010101, 13800138000),
 * others in the shortest %.15g/%.16g/%.17g form that reads back as v.
 */
static void xlsx_format_number(double v, char *buf, size_t size)
{
	if (v == 0) {
		snprintf(buf, size, "0");
		return;
	}
	if (fabs(v) < 1e16 && v == trunc(v)) {
		/* by hand: printf's exact float conversion is the slow part */
		char tmp[24];
		unsigned long long n = (unsigned long long)fabs(v);
		size_t k = 0;
		while (n) {
			tmp[k++] = (char)('0' + n % 10);
			n /= 10;
		}
		size_t o = 0;
		if (v < 0 && o + 1 < size)
			buf[o++] = '-';
		while (k && o + 1 < size)
			buf[o++] = tmp[--k];
		buf[o] = 0;
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* ---- reading parts ----------------------------------------------------- */

static void xlsx_fail(xlsx_xml *c, int rc)
{
	if (!c->rc)
		c->rc = rc;
	XML_StopParser(c->parser, XML_FALSE);
}

/* Fill err for a problem in the current part, stop the parse. */
#define xlsx_fail_at(c, code, row, col, ...)                                                       \
	do {                                                                                       \
		err_at((c)->x->err, code, (c)->x->path, row, col, __VA_ARGS__);                    \
		xlsx_fail(c, code);                                                                \
	} while (0)

static void xlsx_fail_nomem(xlsx_xml *c, int rc)
{
	if (rc == JY_ETOOBIG && c->x->tb.ncell < TABLE_MAX_CELLS)
		xlsx_fail_at(c, rc, 0, NULL, "%s: 表格文字超过%zu MiB (cell text over the limit)",
			     c->part, c->x->tb.max_text >> 20);
	else if (rc == JY_ETOOBIG)
		xlsx_fail_at(c, rc, 0, NULL, "%s: 表格太大，超过%zu个单元格 (too many cells)",
			     c->part, (size_t)TABLE_MAX_CELLS);
	else
		xlsx_fail_at(c, rc, 0, NULL, "内存不足 (out of memory)");
}

static void XMLCALL xlsx_no_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
				    const XML_Char *pubid, int has_internal_subset)
{
	xlsx_xml *c = ud;
	xlsx_fail_at(c, JY_EFORMAT, 0, NULL, "%s: 含有DTD，不是Excel生成的文件 (DTD not allowed)",
		     c->part);
}

/*
 * Stream one part of the zip through expat with the given handlers, whose
 * user data is c (an xlsx_xml, usually the first member of a larger state).
 * Returns 0; XLSX_ABSENT when the part is missing and not required; or a
 * negative code with err filled (missing required part, corrupt data, size
 * limit, malformed XML, or whatever a handler reported).
 */
static int xlsx_parse_part(xlsx_reader *x, const char *part, bool required, xlsx_xml *c,
			   XML_StartElementHandler start, XML_EndElementHandler end,
			   XML_CharacterDataHandler text)
{
	XML_Parser p = NULL;
	bool open = false;
	int rc = 0;
	unz_file_info64 info;

	if (unzLocateFile(x->zip, part, 2) != UNZ_OK) {
		if (!required)
			return XLSX_ABSENT;
		return err_at(x->err, JY_EFORMAT, x->path, 0, NULL,
			      "xlsx文件缺少%s (missing part %s)", part, part);
	}
	if (unzGetCurrentFileInfo64(x->zip, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK)
		goto corrupt;
	if (info.flag & 1) {
		rc = err_at(x->err, JY_EFORMAT, x->path, 0, NULL, "%s已加密 (part %s is encrypted)",
			    part, part);
		goto out;
	}
	if (info.uncompressed_size > x->max_part)
		goto toobig;
	if (unzOpenCurrentFile(x->zip) != UNZ_OK)
		goto corrupt;
	open = true;
	p = XML_ParserCreate(NULL);
	if (!p) {
		rc = err_at(x->err, JY_ENOMEM, x->path, 0, NULL, "内存不足 (out of memory)");
		goto out;
	}
	c->parser = p;
	c->x = x;
	c->part = part;
	c->rc = 0;
	XML_SetUserData(p, c);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, xlsx_no_doctype);
	uint64_t total = 0;
	for (;;) {
		void *buf = XML_GetBuffer(p, XLSX_CHUNK);
		if (!buf) {
			rc =
			    err_at(x->err, JY_ENOMEM, x->path, 0, NULL, "内存不足 (out of memory)");
			goto out;
		}
		int n = unzReadCurrentFile(x->zip, buf, XLSX_CHUNK);
		if (n < 0)
			goto corrupt;
		total += (uint64_t)n;
		if (total > x->max_part)
			goto toobig;
		if (XML_ParseBuffer(p, n, n == 0) != XML_STATUS_OK) {
			if (c->rc) {
				rc = c->rc;
				goto out;
			}
			rc = err_at(x->err, JY_EFORMAT, x->path, 0, NULL,
				    "%s第%lu行XML格式错误 (malformed XML): %s", part,
				    (unsigned long)XML_GetCurrentLineNumber(p),
				    XML_ErrorString(XML_GetErrorCode(p)));
			goto out;
		}
		if (n == 0)
			break;
	}
	open = false;
	if (unzCloseCurrentFile(x->zip) != UNZ_OK) /* CRC mismatch */
		goto corrupt;
	goto out;
corrupt:
	rc = err_at(x->err, JY_EFORMAT, x->path, 0, NULL,
		    "xlsx文件已损坏：无法读取%s (corrupt zip data in %s)", part, part);
	goto out;
toobig:
	rc = err_at(x->err, JY_ETOOBIG, x->path, 0, NULL,
		    "%s解压后超过%llu MiB，拒绝读取 (part too large when inflated)", part,
		    (unsigned long long)(x->max_part >> 20));
out:
	if (open)
		unzCloseCurrentFile(x->zip);
	if (p)
		XML_ParserFree(p);
	return rc;
}

/* ---- relationships ----------------------------------------------------- */

/*
 * Resolve a relationship target against base_dir (the folder of the part the
 * .rels file describes: "" or ending in '/'); "/xl/x.xml" is absolute.  "."
 * and ".." segments are folded.  Returns false when the result does not fit
 * or climbs above the root.
 */
static bool xlsx_resolve(const char *base_dir, const char *target, char *out, size_t size)
{
	char tmp[XLSX_PATH];
	int n = target[0] == '/' ? snprintf(tmp, sizeof tmp, "%s", target + 1)
				 : snprintf(tmp, sizeof tmp, "%s%s", base_dir, target);
	if (n < 0 || (size_t)n >= sizeof tmp || size == 0)
		return false;
	size_t o = 0;
	char *seg = tmp;
	for (;;) {
		char *slash = strchr(seg, '/');
		size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			if (o == 0)
				return false;
			o--; /* the '/' after the previous segment */
			while (o > 0 && out[o - 1] != '/')
				o--;
		} else if (len > 0 && !(len == 1 && seg[0] == '.')) {
			if (o + len + 1 >= size)
				return false;
			memcpy(out + o, seg, len);
			o += len;
			out[o++] = '/';
		}
		if (!slash)
			break;
		seg = slash + 1;
	}
	if (o == 0)
		return false;
	out[o - 1] = 0; /* drop the last '/' */
	return true;
}

typedef struct xlsx_rels_ctx {
	xlsx_xml h;
	const char *base_dir;
} xlsx_rels_ctx;

static void XMLCALL xlsx_rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xlsx_rels_ctx *c = ud;
	xlsx_reader *x = c->h.x;
	if (c->h.rc || !xlsx_is(name, "Relationship"))
		return;
	const char *id = xlsx_attr(atts, "Id"), *type = xlsx_attr(atts, "Type");
	const char *target = xlsx_attr(atts, "Target"), *mode = xlsx_attr(atts, "TargetMode");
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	char resolved[XLSX_PATH];
	if (!xlsx_resolve(c->base_dir, target, resolved, sizeof resolved))
		return; /* a target we could never open; ignored unless needed */
	const char *slash = strrchr(type, '/');
	if (xlsx_grow((void **)&x->rels, &x->rels_cap, x->nrels + 1, sizeof *x->rels)) {
		xlsx_fail_nomem(&c->h, JY_ENOMEM);
		return;
	}
	xlsx_rel *r = &x->rels[x->nrels];
	r->id = strdup(id);
	r->type = strdup(slash ? slash + 1 : type);
	r->target = strdup(resolved);
	x->nrels++;
	if (!r->id || !r->type || !r->target)
		xlsx_fail_nomem(&c->h, JY_ENOMEM);
}

static void XMLCALL xlsx_ignore_end(void *ud, const XML_Char *name)
{
}

static void XMLCALL xlsx_ignore_text(void *ud, const XML_Char *s, int len)
{
}

static void xlsx_rels_clear(xlsx_reader *x)
{
	for (size_t i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].type);
		free(x->rels[i].target);
	}
	x->nrels = 0;
}

/* Read a .rels part into x->rels (cleared first); targets resolved against base_dir. */
static int xlsx_read_rels(xlsx_reader *x, const char *part, const char *base_dir, bool required)
{
	xlsx_rels_ctx c = {.base_dir = base_dir};
	xlsx_rels_clear(x);
	return xlsx_parse_part(x, part, required, &c.h, xlsx_rels_start, xlsx_ignore_end,
			       xlsx_ignore_text);
}

static const xlsx_rel *xlsx_rel_by_id(const xlsx_reader *x, const char *id)
{
	for (size_t i = 0; i < x->nrels; i++)
		if (strcmp(x->rels[i].id, id) == 0)
			return &x->rels[i];
	return NULL;
}

static const xlsx_rel *xlsx_rel_by_type(const xlsx_reader *x, const char *type)
{
	for (size_t i = 0; i < x->nrels; i++)
		if (strcmp(x->rels[i].type, type) == 0)
			return &x->rels[i];
	return NULL;
}

/* ---- workbook ---------------------------------------------------------- */

static void XMLCALL xlsx_workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xlsx_xml *c = ud;
	xlsx_reader *x = c->x;
	if (c->rc)
		return;
	if (xlsx_is(name, "workbookPr")) {
		const char *v = xlsx_attr(atts, "date1904");
		x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (xlsx_is(name, "sheet")) {
		const char *sname = xlsx_attr(atts, "name"), *rid = xlsx_attr(atts, "id");
		if (!sname || !rid) {
			xlsx_fail_at(c, JY_EFORMAT, 0, NULL,
				     "%s: 工作表缺少名称或关系id (sheet without name or r:id)",
				     c->part);
			return;
		}
		if (xlsx_grow((void **)&x->sheets, &x->sheets_cap, x->nsheets + 1,
			      sizeof *x->sheets)) {
			xlsx_fail_nomem(c, JY_ENOMEM);
			return;
		}
		xlsx_sheet *s = &x->sheets[x->nsheets++];
		s->name = strdup(sname);
		s->rid = strdup(rid);
		if (!s->name || !s->rid)
			xlsx_fail_nomem(c, JY_ENOMEM);
	}
}

/*
 * Find the sheet called name (exact, else ignoring ASCII case as Excel
 * does), or the first sheet when name is NULL, and set *idx.  JY_ENOENT with
 * the sheets listed in the message when there is no such sheet; JY_EFORMAT
 * when the workbook has none.
 */
static int xlsx_pick_sheet(xlsx_reader *x, const char *name, size_t *idx)
{
	*idx = 0;
	if (x->nsheets == 0)
		return err_at(x->err, JY_EFORMAT, x->path, 0, NULL,
			      "工作簿中没有工作表 (the workbook has no sheets)");
	if (!name)
		return 0;
	for (size_t i = 0; i < x->nsheets; i++) {
		if (strcmp(x->sheets[i].name, name) == 0) {
			*idx = i;
			return 0;
		}
	}
	for (size_t i = 0; i < x->nsheets; i++) {
		if (strcasecmp(x->sheets[i].name, name) == 0) {
			*idx = i;
			return 0;
		}
	}
	char list[300];
	size_t o = 0;
	list[0] = 0;
	for (size_t i = 0; i < x->nsheets && o < sizeof list; i++) {
		int n =
		    snprintf(list + o, sizeof list - o, "%s“%s”", i ? ", " : "", x->sheets[i].name);
		if (n < 0 || (size_t)n >= sizeof list - o) {
			snprintf(list + (o < sizeof list - 8 ? o : sizeof list - 8), 8, ", …");
			break;
		}
		o += (size_t)n;
	}
	return err_at(x->err, JY_ENOENT, x->path, 0, NULL,
		      "找不到工作表“%s”，工作簿中有: %s (no sheet named '%s')", name, list, name);
}

/* ---- styles ------------------------------------------------------------ */

typedef struct xlsx_styles_ctx {
	xlsx_xml h;
	int in_numfmts, in_cellxfs;
} xlsx_styles_ctx;

static void XMLCALL xlsx_styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xlsx_styles_ctx *c = ud;
	xlsx_reader *x = c->h.x;
	if (c->h.rc)
		return;
	const char *l = xlsx_local(name);
	if (strcmp(l, "numFmts") == 0) {
		c->in_numfmts++;
	} else if (strcmp(l, "cellXfs") == 0) {
		c->in_cellxfs++;
	} else if (c->in_numfmts && strcmp(l, "numFmt") == 0) {
		const char *id = xlsx_attr(atts, "numFmtId"), *code = xlsx_attr(atts, "formatCode");
		unsigned long v;
		if (!id || !code || !xlsx_parse_ulong(id, strlen(id), &v))
			return;
		if (xlsx_grow((void **)&x->fmts, &x->fmts_cap, x->nfmts + 1, sizeof *x->fmts)) {
			xlsx_fail_nomem(&c->h, JY_ENOMEM);
			return;
		}
		x->fmts[x->nfmts].id = (unsigned)v;
		x->fmts[x->nfmts].kind = xlsx_format_kind(code);
		x->nfmts++;
	} else if (c->in_cellxfs && strcmp(l, "xf") == 0) {
		const char *id = xlsx_attr(atts, "numFmtId");
		unsigned long v = 0;
		if (id && !xlsx_parse_ulong(id, strlen(id), &v))
			v = 0;
		if (xlsx_grow((void **)&x->xf_fmt, &x->xf_cap, x->nxf + 1, sizeof *x->xf_fmt)) {
			xlsx_fail_nomem(&c->h, JY_ENOMEM);
			return;
		}
		x->xf_fmt[x->nxf++] = (unsigned)v;
	}
}

static void XMLCALL xlsx_styles_end(void *ud, const XML_Char *name)
{
	xlsx_styles_ctx *c = ud;
	const char *l = xlsx_local(name);
	if (strcmp(l, "numFmts") == 0 && c->in_numfmts)
		c->in_numfmts--;
	else if (strcmp(l, "cellXfs") == 0 && c->in_cellxfs)
		c->in_cellxfs--;
}

/* Read the styles part (if any) and work out the kind of every cell style. */
static int xlsx_read_styles(xlsx_reader *x, const char *part)
{
	xlsx_styles_ctx c = {0};
	int rc = xlsx_parse_part(x, part, false, &c.h, xlsx_styles_start, xlsx_styles_end,
				 xlsx_ignore_text);
	if (rc)
		return rc < 0 ? rc : 0;
	if (x->nxf == 0)
		return 0;
	x->xf_kind = malloc(x->nxf);
	if (!x->xf_kind)
		return err_at(x->err, JY_ENOMEM, x->path, 0, NULL, "内存不足 (out of memory)");
	for (size_t i = 0; i < x->nxf; i++) {
		unsigned id = x->xf_fmt[i];
		unsigned char kind = xlsx_builtin_kind(id);
		for (size_t k = 0; k < x->nfmts; k++)
			if (x->fmts[k].id == id)
				kind = x->fmts[k].kind; /* a custom code overrides */
		x->xf_kind[i] = kind;
	}
	return 0;
}

/* ---- shared strings ---------------------------------------------------- */

typedef struct xlsx_sst_ctx {
	xlsx_xml h;
	bool in_si, in_t;
	int in_rph;
	size_t start; /* offset in x->sst where the open <si> began */
} xlsx_sst_ctx;

static void XMLCALL xlsx_sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xlsx_sst_ctx *c = ud;
	if (c->h.rc)
		return;
	const char *l = xlsx_local(name);
	if (strcmp(l, "si") == 0) {
		c->in_si = true;
		c->start = c->h.x->sst.len;
	} else if (strcmp(l, "rPh") == 0) {
		c->in_rph++;
	} else if (strcmp(l, "t") == 0 && c->in_si && !c->in_rph) {
		c->in_t = true;
	}
}

static void XMLCALL xlsx_sst_end(void *ud, const XML_Char *name)
{
	xlsx_sst_ctx *c = ud;
	xlsx_reader *x = c->h.x;
	if (c->h.rc)
		return;
	const char *l = xlsx_local(name);
	if (strcmp(l, "t") == 0) {
		c->in_t = false;
	} else if (strcmp(l, "rPh") == 0) {
		if (c->in_rph)
			c->in_rph--;
	} else if (strcmp(l, "si") == 0 && c->in_si) {
		c->in_si = false;
		x->sst.len = c->start + xlsx_unescape(x->sst.p + c->start, x->sst.len - c->start);
		if (xlsx_buf_add(&x->sst, "", 1) ||
		    xlsx_grow((void **)&x->sst_off, &x->sst_cap, x->nsst + 2, sizeof *x->sst_off)) {
			xlsx_fail_nomem(&c->h, JY_ENOMEM);
			return;
		}
		x->sst_off[x->nsst++] = c->start;
		x->sst_off[x->nsst] = x->sst.len; /* sentinel: end of the last string */
	}
}

static void XMLCALL xlsx_sst_text(void *ud, const XML_Char *s, int len)
{
	xlsx_sst_ctx *c = ud;
	if (c->h.rc || !c->in_t)
		return;
	if (xlsx_buf_add(&c->h.x->sst, s, (size_t)len))
		xlsx_fail_nomem(&c->h, JY_ENOMEM);
}

static int xlsx_read_sst(xlsx_reader *x, const char *part)
{
	xlsx_sst_ctx c = {0};
	if (xlsx_buf_add(&x->sst, "", 0))
		return err_at(x->err, JY_ENOMEM, x->path, 0, NULL, "内存不足 (out of memory)");
	int rc = xlsx_parse_part(x, part, false, &c.h, xlsx_sst_start, xlsx_sst_end, xlsx_sst_text);
	if (rc < 0)
		return rc;
	x->have_sst = (rc == 0);
	return 0;
}

/* ---- the sheet --------------------------------------------------------- */

typedef struct xlsx_sheet_ctx {
	xlsx_xml h;
	bool in_data, in_row, in_cell, in_is, in_value;
	int in_rph;
	long row, last_row;
	size_t col;	 /* 0-based column of the open cell */
	size_t next_col; /* first column a new cell of this row may take */
	char type[16];	 /* the cell's t attribute, "" for a number */
	long style;	 /* the cell's s attribute, -1 if none */
	xlsx_buf val;	 /* <v> text or the inline string */
} xlsx_sheet_ctx;

static void xlsx_cell_fail(xlsx_sheet_ctx *c, const char *what)
{
	char col[8];
	xlsx_col_name(c->col, col);
	xlsx_fail_at(&c->h, JY_EFORMAT, c->row, col, "%s: 单元格%s%ld%s", c->h.part, col, c->row,
		     what);
}

static void XMLCALL xlsx_sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xlsx_sheet_ctx *c = ud;
	if (c->h.rc)
		return;
	const char *l = xlsx_local(name);
	if (!c->in_data) {
		if (strcmp(l, "sheetData") == 0)
			c->in_data = true;
		return;
	}
	if (strcmp(l, "row") == 0) {
		const char *r = xlsx_attr(atts, "r");
		unsigned long v;
		if (!r) {
			c->row = c->last_row + 1;
		} else if (xlsx_parse_ulong(r, strlen(r), &v) && v >= 1 && v <= XLSX_MAX_ROW) {
			c->row = (long)v;
		} else {
			xlsx_fail_at(&c->h, JY_EFORMAT, 0, NULL,
				     "%s: 行号无效“%s” (bad row number)", c->h.part, r);
			return;
		}
		c->in_row = true;
		c->next_col = 0;
	} else if (strcmp(l, "c") == 0 && c->in_row) {
		const char *r = xlsx_attr(atts, "r"), *t = xlsx_attr(atts, "t");
		const char *s = xlsx_attr(atts, "s");
		long col = r ? xlsx_ref_col(r) : -1;
		c->col = col >= 0 ? (size_t)col : c->next_col;
		if (col == -2 || c->col >= XLSX_MAX_COLS) {
			xlsx_fail_at(&c->h, JY_EFORMAT, c->row, NULL,
				     "%s: 第%ld行单元格引用无效“%s” (bad cell reference)",
				     c->h.part, c->row, r ? r : "");
			return;
		}
		if (c->col < c->next_col) {
			xlsx_cell_fail(c, "重复或顺序错乱 (cell repeated or out of order)");
			return;
		}
		snprintf(c->type, sizeof c->type, "%s", t ? t : "");
		unsigned long sv;
		c->style = s && xlsx_parse_ulong(s, strlen(s), &sv) ? (long)sv : -1;
		c->val.len = 0;
		c->in_cell = true;
	} else if (!c->in_cell) {
		return;
	} else if (strcmp(l, "v") == 0) {
		c->in_value = true;
	} else if (strcmp(l, "is") == 0) {
		c->in_is = true;
	} else if (strcmp(l, "rPh") == 0 && c->in_is) {
		c->in_rph++;
	} else if (strcmp(l, "t") == 0 && c->in_is && !c->in_rph) {
		c->in_value = true;
	}
}

/* Turn the closed cell's raw value into text and add it to the table. */
static void xlsx_cell_done(xlsx_sheet_ctx *c)
{
	xlsx_reader *x = c->h.x;
	const char *s = c->val.p ? c->val.p : "";
	size_t n = c->val.len;
	char num[64];
	const char *t = c->type;

	if (strcmp(t, "s") == 0) {
		unsigned long i;
		if (n == 0)
			return;
		if (!x->have_sst) {
			xlsx_cell_fail(c, "引用共享字符串，但xlsx文件缺少sharedStrings.xml "
					  "(refers to shared strings, but the part is missing)");
			return;
		}
		if (!xlsx_parse_ulong(s, n, &i) || i >= x->nsst) {
			xlsx_cell_fail(
			    c, "引用了不存在的共享字符串 (shared string index out of range)");
			return;
		}
		s = x->sst.p + x->sst_off[i];
		n = x->sst_off[i + 1] - x->sst_off[i] - 1;
	} else if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0) {
		if (n > 0)
			n = xlsx_unescape(c->val.p, n);
	} else if (strcmp(t, "b") == 0) {
		if (n == 1 && (s[0] == '0' || s[0] == '1')) {
			s = s[0] == '1' ? "TRUE" : "FALSE";
			n = strlen(s);
		}
	} else if (strcmp(t, "d") == 0) {
		/* ISO 8601: keep the date, and the time unless it is midnight */
		if (n >= 19 && s[10] == 'T') {
			snprintf(num, sizeof num, "%.10s", s);
			if (strncmp(s + 11, "00:00:00", 8) != 0)
				snprintf(num + 10, sizeof num - 10, " %.8s", s + 11);
			s = num;
			n = strlen(num);
		}
	} else if (strcmp(t, "e") != 0 && n > 0) {
		/* a number ("n" or no type) */
		char *end;
		double v = strtod(s, &end);
		if (end == s + n && isfinite(v)) {
			unsigned char kind = XLSX_NUMBER;
			if (c->style >= 0 && (size_t)c->style < x->nxf && x->xf_kind)
				kind = x->xf_kind[c->style];
			if (kind == XLSX_NUMBER ||
			    !xlsx_format_date(v, kind, x->date1904, num, sizeof num))
				xlsx_format_number(v, num, sizeof num);
			s = num;
			n = strlen(num);
		}
	}
	if (n == 0)
		return;
	int rc = table_builder_pad(&x->tb, c->col);
	if (!rc)
		rc = table_builder_cell(&x->tb, s, n);
	if (rc) {
		xlsx_fail_nomem(&c->h, rc);
		return;
	}
	c->next_col = c->col + 1;
}

static void XMLCALL xlsx_sheet_end(void *ud, const XML_Char *name)
{
	xlsx_sheet_ctx *c = ud;
	if (c->h.rc || !c->in_data)
		return;
	const char *l = xlsx_local(name);
	if (strcmp(l, "v") == 0 || strcmp(l, "t") == 0) {
		c->in_value = false;
	} else if (strcmp(l, "rPh") == 0) {
		if (c->in_rph)
			c->in_rph--;
	} else if (strcmp(l, "is") == 0) {
		c->in_is = false;
	} else if (strcmp(l, "c") == 0 && c->in_cell) {
		c->in_cell = c->in_is = c->in_value = false;
		c->in_rph = 0;
		xlsx_cell_done(c);
		/* a cell not closed by next_col (empty) still claims its column */
		if (!c->h.rc && c->next_col <= c->col)
			c->next_col = c->col + 1;
	} else if (strcmp(l, "row") == 0 && c->in_row) {
		c->in_row = false;
		int rc = table_builder_end_row(&c->h.x->tb, c->row, true);
		if (rc)
			xlsx_fail_nomem(&c->h, rc);
		c->last_row = c->row;
	} else if (strcmp(l, "sheetData") == 0) {
		c->in_data = false;
	}
}

static void XMLCALL xlsx_sheet_text(void *ud, const XML_Char *s, int len)
{
	xlsx_sheet_ctx *c = ud;
	if (c->h.rc || !c->in_value)
		return;
	if (xlsx_buf_add(&c->val, s, (size_t)len))
		xlsx_fail_nomem(&c->h, JY_ENOMEM);
}

/* ---- the whole ---------------------------------------------------------- */

/* Join four strings into out (XLSX_PATH bytes); false when it does not fit. */
static bool xlsx_join(char *out, const char *a, const char *b, const char *c, const char *d)
{
	int n = snprintf(out, XLSX_PATH, "%s%s%s%s", a, b, c, d);
	return n >= 0 && n < XLSX_PATH;
}

/* Say why path cannot be opened, or what it is when it is no zip at all. */
static int xlsx_open_fail(xlsx_reader *x)
{
	FILE *f = fopen(x->path, "rb");
	if (!f) {
		int e = errno;
		char eb[128];
		return err_at(x->err, e == ENOENT ? JY_ENOENT : JY_EIO, x->path, 0, NULL,
			      "无法打开文件 (cannot open): %s", strerror_r(e, eb, sizeof eb));
	}
	unsigned char magic[4] = {0};
	size_t n = fread(magic, 1, sizeof magic, f);
	fclose(f);
	if (n == 4 && memcmp(magic, "\xD0\xCF\x11\xE0", 4) == 0)
		return err_at(x->err, JY_EFORMAT, x->path, 0, NULL,
			      "这是旧版.xls文件或加密的工作簿，请在Excel中另存为.xlsx "
			      "(legacy .xls or encrypted workbook: save it as .xlsx)");
	return err_at(x->err, JY_EFORMAT, x->path, 0, NULL,
		      "不是有效的xlsx文件：zip结构损坏、文件被截断或根本不是xlsx "
		      "(not a valid xlsx: corrupt or truncated zip, or not xlsx at all)");
}

int xlsx_read_file(const char *path, const char *sheet, table **out, jy_err *err)
{
	return xlsx_read_file_limited(path, sheet, 0, out, err);
}

int xlsx_read_file_limited(const char *path, const char *sheet, size_t max_bytes, table **out,
			   jy_err *err)
{
	xlsx_reader x = {.path = path, .err = err,
			 .max_part = max_bytes && max_bytes < XLSX_MAX_PART ? max_bytes : XLSX_MAX_PART};
	xlsx_sheet_ctx sc = {.h.rc = 0};
	char wb[XLSX_PATH] = "xl/workbook.xml", dir[XLSX_PATH], part[XLSX_PATH];
	char sheet_part[XLSX_PATH];
	bool tb_live = false;
	int rc = 0;

	*out = NULL;
	locale_t c_loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (c_loc == (locale_t)0)
		return err_at(err, JY_ENOMEM, path, 0, NULL, "内存不足 (out of memory)");
	locale_t old_loc = uselocale(c_loc);

	x.zip = unzOpen64(path);
	if (!x.zip) {
		rc = xlsx_open_fail(&x);
		goto out;
	}

	/* the workbook part, normally xl/workbook.xml */
	rc = xlsx_read_rels(&x, "_rels/.rels", "", false);
	if (rc < 0)
		goto out;
	const xlsx_rel *r = xlsx_rel_by_type(&x, "officeDocument");
	if (r)
		snprintf(wb, sizeof wb, "%s", r->target);
	const char *slash = strrchr(wb, '/');
	size_t dlen = slash ? (size_t)(slash - wb + 1) : 0;
	snprintf(dir, sizeof dir, "%.*s", (int)dlen, wb);
	if (!xlsx_join(part, dir, "_rels/", wb + dlen, ".rels")) {
		rc = err_at(err, JY_EFORMAT, path, 0, NULL, "部件名太长 (part name too long): %s",
			    wb);
		goto out;
	}

	rc = xlsx_read_rels(&x, part, dir, true);
	if (rc < 0)
		goto out;
	xlsx_xml wc = {0};
	rc = xlsx_parse_part(&x, wb, true, &wc, xlsx_workbook_start, xlsx_ignore_end,
			     xlsx_ignore_text);
	if (rc < 0)
		goto out;

	size_t si;
	if ((rc = xlsx_pick_sheet(&x, sheet, &si)))
		goto out;
	r = xlsx_rel_by_id(&x, x.sheets[si].rid);
	if (!r) {
		rc = err_at(err, JY_EFORMAT, path, 0, NULL,
			    "%s: 工作表“%s”的关系%s不存在 (sheet's relationship missing)", part,
			    x.sheets[si].name, x.sheets[si].rid);
		goto out;
	}
	snprintf(sheet_part, sizeof sheet_part, "%s", r->target);

	r = xlsx_rel_by_type(&x, "styles");
	if (r ? xlsx_join(part, r->target, "", "", "")
	      : xlsx_join(part, dir, "styles.xml", "", "")) {
		if ((rc = xlsx_read_styles(&x, part)) < 0)
			goto out;
	}
	r = xlsx_rel_by_type(&x, "sharedStrings");
	if (r ? xlsx_join(part, r->target, "", "", "")
	      : xlsx_join(part, dir, "sharedStrings.xml", "", "")) {
		if ((rc = xlsx_read_sst(&x, part)) < 0)
			goto out;
	}

	rc = table_builder_init(&x.tb, 0);
	if (rc) {
		rc = err_at(err, rc, path, 0, NULL, "内存不足 (out of memory)");
		goto out;
	}
	tb_live = true;
	x.tb.max_text = max_bytes;
	rc = xlsx_parse_part(&x, sheet_part, true, &sc.h, xlsx_sheet_start, xlsx_sheet_end,
			     xlsx_sheet_text);
	if (rc < 0)
		goto out;
	rc = table_builder_finish(&x.tb, "xlsx", out);
	if (rc)
		err_at(err, rc, path, 0, NULL, "内存不足 (out of memory)");
out:
	if (tb_live)
		table_builder_free(&x.tb);
	free(sc.val.p);
	if (x.zip)
		unzClose(x.zip);
	xlsx_rels_clear(&x);
	free(x.rels);
	for (size_t i = 0; i < x.nsheets; i++) {
		free(x.sheets[i].name);
		free(x.sheets[i].rid);
	}
	free(x.sheets);
	free(x.sst.p);
	free(x.sst_off);
	free(x.xf_fmt);
	free(x.xf_kind);
	free(x.fmts);
	uselocale(old_loc);
	freelocale(c_loc);
	return rc;
}
