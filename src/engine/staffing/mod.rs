//! Call handlers (schema v1.1): what the engine keeps of `call_ended` and `staffing`
//! events, and each call line's staffing figures "now" (not windowed) with the Erlang C
//! forecast of [`super::erlang`].
//!
//! - `arrivals_per_h`: the calls offered in (T − 15 min, T] × 4 (the `offered` figure of
//!   a 15-minute window).
//! - `handle_s_mean`: the mean handle time of the calls ended in (T − 1 h, T]; none with
//!   fewer than [`MIN_HANDLED`].
//! - `on_duty`, `available`: the latest snapshot at or before T (ties: the later line),
//!   while T − its time < 1 h; after that it is stale.
//! - With load A = arrivals / 3,600 × mean handle time: `needed`, the fewest handlers
//!   N > A meeting the line's service-level goal (or `needed_more_than`, the model's
//!   limit, when no team within it does); the forecast for `on_duty` handlers.
//!
//! Before the first v1.1 event at or before T every field is `None`, so a v1 feed's
//! figures read exactly as they always have.

use serde::Serialize;

use super::CallTargets;
use super::erlang::{self, Forecast, Handlers, MAX_HANDLERS, Needed, OfferedLoad};
use super::time_ordered::{Stamped, TimeOrdered};
use crate::model::CallLine;
use crate::time::{Span, Timestamp};

/// Calls offered over this last span, × 4, are the arrivals per hour.
pub const ARRIVALS_SPAN: Span = Span::from_mins(15);
/// The handle times of the calls ended over this last span make the mean.
pub const HANDLE_SPAN: Span = Span::HOUR;
/// The fewest ended calls whose handle times make a mean.
pub const MIN_HANDLED: usize = 10;
/// How long a staffing snapshot counts.
pub const SNAPSHOT_LIFE: Span = Span::HOUR;

/// One call's handling, ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Handled {
    ended: Timestamp,
    handle: Span,
}

impl Stamped for Handled {
    fn at(&self) -> Timestamp {
        self.ended
    }
}

/// One `staffing` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub(crate) at: Timestamp,
    pub(crate) on_duty: u32,
    pub(crate) available: Option<u32>,
}

impl Stamped for Snapshot {
    fn at(&self) -> Timestamp {
        self.at
    }
}

/// The handle times and snapshots, per line in time order, for any T the engine keeps.
#[derive(Debug, Clone, Default)]
pub(super) struct StaffingLog {
    handled: [TimeOrdered<Handled>; 2],
    /// Of two at the same time, the later line counts: inserted after it.
    snapshots: [TimeOrdered<Snapshot>; 2],
    /// The earliest v1.1 event applied: before it, a feed has no staffing at all.
    first_seen: Option<Timestamp>,
}

impl StaffingLog {
    pub(super) fn record_end(&mut self, line: CallLine, ended: Timestamp, handle: Span) {
        self.handled[line.index()].insert(Handled { ended, handle });
        self.note_seen(ended);
    }

    pub(super) fn record_snapshot(&mut self, line: CallLine, snapshot: Snapshot) {
        self.snapshots[line.index()].insert(snapshot);
        self.note_seen(snapshot.at);
    }

    fn note_seen(&mut self, at: Timestamp) {
        if self.first_seen.is_none_or(|first| at < first) {
            self.first_seen = Some(at);
        }
    }

    /// Whether a v1.1 event was applied at or before `at`.
    pub(super) fn seen_by(&self, at: Timestamp) -> bool {
        self.first_seen.is_some_and(|first| first <= at)
    }

    /// Forgets handle times and snapshots at or before `cutoff`.
    pub(super) fn forget_until(&mut self, cutoff: Timestamp) {
        for handled in &mut self.handled {
            handled.forget_until(cutoff);
        }
        for snapshots in &mut self.snapshots {
            snapshots.forget_until(cutoff);
        }
    }

    /// The mean handle time, in seconds, of `line`'s calls ended in (at − 1 h, at].
    pub(super) fn handle_mean_s(&self, line: CallLine, at: Timestamp) -> Option<f64> {
        let recent = self.handled[line.index()]
            .after(at - HANDLE_SPAN)
            .take_while(|h| h.ended <= at);
        // Summed as integers: exact, whatever the count.
        let (count, total) = recent.fold((0usize, 0i128), |(count, total), h| {
            (count + 1, total + i128::from(h.handle.nanos()))
        });
        if count < MIN_HANDLED {
            return None;
        }
        Some(super::mean_seconds(total, count as u64))
    }

    /// `line`'s latest snapshot at or before `at`, however old.
    fn latest_snapshot(&self, line: CallLine, at: Timestamp) -> Option<Snapshot> {
        self.snapshots[line.index()]
            .latest_at_or_before(at)
            .copied()
    }

    /// `line`'s latest snapshot at or before `at`, unless it is an hour old or more.
    pub(super) fn snapshot_at(&self, line: CallLine, at: Timestamp) -> Option<Snapshot> {
        self.latest_snapshot(line, at)
            .filter(|snapshot| at - snapshot.at < SNAPSHOT_LIFE)
    }
}

/// One call line's staffing figures at T (`calls.<line>.staffing` in `report --json`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Staffing {
    pub arrivals_per_h: Option<u64>,
    pub handle_s_mean: Option<f64>,
    pub on_duty: Option<u32>,
    pub available: Option<u32>,
    pub needed: Option<u32>,
    /// [`MAX_HANDLERS`] when no team of up to that many meets the goal (`needed` is
    /// then `None`): more than this many are needed.
    pub needed_more_than: Option<u32>,
    pub forecast_sl_pct: Option<f64>,
    pub forecast_wait_s: Option<f64>,
    /// Whether the feed had any v1.1 event at or before T: without one the board shows
    /// no staffing at all; with one, missing figures are said in words.
    #[serde(skip)]
    pub reported: bool,
    /// The line's latest snapshot is an hour old or more (so `on_duty` is `None`).
    #[serde(skip)]
    pub stale: bool,
}

/// How the handlers on duty compare with those needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cover {
    /// At least as many on duty as needed.
    Covered,
    /// This many fewer on duty than needed.
    Short(u32),
    /// Short by an unknown number: more handlers are needed than the model counts to
    /// ([`MAX_HANDLERS`]).
    ShortPastModel,
}

impl Staffing {
    /// The offered load in erlangs, when both the arrivals and the handle time are known.
    pub(crate) fn load_erlangs(&self) -> Option<f64> {
        let load = OfferedLoad::from_rate(self.arrivals_per_h? as f64, self.handle_s_mean?)?;
        Some(load.erlangs())
    }

    /// On duty ≤ load: the model's queue grows without bound.
    pub fn queue_grows(&self) -> bool {
        match (self.on_duty, self.load_erlangs()) {
            (Some(on_duty), Some(load)) => f64::from(on_duty) <= load,
            _ => false,
        }
    }

    /// Why the forecast is missing, in words, when a feed reports staffing at all:
    /// `staffing stale`, `no staffing`, `handle time unknown`, `no model: handle time 0 s`;
    /// `None` otherwise.
    pub fn missing_words(&self) -> Option<&'static str> {
        if !self.reported {
            None
        } else if self.stale {
            Some("staffing stale")
        } else if self.on_duty.is_none() {
            Some("no staffing")
        } else if self.handle_s_mean.is_none() {
            Some("handle time unknown")
        } else if self.handle_s_mean == Some(0.0) {
            // Calls that take no time make no load: the model has nothing to work on.
            Some(HANDLE_TIME_ZERO)
        } else {
            None
        }
    }

    /// `more than 10,000 needed` when no team within the model's limit meets the goal.
    pub fn needed_past_model_words(&self) -> Option<String> {
        let limit = self.needed_more_than?;
        Some(format!("more than {} needed", thousands(limit)))
    }

    /// The needed count as a cell shows it: `8`, `>10,000` past the model's limit, `-`.
    pub fn needed_cell(&self) -> String {
        match (self.needed, self.needed_more_than) {
            (Some(team), _) => team.to_string(),
            (None, Some(limit)) => format!(">{}", thousands(limit)),
            (None, None) => "-".to_string(),
        }
    }

    /// On duty against needed, when both are known.
    pub fn cover(&self) -> Option<Cover> {
        let on_duty = self.on_duty?;
        if self.needed_more_than.is_some() {
            return Some(Cover::ShortPastModel);
        }
        let needed = self.needed?;
        Some(match needed.checked_sub(on_duty) {
            Some(short) if short > 0 => Cover::Short(short),
            _ => Cover::Covered,
        })
    }
}

impl Cover {
    /// The words shown with the colour: `▲ SHORT 1`, `✔ COVERED` (ASCII: `!! SHORT 1`,
    /// `OK COVERED`).
    pub fn words(self, ascii: bool) -> String {
        match (self, ascii) {
            (Cover::Short(short), false) => format!("▲ SHORT {short}"),
            (Cover::Short(short), true) => format!("!! SHORT {short}"),
            (Cover::ShortPastModel, false) => "▲ SHORT".to_string(),
            (Cover::ShortPastModel, true) => "!! SHORT".to_string(),
            (Cover::Covered, false) => "✔ COVERED".to_string(),
            (Cover::Covered, true) => "OK COVERED".to_string(),
        }
    }
}

/// Why a line with a handle time of 0 s has no model.
const HANDLE_TIME_ZERO: &str = "no model: handle time 0 s";

/// `10,000`: a count with its thousands grouped, as the board's sentences write them.
fn thousands(count: u32) -> String {
    let digits = count.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// Both lines' staffing figures, keyed as `report --json` keys the lines.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct StaffingByLine {
    #[serde(rename = "999")]
    pub line_999: Staffing,
    #[serde(rename = "101")]
    pub line_101: Staffing,
}

impl StaffingByLine {
    pub fn get(&self, line: CallLine) -> &Staffing {
        match line {
            CallLine::Emergency999 => &self.line_999,
            CallLine::NonEmergency101 => &self.line_101,
        }
    }
}

/// `line`'s figures at `at`, given the calls offered in the last [`ARRIVALS_SPAN`] and
/// the line's targets (the service-level goal and threshold drive the model).
pub(super) fn figures_of(
    log: &StaffingLog,
    line: CallLine,
    at: Timestamp,
    offered_recently: u64,
    targets: &CallTargets,
) -> Staffing {
    if !log.seen_by(at) {
        return Staffing::default();
    }
    let arrivals_per_h = offered_recently.saturating_mul(4);
    let handle_s_mean = log.handle_mean_s(line, at);
    let snapshot = log.snapshot_at(line, at);
    let mut staffing = Staffing {
        arrivals_per_h: Some(arrivals_per_h),
        handle_s_mean,
        on_duty: snapshot.map(|s| s.on_duty),
        available: snapshot.and_then(|s| s.available),
        reported: true,
        stale: snapshot.is_none() && log.latest_snapshot(line, at).is_some(),
        ..Staffing::default()
    };
    let Some(aht_s) = handle_s_mean.filter(|aht| *aht > 0.0) else {
        return staffing; // the model needs a positive handle time
    };
    let Some(load) = OfferedLoad::from_rate(arrivals_per_h as f64, aht_s) else {
        return staffing;
    };
    let threshold_s = targets.sl_threshold.map(Span::as_secs_f64);
    if let (Some(threshold_s), Some(goal_pct)) = (threshold_s, targets.sl_goal_pct) {
        match needed_for(load, aht_s, threshold_s, goal_pct) {
            Some(Needed::Team(team)) => staffing.needed = Some(team),
            Some(Needed::MoreThanMax) => staffing.needed_more_than = Some(MAX_HANDLERS),
            None => {}
        }
    }
    let handlers = staffing.on_duty.and_then(Handlers::new);
    let forecast =
        handlers.and_then(|n| erlang::forecast(n, load, aht_s, threshold_s.unwrap_or(0.0)));
    match forecast {
        Some(Forecast::Steady {
            service_level_pct,
            mean_wait_s,
        }) => {
            staffing.forecast_sl_pct = threshold_s.map(|_| service_level_pct);
            staffing.forecast_wait_s = Some(mean_wait_s);
        }
        Some(Forecast::QueueGrows) => staffing.forecast_sl_pct = threshold_s.map(|_| 0.0),
        None => {}
    }
    staffing
}

/// The fewest handlers N > A meeting the goal. With no calls arriving that is one: the
/// model's smallest steady team.
fn needed_for(load: OfferedLoad, aht_s: f64, threshold_s: f64, goal_pct: f64) -> Option<Needed> {
    if load.erlangs() == 0.0 {
        return Some(Needed::Team(1));
    }
    erlang::needed(load, aht_s, threshold_s, goal_pct)
}

#[cfg(test)]
mod tests;
