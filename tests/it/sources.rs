//! Live feed sources against real sockets and files: TCP and HTTP servers on 127.0.0.1 with
//! ephemeral ports, and files in a fresh temporary directory. Every wait has a time limit.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use forceboard::feed::source::{
    DownCause, FeedItem, FeedSource, HttpUrl, SourceOptions, SourceState, TcpAddr, backoff_delay,
    spawn_with,
};
use forceboard::model::Reject;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::timeout;

use crate::common::source::{
    LIMIT, expect_down, expect_event, expect_state, fast_with_idle_limit, good, next,
};

fn fast() -> SourceOptions {
    fast_with_idle_limit(Duration::from_secs(60))
}

fn assert_between(delay: Duration, low_ms: u64, high_ms: u64) {
    assert!(
        delay >= Duration::from_millis(low_ms) && delay <= Duration::from_millis(high_ms),
        "{delay:?} not within {low_ms}..={high_ms} ms"
    );
}

#[test]
fn backoff_schedule_doubles_to_30_s_with_20_percent_jitter() {
    let nominal = [1, 2, 4, 8, 16, 30, 30, 30];
    for (attempt, seconds) in nominal.iter().enumerate() {
        let attempt = attempt as u32;
        let middle = backoff_delay(attempt, 0.5);
        assert_eq!(middle, Duration::from_secs(*seconds), "attempt {attempt}");
        let low = backoff_delay(attempt, 0.0).as_secs_f64();
        let high = backoff_delay(attempt, 0.999_999).as_secs_f64();
        assert!((low - 0.8 * *seconds as f64).abs() < 1e-6, "{low}");
        assert!(
            high < 1.2 * *seconds as f64 && high > 1.199 * *seconds as f64,
            "{high}"
        );
    }
    assert_eq!(backoff_delay(1000, 0.5), Duration::from_secs(30));
}

#[test]
fn feed_source_forms() {
    assert_eq!(FeedSource::parse("-", false), Ok(FeedSource::Stdin));
    assert_eq!(
        FeedSource::parse("feeds/live.ndjson", false),
        Ok(FeedSource::File {
            path: PathBuf::from("feeds/live.ndjson"),
            follow: false
        })
    );
    assert_eq!(
        FeedSource::parse("/var/log/cad.ndjson", true),
        Ok(FeedSource::File {
            path: PathBuf::from("/var/log/cad.ndjson"),
            follow: true
        })
    );
    assert_eq!(
        FeedSource::parse("tcp://127.0.0.1:7070", false),
        Ok(FeedSource::Tcp {
            addr: TcpAddr::from(SocketAddr::from(([127, 0, 0, 1], 7070)))
        })
    );
    assert_eq!(
        FeedSource::parse("tcp://[::1]:7070", false),
        Ok(FeedSource::Tcp {
            addr: TcpAddr::from(SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], 7070)))
        })
    );
    for url in [
        "http://cad.local/feed",
        "https://cad.local:8443/v1/events?from=now",
    ] {
        assert_eq!(
            FeedSource::parse(url, false),
            Ok(FeedSource::Http {
                url: HttpUrl::parse(url).expect("an HTTP feed URL")
            })
        );
    }
    let refused = [
        ("ftp://x", false),
        ("", false),
        ("tcp://cad.local", false),
        ("tcp://cad.local:port", false),
        ("tcp://:7070", false),
        ("tcp://cad.local:0", false),
        ("http://", false),
        ("-", true),
        ("tcp://cad.local:7070", true),
        ("https://user:hunter2@cad.local/", false),
    ];
    for (src, follow) in refused {
        let error = FeedSource::parse(src, follow).expect_err(src).to_string();
        assert!(!error.contains('\n') && error.len() < 160, "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }
    assert!(
        FeedSource::parse("ftp://x", false)
            .unwrap_err()
            .to_string()
            .contains("ftp")
    );
}

#[tokio::test]
async fn tcp_lines_rejects_disconnect_and_reconnect() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = TcpAddr::from(listener.local_addr().unwrap());
    let (tx, mut rx) = mpsc::channel(16);
    let task = spawn_with(FeedSource::Tcp { addr }, tx, None, fast());

    let (mut socket, _) = timeout(LIMIT, listener.accept()).await.unwrap().unwrap();
    let mut payload = format!("{}\n{}\r\n\n{{\"kind\": oops\n", good("A"), good("B")).into_bytes();
    payload.extend(vec![b'x'; 70 * 1024]);
    payload.push(b'\n');
    socket.write_all(&payload).await.unwrap();
    drop(socket);

    expect_state(&mut rx, SourceState::Connecting).await;
    expect_state(&mut rx, SourceState::Connected).await;
    expect_event(&mut rx, 1, "A").await;
    expect_event(&mut rx, 2, "B").await;
    // Line 3 is blank: skipped but counted.
    assert_eq!(
        next(&mut rx).await,
        FeedItem::Rejected {
            line: 4,
            reason: Reject::NotJson
        }
    );
    assert_eq!(
        next(&mut rx).await,
        FeedItem::Rejected {
            line: 5,
            reason: Reject::TooLong
        }
    );
    let (error, retry_in) = expect_down(&mut rx).await;
    assert_eq!(error, DownCause::ConnectionClosed);
    // The connection delivered data, so the back-off starts again from its base.
    assert_between(retry_in, 40, 60);

    expect_state(&mut rx, SourceState::Connecting).await;
    let (mut socket, _) = timeout(LIMIT, listener.accept()).await.unwrap().unwrap();
    expect_state(&mut rx, SourceState::Connected).await;
    socket
        .write_all(format!("{}\n", good("C")).as_bytes())
        .await
        .unwrap();
    // A new connection is a new stream: numbering starts again.
    expect_event(&mut rx, 1, "C").await;

    drop(rx);
    timeout(LIMIT, task).await.unwrap().unwrap();
}

#[tokio::test]
async fn tcp_skips_a_byte_order_mark_split_across_segments_at_the_start_only() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = TcpAddr::from(listener.local_addr().unwrap());
    let (tx, mut rx) = mpsc::channel(16);
    let task = spawn_with(FeedSource::Tcp { addr }, tx, None, fast());

    let (mut socket, _) = timeout(LIMIT, listener.accept()).await.unwrap().unwrap();
    expect_state(&mut rx, SourceState::Connecting).await;
    expect_state(&mut rx, SourceState::Connected).await;
    // The mark's first byte alone, then the rest with line 1, a mark on line 2 (data
    // there) and line 3. (The pause only makes a separate read of the first byte likely;
    // should a busy machine read both writes at once, the verdict is the same.)
    socket.write_all(b"\xEF").await.unwrap();
    socket.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut payload = b"\xBB\xBF".to_vec();
    payload.extend(format!("{}\n\u{feff}{}\n{}\n", good("A"), good("B"), good("C")).bytes());
    socket.write_all(&payload).await.unwrap();

    expect_event(&mut rx, 1, "A").await;
    assert_eq!(
        next(&mut rx).await,
        FeedItem::Rejected {
            line: 2,
            reason: Reject::NotJson
        }
    );
    expect_event(&mut rx, 3, "C").await;

    drop(rx);
    drop(socket);
    timeout(LIMIT, task).await.unwrap().unwrap();
}

#[tokio::test]
async fn tcp_refused_backs_off_doubling() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = TcpAddr::from(listener.local_addr().unwrap());
    drop(listener);
    let (tx, mut rx) = mpsc::channel(16);
    let task = spawn_with(FeedSource::Tcp { addr }, tx, None, fast());
    let mut delays = Vec::new();
    for _ in 0..3 {
        expect_state(&mut rx, SourceState::Connecting).await;
        let (error, retry_in) = expect_down(&mut rx).await;
        assert_eq!(error, DownCause::ConnectionRefused);
        delays.push(retry_in);
    }
    assert_between(delays[0], 40, 60);
    assert_between(delays[1], 80, 120);
    assert_between(delays[2], 160, 240);
    drop(rx);
    timeout(LIMIT, task).await.unwrap().unwrap();
}

/// Reads a request head (up to the blank line) from a test client.
async fn read_head(socket: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = socket.read(&mut byte).await.unwrap();
        assert!(n == 1 && head.len() < 16 * 1024, "bad request head");
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

fn chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

#[tokio::test]
async fn http_chunked_stream_with_bearer_token_then_503() {
    const TOKEN: &str = "s3cret-T0ken";
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        // First request: check the head, stream three lines in awkward chunks, end the body.
        let (mut socket, _) = listener.accept().await.unwrap();
        let head = read_head(&mut socket).await;
        let authorised = head
            .lines()
            .any(|line| line.eq_ignore_ascii_case(&format!("authorization: Bearer {TOKEN}")));
        if !authorised {
            socket
                .write_all(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
                .await
                .unwrap();
            return head;
        }
        socket
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n\
                  Transfer-Encoding: chunked\r\n\r\n",
            )
            .await
            .unwrap();
        let body = format!("{}\n{}\nnot json\n", good("H1"), good("H2"));
        let (first, rest) = body.as_bytes().split_at(30);
        for part in [first, rest] {
            socket.write_all(&chunk(part)).await.unwrap();
            socket.flush().await.unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        socket.write_all(b"0\r\n\r\n").await.unwrap();
        drop(socket);
        // Second request: the service is unavailable.
        let (mut socket, _) = listener.accept().await.unwrap();
        read_head(&mut socket).await;
        socket
            .write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
            .await
            .unwrap();
        head
    });

    let (tx, mut rx) = mpsc::channel(16);
    let url = HttpUrl::parse(&format!("http://{addr}/feed?from=now")).unwrap();
    let task = spawn_with(
        FeedSource::Http { url },
        tx,
        Some(TOKEN.to_string()),
        fast(),
    );
    expect_state(&mut rx, SourceState::Connecting).await;
    expect_state(&mut rx, SourceState::Connected).await;
    expect_event(&mut rx, 1, "H1").await;
    expect_event(&mut rx, 2, "H2").await;
    assert_eq!(
        next(&mut rx).await,
        FeedItem::Rejected {
            line: 3,
            reason: Reject::NotJson
        }
    );
    // A body that ends cleanly is the feed ending, asked for again quietly (no CONNECTING).
    expect_state(&mut rx, SourceState::Ended).await;
    let (error, _) = expect_down(&mut rx).await;
    assert_eq!(error, DownCause::Http { status: 503 });
    assert!(!error.to_string().contains(TOKEN));

    let head = timeout(LIMIT, server).await.unwrap().unwrap();
    assert!(
        head.starts_with("GET /feed?from=now HTTP/1.1\r\n"),
        "{head}"
    );
    drop(rx);
    timeout(LIMIT, task).await.unwrap().unwrap();
}

#[tokio::test]
async fn http_without_the_token_is_refused_and_https_needs_tls() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let head = read_head(&mut socket).await;
        assert!(!head.to_ascii_lowercase().contains("authorization"));
        socket
            .write_all(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
            .await
            .unwrap();
        // An https:// client meets a server that does not speak TLS.
        let (mut socket, _) = listener.accept().await.unwrap();
        let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
    });

    let (tx, mut rx) = mpsc::channel(16);
    let plain = spawn_with(
        FeedSource::Http {
            url: HttpUrl::parse(&format!("http://{addr}/")).unwrap(),
        },
        tx,
        None,
        fast(),
    );
    expect_state(&mut rx, SourceState::Connecting).await;
    assert_eq!(
        expect_down(&mut rx).await.0,
        DownCause::Http { status: 401 }
    );
    drop(rx);
    timeout(LIMIT, plain).await.unwrap().unwrap();

    let (tx, mut rx) = mpsc::channel(16);
    let secure = spawn_with(
        FeedSource::Http {
            url: HttpUrl::parse(&format!("https://{addr}/")).unwrap(),
        },
        tx,
        Some("tok".to_string()),
        fast(),
    );
    expect_state(&mut rx, SourceState::Connecting).await;
    let (error, _) = expect_down(&mut rx).await;
    let error = error.to_string();
    assert!(error.starts_with("TLS") || error.contains("TLS"), "{error}");
    drop(rx);
    timeout(LIMIT, secure).await.unwrap().unwrap();
    timeout(LIMIT, server).await.unwrap().unwrap();
}

/// A fresh directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("forceboard-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn append(path: &std::path::Path, text: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

#[tokio::test]
async fn file_follow_survives_growth_and_rotation() {
    let dir = TempDir::new("follow");
    let path = dir.0.join("feed.ndjson");
    std::fs::write(&path, format!("{}\n{}\n", good("F1"), good("F2"))).unwrap();
    let (tx, mut rx) = mpsc::channel(16);
    let task = spawn_with(
        FeedSource::File {
            path: path.clone(),
            follow: true,
        },
        tx,
        None,
        fast(),
    );
    expect_state(&mut rx, SourceState::Connecting).await;
    expect_state(&mut rx, SourceState::Connected).await;
    expect_event(&mut rx, 1, "F1").await;
    expect_event(&mut rx, 2, "F2").await;

    // Growth, including a line written in two pieces: nothing until it is complete.
    let third = good("F3");
    let (start, end) = third.split_at(20);
    append(&path, start);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(rx.try_recv().is_err(), "a partial line was sent");
    append(&path, &format!("{end}\n"));
    expect_event(&mut rx, 3, "F3").await;

    // Rotation: the file is moved away (and written once more), a new one takes the path.
    let rotated = dir.0.join("feed.ndjson.1");
    std::fs::rename(&path, &rotated).unwrap();
    append(&rotated, &format!("{}\n", good("F4")));
    std::fs::write(&path, format!("{}\n", good("N1"))).unwrap();
    expect_event(&mut rx, 4, "F4").await;
    expect_event(&mut rx, 1, "N1").await;
    append(&path, &format!("{}\n", good("N2")));
    expect_event(&mut rx, 2, "N2").await;

    // Truncation in place (copytruncate): read again from the start.
    std::fs::write(&path, format!("{}\n", good("T1"))).unwrap();
    expect_event(&mut rx, 1, "T1").await;

    drop(rx);
    timeout(LIMIT, task).await.unwrap().unwrap();
}

#[tokio::test]
async fn file_without_follow_ends_and_a_missing_file_is_down() {
    let dir = TempDir::new("once");
    let path = dir.0.join("feed.ndjson");
    // The last line has no newline: it is still a line.
    std::fs::write(&path, format!("{}\n\n{}", good("O1"), good("O2"))).unwrap();
    let (tx, mut rx) = mpsc::channel(16);
    let task = spawn_with(
        FeedSource::File {
            path: path.clone(),
            follow: false,
        },
        tx,
        None,
        fast(),
    );
    expect_state(&mut rx, SourceState::Connecting).await;
    expect_state(&mut rx, SourceState::Connected).await;
    expect_event(&mut rx, 1, "O1").await;
    expect_event(&mut rx, 3, "O2").await;
    expect_state(&mut rx, SourceState::Ended).await;
    timeout(LIMIT, task).await.unwrap().unwrap();
    assert!(rx.recv().await.is_none());

    let (tx, mut rx) = mpsc::channel(16);
    let task = spawn_with(
        FeedSource::File {
            path: dir.0.join("absent.ndjson"),
            follow: true,
        },
        tx,
        None,
        fast(),
    );
    expect_state(&mut rx, SourceState::Connecting).await;
    assert_eq!(expect_down(&mut rx).await.0, DownCause::FileNotFound);
    drop(rx);
    timeout(LIMIT, task).await.unwrap().unwrap();
}
