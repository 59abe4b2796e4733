//! The real binary in a pseudo-terminal, read back through a vt100 parser: what a person
//! would see. Feeds come from TCP servers inside the test, on loopback.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use crate::common::feed::live_lines;
use crate::common::pty::{Board, rfc3339};

fn send(stream: &mut TcpStream, lines: &[String]) {
    for line in lines {
        stream.write_all(line.as_bytes()).expect("send");
        stream.write_all(b"\n").expect("send");
    }
    stream.flush().expect("flush");
}

#[test]
fn a_tcp_feed_shows_its_figures_counts_bad_lines_and_survives_an_outage() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let address = listener.local_addr().expect("address");
    let feed = format!("tcp://{address}");
    let mut board = Board::start(&["watch", "--feed", &feed, "--layout", "standard"], 120, 40);
    let (mut stream, _) = listener.accept().expect("the board connects");
    send(&mut stream, &live_lines());
    // 999 mean (4 + 8) / 2 = 6.0 s: over the 5 s target, and both within 10 s.
    board.wait_for("6.0s");
    board.wait_for("✖ MEAN 6.0s");
    assert!(board.contents().contains("LIVE"), "{}", board.contents());
    // The footer names the source.
    board.wait_for(&format!("tcp {address}"));

    send(&mut stream, &["this is not json".to_string()]);
    board.wait_for("1 rejected");

    // The server goes away: FEED DOWN (shown for the back-off, about a second, before
    // the board dials again), and the figures stay up.
    let since = board.frames_drawn();
    drop(stream);
    board.wait_for_drawn(since, "FEED DOWN");
    assert!(board.contents().contains("6.0s"));
    // Not live, down or dialling again: the header never says LIVE, and the figures say
    // when they stopped.
    let header = |screen: &str| screen.lines().next().unwrap_or_default().to_string();
    board.wait_until("the header says NOT LIVE and as of when", |screen| {
        let header = header(screen);
        header.contains("NOT LIVE") && header.contains("as of")
    });
    let stopped = header(&board.contents());
    assert!(
        !stopped.replace("NOT LIVE", "").contains("LIVE"),
        "{stopped}"
    );
    assert!(
        board.contents().contains("figures as of"),
        "{}",
        board.contents()
    );

    // It comes back on the same port: the board reconnects and the banner goes.
    let (mut stream, _) = listener.accept().expect("the board reconnects");
    send(
        &mut stream,
        &[format!(
            r#"{{"kind":"heartbeat","at":"{}"}}"#,
            rfc3339(chrono::Utc::now())
        )],
    );
    board.wait_until("FEED DOWN gone", |screen| !screen.contains("FEED DOWN"));

    board.press("q");
    assert!(board.wait_exit().success());
    board.assert_restored();
}

#[test]
fn sighup_restores_the_terminal_and_exits_promptly() {
    let mut board = Board::start(&[], 80, 24);
    board.wait_for("DEMO DATA");
    board.signal(1);
    board.wait_exit();
    board.assert_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut board = Board::start(&["--layout", "wall"], 200, 60);
    board.wait_for("DEMO DATA");
    board.signal(15);
    board.wait_exit();
    board.assert_restored();
}

/// The board ended by exiting with `code` (not killed by a signal) and left the terminal
/// restored.
fn assert_exit_code(board: &mut Board, code: u32, what: &str) {
    let status = board.wait_exit();
    assert_eq!(status.signal(), None, "{what}: killed instead of exiting");
    assert_eq!(status.exit_code(), code, "{what}");
    board.assert_restored();
}

#[test]
fn every_signal_that_ends_the_board_restores_the_terminal_and_exits_128_plus_its_number() {
    // SIGQUIT used to end the board at once (with a core dump), still on the alternate screen.
    for (signal, code) in [(3, 131), (1, 129), (2, 130), (15, 143)] {
        let mut board = Board::start(&[], 80, 24);
        board.wait_for("DEMO DATA");
        board.signal(signal);
        assert_exit_code(&mut board, code, &format!("signal {signal}"));
    }
}

#[test]
fn ctrl_c_as_a_key_exits_130_like_sigint_and_q_exits_0() {
    // The terminal is raw, so Ctrl-C arrives as a key rather than as SIGINT.
    let mut board = Board::start(&[], 80, 24);
    board.wait_for("DEMO DATA");
    board.press("\x03");
    assert_exit_code(&mut board, 130, "Ctrl-C");

    let mut board = Board::start(&[], 80, 24);
    board.wait_for("DEMO DATA");
    board.press("q");
    assert_exit_code(&mut board, 0, "q");
}

/// The demo day is a sick evening (`fixtures/README.md`): at 17:00, 12 handlers on 999
/// where the model needs 13 for 128 calls an hour of 227 s each (90 % within 10 s;
/// `report fixtures/demo-day.ndjson --at 2024-07-01T17:00:00+01:00 --json`, and the
/// independent Python implementation, agree).
#[test]
fn the_demo_shows_the_999_handlers_one_short_at_its_start() {
    let board = Board::start(&[], 120, 40);
    board.wait_until("the 999 handler line", |screen| {
        // The tile's widest form, or its narrower one at this width.
        (screen.contains("handlers 12 / need 13") || screen.contains("handlers 12/13"))
            && screen.contains("SHORT 1")
            && screen.contains("model SL")
    });
    board.quit();
}

#[test]
fn a_phone_sized_terminal_gets_the_micro_layout_and_q_still_quits() {
    let mut board = Board::start(&[], 60, 20);
    // The four figures by name, the queues, and the demo's banner.
    board.wait_until("the micro layout", |screen| {
        ["999 ", "101 ", "Emerg ", "Prio ", "calls waiting", "DEMO"]
            .iter()
            .all(|part| screen.contains(part))
    });
    board.press("q");
    assert!(board.wait_exit().success());
    board.assert_restored();
}

/// A phone over SSH (45×20): the header names the window and `1` changes it; `?` and `e`,
/// which the footer offers, open their overlays, and the help scrolls.
#[test]
fn a_phone_sized_terminal_opens_help_and_rejects_and_shows_the_window() {
    let mut board = Board::start(&[], 45, 20);
    let header = |screen: &str| screen.lines().next().unwrap_or_default().to_string();
    board.wait_until("the window in the header", |screen| {
        header(screen).contains("1h") && screen.contains("? help")
    });
    board.press("?");
    board.wait_for("Keys — ? or Esc to close");
    board.wait_for("↑↓ 1-");
    board.press("\x1b[B");
    board.wait_for("↑↓ 2-");
    board.press("?");
    board.wait_until("the help closed", |screen| !screen.contains("Keys — "));
    board.press("e");
    board.wait_for("Rejected lines — e or Esc to close");
    board.press("e");
    board.wait_until("the rejected lines closed", |screen| {
        !screen.contains("Rejected lines — ")
    });
    board.press("1");
    board.wait_until("the 15m window in the header", |screen| {
        header(screen).contains("15m")
    });
    board.press("q");
    assert!(board.wait_exit().success());
    board.assert_restored();
}

#[test]
fn replay_shows_its_banner_pauses_seeks_and_changes_speed() {
    let mut board = Board::start(
        &[
            "replay",
            "fixtures/spec-example.ndjson",
            "--from",
            "2024-07-01T11:30:00Z",
        ],
        120,
        40,
    );
    // 11:30Z is 12:30 BST: the banner says REPLAY, the speed and the virtual time.
    board.wait_for("REPLAY ×1 — 12:30:0");
    board.press(" ");
    board.wait_for("— PAUSED");
    // Paused, the clock stands: ] jumps exactly 15 minutes, → one more, ← back one.
    let paused_at = board.contents();
    let second = paused_at
        .find("REPLAY ×1 — 12:30:0")
        .map(|i| &paused_at[i + "REPLAY ×1 — 12:30:0".len()..][..1])
        .expect("banner")
        .to_string();
    board.press("]");
    board.wait_for(&format!("REPLAY ×1 — 12:45:0{second}"));
    board.press("\x1b[C"); // →
    board.wait_for(&format!("REPLAY ×1 — 12:46:0{second}"));
    board.press("[");
    board.wait_for(&format!("REPLAY ×1 — 12:31:0{second}"));
    // At 12:46 BST (11:46Z) B, C and D had been answered or abandoned; back at the start
    // (Home) only A had: the 999 tile's answered count follows the seek.
    board.press("\x1b[H"); // Home
    board.wait_for("REPLAY ×1 — 12:30:00");
    board.press("++");
    board.wait_for("REPLAY ×4");
    board.press("q");
    assert!(board.wait_exit().success());
    board.assert_restored();
}

#[test]
fn the_rejects_overlay_lists_bad_lines_by_number_never_by_content() {
    let mut board = Board::start(
        &["replay", "fixtures/bad-lines.ndjson", "--speed", "100"],
        120,
        40,
    );
    board.wait_for("REPLAY ×100");
    board.press("e");
    board.wait_for("16 rejected in all");
    board.wait_for("line      3  not valid JSON");
    board.wait_for("line      8  no offset in \"at\"");
    board.wait_for("line     14  call_answered for an unknown id (unmatched)");
    assert!(!board.contents().contains("07700900123"));
    board.press("q");
    board.wait_exit();
    board.assert_restored();
}

#[test]
fn record_keeps_accepted_lines_with_the_schema_fields_only() {
    let dir = std::env::temp_dir().join(format!("forceboard-record-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let feed_path = dir.join("feed.ndjson");
    let record_path = dir.join("record.ndjson");
    let mut lines = live_lines();
    lines[0] = lines[0].replace(
        r#""lpa":"BIR"}"#,
        r#""lpa":"BIR","caller_number":"07700900123"}"#,
    );
    lines.push("not json".to_string());
    std::fs::write(&feed_path, lines.join("\n") + "\n").expect("write feed");
    let feed = feed_path.to_string_lossy().into_owned();
    let record = record_path.to_string_lossy().into_owned();
    let mut board = Board::start(&["watch", "--feed", &feed, "--record", &record], 120, 40);
    board.wait_for("6.0s");
    board.wait_for("1 rejected");
    board.press("q");
    assert!(board.wait_exit().success());
    board.assert_restored();
    let recorded = std::fs::read_to_string(&record_path).expect("record written");
    // Every accepted line (7), none of the rejected one, and no caller details.
    assert_eq!(recorded.lines().count(), 7, "{recorded}");
    assert!(!recorded.contains("07700900123"));
    assert!(!recorded.contains("not json"));
    assert!(
        recorded
            .lines()
            .next()
            .unwrap_or_default()
            .starts_with(r#"{"kind":"call_offered","at":""#)
    );
    // And the recording replays to the same figures: report on it.
    let report = std::process::Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(["report", &record, "--json"])
        .output()
        .expect("report runs");
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).expect("JSON");
    assert_eq!(json["calls"]["999"]["mean_answer_s"], 6.0);
    assert_eq!(json["feed"]["accepted"], 7);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_trainer_serves_the_demo_day_and_a_trainee_board_shows_its_figures() {
    // serve picks a free port itself and says which once it listens.
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args([
            "serve",
            "fixtures/demo-day.ndjson",
            "--listen",
            "127.0.0.1:0",
        ])
        .args(["--from", "2024-07-01T17:00:00+01:00"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let feed = format!("tcp://{}", serving_on(&mut server));
    let mut board = Board::start(&["watch", "--feed", &feed], 120, 40);
    // The late joiner's backlog holds the day so far: the demo's 17:00 figures (the same
    // as `forceboard report fixtures/demo-day.ndjson --at 2024-07-01T17:00:00+01:00`:
    // 999 mean 4.4 s, 101 mean 70.6 s — shown as 1m 11s —, emergency 10m 03s, priority 40m 16s).
    board.wait_for("4.4s mean");
    board.wait_for("1m 11s mean");
    board.wait_for("10m 03s mean");
    board.wait_for("40m 16s mean");
    board.press("q");
    assert!(board.wait_exit().success());
    board.assert_restored();
    let _ = server.kill();
    let _ = server.wait();
}

#[test]
fn rotate_cycles_the_board_through_the_areas_and_a_cycles_by_hand() {
    let mut board = Board::start(&["--rotate", "1s", "--layout", "standard"], 120, 40);
    let header = |screen: &str| screen.lines().next().unwrap_or_default().to_string();
    // Each area is shown for a second: looked for among the frames drawn, in order.
    let at = board.wait_until_drawn(0, "the whole force in the header", |s| {
        header(s).contains("whole force")
    });
    let at = board.wait_until_drawn(at, "Birmingham in the header", |s| {
        header(s).contains("Birmingham")
    });
    board.wait_until_drawn(at, "Coventry in the header", |s| {
        header(s).contains("Coventry")
    });
    board.press("q");
    assert!(board.wait_exit().success());

    let mut board = Board::start(&["--layout", "standard"], 120, 40);
    board.wait_until("the whole force in the header", |s| {
        header(s).contains("whole force")
    });
    board.press("aa");
    board.wait_until("Coventry in the header", |s| header(s).contains("Coventry"));
    board.press("q");
    assert!(board.wait_exit().success());
    board.assert_restored();
}

#[test]
fn no_color_means_no_colour_escapes_at_all() {
    let mut board = Board::start_with_env(&["--layout", "standard"], 120, 40, &[("NO_COLOR", "1")]);
    board.wait_for("DEMO DATA");
    board.wait_for("✔ ON TARGET");
    board.press("q");
    assert!(board.wait_exit().success());
    let raw = board.raw();
    let text = String::from_utf8_lossy(&raw);
    // Every SGR sequence (ESC [ params m): none may set a colour (30–49, 90–107).
    let mut sgr_params: Vec<String> = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find("\x1b[") {
        rest = &rest[start + 2..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(rest.len());
        if rest[end..].starts_with('m') {
            sgr_params.push(rest[..end].to_string());
        }
    }
    assert!(!sgr_params.is_empty(), "some attributes were written");
    for params in &sgr_params {
        for code in params.split(';').filter_map(|p| p.parse::<u32>().ok()) {
            assert!(
                !matches!(code, 30..=49 | 90..=107) || code == 39 || code == 49,
                "a colour was set: ESC[{params}m"
            );
        }
    }
    // The banner still stands out: reverse video.
    assert!(text.contains("\x1b[7m"), "reverse video for the banner");
}

#[test]
fn closes_that_overtake_their_openings_leave_no_phantom_caller_waiting() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let address = listener.local_addr().expect("address");
    let feed = format!("tcp://{address}");
    let mut board = Board::start(&["watch", "--feed", &feed, "--layout", "standard"], 120, 40);
    let (mut stream, _) = listener.accept().expect("the board connects");
    let now = chrono::Utc::now();
    let ago = |s: i64| rfc3339(now - chrono::Duration::seconds(s));
    // Three 999 calls whose answers (4 s, 6 s, 8 s) arrive before their offers, and one
    // call still waiting: the faster CAD source sends every answer first.
    let mut lines = Vec::new();
    for (id, offered, wait) in [("P", 50, 4), ("Q", 40, 6), ("R", 30, 8)] {
        lines.push(format!(
            r#"{{"kind":"call_answered","at":"{}","id":"{id}"}}"#,
            ago(offered - wait)
        ));
    }
    for (id, offered) in [("P", 50), ("Q", 40), ("R", 30), ("W", 10)] {
        lines.push(format!(
            r#"{{"kind":"call_offered","at":"{}","id":"{id}","line":"999"}}"#,
            ago(offered)
        ));
    }
    send(&mut stream, &lines);
    // Mean (4 + 6 + 8) / 3 = 6.0 s; only W waits; nothing is rejected.
    board.wait_for("6.0s");
    board.wait_for("waiting now 1");
    let screen = board.contents();
    assert!(screen.contains("0 rejected"), "{screen}");
    board.press("q");
    assert!(board.wait_exit().success());
    board.assert_restored();
}

/// The address `serve` listens on, from its first line on stderr.
fn serving_on(server: &mut std::process::Child) -> String {
    use std::io::BufRead;

    let mut first = String::new();
    std::io::BufReader::new(server.stderr.take().expect("stderr"))
        .read_line(&mut first)
        .expect("serve says where it listens");
    first
        .split(" on ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .expect("an address")
        .to_string()
}

#[test]
fn a_trainee_board_on_a_recording_served_at_x20_shows_its_durations_and_says_training() {
    // serve picks a free port itself and says which on its first line.
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(["serve", "fixtures/served-training.ndjson"])
        .args(["--listen", "127.0.0.1:0", "--speed", "20"])
        .args(["--from", "2024-07-01T10:04:00Z"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let feed = format!("tcp://{}", serving_on(&mut server));
    let mut board = Board::start(&["watch", "--feed", &feed, "--layout", "standard"], 120, 40);
    // The recording's 999 answers by 10:04:00 (A 6 s, B 10 s, D 14 s): mean 10.0 s, over
    // the 5 s target (fixtures/README.md); at ×20 the compressing clock showed 0.5 s. It
    // stays 10.0 s for an hour of served time, three minutes of wall time.
    board.wait_for("10.0s mean");
    // B's 10 s is within 10 s, D's 14 s not: 2 of 3, 66.7 %, below the 90 % goal.
    board.wait_for("✖ 66.7% IN 10s");
    board.wait_for("TRAINING ×20");
    for _ in 0..3 {
        let screen = board.contents();
        assert!(!screen.contains("LIVE"), "{screen}");
        assert!(screen.contains("TRAINING ×20"), "{screen}");
        thread::sleep(Duration::from_millis(200));
    }
    board.press("q");
    assert!(board.wait_exit().success());
    board.assert_restored();
    let _ = server.kill();
    let _ = server.wait();
}

/// `H` writes the handover for the shift so far into `--handover-dir`, and the board says
/// where.
#[test]
fn h_writes_the_handover_and_the_board_shows_its_path() {
    let dir = crate::common::nats::TempDir::new("handover-e2e");
    let folder = dir.0.to_string_lossy().into_owned();
    let mut board = Board::start(&["--handover-dir", &folder], 160, 40);
    board.wait_for("DEMO DATA");
    board.press("H");
    board.wait_for("HANDOVER WRITTEN");
    let written: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let name = written[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("handover-"), "{name}");
    board.wait_for(&name);
    let page = std::fs::read_to_string(&written[0]).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    board.press("q");
    assert_exit_code(&mut board, 0, "q");
}
