//! Live feed sources in tests: short timings, and waits for what a source reports, each
//! with a time limit that is only a safety net.

use std::time::Duration;

use forceboard::feed::source::{DownCause, FeedItem, SourceOptions, SourceState};
use forceboard::model::EventBody;
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

/// How long a test waits for what a source reports before failing: far beyond the
/// milliseconds it takes, even on a loaded machine.
pub const LIMIT: Duration = Duration::from_secs(60);

/// Short back-off and polling; a link silent for `idle_limit` is given up on. Connecting
/// (and an HTTP response's head) may take as long as a test waits: no test is about the
/// connect timeout, and on a busy machine a NATS handshake can take seconds.
pub fn fast_with_idle_limit(idle_limit: Duration) -> SourceOptions {
    SourceOptions {
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(400),
        poll_interval: Duration::from_millis(20),
        connect_timeout: LIMIT,
        idle_limit,
    }
}

pub fn good(id: &str) -> String {
    format!(r#"{{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"{id}","line":"999"}}"#)
}

pub async fn next(rx: &mut Receiver<FeedItem>) -> FeedItem {
    timeout(LIMIT, rx.recv())
        .await
        .expect("no feed item within the time limit")
        .expect("the source ended early")
}

pub async fn expect_state(rx: &mut Receiver<FeedItem>, want: SourceState) {
    assert_eq!(next(rx).await, FeedItem::State(want));
}

/// The next item must be a `Down`; returns its cause and delay.
pub async fn expect_down(rx: &mut Receiver<FeedItem>) -> (DownCause, Duration) {
    match next(rx).await {
        FeedItem::State(SourceState::Down { cause, retry_in }) => (cause, retry_in),
        other => panic!("expected Down, got {other:?}"),
    }
}

/// The next item must be an event for call `id` on line `line`.
pub async fn expect_event(rx: &mut Receiver<FeedItem>, line: u64, id: &str) {
    match next(rx).await {
        FeedItem::Event {
            line: got_line,
            event,
        } => {
            assert_eq!(got_line, line, "line number of {id}");
            match event.body {
                EventBody::CallOffered { id: got_id, .. } => assert_eq!(&*got_id, id),
                other => panic!("unexpected body {other:?}"),
            }
        }
        other => panic!("expected event {id} on line {line}, got {other:?}"),
    }
}
