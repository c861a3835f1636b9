/*
 * fuzz.h — what the libFuzzer targets in fuzz/ share.
 *
 * Each target defines LLVMFuzzerTestOneInput (and may define
 * LLVMFuzzerInitialize).  Built with clang -fsanitize=fuzzer for `make
 * fuzz`; built with replay.c instead of libFuzzer's main for `make check`,
 * where it runs every file of fuzz/corpus/<target>/ and
 * fuzz/regress/<target>/ once (so a crash found once stays fixed).
 */
#ifndef JY_FUZZ_H
#define JY_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a file that path-taking readers can open: a memfd, named
 * /proc/self/fd/N.  Returns the fd (close it after use) and fills path. */
int fz_memfile(const uint8_t *data, size_t size, char path[64]);

/*
 * A small demo school (120 students, three days of history) in a private
 * temporary database, created once per process; with the demo logins'
 * sessions and a gate device.  Every target that writes runs each input
 * inside store_begin()/store_rollback() on it, so inputs do not see each
 * other's effects.
 */
typedef struct fz_school {
	store *s;
	int64_t school_id;
	char session[8][72];    /* tokens of the demo logins, by fz_roles order */
	char device_token[72];
} fz_school;

extern const char *const fz_roles[8];   /* admin principal reporter teacher gate logistics district, NULL */

fz_school *fz_school_get(void);

struct http_request;
struct http_response;
/* router_dispatch(), and for a request the handler deferred to the
 * group-commit writer (http_defer), what the server does with it: run the
 * job on the request's store (inside the caller's transaction) and let it
 * fill the answer. */
void fz_dispatch(struct http_request *req, struct http_response *res);

#endif
