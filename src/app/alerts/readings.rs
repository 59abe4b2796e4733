//! What the alert rules read from the engine: the force's figures over the alert window,
//! each call line's staffing forecast, the breached open incidents, and whether the feed
//! is live.

use super::rules::{self, Rule};
use crate::config::AlertSettings;
use crate::engine::{Engine, Scope};
use crate::model::{CallLine, Grade};
use crate::time::{Span, Timestamp};

/// Each rule with the figure it watches.
pub type Readings = Vec<(Rule, Option<f64>)>;

/// The breached open incidents, by grade and id.
pub type Breaches = Vec<(Grade, String)>;

/// Each area's rules with the figure each watches (`[alerts] per_area = true`).
pub type AreaReadings = Vec<(String, Rule, Option<f64>)>;

/// Each area's call figures read by the force's rules (the staffing forecast and the
/// feed are the force's only: staffing events carry no area).
pub fn read_areas(
    engine: &Engine,
    (at, window): (Timestamp, Span),
    settings: &AlertSettings,
) -> AreaReadings {
    let mut readings = Vec::new();
    if !settings.per_area && settings.areas.is_empty() {
        return readings;
    }
    for (area, figures) in engine.scoped_figures(at, window).areas {
        if !settings.reads_area(&area) {
            continue;
        }
        for line in CallLine::ALL {
            let calls = match line {
                CallLine::Emergency999 => &figures.calls.line_999,
                CallLine::NonEmergency101 => &figures.calls.line_101,
            };
            let staffing = crate::engine::Staffing::default();
            for rule in rules::call_rules(line, calls) {
                if matches!(rule.measure, rules::Measure::ForecastServiceLevel(_)) {
                    continue;
                }
                let Some(rule) = rule.configured_for_area(settings, &area) else {
                    continue;
                };
                let value = rules::reading(rule.measure, calls, &staffing);
                readings.push((area.clone(), rule, value));
            }
        }
    }
    readings
}

/// Each rule with the figure it watches at `at`, and the breached open incidents.
pub fn read(
    engine: &Engine,
    (at, window): (Timestamp, Span),
    live: bool,
    settings: &AlertSettings,
) -> (Readings, Breaches) {
    let figures = engine.figures(at, window, Scope::Force);
    let mut readings = Vec::new();
    for line in CallLine::ALL {
        let calls = match line {
            CallLine::Emergency999 => &figures.calls.line_999,
            CallLine::NonEmergency101 => &figures.calls.line_101,
        };
        let staffing = engine.staffing(line, at);
        for rule in rules::call_rules(line, calls) {
            let Some(rule) = rule.configured(settings) else {
                continue;
            };
            let value = rules::reading(rule.measure, calls, &staffing);
            readings.push((rule, value));
        }
    }
    if let Some(rule) = rules::feed_rule().configured(settings) {
        readings.push((rule, Some(if live { 0.0 } else { 1.0 })));
    }
    let breaches = engine
        .open_incidents(at, Scope::Force)
        .into_iter()
        .filter(|incident| incident.time_left_s.is_some_and(|left| left < 0.0))
        .map(|incident| (incident.grade, incident.id))
        .collect();
    (readings, breaches)
}
