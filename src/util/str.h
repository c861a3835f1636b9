/*
 * str.h — copying text into fixed buffers.
 */
#ifndef JY_STR_H
#define JY_STR_H

#include <stddef.h>
#include <string.h>

/* Copy src into dst of size bytes (size > 0), truncated and always
 * terminated, as snprintf(dst, size, "%s", src) would, without parsing a
 * format: the hot paths (bulk reads, each gate reading) copy millions. */
static inline void str_put(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = 0;
}

#endif
