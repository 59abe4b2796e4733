//! Writing events back out as schema-v1.1 lines carrying only the schema's fields, in a
//! fixed order: what `serve` sends and `watch --record` keeps. Unknown fields of the input
//! (which may carry caller details) were never read, so they cannot be written.

use serde::Serialize;

use crate::model::{AnnouncedClock, CallLine, Event, EventBody, Grade};
use crate::time::Timestamp;

#[derive(Serialize)]
struct Wire<'a> {
    kind: &'static str,
    at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grade: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lpa: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offered_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    speed: Option<serde_json::Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    epoch: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_duty: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    available: Option<u32>,
}

impl Wire<'_> {
    fn into_line(self) -> String {
        // Strings and options only: serialising cannot fail.
        serde_json::to_string(&self).unwrap_or_default()
    }
}

/// One event as a line (without its newline). `id` replaces the event's own id when given
/// (serve makes ids unique per pass); `time` writes every instant.
pub fn schema_line(event: &Event, id: Option<&str>, time: impl Fn(Timestamp) -> String) -> String {
    let mut wire = Wire {
        kind: event.body.kind().label(),
        at: time(event.at),
        id: None,
        line: None,
        grade: None,
        lpa: None,
        offered_at: None,
        created_at: None,
        source: None,
        speed: None,
        epoch: None,
        on_duty: None,
        available: None,
    };
    match &event.body {
        EventBody::CallOffered { line, lpa, .. } => {
            wire.line = Some(line.label());
            wire.lpa = lpa.as_deref();
        }
        EventBody::CallClosed {
            offered_at,
            line,
            lpa,
            ..
        } => {
            wire.line = line.map(CallLine::label);
            wire.lpa = lpa.as_deref();
            wire.offered_at = offered_at.map(&time);
        }
        EventBody::IncidentCreated { grade, lpa, .. } => {
            wire.grade = Some(grade.label());
            wire.lpa = lpa.as_deref();
        }
        EventBody::IncidentClosed {
            created_at,
            grade,
            lpa,
            ..
        } => {
            wire.grade = grade.map(Grade::label);
            wire.lpa = lpa.as_deref();
            wire.created_at = created_at.map(&time);
        }
        // A clock's speed is not kept: a recording of a served feed is played on its own.
        EventBody::Heartbeat { .. } => {}
        EventBody::CallEnded { .. } => {}
        EventBody::Staffing {
            line,
            on_duty,
            available,
        } => {
            wire.line = Some(line.label());
            wire.on_duty = Some(*on_duty);
            wire.available = *available;
        }
    }
    wire.id = id.or(event.body.id());
    wire.into_line()
}

/// A heartbeat line from `source` (without its newline); with `clock`, it announces that
/// the feed carries its own clock, reading `at` now (`speed`, `epoch`).
pub(crate) fn heartbeat_line(at: String, source: &str, clock: Option<AnnouncedClock>) -> String {
    Wire {
        kind: "heartbeat",
        at,
        id: None,
        line: None,
        grade: None,
        lpa: None,
        offered_at: None,
        created_at: None,
        source: Some(source),
        speed: clock.and_then(|clock| json_number(clock.speed)),
        epoch: clock.map(|clock| clock.epoch),
        on_duty: None,
        available: None,
    }
    .into_line()
}

/// A whole number as an integer (`20`, not `20.0`); `None` for a non-finite one.
fn json_number(value: f64) -> Option<serde_json::Number> {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        // Whole and below 1e15 (exact in an f64): the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        let whole = value as i64;
        Some(serde_json::Number::from(whole))
    } else {
        serde_json::Number::from_f64(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::parse::parse_line;
    use crate::time::format_utc;

    #[test]
    fn a_line_written_out_reads_back_the_same_without_unknown_fields() {
        let input = r#"{"caller":"07700900123","kind":"call_answered","at":"2024-07-01T12:00:04.5+01:00","id":"A","offered_at":"2024-07-01T11:00:00Z","line":"999","lpa":"BIR"}"#;
        let event = parse_line(input.as_bytes()).expect("valid");
        let line = schema_line(&event, None, format_utc);
        assert_eq!(
            line,
            r#"{"kind":"call_answered","at":"2024-07-01T11:00:04.500Z","id":"A","line":"999","lpa":"BIR","offered_at":"2024-07-01T11:00:00Z"}"#
        );
        assert_eq!(parse_line(line.as_bytes()), Ok(event));
        let renamed = schema_line(
            &parse_line(input.as_bytes()).expect("valid"),
            Some("A~2"),
            format_utc,
        );
        assert!(renamed.contains(r#""id":"A~2""#));
    }

    #[test]
    fn schema_v1_1_lines_are_written_out_and_read_back_the_same() {
        let cases = [
            (
                r#"{"kind":"staffing","at":"2024-07-01T11:00:00Z","note":"x","available":2,"on_duty":7.0,"line":"999"}"#,
                r#"{"kind":"staffing","at":"2024-07-01T11:00:00Z","line":"999","on_duty":7,"available":2}"#,
            ),
            (
                r#"{"kind":"staffing","at":"2024-07-01T11:00:00Z","line":"101","on_duty":0}"#,
                r#"{"kind":"staffing","at":"2024-07-01T11:00:00Z","line":"101","on_duty":0}"#,
            ),
            (
                r#"{"kind":"call_ended","at":"2024-07-01T11:04:00Z","id":"A","caller":"07700900123"}"#,
                r#"{"kind":"call_ended","at":"2024-07-01T11:04:00Z","id":"A"}"#,
            ),
        ];
        for (input, canonical) in cases {
            let event = parse_line(input.as_bytes()).expect("valid");
            let line = schema_line(&event, None, format_utc);
            assert_eq!(line, canonical);
            assert_eq!(parse_line(line.as_bytes()), Ok(event));
        }
    }

    #[test]
    fn a_clock_heartbeat_reads_back_with_its_speed_and_a_recorded_one_without() {
        let at = "2024-07-01T11:00:00.000Z".to_string();
        let clock = |speed, epoch| Some(AnnouncedClock { speed, epoch });
        let whole = heartbeat_line(at.clone(), "serve", clock(20.0, 3));
        assert_eq!(
            whole,
            r#"{"kind":"heartbeat","at":"2024-07-01T11:00:00.000Z","source":"serve","speed":20,"epoch":3}"#
        );
        let event = parse_line(whole.as_bytes()).expect("valid");
        assert_eq!(
            event.body,
            EventBody::Heartbeat {
                clock: clock(20.0, 3)
            }
        );
        let half = heartbeat_line(at.clone(), "serve", clock(0.5, 0));
        assert!(half.ends_with(r#""speed":0.5,"epoch":0}"#), "{half}");
        let paused = heartbeat_line(at.clone(), "serve", clock(0.0, 1));
        assert!(paused.ends_with(r#""speed":0,"epoch":1}"#), "{paused}");
        assert!(!heartbeat_line(at, "cad", None).contains("speed"));
        // `watch --record` keeps heartbeats, never a clock.
        assert_eq!(
            schema_line(&event, None, format_utc),
            r#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z"}"#
        );
    }
}
