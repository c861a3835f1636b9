#!/bin/sh
# bench/backup.sh — `jinyun backup` and `jinyun restore` on the demo school
# (7,200 students, 30 days of checks): idle, and while another process keeps
# writing to the database (the online case).  Peer: sqlite3's own `.backup`
# on the same file in the same run (the CLI's backup API use).
# Usage: bench/backup.sh [BUILD_DIR | path/to/jinyun]
set -eu
B=${1:-build}
J=$B; [ -d "$B" ] && J=$B/jinyun
T=$(mktemp -d /tmp/jinyun-bench-backup-XXXXXX)
WRITER=""
cleanup() { [ -n "$WRITER" ] && kill "$WRITER" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT INT TERM
now() { date +%s.%N; }
echo "load: $(uptime)"
"$J" demo --db "$T/demo.db" --days 30 >/dev/null 2>&1
ls -l "$T/demo.db" | awk '{printf "demo.db: %.1f MiB\n", $5/1048576}'
best() { sort -n | head -1; }
run3() { for i in 1 2 3; do s=$(now); "$@" >/dev/null; e=$(now); echo "$e - $s" | bc; done | best; }
idle=$(run3 "$J" backup --db "$T/demo.db" --out "$T/b.db")
peer=$(run3 sqlite3 "$T/demo.db" ".backup '$T/p.db'")
# A writer: one small UPDATE after another from another process.
( while :; do sqlite3 "$T/demo.db" "UPDATE person SET updated_at = updated_at + 1 WHERE id = (abs(random()) % 7000) + 1" 2>/dev/null; done ) &
WRITER=$!
sleep 1
busy=$(run3 "$J" backup --db "$T/demo.db" --out "$T/b2.db")
kill "$WRITER"; WRITER=""
wait 2>/dev/null || true
rest=$(run3 "$J" restore --db "$T/demo.db" --from "$T/b.db")
sqlite3 "$T/b2.db" "PRAGMA integrity_check" | grep -qx ok
printf 'backup idle:            %.3f s (best of 3)\n' "$idle"
printf 'sqlite3 .backup (peer): %.3f s (ratio jinyun/peer %.2f; jinyun also runs integrity_check)\n' "$peer" "$(echo "$idle / $peer" | bc -l)"
printf 'backup under writes:    %.3f s (copy passes integrity_check)\n' "$busy"
printf 'restore:                %.3f s (checks the backup and the copy, renames)\n' "$rest"
echo "load: $(uptime)"
