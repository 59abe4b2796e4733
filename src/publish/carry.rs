//! What `publish` keeps for boards started late (see
//! [`carried`](crate::feed::source::nats::carried)): the time index, and the lines of
//! every call and incident whose life crosses the start of a board's backfill.
//!
//! Each stored line is recorded here with its place in the stream (its message's sequence
//! and its place in the message), in stream order. An item is followed from its first
//! line; once that line is older than the backfill (and the margin), the item is either
//! done with — finished before the backfill begins, so no board needs it — or carried: its
//! lines written to the bucket, and each line it gets after, until it too finishes before
//! the backfill begins. An item open for days stays carried for days: a board started at
//! any moment shows it.
//!
//! Lines are written in records of many items' lines (up to [`RECORD_LINES`]), each under
//! a key of its own: on a recording longer than a day every call and incident is carried
//! once (each crosses the backfill start of a board started at some moment), and one
//! write per item was most of what a `publish` cost (performance doc §44). A record is
//! written when full, before a purge, when the generation changes, and whenever the
//! publisher has nothing more in flight ([`Carry::flush`]), so live a carried line is in
//! the bucket as soon as its message is stored.
//!
//! A record is written under the generation of the feed's time it was written at (its
//! half hour). Nothing is deleted item by item: once a generation has ended half an hour
//! ago, the items with lines in it still carried are written again, whole, under the
//! current one and the whole generation is purged with one request — a purge is a
//! JetStream API request that costs the server about twenty times a message, and one per
//! call made it the limit of a `publish` (§35). Until then a finished item's lines, and
//! the older copies of an item written again, stay in the bucket (up to an hour): a board
//! reads every record and keeps each line once, so it reads nothing it would not have
//! read anyway.
//!
//! The feed's time is its events' own (the latest `at` seen), so a recording published in
//! one go carries what a day published live would; a line dated ahead of the publisher's
//! clock does not move it beyond that clock.
//!
//! Pure: what to write to the bucket is returned, and written by the caller.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet, VecDeque};

use bytes::Bytes;

use crate::feed::source::nats::carried::{
    CARRY_MARGIN, ItemKind, TimeIndex, encode_lines, generation_filter, index_key, record_key,
    step_of,
};
use crate::feed::source::nats::message_lines::StreamPosition;
use crate::model::{CallOutcome, Event, EventBody, FeedText};
use crate::time::{Span, Timestamp};

/// An answered call with no `call_ended` is done with this long after its answer: the
/// handle times look back an hour.
const ANSWERED_LIFE: Span = Span::HOUR;

/// A generation that began more than this before the current one is swept: its carried items
/// written again under the current one, its keys purged at once. Most items finish well
/// within it, so are written once.
const GENERATION_LIFE: Span = Span::from_mins(30);

/// How much of the feed's time one generation spans.
const GENERATION_STEP: Span = Span::from_mins(30);

/// The generation `at` is in: the start of its [`GENERATION_STEP`], in Unix seconds.
fn generation_of(at: Timestamp) -> i64 {
    let step_s = GENERATION_STEP.whole_secs();
    at.nanos()
        .div_euclid(Span::SECOND.nanos())
        .div_euclid(step_s)
        .saturating_mul(step_s)
}

/// The generation of items taken up from a bucket written before generations: swept
/// (written again) at the first step.
const UNWRITTEN: i64 = i64::MIN;

/// The most lines in one record of the bucket.
pub(crate) const RECORD_LINES: usize = 256;

/// A record is written once its lines pass this many bytes.
const RECORD_BYTES: usize = 32 * 1024;

/// A write to the bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CarryWrite {
    Put {
        key: String,
        value: Bytes,
    },
    /// Purges `key`: one key, or a subject filter (a whole generation).
    Delete {
        key: String,
    },
}

/// One call or incident followed.
#[derive(Debug)]
struct Item {
    first_at: Timestamp,
    /// Its lines with their places in the stream, in stream order.
    lines: Vec<CarriedLine>,
    /// When an answered call stops needing its `call_ended`.
    answered_at: Option<Timestamp>,
    /// When it was abandoned, ended, attended or cancelled.
    closed_at: Option<Timestamp>,
    carried: bool,
    /// The oldest generation holding any of its lines in the bucket, once carried: when
    /// that one is purged, the item is written again whole.
    generation: Option<i64>,
}

impl Item {
    /// When nothing more can change its figures.
    fn finished_at(&self) -> Option<Timestamp> {
        self.closed_at
            .or(self.answered_at.map(|answered| answered + ANSWERED_LIFE))
    }
}

type ItemId = (ItemKind, FeedText);

/// A line kept for the bucket, with its place in the stream.
type CarriedLine = (StreamPosition, Box<str>);

/// What a board started late needs, kept up to date line by line.
#[derive(Debug)]
pub(crate) struct Carry {
    subject: String,
    /// The longest backfill of a board (its largest window and the pairing grace).
    backfill: Span,
    /// A call open longer than this can only be refused when it closes.
    call_life: Span,
    stream_created: i64,
    /// The feed's time: the latest `at` recorded, held to the publisher's clock.
    latest: Option<Timestamp>,
    /// The place of the last line recorded.
    last_position: StreamPosition,
    items: HashMap<ItemId, Item>,
    /// Items not yet carried or done with, by their first line's time.
    aging: BinaryHeap<Reverse<(Timestamp, ItemId)>>,
    carried: HashSet<ItemId>,
    /// Each generation in the bucket and the carried items whose oldest lines are in it (a
    /// generation of old copies only is still there to purge).
    generations: BTreeMap<i64, HashSet<ItemId>>,
    /// The record being gathered: its generation and lines.
    record: Option<(i64, Vec<CarriedLine>)>,
    /// Its lines' bytes.
    record_bytes: usize,
    /// This publisher's records are named `RUN-NUMBER`: another run's keys are never
    /// written over.
    run: u64,
    records_written: u64,
    /// Keys taken up from a bucket written before generations, purged once their items
    /// are written again.
    legacy_keys: Vec<String>,
    index: VecDeque<(i64, u64)>,
}

impl Carry {
    /// `run` names this publisher's records (its start, in nanoseconds: another run's
    /// differs).
    pub(crate) fn new(
        subject: &str,
        backfill: Span,
        call_life: Span,
        (stream_created, run): (i64, u64),
    ) -> Carry {
        Carry {
            subject: subject.to_string(),
            backfill,
            call_life,
            stream_created,
            latest: None,
            last_position: StreamPosition::first_of(0),
            items: HashMap::new(),
            aging: BinaryHeap::new(),
            carried: HashSet::new(),
            generations: BTreeMap::new(),
            record: None,
            record_bytes: 0,
            run,
            records_written: 0,
            legacy_keys: Vec::new(),
            index: VecDeque::new(),
        }
    }

    /// The index as stored, to take up again after a restart.
    pub(crate) fn resume_index(&mut self, index: &TimeIndex) {
        if index.stream_created == self.stream_created {
            self.index = index.steps.iter().copied().collect();
        }
    }

    /// The sequence a restarted publisher reads the stream again from, to follow again
    /// the items not yet carried: the index step before the oldest an item may be in.
    pub(crate) fn replay_from(&self) -> Option<u64> {
        let (newest, _) = self.index.back()?;
        let horizon = newest.saturating_sub((self.backfill + CARRY_MARGIN).whole_secs());
        self.index
            .iter()
            .rev()
            .find(|(start, _)| *start <= horizon)
            .or(self.index.front())
            .map(|(_, sequence)| *sequence)
    }

    /// A line the bucket holds, taken up again after a restart: lines come in stream
    /// order, each with the generation it was written in (`None`: before generations; its
    /// item is written again at the first step). An item's lines may be in several
    /// generations: it is written again whole when the oldest is swept.
    pub(crate) fn resume_line(
        &mut self,
        (position, event, line): (StreamPosition, &Event, &str),
        generation: Option<i64>,
    ) {
        let generation = generation.unwrap_or(UNWRITTEN);
        self.generations.entry(generation).or_default();
        let Some(id) = item_of(event) else { return };
        self.follow(&id, position, event, line);
        let Some(item) = self.items.get_mut(&id) else {
            return;
        };
        item.carried = true;
        if item.generation.is_none_or(|known| generation < known) {
            if let Some(known) = item.generation
                && let Some(ids) = self.generations.get_mut(&known)
            {
                ids.remove(&id);
            }
            item.generation = Some(generation);
            self.generations
                .entry(generation)
                .or_default()
                .insert(id.clone());
        }
        self.carried.insert(id);
    }

    /// A key of a bucket written before generations, to purge at the first sweep.
    pub(crate) fn resume_legacy_key(&mut self, key: &str) {
        self.legacy_keys.push(key.to_string());
    }

    /// Items whose first line is older than this (the newest a board's backfill can
    /// start at) may be needed by a board: carried, unless finished before the oldest.
    fn carry_horizon(&self, latest: Timestamp) -> Timestamp {
        latest - (self.backfill - CARRY_MARGIN).max(Span::ZERO)
    }

    /// The oldest a board's backfill can start at: an item finished before it is needed
    /// by no board.
    fn forget_horizon(&self, latest: Timestamp) -> Timestamp {
        latest - (self.backfill + CARRY_MARGIN)
    }

    /// Records the line stored at `position`, `event` as `line`; `now` is the publisher's
    /// clock.
    pub(crate) fn record(
        &mut self,
        position: StreamPosition,
        event: &Event,
        line: &str,
        now: Timestamp,
    ) -> Vec<CarryWrite> {
        let mut writes = Vec::new();
        // A message acked twice (a duplicate) comes with the sequence it was stored at.
        if position <= self.last_position {
            return writes;
        }
        self.last_position = position;
        let at = event.at.min(now + Span::MINUTE);
        let moved = self.latest.is_none_or(|latest| at > latest);
        let mut new_step = false;
        if moved {
            self.latest = Some(at);
            new_step = self.step(at, position.sequence, &mut writes);
        }
        if let Some(id) = item_of(event)
            && self.follow(&id, position, event, line)
            && self.carried.contains(&id)
        {
            self.add_to_record(position, line.into(), &mut writes);
        }
        if moved {
            self.age(&mut writes);
        }
        // The carried items are looked over once a step (five minutes of the feed's time),
        // not on every line.
        if new_step {
            self.forget_finished();
            self.sweep(&mut writes);
        }
        writes
    }

    /// Adds a step to the index when `at` begins one (`true`), dropping steps no
    /// backfill needs.
    fn step(&mut self, at: Timestamp, sequence: u64, writes: &mut Vec<CarryWrite>) -> bool {
        let step = step_of(at);
        if self.index.back().is_some_and(|(last, _)| *last >= step) {
            return false;
        }
        self.index.push_back((step, sequence));
        // The oldest step kept is the newest at or before the horizon.
        let horizon = step.saturating_sub((self.backfill + CARRY_MARGIN).whole_secs());
        while self
            .index
            .get(1)
            .is_some_and(|(start, _)| *start <= horizon)
        {
            self.index.pop_front();
        }
        let index = TimeIndex {
            stream_created: self.stream_created,
            backfill_s: self.backfill.whole_secs(),
            steps: self.index.iter().copied().collect(),
        };
        writes.push(CarryWrite::Put {
            key: index_key(&self.subject),
            value: index.to_bytes(),
        });
        true
    }

    /// Follows `id` with this line; `false` if it was not taken (an item's line seen
    /// already, or a close of nothing followed).
    fn follow(&mut self, id: &ItemId, position: StreamPosition, event: &Event, line: &str) -> bool {
        let first_at = match &event.body {
            EventBody::CallClosed { offered_at, .. } => offered_at.unwrap_or(event.at),
            _ => event.at,
        };
        let opens = matches!(
            event.body,
            EventBody::CallOffered { .. }
                | EventBody::CallClosed { .. }
                | EventBody::IncidentCreated { .. }
                | EventBody::IncidentClosed { .. }
        );
        let item = match self.items.get_mut(id) {
            Some(item) => item,
            // A `call_ended` alone opens nothing: the engine refuses it as unmatched.
            None if !opens => return false,
            None => {
                self.aging.push(Reverse((first_at, id.clone())));
                self.items.entry(id.clone()).or_insert(Item {
                    first_at,
                    lines: Vec::new(),
                    answered_at: None,
                    closed_at: None,
                    carried: false,
                    generation: None,
                })
            }
        };
        if item.lines.last().is_some_and(|(last, _)| *last >= position) {
            return false;
        }
        item.lines.push((position, line.into()));
        match &event.body {
            EventBody::CallClosed {
                outcome: CallOutcome::Answered,
                ..
            } => {
                item.answered_at.get_or_insert(event.at);
            }
            EventBody::CallClosed { .. }
            | EventBody::CallEnded { .. }
            | EventBody::IncidentClosed { .. } => {
                item.closed_at.get_or_insert(event.at);
            }
            _ => {}
        }
        true
    }

    /// Carries or forgets the items whose first line has passed the horizon.
    fn age(&mut self, writes: &mut Vec<CarryWrite>) {
        let Some(latest) = self.latest else { return };
        let (carry_horizon, horizon) = (self.carry_horizon(latest), self.forget_horizon(latest));
        while let Some(Reverse((first_at, _))) = self.aging.peek()
            && *first_at < carry_horizon
        {
            let Some(Reverse((_, id))) = self.aging.pop() else {
                break;
            };
            let Some(item) = self.items.get_mut(&id) else {
                continue;
            };
            if item
                .finished_at()
                .is_some_and(|finished| finished < horizon)
            {
                self.items.remove(&id);
            } else if !item.carried {
                item.carried = true;
                self.carried.insert(id.clone());
                self.carry_whole(&id, writes);
            }
        }
    }

    /// Forgets the carried items finished before the horizon, and the calls open so long
    /// that any close would be refused. Their copies go with their generations (`sweep`).
    fn forget_finished(&mut self) {
        let Some(latest) = self.latest else { return };
        let horizon = self.forget_horizon(latest);
        let call_line = latest - self.call_life;
        let done: Vec<ItemId> = self
            .carried
            .iter()
            .filter(|id| {
                self.items.get(*id).is_none_or(|item| {
                    item.finished_at()
                        .is_some_and(|finished| finished < horizon)
                        || (id.0 == ItemKind::Call
                            && item.answered_at.is_none()
                            && item.closed_at.is_none()
                            && item.first_at < call_line)
                })
            })
            .cloned()
            .collect();
        for id in done {
            self.carried.remove(&id);
            if let Some(item) = self.items.remove(&id)
                && let Some(ids) = item.generation.and_then(|g| self.generations.get_mut(&g))
            {
                ids.remove(&id);
            }
        }
    }

    /// Every generation that began more than [`GENERATION_LIFE`] before the current one (so
    /// ended half an hour ago or more): the items still carried whose oldest lines are in
    /// it are written again, whole, under the current generation, then the generation is
    /// purged — after those writes, as the bucket's writer does a batch's purges once its
    /// writes are stored, and a batch before the next.
    fn sweep(&mut self, writes: &mut Vec<CarryWrite>) {
        let Some(current) = self.latest.map(generation_of) else {
            return;
        };
        let oldest_kept = current.saturating_sub(GENERATION_LIFE.whole_secs());
        let old: Vec<i64> = self
            .generations
            .range(..oldest_kept)
            .map(|(generation, _)| *generation)
            .collect();
        if old.is_empty() {
            return;
        }
        for &generation in &old {
            let ids = self.generations.remove(&generation).unwrap_or_default();
            let mut ids: Vec<ItemId> = ids.into_iter().collect();
            ids.sort();
            for id in ids {
                self.carry_whole(&id, writes);
            }
        }
        self.flush_into(writes);
        for generation in old {
            if generation == UNWRITTEN {
                writes.extend(
                    self.legacy_keys
                        .drain(..)
                        .map(|key| CarryWrite::Delete { key }),
                );
            } else {
                writes.push(CarryWrite::Delete {
                    key: generation_filter(&self.subject, generation),
                });
            }
        }
    }

    /// Every line of the item into the record, under the current generation (the feed's
    /// latest step), which becomes the oldest holding its lines.
    fn carry_whole(&mut self, id: &ItemId, writes: &mut Vec<CarryWrite>) {
        let generation = self.latest.map_or(UNWRITTEN, generation_of);
        let Some(item) = self.items.get_mut(id) else {
            return;
        };
        if item.generation != Some(generation) {
            if let Some(old) = item.generation
                && let Some(ids) = self.generations.get_mut(&old)
            {
                ids.remove(id);
            }
            item.generation = Some(generation);
        }
        let lines = item.lines.clone();
        self.generations
            .entry(generation)
            .or_default()
            .insert(id.clone());
        for (position, line) in lines {
            self.add_to_record(position, line, writes);
        }
    }

    /// A line into the record being gathered, under the current generation: a record of
    /// another generation is written first, and a full one after.
    fn add_to_record(
        &mut self,
        position: StreamPosition,
        line: Box<str>,
        writes: &mut Vec<CarryWrite>,
    ) {
        let generation = self.latest.map_or(UNWRITTEN, generation_of);
        if self
            .record
            .as_ref()
            .is_some_and(|(of, _)| *of != generation)
        {
            self.flush_into(writes);
        }
        self.record_bytes = self.record_bytes.saturating_add(line.len());
        let (_, lines) = self.record.get_or_insert_with(|| (generation, Vec::new()));
        lines.push((position, line));
        if lines.len() >= RECORD_LINES || self.record_bytes >= RECORD_BYTES {
            self.flush_into(writes);
        }
    }

    /// The record gathered so far, to write now: the publisher calls this when it has
    /// nothing more in flight, so the bucket is up to date whenever the stream is.
    pub(crate) fn flush(&mut self) -> Vec<CarryWrite> {
        let mut writes = Vec::new();
        self.flush_into(&mut writes);
        writes
    }

    fn flush_into(&mut self, writes: &mut Vec<CarryWrite>) {
        let Some((generation, mut lines)) = self.record.take() else {
            return;
        };
        self.record_bytes = 0;
        // An item written whole just after one of its lines holds that line twice.
        lines.sort_by_key(|(position, _)| *position);
        lines.dedup_by_key(|(position, _)| *position);
        let number = self.records_written;
        self.records_written = self.records_written.saturating_add(1);
        writes.push(CarryWrite::Put {
            key: record_key(&self.subject, generation, (self.run, number)),
            value: encode_lines(lines.iter().map(|(position, line)| (*position, &**line))),
        });
    }

    #[cfg(test)]
    fn carried_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.carried.iter().map(|(_, id)| id.to_string()).collect();
        ids.sort();
        ids
    }
}

/// The call or incident `event` belongs to, if any.
fn item_of(event: &Event) -> Option<ItemId> {
    match &event.body {
        EventBody::CallOffered { id, .. }
        | EventBody::CallClosed { id, .. }
        | EventBody::CallEnded { id } => Some((ItemKind::Call, id.clone())),
        EventBody::IncidentCreated { id, .. } | EventBody::IncidentClosed { id, .. } => {
            Some((ItemKind::Incident, id.clone()))
        }
        EventBody::Heartbeat { .. } | EventBody::Staffing { .. } => None,
    }
}

#[cfg(test)]
#[path = "carry_tests.rs"]
mod tests;
