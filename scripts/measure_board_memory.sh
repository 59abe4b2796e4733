#!/usr/bin/env bash
# A board's memory after it has read a 24 h national-sized feed (performance §21).
#   cargo build --release && scripts/measure_board_memory.sh [FORCES] [SETTLE_SECONDS]
# Runs `forceboard watch` at 200x60 in tmux on a fresh national day (scripts/national_day.py),
# waits for FEED ENDED, then prints VmHWM (peak) and VmRSS (steady) after SETTLE_SECONDS.
# Extra environment (e.g. MALLOC_MMAP_THRESHOLD_=131072) is passed to the board.
set -euo pipefail
forces=${1:-61}
settle=${2:-10}
binary=${FORCEBOARD:-target/release/forceboard}
feed=$(mktemp /tmp/national.XXXXXX.ndjson)
session=board-memory-$$
scripts/national_day.py "$forces" "$binary" > "$feed"
echo "feed: $(wc -l < "$feed") lines"
tmux new-session -d -s "$session" -x 200 -y 60 "$binary watch --feed $feed"
trap 'tmux kill-session -t "$session" 2>/dev/null; rm -f "$feed"' EXIT
sleep 0.5
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
for _ in $(seq 1 120); do
    tmux capture-pane -p -t "$session" | head -2 | grep -q "FEED ENDED" && break
    sleep 0.5
done
sleep "$settle"
grep -E 'VmHWM|VmRSS' "/proc/$pid/status"
