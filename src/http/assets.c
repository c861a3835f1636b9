/*
 * assets.c — the web UI's files, embedded at build time (web/ → the
 * web_assets table, see scripts/embed.py), served with their SHA-256 as
 * ETag so a browser revalidates cheaply.  Paths that are not files fall back
 * to index.html (the UI routes in the browser).
 */
#include <stdio.h>
#include <string.h>

#include "http/internal.h"
#include "util/embed.h"

extern const struct embed_file web_assets[];
extern const unsigned long web_assets_count;

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
	snprintf(res->etag, sizeof res->etag, "\"%.64s\"", f->sha256);
	const char *inm = http_header(req, "If-None-Match");
	res->content_type = mime_of(f->name);
	res->cacheable = 1;
	if (inm && !strcmp(inm, res->etag)) {
		res->status = 304;
		return 0;
	}
	res->status = 200;
	res->static_body = f->data;
	res->body_len = f->len;
	return 0;
}
