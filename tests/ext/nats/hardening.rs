//! The NATS path when things go wrong: a stream deleted and made again under the boards,
//! a publisher stopped while nothing answers, a server without JetStream, and a file
//! published under another spelling of its path.

use std::time::Duration;

use async_nats::jetstream;

use super::{
    LIMIT, SUBJECT, append, board_source, heartbeats, lines, next, publish_lines, publisher,
    publisher_with, run, settings, stream_lines, until_all,
};
use crate::common::feed::live_lines;
use crate::common::nats::{NatsServer, TempDir};
use forceboard::feed::source::{DownCause, FeedItem, SourceState};

/// Deletes the stream and makes it again, empty, with the same settings.
async fn recreate_stream(url: &str) {
    let client = async_nats::connect(url).await.expect("connect");
    let jetstream = jetstream::new(client);
    jetstream.delete_stream("EVENTS").await.expect("deleted");
    let settings = settings(1);
    jetstream
        .create_stream(jetstream::stream::Config {
            name: settings.name,
            subjects: settings.subjects,
            max_age: settings.max_age,
            duplicate_window: settings.duplicate_window,
            ..jetstream::stream::Config::default()
        })
        .await
        .expect("made again");
}

/// A stream deleted and made again starts its sequences at 1: the board notices, says
/// so, and reads the new stream's backlog instead of waiting for sequence 6.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_re_created_stream_is_read_again_from_its_start_and_the_board_says_so() {
    let dir = TempDir::new("recreated");
    let server = NatsServer::start(&dir.0);
    publish_lines(&server.url(), &dir, "a.ndjson", &heartbeats(0, 5)).await;
    let mut rx = board_source(&server.url(), Duration::from_secs(3600));
    assert_eq!(lines(&mut rx, 5).await.0, vec![0, 1, 2, 3, 4]);

    recreate_stream(&server.url()).await;
    publish_lines(&server.url(), &dir, "b.ndjson", &heartbeats(5, 3)).await;
    let (numbers, states) = lines(&mut rx, 3).await;
    assert_eq!(numbers, vec![5, 6, 7], "the new stream from its start");
    let said = states.iter().find_map(|state| match state {
        SourceState::Down { cause, .. } if *cause == DownCause::NatsStreamRecreated => Some(cause),
        _ => None,
    });
    let said = said.unwrap_or_else(|| panic!("no `stream re-created` among {states:?}"));
    assert!(said.to_string().contains("stream re-created"), "{said}");
    assert_eq!(states.last(), Some(&SourceState::Connected), "{states:?}");

    // Then it follows the new stream live.
    publish_lines(&server.url(), &dir, "c.ndjson", &heartbeats(8, 1)).await;
    assert_eq!(lines(&mut rx, 1).await.0, vec![8]);
}

/// A nats-server without JetStream (no `-js`), on a free port.
fn server_without_jetstream(dir: &TempDir) -> NatsServer {
    let port = crate::common::nats::free_port();
    let config = dir.0.join("no-js.conf");
    std::fs::write(&config, format!("listen: \"127.0.0.1:{port}\"\n")).expect("a configuration");
    let mut server = NatsServer::with_config(port, &config, dir.0.join("no-js.log"));
    assert!(server.launch(), "nats-server without JetStream starts");
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_jetstream_is_named_as_such_by_publish_and_the_board() {
    let dir = TempDir::new("no-js");
    let server = server_without_jetstream(&dir);
    let path = dir.0.join("feed.ndjson");
    std::fs::write(&path, heartbeats(0, 3).join("\n") + "\n").expect("a feed file");
    let (path_text, url) = (path.display().to_string(), server.url());
    let started = std::time::Instant::now();
    let (stderr, code) = run(&["publish", "--feed", &path_text, "--nats", &url]);
    assert_eq!(code, Some(1), "{stderr}");
    // After `publishing on events.wmp`, one sentence.
    assert_eq!(
        stderr.trim().lines().last(),
        Some("forceboard: JetStream is not enabled on the NATS server: start nats-server with -js"),
        "{stderr}"
    );
    // Said at once, not after asking again for minutes.
    assert!(started.elapsed() < LIMIT, "{:?}", started.elapsed());

    let mut rx = board_source(&url, Duration::from_secs(60));
    let cause = loop {
        if let FeedItem::State(SourceState::Down { cause, .. }) = next(&mut rx).await {
            break cause;
        }
    };
    assert_eq!(cause, DownCause::NatsNoJetStream);
    assert_eq!(
        cause.to_string(),
        "NATS: JetStream is not enabled on the server"
    );
}

/// A server that speaks just enough NATS for a client to connect, then answers nothing:
/// JetStream never replies, as while a cluster has no leader. Its URL, and a channel that
/// says when a client asked JetStream something.
fn silent_nats_server() -> (String, std::sync::mpsc::Receiver<()>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
    let addr = listener.local_addr().expect("address");
    let (asked_tx, asked) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let asked_tx = asked_tx.clone();
            std::thread::spawn(move || {
                let info = format!(
                    "INFO {{\"server_id\":\"silent\",\"server_name\":\"silent\",\"version\":\"2.9.10\",\
                     \"go\":\"go1.19\",\"host\":\"127.0.0.1\",\"port\":{},\"headers\":true,\
                     \"max_payload\":1048576,\"proto\":1}}\r\n",
                    addr.port()
                );
                let _ = stream.write_all(info.as_bytes());
                let Ok(reading) = stream.try_clone() else {
                    return;
                };
                for line in BufReader::new(reading).lines() {
                    let Ok(line) = line else { return };
                    if line.starts_with("PING") {
                        let _ = stream.write_all(b"PONG\r\n");
                    }
                    if line.contains("$JS.API") {
                        let _ = asked_tx.send(());
                    }
                }
            });
        }
    });
    (format!("nats://{addr}"), asked)
}

/// Sends `signal` (`TERM`, `INT`) to the process.
fn signal(child: &std::process::Child, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits for `child` to end (failing past `LIMIT`): its output, and how long it took.
async fn ended(child: std::process::Child) -> (std::process::Output, Duration) {
    let started = std::time::Instant::now();
    let output = tokio::time::timeout(
        LIMIT,
        tokio::task::spawn_blocking(move || child.wait_with_output()),
    )
    .await
    .expect("the publisher ends")
    .expect("joined")
    .expect("runs");
    (output, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publisher_waiting_for_a_silent_stream_stops_on_a_signal() {
    let dir = TempDir::new("silent");
    let (url, asked) = silent_nats_server();
    let path = dir.0.join("feed.ndjson");
    std::fs::write(&path, heartbeats(0, 3).join("\n") + "\n").expect("a feed file");
    let publishing = publisher(&url, &path);
    tokio::task::spawn_blocking(move || asked.recv_timeout(LIMIT))
        .await
        .expect("joined")
        .expect("the publisher asks JetStream for its stream");
    signal(&publishing, "TERM");
    let (output, took) = ended(publishing).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(took < forceboard::publish::STOP_LIMIT, "{took:?}: {stderr}");
    assert!(stderr.contains("0 unconfirmed"), "{stderr}");
}

/// Waits until the log file at `path` holds `text`.
async fn until_logged(path: &std::path::Path, text: &str) {
    let deadline = tokio::time::Instant::now() + LIMIT;
    while !std::fs::read_to_string(path)
        .unwrap_or_default()
        .contains(text)
    {
        assert!(tokio::time::Instant::now() < deadline, "no `{text}` logged");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publisher_stopped_while_nats_is_down_ends_in_time_and_counts_the_unconfirmed() {
    let dir = TempDir::new("down-stop");
    let mut server = NatsServer::start(&dir.0);
    let path = dir.0.join("cad.ndjson");
    append(&path, &heartbeats(0, 10));
    let log = dir.0.join("publish.log");
    let log_text = log.display().to_string();
    let publishing = publisher_with(&server.url(), &path, &["--follow", "--log", &log_text]);
    until_all(&server.url(), 10).await;
    server.kill();
    // Five more lines are read and sent while nothing answers.
    append(&path, &heartbeats(10, 5));
    until_logged(&log, "publish not acked").await;
    signal(&publishing, "TERM");
    let (output, took) = ended(publishing).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(took < forceboard::publish::STOP_LIMIT, "{took:?}: {stderr}");
    assert!(stderr.contains("published 10 lines"), "{stderr}");
    assert!(stderr.contains("5 unconfirmed"), "{stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");

    // A second signal ends the wait for acks at once.
    assert!(server.launch(), "the server starts again");
    let log = dir.0.join("again.log");
    let log_text = log.display().to_string();
    let publishing = publisher_with(&server.url(), &path, &["--follow", "--log", &log_text]);
    until_all(&server.url(), 15).await;
    server.kill();
    append(&path, &heartbeats(15, 2));
    until_logged(&log, "publish not acked").await;
    signal(&publishing, "TERM");
    until_logged(&log, "the publisher is stopping").await;
    signal(&publishing, "INT");
    let (output, took) = ended(publishing).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(took < Duration::from_secs(5), "{took:?}: {stderr}");
    assert!(stderr.contains("2 unconfirmed"), "{stderr}");
}

/// `forceboard publish --feed FEED` run in `dir`, to its end.
fn publish_in(dir: &TempDir, url: &str, feed: &str) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(["publish", "--feed", feed, "--nats", url])
        .current_dir(&dir.0)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("publish runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_file_under_another_spelling_is_not_published_again() {
    let dir = TempDir::new("spellings");
    let server = NatsServer::start(&dir.0);
    let path = dir.0.join("day.ndjson");
    std::fs::write(&path, heartbeats(0, 20).join("\n") + "\n").expect("a feed file");
    std::fs::hard_link(&path, dir.0.join("same.ndjson")).expect("a hard link");
    let url = server.url();
    let first = publish_in(&dir, &url, "day.ndjson");
    assert!(first.contains("published 20 lines"), "{first}");
    let absolute = path.display().to_string();
    for spelling in ["./day.ndjson", &absolute, "same.ndjson"] {
        let again = publish_in(&dir, &url, spelling);
        assert!(
            again.contains("published 0 lines") && again.contains("20 skipped"),
            "{spelling}: {again}"
        );
    }
    assert_eq!(stream_lines(&url).await, 20);
}

/// `watch` on a stream deleted and made again: the banner says so, and once the feed's
/// lines are published again the board is LIVE on the same figures (each line once).
#[test]
fn watch_says_stream_re_created_on_screen_and_reads_the_new_stream() {
    let dir = TempDir::new("recreated-pty");
    let server = NatsServer::start(&dir.0);
    let path = dir.0.join("live.ndjson");
    std::fs::write(&path, live_lines().join("\n") + "\n").expect("a feed file");
    let published = publisher(&server.url(), &path)
        .wait_with_output()
        .expect("runs");
    assert!(published.status.success());
    let feed = format!("{}/{SUBJECT}", server.url());
    let mut board = crate::common::pty::Board::start(
        &["watch", "--feed", &feed, "--layout", "standard"],
        120,
        40,
    );
    // 999 mean (4 + 8) / 2 = 6.0 s, as in the other `watch` test.
    board.wait_for("6.0s");

    let since = board.frames_drawn();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(recreate_stream(&server.url()));
    board.wait_until_drawn(since, "FEED DOWN — NATS: stream re-created", |screen| {
        screen.contains("FEED DOWN") && screen.contains("stream re-created")
    });
    // The CAD's lines published again onto the new stream (as a publisher does when
    // its stream is lost): read from its start, counted once.
    let published = publisher(&server.url(), &path)
        .wait_with_output()
        .expect("runs");
    assert!(published.status.success());
    board.wait_until("FEED DOWN gone", |screen| !screen.contains("FEED DOWN"));
    assert!(board.contents().contains("6.0s"), "{}", board.contents());
    board.press("q");
    assert!(board.wait_exit().success());
}
