//! A live feed's events on their way into the engine, in the order the feed's rules ask:
//! arrival order, except
//!
//! - an event dated ahead of the board's now (within the future skew: a CAD clock a
//!   little fast) waits until its time, so the engine never holds an event later than the
//!   board's now; and
//! - a closing event whose opening has not arrived yet (two CAD sources, one a little
//!   faster) waits for the **pairing grace** and is applied as soon as its opening
//!   arrives, as if the two had come in order. Only when the grace runs out is it
//!   rejected as unmatched, so a real unmatched line is still shown, a grace later.
//!   A `call_ended` (schema v1.1) pairs the same way with its call's answer: one that
//!   arrives before the answer (or whose call is still waiting) waits for it.

use std::collections::{HashMap, VecDeque};

use crate::engine::{Applied, Engine};
use crate::model::{CallOutcome, Event, EventBody, Reject};
use crate::time::{Span, Timestamp};

/// At most this many closing events wait for their openings; past it a close with no
/// opening is rejected at once, so a feed of nothing but orphans cannot grow memory.
pub(crate) const MAX_UNPAIRED: usize = 100_000;

/// What applying the due events did, for the feed's health and `--record`.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// An event dated `at` (the feed's time: what the rate counts by) was accepted; the
    /// event itself only when accepted events are kept ([`LiveIngest::keep_events`]).
    Accepted {
        at: Timestamp,
        event: Option<Event>,
    },
    Rejected {
        line: u64,
        reason: Reject,
    },
}

/// A closing event waiting for its opening.
#[derive(Debug, Clone)]
struct Unpaired {
    line: u64,
    event: Event,
    arrived: Timestamp,
}

impl LiveIngest {
    fn forget_waiting(&mut self, event: &Event) {
        if let Some((space, id)) = closing_of(event) {
            let key = (space, Box::<str>::from(id));
            if let Some(count) = self.waiting_ids.get_mut(&key) {
                *count -= 1;
                if *count == 0 {
                    self.waiting_ids.remove(&key);
                }
            }
        }
    }
}

/// Which id an event is about: calls and incidents are separate name spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Space {
    Call,
    Incident,
    /// A call's handling: opened by its answer, closed by its `call_ended`.
    Handling,
}

fn opening_of(event: &Event) -> Option<(Space, &str)> {
    match &event.body {
        EventBody::CallOffered { id, .. } => Some((Space::Call, id)),
        EventBody::IncidentCreated { id, .. } => Some((Space::Incident, id)),
        EventBody::CallClosed {
            id,
            outcome: CallOutcome::Answered,
            ..
        } => Some((Space::Handling, id)),
        _ => None,
    }
}

fn closing_of(event: &Event) -> Option<(Space, &str)> {
    match &event.body {
        EventBody::CallClosed { id, .. } => Some((Space::Call, id)),
        EventBody::IncidentClosed { id, .. } => Some((Space::Incident, id)),
        EventBody::CallEnded { id } => Some((Space::Handling, id)),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct LiveIngest {
    engine: Box<Engine>,
    /// In time order, ties in arrival order.
    ahead: VecDeque<(u64, Event)>,
    /// In arrival order.
    unpaired: VecDeque<Unpaired>,
    /// How many closes wait per id, so an opening with none waiting costs one look-up.
    waiting_ids: HashMap<(Space, Box<str>), usize>,
    grace: Span,
    /// Hand accepted events back (`--record`).
    keep_events: bool,
}

impl LiveIngest {
    pub fn new(engine: Engine, grace: Span) -> LiveIngest {
        LiveIngest {
            engine: Box::new(engine),
            ahead: VecDeque::new(),
            unpaired: VecDeque::new(),
            waiting_ids: HashMap::new(),
            grace,
            keep_events: false,
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Drops every event applied or waiting, keeping the settings (the engine's, the
    /// grace, whether events are handed back): the feed's timeline starts again.
    pub(crate) fn start_afresh(&mut self) {
        let engine = Engine::new(self.engine.settings().clone());
        *self = LiveIngest {
            keep_events: self.keep_events,
            ..LiveIngest::new(engine, self.grace)
        };
    }

    /// Hands every accepted event back in its [`Outcome`], for `--record`.
    pub(crate) fn keep_events(&mut self) {
        self.keep_events = true;
    }

    /// Closing events waiting for their openings now.
    pub fn unpaired(&self) -> usize {
        self.unpaired.len()
    }

    /// One event as it arrived at wall time `wall`, the board's now being `now` (the wall
    /// time, or a served feed's clock); already checked against the future skew.
    pub fn push(
        &mut self,
        line: u64,
        event: Event,
        (now, wall): (Timestamp, Timestamp),
        out: &mut Vec<Outcome>,
    ) {
        let at = event.at;
        let position = self.ahead.partition_point(|(_, held)| held.at <= at);
        self.ahead.insert(position, (line, event));
        self.advance((now, wall), out);
    }

    /// Applies the events whose time has come by `now`, and rejects the closes whose grace
    /// has run out by `wall` (the grace is the link's, so always wall time).
    pub fn advance(&mut self, (now, wall): (Timestamp, Timestamp), out: &mut Vec<Outcome>) {
        while self.ahead.front().is_some_and(|(_, event)| event.at <= now) {
            let Some((line, event)) = self.ahead.pop_front() else {
                break;
            };
            self.apply(line, event, wall, out);
        }
        while self
            .unpaired
            .front()
            .is_some_and(|waiting| wall - waiting.arrived > self.grace)
        {
            let Some(waiting) = self.unpaired.pop_front() else {
                break;
            };
            self.forget_waiting(&waiting.event);
            let reason = Reject::Unmatched(waiting.event.body.kind());
            out.push(Outcome::Rejected {
                line: waiting.line,
                reason,
            });
        }
    }

    fn apply(&mut self, line: u64, event: Event, wall: Timestamp, out: &mut Vec<Outcome>) {
        // A copy only where one is needed: for --record, and for a close that may have to
        // wait for its opening. An opening needs its id only if some close waits.
        let closing = closing_of(&event).is_some();
        let copy = (self.keep_events || closing).then(|| event.clone());
        let at = event.at;
        let opened = opening_of(&event)
            .filter(|_| !self.waiting_ids.is_empty())
            .map(|(space, id)| (space, Box::<str>::from(id)));
        match self.engine.ingest(event) {
            Ok(Applied::Accepted) => {
                out.push(Outcome::Accepted {
                    at,
                    event: copy.filter(|_| self.keep_events),
                });
                if let Some((space, id)) = opened {
                    self.pair(space, &id, wall, out);
                }
            }
            Ok(Applied::Duplicate) => {}
            Err(Reject::Unmatched(_)) if closing && self.unpaired.len() < MAX_UNPAIRED => {
                if let Some(event) = copy {
                    self.hold(line, event, wall);
                }
            }
            Err(reason) => out.push(Outcome::Rejected { line, reason }),
        }
    }

    fn hold(&mut self, line: u64, event: Event, wall: Timestamp) {
        if let Some((space, id)) = closing_of(&event) {
            *self.waiting_ids.entry((space, id.into())).or_default() += 1;
        }
        self.unpaired.push_back(Unpaired {
            line,
            event,
            arrived: wall,
        });
    }

    /// The opening of `id` has just been applied: its waiting closes follow, in the order
    /// they arrived.
    fn pair(&mut self, space: Space, id: &str, wall: Timestamp, out: &mut Vec<Outcome>) {
        if self.waiting_ids.remove(&(space, id.into())).is_none() {
            return;
        }
        let (matching, rest): (VecDeque<Unpaired>, VecDeque<Unpaired>) =
            std::mem::take(&mut self.unpaired)
                .into_iter()
                .partition(|waiting| closing_of(&waiting.event) == Some((space, id)));
        self.unpaired = rest;
        for waiting in matching {
            self.apply(waiting.line, waiting.event, wall, out);
        }
    }
}
