#!/usr/bin/env bash
# run.sh — run every benchmark script in bench/ (what `make bench` calls).
#
#   bench/run.sh [BUILD_DIR]        (default: build)
#
# Runs each bench/*.sh other than this one, in name order, passing BUILD_DIR,
# and goes on when one fails; the exit status is non-zero when any failed.
set -u
BUILD_DIR=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
failed=()
for script in "$HERE"/*.sh; do
	[ "$(basename "$script")" = run.sh ] && continue
	echo "######## $(basename "$script") $BUILD_DIR"
	if ! bash "$script" "$BUILD_DIR"; then
		failed+=("$(basename "$script")")
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "bench: failed: ${failed[*]}" >&2
	exit 1
fi
