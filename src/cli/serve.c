/*
 * serve.c — `jinyun serve`: run the HTTP server until SIGINT or SIGTERM.
 *
 * The signals are blocked before the server's threads start (they inherit
 * the mask) and this thread waits for them with sigwait, then stops the
 * server cleanly: requests in flight finish, the database is closed.
 */
#include <getopt.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "http/server.h"

static const char usage[] =
	"用法 usage: jinyun serve [--db PATH] [--listen 127.0.0.1:8080] [--threads N] [--quiet]\n"
	"启动网页界面和 API，直到 Ctrl-C (SIGINT) 或 SIGTERM。\n"
	"Serve the web UI and API until SIGINT or SIGTERM.  Port 0 picks a free port;\n"
	"the address actually used is printed on stdout.\n";

int cmd_serve(int argc, char **argv)
{
	server_config cfg = { .db_url = JY_DEFAULT_DB, .listen = "127.0.0.1:8080" };
	static const struct option opts[] = { { "db", required_argument, 0, 'd' },
					      { "listen", required_argument, 0, 'l' },
					      { "threads", required_argument, 0, 't' },
					      { "quiet", no_argument, 0, 'q' },
					      { "help", no_argument, 0, 'h' },
					      { 0, 0, 0, 0 } };
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cfg.db_url = optarg; break;
		case 'l': cfg.listen = optarg; break;
		case 't': cfg.threads = atoi(optarg); break;
		case 'q': cfg.quiet = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind < argc) {
		fputs(usage, stderr);
		return 2;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	jy_err err;
	err_clear(&err);
	server *s = NULL;
	if (server_start(&cfg, &s, &err) != 0)
		return cli_fail("serve", "%s", err.msg);
	char host[64];
	snprintf(host, sizeof host, "%s", cfg.listen);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = 0;
	printf("金云 Jinyun 正在服务 listening on http://%s:%d/\n", host, server_port(s));
	fflush(stdout);
	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, "收到 %s，正在停止 (stopping)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	server_stop(s);
	return 0;
}
