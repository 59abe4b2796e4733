//! Handler counts from per-handler records (`[tally]`): each record is one call handler's
//! current state; the map keeps every handler's last state and makes a `staffing` event for
//! a line whenever its counts change. This is how an agent event stream (one event per agent
//! change) becomes the board's on-duty and available counts.

use std::collections::HashMap;

use super::record::Node;
use chrono_tz::Tz;

use super::path::{Condition, FieldPath, text_of};
use super::rule::Pick;
use crate::model::{CallLine, Event, EventBody, MAX_ON_DUTY, MapReject};

/// How a map counts handlers.
#[derive(Debug, Clone)]
pub(crate) struct Tally {
    pub(crate) key: FieldPath,
    pub(crate) at: Pick,
    pub(crate) line: Pick,
    /// All must hold for the handler to count as on duty.
    pub(crate) on_duty: Vec<Condition>,
    /// All must hold (and the handler be on duty) to count as available.
    pub(crate) available: Vec<Condition>,
}

impl Tally {
    pub(crate) fn paths(&self) -> impl Iterator<Item = &FieldPath> {
        std::iter::once(&self.key)
            .chain(self.at.path())
            .chain(self.line.path())
            .chain(
                self.on_duty
                    .iter()
                    .chain(&self.available)
                    .map(Condition::path),
            )
    }
}

/// One handler's counted state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counted {
    line: CallLine,
    on_duty: bool,
    available: bool,
}

/// The handlers seen and each line's counts. At most [`MAX_ON_DUTY`] handlers are kept, so
/// no count can pass the schema's limit.
#[derive(Debug, Default)]
pub(crate) struct Handlers {
    last: HashMap<Box<str>, Counted>,
    /// Per line (999, 101): on duty, available.
    counts: [(u32, u32); 2],
    /// Lines whose counts have been sent at least once.
    sent: [bool; 2],
}

/// What a record does to the counts: computed first, applied only if the whole record is
/// accepted.
#[derive(Debug)]
pub(crate) struct Change {
    key: Box<str>,
    at: crate::time::Timestamp,
    now: Counted,
}

impl Handlers {
    /// Reads the record's handler state, or why it cannot be read.
    pub(crate) fn read(
        &self,
        tally: &Tally,
        record: &Node<'_>,
        zone: Tz,
    ) -> Result<Change, MapReject> {
        let key = tally
            .key
            .find(record)
            .and_then(text_of)
            .ok_or(MapReject::Missing {
                field: "tally key",
                from: tally.key.text,
            })?;
        let at = tally.at.time(record, zone)?.ok_or(MapReject::Missing {
            field: "at",
            from: tally.at.path().map_or("value", |path| path.text),
        })?;
        let line_text = tally.line.text(record, "line")?.ok_or(MapReject::Missing {
            field: "line",
            from: tally.line.path().map_or("value", |path| path.text),
        })?;
        let line = CallLine::from_text(&line_text).ok_or(MapReject::BadValue { field: "line" })?;
        if !self.last.contains_key(&*key) && self.last.len() >= MAX_ON_DUTY as usize {
            return Err(MapReject::TooManyHandlers);
        }
        let on_duty = tally
            .on_duty
            .iter()
            .all(|condition| condition.holds(record));
        let available = on_duty
            && tally
                .available
                .iter()
                .all(|condition| condition.holds(record));
        Ok(Change {
            key: key.into(),
            at,
            now: Counted {
                line,
                on_duty,
                available,
            },
        })
    }

    /// Applies a change; the `staffing` events of the lines whose counts changed (or that
    /// were never sent).
    pub(crate) fn apply(&mut self, change: Change) -> Vec<Event> {
        // A handler's state can change with no count changing (one first seen off duty, or
        // moved between lines off duty): that makes nothing, or an unchanged snapshot would
        // keep a line's staffing from going stale.
        let counts_before = self.counts;
        let before = self.last.insert(change.key, change.now);
        if let Some(before) = before {
            self.add(before, false);
        }
        self.add(change.now, true);
        let mut touched = vec![change.now.line];
        if let Some(before) = before
            && before.line != change.now.line
        {
            touched.push(before.line);
        }
        let mut events = Vec::new();
        for line in touched {
            let unchanged = self.counts[line.index()] == counts_before[line.index()];
            if unchanged && self.sent[line.index()] {
                continue;
            }
            self.sent[line.index()] = true;
            let (on_duty, available) = self.counts[line.index()];
            events.push(Event {
                at: change.at,
                body: EventBody::Staffing {
                    line,
                    on_duty,
                    available: Some(available),
                },
            });
        }
        events
    }

    fn add(&mut self, counted: Counted, adding: bool) {
        let (on_duty, available) = &mut self.counts[counted.line.index()];
        let step = |count: &mut u32, counts: bool| {
            if counts {
                *count = if adding {
                    count.saturating_add(1)
                } else {
                    count.saturating_sub(1)
                };
            }
        };
        step(on_duty, counted.on_duty);
        step(available, counted.available);
    }
}
