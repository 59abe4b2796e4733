//! A recorded feed played into an engine on a virtual clock: the demo and `replay`.
//!
//! Pure like the engine: the wall clock is passed in. Seeking backwards rebuilds the state
//! from the nearest checkpoint (a copy of the engine taken every 6 hours of virtual time)
//! rather than from the start. At most `MAX_CHECKPOINTS` are kept: past that, every other
//! one is dropped and the spacing doubles, so memory stays bounded on any length of
//! recording (a 30-day one ends with checkpoints every 2 days) and a seek replays at most
//! one spacing of events.

use std::collections::VecDeque;

use crate::engine::{Applied, Engine, EngineSettings};
use crate::ingest::playback::Playback;
use crate::model::Reject;
use crate::time::VirtualClock;
use crate::time::{Span, Timestamp};

/// Virtual time between checkpoints, to start with.
const CHECKPOINT_EVERY: Span = Span::from_hours(6);
/// Engine copies kept at most (each holds up to the retention's worth of records).
pub const MAX_CHECKPOINTS: usize = 16;

struct Checkpoint {
    /// The virtual time the engine was loaded to.
    at: Timestamp,
    position: usize,
    engine: Engine,
    recent: VecDeque<Timestamp>,
}

/// What one step forward did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Step {
    pub(crate) accepted: usize,
    /// Lines refused by the engine (unmatched, negative duration), with their numbers.
    pub(crate) rejected: Vec<(u64, Reject)>,
    /// The demo went back to its start.
    pub looped: bool,
}

/// How a recording is played.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplayOptions {
    /// Where the clock starts (default: the first event), clamped to the recording.
    pub from: Option<Timestamp>,
    /// Where it stops (default: the last event).
    pub until: Option<Timestamp>,
    /// Virtual seconds per wall second.
    pub speed: f64,
    /// Start again from `from` at the end (the demo).
    pub looping: bool,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            from: None,
            until: None,
            speed: 1.0,
            looping: false,
        }
    }
}

pub struct Replay {
    playback: Playback,
    clock: VirtualClock,
    settings: EngineSettings,
    engine: Engine,
    start: Timestamp,
    end: Timestamp,
    looping: bool,
    checkpoints: Vec<Checkpoint>,
    checkpoint_every: Span,
    /// The virtual time the engine is loaded to.
    loaded_to: Timestamp,
    last_event_at: Option<Timestamp>,
    /// The times of the accepted events in the minute up to the latest one: the feed's
    /// rate is counted in the recording's own time, whatever the speed.
    recent: VecDeque<Timestamp>,
}

impl Replay {
    /// A replay from `options.from` to `options.until` (both clamped to the recording),
    /// loaded to its start, with the virtual clock at the start at wall time `wall`.
    pub fn new(
        playback: Playback,
        settings: EngineSettings,
        options: ReplayOptions,
        wall: Timestamp,
    ) -> Replay {
        let ReplayOptions {
            from,
            until,
            speed,
            looping,
        } = options;
        let first = playback.first_at().unwrap_or_default();
        let last = playback.last_at().unwrap_or(first);
        let start = from.unwrap_or(first);
        let end = until.unwrap_or(last).max(start);
        let mut replay = Replay {
            engine: Engine::new(settings.clone()),
            clock: VirtualClock::new(start, wall, speed),
            playback,
            settings,
            start,
            end,
            looping,
            checkpoints: Vec::new(),
            checkpoint_every: CHECKPOINT_EVERY,
            loaded_to: Timestamp::MIN,
            last_event_at: None,
            recent: VecDeque::new(),
        };
        replay.rebuild(start);
        replay
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// How many engine copies are kept for seeking (bounded by `MAX_CHECKPOINTS`).
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// Virtual now, never past the end.
    pub fn now(&self, wall: Timestamp) -> Timestamp {
        self.clock.now(wall).min(self.end)
    }

    pub(crate) fn start(&self) -> Timestamp {
        self.start
    }

    pub fn end(&self) -> Timestamp {
        self.end
    }

    pub(crate) fn speed(&self) -> f64 {
        self.clock.speed()
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.clock.is_paused()
    }

    pub fn is_looping(&self) -> bool {
        self.looping
    }

    /// Has the clock reached the end (a replay then holds its last figures)?
    pub fn at_end(&self, wall: Timestamp) -> bool {
        self.now(wall) >= self.end
    }

    /// Events accepted in the virtual minute up to now, `(now − 1 min, now]`: the rate
    /// the recording itself ran at, right from the first frame.
    pub(crate) fn events_in_last_minute(&self, wall: Timestamp) -> usize {
        let now = self.now(wall);
        self.recent
            .iter()
            .rev()
            .skip_while(|at| **at > now)
            .take_while(|at| now - **at < Span::MINUTE)
            .count()
    }

    /// The `at` of the latest event applied.
    pub fn last_event_at(&self) -> Option<Timestamp> {
        self.last_event_at
    }

    pub fn toggle_pause(&mut self, wall: Timestamp) {
        self.clock.toggle_pause(wall);
    }

    pub fn set_speed(&mut self, speed: f64, wall: Timestamp) {
        self.clock.set_speed(speed, wall);
    }

    /// Applies every event up to virtual `to`, reporting what happened.
    fn load_to(&mut self, to: Timestamp, step: &mut Step) {
        let due = self.playback.take_due(to);
        for (line, event) in due {
            let at = event.at;
            match self.engine.ingest(event.clone()) {
                Ok(Applied::Accepted) => {
                    step.accepted += 1;
                    self.last_event_at = Some(self.last_event_at.map_or(at, |t| t.max(at)));
                    self.recent.push_back(at);
                }
                Ok(Applied::Duplicate) => {}
                Err(reason) => step.rejected.push((*line, reason)),
            }
        }
        // Bounded whatever the rate: only the last minute is ever counted.
        if let Some(&latest) = self.recent.back() {
            while self
                .recent
                .front()
                .is_some_and(|at| latest - *at >= Span::MINUTE)
            {
                self.recent.pop_front();
            }
        }
        self.loaded_to = self.loaded_to.max(to);
        let due_checkpoint = self
            .checkpoints
            .last()
            .map_or(self.start, |c| c.at + self.checkpoint_every);
        if to >= due_checkpoint && self.checkpoints.last().is_none_or(|c| c.at < to) {
            self.checkpoints.push(Checkpoint {
                at: to,
                position: self.playback.position(),
                engine: self.engine.clone(),
                recent: self.recent.clone(),
            });
            if self.checkpoints.len() > MAX_CHECKPOINTS {
                let mut index = 0;
                self.checkpoints.retain(|_| {
                    index += 1;
                    index % 2 == 1
                });
                self.checkpoint_every *= 2;
            }
        }
    }

    /// Loads the state at `to` afresh, from the nearest checkpoint at or before it.
    fn rebuild(&mut self, to: Timestamp) {
        self.checkpoints.retain(|c| c.at <= to);
        match self.checkpoints.last() {
            Some(checkpoint) => {
                self.engine = checkpoint.engine.clone();
                self.playback.set_position(checkpoint.position);
                self.loaded_to = checkpoint.at;
                self.last_event_at = self.engine.latest();
                self.recent = checkpoint.recent.clone();
            }
            None => {
                self.engine = Engine::new(self.settings.clone());
                self.playback.rewind();
                self.loaded_to = Timestamp::MIN;
                self.last_event_at = None;
                self.recent.clear();
            }
        }
        self.load_to(to, &mut Step::default());
    }

    /// Moves the state up to the virtual now; the demo loops at its end.
    pub fn advance(&mut self, wall: Timestamp) -> Step {
        let mut step = Step::default();
        let now = self.now(wall);
        if now > self.loaded_to {
            self.load_to(now, &mut step);
        }
        if self.looping && now >= self.end {
            self.clock.seek(self.start, wall);
            self.rebuild(self.start);
            step.looped = true;
        }
        step
    }

    /// Moves the virtual clock to `to` (clamped to the replay), forwards or backwards.
    pub fn seek(&mut self, to: Timestamp, wall: Timestamp) {
        let to = to.clamp(self.start, self.end);
        self.clock.seek(to, wall);
        if to < self.loaded_to {
            self.rebuild(to);
        } else {
            self.load_to(to, &mut Step::default());
        }
    }
}
