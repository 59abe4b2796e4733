//! `[[forces]]`: one file for every force on a cluster. A board on a subject the file has
//! no force for is refused before it starts; a file is read on the top level, or on a
//! force's with `--force SUBJECT`.

use std::path::PathBuf;

use super::{forceboard, refusal, stdout};

/// `text` written as a config file of this test run, and its path.
fn config_file(name: &str, text: &str) -> String {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("forceboard-cli-forces-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write config");
    path.to_string_lossy().into_owned()
}

const NATIONAL: &str = r#"
force_name = "National defaults"

[[forces]]
subject = "events.wmp"
force_name = "West Midlands Police"

[[forces]]
subject = "events.wyp"
force_name = "West Yorkshire Police"
[[forces.areas]]
code = "LD"
name = "Leeds"
"#;

#[test]
fn a_board_on_a_subject_with_no_force_is_refused_before_it_starts() {
    let config = config_file("national.toml", NATIONAL);
    // Port 9 (discard): nothing is dialled, the config refuses first.
    let feed = "nats://127.0.0.1:9/events.xyz";
    for args in [
        vec!["--config", &config, "watch", "--feed", feed],
        vec![
            "--config",
            &config,
            "ssh",
            "--listen",
            "127.0.0.1:0",
            "--feed",
            feed,
        ],
    ] {
        let message = refusal(&args);
        assert!(
            message.starts_with(
                "forceboard: the config lists no force on the subject \"events.xyz\" (its \
                 [[forces]] are on events.wmp, events.wyp): add a [[forces]] table with \
                 subject = \"events.xyz\""
            ),
            "{args:?}: {message}"
        );
    }
}

#[test]
fn a_subject_given_twice_names_both_lines_and_exits_2() {
    let text = format!("{NATIONAL}\n[[forces]]\nsubject = \"events.wyp\"\nforce_name = \"X\"\n");
    let config = config_file("twice.toml", &text);
    let message = refusal(&[
        "--config",
        &config,
        "report",
        "fixtures/spec-example.ndjson",
    ]);
    assert!(
        message.ends_with(
            ": line 16: `forces[2].subject` \"events.wyp\" is given twice (first on line 9)\n"
        ),
        "{message}"
    );
}

#[test]
fn a_file_is_reported_on_the_top_level() {
    let config = config_file("report.toml", NATIONAL);
    let output = forceboard(&[
        "--config",
        &config,
        "report",
        "fixtures/spec-example.ndjson",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let table = stdout(&output);
    assert!(table.contains("National defaults"), "{table}");
}

#[test]
fn force_reads_a_file_as_that_forces_and_is_refused_without_one() {
    let config = config_file("force-flag.toml", NATIONAL);
    let file = "fixtures/spec-example.ndjson";
    let output = forceboard(&["--config", &config, "report", file, "--force", "events.wyp"]);
    assert_eq!(output.status.code(), Some(0));
    let table = stdout(&output);
    assert!(table.contains("West Yorkshire Police"), "{table}");
    assert!(!table.contains("National defaults"), "{table}");

    // gen writes the force's areas.
    let output = forceboard(&["--config", &config, "gen", "--force", "events.wyp"]);
    assert_eq!(output.status.code(), Some(0));
    let feed = stdout(&output);
    assert!(feed.contains(r#""lpa":"LD""#), "West Yorkshire's area");
    assert!(!feed.contains(r#""lpa":"BIR""#), "no West Midlands area");

    let message = refusal(&["--config", &config, "check", file, "--force", "events.xyz"]);
    assert!(
        message.starts_with("forceboard: the config lists no force on the subject \"events.xyz\""),
        "{message}"
    );
    let message = refusal(&["report", file, "--force", "events.wyp"]);
    assert_eq!(
        message,
        "forceboard: --force events.wyp needs a config with [[forces]] (give one with --config)\n"
    );
}
