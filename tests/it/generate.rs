//! Integration tests for `forceboard gen`: schema, ordering, determinism and
//! calibration against the published West Midlands Police figures.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{DateTime, Timelike};
use forceboard::generate::{GenOptions, generate};
use serde_json::Value;

fn run(opts: &GenOptions) -> Vec<u8> {
    let mut out = Vec::new();
    generate(opts, &mut out).expect("writing to a Vec cannot fail");
    out
}

/// One day with the default options (seed 1), generated once per test binary.
fn default_day() -> &'static str {
    static OUT: OnceLock<String> = OnceLock::new();
    OUT.get_or_init(|| String::from_utf8(run(&GenOptions::default())).expect("UTF-8"))
}

fn parse(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn millis(v: &Value) -> i64 {
    let at = v["at"].as_str().expect("at is a string");
    DateTime::parse_from_rfc3339(at)
        .unwrap_or_else(|e| panic!("{e}: {at}"))
        .timestamp_millis()
}

#[test]
fn same_seed_same_bytes_different_seed_different_bytes() {
    let a = GenOptions {
        days: 1,
        seed: 42,
        ..GenOptions::default()
    };
    let first = run(&a);
    assert!(!first.is_empty());
    assert_eq!(first, run(&a));
    assert_ne!(first, run(&GenOptions { seed: 43, ..a }));
}

#[test]
fn summary_matches_output_and_zero_days_is_empty() {
    let text = default_day();
    let s = generate(&GenOptions::default(), &mut std::io::sink()).unwrap();
    assert_eq!(s.lines, text.lines().count() as u64);
    let count = |pat: &str| text.lines().filter(|l| l.contains(pat)).count() as u64;
    let offered = |line: &str| {
        let pat = format!("\"line\":\"{line}\"");
        text.lines()
            .filter(|l| l.contains("\"kind\":\"call_offered\"") && l.contains(&pat))
            .count() as u64
    };
    assert_eq!(s.calls_999, offered("999"));
    assert_eq!(s.calls_101, offered("101"));
    assert_eq!(s.call_ended, count("\"kind\":\"call_ended\""));
    assert_eq!(s.staffing, count("\"kind\":\"staffing\""));
    assert_eq!(s.emergency, count("\"grade\":\"emergency\""));
    assert_eq!(s.priority, count("\"grade\":\"priority\""));
    assert_eq!(s.scheduled, count("\"grade\":\"scheduled\""));

    let none = GenOptions {
        days: 0,
        ..GenOptions::default()
    };
    let mut out = Vec::new();
    assert_eq!(generate(&none, &mut out).unwrap().lines, 0);
    assert!(out.is_empty());
}

#[test]
fn schema_order_and_ids() {
    let text = default_day();
    let start = GenOptions::default_start().timestamp_millis();
    let end = start + 86_400_000;
    let lpas = ["BIR", "COV", "DUD", "SAN", "SOL", "WAL", "WOL"];
    let mut opened: HashMap<String, i64> = HashMap::new();
    let mut closed: HashSet<String> = HashSet::new();
    let mut answered_at: HashMap<String, i64> = HashMap::new();
    let mut ended: HashSet<String> = HashSet::new();
    let (mut last_call, mut last_incident) = (0u64, 0u64);
    let mut prev = i64::MIN;
    let mut no_lpa = 0;
    let mut calls = 0;
    for (line, v) in text.lines().zip(parse(text)) {
        // Exact key order is part of the schema: check the raw text too.
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let kind = v["kind"].as_str().unwrap();
        let expected: &[&str] = match kind {
            "call_offered" if v.get("lpa").is_some() => &["kind", "at", "id", "line", "lpa"],
            "call_offered" => &["kind", "at", "id", "line"],
            "incident_created" => &["kind", "at", "id", "grade", "lpa"],
            "heartbeat" => &["kind", "at", "source"],
            "staffing" => &["kind", "at", "line", "on_duty", "available"],
            "call_answered" | "call_abandoned" | "incident_arrived" | "incident_cancelled"
            | "call_ended" => &["kind", "at", "id"],
            other => panic!("unknown kind {other}"),
        };
        let mut sorted_expected = expected.to_vec();
        sorted_expected.sort_unstable();
        let mut sorted_keys = keys.clone();
        sorted_keys.sort_unstable();
        assert_eq!(sorted_keys, sorted_expected, "{line}");
        let positions: Vec<usize> = expected
            .iter()
            .map(|k| line.find(&format!("\"{k}\":")).unwrap())
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "key order: {line}"
        );

        // Time: RFC 3339 UTC, millisecond precision, sorted, inside the window.
        let at = v["at"].as_str().unwrap();
        assert_eq!(at.len(), 24, "{at}");
        assert!(at.ends_with('Z') && at.as_bytes()[19] == b'.', "{at}");
        let t = millis(&v);
        assert!(t >= prev, "out of order: {line}");
        assert!((start..end).contains(&t), "outside the window: {line}");
        prev = t;

        if kind == "heartbeat" {
            assert_eq!(v["source"], "gen");
            assert_eq!(t % 15_000, 0);
            continue;
        }
        if kind == "staffing" {
            let on_duty = v["on_duty"].as_u64().unwrap();
            assert!(v["available"].as_u64().unwrap() <= on_duty, "{line}");
            continue;
        }
        let id = v["id"].as_str().unwrap().to_string();
        match kind {
            "call_offered" | "incident_created" => {
                let (prefix, last) = if kind == "call_offered" {
                    calls += 1;
                    if v.get("lpa").is_none() {
                        no_lpa += 1;
                    }
                    let l = v["line"].as_str().unwrap();
                    assert!(l == "999" || l == "101", "{line}");
                    ('C', &mut last_call)
                } else {
                    let g = v["grade"].as_str().unwrap();
                    assert!(["emergency", "priority", "scheduled"].contains(&g));
                    ('I', &mut last_incident)
                };
                if let Some(lpa) = v.get("lpa") {
                    assert!(lpas.contains(&lpa.as_str().unwrap()), "{line}");
                }
                assert!(id.starts_with(prefix) && id.len() >= 7, "{id}");
                let n: u64 = id[1..].parse().unwrap();
                assert_eq!(n, *last + 1, "ids increase in creation order: {line}");
                *last = n;
                assert!(opened.insert(id, t).is_none());
            }
            "call_ended" => {
                let answered = answered_at
                    .get(&id)
                    .unwrap_or_else(|| panic!("ended before answered: {line}"));
                assert!(t > *answered, "ended not after answered: {line}");
                assert!(ended.insert(id), "ended twice: {line}");
            }
            _ => {
                if kind == "call_answered" {
                    answered_at.insert(id.clone(), t);
                }
                let want = if kind.starts_with("call") { 'C' } else { 'I' };
                assert!(id.starts_with(want), "{line}");
                let open = opened
                    .get(&id)
                    .unwrap_or_else(|| panic!("close before open: {line}"));
                assert!(t > *open, "close not after open: {line}");
                assert!(closed.insert(id), "closed twice: {line}");
            }
        }
    }
    assert!(calls > 3000);
    let share = f64::from(no_lpa) / f64::from(calls);
    assert!((0.015..0.045).contains(&share), "no-lpa share {share}");
}

#[derive(Default)]
struct Stats {
    offered: u64,
    answered: Vec<f64>,
    abandoned: u64,
}

#[test]
fn calibration_one_default_day() {
    let events = parse(default_day());
    let tz = GenOptions::default().tz;
    let mut open: HashMap<String, (i64, String)> = HashMap::new();
    let mut calls: HashMap<String, Stats> = HashMap::new();
    let mut incidents: HashMap<String, (u64, Vec<f64>)> = HashMap::new();
    let mut by_hour = [0u64; 24];
    for v in &events {
        let t = millis(v);
        let id = || v["id"].as_str().unwrap().to_string();
        match v["kind"].as_str().unwrap() {
            "call_offered" => {
                let line = v["line"].as_str().unwrap().to_string();
                calls.entry(line.clone()).or_default().offered += 1;
                let local = DateTime::from_timestamp_millis(t)
                    .unwrap()
                    .with_timezone(&tz);
                by_hour[local.hour() as usize] += 1;
                open.insert(id(), (t, line));
            }
            "call_answered" => {
                let (t0, line) = &open[&id()];
                let s = calls.get_mut(line).unwrap();
                s.answered.push((t - t0) as f64 / 1000.0);
            }
            "call_abandoned" => {
                let (_, line) = &open[&id()];
                calls.get_mut(line).unwrap().abandoned += 1;
            }
            "incident_created" => {
                let grade = v["grade"].as_str().unwrap().to_string();
                incidents.entry(grade.clone()).or_default().0 += 1;
                open.insert(id(), (t, grade));
            }
            "incident_arrived" => {
                let (t0, grade) = &open[&id()];
                let minutes = (t - t0) as f64 / 60_000.0;
                incidents.get_mut(grade).unwrap().1.push(minutes);
            }
            _ => {}
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;

    let c999 = &calls["999"];
    assert!(
        (2000..=2400).contains(&c999.offered),
        "999 count {}",
        c999.offered
    );
    let m = mean(&c999.answered);
    assert!((4.0..=5.0).contains(&m), "999 mean answer {m}");
    let within = c999.answered.iter().filter(|&&s| s <= 10.0).count() as f64;
    let within = within / c999.answered.len() as f64;
    assert!(within >= 0.93, "999 within 10 s {within}");
    let ab = c999.abandoned as f64 / c999.offered as f64;
    assert!((0.005..=0.02).contains(&ab), "999 abandoned {ab}");

    let c101 = &calls["101"];
    assert!(
        (1800..=2300).contains(&c101.offered),
        "101 count {}",
        c101.offered
    );
    let m = mean(&c101.answered);
    assert!((45.0..=75.0).contains(&m), "101 mean answer {m}");
    let ab = c101.abandoned as f64 / c101.offered as f64;
    assert!((0.07..=0.13).contains(&ab), "101 abandoned {ab}");

    let (n, att) = &incidents["emergency"];
    assert!((250..=350).contains(n), "emergency count {n}");
    let m = mean(att);
    assert!((9.5..=12.5).contains(&m), "emergency mean attend {m}");

    let (n, att) = &incidents["priority"];
    assert!((420..=580).contains(n), "priority count {n}");
    let m = mean(att);
    assert!((33.0..=47.0).contains(&m), "priority mean attend {m}");

    let (n, _) = &incidents["scheduled"];
    assert!((100..=200).contains(n), "scheduled count {n}");

    let peak = *by_hour.iter().max().unwrap() as f64;
    let ratio = peak / by_hour[4] as f64;
    assert!(ratio >= 3.5, "peak / 04:00 ratio {ratio}: {by_hour:?}");
}

#[test]
fn feed_stops_at_the_end_and_leaves_late_closes_open() {
    // Two days starting mid-afternoon on a Friday, off the quarter minute:
    // events still open at the end have no closing line, nothing is written
    // at or after the end, and the day boundary keeps time order.
    let start = DateTime::parse_from_rfc3339("2024-07-05T15:00:00.250+01:00").unwrap();
    let opts = GenOptions {
        days: 2,
        seed: 7,
        start,
        tz: chrono_tz::Europe::London,
        handlers: false,
        ..GenOptions::default()
    };
    let text = String::from_utf8(run(&opts)).unwrap();
    let events = parse(&text);
    let end = start.timestamp_millis() + 2 * 86_400_000;
    let mut open = HashSet::new();
    let mut prev = i64::MIN;
    for v in &events {
        let t = millis(v);
        assert!(t >= prev && t < end);
        prev = t;
        match v["kind"].as_str().unwrap() {
            "call_offered" | "incident_created" => {
                assert!(open.insert(v["id"].as_str().unwrap().to_string()));
            }
            "heartbeat" => {}
            _ => assert!(open.remove(v["id"].as_str().unwrap())),
        }
    }
    // Scheduled incidents created late on the last day are still open.
    assert!(!open.is_empty());
    assert!(open.iter().any(|id| id.starts_with('I')));
}

/// The default day without its v1.1 lines, line for line.
#[test]
fn the_handlers_change_no_v1_line() {
    let v1 = run(&GenOptions {
        handlers: false,
        ..GenOptions::default()
    });
    let without: Vec<&str> = default_day()
        .lines()
        .filter(|l| !l.contains("\"kind\":\"call_ended\"") && !l.contains("\"kind\":\"staffing\""))
        .collect();
    let v1 = String::from_utf8(v1).unwrap();
    assert_eq!(without, v1.lines().collect::<Vec<_>>());
}

/// Handle times (answer to `call_ended`) of the default day, and the roster as the
/// `staffing` lines give it, against the calibration in fixtures/README.md.
#[test]
fn calibration_of_the_handlers() {
    let events = parse(default_day());
    let mut line_of: HashMap<String, String> = HashMap::new();
    let mut answered: HashMap<String, i64> = HashMap::new();
    let mut handle: HashMap<&str, Vec<f64>> = HashMap::new();
    // Each line's on-duty count by local hour (BST = UTC + 1 on 1 July).
    let mut on_duty: HashMap<(&str, u32), HashSet<u64>> = HashMap::new();
    for v in &events {
        let t = millis(v);
        let id = v["id"].as_str().unwrap_or_default().to_string();
        match v["kind"].as_str().unwrap() {
            "call_offered" => {
                line_of.insert(id, v["line"].as_str().unwrap().to_string());
            }
            "call_answered" => {
                answered.insert(id, t);
            }
            "call_ended" => {
                let line = if line_of[&id] == "999" { "999" } else { "101" };
                handle
                    .entry(line)
                    .or_default()
                    .push((t - answered[&id]) as f64 / 1000.0);
            }
            "staffing" => {
                let line = if v["line"] == "999" { "999" } else { "101" };
                let hour = (DateTime::parse_from_rfc3339(v["at"].as_str().unwrap())
                    .unwrap()
                    .hour()
                    + 1)
                    % 24;
                on_duty
                    .entry((line, hour))
                    .or_default()
                    .insert(v["on_duty"].as_u64().unwrap());
            }
            _ => {}
        }
    }
    for (line, median, mean) in [
        ("999", 195.0..230.0, 225.0..275.0),
        ("101", 340.0..390.0, 390.0..470.0),
    ] {
        let times = handle.get_mut(line).unwrap();
        times.sort_by(f64::total_cmp);
        let m = times[times.len() / 2];
        let avg = times.iter().sum::<f64>() / times.len() as f64;
        assert!(median.contains(&m), "{line} median handle time {m}");
        assert!(mean.contains(&avg), "{line} mean handle time {avg}");
        // A long tail: some calls take over 15 minutes.
        assert!(times.iter().any(|&s| s > 900.0), "{line}");
    }
    // Shift changes at 07:00, 15:00 and 23:00 local time; seed 1's late shift is whole.
    let at = |line, hour| on_duty[&(line, hour)].iter().copied().collect::<Vec<_>>();
    assert_eq!(at("999", 3), [11]);
    assert_eq!(at("999", 10), [14]);
    assert_eq!(at("999", 18), [15]);
    assert_eq!(at("101", 18), [18]);
    assert_eq!(at("101", 23), [12]);
}
