//! A NATS JetStream feed: one force's subject on a stream, read by a pull consumer.
//!
//! At start it asks for every message from `replay` ago (the largest window and the
//! pairing grace, by the messages' publish times), so a board started at 3 a.m. has the
//! last 24 hours at once, then follows live. Each message holds one line or several (see
//! [`mod@message_lines`]); a line's number is its message's stream sequence, which a person
//! can look up with the `nats` tool.
//!
//! When the link to the server is lost the board shows DOWN (the client reconnects by
//! itself, to any server of the cluster it learnt of); once it is back, a new ordered
//! consumer starts at the sequence after the last one received, and any message at or
//! below it is dropped, so nothing is missed or counted twice.
//!
//! The consumer is pulled (`PULL_BATCH` messages at a time, asked for again as the board
//! takes them), so a backfill waits on the server, not in the client's memory. It is a
//! plain pull consumer driven here, not async-nats's ordered one: that one remakes itself
//! inside the client when its stream's leader goes or the stream is made again, so this
//! code would never see the failure, never read a new stream from its start, and never say
//! so. Here any failure of the consumer, or a gap in its sequence, ends it, and the board
//! makes the next one itself (from the stream's info, which tells a new stream).
//!
//! A stream deleted and made again (a single node's store lost, an administrator) starts
//! its sequences at 1 again: asking it for what follows the last sequence seen would
//! drop every new message. Each consumer is made on a stream known by its creation time;
//! a stream made since (or holding less than was delivered) is a new one, and its
//! backlog is read again from `replay` ago. The board shows `stream re-created` for a
//! moment; lines it already counted come again and the engine drops them as duplicates.
//!
//! LIVE and STALE come from the messages themselves (events and the CAD's heartbeats), as
//! for TCP: a link that is up but carries nothing for `stale_after` is STALE. The last
//! message of a backlog says when it was stored (`FeedItem::WrittenAt`), so a board
//! started on a feed gone quiet is STALE at once, not LIVE on lines hours old.
//!
//! A subject that carries a served training clock is read otherwise: from the start of
//! the timeline it is on now, clock first (see `training`).

pub mod carried;
mod connect;
pub mod late_join;
pub mod message_lines;
pub mod shared_acks;
mod training;

use std::time::Duration;

use async_nats::connection::State;
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, pull};
use async_nats::jetstream::{self, stream};
use async_nats::{Client, Event};
use futures_util::StreamExt;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tracing::{info, warn};

pub use connect::{
    DEFAULT_NATS_PORT, NatsAddressError, NatsCredentials, NatsTarget, SubjectError, check_subject,
    connect, jetstream_missing,
};
pub use training::{TIMELINE_HEADER, TIMELINE_START};

use super::{Closed, DownCause, FeedItem, Flow, Runner, SourceState, feed_item};
use crate::feed::lines::{Line, MAX_LINE_BYTES};
use crate::time::{Span, Timestamp};
use message_lines::message_lines;
use training::{ServedBacklog, clock_read_at, current_timeline, starts_timeline};

/// How many messages the consumer asks for at once: the most the client holds for the
/// board (a push consumer had the server send the whole backlog, and the client queued up
/// to 65,536 messages: over 50 MB of a national backfill; performance §26). A message
/// holds up to 32 KiB of lines, so at most 2 MiB wait here.
const PULL_BATCH: usize = 64;

/// How long one pull request waits on a quiet subject before it is made again.
const PULL_EXPIRES: Duration = Duration::from_secs(30);

/// The server says it is there this often while a pull waits on a quiet subject; nothing
/// for twice this ends the consumer (its node or stream gone), and the board makes another.
const PULL_HEARTBEAT: Duration = Duration::from_secs(5);

/// The backfill of the default configuration: its largest window (24 h) and the pairing
/// grace (2 min). A board replaces it with its own configuration's.
pub(crate) const DEFAULT_BACKFILL: Duration = Duration::from_secs(24 * 3600 + 120);

/// Where the next consumer starts.
#[derive(Debug, Clone, Copy)]
enum Start {
    /// Everything the stream holds (a replay longer than the calendar can subtract).
    All,
    /// At the first message published at or after this time (the backfill).
    Time(OffsetDateTime),
    /// After this stream sequence: the last one delivered.
    After(u64),
}

impl Start {
    fn policy(self) -> DeliverPolicy {
        match self {
            Start::All => DeliverPolicy::All,
            Start::Time(start_time) => DeliverPolicy::ByStartTime { start_time },
            Start::After(sequence) => DeliverPolicy::ByStartSequence {
                start_sequence: sequence.saturating_add(1),
            },
        }
    }
}

/// How one consumer's reading ended.
enum Interrupted {
    /// The connection dropped: wait for the client to reconnect.
    Disconnected,
    /// The consumer failed (or could not be made): try again after a back-off.
    Failed(DownCause),
    /// The stream is not the one read so far: read the new one from the backfill.
    StreamRecreated,
}

/// The stream a board reads, and where its next consumer starts.
struct Position {
    start: Start,
    /// When the stream read so far was made: a stream made at another time is a new one.
    stream_created: Option<OffsetDateTime>,
    /// Where a new stream is read from.
    replay: Duration,
}

impl Position {
    /// Whether `info` describes a stream other than the one read so far (remembering
    /// it either way).
    fn is_new_stream(&mut self, info: &stream::Info) -> bool {
        let made_again = self
            .stream_created
            .is_some_and(|created| created != info.created);
        // A stream holding less than was delivered cannot be the one it came from.
        let went_back = matches!(self.start, Start::After(last) if info.state.last_sequence < last);
        self.stream_created = Some(info.created);
        made_again || went_back
    }
}

impl Runner {
    pub(super) async fn run_nats(
        &mut self,
        target: &NatsTarget,
        replay: Duration,
        token: Option<String>,
    ) -> Flow<()> {
        let mut attempt = 0;
        let (events_tx, mut events) = mpsc::unbounded_channel();
        let mut position = Position {
            start: backfill_start(replay),
            stream_created: None,
            replay,
        };
        let client = loop {
            self.state(SourceState::Connecting).await?;
            let connecting = connect(
                target,
                token.as_deref(),
                self.options.connect_timeout,
                Some(events_tx.clone()),
            );
            let connected = tokio::select! {
                connected = connecting => connected,
                _ = self.tx.closed() => return Err(Closed),
            };
            match connected {
                Ok(client) => break client,
                Err(cause) => self.back_off(&mut attempt, cause).await?,
            }
        };
        let jetstream = jetstream::new(client.clone());
        loop {
            // Events from before this consumer tell nothing about it.
            while events.try_recv().is_ok() {}
            let interrupted = self
                .follow(&client, &jetstream, target, &mut position, &mut events)
                .await?;
            match interrupted {
                Interrupted::Disconnected => {
                    attempt = 0;
                    self.until_connected(&client).await?;
                    self.state(SourceState::Connecting).await?;
                }
                Interrupted::Failed(cause) => self.back_off(&mut attempt, cause).await?,
                Interrupted::StreamRecreated => {
                    // Said on the board for the first (short) back-off, then read again.
                    attempt = 0;
                    self.back_off(&mut attempt, DownCause::NatsStreamRecreated)
                        .await?;
                }
            }
        }
    }

    /// Shows the link down until the client has reconnected by itself. The client keeps
    /// its own time between tries; each back-off that passes with no link says DOWN again
    /// with the next, so the banner's countdown never sits at zero.
    async fn until_connected(&mut self, client: &Client) -> Flow<()> {
        let cause = DownCause::ConnectionClosed;
        let mut attempt = 0;
        loop {
            let retry_in = self.next_delay(&mut attempt);
            info!(source = %self.label, error = %cause, retry_in_ms = retry_in.as_millis(), "feed down");
            self.state(SourceState::Down { cause, retry_in }).await?;
            let mut waited = Duration::ZERO;
            while waited < retry_in {
                if client.connection_state() == State::Connected {
                    return Ok(());
                }
                self.sleep(self.options.poll_interval).await?;
                waited = waited.saturating_add(self.options.poll_interval);
            }
        }
    }

    /// Makes a consumer from `start` and sends its messages until it fails.
    async fn follow(
        &self,
        client: &Client,
        jetstream: &jetstream::Context,
        target: &NatsTarget,
        position: &mut Position,
        events: &mut mpsc::UnboundedReceiver<Event>,
    ) -> Flow<Interrupted> {
        let found = tokio::select! {
            found = stream_of(jetstream, &target.subject) => found,
            _ = self.tx.closed() => return Err(Closed),
        };
        let stream = match found {
            Ok(stream) => stream,
            Err(cause) => return Ok(Interrupted::Failed(cause)),
        };
        if position.is_new_stream(stream.cached_info()) {
            let last_read = position.start;
            position.start = backfill_start(position.replay);
            warn!(source = %self.label, ?last_read, "stream re-created: reading its backlog again");
            return Ok(Interrupted::StreamRecreated);
        }
        // A served training feed is read from the start of its current timeline, on every
        // (re)connection: the board starts again from its clock, as on a link to `serve`.
        let timeline = tokio::select! {
            timeline = current_timeline(&stream, &target.subject) => timeline,
            _ = self.tx.closed() => return Err(Closed),
        };
        if let Some(first) = timeline {
            position.start = Start::After(first.saturating_sub(1));
        }
        // A first backfill starts where the feed's own time says, after what was carried
        // for it: the calls and incidents begun before and still open, or closed after.
        let mut carried = Vec::new();
        if timeline.is_none() && matches!(position.start, Start::Time(_) | Start::All) {
            let now =
                stored_at(OffsetDateTime::now_utc()).unwrap_or(Timestamp::from_nanos(i64::MAX));
            let backfill = (now, Span::from_duration(position.replay));
            let reading = late_join::read(jetstream, client, &stream, &target.subject, backfill);
            let late = tokio::select! {
                late = reading => late,
                _ = self.tx.closed() => return Err(Closed),
            };
            if let Some(late) = late {
                info!(source = %self.label, from = late.from, carried = late.lines.len(), "backfill by the feed's time");
                position.start = Start::After(late.from.saturating_sub(1));
                carried = late.lines;
            }
        }
        let mut served = timeline.map(|_| ServedBacklog::default());
        let start = &mut position.start;
        let made = tokio::select! {
            made = pull_consumer(&stream, &target.subject, *start) => made,
            _ = self.tx.closed() => return Err(Closed),
        };
        let mut messages = match made {
            Ok(messages) => messages,
            Err(cause) => return Ok(Interrupted::Failed(cause)),
        };
        info!(source = %self.label, start = ?start, "feed connected");
        self.state(SourceState::Connected).await?;
        for (position, line) in carried {
            if let Some(item) = feed_item(position.sequence, Line::Text(&line)) {
                self.send(item).await?;
            }
        }
        let mut backlog_done = false;
        let mut consumer_sequence: u64 = 0;
        loop {
            let next = tokio::select! {
                next = messages.next() => next,
                event = events.recv() => match event {
                    Some(Event::Disconnected) => return Ok(Interrupted::Disconnected),
                    _ => continue,
                },
                _ = self.tx.closed() => return Err(Closed),
            };
            let message = match next {
                Some(Ok(message)) => message,
                Some(Err(error)) => {
                    info!(source = %self.label, error = %error, "consumer failed");
                    return Ok(Interrupted::Failed(DownCause::NatsConsumer));
                }
                None => return Ok(Interrupted::Failed(DownCause::ConnectionClosed)),
            };
            // Without its sequences a message cannot be placed (as before: not a line).
            let Ok(info) = message.info() else {
                continue;
            };
            // The consumer numbers what it delivers 1, 2, 3…: anything else is a message
            // lost between the server and here, and the next consumer starts after the
            // last one sent.
            if consumer_sequence.checked_add(1) != Some(info.consumer_sequence) {
                info!(source = %self.label, after = consumer_sequence, got = info.consumer_sequence, "consumer skipped");
                return Ok(Interrupted::Failed(DownCause::NatsConsumer));
            }
            consumer_sequence = info.consumer_sequence;
            if let Some((items, stored)) = received(&message, &info, start) {
                let timeline_begins = starts_timeline(message.headers.as_ref());
                if timeline_begins && served.is_none() {
                    // As a new connection to `serve`: the board starts again.
                    self.state(SourceState::Connected).await?;
                }
                for item in items {
                    match served.as_mut() {
                        Some(backlog) => backlog.push(item, timeline_begins, stored),
                        None => {
                            let now = OffsetDateTime::now_utc();
                            self.send(clock_read_at(item, stored, now)).await?;
                        }
                    }
                }
            }
            if !backlog_done && info.pending == 0 {
                if let Some(backlog) = served.take() {
                    for item in backlog.into_items(OffsetDateTime::now_utc()) {
                        self.send(item).await?;
                    }
                }
                self.end_of_backlog(info.published).await?;
                backlog_done = true;
            }
        }
    }
}

/// One message's lines (one, or several: see [`mod@message_lines`]), each numbered by the
/// message's stream sequence, with when it was stored, unless it was already sent (at or
/// below `start`).
fn received<'m>(
    message: &'m jetstream::Message,
    info: &jetstream::message::Info<'_>,
    start: &mut Start,
) -> Option<(impl Iterator<Item = FeedItem> + 'm, OffsetDateTime)> {
    let (sequence, stored) = (info.stream_sequence, info.published);
    // A consumer made again may deliver what was already sent.
    if let Start::After(last) = *start
        && sequence <= last
    {
        return None;
    }
    *start = Start::After(sequence);
    let items = message_lines(&message.payload).filter_map(move |(_, text)| {
        let line = if text.len() > MAX_LINE_BYTES {
            Line::TooLong
        } else {
            Line::Text(text)
        };
        feed_item(sequence, line)
    });
    Some((items, stored))
}

impl Runner {
    /// At the end of the backlog, says when its last message was stored, so the board
    /// judges the link from then and does not count the backlog as a rate.
    async fn end_of_backlog(&self, published: OffsetDateTime) -> Flow<()> {
        match stored_at(published) {
            Some(written) => self.send(FeedItem::WrittenAt(written)).await,
            None => Ok(()),
        }
    }
}

/// When a message was stored, as an instant (`None` past the year 2262).
fn stored_at(published: OffsetDateTime) -> Option<Timestamp> {
    i64::try_from(published.unix_timestamp_nanos())
        .ok()
        .map(Timestamp::from_nanos)
}

/// From `replay` ago; everything, if that is before the calendar's start.
fn backfill_start(replay: Duration) -> Start {
    time::Duration::try_from(replay)
        .ok()
        .and_then(|span| OffsetDateTime::now_utc().checked_sub(span))
        .map_or(Start::All, Start::Time)
}

/// The stream that holds `subject`, with its info (when it was made).
async fn stream_of(
    jetstream: &jetstream::Context,
    subject: &str,
) -> Result<stream::Stream, DownCause> {
    let found = match jetstream.stream_by_subject(subject).await {
        Ok(stream_name) => jetstream.get_stream(&stream_name).await.ok(),
        Err(_) => None,
    };
    match found {
        Some(stream) => Ok(stream),
        None if jetstream_missing(jetstream).await => Err(DownCause::NatsNoJetStream),
        None => Err(DownCause::NatsNoStream),
    }
}

/// A pull consumer on `stream` for `subject`, starting at `start`, and its messages,
/// asked for `PULL_BATCH` at a time. Like an ordered consumer it is ephemeral, in memory,
/// on one node and without acks: a board only reads, and makes another when it fails.
async fn pull_consumer(
    stream: &stream::Stream,
    subject: &str,
    start: Start,
) -> Result<pull::Stream, DownCause> {
    let config = pull::Config {
        filter_subject: subject.to_string(),
        deliver_policy: start.policy(),
        ack_policy: AckPolicy::None,
        max_deliver: 1,
        inactive_threshold: Duration::from_secs(30),
        num_replicas: 1,
        memory_storage: true,
        ..pull::Config::default()
    };
    let consumer = stream
        .create_consumer(config)
        .await
        .map_err(|_| DownCause::NatsConsumer)?;
    consumer
        .stream()
        .max_messages_per_batch(PULL_BATCH)
        .expires(PULL_EXPIRES)
        .heartbeat(PULL_HEARTBEAT)
        .messages()
        .await
        .map_err(|_| DownCause::NatsConsumer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::source::FeedSource;

    #[test]
    fn a_nats_feed_replays_a_day_and_two_minutes_unless_the_board_says_otherwise() {
        let source = FeedSource::parse("nats://nats-1/events.wmp", false).expect("valid");
        let FeedSource::Nats { target, replay } = source else {
            panic!("a NATS feed");
        };
        assert_eq!(target.server, "nats://nats-1:4222");
        assert_eq!(replay, Duration::from_secs(86_400 + 120));
        assert!(FeedSource::parse("nats://nats-1/events.wmp", true).is_err());
    }

    #[test]
    fn a_replay_too_long_for_the_calendar_asks_for_everything() {
        assert!(matches!(backfill_start(Duration::MAX), Start::All));
        assert!(matches!(
            backfill_start(Duration::from_secs(60)),
            Start::Time(_)
        ));
    }

    #[test]
    fn a_restarted_consumer_starts_after_the_last_sequence() {
        assert_eq!(
            Start::After(41).policy(),
            DeliverPolicy::ByStartSequence { start_sequence: 42 }
        );
    }

    #[test]
    fn a_server_without_jetstream_says_how_to_start_one() {
        let cause = DownCause::NatsNoJetStream;
        assert_eq!(cause.hint(), Some("start nats-server with -js"));
        assert_eq!(
            DownCause::NatsStreamRecreated.to_string(),
            "NATS: stream re-created, reading it again"
        );
    }
}
