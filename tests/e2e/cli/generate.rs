//! `gen --config`: the configured force's areas, weights and zone.

use std::path::PathBuf;

use serde_json::Value;

use super::{forceboard, refusal, stderr, stdout};

/// `text` written as a config file of this test run, and its path.
fn config_file(name: &str, text: &str) -> String {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("forceboard-cli-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write config");
    path.to_string_lossy().into_owned()
}

/// A force of three areas weighted 1:2:5, in Helsinki: UTC+3 in July, two hours ahead of
/// London, so neither West Midlands' areas nor its clock could pass for it.
const THREE_AREAS: &str = r#"
force_name = "Test Constabulary"
timezone = "Europe/Helsinki"

[[areas]]
code = "NTH"
name = "North"
weight = 1

[[areas]]
code = "MID"
name = "Middle"
weight = 2

[[areas]]
code = "STH"
name = "South"
weight = 5
"#;

#[test]
fn gen_with_a_config_writes_only_that_forces_areas_in_their_weights_from_its_midnight() {
    let config = config_file("three-areas.toml", THREE_AREAS);
    let args = ["gen", "--config", &config, "--seed", "7", "--days", "1"];
    let output = forceboard(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        forceboard(&args).stdout,
        output.stdout,
        "same seed, same bytes"
    );
    let text = stdout(&output);

    let first: Value = serde_json::from_str(text.lines().next().expect("a line")).expect("JSON");
    assert_eq!(
        first["at"], "2024-06-30T21:00:00.000Z",
        "midnight in Helsinki"
    );

    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for line in text.lines() {
        let event: Value = serde_json::from_str(line).expect("JSON");
        if let Some(code) = event["lpa"].as_str() {
            *counts.entry(code.to_string()).or_default() += 1;
        }
    }
    let codes: Vec<&str> = counts.keys().map(String::as_str).collect();
    assert_eq!(codes, ["MID", "NTH", "STH"]);
    // A day has about 5,000 calls and incidents in an area. A share p of n draws varies
    // by sqrt(p(1 − p)/n), at most 0.007 (p = 5/8): 0.025 is over 3.5 of those, and the
    // seed is fixed, so the result never changes from run to run.
    let total = counts.values().sum::<usize>() as f64;
    assert!(total > 4_000.0, "{total}");
    for (code, weight) in [("NTH", 1.0), ("MID", 2.0), ("STH", 5.0)] {
        let share = counts[code] as f64 / total;
        assert!((share - weight / 8.0).abs() < 0.025, "{code}: {share:.3}");
    }

    // The feed reads back whole with the same config.
    let feed = config_file("three-areas.ndjson", &text);
    let checked = forceboard(&["check", "--config", &config, &feed]);
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));
}

#[test]
fn gen_with_the_example_config_writes_the_same_bytes_as_without_one() {
    let with = forceboard(&["gen", "--config", "forceboard.example.toml", "--seed", "7"]);
    let without = forceboard(&["gen", "--seed", "7"]);
    assert_eq!(with.status.code(), Some(0), "{}", stderr(&with));
    assert!(with.stdout == without.stdout);
}

#[test]
fn gen_start_as_a_date_is_local_midnight_in_the_configured_zone() {
    let config = config_file("three-areas-start.toml", THREE_AREAS);
    let first_at = |args: &[&str]| {
        let output = forceboard(args);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let text = stdout(&output);
        let first: Value = serde_json::from_str(text.lines().next().expect("a line")).unwrap();
        first["at"].as_str().expect("at").to_string()
    };
    assert_eq!(
        first_at(&["gen", "--config", &config, "--start", "2024-07-05"]),
        "2024-07-04T21:00:00.000Z"
    );
    assert_eq!(
        first_at(&["gen", "--start", "2024-07-05"]),
        "2024-07-04T23:00:00.000Z"
    );
    assert_eq!(
        refusal(&["gen", "--config", &config, "--start", "2000-01-01"]),
        "forceboard: --start 2000-01-01 begins before the year 2000 in Europe/Helsinki; \
         a feed's times must be within the years 2000 to 2199\n"
    );
}

#[test]
fn gen_refuses_a_bad_area_weight_in_one_sentence_with_exit_2() {
    for weight in ["-1", "0", "nan", "inf", "\"heavy\""] {
        let config = config_file(
            "bad-weight.toml",
            &format!("[[areas]]\ncode = \"NTH\"\nweight = {weight}\n"),
        );
        let message = refusal(&["gen", "--config", &config]);
        assert_eq!(
            message,
            format!(
                "forceboard: config file {config}: line 3: `areas[0].weight` must be a number \
                 more than 0 (the area's share of demand, relative to the others')\n"
            ),
            "{weight}"
        );
    }
}
