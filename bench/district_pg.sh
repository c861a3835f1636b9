#!/usr/bin/env bash
# district_pg.sh — the district on PostgreSQL against one school on SQLite,
# in one run, through the HTTP API.
#
#   bench/district_pg.sh [BUILD_DIR]                    (default: build)
#
# Environment (defaults in brackets):
#   SCHOOLS [200], STUDENTS [1500], DAYS [1]   size of the demo district
#   PACED_S [60], FLAT_S [60]                  seconds of each wrk run
#   PG_URL   a database already written by an earlier run (skips the write;
#            otherwise a private cluster, tests/pg-cluster.sh, holds a new one)
#
# PostgreSQL (the district):
#  1. `jinyun demo --schools SCHOOLS --students STUDENTS --days DAYS` into a
#     fresh database of a private PostgreSQL 15 cluster on loopback (fsync off,
#     as the tests run it), timed; one epidemic-reporter login per school
#     (the demo has logins for its first school only: `jinyun user add` for
#     the others), each logged in through POST /api/session.
#  2. The morning checks of every class through POST /api/checks (bench/
#     checks.lua: a class of ~45 with two exceptions, a feverish student with
#     a cough and one absent sick, so the cluster rules run), each class
#     posted with its own school's session, for a new school day:
#       paced — "every class within 30 minutes": classes / 1800 s (3.7 checks/s
#               for 6,600 classes) from 16 connections, each pausing at random
#               around 16 / rate seconds between checks (wrk -t2 -c16);
#       flat out — 64 connections without pause (wrk -t2 -c64): the
#               server's sustained throughput (the classes in turn).
#  3. GET /api/district/overview for the demo's day as the district user:
#     30 requests one after another (min, median, max) and the server's CPU
#     time per request (utime + stime of its process: on a shared machine the
#     wall clock waits for the CPU, this does not).  Goal: under 200 ms.
#  4. The school overview page (web/src/pages/overview.js: GET /api/census,
#     /api/alerts?status=open, /api/signals?alarms=1, /api/tasks?open=1, one
#     after another) for the first school, 30 times, as its reporter.
# SQLite (one school, STUDENTS students, the same DAYS): steps 2 (same rate,
# same connections) and 4; then the PostgreSQL / SQLite ratios.  Loads go to
# 127.0.0.1 only.  Prints `uptime` beside the figures: the machine is shared.
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE=$ROOT/bench
JY=$(cd "$BUILD" && pwd)/jinyun
SCHOOLS=${SCHOOLS:-200} STUDENTS=${STUDENTS:-1500} DAYS=${DAYS:-1}
PACED_S=${PACED_S:-60} FLAT_S=${FLAT_S:-60}
if [ -z "${PG_URL:-}" ] && [ -z "${JINYUN_TEST_PG:-}" ]; then
	exec "$ROOT/tests/pg-cluster.sh" run "$0" "$@"
fi
DAY=2020-05-12     # the demo's first day: its checks are written by the demo
CHECK_DAY=2020-05-13   # the morning the benchmark replays
OUT=$(mktemp -d /tmp/jinyun-bench-districtpg.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$OUT"; }
trap cleanup EXIT
load() { echo "load: $(uptime | sed 's/.*load average: //')"; }

serve() { # serve DB → PID, PORT
	"$JY" serve --db "$1" --listen 127.0.0.1:0 --quiet >"$OUT/serve.out" &
	PID=$!
	for _ in $(seq 300); do grep -q listening "$OUT/serve.out" 2>/dev/null && break; sleep 0.1; done
	PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$OUT/serve.out")
	[ -n "$PORT" ] || { echo "district_pg: the server did not start" >&2; exit 1; }
}
stop_server() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }
login() { # login USER PASSWORD → cookie
	curl -s -i -X POST -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\"}" "http://127.0.0.1:$PORT/api/session" |
		sed -n 's/^Set-Cookie: \(jy_session=[0-9a-f]*\).*/\1/p'
}
cpu() { awk '{ print $14 + $15 }' /proc/$PID/stat; }
# CPU time of the PostgreSQL cluster's processes (children of the postmaster
# PGPM, found through SHOW data_directory; 0 on SQLite or a remote server):
# the district's work happens there, not in the jinyun process.
PGPM=
pgcpu() {
	[ -n "$PGPM" ] || { echo 0; return; }
	for p in $(pgrep -P "$PGPM"); do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null; done |
		awk '{ s += $1 } END { print s + 0 }'
}
TCK=$(getconf CLK_TCK)
# classes_lua SQL-OUTPUT → a Lua file of { {class_id, no1, no2, cookie}, … }
# from lines class_id|no1|no2|school_code and $OUT/cookies (code cookie).
classes_lua() {
	awk -F'|' 'NR == FNR { split($0, a, " "); ck[a[1]] = a[2]; next }
		FNR == 1 { print "return {" }
		{ printf "{%s,\"%s\",\"%s\",\"%s\"},\n", $1, $2, $3, ck[$4] }
		END { print "}" }' "$OUT/cookies" -
}
# checks NAME CLASSES: the paced and the flat-out wrk runs; figures in
# $OUT/NAME.paced and $OUT/NAME.flat (the `checks:` line of checks.lua).
checks() {
	local n rate think
	n=$(grep -c '^{' "$2")
	rate=$(awk -v n="$n" 'BEGIN { printf "%.2f", n / 1800 }')
	[ "$1" = sqlite ] && rate=$PG_RATE
	think=$(awk -v r="$rate" 'BEGIN { printf "%d", 16 / r * 1000 }')
	echo "== $1: paced at $rate checks/s (every one of $PG_CLASSES classes within 30 min;" \
		"wrk -t2 -c16, pause ~${think} ms, ${PACED_S} s)"
	CLASSES="$2" DATE=$CHECK_DAY THINK_MS=$think wrk -t2 -c16 -d"${PACED_S}s" --timeout 10s \
		-s "$HERE/checks.lua" "http://127.0.0.1:$PORT" | grep '^checks:' | tee "$OUT/$1.paced"
	load
	echo "== $1: flat out (wrk -t2 -c64, ${FLAT_S} s; $n classes)"
	local c0 c1 p0 p1
	c0=$(cpu) p0=$(pgcpu)
	CLASSES="$2" DATE=$CHECK_DAY wrk -t2 -c64 -d"${FLAT_S}s" --timeout 10s \
		-s "$HERE/checks.lua" "http://127.0.0.1:$PORT" | grep '^checks:' | tee "$OUT/$1.flat"
	c1=$(cpu) p1=$(pgcpu)
	awk -v t="$((c1 - c0))" -v p="$((p1 - p0))" -v hz="$TCK" -v s="$FLAT_S" \
		'BEGIN { printf "checks: CPU busy on average: jinyun %.2f cores, PostgreSQL %.2f cores\n", t / hz / s, p / hz / s }'
	load
}
# seq30 NAME COOKIE URL…: 30 loads, each the URLs one after another;
# figures in $OUT/NAME (min median max cpu_ms).
seq30() {
	local name=$1 cookie=$2 c0 c1 p0 p1
	shift 2
	c0=$(cpu) p0=$(pgcpu)
	for _ in $(seq 30); do
		for u in "$@"; do
			curl -s -o /dev/null -w '%{time_total}\n' -b "$cookie" "http://127.0.0.1:$PORT$u"
		done | awk '{ s += $1 } END { print s }'
	done | sort -n | awk '{ v[NR] = $1 * 1000 } END { print v[1], v[int((NR + 1) / 2)], v[NR] }' \
		>"$OUT/$name"
	c1=$(cpu) p1=$(pgcpu)
	awk -v t="$((c1 - c0))" -v p="$((p1 - p0))" -v hz="$TCK" \
		'BEGIN { printf " %.1f %.1f\n", t * 1000 / hz / 30, p * 1000 / hz / 30 }' >>"$OUT/$name"
	tr '\n' ' ' <"$OUT/$name" | awk -v n="$name" \
		'{ printf "%s: min %.1f ms, median %.1f ms, max %.1f ms; CPU each: jinyun %.1f ms, PostgreSQL %.1f ms (30 one after another)\n", n, $1, $2, $3, $4, $5 }'
}
PAGE="/api/census?date=$DAY /api/alerts?status=open /api/signals?date=$DAY&alarms=1 /api/tasks?open=1"

load
# ---------------------------------------------------------------- PostgreSQL
if [ -n "${PG_URL:-}" ]; then
	DB=$PG_URL
	echo "== PostgreSQL: reusing $DB"
else
	DB=${JINYUN_TEST_PG}district
	psql -q "${JINYUN_TEST_PG}postgres" -c "CREATE DATABASE district"
	echo "== PostgreSQL: writing the district: $SCHOOLS schools x $STUDENTS students, $DAYS day(s) of history"
	/usr/bin/time -f "district_pg: demo written in %e s (CPU %U s user + %S s sys), max RSS %M KiB" \
		"$JY" demo --db "$DB" --schools "$SCHOOLS" --students "$STUDENTS" --days "$DAYS" >/dev/null
	load
fi
q() { psql -qAt "$DB" -c "$1"; }
PGPM=$(head -1 "$(q "SHOW data_directory")/postmaster.pid" 2>/dev/null) || PGPM=
PG_CLASSES=$(q "SELECT COUNT(*) FROM class c WHERE EXISTS (SELECT 1 FROM person p WHERE p.class_id = c.id)")
PG_RATE=$(awk -v n="$PG_CLASSES" 'BEGIN { printf "%.2f", n / 1800 }')
echo "district_pg: $(q "SELECT COUNT(*) FROM school") schools, $PG_CLASSES classes," \
	"$(q "SELECT COUNT(*) FROM person WHERE kind = 'student'") students," \
	"$(q "SELECT COUNT(*) FROM check_entry") check entries," \
	"database $(q "SELECT pg_database_size(current_database()) / 1048576") MB"
FIRST=$(q "SELECT code FROM school ORDER BY id LIMIT 1")
t0=$(date +%s.%N)
q "SELECT code FROM school WHERE code <> '$FIRST' AND NOT EXISTS
     (SELECT 1 FROM app_user u WHERE u.username = 'rep-' || school.code) ORDER BY id" |
	while read -r code; do
		echo "reporter-pw-$code" | "$JY" user add --db "$DB" --school "$code" --name "rep-$code" \
			--role reporter >/dev/null
	done
serve "$DB"
{
	echo "$FIRST $(login reporter reporter123)"
	for code in $(q "SELECT code FROM school WHERE code <> '$FIRST' ORDER BY id"); do
		echo "$code $(login "rep-$code" "reporter-pw-$code")"
	done
} >"$OUT/cookies"
awk 'NF != 2 { bad++ } END { if (bad) { print "district_pg: " bad " logins failed"; exit 1 } }' "$OUT/cookies" >&2
awk -v s="$t0" -v e="$(date +%s.%N)" -v n="$(wc -l <"$OUT/cookies")" \
	'BEGIN { printf "district_pg: %d school reporters added and logged in, %.1f s\n", n, e - s }'
q "SELECT p.class_id, MIN(p.number), MAX(p.number), s.code FROM person p
     JOIN school s ON s.id = p.school_id WHERE p.kind = 'student'
     GROUP BY p.class_id, s.code ORDER BY p.class_id" | classes_lua >"$OUT/pg.lua"
checks pg "$OUT/pg.lua"
echo "district_pg: check submissions stored for $CHECK_DAY: $(q "SELECT COUNT(DISTINCT class_id) FROM check_submission WHERE date = '$CHECK_DAY'")" \
	"of $PG_CLASSES classes"

echo "== PostgreSQL: GET /api/district/overview?date=$DAY as the district user"
DCOOKIE=$(login district district123)
curl -s -b "$DCOOKIE" "http://127.0.0.1:$PORT/api/district/overview?date=$DAY" | python3 -c '
import json, sys
j = json.load(sys.stdin); t = j["total"]
print("district_pg: overview of %d schools: enrolled %d, checked %d, classes not submitted %d"
      % (t["schools"], t["enrolled"], t["census"]["checked"], t["census"]["not_submitted"]))'
seq30 pg.district "$DCOOKIE" "/api/district/overview?date=$DAY"
echo "== PostgreSQL: the school overview page of $FIRST ($PAGE)"
# shellcheck disable=SC2086
seq30 pg.page "$(awk 'NR == 1 { print $2 }' "$OUT/cookies")" $PAGE
load
stop_server
PGPM=

# ---------------------------------------------------------------- SQLite
echo "== SQLite: one school of $STUDENTS students, $DAYS day(s) of history"
/usr/bin/time -f "district_pg: SQLite demo written in %e s" \
	"$JY" demo --db "$OUT/school.db" --students "$STUDENTS" --days "$DAYS" >/dev/null
serve "$OUT/school.db"
FIRST=$(sqlite3 "$OUT/school.db" "SELECT code FROM school ORDER BY id LIMIT 1")
echo "$FIRST $(login reporter reporter123)" >"$OUT/cookies"
sqlite3 "$OUT/school.db" "SELECT p.class_id, MIN(p.number), MAX(p.number), s.code FROM person p
     JOIN school s ON s.id = p.school_id WHERE p.kind = 'student'
     GROUP BY p.class_id, s.code ORDER BY p.class_id" | classes_lua >"$OUT/sqlite.lua"
checks sqlite "$OUT/sqlite.lua"
echo "== SQLite: the school overview page"
# shellcheck disable=SC2086
seq30 sqlite.page "$(awk '{ print $2 }' "$OUT/cookies")" $PAGE
stop_server

# ---------------------------------------------------------------- ratios
field() { sed -n "s/.*$2 \([0-9.]*\).*/\1/p" "$OUT/$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
row() { printf '%-44s %12s %12s %8s\n' "$@"; }
echo "== PostgreSQL ($SCHOOLS schools) / SQLite (1 school)"
row "" PostgreSQL SQLite ratio
for m in paced flat; do
	a=$(awk '{ printf "%.2f", $2 / $5 }' "$OUT/pg.$m"); b=$(awk '{ printf "%.2f", $2 / $5 }' "$OUT/sqlite.$m")
	row "checks $m: checks/s" "$a" "$b" "$(ratio "$a" "$b")"
	a=$(field "pg.$m" "p99"); b=$(field "sqlite.$m" "p99")
	row "checks $m: p99 ms" "$a" "$b" "$(ratio "$a" "$b")"
done
read -r _ a2 _ a4 a5 <<<"$(tr '\n' ' ' <"$OUT/pg.page")"
read -r _ b2 _ b4 _ <<<"$(tr '\n' ' ' <"$OUT/sqlite.page")"
row "school overview page: median ms" "$a2" "$b2" "$(ratio "$a2" "$b2")"
a=$(awk -v x="$a4" -v y="$a5" 'BEGIN { print x + y }')
row "school overview page: CPU ms (all processes)" "$a" "$b4" "$(ratio "$a" "$b4")"
read -r _ d2 _ d4 d5 <<<"$(tr '\n' ' ' <"$OUT/pg.district")"
row "district overview ($SCHOOLS schools): median ms" "$d2" "-" ""
row "district overview: CPU ms (jinyun + PostgreSQL)" "$(awk -v x="$d4" -v y="$d5" 'BEGIN { print x + y }')" "-" ""
load
