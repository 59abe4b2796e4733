//! `serve` under abuse: clients that never read, clients that stop reading after the end
//! of the file, and more connections than `max_clients`. Every test binds port 0 on
//! 127.0.0.1 and runs under a generous timeout; nothing is timed more tightly than "is
//! dropped eventually".

use std::fmt::Write as _;
use std::future::Future;
use std::time::Duration;

use forceboard::serve::ServeOptions;
use forceboard::time::{Span, Timestamp, format_utc};
use socket2::{Domain, Socket, Type};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader, Lines};
use tokio::net::{TcpSocket, TcpStream};

use crate::common::serve::Server;

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

async fn within<T>(seconds: u64, test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), test)
        .await
        .expect("finished in time")
}

fn is_heartbeat(line: &str) -> bool {
    line.starts_with(r#"{"kind":"heartbeat""#)
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
    within(30, async {
        // 200,000 lines (about 25 MB), 50 calls a served second: 0.2 s at ×10,000, all
        // of it in the backlog (24 h), far more than the socket buffers hold.
        let feed = busy_feed(100_000, 50);
        let options = ServeOptions {
            speed: 10_000.0,
            heartbeat: Duration::from_millis(20),
            drain_limit: Duration::from_millis(500),
            // Never too slow for the live lines, should it join before the end.
            client_buffer: 1_000_000,
            ..ServeOptions::default()
        };
        let server = Server::start(&feed, options).await;
        // By now most or all of the file has been sent (it takes a debug build longer
        // than 0.2 s): it is the backlog.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let sleeper = server.cramped().await;
        // Dropped after the limit and a check; the bound is generous. It gets what the
        // socket's buffers held, then the end.
        let sent = within(10, read_to_the_end(sleeper)).await;
        assert!(sent > 0);
        let stats = server.stop().await;
        assert_eq!(stats.clients, 1);
        assert_eq!(stats.dropped_backlog, 1, "{stats:?}");
        assert_eq!(stats.dropped_slow + stats.dropped_stalled, 0, "{stats:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_after_the_end_is_dropped() {
    within(30, async {
        let feed = busy_feed(50, 5);
        let options = ServeOptions {
            speed: 10_000.0,
            // A heartbeat a millisecond fills its socket's buffers within a second or so.
            heartbeat: Duration::from_millis(1),
            drain_limit: Duration::from_millis(300),
            ..ServeOptions::default()
        };
        let server = Server::start(&feed, options).await;
        let stream = server.cramped().await;
        let mut lines = BufReader::new(stream).lines();
        // It reads the whole file, then stops reading.
        read_events(&mut lines, 100).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let stats = server.stop().await;
        assert_eq!(stats.dropped_stalled, 1, "{stats:?}");
        assert_eq!(stats.dropped_slow + stats.dropped_backlog, 0, "{stats:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_max_clients_a_connection_is_closed_and_the_first_ones_still_get_every_line() {
    within(30, async {
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
        assert_eq!(within(5, read_to_the_end(fourth)).await, 0);
        for lines in &mut first {
            read_events(lines, 400).await;
        }
        // A place freed is taken again.
        drop(first.pop());
        let again = loop {
            let stream = TcpStream::connect(server.addr).await.expect("connects");
            let mut lines = BufReader::new(stream).lines();
            if let Ok(Some(line)) = lines.next_line().await {
                break line;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
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
