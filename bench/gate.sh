#!/usr/bin/env bash
# gate.sh — gate readings through the HTTP API (issue 5): the morning rush
# of a school district's gates, POST /api/gate/readings from device tokens.
#
#   bench/gate.sh [BUILD_DIR | path/to/jinyun]      (default: build)
#
# Goal: >= 20,000 readings/s with p99 < 10 ms, every reading durably stored
# before the answer (the SQLite store commits each reading, with its audit
# record, before answering).
#
# What it does (about 2 minutes):
#   1. a school of GATE_PEOPLE students (default 50,000; bench/gen_roster),
#      all in one return batch on 2020-05-12, a health declaration each,
#      screened (so the gate reads a current result, as on the real day);
#   2. `jinyun device add` → a token; `jinyun serve --listen 127.0.0.1:0`;
#   3. wrk -t2 -c64 -d10s --latency -s bench/gate.lua: random students,
#      35.8–37.0 °C, 0.5 % at 37.5 °C (recheck);
#   4. durability: the readings answered 200 (wrk's count) against the
#      readings stored (`jinyun export gate-readings`), after the server
#      has been killed with SIGKILL (no clean shutdown);
#   5. the same load with one connection (latency without queueing).
# Everything goes to 127.0.0.1.  A trap stops the server it started (by PID)
# and removes its temp dir.
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ARG=${1:-build}
case $ARG in /*) ;; *) ARG=$ROOT/$ARG ;; esac
if [ -d "$ARG" ]; then BIN=$ARG/jinyun; BUILD_DIR=$ARG; else BIN=$ARG; BUILD_DIR=$(dirname "$ARG"); fi
GEN=$BUILD_DIR/bench/gen_roster
for x in "$BIN" "$GEN"; do
	[ -x "$x" ] || { echo "gate.sh: $x not built (run ninja first)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "gate.sh: wrk is not installed (apt-get install wrk)" >&2; exit 2; }

PEOPLE=${GATE_PEOPLE:-50000}
DURATION=${GATE_DURATION:-10s}
T=$(mktemp -d "${TMPDIR:-/tmp}/jinyun-gate.XXXXXX")
DB=$T/gate.db
SERVE_PID=

stop_server() {
	[ -n "$SERVE_PID" ] || return 0
	kill -"${1:-TERM}" "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID" 2>/dev/null
	SERVE_PID=
}
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_server KILL
	rm -rf "$T"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() {
	"$BIN" serve --db "$DB" --listen 127.0.0.1:0 --quiet >"$T/serve.out" 2>&1 &
	SERVE_PID=$!
	for _ in $(seq 100); do
		PORT=$(grep -o '127\.0\.0\.1:[0-9]*' "$T/serve.out" | head -1 | cut -d: -f2)
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	echo "gate.sh: the server did not start" >&2
	cat "$T/serve.out" >&2
	exit 1
}

stored() { "$BIN" export gate-readings --db "$DB" --format csv | tail -n +2 | wc -l; }

echo "== gate.sh: $(nproc) cores, $("$BIN" --version), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== 1. a school of $PEOPLE students, screened for 2020-05-12"
t0=$SECONDS
"$GEN" --rows "$PEOPLE" -o "$T/roster.csv" >/dev/null
"$BIN" import roster --db "$DB" "$T/roster.csv" >/dev/null || exit 1
{
	echo "batch,class,return_date"
	tail -n +2 "$T/roster.csv" | cut -d, -f5 | sort -u | sed 's/^/第一批,/; s/$/,2020-05-12/'
} >"$T/batches.csv"
"$BIN" import batches --db "$DB" "$T/batches.csv" >/dev/null || exit 1
{
	echo "person_no,kind,date_from,date_to,region,temperature,symptoms,note"
	tail -n +2 "$T/roster.csv" | cut -d, -f1 | sed 's/$/,health,2020-05-11,,,36.5,,/'
} >"$T/decl.csv"
"$BIN" import declarations --db "$DB" "$T/decl.csv" | tail -1 || exit 1
"$BIN" screen --db "$DB" --date 2020-05-12 | tail -1
echo "   ready in $((SECONDS - t0)) s"

echo "== 2. a device and the server"
TOKEN=$("$BIN" device add --db "$DB" --name 东门1号 --gate 东门 2>/dev/null)
[ ${#TOKEN} -eq 64 ] || { echo "gate.sh: no device token" >&2; exit 1; }
start_server
URL=http://127.0.0.1:$PORT/api/gate/readings
curl -s --max-time 5 -X POST -H "Authorization: Bearer $TOKEN" \
	-d '{"person":"S00000001","temperature":36.5,"time":"2020-05-12T06:00:00+08:00"}' "$URL"
echo

run_wrk() { # THREADS CONNECTIONS LABEL
	local before after
	before=$(stored)
	echo "== $3: wrk -t$1 -c$2 -d$DURATION --latency"
	GATE_TOKEN=$TOKEN GATE_PEOPLE=$PEOPLE wrk -t"$1" -c"$2" -d"$DURATION" --timeout 5s --latency \
		-s "$ROOT/bench/gate.lua" "$URL" | tee "$T/wrk.txt"
	REQS=$(awk '/requests in/ { print $1 }' "$T/wrk.txt")
	RPS=$(awk '/Requests\/sec/ { print $2 }' "$T/wrk.txt")
	P99=$(awk '$1 == "99%" { print $2 }' "$T/wrk.txt")
	NON2XX=$(awk '/Non-2xx/ { print $5 }' "$T/wrk.txt")
	ERRS=$(awk '/Socket errors/ { print }' "$T/wrk.txt")
	# Durability: kill the server without a clean shutdown, then count.
	stop_server KILL
	after=$(stored)
	STORED=$((after - before))
	start_server
	URL=http://127.0.0.1:$PORT/api/gate/readings
}

run_wrk 2 64 "3. the rush"
R_RPS=$RPS R_P99=$P99 R_REQS=$REQS R_STORED=$STORED R_NON2XX=${NON2XX:-0}
run_wrk 1 1 "4. one terminal at a time"
S_RPS=$RPS S_P99=$P99

echo
echo "== Summary: gate readings over HTTP (run took $SECONDS s; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
echo "   64 connections: $R_RPS readings/s (goal >= 20000), p99 $R_P99 (goal < 10ms), non-2xx ${R_NON2XX}"
echo "   answered by wrk (incl. in flight at the end): $R_REQS; stored after SIGKILL: $R_STORED"
echo "   1 connection: $S_RPS readings/s, p99 $S_P99"
awk -v r="$R_RPS" 'BEGIN { exit !(r + 0 >= 20000) }' && echo "   throughput: PASS" || echo "   throughput: FAIL"
