//! The clock a served feed carries: it starts at the wall time when the server starts
//! and runs at the served speed.

use super::{Span, Timestamp, VirtualClock};

/// The time a served feed carries: it reads the wall time when the server starts (to the
/// whole millisecond, so that millisecond times stay exact) and runs `speed` times faster.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ServedClock {
    clock: VirtualClock,
    origin: Timestamp,
}

impl ServedClock {
    /// `speed` is clamped to the virtual clock's range.
    pub(crate) fn new(wall: Timestamp, speed: f64) -> ServedClock {
        let past_millisecond = wall.nanos().rem_euclid(Span::MILLISECOND.nanos());
        let origin = Timestamp::from_nanos(wall.nanos() - past_millisecond);
        ServedClock {
            clock: VirtualClock::new(origin, origin, speed),
            origin,
        }
    }

    pub(crate) fn speed(&self) -> f64 {
        self.clock.speed()
    }

    /// Where the clock starts: the served time of the first pass's start.
    pub(crate) fn origin(&self) -> Timestamp {
        self.origin
    }

    /// The served time at wall time `wall`.
    pub(crate) fn at(&self, wall: Timestamp) -> Timestamp {
        self.clock.now(wall)
    }

    /// The wall time at which the clock reads `served` (the inverse of [`at`](Self::at);
    /// monotonic in `served`).
    pub(crate) fn wall_at(&self, served: Timestamp) -> Timestamp {
        let elapsed = (served - self.origin).nanos() as f64 / self.speed();
        self.origin + Span::from_nanos_f64(elapsed.floor())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + Span::from_secs(secs)
    }

    #[test]
    fn the_clock_starts_at_the_wall_time_to_the_millisecond_and_runs_at_its_speed() {
        let wall = s(1_000) + Span::from_nanos(2_345_678);
        let clock = ServedClock::new(wall, 20.0);
        assert_eq!(clock.origin(), s(1_000) + Span::from_millis(2));
        // 1.5 s of wall time later it reads 30 s later.
        let later = clock.origin() + Span::from_millis(1_500);
        assert_eq!(clock.at(later), clock.origin() + Span::from_secs(30));
        assert_eq!(clock.wall_at(clock.origin() + Span::from_secs(30)), later);
    }

    #[test]
    fn the_wall_mapping_inverts_the_clock() {
        for speed in [0.1, 1.0, 20.0, 10_000.0] {
            let clock = ServedClock::new(s(7), speed);
            for served in [s(7), s(8), s(3_607), s(4)] {
                let wall = clock.wall_at(served);
                assert!(
                    (clock.at(wall) - served).abs() <= Span::from_nanos_f64(speed.ceil()),
                    "{speed} {served:?}"
                );
            }
        }
    }
}
