//! The training scenarios of `fixtures/scenarios/` (see its README).
//!
//! The headline figures below were computed by `scripts/scenario_figures.py`, an
//! independent implementation of the feed contract in plain Python, and are the numbers of the
//! README's tables (six decimals): the crate did not compute them. The crate's
//! `report --json`, produced here through the library exactly as `tests/it/figures.rs` does,
//! must match each one within 1e-6.
//!
//! Further checks: the builder (`examples/scenarios.rs`) still writes the committed files
//! byte for byte; the bad-data scenario refuses every kind of line the feed contract names and
//! its shuffle changes nothing; the outage really is silent for twenty minutes; the
//! clock-change night writes local 01:xx twice and never yields a negative duration.

// The figures are written as the README's tables print them (six decimals), digit for digit.
#![allow(clippy::unreadable_literal)]

use std::collections::{BTreeSet, HashMap};

use super::common::input::feed_input;
use forceboard::config::{Config, Window};
use forceboard::engine::Engine;
use forceboard::ingest::{FeedCounts, ingest_reader};
use forceboard::model::Reject;
use forceboard::report::{compute, to_json};
use forceboard::time::{Span, Timestamp, parse_rfc3339};
use serde_json::{Value, json};

#[path = "../../examples/scenarios.rs"]
#[allow(dead_code)]
mod builder;

fn scenario_path(name: &str) -> String {
    format!(
        "{}/fixtures/scenarios/{name}.ndjson",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn scenario_text(name: &str) -> String {
    std::fs::read_to_string(scenario_path(name))
        .expect("scenario file (cargo run --example scenarios)")
}

/// Reads a scenario as `report` does, up to `until` (or all of it).
fn ingest(
    text: &str,
    until: Option<Timestamp>,
    window: Option<Span>,
    on_reject: &mut impl FnMut(u64, Reject),
) -> (Engine, FeedCounts) {
    let config = Config::default();
    let engine = Engine::new(config.engine_settings(window));
    ingest_reader(
        feed_input(text.as_bytes().to_vec()),
        engine,
        config.reorder_horizon,
        until,
        on_reject,
    )
    .expect("in memory")
}

/// `forceboard report fixtures/scenarios/NAME.ndjson --at AT --window WINDOW --json`.
fn report(name: &str, at: Option<&str>, window: &str) -> Value {
    let window = Window::parse(window).expect("test window");
    let until = at.map(|t| parse_rfc3339(t).expect("test time"));
    let text = scenario_text(name);
    let report = compute(
        feed_input(text.as_bytes().to_vec()),
        &Config::default(),
        until,
        &window,
    )
    .expect("in memory")
    .expect("some event");
    let json = to_json(&report, &window);
    serde_json::from_str(&json).expect("report JSON parses")
}

/// Checks each `(dotted.path, value)` of the report: numbers within 1e-6, the rest equal.
fn check(name: &str, at: &str, window: &str, expected: &[(&str, Value)]) {
    let report = report(name, Some(at), window);
    for (path, want) in expected {
        let got = path.split('.').fold(&report, |value, key| &value[key]);
        let context = format!("{name} at {at} over {window}: {path}");
        match (got.as_f64(), want.as_f64()) {
            (Some(got), Some(want)) => {
                assert!(
                    (got - want).abs() <= 1e-6,
                    "{context}: got {got}, expected {want}"
                );
            }
            _ => assert_eq!(got, want, "{context}"),
        }
    }
}

#[test]
fn the_builder_still_writes_the_committed_files() {
    for name in builder::NAMES {
        let built = builder::build(name).expect("a known scenario");
        let committed = std::fs::read(scenario_path(name)).expect("scenario file");
        assert!(
            built == committed,
            "fixtures/scenarios/{name}.ndjson differs from what examples/scenarios.rs \
             builds: run `cargo run --example scenarios -- fixtures/scenarios`, then \
             `scripts/scenario_figures.py --tables fixtures/scenarios` for the README and \
             this test"
        );
        assert!(committed.len() < 1 << 20, "{name} is over 1 MB");
    }
}

/// The time of a line, if it has a readable `at` (read with chrono, not the crate's parser).
fn line_time(line: &str) -> Option<Timestamp> {
    let value: Value = serde_json::from_str(line).ok()?;
    chrono::DateTime::parse_from_rfc3339(value.get("at")?.as_str()?)
        .ok()?
        .timestamp_nanos_opt()
        .map(Timestamp::from_nanos)
}

#[test]
fn bad_data_refuses_every_kind_of_bad_line_and_counts_duplicates() {
    let text = scenario_text("bad-data");
    let mut reasons = BTreeSet::new();
    let (_, counts) = ingest(&text, None, None, &mut |_, why| {
        reasons.insert(format!("{why:?}"));
    });
    // From scripts/scenario_figures.py (README, "bad-data").
    assert_eq!(
        (
            counts.lines,
            counts.accepted,
            counts.rejected,
            counts.duplicates,
            counts.after_at
        ),
        (2170, 2089, 52, 29, 0)
    );
    let every_kind = [
        "NotJson",
        "NotObject",
        "Missing(\"kind\")",
        "Missing(\"at\")",
        "Missing(\"id\")",
        "Missing(\"line\")",
        "Missing(\"grade\")",
        "NotString(\"id\")",
        "NotString(\"at\")",
        "NotString(\"line\")",
        "UnknownKind",
        "UnknownLine",
        "UnknownGrade",
        "NoOffset(\"at\")",
        "BadTime(\"at\")",
        "BadTime(\"offered_at\")",
        "Unmatched(CallAnswered)",
        "Unmatched(IncidentArrived)",
        "Unmatched(IncidentCancelled)",
        "NegativeDuration(CallAbandoned)",
        "NegativeDuration(IncidentArrived)",
    ];
    for kind in every_kind {
        assert!(reasons.contains(kind), "no {kind} in {reasons:?}");
    }
    // About 2 % malformed and 1 % duplicates, as the README says.
    let share = |n: u64| 100.0 * n as f64 / counts.lines as f64;
    assert!(
        (1.5..3.0).contains(&share(counts.rejected)),
        "{}",
        share(counts.rejected)
    );
    assert!(
        (0.8..2.0).contains(&share(counts.duplicates)),
        "{}",
        share(counts.duplicates)
    );
}

#[test]
fn bad_data_shuffle_changes_no_figure() {
    let text = scenario_text("bad-data");
    // Lines are filed up to five minutes late...
    let lines: Vec<&str> = text.lines().collect();
    let mut latest: Option<Timestamp> = None;
    let mut most_late = Span::ZERO;
    for line in &lines {
        if let Some(at) = line_time(line) {
            most_late = most_late.max(latest.map_or(Span::ZERO, |latest| latest - at));
            latest = Some(latest.map_or(at, |latest| latest.max(at)));
        }
    }
    assert!(
        most_late > Span::from_mins(2),
        "hardly shuffled: {most_late:?}"
    );
    assert!(
        most_late <= Span::from_mins(5),
        "beyond five minutes: {most_late:?}"
    );
    // ...and sorted by `at` (stably), nothing changes.
    let mut sorted: Vec<(Option<Timestamp>, &str)> =
        lines.iter().map(|l| (line_time(l), *l)).collect();
    sorted.sort_by_key(|(at, _)| at.unwrap_or(Timestamp::MAX));
    let sorted: String = sorted.iter().flat_map(|(_, l)| [*l, "\n"]).collect();
    let at = parse_rfc3339("2024-07-08T10:30:00+01:00").ok();
    let figures = |text: &str| {
        let (engine, counts) = ingest(text, at, None, &mut |_, _| {});
        (engine.scoped_figures(at.expect("time"), Span::HOUR), counts)
    };
    assert_ne!(sorted, text);
    assert_eq!(figures(&sorted), figures(&text));
}

#[test]
fn the_outage_is_twenty_silent_minutes_then_a_catch_up_burst() {
    let text = scenario_text("feed-outage");
    let times: Vec<Timestamp> = text
        .lines()
        .map(|l| line_time(l).expect("clean feed"))
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "written in time order"
    );
    let (gap_at, gap) = times
        .windows(2)
        .enumerate()
        .map(|(n, w)| (n, w[1] - w[0]))
        .max_by_key(|&(_, gap)| gap)
        .expect("lines");
    assert!(gap >= Span::from_mins(20), "longest silence {gap:?}");
    let down = parse_rfc3339("2024-07-04T10:20:00+01:00").expect("time");
    let back = parse_rfc3339("2024-07-04T10:40:00+01:00").expect("time");
    assert!(times[gap_at] < down && times[gap_at + 1] >= back);
    // The catch-up: the outage's events arrive within ten seconds of the link's return.
    let burst = times
        .iter()
        .filter(|&&t| (back..back + Span::from_secs(10)).contains(&t))
        .count();
    assert!(burst > 100, "{burst} lines in the burst");
    // What the board can tell: silent for longer than `stale_after` at 10:35 (STALE),
    // fresh again by 10:45.
    let stale_after = Config::default().stale_after;
    for (at, stale) in [("10:35:00", true), ("10:45:00", false)] {
        let until = parse_rfc3339(&format!("2024-07-04T{at}+01:00")).expect("time");
        let (_, counts) = ingest(&text, Some(until), None, &mut |_, _| {});
        let silent = until - counts.latest_accepted.expect("events");
        assert_eq!(
            silent > stale_after,
            stale,
            "at {at}: last event {silent:?} before"
        );
    }
}

#[test]
fn the_clock_change_night_has_local_one_oclock_twice_and_no_negative_durations() {
    let text = scenario_text("clock-change-night");
    let mut offsets = BTreeSet::new();
    let mut opened: HashMap<String, Timestamp> = HashMap::new();
    let mut previous = Timestamp::MIN;
    let mut local_went_back = false;
    let mut previous_local = String::new();
    for line in text.lines() {
        let value: Value = serde_json::from_str(line).expect("clean feed");
        let at_text = value["at"].as_str().expect("at");
        // Local wall-clock reading, e.g. "2024-10-27T01:30:00.000", then the offset.
        let (local, offset) = at_text.split_at(at_text.len() - 6);
        assert!(offset == "+01:00" || offset == "+00:00", "{at_text}");
        if local.starts_with("2024-10-27T01:") {
            offsets.insert(offset.to_string());
        }
        local_went_back |= local < previous_local.as_str();
        previous_local = local.to_string();
        let at = parse_rfc3339(at_text).expect("time");
        assert!(at >= previous, "written in time order");
        previous = at;
        let kind = value["kind"].as_str().expect("kind");
        let Some(id) = value["id"].as_str() else {
            continue;
        };
        let key = format!("{}{id}", &kind[..4]); // calls and incidents are separate
        if kind == "call_offered" || kind == "incident_created" {
            opened.insert(key, at);
        } else {
            let start = opened[&key];
            assert!(at >= start, "{id}: negative duration");
            match id {
                "CC-K1" => assert_eq!(at - start, Span::from_secs(5)),
                "CC-K2" => assert_eq!(at - start, Span::from_secs(210)),
                "CC-Q1" => assert_eq!(at - start, Span::from_mins(14)),
                _ => {}
            }
        }
    }
    assert_eq!(
        offsets,
        BTreeSet::from(["+00:00".to_string(), "+01:00".to_string()])
    );
    assert!(local_went_back, "the local clock never went back");
    // The crate refuses nothing: no duration came out negative.
    let (_, counts) = ingest(&text, None, None, &mut |line, why| {
        panic!("line {line} refused: {why}")
    });
    assert_eq!((counts.rejected, counts.duplicates), (0, 0));
}

// ---------------------------------------------------------------------------
// Headline figures at the named times: fixtures/scenarios/README.md's tables, from
// `scripts/scenario_figures.py --tables fixtures/scenarios --rust`.
// ---------------------------------------------------------------------------

#[test]
fn quiet_night_headline_figures() {
    // 02:00, window 1h
    check(
        "quiet-night",
        "2024-07-02T02:00:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(64)),
            ("calls.999.answered", json!(64)),
            ("calls.999.abandoned", json!(0)),
            ("calls.999.mean_answer_s", json!(3.306344)),
            ("calls.999.p90_answer_s", json!(6.317)),
            ("calls.999.status", json!("green")),
            ("calls.999.service_level_pct", json!(98.4375)),
            ("calls.999.abandon_rate_pct", json!(0.0)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(72.904452)),
            ("calls.101.waiting", json!(0)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(null)),
            ("incidents.emergency.attended", json!(7)),
            ("incidents.emergency.mean_attend_s", json!(553.072286)),
            ("incidents.emergency.within_target_pct", json!(100.0)),
            ("incidents.emergency.status", json!("green")),
            ("incidents.emergency.open", json!(0)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(1405.7014)),
            ("incidents.priority.status", json!("green")),
            ("incidents.priority.open", json!(11)),
            ("incidents.priority.open_breached", json!(0)),
            ("feed.lines", json!(1659)),
            ("feed.accepted", json!(506)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(1153)),
        ],
    );
    // 03:30, window 1h
    check(
        "quiet-night",
        "2024-07-02T03:30:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(27)),
            ("calls.999.answered", json!(26)),
            ("calls.999.abandoned", json!(0)),
            ("calls.999.mean_answer_s", json!(3.7895)),
            ("calls.999.p90_answer_s", json!(6.404)),
            ("calls.999.status", json!("green")),
            ("calls.999.service_level_pct", json!(96.153846)),
            ("calls.999.abandon_rate_pct", json!(0.0)),
            ("calls.999.waiting", json!(1)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(2.843)),
            ("calls.101.mean_answer_s", json!(41.929529)),
            ("calls.101.waiting", json!(0)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(null)),
            ("incidents.emergency.attended", json!(5)),
            ("incidents.emergency.mean_attend_s", json!(662.6474)),
            ("incidents.emergency.within_target_pct", json!(100.0)),
            ("incidents.emergency.status", json!("green")),
            ("incidents.emergency.open", json!(0)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(2784.419625)),
            ("incidents.priority.status", json!("green")),
            ("incidents.priority.open", json!(4)),
            ("incidents.priority.open_breached", json!(0)),
            ("feed.lines", json!(1659)),
            ("feed.accepted", json!(1112)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(547)),
        ],
    );
    // 04:59, window 1h
    check(
        "quiet-night",
        "2024-07-02T04:59:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(25)),
            ("calls.999.answered", json!(24)),
            ("calls.999.abandoned", json!(1)),
            ("calls.999.mean_answer_s", json!(3.575792)),
            ("calls.999.p90_answer_s", json!(6.029)),
            ("calls.999.status", json!("green")),
            ("calls.999.service_level_pct", json!(96.0)),
            ("calls.999.abandon_rate_pct", json!(4.0)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(50.944625)),
            ("calls.101.waiting", json!(1)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(27.973)),
            ("incidents.emergency.attended", json!(5)),
            ("incidents.emergency.mean_attend_s", json!(623.4882)),
            ("incidents.emergency.within_target_pct", json!(100.0)),
            ("incidents.emergency.status", json!("green")),
            ("incidents.emergency.open", json!(1)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(742.086)),
            ("incidents.priority.status", json!("green")),
            ("incidents.priority.open", json!(5)),
            ("incidents.priority.open_breached", json!(0)),
            ("feed.lines", json!(1659)),
            ("feed.accepted", json!(1655)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(4)),
        ],
    );
}

#[test]
fn friday_surge_headline_figures() {
    // 19:30 before, window 1h
    check(
        "friday-surge",
        "2024-07-05T19:30:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(149)),
            ("calls.999.answered", json!(148)),
            ("calls.999.abandoned", json!(0)),
            ("calls.999.mean_answer_s", json!(4.613696)),
            ("calls.999.p90_answer_s", json!(7.361)),
            ("calls.999.status", json!("amber")),
            ("calls.999.service_level_pct", json!(96.621622)),
            ("calls.999.abandon_rate_pct", json!(0.0)),
            ("calls.999.waiting", json!(1)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(0.074)),
            ("calls.101.mean_answer_s", json!(74.670758)),
            ("calls.101.waiting", json!(1)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(15.164)),
            ("incidents.emergency.attended", json!(23)),
            ("incidents.emergency.mean_attend_s", json!(666.526261)),
            ("incidents.emergency.within_target_pct", json!(91.304348)),
            ("incidents.emergency.status", json!("amber")),
            ("incidents.emergency.open", json!(4)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(2089.567)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(24)),
            ("incidents.priority.open_breached", json!(1)),
            ("feed.lines", json!(6216)),
            ("feed.accepted", json!(1359)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(4857)),
        ],
    );
    // 21:45 peak, window 1h
    check(
        "friday-surge",
        "2024-07-05T21:45:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(278)),
            ("calls.999.answered", json!(264)),
            ("calls.999.abandoned", json!(10)),
            ("calls.999.mean_answer_s", json!(15.564451)),
            ("calls.999.p90_answer_s", json!(22.903)),
            ("calls.999.status", json!("red")),
            ("calls.999.service_level_pct", json!(17.883212)),
            ("calls.999.abandon_rate_pct", json!(3.649635)),
            ("calls.999.waiting", json!(4)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(48.651)),
            ("calls.101.mean_answer_s", json!(158.140646)),
            ("calls.101.waiting", json!(12)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(488.933)),
            ("incidents.emergency.attended", json!(34)),
            ("incidents.emergency.mean_attend_s", json!(1006.92)),
            ("incidents.emergency.within_target_pct", json!(47.058824)),
            ("incidents.emergency.status", json!("red")),
            ("incidents.emergency.open", json!(14)),
            ("incidents.emergency.open_breached", json!(1)),
            ("incidents.priority.mean_attend_s", json!(2269.284811)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(43)),
            ("incidents.priority.open_breached", json!(6)),
            ("feed.lines", json!(6216)),
            ("feed.accepted", json!(4392)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(1824)),
        ],
    );
    // 23:30 after, window 1h
    check(
        "friday-surge",
        "2024-07-05T23:30:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(86)),
            ("calls.999.answered", json!(84)),
            ("calls.999.abandoned", json!(2)),
            ("calls.999.mean_answer_s", json!(4.310774)),
            ("calls.999.p90_answer_s", json!(6.6)),
            ("calls.999.status", json!("amber")),
            ("calls.999.service_level_pct", json!(96.428571)),
            ("calls.999.abandon_rate_pct", json!(2.325581)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(67.952055)),
            ("calls.101.waiting", json!(0)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(null)),
            ("incidents.emergency.attended", json!(15)),
            ("incidents.emergency.mean_attend_s", json!(682.3)),
            ("incidents.emergency.within_target_pct", json!(86.666667)),
            ("incidents.emergency.status", json!("red")),
            ("incidents.emergency.open", json!(1)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(3559.437447)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(19)),
            ("incidents.priority.open_breached", json!(5)),
            ("feed.lines", json!(6216)),
            ("feed.accepted", json!(5908)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(308)),
        ],
    );
}

#[test]
fn major_incident_headline_figures() {
    // 14:55 before, window 1h
    check(
        "major-incident",
        "2024-07-03T14:55:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(125)),
            ("calls.999.answered", json!(125)),
            ("calls.999.abandoned", json!(0)),
            ("calls.999.mean_answer_s", json!(4.557584)),
            ("calls.999.p90_answer_s", json!(8.165)),
            ("calls.999.status", json!("amber")),
            ("calls.999.service_level_pct", json!(96.8)),
            ("calls.999.abandon_rate_pct", json!(0.0)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(74.55204)),
            ("calls.101.waiting", json!(2)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(94.327)),
            ("incidents.emergency.attended", json!(14)),
            ("incidents.emergency.mean_attend_s", json!(673.540071)),
            ("incidents.emergency.within_target_pct", json!(100.0)),
            ("incidents.emergency.status", json!("green")),
            ("incidents.emergency.open", json!(3)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(2266.5895)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(21)),
            ("incidents.priority.open_breached", json!(3)),
            ("lpas.COV.calls.999.offered", json!(18)),
            ("lpas.COV.calls.999.waiting", json!(0)),
            ("lpas.COV.calls.999.abandon_rate_pct", json!(0.0)),
            ("lpas.COV.incidents.emergency.open", json!(0)),
            ("feed.lines", json!(3582)),
            ("feed.accepted", json!(1534)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(2048)),
        ],
    );
    // 15:05 queue, window 15m
    check(
        "major-incident",
        "2024-07-03T15:05:00+01:00",
        "15m",
        &[
            ("calls.999.offered", json!(97)),
            ("calls.999.answered", json!(43)),
            ("calls.999.abandoned", json!(19)),
            ("calls.999.mean_answer_s", json!(53.024907)),
            ("calls.999.p90_answer_s", json!(161.454)),
            ("calls.999.status", json!("red")),
            ("calls.999.service_level_pct", json!(38.709677)),
            ("calls.999.abandon_rate_pct", json!(30.645161)),
            ("calls.999.waiting", json!(35)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(180.098)),
            ("calls.101.mean_answer_s", json!(61.589808)),
            ("calls.101.waiting", json!(1)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(5.646)),
            ("incidents.emergency.attended", json!(3)),
            ("incidents.emergency.mean_attend_s", json!(718.990333)),
            ("incidents.emergency.within_target_pct", json!(100.0)),
            ("incidents.emergency.status", json!("green")),
            ("incidents.emergency.open", json!(3)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(1739.019857)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(19)),
            ("incidents.priority.open_breached", json!(3)),
            ("lpas.COV.calls.999.offered", json!(69)),
            ("lpas.COV.calls.999.waiting", json!(29)),
            ("lpas.COV.calls.999.abandon_rate_pct", json!(47.5)),
            ("lpas.COV.incidents.emergency.open", json!(2)),
            ("feed.lines", json!(3582)),
            ("feed.accepted", json!(1783)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(1799)),
        ],
    );
    // 16:00 after, window 1h
    check(
        "major-incident",
        "2024-07-03T16:00:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(249)),
            ("calls.999.answered", json!(191)),
            ("calls.999.abandoned", json!(58)),
            ("calls.999.mean_answer_s", json!(70.117304)),
            ("calls.999.p90_answer_s", json!(179.081)),
            ("calls.999.status", json!("red")),
            ("calls.999.service_level_pct", json!(38.15261)),
            ("calls.999.abandon_rate_pct", json!(23.293173)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(50.951792)),
            ("calls.101.waiting", json!(1)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(243.563)),
            ("incidents.emergency.attended", json!(13)),
            ("incidents.emergency.mean_attend_s", json!(625.464692)),
            ("incidents.emergency.within_target_pct", json!(92.307692)),
            ("incidents.emergency.status", json!("red")),
            ("incidents.emergency.open", json!(4)),
            ("incidents.emergency.open_breached", json!(1)),
            ("incidents.priority.mean_attend_s", json!(2364.486538)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(17)),
            ("incidents.priority.open_breached", json!(3)),
            ("lpas.COV.calls.999.offered", json!(127)),
            ("lpas.COV.calls.999.waiting", json!(0)),
            ("lpas.COV.calls.999.abandon_rate_pct", json!(37.795276)),
            ("lpas.COV.incidents.emergency.open", json!(0)),
            ("feed.lines", json!(3582)),
            ("feed.accepted", json!(2673)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(909)),
        ],
    );
}

#[test]
fn feed_outage_headline_figures() {
    // 10:15 before, window 15m
    check(
        "feed-outage",
        "2024-07-04T10:15:00+01:00",
        "15m",
        &[
            ("calls.999.offered", json!(30)),
            ("calls.999.answered", json!(30)),
            ("calls.999.abandoned", json!(0)),
            ("calls.999.mean_answer_s", json!(3.8155)),
            ("calls.999.p90_answer_s", json!(6.982)),
            ("calls.999.status", json!("green")),
            ("calls.999.service_level_pct", json!(96.666667)),
            ("calls.999.abandon_rate_pct", json!(0.0)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(34.3333)),
            ("calls.101.waiting", json!(1)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(85.312)),
            ("incidents.emergency.attended", json!(2)),
            ("incidents.emergency.mean_attend_s", json!(824.5695)),
            ("incidents.emergency.within_target_pct", json!(50.0)),
            ("incidents.emergency.status", json!("red")),
            ("incidents.emergency.open", json!(3)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(2063.177778)),
            ("incidents.priority.status", json!("green")),
            ("incidents.priority.open", json!(12)),
            ("incidents.priority.open_breached", json!(0)),
            ("feed.lines", json!(2038)),
            ("feed.accepted", json!(818)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(1220)),
        ],
    );
    // 10:35 silent, window 15m
    check(
        "feed-outage",
        "2024-07-04T10:35:00+01:00",
        "15m",
        &[
            ("calls.999.offered", json!(0)),
            ("calls.999.answered", json!(0)),
            ("calls.999.abandoned", json!(0)),
            ("calls.999.mean_answer_s", json!(null)),
            ("calls.999.p90_answer_s", json!(null)),
            ("calls.999.status", json!("none")),
            ("calls.999.service_level_pct", json!(null)),
            ("calls.999.abandon_rate_pct", json!(null)),
            ("calls.999.waiting", json!(1)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(923.98)),
            ("calls.101.mean_answer_s", json!(null)),
            ("calls.101.waiting", json!(2)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(1030.437)),
            ("incidents.emergency.attended", json!(0)),
            ("incidents.emergency.mean_attend_s", json!(null)),
            ("incidents.emergency.within_target_pct", json!(null)),
            ("incidents.emergency.status", json!("red")),
            ("incidents.emergency.open", json!(5)),
            ("incidents.emergency.open_breached", json!(5)),
            ("incidents.priority.mean_attend_s", json!(null)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(10)),
            ("incidents.priority.open_breached", json!(2)),
            ("feed.lines", json!(2038)),
            ("feed.accepted", json!(880)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(1158)),
        ],
    );
    // 10:45 caught up, window 15m
    check(
        "feed-outage",
        "2024-07-04T10:45:00+01:00",
        "15m",
        &[
            ("calls.999.offered", json!(47)),
            ("calls.999.answered", json!(48)),
            ("calls.999.abandoned", json!(0)),
            ("calls.999.mean_answer_s", json!(26.471812)),
            ("calls.999.p90_answer_s", json!(4.275)),
            ("calls.999.status", json!("red")),
            ("calls.999.service_level_pct", json!(97.916667)),
            ("calls.999.abandon_rate_pct", json!(0.0)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(42.826636)),
            ("calls.101.waiting", json!(2)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(133.613)),
            ("incidents.emergency.attended", json!(8)),
            ("incidents.emergency.mean_attend_s", json!(984.962375)),
            ("incidents.emergency.within_target_pct", json!(37.5)),
            ("incidents.emergency.status", json!("red")),
            ("incidents.emergency.open", json!(3)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(2131.8785)),
            ("incidents.priority.status", json!("green")),
            ("incidents.priority.open", json!(8)),
            ("incidents.priority.open_breached", json!(0)),
            ("feed.lines", json!(2038)),
            ("feed.accepted", json!(1105)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(933)),
        ],
    );
    // 11:45 recovered, window 1h
    check(
        "feed-outage",
        "2024-07-04T11:45:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(121)),
            ("calls.999.answered", json!(119)),
            ("calls.999.abandoned", json!(2)),
            ("calls.999.mean_answer_s", json!(4.090185)),
            ("calls.999.p90_answer_s", json!(7.184)),
            ("calls.999.status", json!("amber")),
            ("calls.999.service_level_pct", json!(95.041322)),
            ("calls.999.abandon_rate_pct", json!(1.652893)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(49.198957)),
            ("calls.101.waiting", json!(1)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(17.111)),
            ("incidents.emergency.attended", json!(8)),
            ("incidents.emergency.mean_attend_s", json!(703.58825)),
            ("incidents.emergency.within_target_pct", json!(100.0)),
            ("incidents.emergency.status", json!("green")),
            ("incidents.emergency.open", json!(4)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(1669.606235)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(16)),
            ("incidents.priority.open_breached", json!(1)),
            ("feed.lines", json!(2038)),
            ("feed.accepted", json!(1864)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(174)),
        ],
    );
}

#[test]
fn bad_data_headline_figures() {
    // 09:30, window 1h
    check(
        "bad-data",
        "2024-07-08T09:30:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(103)),
            ("calls.999.answered", json!(101)),
            ("calls.999.abandoned", json!(2)),
            ("calls.999.mean_answer_s", json!(3.406129)),
            ("calls.999.p90_answer_s", json!(6.117)),
            ("calls.999.status", json!("green")),
            ("calls.999.service_level_pct", json!(99.009901)),
            ("calls.999.abandon_rate_pct", json!(1.941748)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(49.65021)),
            ("calls.101.waiting", json!(0)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(null)),
            ("incidents.emergency.attended", json!(6)),
            ("incidents.emergency.mean_attend_s", json!(726.653833)),
            ("incidents.emergency.within_target_pct", json!(83.333333)),
            ("incidents.emergency.status", json!("red")),
            ("incidents.emergency.open", json!(0)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(2370.832)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(12)),
            ("incidents.priority.open_breached", json!(1)),
            ("feed.lines", json!(2170)),
            ("feed.accepted", json!(1001)),
            ("feed.rejected", json!(47)),
            ("feed.duplicates", json!(13)),
            ("feed.after_at", json!(1109)),
        ],
    );
    // 10:59, window 3h
    check(
        "bad-data",
        "2024-07-08T10:59:00+01:00",
        "3h",
        &[
            ("calls.999.offered", json!(330)),
            ("calls.999.answered", json!(324)),
            ("calls.999.abandoned", json!(6)),
            ("calls.999.mean_answer_s", json!(4.102336)),
            ("calls.999.p90_answer_s", json!(7.051)),
            ("calls.999.status", json!("amber")),
            ("calls.999.service_level_pct", json!(96.941896)),
            ("calls.999.abandon_rate_pct", json!(1.818182)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(59.821275)),
            ("calls.101.waiting", json!(2)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(48.698)),
            ("incidents.emergency.attended", json!(25)),
            ("incidents.emergency.mean_attend_s", json!(630.84836)),
            ("incidents.emergency.within_target_pct", json!(88.0)),
            ("incidents.emergency.status", json!("red")),
            ("incidents.emergency.open", json!(1)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(2152.124211)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(18)),
            ("incidents.priority.open_breached", json!(5)),
            ("feed.lines", json!(2170)),
            ("feed.accepted", json!(2076)),
            ("feed.rejected", json!(52)),
            ("feed.duplicates", json!(28)),
            ("feed.after_at", json!(14)),
        ],
    );
}

#[test]
fn clock_change_night_headline_figures() {
    // 01:30 BST, window 1h
    check(
        "clock-change-night",
        "2024-10-27T01:30:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(76)),
            ("calls.999.answered", json!(76)),
            ("calls.999.abandoned", json!(0)),
            ("calls.999.mean_answer_s", json!(3.983263)),
            ("calls.999.p90_answer_s", json!(6.719)),
            ("calls.999.status", json!("green")),
            ("calls.999.service_level_pct", json!(96.052632)),
            ("calls.999.abandon_rate_pct", json!(0.0)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(47.612)),
            ("calls.101.waiting", json!(1)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(251.31)),
            ("incidents.emergency.attended", json!(13)),
            ("incidents.emergency.mean_attend_s", json!(674.731462)),
            ("incidents.emergency.within_target_pct", json!(76.923077)),
            ("incidents.emergency.status", json!("red")),
            ("incidents.emergency.open", json!(1)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(2466.006875)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(13)),
            ("incidents.priority.open_breached", json!(2)),
            ("feed.lines", json!(4687)),
            ("feed.accepted", json!(2268)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(2419)),
        ],
    );
    // 01:30 GMT, window 1h
    check(
        "clock-change-night",
        "2024-10-27T01:30:00+00:00",
        "1h",
        &[
            ("calls.999.offered", json!(59)),
            ("calls.999.answered", json!(59)),
            ("calls.999.abandoned", json!(0)),
            ("calls.999.mean_answer_s", json!(3.524339)),
            ("calls.999.p90_answer_s", json!(5.976)),
            ("calls.999.status", json!("green")),
            ("calls.999.service_level_pct", json!(100.0)),
            ("calls.999.abandon_rate_pct", json!(0.0)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(54.097352)),
            ("calls.101.waiting", json!(0)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(null)),
            ("incidents.emergency.attended", json!(4)),
            ("incidents.emergency.mean_attend_s", json!(773.23075)),
            ("incidents.emergency.within_target_pct", json!(75.0)),
            ("incidents.emergency.status", json!("red")),
            ("incidents.emergency.open", json!(2)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(3259.800857)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(7)),
            ("incidents.priority.open_breached", json!(2)),
            ("feed.lines", json!(4687)),
            ("feed.accepted", json!(2786)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(1901)),
        ],
    );
    // 05:00 GMT, window 8h
    check(
        "clock-change-night",
        "2024-10-27T05:00:00+00:00",
        "8h",
        &[
            ("calls.999.offered", json!(502)),
            ("calls.999.answered", json!(499)),
            ("calls.999.abandoned", json!(3)),
            ("calls.999.mean_answer_s", json!(4.287643)),
            ("calls.999.p90_answer_s", json!(7.095)),
            ("calls.999.status", json!("amber")),
            ("calls.999.service_level_pct", json!(95.2)),
            ("calls.999.abandon_rate_pct", json!(0.59761)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(52.468469)),
            ("calls.101.waiting", json!(0)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(null)),
            ("incidents.emergency.attended", json!(70)),
            ("incidents.emergency.mean_attend_s", json!(706.898843)),
            ("incidents.emergency.within_target_pct", json!(84.285714)),
            ("incidents.emergency.status", json!("red")),
            ("incidents.emergency.open", json!(1)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(2369.899372)),
            ("incidents.priority.status", json!("green")),
            ("incidents.priority.open", json!(3)),
            ("incidents.priority.open_breached", json!(0)),
            ("feed.lines", json!(4687)),
            ("feed.accepted", json!(4273)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(414)),
        ],
    );
}

#[test]
fn handlers_off_sick_headline_figures() {
    // 14:50 early shift, window 1h
    check(
        "handlers-off-sick",
        "2024-07-04T14:50:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(119)),
            ("calls.999.answered", json!(117)),
            ("calls.999.abandoned", json!(2)),
            ("calls.999.mean_answer_s", json!(3.553624)),
            ("calls.999.p90_answer_s", json!(4.713)),
            ("calls.999.status", json!("green")),
            ("calls.999.service_level_pct", json!(97.478992)),
            ("calls.999.abandon_rate_pct", json!(1.680672)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(53.253733)),
            ("calls.101.waiting", json!(5)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(127.366)),
            ("incidents.emergency.attended", json!(9)),
            ("incidents.emergency.mean_attend_s", json!(644.899111)),
            ("incidents.emergency.within_target_pct", json!(100.0)),
            ("incidents.emergency.status", json!("green")),
            ("incidents.emergency.open", json!(3)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(1226.163875)),
            ("incidents.priority.status", json!("green")),
            ("incidents.priority.open", json!(16)),
            ("incidents.priority.open_breached", json!(0)),
            ("calls.999.staffing.arrivals_per_h", json!(144)),
            ("calls.999.staffing.handle_s_mean", json!(247.33484)),
            ("calls.999.staffing.on_duty", json!(14)),
            ("calls.999.staffing.available", json!(3)),
            ("calls.999.staffing.needed", json!(15)),
            ("calls.999.staffing.forecast_sl_pct", json!(86.183241)),
            ("calls.999.staffing.forecast_wait_s", json!(9.82463)),
            ("feed.lines", json!(7684)),
            ("feed.accepted", json!(899)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(6785)),
        ],
    );
    // 16:10 two off sick, window 1h
    check(
        "handlers-off-sick",
        "2024-07-04T16:10:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(132)),
            ("calls.999.answered", json!(125)),
            ("calls.999.abandoned", json!(6)),
            ("calls.999.mean_answer_s", json!(13.133616)),
            ("calls.999.p90_answer_s", json!(44.696)),
            ("calls.999.status", json!("red")),
            ("calls.999.service_level_pct", json!(70.992366)),
            ("calls.999.abandon_rate_pct", json!(4.580153)),
            ("calls.999.waiting", json!(1)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(7.735)),
            ("calls.101.mean_answer_s", json!(59.468538)),
            ("calls.101.waiting", json!(0)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(null)),
            ("incidents.emergency.attended", json!(21)),
            ("incidents.emergency.mean_attend_s", json!(656.146762)),
            ("incidents.emergency.within_target_pct", json!(85.714286)),
            ("incidents.emergency.status", json!("red")),
            ("incidents.emergency.open", json!(4)),
            ("incidents.emergency.open_breached", json!(1)),
            ("incidents.priority.mean_attend_s", json!(2172.308312)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(14)),
            ("incidents.priority.open_breached", json!(2)),
            ("calls.999.staffing.arrivals_per_h", json!(176)),
            ("calls.999.staffing.handle_s_mean", json!(269.417259)),
            ("calls.999.staffing.on_duty", json!(13)),
            ("calls.999.staffing.available", json!(0)),
            ("calls.999.staffing.needed", json!(19)),
            ("calls.999.staffing.forecast_sl_pct", json!(0.0)),
            ("calls.999.staffing.forecast_wait_s", json!(null)),
            ("feed.lines", json!(7684)),
            ("feed.accepted", json!(2316)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(5368)),
        ],
    );
    // 18:45 one called in, window 1h
    check(
        "handlers-off-sick",
        "2024-07-04T18:45:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(139)),
            ("calls.999.answered", json!(137)),
            ("calls.999.abandoned", json!(2)),
            ("calls.999.mean_answer_s", json!(6.119876)),
            ("calls.999.p90_answer_s", json!(4.965)),
            ("calls.999.status", json!("red")),
            ("calls.999.service_level_pct", json!(91.304348)),
            ("calls.999.abandon_rate_pct", json!(1.438849)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(52.714159)),
            ("calls.101.waiting", json!(0)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(null)),
            ("incidents.emergency.attended", json!(9)),
            ("incidents.emergency.mean_attend_s", json!(601.019444)),
            ("incidents.emergency.within_target_pct", json!(100.0)),
            ("incidents.emergency.status", json!("green")),
            ("incidents.emergency.open", json!(1)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(2512.364789)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(29)),
            ("incidents.priority.open_breached", json!(5)),
            ("calls.999.staffing.arrivals_per_h", json!(108)),
            ("calls.999.staffing.handle_s_mean", json!(240.098933)),
            ("calls.999.staffing.on_duty", json!(14)),
            ("calls.999.staffing.available", json!(8)),
            ("calls.999.staffing.needed", json!(12)),
            ("calls.999.staffing.forecast_sl_pct", json!(98.661541)),
            ("calls.999.staffing.forecast_wait_s", json!(0.627512)),
            ("feed.lines", json!(7684)),
            ("feed.accepted", json!(5216)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(2468)),
        ],
    );
    // 20:30 both called in, window 1h
    check(
        "handlers-off-sick",
        "2024-07-04T20:30:00+01:00",
        "1h",
        &[
            ("calls.999.offered", json!(121)),
            ("calls.999.answered", json!(116)),
            ("calls.999.abandoned", json!(5)),
            ("calls.999.mean_answer_s", json!(3.384017)),
            ("calls.999.p90_answer_s", json!(4.656)),
            ("calls.999.status", json!("green")),
            ("calls.999.service_level_pct", json!(97.478992)),
            ("calls.999.abandon_rate_pct", json!(4.132231)),
            ("calls.999.waiting", json!(0)),
            ("calls.999.expired", json!(0)),
            ("calls.999.longest_wait_s", json!(null)),
            ("calls.101.mean_answer_s", json!(57.692237)),
            ("calls.101.waiting", json!(1)),
            ("calls.101.expired", json!(0)),
            ("calls.101.longest_wait_s", json!(278.474)),
            ("incidents.emergency.attended", json!(12)),
            ("incidents.emergency.mean_attend_s", json!(624.29825)),
            ("incidents.emergency.within_target_pct", json!(100.0)),
            ("incidents.emergency.status", json!("green")),
            ("incidents.emergency.open", json!(8)),
            ("incidents.emergency.open_breached", json!(0)),
            ("incidents.priority.mean_attend_s", json!(2475.478615)),
            ("incidents.priority.status", json!("red")),
            ("incidents.priority.open", json!(19)),
            ("incidents.priority.open_breached", json!(3)),
            ("calls.999.staffing.arrivals_per_h", json!(104)),
            ("calls.999.staffing.handle_s_mean", json!(240.553211)),
            ("calls.999.staffing.on_duty", json!(15)),
            ("calls.999.staffing.available", json!(8)),
            ("calls.999.staffing.needed", json!(11)),
            ("calls.999.staffing.forecast_sl_pct", json!(99.583806)),
            ("calls.999.staffing.forecast_wait_s", json!(0.173789)),
            ("feed.lines", json!(7684)),
            ("feed.accepted", json!(7166)),
            ("feed.rejected", json!(0)),
            ("feed.duplicates", json!(0)),
            ("feed.after_at", json!(518)),
        ],
    );
}
