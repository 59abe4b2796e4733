#!/usr/bin/env bash
# Measures `forceboard report`'s ingest speed and memory against the performance
# requirement (see BENCHMARKS.md). Not part of `cargo test` or CI: run it by hand.
#
#   scripts/measure.sh            # 5 runs per measurement
#   RUNS=9 scripts/measure.sh
#
# Prints, for the 30-day generated feed, the CPU time (task-clock from `perf stat`, or
# user+sys from /usr/bin/time when perf is unusable) and lines per CPU second of:
#   - forceboard report --json FILE
#   - jq -c 'select(.kind=="call_offered")' FILE
#   - examples/serde_baseline FILE (serde_json::Value per line, nothing else)
# as the median of RUNS runs, and the peak RSS of `report` on 1 day vs 30 days.
set -euo pipefail

RUNS=${RUNS:-5}
SEED=${SEED:-7}
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
BIN=$CARGO_TARGET_DIR/release/forceboard
SERDE=$CARGO_TARGET_DIR/release/examples/serde_baseline

if ! command -v jq >/dev/null; then
    echo "jq not found: installing it with apt-get" >&2
    if [ "$(id -u)" -eq 0 ]; then
        apt-get install -y jq >&2
    else
        sudo apt-get install -y jq >&2
    fi
fi
if [ ! -x /usr/bin/time ]; then
    echo "measure.sh needs GNU time at /usr/bin/time (apt-get install time)" >&2
    exit 1
fi
use_perf=false
if command -v perf >/dev/null && perf stat -x, -e task-clock -o /dev/null -- true 2>/dev/null; then
    use_perf=true
fi

cargo build --release --quiet --bin forceboard --example serde_baseline

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$BIN" gen --days 1 --seed "$SEED" --schema 1.0 >"$tmp/day1.ndjson"
"$BIN" gen --days 30 --seed "$SEED" --schema 1.0 >"$tmp/day30.ndjson"
lines1=$(wc -l <"$tmp/day1.ndjson")
lines30=$(wc -l <"$tmp/day30.ndjson")

# CPU seconds of one run of "$@" (output discarded).
cpu_seconds() {
    if $use_perf; then
        perf stat -x, -e task-clock -o "$tmp/stat" -- "$@" >/dev/null
        awk -F, '$3 ~ /^task-clock/ { printf "%.4f\n", $1 / 1000 }' "$tmp/stat"
    else
        /usr/bin/time -f '%U %S %M' -o "$tmp/stat" -- "$@" >/dev/null
        awk '{ printf "%.4f\n", $1 + $2 }' "$tmp/stat"
    fi
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# name, lines, CPU seconds of each run: prints the median (and the best run) as lines/s.
summarise() {
    local name=$1 lines=$2
    shift 2
    local med best
    med=$(printf '%s\n' "$@" | median)
    best=$(printf '%s\n' "$@" | sort -g | head -n1)
    awk -v name="$name" -v lines="$lines" -v med="$med" -v best="$best" -v runs="$*" 'BEGIN {
        printf "%-26s median %.3f s CPU = %9.0f lines/s; best %.3f s = %9.0f lines/s  (runs: %s)\n",
            name, med, lines / med, best, lines / best, runs
    }'
}

# Peak RSS in KiB of `report --json` on a file: the median of RUNS runs.
peak_rss_kib() {
    local rss=()
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -v -o "$tmp/rss" -- "$BIN" report --json "$1" >/dev/null
        rss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/rss")")
    done
    printf '%s\n' "${rss[@]}" | median
}

echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CPU time from: $($use_perf && echo 'perf stat -e task-clock' || echo '/usr/bin/time %U+%S'); median of $RUNS runs"
echo "feeds (seed $SEED): 1 day = $lines1 lines ($(du -h "$tmp/day1.ndjson" | cut -f1)), 30 days = $lines30 lines ($(du -h "$tmp/day30.ndjson" | cut -f1))"
echo
echo "== CPU time on the 30-day feed =="
# Round robin, so that a change in the machine's load falls on all three alike.
report_runs=() serde_runs=() jq_runs=()
for _ in $(seq "$RUNS"); do
    report_runs+=("$(cpu_seconds "$BIN" report --json "$tmp/day30.ndjson")")
    serde_runs+=("$(cpu_seconds "$SERDE" "$tmp/day30.ndjson")")
    jq_runs+=("$(cpu_seconds jq -c 'select(.kind=="call_offered")' "$tmp/day30.ndjson")")
done
summarise "forceboard report --json" "$lines30" "${report_runs[@]}"
summarise "serde_json::Value per line" "$lines30" "${serde_runs[@]}"
summarise "jq -c select(call_offered)" "$lines30" "${jq_runs[@]}"
echo
echo "== peak RSS of forceboard report --json =="
rss1=$(peak_rss_kib "$tmp/day1.ndjson")
rss30=$(peak_rss_kib "$tmp/day30.ndjson")
echo "1 day:   $rss1 KiB"
echo "30 days: $rss30 KiB  (ratio $(awk -v a="$rss30" -v b="$rss1" 'BEGIN { printf "%.2f", a / b }'))"
