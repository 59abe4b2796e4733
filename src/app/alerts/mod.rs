//! Alerts: a figure past its threshold long enough is raised, in two tiers; a supervisor
//! acknowledges it by name, which stops the alarm (the bell) but not the colour; if it is
//! still raised a guard time after the acknowledgement it alarms again; it clears once the
//! figure is back past the warning threshold by a margin. A new breach of an open
//! incident's target is an alert of its own, at once.
//!
//! Pure: the caller says what the figures read and when; what happened is kept as events
//! for the audit log, and a count of alarms tells a board when to ring.

mod display;
pub mod readings;
pub mod rules;

use std::collections::HashMap;

use crate::model::Grade;
use crate::time::{Span, Timestamp};
pub use display::lines;
pub use rules::{Level, Measure, Rule};

/// An alert acknowledged this long ago and still raised alarms again, unless the
/// configuration says otherwise (`[alerts] realert`).
pub const REALERT: Span = Span::from_mins(10);

/// Boards raise an alert a moment apart (each on its own tick, holds started when each
/// first read the figure): another board's acknowledgement made up to this long before
/// the alert was raised here is of the same alert.
pub const SHARED_SLACK: Span = Span::MINUTE;

/// Whether `ack`, made on another board, is of `alert` as raised here: made since a
/// little before it was raised, and not so long before that it would have alarmed again.
fn applies(ack: &Acknowledgement, alert: &ActiveAlert, realert: Span) -> bool {
    ack.at >= alert.alarmed_at - SHARED_SLACK && alert.alarmed_at - ack.at < realert
}

/// What an alert is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlertKey {
    Measure(Measure),
    /// A measure of one area's figures (`[alerts] per_area = true`).
    AreaMeasure {
        area: String,
        measure: Measure,
    },
    /// An open incident past its attendance target.
    Breach {
        grade: Grade,
        id: String,
    },
}

impl AlertKey {
    /// The alert in words.
    pub fn label(&self) -> String {
        match self {
            AlertKey::Measure(measure) => measure.label(),
            AlertKey::AreaMeasure { area, measure } => format!("{area} {}", measure.label()),
            AlertKey::Breach { grade, id } => format!("{} incident {id} breached", grade.label()),
        }
    }
}

/// Who acknowledged an alert, when, and what they noted.
#[derive(Debug, Clone, PartialEq)]
pub struct Acknowledgement {
    pub by: String,
    pub note: Option<String>,
    pub at: Timestamp,
    /// Made on another board on the same NATS subject, and shared.
    pub shared: bool,
}

/// A raised alert.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveAlert {
    pub key: AlertKey,
    pub level: Level,
    /// When it was raised (or escalated, or alarmed again).
    pub alarmed_at: Timestamp,
    /// The figure when last read (`None` for a breach).
    pub value: Option<f64>,
    /// The threshold it is past.
    pub threshold: Option<f64>,
    pub acknowledged: Option<Acknowledgement>,
}

/// What happened to an alert, for the audit log.
#[derive(Debug, Clone, PartialEq)]
pub enum AlertEvent {
    Raised(ActiveAlert),
    Escalated(ActiveAlert),
    Acknowledged(ActiveAlert),
    Realarmed(ActiveAlert),
    Cleared {
        key: AlertKey,
        at: Timestamp,
        value: Option<f64>,
    },
}

/// Every alert of one feed, shared by every board on it.
#[derive(Debug, Clone)]
pub struct Alerts {
    /// An acknowledged alert still raised this long after alarms again.
    realert: Span,
    /// Raised, oldest first.
    active: Vec<ActiveAlert>,
    /// Since when each figure has been past its warning threshold, and its critical one.
    pending: HashMap<AlertKey, (Timestamp, Option<Timestamp>)>,
    /// Happened since the log last took them.
    events: Vec<AlertEvent>,
    /// Raises, escalations and re-alarms so far: a board rings when it grows.
    alarms: u64,
    /// The latest acknowledgement shared by other boards, by alert name: applied to the
    /// alert when it is (or is next) raised here.
    shared: HashMap<String, Acknowledgement>,
    /// The alerts other boards on the feed have up, by name: raised here at once, not
    /// after the hold, while the figure is past its threshold here too.
    raised_elsewhere: HashMap<String, Timestamp>,
}

impl Default for Alerts {
    fn default() -> Alerts {
        Alerts::new(REALERT)
    }
}

impl Alerts {
    /// No alert yet; an acknowledged one alarms again after `realert`.
    pub fn new(realert: Span) -> Alerts {
        Alerts {
            realert,
            active: Vec::new(),
            pending: HashMap::new(),
            events: Vec::new(),
            alarms: 0,
            shared: HashMap::new(),
            raised_elsewhere: HashMap::new(),
        }
    }

    /// Reads the figures at `now`: `readings` are each rule with the figure it watches.
    /// Every breached open incident is in `breaches`.
    pub fn evaluate(
        &mut self,
        now: Timestamp,
        readings: &[(Rule, Option<f64>)],
        breaches: &[(Grade, String)],
    ) {
        self.evaluate_with_areas(now, readings, &[], breaches);
    }

    /// As [`evaluate`](Self::evaluate), with each area's readings too.
    pub fn evaluate_with_areas(
        &mut self,
        now: Timestamp,
        readings: &[(Rule, Option<f64>)],
        area_readings: &[(String, Rule, Option<f64>)],
        breaches: &[(Grade, String)],
    ) {
        for (rule, value) in readings {
            self.read(now, AlertKey::Measure(rule.measure), rule, *value);
        }
        for (area, rule, value) in area_readings {
            let key = AlertKey::AreaMeasure {
                area: area.clone(),
                measure: rule.measure,
            };
            self.read(now, key, rule, *value);
        }
        self.read_breaches(now, breaches);
        self.realarm_acknowledged(now);
    }

    fn read(&mut self, now: Timestamp, key: AlertKey, rule: &Rule, value: Option<f64>) {
        let level = value.and_then(|value| rule.level(value));
        // Since when the figure has been past the warning threshold, and past the
        // critical one, without a break.
        let (warning_since, critical_since) = match level {
            None => {
                self.pending.remove(&key);
                (None, None)
            }
            Some(level) => {
                let entry = self.pending.entry(key.clone()).or_insert((now, None));
                if level == Level::Critical {
                    entry.1.get_or_insert(now);
                } else {
                    entry.1 = None;
                }
                (Some(entry.0), entry.1)
            }
        };
        let held = |since: Option<Timestamp>| since.is_some_and(|since| now - since >= rule.hold);
        let held = if held(critical_since) {
            Some(Level::Critical)
        } else if held(warning_since) {
            Some(Level::Warning)
        } else if self.raised_elsewhere.contains_key(&key.label()) {
            // Up on another board, which has waited out the hold already.
            level
        } else {
            None
        };
        let position = self.active.iter().position(|alert| alert.key == key);
        match position {
            Some(at) => {
                let alert = &mut self.active[at];
                alert.value = value;
                if value.is_none_or(|value| rule.clears(value)) {
                    let key = alert.key.clone();
                    self.active.remove(at);
                    self.pending.remove(&key);
                    self.events.push(AlertEvent::Cleared {
                        key,
                        at: now,
                        value,
                    });
                } else if held == Some(Level::Critical) && alert.level == Level::Warning {
                    alert.level = Level::Critical;
                    alert.threshold = Some(rule.critical);
                    alert.alarmed_at = now;
                    alert.acknowledged = None;
                    self.alarms += 1;
                    self.events.push(AlertEvent::Escalated(alert.clone()));
                }
            }
            None => {
                if let Some(level) = held {
                    let alert = ActiveAlert {
                        key,
                        level,
                        alarmed_at: now,
                        value,
                        threshold: Some(match level {
                            Level::Warning => rule.warning,
                            Level::Critical => rule.critical,
                        }),
                        acknowledged: None,
                    };
                    self.raise(alert);
                }
            }
        }
    }

    fn raise(&mut self, mut alert: ActiveAlert) {
        // Acknowledged on another board already (this one raised it a moment later, or
        // started after): shown so, without an alarm.
        match self.shared.get(&alert.key.label()) {
            Some(ack) if applies(ack, &alert, self.realert) => {
                alert.acknowledged = Some(ack.clone());
            }
            _ => self.alarms += 1,
        }
        self.events.push(AlertEvent::Raised(alert.clone()));
        self.active.push(alert);
    }

    /// Another board on the feed raised (`raised`) or cleared the alert named `alert`.
    pub fn apply_shared_state(&mut self, alert: &str, raised: bool, at: Timestamp) {
        if raised {
            self.raised_elsewhere.insert(alert.to_string(), at);
        } else {
            self.raised_elsewhere.remove(alert);
        }
    }

    /// How many events are waiting for the audit log (see [`events_from`](Self::events_from)).
    pub fn events_len(&self) -> usize {
        self.events.len()
    }

    /// The events since the first `from` waiting for the audit log.
    pub fn events_from(&self, from: usize) -> &[AlertEvent] {
        self.events.get(from..).unwrap_or_default()
    }

    /// An acknowledgement of the alert named `alert` made on another board on the same
    /// feed: applied to it if it is raised here, and kept for when it is.
    pub fn apply_shared(&mut self, alert: &str, ack: Acknowledgement) {
        if self
            .shared
            .get(alert)
            .is_some_and(|known| known.at >= ack.at)
        {
            return;
        }
        self.shared.insert(alert.to_string(), ack.clone());
        for active in &mut self.active {
            if active.key.label() != alert {
                continue;
            }
            // This board's own acknowledgement, come back, changes nothing.
            let already = active
                .acknowledged
                .as_ref()
                .is_some_and(|own| own.at >= ack.at);
            if !already && applies(&ack, active, self.realert) {
                active.acknowledged = Some(ack.clone());
                self.events.push(AlertEvent::Acknowledged(active.clone()));
            }
        }
        self.shared.insert(alert.to_string(), ack);
    }

    fn read_breaches(&mut self, now: Timestamp, breaches: &[(Grade, String)]) {
        let breached = |key: &AlertKey| match key {
            AlertKey::Breach { grade, id } => breaches
                .iter()
                .any(|(open_grade, open_id)| open_grade == grade && open_id == id),
            AlertKey::Measure(_) | AlertKey::AreaMeasure { .. } => true,
        };
        let mut cleared = Vec::new();
        self.active.retain(|alert| {
            let keep = breached(&alert.key);
            if !keep {
                cleared.push(alert.key.clone());
            }
            keep
        });
        for key in cleared {
            self.events.push(AlertEvent::Cleared {
                key,
                at: now,
                value: None,
            });
        }
        for (grade, id) in breaches {
            let key = AlertKey::Breach {
                grade: *grade,
                id: id.clone(),
            };
            if self.active.iter().any(|alert| alert.key == key) {
                continue;
            }
            let level = match grade {
                Grade::Emergency => Level::Critical,
                Grade::Priority | Grade::Scheduled => Level::Warning,
            };
            self.raise(ActiveAlert {
                key,
                level,
                alarmed_at: now,
                value: None,
                threshold: None,
                acknowledged: None,
            });
        }
    }

    fn realarm_acknowledged(&mut self, now: Timestamp) {
        for alert in &mut self.active {
            if alert
                .acknowledged
                .as_ref()
                .is_some_and(|ack| now - ack.at >= self.realert)
            {
                alert.acknowledged = None;
                alert.alarmed_at = now;
                self.alarms += 1;
                self.events.push(AlertEvent::Realarmed(alert.clone()));
            }
        }
    }

    /// Acknowledges the newest unacknowledged alert, critical before warning, by `by`;
    /// `false` when there is none.
    pub fn acknowledge_newest(
        &mut self,
        by: &str,
        note: Option<&str>,
        now: Timestamp,
    ) -> Option<ActiveAlert> {
        let newest = self
            .active
            .iter_mut()
            .filter(|alert| alert.acknowledged.is_none())
            .max_by_key(|alert| (alert.level, alert.alarmed_at));
        let alert = newest?;
        alert.acknowledged = Some(Acknowledgement {
            by: by.to_string(),
            note: note.map(str::to_string),
            at: now,
            shared: false,
        });
        let acknowledged = alert.clone();
        self.events
            .push(AlertEvent::Acknowledged(acknowledged.clone()));
        Some(acknowledged)
    }

    /// Whether any raised alert is not acknowledged yet.
    pub fn any_unacknowledged(&self) -> bool {
        self.active.iter().any(|alert| alert.acknowledged.is_none())
    }

    /// The raised alerts in the order a board shows them: critical first, the newest
    /// first within a level.
    pub fn shown(&self) -> Vec<ActiveAlert> {
        let mut shown = self.active.clone();
        shown.sort_by(|a, b| {
            (b.level, b.alarmed_at)
                .cmp(&(a.level, a.alarmed_at))
                .then_with(|| a.key.cmp(&b.key))
        });
        shown
    }

    /// How many times an alert has alarmed so far.
    pub fn alarms(&self) -> u64 {
        self.alarms
    }

    /// What happened since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<AlertEvent> {
        std::mem::take(&mut self.events)
    }
}

#[cfg(test)]
mod tests;
