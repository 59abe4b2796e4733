#!/usr/bin/env python3
"""An input map applied to foreign records, independently of the crate: the second implementation
of docs/integration.md ("How a map reads a record"), written from that page only.

It reads a map file (TOML, or a built-in map by name from src/feed/map/builtin/), turns each record
of a sample into forceboard feed events as the page says (rules in order, conditions, field picks,
value tables, time formats, dedupe by key and version, snapshots), and then computes the figures
with scripts/scenario_figures.py, so `forceboard report --json --map M SAMPLE` can be checked
against numbers the crate did not compute.

Standard library only (Python 3.11+).

    scripts/map_records.py --map M SAMPLE [--at TIME] [--window W] [--lpa CODE] [--zone ZONE]
        prints the figures, in the shape of `forceboard report --json`.
    scripts/map_records.py --map M SAMPLE --events
        prints the feed lines the records became (a refused record as a line saying so).

Counting, as the page says: every event is a line; a refused record is one line (rejected); a
record dropped as a duplicate is one line (duplicate); a record that makes no events is not
counted.
"""

import argparse
import json
import os
import re
import sys
import tempfile
import tomllib
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenario_figures  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BUILT_IN_DIR = os.path.join(HERE, "..", "src", "feed", "map", "builtin")
FIELDS = ("id", "line", "grade", "lpa", "offered_at", "created_at", "on_duty", "available")
TIME_FIELDS = ("offered_at", "created_at")
MAX_ON_DUTY = 10_000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class Refused(Exception):
    pass


def load_map(name):
    path = os.path.join(BUILT_IN_DIR, name + ".toml")
    if not os.path.exists(path):
        path = name
    with open(path, "rb") as f:
        spec = tomllib.load(f)
    base = spec.pop("base", None)
    if base is None:
        return spec
    built_in = load_map(base)
    built_in.setdefault("tables", {}).update(spec.get("tables", {}))
    built_in["events"] = built_in.get("events", []) + spec.get("events", [])
    for key in ("zone", "time", "dedupe", "snapshot", "tally", "description"):
        if key in spec:
            built_in[key] = spec[key]
    return built_in


def steps_of(path):
    """A dotted path's steps; `name[k=v,k2=v2]` is the step `name` then a filter step."""
    steps = []
    for part in re.findall(r"(?:[^.\[]|\[[^\]]*\])+", path):
        match = re.fullmatch(r"([^\[]*)(?:\[([^\]]*)\])?", part)
        name, filter_text = match.group(1), match.group(2)
        if name:
            steps.append(name)
        if filter_text is not None:
            pairs = [pair.split("=", 1) for pair in filter_text.split(",")]
            steps.append({key.strip(): value.strip() for key, value in pairs})
    return steps


def texts(value):
    """A value's texts: its own, or each element's of an array."""
    values = value if isinstance(value, list) else [value]
    return [text for text in map(as_text, values) if text is not None]


def has(item, wanted):
    """Does an array's element have every field of a filter step?"""
    return isinstance(item, dict) and all(
        item.get(k) is not None and v in texts(item.get(k)) for k, v in wanted.items()
    )


def find_all(record, path):
    """Every value at a dotted path: a filter step takes every matching element."""
    here = [record]
    for step in steps_of(path):
        following = []
        for value in here:
            if isinstance(step, dict):
                if isinstance(value, list):
                    following.extend(item for item in value if has(item, step))
            elif isinstance(value, list) and step.isdigit():
                if int(step) < len(value):
                    following.append(value[int(step)])
            elif isinstance(value, dict) and step in value:
                following.append(value[step])
        here = following
    return [value for value in here if value is not None]


def find(record, path):
    """The value at a dotted path, None when missing (null counts as missing). A filter step
    takes an array's first object whose fields have those texts."""
    here = record
    for step in steps_of(path):
        if isinstance(step, dict):
            if not isinstance(here, list):
                return None
            here = next((item for item in here if has(item, step)), None)
        elif isinstance(here, list) and step.isdigit():
            index = int(step)
            here = here[index] if index < len(here) else None
        elif isinstance(here, dict):
            here = here.get(step)
        else:
            return None
        if here is None:
            return None
    return here


def as_text(value):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return None


def holds(when, record):
    for path in when.get("present", []):
        if find(record, path) is None:
            return False
    for path in when.get("absent", []):
        if find(record, path) is not None:
            return False
    for path, allowed in when.get("equals", {}).items():
        allowed = [allowed] if isinstance(allowed, str) else allowed
        found = find(record, path)
        if found is None or not any(text in allowed for text in texts(found)):
            return False
    for path, refused in when.get("not_equals", {}).items():
        refused = [refused] if isinstance(refused, str) else refused
        found = find(record, path)
        if found is not None and any(text in refused for text in texts(found)):
            return False
    for path, endings in when.get("ends_with", {}).items():
        endings = [endings] if isinstance(endings, str) else endings
        text = as_text(find(record, path))
        if text is None or not any(text.endswith(ending) for ending in endings):
            return False
    return True


def local(naive, zone):
    """A local wall time in `zone`, refused when the clock change makes it ambiguous or skips it."""
    early = naive.replace(tzinfo=zone, fold=0)
    late = naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        raise Refused("local gap")
    back = early.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None)
    if back != naive:
        raise Refused("local gap")
    return early


def to_ns(moment):
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


def read_time(value, fmt, zone):
    """A time value -> ns since the epoch, UTC; Refused when it is not one."""
    if fmt in ("epoch_s", "epoch_ms"):
        unit = 1_000_000_000 if fmt == "epoch_s" else 1_000_000
        if isinstance(value, bool):
            raise Refused("bad time")
        if isinstance(value, int):
            ns = value * unit
        elif isinstance(value, float):
            ns = round(value * unit)
        elif isinstance(value, str):
            try:
                ns = int(value.strip()) * unit
            except ValueError:
                try:
                    ns = round(float(value.strip()) * unit)
                except ValueError:
                    raise Refused("bad time") from None
        else:
            raise Refused("bad time")
    else:
        if not isinstance(value, str):
            raise Refused("bad time")
        if fmt == "rfc3339":
            if not re.fullmatch(
                r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|z|[+-]\d\d:\d\d)?", value
            ):
                raise Refused("bad time")
            try:
                moment = datetime.fromisoformat(value.replace("z", "Z"))
            except ValueError:
                raise Refused("bad time") from None
            # fromisoformat keeps microseconds: the fraction's nanoseconds are added back.
            fraction = re.search(r"\.(\d+)", value)
            extra = 0
            if fraction:
                digits = (fraction.group(1) + "000000000")[:9]
                extra = int(digits) - moment.microsecond * 1_000
            if moment.tzinfo is None:
                moment = local(moment, zone)
            ns = to_ns(moment) + extra
        else:
            pattern = "%d/%m/%Y %H:%M:%S" if fmt == "uk" else fmt
            try:
                moment = datetime.strptime(value.strip() if fmt == "uk" else value, pattern)
            except ValueError:
                raise Refused("bad time") from None
            if moment.tzinfo is None:
                moment = local(moment, zone)
            ns = to_ns(moment)
    if not (946_684_800 * 10**9 <= ns < 7_258_118_400 * 10**9):
        raise Refused("bad time")
    return ns


def pick(spec, record, tables, default_time, zone, field):
    """One field's value: its text through its table, a time, or a count; None when missing."""
    if isinstance(spec, str):
        spec = {"field": spec}
    is_time = field == "at" or field in TIME_FIELDS or field == "version"
    if is_time and spec.get("earliest") and "field" in spec:
        times = [
            read_time(value, spec.get("time", default_time), zone)
            for value in find_all(record, spec["field"])
        ]
        return min(times) if times else None
    if "value" in spec:
        raw = spec["value"]
    else:
        raw = find(record, spec["field"])
        if raw is None:
            return None
    if is_time:
        return read_time(raw, spec.get("time", default_time), zone)
    text = as_text(raw)
    if text is None:
        raise Refused("not text")
    if "table" in spec:
        table = tables[spec["table"]]
        if text in table:
            text = table[text]
        elif table.get("*") == "*":
            pass  # "*" = "*": every other value is kept as it is
        elif "*" in table:
            text = table["*"]
        else:
            raise Refused("not in table")
    if field in ("on_duty", "available"):
        if not re.fullmatch(r"\d+", text.strip()) or int(text) > MAX_ON_DUTY:
            raise Refused("bad count")
        return int(text)
    return text


REQUIRED = {
    "call_offered": ("id", "line"),
    "call_answered": ("id",),
    "call_abandoned": ("id",),
    "call_ended": ("id",),
    "incident_created": ("id", "grade"),
    "incident_arrived": ("id",),
    "incident_cancelled": ("id",),
    "staffing": ("line", "on_duty"),
    "heartbeat": (),
}


def event_of(rule, record, tables, default_time, zone):
    event = {"kind": rule["kind"]}
    at = pick(rule["at"], record, tables, default_time, zone, "at")
    if at is None:
        raise Refused("no at")
    event["at"] = at
    for field in FIELDS:
        if field not in rule:
            continue
        value = pick(rule[field], record, tables, default_time, zone, field)
        if value is None:
            continue
        if field == "line" and value not in ("999", "101"):
            raise Refused("bad line")
        if field == "grade" and value not in ("emergency", "priority", "scheduled"):
            raise Refused("bad grade")
        event[field] = value
    for field in REQUIRED[rule["kind"]]:
        if field not in event:
            raise Refused("missing " + field)
    if "available" in event and event["available"] > event["on_duty"]:
        raise Refused("available above on duty")
    return event


def line_counts(handlers, line):
    """-> (on duty, available) of the handlers whose last state is on the line."""
    counted = [state for state in handlers.values() if state[0] == line]
    return sum(1 for state in counted if state[1]), sum(1 for state in counted if state[2])


def map_sample(spec, path, config_zone):
    """-> (events with their line numbers, refused line numbers, duplicate count)."""
    zone = ZoneInfo(spec.get("zone", config_zone))
    tables = spec.get("tables", {})
    default_time = spec.get("time", "rfc3339")
    dedupe = spec.get("dedupe")
    snapshot = spec.get("snapshot")
    tally = spec.get("tally")
    handlers = {}  # key -> (line, on duty, available)
    sent = set()  # lines whose counts were made at least once
    versions = {}
    made = {}
    out, refused, duplicates = [], [], 0
    with open(path, "rb") as f:
        data = f.read()
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.rstrip(b"\r")
        if raw.strip() == b"":
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            refused.append(number)
            continue
        if not isinstance(record, dict):
            refused.append(number)
            continue
        try:
            key = version = None
            if dedupe:
                key = as_text(find(record, dedupe["key"]))
                if key is None:
                    raise Refused("no dedupe key")
                if "version" in dedupe:
                    version = pick(dedupe["version"], record, tables, default_time, zone, "version")
                if key in versions:
                    seen = versions[key]
                    if seen is None or version is None or version <= seen:
                        duplicates += 1
                        continue
            events = [
                event_of(rule, record, tables, default_time, zone)
                for rule in spec.get("events", [])
                if holds(rule.get("when", {}), record)
            ]
            if tally:
                handler = as_text(find(record, tally["key"]))
                if handler is None:
                    raise Refused("no tally key")
                at = pick(tally["at"], record, tables, default_time, zone, "at")
                line = pick(tally["line"], record, tables, default_time, zone, "line")
                if at is None or line is None:
                    raise Refused("no at or line")
                if line not in ("999", "101"):
                    raise Refused("bad line")
                if handler not in handlers and len(handlers) >= MAX_ON_DUTY:
                    raise Refused("too many handlers")
                on_duty = holds(tally.get("on_duty", {}), record)
                available = on_duty and holds(tally.get("available", {}), record)
                state = (line, on_duty, available)
                before = handlers.get(handler)
                counts_before = {name: line_counts(handlers, name) for name in ("999", "101")}
                handlers[handler] = state
                lines = [line] + ([before[0]] if before and before[0] != line else [])
                for touched in lines:
                    on_duty, available = line_counts(handlers, touched)
                    # A line is sent when its counts change, and the first time it is seen.
                    if (on_duty, available) == counts_before[touched] and touched in sent:
                        continue
                    sent.add(touched)
                    events.append(
                        {
                            "kind": "staffing",
                            "at": at,
                            "line": touched,
                            "on_duty": on_duty,
                            "available": available,
                        }
                    )
        except Refused:
            refused.append(number)
            continue
        if dedupe:
            versions[key] = version
        if snapshot:
            snap_key = as_text(find(record, snapshot))
            if snap_key is not None:
                kinds = made.setdefault(snap_key, set())
                kept = []
                for event in events:
                    if event["kind"] not in kinds:
                        kinds.add(event["kind"])
                        kept.append(event)
                events = kept
        out.extend((number, event) for event in events)
    return out, refused, duplicates


def time_text(ns):
    secs, nanos = divmod(ns, 1_000_000_000)
    text = datetime.fromtimestamp(secs, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{nanos:09d}".rstrip("0") if nanos else "") + "Z"


def feed_lines(events, refused):
    """The feed in the sample's order: each event a line, each refused record a line that the
    native rules refuse (it has no `at`)."""
    numbered = [(n, 0, json.dumps(wire(e))) for n, e in events]
    numbered += [(n, 1, '{"kind":"refused by the map"}') for n in refused]
    numbered.sort(key=lambda item: (item[0], item[1]))
    return [line for _, _, line in numbered]


def wire(event):
    out = dict(event)
    for field in ("at",) + TIME_FIELDS:
        if field in out:
            out[field] = time_text(out[field])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sample")
    parser.add_argument("--map", required=True)
    parser.add_argument("--at")
    parser.add_argument("--window", default="1h")
    parser.add_argument("--lpa", action="append", default=[])
    parser.add_argument("--zone", default="Europe/London")
    parser.add_argument("--events", action="store_true")
    args = parser.parse_args()
    spec = load_map(args.map)
    events, refused, duplicates = map_sample(spec, args.sample, args.zone)
    lines = feed_lines(events, refused)
    if args.events:
        print("\n".join(lines))
        return
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False) as f:
        f.write("".join(line + "\n" for line in lines))
        native = f.name
    try:
        report = scenario_figures.figures(native, args.at, args.window, tuple(args.lpa))
    finally:
        os.unlink(native)
    report["feed"]["lines"] += duplicates
    report["feed"]["duplicates"] += duplicates
    report["at"] = time_text(report["at"])
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
