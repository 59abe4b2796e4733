#!/usr/bin/env python3
"""What the dashboard costs a terminal and a CPU: bytes written per minute and CPU use.

Runs the release binary in a pseudo-terminal (no terminal emulator: the bytes are read
from the pty master and counted, never interpreted) and, for each run:

  1. starts it at the given size (TIOCSWINSZ on the pty before the program starts);
  2. reads and discards its output for the warm-up (default 5 s: the first full-screen
     frame and the terminal set-up are not steady state);
  3. counts the bytes it writes over the measured interval (default 60 s), and the CPU
     time it uses in that interval (utime + stime from /proc/PID/stat, all threads);
  4. sends `q` and checks that it exits with status 0 and restores the terminal.

Runs (all by default, or pick with --only):

  demo-80x24, demo-200x60    `forceboard` (the built-in demo day at 1x from 17:00)
  live-80x24, live-200x60    `forceboard watch --feed tcp://127.0.0.1:PORT`, fed by a TCP
                             server in this script: a few calls and incidents a minute with
                             `at` = now (answers and arrivals follow), a heartbeat every 10 s
  quiet-80x24                the same, heartbeats every 10 s only: the idle cost

Python 3 standard library only. Linux only (/proc). Network: 127.0.0.1 only.

    scripts/measure_terminal.py                      # builds nothing: run cargo build --release first
    scripts/measure_terminal.py --duration 20 --only quiet-80x24
"""

import argparse
import datetime
import errno
import fcntl
import json
import os
import random
import select
import signal
import socket
import statistics
import struct
import sys
import termios
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
SYNC_BEGIN = b"\x1b[?2026h"  # synchronized output: one per frame
CURSOR_QUERY = b"\x1b[6n"  # answered, in case anything asks for the cursor position
AREAS = ["BIR", "COV", "DUD", "SAN", "SOL", "WAL", "WOL"]


def default_binary():
    target = os.environ.get("CARGO_TARGET_DIR")
    if not target:
        target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target")
    return os.path.normpath(os.path.join(target, "release", "forceboard"))


def now_rfc3339():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def cpu_seconds(pid):
    """utime + stime of the whole process (every thread, live or exited), in seconds."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        stat = f.read()
    # The command name is in parentheses and may hold spaces: split after the last ')'.
    fields = stat[stat.rindex(b")") + 2 :].split()
    # Fields 14 and 15 (utime, stime) are the 12th and 13th after the name.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def threads_ns(pid):
    """Sum of each live thread's time on a CPU (schedstat, nanoseconds): finer than ticks."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass  # the thread has just ended
    return total


class Feed:
    """A tiny NDJSON feed server on 127.0.0.1, driven by the caller's select loop.

    One client at a time. `busy` adds calls and incidents (at the rates given) to the
    heartbeats; every event's `at` is the moment it is sent."""

    def __init__(self, busy, seed, calls_per_min, incidents_per_min, heartbeat_s=10.0):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.client = None
        self.busy = busy
        self.rng = random.Random(seed)
        self.call_gap = 60.0 / calls_per_min
        self.incident_gap = 60.0 / incidents_per_min
        self.heartbeat_s = heartbeat_s
        self.due = []  # (monotonic time, event dict without "at")
        self.serial = 0
        self.sent = {"lines": 0, "bytes": 0}

    def fds(self):
        return [self.listener] + ([self.client] if self.client else [])

    def _next_id(self, prefix):
        self.serial += 1
        return f"{prefix}{self.serial:06d}"

    def _schedule(self, at, event):
        self.due.append((at, event))

    def _start_schedule(self, t):
        self.due = []
        self._schedule(t, {"kind": "heartbeat", "source": "measure"})
        if self.busy:
            self._schedule(t + self.rng.expovariate(1 / self.call_gap), {"kind": "_call"})
            self._schedule(
                t + self.rng.expovariate(1 / self.incident_gap), {"kind": "_incident"}
            )

    def readable(self, sock):
        if sock is self.listener:
            conn, _ = self.listener.accept()
            if self.client:
                self.client.close()
            conn.setblocking(True)
            self.client = conn
            self._start_schedule(time.monotonic())
        elif sock is self.client:
            try:
                data = self.client.recv(4096)
            except OSError:
                data = b""
            if not data:  # the dashboard hung up
                self.client.close()
                self.client = None

    def next_timeout(self):
        if not self.client or not self.due:
            return None
        return max(0.0, min(at for at, _ in self.due) - time.monotonic())

    def _send(self, event):
        line = json.dumps({"kind": event["kind"], "at": now_rfc3339(), **{
            k: v for k, v in event.items() if k != "kind"
        }}, separators=(",", ":")).encode() + b"\n"
        try:
            self.client.sendall(line)
            self.sent["lines"] += 1
            self.sent["bytes"] += len(line)
        except OSError:
            self.client.close()
            self.client = None

    def fire(self):
        """Sends everything due; schedules what follows from it."""
        t = time.monotonic()
        rng = self.rng
        while self.client:
            ready = [item for item in self.due if item[0] <= t]
            if not ready:
                return
            for item in ready:
                self.due.remove(item)
            for _, event in sorted(ready, key=lambda item: item[0]):
                kind = event["kind"]
                if kind == "heartbeat":
                    self._send(event)
                    self._schedule(t + self.heartbeat_s, event)
                elif kind == "_call":
                    call = {
                        "kind": "call_offered",
                        "id": self._next_id("C"),
                        "line": "999" if rng.random() < 0.4 else "101",
                        "lpa": rng.choice(AREAS),
                    }
                    self._send(call)
                    # 999 calls are answered in seconds, 101 calls in up to a few minutes;
                    # one in ten 101 callers gives up.
                    if call["line"] == "999":
                        close = ("call_answered", rng.uniform(2, 12))
                    elif rng.random() < 0.1:
                        close = ("call_abandoned", rng.uniform(20, 200))
                    else:
                        close = ("call_answered", rng.uniform(15, 240))
                    self._schedule(t + close[1], {"kind": close[0], "id": call["id"]})
                    self._schedule(t + rng.expovariate(1 / self.call_gap), event)
                elif kind == "_incident":
                    grade = rng.choices(
                        ["emergency", "priority", "scheduled"], weights=[3, 5, 2]
                    )[0]
                    incident = {
                        "kind": "incident_created",
                        "id": self._next_id("I"),
                        "grade": grade,
                        "lpa": rng.choice(AREAS),
                    }
                    self._send(incident)
                    attend = {"emergency": (300, 1200), "priority": (900, 4000)}.get(grade)
                    if attend:
                        self._schedule(
                            t + rng.uniform(*attend),
                            {"kind": "incident_arrived", "id": incident["id"]},
                        )
                    self._schedule(t + rng.expovariate(1 / self.incident_gap), event)
                else:
                    self._send(event)

    def close(self):
        if self.client:
            self.client.close()
        self.listener.close()


def spawn(argv, cols, rows, env):
    """forkpty: the child gets the pty as its controlling terminal, sized before exec."""
    pid, master = os.forkpty()
    if pid == 0:
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    return pid, master


def wait_exit(pid, master, timeout):
    """Drains the pty until the child exits or `timeout` passes; its status or None."""
    deadline = time.monotonic() + timeout
    tail = b""
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status, tail
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                tail = (tail + os.read(master, 65536))[-4096:]
            except OSError:
                pass
    return None, tail


def run(name, args, feed_kind, cols, rows, round_=1):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "TERM": args.term,
        "COLORTERM": args.colorterm,
        "LANG": "C.UTF-8",
    }
    feed = None
    argv = [args.bin]
    if feed_kind != "demo":
        feed = Feed(
            busy=feed_kind == "live",
            seed=args.seed,
            calls_per_min=args.calls_per_min,
            incidents_per_min=args.incidents_per_min,
        )
        argv += ["watch", "--feed", f"tcp://127.0.0.1:{feed.port}"]
    pid, master = spawn(argv, cols, rows, env)
    start = time.monotonic()
    measure_from = start + args.warmup
    measure_to = measure_from + args.duration
    counted = 0
    frames = 0
    warmup_bytes = 0
    cpu0 = ns0 = None
    result = {"name": name, "size": f"{cols}x{rows}"}
    reaped = False
    dump = open(os.path.join(args.dump, f"{name}.{round_}.bin"), "wb") if args.dump else None
    carry = b""  # the end of the last read, so that a sequence split across reads counts
    try:
        while True:
            t = time.monotonic()
            if cpu0 is None and t >= measure_from:
                cpu0, ns0, t_cpu0 = cpu_seconds(pid), threads_ns(pid), t
                if feed:
                    sent0 = dict(feed.sent)
            if t >= measure_to:
                cpu1, ns1, t_cpu1 = cpu_seconds(pid), threads_ns(pid), t
                break
            timeout = measure_to - t if cpu0 is not None else measure_from - t
            if feed:
                ft = feed.next_timeout()
                if ft is not None:
                    timeout = min(timeout, ft)
            socks = feed.fds() if feed else []
            r, _, _ = select.select([master] + socks, [], [], max(0.0, timeout))
            if master in r:
                try:
                    data = os.read(master, 65536)
                except OSError as e:
                    if e.errno == errno.EIO:
                        raise RuntimeError(f"{name}: forceboard exited early") from None
                    raise
                if CURSOR_QUERY in data:
                    os.write(master, f"\x1b[{rows};{cols}R".encode())
                if cpu0 is None:
                    warmup_bytes += len(data)
                else:
                    counted += len(data)
                    if dump:
                        dump.write(data)
                    window = carry + data
                    frames += window.count(SYNC_BEGIN) - carry.count(SYNC_BEGIN)
                    carry = window[-(len(SYNC_BEGIN) - 1) :]
            for s in r:
                if s is not master:
                    feed.readable(s)
            if feed:
                feed.fire()
        elapsed = t_cpu1 - t_cpu0
        minutes = elapsed / 60
        result.update(
            seconds=elapsed,
            bytes=counted,
            bytes_per_min=counted / minutes,
            frames_per_min=frames / minutes,
            bytes_per_frame=counted / frames if frames else 0.0,
            cpu_s=cpu1 - cpu0,
            cpu_pct=100 * (cpu1 - cpu0) / elapsed,
            sched_cpu_pct=100 * (ns1 - ns0) / 1e9 / elapsed,
            warmup_bytes=warmup_bytes,
        )
        if feed:
            result["feed_lines_per_min"] = (feed.sent["lines"] - sent0["lines"]) / minutes
        # Quit like a user, and check that it goes, and restores the screen.
        os.write(master, b"q")
        status, tail = wait_exit(pid, master, 5.0)
        reaped = status is not None
        if status is None:
            result["exit"] = "did not exit within 5 s of q"
        else:
            code = os.waitstatus_to_exitcode(status)
            restored = b"\x1b[?1049l" in tail
            result["exit"] = f"exit {code}" + ("" if restored else ", screen not restored?")
            result["exit_ok"] = code == 0 and restored
        return result
    finally:
        if not reaped:
            os.kill(pid, signal.SIGTERM)
            if wait_exit(pid, master, 2.0)[0] is None:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        os.close(master)
        if dump:
            dump.close()
        if feed:
            feed.close()


RUNS = {
    "demo-80x24": ("demo", 80, 24),
    "demo-200x60": ("demo", 200, 60),
    "live-80x24": ("live", 80, 24),
    "live-200x60": ("live", 200, 60),
    "quiet-80x24": ("quiet", 80, 24),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=default_binary(), help="the forceboard binary")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before measuring")
    parser.add_argument("--only", action="append", choices=sorted(RUNS), help="runs to do")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of runs (medians)")
    parser.add_argument("--seed", type=int, default=7, help="the live feed's random seed")
    parser.add_argument("--calls-per-min", type=float, default=4.0)
    parser.add_argument("--incidents-per-min", type=float, default=2.0)
    parser.add_argument("--term", default="xterm-256color", help="TERM for the dashboard")
    parser.add_argument("--colorterm", default="truecolor", help="COLORTERM for the dashboard")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    parser.add_argument(
        "--dump", metavar="DIR", help="write each run's measured bytes to DIR/RUN.ROUND.bin"
    )
    args = parser.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"no binary at {args.bin}: run `cargo build --release` first (or give --bin)")

    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    print(
        f"# {args.bin}; warm-up {args.warmup:g} s, measured {args.duration:g} s; "
        f"TERM={args.term} COLORTERM={args.colorterm}; load {load}",
        flush=True,
    )
    names = args.only or list(RUNS)
    results = []
    failed = False
    # With --repeat, the runs take turns (a, b, c, a, b, c, ...), so that a busy spell on
    # the machine does not fall on one run's every repeat.
    for round_ in range(1, args.repeat + 1):
        for name in names:
            kind, cols, rows = RUNS[name]
            result = run(name, args, kind, cols, rows, round_)
            result["round"] = round_
            results.append(result)
            failed |= not result.get("exit_ok", False)
            print(f"# {name} ({round_}/{args.repeat}): {result['exit']}", file=sys.stderr, flush=True)

    print()
    print(
        "| run | size | round | bytes/min | frames/min | bytes/frame | CPU % of a core "
        "(/proc stat) | CPU % (schedstat) | feed lines/min | exit |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        lines = f"{r['feed_lines_per_min']:.1f}" if "feed_lines_per_min" in r else "—"
        print(
            f"| {r['name']} | {r['size']} | {r['round']} | {r['bytes_per_min']:,.0f} "
            f"| {r['frames_per_min']:.1f} | {r['bytes_per_frame']:,.0f} "
            f"| {r['cpu_pct']:.2f} | {r['sched_cpu_pct']:.2f} | {lines} | {r['exit']} |"
        )
    if args.repeat > 1:
        print(f"\nMedians of {args.repeat} [min–max]:\n")
        print("| run | bytes/min | frames/min | CPU % (/proc stat) | CPU % (schedstat) |")
        print("|---|---|---|---|---|")
        for name in names:
            rs = [r for r in results if r["name"] == name]

            def cell(key, fmt):
                values = [r[key] for r in rs]
                return (
                    f"{statistics.median(values):{fmt}} "
                    f"[{min(values):{fmt}}–{max(values):{fmt}}]"
                )

            print(
                f"| {name} | {cell('bytes_per_min', ',.0f')} | {cell('frames_per_min', '.1f')} "
                f"| {cell('cpu_pct', '.2f')} | {cell('sched_cpu_pct', '.2f')} |"
            )
    with open("/proc/loadavg") as f:
        print(f"\nload average after: {f.read().split()[0]}")
    if args.json:
        print(json.dumps(results, indent=1))
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
