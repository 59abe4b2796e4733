//! `report --format html|csv`: the handover from the real binary, and its flags' refusals.

use super::{forceboard, stderr, stdout};

const SURGE: &str = "fixtures/scenarios/friday-surge.ndjson";

/// `report --format html` on the Friday surge from 18:00 to midnight BST, with `extra`.
fn evening_page(extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "report",
        SURGE,
        "--format",
        "html",
        "--from",
        "2024-07-05T18:00:00+01:00",
        "--to",
        "2024-07-06T00:00:00+01:00",
    ];
    args.extend_from_slice(extra);
    forceboard(&args)
}

#[test]
fn report_format_html_writes_one_page_over_the_period_asked() {
    let output = evening_page(&[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("From Fri 05 Jul 2024 18:00:00 BST to Sat 06 Jul 2024 00:00:00 BST"));
    // 24 quarter-hours in the force's calls table.
    let force_calls = page
        .split("data-scope=\"force\" data-part=\"calls\"")
        .nth(1)
        .unwrap();
    let force_calls = &force_calls[..force_calls.find("</table>").unwrap()];
    assert_eq!(force_calls.matches("<tr data-end=").count(), 24);
}

#[test]
fn report_format_csv_with_the_shift_takes_it_from_the_config() {
    // The feed ends at 23:59:58 BST, in the night shift from 23:00 BST: four quarter-hours,
    // the last up to the feed's end.
    let output = forceboard(&["report", SURGE, "--format", "csv", "--shift"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    let forces: Vec<&str> = table.lines().filter(|l| l.contains(",force,")).collect();
    assert_eq!(forces.len(), 4);
    assert!(forces[0].starts_with("2024-07-05T22:00:00Z,2024-07-05T22:15:00Z,force,"));
    assert!(forces[3].starts_with("2024-07-05T22:45:00Z,2024-07-05T22:59:58.770Z,force,"));
    // --interval 30m halves them.
    let output = forceboard(&["report", SURGE, "--format", "csv", "--interval", "30m"]);
    assert_eq!(
        stdout(&output)
            .lines()
            .filter(|l| l.contains(",force,"))
            .count(),
        2
    );
}

#[test]
fn a_period_that_cannot_be_is_one_sentence_and_exit_2() {
    for (args, words) in [
        (
            vec!["report", SURGE, "--from", "2024-07-05T18:00:00+01:00"],
            "give --format html or --format csv",
        ),
        (
            vec![
                "report",
                SURGE,
                "--format",
                "csv",
                "--from",
                "2024-07-05T20:00:00Z",
                "--to",
                "2024-07-05T19:00:00Z",
            ],
            "must start before it ends",
        ),
        (
            vec!["report", SURGE, "--format", "html", "--interval", "10s"],
            "--interval must be a duration from 1m to 24h",
        ),
        (
            vec![
                "report",
                SURGE,
                "--format",
                "html",
                "--from",
                "2024-07-05T18:00:00Z",
                "--shift",
            ],
            "cannot be used with",
        ),
        (vec!["report", SURGE, "--format", "pdf"], "pdf"),
    ] {
        let output = forceboard(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = stderr(&output);
        assert!(message.contains(words), "{args:?}: {message}");
        assert!(stdout(&output).is_empty());
    }
}

#[test]
fn the_night_the_clocks_go_back_is_a_nine_hour_shift_of_36_quarters() {
    // The night shift 26 Oct 2024 23:00 BST (22:00Z) to 27 Oct 07:00 GMT (07:00Z).
    let output = forceboard(&[
        "report",
        "fixtures/scenarios/clock-change-night.ndjson",
        "--format",
        "csv",
        "--shift",
        "--to",
        "2024-10-27T07:00:00Z",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    let forces: Vec<&str> = table.lines().filter(|l| l.contains(",force,")).collect();
    assert_eq!(forces.len(), 36);
    assert!(forces[0].starts_with("2024-10-26T22:00:00Z,2024-10-26T22:15:00Z,"));
    assert!(forces[35].starts_with("2024-10-27T06:45:00Z,2024-10-27T07:00:00Z,"));
}

/// `--alert-log`: the alerts a board logged in the period are listed on the page (who
/// acknowledged, their note), those outside it are not; without `--format html` the flag
/// is refused in one sentence.
#[test]
fn the_page_lists_the_alerts_of_the_period_from_a_board_s_audit_log() {
    let dir = std::env::temp_dir().join(format!("forceboard-alert-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let log = dir.join("alerts.ndjson");
    std::fs::write(
        &log,
        concat!(
            r#"{"at":"2024-07-05T16:00:00Z","event":"raised","alert":"999 calls waiting","level":"warning","value":3.0,"threshold":2.0}"#,
            "\n",
            r#"{"at":"2024-07-05T19:31:00Z","event":"raised","alert":"999 service level","level":"critical","value":72.5,"threshold":80.0}"#,
            "\n",
            "not json\n",
            r#"{"at":"2024-07-05T19:33:00Z","event":"acknowledged","alert":"999 service level","level":"critical","value":70.0,"threshold":80.0,"by":"Insp. Khan","note":"two <sick>"}"#,
            "\n",
        ),
    )
    .expect("a log");
    let log_arg = log.display().to_string();
    let output = evening_page(&["--alert-log", &log_arg]);
    assert!(output.status.success(), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(
        page.contains("Alerts in the period (2)"),
        "17:00 BST is before the period"
    );
    assert!(page.contains("1 lines of the alert log could not be read"));
    assert!(page.contains("Fri 05 Jul 2024 20:31:00 BST"));
    assert!(page.contains("Insp. Khan"));
    assert!(page.contains("two &lt;sick&gt;"), "escaped");
    assert!(!page.contains("999 calls waiting"));

    let refused = forceboard(&["report", SURGE, "--alert-log", &log_arg]);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        stderr(&refused).trim(),
        "forceboard: --alert-log lists the alerts on the handover page: give it with --format html"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
