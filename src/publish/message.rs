//! One accepted line as a JetStream message: the canonical line (schema fields only) as
//! the payload, a message id for JetStream's de-duplication, and where it came from, so a
//! restarted publisher can find its place.

use async_nats::{HeaderMap, HeaderValue, header::HeaderName};
use bytes::Bytes;

use super::resume::SourceIdentity;
use super::timeline::TimelineMark;
use crate::feed::source::nats::{TIMELINE_HEADER, TIMELINE_START};
use crate::feed::wire::{heartbeat_line, schema_line};
use crate::model::{Event, EventBody};
use crate::time::format_utc;

/// The header naming the source a message was read from (its label: a path or address).
pub const SOURCE_HEADER: &str = "Forceboard-Source";
/// The header giving the message's line number in its source.
pub const LINE_HEADER: &str = "Forceboard-Line";
/// The header giving a file source's device and inode (`DEV:INODE`), which stay the same
/// however the file's path is spelt.
pub const FILE_ID_HEADER: &str = "Forceboard-File-Id";

/// A message ready to publish (kept until its ack arrives, to publish again if need be).
/// Its headers are made for each send ([`Outgoing::headers`]): async-nats takes them by
/// value, and a map made afresh costs less than one kept, cloned for the send and dropped
/// at the ack (performance doc §37).
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    /// The message id, for JetStream's de-duplication.
    pub(crate) id: String,
    /// Its line number in its source.
    pub(crate) line: u64,
    /// The served timeline it belongs to.
    pub(crate) mark: TimelineMark,
    pub(crate) payload: Bytes,
    /// The event, for what is carried for late boards; not a served timeline's.
    pub(crate) event: Option<Event>,
}

const MESSAGE_ID: HeaderName = HeaderName::from_static("Nats-Msg-Id");
const TIMELINE: HeaderName = HeaderName::from_static(TIMELINE_HEADER);
const SOURCE: HeaderName = HeaderName::from_static(SOURCE_HEADER);
const FILE_ID: HeaderName = HeaderName::from_static(FILE_ID_HEADER);
const LINE: HeaderName = HeaderName::from_static(LINE_HEADER);

impl Outgoing {
    /// The headers to send it with, read from `source`: its message id, its timeline's
    /// mark if any, the source's label and file id, and its line number.
    pub(crate) fn headers(&self, source: &SourceIdentity) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(MESSAGE_ID, self.id.as_str());
        match self.mark {
            TimelineMark::None => {}
            TimelineMark::Start => headers.insert(TIMELINE, TIMELINE_START),
            TimelineMark::Of(start) => headers.insert(TIMELINE, HeaderValue::from(start)),
        }
        headers.insert(SOURCE, source.label.as_str());
        if let Some(file_id) = &source.file_id {
            headers.insert(FILE_ID, file_id.as_str());
        }
        headers.insert(LINE, HeaderValue::from(self.line));
        headers
    }
}

/// The heartbeats `publish` writes with a served clock name it as their source.
const CLOCK_SOURCE: &str = "forceboard-publish";

/// The message for `event`, line `line` of `source`, in the served timeline `mark`. Its
/// id is the same whenever the same line is read again at the same place in the same
/// source and timeline, so JetStream drops a second copy published within its duplicate
/// window; a backlog a server sends again begins another timeline, and is stored again.
pub(crate) fn outgoing(
    source: &SourceIdentity,
    line: u64,
    event: Event,
    mark: TimelineMark,
) -> Outgoing {
    let text = payload(&event, mark);
    let id = match mark {
        TimelineMark::None => message_id(&source.label, line, &text),
        TimelineMark::Start => {
            message_id(&format!("{}#{TIMELINE_START}", source.label), line, &text)
        }
        TimelineMark::Of(start) => message_id(&format!("{}#{start}", source.label), line, &text),
    };
    Outgoing {
        id,
        line,
        mark,
        payload: Bytes::from(text),
        event: (mark == TimelineMark::None).then_some(event),
    }
}

/// The canonical line; a heartbeat of a served timeline keeps its clock (`speed`,
/// `epoch`), which boards on the subject follow.
pub(crate) fn payload(event: &Event, mark: TimelineMark) -> String {
    match event.body {
        EventBody::Heartbeat { clock: Some(clock) } if mark != TimelineMark::None => {
            heartbeat_line(format_utc(event.at), CLOCK_SOURCE, Some(clock))
        }
        _ => schema_line(event, None, format_utc),
    }
}

/// `LINE-HASH`: the line number and a 64-bit FNV-1a hash of the source and the line.
pub fn message_id(source: &str, line: u64, text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in source.bytes().chain([0]).chain(text.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{line}-{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_follows_the_source_the_line_and_its_text() {
        let empty = message_id("", 7, "");
        // "" then the separator byte 0: one round with 0.
        let expected = 0xcbf2_9ce4_8422_2325_u64.wrapping_mul(0x0100_0000_01b3);
        assert_eq!(empty, format!("7-{expected:016x}"));
        let a = message_id("a", 1, "x");
        assert_eq!(a, message_id("a", 1, "x"));
        assert_ne!(a, message_id("a", 2, "x"));
        assert_ne!(a, message_id("b", 1, "x"));
        assert_ne!(a, message_id("a", 1, "y"));
    }

    #[test]
    fn the_payload_is_the_canonical_line_without_unknown_fields() {
        let input = r#"{"caller":"07700900123","kind":"call_offered","at":"2024-07-01T12:00:00+01:00","id":"A","line":"999"}"#;
        let event = crate::feed::parse_line(input.as_bytes()).expect("valid");
        let source = SourceIdentity {
            label: "cad.ndjson".to_string(),
            file_id: Some("2049:77".to_string()),
        };
        let message = outgoing(&source, 3, event, TimelineMark::None);
        assert_eq!(
            &message.payload[..],
            br#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999"}"#
        );
        let headers = message.headers(&source);
        let header = |name: &str| headers.get(name).map(HeaderValue::as_str);
        assert_eq!(header(LINE_HEADER), Some("3"));
        assert_eq!(header(SOURCE_HEADER), Some("cad.ndjson"));
        assert_eq!(header(FILE_ID_HEADER), Some("2049:77"));
        assert_eq!(header(TIMELINE_HEADER), None);
        let id = message_id(
            "cad.ndjson",
            3,
            std::str::from_utf8(&message.payload).expect("utf-8"),
        );
        assert_eq!(header("Nats-Msg-Id"), Some(id.as_str()));
        assert_eq!(headers.len(), 4);
    }

    #[test]
    fn a_served_timeline_keeps_its_clock_and_names_its_start() {
        let input = r#"{"kind":"heartbeat","at":"2024-07-05T20:40:00.250Z","source":"forceboard-serve","speed":20,"epoch":3}"#;
        let event = crate::feed::parse_line(input.as_bytes()).expect("valid");
        let source = SourceIdentity {
            label: "tcp://trainer:7000".to_string(),
            file_id: None,
        };
        let header = |message: &Outgoing, name: &str| {
            message
                .headers(&source)
                .get(name)
                .map(|value| value.as_str().to_string())
        };
        let start = outgoing(&source, 1, event.clone(), TimelineMark::Start);
        assert_eq!(
            &start.payload[..],
            br#"{"kind":"heartbeat","at":"2024-07-05T20:40:00.250Z","source":"forceboard-publish","speed":20,"epoch":3}"#
        );
        assert_eq!(header(&start, TIMELINE_HEADER).as_deref(), Some("start"));
        let later = outgoing(&source, 1, event.clone(), TimelineMark::Of(41));
        assert_eq!(header(&later, TIMELINE_HEADER).as_deref(), Some("41"));
        // The same line in another timeline is another message, not a duplicate.
        assert_ne!(header(&start, "Nats-Msg-Id"), header(&later, "Nats-Msg-Id"));
        // A feed on the wall clock publishes heartbeats as before: no clock, no mark.
        let plain = outgoing(&source, 1, event, TimelineMark::None);
        assert_eq!(
            &plain.payload[..],
            br#"{"kind":"heartbeat","at":"2024-07-05T20:40:00.250Z"}"#
        );
        assert_eq!(header(&plain, TIMELINE_HEADER), None);
    }
}
