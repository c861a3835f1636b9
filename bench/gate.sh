#!/usr/bin/env bash
# gate.sh — gate readings through the HTTP API (issue 5): the morning rush
# of a whole district's gates, POST /api/gate/readings from many terminals
# (device tokens) for many students.
#
#   bench/gate.sh [BUILD_DIR | path/to/jinyun]      (default: build)
#
# Goal: >= 20,000 readings/s with p99 < 10 ms, every reading durably stored
# before the answer: the server's group-commit writer commits a batch of
# readings in one transaction, and its sync thread answers them only after
# an fdatasync of the write-ahead log that follows the commit.
#
# What it does (about 2 minutes):
#   1. a school of GATE_PEOPLE students (default 50,000; bench/gen_roster),
#      all in one return batch on 2020-05-12, a health declaration each,
#      screened (so the gate reads a current result, as on the real day);
#   2. GATE_DEVICES terminals (default 32, `jinyun device add` → tokens);
#      `jinyun serve --listen 127.0.0.1:0`;
#   3. the ceiling the machine allows: wrk on GET /healthz of the same
#      server (no database), same threads and connections;
#   4. the rush: wrk -t2 -c64 -d10s --latency -s bench/gate.lua, each
#      request from the next terminal, random students, 35.8–37.0 °C, 0.5 %
#      at 37.5 °C (recheck);
#   5. durability: the readings answered 200 (wrk's count) against the
#      readings stored (`jinyun export gate-readings`), after the server
#      has been killed with SIGKILL (no clean shutdown).  wrk does not count
#      the requests in flight when it stops (at most one per connection),
#      which the server still stores: stored - answered must be 0..conns;
#   6. the same load with one connection (latency without queueing).
# The load average is printed before and after each run, and the server's
# CPU per reading by thread (the group-commit writer, the HTTP threads;
# from /proc): on a shared machine that is the steadier figure.
# GATE_CONNS=N: connections of the rush (default 64).  GATE_PERF=FILE records
# a perf profile of the server during the rush (perf report -i FILE).
# wrk's own CPU per reading is printed beside the server's.
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
DEVICES=${GATE_DEVICES:-32}
DURATION=${GATE_DURATION:-10s}
CONNS=${GATE_CONNS:-64}  # connections of the rush (terminals posting at once)
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

# CPU ticks of the server's threads by name (jy-writer, MHD-worker, …):
# "name ticks" lines, from /proc (utime + stime).
thread_ticks() {
	for t in /proc/"$SERVE_PID"/task/*; do
		echo "$(cat "$t/comm" 2>/dev/null) $(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null)"
	done | awk 'NF == 2 { a[$1] += $2 } END { for (k in a) print k, a[k] }'
}
# µs of CPU per reading of the writer and of the HTTP threads between two
# thread_ticks snapshots: CPU time does not depend on what else the machine
# runs as much as readings/s does.
cpu_per_reading() { # BEFORE AFTER READINGS
	awk -v n="$3" -v hz="$(getconf CLK_TCK)" '
		FNR == NR { b[$1] = $2; next }
		{ d = ($2 - b[$1]) * 1e6 / hz / n; if ($1 == "jy-writer") w += d; else if ($1 == "MHD-worker") m += d; else o += d }
		END { printf "writer %.0f us, HTTP threads %.0f us, other %.0f us", w, m, o }' <(echo "$1") <(echo "$2")
}

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

echo "== 2. $DEVICES terminals and the server"
TOKENS=
for i in $(seq "$DEVICES"); do
	t=$("$BIN" device add --db "$DB" --name "门$i号机" --gate "门$((i % 8))" 2>/dev/null)
	[ ${#t} -eq 64 ] || { echo "gate.sh: no device token" >&2; exit 1; }
	TOKENS=$TOKENS${TOKENS:+,}$t
done
TOKEN=${TOKENS%%,*}
start_server
URL=http://127.0.0.1:$PORT/api/gate/readings
curl -s --max-time 5 -X POST -H "Authorization: Bearer $TOKEN" \
	-d '{"person":"S00000001","temperature":36.5,"time":"2020-05-12T06:00:00+08:00"}' "$URL"
echo

run_wrk() { # THREADS CONNECTIONS LABEL
	local before after
	before=$(stored)
	echo "== $3: wrk -t$1 -c$2 -d$DURATION --latency"
	echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	local t0
	t0=$(thread_ticks)
	# GATE_PERF=FILE: a perf profile of the server during the rush.
	local perf_pid=
	if [ -n "${GATE_PERF:-}" ] && [ "$2" = "$CONNS" ] && command -v perf >/dev/null; then
		perf record -q -F 2000 -g -p "$SERVE_PID" -o "$GATE_PERF" -- sleep "${DURATION%s}" >/dev/null 2>&1 &
		perf_pid=$!
	fi
	# wrk's own CPU (user+sys), beside the server's: both share the two cores.
	local TIMEFORMAT='%U %S'
	{ time GATE_TOKEN=$TOKENS GATE_PEOPLE=$PEOPLE wrk -t"$1" -c"$2" -d"$DURATION" --timeout 5s --latency \
		-s "$ROOT/bench/gate.lua" "$URL" >"$T/wrk.txt"; } 2>"$T/wrk.time"
	cat "$T/wrk.txt"
	[ -n "$perf_pid" ] && wait "$perf_pid"
	REQS=$(awk '/requests in/ { print $1 }' "$T/wrk.txt")
	RPS=$(awk '/Requests\/sec/ { print $2 }' "$T/wrk.txt")
	P99=$(awk '$1 == "99%" { print $2 }' "$T/wrk.txt")
	NON2XX=$(awk '/Non-2xx/ { print $5 }' "$T/wrk.txt")
	ERRS=$(awk '/Socket errors/ { print }' "$T/wrk.txt")
	LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
	echo "   load average after: $LOAD"
	CPU=$(cpu_per_reading "$t0" "$(thread_ticks)" "${REQS:-1}")
	echo "   server CPU per reading: $CPU"
	WRK_CPU=$(awk -v n="${REQS:-1}" '{ printf "%.0f us", ($1 + $2) * 1e6 / n }' "$T/wrk.time")
	echo "   wrk's CPU per reading: $WRK_CPU"
	# How the writer batched them (its counters since this server started).
	BATCHING=$(curl -s "http://127.0.0.1:$PORT/metrics" | awk '
		$1 == "jinyun_writer_jobs_total" { j = $2 } $1 == "jinyun_writer_syncs_total" { y = $2 }
		/^jinyun_writer_batches_total/ { b += $2 }
		END { if (b > 0) printf "%.1f readings a transaction, %.1f a sync (%d syncs)", j / b, (y > 0 ? j / y : 0), y }')
	echo "   writer: $BATCHING"
	# Durability: kill the server without a clean shutdown, then count.
	stop_server KILL
	after=$(stored)
	STORED=$((after - before))
	start_server
	URL=http://127.0.0.1:$PORT/api/gate/readings
}

echo "== 3. the ceiling: wrk -t2 -c$CONNS -d$DURATION --latency GET /healthz (no database)"
wrk -t2 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/healthz" | tee "$T/wrk.txt"
H_RPS=$(awk '/Requests\/sec/ { print $2 }' "$T/wrk.txt")
H_P99=$(awk '$1 == "99%" { print $2 }' "$T/wrk.txt")
H_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

run_wrk 2 "$CONNS" "4. the rush, $DEVICES terminals"
R_RPS=$RPS R_P99=$P99 R_REQS=$REQS R_STORED=$STORED R_NON2XX=${NON2XX:-0} R_LOAD=$LOAD R_CPU=$CPU R_WRK=$WRK_CPU R_BATCH=$BATCHING
run_wrk 1 1 "6. one terminal at a time"
S_RPS=$RPS S_P99=$P99

echo
echo "== Summary: gate readings over HTTP (run took $SECONDS s; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
echo "   ceiling, GET /healthz, $CONNS connections: $H_RPS req/s, p99 $H_P99 (load $H_LOAD)"
echo "   $CONNS connections: $R_RPS readings/s (goal >= 20000), p99 $R_P99 (goal < 10ms), non-2xx ${R_NON2XX} (load $R_LOAD)"
echo "   server CPU per reading, $CONNS connections: $R_CPU; wrk $R_WRK"
echo "   writer, $CONNS connections: $R_BATCH"
awk -v r="$R_RPS" -v h="$H_RPS" 'BEGIN { if (h > 0) printf "   readings/s against the ceiling: %.2f\n", r / h }'
INFLIGHT=$((R_STORED - R_REQS))
echo "   answered 200 by wrk: $((R_REQS - R_NON2XX)); stored after SIGKILL: $R_STORED (in flight when wrk stopped: $INFLIGHT)"
if [ "$R_NON2XX" = 0 ] && [ "$INFLIGHT" -ge 0 ] && [ "$INFLIGHT" -le "$CONNS" ]; then
	echo "   durability: PASS (every answered reading stored; the difference is at most one per connection)"
else
	echo "   durability: FAIL"
fi
echo "   1 connection: $S_RPS readings/s, p99 $S_P99"
awk -v r="$R_RPS" 'BEGIN { exit !(r + 0 >= 20000) }' && echo "   throughput: PASS" || echo "   throughput: FAIL"
awk -v p="$R_P99" 'BEGIN { v = p + 0; if (p ~ /us$/) v /= 1000; else if (p ~ /s$/ && p !~ /ms$/) v *= 1000; exit !(v < 10) }' \
	&& echo "   p99: PASS" || echo "   p99: FAIL"
