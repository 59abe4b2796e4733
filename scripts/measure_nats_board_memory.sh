#!/usr/bin/env bash
# A board on NATS after a national backfill (performance §26 and §34): how long it takes to
# read the backlog, and its memory after.
#   cargo build --release && scripts/measure_nats_board_memory.sh [FORCES] [RUNS] [SETTLE_SECONDS]
# Starts nats-server with JetStream on a free loopback port, publishes a fresh national day
# (scripts/national_day.py FORCES) on events.nat, then RUNS times runs `forceboard watch` on it
# at 200x60 in tmux: the time from starting the board to FEED STALE on its screen (the
# backlog read: the script waits until the day's last line is older than stale_after), then,
# once the board is idle, VmHWM (peak), VmRSS (steady) and its parts (RssAnon: the board's
# own memory; RssFile: the program's code and libraries, shared and reclaimable)
# SETTLE_SECONDS later. FORCEBOARD="a b" measures several binaries, one after
# the other in each run (side by side); the first publishes. Needs nats-server, tmux, python3.
set -euo pipefail
forces=${1:-61}
runs=${2:-3}
settle=${3:-10}
boards=${FORCEBOARD:-target/release/forceboard}
publisher=${boards%% *}
dir=$(mktemp -d /tmp/nats-board.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
nats-server -a 127.0.0.1 -p "$port" -js -sd "$dir/js" > "$dir/server.log" 2>&1 &
server=$!
session=""
# A session held open for the whole run: tmux's server exits with its last session, and a
# board started just then failed ("server exited unexpectedly").
holder=nats-board-hold-$$
tmux new-session -d -s "$holder" "sleep 86400"
# Every step tolerates failure: a step that fails must not leave the server running.
cleanup() {
    set +e
    [ -n "$session" ] && tmux kill-session -t "$session" 2>/dev/null
    tmux kill-session -t "$holder" 2>/dev/null
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
scripts/national_day.py "$forces" "$publisher" > "$dir/day.ndjson"
echo "feed: $(wc -l < "$dir/day.ndjson") lines; load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$publisher" publish --feed "$dir/day.ndjson" --nats "nats://127.0.0.1:$port" --subject events.nat
feed="nats://127.0.0.1:$port/events.nat"
# The day ends when national_day.py runs: wait until its last line is older than stale_after
# (30 s), so FEED STALE marks the end of the backlog read and not a feed still young.
sleep 35
for run in $(seq 1 "$runs"); do
    for board in $boards; do
        session=nats-board-$$-$run
        started=$(date +%s.%N)
        tmux new-session -d -s "$session" -x 200 -y 60 "$board watch --feed $feed"
        pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
        read_in=timeout
        for _ in $(seq 1 3000); do
            if tmux capture-pane -p -t "$session" | grep -q "FEED STALE"; then
                read_in=$(python3 -c "print(f'{$(date +%s.%N) - $started:.1f} s')")
                break
            fi
            sleep 0.1
        done
        # FEED STALE can show while a board on a loaded machine is still reading (the
        # newest line it has is already old): wait until the board is idle (under 5 % of a
        # core over two seconds, at most two minutes), then SETTLE_SECONDS.
        previous=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        for _ in $(seq 1 60); do
            sleep 2
            ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
            [ $((ticks - previous)) -lt 10 ] && break
            previous=$ticks
        done
        sleep "$settle"
        memory=$(grep -E 'VmHWM|VmRSS|RssAnon|RssFile' "/proc/$pid/status" | awk '{printf "%s %.1f MiB  ", $1, $2 / 1024}')
        echo "run $run $board: backlog read in $read_in; $memory; load $(cut -d' ' -f1 /proc/loadavg)"
        tmux kill-session -t "$session"
        session=""
    done
done
