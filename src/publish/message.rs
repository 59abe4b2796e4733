//! One accepted line as a JetStream message: the canonical line (schema fields only) as
//! the payload, a message id for JetStream's de-duplication, and where it came from, so a
//! restarted publisher can find its place.

use async_nats::HeaderMap;
use bytes::Bytes;

use super::resume::SourceIdentity;
use crate::feed::wire::schema_line;
use crate::model::Event;
use crate::time::format_utc;

/// The header naming the source a message was read from (its label: a path or address).
pub const SOURCE_HEADER: &str = "Forceboard-Source";
/// The header giving the message's line number in its source.
pub const LINE_HEADER: &str = "Forceboard-Line";
/// The header giving a file source's device and inode (`DEV:INODE`), which stay the same
/// however the file's path is spelt.
pub const FILE_ID_HEADER: &str = "Forceboard-File-Id";

/// A message ready to publish (kept until its ack arrives, to publish again if need be).
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub(crate) headers: HeaderMap,
    pub(crate) payload: Bytes,
}

/// The message for `event`, line `line` of `source`. Its id is the same whenever the
/// same line is read again at the same place in the same source, so JetStream drops a
/// second copy published within its duplicate window.
pub(crate) fn outgoing(source: &SourceIdentity, line: u64, event: &Event) -> Outgoing {
    let text = schema_line(event, None, format_utc);
    let mut headers = HeaderMap::new();
    headers.insert(
        "Nats-Msg-Id",
        message_id(&source.label, line, &text).as_str(),
    );
    headers.insert(SOURCE_HEADER, source.label.as_str());
    if let Some(file_id) = &source.file_id {
        headers.insert(FILE_ID_HEADER, file_id.as_str());
    }
    headers.insert(LINE_HEADER, line.to_string().as_str());
    Outgoing {
        headers,
        payload: Bytes::from(text),
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
        let message = outgoing(&source, 3, &event);
        assert_eq!(
            &message.payload[..],
            br#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999"}"#
        );
        assert_eq!(
            message
                .headers
                .get(LINE_HEADER)
                .map(async_nats::HeaderValue::as_str),
            Some("3")
        );
    }
}
