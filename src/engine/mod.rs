//! The engine: applies events and computes figures. Pure: no I/O, no clock (`now` is
//! always passed in), so live, replay and `report` give the same figures.

//!
//! Figures come two ways that always agree. The full scan ([`ExactScan`]) visits every
//! record and is right at any `now`. When every accepted event is at or before `now` —
//! always so for live boards, the demo and replays, which only hand the engine what has
//! happened — the indexes kept as events arrive (`live`) give the same figures at a cost
//! that does not grow with the open calls and incidents. The trend's means come from the
//! closes in order (`headline`), exact at any point. `report --at` before the end of a file takes the scan.

mod accumulate;
mod apply;
pub mod erlang;
mod figures;
mod headline;
mod history;
mod id_key;
mod id_table;
pub(crate) mod ledger;
mod lists;
mod live;
mod ordered;
mod scan;
mod staffing;
mod status_words;
mod time_ordered;
mod verdict;

use std::collections::HashMap;

pub use figures::{
    CallFigures, CallsByLine, DurationStats, Figures, IncidentFigures, IncidentsByGrade,
    mean_seconds, nearest_rank, percent,
};
pub use headline::HeadlineMeans;
pub use history::IncidentLife;
pub use lists::{OpenIncident, TopList, WaitingCall};
pub(crate) use scan::ExactScan;
pub use staffing::{
    ARRIVALS_SPAN, Cover, HANDLE_SPAN, MIN_HANDLED, SNAPSHOT_LIFE, Snapshot, Staffing,
    StaffingByLine,
};
pub use verdict::{
    CallVerdicts, DEFAULT_WARN_FRACTION, IncidentVerdicts, SHARE_MARGIN_POINTS, Status,
};

use crate::model::{CallLine, CallOutcome, FeedText, Grade, IncidentOutcome};
use crate::time::{Span, Timestamp};
use accumulate::Accumulators;
use id_table::IdTable;
use ledger::{Handling, Life, Outcome};
use live::Live;
use staffing::StaffingLog;

/// Index of an area code in [`Engine::area_codes`].
pub(crate) type AreaId = u16;

/// Beyond this many distinct area codes, new codes count in the force totals only, so a
/// feed full of junk codes cannot grow memory without bound.
pub(crate) const MAX_AREAS: usize = 1024;

/// Up to this many areas, an area's name is found by comparing it with each known one.
const AREAS_SCANNED: usize = 16;

/// A call line's targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallTargets {
    /// The mean answer time the force aims for (999: 5 s).
    pub(crate) mean: Option<Span>,
    /// Service level: answered within this time (999: 10 s).
    pub(crate) sl_threshold: Option<Span>,
    /// Service level goal in percent (999: 90).
    pub(crate) sl_goal_pct: Option<f64>,
}

/// An incident grade's targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IncidentTargets {
    /// Attendance target: the mean's target, the within-target threshold and the breach line.
    pub target: Option<Span>,
    /// Within-target goal in percent.
    pub(crate) goal_pct: Option<f64>,
}

/// The default longest a call can plausibly wait to be answered or abandoned.
pub(crate) const DEFAULT_MAX_CALL_DURATION: Span = Span::from_hours(24);

/// The default longest an incident can plausibly wait for attendance or cancellation.
pub(crate) const DEFAULT_MAX_INCIDENT_DURATION: Span = Span::from_days(30);

/// Everything the engine needs to know from the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineSettings {
    /// Indexed by [`CallLine::index`].
    pub calls: [CallTargets; 2],
    /// Indexed by [`Grade::index`]; scheduled has no targets by definition.
    pub incidents: [IncidentTargets; 3],
    /// A duration is amber (approaching) from this fraction of its target.
    pub warn_fraction: f64,
    /// Open calls older than this are `expired`, not `waiting`.
    pub call_expiry: Span,
    /// How far back closed calls and incidents are kept: the largest window in use.
    pub retention: Span,
    /// Configured area codes, in display order.
    pub areas: Vec<String>,
    /// The longest a call can plausibly wait to be answered or abandoned; a longer close
    /// is refused (implausible duration).
    pub max_call_duration: Span,
    /// The longest an incident can plausibly wait for attendance or cancellation.
    pub max_incident_duration: Span,
}

/// The default force's Local Policing Areas (West Midlands Police), code and name, in
/// display order: the one list both the engine's and the configuration's defaults use.
pub(crate) const DEFAULT_AREAS: [(&str, &str); 7] = [
    ("BIR", "Birmingham"),
    ("COV", "Coventry"),
    ("DUD", "Dudley"),
    ("SAN", "Sandwell"),
    ("SOL", "Solihull"),
    ("WAL", "Walsall"),
    ("WOL", "Wolverhampton"),
];

impl Default for EngineSettings {
    /// The defaults of the README's "How figures are computed": every other default
    /// (the configuration's) is taken from here.
    fn default() -> Self {
        let secs = |s: i64| Some(Span::from_secs(s));
        EngineSettings {
            calls: [
                CallTargets {
                    mean: secs(5),
                    sl_threshold: secs(10),
                    sl_goal_pct: Some(90.0),
                },
                CallTargets {
                    mean: None,
                    sl_threshold: secs(180),
                    sl_goal_pct: Some(80.0),
                },
            ],
            incidents: [
                IncidentTargets {
                    target: secs(15 * 60),
                    goal_pct: Some(90.0),
                },
                IncidentTargets {
                    target: secs(60 * 60),
                    goal_pct: None,
                },
                IncidentTargets {
                    target: None,
                    goal_pct: None,
                },
            ],
            warn_fraction: verdict::DEFAULT_WARN_FRACTION,
            call_expiry: Span::from_mins(30),
            retention: Span::from_hours(24),
            areas: DEFAULT_AREAS
                .iter()
                .map(|(code, _)| code.to_string())
                .collect(),
            max_call_duration: DEFAULT_MAX_CALL_DURATION,
            max_incident_duration: DEFAULT_MAX_INCIDENT_DURATION,
        }
    }
}

/// What applying an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Accepted,
    /// For an id already closed, or a second opening: changes nothing.
    Duplicate,
}

/// Which scope to compute figures for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    Force,
    Area(&'a str),
}

/// A call as the engine holds it, open or closed: 24 bytes, with its id (16 bytes) the
/// key of [`Engine::calls`]. A national day holds a few hundred thousand of them.
#[derive(Debug, Clone, Copy)]
struct CallRecord {
    offered: Timestamp,
    /// When it closed, once `outcome` is set.
    closed_at: Timestamp,
    area: Option<AreaId>,
    line: CallLine,
    outcome: Option<CallOutcome>,
    /// Its handling has ended (`call_ended`, schema v1.1).
    ended: bool,
    /// Known only from its closing event: the board first heard of it at its close,
    /// and before then it had not happened yet, whatever `offered` says.
    stand_alone: bool,
}

impl CallRecord {
    /// When the board first heard of the call: its offer, or a stand-alone close's own time.
    fn known_from(&self) -> Timestamp {
        if self.stand_alone {
            self.closed_at
        } else {
            self.offered
        }
    }

    fn closed(&self) -> Option<(CallOutcome, Timestamp)> {
        self.outcome.map(|outcome| (outcome, self.closed_at))
    }

    fn life(&self) -> Life {
        match self.outcome {
            None => Life::Open {
                opened: self.offered,
            },
            Some(_) => Life::Closed,
        }
    }

    fn handling(&self) -> Handling {
        match self.closed() {
            _ if self.ended => Handling::Ended,
            Some((outcome, at)) => outcome.handling(at),
            None => Handling::NotAnswered,
        }
    }
}

/// An incident as the engine holds it, as [`CallRecord`].
#[derive(Debug, Clone, Copy)]
struct IncidentRecord {
    created: Timestamp,
    /// When it closed, once `outcome` is set.
    closed_at: Timestamp,
    area: Option<AreaId>,
    grade: Grade,
    outcome: Option<IncidentOutcome>,
    /// Known only from its closing event (see [`CallRecord`]).
    stand_alone: bool,
}

impl IncidentRecord {
    /// As for calls: the creation, or a stand-alone close's own time.
    fn known_from(&self) -> Timestamp {
        if self.stand_alone {
            self.closed_at
        } else {
            self.created
        }
    }

    fn closed(&self) -> Option<(IncidentOutcome, Timestamp)> {
        self.outcome.map(|outcome| (outcome, self.closed_at))
    }

    fn life(&self) -> Life {
        match self.outcome {
            None => Life::Open {
                opened: self.created,
            },
            Some(_) => Life::Closed,
        }
    }
}

/// The force's figures and every area's, from one pass over the state.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedFigures {
    pub force: Figures,
    /// Configured areas first (config order), then other codes seen, sorted.
    pub areas: Vec<(String, Figures)>,
}

/// The state of the control room as the feed has told it.
#[derive(Debug, Clone)]
pub struct Engine {
    settings: EngineSettings,
    area_codes: Vec<String>,
    /// Each of `area_codes` packed by [`packed_code`], for the scan of a few areas.
    packed_codes: Vec<Option<u128>>,
    area_index: HashMap<String, AreaId>,
    /// Every call held, open or closed, by id (searched by the id's bytes).
    calls: IdTable<CallRecord>,
    incidents: IdTable<IncidentRecord>,
    /// The records again, indexed for the frame (see `live`).
    live: Live,
    /// Calls forgotten while still open (long expired), per area bucket and line.
    expired_forgotten: Vec<[u64; 2]>,
    latest: Option<Timestamp>,
    next_sweep: Timestamp,
    /// Handle times and staffing snapshots (schema v1.1).
    staffing: StaffingLog,
}

/// An area code of up to 15 bytes packed into one integer, its bytes and its length, so that
/// finding it among a force's few areas is a few integer comparisons rather than a call to
/// `memcmp` for each (2.5 % of `report`'s time, performance §46). `None`: a longer code.
fn packed_code(code: &str) -> Option<u128> {
    let bytes = code.as_bytes();
    let len = u8::try_from(bytes.len()).ok().filter(|&len| len < 16)?;
    Some(id_key::packed_le(bytes) | (u128::from(len) << 120))
}

/// Area bucket: 0 for "no area", 1 + id for an area.
fn bucket(area: Option<AreaId>) -> usize {
    area.map_or(0, |id| usize::from(id) + 1)
}

impl Engine {
    pub fn new(settings: EngineSettings) -> Self {
        let mut engine = Engine {
            area_codes: Vec::new(),
            packed_codes: Vec::new(),
            area_index: HashMap::new(),
            calls: IdTable::default(),
            incidents: IdTable::default(),
            live: Live::new(&settings),
            expired_forgotten: vec![[0; 2]],
            latest: None,
            next_sweep: Timestamp::MIN,
            staffing: StaffingLog::default(),
            settings,
        };
        for code in engine.settings.areas.clone() {
            engine.intern_area(&code);
        }
        engine
    }

    pub fn settings(&self) -> &EngineSettings {
        &self.settings
    }

    /// The latest `at` of any accepted event.
    pub fn latest(&self) -> Option<Timestamp> {
        self.latest
    }

    /// Every area code known: configured ones first, then those seen in the feed.
    pub fn area_codes(&self) -> &[String] {
        &self.area_codes
    }

    /// How many calls and incidents are held (for memory checks).
    pub fn records_held(&self) -> usize {
        self.calls.len() + self.incidents.len()
    }

    fn intern_area(&mut self, code: &str) -> Option<AreaId> {
        // A force has a handful of areas: comparing a few short names costs less than
        // hashing one (a sixth of the hashing a line caused). Past that, the index.
        if self.area_codes.len() <= AREAS_SCANNED {
            let found = match packed_code(code) {
                Some(packed) => self.packed_codes.iter().position(|&k| k == Some(packed)),
                None => self.area_codes.iter().position(|known| known == code),
            };
            if let Some(index) = found {
                return AreaId::try_from(index).ok();
            }
        } else if let Some(&id) = self.area_index.get(code) {
            return Some(id);
        }
        if self.area_codes.len() >= MAX_AREAS {
            return None;
        }
        let id = AreaId::try_from(self.area_codes.len()).ok()?;
        self.area_codes.push(code.to_string());
        self.packed_codes.push(packed_code(code));
        self.area_index.insert(code.to_string(), id);
        self.expired_forgotten.push([0; 2]);
        self.live.add_area();
        Some(id)
    }

    fn area_of(&mut self, lpa: Option<FeedText>) -> Option<AreaId> {
        lpa.and_then(|code| self.intern_area(&code))
    }

    /// Whether every accepted event is at or before `now`: then every record's opening is
    /// known and every close is in the past, and the indexes answer exactly.
    fn is_settled_at(&self, now: Timestamp) -> bool {
        self.latest.is_none_or(|latest| now >= latest)
    }

    /// The same figures and lists by the full scan alone (the reference).
    pub fn exact_scan(&self) -> ExactScan<'_> {
        ExactScan(self)
    }

    /// Every figure for one scope at `now` over the window `(now − window, now]`.
    pub fn figures(&self, now: Timestamp, window: Span, scope: Scope<'_>) -> Figures {
        self.pick(self.scoped_figures(now, window), scope)
    }

    /// The force's figures and every known area's, in one pass.
    pub fn scoped_figures(&self, now: Timestamp, window: Span) -> ScopedFigures {
        let (mut force, mut areas) = self.empty_accumulators();
        if self.is_settled_at(now) {
            let settings = &self.settings;
            self.live
                .accumulate(settings, now, window, &mut force, &mut areas);
        } else {
            self.scan_accumulate(now, window, &mut force, &mut areas);
        }
        self.finish_scoped(force, areas)
    }

    /// The headline means over `(at − window, at]` for each of `points` (the trend), in
    /// one pass over the closes in the points' windows: the same numbers as
    /// [`Engine::figures`] at each point.
    pub fn headline_means(
        &self,
        points: &[Timestamp],
        window: Span,
        scope: Scope<'_>,
    ) -> Vec<HeadlineMeans> {
        match scope {
            Scope::Force => self.live.headline_means(points, window, None),
            Scope::Area(code) => match self.area_index.get(code) {
                Some(&id) => self.live.headline_means(points, window, Some(id)),
                None => vec![HeadlineMeans::default(); points.len()],
            },
        }
    }

    /// Open emergency and priority incidents at `now`, nearest to (or furthest past) their
    /// target first: the first `limit`, and how many there are.
    pub fn open_incidents_top(
        &self,
        now: Timestamp,
        scope: Scope<'_>,
        limit: usize,
    ) -> TopList<OpenIncident> {
        if self.is_settled_at(now) {
            self.live_open_incidents(now, scope, limit)
        } else {
            TopList::of(self.scan_open_incidents(now, scope), limit)
        }
    }

    /// Calls waiting at `now` (not expired), longest wait first: the first `limit`, and
    /// how many there are.
    pub fn waiting_calls_top(
        &self,
        now: Timestamp,
        scope: Scope<'_>,
        limit: usize,
    ) -> TopList<WaitingCall> {
        if self.is_settled_at(now) {
            self.live_waiting_calls(now, scope, limit)
        } else {
            TopList::of(self.scan_waiting_calls(now, scope), limit)
        }
    }

    /// Every open emergency and priority incident at `now`, in breach-watch order.
    pub fn open_incidents(&self, now: Timestamp, scope: Scope<'_>) -> Vec<OpenIncident> {
        self.open_incidents_top(now, scope, usize::MAX).rows
    }

    /// Every call waiting at `now`, longest wait first.
    pub fn waiting_calls(&self, now: Timestamp, scope: Scope<'_>) -> Vec<WaitingCall> {
        self.waiting_calls_top(now, scope, usize::MAX).rows
    }

    /// `line`'s staffing figures at `at` (not windowed; see [`Staffing`]).
    pub fn staffing(&self, line: CallLine, at: Timestamp) -> Staffing {
        *self.staffing_by_line(at).get(line)
    }

    /// Both lines' staffing figures at `at`, from one count of the recent offers.
    pub(crate) fn staffing_by_line(&self, at: Timestamp) -> StaffingByLine {
        if !self.staffing.seen_by(at) {
            return StaffingByLine::default();
        }
        let offered = self.scoped_figures(at, ARRIVALS_SPAN).force.calls;
        let of = |line: CallLine, figures: &CallFigures| {
            let targets = &self.settings.calls[line.index()];
            staffing::figures_of(&self.staffing, line, at, figures.offered, targets)
        };
        StaffingByLine {
            line_999: of(CallLine::Emergency999, &offered.line_999),
            line_101: of(CallLine::NonEmergency101, &offered.line_101),
        }
    }

    fn empty_accumulators(&self) -> (Accumulators, Vec<Accumulators>) {
        let areas = vec![Accumulators::default(); self.area_codes.len()];
        (Accumulators::default(), areas)
    }

    /// The figures from what was gathered, with the forgotten expired calls added.
    fn finish_scoped(
        &self,
        mut force: Accumulators,
        mut areas: Vec<Accumulators>,
    ) -> ScopedFigures {
        for (b, forgotten) in self.expired_forgotten.iter().enumerate() {
            for line in CallLine::ALL {
                force.calls[line.index()].expired += forgotten[line.index()];
                if let Some(area) = b.checked_sub(1).and_then(|a| areas.get_mut(a)) {
                    area.calls[line.index()].expired += forgotten[line.index()];
                }
            }
        }
        let configured = self.settings.areas.len();
        let mut named: Vec<(String, Figures)> = self
            .area_codes
            .iter()
            .zip(&areas)
            .map(|(code, acc)| (code.clone(), acc.finish(&self.settings)))
            .collect();
        let first_seen = configured.min(named.len());
        named[first_seen..].sort_by(|a, b| a.0.cmp(&b.0));
        ScopedFigures {
            force: force.finish(&self.settings),
            areas: named,
        }
    }

    /// One scope's figures out of all of them.
    fn pick(&self, all: ScopedFigures, scope: Scope<'_>) -> Figures {
        match scope {
            Scope::Force => all.force,
            Scope::Area(code) => all
                .areas
                .into_iter()
                .find(|(known, _)| known == code)
                .map_or_else(
                    || Accumulators::default().finish(&self.settings),
                    |(_, figures)| figures,
                ),
        }
    }
}

#[cfg(test)]
mod tests;
