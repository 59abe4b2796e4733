#!/usr/bin/env bash
# `report --json` through each input map against the native feed: the same generated days
# written as forceboard lines and, by scripts/foreign_feeds.py, in each adapter's foreign form;
# and the native lines read through fixtures/maps/forceboard-native.toml (plain field picks and
# a value table on the very same bytes). Prints, per input, its lines and MB, the median CPU
# seconds of RUNS runs (user + sys, GNU time), input lines per CPU second and events per CPU
# second (events = the accepted + duplicate + rejected count `report` prints).
# Usage: scripts/measure_maps.sh [BINARY] (default target/release/forceboard); DAYS=N
# (default 30), RUNS=N (default 5).
set -euo pipefail

binary=${1:-${CARGO_TARGET_DIR:-target}/release/forceboard}
days=${DAYS:-30}
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
here=$(cd "$(dirname "$0")/.." && pwd)

"$binary" gen --days "$days" --seed 7 > "$work/native.ndjson"
python3 "$here/scripts/foreign_feeds.py" "$work/native.ndjson" "$work"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

measure() {
    local label=$1 file=$2
    shift 2
    local lines mb events
    lines=$(wc -l < "$file")
    mb=$(du -m "$file" | cut -f1)
    events=$(FORCEBOARD_PARSE_THREADS=1 "$binary" report "$file" --json "$@" | python3 -c \
        'import json,sys; f=json.load(sys.stdin)["feed"]; print(f["lines"])')
    : > "$work/cpu.txt"
    for _ in $(seq "$runs"); do
        FORCEBOARD_PARSE_THREADS=1 /usr/bin/time -f '%U %S' -o "$work/time.txt" \
            "$binary" report "$file" --json "$@" > /dev/null
        awk '{ printf "%.3f\n", $1 + $2 }' "$work/time.txt" >> "$work/cpu.txt"
    done
    local cpu
    cpu=$(median < "$work/cpu.txt")
    awk -v l="$label" -v n="$lines" -v mb="$mb" -v e="$events" -v c="$cpu" 'BEGIN {
        printf "| %s | %d | %d | %.2f | %.0f | %.0f |\n", l, n, mb, c, n / c, e / c }'
}

echo "| input | lines | MB | CPU s (median of $runs) | lines/s | events/s |"
echo "|---|---|---|---|---|---|"
measure "native" "$work/native.ndjson"
measure "native through forceboard-native.toml" "$work/native.ndjson" --map "$here/fixtures/maps/forceboard-native.toml"
measure "amazon-connect-ctr" "$work/amazon-connect-ctr.ndjson" --map amazon-connect-ctr
measure "amazon-connect-events" "$work/amazon-connect-events.ndjson" --map "$here/fixtures/maps/amazon-connect-events.toml"
measure "genesys-cloud" "$work/genesys-cloud.ndjson" --map "$here/fixtures/maps/genesys-cloud.toml"
measure "nena-eido" "$work/nena-eido.ndjson" --map nena-eido
