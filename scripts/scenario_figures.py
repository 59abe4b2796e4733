#!/usr/bin/env python3
"""The figures (README: "How figures are computed") computed straight from an NDJSON feed, independently of the crate.

This is a second, deliberately plain implementation of the feed rules (README: "The feed"; the per-id life rules,
what is rejected and what is a duplicate, time order with ties in file order, stray lines) and the
figures at T over the window (T - W, T], written from the definitions in docs/reference/feed.md and
docs/reference/figures.md only; schema v1.1 (`call_ended`, `staffing` and each call line's
`staffing` figures, Erlang C in exact fractions) is in scripts/staffing_figures.py. It fills the
tables of fixtures/scenarios/README.md, and the numbers in tests/it/scenarios.rs are copied
from those tables, so the crate is checked against something it did not compute itself.

Standard library only (Python 3.11+).

    scripts/scenario_figures.py FILE [--at TIME] [--window W] [--lpa CODE]
        prints the figures at TIME (default: the latest accepted `at`) as JSON, in the
        shape of `forceboard report --json` (force totals; one area with --lpa).
    scripts/scenario_figures.py --tables DIR [--rust]
        prints the headline-figure tables of every scenario in DIR (Markdown, for
        fixtures/scenarios/README.md), or with --rust the same numbers as the checks of
        tests/it/scenarios.rs.

Defaults: 999 mean target 5 s, service level within 10 s (goal 90 %);
101 no mean target, within 180 s (goal 80 %); emergency 15 min (goal 90 %); priority
60 min; call expiry 30 min. Verdicts (v1.2): a mean is green up to 0.8 x its target,
amber up to the target, red above; a share is green from its goal + 5 points, amber from
the goal, red below; open breached incidents are red; a status is the worst verdict.
"""

import argparse
import json
import math
import re
import sys
from datetime import datetime, timezone

import staffing_figures

NS = 1_000_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MAX_LINE_BYTES = 64 * 1024

CALL_TARGETS = {  # line: (mean target s, SL threshold s, SL goal %)
    "999": (5, 10, 90),
    "101": (None, 180, 80),
}
INCIDENT_TARGETS = {  # grade: (target s, goal %)
    "emergency": (900, 90),
    "priority": (3600, None),
    "scheduled": (None, None),
}
AMBER_FACTOR = 1.2
CALL_EXPIRY_NS = 30 * 60 * NS
# Plausibility: every time within the years 2000-2199 (UTC); a close at most this long
# after its opening (calls 24 h, incidents 30 days).
PLAUSIBLE_FROM_NS = int((datetime(2000, 1, 1, tzinfo=timezone.utc) - EPOCH).total_seconds()) * NS
PLAUSIBLE_UNTIL_NS = int((datetime(2200, 1, 1, tzinfo=timezone.utc) - EPOCH).total_seconds()) * NS
MAX_CALL_DURATION_NS = 24 * 3600 * NS
MAX_INCIDENT_DURATION_NS = 30 * 86_400 * NS
KNOWN_FIELDS = {
    "kind", "at", "id", "line", "lpa", "grade", "offered_at", "created_at", "speed",
    "on_duty", "available",
}
# Stray lines (README "Order, files"): the reorder horizon, the run of far-ahead lines that
# shows a real jump, and the silence (in lines at the rest's average rate) before strays
# past the end.
REORDER_HORIZON_NS = 10 * 60 * NS
JUMP_CONFIRMATION = 8
SILENCE_LINES = 100

# RFC 3339 with an explicit offset: the only layout the feed contract accepts.
RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})\Z"
)


class Reject(Exception):
    """A line refused by the feed rules (the reason is for humans only)."""


def parse_time(text):
    """RFC 3339 with an offset -> nanoseconds since the epoch (UTC), or Reject."""
    if not isinstance(text, str):
        raise Reject("time is not a string")
    m = RFC3339.match(text)
    if not m:
        raise Reject("bad time (or no offset)")
    base, fraction, offset = m.groups()
    try:
        dt = datetime.fromisoformat(base + ("+00:00" if offset == "Z" else offset))
    except ValueError:
        raise Reject("bad time") from None
    delta = dt - EPOCH
    seconds = delta.days * 86_400 + delta.seconds
    frac_ns = int((fraction or "").ljust(9, "0")) if fraction else 0
    nanos = seconds * NS + frac_ns
    if not PLAUSIBLE_FROM_NS <= nanos < PLAUSIBLE_UNTIL_NS:
        raise Reject("bad time (outside the years 2000-2199)")
    return nanos


def parse_span(text):
    """A window such as 15m, 1h, 24h, 90m, 1h30m, 7d -> nanoseconds."""
    parts = re.findall(r"(\d+)([smhd])", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"bad window {text!r}")
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
    return sum(int(n) * unit[u] for n, u in parts) * NS


def _no_repeated_known_keys(pairs):
    keys = [k for k, _ in pairs]
    for k in KNOWN_FIELDS:
        if keys.count(k) > 1:
            raise Reject("repeated field")
    return dict(pairs)


def _no_constants(name):
    raise Reject(f"{name} is not JSON")


def parse_line(raw):
    """One physical line (bytes, no newline) -> event dict, or Reject."""
    if len(raw) > MAX_LINE_BYTES:
        raise Reject("too long")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Reject("not UTF-8") from None
    try:
        obj = json.loads(
            text,
            object_pairs_hook=_no_repeated_known_keys,
            parse_constant=_no_constants,
        )
    except ValueError:
        raise Reject("not valid JSON") from None
    if not isinstance(obj, dict):
        raise Reject("not a JSON object")

    def text_field(name, required):
        value = obj.get(name)  # a JSON null counts as absent
        if value is None:
            if required:
                raise Reject(f"missing {name}")
            return None
        if not isinstance(value, str):
            raise Reject(f"{name} is not a string")
        return value

    kind = text_field("kind", True)
    at = parse_time(text_field("at", True))
    event = {"kind": kind, "at": at}
    if kind == "heartbeat":
        # A feed's own clock (serve): a number from 0.1 to 10,000, or absent.
        speed = obj.get("speed")
        if speed is not None and not (
            isinstance(speed, (int, float))
            and not isinstance(speed, bool)
            and 0.1 <= speed <= 10_000
        ):
            raise Reject("bad speed")
        return event
    if kind in staffing_figures.KINDS:
        try:
            return staffing_figures.parse(obj, event, text_field, CALL_TARGETS)
        except staffing_figures.BadCount as refusal:
            raise Reject(str(refusal)) from None
    if kind not in (
        "call_offered",
        "call_answered",
        "call_abandoned",
        "incident_created",
        "incident_arrived",
        "incident_cancelled",
    ):
        raise Reject("unknown kind")
    event["id"] = text_field("id", True)
    if kind == "incident_cancelled":
        return event  # the schema gives it no optional fields
    if kind.startswith("call_"):
        line = text_field("line", kind == "call_offered")
        if line is not None and line not in CALL_TARGETS:
            raise Reject("unknown line")
        event["line"] = line
        if kind != "call_offered":
            offered_at = text_field("offered_at", False)
            event["offered_at"] = None if offered_at is None else parse_time(offered_at)
    else:
        grade = text_field("grade", kind == "incident_created")
        if grade is not None and grade not in INCIDENT_TARGETS:
            raise Reject("unknown grade")
        event["grade"] = grade
        if kind == "incident_arrived":
            created_at = text_field("created_at", False)
            event["created_at"] = None if created_at is None else parse_time(created_at)
    event["lpa"] = text_field("lpa", False)
    return event


class State:
    """What the feed has said, applied in time order."""

    def __init__(self):
        self.calls = {}  # id -> dict(offered, line, lpa, end=None | (outcome, at))
        self.incidents = {}  # id -> dict(created, grade, lpa, end=None | (outcome, at))
        self.counts = dict(lines=0, accepted=0, rejected=0, duplicates=0, after_at=0)
        self.latest_accepted = None
        self.snapshots = {}  # line -> [(at, on_duty, available)] in applied order
        self.first_v11 = None  # the earliest accepted call_ended / staffing

    def apply(self, e):
        """'accepted', 'duplicate' or 'rejected'."""
        kind, at = e["kind"], e["at"]
        if kind == "heartbeat":
            return "accepted"
        if kind in staffing_figures.KINDS:
            return staffing_figures.apply(self, e)
        calls = kind.startswith("call_")
        table = self.calls if calls else self.incidents
        opening = kind in ("call_offered", "incident_created")
        record = table.get(e["id"])
        if record is not None and (opening or record["end"] is not None):
            return "duplicate"  # a second opening, or anything for a closed id
        if opening:
            if calls:
                table[e["id"]] = dict(offered=at, line=e["line"], lpa=e["lpa"], end=None)
            else:
                table[e["id"]] = dict(created=at, grade=e["grade"], lpa=e["lpa"], end=None)
            return "accepted"
        outcome = kind.split("_", 1)[1]  # answered, abandoned, arrived, cancelled
        longest = MAX_CALL_DURATION_NS if calls else MAX_INCIDENT_DURATION_NS
        if record is not None:
            start = record["offered"] if calls else record["created"]
            if at < start:
                return "rejected"  # negative duration
            if at - start > longest:
                return "rejected"  # implausible duration
            record["end"] = (outcome, at)
            return "accepted"
        # Unknown id: a closing event may stand alone with its opening time and line/grade.
        if calls:
            start, what = e.get("offered_at"), e.get("line")
        else:
            start, what = e.get("created_at"), e.get("grade")
        if start is None or what is None:
            return "rejected"  # unmatched
        if at < start:
            return "rejected"  # negative duration
        if at - start > longest:
            return "rejected"  # implausible duration
        if calls:
            table[e["id"]] = dict(offered=start, line=what, lpa=e["lpa"], end=(outcome, at))
        else:
            table[e["id"]] = dict(created=start, grade=what, lpa=e["lpa"], end=(outcome, at))
        return "accepted"


def isolated_below(run):
    """The latest of the lowest times of a sorted run that stand apart from the rest (each
    more than the horizon, and more than the rest spans, below the next), or None."""
    below = None
    for low, high in zip(run[: len(run) // 2 + 1], run[1 : len(run) // 2 + 1]):
        gap = high - low
        if gap > REORDER_HORIZON_NS and gap > run[-1] - high:
            below = low
    return below


def strays_past_end(events, lines):
    """Line numbers of the strays past the end: `events` is [(at, number)] in file order.

    Follows the feed's time through the file as the README describes: a line more than the
    horizon ahead of it is held; 8 such lines in a row move it on (to their median); a held
    line goes when the feed's time comes within the horizon of it. What is still held at the
    end is split into clusters (gaps over the horizon); from the latest down, a cluster is a
    stray past the end while the strays so far are at most 1 % of the lines and the silence
    before it would have held SILENCE_LINES lines at the average rate of the rest."""
    now = None
    earliest = None
    run, run_id, confirmed = [], 0, set()
    held = []  # (at, number, run)

    def in_order(at):
        nonlocal earliest
        earliest = at if earliest is None else min(earliest, at)

    for at, number in events:
        if now is not None and at <= now + REORDER_HORIZON_NS:
            if run:
                run, run_id = [], run_id + 1
            if at < now - REORDER_HORIZON_NS:
                continue  # behind: applied where it stands
            if at > now:
                now = at
                for h in [h for h in held if h[0] <= now + REORDER_HORIZON_NS]:
                    held.remove(h)
                    if h[2] in confirmed:
                        in_order(h[0])
            in_order(at)
            continue
        # A run is lines close to one another (the file's first lines: any eight).
        if now is not None and run and abs(at - run[0]) > REORDER_HORIZON_NS:
            run, run_id = [], run_id + 1
        held.append((at, number, run_id))
        run.append(at)
        if len(run) >= JUMP_CONFIRMATION:
            times = sorted(run)
            median = times[len(times) // 2]
            below = isolated_below(times)
            now = median if now is None else max(now, median)
            for h in sorted(held):
                if h[0] > now + REORDER_HORIZON_NS:
                    break
                held.remove(h)
                mine = h[2] == run_id or h[2] in confirmed
                if mine and not (below is not None and h[0] <= below):
                    in_order(h[0])
                    now = max(now, h[0])
            if times[-1] > now + REORDER_HORIZON_NS:
                confirmed.add(run_id)
            run, run_id = [], run_id + 1
    if now is None or earliest is None:
        return set()
    held.sort()
    allowed = lines // 100
    rest = max(1, lines - len(held))
    rest_span = max(0, now - earliest)
    strays = set()
    start = len(held)
    for index in range(len(held) - 1, -1, -1):
        before = now if index == 0 else held[index - 1][0]
        gap = held[index][0] - before
        if index > 0 and gap <= REORDER_HORIZON_NS:
            continue  # inside a cluster
        if len(held) - index > allowed or gap * rest < SILENCE_LINES * rest_span:
            break
        start = index
    for at, number, _ in held[start:]:
        strays.add(number)
    return strays


def read_feed(path, until):
    """Reads a file and applies it in time order (by `at`, ties in file order).

    Events dated after `until` (when given) are counted as after_at and not applied. Without
    `until`, strays past the end of the feed are dated after the report's time, and are
    counted as after_at likewise."""
    state = State()
    events = []
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a byte-order mark at the start is not part of the first line
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()  # the final newline ends the last line; it starts none
    for number, raw in enumerate(raw_lines, start=1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if raw.strip(b" \t\r\n\x0b\x0c") == b"":
            continue  # blank: skipped, not counted
        state.counts["lines"] += 1
        try:
            e = parse_line(raw)
        except Reject:
            state.counts["rejected"] += 1
            continue
        if until is not None and e["at"] > until:
            state.counts["after_at"] += 1
            continue
        events.append((e["at"], number, e))
    if until is None:
        past_end = strays_past_end([(at, n) for at, n, _ in events], state.counts["lines"])
        state.counts["after_at"] += len(past_end)
        events = [event for event in events if event[1] not in past_end]
    events.sort(key=lambda x: (x[0], x[1]))
    for at, _, e in events:
        verdict = state.apply(e)
        if verdict == "accepted":
            state.counts["accepted"] += 1
            if state.latest_accepted is None or at > state.latest_accepted:
                state.latest_accepted = at
        elif verdict == "duplicate":
            state.counts["duplicates"] += 1
        else:
            state.counts["rejected"] += 1
    return state


def nearest_rank(sorted_values, p):
    n = len(sorted_values)
    k = max(1, min(n, (p * n + 99) // 100))  # ceil(p/100 * n), exact in integers
    return sorted_values[k - 1]


def duration_stats(durations_ns):
    if not durations_ns:
        return None, None, None, None
    d = sorted(durations_ns)
    mean = float(sum(d)) / len(d) / 1e9
    return mean, nearest_rank(d, 50) / 1e9, nearest_rank(d, 90) / 1e9, d[-1] / 1e9


def percent(part, whole):
    return None if whole == 0 else 100.0 * part / whole


WARN_FRACTION = 0.8
SHARE_MARGIN = 5.0
RANK = {"none": 0, "green": 1, "amber": 2, "red": 3}


def duration_verdict(value, target):
    if value is None or target is None:
        return "none"
    if value <= target * WARN_FRACTION:
        return "green"
    if value <= target:
        return "amber"
    return "red"


def share_verdict(value, goal):
    if value is None or goal is None:
        return "none"
    if value >= goal + SHARE_MARGIN:
        return "green"
    if value >= goal:
        return "amber"
    return "red"


def worst(verdicts):
    return max(verdicts.values(), key=RANK.__getitem__)


def call_figures(state, line, now, window, lpa=None):
    target, threshold, goal = CALL_TARGETS[line]
    start = now - window
    offered = abandoned = within = abandoned_after = waiting = expired = 0
    answer_times = []
    longest = None
    for c in state.calls.values():
        if c["line"] != line or (lpa is not None and c["lpa"] != lpa):
            continue
        if c["offered"] > now:
            continue  # not happened yet
        if start < c["offered"] <= now:
            offered += 1
        end = c["end"]
        if end is not None and end[1] <= now:
            outcome, closed = end
            if closed <= start:
                continue
            duration = closed - c["offered"]
            if outcome == "answered":
                answer_times.append(duration)
                if duration <= threshold * NS:
                    within += 1
            else:
                abandoned += 1
                if duration > threshold * NS:
                    abandoned_after += 1
        else:
            wait = now - c["offered"]
            if wait > CALL_EXPIRY_NS:
                expired += 1
            else:
                waiting += 1
                longest = wait if longest is None else max(longest, wait)
    mean, p50, p90, mx = duration_stats(answer_times)
    answered = len(answer_times)
    service_level = percent(within, answered + abandoned_after)
    verdicts = {
        "mean": duration_verdict(mean, target),
        "service_level": share_verdict(service_level, goal),
    }
    return {
        "offered": offered,
        "answered": answered,
        "abandoned": abandoned,
        "mean_answer_s": mean,
        "p50_answer_s": p50,
        "p90_answer_s": p90,
        "max_answer_s": mx,
        "service_level_pct": service_level,
        "abandon_rate_pct": percent(abandoned, answered + abandoned),
        "waiting": waiting,
        "expired": expired,
        "longest_wait_s": None if longest is None else longest / 1e9,
        "target_s": target,
        "sl_threshold_s": threshold,
        "sl_goal_pct": goal,
        "status": worst(verdicts),
        "verdicts": verdicts,
    }


def incident_figures(state, grade, now, window, lpa=None):
    target, goal = INCIDENT_TARGETS[grade]
    start = now - window
    created = within = open_ = breached = 0
    attend_times = []
    oldest = None
    for i in state.incidents.values():
        if i["grade"] != grade or (lpa is not None and i["lpa"] != lpa):
            continue
        if i["created"] > now:
            continue
        if start < i["created"] <= now:
            created += 1
        end = i["end"]
        if end is not None and end[1] <= now:
            outcome, closed = end
            if outcome == "arrived" and start < closed:
                duration = closed - i["created"]
                attend_times.append(duration)
                if target is not None and duration <= target * NS:
                    within += 1
        else:
            age = now - i["created"]
            open_ += 1
            if target is not None and age > target * NS:
                breached += 1
            oldest = age if oldest is None else max(oldest, age)
    mean, p50, p90, mx = duration_stats(attend_times)
    within_pct = None if target is None else percent(within, len(attend_times))
    verdicts = {
        "mean": duration_verdict(mean, target),
        "within_target": share_verdict(within_pct, goal),
        "breached": "red" if breached > 0 else "none",
    }
    return {
        "created": created,
        "attended": len(attend_times),
        "mean_attend_s": mean,
        "p50_attend_s": p50,
        "p90_attend_s": p90,
        "max_attend_s": mx,
        "within_target_pct": within_pct,
        "open": open_,
        "open_breached": breached,
        "oldest_open_s": None if oldest is None else oldest / 1e9,
        "target_s": target,
        "goal_pct": goal,
        "status": worst(verdicts),
        "verdicts": verdicts,
    }


def figures(path, at=None, window="1h", lpas=()):
    """The report at `at` (text, RFC 3339) over `window`, like `report --json`."""
    until = None if at is None else parse_time(at)
    state = read_feed(path, until)
    now = until if until is not None else state.latest_accepted
    if now is None:
        raise SystemExit(f"{path}: no accepted events and no --at")
    span = parse_span(window)

    def scope(lpa):
        return {
            "calls": {line: call_figures(state, line, now, span, lpa) for line in CALL_TARGETS},
            "incidents": {
                grade: incident_figures(state, grade, now, span, lpa)
                for grade in ("emergency", "priority")
            },
        }

    report = {"at": now, "window": window, **scope(None)}
    for line, (_, threshold, goal) in CALL_TARGETS.items():
        recent = call_figures(state, line, now, staffing_figures.ARRIVALS_SPAN_NS)["offered"]
        report["calls"][line]["staffing"] = staffing_figures.figures(
            state, line, now, recent, threshold, goal
        )
    report["lpas"] = {code: scope(code) for code in lpas}
    report["feed"] = state.counts
    return report


# ---------------------------------------------------------------------------
# The scenarios' named times and headline figures (fixtures/scenarios/README.md)
# ---------------------------------------------------------------------------

# (label, JSON path, unit) for the README tables; the test checks the same paths.
HEADLINES = [
    ("999 offered", "calls.999.offered", ""),
    ("999 answered / abandoned", ("calls.999.answered", "calls.999.abandoned"), ""),
    ("999 mean answer", "calls.999.mean_answer_s", "s"),
    ("999 p90 answer", "calls.999.p90_answer_s", "s"),
    ("999 status (target 5 s)", "calls.999.status", ""),
    ("999 service level (≤ 10 s)", "calls.999.service_level_pct", "%"),
    ("999 abandon rate", "calls.999.abandon_rate_pct", "%"),
    ("999 waiting / expired", ("calls.999.waiting", "calls.999.expired"), ""),
    ("999 longest wait", "calls.999.longest_wait_s", "s"),
    ("101 mean answer", "calls.101.mean_answer_s", "s"),
    ("101 waiting / expired", ("calls.101.waiting", "calls.101.expired"), ""),
    ("101 longest wait", "calls.101.longest_wait_s", "s"),
    ("emergency attended", "incidents.emergency.attended", ""),
    ("emergency mean attendance", "incidents.emergency.mean_attend_s", "s"),
    ("emergency within 15 min", "incidents.emergency.within_target_pct", "%"),
    ("emergency status (target 15 min)", "incidents.emergency.status", ""),
    ("emergency open / breached", ("incidents.emergency.open", "incidents.emergency.open_breached"), ""),
    ("priority mean attendance", "incidents.priority.mean_attend_s", "s"),
    ("priority status (target 60 min)", "incidents.priority.status", ""),
    ("priority open / breached", ("incidents.priority.open", "incidents.priority.open_breached"), ""),
]

# The call handlers (schema v1.1), for the scenarios that carry them.
STAFFING_HEADLINES = [
    ("999 arrivals per hour (last 15 min × 4)", "calls.999.staffing.arrivals_per_h", ""),
    ("999 mean handle time (last 1 h)", "calls.999.staffing.handle_s_mean", "s"),
    ("999 handlers on duty / available", ("calls.999.staffing.on_duty", "calls.999.staffing.available"), ""),
    ("999 handlers needed (model)", "calls.999.staffing.needed", ""),
    ("999 forecast service level (model)", "calls.999.staffing.forecast_sl_pct", "%"),
    ("999 forecast mean wait (model)", "calls.999.staffing.forecast_wait_s", "s"),
]

# Per scenario: the named times (label, --at, --window), any area to show and whether
# the staffing figures are in its table.
SCENARIOS = {
    "quiet-night": dict(
        times=[
            ("02:00", "2024-07-02T02:00:00+01:00", "1h"),
            ("03:30", "2024-07-02T03:30:00+01:00", "1h"),
            ("04:59", "2024-07-02T04:59:00+01:00", "1h"),
        ],
        lpas=(),
    ),
    "friday-surge": dict(
        times=[
            ("19:30 before", "2024-07-05T19:30:00+01:00", "1h"),
            ("21:45 peak", "2024-07-05T21:45:00+01:00", "1h"),
            ("23:30 after", "2024-07-05T23:30:00+01:00", "1h"),
        ],
        lpas=(),
    ),
    "major-incident": dict(
        times=[
            ("14:55 before", "2024-07-03T14:55:00+01:00", "1h"),
            ("15:05 queue", "2024-07-03T15:05:00+01:00", "15m"),
            ("16:00 after", "2024-07-03T16:00:00+01:00", "1h"),
        ],
        lpas=("COV",),
    ),
    "feed-outage": dict(
        times=[
            ("10:15 before", "2024-07-04T10:15:00+01:00", "15m"),
            ("10:35 silent", "2024-07-04T10:35:00+01:00", "15m"),
            ("10:45 caught up", "2024-07-04T10:45:00+01:00", "15m"),
            ("11:45 recovered", "2024-07-04T11:45:00+01:00", "1h"),
        ],
        lpas=(),
    ),
    "bad-data": dict(
        times=[
            ("09:30", "2024-07-08T09:30:00+01:00", "1h"),
            ("10:59", "2024-07-08T10:59:00+01:00", "3h"),
        ],
        lpas=(),
    ),
    "clock-change-night": dict(
        times=[
            ("01:30 BST", "2024-10-27T01:30:00+01:00", "1h"),
            ("01:30 GMT", "2024-10-27T01:30:00+00:00", "1h"),
            ("05:00 GMT", "2024-10-27T05:00:00+00:00", "8h"),
        ],
        lpas=(),
    ),
    "handlers-off-sick": dict(
        times=[
            ("14:50 early shift", "2024-07-04T14:50:00+01:00", "1h"),
            ("16:10 two off sick", "2024-07-04T16:10:00+01:00", "1h"),
            ("18:45 one called in", "2024-07-04T18:45:00+01:00", "1h"),
            ("20:30 both called in", "2024-07-04T20:30:00+01:00", "1h"),
        ],
        lpas=(),
        staffing=True,
    ),
}


def get(report, path):
    value = report
    for key in path.split("."):
        value = value[key]
    return value


def cell(value, unit):
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip() if unit != "%" else f"{text} %"


def rust_value(value):
    if value is None:
        return "null"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    return f"{value:.6f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"


def tables(directory):
    out_md, out_rs = [], []
    for name, spec in SCENARIOS.items():
        path = f"{directory}/{name}.ndjson"
        reports = [figures(path, at, window, spec["lpas"]) for _, at, window in spec["times"]]
        header = "| figure | " + " | ".join(
            f"{label} ({window})" for label, _, window in spec["times"]
        ) + " |"
        out_md.append(f"### {name}\n\n{header}\n|---|" + "---:|" * len(reports))
        rows = list(HEADLINES) + (STAFFING_HEADLINES if spec.get("staffing") else [])
        for code in spec["lpas"]:
            rows += [
                (f"{code} 999 offered", f"lpas.{code}.calls.999.offered", ""),
                (f"{code} 999 waiting", f"lpas.{code}.calls.999.waiting", ""),
                (f"{code} 999 abandon rate", f"lpas.{code}.calls.999.abandon_rate_pct", "%"),
                (f"{code} emergency open", f"lpas.{code}.incidents.emergency.open", ""),
            ]
        for label, paths, unit in rows:
            paths = paths if isinstance(paths, tuple) else (paths,)
            cells = [" / ".join(cell(get(r, p), unit) for p in paths) for r in reports]
            out_md.append(f"| {label} | " + " | ".join(cells) + " |")
        out_md.append("")
        out_md.append("```sh")
        for (label, at, window), r in zip(spec["times"], reports):
            out_md.append(
                f"forceboard report fixtures/scenarios/{name}.ndjson --at {at} --window {window} --json"
            )
        out_md.append("```")
        feeds = [r["feed"] for r in reports]
        out_md.append(
            "\nFeed lines read at those times (lines / accepted / rejected / duplicates / after T): "
            + "; ".join(
                f"{f['lines']} / {f['accepted']} / {f['rejected']} / {f['duplicates']} / {f['after_at']}"
                for f in feeds
            )
            + "\n"
        )
        all_paths = []
        for _, paths, _ in rows:
            all_paths += list(paths) if isinstance(paths, tuple) else [paths]
        out_rs.append("#[test]")
        out_rs.append(f"fn {name.replace('-', '_')}_headline_figures() {{")
        for (label, at, window), r in zip(spec["times"], reports):
            out_rs.append(f"    // {label}, window {window}")
            out_rs.append(f'    check("{name}", "{at}", "{window}", &[')
            for p in all_paths:
                out_rs.append(f'        ("{p}", json!({rust_value(get(r, p))})),')
            f = r["feed"]
            for key in ("lines", "accepted", "rejected", "duplicates", "after_at"):
                out_rs.append(f'        ("feed.{key}", json!({f[key]})),')
            out_rs.append("    ]);")
        out_rs.append("}\n")
    return "\n".join(out_md), "\n".join(out_rs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?")
    parser.add_argument("--at")
    parser.add_argument("--window", default="1h")
    parser.add_argument("--lpa", action="append", default=[])
    parser.add_argument("--tables", metavar="DIR")
    parser.add_argument("--rust", action="store_true", help="with --tables: print Rust instead")
    args = parser.parse_args()
    if args.tables:
        md, rs = tables(args.tables)
        print(rs if args.rust else md)
        return
    if not args.file:
        parser.error("give FILE or --tables DIR")
    report = figures(args.file, args.at, args.window, tuple(args.lpa))
    secs, nanos = divmod(report["at"], NS)
    t = datetime.fromtimestamp(secs, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    report["at"] = t + (f".{nanos:09d}".rstrip("0") if nanos else "") + "Z"
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
