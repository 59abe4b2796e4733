//! What must hold of every classified line, whatever its bytes.

use chrono::DateTime;
use serde::Deserialize;
use serde::de::IgnoredAny;

use forceboard::feed::parse::{Classified, classify, is_blank, parse_line};
use forceboard::feed::wire::schema_line;
use forceboard::model::{Event, EventBody, Reject};
use forceboard::time::{Timestamp, format_utc, is_plausible, parse_plausible};

use crate::split::OwnedLine;

/// Classifies `line` and checks the verdict; returns it for the caller's own checks.
pub fn check_line(line: &OwnedLine) -> Classified {
    let classified = classify(line.as_line());
    match (line, &classified) {
        (OwnedLine::TooLong, verdict) => {
            assert_eq!(*verdict, Classified::Rejected(Reject::TooLong));
        }
        (OwnedLine::Text(bytes), Classified::Blank) => assert!(is_blank(bytes)),
        (OwnedLine::Text(bytes), Classified::Rejected(reason)) => check_rejected(bytes, *reason),
        (OwnedLine::Text(bytes), Classified::Event(event)) => check_accepted(bytes, event),
    }
    classified
}

/// A refusal of the parser: one of the parser's reasons, printable, never "not UTF-8" for
/// UTF-8 nor anything but "not JSON" for what serde_json cannot read.
fn check_rejected(bytes: &[u8], reason: Reject) {
    assert!(!is_blank(bytes));
    assert!(
        !matches!(
            reason,
            Reject::TooLong
                | Reject::Unmatched(_)
                | Reject::NegativeDuration(_)
                | Reject::ImplausibleDuration(_)
                | Reject::FutureDated
        ),
        "the parser gave an engine's or a reader's reason: {reason:?}"
    );
    assert_reason_printable(reason);
    let Ok(text) = std::str::from_utf8(bytes) else {
        assert_eq!(reason, Reject::NotUtf8);
        return;
    };
    assert_ne!(reason, Reject::NotUtf8);
    if serde_json::from_str::<IgnoredAny>(text).is_err() {
        assert_eq!(reason, Reject::NotJson, "serde_json cannot read this line");
    }
    if !matches!(reason, Reject::NotJson | Reject::NotObject) {
        assert_same_through_serde(text, &Err(reason));
    }
}

/// A reason is shown on the board and written to logs: no control characters.
pub fn assert_reason_printable(reason: Reject) {
    let words = reason.to_string();
    assert!(!words.is_empty());
    assert!(
        !words.chars().any(char::is_control),
        "reason with a control character: {words:?}"
    );
}

#[derive(Deserialize)]
struct KindAndAt {
    kind: String,
    at: String,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

/// An accepted line: valid JSON whose `kind`, `at` and `id` read by serde_json say what the
/// event says, every time within 2000–2199, and the event written out reads back the same.
fn check_accepted(bytes: &[u8], event: &Event) {
    assert!(!is_blank(bytes));
    let text = std::str::from_utf8(bytes).expect("an accepted line is UTF-8");
    serde_json::from_str::<IgnoredAny>(text).expect("an accepted line is JSON");
    let fields: KindAndAt = serde_json::from_str(text).expect("kind and at are strings");
    assert_eq!(fields.kind, event.body.kind().label());
    assert_eq!(parse_plausible(&fields.at), Ok(event.at));
    assert_agrees_with_chrono(&fields.at, event.at);
    if let Some(id) = event.body.id() {
        let read: IdOnly = serde_json::from_str(text).expect("id is a string");
        assert_eq!(read.id, id);
    }
    for at in times_of(event) {
        assert!(
            is_plausible(at),
            "an accepted time outside 2000-2199: {at:?}"
        );
    }
    let written = schema_line(event, None, format_utc);
    assert_eq!(parse_line(written.as_bytes()).as_ref(), Ok(event));
    assert_same_through_serde(text, &Ok(event.clone()));
}

/// chrono reads RFC 3339 too: where it reads a time, it must be the same instant.
fn assert_agrees_with_chrono(text: &str, at: Timestamp) {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        assert_eq!(time.timestamp_nanos_opt(), Some(at.nanos()), "{text}");
    }
}

/// Every instant an event carries.
pub fn times_of(event: &Event) -> Vec<Timestamp> {
    let own_opening = match &event.body {
        EventBody::CallClosed { offered_at, .. } => *offered_at,
        EventBody::IncidentClosed { created_at, .. } => *created_at,
        _ => None,
    };
    std::iter::once(event.at).chain(own_opening).collect()
}

/// The same object with one more, unknown, field whose key has an escape: the parser's fast
/// path gives it up to serde_json, which must come to the same verdict.
fn assert_same_through_serde(text: &str, verdict: &Result<Event, Reject>) {
    let trimmed = text.trim_end();
    let Some(body) = trimmed.strip_suffix('}') else {
        return;
    };
    let empty_object = body
        .trim_start()
        .strip_prefix('{')
        .is_some_and(|inside| inside.trim().is_empty());
    if empty_object {
        return;
    }
    let widened = format!("{body},\"\\u005ffuzz\":[]}}");
    assert_eq!(
        &parse_line(widened.as_bytes()),
        verdict,
        "the fast path and serde_json disagree"
    );
}
