#!/usr/bin/env python3
"""Memory of `forceboard serve` when clients connect and never read.

    scripts/measure_serve_memory.py [--binary target/release/forceboard] [--clients 100 400]
        [--feed fixtures/demo-day.ndjson] [--speed 10000] [--no-loop] [--settle 10] [--hold 20]

For each client count, on a fresh server (`serve FEED --listen 127.0.0.1:0 --speed X
--loop`, a free loopback port, logging to a temp file):

1. waits `--settle` seconds, so the backlog has filled, and reads serve's RSS (`VmRSS` in
   `/proc/PID/status`);
2. connects that many clients with a 4 KiB receive buffer that never read a byte;
3. samples RSS every 0.25 s for `--hold` seconds, then reads RSS again with the clients
   still connected, and serve's peak (`VmHWM`);
   Also reads the kernel memory of all TCP sockets (`/proc/net/sockstat`, machine-wide)
   before and after, which is where a client that never reads keeps its unsent lines;
4. closes the clients, waits 2 s, reads RSS, and stops the server with SIGTERM.

Prints one JSON object per client count: RSS in MiB at each step, the peak, and how many
clients the server logged as dropped (any log line at WARN naming a client). Needs only
Python 3 and a release build (`cargo build --release`).
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import tempfile
import time


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def tcp_memory_kib():
    """Kernel memory held by every TCP socket on the machine (pages of 4 KiB)."""
    with open("/proc/net/sockstat") as sockstat:
        for line in sockstat:
            if line.startswith("TCP:"):
                fields = line.split()
                return int(fields[fields.index("mem") + 1]) * 4
    return 0


def mib(kib):
    return round(kib / 1024, 1)


def start_server(args, log_path):
    command = [args.binary, "serve", args.feed, "--listen", "127.0.0.1:0",
               "--speed", str(args.speed), "--log", log_path]
    if not args.no_loop:
        command.append("--loop")
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    first = server.stderr.readline()
    # "serving FILE on 127.0.0.1:PORT at ×X"
    address = first.split(" on ")[1].split(" ")[0]
    host, port = address.rsplit(":", 1)
    return server, (host, int(port))


def connect_sleepers(address, count):
    sleepers = []
    for _ in range(count):
        sleeper = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sleeper.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sleeper.connect(address)
        sleepers.append(sleeper)
    return sleepers


def measure(args, clients):
    with tempfile.TemporaryDirectory() as scratch:
        log_path = os.path.join(scratch, "serve.log")
        server, address = start_server(args, log_path)
        try:
            time.sleep(args.settle)
            before = status_kib(server.pid, "VmRSS")
            tcp_before = tcp_memory_kib()
            sleepers = connect_sleepers(address, clients)
            peak_sampled = before
            deadline = time.monotonic() + args.hold
            while time.monotonic() < deadline:
                peak_sampled = max(peak_sampled, status_kib(server.pid, "VmRSS"))
                time.sleep(0.25)
            held = status_kib(server.pid, "VmRSS")
            tcp_held = tcp_memory_kib()
            hwm = status_kib(server.pid, "VmHWM")
            for sleeper in sleepers:
                sleeper.close()
            time.sleep(2)
            closed = status_kib(server.pid, "VmRSS")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)
        with open(log_path) as log:
            warnings = [line for line in log if "WARN" in line and "peer" in line]
    return {
        "clients": clients,
        "feed": args.feed,
        "speed": args.speed,
        "loop": not args.no_loop,
        "rss_before_mib": mib(before),
        "rss_peak_sampled_mib": mib(peak_sampled),
        "rss_after_hold_mib": mib(held),
        "vm_hwm_mib": mib(hwm),
        "rss_after_close_mib": mib(closed),
        "tcp_kernel_before_mib": mib(tcp_before),
        "tcp_kernel_after_hold_mib": mib(tcp_held),
        "dropped_logged": len(warnings),
        "hold_s": args.hold,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default="target/release/forceboard")
    parser.add_argument("--feed", default="fixtures/demo-day.ndjson")
    parser.add_argument("--speed", type=float, default=10000)
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 400])
    parser.add_argument("--no-loop", action="store_true")
    parser.add_argument("--settle", type=float, default=10)
    parser.add_argument("--hold", type=float, default=20)
    args = parser.parse_args()
    for clients in args.clients:
        print(json.dumps(measure(args, clients)), flush=True)


if __name__ == "__main__":
    main()
