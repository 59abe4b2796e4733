//! The real binary: `report`, `check`, `gen`, config and flag errors, exit codes.

use std::fmt::Write as _;
use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod forces;
mod generate;
mod handover;

/// Runs the binary with its output piped and no `COLUMNS`, so `report` prints its wide
/// table whatever the shell running the tests exports.
fn forceboard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(args)
        .env_remove("COLUMNS")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("binary runs")
}

/// The same with `COLUMNS` set.
fn forceboard_in_columns(columns: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(args)
        .env("COLUMNS", columns)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("binary runs")
}

/// The widest line, in display columns (`✔`, `→`, `—` are one column each).
fn widest_line(text: &str) -> usize {
    text.lines()
        .map(|line| ratatui::text::Line::raw(line).width())
        .max()
        .unwrap_or(0)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn report_json_prints_the_spec_example() {
    let output = forceboard(&["report", "fixtures/spec-example.ndjson", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
    assert_eq!(report["at"], "2024-07-01T12:00:00Z");
    assert_eq!(report["window"], "1h");
    assert_eq!(report["calls"]["999"]["mean_answer_s"], 8.0);
    assert_eq!(report["calls"]["999"]["status"], "red");
    assert_eq!(report["incidents"]["emergency"]["oldest_open_s"], 1800.0);
    assert_eq!(report["feed"]["rejected"], 1);
}

#[test]
fn report_reads_standard_input_and_honours_at_and_window() {
    let feed = std::fs::read(format!(
        "{}/fixtures/window-edges.ndjson",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let mut child = Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args([
            "report",
            "-",
            "--at",
            "2024-07-01T13:00:00+01:00",
            "--window",
            "15m",
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&feed)
        .expect("write feed");
    let output = child.wait_with_output().expect("exits");
    assert!(output.status.success());
    let report: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(report["at"], "2024-07-01T12:00:00Z");
    assert_eq!(report["window"], "15m");
    assert_eq!(report["calls"]["999"]["mean_answer_s"], 300.25);
    assert_eq!(report["feed"]["after_at"], 2);
}

#[test]
fn report_table_names_the_force_the_zone_and_every_status_in_words() {
    let output = forceboard(&["report", "fixtures/spec-example.ndjson"]);
    assert!(output.status.success());
    let table = stdout(&output);
    assert!(
        table.starts_with("West Midlands Police — figures at 2024-07-01 13:00:00 BST"),
        "{table}"
    );
    // 999: 33.3 % within 10 s against the 90 % goal (and the 8 s mean over 5 s); the
    // emergency I2 open past its target.
    assert!(table.contains("✖ 33.3% IN 10s (target 5s)"), "{table}");
    assert!(table.contains("✖ 1 BREACHED (target 15m)"), "{table}");
    assert!(table.contains("33.3% (goal 90% ≤10s)"), "{table}");
    assert!(table.contains("Birmingham (BIR)"), "{table}");
    assert!(
        table.contains("FEED  18 lines: 15 accepted, 1 rejected, 2 duplicates"),
        "{table}"
    );
}

#[test]
fn report_at_80_columns_fits_them_and_still_shows_every_figure() {
    let output = forceboard_in_columns("80", &["report", "fixtures/spec-example.ndjson"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    assert!(widest_line(&table) <= 80, "{table}");
    // The worked example's figures (fixtures/README.md), each with its label.
    for figure in [
        "West Midlands Police",
        "figures at 2024-07-01 13:00:00 BST (2024-07-01T12:00:00Z)",
        "window 1h: 01 Jul 12:00:00 BST → 01 Jul 13:00:00 BST",
        "CALLS 999  ✖ 33.3% IN 10s (target 5s)",
        "offered 4 · answered 2 · abandoned 2",
        "mean 8.0s · p50 4.0s · p90 12.0s · max 12.0s",
        "service level 33.3% (goal 90% ≤10s) · abandon rate 50.0%",
        "waiting 1 · expired 1 · longest wait 1m 00s",
        "CALLS 101  · NO DATA",
        "INCIDENTS emergency  ✖ 1 BREACHED (target 15m)",
        "created 1 · attended 1",
        "mean 10m 00s · p50 10m 00s · p90 10m 00s · max 10m 00s",
        "within target 100.0% (goal 90% ≤15m)",
        "open 1 · breached 1 · oldest open 30m 00s",
        "INCIDENTS priority  · NO DATA (target 1h)",
        "INCIDENTS scheduled  counted only",
        "FEED  18 lines: 15 accepted, 1 rejected, 2 duplicates, 0 after the report time",
    ] {
        assert!(table.contains(figure), "{figure:?} in\n{table}");
    }
    // BIR: 999 mean 4 s, SL 100 %, nothing waiting, no 101 calls; then no incidents.
    let bir: Vec<Vec<&str>> = table
        .lines()
        .filter(|line| line.starts_with("Birmingham (BIR)"))
        .map(|line| {
            line["Birmingham (BIR)".len()..]
                .split_whitespace()
                .collect()
        })
        .collect();
    assert_eq!(
        bir,
        [
            vec!["4.0s", "100.0%", "0", "-", "-"],
            vec!["-", "-", "-", "0"]
        ],
        "{table}"
    );
}

#[test]
fn report_fits_any_width_and_pipes_keep_the_wide_table() {
    for columns in ["60", "99", "100", "120"] {
        let output = forceboard_in_columns(columns, &["report", "fixtures/demo-day.ndjson"]);
        let table = stdout(&output);
        let width: usize = columns.parse().expect("a number");
        assert!(widest_line(&table) <= width, "{columns}:\n{table}");
        assert!(
            table.contains("\nCALLS 999  "),
            "stacked at {columns}:\n{table}"
        );
    }
    // A pipe with no COLUMNS: the wide table, one line a figure group, as scripts read it.
    let wide = stdout(&forceboard(&["report", "fixtures/demo-day.ndjson"]));
    assert!(widest_line(&wide) > 160, "{wide}");
    assert!(wide.contains("\nCALLS      offered  answered"), "{wide}");
    // As does a COLUMNS that is not a number, or wide enough for it.
    let wide_enough = forceboard_in_columns("250", &["report", "fixtures/demo-day.ndjson"]);
    assert_eq!(stdout(&wide_enough), wide);
    let nonsense = forceboard_in_columns("wide", &["report", "fixtures/demo-day.ndjson"]);
    assert_eq!(stdout(&nonsense), wide);
}

#[test]
fn report_names_101_with_data_but_no_target_as_the_board_does() {
    // window-edges: 101 answered 1 (mean 180 s), and 101 has no mean target.
    let args = [
        "report",
        "fixtures/window-edges.ndjson",
        "--at",
        "2024-07-01T12:00:00Z",
        "--window",
        "15m",
    ];
    let wide = stdout(&forceboard(&args));
    let row = wide
        .lines()
        .find(|line| line.starts_with("101 "))
        .expect("a 101 row");
    // No mean target, but 50 % within 3 min is below the 80 % goal (fixtures/README.md).
    assert!(row.ends_with("  ✖ 50.0% IN 3m"), "{row}");
    assert!(row.contains(" 3m 00s "), "{row}");
    let stacked = stdout(&forceboard_in_columns("80", &args));
    assert!(stacked.contains("CALLS 101  ✖ 50.0% IN 3m\n"), "{stacked}");
    assert!(!wide.contains("(no target)") && !stacked.contains("(no target)"));
}

#[test]
fn check_lists_every_rejected_line_and_exits_1() {
    let output = forceboard(&["check", "fixtures/bad-lines.ndjson"]);
    assert_eq!(output.status.code(), Some(1));
    let expected = "\
line 3: not valid JSON
line 4: not a JSON object
line 5: missing \"kind\"
line 6: unknown \"kind\"
line 7: missing \"at\"
line 8: no offset in \"at\"
line 9: bad time in \"at\"
line 10: missing \"id\"
line 11: \"id\" is not a string
line 12: unknown \"line\" (expected \"999\" or \"101\")
line 13: unknown \"grade\" (expected \"emergency\", \"priority\" or \"scheduled\")
line 14: call_answered for an unknown id (unmatched)
line 15: call_abandoned earlier than its opening time (negative duration)
line 19: line longer than 64 KiB
line 20: incident_cancelled for an unknown id (unmatched)
line 22: not UTF-8
fixtures/bad-lines.ndjson: 21 lines: 3 accepted, 16 rejected, 2 duplicates
";
    assert_eq!(stdout(&output), expected);
    // The caller's details in line 1 are never repeated.
    assert!(!stdout(&output).contains("07700900123"));
    assert!(!stdout(&output).contains("Jane"));
}

#[test]
fn check_of_a_clean_feed_exits_0() {
    let output = forceboard(&["check", "fixtures/clock-change.ndjson"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "fixtures/clock-change.ndjson: 9 lines: 9 accepted, 0 rejected, 0 duplicates\n"
    );
}

#[test]
fn gen_is_deterministic_and_reports_cleanly() {
    let first = forceboard(&[
        "gen",
        "--seed",
        "11",
        "--start",
        "2024-10-26T12:00:00+01:00",
    ]);
    let second = forceboard(&[
        "gen",
        "--seed",
        "11",
        "--start",
        "2024-10-26T12:00:00+01:00",
    ]);
    assert!(first.status.success());
    assert_eq!(first.stdout, second.stdout);
    let other = forceboard(&[
        "gen",
        "--seed",
        "12",
        "--start",
        "2024-10-26T12:00:00+01:00",
    ]);
    assert_ne!(first.stdout, other.stdout);
    let first_line = stdout(&first)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        first_line.contains("\"at\":\"2024-10-26T11:00:00.000Z\""),
        "{first_line}"
    );
}

#[test]
fn the_demo_day_fixture_is_gen_seed_2024() {
    let output = forceboard(&["gen", "--seed", "2024"]);
    let fixture = std::fs::read(format!(
        "{}/fixtures/demo-day.ndjson",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    assert!(
        output.stdout == fixture,
        "regenerate with: forceboard gen --seed 2024 > fixtures/demo-day.ndjson"
    );
}

#[test]
fn a_bad_flag_is_one_sentence_and_exit_2() {
    for args in [
        vec!["report", "fixtures/spec-example.ndjson", "--windw", "1h"],
        vec![
            "report",
            "fixtures/spec-example.ndjson",
            "--window",
            "1 fortnight",
        ],
        vec![
            "report",
            "fixtures/spec-example.ndjson",
            "--at",
            "2024-07-01T12:00:00",
        ],
        vec!["report", "fixtures/spec-example.ndjson", "--at", "noon"],
        vec!["gen", "--days", "0"],
        vec!["frobnicate"],
    ] {
        let output = forceboard(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = stderr(&output);
        assert_eq!(message.lines().count(), 1, "{args:?}: {message}");
        assert!(message.starts_with("forceboard: "), "{message}");
        assert!(stdout(&output).is_empty());
    }
}

#[test]
fn a_null_date_offer_is_rejected_and_leaves_the_mean_alone() {
    let dir = std::env::temp_dir().join(format!("forceboard-cli-null-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("null-date.ndjson");
    std::fs::write(
        &path,
        r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999"}
{"kind":"call_answered","at":"2024-07-01T11:00:45Z","id":"A"}
{"kind":"call_answered","at":"2024-07-01T11:00:50Z","id":"X","offered_at":"1900-01-01T00:00:00Z","line":"999"}
"#,
    )
    .expect("write feed");
    let output = forceboard(&["report", path.to_str().expect("UTF-8 path"), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    // Only A: answered 45 s after its offer. X's 1900 offer would have been 124 years.
    assert_eq!(report["calls"]["999"]["answered"], 1);
    assert_eq!(report["calls"]["999"]["mean_answer_s"], 45.0);
    assert_eq!(report["calls"]["999"]["max_answer_s"], 45.0);
    assert_eq!(report["feed"]["rejected"], 1);
    assert_eq!(report["feed"]["accepted"], 2);
    let check = forceboard(&["check", path.to_str().expect("UTF-8 path")]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stdout(&check).starts_with("line 3: bad time in \"offered_at\"\n"),
        "{}",
        stdout(&check)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_byte_order_mark_at_the_start_of_a_file_or_stdin_is_skipped() {
    let dir = std::env::temp_dir().join(format!("forceboard-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("excel.ndjson");
    // A mark starts the file (skipped) and line 3 (data there: not JSON).
    let feed = "\u{feff}{\"kind\":\"call_offered\",\"at\":\"2024-07-01T11:00:00Z\",\"id\":\"A\",\"line\":\"999\"}\n\
                {\"kind\":\"call_answered\",\"at\":\"2024-07-01T11:00:04Z\",\"id\":\"A\"}\n\
                \u{feff}{\"kind\":\"heartbeat\",\"at\":\"2024-07-01T11:00:05Z\"}\n";
    std::fs::write(&path, feed).expect("write feed");
    let path_text = path.to_string_lossy().into_owned();
    let output = forceboard(&["check", &path_text]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "line 3: not valid JSON\n{path_text}: 3 lines: 2 accepted, 1 rejected, 0 duplicates\n"
        )
    );
    let output = forceboard(&["report", &path_text, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    // Offered 11:00:00, answered 11:00:04: one answer of 4 s.
    assert_eq!(report["calls"]["999"]["answered"], 1);
    assert_eq!(report["calls"]["999"]["mean_answer_s"], 4.0);

    let mut child = Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(feed.as_bytes()).expect("feed stdin");
    drop(stdin);
    let output = child.wait_with_output().expect("exits");
    assert_eq!(
        stdout(&output),
        "line 3: not valid JSON\n-: 3 lines: 2 accepted, 1 rejected, 0 duplicates\n"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn check_names_implausible_times_and_durations() {
    let output = forceboard(&["check", "fixtures/implausible.ndjson"]);
    assert_eq!(output.status.code(), Some(1));
    let expected = "\
line 3: bad time in \"offered_at\"
line 4: call_answered longer than the plausible maximum (implausible duration)
line 7: incident_arrived longer than the plausible maximum (implausible duration)
fixtures/implausible.ndjson: 8 lines: 5 accepted, 3 rejected, 0 duplicates
";
    assert_eq!(stdout(&output), expected);
}

#[test]
fn a_bad_config_names_the_key_and_exits_2() {
    let dir = std::env::temp_dir().join(format!("forceboard-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bad.toml");
    std::fs::write(&path, "[calls.999]\nsl_goal_pct = 150\n").expect("write config");
    let path_text = path.to_string_lossy().into_owned();
    let output = forceboard(&[
        "--config",
        &path_text,
        "report",
        "fixtures/spec-example.ndjson",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("line 2: `calls.999.sl_goal_pct` must be a percentage"),
        "{message}"
    );

    std::fs::write(&path, "[calls.999]\nmean_target = \"8s\"\n").expect("write config");
    let output = forceboard(&[
        "--config",
        &path_text,
        "report",
        "fixtures/spec-example.ndjson",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    // Mean 8 s against an 8 s target: within it, past 0.8 × 8 s: amber (approaching).
    assert_eq!(report["calls"]["999"]["target_s"], 8.0);
    assert_eq!(report["calls"]["999"]["verdicts"]["mean"], "amber");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_config_file_that_is_missing_unreadable_or_has_too_many_areas_exits_2() {
    // Like a mistyped flag: the board was started wrongly, so exit 2, not 1.
    let message = refusal(&["--config", "no/such/site.toml", "check", "-"]);
    assert!(
        message.starts_with("forceboard: cannot read config file no/such/site.toml: "),
        "{message}"
    );
    let message = refusal(&["--config", "fixtures", "check", "-"]);
    assert!(
        message.starts_with("forceboard: cannot read config file fixtures: "),
        "{message}"
    );

    let dir = std::env::temp_dir().join(format!("forceboard-areas-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("areas.toml");
    let areas = (1..=1025).fold(String::new(), |mut areas, n| {
        writeln!(areas, "[[areas]]\ncode = \"A{n}\"").unwrap();
        areas
    });
    std::fs::write(&path, areas).expect("write config");
    let path_text = path.to_string_lossy().into_owned();
    let message = refusal(&["--config", &path_text, "check", "-"]);
    assert_eq!(
        message,
        format!(
            "forceboard: config file {path_text}: line 1: `areas` lists 1025 areas, \
             but at most 1024 can be configured\n"
        )
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_file_is_one_sentence_and_exit_1() {
    let output = forceboard(&["report", "no/such/feed.ndjson"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.starts_with("forceboard: cannot open feed file no/such/feed.ndjson"),
        "{message}"
    );
}

/// stderr of a refused command line, checked to be one sentence, exit 2 and no output.
fn refusal(args: &[&str]) -> String {
    let output = forceboard(args);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{args:?}: {}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty(), "{args:?}");
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{args:?}: {message}");
    message
}

#[test]
fn each_command_lists_only_its_own_flags_with_examples_and_exit_codes() {
    for (command, dashboard) in [
        ("watch", true),
        ("replay", true),
        ("report", false),
        ("check", false),
        ("gen", false),
        ("serve", false),
    ] {
        let output = forceboard(&[command, "--help"]);
        assert_eq!(output.status.code(), Some(0), "{command}");
        let help = stdout(&output);
        for flag in ["--layout", "--mono", "--rotate"] {
            assert_eq!(
                help.contains(flag),
                dashboard,
                "{command} --help and {flag}"
            );
        }
        assert_eq!(help.contains("--record"), command == "watch", "{command}");
        assert!(help.contains("--config"), "{command}");
        assert!(
            help.contains(&format!("Examples:\n  forceboard {command} ")),
            "{command}"
        );
        assert!(help.contains("Exit codes: 0 "), "{command}");
    }
    let report_help = stdout(&forceboard(&["report", "--help"]));
    assert!(!report_help.contains("--log"), "{report_help}");
    let serve_help = stdout(&forceboard(&["serve", "--help"]));
    assert!(serve_help.contains("--log <FILE>"), "{serve_help}");
}

#[test]
fn a_bad_speed_is_the_same_sentence_on_replay_and_serve() {
    let feed = "fixtures/spec-example.ndjson";
    // A negative speed is a value, not a flag clap does not know.
    for speed in ["0", "0.09", "fast", "10001", "NaN", "inf", "-1"] {
        let replay = refusal(&["replay", feed, "--speed", speed]);
        let serve = refusal(&["serve", feed, "--listen", "127.0.0.1:0", "--speed", speed]);
        let sentence = "forceboard: --speed must be a number from 0.1 to 10000";
        assert_eq!(
            replay,
            format!("{sentence} (see forceboard replay --help)\n")
        );
        assert_eq!(serve, format!("{sentence} (see forceboard serve --help)\n"));
    }
    // The bounds themselves are accepted: replay then goes on to want a terminal.
    for speed in ["0.1", "10000"] {
        let output = forceboard(&["replay", feed, "--speed", speed]);
        assert_eq!(output.status.code(), Some(1), "{speed}");
        assert!(stderr(&output).contains("needs a terminal"), "{speed}");
    }
}

#[test]
fn replay_times_are_checked_as_flags() {
    let feed = "fixtures/spec-example.ndjson";
    assert_eq!(
        refusal(&["replay", feed, "--from", "2024-07-01T12:00:00"]),
        "forceboard: --from needs an offset (e.g. 2024-07-01T12:00:00Z or \
         2024-07-01T13:00:00+01:00) (see forceboard replay --help)\n"
    );
    assert_eq!(
        refusal(&["replay", feed, "--until", "noon"]),
        "forceboard: --until must be an RFC 3339 time such as 2024-07-01T12:00:00Z \
         (see forceboard replay --help)\n"
    );
}

#[test]
fn gen_start_is_checked_once_as_a_flag() {
    assert_eq!(
        refusal(&["gen", "--start", "2024-07-01T00:00:00"]),
        "forceboard: --start needs an offset (e.g. 2024-07-01T12:00:00Z or \
         2024-07-01T13:00:00+01:00) (see forceboard gen --help)\n"
    );
    // A real RFC 3339 time, but past 2262: beyond nanoseconds since 1970 in an i64.
    assert_eq!(
        refusal(&["gen", "--start", "9999-01-01T00:00:00Z"]),
        "forceboard: --start must be an RFC 3339 time such as 2024-07-01T12:00:00Z \
         (see forceboard gen --help)\n"
    );
}

#[test]
fn gen_refuses_a_feed_outside_the_years_2000_to_2199() {
    assert_eq!(
        refusal(&["gen", "--start", "1999-12-31T23:00:00Z"]),
        "forceboard: --start must be within the years 2000 to 2199 \
         (see forceboard gen --help)\n"
    );
    // The start is plausible, but the second day would be in 2200.
    assert_eq!(
        refusal(&["gen", "--start", "2199-12-31T00:00:00Z", "--days", "2"]),
        "forceboard: --start with --days 2 runs past the year 2199; \
         a feed's times must be within the years 2000 to 2199\n"
    );
    let last_day = forceboard(&["gen", "--start", "2199-12-31T00:00:00Z"]);
    assert_eq!(last_day.status.code(), Some(0));
}

/// `gen`'s output piped into `check -`: its stdout and check's exit code.
fn gen_then_check(gen_args: &[&str]) -> (String, Option<i32>) {
    let generated = forceboard(gen_args);
    assert_eq!(generated.status.code(), Some(0), "{}", stderr(&generated));
    let mut child = Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(&generated.stdout).expect("feed stdin");
    drop(stdin);
    let output = child.wait_with_output().expect("exits");
    (stdout(&output), output.status.code())
}

#[test]
fn gen_never_writes_a_line_that_check_refuses_at_either_end_of_the_plausible_years() {
    // The issue's case: 2262 is a valid RFC 3339 year but no feed time.
    assert_eq!(
        refusal(&["gen", "--start", "2262-01-01T00:00:00Z"]),
        "forceboard: --start must be within the years 2000 to 2199 \
         (see forceboard gen --help)\n"
    );
    assert_eq!(
        refusal(&[
            "gen",
            "--start",
            "2199-06-01T00:00:00+01:00",
            "--days",
            "366"
        ]),
        "forceboard: --start with --days 366 runs past the year 2199; \
         a feed's times must be within the years 2000 to 2199\n"
    );
    // The first and the last days that may be generated are read back without a refusal.
    for start in ["2000-01-01T00:00:00Z", "2199-12-31T00:00:00Z"] {
        let (summary, code) = gen_then_check(&["gen", "--start", start]);
        assert_eq!(code, Some(0), "{start}: {summary}");
        assert!(summary.contains(" 0 rejected, "), "{start}: {summary}");
    }
}

#[test]
fn rotate_is_checked_even_without_a_terminal() {
    // Before, `--rotate` was only looked at once the dashboard started.
    assert_eq!(
        refusal(&["--rotate", "999ms"]),
        "forceboard: --rotate must be a duration of at least 1s, such as 20s \
         (see forceboard --help)\n"
    );
    assert!(refusal(&["watch", "--feed", "-", "--rotate", "0s"]).contains("--rotate must be"));
}

#[test]
fn watch_feed_and_follow_are_checked_as_flags() {
    assert_eq!(
        refusal(&["watch", "--feed", "tcp://cad-gw:7000", "--follow"]),
        "forceboard: --follow applies only to a feed read from a file path \
         (see forceboard watch --help)\n"
    );
    assert!(refusal(&["watch", "--feed", ""]).contains("the feed source is empty"));
    assert!(refusal(&["watch", "--feed", "ftp://x"]).contains("\"ftp\" is not supported"));
}

#[test]
fn a_feed_that_can_never_work_is_refused_at_start_up() {
    // A token with a control character cannot be sent as a header: one sentence, exit 2,
    // before any terminal is needed — and the token itself is never echoed.
    let output = Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(["watch", "--feed", "https://cad.example/feed"])
        .env("FORCEBOARD_TOKEN", "s3cret\u{1b}[2J")
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "forceboard: FORCEBOARD_TOKEN cannot be sent as an HTTP header: it may hold printable \
         ASCII only (no control characters or line breaks)\n"
    );
    // URLs that could never be fetched: no host, a port out of range, an unknown scheme.
    for feed in ["http://", "https://:8443/", "http://cad:99999/"] {
        assert!(
            refusal(&["watch", "--feed", feed])
                .contains("the feed URL is not a valid http:// or https:// URL"),
            "{feed}"
        );
    }
    assert!(refusal(&["watch", "--feed", "gopher://cad/"]).contains("\"gopher\" is not supported"));
}

#[test]
fn dashboard_flags_are_refused_where_they_do_nothing() {
    let feed = "fixtures/spec-example.ndjson";
    assert_eq!(
        refusal(&["report", feed, "--layout", "wall"]),
        "forceboard: unexpected argument '--layout' found (see forceboard report --help)\n"
    );
    assert_eq!(
        refusal(&["--mono", "check", feed]),
        "forceboard: --mono applies only to the dashboard (forceboard, watch and replay) \
         (see forceboard check --help)\n"
    );
    assert_eq!(
        refusal(&["--log", "board.log", "gen"]),
        "forceboard: --log applies only to forceboard, watch, replay, serve, ssh and publish \
         (see forceboard gen --help)\n"
    );
    assert!(refusal(&["report", ""]).contains("FILE must be a file path, or - for standard input"));
    // Given before `watch` they still apply to it: it gets as far as wanting a terminal.
    let output = forceboard(&["--layout", "wall", "watch", "--feed", "-", "--mono"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("needs a terminal"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn without_a_terminal_the_bare_command_prints_the_demo_days_table() {
    let output = forceboard(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("DEMO DATA (synthetic)\n\nWest Midlands Police — figures at "),
        "{text}"
    );
    assert!(text.contains(", window 24h ("), "{text}");
    assert!(text.ends_with(" after the report time\n"), "{text}");
}

/// A feed whose area code would retitle and clear the terminal, and whose second call has
/// a C1 CSI (U+009B) in its id and its area code; both lines are valid and accepted.
const HOSTILE_FEED: &str = concat!(
    r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999","lpa":"\u001b]0;PWNED\u0007\u001b[2J"}"#,
    "\n",
    r#"{"kind":"call_offered","at":"2024-07-01T11:01:00Z","id":"B\u009b31m","line":"101","lpa":"N\u009b2J"}"#,
    "\n",
);

/// No byte that starts or ends a terminal escape: ESC, BEL, nor the C1 CSI (UTF-8 C2 9B).
fn assert_no_terminal_escapes(text: &str) {
    assert!(!text.contains('\u{1b}'), "ESC in {text:?}");
    assert!(!text.contains('\u{7}'), "BEL in {text:?}");
    assert!(!text.contains('\u{9b}'), "CSI in {text:?}");
}

#[test]
fn report_and_check_show_the_feeds_control_characters_escaped() {
    let dir = std::env::temp_dir().join(format!("forceboard-escapes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // The file's own name carries an escape too: check and report quote it.
    let path = dir.join("day\u{1b}[31m.ndjson");
    std::fs::write(&path, HOSTILE_FEED).expect("write feed");
    let path_text = path.to_string_lossy().into_owned();
    let shown_path = path_text.replace('\u{1b}', r"\u{1b}");

    let output = forceboard(&["report", &path_text, "--window", "1h"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    assert_no_terminal_escapes(&table);
    assert!(table.contains(r"\u{1b}]0;PWNED\u{7}\u{1b}[2J"), "{table}");
    assert!(table.contains(r"N\u{9b}2J"), "{table}");
    assert!(table.contains("FEED  2 lines: 2 accepted"), "{table}");

    let output = forceboard(&["check", &path_text]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let checked = stdout(&output);
    assert_no_terminal_escapes(&checked);
    assert_eq!(
        checked,
        format!("{shown_path}: 2 lines: 2 accepted, 0 rejected, 0 duplicates\n")
    );

    // JSON is unchanged: serde escapes C0 itself, and the code comes back exactly.
    let output = forceboard(&["report", &path_text, "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json = stdout(&output);
    assert!(
        !json.contains('\u{1b}') && !json.contains('\u{7}'),
        "{json}"
    );
    assert!(json.contains(r"\u001b]0;PWNED\u0007\u001b[2J"), "{json}");
    let report: Value = serde_json::from_str(&json).expect("JSON");
    let lpas = report["lpas"].as_object().expect("lpas");
    assert!(
        lpas.contains_key("\u{1b}]0;PWNED\u{7}\u{1b}[2J"),
        "{lpas:?}"
    );
    assert!(lpas.contains_key("N\u{9b}2J"), "{lpas:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn paths_and_flag_values_in_errors_are_quoted_escaped() {
    let missing_config = "no/such/conf\u{1b}]0;PWNED\u{7}.toml";
    let message = refusal(&["--config", missing_config, "check", "-"]);
    assert_no_terminal_escapes(&message);
    assert!(
        message.starts_with(
            r"forceboard: cannot read config file no/such/conf\u{1b}]0;PWNED\u{7}.toml: "
        ),
        "{message}"
    );

    let message = refusal(&["watch", "--feed", "x\u{1b}[2J://cad"]);
    assert_no_terminal_escapes(&message);
    assert!(
        message.contains(r#"the feed scheme "x\u{1b}[2J" is not supported"#),
        "{message}"
    );

    // clap quotes a refused value as given; it reaches the terminal escaped all the same.
    let message = refusal(&["--layout", "wall\u{9b}2J"]);
    assert_no_terminal_escapes(&message);
    assert!(message.contains(r"wall\u{9b}2J"), "{message}");

    let output = forceboard(&["report", "no/such/\u{202e}day.ndjson"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(!message.contains('\u{202e}'), "{message}");
    assert!(
        message.starts_with(r"forceboard: cannot open feed file no/such/\u{202e}day.ndjson"),
        "{message}"
    );
}

#[test]
fn a_time_far_in_the_future_is_refused_with_the_range() {
    // 9999 is a well-formed year, beyond the nanoseconds an i64 holds: outside the range,
    // not malformed.
    assert_eq!(
        refusal(&[
            "report",
            "fixtures/spec-example.ndjson",
            "--at",
            "9999-12-31T23:59:59Z"
        ]),
        "forceboard: --at must be within the years 2000 to 2199 (see forceboard report --help)\n"
    );
}

#[test]
fn replay_refuses_from_after_the_last_event_and_until_before_from_as_serve_does() {
    let feed = "fixtures/spec-example.ndjson";
    // The worked example's last event is the 12:00:00Z heartbeat.
    for command in ["replay", "serve"] {
        let mut args = vec![command, feed, "--from", "2024-07-01T12:00:01Z"];
        if command == "serve" {
            args.extend(["--listen", "127.0.0.1:0"]);
        }
        let output = forceboard(&args);
        assert_eq!(output.status.code(), Some(2), "{command}");
        assert_eq!(
            stderr(&output),
            format!(
                "forceboard: --from is after the last event of {feed} (2024-07-01T12:00:00Z)\n"
            ),
            "{command}"
        );
    }
    let output = forceboard(&[
        "replay",
        feed,
        "--from",
        "2024-07-01T11:30:00Z",
        "--until",
        "2024-07-01T11:00:00Z",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "forceboard: --until (2024-07-01T11:00:00Z) is before --from (2024-07-01T11:30:00Z)\n"
    );
}
