//! The built-in alert rules: for each call line its service level, mean answer, calls
//! waiting, longest wait and the staffing forecast's service level, and the feed not live;
//! each with a warning and a critical threshold, a hold before raising and a margin to
//! pass before clearing. The thresholds come from the force's own targets and goals, so a
//! force that moves its goal moves its alarms with it.

use crate::config::{AlertSettings, RuleSettings};
use crate::engine::{CallFigures, Staffing};
use crate::model::CallLine;
use crate::time::Span;

/// What an alert watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    ServiceLevel(CallLine),
    MeanAnswer(CallLine),
    Waiting(CallLine),
    LongestWait(CallLine),
    ForecastServiceLevel(CallLine),
    FeedNotLive,
}

impl Measure {
    /// The measure's name in the configuration (`[alerts.999_service_level]`).
    pub fn config_name(self) -> String {
        match self {
            Measure::ServiceLevel(line) => format!("{}_service_level", line.label()),
            Measure::MeanAnswer(line) => format!("{}_mean_answer", line.label()),
            Measure::Waiting(line) => format!("{}_waiting", line.label()),
            Measure::LongestWait(line) => format!("{}_longest_wait", line.label()),
            Measure::ForecastServiceLevel(line) => {
                format!("{}_forecast_service_level", line.label())
            }
            Measure::FeedNotLive => "feed_not_live".to_string(),
        }
    }

    /// The measure in words, as the alert strip and the audit log say it.
    pub fn label(self) -> String {
        match self {
            Measure::ServiceLevel(line) => format!("{} service level", line.label()),
            Measure::MeanAnswer(line) => format!("{} mean answer", line.label()),
            Measure::Waiting(line) => format!("{} calls waiting", line.label()),
            Measure::LongestWait(line) => format!("{} longest wait", line.label()),
            Measure::ForecastServiceLevel(line) => {
                format!("{} forecast service level", line.label())
            }
            Measure::FeedNotLive => "feed not live".to_string(),
        }
    }
}

/// Which way is worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Worse {
    /// A figure above the threshold is worse (a wait, a count).
    Above,
    /// A figure below the threshold is worse (a service level).
    Below,
}

/// One measure's thresholds, as they stand for the figures read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub measure: Measure,
    pub warning: f64,
    pub critical: f64,
    pub worse: Worse,
    /// How long the figure must stay past a threshold before the alert is raised.
    pub hold: Span,
    /// How far back past the warning threshold the figure must come to clear it.
    pub clear_margin: f64,
}

/// How bad an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Warning,
    Critical,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Warning => "WARNING",
            Level::Critical => "CRITICAL",
        }
    }
}

impl Rule {
    /// The rule as the configuration sets it (`None` when it is switched off).
    pub fn configured(self, settings: &AlertSettings) -> Option<Rule> {
        self.set_by(settings.rule(&self.measure.config_name()))
    }

    /// The rule as the configuration sets it for area `code`.
    pub fn configured_for_area(self, settings: &AlertSettings, code: &str) -> Option<Rule> {
        self.set_by(settings.area_rule(code, &self.measure.config_name()))
    }

    fn set_by(self, set: RuleSettings) -> Option<Rule> {
        if set.off {
            return None;
        }
        Some(Rule {
            warning: set.warning.unwrap_or(self.warning),
            critical: set.critical.unwrap_or(self.critical),
            hold: set.hold.unwrap_or(self.hold),
            clear_margin: set.clear_margin.unwrap_or(self.clear_margin),
            ..self
        })
    }

    fn past(&self, value: f64, threshold: f64) -> bool {
        match self.worse {
            Worse::Above => value > threshold,
            Worse::Below => value < threshold,
        }
    }

    /// The level `value` is at, if any.
    pub fn level(&self, value: f64) -> Option<Level> {
        if self.past(value, self.critical) {
            Some(Level::Critical)
        } else if self.past(value, self.warning) {
            Some(Level::Warning)
        } else {
            None
        }
    }

    /// Whether `value` is back far enough to clear a raised alert.
    pub fn clears(&self, value: f64) -> bool {
        match self.worse {
            Worse::Above => value <= self.warning - self.clear_margin,
            Worse::Below => value >= self.warning + self.clear_margin,
        }
    }
}

/// Held this long before a figure's alert is raised: a single slow call is not an alarm.
pub const HOLD: Span = Span::from_mins(2);
/// Held this long before the feed's silence is an alarm: the banner says it at once.
pub const FEED_HOLD: Span = Span::from_secs(30);

/// The rules for one call line's figures and forecast.
pub fn call_rules(line: CallLine, figures: &CallFigures) -> Vec<Rule> {
    let mut rules = Vec::new();
    if let Some(goal) = figures.sl_goal_pct {
        let service_level = |measure| Rule {
            measure,
            warning: goal,
            critical: goal - 10.0,
            worse: Worse::Below,
            hold: HOLD,
            clear_margin: 2.0,
        };
        rules.push(service_level(Measure::ServiceLevel(line)));
        rules.push(service_level(Measure::ForecastServiceLevel(line)));
    }
    if let Some(target) = figures.target_s {
        rules.push(Rule {
            measure: Measure::MeanAnswer(line),
            warning: target,
            critical: target * 2.0,
            worse: Worse::Above,
            hold: HOLD,
            clear_margin: target * 0.1,
        });
    }
    let (warning, critical) = match line {
        CallLine::Emergency999 => (2.0, 5.0),
        CallLine::NonEmergency101 => (5.0, 10.0),
    };
    rules.push(Rule {
        measure: Measure::Waiting(line),
        warning,
        critical,
        worse: Worse::Above,
        hold: Span::MINUTE,
        clear_margin: 1.0,
    });
    if let Some(threshold) = figures.sl_threshold_s {
        rules.push(Rule {
            measure: Measure::LongestWait(line),
            warning: threshold,
            critical: threshold * 3.0,
            worse: Worse::Above,
            hold: Span::ZERO,
            clear_margin: 0.0,
        });
    }
    rules
}

/// The rule for the feed's silence: 1 while not live.
pub fn feed_rule() -> Rule {
    Rule {
        measure: Measure::FeedNotLive,
        warning: 0.5,
        critical: 0.5,
        worse: Worse::Above,
        hold: FEED_HOLD,
        clear_margin: 0.0,
    }
}

/// The figure `measure` reads from a call line's figures and staffing.
pub fn reading(measure: Measure, figures: &CallFigures, staffing: &Staffing) -> Option<f64> {
    match measure {
        Measure::ServiceLevel(_) => figures.service_level_pct,
        Measure::MeanAnswer(_) => figures.mean_answer_s,
        #[allow(clippy::cast_precision_loss)] // a count of waiting calls
        Measure::Waiting(_) => Some(figures.waiting as f64),
        Measure::LongestWait(_) => Some(figures.longest_wait_s.unwrap_or(0.0)),
        Measure::ForecastServiceLevel(_) => staffing.forecast_sl_pct,
        Measure::FeedNotLive => None,
    }
}
