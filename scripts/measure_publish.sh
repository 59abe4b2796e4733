#!/usr/bin/env bash
# `forceboard publish` of one file against a fresh nats-server (JetStream, file storage):
# for each binary in turn, RUNS times, the wall time, the publisher's CPU (user + sys, GNU
# time) and the server's CPU over the run (from /proc, in 10 ms ticks). Each run has a
# server of its own: one holding the runs before costs the server more with each run
# (performance doc §37). The server's CPU is the limit a faster publisher meets.
# Usage: scripts/measure_publish.sh FILE BINARY [BINARY…]; RUNS=N (default 3). Needs
# nats-server, GNU time and a free port from the kernel.
set -euo pipefail

file=$1
shift
runs=${RUNS:-3}
work=$(mktemp -d)
# shellcheck source=scripts/fresh_nats_server.sh
. "$(dirname "$0")/fresh_nats_server.sh"
trap 'stop_server; rm -rf "$work"' EXIT
lines=$(wc -l < "$file")
echo "| binary | run | lines | wall s | publisher CPU s | server CPU s | lines/s |"
echo "|---|---|---|---|---|---|---|"
for run in $(seq "$runs"); do
    for binary in "$@"; do
        start_server
        before=$(server_ticks)
        /usr/bin/time -f '%e %U %S' -o "$work/time.txt" \
            "$binary" publish --feed "$file" --nats "nats://127.0.0.1:$port" \
            > /dev/null 2> "$work/publish.log"
        after=$(server_ticks)
        stop_server
        read -r wall user sys < "$work/time.txt"
        awk -v b="$(basename "$binary")" -v r="$run" -v l="$lines" -v w="$wall" -v u="$user" \
            -v s="$sys" -v t=$((after - before)) 'BEGIN {
            printf "| %s | %d | %d | %.2f | %.2f | %.2f | %.0f |\n", b, r, l, w, u + s, t / 100, l / w }'
    done
done
