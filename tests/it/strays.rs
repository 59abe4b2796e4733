//! Stray lines in files: a few lines dated far from their neighbours (a source with a wrong
//! clock) change neither how the rest of a file is ordered nor the report's time.
//!
//! The hand-worked fixture `fixtures/strays.ndjson` is the worked example sorted, with a
//! heartbeat every 15 s, one answer written before its offer, and four strays (working in
//! fixtures/README.md). The generated cases compare a file with strays and local shuffles
//! against the same file stably sorted by `at`, as the feed contract promises.

use std::fs::File;

use super::common::input::{feed_input, report_of};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use forceboard::check::check;
use forceboard::config::{Config, Window};
use forceboard::ingest::{FeedInput, Placement};
use forceboard::report::{Report, compute, to_json};
use proptest::prelude::*;
use serde_json::{Value, json};

const DEMO: &str = include_str!("../../fixtures/demo-day.ndjson");

/// A fixture as `report` opens it: its parts read by the parser threads.
fn fixture(name: &str) -> FeedInput<'static> {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    FeedInput::file(File::open(path).expect("fixture exists")).expect("fixture's length")
}

fn json_of(report: &Report, window: &str) -> Value {
    let window = Window::parse(window).expect("test window");
    serde_json::from_str(&to_json(report, &window)).expect("report JSON parses")
}

fn at_of(line: &str) -> DateTime<Utc> {
    let value: Value = serde_json::from_str(line).expect("a JSON line");
    let at = value["at"].as_str().expect("an at");
    DateTime::parse_from_rfc3339(at)
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

fn with_at(line: &str, at: DateTime<Utc>) -> String {
    let mut value: Value = serde_json::from_str(line).expect("a JSON line");
    value["at"] = json!(at.to_rfc3339_opts(SecondsFormat::Millis, true));
    value.to_string()
}

/// The lines stably sorted by `at`: the order the contract compares against.
fn stably_sorted(lines: &[String]) -> Vec<String> {
    let mut keyed: Vec<(DateTime<Utc>, &String)> =
        lines.iter().map(|line| (at_of(line), line)).collect();
    keyed.sort_by_key(|(at, _)| *at);
    keyed.into_iter().map(|(_, line)| line.clone()).collect()
}

fn text(lines: &[String]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

#[test]
fn the_strays_fixture_gives_the_worked_examples_figures() {
    let window = Window::parse("1h").expect("window");
    let report = compute(fixture("strays.ndjson"), &Config::default(), None, &window)
        .expect("reads")
        .expect("events");
    let got = json_of(&report, "1h");
    // T is the example's end, not 2099; every figure is the worked example's.
    assert_eq!(got["at"], "2024-07-01T12:00:00Z");
    let calls = &got["calls"]["999"];
    assert_eq!(calls["offered"], 4);
    assert_eq!(calls["answered"], 2);
    assert_eq!(calls["abandoned"], 2);
    assert_eq!(calls["mean_answer_s"], 8.0);
    assert_eq!(calls["p90_answer_s"], 12.0);
    assert_eq!(calls["waiting"], 1);
    assert_eq!(calls["expired"], 1);
    assert_eq!(calls["status"], "red");
    let emergency = &got["incidents"]["emergency"];
    assert_eq!(emergency["attended"], 1);
    assert_eq!(emergency["mean_attend_s"], 600.0);
    assert_eq!(emergency["open_breached"], 1);
    // 15 of the example's lines, 239 heartbeats and S1's two lines accepted; ZZ rejected;
    // A's second offer and answer duplicates; the two heartbeats of 2099 after T.
    assert_eq!(
        got["feed"],
        json!({"lines": 261, "accepted": 256, "rejected": 1, "duplicates": 2, "after_at": 2})
    );
}

#[test]
fn check_lists_the_strays_as_warnings_and_passes() {
    let checked = check(fixture("strays.ndjson"), &Config::default()).expect("reads");
    assert_eq!(checked.counts.rejected, 1, "ZZ");
    assert!(!checked.all_accepted());
    assert_eq!(
        checked.strays.all(),
        Some(vec![
            (45, Placement::BeyondEnd),
            (130, Placement::Behind),
            (131, Placement::Behind),
            (261, Placement::BeyondEnd),
        ])
    );
    let mut out = Vec::new();
    checked.write("strays.ndjson", &mut out).expect("in memory");
    let out = String::from_utf8(out).expect("UTF-8");
    assert!(out.contains("line 45: warning: stray: dated far past the rest of the file"));
    assert!(out.ends_with("261 lines: 258 accepted, 1 rejected, 2 duplicates, 4 strays\n"));
}

/// The demo day with every line moved by up to `jitter_s` seconds (deterministically).
fn shuffled_demo(seed: u64, jitter_s: i64) -> Vec<String> {
    let mut state = seed;
    let mut keyed: Vec<(DateTime<Utc>, usize, String)> = DEMO
        .lines()
        .enumerate()
        .map(|(index, line)| {
            state = splitmix(state);
            let jitter = Duration::seconds((state % (jitter_s as u64 + 1)) as i64);
            (at_of(line) + jitter, index, line.to_string())
        })
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, _, line)| line).collect()
}

fn splitmix(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn one_line_dated_2099_in_a_shuffled_demo_day_changes_nothing() {
    let mut lines = shuffled_demo(7, 120);
    let sorted_report = report_of(&text(&stably_sorted(&lines)), None, "24h");
    // Before the fix, this line made 1,494 lines unmatched rejects.
    let middle = lines.len() / 3;
    let year_2099 = DateTime::parse_from_rfc3339("2099-01-01T00:00:00Z")
        .expect("time")
        .with_timezone(&Utc);
    lines.insert(
        middle,
        json!({"kind": "heartbeat", "at": "2099-01-01T00:00:00Z"}).to_string(),
    );
    lines[middle + 1] = with_at(&lines[middle + 1], year_2099);
    let with_stray = report_of(&text(&lines), None, "24h");
    let sorted_with_stray = report_of(&text(&stably_sorted(&lines)), None, "24h");
    assert_eq!(with_stray.at, sorted_with_stray.at);
    assert_eq!(with_stray.figures, sorted_with_stray.figures);
    assert_eq!(
        with_stray.counts.rejected, sorted_with_stray.counts.rejected,
        "no line made unmatched by the stray"
    );
    // The demo day ends at 22:59:57.536Z (its last line); a heartbeat of 2099 is not its end.
    assert_eq!(
        json_of(&with_stray, "24h")["at"],
        "2024-07-01T22:59:57.536Z"
    );
    assert_eq!(with_stray.at, sorted_report.at);
    assert_eq!(with_stray.counts.after_at, 2, "the two lines of 2099");
}

/// A stray line to add to a file: a line of it re-dated far ahead, a heartbeat far ahead or
/// behind, or a call of a source whose clock is far behind.
#[derive(Debug, Clone)]
enum Stray {
    RedateAhead { line: usize, by_hours: i64 },
    Heartbeat { at: usize, by_hours: i64 },
    CallBehind { at: usize, by_hours: i64 },
}

fn stray() -> impl Strategy<Value = Stray> {
    let ahead = 25..600_000i64; // a day to about 68 years
    let behind = -200_000..-25i64; // a day to about 22 years
    prop_oneof![
        (any::<usize>(), ahead.clone())
            .prop_map(|(line, by_hours)| Stray::RedateAhead { line, by_hours }),
        (any::<usize>(), prop_oneof![ahead, behind.clone()])
            .prop_map(|(at, by_hours)| Stray::Heartbeat { at, by_hours }),
        (any::<usize>(), behind).prop_map(|(at, by_hours)| Stray::CallBehind { at, by_hours }),
    ]
}

/// Adds the strays to `lines`; returns the lines without them (re-dated lines removed),
/// and the lines with them.
fn add_strays(lines: &[String], strays: &[Stray]) -> (Vec<String>, Vec<String>) {
    let mut with = lines.to_vec();
    let mut redated = std::collections::BTreeSet::new();
    for (n, stray) in strays.iter().enumerate() {
        match *stray {
            Stray::RedateAhead { line, by_hours } => {
                let index = line % with.len();
                let at = at_of(&with[index]) + Duration::hours(by_hours);
                redated.insert(with[index].clone());
                with[index] = with_at(&with[index], at);
            }
            Stray::Heartbeat { at, by_hours } => {
                let index = at % with.len();
                let when = at_of(&with[index]) + Duration::hours(by_hours);
                let line = with_at(&json!({"kind": "heartbeat", "at": ""}).to_string(), when);
                with.insert(index, line);
            }
            Stray::CallBehind { at, by_hours } => {
                let index = at % with.len();
                let when = at_of(&with[index]) + Duration::hours(by_hours);
                let id = format!("STRAY{n}");
                let offered = json!({"kind": "call_offered", "at": "", "id": id, "line": "999"});
                let answered = json!({"kind": "call_answered", "at": "", "id": id});
                with.insert(
                    index,
                    with_at(&answered.to_string(), when + Duration::seconds(7)),
                );
                with.insert(index, with_at(&offered.to_string(), when));
            }
        }
    }
    let without = lines
        .iter()
        .filter(|line| !redated.contains(*line))
        .cloned()
        .collect();
    (without, with)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Up to 1 % stray lines (here up to 60 of the demo day's 15,898) and lines moved by up
    /// to five minutes give the stably sorted file's figures and counts, at the time the
    /// file without its strays ends.
    #[test]
    fn strays_and_local_shuffles_give_the_sorted_files_figures(
        seed in any::<u64>(),
        strays in prop::collection::vec(stray(), 1..=60),
    ) {
        let shuffled = shuffled_demo(seed, 300);
        let (without, with) = add_strays(&shuffled, &strays);
        let ours = report_of(&text(&with), None, "24h");
        let clean = report_of(&text(&without), None, "24h");
        prop_assert_eq!(ours.at, clean.at, "the strays' file ends where the clean one does");
        // The sorted file at that time (sorted, the strays dated ahead are all at its end,
        // where eight in a row can look like the feed moving on: so T is given).
        let sorted_text = text(&stably_sorted(&with));
        let sorted = report_of(&sorted_text, Some(ours.at), "24h");
        let mut ours_counts = ours.counts;
        let mut sorted_counts = sorted.counts;
        ours_counts.strays = 0;
        sorted_counts.strays = 0;
        prop_assert_eq!(ours_counts, sorted_counts);
        prop_assert_eq!(&ours.figures, &sorted.figures);
        prop_assert!(ours.counts.strays >= strays.len() as u64);
        for window in ["15m", "1h"] {
            let ours_at_t = report_of(&text(&with), None, window);
            let sorted_at_t = report_of(&sorted_text, Some(ours.at), window);
            prop_assert_eq!(ours_at_t.figures, sorted_at_t.figures);
        }
    }
}

#[test]
fn a_recordings_span_leaves_its_strays_out() {
    use forceboard::ingest::playback::Playback;
    let path = format!("{}/fixtures/strays.ndjson", env!("CARGO_MANIFEST_DIR"));
    let file = std::io::BufReader::new(File::open(path).expect("fixture exists"));
    let playback = Playback::read(file).expect("reads");
    // Not 2001 (S1's source) nor 2099 (the stray heartbeats): the worked example's hour.
    let first = playback.first_at().expect("events");
    let last = playback.last_at().expect("events");
    assert_eq!(forceboard::time::format_utc(first), "2024-07-01T11:00:00Z");
    assert_eq!(forceboard::time::format_utc(last), "2024-07-01T12:00:00Z");
    assert_eq!(
        playback.len(),
        261,
        "every line is an event, and every event is kept"
    );
}

#[test]
fn check_of_many_bad_lines_lists_the_first_and_last_twenty_and_counts_by_reason() {
    // 1,000 lines: every third not JSON (334), the rest heartbeats of one minute.
    let text: String = (0..1_000)
        .map(|n| {
            if n % 3 == 0 {
                "not json\n".to_string()
            } else {
                format!(
                    "{{\"kind\":\"heartbeat\",\"at\":\"2024-07-01T11:{:02}:00Z\"}}\n",
                    n % 60
                )
            }
        })
        .collect();
    let checked =
        check(feed_input(text.as_bytes().to_vec()), &Config::default()).expect("in memory");
    assert_eq!(checked.rejected.total, 334);
    assert_eq!(checked.rejected.all(), None, "too many to keep them all");
    let mut out = Vec::new();
    checked.write("bad", &mut out).expect("in memory");
    let out = String::from_utf8(out).expect("UTF-8");
    let lines: Vec<&str> = out.lines().collect();
    // Lines 1, 4, … 58 (the first 20), then the gap, then lines 943 … 1000 (the last 20).
    assert_eq!(lines[0], "line 1: not valid JSON");
    assert_eq!(lines[19], "line 58: not valid JSON");
    assert_eq!(lines[20], "… 294 more rejected lines …");
    assert_eq!(lines[21], "line 943: not valid JSON");
    assert_eq!(lines[40], "line 1000: not valid JSON");
    assert_eq!(lines[41], "rejected lines by reason:");
    assert_eq!(lines[42], "           334  not valid JSON");
}
