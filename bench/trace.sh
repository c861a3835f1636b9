#!/bin/bash
# bench/trace.sh — the contact-tracing benchmark (bench/bench_trace.c):
# the engine on a generated district of 300,000 students, and the same
# traces in SQL on a private PostgreSQL 15 cluster (started here on a
# loopback port, stopped by a trap) and on SQLite.  See bench/README.md.
#
#   bench/trace.sh [BUILD_DIR] [bench_trace options]   (default build dir: build)
#
# Needs about 6 GB of memory and, with the defaults, 10-15 minutes (most of
# it SQLite).  The report goes to stdout and bench/out/trace.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
	BUILD=$1
	shift
fi
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" bench/bench_trace >/dev/null

PGBIN=/usr/lib/postgresql/15/bin
PORT=${BENCH_PG_PORT:-55433}
PGDATA=$(mktemp -d /tmp/jinyun-bench-pg-XXXXXX)
SQLITE_DB=$(mktemp -u /tmp/jinyun-bench-trace-XXXXXX.db)
AS=()
if [ "$(id -u)" -eq 0 ]; then # initdb refuses root: run the cluster as postgres
	chown postgres:postgres "$PGDATA"
	AS=(runuser -u postgres --)
fi
stop() {
	"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$PGDATA" "$SQLITE_DB"
}
trap stop EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w \
	-o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=512MB" start >/dev/null

mkdir -p bench/out
{
	echo "# bench/trace.sh on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	"$BUILD/bench/bench_trace" --pg "host=127.0.0.1 port=$PORT user=postgres dbname=postgres" \
		--sqlite "$SQLITE_DB" "$@"
} | tee bench/out/trace.txt
