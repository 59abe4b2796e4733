//! The trainer's console: `forceboard serve` in a real terminal shows the room and takes
//! the replay keys for every board at once; `forceboard control` commands it over its
//! socket. Read back through a vt100 parser and a board's own TCP connection.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::pty::Board;

/// `forceboard control SOCKET COMMAND`: its answer line and whether it succeeded.
fn control(socket: &Path, command: &[&str]) -> (String, bool) {
    let output = Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .arg("control")
        .arg(socket)
        .args(command)
        .output()
        .expect("control runs");
    (
        String::from_utf8_lossy(&output.stdout).trim().to_string(),
        output.status.success(),
    )
}

/// The recording's time of day in an answer: `recording 21:45:00 Fri …` → seconds.
fn recording_seconds(answer: &str) -> i64 {
    let time = answer
        .split("recording ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no recording time in {answer:?}"));
    let parts: Vec<i64> = time
        .split(':')
        .map(|part| part.parse().expect("a number"))
        .collect();
    parts[0] * 3600 + parts[1] * 60 + parts[2]
}

/// Where serve listens: its first line, printed before the console takes the screen.
fn listening_on(board: &Board) -> String {
    board.wait_for("the training room");
    let raw = String::from_utf8_lossy(&board.raw()).to_string();
    raw.split(" on ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .expect("serve says where it listens")
        .to_string()
}

/// Reads a board's connection until a line passes `test`; a safety net far beyond the
/// second or two it takes fails the test rather than reading heartbeats for ever.
fn find_line(
    lines: &mut impl Iterator<Item = String>,
    what: &str,
    test: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    for line in lines.by_ref() {
        if test(&line) {
            return line;
        }
        assert!(Instant::now() < deadline, "no {what} within a minute");
    }
    panic!("the connection ended before {what}");
}

/// Reads a board's connection until a heartbeat says `speed` is `speed`.
fn until_clock_speed(lines: &mut impl Iterator<Item = String>, speed: &str) -> String {
    let announced = format!(r#""speed":{speed},"#);
    find_line(lines, &format!("heartbeat of speed {speed}"), |line| {
        line.contains(r#""kind":"heartbeat""#) && line.contains(&announced)
    })
}

#[test]
fn the_console_pauses_seeks_and_moves_every_board_and_q_stops_serving() {
    let dir = std::env::temp_dir().join(format!("forceboard-console-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let socket = dir.join("room.sock");
    let socket_arg = socket.to_string_lossy().to_string();
    let mut console = Board::start(
        &[
            "serve",
            "fixtures/scenarios/friday-surge.ndjson",
            "--listen",
            "127.0.0.1:0",
            "--speed",
            "20",
            "--control",
            &socket_arg,
        ],
        100,
        30,
    );
    let address = listening_on(&console);
    console.wait_for("PLAYING ×20");
    // The recording's own date, in the force's zone.
    console.wait_for("Fri 5 Jul 2024");
    let board = TcpStream::connect(&address).expect("a board connects");
    // A safety net: a read that waits longer ends the lines, and the test fails.
    board
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("a timeout");
    let mut lines = BufReader::new(board).lines().map_while(Result::ok);
    let first = lines.next().expect("the clock first");
    assert!(first.contains(r#""speed":20,"#), "{first}");
    assert!(first.contains(r#""at":"2024-07-05T"#), "{first}");

    // Space pauses every board: the next heartbeat says speed 0.
    console.press(" ");
    console.wait_for("PAUSED at");
    until_clock_speed(&mut lines, "0");
    let (paused, ok) = control(&socket, &["status"]);
    assert!(
        ok && paused.contains("paused (×20 when resumed); 1 board"),
        "{paused}"
    );

    // ] moves the room 15 minutes on: a new timeline (epoch) for the board.
    console.press("]");
    let deadline = Instant::now() + Duration::from_secs(60);
    let moved = loop {
        let (answer, _) = control(&socket, &["status"]);
        if recording_seconds(&answer) != recording_seconds(&paused) {
            break answer;
        }
        assert!(Instant::now() < deadline, "the room did not move: {answer}");
    };
    assert_eq!(
        recording_seconds(&moved) - recording_seconds(&paused),
        15 * 60
    );
    let restarted = find_line(&mut lines, "the new timeline's clock", |line| {
        line.contains(r#""epoch":1}"#)
    });
    assert!(restarted.contains(r#""speed":0,"#), "{restarted}");

    // g and a time of day: the room goes there.
    console.press("g");
    console.wait_for("go to");
    console.press("21:45\r");
    console.wait_for("RECORDING  21:45:00");
    // + doubles the speed, still paused; the control socket resumes.
    console.press("+");
    console.wait_for("×40 when resumed");
    let (resumed, ok) = control(&socket, &["resume"]);
    assert!(ok && resumed.contains("×40, playing"), "{resumed}");
    console.wait_for("PLAYING ×40");
    until_clock_speed(&mut lines, "40");
    let (refused, ok) = control(&socket, &["jump", "21:00"]);
    assert!(!ok && refused.starts_with("error: "), "{refused}");

    // q stops serving: the terminal is restored and the socket removed.
    console.press("q");
    assert!(console.wait_exit().success());
    console.assert_restored();
    drop(lines);
    assert!(!socket.exists(), "the control socket is removed");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_control_path_that_is_not_a_socket_is_refused_and_left_alone() {
    // A trainer who names a file by mistake (a recording) loses nothing: serve refuses to
    // start, in one sentence, and the file is as it was.
    let dir = std::env::temp_dir().join(format!("forceboard-control-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let precious = dir.join("evening.ndjson");
    std::fs::write(
        &precious,
        "{\"kind\":\"heartbeat\",\"at\":\"2024-07-05T20:00:00Z\"}\n",
    )
    .expect("a file");
    let output = Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args([
            "serve",
            "fixtures/spec-example.ndjson",
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--control")
        .arg(&precious)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("serve runs");
    assert_eq!(output.status.code(), Some(1));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("exists and is not a socket"), "{said}");
    let kept = std::fs::read_to_string(&precious).expect("the file is still there");
    assert!(kept.contains("heartbeat"), "{kept}");
    let _ = std::fs::remove_dir_all(&dir);
}
