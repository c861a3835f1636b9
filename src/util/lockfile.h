/*
 * lockfile.h — "this SQLite database is in use by a server": an advisory
 * write lock (fcntl) on PATH.lock, held by `jinyun serve` for its lifetime
 * and by `jinyun restore` while it replaces the file, so that neither runs
 * under the other.  The kernel drops the lock when the process ends, so a
 * crash never leaves it behind.
 */
#ifndef JY_LOCKFILE_H
#define JY_LOCKFILE_H

#include "util/err.h"

/* Take the lock of db_path; *fd receives the descriptor to release.
 * JY_ECONFLICT (and *holder the other process's pid, 0 when unknown) when
 * another process holds it; JY_EIO when the lock file cannot be made. */
int lockfile_take(const char *db_path, int *fd, long *holder, jy_err *err);
/* Release (fd < 0 is accepted). */
void lockfile_release(int fd);

#endif
