#!/usr/bin/env python3
"""Erlang C computed exactly, independently of the crate, for tests/it/erlang.rs.

The probability of waiting comes straight from the closed form, summed in exact rational
arithmetic (fractions.Fraction), so it shares nothing with the crate's Erlang B
recurrence. Only the final exponential of the service level is taken in floating point.

Prints one JSON object: {"rows": [{load, handlers, aht_s, threshold_s, wait_probability,
service_level_pct, mean_wait_s}, ...]} over loads 0.5, 1.0, ..., 50.0 erlangs, each with
every handler count from the first above the load to 20 more, and a few handle times and
thresholds.
"""

import json
import math
from fractions import Fraction

# (mean handle time, threshold) pairs, in seconds.
TIMES = [(180, 10), (150, 20), (240, 0)]


def wait_probability(handlers: int, load: Fraction) -> Fraction:
    """C(N, A) from the closed form: the queueing term over the sum of all terms."""
    term = Fraction(1)  # A^k / k!, starting at k = 0
    below = Fraction(0)
    for k in range(handlers):
        below += term
        term = term * load / (k + 1)
    queueing = term * handlers / (handlers - load)  # A^N / N! * N / (N - A)
    return queueing / (below + queueing)


def rows():
    for half_erlangs in range(1, 101):
        load = Fraction(half_erlangs, 2)
        first = math.floor(load) + 1
        for handlers in range(first, first + 21):
            wait = wait_probability(handlers, load)
            for aht_s, threshold_s in TIMES:
                decay = math.exp(-float(handlers - load) * threshold_s / aht_s)
                service_level = 1 - float(wait) * decay
                mean_wait = wait * aht_s / (handlers - load)
                yield {
                    "load": float(load),
                    "handlers": handlers,
                    "aht_s": aht_s,
                    "threshold_s": threshold_s,
                    "wait_probability": float(wait),
                    "service_level_pct": 100 * service_level,
                    "mean_wait_s": float(mean_wait),
                }


if __name__ == "__main__":
    print(json.dumps({"rows": list(rows())}))
