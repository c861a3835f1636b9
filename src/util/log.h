/*
 * log.h — structured log lines on stderr: one JSON object per line (for
 * journald and log shippers) or a short text line for people.  Requests
 * and notable events only; never personal or health data — callers pass
 * route patterns, ids and counts, not names or paths with ids.
 */
#ifndef JY_LOG_H
#define JY_LOG_H

typedef enum log_format { LOG_JSON = 0, LOG_TEXT = 1 } log_format;

/* "json" or "text" → *f; -1 when neither. */
int log_format_parse(const char *s, log_format *f);

/* Now as 2026-11-27T07:40:00.123Z. */
void log_time(char out[32]);

/* Write a JSON string literal of s (escaped, quoted) into out. */
void log_quote(const char *s, char *out, unsigned size);

/* One event line: level (info warn error), event name, then key/value
 * string pairs ending with NULL. */
void log_event(log_format f, const char *level, const char *event, ...)
	__attribute__((sentinel));

#endif
