//! `publish`: bridges any live source (a CAD's TCP or HTTP feed, a followed file, stdin)
//! onto a NATS JetStream stream, one subject per force.
//!
//! Each accepted line is published canonically (schema fields only, the form `serve` and
//! `--record` write) with a message id, and its ack is awaited; rejected lines are counted,
//! never published. Up to [`MAX_IN_FLIGHT`] publishes wait for their acks at once; when
//! that many wait, the source is not read (its channel fills and a TCP or HTTP feed is
//! held back by TCP itself). A publish that fails is sent again, with every one after it,
//! in order, until acked: a line accepted is never dropped, and the same message id makes
//! JetStream drop a copy it already holds.
//!
//! A publisher restarted on the file it was publishing resumes after the last line the
//! stream holds from it (see [`resume`]); other sources rely on the duplicate window.

mod message;
mod resume;
mod stream;

use std::collections::VecDeque;
use std::time::Duration;

use async_nats::jetstream::{self, context::PublishAckFuture, publish::PublishAck};
use tokio::sync::{mpsc, watch};
use tracing::{info, warn};

pub use message::{FILE_ID_HEADER, LINE_HEADER, SOURCE_HEADER, message_id};
pub use stream::{LastPublished, StreamError, StreamSettings, ensure_stream, last_published};

use crate::feed::source::nats::{NatsTarget, connect};
use crate::feed::source::{self, FeedItem, FeedSource, SourceOptions, backoff_delay};
use crate::format::error_chain;
use message::{Outgoing, outgoing};
use resume::{Resume, SourceIdentity};

/// At most this many publishes wait for their acks at once.
pub(crate) const MAX_IN_FLIGHT: usize = 512;

/// How long a stopped publisher waits for the acks still due.
const FLUSH_LIMIT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot connect to NATS: {0}")]
    Connect(crate::feed::DownCause),
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

/// Publishes `options.source` until it ends or `stop` turns true.
pub async fn publish(
    options: PublishOptions,
    stop: watch::Receiver<bool>,
) -> Result<PublishCounts, PublishError> {
    let client = connect(
        &options.target,
        options.token.as_deref(),
        options.source_options.connect_timeout,
        None,
    )
    .await
    .map_err(PublishError::Connect)?;
    let jetstream = jetstream::new(client);
    let subject = options.target.subject.clone();
    let source = SourceIdentity::of(&options.source);
    let resumes = matches!(options.source, FeedSource::File { .. });
    let mut attempt = 0;
    // A cluster electing its leaders, or a server still starting, answers nothing for a
    // few seconds: asked again with back-off before giving up.
    let resume = loop {
        match start_point(&jetstream, &subject, &options.stream, resumes, &source).await {
            Ok(resume) => break resume,
            Err(error) if attempt + 1 < START_ATTEMPTS => {
                warn!(error = %error_chain(&error), "the stream is not answering yet; asking again");
                tokio::time::sleep(backoff_delay(attempt, 0.5)).await;
                attempt += 1;
            }
            Err(error) => return Err(error),
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
        subject,
        source,
        in_flight: VecDeque::new(),
        counts: PublishCounts::default(),
        resume,
        stop,
    };
    let outcome = publisher.run(rx).await;
    reader.abort();
    outcome.map(|()| publisher.counts)
}

/// How many times the stream is asked for before `publish` gives up (about 2 minutes).
const START_ATTEMPTS: u32 = 8;

/// Finds or makes the stream, and where a restarted publisher resumes.
async fn start_point(
    jetstream: &jetstream::Context,
    subject: &str,
    settings: &StreamSettings,
    resumes: bool,
    source: &SourceIdentity,
) -> Result<Resume, PublishError> {
    let stream = ensure_stream(jetstream, subject, settings).await?;
    if resumes {
        Ok(Resume::after(
            last_published(&stream, subject).await?,
            source,
        ))
    } else {
        Ok(Resume::nothing())
    }
}

struct Publisher {
    jetstream: jetstream::Context,
    subject: String,
    source: SourceIdentity,
    /// Sent (or, `None`, failed to send) and not yet acked, oldest first.
    in_flight: VecDeque<(Outgoing, Option<AckFuture>)>,
    stop: watch::Receiver<bool>,
    counts: PublishCounts,
    resume: Resume,
}

impl Publisher {
    async fn run(&mut self, mut rx: mpsc::Receiver<FeedItem>) -> Result<(), PublishError> {
        let mut stop = self.stop.clone();
        loop {
            // The oldest ack is awaited alongside the source, so a publish lost while the
            // line is quiet is sent again within the ack timeout, not when the next 512 come.
            let next = tokio::select! {
                item = rx.recv() => Next::Item(item),
                acked = oldest_ack(&mut self.in_flight), if !self.in_flight.is_empty() => {
                    Next::Acked(acked)
                }
                _ = stop.wait_for(|stopped| *stopped) => break,
            };
            let item = match next {
                Next::Item(item) => item,
                Next::Acked(acked) => {
                    self.settled(acked).await;
                    continue;
                }
            };
            match item {
                Some(FeedItem::Event { line, event }) => {
                    if self.resume.skips(line, &event, &self.source.label)? {
                        self.counts.skipped += 1;
                        continue;
                    }
                    let message = outgoing(&self.source, line, &event);
                    self.send(message).await;
                }
                Some(FeedItem::Rejected { .. }) => self.counts.rejected += 1,
                Some(FeedItem::State(state)) => {
                    info!(source = %self.source.label, ?state, "source")
                }
                Some(FeedItem::WrittenAt(_)) => {}
                None => {
                    self.resume.check_reached(&self.source.label)?;
                    break;
                }
            }
        }
        let flushed = tokio::time::timeout(FLUSH_LIMIT, self.settle_all()).await;
        self.counts.unconfirmed = self.in_flight.len() as u64;
        if flushed.is_err() || self.counts.unconfirmed > 0 {
            warn!(
                unconfirmed = self.counts.unconfirmed,
                "stopped with publishes unacked"
            );
        }
        Ok(())
    }

    /// Publishes one message, first making room among the acks in flight.
    async fn send(&mut self, message: Outgoing) {
        while self.in_flight.len() >= MAX_IN_FLIGHT {
            self.settle_oldest().await;
        }
        let ack = self.start(&message).await;
        self.in_flight.push_back((message, ack));
    }

    /// Sends `message`; its ack is awaited later. (Borrows only what it needs: the acks in
    /// flight are `Send` but not `Sync`.)
    async fn start(&mut self, message: &Outgoing) -> Option<AckFuture> {
        start(&self.jetstream, &self.subject, message).await
    }

    /// Waits for every ack due, unless stopped while the server is away.
    async fn settle_all(&mut self) {
        while !self.in_flight.is_empty() {
            if self.settle_oldest().await == Settled::GaveUp {
                return;
            }
        }
    }

    /// Waits for the oldest ack; if it fails, sends it and every later one again.
    async fn settle_oldest(&mut self) -> Settled {
        let acked = oldest_ack(&mut self.in_flight).await;
        self.settled(acked).await
    }

    /// The oldest publish was acked (`Some`) or not: counts it, or sends it and every
    /// later one again.
    async fn settled(&mut self, acked: Option<PublishAck>) -> Settled {
        let Some((message, _)) = self.in_flight.pop_front() else {
            return Settled::Acked;
        };
        match acked {
            Some(ack) => {
                self.acked(ack.duplicate);
                Settled::Acked
            }
            None => {
                warn!("publish not acked; sending it and those after it again");
                let mut again = vec![message];
                again.extend(self.in_flight.drain(..).map(|(message, _)| message));
                self.resend(again).await
            }
        }
    }

    fn acked(&mut self, duplicate: bool) {
        if duplicate {
            self.counts.duplicates += 1;
        } else {
            self.counts.published += 1;
        }
    }

    /// Sends `messages` one at a time, in order, each until acked (or until stopped).
    async fn resend(&mut self, messages: Vec<Outgoing>) -> Settled {
        let mut messages = messages.into_iter();
        while let Some(message) = messages.next() {
            let mut attempt = 0;
            loop {
                let acked = match self.start(&message).await {
                    Some(ack) => ack.await.ok(),
                    None => None,
                };
                if let Some(ack) = acked {
                    self.acked(ack.duplicate);
                    break;
                }
                let delay = resend_delay(attempt);
                attempt = attempt.saturating_add(1);
                let mut stop = self.stop.clone();
                let stopped = tokio::select! {
                    () = tokio::time::sleep(delay) => false,
                    _ = stop.wait_for(|stopped| *stopped) => true,
                };
                let stopped = stopped || *self.stop.borrow();
                if stopped {
                    // Stopped while the server is away: these stay unconfirmed.
                    self.in_flight.push_back((message, None));
                    self.in_flight
                        .extend(messages.map(|message| (message, None)));
                    return Settled::GaveUp;
                }
            }
        }
        Settled::Acked
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
    subject: &str,
    message: &Outgoing,
) -> Option<AckFuture> {
    jetstream
        .publish_with_headers(
            subject.to_string(),
            message.headers.clone(),
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

/// How waiting for an ack ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settled {
    Acked,
    /// Stopped while publishes failed: they stay in flight, unconfirmed.
    GaveUp,
}
