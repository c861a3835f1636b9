#!/usr/bin/env bash
# soak.sh — a bounded soak of `jinyun serve` at twice a district's morning
# peak of class checks and gate readings (issue 9, "Load").
#
#   bench/soak.sh [MINUTES] [BUILD_DIR]      (default 10 minutes, build)
#   bench/soak.sh BUILD_DIR                  (as bench/run.sh calls it)
#
# The peak: a district of 80 schools of ~160 classes and ~7,200 people.
# Morning checks: 12,800 classes in about 10 minutes = 21 checks/s; gate:
# 576,000 people through the gates in about 20 minutes = 480 readings/s.
# Twice that, the default load: SOAK_CHECKS_PER_S=43, SOAK_GATE_PER_S=960.
# One server takes the whole district's load on one school's database (the
# heavier case: every write lands in the same tables and indexes).
#
# What it does:
#   1. the demo school (7,200 students, 160 classes), every class in a
#      return batch of 2020-05-12, a health declaration each, screened;
#      a gate device; an admin session;
#   2. `jinyun serve` (default threads), and two wrk runs at once for
#      MINUTES: bench/checks.lua (a whole class per request, two
#      exceptions, so the cluster rules run) on 16 connections and
#      bench/soak_gate.lua on 32 connections, each paced with a random
#      pause per connection (mean = connections / rate);
#   3. the server's resident memory (VmRSS) every 5 s, and what SQLite holds
#      of it (jinyun_sqlite_memory_bytes from /metrics: the page caches,
#      up to 64 MiB per connection, which fill as the database grows);
#      warm-up is the first quarter of the run (at least 2 minutes); the
#      leak verdict is on the server's own memory (RSS minus SQLite's):
#      "flat" means its highest value in the last quarter is within 5 % +
#      2 MB of its value after warm-up; RSS itself is reported beside it;
#   4. at the end: throughput, errors (non-2xx and socket errors), p50/p99
#      per kind against the issues' targets (checks p99 < 20 ms, gate
#      readings p99 < 10 ms), RSS after warm-up vs at the end, and the rows
#      stored against the answers counted by wrk.
# Everything goes to 127.0.0.1.  A trap stops the server (by PID) and the
# RSS sampler, and removes the temp dir.  Needs wrk, curl, sqlite3.
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MINUTES=10
BUILD=build
for a in "$@"; do
	case $a in
	'' | *[!0-9.]*) BUILD=$a ;;
	*) MINUTES=$a ;;
	esac
done
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BIN=$BUILD/jinyun
[ -x "$BIN" ] || { echo "soak.sh: $BIN not built (run ninja first)" >&2; exit 2; }
for t in wrk curl sqlite3; do
	command -v $t >/dev/null || { echo "soak.sh: $t is not installed" >&2; exit 2; }
done
CHECKS_RATE=${SOAK_CHECKS_PER_S:-43}
GATE_RATE=${SOAK_GATE_PER_S:-960}
CHECK_CONNS=16
GATE_CONNS=32
SECS=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')
WARM=$((SECS / 4))
[ "$WARM" -lt 120 ] && WARM=120
[ "$WARM" -ge "$SECS" ] && WARM=$((SECS / 2))

T=$(mktemp -d "${TMPDIR:-/tmp}/jinyun-soak.XXXXXX")
DB=$T/soak.db
PID=
SAMPLER=
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
	[ -n "$PID" ] && kill "$PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== soak.sh: $MINUTES min, $(nproc) cores, $("$BIN" --version), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== 1. the demo school, its return batch, declarations and screening"
"$BIN" demo --db "$DB" >/dev/null || exit 1
{
	echo "batch,class,return_date"
	sqlite3 "$DB" "SELECT name FROM class ORDER BY id" | sed 's/^/第一批,/; s/$/,2020-05-12/'
} >"$T/batches.csv"
"$BIN" import batches --db "$DB" "$T/batches.csv" >/dev/null || exit 1
{
	echo "person_no,kind,date_from,date_to,region,temperature,symptoms,note"
	sqlite3 "$DB" "SELECT number FROM person WHERE kind = 'student'" | sed 's/$/,health,2020-05-11,,,36.5,,/'
} >"$T/decl.csv"
"$BIN" import declarations --db "$DB" "$T/decl.csv" >/dev/null || exit 1
"$BIN" screen --db "$DB" --date 2020-05-12 >/dev/null || exit 1
sqlite3 "$DB" "SELECT class_id, MIN(number), MAX(number) FROM person WHERE kind = 'student' GROUP BY class_id" |
	awk -F'|' 'BEGIN { print "return {" } { printf "{%s,\"%s\",\"%s\"},\n", $1, $2, $3 } END { print "}" }' \
		>"$T/classes.lua"
sqlite3 "$DB" "SELECT number FROM person WHERE kind = 'student'" |
	awk 'BEGIN { print "return {" } { printf "\"%s\",\n", $1 } END { print "}" }' >"$T/people.lua"
TOKEN=$("$BIN" device add --db "$DB" --name 东门1号 --gate 东门 2>/dev/null)
[ ${#TOKEN} -eq 64 ] || { echo "soak.sh: no device token" >&2; exit 1; }

echo "== 2. the server"
"$BIN" serve --db "$DB" --listen 127.0.0.1:0 --quiet >"$T/serve.out" 2>&1 &
PID=$!
for _ in $(seq 100); do grep -q '127\.0\.0\.1:' "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(grep -o '127\.0\.0\.1:[0-9]*' "$T/serve.out" | head -1 | cut -d: -f2)
[ -n "$PORT" ] || { echo "soak.sh: the server did not start" >&2; cat "$T/serve.out" >&2; exit 1; }
URL=http://127.0.0.1:$PORT
COOKIE=$(curl -s -i -X POST -H 'Content-Type: application/json' \
	-d '{"username":"admin","password":"admin123"}' "$URL/api/session" |
	sed -n 's/^Set-Cookie: \(jy_session=[0-9a-f]*\).*/\1/p')
[ -n "$COOKIE" ] || { echo "soak.sh: login failed" >&2; exit 1; }
rss() { awk '/VmRSS/ { print $2 }' "/proc/$PID/status"; }
echo "   RSS after start $(rss) kB"

echo "== 3. $MINUTES min: $CHECKS_RATE checks/s on $CHECK_CONNS connections, $GATE_RATE readings/s on $GATE_CONNS"
(
	t=0
	while kill -0 "$PID" 2>/dev/null; do
		lite=$(curl -s "$URL/metrics" | awk '$1 == "jinyun_sqlite_memory_bytes" { printf "%d", $2 / 1024 }')
		wal=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
		echo "$t $(rss) $(( $(stat -c %s "$DB") / 1024 )) ${lite:-0} $((wal / 1024))"
		sleep 5
		t=$((t + 5))
	done
) >"$T/rss.txt" &
SAMPLER=$!
# A connection's cycle is its pause and the answer's own time (p50 ~1 ms
# for a reading, ~3 ms for a check): the pause is shortened by that much,
# or the gate ran at 926/s against 960 (10 minutes, 2026-11-27).
CHECK_THINK=$((CHECK_CONNS * 1000 / CHECKS_RATE - 3))
GATE_THINK=$((GATE_CONNS * 1000 / GATE_RATE - 1))
CLASSES="$T/classes.lua" COOKIE="$COOKIE" THINK_MS=$CHECK_THINK \
	wrk -t1 -c"$CHECK_CONNS" -d"${SECS}s" --timeout 5s -s "$ROOT/bench/checks.lua" "$URL" \
	>"$T/wrk-checks.txt" 2>&1 &
W1=$!
GATE_TOKEN=$TOKEN PEOPLE="$T/people.lua" THINK_MS=$GATE_THINK \
	wrk -t1 -c"$GATE_CONNS" -d"${SECS}s" --timeout 5s -s "$ROOT/bench/soak_gate.lua" "$URL" \
	>"$T/wrk-gate.txt" 2>&1 &
W2=$!
wait "$W1" "$W2"
kill "$SAMPLER" 2>/dev/null
wait "$SAMPLER" 2>/dev/null
SAMPLER=
RSS_END=$(rss)
HWM=$(awk '/VmHWM/ { print $2 }' "/proc/$PID/status")
cat "$T/wrk-checks.txt" "$T/wrk-gate.txt" | grep -E '^(checks|gate):|Socket errors'

# Rows stored against answers given: a clean stop first (SIGTERM).
kill "$PID" 2>/dev/null
wait "$PID" 2>/dev/null
PID=
SUBS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM check_submission")
READS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM gate_reading")
INTEGRITY=$(sqlite3 "$DB" "PRAGMA integrity_check")

field() { # FILE KEY → the number after KEY in the summary line
	sed -n "s/.*$2 \([0-9.]*\).*/\1/p" "$1" | head -1
}
sockerr() {
	awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10; f = 1 } END { if (!f) print 0 }' "$1"
}
C_N=$(awk '/^checks:/ { print $2 }' "$T/wrk-checks.txt")
C_RATE=$(sed -n 's/^checks:.*(\([0-9.]*\)\/s).*/\1/p' "$T/wrk-checks.txt")
C_NON=$(field "$T/wrk-checks.txt" "non-2xx")
C_P50=$(field "$T/wrk-checks.txt" "p50")
C_P99=$(field "$T/wrk-checks.txt" "p99")
C_SOCK=$(sockerr "$T/wrk-checks.txt")
G_N=$(awk '/^gate:/ { print $2 }' "$T/wrk-gate.txt")
G_RATE=$(sed -n 's/^gate:.*(\([0-9.]*\)\/s).*/\1/p' "$T/wrk-gate.txt")
G_NON=$(field "$T/wrk-gate.txt" "non-2xx")
G_P50=$(field "$T/wrk-gate.txt" "p50")
G_P99=$(field "$T/wrk-gate.txt" "p99")
G_SOCK=$(sockerr "$T/wrk-gate.txt")
RSS_WARM=$(awk -v w="$WARM" '$1 >= w { print $2; exit }' "$T/rss.txt")
RSS_MAX_AFTER=$(awk -v w="$WARM" '$1 >= w && $2 > m { m = $2 } END { print m + 0 }' "$T/rss.txt")
# The last quarter of the run, while the load is still on.
RSS_LATE=$(awk -v s="$SECS" '$1 >= s * 3 / 4 && $1 < s && $2 > m { m = $2 } END { print m + 0 }' "$T/rss.txt")
DB_WARM=$(awk -v w="$WARM" '$1 >= w { print $3; exit }' "$T/rss.txt")
DB_END=$(tail -1 "$T/rss.txt" | cut -d' ' -f3)
# The server's own memory: RSS minus what SQLite's caches hold.
OWN_WARM=$(awk -v w="$WARM" '$1 >= w { print $2 - $4; exit }' "$T/rss.txt")
OWN_LATE=$(awk -v s="$SECS" '$1 >= s * 3 / 4 && $1 < s && $2 - $4 > m { m = $2 - $4 } END { print m + 0 }' "$T/rss.txt")
LITE_WARM=$(awk -v w="$WARM" '$1 >= w { print $4; exit }' "$T/rss.txt")
LITE_LATE=$(awk -v s="$SECS" '$1 >= s * 3 / 4 && $1 < s && $4 > m { m = $4 } END { print m + 0 }' "$T/rss.txt")

verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print (v + 0 < g + 0) ? "PASS" : "FAIL" }'; }
echo
echo "== Summary: soak of $MINUTES min (run took $SECONDS s; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
echo "   checks: $C_N in ${SECS} s = $C_RATE/s (target $CHECKS_RATE/s); non-2xx ${C_NON:-?}, socket errors $C_SOCK;" \
	"p50 $C_P50 ms, p99 $C_P99 ms (target < 20 ms: $(verdict "$C_P99" 20))"
echo "   gate readings: $G_N = $G_RATE/s (target $GATE_RATE/s); non-2xx ${G_NON:-?}, socket errors $G_SOCK;" \
	"p50 $G_P50 ms, p99 $G_P99 ms (target < 10 ms: $(verdict "$G_P99" 10))"
echo "   errors in all: $(( ${C_NON:-0} + C_SOCK + ${G_NON:-0} + G_SOCK ))"
echo "   stored: $SUBS check submissions, $READS gate readings (wrk counted $C_N and $G_N answers," \
	"the last in flight at the stop included); integrity_check: $INTEGRITY"
echo "   RSS: after warm-up (${WARM} s) $RSS_WARM kB, highest in the last quarter $RSS_LATE kB, after the load" \
	"$RSS_END kB, highest after warm-up $RSS_MAX_AFTER kB, peak VmHWM $HWM kB (the login's argon2id)"
echo "   database file: $DB_WARM kB after warm-up, $DB_END kB at the end (SQLite's page cache, up to 64 MiB" \
	"per connection, grows with the pages the load touches)"
echo "   SQLite's caches: $LITE_WARM kB after warm-up, up to $LITE_LATE kB in the last quarter"
# The write-ahead log must be restarted now and then, not grow with the load.
echo "   write-ahead log: largest $(awk '$5 > m { m = $5 } END { print m + 0 }' "$T/rss.txt") kB, at the end $(tail -1 "$T/rss.txt" | cut -d' ' -f5) kB"
awk -v a="$RSS_WARM" -v b="$RSS_LATE" 'BEGIN {
	g = b - a; printf "   RSS growth after warm-up: %+d kB (%+.1f %%)\n", g, 100 * g / a }'
awk -v a="$OWN_WARM" -v b="$OWN_LATE" 'BEGIN {
	g = b - a; printf "   own memory (RSS - SQLite caches): %d kB after warm-up, highest in the last quarter %d kB: %+d kB: %s\n",
		a, b, g, (g <= a * 0.05 + 2048) ? "flat (PASS)" : "GROWING (FAIL)" }'
# Growth that leaves when the load does is a cache, not a leak.
awk -v a="$RSS_WARM" -v b="$RSS_END" 'BEGIN {
	printf "   RSS after the load vs after warm-up: %+d kB: %s\n", b - a,
		(b <= a * 1.05 + 2048) ? "given back (no leak seen)" : "KEPT (look for a leak)" }'
echo "   RSS samples (s:kB): $(awk '{ printf "%s:%s ", $1, $2 }' "$T/rss.txt" | cut -c1-3000)"
echo "   own memory samples (s:kB): $(awk '{ printf "%s:%s ", $1, $2 - $4 }' "$T/rss.txt" | cut -c1-3000)"
