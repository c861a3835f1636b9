#!/bin/sh
# A private PostgreSQL 15 cluster for the tests, on a free loopback port.
#
#   tests/pg-cluster.sh start DIR    create and start a cluster in DIR (new or
#                                    empty); prints its URL, also in DIR/url
#   tests/pg-cluster.sh stop DIR     stop it and remove DIR
#   tests/pg-cluster.sh run CMD…     start one in a temporary folder, run CMD
#                                    with JINYUN_TEST_PG set to its URL, stop
#                                    it (also when CMD fails or is interrupted);
#                                    exits with CMD's status
#
# The tests (tests/support/testutil.c) create a fresh database per test in
# the cluster named by JINYUN_TEST_PG.  initdb refuses to run as root, so as
# root the cluster belongs to the postgres user (runuser); otherwise to the
# caller.  fsync is off: the cluster lives only as long as the tests.
set -eu
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
	dir=$1
	mkdir -p "$dir"
	[ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
	if [ ! -x "$PGBIN/initdb" ]; then
		echo "pg-cluster: $PGBIN/initdb not found (apt-get install postgresql)" >&2
		return 1
	fi
	as_owner "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
		--no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
	tries=0
	while :; do
		port=$(free_port)
		if as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/data/log" -w -t 30 -o \
			"-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
			start >/dev/null; then
			break
		fi
		tries=$((tries + 1))
		if [ $tries -ge 3 ]; then
			cat "$dir/data/log" >&2
			return 1
		fi
	done
	echo "postgresql://postgres@127.0.0.1:$port/" >"$dir/url"
	cat "$dir/url"
}

stop() {
	dir=$1
	[ -d "$dir/data" ] && as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}

cmd=${1:-}
case "$cmd" in
start)
	[ $# -eq 2 ] || { echo "usage: $0 start DIR" >&2; exit 2; }
	start "$2"
	;;
stop)
	[ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
	stop "$2"
	;;
run)
	shift
	[ $# -ge 1 ] || { echo "usage: $0 run CMD…" >&2; exit 2; }
	dir=$(mktemp -d /tmp/jinyun-pg-XXXXXX)
	pid=
	trap 'stop "$dir"' EXIT
	# A signal stops CMD and the cluster at once (the shell would otherwise
	# wait for CMD before running the trap).
	trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; exit 130' INT TERM
	start "$dir" >/dev/null
	JINYUN_TEST_PG=$(cat "$dir/url")
	export JINYUN_TEST_PG
	echo "PostgreSQL cluster for the tests: $JINYUN_TEST_PG" >&2
	"$@" <&0 &
	pid=$!
	st=0
	wait "$pid" || st=$?
	exit $st
	;;
*)
	echo "usage: $0 start DIR | stop DIR | run CMD…" >&2
	exit 2
	;;
esac
