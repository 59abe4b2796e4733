#!/usr/bin/env python3
"""CPU and bytes of `forceboard ssh` with 1, 10 and 50 sessions, and the time to a first frame.

    scripts/measure_ssh.py [--binary target/release/forceboard] [--sessions 1 10 50]
        [--sizes 80x24 200x60] [--warmup 10] [--duration 60]

For each session count and terminal size, on a fresh server (`ssh --listen 127.0.0.1:0
--demo`, a new host key and one client key made with ssh-keygen in a temp directory):

1. starts that many OpenSSH clients (`ssh -tt`, each in a pseudo-terminal of the size,
   `TERM=xterm-256color`), one after another, and times each from its start to the end of
   its first frame (the first `ESC[?2026l`, the end of synchronized output): key exchange,
   authentication, pty and the first full frame;
2. waits `--warmup` seconds, then for `--duration` seconds counts the bytes each client's
   pty receives (the board's bytes, after SSH has decrypted them) and reads the server's
   CPU time (utime + stime of all its threads, `/proc/PID/stat`) at the start and the end;
3. sends `q` to every client, checks that each exits with status 0, and stops the server
   with SIGTERM.

Prints one JSON object per run: the server's CPU in % of one core, bytes per session per
minute (median, min, max), frames per session per minute (one `ESC[?2026h` each), and the
time to the first frame in ms (median, max). Needs Python 3, OpenSSH's ssh and ssh-keygen,
and a release build (`cargo build --release`).
"""

import argparse
import fcntl
import json
import os
import re
import selectors
import signal
import statistics
import struct
import subprocess
import tempfile
import termios
import time

FRAME_START = b"\x1b[?2026h"
FRAME_END = b"\x1b[?2026l"


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def start_server(binary, directory):
    key = os.path.join(directory, "client")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
    with open(key + ".pub") as public, open(os.path.join(directory, "authorized_keys"), "w") as keys:
        keys.write(public.read())
    server = subprocess.Popen(
        [binary, "ssh", "--listen", "127.0.0.1:0", "--demo", "--max-sessions", "100",
         "--host-key", os.path.join(directory, "host_key"),
         "--authorized-keys", os.path.join(directory, "authorized_keys")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    for line in server.stderr:
        found = re.search(rb"listening on 127\.0\.0\.1:(\d+)", line)
        if found:
            return server, key, int(found.group(1))
    raise RuntimeError("the server did not say where it listens")


class Client:
    def __init__(self, key, port, cols, rows):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            ["ssh", "-tt", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no",
             "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
             "-o", "BatchMode=yes", "-o", "LogLevel=error", "-i", key, "-p", str(port),
             "board@127.0.0.1"],
            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
        )
        os.close(slave)
        os.set_blocking(self.master, False)
        self.first_frame = None
        self.seen = b""
        self.counting = False
        self.bytes = 0
        self.frames = 0

    def take(self, data):
        if self.first_frame is None:
            self.seen += data
            if FRAME_END in self.seen:
                self.first_frame = time.monotonic() - self.started
                self.seen = b""
        if self.counting:
            self.bytes += len(data)
            self.frames += data.count(FRAME_START)


def pump(selector, seconds):
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        for key, _ in selector.select(timeout=min(left, 0.2)):
            try:
                data = os.read(key.fd, 65536)
            except (BlockingIOError, OSError):
                continue
            key.data.take(data)


def run(binary, sessions, cols, rows, warmup, duration):
    with tempfile.TemporaryDirectory() as directory:
        server, key, port = start_server(binary, directory)
        selector = selectors.DefaultSelector()
        clients = []
        for _ in range(sessions):
            client = Client(key, port, cols, rows)
            clients.append(client)
            selector.register(client.master, selectors.EVENT_READ, client)
            # One at a time: the time to a first frame is each client's own.
            deadline = time.monotonic() + 30
            while client.first_frame is None and time.monotonic() < deadline:
                pump(selector, 0.01)
        pump(selector, warmup)
        for client in clients:
            client.counting = True
        cpu_before, wall_before = cpu_seconds(server.pid), time.monotonic()
        pump(selector, duration)
        cpu_after, wall_after = cpu_seconds(server.pid), time.monotonic()
        for client in clients:
            client.counting = False
            os.write(client.master, b"q")
        statuses = []
        for client in clients:
            try:
                statuses.append(client.process.wait(timeout=10))
            except subprocess.TimeoutExpired:
                client.process.kill()
                statuses.append(None)
            pump(selector, 0)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        elapsed = wall_after - wall_before
        per_minute = [client.bytes * 60 / elapsed for client in clients]
        frames = [client.frames * 60 / elapsed for client in clients]
        firsts = [client.first_frame * 1000 for client in clients if client.first_frame]
        return {
            "sessions": sessions,
            "size": f"{cols}x{rows}",
            "server_cpu_pct_of_core": round(100 * (cpu_after - cpu_before) / elapsed, 2),
            "bytes_per_session_per_min": {
                "median": round(statistics.median(per_minute)),
                "min": round(min(per_minute)),
                "max": round(max(per_minute)),
            },
            "frames_per_session_per_min": round(statistics.median(frames), 1),
            "first_frame_ms": {
                "median": round(statistics.median(firsts)) if firsts else None,
                "max": round(max(firsts)) if firsts else None,
                "got_one": len(firsts),
            },
            "exited_0": sum(1 for status in statuses if status == 0),
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default="target/release/forceboard")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--sizes", nargs="+", default=["80x24", "200x60"])
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--duration", type=float, default=60)
    args = parser.parse_args()
    for size in args.sizes:
        cols, rows = (int(part) for part in size.split("x"))
        for sessions in args.sessions:
            result = run(args.binary, sessions, cols, rows, args.warmup, args.duration)
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
