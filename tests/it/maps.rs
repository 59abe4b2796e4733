//! Input maps end to end: `report --json --map` on each adapter's sample equals the figures
//! worked out by hand in docs/integration.md and the independent mapping in
//! `scripts/map_records.py`; at-least-once delivery changes no figure; `check` and `map check`
//! count and explain refused records; a broken map is one sentence and exit 2.

use std::process::{Command, Output};

use serde_json::Value;

use crate::independent::{assert_same, run};

const CTR_SAMPLE: &str = "fixtures/maps/amazon-connect-ctr.ndjson";

fn forceboard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("forceboard runs")
}

fn report(map: &str, sample: &str, extra: &[&str]) -> Value {
    let mut args = vec!["report", "--json", "--map", map, sample];
    args.extend(extra);
    run(env!("CARGO_BIN_EXE_forceboard"), &args)
}

/// `report --json --map M SAMPLE` against `scripts/map_records.py`, every area included.
fn agrees_with_python(map: &str, sample: &str, extra: &[&str]) {
    let ours = report(map, sample, extra);
    let mut args = vec!["scripts/map_records.py", "--map", map, sample];
    args.extend(extra);
    let areas: Vec<String> = ours["lpas"]
        .as_object()
        .expect("lpas")
        .keys()
        .cloned()
        .collect();
    for code in &areas {
        args.extend(["--lpa", code.as_str()]);
    }
    let python = run("python3", &args);
    assert_same(&ours, &python, &format!("{map} on {sample} "));
}

fn figure(report: &Value, path: &str) -> Value {
    path.split('.')
        .fold(report, |value, key| &value[key])
        .clone()
}

/// `report` says each of `expected`: numbers to within 1e-9, anything else exactly.
fn has_figures(report: &Value, expected: &[(&str, Value)]) {
    for (path, value) in expected {
        let found = figure(report, path);
        match (found.as_f64(), value.as_f64()) {
            (Some(found), Some(value)) => {
                assert!((found - value).abs() < 1e-9, "{path}: {found}, not {value}");
            }
            _ => assert_eq!(&found, value, "{path}"),
        }
    }
}

#[test]
fn the_amazon_connect_ctr_sample_gives_the_figures_worked_out_by_hand() {
    let ours = report("amazon-connect-ctr", CTR_SAMPLE, &[]);
    // docs/integration.md, "Worked example: Amazon Connect contact records".
    let expected: &[(&str, Value)] = &[
        ("at", "2024-07-01T12:53:00Z".into()),
        ("calls.999.offered", 4.into()),
        ("calls.999.answered", 3.into()),
        ("calls.999.abandoned", 1.into()),
        ("calls.999.mean_answer_s", (19.0 / 3.0).into()),
        ("calls.999.p50_answer_s", 4.0.into()),
        ("calls.999.p90_answer_s", 12.0.into()),
        ("calls.999.max_answer_s", 12.0.into()),
        ("calls.999.service_level_pct", 50.0.into()),
        ("calls.999.abandon_rate_pct", 25.0.into()),
        ("calls.999.waiting", 0.into()),
        ("calls.101.offered", 3.into()),
        ("calls.101.answered", 2.into()),
        ("calls.101.abandoned", 1.into()),
        ("calls.101.mean_answer_s", 180.0.into()),
        ("calls.101.p50_answer_s", 120.0.into()),
        ("calls.101.p90_answer_s", 240.0.into()),
        ("calls.101.service_level_pct", 50.0.into()),
        ("calls.101.abandon_rate_pct", (100.0 / 3.0).into()),
        ("lpas.BIR.calls.999.offered", 2.into()),
        ("lpas.BIR.calls.999.answered", 1.into()),
        ("lpas.BIR.calls.999.abandoned", 1.into()),
        ("lpas.COV.calls.999.mean_answer_s", 12.0.into()),
        ("lpas.WAL.calls.999.mean_answer_s", 3.0.into()),
        ("lpas.SOL.calls.101.mean_answer_s", 240.0.into()),
        ("feed.lines", 25.into()),
        ("feed.accepted", 19.into()),
        ("feed.rejected", 1.into()),
        ("feed.duplicates", 5.into()),
        ("feed.after_at", 0.into()),
    ];
    has_figures(&ours, expected);
}

#[test]
fn the_amazon_connect_ctr_sample_agrees_with_the_independent_mapping() {
    agrees_with_python("amazon-connect-ctr", CTR_SAMPLE, &[]);
    agrees_with_python(
        "amazon-connect-ctr",
        CTR_SAMPLE,
        &["--at", "2024-07-01T12:30:00Z", "--window", "15m"],
    );
}

/// The sample with each contact's record exactly once (its redeliveries and updates left
/// out) gives the same figures as the sample as delivered.
#[test]
fn at_least_once_delivery_gives_the_figures_of_once() {
    let delivered = std::fs::read_to_string(CTR_SAMPLE).expect("sample");
    let lines: Vec<&str> = delivered.lines().collect();
    // Lines 4, 7 and 12 (1-based) are a redelivery, an older update and a newer update.
    let once: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(index, _)| ![3, 6, 11].contains(index))
        .map(|(_, line)| *line)
        .collect();
    // And every record delivered twice, the second copies after all the firsts.
    let twice: Vec<&str> = lines.iter().chain(lines.iter()).copied().collect();
    let dir = std::env::temp_dir();
    let write = |name: &str, lines: &[&str]| {
        let path = dir.join(format!("forceboard-maps-{}-{name}", std::process::id()));
        std::fs::write(&path, lines.join("\n") + "\n").expect("write");
        path.to_string_lossy().into_owned()
    };
    let once_path = write("once.ndjson", &once);
    let twice_path = write("twice.ndjson", &twice);
    let figures = |report: &Value| {
        let mut report = report.clone();
        report.as_object_mut().expect("object").remove("feed");
        report
    };
    let at_end = ["--at", "2024-07-01T12:53:00Z"];
    let reference = figures(&report("amazon-connect-ctr", &once_path, &at_end));
    for sample in [CTR_SAMPLE, twice_path.as_str()] {
        assert_eq!(
            figures(&report("amazon-connect-ctr", sample, &at_end)),
            reference,
            "{sample}"
        );
    }
    let twice_counts = report("amazon-connect-ctr", &twice_path, &at_end)["feed"].clone();
    // 14 redelivered records: 13 duplicates by contact id and version, and the refused one
    // refused again.
    assert_eq!(twice_counts["rejected"], 2);
    assert_eq!(twice_counts["accepted"], 19);
    std::fs::remove_file(once_path).ok();
    std::fs::remove_file(twice_path).ok();
}

#[test]
fn check_and_map_check_count_and_explain_refused_records() {
    let checked = forceboard(&["check", "--map", "amazon-connect-ctr", CTR_SAMPLE]);
    assert_eq!(checked.status.code(), Some(1));
    let text = String::from_utf8_lossy(&checked.stdout);
    assert!(
        text.contains("line 14: map: \"Queue.Name\" has a value not in table \"line\""),
        "{text}"
    );
    let mapped = forceboard(&["map", "check", "--map", "amazon-connect-ctr", CTR_SAMPLE]);
    assert_eq!(mapped.status.code(), Some(1));
    let text = String::from_utf8_lossy(&mapped.stdout);
    assert!(text.contains("line 4: duplicate"), "{text}");
    assert!(text.contains("line 9: no events"), "{text}");
    assert!(text.contains("not used: AWSAccountId"), "{text}");
    assert!(
        text.contains("14 records: 8 made 22 events, 3 made none, 2 duplicates, 1 refused"),
        "{text}"
    );
    // Field names only: the caller's number in CustomerEndpoint.Address never appears.
    assert!(!text.contains("+447700900"), "{text}");
    assert!(text.contains("CustomerEndpoint.Address"), "{text}");
}

#[test]
fn a_broken_or_missing_map_is_one_sentence_and_exit_2() {
    let dir = std::env::temp_dir();
    let path = dir.join(format!("forceboard-broken-map-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        "[[events]]\nkind = \"call_offered\"\nat = \"t\"\nid = \"i\"\n",
    )
    .expect("write");
    let path = path.to_string_lossy().into_owned();
    let broken = forceboard(&["report", "--map", &path, CTR_SAMPLE]);
    assert_eq!(broken.status.code(), Some(2));
    let said = String::from_utf8_lossy(&broken.stderr);
    assert_eq!(
        said.trim_end(),
        format!("forceboard: map {path}: line 1: call_offered needs \"line\"")
    );
    let missing = forceboard(&["check", "--map", "no-such-map", CTR_SAMPLE]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&missing.stderr).lines().count(), 1);
    let no_map = forceboard(&["map", "check", CTR_SAMPLE]);
    assert_eq!(no_map.status.code(), Some(2));
    std::fs::remove_file(path).ok();
}

#[test]
fn the_configurations_input_map_is_used_and_the_flag_overrides_it() {
    let dir = std::env::temp_dir();
    let config = dir.join(format!("forceboard-input-map-{}.toml", std::process::id()));
    std::fs::write(&config, "[input]\nmap = \"amazon-connect-ctr\"\n").expect("write");
    let config = config.to_string_lossy().into_owned();
    let ours = run(
        env!("CARGO_BIN_EXE_forceboard"),
        &["report", "--json", "--config", &config, CTR_SAMPLE],
    );
    assert_eq!(ours["calls"]["999"]["offered"], 4);
    // --map names another map: the contact events adapter finds no events in CTRs.
    let other = forceboard(&[
        "report",
        "--json",
        "--config",
        &config,
        "--map",
        "amazon-connect-events",
        CTR_SAMPLE,
    ]);
    assert_eq!(
        other.status.code(),
        Some(1),
        "no accepted events: nothing to report at"
    );
    std::fs::remove_file(config).ok();
}

#[test]
fn map_list_names_every_built_in_adapter() {
    let listed = forceboard(&["map", "list"]);
    assert!(listed.status.success());
    let text = String::from_utf8_lossy(&listed.stdout);
    for built_in in forceboard::feed::map::BUILT_IN {
        assert!(text.contains(built_in.name), "{text}");
    }
}

const EVENTS_MAP: &str = "fixtures/maps/amazon-connect-events.toml";
const EVENTS_SAMPLE: &str = "fixtures/maps/amazon-connect-events.ndjson";

#[test]
fn the_amazon_connect_events_sample_gives_the_figures_worked_out_by_hand() {
    let ours = report(EVENTS_MAP, EVENTS_SAMPLE, &[]);
    // docs/integration.md, "amazon-connect-events".
    let expected: &[(&str, Value)] = &[
        ("at", "2024-07-01T09:10:00Z".into()),
        ("calls.999.offered", 2.into()),
        ("calls.999.answered", 1.into()),
        ("calls.999.abandoned", 1.into()),
        ("calls.999.mean_answer_s", 6.0.into()),
        ("calls.999.service_level_pct", 50.0.into()),
        ("calls.999.abandon_rate_pct", 50.0.into()),
        ("calls.101.offered", 2.into()),
        ("calls.101.answered", 1.into()),
        ("calls.101.mean_answer_s", 90.0.into()),
        ("calls.101.service_level_pct", 100.0.into()),
        ("calls.101.waiting", 1.into()),
        ("calls.101.longest_wait_s", 0.0.into()),
        ("feed.lines", 10.into()),
        ("feed.accepted", 9.into()),
        ("feed.duplicates", 1.into()),
        ("feed.rejected", 0.into()),
    ];
    has_figures(&ours, expected);
    agrees_with_python(EVENTS_MAP, EVENTS_SAMPLE, &[]);
    agrees_with_python(EVENTS_MAP, EVENTS_SAMPLE, &["--at", "2024-07-01T09:05:00Z"]);
}

const GENESYS_MAP: &str = "fixtures/maps/genesys-cloud.toml";
const GENESYS_SAMPLE: &str = "fixtures/maps/genesys-cloud.ndjson";

#[test]
fn the_genesys_cloud_sample_gives_the_figures_worked_out_by_hand() {
    let ours = report(GENESYS_MAP, GENESYS_SAMPLE, &[]);
    // docs/integration.md, "genesys-cloud".
    let expected: &[(&str, Value)] = &[
        ("at", "2024-07-01T14:10:00Z".into()),
        ("calls.999.offered", 3.into()),
        ("calls.999.answered", 1.into()),
        ("calls.999.abandoned", 1.into()),
        ("calls.999.mean_answer_s", 7.5.into()),
        ("calls.999.service_level_pct", 100.0.into()),
        ("calls.999.abandon_rate_pct", 50.0.into()),
        ("calls.999.waiting", 1.into()),
        ("calls.999.longest_wait_s", 60.0.into()),
        ("calls.999.staffing.on_duty", 6.into()),
        ("calls.999.staffing.available", 1.into()),
        ("calls.101.offered", 2.into()),
        ("calls.101.answered", 1.into()),
        ("calls.101.abandoned", 1.into()),
        ("calls.101.mean_answer_s", 150.0.into()),
        ("calls.101.service_level_pct", 50.0.into()),
        ("calls.101.staffing.on_duty", 4.into()),
        ("calls.101.staffing.available", 0.into()),
        ("feed.lines", 13.into()),
        ("feed.accepted", 12.into()),
        ("feed.duplicates", 1.into()),
        ("feed.rejected", 0.into()),
    ];
    has_figures(&ours, expected);
    agrees_with_python(GENESYS_MAP, GENESYS_SAMPLE, &[]);
    agrees_with_python(
        GENESYS_MAP,
        GENESYS_SAMPLE,
        &["--at", "2024-07-01T14:05:00Z", "--window", "15m"],
    );
}

const EIDO_MAP: &str = "fixtures/maps/nena-eido.toml";
const EIDO_SAMPLE: &str = "fixtures/maps/nena-eido.ndjson";

#[test]
fn the_nena_eido_sample_gives_the_figures_worked_out_by_hand() {
    let ours = report(EIDO_MAP, EIDO_SAMPLE, &[]);
    // docs/integration.md, "nena-eido".
    let expected: &[(&str, Value)] = &[
        ("at", "2024-07-01T15:50:00Z".into()),
        ("incidents.emergency.created", 3.into()),
        ("incidents.emergency.attended", 1.into()),
        ("incidents.emergency.mean_attend_s", 570.0.into()),
        ("incidents.emergency.within_target_pct", 100.0.into()),
        ("incidents.emergency.open", 1.into()),
        ("incidents.emergency.open_breached", 0.into()),
        ("incidents.emergency.oldest_open_s", 0.0.into()),
        ("incidents.priority.created", 1.into()),
        ("incidents.priority.attended", 1.into()),
        ("incidents.priority.mean_attend_s", 1560.0.into()),
        ("incidents.priority.open", 0.into()),
        ("lpas.BIR.incidents.emergency.attended", 1.into()),
        ("lpas.COV.incidents.priority.mean_attend_s", 1560.0.into()),
        ("lpas.SOL.incidents.emergency.created", 1.into()),
        ("lpas.SOL.incidents.emergency.open", 0.into()),
        ("lpas.WAL.incidents.emergency.open", 1.into()),
        ("feed.lines", 9.into()),
        ("feed.accepted", 7.into()),
        ("feed.duplicates", 1.into()),
        ("feed.rejected", 1.into()),
    ];
    has_figures(&ours, expected);
    agrees_with_python(EIDO_MAP, EIDO_SAMPLE, &[]);
    agrees_with_python(
        EIDO_MAP,
        EIDO_SAMPLE,
        &["--at", "2024-07-01T15:30:00Z", "--window", "15m"],
    );
}

/// Snapshots sent again, and an older snapshot after a newer one, change no figure.
#[test]
fn repeated_and_older_eido_snapshots_give_the_figures_of_each_snapshot_once() {
    let delivered = std::fs::read_to_string(EIDO_SAMPLE).expect("sample");
    let lines: Vec<&str> = delivered.lines().collect();
    // Line 5 repeats line 2 after line 4; line 9 repeats line 8.
    let once: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(index, _)| ![4, 8].contains(index))
        .map(|(_, line)| *line)
        .collect();
    let path = std::env::temp_dir().join(format!(
        "forceboard-eido-once-{}.ndjson",
        std::process::id()
    ));
    std::fs::write(&path, once.join("\n") + "\n").expect("write");
    let path = path.to_string_lossy().into_owned();
    let at = ["--at", "2024-07-01T15:50:00Z"];
    assert_eq!(
        report(EIDO_MAP, &path, &at),
        report(EIDO_MAP, EIDO_SAMPLE, &at)
    );
    std::fs::remove_file(path).ok();
}

const AGENTS_SAMPLE: &str = "fixtures/maps/amazon-connect-agents.ndjson";

#[test]
fn the_amazon_connect_agents_sample_counts_the_handlers_worked_out_by_hand() {
    let ours = report("amazon-connect-agents", AGENTS_SAMPLE, &[]);
    // docs/integration.md, "amazon-connect-agents".
    let expected: &[(&str, Value)] = &[
        ("at", "2024-07-01T13:12:00Z".into()),
        ("calls.999.staffing.on_duty", 1.into()),
        ("calls.999.staffing.available", 1.into()),
        ("calls.101.staffing.on_duty", 2.into()),
        ("calls.101.staffing.available", 1.into()),
        ("feed.lines", 10.into()),
        ("feed.accepted", 8.into()),
        ("feed.duplicates", 1.into()),
        ("feed.rejected", 1.into()),
    ];
    for (path, value) in expected {
        assert_eq!(&figure(&ours, path), value, "{path}");
    }
    // At 13:05, before a2 logged out: 999 had a1 (on a call) and a2 (free).
    let earlier = report(
        "amazon-connect-agents",
        AGENTS_SAMPLE,
        &["--at", "2024-07-01T13:05:00Z"],
    );
    assert_eq!(figure(&earlier, "calls.999.staffing.on_duty"), 2);
    assert_eq!(figure(&earlier, "calls.999.staffing.available"), 1);
    agrees_with_python("amazon-connect-agents", AGENTS_SAMPLE, &[]);
    agrees_with_python(
        "amazon-connect-agents",
        AGENTS_SAMPLE,
        &["--at", "2024-07-01T13:05:00Z"],
    );
}

/// Plain field picks reading forceboard's own lines give the native figures, to the line.
#[test]
fn the_native_schema_read_through_a_map_gives_the_native_report() {
    // Feeds with no line the native parser refuses (the map's refusals are worded its way).
    for feed in [
        "fixtures/demo-day.ndjson",
        "fixtures/window-edges.ndjson",
        "fixtures/spec-example.ndjson",
    ] {
        let native = run(
            env!("CARGO_BIN_EXE_forceboard"),
            &["report", "--json", feed],
        );
        let mapped = report("fixtures/maps/forceboard-native.toml", feed, &[]);
        assert!(native == mapped, "{feed}: the reports differ");
    }
}

/// `serve --map` plays a foreign recording as forceboard lines: only the mapped events go
/// out, never a record's own fields.
#[cfg(unix)]
#[test]
fn serve_through_a_map_sends_only_forceboard_events() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::time::Duration;

    let mut child = Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args([
            "serve",
            CTR_SAMPLE,
            "--map",
            "amazon-connect-ctr",
            "--listen",
            "127.0.0.1:0",
        ])
        .args(["--speed", "10000", "--no-console"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("runs");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    stderr.read_line(&mut first).expect("a start line");
    let addr = first
        .split(" on ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .expect("an address")
        .to_string();
    let stream = std::net::TcpStream::connect(&addr).expect("connects");
    // A safety net far beyond the time the lines take at ×10000.
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut seen = Vec::new();
    for line in BufReader::new(stream).lines() {
        let line = line.expect("reads");
        assert!(line.starts_with(r#"{"kind":""#), "{line}");
        assert!(
            !line.contains("AWSAccountId") && !line.contains("+4477"),
            "{line}"
        );
        let last = line.contains(r#""kind":"call_ended""#) && line.contains("c0a8-0010");
        seen.push(line);
        if last {
            break;
        }
    }
    let offered = seen
        .iter()
        .filter(|line| line.contains("call_offered"))
        .count();
    assert_eq!(offered, 7, "the sample's seven calls: {seen:?}");
    child.kill().expect("stops");
    child.wait().expect("waits");
}

/// The CTR adapter's rules written as one jq program give the built-in adapter's report, to
/// the line: the jq path makes the same events and refuses the same record.
#[test]
fn a_jq_map_gives_the_built_in_adapters_report() {
    let built_in = report("amazon-connect-ctr", CTR_SAMPLE, &[]);
    let jq = report("fixtures/maps/amazon-connect-ctr-jq.toml", CTR_SAMPLE, &[]);
    assert!(built_in == jq, "the reports differ:\n{built_in}\n{jq}");
    let checked = forceboard(&[
        "check",
        "--map",
        "fixtures/maps/amazon-connect-ctr-jq.toml",
        CTR_SAMPLE,
    ]);
    let text = String::from_utf8_lossy(&checked.stdout);
    assert!(
        text.contains("line 14: map: the jq program failed on the record"),
        "{text}"
    );
}
