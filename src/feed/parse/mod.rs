//! Feed schema v1.1: one JSON object per line, parsed into an [`Event`] or refused with a
//! [`Reject`] reason that never repeats the line's content.
//!
//! Only the fields named in the feed contract are read; every other field is skipped while scanning
//! and never stored, so caller details in a feed cannot reach the screen or the logs.

mod scan;
mod staffing;

use scan::{Fields, Value, scan_simple_object, scan_with_serde};

use crate::feed::lines::{Line, MAX_LINE_BYTES};
use crate::model::{
    AnnouncedClock, CallLine, CallOutcome, Event, EventBody, FeedText, Grade, IncidentOutcome,
    Reject,
};
use crate::time::{SPEEDS, TimeError, Timestamp, parse_plausible};

/// Parses one line (without its newline) into an event.
pub fn parse_line(bytes: &[u8]) -> Result<Event, Reject> {
    parse_text(std::str::from_utf8(bytes).map_err(|_| Reject::NotUtf8)?)
}

/// [`parse_line`] for a line already known to be UTF-8.
fn parse_text(text: &str) -> Result<Event, Reject> {
    let mut fields = Fields::default();
    if scan_simple_object(text, &mut fields).is_some() {
        return build_event(&fields);
    }
    build_event(&scan_with_serde(text)?.values())
}

/// Is this line empty or white space only (skipped, not counted)?
pub fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
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

/// [`classify`] for a line whose text is already known to be UTF-8 (its chunk was checked
/// whole), cut as [`line_of`](crate::feed::lines::line_of) cuts one: a final `\r` dropped,
/// an overlong line refused (the proptests of `ingest::parallel` hold the two alike).
pub(crate) fn classify_text(line: &str) -> Classified {
    let text = line.strip_suffix('\r').unwrap_or(line);
    if text.len() > MAX_LINE_BYTES {
        Classified::Rejected(Reject::TooLong)
    } else if is_blank(text.as_bytes()) {
        Classified::Blank
    } else {
        match parse_text(text) {
            Ok(event) => Classified::Event(event),
            Err(reason) => Classified::Rejected(reason),
        }
    }
}

fn required_text<'a>(value: Option<Value<'a>>, name: &'static str) -> Result<&'a str, Reject> {
    match value {
        Some(Value::Text(text)) => Ok(text),
        Some(Value::Number(_) | Value::NotText) => Err(Reject::NotString(name)),
        None => Err(Reject::Missing(name)),
    }
}

fn optional_text<'a>(
    value: Option<Value<'a>>,
    name: &'static str,
) -> Result<Option<&'a str>, Reject> {
    match value {
        Some(Value::Text(text)) => Ok(Some(text)),
        Some(Value::Number(_) | Value::NotText) => Err(Reject::NotString(name)),
        None => Ok(None),
    }
}

/// Every time of a feed must be RFC 3339 with an offset, within the years 2000–2199.
fn time_of(text: &str, name: &'static str) -> Result<Timestamp, Reject> {
    parse_plausible(text).map_err(|error| match error {
        TimeError::NoOffset => Reject::NoOffset(name),
        TimeError::Malformed | TimeError::Implausible => Reject::BadTime(name),
    })
}

fn optional_time(
    value: Option<Value<'_>>,
    name: &'static str,
) -> Result<Option<Timestamp>, Reject> {
    optional_text(value, name)?
        .map(|text| time_of(text, name))
        .transpose()
}

fn optional_line(value: Option<Value<'_>>) -> Result<Option<CallLine>, Reject> {
    optional_text(value, "line")?
        .map(|text| CallLine::from_text(text).ok_or(Reject::UnknownLine))
        .transpose()
}

fn optional_grade(value: Option<Value<'_>>) -> Result<Option<Grade>, Reject> {
    optional_text(value, "grade")?
        .map(|text| Grade::from_text(text).ok_or(Reject::UnknownGrade))
        .transpose()
}

fn optional_lpa(value: Option<Value<'_>>) -> Result<Option<FeedText>, Reject> {
    Ok(optional_text(value, "lpa")?.map(FeedText::from))
}

/// The largest `epoch`: every whole number up to it is exact in a JSON number.
const MAX_EPOCH: f64 = 9_007_199_254_740_992.0;

/// A heartbeat's announced clock: `speed` 0 (paused) or within [`SPEEDS`], and `epoch` a
/// whole number (0 when absent); none without `speed`.
fn announced_clock(
    speed: Option<Value<'_>>,
    epoch: Option<Value<'_>>,
) -> Result<Option<AnnouncedClock>, Reject> {
    let speed = match speed {
        None => None,
        Some(Value::Number(speed)) if speed == 0.0 || SPEEDS.contains(&speed) => {
            // `-0` is a pause too, written back as 0.
            Some(speed.abs())
        }
        Some(_) => return Err(Reject::BadSpeed),
    };
    let epoch = match epoch {
        None => None,
        Some(Value::Number(epoch))
            if (0.0..=MAX_EPOCH).contains(&epoch) && epoch.fract() == 0.0 =>
        {
            // Whole and within 2^53: the conversion is exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Some(epoch as u64)
        }
        Some(_) => return Err(Reject::BadEpoch),
    };
    match (speed, epoch) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(Reject::BadEpoch),
        (Some(speed), epoch) => Ok(Some(AnnouncedClock {
            speed,
            epoch: epoch.unwrap_or(0),
        })),
    }
}

fn build_event(fields: &Fields<Value<'_>>) -> Result<Event, Reject> {
    let kind = required_text(fields.kind, "kind")?;
    let at = time_of(required_text(fields.at, "at")?, "at")?;
    let id = |value| required_text(value, "id").map(FeedText::from);
    // Each arm returns its event whole rather than a body wrapped after the match: the
    // body was built on the stack and then copied in, and the copy waited on the writes
    // that built it (a tenth of the time parsing a line, performance §46).
    match kind {
        "call_offered" => Ok(Event {
            at,
            body: EventBody::CallOffered {
                id: id(fields.id)?,
                line: optional_line(fields.line)?.ok_or(Reject::Missing("line"))?,
                lpa: optional_lpa(fields.lpa)?,
            },
        }),
        "call_answered" | "call_abandoned" => Ok(Event {
            at,
            body: EventBody::CallClosed {
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
        }),
        "incident_created" => Ok(Event {
            at,
            body: EventBody::IncidentCreated {
                id: id(fields.id)?,
                grade: optional_grade(fields.grade)?.ok_or(Reject::Missing("grade"))?,
                lpa: optional_lpa(fields.lpa)?,
            },
        }),
        "incident_arrived" => Ok(Event {
            at,
            body: EventBody::IncidentClosed {
                id: id(fields.id)?,
                outcome: IncidentOutcome::Arrived,
                created_at: optional_time(fields.created_at, "created_at")?,
                grade: optional_grade(fields.grade)?,
                lpa: optional_lpa(fields.lpa)?,
            },
        }),
        // The schema gives a cancellation no optional fields, so none are read.
        "incident_cancelled" => Ok(Event {
            at,
            body: EventBody::IncidentClosed {
                id: id(fields.id)?,
                outcome: IncidentOutcome::Cancelled,
                created_at: None,
                grade: None,
                lpa: None,
            },
        }),
        "heartbeat" => {
            // Checked for its type like any field of the schema, then not kept.
            optional_text(fields.source, "source")?;
            Ok(Event {
                at,
                body: EventBody::Heartbeat {
                    clock: announced_clock(fields.speed, fields.epoch)?,
                },
            })
        }
        "call_ended" => Ok(Event {
            at,
            body: EventBody::CallEnded { id: id(fields.id)? },
        }),
        "staffing" => Ok(Event {
            at,
            body: staffing::body(fields.line, fields.on_duty, fields.available)?,
        }),
        _ => Err(Reject::UnknownKind),
    }
}

#[cfg(test)]
mod tests;
