/*
 * pending.c — commands whose implementation is still being written.
 */
#include "cli/cli.h"

static int pending(const char *name)
{
	return cli_fail(name, "尚未实现 (not implemented yet)");
}

int cmd_aberration(int argc, char **argv) { (void)argc; (void)argv; return pending("aberration"); }
int cmd_trace(int argc, char **argv) { (void)argc; (void)argv; return pending("trace"); }
