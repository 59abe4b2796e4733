//! `publish`: bridges any live source (a CAD's TCP or HTTP feed, a followed file, stdin)
//! onto a NATS JetStream stream, one subject per force.
//!
//! Each accepted line is published canonically (schema fields only, the form `serve` and
//! `--record` write) with a message id, and its ack is awaited; rejected lines are counted,
//! never published. The lines the source has ready at once go in one message (up to 256
//! lines or 32 KiB; see [`message_lines`]): a file or a backlog goes out in a few messages
//! of many lines, a live feed's line alone as soon as it comes. Up to [`MAX_IN_FLIGHT`]
//! publishes wait for their acks at once; when that many wait, the source is not read
//! (its channel fills and a TCP or HTTP feed is held back by TCP itself). A publish that
//! fails is sent again, with every one after it, in order, until acked: a line accepted is
//! never dropped, and the same message id makes JetStream drop a copy it already holds.
//!
//! [`message_lines`]: crate::feed::source::nats::message_lines
//!
//! A publisher restarted on the file it was publishing resumes after the last line the
//! stream holds from it (see [`resume`]); other sources rely on the duplicate window.
//!
//! A source that carries a served clock (`serve`, a training room) keeps it: its
//! heartbeats keep `speed` and `epoch`, and each served timeline is marked so that a board
//! reads the one the room is on (see `timeline`).
//!
//! A stop (Ctrl-C, SIGTERM) ends it within [`STOP_LIMIT`] whatever the server does: every
//! wait (connecting, asking for the stream, sending again while the server is away) gives
//! way to it, then the acks still due are awaited for at most [`FLUSH_LIMIT`] (a second
//! stop cuts that short), and what was sent but not acked is counted as unconfirmed.

mod carry;
mod carry_store;
mod message;
mod resume;
mod stream;
mod timeline;

use std::collections::VecDeque;
use std::time::Duration;

use async_nats::Subject;
use async_nats::jetstream::{self, context::PublishAckFuture, publish::PublishAck};
use tokio::sync::{mpsc, watch};
use tracing::{info, warn};

pub use carry_store::CarrySettings;
pub use message::{FILE_ID_HEADER, LINE_HEADER, SOURCE_HEADER, message_id};
pub use stream::{LastPublished, StreamError, StreamSettings, ensure_stream, last_published};

use crate::feed::source::nats::message_lines::StreamPosition;
use crate::feed::source::nats::{NatsTarget, carried, connect, jetstream_missing};
use crate::feed::source::{self, FeedItem, FeedSource, SourceOptions, backoff_delay};
use crate::format::error_chain;
use crate::model::Event;
use carry::{Carry, CarryWrite};
use message::{Gathered, Outgoing, outgoing};
use resume::{Resume, SourceIdentity};
use timeline::{ServedTimelines, TimelineMark};

/// At most this many publishes wait for their acks at once (with up to 256 lines each).
pub(crate) const MAX_IN_FLIGHT: usize = 128;

/// How long a stopped publisher waits for the acks still due.
const FLUSH_LIMIT: Duration = Duration::from_secs(8);

/// A stopped publisher has ended within this: the wait for acks and its last words.
pub const STOP_LIMIT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot connect to NATS: {0}")]
    Connect(crate::feed::DownCause),
    #[error("JetStream is not enabled on the NATS server: start nats-server with -js")]
    NoJetStream,
    #[error("the JetStream stream")]
    Stream(#[from] StreamError),
    #[error(
        "line {line} of {feed} is not the line the stream last holds from it: the file \
         was changed; publish it under another subject, or move the old file away"
    )]
    ResumeMismatch { feed: String, line: u64 },
    #[error(
        "{feed} ended before line {line}, the last line the stream holds from it: the \
         file was truncated or replaced"
    )]
    ResumeShort { feed: String, line: u64 },
}

/// What `publish` needs.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    pub source: FeedSource,
    /// The NATS server, the subject to publish on and the credentials.
    pub target: NatsTarget,
    /// A NATS token (from a file or `FORCEBOARD_NATS_TOKEN`).
    pub token: Option<String>,
    /// The bearer token for an HTTP(S) source (`FORCEBOARD_TOKEN`): never the NATS one, so
    /// neither system is handed the other's secret.
    pub http_token: Option<String>,
    pub stream: StreamSettings,
    pub source_options: SourceOptions,
    /// What is kept for boards started late.
    pub carry: CarrySettings,
}

/// What a publisher did, for its last words.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublishCounts {
    /// Stored by the stream.
    pub published: u64,
    /// Acked as duplicates: the stream already held them.
    pub duplicates: u64,
    /// Refused lines, not published.
    pub rejected: u64,
    /// Skipped on resuming: the stream already held them.
    pub skipped: u64,
    /// Sent but not acked when the publisher was stopped.
    pub unconfirmed: u64,
}

/// Publishes `options.source` until it ends or `stop` turns true; `true` sent again while
/// it waits for the last acks ends it at once.
pub async fn publish(
    options: PublishOptions,
    stop: watch::Receiver<bool>,
) -> Result<PublishCounts, PublishError> {
    // Its state across the waits is large (the stream, the publisher, the carried items):
    // on the heap, not in every caller's future.
    Box::pin(publish_until_stopped(options, stop)).await
}

async fn publish_until_stopped(
    options: PublishOptions,
    mut stop: watch::Receiver<bool>,
) -> Result<PublishCounts, PublishError> {
    let connecting = connect(
        &options.target,
        options.token.as_deref(),
        options.source_options.connect_timeout,
        None,
    );
    let Some(connected) = unless_stopped(&mut stop, connecting).await else {
        info!("the publisher is stopping: stopped while connecting");
        return Ok(PublishCounts::default());
    };
    let jetstream = jetstream::new(connected.map_err(PublishError::Connect)?);
    let subject = options.target.subject.clone();
    let source = SourceIdentity::of(&options.source);
    let resumes = matches!(options.source, FeedSource::File { .. });
    let starting = start_point(&jetstream, &subject, &options.stream, resumes, &source);
    let Some(resume) = unless_stopped(&mut stop, starting).await else {
        info!("the publisher is stopping: stopped before the stream answered");
        return Ok(PublishCounts::default());
    };
    let (resume, stream) = resume?;
    let taking_up = Box::pin(carry_store::take_up(
        &jetstream,
        &stream,
        &subject,
        options.carry,
    ));
    let Some(taken_up) = unless_stopped(&mut stop, taking_up).await else {
        info!("the publisher is stopping: stopped while taking up the carried items");
        return Ok(PublishCounts::default());
    };
    let carried = match taken_up {
        Ok((carry, first_writes)) => {
            let bucket = carried::bucket_name(&stream.cached_info().config.name);
            let (writes, writer) = carry_store::spawn_writer(jetstream.clone(), bucket);
            for write in first_writes {
                let _ = writes.send(write);
            }
            Some(Carried {
                carry,
                writes,
                writer,
            })
        }
        Err(error) => {
            // The stream is published to all the same; late boards backfill by publish time.
            warn!(error = %error_chain(&error), "no bucket for boards started late");
            None
        }
    };
    let (tx, rx) = mpsc::channel(1024);
    let reader = source::spawn_with(
        options.source,
        tx,
        options.http_token,
        options.source_options,
    );
    let mut publisher = Publisher {
        jetstream,
        subject: Subject::from(subject),
        source,
        in_flight: VecDeque::new(),
        counts: PublishCounts::default(),
        resume,
        timelines: ServedTimelines::default(),
        carries_clock: !resumes,
        last_stored: None,
        carried,
        gathered: Gathered::default(),
    };
    // Dropped where it waits when stopped: what it sent stays in `in_flight`.
    let ended = unless_stopped(&mut stop, publisher.run(rx)).await;
    reader.abort();
    match ended {
        Some(Err(error)) => return Err(error),
        Some(Ok(())) => {}
        None => info!(
            in_flight = publisher.in_flight.len(),
            "the publisher is stopping: waiting for the acks still due"
        ),
    }
    publisher.flush(&mut stop).await;
    if let Some(carried) = publisher.carried.take() {
        carried.finish(&mut stop).await;
    }
    Ok(publisher.counts)
}

/// `work`'s outcome, or `None` if `stop` turned true first.
async fn unless_stopped<T>(
    stop: &mut watch::Receiver<bool>,
    work: impl Future<Output = T>,
) -> Option<T> {
    tokio::select! {
        outcome = work => Some(outcome),
        () = stopped(stop) => None,
    }
}

/// Returns once `stop` is true (never, if its sender is gone while false).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    if stop.wait_for(|stopped| *stopped).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// How many times the stream is asked for before `publish` gives up (about 2 minutes).
const START_ATTEMPTS: u32 = 8;

/// Finds or makes the stream, and where a restarted publisher resumes. A cluster electing
/// its leaders, or a server still starting, answers nothing for a few seconds: asked again
/// with back-off before giving up; a server without JetStream is refused at once.
async fn start_point(
    jetstream: &jetstream::Context,
    subject: &str,
    settings: &StreamSettings,
    resumes: bool,
    source: &SourceIdentity,
) -> Result<(Resume, jetstream::stream::Stream), PublishError> {
    let mut attempt = 0;
    loop {
        match try_start_point(jetstream, subject, settings, resumes, source).await {
            Ok(started) => return Ok(started),
            Err(_) if jetstream_missing(jetstream).await => {
                return Err(PublishError::NoJetStream);
            }
            Err(error) if attempt + 1 < START_ATTEMPTS => {
                warn!(error = %error_chain(&error), "the stream is not answering yet; asking again");
                tokio::time::sleep(backoff_delay(attempt, 0.5)).await;
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    }
}

async fn try_start_point(
    jetstream: &jetstream::Context,
    subject: &str,
    settings: &StreamSettings,
    resumes: bool,
    source: &SourceIdentity,
) -> Result<(Resume, jetstream::stream::Stream), PublishError> {
    let stream = ensure_stream(jetstream, subject, settings).await?;
    let resume = if resumes {
        Resume::after(last_published(&stream, subject).await?, source)
    } else {
        Resume::nothing()
    };
    Ok((resume, stream))
}

struct Publisher {
    jetstream: jetstream::Context,
    /// A subject is shared, not copied, by each publish.
    subject: Subject,
    source: SourceIdentity,
    /// Sent (or, `None`, to be sent again) and not yet acked, oldest first. A message is
    /// here from before it is sent until its ack, so a publisher stopped anywhere counts
    /// it as unconfirmed.
    in_flight: VecDeque<(Outgoing, Option<AckFuture>)>,
    counts: PublishCounts,
    resume: Resume,
    /// The served timelines of a source that carries a clock (`serve`).
    timelines: ServedTimelines,
    /// Whether the source may carry a served clock: any but a file (a recording is
    /// published as it was written, and resumed by its lines).
    carries_clock: bool,
    /// The stream sequence of the last message acked.
    last_stored: Option<u64>,
    /// What is kept for boards started late (`None` if the bucket could not be made).
    carried: Option<Carried>,
    /// The lines read for the next message, not yet sent.
    gathered: Gathered,
}

/// The carried items and the writer of their bucket.
struct Carried {
    carry: Carry,
    writes: mpsc::UnboundedSender<CarryWrite>,
    writer: tokio::task::JoinHandle<()>,
}

impl Carried {
    /// Records the lines of an acked message that carry events (not a served clock's).
    fn record(&mut self, sequence: u64, message: &Outgoing) {
        let now = carry_store::publisher_now();
        for (index, line, event) in message.events() {
            let position = StreamPosition { sequence, index };
            for write in self.carry.record(position, event, line, now) {
                let _ = self.writes.send(write);
            }
        }
    }

    /// Writes the record gathered so far: called whenever nothing more is in flight.
    fn flush(&mut self) {
        for write in self.carry.flush() {
            let _ = self.writes.send(write);
        }
    }

    /// Lets the writer finish what it has, for at most [`FLUSH_LIMIT`] or until stopped
    /// again.
    async fn finish(mut self, stop: &mut watch::Receiver<bool>) {
        self.flush();
        let Carried { writes, writer, .. } = self;
        drop(writes);
        let abort = writer.abort_handle();
        let again = async {
            if stop.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            finished = tokio::time::timeout(FLUSH_LIMIT, writer) => {
                if finished.is_err() {
                    warn!("carried items not all written before the publisher stopped");
                }
            }
            () = again => info!("stopped again: not waiting for the carried items"),
        }
        abort.abort();
    }
}

impl Publisher {
    /// Publishes every item of `rx` until the source ends (the caller stops it by
    /// dropping this future).
    async fn run(&mut self, mut rx: mpsc::Receiver<FeedItem>) -> Result<(), PublishError> {
        loop {
            // The oldest ack is awaited alongside the source, so a publish lost while the
            // line is quiet is sent again within the ack timeout, not when the next come.
            // With that many waiting the source is not read.
            let next = tokio::select! {
                item = rx.recv(), if self.in_flight.len() < MAX_IN_FLIGHT => Next::Item(item),
                acked = oldest_ack(&mut self.in_flight), if !self.in_flight.is_empty() => {
                    Next::Acked(acked)
                }
            };
            let item = match next {
                Next::Item(item) => item,
                Next::Acked(acked) => {
                    self.settled(acked).await;
                    continue;
                }
            };
            let mut source_ended = !self.take(item).await?;
            // What the source has ready now joins the same message; a live line that
            // came alone goes alone, at once. (A quiet feed's lines, one message each
            // five minutes apart, stop at the in-flight limit too.)
            while !source_ended && !self.gathered.is_full() && self.in_flight.len() < MAX_IN_FLIGHT
            {
                match rx.try_recv() {
                    Ok(item) => source_ended = !self.take(Some(item)).await?,
                    Err(mpsc::error::TryRecvError::Empty) => break,
                    Err(mpsc::error::TryRecvError::Disconnected) => source_ended = true,
                }
            }
            self.send_gathered().await;
            if source_ended {
                return self.resume.check_reached(&self.source.label);
            }
        }
    }

    /// Takes one item of the source; `false` at its end.
    async fn take(&mut self, item: Option<FeedItem>) -> Result<bool, PublishError> {
        match item {
            Some(FeedItem::Event { line, event }) => {
                if self.resume.skips(line, &event, &self.source.label)? {
                    self.counts.skipped += 1;
                } else if self.timelines.begins(&event) {
                    self.begin_timeline(line, event).await;
                } else {
                    let mark = self.timelines.mark();
                    if let Some(full) = self.gathered.push(&self.source, line, event, mark) {
                        self.send(full).await;
                    }
                }
            }
            Some(FeedItem::Rejected { .. }) => self.counts.rejected += 1,
            Some(FeedItem::State(state)) => {
                info!(source = %self.source.label, ?state, "source");
                if state == source::SourceState::Connected && self.carries_clock {
                    self.timelines.connected();
                }
            }
            Some(FeedItem::WrittenAt(_) | FeedItem::SharedAck(_) | FeedItem::SharedRaise(_)) => {}
            None => return Ok(false),
        }
        Ok(true)
    }

    /// Publishes the lines gathered, if any.
    async fn send_gathered(&mut self) {
        if let Some(message) = self.gathered.take(&self.source) {
            self.send(message).await;
        }
    }

    /// Publishes the clock heartbeat that begins a served timeline once every publish
    /// before it is acked, and waits for its own ack: its stream sequence, which every
    /// later message names, is known before any of them goes out.
    async fn begin_timeline(&mut self, line: u64, clock: Event) {
        self.send_gathered().await;
        self.settle_all().await;
        self.last_stored = None;
        self.send(outgoing(&self.source, line, clock, TimelineMark::Start))
            .await;
        self.settle_all().await;
        if let Some(sequence) = self.last_stored {
            info!(source = %self.source.label, sequence, "a served timeline begins");
            self.timelines.started_at(sequence);
        }
    }

    /// Waits for the acks still due, for at most [`FLUSH_LIMIT`] or until `stop` is sent
    /// again; what is left is unconfirmed.
    async fn flush(&mut self, stop: &mut watch::Receiver<bool>) {
        stop.borrow_and_update();
        // Lines read but not yet sent (stopped while a message was being gathered) are
        // sent with the rest: unsent, they are sent again by the first wait below.
        if let Some(message) = self.gathered.take(&self.source) {
            self.in_flight.push_back((message, None));
        }
        let again = async {
            if stop.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            _ = tokio::time::timeout(FLUSH_LIMIT, self.settle_all()) => {}
            () = again => info!("stopped again: not waiting for the acks still due"),
        }
        self.counts.unconfirmed = self
            .in_flight
            .iter()
            .map(|(message, _)| message.line_count())
            .sum();
        if self.counts.unconfirmed > 0 {
            warn!(
                unconfirmed = self.counts.unconfirmed,
                "stopped with publishes unacked"
            );
        }
    }

    /// Publishes one message; its ack is awaited later.
    async fn send(&mut self, message: Outgoing) {
        self.in_flight.push_back((message, None));
        let Some((sending, _)) = self.in_flight.back() else {
            return;
        };
        let ack = start(&self.jetstream, &self.subject, &self.source, sending).await;
        if let Some(last) = self.in_flight.back_mut() {
            last.1 = ack;
        }
    }

    /// Waits for every ack due.
    async fn settle_all(&mut self) {
        while !self.in_flight.is_empty() {
            let acked = oldest_ack(&mut self.in_flight).await;
            self.settled(acked).await;
        }
    }

    /// The oldest publish was acked (`Some`) or not: counts it, or sends it and every
    /// later one again.
    async fn settled(&mut self, acked: Option<PublishAck>) {
        match acked {
            Some(ack) => {
                let message = self.in_flight.pop_front().map(|(message, _)| message);
                self.acked(&ack, message.as_ref());
            }
            None => {
                warn!("publish not acked; sending it and those after it again");
                self.resend_all().await;
            }
        }
    }

    fn acked(&mut self, ack: &PublishAck, message: Option<&Outgoing>) {
        self.last_stored = Some(ack.sequence);
        let Some(message) = message else { return };
        if let Some(carried) = self.carried.as_mut() {
            carried.record(ack.sequence, message);
            // Caught up: what is gathered for the bucket goes now, not when a record fills.
            if self.in_flight.is_empty() {
                carried.flush();
            }
        }
        if ack.duplicate {
            self.counts.duplicates += message.line_count();
        } else {
            self.counts.published += message.line_count();
        }
    }

    /// Sends every message in flight again, one at a time, in order, each until acked.
    /// They stay in `in_flight` until acked, so a stop meanwhile counts them.
    async fn resend_all(&mut self) {
        // Acks of the first sending may never come: each is sent again instead.
        for (_, ack) in &mut self.in_flight {
            *ack = None;
        }
        while let Some((message, _)) = self.in_flight.front() {
            let mut attempt = 0;
            loop {
                let acked = match start(&self.jetstream, &self.subject, &self.source, message).await
                {
                    Some(ack) => ack.await.ok(),
                    None => None,
                };
                if let Some(ack) = acked {
                    let message = self.in_flight.pop_front().map(|(message, _)| message);
                    self.acked(&ack, message.as_ref());
                    break;
                }
                tokio::time::sleep(resend_delay(attempt)).await;
                attempt = attempt.saturating_add(1);
            }
        }
    }
}

/// The wait before sending an unacked message again: 250 ms doubling to 2 s. Short, since
/// a cluster electing a new stream leader answers again within seconds, and every line
/// behind waits on this one.
fn resend_delay(attempt: u32) -> Duration {
    Duration::from_millis(250).saturating_mul(1 << attempt.min(3))
}

async fn start(
    jetstream: &jetstream::Context,
    subject: &Subject,
    source: &SourceIdentity,
    message: &Outgoing,
) -> Option<AckFuture> {
    jetstream
        .publish_with_headers(
            subject.clone(),
            message.headers(source),
            message.payload.clone(),
        )
        .await
        .ok()
        .map(IntoFuture::into_future)
}

/// A publish's ack on its way (JetStream's ack timeout included).
type AckFuture = <PublishAckFuture as IntoFuture>::IntoFuture;

/// What the publisher's loop woke for.
enum Next {
    Item(Option<FeedItem>),
    Acked(Option<PublishAck>),
}

/// The oldest publish's ack, or `None` if it failed or was never sent. It stays in
/// `in_flight` (awaited by reference), so a wait cut short loses nothing.
async fn oldest_ack(in_flight: &mut VecDeque<(Outgoing, Option<AckFuture>)>) -> Option<PublishAck> {
    match in_flight.front_mut() {
        Some((_, Some(ack))) => ack.await.ok(),
        _ => None,
    }
}
