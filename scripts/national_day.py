#!/usr/bin/env python3
"""Write a 24 h national-sized feed: N forces' days (gen seeds 1..N) laid over one day.

Each force's ids get a prefix (F07-C000001) so no two forces share a call or incident;
the lines are merged in time order. 61 forces' days give about 1.3 M lines (1,252,041 from
midnight: the 1.25 M of a national backfill).

  cargo build --release && scripts/national_day.py 61 > /tmp/national.ndjson

The day ends when the script runs: read it at once, or its oldest hours leave the window.
"""
import heapq
from datetime import datetime, timedelta, timezone
import re
import subprocess
import sys

BINARY = "target/release/forceboard"
ID = re.compile(r'"id":"')


def force_day(binary, seed, start):
    out = subprocess.run(
        [binary, "gen", "--days", "1", "--seed", str(seed), "--start", start],
        check=True, capture_output=True, text=True,
    ).stdout
    prefix = f'"id":"F{seed:02}-'
    # The at field leads every line after kind, so the line sorts by its timestamp.
    return [(line.split('"at":"', 1)[1][:24], ID.sub(prefix, line)) for line in out.splitlines()]


def main():
    forces = int(sys.argv[1]) if len(sys.argv) > 1 else 61
    binary = sys.argv[2] if len(sys.argv) > 2 else BINARY
    # The day ends now, so a board reading the file holds all of it in its 24 h window.
    start = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    days = [force_day(binary, seed, start) for seed in range(1, forces + 1)]
    out = sys.stdout
    for _, line in heapq.merge(*days):
        out.write(line)
        out.write("\n")


if __name__ == "__main__":
    main()
