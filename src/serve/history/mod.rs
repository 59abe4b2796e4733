//! The one shared history of lines sent, which every client reads through a cursor: the
//! backlog for late joiners, and the live lines not every client has taken yet.
//!
//! Events are numbered in the order sent (their sequence number). Heartbeats are numbered
//! apart, each remembering how many events preceded it. A client's [`Cursor`] is a few
//! numbers, so a client costs the server no copy of anything.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use tracing::warn;

use super::lines::{Key, Role};
use super::{MAX_BACKLOG_LINES, MAX_OLD_OPEN};
use crate::time::{Span, Timestamp};

struct Entry {
    /// Its served time (its `at`).
    at: Timestamp,
    line: Arc<str>,
    /// For an opening, until it leaves the backlog: its id, to tell whether it is still
    /// open then.
    opens: Option<Key>,
    /// For a cancellation: its incident's creation's sequence number. A joiner whose
    /// backlog starts after the creation is not sent the cancellation in its backlog.
    cancels: Option<u64>,
}

struct OldOpening {
    key: Key,
    line: Arc<str>,
    /// The sequence number of its closing line once closed: joiners that came before the
    /// close and have not reached it yet still send it (they will send the close too).
    closed_at: Option<u64>,
}

struct Beat {
    /// How many events were sent before it.
    after: u64,
    line: Arc<str>,
}

/// Where one client is: what it has taken from the history so far.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cursor {
    /// While sending old openings: the sequence number of the next one to look at.
    old: Option<u64>,
    /// The first event of its backlog (older ones it gets only as old openings).
    backlog_start: u64,
    /// The first event sent after it joined: from here on it gets every line.
    joined_at: u64,
    /// The next event to take.
    next: u64,
    /// The next heartbeat to take.
    next_beat: u64,
}

impl Cursor {
    /// Still taking lines that were sent before it joined.
    pub(super) fn in_backlog(&self) -> bool {
        self.old.is_some() || self.next < self.joined_at
    }
}

/// What [`History::take`] found for a client.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Taken {
    /// Lines were added (or the client is level with the newest line).
    Lines,
    /// Lines it still needed were let go: it fell too far behind.
    FellBehind,
}

pub(super) struct History {
    entries: VecDeque<Entry>,
    /// The sequence number of `entries[0]`.
    front_seq: u64,
    /// Where a client joining now starts its backlog. Older entries are kept only while
    /// a client still needs them.
    backlog_seq: u64,
    backlog: Span,
    /// Lines behind the newest kept for clients in the live stream.
    live_depth: u64,
    /// No entry at or after this is let go: the lowest cursor of a client still taking
    /// its backlog (a bound: it may be lower than that).
    pin: u64,
    /// Every id open now, with its opening's sequence number.
    open: HashMap<Key, u64>,
    /// Openings that left the backlog while still open, by sequence number.
    old_open: BTreeMap<u64, OldOpening>,
    /// Old openings closed since they were last cleared away.
    closed_old: Vec<u64>,
    beats: VecDeque<Beat>,
    /// The number of `beats[0]`.
    first_beat: u64,
    warned_cap: bool,
}

impl History {
    pub(super) fn new(backlog: Span, live_depth: usize) -> History {
        History {
            entries: VecDeque::new(),
            front_seq: 0,
            backlog_seq: 0,
            backlog,
            live_depth: live_depth.max(1) as u64,
            pin: u64::MAX,
            open: HashMap::new(),
            old_open: BTreeMap::new(),
            closed_old: Vec::new(),
            beats: VecDeque::new(),
            first_beat: 0,
            warned_cap: false,
        }
    }

    fn next_seq(&self) -> u64 {
        self.front_seq + self.entries.len() as u64
    }

    fn beat_end(&self) -> u64 {
        self.first_beat + self.beats.len() as u64
    }

    /// A cursor for a client joining now: old openings, the backlog, then everything new.
    /// How many lines its backlog holds is the second value.
    pub(super) fn join(&mut self) -> (Cursor, usize) {
        let backlog_start = self.backlog_seq;
        if backlog_start < self.next_seq() {
            self.pin = self.pin.min(backlog_start);
        }
        let cursor = Cursor {
            old: Some(0),
            backlog_start,
            joined_at: self.next_seq(),
            next: backlog_start,
            next_beat: self.beat_end(),
        };
        let lines = self.old_open.range(..backlog_start).count() as u64
            + (cursor.joined_at - backlog_start);
        (cursor, usize::try_from(lines).unwrap_or(usize::MAX))
    }

    /// Lines sent since `cursor` joined that it has not taken: more than the live depth,
    /// and it is too slow.
    pub(super) fn waiting_live(&self, cursor: &Cursor) -> u64 {
        let events = self.next_seq() - cursor.next.max(cursor.joined_at);
        events + self.beat_end().saturating_sub(cursor.next_beat)
    }

    /// Whether `cursor` has anything left to take.
    pub(super) fn has_waiting(&self, cursor: &Cursor) -> bool {
        cursor.in_backlog() || cursor.next < self.next_seq() || cursor.next_beat < self.beat_end()
    }

    /// Adds to `out` the lines `cursor` takes next, in order, until about `limit` bytes.
    pub(super) fn take(&self, cursor: &mut Cursor, out: &mut Vec<Arc<str>>, limit: usize) -> Taken {
        let mut bytes = 0;
        if let Some(from) = cursor.old {
            cursor.old = None;
            let still_open = self
                .old_open
                .range(from..cursor.backlog_start)
                .filter(|(_, old)| {
                    old.closed_at
                        .is_none_or(|closed| closed >= cursor.joined_at)
                });
            for (&seq, old) in still_open {
                if bytes >= limit {
                    cursor.old = Some(seq);
                    return Taken::Lines;
                }
                bytes += old.line.len();
                out.push(old.line.clone());
            }
        }
        while bytes < limit {
            if let Some(beat) = self.beat_for(cursor) {
                bytes += beat.len();
                out.push(beat.clone());
                cursor.next_beat += 1;
                continue;
            }
            if cursor.next >= self.next_seq() {
                break;
            }
            let Some(entry) = cursor
                .next
                .checked_sub(self.front_seq)
                .and_then(|index| usize::try_from(index).ok())
                .and_then(|index| self.entries.get(index))
            else {
                return Taken::FellBehind;
            };
            let seq = cursor.next;
            cursor.next += 1;
            let before_join = seq < cursor.joined_at;
            if before_join
                && entry
                    .cancels
                    .is_some_and(|opened| opened < cursor.backlog_start)
            {
                continue;
            }
            bytes += entry.line.len();
            out.push(entry.line.clone());
        }
        Taken::Lines
    }

    /// The heartbeat `cursor` takes before its next event, if one is due.
    fn beat_for(&self, cursor: &mut Cursor) -> Option<&Arc<str>> {
        // Heartbeats it missed were let go: it is too slow, and about to be dropped.
        cursor.next_beat = cursor.next_beat.max(self.first_beat);
        let beat = self
            .beats
            .get(usize::try_from(cursor.next_beat - self.first_beat).ok()?)?;
        (beat.after <= cursor.next).then_some(&beat.line)
    }

    /// Keeps a heartbeat for the clients to take.
    pub(super) fn push_beat(&mut self, line: Arc<str>) {
        let after = self.next_seq();
        self.beats.push_back(Beat { after, line });
        while self.beats.len() as u64 > self.live_depth {
            self.beats.pop_front();
            self.first_beat += 1;
        }
    }

    /// Keeps an event's line dated `at` (served time) for the clients to take; `false` if
    /// it must not be sent (a cancellation whose creation was never sent).
    pub(super) fn push(&mut self, at: Timestamp, line: Arc<str>, role: Role) -> bool {
        let seq = self.next_seq();
        let mut opens = None;
        let mut cancels = None;
        match role {
            Role::Open(key) => {
                self.open.insert(key.clone(), seq);
                opens = Some(key);
            }
            Role::Close(key) => {
                if let Some(opened) = self.open.remove(&key) {
                    self.close_old(opened, seq);
                }
            }
            Role::Note => {}
            Role::Cancel(key) => match self.open.remove(&key) {
                // Its creation was never sent (before the start of a later pass): no
                // board could match it.
                None => return false,
                Some(opened) => {
                    self.close_old(opened, seq);
                    cancels = Some(opened);
                }
            },
        }
        self.entries.push_back(Entry {
            at,
            line,
            opens,
            cancels,
        });
        self.trim(at);
        true
    }

    fn close_old(&mut self, opened: u64, closed: u64) {
        if let Some(old) = self.old_open.get_mut(&opened) {
            old.closed_at = Some(closed);
            self.closed_old.push(opened);
        }
    }

    /// Moves the backlog's start past lines older than the backlog (keeping openings still
    /// open), then lets go of entries no client needs.
    fn trim(&mut self, now: Timestamp) {
        let cutoff = now - self.backlog;
        while let Some(index) = self.backlog_seq.checked_sub(self.front_seq) {
            let over_cap = self.next_seq() - self.backlog_seq > MAX_BACKLOG_LINES as u64;
            let Some(entry) = usize::try_from(index)
                .ok()
                .and_then(|index| self.entries.get_mut(index))
            else {
                break;
            };
            if entry.at > cutoff && !over_cap {
                break;
            }
            if over_cap && !self.warned_cap {
                self.warned_cap = true;
                warn!(
                    lines = MAX_BACKLOG_LINES,
                    "backlog full: late joiners get only the most recent lines"
                );
            }
            let seq = self.backlog_seq;
            self.backlog_seq += 1;
            if let Some(key) = entry.opens.take()
                && self.open.get(&key) == Some(&seq)
            {
                let line = entry.line.clone();
                self.keep_old_opening(seq, key, line);
            }
        }
        self.let_go();
    }

    fn keep_old_opening(&mut self, seq: u64, key: Key, line: Arc<str>) {
        let old = OldOpening {
            key,
            line,
            closed_at: None,
        };
        self.old_open.insert(seq, old);
        if self.old_open.len() > MAX_OLD_OPEN
            && let Some((_, evicted)) = self.old_open.pop_first()
            && evicted.closed_at.is_none()
        {
            self.open.remove(&evicted.key);
        }
    }

    /// Lets go of entries before the backlog that are neither within the live depth nor
    /// pinned by a client taking its backlog.
    fn let_go(&mut self) {
        let live_from = self.next_seq().saturating_sub(self.live_depth);
        let keep_from = self.backlog_seq.min(live_from).min(self.pin);
        while self.front_seq < keep_from && self.entries.pop_front().is_some() {
            self.front_seq += 1;
        }
    }

    /// Called with every client's cursor now and then: sets the pin to the lowest cursor
    /// still taking its backlog, and clears away old openings closed before every client
    /// still sending old openings joined.
    pub(super) fn tidy<'a>(&mut self, cursors: impl Iterator<Item = &'a Cursor>) {
        let mut pin = u64::MAX;
        let mut earliest_old_reader = u64::MAX;
        for cursor in cursors {
            if cursor.next < cursor.joined_at {
                pin = pin.min(cursor.next);
            }
            if cursor.old.is_some() {
                earliest_old_reader = earliest_old_reader.min(cursor.joined_at);
            }
        }
        self.pin = pin;
        let old_open = &mut self.old_open;
        self.closed_old.retain(|seq| {
            let Some(old) = old_open.get(seq) else {
                return false;
            };
            let needed = old
                .closed_at
                .is_some_and(|closed| closed >= earliest_old_reader);
            if !needed {
                old_open.remove(seq);
            }
            needed
        });
        self.let_go();
    }
}

#[cfg(test)]
mod tests;
