//! Feed schema v1: one JSON object per line, parsed into an [`Event`] or refused with a
//! [`Reject`] reason that never repeats the line's content.
//!
//! Only the fields named in SPEC.md are read; every other field is skipped while scanning
//! and never stored, so caller details in a feed cannot reach the screen or the logs.

use std::borrow::Cow;

use serde::Deserialize;

use crate::feed::lines::Line;
use crate::model::{CallLine, CallOutcome, Event, EventBody, Grade, IncidentOutcome, Reject};
use crate::time::{Nanos, TimeError, parse_rfc3339};

/// Lines longer than this are refused without being held in memory.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// A known field's value as scanned: a string, or something else (its type is enough).
#[derive(Debug)]
enum Value<'a> {
    Text(Cow<'a, str>),
    NotText,
}

/// The schema's fields; anything else in the line is skipped while scanning.
#[derive(Debug, Default)]
struct Fields<'a> {
    kind: Option<Value<'a>>,
    at: Option<Value<'a>>,
    id: Option<Value<'a>>,
    line: Option<Value<'a>>,
    lpa: Option<Value<'a>>,
    grade: Option<Value<'a>>,
    offered_at: Option<Value<'a>>,
    created_at: Option<Value<'a>>,
    source: Option<Value<'a>>,
}

impl<'a> Fields<'a> {
    fn slot(&mut self, key: &[u8]) -> Option<&mut Option<Value<'a>>> {
        Some(match key {
            b"kind" => &mut self.kind,
            b"at" => &mut self.at,
            b"id" => &mut self.id,
            b"line" => &mut self.line,
            b"lpa" => &mut self.lpa,
            b"grade" => &mut self.grade,
            b"offered_at" => &mut self.offered_at,
            b"created_at" => &mut self.created_at,
            b"source" => &mut self.source,
            _ => return None,
        })
    }
}

/// Parses one line (without its newline) into an event.
pub fn parse_line(bytes: &[u8]) -> Result<Event, Reject> {
    let text = std::str::from_utf8(bytes).map_err(|_| Reject::NotUtf8)?;
    let fields = match scan_simple_object(text.as_bytes()) {
        Some(fields) => fields,
        None => scan_with_serde(text)?,
    };
    build_event(fields)
}

/// Is this line empty or white space only (skipped, not counted)?
pub fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| b.is_ascii_whitespace())
}

/// What one physical line of a feed is.
#[derive(Debug, Clone, PartialEq)]
pub enum Classified {
    Event(Event),
    /// Refused; the reason never repeats the line's content.
    Rejected(Reject),
    /// Empty or white space only: skipped and not counted, though it keeps its line number.
    Blank,
}

/// Reads one line: an event, a refusal, or a blank line to skip. Every reader of a feed
/// (files, replay, live sources) goes through here, so a line means the same everywhere.
pub fn classify(line: Line<'_>) -> Classified {
    match line {
        Line::TooLong => Classified::Rejected(Reject::TooLong),
        Line::Text(bytes) if is_blank(bytes) => Classified::Blank,
        Line::Text(bytes) => match parse_line(bytes) {
            Ok(event) => Classified::Event(event),
            Err(reason) => Classified::Rejected(reason),
        },
    }
}

fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while pos < b.len() && matches!(b[pos], b' ' | b'\t' | b'\n' | b'\r') {
        pos += 1;
    }
    pos
}

/// A plain string starting after its opening quote: no escapes and no control characters.
/// Returns the end (the closing quote's index). Feed strings are a few bytes long, so a
/// plain loop beats a vectorised search's set-up.
fn plain_string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut pos = start;
    loop {
        match *b.get(pos)? {
            b'"' => return Some(pos),
            b'\\' | 0..=0x1f => return None,
            _ => pos += 1,
        }
    }
}

fn number_end(b: &[u8], mut pos: usize) -> Option<usize> {
    let digits = |b: &[u8], mut pos: usize| {
        let start = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        (pos > start).then_some(pos)
    };
    if b.get(pos) == Some(&b'-') {
        pos += 1;
    }
    match b.get(pos)? {
        b'0' => pos += 1,
        b'1'..=b'9' => pos = digits(b, pos)?,
        _ => return None,
    }
    if b.get(pos) == Some(&b'.') {
        pos = digits(b, pos + 1)?;
    }
    if matches!(b.get(pos), Some(b'e' | b'E')) {
        pos += 1;
        if matches!(b.get(pos), Some(b'+' | b'-')) {
            pos += 1;
        }
        pos = digits(b, pos)?;
    }
    Some(pos)
}

/// The fast path: a flat object of plain strings, numbers, booleans and nulls.
/// Returns `None` for anything else (escapes, nesting, repeated keys, invalid JSON), and
/// the caller lets serde_json decide; so this never accepts what serde_json would refuse.
fn scan_simple_object(b: &[u8]) -> Option<Fields<'_>> {
    let mut fields = Fields::default();
    let mut pos = skip_ws(b, 0);
    if b.get(pos) != Some(&b'{') {
        return None;
    }
    pos = skip_ws(b, pos + 1);
    if b.get(pos) == Some(&b'}') {
        return (skip_ws(b, pos + 1) == b.len()).then_some(fields);
    }
    loop {
        if b.get(pos) != Some(&b'"') {
            return None;
        }
        let key_end = plain_string_end(b, pos + 1)?;
        let key = &b[pos + 1..key_end];
        pos = skip_ws(b, key_end + 1);
        if b.get(pos) != Some(&b':') {
            return None;
        }
        pos = skip_ws(b, pos + 1);
        let (value, end) = match b.get(pos)? {
            b'"' => {
                let end = plain_string_end(b, pos + 1)?;
                // The line was checked as UTF-8 and quotes are ASCII, so this cannot fail.
                let text = std::str::from_utf8(&b[pos + 1..end]).ok()?;
                (Some(Value::Text(Cow::Borrowed(text))), end + 1)
            }
            b'n' if b[pos..].starts_with(b"null") => (None, pos + 4),
            b't' if b[pos..].starts_with(b"true") => (Some(Value::NotText), pos + 4),
            b'f' if b[pos..].starts_with(b"false") => (Some(Value::NotText), pos + 5),
            b'-' | b'0'..=b'9' => (Some(Value::NotText), number_end(b, pos)?),
            _ => return None,
        };
        if let Some(slot) = fields.slot(key) {
            if slot.is_some() {
                return None; // a repeated field: serde_json's verdict
            }
            *slot = value;
        }
        pos = skip_ws(b, end);
        match b.get(pos)? {
            b',' => pos = skip_ws(b, pos + 1),
            b'}' => break,
            _ => return None,
        }
    }
    (skip_ws(b, pos + 1) == b.len()).then_some(fields)
}

/// What serde_json keeps of a line: the schema's fields only (others are skipped unread).
#[derive(Deserialize)]
struct KnownFields<'a> {
    #[serde(borrow)]
    kind: Option<AnyValue<'a>>,
    #[serde(borrow)]
    at: Option<AnyValue<'a>>,
    #[serde(borrow)]
    id: Option<AnyValue<'a>>,
    #[serde(borrow)]
    line: Option<AnyValue<'a>>,
    #[serde(borrow)]
    lpa: Option<AnyValue<'a>>,
    #[serde(borrow)]
    grade: Option<AnyValue<'a>>,
    #[serde(borrow)]
    offered_at: Option<AnyValue<'a>>,
    #[serde(borrow)]
    created_at: Option<AnyValue<'a>>,
    #[serde(borrow)]
    source: Option<AnyValue<'a>>,
}

/// A string (borrowed when it has no escapes), or any other JSON value, discarded.
#[derive(Deserialize)]
#[serde(untagged)]
enum AnyValue<'a> {
    #[serde(borrow)]
    Text(Cow<'a, str>),
    Other(serde::de::IgnoredAny),
}

impl<'a> From<Option<AnyValue<'a>>> for Value<'a> {
    fn from(value: Option<AnyValue<'a>>) -> Self {
        match value {
            Some(AnyValue::Text(text)) => Value::Text(text),
            _ => Value::NotText,
        }
    }
}

fn scan_with_serde(text: &str) -> Result<Fields<'_>, Reject> {
    if !text.trim_start().starts_with('{') {
        // serde would read an array into the struct by position; the schema wants objects.
        return Err(
            if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
                Reject::NotObject
            } else {
                Reject::NotJson
            },
        );
    }
    let known: KnownFields<'_> = serde_json::from_str(text).map_err(|_| Reject::NotJson)?;
    fn keep(value: Option<AnyValue<'_>>) -> Option<Value<'_>> {
        value.map(|v| Value::from(Some(v)))
    }
    Ok(Fields {
        kind: keep(known.kind),
        at: keep(known.at),
        id: keep(known.id),
        line: keep(known.line),
        lpa: keep(known.lpa),
        grade: keep(known.grade),
        offered_at: keep(known.offered_at),
        created_at: keep(known.created_at),
        source: keep(known.source),
    })
}

// A JSON `null` counts as absent: `Option` fields read it that way in both scanners.

fn required_text<'a>(value: Option<Value<'a>>, name: &'static str) -> Result<Cow<'a, str>, Reject> {
    match value {
        Some(Value::Text(text)) => Ok(text),
        Some(Value::NotText) => Err(Reject::NotString(name)),
        None => Err(Reject::Missing(name)),
    }
}

fn optional_text<'a>(
    value: Option<Value<'a>>,
    name: &'static str,
) -> Result<Option<Cow<'a, str>>, Reject> {
    match value {
        Some(Value::Text(text)) => Ok(Some(text)),
        Some(Value::NotText) => Err(Reject::NotString(name)),
        None => Ok(None),
    }
}

fn time_of(text: &str, name: &'static str) -> Result<Nanos, Reject> {
    parse_rfc3339(text).map_err(|error| match error {
        TimeError::NoOffset => Reject::NoOffset(name),
        TimeError::Malformed => Reject::BadTime(name),
    })
}

fn optional_time(value: Option<Value<'_>>, name: &'static str) -> Result<Option<Nanos>, Reject> {
    optional_text(value, name)?
        .map(|text| time_of(&text, name))
        .transpose()
}

fn optional_line(value: Option<Value<'_>>) -> Result<Option<CallLine>, Reject> {
    optional_text(value, "line")?
        .map(|text| CallLine::from_text(&text).ok_or(Reject::UnknownLine))
        .transpose()
}

fn optional_grade(value: Option<Value<'_>>) -> Result<Option<Grade>, Reject> {
    optional_text(value, "grade")?
        .map(|text| Grade::from_text(&text).ok_or(Reject::UnknownGrade))
        .transpose()
}

fn optional_lpa(value: Option<Value<'_>>) -> Result<Option<Box<str>>, Reject> {
    Ok(optional_text(value, "lpa")?.map(|text| text.into()))
}

fn build_event(fields: Fields<'_>) -> Result<Event, Reject> {
    let kind = required_text(fields.kind, "kind")?;
    let at = time_of(&required_text(fields.at, "at")?, "at")?;
    let id = |value| required_text(value, "id").map(|text| Box::<str>::from(text.as_ref()));
    let body = match kind.as_ref() {
        "call_offered" => EventBody::CallOffered {
            id: id(fields.id)?,
            line: optional_line(fields.line)?.ok_or(Reject::Missing("line"))?,
            lpa: optional_lpa(fields.lpa)?,
        },
        "call_answered" | "call_abandoned" => EventBody::CallClosed {
            id: id(fields.id)?,
            outcome: if kind == "call_answered" {
                CallOutcome::Answered
            } else {
                CallOutcome::Abandoned
            },
            offered_at: optional_time(fields.offered_at, "offered_at")?,
            line: optional_line(fields.line)?,
            lpa: optional_lpa(fields.lpa)?,
        },
        "incident_created" => EventBody::IncidentCreated {
            id: id(fields.id)?,
            grade: optional_grade(fields.grade)?.ok_or(Reject::Missing("grade"))?,
            lpa: optional_lpa(fields.lpa)?,
        },
        "incident_arrived" => EventBody::IncidentClosed {
            id: id(fields.id)?,
            outcome: IncidentOutcome::Arrived,
            created_at: optional_time(fields.created_at, "created_at")?,
            grade: optional_grade(fields.grade)?,
            lpa: optional_lpa(fields.lpa)?,
        },
        // The schema gives a cancellation no optional fields, so none are read.
        "incident_cancelled" => EventBody::IncidentClosed {
            id: id(fields.id)?,
            outcome: IncidentOutcome::Cancelled,
            created_at: None,
            grade: None,
            lpa: None,
        },
        "heartbeat" => {
            // Checked for its type like any field of the schema, then not kept.
            optional_text(fields.source, "source")?;
            EventBody::Heartbeat
        }
        _ => return Err(Reject::UnknownKind),
    };
    Ok(Event { at, body })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::NANOS_PER_SEC;

    fn parse(text: &str) -> Result<Event, Reject> {
        parse_line(text.as_bytes())
    }

    const T0: Nanos = 1_719_831_600 * NANOS_PER_SEC; // 2024-07-01T11:00:00Z

    #[test]
    fn a_call_offer_parses_with_its_fields() {
        let event = parse(
            r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999","lpa":"BIR"}"#,
        );
        assert_eq!(
            event,
            Ok(Event {
                at: T0,
                body: EventBody::CallOffered {
                    id: "A".into(),
                    line: CallLine::Emergency999,
                    lpa: Some("BIR".into())
                }
            })
        );
    }

    #[test]
    fn escapes_and_nesting_take_the_serde_path_and_agree() {
        let event = parse(
            r#" { "kind" : "call_offered", "at":"2024-07-01T11:00:00Z", "id":"A\u0042", "line":"999",
                 "caller": {"name": "x", "numbers": [1, 2.5e3, true, null]} } "#,
        );
        assert_eq!(
            event,
            Ok(Event {
                at: T0,
                body: EventBody::CallOffered {
                    id: "AB".into(),
                    line: CallLine::Emergency999,
                    lpa: None
                }
            })
        );
    }

    #[test]
    fn unknown_fields_of_any_type_are_ignored() {
        let event = parse(
            r#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z","source":"cad","n":-1.5e-3,"ok":false,"x":null}"#,
        );
        assert_eq!(
            event,
            Ok(Event {
                at: T0,
                body: EventBody::Heartbeat
            })
        );
    }

    #[test]
    fn every_reject_reason() {
        let cases: &[(&str, Reject)] = &[
            ("not json", Reject::NotJson),
            (
                r#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z""#,
                Reject::NotJson,
            ),
            (
                r#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z"} x"#,
                Reject::NotJson,
            ),
            (
                r#"{"kind":"heartbeat","kind":"heartbeat","at":"2024-07-01T11:00:00Z"}"#,
                Reject::NotJson,
            ),
            (r#"["heartbeat","2024-07-01T11:00:00Z"]"#, Reject::NotObject),
            (r#"{"at":"2024-07-01T11:00:00Z"}"#, Reject::Missing("kind")),
            (
                r#"{"kind":7,"at":"2024-07-01T11:00:00Z"}"#,
                Reject::NotString("kind"),
            ),
            (
                r#"{"kind":"call_transferred","at":"2024-07-01T11:00:00Z","id":"A"}"#,
                Reject::UnknownKind,
            ),
            (r#"{"kind":"heartbeat"}"#, Reject::Missing("at")),
            (r#"{"kind":"heartbeat","at":null}"#, Reject::Missing("at")),
            (
                r#"{"kind":"heartbeat","at":1719831600}"#,
                Reject::NotString("at"),
            ),
            (
                r#"{"kind":"heartbeat","at":"2024-07-01T11:00:00"}"#,
                Reject::NoOffset("at"),
            ),
            (
                r#"{"kind":"heartbeat","at":"2024-07-01 11:00"}"#,
                Reject::BadTime("at"),
            ),
            (
                r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","line":"999"}"#,
                Reject::Missing("id"),
            ),
            (
                r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":5,"line":"999"}"#,
                Reject::NotString("id"),
            ),
            (
                r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A"}"#,
                Reject::Missing("line"),
            ),
            (
                r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"112"}"#,
                Reject::UnknownLine,
            ),
            (
                r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":999}"#,
                Reject::NotString("line"),
            ),
            (
                r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999","lpa":3}"#,
                Reject::NotString("lpa"),
            ),
            (
                r#"{"kind":"call_answered","at":"2024-07-01T11:00:00Z","id":"A","offered_at":"2024-07-01T10:00:00"}"#,
                Reject::NoOffset("offered_at"),
            ),
            (
                r#"{"kind":"call_answered","at":"2024-07-01T11:00:00Z","id":"A","line":"911"}"#,
                Reject::UnknownLine,
            ),
            (
                r#"{"kind":"incident_created","at":"2024-07-01T11:00:00Z","id":"I"}"#,
                Reject::Missing("grade"),
            ),
            (
                r#"{"kind":"incident_created","at":"2024-07-01T11:00:00Z","id":"I","grade":"urgent"}"#,
                Reject::UnknownGrade,
            ),
            (
                r#"{"kind":"incident_arrived","at":"2024-07-01T11:00:00Z","id":"I","created_at":"soon"}"#,
                Reject::BadTime("created_at"),
            ),
        ];
        for (line, reason) in cases {
            assert_eq!(parse(line), Err(*reason), "{line}");
        }
        assert_eq!(
            parse_line(b"{\"kind\":\"heartbeat\",\"at\":\"\xff\"}"),
            Err(Reject::NotUtf8)
        );
    }

    #[test]
    fn reasons_never_echo_the_line() {
        let secret = "07700900123";
        let lines = [
            format!(r#"{{"kind":"{secret}","at":"2024-07-01T11:00:00Z"}}"#),
            format!(r#"{{"kind":"call_offered","at":"{secret}","id":"A","line":"999"}}"#),
            format!(
                r#"{{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"{secret}"}}"#
            ),
            format!("{secret} not json"),
        ];
        for line in lines {
            let reason = parse(&line).expect_err("rejected").to_string();
            assert!(!reason.contains(secret), "{reason}");
        }
    }

    #[test]
    fn a_cancellation_ignores_fields_the_schema_does_not_give_it() {
        let event = parse(
            r#"{"kind":"incident_cancelled","at":"2024-07-01T11:00:00Z","id":"I","grade":"bogus-is-not-read"}"#,
        );
        assert!(matches!(
            event,
            Ok(Event {
                body: EventBody::IncidentClosed {
                    outcome: IncidentOutcome::Cancelled,
                    grade: None,
                    ..
                },
                ..
            })
        ));
    }

    #[test]
    fn blank_lines() {
        assert!(is_blank(b""));
        assert!(is_blank(b"  \t\r"));
        assert!(!is_blank(b" {}"));
    }

    #[test]
    fn classify_tells_events_refusals_and_blank_lines_apart() {
        assert_eq!(
            classify(Line::Text(
                br#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z"}"#
            )),
            Classified::Event(Event {
                at: T0,
                body: EventBody::Heartbeat
            })
        );
        assert_eq!(
            classify(Line::Text(b"nope")),
            Classified::Rejected(Reject::NotJson)
        );
        assert_eq!(
            classify(Line::TooLong),
            Classified::Rejected(Reject::TooLong)
        );
        assert_eq!(classify(Line::Text(b"")), Classified::Blank);
        assert_eq!(classify(Line::Text(b" \t ")), Classified::Blank);
    }
}
