//! An alert's life, worked by hand: 999's service level (goal 90 %, so warning under 90,
//! critical under 80, held 2 minutes, cleared at 92 or more) read once a minute.

use super::rules::{HOLD, Worse};
use super::*;
use crate::model::CallLine;

fn rule() -> Rule {
    Rule {
        measure: Measure::ServiceLevel(CallLine::Emergency999),
        warning: 90.0,
        critical: 80.0,
        worse: Worse::Below,
        hold: HOLD,
        clear_margin: 2.0,
    }
}

fn minute(m: i64) -> Timestamp {
    Timestamp::from_nanos(0) + Span::from_mins(m)
}

fn kinds(events: &[AlertEvent]) -> Vec<&'static str> {
    events
        .iter()
        .map(|event| match event {
            AlertEvent::Raised(_) => "raised",
            AlertEvent::Escalated(_) => "escalated",
            AlertEvent::Acknowledged(_) => "acknowledged",
            AlertEvent::Realarmed(_) => "realarmed",
            AlertEvent::Cleared { .. } => "cleared",
        })
        .collect()
}

#[test]
fn a_figure_held_past_its_threshold_is_raised_escalated_acknowledged_realarmed_and_cleared() {
    let mut alerts = Alerts::default();
    let at = |alerts: &mut Alerts, m: i64, sl: f64| {
        alerts.evaluate(minute(m), &[(rule(), Some(sl))], &[]);
        kinds(&alerts.take_events())
    };
    // 0: 89 % (warning) — held from here; 1: still; 2: two minutes held: raised.
    assert!(at(&mut alerts, 0, 89.0).is_empty());
    assert!(at(&mut alerts, 1, 88.0).is_empty());
    assert_eq!(at(&mut alerts, 2, 88.0), ["raised"]);
    assert_eq!(alerts.alarms(), 1);
    assert_eq!(alerts.shown()[0].level, Level::Warning);
    // 3: 79 % (critical) — held from here; 5: two minutes: escalated, a second alarm.
    assert!(at(&mut alerts, 3, 79.0).is_empty());
    assert!(at(&mut alerts, 4, 75.0).is_empty());
    assert_eq!(at(&mut alerts, 5, 75.0), ["escalated"]);
    assert_eq!(alerts.alarms(), 2);
    // Acknowledged at 6 by the inspector: no alarm, still shown, still critical.
    assert!(
        alerts
            .acknowledge_newest("Insp. Khan", Some("two handlers sick"), minute(6))
            .is_some()
    );
    assert_eq!(kinds(&alerts.take_events()), ["acknowledged"]);
    let shown = alerts.shown();
    assert_eq!(shown[0].level, Level::Critical);
    let ack = shown[0].acknowledged.as_ref().expect("acknowledged");
    assert_eq!(
        (ack.by.as_str(), ack.note.as_deref()),
        ("Insp. Khan", Some("two handlers sick"))
    );
    // Nothing left to acknowledge.
    assert!(
        alerts
            .acknowledge_newest("Insp. Khan", None, minute(6))
            .is_none()
    );
    // 15: nine minutes after the acknowledgement, still acknowledged; 16: ten: again.
    assert!(at(&mut alerts, 15, 78.0).is_empty());
    assert_eq!(at(&mut alerts, 16, 78.0), ["realarmed"]);
    assert_eq!(alerts.alarms(), 3);
    assert!(alerts.shown()[0].acknowledged.is_none());
    // 17: 91 % is above the warning line but inside the margin: still raised.
    assert!(at(&mut alerts, 17, 91.0).is_empty());
    // 18: 92 %: cleared.
    assert_eq!(at(&mut alerts, 18, 92.0), ["cleared"]);
    assert!(alerts.shown().is_empty());
    assert_eq!(alerts.alarms(), 3);
}

#[test]
fn a_dip_shorter_than_the_hold_raises_nothing() {
    let mut alerts = Alerts::default();
    for (m, sl) in [(0, 85.0), (1, 84.0), (2, 95.0), (3, 85.0), (4, 85.0)] {
        alerts.evaluate(minute(m), &[(rule(), Some(sl))], &[]);
    }
    // Held from 3 only: at 4 for one minute.
    assert!(alerts.shown().is_empty());
    assert_eq!(alerts.alarms(), 0);
    alerts.evaluate(minute(5), &[(rule(), Some(85.0))], &[]);
    assert_eq!(alerts.alarms(), 1);
}

#[test]
fn a_figure_critical_at_once_is_raised_critical_after_the_hold() {
    let mut alerts = Alerts::default();
    alerts.evaluate(minute(0), &[(rule(), Some(50.0))], &[]);
    alerts.evaluate(minute(2), &[(rule(), Some(50.0))], &[]);
    let shown = alerts.shown();
    assert_eq!(shown.len(), 1);
    assert_eq!(
        (shown[0].level, shown[0].threshold),
        (Level::Critical, Some(80.0))
    );
    assert_eq!(alerts.alarms(), 1);
}

#[test]
fn each_new_breach_is_an_alert_of_its_own_at_once_emergencies_critical() {
    let mut alerts = Alerts::default();
    let p1 = (Grade::Priority, "P1".to_string());
    let e1 = (Grade::Emergency, "E1".to_string());
    let e2 = (Grade::Emergency, "E2".to_string());
    alerts.evaluate(minute(0), &[], std::slice::from_ref(&p1));
    alerts.evaluate(minute(1), &[], &[p1.clone(), e1.clone()]);
    alerts.evaluate(minute(2), &[], &[p1.clone(), e1.clone(), e2.clone()]);
    assert_eq!(kinds(&alerts.take_events()), ["raised", "raised", "raised"]);
    assert_eq!(alerts.alarms(), 3);
    // Critical first, the newest first: E2, E1, then P1.
    let order: Vec<String> = alerts
        .shown()
        .iter()
        .map(|alert| alert.key.label())
        .collect();
    assert_eq!(
        order,
        [
            "emergency incident E2 breached",
            "emergency incident E1 breached",
            "priority incident P1 breached"
        ]
    );
    // E1 attended: cleared; the others stay.
    alerts.evaluate(minute(3), &[], &[p1, e2]);
    assert_eq!(kinds(&alerts.take_events()), ["cleared"]);
    assert_eq!(alerts.shown().len(), 2);
}

#[test]
fn a_figure_with_no_data_clears_its_alert() {
    let mut alerts = Alerts::default();
    alerts.evaluate(minute(0), &[(rule(), Some(50.0))], &[]);
    alerts.evaluate(minute(2), &[(rule(), Some(50.0))], &[]);
    alerts.evaluate(minute(3), &[(rule(), None)], &[]);
    assert!(alerts.shown().is_empty());
}
