#!/usr/bin/env python3
"""How fast a key changes the screen when a million calls are open at once.

A stuck upstream (answers never arriving) leaves every call open. This script feeds
`forceboard watch` such a feed over TCP and measures, in a pseudo-terminal, the time from
a key press to the first byte of the frame that shows it:

  1. serves 1,000,000 `call_offered` lines (both lines, all seven areas, offered over the
     last 25 minutes, so every call is "waiting") and 100,000 `incident_created` lines
     (over the last 2 hours), then a heartbeat every 2 s;
  2. runs the release binary in a pty at 200x60, waits until the board has read every
     line (the server's send completes: the board reads as it applies) and a few seconds
     more;
  3. presses `1` and `2` in turn (the 15m and 1h windows) --presses times, and for each
     measures the time until the pty shows the chosen window in brackets (`[1:15m]` or
     `[2:1h]` in the header);
  4. prints the median and the worst, and the CPU the board used while idle between keys.

Python 3 standard library only. Linux only (/proc). Network: 127.0.0.1 only.

    cargo build --release && scripts/measure_key_latency.py
    scripts/measure_key_latency.py --calls 200000 --presses 10
"""

import argparse
import datetime
import fcntl
import os
import select
import signal
import socket
import statistics
import struct
import sys
import termios
import threading
import time

AREAS = ["BIR", "COV", "DUD", "SAN", "SOL", "WAL", "WOL"]
GRADES = ["emergency", "priority", "scheduled"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def default_binary():
    target = os.environ.get("CARGO_TARGET_DIR")
    if not target:
        target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target")
    return os.path.normpath(os.path.join(target, "release", "forceboard"))


def stamp(moment):
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def feed_lines(calls, incidents):
    """The stuck feed, oldest first, dated relative to now."""
    now = datetime.datetime.now(datetime.timezone.utc)
    call_span = datetime.timedelta(minutes=25)
    incident_span = datetime.timedelta(hours=2)
    lines = []
    for i in range(incidents):
        at = now - incident_span + incident_span * i / max(incidents, 1)
        lines.append(
            (at, '{"kind":"incident_created","at":"%s","id":"I%d","grade":"%s","lpa":"%s"}'
             % (stamp(at), i, GRADES[i % 3], AREAS[i % 7]))
        )
    for i in range(calls):
        at = now - call_span + call_span * i / max(calls, 1)
        lines.append(
            (at, '{"kind":"call_offered","at":"%s","id":"C%d","line":"%s","lpa":"%s"}'
             % (stamp(at), i, "999" if i % 2 else "101", AREAS[i % 7]))
        )
    lines.sort(key=lambda pair: pair[0])
    return "".join(line + "\n" for _, line in lines).encode()


def serve(listener, payload, stop, sent):
    """Sends the whole feed to the one client, then a heartbeat every 2 s."""
    conn, _ = listener.accept()
    with conn:
        try:
            conn.sendall(payload)
        except OSError:
            return
        sent.set()
        while not stop.is_set():
            now = stamp(datetime.datetime.now(datetime.timezone.utc))
            try:
                conn.sendall(('{"kind":"heartbeat","at":"%s"}\n' % now).encode())
            except OSError:
                return
            stop.wait(2.0)


def spawn(argv, cols, rows):
    pid, master = os.forkpty()
    if pid == 0:
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            env = {"PATH": os.environ.get("PATH", ""), "TERM": "xterm-256color", "LANG": "C.UTF-8"}
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    return pid, master


def read_for(master, seconds):
    """Everything the board writes in the next `seconds`."""
    out = b""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return out
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            try:
                out += os.read(master, 1 << 16)
            except OSError:
                return out


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        stat = f.read()
    fields = stat[stat.rindex(b")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def press_and_time(master, key, marker, timeout):
    """Seconds from writing `key` until `marker` appears in the output."""
    seen = b""
    start = time.monotonic()
    os.write(master, key)
    while time.monotonic() - start < timeout:
        ready, _, _ = select.select([master], [], [], 0.01)
        if ready:
            try:
                seen = (seen + os.read(master, 1 << 16))[-8192:]
            except OSError:
                return None  # the board has exited
            if marker in seen:
                return time.monotonic() - start
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=default_binary())
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--load-limit", type=float, default=300.0,
                        help="seconds the board may take to read the whole feed")
    parser.add_argument("--settle", type=float, default=5.0,
                        help="seconds to wait after the last line was sent")
    parser.add_argument("--log", help="the board's --log file")
    args = parser.parse_args()

    payload = feed_lines(args.calls, args.incidents)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    stop = threading.Event()
    sent = threading.Event()
    server = threading.Thread(target=serve, args=(listener, payload, stop, sent), daemon=True)
    server.start()

    if not os.access(args.binary, os.X_OK):
        print(f"no binary at {args.binary}: run cargo build --release first")
        return 2
    argv = [args.binary, "watch", "--feed", f"tcp://127.0.0.1:{port}"]
    if args.log:
        argv += ["--log", args.log]
    pid, master = spawn(argv, 200, 60)
    loaded_at = time.monotonic()
    while not sent.is_set() and time.monotonic() - loaded_at < args.load_limit:
        read_for(master, 0.5)
    if not sent.is_set():
        print(f"the board had not taken the whole feed after {args.load_limit:.0f} s")
    loading = time.monotonic() - loaded_at
    read_for(master, args.settle)
    print(f"fed {args.calls:,} open calls and {args.incidents:,} open incidents "
          f"({len(payload) / 1e6:.1f} MB): taken in {loading:.1f} s, then {args.settle:.0f} s to settle")

    cpu_before = cpu_seconds(pid)
    idle_start = time.monotonic()
    read_for(master, 5.0)
    idle_cpu = (cpu_seconds(pid) - cpu_before) / (time.monotonic() - idle_start)

    latencies = []
    for i in range(args.presses):
        key, marker = (b"1", b"[1:15m]") if i % 2 == 0 else (b"2", b"[2:1h]")
        latency = press_and_time(master, key, marker, timeout=10.0)
        latencies.append(latency)
        read_for(master, 0.3)
    os.write(master, b"q")
    read_for(master, 1.0)
    stop.set()
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)

    missed = sum(1 for l in latencies if l is None)
    done = sorted(l for l in latencies if l is not None)
    if not done:
        print("no key press showed on screen within 10 s")
        return 1
    print(f"idle CPU with everything open: {idle_cpu * 100:.1f} % of one core")
    print(f"key to screen over {len(done)} presses: median {statistics.median(done) * 1000:.0f} ms, "
          f"worst {done[-1] * 1000:.0f} ms, best {done[0] * 1000:.0f} ms"
          + (f"; {missed} never showed" if missed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
