#!/usr/bin/env bash
# What the late-join bucket costs `forceboard publish`: one file published to a fresh
# nats-server with the bucket, then to another with it blocked (a stream made first owns
# the bucket's subjects, so `publish` goes on without one, as it does when a bucket cannot
# be made), RUNS times in turn. For each run: the wall time, the publisher's CPU (GNU time),
# the server's CPU (/proc), the messages the server took in (/varz) and its JetStream API
# requests (/jsz: the bucket's purges, besides a few at the start).
# Usage: scripts/measure_publish_bucket.sh FILE BINARY; RUNS=N (default 3). Needs
# nats-server, GNU time, curl and python3. Performance doc §37.
set -euo pipefail

file=$1
binary=$2
runs=${RUNS:-3}
work=$(mktemp -d)
# shellcheck source=scripts/fresh_nats_server.sh
. "$(dirname "$0")/fresh_nats_server.sh"
trap 'stop_server; rm -rf "$work"' EXIT
# Makes stream BLOCKER on the bucket's subjects (the default stream EVENTS' bucket).
block_bucket() {
    python3 - "$1" <<'PY'
import json, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.recv(4096)
config = json.dumps({"name": "BLOCKER", "subjects": ["$KV.EVENTS_LATE_JOIN.>"],
                     "storage": "memory"}).encode()
s.sendall(b'CONNECT {"verbose":false}\r\nSUB _INBOX.block 1\r\n'
          b'PUB $JS.API.STREAM.CREATE.BLOCKER _INBOX.block %d\r\n%s\r\n' % (len(config), config))
reply = b""
while b"stream_create_response" not in reply or not reply.endswith(b"\r\n"):
    reply += s.recv(65536)
if b'"error"' in reply:
    sys.exit("could not block the bucket: " + reply.decode(errors="replace"))
PY
}
echo "| bucket | run | wall s | publisher CPU s | server CPU s | messages in | API requests |"
echo "|---|---|---|---|---|---|---|"
for run in $(seq "$runs"); do
    for bucket in with blocked; do
        monitor=$(free_port)
        start_server "$monitor"
        [ "$bucket" = blocked ] && block_bucket "$port"
        before=$(server_ticks)
        /usr/bin/time -f '%e %U %S' -o "$work/time.txt" \
            "$binary" publish --feed "$file" --nats "nats://127.0.0.1:$port" \
            > /dev/null 2> "$work/publish.log"
        after=$(server_ticks)
        messages=$(curl -s "http://127.0.0.1:$monitor/varz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["in_msgs"])')
        requests=$(curl -s "http://127.0.0.1:$monitor/jsz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["api"]["total"])')
        stop_server
        read -r wall user sys < "$work/time.txt"
        awk -v b="$bucket" -v r="$run" -v w="$wall" -v u="$user" -v s="$sys" \
            -v t=$((after - before)) -v m="$messages" -v q="$requests" 'BEGIN {
            printf "| %s | %d | %.2f | %.2f | %.2f | %d | %d |\n", b, r, w, u + s, t / 100, m, q }'
    done
done
