//! Acknowledgements shared by every board on a NATS subject: an inspector's `A` on a
//! laptop silences the wall. Each board publishes its own acknowledgements, and reads
//! everyone's, in the bucket `publish` keeps beside the stream (see [`carried`]), one key
//! per alert (`<subject>.ack.<alert in hex>`), the last acknowledgement of each. A board
//! reads the bucket's last value per key when it starts — so a board started late knows
//! what was acknowledged — and every new one as it is written.
//!
//! Only the acknowledgement travels (the alert's name, who, their note, when): every
//! board raises its alerts from the same feed by the same rules.
//!
//! [`carried`]: super::carried

use std::time::Duration;

use async_nats::jetstream::consumer::DeliverPolicy;
use async_nats::jetstream::consumer::push::OrderedConfig;
use async_nats::jetstream::{self, stream};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tracing::{info, warn};

use super::carried::{bucket_name, subject_tokens};
use super::{NatsTarget, connect};
use crate::feed::source::{FeedItem, SharedAck};
use crate::time::{format_utc, parse_rfc3339};

/// How long the relay waits before trying NATS (or the bucket) again.
const RETRY: Duration = Duration::from_secs(2);

/// An acknowledgement as it travels.
#[derive(Debug, Serialize, Deserialize)]
struct Wire {
    alert: String,
    by: String,
    note: Option<String>,
    at: String,
}

fn hex(text: &str) -> String {
    text.bytes()
        .map(|byte| format!("{byte:02x}"))
        .collect::<Vec<_>>()
        .concat()
}

/// The subject an acknowledgement of `alert` on `subject` is kept on, in `bucket`.
fn ack_subject(bucket: &str, subject: &str, alert: &str) -> String {
    format!(
        "$KV.{bucket}.{}.ack.{}",
        subject_tokens(subject),
        hex(alert)
    )
}

/// Runs until `acks` is closed (the board has gone): publishes the board's own
/// acknowledgements and hands everyone's to the board as [`FeedItem::SharedAck`].
pub async fn relay(
    target: NatsTarget,
    token: Option<String>,
    board: mpsc::Sender<FeedItem>,
    mut acks: mpsc::UnboundedReceiver<SharedAck>,
) {
    loop {
        let Ok(client) = connect(&target, token.as_deref(), RETRY * 5, None).await else {
            tokio::time::sleep(RETRY).await;
            continue;
        };
        let jetstream = jetstream::new(client.clone());
        let Some(bucket_stream) = bucket_of(&jetstream, &target.subject).await else {
            tokio::time::sleep(RETRY).await;
            continue;
        };
        let bucket = bucket_stream
            .cached_info()
            .config
            .name
            .trim_start_matches("KV_")
            .to_string();
        let config = OrderedConfig {
            deliver_subject: client.new_inbox(),
            filter_subject: format!("$KV.{bucket}.{}.ack.>", subject_tokens(&target.subject)),
            deliver_policy: DeliverPolicy::LastPerSubject,
            ..OrderedConfig::default()
        };
        let Ok(consumer) = bucket_stream.create_consumer(config).await else {
            tokio::time::sleep(RETRY).await;
            continue;
        };
        let Ok(mut messages) = consumer.messages().await else {
            tokio::time::sleep(RETRY).await;
            continue;
        };
        info!(subject = %target.subject, "sharing alert acknowledgements");
        loop {
            tokio::select! {
                message = messages.next() => {
                    let Some(Ok(message)) = message else { break };
                    let Some(ack) = read(&message.payload) else { continue };
                    if board.send(FeedItem::SharedAck(ack)).await.is_err() {
                        return;
                    }
                }
                ack = acks.recv() => {
                    let Some(ack) = ack else { return };
                    let wire = Wire {
                        alert: ack.alert.clone(),
                        by: ack.by,
                        note: ack.note,
                        at: format_utc(ack.at),
                    };
                    let Ok(payload) = serde_json::to_vec(&wire) else { continue };
                    let subject = ack_subject(&bucket, &target.subject, &ack.alert);
                    let sent = match jetstream.publish(subject, payload.into()).await {
                        Ok(pending) => pending.await.is_ok(),
                        Err(_) => false,
                    };
                    if !sent {
                        warn!("an acknowledgement could not be shared");
                    }
                }
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// The bucket beside the stream that holds `subject`, once `publish` has made it.
async fn bucket_of(jetstream: &jetstream::Context, subject: &str) -> Option<stream::Stream> {
    let name = jetstream.stream_by_subject(subject).await.ok()?;
    jetstream
        .get_stream(format!("KV_{}", bucket_name(&name)))
        .await
        .ok()
}

/// An acknowledgement as read; `None` if it is not one.
fn read(payload: &[u8]) -> Option<SharedAck> {
    let wire: Wire = serde_json::from_slice(payload).ok()?;
    Some(SharedAck {
        alert: wire.alert,
        by: wire.by,
        note: wire.note,
        at: parse_rfc3339(&wire.at).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_acknowledgement_goes_out_and_comes_back_as_it_was() {
        let wire = Wire {
            alert: "emergency incident E1 breached".to_string(),
            by: "Insp. Khan".to_string(),
            note: Some("unit 7 on scene".to_string()),
            at: "2024-07-01T12:02:00Z".to_string(),
        };
        let back = read(&serde_json::to_vec(&wire).expect("json")).expect("read");
        assert_eq!(back.alert, "emergency incident E1 breached");
        assert_eq!(
            (back.by.as_str(), back.note.as_deref()),
            ("Insp. Khan", Some("unit 7 on scene"))
        );
        assert_eq!(format_utc(back.at), "2024-07-01T12:02:00Z");
        assert!(read(b"{\"alert\":1}").is_none());
        assert_eq!(
            ack_subject("EVENTS_LATE_JOIN", "events.wmp", "AB"),
            "$KV.EVENTS_LATE_JOIN.events.wmp.ack.4142"
        );
    }
}
