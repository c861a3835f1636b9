#!/bin/sh
# Browser tests (playwright-core + Debian's Chromium); skipped with a message
# until the web UI lands.
set -eu
BUILD=${1:-build}
if [ ! -f tests/e2e/run.mjs ]; then
	echo "e2e: no browser tests yet (tests/e2e/run.mjs absent)"
	exit 0
fi
node tests/e2e/run.mjs "$BUILD"
