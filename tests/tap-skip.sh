#!/bin/sh
# Run a cmocka test binary and pass its TAP on, turning cmocka's
# "not ok N # SKIP" (a skipped test, e.g. when ../shared/data is absent)
# into "ok N # SKIP", which is how TAP consumers such as Meson read a skip.
# The test's own exit status is kept.
set -u
out=$(mktemp)
"$@" >"$out"
st=$?
sed 's/^not ok \([0-9][0-9]*\) # SKIP/ok \1 # SKIP/' "$out"
rm -f "$out"
exit $st
