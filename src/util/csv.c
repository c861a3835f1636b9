/*
 * csv.c — reading CSV files into a table (see table.h), as schools export
 * them: from Excel on Chinese Windows (GBK/GB18030, sometimes "Unicode text"
 * in UTF-16 with tabs), from WPS or a web form (UTF-8, with or without BOM).
 *
 * The work happens in two passes over memory.  First the encoding is settled
 * and the whole input becomes UTF-8 (a BOM is stripped; input that is not
 * valid UTF-8 is converted from GB18030 with iconv; a UTF-16 BOM means
 * UTF-16).  Then one RFC 4180 pass splits records and fields: quoted fields
 * may hold delimiters, doubled quotes and line breaks; records end in CRLF,
 * LF or a lone CR; the last record may lack a line break.  The delimiter is a
 * comma, or a tab when the first line has tabs and no comma (Excel's tab-
 * separated text exports).
 *
 * Rows are numbered by record (header = 1), not physical line, so a field
 * with a line break inside does not shift later row numbers.  Records whose
 * fields are all empty (blank lines, ",,,") are dropped but keep their
 * number, as the xlsx reader does with blank rows.  A quote in the middle of
 * an unquoted field, or text after a closing quote, is kept literally, as
 * Excel does; only a quote that never closes is an error.
 */
#include "util/table.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/table_builder.h"

/* Larger inputs are refused (JY_ETOOBIG) before being read. */
#define CSV_MAX_FILE ((size_t)512 << 20)

/*
 * Length of the longest prefix of s that is well-formed UTF-8 (no overlong
 * forms, surrogates or code points above U+10FFFF); n when all of it is.  A
 * sequence cut off by the end of the buffer is not well-formed.
 */
static size_t csv_utf8_valid_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		/* fast path: 8 ASCII bytes at a time */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned lo = 0x80, hi = 0xBF; /* bounds of the second byte */
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			return i;
		}
		if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
		i += len;
	}
	return n;
}

/* The delimiter: tab when the first line has a tab and no comma, else comma. */
static char csv_sniff_delim(const char *p, size_t n)
{
	bool tab = false;
	for (size_t i = 0; i < n && p[i] != '\n' && p[i] != '\r'; i++) {
		if (p[i] == ',')
			return ',';
		if (p[i] == '\t')
			tab = true;
	}
	return tab ? '\t' : ',';
}

/*
 * The record number (1-based, blank records counted) that byte offset pos of
 * the UTF-8 (or ASCII-compatible) text p falls in.  Used to place encoding
 * errors, so it follows the same quoting rules as csv_parse.
 */
static long csv_record_at(const char *p, size_t pos, char delim)
{
	long rec = 1;
	bool quoted = false, field_start = true;
	for (size_t i = 0; i < pos; i++) {
		char c = p[i];
		if (quoted) {
			if (c == '"') {
				if (i + 1 < pos && p[i + 1] == '"')
					i++;
				else
					quoted = false;
			}
			continue;
		}
		if (c == '"' && field_start) {
			quoted = true;
			field_start = false;
		} else if (c == delim) {
			field_start = true;
		} else if (c == '\n' || c == '\r') {
			if (c == '\r' && i + 1 < pos && p[i + 1] == '\n')
				i++;
			rec++;
			field_start = true;
		} else {
			field_start = false;
		}
	}
	return rec;
}

/*
 * Convert len bytes from the iconv encoding `from` to UTF-8 into a fresh
 * malloc'd buffer (*out, *out_len).  On invalid or truncated input returns
 * JY_EFORMAT and sets *bad to the number of bytes that did convert, with
 * *out holding their UTF-8 (so the caller can say which record is bad).
 */
static int csv_iconv(const char *from, const char *data, size_t len, char **out, size_t *out_len,
		     size_t *bad)
{
	*out = NULL;
	*out_len = 0;
	*bad = 0;
	if (len > (SIZE_MAX - 16) / 2)
		return JY_ENOMEM;
	/* GB18030 and UTF-16 never need more than 2 UTF-8 bytes per input byte */
	size_t cap = len * 2 + 16;
	char *buf = malloc(cap);
	if (!buf)
		return JY_ENOMEM;
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1) {
		free(buf);
		return JY_EIO;
	}
	char *in = (char *)data, *o = buf;
	size_t in_left = len, out_left = cap;
	int rc = 0;
	if (iconv(cd, &in, &in_left, &o, &out_left) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &o, &out_left) == (size_t)-1)
		rc = (errno == E2BIG) ? JY_ENOMEM : JY_EFORMAT;
	iconv_close(cd);
	*out = buf;
	*out_len = (size_t)(o - buf);
	*bad = (size_t)(in - data);
	return rc;
}

/* Split the UTF-8 text p[0..n) into records and fields (see the top). */
static int csv_parse(const char *name, const char *p, size_t n, char delim, const char *encoding,
		     table **out, jy_err *err)
{
	table_builder b;
	int rc = table_builder_init(&b, n + 2);
	if (rc)
		return err_at(err, rc, name, 0, NULL, "内存不足 (out of memory)");
	long rec = 1;
	size_t i = 0;
	while (i < n) {
		for (;;) { /* one field per iteration */
			if (i < n && p[i] == '"') {
				i++;
				for (;;) {
					const char *q = memchr(p + i, '"', n - i);
					if (!q) {
						rc = err_at(
						    err, JY_EFORMAT, name, rec, NULL,
						    "第%ld行引号未闭合 (unterminated quote)", rec);
						goto out;
					}
					size_t k = (size_t)(q - p);
					if ((rc = table_builder_append(&b, p + i, k - i)))
						goto build_fail;
					i = k + 1;
					if (i < n && p[i] == '"') {
						if ((rc = table_builder_append(&b, "\"", 1)))
							goto build_fail;
						i++;
						continue;
					}
					break;
				}
			}
			size_t s = i;
			while (i < n && p[i] != delim && p[i] != '\n' && p[i] != '\r')
				i++;
			if ((rc = table_builder_append(&b, p + s, i - s)) ||
			    (rc = table_builder_end_cell(&b)))
				goto build_fail;
			if (i < n && p[i] == delim) {
				i++;
				continue;
			}
			break;
		}
		/* i is at the end of input or at CR, LF or CRLF */
		if (i < n && p[i] == '\r')
			i++;
		if (i < n && p[i] == '\n')
			i++;
		if ((rc = table_builder_end_row(&b, rec, false)))
			goto build_fail;
		rec++;
	}
	rc = table_builder_finish(&b, encoding, out);
	if (rc)
		goto build_fail;
	goto out;
build_fail:
	if (rc == JY_ETOOBIG)
		err_at(err, rc, name, rec, NULL, "表格太大，超过%zu个单元格 (too many cells)",
		       (size_t)TABLE_MAX_CELLS);
	else
		err_at(err, rc, name, rec, NULL, "内存不足 (out of memory)");
out:
	table_builder_free(&b);
	return rc;
}

int csv_read_buffer(const char *name, const char *data, size_t len, table **out, jy_err *err)
{
	const unsigned char *u = (const unsigned char *)data;
	char *conv = NULL;
	const char *text = data;
	size_t text_len = len;
	const char *enc = "UTF-8";
	int rc = 0;

	*out = NULL;
	if (!name)
		name = "";
	if (len >= 4 && memcmp(data, "PK\3\4", 4) == 0) {
		rc = err_at(err, JY_EFORMAT, name, 0, NULL,
			    "这是xlsx（或zip）文件，不是CSV (this is an xlsx/zip file, not CSV)");
		goto out;
	}
	if (len >= 4 && memcmp(data, "\xD0\xCF\x11\xE0", 4) == 0) {
		rc = err_at(err, JY_EFORMAT, name, 0, NULL,
			    "这是旧版Excel(.xls)文件，请另存为CSV或xlsx "
			    "(legacy .xls file: save it as CSV or xlsx)");
		goto out;
	}

	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		enc = u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
		size_t bad;
		rc = csv_iconv(enc, data + 2, len - 2, &conv, &text_len, &bad);
		text = conv;
		if (rc == JY_EFORMAT) {
			long row = csv_record_at(text, text_len, csv_sniff_delim(text, text_len));
			rc = err_at(err, rc, name, row, NULL,
				    "第%ld行不是有效的%s编码 (invalid %s)", row, enc, enc);
			goto out;
		}
		if (rc)
			goto iofail;
	} else if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		enc = "UTF-8 BOM";
		text = data + 3;
		text_len = len - 3;
		size_t ok = csv_utf8_valid_prefix((const unsigned char *)text, text_len);
		if (ok < text_len) {
			long row = csv_record_at(text, ok, csv_sniff_delim(text, text_len));
			rc = err_at(err, JY_EFORMAT, name, row, NULL,
				    "第%ld行含有无效的UTF-8字节（文件以UTF-8 BOM开头）"
				    " (invalid UTF-8 in a file marked UTF-8)",
				    row);
			goto out;
		}
	} else if (csv_utf8_valid_prefix(u, len) < len) {
		enc = "GB18030";
		size_t bad;
		rc = csv_iconv("GB18030", data, len, &conv, &text_len, &bad);
		text = conv;
		if (rc == JY_EFORMAT) {
			long row = csv_record_at(conv, text_len, csv_sniff_delim(data, len));
			rc = err_at(err, rc, name, row, NULL,
				    "第%ld行编码无法识别：既不是UTF-8也不是GBK/GB18030 "
				    "(unrecognised encoding: neither UTF-8 nor GBK/GB18030)",
				    row);
			goto out;
		}
		if (rc)
			goto iofail;
	}

	char delim = csv_sniff_delim(text, text_len);
	const char *nul = memchr(text, 0, text_len);
	if (nul) {
		long row = csv_record_at(text, (size_t)(nul - text), delim);
		rc = err_at(err, JY_EFORMAT, name, row, NULL,
			    "第%ld行含有NUL字节，这不是文本文件 (NUL byte: not a text file)", row);
		goto out;
	}
	rc = csv_parse(name, text, text_len, delim, enc, out, err);
	goto out;
iofail:
	if (rc == JY_ENOMEM)
		err_at(err, rc, name, 0, NULL, "内存不足 (out of memory)");
	else
		err_at(err, rc, name, 0, NULL, "无法进行编码转换 (iconv unavailable for %s)", enc);
out:
	free(conv);
	return rc;
}

int csv_read_file(const char *path, table **out, jy_err *err)
{
	char *data = NULL;
	size_t len = 0;
	int rc = 0;
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		char eb[128];
		rc = err_at(err, e == ENOENT ? JY_ENOENT : JY_EIO, path, 0, NULL,
			    "无法打开文件 (cannot open): %s", strerror_r(e, eb, sizeof eb));
		goto out;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = err_at(err, JY_EIO, path, 0, NULL, "不是普通文件 (not a regular file)");
		goto out;
	}
	if ((unsigned long long)st.st_size > CSV_MAX_FILE) {
		rc = err_at(err, JY_ETOOBIG, path, 0, NULL,
			    "文件太大（上限%zu MiB）(file too large, limit %zu MiB)",
			    CSV_MAX_FILE >> 20, CSV_MAX_FILE >> 20);
		goto out;
	}
	len = (size_t)st.st_size;
	data = malloc(len + 1);
	if (!data) {
		rc = err_at(err, JY_ENOMEM, path, 0, NULL, "内存不足 (out of memory)");
		goto out;
	}
	size_t got = fread(data, 1, len, f);
	if (got != len || ferror(f)) {
		rc = err_at(err, JY_EIO, path, 0, NULL, "读取文件失败 (read error)");
		goto out;
	}
	rc = csv_read_buffer(path, data, len, out, err);
out:
	if (f)
		fclose(f);
	free(data);
	return rc;
}
