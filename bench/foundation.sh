#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup and its helpers run from the trap
# foundation.sh — the benchmarks of the foundation issue, each beside its peer.
#
#   bench/foundation.sh [BUILD_DIR | path/to/jinyun]      (default: build)
#
# Measures, in one run, on this machine:
#   1. `jinyun demo` for 7,200 students                      goal < 2 s
#   2. importing a 10,000-row xlsx roster                    goal < 1 s
#      (and re-importing the same file, all rows unchanged)
#   3. exporting 100,000 people to xlsx                      goal < 5 s
#      peers: Sara Alert 41.7k monitorees in 5 min 20 s; SORMAS times out
#      at 5 min on 13k contacts
#   4. paged list API calls on 1,000,000 people              goal < 100 ms
#      peer: SORMAS users report 20-30 s per page at 300k records
#      (JINYUN_BENCH_LIST_ROWS=N uses N people instead, for a quick trial)
#   5. GET /healthz and an authenticated GET /api/people/{id} under wrk,
#      against Debian's nginx serving a static file of the same bytes
#   6. resident memory of `jinyun serve` on the demo school
#
# All load goes to 127.0.0.1 only.  Every command is bounded (timeout, wrk -d,
# curl --max-time) and a watchdog stops the whole run after 9 minutes.  A
# trap stops the servers and nginx this script started (by PID) and removes
# its temp dir, on success, failure or Ctrl-C.  The summary is printed at the
# end and written to bench/out/foundation.txt.
#
# Times are wall-clock; "cpu" is user+sys of the measured process, which
# moves less than wall time when other work shares the machine.
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ARG=${1:-build}
case $ARG in /*) ;; *) ARG=$ROOT/$ARG ;; esac
if [ -d "$ARG" ]; then
	BIN=$ARG/jinyun
	BUILD_DIR=$ARG
else
	BIN=$ARG
	BUILD_DIR=$(dirname "$ARG")
fi
if [ ! -x "$BIN" ]; then
	echo "foundation.sh: no jinyun binary at $BIN (run make first)" >&2
	exit 2
fi
for tool in curl wrk nginx awk; do
	if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
		echo "foundation.sh: $tool is not installed (apt-get install $tool)" >&2
		exit 2
	fi
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

T=$(mktemp -d "${TMPDIR:-/tmp}/jinyun-bench.XXXXXX")
OUT_DIR=${JINYUN_BENCH_OUT:-$ROOT/bench/out}
SERVE_PID=
NGINX_PID=
WATCHDOG_PID=
RESULTS=()
NOTES=()

# ---------------------------------------------------------------- cleanup

stop_pid() { # PID: TERM, then KILL after 3 s; only processes this script started
	local pid=$1
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 30); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

print_summary() {
	[ ${#RESULTS[@]} -gt 0 ] || return 0
	{
		echo
		echo "== Summary: jinyun foundation benchmarks (run took $SECONDS s) =="
		echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $("$BIN" --version 2>/dev/null | head -1), load average at start $LOAD0, at end $(cut -d' ' -f1-3 /proc/loadavg)"
		printf '%-46s %-30s %-36s %-14s %s\n' "target" "ours" "peer / goal" "ratio" "verdict"
		printf '%s\n' "${RESULTS[@]}"
		if [ ${#NOTES[@]} -gt 0 ]; then
			echo
			printf '%s\n' "${NOTES[@]}"
		fi
	} | tee "$T/summary.txt"
	mkdir -p "$OUT_DIR" 2>/dev/null && cp "$T/summary.txt" "$OUT_DIR/foundation.txt" 2>/dev/null
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_pid "$SERVE_PID"
	stop_pid "$NGINX_PID"
	print_summary
	stop_pid "$WATCHDOG_PID"
	rm -rf "$T"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "foundation.sh: interrupted" >&2; exit 130' INT TERM

# The watchdog: the whole run stays under 10 minutes whatever happens.
(
	trap 'kill "$s" 2>/dev/null; exit 0' TERM
	sleep 540 & s=$!
	wait "$s"
	echo "foundation.sh: watchdog: 9 minutes reached, stopping" >&2
	kill -TERM $$
) &
WATCHDOG_PID=$!

# ---------------------------------------------------------------- helpers

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

say() { printf '\n== %s ==\n' "$*"; }

# result TARGET OURS PEER RATIO VERDICT: one row of the summary.
result() {
	local row
	row=$(printf '%-46s %-30s %-36s %-14s %s' "$1" "$2" "$3" "$4" "$5")
	RESULTS+=("$row")
	echo "  -> $row"
}

# calc EXPR: floating-point arithmetic through awk.
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# verdict VALUE GOAL: PASS when VALUE < GOAL.
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print (v + 0 < g + 0) ? "PASS" : "FAIL" }'; }

# verdict_cli GOAL: the verdict on T_WALL, noting when the cpu time alone
# would pass (the wall time then lost to other work on the machine).
verdict_cli() {
	local v
	v=$(verdict "$T_WALL" "$1")
	if [ "$v" = FAIL ] && [ "$(verdict "$T_CPU" "$1")" = PASS ]; then
		v="FAIL (cpu $T_CPU s would pass)"
	fi
	echo "$v"
}

# timed NAME CMD...: run CMD with stdout/stderr in $T/NAME.{out,err}; sets
# T_WALL (s), T_CPU (user+sys, s) and T_RC.
timed() {
	local name=$1
	shift
	local TIMEFORMAT='%R %U %S'
	{ time "$@" >"$T/$name.out" 2>"$T/$name.err"; } 2>"$T/$name.time"
	T_RC=$?
	local u s
	read -r T_WALL u s <"$T/$name.time"
	T_CPU=$(calc "$u + $s")
}

show_err() { # NAME: the last lines of a step's output, indented
	tail -n 5 "$T/$1.err" "$T/$1.out" 2>/dev/null | sed 's/^/     /'
}

# Percent-encode every byte of $1 (for q= with Chinese text).
urlencode() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n' | sed 's/../%&/g'; }

# json_field NAME FILE: the first "NAME":value in FILE (strings unquoted).
json_field() { grep -o "\"$1\":\\(\"[^\"]*\"\\|[0-9]*\\)" "$2" | head -1 | cut -d: -f2- | tr -d '"'; }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# serve_start DB: start `jinyun serve` on a free loopback port; sets
# SERVE_PID and BASE (http://127.0.0.1:PORT).
serve_start() {
	"$BIN" serve --db "$1" --listen 127.0.0.1:0 --quiet >"$T/serve.out" 2>"$T/serve.err" &
	SERVE_PID=$!
	BASE=
	for _ in $(seq 100); do
		BASE=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$T/serve.out" 2>/dev/null | head -1)
		[ -n "$BASE" ] && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "  jinyun serve did not start:" >&2
	sed 's/^/     /' "$T/serve.err" >&2
	return 1
}

serve_stop() { stop_pid "$SERVE_PID"; SERVE_PID=; }

# login USER PASSWORD: sets COOKIE ("jy_session=…") from POST /api/session.
login() {
	COOKIE=$(curl -s --max-time 10 -D - -o "$T/login.json" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\"}" "$BASE/api/session" |
		grep -io 'jy_session=[0-9a-f]*' | head -1)
	[ -n "$COOKIE" ]
}

# latency NAME PATH: GET PATH (with the session) up to 50 times over one
# keep-alive connection per batch of 10, after one unmeasured warm-up, or
# until 20 s have gone; prints "p50_ms p99_ms n non200".  Percentiles are
# nearest-rank (with 50 samples p99 is the slowest).
latency() {
	local name=$1 url=$BASE$2 f=$T/lat-$1.txt deadline=$((SECONDS + 20))
	: >"$f"
	curl -s --max-time 30 -o /dev/null -H "Cookie: $COOKIE" "$url"
	while [ "$(wc -l <"$f")" -lt 50 ] && [ $SECONDS -lt $deadline ]; do
		local args=()
		for _ in 1 2 3 4 5 6 7 8 9 10; do args+=(-o /dev/null "$url"); done
		curl -s --max-time 60 -H "Cookie: $COOKIE" -w '%{http_code} %{time_total}\n' "${args[@]}" >>"$f"
	done
	awk '{ print $2 * 1000 }' "$f" | sort -n | awk -v bad="$(awk '$1 != 200' "$f" | wc -l)" '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "nan nan 0 " bad; exit }
			i50 = int(0.5 * NR); if (i50 < 0.5 * NR) i50++
			i99 = int(0.99 * NR); if (i99 < 0.99 * NR) i99++
			printf "%.1f %.1f %d %d\n", v[i50], v[i99], NR, bad
		}'
}

# wrk_run NAME URL [HEADER]: wrk -t2 -c64 -d10s --latency; sets W_RPS, W_P99 (ms)
# and W_ERR (non-2xx/3xx and socket errors, if any).
wrk_run() {
	local name=$1 url=$2 f=$T/wrk-$1.txt
	if [ -n "${3:-}" ]; then
		timeout 30 wrk -t2 -c64 -d10s --latency -H "$3" "$url" >"$f" 2>&1
	else
		timeout 30 wrk -t2 -c64 -d10s --latency "$url" >"$f" 2>&1
	fi
	W_RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$f")
	W_P99=$(awk '$1 == "99%" { v = $2
		if (v ~ /us$/) ms = v / 1000; else if (v ~ /ms$/) ms = v + 0; else if (v ~ /m$/) ms = v * 60000; else ms = v * 1000
		printf "%.2f", ms }' "$f")
	W_ERR=$(grep -E 'Non-2xx|Socket errors' "$f" | tr -s ' ' | paste -sd';' -)
	echo "  $name: ${W_RPS:-?} req/s, p99 ${W_P99:-?} ms${W_ERR:+  ($W_ERR)}"
	[ -n "$W_RPS" ] || { sed 's/^/     /' "$f"; W_RPS=0; W_P99=0; }
}

free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# nginx_start DOCROOT: Debian's nginx with a private config (2 workers,
# access_log off, no daemon, loopback only); sets NGINX_PID and NGINX_BASE.
# It adds the same security headers jinyun sends so the bytes on the wire match.
nginx_start() {
	local docroot=$1 n=$T/nginx port user=
	mkdir -p "$n/tmp" "$n/logs"
	[ "$(id -u)" = 0 ] && user='user root;'
	for _ in 1 2 3 4 5; do
		port=$(free_port) || return 1
		cat >"$n/nginx.conf" <<-EOF
		$user
		worker_processes 2;
		daemon off;
		pid $n/nginx.pid;
		error_log $n/logs/error.log warn;
		events { worker_connections 1024; }
		http {
		    access_log off;
		    server_tokens off;
		    etag off;
		    keepalive_requests 1000000;
		    client_body_temp_path $n/tmp/body;
		    proxy_temp_path $n/tmp/proxy;
		    fastcgi_temp_path $n/tmp/fastcgi;
		    uwsgi_temp_path $n/tmp/uwsgi;
		    scgi_temp_path $n/tmp/scgi;
		    types { }
		    default_type "application/json; charset=utf-8";
		    server {
		        listen 127.0.0.1:$port;
		        root $docroot;
		        add_header Content-Security-Policy "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" always;
		        add_header X-Content-Type-Options nosniff always;
		        add_header X-Frame-Options DENY always;
		        add_header Referrer-Policy no-referrer always;
		        add_header Cross-Origin-Opener-Policy same-origin always;
		        add_header Cache-Control no-store always;
		    }
		}
		EOF
		"$NGINX" -p "$n/" -c "$n/nginx.conf" -e "$n/logs/error.log" >"$n/logs/stdout" 2>&1 &
		NGINX_PID=$!
		NGINX_BASE=http://127.0.0.1:$port
		for _ in $(seq 50); do
			curl -s --max-time 2 -o /dev/null "$NGINX_BASE/healthz.json" && return 0
			kill -0 "$NGINX_PID" 2>/dev/null || break
			sleep 0.1
		done
		stop_pid "$NGINX_PID"
		NGINX_PID=
	done
	echo "  nginx did not start:" >&2
	sed 's/^/     /' "$n/logs/error.log" "$n/logs/stdout" >&2 2>/dev/null
	return 1
}

# A generator of synthetic rosters: built with the project (bench/meson.build);
# compiled here if this build dir predates it.
GEN=$BUILD_DIR/bench/gen_roster
if [ ! -x "$GEN" ]; then
	GEN=$T/gen_roster
	# shellcheck disable=SC2046
	cc -O2 -o "$GEN" "$ROOT/bench/gen_roster.c" $(pkg-config --cflags --libs xlsxwriter) || {
		echo "foundation.sh: cannot build bench/gen_roster.c" >&2
		exit 2
	}
fi

echo "jinyun foundation benchmarks: $BIN"
echo "temp dir $T; $(nproc) cores; load average $LOAD0"
if awk -v l="${LOAD0%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
	echo "note: the machine is busy (load $LOAD0 on $(nproc) cores): wall times will be inflated; cpu times less so."
	NOTES+=("note: load average $LOAD0 on $(nproc) cores at the start: other work shared the machine, wall times are inflated (compare cpu).")
fi

# ---------------------------------------------------------------- 1. demo

say "1. jinyun demo, 7,200 students (goal < 2 s)"
DEMO_DB=
if ! help=$("$BIN" demo --help 2>&1) || grep -qiE 'not implemented|尚未实现' <<<"$help"; then
	echo "  skipped: 'jinyun demo' is not implemented yet in this build"
	result "demo school, 7,200 students" "skipped (not implemented)" "goal 2 s" "-" "SKIP"
else
	timed demo timeout 60 "$BIN" demo --db "$T/demo.db" --students 7200
	if [ "$T_RC" -eq 0 ]; then
		DEMO_DB=$T/demo.db
		result "demo school, 7,200 students" "$T_WALL s (cpu $T_CPU s)" "goal 2 s" "$(calc "$T_WALL / 2") x goal" "$(verdict_cli 2)"
	elif grep -qiE 'not implemented|尚未实现' "$T/demo.err" "$T/demo.out"; then
		echo "  skipped: 'jinyun demo' says it is not implemented yet"
		result "demo school, 7,200 students" "skipped (not implemented)" "goal 2 s" "-" "SKIP"
	else
		echo "  jinyun demo failed (exit $T_RC):"
		show_err demo
		result "demo school, 7,200 students" "failed (exit $T_RC)" "goal 2 s" "-" "FAIL"
	fi
fi

# ---------------------------------------------------------------- 2. import

say "2. import a 10,000-row xlsx roster (goal < 1 s)"
"$GEN" --format xlsx --rows 10000 -o "$T/roster10k.xlsx"
"$BIN" init --db "$T/import.db" >/dev/null
timed import10k timeout 60 "$BIN" import roster --db "$T/import.db" "$T/roster10k.xlsx"
if [ "$T_RC" -eq 0 ]; then
	tail -1 "$T/import10k.out" | sed 's/^/  /'
	result "import 10,000-row xlsx roster" "$T_WALL s (cpu $T_CPU s)" "goal 1 s" "$(calc "$T_WALL / 1") x goal" "$(verdict_cli 1)"
	# The same file again: every row unchanged (a term's second import).
	timed reimport10k timeout 20 "$BIN" import roster --db "$T/import.db" "$T/roster10k.xlsx"
	if [ "$T_RC" -eq 0 ]; then
		result "  re-import the same file (all unchanged)" "$T_WALL s (cpu $T_CPU s)" "goal 1 s" "$(calc "$T_WALL / 1") x goal" "$(verdict_cli 1)"
	elif [ "$T_RC" -eq 124 ]; then
		result "  re-import the same file (all unchanged)" "> 20 s (stopped)" "goal 1 s" "> 20 x goal" "FAIL"
	else
		show_err reimport10k
		result "  re-import the same file (all unchanged)" "failed (exit $T_RC)" "goal 1 s" "-" "FAIL"
	fi
else
	show_err import10k
	result "import 10,000-row xlsx roster" "failed (exit $T_RC)" "goal 1 s" "-" "FAIL"
fi
rm -f "$T"/import.db*

# ---------------------------------------------------------------- 3. export

say "3. export 100,000 people to xlsx (goal < 5 s)"
# Peers: Sara Alert 5 min 20 s (320 s) for 41.7k monitorees; SORMAS gives up
# at 5 min (300 s) on 13k contacts.  Per record, scaled to 100k:
SARA_100K=$(calc "320 / 41700 * 100000" 0)
SORMAS_100K=$(calc "300 / 13000 * 100000" 0)
"$GEN" --format csv --rows 100000 -o "$T/roster100k.csv"
"$BIN" init --db "$T/export.db" >/dev/null
timed import100k timeout 120 "$BIN" import roster --db "$T/export.db" "$T/roster100k.csv"
if [ "$T_RC" -ne 0 ]; then
	show_err import100k
	result "export 100,000 people to xlsx" "skipped (import failed)" "goal 5 s" "-" "SKIP"
else
	echo "  (populated by importing a 100,000-row CSV in $T_WALL s, cpu $T_CPU s)"
	timed export100k timeout 120 "$BIN" export roster --db "$T/export.db" --format xlsx -o "$T/export100k.xlsx"
	if [ "$T_RC" -eq 0 ] && [ -s "$T/export100k.xlsx" ]; then
		echo "  wrote $(stat -c %s "$T/export100k.xlsx") bytes; $(calc "$T_WALL * 1000 / 100000" 3) ms per person (Sara Alert $(calc "320000 / 41700" 1), SORMAS > $(calc "300000 / 13000" 1))"
		result "export 100,000 people to xlsx" "$T_WALL s (cpu $T_CPU s)" "goal 5 s" "$(calc "$T_WALL / 5") x goal" "$(verdict_cli 5)"
		result "  vs Sara Alert: 41.7k in 320 s" "$T_WALL s for 100k" "~$SARA_100K s at 100k (same rate)" "$(calc "$T_WALL / $SARA_100K" 4)" "$(calc "$SARA_100K / $T_WALL" 0)x faster"
		result "  vs SORMAS: 13k times out at 300 s" "$T_WALL s for 100k" "> $SORMAS_100K s at 100k (same rate)" "< $(calc "$T_WALL / $SORMAS_100K" 4)" "> $(calc "$SORMAS_100K / $T_WALL" 0)x faster"
	else
		show_err export100k
		result "export 100,000 people to xlsx" "failed (exit $T_RC)" "goal 5 s" "-" "FAIL"
	fi
fi
rm -f "$T"/export.db* "$T"/roster100k.csv "$T"/export100k.xlsx

# ---------------------------------------------------------------- 4. list API at 1M

# JINYUN_BENCH_LIST_ROWS makes a quicker trial run (the goal is for 1,000,000).
ROWS=${JINYUN_BENCH_LIST_ROWS:-1000000}
NAME_ROWS=$(awk -v n="$ROWS" 'BEGIN { if (n % 1000000 == 0) print n / 1000000 "M"; else if (n % 1000 == 0) print n / 1000 "k"; else print n }')
DEEP=$((ROWS - 10000 > 0 ? ROWS - 10000 : ROWS / 2))
say "4. paged list API on $ROWS people (goal < 100 ms; SORMAS 20-30 s per page at 300k)"
"$GEN" --format csv --rows "$ROWS" -o "$T/roster-list.csv"
"$BIN" init --db "$T/list.db" >/dev/null
timed import-list timeout 300 "$BIN" import roster --db "$T/list.db" "$T/roster-list.csv"
rm -f "$T/roster-list.csv"
if [ "$T_RC" -ne 0 ]; then
	echo "  populating $ROWS people failed or took over 300 s (exit $T_RC):"
	show_err import-list
	result "list API at $NAME_ROWS people" "skipped (import failed)" "goal 100 ms" "-" "SKIP"
else
	tail -1 "$T/import-list.out" | sed 's/^/  /'
	NOTES+=("populating the $NAME_ROWS-person database: one $ROWS-row CSV import took $T_WALL s (cpu $T_CPU s), $(calc "$ROWS / $T_WALL" 0) rows/s.")
	result "  (populate: import $NAME_ROWS-row CSV)" "$T_WALL s (cpu $T_CPU s)" "-" "-" "info"
	echo password123 | "$BIN" user add --db "$T/list.db" --name admin --role admin >/dev/null
	if serve_start "$T/list.db" && login admin password123; then
		echo "  serving $BASE"
		curl -s --max-time 30 -o "$T/mid.json" -H "Cookie: $COOKIE" "$BASE/api/people?after=$((ROWS / 2))&limit=1"
		CLASS_ID=$(json_field class_id "$T/mid.json")
		curl -s --max-time 30 -o "$T/deep.json" -H "Cookie: $COOKIE" "$BASE/api/people/$DEEP"
		QNAME=$(json_field name "$T/deep.json")
		QENC=$(urlencode "$QNAME")
		SORMAS_PAGE_MS=20000
		for spec in \
			"first|first page (limit=50)|/api/people?limit=50" \
			"deep|deep keyset page (after=$DEEP)|/api/people?limit=50&after=$DEEP" \
			"class|class filter page (class_id=$CLASS_ID)|/api/people?limit=50&class_id=$CLASS_ID" \
			"search|q= search (a full name)|/api/people?limit=50&q=$QENC" \
			"count|total=1 (count of $NAME_ROWS)|/api/people?limit=50&total=1"; do
			IFS='|' read -r key label path <<<"$spec"
			[ "$key" = search ] && echo "  (searching for q=$QNAME, the name of person $DEEP)"
			read -r p50 p99 n bad <<<"$(latency "$key" "$path")"
			echo "  $label: p50 $p50 ms, p99 $p99 ms over $n requests$([ "$bad" != 0 ] && echo ", $bad not 200")"
			v=FAIL
			[ "$n" -gt 0 ] && [ "$bad" -eq 0 ] && v=$(verdict "$p99" 100)
			result "list $NAME_ROWS: $label" "p50 $p50 / p99 $p99 ms (n=$n)" "goal 100 ms; SORMAS 20-30 s" "$(calc "$p99 / $SORMAS_PAGE_MS" 4) (p99/20 s)" "$v (p99)"
		done
	else
		echo "  could not start or log in to jinyun serve"
		result "list API at $NAME_ROWS people" "failed (serve/login)" "goal 100 ms" "-" "FAIL"
	fi
	serve_stop
fi
rm -f "$T"/list.db*

# ---------------------------------------------------------------- 5 & 6. wrk vs nginx, RSS

say "5. wrk -t2 -c64 -d10s on loopback: jinyun vs nginx (same bytes); 6. RSS of jinyun serve"
SCHOOL_DB=$DEMO_DB
SCHOOL_LABEL="demo school"
if [ -z "$SCHOOL_DB" ]; then
	# Without the demo command: the same number of students, imported.
	SCHOOL_LABEL="7,200 imported students (no demo)"
	"$GEN" --format csv --rows 7200 -o "$T/roster7200.csv"
	"$BIN" init --db "$T/school.db" >/dev/null
	"$BIN" import roster --db "$T/school.db" "$T/roster7200.csv" >/dev/null && SCHOOL_DB=$T/school.db
fi
if [ -n "$SCHOOL_DB" ] && echo password123 | "$BIN" user add --db "$SCHOOL_DB" --name benchadmin --role admin >/dev/null &&
	serve_start "$SCHOOL_DB"; then
	sleep 0.2
	RSS_START=$(rss_kb "$SERVE_PID")
	echo "  serving $SCHOOL_LABEL at $BASE; VmRSS after start $RSS_START kB"
	if login benchadmin password123; then
		curl -s --max-time 10 -o "$T/first.json" -H "Cookie: $COOKIE" "$BASE/api/people?limit=1"
		PID_READ=$(json_field id "$T/first.json")
		mkdir -p "$T/www"
		curl -s --max-time 10 -o "$T/www/healthz.json" "$BASE/healthz"
		curl -s --max-time 10 -o "$T/www/person.json" -H "Cookie: $COOKIE" "$BASE/api/people/$PID_READ"
		audit_last() {
			curl -s --max-time 10 -o "$T/audit.json" -H "Cookie: $COOKIE" "$BASE/api/audit?limit=1"
			json_field id "$T/audit.json"
		}
		AUDIT0=$(audit_last)
		if nginx_start "$T/www"; then
			for f in healthz person; do
				path=/healthz
				[ $f = person ] && path=/api/people/$PID_READ
				j=$(curl -s --max-time 10 -o /dev/null -w '%{size_header}+%{size_download}' -H "Cookie: $COOKIE" "$BASE$path")
				n=$(curl -s --max-time 10 -o /dev/null -w '%{size_header}+%{size_download}' "$NGINX_BASE/$f.json")
				echo "  $f response bytes (headers+body): jinyun $j, nginx $n"
			done
			wrk_run jinyun-healthz "$BASE/healthz"
			J_RPS=$W_RPS J_P99=$W_P99
			wrk_run nginx-healthz "$NGINX_BASE/healthz.json"
			N_RPS=$W_RPS N_P99=$W_P99
			result "GET /healthz, wrk -t2 -c64 -d10s" "$J_RPS req/s, p99 $J_P99 ms" "nginx $N_RPS req/s, p99 $N_P99 ms" "$(calc "$J_RPS / ($N_RPS + 0.000001)") (req/s)" "p99 ratio $(calc "$J_P99 / ($N_P99 + 0.000001)"); no goal set"
			wrk_run jinyun-person "$BASE/api/people/$PID_READ" "Cookie: $COOKIE"
			J_RPS=$W_RPS J_P99=$W_P99 J_ERR=$W_ERR
			wrk_run nginx-person "$NGINX_BASE/person.json"
			N_RPS=$W_RPS N_P99=$W_P99
			result "GET /api/people/{id} (session, audit row)" "$J_RPS req/s, p99 $J_P99 ms" "nginx $N_RPS req/s, p99 $N_P99 ms" "$(calc "$J_RPS / ($N_RPS + 0.000001)") (req/s)" "p99 ratio $(calc "$J_P99 / ($N_P99 + 0.000001)"); no goal set${J_ERR:+; ERRORS: $J_ERR}"
			AUDIT1=$(audit_last)
			if [ -n "$AUDIT0" ] && [ -n "$AUDIT1" ]; then
				echo "  audit rows written during the run: $((AUDIT1 - AUDIT0))"
				NOTES+=("GET /api/people/{id} under wrk wrote $((AUDIT1 - AUDIT0)) audit rows (one per read, as designed).")
			fi
			stop_pid "$NGINX_PID"
			NGINX_PID=
		else
			result "wrk vs nginx" "skipped (nginx did not start)" "-" "-" "SKIP"
		fi
	else
		echo "  could not log in"
		result "wrk vs nginx" "failed (login)" "-" "-" "FAIL"
	fi
	RSS_END=$(rss_kb "$SERVE_PID")
	HWM_END=$(hwm_kb "$SERVE_PID")
	echo "  VmRSS after the wrk runs $RSS_END kB (peak VmHWM $HWM_END kB)"
	result "RSS of jinyun serve ($SCHOOL_LABEL)" "start $(calc "$RSS_START / 1024" 1) MB, after wrk $(calc "$RSS_END / 1024" 1) MB" "-" "-" "peak $(calc "$HWM_END / 1024" 1) MB"
	serve_stop
else
	echo "  no school database or jinyun serve did not start"
	result "wrk vs nginx, RSS" "failed (no school/serve)" "-" "-" "FAIL"
fi

exit 0
