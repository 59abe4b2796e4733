//! The engine through its public API: the per-id life, areas, the lists the dashboard
//! shows, and eviction. Expected values are worked out by hand in the comments.

use forceboard::engine::{Applied, Engine, EngineSettings, Figures, Scope};
use forceboard::feed::parse_line;
use forceboard::model::{EventKind, Grade, Reject};
use forceboard::time::{Span, Timestamp, parse_rfc3339};

fn t(text: &str) -> Timestamp {
    parse_rfc3339(&format!("2024-07-01T{text}Z")).expect("test time")
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
    let figures = engine.figures(now, Span::HOUR, Scope::Force);
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
    let scoped = engine.scoped_figures(now, Span::HOUR);
    let codes: Vec<&str> = scoped.areas.iter().map(|(code, _)| code.as_str()).collect();
    assert_eq!(
        codes,
        ["BIR", "COV", "DUD", "SAN", "SOL", "WAL", "WOL", "ZZZ"]
    );
    let sol = engine.figures(now, Span::HOUR, Scope::Area("SOL"));
    assert_eq!(sol.incidents.emergency.attended, 1);
    assert_eq!(sol.incidents.priority.created, 1);
    let zzz = engine.figures(now, Span::HOUR, Scope::Area("ZZZ"));
    assert_eq!(zzz.incidents.priority.open, 1);
    let unknown = engine.figures(now, Span::HOUR, Scope::Area("NOWHERE"));
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
    let figures = engine.figures(now, Span::from_mins(15), Scope::Force);
    assert_eq!(figures.calls.line_999.offered, 2);
    assert_eq!(figures.calls.line_999.waiting, 2);
    assert_eq!(figures.calls.line_999.longest_wait_s, Some(120.0));
    assert_eq!(figures.calls.line_999.answered, 0);
    // Later, W3 answered at 12:05:00 after 330 s is in, and W4 offered at exactly T counts.
    let later = engine.figures(t("12:10:00"), Span::from_mins(15), Scope::Force);
    assert_eq!(later.calls.line_999.answered, 1);
    assert_eq!(later.calls.line_999.mean_answer_s, Some(330.0));
    assert_eq!(later.calls.line_999.offered, 3);
}

fn one_hour_engine() -> Engine {
    Engine::new(EngineSettings {
        retention: Span::HOUR,
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
    let held = engine.figures(t("10:45:00"), Span::from_mins(15), Scope::Force);
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
    let force = engine.figures(now, Span::from_mins(15), Scope::Force);
    assert_eq!(
        (force.calls.line_999.waiting, force.calls.line_999.expired),
        (0, 1)
    );
    let bir = engine.figures(now, Span::from_mins(15), Scope::Area("BIR"));
    assert_eq!(bir.calls.line_999.expired, 1);
    let cov = engine.figures(now, Span::from_mins(15), Scope::Area("COV"));
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
        let at = |s: u32| format!("{h:02}:{m:02}:{s:02}");
        feed(&mut engine, &offered(&id, &at(0), "999", None)).expect("offer");
        feed(&mut engine, &closed("call_answered", &id, &at(4))).expect("answer");
        most_held = most_held.max(engine.records_held());
    }
    // Kept: at most retention + one sweep interval (15 min) of calls, plus one.
    assert!(most_held <= 76, "held {most_held}");
    // The last hour's figures are complete: 60 calls answered in 4 s.
    let figures = engine.figures(t("19:59:04"), Span::HOUR, Scope::Force);
    assert_eq!(figures.calls.line_999.answered, 60);
    assert_eq!(figures.calls.line_999.offered, 60);
    assert_eq!(figures.calls.line_999.mean_answer_s, Some(4.0));
}

/// Both paths, the indexes (`now` at the latest event) and the full scan, must say the same.
fn agreed_figures(engine: &Engine, now: Timestamp, window: Span) -> Figures {
    assert_eq!(
        engine.latest(),
        Some(now),
        "the indexes answer at the latest event"
    );
    let figures = engine.figures(now, window, Scope::Force);
    assert_eq!(
        figures,
        engine.exact_scan().figures(now, window, Scope::Force)
    );
    figures
}

#[test]
fn a_call_offered_exactly_an_expiry_ago_is_waiting_and_a_nanosecond_earlier_expired() {
    let mut engine = Engine::new(EngineSettings::default());
    for line in [
        offered("X0", "11:29:59.999999999", "999", Some("BIR")),
        offered("X1", "11:30:00", "999", Some("BIR")),
        heartbeat("12:00:00"),
    ] {
        assert_eq!(feed(&mut engine, &line), Ok(Applied::Accepted), "{line}");
    }
    let now = t("12:00:00");
    // X1 has waited exactly the 30 min expiry: waiting. X0 one nanosecond more: expired.
    let calls = agreed_figures(&engine, now, Span::from_mins(15))
        .calls
        .line_999;
    assert_eq!((calls.waiting, calls.expired), (1, 1));
    assert_eq!(calls.longest_wait_s, Some(1800.0));
    let waiting = engine.waiting_calls_top(now, Scope::Area("BIR"), 50);
    assert_eq!(waiting.total, 1);
    assert_eq!(waiting.rows[0].id, "X1");
    assert_eq!(waiting.rows[0].wait_s, 1800.0);
}

#[test]
fn an_incident_exactly_at_its_target_is_not_breached() {
    let mut engine = Engine::new(EngineSettings::default());
    for line in [
        // Emergency target 15 min: I1 is exactly 15 min old at 12:00, I0 a nanosecond older.
        r#"{"kind":"incident_created","at":"2024-07-01T11:45:00Z","id":"I1","grade":"emergency"}"#,
        r#"{"kind":"incident_created","at":"2024-07-01T11:44:59.999999999Z","id":"I0","grade":"emergency"}"#,
        // Priority target 1 h: P1 exactly an hour old.
        r#"{"kind":"incident_created","at":"2024-07-01T11:00:00Z","id":"P1","grade":"priority"}"#,
        &heartbeat("12:00:00"),
    ] {
        assert_eq!(feed(&mut engine, line), Ok(Applied::Accepted), "{line}");
    }
    let now = t("12:00:00");
    let incidents = agreed_figures(&engine, now, Span::HOUR).incidents;
    let emergency = &incidents.emergency;
    assert_eq!((emergency.open, emergency.open_breached), (2, 1));
    assert_eq!(emergency.oldest_open_s, Some(900.000_000_001));
    assert_eq!(
        (incidents.priority.open, incidents.priority.open_breached),
        (1, 0)
    );
    // Time left: I0 −1 ns; I1 and P1 0 s, then by id.
    let watch = engine.open_incidents_top(now, Scope::Force, 50);
    let rows: Vec<(&str, Option<f64>)> = watch
        .rows
        .iter()
        .map(|row| (row.id.as_str(), row.time_left_s))
        .collect();
    assert_eq!(
        rows,
        [("I0", Some(-1e-9)), ("I1", Some(0.0)), ("P1", Some(0.0))]
    );
}

const WATCHED: [&str; 5] = [
    r#"{"kind":"incident_created","at":"2024-07-01T11:40:00Z","id":"E2","grade":"emergency","lpa":"BIR"}"#,
    r#"{"kind":"incident_created","at":"2024-07-01T11:50:00Z","id":"E1","grade":"emergency","lpa":"COV"}"#,
    r#"{"kind":"incident_created","at":"2024-07-01T11:10:00Z","id":"P1","grade":"priority","lpa":"BIR"}"#,
    r#"{"kind":"incident_created","at":"2024-07-01T11:55:00Z","id":"P0","grade":"priority"}"#,
    r#"{"kind":"incident_created","at":"2024-07-01T11:00:00Z","id":"S1","grade":"scheduled"}"#,
];

fn watch(settings: EngineSettings, scope: Scope<'_>, limit: usize) -> (Vec<String>, usize) {
    let mut engine = Engine::new(settings);
    for line in WATCHED {
        assert_eq!(feed(&mut engine, line), Ok(Applied::Accepted), "{line}");
    }
    let now = t("12:00:00");
    engine
        .ingest(parse_line(heartbeat("12:00:00").as_bytes()).expect("line"))
        .expect("ok");
    let top = engine.open_incidents_top(now, scope, limit);
    let whole = engine.exact_scan().open_incidents(now, scope);
    assert_eq!(
        top.rows[..],
        whole[..top.rows.len()],
        "the scan lists the same first rows"
    );
    assert_eq!(top.total, whole.len());
    (
        top.rows.iter().map(|row| row.id.clone()).collect(),
        top.total,
    )
}

#[test]
fn the_breach_watch_interleaves_grades_by_time_left() {
    // Time left at 12:00: E2 11:40 + 15 min → −5 min; E1 11:50 + 15 min → +5 min;
    // P1 11:10 + 1 h → +10 min; P0 11:55 + 1 h → +55 min. S1 is scheduled: never listed.
    let settings = EngineSettings::default;
    assert_eq!(
        watch(settings(), Scope::Force, 50),
        (vec!["E2".into(), "E1".into(), "P1".into(), "P0".into()], 4)
    );
    assert_eq!(
        watch(settings(), Scope::Force, 2),
        (vec!["E2".into(), "E1".into()], 4)
    );
    assert_eq!(
        watch(settings(), Scope::Area("BIR"), 50),
        (vec!["E2".into(), "P1".into()], 2)
    );
    assert_eq!(watch(settings(), Scope::Area("NOWHERE"), 50), (vec![], 0));
}

#[test]
fn the_breach_watch_puts_every_breach_first_emergencies_then_priorities() {
    // At 12:00: EA 11:40 + 15 min → 5 min over; PA 10:30 + 1 h → 30 min over; PB 10:50
    // + 1 h → 10 min over; PC 11:03 + 1 h → 3 min left; EB 11:50 + 15 min → 5 min left;
    // EC 11:52 + 15 min → 7 min left. By deadline alone PA and PB would lead, and with
    // emergencies moved up EB and EC would push the breached priorities down.
    let mut engine = Engine::new(EngineSettings::default());
    for (id, at, grade) in [
        ("EA", "11:40:00", "emergency"),
        ("EB", "11:50:00", "emergency"),
        ("EC", "11:52:00", "emergency"),
        ("PA", "10:30:00", "priority"),
        ("PB", "10:50:00", "priority"),
        ("PC", "11:03:00", "priority"),
    ] {
        let line = format!(
            r#"{{"kind":"incident_created","at":"2024-07-01T{at}Z","id":"{id}","grade":"{grade}"}}"#
        );
        assert_eq!(feed(&mut engine, &line), Ok(Applied::Accepted), "{line}");
    }
    assert_eq!(
        feed(&mut engine, &heartbeat("12:00:00")),
        Ok(Applied::Accepted)
    );
    let now = t("12:00:00");
    let ids = |limit| {
        let top = engine.open_incidents_top(now, Scope::Force, limit);
        let ids: Vec<String> = top.rows.iter().map(|row| row.id.clone()).collect();
        (ids, top.total)
    };
    let all = ["EA", "PA", "PB", "PC", "EB", "EC"]
        .map(String::from)
        .to_vec();
    assert_eq!(ids(50), (all.clone(), 6));
    assert_eq!(ids(3), (all[..3].to_vec(), 6));
    let scanned: Vec<String> = engine
        .exact_scan()
        .open_incidents(now, Scope::Force)
        .into_iter()
        .map(|row| row.id)
        .collect();
    assert_eq!(scanned, all);
}

#[test]
fn a_grade_without_a_target_comes_last_in_the_breach_watch_by_id() {
    let mut settings = EngineSettings::default();
    settings.incidents[Grade::Priority.index()].target = None;
    // Priority now has no time left to sort by: after the emergencies, P0 before P1.
    assert_eq!(
        watch(settings.clone(), Scope::Force, 50),
        (vec!["E2".into(), "E1".into(), "P0".into(), "P1".into()], 4)
    );
    assert_eq!(
        watch(settings, Scope::Force, 3),
        (vec!["E2".into(), "E1".into(), "P0".into()], 4)
    );
}

#[test]
fn longest_waits_first_rows_and_total_with_ties_by_id() {
    let mut engine = Engine::new(EngineSettings::default());
    for line in [
        offered("W2", "11:59:00", "999", Some("BIR")),
        offered("W1", "11:59:00", "101", Some("COV")),
        offered("W3", "11:50:00", "101", Some("BIR")),
        heartbeat("12:00:00"),
    ] {
        assert_eq!(feed(&mut engine, &line), Ok(Applied::Accepted), "{line}");
    }
    let now = t("12:00:00");
    let ids = |scope, limit| {
        let top = engine.waiting_calls_top(now, scope, limit);
        let rows: Vec<(String, f64)> = top.rows.iter().map(|w| (w.id.clone(), w.wait_s)).collect();
        (rows, top.total)
    };
    // W3 has waited 600 s; W1 and W2 60 s each, in id order.
    assert_eq!(
        ids(Scope::Force, 50),
        (
            vec![
                ("W3".into(), 600.0),
                ("W1".into(), 60.0),
                ("W2".into(), 60.0)
            ],
            3
        )
    );
    assert_eq!(ids(Scope::Force, 2).0.len(), 2);
    assert_eq!(ids(Scope::Force, 0), (vec![], 3));
    assert_eq!(
        ids(Scope::Area("BIR"), 50),
        (vec![("W3".into(), 600.0), ("W2".into(), 60.0)], 2)
    );
}

#[test]
fn trend_means_at_many_points() {
    let mut engine = Engine::new(EngineSettings::default());
    for line in [
        // A: 999 in BIR, answered in 4 s at 10:00:04.
        offered("A", "10:00:00", "999", Some("BIR")),
        closed("call_answered", "A", "10:00:04"),
        // B: 999 answered in 120 s exactly on the 11:00 mark.
        offered("B", "10:58:00", "999", Some("COV")),
        closed("call_answered", "B", "11:00:00"),
        // C: 101 answered in 120 s at 11:03.
        offered("C", "11:01:00", "101", None),
        closed("call_answered", "C", "11:03:00"),
        // E: emergency attended in 12 min at 10:42.
        r#"{"kind":"incident_created","at":"2024-07-01T10:30:00Z","id":"E","grade":"emergency"}"#
            .into(),
        closed("incident_arrived", "E", "10:42:00"),
        heartbeat("12:00:00"),
    ] {
        assert_eq!(feed(&mut engine, &line), Ok(Applied::Accepted), "{line}");
    }
    let means = |points: &[&str], window, scope| {
        let points: Vec<Timestamp> = points.iter().map(|p| t(p)).collect();
        engine
            .headline_means(&points, window, scope)
            .into_iter()
            .map(|m| (m.answer_999, m.answer_101, m.emergency))
            .collect::<Vec<_>>()
    };
    let quarter = Span::from_mins(15);
    assert_eq!(
        means(
            &["10:45:00", "11:00:00", "11:05:00", "11:15:00"],
            quarter,
            Scope::Force
        ),
        [
            // (10:30, 10:45]: E's 720 s.
            (None, None, Some(720.0)),
            // (10:45, 11:00]: B closed exactly at 11:00 is in.
            (Some(120.0), None, None),
            // (10:50, 11:05]: B and C.
            (Some(120.0), Some(120.0), None),
            // (11:00, 11:15]: B closed exactly at 11:00 is out.
            (None, Some(120.0), None),
        ]
    );
    assert_eq!(
        means(&["10:05:00", "11:05:00"], quarter, Scope::Area("BIR")),
        [(Some(4.0), None, None), (None, None, None)]
    );
    // Off the marks, and over any window: (10:47, 11:02] holds B; (10:58, 11:05] B and C.
    assert_eq!(
        means(&["11:02:00"], quarter, Scope::Force),
        [(Some(120.0), None, None)]
    );
    assert_eq!(
        means(&["11:05:00"], Span::from_mins(7), Scope::Force),
        [(Some(120.0), Some(120.0), None)]
    );
    // Over 2 h to 11:05: A 4 s and B 120 s → 62 s.
    assert_eq!(
        means(&["11:05:00"], Span::from_hours(2), Scope::Force),
        [(Some(62.0), Some(120.0), Some(720.0))]
    );
}

/// Areas are named in the order first seen, each keeping its own calls, whether a force
/// has a few (found by comparing names) or many (found through an index): 40 areas after
/// the 7 configured, area i (from 0) offered i + 1 calls, their lines interleaved. By hand:
/// area 0 has 1 call, area 39 has 40, 820 in all.
#[test]
fn many_areas_each_keep_their_own_calls_in_first_seen_order() {
    let mut engine = Engine::new(EngineSettings::default());
    let mut call = 0;
    for round in 0..40 {
        for area in round..40 {
            call += 1;
            let line = offered(
                &format!("C{call}"),
                "11:00:00",
                "999",
                Some(&format!("A{area:02}")),
            );
            assert_eq!(feed(&mut engine, &line), Ok(Applied::Accepted));
        }
    }
    let now = t("11:30:00");
    let scoped = engine.scoped_figures(now, Span::HOUR);
    let codes: Vec<&str> = scoped.areas.iter().map(|(code, _)| code.as_str()).collect();
    // The seven configured by default come first, with no calls.
    let configured = ["BIR", "COV", "DUD", "SAN", "SOL", "WAL", "WOL"];
    let expected: Vec<String> = configured
        .iter()
        .map(ToString::to_string)
        .chain((0..40).map(|area| format!("A{area:02}")))
        .collect();
    assert_eq!(codes, expected);
    for (index, (code, figures)) in scoped.areas.iter().enumerate() {
        let calls = (index as u64 + 1).saturating_sub(configured.len() as u64);
        assert_eq!(figures.calls.line_999.offered, calls, "{code}");
    }
    assert_eq!(scoped.force.calls.line_999.offered, 820);
    let a03 = engine.figures(now, Span::HOUR, Scope::Area("A03"));
    assert_eq!(a03.calls.line_999.offered, 4);
}
