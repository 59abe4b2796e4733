//! Every figure of the feed contract on hand-written fixtures, with expectations computed by hand
//! (the working is in fixtures/README.md). The JSON is produced exactly as `report --json`
//! produces it and compared field by field.

use std::fs::File;

use forceboard::config::{Config, Window};
use forceboard::engine::Engine;
use forceboard::ingest::{FeedInput, ingest_reader};
use forceboard::report::{compute, to_json};
use forceboard::time::{Span, parse_rfc3339};
use serde_json::{Value, json};

/// `report --json FILE [--at AT] --window WINDOW` through the library.
fn report(fixture: &str, at: Option<&str>, window: &str) -> Value {
    let window = Window::parse(window).expect("test window");
    let until = at.map(|t| parse_rfc3339(t).expect("test time"));
    let file = File::open(format!("{}/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture exists");
    // As `report` opens a file: its parts read by the parser threads.
    let input = FeedInput::file(file).expect("fixture's length");
    let report = compute(input, &Config::default(), until, &window)
        .expect("fixture reads")
        .expect("some event");
    let json = to_json(&report, &window);
    serde_json::from_str(&json).expect("report JSON parses")
}

/// Compares `actual` against `expected`, numbers within 1e-9; only keys in `expected` are
/// checked, so each test states the figures it is about.
fn assert_matches(actual: &Value, expected: &Value, path: &str) {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (key, e_value) in e {
                let a_value = a
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key} missing in {actual}"));
                assert_matches(a_value, e_value, &format!("{path}.{key}"));
            }
        }
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (a.as_f64().expect("number"), e.as_f64().expect("number"));
            assert!(
                (a - e).abs() <= 1e-9 * e.abs().max(1.0),
                "{path}: got {a}, expected {e}"
            );
        }
        _ => assert_eq!(actual, expected, "{path}"),
    }
}

const NULL_CALL_STATS: [&str; 4] = [
    "mean_answer_s",
    "p50_answer_s",
    "p90_answer_s",
    "max_answer_s",
];

#[test]
fn the_spec_worked_example() {
    let report = report("spec-example.ndjson", None, "1h");
    assert_matches(
        &report,
        &json!({
            "at": "2024-07-01T12:00:00Z",
            "window": "1h",
            "calls": {"999": {
                "offered": 4, "answered": 2, "abandoned": 2,
                "mean_answer_s": 8.0, "p50_answer_s": 4.0, "p90_answer_s": 12.0, "max_answer_s": 12.0,
                "service_level_pct": 100.0 / 3.0, "abandon_rate_pct": 50.0,
                "waiting": 1, "expired": 1, "longest_wait_s": 60.0,
                "target_s": 5, "sl_threshold_s": 10, "sl_goal_pct": 90, "status": "red",
                // 8 s > 5 s; 33.3 % < 90 %.
                "verdicts": {"mean": "red", "service_level": "red"}
            }, "101": {
                "offered": 0, "answered": 0, "abandoned": 0,
                "mean_answer_s": null, "p50_answer_s": null, "p90_answer_s": null, "max_answer_s": null,
                "service_level_pct": null, "abandon_rate_pct": null,
                "waiting": 0, "expired": 0, "longest_wait_s": null,
                "target_s": null, "sl_threshold_s": 180, "sl_goal_pct": 80, "status": "none",
                "verdicts": {"mean": "none", "service_level": "none"}
            }},
            "incidents": {"emergency": {
                "created": 1, "attended": 1,
                "mean_attend_s": 600, "p50_attend_s": 600, "p90_attend_s": 600, "max_attend_s": 600,
                "within_target_pct": 100.0, "open": 1, "open_breached": 1, "oldest_open_s": 1800,
                "target_s": 900, "goal_pct": 90,
                // The mean (600 s ≤ 0.8 × 900 s) and the share (100 % ≥ 95 %) alone would
                // be green; I2, open 1,800 s past its 900 s target, makes it red.
                "status": "red",
                "verdicts": {"mean": "green", "within_target": "green", "breached": "red"}
            }, "priority": {
                "created": 0, "attended": 0, "mean_attend_s": null, "within_target_pct": null,
                "open": 0, "open_breached": 0, "oldest_open_s": null,
                "target_s": 3600, "goal_pct": null, "status": "none"
            }},
            // Only A carries an area: answered in 4 s inside the window, offered at T-W (out).
            "lpas": {"BIR": {"calls": {"999": {
                "offered": 0, "answered": 1, "abandoned": 0, "mean_answer_s": 4.0,
                // 4 s ≤ 0.8 × 5 s and 100 % ≥ 95 %.
                "service_level_pct": 100.0, "waiting": 0, "status": "green"
            }}}},
            "feed": {"lines": 18, "accepted": 15, "rejected": 1, "duplicates": 2, "after_at": 0}
        }),
        "",
    );
    // The JSON object has exactly the feed contract's keys, nothing more.
    let keys: Vec<&String> = report.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["at", "calls", "feed", "incidents", "lpas", "window"]);
    // 16 figures, the verdicts (v1.2), and `staffing` (schema v1.1): seven keys, all null
    // for a v1 feed.
    let call_keys = report["calls"]["999"].as_object().expect("object").len();
    assert_eq!(call_keys, 18);
    for line in ["999", "101"] {
        assert_eq!(
            report["calls"][line]["staffing"],
            json!({
                "arrivals_per_h": null, "handle_s_mean": null, "on_duty": null,
                "available": null, "needed": null, "needed_more_than": null,
                "forecast_sl_pct": null, "forecast_wait_s": null
            })
        );
    }
    // Areas carry no staffing: it is force-wide.
    assert!(
        report["lpas"]["BIR"]["calls"]["999"]
            .get("staffing")
            .is_none()
    );
    let incident_keys = report["incidents"]["emergency"]
        .as_object()
        .expect("object")
        .len();
    assert_eq!(incident_keys, 14);
    // Every configured area is listed, in config order, even without events.
    let areas: Vec<&String> = report["lpas"].as_object().expect("object").keys().collect();
    assert_eq!(areas.len(), 7);
    assert_matches(
        &report["lpas"]["WOL"]["calls"]["999"],
        &json!({"offered": 0, "status": "none"}),
        "WOL",
    );
    for field in NULL_CALL_STATS {
        assert_eq!(report["lpas"]["WOL"]["calls"]["999"][field], Value::Null);
    }
}

#[test]
fn window_edges_at_t_minus_w_are_out_and_at_t_are_in() {
    // T = 12:00:00Z, W = 15m: the window is (11:45:00Z, 12:00:00Z].
    let report = report("window-edges.ndjson", Some("2024-07-01T12:00:00Z"), "15m");
    assert_matches(
        &report,
        &json!({
            "at": "2024-07-01T12:00:00Z",
            "window": "15m",
            "calls": {"999": {
                // X1 offered at exactly T-W (out) but answered 0.5 s later (in); X2 answered
                // at exactly T (written 13:00:00+01:00); X3 answered 1 ms after T: waiting.
                "offered": 2, "answered": 2, "abandoned": 0,
                "mean_answer_s": 300.25, "p50_answer_s": 0.5, "p90_answer_s": 600.0, "max_answer_s": 600.0,
                "service_level_pct": 50.0, "abandon_rate_pct": 0.0,
                "waiting": 1, "expired": 0, "longest_wait_s": 0.001, "status": "red"
            }, "101": {
                // X4 abandoned at exactly T-W (out); X5 abandoned after 240 s (> 180 s: in
                // the SL denominator); X6 answered in exactly 180 s (within); X7 abandoned
                // after 30 s (left out of SL). X8 open exactly 30 min: waiting; X9 30 min 1 s: expired.
                "offered": 2, "answered": 1, "abandoned": 2,
                "mean_answer_s": 180.0, "p50_answer_s": 180.0, "p90_answer_s": 180.0, "max_answer_s": 180.0,
                "service_level_pct": 50.0, "abandon_rate_pct": 200.0 / 3.0,
                "waiting": 1, "expired": 1, "longest_wait_s": 1800.0,
                // No mean target; 50 % within 180 s against an 80 % goal: red.
                "status": "red", "verdicts": {"mean": "none", "service_level": "red"}
            }},
            "incidents": {"emergency": {
                // E1 created at T-W (out), attended at T in exactly 900 s (within target,
                // but past 0.8 × 900 s: amber); E2 open 901 s (breached: red), E3 open
                // 899.5 s (not).
                "created": 1, "attended": 1, "mean_attend_s": 900.0, "within_target_pct": 100.0,
                "open": 2, "open_breached": 1, "oldest_open_s": 901.0, "status": "red",
                "verdicts": {"mean": "amber", "within_target": "green", "breached": "red"}
            }, "priority": {
                // P1 3000 s, P2 7199 s; P3 open 3601 s (breached).
                "created": 0, "attended": 2, "mean_attend_s": 5099.5, "p50_attend_s": 3000.0,
                "p90_attend_s": 7199.0, "max_attend_s": 7199.0, "within_target_pct": 50.0,
                "open": 1, "open_breached": 1, "oldest_open_s": 3601.0, "status": "red",
                // No goal for priority: the share has no verdict.
                "verdicts": {"mean": "red", "within_target": "none", "breached": "red"}
            }},
            "lpas": {"COV": {
                "calls": {"999": {"offered": 1, "answered": 2, "mean_answer_s": 300.25, "waiting": 0}},
                "incidents": {"emergency": {"created": 0, "attended": 1, "open": 0}}
            }},
            // X3's answer (12:00:00.001) and the 12:05 heartbeat are after T.
            "feed": {"lines": 27, "accepted": 25, "rejected": 0, "duplicates": 0, "after_at": 2}
        }),
        "",
    );
}

#[test]
fn the_october_clock_change_is_read_by_offset_not_by_local_time() {
    // K1 offered 01:59:58+01:00 (00:59:58Z), answered 01:00:03+00:00 (01:00:03Z): 5 s, not
    // an hour negative. K2 and K3 are both "01:30" local, an hour apart. Q1 is attended in
    // 15 min across the change. T = the heartbeat, 01:45:00+00:00.
    let hour = report("clock-change.ndjson", None, "1h");
    assert_matches(
        &hour,
        &json!({
            "at": "2024-10-27T01:45:00Z",
            "calls": {"999": {
                "offered": 2, "answered": 2, "mean_answer_s": 7.0, "p50_answer_s": 5.0,
                "p90_answer_s": 9.0, "max_answer_s": 9.0, "service_level_pct": 100.0, "status": "red",
                "verdicts": {"mean": "red", "service_level": "green"}
            }},
            "incidents": {"emergency": {
                // 900 s is the target itself: within it, but approaching (amber).
                "created": 1, "attended": 1, "mean_attend_s": 900.0, "within_target_pct": 100.0,
                "open": 0, "status": "amber",
                "verdicts": {"mean": "amber", "within_target": "green", "breached": "none"}
            }},
            "lpas": {"WOL": {"calls": {"999": {"answered": 2, "mean_answer_s": 7.0}}}},
            "feed": {"lines": 9, "accepted": 9, "rejected": 0}
        }),
        "",
    );
    // Over 24 h K2 (4 s) is in too: mean 6 s, over the 5 s target, so red (anything over
    // its target is over).
    let day = report("clock-change.ndjson", None, "24h");
    assert_matches(
        &day,
        &json!({"calls": {"999": {
            "offered": 3, "answered": 3, "mean_answer_s": 6.0, "p50_answer_s": 5.0,
            "p90_answer_s": 9.0, "status": "red"
        }}}),
        "",
    );
}

#[test]
fn bad_lines_are_counted_and_lose_nothing_good() {
    let report = report("bad-lines.ndjson", None, "1h");
    assert_matches(
        &report,
        &json!({
            "at": "2024-07-01T10:00:10Z",
            "calls": {"999": {"offered": 1, "answered": 1, "mean_answer_s": 4.0}, "101": {"abandoned": 0}},
            "lpas": {"BIR": {"calls": {"999": {"answered": 1}}}},
            "feed": {"lines": 21, "accepted": 3, "rejected": 16, "duplicates": 2, "after_at": 0}
        }),
        "",
    );
}

#[test]
fn implausible_times_and_durations_are_rejected_and_move_no_figure() {
    // The working is in fixtures/README.md: X's 1900 offer, Y's 24 h 1 s answer and E2's
    // 61-day attendance are refused; A's 45 s and E1's 600 s are the only figures.
    let report = report("implausible.ndjson", None, "1h");
    assert_matches(
        &report,
        &json!({
            "at": "2024-07-01T11:40:00Z",
            "calls": {"999": {
                "offered": 1, "answered": 1, "mean_answer_s": 45.0, "p50_answer_s": 45.0,
                "p90_answer_s": 45.0, "max_answer_s": 45.0, "service_level_pct": 0.0,
                "status": "red"
            }},
            "incidents": {"emergency": {
                "created": 1, "attended": 1, "mean_attend_s": 600.0, "max_attend_s": 600.0,
                "within_target_pct": 100.0, "open": 0, "status": "green"
            }},
            "feed": {"lines": 8, "accepted": 5, "rejected": 3, "duplicates": 0, "after_at": 0}
        }),
        "",
    );
}

#[test]
fn a_shuffled_recording_gives_the_same_figures_as_the_sorted_one() {
    let fixture = std::fs::read_to_string(format!(
        "{}/fixtures/window-edges.ndjson",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    // Sort by time (stable, with chrono rather than the crate's own parser).
    let mut lines: Vec<&str> = fixture.lines().collect();
    lines.sort_by_key(|line| {
        let value: Value = serde_json::from_str(line).expect("fixture line is JSON");
        chrono::DateTime::parse_from_rfc3339(value["at"].as_str().expect("at"))
            .expect("fixture time")
            .timestamp_nanos_opt()
    });
    let sorted = lines.join("\n");
    // Swapping neighbours displaces no line by more than one place: within the horizon.
    let mut pairs = lines.clone();
    for pair in pairs.chunks_mut(2) {
        pair.reverse();
    }
    let swapped = pairs.join("\n");
    // Fully reversed, closes come long before their opens: beyond the horizon.
    lines.reverse();
    let reversed = lines.join("\n");
    let config = Config::default();
    let at = parse_rfc3339("2024-07-01T12:00:00Z").ok();
    let run = |text: &str| {
        let engine = Engine::new(config.engine_settings(None));
        let (engine, counts) = ingest_reader(
            text.as_bytes(),
            engine,
            config.reorder_horizon,
            at,
            &mut |_, _| {},
        )
        .expect("in memory");
        (
            engine.scoped_figures(at.expect("time"), Span::from_mins(15)),
            counts,
        )
    };
    let (sorted_figures, sorted_counts) = run(&sorted);
    let (swapped_figures, swapped_counts) = run(&swapped);
    assert_ne!(swapped, sorted);
    assert_eq!(swapped_figures, sorted_figures);
    assert_eq!(swapped_counts, sorted_counts);
    // Fully reversed, closes come long before their opens and are rejected as unmatched.
    let (_, reversed_counts) = run(&reversed);
    assert!(reversed_counts.rejected > 0);
}
