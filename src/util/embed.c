/*
 * embed.c — lookup in the generated tables of embedded files.
 */
#include "util/embed.h"

#include <string.h>

const struct embed_file *embed_find(const struct embed_file *table, unsigned long n,
				    const char *name)
{
	unsigned long lo = 0, hi = n;
	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		int c = strcmp(table[mid].name, name);
		if (c == 0)
			return &table[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
