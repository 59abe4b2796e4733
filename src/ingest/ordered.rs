//! Applying a feed file in time order.
//!
//! A file is applied by `at`, ties in file order, so a slightly shuffled recording gives the
//! same figures as a sorted one. Lines wait in a queue kept in time order until the feed's
//! time is more than the reorder horizon past them; a line that arrives later than that is
//! applied where it stands. Memory is therefore bounded by the horizon, not by the file.
//! The feed's time is kept by [`FeedTime`], which one stray line cannot move: a line dated
//! far ahead is held until the feed catches up with it (or, past the end, applied last and
//! not taken as the feed's end). Most feeds are nearly sorted, so the queue is a `VecDeque`
//! where an in-order line is a push at the back and an out-of-order one a short insertion.

use std::collections::VecDeque;
use std::io;

use serde::Serialize;

use super::feed_time::{FeedTime, Placement};
use super::input::FeedInput;
use super::parallel::{ParsePath, ingest_reader_parallel};
use super::positioned::ingest_file_parallel;
use crate::engine::{Applied, Engine};
use crate::feed::lines::{Line, LineReader};
use crate::feed::map::{MapReader, Mapped};
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
    /// Lines dated after the report time (with no report time given: strays past the
    /// feed's end): not applied.
    pub after_at: u64,
    /// Lines more than the reorder horizon from their place (counted among the above too).
    #[serde(skip)]
    pub strays: u64,
    /// The latest `at` among accepted events, strays past the end aside: the feed's end.
    #[serde(skip)]
    pub latest_accepted: Option<Timestamp>,
}

struct Pending {
    at: Timestamp,
    line_number: u64,
    event: Event,
    placement: Placement,
}

/// The line number of a stray line and where it was put.
pub type Stray = (u64, Placement);

/// Feeds lines of a file into an engine in time order, counting what happened to each.
pub struct OrderedIngest {
    engine: Engine,
    horizon: Span,
    until: Option<Timestamp>,
    /// In time order, ties in arrival order.
    pending: VecDeque<Pending>,
    feed_time: FeedTime<(u64, Event)>,
    /// Apply strays past the end rather than count them as after the report time.
    apply_past_end: bool,
    counts: FeedCounts,
    /// The installed input map, reading this file's foreign records; `None`: native lines.
    map: Option<MapReader>,
}

impl OrderedIngest {
    /// `until`: events dated after it are counted as `after_at` and not applied.
    pub fn new(engine: Engine, horizon: Span, until: Option<Timestamp>) -> Self {
        OrderedIngest {
            engine,
            horizon,
            until,
            pending: VecDeque::new(),
            feed_time: FeedTime::new(horizon),
            apply_past_end: false,
            counts: FeedCounts::default(),
            map: MapReader::installed(),
        }
    }

    /// Strays past the end are applied (and judged) rather than left out. Without an
    /// `until`, the report's time is the feed's end, so they are dated after it: a report
    /// leaves them out as `after_at`, as `--at` would (a line dated 2099, applied, would
    /// also make the engine forget everything older than its retention before 2099);
    /// `check` judges every line.
    #[must_use]
    pub(crate) fn applying_strays_past_end(mut self) -> Self {
        self.apply_past_end = true;
        self
    }

    pub fn counts(&self) -> &FeedCounts {
        &self.counts
    }

    /// Takes one physical line; `on_line` hears of every refused line and every stray,
    /// possibly later (a closing event is judged when it is applied).
    pub fn push_line(&mut self, line_number: u64, line: Line<'_>, on_line: &mut impl OnLine) {
        match self.map.as_mut().map(|map| map.read(line)) {
            None => self.push_classified(line_number, classify(line), on_line),
            Some(mapped) => self.push_mapped(line_number, mapped, on_line),
        }
    }

    /// Takes what a map made of one line. Each event counts as a line, so that `lines` is
    /// still `accepted + rejected + duplicates + after_at`; a record the board needs nothing
    /// from is not counted, like a blank line.
    fn push_mapped(&mut self, line_number: u64, mapped: Mapped, on_line: &mut impl OnLine) {
        match mapped {
            Mapped::Blank => {}
            Mapped::Events(events) => {
                for event in events {
                    self.counts.lines += 1;
                    self.push_event(line_number, event, on_line);
                }
            }
            Mapped::Duplicate => {
                self.counts.lines += 1;
                self.counts.duplicates += 1;
            }
            Mapped::Rejected(reason) => {
                self.counts.lines += 1;
                self.reject(line_number, reason, on_line);
            }
        }
    }

    /// Takes one physical line already read by [`classify`] (perhaps on another thread).
    pub(crate) fn push_classified(
        &mut self,
        line_number: u64,
        classified: Classified,
        on_line: &mut impl OnLine,
    ) {
        match classified {
            Classified::Blank => {}
            Classified::Event(event) => {
                self.counts.lines += 1;
                self.push_event(line_number, event, on_line);
            }
            Classified::Rejected(reason) => {
                self.counts.lines += 1;
                self.reject(line_number, reason, on_line);
            }
        }
    }

    /// Takes one parsed event (its line already counted by the caller when not via
    /// [`push_line`](Self::push_line)).
    pub(crate) fn push_event(&mut self, line_number: u64, event: Event, on_line: &mut impl OnLine) {
        if self.until.is_some_and(|until| event.at > until) {
            self.counts.after_at += 1;
            return;
        }
        match self.feed_time.place_at_once(event.at) {
            Some(placement) => queue(
                &mut self.pending,
                Pending {
                    at: event.at,
                    line_number,
                    event,
                    placement,
                },
            ),
            None => self.feed_time.push(
                event.at,
                (line_number, event),
                &mut into_queue(&mut self.pending),
            ),
        }
        self.apply_ready(on_line);
    }

    fn apply_ready(&mut self, on_line: &mut impl OnLine) {
        let Some(now) = self.feed_time.now() else {
            return;
        };
        let ready_until = now - self.horizon;
        while self.pending.front().is_some_and(|p| p.at <= ready_until) {
            self.apply_next(on_line);
        }
    }

    fn reject(&mut self, line_number: u64, reason: Reject, on_line: &mut impl OnLine) {
        self.counts.rejected += 1;
        on_line.rejected(line_number, reason);
    }

    fn apply_next(&mut self, on_line: &mut impl OnLine) {
        let Some(next) = self.pending.pop_front() else {
            return;
        };
        if next.placement.is_stray() {
            self.counts.strays += 1;
            on_line.stray(next.line_number, next.placement);
        }
        let past_end = next.placement == Placement::BeyondEnd;
        if past_end && self.until.is_none() && !self.apply_past_end {
            self.counts.after_at += 1;
            return;
        }
        match self.engine.ingest(next.event) {
            Ok(Applied::Accepted) => {
                self.counts.accepted += 1;
                on_line.accepted(next.at);
                if !past_end && self.counts.latest_accepted.is_none_or(|t| next.at > t) {
                    self.counts.latest_accepted = Some(next.at);
                }
            }
            Ok(Applied::Duplicate) => self.counts.duplicates += 1,
            Err(reason) => self.reject(next.line_number, reason, on_line),
        }
    }

    /// Applies everything still waiting and hands back the engine and the counts.
    pub fn finish(mut self, on_line: &mut impl OnLine) -> (Engine, FeedCounts) {
        let feed_time = std::mem::replace(&mut self.feed_time, FeedTime::new(self.horizon));
        feed_time.finish(self.counts.lines, &mut into_queue(&mut self.pending));
        while !self.pending.is_empty() {
            self.apply_next(on_line);
        }
        (self.engine, self.counts)
    }
}

/// What a reader of the file hears of, line by line.
pub trait OnLine {
    /// A line refused, with its number and why.
    fn rejected(&mut self, line_number: u64, reason: Reject);
    /// A stray line (applied all the same), with where it was put.
    fn stray(&mut self, _line_number: u64, _placement: Placement) {}
    /// An event accepted, with its time (the handover's gaps in the feed).
    fn accepted(&mut self, _at: Timestamp) {}
}

/// Any closure over refused lines is an [`OnLine`] that ignores strays.
impl<F: FnMut(u64, Reject)> OnLine for F {
    fn rejected(&mut self, line_number: u64, reason: Reject) {
        self(line_number, reason);
    }
}

/// What [`FeedTime`] lets go goes into the queue.
fn into_queue(
    pending: &mut VecDeque<Pending>,
) -> impl FnMut(Timestamp, (u64, Event), Placement) + '_ {
    move |at, (line_number, event), placement| {
        queue(
            pending,
            Pending {
                at,
                line_number,
                event,
                placement,
            },
        );
    }
}

/// Puts a line into the queue at its place: after every line at or before its time, so ties
/// stay in the order they came.
fn queue(pending: &mut VecDeque<Pending>, line: Pending) {
    if pending.back().is_none_or(|last| last.at <= line.at) {
        pending.push_back(line);
    } else {
        let position = pending.partition_point(|queued| queued.at <= line.at);
        pending.insert(position, line);
    }
}

/// Reads a whole feed into `engine`, in time order, its lines parsed as
/// [`ParsePath::from_env`] says (by default on two parser threads).
pub fn ingest_reader<'r>(
    input: impl Into<FeedInput<'r>>,
    engine: Engine,
    horizon: Span,
    until: Option<Timestamp>,
    on_line: &mut impl OnLine,
) -> io::Result<(Engine, FeedCounts)> {
    ingest_reader_on(
        ParsePath::from_env(),
        input,
        engine,
        horizon,
        until,
        on_line,
    )
}

/// [`ingest_reader`] on a given path. Both give the same engine, counts and calls to
/// `on_line`: the parallel path only parses lines elsewhere, and applies them in file order.
pub fn ingest_reader_on<'r>(
    path: ParsePath,
    input: impl Into<FeedInput<'r>>,
    engine: Engine,
    horizon: Span,
    until: Option<Timestamp>,
    on_line: &mut impl OnLine,
) -> io::Result<(Engine, FeedCounts)> {
    read_whole(
        path,
        input.into(),
        OrderedIngest::new(engine, horizon, until),
        on_line,
    )
}

/// Reads a whole feed from `input` into `ingest` on `path` (a feed read through an input
/// map on the calling thread) and finishes it.
pub(crate) fn read_whole(
    path: ParsePath,
    input: FeedInput<'_>,
    mut ingest: OrderedIngest,
    on_line: &mut impl OnLine,
) -> io::Result<(Engine, FeedCounts)> {
    if let ParsePath::Parallel {
        threads,
        chunk_bytes,
    } = path
        && ingest.map.is_none()
    {
        return match input {
            FeedInput::File { file, len } => {
                ingest_file_parallel(&file, len, ingest, on_line, threads, chunk_bytes)
            }
            FeedInput::Stream(reader) => {
                ingest_reader_parallel(reader, ingest, on_line, threads, chunk_bytes)
            }
        };
    }
    let mut lines = LineReader::new(input.into_stream());
    while let Some((number, line)) = lines.next_line()? {
        ingest.push_line(number, line, on_line);
    }
    Ok(ingest.finish(on_line))
}
