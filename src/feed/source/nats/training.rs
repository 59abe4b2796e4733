//! A served training feed on a NATS subject: `serve`'s clock, carried by `publish`.
//!
//! A board on a TCP link to `serve` follows the feed's clock because every connection
//! begins with a clock heartbeat and then the backlog of the served timeline. On NATS the
//! same holds per *timeline*: `publish` marks the clock heartbeat that starts one (the
//! first line of each connection to the server, and every new `epoch`) with
//! [`TIMELINE_HEADER`]` = start`, and every later message with the start's stream
//! sequence. A board reads the timeline a subject is on now from that sequence (never the
//! 24 h backfill, which would mix the timelines of every seek), and hands it on as a
//! connection to `serve` would: the clock first, then the backlog, then live lines.
//!
//! A stored heartbeat read later no longer tells the time: it said what the clock read
//! when it was published. The clock a board is handed is the timeline's latest heartbeat
//! moved on by the wall time since it was stored × its speed (a paused clock stands
//! where it was), so a late joiner reads what the room reads.

use async_nats::HeaderMap;
use async_nats::jetstream::stream::{self, LastRawMessageErrorKind};
use time::OffsetDateTime;

use crate::feed::FeedItem;
use crate::model::EventBody;
use crate::time::Span;

/// The header that ties a message to the served timeline it belongs to: `start` on the
/// clock heartbeat that begins one, else the stream sequence of that heartbeat.
pub const TIMELINE_HEADER: &str = "Forceboard-Timeline";
/// The [`TIMELINE_HEADER`] value of a timeline's first message.
pub const TIMELINE_START: &str = "start";

/// Whether a message begins a served timeline.
pub(super) fn starts_timeline(headers: Option<&HeaderMap>) -> bool {
    headers
        .and_then(|headers| headers.get(TIMELINE_HEADER))
        .is_some_and(|value| value.as_str() == TIMELINE_START)
}

/// The stream sequence where the timeline the subject is on now begins, if the subject
/// carries a served clock (its last message names a timeline); `None` for a live feed,
/// or if the stream cannot say (the board then reads as for a live feed).
pub(super) async fn current_timeline(stream: &stream::Stream, subject: &str) -> Option<u64> {
    let last = match stream.get_last_raw_message_by_subject(subject).await {
        Ok(last) => last,
        Err(error) if error.kind() == LastRawMessageErrorKind::NoMessageFound => return None,
        Err(_) => return None,
    };
    let value = last.headers.get(TIMELINE_HEADER)?.as_str().to_string();
    if value == TIMELINE_START {
        Some(last.sequence)
    } else {
        value.parse().ok()
    }
}

/// A served timeline's backlog, held until its end so that the board is handed the
/// clock as it reads now before any line of it.
#[derive(Default)]
pub(super) struct ServedBacklog {
    lines: Vec<FeedItem>,
    /// The latest clock heartbeat and when it was stored.
    clock: Option<(FeedItem, OffsetDateTime)>,
}

impl ServedBacklog {
    pub(super) fn push(&mut self, item: FeedItem, starts_timeline: bool, stored: OffsetDateTime) {
        if starts_timeline {
            // The trainer moved the clock meanwhile: what follows is the new timeline's.
            self.lines.clear();
        }
        if is_clock(&item) {
            self.clock = Some((item, stored));
        } else {
            self.lines.push(item);
        }
    }

    /// The clock as it reads at `now`, then the backlog's lines in order.
    pub(super) fn into_items(self, now: OffsetDateTime) -> impl Iterator<Item = FeedItem> {
        let clock = self
            .clock
            .map(|(clock, stored)| clock_read_at(clock, stored, now));
        clock.into_iter().chain(self.lines)
    }
}

fn is_clock(item: &FeedItem) -> bool {
    matches!(
        item,
        FeedItem::Event { event, .. }
            if matches!(event.body, EventBody::Heartbeat { clock: Some(_) })
    )
}

/// A clock heartbeat stored at `stored`, as it would read at `now`: its `at` moved on
/// by the wall time between × its speed. Any other item is left as it is.
pub(super) fn clock_read_at(
    mut item: FeedItem,
    stored: OffsetDateTime,
    now: OffsetDateTime,
) -> FeedItem {
    if let FeedItem::Event { event, .. } = &mut item
        && let EventBody::Heartbeat { clock: Some(clock) } = event.body
        && !clock.is_paused()
    {
        let waited = std::time::Duration::try_from(now - stored).unwrap_or_default();
        let run = std::time::Duration::try_from_secs_f64(waited.as_secs_f64() * clock.speed)
            .unwrap_or_default();
        event.at += Span::from_duration(run);
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::parse_line;

    fn item(line: u64, text: &str) -> FeedItem {
        FeedItem::Event {
            line,
            event: parse_line(text.as_bytes()).expect("valid"),
        }
    }

    fn at(item: &FeedItem) -> String {
        match item {
            FeedItem::Event { event, .. } => crate::time::format_utc(event.at),
            other => panic!("an event: {other:?}"),
        }
    }

    const RUNNING: &str =
        r#"{"kind":"heartbeat","at":"2024-07-05T20:40:00Z","speed":20,"epoch":1}"#;
    const PAUSED: &str = r#"{"kind":"heartbeat","at":"2024-07-05T20:41:00Z","speed":0,"epoch":1}"#;
    const CALL: &str =
        r#"{"kind":"call_offered","at":"2024-07-05T20:39:00Z","id":"C1","line":"999"}"#;

    #[test]
    fn a_stored_clock_runs_on_by_the_time_since_it_was_stored_unless_paused() {
        let stored = OffsetDateTime::UNIX_EPOCH;
        let now = stored + time::Duration::seconds(3);
        // 3 s of wall time at ×20: a minute on.
        assert_eq!(
            at(&clock_read_at(item(1, RUNNING), stored, now)),
            "2024-07-05T20:41:00Z"
        );
        assert_eq!(
            at(&clock_read_at(item(1, PAUSED), stored, now)),
            "2024-07-05T20:41:00Z"
        );
        // A heartbeat stored "later" than now (clocks apart) is not moved back.
        assert_eq!(
            at(&clock_read_at(item(1, RUNNING), now, stored)),
            "2024-07-05T20:40:00Z"
        );
    }

    #[test]
    fn the_backlog_is_handed_on_after_the_latest_clock_and_a_new_timeline_drops_the_old() {
        let stored = OffsetDateTime::UNIX_EPOCH;
        let mut backlog = ServedBacklog::default();
        backlog.push(item(1, RUNNING), true, stored);
        backlog.push(item(2, CALL), false, stored);
        backlog.push(item(3, PAUSED), false, stored);
        let lines: Vec<u64> = backlog
            .into_items(stored)
            .map(|item| match item {
                FeedItem::Event { line, .. } => line,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(lines, vec![3, 2]);

        let mut seeked = ServedBacklog::default();
        seeked.push(item(1, RUNNING), true, stored);
        seeked.push(item(2, CALL), false, stored);
        seeked.push(item(3, PAUSED), true, stored);
        assert_eq!(seeked.into_items(stored).count(), 1);
    }
}
