#!/usr/bin/env python3
"""A trainer's list of moments in a recording: the board's headline figures every few
minutes, from `forceboard report --at T --json`, so that a trainer can pick where to pause
the room ("21:54 — a 999 caller has waited 54 s") and `goto` there.

Standard library only (Python 3.11+). Uses the forceboard binary on the PATH, or the one
named by FORCEBOARD (e.g. target/release/forceboard).

    scripts/moments.py FILE [--every 5m] [--from TIME] [--until TIME] [--window 1h]
        [--zone Europe/London] [--config FILE]

Prints one line per moment, in the force's zone:

    time   999 mean  SL%   wait longest | 101 wait longest | E open breached | P open breached

and marks with `<-` the moments where a 999 caller has waited 30 s or more, a 101 caller
5 minutes or more, or an emergency incident is breached.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def span(text):
    match = re.fullmatch(r"(\d+)(s|m|h)", text)
    if not match:
        raise argparse.ArgumentTypeError(f"a span such as 30s, 5m or 1h, not {text!r}")
    number, unit = int(match[1]), match[2]
    return timedelta(seconds=number * {"s": 1, "m": 60, "h": 3600}[unit])


def times_of(path):
    """The first and last `at` of the file's lines (any kind)."""
    first = last = None
    with open(path, encoding="utf-8") as feed:
        for line in feed:
            try:
                at = datetime.fromisoformat(json.loads(line)["at"])
            except (ValueError, KeyError, TypeError):
                continue
            first = at if first is None or at < first else first
            last = at if last is None or at > last else last
    return first, last


def report(binary, path, at, window, config):
    command = [binary, "report", path, "--at", at.isoformat(), "--window", window, "--json"]
    if config:
        command[1:1] = ["--config", config]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def seconds(value):
    return "-" if value is None else f"{value:.0f}s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--every", type=span, default=timedelta(minutes=5))
    parser.add_argument("--from", dest="start", type=datetime.fromisoformat)
    parser.add_argument("--until", type=datetime.fromisoformat)
    parser.add_argument("--window", default="1h")
    parser.add_argument("--zone", default="Europe/London")
    parser.add_argument("--config")
    args = parser.parse_args()
    binary = os.environ.get("FORCEBOARD", "forceboard")
    zone = ZoneInfo(args.zone)
    first, last = times_of(args.file)
    if first is None:
        sys.exit(f"{args.file} has no times")
    at = args.start or first
    until = args.until or last
    print("time      999 mean   SL%  wait longest | 101 wait longest | E open breached | P open breached")
    while at <= until:
        figures = report(binary, args.file, at, args.window, args.config)
        c999, c101 = figures["calls"]["999"], figures["calls"]["101"]
        emergency = figures["incidents"]["emergency"]
        priority = figures["incidents"]["priority"]
        sl = c999["service_level_pct"]
        notable = (
            (c999["longest_wait_s"] or 0) >= 30
            or (c101["longest_wait_s"] or 0) >= 300
            or emergency["open_breached"] > 0
        )
        print(
            f"{at.astimezone(zone):%H:%M:%S} {seconds(c999['mean_answer_s']):>9} "
            f"{'-' if sl is None else f'{sl:.0f}':>5} {c999['waiting']:>5} "
            f"{seconds(c999['longest_wait_s']):>7} | {c101['waiting']:>8} "
            f"{seconds(c101['longest_wait_s']):>7} | {emergency['open']:>6} "
            f"{emergency['open_breached']:>8} | {priority['open']:>6} {priority['open_breached']:>8}"
            f"{'  <-' if notable else ''}"
        )
        at += args.every


if __name__ == "__main__":
    main()
