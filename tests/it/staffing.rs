//! Schema v1.1 (call handlers): the hand-worked figures of fixtures/staffing.ndjson (the
//! working is in fixtures/README.md), and properties: a v1 feed has no staffing at any T,
//! and interleaving `call_ended` and `staffing` lines into it changes no other figure.

use std::process::Command;

use super::common::input::report_of;
use forceboard::config::{Config, Window};
use forceboard::engine::{Cover, Staffing};
use forceboard::model::CallLine;

use forceboard::time::{Span, parse_rfc3339};
use proptest::prelude::*;

const FIXTURE: &str = include_str!("../../fixtures/staffing.ndjson");

fn staffing_at(at: &str, line: CallLine) -> Staffing {
    let at = parse_rfc3339(&format!("2024-07-01T{at}Z")).expect("test time");
    *report_of(FIXTURE, Some(at), "1h").staffing.get(line)
}

/// The seven figures, with the two forecasts rounded to hundredths as worked by hand.
type Seven = (
    Option<u64>,
    Option<f64>,
    Option<u32>,
    Option<u32>,
    Option<u32>,
    Option<f64>,
    Option<f64>,
);

fn seven(s: &Staffing) -> Seven {
    let hundredths = |value: Option<f64>| value.map(|v| (v * 100.0).round() / 100.0);
    (
        s.arrivals_per_h,
        s.handle_s_mean,
        s.on_duty,
        s.available,
        s.needed,
        hundredths(s.forecast_sl_pct),
        hundredths(s.forecast_wait_s),
    )
}

const NOTHING: Seven = (None, None, None, None, None, None, None);
const _999: CallLine = CallLine::Emergency999;
const _101: CallLine = CallLine::NonEmergency101;

#[test]
fn check_gives_every_rule_its_verdict() {
    let output = Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(["check", "fixtures/staffing.ndjson"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("forceboard runs");
    let out = String::from_utf8(output.stdout).expect("UTF-8");
    let not_whole = "\"on_duty\" is not a whole number from 0 to 10000";
    let unmatched = "call_ended for an unknown id or a call not answered (unmatched)";
    let expected = [
        format!("line 7: {not_whole}"),
        "line 8: \"available\" is more than \"on_duty\"".to_string(),
        format!("line 9: {not_whole}"),
        format!("line 10: {not_whole}"),
        "line 11: unknown \"line\" (expected \"999\" or \"101\")".to_string(),
        "line 13: missing \"on_duty\"".to_string(),
        format!("line 26: {unmatched}"),
        format!("line 33: {unmatched}"),
        "line 38: call_ended earlier than its call's answer (negative duration)".to_string(),
        "line 38: warning: stray: dated more than the reorder horizon before the lines read so far (applied where it stands)".to_string(),
        format!("line 48: {unmatched}"),
        format!("line 86: {unmatched}"),
        "fixtures/staffing.ndjson: 98 lines: 86 accepted, 11 rejected, 1 duplicates, 1 stray"
            .to_string(),
    ];
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got, expected);
    assert_eq!(output.status.code(), Some(1), "refused lines fail check");
}

#[test]
fn before_the_first_v1_1_event_there_is_no_staffing_and_from_it_there_is() {
    for line in CallLine::ALL {
        let before = staffing_at("17:29:59", line);
        assert_eq!(seven(&before), NOTHING);
        assert!(!before.reported);
    }
    // P0 (17:20) in (17:15, 17:30] × 4; no 999 snapshot yet.
    let s = staffing_at("17:30:00", _999);
    assert_eq!(seven(&s), (Some(4), None, None, None, None, None, None));
    assert_eq!(s.missing_words(), Some("no staffing"));
    // The 101 snapshot of 10,000 at exactly T counts.
    let s = staffing_at("17:30:00", _101);
    assert_eq!(
        seven(&s),
        (Some(0), None, Some(10_000), None, None, None, None)
    );
}

#[test]
fn fewer_than_ten_handle_times_give_no_mean_and_no_forecast() {
    // C01…C08 offered in (18:20, 18:35]: 8 × 4 = 32; C01, C03, C02 ended: 3 < 10.
    let s = staffing_at("18:35:00", _999);
    assert_eq!(
        seven(&s),
        (Some(32), None, Some(7), Some(1), None, None, None)
    );
    assert_eq!(s.missing_words(), Some("handle time unknown"));
    assert_eq!(s.cover(), None);
    // 101: N1 (18:20:30) offered; the 17:44 snapshot is 51 min old.
    let s = staffing_at("18:35:00", _101);
    assert_eq!(
        seven(&s),
        (Some(4), None, Some(3), Some(2), None, None, None)
    );
}

#[test]
fn a_snapshot_an_hour_old_is_stale() {
    let s = staffing_at("18:43:59", _101);
    assert_eq!((s.on_duty, s.available, s.stale), (Some(3), Some(2), false));
    let s = staffing_at("18:44:00", _101);
    assert_eq!(seven(&s), (Some(4), None, None, None, None, None, None));
    assert!(s.stale);
    assert_eq!(s.missing_words(), Some("staffing stale"));
    let s = staffing_at("19:44:40", _999);
    assert_eq!(seven(&s), (Some(0), None, None, None, None, None, None));
    assert!(s.stale);
}

#[test]
fn seven_on_duty_at_84_calls_an_hour_of_three_minutes_is_one_short() {
    // 21 offered in (18:29, 18:44] → 84/h; mean 1,800 / 10 = 180 s; A = 4.2.
    let s = staffing_at("18:44:00", _999);
    assert_eq!(
        seven(&s),
        (
            Some(84),
            Some(180.0),
            Some(7),
            Some(1),
            Some(8),
            Some(85.87),
            Some(10.61)
        )
    );
    assert_eq!(s.cover(), Some(Cover::Short(1)));
    assert_eq!(Cover::Short(1).words(false), "▲ SHORT 1");
    assert!(!s.queue_grows());
}

#[test]
fn eight_on_duty_is_covered_and_the_later_of_two_snapshots_at_once_counts() {
    let s = staffing_at("18:44:30", _999);
    assert_eq!(
        seven(&s),
        (
            Some(84),
            Some(180.0),
            Some(8),
            Some(3),
            Some(8),
            Some(93.93),
            Some(3.55)
        )
    );
    assert_eq!(s.cover(), Some(Cover::Covered));
    assert_eq!(Cover::Covered.words(true), "OK COVERED");
}

#[test]
fn four_on_duty_at_a_load_of_exactly_four_is_a_growing_queue() {
    // The feed's end: C01 (18:30:00) is at T − 15 min, out: 20 × 4 = 80/h, A = 4.0.
    let report = report_of(FIXTURE, None, "1h");
    assert_eq!(
        report.at,
        parse_rfc3339("2024-07-01T18:45:00Z").expect("time")
    );
    let s = report.staffing.line_999;
    assert_eq!(
        seven(&s),
        (
            Some(80),
            Some(180.0),
            Some(4),
            Some(0),
            Some(8),
            Some(0.0),
            None
        )
    );
    assert!(s.queue_grows());
    assert_eq!(s.cover(), Some(Cover::Short(4)));
}

#[test]
fn with_no_calls_arriving_one_handler_is_needed_until_the_handle_times_age_out() {
    let s = staffing_at("19:32:34", _999);
    assert_eq!(
        seven(&s),
        (
            Some(0),
            Some(180.0),
            Some(4),
            Some(0),
            Some(1),
            Some(100.0),
            Some(0.0)
        )
    );
    // C01's end (18:32:35) is at T − 1 h: out, nine left.
    let s = staffing_at("19:32:35", _999);
    assert_eq!(
        seven(&s),
        (Some(0), None, Some(4), Some(0), None, None, None)
    );
}

#[test]
fn the_json_carries_the_eight_keys_on_the_force_lines_only() {
    let at = parse_rfc3339("2024-07-01T18:44:00Z").expect("time");
    let window = Window::parse("1h").expect("window");
    let report = report_of(FIXTURE, Some(at), "1h");
    let json: serde_json::Value =
        serde_json::from_str(&forceboard::report::to_json(&report, &window)).expect("JSON");
    let staffing = json["calls"]["999"]["staffing"]
        .as_object()
        .expect("object");
    // (serde_json's map lists keys sorted.)
    let keys: Vec<&str> = staffing.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "arrivals_per_h",
            "available",
            "forecast_sl_pct",
            "forecast_wait_s",
            "handle_s_mean",
            "needed",
            "needed_more_than",
            "on_duty",
        ]
    );
    assert_eq!(json["calls"]["999"]["staffing"]["needed"], 8);
    assert!(json["calls"]["999"]["staffing"]["needed_more_than"].is_null());
    assert!(json["calls"]["101"]["staffing"]["on_duty"].is_null());
}

#[test]
fn taking_the_v1_1_lines_out_changes_no_other_figure() {
    let v1: String = FIXTURE
        .lines()
        .filter(|line| !line.contains("call_ended") && !line.contains("staffing"))
        .flat_map(|line| [line, "\n"])
        .collect();
    for at in ["17:29:59", "18:35:00", "18:44:00", "18:45:00"] {
        let at = parse_rfc3339(&format!("2024-07-01T{at}Z")).expect("time");
        for window in ["15m", "1h", "24h"] {
            let with = report_of(FIXTURE, Some(at), window);
            let without = report_of(&v1, Some(at), window);
            assert_eq!(with.figures, without.figures, "at {at:?} over {window}");
            assert_eq!(without.staffing.line_999, Staffing::default());
        }
    }
}

/// A v1 feed: calls offered `gap` seconds apart from 10:00Z, each answered, abandoned or
/// left open after `delay` seconds, cycling 999 / 101.
fn v1_feed(calls: &[(u32, u32, u8)]) -> Vec<(i64, String)> {
    let mut lines = Vec::new();
    let mut offered = 36_000_i64;
    for (index, &(gap, delay, fate)) in calls.iter().enumerate() {
        offered += i64::from(gap);
        let line = if index % 3 == 0 { "101" } else { "999" };
        let id = format!("C{index}");
        lines.push((
            offered,
            format!(
                r#"{{"kind":"call_offered","at":"{}","id":"{id}","line":"{line}"}}"#,
                time(offered)
            ),
        ));
        let closed = offered + i64::from(delay);
        let kind = match fate % 3 {
            0 => "call_answered",
            1 => "call_abandoned",
            _ => continue,
        };
        lines.push((
            closed,
            format!(r#"{{"kind":"{kind}","at":"{}","id":"{id}"}}"#, time(closed)),
        ));
    }
    lines
}

fn time(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!("2024-07-01T{h:02}:{m:02}:{s:02}Z")
}

/// Ends (of any call id, at any time: many are refused) and snapshots (some out of bounds).
fn v1_1_lines(ends: &[(usize, i64)], snapshots: &[(i64, u32, u32)]) -> Vec<(i64, String)> {
    let mut lines = Vec::new();
    for &(id, at) in ends {
        lines.push((
            at,
            format!(
                r#"{{"kind":"call_ended","at":"{}","id":"C{id}"}}"#,
                time(at)
            ),
        ));
    }
    for (index, &(at, on_duty, available)) in snapshots.iter().enumerate() {
        let line = if index % 2 == 0 { "999" } else { "101" };
        lines.push((
            at,
            format!(
                r#"{{"kind":"staffing","at":"{}","line":"{line}","on_duty":{on_duty},"available":{available}}}"#,
                time(at)
            ),
        ));
    }
    lines
}

fn feed_text(mut lines: Vec<(i64, String)>) -> String {
    lines.sort_by_key(|(at, _)| *at); // stable: ties keep their order
    lines.into_iter().map(|(_, line)| line + "\n").collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn v1_1_lines_change_no_v1_figure_and_a_v1_feed_has_no_staffing(
        calls in prop::collection::vec((0u32..400, 0u32..900, 0u8..3), 1..60),
        ends in prop::collection::vec((0usize..70, 36_000i64..50_000), 0..40),
        snapshots in prop::collection::vec((36_000i64..50_000, 0u32..12_000, 0u32..12), 0..8),
        probes in prop::collection::vec(36_000i64..52_000, 1..4),
    ) {
        let v1 = v1_feed(&calls);
        let plain = feed_text(v1.clone());
        let mut mixed = v1;
        mixed.extend(v1_1_lines(&ends, &snapshots));
        let mixed = feed_text(mixed);
        for probe in probes {
            let at = parse_rfc3339(&time(probe)).expect("time");
            for window in ["15m", "1h"] {
                let without = report_of(&plain, Some(at), window);
                let with = report_of(&mixed, Some(at), window);
                prop_assert_eq!(&with.figures, &without.figures);
                prop_assert_eq!(without.staffing.line_999, Staffing::default());
                prop_assert_eq!(without.staffing.line_101, Staffing::default());
            }
        }
    }
}

#[test]
fn the_engine_answers_one_line_as_the_report_does() {
    use forceboard::engine::Engine;
    use forceboard::ingest::ingest_reader;
    let config = Config::default();
    let engine = Engine::new(config.engine_settings(None));
    let (engine, _) = ingest_reader(
        FIXTURE.as_bytes(),
        engine,
        config.reorder_horizon,
        None,
        &mut |_, _| {},
    )
    .expect("in memory");
    let at = parse_rfc3339("2024-07-01T18:44:00Z").expect("time");
    assert_eq!(engine.staffing(_999, at), staffing_at("18:44:00", _999));
    assert_eq!(
        engine.staffing(_999, at + Span::from_secs(30)).on_duty,
        Some(8)
    );
}

#[test]
fn the_report_table_adds_a_staffing_section_only_for_a_feed_that_reports_staffing() {
    let config = Config::default();
    let window = Window::parse("1h").expect("window");
    let at = parse_rfc3339("2024-07-01T18:44:00Z").expect("time");
    let table = report_of(FIXTURE, Some(at), "1h").render(
        &config,
        &window,
        forceboard::report::Format::Table,
        None,
    );
    let section: Vec<&str> = table
        .lines()
        .skip_while(|line| !line.starts_with("STAFFING"))
        .take(3)
        .collect();
    assert_eq!(
        section,
        [
            "STAFFING     arrivals/h  handle mean      on duty    available       needed     model SL   model wait  cover (Erlang C model)",
            "999                  84       3m 00s            7            1            8        85.9%        10.6s  ▲ SHORT 1",
            "101                   4            -            -            -            -            -            -  staffing stale",
        ]
    );
    let v1 = include_str!("../../fixtures/spec-example.ndjson");
    let plain =
        report_of(v1, None, "1h").render(&config, &window, forceboard::report::Format::Table, None);
    assert!(!plain.contains("STAFFING"));
}
