//! Live feed sources: stdin, a file (optionally tailed like `tail -F`), a TCP stream, an
//! HTTP(S) NDJSON stream and a NATS JetStream subject.
//!
//! Each source is one tokio task that splits its bytes into lines with the shared
//! [`LineSplitter`] (never holding more than [`MAX_LINE_BYTES`](crate::feed::lines::MAX_LINE_BYTES)
//! of one line), reads each line with [`classify`], and sends [`FeedItem`]s into a channel.
//! Reconnection and back-off live inside the task; it stops when the receiver is dropped.
//!
//! Lines are numbered from 1 in each stream: a new TCP or HTTP connection, or a new file after
//! a rotation, starts again at 1, so a number always points at a line a person can find.
//!
//! Why a source is down is a [`DownCause`]; its words are made only when shown or logged.
//!
//! The parts: `address` reads `--feed`, `backoff` times the retries, `file` reads stdin and
//! files, `tcp`, `http` and `nats` the network feeds, `cause` names what went wrong.

mod address;
mod backoff;
mod cause;
mod file;
mod http;
pub mod nats;
mod tcp;

use std::path::PathBuf;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::mpsc::Sender;
use tokio::task::JoinHandle;
use tracing::info;

pub use address::{FeedSourceError, HttpUrl, HttpUrlError, TcpAddr, TcpAddrError, UrlSyntaxError};
pub use backoff::backoff_delay;
pub use cause::DownCause;
pub use http::token_is_sendable;

use crate::feed::lines::{Line, LineSplitter};
use crate::feed::map::{MapReader, Mapped};
use crate::feed::parse::{Classified, classify};
use crate::model::{Event, Reject};
use crate::time::Timestamp;
use backoff::{Jitter, scaled_backoff};
use nats::NatsTarget;

/// What a source sends to the board.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedItem {
    /// A parsed event; `line` is its number in this stream. The line itself is not kept:
    /// only the schema's fields were read from it.
    Event { line: u64, event: Event },
    /// A line that was refused; its content is not kept.
    Rejected { line: u64, reason: Reject },
    /// The source's connection state changed.
    State(SourceState),
    /// The line just delivered was written to a stored feed at this instant, some time
    /// before it arrived: a backlog (NATS) comes all at once when a board starts, so the
    /// link's silence counts from when its newest line was written, not from its arrival.
    WrittenAt(Timestamp),
    /// Another board on the same NATS subject acknowledged an alert.
    SharedAck(SharedAck),
    /// Another board on the same NATS subject raised (or cleared) an alert.
    SharedRaise(SharedRaise),
}

/// An alert raised (`raised`) or cleared on a board on the same NATS subject, at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedRaise {
    pub alert: String,
    pub raised: bool,
    pub at: Timestamp,
}

/// What a board shares with the others on its NATS subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shared {
    Ack(SharedAck),
    Raise(SharedRaise),
}

/// An acknowledgement of an alert, as boards on one NATS subject share it: the alert's
/// name, who, their note and when (on the acknowledging board's clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedAck {
    pub alert: String,
    pub by: String,
    pub note: Option<String>,
    pub at: Timestamp,
}

/// A source's connection state, for the board's status line and banners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceState {
    Connecting,
    Connected,
    /// Lost or refused; the source tries again after `retry_in`.
    Down {
        /// Why: its words (e.g. "connection refused", "HTTP 503 Service Unavailable") carry
        /// no feed content and no secrets.
        cause: DownCause,
        retry_in: Duration,
    },
    /// Stdin, or a file read without `--follow`, reached its end.
    Ended,
}

/// Where a live feed comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    Stdin,
    /// A file that cannot be opened is reported `Down` and tried again with back-off.
    /// With `follow` it is tailed like `tail -F`: growth is polled for, and a rotated
    /// (renamed and recreated) or truncated file is read again from its start.
    File {
        path: PathBuf,
        follow: bool,
    },
    /// `tcp://HOST:PORT`.
    Tcp {
        addr: TcpAddr,
    },
    /// An `http://` or `https://` URL.
    Http {
        url: HttpUrl,
    },
    /// One subject of a NATS JetStream stream, read from `replay` ago (the backfill).
    Nats {
        target: NatsTarget,
        replay: Duration,
    },
}

/// Timings of a source; [`Default`] is what the board uses. Tests shorten them.
#[derive(Debug, Clone)]
pub struct SourceOptions {
    /// The first back-off delay (doubling on each failure).
    pub base_delay: Duration,
    /// The longest back-off delay before jitter.
    pub max_delay: Duration,
    /// How often a followed file is checked for growth and rotation.
    pub poll_interval: Duration,
    /// Limit on connecting, the TLS handshake and waiting for the HTTP response head.
    pub connect_timeout: Duration,
    /// A TCP or HTTP connection that delivers no byte for this long is closed and dialled
    /// again: a link that died without a goodbye (a NAT timeout, a server gone without a
    /// FIN) would otherwise look open for ever.
    pub idle_limit: Duration,
}

impl Default for SourceOptions {
    fn default() -> Self {
        SourceOptions {
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            poll_interval: Duration::from_millis(250),
            connect_timeout: Duration::from_secs(10),
            idle_limit: Duration::from_secs(60),
        }
    }
}

/// Starts a source with the default timings. The task ends when `tx` is closed (and, for
/// stdin or a file without follow, after its end). `token` is sent as a bearer token to an
/// HTTP(S) feed and is never logged.
pub fn spawn(source: FeedSource, tx: Sender<FeedItem>, token: Option<String>) -> JoinHandle<()> {
    spawn_with(source, tx, token, SourceOptions::default())
}

/// [`spawn`] with chosen timings.
pub fn spawn_with(
    source: FeedSource,
    tx: Sender<FeedItem>,
    token: Option<String>,
    options: SourceOptions,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let label = source.label();
        let mut runner = Runner {
            tx,
            map: MapReader::installed().map(std::sync::Mutex::new),
            options,
            jitter: Jitter::from_clock(),
            label,
        };
        // `Err(Closed)` only means the board went away: nothing left to do.
        let _ = match source {
            FeedSource::Stdin => runner.run_stdin().await,
            FeedSource::File { path, follow } => runner.run_file(&path, follow).await,
            FeedSource::Tcp { addr } => runner.run_tcp(&addr).await,
            FeedSource::Http { url } => runner.run_http(&url, token).await,
            FeedSource::Nats { target, replay } => runner.run_nats(&target, replay, token).await,
        };
    })
}

/// The receiver was dropped: the source stops.
struct Closed;

type Flow<T> = Result<T, Closed>;

/// How one connection (or one read of a stream) ended.
struct Session {
    /// Whether any bytes arrived (a connection that delivered resets the back-off).
    delivered: bool,
    /// `None` at a clean end of stream.
    cause: Option<DownCause>,
}

impl Session {
    fn failed(cause: DownCause) -> Self {
        Session {
            delivered: false,
            cause: Some(cause),
        }
    }
}

/// A line as the board receives it; a blank line sends nothing.
fn feed_item(line: u64, text: Line<'_>) -> Option<FeedItem> {
    match classify(text) {
        Classified::Event(event) => Some(FeedItem::Event { line, event }),
        Classified::Rejected(reason) => Some(FeedItem::Rejected { line, reason }),
        Classified::Blank => None,
    }
}

/// One running source: its channel, input map, timings, jitter and log name.
struct Runner {
    tx: Sender<FeedItem>,
    /// The installed input map reading this source's records (across its reconnections,
    /// so a record sent again after a reconnection is still a duplicate); `None`: native.
    map: Option<std::sync::Mutex<MapReader>>,
    options: SourceOptions,
    jitter: Jitter,
    label: String,
}

impl Runner {
    async fn send(&self, item: FeedItem) -> Flow<()> {
        self.tx.send(item).await.map_err(|_| Closed)
    }

    async fn state(&self, state: SourceState) -> Flow<()> {
        self.send(FeedItem::State(state)).await
    }

    /// Sends every item completed by `data`.
    async fn pump(&self, splitter: &mut LineSplitter, mut data: &[u8]) -> Flow<()> {
        loop {
            let item = match splitter.next_line(&mut data) {
                Some((line, text)) => match self.mapped(line, text) {
                    Some(items) => {
                        self.send_all(items).await?;
                        continue;
                    }
                    None => feed_item(line, text),
                },
                None => return Ok(()),
            };
            if let Some(item) = item {
                self.send(item).await?;
            }
        }
    }

    /// Sends the stream's unterminated last line, if any.
    async fn flush(&self, splitter: &mut LineSplitter) -> Flow<()> {
        let Some((line, text)) = splitter.finish() else {
            return Ok(());
        };
        if let Some(items) = self.mapped(line, text) {
            return self.send_all(items).await;
        }
        match feed_item(line, text) {
            Some(item) => self.send(item).await,
            None => Ok(()),
        }
    }

    /// What the input map makes of a line (a record already seen makes nothing); `None`
    /// when lines are native.
    fn mapped(&self, line: u64, text: Line<'_>) -> Option<Vec<FeedItem>> {
        let mut map = self
            .map
            .as_ref()?
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mapped = map.read(text);
        Some(match mapped {
            Mapped::Blank | Mapped::Duplicate => Vec::new(),
            Mapped::Rejected(reason) => vec![FeedItem::Rejected { line, reason }],
            Mapped::Events(events) => events
                .into_iter()
                .map(|event| FeedItem::Event { line, event })
                .collect(),
        })
    }

    async fn send_all(&self, items: Vec<FeedItem>) -> Flow<()> {
        for item in items {
            self.send(item).await?;
        }
        Ok(())
    }

    async fn sleep(&self, delay: Duration) -> Flow<()> {
        tokio::select! {
            _ = tokio::time::sleep(delay) => Ok(()),
            _ = self.tx.closed() => Err(Closed),
        }
    }

    /// The back-off for `attempt`, which is counted.
    fn next_delay(&mut self, attempt: &mut u32) -> Duration {
        let delay = scaled_backoff(
            self.options.base_delay,
            self.options.max_delay,
            *attempt,
            self.jitter.next_unit(),
        );
        *attempt = attempt.saturating_add(1);
        delay
    }

    /// Reports the source down, waits out the back-off for `attempt`, and counts the attempt.
    async fn back_off(&mut self, attempt: &mut u32, cause: DownCause) -> Flow<()> {
        let retry_in = self.next_delay(attempt);
        info!(source = %self.label, error = %cause, retry_in_ms = retry_in.as_millis(), "feed down");
        self.state(SourceState::Down { cause, retry_in }).await?;
        self.sleep(retry_in).await
    }

    /// Why an idle connection was closed: no data for the idle limit, in whole seconds.
    fn silent(&self) -> DownCause {
        let millis = self.options.idle_limit.as_millis().div_ceil(1000);
        DownCause::NoData {
            secs: u64::try_from(millis).unwrap_or(u64::MAX),
        }
    }

    /// Reads a stream (stdin, a TCP connection) to its end or first error; `idle_limit`:
    /// the longest silence a network link may keep before it is given up on.
    async fn read_stream<R: AsyncRead + Unpin>(
        &self,
        mut reader: R,
        idle_limit: Option<Duration>,
    ) -> Flow<Session> {
        let mut splitter = LineSplitter::new();
        let mut buffer = vec![0; 64 * 1024];
        let mut delivered = false;
        loop {
            let read = tokio::select! {
                read = within(idle_limit, reader.read(&mut buffer)) => read,
                _ = self.tx.closed() => return Err(Closed),
            };
            let Some(read) = read else {
                return Ok(Session {
                    delivered,
                    cause: Some(self.silent()),
                });
            };
            match read {
                Ok(0) => {
                    self.flush(&mut splitter).await?;
                    return Ok(Session {
                        delivered,
                        cause: None,
                    });
                }
                Ok(n) => {
                    delivered = true;
                    self.pump(&mut splitter, &buffer[..n]).await?;
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => {
                    return Ok(Session {
                        delivered,
                        cause: Some(DownCause::from_io(&error)),
                    });
                }
            }
        }
    }
}

/// `future`'s output, or `None` if `limit` passes first (never, without a limit).
async fn within<F: Future>(limit: Option<Duration>, future: F) -> Option<F::Output> {
    match limit {
        Some(limit) => tokio::time::timeout(limit, future).await.ok(),
        None => Some(future.await),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::feed::lines::MAX_LINE_BYTES;

    /// What `pump` would send from `input`, up to the first item.
    fn next_item(splitter: &mut LineSplitter, input: &mut &[u8]) -> Option<FeedItem> {
        while let Some((line, text)) = splitter.next_line(input) {
            if let Some(item) = feed_item(line, text) {
                return Some(item);
            }
        }
        None
    }

    fn split(chunks: &[&[u8]]) -> (Vec<FeedItem>, Option<FeedItem>) {
        let mut splitter = LineSplitter::new();
        let mut items = Vec::new();
        for chunk in chunks {
            let mut input = *chunk;
            while let Some(item) = next_item(&mut splitter, &mut input) {
                items.push(item);
            }
            assert!(input.is_empty());
        }
        let last = splitter
            .finish()
            .and_then(|(line, text)| feed_item(line, text));
        (items, last)
    }

    const GOOD: &str = r#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z"}"#;

    fn lines_of(items: &[FeedItem]) -> Vec<(u64, Option<Reject>)> {
        items
            .iter()
            .map(|item| match item {
                FeedItem::Event { line, .. } => (*line, None),
                FeedItem::Rejected { line, reason } => (*line, Some(*reason)),
                FeedItem::State(_)
                | FeedItem::WrittenAt(_)
                | FeedItem::SharedAck(_)
                | FeedItem::SharedRaise(_) => {
                    panic!("only lines from a splitter")
                }
            })
            .collect()
    }

    #[test]
    fn lines_split_across_chunks_with_crlf_and_blank_lines_counted() {
        let text = format!("{GOOD}\r\n\n  \r\n{GOOD}\nnope\n{GOOD}");
        let bytes = text.as_bytes();
        // Every split point, so a line may end in any chunk.
        for cut in 0..bytes.len() {
            let (items, last) = split(&[&bytes[..cut], &bytes[cut..]]);
            let mut all = items;
            all.extend(last);
            assert_eq!(
                lines_of(&all),
                vec![(1, None), (4, None), (5, Some(Reject::NotJson)), (6, None)],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_crlf_line_parses_like_an_lf_line() {
        let text = format!("{GOOD}\r\n");
        let (items, _) = split(&[text.as_bytes()]);
        let plain = format!("{GOOD}\n");
        let (plain_items, _) = split(&[plain.as_bytes()]);
        assert!(matches!(&items[0], FeedItem::Event { line: 1, .. }));
        assert_eq!(items, plain_items);
    }

    #[test]
    fn a_long_line_is_refused_without_being_held() {
        let mut splitter = LineSplitter::new();
        let chunk = vec![b'x'; 16 * 1024];
        for _ in 0..64 {
            let mut input = &chunk[..];
            assert!(next_item(&mut splitter, &mut input).is_none());
        }
        assert!(splitter.held_capacity() <= 2 * MAX_LINE_BYTES + 2);
        let tail = format!("\n{GOOD}\n");
        let mut input = tail.as_bytes();
        assert_eq!(
            next_item(&mut splitter, &mut input),
            Some(FeedItem::Rejected {
                line: 1,
                reason: Reject::TooLong
            })
        );
        assert!(matches!(
            next_item(&mut splitter, &mut input),
            Some(FeedItem::Event { line: 2, .. })
        ));
    }

    #[test]
    fn exactly_64_kib_is_accepted_as_a_line_and_one_more_byte_is_not() {
        let exact = vec![b'x'; MAX_LINE_BYTES];
        let mut text = exact.clone();
        text.extend_from_slice(b"\r\n");
        text.extend(vec![b'y'; MAX_LINE_BYTES + 1]);
        text.extend_from_slice(b"\r\n");
        let (items, _) = split(&[&text[..100], &text[100..]]);
        assert_eq!(
            lines_of(&items),
            vec![(1, Some(Reject::NotJson)), (2, Some(Reject::TooLong))]
        );
    }
}
