/*
 * httpc.c — see httpc.h.
 */
#include "httpc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

int httpc_request(int port, const char *method, const char *path, const char *extra_headers,
		  const char *body, size_t body_len, httpc_resp *r)
{
	memset(r, 0, sizeof *r);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	char head[4096];
	int n = snprintf(head, sizeof head,
			 "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s"
			 "Content-Length: %zu\r\n\r\n",
			 method, path, port, extra_headers ? extra_headers : "", body ? body_len : 0);
	if (write(fd, head, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	size_t off = 0;
	while (body && off < body_len) {
		ssize_t w = write(fd, body + off, body_len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		ssize_t k = read(fd, buf + len, cap - len - 1);
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	close(fd);
	buf[len] = 0;
	char *sep = strstr(buf, "\r\n\r\n");
	if (!sep || sscanf(buf, "HTTP/1.%*d %d", &r->status) != 1) {
		free(buf);
		return -1;
	}
	size_t hlen = (size_t)(sep - buf);
	r->headers = strndup(buf, hlen);
	r->body_len = len - hlen - 4;
	r->body = malloc(r->body_len + 1);
	memcpy(r->body, sep + 4, r->body_len);
	r->body[r->body_len] = 0;
	free(buf);
	return 0;
}

void httpc_free(httpc_resp *r)
{
	free(r->headers);
	free(r->body);
	memset(r, 0, sizeof *r);
}

void httpc_header(const httpc_resp *r, const char *name, char *out, size_t size)
{
	out[0] = 0;
	size_t nl = strlen(name);
	for (const char *p = r->headers; p && *p;) {
		const char *eol = strstr(p, "\r\n");
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			size_t vl = len - (size_t)(v - p);
			snprintf(out, size, "%.*s", (int)vl, v);
			return;
		}
		p = eol ? eol + 2 : NULL;
	}
}

int httpc_login(int port, const char *user, const char *password, char *cookie, size_t size)
{
	char body[300];
	snprintf(body, sizeof body, "{\"username\":\"%.100s\",\"password\":\"%.100s\"}", user, password);
	httpc_resp r;
	cookie[0] = 0;
	if (httpc_request(port, "POST", "/api/session", NULL, body, strlen(body), &r))
		return -1;
	int status = r.status;
	if (status == 200) {
		char sc[512];
		httpc_header(&r, "Set-Cookie", sc, sizeof sc);
		char *semi = strchr(sc, ';');
		if (semi)
			*semi = 0;
		snprintf(cookie, size, "%s", sc);
	}
	httpc_free(&r);
	return status;
}

int test_server_start(test_server *s, const char *db)
{
	return test_server_start_ex(s, db, NULL, NULL);
}

int test_server_start_ex(test_server *s, const char *db, const char *const *extra,
			 const char *stderr_path)
{
	int pipefd[2];
	if (pipe(pipefd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		close(pipefd[1]);
		const char *argv[32] = { "jinyun", "serve", "--db", db, "--listen", "127.0.0.1:0" };
		int n = 6;
		if (stderr_path) {
			FILE *f = freopen(stderr_path, "w", stderr);
			(void)f;
		} else {
			argv[n++] = "--quiet";
		}
		for (int i = 0; extra && extra[i] && n < 31; i++)
			argv[n++] = extra[i];
		argv[n] = NULL;
		execv(tu_jinyun_bin(), (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	char line[256] = "";
	size_t n = 0;
	struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
	while (n < sizeof line - 1 && poll(&pfd, 1, 20000) > 0) {
		ssize_t k = read(pipefd[0], line + n, 1);
		if (k <= 0)
			break;
		if (line[n++] == '\n')
			break;
	}
	line[n] = 0;
	close(pipefd[0]);
	const char *p = strstr(line, "127.0.0.1:");
	s->pid = pid;
	s->port = p ? atoi(p + 10) : 0;
	if (!s->port) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return 0;
}

void test_server_stop(test_server *s)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, SIGTERM);
	int st;
	waitpid(s->pid, &st, 0);
	s->pid = 0;
}
