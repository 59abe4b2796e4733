//! The real binary in a pseudo-terminal, read back through a vt100 parser, on links that
//! fail: the cause on the DOWN banner, a silent link dialled again, and a record file on a
//! full disk. Servers run inside the test on free loopback ports.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::thread;

use crate::common::pty::{Board, rfc3339};

/// Two 999 calls answered in 4 s and 8 s: mean 6.0 s.
fn two_calls() -> String {
    let now = chrono::Utc::now();
    let ago = |s: i64| rfc3339(now - chrono::Duration::seconds(s));
    [
        format!(
            r#"{{"kind":"call_offered","at":"{}","id":"A","line":"999"}}"#,
            ago(60)
        ),
        format!(r#"{{"kind":"call_answered","at":"{}","id":"A"}}"#, ago(56)),
        format!(
            r#"{{"kind":"call_offered","at":"{}","id":"B","line":"999"}}"#,
            ago(40)
        ),
        format!(r#"{{"kind":"call_answered","at":"{}","id":"B"}}"#, ago(32)),
    ]
    .iter()
    .flat_map(|line| [line.as_str(), "\n"])
    .collect()
}

/// A third 999 call answered in 10 s: mean (4 + 8 + 10) / 3 = 7.3 s.
fn a_third_call() -> String {
    let now = chrono::Utc::now();
    let ago = |s: i64| rfc3339(now - chrono::Duration::seconds(s));
    format!(
        "{}\n{}\n",
        format_args!(
            r#"{{"kind":"call_offered","at":"{}","id":"C","line":"999"}}"#,
            ago(20)
        ),
        format_args!(r#"{{"kind":"call_answered","at":"{}","id":"C"}}"#, ago(10)),
    )
}

fn send(stream: &mut TcpStream, text: &str) {
    stream.write_all(text.as_bytes()).expect("send");
    stream.flush().expect("flush");
}

#[test]
fn a_refused_connection_is_named_on_the_down_banner() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let feed = format!("tcp://127.0.0.1:{port}");
    let board = Board::start(&["watch", "--feed", &feed, "--layout", "standard"], 120, 40);
    board.wait_for_drawn(0, "FEED DOWN — connection refused — retrying in");
    board.quit();
}

#[test]
fn an_http_401_is_named_with_what_to_check() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let address = listener.local_addr().expect("address");
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut head = [0u8; 4096];
            let _ = stream.read(&mut head);
            let _ = stream.write_all(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let feed = format!("http://{address}/feed");
    let board = Board::start(&["watch", "--feed", &feed, "--layout", "compact"], 120, 40);
    board.wait_for_drawn(
        0,
        "FEED DOWN — HTTP 401 Unauthorized (check FORCEBOARD_TOKEN) — retrying in",
    );
    board.quit();
}

/// A directory of its own under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("forceboard-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_silent_link_goes_stale_then_down_and_is_dialled_again() {
    let dir = TempDir::new("idle");
    let config = dir.0.join("board.toml");
    std::fs::write(&config, "stale_after = \"1s\"\nidle_limit = \"3s\"\n").expect("config");
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let address = listener.local_addr().expect("address");
    let feed = format!("tcp://{address}");
    let config = config.to_string_lossy().into_owned();
    let board = Board::start(&["--config", &config, "watch", "--feed", &feed], 120, 40);
    // Accepted, then not a byte: the board says it has had no event from where (never
    // LIVE, nor STALE "since an event" it never had), then gives up on the link (and says
    // so for the back-off, about a second). Each is looked for among the frames drawn,
    // so a test held up on a busy machine still sees it.
    let (silent, _) = listener.accept().expect("the board connects");
    board.wait_for_drawn(
        0,
        &format!("NO EVENTS YET on tcp {address} — check the address"),
    );
    board.wait_for_drawn(0, "FEED DOWN — no data for 3 s — retrying in");
    // It dials again, and what the new link sends is shown, with no banner until the
    // new link too has been silent for a second.
    let (mut stream, _) = listener.accept().expect("the board dials again");
    let since = board.frames_drawn();
    send(&mut stream, &two_calls());
    board.wait_until_drawn(since, "the new link's figures and no banner", |screen| {
        screen.contains("6.0s") && !screen.contains("FEED DOWN") && !screen.contains("FEED STALE")
    });
    drop(silent);
    board.quit();
}

#[test]
fn recording_to_a_full_disk_is_shown_and_the_figures_keep_updating() {
    if !std::path::Path::new("/dev/full").exists() {
        return; // Not Linux: no device that is always full.
    }
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let feed = format!("tcp://{}", listener.local_addr().expect("address"));
    let mut board = Board::start(
        &[
            "watch",
            "--feed",
            &feed,
            "--record",
            "/dev/full",
            "--layout",
            "standard",
        ],
        120,
        40,
    );
    let (mut stream, _) = listener.accept().expect("the board connects");
    send(&mut stream, &two_calls());
    board.wait_for("6.0s");
    board.wait_for("RECORDING FAILED — disk full (4 lost)");
    board.wait_for("RECORDING FAILED — disk full — 4 lines lost (r to dismiss)");
    // The board goes on: a third call moves the mean, and its two lines are lost too.
    send(&mut stream, &a_third_call());
    board.wait_for("7.3s");
    board.wait_for("RECORDING FAILED — disk full (6 lost)");
    // `r` dismisses the banner; the footer keeps saying so.
    board.press("r");
    board.wait_until("the banner dismissed", |screen| {
        !screen.contains("(r to dismiss)") && screen.contains("RECORDING FAILED — disk full")
    });
    board.quit();
}
