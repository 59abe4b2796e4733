//! The engine through its public API: the per-id life, areas, the lists the dashboard
//! shows, and eviction. Expected values are worked out by hand in the comments.

use forceboard::engine::{Applied, Engine, EngineSettings, Scope};
use forceboard::feed::parse_line;
use forceboard::model::{EventKind, Grade, Reject};
use forceboard::time::{NANOS_PER_HOUR, NANOS_PER_MIN, Nanos, parse_rfc3339};

/// The engine still takes plain nanoseconds.
fn t(text: &str) -> Nanos {
    parse_rfc3339(&format!("2024-07-01T{text}Z"))
        .expect("test time")
        .nanos()
}

fn feed(engine: &mut Engine, line: &str) -> Result<Applied, Reject> {
    engine.ingest(parse_line(line.as_bytes()).expect("test line parses"))
}

fn offered(id: &str, at: &str, line: &str, lpa: Option<&str>) -> String {
    let lpa = lpa.map_or(String::new(), |code| format!(r#","lpa":"{code}""#));
    format!(r#"{{"kind":"call_offered","at":"2024-07-01T{at}Z","id":"{id}","line":"{line}"{lpa}}}"#)
}

fn closed(kind: &str, id: &str, at: &str) -> String {
    format!(r#"{{"kind":"{kind}","at":"2024-07-01T{at}Z","id":"{id}"}}"#)
}

fn heartbeat(at: &str) -> String {
    format!(r#"{{"kind":"heartbeat","at":"2024-07-01T{at}Z"}}"#)
}

#[test]
fn incidents_stand_alone_cancel_and_scheduled() {
    let mut engine = Engine::new(EngineSettings::default());
    let lines = [
        // I1 emergency, attended in 12 min (stand-alone: its creation was never seen).
        r#"{"kind":"incident_arrived","at":"2024-07-01T11:42:00Z","id":"I1","created_at":"2024-07-01T11:30:00Z","grade":"emergency","lpa":"SOL"}"#,
        // I2 priority, cancelled: neither attended nor open.
        r#"{"kind":"incident_created","at":"2024-07-01T11:10:00Z","id":"I2","grade":"priority","lpa":"SOL"}"#,
        r#"{"kind":"incident_cancelled","at":"2024-07-01T11:20:00Z","id":"I2"}"#,
        // I3 scheduled, attended after 40 min: counted, no target, no status.
        r#"{"kind":"incident_created","at":"2024-07-01T11:00:00Z","id":"I3","grade":"scheduled"}"#,
        r#"{"kind":"incident_arrived","at":"2024-07-01T11:40:00Z","id":"I3"}"#,
        // I4 priority open since 11:50, in an area not configured.
        r#"{"kind":"incident_created","at":"2024-07-01T11:50:00Z","id":"I4","grade":"priority","lpa":"ZZZ"}"#,
    ];
    for line in lines {
        assert_eq!(feed(&mut engine, line), Ok(Applied::Accepted), "{line}");
    }
    // A second cancellation, and an arrival after a cancellation, are duplicates.
    assert_eq!(
        feed(&mut engine, &closed("incident_cancelled", "I2", "11:21:00")),
        Ok(Applied::Duplicate)
    );
    assert_eq!(
        feed(&mut engine, &closed("incident_arrived", "I2", "11:22:00")),
        Ok(Applied::Duplicate)
    );
    // An arrival without created_at for an unknown id is unmatched; a cancellation can never stand alone.
    assert_eq!(
        feed(&mut engine, &closed("incident_arrived", "I9", "11:22:00")),
        Err(Reject::Unmatched(EventKind::IncidentArrived))
    );
    assert_eq!(
        feed(&mut engine, &closed("incident_cancelled", "I9", "11:22:00")),
        Err(Reject::Unmatched(EventKind::IncidentCancelled))
    );

    let now = t("12:00:00");
    let figures = engine.figures(now, NANOS_PER_HOUR, Scope::Force);
    let emergency = &figures.incidents.emergency;
    // I1 created at 11:30 (stand-alone created_at counts as its creation), attended 720 s.
    assert_eq!((emergency.created, emergency.attended), (1, 1));
    assert_eq!(emergency.mean_attend_s, Some(720.0));
    assert_eq!(emergency.within_target_pct, Some(100.0));
    let priority = &figures.incidents.priority;
    // I2 and I4 created; none attended; I4 open 600 s, not breached (< 3600 s).
    assert_eq!(
        (priority.created, priority.attended, priority.open),
        (2, 0, 1)
    );
    assert_eq!(
        (priority.open_breached, priority.oldest_open_s),
        (0, Some(600.0))
    );
    assert_eq!(priority.mean_attend_s, None);
    assert_eq!(priority.within_target_pct, None);
    let scheduled = &figures.incidents.scheduled;
    // I3 was created at 11:00:00, exactly T - W: outside; its arrival at 11:40 is inside.
    assert_eq!(
        (scheduled.created, scheduled.attended, scheduled.open),
        (0, 1, 0)
    );
    assert_eq!(scheduled.mean_attend_s, Some(2400.0));
    assert_eq!(scheduled.target_s, None);

    // SOL has I1 and I2; ZZZ (not configured) is listed after the seven configured areas.
    let scoped = engine.scoped_figures(now, NANOS_PER_HOUR);
    let codes: Vec<&str> = scoped.areas.iter().map(|(code, _)| code.as_str()).collect();
    assert_eq!(
        codes,
        ["BIR", "COV", "DUD", "SAN", "SOL", "WAL", "WOL", "ZZZ"]
    );
    let sol = engine.figures(now, NANOS_PER_HOUR, Scope::Area("SOL"));
    assert_eq!(sol.incidents.emergency.attended, 1);
    assert_eq!(sol.incidents.priority.created, 1);
    let zzz = engine.figures(now, NANOS_PER_HOUR, Scope::Area("ZZZ"));
    assert_eq!(zzz.incidents.priority.open, 1);
    let unknown = engine.figures(now, NANOS_PER_HOUR, Scope::Area("NOWHERE"));
    assert_eq!(unknown.incidents.priority.open, 0);

    // The breach watch: only emergency/priority, nearest to target first.
    let open = engine.open_incidents(now, Scope::Force);
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].id.as_str(), open[0].grade),
        ("I4", Grade::Priority)
    );
    assert_eq!(open[0].time_left_s, Some(3000.0));
    assert_eq!(open[0].area.as_deref(), Some("ZZZ"));
}

#[test]
fn waiting_calls_longest_first_and_events_after_now_have_not_happened() {
    let mut engine = Engine::new(EngineSettings::default());
    for line in [
        offered("W1", "11:58:00", "999", Some("BIR")),
        offered("W2", "11:50:00", "101", None),
        offered("W3", "11:59:30", "999", Some("BIR")),
        offered("W4", "12:10:00", "999", None),    // after now
        closed("call_answered", "W3", "12:05:00"), // answered after now: still waiting at now
    ] {
        assert_eq!(feed(&mut engine, &line), Ok(Applied::Accepted), "{line}");
    }
    let now = t("12:00:00");
    let waiting = engine.waiting_calls(now, Scope::Force);
    let ids: Vec<(&str, f64)> = waiting.iter().map(|w| (w.id.as_str(), w.wait_s)).collect();
    assert_eq!(ids, [("W2", 600.0), ("W1", 120.0), ("W3", 30.0)]);
    let in_bir = engine.waiting_calls(now, Scope::Area("BIR"));
    assert_eq!(in_bir.len(), 2);
    let figures = engine.figures(now, 15 * NANOS_PER_MIN, Scope::Force);
    assert_eq!(figures.calls.line_999.offered, 2);
    assert_eq!(figures.calls.line_999.waiting, 2);
    assert_eq!(figures.calls.line_999.longest_wait_s, Some(120.0));
    assert_eq!(figures.calls.line_999.answered, 0);
    // Later, W3 answered at 12:05:00 after 330 s is in, and W4 offered at exactly T counts.
    let later = engine.figures(t("12:10:00"), 15 * NANOS_PER_MIN, Scope::Force);
    assert_eq!(later.calls.line_999.answered, 1);
    assert_eq!(later.calls.line_999.mean_answer_s, Some(330.0));
    assert_eq!(later.calls.line_999.offered, 3);
}

fn one_hour_engine() -> Engine {
    Engine::new(EngineSettings {
        retention: NANOS_PER_HOUR,
        ..EngineSettings::default()
    })
}

#[test]
fn closed_ids_are_remembered_for_the_retention_then_forgotten() {
    let mut engine = one_hour_engine();
    assert_eq!(
        feed(&mut engine, &offered("A", "10:00:00", "999", None)),
        Ok(Applied::Accepted)
    );
    assert_eq!(
        feed(&mut engine, &closed("call_answered", "A", "10:00:05")),
        Ok(Applied::Accepted)
    );
    assert_eq!(
        feed(&mut engine, &heartbeat("10:30:00")),
        Ok(Applied::Accepted)
    );
    // Within the hour, A is remembered: a re-offer is a duplicate.
    assert_eq!(
        feed(&mut engine, &offered("A", "10:30:00", "999", None)),
        Ok(Applied::Duplicate)
    );
    assert_eq!(engine.records_held(), 1);
    // An hour after A closed, a sweep forgets it (and its id).
    assert_eq!(
        feed(&mut engine, &heartbeat("11:00:05")),
        Ok(Applied::Accepted)
    );
    assert_eq!(engine.records_held(), 0);
    assert_eq!(
        feed(&mut engine, &offered("A", "11:00:06", "999", None)),
        Ok(Applied::Accepted)
    );
}

#[test]
fn a_call_open_past_the_retention_is_forgotten_but_still_counted_as_expired() {
    let mut engine = one_hour_engine();
    assert_eq!(
        feed(&mut engine, &offered("X", "10:00:00", "999", Some("BIR"))),
        Ok(Applied::Accepted)
    );
    assert_eq!(
        feed(&mut engine, &heartbeat("10:45:00")),
        Ok(Applied::Accepted)
    );
    assert_eq!(engine.records_held(), 1);
    let held = engine.figures(t("10:45:00"), 15 * NANOS_PER_MIN, Scope::Force);
    assert_eq!(
        (held.calls.line_999.waiting, held.calls.line_999.expired),
        (0, 1)
    );
    // 11:00:01 is past max(retention 1 h, 2 × expiry 1 h) since the offer: forgotten.
    assert_eq!(
        feed(&mut engine, &heartbeat("11:00:01")),
        Ok(Applied::Accepted)
    );
    assert_eq!(engine.records_held(), 0);
    let now = t("11:00:01");
    let force = engine.figures(now, 15 * NANOS_PER_MIN, Scope::Force);
    assert_eq!(
        (force.calls.line_999.waiting, force.calls.line_999.expired),
        (0, 1)
    );
    let bir = engine.figures(now, 15 * NANOS_PER_MIN, Scope::Area("BIR"));
    assert_eq!(bir.calls.line_999.expired, 1);
    let cov = engine.figures(now, 15 * NANOS_PER_MIN, Scope::Area("COV"));
    assert_eq!(cov.calls.line_999.expired, 0);
}

#[test]
fn memory_stays_bounded_by_the_retention_over_a_long_feed() {
    let mut engine = one_hour_engine();
    // One 999 call a minute for 20 hours, each answered 4 s later.
    let mut most_held = 0;
    for minute in 0..20 * 60 {
        let (h, m) = (minute / 60, minute % 60);
        let id = format!("C{minute}");
        let at = |s: u32| format!("{:02}:{:02}:{:02}", h, m, s);
        feed(&mut engine, &offered(&id, &at(0), "999", None)).expect("offer");
        feed(&mut engine, &closed("call_answered", &id, &at(4))).expect("answer");
        most_held = most_held.max(engine.records_held());
    }
    // Kept: at most retention + one sweep interval (15 min) of calls, plus one.
    assert!(most_held <= 76, "held {most_held}");
    // The last hour's figures are complete: 60 calls answered in 4 s.
    let figures = engine.figures(t("19:59:04"), NANOS_PER_HOUR, Scope::Force);
    assert_eq!(figures.calls.line_999.answered, 60);
    assert_eq!(figures.calls.line_999.offered, 60);
    assert_eq!(figures.calls.line_999.mean_answer_s, Some(4.0));
}
