/*
 * common.c — small helpers shared by the command implementations.
 */
#include "cli/cli.h"

#include <stdlib.h>

#include <cjson/cJSON.h>

#include "store/store.h"

#include <stdarg.h>
#include <string.h>

int cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "jinyun %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

int cli_open_school(const char *cmd, const char *path, store **s, school_rec *sc)
{
	jy_err err;
	err_clear(&err);
	if (store_open(path, s, &err))
		return cli_fail(cmd, "%s", err.msg);
	if (store_school_default(*s, sc, &err)) {
		store_close(*s);
		*s = NULL;
		return cli_fail(cmd, "%s", err.msg);
	}
	return 0;
}

int cli_print_json(cJSON *j)
{
	char *text = cJSON_Print(j);
	cJSON_Delete(j);
	if (!text)
		return 1;
	puts(text);
	free(text);
	return 0;
}
