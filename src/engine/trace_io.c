/*
 * trace_io.c — file readers for the tracing engine (see trace_io.h).
 *
 * Names live in one growing byte arena (NUL-terminated, offsets per id) with
 * an open-addressing hash table of ids beside it; a row costs two hash
 * lookups and a few bytes.  Files are mapped and parsed in place: a
 * contact line is split on blanks, a CSV record follows RFC 4180 (quotes,
 * doubled quotes, newlines inside quotes, CRLF or LF).  Only quoted fields
 * with doubled quotes are copied, to undo the doubling.
 *
 * This is outside the engine core on purpose: the engine never touches a
 * file, the CLI (and tests) call these and hand the arrays over.
 */
#include "engine/trace_io.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- names -- */

struct trace_names {
	char *buf;          /* names, each NUL-terminated */
	size_t len, cap;
	size_t *off;        /* off[id]: where name id starts in buf */
	uint32_t n, off_cap;
	uint32_t *slot;     /* hash table of id + 1, 0 = empty */
	size_t nslot;       /* power of two, > 2 * n */
};

static uint64_t name_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h ^ (h >> 29);
}

trace_names *trace_names_new(void)
{
	trace_names *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->nslot = 1024;
	n->slot = calloc(n->nslot, sizeof *n->slot);
	if (!n->slot) {
		free(n);
		return NULL;
	}
	return n;
}

void trace_names_free(trace_names *n)
{
	if (!n)
		return;
	free(n->buf);
	free(n->off);
	free(n->slot);
	free(n);
}

size_t trace_names_count(const trace_names *n)
{
	return n->n;
}

const char *trace_names_get(const trace_names *n, uint32_t id, size_t *len)
{
	assert(id < n->n);
	size_t end = id + 1 < n->n ? n->off[id + 1] : n->len;
	if (len)
		*len = end - n->off[id] - 1;
	return n->buf + n->off[id];
}

static int name_eq(const trace_names *n, uint32_t id, const char *s, size_t len)
{
	size_t l;
	const char *t = trace_names_get(n, id, &l);
	return l == len && memcmp(t, s, len) == 0;
}

/* The slot where name s is, or the empty slot where it would go. */
static size_t names_slot(const trace_names *n, const char *s, size_t len)
{
	size_t mask = n->nslot - 1, i = (size_t)name_hash(s, len) & mask;
	while (n->slot[i] && !name_eq(n, n->slot[i] - 1, s, len))
		i = (i + 1) & mask;
	return i;
}

int trace_names_find(const trace_names *n, const char *s, size_t len, uint32_t *id)
{
	size_t i = names_slot(n, s, len);
	if (!n->slot[i])
		return JY_ENOENT;
	*id = n->slot[i] - 1;
	return 0;
}

static int names_grow_table(trace_names *n)
{
	size_t nslot = n->nslot * 2;
	uint32_t *slot = calloc(nslot, sizeof *slot);
	if (!slot)
		return JY_ENOMEM;
	for (uint32_t id = 0; id < n->n; id++) {
		size_t len;
		const char *s = trace_names_get(n, id, &len);
		size_t i = (size_t)name_hash(s, len) & (nslot - 1);
		while (slot[i])
			i = (i + 1) & (nslot - 1);
		slot[i] = id + 1;
	}
	free(n->slot);
	n->slot = slot;
	n->nslot = nslot;
	return 0;
}

int trace_names_intern(trace_names *n, const char *s, size_t len, uint32_t *id)
{
	size_t i = names_slot(n, s, len);
	if (n->slot[i]) {
		*id = n->slot[i] - 1;
		return 0;
	}
	if (n->n >= UINT32_MAX - 2)
		return JY_ETOOBIG;
	if (n->len + len + 1 > n->cap) {
		size_t cap = n->cap ? n->cap : 4096;
		while (cap < n->len + len + 1)
			cap *= 2;
		char *buf = realloc(n->buf, cap);
		if (!buf)
			return JY_ENOMEM;
		n->buf = buf;
		n->cap = cap;
	}
	if (n->n == n->off_cap) {
		uint32_t cap = n->off_cap ? 2 * n->off_cap : 256;
		size_t *off = realloc(n->off, cap * sizeof *off);
		if (!off)
			return JY_ENOMEM;
		n->off = off;
		n->off_cap = cap;
	}
	n->off[n->n] = n->len;
	memcpy(n->buf + n->len, s, len);
	n->buf[n->len + len] = 0;
	n->len += len + 1;
	n->slot[i] = n->n + 1;
	*id = n->n++;
	if (2 * (size_t)n->n >= n->nslot)
		return names_grow_table(n);
	return 0;
}

/* ---------------------------------------------------------------- input -- */

int trace_input_init(trace_input *in)
{
	memset(in, 0, sizeof *in);
	in->persons = trace_names_new();
	in->places = trace_names_new();
	return in->persons && in->places ? 0 : JY_ENOMEM;
}

void trace_input_clear(trace_input *in)
{
	trace_names_free(in->persons);
	trace_names_free(in->places);
	free(in->pres);
	free(in->recs);
	memset(in, 0, sizeof *in);
}

static int push_record(trace_input *in, int64_t t, uint32_t i, uint32_t j)
{
	if (in->nrecs == in->recs_cap) {
		size_t cap = in->recs_cap ? 2 * in->recs_cap : 4096;
		trace_record *v = realloc(in->recs, cap * sizeof *v);
		if (!v)
			return JY_ENOMEM;
		in->recs = v;
		in->recs_cap = cap;
	}
	in->recs[in->nrecs++] = (trace_record){ t, i, j };
	return 0;
}

static int push_presence(trace_input *in, uint32_t person, uint32_t place, int64_t s, int64_t e)
{
	if (in->npres == in->pres_cap) {
		size_t cap = in->pres_cap ? 2 * in->pres_cap : 4096;
		trace_presence *v = realloc(in->pres, cap * sizeof *v);
		if (!v)
			return JY_ENOMEM;
		in->pres = v;
		in->pres_cap = cap;
	}
	in->pres[in->npres++] = (trace_presence){ person, place, s, e };
	return 0;
}

/* Parse a whole field as a decimal int64 (optional '-'): 0 or -1. */
static int parse_i64(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		return -1;
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int oom(jy_err *err, const char *name)
{
	return err_at(err, JY_ENOMEM, name, 0, "", "内存不足 out of memory");
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

int trace_parse_contacts(const char *name, const char *data, size_t len,
			 trace_input *in, jy_err *err)
{
	const char *p = data, *end = data + len;
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	static const char *const col[] = { "t", "i", "j" };
	for (long row = 1; p < end; row++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end;
		if (!eol)
			eol = end;
		if (eol > p && eol[-1] == '\r')
			eol--;
		const char *f[3];
		size_t fl[3];
		int nf = 0;
		for (const char *q = p; q < eol && nf < 3;) {
			while (q < eol && is_blank(*q))
				q++;
			if (q == eol)
				break;
			f[nf] = q;
			while (q < eol && !is_blank(*q))
				q++;
			fl[nf] = (size_t)(q - f[nf]);
			nf++;
		}
		p = next;
		if (nf == 0)
			continue; /* blank line */
		if (nf < 3)
			return err_at(err, JY_EINVAL, name, row, col[nf],
				      "缺少字段 missing field (expected `t i j`)");
		int64_t t;
		if (parse_i64(f[0], fl[0], &t) < 0)
			return err_at(err, JY_EINVAL, name, row, "t",
				      "不是整数 not an integer: '%.*s'",
				      (int)(fl[0] > 40 ? 40 : fl[0]), f[0]);
		uint32_t i, j;
		if (trace_names_intern(in->persons, f[1], fl[1], &i) < 0 ||
		    trace_names_intern(in->persons, f[2], fl[2], &j) < 0 ||
		    push_record(in, t, i, j) < 0)
			return oom(err, name);
	}
	return 0;
}

/* One CSV field: [s, s + len); quoted fields with doubled quotes have esc. */
typedef struct field {
	const char *s;
	size_t len;
	int esc;
} field;

/*
 * Parse the field at *pp (RFC 4180).  *last is set when the record ends
 * after it.  Returns 0, or -1 with *why set on bad quoting.
 */
static int csv_field(const char **pp, const char *end, field *f, int *last, const char **why)
{
	const char *p = *pp;
	f->esc = 0;
	if (p < end && *p == '"') {
		f->s = ++p;
		for (;;) {
			const char *qt = memchr(p, '"', (size_t)(end - p));
			if (!qt) {
				*why = "引号未闭合 unterminated quoted field";
				return -1;
			}
			if (qt + 1 < end && qt[1] == '"') {
				f->esc = 1;
				p = qt + 2;
				continue;
			}
			f->len = (size_t)(qt - f->s);
			p = qt + 1;
			break;
		}
		if (p < end && *p != ',' && *p != '\n' && !(*p == '\r' && (p + 1 == end || p[1] == '\n'))) {
			*why = "引号后有多余字符 characters after a closing quote";
			return -1;
		}
	} else {
		f->s = p;
		while (p < end && *p != ',' && *p != '\n')
			p++;
		f->len = (size_t)(p - f->s);
		if (p < end && *p == '\n' && f->len && p[-1] == '\r') {
			f->len--;
			p--;
		}
	}
	if (p == end) {
		*last = 1;
	} else if (*p == ',') {
		p++;
		*last = 0;
	} else {
		p += *p == '\r' ? 1 : 0;
		p += p < end && *p == '\n' ? 1 : 0;
		*last = 1;
	}
	*pp = p;
	return 0;
}

/* The text of a field, with doubled quotes undone into scratch if needed. */
static const char *field_text(const field *f, char **scratch, size_t *cap, size_t *len)
{
	if (!f->esc) {
		*len = f->len;
		return f->s;
	}
	if (f->len + 1 > *cap) {
		char *b = realloc(*scratch, f->len + 1);
		if (!b)
			return NULL;
		*scratch = b;
		*cap = f->len + 1;
	}
	size_t n = 0;
	for (size_t i = 0; i < f->len; i++) {
		(*scratch)[n++] = f->s[i];
		if (f->s[i] == '"')
			i++; /* skip the second quote of a pair */
	}
	*len = n;
	return *scratch;
}

static int header_is(const field *f, const char *want)
{
	const char *s = f->s, *e = f->s + f->len;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	size_t n = strlen(want);
	if ((size_t)(e - s) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != want[i])
			return 0;
	}
	return 1;
}

enum { P_PERSON, P_PLACE, P_START, P_END, P_N };

int trace_parse_presence(const char *name, const char *data, size_t len,
			 trace_input *in, jy_err *err)
{
	static const char *const col[P_N] = { "person", "place", "start", "end" };
	const char *p = data, *end = data + len, *why = NULL;
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	int rc = 0;
	char *scratch = NULL;
	size_t scap = 0;
	long at[P_N] = { -1, -1, -1, -1 };
	long row = 1;
	field f;
	int last = 0;

	for (long c = 0; !last; c++) {
		if (p == end && c == 0) {
			rc = err_at(err, JY_EINVAL, name, 1, "",
				    "文件为空 empty file: expected the header person,place,start,end");
			goto out;
		}
		if (csv_field(&p, end, &f, &last, &why) < 0) {
			rc = err_at(err, JY_EINVAL, name, 1, "", "%s", why);
			goto out;
		}
		for (int k = 0; k < P_N; k++)
			if (at[k] < 0 && header_is(&f, col[k]))
				at[k] = c;
	}
	for (int k = 0; k < P_N; k++)
		if (at[k] < 0) {
			rc = err_at(err, JY_EINVAL, name, 1, col[k],
				    "表头缺少列 header lacks the column '%s' (person,place,start,end)", col[k]);
			goto out;
		}
	long need = 0;
	for (int k = 0; k < P_N; k++)
		if (at[k] + 1 > need)
			need = at[k] + 1;

	while (p < end) {
		row++;
		field got[P_N];
		long c = 0;
		last = 0;
		const char *start = p;
		for (; !last; c++) {
			if (csv_field(&p, end, &f, &last, &why) < 0) {
				rc = err_at(err, JY_EINVAL, name, row, "", "%s", why);
				goto out;
			}
			for (int k = 0; k < P_N; k++)
				if (at[k] == c)
					got[k] = f;
		}
		if (c == 1 && f.len == 0 && !(p > start && *start == '"'))
			continue; /* blank line */
		if (c < need) {
			int miss = 0;
			for (int k = 0; k < P_N; k++)
				if (at[k] >= c && (at[miss] < c || at[k] < at[miss]))
					miss = k;
			rc = err_at(err, JY_EINVAL, name, row, col[miss], "缺少字段 missing field");
			goto out;
		}
		uint32_t id[2];
		for (int k = P_PERSON; k <= P_PLACE; k++) {
			size_t tl;
			const char *t = field_text(&got[k], &scratch, &scap, &tl);
			if (!t) {
				rc = oom(err, name);
				goto out;
			}
			if (tl == 0) {
				rc = err_at(err, JY_EINVAL, name, row, col[k], "不能为空 must not be empty");
				goto out;
			}
			rc = trace_names_intern(k == P_PERSON ? in->persons : in->places, t, tl, &id[k]);
			if (rc < 0) {
				rc = oom(err, name);
				goto out;
			}
		}
		int64_t tv[2];
		for (int k = P_START; k <= P_END; k++) {
			if (parse_i64(got[k].s, got[k].len, &tv[k - P_START]) < 0 || got[k].esc) {
				rc = err_at(err, JY_EINVAL, name, row, col[k],
					    "不是整数秒 not an integer number of seconds: '%.*s'",
					    (int)(got[k].len > 40 ? 40 : got[k].len), got[k].s);
				goto out;
			}
		}
		if (tv[1] < tv[0]) {
			rc = err_at(err, JY_EINVAL, name, row, "end",
				    "结束早于开始 end %lld is before start %lld",
				    (long long)tv[1], (long long)tv[0]);
			goto out;
		}
		if (push_presence(in, id[0], id[1], tv[0], tv[1]) < 0) {
			rc = oom(err, name);
			goto out;
		}
	}
out:
	free(scratch);
	return rc;
}

typedef int (*parse_fn)(const char *, const char *, size_t, trace_input *, jy_err *);

/* Map a file and parse it. */
static int read_file(const char *path, parse_fn parse, trace_input *in, jy_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_at(err, JY_EIO, path, 0, "", "无法打开 cannot open: %s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_at(err, JY_EIO, path, 0, "", "不是普通文件 not a regular file");
	}
	size_t len = (size_t)st.st_size;
	void *map = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
	int saved = errno;
	close(fd);
	if (len && map == MAP_FAILED)
		return err_at(err, JY_EIO, path, 0, "", "无法读取 cannot read: %s", strerror(saved));
	if (len)
		madvise(map, len, MADV_SEQUENTIAL);
	int rc = parse(path, len ? map : "", len, in, err);
	if (len)
		munmap(map, len);
	return rc;
}

int trace_read_contacts(const char *path, trace_input *in, jy_err *err)
{
	return read_file(path, trace_parse_contacts, in, err);
}

int trace_read_presence(const char *path, trace_input *in, jy_err *err)
{
	return read_file(path, trace_parse_presence, in, err);
}

/* ------------------------------------------------------------- renumber -- */

static int name_cmp(const void *a, const void *b, void *ctx)
{
	const trace_names *n = ctx;
	size_t la, lb;
	const char *sa = trace_names_get(n, *(const uint32_t *)a, &la);
	const char *sb = trace_names_get(n, *(const uint32_t *)b, &lb);
	int c = memcmp(sa, sb, la < lb ? la : lb);
	if (c)
		return c;
	return la < lb ? -1 : la > lb;
}

int trace_input_sort_persons(trace_input *in, jy_err *err)
{
	trace_names *old = in->persons;
	uint32_t n = (uint32_t)trace_names_count(old);
	uint32_t *order = malloc((n ? n : 1) * sizeof *order);
	uint32_t *remap = malloc((n ? n : 1) * sizeof *remap);
	trace_names *fresh = trace_names_new();
	int rc = JY_ENOMEM;
	if (!order || !remap || !fresh)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof *order, name_cmp, old);
	for (uint32_t r = 0; r < n; r++) {
		size_t len;
		const char *s = trace_names_get(old, order[r], &len);
		uint32_t id;
		if (trace_names_intern(fresh, s, len, &id) < 0)
			goto out;
		assert(id == r);
		remap[order[r]] = r;
	}
	for (size_t i = 0; i < in->npres; i++)
		in->pres[i].person = remap[in->pres[i].person];
	for (size_t i = 0; i < in->nrecs; i++) {
		in->recs[i].i = remap[in->recs[i].i];
		in->recs[i].j = remap[in->recs[i].j];
	}
	in->persons = fresh;
	fresh = old;
	rc = 0;
out:
	if (rc < 0)
		err_set(err, rc, "内存不足 out of memory");
	trace_names_free(fresh);
	free(order);
	free(remap);
	return rc;
}
