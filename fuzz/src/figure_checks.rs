//! What must hold of every figure the engine gives, whatever the feed.

use forceboard::engine::{
    CallFigures, Engine, Figures, HeadlineMeans, IncidentFigures, Scope, ScopedFigures, TopList,
};
use forceboard::time::{PLAUSIBLE_FROM, Span, Timestamp};

/// The windows the board offers.
pub const WINDOWS: [Span; 3] = [Span::from_mins(15), Span::HOUR, Span::from_hours(24)];

/// Every window's figures at `now`, checked; and, when every accepted event is at or before
/// `now`, the incremental path's figures, lists and trend equal to the full scan's.
pub fn check_engine_at(engine: &Engine, now: Timestamp) {
    let settled = engine.latest().is_none_or(|latest| now >= latest);
    for window in WINDOWS {
        let scoped = engine.scoped_figures(now, window);
        check_scoped(engine, &scoped, now);
        if settled {
            assert_eq!(
                scoped,
                engine.exact_scan().scoped_figures(now, window),
                "the incremental figures differ from the full scan"
            );
            let trend = engine.headline_means(&[now - window, now], window, Scope::Force);
            assert_eq!(trend.get(1), Some(&HeadlineMeans::of(&scoped.force)));
        }
    }
    check_lists(engine, now, settled);
}

fn check_scoped(engine: &Engine, scoped: &ScopedFigures, now: Timestamp) {
    // Configured areas first, then every other code seen: one row per known code.
    assert_eq!(scoped.areas.len(), engine.area_codes().len());
    let settings = engine.settings();
    let limits = Limits {
        max_call: settings.max_call_duration.as_secs_f64(),
        call_expiry: settings.call_expiry.as_secs_f64(),
        max_incident: settings.max_incident_duration.as_secs_f64(),
        // An open incident is kept until it closes: no older than the accepted years allow.
        oldest_open: (now - PLAUSIBLE_FROM).as_secs_f64(),
    };
    check_figures(&scoped.force, &limits);
    for (_, area) in &scoped.areas {
        check_figures(area, &limits);
    }
    check_areas_within_force(scoped);
}

struct Limits {
    max_call: f64,
    call_expiry: f64,
    max_incident: f64,
    oldest_open: f64,
}

fn check_figures(figures: &Figures, limits: &Limits) {
    for calls in [&figures.calls.line_999, &figures.calls.line_101] {
        check_calls(calls, limits);
    }
    let incidents = &figures.incidents;
    for grade in [
        &incidents.emergency,
        &incidents.priority,
        &incidents.scheduled,
    ] {
        check_incidents(grade, limits);
    }
}

fn check_calls(calls: &CallFigures, limits: &Limits) {
    check_durations(
        calls.answered,
        [
            calls.mean_answer_s,
            calls.p50_answer_s,
            calls.p90_answer_s,
            calls.max_answer_s,
        ],
        limits.max_call,
    );
    check_percent(calls.service_level_pct);
    check_percent(calls.abandon_rate_pct);
    assert_eq!(
        calls.abandon_rate_pct.is_some(),
        calls.answered + calls.abandoned > 0
    );
    if calls.sl_threshold_s.is_none() {
        assert_eq!(calls.service_level_pct, None);
    }
    assert_eq!(calls.longest_wait_s.is_some(), calls.waiting > 0);
    if let Some(wait) = calls.longest_wait_s {
        // Longer than the expiry is expired, not waiting.
        assert!(
            (0.0..=limits.call_expiry).contains(&wait),
            "longest wait {wait}"
        );
    }
}

fn check_incidents(incidents: &IncidentFigures, limits: &Limits) {
    check_durations(
        incidents.attended,
        [
            incidents.mean_attend_s,
            incidents.p50_attend_s,
            incidents.p90_attend_s,
            incidents.max_attend_s,
        ],
        limits.max_incident,
    );
    check_percent(incidents.within_target_pct);
    if incidents.target_s.is_some() {
        assert_eq!(
            incidents.within_target_pct.is_some(),
            incidents.attended > 0
        );
    } else {
        assert_eq!(incidents.within_target_pct, None);
        assert_eq!(incidents.open_breached, 0);
    }
    assert!(incidents.open_breached <= incidents.open);
    assert_eq!(incidents.oldest_open_s.is_some(), incidents.open > 0);
    if let Some(oldest) = incidents.oldest_open_s {
        assert!(
            (0.0..=limits.oldest_open).contains(&oldest),
            "oldest open {oldest}"
        );
        if let (true, Some(target)) = (incidents.open_breached > 0, incidents.target_s) {
            assert!(oldest > target, "breached, yet the oldest is within target");
        }
    }
}

/// Mean, p50, p90 and max of `count` durations: all there or none; each in 0..=`max`;
/// p50 ≤ p90 ≤ max; the mean no more than the max (a rounding's worth aside).
fn check_durations(count: u64, [mean, p50, p90, max]: [Option<f64>; 4], limit: f64) {
    let present = [mean, p50, p90, max].map(|figure| figure.is_some());
    assert_eq!(
        present,
        [count > 0; 4],
        "statistics present without data, or absent with"
    );
    let (Some(mean), Some(p50), Some(p90), Some(max)) = (mean, p50, p90, max) else {
        return;
    };
    for figure in [mean, p50, p90, max] {
        assert!(
            (0.0..=limit).contains(&figure),
            "duration figure {figure} outside 0..={limit}"
        );
    }
    assert!(
        p50 <= p90 && p90 <= max,
        "percentiles out of order: {p50} {p90} {max}"
    );
    assert!(mean <= max * (1.0 + 1e-12), "mean {mean} above max {max}");
}

fn check_percent(percent: Option<f64>) {
    if let Some(percent) = percent {
        assert!((0.0..=100.0).contains(&percent), "percentage {percent}");
    }
}

/// Every area's counts add up to no more than the force's (events without an area, or past
/// the area limit, count in the force only), and no area waits longer than the force.
fn check_areas_within_force(scoped: &ScopedFigures) {
    let force = &scoped.force;
    let sum = |pick: &dyn Fn(&Figures) -> u64| -> u64 {
        scoped.areas.iter().map(|(_, area)| pick(area)).sum()
    };
    let counts: [&dyn Fn(&Figures) -> u64; 10] = [
        &|f| f.calls.line_999.offered,
        &|f| f.calls.line_999.answered,
        &|f| f.calls.line_999.abandoned,
        &|f| f.calls.line_999.waiting,
        &|f| f.calls.line_999.expired,
        &|f| f.calls.line_101.offered,
        &|f| f.calls.line_101.waiting,
        &|f| f.incidents.emergency.created,
        &|f| f.incidents.emergency.open,
        &|f| f.incidents.priority.attended,
    ];
    for pick in counts {
        assert!(
            sum(pick) <= pick(force),
            "the areas add up to more than the force"
        );
    }
    for (_, area) in &scoped.areas {
        assert!(area.calls.line_999.longest_wait_s <= force.calls.line_999.longest_wait_s);
        assert!(area.incidents.emergency.oldest_open_s <= force.incidents.emergency.oldest_open_s);
    }
}

/// The two lists agree with the figures' counts; their first rows with the whole list.
fn check_lists(engine: &Engine, now: Timestamp, settled: bool) {
    let force = engine.figures(now, Span::from_mins(15), Scope::Force);
    let waiting = engine.waiting_calls(now, Scope::Force);
    assert_eq!(
        waiting.len() as u64,
        force.calls.line_999.waiting + force.calls.line_101.waiting
    );
    assert!(
        waiting
            .windows(2)
            .all(|pair| pair[0].wait_s >= pair[1].wait_s)
    );
    let open = engine.open_incidents(now, Scope::Force);
    assert_eq!(
        open.len() as u64,
        force.incidents.emergency.open + force.incidents.priority.open
    );
    let top = engine.waiting_calls_top(now, Scope::Force, 3);
    assert_eq!(top, TopList::of(waiting.clone(), 3));
    if settled {
        assert_eq!(
            waiting,
            engine.exact_scan().waiting_calls(now, Scope::Force)
        );
        assert_eq!(open, engine.exact_scan().open_incidents(now, Scope::Force));
    }
}
