//! One scope's figures, gathered call by call and incident by incident, then finished into
//! [`Figures`]. The exact scan and the incremental path both gather through these, so a
//! figure has one definition whichever path computes it.

use super::EngineSettings;
use super::figures::{
    CallFigures, CallsByLine, DurationStats, Figures, IncidentFigures, IncidentsByGrade, percent,
};
use super::verdict::{CallVerdicts, IncidentVerdicts, Status};
use crate::model::{CallLine, CallOutcome, Grade, IncidentOutcome};
use crate::time::{Span, Timestamp};

#[derive(Debug, Clone, Default)]
pub(super) struct Accumulators {
    pub(crate) calls: [CallAcc; 2],
    pub(crate) incidents: [IncidentAcc; 3],
}

impl Accumulators {
    pub(crate) fn finish(&self, settings: &EngineSettings) -> Figures {
        let call = |line: CallLine| self.calls[line.index()].finish(settings, line);
        let incident = |grade: Grade| self.incidents[grade.index()].finish(settings, grade);
        Figures {
            calls: CallsByLine {
                line_999: call(CallLine::Emergency999),
                line_101: call(CallLine::NonEmergency101),
            },
            incidents: IncidentsByGrade {
                emergency: incident(Grade::Emergency),
                priority: incident(Grade::Priority),
                scheduled: incident(Grade::Scheduled),
            },
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct CallAcc {
    offered: u64,
    answer_times: Vec<Span>,
    abandoned: u64,
    answered_within_sl: u64,
    abandoned_after_sl: u64,
    waiting: u64,
    pub(crate) expired: u64,
    longest_wait: Option<Span>,
}

impl CallAcc {
    /// A call offered at `offered` and closed at `closed` (at or before now), for the
    /// window `(from, now]`.
    pub(crate) fn add_closed(
        &mut self,
        offered: Timestamp,
        outcome: CallOutcome,
        closed: Timestamp,
        from: Timestamp,
        sl_threshold: Option<Span>,
    ) {
        if offered > from {
            self.offered += 1;
        }
        if closed <= from {
            return;
        }
        let duration = closed - offered;
        let within = sl_threshold.map(|t| duration <= t);
        match outcome {
            CallOutcome::Answered => {
                self.answer_times.push(duration);
                if within == Some(true) {
                    self.answered_within_sl += 1;
                }
            }
            CallOutcome::Abandoned => {
                self.abandoned += 1;
                if within == Some(false) {
                    self.abandoned_after_sl += 1;
                }
            }
        }
    }

    /// A call offered at `offered` (at or before now) and still open at `now`.
    pub(crate) fn add_open(
        &mut self,
        offered: Timestamp,
        now: Timestamp,
        from: Timestamp,
        expiry: Span,
    ) {
        if offered > from {
            self.offered += 1;
        }
        let wait = now - offered;
        if wait > expiry {
            self.expired += 1;
        } else {
            self.add_open_counts(0, 1, 0, Some(wait));
        }
    }

    /// Open calls counted together: how many were offered in the window, how many are
    /// waiting and expired, and the longest wait.
    pub(crate) fn add_open_counts(
        &mut self,
        offered: u64,
        waiting: u64,
        expired: u64,
        longest_wait: Option<Span>,
    ) {
        self.offered += offered;
        self.waiting += waiting;
        self.expired += expired;
        self.longest_wait = self.longest_wait.max(longest_wait);
    }

    fn finish(&self, settings: &EngineSettings, line: CallLine) -> CallFigures {
        let targets = settings.calls[line.index()];
        let mut times = self.answer_times.clone();
        let stats = DurationStats::of(&mut times);
        let answered = self.answer_times.len() as u64;
        let mean = stats.map(|s| s.mean_s);
        let target = targets.mean.map(Span::as_secs_f64);
        let service_level_pct = targets
            .sl_threshold
            .and_then(|_| percent(self.answered_within_sl, answered + self.abandoned_after_sl));
        let verdicts = CallVerdicts {
            mean: Status::of_duration(mean, target, settings.warn_fraction),
            service_level: Status::of_share(service_level_pct, targets.sl_goal_pct),
        };
        CallFigures {
            offered: self.offered,
            answered,
            abandoned: self.abandoned,
            mean_answer_s: mean,
            p50_answer_s: stats.map(|s| s.p50_s),
            p90_answer_s: stats.map(|s| s.p90_s),
            max_answer_s: stats.map(|s| s.max_s),
            service_level_pct,
            abandon_rate_pct: percent(self.abandoned, answered + self.abandoned),
            waiting: self.waiting,
            expired: self.expired,
            longest_wait_s: self.longest_wait.map(Span::as_secs_f64),
            target_s: target,
            sl_threshold_s: targets.sl_threshold.map(Span::as_secs_f64),
            sl_goal_pct: targets.sl_goal_pct,
            status: verdicts.worst(),
            verdicts,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct IncidentAcc {
    created: u64,
    attend_times: Vec<Span>,
    attended_within: u64,
    open: u64,
    open_breached: u64,
    oldest_open: Option<Span>,
}

impl IncidentAcc {
    /// An incident created at `created` and closed at `closed` (at or before now), for
    /// the window `(from, now]`.
    pub(crate) fn add_closed(
        &mut self,
        created: Timestamp,
        outcome: IncidentOutcome,
        closed: Timestamp,
        from: Timestamp,
        target: Option<Span>,
    ) {
        if created > from {
            self.created += 1;
        }
        if outcome == IncidentOutcome::Arrived && closed > from {
            let duration = closed - created;
            self.attend_times.push(duration);
            if target.is_some_and(|t| duration <= t) {
                self.attended_within += 1;
            }
        }
    }

    /// An incident created at `created` (at or before now) and still open at `now`.
    pub(crate) fn add_open(
        &mut self,
        created: Timestamp,
        now: Timestamp,
        from: Timestamp,
        target: Option<Span>,
    ) {
        let age = now - created;
        let breached = target.is_some_and(|t| age > t);
        self.add_open_counts(u64::from(created > from), 1, u64::from(breached), Some(age));
    }

    /// Open incidents counted together: how many were created in the window, how many
    /// are open and breached, and the oldest's age.
    pub(crate) fn add_open_counts(
        &mut self,
        created: u64,
        open: u64,
        breached: u64,
        oldest: Option<Span>,
    ) {
        self.created += created;
        self.open += open;
        self.open_breached += breached;
        self.oldest_open = self.oldest_open.max(oldest);
    }

    fn finish(&self, settings: &EngineSettings, grade: Grade) -> IncidentFigures {
        let targets = settings.incidents[grade.index()];
        let mut times = self.attend_times.clone();
        let stats = DurationStats::of(&mut times);
        let attended = self.attend_times.len() as u64;
        let mean = stats.map(|s| s.mean_s);
        let target = targets.target.map(Span::as_secs_f64);
        let within_target_pct = targets
            .target
            .and_then(|_| percent(self.attended_within, attended));
        let verdicts = IncidentVerdicts {
            mean: Status::of_duration(mean, target, settings.warn_fraction),
            within_target: Status::of_share(within_target_pct, targets.goal_pct),
            breached: Status::of_breaches(self.open_breached),
        };
        IncidentFigures {
            created: self.created,
            attended,
            mean_attend_s: mean,
            p50_attend_s: stats.map(|s| s.p50_s),
            p90_attend_s: stats.map(|s| s.p90_s),
            max_attend_s: stats.map(|s| s.max_s),
            within_target_pct,
            open: self.open,
            open_breached: self.open_breached,
            oldest_open_s: self.oldest_open.map(Span::as_secs_f64),
            target_s: target,
            goal_pct: targets.goal_pct,
            status: verdicts.worst(),
            verdicts,
        }
    }
}
