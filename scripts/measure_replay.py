#!/usr/bin/env python3
"""Replay of a long recording at top speed: key response and memory.

    scripts/measure_replay.py [--days 30] [--seconds 60]

Builds nothing: run `cargo build --release` first. Generates a feed of DAYS days, replays
it at x10,000 in a pseudo-terminal (120x40) for SECONDS, sampling the process's resident
memory every second; then pauses it and times, for a series of seek keys ([, ], <-, ->,
Home), how long the board takes to start answering (the first bytes it writes after the
key, the paused board being otherwise silent). Prints a small table. Standard library only.
"""

import argparse
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time

BINARY = os.path.join(os.path.dirname(__file__), "..", "target", "release", "forceboard")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def drain(fd, quiet_for):
    """Reads until the board has written nothing for `quiet_for` seconds."""
    total = 0
    while True:
        ready, _, _ = select.select([fd], [], [], quiet_for)
        if not ready:
            return total
        try:
            total += len(os.read(fd, 65536))
        except OSError:
            return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        feed = os.path.join(tmp, "feed.ndjson")
        with open(feed, "wb") as out:
            subprocess.run([BINARY, "gen", "--days", str(args.days), "--seed", "7", "--schema", "1.0"], stdout=out, check=True)
        pid, fd = pty.fork()
        if pid == 0:
            os.environ["TERM"] = "xterm-256color"
            os.execv(BINARY, [BINARY, "replay", feed, "--speed", "10000"])
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        start = time.time()
        samples = []
        while time.time() - start < args.seconds:
            drain(fd, 0.05)
            samples.append((time.time() - start, rss_kib(pid)))
            time.sleep(max(0.0, 1.0 - (time.time() - start) % 1.0))
        os.write(fd, b" ")  # pause
        drain(fd, 1.0)
        latencies = []
        # Every key moves the clock (the pause comes days into the recording), so every
        # one must redraw.
        for key in [b"[", b"]", b"\x1b[D", b"\x1b[C", b"[", b"[", b"]", b"]"] * 3 + [b"\x1b[H", b"]"]:
            drain(fd, 0.6)
            sent = time.time()
            os.write(fd, key)
            ready, _, _ = select.select([fd], [], [], 5.0)
            latencies.append(((time.time() - sent) * 1000 if ready else float("inf"), key))
            drain(fd, 0.3)
        os.write(fd, b"q")
        drain(fd, 0.5)
        _, status = os.waitpid(pid, 0)
    first = [kib for t, kib in samples if t < 5]
    print(f"feed: {args.days} days; replay x10000 for {args.seconds} s at 120x40")
    print(f"RSS after 1 s: {samples[0][1] / 1024:.1f} MiB; max in the first 5 s: {max(first) / 1024:.1f} MiB; "
          f"max overall: {max(k for _, k in samples) / 1024:.1f} MiB; at the end: {samples[-1][1] / 1024:.1f} MiB")
    latencies.sort()
    slow = [(round(ms, 1), key) for ms, key in latencies if ms > 100]
    print(f"key to first redraw (ms), {len(latencies)} seeks while paused: "
          f"median {latencies[len(latencies) // 2][0]:.1f}, max {latencies[-1][0]:.1f}; over 100 ms: {slow}")
    print(f"exit status: {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
