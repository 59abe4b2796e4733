//! The exact scan: every figure and list computed by visiting every record held, at any
//! `now`, including before the latest event (`report --at`). It is the reference the
//! incremental path is held to (see [`ExactScan`]).

use super::accumulate::Accumulators;
use super::figures::Figures;
use super::lists::{OpenIncident, WaitingCall, breach_order};
use super::{AreaId, Engine, Scope, ScopedFigures, bucket};
use crate::model::Grade;
use crate::time::{Span, Timestamp};

impl Engine {
    /// Every record's part in the figures at `now` over `(now − window, now]`.
    pub(super) fn scan_accumulate(
        &self,
        now: Timestamp,
        window: Span,
        force: &mut Accumulators,
        areas: &mut [Accumulators],
    ) {
        let from = now - window;
        let expiry = self.settings.call_expiry;
        let thresholds = self.settings.calls.map(|t| t.sl_threshold);
        let targets = self.settings.incidents.map(|t| t.target);
        for call in self.calls.values().filter(|call| call.known_from() <= now) {
            let line = call.line.index();
            for acc in std::iter::once(&mut *force).chain(area_acc(areas, call.area)) {
                match call.closed() {
                    Some((outcome, closed)) if closed <= now => {
                        let threshold = thresholds[line];
                        acc.calls[line].add_closed(call.offered, outcome, closed, from, threshold);
                    }
                    _ => acc.calls[line].add_open(call.offered, now, from, expiry),
                }
            }
        }
        for incident in self.incidents.values().filter(|i| i.known_from() <= now) {
            let (grade, target) = (incident.grade.index(), targets[incident.grade.index()]);
            for acc in std::iter::once(&mut *force).chain(area_acc(areas, incident.area)) {
                match incident.closed() {
                    Some((outcome, closed)) if closed <= now => acc.incidents[grade].add_closed(
                        incident.created,
                        outcome,
                        closed,
                        from,
                        target,
                    ),
                    _ => acc.incidents[grade].add_open(incident.created, now, from, target),
                }
            }
        }
    }

    /// Open emergency and priority incidents at `now` in breach-watch order
    /// ([`breach_order`]), then by id.
    pub(super) fn scan_open_incidents(
        &self,
        now: Timestamp,
        scope: Scope<'_>,
    ) -> Vec<OpenIncident> {
        let target = |grade: Grade| self.settings.incidents[grade.index()].target;
        let mut open: Vec<_> = self
            .incidents
            .iter()
            .filter(|(_, inc)| inc.grade != Grade::Scheduled && self.in_scope(inc.area, scope))
            .filter(|(_, inc)| {
                inc.known_from() <= now && inc.closed().is_none_or(|(_, at)| at > now)
            })
            .map(|(id, inc)| {
                (
                    (
                        breach_order(inc.created, inc.grade, target(inc.grade), now),
                        id.as_str(),
                    ),
                    inc,
                )
            })
            .collect();
        open.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        open.into_iter()
            .map(|((_, id), inc)| {
                let area = self.area_label(bucket(inc.area));
                OpenIncident::new(id, area, inc.grade, inc.created, now, target(inc.grade))
            })
            .collect()
    }

    /// Calls waiting at `now` (not expired), longest wait first, then by id.
    pub(super) fn scan_waiting_calls(&self, now: Timestamp, scope: Scope<'_>) -> Vec<WaitingCall> {
        let expiry = self.settings.call_expiry;
        let mut waiting: Vec<_> = self
            .calls
            .iter()
            .filter(|(_, call)| self.in_scope(call.area, scope))
            .filter(|(_, call)| {
                call.known_from() <= now
                    && call.closed().is_none_or(|(_, at)| at > now)
                    && now - call.offered <= expiry
            })
            .map(|(id, call)| ((call.offered, id.as_str()), call))
            .collect();
        waiting.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        waiting
            .into_iter()
            .map(|((offered, id), call)| {
                WaitingCall::new(
                    id,
                    self.area_label(bucket(call.area)),
                    call.line,
                    offered,
                    now,
                )
            })
            .collect()
    }

    fn in_scope(&self, area: Option<AreaId>, scope: Scope<'_>) -> bool {
        match scope {
            Scope::Force => true,
            Scope::Area(code) => area.is_some_and(|a| self.area_codes[usize::from(a)] == code),
        }
    }
}

fn area_acc(areas: &mut [Accumulators], area: Option<AreaId>) -> Option<&mut Accumulators> {
    area.and_then(|id| areas.get_mut(usize::from(id)))
}

/// The engine's figures and lists by the exact scan alone, whatever `now` is: what the
/// incremental path must always agree with.
#[derive(Debug, Clone, Copy)]
pub struct ExactScan<'a>(pub(super) &'a Engine);

impl ExactScan<'_> {
    pub fn scoped_figures(self, now: Timestamp, window: Span) -> ScopedFigures {
        let engine = self.0;
        let (mut force, mut areas) = engine.empty_accumulators();
        engine.scan_accumulate(now, window, &mut force, &mut areas);
        engine.finish_scoped(force, areas)
    }

    pub fn figures(self, now: Timestamp, window: Span, scope: Scope<'_>) -> Figures {
        self.0.pick(self.scoped_figures(now, window), scope)
    }

    pub fn open_incidents(self, now: Timestamp, scope: Scope<'_>) -> Vec<OpenIncident> {
        self.0.scan_open_incidents(now, scope)
    }

    pub fn waiting_calls(self, now: Timestamp, scope: Scope<'_>) -> Vec<WaitingCall> {
        self.0.scan_waiting_calls(now, scope)
    }
}
