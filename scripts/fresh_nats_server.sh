# Sourced by the publish measurements: a fresh nats-server (JetStream, file storage) on a
# free loopback port for each run, so that no run pays for the ones before.
#   start_server [MONITOR_PORT]   sets $port and $server; $work must be a scratch dir
#   stop_server                   stops it (also on exit: trap 'stop_server; …' EXIT)
#   server_ticks                  its CPU so far, in 10 ms ticks (from /proc)
server=
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
stop_server() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=
    fi
}
start_server() {
    port=$(free_port)
    rm -rf "$work/js"
    nats-server -a 127.0.0.1 -p "$port" ${1:+-m "$1"} -js -sd "$work/js" > "$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do
        (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && return
        sleep 0.1
    done
    echo "nats-server did not start" >&2
    exit 1
}
server_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
