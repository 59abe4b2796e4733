//! Playing a recorded feed on a virtual clock (the demo, and replay).
//!
//! Pure: the wall clock is always passed in as nanoseconds, so speed, pause and seek are
//! testable to the nanosecond.

use std::io::{self, BufRead};

use crate::feed::lines::LineReader;
use crate::feed::parse::{Classified, classify};
use crate::model::{Event, Reject};
use crate::time::Nanos;

/// The fastest and slowest replay speeds.
pub const MIN_SPEED: f64 = 0.1;
pub const MAX_SPEED: f64 = 10_000.0;

/// Virtual time that runs at `speed` × the wall clock, and can be paused and moved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VirtualClock {
    anchor_virtual: Nanos,
    anchor_wall: Nanos,
    speed: f64,
    paused: bool,
}

impl VirtualClock {
    pub fn new(start: Nanos, wall: Nanos, speed: f64) -> VirtualClock {
        VirtualClock {
            anchor_virtual: start,
            anchor_wall: wall,
            speed: speed.clamp(MIN_SPEED, MAX_SPEED),
            paused: false,
        }
    }

    /// Virtual time at wall time `wall`.
    pub fn now(&self, wall: Nanos) -> Nanos {
        if self.paused {
            return self.anchor_virtual;
        }
        let elapsed = (wall - self.anchor_wall) as f64 * self.speed;
        self.anchor_virtual.saturating_add(elapsed as Nanos)
    }

    fn reanchor(&mut self, wall: Nanos) {
        self.anchor_virtual = self.now(wall);
        self.anchor_wall = wall;
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Changes speed from now on, keeping the virtual time continuous.
    pub fn set_speed(&mut self, speed: f64, wall: Nanos) {
        self.reanchor(wall);
        self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
    }

    pub fn toggle_pause(&mut self, wall: Nanos) {
        self.reanchor(wall);
        self.paused = !self.paused;
    }

    /// Moves the virtual time to `to` (paused or not).
    pub fn seek(&mut self, to: Nanos, wall: Nanos) {
        self.anchor_virtual = to;
        self.anchor_wall = wall;
    }
}

/// A feed file's events, sorted by time (ties in file order), with a cursor.
#[derive(Debug, Clone, Default)]
pub struct Playback {
    events: Vec<(u64, Event)>,
    next: usize,
    /// Lines refused while reading, with their numbers.
    pub rejected: Vec<(u64, Reject)>,
}

impl Playback {
    /// Reads and sorts a whole feed.
    pub fn read(reader: impl BufRead) -> io::Result<Playback> {
        let mut lines = LineReader::new(reader);
        let mut playback = Playback::default();
        while let Some((number, line)) = lines.next_line()? {
            match classify(line) {
                Classified::Blank => {}
                Classified::Event(event) => playback.events.push((number, event)),
                Classified::Rejected(reason) => playback.rejected.push((number, reason)),
            }
        }
        // A stable sort: ties stay in file order.
        playback.events.sort_by_key(|(_, event)| event.at);
        Ok(playback)
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub fn first_at(&self) -> Option<Nanos> {
        self.events.first().map(|(_, event)| event.at)
    }

    pub fn last_at(&self) -> Option<Nanos> {
        self.events.last().map(|(_, event)| event.at)
    }

    /// Back to the first event.
    pub fn rewind(&mut self) {
        self.next = 0;
    }

    /// How many events have been handed out.
    pub fn position(&self) -> usize {
        self.next
    }

    /// Goes back (or forward) to a position [`position`](Self::position) gave.
    pub fn set_position(&mut self, position: usize) {
        self.next = position.min(self.events.len());
    }

    /// The events dated at or before `now` not yet handed out, in order.
    pub fn take_due(&mut self, now: Nanos) -> &[(u64, Event)] {
        let start = self.next;
        let end = start + self.events[start..].partition_point(|(_, event)| event.at <= now);
        self.next = end;
        &self.events[start..end]
    }

    /// Has every event been handed out?
    pub fn finished(&self) -> bool {
        self.next >= self.events.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::NANOS_PER_SEC;

    #[test]
    fn the_clock_runs_at_speed_pauses_and_seeks() {
        let s = NANOS_PER_SEC;
        let mut clock = VirtualClock::new(1_000 * s, 0, 60.0);
        assert_eq!(clock.now(2 * s), 1_120 * s); // 2 s of wall at ×60
        clock.toggle_pause(2 * s);
        assert_eq!(clock.now(10 * s), 1_120 * s); // paused: frozen
        clock.toggle_pause(10 * s);
        assert_eq!(clock.now(11 * s), 1_180 * s);
        clock.set_speed(2.0, 11 * s);
        assert_eq!(clock.now(13 * s), 1_184 * s);
        clock.seek(500 * s, 13 * s);
        assert_eq!(clock.now(14 * s), 502 * s);
        clock.set_speed(1e9, 14 * s);
        assert_eq!(clock.speed(), MAX_SPEED);
        clock.set_speed(0.0, 14 * s);
        assert_eq!(clock.speed(), MIN_SPEED);
    }

    #[test]
    fn events_come_out_sorted_and_due() {
        let feed = b"{\"kind\":\"heartbeat\",\"at\":\"2024-07-01T11:00:02Z\"}\n\nnot json\n{\"kind\":\"heartbeat\",\"at\":\"2024-07-01T11:00:01Z\"}\n";
        let mut playback = Playback::read(&feed[..]).expect("in memory");
        assert_eq!(playback.len(), 2);
        assert_eq!(playback.rejected, vec![(3, Reject::NotJson)]);
        let first = playback.first_at().expect("events");
        assert_eq!(playback.take_due(first - 1).len(), 0);
        let due: Vec<u64> = playback
            .take_due(first)
            .iter()
            .map(|(line, _)| *line)
            .collect();
        assert_eq!(due, [4]);
        assert!(!playback.finished());
        let due: Vec<u64> = playback
            .take_due(first + NANOS_PER_SEC)
            .iter()
            .map(|(line, _)| *line)
            .collect();
        assert_eq!(due, [1]);
        assert!(playback.finished());
        playback.rewind();
        assert_eq!(playback.take_due(Nanos::MAX).len(), 2);
    }
}
