/*
 * embed.h — files built into the binary at build time (scripts/embed.py):
 * SQL migrations and the web UI's assets.  Each table is sorted by name.
 */
#ifndef JY_EMBED_H
#define JY_EMBED_H

#include <stddef.h>

struct embed_file {
	const char *name;            /* path relative to its folder, '/'-separated */
	const unsigned char *data;   /* bytes, followed by a NUL (not counted) */
	unsigned long len;
	const char *sha256;          /* hex digest, for ETags */
};

/* Binary search a sorted table; NULL when absent. */
const struct embed_file *embed_find(const struct embed_file *table, unsigned long n,
				    const char *name);

#endif
