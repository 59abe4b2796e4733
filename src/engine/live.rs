//! What the engine keeps up to date as events arrive, so that a frame's figures cost what
//! the window holds, not what the feed has held:
//!
//! - open calls and open incidents, per area and line / grade, ordered by their opening
//!   time (then id), so that "how many opened before t" is a count, the oldest is the
//!   first, and the longest waits or nearest breaches are the first few;
//! - closed calls and incidents ordered by close time, so that a window's closes are the
//!   tail of the list;
//!
//! These answer exactly only when every record's events are at or before `now` (see
//! `Engine::is_settled_at`); the engine falls back to its full scan otherwise.

use std::collections::BTreeSet;

use super::accumulate::Accumulators;
use super::headline::{HeadlineClose, HeadlineMeans, RunningSums, call_series, incident_series};
use super::id_key::IdKey;
use super::ordered::Ordered;
use super::time_ordered::{Stamped, TimeOrdered};
use super::{AreaId, EngineSettings, bucket};
use crate::model::{CallLine, CallOutcome, Grade, IncidentOutcome};
use crate::time::{Span, Timestamp};

/// An open record's place in its index: opening time, then id.
pub(super) type OpenKey = (Timestamp, IdKey);

/// Compares an index key with `(at, id)`.
fn key_order(at: Timestamp, id: &str) -> impl Fn(&OpenKey) -> std::cmp::Ordering + '_ {
    move |key| key.0.cmp(&at).then_with(|| key.1.cmp_str(id))
}

/// Open incidents of one area and grade.
#[derive(Debug, Clone, Default)]
pub(super) struct OpenIncidents {
    pub(crate) by_created: Ordered<OpenKey>,
    /// By id too, for an emergency or priority grade configured without a target: the
    /// breach watch lists those last, by id.
    pub(crate) by_id: Option<BTreeSet<IdKey>>,
}

/// A closed call, as its window needs it.
#[derive(Debug, Clone, Copy)]
pub(super) struct ClosedCall {
    pub(crate) closed: Timestamp,
    pub(crate) offered: Timestamp,
    pub(crate) outcome: CallOutcome,
    pub(crate) line: CallLine,
    pub(crate) area: Option<AreaId>,
}

/// A closed incident, as its window needs it.
#[derive(Debug, Clone, Copy)]
pub(super) struct ClosedIncident {
    pub(crate) closed: Timestamp,
    pub(crate) created: Timestamp,
    pub(crate) outcome: IncidentOutcome,
    pub(crate) grade: Grade,
    pub(crate) area: Option<AreaId>,
}

impl Stamped for ClosedCall {
    fn at(&self) -> Timestamp {
        self.closed
    }
}

impl Stamped for ClosedIncident {
    fn at(&self) -> Timestamp {
        self.closed
    }
}

#[derive(Debug, Clone)]
pub(super) struct Live {
    /// Per area bucket (0 for no area, 1 + id), per line.
    pub(crate) open_calls: Vec<[Ordered<OpenKey>; 2]>,
    /// Per area bucket, per grade.
    pub(crate) open_incidents: Vec<[OpenIncidents; 3]>,
    /// Closed records by close time: a window's closes are the newest.
    closed_calls: TimeOrdered<ClosedCall>,
    closed_incidents: TimeOrdered<ClosedIncident>,
    /// Grades whose open incidents are also kept by id.
    by_id: [bool; 3],
}

impl Live {
    pub(crate) fn new(settings: &EngineSettings) -> Live {
        let by_id = Grade::ALL.map(|grade| {
            grade != Grade::Scheduled && settings.incidents[grade.index()].target.is_none()
        });
        let mut live = Live {
            open_calls: Vec::new(),
            open_incidents: Vec::new(),
            closed_calls: TimeOrdered::default(),
            closed_incidents: TimeOrdered::default(),
            by_id,
        };
        live.add_bucket();
        live
    }

    fn add_bucket(&mut self) {
        self.open_calls.push(Default::default());
        let by_id = self.by_id;
        self.open_incidents
            .push(Grade::ALL.map(|grade| OpenIncidents {
                by_created: Ordered::default(),
                by_id: by_id[grade.index()].then(BTreeSet::new),
            }));
    }

    /// Room for one more area.
    pub(crate) fn add_area(&mut self) {
        self.add_bucket();
    }

    pub(crate) fn open_call(
        &mut self,
        id: &str,
        offered: Timestamp,
        line: CallLine,
        area: Option<AreaId>,
    ) {
        if let Some(lines) = self.open_calls.get_mut(bucket(area)) {
            lines[line.index()].insert((offered, IdKey::new(id)));
        }
    }

    /// An open call's close: out of the open index, into the closed list.
    pub(crate) fn close_call(&mut self, id: &str, closed: ClosedCall) {
        if let Some(lines) = self.open_calls.get_mut(bucket(closed.area)) {
            lines[closed.line.index()].remove(key_order(closed.offered, id));
        }
        self.add_closed_call(closed);
    }

    /// A closed call: a close of an open one, or one standing alone.
    pub(crate) fn add_closed_call(&mut self, closed: ClosedCall) {
        self.closed_calls.insert(closed);
    }

    pub(crate) fn open_incident(
        &mut self,
        id: &str,
        created: Timestamp,
        grade: Grade,
        area: Option<AreaId>,
    ) {
        if let Some(grades) = self.open_incidents.get_mut(bucket(area)) {
            let open = &mut grades[grade.index()];
            open.by_created.insert((created, IdKey::new(id)));
            if let Some(by_id) = &mut open.by_id {
                by_id.insert(IdKey::new(id));
            }
        }
    }

    /// An open incident's close: out of the open index, into the closed list.
    pub(crate) fn close_incident(&mut self, id: &str, closed: ClosedIncident) {
        if let Some(grades) = self.open_incidents.get_mut(bucket(closed.area)) {
            let open = &mut grades[closed.grade.index()];
            open.by_created.remove(key_order(closed.created, id));
            if let Some(by_id) = &mut open.by_id {
                by_id.remove(&IdKey::new(id));
            }
        }
        self.add_closed_incident(closed);
    }

    /// A closed incident: a close of an open one, or one standing alone.
    pub(crate) fn add_closed_incident(&mut self, closed: ClosedIncident) {
        self.closed_incidents.insert(closed);
    }

    /// Forgets closed records closed at or before `cutoff`, as the engine forgets them.
    pub(crate) fn forget_closed(&mut self, cutoff: Timestamp) {
        self.closed_calls.forget_until(cutoff);
        self.closed_incidents.forget_until(cutoff);
    }

    /// The headline means over `(at − window, at]` for each of `points`, for the force
    /// (`area` `None`) or one area: from the closes alone, which is exact at any point,
    /// since a close at or before a point is known there.
    pub(crate) fn headline_means(
        &self,
        points: &[Timestamp],
        window: Span,
        area: Option<AreaId>,
    ) -> Vec<HeadlineMeans> {
        let mut sums = RunningSums::new(points, window);
        let Some(first) = sums.first() else {
            return Vec::new();
        };
        let in_scope = |of: Option<AreaId>| area.is_none() || of == area;
        sums.add(self.closed_calls.after(first).filter_map(|c| {
            let series = call_series(c.line, c.outcome).filter(|_| in_scope(c.area))?;
            let duration = c.closed - c.offered;
            Some(HeadlineClose {
                at: c.closed,
                series,
                duration,
            })
        }));
        sums.add(self.closed_incidents.after(first).filter_map(|i| {
            let series = incident_series(i.grade, i.outcome).filter(|_| in_scope(i.area))?;
            let duration = i.closed - i.created;
            Some(HeadlineClose {
                at: i.closed,
                series,
                duration,
            })
        }));
        points.iter().map(|&at| sums.means(at, window)).collect()
    }

    /// Forgets open calls offered at or before `cutoff`, handing each one's id, area
    /// bucket and line to `forget`.
    pub(crate) fn forget_open_calls(
        &mut self,
        cutoff: Timestamp,
        mut forget: impl FnMut(&str, usize, CallLine),
    ) {
        for (b, lines) in self.open_calls.iter_mut().enumerate() {
            for line in CallLine::ALL {
                lines[line.index()]
                    .drain_below(|key| key.0 <= cutoff, |key| forget(key.1.as_str(), b, line));
            }
        }
    }

    /// Every figure for the window `(now − window, now]`, for the force and each area,
    /// given that every event held is at or before `now`.
    pub(crate) fn accumulate(
        &self,
        settings: &EngineSettings,
        now: Timestamp,
        window: Span,
        force: &mut Accumulators,
        areas: &mut [Accumulators],
    ) {
        let from = now - window;
        self.accumulate_closed(settings, from, force, areas);
        for b in 0..self.open_calls.len() {
            let area = b.checked_sub(1).and_then(|a| areas.get_mut(a));
            self.accumulate_open(b, settings, now, from, [Some(&mut *force), area]);
        }
    }

    /// The closes in the window: every close held is at or before `now`.
    fn accumulate_closed(
        &self,
        settings: &EngineSettings,
        from: Timestamp,
        force: &mut Accumulators,
        areas: &mut [Accumulators],
    ) {
        let thresholds = settings.calls.map(|t| t.sl_threshold);
        let targets = settings.incidents.map(|t| t.target);
        for c in self.closed_calls.after(from) {
            let (line, threshold) = (c.line.index(), thresholds[c.line.index()]);
            let area = c.area.and_then(|a| areas.get_mut(usize::from(a)));
            for acc in std::iter::once(&mut *force).chain(area) {
                acc.calls[line].add_closed(c.offered, c.outcome, c.closed, from, threshold);
            }
        }
        for i in self.closed_incidents.after(from) {
            let (grade, target) = (i.grade.index(), targets[i.grade.index()]);
            let area = i.area.and_then(|a| areas.get_mut(usize::from(a)));
            for acc in std::iter::once(&mut *force).chain(area) {
                acc.incidents[grade].add_closed(i.created, i.outcome, i.closed, from, target);
            }
        }
    }

    /// Area bucket `b`'s open calls and incidents, counted from their indexes (those
    /// opened in the window, waiting or expired, breached, and the oldest) into the
    /// force's and the area's figures.
    fn accumulate_open(
        &self,
        b: usize,
        settings: &EngineSettings,
        now: Timestamp,
        from: Timestamp,
        mut scopes: [Option<&mut Accumulators>; 2],
    ) {
        let expiry_line = now - settings.call_expiry;
        for (line, open) in self.open_calls[b].iter().enumerate() {
            let opened_before = open.count_below(|key| key.0 <= from);
            let expired = open.count_below(|key| key.0 < expiry_line);
            let longest = open.iter_from(|key| key.0 < expiry_line).next();
            for acc in scopes.iter_mut().flatten() {
                acc.calls[line].add_open_counts(
                    (open.len() - opened_before) as u64,
                    (open.len() - expired) as u64,
                    expired as u64,
                    longest.map(|key| now - key.0),
                );
            }
        }
        for (grade, open) in self.open_incidents[b].iter().enumerate() {
            let open = &open.by_created;
            let created_before = open.count_below(|key| key.0 <= from);
            let breached = settings.incidents[grade].target.map_or(0, |target| {
                let breach_line = now - target;
                open.count_below(|key| key.0 < breach_line)
            });
            for acc in scopes.iter_mut().flatten() {
                acc.incidents[grade].add_open_counts(
                    (open.len() - created_before) as u64,
                    open.len() as u64,
                    breached as u64,
                    open.first().map(|key| now - key.0),
                );
            }
        }
    }
}
