//! Inputs the fuzz targets (`fuzz/`, see docs/development/fuzzing.md) found wrong, minimised, with the
//! right outcome worked out by hand.

use forceboard::feed::lines::Line;
use forceboard::feed::parse::{Classified, classify};
use forceboard::feed::parse_line;
use forceboard::model::{CallLine, Event, EventBody, Reject};
use forceboard::time::Timestamp;

/// 2024-07-01T11:00:00Z.
const T0: Timestamp = Timestamp::from_nanos(1_719_831_600_000_000_000);

/// `parse_line`, minimised: `{"kind":3e333}`. A number too large for an `f64` is still valid
/// JSON. The fast path (flat objects, no escapes) read `kind` as "not a string"; the same
/// object with one escaped unknown field took the `serde_json` path, which converted the
/// number, failed, and refused the whole line as "not valid JSON". One object, two verdicts.
#[test]
fn a_number_too_large_for_a_float_in_kind_is_not_a_string_on_both_paths() {
    assert_eq!(
        parse_line(br#"{"kind":3e333}"#),
        Err(Reject::NotString("kind"))
    );
    // The escaped key sends the line down the serde_json path.
    assert_eq!(
        parse_line(br#"{"kind":3e333,"\u005ffuzz":[]}"#),
        Err(Reject::NotString("kind"))
    );
    assert_eq!(
        classify(Line::Text(br#"{"kind":3e333,"\u005ffuzz":[]}"#)),
        Classified::Rejected(Reject::NotString("kind"))
    );
}

/// The same cause where it changed an accepted line into a refused one: `grade` is not a
/// field of `call_offered`, so it is never read, whatever its value; the escaped id
/// (`\u0041` is `A`) sends the line down the `serde_json` path.
#[test]
fn a_huge_number_in_a_field_the_kind_does_not_read_leaves_the_event_accepted() {
    let want = Ok(Event {
        at: T0,
        body: EventBody::CallOffered {
            id: "A".into(),
            line: CallLine::Emergency999,
            lpa: None,
        },
    });
    let fast = br#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999","grade":1e400}"#;
    let escaped = br#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"\u0041","line":"999","grade":1e400}"#;
    assert_eq!(parse_line(fast), want);
    assert_eq!(parse_line(escaped), want);
}

/// And in a field the kind does read: "not a string", naming it, on both paths.
#[test]
fn a_huge_negative_number_as_a_heartbeat_source_is_not_a_string_on_both_paths() {
    let fast = br#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z","source":-1e999}"#;
    let escaped =
        br#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z","source":-1e999,"note":"a\nb"}"#;
    assert_eq!(parse_line(fast), Err(Reject::NotString("source")));
    assert_eq!(parse_line(escaped), Err(Reject::NotString("source")));
}

/// The served clock's `speed` is the one field read as a number: a speed too large for an
/// `f64`, and a good one, get the same verdict on both paths (the escaped `\u0068` is `h`).
#[test]
fn a_heartbeat_speed_gets_the_same_verdict_on_both_paths() {
    let huge_fast = br#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z","speed":1e400}"#;
    let huge_escaped = br#"{"kind":"\u0068eartbeat","at":"2024-07-01T11:00:00Z","speed":1e400}"#;
    let fast = parse_line(huge_fast);
    assert!(fast.is_err(), "{fast:?}");
    assert_eq!(parse_line(huge_escaped), fast);
    let good_fast = br#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z","speed":20}"#;
    let good_escaped = br#"{"kind":"\u0068eartbeat","at":"2024-07-01T11:00:00Z","speed":20}"#;
    let good = parse_line(good_fast);
    assert!(good.is_ok(), "{good:?}");
    assert_eq!(parse_line(good_escaped), good);
}

/// Schema v1.1's counts (`on_duty`, `available`) are read as numbers too: every verdict
/// is the same on the fast path and on the `serde_json` path (the escaped `\u0073` is `s`).
#[test]
fn staffing_counts_get_the_same_verdict_on_both_paths() {
    let cases: &[(&str, Result<EventBody, Reject>)] = &[
        (
            r#""on_duty":7,"available":2"#,
            Ok(EventBody::Staffing {
                line: CallLine::Emergency999,
                on_duty: 7,
                available: Some(2),
            }),
        ),
        (
            r#""on_duty":7.0,"available":null"#,
            Ok(EventBody::Staffing {
                line: CallLine::Emergency999,
                on_duty: 7,
                available: None,
            }),
        ),
        (
            r#""on_duty":1e4"#,
            Ok(EventBody::Staffing {
                line: CallLine::Emergency999,
                on_duty: 10_000,
                available: None,
            }),
        ),
        (r#""on_duty":1e400"#, Err(Reject::BadCount("on_duty"))),
        (r#""on_duty":-1e400"#, Err(Reject::BadCount("on_duty"))),
        (r#""on_duty":10001"#, Err(Reject::BadCount("on_duty"))),
        (r#""on_duty":-1"#, Err(Reject::BadCount("on_duty"))),
        (r#""on_duty":7.5"#, Err(Reject::BadCount("on_duty"))),
        (r#""on_duty":"7""#, Err(Reject::BadCount("on_duty"))),
        (r#""on_duty":[7]"#, Err(Reject::BadCount("on_duty"))),
        (r#""on_duty":null"#, Err(Reject::Missing("on_duty"))),
        (
            r#""on_duty":7,"available":1e400"#,
            Err(Reject::BadCount("available")),
        ),
        (
            r#""on_duty":7,"available":8"#,
            Err(Reject::AvailableAboveOnDuty),
        ),
    ];
    for (counts, want) in cases {
        let want = want.clone().map(|body| Event { at: T0, body });
        let fast =
            format!(r#"{{"kind":"staffing","at":"2024-07-01T11:00:00Z","line":"999",{counts}}}"#);
        let escaped = format!(
            r#"{{"kind":"\u0073taffing","at":"2024-07-01T11:00:00Z","line":"999",{counts}}}"#
        );
        assert_eq!(parse_line(fast.as_bytes()), want, "{fast}");
        assert_eq!(parse_line(escaped.as_bytes()), want, "{escaped}");
    }
}

/// A `call_ended` reads its id alone; a count on it is a field it does not read.
#[test]
fn a_call_end_reads_the_same_on_both_paths() {
    let want = Ok(Event {
        at: T0,
        body: EventBody::CallEnded { id: "A".into() },
    });
    let fast = br#"{"kind":"call_ended","at":"2024-07-01T11:00:00Z","id":"A","on_duty":1e400}"#;
    let escaped =
        br#"{"kind":"call_ended","at":"2024-07-01T11:00:00Z","id":"\u0041","on_duty":1e400}"#;
    assert_eq!(parse_line(fast), want);
    assert_eq!(parse_line(escaped), want);
}
