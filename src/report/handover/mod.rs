//! The handover: a period's figures (a shift, or any `--from`/`--to`) interval by interval,
//! as a self-contained HTML page ([`html`], with hand-written SVG charts from [`charts`])
//! or a CSV table ([`csv`]).
//!
//! Every number comes from the engine that draws the board: the feed is read once, in
//! time order, and the engine is asked for its figures at each interval's end over that
//! interval — exactly what `report --json --at END --window INTERVAL` prints — and at the
//! period's end over the whole period for the headline. Nothing here counts calls or
//! incidents itself; the breach list and the attendance distribution come from the
//! incidents the engine holds ([`IncidentLife`]).

pub mod alert_log;
mod board;
pub(crate) mod cells;
mod charts;
pub mod csv;
mod health;
pub mod html;
mod html_tables;
pub mod shift;
mod svg;

use std::io;

use crate::config::Config;
use crate::engine::{Engine, IncidentLife, ScopedFigures, StaffingByLine};
use crate::ingest::{FeedInput, ingest_reader};
use crate::model::IncidentOutcome;
use crate::time::{Span, Timestamp};

pub use board::write_for_board;
pub use health::{FeedHealth, Gap};

/// The longest period a handover covers: a month, so a force can report upwards.
pub const MAX_PERIOD: Span = Span::from_days(31);
/// The most intervals a handover's table holds (a month of 30-minute intervals).
pub const MAX_INTERVALS: usize = 1500;

/// The period asked for, before the feed says where it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodAsked {
    /// The start; `None`: the start of the shift that holds the end.
    pub from: Option<Timestamp>,
    /// The end; `None`: the feed's end (its latest accepted event).
    pub to: Option<Timestamp>,
    /// The length of each interval of the table and charts.
    pub interval: Span,
}

/// One interval `(start, end]`: the engine's figures at `end` over it.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    pub start: Timestamp,
    pub end: Timestamp,
    pub figures: ScopedFigures,
    /// The handlers at `end` (not windowed), as the board shows them then.
    pub staffing: StaffingByLine,
}

/// Everything a handover shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Handover {
    pub from: Timestamp,
    pub to: Timestamp,
    pub interval: Span,
    /// The whole period's figures at `to` over `(from, to]`: the headline.
    pub total: ScopedFigures,
    /// The handlers at `to`.
    pub staffing: StaffingByLine,
    pub intervals: Vec<Interval>,
    /// Every emergency and priority incident that was past its target at some moment of
    /// the period, emergencies first, then by creation.
    pub breaches: Vec<Breach>,
    /// Attendance times (seconds) of the incidents attended in the period, per grade
    /// (emergency, priority), with each grade's target.
    pub attendances: [Vec<f64>; 2],
    pub health: FeedHealth,
}

/// An incident past its target during the period.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    pub life: IncidentLife,
    /// How long past its target: at its close, or at the period's end while still open.
    pub over: Span,
}

/// Why a handover cannot be made: each one sentence for the command line.
#[derive(Debug, thiserror::Error)]
pub enum HandoverError {
    #[error("cannot read the feed: {0}")]
    Read(#[from] io::Error),
    #[error("the feed has no accepted events, so the period has no end (give --to or --at)")]
    NoEnd,
    #[error("the period must start before it ends ({from} is not before {to})")]
    Empty { from: String, to: String },
    #[error("the period is longer than 31 days")]
    TooLong,
    #[error("{0} intervals are too many for one report (at most 1500): give a longer --interval")]
    TooManyIntervals(usize),
}

impl HandoverError {
    /// Whether the flags asked for a period that cannot be (exit 2), rather than the feed
    /// failing (exit 1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            HandoverError::Empty { .. }
                | HandoverError::TooLong
                | HandoverError::TooManyIntervals(_)
        )
    }
}

/// Reads a whole feed and makes the handover for the period asked. `shift_start`: where
/// the shift holding an instant starts (for a period with no `from`).
pub fn compute<'r>(
    input: impl Into<FeedInput<'r>>,
    config: &Config,
    asked: PeriodAsked,
    shift_start: impl Fn(Timestamp) -> Timestamp,
) -> Result<Handover, HandoverError> {
    // Keep every record the period can see: with the end known, the period and a day
    // before it (a call open since then is expired at any moment of the period whether
    // it is held or forgotten); with it unknown, the longest period and that day.
    let margin = Span::from_hours(24).max(config.call_expiry * 2);
    let reach = match (asked.from, asked.to) {
        (Some(from), Some(to)) if from < to => (to - from).min(MAX_PERIOD),
        _ => MAX_PERIOD,
    };
    let engine = Engine::new(config.engine_settings(Some(reach + margin)));
    let mut watch = health::Watch::new(config.stale_after);
    let (engine, counts) =
        ingest_reader(input, engine, config.reorder_horizon, asked.to, &mut watch)?;
    let to = asked
        .to
        .or(counts.latest_accepted)
        .ok_or(HandoverError::NoEnd)?;
    let from = asked.from.unwrap_or_else(|| shift_start(to));
    check_period(from, to, asked.interval)?;
    let health = watch.finish(from, to, counts);
    Ok(from_engine(&engine, from, to, asked.interval, health))
}

/// The handover over `(from, to]` from an engine that holds every record the period can
/// see (a checked period).
pub(crate) fn from_engine(
    engine: &Engine,
    from: Timestamp,
    to: Timestamp,
    interval: Span,
    health: FeedHealth,
) -> Handover {
    let intervals = interval_bounds(from, to, interval)
        .into_iter()
        .map(|(start, end)| Interval {
            start,
            end,
            figures: engine.scoped_figures(end, end - start),
            staffing: engine.staffing_by_line(end),
        })
        .collect();
    let lives = engine.incident_lives(to);
    Handover {
        from,
        to,
        interval,
        total: engine.scoped_figures(to, to - from),
        staffing: engine.staffing_by_line(to),
        intervals,
        breaches: breaches(&lives, from, to),
        attendances: attendances(&lives, from, to),
        health,
    }
}

fn check_period(from: Timestamp, to: Timestamp, interval: Span) -> Result<(), HandoverError> {
    if from >= to {
        return Err(HandoverError::Empty {
            from: crate::time::format_utc(from),
            to: crate::time::format_utc(to),
        });
    }
    if to - from > MAX_PERIOD {
        return Err(HandoverError::TooLong);
    }
    let count = interval_count(from, to, interval);
    if count > MAX_INTERVALS {
        return Err(HandoverError::TooManyIntervals(count));
    }
    Ok(())
}

fn interval_count(from: Timestamp, to: Timestamp, interval: Span) -> usize {
    let (period, step) = ((to - from).nanos(), interval.nanos().max(1));
    usize::try_from(period.div_euclid(step) + i64::from(period.rem_euclid(step) != 0))
        .unwrap_or(usize::MAX)
}

/// The intervals from `from`, each `interval` long; the last ends at `to` (shorter when
/// the period is not a whole number of intervals).
pub fn interval_bounds(
    from: Timestamp,
    to: Timestamp,
    interval: Span,
) -> Vec<(Timestamp, Timestamp)> {
    let mut bounds = Vec::new();
    let mut start = from;
    while start < to && interval.is_positive() {
        let end = if to - start > interval {
            start + interval
        } else {
            to
        };
        bounds.push((start, end));
        start = end;
    }
    bounds
}

/// The incidents past their target at some moment of `(from, to]`: over by the close, or
/// by `to` while open. A close at exactly the target is within it, as on the board.
fn breaches(lives: &[IncidentLife], from: Timestamp, to: Timestamp) -> Vec<Breach> {
    let mut breaches: Vec<Breach> = lives
        .iter()
        .filter_map(|life| {
            let breach_at = life.created + life.target?;
            let until = life.closed.map_or(to, |(_, at)| at);
            let over = until - breach_at;
            // Past its target before the end, and still open (in breach) after the start.
            (over.is_positive() && breach_at < to && until > from).then(|| Breach {
                life: life.clone(),
                over,
            })
        })
        .collect();
    // Stable: creation order within each grade.
    breaches.sort_by_key(|breach| breach.life.grade.index());
    breaches
}

/// The attendance times of the emergency and priority incidents attended in `(from, to]`.
fn attendances(lives: &[IncidentLife], from: Timestamp, to: Timestamp) -> [Vec<f64>; 2] {
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for life in lives {
        if let Some((IncidentOutcome::Arrived, at)) = life.closed
            && at > from
            && at <= to
            && let Some(slot) = times.get_mut(life.grade.index())
        {
            slot.push((at - life.created).as_secs_f64());
        }
    }
    for grade in &mut times {
        grade.sort_by(f64::total_cmp);
    }
    times
}
