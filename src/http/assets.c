/*
 * assets.c — the web UI's files, embedded at build time (web/ → the
 * web_assets table, see scripts/embed.py), served with their SHA-256 as
 * ETag so a browser revalidates cheaply.  Paths that are not files fall back
 * to index.html (the UI routes in the browser).
 *
 * Compression: embed.py also stores a gzip copy of each file that shrinks
 * (web_assets_gz, parallel to web_assets).  A request whose Accept-Encoding
 * admits gzip gets that copy with `Content-Encoding: gzip`; others get the
 * bytes as they are.  Both answers carry `Vary: Accept-Encoding`, and the
 * two representations have different ETags ("<sha256>" and
 * "<sha256>-gz"), so no cache hands one to a client that asked for the
 * other.  Nothing is compressed at run time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/internal.h"
#include "util/embed.h"

extern const struct embed_file web_assets[];
extern const unsigned long web_assets_count;
extern const struct embed_gz web_assets_gz[];

static const char *mime_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return "application/octet-stream";
	static const struct {
		const char *ext, *mime;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },	 { ".json", "application/json; charset=utf-8" },
		{ ".svg", "image/svg+xml" },		 { ".png", "image/png" },
		{ ".ico", "image/x-icon" },		 { ".woff2", "font/woff2" },
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].mime;
	return "application/octet-stream";
}

/*
 * Does an Accept-Encoding value admit gzip?  It is a comma list of codings,
 * each with optional parameters (";q=0.5"); "gzip" or "x-gzip" with a
 * non-zero q admits it, and so does "*" when gzip is not named.  An absent
 * header admits nothing (we then send the bytes as they are, which every
 * client reads).  Case does not matter.
 */
/* memchr over [p, end), safe when p >= end. */
static const char *find_in(const char *p, const char *end, char c)
{
	return p < end ? memchr(p, c, (size_t)(end - p)) : NULL;
}

static int accepts_gzip(const char *ae)
{
	int named = -1, star = 0;
	for (const char *p = ae; p && *p;) {
		const char *end = strchrnul(p, ',');
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *semi = find_in(p, end, ';');
		const char *name_end = semi ? semi : end;
		while (name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t'))
			name_end--;
		size_t n = (size_t)(name_end - p);
		double q = 1.0;
		for (const char *s = semi; s && s < end;) {
			s++;
			while (s < end && (*s == ' ' || *s == '\t'))
				s++;
			if (end - s >= 2 && (s[0] == 'q' || s[0] == 'Q') && s[1] == '=')
				q = strtod(s + 2, NULL);
			s = find_in(s, end, ';');
		}
		if ((n == 4 && !strncasecmp(p, "gzip", 4)) || (n == 6 && !strncasecmp(p, "x-gzip", 6)))
			named = q > 0;
		else if (n == 1 && *p == '*')
			star = q > 0;
		p = *end ? end + 1 : end;
	}
	return named >= 0 ? named : star;
}

/* Does If-None-Match name etag (or "*")?  The header may list several. */
static int etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return 0;
	while (*inm == ' ')
		inm++;
	return !strcmp(inm, "*") || strstr(inm, etag) != NULL;
}

int assets_serve(const http_request *req, http_response *res)
{
	const char *path = req->path;
	if (strstr(path, "..") || strchr(path, '\\'))
		return JY_ENOENT;
	while (*path == '/')
		path++;
	const struct embed_file *f = *path ? embed_find(web_assets, web_assets_count, path) : NULL;
	if (!f && !strchr(path, '.'))
		f = embed_find(web_assets, web_assets_count, "index.html");
	if (!f)
		return JY_ENOENT;
	const struct embed_gz *gz = &web_assets_gz[f - web_assets];
	int use_gz = gz->data && accepts_gzip(http_header(req, "Accept-Encoding"));
	snprintf(res->etag, sizeof res->etag, "\"%.64s%s\"", f->sha256, use_gz ? "-gz" : "");
	if (gz->data)
		snprintf(res->extra_header[1], sizeof res->extra_header[1], "Vary: Accept-Encoding");
	res->content_type = mime_of(f->name);
	res->cacheable = 1;
	if (etag_matches(http_header(req, "If-None-Match"), res->etag)) {
		res->status = 304;
		return 0;
	}
	res->status = 200;
	if (use_gz) {
		snprintf(res->extra_header[0], sizeof res->extra_header[0], "Content-Encoding: gzip");
		res->static_body = gz->data;
		res->body_len = gz->len;
	} else {
		res->static_body = f->data;
		res->body_len = f->len;
	}
	return 0;
}
