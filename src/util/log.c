/*
 * log.c — see log.h.  Each line is formatted into one buffer and written
 * with a single fputs so that lines from the server's threads never mix.
 */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int log_format_parse(const char *s, log_format *f)
{
	if (s && !strcmp(s, "json"))
		*f = LOG_JSON;
	else if (s && !strcmp(s, "text"))
		*f = LOG_TEXT;
	else
		return -1;
	return 0;
}

void log_time(char out[32])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

void log_quote(const char *s, char *out, unsigned size)
{
	unsigned n = 0;
	if (size < 3) {
		if (size)
			out[0] = 0;
		return;
	}
	out[n++] = '"';
	for (; s && *s && n + 8 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c < 0x20) {
			n += (unsigned)snprintf(out + n, size - n, "\\u%04x", c);
		} else {
			out[n++] = (char)c;
		}
	}
	out[n++] = '"';
	out[n] = 0;
}

void log_event(log_format f, const char *level, const char *event, ...)
{
	char line[2048], t[32], q[512];
	log_time(t);
	size_t n;
	if (f == LOG_JSON)
		n = (size_t)snprintf(line, sizeof line, "{\"time\":\"%s\",\"level\":\"%s\",\"event\":\"%s\"",
				     t, level, event);
	else
		n = (size_t)snprintf(line, sizeof line, "%s %s %s", t, level, event);
	va_list ap;
	va_start(ap, event);
	const char *k;
	while ((k = va_arg(ap, const char *)) != NULL && n < sizeof line) {
		const char *v = va_arg(ap, const char *);
		if (f == LOG_JSON) {
			log_quote(v ? v : "", q, sizeof q);
			n += (size_t)snprintf(line + n, sizeof line - n, ",\"%s\":%s", k, q);
		} else {
			n += (size_t)snprintf(line + n, sizeof line - n, " %s=%s", k, v ? v : "");
		}
	}
	va_end(ap);
	if (n < sizeof line)
		snprintf(line + n, sizeof line - n, f == LOG_JSON ? "}\n" : "\n");
	else
		memcpy(line + sizeof line - 3, f == LOG_JSON ? "}\n" : "\n", f == LOG_JSON ? 3 : 2);
	fputs(line, stderr);
}
