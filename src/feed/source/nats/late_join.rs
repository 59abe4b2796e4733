//! Reading what `publish` carried for a board started late (see [`carried`]): the items
//! whose life crosses the start of its backfill, and where in the stream that starts.
//!
//! [`carried`]: super::carried

use async_nats::Client;
use async_nats::jetstream::consumer::DeliverPolicy;
use async_nats::jetstream::consumer::push::OrderedConfig;
use async_nats::jetstream::{self, stream};
use bytes::Bytes;
use futures_util::StreamExt;
use time::OffsetDateTime;

use super::carried::{TimeIndex, bucket_name, decode_lines, index_key, is_item_of, subject_tokens};
use super::message_lines::StreamPosition;
use crate::time::{Span, Timestamp};

/// The header JetStream's key-value buckets mark a deleted or purged key with.
const KV_OPERATION_HEADER: &str = "KV-Operation";

/// What a board reads before the stream: the carried lines of messages before `from`, in
/// stream order, and the sequence its backfill starts at.
#[derive(Debug)]
pub(super) struct LateJoin {
    pub(super) from: u64,
    pub(super) lines: Vec<(StreamPosition, Bytes)>,
}

/// When `stream` was made, in Unix nanoseconds (0 past the year 2262).
pub fn created_nanos(created: OffsetDateTime) -> i64 {
    i64::try_from(created.unix_timestamp_nanos()).unwrap_or(0)
}

/// What was carried for a board on `subject` that backfills `backfill` of the feed's time,
/// at `now`; `None` when there is nothing to go by (no bucket: a stream written by an
/// older publisher or another tool; an index of another stream; a backfill longer than
/// the index), and the board backfills by publish time as before.
///
/// The backfill ends at the feed's latest time, if that is before `now`: a board on a feed
/// that ended long ago (a recording) reads its last day, as it would have read it then.
pub(super) async fn read(
    jetstream: &jetstream::Context,
    client: &Client,
    stream: &stream::Stream,
    subject: &str,
    (now, backfill): (Timestamp, Span),
) -> Option<LateJoin> {
    let info = stream.cached_info();
    let bucket = bucket_name(&info.config.name);
    let values = carried_values(jetstream, client, &bucket, subject).await?;
    let index_key = index_key(subject);
    let (_, index) = values.iter().find(|(key, _)| *key == index_key)?;
    let index = TimeIndex::from_bytes(index)?;
    if index.stream_created != created_nanos(info.created) {
        return None;
    }
    let since = now.min(index.latest_step()?) - backfill;
    let from = index.sequence_from(since)?;
    let mut lines = Vec::new();
    for (key, value) in &values {
        if is_item_of(key, subject) {
            lines.extend(
                decode_lines(value)
                    .into_iter()
                    .filter(|(position, _)| position.sequence < from),
            );
        }
    }
    // An item written again under a newer generation is read from both copies: each line
    // once.
    lines.sort_by_key(|(position, _)| *position);
    lines.dedup_by_key(|(position, _)| *position);
    Some(LateJoin { from, lines })
}

/// The current value of every key of `subject` in `bucket` (deleted ones left out), read
/// at once from the bucket's stream, last value per key. `None` without a bucket.
pub async fn carried_values(
    jetstream: &jetstream::Context,
    client: &Client,
    bucket: &str,
    subject: &str,
) -> Option<Vec<(String, Bytes)>> {
    let stream = jetstream.get_stream(format!("KV_{bucket}")).await.ok()?;
    let prefix = format!("$KV.{bucket}.");
    let filter = format!("{prefix}{}.>", subject_tokens(subject));
    let messages = backlog(client, &stream, &filter, DeliverPolicy::LastPerSubject).await?;
    Some(
        messages
            .into_iter()
            .filter(|message| {
                message
                    .headers
                    .as_ref()
                    .and_then(|headers| headers.get(KV_OPERATION_HEADER))
                    .is_none()
            })
            .filter_map(|message| {
                let key = message.subject.as_str().strip_prefix(&prefix)?.to_string();
                Some((key, message.payload.clone()))
            })
            .collect(),
    )
}

/// Every message `stream` holds on `filter` from `policy` up to now, read by an ordered
/// consumer until nothing is pending. `None` if the consumer fails.
pub async fn backlog(
    client: &Client,
    stream: &stream::Stream,
    filter: &str,
    policy: DeliverPolicy,
) -> Option<Vec<jetstream::Message>> {
    let config = OrderedConfig {
        deliver_subject: client.new_inbox(),
        filter_subject: filter.to_string(),
        deliver_policy: policy,
        ..OrderedConfig::default()
    };
    let consumer = stream.create_consumer(config).await.ok()?;
    if consumer.cached_info().num_pending == 0 {
        return Some(Vec::new());
    }
    let mut messages = consumer.messages().await.ok()?;
    let mut read = Vec::new();
    while let Some(message) = messages.next().await {
        let message = message.ok()?;
        let pending = message.info().map(|info| info.pending).ok()?;
        read.push(message);
        if pending == 0 {
            return Some(read);
        }
    }
    None
}
