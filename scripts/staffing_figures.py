"""Schema v1.1 for scripts/scenario_figures.py: the `call_ended` and `staffing` events and
each call line's staffing figures, written from docs/reference/feed.md and docs/reference/figures.md only.

Erlang C comes from scripts/erlang_exact.py: the closed form summed in exact fractions,
with the load and the mean handle time exact too; only the service level's exponential is
floating point. So it shares nothing with the crate's Erlang B recurrence.
"""

import math
from fractions import Fraction

from erlang_exact import wait_probability

NS = 1_000_000_000
MAX_ON_DUTY = 10_000
ARRIVALS_SPAN_NS = 15 * 60 * NS
HANDLE_SPAN_NS = 3600 * NS
SNAPSHOT_LIFE_NS = 3600 * NS
MIN_HANDLED = 10
KINDS = ("call_ended", "staffing")


class BadCount(Exception):
    pass


def count(obj, name, required):
    """A whole JSON number from 0 to 10,000 (7, 7.0 and 7e0 alike), or None when absent."""
    value = obj.get(name)
    if value is None:
        if required:
            raise BadCount(f"missing {name}")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadCount(f"{name} is not a whole number")
    if isinstance(value, float) and not value.is_integer():
        raise BadCount(f"{name} is not a whole number")  # also inf and nan
    if not 0 <= value <= MAX_ON_DUTY:
        raise BadCount(f"{name} out of range")
    return int(value)


def parse(obj, event, text_field, lines):
    """Fills `event` for a v1.1 kind; raises BadCount (or the caller's Reject) if refused."""
    if event["kind"] == "call_ended":
        event["id"] = text_field("id", True)
        return event
    line = text_field("line", True)
    if line not in lines:
        raise BadCount("unknown line")
    event["line"] = line
    event["on_duty"] = count(obj, "on_duty", True)
    event["available"] = count(obj, "available", False)
    if event["available"] is not None and event["available"] > event["on_duty"]:
        raise BadCount("available above on_duty")
    return event


def apply(state, e):
    """'accepted', 'duplicate' or 'rejected', as the rules of a call's handling say."""
    at = e["at"]
    if e["kind"] == "staffing":
        state.snapshots.setdefault(e["line"], []).append((at, e["on_duty"], e["available"]))
    else:
        call = state.calls.get(e["id"])
        if call is not None and call.get("ended") is not None:
            return "duplicate"
        if call is None or call["end"] is None or call["end"][0] != "answered":
            return "rejected"  # unmatched: unknown, waiting or abandoned
        answered = call["end"][1]
        if at < answered:
            return "rejected"  # negative duration
        call["ended"] = at
    state.first_v11 = at if state.first_v11 is None else min(state.first_v11, at)
    return "accepted"


def handle_mean(state, line, now):
    """Exact mean handle time (seconds, a Fraction) of the calls ended in (now - 1 h, now]."""
    handles = [
        c["ended"] - c["end"][1]
        for c in state.calls.values()
        if c["line"] == line
        and c.get("ended") is not None
        and now - HANDLE_SPAN_NS < c["ended"] <= now
    ]
    if len(handles) < MIN_HANDLED:
        return None
    return Fraction(sum(handles), len(handles) * NS)


def snapshot(state, line, now):
    """The latest snapshot at or before now (ties: the later line), or None; and whether
    one exists but is stale."""
    # Events are applied in time order, ties in file order: the last at or before wins.
    earlier = [s for s in state.snapshots.get(line, []) if s[0] <= now]
    if not earlier:
        return None, False
    latest = earlier[-1]
    if now - latest[0] >= SNAPSHOT_LIFE_NS:
        return None, True
    return latest, False


def service_level(n, load, aht, threshold_s):
    wait = wait_probability(n, load)
    decay = math.exp(-float(n - load) * threshold_s / float(aht))
    return 100 * (1 - float(wait) * decay), float(wait * aht / (n - load))


def needed(load, aht, threshold_s, goal):
    """(needed, needed_more_than): the fewest meeting the goal, or (None, MAX_ON_DUTY)
    when no team of up to MAX_ON_DUTY does; (None, None) for a goal never met."""
    if load == 0:
        return 1, None
    if not 0 < goal < 100:
        return None, None
    n = math.floor(load) + 1
    while n <= MAX_ON_DUTY:
        if service_level(n, load, aht, threshold_s)[0] >= goal:
            return n, None
        n += 1
    return None, MAX_ON_DUTY


def figures(state, line, now, offered_15m, threshold_s, goal):
    """The eight staffing figures of `line` at `now`, as `report --json` prints them."""
    keys = ("arrivals_per_h", "handle_s_mean", "on_duty", "available", "needed",
            "needed_more_than", "forecast_sl_pct", "forecast_wait_s")
    out = dict.fromkeys(keys)
    if state.first_v11 is None or state.first_v11 > now:
        return out
    arrivals = offered_15m * 4
    aht = handle_mean(state, line, now)
    latest, _ = snapshot(state, line, now)
    out["arrivals_per_h"] = arrivals
    out["handle_s_mean"] = None if aht is None else float(aht)
    if latest is not None:
        out["on_duty"], out["available"] = latest[1], latest[2]
    if aht is None or aht == 0:
        return out
    load = Fraction(arrivals, 3600) * aht
    if threshold_s is not None and goal is not None:
        out["needed"], out["needed_more_than"] = needed(load, aht, threshold_s, goal)
    n = out["on_duty"]
    if n is None:
        return out
    if n <= load:
        out["forecast_sl_pct"] = None if threshold_s is None else 0.0
        return out
    sl, wait = service_level(n, load, aht, threshold_s or 0)
    out["forecast_sl_pct"] = None if threshold_s is None else sl
    out["forecast_wait_s"] = wait
    return out
