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
