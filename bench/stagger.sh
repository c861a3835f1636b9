#!/bin/bash
# bench/stagger.sh — the staggering benchmark (issue 7): 160 classes into a
# 4-zone canteen over 4 slots in under 1 s, how far the classes each class
# meets are from the lower bound (and from the exhaustive optimum on small
# instances), against a greedy fill in the same run.  See bench/README.md.
#
#   bench/stagger.sh [BUILD_DIR]        (default build dir: build)
#
# 1. bench/bench_stagger: the engine alone on the issue's instance at several
#    amounts of spare seats (5 seeds each), and 200 small instances against
#    the exhaustive search.
# 2. End to end: `jinyun demo` (7,200 students, 160 classes), a 4-zone
#    canteen sized for the whole school added with sqlite3 (5 % spare), and
#    `jinyun stagger --classes all` over 4 slots timed with its database
#    reads; then the demo's own 第一食堂 (its 53 lunch classes, 3 sittings).
# The report goes to stdout and bench/out/stagger.txt.  About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" bench/bench_stagger jinyun >/dev/null
command -v sqlite3 >/dev/null || { echo "bench/stagger.sh: needs sqlite3" >&2; exit 1; }

TMP=$(mktemp -d /tmp/jinyun-bench-stagger-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
DB=$TMP/demo.db
JY=$BUILD/jinyun

ms() { date +%s%N; }

mkdir -p bench/out
{
	echo "# bench/stagger.sh on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	"$BUILD/bench/bench_stagger" --seeds 5 --small 200

	echo
	echo "## end to end: jinyun stagger on the demo school"
	"$JY" demo --db "$DB" >/dev/null
	# A canteen for everyone: 4 zones, 7,200 x 1.05 / 16 seats each.
	sqlite3 "$DB" <<-'SQL'
		INSERT INTO place (school_id, kind, name, building, floor, capacity, area_m2, updated_at)
		  SELECT id, 'canteen', '大食堂', '大食堂', 1, 1892, 2270, 0 FROM school ORDER BY id LIMIT 1;
		INSERT INTO place (school_id, parent_id, kind, name, building, floor, capacity, area_m2, updated_at)
		  SELECT p.school_id, p.id, 'canteen_zone', '大食堂' || z.n || '区', '大食堂', 1, 473, 567.6, 0
		  FROM place p, (SELECT 'A' AS n UNION ALL SELECT 'B' UNION ALL SELECT 'C' UNION ALL SELECT 'D') z
		  WHERE p.name = '大食堂';
	SQL
	SLOTS=11:00-11:25,11:30-11:55,12:00-12:25,12:30-12:55
	for run in 1 2 3; do
		t0=$(ms)
		"$JY" stagger --db "$DB" --place 大食堂 --slots "$SLOTS" --classes all --json >"$TMP/all.json"
		t1=$(ms)
		python3 - "$TMP/all.json" "$(((t1 - t0) / 1000000))" <<-'PY'
			import json, sys
			d = json.load(open(sys.argv[1])); s = d["summary"]; lb = s["lower_bound"]; g = s["greedy"]
			over = [m for m in d["max_load"] if m["people"] > m["capacity"]]
			gap = (s["meets_total"] - lb["meets_total"]) / lb["meets_total"] * 100 if lb["meets_total"] else 0
			print(f"160 classes, 大食堂 4 zones x 4 slots: {sys.argv[2]} ms wall (CLI, reads included); "
			      f"feasible {d['feasible']}, classes met per class mean {s['meets_mean']} max {s['meets_max']}, "
			      f"lower bound mean {lb['meets_total'] / s['classes']:.3f} max {lb['meets_max']} (gap {gap:.2f} %), "
			      f"mixed {s['mixed_total']}, optimal {s['optimal']}; greedy: feasible {g['feasible']}"
			      + (f", mean {g['meets_mean']} max {g['meets_max']} mixed {g['mixed_total']}" if g["feasible"] else "")
			      + f"; zones over capacity: {len(over)}")
		PY
	done
	t0=$(ms)
	"$JY" stagger --db "$DB" --place 第一食堂 --slots 11:45-12:10,12:10-12:35,12:35-13:00 --json >"$TMP/one.json"
	t1=$(ms)
	python3 - "$TMP/one.json" "$(((t1 - t0) / 1000000))" <<-'PY'
		import json, sys
		d = json.load(open(sys.argv[1])); s = d["summary"]; lb = s["lower_bound"]; g = s["greedy"]
		print(f"demo 第一食堂 ({s['classes']} lunch classes, 4 zones x 3 sittings): {sys.argv[2]} ms wall; "
		      f"mean {s['meets_mean']} max {s['meets_max']} mixed {s['mixed_total']}, "
		      f"bound mean {lb['meets_total'] / s['classes']:.3f}, optimal {s['optimal']} ({s['proof']}); "
		      f"greedy mean {g.get('meets_mean')} max {g.get('meets_max')} mixed {g.get('mixed_total')}")
	PY
} | tee bench/out/stagger.txt
