//! A recorded feed's events in time order, played out as a virtual clock reaches them
//! (the demo, and replay).
//!
//! Pure: the wall clock is always passed in as a [`Timestamp`], so speed, pause and seek
//! are testable to the nanosecond.

use std::io::{self, BufRead};

use super::feed_time::{FeedTime, Placement};
use crate::config::DEFAULT_REORDER_HORIZON;
use crate::feed::lines::LineReader;
use crate::feed::map::{MapReader, Mapped};
use crate::feed::parse::{Classified, classify};
use crate::model::{Event, Reject};
use crate::time::{Span, Timestamp};

/// A feed file's events, sorted by time (ties in file order), with a cursor.
#[derive(Debug, Clone, Default)]
pub struct Playback {
    events: Vec<(u64, Event)>,
    /// The recording's first and last times, stray lines aside.
    span: Option<(Timestamp, Timestamp)>,
    next: usize,
    /// Lines refused while reading, with their numbers.
    pub(crate) rejected: Vec<(u64, Reject)>,
}

impl Playback {
    /// Reads and sorts a whole native feed (the built-in demo day: never through a map),
    /// with the default reorder horizon.
    pub fn read(reader: impl BufRead) -> io::Result<Playback> {
        Playback::read_lines(reader, DEFAULT_REORDER_HORIZON, None)
    }

    /// Reads and sorts a whole feed. Its span is found as `report` finds a file's order
    /// (the reorder `horizon`, stray lines): a line dated 2099, or one from a source whose
    /// clock reads 2001, neither starts nor ends the recording.
    /// Through the installed input map, if any.
    pub fn read_with_horizon(reader: impl BufRead, horizon: Span) -> io::Result<Playback> {
        Playback::read_lines(reader, horizon, MapReader::installed())
    }

    fn read_lines(
        reader: impl BufRead,
        horizon: Span,
        mut map: Option<MapReader>,
    ) -> io::Result<Playback> {
        let mut lines = LineReader::new(reader);
        let mut playback = Playback::default();
        let mut read = 0_u64;
        while let Some((number, line)) = lines.next_line()? {
            if let Some(map) = &mut map {
                read += playback.push_mapped(number, map.read(line));
                continue;
            }
            match classify(line) {
                Classified::Blank => continue,
                Classified::Event(event) => playback.events.push((number, event)),
                Classified::Rejected(reason) => playback.rejected.push((number, reason)),
            }
            read += 1;
        }
        playback.span = span_without_strays(&playback.events, read, horizon);
        // A stable sort: ties stay in file order.
        playback.events.sort_by_key(|(_, event)| event.at);
        Ok(playback)
    }

    /// Keeps what a map made of line `number`; how many lines it counts as (each event is
    /// one, as in `report`).
    fn push_mapped(&mut self, number: u64, mapped: Mapped) -> u64 {
        match mapped {
            Mapped::Blank | Mapped::Duplicate => 0,
            Mapped::Rejected(reason) => {
                self.rejected.push((number, reason));
                1
            }
            Mapped::Events(events) => {
                let count = events.len() as u64;
                self.events
                    .extend(events.into_iter().map(|event| (number, event)));
                count
            }
        }
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The recording's first time: its earliest line in order (a stray far behind does
    /// not count).
    pub fn first_at(&self) -> Option<Timestamp> {
        self.span.map(|(first, _)| first)
    }

    /// The recording's end: its latest line, strays past the end aside.
    pub fn last_at(&self) -> Option<Timestamp> {
        self.span.map(|(_, last)| last)
    }

    /// Back to the first event.
    pub(crate) fn rewind(&mut self) {
        self.next = 0;
    }

    /// How many events have been handed out.
    pub(crate) fn position(&self) -> usize {
        self.next
    }

    /// Goes back (or forward) to a position [`position`](Self::position) gave.
    pub(crate) fn set_position(&mut self, position: usize) {
        self.next = position.min(self.events.len());
    }

    /// The events dated at or before `now` not yet handed out, in order.
    pub(crate) fn take_due(&mut self, now: Timestamp) -> &[(u64, Event)] {
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

/// The first and last times among `events` (in file order, of a file of `lines` lines),
/// leaving out strays behind the first line in order and strays past the end.
fn span_without_strays(
    events: &[(u64, Event)],
    lines: u64,
    horizon: Span,
) -> Option<(Timestamp, Timestamp)> {
    let mut feed_time = FeedTime::new(horizon);
    let mut first: Option<Timestamp> = None;
    let mut last: Option<Timestamp> = None;
    let mut note = |at: Timestamp, (): (), placement: Placement| {
        if matches!(placement, Placement::InOrder | Placement::Ahead) {
            first = Some(first.map_or(at, |first| first.min(at)));
        }
        if placement != Placement::BeyondEnd {
            last = Some(last.map_or(at, |last| last.max(at)));
        }
    };
    for (_, event) in events {
        feed_time.push(event.at, (), &mut note);
    }
    feed_time.finish(lines, &mut note);
    Some((first?, last?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_out_sorted_and_due() {
        let feed = b"{\"kind\":\"heartbeat\",\"at\":\"2024-07-01T11:00:02Z\"}\n\nnot json\n{\"kind\":\"heartbeat\",\"at\":\"2024-07-01T11:00:01Z\"}\n";
        let mut playback = Playback::read(&feed[..]).expect("in memory");
        assert_eq!(playback.len(), 2);
        assert_eq!(playback.rejected, vec![(3, Reject::NotJson)]);
        let first = playback.first_at().expect("events");
        assert_eq!(playback.take_due(first - Span::from_nanos(1)).len(), 0);
        let due: Vec<u64> = playback
            .take_due(first)
            .iter()
            .map(|(line, _)| *line)
            .collect();
        assert_eq!(due, [4]);
        assert!(!playback.finished());
        let due: Vec<u64> = playback
            .take_due(first + Span::SECOND)
            .iter()
            .map(|(line, _)| *line)
            .collect();
        assert_eq!(due, [1]);
        assert!(playback.finished());
        playback.rewind();
        assert_eq!(playback.take_due(Timestamp::MAX).len(), 2);
    }
}
