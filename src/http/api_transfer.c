/*
 * api_transfer.c — spreadsheets in and out over HTTP: the importers behind
 * `jinyun import KIND` and the roster export behind `jinyun export roster`.
 *
 *   POST /api/imports/{kind}?filename=NAME   raw file body (CSV or xlsx)
 *   GET  /api/exports/roster?format=xlsx|csv
 *
 * An import is all-or-nothing, as on the command line: the domain importer
 * checks every row before it writes anything, and on any bad row answers
 * 400 with every problem as {"file","row","column","message"} (the same
 * FILE:ROW:COLUMN the CLI prints) and nothing changed.
 *
 * A hostile upload: the body is capped by the server (HTTP_MAX_BODY, 413
 * beyond); the file name is only a label (path parts, control characters
 * and quotes are dropped, 100 bytes at most) and chooses the parser by its
 * extension, never a path on disk; an xlsx is written to a private mkstemp
 * file that is unlinked at once after reading, and is read within a budget
 * (IMPORT_MAX_INFLATED for each inflated part and for the table's text, so
 * a zip bomb or one huge shared string repeated in every cell is refused
 * before it costs memory); CSV is parsed from memory.  Who may import what is policy: POL_IMPORT and, per kind,
 * the action the rows amount to (people, checks, declarations …).  Every
 * import, accepted or refused, and every export is audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/calendar_import.h"
#include "domain/checks_import.h"
#include "domain/declarations.h"
#include "domain/presence_import.h"
#include "domain/return_plan.h"
#include "domain/roster.h"
#include "domain/screening.h"
#include "http/internal.h"
#include "util/table.h"

#define IMPORT_NAME_MAX 100
/* What an uploaded workbook may inflate to (each part, and the table's text):
 * 32 times the largest body, far above any school's sheet. */
#define IMPORT_MAX_INFLATED ((size_t)32 << 20)

/* A private temporary file path template under $TMPDIR (or /tmp). */
static void tmp_template(char *buf, size_t size, const char *suffix)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir || strlen(dir) > 200)
		dir = "/tmp";
	snprintf(buf, size, "%s/jinyun-XXXXXX%s", dir, suffix);
}

/* Write the body to a private temporary file (mode 0600); 0 and its path. */
static int write_tmp(const http_request *req, const char *suffix, char *path, size_t size, jy_err *err)
{
	tmp_template(path, size, suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	if (fd < 0)
		return err_set(err, JY_EIO, "无法创建临时文件 (cannot create a temporary file)");
	size_t off = 0;
	while (off < req->body_len) {
		ssize_t w = write(fd, req->body + off, req->body_len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
	if (off != req->body_len) {
		unlink(path);
		return err_set(err, JY_EIO, "无法写入临时文件 (cannot write a temporary file)");
	}
	return 0;
}

/* One importer: fills the summary object on success. */
typedef int (*import_fn)(http_request *req, const table *t, const char *name, cJSON *out,
			 jy_errlist *errors, jy_err *err);

static int imp_roster(http_request *req, const table *t, const char *name, cJSON *out,
		      jy_errlist *errors, jy_err *err)
{
	roster_report rep;
	memset(&rep, 0, sizeof rep);
	int rc = roster_import(req->store, t, name, &rep, errors, err);
	if (!rc) {
		cJSON_AddNumberToObject(out, "rows", (double)rep.rows);
		cJSON_AddNumberToObject(out, "added", (double)rep.added);
		cJSON_AddNumberToObject(out, "updated", (double)rep.updated);
		cJSON_AddNumberToObject(out, "unchanged", (double)rep.unchanged);
		cJSON_AddNumberToObject(out, "classes_created", (double)rep.classes_created);
		cJSON_AddNumberToObject(out, "warnings", (double)rep.warnings.n_total);
	}
	errlist_free(&rep.warnings);
	return rc;
}

static int imp_checks(http_request *req, const table *t, const char *name, cJSON *out,
		      jy_errlist *errors, jy_err *err)
{
	checks_import_report rep;
	memset(&rep, 0, sizeof rep);
	int rc = checks_import(req->store, t, name, &rep, errors, err);
	if (!rc) {
		cJSON_AddNumberToObject(out, "rows", (double)rep.rows);
		cJSON_AddNumberToObject(out, "submissions", (double)rep.submissions);
		cJSON_AddNumberToObject(out, "alerts_created", (double)rep.alerts_created);
		cJSON_AddNumberToObject(out, "alerts_updated", (double)rep.alerts_updated);
	}
	return rc;
}

static int imp_declarations(http_request *req, const table *t, const char *name, cJSON *out,
			    jy_errlist *errors, jy_err *err)
{
	declarations_import_report rep;
	memset(&rep, 0, sizeof rep);
	int rc = declarations_import(req->store, t, name, &rep, errors, err);
	if (!rc) {
		cJSON_AddNumberToObject(out, "rows", (double)rep.rows);
		cJSON_AddNumberToObject(out, "people", (double)rep.people);
		cJSON_AddNumberToObject(out, "added", (double)rep.added);
		cJSON_AddNumberToObject(out, "updated", (double)rep.updated);
		cJSON_AddNumberToObject(out, "unchanged", (double)rep.unchanged);
	}
	return rc;
}

static int imp_risk(http_request *req, const table *t, const char *name, cJSON *out,
		    jy_errlist *errors, jy_err *err)
{
	risk_import_report rep;
	memset(&rep, 0, sizeof rep);
	int rc = screening_risk_import(req->store, t, name, &rep, errors, err);
	if (!rc) {
		cJSON_AddNumberToObject(out, "rows", (double)rep.rows);
		cJSON_AddNumberToObject(out, "version", (double)rep.version);
	}
	return rc;
}

static int imp_batches(http_request *req, const table *t, const char *name, cJSON *out,
		       jy_errlist *errors, jy_err *err)
{
	return_plan_report rep;
	memset(&rep, 0, sizeof rep);
	int rc = return_plan_import(req->store, t, name, &rep, errors, err);
	if (!rc) {
		cJSON_AddNumberToObject(out, "rows", (double)rep.rows);
		cJSON_AddNumberToObject(out, "batches", (double)rep.batches);
		cJSON_AddNumberToObject(out, "classes", (double)rep.classes);
	}
	return rc;
}

static int imp_presence(http_request *req, const table *t, const char *name, cJSON *out,
			jy_errlist *errors, jy_err *err)
{
	size_t rows = 0;
	int rc = presence_import(req->store, req->user->school_id, t, name, &rows, errors, err);
	if (!rc)
		cJSON_AddNumberToObject(out, "rows", (double)rows);
	return rc;
}

static int imp_calendar(http_request *req, const table *t, const char *name, cJSON *out,
			jy_errlist *errors, jy_err *err)
{
	size_t days = 0;
	int rc = calendar_import(req->store, req->user->school_id, t, name, &days, errors, err);
	if (!rc)
		cJSON_AddNumberToObject(out, "rows", (double)days);
	return rc;
}

/* SocioPatterns contact records `t i j` (not a table): through a private
 * file, as the domain importer reads a path; ?resolution= seconds (20). */
static int imp_contacts(http_request *req, const table *t, const char *name, cJSON *out,
			jy_errlist *errors, jy_err *err)
{
	(void)t;
	int64_t res = 20;
	const char *rv = http_arg(req, "resolution");
	if (rv && *rv) {
		char *end;
		long long v = strtoll(rv, &end, 10);
		if (*end || v < 1 || v > CONTACT_MAX_RESOLUTION)
			return err_at(err, JY_EINVAL, name, 0, "resolution",
				      "resolution 应为 1–86400 秒 (resolution must be 1-86400 seconds)");
		res = v;
	}
	char path[256];
	int rc = write_tmp(req, ".txt", path, sizeof path, err);
	if (rc)
		return rc;
	size_t n = 0;
	rc = contacts_import(req->store, req->user->school_id, path, res, &n, errors, err);
	unlink(path);
	for (size_t i = 0; i < errors->n; i++)
		snprintf(errors->items[i].file, sizeof errors->items[i].file, "%s", name);
	snprintf(err->file, sizeof err->file, "%s", name);
	if (!rc) {
		cJSON_AddNumberToObject(out, "rows", (double)n);
		cJSON_AddNumberToObject(out, "resolution", (double)res);
	}
	return rc;
}

static const struct importer {
	const char *kind;
	policy_action act;   /* what the rows amount to, on top of POL_IMPORT */
	int district_wide;   /* the target is the district (school 0) for district users */
	import_fn fn;
	int raw;             /* not a table: fn reads the body itself */
} importers[] = {
	{ "batches", POL_RETURN_PLAN, 0, imp_batches, 0 },
	{ "calendar", POL_CALENDAR_WRITE, 0, imp_calendar, 0 },
	{ "checks", POL_HEALTH_WRITE, 0, imp_checks, 0 },
	{ "contacts", POL_CASE_WRITE, 0, imp_contacts, 1 },
	{ "declarations", POL_DECLARATION_WRITE, 0, imp_declarations, 0 },
	{ "presence", POL_CASE_WRITE, 0, imp_presence, 0 },
	{ "risk-regions", POL_SCREEN_EDIT, 1, imp_risk, 0 },
	{ "roster", POL_PERSON_WRITE, 0, imp_roster, 0 },
};

/* The upload's name as a label: its last path part, without control
 * characters or quotes, at most IMPORT_NAME_MAX bytes (cut at a UTF-8
 * boundary); "upload.csv" when nothing is left. */
static void clean_name(const char *raw, char *out, size_t size)
{
	const char *base = raw ? raw : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t n = 0;
	for (const char *p = base; *p && n + 1 < size && n < IMPORT_NAME_MAX; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>')
			continue;
		out[n++] = (char)c;
	}
	while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
		n--; /* a cut multi-byte character: drop its tail … */
	if (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0xC0)
		n--; /* … and its lead byte */
	out[n] = 0;
	if (!n || !strcmp(out, ".") || !strcmp(out, ".."))
		snprintf(out, size, "upload.csv");
}

static int is_xlsx_name(const char *name)
{
	size_t n = strlen(name);
	return n >= 5 && (!strcasecmp(name + n - 5, ".xlsx") || !strcasecmp(name + n - 5, ".xlsm"));
}

/* Read the body as a table: CSV from memory, xlsx through a private file. */
static int read_upload(const http_request *req, const char *name, table **t, jy_err *err)
{
	if (!is_xlsx_name(name)) {
		if (memchr(req->body, 0, req->body_len) && req->body_len >= 4 &&
		    !memcmp(req->body, "PK\003\004", 4))
			return err_at(err, JY_EFORMAT, name, 0, NULL,
				      "这是 xlsx 文件，文件名应以 .xlsx 结尾 (this is an xlsx file: name it .xlsx)");
		return csv_read_buffer(name, req->body, req->body_len, t, err);
	}
	char path[256];
	int rc = write_tmp(req, ".xlsx", path, sizeof path, err);
	if (!rc) {
		rc = xlsx_read_file_limited(path, NULL, IMPORT_MAX_INFLATED, t, err);
		unlink(path);
	}
	/* The reader names the temporary file; the person uploaded `name`. */
	snprintf(err->file, sizeof err->file, "%s", name);
	return rc;
}

static cJSON *error_item(const jy_err *e, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "file", e->file[0] ? e->file : name);
	if (e->row > 0)
		cJSON_AddNumberToObject(o, "row", (double)e->row);
	else
		cJSON_AddNullToObject(o, "row");
	cJSON_AddStringToObject(o, "column", e->column);
	cJSON_AddStringToObject(o, "message", e->msg);
	return o;
}

/* 400 with every problem listed; nothing was written. */
static void answer_refused(http_response *res, const char *name, const jy_errlist *errors,
			   const jy_err *one)
{
	size_t total = errors->n_total ? errors->n_total : 1;
	cJSON *j = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(j, "error");
	cJSON_AddStringToObject(e, "code", "import_refused");
	char msg[256];
	snprintf(msg, sizeof msg,
		 "导入失败：%zu 个错误，未写入任何数据 (import refused: %zu errors, nothing written)", total,
		 total);
	cJSON_AddStringToObject(e, "message", msg);
	cJSON_AddStringToObject(e, "field", "");
	cJSON *list = cJSON_AddArrayToObject(j, "errors");
	if (errors->n_total)
		for (size_t i = 0; i < errors->n; i++)
			cJSON_AddItemToArray(list, error_item(&errors->items[i], name));
	else
		cJSON_AddItemToArray(list, error_item(one, name));
	cJSON_AddNumberToObject(j, "total", (double)total);
	http_json(res, 400, j);
}

void api_import(http_request *req, http_response *res)
{
	const struct importer *imp = NULL;
	for (size_t i = 0; i < sizeof importers / sizeof importers[0]; i++)
		if (!strcmp(importers[i].kind, req->params[0]))
			imp = &importers[i];
	if (http_deny(req, res, POL_IMPORT, req->user->school_id, 0))
		return;
	if (!imp) {
		http_error(res, 404, "not_found", "kind",
			   "没有这种导入 (no such import; kinds: batches calendar checks contacts declarations presence "
			   "risk-regions roster)");
		return;
	}
	int district = !strcmp(req->user->scope_kind, "district");
	if (http_deny(req, res, imp->act, imp->district_wide && district ? 0 : req->user->school_id, 0))
		return;
	char name[IMPORT_NAME_MAX + 8];
	clean_name(http_arg(req, "filename"), name, sizeof name);
	if (!req->body_len) {
		http_error(res, 400, "invalid", "body", "缺少文件内容 (the request body must be the file)");
		return;
	}
	jy_err err;
	err_clear(&err);
	jy_errlist errors = { 0 };
	table *t = NULL;
	cJSON *out = cJSON_CreateObject();
	int rc = imp->raw ? 0 : read_upload(req, name, &t, &err);
	if (!rc)
		rc = imp->fn(req, t, name, out, &errors, &err);
	char detail[256];
	if (rc == JY_EINVAL || rc == JY_EFORMAT || rc == JY_ETOOBIG || (rc && errors.n_total)) {
		snprintf(detail, sizeof detail, "%s refused: %zu errors", name,
			 errors.n_total ? errors.n_total : 1);
		http_audit(req, "import", imp->kind, NULL, 0, detail);
		answer_refused(res, name, &errors, &err);
		cJSON_Delete(out);
	} else if (rc) {
		http_error_from(res, &err);
		cJSON_Delete(out);
	} else {
		const cJSON *rows = cJSON_GetObjectItemCaseSensitive(out, "rows");
		snprintf(detail, sizeof detail, "%s: %.0f rows", name, cJSON_IsNumber(rows) ? rows->valuedouble : 0);
		http_audit(req, "import", imp->kind, NULL, 0, detail);
		cJSON_AddStringToObject(out, "kind", imp->kind);
		cJSON_AddStringToObject(out, "file", name);
		http_json(res, 200, out);
	}
	errlist_free(&errors);
	table_free(t);
}

/* Read a whole file into a malloc'd buffer. */
static int slurp(const char *path, char **buf, size_t *len, jy_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(err, JY_EIO, "无法读取导出文件 (cannot read the export)");
	struct stat st;
	if (fstat(fileno(f), &st) || st.st_size < 0) {
		fclose(f);
		return err_set(err, JY_EIO, "无法读取导出文件 (cannot read the export)");
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len + 1);
	if (!*buf || fread(*buf, 1, *len, f) != *len) {
		free(*buf);
		*buf = NULL;
		fclose(f);
		return err_set(err, JY_EIO, "无法读取导出文件 (cannot read the export)");
	}
	fclose(f);
	return 0;
}

void api_export_roster(http_request *req, http_response *res)
{
	if (http_deny(req, res, POL_EXPORT, req->user->school_id, 0))
		return;
	const char *format = http_arg(req, "format");
	if (!format || !*format)
		format = "xlsx";
	int xlsx = !strcmp(format, "xlsx");
	if (!xlsx && strcmp(format, "csv")) {
		http_error(res, 400, "invalid", "format", "format 只能是 xlsx 或 csv (format must be xlsx or csv)");
		return;
	}
	jy_err err;
	err_clear(&err);
	char *buf = NULL;
	size_t len = 0;
	int rc;
	if (xlsx) {
		char path[256];
		tmp_template(path, sizeof path, ".xlsx");
		int fd = mkstemps(path, 5);
		if (fd < 0) {
			rc = err_set(&err, JY_EIO, "无法创建临时文件 (cannot create a temporary file)");
		} else {
			close(fd);
			rc = roster_export_xlsx(req->store, path, &err);
			if (!rc)
				rc = slurp(path, &buf, &len, &err);
			unlink(path);
		}
	} else {
		FILE *f = open_memstream(&buf, &len);
		rc = f ? roster_export_csv(req->store, f, &err) : err_set(&err, JY_ENOMEM, "out of memory");
		if (f && fclose(f) && !rc)
			rc = err_set(&err, JY_ENOMEM, "out of memory");
	}
	if (rc) {
		free(buf);
		http_error_from(res, &err);
		return;
	}
	http_audit(req, "export", "roster", NULL, 0, format);
	res->status = 200;
	res->content_type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				 : "text/csv; charset=utf-8";
	res->body = buf;
	res->body_len = len;
	snprintf(res->extra_header[0], sizeof res->extra_header[0],
		 "Content-Disposition: attachment; filename=\"roster.%s\"", xlsx ? "xlsx" : "csv");
}
