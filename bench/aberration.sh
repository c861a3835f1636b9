#!/bin/bash
# bench/aberration.sh — the aberration engines (bench/bench_aberration.c)
# on a district's daily run (360,000 daily series x C1, C2, C3,
# farringtonFlexible, plus algo.farrington) and on the 3-year backfill of one
# school (150 classes x 12 symptoms), against R's `surveillance` 1.20.3
# timed in the same run on a sample of the same series, which must also give
# the same numbers.  See bench/README.md.
#
#   bench/aberration.sh [BUILD_DIR] [bench_aberration options]
#
# Environment: ABER_SAMPLE (R sample, default 40 series), ABER_R_BACKFILL
# (sample series R backfills, default 1).  About 2-3 minutes, most of it R.
# The report goes to stdout and bench/out/aberration.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
	BUILD=$1
	shift
fi
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" bench/bench_aberration >/dev/null
command -v Rscript >/dev/null || { echo "bench/aberration.sh: needs Rscript (r-cran-surveillance)" >&2; exit 1; }

SAMPLE=${ABER_SAMPLE:-40}
RBACK=${ABER_R_BACKFILL:-1}
TMP=$(mktemp -d /tmp/jinyun-bench-aber-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
mkdir -p bench/out

"$BUILD/bench/bench_aberration" --sample "$SAMPLE" --sample-dir "$TMP" "$@" >"$TMP/c.txt" 2>"$TMP/c.err" || { cat "$TMP/c.err" >&2; exit 1; }

cat >"$TMP/r.R" <<'EOF'
suppressMessages(library(surveillance))
args <- commandArgs(TRUE)
dir <- args[1]; nback <- as.integer(args[2])
d <- read.csv(file.path(dir, "series.csv"), check.names = FALSE)
cres <- read.csv(file.path(dir, "c_results.csv"), stringsAsFactors = FALSE)
cols <- grep("^s[0-9]+$", names(d), value = TRUE)
K <- length(cols); n <- nrow(d)
s <- sts(observed = as.matrix(d[, cols]), epoch = as.numeric(as.Date(d$date)),
         epochAsDate = TRUE, frequency = 365)
cpu <- function(t) t[["user.self"]] + t[["sys.self"]]
ctl_flex <- list(b = 2, w = 7)
ctl_farr <- list(b = 2, w = 7)
maxrel <- 0; mism <- 0; checked <- 0
cmp <- function(method, series, idx, ub, al) {
  want <- cres[cres$method == method & cres$series == series & cres$idx %in% idx, ]
  want <- want[order(want$idx), ]
  stopifnot(nrow(want) == length(idx))
  wub <- suppressWarnings(as.numeric(want$upperbound))
  wal <- suppressWarnings(as.numeric(want$alarm))
  for (i in seq_along(idx)) {
    checked <<- checked + 1
    a <- ub[i]; b <- wub[i]
    if (is.na(a) != is.na(b) || (!is.na(a) && a != b &&
        abs(a - b) / max(abs(a), abs(b)) > 1e-9)) mism <<- mism + 1
    if (!is.na(a) && !is.na(b) && a != b)
      maxrel <<- max(maxrel, abs(a - b) / max(abs(a), abs(b)))
    if (is.na(al[[i]]) != is.na(wal[i]) || (!is.na(al[[i]]) && al[[i]] != wal[i]))
      mism <<- mism + 1
  }
}
run <- function(method, rng, cols_idx) {
  x <- s[, cols_idx]
  if (method %in% c("C1", "C2", "C3")) {
    r <- earsC(x, control = list(range = rng, method = method))
    list(ub = upperbound(r), al = alarms(r) * 1)
  } else if (method == "flexible") {
    r <- farringtonFlexible(x, control = c(list(range = rng), ctl_flex))
    list(ub = upperbound(r), al = alarms(r) * 1)
  } else {
    ub <- al <- matrix(NA_real_, length(rng), length(cols_idx))
    for (j in seq_along(cols_idx)) {
      r <- suppressWarnings(algo.farrington(sts2disProg(x[, j]),
                                            control = c(list(range = rng), ctl_farr)))
      ub[, j] <- r$upperbound; al[, j] <- r$alarm * 1
    }
    list(ub = ub, al = al)
  }
}
for (m in c("C1", "C2", "C3", "flexible", "farrington")) {
  # today: the last day of every sample series in one call (R's earsC cannot
  # evaluate C3 on a single time point, so C3 gets the last two days)
  rng <- if (m == "C3") (n - 1):n else n
  t <- system.time(res <- run(m, rng, seq_len(K)))
  last <- length(rng)
  for (j in seq_len(K)) cmp(m, j - 1, n, res$ub[last, j], res$al[last, j])
  cat(sprintf("r_today_%s cpu_s %.4f wall_s %.4f per_series_us %.1f\n", m, cpu(t),
              t[["elapsed"]], cpu(t) / K * 1e6))
  # backfill: every day with enough history of the first sample series
  first <- min(cres$idx[cres$method == m & cres$series == 0])
  t <- system.time(res <- run(m, first:n, seq_len(nback)))
  cmp(m, 0, first:n, res$ub[, 1], res$al[, 1])
  pts <- (n - first + 1) * nback
  cat(sprintf("r_backfill_%s cpu_s %.4f points %d per_point_us %.1f\n", m, cpu(t), pts,
              cpu(t) / pts * 1e6))
}
cat(sprintf("r_check values %d mismatches %d max_rel %.3g\n", checked, mism, maxrel))
EOF
Rscript "$TMP/r.R" "$TMP" "$RBACK" >"$TMP/r.txt" 2>"$TMP/r.err" || { cat "$TMP/r.err" >&2; exit 1; }

# ---- report ----------------------------------------------------------------
val() { awk -v k="$1" -v f="$2" '$1 == k { for (i = 2; i < NF; i++) if ($i == f) print $(i + 1) }' "$TMP/c.txt" "$TMP/r.txt"; }
{
	echo "# bench/aberration.sh on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	N=$(awk '$1 == "series" { print $2 }' "$TMP/c.txt")
	T=$(awk '$1 == "threads" { print $2 }' "$TMP/c.txt")
	echo "# $N daily series of 1095 days (3 years), $T threads; R on $SAMPLE of them; cpu times"
	echo
	printf '%-12s %16s %16s %10s %18s %18s\n' "today" "C us/series" "R us/series" "R/C" "C all series (s)" "R all series (h)"
	for m in C1 C2 C3 flexible farrington; do
		c=$(val "today_$m" per_series_us); r=$(val "r_today_$m" per_series_us)
		awk -v m="$m" -v c="$c" -v r="$r" -v n="$N" 'BEGIN {
			printf "%-12s %16.3f %16.1f %9.0fx %18.2f %18.2f\n", m, c, r, r / c, c * n / 1e6, r * n / 1e6 / 3600 }'
	done
	echo
	for k in district4 district5; do
		w=$(val "$k" wall_s); c=$(val "$k" cpu_s)
		label="C1+C2+C3+flexible"; [ "$k" = district5 ] && label="C1+C2+C3+flexible+farrington"
		awk -v l="$label" -v w="$w" -v c="$c" -v n="$N" 'BEGIN {
			printf "district daily run, %s on %d series: %.2f s wall, %.2f s cpu  (goal < 10 s: %s)\n",
				l, n, w, c, (w < 10 ? "PASS" : (c / 2 < 10 ? "FAIL on wall, cpu/2 passes" : "FAIL")) }'
	done
	echo
	printf '%-12s %14s %14s %10s %16s %16s\n' "backfill" "C us/point" "R us/point" "R/C" "C school (s)" "R school (h)"
	for m in C1 C2 C3 flexible farrington; do
		c=$(val "backfill_$m" per_point_us); r=$(val "r_backfill_$m" per_point_us)
		p=$(val "backfill_$m" points); cw=$(val "backfill_$m" wall_s)
		awk -v m="$m" -v c="$c" -v r="$r" -v p="$p" -v cw="$cw" 'BEGIN {
			printf "%-12s %14.3f %14.1f %9.0fx %10.2f wall %16.2f\n", m, c, r, r / c, cw, r * p / 1e6 / 3600 }'
	done
	echo
	awk '$1 == "r_check" { printf "same numbers as R: %d upper bounds and alarms compared, %d mismatches, max relative difference %s\n", $3, $5, $7 }' "$TMP/r.txt"
} | tee bench/out/aberration.txt
