//! Applying a feed file in time order.
//!
//! A file is applied by `at`, ties in file order, so a slightly shuffled recording gives the
//! same figures as a sorted one. Lines wait in a queue kept in time order until the latest
//! time read is more than the reorder horizon past them; a line that arrives later than that
//! is applied where it stands. Memory is therefore bounded by the horizon, not by the file.
//! Most feeds are nearly sorted, so the queue is a `VecDeque` where an in-order line is a
//! push at the back and an out-of-order one a short insertion.

use std::collections::VecDeque;
use std::io::{self, BufRead};

use serde::Serialize;

use crate::engine::{Applied, Engine};
use crate::feed::lines::{Line, LineReader};
use crate::feed::parse::{Classified, classify};
use crate::model::{Event, Reject};
use crate::time::{Span, Timestamp};

/// Line counts: `lines = accepted + rejected + duplicates + after_at` (blank lines aside).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FeedCounts {
    /// Non-blank lines read.
    pub lines: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub duplicates: u64,
    /// Lines dated after the report time: not applied.
    pub after_at: u64,
    /// The latest `at` among accepted events.
    #[serde(skip)]
    pub latest_accepted: Option<Timestamp>,
}

struct Pending {
    at: Timestamp,
    line_number: u64,
    event: Event,
}

/// Feeds lines of a file into an engine in time order, counting what happened to each.
pub struct OrderedIngest {
    engine: Engine,
    horizon: Span,
    until: Option<Timestamp>,
    /// In time order, ties in arrival order.
    pending: VecDeque<Pending>,
    latest_read: Option<Timestamp>,
    counts: FeedCounts,
}

impl OrderedIngest {
    /// `until`: events dated after it are counted as `after_at` and not applied.
    pub fn new(engine: Engine, horizon: Span, until: Option<Timestamp>) -> Self {
        OrderedIngest {
            engine,
            horizon,
            until,
            pending: VecDeque::new(),
            latest_read: None,
            counts: FeedCounts::default(),
        }
    }

    pub fn counts(&self) -> &FeedCounts {
        &self.counts
    }

    /// Takes one physical line; `on_reject` hears of every refused line, possibly later
    /// (a closing event is judged when it is applied).
    pub fn push_line(
        &mut self,
        line_number: u64,
        line: Line<'_>,
        on_reject: &mut impl FnMut(u64, Reject),
    ) {
        match classify(line) {
            Classified::Blank => {}
            Classified::Event(event) => {
                self.counts.lines += 1;
                self.push_event(line_number, event, on_reject);
            }
            Classified::Rejected(reason) => {
                self.counts.lines += 1;
                self.reject(line_number, reason, on_reject);
            }
        }
    }

    /// Takes one parsed event (its line already counted by the caller when not via
    /// [`push_line`](Self::push_line)).
    pub fn push_event(
        &mut self,
        line_number: u64,
        event: Event,
        on_reject: &mut impl FnMut(u64, Reject),
    ) {
        if self.until.is_some_and(|until| event.at > until) {
            self.counts.after_at += 1;
            return;
        }
        let at = event.at;
        let pending = Pending {
            at,
            line_number,
            event,
        };
        if self.pending.back().is_none_or(|last| last.at <= at) {
            self.pending.push_back(pending);
        } else {
            // After every queued line at or before this time: ties stay in file order.
            let position = self.pending.partition_point(|queued| queued.at <= at);
            self.pending.insert(position, pending);
        }
        let latest = self.latest_read.map_or(at, |latest| latest.max(at));
        self.latest_read = Some(latest);
        let ready_until = latest - self.horizon;
        while self.pending.front().is_some_and(|p| p.at <= ready_until) {
            self.apply_next(on_reject);
        }
    }

    fn reject(
        &mut self,
        line_number: u64,
        reason: Reject,
        on_reject: &mut impl FnMut(u64, Reject),
    ) {
        self.counts.rejected += 1;
        on_reject(line_number, reason);
    }

    fn apply_next(&mut self, on_reject: &mut impl FnMut(u64, Reject)) {
        let Some(next) = self.pending.pop_front() else {
            return;
        };
        match self.engine.ingest(next.event) {
            Ok(Applied::Accepted) => {
                self.counts.accepted += 1;
                if self.counts.latest_accepted.is_none_or(|t| next.at > t) {
                    self.counts.latest_accepted = Some(next.at);
                }
            }
            Ok(Applied::Duplicate) => self.counts.duplicates += 1,
            Err(reason) => self.reject(next.line_number, reason, on_reject),
        }
    }

    /// Applies everything still waiting and hands back the engine and the counts.
    pub fn finish(mut self, on_reject: &mut impl FnMut(u64, Reject)) -> (Engine, FeedCounts) {
        while !self.pending.is_empty() {
            self.apply_next(on_reject);
        }
        (self.engine, self.counts)
    }
}

/// Reads a whole feed from `reader` into `engine`, in time order.
pub fn ingest_reader(
    reader: impl BufRead,
    engine: Engine,
    horizon: Span,
    until: Option<Timestamp>,
    on_reject: &mut impl FnMut(u64, Reject),
) -> io::Result<(Engine, FeedCounts)> {
    let mut lines = LineReader::new(reader);
    let mut ingest = OrderedIngest::new(engine, horizon, until);
    while let Some((number, line)) = lines.next_line()? {
        ingest.push_line(number, line, on_reject);
    }
    Ok(ingest.finish(on_reject))
}
