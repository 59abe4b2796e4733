//! The served clock, and each pass's shift of the recording onto it.

use crate::time::{Span, Timestamp};

/// The time a served feed carries: it reads the wall time when the server starts (to the
/// whole millisecond, so that millisecond times stay exact) and runs `speed` times faster.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct ServedClock {
    origin: Timestamp,
    speed: f64,
}

impl ServedClock {
    /// `speed` must be finite and positive (the caller clamps it to the allowed range).
    pub(super) fn new(wall: Timestamp, speed: f64) -> ServedClock {
        let past_millisecond = wall.nanos().rem_euclid(Span::MILLISECOND.nanos());
        ServedClock {
            origin: Timestamp::from_nanos(wall.nanos() - past_millisecond),
            speed,
        }
    }

    pub(super) fn speed(&self) -> f64 {
        self.speed
    }

    /// Where the clock starts: the served time of the first pass's start.
    pub(super) fn origin(&self) -> Timestamp {
        self.origin
    }

    /// The served time at wall time `wall`.
    pub(super) fn at(&self, wall: Timestamp) -> Timestamp {
        // `as` from f64 saturates; so does the addition.
        let elapsed = (wall - self.origin).nanos() as f64 * self.speed;
        self.origin + Span::from_nanos(elapsed as i64)
    }

    /// The wall time at which the clock reads `served` (the inverse of [`at`](Self::at);
    /// monotonic in `served`).
    pub(super) fn wall_at(&self, served: Timestamp) -> Timestamp {
        let elapsed = (served - self.origin).nanos() as f64 / self.speed;
        self.origin + Span::from_nanos(elapsed.floor() as i64)
    }
}

/// One pass over the recording: its times shifted, never scaled, onto the served clock,
/// so every duration is the recording's own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Pass {
    pub(super) number: u64,
    start_recorded: Timestamp,
    start_served: Timestamp,
}

impl Pass {
    /// Pass `number` plays recording time `start_recorded` at served time `start_served`.
    pub(super) fn new(number: u64, start_recorded: Timestamp, start_served: Timestamp) -> Pass {
        Pass {
            number,
            start_recorded,
            start_served,
        }
    }

    /// The served time of recording time `recorded`.
    pub(super) fn served(&self, recorded: Timestamp) -> Timestamp {
        self.start_served + (recorded - self.start_recorded)
    }

    /// The next pass, starting `gap` after `end` (this pass's last served time).
    pub(super) fn next(&self, end: Timestamp, gap: Span) -> Pass {
        Pass::new(self.number + 1, self.start_recorded, end + gap)
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
                    (clock.at(wall) - served).abs() <= Span::from_nanos(speed.ceil() as i64),
                    "{speed} {served:?}"
                );
            }
        }
    }

    #[test]
    fn a_four_second_answer_is_sent_four_seconds_apart_at_a_twentieth_of_the_wall_time() {
        // The recording: offered at 11:00:00, answered at 11:00:04; served from wall 1000 s.
        let offered = s(1_719_831_600);
        let answered = offered + Span::from_secs(4);
        let clock = ServedClock::new(s(1_000), 20.0);
        let pass = Pass::new(1, offered, clock.origin());
        assert_eq!(pass.served(offered), s(1_000));
        assert_eq!(pass.served(answered), s(1_004));
        // Sent at once, and 4 / 20 = 0.2 s of wall time later.
        assert_eq!(clock.wall_at(pass.served(offered)), s(1_000));
        assert_eq!(
            clock.wall_at(pass.served(answered)),
            s(1_000) + Span::from_millis(200)
        );
        // A second pass is a later shift, durations unchanged.
        let second = pass.next(pass.served(answered), Span::SECOND);
        assert_eq!(second.number, 2);
        assert_eq!(second.served(offered), s(1_005));
        assert_eq!(second.served(answered), s(1_009));
    }
}
