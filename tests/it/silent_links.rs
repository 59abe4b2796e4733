//! Live links that die quietly or end: a connection that says nothing for the idle limit is
//! closed and dialled again, and an HTTP response that simply ends is FEED ENDED, polled
//! again with a growing back-off. Servers on 127.0.0.1 with ephemeral ports; every wait
//! has a time limit, only a safety net. What the product times is asserted never to
//! happen sooner than it should, measured so that a busy machine can only make it later.

use std::time::{Duration, Instant};

use forceboard::feed::source::{
    DownCause, FeedItem, FeedSource, HttpUrl, SourceOptions, SourceState, TcpAddr, spawn_with,
};
use forceboard::model::EventBody;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{self, Receiver};
use tokio::time::timeout;

use crate::common::source::{LIMIT, expect_down, expect_state, fast_with_idle_limit, good, next};

/// Short timings: a link silent for 300 ms is given up on.
fn fast() -> SourceOptions {
    fast_with_idle_limit(Duration::from_millis(300))
}

async fn expect_call(rx: &mut Receiver<FeedItem>, id: &str) {
    match next(rx).await {
        FeedItem::Event { event, .. } => match event.body {
            EventBody::CallOffered { id: got, .. } => assert_eq!(&*got, id),
            other => panic!("unexpected body {other:?}"),
        },
        other => panic!("expected call {id}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_silent_tcp_link_is_closed_after_the_idle_limit_and_dialled_again() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = TcpAddr::from(listener.local_addr().unwrap());
    let (tx, mut rx) = mpsc::channel(16);
    // Before the source exists: the link cannot have been silent for longer than this.
    let started = Instant::now();
    let task = spawn_with(FeedSource::Tcp { addr }, tx, None, fast());

    // Accepted, then nothing at all: a half-open link as the board sees it.
    let (silent, _) = timeout(LIMIT, listener.accept()).await.unwrap().unwrap();
    expect_state(&mut rx, SourceState::Connecting).await;
    expect_state(&mut rx, SourceState::Connected).await;
    let (cause, _) = expect_down(&mut rx).await;
    // 300 ms is shown rounded up to whole seconds.
    assert_eq!(cause, DownCause::NoData { secs: 1 });
    assert_eq!(cause.to_string(), "no data for 1 s");
    assert!(started.elapsed() >= Duration::from_millis(300));

    // The second connection delivers: its line is sent at once, so however late the
    // test looks again, the link is never silent for the idle limit.
    let (mut socket, _) = timeout(LIMIT, listener.accept()).await.unwrap().unwrap();
    socket
        .write_all(format!("{}\n", good("R")).as_bytes())
        .await
        .unwrap();
    expect_state(&mut rx, SourceState::Connecting).await;
    expect_state(&mut rx, SourceState::Connected).await;
    expect_call(&mut rx, "R").await;
    drop(silent);
    drop(rx);
    timeout(LIMIT, task).await.unwrap().unwrap();
}

#[tokio::test]
async fn a_trickle_within_the_idle_limit_keeps_the_link() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = TcpAddr::from(listener.local_addr().unwrap());
    let (tx, mut rx) = mpsc::channel(16);
    // A limit a hundred times the 20 ms between lines: only a machine that holds the
    // test up for two seconds between two lines could make the link look idle.
    let idle_limit = Duration::from_secs(2);
    let task = spawn_with(
        FeedSource::Tcp { addr },
        tx,
        None,
        fast_with_idle_limit(idle_limit),
    );
    let (mut socket, _) = timeout(LIMIT, listener.accept()).await.unwrap().unwrap();
    expect_state(&mut rx, SourceState::Connecting).await;
    expect_state(&mut rx, SourceState::Connected).await;
    // Lines 20 ms apart for longer than the limit: never idle.
    let started = Instant::now();
    let mut sent = 0;
    while started.elapsed() < idle_limit + Duration::from_millis(500) {
        sent += 1;
        let id = format!("T{sent}");
        socket
            .write_all(format!("{}\n", good(&id)).as_bytes())
            .await
            .unwrap();
        expect_call(&mut rx, &id).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(rx);
    timeout(LIMIT, task).await.unwrap().unwrap();
}

/// Reads a request head (up to the blank line) from a test client.
async fn read_head(socket: &mut TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = timeout(LIMIT, socket.read(&mut byte))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "the client closed mid-head");
        head.push(byte[0]);
    }
}

#[tokio::test]
async fn an_http_response_that_goes_silent_is_closed_and_asked_again() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        read_head(&mut socket).await;
        socket
            .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            .await
            .unwrap();
        // The head, then silence; the client must give up and ask again.
        let (mut again, _) = listener.accept().await.unwrap();
        read_head(&mut again).await;
        drop(socket);
    });
    let (tx, mut rx) = mpsc::channel(16);
    let url = HttpUrl::parse(&format!("http://{addr}/feed")).unwrap();
    let task = spawn_with(FeedSource::Http { url }, tx, None, fast());
    expect_state(&mut rx, SourceState::Connecting).await;
    expect_state(&mut rx, SourceState::Connected).await;
    let (cause, _) = expect_down(&mut rx).await;
    assert_eq!(cause, DownCause::NoData { secs: 1 });
    expect_state(&mut rx, SourceState::Connecting).await;
    timeout(LIMIT, server).await.unwrap().unwrap();
    drop(rx);
    timeout(LIMIT, task).await.unwrap().unwrap();
}

#[tokio::test]
async fn a_file_served_over_http_ends_and_is_polled_with_a_growing_back_off() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let body = format!("{}\n", good("F"));
    // The server times the gaps: from a whole reply written (before the source can have
    // read it, and so before its back-off starts) to the next request's connection
    // accepted (after the back-off): never shorter than the back-off.
    let server = tokio::spawn(async move {
        let mut gaps = Vec::new();
        let mut replied: Option<Instant> = None;
        for _ in 0..3 {
            let (mut socket, _) = listener.accept().await.unwrap();
            if let Some(at) = replied {
                gaps.push(at.elapsed());
            }
            read_head(&mut socket).await;
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(reply.as_bytes()).await.unwrap();
            replied = Some(Instant::now());
        }
        gaps
    });
    let (tx, mut rx) = mpsc::channel(16);
    let url = HttpUrl::parse(&format!("http://{addr}/day.ndjson")).unwrap();
    let task = spawn_with(FeedSource::Http { url }, tx, None, fast());
    expect_state(&mut rx, SourceState::Connecting).await;
    // Each fetch: connected, the one line, ended; never DOWN, never CONNECTING again.
    for _ in 0..3 {
        expect_state(&mut rx, SourceState::Connected).await;
        expect_call(&mut rx, "F").await;
        expect_state(&mut rx, SourceState::Ended).await;
    }
    // The back-off is not reset by the delivery: 50 ms then 100 ms nominal, ±20 %.
    let gaps = timeout(LIMIT, server).await.unwrap().unwrap();
    assert!(gaps[0] >= Duration::from_millis(40), "{gaps:?}");
    assert!(gaps[1] >= Duration::from_millis(80), "{gaps:?}");
    drop(rx);
    timeout(LIMIT, task).await.unwrap().unwrap();
}
