#!/usr/bin/env bash
# postgres.sh — the bulk writes on PostgreSQL against the same on SQLite:
# `jinyun demo` (a 7,600-student school) and a 10,000-row roster import
# (then the same file again, all unchanged), each timed on a SQLite file and
# on a fresh database of a private PostgreSQL 15 cluster on loopback
# (tests/pg-cluster.sh), with the round trips the PostgreSQL run made.
#
#   bench/postgres.sh [BUILD_DIR]        (default: build)
set -eu
BUILD_DIR=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/$BUILD_DIR/jinyun
GEN=$ROOT/$BUILD_DIR/bench/gen_roster
if [ -z "${JINYUN_TEST_PG:-}" ]; then
	exec "$ROOT/tests/pg-cluster.sh" run "$0" "$@"
fi
T=$(mktemp -d /tmp/jinyun-bench-pg-XXXXXX)
trap 'rm -rf "$T"' EXIT
"$GEN" --format csv --rows 10000 -o "$T/roster.csv"
newdb() { # a fresh database; prints its URL
	local name=bench_$(date +%s%N)
	psql -q "${JINYUN_TEST_PG}postgres" -c "CREATE DATABASE $name"
	echo "${JINYUN_TEST_PG}$name"
}
secs() { # secs CMD… → wall seconds of CMD (output dropped)
	local s e
	s=$(date +%s.%N)
	"$@" >/dev/null
	e=$(date +%s.%N)
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }'
}
trips() { # trips CMD… → messages sent to the server (strace -c; "?" without strace)
	if command -v strace >/dev/null; then
		strace -f -c -e trace=sendto "$@" 2>&1 >/dev/null | awk '/sendto/{print $4}'
	else
		echo "?"
	fi
}
ratio() { awk -v b="$1" -v a="$2" 'BEGIN { printf "%.1f", b / a }'; }
row() { printf '%-34s %9s s %9s s %7s x %10s\n' "$@"; }
echo "load: $(uptime)"
row "" "SQLite" "PostgreSQL" "ratio" "pg sends"
pgdb=$(newdb)
a=$(secs "$BIN" demo --db "$T/demo.db")
b=$(secs "$BIN" demo --db "$pgdb")
c=$(trips "$BIN" demo --db "$(newdb)")
row "demo (7,600 students)" "$a" "$b" "$(ratio "$b" "$a")" "$c"
pgdb=$(newdb)
a=$(secs "$BIN" import roster --db "$T/import.db" "$T/roster.csv")
b=$(secs "$BIN" import roster --db "$pgdb" "$T/roster.csv")
c=$(trips "$BIN" import roster --db "$(newdb)" "$T/roster.csv")
row "import 10,000-row roster" "$a" "$b" "$(ratio "$b" "$a")" "$c"
a=$(secs "$BIN" import roster --db "$T/import.db" "$T/roster.csv")
b=$(secs "$BIN" import roster --db "$pgdb" "$T/roster.csv")
row "  again (all unchanged)" "$a" "$b" "$(ratio "$b" "$a")" ""
echo "load: $(uptime)"
