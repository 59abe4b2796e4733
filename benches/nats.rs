//! Measurements of the NATS path for BENCHMARKS.md, against a real nats-server on
//! loopback (Debian's `nats-server` package): `cargo bench --bench nats`.

// A bench or example stops at the first thing that goes wrong: unwrap and expect say where.
// Its data is small and made here, so its indices and counts are cast without checks. It
// exports nothing: `pub` says what its modules share.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

// The nats-server helper the tests use, so the bench starts its server the same way.
#[path = "../tests/common/nats.rs"]
#[allow(dead_code)] // the tests use more of it than the bench
mod nats_server;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use forceboard::app::Timeline;
use forceboard::config::Config;
use forceboard::feed::source::nats::NatsTarget;
use forceboard::feed::source::{self, FeedItem, FeedSource, SourceOptions, TcpAddr};
use forceboard::model::EventBody;
use forceboard::publish::{CarrySettings, PublishCounts, PublishOptions, StreamSettings, publish};
use forceboard::time::WallClock;
use nats_server::{NatsServer, TempDir};

/// The backfill a board with the default windows asks for: 24 h and the 2 min grace.
const REPLAY: Duration = Duration::from_secs(24 * 3600 + 120);

fn target(url: &str, subject: &str) -> NatsTarget {
    NatsTarget::parse(&format!("{url}/{subject}")).expect("a NATS URL")
}

fn options(url: &str, subject: &str, source: FeedSource) -> PublishOptions {
    PublishOptions {
        source,
        target: target(url, subject),
        token: None,
        http_token: None,
        stream: StreamSettings {
            name: "EVENTS".to_string(),
            subjects: vec!["events.>".to_string()],
            max_age: Duration::from_secs(25 * 3600),
            duplicate_window: Duration::from_secs(600),
            replicas: 1,
        },
        source_options: SourceOptions::default(),
        carry: CarrySettings::default(),
    }
}

async fn publish_file(url: &str, subject: &str, path: &Path) -> (PublishCounts, Duration) {
    let file = FeedSource::File {
        path: path.to_path_buf(),
        follow: false,
    };
    let (_stop, stopped) = watch::channel(false);
    let started = Instant::now();
    let counts = publish(options(url, subject, file), stopped)
        .await
        .expect("published");
    (counts, started.elapsed())
}

fn generate(dir: &TempDir, days: u32) -> (PathBuf, u64) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_forceboard"))
        // Schema 1.0, as measured in BENCHMARKS.md §17 (before gen wrote the call handlers).
        .args([
            "gen",
            "--days",
            &days.to_string(),
            "--seed",
            "43",
            "--schema",
            "1.0",
        ])
        .output()
        .expect("gen");
    let path = dir.0.join(format!("gen-{days}.ndjson"));
    std::fs::write(&path, &output.stdout).expect("written");
    let lines = memchr::memchr_iter(b'\n', &output.stdout).count() as u64;
    (path, lines)
}

/// Forces' days laid over the day that ends now (`scripts/national_day.py`): what a
/// national board backfills, by the feed's own time.
fn national_day(dir: &TempDir, forces: u32) -> (PathBuf, u64) {
    let output = std::process::Command::new("python3")
        .args([
            "scripts/national_day.py",
            &forces.to_string(),
            env!("CARGO_BIN_EXE_forceboard"),
        ])
        .output()
        .expect("scripts/national_day.py");
    assert!(output.status.success(), "national_day.py failed");
    let path = dir.0.join(format!("national-{forces}.ndjson"));
    std::fs::write(&path, &output.stdout).expect("written");
    let lines = memchr::memchr_iter(b'\n', &output.stdout).count() as u64;
    (path, lines)
}

fn board(url: &str, subject: &str) -> mpsc::Receiver<FeedItem> {
    let (tx, rx) = mpsc::channel(4096);
    let nats = FeedSource::Nats {
        target: target(url, subject),
        replay: REPLAY,
    };
    source::spawn(nats, tx, None);
    rx
}

/// Takes a live board's backlog into its feed, to the end the source marks; the events
/// taken and the time it took.
async fn backfill(mut rx: mpsc::Receiver<FeedItem>) -> (u64, Duration) {
    let config = Config::default();
    let clock = WallClock::new();
    let mut feed = Timeline::live(&config, clock.now());
    let started = Instant::now();
    let mut events = 0;
    loop {
        let item = rx.recv().await.expect("the source runs");
        let ended = matches!(item, FeedItem::WrittenAt(_));
        if matches!(item, FeedItem::Event { .. }) {
            events += 1;
        }
        feed.apply(item, clock.now());
        if ended {
            break;
        }
    }
    feed.advance(clock.now());
    (events, started.elapsed())
}

/// The limit: an ordered consumer that only counts the subject's messages (each holds one
/// line or several).
async fn raw_consumer(url: &str, subject: &str) -> (u64, Duration) {
    use futures_util::StreamExt;
    let client = async_nats::connect(url).await.expect("connect");
    let jetstream = async_nats::jetstream::new(client.clone());
    let stream = jetstream.get_stream("EVENTS").await.expect("the stream");
    let started = Instant::now();
    let consumer = stream
        .create_consumer(async_nats::jetstream::consumer::push::OrderedConfig {
            deliver_subject: client.new_inbox(),
            filter_subject: subject.to_string(),
            ..Default::default()
        })
        .await
        .expect("a consumer");
    let mut messages = consumer.messages().await.expect("messages");
    let mut count = 0;
    while let Some(message) = messages.next().await {
        let message = message.expect("a message");
        count += 1;
        if message.info().expect("info").pending == 0 {
            break;
        }
    }
    (count, started.elapsed())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(measure_publish_backfill_boards_and_latency());
}

async fn measure_publish_backfill_boards_and_latency() {
    let dir = TempDir::new("measure");
    let server = NatsServer::start(&dir.0);
    let url = server.url();

    // National scale: 50 forces' days at West Midlands rates laid over the last 24 h
    // (about 1.0 M events).
    let (national, lines) = national_day(&dir, 50);
    let (counts, took) = publish_file(&url, "events.national", &national).await;
    println!(
        "publish: {} lines in {took:.2?}: {:.0} lines/s",
        counts.published,
        counts.published as f64 / took.as_secs_f64()
    );
    let (raw, raw_took) = raw_consumer(&url, "events.national").await;
    println!(
        "raw consumer (the limit): {raw} messages (of {lines} lines) in {raw_took:.2?} ({:.0} messages/s)",
        raw as f64 / raw_took.as_secs_f64()
    );
    let (events, took) = backfill(board(&url, "events.national")).await;
    println!(
        "backfill: {events} of {lines} events into a new board in {took:.2?} ({:.0}/s)",
        events as f64 / took.as_secs_f64()
    );

    // 30 boards of one force (a day at West Midlands rates) started at once.
    let (day, day_lines) = generate(&dir, 1);
    publish_file(&url, "events.wmp", &day).await;
    let (_, raw_took) = raw_consumer(&url, "events.wmp").await;
    // The limit for 30 boards: 30 raw consumers at once, on the same two cores.
    let started = Instant::now();
    let raw_consumers: Vec<_> = (0..30)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { raw_consumer(&url, "events.wmp").await })
        })
        .collect();
    for consumer in raw_consumers {
        consumer.await.expect("ran");
    }
    let thirty_raw_took = started.elapsed();
    let started = Instant::now();
    let boards: Vec<_> = (0..30)
        .map(|_| tokio::spawn(backfill(board(&url, "events.wmp"))))
        .collect();
    let mut slowest = Duration::ZERO;
    for board in boards {
        slowest = slowest.max(board.await.expect("ran").1);
    }
    println!(
        "30 boards: each {day_lines} events; all filled {:.2?} after starting (slowest {slowest:.2?}; one raw consumer {raw_took:.2?}; 30 raw consumers at once, the limit: all done {thirty_raw_took:.2?})",
        started.elapsed()
    );

    latency(&url).await;
}

/// A CAD on TCP → publish → stream → a board's feed: 2,000 lines at 200 a second.
async fn latency(url: &str) {
    let cad = TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let feed = FeedSource::Tcp {
        addr: TcpAddr::from(cad.local_addr().expect("address")),
    };
    let (stop_tx, stop) = watch::channel(false);
    let publisher = tokio::spawn(publish(options(url, "events.latency", feed), stop));
    let (mut link, _) = cad.accept().await.expect("the publisher connects");
    let mut rx = board(url, "events.latency");
    let total = 2_000;
    let sender = tokio::spawn(async move {
        let mut sent = Vec::with_capacity(total);
        let mut tick = tokio::time::interval(Duration::from_millis(5));
        for index in 0..total {
            tick.tick().await;
            let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let line =
                format!(r#"{{"kind":"call_offered","at":"{at}","id":"L{index}","line":"999"}}"#);
            sent.push(Instant::now());
            link.write_all(format!("{line}\n").as_bytes())
                .await
                .expect("sent");
        }
        (sent, link)
    });
    let config = Config::default();
    let clock = WallClock::new();
    let mut board_feed = Timeline::live(&config, clock.now());
    let mut arrived = vec![None; total];
    let mut seen = 0;
    while seen < total {
        let item = rx.recv().await.expect("the board's source runs");
        let index = match &item {
            FeedItem::Event { event, .. } => match &event.body {
                EventBody::CallOffered { id, .. } => id[1..].parse::<usize>().ok(),
                _ => None,
            },
            _ => None,
        };
        board_feed.apply(item, clock.now());
        if let Some(index) = index {
            arrived[index] = Some(Instant::now());
            seen += 1;
        }
    }
    let (sent, _link) = sender.await.expect("sent");
    let mut latencies: Vec<Duration> = sent
        .iter()
        .zip(&arrived)
        .map(|(sent, arrived)| arrived.expect("arrived") - *sent)
        .collect();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    println!(
        "latency CAD line → board feed: p50 {:.2?}, p99 {:.2?}, max {:.2?} ({total} lines at 200/s)",
        at(0.5),
        at(0.99),
        at(1.0)
    );
    let _ = stop_tx.send(true);
    let _ = publisher.await;
}
