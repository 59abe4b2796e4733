//! `serve` under abuse: clients that never read, clients that stop reading after the end
//! of the file, and more connections than `max_clients`. Every test binds port 0 on
//! 127.0.0.1 and waits for what the server does, never for a while: that a client has been
//! dropped shows in a second connection being let in past `max_clients`. Each runs under
//! a safety net far beyond the seconds it takes.

use std::fmt::Write as _;
use std::future::Future;
use std::time::Duration;

use forceboard::serve::ServeOptions;
use forceboard::time::{Span, Timestamp, format_utc, parse_rfc3339};
use socket2::{Domain, Socket, Type};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader, Lines};
use tokio::net::{TcpSocket, TcpStream};

use crate::common::serve::{SAFETY, Server, first_line};

/// 2024-07-01T11:00:00Z.
const T0: Timestamp = Timestamp::from_nanos(1_719_831_600_000_000_000);

/// `calls` 999 calls, `per_second` offered each second, each answered 2 s after its offer:
/// `2 × calls` lines.
fn busy_feed(calls: i64, per_second: i64) -> String {
    let mut feed = String::new();
    for i in 0..calls {
        let offered = T0 + Span::from_secs(i / per_second);
        write!(
            feed,
            "{{\"kind\":\"call_offered\",\"at\":\"{}\",\"id\":\"B{i}\",\"line\":\"999\",\"lpa\":\"WAL\"}}\n\
             {{\"kind\":\"call_answered\",\"at\":\"{}\",\"id\":\"B{i}\"}}\n",
            format_utc(offered),
            format_utc(offered + Span::from_secs(2))
        )
        .unwrap();
    }
    feed
}

impl Server {
    /// A connection whose buffers fill after a few kilobytes: a small receive buffer,
    /// and small segments (on loopback the server's send buffer starts at ten segments).
    async fn cramped(&self) -> TcpStream {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
        socket.set_recv_buffer_size(2048).expect("small buffer");
        socket.set_tcp_mss(536).expect("small segments");
        socket.set_nonblocking(true).expect("for tokio");
        let socket = TcpSocket::from_std_stream(socket.into());
        socket.connect(self.addr).await.expect("connects")
    }

    async fn reader(&self) -> Lines<BufReader<TcpStream>> {
        let stream = TcpStream::connect(self.addr).await.expect("connects");
        BufReader::new(stream).lines()
    }
}

/// The test, failing if it has not finished within the safety net.
async fn within<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(SAFETY, test)
        .await
        .expect("finished within the safety net")
}

fn is_heartbeat(line: &str) -> bool {
    line.starts_with(r#"{"kind":"heartbeat""#)
}

/// The served time a line is dated.
fn served_at(line: &str) -> Timestamp {
    let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
    parse_rfc3339(value["at"].as_str().expect("an at")).expect("a time")
}

/// Reads until `events` event lines have come; returns how many lines came in all.
async fn read_events(lines: &mut Lines<BufReader<TcpStream>>, events: usize) -> usize {
    let (mut seen, mut all) = (0, 0);
    while seen < events {
        let line = lines.next_line().await.expect("reads").expect("connected");
        all += 1;
        if !is_heartbeat(&line) {
            seen += 1;
        }
    }
    all
}

/// Reads whatever the server had sent a connection, up to its end (the server closed it).
async fn read_to_the_end(mut stream: TcpStream) -> usize {
    let mut received = Vec::new();
    // A reset after the server aborted the client also ends it.
    let _ = stream.read_to_end(&mut received).await;
    received.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joiner_that_never_reads_its_backlog_is_dropped_after_the_drain_limit() {
    within(async {
        // 20,000 lines (about 2.5 MB), all dated an hour or more before `from`: sent at
        // once, they are the backlog of every joiner, far more than the socket buffers
        // hold.
        let calls = 10_000;
        let feed = busy_feed(calls, 50);
        let last_event = T0 + Span::from_secs(calls / 50 + 2);
        let options = ServeOptions {
            from: Some(last_event + Span::HOUR),
            heartbeat: Duration::from_millis(20),
            // Far longer than the test holds any other connection open.
            drain_limit: Duration::from_secs(2),
            // Never too slow for the heartbeats, whatever the drain limit.
            client_buffer: 1_000_000,
            // One client: while the sleeper is connected, every other connection is refused.
            max_clients: 1,
            ..ServeOptions::default()
        };
        let server = Server::start(&feed, options).await;
        // The whole file is sent before the server lets anyone in: the sleeper's first
        // line, its clock, reads the start (and every event an hour or more before it).
        let mut sleeper = server.cramped().await;
        let clock = first_line(&mut sleeper).await.expect("let in");
        assert!(
            served_at(&clock) >= last_event + Span::HOUR,
            "{clock} before the start"
        );
        // It reads nothing more. Another connection is let in once it has been dropped,
        // after the drain limit and a check.
        drop(server.wait_until_admitted().await);
        // Dropped: it gets what the socket's buffers held, then the end.
        let sent = read_to_the_end(sleeper).await;
        assert!(sent > 0);
        let stats = server.stop().await;
        assert_eq!(stats.clients, 2, "{stats:?}");
        assert_eq!(stats.dropped_backlog, 1, "{stats:?}");
        assert_eq!(stats.dropped_slow + stats.dropped_stalled, 0, "{stats:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_after_the_end_is_dropped() {
    within(async {
        let feed = busy_feed(50, 5);
        let options = ServeOptions {
            speed: 10_000.0,
            // A heartbeat a millisecond fills its socket's buffers within a second or so.
            heartbeat: Duration::from_millis(1),
            drain_limit: Duration::from_secs(1),
            // Never too slow: it is dropped for taking nothing, however late it is checked.
            client_buffer: 1_000_000,
            // While it is connected, every other connection is refused.
            max_clients: 1,
            ..ServeOptions::default()
        };
        let server = Server::start(&feed, options).await;
        let stream = server.cramped().await;
        let mut lines = BufReader::new(stream).lines();
        // It reads the whole file, then stops reading (and stays connected).
        read_events(&mut lines, 100).await;
        // Another connection is let in once it has been dropped.
        drop(server.wait_until_admitted().await);
        let stats = server.stop().await;
        assert_eq!(stats.clients, 2, "{stats:?}");
        assert_eq!(stats.dropped_stalled, 1, "{stats:?}");
        assert_eq!(stats.dropped_slow + stats.dropped_backlog, 0, "{stats:?}");
        drop(lines);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_max_clients_a_connection_is_closed_and_the_first_ones_still_get_every_line() {
    within(async {
        // 400 lines over 200 served seconds: 2 s at ×100.
        let feed = busy_feed(200, 1);
        let options = ServeOptions {
            speed: 100.0,
            max_clients: 3,
            ..ServeOptions::default()
        };
        let server = Server::start(&feed, options).await;
        let mut first = Vec::new();
        for _ in 0..3 {
            let mut lines = server.reader().await;
            // The clock heartbeat: it is connected.
            let clock = lines.next_line().await.expect("reads").expect("connected");
            assert!(is_heartbeat(&clock), "{clock}");
            first.push(lines);
        }
        // The fourth is closed at once, without a line.
        let fourth = TcpStream::connect(server.addr).await.expect("connects");
        assert_eq!(read_to_the_end(fourth).await, 0);
        for lines in &mut first {
            read_events(lines, 400).await;
        }
        // A place freed is taken again.
        drop(first.pop());
        let (again, _) = server.wait_until_admitted().await;
        assert!(is_heartbeat(&again), "{again}");
        let stats = server.stop().await;
        assert_eq!(stats.clients, 4, "{stats:?}");
        assert!(stats.refused >= 1, "{stats:?}");
        assert_eq!(stats.dropped_slow, 0, "{stats:?}");
    })
    .await;
}

#[test]
fn the_command_refuses_a_bad_limit_in_one_sentence_with_exit_2() {
    for (flag, value, expected) in [
        ("--max-clients", "0", "--max-clients"),
        (
            "--drain-limit",
            "0s",
            "--drain-limit must be a duration from 1s to 24h",
        ),
        (
            "--drain-limit",
            "soon",
            "--drain-limit must be a duration from 1s to 24h",
        ),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_forceboard"))
            .args([
                "serve",
                "fixtures/spec-example.ndjson",
                "--listen",
                "127.0.0.1:0",
            ])
            .args([flag, value])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{flag} {value}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}
