#!/usr/bin/env bash
# `report --json` read on one thread and with its lines parsed on two, side by side:
# wall, CPU and peak RSS of each run (GNU time), the two paths in turn (A B A B …), on the
# 30-day feed and on a year; and `wc -l` on the same files, the rate of splitting lines
# that no reader of the file can beat. Checks the two paths print the same bytes.
# Usage: scripts/measure_report_paths.sh [BINARY] (default target/release/forceboard);
# RUNS=N pairs (default 5); DAYS=N for the large feed (default 365, about 590 MB, written
# to a temporary folder and deleted at the end).
set -euo pipefail

binary=${1:-${CARGO_TARGET_DIR:-target}/release/forceboard}
runs=${RUNS:-5}
days=${DAYS:-365}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$binary" gen --days 30 --seed 7 --schema 1.0 > "$work/m.ndjson"
"$binary" gen --days "$days" --seed 7 > "$work/large.ndjson"

# One run: "wall cpu peak_kib" of the command.
timed() {
    /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" > /dev/null
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time.txt"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for feed in m large; do
    file="$work/$feed.ndjson"
    lines=$(wc -l < "$file")
    echo "== $feed.ndjson: $lines lines, $(du -m "$file" | cut -f1) MB"
    for path in 1 2; do
        FORCEBOARD_PARSE_THREADS=$path "$binary" report "$file" --json > "$work/out-$path.json"
    done
    cmp -s "$work/out-1.json" "$work/out-2.json" && echo "the two paths print the same bytes"
    : > "$work/wc.txt"; : > "$work/p1.txt"; : > "$work/p2.txt"
    for _ in $(seq "$runs"); do
        timed wc -l "$file" >> "$work/wc.txt"
        for path in 1 2; do
            FORCEBOARD_PARSE_THREADS=$path timed "$binary" report "$file" --json >> "$work/p$path.txt"
        done
    done
    for name in wc p1 p2; do
        wall=$(cut -d' ' -f1 "$work/$name.txt" | median)
        cpu=$(cut -d' ' -f2 "$work/$name.txt" | median)
        peak=$(cut -d' ' -f3 "$work/$name.txt" | median)
        spread=$(cut -d' ' -f1 "$work/$name.txt" | sort -n | sed -n '1p;$p' | paste -sd-)
        rate=$(awk -v l="$lines" -v w="$wall" 'BEGIN { if (w > 0) printf "%.1f", l / w / 1e6; else print "-" }')
        echo "$name: wall $wall s (min-max $spread), cpu $cpu s, peak $peak KiB, $rate M lines/s of wall"
    done
done
