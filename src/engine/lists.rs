//! The dashboard's two lists, the longest waits and the breach watch: their rows, their
//! order, and their first rows walked from the open indexes ([`super::live`]) without
//! visiting every open call or incident.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::id_key::IdKey;
use super::live::OpenKey;
use super::{Engine, Scope};
use crate::model::{CallLine, Grade};
use crate::time::{Span, Timestamp};

/// An open emergency or priority incident, for the breach watch.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenIncident {
    pub id: String,
    pub area: Option<String>,
    pub grade: Grade,
    pub(crate) age_s: f64,
    /// Target minus age: negative once breached.
    pub time_left_s: Option<f64>,
}

/// A call waiting now, for the longest-waits list.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingCall {
    pub id: String,
    pub(crate) area: Option<String>,
    pub(crate) line: CallLine,
    pub wait_s: f64,
}

/// The first rows of a list, and how many rows it has in all.
#[derive(Debug, Clone, PartialEq)]
pub struct TopList<T> {
    pub rows: Vec<T>,
    pub total: usize,
}

impl<T> TopList<T> {
    /// The first `limit` rows of a whole list.
    pub fn of(mut rows: Vec<T>, limit: usize) -> TopList<T> {
        let total = rows.len();
        rows.truncate(limit);
        TopList { rows, total }
    }
}

impl WaitingCall {
    pub(super) fn new(
        id: &str,
        area: Option<String>,
        line: CallLine,
        offered: Timestamp,
        now: Timestamp,
    ) -> WaitingCall {
        WaitingCall {
            id: id.to_string(),
            area,
            line,
            wait_s: (now - offered).as_secs_f64(),
        }
    }
}

impl OpenIncident {
    pub(super) fn new(
        id: &str,
        area: Option<String>,
        grade: Grade,
        created: Timestamp,
        now: Timestamp,
        target: Option<Span>,
    ) -> OpenIncident {
        let age = now - created;
        OpenIncident {
            id: id.to_string(),
            area,
            grade,
            age_s: age.as_secs_f64(),
            time_left_s: target.map(|t| (t - age).as_secs_f64()),
        }
    }
}

/// The breach watch's order, before the id: breached incidents first — emergencies, then
/// priorities, each most overdue first — then the rest by least time left (earliest
/// `created + target`) whatever their grade, and incidents of a grade without a target
/// last. Along one grade's incidents in order of creation the key never falls, so streams
/// in that order merge on it.
pub(super) fn breach_order(
    created: Timestamp,
    grade: Grade,
    target: Option<Span>,
    now: Timestamp,
) -> (u8, u8, i128) {
    match target {
        Some(t) => {
            // In i128, not `created + t`: a saturated sum would tie far-off deadlines.
            let deadline = i128::from(created.nanos()) + i128::from(t.nanos());
            // Breached once the age is over the target, as the figures count it.
            if deadline < i128::from(now.nanos()) {
                let rank = match grade {
                    Grade::Emergency => 0,
                    Grade::Priority => 1,
                    Grade::Scheduled => 2,
                };
                (0, rank, deadline)
            } else {
                (1, 0, deadline)
            }
        }
        None => (2, 0, 0),
    }
}

/// The first `limit` items of several streams, each already in order of `key`, merged.
fn merge_first<T, K: Ord>(
    mut streams: Vec<impl Iterator<Item = T>>,
    key: impl Fn(&T) -> K,
    limit: usize,
) -> Vec<T> {
    let mut heads: Vec<Option<T>> = streams.iter_mut().map(Iterator::next).collect();
    let mut heap: BinaryHeap<Reverse<(K, usize)>> = heads
        .iter()
        .enumerate()
        .filter_map(|(i, head)| head.as_ref().map(|head| Reverse((key(head), i))))
        .collect();
    let mut merged = Vec::new();
    while merged.len() < limit {
        let Some(Reverse((_, i))) = heap.pop() else {
            break;
        };
        let next = streams[i].next();
        if let Some(next) = &next {
            heap.push(Reverse((key(next), i)));
        }
        if let Some(head) = std::mem::replace(&mut heads[i], next) {
            merged.push(head);
        }
    }
    merged
}

impl Engine {
    /// The area bucket indexes a scope covers (see `bucket`).
    fn buckets_in(&self, scope: Scope<'_>) -> std::ops::Range<usize> {
        match scope {
            Scope::Force => 0..self.live.open_calls.len(),
            Scope::Area(code) => match self.area_index.get(code) {
                Some(&id) => usize::from(id) + 1..usize::from(id) + 2,
                None => 0..0,
            },
        }
    }

    /// The code of an area bucket.
    pub(super) fn area_label(&self, bucket: usize) -> Option<String> {
        bucket
            .checked_sub(1)
            .and_then(|id| self.area_codes.get(id))
            .cloned()
    }

    /// Calls waiting at `now`, longest first: every open call is at or before `now`.
    pub(super) fn live_waiting_calls(
        &self,
        now: Timestamp,
        scope: Scope<'_>,
        limit: usize,
    ) -> TopList<WaitingCall> {
        let expiry_line = now - self.settings.call_expiry;
        let expired = move |key: &OpenKey| key.0 < expiry_line;
        let mut total = 0;
        let mut streams = Vec::new();
        for b in self.buckets_in(scope) {
            for line in CallLine::ALL {
                let open = &self.live.open_calls[b][line.index()];
                total += open.len() - open.count_below(expired);
                streams.push(open.iter_from(expired).map(move |key| (b, line, key)));
            }
        }
        let rows = merge_first(streams, |&(_, _, key)| (key.0, &key.1), limit)
            .into_iter()
            .map(|(b, line, key)| {
                WaitingCall::new(key.1.as_str(), self.area_label(b), line, key.0, now)
            })
            .collect();
        TopList { rows, total }
    }

    /// Open emergency and priority incidents at `now`, in breach-watch order: every open
    /// incident is at or before `now`.
    pub(super) fn live_open_incidents<'a>(
        &'a self,
        now: Timestamp,
        scope: Scope<'_>,
        limit: usize,
    ) -> TopList<OpenIncident> {
        let tracked = [Grade::Emergency, Grade::Priority];
        let target = |grade: Grade| self.settings.incidents[grade.index()].target;
        let mut total = 0;
        let mut timed = Vec::new();
        let mut untimed = Vec::new();
        for b in self.buckets_in(scope) {
            for grade in tracked {
                let open = &self.live.open_incidents[b][grade.index()];
                total += open.by_created.len();
                match (target(grade), &open.by_id) {
                    (Some(_), _) => timed.push(
                        open.by_created
                            .iter_from(|_| false)
                            .map(move |key| (b, grade, key.0, &key.1)),
                    ),
                    (None, Some(by_id)) => untimed.push(by_id.iter().map(move |id| (b, grade, id))),
                    (None, None) => {}
                }
            }
        }
        let order = |&(_, grade, created, id): &(usize, Grade, Timestamp, &'a IdKey)| {
            (breach_order(created, grade, target(grade), now), id)
        };
        let mut rows: Vec<OpenIncident> = merge_first(timed, order, limit)
            .into_iter()
            .map(|(b, grade, created, id)| {
                let area = self.area_label(b);
                OpenIncident::new(id.as_str(), area, grade, created, now, target(grade))
            })
            .collect();
        let rest = limit.saturating_sub(rows.len());
        for (b, grade, id) in merge_first(untimed, |&(_, _, id)| id, rest) {
            let id = id.as_str();
            let created = self
                .incidents
                .get(id.as_bytes())
                .map_or(now, |record| record.created);
            rows.push(OpenIncident::new(
                id,
                self.area_label(b),
                grade,
                created,
                now,
                None,
            ));
        }
        TopList { rows, total }
    }
}
