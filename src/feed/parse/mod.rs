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
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Event, Reject> {
        parse_line(text.as_bytes())
    }

    const T0: Timestamp = Timestamp::from_nanos(1_719_831_600_000_000_000); // 2024-07-01T11:00:00Z

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
                body: EventBody::Heartbeat { clock: None }
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
    fn a_heartbeat_may_announce_its_clock_speed_and_only_a_heartbeat_is_read_for_one() {
        let clock_of = |line: &str| match parse(line) {
            Ok(Event {
                body: EventBody::Heartbeat { clock },
                ..
            }) => Ok(clock.map(|clock| (clock.speed, clock.epoch))),
            Ok(other) => panic!("not a heartbeat: {other:?}"),
            Err(reason) => Err(reason),
        };
        let beat = |speed: &str| {
            format!(
                r#"{{"kind":"heartbeat","at":"2024-07-01T11:00:00Z","source":"s","speed":{speed}}}"#
            )
        };
        assert_eq!(clock_of(&beat("20")), Ok(Some((20.0, 0))));
        assert_eq!(clock_of(&beat("0.1")), Ok(Some((0.1, 0))));
        assert_eq!(clock_of(&beat("1e4")), Ok(Some((10_000.0, 0))));
        assert_eq!(clock_of(&beat("null")), Ok(None));
        // Paused: the clock stands still.
        assert_eq!(clock_of(&beat("0")), Ok(Some((0.0, 0))));
        assert_eq!(clock_of(&beat("-0")), Ok(Some((0.0, 0))));
        assert_eq!(clock_of(&beat("20,\"epoch\":7")), Ok(Some((20.0, 7))));
        assert_eq!(
            clock_of(&beat("0,\"epoch\":9007199254740992")),
            Ok(Some((0.0, 9_007_199_254_740_992)))
        );
        // The serde path (an escape elsewhere in the line) reads it the same.
        let escaped = r#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z","source":"\u0073","speed":2.5,"epoch":3}"#;
        assert_eq!(clock_of(escaped), Ok(Some((2.5, 3))));
        for bad in [
            "-20",
            "0.05",
            "10000.5",
            "1e400",
            "-1e400",
            r#""20""#,
            "true",
            "[20]",
            r#"{"x":1}"#,
        ] {
            assert_eq!(clock_of(&beat(bad)), Err(Reject::BadSpeed), "{bad}");
        }
        for bad in ["-1", "1.5", "9007199254740994", r#""3""#, "true", "1e400"] {
            let line = beat(&format!("20,\"epoch\":{bad}"));
            assert_eq!(clock_of(&line), Err(Reject::BadEpoch), "{bad}");
        }
        let epoch_alone = r#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z","epoch":2}"#;
        assert_eq!(clock_of(epoch_alone), Err(Reject::BadEpoch));
        assert_eq!(
            Reject::BadSpeed.to_string(),
            "\"speed\" is not 0 or a number from 0.1 to 10000"
        );
        // Any other kind ignores a `speed`, whatever it holds.
        let offer = parse(
            r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999","speed":-1}"#,
        );
        assert!(matches!(
            offer,
            Ok(Event {
                body: EventBody::CallOffered { .. },
                ..
            })
        ));
    }

    #[test]
    fn a_time_outside_the_years_2000_to_2199_is_a_bad_time_naming_its_field() {
        let cases: &[(&str, Reject)] = &[
            (
                r#"{"kind":"heartbeat","at":"1999-12-31T23:59:59.999Z"}"#,
                Reject::BadTime("at"),
            ),
            (
                r#"{"kind":"heartbeat","at":"2200-01-01T00:00:00Z"}"#,
                Reject::BadTime("at"),
            ),
            (
                r#"{"kind":"call_answered","at":"2024-07-01T11:00:50Z","id":"X","offered_at":"1900-01-01T00:00:00Z","line":"999"}"#,
                Reject::BadTime("offered_at"),
            ),
            (
                r#"{"kind":"incident_arrived","at":"2024-07-01T11:00:00Z","id":"I","created_at":"2000-01-01T00:30:00+01:00","grade":"priority"}"#,
                Reject::BadTime("created_at"),
            ),
        ];
        for (line, reason) in cases {
            assert_eq!(parse(line), Err(*reason), "{line}");
        }
        let edge = parse(r#"{"kind":"heartbeat","at":"2000-01-01T00:00:00Z"}"#);
        assert_eq!(
            edge.map(|event| event.at),
            Ok(Timestamp::from_nanos(946_684_800_000_000_000))
        );
        let edge = parse(r#"{"kind":"heartbeat","at":"2199-12-31T23:59:59Z"}"#);
        assert_eq!(
            edge.map(|event| event.at),
            Ok(Timestamp::from_nanos(7_258_118_399_000_000_000))
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

    /// Between tokens only JSON's four whitespace bytes may stand; any other control byte
    /// makes the line invalid. A key the length of a schema field but not one is ignored.
    #[test]
    fn only_json_whitespace_separates_tokens_and_near_miss_keys_are_unknown() {
        let heartbeat = Ok(Event {
            at: T0,
            body: EventBody::Heartbeat { clock: None },
        });
        for space in [" ", "\t", "\r", "\n", " \t\r\n "] {
            let line = format!(
                r#"{space}{{{space}"kind"{space}:{space}"heartbeat"{space},"at":"2024-07-01T11:00:00Z"{space}}}{space}"#
            );
            assert_eq!(parse(&line), heartbeat, "{line:?}");
        }
        for control in ["\u{0}", "\u{b}", "\u{c}", "\u{1f}"] {
            let line = format!(r#"{{"kind":{control}"heartbeat","at":"2024-07-01T11:00:00Z"}}"#);
            assert_eq!(parse(&line), Err(Reject::NotJson), "{line:?}");
        }
        // `lpb`, `kine`, `offered_on` are not `lpa`, `kind`, `offered_at`: ignored, so the
        // heartbeat stands and the offer has no area.
        let near = parse(
            r#"{"kine":"x","kind":"heartbeat","lpb":"BIR","at":"2024-07-01T11:00:00Z","offered_on":"y"}"#,
        );
        assert_eq!(near, heartbeat);
        let offer = parse(
            r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999","lpb":"BIR"}"#,
        );
        assert!(
            matches!(
                offer,
                Ok(Event {
                    body: EventBody::CallOffered { lpa: None, .. },
                    ..
                })
            ),
            "{offer:?}"
        );
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
                body: EventBody::Heartbeat { clock: None }
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
