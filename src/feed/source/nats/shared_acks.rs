//! Alerts shared by every board on a NATS subject: an inspector's `A` on a laptop
//! silences the wall, and a board started late shows the alerts the others have raised.
//! Each board publishes its own acknowledgements and its alerts' raises and clears, and
//! reads everyone's, in the bucket `publish` keeps beside the stream (see [`carried`]):
//! one key per alert for its last acknowledgement (`<subject>.alert.ack.<alert in hex>`)
//! and one for whether it is raised (`<subject>.alert.state.<alert in hex>`). A board reads
//! the bucket's last value per key when it starts, and every new one as it is written.
//!
//! The alerts themselves are raised by each board from the same feed by the same rules;
//! what travels is who acknowledged what, and that an alert is up (so a board that has
//! just started raises it at once, without waiting out the hold the others already did).
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

use super::carried::{bucket_name, hex, subject_tokens};
use super::{NatsTarget, connect};
use crate::feed::source::{FeedItem, Shared, SharedAck, SharedRaise};
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

/// An alert raised or cleared, as it travels.
#[derive(Debug, Serialize, Deserialize)]
struct StateWire {
    alert: String,
    raised: bool,
    at: String,
}

/// The subject an acknowledgement of `alert` on `subject` is kept on, in `bucket`.
fn ack_subject(bucket: &str, subject: &str, alert: &str) -> String {
    let (tokens, alert) = (subject_tokens(subject), hex(alert.as_bytes()));
    format!("$KV.{bucket}.{tokens}.alert.ack.{alert}")
}

/// The subject whether `alert` is raised on `subject` is kept on, in `bucket`.
fn state_subject(bucket: &str, subject: &str, alert: &str) -> String {
    let (tokens, alert) = (subject_tokens(subject), hex(alert.as_bytes()));
    format!("$KV.{bucket}.{tokens}.alert.state.{alert}")
}

/// Runs until `acks` is closed (the board has gone): publishes the board's own
/// acknowledgements and hands everyone's to the board as [`FeedItem::SharedAck`].
pub async fn relay(
    target: NatsTarget,
    token: Option<String>,
    board: mpsc::Sender<FeedItem>,
    mut acks: mpsc::UnboundedReceiver<Shared>,
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
            filter_subject: format!("$KV.{bucket}.{}.alert.>", subject_tokens(&target.subject)),
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
                    let item = if message.subject.as_str().contains(".alert.state.") {
                        read_state(&message.payload).map(FeedItem::SharedRaise)
                    } else {
                        read(&message.payload).map(FeedItem::SharedAck)
                    };
                    let Some(item) = item else { continue };
                    if board.send(item).await.is_err() {
                        return;
                    }
                }
                shared = acks.recv() => {
                    let Some(shared) = shared else { return };
                    let (subject, payload) = match shared {
                        Shared::Ack(ack) => {
                            let wire = Wire {
                                alert: ack.alert.clone(),
                                by: ack.by,
                                note: ack.note,
                                at: format_utc(ack.at),
                            };
                            (ack_subject(&bucket, &target.subject, &ack.alert), serde_json::to_vec(&wire))
                        }
                        Shared::Raise(state) => {
                            let wire = StateWire {
                                alert: state.alert.clone(),
                                raised: state.raised,
                                at: format_utc(state.at),
                            };
                            (state_subject(&bucket, &target.subject, &state.alert), serde_json::to_vec(&wire))
                        }
                    };
                    let Ok(payload) = payload else { continue };
                    let sent = match jetstream.publish(subject, payload.into()).await {
                        Ok(pending) => pending.await.is_ok(),
                        Err(_) => false,
                    };
                    if !sent {
                        warn!("an alert's acknowledgement or state could not be shared");
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

/// An alert's state as read; `None` if it is not one.
fn read_state(payload: &[u8]) -> Option<SharedRaise> {
    let wire: StateWire = serde_json::from_slice(payload).ok()?;
    Some(SharedRaise {
        alert: wire.alert,
        raised: wire.raised,
        at: parse_rfc3339(&wire.at).ok()?,
    })
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
            "$KV.EVENTS_LATE_JOIN.events.wmp.alert.ack.4142"
        );
    }
}
