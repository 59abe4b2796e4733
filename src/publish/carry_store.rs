//! The bucket beside the stream where `publish` keeps what boards started late need (see
//! [`carried`]): made if missing, taken up again by a restarted publisher, and written in
//! the background so the stream's publishing never waits for it.
//!
//! Writes are gathered: of several to one key only the last is sent, all of a batch are
//! sent before their acks are awaited, and a batch is done before the next begins, so a
//! key's writes never overtake one another. A batch's purges (of whole generations, see
//! [`Carry`]) run once all its writes are stored, and not at all if one failed, so an
//! item is never between two copies with neither there; a purge leaves no marker.
//!
//! [`carried`]: crate::feed::source::nats::carried

use std::collections::HashMap;
use std::time::Duration;

use async_nats::jetstream::{self, stream};
use futures_util::future::join_all;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::{info, warn};

use super::carry::{Carry, CarryWrite};
use crate::feed::parse::parse_line;
use crate::feed::source::nats::TIMELINE_HEADER;
use crate::feed::source::nats::carried::{
    TimeIndex, bucket_name, decode_lines, index_key, item_of_key,
};
use crate::feed::source::nats::late_join::{backlog, carried_values, created_nanos};
use crate::feed::source::nats::message_lines::{StreamPosition, message_lines};
use crate::time::{Span, Timestamp};

/// What `publish` carries for late boards.
#[derive(Debug, Clone, Copy)]
pub struct CarrySettings {
    /// A board's backfill: the configuration's largest window and the pairing grace.
    pub backfill: Span,
    /// The longest plausible call: a call open longer is refused when it closes.
    pub call_life: Span,
}

impl Default for CarrySettings {
    /// The default configuration's: a day and the 2 min pairing grace; calls of 24 h.
    fn default() -> CarrySettings {
        CarrySettings {
            backfill: Span::from_duration(crate::feed::source::nats::DEFAULT_BACKFILL),
            call_life: Span::from_hours(24),
        }
    }
}

/// The bucket's stream, as JetStream's key-value buckets are made (one value per key,
/// read directly), made here rather than through the client's key-value API: that asks
/// the server for account details older servers (2.9) answer in a form it cannot read.
fn bucket_config(bucket: &str, replicas: usize) -> stream::Config {
    stream::Config {
        name: format!("KV_{bucket}"),
        description: Some("forceboard: what a board started late needs".to_string()),
        subjects: vec![format!("$KV.{bucket}.>")],
        max_messages_per_subject: 1,
        discard: stream::DiscardPolicy::New,
        allow_rollup: true,
        deny_delete: true,
        allow_direct: true,
        num_replicas: replicas,
        storage: stream::StorageType::File,
        ..stream::Config::default()
    }
}

/// At most this many writes in one batch.
const BATCH: usize = 4096;

/// The publisher's clock, as an instant.
pub(crate) fn publisher_now() -> Timestamp {
    let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos();
    Timestamp::from_nanos(i64::try_from(nanos).unwrap_or(i64::MAX))
}

/// Makes the bucket if missing and takes up what it and the stream hold: the items carried
/// so far, the index, and the lines since the oldest a board's backfill can start at
/// (items not carried yet). Returns the writes that brings (items that aged meanwhile).
pub(crate) async fn take_up(
    jetstream: &jetstream::Context,
    stream: &stream::Stream,
    subject: &str,
    settings: CarrySettings,
) -> Result<(Carry, Vec<CarryWrite>), jetstream::context::CreateStreamError> {
    let info = stream.cached_info();
    let bucket = bucket_name(&info.config.name);
    if jetstream.get_stream(format!("KV_{bucket}")).await.is_err() {
        jetstream
            .create_stream(bucket_config(&bucket, info.config.num_replicas))
            .await?;
    }
    let created = created_nanos(info.created);
    // This run's records are named by when it started, so it never writes over another's.
    let run = u64::try_from(publisher_now().nanos()).unwrap_or(0);
    let mut carry = Carry::new(
        subject,
        settings.backfill,
        settings.call_life,
        (created, run),
    );
    let client = jetstream.client();
    let Some(values) = carried_values(jetstream, &client, &bucket, subject).await else {
        warn!(%bucket, "the bucket of carried items could not be read: starting afresh");
        return Ok((carry, Vec::new()));
    };
    let index_key = index_key(subject);
    let mut taken = Vec::new();
    for (key, value) in &values {
        if *key == index_key {
            if let Some(index) = TimeIndex::from_bytes(value) {
                carry.resume_index(&index);
            }
            continue;
        }
        // The boards' shared acknowledgements live in the bucket too.
        let Some(item_key) = item_of_key(key, subject) else {
            continue;
        };
        if item_key.generation.is_none() {
            // Written before generations: written again at the first step, then purged.
            carry.resume_legacy_key(key);
        }
        taken.extend(
            decode_lines(value)
                .into_iter()
                .filter_map(|(position, line)| {
                    let event = parse_line(&line).ok()?;
                    let text: Box<str> = std::str::from_utf8(&line).ok()?.into();
                    Some((position, item_key.generation, event, text))
                }),
        );
    }
    // An item's lines may be spread over several records: taken up in stream order.
    taken.sort_by_key(|(position, generation, ..)| (*position, *generation));
    let carried_lines = taken.len();
    for (position, generation, event, text) in &taken {
        carry.resume_line((*position, event, text), *generation);
    }
    let mut writes = Vec::new();
    let mut replayed = 0;
    if let Some(from) = carry.replay_from() {
        let policy = jetstream::consumer::DeliverPolicy::ByStartSequence {
            start_sequence: from,
        };
        let now = publisher_now();
        for message in backlog(&client, stream, subject, policy)
            .await
            .unwrap_or_default()
        {
            let in_training = message
                .headers
                .as_ref()
                .is_some_and(|headers| headers.get(TIMELINE_HEADER).is_some());
            let Ok(info) = message.info() else { continue };
            if in_training {
                continue;
            }
            for (index, line) in message_lines(&message.payload) {
                let (Ok(event), Ok(text)) = (parse_line(line), std::str::from_utf8(line)) else {
                    continue;
                };
                let position = StreamPosition {
                    sequence: info.stream_sequence,
                    index,
                };
                writes.extend(carry.record(position, &event, text, now));
                replayed += 1;
            }
        }
    }
    writes.extend(carry.flush());
    info!(%bucket, carried_lines, replayed, "carried items taken up");
    Ok((carry, writes))
}

/// Writes to the bucket in the background; dropping the sender ends it once every write
/// it has is done.
pub(crate) fn spawn_writer(
    jetstream: jetstream::Context,
    bucket: String,
) -> (mpsc::UnboundedSender<CarryWrite>, JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<CarryWrite>();
    let writer = tokio::spawn(async move {
        let kv_stream = loop {
            match jetstream.get_stream(format!("KV_{bucket}")).await {
                Ok(stream) => break stream,
                Err(error) => {
                    warn!(%bucket, %error, "the bucket of carried items is not answering");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        };
        let mut batch = Batch::default();
        loop {
            if batch.is_empty() {
                match rx.recv().await {
                    Some(write) => batch.add(write),
                    None => return,
                }
            }
            while batch.len() < BATCH {
                match rx.try_recv() {
                    Ok(write) => batch.add(write),
                    Err(_) => break,
                }
            }
            let failed = batch.send(&jetstream, &kv_stream, &bucket).await;
            batch = Batch::default();
            if !failed.is_empty() {
                warn!(%bucket, failed = failed.len(), "carried items not written; writing them again");
                tokio::time::sleep(Duration::from_millis(500)).await;
                for write in failed {
                    batch.add(write);
                }
            }
        }
    });
    (tx, writer)
}

/// Writes gathered: the last to each key, in the order keys were first written.
#[derive(Default)]
struct Batch {
    writes: Vec<CarryWrite>,
    position: HashMap<String, usize>,
}

impl Batch {
    fn add(&mut self, write: CarryWrite) {
        let key = match &write {
            CarryWrite::Put { key, .. } | CarryWrite::Delete { key } => key.clone(),
        };
        match self.position.get(&key) {
            Some(&at) => self.writes[at] = write,
            None => {
                self.position.insert(key, self.writes.len());
                self.writes.push(write);
            }
        }
    }

    fn len(&self) -> usize {
        self.writes.len()
    }

    fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    /// Sends every write, then awaits them all; returns those that failed.
    async fn send(
        self,
        jetstream: &jetstream::Context,
        kv_stream: &stream::Stream,
        bucket: &str,
    ) -> Vec<CarryWrite> {
        let mut acks = Vec::new();
        let mut purges = Vec::new();
        for write in &self.writes {
            match write {
                CarryWrite::Put { key, value } => {
                    let subject = format!("$KV.{bucket}.{key}");
                    acks.push(jetstream.publish(subject, value.clone()).await.ok());
                }
                CarryWrite::Delete { key } => {
                    let subject = format!("$KV.{bucket}.{key}");
                    purges.push(async move { kv_stream.purge().filter(subject).await.is_ok() });
                }
            }
        }
        let mut done = Vec::with_capacity(self.writes.len());
        for ack in acks {
            done.push(match ack {
                Some(ack) => ack.await.is_ok(),
                None => false,
            });
        }
        // A purge may take the only other copy of an item just written: none runs until
        // every write of the batch is stored (they are tried again with the failed ones).
        let all_stored = done.iter().all(|stored| *stored);
        let purged: Vec<bool> = if all_stored {
            join_all(purges).await
        } else {
            vec![false; purges.len()]
        };
        let mut purged = purged.into_iter();
        let mut put = done.into_iter();
        self.writes
            .into_iter()
            .filter(|write| {
                let ok = match write {
                    CarryWrite::Put { .. } => put.next().unwrap_or(false),
                    CarryWrite::Delete { .. } => purged.next().unwrap_or(false),
                };
                !ok
            })
            .collect()
    }
}
