//! The crate against an independent implementation of the feed contract (`scripts/scenario_figures.py`,
//! plain Python written from the feed and figure definitions), on the generated demo day and on the bad-data
//! scenario, and the staffing fixture (schema v1.1), at several times and windows: every
//! figure, for the force and every area.

use std::process::Command;

use serde_json::Value;

pub(crate) fn run(program: &str, args: &[&str]) -> Value {
    let output = Command::new(program)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|error| {
            panic!("{program} runs (python3 is needed for this test): {error}")
        });
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

/// Every number equal within 1e-9 (relative), every other value equal, the same keys.
// `path` is a JSON key path ("calls.999.at"), not a file name.
#[allow(clippy::case_sensitive_file_extension_comparisons)]
pub(crate) fn assert_same(crate_side: &Value, python_side: &Value, path: &str) {
    match (crate_side, python_side) {
        (Value::Object(a), Value::Object(b)) => {
            let keys_a: Vec<&String> = a.keys().collect();
            let keys_b: Vec<&String> = b.keys().collect();
            assert_eq!(keys_a, keys_b, "keys at {path}");
            for (key, value) in a {
                assert_same(value, &b[key], &format!("{path}.{key}"));
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.as_f64().expect("number"), b.as_f64().expect("number"));
            assert!(
                (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                "{path}: crate {a}, python {b}"
            );
        }
        // Times: the same instant (the two sides write fractions differently).
        (Value::String(a), Value::String(b)) if path.ends_with(".at") => {
            let instant = |text: &str| {
                chrono::DateTime::parse_from_rfc3339(text)
                    .unwrap_or_else(|e| panic!("{path}: {text}: {e}"))
            };
            assert_eq!(instant(a), instant(b), "{path}");
        }
        _ => assert_eq!(crate_side, python_side, "{path}"),
    }
}

/// The demo day with lines moved by up to 4 minutes, every 997th re-dated 30 years ahead
/// and a heartbeat of 2003 written every 1,500 lines: 32 strays in 15,908 lines.
fn shuffled_demo_with_strays() -> std::path::PathBuf {
    let demo = std::fs::read_to_string("fixtures/demo-day.ndjson").expect("demo day");
    let mut lines: Vec<String> = demo.lines().map(str::to_string).collect();
    // Swap neighbours whose times are at most 4 minutes apart, every seventh pair.
    for index in (0..lines.len() - 1).step_by(7) {
        lines.swap(index, index + 1);
    }
    for index in (500..lines.len()).step_by(997) {
        lines[index] = lines[index].replacen("\"at\":\"2024-", "\"at\":\"2054-", 1);
    }
    for index in (1_000..lines.len()).step_by(1_500).rev() {
        lines.insert(
            index,
            r#"{"kind":"heartbeat","at":"2003-03-03T03:03:03Z"}"#.to_string(),
        );
    }
    let path =
        std::env::temp_dir().join(format!("forceboard-strays-{}.ndjson", std::process::id()));
    std::fs::write(&path, lines.join("\n") + "\n").expect("write temp feed");
    path
}

#[test]
fn report_json_equals_the_independent_implementation() {
    let shuffled = shuffled_demo_with_strays();
    let shuffled = shuffled.to_str().expect("UTF-8 temp path");
    let cases = [
        ("fixtures/strays.ndjson", None, "1h"),
        (shuffled, None, "24h"),
        (shuffled, None, "15m"),
        ("fixtures/demo-day.ndjson", None, "24h"),
        (
            "fixtures/demo-day.ndjson",
            Some("2024-07-01T04:07:30+01:00"),
            "15m",
        ),
        (
            "fixtures/demo-day.ndjson",
            Some("2024-07-01T17:00:00+01:00"),
            "1h",
        ),
        (
            "fixtures/demo-day.ndjson",
            Some("2024-07-01T21:33:00.5+01:00"),
            "90m",
        ),
        ("fixtures/scenarios/bad-data.ndjson", None, "1h"),
        (
            "fixtures/scenarios/clock-change-night.ndjson",
            Some("2024-10-27T01:30:00+00:00"),
            "1h",
        ),
        // Schema v1.1: the staffing fixture before and at its first v1.1 event, with
        // too few handle times, short, covered, a growing queue, no calls, stale.
        (
            "fixtures/staffing.ndjson",
            Some("2024-07-01T17:29:59Z"),
            "1h",
        ),
        (
            "fixtures/staffing.ndjson",
            Some("2024-07-01T17:30:00Z"),
            "1h",
        ),
        (
            "fixtures/staffing.ndjson",
            Some("2024-07-01T18:35:00Z"),
            "15m",
        ),
        (
            "fixtures/staffing.ndjson",
            Some("2024-07-01T18:44:00Z"),
            "1h",
        ),
        (
            "fixtures/staffing.ndjson",
            Some("2024-07-01T18:44:30Z"),
            "1h",
        ),
        ("fixtures/staffing.ndjson", None, "1h"),
        (
            "fixtures/staffing.ndjson",
            Some("2024-07-01T19:32:34Z"),
            "24h",
        ),
        (
            "fixtures/staffing.ndjson",
            Some("2024-07-01T19:44:40Z"),
            "1h",
        ),
    ];
    for (file, at, window) in cases {
        let mut args = vec![file, "--window", window];
        if let Some(at) = at {
            args.extend(["--at", at]);
        }
        let crate_args: Vec<&str> = ["report", "--json"]
            .into_iter()
            .chain(args.iter().copied())
            .collect();
        let ours = run(env!("CARGO_BIN_EXE_forceboard"), &crate_args);
        // The Python side computes the areas it is asked for: every one the crate lists.
        let areas: Vec<String> = ours["lpas"]
            .as_object()
            .expect("lpas")
            .keys()
            .cloned()
            .collect();
        assert!(areas.len() >= 7);
        let mut python_args: Vec<&str> = std::iter::once("scripts/scenario_figures.py")
            .chain(args.iter().copied())
            .collect();
        for code in &areas {
            python_args.extend(["--lpa", code]);
        }
        let python = run("python3", &python_args);
        assert_same(&ours, &python, &format!("{file} at {at:?} over {window} "));
    }
    std::fs::remove_file(shuffled).ok();
}
