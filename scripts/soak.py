#!/usr/bin/env python3
"""Soak test: `forceboard watch` for a long time on a hostile live feed.

    scripts/soak.py [--minutes 30] [--binary target/release/forceboard] [--rate-factor 20]

Serves, over TCP on a free loopback port, a live feed at `--rate-factor` times the West
Midlands rate the demo day is calibrated to (15,898 lines a day: about 3.7 lines a second at
x20): 999 and 101 calls answered or abandoned, emergency and priority incidents, a heartbeat
every 5 s. Every `--disconnect-every` seconds (default 180) the server drops the connection
without warning; every minute it sends one line that is not JSON. `watch` runs in a pseudo-
terminal (120x40) with `--record`, and the script reports, as one JSON object:

- RSS of the board at the start (after 30 s) and at the end, and its peak (VmHWM);
- reconnects (connections the server accepted after the first);
- lines sent, event lines sent, and event lines lost: sent but missing from the record file
  (every event line is one the board must accept, so this must be 0; the server stops
  three seconds before the board is asked to quit, so the last lines are not cut off);
- frames drawn and the largest gap between two frames (the board draws at least once a
  second, so a gap much over 1 s is a stall).

Needs only Python 3 and a built binary (`cargo build --release`).
"""

import argparse
import json
import os
import pty
import random
import select
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import fcntl
import threading
import time
from datetime import datetime, timezone

DEMO_LINES_PER_DAY = 15_898
FRAME_END = b"\x1b[?2026l"


def stamp(t):
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )


class Feed:
    """Live events, timed by the wall clock: opens now, closes a few seconds later."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.next_id = 0
        self.pending = []  # (due wall time, line)

    def new_story(self, now):
        self.next_id += 1
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            ident, line = f"C{self.next_id}", "999"
        elif roll < 0.9:
            ident, line = f"C{self.next_id}", "101"
        else:
            ident = f"I{self.next_id}"
            grade = "emergency" if rng.random() < 0.4 else "priority"
            lpa = rng.choice(["BIR", "COV", "DUD", "SAN", "SOL", "WAL", "WOL"])
            opened = {"kind": "incident_created", "at": stamp(now), "id": ident, "grade": grade, "lpa": lpa}
            delay = rng.uniform(5, 40)
            closed = {"kind": "incident_arrived", "at": None, "id": ident}
            self.pending.append((now + delay, closed))
            return opened
        lpa = rng.choice(["BIR", "COV", "DUD", "SAN", "SOL", "WAL", "WOL"])
        opened = {"kind": "call_offered", "at": stamp(now), "id": ident, "line": line, "lpa": lpa}
        delay = rng.uniform(1, 12) if line == "999" else rng.uniform(5, 60)
        kind = "call_answered" if rng.random() < 0.93 else "call_abandoned"
        self.pending.append((now + delay, {"kind": kind, "at": None, "id": ident}))
        return opened

    def due(self, now):
        ready = [event for due, event in self.pending if due <= now]
        self.pending = [(due, event) for due, event in self.pending if due > now]
        for event in ready:
            event["at"] = stamp(now)
        return ready


class Server(threading.Thread):
    def __init__(self, rate, minutes, disconnect_every, seed):
        super().__init__(daemon=True)
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.rate = rate
        self.until = time.monotonic() + minutes * 60
        self.disconnect_every = disconnect_every
        self.feed = Feed(seed)
        self.accepted = 0
        self.sent_lines = 0
        self.sent_events = []  # exact text of every event line written
        self.bad_lines = 0
        self.stopped = False

    def run(self):
        next_story = time.monotonic()
        next_heartbeat = time.monotonic()
        next_bad = time.monotonic() + 60
        while time.monotonic() < self.until and not self.stopped:
            self.listener.settimeout(1.0)
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            self.accepted += 1
            drop_at = time.monotonic() + self.disconnect_every
            try:
                while time.monotonic() < min(drop_at, self.until) and not self.stopped:
                    now_mono = time.monotonic()
                    now = time.time()
                    out = []
                    while next_story <= now_mono:
                        out.append(self.feed.new_story(now))
                        next_story += self.rng_gap()
                    out.extend(self.feed.due(now))
                    if next_heartbeat <= now_mono:
                        out.append({"kind": "heartbeat", "at": stamp(now)})
                        next_heartbeat += 5
                    text = [json.dumps(e, separators=(",", ":")) for e in out]
                    if next_bad <= now_mono:
                        text.append("this line is not JSON")
                        self.bad_lines += 1
                        next_bad += 60
                    if text:
                        conn.sendall(("\n".join(text) + "\n").encode())
                        self.sent_lines += len(text)
                        self.sent_events.extend(t for t in text if t.startswith("{"))
                    time.sleep(0.05)
            except OSError:
                pass
            finally:
                conn.close()  # no goodbye: the board must notice and dial again

    def rng_gap(self):
        # Lines a second at the rate, over about 1.9 lines per story (offer + close, and
        # the heartbeats besides).
        stories_per_s = self.rate / 1.9
        return self.feed.rng.expovariate(stories_per_s)


def canonical(line):
    """A line as what it says: its fields, with `at` as an instant (the record writes a
    whole second as `…:52Z` where it was sent as `…:52.000Z`)."""
    event = json.loads(line)
    at = event.get("at")
    if isinstance(at, str):
        event["at"] = datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()
    return json.dumps(event, sort_keys=True)


def rss_kb(pid, field="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--binary", default="target/release/forceboard")
    parser.add_argument("--rate-factor", type=float, default=20)
    parser.add_argument("--disconnect-every", type=float, default=180)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rate = DEMO_LINES_PER_DAY / 86_400 * args.rate_factor
    server = Server(rate, args.minutes, args.disconnect_every, args.seed)
    server.start()
    workdir = tempfile.mkdtemp(prefix="forceboard-soak-")
    record = os.path.join(workdir, "record.ndjson")
    log = os.path.join(workdir, "board.log")

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8")
    board = subprocess.Popen(
        [args.binary, "watch", "--feed", f"tcp://127.0.0.1:{server.port}", "--record", record, "--log", log],
        stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True,
    )
    os.close(follower)

    started = time.monotonic()
    frames, last_frame, largest_gap = 0, None, 0.0
    rss_start = None
    deadline = started + args.minutes * 60
    while time.monotonic() < deadline and board.poll() is None:
        ready, _, _ = select.select([leader], [], [], 0.5)
        now = time.monotonic()
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            count = data.count(FRAME_END)
            if count:
                if last_frame is not None and now - started > 5:
                    largest_gap = max(largest_gap, now - last_frame)
                frames += count
                last_frame = now
        if rss_start is None and now - started >= 30:
            rss_start = rss_kb(board.pid)
    # Stop sending, and give the board a few seconds to take in and record the last lines
    # before it is asked to quit (reading on, so that its output never blocks).
    server.stopped = True
    settle = time.monotonic() + 3
    while time.monotonic() < settle:
        if select.select([leader], [], [], 0.2)[0]:
            try:
                os.read(leader, 65536)
            except OSError:
                break
    rss_end = rss_kb(board.pid)
    peak = rss_kb(board.pid, "VmHWM")
    os.write(leader, b"q")
    try:
        board.wait(timeout=10)
    except subprocess.TimeoutExpired:
        board.kill()
    # Drain what the board wrote on its way out.
    try:
        while select.select([leader], [], [], 0.2)[0]:
            if not os.read(leader, 65536):
                break
    except OSError:
        pass

    with open(os.path.join(workdir, "sent.ndjson"), "w") as sent_file:
        sent_file.write("".join(text + "\n" for text in server.sent_events))
    with open(record) as recorded_file:
        recorded = {canonical(line) for line in recorded_file if line.strip()}
    lost = sum(1 for text in server.sent_events if canonical(text) not in recorded)
    print(json.dumps({
        "minutes": args.minutes,
        "rate_lines_per_s": round(rate, 2),
        "rss_start_kb": rss_start,
        "rss_end_kb": rss_end,
        "rss_peak_kb": peak,
        "reconnects": max(0, server.accepted - 1),
        "lines_sent": server.sent_lines,
        "bad_lines_sent": server.bad_lines,
        "event_lines_sent": len(server.sent_events),
        "event_lines_lost": lost,
        "frames": frames,
        "largest_frame_gap_s": round(largest_gap, 3),
        "board_exit": board.returncode,
        "workdir": workdir,
    }, indent=1))
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
