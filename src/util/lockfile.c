/*
 * lockfile.c — see lockfile.h.
 */
#include "util/lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int lockfile_take(const char *db_path, int *fd, long *holder, jy_err *err)
{
	*fd = -1;
	if (holder)
		*holder = 0;
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s.lock", db_path) >= sizeof path)
		return err_set(err, JY_EINVAL, "路径过长 (path too long): %s", db_path);
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f < 0)
		return err_set(err, JY_EIO, "无法创建锁文件 cannot create lock file %s: %s", path,
			       strerror(errno));
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	if (fcntl(f, F_SETLK, &l) != 0) {
		struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
		long pid = 0;
		if (fcntl(f, F_GETLK, &q) == 0 && q.l_type != F_UNLCK)
			pid = (long)q.l_pid;
		close(f);
		if (holder)
			*holder = pid;
		return err_set(err, JY_ECONFLICT,
			       "数据库 %s 正被进程 %ld 使用（服务或恢复），请先停止它，例如 systemctl stop jinyun "
			       "(the database is in use by process %ld — a server or a restore; stop it first)",
			       db_path, pid, pid);
	}
	*fd = f;
	return 0;
}

void lockfile_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
