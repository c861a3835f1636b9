#!/bin/bash
# fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...] — run each libFuzzer target for
# SECONDS (default 60) and print executions, coverage and findings per target.
#
# Seeds: fuzz/corpus/<target>/ (committed), plus samples cut from the
# third-party data in $JINYUN_SHARED_DATA (default ../shared/data) when it is
# there — made at run time in BUILD_DIR/seeds/, never copied into the repo.
# What a run learns is kept in BUILD_DIR/corpus/<target>/ for the next run.
# A crash leaves its input in BUILD_DIR/artifacts/<target>/; copy it to
# fuzz/regress/<target>/ with a fix, and `make check` replays it from then on.
# Exit status: 0 when no target found anything.
set -uo pipefail
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]}
secs=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
here=$(cd "$(dirname "$0")" && pwd)
data=${JINYUN_SHARED_DATA:-$here/../../shared/data}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(http csv xlsx import trace aberration gate json)

seeds() {   # target → a directory of samples from the shared data (may be empty)
	local t=$1 d=$build/seeds/$1
	rm -rf "$d"; mkdir -p "$d"
	[ -d "$data" ] || { echo "$d"; return; }
	case $t in
	csv|import)
		for f in "$data"/r-surveillance/datasets/*.csv "$data"/outbreaks-pkg-school-outbreaks/*.csv; do
			[ -f "$f" ] || continue
			if [ "$t" = import ]; then
				for k in 0 1 2 3 4 5; do
					{ printf "\\x0$k"; head -n 20 "$f"; } > "$d/$k-$(basename "$f")"
				done
			else
				head -n 40 "$f" > "$d/$(basename "$f")"
			fi
		done ;;
	trace)
		for f in "$data"/sociopatterns-*/*.dat "$data"/sociopatterns-*/*.csv "$data"/sociopatterns-*/*.txt; do
			[ -f "$f" ] || continue
			{ printf '\x00'; head -n 200 "$f"; } > "$d/c-$(basename "$f")"
			{ printf '\x01'; head -n 200 "$f"; } > "$d/p-$(basename "$f")"
		done ;;
	aberration)
		for f in "$data"/r-surveillance/reference_outputs/input_*.csv "$data"/r-surveillance/datasets/*.csv; do
			[ -f "$f" ] || continue
			for k in 0 3 4; do
				{ printf "\\x0$k"; head -n 400 "$f"; } > "$d/$k-$(basename "$f")"
			done
		done ;;
	esac
	echo "$d"
}

found=0
printf '%-11s %12s %10s %8s %8s  %s\n' target execs exec/s cov ft result
for t in "${targets[@]}"; do
	bin=$build/fuzz/fuzz_$t
	[ -x "$bin" ] || { echo "no $bin: build with make fuzz" >&2; exit 2; }
	work=$build/corpus/$t art=$build/artifacts/$t/
	mkdir -p "$work" "$art"
	log=$build/fuzz-$t.log
	sd=$(seeds "$t")
	dict=()
	[ -f "$here/dict/$t.dict" ] && dict=(-dict="$here/dict/$t.dict")
	"$bin" -max_total_time="$secs" -print_final_stats=1 -close_fd_mask=1 -timeout=10 \
		-rss_limit_mb=2048 -max_len=65536 "${dict[@]}" -artifact_prefix="$art" \
		"$work" "$here/corpus/$t" "$sd" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	if [ $rc -eq 0 ]; then res=ok; else res="FOUND (exit $rc; see $log, $art)"; found=1; fi
	printf '%-11s %12s %10s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$res"
done
exit $found
