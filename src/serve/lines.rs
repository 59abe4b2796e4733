//! Lines: stamping times and rendering events and heartbeats as NDJSON.

use std::sync::Arc;

use chrono::SecondsFormat;

use super::HEARTBEAT_SOURCE;
use crate::feed::wire;
use crate::model::{AnnouncedClock, Event, EventBody, IncidentOutcome};
use crate::time::{Timestamp, to_utc};

/// RFC 3339 UTC with milliseconds.
fn stamp(at: Timestamp) -> String {
    to_utc(at).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A heartbeat announcing the served clock: it reads `at` now (`clock`: its speed, 0 while
/// paused, and the timeline's epoch).
pub(super) fn heartbeat_line(at: Timestamp, clock: AnnouncedClock) -> Arc<str> {
    let mut line = wire::heartbeat_line(stamp(at), HEARTBEAT_SOURCE, Some(clock));
    line.push('\n');
    line.into()
}

/// Calls and incidents have separate id spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Space {
    Call,
    Incident,
}

pub(super) type Key = (Space, Box<str>);

/// What a line does to the set of open ids.
pub(super) enum Role {
    Open(Key),
    Close(Key),
    Cancel(Key),
    /// Opens and closes nothing: a `call_ended` (its call was closed by its answer) or a
    /// `staffing` snapshot.
    Note,
}

/// An event's line, with every time mapped to served time by `map`; `None` for a
/// heartbeat (the server sends its own).
pub(super) fn render(
    event: &Event,
    map: impl Fn(Timestamp) -> Timestamp,
) -> Option<(Arc<str>, Role)> {
    let id = |id: &str| -> Box<str> { id.into() };
    let (key, role): (Key, fn(Key) -> Role) = match &event.body {
        EventBody::CallOffered { id: raw, .. } => ((Space::Call, id(raw)), Role::Open),
        EventBody::CallClosed { id: raw, .. } => ((Space::Call, id(raw)), Role::Close),
        EventBody::IncidentCreated { id: raw, .. } => ((Space::Incident, id(raw)), Role::Open),
        EventBody::IncidentClosed {
            id: raw,
            outcome: IncidentOutcome::Cancelled,
            ..
        } => ((Space::Incident, id(raw)), Role::Cancel),
        EventBody::IncidentClosed { id: raw, .. } => ((Space::Incident, id(raw)), Role::Close),
        EventBody::CallEnded { id: raw } => ((Space::Call, id(raw)), |_| Role::Note),
        // No id: the empty key is never written (below) and opens nothing.
        EventBody::Staffing { .. } => ((Space::Call, "".into()), |_| Role::Note),
        EventBody::Heartbeat { .. } => return None,
    };
    let mut line = wire::schema_line(event, None, |t| stamp(map(t)));
    line.push('\n');
    Some((line.into(), role(key)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::playback::Playback;
    use crate::serve::plan::plan;
    use crate::time::Span;

    fn planned(feed: &str) -> (Vec<Event>, u64) {
        let maxima = (Span::from_hours(24), Span::from_days(30));
        plan(Playback::read(feed.as_bytes()).expect("in memory"), maxima)
    }

    #[test]
    fn lines_are_canonical_with_times_mapped() {
        let (events, _) = planned(
            r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A\"1","line":"999","lpa":"BIR","name":"x"}
{"kind":"call_answered","at":"2024-07-01T11:00:04.5Z","id":"A\"1"}
"#,
        );
        let shift = (Timestamp::UNIX_EPOCH + Span::from_secs(1_000)) - events[0].at;
        let lines: Vec<String> = events
            .iter()
            .map(|e| render(e, |t| t + shift).expect("line").0.to_string())
            .collect();
        assert_eq!(
            lines,
            [
                "{\"kind\":\"call_offered\",\"at\":\"1970-01-01T00:16:40.000Z\",\"id\":\"A\\\"1\",\"line\":\"999\",\"lpa\":\"BIR\"}\n",
                "{\"kind\":\"call_answered\",\"at\":\"1970-01-01T00:16:44.500Z\",\"id\":\"A\\\"1\",\"line\":\"999\",\"lpa\":\"BIR\",\"offered_at\":\"1970-01-01T00:16:40.000Z\"}\n",
            ]
        );
        assert_eq!(
            &*heartbeat_line(
                Timestamp::UNIX_EPOCH,
                AnnouncedClock {
                    speed: 20.0,
                    epoch: 2
                }
            ),
            "{\"kind\":\"heartbeat\",\"at\":\"1970-01-01T00:00:00.000Z\",\"source\":\"forceboard-serve\",\"speed\":20,\"epoch\":2}\n"
        );
    }
}
