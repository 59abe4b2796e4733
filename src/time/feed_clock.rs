//! The clock a feed carries (a served recording announces it in its heartbeats): the
//! board computes at that clock's time rather than the wall clock's.

use super::{Timestamp, VirtualClock};

/// The feed's clock as last announced: it read `at` when the heartbeat arrived and runs at
/// `speed` × the wall clock. Each heartbeat re-anchors it; it never runs backwards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FeedClock {
    clock: VirtualClock,
    /// Never read earlier than this: the time shown when the clock was last re-anchored.
    floor: Timestamp,
}

impl FeedClock {
    /// A heartbeat that arrived at `wall` said the clock reads `at` and runs at `speed`
    /// (0: it stands still, paused).
    pub(crate) fn new(at: Timestamp, speed: f64, wall: Timestamp) -> FeedClock {
        FeedClock {
            clock: running_at(at, speed, wall),
            floor: at,
        }
    }

    /// Another heartbeat: the clock follows it from now on. A reading behind the time
    /// already shown (the heartbeat was slow to arrive) holds the clock there until the
    /// announced time catches up, rather than stepping it back.
    pub(crate) fn reanchor(&mut self, at: Timestamp, speed: f64, wall: Timestamp) {
        let shown = self.now(wall);
        self.clock = running_at(at, speed, wall);
        self.floor = shown;
    }

    /// The feed's time at wall time `wall`.
    pub(crate) fn now(&self, wall: Timestamp) -> Timestamp {
        self.clock.now(wall).max(self.floor)
    }

    pub(crate) fn speed(&self) -> f64 {
        self.clock.speed()
    }
}

/// A clock reading `at` at `wall`, running at `speed`, or standing still at 0.
fn running_at(at: Timestamp, speed: f64, wall: Timestamp) -> VirtualClock {
    let mut clock = VirtualClock::new(at, wall, speed);
    if speed == 0.0 {
        clock.toggle_pause(wall);
    }
    clock
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Span;

    fn s(secs: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + Span::from_secs(secs)
    }

    fn ms(millis: i64) -> Span {
        Span::from_millis(millis)
    }

    #[test]
    fn it_runs_at_the_announced_speed_from_the_announced_time() {
        // Announced 10:00 (36,000 s) at ×20, arriving at wall 500 s.
        let clock = FeedClock::new(s(36_000), 20.0, s(500));
        assert_eq!(clock.now(s(500)), s(36_000));
        assert_eq!(clock.now(s(500) + ms(250)), s(36_005));
        assert_eq!(clock.now(s(503)), s(36_060));
        assert_eq!(clock.speed(), 20.0);
    }

    #[test]
    fn each_heartbeat_re_anchors_it() {
        let mut clock = FeedClock::new(s(36_000), 20.0, s(500));
        // One second later the feed says 36,030 (its clock is a little behind ours):
        // ours had reached 36,020, so it follows the feed forward.
        clock.reanchor(s(36_030), 20.0, s(501));
        assert_eq!(clock.now(s(501)), s(36_030));
        assert_eq!(clock.now(s(502)), s(36_050));
        // A new speed applies from the heartbeat on.
        clock.reanchor(s(36_050), 2.0, s(502));
        assert_eq!(clock.now(s(504)), s(36_054));
    }

    #[test]
    fn it_never_runs_backwards_and_catches_up_with_a_late_reading() {
        let mut clock = FeedClock::new(s(36_000), 20.0, s(500));
        // At wall 501 we show 36,020; a heartbeat that was slow to arrive says 36,010.
        clock.reanchor(s(36_010), 20.0, s(501));
        // The clock holds at 36,020 for half a second (10 s of feed time) …
        assert_eq!(clock.now(s(501)), s(36_020));
        assert_eq!(clock.now(s(501) + ms(400)), s(36_020));
        // … then runs on from the feed's reading.
        assert_eq!(clock.now(s(501) + ms(500)), s(36_020));
        assert_eq!(clock.now(s(502)), s(36_030));
        let mut previous = Timestamp::MIN;
        for step in 0..40 {
            let now = clock.now(s(501) + ms(50 * step));
            assert!(now >= previous);
            previous = now;
        }
    }
}
