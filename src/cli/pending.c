/*
 * pending.c — commands whose implementation is still being written.
 */
#include "cli/cli.h"

int cmd_trace(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("trace", "尚未实现 (not implemented yet)");
}
