/*
 * serve.c — `jinyun serve`: run the HTTP server until SIGINT or SIGTERM.
 *
 * The signals are blocked before the server's threads start (they inherit
 * the mask) and this thread waits for them with sigwait, then stops the
 * server cleanly: requests in flight finish, the database is closed.
 *
 * A SQLite database is locked (PATH.lock, util/lockfile.h) for as long as
 * the server runs, so that `jinyun restore` refuses to replace it under
 * the server.  The metrics token comes from the environment
 * (JINYUN_METRICS_TOKEN), not the command line where `ps` would show it.
 */
#include <getopt.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "http/server.h"
#include "util/lockfile.h"
#include "util/log.h"

static const char usage[] =
	"用法 usage: jinyun serve [--db PATH] [--listen 127.0.0.1:8080] [--threads N] [--quiet]\n"
	"                    [--tls-cert CERT.pem --tls-key KEY.pem] [--log-format json|text]\n"
	"启动网页界面和 API，直到 Ctrl-C (SIGINT) 或 SIGTERM。\n"
	"Serve the web UI and API until SIGINT or SIGTERM.  Port 0 picks a free port;\n"
	"the address actually used is printed on stdout.  --tls-cert/--tls-key serve HTTPS\n"
	"(needed to receive partner messages).  Logs: one line per request on stderr, JSON by\n"
	"default.  /metrics answers loopback clients, or anyone with the bearer token in\n"
	"$JINYUN_METRICS_TOKEN when set.\n";

int cmd_serve(int argc, char **argv)
{
	server_config cfg = { .db_url = JY_DEFAULT_DB, .listen = "127.0.0.1:8080" };
	static const struct option opts[] = { { "db", required_argument, 0, 'd' },
					      { "listen", required_argument, 0, 'l' },
					      { "threads", required_argument, 0, 't' },
					      { "quiet", no_argument, 0, 'q' },
					      { "tls-cert", required_argument, 0, 'C' },
					      { "tls-key", required_argument, 0, 'K' },
					      { "log-format", required_argument, 0, 'F' },
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
		case 'C': cfg.tls_cert = optarg; break;
		case 'K': cfg.tls_key = optarg; break;
		case 'F': {
			log_format f;
			if (log_format_parse(optarg, &f)) {
				fprintf(stderr, "jinyun serve: --log-format 应为 json 或 text (json or text)\n");
				return 2;
			}
			cfg.log_format = (int)f;
			break;
		}
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

	cfg.metrics_token = getenv("JINYUN_METRICS_TOKEN");
	jy_err err;
	err_clear(&err);
	int lock = -1;
	if (strncmp(cfg.db_url, "postgres://", 11) && strncmp(cfg.db_url, "postgresql://", 13) &&
	    lockfile_take(cfg.db_url, &lock, NULL, &err) != 0)
		return cli_fail("serve", "%s", err.msg);
	server *s = NULL;
	if (server_start(&cfg, &s, &err) != 0) {
		lockfile_release(lock);
		return cli_fail("serve", "%s", err.msg);
	}
	char host[64];
	snprintf(host, sizeof host, "%s", cfg.listen);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = 0;
	const char *scheme = cfg.tls_cert ? "https" : "http";
	printf("金云 Jinyun 正在服务 listening on %s://%s:%d/\n", scheme, host, server_port(s));
	fflush(stdout);
	char port[16], threads[16];
	snprintf(port, sizeof port, "%d", server_port(s));
	if (cfg.threads > 0)
		snprintf(threads, sizeof threads, "%d", cfg.threads);
	else
		snprintf(threads, sizeof threads, "auto");
	log_format lf = cfg.log_format == LOG_TEXT ? LOG_TEXT : LOG_JSON;
	if (!cfg.quiet)
		log_event(lf, "info", "server_start", "version", JINYUN_VERSION, "scheme", scheme,
			  "host", host, "port", port, "threads", threads,
			  "metrics", cfg.metrics_token ? "token" : "loopback", NULL);
	int sig = 0;
	sigwait(&set, &sig);
	if (!cfg.quiet)
		log_event(lf, "info", "server_stop", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM", NULL);
	server_stop(s);
	lockfile_release(lock);
	return 0;
}
