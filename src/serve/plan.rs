//! Planning: which events to send, each as a board would accept it, with closing events
//! made to stand alone.

use crate::engine::ledger::{Closing, EndVerdict, Ledger, OpenVerdict, OwnOpening};
use crate::ingest::playback::Playback;
use crate::model::{Event, EventBody, FeedText, IncidentOutcome};
use crate::time::{Span, Timestamp};

/// What a closing event is given from its opening: the line or grade, and the area.
type Opening<T> = (T, Option<FeedText>);

/// Makes a closing event stand alone: its opening's time, line or grade, and area.
fn copy_in<T>(
    opened_at: &mut Option<Timestamp>,
    what: &mut Option<T>,
    lpa: &mut Option<FeedText>,
    opening_at: Timestamp,
    (opening_what, opening_lpa): Opening<T>,
) {
    *opened_at = Some(opening_at);
    *what = Some(opening_what);
    *lpa = opening_lpa;
}

/// The playback's events in time order, each as a board would accept it, with closing
/// events made to stand alone; and how many were left out. `(max_call, max_incident)` are
/// the plausible maxima of a call's and an incident's duration, as the board's.
pub(super) fn plan(
    mut playback: Playback,
    (max_call, max_incident): (Span, Span),
) -> (Vec<Event>, u64) {
    playback.rewind();
    // Strays outside the recording's span (a source whose clock reads 2001, a line of
    // 2099) would be served decades away from the rest: a board would refuse them.
    let span = playback.first_at().zip(playback.last_at());
    let mut planned = Vec::with_capacity(playback.len());
    let all = playback
        .take_due(Timestamp::MAX)
        .iter()
        .map(|(_, event)| event);
    let mut calls = Ledger::new(max_call);
    let mut incidents = Ledger::new(max_incident);
    let mut left_out = 0;
    for event in all {
        let at = event.at;
        if span.is_some_and(|(first, last)| at < first || at > last) {
            left_out += 1;
            continue;
        }
        let mut event = event.clone();
        let keep = match &mut event.body {
            EventBody::Heartbeat { .. } => false,
            EventBody::CallOffered { id, line, lpa } => {
                calls.open(id, at, (*line, lpa.clone())) == OpenVerdict::Open
            }
            EventBody::IncidentCreated { id, grade, lpa } => {
                incidents.open(id, at, (*grade, lpa.clone())) == OpenVerdict::Open
            }
            EventBody::CallClosed {
                id,
                outcome,
                offered_at,
                line,
                lpa,
            } => {
                let own = OwnOpening::from_fields(*offered_at, *line);
                match calls.close(id, at, own, *outcome) {
                    Err(_) | Ok(Closing::Duplicate) => false,
                    Ok(Closing::StandAlone) => true,
                    Ok(Closing::Opened { at: opened, data }) => {
                        copy_in(offered_at, line, lpa, opened, data);
                        true
                    }
                }
            }
            EventBody::CallEnded { id } => {
                matches!(calls.end(id, at), Ok(EndVerdict::End { .. }))
            }
            EventBody::Staffing { .. } => true,
            EventBody::IncidentClosed {
                id,
                outcome,
                created_at,
                grade,
                lpa,
            } => {
                let own = OwnOpening::from_fields(*created_at, *grade);
                match incidents.close(id, at, own, *outcome) {
                    Err(_) | Ok(Closing::Duplicate) => false,
                    Ok(Closing::StandAlone) => true,
                    // The schema gives a cancellation no optional fields.
                    Ok(Closing::Opened { .. }) if *outcome == IncidentOutcome::Cancelled => true,
                    Ok(Closing::Opened { at: opened, data }) => {
                        copy_in(created_at, grade, lpa, opened, data);
                        true
                    }
                }
            }
        };
        if keep {
            planned.push(event);
        } else if !matches!(event.body, EventBody::Heartbeat { .. }) {
            left_out += 1;
        }
    }
    (planned, left_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CallLine, CallOutcome, Grade};

    fn planned(feed: &str) -> (Vec<Event>, u64) {
        let maxima = (Span::from_hours(24), Span::from_days(30));
        plan(Playback::read(feed.as_bytes()).expect("in memory"), maxima)
    }

    fn kinds_and_ids(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .map(|event| {
                let id = match &event.body {
                    EventBody::CallOffered { id, .. }
                    | EventBody::CallClosed { id, .. }
                    | EventBody::IncidentCreated { id, .. }
                    | EventBody::IncidentClosed { id, .. }
                    | EventBody::CallEnded { id } => id.to_string(),
                    EventBody::Heartbeat { .. } | EventBody::Staffing { .. } => String::new(),
                };
                format!("{} {id}", event.body.kind())
            })
            .collect()
    }

    #[test]
    fn a_call_end_is_served_once_after_its_answer_and_staffing_always() {
        let (events, left_out) = planned(
            r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999"}
{"kind":"staffing","at":"2024-07-01T11:00:00Z","line":"999","on_duty":7}
{"kind":"call_ended","at":"2024-07-01T11:00:01Z","id":"A"}
{"kind":"call_answered","at":"2024-07-01T11:00:04Z","id":"A"}
{"kind":"call_ended","at":"2024-07-01T11:03:04Z","id":"A"}
{"kind":"call_ended","at":"2024-07-01T11:03:05Z","id":"A"}
{"kind":"call_offered","at":"2024-07-01T11:04:00Z","id":"B","line":"999"}
{"kind":"call_abandoned","at":"2024-07-01T11:04:30Z","id":"B"}
{"kind":"call_ended","at":"2024-07-01T11:05:00Z","id":"B"}
"#,
        );
        assert_eq!(
            kinds_and_ids(&events),
            [
                "call_offered A",
                "staffing ",
                "call_answered A",
                "call_ended A",
                "call_offered B",
                "call_abandoned B",
            ]
        );
        // A's end before its answer, its second end, and B's end (B was abandoned).
        assert_eq!(left_out, 3);
    }

    #[test]
    fn planning_keeps_what_a_board_accepts_and_makes_closes_stand_alone() {
        let (events, left_out) = planned(
            r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"101","lpa":"BIR"}
{"kind":"call_answered","at":"2024-07-01T11:00:04Z","id":"A","offered_at":"2024-07-01T10:00:00Z","line":"999","lpa":"COV"}
{"kind":"call_answered","at":"2024-07-01T11:00:09Z","id":"A"}
{"kind":"call_offered","at":"2024-07-01T11:00:10Z","id":"A","line":"999"}
{"kind":"call_abandoned","at":"2024-07-01T11:00:09Z","id":"ZZ"}
{"kind":"call_abandoned","at":"2024-07-01T11:00:09Z","id":"S","offered_at":"2024-07-01T11:00:01Z","line":"999"}
{"kind":"call_offered","at":"2024-07-01T11:00:30Z","id":"N","line":"999"}
{"kind":"call_answered","at":"2024-07-01T11:00:20Z","id":"N"}
{"kind":"incident_created","at":"2024-07-01T11:00:00Z","id":"A","grade":"priority"}
{"kind":"incident_arrived","at":"2024-07-01T11:30:00Z","id":"A"}
{"kind":"incident_created","at":"2024-07-01T11:01:00Z","id":"B","grade":"emergency"}
{"kind":"incident_cancelled","at":"2024-07-01T11:02:00Z","id":"B"}
{"kind":"incident_cancelled","at":"2024-07-01T11:02:00Z","id":"Q"}
{"kind":"heartbeat","at":"2024-07-01T11:40:00Z"}
"#,
        );
        assert_eq!(
            kinds_and_ids(&events),
            [
                "call_offered A",
                "incident_created A",
                "call_answered A",
                "call_abandoned S",
                // N's answer came before its offer: unmatched then, so left out.
                "call_offered N",
                "incident_created B",
                "incident_cancelled B",
                "incident_arrived A",
            ]
        );
        // A second answer, a second offer, the unmatched ZZ and Q, N's early answer.
        assert_eq!(left_out, 5);
        let t = |text: &str| crate::time::parse_rfc3339(text).expect("time");
        // The offer's time, line and area win over the close's own.
        assert_eq!(
            events[2].body,
            EventBody::CallClosed {
                id: "A".into(),
                outcome: CallOutcome::Answered,
                offered_at: Some(t("2024-07-01T11:00:00Z")),
                line: Some(CallLine::NonEmergency101),
                lpa: Some("BIR".into()),
            }
        );
        assert_eq!(
            events[7].body,
            EventBody::IncidentClosed {
                id: "A".into(),
                outcome: IncidentOutcome::Arrived,
                created_at: Some(t("2024-07-01T11:00:00Z")),
                grade: Some(Grade::Priority),
                lpa: None,
            }
        );
    }

    #[test]
    fn closes_longer_than_the_plausible_maximum_are_left_out() {
        // A: answered exactly 24 h after its offer (kept); B: 24 h and 1 ms (left out);
        // S: a stand-alone arrival 30 days and 1 s after its creation (left out).
        let (events, left_out) = planned(
            r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999"}
{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"B","line":"999"}
{"kind":"call_answered","at":"2024-07-02T11:00:00Z","id":"A"}
{"kind":"call_answered","at":"2024-07-02T11:00:00.001Z","id":"B"}
{"kind":"incident_arrived","at":"2024-07-31T11:00:01Z","id":"S","created_at":"2024-07-01T11:00:00Z","grade":"priority"}
"#,
        );
        assert_eq!(
            kinds_and_ids(&events),
            ["call_offered A", "call_offered B", "call_answered A"]
        );
        assert_eq!(left_out, 2);
    }

    #[test]
    fn strays_outside_the_recordings_span_are_left_out() {
        let feed = include_str!("../../fixtures/strays.ndjson");
        let (events, _) = planned(feed);
        let ids = kinds_and_ids(&events);
        // The worked example's calls and incidents as a board accepts them, in time order
        // (E's answer, at 12:00+01:00, is 11:00Z); not S1, dated 2001.
        assert_eq!(
            ids,
            [
                "call_offered A",
                "call_answered E",
                "call_offered G",
                "incident_created I1",
                "call_answered A",
                "call_offered B",
                "incident_arrived I1",
                "call_answered B",
                "call_offered C",
                "call_abandoned C",
                "call_offered D",
                "incident_created I2",
                "call_abandoned D",
                "call_offered F",
            ]
        );
    }
}
