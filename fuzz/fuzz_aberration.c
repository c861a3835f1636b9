/*
 * fuzz_aberration.c — `jinyun aberration`'s input: the count-series CSV
 * (idx, year, epoch_in_year, observed, optional date; NA counts), its
 * checks, the frequency inference and the engines behind it (EARS
 * C1/C2/C3, algo.farrington, farringtonFlexible).  The first byte chooses
 * the method; the rest is the file.  The command's output goes to
 * /dev/null; a finding is a sanitizer report or an exit status other
 * than 0 (done) or 1 (bad input, said on stderr).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	int null = open("/dev/null", O_WRONLY);
	if (null >= 0) {
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const char *const methods[][3] = {
		{ "ears", "--method", "C1" },
		{ "ears", "--method", "C2" },
		{ "ears", "--method", "C3" },
		{ "farrington", NULL, NULL },
		{ "flexible", NULL, NULL },
	};
	const char *const *m = methods[data[0] % 5];
	char path[64];
	int fd = fz_memfile(data + 1, size - 1, path);
	char *argv[6];
	int argc = 0;
	argv[argc++] = "aberration";
	for (int i = 0; i < 3 && m[i]; i++)
		argv[argc++] = (char *)m[i];
	argv[argc++] = path;
	argv[argc] = NULL;
	int rc = cmd_aberration(argc, argv);
	close(fd);
	if (rc != 0 && rc != 1) {
		fprintf(stderr, "fuzz_aberration: exit status %d\n", rc);
		abort();
	}
	return 0;
}
