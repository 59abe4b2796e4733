//! The words of a figure's status, naming the measure that decided it: the same on the
//! board and in `report`.

use super::figures::{CallFigures, IncidentFigures};
use super::verdict::Status;
use crate::format::{self, dur, dur_999, human_target, pct};
use crate::model::CallLine;

impl CallFigures {
    /// The words of this line's status, naming the measure that decided it: a share
    /// below its goal before a mean over its target (the mean is on screen beside its
    /// target already): `✖ 33.3% IN 10s`, `✖ MEAN 6.3s`, `▲ NEAR 90%`, `▲ NEAR 5s`,
    /// `✔ ON TARGET`, `· NO TARGET`, `· NO DATA`.
    pub fn status_words(&self, line: CallLine) -> String {
        let mean = || match line {
            CallLine::Emergency999 => dur_999(self.mean_answer_s),
            CallLine::NonEmergency101 => dur(self.mean_answer_s),
        };
        let share = Share {
            value: self.service_level_pct,
            goal: self.sl_goal_pct,
            within: self.sl_threshold_s,
        };
        let judged = [
            (
                self.verdicts.service_level,
                share.words(self.verdicts.service_level),
            ),
            (
                self.verdicts.mean,
                mean_words(self.verdicts.mean, mean, self.target_s),
            ),
        ];
        decided_by(
            &judged,
            self.status,
            self.mean_answer_s.is_some() && self.target_s.is_none(),
        )
    }
}

impl IncidentFigures {
    /// The words of this grade's status, naming the measure that decided it: open
    /// breaches first, then the share within target, then the mean: `✖ 2 BREACHED`,
    /// `✖ 75.0% IN 15m`, `✖ MEAN 16m 47s`, `▲ NEAR 90%`, `▲ NEAR 15m`, `✔ ON TARGET`.
    pub fn status_words(&self) -> String {
        let breached = format!("{} {} BREACHED", Status::Red.mark(), self.open_breached);
        let share = Share {
            value: self.within_target_pct,
            goal: self.goal_pct,
            within: self.target_s,
        };
        let mean = || dur(self.mean_attend_s);
        let judged = [
            (self.verdicts.breached, Some(breached)),
            (
                self.verdicts.within_target,
                share.words(self.verdicts.within_target),
            ),
            (
                self.verdicts.mean,
                mean_words(self.verdicts.mean, mean, self.target_s),
            ),
        ];
        decided_by(
            &judged,
            self.status,
            self.mean_attend_s.is_some() && self.target_s.is_none(),
        )
    }
}

/// A share against its goal, within a time: 75.0 % within 15 min against 90 %.
struct Share {
    value: Option<f64>,
    goal: Option<f64>,
    within: Option<f64>,
}

impl Share {
    fn words(&self, verdict: Status) -> Option<String> {
        let (value, goal, within) = (self.value?, self.goal?, self.within?);
        Some(match verdict {
            Status::Red => format!(
                "{} {} IN {}",
                verdict.mark(),
                pct(Some(value)),
                human_target(within)
            ),
            Status::Amber => format!("{} NEAR {}", verdict.mark(), format::goal(goal)),
            Status::Green | Status::None => return None,
        })
    }
}

/// A mean against its target: `✖ MEAN 16m 47s` over it, `▲ NEAR 15m` approaching it.
fn mean_words(verdict: Status, mean: impl Fn() -> String, target: Option<f64>) -> Option<String> {
    Some(match verdict {
        Status::Red => format!("{} MEAN {}", verdict.mark(), mean()),
        Status::Amber => format!("{} NEAR {}", verdict.mark(), human_target(target?)),
        Status::Green | Status::None => return None,
    })
}

/// The words of the first measure whose verdict is the status, in the order given;
/// `untargeted`: there is a mean, but no target to judge it by.
fn decided_by(judged: &[(Status, Option<String>)], status: Status, untargeted: bool) -> String {
    let named = judged
        .iter()
        .find(|(verdict, words)| *verdict != Status::None && *verdict == status && words.is_some())
        .and_then(|(_, words)| words.clone());
    match (named, status) {
        (Some(words), _) => words,
        (None, Status::Green) => format!("{} ON TARGET", Status::Green.mark()),
        (None, _) if untargeted => format!("{} NO TARGET", Status::None.mark()),
        (None, _) => format!("{} NO DATA", Status::None.mark()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::verdict::{CallVerdicts, DEFAULT_WARN_FRACTION, IncidentVerdicts};

    fn calls(mean: Option<f64>, sl: Option<f64>) -> CallFigures {
        let settings = crate::engine::EngineSettings::default();
        let target = Some(5.0);
        let verdicts = CallVerdicts {
            mean: Status::of_duration(mean, target, settings.warn_fraction),
            service_level: Status::of_share(sl, Some(90.0)),
        };
        CallFigures {
            offered: 4,
            answered: 2,
            abandoned: 2,
            mean_answer_s: mean,
            p50_answer_s: mean,
            p90_answer_s: mean,
            max_answer_s: mean,
            service_level_pct: sl,
            abandon_rate_pct: Some(50.0),
            waiting: 0,
            expired: 0,
            longest_wait_s: None,
            target_s: target,
            sl_threshold_s: Some(10.0),
            sl_goal_pct: Some(90.0),
            status: verdicts.worst(),
            verdicts,
        }
    }

    #[test]
    fn a_calls_words_name_what_decided_its_status() {
        let line = CallLine::Emergency999;
        // Both red: the share is named (the mean is on the tile beside its target).
        assert_eq!(
            calls(Some(8.0), Some(100.0 / 3.0)).status_words(line),
            "✖ 33.3% IN 10s"
        );
        assert_eq!(
            calls(Some(6.3), Some(96.0)).status_words(line),
            "✖ MEAN 6.3s"
        );
        assert_eq!(calls(Some(4.5), Some(96.0)).status_words(line), "▲ NEAR 5s");
        assert_eq!(
            calls(Some(3.0), Some(92.0)).status_words(line),
            "▲ NEAR 90%"
        );
        assert_eq!(
            calls(Some(3.0), Some(96.0)).status_words(line),
            "✔ ON TARGET"
        );
        assert_eq!(calls(None, None).status_words(line), "· NO DATA");
    }

    fn incidents(mean: Option<f64>, within: Option<f64>, breached: u64) -> IncidentFigures {
        let target = Some(900.0);
        let verdicts = IncidentVerdicts {
            mean: Status::of_duration(mean, target, DEFAULT_WARN_FRACTION),
            within_target: Status::of_share(within, Some(90.0)),
            breached: Status::of_breaches(breached),
        };
        IncidentFigures {
            created: 3,
            attended: u64::from(mean.is_some()),
            mean_attend_s: mean,
            p50_attend_s: mean,
            p90_attend_s: mean,
            max_attend_s: mean,
            within_target_pct: within,
            open: breached + 1,
            open_breached: breached,
            oldest_open_s: Some(60.0),
            target_s: target,
            goal_pct: Some(90.0),
            status: verdicts.worst(),
            verdicts,
        }
    }

    #[test]
    fn an_incident_grades_words_name_what_decided_its_status() {
        // The two contradictions: ON TARGET beside 75 % within a 90 % goal, and
        // beside open breaches.
        assert_eq!(
            incidents(Some(600.0), Some(75.0), 0).status_words(),
            "✖ 75.0% IN 15m"
        );
        assert_eq!(
            incidents(Some(600.0), Some(100.0), 4).status_words(),
            "✖ 4 BREACHED"
        );
        // A mean of 16 min 47 s against 15 min is over, never near.
        assert_eq!(
            incidents(Some(1007.0), Some(95.0), 0).status_words(),
            "✖ MEAN 16m 47s"
        );
        assert_eq!(
            incidents(Some(800.0), Some(100.0), 0).status_words(),
            "▲ NEAR 15m"
        );
        // Open, nothing attended yet and nothing breached: nothing to judge.
        assert_eq!(incidents(None, None, 0).status_words(), "· NO DATA");
    }
}
