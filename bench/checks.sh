#!/usr/bin/env bash
# checks.sh — a class's morning check end to end through the HTTP API,
# cluster rules included, with 64 teachers submitting at once.
#
#   bench/checks.sh [BUILD_DIR]
#
# Builds the demo school (7,200 students, 160 classes), logs in, and drives
# POST /api/checks with wrk (each request: a class of ~45, two exceptions,
# one feverish with a cough, so the rules run — and since every class has
# them, the school is in an influenza-like-illness outbreak from the first
# minute, the expensive case).  Three runs: one teacher at a time; 64
# teachers each submitting a class every second (64 checks/s, three times
# a whole district's morning peak for one school); 64 connections without
# pause (saturation).  Goal from the surveillance issue: p99 under 20 ms
# with 64 concurrent teachers.  Loads go to 127.0.0.1 only.
set -euo pipefail
BUILD=${1:-build}
JY=$(cd "$BUILD" && pwd)/jinyun
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d /tmp/jinyun-bench-checks.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$OUT"; }
trap cleanup EXIT

"$JY" demo --db "$OUT/demo.db" >/dev/null
sqlite3 "$OUT/demo.db" "SELECT class_id, MIN(number), MAX(number) FROM person \
  WHERE kind = 'student' GROUP BY class_id" |
  awk -F'|' 'BEGIN { print "return {" } { printf "{%s,\"%s\",\"%s\"},\n", $1, $2, $3 } END { print "}" }' \
  >"$OUT/classes.lua"

"$JY" serve --db "$OUT/demo.db" --listen 127.0.0.1:0 --quiet >"$OUT/serve.out" &
PID=$!
for _ in $(seq 50); do grep -q listening "$OUT/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$OUT/serve.out")
COOKIE=$(curl -s -i -X POST -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"admin123"}' "http://127.0.0.1:$PORT/api/session" |
  sed -n 's/^Set-Cookie: \(jy_session=[0-9a-f]*\).*/\1/p')
[ -n "$COOKIE" ] || { echo "checks: login failed" >&2; exit 1; }

echo "== one teacher at a time (wrk -t1 -c1, 10 s)"
CLASSES="$OUT/classes.lua" COOKIE="$COOKIE" wrk -t1 -c1 -d10s -s "$HERE/checks.lua" \
  "http://127.0.0.1:$PORT" | grep '^checks:'
echo "== 64 teachers at once, each submitting a class every second (wrk -t2 -c64, 20 s)"
CLASSES="$OUT/classes.lua" COOKIE="$COOKIE" THINK_MS=1000 wrk -t2 -c64 -d20s -s "$HERE/checks.lua" \
  "http://127.0.0.1:$PORT" | grep '^checks:'
echo "== 64 connections with no pause at all: the server's saturation throughput (wrk -t2 -c64, 20 s)"
CLASSES="$OUT/classes.lua" COOKIE="$COOKIE" wrk -t2 -c64 -d20s -s "$HERE/checks.lua" \
  "http://127.0.0.1:$PORT" | grep '^checks:'
echo "checks: rows stored: $(sqlite3 "$OUT/demo.db" 'SELECT COUNT(*) FROM check_submission') submissions," \
  "RSS of the server $(awk '/VmRSS/ {print $2, $3}' /proc/$PID/status)"
