#!/usr/bin/env bash
# district.sh — the district overview of 200 schools and 300,000 students.
#
#   bench/district.sh [BUILD_DIR]        (DB=path keeps and reuses the district)
#
# Writes the demo district (`jinyun demo --schools 200 --students 1500
# --days 1`: 200 schools of 1,500 students, every class's morning check of
# the first day), logs in as the district user and times
# GET /api/district/overview for that day: 30 requests one after another
# (the page as one person opens it: min, median, max), then wrk with 8
# connections for 15 s (latency under load).  Goal from the district issue:
# under 200 ms.  Loads go to 127.0.0.1 only.  Prints `uptime` beside the
# figures: the machine is shared.
set -euo pipefail
BUILD=${1:-build}
JY=$(cd "$BUILD" && pwd)/jinyun
OUT=$(mktemp -d /tmp/jinyun-bench-district.XXXXXX)
DB=${DB:-$OUT/district.db}
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$OUT"; }
trap cleanup EXIT

if [ ! -s "$DB" ]; then
	echo "== writing the district: 200 schools x 1,500 students, 1 day of checks"
	/usr/bin/time -f "district: demo written in %e s, max RSS %M KiB" \
		"$JY" demo --db "$DB" --schools 200 --students 1500 --days 1 >/dev/null
fi
echo "district: $(sqlite3 "$DB" "SELECT COUNT(*) FROM school") schools," \
	"$(sqlite3 "$DB" "SELECT COUNT(*) FROM person WHERE kind = 'student'") students," \
	"$(sqlite3 "$DB" "SELECT COUNT(*) FROM check_entry") check entries," \
	"database $(du -m "$DB" | cut -f1) MB"

"$JY" serve --db "$DB" --listen 127.0.0.1:0 --quiet >"$OUT/serve.out" &
PID=$!
for _ in $(seq 100); do grep -q listening "$OUT/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$OUT/serve.out")
COOKIE=$(curl -s -i -X POST -H 'Content-Type: application/json' \
	-d '{"username":"district","password":"district123"}' "http://127.0.0.1:$PORT/api/session" |
	sed -n 's/^Set-Cookie: \(jy_session=[0-9a-f]*\).*/\1/p')
[ -n "$COOKIE" ] || { echo "district: login failed" >&2; exit 1; }
URL="http://127.0.0.1:$PORT/api/district/overview?date=2020-05-12"
curl -s -b "$COOKIE" "$URL" | python3 -c '
import json, sys
j = json.load(sys.stdin); t = j["total"]
print("district: overview of %d schools: enrolled %d, checked %d, present %d, absent %d, fever %d, classes not submitted %d"
      % (t["schools"], t["enrolled"], t["census"]["checked"], t["census"]["present"],
         t["census"]["absent"], t["census"]["fever"], t["census"]["not_submitted"]))'

# CPU time the server spends (utime + stime of its process, in clock ticks):
# on a shared machine the wall-clock figures wait for the CPU, this does not.
cpu() { awk '{ print $14 + $15 }' /proc/$PID/stat; }
TCK=$(getconf CLK_TCK)
echo "== one request at a time (30 requests)"
C0=$(cpu)
for _ in $(seq 30); do
	curl -s -o /dev/null -w '%{time_total}\n' -b "$COOKIE" "$URL"
done | sort -n | awk '{ v[NR] = $1 * 1000 } END {
	printf "district: overview one at a time: min %.1f ms, median %.1f ms, max %.1f ms\n", v[1], v[int((NR + 1) / 2)], v[NR] }'
C1=$(cpu)
awk -v t="$((C1 - C0))" -v hz="$TCK" 'BEGIN { printf "district: server CPU time per overview: %.1f ms (30 requests)\n", t * 1000 / hz / 30 }'
echo "== 8 connections at once (wrk -t2 -c8, 15 s)"
wrk -t2 -c8 -d15s --latency -H "Cookie: $COOKIE" "$URL" |
	awk '/Latency/ && !done { print "district: wrk latency avg " $2 ", max " $4; done = 1 }
	     / 50%| 99%/ { print "district: wrk p" $1 " " $2 }
	     /Requests\/sec/ { print "district: wrk " $2 " requests/s" }'
echo "district: load $(uptime | sed 's/.*load average: //')"
