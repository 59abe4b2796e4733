//! `[alerts]`: each built-in alert rule's thresholds, hold and clearing margin, set by
//! the measure's name, and how long an acknowledged alert waits before it alarms again.
//!
//! ```toml
//! [alerts]
//! realert = "10m"
//! [alerts.999_service_level]
//! warning = 90        # percent
//! critical = 85
//! hold = "1m"
//! [alerts.101_waiting]
//! off = true
//! [alerts.area.SOL.999_waiting]   # Solihull's own, over the force's
//! warning = 1
//! ```
//!
//! A key left out keeps the built-in value (docs/guide/alerts.md). Thresholds are in the
//! measure's own unit: percent for a service level, seconds for a mean answer or a wait
//! (`"30s"` is read too), a count for calls waiting.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Value;

use super::file::{Duration, Problem, Table};
use crate::time::{Span, parse_span};

/// The measures a rule may be set for, by name.
pub const MEASURES: [&str; 11] = [
    "999_service_level",
    "101_service_level",
    "999_mean_answer",
    "101_mean_answer",
    "999_waiting",
    "101_waiting",
    "999_longest_wait",
    "101_longest_wait",
    "999_forecast_service_level",
    "101_forecast_service_level",
    "feed_not_live",
];

/// What the configuration sets for one rule; `None` keeps the built-in value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RuleSettings {
    pub warning: Option<f64>,
    pub critical: Option<f64>,
    pub hold: Option<Span>,
    pub clear_margin: Option<f64>,
    /// The rule raises nothing.
    pub off: bool,
}

/// The alerts' settings.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertSettings {
    /// An acknowledged alert still raised this long after alarms again.
    pub realert: Span,
    /// Each area's figures are read by the same rules too, as alerts of their own.
    pub per_area: bool,
    /// By measure name ([`MEASURES`]).
    pub rules: BTreeMap<String, RuleSettings>,
    /// An area's own settings, by area code and measure name, over `rules`; an area with
    /// any is read for alerts of its own even without `per_area`.
    pub areas: BTreeMap<String, BTreeMap<String, RuleSettings>>,
}

impl Default for AlertSettings {
    fn default() -> AlertSettings {
        AlertSettings {
            realert: Span::from_mins(10),
            per_area: false,
            rules: BTreeMap::new(),
            areas: BTreeMap::new(),
        }
    }
}

impl AlertSettings {
    /// What is set for `measure` (all built in when nothing is).
    pub fn rule(&self, measure: &str) -> RuleSettings {
        self.rules.get(measure).copied().unwrap_or_default()
    }

    /// What is set for `measure` in area `code`: the area's own over the force's.
    pub fn area_rule(&self, code: &str, measure: &str) -> RuleSettings {
        let force = self.rule(measure);
        let Some(own) = self.areas.get(code).and_then(|area| area.get(measure)) else {
            return force;
        };
        RuleSettings {
            warning: own.warning.or(force.warning),
            critical: own.critical.or(force.critical),
            hold: own.hold.or(force.hold),
            clear_margin: own.clear_margin.or(force.clear_margin),
            off: own.off || force.off,
        }
    }

    /// Whether area `code` raises alerts of its own.
    pub fn reads_area(&self, code: &str) -> bool {
        self.per_area || self.areas.contains_key(code)
    }
}

/// A struct of one optional table per measure ([`MEASURES`], in that order), with the
/// fields given first; `tables()` lists them in [`MEASURES`]' order.
macro_rules! measure_tables {
    ($(#[$doc:meta])* $name:ident { $($field:ident: $kind:ty,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(super) struct $name {
            $($field: $kind,)*
            #[serde(rename = "999_service_level")]
            service_level_999: Option<Table<RuleFile>>,
            #[serde(rename = "101_service_level")]
            service_level_101: Option<Table<RuleFile>>,
            #[serde(rename = "999_mean_answer")]
            mean_answer_999: Option<Table<RuleFile>>,
            #[serde(rename = "101_mean_answer")]
            mean_answer_101: Option<Table<RuleFile>>,
            #[serde(rename = "999_waiting")]
            waiting_999: Option<Table<RuleFile>>,
            #[serde(rename = "101_waiting")]
            waiting_101: Option<Table<RuleFile>>,
            #[serde(rename = "999_longest_wait")]
            longest_wait_999: Option<Table<RuleFile>>,
            #[serde(rename = "101_longest_wait")]
            longest_wait_101: Option<Table<RuleFile>>,
            #[serde(rename = "999_forecast_service_level")]
            forecast_999: Option<Table<RuleFile>>,
            #[serde(rename = "101_forecast_service_level")]
            forecast_101: Option<Table<RuleFile>>,
            feed_not_live: Option<Table<RuleFile>>,
        }

        impl $name {
            fn tables(&self) -> [&Option<Table<RuleFile>>; 11] {
                [
                    &self.service_level_999,
                    &self.service_level_101,
                    &self.mean_answer_999,
                    &self.mean_answer_101,
                    &self.waiting_999,
                    &self.waiting_101,
                    &self.longest_wait_999,
                    &self.longest_wait_101,
                    &self.forecast_999,
                    &self.forecast_101,
                    &self.feed_not_live,
                ]
            }
        }
    };
}

measure_tables! {
    /// `[alerts]` as written: `realert`, `per_area`, an area's own tables, and a table per
    /// measure.
    AlertsFile {
        realert: Option<Duration>,
        per_area: Option<bool>,
        area: Option<BTreeMap<String, Table<AreaAlertsFile>>>,
    }
}

measure_tables! {
    /// `[alerts.area.CODE]`: one area's own tables, over the force's.
    AreaAlertsFile {}
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    warning: Option<Threshold>,
    critical: Option<Threshold>,
    hold: Option<Hold>,
    clear_margin: Option<Threshold>,
    off: Option<bool>,
}

/// A threshold: a number, or a duration read as seconds.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
struct Threshold(f64);

impl TryFrom<Value> for Threshold {
    type Error = Problem;

    #[allow(clippy::cast_precision_loss)] // a threshold of more than 2^53 is not one
    fn try_from(value: Value) -> Result<Threshold, Problem> {
        match &value {
            Value::Integer(n) if *n >= 0 => Ok(Threshold(*n as f64)),
            Value::Float(x) if x.is_finite() && *x >= 0.0 => Ok(Threshold(*x)),
            Value::String(text) => parse_span(text)
                .filter(|span| !span.is_negative())
                .map(|span| Threshold(span.as_secs_f64()))
                .ok_or(Problem::NotThreshold),
            _ => Err(Problem::NotThreshold),
        }
    }
}

/// A hold: a duration, `"0s"` (raise at once) allowed.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
struct Hold(Span);

impl TryFrom<Value> for Hold {
    type Error = Problem;

    fn try_from(value: Value) -> Result<Hold, Problem> {
        match &value {
            Value::Integer(0) => Ok(Hold(Span::ZERO)),
            Value::Integer(n) if *n > 0 => n
                .checked_mul(Span::SECOND.nanos())
                .map(|nanos| Hold(Span::from_nanos(nanos)))
                .ok_or(Problem::NotHold),
            Value::String(text) => parse_span(text)
                .filter(|span| !span.is_negative())
                .map(Hold)
                .ok_or(Problem::NotHold),
            _ => Err(Problem::NotHold),
        }
    }
}

impl AlertsFile {
    /// Lays the file's settings over `settings`.
    pub(super) fn apply(&self, settings: &mut AlertSettings) {
        if let Some(realert) = &self.realert {
            settings.realert = realert.0;
        }
        if let Some(per_area) = self.per_area {
            settings.per_area = per_area;
        }
        lay(self.tables(), &mut settings.rules);
        for (code, Table(area)) in self.area.iter().flatten() {
            lay(
                area.tables(),
                settings.areas.entry(code.clone()).or_default(),
            );
        }
    }
}

/// Lays each measure's table over its rule in `rules`.
fn lay(tables: [&Option<Table<RuleFile>>; 11], rules: &mut BTreeMap<String, RuleSettings>) {
    for (name, table) in MEASURES.iter().zip(tables) {
        let Some(Table(file)) = table else { continue };
        let rule = rules.entry((*name).to_string()).or_default();
        if let Some(warning) = &file.warning {
            rule.warning = Some(warning.0);
        }
        if let Some(critical) = &file.critical {
            rule.critical = Some(critical.0);
        }
        if let Some(hold) = &file.hold {
            rule.hold = Some(hold.0);
        }
        if let Some(margin) = &file.clear_margin {
            rule.clear_margin = Some(margin.0);
        }
        if let Some(off) = file.off {
            rule.off = off;
        }
    }
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;
