#!/usr/bin/env bash
# cases.sh — contact tracing through the HTTP API on the demo school, end
# to end: POST /api/cases/{id}/trace for 2 hops over 14 days.
#
#   bench/cases.sh [BUILD_DIR]          (default build dir: build)
#
# Builds the demo school with 14 days of history (7,200 students, 160
# classes, dorms, canteen sittings, morning checks with absences), serves
# it on 127.0.0.1, logs in as reporter/reporter123, opens a case for a
# boarder, and times 50 traces with curl (time_total: connect, request,
# the whole 1.5 MB answer), then the same for 1 hop.  Prints p50/p99
# (nearest rank), the server's CPU time per trace (from /proc, so the
# figure that does not depend on how busy the machine is), and the
# stages the trace reported.  Goal (issue 4): under 100 ms end to end.
set -euo pipefail
BUILD=${1:-build}
JY=$(cd "$BUILD" && pwd)/jinyun
OUT=$(mktemp -d /tmp/jinyun-bench-cases.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$OUT"; }
trap cleanup EXIT
RUNS=${RUNS:-50}

"$JY" demo --db "$OUT/demo.db" --days 14 >/dev/null
"$JY" serve --db "$OUT/demo.db" --listen 127.0.0.1:0 --quiet >"$OUT/serve.out" &
PID=$!
for _ in $(seq 50); do grep -q listening "$OUT/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$OUT/serve.out")
URL="http://127.0.0.1:$PORT"
COOKIE=$(curl -s -i -X POST -H 'Content-Type: application/json' \
  -d '{"username":"reporter","password":"reporter123"}' "$URL/api/session" |
  sed -n 's/^Set-Cookie: \(jy_session=[0-9a-f]*\).*/\1/p')
[ -n "$COOKIE" ] || { echo "cases: login failed" >&2; exit 1; }
# A boarder in the middle of the roster.
PERSON=$(sqlite3 "$OUT/demo.db" "SELECT id FROM person WHERE kind = 'student' AND dorm_id IS NOT NULL \
  ORDER BY id LIMIT 1 OFFSET 3600")
CASE=$(curl -s -b "$COOKIE" -H 'Content-Type: application/json' \
  -d "{\"person_id\":$PERSON,\"code\":\"covid19\",\"classification\":\"confirmed\",\"onset\":\"2020-05-24T08:00\"}" \
  "$URL/api/cases" | sed -n 's/^{"case":{"id":\([0-9]*\).*/\1/p')
[ -n "$CASE" ] || { echo "cases: could not open a case" >&2; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
# run HOPS: times RUNS traces, prints one summary line
run() {
  local hops=$1 body t0 t1
  body="{\"from\":\"2020-05-12T00:00\",\"to\":\"2020-05-26T00:00\",\"hops\":$hops,\"min_duration\":900}"
  curl -s -o "$OUT/answer.json" -b "$COOKIE" -H 'Content-Type: application/json' -d "$body" \
    "$URL/api/cases/$CASE/trace" # warm the page cache once
  t0=$(cpu_ticks)
  for _ in $(seq "$RUNS"); do
    curl -s -o /dev/null -w '%{time_total}\n' -b "$COOKIE" -H 'Content-Type: application/json' \
      -d "$body" "$URL/api/cases/$CASE/trace"
  done >"$OUT/times.txt"
  t1=$(cpu_ticks)
  sort -n "$OUT/times.txt" | awk -v runs="$RUNS" -v hops="$hops" -v cpu=$(( (t1 - t0) * 10 )) \
    -v size=$(stat -c %s "$OUT/answer.json") '
    { v[NR] = $1 * 1000 }
    END {
      p50 = v[int((NR * 50 + 99) / 100)]; p99 = v[int((NR * 99 + 99) / 100)]
      printf "cases: %d-hop trace, 14 days, %d runs: p50 %.1f ms, p99 %.1f ms, server cpu %.1f ms/trace, answer %d bytes — goal 100 ms: %s\n",
        hops, NR, p50, p99, cpu / runs, size, p50 < 100 ? "PASS (p50)" : "FAIL (p50)"
    }'
  python3 -c "
import json, sys
d = json.load(open('$OUT/answer.json'))
s = d['stats']
print('cases:   contacts by hop %s; intervals indexed %d in %d stages; load %.1f ms, expand %.1f ms, index %.1f ms, engine %.1f ms (last run)' % (
    d['by_hop'], s['intervals'], s['stages'], s['load_ms'], s['expand_ms'], s['index_ms'], s['run_ms']))"
}
echo "# bench/cases.sh on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
run 2
run 1
