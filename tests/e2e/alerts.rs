//! Alerts in a real terminal: a replay of the Friday surge at 600 times real time raises
//! alerts; the terminal hears one bell (BEL) for each alarm the audit log records (raised,
//! escalated, alarmed again), `A` acknowledges by the `--operator`'s name, and the log says
//! who; `--alert-command` is given each event as the log writes it.

use std::time::{Duration, Instant};

use crate::common::pty::Board;

fn log_lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

fn events(lines: &[serde_json::Value], kinds: &[&str]) -> usize {
    lines
        .iter()
        .filter(|line| kinds.contains(&line["event"].as_str().unwrap_or("")))
        .count()
}

#[test]
fn each_alarm_rings_the_bell_once_and_an_acknowledgement_is_logged_by_name() {
    let dir = std::env::temp_dir().join(format!("forceboard-alerts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let log = dir.join("alerts.ndjson");
    let _ = std::fs::remove_file(&log);
    let log_arg = log.display().to_string();
    // The alert command appends what it is given to a file of its own.
    let heard = dir.join("command.ndjson");
    let _ = std::fs::remove_file(&heard);
    let command = format!("cat >> '{}'", heard.display());
    let mut board = Board::start(
        &[
            "replay",
            "fixtures/scenarios/friday-surge.ndjson",
            "--speed",
            "600",
            "--operator",
            "Insp. Khan",
            "--alert-log",
            &log_arg,
            "--alert-command",
            &command,
        ],
        120,
        40,
    );
    // Wait (a condition, with a safety net) for two alarms in the log.
    let started = Instant::now();
    while events(&log_lines(&log), &["raised"]) < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no alerts raised"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    board.wait_for("A: acknowledge");
    board.press("A");
    board.wait_for("Note for the acknowledgement");
    board.press("two off sick\r");
    let started = Instant::now();
    while events(&log_lines(&log), &["acknowledged"]) < 1 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "not acknowledged"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The command is given the acknowledgement too (it runs on its own, so wait for it).
    let started = Instant::now();
    while events(&log_lines(&heard), &["acknowledged"]) < 1 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the command never heard it"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    board.press("q");
    assert!(board.wait_exit().success());
    // Everything the command was given is in the log, word for word.
    let logged = log_lines(&log);
    for given in log_lines(&heard) {
        assert!(logged.contains(&given), "{given} is not in the log");
    }
    let lines = log_lines(&log);
    let alarms = events(&lines, &["raised", "escalated", "realarmed"]);
    let bells = memchr::memchr_iter(0x07, &board.raw()).count();
    assert_eq!(bells, alarms, "one bell per alarm: {lines:#?}");
    let acknowledged = lines
        .iter()
        .find(|line| line["event"] == "acknowledged")
        .expect("an acknowledgement");
    assert_eq!(acknowledged["by"], "Insp. Khan");
    assert_eq!(acknowledged["note"], "two off sick");
    assert!(
        acknowledged["alert"]
            .as_str()
            .is_some_and(|alert| !alert.is_empty())
    );
    let _ = std::fs::remove_dir_all(&dir);
}
