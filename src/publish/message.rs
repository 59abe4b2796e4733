//! Accepted lines as a JetStream message: the canonical lines (schema fields only) as the
//! payload, one or several (see [`message_lines`]), a message id for JetStream's
//! de-duplication, and where its last line came from, so a restarted publisher can find
//! its place.
//!
//! [`message_lines`]: crate::feed::source::nats::message_lines

use async_nats::{HeaderMap, HeaderValue, header::HeaderName};
use bytes::Bytes;

use super::resume::SourceIdentity;
use super::timeline::TimelineMark;
use crate::feed::source::nats::carried::step_of;
use crate::feed::source::nats::message_lines::{MAX_MESSAGE_BYTES, MAX_MESSAGE_LINES};
use crate::feed::source::nats::{TIMELINE_HEADER, TIMELINE_START};
use crate::feed::wire::{heartbeat_line, schema_line};
use crate::model::{Event, EventBody};
use crate::time::format_utc;

/// The header naming the source a message was read from (its label: a path or address).
pub const SOURCE_HEADER: &str = "Forceboard-Source";
/// The header giving the line number in its source of the message's last line.
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
    /// Its last line's number in its source.
    pub(crate) line: u64,
    /// The served timeline it belongs to.
    pub(crate) mark: TimelineMark,
    pub(crate) payload: Bytes,
    /// Its lines, in order.
    lines: Vec<OutLine>,
}

/// One line of a message.
#[derive(Debug, Clone)]
struct OutLine {
    /// Where it ends in the payload.
    end: usize,
    /// The event, for what is carried for late boards; not a served timeline's.
    event: Option<Event>,
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

impl Outgoing {
    /// How many lines it holds.
    pub(crate) fn line_count(&self) -> u64 {
        self.lines.len() as u64
    }

    /// Each line that carries an event (not a served clock's), with its place in the
    /// message and its text.
    pub(crate) fn events(&self) -> impl Iterator<Item = (u32, &str, &Event)> {
        let text = std::str::from_utf8(&self.payload).unwrap_or_default();
        let starts = std::iter::once(0).chain(self.lines.iter().map(|line| line.end + 1));
        (0..=u32::MAX)
            .zip(starts.zip(&self.lines))
            .filter_map(move |(index, (start, line))| {
                let event = line.event.as_ref()?;
                Some((index, text.get(start..line.end)?, event))
            })
    }
}

/// The lines gathered for the next message: those the source has ready at once, of one
/// served timeline, up to [`MAX_MESSAGE_LINES`] and [`MAX_MESSAGE_BYTES`], and none that
/// moves the feed's time into a later five minutes than the message's (the late-join
/// index's step): a board starts its backfill at the first message of a step, so a message
/// never holds hours of a quiet feed before it.
#[derive(Debug, Default)]
pub(crate) struct Gathered {
    text: String,
    lines: Vec<OutLine>,
    last_line: u64,
    mark: TimelineMark,
    /// The latest index step among its lines' times.
    step: i64,
}

impl Gathered {
    pub(crate) fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Whether no line more may join.
    pub(crate) fn is_full(&self) -> bool {
        self.lines.len() >= MAX_MESSAGE_LINES || self.text.len() >= MAX_MESSAGE_BYTES
    }

    /// Adds `event`, line `line` of `source`, in the served timeline `mark`; returns the
    /// message gathered so far if the line cannot join it (another timeline, or more bytes
    /// than a message holds), the line then beginning the next.
    pub(crate) fn push(
        &mut self,
        source: &SourceIdentity,
        line: u64,
        event: Event,
        mark: TimelineMark,
    ) -> Option<Outgoing> {
        let text = payload(&event, mark);
        let step = step_of(event.at);
        let full = !self.is_empty()
            && (mark != self.mark
                || step > self.step
                || self.text.len() + 1 + text.len() > MAX_MESSAGE_BYTES);
        let done = if full { self.take(source) } else { None };
        self.step = if self.is_empty() {
            step
        } else {
            self.step.max(step)
        };
        if !self.is_empty() {
            self.text.push('\n');
        }
        self.text.push_str(&text);
        self.lines.push(OutLine {
            end: self.text.len(),
            event: (mark == TimelineMark::None).then_some(event),
        });
        self.last_line = line;
        self.mark = mark;
        done
    }

    /// The message of the lines gathered, if any. Its id is the same whenever the same
    /// lines are read again at the same place in the same source and timeline, so
    /// JetStream drops a second copy published within its duplicate window; a backlog a
    /// server sends again begins another timeline, and is stored again.
    pub(crate) fn take(&mut self, source: &SourceIdentity) -> Option<Outgoing> {
        (!self.is_empty()).then(|| std::mem::take(self).into_message(source))
    }

    fn into_message(self, source: &SourceIdentity) -> Outgoing {
        let Gathered {
            text,
            lines,
            last_line,
            mark,
            ..
        } = self;
        let id = match mark {
            TimelineMark::None => message_id(&source.label, last_line, &text),
            TimelineMark::Start => message_id(
                &format!("{}#{TIMELINE_START}", source.label),
                last_line,
                &text,
            ),
            TimelineMark::Of(start) => {
                message_id(&format!("{}#{start}", source.label), last_line, &text)
            }
        };
        Outgoing {
            id,
            line: last_line,
            mark,
            payload: Bytes::from(text),
            lines,
        }
    }
}

/// The message of `event` alone, line `line` of `source`, in the served timeline `mark`.
pub(crate) fn outgoing(
    source: &SourceIdentity,
    line: u64,
    event: Event,
    mark: TimelineMark,
) -> Outgoing {
    let mut gathered = Gathered::default();
    let _ = gathered.push(source, line, event, mark);
    gathered.into_message(source)
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

/// `LINE-HASH`: the (last) line's number and a 64-bit FNV-1a hash of the source and the
/// message's text.
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

    /// A file source whose device and inode are not known.
    fn a_file_without_an_id() -> SourceIdentity {
        SourceIdentity {
            label: "cad.ndjson".to_string(),
            file_id: None,
        }
    }

    #[test]
    fn lines_ready_together_are_one_message_of_one_timeline_within_its_bytes() {
        let source = a_file_without_an_id();
        let line = |id: &str| {
            let text = format!(
                r#"{{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"{id}","line":"999"}}"#
            );
            crate::feed::parse_line(text.as_bytes()).expect("valid")
        };
        let mut gathered = Gathered::default();
        assert!(gathered.take(&source).is_none());
        assert!(
            gathered
                .push(&source, 4, line("A"), TimelineMark::None)
                .is_none()
        );
        assert!(
            gathered
                .push(&source, 6, line("B"), TimelineMark::None)
                .is_none()
        );
        let message = gathered.take(&source).expect("two lines");
        assert!(gathered.is_empty());
        let a = r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999"}"#;
        let b = a.replace("\"A\"", "\"B\"");
        assert_eq!(message.payload, format!("{a}\n{b}").into_bytes());
        assert_eq!(message.line_count(), 2);
        // Named by its last line, and identified by all of its text.
        assert_eq!(message.line, 6);
        assert_eq!(
            message.id,
            message_id("cad.ndjson", 6, &format!("{a}\n{b}"))
        );
        let events: Vec<(u32, &str)> = message
            .events()
            .map(|(index, text, _)| (index, text))
            .collect();
        assert_eq!(events, [(0, a), (1, b.as_str())]);

        // Another timeline begins another message.
        assert!(
            gathered
                .push(&source, 7, line("C"), TimelineMark::None)
                .is_none()
        );
        let earlier = gathered.push(&source, 8, line("D"), TimelineMark::Of(3));
        assert_eq!(earlier.map(|message| message.line), Some(7));
        let served = gathered.take(&source).expect("D");
        assert_eq!(
            (served.line, served.mark, served.events().count()),
            (8, TimelineMark::Of(3), 0)
        );

        // Lines of 73 bytes and the newline between: 32 KiB hold 442 of them, but a
        // message stops at 256 lines.
        for number in 1..=256 {
            assert!(!gathered.is_full());
            assert!(
                gathered
                    .push(&source, number, line("E"), TimelineMark::None)
                    .is_none()
            );
        }
        assert!(gathered.is_full());
        assert_eq!(gathered.take(&source).map(|m| m.line_count()), Some(256));

        // Lines of 1,072 bytes (ids of 1,000): 30 and their newlines are 32,189 bytes; a
        // 31st would pass 32 KiB (33,262), so it begins the next message.
        let long = "X".repeat(1000);
        for number in 1..=30 {
            assert!(
                gathered
                    .push(&source, number, line(&long), TimelineMark::None)
                    .is_none()
            );
        }
        let full = gathered.push(&source, 31, line(&long), TimelineMark::None);
        let full = full.expect("30 lines of 1,072 bytes");
        assert_eq!((full.line_count(), full.payload.len()), (30, 32_189));
        assert_eq!(gathered.take(&source).map(|m| m.line), Some(31));
    }

    #[test]
    fn a_line_in_a_later_five_minutes_begins_the_next_message() {
        let source = a_file_without_an_id();
        let at = |time: &str| {
            let text = format!(r#"{{"kind":"heartbeat","at":"2024-07-01T{time}Z"}}"#);
            crate::feed::parse_line(text.as_bytes()).expect("valid")
        };
        let mut gathered = Gathered::default();
        let mut push = |line, time| gathered.push(&source, line, at(time), TimelineMark::None);
        // 11:04:59 and, a little out of order, 11:03:00: the step of 11:00.
        assert!(push(1, "11:04:59").is_none());
        assert!(push(2, "11:03:00").is_none());
        // 11:05:00 begins the step of 11:05: the two before are a message.
        let done = push(3, "11:05:00");
        assert_eq!(done.map(|m| (m.line, m.line_count())), Some((2, 2)));
        // A line of an earlier step joins the message it comes in.
        assert!(push(4, "10:59:59").is_none());
        assert!(push(5, "11:09:59").is_none());
        let done = push(6, "11:10:00");
        assert_eq!(done.map(|m| (m.line, m.line_count())), Some((5, 3)));
    }
}
