#!/usr/bin/env python3
"""Whole processes timed in turn: a command (A) against a baseline or yardstick (B).

A and B run alternately (A B A B ...), each after one warm-up run that is not counted, so
that a machine whose speed drifts moves both alike; each pair gives a ratio A/B. Printed
for each: wall, user + system CPU and peak memory (the largest resident set of the finished
child, from wait4), each as min, median and max; quote the median. Output goes to
/dev/null. Standard library only.

  scripts/time_pairs.py -n 20 --vs 'OLD report m.ndjson --json' -- NEW report m.ndjson --json
  scripts/time_pairs.py -n 5 -- wc -l m.ndjson          # one command alone
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time


def run_once(command):
    """One run: (wall seconds, CPU seconds, peak MiB)."""
    start = time.monotonic()
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{shlex.join(command)} exited with {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def spread(values, digits=3):
    return "  ".join(f"{value:.{digits}f}" for value in
                     (min(values), statistics.median(values), max(values)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5, help="counted runs of each command")
    parser.add_argument("--vs", help="the baseline command B, one string split as a shell would")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG ...]")
    args = parser.parse_args()
    command_a = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command_a or args.n < 1:
        parser.error("give -n N and -- COMMAND")
    commands = {"A": command_a}
    if args.vs:
        commands["B"] = shlex.split(args.vs)
    for command in commands.values():
        run_once(command)  # warm-up: caches, page cache
    runs = {name: [] for name in commands}
    for _ in range(args.n):
        for name, command in commands.items():
            runs[name].append(run_once(command))
    print("                   min    median  max")
    for name, results in runs.items():
        walls, cpus, peaks = zip(*results)
        print(f"{name} wall s       {spread(walls)}")
        print(f"{name} cpu s        {spread(cpus)}")
        print(f"{name} peak MiB     {spread(peaks, 1)}")
    if "B" in runs:
        pairs = list(zip(runs["A"], runs["B"]))
        print(f"A/B wall        {spread([a[0] / b[0] for a, b in pairs], 4)}")
        print(f"A/B cpu         {spread([a[1] / b[1] for a, b in pairs], 4)}")


if __name__ == "__main__":
    main()
