//! Virtual time: a clock that runs at a multiple of the wall clock, and can be paused
//! and moved (replay, the demo, a served recording's clock).

use std::ops::RangeInclusive;

use super::{Span, Timestamp};

/// The slowest and fastest a virtual clock runs: the speeds `replay` and `serve` accept
/// and a served feed's heartbeats may announce.
pub const MIN_SPEED: f64 = 0.1;
pub const MAX_SPEED: f64 = 10_000.0;
pub const SPEEDS: RangeInclusive<f64> = MIN_SPEED..=MAX_SPEED;

/// Virtual time that runs at `speed` × the wall clock, and can be paused and moved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VirtualClock {
    anchor_virtual: Timestamp,
    anchor_wall: Timestamp,
    speed: f64,
    paused: bool,
}

impl VirtualClock {
    pub(crate) fn new(start: Timestamp, wall: Timestamp, speed: f64) -> VirtualClock {
        VirtualClock {
            anchor_virtual: start,
            anchor_wall: wall,
            speed: speed.clamp(MIN_SPEED, MAX_SPEED),
            paused: false,
        }
    }

    /// Virtual time at wall time `wall`.
    pub(crate) fn now(&self, wall: Timestamp) -> Timestamp {
        if self.paused {
            return self.anchor_virtual;
        }
        // The conversion saturates, so a huge speed-up stops at the end of time.
        let elapsed = (wall - self.anchor_wall).nanos() as f64 * self.speed;
        self.anchor_virtual + Span::from_nanos_f64(elapsed)
    }

    fn reanchor(&mut self, wall: Timestamp) {
        self.anchor_virtual = self.now(wall);
        self.anchor_wall = wall;
    }

    pub(crate) fn speed(&self) -> f64 {
        self.speed
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.paused
    }

    /// Changes speed from now on, keeping the virtual time continuous.
    pub(crate) fn set_speed(&mut self, speed: f64, wall: Timestamp) {
        self.reanchor(wall);
        self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
    }

    pub(crate) fn toggle_pause(&mut self, wall: Timestamp) {
        self.reanchor(wall);
        self.paused = !self.paused;
    }

    /// The first wall time at which the clock reads `at` or later: `None` while paused
    /// (it never will); `anchor` for a time already passed.
    pub(crate) fn wall_at(&self, at: Timestamp) -> Option<Timestamp> {
        if self.paused {
            return None;
        }
        let ahead = (at - self.anchor_virtual).max(Span::ZERO).nanos() as f64 / self.speed;
        Some(self.anchor_wall + Span::from_nanos_f64(ahead.ceil()))
    }

    /// Pauses or resumes.
    pub(crate) fn set_paused(&mut self, paused: bool, wall: Timestamp) {
        if self.paused != paused {
            self.toggle_pause(wall);
        }
    }

    /// Moves the virtual time to `to` (paused or not).
    pub(crate) fn seek(&mut self, to: Timestamp, wall: Timestamp) {
        self.anchor_virtual = to;
        self.anchor_wall = wall;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `secs` seconds after the epoch.
    fn s(secs: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + Span::from_secs(secs)
    }

    #[test]
    fn the_clock_runs_at_speed_pauses_and_seeks() {
        let mut clock = VirtualClock::new(s(1_000), s(0), 60.0);
        assert_eq!(clock.now(s(2)), s(1_120)); // 2 s of wall at ×60
        clock.toggle_pause(s(2));
        assert_eq!(clock.now(s(10)), s(1_120)); // paused: frozen
        clock.toggle_pause(s(10));
        assert_eq!(clock.now(s(11)), s(1_180));
        clock.set_speed(2.0, s(11));
        assert_eq!(clock.now(s(13)), s(1_184));
        clock.seek(s(500), s(13));
        assert_eq!(clock.now(s(14)), s(502));
        clock.set_speed(1e9, s(14));
        assert_eq!(clock.speed(), MAX_SPEED);
        clock.set_speed(0.0, s(14));
        assert_eq!(clock.speed(), MIN_SPEED);
    }

    #[test]
    fn the_wall_time_of_a_reading_inverts_the_clock_and_a_paused_clock_has_none() {
        let mut clock = VirtualClock::new(s(1_000), s(0), 60.0);
        // 1,120 is 120 s of virtual time ahead: 2 s of wall at ×60.
        assert_eq!(clock.wall_at(s(1_120)), Some(s(2)));
        // Already passed: due at once (the anchor).
        assert_eq!(clock.wall_at(s(10)), Some(s(0)));
        clock.set_paused(true, s(1));
        assert_eq!(clock.wall_at(s(1_120)), None);
        clock.set_paused(true, s(5));
        assert!(clock.is_paused());
        clock.set_paused(false, s(7));
        // Paused at 1,060 from wall 1 to 7: 1,120 is 1 s of wall after 7.
        assert_eq!(clock.wall_at(s(1_120)), Some(s(8)));
    }
}
