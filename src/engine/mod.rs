//! The engine: applies events and computes figures. Pure: no I/O, no clock (`now` is
//! always passed in), so live, replay and `report` give the same figures.

mod figures;
pub mod ledger;

use std::collections::HashMap;

pub use figures::{
    CallFigures, CallsByLine, DurationStats, Figures, IncidentFigures, IncidentsByGrade, Status,
    nearest_rank, percent,
};

use crate::model::{CallLine, CallOutcome, Event, EventBody, Grade, IncidentOutcome, Reject};
use crate::time::{NANOS_PER_MIN, NANOS_PER_SEC, Nanos, seconds};
use ledger::{CloseVerdict, Life, OpenVerdict, OwnOpening, rule_close, rule_open};

/// Index of an area code in [`Engine::area_codes`].
pub type AreaId = u16;

/// Beyond this many distinct area codes, new codes count in the force totals only, so a
/// feed full of junk codes cannot grow memory without bound.
pub const MAX_AREAS: usize = 1024;

/// A call line's targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallTargets {
    /// The mean answer time the force aims for (999: 5 s).
    pub mean: Option<Nanos>,
    /// Service level: answered within this time (999: 10 s).
    pub sl_threshold: Option<Nanos>,
    /// Service level goal in percent (999: 90).
    pub sl_goal_pct: Option<f64>,
}

/// An incident grade's targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IncidentTargets {
    /// Attendance target: the mean's target, the within-target threshold and the breach line.
    pub target: Option<Nanos>,
    /// Within-target goal in percent.
    pub goal_pct: Option<f64>,
}

/// Everything the engine needs to know from the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineSettings {
    /// Indexed by [`CallLine::index`].
    pub calls: [CallTargets; 2],
    /// Indexed by [`Grade::index`]; scheduled has no targets by definition.
    pub incidents: [IncidentTargets; 3],
    pub amber_factor: f64,
    /// Open calls older than this are `expired`, not `waiting`.
    pub call_expiry: Nanos,
    /// How far back closed calls and incidents are kept: the largest window in use.
    pub retention: Nanos,
    /// Configured area codes, in display order.
    pub areas: Vec<String>,
}

impl Default for EngineSettings {
    /// SPEC.md §2's defaults.
    fn default() -> Self {
        let secs = |s: i64| Some(s * NANOS_PER_SEC);
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
            amber_factor: 1.2,
            call_expiry: 30 * NANOS_PER_MIN,
            retention: 24 * 60 * NANOS_PER_MIN,
            areas: ["BIR", "COV", "DUD", "SAN", "SOL", "WAL", "WOL"]
                .map(String::from)
                .to_vec(),
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

#[derive(Debug, Clone, Copy)]
struct CallRecord {
    /// When the board first heard of the call: its offer, or a stand-alone close's own
    /// time. Before then the call has not happened yet, whatever `offered` says.
    known_from: Nanos,
    offered: Nanos,
    line: CallLine,
    area: Option<AreaId>,
    closed: Option<(CallOutcome, Nanos)>,
}

impl CallRecord {
    fn life(&self) -> Life {
        match self.closed {
            None => Life::Open {
                opened: self.offered,
            },
            Some(_) => Life::Closed,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct IncidentRecord {
    /// As for calls: the creation, or a stand-alone arrival's own time.
    known_from: Nanos,
    created: Nanos,
    grade: Grade,
    area: Option<AreaId>,
    closed: Option<(IncidentOutcome, Nanos)>,
}

impl IncidentRecord {
    fn life(&self) -> Life {
        match self.closed {
            None => Life::Open {
                opened: self.created,
            },
            Some(_) => Life::Closed,
        }
    }
}

/// An open emergency or priority incident, for the breach watch.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenIncident {
    pub id: String,
    pub area: Option<String>,
    pub grade: Grade,
    pub age_s: f64,
    /// Target minus age: negative once breached.
    pub time_left_s: Option<f64>,
}

/// A call waiting now, for the longest-waits list.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingCall {
    pub id: String,
    pub area: Option<String>,
    pub line: CallLine,
    pub wait_s: f64,
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
    area_index: HashMap<String, AreaId>,
    calls: HashMap<Box<str>, CallRecord>,
    incidents: HashMap<Box<str>, IncidentRecord>,
    /// Calls forgotten while still open (long expired), per area bucket and line.
    expired_forgotten: Vec<[u64; 2]>,
    latest: Option<Nanos>,
    next_sweep: Nanos,
}

/// Area bucket: 0 for "no area", 1 + id for an area.
fn bucket(area: Option<AreaId>) -> usize {
    area.map_or(0, |id| usize::from(id) + 1)
}

impl Engine {
    pub fn new(settings: EngineSettings) -> Self {
        let mut engine = Engine {
            area_codes: Vec::new(),
            area_index: HashMap::new(),
            calls: HashMap::new(),
            incidents: HashMap::new(),
            expired_forgotten: vec![[0; 2]],
            latest: None,
            next_sweep: Nanos::MIN,
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
    pub fn latest(&self) -> Option<Nanos> {
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
        if let Some(&id) = self.area_index.get(code) {
            return Some(id);
        }
        if self.area_codes.len() >= MAX_AREAS {
            return None;
        }
        let id = self.area_codes.len() as AreaId;
        self.area_codes.push(code.to_string());
        self.area_index.insert(code.to_string(), id);
        self.expired_forgotten.push([0; 2]);
        Some(id)
    }

    fn area_of(&mut self, lpa: Option<Box<str>>) -> Option<AreaId> {
        lpa.and_then(|code| self.intern_area(&code))
    }

    /// Applies one event, in the order given (the caller orders files by time), under
    /// the rules of [`ledger`].
    pub fn ingest(&mut self, event: Event) -> Result<Applied, Reject> {
        let at = event.at.nanos();
        let kind = event.body.kind();
        let applied = match event.body {
            EventBody::CallOffered { id, line, lpa } => {
                let life = self.calls.get(&id).map_or(Life::Unknown, CallRecord::life);
                if rule_open(life) == OpenVerdict::Duplicate {
                    return Ok(Applied::Duplicate);
                }
                let area = self.area_of(lpa);
                self.calls.insert(
                    id,
                    CallRecord {
                        known_from: at,
                        offered: at,
                        line,
                        area,
                        closed: None,
                    },
                );
                Applied::Accepted
            }
            EventBody::CallClosed {
                id,
                outcome,
                offered_at,
                line,
                lpa,
            } => {
                let record = self.calls.get_mut(&id);
                let life = record.as_deref().map_or(Life::Unknown, CallRecord::life);
                let own = OwnOpening::from_fields(offered_at.map(|t| t.nanos()), line);
                match rule_close(life, at, own).map_err(|refusal| refusal.reject(kind))? {
                    CloseVerdict::Duplicate => return Ok(Applied::Duplicate),
                    CloseVerdict::Close => {
                        if let Some(record) = record {
                            record.closed = Some((outcome, at));
                        }
                    }
                    CloseVerdict::StandAlone(own) => {
                        let area = self.area_of(lpa);
                        self.calls.insert(
                            id,
                            CallRecord {
                                known_from: at,
                                offered: own.at,
                                line: own.what,
                                area,
                                closed: Some((outcome, at)),
                            },
                        );
                    }
                }
                Applied::Accepted
            }
            EventBody::IncidentCreated { id, grade, lpa } => {
                let life = self
                    .incidents
                    .get(&id)
                    .map_or(Life::Unknown, IncidentRecord::life);
                if rule_open(life) == OpenVerdict::Duplicate {
                    return Ok(Applied::Duplicate);
                }
                let area = self.area_of(lpa);
                self.incidents.insert(
                    id,
                    IncidentRecord {
                        known_from: at,
                        created: at,
                        grade,
                        area,
                        closed: None,
                    },
                );
                Applied::Accepted
            }
            EventBody::IncidentClosed {
                id,
                outcome,
                created_at,
                grade,
                lpa,
            } => {
                let record = self.incidents.get_mut(&id);
                let life = record
                    .as_deref()
                    .map_or(Life::Unknown, IncidentRecord::life);
                let own = OwnOpening::from_fields(created_at.map(|t| t.nanos()), grade);
                match rule_close(life, at, own).map_err(|refusal| refusal.reject(kind))? {
                    CloseVerdict::Duplicate => return Ok(Applied::Duplicate),
                    CloseVerdict::Close => {
                        if let Some(record) = record {
                            record.closed = Some((outcome, at));
                        }
                    }
                    CloseVerdict::StandAlone(own) => {
                        let area = self.area_of(lpa);
                        self.incidents.insert(
                            id,
                            IncidentRecord {
                                known_from: at,
                                created: own.at,
                                grade: own.what,
                                area,
                                closed: Some((outcome, at)),
                            },
                        );
                    }
                }
                Applied::Accepted
            }
            EventBody::Heartbeat => Applied::Accepted,
        };
        if self.latest.is_none_or(|latest| at > latest) {
            self.latest = Some(at);
        }
        if at >= self.next_sweep {
            self.sweep(at);
        }
        Ok(applied)
    }

    /// Forgets what no window can see any more: closed calls and incidents (and with them
    /// their ids) closed longer than the retention ago, and calls left open so long that
    /// they can only ever count as expired.
    fn sweep(&mut self, latest: Nanos) {
        let retention = self.settings.retention;
        let cutoff = latest.saturating_sub(retention);
        let open_call_cutoff =
            latest.saturating_sub(retention.max(self.settings.call_expiry.saturating_mul(2)));
        let forgotten = &mut self.expired_forgotten;
        self.calls.retain(|_, call| match call.closed {
            Some((_, closed)) => closed > cutoff,
            None if call.offered <= open_call_cutoff => {
                forgotten[bucket(call.area)][call.line.index()] += 1;
                false
            }
            None => true,
        });
        self.incidents
            .retain(|_, incident| incident.closed.is_none_or(|(_, closed)| closed > cutoff));
        // Sweeping every quarter of the retention keeps at most 1.25 × retention of
        // records while touching each record only a few times over its life.
        self.next_sweep = latest.saturating_add((retention / 4).max(NANOS_PER_MIN));
    }

    /// Every figure for one scope at `now` over the window `(now − window, now]`.
    pub fn figures(&self, now: Nanos, window: Nanos, scope: Scope<'_>) -> Figures {
        let all = self.scoped_figures(now, window);
        match scope {
            Scope::Force => all.force,
            Scope::Area(code) => all
                .areas
                .into_iter()
                .find(|(known, _)| known == code)
                .map(|(_, figures)| figures)
                .unwrap_or_else(|| self.finish(&Accumulators::default())),
        }
    }

    /// The force's figures and every known area's, in one pass.
    pub fn scoped_figures(&self, now: Nanos, window: Nanos) -> ScopedFigures {
        let mut force = Accumulators::default();
        let mut areas: Vec<Accumulators> = vec![Accumulators::default(); self.area_codes.len()];
        self.accumulate_split(now, window, &mut force, &mut areas);
        for (b, forgotten) in self.expired_forgotten.iter().enumerate() {
            for line in CallLine::ALL {
                force.calls[line.index()].expired += forgotten[line.index()];
                if b > 0 {
                    areas[b - 1].calls[line.index()].expired += forgotten[line.index()];
                }
            }
        }
        let configured = self.settings.areas.len();
        let mut named: Vec<(String, Figures)> = self
            .area_codes
            .iter()
            .zip(&areas)
            .map(|(code, acc)| (code.clone(), self.finish(acc)))
            .collect();
        let first_seen = configured.min(named.len());
        named[first_seen..].sort_by(|a, b| a.0.cmp(&b.0));
        ScopedFigures {
            force: self.finish(&force),
            areas: named,
        }
    }

    fn accumulate_split(
        &self,
        now: Nanos,
        window: Nanos,
        force: &mut Accumulators,
        areas: &mut [Accumulators],
    ) {
        let from = now.saturating_sub(window);
        let expiry = self.settings.call_expiry;
        let thresholds = self.settings.calls.map(|t| t.sl_threshold);
        let targets = self.settings.incidents.map(|t| t.target);
        for call in self.calls.values() {
            let threshold = thresholds[call.line.index()];
            force.calls[call.line.index()].add(call, now, from, expiry, threshold);
            if let Some(id) = call.area {
                areas[usize::from(id)].calls[call.line.index()]
                    .add(call, now, from, expiry, threshold);
            }
        }
        for incident in self.incidents.values() {
            let target = targets[incident.grade.index()];
            force.incidents[incident.grade.index()].add(incident, now, from, target);
            if let Some(id) = incident.area {
                areas[usize::from(id)].incidents[incident.grade.index()]
                    .add(incident, now, from, target);
            }
        }
    }

    fn finish(&self, acc: &Accumulators) -> Figures {
        let call = |line: CallLine| acc.calls[line.index()].finish(&self.settings, line);
        let incident = |grade: Grade| acc.incidents[grade.index()].finish(&self.settings, grade);
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

    /// Open emergency and priority incidents at `now`, nearest to (or furthest past) their
    /// target first.
    pub fn open_incidents(&self, now: Nanos, scope: Scope<'_>) -> Vec<OpenIncident> {
        let mut open: Vec<OpenIncident> = self
            .incidents
            .iter()
            .filter(|(_, inc)| inc.grade != Grade::Scheduled && self.in_scope(inc.area, scope))
            .filter(|(_, inc)| inc.known_from <= now && inc.closed.is_none_or(|(_, at)| at > now))
            .map(|(id, inc)| {
                let age = now - inc.created;
                let target = self.settings.incidents[inc.grade.index()].target;
                OpenIncident {
                    id: id.to_string(),
                    area: inc.area.map(|a| self.area_codes[usize::from(a)].clone()),
                    grade: inc.grade,
                    age_s: seconds(age),
                    time_left_s: target.map(|t| seconds(t - age)),
                }
            })
            .collect();
        open.sort_by(|a, b| {
            let left = |i: &OpenIncident| i.time_left_s.unwrap_or(f64::INFINITY);
            left(a).total_cmp(&left(b)).then_with(|| a.id.cmp(&b.id))
        });
        open
    }

    /// Calls waiting at `now` (not expired), longest wait first.
    pub fn waiting_calls(&self, now: Nanos, scope: Scope<'_>) -> Vec<WaitingCall> {
        let expiry = self.settings.call_expiry;
        let mut waiting: Vec<WaitingCall> = self
            .calls
            .iter()
            .filter(|(_, call)| self.in_scope(call.area, scope))
            .filter(|(_, call)| {
                call.known_from <= now
                    && call.closed.is_none_or(|(_, at)| at > now)
                    && now - call.offered <= expiry
            })
            .map(|(id, call)| WaitingCall {
                id: id.to_string(),
                area: call.area.map(|a| self.area_codes[usize::from(a)].clone()),
                line: call.line,
                wait_s: seconds(now - call.offered),
            })
            .collect();
        waiting.sort_by(|a, b| b.wait_s.total_cmp(&a.wait_s).then_with(|| a.id.cmp(&b.id)));
        waiting
    }

    fn in_scope(&self, area: Option<AreaId>, scope: Scope<'_>) -> bool {
        match scope {
            Scope::Force => true,
            Scope::Area(code) => area.is_some_and(|a| self.area_codes[usize::from(a)] == code),
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Accumulators {
    calls: [CallAcc; 2],
    incidents: [IncidentAcc; 3],
}

#[derive(Debug, Clone, Default)]
struct CallAcc {
    offered: u64,
    answer_times: Vec<Nanos>,
    abandoned: u64,
    answered_within_sl: u64,
    abandoned_after_sl: u64,
    waiting: u64,
    expired: u64,
    longest_wait: Option<Nanos>,
}

impl CallAcc {
    fn add(
        &mut self,
        call: &CallRecord,
        now: Nanos,
        from: Nanos,
        expiry: Nanos,
        sl_threshold: Option<Nanos>,
    ) {
        if call.known_from > now {
            return; // not happened yet
        }
        if call.offered > from {
            self.offered += 1;
        }
        match call.closed {
            Some((outcome, closed)) if closed <= now => {
                if closed <= from {
                    return;
                }
                let duration = closed - call.offered;
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
            _ => {
                let wait = now - call.offered;
                if wait > expiry {
                    self.expired += 1;
                } else {
                    self.waiting += 1;
                    self.longest_wait = Some(self.longest_wait.map_or(wait, |w| w.max(wait)));
                }
            }
        }
    }

    fn finish(&self, settings: &EngineSettings, line: CallLine) -> CallFigures {
        let targets = settings.calls[line.index()];
        let mut times = self.answer_times.clone();
        let stats = DurationStats::of(&mut times);
        let answered = self.answer_times.len() as u64;
        let mean = stats.map(|s| s.mean_s);
        let target = targets.mean.map(seconds);
        CallFigures {
            offered: self.offered,
            answered,
            abandoned: self.abandoned,
            mean_answer_s: mean,
            p50_answer_s: stats.map(|s| s.p50_s),
            p90_answer_s: stats.map(|s| s.p90_s),
            max_answer_s: stats.map(|s| s.max_s),
            service_level_pct: targets
                .sl_threshold
                .and_then(|_| percent(self.answered_within_sl, answered + self.abandoned_after_sl)),
            abandon_rate_pct: percent(self.abandoned, answered + self.abandoned),
            waiting: self.waiting,
            expired: self.expired,
            longest_wait_s: self.longest_wait.map(seconds),
            target_s: target,
            sl_threshold_s: targets.sl_threshold.map(seconds),
            sl_goal_pct: targets.sl_goal_pct,
            status: Status::of(mean, target, settings.amber_factor),
        }
    }
}

#[derive(Debug, Clone, Default)]
struct IncidentAcc {
    created: u64,
    attend_times: Vec<Nanos>,
    attended_within: u64,
    open: u64,
    open_breached: u64,
    oldest_open: Option<Nanos>,
}

impl IncidentAcc {
    fn add(&mut self, incident: &IncidentRecord, now: Nanos, from: Nanos, target: Option<Nanos>) {
        if incident.known_from > now {
            return; // not happened yet
        }
        if incident.created > from {
            self.created += 1;
        }
        match incident.closed {
            Some((outcome, closed)) if closed <= now => {
                if outcome == IncidentOutcome::Arrived && closed > from {
                    let duration = closed - incident.created;
                    self.attend_times.push(duration);
                    if target.is_some_and(|t| duration <= t) {
                        self.attended_within += 1;
                    }
                }
            }
            _ => {
                let age = now - incident.created;
                self.open += 1;
                if target.is_some_and(|t| age > t) {
                    self.open_breached += 1;
                }
                self.oldest_open = Some(self.oldest_open.map_or(age, |a| a.max(age)));
            }
        }
    }

    fn finish(&self, settings: &EngineSettings, grade: Grade) -> IncidentFigures {
        let targets = settings.incidents[grade.index()];
        let mut times = self.attend_times.clone();
        let stats = DurationStats::of(&mut times);
        let attended = self.attend_times.len() as u64;
        let mean = stats.map(|s| s.mean_s);
        let target = targets.target.map(seconds);
        IncidentFigures {
            created: self.created,
            attended,
            mean_attend_s: mean,
            p50_attend_s: stats.map(|s| s.p50_s),
            p90_attend_s: stats.map(|s| s.p90_s),
            max_attend_s: stats.map(|s| s.max_s),
            within_target_pct: targets
                .target
                .and_then(|_| percent(self.attended_within, attended)),
            open: self.open,
            open_breached: self.open_breached,
            oldest_open_s: self.oldest_open.map(seconds),
            target_s: target,
            goal_pct: targets.goal_pct,
            status: Status::of(mean, target, settings.amber_factor),
        }
    }
}
