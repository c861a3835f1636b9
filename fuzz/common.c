/*
 * common.c — the fixtures fuzz targets share (see fuzz.h).
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "domain/auth.h"
#include "domain/demo.h"
#include "domain/gate.h"
#include "http/internal.h"

const char *const fz_roles[8] = { "admin", "principal", "reporter", "teacher", "gate",
				  "logistics", "district", NULL };

int fz_memfile(const uint8_t *data, size_t size, char path[64])
{
	int fd = memfd_create("fuzz-input", 0);
	if (fd < 0) {
		perror("memfd_create");
		abort();
	}
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0) {
			perror("write");
			abort();
		}
		off += (size_t)n;
	}
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

static void die(const char *what, const jy_err *err)
{
	fprintf(stderr, "fuzz fixture: %s: %s\n", what, err ? err->msg : "");
	abort();
}

static fz_school *school_create(void)
{
	static fz_school fz;   /* one per process, built once and never freed */
	char dir[] = "/tmp/jinyun-fuzz-XXXXXX";
	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	char path[96];
	snprintf(path, sizeof path, "%s/fuzz.db", dir);
	jy_err err = { 0 };
	if (store_open(path, &fz.s, &err))
		die("store_open", &err);
	demo_opts o = { .students = DEMO_STUDENTS_MIN, .seed = 1, .days = 3 };
	demo_counts c;
	if (demo_create(fz.s, &o, &c, &err))
		die("demo_create", &err);
	fz.school_id = c.school_id;
	size_t n;
	const demo_login *logins = demo_logins(&n);
	for (size_t r = 0; fz_roles[r]; r++) {
		for (size_t i = 0; i < n; i++) {
			if (strcmp(logins[i].role, fz_roles[r]))
				continue;
			user_rec u;
			if (auth_login(fz.s, logins[i].username, logins[i].password, "127.0.0.1",
				       fz.session[r], &u, &err))
				die("auth_login", &err);
			break;
		}
	}
	int64_t id;
	if (gate_device_add(fz.s, fz.school_id, "fuzz-gate-1", "东门", fz.device_token, &id, &err))
		die("gate_device_add", &err);
	/* The database file stays until the process ends; unlink it now so a
	 * killed fuzzer leaves nothing behind. */
	unlink(path);
	char wal[112];
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
	rmdir(dir);
	return &fz;
}

fz_school *fz_school_get(void)
{
	static fz_school *fz;
	if (!fz)
		fz = school_create();
	return fz;
}

void fz_dispatch(http_request *req, http_response *res)
{
	router_dispatch(req, res);
	http_deferred *d = req->deferred;
	if (!d)
		return;
	free(res->body);
	memset(res, 0, sizeof *res);
	err_clear(&d->err);
	d->rc = d->job.run(req->store, &d->job, &d->err);
	d->reply(d, res);
	d->release(d);
}
