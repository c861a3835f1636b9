/*
 * embed.h — files built into the binary at build time (scripts/embed.py):
 * SQL migrations and the web UI's assets.  Each table is sorted by name.
 *
 * Beside each table SYMBOL the generator writes SYMBOL_gz, parallel to it
 * (row i of one is file i of the other): a gzip copy of each file, which
 * the web server sends to browsers that accept it (src/http/assets.c).
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

/* The gzip-compressed copy (RFC 1952) of a file, or { NULL, 0 } when
 * compressing would not make it smaller. */
struct embed_gz {
	const unsigned char *data;
	unsigned long len;
};

/* Binary search a sorted table; NULL when absent. */
const struct embed_file *embed_find(const struct embed_file *table, unsigned long n,
				    const char *name);

#endif
